/* test_dir_engine.c - the directory in the engine: `alias` lines loaded at
 * start and on reload, learning from an inside host's outbound Setup
 * (h323_alias.c) and not from an inbound one, a learned alias a static line
 * holds for another host, the port a Setup names, expiry on the engine's
 * clock, and the counters of `show stats`. */
#include <stdlib.h>
#include <string.h>

#include "alg/h323.h"
#include "core/alg_api.h"
#include "core/dir.h"
#include "core/engine.h"
#include "harness.h"
#include "meetcall/mc_msg.h"
#include "pktbuild.h"

#define A tb_ip("198.18.1.10")
#define A2 tb_ip("198.18.1.11")
#define B tb_ip("198.19.0.20")
#define P tb_ip("198.19.0.1")

#define TH_SYN 0x02
#define TH_PSH 0x08
#define TH_ACK 0x10

struct rig {
	struct mg_engine *e;
	struct mg_h323 *h;
	uint64_t now;
};

static struct mg_result feed(struct rig *g, uint8_t *b, size_t n, enum mg_side side)
{
	g->now += 10;
	return mg_engine_process(g->e, b, (uint32_t)n, side, g->now);
}

static struct mg_config lab_cfg(void)
{
	struct mg_config c;
	tb_lab_config(&c, P);
	return c;
}

