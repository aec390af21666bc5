/* pkt_l4.c - TCP and UDP headers, and the L4 dispatch of mg_pkt_parse.
 *
 * Internally a header cut short by the end of the packet is MG_R_PKT_SHORT;
 * mg_pkt_l4 turns it into MG_R_FRAG_OVERLAP for a first fragment (the
 * tiny-fragment attack of RFC 1858: the rest of the header would come in a
 * later fragment the firewall never inspects) and MG_R_PKT_BAD_L4 otherwise.
 */
#include "core/csum.h"
#include "core/pkt.h"
#include "core/pkt_impl.h"
#include "core/wire.h"

void mg_pkt_ports(struct mg_tuple *t, const uint8_t *l4)
{
	switch (t->proto) {
	case MG_PROTO_TCP:
	case MG_PROTO_UDP:
		t->sport = mg_rd16(l4);
		t->dport = mg_rd16(l4 + 2);
		break;
	case MG_PROTO_ICMP:
		if (t->family == MG_AF_INET && (l4[0] == 0 || l4[0] == 8))
			t->sport = t->dport = mg_rd16(l4 + 4);
		break;
	case MG_PROTO_ICMP6:
		if (t->family == MG_AF_INET6 && (l4[0] == 128 || l4[0] == 129))
			t->sport = t->dport = mg_rd16(l4 + 4);
		break;
	default:
		break;
	}
}

/* Options walk (RFC 9293 3.1): EOL ends the list, NOP is one byte, every
 * other option is kind, length (>= 2), data, inside the header.  Window
 * scale counts only on a SYN (RFC 7323 2.2) and is capped at 14; an option
 * of kind 3 with a length other than 3 is ignored, as receivers do; so is
 * an MSS option (kind 2) whose length is not 4. */
static bool tcp_options(struct mg_pkt *p, struct mg_cur *o)
{
	bool syn = (p->tcp_flags & MG_TH_SYN) != 0;
	while (mg_cur_bytes_left(o) > 0) {
		uint8_t kind = mg_cur_u8(o);
		if (kind == 0)
			return true;
		if (kind == 1)
			continue;
		uint8_t olen = mg_cur_u8(o);
		if (o->err || olen < 2 || olen - 2u > mg_cur_bytes_left(o))
			return false;
		if (kind == 3 && olen == 3 && syn) {
			uint8_t ws = mg_cur_u8(o);
			p->wscale = ws > 14 ? 14 : ws;
		} else if (kind == 2 && olen == 4 && syn) {
			p->mss = mg_cur_be16(o);
		} else {
			mg_cur_skip(o, olen - 2u);
		}
	}
	return true;
}

/* Flag sets no stack sends: used for scans and to desynchronise state. */
static bool tcp_flags_bad(uint8_t f)
{
	if (f == 0)
		return true;
	if ((f & MG_TH_SYN) != 0 && (f & (MG_TH_FIN | MG_TH_RST)) != 0)
		return true;
	return false;
}

static enum mg_reason tcp(struct mg_pkt *p, struct mg_cur *c)
{
	const uint8_t *h = mg_cur_take(c, 20);
	if (h == NULL)
		return MG_R_PKT_SHORT;
	uint32_t doff = (uint32_t)(h[MG_TCP_DOFF] >> 4) * 4u;
	if (doff < 20)
		return MG_R_PKT_BAD_L4;
	struct mg_cur o;
	if (!mg_cur_sub(c, doff - 20u, &o))
		return MG_R_PKT_SHORT;

	p->t.sport = mg_rd16(h);
	p->t.dport = mg_rd16(h + 2);
	p->seq = mg_rd32(h + MG_TCP_SEQ);
	p->ack = mg_rd32(h + MG_TCP_ACK);
	p->tcp_flags = h[MG_TCP_FLAGS] & 0x3fu; /* ECE/CWR are not state */
	p->win = mg_rd16(h + MG_TCP_WIN);
	p->l4len = (uint16_t)doff;
	p->payoff = p->l4off + doff;
	p->paylen = (uint32_t)mg_cur_bytes_left(c);

	if (p->t.sport == 0 || p->t.dport == 0)
		return MG_R_PKT_BAD_PORT;
	if (tcp_flags_bad(p->tcp_flags))
		return MG_R_PKT_BAD_TCP_FLAGS;
	if (doff > 20 && !tcp_options(p, &o))
		return MG_R_PKT_BAD_L4;
	return MG_R_NONE;
}

static enum mg_reason udp(struct mg_pkt *p, struct mg_cur *c)
{
	const uint8_t *h = mg_cur_take(c, 8);
	if (h == NULL)
		return MG_R_PKT_SHORT;
	uint32_t ulen = mg_rd16(h + MG_UDP_LEN);
	if (ulen < 8)
		return MG_R_PKT_BAD_L4;
	uint32_t left = (uint32_t)mg_cur_bytes_left(c);

	p->t.sport = mg_rd16(h);
	p->t.dport = mg_rd16(h + 2);
	p->l4len = 8;
	p->payoff = p->l4off + 8u;
	if (p->frag == MG_FRAG_NONE) {
		/* the UDP length may be shorter than the IP payload (the
		 * payload then ends at it), never longer */
		if (ulen - 8u > left)
			return MG_R_PKT_BAD_L4;
		p->paylen = ulen - 8u;
	} else {
		/* a first fragment: the length covers the whole datagram */
		p->paylen = left;
	}

	if (p->t.sport == 0 || p->t.dport == 0)
		return MG_R_PKT_BAD_PORT;
	return MG_R_NONE;
}

enum mg_reason mg_pkt_l4(struct mg_pkt *p)
{
	struct mg_cur c;
	/* l4off <= len is guaranteed by the L3 parsers */
	mg_cur_init(&c, p->l3 + p->l4off, p->len - p->l4off);

	enum mg_reason r;
	if (p->proto == MG_PROTO_UDP)
		r = udp(p, &c);
	else if (p->proto == MG_PROTO_TCP)
		r = tcp(p, &c);
	else if (p->proto == MG_PROTO_ICMP && p->family == MG_AF_INET)
		r = mg_pkt_icmp4(p, &c);
	else if (p->proto == MG_PROTO_ICMP6 && p->family == MG_AF_INET6)
		r = mg_pkt_icmp6(p, &c);
	else {
		/* not parsed here: policy decides on the protocol alone */
		p->payoff = p->l4off;
		p->paylen = p->len - p->l4off;
		return MG_R_NONE;
	}
	if (r == MG_R_PKT_SHORT)
		return p->frag == MG_FRAG_FIRST ? MG_R_FRAG_OVERLAP : MG_R_PKT_BAD_L4;
	return r;
}
