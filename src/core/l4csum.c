/* l4csum.c - see l4csum.h. */
#include "core/l4csum.h"

#include "core/csum.h"

#define TCP_OFF_CSUM 16u
#define UDP_OFF_CSUM 6u
#define V4_OFF_SRC 12u

/* Offset of the checksum field from l3, or 0 if there is none to judge. */
static uint32_t csum_at(const struct mg_pkt *p)
{
	if (p->family != MG_AF_INET || p->frag != MG_FRAG_NONE)
		return 0;
	if (p->proto == MG_PROTO_TCP)
		return p->l4off + TCP_OFF_CSUM;
	if (p->proto == MG_PROTO_UDP && mg_rd16(p->l3 + p->l4off + UDP_OFF_CSUM) != 0)
		return p->l4off + UDP_OFF_CSUM;
	return 0;
}

bool mg_l4_csum_check(struct mg_pkt *p)
{
	p->paysum = mg_csum_sum16(p->l3 + p->payoff, p->paylen);
	if (csum_at(p) == 0)
		return true;
	/* the segment is the L4 header and paylen bytes: for UDP its length
	 * field, which may end before the IP datagram does */
	uint32_t hlen = p->payoff - p->l4off;
	uint32_t seglen = hlen + p->paylen;
	uint8_t ph[4] = {0, p->proto, (uint8_t)(seglen >> 8), (uint8_t)seglen};
	uint32_t s = mg_csum_add(0, p->l3 + V4_OFF_SRC, 8);
	s = mg_csum_add(s, ph, sizeof(ph));
	s = mg_csum_add(s, p->l3 + p->l4off, hlen); /* hlen is even: 8, or 4 * data offset */
	s = (s & 0xffffu) + (s >> 16) + p->paysum;
	return mg_csum_fold(s) == 0;
}
