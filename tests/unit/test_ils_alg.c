/* test_ils_alg.c - the ILS ALG through the engine: NetMeeting's AddRequest
 * and ModifyRequest split over segments of random sizes leave with the
 * public sipaddress, every BER length right (the stream that left is
 * decoded again), sequence numbers that make one consistent stream, and
 * the directory's ACKs mapped back; what cannot be translated goes to
 * policy. */
#include <stdlib.h>
#include <string.h>

#include "alg/guards.h"
#include "alg/ils.h"
#include "proto/ldap.h"
#include "core/engine.h"
#include "harness.h"
#include "ldapbuild.h"
#include "pktbuild.h"

#define A tb_ip("198.18.1.10")
#define A2 tb_ip("198.18.1.11")
#define DIR tb_ip("198.19.0.60")
#define ISN_A 1000u
#define ISN_D 7000u

struct rig {
	struct mg_engine *e;
	struct mg_ils *ils;
	uint32_t pub;
	uint16_t pub_port;
	uint64_t now;
	/* the stream that left towards the directory, by translated seq */
	uint8_t out[8192];
	uint32_t out_max; /* bytes from ISN' + 1 seen so far */
	int inconsistent; /* a byte sent twice with two values */
	int bad_csum;
	uint32_t first_seq; /* translated ISN + 1 */
	int emitted, max_seg; /* segments the engine sent through emit; the largest payload */
};

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A packet towards the directory: its payload goes into the stream. */
static void took(struct rig *g, const uint8_t *l3, uint32_t len)
{
	if (!tb_csum_ok(l3, len))
		g->bad_csum++;
	uint32_t ihl = (l3[0] & 15u) * 4, tot = (uint32_t)l3[2] << 8 | l3[3];
	const uint8_t *th = l3 + ihl;
	uint32_t doff = (th[12] >> 4) * 4u, seq = rd32(th + 4), n = tot - ihl - doff;
	if (th[13] & 0x02) {
		g->first_seq = seq + 1;
		return;
	}
	uint32_t at = seq - g->first_seq;
	if ((int)n > g->max_seg)
		g->max_seg = (int)n;
	if (at > sizeof(g->out) || n > sizeof(g->out) - at)
		return;
	for (uint32_t i = 0; i < n; i++) {
		if (at + i < g->out_max && g->out[at + i] != th[doff + i])
			g->inconsistent++;
		g->out[at + i] = th[doff + i];
	}
	if (at + n > g->out_max)
		g->out_max = at + n;
}

static void on_emit(void *ctx, const uint8_t *l3, uint32_t len, enum mg_side side, uint64_t now)
{
	struct rig *g = ctx;
	if (side == MG_SIDE_OUTSIDE) {
		g->emitted++;
		took(g, l3, len);
	}
}

static void mk(struct rig *g, const char *pub, enum mg_untranslatable pol)
{
	memset(g, 0, sizeof(*g));
	struct mg_config c;
	tb_lab_config(&c, tb_ip(pub));
	c.nat = true;
	c.untranslatable = pol;
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

static void rig_free(struct rig *g)
{
	mg_engine_free(g->e);
	mg_ils_free(g->ils);
}

static struct mg_result from_a(struct rig *g, uint8_t flags, uint32_t seq, const uint8_t *pay, size_t n)
{
	static uint8_t b[4096];
	size_t len = tb_tcp(b, A, 40000, DIR, 389, flags, seq, (flags & 0x10) ? ISN_D + 1 : 0, pay, n);
	struct mg_result r = mg_engine_process(g->e, b, (uint32_t)len, MG_SIDE_INSIDE, g->now += 5);
	if (r.verdict == MG_VERDICT_ACCEPT) {
		g->pub = tb_src(b);
		g->pub_port = tb_sport(b);
		took(g, b, (uint32_t)len);
	}
	return r;
}

/* The directory acknowledges `ack` (translated space); returns the ACK
 * number the inside host gets. */
static uint32_t from_dir(struct rig *g, uint8_t flags, uint32_t ack)
{
	static uint8_t b[200];
	size_t len = tb_tcp(b, DIR, 389, g->pub, g->pub_port, flags, ISN_D + ((flags & 0x02) ? 0 : 1), ack, NULL, 0);
	struct mg_result r = mg_engine_process(g->e, b, (uint32_t)len, MG_SIDE_OUTSIDE, g->now += 5);
	if (r.verdict != MG_VERDICT_ACCEPT || !tb_csum_ok(b, len))
		return 0;
	return rd32(b + 28);
}

static int open_conn(struct rig *g)
{
	if (from_a(g, 0x02, ISN_A, NULL, 0).verdict != MG_VERDICT_ACCEPT)
		return 0;
	if (from_dir(g, 0x12, g->first_seq) != ISN_A + 1)
		return 0;
	return from_a(g, 0x10, ISN_A + 1, NULL, 0).verdict == MG_VERDICT_ACCEPT;
}

static uint32_t rnd_state;
static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 16) % n;
}

