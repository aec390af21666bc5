/* test_frag.c - the fragment table (core/frag.c): completion, expiry,
 * the per-source cap and eviction of the oldest incomplete datagram, a
 * differential run against a deliberately naive reference, and a
 * first-fragment flood through the engine that must not stop legitimate
 * fragmented datagrams. */
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "core/frag.h"
#include "harness.h"
#include "pktbuild.h"
#include "util/siphash.h"

static const struct mg_sipkey key = {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};

/* A fragment descriptor as mg_pkt_parse leaves it: an IPv4 UDP fragment of
 * `len` data bytes at offset `off` of datagram `id` from src to dst. */
static struct mg_pkt frag(uint32_t src, uint32_t dst, uint32_t id, uint32_t off, uint32_t len, bool more)
{
	struct mg_pkt p;
	memset(&p, 0, sizeof(p));
	p.family = MG_AF_INET;
	p.proto = MG_PROTO_UDP;
	p.t.family = MG_AF_INET;
	p.t.proto = MG_PROTO_UDP;
	memcpy(p.t.src.b, &src, 4);
	memcpy(p.t.dst.b, &dst, 4);
	p.frag = off == 0 ? MG_FRAG_FIRST : MG_FRAG_LATER;
	p.frag_id = id;
	p.frag_off = off;
	p.frag_data = 20;
	p.frag_more = more;
	p.len = 20 + len;
	return p;
}

#define S1 tb_ip("198.19.0.20")
#define S2 tb_ip("198.19.0.21")
#define D tb_ip("198.19.0.1")
#define LONG 1000000000ull

static enum mg_reason note(struct mg_frag_tab *t, const struct mg_pkt *p, uint64_t now, uint32_t per_src)
{
	return mg_frag_note(t, p, 7, 99, 1, now + 30000, now, per_src);
}

static bool later(struct mg_frag_tab *t, uint32_t src, uint32_t id, uint32_t off, uint32_t len, bool more,
		  uint64_t now)
{
	struct mg_pkt p = frag(src, D, id, off, len, more);
	struct mg_frag_hit h;
	return mg_frag_later(t, &p, now, &h) && h.flow == 7 && h.flow_created == 99 && h.dir == 1;
}

TEST(frag_record_ends_when_datagram_complete)
{
	struct mg_frag_tab t;
	CHECK_EQ(mg_frag_init(&t, 16, &key), 0);
	struct mg_pkt p = frag(S1, D, 1, 0, 1480, true);
	CHECK_EQ(note(&t, &p, 0, 64), MG_R_NONE);
	CHECK_EQ(note(&t, &p, 0, 64), MG_R_NONE); /* the first fragment again */
	CHECK_EQ(mg_frag_active(&t), 1);
	CHECK_EQ(mg_frag_source_count(&t, MG_AF_INET, &p.t.src), 1);
	CHECK(later(&t, S1, 1, 1480, 1480, true, 1));
	CHECK(later(&t, S1, 1, 1480, 1480, true, 1)); /* a duplicate counts once */
	CHECK_EQ(mg_frag_active(&t), 1);
	CHECK(later(&t, S1, 1, 2960, 48, false, 2));
	CHECK_EQ(mg_frag_active(&t), 0);
	CHECK_EQ(mg_frag_source_count(&t, MG_AF_INET, &p.t.src), 0);
	CHECK(!later(&t, S1, 1, 2960, 48, false, 3)); /* nothing left to admit */
	mg_frag_free(&t);
}

TEST(frag_pieces_out_of_order_complete)
{
	struct mg_frag_tab t;
	CHECK_EQ(mg_frag_init(&t, 16, &key), 0);
	struct mg_pkt p = frag(S1, D, 2, 0, 800, true);
	CHECK_EQ(note(&t, &p, 0, 64), MG_R_NONE);
	CHECK(later(&t, S1, 2, 3200, 100, false, 1)); /* the last first */
	CHECK(later(&t, S1, 2, 2400, 800, true, 1));
	CHECK(later(&t, S1, 2, 1600, 800, true, 1));
	CHECK_EQ(mg_frag_active(&t), 1);
	CHECK(later(&t, S1, 2, 800, 800, true, 1)); /* closes the hole: complete */
	CHECK_EQ(mg_frag_active(&t), 0);
	mg_frag_free(&t);
}

