/* test_pool.c - the public address pool: take, release, references,
 * exhaustion, reuse oldest-freed first, checked against a naive model;
 * basic NAT on a lent address (port kept, whole port space); the
 * directory's pool hook (who asks, when references go). */
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/dir.h"
#include "core/engine.h"
#include "core/nat.h"
#include "core/pkt.h"
#include "core/pool.h"
#include "core/wheel.h"
#include "harness.h"
#include "pktbuild.h"

static uint32_t pool_ip(unsigned i)
{
	return tb_ip("198.19.0.10") + ((uint32_t)i << 24);
}

static uint32_t host_ip(unsigned i)
{
	return tb_ip("198.18.1.10") + ((uint32_t)i << 24);
}

static void mk_pool(struct mg_pool *p, unsigned n)
{
	uint32_t a[MG_CFG_MAX_POOL];
	for (unsigned i = 0; i < n; i++)
		a[i] = pool_ip(i);
	mg_pool_init(p, a, n);
}

TEST(pool_take_refcount_release)
{
	struct mg_pool p;
	mk_pool(&p, 2);
	uint32_t h1 = host_ip(0), h2 = host_ip(1), h3 = host_ip(2);
	CHECK_EQ(mg_pool_take(&p, h1), pool_ip(0));
	CHECK_EQ(mg_pool_take(&p, h1), pool_ip(0)); /* a second alias: same address */
	CHECK_EQ(mg_pool_refs(&p, h1), 2);
	CHECK_EQ(mg_pool_take(&p, h2), pool_ip(1));
	CHECK_EQ(mg_pool_of(&p, h2), pool_ip(1));
	CHECK_EQ(mg_pool_host(&p, pool_ip(0)), h1);
	CHECK_EQ(mg_pool_host(&p, tb_ip("198.19.0.1")), 0);
	/* exhausted: counted, nothing lent */
	CHECK_EQ(mg_pool_take(&p, h3), 0);
	CHECK_EQ(p.exhausted, 1);
	CHECK_EQ(mg_pool_of(&p, h3), 0);
	/* the first release of h1 keeps its address */
	CHECK(!mg_pool_release(&p, h1));
	CHECK_EQ(mg_pool_of(&p, h1), pool_ip(0));
	CHECK(mg_pool_release(&p, h1));
	CHECK_EQ(mg_pool_of(&p, h1), 0);
	CHECK_EQ(mg_pool_host(&p, pool_ip(0)), 0);
	CHECK(!mg_pool_release(&p, h1)); /* holds nothing any more */
	/* the next host gets the freed address */
	CHECK_EQ(mg_pool_take(&p, h3), pool_ip(0));
	CHECK_EQ(p.assigned, 3);
	CHECK_EQ(p.released, 1);
	CHECK_EQ(p.in_use, 2);
	mg_pool_free(&p);
}

TEST(pool_reuse_oldest_freed_first_and_empty_pool)
{
	struct mg_pool p;
	mk_pool(&p, 3);
	for (unsigned i = 0; i < 3; i++)
		CHECK_EQ(mg_pool_take(&p, host_ip(i)), pool_ip(i));
	CHECK(mg_pool_release(&p, host_ip(2)));
	CHECK(mg_pool_release(&p, host_ip(0)));
	/* .12 went back first, so it goes out first */
	CHECK_EQ(mg_pool_take(&p, host_ip(5)), pool_ip(2));
	CHECK_EQ(mg_pool_take(&p, host_ip(6)), pool_ip(0));
	mg_pool_free(&p);
	/* no pool at all: nothing lent, nothing counted */
	mg_pool_init(&p, NULL, 0);
	CHECK_EQ(mg_pool_take(&p, host_ip(0)), 0);
	CHECK_EQ(p.exhausted, 0);
	CHECK_EQ(mg_pool_take(&p, 0), 0);
}

/* Naive model: per host a count and an address; free addresses in a
 * queue. */
struct model {
	uint32_t host[16], refs[16], addr[16];
	uint32_t freeq[8];
	unsigned nfree;
	uint64_t exhausted;
};

static uint32_t model_take(struct model *m, unsigned h)
{
	if (m->refs[h]) {
		m->refs[h]++;
		return m->addr[h];
	}
	if (m->nfree == 0) {
		m->exhausted++;
		return 0;
	}
	m->addr[h] = m->freeq[0];
	memmove(m->freeq, m->freeq + 1, sizeof(uint32_t) * (m->nfree - 1));
	m->nfree--;
	m->refs[h] = 1;
	return m->addr[h];
}

static bool model_release(struct model *m, unsigned h)
{
	if (m->refs[h] == 0 || --m->refs[h] > 0)
		return false;
	m->freeq[m->nfree++] = m->addr[h];
	m->addr[h] = 0;
	return true;
}

