/* rewrite_build.c - segments the gateway writes from nothing (rewrite.h). */
#include "core/rewrite.h"

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

uint32_t mg_rw_build_tcp4(uint8_t *out, uint32_t cap, const struct mg_rw_seg *s, const uint8_t *pay,
			  uint32_t paylen)
{
	uint32_t thl = MG_TCP_HLEN + (s->mss ? 4u : 0u);
	uint32_t len = MG_IP4_HLEN + thl + paylen;
	if (len > cap || len > 65535)
		return 0;
	uint8_t *ip = out, *th = out + MG_IP4_HLEN;
	memset(out, 0, MG_IP4_HLEN + thl);
	ip[MG_IP4_VIHL] = 0x45;
	mg_wr16(ip + MG_IP4_TOTLEN, (uint16_t)len);
	mg_wr16(ip + MG_IP4_ID, s->ip_id);
	mg_wr16(ip + MG_IP4_FRAG, 0x4000); /* DF */
	ip[MG_IP4_TTL] = 64;
	ip[MG_IP4_PROTO] = MG_PROTO_TCP;
	memcpy(ip + MG_IP4_SRC, &s->src, 4);
	memcpy(ip + MG_IP4_DST, &s->dst, 4);
	mg_wr16(ip + MG_IP4_CSUM, mg_csum_fold(mg_csum_add(0, ip, MG_IP4_HLEN)));

	mg_wr16(th + MG_TCP_SPORT, s->sport);
	mg_wr16(th + MG_TCP_DPORT, s->dport);
	wr32(th + MG_TCP_SEQ, s->seq);
	wr32(th + MG_TCP_ACK, (s->flags & MG_TH_ACK) ? s->ack : 0);
	th[MG_TCP_DOFF] = (uint8_t)((thl / 4) << 4);
	th[MG_TCP_FLAGS] = s->flags;
	mg_wr16(th + MG_TCP_WIN, s->win);
	if (s->mss) {
		th[MG_TCP_HLEN] = 2; /* kind MSS */
		th[MG_TCP_HLEN + 1] = 4;
		mg_wr16(th + MG_TCP_HLEN + 2, s->mss);
	}
	if (paylen)
		memcpy(th + thl, pay, paylen);
	/* pseudo-header: addresses, zero + protocol, TCP length */
	uint8_t ph[4] = {0, MG_PROTO_TCP, (uint8_t)((thl + paylen) >> 8), (uint8_t)(thl + paylen)};
	uint32_t sum = mg_csum_add(0, ip + MG_IP4_SRC, 8);
	sum = mg_csum_add(sum, ph, 4);
	sum = mg_csum_add(sum, th, thl + paylen);
	mg_wr16(th + MG_TCP_CSUM, mg_csum_fold(sum));
	return len;
}
