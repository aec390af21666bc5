/* test_meetcall_ras.c - meetcall's RAS messages: every encoder decoded back
 * with meetcall's RAS decoder (inputs on a guard page), the values coming
 * back exactly; truncations and octet flips of each message refused or
 * decoded without a fault; every message written to a capture and decoded
 * by tshark's H.225.0 RAS dissector with no malformed packet or expert
 * error and the expected message types and values; and the gatekeeper's
 * request handling (registration, keep-alive, expiry, admission, location,
 * disengage, unregistration) driven message by message. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "asn1/per_enc.h"
#include "io/pcap.h"
#include "pktbuild.h"
#include "proto/h225.h"
#include "proto/h323_scan.h"
#include "proto/ras.h"
#include "meetcall/mc.h"

static const struct mg_mc_addr ep_sig = {{198, 18, 0, 10}, 1720};
static const struct mg_mc_addr ep_ras = {{198, 18, 0, 10}, 40719};
static const struct mg_mc_addr gk_ras = {{198, 19, 0, 1}, 1719};
static const struct mg_mc_addr gk_sig = {{198, 19, 0, 1}, 1721};
static const struct mg_mc_addr peer_sig = {{198, 19, 0, 20}, 1720};
static const struct mg_mc_addr alt_ras = {{198, 19, 0, 2}, 1719};

static bool same_addr(const struct mg_mc_addr *a, const struct mg_mc_addr *b)
{
	return memcmp(a->ip, b->ip, 4) == 0 && a->port == b->port;
}

static void ids(struct mg_mc_ras *m)
{
	for (int i = 0; i < 16; i++) {
		m->call_id[i] = (uint8_t)(0xc0 + i);
		m->conf_id[i] = (uint8_t)(0x10 + i);
	}
}

/* One message of each type, as full as its encoder allows. */
static unsigned sample(unsigned i, struct mg_mc_ras *m)
{
	static const uint8_t types[] = {MG_MC_GRQ, MG_MC_GCF, MG_MC_RRQ, MG_MC_RRQ, MG_MC_RCF, MG_MC_RRJ,
					MG_MC_URQ, MG_MC_UCF, MG_MC_URJ, MG_MC_ARQ, MG_MC_ARQ, MG_MC_ACF,
					MG_MC_ARJ, MG_MC_DRQ, MG_MC_DCF, MG_MC_DRJ, MG_MC_LRQ, MG_MC_LCF,
					MG_MC_LRJ, MG_MC_RRJ};
	const unsigned n = sizeof types;
	if (i >= n)
		return n;
	memset(m, 0, sizeof *m);
	m->type = types[i];
	m->seq = (uint16_t)(100 + i);
	switch (i) {
	case 0: /* GRQ */
		m->ras = ep_ras;
		mg_mc_ras_alias_add(&m->alias, "alice");
		break;
	case 1: /* GCF with an alternate */
		snprintf(m->gk_id, sizeof m->gk_id, "meetcall-gk");
		m->ras = gk_ras;
		m->n_alt_gk = 1;
		m->alt_gk[0] = (struct mg_mc_alt_gk){.ras = alt_ras, .need_register = true, .priority = 5};
		break;
	case 2: /* full RRQ */
		m->discovery_complete = true;
		m->n_sig = 1;
		m->sig[0] = ep_sig;
		m->ras = ep_ras;
		mg_mc_ras_alias_add(&m->alias, "alice");
		mg_mc_ras_alias_add(&m->alias, "5551234");
		snprintf(m->gk_id, sizeof m->gk_id, "meetcall-gk");
		m->has_ttl = true;
		m->ttl = 60;
		break;
	case 3: /* lightweight RRQ */
		m->n_sig = 1;
		m->sig[0] = ep_sig;
		m->ras = ep_ras;
		m->keep_alive = true;
		snprintf(m->ep_id, sizeof m->ep_id, "ep-1");
		snprintf(m->gk_id, sizeof m->gk_id, "meetcall-gk");
		m->has_ttl = true;
		m->ttl = 60;
		break;
	case 4: /* RCF */
		m->n_sig = 1;
		m->sig[0] = gk_sig;
		mg_mc_ras_alias_add(&m->alias, "alice");
		snprintf(m->gk_id, sizeof m->gk_id, "meetcall-gk");
		snprintf(m->ep_id, sizeof m->ep_id, "ep-1");
		m->has_ttl = true;
		m->ttl = 4000000000u;
		m->n_alt_gk = 2;
		m->alt_gk[0] = (struct mg_mc_alt_gk){.ras = alt_ras, .need_register = true, .priority = 0};
		m->alt_gk[1] = (struct mg_mc_alt_gk){.ras = gk_ras, .priority = 127};
		break;
	case 5: /* RRJ duplicateAlias */
		m->reason = MG_MC_RRJ_DUPLICATE_ALIAS;
		mg_mc_ras_alias_add(&m->alias, "alice");
		snprintf(m->gk_id, sizeof m->gk_id, "meetcall-gk");
		break;
	case 6: /* URQ */
		m->n_sig = 1;
		m->sig[0] = ep_sig;
		mg_mc_ras_alias_add(&m->alias, "alice");
		snprintf(m->ep_id, sizeof m->ep_id, "ep-1");
		snprintf(m->gk_id, sizeof m->gk_id, "meetcall-gk");
		break;
	case 8:
		m->reason = MG_MC_URJ_NOT_REGISTERED;
		break;
	case 9: /* calling ARQ */
	case 10: /* answering ARQ, routed */
		snprintf(m->ep_id, sizeof m->ep_id, "ep-1");
		m->has_call_model = true;
		m->routed = i == 10;
		mg_mc_ras_alias_add(&m->dest, i == 9 ? "bob" : "alice");
		mg_mc_ras_alias_add(&m->src, i == 9 ? "alice" : "bob");
		m->has_src_sig = true;
		m->src_sig = i == 9 ? ep_sig : peer_sig;
		m->has_dest_sig = i == 10;
		m->dest_sig = ep_sig;
		m->bandwidth = MG_MC_RAS_BANDWIDTH;
		m->crv = 0x1234;
		m->answer_call = i == 10;
		ids(m);
		snprintf(m->gk_id, sizeof m->gk_id, "meetcall-gk");
		break;
	case 11: /* ACF */
		m->bandwidth = MG_MC_RAS_BANDWIDTH;
		m->routed = true;
		m->dest_sig = gk_sig;
		mg_mc_ras_alias_add(&m->dest, "bob");
		break;
	case 12:
		m->reason = MG_MC_ARJ_CALLED_NOT_REGISTERED;
		break;
	case 13: /* DRQ */
		snprintf(m->ep_id, sizeof m->ep_id, "ep-1");
		ids(m);
		m->crv = 0x1234;
		m->reason = MG_MC_DRQ_NORMAL_DROP;
		m->answer_call = true;
		snprintf(m->gk_id, sizeof m->gk_id, "meetcall-gk");
		break;
	case 15:
		m->reason = MG_MC_DRJ_NOT_REGISTERED;
		break;
	case 16: /* LRQ */
		snprintf(m->ep_id, sizeof m->ep_id, "ep-1");
		mg_mc_ras_alias_add(&m->dest, "5551234");
		m->ras = ep_ras;
		mg_mc_ras_alias_add(&m->src, "alice");
		snprintf(m->gk_id, sizeof m->gk_id, "meetcall-gk");
		break;
	case 17: /* LCF */
		m->dest_sig = peer_sig;
		m->ras = alt_ras;
		break;
	case 18:
		m->reason = MG_MC_LRJ_NOT_REGISTERED;
		break;
	case 19: /* RRJ fullRegistrationRequired (an extension alternative) */
		m->reason = MG_MC_RRJ_EXT_FULL_REGISTRATION;
		m->reason_ext = true;
		break;
	default:
		break;
	}
	return n;
}

