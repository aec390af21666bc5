/* test_h323_media.c - whom a call's media pinholes admit (alg media-source)
 * when signalling goes through a gatekeeper G and the far endpoint P sends
 * the media; and H.460.18 / .19 calls, whose signalling passes unmodified. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alg/h323.h"
#include "core/engine.h"
#include "harness.h"
#include "meetcall/mc_msg.h"
#include "pktbuild.h"

#define A tb_ip("198.18.1.10")   /* inside endpoint */
#define G tb_ip("198.19.0.20")   /* gatekeeper: the signalling peer */
#define FAR tb_ip("198.19.0.77") /* the far endpoint, as its media address */
#define X tb_ip("198.19.0.99")   /* anyone else */
#define PUB tb_ip("198.19.0.1")

#define TH_SYN 0x02
#define TH_PSH 0x08
#define TH_ACK 0x10

struct rig {
	struct mg_engine *e;
	struct mg_h323 *h;
	uint64_t now;
	uint32_t sa, sb;   /* next sequence numbers of A and G */
	uint32_t pub;      /* A's connection as G sees it */
	uint16_t pub_port;
	uint8_t out[4096]; /* the last packet accepted */
	size_t out_len;
};

static struct mg_result feed(struct rig *g, uint8_t *b, size_t n, enum mg_side side)
{
	g->now += 10;
	struct mg_result r = mg_engine_process(g->e, b, (uint32_t)n, side, g->now);
	if (r.verdict == MG_VERDICT_ACCEPT && n <= sizeof(g->out)) {
		memcpy(g->out, b, n);
		g->out_len = n;
	}
	return r;
}

static struct mg_result from_a(struct rig *g, uint8_t flags, const uint8_t *pay, size_t n)
{
	static uint8_t b[4096];
	size_t len = tb_tcp(b, A, 40000, G, 1720, flags, g->sa, (flags & TH_ACK) ? g->sb : 0, pay, n);
	struct mg_result r = feed(g, b, len, MG_SIDE_INSIDE);
	if (r.verdict == MG_VERDICT_ACCEPT) {
		g->pub = tb_src(b);
		g->pub_port = tb_sport(b);
	}
	g->sa += (uint32_t)n + ((flags & TH_SYN) ? 1 : 0);
	return r;
}

static struct mg_result from_g(struct rig *g, uint8_t flags, const uint8_t *pay, size_t n)
{
	static uint8_t b[4096];
	size_t len = tb_tcp(b, G, 1720, g->pub, g->pub_port, flags, g->sb, g->sa, pay, n);
	struct mg_result r = feed(g, b, len, MG_SIDE_OUTSIDE);
	g->sb += (uint32_t)n + ((flags & TH_SYN) ? 1 : 0);
	return r;
}

static enum mg_h460_policy rig_h460 = MG_H460_CONFIRMED; /* `alg h460` of the next rig */

static int rig_up(struct rig *g, enum mg_media_source ms)
{
	struct mg_config c;
	tb_lab_config(&c, PUB);
	c.media_source = ms;
	c.h460 = rig_h460;
	char err[200];
	memset(g, 0, sizeof(*g));
	g->now = 1000;
	g->e = mg_engine_new(&c, 7, err, sizeof(err));
	if (!g->e)
		return -1;
	g->h = mg_h323_attach(g->e);
	g->sa = 1000;
	g->sb = 7011;
	if (!g->h || from_a(g, TH_SYN, NULL, 0).verdict != MG_VERDICT_ACCEPT ||
	    from_g(g, TH_SYN | TH_ACK, NULL, 0).verdict != MG_VERDICT_ACCEPT ||
	    from_a(g, TH_ACK, NULL, 0).verdict != MG_VERDICT_ACCEPT)
		return -1;
	return 0;
}

static void rig_down(struct rig *g)
{
	mg_engine_free(g->e);
	mg_h323_free(g->h);
}

/* One fastStart element: an OLC with mediaChannel ip:port (if port) and
 * mediaControlChannel ip:port+1. */
static size_t olc(uint8_t *buf, size_t cap, uint32_t ip, uint16_t port, bool media)
{
	struct mg_mc_olc o = {.lcn = 1, .has_media = media, .has_ctrl = true};
	memcpy(o.media.ip, &ip, 4);
	o.media.port = port;
	memcpy(o.ctrl.ip, &ip, 4);
	o.ctrl.port = (uint16_t)(port + 1);
	return mg_mc_enc_olc_body(&o, buf, cap);
}