TEST(frag_record_expires)
{
	struct mg_frag_tab t;
	CHECK_EQ(mg_frag_init(&t, 16, &key), 0);
	struct mg_pkt p = frag(S1, D, 3, 0, 1480, true);
	CHECK_EQ(note(&t, &p, 1000, 64), MG_R_NONE);
	CHECK(later(&t, S1, 3, 1480, 8, true, 30999));
	CHECK(!later(&t, S1, 3, 1488, 8, true, 31000));
	CHECK_EQ(mg_frag_active(&t), 0);
	mg_frag_free(&t);
}

TEST(frag_source_cap_evicts_that_sources_oldest)
{
	struct mg_frag_tab t;
	CHECK_EQ(mg_frag_init(&t, 64, &key), 0);
	struct mg_pkt other = frag(S2, D, 500, 0, 1480, true);
	CHECK_EQ(note(&t, &other, 0, 4), MG_R_NONE);
	for (uint32_t id = 1; id <= 4; id++) {
		struct mg_pkt p = frag(S1, D, id, 0, 1480, true);
		CHECK_EQ(note(&t, &p, id, 4), MG_R_NONE);
	}
	struct mg_pkt p = frag(S1, D, 5, 0, 1480, true);
	CHECK_EQ(note(&t, &p, 5, 4), MG_R_FRAG_SOURCE_LIMIT);
	CHECK_EQ(mg_frag_source_count(&t, MG_AF_INET, &p.t.src), 4);
	CHECK(!later(&t, S1, 1, 1480, 8, true, 6)); /* the oldest went */
	for (uint32_t id = 2; id <= 5; id++)
		CHECK(later(&t, S1, id, 1480, 8, true, 6));
	CHECK(later(&t, S2, 500, 1480, 8, true, 6)); /* another source keeps its own */
	/* a cap of one: each new datagram of the source replaces the last */
	p = frag(S2, D, 501, 0, 1480, true);
	CHECK_EQ(note(&t, &p, 7, 1), MG_R_FRAG_SOURCE_LIMIT);
	CHECK_EQ(mg_frag_source_count(&t, MG_AF_INET, &p.t.src), 1);
	CHECK(later(&t, S2, 501, 1480, 8, true, 8));
	mg_frag_free(&t);
}

TEST(frag_full_table_evicts_oldest)
{
	struct mg_frag_tab t;
	CHECK_EQ(mg_frag_init(&t, 8, &key), 0);
	for (uint32_t i = 0; i < 8; i++) {
		struct mg_pkt p = frag(S1 + (i << 24), D, i, 0, 1480, true);
		CHECK_EQ(note(&t, &p, i, 64), MG_R_NONE);
	}
	struct mg_pkt p = frag(S2, D, 100, 0, 1480, true);
	CHECK_EQ(note(&t, &p, 9, 64), MG_R_FRAG_TABLE_FULL);
	CHECK_EQ(mg_frag_active(&t), 8);
	CHECK(!later(&t, S1, 0, 1480, 8, true, 10));
	for (uint32_t i = 1; i < 8; i++)
		CHECK(later(&t, S1 + (i << 24), i, 1480, 8, true, 10));
	CHECK(later(&t, S2, 100, 1480, 8, true, 10));
	mg_frag_free(&t);
}

/* ---- differential: the table against a naive reference ---- */

#define REF_CAP 24
#define REF_LEN 64 /* every datagram: 4 fragments of 16 bytes */

struct ref_ent {
	bool used;
	uint32_t src, id;
	uint64_t born;
	uint8_t seen[REF_LEN];
	bool last;
};

static struct ref_ent ref[REF_CAP];
static uint64_t ref_clock;

static int ref_find(uint32_t src, uint32_t id)
{
	for (int i = 0; i < REF_CAP; i++)
		if (ref[i].used && ref[i].src == src && ref[i].id == id)
			return i;
	return -1;
}

