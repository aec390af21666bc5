/* pkt_icmp.c - ICMP (RFC 792) and ICMPv6 (RFC 4443) headers, and the packet
 * an error message quotes.
 *
 * Echo request/reply: the identifier is both ports of the tuple, so the
 * request and its reply fall into one flow.  Error messages: the outer tuple
 * keeps ports 0; p->inner is the quoted packet's tuple as its sender sent
 * it, so connection tracking finds the flow the error is about.  A quote
 * must hold the whole quoted IP header (and for IPv6 its extension chain)
 * and 8 bytes of its L4 header (RFC 792 minimum); the quoted total length
 * is not required to fit, since routers truncate quotes.  A quoted later
 * fragment is refused: its first 8 data bytes are not an L4 header.
 * Other types (ND, router advertisement, timestamps ...) pass with ports 0.
 */
#include <string.h>

#include "core/csum.h"
#include "core/pkt.h"
#include "core/pkt_impl.h"
#include "core/wire.h"

/* The quote is the rest of the ICMP message, at c's position. */
static enum mg_reason quote4(struct mg_pkt *p, struct mg_cur *c)
{
	size_t qlen = mg_cur_bytes_left(c);
	uint32_t qoff = p->l4off + 8u;
	const uint8_t *q = mg_cur_take(c, 20);
	if (q == NULL || (q[0] >> 4) != 4)
		return MG_R_ICMP_ERR_BAD_INNER;
	uint32_t ihl = (q[0] & 0x0fu) * 4u;
	if (ihl < 20 || mg_cur_take(c, ihl - 20u) == NULL)
		return MG_R_ICMP_ERR_BAD_INNER;
	const uint8_t *l4 = mg_cur_take(c, 8);
	if (l4 == NULL || (mg_rd16(q + MG_IP4_FRAG) & 0x1fffu) != 0)
		return MG_R_ICMP_ERR_BAD_INNER;

	p->inner.family = MG_AF_INET;
	p->inner.proto = q[MG_IP4_PROTO];
	memcpy(p->inner.src.b, q + MG_IP4_SRC, 4);
	memcpy(p->inner.dst.b, q + MG_IP4_DST, 4);
	mg_pkt_ports(&p->inner, l4);
	p->inner_l3off = (uint16_t)qoff;
	p->inner_l4off = (uint16_t)(qoff + ihl);
	p->inner_len = (uint16_t)qlen; /* IPv4: at most 65535 - 28 */
	return MG_R_NONE;
}

static enum mg_reason quote6(struct mg_pkt *p, struct mg_cur *c)
{
	size_t qlen = mg_cur_bytes_left(c);
	uint32_t qoff = p->l4off + 8u;
	const uint8_t *q = mg_cur_take(c, 40);
	if (q == NULL || (q[0] >> 4) != 6)
		return MG_R_ICMP_ERR_BAD_INNER;
	struct mg_pkt_chain ch;
	if (mg_pkt_ip6_chain(c, q[6], &ch) != MG_R_NONE || ch.frag == MG_FRAG_LATER)
		return MG_R_ICMP_ERR_BAD_INNER;
	size_t l4pos = mg_cur_byte_pos(c); /* relative to the ICMPv6 header */
	const uint8_t *l4 = mg_cur_take(c, 8);
	if (l4 == NULL)
		return MG_R_ICMP_ERR_BAD_INNER;

	p->inner.family = MG_AF_INET6;
	p->inner.proto = ch.proto;
	memcpy(p->inner.src.b, q + 8, 16);
	memcpy(p->inner.dst.b, q + 24, 16);
	mg_pkt_ports(&p->inner, l4);
	/* the outer chain and the quoted one are each at most 40 + 8 * 2048
	 * bytes, and the whole packet at most 40 + 65535 */
	p->inner_l3off = (uint16_t)qoff;
	p->inner_l4off = (uint16_t)(p->l4off + l4pos);
	p->inner_len = qlen > UINT16_MAX ? UINT16_MAX : (uint16_t)qlen;
	return MG_R_NONE;
}

/* Common 8-byte header; returns it or NULL (cut short). */
static const uint8_t *icmp_header(struct mg_pkt *p, struct mg_cur *c)
{
	const uint8_t *h = mg_cur_take(c, 8);
	if (h == NULL)
		return NULL;
	p->icmp_type = h[0];
	p->icmp_code = h[1];
	p->l4len = 8;
	p->payoff = p->l4off + 8u;
	p->paylen = (uint32_t)mg_cur_bytes_left(c);
	mg_pkt_ports(&p->t, h);
	return h;
}

enum mg_reason mg_pkt_icmp4(struct mg_pkt *p, struct mg_cur *c)
{
	const uint8_t *h = icmp_header(p, c);
	if (h == NULL)
		return MG_R_PKT_SHORT;
	switch (h[0]) {
	case 3:  /* destination unreachable */
	case 4:  /* source quench (deprecated, still an error) */
	case 11: /* time exceeded */
	case 12: /* parameter problem */
		p->icmp_error = true;
		return quote4(p, c);
	default:
		return MG_R_NONE;
	}
}

enum mg_reason mg_pkt_icmp6(struct mg_pkt *p, struct mg_cur *c)
{
	const uint8_t *h = icmp_header(p, c);
	if (h == NULL)
		return MG_R_PKT_SHORT;
	switch (h[0]) {
	case 1: /* destination unreachable */
	case 2: /* packet too big */
	case 3: /* time exceeded */
	case 4: /* parameter problem */
		p->icmp_error = true;
		return quote6(p, c);
	default:
		return MG_R_NONE;
	}
}
