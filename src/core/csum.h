/* csum.h - Internet checksum (RFC 1071) and incremental update (RFC 1624).
 * Checksum fields are handled as the 16-bit big-endian value on the wire. */
#ifndef MG_CSUM_H
#define MG_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* One's-complement sum of `len` bytes added to `sum` (not folded). */
uint32_t mg_csum_add(uint32_t sum, const uint8_t *p, size_t len);
/* Fold a 32-bit sum and complement it: the value to store in a header. */
uint16_t mg_csum_fold(uint32_t sum);

/* The one's-complement sum of `len` bytes folded to 16 bits, not
 * complemented.  For a range that starts at an even offset of the data a
 * checksum covers, it stands for the whole range in an incremental update:
 * mg_csum_update16(field, sum before, sum after). */
uint16_t mg_csum_sum16(const uint8_t *p, size_t len);

/* Incremental updates of a stored checksum `*field` (pointer into the packet,
 * big-endian) when 2 or 4 bytes covered by it change (RFC 1624 eqn. 3).
 * They carry the stored value's error along: a checksum that was wrong by d
 * before is wrong by d after. */
void mg_csum_update16(uint8_t *field, uint16_t old_be, uint16_t new_be);
void mg_csum_update32(uint8_t *field, const uint8_t old4[4], const uint8_t new4[4]);

static inline uint16_t mg_rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}
static inline void mg_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline uint32_t mg_rd32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

#endif
