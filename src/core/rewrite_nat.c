/* rewrite_nat.c - header translation of one packet of a flow (see ct.h for
 * how the two keys define it) and of an ICMP error's quote (RFC 5508). */
#include <string.h>

#include "core/csum.h"
#include "core/rewrite.h"
#include "core/wire.h"

void mg_rw_nat(struct mg_pkt *p, const struct mg_flow *f, int dir)
{
	const struct mg_tuple *o = &f->k[1 - dir];
	if (p->family != MG_AF_INET)
		return; /* IPv6 is filtered, never translated */
	uint8_t *l3 = p->l3;
	uint32_t l4c = mg_rw_l4_csum_at(p);
	bool ch = mg_rw_addr4(l3, MG_IP4_SRC, o->dst.b, l4c);
	ch |= mg_rw_addr4(l3, MG_IP4_DST, o->src.b, l4c);
	if (p->frag != MG_FRAG_LATER) {
		if (p->proto == MG_PROTO_TCP || p->proto == MG_PROTO_UDP) {
			ch |= mg_rw_port(l3, p->l4off + (uint32_t)MG_TCP_SPORT, o->dport, l4c);
			ch |= mg_rw_port(l3, p->l4off + (uint32_t)MG_TCP_DPORT, o->sport, l4c);
		} else if (p->proto == MG_PROTO_ICMP && !p->icmp_error) {
			/* echo identifier; the ICMP checksum has no pseudo-header */
			uint16_t nid = dir == 0 ? o->dport : o->sport;
			ch |= mg_rw_port(l3, p->l4off + (uint32_t)MG_ICMP_ID, nid,
					 p->l4off + (uint32_t)MG_ICMP_CSUM);
		}
	}
	if (p->proto == MG_PROTO_UDP)
		mg_rw_udp_nonzero(l3, l4c);
	if (ch)
		p->changed |= MG_RW_HDR;
	p->t.src = o->dst;
	p->t.dst = o->src;
	p->t.sport = o->dport;
	p->t.dport = o->sport;
}

/* The quoted segment left with a shifted sequence number and an ACK
 * mapped back: both as its sender wrote them again. */
static void quote_seq(uint8_t *in, uint32_t l4, uint32_t avail_l4, uint32_t l4c,
		      const struct mg_seqadj_dir *sa, int qdir)
{
	if (avail_l4 >= MG_TCP_SEQ + 4)
		mg_rw_u32(in, l4 + MG_TCP_SEQ, mg_seqadj_back(&sa[qdir], mg_rd32(in + l4 + MG_TCP_SEQ), false), l4c);
	if (avail_l4 >= MG_TCP_ACK + 4 && avail_l4 > MG_TCP_FLAGS && (in[l4 + MG_TCP_FLAGS] & MG_TH_ACK))
		mg_rw_u32(in, l4 + MG_TCP_ACK, mg_seqadj_fwd(&sa[1 - qdir], mg_rd32(in + l4 + MG_TCP_ACK)), l4c);
}

void mg_rw_icmp_error(struct mg_pkt *p, const struct mg_flow *f, int qdir, const uint8_t src[4],
		      const struct mg_seqadj_dir *sa)
{
	/* the quoted packet travelled in direction qdir; restore it */
	const struct mg_tuple *orig = &f->k[qdir];
	uint8_t *in = p->l3 + p->inner_l3off;
	uint32_t ihl = (uint32_t)(p->inner_l4off - p->inner_l3off);
	uint32_t avail_l4 = p->inner_len > ihl ? p->inner_len - ihl : 0;
	uint32_t l4 = (uint32_t)(p->inner_l4off - p->inner_l3off); /* from in */
	/* the ICMP checksum covers the quote: its edits reach it through the
	 * quote's sum before and after (the quote starts at an even offset) */
	uint8_t *icmp = p->l3 + p->l4off;
	uint16_t quote_before = mg_csum_sum16(in, p->inner_len);
	bool tcpudp = p->inner.proto == MG_PROTO_TCP || p->inner.proto == MG_PROTO_UDP;
	if (avail_l4 >= 4 && tcpudp) {
		uint32_t at = p->inner.proto == MG_PROTO_TCP ? MG_TCP_CSUM : MG_UDP_CSUM;
		uint32_t l4c = 0;
		if (avail_l4 >= at + 2 && !(p->inner.proto == MG_PROTO_UDP && mg_rd16(in + l4 + at) == 0))
			l4c = l4 + at;
		/* the quoted L4 checksum covers the quoted addresses too */
		if (l4c) {
			mg_csum_update32(in + l4c, in + MG_IP4_SRC, orig->src.b);
			mg_csum_update32(in + l4c, in + MG_IP4_DST, orig->dst.b);
		}
		mg_rw_port(in, l4 + MG_TCP_SPORT, orig->sport, l4c);
		mg_rw_port(in, l4 + MG_TCP_DPORT, orig->dport, l4c);
		if (sa && p->inner.proto == MG_PROTO_TCP)
			quote_seq(in, l4, avail_l4, l4c, sa, qdir);
		if (p->inner.proto == MG_PROTO_UDP)
			mg_rw_udp_nonzero(in, l4c);
	} else if (avail_l4 >= 8 && p->inner.proto == MG_PROTO_ICMP) {
		mg_rw_port(in, l4 + MG_ICMP_ID, orig->sport, l4 + MG_ICMP_CSUM);
	}
	mg_rw_addr4(in, MG_IP4_SRC, orig->src.b, 0);
	mg_rw_addr4(in, MG_IP4_DST, orig->dst.b, 0);
	mg_csum_update16(icmp + MG_ICMP_CSUM, quote_before, mg_csum_sum16(in, p->inner_len));

	/* outer header: from src to the quoted packet's original sender */
	mg_rw_addr4(p->l3, MG_IP4_SRC, src, 0);
	mg_rw_addr4(p->l3, MG_IP4_DST, orig->src.b, 0);
	memcpy(p->t.src.b, src, 4);
	memcpy(p->t.dst.b, orig->src.b, 4);
	p->changed |= MG_RW_HDR | MG_RW_PAYLOAD;
}