TEST(pool_against_model)
{
	struct mg_pool p;
	struct model m;
	memset(&m, 0, sizeof(m));
	mk_pool(&p, 5);
	for (unsigned i = 0; i < 5; i++)
		m.freeq[m.nfree++] = pool_ip(i);
	uint64_t seed = 7;
	for (unsigned step = 0; step < 20000; step++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		unsigned h = (unsigned)(seed >> 33) % 16;
		bool take = (seed >> 20) & 1;
		if (take) {
			CHECK_EQ(mg_pool_take(&p, host_ip(h)), model_take(&m, h));
		} else {
			CHECK_EQ(mg_pool_release(&p, host_ip(h)), model_release(&m, h));
		}
		CHECK_EQ(mg_pool_of(&p, host_ip(h)), m.refs[h] ? m.addr[h] : 0);
		CHECK_EQ(mg_pool_refs(&p, host_ip(h)), m.refs[h]);
		if (t_failed_now())
			return;
	}
	CHECK_EQ(p.exhausted, m.exhausted);
	unsigned held = 0;
	for (unsigned h = 0; h < 16; h++) {
		held += m.refs[h] > 0;
		if (m.refs[h])
			CHECK_EQ(mg_pool_host(&p, m.addr[h]), host_ip(h));
	}
	CHECK_EQ(p.in_use, held);
}

/* ---- basic NAT on a lent address ---- */

TEST(pool_nat_keeps_port_on_lent_address)
{
	struct mg_config c;
	tb_lab_config(&c, tb_ip("198.19.0.1"));
	c.n_pool = 2;
	c.pool_addr[0] = pool_ip(0);
	c.pool_addr[1] = pool_ip(1);
	c.max_bindings = 64;
	c.port_lo = 20000;
	c.port_hi = 20100;
	struct mg_pool p;
	mg_pool_init(&p, c.pool_addr, c.n_pool);
	struct mg_nat n;
	uint64_t rng = 3;
	struct mg_sipkey k = {1, 2};
	CHECK_EQ(mg_nat_init(&n, &c, &k, &rng), 0);
	n.pool = &p;
	enum mg_reason why = MG_R_NONE;
	uint32_t a = host_ip(0), b = host_ip(1);
	/* before the lease: the shared address, a port of the range */
	uint32_t before = mg_nat_bind(&n, MG_PROTO_UDP, a, 5000, false, 0, &why);
	CHECK(before != MG_NIL);
	CHECK_EQ(n.b[before].pub_addr, tb_ip("198.19.0.1"));
	CHECK(n.b[before].pub_port >= 20000 && n.b[before].pub_port <= 20100);
	CHECK_EQ(mg_pool_take(&p, a), pool_ip(0));
	CHECK_EQ(mg_nat_public_for(&n, a), pool_ip(0));
	CHECK_EQ(mg_nat_public_for(&n, b), tb_ip("198.19.0.1"));
	/* an existing binding keeps its address */
	CHECK_EQ(mg_nat_bind(&n, MG_PROTO_UDP, a, 5000, false, 0, &why), before);
	CHECK_EQ(n.b[before].pub_addr, tb_ip("198.19.0.1"));
	/* new ones: the lent address, the inside port even outside `ports` */
	uint32_t t = mg_nat_bind(&n, MG_PROTO_TCP, a, 1720, false, 0, &why);
	CHECK(t != MG_NIL);
	CHECK_EQ(n.b[t].pub_addr, pool_ip(0));
	CHECK_EQ(n.b[t].pub_port, 1720);
	uint32_t r = mg_nat_bind(&n, MG_PROTO_UDP, a, 49152, true, 0, &why);
	CHECK(r != MG_NIL);
	CHECK_EQ(n.b[r].pub_port, 49152);
	CHECK_EQ(n.b[mg_nat_find_in(&n, MG_PROTO_UDP, a, 49153)].pub_port, 49153);
	CHECK_EQ(mg_nat_find_pub(&n, MG_PROTO_TCP, pool_ip(0), 1720), t);
	/* the lease ends, the binding stays; the next holder gets another port */
	CHECK(mg_pool_release(&p, a));
	CHECK_EQ(mg_pool_take(&p, b), pool_ip(1));
	CHECK(mg_pool_release(&p, b));
	CHECK_EQ(mg_pool_take(&p, b), pool_ip(0));
	uint32_t t2 = mg_nat_bind(&n, MG_PROTO_TCP, b, 1720, false, 0, &why);
	CHECK(t2 != MG_NIL);
	CHECK_EQ(n.b[t2].pub_addr, pool_ip(0));
	CHECK(n.b[t2].pub_port != 1720);
	CHECK(n.b[t2].pub_port >= 20000 && n.b[t2].pub_port <= 20100);
	mg_nat_free(&n);
}

/* ---- the directory's hook ---- */

