/* test_expect.c - pinhole table: matching (exact remote before wildcard),
 * refresh instead of duplicate, close by owner, expiry. */
#include <string.h>

#include "core/expect.h"
#include "harness.h"
#include "pktbuild.h"

static struct mg_expect spec(uint32_t remote, uint16_t port, uint32_t owner)
{
	struct mg_expect x;
	memset(&x, 0, sizeof(x));
	x.proto = 17;
	x.side = 1;
	x.remote = remote;
	x.dst_addr = tb_ip("198.19.0.1");
	x.dst_port = port;
	x.to_addr = tb_ip("198.18.1.10");
	x.to_port = port;
	x.bind = MG_NIL;
	x.owner = owner;
	return x;
}

static int closed;
static void close_cb(void *ctx, uint32_t idx)
{
	mg_expect_del(ctx, idx);
	closed++;
}

TEST(expect_match_dedup_owner_close)
{
	struct mg_expect_tab t;
	struct mg_sipkey k = {5, 6};
	CHECK_EQ(mg_expect_init(&t, 8, &k, 0), 0);
	uint32_t r = tb_ip("198.19.0.20"), pub = tb_ip("198.19.0.1");
	int dup;
	struct mg_expect w = spec(0, 5000, 1), e = spec(r, 5000, 2);
	uint32_t iw = mg_expect_add(&t, &w, UINT64_MAX, &dup);
	CHECK_EQ(dup, 0);
	uint32_t ie = mg_expect_add(&t, &e, UINT64_MAX, &dup);
	CHECK(iw != MG_NIL && ie != MG_NIL);
	CHECK_EQ(mg_expect_match(&t, 17, 1, r, pub, 5000), ie);                    /* exact first */
	CHECK_EQ(mg_expect_match(&t, 17, 1, tb_ip("198.19.0.99"), pub, 5000), iw); /* wildcard */
	CHECK_EQ(mg_expect_match(&t, 17, 0, r, pub, 5000), MG_NIL);                /* other side */
	CHECK_EQ(mg_expect_match(&t, 6, 1, r, pub, 5000), MG_NIL);                 /* other proto */
	CHECK_EQ(mg_expect_add(&t, &e, UINT64_MAX, &dup), ie);
	CHECK_EQ(dup, 1);
	CHECK_EQ(t.used, 2);
	for (uint16_t p = 6000; p < 6006; p++) {
		struct mg_expect x = spec(r, p, 2);
		CHECK(mg_expect_add(&t, &x, UINT64_MAX, &dup) != MG_NIL);
	}
	struct mg_expect full = spec(r, 7000, 3);
	CHECK_EQ(mg_expect_add(&t, &full, UINT64_MAX, &dup), MG_NIL); /* 8 slots */
	closed = 0;
	mg_expect_foreach_owner(&t, 2, close_cb, &t);
	CHECK_EQ(closed, 7);
	CHECK_EQ(t.used, 1);
	CHECK_EQ(mg_expect_match(&t, 17, 1, r, pub, 5000), iw);
	mg_expect_free(&t);
}
