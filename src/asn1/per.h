/* per.h - ASN.1 aligned PER (X.691, ALIGNED variant) primitives on mg_cur.
 *
 * Only what H.225.0 and H.245 need.  Every function reads through the cursor
 * and therefore never reads out of bounds; on malformed input it sets the
 * cursor's sticky err flag and returns 0.  Fragmented lengths (>= 16K) are
 * rejected (err): no H.323 signalling message is that large.
 */
#ifndef MG_PER_H
#define MG_PER_H

#include "util/cursor.h"

/* Hard limits a hostile encoding cannot push past. */
#define MG_PER_MAX_EXT_BITS 64   /* extension bitmap length we accept */
#define MG_PER_MAX_SEQOF 256     /* elements in one SEQUENCE OF we walk */

/* Constrained whole number in [lb, ub] (ub - lb < 2^32).  Handles the
 * bit-field (range <= 255), one-octet (range 256), two-octet (<= 64K) and
 * length-prefixed (> 64K) cases of X.691 10.5.7. */
uint32_t mg_per_constrained(struct mg_cur *c, uint32_t lb, uint32_t ub);

/* Unconstrained length determinant (X.691 10.9.3.5-8), octet-aligned.
 * Returns the length; fragmented form sets err. */
uint32_t mg_per_length(struct mg_cur *c);

/* Normally small non-negative whole number (X.691 10.6). */
uint32_t mg_per_small(struct mg_cur *c);

/* Semi-constrained / unconstrained INTEGER: length octet(s) + value octets
 * (all consumed).  Returns lb + the low 32 bits of the value; a zero length
 * sets err. */
uint32_t mg_per_uint_semi(struct mg_cur *c, uint32_t lb);

/* SEQUENCE preamble: reads the extension bit (if extensible) and `nopt`
 * optional-field presence bits into *opt (MSB first: first optional field is
 * bit nopt-1).  nopt <= 32. Returns the extension bit. */
bool mg_per_seq_preamble(struct mg_cur *c, bool extensible, unsigned nopt, uint32_t *opt);

/* Extension-addition bitmap (X.691 18.8): its length n is a "normally small
 * length" (bit 0 + n-1 in 6 bits, or bit 1 + a length determinant holding n),
 * then the n bits.  Writes up to MG_PER_MAX_EXT_BITS presence flags into bits[]
 * (bits[i] != 0: addition i present) and returns the count; a longer bitmap
 * sets err. Works for any bit offset, including a bitmap that ends exactly on
 * a 32-bit boundary. */
unsigned mg_per_ext_bitmap(struct mg_cur *c, uint8_t bits[MG_PER_MAX_EXT_BITS]);

/* Open type: unconstrained length then that many octets.  Returns a
 * sub-cursor over the contents (for walking into it) and advances past. */
bool mg_per_open_type(struct mg_cur *c, struct mg_cur *sub);

/* Skip one open type. */
void mg_per_skip_open_type(struct mg_cur *c);

/* Skip the extension additions of a SEQUENCE whose extension bit was set:
 * reads the bitmap, then skips every present addition as an open type. */
void mg_per_skip_extensions(struct mg_cur *c);

/* CHOICE index: nroot alternatives in the root; if extensible, reads the
 * extension bit first.  For an extension alternative sets *ext = true and
 * returns its index among the additions (normally-small); the caller then
 * reads or skips it as an open type.  An out-of-range root index sets err. */
uint32_t mg_per_choice(struct mg_cur *c, uint32_t nroot, bool extensible, bool *ext);

/* ENUMERATED with nroot root values (same wire form as a choice index). */
uint32_t mg_per_enum(struct mg_cur *c, uint32_t nroot, bool extensible, bool *ext);

/* Length of a SEQUENCE OF / OCTET STRING / BIT STRING / strings with a size
 * constraint [lb, ub]; ub == 0 means unconstrained.  Fixed sizes (lb == ub
 * < 64K) encode no length.  For extensible size constraints pass ext = true:
 * the extension bit is read and, if set, an unconstrained length follows. */
uint32_t mg_per_size(struct mg_cur *c, uint32_t lb, uint32_t ub, bool ext);

/* OCTET STRING with size [lb, ub] (ub 0 = unconstrained): returns a pointer
 * to the octets (aligned when the encoding aligns them) and its length in
 * *n; NULL and err on malformed input.  Octet strings of fixed size 1 or 2
 * are not aligned in PER: for those this sets err and the caller must read
 * bits itself.  (ub == 0 always means "no upper bound": SIZE(0)
 * strings do not occur in H.323.) */
const uint8_t *mg_per_octets(struct mg_cur *c, uint32_t lb, uint32_t ub, bool ext, uint32_t *n);

/* Skip helpers for common element types. */
void mg_per_skip_bits_string(struct mg_cur *c, uint32_t lb, uint32_t ub, bool ext);
/* Restricted character strings whose characters take `bits` bits each
 * (aligned PER: IA5String = 8 unless a PermittedAlphabet shrinks it). */
void mg_per_skip_chars(struct mg_cur *c, uint32_t lb, uint32_t ub, bool ext, unsigned bits);
/* OBJECT IDENTIFIER: length octet + contents. */
void mg_per_skip_oid(struct mg_cur *c);

#endif
