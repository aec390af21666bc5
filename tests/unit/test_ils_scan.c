/* test_ils_scan.c - finding an address in an ILS/LDAP payload
 * (alg/ils_scan.h), on parser inputs ending at a guard page. */
#include <string.h>

#include "alg/ils_scan.h"
#include "harness.h"
#include "ldapbuild.h"
#include "pktbuild.h"

#define A tb_ip("198.18.1.10")

static enum mg_ils_form scan(const void *p, size_t n, uint32_t addr)
{
	uint8_t *g = t_guarded(p, n);
	enum mg_ils_form f = mg_ils_scan(g, n, addr);
	t_guarded_free(g, n);
	return f;
}

static enum mg_ils_form scan_str(const char *s, uint32_t addr)
{
	return scan(s, strlen(s), addr);
}

TEST(ils_sipaddress_is_the_little_endian_decimal)
{
	char s[16];
	CHECK_EQ(mg_ils_sipaddress(A, s, sizeof(s)), 9);
	CHECK(strcmp(s, "167842502") == 0); /* c6 12 01 0a read little-endian */
	CHECK_EQ(mg_ils_sipaddress(tb_ip("192.168.1.2"), s, sizeof(s)), 8);
	CHECK(strcmp(s, "33663168") == 0); /* RESEARCH 2.2 */
}

TEST(ils_scan_finds_a_netmeeting_registration)
{
	uint8_t m[512];
	char sip[16];
	lb_sipaddress(A, sip);
	size_t n = lb_add_request(m, "alice@example.org", sip, "hello");
	CHECK_EQ(scan(m, n, A), MG_ILS_SIPADDRESS);
	/* every cut that keeps the name and the value still finds it */
	CHECK_EQ(scan(m, n - 1, A), MG_ILS_SIPADDRESS);
	/* another host's registration is not this sender's */
	CHECK_EQ(scan(m, n, tb_ip("198.18.1.11")), MG_ILS_NONE);
	/* the address in dotted form, as a value or inside text */
	n = lb_add_request(m, "bob", "1", "198.18.1.10");
	CHECK_EQ(scan(m, n, A), MG_ILS_DOTTED);
	n = lb_add_request(m, "bob", "1", "call me at 198.18.1.10, ok");
	CHECK_EQ(scan(m, n, A), MG_ILS_DOTTED);
}

TEST(ils_scan_matches_whole_values_only)
{
	CHECK_EQ(scan_str("sipAddress 167842502", A), MG_ILS_SIPADDRESS); /* any case */
	CHECK_EQ(scan_str("SIPADDRESS=167842502;", A), MG_ILS_SIPADDRESS);
	CHECK_EQ(scan_str("sipaddress 1678425020", A), MG_ILS_NONE);
	CHECK_EQ(scan_str("sipaddress 9167842502", A), MG_ILS_NONE);
	CHECK_EQ(scan_str("167842502 sipaddress", A), MG_ILS_NONE); /* value before the name */
	CHECK_EQ(scan_str("comment 167842502", A), MG_ILS_NONE);    /* no attribute name */
	CHECK_EQ(scan_str("198.18.1.100", A), MG_ILS_NONE);
	CHECK_EQ(scan_str("5.198.18.1.10", A), MG_ILS_NONE);
	CHECK_EQ(scan_str("198.18.1.10.7", A), MG_ILS_NONE);
	CHECK_EQ(scan_str("1198.18.1.10", A), MG_ILS_NONE);
	CHECK_EQ(scan_str("198.18.1.10", A), MG_ILS_DOTTED);
	CHECK_EQ(scan_str("[198.18.1.10].", A), MG_ILS_DOTTED);
	static const uint8_t raw[] = {0x30, 0x06, 0x04, 0x04, 198, 18, 1, 10};
	CHECK_EQ(scan(raw, sizeof(raw), A), MG_ILS_RAW);
	CHECK_EQ(scan(raw, sizeof(raw) - 1, A), MG_ILS_NONE);
	/* a BER value followed by the next SEQUENCE tag, '0' */
	static const uint8_t ber[] = {'s', 'i', 'p', 'a', 'd', 'd', 'r', 'e', 's', 's', 0x31, 0x0b, 0x04, 0x09,
				      '1', '6', '7', '8', '4', '2', '5', '0', '2', 0x30, 0x05};
	CHECK_EQ(scan(ber, sizeof(ber), A), MG_ILS_SIPADDRESS);
	CHECK_EQ(scan(NULL, 0, A), MG_ILS_NONE);
	CHECK_EQ(scan("s", 1, A), MG_ILS_NONE);
}

TEST(ils_scan_search_without_addresses_is_clean)
{
	uint8_t m[512];
	size_t n = lb_search_request(m);
	CHECK_EQ(scan(m, n, A), MG_ILS_NONE);
	for (size_t k = 0; k <= n; k++)
		CHECK_EQ(scan(m, k, A), MG_ILS_NONE);
}
