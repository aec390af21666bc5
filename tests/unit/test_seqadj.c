/* test_seqadj.c - sequence adjustment against a naive model.
 *
 * The model keeps the whole original stream, the edits and the translated
 * stream built by plain concatenation, and answers every question by brute
 * force over all positions.  The tables under test see random edits
 * (insertions, deletions, replacements), random segmentations of the
 * stream, retransmissions cut differently, segments in random order,
 * acknowledgements that let old edits be folded, and initial sequence
 * numbers just below 2^32 so that the stream wraps. */
#include <stdlib.h>

#include "core/csum.h"
#include "core/pkt.h"
#include "core/rewrite.h"
#include "core/seqadj.h"
#include "harness.h"
#include "pktbuild.h"

#define N 3000      /* original stream bytes */
#define MAXT (N + MG_SEQADJ_EDITS * 4 * MG_SEQADJ_BYTES)

struct model {
	uint32_t isn;
	uint8_t o[N];
	uint8_t t[MAXT];
	uint32_t tlen;
	int n;
	uint32_t pos[64], old[64], nw[64]; /* relative to isn */
	uint8_t b[64][MG_SEQADJ_BYTES];
	uint32_t fwd[N + 1]; /* translated offset of each boundary, or of the enclosing edit's start */
	uint8_t inside[N + 1];
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (uint32_t)(rng % n) : 0;
}

/* Random edits from `from` on (relative), at most k, in stream order. */
static void model_edits(struct model *m, uint32_t from, int k)
{
	uint32_t at = from;
	for (int i = 0; i < k && m->n < 64; i++) {
		at += rnd(120);
		uint32_t ol = rnd(4) == 0 ? 0 : 1 + rnd(12);
		uint32_t nl = rnd(5) == 0 ? 0 : rnd(MG_SEQADJ_BYTES + 1);
		if (ol == 0 && nl == 0)
			nl = 3;
		if (at + ol > N - 50)
			break;
		m->pos[m->n] = at;
		m->old[m->n] = ol;
		m->nw[m->n] = nl;
		for (uint32_t j = 0; j < nl; j++)
			m->b[m->n][j] = (uint8_t)(0xa0 + rnd(32));
		m->n++;
		at += ol;
	}
}

/* Build the translated stream and the position maps from the edits. */
static void model_build(struct model *m)
{
	uint32_t x = 0, t = 0, pinned = UINT32_MAX;
	memset(m->inside, 0, sizeof(m->inside));
	for (int i = 0; i <= m->n; i++) {
		uint32_t upto = i < m->n ? m->pos[i] : N;
		for (; x < upto; x++) {
			if (x != pinned) /* an edge at an edit's start stays there */
				m->fwd[x] = t;
			m->t[t++] = m->o[x];
		}
		if (i == m->n)
			break;
		if (x != pinned)
			m->fwd[x] = t; /* the edit's start */
		pinned = x;
		uint32_t tpos = t;
		memcpy(m->t + t, m->b[i], m->nw[i]);
		t += m->nw[i];
		for (uint32_t y = x + 1; y < x + m->old[i]; y++) {
			m->fwd[y] = tpos;
			m->inside[y] = 1;
		}
		x += m->old[i];
	}
	m->fwd[N] = t;
	m->tlen = t;
}

static void model_init(struct model *m, uint32_t isn)
{
	memset(m, 0, sizeof(*m));
	m->isn = isn;
	for (int i = 0; i < N; i++)
		m->o[i] = (uint8_t)rnd(256);
}

static int add_all(struct mg_seqadj_dir *d, const struct model *m, int from)
{
	for (int i = from; i < m->n; i++)
		if (mg_seqadj_add(d, m->isn + m->pos[i], m->old[i], m->b[i], m->nw[i]) != MG_R_NONE)
			return i;
	return m->n;
}

