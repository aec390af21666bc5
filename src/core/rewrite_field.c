/* rewrite_field.c - header field writers with incremental checksums. */
#include <string.h>

#include "core/csum.h"
#include "core/rewrite.h"
#include "core/wire.h"

bool mg_rw_u32(uint8_t *l3, uint32_t at, uint32_t nv, uint32_t l4c)
{
	uint8_t b[4] = {(uint8_t)(nv >> 24), (uint8_t)(nv >> 16), (uint8_t)(nv >> 8), (uint8_t)nv};
	uint8_t *a = l3 + at;
	if (memcmp(a, b, 4) == 0)
		return false;
	if (l4c)
		mg_csum_update32(l3 + l4c, a, b);
	memcpy(a, b, 4);
	return true;
}

bool mg_rw_bytes(uint8_t *dst, const uint8_t *src, uint32_t n)
{
	if (memcmp(dst, src, n) == 0)
		return false;
	memcpy(dst, src, n);
	return true;
}

void mg_rw_payload_csum(struct mg_pkt *p, uint16_t old_paysum)
{
	uint32_t at = p->family == MG_AF_INET && p->frag == MG_FRAG_NONE ? mg_rw_l4_csum_at(p) : 0;
	if (at == 0)
		return;
	uint16_t now = mg_csum_sum16(p->l3 + p->payoff, p->paylen);
	if (now == old_paysum)
		return;
	mg_csum_update16(p->l3 + at, old_paysum, now);
	if (p->proto == MG_PROTO_UDP && mg_rd16(p->l3 + at) == 0)
		mg_wr16(p->l3 + at, 0xffff); /* a computed 0 is sent as all ones (RFC 768) */
}
