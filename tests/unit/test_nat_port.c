/* test_nat_port.c - the port allocator, checked against a deliberately naive
 * reference that follows the search order of nat_port.h one port at a time. */
#include "harness.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/nat_port.h"
#include "util/siphash.h"

/* ---- the naive reference: a bool per port, linear walks ---- */

struct ref_map {
	bool used[65536];
	uint32_t n;
};

static bool ref_free_port(const struct ref_map *r, long p)
{
	return !r->used[p];
}

static void ref_mark(struct ref_map *r, long p)
{
	r->used[p] = true;
	r->n++;
}

static uint16_t ref_alloc(struct ref_map *r, uint16_t want, bool pair, uint16_t lo, uint16_t hi,
			  uint32_t rnd)
{
	long L = lo < 1 ? 1 : lo;
	long H = hi;
	if (L > H)
		return 0;
	if (!pair) {
		if (want >= L && want <= H && ref_free_port(r, want)) {
			ref_mark(r, want);
			return want;
		}
		long start = L + (long)(rnd % (uint32_t)(H - L + 1));
		for (int pass = 0; pass < 2; pass++) {
			long p = start;
			do {
				bool parity_ok = pass == 1 || (p % 2) == (want % 2);
				if (parity_ok && ref_free_port(r, p)) {
					ref_mark(r, p);
					return (uint16_t)p;
				}
				p = p == H ? L : p + 1;
			} while (p != start);
		}
		return 0;
	}
	long F = L, E = H - 1;
	if (F % 2)
		F++;
	if (E % 2)
		E--;
	if (F > E)
		return 0;
	if (want % 2 == 0 && want >= F && want <= E && ref_free_port(r, want) &&
	    ref_free_port(r, want + 1)) {
		ref_mark(r, want);
		ref_mark(r, want + 1);
		return want;
	}
	long ncand = (E - F) / 2 + 1;
	long start = F + 2 * (long)(rnd % (uint32_t)ncand);
	long p = start;
	do {
		if (ref_free_port(r, p) && ref_free_port(r, p + 1)) {
			ref_mark(r, p);
			ref_mark(r, p + 1);
			return (uint16_t)p;
		}
		p = p == E ? F : p + 2;
	} while (p != start);
	return 0;
}

static void ref_free(struct ref_map *r, uint16_t p)
{
	if (r->used[p]) {
		r->used[p] = false;
		r->n--;
	}
}

/* ---- helpers ---- */

static bool same_maps(const struct mg_portmap *m, const struct ref_map *r)
{
	if (m->used != r->n)
		return false;
	for (long p = 0; p < 65536; p++)
		if (mg_portmap_is_used(m, (uint16_t)p) != r->used[p])
			return false;
	return true;
}

static bool wide_ranges; /* pick_range: only a few wide ranges, so the map fills */

/* A range biased towards the edges: 0, 65535, tiny, lo == hi. */
static void pick_range(uint64_t *rng, uint16_t *lo, uint16_t *hi)
{
	static const uint16_t edges[] = {0, 1, 2, 1023, 1024, 65533, 65534, 65535};
	static const uint16_t wide[][2] = {{0, 65535}, {1024, 65535}, {1, 65534}, {999, 1128}};
	uint64_t x = mg_rand_next(rng);
	if (wide_ranges) {
		*lo = wide[x % 4][0];
		*hi = wide[x % 4][1];
		return;
	}
	uint16_t a, b;
	switch (x % 4) {
	case 0: /* whole space or an edge-anchored range */
		a = edges[(x >> 8) % 8];
		b = edges[(x >> 16) % 8];
		break;
	case 1: /* small range so it fills up */
		a = (uint16_t)((x >> 8) % 65536);
		b = (uint16_t)(a + (x >> 24) % 16);
		if (b < a)
			b = 65535;
		break;
	case 2: /* a single port */
		a = b = (uint16_t)((x >> 8) % 65536);
		break;
	default:
		a = (uint16_t)(x >> 8);
		b = (uint16_t)(x >> 24);
		break;
	}
	*lo = a;
	*hi = b; /* lo > hi is legal input: it allocates nothing */
}

/* The differential run: identical operations on both, identical answers. */
static struct mg_portmap diff_map;
static struct ref_map diff_ref;
static uint16_t diff_live[65536];

