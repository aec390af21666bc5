/* test_ras_alg.c - the RAS ALG through the engine: RRQ / RCF / URQ / UCF /
 * ARQ / ACF / LCF encoded by meetcall's RAS code cross the NAT both ways;
 * no inside address leaves, the public ones are those of bindings, what
 * comes back is translated back; a registration lets a Setup in on its
 * public call-signalling port (from the gatekeeper only under `ras
 * reachable gatekeeper`), enters the directory and ends on URQ / UCF or
 * expiry; H.460.18 passes untouched and counted; an undecodable RRQ from
 * inside is dropped; the third-party captures leak nothing. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alg/guards.h"
#include "alg/h323.h"
#include "alg/ras.h"
#include "core/dir.h"
#include "core/engine.h"
#include "ctl/ctl.h"
#include "io/pcap.h"
#include "proto/ras.h"
#include "meetcall/mc_msg.h"
#include "harness.h"
#include "pktbuild.h"

#define A tb_ip("198.18.1.10")
#define B tb_ip("198.18.1.20")
#define GKIN tb_ip("198.18.1.5")
#define GK tb_ip("198.19.0.50")
#define CALLER tb_ip("198.19.0.90")
#define OTHER tb_ip("198.19.0.77")
#define PUB tb_ip("198.19.0.1")

struct rig {
	struct mg_engine *e;
	struct mg_h323 *h;
	struct mg_ras_alg *ra;
	uint64_t now;
	uint32_t pub;      /* the RAS flow's public source */
	uint16_t pub_port;
	uint8_t pkt[2048]; /* the last packet, as it left */
	size_t len;
};

static int mk_cfg(struct rig *g, struct mg_config *c)
{
	memset(g, 0, sizeof(*g));
	char err[200];
	g->e = mg_engine_new(c, 7, err, sizeof(err));
	if (!g->e)
		return 0;
	mg_guards_attach(g->e);
	g->h = mg_h323_attach(g->e);
	g->ra = mg_ras_alg_attach(g->e);
	g->now = 1000000;
	return g->h && g->ra;
}

static int mk(struct rig *g, bool reach_gk)
{
	struct mg_config c;
	tb_lab_config(&c, PUB);
	c.nat = true;
	c.ras_reachable_gk = reach_gk;
	c.max_flows = 1024;
	return mk_cfg(g, &c);
}

static void rig_free(struct rig *g)
{
	mg_engine_free(g->e);
	mg_h323_free(g->h);
	mg_ras_alg_free(g->ra);
}

static void addr(struct mg_mc_addr *a, uint32_t ip, uint16_t port)
{
	memcpy(a->ip, &ip, 4);
	a->port = port;
}

static uint32_t ip_of(const struct mg_mc_addr *a)
{
	uint32_t ip;
	memcpy(&ip, a->ip, 4);
	return ip;
}

static size_t enc(const struct mg_mc_ras *m, uint8_t *out)
{
	return mg_mc_enc_ras(m, out, MG_MC_RAS_MAX);
}

/* A datagram src:sport -> dst:dport arriving on side; the packet as it left
 * stays in g->pkt. */
static struct mg_result send(struct rig *g, int side, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
			     const uint8_t *pay, size_t n)
{
	g->len = tb_udp(g->pkt, src, sport, dst, dport, pay, n);
	struct mg_result r = mg_engine_process(g->e, g->pkt, (uint32_t)g->len, (enum mg_side)side, g->now += 10);
	if (r.verdict == MG_VERDICT_ACCEPT && side == MG_SIDE_INSIDE && tb_dst(g->pkt) == GK) {
		g->pub = tb_src(g->pkt);
		g->pub_port = tb_sport(g->pkt);
	}
	return r;
}

static struct mg_result from_a(struct rig *g, const struct mg_mc_ras *m)
{
	uint8_t b[MG_MC_RAS_MAX];
	size_t n = enc(m, b);
	return send(g, MG_SIDE_INSIDE, A, 1719, GK, 1719, b, n);
}

static struct mg_result from_gk(struct rig *g, const struct mg_mc_ras *m)
{
	uint8_t b[MG_MC_RAS_MAX];
	size_t n = enc(m, b);
	return send(g, MG_SIDE_OUTSIDE, GK, 1719, g->pub, g->pub_port, b, n);
}

/* The RAS message of the last packet, decoded. */
static int dec_last(struct rig *g, struct mg_mc_ras *m)
{
	memset(m, 0, sizeof(*m));
	return g->len > 28 && mg_mc_dec_ras(m, g->pkt + 28, g->len - 28) == NULL;
}

/* Does buf hold the 4 bytes of an address of 198.18.1.0/24? */
static bool has_inside(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i + 3 <= n; i++)
		if (b[i] == 198 && b[i + 1] == 18 && b[i + 2] == 1)
			return true;
	return false;
}

static uint64_t ev(struct rig *g, enum mg_reason r)
{
	return mg_engine_stats(g->e)->events[r];
}

static void rrq(struct mg_mc_ras *m, uint16_t seq, bool keep_alive)
{
	memset(m, 0, sizeof(*m));
	m->type = MG_MC_RRQ;
	m->seq = seq;
	m->has_ras = true;
	addr(&m->ras, A, 1719);
	m->n_sig = 1;
	addr(&m->sig[0], A, 1720);
	mg_mc_ras_alias_add(&m->alias, "alice");
	mg_mc_ras_alias_add(&m->alias, "1234");
	m->has_ttl = true;
	m->ttl = 300;
	m->keep_alive = keep_alive;
}

/* RRQ from A, RCF (ttl) from the gatekeeper echoing the public
 * callSignalAddress: registered.  *sig: the public callSignalAddress. */