/* A's Setup to G: callIdentifier {7..}, one fastStart proposal whose RTCP
 * address is A:5001; feature: supportedFeatures naming H.460.<feature>. */
static size_t setup_msg(uint8_t *buf, size_t cap, uint16_t feature)
{
	static uint8_t el[200];
	static struct mg_mc_blob fs;
	fs.p = el;
	fs.n = olc(el, sizeof(el), A, 5000, false);
	struct mg_mc_h225 m;
	memset(&m, 0, sizeof(m));
	m.body = MG_H225_SETUP;
	m.call_ref = 7;
	memset(m.call_id, 7, 16);
	memset(m.conf_id, 7, 16);
	uint32_t a = A, gk = G;
	memcpy(m.src_sig.ip, &a, 4);
	m.src_sig.port = 40000;
	memcpy(m.dst_sig.ip, &gk, 4);
	m.dst_sig.port = 1720;
	m.tunneling = true;
	m.faststart = &fs;
	m.n_faststart = 1;
	m.feature = feature;
	return mg_mc_enc_h225(&m, buf, cap);
}

/* The Connect G relays from the far endpoint: its fastStart answer gives
 * the far endpoint's media address FAR:7000 / 7001. */
static size_t connect_msg(uint8_t *buf, size_t cap)
{
	static uint8_t el[200];
	static struct mg_mc_blob fs;
	fs.p = el;
	fs.n = olc(el, sizeof(el), FAR, 7000, true);
	struct mg_mc_h225 m;
	memset(&m, 0, sizeof(m));
	m.body = MG_H225_CONNECT;
	m.call_ref = 7;
	m.from_callee = true;
	memset(m.call_id, 7, 16);
	memset(m.conf_id, 7, 16);
	m.tunneling = true;
	m.faststart = &fs;
	m.n_faststart = 1;
	return mg_mc_enc_h225(&m, buf, cap);
}

/* The call's inbound RTP pinholes: one destination, the sources they admit. */
struct rtp_pins {
	struct mg_pinhole_info pi;
	int n;
	uint32_t remote[4];
};

static void rtp_cb(void *ctx, const struct mg_pinhole_info *pi)
{
	struct rtp_pins *f = ctx;
	if (pi->side != MG_SIDE_OUTSIDE || pi->proto != MG_PROTO_UDP || strcmp(pi->what, "rtp") != 0)
		return;
	if (f->n > 0 && (pi->dst_addr != f->pi.dst_addr || pi->dst_port != f->pi.dst_port))
		f->n = 99; /* two destinations: not this test's call */
	f->pi = *pi;
	if (f->n < 4)
		f->remote[f->n] = pi->remote;
	f->n++;
}

static int rtp_pins(struct rig *g, struct rtp_pins *f)
{
	memset(f, 0, sizeof(*f));
	mg_engine_foreach_pinhole(g->e, rtp_cb, f);
	return f->n >= 1 && f->n <= 4 ? f->n : -1;
}

static bool admits(const struct rtp_pins *f, uint32_t ip)
{
	for (int i = 0; i < f->n && i < 4; i++)
		if (f->remote[i] == ip)
			return true;
	return false;
}

static int rtp_pin(struct rig *g, struct mg_pinhole_info *pi)
{
	struct rtp_pins f;
	int n = rtp_pins(g, &f);
	*pi = f.pi;
	return n > 0 ? 0 : -1;
}

/* A UDP packet from src to the public RTP port: passes? */
static bool media_from(struct rig *g, uint32_t src, uint16_t sport)
{
	struct mg_pinhole_info pi;
	if (rtp_pin(g, &pi) != 0)
		return false;
	uint8_t b[300], pay[60] = {0x80};
	size_t len = tb_udp(b, src, sport, pi.dst_addr, pi.dst_port, pay, sizeof(pay));
	struct mg_result r = feed(g, b, len, MG_SIDE_OUTSIDE);
	return r.verdict == MG_VERDICT_ACCEPT && tb_dst(b) == A && tb_dport(b) == pi.to_port;
}