static void differential(uint64_t seed, long ops, uint32_t fill_pct)
{
	struct mg_portmap *m = &diff_map;
	struct ref_map *r = &diff_ref;
	uint16_t *live = diff_live;
	mg_portmap_init(m);
	memset(r, 0, sizeof(*r));
	long nlive = 0;
	uint64_t rng = seed;
	long allocs = 0, zeros = 0;
	uint32_t peak = 0;
	for (long i = 0; i < ops; i++) {
		uint64_t x = mg_rand_next(&rng);
		uint32_t pct = fill_pct;
		if (wide_ranges && m->used >= 65000)
			pct = 70; /* reach full, but keep freeing so walks stay varied */
		bool do_alloc = nlive == 0 || (x % 100) < pct;
		if (do_alloc) {
			uint16_t lo, hi;
			pick_range(&rng, &lo, &hi);
			uint64_t y = mg_rand_next(&rng);
			uint16_t want = (uint16_t)y;
			if ((y >> 16) % 4 == 0) /* often inside the range */
				want = (uint16_t)(lo + (y >> 20) % ((uint32_t)(hi >= lo ? hi - lo : 0) + 1));
			bool pair = ((y >> 40) % 3) == 0;
			uint32_t rnd = (uint32_t)mg_rand_next(&rng);
			uint16_t got = mg_portmap_alloc(m, want, pair, lo, hi, rnd);
			uint16_t exp = ref_alloc(r, want, pair, lo, hi, rnd);
			if (got != exp) {
				fprintf(stderr, "  op %ld: want %u pair %d [%u,%u] rnd %u: got %u ref %u\n", i,
					want, pair, lo, hi, rnd, got, exp);
				CHECK_EQ(got, exp);
			}
			allocs++;
			if (got == 0) {
				zeros++;
				continue;
			}
			CHECK(got >= lo && got <= hi && got != 0);
			live[nlive++] = got;
			if (pair) {
				CHECK(got % 2 == 0 && got < hi);
				live[nlive++] = (uint16_t)(got + 1);
			}
		} else {
			long k = (long)((x >> 8) % (uint64_t)nlive);
			uint16_t p = live[k];
			live[k] = live[--nlive];
			mg_portmap_free(m, p);
			ref_free(r, p);
		}
		CHECK_EQ(m->used, r->n);
		if (m->used > peak)
			peak = m->used;
		if (i % 4096 == 0)
			CHECK(same_maps(m, r));
	}
	CHECK(same_maps(m, r));
	CHECK(allocs > ops / 3);
	CHECK(zeros > 0); /* exhaustion was reached at least in small ranges */
	if (wide_ranges)
		CHECK_EQ(peak, 65535); /* every port but 0 was in use at some point */
	if (getenv("MG_TEST_VERBOSE"))
		fprintf(stderr, "  differential: %ld ops, %ld allocs, %ld exhausted, peak %u, %u in use\n",
			ops, allocs, zeros, peak, m->used);
}

TEST(nat_port_differential_balanced)
{
	wide_ranges = false;
	differential(1, 120000, 55);
}

TEST(nat_port_differential_wide_full)
{
	/* Wide ranges, more allocations than frees: the whole space fills up,
	 * walks run across long stretches of full words and wrap. */
	wide_ranges = true;
	differential(77, 200000, 80);
	wide_ranges = false;
}

TEST(nat_port_differential_filling)
{
	wide_ranges = false;
	/* Mostly allocations: the map fills and wide walks get long. */
	differential(0x5eed, 100000, 85);
}

/* ---- targeted cases ---- */

static struct mg_portmap tm;

TEST(nat_port_preserves_wanted_port)
{
	mg_portmap_init(&tm);
	CHECK_EQ(mg_portmap_alloc(&tm, 5060, false, 1024, 65535, 7), 5060);
	CHECK(mg_portmap_is_used(&tm, 5060));
	/* Taken: another port of the same parity. */
	uint16_t p = mg_portmap_alloc(&tm, 5060, false, 1024, 65535, 7);
	CHECK(p != 0 && p != 5060);
	CHECK_EQ(p % 2, 0);
	/* Outside the range: not preserved. */
	p = mg_portmap_alloc(&tm, 80, false, 1024, 65535, 7);
	CHECK(p >= 1024);
	CHECK_EQ(tm.used, 3);
}

TEST(nat_port_parity_falls_back)
{
	mg_portmap_init(&tm);
	CHECK(mg_portmap_take(&tm, 2000));
	CHECK(mg_portmap_take(&tm, 2002));
	/* Range 2000-2003: both even ports gone, an odd one is given. */
	uint16_t p = mg_portmap_alloc(&tm, 2000, false, 2000, 2003, 0);
	CHECK_EQ(p, 2001);
	CHECK_EQ(mg_portmap_alloc(&tm, 2000, false, 2000, 2003, 0), 2003);
	CHECK_EQ(mg_portmap_alloc(&tm, 2000, false, 2000, 2003, 0), 0);
	CHECK(!mg_portmap_take(&tm, 2001));
}