static int ref_oldest(bool of_src, uint32_t src)
{
	int best = -1;
	for (int i = 0; i < REF_CAP; i++)
		if (ref[i].used && (!of_src || ref[i].src == src) && (best < 0 || ref[i].born < ref[best].born))
			best = i;
	return best;
}

static enum mg_reason ref_note(uint32_t src, uint32_t id, uint32_t per_src)
{
	if (ref_find(src, id) >= 0)
		return MG_R_NONE;
	enum mg_reason ev = MG_R_NONE;
	uint32_t n = 0, used = 0;
	for (int i = 0; i < REF_CAP; i++) {
		used += ref[i].used;
		n += ref[i].used && ref[i].src == src;
	}
	if (n >= per_src) {
		ref[ref_oldest(true, src)].used = false;
		ev = MG_R_FRAG_SOURCE_LIMIT;
	} else if (used == REF_CAP) {
		ref[ref_oldest(false, 0)].used = false;
		ev = MG_R_FRAG_TABLE_FULL;
	}
	for (int i = 0; i < REF_CAP; i++) {
		if (ref[i].used)
			continue;
		memset(&ref[i], 0, sizeof(ref[i]));
		ref[i].used = true;
		ref[i].src = src;
		ref[i].id = id;
		ref[i].born = ref_clock++;
		memset(ref[i].seen, 1, 16);
		break;
	}
	return ev;
}

static bool ref_later(uint32_t src, uint32_t id, uint32_t piece)
{
	int i = ref_find(src, id);
	if (i < 0)
		return false;
	memset(ref[i].seen + piece * 16, 1, 16);
	if (piece == 3)
		ref[i].last = true;
	bool all = ref[i].last;
	for (int b = 0; b < REF_LEN; b++)
		all = all && ref[i].seen[b];
	if (all)
		ref[i].used = false;
	return true;
}

TEST(frag_table_matches_naive_reference)
{
	struct mg_frag_tab t;
	CHECK_EQ(mg_frag_init(&t, REF_CAP, &key), 0);
	memset(ref, 0, sizeof(ref));
	ref_clock = 0;
	uint64_t rng = 12345;
	for (int step = 0; step < 200000; step++) {
		uint64_t r = mg_rand_next(&rng);
		uint32_t src = tb_ip("198.19.0.0") + (uint32_t)((r & 7) << 24);
		uint32_t id = (uint32_t)((r >> 3) % 40);
		uint32_t per_src = (uint32_t)(1 + ((r >> 20) % 10));
		if ((r >> 16) % 4 == 0) {
			struct mg_pkt p = frag(src, D, id, 0, 16, true);
			CHECK_EQ(note(&t, &p, 0, per_src), ref_note(src, id, per_src));
		} else {
			uint32_t piece = 1 + (uint32_t)((r >> 24) % 3);
			bool got = later(&t, src, id, piece * 16, 16, piece != 3, 0);
			CHECK_EQ(got, ref_later(src, id, piece));
		}
		uint32_t used = 0;
		for (int i = 0; i < REF_CAP; i++)
			used += ref[i].used;
		CHECK_EQ(mg_frag_active(&t), used);
	}
	mg_frag_free(&t);
}

/* ---- through the engine: a first-fragment flood ---- */

#define IN tb_ip("198.18.1.10")
#define PUB tb_ip("198.19.0.1")

static struct mg_engine *flood_engine(uint32_t max_frags, uint32_t per_src)
{
	struct mg_config c;
	tb_lab_config(&c, PUB);
	c.n_allow = 1;
	c.allow_set = true;
	c.allow[0] = (struct mg_allow){MG_PROTO_UDP, 5000, 5099};
	c.max_frags = max_frags;
	c.max_frags_per_src = per_src;
	char err[200];
	return mg_engine_new(&c, 9, err, sizeof(err));
}

