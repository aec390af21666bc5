/* bench_ras.c - ns per H.225.0 RAS message decoded (mg_ras_scan), and
 * decoded and rewritten through an engine with the RAS ALG: an RRQ
 * shaped like a real registration (one callSignalAddress, one rasAddress,
 * vendor, two aliases, timeToLive, keepAlive, a featureSet naming H.460.18)
 * and an ARQ of a calling endpoint (destination and source call signalling
 * addresses, aliases, callIdentifier), both built with the PER encoder.
 * Best of 5 runs. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alg/guards.h"
#include "alg/ras.h"
#include "asn1/per_enc.h"
#include "core/config.h"
#include "core/csum.h"
#include "core/engine.h"
#include "proto/ras.h"

void bench_ras(void);

static const uint32_t arcs[] = { 0, 0, 8, 2250, 0, 4 };

static double secs(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void ta(struct mg_penc *e, uint8_t d, uint16_t port)
{
	const uint8_t ip[4] = { 198, 18, 1, d };
	mg_penc_choice(e, 0, 7, true, false);
	mg_penc_octets(e, ip, 4, 4, 4, false);
	mg_penc_constrained(e, port, 0, 65535);
}

static void aliases(struct mg_penc *e)
{
	mg_penc_length(e, 2);
	mg_penc_choice(e, 1, 2, true, false);
	mg_penc_bmp(e, "alice@example.org", 1, 256, false);
	mg_penc_choice(e, 0, 2, true, false);
	mg_penc_chars(e, "2098", 1, 128, false, "#*,0123456789", 4);
}

/* RRQ with additions timeToLive (1), keepAlive (5), featureSet (19; only
 * with h460). */
static size_t rrq(uint8_t *b, size_t cap, bool h460)
{
	struct mg_penc e, a[3];
	uint8_t ab[3][64], bits[27] = { 0 };

	mg_penc_init(&e, b, cap);
	mg_penc_choice(&e, MG_RAS_RRQ, 25, true, false);
	mg_penc_seq_preamble(&e, true, true, 3, 0x2);
	mg_penc_constrained(&e, 18067, 1, 65535);
	mg_penc_oid(&e, arcs, 6);
	mg_penc_bool(&e, false);
	mg_penc_length(&e, 1);
	ta(&e, 10, 1720);
	mg_penc_length(&e, 1);
	ta(&e, 10, 1719);
	mg_penc_seq_preamble(&e, true, false, 6, 0x11); /* vendor, terminal */
	mg_penc_seq_preamble(&e, true, false, 2, 0x2);
	mg_penc_bool(&e, false);
	mg_penc_constrained(&e, 0xB5, 0, 255);
	mg_penc_constrained(&e, 0, 0, 255);
	mg_penc_constrained(&e, 0x1234, 0, 65535);
	mg_penc_octets(&e, "meetgate", 8, 1, 256, false);
	mg_penc_seq_preamble(&e, true, false, 1, 0);
	mg_penc_bool(&e, false);
	mg_penc_bool(&e, false);
	aliases(&e);
	mg_penc_seq_preamble(&e, true, false, 2, 0x2); /* endpointVendor */
	mg_penc_bool(&e, false);
	mg_penc_constrained(&e, 0xB5, 0, 255);
	mg_penc_constrained(&e, 0, 0, 255);
	mg_penc_constrained(&e, 0x1234, 0, 65535);
	mg_penc_octets(&e, "meetgate", 8, 1, 256, false);
	for (int i = 0; i < 3; i++)
		mg_penc_init(&a[i], ab[i], sizeof ab[i]);
	bits[1] = bits[5] = 1;
	bits[19] = h460;
	mg_penc_constrained(&a[0], 300, 1, 0xFFFFFFFFu); /* timeToLive */
	mg_penc_bool(&a[1], true);                        /* keepAlive */
	mg_penc_seq_preamble(&a[2], true, false, 3, 0x1); /* featureSet: H.460.18 */
	mg_penc_bool(&a[2], true);
	mg_penc_length(&a[2], 1);
	mg_penc_seq_preamble(&a[2], true, false, 1, 0);
	mg_penc_choice(&a[2], 0, 3, true, false);
	mg_penc_bool(&a[2], false);
	mg_penc_constrained(&a[2], 18, 0, 16383);
	mg_penc_ext_bitmap(&e, bits, 27);
	for (int i = 0; i < (h460 ? 3 : 2); i++)
		mg_penc_open_sub(&e, &a[i]);
	return e.err ? 0 : mg_penc_len(&e);
}

