/* bench_route.c - inbound call setups per second on one public 1720:
 * routed by alias (SYN answered with a cookie, the handshake's ACK, the
 * Setup read and the inside leg opened, the inside host's SYN-ACK and the
 * joined legs) against a plain `forward` (SYN, SYN-ACK, ACK, Setup), same
 * engine build, same run; and the memory a connection waiting for its
 * Setup holds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../fuzz/fuzz_tcp.h"
#include "../fuzz/setup_alice.h"
#include "alg/h323.h"
#include "core/alg_api.h"
#include "core/dir.h"
#include "core/engine.h"
#include "core/inroute.h"

void bench_route(void);

static uint32_t last_synack; /* the cookie the gateway answered with */
static uint32_t emitted;

static void on_emit(void *ctx, const uint8_t *l3, uint32_t len, enum mg_side side, uint64_t now)
{
	(void)ctx;
	(void)now;
	emitted++;
	if (side == MG_SIDE_OUTSIDE && len >= 40 && l3[33] == (MG_TH_SYN | MG_TH_ACK))
		last_synack = mg_rd32(l3 + 24);
}

static double secs(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define CALLS 20000

/* calls per second; routed or forwarded */
static double run(bool routed)
{
	struct mg_config c;
	char err[200];
	mg_config_defaults(&c);
	c.n_inside = 1;
	c.inside[0].addr = 0x000012c6; /* 198.18.0.0/16 */
	c.inside[0].mask = 0x0000ffff;
	c.n_public = 1;
	const uint8_t pub[4] = {198, 19, 0, 1}, host[4] = {198, 18, 1, 10};
	memcpy(&c.public_addr[0], pub, 4);
	c.max_flows = 4 * CALLS;
	c.max_calls = 2 * CALLS;
	c.max_sig_per_source = 1u << 20;
	c.max_pending_per_source = 1u << 20;
	if (routed) {
		c.route_all = true;
	} else {
		struct mg_forward f = {MG_PROTO_TCP, 0, 1720, 1720, 0, 1720};
		memcpy(&f.to_addr, host, 4);
		c.forward[c.n_forward++] = f;
	}
	struct mg_engine *e = mg_engine_new(&c, 3, err, sizeof(err));
	if (!e) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	struct mg_h323 *h = mg_h323_attach(e);
	mg_engine_set_emit(e, on_emit, NULL);
	uint32_t a;
	memcpy(&a, host, 4);
	mg_dir_learn(mg_alg_dir(e), "alice", MG_ALIAS_NAME, a, 1720, MG_DIR_STATIC, 1, UINT64_MAX, false);
	static uint8_t pkt[2048], setup[sizeof(setup_alice)];
	memcpy(setup, setup_alice, sizeof(setup));
	/* every call its own callIdentifier (and conferenceID), as real ones */
	size_t gpos[2], ng = 0;
	for (size_t k = 0; k + 16 <= sizeof(setup) && ng < 2; k++)
		if (setup[k] == 1 && memcmp(setup + k, (const uint8_t[]){1, 2, 3, 4, 5, 6, 7, 8}, 8) == 0)
			gpos[ng++] = k;
	size_t spos = 0; /* sourceCallSignalAddress 198.19.0.20:40000: each caller's own */
	for (size_t k = 0; k + 6 <= sizeof(setup); k++)
		if (memcmp(setup + k, (const uint8_t[]){198, 19, 0, 20, 0x9c, 0x40}, 6) == 0)
			spos = k;
	uint32_t ok = 0;
	double t0 = secs();
	for (uint32_t i = 0; i < CALLS; i++) {
		uint8_t caller[4] = {198, 19, (uint8_t)(1 + (i >> 14)), (uint8_t)(i & 0xff)};
		uint16_t port = (uint16_t)(10000 + ((i >> 8) & 63));
		uint32_t isn = i * 2654435761u, hisn = i * 40503u + 7;
		uint64_t now = 1000 + i / 16;
		for (size_t k = 0; k < ng; k++)
			memcpy(setup + gpos[k], &i, sizeof(i));
		if (spos) {
			memcpy(setup + spos, caller, 4);
			mg_wr16(setup + spos + 4, port);
		}
		size_t n = fz_tcp(pkt, caller, port, pub, 1720, MG_TH_SYN, isn, 0, NULL, 0);
		mg_engine_process(e, pkt, (uint32_t)n, MG_SIDE_OUTSIDE, now);
		uint32_t g = hisn; /* the forward: the host's ISN reaches the caller */
		if (routed) {
			g = last_synack;
		} else {
			n = fz_tcp(pkt, host, 1720, caller, port, MG_TH_SYN | MG_TH_ACK, hisn, isn + 1, NULL, 0);
			mg_engine_process(e, pkt, (uint32_t)n, MG_SIDE_INSIDE, now);
		}
		n = fz_tcp(pkt, caller, port, pub, 1720, MG_TH_ACK, isn + 1, g + 1, NULL, 0);
		mg_engine_process(e, pkt, (uint32_t)n, MG_SIDE_OUTSIDE, now);
		n = fz_tcp(pkt, caller, port, pub, 1720, MG_TH_ACK | MG_TH_PSH, isn + 1, g + 1, setup, sizeof(setup));
		struct mg_result r = mg_engine_process(e, pkt, (uint32_t)n, MG_SIDE_OUTSIDE, now);
		if (routed) {
			n = fz_tcp(pkt, host, 1720, caller, port, MG_TH_SYN | MG_TH_ACK, hisn, isn + 1, NULL, 0);
			r = mg_engine_process(e, pkt, (uint32_t)n, MG_SIDE_INSIDE, now);
			ok += r.verdict == MG_VERDICT_HOLD;
		} else {
			ok += r.verdict == MG_VERDICT_ACCEPT;
		}
	}
	double dt = secs() - t0;
	const struct mg_stats *st = mg_engine_stats(e);
	uint64_t calls = st->calls_created;
	mg_engine_free(e);
	mg_h323_free(h);
	if (ok != CALLS || calls != CALLS) {
		fprintf(stderr, "bench: %s: %u of %u setups went through, %llu calls\n", routed ? "routed" : "forward",
			ok, CALLS, (unsigned long long)calls);
		exit(1);
	}
	return CALLS / dt;
}

void bench_route(void)
{
	double best_r = 0, best_f = 0;
	for (int i = 0; i < 3; i++) {
		double f = run(false), r = run(true);
		best_f = f > best_f ? f : best_f;
		best_r = r > best_r ? r : best_r;
	}
	printf("inbound setups: routed by alias %.0f/s, through a forward %.0f/s (routed/forward %.2f)\n", best_r,
	       best_f, best_r / best_f);
	printf("memory: %zu bytes per connection waiting for its Setup (entry %zu + buffer %u + buckets 16); "
	       "a SYN answered with a cookie holds none\n",
	       sizeof(struct mg_inroute_pend) + MG_INROUTE_BUF + 16, sizeof(struct mg_inroute_pend),
	       (unsigned)MG_INROUTE_BUF);
}
