/* fuzz_ber.c - libFuzzer harness for the BER reader (proto/ber.h) and the
 * LDAPMessage walker (proto/ldap.h).
 *
 * The input is one would-be LDAPMessage, copied into a heap buffer of
 * exactly its size so that a read of one byte past the end is caught.  The
 * answers are checked for what a caller relies on: a framed message fits
 * the input; a scan that succeeds reports only length fields that say what
 * their bytes say, each inside the one before it, and values inside all of
 * them; the walker never succeeds where the framer refuses.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/ldap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The definite length at b[l->at], as the bytes say it. */
static int len_ok(const uint8_t *b, size_t n, const struct mg_ber_len *l)
{
	if (l->at >= n || l->size < 1 || l->size > 5 || l->size > n - l->at)
		return 0;
	uint8_t l0 = b[l->at];
	uint32_t v = l0;
	if (l0 >= 0x80) {
		if ((unsigned)(l0 & 0x7f) + 1 != l->size)
			return 0;
		v = 0;
		for (unsigned i = 1; i < l->size; i++)
			v = v << 8 | b[l->at + i];
	} else if (l->size != 1) {
		return 0;
	}
	return v == l->len && l->len <= n - l->at - l->size;
}

static void check_scan(const uint8_t *b, size_t n, const struct mg_ldap_msg *m)
{
	if (m->len != n || m->n > MG_LDAP_VALUES)
		abort();
	for (uint8_t i = 0; i < m->n; i++) {
		const struct mg_ldap_value *v = &m->v[i];
		if (!len_ok(b, n, &v->own) || v->own.len != v->len || v->own.at + v->own.size != v->off)
			abort();
		if (v->n_enc < 1 || v->n_enc > MG_LDAP_ENC || v->enc[0].at != 1)
			abort();
		for (uint8_t k = 0; k < v->n_enc; k++) {
			const struct mg_ber_len *l = &v->enc[k];
			if (!len_ok(b, n, l) || v->off + v->len > l->at + l->size + l->len)
				abort();
			if (k > 0 && (l->at <= v->enc[k - 1].at ||
				      l->at + l->size + l->len > v->enc[k - 1].at + v->enc[k - 1].size + v->enc[k - 1].len))
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MG_BER_MSG_MAX + 16)
		return 0;
	uint8_t *buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	uint32_t fl = 0;
	enum mg_ber_err why;
	enum mg_ber_frame_status st = mg_ber_frame(buf, size, &fl, &why);
	if (st == MG_BER_OK && (fl > size || fl < 2))
		abort();
	if (st == MG_BER_BAD && why == MG_BER_E_NONE)
		abort();
	struct mg_ldap_msg m;
	enum mg_ber_err e = mg_ldap_scan(buf, size, &m);
	if (e == MG_BER_E_NONE) {
		if (st != MG_BER_OK || fl != size)
			abort();
		check_scan(buf, size, &m);
	}
	/* the message the framer found, on its own */
	if (st == MG_BER_OK && mg_ldap_scan(buf, fl, &m) == MG_BER_E_NONE)
		check_scan(buf, fl, &m);
	free(buf);
	return 0;
}