static int register_a(struct rig *g, uint32_t ttl, struct mg_mc_addr *sig)
{
	struct mg_mc_ras m, d;
	rrq(&m, 1, false);
	if (from_a(g, &m).verdict != MG_VERDICT_ACCEPT || !dec_last(g, &d) || has_inside(g->pkt, g->len))
		return 0;
	if (!tb_csum_ok(g->pkt, g->len) || ip_of(&d.ras) != g->pub || d.ras.port != g->pub_port)
		return 0;
	if (d.n_sig != 1 || ip_of(&d.sig[0]) != PUB)
		return 0;
	/* the public callSignalAddress is a binding of A:1720 */
	const struct mg_binding *bi = NULL;
	uint32_t b = mg_alg_find_binding(g->e, MG_PROTO_TCP, A, 1720);
	if (b == MG_NIL)
		return 0;
	bi = mg_alg_binding(g->e, b);
	if (bi->pub_addr != PUB || bi->pub_port != d.sig[0].port)
		return 0;
	*sig = d.sig[0];
	memset(&m, 0, sizeof(m));
	m.type = MG_MC_RCF;
	m.seq = 1;
	m.n_sig = 1;
	m.sig[0] = *sig;
	mg_mc_ras_alias_add(&m.alias, "alice");
	m.has_ttl = ttl != 0;
	m.ttl = ttl;
	snprintf(m.gk_id, sizeof(m.gk_id), "gk");
	snprintf(m.ep_id, sizeof(m.ep_id), "ep1");
	if (from_gk(g, &m).verdict != MG_VERDICT_ACCEPT || !dec_last(g, &d) || !tb_csum_ok(g->pkt, g->len))
		return 0;
	/* back to the inside: the echo names A again */
	return d.n_sig == 1 && ip_of(&d.sig[0]) == A && d.sig[0].port == 1720 && tb_dst(g->pkt) == A &&
	       tb_dport(g->pkt) == 1719;
}

/* A SYN from src to the public callSignalAddress; the inside address it
 * reached (0: dropped). */
static uint32_t syn_to(struct rig *g, uint32_t src, const struct mg_mc_addr *sig, uint16_t *dport)
{
	uint8_t b[200];
	size_t n = tb_tcp(b, src, 40001, ip_of(sig), sig->port, 0x02, 5000, 0, NULL, 0);
	struct mg_result r = mg_engine_process(g->e, b, (uint32_t)n, MG_SIDE_OUTSIDE, g->now += 10);
	if (r.verdict != MG_VERDICT_ACCEPT)
		return 0;
	*dport = tb_dport(b);
	return tb_dst(b);
}

TEST(ras_alg_registration_admits_setup)
{
	struct rig g;
	struct mg_mc_addr sig;
	uint16_t port = 0;
	CHECK(mk(&g, false));
	uint64_t rw = mg_engine_stats(g.e)->alg_rewrites;
	CHECK(register_a(&g, 60, &sig));
	CHECK(mg_engine_stats(g.e)->alg_rewrites >= rw + 3);
	CHECK_EQ(ev(&g, MG_R_RAS_REGISTERED), 1);
	const struct mg_dir_entry *de = mg_dir_lookup(mg_alg_dir(g.e), "alice", MG_ALIAS_NAME, g.now);
	CHECK(de != NULL);
	CHECK_EQ(de->addr, A);
	CHECK_EQ(de->port, 1720);
	CHECK_EQ(de->origin, MG_DIR_RAS);
	CHECK(mg_dir_lookup(mg_alg_dir(g.e), "1234", MG_ALIAS_DIGITS, g.now) != NULL);
	CHECK_EQ(syn_to(&g, OTHER, &sig, &port), A);
	CHECK_EQ(port, 1720);
	struct mg_ras_alg_stats st;
	mg_ras_alg_stats(g.ra, &st);
	CHECK_EQ(st.active, 1);
	CHECK_EQ(st.created, 1);
	CHECK_EQ(mg_engine_stats(g.e)->ras_reg_active, 1);
	CHECK_EQ(mg_engine_stats(g.e)->ras_reg_created, 1);
	rig_free(&g);
}

TEST(ras_alg_reachable_gatekeeper_only)
{
	struct rig g;
	struct mg_mc_addr sig;
	uint16_t port = 0;
	CHECK(mk(&g, true));
	CHECK(register_a(&g, 60, &sig));
	uint64_t before = mg_engine_stats(g.e)->dropped[MG_R_INBOUND_NO_PINHOLE];
	CHECK_EQ(syn_to(&g, OTHER, &sig, &port), 0);
	CHECK_EQ(mg_engine_stats(g.e)->dropped[MG_R_INBOUND_NO_PINHOLE], before + 1);
	CHECK_EQ(syn_to(&g, GK, &sig, &port), A);
	rig_free(&g);
}