static bool same_aliases(const struct mg_mc_ras_aliases *a, const struct mg_mc_ras_aliases *b)
{
	if (a->n != b->n)
		return false;
	for (unsigned i = 0; i < a->n; i++)
		if (a->a[i].type != b->a[i].type || strcmp(a->a[i].s, b->a[i].s) != 0)
			return false;
	return true;
}

/* The fields the encoder carries for m->type come back. */
static bool round_trip_ok(const struct mg_mc_ras *m, const struct mg_mc_ras *d)
{
	if (d->type != m->type || d->seq != m->seq)
		return false;
	switch (m->type) {
	case MG_MC_GRQ:
		return d->has_ras && same_addr(&d->ras, &m->ras) && same_aliases(&d->alias, &m->alias);
	case MG_MC_GCF:
		return strcmp(d->gk_id, m->gk_id) == 0 && same_addr(&d->ras, &m->ras) && d->n_alt_gk == 1 &&
		       same_addr(&d->alt_gk[0].ras, &alt_ras) && d->alt_gk[0].need_register &&
		       d->alt_gk[0].priority == 5;
	case MG_MC_RRQ:
		return d->discovery_complete == m->discovery_complete && d->n_sig == 1 && d->n_sig_all == 1 &&
		       same_addr(&d->sig[0], &ep_sig) && d->has_ras && same_addr(&d->ras, &ep_ras) &&
		       same_aliases(&d->alias, &m->alias) && strcmp(d->gk_id, m->gk_id) == 0 &&
		       strcmp(d->ep_id, m->ep_id) == 0 && d->has_ttl && d->ttl == m->ttl &&
		       d->keep_alive == m->keep_alive;
	case MG_MC_RCF:
		return d->n_sig == 1 && same_addr(&d->sig[0], &gk_sig) && same_aliases(&d->alias, &m->alias) &&
		       strcmp(d->gk_id, m->gk_id) == 0 && strcmp(d->ep_id, m->ep_id) == 0 && d->has_ttl &&
		       d->ttl == m->ttl && d->n_alt_gk == 2 && d->alt_gk[1].priority == 127 &&
		       !d->alt_gk[1].need_register && same_addr(&d->alt_gk[1].ras, &gk_ras);
	case MG_MC_RRJ:
		return d->reason == m->reason && d->reason_ext == m->reason_ext &&
		       same_aliases(&d->alias, &m->alias) && strcmp(d->gk_id, m->gk_id) == 0;
	case MG_MC_URQ:
		return d->n_sig == 1 && same_addr(&d->sig[0], &ep_sig) && same_aliases(&d->alias, &m->alias) &&
		       strcmp(d->ep_id, m->ep_id) == 0 && strcmp(d->gk_id, m->gk_id) == 0;
	case MG_MC_ARQ:
		return d->has_call_model && d->routed == m->routed && strcmp(d->ep_id, m->ep_id) == 0 &&
		       same_aliases(&d->dest, &m->dest) && same_aliases(&d->src, &m->src) &&
		       d->has_src_sig && same_addr(&d->src_sig, &m->src_sig) && d->has_dest_sig == m->has_dest_sig &&
		       (!m->has_dest_sig || same_addr(&d->dest_sig, &m->dest_sig)) && d->bandwidth == m->bandwidth &&
		       d->crv == m->crv && memcmp(d->conf_id, m->conf_id, 16) == 0 && d->has_call_id &&
		       memcmp(d->call_id, m->call_id, 16) == 0 && d->answer_call == m->answer_call &&
		       strcmp(d->gk_id, m->gk_id) == 0;
	case MG_MC_ACF:
		return d->bandwidth == m->bandwidth && d->routed == m->routed && d->has_dest_sig &&
		       same_addr(&d->dest_sig, &m->dest_sig) && same_aliases(&d->dest, &m->dest);
	case MG_MC_DRQ:
		return strcmp(d->ep_id, m->ep_id) == 0 && memcmp(d->conf_id, m->conf_id, 16) == 0 &&
		       d->crv == m->crv && d->reason == m->reason && d->has_call_id &&
		       memcmp(d->call_id, m->call_id, 16) == 0 && d->answer_call && strcmp(d->gk_id, m->gk_id) == 0;
	case MG_MC_LRQ:
		return strcmp(d->ep_id, m->ep_id) == 0 && same_aliases(&d->dest, &m->dest) && d->has_ras &&
		       same_addr(&d->ras, &m->ras) && same_aliases(&d->src, &m->src) &&
		       strcmp(d->gk_id, m->gk_id) == 0;
	case MG_MC_LCF:
		return d->has_dest_sig && same_addr(&d->dest_sig, &m->dest_sig) && d->has_ras &&
		       same_addr(&d->ras, &m->ras);
	case MG_MC_URJ:
	case MG_MC_ARJ:
	case MG_MC_DRJ:
	case MG_MC_LRJ:
		return d->reason == m->reason && !d->reason_ext;
	default:
		return true;
	}
}