/* Send m[0..n) from original position seq in segments of random sizes. */
static int send_split(struct rig *g, uint32_t seq, const uint8_t *m, size_t n)
{
	for (size_t at = 0; at < n;) {
		size_t k = 1 + rnd(n < 200 ? (uint32_t)n : 200u);
		if (k > n - at)
			k = n - at;
		struct mg_result r = from_a(g, 0x18, seq + (uint32_t)at, m + at, k);
		if (r.verdict == MG_VERDICT_DROP)
			return 0;
		at += k;
	}
	return 1;
}

/* Every message in the stream that left decodes, with these sipaddress
 * values; returns how many messages. */
static int decode_all(const struct rig *g, const char *want, const char *never)
{
	uint32_t at = 0;
	int msgs = 0;
	while (at < g->out_max) {
		uint32_t len;
		enum mg_ber_err why;
		if (mg_ber_frame(g->out + at, g->out_max - at, &len, &why) != MG_BER_OK)
			return -1;
		struct mg_ldap_msg s;
		if (mg_ldap_scan(g->out + at, len, &s) != MG_BER_E_NONE)
			return -2;
		for (uint8_t i = 0; i < s.n; i++)
			if (s.v[i].len != strlen(want) || memcmp(g->out + at + s.v[i].off, want, s.v[i].len) != 0)
				return -3;
		at += len;
		msgs++;
	}
	for (uint32_t i = 0; i + strlen(never) <= g->out_max; i++)
		if (memcmp(g->out + i, never, strlen(never)) == 0)
			return -4;
	return msgs;
}

static void one_run(const char *pub, const char *pub_sip, int form, uint32_t seed, int *ok)
{
	struct rig g;
	*ok = 0;
	mk(&g, pub, MG_UNTRANS_DROP);
	if (!g.e || !g.ils || !open_conn(&g))
		goto out;
	rnd_state = seed;
	char comment[400];
	memset(comment, 'x', sizeof(comment));
	comment[100 + rnd(250)] = '\0'; /* lengths around 128 and 256 */
	lb_set_len_form(form);
	uint8_t add[1024], mod[1024], srch[512];
	size_t na = lb_add_request(add, "alice@example.org", "167842502", comment);
	size_t nm = lb_modify_request(mod, "alice@example.org", "167842502");
	lb_set_len_form(0);
	size_t ns = lb_search_request(srch);
	uint32_t seq = ISN_A + 1;
	if (!send_split(&g, seq, add, na) || !send_split(&g, seq + (uint32_t)na, mod, nm) ||
	    !send_split(&g, seq + (uint32_t)(na + nm), srch, ns))
		goto out;
	uint32_t end = seq + (uint32_t)(na + nm + ns);
	if (g.inconsistent || g.bad_csum || decode_all(&g, pub_sip, "167842502") != 3)
		goto out;
	if (mg_engine_stats(g.e)->alg_rewrites != 2)
		goto out;
	/* a retransmission of the first bytes leaves with the same bytes */
	uint32_t before = g.out_max;
	if (from_a(&g, 0x18, seq, add, 10).verdict == MG_VERDICT_DROP || g.inconsistent ||
	    g.out_max != before)
		goto out;
	/* the directory acknowledges everything: the host sees its own end */
	if (from_dir(&g, 0x10, g.first_seq + g.out_max) != end)
		goto out;
	*ok = 1;
out:
	rig_free(&g);
}

TEST(ils_add_modify_split_at_random_translated_and_consistent)
{
	static const struct {
		const char *pub, *sip;
	} pubs[] = {
		{"198.19.0.1", "16782278"},      /* one digit shorter */
		{"198.19.0.200", "3355448262"}, /* one digit longer */
		{"198.18.2.10", "167908038"},    /* same length */
	};
	for (unsigned p = 0; p < 3; p++)
		for (int form = 0; form <= 4; form += 2)
			for (uint32_t seed = 1; seed <= 12; seed++) {
				int ok;
				one_run(pubs[p].pub, pubs[p].sip, form, seed * 7919u + p, &ok);
				if (!ok)
					fprintf(stderr, "pub %s form %d seed %u\n", pubs[p].pub, form, seed);
				CHECK(ok);
			}
}

