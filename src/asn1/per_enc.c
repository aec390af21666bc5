/* per_enc.c - aligned PER encoding primitives (X.691).  See per_enc.h. */
#include "asn1/per_enc.h"

#include <string.h>

static unsigned bits_for_range(uint64_t range)
{
	unsigned n = 0;
	while (n < 64 && (1ull << n) < range)
		n++;
	return n;
}

void mg_penc_init(struct mg_penc *e, void *buf, size_t cap)
{
	e->buf = (uint8_t *)buf;
	e->cap = cap;
	e->bit = 0;
	e->err = (buf == NULL && cap != 0);
}

size_t mg_penc_len(const struct mg_penc *e)
{
	return (e->bit + 7) / 8;
}

static size_t bits_free(const struct mg_penc *e)
{
	return e->err ? 0 : e->cap * 8 - e->bit;
}

void mg_penc_bits(struct mg_penc *e, uint32_t v, unsigned n)
{
	if (n > 32 || n > bits_free(e) || (n < 32 && (v >> n) != 0)) {
		e->err = true;
		return;
	}
	while (n > 0) {
		size_t byte = e->bit >> 3;
		unsigned off = (unsigned)(e->bit & 7);
		unsigned take = 8 - off;
		if (take > n)
			take = n;
		if (off == 0)
			e->buf[byte] = 0;
		uint32_t chunk = (v >> (n - take)) & ((1u << take) - 1u);
		e->buf[byte] |= (uint8_t)(chunk << (8 - off - take));
		e->bit += take;
		n -= take;
	}
}

void mg_penc_align(struct mg_penc *e)
{
	unsigned pad = (unsigned)((8 - (e->bit & 7)) & 7);
	if (pad)
		mg_penc_bits(e, 0, pad);
}

void mg_penc_raw(struct mg_penc *e, const void *p, size_t n)
{
	if ((e->bit & 7) != 0 || n > bits_free(e) / 8) {
		e->err = true;
		return;
	}
	if (n)
		memcpy(e->buf + (e->bit >> 3), p, n);
	e->bit += n * 8;
}

void mg_penc_bool(struct mg_penc *e, bool v)
{
	mg_penc_bits(e, v ? 1u : 0u, 1);
}