TEST(mc_ras_every_encoder_decodes_back)
{
	struct mg_mc_ras m, d;
	unsigned n = sample(0, &m);
	for (unsigned i = 0; i < n; i++) {
		uint8_t buf[MG_MC_RAS_MAX];
		sample(i, &m);
		size_t len = mg_mc_enc_ras(&m, buf, sizeof buf);
		if (len == 0)
			fprintf(stderr, "  sample %u (%s) did not encode\n", i, mg_mc_ras_name(m.type));
		CHECK(len > 0);
		uint8_t *g = t_guarded(buf, len);
		const char *err = mg_mc_dec_ras(&d, g, len);
		t_guarded_free(g, len);
		if (err != NULL || !round_trip_ok(&m, &d))
			fprintf(stderr, "  sample %u (%s): %s\n", i, mg_mc_ras_name(m.type), err ? err : "values differ");
		CHECK(err == NULL);
		CHECK(round_trip_ok(&m, &d));
		/* one octet less is never a whole message */
		CHECK(len < 2 || mg_mc_dec_ras(&d, buf, len - 1) != NULL);
	}
}

TEST(mc_ras_encoder_refuses_bad_values)
{
	struct mg_mc_ras m;
	uint8_t buf[MG_MC_RAS_MAX];
	sample(2, &m);
	m.seq = 0;
	CHECK_EQ(mg_mc_enc_ras(&m, buf, sizeof buf), 0);
	sample(2, &m);
	m.ttl = 0; /* TimeToLive is 1.. */
	CHECK_EQ(mg_mc_enc_ras(&m, buf, sizeof buf), 0);
	sample(2, &m);
	CHECK_EQ(mg_mc_enc_ras(&m, buf, 20), 0);
	sample(0, &m);
	m.type = 12; /* BRQ: not one of meetcall's */
	CHECK_EQ(mg_mc_enc_ras(&m, buf, sizeof buf), 0);
	sample(1, &m);
	m.alt_gk[0].priority = 128;
	CHECK_EQ(mg_mc_enc_ras(&m, buf, sizeof buf), 0);
}

TEST(mc_ras_keepalive_rrq_is_light)
{
	struct mg_mc_ras m, d;
	uint8_t full[MG_MC_RAS_MAX], light[MG_MC_RAS_MAX];
	sample(2, &m);
	size_t nf = mg_mc_enc_ras(&m, full, sizeof full);
	sample(3, &m);
	size_t nl = mg_mc_enc_ras(&m, light, sizeof light);
	CHECK(nf > 0 && nl > 0);
	CHECK(mg_mc_dec_ras(&d, light, nl) == NULL);
	CHECK(d.keep_alive);
	CHECK_EQ(d.alias.n, 0);
	CHECK(strcmp(d.ep_id, "ep-1") == 0);
	CHECK(mg_mc_dec_ras(&d, full, nf) == NULL);
	CHECK(!d.keep_alive);
	CHECK_EQ(d.ep_id[0], 0);
}

