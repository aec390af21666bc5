/* test_ils_dir.c - ILS registrations and the directory, through the engine:
 * an inside host's Add / Modify / Del enter, refresh and leave the
 * directory when the ILS server accepts them (not before, not when it
 * refuses), and a search result from the outside server that names one of
 * our public addresses for a registered user reaches an inside host with
 * the user's inside address, every BER length right, the sequence numbers
 * of both directions consistent. */
#include <stdlib.h>
#include <string.h>

#include "alg/guards.h"
#include "alg/ils.h"
#include "core/alg_api.h"
#include "core/dir.h"
#include "core/engine.h"
#include "harness.h"
#include "ldapbuild.h"
#include "pktbuild.h"
#include "proto/ldap.h"

#define A tb_ip("198.18.1.10") /* sipaddress 167842502 */
#define B tb_ip("198.18.1.11")
#define SRV tb_ip("198.19.0.60")
#define ISN_H 1000u
#define ISN_D 7000u

/* One LDAP connection of an inside host to the server. */
struct conn {
	uint32_t host;
	uint16_t sport, pub_port;
	uint32_t pub;
	uint32_t hseq;    /* the host's next original sequence number */
	uint32_t dseq;    /* the server's next original sequence number */
	uint32_t out_end; /* translated end of what the server got */
	uint32_t srv_ack; /* the ACK number of the host's last ACK, as the server got it */
	/* what the host got from the server, by translated seq - ISN_D - 1 */
	uint8_t in[8192];
	uint32_t in_max;
	int inconsistent, bad_csum;
};

struct rig {
	struct mg_engine *e;
	struct mg_ils *ils;
	uint64_t now;
	struct conn *cur;
};

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A packet as it left the gateway: towards the server (out_end) or the
 * host (into in[]). */
static void took(struct conn *c, const uint8_t *l3, uint32_t len, bool to_host)
{
	if (!tb_csum_ok(l3, len))
		c->bad_csum++;
	uint32_t ihl = (l3[0] & 15u) * 4, tot = (uint32_t)l3[2] << 8 | l3[3];
	const uint8_t *th = l3 + ihl;
	uint32_t doff = (th[12] >> 4) * 4u, seq = rd32(th + 4), n = tot - ihl - doff;
	if (!to_host) {
		uint32_t end = seq + n + ((th[13] & 0x02) ? 1u : 0u);
		if ((th[13] & 0x02) || (int32_t)(end - c->out_end) > 0)
			c->out_end = end;
		if (th[13] & 0x10)
			c->srv_ack = rd32(th + 8);
		return;
	}
	uint32_t at = seq - ISN_D - 1;
	if (n == 0 || at > sizeof(c->in) || n > sizeof(c->in) - at)
		return;
	for (uint32_t i = 0; i < n; i++) {
		if (at + i < c->in_max && c->in[at + i] != th[doff + i])
			c->inconsistent++;
		c->in[at + i] = th[doff + i];
	}
	if (at + n > c->in_max)
		c->in_max = at + n;
}

static uint8_t last_out[4096]; /* the host's last segment as it left (passed or rebuilt) */
static size_t last_len;

static void on_emit(void *ctx, const uint8_t *l3, uint32_t len, enum mg_side side, uint64_t now)
{
	struct rig *g = ctx;
	if (side == MG_SIDE_OUTSIDE && len <= sizeof(last_out)) {
		memcpy(last_out, l3, len);
		last_len = len;
	}
	if (g->cur)
		took(g->cur, l3, len, side == MG_SIDE_INSIDE);
}

static void mk_pool(struct rig *g, const char *pub, const char *pool)
{
	memset(g, 0, sizeof(*g));
	struct mg_config c;
	tb_lab_config(&c, tb_ip(pub));
	if (pool) {
		c.pool_addr[0] = tb_ip(pool);
		c.n_pool = 1;
	}
	c.nat = true;
	c.max_flows = 1024;
	char err[200];
	g->e = mg_engine_new(&c, 1, err, sizeof(err));
	if (!g->e)
		return;
	mg_guards_attach(g->e);
	g->ils = mg_ils_attach(g->e);
	mg_engine_set_emit(g->e, on_emit, g);
	g->now = 1000;
}

