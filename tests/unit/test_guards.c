/* test_guards.c - the RAS and ILS guards through the engine: RAS and ILS
 * registrations from the inside do not cross the NAT unseen; `alg
 * untranslatable` decides drop or pass, both counted and logged with the
 * 5-tuple. */
#include <string.h>

#include "alg/guards.h"
#include "core/engine.h"
#include "harness.h"
#include "ldapbuild.h"
#include "pktbuild.h"

#define A tb_ip("198.18.1.10")
#define P tb_ip("198.19.0.1")
#define GK tb_ip("198.19.0.50")
#define DIR tb_ip("198.19.0.60")

static char last_log[512];
static int log_lines;

static void on_log(void *ctx, uint64_t now, int level, const char *line)
{
	snprintf(last_log, sizeof(last_log), "%s", line);
	log_lines++;
}

static bool allow_any; /* else the default (KB 158623) outbound list */

static struct mg_engine *mk(enum mg_untranslatable pol, bool nat, bool gk_inside)
{
	struct mg_config c;
	tb_lab_config(&c, P);
	c.nat = nat;
	c.untranslatable = pol;
	if (allow_any) {
		c.n_allow = 1;
		c.allow[0].proto = 0;
		c.allow_set = true;
	}
	if (gk_inside) {
		c.n_forward = 1;
		c.forward[0] = (struct mg_forward){17, 0, 1719, 1719, A, 1719};
	}
	char err[200];
	struct mg_engine *e = mg_engine_new(&c, 1, err, sizeof(err));
	if (e) {
		mg_guards_attach(e);
		mg_engine_set_log(e, on_log, NULL);
	}
	log_lines = 0;
	last_log[0] = '\0';
	return e;
}

static const uint8_t rrq[] = {0x0e, 0xc0, 0x01, 0x02, 198, 18, 1, 10, 0x06, 0xb7, 0x00};

static uint64_t reason(struct mg_engine *e, enum mg_reason r)
{
	return mg_engine_stats(e)->dropped[r] + mg_engine_stats(e)->events[r];
}

TEST(guard_ras_from_inside_dropped_by_default)
{
	struct mg_engine *e = mk(MG_UNTRANS_DROP, true, false);
	CHECK(e);
	uint8_t b[200];
	size_t n = tb_udp(b, A, 1719, GK, 1719, rrq, sizeof(rrq));
	struct mg_result r = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1000);
	CHECK_EQ(r.verdict, MG_VERDICT_DROP);
	CHECK_EQ(r.reason, MG_R_RAS_UNTRANSLATED);
	CHECK_EQ(reason(e, MG_R_RAS_UNTRANSLATED), 1);
	CHECK_EQ(mg_engine_stats(e)->drops, 1);
	CHECK_EQ(log_lines, 1); /* one line, with the 5-tuple */
	CHECK(strstr(last_log, "ras-untranslated: udp 198.18.1.10:1719 -> 198.19.0.50:1719") != NULL);
	CHECK(strstr(last_log, "dropped") != NULL);
	/* RAS from another port to 1719 */
	n = tb_udp(b, A, 2034, GK, 1719, rrq, sizeof(rrq));
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1002).reason, MG_R_RAS_UNTRANSLATED);
	CHECK_EQ(reason(e, MG_R_RAS_UNTRANSLATED), 2);
	/* a corrupt RAS packet is dropped for its checksum first */
	n = tb_udp(b, A, 1719, GK, 1719, rrq, sizeof(rrq));
	b[26] ^= 0x40;
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1003).reason, MG_R_L4_BAD_CHECKSUM);
	CHECK_EQ(reason(e, MG_R_RAS_UNTRANSLATED), 2);
	mg_engine_free(e);
}

TEST(guard_ras_discovery_and_from_the_ras_port_when_policy_allows_them)
{
	allow_any = true;
	struct mg_engine *e = mk(MG_UNTRANS_DROP, true, false);
	allow_any = false;
	CHECK(e);
	uint8_t b[200];
	size_t n = tb_udp(b, A, 1718, tb_ip("224.0.1.41"), 1718, rrq, sizeof(rrq));
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1000).reason, MG_R_RAS_UNTRANSLATED);
	n = tb_udp(b, A, 5000, GK, 1718, rrq, sizeof(rrq));
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1001).reason, MG_R_RAS_UNTRANSLATED);
	/* an inside gatekeeper asking an outside endpoint (IRQ to its RAS port) */
	n = tb_udp(b, A, 1719, GK, 3456, rrq, sizeof(rrq));
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1002).reason, MG_R_RAS_UNTRANSLATED);
	/* other UDP is not RAS */
	n = tb_udp(b, A, 5000, GK, 5001, rrq, sizeof(rrq));
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1003).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(reason(e, MG_R_RAS_UNTRANSLATED), 3);
	mg_engine_free(e);
}