/* --h460-18: the GRQ and the RRQs (full and keep-alive) carry a featureSet
 * naming H.460.18 that the gateway's RAS decoder sees, and so does the
 * gatekeeper's RCF (its confirmation); without it, none.  meetcall's own
 * decoder still reads the messages. */
TEST(mc_ras_h46018_feature_set)
{
	static const unsigned which[] = {0, 2, 3, 4}; /* GRQ, RRQ, keep-alive RRQ, RCF */
	static struct mg_h323_scan s;
	struct mg_mc_ras m, d;
	for (unsigned k = 0; k < 4; k++) {
		for (int on = 0; on < 2; on++) {
			uint8_t buf[MG_MC_RAS_MAX];
			sample(which[k], &m);
			m.h460_18 = on;
			size_t len = mg_mc_enc_ras(&m, buf, sizeof buf);
			CHECK(len > 0);
			uint8_t *g = t_guarded(buf, len);
			mg_h323_scan_init(&s, g, len);
			CHECK_EQ(mg_ras_scan(&s, g, len), MG_R_NONE);
			CHECK_EQ(s.ras_h46018, on);
			CHECK(!s.ras_h46019);
			CHECK(mg_mc_dec_ras(&d, g, len) == NULL);
			CHECK_EQ(d.type, m.type);
			CHECK_EQ(d.seq, m.seq);
			t_guarded_free(g, len);
		}
	}
}

/* Truncations, single octet flips and pseudo-random octets: decoded or
 * refused, never a read outside the buffer (guard page, sanitizers). */
TEST(mc_ras_hostile_inputs_never_fault)
{
	struct mg_mc_ras m, d;
	unsigned n = sample(0, &m);
	uint32_t x = 0x9e3779b9u;
	for (unsigned i = 0; i < n; i++) {
		uint8_t buf[MG_MC_RAS_MAX], mut[MG_MC_RAS_MAX];
		sample(i, &m);
		size_t len = mg_mc_enc_ras(&m, buf, sizeof buf);
		CHECK(len > 0);
		for (size_t k = 0; k < len; k++) {
			uint8_t *g = t_guarded(buf, k);
			(void)mg_mc_dec_ras(&d, g, k);
			t_guarded_free(g, k);
			for (unsigned f = 0; f < 3; f++) {
				memcpy(mut, buf, len);
				mut[k] ^= f == 0 ? 0xff : f == 1 ? 0x80 : 0x01;
				g = t_guarded(mut, len);
				(void)mg_mc_dec_ras(&d, g, len);
				t_guarded_free(g, len);
			}
		}
		for (unsigned r = 0; r < 200; r++) {
			memcpy(mut, buf, len);
			for (unsigned k = 0; k < 4; k++) {
				x ^= x << 13;
				x ^= x >> 17;
				x ^= x << 5;
				mut[x % len] = (uint8_t)(x >> 8);
			}
			uint8_t *g = t_guarded(mut, len);
			(void)mg_mc_dec_ras(&d, g, len);
			t_guarded_free(g, len);
		}
	}
	/* a bitmap, lengths and counts at their limits */
	static const uint8_t big[] = {0x06, 0xff, 0xff, 0xbf, 0xff, 0xff, 0xff, 0xff};
	uint8_t *g = t_guarded(big, sizeof big);
	CHECK(mg_mc_dec_ras(&d, g, sizeof big) != NULL);
	t_guarded_free(g, sizeof big);
	CHECK(mg_mc_dec_ras(&d, big, 0) != NULL);
}

/* ---- tshark ---- */

static bool have_tshark(void)
{
	return system("command -v tshark >/dev/null 2>&1") == 0;
}

static bool tshark_out(const char *path, const char *args, char *out, size_t cap)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "tshark -n -r '%s' %s 2>/dev/null", path, args);
	FILE *p = popen(cmd, "r");
	if (p == NULL)
		return false;
	size_t n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	return pclose(p) == 0;
}