static void mk(struct rig *g, const char *pub)
{
	mk_pool(g, pub, NULL);
}

static void rig_free(struct rig *g)
{
	mg_engine_free(g->e);
	mg_ils_free(g->ils);
}

static struct mg_result from_host(struct rig *g, struct conn *c, uint8_t flags, const uint8_t *pay, size_t n,
				  uint32_t ack)
{
	static uint8_t b[4096];
	size_t len = tb_tcp(b, c->host, c->sport, SRV, 389, flags, c->hseq, ack, pay, n);
	g->cur = c;
	struct mg_result r = mg_engine_process(g->e, b, (uint32_t)len, MG_SIDE_INSIDE, g->now += 5);
	if (r.verdict == MG_VERDICT_ACCEPT) {
		memcpy(last_out, b, len);
		last_len = len;
		c->pub = tb_src(b);
		c->pub_port = tb_sport(b);
		took(c, b, (uint32_t)len, false);
	}
	if (r.verdict != MG_VERDICT_DROP)
		c->hseq += (uint32_t)n + ((flags & 0x02) ? 1u : 0u);
	g->cur = NULL;
	return r;
}

static struct mg_result from_srv(struct rig *g, struct conn *c, uint8_t flags, const uint8_t *pay, size_t n)
{
	static uint8_t b[4096];
	size_t len = tb_tcp(b, SRV, 389, c->pub, c->pub_port, flags, c->dseq, c->out_end, pay, n);
	g->cur = c;
	struct mg_result r = mg_engine_process(g->e, b, (uint32_t)len, MG_SIDE_OUTSIDE, g->now += 5);
	if (r.verdict == MG_VERDICT_ACCEPT)
		took(c, b, (uint32_t)len, true);
	if (r.verdict != MG_VERDICT_DROP)
		c->dseq += (uint32_t)n + ((flags & 0x02) ? 1u : 0u);
	g->cur = NULL;
	return r;
}

static int open_conn(struct rig *g, struct conn *c, uint32_t host, uint16_t sport)
{
	memset(c, 0, sizeof(*c));
	c->host = host;
	c->sport = sport;
	c->hseq = ISN_H;
	c->dseq = ISN_D;
	if (from_host(g, c, 0x02, NULL, 0, 0).verdict != MG_VERDICT_ACCEPT)
		return 0;
	if (from_srv(g, c, 0x12, NULL, 0).verdict != MG_VERDICT_ACCEPT)
		return 0;
	return from_host(g, c, 0x10, NULL, 0, ISN_D + 1).verdict == MG_VERDICT_ACCEPT;
}

/* A request and the server's answer to it (op, code), each one segment. */
static int exchange(struct rig *g, struct conn *c, const uint8_t *m, size_t n, uint8_t op, unsigned code)
{
	uint8_t r[256];
	if (from_host(g, c, 0x18, m, n, c->dseq).verdict == MG_VERDICT_DROP)
		return 0;
	size_t k = lb_result(r, op, code);
	return from_srv(g, c, 0x18, r, k).verdict != MG_VERDICT_DROP;
}

static uint64_t count(struct rig *g, enum mg_reason r)
{
	return mg_engine_stats(g->e)->dropped[r] + mg_engine_stats(g->e)->events[r];
}

static const struct mg_dir_entry *entry(struct rig *g, const char *alias)
{
	return mg_dir_lookup(mg_alg_dir(g->e), alias, MG_ALIAS_NAME, g->now);
}