/* Render original [s, e) and compare with the model. */
static int check_segment(const struct mg_seqadj_dir *d, const struct model *m, uint32_t s, uint32_t e)
{
	uint8_t out[N + 64 * MG_SEQADJ_BYTES];
	uint32_t tseq;
	uint32_t n = mg_seqadj_render(d, m->isn + s, m->o + s, e - s, out, sizeof(out), &tseq);
	if (n == UINT32_MAX)
		return 1;
	uint32_t lo = tseq - m->isn; /* translated and original streams share the ISN */
	if (lo != m->fwd[s])
		return 2;
	if (n > 0 && lo + n != m->fwd[e])
		return 3;
	if (n == 0 && m->fwd[e] != lo && !(m->inside[e] || m->fwd[e] == lo))
		return 4;
	if (memcmp(out, m->t + lo, n) != 0)
		return 5;
	/* touches: exactly when the bytes differ from a plain shift */
	bool plain = n == e - s && memcmp(out, m->o + s, n) == 0 && lo + n == m->fwd[e];
	if (!plain && !mg_seqadj_touches(d, m->isn + s, e - s))
		return 6;
	return 0;
}

/* The receiver's ACK t (translated, relative): the last boundary whose
 * translation lies at or before t. */
static uint32_t model_ack(const struct model *m, uint32_t t)
{
	uint32_t best = 0;
	for (uint32_t x = 0; x <= N; x++)
		if (!m->inside[x] && m->fwd[x] <= t)
			best = x;
	return best;
}

static void run_stream(uint32_t isn, int edits_first, int edits_later)
{
	static struct model m;
	struct mg_seqadj_dir d;
	model_init(&m, isn);
	model_edits(&m, 10, edits_first);
	mg_seqadj_init(&d);
	model_build(&m);
	CHECK_EQ(add_all(&d, &m, 0), m.n);

	/* a random segmentation covering the stream renders it exactly */
	static uint8_t all[MAXT];
	uint32_t got = 0, s = 0;
	while (s < N) {
		uint32_t e = s + 1 + rnd(200);
		if (e > N)
			e = N;
		uint8_t out[200 + 64 * MG_SEQADJ_BYTES];
		uint32_t tseq;
		uint32_t n = mg_seqadj_render(&d, isn + s, m.o + s, e - s, out, sizeof(out), &tseq);
		CHECK(n != UINT32_MAX);
		CHECK_EQ(tseq - isn, got); /* contiguous in translated space */
		memcpy(all + got, out, n);
		got += n;
		s = e;
	}
	CHECK_EQ(got, m.tlen);
	CHECK(memcmp(all, m.t, m.tlen) == 0);

	/* retransmissions cut anywhere, in any order */
	for (int k = 0; k < 400; k++) {
		uint32_t a = rnd(N), b = a + rnd(300);
		if (b > N)
			b = N;
		CHECK_EQ(check_segment(&d, &m, a, b), 0);
	}
	/* every ACK and SACK edge the receiver can send */
	for (uint32_t t = 0; t <= m.tlen; t++) {
		uint32_t down = mg_seqadj_back(&d, isn + t, false) - isn;
		CHECK_EQ(down, model_ack(&m, t));
		uint32_t up = mg_seqadj_back(&d, isn + t, true) - isn;
		/* a left edge never claims an original byte the receiver does not
		 * hold: everything from `up` on is translated at t or later */
		CHECK(up >= down);
		CHECK(up == N || m.fwd[up] >= t || m.inside[up] == 0);
		for (uint32_t y = up; y < N && y < up + 40; y++)
			if (!m.inside[y] && y > up)
				CHECK(m.fwd[y] >= t);
	}
	/* the receiver acknowledges half the stream; more edits come, more
	 * than the table holds unless old ones fold */
	uint32_t half = model_ack(&m, m.tlen / 2);
	mg_seqadj_acked(&d, isn + half);
	int before = m.n;
	uint32_t last_end = m.n ? m.pos[m.n - 1] + m.old[m.n - 1] : 0;
	model_edits(&m, last_end > half ? last_end : half, edits_later);
	model_build(&m);
	int added = add_all(&d, &m, before);
	/* edits before `half` folded: only the unacknowledged ones count */
	int live = 0;
	for (int i = 0; i < m.n; i++)
		live += m.pos[i] + m.old[i] > half || m.pos[i] >= half;
	if (live <= MG_SEQADJ_EDITS)
		CHECK_EQ(added, m.n);
	else
		CHECK_EQ(mg_seqadj_add(&d, isn + m.pos[added], m.old[added], m.b[added], m.nw[added]),
			 MG_R_SEQADJ_FULL);
	m.n = added;
	model_build(&m);
	for (int k = 0; k < 400; k++) {
		uint32_t a = half + rnd(N - half), b = a + rnd(300);
		if (b > N)
			b = N;
		CHECK_EQ(check_segment(&d, &m, a, b), 0);
	}
	/* a stale segment (wholly acknowledged) still lands before the ACK */
	for (int k = 0; k < 50; k++) {
		uint32_t a = rnd(half), b = a + rnd(half - a + 1);
		uint8_t out[N + 64 * MG_SEQADJ_BYTES];
		uint32_t tseq;
		uint32_t n = mg_seqadj_render(&d, isn + a, m.o + a, b - a, out, sizeof(out), &tseq);
		CHECK(n != UINT32_MAX);
		CHECK((int32_t)(tseq + n - (isn + m.fwd[half])) <= 0);
	}
}

