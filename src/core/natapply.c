/* natapply.c - header translation of one packet of a flow (see ct.h for how
 * the two keys define it).  Checksums are updated incrementally (RFC 1624),
 * so one that arrived wrong leaves wrong by the same amount; payload edits
 * reach the L4 checksum the same way, earlier (core/l4csum.h). */
#include <string.h>

#include "core/csum.h"
#include "core/engine_priv.h"

/* Offset of the L4 checksum field from l3, or 0 if none is updated. */
static uint32_t l4_csum_off(const struct mg_pkt *p)
{
	if (p->frag == MG_FRAG_LATER)
		return 0;
	switch (p->proto) {
	case MG_PROTO_TCP:
		return p->l4off + 16u;
	case MG_PROTO_UDP:
		/* IPv4 UDP checksum 0 means "none": it stays 0 */
		if (p->family == MG_AF_INET && mg_rd16(p->l3 + p->l4off + 6) == 0)
			return 0;
		return p->l4off + 6u;
	default:
		return 0;
	}
}

static void set_addr4(struct mg_pkt *p, uint32_t at, const uint8_t *nv, uint32_t l4c)
{
	uint8_t *a = p->l3 + at;
	if (memcmp(a, nv, 4) == 0)
		return;
	mg_csum_update32(p->l3 + 10, a, nv);
	if (l4c)
		mg_csum_update32(p->l3 + l4c, a, nv);
	memcpy(a, nv, 4);
}

static void set_port(struct mg_pkt *p, uint32_t at, uint16_t nv, uint32_t l4c)
{
	uint8_t *a = p->l3 + at;
	uint16_t old = mg_rd16(a);
	if (old == nv)
		return;
	if (l4c)
		mg_csum_update16(p->l3 + l4c, old, nv);
	mg_wr16(a, nv);
}

void mg_natapply(struct mg_pkt *p, const struct mg_flow *f, int dir)
{
	const struct mg_tuple *o = &f->k[1 - dir];
	if (p->family != MG_AF_INET)
		return; /* IPv6 is filtered, never translated */
	uint32_t l4c = l4_csum_off(p);
	set_addr4(p, 12, o->dst.b, l4c);
	set_addr4(p, 16, o->src.b, l4c);
	if (p->frag != MG_FRAG_LATER) {
		if (p->proto == MG_PROTO_TCP || p->proto == MG_PROTO_UDP) {
			set_port(p, p->l4off, o->dport, l4c);
			set_port(p, p->l4off + 2u, o->sport, l4c);
		} else if (p->proto == MG_PROTO_ICMP && !p->icmp_error) {
			/* echo identifier; the ICMP checksum has no pseudo-header */
			uint16_t nid = dir == 0 ? o->dport : o->sport;
			uint8_t *idp = p->l3 + p->l4off + 4;
			uint16_t old = mg_rd16(idp);
			if (old != nid) {
				mg_csum_update16(p->l3 + p->l4off + 2, old, nid);
				mg_wr16(idp, nid);
			}
		}
	}
	/* a UDP checksum that came out as 0 would read as "none" (RFC 768) */
	if (l4c && p->proto == MG_PROTO_UDP && mg_rd16(p->l3 + l4c) == 0)
		mg_wr16(p->l3 + l4c, 0xffff);
	p->t.src = o->dst;
	p->t.dst = o->src;
	p->t.sport = o->dport;
	p->t.dport = o->sport;
}
