/* pkt.c - mg_pkt_parse, the entry point, and the IPv4 header.
 *
 * Contract (see pkt.h): the descriptor is zeroed first, then filled as far
 * as parsing got; on a drop only the return value is authoritative (fields
 * already filled, e.g. the addresses, may be used for logging).  The buffer
 * is only read.  The L4 checksum is not verified: NAT updates it
 * incrementally (RFC 1624), which keeps a wrong checksum wrong, so the
 * receiving host still rejects a corrupted segment and the fast path never
 * sums the payload.
 */
#include <string.h>

#include "core/csum.h"
#include "core/pkt.h"
#include "core/pkt_impl.h"
#include "core/wire.h"

/* One's-complement sum of the fixed 20-byte header, unrolled: the common
 * case must not pay for a loop. */
static inline uint32_t ip4_sum20(const uint8_t *h)
{
	return (uint32_t)mg_rd16(h) + mg_rd16(h + 2) + mg_rd16(h + 4) + mg_rd16(h + 6) +
	       mg_rd16(h + 8) + mg_rd16(h + 10) + mg_rd16(h + 12) + mg_rd16(h + 14) +
	       mg_rd16(h + 16) + mg_rd16(h + 18);
}

/* RFC 791 option list: EOL ends it (the rest is padding), NOP is one byte,
 * every other option is type, length (>= 2, counting both), data, and must
 * end inside the header. */
static enum mg_reason ip4_options(struct mg_cur *o)
{
	while (mg_cur_bytes_left(o) > 0) {
		uint8_t type = mg_cur_u8(o);
		if (type == 0)
			return MG_R_NONE;
		if (type == 1)
			continue;
		uint8_t olen = mg_cur_u8(o);
		if (o->err || olen < 2 || olen - 2u > mg_cur_bytes_left(o))
			return MG_R_PKT_BAD_OPTIONS;
		mg_cur_skip(o, olen - 2u);
	}
	return MG_R_NONE;
}

/* Sources that can never be a sender: multicast 224.0.0.0/4, the limited
 * broadcast, loopback 127.0.0.0/8.  0.0.0.0/8 and 240.0.0.0/4 are left to
 * policy (DHCP clients legitimately send from 0.0.0.0). */
static bool ip4_bad_src(const uint8_t *s)
{
	if ((s[0] & 0xf0) == 0xe0 || s[0] == 127)
		return true;
	return s[0] == 255 && s[1] == 255 && s[2] == 255 && s[3] == 255;
}

enum mg_reason mg_pkt_ip4(struct mg_pkt *p, uint32_t len)
{
	struct mg_cur c;
	mg_cur_init(&c, p->l3, len);
	const uint8_t *h = mg_cur_take(&c, 20);
	if (h == NULL)
		return MG_R_PKT_SHORT;

	uint32_t ihl = (h[0] & 0x0fu) * 4u;
	if (ihl < 20 || ihl > len)
		return MG_R_PKT_BAD_IHL;
	uint32_t tot = mg_rd16(h + MG_IP4_TOTLEN);
	if (tot < ihl || tot > len)
		return MG_R_PKT_BAD_TOTLEN;
	p->len = tot; /* anything past the total length is link padding */

	p->family = MG_AF_INET;
	p->proto = h[MG_IP4_PROTO];
	p->t.family = MG_AF_INET;
	p->t.proto = h[MG_IP4_PROTO];
	memcpy(p->t.src.b, h + MG_IP4_SRC, 4);
	memcpy(p->t.dst.b, h + MG_IP4_DST, 4);

	uint32_t sum = ip4_sum20(h);
	if (ihl > 20) {
		struct mg_cur o;
		/* ihl <= tot <= len, so the options are inside the cursor */
		if (!mg_cur_sub(&c, ihl - 20u, &o))
			return MG_R_PKT_BAD_IHL;
		sum = mg_csum_add(sum, mg_cur_ptr(&o), ihl - 20u);
		if (mg_csum_fold(sum) != 0)
			return MG_R_PKT_BAD_IPCSUM;
		enum mg_reason r = ip4_options(&o);
		if (r != MG_R_NONE)
			return r;
	} else if (mg_csum_fold(sum) != 0) {
		return MG_R_PKT_BAD_IPCSUM;
	}

	if (ip4_bad_src(h + MG_IP4_SRC))
		return MG_R_PKT_BAD_SRC;

	uint16_t ff = mg_rd16(h + MG_IP4_FRAG);
	uint32_t frag_off = (ff & 0x1fffu) * 8u;
	p->l4off = (uint16_t)ihl;
	if (frag_off != 0 || (ff & 0x2000u) != 0) {
		p->frag_id = mg_rd16(h + MG_IP4_ID);
		p->frag_off = frag_off;
		p->frag_data = ihl;
		p->frag_more = (ff & 0x2000u) != 0;
		if (frag_off != 0) {
			/* No L4 header here.  Without reassembly state only the
			 * protocol's smallest header is known; a data offset
			 * inside it would rewrite ports or TCP flags (RFC 1858). */
			if (frag_off < mg_pkt_min_l4(p->proto))
				return MG_R_FRAG_OVERLAP;
			p->frag = MG_FRAG_LATER;
			p->l4off = 0;
			p->payoff = ihl;
			p->paylen = tot - ihl;
			return MG_R_NONE;
		}
		p->frag = MG_FRAG_FIRST;
	}
	return mg_pkt_l4(p);
}

enum mg_reason mg_pkt_parse(struct mg_pkt *p, uint8_t *l3, uint32_t len)
{
	memset(p, 0, sizeof *p);
	p->l3 = l3;
	p->len = len;
	p->wscale = 0xff;

	struct mg_cur c;
	mg_cur_init(&c, l3, len);
	uint8_t v = mg_cur_u8(&c);
	if (c.err)
		return MG_R_PKT_SHORT;
	switch (v >> 4) {
	case 4:
		return mg_pkt_ip4(p, len);
	case 6:
		return mg_pkt_ip6(p, len);
	default:
		return MG_R_PKT_BAD_VERSION;
	}
}

