/* test_h323_alg.c - the H.323 ALG through the engine, on the real Setup of
 * tests/fixtures/plain-default-inside.pcap (4 fastStart OLCs, 7 inside
 * addresses): split at every byte position, two TPKTs in one segment,
 * retransmission, out-of-order data, and what cannot be translated. */
#include <stdlib.h>
#include <string.h>

#include "alg/h323.h"
#include "alg/stream.h"
#include "core/engine.h"
#include "harness.h"
#include "io/pcap.h"
#include "pktbuild.h"

#define A tb_ip("198.18.1.10")
#define B tb_ip("198.19.0.20")
#define P tb_ip("198.19.0.1")

static uint8_t setup_msg[2048];
static size_t setup_len;

/* The first TCP payload sent to port 1720 in the capture. */
static int load_setup(void)
{
	if (!setup_len)
		setup_len = tb_first_payload_to("tests/fixtures/plain-default-inside.pcap", 1720, setup_msg, sizeof(setup_msg));
	return setup_len ? 0 : -1;
}

struct out_log {
	uint8_t pay[8192];
	size_t n;
	int packets;
	int bad_csum;
};

static struct out_log olog;

static void collect(struct out_log *o, const uint8_t *l3, size_t len)
{
	size_t ihl = (size_t)(l3[0] & 15) * 4, thl = (size_t)(l3[ihl + 12] >> 4) * 4;
	if (!tb_csum_ok(l3, len))
		o->bad_csum++;
	size_t pl = len - ihl - thl;
	if (pl <= sizeof(o->pay) - o->n) {
		memcpy(o->pay + o->n, l3 + ihl + thl, pl);
		o->n += pl;
	}
	o->packets++;
}

static void on_emit(void *ctx, const uint8_t *l3, uint32_t len, enum mg_side side, uint64_t now)
{
	collect(ctx, l3, len);
}

struct rig {
	struct mg_engine *e;
	struct mg_h323 *h;
	uint32_t seq;
};

static enum mg_media_source rig_media_source = MG_MEDIA_NEGOTIATED;

static int rig_up(struct rig *g, enum mg_untranslatable policy)
{
	struct mg_config c;
	tb_lab_config(&c, P);
	c.untranslatable = policy;
	c.media_source = rig_media_source;
	char err[200];
	g->e = mg_engine_new(&c, 3, err, sizeof(err));
	if (!g->e)
		return -1;
	g->h = mg_h323_attach(g->e);
	memset(&olog, 0, sizeof(olog));
	mg_engine_set_emit(g->e, on_emit, &olog);
	uint8_t b[100];
	size_t n = tb_tcp(b, A, 12030, B, 1720, 0x02, 999, 0, NULL, 0);
	if (mg_engine_process(g->e, b, (uint32_t)n, MG_SIDE_INSIDE, 1000).verdict != MG_VERDICT_ACCEPT)
		return -1;
	n = tb_tcp(b, B, 1720, P, 12030, 0x12, 5000, 1000, NULL, 0);
	if (mg_engine_process(g->e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 1001).verdict != MG_VERDICT_ACCEPT)
		return -1;
	n = tb_tcp(b, A, 12030, B, 1720, 0x10, 1000, 5001, NULL, 0);
	if (mg_engine_process(g->e, b, (uint32_t)n, MG_SIDE_INSIDE, 1002).verdict != MG_VERDICT_ACCEPT)
		return -1;
	g->seq = 1000;
	return 0;
}

static void rig_down(struct rig *g)
{
	mg_engine_free(g->e);
	mg_h323_free(g->h);
}

/* Send bytes from A as one segment at sequence `seq`; returns the verdict
 * and appends what went out to olog. */
static struct mg_result send_a(struct rig *g, uint32_t seq, const uint8_t *pay, size_t len)
{
	static uint8_t b[4096];
	size_t n = tb_tcp(b, A, 12030, B, 1720, 0x18, seq, 5001, pay, len);
	struct mg_result r = mg_engine_process(g->e, b, (uint32_t)n, MG_SIDE_INSIDE, 1003);
	if (r.verdict == MG_VERDICT_ACCEPT)
		collect(&olog, b, n);
	return r;
}

static bool has_bytes(const uint8_t *p, size_t n, uint32_t ip)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if (memcmp(p + i, &ip, 4) == 0)
			return true;
	return false;
}

