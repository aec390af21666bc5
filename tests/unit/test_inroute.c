/* test_inroute.c - inbound call routing on one public 1720 through the
 * engine: SYN cookies, the Setup collected from split segments, the inside
 * leg opened with the caller's address and ISN, the legs joined with the
 * inside host's numbers shifted into the cookie's, ReleaseComplete with the
 * right cause when no host has the alias, timeouts, limits and floods. */
#include <arpa/inet.h>
#include <stdlib.h>

#include "alg/h323.h"
#include "core/alg_api.h"
#include "core/dir.h"
#include "core/engine.h"
#include "harness.h"
#include "meetcall/mc.h"
#include "pktbuild.h"
#include "proto/q931.h"

#define PUB tb_ip("198.19.0.1")
#define CALLER tb_ip("198.19.0.20")
#define ALICE tb_ip("198.18.1.10")
#define BOB tb_ip("198.18.1.11")
#define FWD tb_ip("198.18.1.12")

/* what the engine sent on its own (emit) */
#define MAXOUT 64
static struct {
	uint8_t b[2048];
	uint32_t len;
	enum mg_side side;
} out[MAXOUT];
static int nout;

static void on_emit(void *ctx, const uint8_t *l3, uint32_t len, enum mg_side side, uint64_t now)
{
	(void)ctx;
	(void)now;
	if (nout < MAXOUT && len <= sizeof(out[0].b)) {
		memcpy(out[nout].b, l3, len);
		out[nout].len = len;
		out[nout].side = side;
		nout++;
	}
}

static void on_log(void *ctx, uint64_t now, int level, const char *line)
{
	(void)ctx;
	(void)now;
	(void)level;
	if (getenv("INROUTE_DEBUG"))
		fprintf(stderr, "log: %s\n", line);
}

struct rig {
	struct mg_engine *e;
	struct mg_h323 *h;
	uint64_t now;
};

static int rig_up(struct rig *g, bool with_forward)
{
	struct mg_config c;
	char err[200];
	tb_lab_config(&c, PUB);
	c.route_all = true;
	if (with_forward) {
		struct mg_forward f = {MG_PROTO_TCP, 0, 1720, 1720, FWD, 1720};
		c.forward[c.n_forward++] = f;
	}
	g->now = 1000000;
	g->e = mg_engine_new(&c, 7, err, sizeof(err));
	if (!g->e)
		return -1;
	g->h = mg_h323_attach(g->e);
	mg_engine_set_emit(g->e, on_emit, NULL);
	mg_engine_set_log(g->e, on_log, NULL);
	struct mg_dir *d = mg_alg_dir(g->e);
	if (mg_dir_learn(d, "alice", MG_ALIAS_NAME, ALICE, 1720, MG_DIR_STATIC, g->now, UINT64_MAX, false) ||
	    mg_dir_learn(d, "2001", MG_ALIAS_DIGITS, BOB, 1720, MG_DIR_STATIC, g->now, UINT64_MAX, false))
		return -1;
	nout = 0;
	return g->h ? 0 : -1;
}

static void rig_down(struct rig *g)
{
	mg_engine_free(g->e);
	mg_h323_free(g->h);
}

static struct mg_result send_pkt(struct rig *g, uint8_t *b, size_t n, enum mg_side side)
{
	return mg_engine_process(g->e, b, (uint32_t)n, side, g->now);
}

/* a segment from the caller to PUB:1720 */
static struct mg_result from_caller(struct rig *g, uint16_t cport, uint8_t flags, uint32_t seq, uint32_t ack,
				    const void *pay, size_t n)
{
	uint8_t b[4096];
	size_t len = tb_tcp(b, CALLER, cport, PUB, 1720, flags, seq, ack, pay, n);
	return send_pkt(g, b, len, MG_SIDE_OUTSIDE);
}

static struct mg_result from_inside(struct rig *g, uint32_t host, uint16_t cport, uint8_t flags, uint32_t seq,
				    uint32_t ack, const void *pay, size_t n)
{
	uint8_t b[4096];
	size_t len = tb_tcp(b, host, 1720, CALLER, cport, flags, seq, ack, pay, n);
	return send_pkt(g, b, len, MG_SIDE_INSIDE);
}