TEST(ils_acks_inside_an_edit_map_to_its_start)
{
	struct rig g;
	mk(&g, "198.19.0.200", MG_UNTRANS_DROP);
	CHECK(g.e && g.ils && open_conn(&g));
	uint8_t add[1024];
	size_t na = lb_add_request(add, "a", "167842502", "");
	CHECK(from_a(&g, 0x18, ISN_A + 1, add, na).verdict != MG_VERDICT_DROP);
	CHECK_EQ(mg_engine_stats(g.e)->alg_rewrites, 1);
	CHECK_EQ(decode_all(&g, "3355448262", "167842502"), 1);
	/* where the value starts, translated and original */
	uint32_t v = 0;
	while (v + 10 <= g.out_max && memcmp(g.out + v, "3355448262", 10) != 0)
		v++;
	CHECK(v + 10 <= g.out_max);
	uint32_t o = 0;
	while (memcmp(add + o, "167842502", 9) != 0)
		o++;
	/* the value's length byte sits right before it: the edit starts there */
	CHECK_EQ(from_dir(&g, 0x10, g.first_seq + v), ISN_A + 1 + o - 1);
	CHECK_EQ(from_dir(&g, 0x10, g.first_seq + v + 5), ISN_A + 1 + o - 1);
	CHECK_EQ(from_dir(&g, 0x10, g.first_seq + g.out_max), ISN_A + 1 + na);
	rig_free(&g);
}

static uint64_t count(struct rig *g, enum mg_reason r)
{
	return mg_engine_stats(g->e)->dropped[r] + mg_engine_stats(g->e)->events[r];
}

TEST(ils_untranslatable_goes_to_policy)
{
	for (int pol = 0; pol < 2; pol++) {
		struct rig g;
		mk(&g, "198.19.0.1", pol ? MG_UNTRANS_PASS : MG_UNTRANS_DROP);
		CHECK(g.e && g.ils && open_conn(&g));
		uint8_t m[1024];
		char other[16];
		lb_sipaddress(A2, other);
		/* another inside host's address */
		size_t n = lb_add_request(m, "a", other, "");
		uint32_t seq = ISN_A + 1;
		struct mg_result r = from_a(&g, 0x18, seq, m, n);
		CHECK_EQ(r.verdict, pol ? MG_VERDICT_ACCEPT : MG_VERDICT_DROP);
		CHECK_EQ(count(&g, MG_R_ILS_UNTRANSLATED), 1);
		if (pol) /* passed: the stream moved on */
			seq += (uint32_t)n;
		/* the sender's own address, dotted, in a comment */
		n = lb_add_request(m, "a", "167842502", "call 198.18.1.10");
		r = from_a(&g, 0x18, seq, m, n);
		CHECK_EQ(r.verdict == MG_VERDICT_DROP, !pol);
		CHECK_EQ(count(&g, MG_R_ILS_UNTRANSLATED), 2);
		/* a rewrite counts only when its message leaves */
		CHECK_EQ(mg_engine_stats(g.e)->alg_rewrites, (uint64_t)pol);
		rig_free(&g);
	}
}

TEST(ils_unframable_stream_falls_back_to_the_guard)
{
	struct rig g;
	mk(&g, "198.19.0.1", MG_UNTRANS_DROP);
	CHECK(g.e && g.ils && open_conn(&g));
	static const uint8_t junk[] = {0x30, 0x80, 0x02, 0x01, 0x01};
	struct mg_result r = from_a(&g, 0x18, ISN_A + 1, junk, sizeof(junk));
	CHECK_EQ(r.verdict, MG_VERDICT_ACCEPT); /* carries no address */
	CHECK(count(&g, MG_R_ALG_LDAP_BAD) >= 1);
	uint8_t m[1024];
	size_t n = lb_add_request(m, "a", "167842502", "");
	r = from_a(&g, 0x18, ISN_A + 1 + sizeof(junk), m, n);
	CHECK_EQ(r.verdict, MG_VERDICT_DROP);
	CHECK_EQ(r.reason, MG_R_ILS_UNTRANSLATED);
	/* the directory's answers pass */
	CHECK(from_dir(&g, 0x10, g.first_seq + sizeof(junk)) == ISN_A + 1 + sizeof(junk));
	rig_free(&g);
}