TEST(alg_setup_rewritten_whole)
{
	CHECK_EQ(load_setup(), 0);
	CHECK(has_bytes(setup_msg, setup_len, A));
	struct rig g;
	CHECK_EQ(rig_up(&g, MG_UNTRANS_DROP), 0);
	struct mg_result r = send_a(&g, 1000, setup_msg, setup_len);
	CHECK_EQ(r.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(olog.n, setup_len);
	CHECK(!has_bytes(olog.pay, olog.n, A));
	CHECK(has_bytes(olog.pay, olog.n, P));
	CHECK_EQ(olog.bad_csum, 0);
	const struct mg_stats *st = mg_engine_stats(g.e);
	CHECK_EQ(st->alg_rewrites, 7); /* sourceCallSignalAddress + 6 fastStart addresses */
	CHECK(st->pinholes_active >= 6);
	CHECK_EQ(st->calls_created, 1);
	rig_down(&g);
}

TEST(alg_setup_split_at_every_byte)
{
	CHECK_EQ(load_setup(), 0);
	static uint8_t ref[2048];
	struct rig g;
	CHECK_EQ(rig_up(&g, MG_UNTRANS_DROP), 0);
	CHECK_EQ(send_a(&g, 1000, setup_msg, setup_len).verdict, MG_VERDICT_ACCEPT);
	memcpy(ref, olog.pay, setup_len);
	rig_down(&g);
	for (size_t k = 1; k < setup_len; k++) {
		CHECK_EQ(rig_up(&g, MG_UNTRANS_DROP), 0);
		struct mg_result r1 = send_a(&g, 1000, setup_msg, k);
		/* a head within the never-rewritten prefix passes at once */
		CHECK_EQ(r1.verdict, k <= MG_STREAM_SAFE_PREFIX ? MG_VERDICT_ACCEPT : MG_VERDICT_HOLD);
		struct mg_result r2 = send_a(&g, 1000 + (uint32_t)k, setup_msg + k, setup_len - k);
		CHECK_EQ(r2.verdict, MG_VERDICT_ACCEPT);
		CHECK_EQ(olog.packets, 2); /* the held head first, then the tail */
		CHECK_EQ(olog.n, setup_len);
		CHECK(memcmp(olog.pay, ref, setup_len) == 0);
		CHECK_EQ(olog.bad_csum, 0);
		rig_down(&g);
	}
}

TEST(alg_three_way_split_netmeeting_style)
{
	CHECK_EQ(load_setup(), 0);
	struct rig g;
	CHECK_EQ(rig_up(&g, MG_UNTRANS_DROP), 0);
	/* header alone (passes at once), then the body in two pieces */
	CHECK_EQ(send_a(&g, 1000, setup_msg, 4).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(send_a(&g, 1004, setup_msg + 4, 100).verdict, MG_VERDICT_HOLD);
	CHECK_EQ(send_a(&g, 1104, setup_msg + 104, setup_len - 104).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(olog.packets, 3);
	CHECK(!has_bytes(olog.pay, olog.n, A));
	rig_down(&g);
}

TEST(alg_two_tpkts_in_one_segment_and_retransmission)
{
	CHECK_EQ(load_setup(), 0);
	static uint8_t two[4096];
	memcpy(two, setup_msg, setup_len);
	memcpy(two + setup_len, setup_msg, setup_len);
	struct rig g;
	CHECK_EQ(rig_up(&g, MG_UNTRANS_DROP), 0);
	CHECK_EQ(send_a(&g, 1000, two, 2 * setup_len).verdict, MG_VERDICT_ACCEPT);
	CHECK(!has_bytes(olog.pay, olog.n, A));
	CHECK(memcmp(olog.pay, olog.pay + setup_len, setup_len) == 0);
	static uint8_t first[4096];
	memcpy(first, olog.pay, 2 * setup_len);
	/* the sender retransmits the original bytes: they leave rewritten the same way */
	olog.n = 0;
	CHECK_EQ(send_a(&g, 1000, two, 2 * setup_len).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(olog.n, 2 * setup_len);
	CHECK(memcmp(olog.pay, first, 2 * setup_len) == 0);
	/* a partial retransmission (the middle of the stream) too */
	olog.n = 0;
	CHECK_EQ(send_a(&g, 1000 + 40, two + 40, 200).verdict, MG_VERDICT_ACCEPT);
	CHECK(memcmp(olog.pay, first + 40, 200) == 0);
	rig_down(&g);
}

TEST(alg_out_of_order_segment_dropped_then_accepted)
{
	CHECK_EQ(load_setup(), 0);
	struct rig g;
	CHECK_EQ(rig_up(&g, MG_UNTRANS_DROP), 0);
	struct mg_result r = send_a(&g, 1000 + 50, setup_msg + 50, setup_len - 50);
	CHECK_EQ(r.verdict, MG_VERDICT_DROP);
	CHECK_EQ(r.reason, MG_R_ALG_OUT_OF_ORDER);
	CHECK_EQ(send_a(&g, 1000, setup_msg, 50).verdict, MG_VERDICT_HOLD);
	CHECK_EQ(send_a(&g, 1050, setup_msg + 50, setup_len - 50).verdict, MG_VERDICT_ACCEPT);
	CHECK(!has_bytes(olog.pay, olog.n, A));
	rig_down(&g);
}

TEST(alg_undecodable_message_dropped_or_passed_by_policy)
{
	CHECK_EQ(load_setup(), 0);
	/* cut the Setup short inside its UUIE and fix the TPKT length: a
	 * well-framed message whose content cannot be decoded */
	static uint8_t cut[2048];
	size_t n = setup_len - 60;
	memcpy(cut, setup_msg, n);
	cut[2] = (uint8_t)(n >> 8);
	cut[3] = (uint8_t)n;
	struct rig g;
	CHECK_EQ(rig_up(&g, MG_UNTRANS_DROP), 0);
	struct mg_result r = send_a(&g, 1000, cut, n);
	CHECK_EQ(r.verdict, MG_VERDICT_DROP);
	CHECK(r.reason == MG_R_ALG_Q931_BAD || r.reason == MG_R_ALG_H225_BAD || r.reason == MG_R_ALG_H245_BAD);
	CHECK_EQ(olog.n, 0);
	rig_down(&g);

	CHECK_EQ(rig_up(&g, MG_UNTRANS_PASS), 0);
	r = send_a(&g, 1000, cut, n);
	CHECK_EQ(r.verdict, MG_VERDICT_ACCEPT);
	const struct mg_stats *st = mg_engine_stats(g.e);
	CHECK(st->events[MG_R_ALG_Q931_BAD] + st->events[MG_R_ALG_H225_BAD] + st->events[MG_R_ALG_H245_BAD] >= 1);
	rig_down(&g);
}

TEST(alg_release_closes_pinholes_and_bindings)
{
	CHECK_EQ(load_setup(), 0);
	struct rig g;
	CHECK_EQ(rig_up(&g, MG_UNTRANS_DROP), 0);
	CHECK_EQ(send_a(&g, 1000, setup_msg, setup_len).verdict, MG_VERDICT_ACCEPT);
	CHECK(mg_engine_stats(g.e)->pinholes_active > 0);
	/* a minimal ReleaseComplete: TPKT, Q.931 (no UUIE), cause IE */
	uint8_t rel[] = {3, 0, 0, 13, 0x08, 0x02, 0x00, 0x01, 0x5A, 0x08, 0x02, 0x80, 0x90};
	uint32_t ref = (uint32_t)(setup_msg[5] << 8 | setup_msg[6]) | 0x8000u;
	rel[6] = (uint8_t)(ref >> 8);
	rel[7] = (uint8_t)ref;
	CHECK_EQ(send_a(&g, 1000 + (uint32_t)setup_len, rel, sizeof(rel)).verdict, MG_VERDICT_ACCEPT);
	const struct mg_stats *st = mg_engine_stats(g.e);
	CHECK_EQ(st->pinholes_active, 0);
	CHECK_EQ(st->calls_ended, 1);
	CHECK_EQ(st->bindings_active, 1); /* only the signalling flow's own */
	rig_down(&g);
}

TEST(alg_retransmission_with_other_bytes_cannot_leak)
{
	CHECK_EQ(load_setup(), 0);
	struct rig g;
	CHECK_EQ(rig_up(&g, MG_UNTRANS_DROP), 0);
	CHECK_EQ(send_a(&g, 1000, setup_msg, setup_len).verdict, MG_VERDICT_ACCEPT);
	/* "re-send" the first 120 bytes, but with the inside address planted
	 * where the original had none: the rewrite log cannot fix that */
	static uint8_t forged[2048];
	memcpy(forged, setup_msg, 120);
	uint32_t a = A;
	memcpy(forged + 40, &a, 4);
	struct mg_result r = send_a(&g, 1000, forged, 120);
	CHECK_EQ(r.verdict, MG_VERDICT_DROP);
	CHECK_EQ(r.reason, MG_R_ALG_UNTRANSLATED);
	/* an honest retransmission still passes, rewritten as before */
	CHECK_EQ(send_a(&g, 1000, setup_msg, 120).verdict, MG_VERDICT_ACCEPT);
	rig_down(&g);
}

struct remotes {
	int n, peer, any;
};

static void count_remote(void *ctx, const struct mg_pinhole_info *pi)
{
	struct remotes *r = ctx;
	if (pi->side != MG_SIDE_OUTSIDE)
		return;
	r->n++;
	r->peer += pi->remote == B;
	r->any += pi->remote == 0;
}

/* A Setup alone negotiates no outside media address: under negotiated
 * its pinholes admit the peer, as under peer. */
TEST(alg_pinholes_admit_the_peer_or_anyone_by_config)
{
	CHECK_EQ(load_setup(), 0);
	static const enum mg_media_source ms[] = {MG_MEDIA_PEER, MG_MEDIA_NEGOTIATED, MG_MEDIA_ANY};
	for (int k = 0; k < 3; k++) {
		struct rig g;
		rig_media_source = ms[k];
		int up = rig_up(&g, MG_UNTRANS_DROP);
		rig_media_source = MG_MEDIA_NEGOTIATED;
		CHECK_EQ(up, 0);
		CHECK_EQ(send_a(&g, 1000, setup_msg, setup_len).verdict, MG_VERDICT_ACCEPT);
		struct remotes r = {0, 0, 0};
		mg_engine_foreach_pinhole(g.e, count_remote, &r);
		CHECK(r.n >= 6);
		CHECK_EQ(ms[k] == MG_MEDIA_ANY ? r.any : r.peer, r.n);
		rig_down(&g);
	}
}
