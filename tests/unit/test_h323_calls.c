/* test_h323_calls.c - calls as real peers make them, through the engine:
 * a new call from the source port of a closed one (TIME_WAIT and after a
 * RST), two call legs with one callIdentifier on two connections, a
 * release naming another connection's call, a full call table, the ids and
 * flags operators see, an inside listener behind a forward, and the public
 * address of a host reached through a forward. */
#include <stdlib.h>
#include <string.h>

#include "alg/h323.h"
#include "core/engine.h"
#include "harness.h"
#include "meetcall/mc_msg.h"
#include "pktbuild.h"

#define A tb_ip("198.18.1.10")
#define A2 tb_ip("198.18.1.11")
#define B tb_ip("198.19.0.20")
#define P tb_ip("198.19.0.1")
#define P2 tb_ip("198.19.0.2")

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

struct rig {
	struct mg_engine *e;
	struct mg_h323 *h;
	uint64_t now;
};

/* One TCP connection from inside host `in` to B:1720, as the gateway sees
 * both of its ends. */
struct conn {
	uint32_t in;
	uint16_t port, pub_port;
	uint32_t pub;
	uint32_t sa, sb; /* next sequence numbers of A and B */
};

static uint8_t out[4096];
static size_t out_len;

static struct mg_result feed(struct rig *g, uint8_t *b, size_t n, enum mg_side side)
{
	g->now += 10;
	struct mg_result r = mg_engine_process(g->e, b, (uint32_t)n, side, g->now);
	if (r.verdict == MG_VERDICT_ACCEPT && n <= sizeof(out)) {
		memcpy(out, b, n);
		out_len = n;
	}
	return r;
}

static struct mg_result from_in(struct rig *g, struct conn *c, uint8_t flags, const uint8_t *pay, size_t n)
{
	static uint8_t b[4096];
	size_t len = tb_tcp(b, c->in, c->port, B, 1720, flags, c->sa, (flags & TH_ACK) ? c->sb : 0, pay, n);
	struct mg_result r = feed(g, b, len, MG_SIDE_INSIDE);
	if (r.verdict == MG_VERDICT_ACCEPT) {
		c->pub = tb_src(b);
		c->pub_port = tb_sport(b);
	}
	c->sa += (uint32_t)n + ((flags & (TH_SYN | TH_FIN)) ? 1 : 0);
	return r;
}

static struct mg_result from_out(struct rig *g, struct conn *c, uint8_t flags, const uint8_t *pay, size_t n)
{
	static uint8_t b[4096];
	size_t len = tb_tcp(b, B, 1720, c->pub, c->pub_port, flags, c->sb, c->sa, pay, n);
	struct mg_result r = feed(g, b, len, MG_SIDE_OUTSIDE);
	c->sb += (uint32_t)n + ((flags & (TH_SYN | TH_FIN)) ? 1 : 0);
	return r;
}

static int handshake(struct rig *g, struct conn *c, uint32_t isn)
{
	c->sa = isn;
	c->sb = isn * 7 + 11;
	if (from_in(g, c, TH_SYN, NULL, 0).verdict != MG_VERDICT_ACCEPT)
		return -1;
	if (from_out(g, c, TH_SYN | TH_ACK, NULL, 0).verdict != MG_VERDICT_ACCEPT)
		return -1;
	return from_in(g, c, TH_ACK, NULL, 0).verdict == MG_VERDICT_ACCEPT ? 0 : -1;
}

/* FIN both ways, the last one acknowledged: the flow is in TIME_WAIT. */
static int close_fin(struct rig *g, struct conn *c)
{
	if (from_in(g, c, TH_FIN | TH_ACK, NULL, 0).verdict != MG_VERDICT_ACCEPT)
		return -1;
	if (from_out(g, c, TH_FIN | TH_ACK, NULL, 0).verdict != MG_VERDICT_ACCEPT)
		return -1;
	return from_in(g, c, TH_ACK, NULL, 0).verdict == MG_VERDICT_ACCEPT ? 0 : -1;
}

static struct mg_config rig_cfg(void)
{
	struct mg_config c;
	tb_lab_config(&c, P);
	return c;
}

static int rig_up_cfg(struct rig *g, const struct mg_config *c)
{
	char err[200];
	g->now = 1000;
	g->e = mg_engine_new(c, 5, err, sizeof(err));
	if (!g->e)
		return -1;
	g->h = mg_h323_attach(g->e);
	return g->h ? 0 : -1;
}

static int rig_up(struct rig *g)
{
	struct mg_config c = rig_cfg();
	return rig_up_cfg(g, &c);
}

static void rig_down(struct rig *g)
{
	mg_engine_free(g->e);
	mg_h323_free(g->h);
}

/* A Setup from the inside host with callIdentifier {g, g, ...}, its
 * sourceCallSignalAddress = in:sig_port, one fastStart proposal whose RTCP
 * address is in:media+1. */
static size_t setup_msg(uint8_t *buf, size_t cap, uint32_t in, uint16_t sig_port, uint8_t g, uint16_t media)
{
	static uint8_t olc[200];
	struct mg_mc_olc o = {.lcn = 1, .has_ctrl = true};
	memcpy(o.ctrl.ip, &in, 4);
	o.ctrl.port = (uint16_t)(media + 1);
	static struct mg_mc_blob fs;
	fs.p = olc;
	fs.n = mg_mc_enc_olc_body(&o, olc, sizeof(olc));
	struct mg_mc_h225 m;
	memset(&m, 0, sizeof(m));
	m.body = MG_H225_SETUP;
	m.call_ref = g;
	memset(m.call_id, g, 16);
	memset(m.conf_id, g, 16);
	memcpy(m.src_sig.ip, &in, 4);
	m.src_sig.port = sig_port;
	uint32_t b = B;
	memcpy(m.dst_sig.ip, &b, 4);
	m.dst_sig.port = 1720;
	m.tunneling = true;
	m.faststart = &fs;
	m.n_faststart = fs.n ? 1 : 0;
	return mg_mc_enc_h225(&m, buf, cap);
}