TEST(ras_alg_expiry_ends_registration)
{
	struct rig g;
	struct mg_mc_addr sig;
	uint16_t port = 0;
	CHECK(mk(&g, false));
	CHECK(register_a(&g, 60, &sig));
	/* a keep-alive RRQ and its RCF renew it */
	struct mg_mc_ras m;
	rrq(&m, 2, true);
	g.now += 50000; /* the RAS flow timed out (udp 30 s): a new one */
	mg_engine_expire(g.e, g.now);
	uint16_t first_port = g.pub_port;
	CHECK_EQ(from_a(&g, &m).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(g.pub_port, first_port); /* the registration kept its RAS mapping */
	memset(&m, 0, sizeof(m));
	m.type = MG_MC_RCF;
	m.seq = 2;
	m.has_ttl = true;
	m.ttl = 60;
	snprintf(m.gk_id, sizeof(m.gk_id), "gk");
	snprintf(m.ep_id, sizeof(m.ep_id), "ep1");
	CHECK_EQ(from_gk(&g, &m).verdict, MG_VERDICT_ACCEPT);
	g.now += 80000; /* 130 s after the first RCF, 80 after the renewal */
	mg_engine_expire(g.e, g.now);
	CHECK_EQ(ev(&g, MG_R_RAS_EXPIRED), 0);
	CHECK(mg_dir_lookup(mg_alg_dir(g.e), "alice", MG_ALIAS_NAME, g.now) != NULL);
	g.now += 11000; /* past 60 + 30 s */
	mg_engine_expire(g.e, g.now);
	CHECK_EQ(ev(&g, MG_R_RAS_EXPIRED), 1);
	CHECK(mg_dir_lookup(mg_alg_dir(g.e), "alice", MG_ALIAS_NAME, g.now) == NULL);
	CHECK_EQ(syn_to(&g, OTHER, &sig, &port), 0);
	struct mg_ras_alg_stats st;
	mg_ras_alg_stats(g.ra, &st);
	CHECK_EQ(st.active, 0);
	CHECK_EQ(st.expired, 1);
	CHECK_EQ(mg_engine_stats(g.e)->ras_reg_active, 0);
	CHECK_EQ(mg_engine_stats(g.e)->ras_reg_expired, 1);
	rig_free(&g);
}

TEST(ras_alg_urq_ucf_ends_registration)
{
	for (int gk_starts = 0; gk_starts < 2; gk_starts++) {
		struct rig g;
		struct mg_mc_addr sig;
		uint16_t port = 0;
		CHECK(mk(&g, false));
		CHECK(register_a(&g, 0, &sig));
		struct mg_mc_ras m, d;
		memset(&m, 0, sizeof(m));
		m.type = MG_MC_URQ;
		m.seq = 7;
		if (!gk_starts) {
			m.n_sig = 1;
			addr(&m.sig[0], A, 1720);
			CHECK_EQ(from_a(&g, &m).verdict, MG_VERDICT_ACCEPT);
			CHECK(!has_inside(g.pkt, g.len));
			CHECK(dec_last(&g, &d));
			CHECK(ip_of(&d.sig[0]) == ip_of(&sig) && d.sig[0].port == sig.port);
			memset(&m, 0, sizeof(m));
			m.type = MG_MC_UCF;
			m.seq = 7;
			CHECK_EQ(from_gk(&g, &m).verdict, MG_VERDICT_ACCEPT);
		} else {
			m.n_sig = 1;
			m.sig[0] = sig;
			CHECK_EQ(from_gk(&g, &m).verdict, MG_VERDICT_ACCEPT);
			CHECK(dec_last(&g, &d));
			CHECK(ip_of(&d.sig[0]) == A && d.sig[0].port == 1720);
			memset(&m, 0, sizeof(m));
			m.type = MG_MC_UCF;
			m.seq = 7;
			CHECK_EQ(from_a(&g, &m).verdict, MG_VERDICT_ACCEPT);
		}
		CHECK_EQ(ev(&g, MG_R_RAS_UNREGISTERED), 1);
		CHECK(mg_dir_lookup(mg_alg_dir(g.e), "alice", MG_ALIAS_NAME, g.now) == NULL);
		CHECK_EQ(syn_to(&g, OTHER, &sig, &port), 0);
		CHECK_EQ(mg_alg_find_binding(g.e, MG_PROTO_TCP, A, 1720), MG_NIL);
		rig_free(&g);
	}
}

TEST(ras_alg_rrj_drops_pending)
{
	struct rig g;
	CHECK(mk(&g, false));
	struct mg_mc_ras m;
	rrq(&m, 3, false);
	CHECK_EQ(from_a(&g, &m).verdict, MG_VERDICT_ACCEPT);
	CHECK(mg_alg_find_binding(g.e, MG_PROTO_TCP, A, 1720) != MG_NIL);
	memset(&m, 0, sizeof(m));
	m.type = MG_MC_RRJ;
	m.seq = 3;
	m.reason = MG_MC_RRJ_UNDEFINED;
	CHECK_EQ(from_gk(&g, &m).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(mg_alg_find_binding(g.e, MG_PROTO_TCP, A, 1720), MG_NIL);
	CHECK_EQ(ev(&g, MG_R_RAS_REGISTERED), 0);
	rig_free(&g);
}

/* An RRJ to a keep-alive: the gatekeeper dropped the registration, so does
 * the gateway (public port, pinhole, directory entry). */
TEST(ras_alg_rrj_to_renewal_ends_registration)
{
	struct rig g;
	struct mg_mc_addr sig;
	uint16_t port = 0;
	CHECK(mk(&g, false));
	CHECK(register_a(&g, 60, &sig));
	CHECK_EQ(syn_to(&g, OTHER, &sig, &port), A);
	struct mg_mc_ras m;
	rrq(&m, 9, true);
	CHECK_EQ(from_a(&g, &m).verdict, MG_VERDICT_ACCEPT);
	memset(&m, 0, sizeof(m));
	m.type = MG_MC_RRJ;
	m.seq = 9;
	m.reason = MG_MC_RRJ_UNDEFINED;
	CHECK_EQ(from_gk(&g, &m).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(ev(&g, MG_R_RAS_UNREGISTERED), 1);
	CHECK(mg_dir_lookup(mg_alg_dir(g.e), "alice", MG_ALIAS_NAME, g.now) == NULL);
	struct mg_ras_alg_stats st;
	mg_ras_alg_stats(g.ra, &st);
	CHECK_EQ(st.active, 0);
	uint8_t b[200];
	size_t n = tb_tcp(b, OTHER, 40002, ip_of(&sig), sig.port, 0x02, 7000, 0, NULL, 0);
	CHECK(mg_engine_process(g.e, b, (uint32_t)n, MG_SIDE_OUTSIDE, g.now += 10).verdict != MG_VERDICT_ACCEPT);
	rig_free(&g);
}

TEST(ras_alg_arq_acf_lcf)
{
	struct rig g;
	struct mg_mc_addr sig;
	CHECK(mk(&g, false));
	CHECK(register_a(&g, 60, &sig));
	struct mg_mc_ras m, d;
	memset(&m, 0, sizeof(m));
	m.type = MG_MC_ARQ;
	m.seq = 11;
	m.crv = 5;
	m.has_src_sig = true;
	addr(&m.src_sig, A, 1720);
	m.has_dest_sig = true;
	addr(&m.dest_sig, CALLER, 1720);
	mg_mc_ras_alias_add(&m.src, "alice");
	mg_mc_ras_alias_add(&m.dest, "bob");
	snprintf(m.ep_id, sizeof(m.ep_id), "ep1");
	m.has_call_id = true;
	m.bandwidth = 1280;
	CHECK_EQ(from_a(&g, &m).verdict, MG_VERDICT_ACCEPT);
	CHECK(!has_inside(g.pkt, g.len));
	CHECK(tb_csum_ok(g.pkt, g.len));
	CHECK(dec_last(&g, &d));
	CHECK(d.has_src_sig && ip_of(&d.src_sig) == ip_of(&sig) && d.src_sig.port == sig.port);
	CHECK(ip_of(&d.dest_sig) == CALLER);
	/* ACF naming A's public address (a call to itself through the
	 * gatekeeper): back to A */
	memset(&m, 0, sizeof(m));
	m.type = MG_MC_ACF;
	m.seq = 11;
	m.has_dest_sig = true;
	m.dest_sig = sig;
	m.bandwidth = 1280;
	CHECK_EQ(from_gk(&g, &m).verdict, MG_VERDICT_ACCEPT);
	CHECK(dec_last(&g, &d));
	CHECK(ip_of(&d.dest_sig) == A && d.dest_sig.port == 1720);
	/* LCF likewise */
	memset(&m, 0, sizeof(m));
	m.type = MG_MC_LCF;
	m.seq = 12;
	m.has_dest_sig = true;
	m.dest_sig = sig;
	m.has_ras = true;
	addr(&m.ras, g.pub, g.pub_port);
	CHECK_EQ(from_gk(&g, &m).verdict, MG_VERDICT_ACCEPT);
	CHECK(dec_last(&g, &d));
	CHECK(ip_of(&d.dest_sig) == A && d.dest_sig.port == 1720);
	CHECK(ip_of(&d.ras) == A && d.ras.port == 1719);
	rig_free(&g);
}

TEST(ras_alg_malformed_from_inside_dropped)
{
	struct rig g;
	CHECK(mk(&g, false));
	struct mg_mc_ras m;
	rrq(&m, 1, false);
	uint8_t b[MG_MC_RAS_MAX];
	size_t n = enc(&m, b);
	CHECK(n > 20);
	struct mg_result r = send(&g, MG_SIDE_INSIDE, A, 1719, GK, 1719, b, 12);
	CHECK_EQ(r.verdict, MG_VERDICT_DROP);
	CHECK_EQ(mg_engine_stats(g.e)->dropped[MG_R_ALG_H225_BAD], 1);
	/* from outside the default passes it (alg malformed-outside pass) */
	CHECK_EQ(send(&g, MG_SIDE_INSIDE, A, 1719, GK, 1719, b, n).verdict, MG_VERDICT_ACCEPT);
	r = send(&g, MG_SIDE_OUTSIDE, GK, 1719, g.pub, g.pub_port, b, 12);
	CHECK_EQ(r.verdict, MG_VERDICT_ACCEPT);
	rig_free(&g);
}

TEST(ras_alg_off_is_the_guard)
{
	struct rig g;
	struct mg_config c;
	tb_lab_config(&c, PUB);
	c.alg_ras = false;
	CHECK(mk_cfg(&g, &c));
	struct mg_mc_ras m;
	rrq(&m, 1, false);
	CHECK_EQ(from_a(&g, &m).verdict, MG_VERDICT_DROP);
	CHECK_EQ(mg_engine_stats(g.e)->dropped[MG_R_RAS_UNTRANSLATED], 1);
	rig_free(&g);
}

/* A gatekeeper inside behind `forward udp 1719`: its answers leave public,
 * its endpoint B is reachable by the outside caller the ACF told. */
TEST(ras_alg_inside_gatekeeper)
{
	struct rig g;
	struct mg_config c;
	tb_lab_config(&c, PUB);
	c.forward[c.n_forward++] = (struct mg_forward){MG_PROTO_UDP, PUB, 1719, 1719, GKIN, 1719};
	CHECK(mk_cfg(&g, &c));
	struct mg_mc_ras m, d;
	memset(&m, 0, sizeof(m));
	m.type = MG_MC_GRQ;
	m.seq = 1;
	m.has_ras = true;
	addr(&m.ras, CALLER, 1719);
	uint8_t b[MG_MC_RAS_MAX];
	size_t n = enc(&m, b);
	CHECK_EQ(send(&g, MG_SIDE_OUTSIDE, CALLER, 1719, PUB, 1719, b, n).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_dst(g.pkt), GKIN);
	memset(&m, 0, sizeof(m));
	m.type = MG_MC_GCF;
	m.seq = 1;
	m.has_ras = true;
	addr(&m.ras, GKIN, 1719);
	n = enc(&m, b);
	CHECK_EQ(send(&g, MG_SIDE_INSIDE, GKIN, 1719, CALLER, 1719, b, n).verdict, MG_VERDICT_ACCEPT);
	CHECK(!has_inside(g.pkt, g.len));
	CHECK(dec_last(&g, &d));
	CHECK(ip_of(&d.ras) == PUB && d.ras.port == 1719);
	/* ACF for a call to B */
	memset(&m, 0, sizeof(m));
	m.type = MG_MC_ACF;
	m.seq = 2;
	m.has_dest_sig = true;
	addr(&m.dest_sig, B, 1720);
	m.bandwidth = 1280;
	n = enc(&m, b);
	CHECK_EQ(send(&g, MG_SIDE_INSIDE, GKIN, 1719, CALLER, 1719, b, n).verdict, MG_VERDICT_ACCEPT);
	CHECK(!has_inside(g.pkt, g.len));
	CHECK(tb_csum_ok(g.pkt, g.len));
	CHECK(dec_last(&g, &d));
	CHECK(ip_of(&d.dest_sig) == PUB);
	uint16_t port = 0;
	CHECK_EQ(syn_to(&g, CALLER, &d.dest_sig, &port), B);
	CHECK_EQ(port, 1720);
	rig_free(&g);
}

/* ---- third-party captures ---------------------------------------------- */

static const char *ext_dir(void)
{
	const char *d = getenv("MEETGATE_CAPTURES_EXT");
	return d ? d : "../shared/captures-ext";
}

/* Every RAS datagram of the capture through the engine with `host` inside
 * (its own /32): from it as sent, to it addressed to the public side.
 * Counts the packets that left with host's address; -1 if unreadable. */
static bool has_addr(const uint8_t *b, size_t n, uint32_t ip)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if (memcmp(b + i, &ip, 4) == 0)
			return true;
	return false;
}

/* The sender of the capture's first GRQ or RRQ (its endpoint: the
 * captures' addresses are data, found in them, not named here), with that
 * RAS payload in pay[0..*n) when pay is given; 0 when none. */
static uint32_t ras_endpoint(const char *path, uint8_t *pay, size_t cap, size_t *n)
{
	char err[256];
	struct mg_pcap_reader *rd = mg_pcap_open(path, err, sizeof err);
	if (!rd)
		return 0;
	static uint8_t buf[MG_PCAP_MAX_L3];
	struct mg_pcap_rec rec;
	uint32_t ep = 0;
	while (ep == 0 && mg_pcap_next(rd, buf, sizeof buf, &rec, err, sizeof err) == 1) {
		const uint8_t *l3 = rec.l3;
		size_t ihl = (size_t)(l3[0] & 15) * 4;
		if (rec.family != 4 || l3[9] != 17 || rec.len <= ihl + 8)
			continue;
		const uint8_t *u = l3 + ihl;
		uint16_t dp = (uint16_t)(u[2] << 8 | u[3]);
		uint8_t choice = u[8] >> 2; /* extension bit clear, 5-bit index */
		if ((dp != 1719 && dp != 1718) || (choice != MG_RAS_GRQ && choice != MG_RAS_RRQ))
			continue;
		memcpy(&ep, l3 + 12, 4);
		if (pay) {
			*n = rec.len - ihl - 8 <= cap ? rec.len - ihl - 8 : 0;
			memcpy(pay, u + 8, *n);
		}
	}
	mg_pcap_close(rd);
	return ep;
}

/* leaks: packets that left with the endpoint's address and were not H.460
 * ones (those pass unmodified under `alg h460 pass`, counted); h460: the
 * H.460 ones that left */
static int replay_ras(const char *path, enum mg_h460_policy pol, int *sent, int *h460)
{
	char err[256];
	uint32_t h = ras_endpoint(path, NULL, 0, NULL);
	struct mg_pcap_reader *rd = h ? mg_pcap_open(path, err, sizeof err) : NULL;
	if (!rd)
		return -1;
	struct rig g;
	struct mg_config c;
	tb_lab_config(&c, PUB);
	c.inside[0].addr = h;
	c.inside[0].mask = 0xffffffffu;
	c.n_inside = 1;
	c.h460 = pol;
	if (!mk_cfg(&g, &c)) {
		mg_pcap_close(rd);
		return -1;
	}
	static uint8_t buf[MG_PCAP_MAX_L3];
	struct mg_pcap_rec rec;
	int leaks = 0;
	*sent = *h460 = 0;
	while (mg_pcap_next(rd, buf, sizeof buf, &rec, err, sizeof err) == 1) {
		const uint8_t *l3 = rec.l3;
		if (rec.family != 4 || rec.len < 28 || l3[9] != 17)
			continue;
		size_t ihl = (size_t)(l3[0] & 15) * 4;
		const uint8_t *u = l3 + ihl;
		uint16_t sp = (uint16_t)(u[0] << 8 | u[1]), dp = (uint16_t)(u[2] << 8 | u[3]);
		if ((sp != 1719 && dp != 1719) || rec.len < ihl + 8)
			continue;
		uint32_t src, dst;
		memcpy(&src, l3 + 12, 4);
		memcpy(&dst, l3 + 16, 4);
		const uint8_t *pay = u + 8;
		size_t n = rec.len - ihl - 8;
		if (src == h) {
			g.len = tb_udp(g.pkt, src, sp, dst, dp, pay, n);
			uint64_t ev0 = ev(&g, MG_R_RAS_H460);
			struct mg_result r = mg_engine_process(g.e, g.pkt, (uint32_t)g.len, MG_SIDE_INSIDE, g.now += 10);
			if (r.verdict == MG_VERDICT_ACCEPT) {
				(*sent)++;
				g.pub = tb_src(g.pkt);
				g.pub_port = tb_sport(g.pkt);
				if (ev(&g, MG_R_RAS_H460) != ev0)
					(*h460)++;
				else if (has_addr(g.pkt, g.len, h))
					leaks++;
			}
		} else if (dst == h && g.pub) {
			send(&g, MG_SIDE_OUTSIDE, src, sp, g.pub, g.pub_port, pay, n);
		}
	}
	mg_pcap_close(rd);
	rig_free(&g);
	return leaks;
}

TEST(ras_alg_captures_ext_no_leak)
{
	static const struct {
		const char *name;
		int h460; /* RRQs naming H.460.18: with `alg h460 pass` they leave as sent */
	} caps[] = {{"ndpi-h323-partC.pcap", 0}, {"ndpi-h323-partD.pcap", 3}};
	for (unsigned i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s", ext_dir(), caps[i].name);
		if (access(path, R_OK) != 0) {
			printf("skip - %s absent: RAS ALG capture test not run\n", path);
			continue;
		}
		int sent, h460;
		/* the default: the VCS's RCFs do not confirm H.460.18, so
		 * partD's RRQs are translated like any other, nothing leaks */
		CHECK_EQ(replay_ras(path, MG_H460_CONFIRMED, &sent, &h460), 0);
		CHECK(sent > 0);
		CHECK_EQ(h460, 0);
		CHECK_EQ(replay_ras(path, MG_H460_TRANSLATE, &sent, &h460), 0);
		CHECK_EQ(h460, 0);
		/* pass: they leave as sent (counted), and nothing else leaks */
		CHECK_EQ(replay_ras(path, MG_H460_PASS, &sent, &h460), 0);
		CHECK_EQ(h460, caps[i].h460);
	}
}

/* An H.460.18 RRQ (partD's first) passes byte for byte, counted, under
 * `alg h460 pass`; by default (confirmed) and with translate it is
 * translated, counted as h460-translated. */
TEST(ras_alg_h46018_passes_unmodified)
{
	char path[512];
	snprintf(path, sizeof path, "%s/ndpi-h323-partD.pcap", ext_dir());
	if (access(path, R_OK) != 0) {
		printf("skip - %s absent: H.460.18 test not run\n", path);
		return;
	}
	static uint8_t pay[2048];
	size_t n = 0;
	uint32_t ep = ras_endpoint(path, pay, sizeof pay, &n);
	CHECK(ep != 0);
	CHECK(n > 0);
	for (int pol = MG_H460_CONFIRMED; pol <= MG_H460_TRANSLATE; pol++) {
		struct rig g;
		struct mg_config c;
		tb_lab_config(&c, PUB);
		c.nat = true;
		c.max_flows = 1024;
		c.h460 = (enum mg_h460_policy)pol;
		CHECK(mk_cfg(&g, &c));
		/* the addresses it names are its own: make them inside A's */
		uint8_t cp[2048];
		memcpy(cp, pay, n);
		for (size_t k = 0; k + 4 <= n; k++)
			if (memcmp(cp + k, &ep, 4) == 0) {
				uint32_t a = A;
				memcpy(cp + k, &a, 4);
			}
		CHECK_EQ(send(&g, MG_SIDE_INSIDE, A, 1719, GK, 1719, cp, n).verdict, MG_VERDICT_ACCEPT);
		CHECK_EQ(g.len, 28 + n);
		CHECK(tb_csum_ok(g.pkt, g.len));
		if (pol == MG_H460_PASS) {
			CHECK(memcmp(g.pkt + 28, cp, n) == 0);
			CHECK_EQ(ev(&g, MG_R_RAS_H460), 1);
			CHECK_EQ(ev(&g, MG_R_H460_TRANSLATED), 0);
		} else {
			CHECK(!has_addr(g.pkt, g.len, A));
			CHECK_EQ(ev(&g, MG_R_RAS_H460), 0);
			CHECK_EQ(ev(&g, MG_R_H460_TRANSLATED), 1);
		}
		rig_free(&g);
	}
}

/* ---- show registrations -------------------------------------------------- */

struct regrows {
	char text[512], json[1024];
	int n;
};

static void on_reg_row(void *ctx, const struct mg_reg_info *ri)
{
	struct regrows *r = ctx;
	r->n++;
	mg_ctl_fmt_reg(r->text, sizeof(r->text), ri);
	mg_ctl_json_reg(r->json, sizeof(r->json), ri);
}

/* A's Setup to the gatekeeper's 1720 on a new connection (A:40100): the
 * Setup's payload as it left in *out (its length returned, 0 when a
 * packet was refused).  sourceCallSignalAddress names A. */
static size_t setup_from_a(struct rig *g, uint8_t *out, size_t cap)
{
	uint8_t b[1024], pay[512];
	struct mg_mc_h225 m;
	memset(&m, 0, sizeof(m));
	m.body = MG_H225_SETUP;
	m.call_ref = 5;
	memset(m.call_id, 5, 16);
	memset(m.conf_id, 5, 16);
	addr(&m.src_sig, A, 40100);
	addr(&m.dst_sig, GK, 1720);
	m.tunneling = true;
	size_t n = mg_mc_enc_h225(&m, pay, sizeof(pay));
	size_t l = tb_tcp(b, A, 40100, GK, 1720, 0x02, 100, 0, NULL, 0);
	if (n == 0 || mg_engine_process(g->e, b, (uint32_t)l, MG_SIDE_INSIDE, g->now += 10).verdict != MG_VERDICT_ACCEPT)
		return 0;
	uint32_t pub = tb_src(b);
	uint16_t pport = tb_sport(b);
	l = tb_tcp(b, GK, 1720, pub, pport, 0x12, 900, 101, NULL, 0);
	if (mg_engine_process(g->e, b, (uint32_t)l, MG_SIDE_OUTSIDE, g->now += 10).verdict != MG_VERDICT_ACCEPT)
		return 0;
	l = tb_tcp(b, A, 40100, GK, 1720, 0x10, 101, 901, NULL, 0);
	if (mg_engine_process(g->e, b, (uint32_t)l, MG_SIDE_INSIDE, g->now += 10).verdict != MG_VERDICT_ACCEPT)
		return 0;
	l = tb_tcp(b, A, 40100, GK, 1720, 0x18, 101, 901, pay, n);
	if (mg_engine_process(g->e, b, (uint32_t)l, MG_SIDE_INSIDE, g->now += 10).verdict != MG_VERDICT_ACCEPT)
		return 0;
	size_t ihl = (size_t)(b[0] & 15) * 4, thl = (size_t)(b[ihl + 12] >> 4) * 4;
	if (l - ihl - thl != n || n > cap)
		return 0;
	memcpy(out, b + ihl + thl, n);
	return n;
}

/* `alg h460 confirmed` (the default): an RRQ offering H.460.18 is
 * translated (h460-translated); once the gatekeeper's RCF names the feature
 * too, the endpoint's RAS passes as written (ras-h460), and so does a Setup
 * naming it or not (the H.323 ALG asks the RAS ALG); the end of the
 * registration ends that. */
TEST(ras_alg_h46018_confirmed_by_rcf)
{
	struct rig g;
	CHECK(mk(&g, false));
	struct mg_mc_ras m, d;
	rrq(&m, 1, false);
	m.h460_18 = true;
	CHECK_EQ(from_a(&g, &m).verdict, MG_VERDICT_ACCEPT);
	CHECK(!has_inside(g.pkt, g.len));
	CHECK_EQ(ev(&g, MG_R_H460_TRANSLATED), 1);
	CHECK_EQ(ev(&g, MG_R_RAS_H460), 0);
	CHECK(dec_last(&g, &d));
	CHECK(!mg_alg_h460_traverses(g.e, A, true));
	/* the RCF confirms it */
	memset(&m, 0, sizeof(m));
	m.type = MG_MC_RCF;
	m.seq = 1;
	m.n_sig = 1;
	m.sig[0] = d.sig[0];
	m.has_ttl = true;
	m.ttl = 60;
	m.h460_18 = true;
	snprintf(m.gk_id, sizeof(m.gk_id), "gk");
	snprintf(m.ep_id, sizeof(m.ep_id), "ep1");
	CHECK_EQ(from_gk(&g, &m).verdict, MG_VERDICT_ACCEPT);
	CHECK(dec_last(&g, &d));
	CHECK(d.n_sig == 1 && ip_of(&d.sig[0]) == A); /* translated back as before */
	CHECK(mg_alg_h460_traverses(g.e, A, false));
	CHECK(!mg_alg_h460_traverses(g.e, OTHER, true));
	/* from now on its RAS leaves as written, counted */
	uint8_t b[MG_MC_RAS_MAX];
	rrq(&m, 2, true);
	m.h460_18 = true;
	size_t n = enc(&m, b);
	CHECK_EQ(send(&g, MG_SIDE_INSIDE, A, 1719, GK, 1719, b, n).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(g.len, 28 + n);
	CHECK(memcmp(g.pkt + 28, b, n) == 0);
	CHECK_EQ(ev(&g, MG_R_RAS_H460), 1);
	/* and its calls: a Setup (naming no feature itself) leaves as written */
	uint8_t setup[512];
	size_t sn = setup_from_a(&g, setup, sizeof(setup));
	CHECK(sn > 0);
	CHECK(has_inside(setup, sn));
	CHECK_EQ(ev(&g, MG_R_ALG_H460_SETUP), 1);
	/* the same under `alg h460 translate`: never */
	struct rig t;
	struct mg_config c;
	tb_lab_config(&c, PUB);
	c.nat = true;
	c.max_flows = 1024;
	c.h460 = MG_H460_TRANSLATE;
	CHECK(mk_cfg(&t, &c));
	CHECK(!mg_alg_h460_traverses(t.e, A, true));
	/* no confirmed registration there (and translate): its Setup is translated */
	sn = setup_from_a(&t, setup, sizeof(setup));
	CHECK(sn > 0);
	CHECK(!has_inside(setup, sn));
	CHECK_EQ(ev(&t, MG_R_ALG_H460_SETUP), 0);
	rig_free(&t);
	/* URQ / UCF end the registration, and the passage with it */
	memset(&m, 0, sizeof(m));
	m.type = MG_MC_URQ;
	m.seq = 3;
	m.n_sig = 1;
	addr(&m.sig[0], A, 1720);
	CHECK_EQ(from_a(&g, &m).verdict, MG_VERDICT_ACCEPT);
	memset(&m, 0, sizeof(m));
	m.type = MG_MC_UCF;
	m.seq = 3;
	CHECK_EQ(from_gk(&g, &m).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(ev(&g, MG_R_RAS_UNREGISTERED), 1);
	CHECK(!mg_alg_h460_traverses(g.e, A, false));
	rig_free(&g);
}

TEST(ras_alg_show_registrations)
{
	struct rig g;
	struct mg_mc_addr sig;
	CHECK(mk(&g, false));
	CHECK(register_a(&g, 60, &sig));
	struct regrows rr;
	memset(&rr, 0, sizeof(rr));
	struct mg_walk w = {0, UINT32_MAX, UINT32_MAX};
	CHECK(!mg_engine_walk_registrations(g.e, &w, on_reg_row, &rr));
	CHECK_EQ(rr.n, 1);
	char want[64];
	snprintf(want, sizeof(want), "198.19.0.1:%-5u", (unsigned)sig.port);
	CHECK(strstr(rr.text, "198.18.1.10:1720") != NULL);
	CHECK(strstr(rr.text, want) != NULL);
	CHECK(strstr(rr.text, "198.19.0.50") != NULL);
	CHECK(strstr(rr.text, " alice,1234\n") != NULL);
	CHECK(strstr(rr.json, "\"public_port\"") != NULL);
	CHECK(strstr(rr.json, "\"aliases\"") != NULL);
	CHECK(strstr(rr.json, "\"alice\"") != NULL);
	/* a walk in slices resumes where it stopped */
	memset(&rr, 0, sizeof(rr));
	struct mg_walk w1 = {0, 1, 10};
	bool more = mg_engine_walk_registrations(g.e, &w1, on_reg_row, &rr);
	CHECK(more);
	struct mg_ctl_req q;
	const char *why;
	const char *line = "show registrations json addr=198.18.1.10";
	CHECK_EQ(mg_ctl_parse_request(line, strlen(line), &q, &why), 0);
	CHECK_EQ(q.cmd, MG_CTL_REGISTRATIONS);
	const char *bad = "show registrations port=1720";
	CHECK_EQ(mg_ctl_parse_request(bad, strlen(bad), &q, &why), -1);
	rig_free(&g);
}

/* ---- every message kind, every address field ------------------------------ */

/* `MEETGATE_RAS_ALG_SEEDS=DIR ./build/asan/unit_tests ras_alg`: write each
 * inside-addressed message as a fuzz_ras_alg script (sent by the endpoint,
 * then by the gatekeeper) to DIR. */
static void write_seed(const char *name, int ext, const uint8_t *msg, size_t n)
{
	const char *dir = getenv("MEETGATE_RAS_ALG_SEEDS");
	if (!dir || n > 255)
		return;
	char path[512];
	snprintf(path, sizeof path, "%s/inside-%s%s", dir, name, ext ? "-ext" : "");
	FILE *f = fopen(path, "wb");
	if (!f)
		return;
	uint8_t h[2] = {0, (uint8_t)n};
	fwrite(h, 1, 2, f);
	fwrite(msg, 1, n, f);
	h[0] = 1;
	fwrite(h, 1, 2, f);
	fwrite(msg, 1, n, f);
	fclose(f);
}

/* Each message of the RAS seed corpus (every RasMessage alternative, with
 * and without its extension additions: IRR perCallInfo channels,
 * alternates, annexE, genericData, ...) with every IPv4 address made an
 * inside one, sent from inside: every address leaves public (that of a
 * binding, or the flow's own source), nothing inside remains; H.460 ones
 * pass as sent. */
TEST(ras_alg_every_field_of_every_message)
{
	static const char *names[] = {"GRQ", "GCF", "GRJ", "RRQ", "RCF", "RRJ", "URQ", "UCF", "URJ", "ARQ",
				      "ACF", "ARJ", "BRQ", "BCF", "BRJ", "DRQ", "DCF", "DRJ", "LRQ", "LCF",
				      "LRJ", "IRQ", "IRR", "NSM", "XRS", "RIP", "RAI", "RAC", "IACK", "INAK",
				      "SCI", "SCR", "ACF-sequence"};
	int tried = 0, translated = 0;
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		for (int ext = 0; ext < 2; ext++) {
			char path[256];
			snprintf(path, sizeof path, "fuzz/corpus/ras/%s%s", names[i], ext ? "-ext" : "");
			FILE *f = fopen(path, "rb");
			if (!f)
				continue;
			static uint8_t msg[2048];
			size_t n = fread(msg, 1, sizeof msg, f);
			fclose(f);
			static struct mg_h323_scan s;
			mg_h323_scan_init(&s, msg, n);
			if (mg_ras_scan(&s, msg, n) != MG_R_NONE)
				continue;
			unsigned n4 = 0;
			for (unsigned k = 0; k < s.n_addr; k++) {
				if (s.addr[k].family != 4)
					continue;
				uint32_t a = A;
				memcpy(msg + s.addr[k].off, &a, 4);
				n4++;
			}
			write_seed(names[i], ext, msg, n);
			struct rig g;
			CHECK(mk(&g, false));
			tried++;
			uint64_t h0 = ev(&g, MG_R_RAS_H460);
			struct mg_result r = send(&g, MG_SIDE_INSIDE, A, 1719, GK, 1719, msg, n);
			if (r.verdict != MG_VERDICT_ACCEPT)
				fprintf(stderr, "  %s: dropped (%s)\n", path, mg_reason_name(r.reason));
			CHECK_EQ(r.verdict, MG_VERDICT_ACCEPT);
			CHECK(tb_csum_ok(g.pkt, g.len));
			if (ev(&g, MG_R_RAS_H460) != h0) {
				CHECK(memcmp(g.pkt + 28, msg, n) == 0);
				rig_free(&g);
				continue;
			}
			if (has_inside(g.pkt + 28, g.len - 28))
				fprintf(stderr, "  %s: an inside address left\n", path);
			CHECK(!has_inside(g.pkt + 28, g.len - 28));
			mg_h323_scan_init(&s, g.pkt + 28, g.len - 28);
			CHECK_EQ(mg_ras_scan(&s, g.pkt + 28, g.len - 28), MG_R_NONE);
			for (unsigned k = 0; k < s.n_addr; k++) {
				uint32_t ip;
				memcpy(&ip, s.addr[k].ip, 4);
				if (s.addr[k].family == 4)
					CHECK_EQ(ip, PUB);
			}
			translated += n4 > 0;
			rig_free(&g);
		}
	}
	CHECK(tried >= 60);
	CHECK(translated >= 40);
}

/* `max registrations 1`: a second endpoint's RRQ is translated (its
 * callSignalAddress held like any other) but not followed, counted once. */
TEST(ras_alg_registration_table_full)
{
	struct rig g;
	struct mg_config c;
	tb_lab_config(&c, PUB);
	c.max_registrations = 1;
	CHECK(mk_cfg(&g, &c));
	struct mg_mc_ras m;
	rrq(&m, 1, false);
	CHECK_EQ(from_a(&g, &m).verdict, MG_VERDICT_ACCEPT);
	addr(&m.ras, B, 1719);
	addr(&m.sig[0], B, 1720);
	uint8_t b[MG_MC_RAS_MAX];
	size_t n = enc(&m, b);
	CHECK_EQ(send(&g, MG_SIDE_INSIDE, B, 1719, GK, 1719, b, n).verdict, MG_VERDICT_ACCEPT);
	CHECK(!has_inside(g.pkt, g.len));
	CHECK_EQ(ev(&g, MG_R_RAS_REG_FULL), 1);
	CHECK(mg_alg_find_binding(g.e, MG_PROTO_TCP, B, 1720) != MG_NIL);
	rig_free(&g);
}