static int rig_up(struct rig *g, const struct mg_config *c)
{
	char err[200];
	g->now = 1000;
	g->e = mg_engine_new(c, 9, err, sizeof(err));
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

/* A Setup whose sourceAddress is the h323-ID `alias` and whose
 * sourceCallSignalAddress is sig:sig_port. */
static size_t setup_msg(uint8_t *buf, size_t cap, const char *alias, uint32_t sig, uint16_t sig_port,
			uint8_t guid)
{
	struct mg_mc_h225 m;
	memset(&m, 0, sizeof(m));
	m.body = MG_H225_SETUP;
	m.call_ref = guid;
	memset(m.call_id, guid, 16);
	memset(m.conf_id, guid, 16);
	m.src_alias = alias;
	m.dst_alias = "200";
	memcpy(m.src_sig.ip, &sig, 4);
	m.src_sig.port = sig_port;
	uint32_t b = B;
	memcpy(m.dst_sig.ip, &b, 4);
	m.dst_sig.port = 1720;
	m.tunneling = true;
	return mg_mc_enc_h225(&m, buf, cap);
}

/* A connection from inside host `in`:sport to B:1720 and a Setup on it. */
static struct mg_result outbound_setup(struct rig *g, uint32_t in, uint16_t sport, const char *alias,
				       uint16_t sig_port, uint8_t guid)
{
	static uint8_t b[2000];
	uint8_t m[600];
	size_t n = setup_msg(m, sizeof(m), alias, in, sig_port, guid);
	uint32_t isn = 1000u * guid, pisn = 7000u * guid;
	size_t len = tb_tcp(b, in, sport, B, 1720, TH_SYN, isn, 0, NULL, 0);
	struct mg_result r = feed(g, b, len, MG_SIDE_INSIDE);
	if (r.verdict != MG_VERDICT_ACCEPT)
		return r;
	uint32_t pub = tb_src(b);
	uint16_t pport = tb_sport(b);
	len = tb_tcp(b, B, 1720, pub, pport, TH_SYN | TH_ACK, pisn, isn + 1, NULL, 0);
	r = feed(g, b, len, MG_SIDE_OUTSIDE);
	if (r.verdict != MG_VERDICT_ACCEPT)
		return r;
	len = tb_tcp(b, in, sport, B, 1720, TH_ACK, isn + 1, pisn + 1, NULL, 0);
	r = feed(g, b, len, MG_SIDE_INSIDE);
	if (r.verdict != MG_VERDICT_ACCEPT)
		return r;
	len = tb_tcp(b, in, sport, B, 1720, TH_PSH | TH_ACK, isn + 1, pisn + 1, m, n);
	return feed(g, b, len, MG_SIDE_INSIDE);
}

static const struct mg_dir_entry *find(struct rig *g, const char *alias, uint8_t type)
{
	return mg_dir_lookup(mg_engine_dir(g->e), alias, type, g->now);
}

TEST(dir_engine_outbound_setup_teaches_the_directory)
{
	struct mg_config cfg = lab_cfg();
	cfg.to.directory = 600;
	struct rig g;
	CHECK_EQ(rig_up(&g, &cfg), 0);
	CHECK_EQ(outbound_setup(&g, A, 40000, "Alice", 1720, 1).verdict, MG_VERDICT_ACCEPT);
	const struct mg_dir_entry *en = find(&g, "alice", MG_ALIAS_NAME);
	CHECK(en != NULL);
	CHECK_EQ(en->addr, A);
	CHECK_EQ(en->port, 1720);
	CHECK_EQ(en->origin, MG_DIR_SETUP);
	CHECK_EQ(en->alias_type, MG_ALIAS_NAME);
	CHECK_EQ(en->expire_ms, g.now + 600000);
	/* the callee's alias is not the caller's */
	CHECK(find(&g, "200", MG_ALIAS_DIGITS) == NULL);
	const struct mg_stats *st = mg_engine_stats(g.e);
	CHECK_EQ(st->directory_entries, 1);
	CHECK_EQ(st->directory_learned, 1);
	/* another call of the same host refreshes it; it expires on the
	 * engine's clock */
	uint64_t t0 = g.now;
	CHECK_EQ(outbound_setup(&g, A, 40002, "ALICE", 1720, 2).verdict, MG_VERDICT_ACCEPT);
	CHECK(mg_engine_stats(g.e)->directory_refreshed == 1);
	uint64_t due = find(&g, "alice", MG_ALIAS_NAME)->expire_ms;
	CHECK(due > t0 + 600000);
	mg_engine_expire(g.e, due - 1);
	CHECK_EQ(mg_engine_stats(g.e)->directory_entries, 1);
	mg_engine_expire(g.e, due);
	st = mg_engine_stats(g.e);
	CHECK_EQ(st->directory_entries, 0);
	CHECK_EQ(st->directory_expired, 1);
	rig_down(&g);
}

TEST(dir_engine_port_from_the_setup_when_it_names_the_sender)
{
	struct mg_config cfg = lab_cfg();
	cfg.untranslatable = MG_UNTRANS_PASS; /* the second Setup names another inside host */
	struct rig g;
	CHECK_EQ(rig_up(&g, &cfg), 0);
	CHECK_EQ(outbound_setup(&g, A, 40000, "alice", 1721, 1).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(find(&g, "alice", MG_ALIAS_NAME)->port, 1721);
	/* a sourceCallSignalAddress naming some other host says nothing of
	 * where this one listens */
	uint8_t m[600];
	static uint8_t b[2000];
	size_t n = setup_msg(m, sizeof(m), "bob", A, 1722, 2);
	size_t len = tb_tcp(b, A2, 41000, B, 1720, TH_SYN, 5, 0, NULL, 0);
	CHECK_EQ(feed(&g, b, len, MG_SIDE_INSIDE).verdict, MG_VERDICT_ACCEPT);
	uint32_t pub = tb_src(b);
	uint16_t pport = tb_sport(b);
	len = tb_tcp(b, B, 1720, pub, pport, TH_SYN | TH_ACK, 70, 6, NULL, 0);
	CHECK_EQ(feed(&g, b, len, MG_SIDE_OUTSIDE).verdict, MG_VERDICT_ACCEPT);
	len = tb_tcp(b, A2, 41000, B, 1720, TH_ACK, 6, 71, NULL, 0);
	CHECK_EQ(feed(&g, b, len, MG_SIDE_INSIDE).verdict, MG_VERDICT_ACCEPT);
	len = tb_tcp(b, A2, 41000, B, 1720, TH_PSH | TH_ACK, 6, 71, m, n);
	CHECK_EQ(feed(&g, b, len, MG_SIDE_INSIDE).verdict, MG_VERDICT_ACCEPT);
	const struct mg_dir_entry *en = find(&g, "bob", MG_ALIAS_NAME);
	CHECK(en != NULL);
	CHECK_EQ(en->addr, A2);
	CHECK_EQ(en->port, 1720);
	rig_down(&g);
}

TEST(dir_engine_inbound_setup_teaches_nothing)
{
	struct mg_config cfg = lab_cfg();
	cfg.n_forward = 1;
	cfg.forward[0] = (struct mg_forward){MG_PROTO_TCP, 0, 1720, 1720, A, 1720};
	struct rig g;
	CHECK_EQ(rig_up(&g, &cfg), 0);
	uint8_t m[600];
	size_t n = setup_msg(m, sizeof(m), "mallory", B, 33000, 3);
	CHECK(n > 0);
	uint8_t b[1000];
	size_t len = tb_tcp(b, B, 33000, P, 1720, TH_SYN, 100, 0, NULL, 0);
	CHECK_EQ(feed(&g, b, len, MG_SIDE_OUTSIDE).verdict, MG_VERDICT_ACCEPT);
	len = tb_tcp(b, A, 1720, B, 33000, TH_SYN | TH_ACK, 900, 101, NULL, 0);
	CHECK_EQ(feed(&g, b, len, MG_SIDE_INSIDE).verdict, MG_VERDICT_ACCEPT);
	len = tb_tcp(b, B, 33000, P, 1720, TH_ACK, 101, 901, NULL, 0);
	CHECK_EQ(feed(&g, b, len, MG_SIDE_OUTSIDE).verdict, MG_VERDICT_ACCEPT);
	len = tb_tcp(b, B, 33000, P, 1720, TH_PSH | TH_ACK, 101, 901, m, n);
	CHECK_EQ(feed(&g, b, len, MG_SIDE_OUTSIDE).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(mg_engine_stats(g.e)->calls_created, 1);
	CHECK(find(&g, "mallory", MG_ALIAS_NAME) == NULL);
	CHECK_EQ(mg_engine_stats(g.e)->directory_entries, 0);
	CHECK_EQ(mg_engine_stats(g.e)->directory_learned, 0);
	rig_down(&g);
}

TEST(dir_engine_static_alias_of_another_host_is_a_counted_conflict)
{
	struct mg_config cfg = lab_cfg();
	cfg.n_alias = 2;
	cfg.alias[0] = (struct mg_alias_cfg){.name = "Alice", .type = MG_ALIAS_NAME, .addr = A2, .port = 1720};
	cfg.alias[1] = (struct mg_alias_cfg){.name = "bob", .type = MG_ALIAS_NAME, .addr = A, .port = 1720};
	struct rig g;
	CHECK_EQ(rig_up(&g, &cfg), 0);
	CHECK_EQ(mg_engine_stats(g.e)->directory_entries, 2);
	/* the Setup passes all the same */
	CHECK_EQ(outbound_setup(&g, A, 40000, "alice", 1720, 1).verdict, MG_VERDICT_ACCEPT);
	const struct mg_stats *st = mg_engine_stats(g.e);
	CHECK_EQ(st->events[MG_R_DIR_CONFLICT], 1);
	CHECK_EQ(st->directory_refused, 1);
	const struct mg_dir_entry *en = find(&g, "alice", MG_ALIAS_NAME);
	CHECK_EQ(en->addr, A2);
	CHECK_EQ(en->origin, MG_DIR_STATIC);
	/* the host a line names is who it says it is: no event */
	CHECK_EQ(outbound_setup(&g, A, 40002, "bob", 1720, 2).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(mg_engine_stats(g.e)->events[MG_R_DIR_CONFLICT], 1);
	CHECK_EQ(find(&g, "bob", MG_ALIAS_NAME)->origin, MG_DIR_STATIC);
	rig_down(&g);
}

TEST(dir_engine_reload_replaces_the_static_entries)
{
	struct mg_config cfg = lab_cfg();
	cfg.n_alias = 1;
	cfg.alias[0] = (struct mg_alias_cfg){.name = "100", .type = MG_ALIAS_DIGITS, .addr = A, .port = 1720};
	struct rig g;
	CHECK_EQ(rig_up(&g, &cfg), 0);
	CHECK(find(&g, "100", MG_ALIAS_DIGITS) != NULL);
	CHECK_EQ(outbound_setup(&g, A2, 40000, "carol", 1720, 1).verdict, MG_VERDICT_ACCEPT);
	cfg.alias[0] = (struct mg_alias_cfg){.name = "101", .type = MG_ALIAS_DIGITS, .addr = A2,
					     .port = 1730, .pool = true};
	char err[200] = "";
	CHECK_EQ(mg_engine_reconfigure(g.e, &cfg, err, sizeof(err)), 0);
	CHECK(find(&g, "100", MG_ALIAS_DIGITS) == NULL);
	const struct mg_dir_entry *en = find(&g, "101", MG_ALIAS_DIGITS);
	CHECK(en != NULL);
	CHECK_EQ(en->port, 1730);
	CHECK(en->pool);
	CHECK(find(&g, "carol", MG_ALIAS_NAME) != NULL); /* learned entries stay */
	/* the directory's size is fixed for the engine's life */
	cfg.max_directory = 10;
	CHECK_EQ(mg_engine_reconfigure(g.e, &cfg, err, sizeof(err)), -1);
	rig_down(&g);
	/* more lines than the directory holds: the engine refuses to start */
	cfg = lab_cfg();
	cfg.max_directory = 1;
	cfg.n_alias = 2;
	cfg.alias[0] = (struct mg_alias_cfg){.name = "a", .type = MG_ALIAS_NAME, .addr = A, .port = 1720};
	cfg.alias[1] = (struct mg_alias_cfg){.name = "b", .type = MG_ALIAS_NAME, .addr = A, .port = 1720};
	struct mg_engine *e = mg_engine_new(&cfg, 1, err, sizeof(err));
	CHECK(e == NULL);
	CHECK(strstr(err, "max directory 1") != NULL);
}

TEST(dir_engine_alg_reaches_the_directory)
{
	struct mg_config cfg = lab_cfg();
	struct rig g;
	CHECK_EQ(rig_up(&g, &cfg), 0);
	struct mg_dir *d = mg_alg_dir(g.e);
	CHECK(d == (struct mg_dir *)mg_engine_dir(g.e));
	CHECK_EQ(mg_dir_learn(d, "x@example.org", MG_ALIAS_EMAIL, A, 1720, MG_DIR_ILS, g.now,
			      g.now + 5000, false),
		 MG_R_NONE);
	/* the engine sweeps it as its clock passes */
	uint8_t b[200];
	size_t n = tb_udp(b, A, 6000, B, 9999, (const uint8_t *)"x", 1);
	g.now += 5000;
	feed(&g, b, n, MG_SIDE_INSIDE);
	CHECK_EQ(d->used, 0);
	CHECK_EQ(d->expired, 1);
	rig_down(&g);
}
