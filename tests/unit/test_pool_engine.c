/* test_pool_engine.c - the public address pool in the engine: `alias ...
 * pool` hosts get an address at start, their outbound flows leave from it
 * with their own ports, TCP 1720/1503/1731 to it reach the host (1720 as
 * H.323 call signalling), other ports and an unlent address admit nothing;
 * a host that found the pool empty goes out through NAPT and gets the
 * address an entry gives back; show stats counters and events. */
#include <string.h>

#include "alg/h323.h"
#include "core/alg_api.h"
#include "core/dir.h"
#include "core/engine.h"
#include "harness.h"
#include "pktbuild.h"

#define P tb_ip("198.19.0.1")
#define Q0 tb_ip("198.19.0.10")
#define Q1 tb_ip("198.19.0.11")
#define Q2 tb_ip("198.19.0.12")
#define HA tb_ip("198.18.1.10")
#define HB tb_ip("198.18.1.11")
#define HC tb_ip("198.18.1.12")
#define HD tb_ip("198.18.1.13")
#define R tb_ip("198.19.0.20")

#define TH_SYN 0x02

static void alias(struct mg_config *c, const char *name, uint32_t addr, bool pool)
{
	struct mg_alias_cfg *a = &c->alias[c->n_alias++];
	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	a->type = MG_ALIAS_NAME;
	a->addr = addr;
	a->port = 1720;
	a->pool = pool;
	a->line = c->n_alias;
}

/* public P, pool .10-.11, three `alias ... pool` hosts, any outbound. */
static struct mg_config pool_cfg(void)
{
	struct mg_config c;
	tb_lab_config(&c, P);
	c.max_flows = c.max_bindings = c.max_pinholes = 256;
	c.n_allow = 1;
	c.allow[0] = (struct mg_allow){0, 0, 65535};
	c.allow_set = true;
	c.n_pool = 2;
	c.pool_addr[0] = Q0;
	c.pool_addr[1] = Q1;
	alias(&c, "alice", HA, true);
	alias(&c, "bob", HB, true);
	alias(&c, "carol", HC, true);
	return c;
}

struct rig {
	struct mg_engine *e;
	struct mg_h323 *h;
	uint64_t now;
};

static int rig_up(struct rig *g, const struct mg_config *c)
{
	char err[200];
	g->now = 1000;
	g->e = mg_engine_new(c, 5, err, sizeof(err));
	if (!g->e) {
		fprintf(stderr, "  engine: %s\n", err);
		return -1;
	}
	g->h = mg_h323_attach(g->e);
	return g->h ? 0 : -1;
}

static void rig_down(struct rig *g)
{
	mg_engine_free(g->e);
	mg_h323_free(g->h);
}

static struct mg_result feed(struct rig *g, uint8_t *b, size_t n, enum mg_side side)
{
	g->now += 10;
	return mg_engine_process(g->e, b, (uint32_t)n, side, g->now);
}

/* An outside SYN to dst:dport; returns the result, b holds the packet. */
static struct mg_result syn_in(struct rig *g, uint8_t *b, uint16_t sport, uint32_t dst, uint16_t dport)
{
	size_t n = tb_tcp(b, R, sport, dst, dport, TH_SYN, 100, 0, NULL, 0);
	return feed(g, b, n, MG_SIDE_OUTSIDE);
}

struct alg_seen {
	uint32_t host;
	uint16_t port;
	const char *alg;
};

static void flow_alg(void *ctx, const struct mg_flow_info *fi)
{
	struct alg_seen *s = ctx;
	if (fi->orig_side == MG_SIDE_OUTSIDE && fi->reply.src.w[0] == s->host && fi->reply.sport == s->port)
		s->alg = fi->alg;
}