/* alice registers from A over conn c: Add (id 1) accepted. */
static int register_alice(struct rig *g, struct conn *c, const char *sttl)
{
	uint8_t m[1024];
	lb_set_msg_id(1);
	size_t n = lb_add_reg(m, "alice@example.org", "167842502", sttl);
	int ok = exchange(g, c, m, n, 0x69, 0);
	lb_set_msg_id(7);
	return ok;
}

TEST(ils_registration_learned_when_accepted_refreshed_deleted)
{
	struct rig g;
	struct conn c;
	mk(&g, "198.19.0.1");
	CHECK(g.e && g.ils && open_conn(&g, &c, A, 40000));
	uint8_t m[1024], r[64];
	lb_set_msg_id(1);
	size_t n = lb_add_reg(m, "alice@example.org", "167842502", "600");
	CHECK(from_host(&g, &c, 0x18, m, n, c.dseq).verdict != MG_VERDICT_DROP);
	CHECK(entry(&g, "alice@example.org") == NULL); /* not before the server accepted */
	size_t k = lb_result(r, 0x69, 0);
	CHECK(from_srv(&g, &c, 0x18, r, k).verdict != MG_VERDICT_DROP);
	const struct mg_dir_entry *en = entry(&g, "Alice@Example.org");
	CHECK(en != NULL);
	CHECK_EQ(en->addr, A);
	CHECK_EQ(en->port, 1720);
	CHECK_EQ(en->origin, MG_DIR_ILS);
	CHECK_EQ(en->expire_ms, g.now + 600000);
	CHECK(mg_dir_lookup(mg_alg_dir(g.e), "alice@example.org", MG_ALIAS_EMAIL, g.now) != NULL);
	CHECK_EQ(count(&g, MG_R_ILS_REGISTERED), 1);
	/* the ModifyRequest refresh: a later expiry, no new registration */
	g.now += 100000;
	lb_set_msg_id(2);
	n = lb_modify_ttl(m, "alice@example.org", "900");
	CHECK(exchange(&g, &c, m, n, 0x67, 0));
	en = entry(&g, "alice@example.org");
	CHECK(en != NULL);
	CHECK_EQ(en->expire_ms, g.now + 900000);
	CHECK_EQ(count(&g, MG_R_ILS_REGISTERED), 1);
	/* the DelRequest: gone once the server deleted it */
	lb_set_msg_id(3);
	n = lb_del_request(m, "alice@example.org");
	CHECK(exchange(&g, &c, m, n, 0x6b, 0));
	CHECK(entry(&g, "alice@example.org") == NULL);
	CHECK_EQ(count(&g, MG_R_ILS_UNREGISTERED), 1);
	CHECK_EQ(c.bad_csum + c.inconsistent, 0);
	lb_set_msg_id(7);
	rig_free(&g);
}