TEST(seqadj_matches_the_model_random_streams)
{
	for (int round = 0; round < 30 && !t_failed_now(); round++)
		run_stream((uint32_t)rng, 2 + (int)rnd(12), (int)rnd(20));
}

TEST(seqadj_matches_the_model_across_sequence_wrap)
{
	/* the stream crosses 2^32 somewhere in its first half */
	for (int round = 0; round < 30 && !t_failed_now(); round++)
		run_stream(0xffffffffu - rnd(N / 2), 2 + (int)rnd(12), (int)rnd(20));
}

TEST(seqadj_refuses_out_of_order_long_and_full)
{
	struct mg_seqadj_dir d;
	uint8_t b[MG_SEQADJ_BYTES + 1] = {0};
	mg_seqadj_init(&d);
	CHECK_EQ(mg_seqadj_add(&d, 100, 4, b, 6), MG_R_NONE);
	CHECK_EQ(mg_seqadj_add(&d, 100, 4, b, 6), MG_R_NONE); /* the same edit again */
	CHECK_EQ(mg_seqadj_add(&d, 102, 1, b, 2), MG_R_SEQADJ_ORDER);
	CHECK_EQ(mg_seqadj_add(&d, 200, 1, b, MG_SEQADJ_BYTES + 1), MG_R_SEQADJ_LONG);
	for (uint32_t i = 1; i < MG_SEQADJ_EDITS; i++)
		CHECK_EQ(mg_seqadj_add(&d, 100 + i * 10, 1, b, 2), MG_R_NONE);
	CHECK_EQ(mg_seqadj_add(&d, 1000, 1, b, 2), MG_R_SEQADJ_FULL);
	/* nothing acknowledged past the first edit: still full */
	mg_seqadj_acked(&d, 103);
	CHECK_EQ(mg_seqadj_add(&d, 1000, 1, b, 2), MG_R_SEQADJ_FULL);
	mg_seqadj_acked(&d, 115);
	CHECK_EQ(mg_seqadj_add(&d, 1000, 1, b, 2), MG_R_NONE);
	/* the folded edit's offset (+2) and the next one's (+1) still apply */
	CHECK_EQ(mg_seqadj_fwd(&d, 120), 123u);
}

/* A segment carrying an edit leaves as rebuilt segments: each within the
 * receiver's MSS, contiguous, with right checksums and the model's bytes. */