TEST(pool_engine_hosts_get_addresses_at_start)
{
	struct rig g;
	struct mg_config c = pool_cfg();
	CHECK_EQ(rig_up(&g, &c), 0);
	if (t_failed_now())
		return;
	CHECK_EQ(mg_engine_public_for(g.e, HA), Q0);
	CHECK_EQ(mg_engine_public_for(g.e, HB), Q1);
	CHECK_EQ(mg_engine_public_for(g.e, HC), P); /* the pool was empty */
	const struct mg_stats *st = mg_engine_stats(g.e);
	CHECK_EQ(st->pool_addresses, 2);
	CHECK_EQ(st->pool_in_use, 2);
	CHECK_EQ(st->pool_assigned, 2);
	CHECK_EQ(st->pool_exhausted, 1);
	CHECK_EQ(st->events[MG_R_POOL_EXHAUSTED], 1);
	CHECK_EQ(st->events[MG_R_POOL_ASSIGNED], 2);
	const struct mg_dir_entry *en = mg_dir_lookup(mg_engine_dir(g.e), "alice", MG_ALIAS_NAME, 1);
	CHECK(en && en->pool_addr == Q0);
	en = mg_dir_lookup(mg_engine_dir(g.e), "carol", MG_ALIAS_NAME, 1);
	CHECK(en && en->pool_addr == 0);
	rig_down(&g);
}

TEST(pool_engine_outbound_leaves_from_the_lent_address)
{
	struct rig g;
	struct mg_config c = pool_cfg();
	CHECK_EQ(rig_up(&g, &c), 0);
	if (t_failed_now())
		return;
	uint8_t b[1500];
	size_t n = tb_udp(b, HA, 5004, R, 6000, (const uint8_t *)"x", 1);
	struct mg_result res = feed(&g, b, n, MG_SIDE_INSIDE);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_src(b), Q0);
	CHECK_EQ(tb_sport(b), 5004);
	CHECK(tb_csum_ok(b, n));
	/* a port below `ports` is kept too: the address is the host's */
	n = tb_tcp(b, HB, 389, R, 1720, TH_SYN, 1, 0, NULL, 0);
	res = feed(&g, b, n, MG_SIDE_INSIDE);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_src(b), Q1);
	CHECK_EQ(tb_sport(b), 389);
	/* the reply comes back to the host */
	n = tb_udp(b, R, 6000, Q0, 5004, (const uint8_t *)"y", 1);
	res = feed(&g, b, n, MG_SIDE_OUTSIDE);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_dst(b), HA);
	CHECK_EQ(tb_dport(b), 5004);
	/* the third host leaves through NAPT on the shared address */
	n = tb_tcp(b, HC, 40000, R, 1720, TH_SYN, 1, 0, NULL, 0);
	res = feed(&g, b, n, MG_SIDE_INSIDE);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_src(b), P);
	rig_down(&g);
}

