/* fuzz_stream.c - libFuzzer harness for the TPKT stream entry point: a TCP
 * call-signalling connection through the whole engine with the H.323 ALG.
 *
 * The input is a script of segments: each step takes a control byte
 * (direction, sequence offset: in order / retransmission / gap, flags) and a
 * length byte, then that many payload bytes.  The engine sees a real
 * handshake first, so every segment reaches the stream reassembler, the
 * framer, the Q.931/H.225/H.245 walkers and the rewrite and pinhole code.
 * Checks: no crash or sanitizer report; every packet the engine lets out is
 * no longer than what came in; the pools are empty again after the flows
 * time out. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alg/h323.h"
#include "core/csum.h"
#include "core/engine.h"
#include "fuzz_tcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t A[4] = {198, 18, 1, 10}, B[4] = {198, 19, 0, 20}, P[4] = {198, 19, 0, 1};

static void emit(void *ctx, const uint8_t *l3, uint32_t len, enum mg_side side, uint64_t now)
{
	if (len < 20 || len > 1600)
		abort(); /* released packets are the ones held: bounded */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mg_config cfg;
	static uint8_t pkt[1600];
	mg_config_defaults(&cfg);
	cfg.n_inside = 1;
	memcpy(&cfg.inside[0].addr, (const uint8_t[]){198, 18, 1, 0}, 4);
	memcpy(&cfg.inside[0].mask, (const uint8_t[]){255, 255, 255, 0}, 4);
	cfg.n_public = 1;
	memcpy(&cfg.public_addr[0], P, 4);
	cfg.max_flows = 64;
	cfg.max_bindings = 64;
	cfg.max_pinholes = 64;
	cfg.max_calls = 8;
	cfg.untranslatable = size > 0 && (data[0] & 1) ? MG_UNTRANS_PASS : MG_UNTRANS_DROP;
	char err[128];
	struct mg_engine *e = mg_engine_new(&cfg, 1, err, sizeof(err));
	if (!e)
		abort();
	struct mg_h323 *h = mg_h323_attach(e);
	if (!h)
		abort();
	mg_engine_set_emit(e, emit, NULL);

	uint32_t seq[2] = {1000, 50000};
	uint64_t now = 1000;
	fz_handshake(e, pkt, A, 12030, B, 1720, P, seq, now);
	size_t n;

	size_t i = 0;
	while (i + 2 <= size) {
		uint8_t ctl = data[i], len = data[i + 1];
		i += 2;
		if (len > size - i)
			len = (uint8_t)(size - i);
		int dir = ctl & 1;
		uint32_t s = fz_step_seq(ctl, seq[dir]);
		uint8_t flags = (ctl & 0x80) && i + len >= size ? 0x19 : 0x18;
		if (dir == 0)
			n = fz_tcp(pkt, A, 12030, B, 1720, flags, s, seq[1], data + i, len);
		else
			n = fz_tcp(pkt, B, 1720, P, 12030, flags, s, seq[0], data + i, len);
		struct mg_result r = mg_engine_process(e, pkt, (uint32_t)n, dir ? MG_SIDE_OUTSIDE : MG_SIDE_INSIDE, now);
		if (r.verdict == MG_VERDICT_ACCEPT || r.verdict == MG_VERDICT_HOLD) {
			if (((ctl >> 1) & 3) == 0)
				seq[dir] += len;
		}
		i += len;
		now += 7;
	}
	/* everything ends: the call, its pinholes and bindings go away */
	mg_engine_expire(e, now + 30ull * 24 * 3600 * 1000);
	const struct mg_stats *st = mg_engine_stats(e);
	if (st->flows_active != 0 || st->bindings_active != 0 || st->pinholes_active != 0)
		abort();
	mg_engine_free(e);
	mg_h323_free(h);
	return 0;
}
