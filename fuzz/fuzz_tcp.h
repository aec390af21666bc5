/* fuzz_tcp.h - what the harnesses that drive TCP through the engine share:
 * a segment builder (right IPv4 and TCP checksums: the engine verifies the
 * TCP checksum of every segment an ALG reads, so a harness that sent wrong
 * ones would only ever exercise that drop) and the script step that turns
 * a control byte into a sequence number. */
#ifndef MG_FUZZ_TCP_H
#define MG_FUZZ_TCP_H

#include <stdint.h>
#include <string.h>

#include "core/csum.h"
#include "core/engine.h"

/* An IPv4/TCP segment src:sp -> dst:dp into b; returns its length. */
static inline size_t fz_tcp(uint8_t *b, const uint8_t *src, uint16_t sp, const uint8_t *dst, uint16_t dp,
			    uint8_t flags, uint32_t seq, uint32_t ack, const uint8_t *pay, size_t n)
{
	size_t total = 40 + n;
	memset(b, 0, 40);
	b[0] = 0x45;
	mg_wr16(b + 2, (uint16_t)total);
	b[8] = 64;
	b[9] = 6;
	memcpy(b + 12, src, 4);
	memcpy(b + 16, dst, 4);
	mg_wr16(b + 10, mg_csum_fold(mg_csum_add(0, b, 20)));
	uint8_t *t = b + 20;
	mg_wr16(t, sp);
	mg_wr16(t + 2, dp);
	mg_wr16(t + 4, (uint16_t)(seq >> 16));
	mg_wr16(t + 6, (uint16_t)seq);
	mg_wr16(t + 8, (uint16_t)(ack >> 16));
	mg_wr16(t + 10, (uint16_t)ack);
	t[12] = 0x50;
	t[13] = flags;
	mg_wr16(t + 14, 65535);
	if (n)
		memcpy(t + 20, pay, n);
	uint8_t ph[4] = {0, 6, (uint8_t)((20 + n) >> 8), (uint8_t)(20 + n)};
	uint32_t s = mg_csum_add(0, b + 12, 8);
	s = mg_csum_add(s, ph, 4);
	s = mg_csum_add(s, t, 20 + n);
	mg_wr16(t + 16, mg_csum_fold(s));
	return total;
}

/* The three-way handshake of a connection from inside in:ip to outside
 * out:op (replies come from out to the public address pub), seq[0] and
 * seq[1] the two ISNs, left at the next byte each side sends. */
static inline void fz_handshake(struct mg_engine *e, uint8_t *pkt, const uint8_t *in, uint16_t ip,
				const uint8_t *out, uint16_t op, const uint8_t *pub, uint32_t seq[2],
				uint64_t now)
{
	size_t n = fz_tcp(pkt, in, ip, out, op, 0x02, seq[0]++, 0, NULL, 0);
	mg_engine_process(e, pkt, (uint32_t)n, MG_SIDE_INSIDE, now);
	n = fz_tcp(pkt, out, op, pub, ip, 0x12, seq[1]++, seq[0], NULL, 0);
	mg_engine_process(e, pkt, (uint32_t)n, MG_SIDE_OUTSIDE, now);
	n = fz_tcp(pkt, in, ip, out, op, 0x10, seq[0], seq[1], NULL, 0);
	mg_engine_process(e, pkt, (uint32_t)n, MG_SIDE_INSIDE, now);
}

/* A script step's sequence number from its control byte: bits 1-2 say in
 * order (0, 3), a retransmission of earlier bytes (1) or a gap before it
 * (2), bits 3-7 how far. */
static inline uint32_t fz_step_seq(uint8_t ctl, uint32_t next)
{
	switch ((ctl >> 1) & 3) {
	case 1:
		return next - (uint32_t)(ctl >> 3) * 4u;
	case 2:
		return next + (uint32_t)(ctl >> 3) + 1u;
	default:
		return next;
	}
}

#endif