TEST(guard_ras_passed_and_counted_when_policy_says_pass)
{
	struct mg_engine *e = mk(MG_UNTRANS_PASS, true, false);
	CHECK(e);
	uint8_t b[200];
	size_t n = tb_udp(b, A, 1719, GK, 1719, rrq, sizeof(rrq));
	struct mg_result r = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1000);
	CHECK_EQ(r.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_src(b), P);
	CHECK(tb_csum_ok(b, n));
	CHECK_EQ(reason(e, MG_R_RAS_UNTRANSLATED), 1);
	CHECK_EQ(mg_engine_stats(e)->drops, 0);
	CHECK(strstr(last_log, "ras-untranslated: udp 198.18.1.10:1719 -> 198.19.0.50:1719") != NULL);
	CHECK(strstr(last_log, "passed") != NULL);
	/* the gatekeeper's answer comes in and is not judged */
	n = tb_udp(b, GK, 1719, P, tb_sport(b), rrq, 4);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 1001).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(reason(e, MG_R_RAS_UNTRANSLATED), 1);
	mg_engine_free(e);
}

TEST(guard_ras_from_inside_gatekeeper_behind_forward)
{
	struct mg_engine *e = mk(MG_UNTRANS_DROP, true, true);
	CHECK(e);
	uint8_t b[200];
	/* an outside endpoint registers with the inside gatekeeper: passes */
	size_t n = tb_udp(b, GK, 2000, P, 1719, rrq, sizeof(rrq));
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 1000).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_dst(b), A);
	/* the gatekeeper's confirm would leave with its inside address */
	n = tb_udp(b, A, 1719, GK, 2000, rrq, sizeof(rrq));
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1001).reason, MG_R_RAS_UNTRANSLATED);
	CHECK_EQ(reason(e, MG_R_RAS_UNTRANSLATED), 1);
	mg_engine_free(e);
}

TEST(guard_ras_without_nat_passes_silently)
{
	struct mg_engine *e = mk(MG_UNTRANS_DROP, false, false);
	CHECK(e);
	uint8_t b[200];
	size_t n = tb_udp(b, A, 1719, GK, 1719, rrq, sizeof(rrq));
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1000).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(reason(e, MG_R_RAS_UNTRANSLATED), 0);
	CHECK_EQ(log_lines, 0);
	mg_engine_free(e);
}

/* Open TCP from A:40000 to DIR:port; returns the public port. */
static uint16_t ldap_open(struct mg_engine *e, uint16_t port)
{
	uint8_t b[100];
	size_t n = tb_tcp(b, A, 40000, DIR, port, 0x02, 99, 0, NULL, 0);
	if (mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1000).verdict != MG_VERDICT_ACCEPT)
		return 0;
	uint16_t pub = tb_sport(b);
	n = tb_tcp(b, DIR, port, P, pub, 0x12, 7000, 100, NULL, 0);
	if (mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 1001).verdict != MG_VERDICT_ACCEPT)
		return 0;
	n = tb_tcp(b, A, 40000, DIR, port, 0x10, 100, 7001, NULL, 0);
	if (mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1002).verdict != MG_VERDICT_ACCEPT)
		return 0;
	return pub;
}

static struct mg_result ldap_send(struct mg_engine *e, uint16_t port, uint32_t seq, const uint8_t *m, size_t len,
				  uint8_t *out)
{
	size_t n = tb_tcp(out, A, 40000, DIR, port, 0x18, seq, 7001, m, len);
	return mg_engine_process(e, out, (uint32_t)n, MG_SIDE_INSIDE, 1003);
}

TEST(guard_ils_registration_with_inside_address_dropped)
{
	struct mg_engine *e = mk(MG_UNTRANS_DROP, true, false);
	CHECK(e);
	CHECK(ldap_open(e, 389) != 0);
	uint8_t m[512], b[700];
	char sip[16];
	lb_sipaddress(A, sip);
	CHECK(strcmp(sip, "167842502") == 0);
	size_t n = lb_add_request(m, "alice@example.org", sip, "");
	struct mg_result r = ldap_send(e, 389, 100, m, n, b);
	CHECK_EQ(r.verdict, MG_VERDICT_DROP);
	CHECK_EQ(r.reason, MG_R_ILS_UNTRANSLATED);
	CHECK_EQ(reason(e, MG_R_ILS_UNTRANSLATED), 1);
	CHECK(strstr(last_log, "ils-untranslated: tcp 198.18.1.10:40000 -> 198.19.0.60:389") != NULL);
	CHECK(strstr(last_log, "sipaddress") != NULL);
	/* a search that names no inside address passes, translated */
	n = lb_search_request(m);
	r = ldap_send(e, 389, 100, m, n, b);
	CHECK_EQ(r.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_src(b), P);
	CHECK(tb_csum_ok(b, 40 + n));
	CHECK_EQ(reason(e, MG_R_ILS_UNTRANSLATED), 1);
	mg_engine_free(e);
}

TEST(guard_ils_on_site_server_port_passed_when_policy_says_pass)
{
	allow_any = true; /* 1002 is not in the default outbound list */
	struct mg_engine *e = mk(MG_UNTRANS_PASS, true, false);
	allow_any = false;
	CHECK(e);
	CHECK(ldap_open(e, 1002) != 0);
	uint8_t m[512], b[700];
	size_t n = lb_add_request(m, "bob", "1", "198.18.1.10");
	struct mg_result r = ldap_send(e, 1002, 100, m, n, b);
	CHECK_EQ(r.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(reason(e, MG_R_ILS_UNTRANSLATED), 1);
	CHECK(strstr(last_log, "passed") != NULL);
	CHECK(strstr(last_log, "dotted") != NULL);
	mg_engine_free(e);
}
