/* fuzz_ils_scan.c - libFuzzer harness for mg_ils_scan.
 *
 * The input is 4 bytes of IPv4 address (network order) and then an LDAP
 * payload, copied into a heap buffer of exactly its size so that a read of
 * one byte past the end is caught.  The answer is checked against a naive
 * search: the raw form is found if and only if the 4 bytes are there (when
 * no earlier form matched), and a match of any form needs its text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alg/ils_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int has(const uint8_t *p, size_t len, const void *s, size_t n)
{
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(p + i, s, n) == 0)
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4 || size > 70000)
		return 0;
	uint32_t addr;
	memcpy(&addr, data, 4);
	size_t len = size - 4;
	uint8_t *buf = len ? malloc(len) : NULL;
	if (len && buf == NULL)
		return 0;
	if (len)
		memcpy(buf, data + 4, len);
	enum mg_ils_form f = mg_ils_scan(buf, len, addr);
	char dec[16], dot[16];
	size_t dn = mg_ils_sipaddress(addr, dec, sizeof(dec));
	const uint8_t *b = data;
	int on = snprintf(dot, sizeof(dot), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	int raw = has(buf, len, data, 4);
	switch (f) {
	case MG_ILS_NONE:
		if (raw)
			abort();
		break;
	case MG_ILS_SIPADDRESS:
		if (dn == 0 || !has(buf, len, dec, dn))
			abort();
		break;
	case MG_ILS_DOTTED:
		if (on <= 0 || !has(buf, len, dot, (size_t)on))
			abort();
		break;
	case MG_ILS_RAW:
		if (!raw)
			abort();
		break;
	default:
		abort();
	}
	free(buf);
	return 0;
}
