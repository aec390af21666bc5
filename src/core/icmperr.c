/* icmperr.c - ICMP errors (RFC 5508): admitted only when the packet they
 * quote belongs to a flow, and translated like that flow: the outer header as
 * a packet travelling back toward the quoted packet's sender, the quoted
 * header restored to what that sender originally wrote (the bytes are
 * written by core/rewrite). */
#include <string.h>

#include "core/engine_priv.h"
#include "core/rewrite.h"
#include "core/wire.h"

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

	/* outer header: to the quoted packet's original sender; the reporter's
	 * address is translated when it is the flow's peer, or hidden behind
	 * the public address when an inside router reports outward */
	const struct mg_tuple *orig = &f->k[1 - dir];
	uint8_t nsrc[4];
	memcpy(nsrc, p->l3 + MG_IP4_SRC, 4);
	if (memcmp(nsrc, f->k[dir].src.b, 4) == 0)
		memcpy(nsrc, orig->dst.b, 4);
	else if (side == MG_SIDE_INSIDE && e->cfg.nat) {
		uint32_t pub = mg_nat_public_for(&e->nat, mg_addr_v4(&p->t.src));
		memcpy(nsrc, &pub, 4);
	}
	mg_rw_icmp_error(p, f, 1 - dir, nsrc, f->seqadj != MG_NIL ? e->sa.t[f->seqadj].d : NULL);
	return MG_R_NONE;
}