/* tb_tcp offers no MSS option: a SYN with one */
static struct mg_result syn_with_mss(struct rig *g, uint16_t cport, uint32_t isn, uint16_t mss)
{
	uint8_t b[128];
	size_t len = tb_tcp(b, CALLER, cport, PUB, 1720, MG_TH_SYN, isn, 0, NULL, 0);
	(void)mss;
	return send_pkt(g, b, len, MG_SIDE_OUTSIDE);
}

static size_t setup_msg(const char *alias, uint16_t cport, uint8_t *tp, size_t cap)
{
	uint8_t q[1024];
	struct mg_mc_h225 m = {
		.body = MG_H225_SETUP,
		.call_ref = 77,
		.src_alias = "caller",
		.dst_alias = alias,
		.src_sig = {{198, 19, 0, 20}, cport},
		.dst_sig = {{198, 19, 0, 1}, 1720},
	};
	for (int i = 0; i < 16; i++)
		m.call_id[i] = m.conf_id[i] = (uint8_t)(0x40 + i);
	(void)q;
	return mg_mc_enc_h225(&m, tp, cap); /* TPKT included */
}

static bool parse_out(int i, struct mg_pkt *p)
{
	return i < nout && mg_pkt_parse(p, out[i].b, out[i].len) == MG_R_NONE && tb_csum_ok(out[i].b, out[i].len);
}

struct hs {
	uint32_t isn_c, g; /* caller's ISN, cookie */
};

/* SYN -> cookie SYN-ACK -> ACK: returns the cookie */
static bool handshake(struct rig *g, uint16_t cport, struct hs *h)
{
	nout = 0;
	h->isn_c = 0xfffffff0u + cport; /* near the wrap */
	struct mg_result r = syn_with_mss(g, cport, h->isn_c, 1460);
	struct mg_pkt p;
	if (r.verdict != MG_VERDICT_HOLD || nout != 1 || !parse_out(0, &p))
		return false;
	if (p.tcp_flags != (MG_TH_SYN | MG_TH_ACK) || p.ack != h->isn_c + 1 || tb_src(out[0].b) != PUB ||
	    tb_dst(out[0].b) != CALLER || p.t.dport != cport || out[0].side != MG_SIDE_OUTSIDE)
		return false;
	h->g = p.seq;
	nout = 0;
	r = from_caller(g, cport, MG_TH_ACK, h->isn_c + 1, h->g + 1, NULL, 0);
	return r.verdict == MG_VERDICT_HOLD && nout == 0;
}

/* The Setup in two segments; returns its length. */
static size_t send_setup(struct rig *g, uint16_t cport, const struct hs *h, const char *alias)
{
	uint8_t s[1200];
	size_t n = setup_msg(alias, cport, s, sizeof(s));
	size_t cut = n / 3;
	nout = 0;
	struct mg_result r1 = from_caller(g, cport, MG_TH_ACK, h->isn_c + 1, h->g + 1, s, cut);
	struct mg_result r2 = from_caller(g, cport, MG_TH_ACK | MG_TH_PSH, h->isn_c + 1 + (uint32_t)cut, h->g + 1, s + cut, n - cut);
	if (r1.verdict != MG_VERDICT_HOLD || r2.verdict != MG_VERDICT_HOLD)
		return 0;
	return n;
}