static size_t release_msg(uint8_t *buf, size_t cap, uint8_t g)
{
	struct mg_mc_h225 m;
	memset(&m, 0, sizeof(m));
	m.body = MG_H225_RELEASE_COMPLETE;
	m.call_ref = g;
	memset(m.call_id, g, 16);
	return mg_mc_enc_h225(&m, buf, cap);
}

static bool out_has(uint32_t ip)
{
	size_t ihl = (size_t)(out[0] & 15) * 4;
	for (size_t i = ihl + 20; i + 4 <= out_len; i++)
		if (memcmp(out + i, &ip, 4) == 0)
			return true;
	return false;
}

/* Setup on c, checked to leave translated. */
static int call_setup(struct rig *g, struct conn *c, uint8_t guid, uint16_t media)
{
	uint8_t m[600];
	size_t n = setup_msg(m, sizeof(m), c->in, c->port, guid, media);
	if (!n || from_in(g, c, TH_PSH | TH_ACK, m, n).verdict != MG_VERDICT_ACCEPT)
		return -1;
	return out_has(c->in) ? -1 : 0;
}

static struct mg_result call_release(struct rig *g, struct conn *c, uint8_t guid)
{
	uint8_t m[200];
	size_t n = release_msg(m, sizeof(m), guid);
	return from_in(g, c, TH_PSH | TH_ACK, m, n);
}

TEST(calls_new_call_from_the_port_of_a_closed_one)
{
	/* close by FIN (TIME_WAIT) and by RST (CLOSE), then the same source
	 * port calls again with a new callIdentifier: 20 times in a row */
	for (int rst = 0; rst < 2; rst++) {
		struct rig g;
		CHECK_EQ(rig_up(&g), 0);
		struct conn c = {.in = A, .port = 40000};
		for (int k = 0; k < 20; k++) {
			CHECK_EQ(handshake(&g, &c, 1000u + 100000u * (uint32_t)k), 0);
			CHECK_EQ(call_setup(&g, &c, (uint8_t)(k + 1), 5000), 0);
			CHECK_EQ(mg_engine_stats(g.e)->calls_active, 1);
			CHECK_EQ(call_release(&g, &c, (uint8_t)(k + 1)).verdict, MG_VERDICT_ACCEPT);
			CHECK_EQ(mg_engine_stats(g.e)->calls_active, 0);
			if (rst)
				CHECK_EQ(from_in(&g, &c, TH_RST | TH_ACK, NULL, 0).verdict, MG_VERDICT_ACCEPT);
			else
				CHECK_EQ(close_fin(&g, &c), 0);
			g.now += 1000; /* one second later, well inside TIME_WAIT */
		}
		const struct mg_stats *st = mg_engine_stats(g.e);
		CHECK_EQ(st->calls_created, 20);
		CHECK_EQ(st->calls_ended, 20);
		CHECK_EQ(st->dropped[MG_R_ALG_UNTRANSLATED] + st->events[MG_R_ALG_UNTRANSLATED], 0);
		CHECK_EQ(st->events[MG_R_TCP_REOPENED], 19);
		rig_down(&g);
	}
}

TEST(calls_syn_on_an_open_connection_changes_nothing)
{
	struct rig g;
	CHECK_EQ(rig_up(&g), 0);
	struct conn c = {.in = A, .port = 40000};
	CHECK_EQ(handshake(&g, &c, 5000), 0);
	CHECK_EQ(call_setup(&g, &c, 1, 5000), 0);
	uint32_t sa = c.sa;
	c.sa = 777;
	CHECK_EQ(from_in(&g, &c, TH_SYN, NULL, 0).verdict, MG_VERDICT_DROP);
	c.sa = sa;
	CHECK_EQ(mg_engine_stats(g.e)->calls_active, 1);
	CHECK_EQ(mg_engine_stats(g.e)->events[MG_R_TCP_REOPENED], 0);
	rig_down(&g);
}

struct count_pins {
	uint32_t owner;
	int n;
};

static void pin_cb(void *ctx, const struct mg_pinhole_info *pi)
{
	struct count_pins *cp = ctx;
	if (pi->owner == cp->owner)
		cp->n++;
}

static int pins_of(struct rig *g, uint32_t owner)
{
	struct count_pins cp = {owner, 0};
	mg_engine_foreach_pinhole(g->e, pin_cb, &cp);
	return cp.n;
}

struct ids {
	uint32_t id[8];
	int n;
};

static void call_cb(void *ctx, const struct mg_call_info *ci)
{
	struct ids *x = ctx;
	if (x->n < 8)
		x->id[x->n++] = ci->id;
}