TEST(mc_ras_every_encoder_decodes_in_tshark)
{
	if (!have_tshark()) {
		fprintf(stderr, "  SKIP mc_ras_every_encoder_decodes_in_tshark: tshark is not installed "
				"(make deps installs it)\n");
		return;
	}
	char dir[] = "/tmp/mg_test_mc_ras_XXXXXX", path[64], err[128];
	static char out[16384], want[16384];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/ras.pcap", dir);
	struct mg_pcap_writer *w = mg_pcap_create(path, err, sizeof err);
	CHECK(w != NULL);
	struct mg_mc_ras m;
	unsigned n = sample(0, &m);
	size_t wl = 0;
	uint32_t ep = tb_ip("198.18.0.10"), gk = tb_ip("198.19.0.1");
	for (unsigned i = 0; i < n; i++) {
		uint8_t buf[MG_MC_RAS_MAX], pkt[MG_MC_RAS_MAX + 64];
		sample(i, &m);
		size_t len = mg_mc_enc_ras(&m, buf, sizeof buf);
		CHECK(len > 0);
		bool request = m.type % 3 == 0;
		size_t pl = request ? tb_udp(pkt, ep, 40719, gk, 1719, buf, len) : tb_udp(pkt, gk, 1719, ep, 40719, buf, len);
		CHECK_EQ(mg_pcap_write(w, pkt, (uint32_t)pl, 1000 + i), 0);
		char ttl[16] = "";
		if (m.has_ttl)
			snprintf(ttl, sizeof ttl, "%u", m.ttl);
		wl += (size_t)snprintf(want + wl, sizeof want - wl, "%u\t%u\t%s\t%s\n", m.type, m.seq, ttl,
				       m.type == MG_MC_RRQ ? (m.keep_alive ? "1" : "0") : "");
	}
	CHECK_EQ(mg_pcap_finish(w, err, sizeof err), 0);
	bool ran = tshark_out(path, "-Y '_ws.malformed || _ws.expert.severity >= error' -T fields -e frame.number", out,
			      sizeof out);
	bool clean = ran && out[0] == '\0';
	if (!clean)
		fprintf(stderr, "  tshark: malformed or error in frames: %s\n", out);
	static char all[16384];
	bool ran2 = tshark_out(path, "-Y h225 -T fields -e frame.number", all, sizeof all);
	ran = ran && tshark_out(path,
				"-T fields -e h225.RasMessage -e h225.requestSeqNum -e h225.timeToLive "
				"-e h225.keepAlive",
				out, sizeof out);
	static char addrs[16384];
	bool ran3 = tshark_out(path, "-Y 'h225.RasMessage == 3' -T fields -e h225.ipV4 -e h225.ipV4_port", addrs,
			       sizeof addrs);
	unlink(path);
	rmdir(dir);
	CHECK(ran && ran2 && ran3);
	CHECK(clean);
	unsigned frames = 0;
	for (const char *p = all; *p; p++)
		frames += *p == '\n';
	CHECK_EQ(frames, n);
	if (strcmp(out, want) != 0)
		fprintf(stderr, "  tshark:\n%s  expected:\n%s", out, want);
	CHECK(strcmp(out, want) == 0);
	/* the RRQs' callSignalAddress and rasAddress, as tshark reads them */
	const char *rrq = "198.18.0.10,198.18.0.10\t1720,40719\n";
	if (strncmp(addrs, rrq, strlen(rrq)) != 0)
		fprintf(stderr, "  tshark RRQ addresses: %s", addrs);
	CHECK(strncmp(addrs, rrq, strlen(rrq)) == 0);
}

/* ---- the gatekeeper, message by message ---- */

struct gk_bench {
	struct mg_mc_opts o;
	struct mg_mc_gk g;
	uint8_t out[MG_MC_RAS_MAX];
	struct mg_mc_addr to;
	struct mg_mc_ras r; /* the last answer, decoded */
};

static void bench_init(struct gk_bench *b, bool routed, unsigned ttl)
{
	memset(b, 0, sizeof *b);
	b->o.gatekeeper = true;
	b->o.ttl_s = ttl;
	b->o.routed = routed;
	b->o.n_alt_gk = 1;
	b->o.alt_gk[0] = alt_ras;
	mg_mc_gk_init(&b->g, &b->o, &gk_ras, &gk_sig);
}

/* Send q from src at now; the answer's type (0xfe: none). */
static uint8_t ask(struct gk_bench *b, struct mg_mc_ras *q, const struct mg_mc_addr *src, uint64_t now)
{
	uint8_t in[MG_MC_RAS_MAX];
	size_t n = mg_mc_enc_ras(q, in, sizeof in);
	if (n == 0)
		return 0xfd;
	size_t an = mg_mc_gk_handle(&b->g, in, n, src, now, b->out, sizeof b->out, &b->to);
	if (an == 0)
		return 0xfe;
	if (mg_mc_dec_ras(&b->r, b->out, an) != NULL || b->r.seq != q->seq)
		return 0xfd;
	return b->r.type;
}

static void reg_req(struct mg_mc_ras *m, const char *alias, const struct mg_mc_addr *sig, const struct mg_mc_addr *ras,
		    uint32_t ttl)
{
	memset(m, 0, sizeof *m);
	m->type = MG_MC_RRQ;
	m->seq = 7;
	m->n_sig = 1;
	m->sig[0] = *sig;
	m->ras = *ras;
	m->has_ttl = ttl != 0;
	m->ttl = ttl;
	mg_mc_ras_alias_add(&m->alias, alias);
}