/* The Setup through G, then the Connect naming FAR as the media source. */
static int call_through_gatekeeper(struct rig *g)
{
	uint8_t m[600];
	size_t n = setup_msg(m, sizeof(m), 0);
	if (!n || from_a(g, TH_PSH | TH_ACK, m, n).verdict != MG_VERDICT_ACCEPT)
		return -1;
	n = connect_msg(m, sizeof(m));
	if (!n || from_g(g, TH_PSH | TH_ACK, m, n).verdict != MG_VERDICT_ACCEPT)
		return -1;
	return 0;
}

TEST(media_negotiated_admits_the_far_endpoint)
{
	struct rig g;
	CHECK_EQ(rig_up(&g, MG_MEDIA_NEGOTIATED), 0);
	CHECK_EQ(call_through_gatekeeper(&g), 0);
	/* what `show pinholes` prints as their remote: the far endpoint, and
	 * the signalling peer as under `peer` */
	struct rtp_pins f;
	CHECK_EQ(rtp_pins(&g, &f), 2);
	CHECK(admits(&f, FAR));
	CHECK(admits(&f, G));
	CHECK(media_from(&g, FAR, 7000));
	CHECK(!media_from(&g, X, 7000));
	CHECK_EQ(mg_engine_stats(g.e)->dropped[MG_R_INBOUND_NO_PINHOLE], 1);
	CHECK(media_from(&g, G, 7000));
	rig_down(&g);
}

TEST(media_negotiated_follows_the_last_address_given)
{
	struct rig g;
	CHECK_EQ(rig_up(&g, MG_MEDIA_NEGOTIATED), 0);
	CHECK_EQ(call_through_gatekeeper(&g), 0);
	/* an OLC tunnelled in a Facility names another media address */
	static uint8_t el[200], m[600];
	struct mg_mc_olc o = {.lcn = 2, .has_ctrl = true};
	uint32_t x = X;
	memcpy(o.ctrl.ip, &x, 4);
	o.ctrl.port = 9001;
	struct mg_mc_blob t = {el, mg_mc_enc_olc(&o, el, sizeof(el))};
	struct mg_mc_h225 f;
	memset(&f, 0, sizeof(f));
	f.body = MG_H225_FACILITY;
	f.call_ref = 7;
	f.from_callee = true;
	memset(f.call_id, 7, 16);
	f.tunneling = true;
	f.h245 = &t;
	f.n_h245 = 1;
	size_t n = mg_mc_enc_h225(&f, m, sizeof(m));
	CHECK(n > 0 && t.n > 0);
	CHECK_EQ(from_g(&g, TH_PSH | TH_ACK, m, n).verdict, MG_VERDICT_ACCEPT);
	struct rtp_pins p;
	CHECK_EQ(rtp_pins(&g, &p), 2);
	CHECK(admits(&p, X));
	CHECK(admits(&p, G));
	CHECK(!admits(&p, FAR));
	rig_down(&g);
}