TEST(ils_undecodable_message_is_counted_and_searched)
{
	struct rig g;
	mk(&g, "198.19.0.1", MG_UNTRANS_DROP);
	CHECK(g.e && g.ils && open_conn(&g));
	/* framed right, but the protocolOp runs past its message */
	uint8_t m[1024];
	size_t n = lb_add_request(m, "a", "167842502", "");
	uint32_t h = (m[1] & 0x80) ? 2u + (m[1] & 0x7fu) : 2u; /* then id (3), op tag */
	uint32_t last = h + 4 + ((m[h + 4] & 0x80) ? (m[h + 4] & 0x7fu) : 0u);
	CHECK_EQ(m[h + 3], 0x68);
	m[last] = (uint8_t)(m[last] + 1);
	struct mg_result r = from_a(&g, 0x18, ISN_A + 1, m, n);
	CHECK_EQ(r.reason, MG_R_ILS_UNTRANSLATED);
	CHECK_EQ(count(&g, MG_R_ALG_LDAP_BAD), 1);
	rig_free(&g);
}

TEST(ils_tag_alone_passes_the_rest_is_held_leading_zeros_read)
{
	struct rig g;
	mk(&g, "198.19.0.1", MG_UNTRANS_DROP);
	CHECK(g.e && g.ils && open_conn(&g));
	uint8_t m[1024];
	size_t n = lb_add_request(m, "a", "0167842502", "");
	/* only the SEQUENCE tag is never rewritten: it leaves at once */
	CHECK_EQ(from_a(&g, 0x18, ISN_A + 1, m, 1).verdict, MG_VERDICT_ACCEPT);
	/* the length octets may change: held until the message is complete */
	CHECK_EQ(from_a(&g, 0x18, ISN_A + 2, m + 1, 2).verdict, MG_VERDICT_HOLD);
	CHECK(from_a(&g, 0x18, ISN_A + 4, m + 3, n - 3).verdict != MG_VERDICT_DROP);
	CHECK_EQ(g.inconsistent, 0);
	CHECK_EQ(g.bad_csum, 0);
	CHECK_EQ(decode_all(&g, "16782278", "167842502"), 1);
	CHECK_EQ(mg_engine_stats(g.e)->alg_rewrites, 1);
	CHECK_EQ(from_dir(&g, 0x10, g.first_seq + g.out_max), ISN_A + 1 + n);
	rig_free(&g);
}

TEST(ils_from_outside_and_without_nat_untouched)
{
	struct rig g;
	mk(&g, "198.19.0.1", MG_UNTRANS_DROP);
	CHECK(g.e && g.ils && open_conn(&g));
	/* a search result naming an inside host comes in as it is */
	uint8_t m[1024], b[2048];
	size_t n = lb_add_request(m, "a", "167842502", "");
	m[m[1] & 0x80 ? 3u + (m[1] & 0x7fu) + 2u : 5u] = 0x64; /* the op: SearchResultEntry */
	size_t len = tb_tcp(b, DIR, 389, g.pub, g.pub_port, 0x18, ISN_D + 1, ISN_A + 1, m, n);
	struct mg_result r = mg_engine_process(g.e, b, (uint32_t)len, MG_SIDE_OUTSIDE, g.now += 5);
	CHECK_EQ(r.verdict, MG_VERDICT_ACCEPT);
	CHECK(memcmp(b + 40, m, n) == 0);
	CHECK_EQ(mg_engine_stats(g.e)->alg_rewrites, 0);
	rig_free(&g);
}

TEST(ils_grown_segment_is_split_at_the_mss)
{
	struct rig g;
	mk(&g, "198.19.0.200", MG_UNTRANS_DROP); /* one digit longer */
	CHECK(g.e && g.ils && open_conn(&g));   /* no MSS option: 536 */
	uint8_t m[1024];
	char comment[600];
	size_t n = 0;
	for (size_t k = 300; k < 500 && n != 536; k++) {
		memset(comment, 'x', k);
		comment[k] = '\0';
		n = lb_add_request(m, "a", "167842502", comment);
	}
	CHECK_EQ(n, 536);
	CHECK(from_a(&g, 0x18, ISN_A + 1, m, n).verdict != MG_VERDICT_DROP);
	CHECK_EQ(g.emitted, 2);
	CHECK(g.max_seg <= 536);
	CHECK_EQ(g.out_max, 537);
	CHECK_EQ(g.inconsistent + g.bad_csum, 0);
	CHECK_EQ(decode_all(&g, "3355448262", "167842502"), 1);
	CHECK_EQ(from_dir(&g, 0x10, g.first_seq + 537), ISN_A + 1 + 536);
	rig_free(&g);
}

