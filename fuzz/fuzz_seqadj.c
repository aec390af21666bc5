/* fuzz_seqadj.c - libFuzzer harness for sequence adjustment and segment
 * rebuilding (core/seqadj.h, core/rewrite.h).
 *
 * The input is a script over one stream: each step's first byte picks an
 * operation (add an edit, render a segment, acknowledge, rebuild a real
 * segment at some MSS), the next bytes its arguments; the initial sequence
 * number comes from the input too, so streams wrap.  As in a stream, an edit
 * only ever lands on bytes not sent yet.  Checks, besides no
 * crash or sanitizer report: every byte rendered for a translated position
 * equals what any earlier rendering put there (one translated stream); an
 * ACK never maps back past what its translation covers; rebuilt segments
 * parse, have right checksums and stay within the MSS. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csum.h"
#include "core/pkt.h"
#include "core/rewrite.h"
#include "core/seqadj.h"
#include "fuzz_tcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAIL()                                                   \
	do {                                                     \
		fprintf(stderr, "fuzz_seqadj: check at line %d\n", __LINE__); \
		abort();                                         \
	} while (0)

#define STREAM 4096

static uint8_t orig[STREAM];
static uint8_t seen[STREAM * 4];
static uint8_t have[STREAM * 4];

static uint32_t rd16(const uint8_t *p)
{
	return (uint32_t)(p[0] << 8 | p[1]);
}

/* Does every rendered byte agree with the translated stream so far?  Bytes
 * before what the receiver acknowledged are stale (it discards them, and
 * folded edits no longer describe them): not compared. */
static void record(const struct mg_seqadj_dir *d, uint32_t isn, uint32_t toff, const uint8_t *b, uint32_t n)
{
	uint32_t lim = d->has_acked ? mg_seqadj_fwd(d, d->acked) - isn : 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k = toff + i;
		if (k >= sizeof(seen))
			return; /* before the ISN (stale) or far past: not tracked */
		if (k < lim)
			continue;
		if (have[k] && seen[k] != b[i])
			FAIL();
		have[k] = 1;
		seen[k] = b[i];
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mg_seqadj_dir d;
	static uint8_t out[STREAM * 2], pkt[STREAM + 64], segs[8 * 2048], scratch[STREAM * 2];
	if (size < 4)
		return 0;
	uint32_t isn = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3];
	mg_seqadj_init(&d);
	memset(have, 0, sizeof(have));
	for (uint32_t i = 0; i < STREAM; i++)
		orig[i] = (uint8_t)(i * 7 + 1);
	size_t at = 4;
	uint32_t next_edit = 0, sent_upto = 0; /* edits only where nothing was sent yet */
	while (at + 6 <= size) {
		uint8_t op = data[at] & 3;
		uint32_t a = rd16(data + at + 1) % STREAM, n = data[at + 3], m = data[at + 4];
		at += 5;
		if (op == 0) {
			/* an edit at or after the last one, with bytes from the input */
			uint32_t from = next_edit > sent_upto ? next_edit : sent_upto;
			uint32_t pos = from + a % 256, old = n % 40, nl = m % (MG_SEQADJ_BYTES + 1);
			if (pos + old > STREAM || at + nl > size)
				continue;
			if (mg_seqadj_add(&d, isn + pos, old, data + at, nl) == MG_R_NONE)
				next_edit = pos + old;
			at += nl;
		} else if (op == 1) {
			uint32_t len = a + n > STREAM ? STREAM - a : n;
			uint32_t t;
			uint32_t k = mg_seqadj_render(&d, isn + a, orig + a, len, out, sizeof(out), &t);
			if (k == UINT32_MAX)
				FAIL(); /* out is large enough for every case here */
			record(&d, isn, t - isn, out, k);
			if (a + len > sent_upto)
				sent_upto = a + len;
		} else if (op == 2) {
			/* an ACK for translated offset a: its original must lie at or
			 * before the translated position it names */
			uint32_t o = mg_seqadj_back(&d, isn + a, false);
			if ((int32_t)(mg_seqadj_fwd(&d, o) - (isn + a)) > 0)
				FAIL();
			if (m & 1)
				mg_seqadj_acked(&d, o);
		} else {
			uint32_t len = a + n * 8 > STREAM ? STREAM - a : n * 8;
			size_t plen = fz_tcp(pkt, (const uint8_t[]){198, 18, 1, 10}, 40000, (const uint8_t[]){198, 19, 0, 20}, 389,
					     0x18, isn + a, 0, orig + a, len);
			struct mg_pkt p;
			if (mg_pkt_parse(&p, pkt, (uint32_t)plen) != MG_R_NONE)
				FAIL();
			uint32_t mss = 64 + m * 8, off[8], ln[8];
			int k = mg_rw_tcp_rebuild(&p, &d, mss, segs, sizeof(segs), off, ln, 8, scratch, sizeof(scratch));
			for (int i = 0; i < k; i++) {
				struct mg_pkt q;
				if (mg_pkt_parse(&q, segs + off[i], ln[i]) != MG_R_NONE || q.paylen > mss)
					FAIL();
				uint32_t s = mg_csum_add(0, q.l3 + 12, 8);
				uint8_t ph[4] = {0, 6, (uint8_t)((ln[i] - 20) >> 8), (uint8_t)(ln[i] - 20)};
				s = mg_csum_add(mg_csum_add(s, ph, 4), q.l3 + 20, ln[i] - 20);
				if (mg_csum_fold(s) != 0)
					FAIL();
				record(&d, isn, q.seq - isn, q.l3 + q.payoff, q.paylen);
			}
			if (a + len > sent_upto)
				sent_upto = a + len;
		}
	}
	return 0;
}