TEST(nat_port_zero_never_given)
{
	mg_portmap_init(&tm);
	CHECK_EQ(mg_portmap_alloc(&tm, 0, false, 0, 0, 0), 0);
	CHECK_EQ(mg_portmap_alloc(&tm, 0, false, 0, 1, 0), 1);
	CHECK_EQ(mg_portmap_alloc(&tm, 0, false, 0, 1, 5), 0);
	CHECK_EQ(mg_portmap_alloc(&tm, 0, true, 0, 1, 0), 0);
	CHECK(!mg_portmap_is_used(&tm, 0));
	CHECK_EQ(mg_portmap_alloc(&tm, 0, true, 0, 3, 0), 2);
	CHECK(!mg_portmap_is_used(&tm, 0));
}

TEST(nat_port_lo_equals_hi)
{
	mg_portmap_init(&tm);
	CHECK_EQ(mg_portmap_alloc(&tm, 1, false, 40000, 40000, 99), 40000);
	CHECK_EQ(mg_portmap_alloc(&tm, 1, false, 40000, 40000, 99), 0);
	CHECK_EQ(mg_portmap_alloc(&tm, 40000, true, 40000, 40000, 0), 0); /* no room for p+1 */
	CHECK_EQ(mg_portmap_alloc(&tm, 1, false, 40001, 40000, 0), 0);    /* lo > hi */
}

TEST(nat_port_pair_at_top_of_range)
{
	mg_portmap_init(&tm);
	CHECK_EQ(mg_portmap_alloc(&tm, 65534, true, 65534, 65535, 0), 65534);
	CHECK(mg_portmap_is_used(&tm, 65535));
	CHECK_EQ(mg_portmap_alloc(&tm, 65534, true, 65534, 65535, 0), 0);
	/* Odd hi: the last pair is hi-1, hi. */
	CHECK_EQ(mg_portmap_alloc(&tm, 1, true, 65000, 65001, 3), 65000);
	/* Even hi: hi itself cannot start a pair. */
	CHECK_EQ(mg_portmap_alloc(&tm, 1, true, 65003, 65004, 0), 0);
	mg_portmap_free(&tm, 65535);
	CHECK_EQ(tm.used, 3);
	CHECK_EQ(mg_portmap_alloc(&tm, 7, false, 65535, 65535, 0), 65535);
}

TEST(nat_port_exhaust_whole_space)
{
	mg_portmap_init(&tm);
	uint64_t rng = 42;
	for (long i = 0; i < 65535; i++) {
		uint16_t p = mg_portmap_alloc(&tm, (uint16_t)i, false, 0, 65535,
					      (uint32_t)mg_rand_next(&rng));
		CHECK(p != 0);
	}
	CHECK_EQ(tm.used, 65535);
	CHECK_EQ(mg_portmap_alloc(&tm, 1, false, 0, 65535, 12345), 0);
	CHECK_EQ(mg_portmap_alloc(&tm, 2, true, 0, 65535, 12345), 0);
	CHECK(!mg_portmap_is_used(&tm, 0));
	mg_portmap_free(&tm, 65535);
	CHECK_EQ(mg_portmap_alloc(&tm, 2, false, 0, 65535, 0), 65535);
	mg_portmap_free(&tm, 40000);
	mg_portmap_free(&tm, 40001);
	CHECK_EQ(mg_portmap_alloc(&tm, 3, true, 0, 65535, 0), 40000);
	CHECK_EQ(tm.used, 65535);
}

TEST(nat_port_pairs_fill_range)
{
	mg_portmap_init(&tm);
	uint64_t rng = 9;
	for (int i = 0; i < 50; i++) {
		uint16_t p = mg_portmap_alloc(&tm, 0, true, 10001, 10101, (uint32_t)mg_rand_next(&rng));
		CHECK(p >= 10002 && p <= 10100 && p % 2 == 0);
	}
	CHECK_EQ(mg_portmap_alloc(&tm, 0, true, 10001, 10101, 0), 0);
	/* The pair 10100/10101 took the top; only 10001 is left, for a single. */
	CHECK(mg_portmap_is_used(&tm, 10101));
	CHECK_EQ(mg_portmap_alloc(&tm, 10002, false, 10001, 10101, 0), 10001);
	CHECK_EQ(mg_portmap_alloc(&tm, 10001, false, 10001, 10101, 0), 0);
	CHECK_EQ(tm.used, 101);
}

TEST(nat_port_free_unused_is_noop)
{
	mg_portmap_init(&tm);
	mg_portmap_free(&tm, 1234);
	CHECK_EQ(tm.used, 0);
	CHECK(mg_portmap_take(&tm, 1234));
	mg_portmap_free(&tm, 1234);
	mg_portmap_free(&tm, 1234);
	CHECK_EQ(tm.used, 0);
}
