/* pkt_ip6.c - the IPv6 header and its extension-header chain (RFC 8200).
 *
 * The chain walker is shared with the ICMPv6 error quote.  Limits: at most
 * MG_PKT_MAX_EXTHDR extension headers, hop-by-hop only first, one fragment
 * header, no type-0 routing header still in use (RFC 5095).  Jumbograms
 * (payload length 0 + jumbo option) are not supported.
 */
#include <string.h>

#include "core/csum.h"
#include "core/pkt.h"
#include "core/pkt_impl.h"
#include "core/wire.h"

#define MG_PKT_MAX_EXTHDR 8

enum {
	NH_HOPOPT = 0,
	NH_ROUTING = 43,
	NH_FRAGMENT = 44,
	NH_AH = 51,
	NH_DSTOPTS = 60,
};

/* Hop-by-hop / destination options (RFC 8200 4.2): Pad1 is one byte, every
 * other option is type, data length, data, and must end inside the header. */
static bool ip6_options(struct mg_cur *o)
{
	while (mg_cur_bytes_left(o) > 0) {
		uint8_t type = mg_cur_u8(o);
		if (type == 0)
			continue;
		uint8_t dlen = mg_cur_u8(o);
		if (o->err || dlen > mg_cur_bytes_left(o))
			return false;
		mg_cur_skip(o, dlen);
	}
	return true;
}

enum mg_reason mg_pkt_ip6_chain(struct mg_cur *c, uint8_t nh, struct mg_pkt_chain *ch)
{
	bool seen_frag = false;
	memset(ch, 0, sizeof *ch);
	for (unsigned n = 0;; n++) {
		if (nh != NH_HOPOPT && nh != NH_ROUTING && nh != NH_FRAGMENT && nh != NH_AH &&
		    nh != NH_DSTOPTS) {
			ch->proto = nh; /* L4, ESP (50), no next header (59), unknown */
			return MG_R_NONE;
		}
		if (n == MG_PKT_MAX_EXTHDR || (nh == NH_HOPOPT && n != 0))
			return MG_R_PKT_BAD_EXTHDR;
		/* every extension header is at least 8 bytes */
		const uint8_t *e = mg_cur_take(c, 8);
		if (e == NULL)
			return MG_R_PKT_SHORT;
		uint8_t next = e[0];
		switch (nh) {
		case NH_FRAGMENT: {
			if (seen_frag)
				return MG_R_PKT_BAD_EXTHDR;
			seen_frag = true;
			uint16_t off = mg_rd16(e + 2) & 0xfff8u; /* 13 bits, 8-byte units */
			bool more = (e[3] & 1u) != 0;
			if (off == 0 && !more)
				break; /* atomic fragment (RFC 6946): a whole packet */
			ch->frag_id = mg_rd32(e + 4);
			ch->frag_more = more;
			ch->frag_data = mg_cur_byte_pos(c);
			if (off != 0) {
				/* the rest is fragment data, not headers */
				ch->frag = MG_FRAG_LATER;
				ch->frag_off = off;
				ch->proto = next;
				return MG_R_NONE;
			}
			ch->frag = MG_FRAG_FIRST;
			break;
		}
		case NH_AH: {
			/* RFC 4302: length in 4-byte units minus 2; 12 bytes minimum */
			if (e[1] < 1)
				return MG_R_PKT_BAD_EXTHDR;
			size_t rest = (e[1] + 2u) * 4u - 8u;
			if (mg_cur_take(c, rest) == NULL)
				return MG_R_PKT_SHORT;
			break;
		}
		case NH_ROUTING: {
			if (e[2] == 0 && e[3] != 0)
				return MG_R_PKT_BAD_EXTHDR; /* RH0 with segments left */
			if (mg_cur_take(c, e[1] * 8u) == NULL)
				return MG_R_PKT_SHORT;
			break;
		}
		default: { /* hop-by-hop, destination options */
			size_t more = e[1] * 8u;
			if (mg_cur_take(c, more) == NULL)
				return MG_R_PKT_SHORT;
			/* e[2 .. 8 + more) is checked contiguous by the takes above */
			struct mg_cur o;
			mg_cur_init(&o, e + 2, 6u + more);
			if (!ip6_options(&o))
				return MG_R_PKT_BAD_EXTHDR;
			break;
		}
		}
		nh = next;
	}
}

/* Multicast (ff00::/8) and loopback (::1) can never be a sender. */
static bool ip6_bad_src(const uint8_t *s)
{
	static const uint8_t loop[16] = {[15] = 1};
	return s[0] == 0xff || memcmp(s, loop, 16) == 0;
}

enum mg_reason mg_pkt_ip6(struct mg_pkt *p, uint32_t len)
{
	struct mg_cur c;
	mg_cur_init(&c, p->l3, len);
	const uint8_t *h = mg_cur_take(&c, 40);
	if (h == NULL)
		return MG_R_PKT_SHORT;

	uint32_t plen = mg_rd16(h + MG_IP6_PLEN);
	if (plen > mg_cur_bytes_left(&c))
		return MG_R_PKT_BAD_TOTLEN;
	p->len = 40u + plen; /* anything past the payload length is link padding */

	p->family = MG_AF_INET6;
	p->t.family = MG_AF_INET6;
	memcpy(p->t.src.b, h + MG_IP6_SRC, 16);
	memcpy(p->t.dst.b, h + MG_IP6_DST, 16);
	if (ip6_bad_src(h + MG_IP6_SRC))
		return MG_R_PKT_BAD_SRC;

	struct mg_cur pc; /* the payload, padding excluded */
	mg_cur_sub(&c, plen, &pc);
	struct mg_pkt_chain ch;
	enum mg_reason r = mg_pkt_ip6_chain(&pc, h[6], &ch);
	if (r == MG_R_PKT_SHORT)
		/* RFC 7112: a first fragment carries the whole header chain */
		return ch.frag == MG_FRAG_FIRST ? MG_R_FRAG_OVERLAP : MG_R_PKT_BAD_EXTHDR;
	if (r != MG_R_NONE)
		return r;

	uint32_t pos = 40u + (uint32_t)mg_cur_byte_pos(&pc);
	p->proto = ch.proto;
	p->t.proto = ch.proto;
	p->frag = ch.frag;
	p->frag_id = ch.frag_id;
	if (ch.frag != MG_FRAG_NONE) {
		p->frag_off = ch.frag_off;
		p->frag_more = ch.frag_more;
		p->frag_data = 40u + (uint32_t)ch.frag_data;
	}
	if (ch.frag == MG_FRAG_LATER) {
		/* see the IPv4 case: the smallest header of the protocol named
		 * by the fragment header must lie before this fragment */
		if (ch.frag_off < mg_pkt_min_l4(ch.proto))
			return MG_R_FRAG_OVERLAP;
		p->payoff = pos;
		p->paylen = p->len - pos;
		return MG_R_NONE;
	}
	p->l4off = (uint16_t)pos; /* at most 40 + 8 * 2048 */
	return mg_pkt_l4(p);
}
