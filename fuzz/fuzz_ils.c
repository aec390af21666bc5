/* fuzz_ils.c - libFuzzer harness for the ILS ALG through the whole engine:
 * an LDAP connection from an inside host to an outside directory on 389.
 *
 * The input is a script of segments as in fuzz_stream.c: each step takes a
 * control byte (direction, sequence offset: in order / retransmission /
 * gap, flags) and a length byte, then that many payload bytes.  Segments
 * carry right checksums, so every one reaches the BER framer, the LDAP
 * walker, the sipaddress translation, seqadj and the segment rebuild.
 * The directory's answers (direction 1) reach the response side: results
 * of Add/Modify/Del settling registrations, and search results naming the
 * public address, which are translated for "alice@example.org" (in the
 * directory from the start) and for whoever the script registers.
 * Checks: no crash or sanitizer report; with the drop policy no packet
 * leaves towards the directory with the inside address's 4 bytes in its
 * payload; the pools are empty again after the flow times out. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alg/guards.h"
#include "alg/ils.h"
#include "core/alg_api.h"
#include "core/csum.h"
#include "core/dir.h"
#include "core/engine.h"
#include "fuzz_tcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t A[4] = {198, 18, 1, 10}, B[4] = {198, 19, 0, 20}, P[4] = {198, 19, 0, 1};
static int drop_policy;

static void no_leak(const uint8_t *l3, uint32_t len)
{
	if (len < 40 || memcmp(l3 + 16, B, 4) != 0 || !drop_policy)
		return;
	uint32_t hl = (uint32_t)(l3[32] >> 4) * 4;
	for (uint32_t i = 20 + hl; i + 4 <= len; i++)
		if (memcmp(l3 + i, A, 4) == 0)
			abort();
}

static void emit(void *ctx, const uint8_t *l3, uint32_t len, enum mg_side side, uint64_t now)
{
	if (len < 20 || len > 1600)
		abort(); /* rebuilt and released segments stay within the MSS */
	no_leak(l3, len);
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
	cfg.untranslatable = size > 0 && (data[0] & 1) ? MG_UNTRANS_PASS : MG_UNTRANS_DROP;
	drop_policy = cfg.untranslatable == MG_UNTRANS_DROP;
	char err[128];
	struct mg_engine *e = mg_engine_new(&cfg, 1, err, sizeof(err));
	if (!e)
		abort();
	mg_guards_attach(e);
	struct mg_ils *ils = mg_ils_attach(e);
	if (!ils)
		abort();
	mg_engine_set_emit(e, emit, NULL);

	uint32_t seq[2] = {1000, 50000};
	uint64_t now = 1000;
	uint32_t a;
	memcpy(&a, A, 4);
	mg_dir_learn(mg_alg_dir(e), "alice@example.org", MG_ALIAS_EMAIL, a, 1720, MG_DIR_ILS, now,
		     now + 3600ull * 1000, false);
	fz_handshake(e, pkt, A, 40001, B, 389, P, seq, now);
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
			n = fz_tcp(pkt, A, 40001, B, 389, flags, s, seq[1], data + i, len);
		else /* the directory acknowledges what it was sent, as it saw it */
			n = fz_tcp(pkt, B, 389, P, 40001, flags, s, seq[0], data + i, len);
		struct mg_result r = mg_engine_process(e, pkt, (uint32_t)n, dir ? MG_SIDE_OUTSIDE : MG_SIDE_INSIDE, now);
		if (r.verdict == MG_VERDICT_ACCEPT)
			no_leak(pkt, (uint32_t)n);
		if ((r.verdict == MG_VERDICT_ACCEPT || r.verdict == MG_VERDICT_HOLD) && ((ctl >> 1) & 3) == 0)
			seq[dir] += len;
		i += len;
		now += 7;
	}
	mg_engine_expire(e, now + 30ull * 24 * 3600 * 1000);
	const struct mg_stats *st = mg_engine_stats(e);
	if (st->flows_active != 0 || st->bindings_active != 0)
		abort();
	mg_engine_free(e);
	mg_ils_free(ils);
	return 0;
}
