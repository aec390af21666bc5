/* test_stream.c - signalling stream reassembly through the engine and the
 * H.323 ALG, on the real Setup of tests/fixtures/plain-default-inside.pcap:
 * what may pass before its message is complete (the never-rewritten prefix,
 * a bare TPKT header above all) and what must be held, retransmissions of
 * bytes that were passed, merged retransmissions, errors and time-outs after
 * a passed prefix.  The output is always compared with the Setup rewritten
 * in one piece. */
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

static uint8_t msg[2048];
static size_t msg_len;

/* The first TCP payload sent to port 1720 in the capture. */
static int load_msg(void)
{
	if (!msg_len)
		msg_len = tb_first_payload_to("tests/fixtures/plain-default-inside.pcap", 1720, msg, sizeof(msg));
	return msg_len ? 0 : -1;
}

/* What left the engine, in order: accepted segments and released ones. */
struct out {
	uint8_t pay[8192];
	size_t n;
	int packets, bad_csum;
};

static struct out out;

static void collect(const uint8_t *l3, size_t len)
{
	size_t ihl = (size_t)(l3[0] & 15) * 4, thl = (size_t)(l3[ihl + 12] >> 4) * 4;
	if (!tb_csum_ok(l3, len))
		out.bad_csum++;
	size_t pl = len - ihl - thl;
	if (pl <= sizeof(out.pay) - out.n) {
		memcpy(out.pay + out.n, l3 + ihl + thl, pl);
		out.n += pl;
	}
	out.packets++;
}

static void on_emit(void *ctx, const uint8_t *l3, uint32_t len, enum mg_side side, uint64_t now)
{
	collect(l3, len);
}

struct rig {
	struct mg_engine *e;
	struct mg_h323 *h;
	uint64_t now;
};

static int rig_up(struct rig *g)
{
	struct mg_config c;
	tb_lab_config(&c, P);
	char err[200];
	g->e = mg_engine_new(&c, 5, err, sizeof(err));
	if (!g->e)
		return -1;
	g->h = mg_h323_attach(g->e);
	memset(&out, 0, sizeof(out));
	mg_engine_set_emit(g->e, on_emit, NULL);
	g->now = 1000;
	uint8_t b[100];
	size_t n = tb_tcp(b, A, 12040, B, 1720, 0x02, 999, 0, NULL, 0);
	if (mg_engine_process(g->e, b, (uint32_t)n, MG_SIDE_INSIDE, g->now).verdict != MG_VERDICT_ACCEPT)
		return -1;
	n = tb_tcp(b, B, 1720, P, 12040, 0x12, 5000, 1000, NULL, 0);
	if (mg_engine_process(g->e, b, (uint32_t)n, MG_SIDE_OUTSIDE, g->now).verdict != MG_VERDICT_ACCEPT)
		return -1;
	n = tb_tcp(b, A, 12040, B, 1720, 0x10, 1000, 5001, NULL, 0);
	if (mg_engine_process(g->e, b, (uint32_t)n, MG_SIDE_INSIDE, g->now).verdict != MG_VERDICT_ACCEPT)
		return -1;
	return 0;
}

static void rig_down(struct rig *g)
{
	mg_engine_free(g->e);
	mg_h323_free(g->h);
}

/* One segment from A carrying stream bytes [off, off + len) of `data`
 * (stream offset 0 is sequence number 1000). */
static struct mg_result seg(struct rig *g, const uint8_t *data, size_t off, size_t len)
{
	static uint8_t b[4096];
	size_t n = tb_tcp(b, A, 12040, B, 1720, 0x18, 1000 + (uint32_t)off, 5001, data + off, len);
	struct mg_result r = mg_engine_process(g->e, b, (uint32_t)n, MG_SIDE_INSIDE, ++g->now);
	if (r.verdict == MG_VERDICT_ACCEPT)
		collect(b, n);
	return r;
}

static bool has_addr(const uint8_t *p, size_t n, uint32_t ip)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if (memcmp(p + i, &ip, 4) == 0)
			return true;
	return false;
}

/* The Setup as it leaves when sent in one segment. */
static uint8_t ref[2048];

static int make_ref(void)
{
	struct rig g;
	if (load_msg() != 0 || rig_up(&g) != 0)
		return -1;
	struct mg_result r = seg(&g, msg, 0, msg_len);
	int rc = r.verdict == MG_VERDICT_ACCEPT && out.n == msg_len ? 0 : -1;
	memcpy(ref, out.pay, msg_len);
	rig_down(&g);
	return rc;
}