static size_t arq(uint8_t *b, size_t cap)
{
	static const uint8_t guid[16] = "meetgate-bench-1";
	struct mg_penc e, a;
	uint8_t ab[32], bits[2] = { 0, 1 };

	mg_penc_init(&e, b, cap);
	mg_penc_choice(&e, MG_RAS_ARQ, 25, true, false);
	mg_penc_seq_preamble(&e, true, true, 7, 0x54); /* callModel, destCallSignal, srcCallSignal */
	mg_penc_constrained(&e, 18068, 1, 65535);
	mg_penc_choice(&e, 0, 4, true, false);
	mg_penc_choice(&e, 0, 2, true, false);
	mg_penc_bmp(&e, "ep-1", 1, 128, false);
	ta(&e, 20, 1720);
	aliases(&e);
	ta(&e, 10, 1720);
	mg_penc_constrained(&e, 1280, 0, 0xFFFFFFFFu);
	mg_penc_constrained(&e, 77, 0, 65535);
	mg_penc_octets(&e, guid, 16, 16, 16, false);
	mg_penc_bool(&e, false);
	mg_penc_bool(&e, false);
	mg_penc_init(&a, ab, sizeof ab);
	mg_penc_bool(&a, false);
	mg_penc_octets(&a, guid, 16, 16, 16, false);
	mg_penc_ext_bitmap(&e, bits, 2);
	mg_penc_open_sub(&e, &a);
	return e.err ? 0 : mg_penc_len(&e);
}

static void one(const char *name, const uint8_t *m, size_t n)
{
	static struct mg_h323_scan s;
	const int iters = 500000;
	double best = 1e9;

	for (int run = 0; run < 5; run++) {
		double t0 = secs();
		for (int i = 0; i < iters; i++) {
			mg_h323_scan_init(&s, m, n);
			mg_ras_scan(&s, m, n);
		}
		double ns = (secs() - t0) * 1e9 / iters;
		best = ns < best ? ns : best;
	}
	if (s.err != MG_R_NONE)
		printf("RAS %s: does not decode (%s)\n", name, s.err_where);
	else
		printf("RAS %s (%zu bytes, %u addresses) decoded: %.0f ns\n", name, n, s.n_addr, best);
}

/* One RAS datagram 198.18.1.10:1719 -> 198.19.0.50:1719 through an
 * engine with the RAS ALG: decoded, every inside address rewritten (an RRQ
 * refreshes its pending registration each time, an ARQ finds the bindings
 * its first pass made), header NAT.  ns per datagram, copy included. */
static struct mg_ras_alg *last_ras;
static bool attach_ras(struct mg_engine *e)
{
	mg_guards_attach(e);
	last_ras = mg_ras_alg_attach(e);
	return last_ras != NULL;
}

static void through_engine(const char *name, const uint8_t *m, size_t n)
{
	struct mg_config c;
	mg_config_defaults(&c);
	const uint8_t in[4] = {198, 18, 1, 0}, mask[4] = {255, 255, 255, 0}, pub[4] = {198, 19, 0, 1},
		      a[4] = {198, 18, 1, 10}, gk[4] = {198, 19, 0, 50};
	memcpy(&c.inside[0].addr, in, 4);
	memcpy(&c.inside[0].mask, mask, 4);
	c.n_inside = 1;
	memcpy(&c.public_addr[0], pub, 4);
	c.n_public = 1;
	char err[200];
	struct mg_engine *e = mg_engine_new(&c, 7, err, sizeof(err));
	if (!e || !attach_ras(e)) {
		printf("RAS %s through the engine: no engine (%s)\n", name, err);
		return;
	}
	static uint8_t t[600], w[600];
	size_t len = 28 + n;
	memset(t, 0, 28);
	t[0] = 0x45;
	t[2] = (uint8_t)(len >> 8);
	t[3] = (uint8_t)len;
	t[8] = 64;
	t[9] = 17;
	memcpy(t + 12, a, 4);
	memcpy(t + 16, gk, 4);
	mg_wr16(t + 10, mg_csum_fold(mg_csum_add(0, t, 20)));
	mg_wr16(t + 20, 1719);
	mg_wr16(t + 22, 1719);
	mg_wr16(t + 24, (uint16_t)(8 + n));
	memcpy(t + 28, m, n);
	const int iters = 200000;
	double best = 1e9;
	uint64_t now = 1000, rw0 = mg_engine_stats(e)->alg_rewrites;
	int bad = 0;
	for (int run = 0; run < 5; run++) {
		double t0 = secs();
		for (int i = 0; i < iters; i++) {
			memcpy(w, t, len);
			struct mg_result r = mg_engine_process(e, w, (uint32_t)len, MG_SIDE_INSIDE, now += 1);
			bad += r.verdict != MG_VERDICT_ACCEPT;
		}
		double ns = (secs() - t0) * 1e9 / iters;
		best = ns < best ? ns : best;
	}
	uint64_t rw = mg_engine_stats(e)->alg_rewrites - rw0;
	printf("RAS %s decoded and rewritten through the engine: %.0f ns (%.1f addresses rewritten per message%s)\n",
	       name, best, (double)rw / (5.0 * iters), bad ? ", some DROPPED" : "");
	mg_engine_free(e);
	mg_ras_alg_free(last_ras);
	last_ras = NULL;
}

void bench_ras(void)
{
	static uint8_t b1[512], b2[512], b3[512];
	size_t n1 = rrq(b1, sizeof b1, true), n2 = arq(b2, sizeof b2), n3 = rrq(b3, sizeof b3, false);

	if (n1 == 0 || n2 == 0) {
		printf("RAS: the benchmark's messages did not encode\n");
		return;
	}
	one("RRQ", b1, n1);
	one("ARQ", b2, n2);
	if (n3 == 0) {
		printf("RAS: the benchmark's plain RRQ did not encode\n");
		return;
	}
	through_engine("RRQ", b3, n3);
	through_engine("ARQ", b2, n2);
}
