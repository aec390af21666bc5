/* ils_scan.c - see ils_scan.h.  Every index is checked against the
 * remaining length before it is read. */
#include "alg/ils_scan.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define ATTR "sipaddress"
#define ATTR_LEN (sizeof(ATTR) - 1)

static bool digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* Offset just past the first `sipaddress` (any case), or 0 if none. */
static size_t after_attr(const uint8_t *p, size_t len)
{
	for (size_t i = 0; len - i >= ATTR_LEN; i++) {
		size_t k = 0;
		while (k < ATTR_LEN && lower(p[i + k]) == (uint8_t)ATTR[k])
			k++;
		if (k == ATTR_LEN)
			return i + ATTR_LEN;
	}
	return 0;
}

#define BER_OCTET_STRING 0x04

/* Is s[0..n) at p[i] a whole value: the entire content of a BER OCTET STRING
 * (tag and one-byte length right before it), or a token in text (no digit,
 * and with dot_bound no '.', right before it; no digit, and with dot_bound
 * no ".digit", right after it)?  A BER value is usually followed by the
 * next SEQUENCE tag, 0x30 = '0', so the text rule alone would miss it. */
static bool whole_at(const uint8_t *p, size_t len, size_t i, const char *s, size_t n, bool dot_bound)
{
	if (len - i < n || memcmp(p + i, s, n) != 0)
		return false;
	if (i >= 2 && p[i - 2] == BER_OCTET_STRING && p[i - 1] == n)
		return true;
	if (i > 0 && (digit(p[i - 1]) || (dot_bound && p[i - 1] == '.')))
		return false;
	size_t j = i + n, left = len - j;
	if (left >= 1 && digit(p[j]))
		return false;
	if (dot_bound && left >= 2 && p[j] == '.' && digit(p[j + 1]))
		return false;
	return true;
}

static bool find_whole(const uint8_t *p, size_t len, size_t from, const char *s, size_t n, bool dot_bound)
{
	for (size_t i = from; i < len && len - i >= n; i++)
		if (whole_at(p, len, i, s, n, dot_bound))
			return true;
	return false;
}

size_t mg_ils_sipaddress(uint32_t addr, char *out, size_t n)
{
	uint8_t b[4];
	memcpy(b, &addr, 4);
	uint32_t le = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	int k = snprintf(out, n, "%u", le);
	return k > 0 && (size_t)k < n ? (size_t)k : 0;
}

enum mg_ils_form mg_ils_scan(const uint8_t *p, size_t len, uint32_t addr)
{
	if (p == NULL || len == 0)
		return MG_ILS_NONE;
	char s[24];
	size_t at = after_attr(p, len);
	size_t n = mg_ils_sipaddress(addr, s, sizeof(s));
	if (at && n && find_whole(p, len, at, s, n, false))
		return MG_ILS_SIPADDRESS;
	uint8_t b[4];
	memcpy(b, &addr, 4);
	int k = snprintf(s, sizeof(s), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	if (k > 0 && find_whole(p, len, 0, s, (size_t)k, true))
		return MG_ILS_DOTTED;
	for (size_t i = 0; len - i >= 4; i++)
		if (memcmp(p + i, b, 4) == 0)
			return MG_ILS_RAW;
	return MG_ILS_NONE;
}

const char *mg_ils_form_name(enum mg_ils_form f)
{
	switch (f) {
	case MG_ILS_SIPADDRESS:
		return "sipaddress (decimal)";
	case MG_ILS_DOTTED:
		return "dotted address";
	case MG_ILS_RAW:
		return "address bytes";
	default:
		return "none";
	}
}
