/* per_enc.h - ASN.1 aligned PER (X.691, ALIGNED variant) encoding primitives.
 *
 * The mirror image of per.h: every function here writes what the matching
 * mg_per_* reader reads back.  A writer appends bits to a caller-owned
 * buffer of fixed capacity and never allocates.  Contract:
 *   - every write checks the remaining capacity first; a write that does not
 *     fit (or a value outside its constraint) writes nothing and sets the
 *     sticky `err` flag, after which every write fails the same way, so an
 *     encoder may do a run of writes and test `err` once at the end;
 *   - bytes are zeroed as they are first touched, so padding bits are 0;
 *   - lengths >= 16K (fragmented form) are refused: nothing H.323 sends is
 *     that large.
 * Open types (extension additions, extension alternatives) are built by
 * encoding the inner value with a second writer over a scratch buffer and
 * then wrapping it with mg_penc_open_type.
 */
#ifndef MG_PER_ENC_H
#define MG_PER_ENC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mg_penc {
	uint8_t *buf;
	size_t cap;  /* bytes available in buf */
	size_t bit;  /* write position, in bits from buf[0] */
	bool err;    /* sticky: out of room or a value outside its constraint */
};

void mg_penc_init(struct mg_penc *e, void *buf, size_t cap);

/* Octets used so far (a partial last octet counts, padded with 0 bits). */
size_t mg_penc_len(const struct mg_penc *e);

/* Raw writers: n bits (0..32) of v, most significant first; pad to the next
 * octet boundary; n octets (the writer must be aligned, else err). */
void mg_penc_bits(struct mg_penc *e, uint32_t v, unsigned n);
void mg_penc_align(struct mg_penc *e);
void mg_penc_raw(struct mg_penc *e, const void *p, size_t n);
void mg_penc_bool(struct mg_penc *e, bool v);

/* Constrained whole number v in [lb, ub] (X.691 10.5.7.x aligned cases). */
void mg_penc_constrained(struct mg_penc *e, uint32_t v, uint32_t lb, uint32_t ub);

/* Unconstrained length determinant (one or two octets, octet-aligned). */
void mg_penc_length(struct mg_penc *e, uint32_t n);

/* Normally small non-negative whole number (X.691 10.6). */
void mg_penc_small(struct mg_penc *e, uint32_t v);

/* Semi-constrained INTEGER v >= lb: length octet + minimal value octets. */
void mg_penc_uint_semi(struct mg_penc *e, uint32_t v, uint32_t lb);

/* SEQUENCE preamble: extension bit (when extensible) then nopt presence
 * bits from opt (MSB first: the first optional field is bit nopt-1). */
void mg_penc_seq_preamble(struct mg_penc *e, bool extensible, bool ext, unsigned nopt, uint32_t opt);

/* Extension-addition bitmap: normally-small length n (1..), then n bits
 * (bits[i] != 0: addition i present). */
void mg_penc_ext_bitmap(struct mg_penc *e, const uint8_t *bits, unsigned n);

/* Open type: unconstrained length then the n octets of an inner encoding;
 * an empty inner encoding is sent as one zero octet (X.691 10.1.3). */
void mg_penc_open_type(struct mg_penc *e, const uint8_t *inner, size_t n);

/* Wrap a finished inner writer as an open type; propagates its err. */
void mg_penc_open_sub(struct mg_penc *e, const struct mg_penc *inner);

/* CHOICE index: a root alternative idx < nroot, or (ext = true, extensible
 * only) extension alternative idx, whose value the caller then writes as an
 * open type. */
void mg_penc_choice(struct mg_penc *e, uint32_t idx, uint32_t nroot, bool extensible, bool ext);
void mg_penc_enum(struct mg_penc *e, uint32_t idx, uint32_t nroot, bool extensible, bool ext);

/* Length of a SEQUENCE OF / string with size constraint [lb, ub] (ub 0:
 * unconstrained), as mg_per_size reads it.  With ext = true the extension
 * bit is written (0 when n is inside [lb, ub], else 1 + an unconstrained
 * length). */
void mg_penc_size(struct mg_penc *e, uint32_t n, uint32_t lb, uint32_t ub, bool ext);

/* OCTET STRING of n octets, size [lb, ub] (ub 0: unconstrained).  Fixed
 * sizes of 1 or 2 octets are written unaligned, as X.691 16.6 says. */
void mg_penc_octets(struct mg_penc *e, const void *p, uint32_t n, uint32_t lb, uint32_t ub, bool ext);

/* IA5String (8 bits a character in aligned PER), size [lb, ub]. */
void mg_penc_ia5(struct mg_penc *e, const char *s, uint32_t lb, uint32_t ub, bool ext);

/* BMPString from an ASCII / Latin-1 string (each octet one UCS-2 code),
 * size [lb, ub]. */
void mg_penc_bmp(struct mg_penc *e, const char *s, uint32_t lb, uint32_t ub, bool ext);

/* Character string over a permitted alphabet `alpha` (characters in
 * ascending code order), each written as its index in `bits` bits (the
 * X.691 27.5.4 mapping applies to every H.323 alphabet meetgate uses).  A
 * character outside the alphabet sets err. */
void mg_penc_chars(struct mg_penc *e, const char *s, uint32_t lb, uint32_t ub, bool ext, const char *alpha,
		   unsigned bits);

/* OBJECT IDENTIFIER from n arcs (n >= 2, arcs[0] <= 2): length + contents. */
void mg_penc_oid(struct mg_penc *e, const uint32_t *arcs, unsigned n);

#endif
