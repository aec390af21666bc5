/* test_ber.c - BER headers, LDAPMessage framing and the sipaddress walk
 * (proto/ber.h, proto/ldap.h): good messages in every length form, every
 * truncation, hostile lengths, all behind guard pages. */
#include <string.h>

#include "proto/ldap.h"
#include "harness.h"
#include "ldapbuild.h"

#define SIP "167842502" /* 198.18.1.10 */

/* The length field l says what the bytes at l.at say. */
static int len_at(const uint8_t *b, const struct mg_ber_len *l, uint32_t *len)
{
	uint8_t l0 = b[l->at];
	if (l0 < 0x80) {
		*len = l0;
		return l->size == 1;
	}
	uint32_t v = 0;
	for (unsigned i = 0; i < (l0 & 0x7fu); i++)
		v = v << 8 | b[l->at + 1 + i];
	*len = v;
	return l->size == 1 + (l0 & 0x7fu);
}

static enum mg_ber_err scan_guarded(const uint8_t *m, size_t n, struct mg_ldap_msg *out)
{
	uint8_t *g = t_guarded(m, n);
	enum mg_ber_err e = mg_ldap_scan(g, n, out);
	t_guarded_free(g, n);
	return e;
}

/* One value of sipaddress SIP whose every length field is right. */
static int check_value(const uint8_t *m, size_t n, const struct mg_ldap_msg *s, uint8_t n_enc)
{
	if (s->n != 1 || s->v[0].n_enc != n_enc || s->len != n)
		return 0;
	const struct mg_ldap_value *v = &s->v[0];
	uint32_t len;
	if (v->len != strlen(SIP) || memcmp(m + v->off, SIP, v->len) != 0)
		return 0;
	if (!len_at(m, &v->own, &len) || len != v->len || v->own.at + v->own.size != v->off)
		return 0;
	for (int i = 0; i < n_enc; i++) {
		const struct mg_ber_len *l = &v->enc[i];
		if (!len_at(m, l, &len) || len != l->len)
			return 0;
		/* nested: each one inside the one before, the value inside all */
		if (i > 0 && l->at <= v->enc[i - 1].at)
			return 0;
		if (v->off + v->len > l->at + l->size + l->len)
			return 0;
	}
	return v->enc[0].at == 1 && v->enc[0].len + v->enc[0].size + 1 == n;
}

TEST(ber_add_and_modify_in_every_length_form)
{
	for (int form = 0; form <= 4; form++) {
		uint8_t m[1024];
		struct mg_ldap_msg s;
		lb_set_len_form(form);
		size_t n = lb_add_request(m, "alice@example.org", SIP, "hello");
		CHECK_EQ(scan_guarded(m, n, &s), MG_BER_E_NONE);
		CHECK_EQ(s.op, MG_LDAP_OP_ADD);
		CHECK_EQ(s.id, 7);
		CHECK(s.walked);
		CHECK(check_value(m, n, &s, 5));
		uint32_t fl;
		enum mg_ber_err why;
		CHECK_EQ(mg_ber_frame(m, n, &fl, &why), MG_BER_OK);
		CHECK_EQ(fl, n);
		n = lb_modify_request(m, "alice@example.org", SIP);
		CHECK_EQ(scan_guarded(m, n, &s), MG_BER_E_NONE);
		CHECK_EQ(s.op, MG_LDAP_OP_MODIFY);
		CHECK(check_value(m, n, &s, 6));
	}
	lb_set_len_form(0);
}

TEST(ber_other_operations_are_framed_not_walked)
{
	uint8_t m[1024];
	struct mg_ldap_msg s;
	size_t n = lb_search_request(m);
	CHECK_EQ(scan_guarded(m, n, &s), MG_BER_E_NONE);
	CHECK_EQ(s.op, 3);
	CHECK(!s.walked);
	CHECK_EQ(s.n, 0);
	/* an UnbindRequest: [APPLICATION 2] NULL, primitive */
	static const uint8_t unbind[] = {0x30, 0x05, 0x02, 0x01, 0x09, 0x42, 0x00};
	CHECK_EQ(scan_guarded(unbind, sizeof(unbind), &s), MG_BER_E_NONE);
	CHECK_EQ(s.op, 2);
	CHECK_EQ(s.id, 9);
	/* the attribute name in any case, other attributes ignored */
	n = lb_add_request(m, "bob", "1", "x");
	CHECK_EQ(scan_guarded(m, n, &s), MG_BER_E_NONE);
	CHECK_EQ(s.n, 1);
	CHECK_EQ(s.v[0].len, 1);
	CHECK_EQ(m[s.v[0].off], '1');
}

TEST(ber_every_truncation_is_an_error_or_need)
{
	for (int form = 0; form <= 4; form += 2) {
		uint8_t m[1024];
		struct mg_ldap_msg s;
		lb_set_len_form(form);
		size_t n = lb_modify_request(m, "alice@example.org", SIP);
		for (size_t k = 0; k < n; k++) {
			CHECK(scan_guarded(m, k, &s) != MG_BER_E_NONE);
			uint32_t fl;
			enum mg_ber_err why;
			uint8_t *g = t_guarded(m, k);
			CHECK_EQ(mg_ber_frame(g, k, &fl, &why), MG_BER_NEED);
			t_guarded_free(g, k);
		}
		/* one byte too many is not this message either */
		m[n] = 0;
		CHECK(scan_guarded(m, n + 1, &s) != MG_BER_E_NONE);
	}
	lb_set_len_form(0);
}