TEST(ils_registration_refused_or_unanswered_not_learned)
{
	struct rig g;
	struct conn c;
	mk(&g, "198.19.0.1");
	CHECK(g.e && g.ils && open_conn(&g, &c, A, 40000));
	uint8_t m[1024], r[64];
	lb_set_msg_id(1);
	size_t n = lb_add_reg(m, "alice@example.org", "167842502", "600");
	/* entryAlreadyExists (68) */
	CHECK(exchange(&g, &c, m, n, 0x69, 68));
	CHECK(entry(&g, "alice@example.org") == NULL);
	/* an answer for another messageID, or of another operation */
	lb_set_msg_id(2);
	n = lb_add_reg(m, "alice@example.org", "167842502", "600");
	CHECK(from_host(&g, &c, 0x18, m, n, c.dseq).verdict != MG_VERDICT_DROP);
	lb_set_msg_id(3);
	size_t k = lb_result(r, 0x69, 0);
	CHECK(from_srv(&g, &c, 0x18, r, k).verdict != MG_VERDICT_DROP);
	lb_set_msg_id(2);
	k = lb_result(r, 0x67, 0);
	CHECK(from_srv(&g, &c, 0x18, r, k).verdict != MG_VERDICT_DROP);
	CHECK(entry(&g, "alice@example.org") == NULL);
	/* a Modify of an entry never registered through the gateway, without
	 * a sipaddress, teaches nothing; a Del of one forgets nothing */
	lb_set_msg_id(4);
	n = lb_modify_ttl(m, "bob@example.org", "600");
	CHECK(exchange(&g, &c, m, n, 0x67, 0));
	CHECK(entry(&g, "bob@example.org") == NULL);
	CHECK_EQ(count(&g, MG_R_ILS_REGISTERED), 0);
	lb_set_msg_id(5);
	n = lb_del_request(m, "bob@example.org");
	CHECK(exchange(&g, &c, m, n, 0x6b, 0));
	CHECK_EQ(count(&g, MG_R_ILS_UNREGISTERED), 0);
	/* now accepted: learned; a refused Del leaves it */
	lb_set_msg_id(6);
	n = lb_add_reg(m, "alice@example.org", "167842502", NULL);
	CHECK(exchange(&g, &c, m, n, 0x69, 0));
	CHECK(entry(&g, "alice@example.org") != NULL);
	/* no sttl: the directory timeout (3600 s) */
	CHECK_EQ(entry(&g, "alice@example.org")->expire_ms, g.now + 3600000);
	lb_set_msg_id(8);
	n = lb_del_request(m, "alice@example.org");
	CHECK(exchange(&g, &c, m, n, 0x6b, 50));
	CHECK(entry(&g, "alice@example.org") != NULL);
	lb_set_msg_id(7);
	rig_free(&g);
}

TEST(ils_modify_with_sipaddress_registers)
{
	struct rig g;
	struct conn c;
	mk(&g, "198.19.0.1");
	CHECK(g.e && g.ils && open_conn(&g, &c, A, 40000));
	uint8_t m[1024];
	lb_set_msg_id(9);
	size_t n = lb_modify_request(m, "carol@example.org", "167842502");
	CHECK(exchange(&g, &c, m, n, 0x67, 0));
	/* the Modify names no cn: nothing to learn from it but its DN's entry */
	CHECK_EQ(count(&g, MG_R_ILS_REGISTERED), 0);
	CHECK_EQ(mg_engine_stats(g.e)->alg_rewrites, 1);
	lb_set_msg_id(7);
	rig_free(&g);
}

static uint32_t rnd_state;
static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 16) % n;
}

/* The server sends m[0..n) to c in segments of random sizes. */
static int srv_split(struct rig *g, struct conn *c, const uint8_t *m, size_t n)
{
	for (size_t at = 0; at < n;) {
		size_t k = 1 + rnd(n < 300 ? (uint32_t)n : 300u);
		if (k > n - at)
			k = n - at;
		if (from_srv(g, c, 0x18, m + at, k).verdict == MG_VERDICT_DROP)
			return 0;
		at += k;
	}
	return 1;
}

/* Every message c got decodes; the first one's sipaddress is want. */
static int got_entry(const struct conn *c, const char *want, int msgs_want)
{
	uint32_t at = 0;
	int msgs = 0;
	while (at < c->in_max) {
		uint32_t len;
		enum mg_ber_err why;
		if (mg_ber_frame(c->in + at, c->in_max - at, &len, &why) != MG_BER_OK)
			return -1;
		struct mg_ldap_msg s;
		if (mg_ldap_scan(c->in + at, len, &s) != MG_BER_E_NONE)
			return -2;
		if (msgs == 0 && (s.n != 1 || s.v[0].len != strlen(want) ||
				  memcmp(c->in + at + s.v[0].off, want, s.v[0].len) != 0))
			return -3;
		at += len;
		msgs++;
	}
	return msgs == msgs_want ? 1 : -4;
}