TEST(stream_bare_tpkt_header_passes_at_once)
{
	CHECK_EQ(make_ref(), 0);
	CHECK(has_addr(msg, msg_len, A));
	CHECK(!has_addr(ref, msg_len, A));
	struct rig g;
	CHECK_EQ(rig_up(&g), 0);
	struct mg_result r = seg(&g, msg, 0, 4);
	CHECK_EQ(r.verdict, MG_VERDICT_ACCEPT); /* not held: the sender gets its ACK */
	CHECK_EQ(out.packets, 1);
	CHECK(memcmp(out.pay, msg, 4) == 0);
	r = seg(&g, msg, 4, msg_len - 4);
	CHECK_EQ(r.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(out.packets, 2);
	CHECK_EQ(out.n, msg_len);
	CHECK(memcmp(out.pay, ref, msg_len) == 0);
	CHECK_EQ(out.bad_csum, 0);
	const struct mg_stats *st = mg_engine_stats(g.e);
	CHECK_EQ(st->alg_rewrites, 7);
	CHECK_EQ(st->drops, 0);
	rig_down(&g);
}

/* Header alone, then the body split once more at every byte. */
TEST(stream_header_then_body_split_at_every_byte)
{
	CHECK_EQ(make_ref(), 0);
	struct rig g;
	for (size_t j = 5; j < msg_len; j++) {
		CHECK_EQ(rig_up(&g), 0);
		CHECK_EQ(seg(&g, msg, 0, 4).verdict, MG_VERDICT_ACCEPT);
		struct mg_result r = seg(&g, msg, 4, j - 4);
		CHECK_EQ(r.verdict, j <= MG_STREAM_SAFE_PREFIX ? MG_VERDICT_ACCEPT : MG_VERDICT_HOLD);
		CHECK_EQ(seg(&g, msg, j, msg_len - j).verdict, MG_VERDICT_ACCEPT);
		CHECK_EQ(out.packets, 3);
		CHECK_EQ(out.n, msg_len);
		CHECK(memcmp(out.pay, ref, msg_len) == 0);
		CHECK_EQ(out.bad_csum, 0);
		rig_down(&g);
	}
}

/* One byte per segment for the first ten: the first five pass, the rest are
 * held until the segment that completes the message. */
TEST(stream_dribbled_prefix)
{
	CHECK_EQ(make_ref(), 0);
	struct rig g;
	CHECK_EQ(rig_up(&g), 0);
	for (size_t i = 0; i < 10; i++) {
		struct mg_result r = seg(&g, msg, i, 1);
		CHECK_EQ(r.verdict, i < MG_STREAM_SAFE_PREFIX ? MG_VERDICT_ACCEPT : MG_VERDICT_HOLD);
	}
	CHECK_EQ(out.packets, (int)MG_STREAM_SAFE_PREFIX);
	CHECK_EQ(seg(&g, msg, 10, msg_len - 10).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(out.packets, 11);
	CHECK_EQ(out.n, msg_len);
	CHECK(memcmp(out.pay, ref, msg_len) == 0);
	rig_down(&g);
}

/* A complete message and the next one's header in one segment: nothing in
 * it can change any more, so it passes. */
TEST(stream_message_and_next_header_pass_together)
{
	CHECK_EQ(make_ref(), 0);
	static uint8_t two[4096];
	memcpy(two, msg, msg_len);
	memcpy(two + msg_len, msg, msg_len);
	struct rig g;
	CHECK_EQ(rig_up(&g), 0);
	CHECK_EQ(seg(&g, two, 0, msg_len + 4).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(seg(&g, two, msg_len + 4, msg_len - 4).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(out.packets, 2);
	CHECK_EQ(out.n, 2 * msg_len);
	CHECK(memcmp(out.pay, ref, msg_len) == 0);
	CHECK(memcmp(out.pay + msg_len, ref, msg_len) == 0);
	/* and a held segment that completes one message and carries only the
	 * next one's header is sent on with it */
	rig_down(&g);
	CHECK_EQ(rig_up(&g), 0);
	CHECK_EQ(seg(&g, two, 0, 100).verdict, MG_VERDICT_HOLD);
	CHECK_EQ(seg(&g, two, 100, msg_len - 100 + 4).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(out.packets, 2);
	CHECK_EQ(seg(&g, two, msg_len + 4, msg_len - 4).verdict, MG_VERDICT_ACCEPT);
	CHECK(memcmp(out.pay, ref, msg_len) == 0);
	CHECK(memcmp(out.pay + msg_len, ref, msg_len) == 0);
	rig_down(&g);
}

/* The receiver lost the passed header: the sender sends it again, alone or
 * merged with the body. */
TEST(stream_passed_header_retransmitted)
{
	CHECK_EQ(make_ref(), 0);
	struct rig g;
	CHECK_EQ(rig_up(&g), 0);
	CHECK_EQ(seg(&g, msg, 0, 4).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(seg(&g, msg, 0, 4).verdict, MG_VERDICT_ACCEPT);
	CHECK(memcmp(out.pay + 4, msg, 4) == 0);
	out.n = 0;
	out.packets = 0;
	struct mg_result r = seg(&g, msg, 0, msg_len);
	CHECK_EQ(r.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(out.n, msg_len);
	CHECK(memcmp(out.pay, ref, msg_len) == 0);
	CHECK_EQ(out.bad_csum, 0);
	/* and once more, all of it old now: the rewrites are applied again */
	out.n = 0;
	CHECK_EQ(seg(&g, msg, 0, msg_len).verdict, MG_VERDICT_ACCEPT);
	CHECK(memcmp(out.pay, ref, msg_len) == 0);
	rig_down(&g);
}

/* A retransmission that covers held bytes is refused; the segment that
 * completes the message still works afterwards. */
TEST(stream_retransmission_over_held_bytes_refused)
{
	CHECK_EQ(make_ref(), 0);
	struct rig g;
	CHECK_EQ(rig_up(&g), 0);
	CHECK_EQ(seg(&g, msg, 0, 4).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(seg(&g, msg, 4, 60).verdict, MG_VERDICT_HOLD);
	struct mg_result r = seg(&g, msg, 0, 64);
	CHECK_EQ(r.verdict, MG_VERDICT_DROP);
	CHECK_EQ(r.reason, MG_R_ALG_OUT_OF_ORDER);
	CHECK_EQ(seg(&g, msg, 0, 4).verdict, MG_VERDICT_ACCEPT); /* only passed bytes: fine */
	CHECK_EQ(seg(&g, msg, 64, msg_len - 64).verdict, MG_VERDICT_ACCEPT);
	CHECK(memcmp(out.pay, msg, 4) == 0);
	CHECK(memcmp(out.pay + 8, ref + 4, msg_len - 4) == 0);
	rig_down(&g);
}

/* An undecodable body after a passed header is dropped; the passed header
 * is remembered, so the corrected body is parsed with it. */
TEST(stream_bad_body_after_passed_header)
{
	CHECK_EQ(make_ref(), 0);
	/* the User-user IE claims more bytes than the message holds */
	static uint8_t bad[2048];
	memcpy(bad, msg, msg_len);
	uint8_t *uu = memchr(bad + 9, 0x7e, msg_len - 9);
	CHECK(uu != NULL && uu + 3 < bad + msg_len);
	uu[1] = uu[2] = 0xff;
	struct rig g;
	CHECK_EQ(rig_up(&g), 0);
	CHECK_EQ(seg(&g, msg, 0, 4).verdict, MG_VERDICT_ACCEPT);
	struct mg_result r = seg(&g, bad, 4, msg_len - 4);
	CHECK_EQ(r.verdict, MG_VERDICT_DROP);
	CHECK(r.reason != MG_R_NONE);
	CHECK_EQ(seg(&g, msg, 4, msg_len - 4).verdict, MG_VERDICT_ACCEPT);
	CHECK(memcmp(out.pay + 4, ref + 4, msg_len - 4) == 0);
	rig_down(&g);
}

/* Held too long after a passed header: the held bytes are discarded, the
 * header is kept, the retransmitted body completes the message. */
TEST(stream_hold_timeout_after_passed_header)
{
	CHECK_EQ(make_ref(), 0);
	struct rig g;
	CHECK_EQ(rig_up(&g), 0);
	CHECK_EQ(seg(&g, msg, 0, 4).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(seg(&g, msg, 4, 60).verdict, MG_VERDICT_HOLD);
	g.now += MG_HOLD_TIMEOUT_MS + 1500;
	mg_engine_expire(g.e, g.now);
	CHECK(mg_engine_stats(g.e)->events[MG_R_ALG_STREAM_OVERFLOW] >= 1);
	CHECK_EQ(out.packets, 1); /* the held part never left */
	CHECK_EQ(seg(&g, msg, 4, msg_len - 4).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(out.n, msg_len);
	CHECK(memcmp(out.pay, ref, msg_len) == 0);
	rig_down(&g);
}
