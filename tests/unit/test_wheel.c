/* test_wheel.c - timer wheel: due objects fire once, extended ones later,
 * shortened ones earlier, far deadlines past the horizon still fire. */
#include <string.h>

#include "core/wheel.h"
#include "harness.h"

struct obj {
	int fired;
	uint64_t fired_at;
	struct mg_tnode tn;
};

static struct obj objs[16];
static uint64_t fire_now;

static void fire(void *ctx, uint32_t idx)
{
	(void)ctx;
	objs[idx].fired++;
	objs[idx].fired_at = fire_now;
}

static void run(struct mg_wheel *w, uint64_t now)
{
	fire_now = now;
	mg_wheel_run(w, now, fire, NULL);
}

TEST(wheel_fire_extend_shorten_horizon)
{
	memset(objs, 0, sizeof(objs));
	struct mg_wheel w;
	CHECK_EQ(mg_wheel_init(&w, 8, 1000, objs, sizeof(struct obj), offsetof(struct obj, tn), 0), 0);
	for (int i = 0; i < 4; i++) {
		objs[i].tn.slot = MG_NIL;
		objs[i].tn.expire = (uint64_t)(i + 1) * 3000;
		mg_wheel_add(&w, (uint32_t)i);
	}
	objs[3].tn.expire = 100000; /* far past the 8 s horizon */
	for (uint64_t t = 0; t <= 2500; t += 100)
		run(&w, t);
	CHECK_EQ(objs[0].fired, 0);
	objs[0].tn.expire = 5000;   /* extended lazily */
	mg_wheel_update(&w, 2, 3500); /* shortened: 9000 -> 3500 */
	for (uint64_t t = 2600; t <= 4000; t += 100)
		run(&w, t);
	CHECK_EQ(objs[0].fired, 0);
	CHECK_EQ(objs[2].fired, 1);
	CHECK(objs[2].fired_at >= 3500 && objs[2].fired_at <= 4000);
	for (uint64_t t = 4100; t <= 7000; t += 100)
		run(&w, t);
	CHECK_EQ(objs[0].fired, 1);
	CHECK(objs[0].fired_at >= 5000 && objs[0].fired_at <= 6000);
	CHECK_EQ(objs[1].fired, 1);
	CHECK_EQ(objs[3].fired, 0);
	run(&w, 99000);
	CHECK_EQ(objs[3].fired, 0);
	run(&w, 101000); /* a long jump still reaches it */
	CHECK_EQ(objs[3].fired, 1);
	mg_wheel_del(&w, 0); /* deleting an unfiled node is harmless */
	mg_wheel_free(&w);
}