static void search_run(const char *pub, const char *pub_sip, uint32_t seed, int *ok)
{
	struct rig g;
	struct conn a, b;
	*ok = 0;
	mk(&g, pub);
	if (!g.e || !g.ils || !open_conn(&g, &a, A, 40000) || !register_alice(&g, &a, "600"))
		goto out;
	/* B searches; the server answers with alice's entry as it holds it
	 * (the public sipaddress) and SearchResultDone */
	if (!open_conn(&g, &b, B, 40001))
		goto out;
	uint8_t q[512], m[2048];
	size_t nq = lb_search_request(q);
	if (from_host(&g, &b, 0x18, q, nq, b.dseq).verdict == MG_VERDICT_DROP)
		goto out;
	rnd_state = seed;
	char comment[400];
	memset(comment, 'y', sizeof(comment));
	comment[80 + rnd(200)] = '\0'; /* lengths around 128 and 256 */
	lb_set_len_form(seed % 3 == 0 ? 2 : 0);
	size_t n = lb_search_entry(m, seed & 1 ? "alice@example.org" : NULL, "ALICE@example.org", pub_sip,
				   comment);
	lb_set_len_form(0);
	n += lb_result(m + n, 0x65, 0);
	if (!srv_split(&g, &b, m, n))
		goto out;
	if (b.inconsistent || b.bad_csum || got_entry(&b, "167842502", 2) != 1)
		goto out;
	if (count(&g, MG_R_ILS_RESULT_TRANSLATED) != 1)
		goto out;
	/* B acknowledges all it got: the server sees its own end */
	if (from_host(&g, &b, 0x10, NULL, 0, ISN_D + 1 + b.in_max).verdict != MG_VERDICT_ACCEPT ||
	    b.srv_ack != b.dseq)
		goto out;
	*ok = 1;
out:
	rig_free(&g);
}

TEST(ils_search_result_names_the_inside_host)
{
	static const struct {
		const char *pub, *sip;
	} pubs[] = {
		{"198.19.0.1", "16782278"},     /* public one digit shorter than 167842502 */
		{"198.19.0.200", "3355448262"}, /* one digit longer */
		{"198.18.2.10", "167908038"},   /* same length */
	};
	for (unsigned p = 0; p < 3; p++)
		for (uint32_t seed = 1; seed <= 10; seed++) {
			int ok;
			search_run(pubs[p].pub, pubs[p].sip, seed * 7919u + p, &ok);
			if (!ok)
				fprintf(stderr, "pub %s seed %u\n", pubs[p].pub, seed);
			CHECK(ok);
		}
}

TEST(ils_search_result_not_public_or_unknown_stays)
{
	struct rig g;
	struct conn a, b;
	mk(&g, "198.19.0.1");
	CHECK(g.e && g.ils && open_conn(&g, &a, A, 40000) && register_alice(&g, &a, "600"));
	CHECK(open_conn(&g, &b, B, 40001));
	uint8_t m[2048];
	size_t nq = lb_search_request(m);
	CHECK(from_host(&g, &b, 0x18, m, nq, b.dseq).verdict != MG_VERDICT_DROP);
	char out_sip[16];
	lb_sipaddress(tb_ip("198.19.0.20"), out_sip);
	size_t n = lb_search_entry(m, "alice@example.org", NULL, out_sip, "x"); /* not ours */
	size_t n2 =
		lb_search_entry(m + n, "bob@example.org", "bob@example.org", "16782278", "x"); /* nobody's */
	size_t n3 = lb_search_entry(m + n + n2, "alice@example.org", NULL, "16782278", "x");   /* alice */
	CHECK(from_srv(&g, &b, 0x18, m, n + n2 + n3).verdict != MG_VERDICT_DROP);
	CHECK(memcmp(b.in, m, n + n2) == 0);
	CHECK_EQ(b.in_max, n + n2 + n3 + 1);
	CHECK_EQ(count(&g, MG_R_ILS_RESULT_TRANSLATED), 1);
	/* after alice's deletion her entry is not translated any more */
	uint8_t d[256];
	lb_set_msg_id(3);
	size_t nd = lb_del_request(d, "alice@example.org");
	CHECK(exchange(&g, &a, d, nd, 0x6b, 0));
	lb_set_msg_id(7);
	uint32_t before = b.in_max;
	CHECK(from_srv(&g, &b, 0x18, m + n + n2, n3).verdict != MG_VERDICT_DROP);
	CHECK(memcmp(b.in + before, m + n + n2, n3) == 0);
	CHECK_EQ(count(&g, MG_R_ILS_RESULT_TRANSLATED), 1);
	rig_free(&g);
}