TEST(mc_gk_registers_refreshes_expires_unregisters)
{
	static struct gk_bench b;
	struct mg_mc_ras q;
	const struct mg_mc_addr nat_src = {{198, 19, 0, 99}, 40000}; /* where the RRQ came from */
	bench_init(&b, false, 30);
	/* GRQ: our rasAddress and the alternate */
	memset(&q, 0, sizeof q);
	q.type = MG_MC_GRQ;
	q.seq = 1;
	q.ras = ep_ras;
	CHECK_EQ(ask(&b, &q, &ep_ras, 0), MG_MC_GCF);
	CHECK(same_addr(&b.r.ras, &gk_ras));
	CHECK_EQ(b.r.n_alt_gk, 1);
	CHECK(strcmp(b.r.gk_id, "meetcall-gk") == 0);
	/* RRQ asking 60 s gets the gatekeeper's 30; the registration keeps the
	 * addresses as carried and the source */
	reg_req(&q, "alice", &ep_sig, &ep_ras, 60);
	CHECK_EQ(ask(&b, &q, &nat_src, 1000), MG_MC_RCF);
	CHECK(b.r.has_ttl);
	CHECK_EQ(b.r.ttl, 30);
	CHECK(strcmp(b.r.ep_id, "ep-1") == 0);
	CHECK(same_addr(&b.to, &nat_src));
	const struct mg_mc_gk_reg *r = mg_mc_gk_find_alias(&b.g, "ALICE");
	CHECK(r != NULL);
	CHECK(same_addr(&r->sig[0], &ep_sig));
	CHECK(same_addr(&r->ras, &ep_ras));
	CHECK(same_addr(&r->src, &nat_src));
	/* another endpoint may not take the alias */
	reg_req(&q, "alice", &peer_sig, &peer_sig, 0);
	CHECK_EQ(ask(&b, &q, &peer_sig, 1100), MG_MC_RRJ);
	CHECK_EQ(b.r.reason, MG_MC_RRJ_DUPLICATE_ALIAS);
	CHECK(strcmp(b.r.alias.a[0].s, "alice") == 0);
	/* keep-alive at 25 s pushes the expiry to 55 s */
	memset(&q, 0, sizeof q);
	q.type = MG_MC_RRQ;
	q.seq = 8;
	q.n_sig = 1;
	q.sig[0] = ep_sig;
	q.ras = ep_ras;
	q.keep_alive = true;
	snprintf(q.ep_id, sizeof q.ep_id, "ep-1");
	q.has_ttl = true;
	q.ttl = 30;
	CHECK_EQ(ask(&b, &q, &nat_src, 25000), MG_MC_RCF);
	CHECK_EQ(r->keepalives, 1);
	mg_mc_gk_expire(&b.g, 54000);
	CHECK(mg_mc_gk_find_alias(&b.g, "alice") != NULL);
	mg_mc_gk_expire(&b.g, 56000);
	CHECK(mg_mc_gk_find_alias(&b.g, "alice") == NULL);
	CHECK_EQ(r->state, MG_MC_REG_EXPIRED);
	/* a keep-alive after the expiry is refused */
	CHECK_EQ(ask(&b, &q, &nat_src, 57000), MG_MC_RRJ);
	CHECK(b.r.reason_ext);
	CHECK_EQ(b.r.reason, MG_MC_RRJ_EXT_FULL_REGISTRATION);
	/* register again, then URQ; a second URQ is refused */
	reg_req(&q, "alice", &ep_sig, &ep_ras, 0);
	CHECK_EQ(ask(&b, &q, &ep_ras, 58000), MG_MC_RCF);
	CHECK_EQ(b.r.ttl, 30);
	char ep[MG_MC_RAS_ID_LEN];
	snprintf(ep, sizeof ep, "%s", b.r.ep_id);
	memset(&q, 0, sizeof q);
	q.type = MG_MC_URQ;
	q.seq = 9;
	q.n_sig = 1;
	q.sig[0] = ep_sig;
	snprintf(q.ep_id, sizeof q.ep_id, "%s", ep);
	CHECK_EQ(ask(&b, &q, &ep_ras, 59000), MG_MC_UCF);
	CHECK(mg_mc_gk_find_alias(&b.g, "alice") == NULL);
	CHECK_EQ(ask(&b, &q, &ep_ras, 59100), MG_MC_URJ);
	/* no callSignalAddress: refused */
	reg_req(&q, "carol", &ep_sig, &ep_ras, 0);
	q.n_sig = 0;
	CHECK_EQ(ask(&b, &q, &ep_ras, 60000), MG_MC_RRJ);
	CHECK_EQ(b.r.reason, MG_MC_RRJ_INVALID_CALL_SIGNAL_ADDRESS);
	/* garbage is counted, not answered */
	static const uint8_t junk[] = {0xff, 0xff, 0xff};
	CHECK_EQ(mg_mc_gk_handle(&b.g, junk, sizeof junk, &ep_ras, 61000, b.out, sizeof b.out, &b.to), 0);
	CHECK_EQ(b.g.malformed, 1);
}

static void arq_req(struct mg_mc_ras *m, const char *ep, const char *dest, bool answer)
{
	memset(m, 0, sizeof *m);
	m->type = MG_MC_ARQ;
	m->seq = 20;
	snprintf(m->ep_id, sizeof m->ep_id, "%s", ep);
	m->has_call_model = true;
	if (dest != NULL)
		mg_mc_ras_alias_add(&m->dest, dest);
	m->bandwidth = MG_MC_RAS_BANDWIDTH;
	m->crv = 5;
	m->answer_call = answer;
	ids(m);
}