TEST(seqadj_rebuild_splits_at_mss_with_right_checksums)
{
	static struct model m;
	for (int round = 0; round < 40 && !t_failed_now(); round++) {
		model_init(&m, 0xfffffff0u - rnd(4000));
		model_edits(&m, 5, 3 + (int)rnd(8));
		model_build(&m);
		struct mg_seqadj_dir d;
		mg_seqadj_init(&d);
		CHECK_EQ(add_all(&d, &m, 0), m.n);
		uint32_t s = rnd(N / 2), e = s + 1 + rnd(1400);
		static uint8_t pkt[2000], out[8 * 2000], scratch[4000];
		size_t len = tb_tcp(pkt, tb_ip("198.18.1.10"), 40000, tb_ip("198.19.0.20"), 389,
				    MG_TH_ACK | MG_TH_PSH, m.isn + s, 777, m.o + s, e - s);
		struct mg_pkt p;
		CHECK_EQ(mg_pkt_parse(&p, pkt, (uint32_t)len), MG_R_NONE);
		uint32_t mss = 300 + rnd(1200), off[8], ln[8];
		int n = mg_rw_tcp_rebuild(&p, &d, mss, out, sizeof(out), off, ln, 8, scratch, sizeof(scratch));
		CHECK(n >= 0);
		uint32_t next = m.fwd[s], total = 0;
		for (int i = 0; i < n; i++) {
			struct mg_pkt q;
			CHECK_EQ(mg_pkt_parse(&q, out + off[i], ln[i]), MG_R_NONE);
			CHECK(tb_csum_ok(out + off[i], ln[i]));
			CHECK(q.paylen <= mss);
			CHECK_EQ(q.seq - m.isn, next);
			CHECK(memcmp(q.l3 + q.payoff, m.t + next, q.paylen) == 0);
			CHECK_EQ((q.tcp_flags & MG_TH_PSH) != 0, i == n - 1);
			CHECK_EQ(q.ack, 777u);
			next += q.paylen;
			total += q.paylen;
		}
		if (n > 0)
			CHECK_EQ(next, m.fwd[e]);
	}
}

/* ACKs and SACK blocks from the receiver are mapped back in place, with
 * the checksum carried along (right stays right). */
TEST(seqadj_ack_and_sack_mapped_back_in_place)
{
	struct mg_seqadj_dir d;
	mg_seqadj_init(&d);
	uint8_t nb[8] = "12345678";
	CHECK_EQ(mg_seqadj_add(&d, 1000, 9, nb, 8), MG_R_NONE); /* -1 from 1009 on */
	CHECK_EQ(mg_seqadj_add(&d, 2000, 0, nb, 4), MG_R_NONE); /* +3 from 2000 on */
	uint8_t pkt[100];
	size_t len = tb_tcp(pkt, tb_ip("198.19.0.20"), 389, tb_ip("198.18.1.10"), 40000, MG_TH_ACK, 5, 0, NULL, 0);
	/* add a SACK option: NOP NOP SACK(10) [1500, 2010) */
	memmove(pkt + 52, pkt + 40, len - 40);
	uint8_t opt[12] = {1, 1, 5, 10, 0, 0, 0x05, 0xdc, 0, 0, 0x07, 0xd1};
	memcpy(pkt + 40, opt, 12);
	pkt[32] = 8 << 4;
	pkt[3] = (uint8_t)(len + 12);
	/* ack 2103 translated = 2100 original */
	pkt[28] = 0;
	pkt[29] = 0;
	pkt[30] = 0x08;
	pkt[31] = 0x37;
	/* checksums for the edited test packet, from scratch */
	struct mg_pkt p;
	mg_wr16(pkt + 10, 0);
	mg_wr16(pkt + 10, mg_csum_fold(mg_csum_add(0, pkt, 20)));
	mg_wr16(pkt + 36, 0);
	uint8_t ph[4] = {0, 6, 0, 32};
	mg_wr16(pkt + 36, mg_csum_fold(mg_csum_add(mg_csum_add(mg_csum_add(0, pkt + 12, 8), ph, 4), pkt + 20, 32)));
	CHECK(tb_csum_ok(pkt, 52));
	CHECK_EQ(mg_pkt_parse(&p, pkt, 52), MG_R_NONE);
	mg_rw_tcp_ack(&p, &d);
	CHECK_EQ(mg_rd32(pkt + 28), 2100u);
	CHECK_EQ(p.ack, 2100u);
	CHECK_EQ(mg_rd32(pkt + 44), 1501u); /* 1500 translated: 1501 original */
	CHECK_EQ(mg_rd32(pkt + 48), 2000u); /* 2001 translated is inside the insertion: its start */
	CHECK(tb_csum_ok(pkt, 52));
	CHECK(p.changed & MG_RW_HDR);
	/* and forward again, as replay plays a peer that never saw the edits */
	mg_rw_tcp_ack_fwd(&p, &d);
	CHECK_EQ(mg_rd32(pkt + 28), 2103u);
	CHECK(tb_csum_ok(pkt, 52));
}