TEST(ils_undecodable_answer_counted_policy_decides)
{
	for (int drop = 0; drop < 2; drop++) {
		struct rig g;
		struct conn a;
		mk(&g, "198.19.0.1");
		CHECK(g.e && g.ils);
		if (drop) {
			struct mg_config c;
			tb_lab_config(&c, tb_ip("198.19.0.1"));
			c.nat = true;
			c.max_flows = 1024;
			c.malformed_outside_drop = true;
			char err[200];
			rig_free(&g);
			g.e = mg_engine_new(&c, 1, err, sizeof(err));
			CHECK(g.e);
			mg_guards_attach(g.e);
			g.ils = mg_ils_attach(g.e);
			mg_engine_set_emit(g.e, on_emit, &g);
		}
		CHECK(open_conn(&g, &a, A, 40000) && register_alice(&g, &a, "600"));
		uint8_t m[2048];
		size_t n = lb_search_entry(m, "alice@example.org", NULL, "16782278", "x");
		/* the last attribute's SET claims one byte more than its value */
		m[n - 4] = (uint8_t)(m[n - 4] + 1);
		struct mg_result r = from_srv(&g, &a, 0x18, m, n);
		CHECK_EQ(r.verdict, drop ? MG_VERDICT_DROP : MG_VERDICT_ACCEPT);
		CHECK_EQ(count(&g, MG_R_ALG_LDAP_BAD), 1);
		CHECK_EQ(count(&g, MG_R_ILS_RESULT_TRANSLATED), 0);
		rig_free(&g);
	}
}

TEST(ils_unframable_answers_pass)
{
	struct rig g;
	struct conn a;
	mk(&g, "198.19.0.1");
	CHECK(g.e && g.ils && open_conn(&g, &a, A, 40000) && register_alice(&g, &a, "600"));
	static const uint8_t junk[] = {0x30, 0x80, 0x02, 0x01, 0x01};
	uint32_t before = a.in_max;
	CHECK(from_srv(&g, &a, 0x18, junk, sizeof(junk)).verdict != MG_VERDICT_DROP);
	CHECK(count(&g, MG_R_ALG_LDAP_BAD) >= 1);
	uint8_t m[2048];
	size_t n = lb_search_entry(m, "alice@example.org", NULL, "16782278", "x");
	CHECK(from_srv(&g, &a, 0x18, m, n).verdict != MG_VERDICT_DROP);
	CHECK(memcmp(a.in + before + sizeof(junk), m, n) == 0); /* not followed any more */
	rig_free(&g);
}

