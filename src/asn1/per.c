/* per.c - aligned PER primitives (X.691).  See per.h for the contract. */
#include "asn1/per.h"

static unsigned bits_for_range(uint64_t range)
{
	unsigned n = 0;
	while (n < 64 && (1ull << n) < range)
		n++;
	return n;
}

uint32_t mg_per_constrained(struct mg_cur *c, uint32_t lb, uint32_t ub)
{
	if (ub < lb) {
		mg_cur_fail(c);
		return 0;
	}
	uint64_t range = (uint64_t)ub - lb + 1;
	uint64_t v;
	if (range == 1)
		return lb;
	if (range <= 255) {
		v = mg_cur_bits(c, bits_for_range(range));
	} else if (range == 256) {
		mg_cur_align(c);
		v = mg_cur_u8(c);
	} else if (range <= 65536) {
		mg_cur_align(c);
		v = mg_cur_be16(c);
	} else {
		/* length in octets (1..4) as a bit-field, then the octets */
		unsigned maxoct = (bits_for_range(range) + 7) / 8;
		uint32_t n = mg_cur_bits(c, bits_for_range(maxoct)) + 1;
		if (n > maxoct) {
			mg_cur_fail(c);
			return 0;
		}
		mg_cur_align(c);
		v = 0;
		for (uint32_t i = 0; i < n; i++)
			v = (v << 8) | mg_cur_u8(c);
	}
	if (c->err || v >= range) {
		mg_cur_fail(c);
		return 0;
	}
	return (uint32_t)(lb + v);
}

uint32_t mg_per_length(struct mg_cur *c)
{
	mg_cur_align(c);
	uint8_t b = mg_cur_u8(c);
	if (c->err)
		return 0;
	if ((b & 0x80) == 0)
		return b;
	if ((b & 0xC0) == 0x80) {
		uint8_t lo = mg_cur_u8(c);
		return c->err ? 0 : ((uint32_t)(b & 0x3F) << 8) | lo;
	}
	mg_cur_fail(c); /* fragmented: never legitimate in H.323 signalling */
	return 0;
}

uint32_t mg_per_uint_semi(struct mg_cur *c, uint32_t lb)
{
	uint32_t n = mg_per_length(c);
	uint64_t v = 0;
	if (n == 0 || n > mg_cur_bytes_left(c)) {
		mg_cur_fail(c);
		return 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint8_t b = mg_cur_u8(c);
		if (i + 4 >= n) /* keep the low 4 octets */
			v = (v << 8) | b;
	}
	return (uint32_t)(v + lb);
}

uint32_t mg_per_small(struct mg_cur *c)
{
	if (!mg_cur_bit(c))
		return mg_cur_bits(c, 6);
	return mg_per_uint_semi(c, 0);
}

bool mg_per_seq_preamble(struct mg_cur *c, bool extensible, unsigned nopt, uint32_t *opt)
{
	bool ext = extensible ? mg_cur_bit(c) : false;
	if (nopt > 32) {
		mg_cur_fail(c);
		*opt = 0;
		return false;
	}
	*opt = nopt ? mg_cur_bits(c, nopt) : 0;
	return ext;
}

unsigned mg_per_ext_bitmap(struct mg_cur *c, uint8_t bits[MG_PER_MAX_EXT_BITS])
{
	/* X.691 11.9.3.4: the long form carries n itself as a length
	 * determinant, not n-1 as octets; decoding it any other way would let a
	 * crafted bitmap mean one thing to us and another to the endpoint. */
	uint32_t n = mg_cur_bit(c) ? mg_per_length(c) : mg_cur_bits(c, 6) + 1;
	if (c->err || n == 0 || n > MG_PER_MAX_EXT_BITS) {
		mg_cur_fail(c);
		return 0;
	}
	/* Read one bit at a time: no word-sized shortcut, so no boundary case. */
	for (uint32_t i = 0; i < n; i++)
		bits[i] = (uint8_t)mg_cur_bit(c);
	return c->err ? 0 : n;
}

bool mg_per_open_type(struct mg_cur *c, struct mg_cur *sub)
{
	uint32_t n = mg_per_length(c);
	if (c->err) {
		mg_cur_init(sub, NULL, 0);
		sub->err = true;
		return false;
	}
	return mg_cur_sub(c, n, sub);
}

void mg_per_skip_open_type(struct mg_cur *c)
{
	uint32_t n = mg_per_length(c);
	mg_cur_skip(c, n);
}

void mg_per_skip_extensions(struct mg_cur *c)
{
	uint8_t bits[MG_PER_MAX_EXT_BITS];
	unsigned n = mg_per_ext_bitmap(c, bits);
	for (unsigned i = 0; i < n && !c->err; i++)
		if (bits[i])
			mg_per_skip_open_type(c);
}

uint32_t mg_per_choice(struct mg_cur *c, uint32_t nroot, bool extensible, bool *ext)
{
	*ext = extensible ? mg_cur_bit(c) : false;
	if (*ext)
		return mg_per_small(c);
	if (nroot == 0) {
		mg_cur_fail(c);
		return 0;
	}
	return mg_per_constrained(c, 0, nroot - 1);
}

uint32_t mg_per_enum(struct mg_cur *c, uint32_t nroot, bool extensible, bool *ext)
{
	return mg_per_choice(c, nroot, extensible, ext);
}

/* The length of a size-constrained string or list (X.691 11.9.4): reads the
 * extension bit when the constraint is extensible; *extended tells whether
 * the value is outside the root (then an unconstrained length was used). */
static uint32_t read_size(struct mg_cur *c, uint32_t lb, uint32_t ub, bool ext, bool *extended)
{
	*extended = ext && mg_cur_bit(c);
	if (*extended || ub == 0 || ub >= 65536)
		return mg_per_length(c);
	if (lb == ub)
		return lb;
	return mg_per_constrained(c, lb, ub);
}

uint32_t mg_per_size(struct mg_cur *c, uint32_t lb, uint32_t ub, bool ext)
{
	bool extended;
	return read_size(c, lb, ub, ext, &extended);
}

const uint8_t *mg_per_octets(struct mg_cur *c, uint32_t lb, uint32_t ub, bool ext, uint32_t *n)
{
	bool extended;
	uint32_t len = read_size(c, lb, ub, ext, &extended);
	*n = len;
	if (c->err)
		return NULL;
	if (!extended && lb == ub && ub <= 2 && ub != 0) {
		/* unaligned fixed-size short string: caller reads bits */
		mg_cur_fail(c);
		return NULL;
	}
	mg_cur_align(c);
	return mg_cur_take(c, len);
}

void mg_per_skip_bits_string(struct mg_cur *c, uint32_t lb, uint32_t ub, bool ext)
{
	bool extended;
	uint32_t len = read_size(c, lb, ub, ext, &extended);
	if (c->err)
		return;
	if (extended || lb != ub || ub > 16)
		mg_cur_align(c);
	mg_cur_skip_bits(c, len);
}

void mg_per_skip_chars(struct mg_cur *c, uint32_t lb, uint32_t ub, bool ext, unsigned bits)
{
	bool extended;
	uint32_t len = read_size(c, lb, ub, ext, &extended);
	if (c->err)
		return;
	/* aligned PER aligns the characters unless the maximum total is <= 16 bits */
	if (extended || ub == 0 || (uint64_t)ub * bits > 16)
		mg_cur_align(c);
	mg_cur_skip_bits(c, (size_t)len * bits);
}

void mg_per_skip_oid(struct mg_cur *c)
{
	uint32_t n = mg_per_length(c);
	mg_cur_skip(c, n);
}
