/* test_ct.c - the flow table against a deliberately naive reference: a flat
 * array searched linearly, under random inserts, lookups and removals. */
#include <stdlib.h>
#include <string.h>

#include "core/ct.h"
#include "harness.h"

#define REF_MAX 512

struct ref_ent {
	int used;
	struct mg_tuple k[2];
	uint32_t idx; /* what the table returned */
};

static struct mg_tuple rand_tuple(uint64_t *rng)
{
	struct mg_tuple t;
	memset(&t, 0, sizeof(t));
	uint64_t r = mg_rand_next(rng);
	/* a small space so that collisions and repeats happen */
	t.src.b[0] = 198;
	t.src.b[1] = 18;
	t.src.b[2] = 1;
	t.src.b[3] = (uint8_t)(r & 7);
	t.dst.b[0] = 198;
	t.dst.b[1] = 19;
	t.dst.b[3] = (uint8_t)((r >> 3) & 7);
	t.sport = (uint16_t)(1000 + ((r >> 6) & 15));
	t.dport = (uint16_t)(5000 + ((r >> 10) & 3));
	t.proto = (r >> 12) & 1 ? 6 : 17;
	t.family = 4;
	return t;
}

static int ref_find(struct ref_ent *ref, const struct mg_tuple *t, int *dir)
{
	for (int i = 0; i < REF_MAX; i++)
		for (int d = 0; d < 2 && ref[i].used; d++)
			if (memcmp(&ref[i].k[d], t, sizeof(*t)) == 0) {
				*dir = d;
				return i;
			}
	return -1;
}

TEST(ct_differential_random_ops)
{
	static struct ref_ent ref[REF_MAX];
	memset(ref, 0, sizeof(ref));
	struct mg_ct ct;
	struct mg_sipkey key = {1, 2};
	const uint32_t cap = 300; /* below REF_MAX: the table fills up */
	CHECK_EQ(mg_ct_init(&ct, cap, &key, 0), 0);
	uint64_t rng = 42;
	int nref = 0;
	for (int op = 0; op < 200000; op++) {
		uint64_t r = mg_rand_next(&rng) % 10;
		struct mg_tuple a = rand_tuple(&rng), b = rand_tuple(&rng);
		int rd, td;
		if (r < 4) { /* insert when neither key is known */
			if (ref_find(ref, &a, &rd) >= 0 || ref_find(ref, &b, &rd) >= 0 ||
			    memcmp(&a, &b, sizeof(a)) == 0)
				continue;
			uint32_t idx = mg_ct_insert(&ct, &a, &b, (uint64_t)op);
			if (nref >= (int)cap) {
				CHECK_EQ(idx, MG_NIL); /* full: refused */
				continue;
			}
			CHECK(idx != MG_NIL);
			int slot = 0;
			while (ref[slot].used)
				slot++;
			ref[slot] = (struct ref_ent){1, {a, b}, idx};
			nref++;
		} else if (r < 8) { /* lookup */
			int ri = ref_find(ref, &a, &rd);
			uint32_t ti = mg_ct_lookup(&ct, &a, &td);
			if (ri < 0) {
				CHECK_EQ(ti, MG_NIL);
			} else {
				CHECK_EQ(ti, ref[ri].idx);
				CHECK_EQ(td, rd);
			}
		} else { /* remove one */
			int ri = ref_find(ref, &a, &rd);
			if (ri < 0)
				continue;
			mg_ct_remove(&ct, ref[ri].idx);
			ref[ri].used = 0;
			nref--;
			CHECK_EQ(mg_ct_lookup(&ct, &a, &td), MG_NIL);
		}
		CHECK_EQ(ct.used, (uint32_t)nref);
	}
	mg_ct_free(&ct);
}

TEST(ct_full_table_keeps_existing_flows)
{
	struct mg_ct ct;
	struct mg_sipkey key = {7, 9};
	CHECK_EQ(mg_ct_init(&ct, 4, &key, 0), 0);
	uint64_t rng = 5;
	struct mg_tuple t[5][2];
	for (int i = 0; i < 5; i++) {
		t[i][0] = rand_tuple(&rng);
		t[i][0].sport = (uint16_t)(40000 + i);
		t[i][1] = t[i][0];
		t[i][1].dport = (uint16_t)(50000 + i);
	}
	for (int i = 0; i < 4; i++)
		CHECK(mg_ct_insert(&ct, &t[i][0], &t[i][1], 0) != MG_NIL);
	CHECK_EQ(mg_ct_insert(&ct, &t[4][0], &t[4][1], 0), MG_NIL);
	int d;
	for (int i = 0; i < 4; i++)
		CHECK(mg_ct_lookup(&ct, &t[i][1], &d) != MG_NIL && d == 1);
	mg_ct_free(&ct);
}