TEST(ldap_scan_reads_dn_names_ttl_and_result_codes)
{
	uint8_t m[1024];
	struct mg_ldap_msg s;
	lb_set_msg_id(300);
	size_t n = lb_add_reg(m, "Alice@Example.org", "167842502", "600");
	uint8_t *g = t_guarded(m, n);
	CHECK_EQ(mg_ldap_scan(g, n, &s), MG_BER_E_NONE);
	CHECK_EQ(s.id, 300);
	CHECK(s.has_dn && s.dn_len == strlen("c=-, o=Microsoft, cn=Alice@Example.org, objectClass=RTPerson"));
	CHECK_EQ(s.n_str, 3); /* cn, rfc822mailbox, sttl */
	CHECK(s.s[0].attr == MG_LDAP_A_CN && s.s[1].attr == MG_LDAP_A_MAIL && s.s[2].attr == MG_LDAP_A_TTL);
	CHECK(s.s[2].len == 3 && memcmp(g + s.s[2].off, "600", 3) == 0);
	t_guarded_free(g, n);
	n = lb_del_request(m, "a@b");
	g = t_guarded(m, n);
	CHECK_EQ(mg_ldap_scan(g, n, &s), MG_BER_E_NONE);
	CHECK(s.op == MG_LDAP_OP_DEL && s.has_dn &&
	      memcmp(g + s.dn_off, "c=-, o=Microsoft, cn=a@b", 24) == 0);
	t_guarded_free(g, n);
	n = lb_result(m, 0x6b, 68);
	g = t_guarded(m, n);
	CHECK_EQ(mg_ldap_scan(g, n, &s), MG_BER_E_NONE);
	CHECK(s.op == MG_LDAP_OP_DEL_RESP && s.has_result && s.result == 68);
	/* cut short: the resultCode runs past its message */
	CHECK(mg_ldap_scan(g, 8, &s) != MG_BER_E_NONE);
	t_guarded_free(g, n);
	/* 'mail' is rfc822mailbox's other name */
	n = lb_search_entry(m, NULL, "x@y", "1", "");
	g = t_guarded(m, n);
	CHECK_EQ(mg_ldap_scan(g, n, &s), MG_BER_E_NONE);
	CHECK(s.n_str == 1 && s.s[0].attr == MG_LDAP_A_MAIL);
	t_guarded_free(g, n);
	lb_set_msg_id(7);
}

static bool has_bytes(const uint8_t *b, size_t n, const char *s)
{
	size_t k = strlen(s);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(b + i, s, k) == 0)
			return true;
	return false;
}

/* With a pool, a registering host is published with an address of its own:
 * lent while the request is on its way, held by the directory entry once
 * the server accepted, kept after the connection ends; a second host finds
 * the pool empty and is published with the shared address. */
TEST(ils_registration_gets_a_pool_address)
{
	struct rig g;
	struct conn c, d;
	mk_pool(&g, "198.19.0.1", "198.19.0.10"); /* 198.19.0.10 = "167777222" */
	CHECK(g.e && g.ils && open_conn(&g, &c, A, 40000));
	CHECK(c.pub == tb_ip("198.19.0.1")); /* the connection itself leaves from the shared address */
	uint8_t m[1024], r[64];
	lb_set_msg_id(1);
	size_t n = lb_add_reg(m, "alice@example.org", "167842502", "600");
	CHECK(from_host(&g, &c, 0x18, m, n, c.dseq).verdict != MG_VERDICT_DROP);
	CHECK(has_bytes(last_out, last_len, "167777222") && !has_bytes(last_out, last_len, "167842502"));
	size_t k = lb_result(r, 0x69, 0);
	CHECK(from_srv(&g, &c, 0x18, r, k).verdict != MG_VERDICT_DROP);
	const struct mg_dir_entry *en = entry(&g, "alice@example.org");
	CHECK(en != NULL && en->pool_addr == tb_ip("198.19.0.10"));
	CHECK_EQ(mg_engine_public_for(g.e, A), tb_ip("198.19.0.10"));
	/* bob registers too: the pool is empty, he is published as the shared address */
	CHECK(open_conn(&g, &d, B, 40001));
	lb_set_msg_id(2);
	n = lb_add_reg(m, "bob@example.org", "184619718", "600"); /* 198.18.1.11 */
	CHECK(from_host(&g, &d, 0x18, m, n, d.dseq).verdict != MG_VERDICT_DROP);
	CHECK(has_bytes(last_out, last_len, "16782278")); /* 198.19.0.1 */
	lb_set_msg_id(7);
	rig_free(&g);
}
