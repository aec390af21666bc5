/* natapply.c - header translation of one packet of a flow (see ct.h for how
 * the two keys define it).  Checksums are updated incrementally (RFC 1624)
 * unless the payload changed, in which case the L4 checksum is recomputed. */
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

void mg_natapply(struct mg_pkt *p, const struct mg_flow *f, int dir, bool full_l4_csum)
{
	const struct mg_tuple *o = &f->k[1 - dir];
	if (p->family != MG_AF_INET)
		return; /* IPv6 is filtered, never translated */
	uint32_t l4c = full_l4_csum ? 0 : l4_csum_off(p);
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
	p->t.src = o->dst;
	p->t.dst = o->src;
	p->t.sport = o->dport;
	p->t.dport = o->sport;
	if (full_l4_csum)
		mg_l4_csum_full(p);
}

void mg_l4_csum_full(struct mg_pkt *p)
{
	if (p->frag != MG_FRAG_NONE || p->family != MG_AF_INET)
		return; /* ALGs never edit fragments or IPv6 payloads */
	uint32_t l4len = p->len - p->l4off;
	uint8_t *l4 = p->l3 + p->l4off;
	uint32_t off;
	if (p->proto == MG_PROTO_TCP)
		off = 16;
	else if (p->proto == MG_PROTO_UDP)
		off = 6;
	else
		return;
	l4[off] = l4[off + 1] = 0;
	uint8_t ph[12];
	memcpy(ph, p->l3 + 12, 8);
	ph[8] = 0;
	ph[9] = p->proto;
	mg_wr16(ph + 10, (uint16_t)l4len);
	uint32_t s = mg_csum_add(0, ph, sizeof(ph));
	s = mg_csum_add(s, l4, l4len);
	uint16_t c = mg_csum_fold(s);
	if (p->proto == MG_PROTO_UDP && c == 0)
		c = 0xffff;
	mg_wr16(l4 + off, c);
}