TEST(ils_message_before_unframable_bytes_still_translated)
{
	struct rig g;
	mk(&g, "198.19.0.1", MG_UNTRANS_DROP);
	CHECK(g.e && g.ils && open_conn(&g));
	uint8_t m[1100];
	size_t n = lb_add_request(m, "a", "167842502", "");
	static const uint8_t junk[] = {0x31, 0x80, 0x00, 0x00};
	memcpy(m + n, junk, sizeof(junk));
	for (int k = 0; k < 2; k++) { /* and its retransmission */
		struct mg_result r = from_a(&g, 0x18, ISN_A + 1, m, n + sizeof(junk));
		CHECK(r.verdict != MG_VERDICT_DROP);
		CHECK_EQ(g.inconsistent + g.bad_csum, 0);
		uint32_t len;
		enum mg_ber_err why;
		struct mg_ldap_msg s;
		CHECK_EQ(mg_ber_frame(g.out, g.out_max, &len, &why), MG_BER_OK);
		CHECK_EQ(mg_ldap_scan(g.out, len, &s), MG_BER_E_NONE);
		CHECK_EQ(s.n, 1);
		CHECK(s.v[0].len == 8 && memcmp(g.out + s.v[0].off, "16782278", 8) == 0);
		CHECK_EQ(g.out_max, len + sizeof(junk));
	}
	CHECK(count(&g, MG_R_ALG_LDAP_BAD) >= 1);
	CHECK_EQ(count(&g, MG_R_ILS_UNTRANSLATED), 0);
	rig_free(&g);
}

TEST(ils_unframable_stream_segment_reaching_before_its_start_searched_whole)
{
	struct rig g;
	mk(&g, "198.19.0.1", MG_UNTRANS_DROP);
	CHECK(g.e && g.ils && open_conn(&g));
	static const uint8_t junk[] = {0x30, 0x80, 0xfd, 0x00, 0x01, 0x30, 0x00, 0x00, 0x00, 0x0a};
	CHECK_EQ(from_a(&g, 0x18, ISN_A + 1, junk, sizeof(junk)).verdict, MG_VERDICT_ACCEPT);
	/* starts 40 bytes before the first data byte, the address 4 bytes
	 * after its start: nothing of it was a message the ALG handled */
	uint8_t seg[60];
	memset(seg, 0x41, sizeof(seg));
	uint32_t a = A;
	memcpy(seg + 4, &a, 4);
	struct mg_result r = from_a(&g, 0x18, ISN_A + 1 - 40, seg, sizeof(seg));
	CHECK_EQ(r.verdict, MG_VERDICT_DROP);
	CHECK_EQ(r.reason, MG_R_ILS_UNTRANSLATED);
	rig_free(&g);
}

TEST(ils_unframable_stream_resent_bytes_other_than_sent_are_searched)
{
	struct rig g;
	mk(&g, "198.19.0.1", MG_UNTRANS_DROP);
	CHECK(g.e && g.ils && open_conn(&g));
	uint8_t m[1100];
	lb_set_len_form(0);
	size_t n = lb_search_request(m); /* handled, nothing to rewrite */
	static const uint8_t junk[] = {0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a};
	memcpy(m + n, junk, sizeof(junk));
	CHECK_EQ(from_a(&g, 0x18, ISN_A + 1, m, n + sizeof(junk)).verdict, MG_VERDICT_ACCEPT);
	/* the same range again, other bytes: the address inside the handled
	 * message, and across its end */
	for (int k = 0; k < 2; k++) {
		uint8_t r[1100];
		memcpy(r, m, n + sizeof(junk));
		uint32_t a = A;
		memcpy(r + (k ? n - 2 : n / 2), &a, 4);
		struct mg_result res = from_a(&g, 0x18, ISN_A + 1, r, n + sizeof(junk));
		CHECK_EQ(res.verdict, MG_VERDICT_DROP);
		CHECK_EQ(res.reason, MG_R_ILS_UNTRANSLATED);
	}
	rig_free(&g);
}