TEST(ber_hostile_lengths)
{
	uint8_t m[1024];
	struct mg_ldap_msg s;
	uint32_t fl;
	enum mg_ber_err why;
	size_t n = lb_add_request(m, "a", SIP, "");
	/* every length byte made larger than what is left: truncated */
	for (size_t i = 1; i < n; i++) {
		uint8_t keep = m[i];
		if (keep >= 0x80 || keep == 0)
			continue;
		m[i] = 0x7f;
		enum mg_ber_err e = scan_guarded(m, n, &s);
		CHECK(e == MG_BER_E_NONE || e == MG_BER_E_TRUNC || e == MG_BER_E_TAG);
		m[i] = keep;
	}
	static const uint8_t indef[] = {0x30, 0x80, 0x02, 0x01, 0x01, 0x42, 0x00, 0x00, 0x00};
	CHECK_EQ(scan_guarded(indef, sizeof(indef), &s), MG_BER_E_INDEFINITE);
	CHECK_EQ(mg_ber_frame(indef, 2, &fl, &why), MG_BER_BAD);
	CHECK_EQ(why, MG_BER_E_INDEFINITE);
	static const uint8_t inner_indef[] = {0x30, 0x07, 0x02, 0x01, 0x01, 0x68, 0x80, 0x00, 0x00};
	CHECK_EQ(scan_guarded(inner_indef, sizeof(inner_indef), &s), MG_BER_E_INDEFINITE);
	static const uint8_t five[] = {0x30, 0x85, 0, 0, 0, 0, 1};
	CHECK_EQ(mg_ber_frame(five, sizeof(five), &fl, &why), MG_BER_BAD);
	CHECK_EQ(why, MG_BER_E_LENGTH);
	CHECK_EQ(scan_guarded(five, sizeof(five), &s), MG_BER_E_LENGTH);
	static const uint8_t huge[] = {0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x02};
	CHECK_EQ(scan_guarded(huge, sizeof(huge), &s), MG_BER_E_TRUNC);
	CHECK_EQ(mg_ber_frame(huge, sizeof(huge), &fl, &why), MG_BER_BAD);
	CHECK_EQ(why, MG_BER_E_LIMIT);
	static const uint8_t big_ok[] = {0x30, 0x83, 0x00, 0xff, 0xfb};
	CHECK_EQ(mg_ber_frame(big_ok, sizeof(big_ok), &fl, &why), MG_BER_NEED);
	CHECK_EQ(fl, 65536);
	static const uint8_t not_seq[] = {0x31, 0x00};
	CHECK_EQ(mg_ber_frame(not_seq, 1, &fl, &why), MG_BER_BAD);
	static const uint8_t hightag[] = {0x30, 0x05, 0x02, 0x01, 0x01, 0x7f, 0x00};
	CHECK_EQ(scan_guarded(hightag, sizeof(hightag), &s), MG_BER_E_TAG);
	/* a value that is not an OCTET STRING */
	n = lb_add_request(m, "a", SIP, "");
	for (size_t i = 0; i + 9 < n; i++)
		if (memcmp(m + i + 2, SIP, 9) == 0)
			m[i] = 0x02;
	CHECK_EQ(scan_guarded(m, n, &s), MG_BER_E_TAG);
}

TEST(ber_too_many_values_is_a_limit)
{
	/* nine values in one SET */
	uint8_t m[400], set[200];
	size_t k = 0;
	for (int i = 0; i < 9; i++) {
		set[k++] = 0x04;
		set[k++] = 1;
		set[k++] = (uint8_t)('1' + i);
	}
	uint8_t attr[300];
	size_t a = 0;
	attr[a++] = 0x30;
	attr[a++] = (uint8_t)(12 + 2 + k);
	attr[a++] = 0x04;
	attr[a++] = 10;
	memcpy(attr + a, "SIPADDRESS", 10);
	a += 10;
	attr[a++] = 0x31;
	attr[a++] = (uint8_t)k;
	memcpy(attr + a, set, k);
	a += k;
	size_t n = 0;
	uint8_t body_len = (uint8_t)(2 + 2 + a);
	uint8_t op_len = body_len;
	m[n++] = 0x30;
	m[n++] = (uint8_t)(3 + 2 + op_len);
	m[n++] = 0x02, m[n++] = 0x01, m[n++] = 0x01;
	m[n++] = 0x68, m[n++] = op_len;
	m[n++] = 0x04, m[n++] = 0x00;
	m[n++] = 0x30, m[n++] = (uint8_t)a;
	memcpy(m + n, attr, a);
	n += a;
	struct mg_ldap_msg s;
	CHECK_EQ(scan_guarded(m, n, &s), MG_BER_E_LIMIT);
	/* eight fit */
	CHECK_EQ(s.n, MG_LDAP_VALUES);
}

TEST(ber_put_len_keeps_the_form)
{
	uint8_t b[5];
	CHECK_EQ(mg_ber_put_len(b, 0x7f, 1), 1);
	CHECK_EQ(b[0], 0x7f);
	CHECK_EQ(mg_ber_put_len(b, 0x80, 1), 2);
	CHECK(b[0] == 0x81 && b[1] == 0x80);
	CHECK_EQ(mg_ber_put_len(b, 0x100, 1), 3);
	CHECK(b[0] == 0x82 && b[1] == 0x01 && b[2] == 0x00);
	CHECK_EQ(mg_ber_put_len(b, 5, 3), 3); /* long form stays long */
	CHECK(b[0] == 0x82 && b[1] == 0x00 && b[2] == 0x05);
	CHECK_EQ(mg_ber_put_len(b, 0x1234, 2), 3); /* grows when it must */
	CHECK(b[0] == 0x82 && b[1] == 0x12 && b[2] == 0x34);
	CHECK_EQ(mg_ber_put_len(b, 9, 5), 5);
	CHECK(b[0] == 0x84 && b[4] == 9);
}