/* One fragment from `src` to the public address, UDP ports of the flow. */
static size_t flood_pkt(uint8_t *b, uint32_t src, uint16_t sport, uint16_t dport, uint16_t id, bool more,
			uint16_t off8, size_t len)
{
	static uint8_t pay[1600];
	size_t n = tb_udp(b, src, sport, PUB, dport, pay, len);
	tb_set_frag(b, id, more, off8);
	return n;
}

/* Legitimate 3-fragment datagrams from S1 interleaved with a first-fragment
 * flood (never completed) from `flood_src`; returns how many legitimate
 * datagrams got all their fragments through. */
static int flood_run(struct mg_engine *e, uint32_t flood_src, uint16_t flood_sport, uint16_t flood_dport,
		     int floods_per_frag)
{
	uint8_t b[1600];
	int whole = 0;
	uint16_t fid = 1;
	for (int d = 0; d < 200; d++) {
		int ok = 0;
		for (int k = 0; k < 3; k++) {
			for (int f = 0; f < floods_per_frag; f++) {
				size_t n = flood_pkt(b, flood_src, flood_sport, flood_dport, (uint16_t)(30000 + fid++),
						     true, 0, 64);
				mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 2000 + (uint64_t)d);
			}
			/* 1480 + 1480 + 48 bytes of a 3000-byte UDP datagram */
			size_t n = k == 0 ? flood_pkt(b, S1, 5001, 5001, (uint16_t)d, true, 0, 1472)
				       : flood_pkt(b, S1, 5001, 5001, (uint16_t)d, k == 1, (uint16_t)(k * 185),
						   k == 1 ? 1472 : 40);
			ok += mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 2000 + (uint64_t)d).verdict ==
			      MG_VERDICT_ACCEPT;
		}
		whole += ok == 3;
	}
	return whole;
}

static bool open_flows(struct mg_engine *e)
{
	/* IN:5001 -> S1:5001 and IN:5002 -> S2:5002: replies may come back */
	uint8_t b[200];
	size_t n = tb_udp(b, IN, 5001, S1, 5001, "x", 1);
	if (mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1000).verdict != MG_VERDICT_ACCEPT ||
	    tb_sport(b) != 5001)
		return false;
	n = tb_udp(b, IN, 5002, S2, 5002, "x", 1);
	return mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1000).verdict == MG_VERDICT_ACCEPT &&
	       tb_sport(b) == 5002;
}

TEST(frag_flood_from_another_source_hits_its_cap)
{
	struct mg_engine *e = flood_engine(1024, 64);
	CHECK(e && open_flows(e));
	/* S2 floods through its own flow: 100 first fragments per legitimate one */
	CHECK_EQ(flood_run(e, S2, 5002, 5002, 100), 200);
	const struct mg_stats *st = mg_engine_stats(e);
	CHECK(st->events[MG_R_FRAG_SOURCE_LIMIT] > 50000);
	CHECK_EQ(st->events[MG_R_FRAG_TABLE_FULL], 0);
	CHECK(st->frags_active <= 64 + 1);
	mg_engine_free(e);
}

TEST(frag_flood_spoofing_the_peer_still_lets_its_datagrams_through)
{
	struct mg_engine *e = flood_engine(1024, 64);
	CHECK(e && open_flows(e));
	/* the flood claims S1's address and the legitimate flow's ports: the
	 * cap of 64 lets S1's datagrams through while fewer than 64 flood
	 * packets come between two of their fragments */
	CHECK_EQ(flood_run(e, S1, 5001, 5001, 20), 200);
	CHECK(mg_engine_stats(e)->events[MG_R_FRAG_SOURCE_LIMIT] > 10000);
	mg_engine_free(e);
	/* without a useful per-source cap, eviction of the oldest does it */
	e = flood_engine(1024, 100000);
	CHECK(e && open_flows(e));
	CHECK_EQ(flood_run(e, S1, 5001, 5001, 100), 200);
	const struct mg_stats *st = mg_engine_stats(e);
	CHECK(st->events[MG_R_FRAG_TABLE_FULL] > 50000);
	CHECK(st->frags_active >= 1023 && st->frags_active <= 1024);
	CHECK_EQ(st->dropped[MG_R_FRAG_NO_FIRST], 0);
	mg_engine_free(e);
}