TEST(mc_gk_admits_locates_disengages)
{
	static struct gk_bench b;
	struct mg_mc_ras q;
	for (int routed = 0; routed < 2; routed++) {
		bench_init(&b, routed, 60);
		reg_req(&q, "alice", &ep_sig, &ep_ras, 60);
		CHECK_EQ(ask(&b, &q, &ep_ras, 0), MG_MC_RCF);
		CHECK_EQ(b.r.n_sig, routed ? 1 : 0);
		reg_req(&q, "5551234", &peer_sig, &peer_sig, 60);
		CHECK_EQ(ask(&b, &q, &peer_sig, 0), MG_MC_RCF);
		CHECK(strcmp(b.r.ep_id, "ep-2") == 0);
		/* alice calls 5551234 */
		arq_req(&q, "ep-1", "5551234", false);
		CHECK_EQ(ask(&b, &q, &ep_ras, 10), MG_MC_ACF);
		CHECK_EQ(b.r.routed, routed);
		CHECK(same_addr(&b.r.dest_sig, routed ? &gk_sig : &peer_sig));
		CHECK_EQ(b.r.bandwidth, MG_MC_RAS_BANDWIDTH);
		/* the callee answers */
		arq_req(&q, "ep-2", "5551234", true);
		q.has_dest_sig = true;
		q.dest_sig = peer_sig;
		CHECK_EQ(ask(&b, &q, &peer_sig, 20), MG_MC_ACF);
		CHECK(same_addr(&b.r.dest_sig, &peer_sig));
		/* unknown alias, unknown caller */
		arq_req(&q, "ep-1", "nobody", false);
		CHECK_EQ(ask(&b, &q, &ep_ras, 30), MG_MC_ARJ);
		CHECK_EQ(b.r.reason, MG_MC_ARJ_CALLED_NOT_REGISTERED);
		arq_req(&q, "ep-9", "alice", false);
		CHECK_EQ(ask(&b, &q, &ep_ras, 30), MG_MC_ARJ);
		CHECK_EQ(b.r.reason, MG_MC_ARJ_CALLER_NOT_REGISTERED);
		CHECK_EQ(b.g.n_adm, 4);
		CHECK(b.g.adm[0].ok && !b.g.adm[2].ok);
		/* LRQ: answered at the replyAddress */
		memset(&q, 0, sizeof q);
		q.type = MG_MC_LRQ;
		q.seq = 30;
		mg_mc_ras_alias_add(&q.dest, "alice");
		q.ras = alt_ras;
		CHECK_EQ(ask(&b, &q, &peer_sig, 40), MG_MC_LCF);
		CHECK(same_addr(&b.to, &alt_ras));
		CHECK(same_addr(&b.r.dest_sig, routed ? &gk_sig : &ep_sig));
		CHECK(same_addr(&b.r.ras, &ep_ras));
		q.dest.n = 0;
		mg_mc_ras_alias_add(&q.dest, "nobody");
		CHECK_EQ(ask(&b, &q, &peer_sig, 40), MG_MC_LRJ);
		/* DRQ */
		memset(&q, 0, sizeof q);
		q.type = MG_MC_DRQ;
		q.seq = 40;
		snprintf(q.ep_id, sizeof q.ep_id, "ep-1");
		ids(&q);
		q.reason = MG_MC_DRQ_NORMAL_DROP;
		CHECK_EQ(ask(&b, &q, &ep_ras, 50), MG_MC_DCF);
		CHECK(b.g.adm[0].disengaged);
		snprintf(q.ep_id, sizeof q.ep_id, "ep-7");
		CHECK_EQ(ask(&b, &q, &ep_ras, 50), MG_MC_DRJ);
	}
}

/* --routed: a Setup goes to the callee of the ACF with its callIdentifier,
 * else to the owner of its destinationAddress alias; nothing else routes. */
TEST(mc_gk_routes_setups)
{
	static struct gk_bench b;
	struct mg_mc_ras q;
	struct mg_mc_h225 s;
	struct mg_mc_addr to;
	uint8_t buf[1024];
	bench_init(&b, true, 60);
	reg_req(&q, "alice", &ep_sig, &ep_ras, 60);
	CHECK_EQ(ask(&b, &q, &ep_ras, 0), MG_MC_RCF);
	reg_req(&q, "bob", &peer_sig, &peer_sig, 60);
	CHECK_EQ(ask(&b, &q, &peer_sig, 0), MG_MC_RCF);
	arq_req(&q, "ep-1", "bob", false); /* callIdentifier c0.. */
	CHECK_EQ(ask(&b, &q, &ep_ras, 10), MG_MC_ACF);
	CHECK(same_addr(&b.r.dest_sig, &gk_sig));
	memset(&s, 0, sizeof s);
	s.body = MG_H225_SETUP;
	s.call_ref = 5;
	ids(&q);
	memcpy(s.call_id, q.call_id, 16);
	memcpy(s.conf_id, q.call_id, 16);
	s.src_sig = ep_sig;
	s.dst_sig = gk_sig;
	size_t n = mg_mc_enc_h225(&s, buf, sizeof buf); /* no alias: by callIdentifier */
	CHECK(n > 4);
	CHECK(mg_mc_gk_route(&b.g, buf + 4, n - 4, &to));
	CHECK(same_addr(&to, &peer_sig));
	s.call_id[0] ^= 1; /* not admitted, no alias: no route */
	n = mg_mc_enc_h225(&s, buf, sizeof buf);
	CHECK(!mg_mc_gk_route(&b.g, buf + 4, n - 4, &to));
	s.dst_alias = "ALICE"; /* by alias */
	n = mg_mc_enc_h225(&s, buf, sizeof buf);
	CHECK(mg_mc_gk_route(&b.g, buf + 4, n - 4, &to));
	CHECK(same_addr(&to, &ep_sig));
	static const uint8_t junk[] = {0x08, 0x02, 0x00};
	CHECK(!mg_mc_gk_route(&b.g, junk, sizeof junk, &to));
}