struct hook_rig {
	struct mg_pool p;
	unsigned takes, releases;
};

static uint32_t h_take(void *ctx, uint32_t host)
{
	struct hook_rig *r = ctx;
	r->takes++;
	return mg_pool_take(&r->p, host);
}

static bool h_release(void *ctx, uint32_t host)
{
	struct hook_rig *r = ctx;
	r->releases++;
	return mg_pool_release(&r->p, host);
}

static const struct mg_dir_entry *entry(const struct mg_dir *d, const char *alias)
{
	return mg_dir_lookup(d, alias, MG_ALIAS_NAME, 1);
}

TEST(pool_dir_hook_refs_follow_entries)
{
	struct hook_rig r;
	memset(&r, 0, sizeof(r));
	mk_pool(&r.p, 1);
	struct mg_dir d;
	CHECK_EQ(mg_dir_init(&d, 16), 0);
	d.pool_hook = (struct mg_dir_pool_hook){h_take, h_release, &r};
	uint32_t a = host_ip(0), b = host_ip(1);
	/* a setup-learned alias asks for nothing */
	CHECK_EQ(mg_dir_learn(&d, "carol", MG_ALIAS_NAME, a, 1720, MG_DIR_SETUP, 1, 100000, false), MG_R_NONE);
	CHECK_EQ(r.takes, 0);
	CHECK_EQ(entry(&d, "carol")->pool_addr, 0);
	/* two ILS aliases of a: one address, two references */
	CHECK_EQ(mg_dir_learn(&d, "alice", MG_ALIAS_NAME, a, 1720, MG_DIR_ILS, 1, 5000, false), MG_R_NONE);
	CHECK_EQ(mg_dir_learn(&d, "alice@example.org", MG_ALIAS_EMAIL, a, 1720, MG_DIR_ILS, 1, 6000, false),
		 MG_R_NONE);
	CHECK_EQ(entry(&d, "alice")->pool_addr, pool_ip(0));
	CHECK_EQ(mg_pool_refs(&r.p, a), 2);
	/* a refresh holding one takes nothing more */
	CHECK_EQ(mg_dir_learn(&d, "alice", MG_ALIAS_NAME, a, 1720, MG_DIR_ILS, 2, 5000, false), MG_R_NONE);
	CHECK_EQ(mg_pool_refs(&r.p, a), 2);
	/* b (static, pool) finds the pool empty */
	struct mg_alias_cfg st = {.name = "bob", .type = MG_ALIAS_NAME, .addr = b, .port = 1720, .pool = true};
	CHECK_EQ(mg_dir_load_static(&d, &st, 1, 1), 0);
	CHECK_EQ(entry(&d, "bob")->pool_addr, 0);
	CHECK_EQ(r.p.exhausted, 1);
	/* forget one of a's: still held; expiry of the other frees it, and
	 * the waiting entry gets it at once */
	CHECK_EQ(mg_dir_forget(&d, "alice", MG_ALIAS_NAME, MG_DIR_ILS), 1);
	CHECK_EQ(mg_pool_of(&r.p, a), pool_ip(0));
	CHECK_EQ(mg_dir_expire(&d, 6000), 1);
	CHECK_EQ(mg_pool_of(&r.p, a), 0);
	CHECK_EQ(entry(&d, "bob")->pool_addr, pool_ip(0));
	CHECK_EQ(mg_pool_host(&r.p, pool_ip(0)), b);
	/* a reload without the pool word gives it back */
	st.pool = false;
	CHECK_EQ(mg_dir_load_static(&d, &st, 1, 7000), 0);
	CHECK_EQ(entry(&d, "bob")->pool_addr, 0);
	CHECK_EQ(r.p.in_use, 0);
	/* an ILS entry that moves to another host moves its reference */
	CHECK_EQ(mg_dir_learn(&d, "dave", MG_ALIAS_NAME, a, 1720, MG_DIR_ILS, 7000, 90000, false), MG_R_NONE);
	CHECK_EQ(mg_pool_of(&r.p, a), pool_ip(0));
	CHECK_EQ(mg_dir_learn(&d, "dave", MG_ALIAS_NAME, b, 1720, MG_DIR_ILS, 7001, 90000, false), MG_R_NONE);
	CHECK_EQ(mg_pool_of(&r.p, a), 0);
	CHECK_EQ(mg_pool_of(&r.p, b), pool_ip(0));
	CHECK_EQ(mg_pool_refs(&r.p, b), 1);
	/* forget_addr drops it */
	CHECK_EQ(mg_dir_forget_addr(&d, b, MG_DIR_ILS), 1);
	CHECK_EQ(r.p.in_use, 0);
	CHECK_EQ(r.takes, r.p.assigned + r.p.exhausted + 1); /* the second alias of a */
	mg_dir_free(&d);
}
