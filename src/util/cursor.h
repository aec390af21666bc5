/* cursor.h - the one bounds-checked reader used by every parser in meetgate.
 *
 * A cursor reads a borrowed byte buffer at bit granularity (PER needs bits;
 * byte parsers simply stay octet-aligned).  Contract:
 *   - every read checks the remaining length first, then advances; a read
 *     past the end reads nothing, returns 0 and sets the sticky `err` flag;
 *   - once `err` is set every further read fails the same way, so a parser
 *     may do a run of reads and test `err` once at the end;
 *   - length arithmetic is done on the remaining count, unsigned, so hostile
 *     lengths cannot wrap around.
 * The cursor never allocates and never writes the buffer.  Offsets it reports
 * (mg_cur_byte_pos) are relative to `buf`, so a caller can rewrite in place.
 */
#ifndef MG_CURSOR_H
#define MG_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct mg_cur {
	const uint8_t *buf;
	size_t len;  /* bytes in buf */
	size_t bit;  /* read position, in bits from buf[0] */
	bool err;    /* sticky: a read ran past the end or a limit was hit */
};

static inline void mg_cur_init(struct mg_cur *c, const void *buf, size_t len)
{
	c->buf = (const uint8_t *)buf;
	c->len = len;
	c->bit = 0;
	c->err = false;
}

static inline size_t mg_cur_bits_left(const struct mg_cur *c)
{
	return c->err ? 0 : c->len * 8 - c->bit;
}

/* Whole bytes left from the current position (rounded down). */
static inline size_t mg_cur_bytes_left(const struct mg_cur *c)
{
	return mg_cur_bits_left(c) / 8;
}

static inline bool mg_cur_aligned(const struct mg_cur *c)
{
	return (c->bit & 7) == 0;
}

/* Byte offset of the current position; only meaningful when aligned. */
static inline size_t mg_cur_byte_pos(const struct mg_cur *c)
{
	return c->bit >> 3;
}

static inline void mg_cur_fail(struct mg_cur *c)
{
	c->err = true;
}

/* Advance to the next octet boundary (PER "octet-aligned"). */
static inline void mg_cur_align(struct mg_cur *c)
{
	size_t pad = (8 - (c->bit & 7)) & 7;
	if (pad > mg_cur_bits_left(c)) {
		c->err = true;
		return;
	}
	c->bit += pad;
}

/* Read n bits (0..32), most significant first. */
static inline uint32_t mg_cur_bits(struct mg_cur *c, unsigned n)
{
	uint32_t v = 0;
	if (n > 32 || n > mg_cur_bits_left(c)) {
		c->err = true;
		return 0;
	}
	while (n > 0) {
		size_t byte = c->bit >> 3;
		unsigned off = (unsigned)(c->bit & 7);
		unsigned take = 8 - off;
		if (take > n)
			take = n;
		uint32_t chunk = (uint32_t)(c->buf[byte] >> (8 - off - take)) & ((1u << take) - 1u);
		v = (v << take) | chunk;
		c->bit += take;
		n -= take;
	}
	return v;
}

static inline bool mg_cur_bit(struct mg_cur *c)
{
	return mg_cur_bits(c, 1) != 0;
}

static inline uint8_t mg_cur_u8(struct mg_cur *c)
{
	if (mg_cur_aligned(c)) {
		if (mg_cur_bits_left(c) < 8) {
			c->err = true;
			return 0;
		}
		uint8_t v = c->buf[c->bit >> 3];
		c->bit += 8;
		return v;
	}
	return (uint8_t)mg_cur_bits(c, 8);
}

static inline uint16_t mg_cur_be16(struct mg_cur *c)
{
	return (uint16_t)mg_cur_bits(c, 16);
}

static inline uint32_t mg_cur_be32(struct mg_cur *c)
{
	return mg_cur_bits(c, 32);
}

static inline void mg_cur_skip_bits(struct mg_cur *c, size_t n)
{
	if (n > mg_cur_bits_left(c)) {
		c->err = true;
		return;
	}
	c->bit += n;
}

static inline void mg_cur_skip(struct mg_cur *c, size_t nbytes)
{
	if (nbytes > mg_cur_bytes_left(c)) {
		c->err = true;
		return;
	}
	c->bit += nbytes * 8;
}

/* Pointer to the current byte (caller must be aligned and have checked the
 * length it will touch, e.g. with mg_cur_take). */
static inline const uint8_t *mg_cur_ptr(const struct mg_cur *c)
{
	return c->buf + (c->bit >> 3);
}

/* Take n octet-aligned bytes: returns a pointer to them and advances, or
 * NULL (and err) if not aligned or not that many left.  After an error even
 * 0 bytes are refused (the sticky-err contract above). */
static inline const uint8_t *mg_cur_take(struct mg_cur *c, size_t n)
{
	if (c->err || !mg_cur_aligned(c) || n > mg_cur_bytes_left(c)) {
		c->err = true;
		return NULL;
	}
	const uint8_t *p = c->buf + (c->bit >> 3);
	c->bit += n * 8;
	return p;
}

/* Carve a sub-cursor over the next n aligned bytes and advance past them.
 * Offsets in the sub-cursor are relative to its own start; add
 * `sub_base` (the parent byte position before the call) to map back. */
static inline bool mg_cur_sub(struct mg_cur *c, size_t n, struct mg_cur *sub)
{
	const uint8_t *p = mg_cur_take(c, n);
	if (p == NULL) {
		mg_cur_init(sub, NULL, 0);
		sub->err = true;
		return false;
	}
	mg_cur_init(sub, p, n);
	return true;
}

#endif