/* The decoder steps over the other TransportAddress forms (ip6Address,
 * ipSourceRoute with routes, netBios) and keeps the IPv4 one. */
TEST(mc_ras_decoder_skips_other_transports)
{
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8};
	static const uint8_t nb[16] = {'N', 'B'};
	uint8_t buf[256];
	struct mg_penc e;
	struct mg_mc_ras d;
	mg_penc_init(&e, buf, sizeof buf);
	mg_penc_choice(&e, MG_MC_URQ, MG_MC_RAS_ROOT, true, false);
	mg_penc_seq_preamble(&e, true, false, 3, 0);
	mg_penc_constrained(&e, 77, 1, 65535);
	mg_penc_length(&e, 4);
	mg_penc_choice(&e, 3, 7, true, false); /* ip6Address */
	mg_penc_bool(&e, false);
	mg_penc_octets(&e, v6, 16, 16, 16, false);
	mg_penc_constrained(&e, 1720, 0, 65535);
	mg_penc_choice(&e, 1, 7, true, false); /* ipSourceRoute, two routes, loose */
	mg_penc_bool(&e, false);
	mg_penc_octets(&e, ep_sig.ip, 4, 4, 4, false);
	mg_penc_constrained(&e, 1, 0, 65535);
	mg_penc_length(&e, 2);
	mg_penc_octets(&e, gk_ras.ip, 4, 4, 4, false);
	mg_penc_octets(&e, gk_sig.ip, 4, 4, 4, false);
	mg_penc_choice(&e, 1, 2, true, false);
	mg_penc_choice(&e, 4, 7, true, false); /* netBios */
	mg_penc_octets(&e, nb, 16, 16, 16, false);
	mg_penc_choice(&e, 0, 7, true, false); /* ipAddress */
	mg_penc_octets(&e, peer_sig.ip, 4, 4, 4, false);
	mg_penc_constrained(&e, peer_sig.port, 0, 65535);
	CHECK(!e.err);
	size_t n = mg_penc_len(&e);
	uint8_t *g = t_guarded(buf, n);
	const char *err = mg_mc_dec_ras(&d, g, n);
	t_guarded_free(g, n);
	CHECK(err == NULL);
	CHECK_EQ(d.type, MG_MC_URQ);
	CHECK_EQ(d.seq, 77);
	CHECK_EQ(d.n_sig_all, 4);
	CHECK_EQ(d.n_sig, 1);
	CHECK(same_addr(&d.sig[0], &peer_sig));
}

/* A url-ID alias (an extension alternative) registers and is found; an
 * alias without a text (a transportID, partyNumber, ... as decoded) cannot
 * be encoded, which is why the gatekeeper keeps only aliases with one. */
TEST(mc_gk_registers_url_aliases)
{
	static struct gk_bench b;
	struct mg_mc_ras q;
	bench_init(&b, false, 60);
	reg_req(&q, "alice", &ep_sig, &ep_ras, 60);
	q.alias.a[1].type = MG_H225_ALIAS_OTHER; /* as decoded from a transportID */
	q.alias.a[1].s[0] = '\0';
	q.alias.a[2].type = MG_H225_ALIAS_URL;
	snprintf(q.alias.a[2].s, sizeof q.alias.a[2].s, "h323:alice@198.18.0.10");
	q.alias.n = 3;
	uint8_t in[MG_MC_RAS_MAX];
	/* the request itself cannot carry an empty alias: encode it without */
	struct mg_mc_ras enc = q;
	enc.alias.a[1] = q.alias.a[2];
	enc.alias.n = 2;
	size_t n = mg_mc_enc_ras(&enc, in, sizeof in);
	CHECK(n > 0);
	struct mg_mc_ras d;
	CHECK(mg_mc_dec_ras(&d, in, n) == NULL);
	CHECK_EQ(d.alias.a[1].type, MG_H225_ALIAS_URL);
	CHECK(strcmp(d.alias.a[1].s, "h323:alice@198.18.0.10") == 0);
	/* the decoded list with an OTHER entry put back, as from a transportID */
	d.alias.a[2] = d.alias.a[1];
	d.alias.a[1] = q.alias.a[1];
	d.alias.n = 3;
	CHECK(mg_mc_enc_ras(&d, in, sizeof in) == 0); /* an empty alias does not encode */
	CHECK_EQ(ask(&b, &enc, &ep_ras, 0), MG_MC_RCF);
	CHECK_EQ(b.r.alias.n, 2);
	CHECK(mg_mc_gk_find_alias(&b.g, "h323:alice@198.18.0.10") != NULL);
}