TEST(calls_two_legs_with_one_call_identifier_are_two_calls)
{
	struct rig g;
	CHECK_EQ(rig_up(&g), 0);
	struct conn c1 = {.in = A, .port = 40000}, c2 = {.in = A, .port = 40002};
	CHECK_EQ(handshake(&g, &c1, 1000), 0);
	CHECK_EQ(handshake(&g, &c2, 9000), 0);
	CHECK_EQ(call_setup(&g, &c1, 7, 5000), 0);
	CHECK_EQ(call_setup(&g, &c2, 7, 6000), 0);
	CHECK_EQ(mg_engine_stats(g.e)->calls_active, 2);
	struct ids x = {{0}, 0};
	mg_engine_foreach_call(g.e, call_cb, &x);
	CHECK_EQ(x.n, 2);
	CHECK(x.id[0] != x.id[1]);
	CHECK(pins_of(&g, x.id[0]) > 0);
	CHECK(pins_of(&g, x.id[1]) > 0);
	/* the first leg ends; the second keeps its pinholes */
	CHECK_EQ(call_release(&g, &c1, 7).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(mg_engine_stats(g.e)->calls_active, 1);
	x.n = 0;
	mg_engine_foreach_call(g.e, call_cb, &x);
	CHECK_EQ(x.n, 1);
	CHECK(pins_of(&g, x.id[0]) > 0);
	rig_down(&g);
}

/* A second Setup with a new callIdentifier on a connection whose call was
 * never released: the new call takes the connection, and the old one, left
 * without any, ends at once with its pinholes and binding references (it
 * used to stay for good, holding a public binding). */
TEST(calls_new_setup_on_a_connection_ends_the_call_it_replaces)
{
	struct rig g;
	CHECK_EQ(rig_up(&g), 0);
	struct conn c1 = {.in = A, .port = 40000};
	CHECK_EQ(handshake(&g, &c1, 1000), 0);
	CHECK_EQ(call_setup(&g, &c1, 3, 5000), 0);
	struct ids x = {{0}, 0};
	mg_engine_foreach_call(g.e, call_cb, &x);
	CHECK_EQ(x.n, 1);
	uint32_t first = x.id[0];
	CHECK(pins_of(&g, first) > 0);
	CHECK_EQ(call_setup(&g, &c1, 4, 6000), 0);
	const struct mg_stats *st = mg_engine_stats(g.e);
	CHECK_EQ(st->calls_active, 1);
	CHECK_EQ(st->calls_ended, 1);
	CHECK_EQ(pins_of(&g, first), 0);
	x.n = 0;
	mg_engine_foreach_call(g.e, call_cb, &x);
	CHECK_EQ(x.n, 1);
	CHECK(x.id[0] != first);
	rig_down(&g);
}

TEST(calls_release_from_another_connection_changes_nothing)
{
	struct rig g;
	CHECK_EQ(rig_up(&g), 0);
	struct conn c1 = {.in = A, .port = 40000}, c3 = {.in = A2, .port = 41000};
	CHECK_EQ(handshake(&g, &c1, 1000), 0);
	CHECK_EQ(call_setup(&g, &c1, 9, 5000), 0);
	CHECK_EQ(handshake(&g, &c3, 3000), 0);
	uint32_t before = mg_engine_stats(g.e)->pinholes_active;
	call_release(&g, &c3, 9);
	const struct mg_stats *st = mg_engine_stats(g.e);
	CHECK_EQ(st->calls_active, 1);
	CHECK_EQ(st->pinholes_active, before);
	CHECK_EQ(st->events[MG_R_ALG_FOREIGN_CALL], 1);
	rig_down(&g);
}

static uint32_t flow_call_seen;
static void flow_cb(void *ctx, const struct mg_flow_info *fi)
{
	if (fi->orig.dport == 1720)
		flow_call_seen = fi->call;
}

TEST(calls_table_full_is_named_and_released_slots_come_back_at_once)
{
	struct mg_config cfg = rig_cfg();
	cfg.max_calls = 1;
	struct rig g;
	CHECK_EQ(rig_up_cfg(&g, &cfg), 0);
	struct conn c1 = {.in = A, .port = 40000}, c2 = {.in = A2, .port = 40000};
	CHECK_EQ(handshake(&g, &c1, 1000), 0);
	CHECK_EQ(call_setup(&g, &c1, 1, 5000), 0);
	struct ids x = {{0}, 0};
	mg_engine_foreach_call(g.e, call_cb, &x);
	CHECK_EQ(x.n, 1);
	flow_call_seen = 0;
	mg_engine_foreach_flow(g.e, flow_cb, NULL);
	CHECK_EQ(flow_call_seen, x.id[0]); /* show flows names the call's id */

	CHECK_EQ(handshake(&g, &c2, 2000), 0);
	uint8_t m[600];
	size_t n = setup_msg(m, sizeof(m), A2, 40000, 2, 6000);
	struct mg_result r = from_in(&g, &c2, TH_PSH | TH_ACK, m, n);
	CHECK_EQ(r.verdict, MG_VERDICT_DROP);
	CHECK_EQ(r.reason, MG_R_ALG_CALL_TABLE_FULL);
	CHECK_EQ(mg_engine_stats(g.e)->dropped[MG_R_ALG_UNTRANSLATED], 0);

	/* the first call ends; its connection lingers in TIME_WAIT, but the
	 * slot is free for the next Setup at once */
	CHECK_EQ(call_release(&g, &c1, 1).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(close_fin(&g, &c1), 0);
	c2.sa -= (uint32_t)n; /* the endpoint re-sends the refused Setup */
	CHECK_EQ(from_in(&g, &c2, TH_PSH | TH_ACK, m, n).verdict, MG_VERDICT_ACCEPT);
	CHECK(!out_has(A2));
	x.n = 0;
	mg_engine_foreach_call(g.e, call_cb, &x);
	CHECK_EQ(x.n, 1);
	CHECK(x.id[0] > 1); /* a new id, not the slot number again */
	rig_down(&g);
}

struct adv {
	int advertised, used;
};

static void bind_cb(void *ctx, const struct mg_binding_info *bi)
{
	struct adv *a = ctx;
	if (bi->proto != MG_PROTO_UDP)
		return;
	if (bi->advertised)
		a->advertised++;
	else
		a->used++;
}

TEST(calls_binding_leaves_advertised_once_traffic_uses_it)
{
	struct mg_config cfg = rig_cfg();
	cfg.n_allow = 1;
	cfg.allow[0] = (struct mg_allow){0, 1, 65535};
	cfg.allow_set = true;
	struct rig g;
	CHECK_EQ(rig_up_cfg(&g, &cfg), 0);
	struct conn c = {.in = A, .port = 40000};
	CHECK_EQ(handshake(&g, &c, 1000), 0);
	CHECK_EQ(call_setup(&g, &c, 3, 5000), 0);
	struct adv a = {0, 0};
	mg_engine_foreach_binding(g.e, bind_cb, &a);
	CHECK_EQ(a.advertised, 2); /* RTP and RTCP pair of the proposal */
	CHECK_EQ(a.used, 0);
	/* the inside host sends RTCP from the advertised port */
	uint8_t b[200];
	size_t n = tb_udp(b, A, 5001, B, 7001, (const uint8_t *)"rtcp", 4);
	CHECK_EQ(feed(&g, b, n, MG_SIDE_INSIDE).verdict, MG_VERDICT_ACCEPT);
	a.advertised = a.used = 0;
	mg_engine_foreach_binding(g.e, bind_cb, &a);
	CHECK_EQ(a.advertised, 1);
	CHECK_EQ(a.used, 1);
	rig_down(&g);
}

/* The sourceCallSignalAddress of the Setup that left. */
static bool out_src_sig(uint32_t *ip, uint16_t *port)
{
	struct mg_mc_in in;
	size_t ihl = (size_t)(out[0] & 15) * 4, thl = (size_t)(out[ihl + 12] >> 4) * 4;
	if (out_len < ihl + thl + 4)
		return false;
	if (mg_mc_dec_q931(&in, out + ihl + thl + 4, out_len - ihl - thl - 4) != MG_R_NONE)
		return false;
	const struct mg_h323_addr *a = mg_mc_find_addr(&in.scan, MG_F_SRC_CALLSIG, MG_MC_ANY, MG_MC_ANY);
	if (!a)
		return false;
	memcpy(ip, a->ip, 4);
	*port = a->port;
	return true;
}

static bool pin_to_listener;
static void listen_pin_cb(void *ctx, const struct mg_pinhole_info *pi)
{
	if (pi->proto == MG_PROTO_TCP && pi->to_addr == A && pi->to_port == 1720 && pi->remote == B)
		pin_to_listener = true;
}

TEST(calls_inside_listener_is_advertised_where_it_can_be_reached)
{
	/* with a forward to the listener: the forward's public address:port */
	struct mg_config cfg = rig_cfg();
	cfg.n_forward = 1;
	cfg.forward[0] = (struct mg_forward){MG_PROTO_TCP, 0, 1720, 1720, A, 1720};
	struct rig g;
	CHECK_EQ(rig_up_cfg(&g, &cfg), 0);
	struct conn c = {.in = A, .port = 40000};
	CHECK_EQ(handshake(&g, &c, 1000), 0);
	uint8_t m[600];
	size_t n = setup_msg(m, sizeof(m), A, 1720, 4, 5000);
	CHECK_EQ(from_in(&g, &c, TH_PSH | TH_ACK, m, n).verdict, MG_VERDICT_ACCEPT);
	uint32_t ip;
	uint16_t port;
	CHECK(out_src_sig(&ip, &port));
	CHECK_EQ(ip, P);
	CHECK_EQ(port, 1720);
	rig_down(&g);

	/* without one: a binding, and a pinhole that lets the peer call back */
	CHECK_EQ(rig_up(&g), 0);
	c = (struct conn){.in = A, .port = 40000};
	CHECK_EQ(handshake(&g, &c, 1000), 0);
	CHECK_EQ(from_in(&g, &c, TH_PSH | TH_ACK, m, n).verdict, MG_VERDICT_ACCEPT);
	CHECK(out_src_sig(&ip, &port));
	CHECK_EQ(ip, P);
	pin_to_listener = false;
	mg_engine_foreach_pinhole(g.e, listen_pin_cb, NULL);
	CHECK(pin_to_listener);
	/* the peer calls back the advertised address and gets in */
	uint8_t b[100];
	size_t len = tb_tcp(b, B, 33000, P, port, TH_SYN, 1, 0, NULL, 0);
	CHECK_EQ(feed(&g, b, len, MG_SIDE_OUTSIDE).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_dst(b), A);
	CHECK_EQ(tb_dport(b), 1720);
	rig_down(&g);
}

TEST(calls_forwarded_host_speaks_from_its_forward_address)
{
	struct mg_config cfg = rig_cfg();
	cfg.n_public = 3;
	cfg.public_addr[1] = P2;
	cfg.public_addr[2] = tb_ip("198.19.0.3");
	cfg.n_forward = 2;
	cfg.forward[0] = (struct mg_forward){MG_PROTO_TCP, P, 1720, 1720, A, 1720};
	cfg.forward[1] = (struct mg_forward){MG_PROTO_TCP, P2, 1720, 1720, A2, 1720};
	struct rig g;
	CHECK_EQ(rig_up_cfg(&g, &cfg), 0);
	CHECK_EQ(mg_engine_public_for(g.e, A), P);
	CHECK_EQ(mg_engine_public_for(g.e, A2), P2);
	struct conn c = {.in = A2, .port = 40000};
	CHECK_EQ(handshake(&g, &c, 1000), 0);
	CHECK_EQ(c.pub, P2);
	CHECK_EQ(call_setup(&g, &c, 5, 5000), 0);
	CHECK(out_has(P2));
	CHECK(!out_has(P));
	rig_down(&g);
}

TEST(calls_idle_connections_cannot_crowd_out_calls)
{
	struct mg_config cfg = rig_cfg();
	cfg.max_calls = 8; /* 16 signalling contexts */
	cfg.max_pending_per_source = 32;
	cfg.max_sig_per_source = 40;
	struct rig g;
	CHECK_EQ(rig_up_cfg(&g, &cfg), 0);
	/* one host opens 32 connections and says nothing on them: no
	 * signalling context is spent, and the 33rd is refused */
	static struct conn idle[40];
	for (int i = 0; i < 32; i++) {
		idle[i] = (struct conn){.in = A2, .port = (uint16_t)(30000 + i)};
		CHECK_EQ(handshake(&g, &idle[i], 1000u + (uint32_t)i * 5000u), 0);
	}
	idle[32] = (struct conn){.in = A2, .port = 30032};
	idle[32].sa = 5;
	struct mg_result r = from_in(&g, &idle[32], TH_SYN, NULL, 0);
	CHECK_EQ(r.verdict, MG_VERDICT_DROP);
	CHECK_EQ(r.reason, MG_R_ALG_PENDING_LIMIT);
	/* another host's calls still go through, more than the context table
	 * would hold if idle connections took contexts */
	for (int k = 0; k < 8; k++) {
		struct conn c = {.in = A, .port = (uint16_t)(40000 + 2 * k)};
		CHECK_EQ(handshake(&g, &c, 100u + (uint32_t)k * 7000u), 0);
		CHECK_EQ(call_setup(&g, &c, (uint8_t)(k + 1), (uint16_t)(5000 + 10 * k)), 0);
	}
	CHECK_EQ(mg_engine_stats(g.e)->calls_active, 8);
	/* the idle ones carry no call: they are gone after `timeout
	 * signalling-idle`, the calls' connections stay */
	uint32_t flows = mg_engine_stats(g.e)->flows_active;
	mg_engine_expire(g.e, g.now + (uint64_t)cfg.to.sig_idle * 1000 + 2000);
	CHECK_EQ(mg_engine_stats(g.e)->flows_active, flows - 32);
	CHECK_EQ(mg_engine_stats(g.e)->calls_active, 8);
	rig_down(&g);
}

TEST(calls_connections_per_source_are_limited_in_all)
{
	struct mg_config cfg = rig_cfg();
	cfg.max_pending_per_source = 2;
	cfg.max_sig_per_source = 3;
	struct rig g;
	CHECK_EQ(rig_up_cfg(&g, &cfg), 0);
	/* three connections with calls: no longer pending, but they count */
	for (int k = 0; k < 3; k++) {
		struct conn c = {.in = A, .port = (uint16_t)(40000 + 2 * k)};
		CHECK_EQ(handshake(&g, &c, 100u + (uint32_t)k * 7000u), 0);
		CHECK_EQ(call_setup(&g, &c, (uint8_t)(k + 1), (uint16_t)(5000 + 10 * k)), 0);
	}
	struct conn c4 = {.in = A, .port = 40010};
	c4.sa = 9;
	struct mg_result r = from_in(&g, &c4, TH_SYN, NULL, 0);
	CHECK_EQ(r.verdict, MG_VERDICT_DROP);
	CHECK_EQ(r.reason, MG_R_ALG_SOURCE_LIMIT);
	CHECK_EQ(mg_engine_stats(g.e)->dropped[MG_R_ALG_SOURCE_LIMIT], 1);
	rig_down(&g);
}

TEST(calls_malformed_signalling_from_outside_follows_its_own_policy)
{
	uint8_t m[600];
	size_t n = setup_msg(m, sizeof(m), B, 33000, 6, 5000);
	CHECK(n > 40);
	size_t cut = n - 30; /* a well-framed message whose UUIE is cut short */
	m[2] = (uint8_t)(cut >> 8);
	m[3] = (uint8_t)cut;
	for (int drop = 0; drop < 2; drop++) {
		struct mg_config cfg = rig_cfg();
		cfg.n_forward = 1;
		cfg.forward[0] = (struct mg_forward){MG_PROTO_TCP, 0, 1720, 1720, A, 1720};
		cfg.malformed_outside_drop = drop;
		struct rig g;
		CHECK_EQ(rig_up_cfg(&g, &cfg), 0);
		uint8_t b[1000];
		size_t len = tb_tcp(b, B, 33000, P, 1720, TH_SYN, 100, 0, NULL, 0);
		CHECK_EQ(feed(&g, b, len, MG_SIDE_OUTSIDE).verdict, MG_VERDICT_ACCEPT);
		len = tb_tcp(b, A, 1720, B, 33000, TH_SYN | TH_ACK, 900, 101, NULL, 0);
		CHECK_EQ(feed(&g, b, len, MG_SIDE_INSIDE).verdict, MG_VERDICT_ACCEPT);
		len = tb_tcp(b, B, 33000, P, 1720, TH_ACK, 101, 901, NULL, 0);
		CHECK_EQ(feed(&g, b, len, MG_SIDE_OUTSIDE).verdict, MG_VERDICT_ACCEPT);
		len = tb_tcp(b, B, 33000, P, 1720, TH_PSH | TH_ACK, 101, 901, m, cut);
		struct mg_result r = feed(&g, b, len, MG_SIDE_OUTSIDE);
		const struct mg_stats *st = mg_engine_stats(g.e);
		uint64_t bad_dropped = st->dropped[MG_R_ALG_Q931_BAD] + st->dropped[MG_R_ALG_H225_BAD] +
				       st->dropped[MG_R_ALG_H245_BAD];
		uint64_t bad_passed = st->events[MG_R_ALG_Q931_BAD] + st->events[MG_R_ALG_H225_BAD] +
				      st->events[MG_R_ALG_H245_BAD];
		if (drop) {
			CHECK_EQ(r.verdict, MG_VERDICT_DROP);
			CHECK_EQ(bad_dropped, 1);
			CHECK_EQ(bad_passed, 0);
		} else {
			CHECK_EQ(r.verdict, MG_VERDICT_ACCEPT);
			CHECK_EQ(bad_dropped, 0);
			CHECK_EQ(bad_passed, 1);
		}
		rig_down(&g);
	}
}

static char last_lines[4][512];
static int last_levels[4];
static int n_lines;
static void grab_log(void *ctx, uint64_t now, int level, const char *line)
{
	last_levels[n_lines % 4] = level;
	snprintf(last_lines[n_lines % 4], sizeof(last_lines[0]), "%s", line);
	n_lines++;
}

TEST(calls_log_lines_name_the_tuple_side_call_and_call_identifier)
{
	struct rig g;
	CHECK_EQ(rig_up(&g), 0);
	mg_engine_set_log(g.e, grab_log, NULL);
	n_lines = 0;
	/* a drop: side and 5-tuple */
	uint8_t b[200];
	size_t n = tb_udp(b, A, 6000, B, 9999, (const uint8_t *)"x", 1);
	CHECK_EQ(feed(&g, b, n, MG_SIDE_INSIDE).reason, MG_R_POLICY_OUTBOUND);
	CHECK_EQ(n_lines, 1);
	CHECK(strstr(last_lines[0], "policy-outbound") != NULL);
	CHECK(strstr(last_lines[0], "inside") != NULL);
	CHECK(strstr(last_lines[0], "udp 198.18.1.10:6000 -> 198.19.0.20:9999") != NULL);
	CHECK_EQ(last_levels[0], MG_LOG_INFO); /* drops are routine */
	/* a call line: the call's id and its callIdentifier */
	struct conn c1 = {.in = A, .port = 40000}, c3 = {.in = A2, .port = 41000};
	CHECK_EQ(handshake(&g, &c1, 1000), 0);
	CHECK_EQ(call_setup(&g, &c1, 0x5a, 5000), 0);
	struct ids x = {{0}, 0};
	mg_engine_foreach_call(g.e, call_cb, &x);
	CHECK_EQ(x.n, 1);
	CHECK_EQ(handshake(&g, &c3, 3000), 0);
	/* an undecodable message on the call's own connection is logged with the call */
	uint8_t junk[] = {3, 0, 0, 9, 0x08, 0x02, 0x00, 0x5a, 0x99};
	n_lines = 0;
	from_in(&g, &c1, TH_PSH | TH_ACK, junk, sizeof(junk));
	CHECK(n_lines >= 1);
	char want[64];
	snprintf(want, sizeof(want), "call %u {5a5a5a5a-5a5a-5a5a-5a5a-5a5a5a5a5a5a}", x.id[0]);
	bool found = false;
	for (int i = 0; i < n_lines && i < 4; i++)
		if (strstr(last_lines[i], want) != NULL) {
			found = true;
			CHECK_EQ(last_levels[i], MG_LOG_WARNING); /* an ALG event */
		}
	if (!found)
		for (int i = 0; i < n_lines && i < 4; i++)
			fprintf(stderr, "  line: %s\n", last_lines[i]);
	CHECK(found);
	rig_down(&g);
}

TEST(calls_closed_connections_no_longer_count_against_their_source)
{
	struct mg_config cfg = rig_cfg();
	cfg.max_pending_per_source = 2;
	struct rig g;
	CHECK_EQ(rig_up_cfg(&g, &cfg), 0);
	/* two connections that never carry a call, closed by both ends: they
	 * linger in TIME_WAIT, but the source may connect again at once */
	for (int k = 0; k < 2; k++) {
		struct conn c = {.in = A, .port = (uint16_t)(40000 + k)};
		CHECK_EQ(handshake(&g, &c, 100u + (uint32_t)k * 7000u), 0);
		CHECK_EQ(close_fin(&g, &c), 0);
	}
	struct conn c3 = {.in = A, .port = 40010};
	CHECK_EQ(handshake(&g, &c3, 50000), 0);
	CHECK_EQ(call_setup(&g, &c3, 1, 5000), 0);
	CHECK_EQ(mg_engine_stats(g.e)->dropped[MG_R_ALG_PENDING_LIMIT], 0);
	rig_down(&g);
}

static struct mg_call_trace call_ev[4];
static char call_why[4][48];
static int n_call_ev;
static void call_trace(void *ctx, const struct mg_call_trace *t)
{
	if (t->kind != MG_CALL_TR_CALL_START && t->kind != MG_CALL_TR_CALL_END)
		return;
	if (n_call_ev < 4) {
		call_ev[n_call_ev] = *t;
		snprintf(call_why[n_call_ev], sizeof(call_why[0]), "%s", t->name ? t->name : "");
	}
	n_call_ev++;
}

TEST(calls_trace_reports_start_and_end_of_a_call)
{
	struct rig g;
	CHECK_EQ(rig_up(&g), 0);
	mg_engine_set_call_trace(g.e, call_trace, NULL);
	n_call_ev = 0;
	struct conn c1 = {.in = A, .port = 40000};
	CHECK_EQ(handshake(&g, &c1, 1000), 0);
	CHECK_EQ(call_setup(&g, &c1, 0x5a, 5000), 0);
	CHECK_EQ(n_call_ev, 1);
	CHECK_EQ(call_ev[0].kind, MG_CALL_TR_CALL_START);
	CHECK(call_ev[0].from_inside); /* outbound */
	CHECK_EQ(call_ev[0].sender, A);
	CHECK_EQ(call_ev[0].ip[0], B);
	CHECK_EQ(call_ev[0].port[0], 1720);
	CHECK(call_ev[0].guid != NULL);
	CHECK(call_ev[0].call != 0);
	g.now += 2500;
	CHECK_EQ(call_release(&g, &c1, 0x5a).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(n_call_ev, 2);
	CHECK_EQ(call_ev[1].kind, MG_CALL_TR_CALL_END);
	CHECK_EQ(call_ev[1].call, call_ev[0].call);
	CHECK(strcmp(call_why[1], "releaseComplete from inside") == 0);
	CHECK(call_ev[1].now - call_ev[1].created >= 2500);
	CHECK_EQ(call_ev[1].sender, A);
	CHECK_EQ(call_ev[1].receiver, B);
	rig_down(&g);
}

/* ---- calls as reports see them (mg_engine_walk_calls, ladders, media) ---- */

static struct mg_call_info last_ci;
static void info_cb(void *ctx, const struct mg_call_info *ci)
{
	last_ci = *ci;
	(*(int *)ctx)++;
}

/* A Setup like setup_msg's, with aliases. */
static size_t setup_alias_msg(uint8_t *buf, size_t cap, uint32_t in, uint8_t g, const char *src,
			      const char *dst)
{
	struct mg_mc_h225 m;
	memset(&m, 0, sizeof(m));
	m.body = MG_H225_SETUP;
	m.call_ref = g;
	memset(m.call_id, g, 16);
	memset(m.conf_id, g, 16);
	memcpy(m.src_sig.ip, &in, 4);
	m.src_sig.port = 40000;
	uint32_t b = B;
	memcpy(m.dst_sig.ip, &b, 4);
	m.dst_sig.port = 1720;
	m.src_alias = src;
	m.dst_alias = dst;
	return mg_mc_enc_h225(&m, buf, cap);
}

TEST(calls_report_aliases_guid_route_and_state)
{
	struct rig g;
	CHECK_EQ(rig_up(&g), 0);
	struct conn c = {.in = A, .port = 40000};
	CHECK_EQ(handshake(&g, &c, 1000), 0);
	uint8_t m[600];
	size_t n = setup_alias_msg(m, sizeof(m), A, 3, "Alice Smith", "5551234#");
	CHECK(n > 0);
	CHECK_EQ(from_in(&g, &c, TH_PSH | TH_ACK, m, n).verdict, MG_VERDICT_ACCEPT);
	int k = 0;
	mg_engine_foreach_call(g.e, info_cb, &k);
	CHECK_EQ(k, 1);
	CHECK(last_ci.has_guid);
	CHECK_EQ(last_ci.guid[0], 3);
	CHECK_EQ(last_ci.guid[15], 3);
	CHECK(strcmp(last_ci.alg, "h323") == 0);
	CHECK(strcmp(last_ci.route, "outbound") == 0);
	CHECK(strcmp(last_ci.state, "setup") == 0);
	CHECK_EQ(last_ci.inside_addr, A);
	CHECK_EQ(last_ci.peer_addr, B);
	CHECK_EQ(last_ci.n_alias[0], 1);
	CHECK_EQ(last_ci.alias[0][0].type, MG_ALIAS_NAME);
	CHECK(strcmp(last_ci.alias[0][0].s, "Alice Smith") == 0);
	CHECK_EQ(last_ci.n_alias[1], 1);
	CHECK_EQ(last_ci.alias[1][0].type, MG_ALIAS_DIGITS);
	CHECK(strcmp(last_ci.alias[1][0].s, "5551234#") == 0);
	CHECK(!last_ci.alias[1][0].cut);

	/* a re-sent Setup with other aliases changes nothing */
	n = setup_alias_msg(m, sizeof(m), A, 3, "Mallory", NULL);
	CHECK_EQ(from_in(&g, &c, TH_PSH | TH_ACK, m, n).verdict, MG_VERDICT_ACCEPT);
	k = 0;
	mg_engine_foreach_call(g.e, info_cb, &k);
	CHECK(strcmp(last_ci.alias[0][0].s, "Alice Smith") == 0);
	CHECK_EQ(last_ci.n_alias[1], 1);
	CHECK_EQ(last_ci.messages, 2);
	rig_down(&g);
}

TEST(calls_report_long_aliases_cut_and_no_aliases)
{
	struct rig g;
	CHECK_EQ(rig_up(&g), 0);
	struct conn c = {.in = A, .port = 40000};
	CHECK_EQ(handshake(&g, &c, 1000), 0);
	char lng[201];
	memset(lng, 'x', 200);
	lng[200] = '\0';
	uint8_t m[900];
	size_t n = setup_alias_msg(m, sizeof(m), A, 5, lng, NULL);
	CHECK(n > 0);
	CHECK_EQ(from_in(&g, &c, TH_PSH | TH_ACK, m, n).verdict, MG_VERDICT_ACCEPT);
	int k = 0;
	mg_engine_foreach_call(g.e, info_cb, &k);
	CHECK_EQ(k, 1);
	CHECK_EQ(last_ci.n_alias[0], 1);
	CHECK(last_ci.alias[0][0].cut);
	CHECK_EQ(strlen(last_ci.alias[0][0].s), MG_CALL_ALIAS_LEN - 1);
	CHECK_EQ(last_ci.n_alias[1], 0);
	rig_down(&g);
}

struct find_pin {
	uint32_t owner;
	const char *what;
	struct mg_pinhole_info pi;
	bool found;
};
static void find_pin_cb(void *ctx, const struct mg_pinhole_info *pi)
{
	struct find_pin *f = ctx;
	if (pi->owner == f->owner && strcmp(pi->what, f->what) == 0) {
		f->pi = *pi;
		f->found = true;
	}
}

TEST(calls_report_media_per_direction)
{
	struct rig g;
	CHECK_EQ(rig_up(&g), 0);
	struct conn c = {.in = A, .port = 40000};
	CHECK_EQ(handshake(&g, &c, 1000), 0);
	CHECK_EQ(call_setup(&g, &c, 6, 5000), 0);
	int k = 0;
	mg_engine_foreach_call(g.e, info_cb, &k);
	CHECK_EQ(k, 1);
	struct find_pin fp = {.owner = last_ci.id, .what = "rtcp"};
	mg_engine_foreach_pinhole(g.e, find_pin_cb, &fp);
	CHECK(fp.found);
	/* 3 packets in through the pinhole, 2 answers out on that flow */
	uint8_t b[300], pay[100] = {0x80};
	size_t len = 0;
	for (int i = 0; i < 3; i++) {
		len = tb_udp(b, B, 7001, fp.pi.dst_addr, fp.pi.dst_port, pay, sizeof(pay));
		CHECK_EQ(feed(&g, b, len, MG_SIDE_OUTSIDE).verdict, MG_VERDICT_ACCEPT);
	}
	size_t in_len = len;
	for (int i = 0; i < 2; i++) {
		len = tb_udp(b, A, 5001, B, 7001, pay, 40);
		CHECK_EQ(feed(&g, b, len, MG_SIDE_INSIDE).verdict, MG_VERDICT_ACCEPT);
	}
	/* signalling is not media */
	CHECK_EQ(from_out(&g, &c, TH_ACK, NULL, 0).verdict, MG_VERDICT_ACCEPT);
	k = 0;
	mg_engine_foreach_call(g.e, info_cb, &k);
	CHECK_EQ(last_ci.media_pkts[1], 3);
	CHECK_EQ(last_ci.media_bytes[1], 3 * in_len);
	CHECK_EQ(last_ci.media_pkts[0], 2);
	CHECK_EQ(last_ci.media_bytes[0], 2 * len);
	CHECK(last_ci.pinholes > 0);
	rig_down(&g);
}

TEST(calls_ladder_tells_messages_rewrites_and_pinholes)
{
	struct rig g;
	CHECK_EQ(rig_up(&g), 0);
	static struct mg_call_ladder l;
	CHECK(!mg_engine_call_ladder(g.e, 1, &l));
	struct conn c = {.in = A, .port = 40000};
	CHECK_EQ(handshake(&g, &c, 1000), 0);
	CHECK_EQ(call_setup(&g, &c, 2, 5000), 0);
	int k = 0;
	mg_engine_foreach_call(g.e, info_cb, &k);
	CHECK(mg_engine_call_ladder(g.e, last_ci.id, &l));
	CHECK(!mg_engine_call_ladder(g.e, last_ci.id + 1, &l));
	CHECK(mg_engine_call_ladder(g.e, last_ci.id, &l));
	CHECK_EQ(l.ci.id, last_ci.id);
	CHECK_EQ(l.lost, 0);
	CHECK(l.n >= 3);
	CHECK_EQ(l.step[0].kind, MG_STEP_MSG);
	CHECK(strcmp(l.step[0].name, "setup") == 0);
	CHECK_EQ(l.step[0].from_inside, 1);
	CHECK_EQ(l.step[0].t_ms, 0);
	bool rewrite = false, pin = false;
	for (uint32_t i = 0; i < l.n; i++) {
		if (l.step[i].kind == MG_STEP_REWRITE && l.step[i].ip[0] == A && l.step[i].ip[1] == P &&
		    l.step[i].port[0] == 40000 && strcmp(l.step[i].name, "sourceCallSignalAddress") == 0)
			rewrite = true;
		if (l.step[i].kind == MG_STEP_PIN_OPEN)
			pin = true;
	}
	CHECK(rewrite);
	CHECK(pin);

	/* an answer from the outside, later */
	struct mg_mc_h225 m;
	memset(&m, 0, sizeof(m));
	m.body = MG_H225_CALL_PROCEEDING;
	m.call_ref = 2;
	m.from_callee = true;
	memset(m.call_id, 2, 16);
	uint8_t b[300];
	size_t n = mg_mc_enc_h225(&m, b, sizeof(b));
	g.now += 990;
	CHECK_EQ(from_out(&g, &c, TH_PSH | TH_ACK, b, n).verdict, MG_VERDICT_ACCEPT);
	CHECK(mg_engine_call_ladder(g.e, last_ci.id, &l));
	const struct mg_call_step *s = &l.step[l.n - 1];
	CHECK_EQ(s->kind, MG_STEP_MSG);
	CHECK(strcmp(s->name, "callProceeding") == 0);
	CHECK_EQ(s->from_inside, 0);
	CHECK(s->t_ms >= 1000);
	rig_down(&g);
}

TEST(calls_ladder_is_bounded_and_keeps_the_last_steps)
{
	struct rig g;
	CHECK_EQ(rig_up(&g), 0);
	struct conn c = {.in = A, .port = 40000};
	CHECK_EQ(handshake(&g, &c, 1000), 0);
	CHECK_EQ(call_setup(&g, &c, 8, 5000), 0);
	static struct mg_call_ladder l;
	int k = 0;
	mg_engine_foreach_call(g.e, info_cb, &k);
	CHECK(mg_engine_call_ladder(g.e, last_ci.id, &l));
	uint32_t first = l.n;
	/* 40 Facility messages from the outside: one step each */
	struct mg_mc_h225 m;
	memset(&m, 0, sizeof(m));
	m.body = MG_H225_FACILITY;
	m.call_ref = 8;
	m.from_callee = true;
	memset(m.call_id, 8, 16);
	uint8_t b[300];
	size_t n = mg_mc_enc_h225(&m, b, sizeof(b));
	for (int i = 0; i < 40; i++)
		CHECK_EQ(from_out(&g, &c, TH_PSH | TH_ACK, b, n).verdict, MG_VERDICT_ACCEPT);
	CHECK(mg_engine_call_ladder(g.e, last_ci.id, &l));
	CHECK_EQ(l.n, MG_CALL_STEPS);
	CHECK_EQ(l.lost, first + 40 - MG_CALL_STEPS);
	for (uint32_t i = 0; i < l.n; i++) {
		CHECK_EQ(l.step[i].kind, MG_STEP_MSG);
		CHECK(strcmp(l.step[i].name, "facility") == 0);
		CHECK(i == 0 || l.step[i].t_ms >= l.step[i - 1].t_ms);
	}
	/* the call ends: no ladder any more */
	CHECK_EQ(call_release(&g, &c, 8).verdict, MG_VERDICT_ACCEPT);
	CHECK(!mg_engine_call_ladder(g.e, last_ci.id, &l));
	rig_down(&g);
}

TEST(calls_report_route_of_a_call_back_through_a_listener_pinhole)
{
	struct rig g;
	CHECK_EQ(rig_up(&g), 0);
	struct conn c = {.in = A, .port = 40000};
	CHECK_EQ(handshake(&g, &c, 1000), 0);
	uint8_t m[600];
	size_t n = setup_msg(m, sizeof(m), A, 1720, 4, 5000);
	CHECK_EQ(from_in(&g, &c, TH_PSH | TH_ACK, m, n).verdict, MG_VERDICT_ACCEPT);
	uint32_t ip;
	uint16_t port;
	CHECK(out_src_sig(&ip, &port));
	/* the peer calls back the advertised listener with a Setup of its own */
	struct conn d = {.in = A, .port = 1720, .pub = P, .pub_port = port, .sa = 500, .sb = 9000};
	uint8_t b[700];
	size_t len = tb_tcp(b, B, 33000, P, port, TH_SYN, d.sb, 0, NULL, 0);
	CHECK_EQ(feed(&g, b, len, MG_SIDE_OUTSIDE).verdict, MG_VERDICT_ACCEPT);
	len = tb_tcp(b, A, 1720, B, 33000, TH_SYN | TH_ACK, d.sa, d.sb + 1, NULL, 0);
	CHECK_EQ(feed(&g, b, len, MG_SIDE_INSIDE).verdict, MG_VERDICT_ACCEPT);
	len = tb_tcp(b, B, 33000, P, port, TH_ACK, d.sb + 1, d.sa + 1, NULL, 0);
	CHECK_EQ(feed(&g, b, len, MG_SIDE_OUTSIDE).verdict, MG_VERDICT_ACCEPT);
	struct mg_mc_h225 s;
	memset(&s, 0, sizeof(s));
	s.body = MG_H225_SETUP;
	s.call_ref = 9;
	memset(s.call_id, 9, 16);
	memset(s.conf_id, 9, 16);
	uint32_t pb = B;
	memcpy(s.src_sig.ip, &pb, 4);
	s.src_sig.port = 33000;
	memcpy(s.dst_sig.ip, &ip, 4);
	s.dst_sig.port = port;
	s.src_alias = "bob";
	n = mg_mc_enc_h225(&s, m, sizeof(m));
	len = tb_tcp(b, B, 33000, P, port, TH_PSH | TH_ACK, d.sb + 1, d.sa + 1, m, n);
	CHECK_EQ(feed(&g, b, len, MG_SIDE_OUTSIDE).verdict, MG_VERDICT_ACCEPT);
	int k = 0;
	mg_engine_foreach_call(g.e, info_cb, &k);
	CHECK_EQ(k, 2);
	/* the walk goes by slot: the call-back is the second */
	CHECK(last_ci.inbound);
	CHECK(strcmp(last_ci.route, "pinhole") == 0);
	CHECK(strcmp(last_ci.alias[0][0].s, "bob") == 0);
	rig_down(&g);
}