TEST(media_negotiated_admits_the_peer_until_an_address_is_negotiated)
{
	struct rig g;
	CHECK_EQ(rig_up(&g, MG_MEDIA_NEGOTIATED), 0);
	uint8_t m[600];
	size_t n = setup_msg(m, sizeof(m), 0);
	CHECK_EQ(from_a(&g, TH_PSH | TH_ACK, m, n).verdict, MG_VERDICT_ACCEPT);
	struct rtp_pins f;
	CHECK_EQ(rtp_pins(&g, &f), 1);
	CHECK_EQ(f.remote[0], G);
	CHECK(media_from(&g, G, 7000));
	CHECK(!media_from(&g, FAR, 7000));
	uint64_t opened = mg_engine_stats(g.e)->pinholes_opened;
	/* the answer names FAR: the pinholes already open get a twin for it */
	n = connect_msg(m, sizeof(m));
	CHECK_EQ(from_g(&g, TH_PSH | TH_ACK, m, n).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(rtp_pins(&g, &f), 2);
	CHECK(admits(&f, FAR));
	CHECK(media_from(&g, FAR, 7002));
	CHECK(mg_engine_stats(g.e)->pinholes_opened > opened);
	/* the same answer again changes nothing */
	opened = mg_engine_stats(g.e)->pinholes_opened;
	CHECK_EQ(from_g(&g, TH_PSH | TH_ACK, m, n).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(mg_engine_stats(g.e)->pinholes_opened, opened);
	rig_down(&g);
}

struct to_port {
	uint16_t port;
	int n;
	bool far, gk;
};

static void to_port_cb(void *ctx, const struct mg_pinhole_info *pi)
{
	struct to_port *t = ctx;
	if (pi->side != MG_SIDE_OUTSIDE || pi->proto != MG_PROTO_UDP || pi->to_port != t->port)
		return;
	t->n++;
	t->far |= pi->remote == FAR;
	t->gk |= pi->remote == G;
}

TEST(media_negotiated_new_inside_channel_admits_both_at_once)
{
	struct rig g;
	CHECK_EQ(rig_up(&g, MG_MEDIA_NEGOTIATED), 0);
	CHECK_EQ(call_through_gatekeeper(&g), 0);
	/* A opens a second channel (tunnelled OLC, RTCP at A:6001) */
	static uint8_t el[200], m[600];
	struct mg_mc_olc o = {.lcn = 2, .has_ctrl = true};
	uint32_t a = A;
	memcpy(o.ctrl.ip, &a, 4);
	o.ctrl.port = 6001;
	struct mg_mc_blob t = {el, mg_mc_enc_olc(&o, el, sizeof(el))};
	struct mg_mc_h225 f;
	memset(&f, 0, sizeof(f));
	f.body = MG_H225_FACILITY;
	f.call_ref = 7;
	memset(f.call_id, 7, 16);
	f.tunneling = true;
	f.h245 = &t;
	f.n_h245 = 1;
	size_t n = mg_mc_enc_h225(&f, m, sizeof(m));
	CHECK(n > 0 && t.n > 0);
	CHECK_EQ(from_a(&g, TH_PSH | TH_ACK, m, n).verdict, MG_VERDICT_ACCEPT);
	struct to_port tp = {.port = 6000};
	mg_engine_foreach_pinhole(g.e, to_port_cb, &tp);
	CHECK_EQ(tp.n, 2);
	CHECK(tp.far && tp.gk);
	tp = (struct to_port){.port = 6001};
	mg_engine_foreach_pinhole(g.e, to_port_cb, &tp);
	CHECK_EQ(tp.n, 2);
	CHECK(tp.far && tp.gk);
	rig_down(&g);
}

TEST(media_peer_admits_only_the_gatekeeper)
{
	struct rig g;
	CHECK_EQ(rig_up(&g, MG_MEDIA_PEER), 0);
	CHECK_EQ(call_through_gatekeeper(&g), 0);
	struct rtp_pins f;
	CHECK_EQ(rtp_pins(&g, &f), 1);
	CHECK_EQ(f.remote[0], G);
	CHECK(!media_from(&g, FAR, 7000));
	CHECK(!media_from(&g, X, 7000));
	CHECK(media_from(&g, G, 7000));
	rig_down(&g);
}

TEST(media_any_admits_everyone)
{
	struct rig g;
	CHECK_EQ(rig_up(&g, MG_MEDIA_ANY), 0);
	CHECK_EQ(call_through_gatekeeper(&g), 0);
	struct rtp_pins f;
	CHECK_EQ(rtp_pins(&g, &f), 1);
	CHECK_EQ(f.remote[0], 0);
	CHECK(media_from(&g, FAR, 7000));
	CHECK(media_from(&g, X, 7000));
	CHECK(media_from(&g, G, 7000));
	rig_down(&g);
}

static bool payload_has(const uint8_t *l3, size_t len, uint32_t ip)
{
	size_t ihl = (size_t)(l3[0] & 15) * 4, thl = (size_t)(l3[ihl + 12] >> 4) * 4;
	for (size_t i = ihl + thl; i + 4 <= len; i++)
		if (memcmp(l3 + i, &ip, 4) == 0)
			return true;
	return false;
}

static char log_line[512];
static int log_n;

static void grab_log(void *ctx, uint64_t now, int level, const char *line)
{
	snprintf(log_line, sizeof(log_line), "%s", line);
	log_n++;
}

TEST(h460_setup_passes_unmodified_and_is_counted)
{
	for (int feature = 18; feature <= 19; feature++) {
		struct rig g;
		rig_h460 = MG_H460_PASS; /* as soon as the inside endpoint names them */
		int up = rig_up(&g, MG_MEDIA_NEGOTIATED);
		rig_h460 = MG_H460_CONFIRMED;
		CHECK_EQ(up, 0);
		uint8_t m[600];
		size_t n = setup_msg(m, sizeof(m), (uint16_t)feature);
		CHECK(n > 0);
		uint64_t pins = mg_engine_stats(g.e)->pinholes_opened;
		mg_engine_set_log(g.e, grab_log, NULL);
		log_n = 0;
		CHECK_EQ(from_a(&g, TH_PSH | TH_ACK, m, n).verdict, MG_VERDICT_ACCEPT);
		/* one line, under the name `show stats` gives the event */
		CHECK_EQ(log_n, 1);
		CHECK(strcmp(mg_reason_name(MG_R_ALG_H460_SETUP), "h460-setup") == 0);
		CHECK(strncmp(log_line, "h460-setup: call ", 17) == 0);
		CHECK(strstr(log_line, feature == 18 ? "names H.460.18" : "names H.460.19") != NULL);
		size_t ihl = (size_t)(g.out[0] & 15) * 4, thl = (size_t)(g.out[ihl + 12] >> 4) * 4;
		CHECK_EQ(g.out_len - ihl - thl, n);
		CHECK(memcmp(g.out + ihl + thl, m, n) == 0); /* byte for byte */
		CHECK_EQ(tb_src(g.out), PUB);                /* the header is still translated */
		const struct mg_stats *st = mg_engine_stats(g.e);
		CHECK_EQ(st->events[MG_R_ALG_H460_SETUP], 1);
		CHECK_EQ(st->alg_rewrites, 0);
		CHECK_EQ(st->pinholes_opened, pins);
		CHECK_EQ(st->calls_created, 1);
		/* later messages of the call pass unmodified too, uncounted */
		n = connect_msg(m, sizeof(m));
		CHECK_EQ(from_g(&g, TH_PSH | TH_ACK, m, n).verdict, MG_VERDICT_ACCEPT);
		CHECK_EQ(st->events[MG_R_ALG_H460_SETUP], 1);
		CHECK_EQ(st->pinholes_opened, pins);
		rig_down(&g);
	}
}

/* The default, `alg h460 confirmed`: naming the features is not enough
 * without a registration its gatekeeper confirmed them for (the RAS ALG's
 * tests cover that part); and `translate` never passes them. */
TEST(h460_setup_unconfirmed_is_translated)
{
	for (int pol = 0; pol < 2; pol++) {
		struct rig g;
		rig_h460 = pol ? MG_H460_TRANSLATE : MG_H460_CONFIRMED;
		int up = rig_up(&g, MG_MEDIA_NEGOTIATED);
		rig_h460 = MG_H460_CONFIRMED;
		CHECK_EQ(up, 0);
		uint8_t m[600];
		size_t n = setup_msg(m, sizeof(m), 18);
		CHECK_EQ(from_a(&g, TH_PSH | TH_ACK, m, n).verdict, MG_VERDICT_ACCEPT);
		CHECK(!payload_has(g.out, g.out_len, A));
		CHECK(payload_has(g.out, g.out_len, PUB));
		const struct mg_stats *st = mg_engine_stats(g.e);
		CHECK_EQ(st->events[MG_R_ALG_H460_SETUP], 0);
		CHECK_EQ(st->events[MG_R_H460_TRANSLATED], 1);
		CHECK_EQ(st->alg_rewrites, 2);
		rig_down(&g);
	}
}

TEST(setup_without_h460_is_rewritten_as_before)
{
	struct rig g;
	CHECK_EQ(rig_up(&g, MG_MEDIA_NEGOTIATED), 0);
	uint8_t m[600];
	size_t n = setup_msg(m, sizeof(m), 0);
	CHECK_EQ(from_a(&g, TH_PSH | TH_ACK, m, n).verdict, MG_VERDICT_ACCEPT);
	CHECK(!payload_has(g.out, g.out_len, A));
	CHECK(payload_has(g.out, g.out_len, PUB));
	const struct mg_stats *st = mg_engine_stats(g.e);
	CHECK_EQ(st->events[MG_R_ALG_H460_SETUP], 0);
	CHECK_EQ(st->alg_rewrites, 2); /* sourceCallSignalAddress, the RTCP address */
	rig_down(&g);
}