/* Big-endian octets of v, minimal count (at least one). */
static unsigned octets_of(uint64_t v, uint8_t out[8])
{
	unsigned n = 1;
	while (n < 8 && (v >> (8 * n)) != 0)
		n++;
	for (unsigned i = 0; i < n; i++)
		out[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	return n;
}

void mg_penc_constrained(struct mg_penc *e, uint32_t v, uint32_t lb, uint32_t ub)
{
	if (ub < lb || v < lb || v > ub) {
		e->err = true;
		return;
	}
	uint64_t range = (uint64_t)ub - lb + 1;
	uint32_t off = v - lb;
	if (range == 1)
		return;
	if (range <= 255) {
		mg_penc_bits(e, off, bits_for_range(range));
	} else if (range == 256) {
		mg_penc_align(e);
		mg_penc_bits(e, off, 8);
	} else if (range <= 65536) {
		mg_penc_align(e);
		mg_penc_bits(e, off, 16);
	} else {
		/* octet count (1..maxoct) as a bit-field, then the octets aligned */
		unsigned maxoct = (bits_for_range(range) + 7) / 8;
		uint8_t o[8];
		unsigned n = octets_of(off, o);
		mg_penc_bits(e, n - 1, bits_for_range(maxoct));
		mg_penc_align(e);
		mg_penc_raw(e, o, n);
	}
}

void mg_penc_length(struct mg_penc *e, uint32_t n)
{
	mg_penc_align(e);
	if (n < 128)
		mg_penc_bits(e, n, 8);
	else if (n < 16384)
		mg_penc_bits(e, 0x8000u | n, 16);
	else
		e->err = true;
}

void mg_penc_uint_semi(struct mg_penc *e, uint32_t v, uint32_t lb)
{
	if (v < lb) {
		e->err = true;
		return;
	}
	uint8_t o[8];
	unsigned n = octets_of(v - lb, o);
	mg_penc_length(e, n);
	mg_penc_raw(e, o, n);
}

void mg_penc_small(struct mg_penc *e, uint32_t v)
{
	if (v <= 63) {
		mg_penc_bits(e, v, 7); /* leading 0 bit + 6 bits */
		return;
	}
	mg_penc_bits(e, 1, 1);
	mg_penc_uint_semi(e, v, 0);
}

void mg_penc_seq_preamble(struct mg_penc *e, bool extensible, bool ext, unsigned nopt, uint32_t opt)
{
	if (nopt > 32 || (ext && !extensible)) {
		e->err = true;
		return;
	}
	if (extensible)
		mg_penc_bool(e, ext);
	if (nopt)
		mg_penc_bits(e, opt, nopt);
}

void mg_penc_ext_bitmap(struct mg_penc *e, const uint8_t *bits, unsigned n)
{
	if (n == 0) {
		e->err = true;
		return;
	}
	if (n <= 64) {
		mg_penc_bits(e, n - 1, 7); /* leading 0 bit + 6 bits */
	} else {
		mg_penc_bits(e, 1, 1);
		mg_penc_length(e, n);
	}
	for (unsigned i = 0; i < n; i++)
		mg_penc_bool(e, bits[i] != 0);
}

void mg_penc_open_type(struct mg_penc *e, const uint8_t *inner, size_t n)
{
	static const uint8_t zero = 0;
	if (n == 0) {
		inner = &zero;
		n = 1;
	}
	if (n >= 16384) {
		e->err = true;
		return;
	}
	mg_penc_length(e, (uint32_t)n);
	mg_penc_raw(e, inner, n);
}

void mg_penc_open_sub(struct mg_penc *e, const struct mg_penc *inner)
{
	if (inner->err) {
		e->err = true;
		return;
	}
	mg_penc_open_type(e, inner->buf, mg_penc_len(inner));
}

void mg_penc_choice(struct mg_penc *e, uint32_t idx, uint32_t nroot, bool extensible, bool ext)
{
	if (ext && !extensible) {
		e->err = true;
		return;
	}
	if (extensible)
		mg_penc_bool(e, ext);
	if (ext) {
		mg_penc_small(e, idx);
		return;
	}
	if (nroot == 0 || idx >= nroot) {
		e->err = true;
		return;
	}
	mg_penc_constrained(e, idx, 0, nroot - 1);
}

void mg_penc_enum(struct mg_penc *e, uint32_t idx, uint32_t nroot, bool extensible, bool ext)
{
	mg_penc_choice(e, idx, nroot, extensible, ext);
}

/* Writes the length part of a sized type; returns true when the contents
 * then follow in their extended (length-determinant) form. */
static bool size_part(struct mg_penc *e, uint32_t n, uint32_t lb, uint32_t ub, bool ext)
{
	bool inside = n >= lb && (ub == 0 || n <= ub);
	if (ext) {
		mg_penc_bool(e, !inside);
		if (!inside) {
			mg_penc_length(e, n);
			return true;
		}
	} else if (!inside) {
		e->err = true;
		return false;
	}
	if (ub == 0 || ub >= 65536)
		mg_penc_length(e, n);
	else if (lb != ub)
		mg_penc_constrained(e, n, lb, ub);
	return false;
}

void mg_penc_size(struct mg_penc *e, uint32_t n, uint32_t lb, uint32_t ub, bool ext)
{
	(void)size_part(e, n, lb, ub, ext);
}

void mg_penc_octets(struct mg_penc *e, const void *p, uint32_t n, uint32_t lb, uint32_t ub, bool ext)
{
	bool extended = size_part(e, n, lb, ub, ext);
	if (!extended && lb == ub && ub != 0 && ub <= 2) {
		const uint8_t *b = p;
		for (uint32_t i = 0; i < n; i++)
			mg_penc_bits(e, b[i], 8);
		return;
	}
	mg_penc_align(e);
	mg_penc_raw(e, p, n);
}

/* Shared tail of the character-string writers: aligned PER aligns the
 * characters unless the string can never exceed 16 bits. */
static bool chars_head(struct mg_penc *e, uint32_t n, uint32_t lb, uint32_t ub, bool ext, unsigned bits)
{
	bool extended = size_part(e, n, lb, ub, ext);
	if (e->err)
		return false;
	if (extended || ub == 0 || (uint64_t)ub * bits > 16)
		mg_penc_align(e);
	return true;
}

void mg_penc_ia5(struct mg_penc *e, const char *s, uint32_t lb, uint32_t ub, bool ext)
{
	size_t n = strlen(s);
	if (n > 16383 || !chars_head(e, (uint32_t)n, lb, ub, ext, 8))
		return;
	for (size_t i = 0; i < n; i++) {
		if ((uint8_t)s[i] > 127)
			e->err = true;
		mg_penc_bits(e, (uint8_t)s[i], 8);
	}
}

void mg_penc_bmp(struct mg_penc *e, const char *s, uint32_t lb, uint32_t ub, bool ext)
{
	size_t n = strlen(s);
	if (n > 16383 || !chars_head(e, (uint32_t)n, lb, ub, ext, 16))
		return;
	for (size_t i = 0; i < n; i++)
		mg_penc_bits(e, (uint8_t)s[i], 16);
}

void mg_penc_chars(struct mg_penc *e, const char *s, uint32_t lb, uint32_t ub, bool ext, const char *alpha,
		   unsigned bits)
{
	size_t n = strlen(s);
	if (n > 16383 || !chars_head(e, (uint32_t)n, lb, ub, ext, bits))
		return;
	for (size_t i = 0; i < n; i++) {
		const char *hit = s[i] ? strchr(alpha, s[i]) : NULL;
		if (hit == NULL) {
			e->err = true;
			return;
		}
		mg_penc_bits(e, (uint32_t)(hit - alpha), bits);
	}
}

/* One OID arc in base 128, high groups first with the continuation bit. */
static unsigned arc_bytes(uint64_t v, uint8_t out[10])
{
	uint8_t tmp[10];
	unsigned n = 0;
	do {
		tmp[n++] = (uint8_t)(v & 0x7f);
		v >>= 7;
	} while (v != 0 && n < 10);
	for (unsigned i = 0; i < n; i++)
		out[i] = (uint8_t)(tmp[n - 1 - i] | (i + 1 < n ? 0x80 : 0));
	return n;
}

void mg_penc_oid(struct mg_penc *e, const uint32_t *arcs, unsigned n)
{
	uint8_t body[128];
	size_t len = 0;
	if (n < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39)) {
		e->err = true;
		return;
	}
	for (unsigned i = 1; i < n; i++) {
		uint64_t v = i == 1 ? (uint64_t)arcs[0] * 40 + arcs[1] : arcs[i];
		uint8_t a[10];
		unsigned k = arc_bytes(v, a);
		if (len + k > sizeof body) {
			e->err = true;
			return;
		}
		memcpy(body + len, a, k);
		len += k;
	}
	mg_penc_length(e, (uint32_t)len);
	mg_penc_raw(e, body, len);
}