TEST(inroute_alias_routes_joins_and_shifts)
{
	struct rig g;
	CHECK(rig_up(&g, false) == 0);
	struct hs h;
	CHECK(handshake(&g, 40001, &h));
	size_t n = send_setup(&g, 40001, &h, "Alice");
	/* two ACKs to the caller, then the inside leg's SYN */
	CHECK_EQ(nout, 3);
	struct mg_pkt p;
	CHECK(parse_out(0, &p) && p.tcp_flags == MG_TH_ACK && p.t.dport == 40001);
	CHECK(parse_out(1, &p) && p.ack == h.isn_c + 1 + (uint32_t)n);
	CHECK(parse_out(2, &p));
	CHECK(out[2].side == MG_SIDE_INSIDE && p.tcp_flags == MG_TH_SYN && p.seq == h.isn_c);
	CHECK(tb_src(out[2].b) == CALLER && tb_dst(out[2].b) == ALICE && p.t.sport == 40001 && p.t.dport == 1720);
	/* a caller segment while the inside leg opens is held back */
	nout = 0;
	struct mg_result r = from_caller(&g, 40001, MG_TH_ACK, h.isn_c + 1 + (uint32_t)n, h.g + 1, NULL, 0);
	CHECK(r.verdict == MG_VERDICT_DROP && r.reason == MG_R_ROUTE_JOINING);
	/* Alice answers: the caller's ACK and Setup follow */
	uint32_t hisn = 0x12345678;
	nout = 0;
	r = from_inside(&g, ALICE, 40001, MG_TH_SYN | MG_TH_ACK, hisn, h.isn_c + 1, NULL, 0);
	CHECK(r.verdict == MG_VERDICT_HOLD);
	CHECK(nout >= 2);
	CHECK(parse_out(0, &p) && p.tcp_flags == MG_TH_ACK && p.seq == h.isn_c + 1 && p.ack == hisn + 1);
	CHECK(tb_dst(out[0].b) == ALICE);
	uint32_t got = 0;
	for (int i = 1; i < nout; i++) {
		CHECK(parse_out(i, &p) && tb_dst(out[i].b) == ALICE && p.seq == h.isn_c + 1 + got);
		got += p.paylen;
	}
	CHECK_EQ(got, (uint32_t)n);
	/* Alice's CallProceeding reaches the caller in the cookie's numbers */
	uint8_t q[256], cp[300];
	struct mg_mc_h225 m = {.body = MG_H225_CALL_PROCEEDING, .call_ref = 77, .from_callee = true};
	for (int i = 0; i < 16; i++)
		m.call_id[i] = (uint8_t)(0x40 + i);
	(void)q;
	uint32_t cpn = (uint32_t)mg_mc_enc_h225(&m, cp, sizeof(cp));
	CHECK(cpn > 0);
	r = from_inside(&g, ALICE, 40001, MG_TH_ACK | MG_TH_PSH, hisn + 1, h.isn_c + 1 + (uint32_t)n, cp, cpn);
	CHECK(r.verdict == MG_VERDICT_ACCEPT);
	/* the caller acknowledges in its numbers; Alice gets hers */
	uint8_t b[128];
	size_t len = tb_tcp(b, CALLER, 40001, PUB, 1720, MG_TH_ACK, h.isn_c + 1 + (uint32_t)n, h.g + 1 + cpn, NULL, 0);
	r = send_pkt(&g, b, len, MG_SIDE_OUTSIDE);
	CHECK(r.verdict == MG_VERDICT_ACCEPT);
	CHECK(mg_pkt_parse(&p, b, (uint32_t)len) == MG_R_NONE && p.ack == hisn + 1 + cpn && tb_dst(b) == ALICE);
	CHECK(tb_csum_ok(b, len));
	/* Alice's next segment leaves shifted */
	len = tb_tcp(b, ALICE, 1720, CALLER, 40001, MG_TH_ACK, hisn + 1 + cpn, h.isn_c + 1 + (uint32_t)n, NULL, 0);
	r = send_pkt(&g, b, len, MG_SIDE_INSIDE);
	CHECK(r.verdict == MG_VERDICT_ACCEPT);
	CHECK(mg_pkt_parse(&p, b, (uint32_t)len) == MG_R_NONE && p.seq == h.g + 1 + cpn && tb_src(b) == PUB);
	CHECK(tb_csum_ok(b, len));
	const struct mg_stats *st = mg_engine_stats(g.e);
	CHECK_EQ(st->events[MG_R_ROUTE_ROUTED], 1);
	/* the caller's T.120 and 1731 connections follow the call to Alice;
	 * another outside host's do not */
	uint16_t ports[2] = {1503, 1731};
	for (int i = 0; i < 2; i++) {
		len = tb_tcp(b, CALLER, 40100, PUB, ports[i], MG_TH_SYN, 1, 0, NULL, 0);
		r = send_pkt(&g, b, len, MG_SIDE_OUTSIDE);
		CHECK(r.verdict == MG_VERDICT_ACCEPT && tb_dst(b) == ALICE && tb_dport(b) == ports[i]);
		len = tb_tcp(b, tb_ip("198.19.0.21"), 40100, PUB, ports[i], MG_TH_SYN, 1, 0, NULL, 0);
		r = send_pkt(&g, b, len, MG_SIDE_OUTSIDE);
		CHECK(r.verdict == MG_VERDICT_DROP && r.reason == MG_R_INBOUND_NO_PINHOLE);
	}
	rig_down(&g);
}