TEST(pool_engine_netmeeting_ports_reach_the_host)
{
	struct rig g;
	struct mg_config c = pool_cfg();
	c.pool_addr[c.n_pool++] = Q2; /* nobody holds it */
	c.n_alias = 2;                /* alice and bob only */
	CHECK_EQ(rig_up(&g, &c), 0);
	if (t_failed_now())
		return;
	uint8_t b[1500];
	static const uint16_t ports[] = {1720, 1503, 1731};
	for (unsigned i = 0; i < 3; i++) {
		struct mg_result res = syn_in(&g, b, (uint16_t)(41000 + i), Q0, ports[i]);
		CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
		CHECK_EQ(res.out_side, MG_SIDE_INSIDE);
		CHECK_EQ(tb_dst(b), HA);
		CHECK_EQ(tb_dport(b), ports[i]);
		CHECK_EQ(tb_src(b), R);
		CHECK(tb_csum_ok(b, 40));
	}
	/* 1720 is call signalling for the H.323 ALG */
	struct alg_seen s = {HA, 1720, NULL};
	mg_engine_foreach_flow(g.e, flow_alg, &s);
	CHECK(s.alg != NULL && strcmp(s.alg, "h323-q931") == 0);
	/* the host answers from its pool address */
	size_t n = tb_tcp(b, HA, 1720, R, 41000, 0x12, 900, 101, NULL, 0);
	struct mg_result res = feed(&g, b, n, MG_SIDE_INSIDE);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_src(b), Q0);
	CHECK_EQ(tb_sport(b), 1720);
	/* bob on the other address */
	res = syn_in(&g, b, 42000, Q1, 1720);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_dst(b), HB);
	/* other ports, UDP, and an address nobody holds: nothing */
	res = syn_in(&g, b, 43000, Q0, 80);
	CHECK_EQ(res.verdict, MG_VERDICT_DROP);
	CHECK_EQ(res.reason, MG_R_INBOUND_NO_PINHOLE);
	n = tb_udp(b, R, 1720, Q0, 1720, (const uint8_t *)"x", 1);
	res = feed(&g, b, n, MG_SIDE_OUTSIDE);
	CHECK_EQ(res.verdict, MG_VERDICT_DROP);
	res = syn_in(&g, b, 43001, Q2, 1720);
	CHECK_EQ(res.verdict, MG_VERDICT_DROP);
	CHECK_EQ(res.reason, MG_R_INBOUND_NO_PINHOLE);
	/* the shared address does not forward these ports to a pool host */
	res = syn_in(&g, b, 43002, P, 1503);
	CHECK_EQ(res.verdict, MG_VERDICT_DROP);
	/* hairpin: an inside host calling alice's pool address */
	n = tb_tcp(b, HC, 33333, Q0, 1720, TH_SYN, 7, 0, NULL, 0);
	res = feed(&g, b, n, MG_SIDE_INSIDE);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(res.out_side, MG_SIDE_INSIDE);
	CHECK_EQ(tb_dst(b), HA);
	CHECK_EQ(tb_src(b), P);
	rig_down(&g);
}

TEST(pool_engine_freed_address_goes_to_the_waiting_host)
{
	struct rig g;
	struct mg_config c = pool_cfg();
	CHECK_EQ(rig_up(&g, &c), 0);
	if (t_failed_now())
		return;
	uint8_t b[1500];
	/* carol, waiting, speaks through NAPT */
	size_t n = tb_udp(b, HC, 7000, R, 7000, (const uint8_t *)"x", 1);
	struct mg_result res = feed(&g, b, n, MG_SIDE_INSIDE);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_src(b), P);
	uint16_t napt_port = tb_sport(b);
	/* alice's line goes (reload): her address passes to carol */
	struct mg_config c2 = c;
	c2.alias[0] = c2.alias[2];
	c2.n_alias = 2;
	char err[200];
	CHECK_EQ(mg_engine_reconfigure(g.e, &c2, err, sizeof(err)), 0);
	CHECK_EQ(mg_engine_public_for(g.e, HA), P);
	CHECK_EQ(mg_engine_public_for(g.e, HC), Q0);
	const struct mg_stats *st = mg_engine_stats(g.e);
	CHECK_EQ(st->pool_released, 1);
	CHECK_EQ(st->pool_assigned, 3);
	CHECK_EQ(st->pool_in_use, 2);
	CHECK_EQ(st->events[MG_R_POOL_RELEASED], 1);
	/* carol's old binding keeps the shared address; new ones take hers */
	n = tb_udp(b, HC, 7000, R, 7000, (const uint8_t *)"x", 1);
	res = feed(&g, b, n, MG_SIDE_INSIDE);
	CHECK_EQ(tb_src(b), P);
	CHECK_EQ(tb_sport(b), napt_port);
	n = tb_udp(b, HC, 7002, R, 7000, (const uint8_t *)"x", 1);
	res = feed(&g, b, n, MG_SIDE_INSIDE);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_src(b), Q0);
	CHECK_EQ(tb_sport(b), 7002);
	/* inbound 1720 to that address now reaches carol */
	res = syn_in(&g, b, 44000, Q0, 1720);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_dst(b), HC);
	/* an ILS registration finds the pool empty: counted, nothing else */
	CHECK_EQ(mg_dir_learn(mg_alg_dir(g.e), "dave", MG_ALIAS_NAME, HD, 1720, MG_DIR_ILS, g.now,
			      g.now + 60000, false),
		 MG_R_NONE);
	CHECK_EQ(mg_engine_public_for(g.e, HD), P);
	CHECK_EQ(mg_engine_stats(g.e)->pool_exhausted, 2);
	/* bob's line drops its pool word: dave (waiting) gets bob's address */
	c2.alias[1].pool = false;
	CHECK_EQ(mg_engine_reconfigure(g.e, &c2, err, sizeof(err)), 0);
	CHECK_EQ(mg_engine_public_for(g.e, HB), P);
	CHECK_EQ(mg_engine_public_for(g.e, HD), Q1);
	/* dave's registration expires: the address is free, nobody waits */
	mg_engine_expire(g.e, g.now + 61000);
	CHECK_EQ(mg_engine_public_for(g.e, HD), P);
	CHECK_EQ(mg_engine_stats(g.e)->pool_in_use, 1);
	/* a changed pool needs a restart */
	c2.n_pool = 1;
	CHECK(mg_engine_reconfigure(g.e, &c2, err, sizeof(err)) < 0);
	rig_down(&g);
}

