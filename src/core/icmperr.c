/* icmperr.c - ICMP errors (RFC 5508): admitted only when the packet they
 * quote belongs to a flow, and translated like that flow: the outer header as
 * a packet travelling back toward the quoted packet's sender, the quoted
 * header restored to what that sender originally wrote.  Every checksum
 * involved (outer and quoted IP header, quoted L4, ICMP) is updated
 * incrementally, so one that was wrong stays wrong. */
#include <string.h>

#include "core/csum.h"
#include "core/engine_priv.h"

static void put4(uint8_t *p, const union mg_addr *a)
{
	memcpy(p, a->b, 4);
}

enum mg_reason mg_icmp_error(struct mg_engine *e, struct mg_pkt *p, enum mg_side side)
{
	struct mg_tuple k;
	int dir;
	mg_tuple_reverse(&k, &p->inner);
	if (p->inner.proto == MG_PROTO_ICMP || p->inner.proto == MG_PROTO_ICMP6) {
		k.sport = p->inner.sport; /* echo identifiers are not swapped */
		k.dport = p->inner.dport;
	}
	uint32_t idx = mg_ct_lookup(&e->ct, &k, &dir);
	if (idx == MG_NIL)
		return MG_R_ICMP_ERR_NO_FLOW;
	struct mg_flow *f = &e->ct.flow[idx];
	f->pkts[dir]++;
	f->bytes[dir] += p->len;
	if (p->family != MG_AF_INET)
		return MG_R_NONE;

	/* the quoted packet travelled in direction 1-dir; restore it */
	const struct mg_tuple *orig = &f->k[1 - dir];
	uint8_t *in = p->l3 + p->inner_l3off;
	uint32_t ihl = (uint32_t)(p->inner_l4off - p->inner_l3off);
	uint32_t avail_l4 = p->inner_len > ihl ? p->inner_len - ihl : 0;
	uint8_t *l4 = p->l3 + p->inner_l4off;
	/* the ICMP checksum covers the quote: its edits below reach it
	 * incrementally (the quote starts 8 bytes into the message) */
	uint8_t *icmp = p->l3 + p->l4off;
	uint16_t quote_before = mg_csum_sum16(in, p->inner_len);
	if (avail_l4 >= 4 && (p->inner.proto == MG_PROTO_TCP || p->inner.proto == MG_PROTO_UDP)) {
		uint32_t csum_at = p->inner.proto == MG_PROTO_TCP ? 16 : 6;
		bool fix = avail_l4 >= csum_at + 2 &&
			   !(p->inner.proto == MG_PROTO_UDP && mg_rd16(l4 + 6) == 0);
		uint8_t oldsrc[4], olddst[4];
		memcpy(oldsrc, in + 12, 4);
		memcpy(olddst, in + 16, 4);
		if (fix) {
			mg_csum_update32(l4 + csum_at, oldsrc, orig->src.b);
			mg_csum_update32(l4 + csum_at, olddst, orig->dst.b);
			mg_csum_update16(l4 + csum_at, mg_rd16(l4), orig->sport);
			mg_csum_update16(l4 + csum_at, mg_rd16(l4 + 2), orig->dport);
			if (p->inner.proto == MG_PROTO_UDP && mg_rd16(l4 + 6) == 0)
				mg_wr16(l4 + 6, 0xffff);
		}
		mg_wr16(l4, orig->sport);
		mg_wr16(l4 + 2, orig->dport);
	} else if (avail_l4 >= 8 && p->inner.proto == MG_PROTO_ICMP) {
		mg_csum_update16(l4 + 2, mg_rd16(l4 + 4), orig->sport);
		mg_wr16(l4 + 4, orig->sport);
	}
	mg_csum_update32(in + 10, in + 12, orig->src.b);
	put4(in + 12, &orig->src);
	mg_csum_update32(in + 10, in + 16, orig->dst.b);
	put4(in + 16, &orig->dst);
	mg_csum_update16(icmp + 2, quote_before, mg_csum_sum16(in, p->inner_len));

	/* outer header: to the quoted packet's original sender; the reporter's
	 * address is translated when it is the flow's peer, or hidden behind
	 * the public address when an inside router reports outward */
	uint8_t *outer_src = p->l3 + 12, *outer_dst = p->l3 + 16;
	uint8_t nsrc[4], ndst[4];
	memcpy(nsrc, outer_src, 4);
	put4(ndst, &orig->src);
	if (memcmp(outer_src, f->k[dir].src.b, 4) == 0)
		put4(nsrc, &orig->dst);
	else if (side == MG_SIDE_INSIDE && e->cfg.nat) {
		uint32_t pub = mg_nat_public_for(&e->nat, mg_addr_v4(&p->t.src));
		memcpy(nsrc, &pub, 4);
	}
	mg_csum_update32(p->l3 + 10, outer_src, nsrc);
	memcpy(outer_src, nsrc, 4);
	mg_csum_update32(p->l3 + 10, outer_dst, ndst);
	memcpy(outer_dst, ndst, 4);
	memcpy(p->t.src.b, nsrc, 4);
	memcpy(p->t.dst.b, ndst, 4);
	return MG_R_NONE;
}