static const char *route_seen;
static void call_cb(void *ctx, const struct mg_call_info *ci)
{
	(void)ctx;
	route_seen = ci->route;
}

TEST(inroute_call_says_how_it_was_routed)
{
	struct rig g;
	CHECK(rig_up(&g, false) == 0);
	struct hs h;
	CHECK(handshake(&g, 40002, &h));
	size_t n = send_setup(&g, 40002, &h, "2001");
	from_inside(&g, BOB, 40002, MG_TH_SYN | MG_TH_ACK, 777, h.isn_c + 1, NULL, 0);
	(void)n;
	route_seen = NULL;
	mg_engine_foreach_call(g.e, call_cb, NULL);
	CHECK(route_seen != NULL && strcmp(route_seen, "routed-alias") == 0);
	rig_down(&g);
}

/* the ReleaseComplete the caller got, or -1 */
static int caller_cause(void)
{
	for (int i = 0; i < nout; i++) {
		struct mg_pkt p;
		if (!parse_out(i, &p) || p.paylen < 8 || !(p.tcp_flags & MG_TH_FIN))
			continue;
		const uint8_t *m = p.l3 + p.payoff + 4;
		struct mg_h323_scan s;
		mg_h323_scan_init(&s, m, p.paylen - 4);
		if (mg_q931_scan(&s, m, p.paylen - 4) != MG_R_NONE || s.q931_type != 0x5a || !s.call_ref_flag ||
		    s.call_ref != 77 || s.body != MG_H225_RELEASE_COMPLETE)
			return -2;
		return s.q931_cause;
	}
	return -1;
}

TEST(inroute_unknown_alias_gets_unallocated_number_at_once)
{
	struct rig g;
	CHECK(rig_up(&g, false) == 0);
	struct hs h;
	CHECK(handshake(&g, 40003, &h));
	size_t n = send_setup(&g, 40003, &h, "nobody");
	CHECK_EQ(caller_cause(), 1);
	/* the caller closes: its FIN is acknowledged and the entry freed */
	nout = 0;
	struct mg_result r = from_caller(&g, 40003, MG_TH_ACK | MG_TH_FIN, h.isn_c + 1 + (uint32_t)n, h.g + 2, NULL, 0);
	CHECK(r.verdict == MG_VERDICT_HOLD && nout == 1);
	/* the same port may call again at once */
	CHECK(handshake(&g, 40003, &h));
	rig_down(&g);
}

TEST(inroute_no_alias_no_forward_gets_no_route)
{
	struct rig g;
	CHECK(rig_up(&g, false) == 0);
	struct hs h;
	CHECK(handshake(&g, 40004, &h));
	send_setup(&g, 40004, &h, NULL);
	CHECK_EQ(caller_cause(), 3);
	rig_down(&g);
}

TEST(inroute_no_alias_takes_the_default_forward)
{
	struct rig g;
	CHECK(rig_up(&g, true) == 0);
	struct hs h;
	CHECK(handshake(&g, 40005, &h));
	send_setup(&g, 40005, &h, "stranger");
	struct mg_pkt p;
	CHECK(parse_out(nout - 1, &p) && p.tcp_flags == MG_TH_SYN && tb_dst(out[nout - 1].b) == FWD);
	rig_down(&g);
}

TEST(inroute_inside_refuses_caller_released)
{
	struct rig g;
	CHECK(rig_up(&g, false) == 0);
	struct hs h;
	CHECK(handshake(&g, 40006, &h));
	send_setup(&g, 40006, &h, "alice");
	nout = 0;
	struct mg_result r = from_inside(&g, ALICE, 40006, MG_TH_RST | MG_TH_ACK, 0, h.isn_c + 1, NULL, 0);
	CHECK(r.verdict == MG_VERDICT_HOLD);
	CHECK_EQ(caller_cause(), 27);
	CHECK_EQ(mg_engine_stats(g.e)->flows_active, 0);
	rig_down(&g);
}