TEST(pool_engine_without_pool_lines_counts_nothing)
{
	struct rig g;
	struct mg_config c = pool_cfg();
	c.n_pool = 0;
	CHECK_EQ(rig_up(&g, &c), 0);
	if (t_failed_now())
		return;
	CHECK_EQ(mg_engine_public_for(g.e, HA), P);
	const struct mg_stats *st = mg_engine_stats(g.e);
	CHECK_EQ(st->pool_exhausted, 0);
	CHECK_EQ(st->events[MG_R_POOL_EXHAUSTED], 0);
	uint8_t b[1500];
	struct mg_result res = syn_in(&g, b, 45000, Q0, 1720);
	CHECK_EQ(res.verdict, MG_VERDICT_DROP);
	rig_down(&g);
}

/* A pinhole the H.323 ALG opened on a host's pool address (for its media)
 * still admits its call's peer after the lease ended; a new connection to
 * 1720 there does not reach the old holder. */
TEST(pool_engine_pinhole_outlives_the_lease)
{
	struct rig g;
	struct mg_config c = pool_cfg();
	c.n_alias = 1; /* alice only */
	CHECK_EQ(rig_up(&g, &c), 0);
	if (t_failed_now())
		return;
	struct mg_expect x;
	memset(&x, 0, sizeof(x));
	x.proto = MG_PROTO_UDP;
	x.side = MG_SIDE_OUTSIDE;
	x.remote = R;
	x.dst_addr = Q0;
	x.dst_port = 5004;
	x.to_addr = HA;
	x.to_port = 5004;
	x.bind = MG_NIL;
	x.owner = 1;
	x.what = "rtp";
	CHECK(mg_alg_pinhole_open(g.e, &x, g.now + 300000) != MG_NIL);
	struct mg_config c2 = c;
	c2.n_alias = 0;
	char err[200];
	CHECK_EQ(mg_engine_reconfigure(g.e, &c2, err, sizeof(err)), 0);
	CHECK_EQ(mg_engine_public_for(g.e, HA), P);
	uint8_t b[1500];
	size_t n = tb_udp(b, R, 6000, Q0, 5004, (const uint8_t *)"m", 1);
	struct mg_result res = feed(&g, b, n, MG_SIDE_OUTSIDE);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_dst(b), HA);
	res = syn_in(&g, b, 46000, Q0, 1720);
	CHECK_EQ(res.verdict, MG_VERDICT_DROP);
	CHECK_EQ(res.reason, MG_R_INBOUND_NO_PINHOLE);
	rig_down(&g);
}
