/* fuzz_ras_alg.c - libFuzzer harness for the RAS ALG through the whole
 * engine: RAS datagrams between an inside endpoint (198.18.1.10) and an
 * outside gatekeeper, both ways, on UDP 1719.
 *
 * The input is a script: each step takes a control byte and a length byte,
 * then that many payload bytes.  Control bit 0: direction (0 from the
 * endpoint, 1 from the gatekeeper to the endpoint's public RAS address);
 * bit 1: the endpoint's second RAS port (a second registration); bit 2:
 * 200 s pass before the step (registrations and held bindings expire);
 * bit 3: a TCP SYN from outside to every public port the endpoint's
 * bindings hold (registration pinholes).  Byte 0's top bit chooses the
 * pass policy.  Checks: no crash or sanitizer report; with the drop policy
 * nothing leaves towards the gatekeeper with the endpoint's 4 address
 * bytes, unless the message was an H.460 one (passed as sent, counted);
 * once everything has timed out, no flow, binding, pinhole or
 * registration is left. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alg/guards.h"
#include "alg/ras.h"
#include "core/alg_api.h"
#include "core/csum.h"
#include "core/engine.h"
#include "core/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t A[4] = {198, 18, 1, 10}, G[4] = {198, 19, 0, 50}, P[4] = {198, 19, 0, 1};

static size_t udp(uint8_t *b, const uint8_t src[4], uint16_t sp, const uint8_t dst[4], uint16_t dp,
		  const uint8_t *pay, size_t n)
{
	memset(b, 0, 28);
	b[0] = 0x45;
	mg_wr16(b + 2, (uint16_t)(28 + n));
	b[8] = 64;
	b[9] = 17;
	memcpy(b + 12, src, 4);
	memcpy(b + 16, dst, 4);
	mg_wr16(b + 10, mg_csum_fold(mg_csum_add(0, b, 20)));
	mg_wr16(b + 20, sp);
	mg_wr16(b + 22, dp);
	mg_wr16(b + 24, (uint16_t)(8 + n));
	memcpy(b + 28, pay, n);
	return 28 + n; /* checksum 0: none */
}

static size_t syn(uint8_t *b, const uint8_t src[4], const uint8_t dst[4], uint16_t dp)
{
	memset(b, 0, 40);
	b[0] = 0x45;
	mg_wr16(b + 2, 40);
	b[8] = 64;
	b[9] = 6;
	memcpy(b + 12, src, 4);
	memcpy(b + 16, dst, 4);
	mg_wr16(b + 10, mg_csum_fold(mg_csum_add(0, b, 20)));
	mg_wr16(b + 20, 40000);
	mg_wr16(b + 22, dp);
	b[24 + 3] = 1;
	b[32] = 0x50;
	b[33] = 0x02;
	mg_wr16(b + 34, 8192);
	uint8_t ph[12];
	memcpy(ph, b + 12, 8);
	ph[8] = 0;
	ph[9] = 6;
	mg_wr16(ph + 10, 20);
	mg_wr16(b + 36, mg_csum_fold(mg_csum_add(mg_csum_add(0, ph, 12), b + 20, 20)));
	return 40;
}

static bool leaks(const uint8_t *b, size_t n)
{
	for (size_t i = 28; i + 4 <= n; i++)
		if (memcmp(b + i, A, 4) == 0)
			return true;
	return false;
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
	cfg.max_registrations = 4;
	cfg.untranslatable = size > 0 && (data[0] & 0x80) ? MG_UNTRANS_PASS : MG_UNTRANS_DROP;
	bool drop = cfg.untranslatable == MG_UNTRANS_DROP;
	char err[128];
	struct mg_engine *e = mg_engine_new(&cfg, 1, err, sizeof(err));
	if (!e)
		abort();
	mg_guards_attach(e);
	struct mg_ras_alg *ra = mg_ras_alg_attach(e);
	if (!ra)
		abort();
	uint8_t pub[2][4] = {{0}};
	uint16_t pub_port[2] = {0, 0};
	uint64_t now = 1000;
	size_t i = 0;
	while (i + 2 <= size) {
		uint8_t ctl = data[i], len = data[i + 1];
		i += 2;
		if (len > size - i)
			len = (uint8_t)(size - i);
		int k = (ctl >> 1) & 1;
		uint16_t aport = k ? 50000 : 1719;
		if (ctl & 4)
			now += 200000;
		size_t n;
		if ((ctl & 1) == 0) {
			n = udp(pkt, A, aport, G, 1719, data + i, len);
			uint64_t h460 = mg_engine_stats(e)->events[MG_R_RAS_H460];
			struct mg_result r = mg_engine_process(e, pkt, (uint32_t)n, MG_SIDE_INSIDE, now);
			if (r.verdict == MG_VERDICT_ACCEPT) {
				memcpy(pub[k], pkt + 12, 4);
				pub_port[k] = mg_rd16(pkt + 20);
				if (drop && mg_engine_stats(e)->events[MG_R_RAS_H460] == h460 && leaks(pkt, n))
					abort();
			}
		} else if (pub_port[k]) {
			n = udp(pkt, G, 1719, pub[k], pub_port[k], data + i, len);
			mg_engine_process(e, pkt, (uint32_t)n, MG_SIDE_OUTSIDE, now);
		}
		if (ctl & 8) {
			uint32_t a;
			memcpy(&a, A, 4);
			for (uint16_t port = 1718; port <= 1722; port++) {
				uint32_t b = mg_alg_find_binding(e, MG_PROTO_TCP, a, port);
				if (b == MG_NIL)
					continue;
				const struct mg_binding *bi = mg_alg_binding(e, b);
				uint8_t d[4];
				memcpy(d, &bi->pub_addr, 4);
				n = syn(pkt, G, d, bi->pub_port);
				mg_engine_process(e, pkt, (uint32_t)n, MG_SIDE_OUTSIDE, now);
			}
		}
		i += len;
		now += 7;
	}
	mg_engine_expire(e, now + 30ull * 24 * 3600 * 1000);
	mg_engine_expire(e, now + 31ull * 24 * 3600 * 1000);
	const struct mg_stats *st = mg_engine_stats(e);
	struct mg_ras_alg_stats rs;
	mg_ras_alg_stats(ra, &rs);
	if (st->flows_active != 0 || st->bindings_active != 0 || st->pinholes_active != 0 || rs.active != 0)
		abort();
	mg_engine_free(e);
	mg_ras_alg_free(ra);
	return 0;
}