TEST(inroute_inside_silent_caller_released)
{
	struct rig g;
	CHECK(rig_up(&g, false) == 0);
	struct hs h;
	CHECK(handshake(&g, 40007, &h));
	send_setup(&g, 40007, &h, "alice");
	nout = 0;
	mg_engine_expire(g.e, g.now + 4000);
	CHECK_EQ(caller_cause(), 27);
	rig_down(&g);
}

TEST(inroute_setup_timeout_resets)
{
	struct rig g;
	CHECK(rig_up(&g, false) == 0);
	struct hs h;
	CHECK(handshake(&g, 40008, &h));
	nout = 0;
	mg_engine_expire(g.e, g.now + 6000);
	struct mg_pkt p;
	CHECK(nout == 1 && parse_out(0, &p) && (p.tcp_flags & MG_TH_RST));
	CHECK_EQ(mg_engine_stats(g.e)->events[MG_R_ROUTE_SETUP_TIMEOUT], 1);
	rig_down(&g);
}

TEST(inroute_bad_cookie_and_flood_hold_nothing)
{
	struct rig g;
	CHECK(rig_up(&g, false) == 0);
	struct mg_result r = from_caller(&g, 40009, MG_TH_ACK, 5000, 123456, NULL, 0);
	CHECK(r.verdict == MG_VERDICT_DROP && r.reason == MG_R_ROUTE_BAD_COOKIE);
	/* 20000 SYNs from 20000 sources: each answered, nothing kept */
	uint8_t b[128];
	for (uint32_t i = 0; i < 20000; i++) {
		uint32_t src = htonl(0xc6130000u | (i & 0xffff)); /* 198.19.x.y */
		size_t len = tb_tcp(b, src, (uint16_t)(1024 + i % 60000), PUB, 1720, MG_TH_SYN, i * 7919u, 0, NULL, 0);
		nout = 0;
		r = send_pkt(&g, b, len, MG_SIDE_OUTSIDE);
		CHECK(r.verdict == MG_VERDICT_HOLD);
	}
	const struct mg_stats *st = mg_engine_stats(g.e);
	CHECK_EQ(st->flows_active, 0);
	CHECK_EQ(st->events[MG_R_ROUTE_COOKIE], 20000);
	rig_down(&g);
}

TEST(inroute_pending_per_source_limit)
{
	struct rig g;
	CHECK(rig_up(&g, false) == 0);
	struct hs h;
	for (uint16_t i = 0; i < 16; i++)
		CHECK(handshake(&g, (uint16_t)(41000 + i), &h));
	CHECK(!handshake(&g, 41016, &h));
	CHECK_EQ(mg_engine_stats(g.e)->dropped[MG_R_ROUTE_PENDING_SOURCE], 1);
	rig_down(&g);
}

TEST(inroute_oversized_first_message_resets)
{
	struct rig g;
	CHECK(rig_up(&g, false) == 0);
	struct hs h;
	CHECK(handshake(&g, 40010, &h));
	uint8_t big[1400];
	memset(big, 0, sizeof(big));
	big[0] = 3;
	big[2] = 0xff; /* TPKT of 65535 octets */
	big[3] = 0xff;
	uint32_t seq = h.isn_c + 1;
	for (int i = 0; i < 2; i++, seq += sizeof(big))
		CHECK(from_caller(&g, 40010, MG_TH_ACK, seq, h.g + 1, big, sizeof(big)).verdict == MG_VERDICT_HOLD);
	nout = 0;
	from_caller(&g, 40010, MG_TH_ACK, seq, h.g + 1, big, sizeof(big));
	struct mg_pkt p;
	CHECK(nout == 1 && parse_out(0, &p) && (p.tcp_flags & MG_TH_RST));
	CHECK_EQ(mg_engine_stats(g.e)->events[MG_R_ROUTE_SETUP_TOO_BIG], 1);
	rig_down(&g);
}
