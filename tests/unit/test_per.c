/* test_per.c - aligned PER primitives against hand-encoded bit patterns.
 *
 * Every input sits right before a guard page (t_guarded), so a primitive
 * that reads one byte too far faults instead of passing.
 */
#include "harness.h"

#include "asn1/per.h"

struct gbuf {
	uint8_t *p;
	size_t n;
	struct mg_cur c;
};

static void gopen(struct gbuf *g, const uint8_t *bytes, size_t n)
{
	g->p = t_guarded(bytes, n);
	g->n = n;
	mg_cur_init(&g->c, g->p, n);
}

static void gdone(struct gbuf *g)
{
	t_guarded_free(g->p, g->n);
}

/* Open a guarded cursor over the listed bytes. */
#define GOPEN(g, ...)                                       \
	do {                                                \
		static const uint8_t in_[] = {__VA_ARGS__}; \
		gopen(&(g), in_, sizeof in_);               \
	} while (0)

/* Minimal MSB-first bit writer for building bitmaps at odd offsets. */
struct bw {
	uint8_t b[32];
	size_t bit;
};

static void bw_put(struct bw *w, uint32_t v, unsigned n)
{
	while (n-- > 0) {
		if ((v >> n) & 1u)
			w->b[w->bit >> 3] |= (uint8_t)(0x80u >> (w->bit & 7));
		w->bit++;
	}
}

static size_t bw_bytes(const struct bw *w)
{
	return (w->bit + 7) / 8;
}

TEST(per_constrained_bitfield)
{
	struct gbuf g;
	GOPEN(g, 0x60); /* 011 0 .... */
	CHECK_EQ(mg_per_constrained(&g.c, 10, 14), 13);
	CHECK_EQ(mg_per_constrained(&g.c, 0, 1), 0);
	CHECK_EQ(mg_per_constrained(&g.c, 7, 7), 7); /* range 1: no bits */
	CHECK(!g.c.err);
	CHECK_EQ(g.c.bit, 4);
	gdone(&g);
}

TEST(per_constrained_out_of_range)
{
	struct gbuf g;
	GOPEN(g, 0xA0); /* 101: offset 5 in a range of 5 */
	CHECK_EQ(mg_per_constrained(&g.c, 10, 14), 0);
	CHECK(g.c.err);
	gdone(&g);
	GOPEN(g, 0x00);
	CHECK_EQ(mg_per_constrained(&g.c, 5, 4), 0); /* ub < lb */
	CHECK(g.c.err);
	gdone(&g);
}

TEST(per_constrained_octet_and_two_octets)
{
	struct gbuf g;
	GOPEN(g, 0x80, 0x2a, 0x03, 0xe8);
	CHECK(mg_cur_bit(&g.c));
	CHECK_EQ(mg_per_constrained(&g.c, 0, 255), 42); /* range 256: aligned octet */
	CHECK_EQ(mg_per_constrained(&g.c, 1, 65535), 1001);
	CHECK(!g.c.err);
	CHECK_EQ(mg_per_constrained(&g.c, 0, 255), 0); /* at the guard page */
	CHECK(g.c.err);
	gdone(&g);
}

TEST(per_constrained_length_prefixed)
{
	struct gbuf g;
	GOPEN(g, 0x40, 0x12, 0x34); /* 2-bit length 01 -> 2 octets */
	CHECK_EQ(mg_per_constrained(&g.c, 0, 16777215u), 0x1234);
	CHECK(!g.c.err);
	CHECK_EQ(g.c.bit, 24);
	gdone(&g);
	GOPEN(g, 0xC0, 0xde, 0xad, 0xbe, 0xef);
	CHECK_EQ(mg_per_constrained(&g.c, 0, 4294967295u), 0xdeadbeefu);
	CHECK(!g.c.err);
	gdone(&g);
	GOPEN(g, 0xC0, 1, 2, 3, 4); /* 4 octets where at most 3 fit the range */
	mg_per_constrained(&g.c, 0, 16777215u);
	CHECK(g.c.err);
	gdone(&g);
	GOPEN(g, 0x80, 0x03, 0x00, 0x00); /* 196608 > 192400 - 1 */
	mg_per_constrained(&g.c, 1, 192400);
	CHECK(g.c.err);
	gdone(&g);
	GOPEN(g, 0x40, 0x12); /* length says 2 octets, 1 present */
	CHECK_EQ(mg_per_constrained(&g.c, 0, 16777215u), 0);
	CHECK(g.c.err);
	gdone(&g);
}

TEST(per_length_forms)
{
	struct gbuf g;
	GOPEN(g, 0x05, 0x81, 0x00);
	CHECK_EQ(mg_per_length(&g.c), 5);
	CHECK_EQ(mg_per_length(&g.c), 256);
	CHECK(!g.c.err);
	gdone(&g);
	GOPEN(g, 0xC1, 0x00); /* fragmented */
	CHECK_EQ(mg_per_length(&g.c), 0);
	CHECK(g.c.err);
	gdone(&g);
	GOPEN(g, 0x81); /* two-octet form cut short */
	CHECK_EQ(mg_per_length(&g.c), 0);
	CHECK(g.c.err);
	gdone(&g);
}

TEST(per_normally_small)
{
	struct gbuf g;
	GOPEN(g, 0x0A); /* 0 000101 */
	CHECK_EQ(mg_per_small(&g.c), 5);
	gdone(&g);
	GOPEN(g, 0x80, 0x01, 0x80); /* 1, length 1, 0x80 */
	CHECK_EQ(mg_per_small(&g.c), 128);
	CHECK(!g.c.err);
	gdone(&g);
}

TEST(per_uint_semi)
{
	struct gbuf g;
	GOPEN(g, 0x02, 0x01, 0x00);
	CHECK_EQ(mg_per_uint_semi(&g.c, 0), 256);
	CHECK(!g.c.err);
	gdone(&g);
	GOPEN(g, 0x00);
	mg_per_uint_semi(&g.c, 0);
	CHECK(g.c.err);
	gdone(&g);
	GOPEN(g, 0x05, 1, 2);
	mg_per_uint_semi(&g.c, 0);
	CHECK(g.c.err);
	gdone(&g);
}

TEST(per_ext_bitmap_short)
{
	struct gbuf g;
	uint8_t bits[MG_PER_MAX_EXT_BITS];
	GOPEN(g, 0x06, 0x80); /* n-1 = 3, then 0 1 0 0 */
	CHECK_EQ(mg_per_ext_bitmap(&g.c, bits), 4);
	CHECK(bits[0] == 0 && bits[1] == 1 && bits[2] == 0 && bits[3] == 0);
	CHECK_EQ(g.c.bit, 11);
	gdone(&g);
}

/* The bitmap starts at bit 5 of an octet and is 27 bits long, so it ends
 * exactly on a 32-bit boundary: the case a word-at-a-time reader gets wrong. */
TEST(per_ext_bitmap_ends_on_32bit_boundary)
{
	struct bw w = {{0}, 0};
	bw_put(&w, 0x2a, 6);      /* 6 bits of preceding fields */
	bw_put(&w, 27 - 1, 7);    /* normally small length, short form */
	for (unsigned i = 0; i < 27; i++)
		bw_put(&w, (i % 3 == 0) || i == 26, 1);
	CHECK_EQ(w.bit, 40);
	bw_put(&w, 0x5a, 8); /* the next octet-aligned field */
	struct gbuf g;
	gopen(&g, w.b, bw_bytes(&w));
	uint8_t bits[MG_PER_MAX_EXT_BITS];
	CHECK_EQ(mg_cur_bits(&g.c, 6), 0x2a);
	CHECK_EQ(mg_per_ext_bitmap(&g.c, bits), 27);
	for (unsigned i = 0; i < 27; i++)
		CHECK_EQ(bits[i], (i % 3 == 0) || i == 26);
	CHECK_EQ(g.c.bit, 40);
	CHECK_EQ(mg_cur_u8(&g.c), 0x5a);
	CHECK(!g.c.err);
	gdone(&g);
}

TEST(per_ext_bitmap_32_bits_aligned)
{
	struct bw w = {{0}, 0};
	bw_put(&w, 1, 1);
	bw_put(&w, 32 - 1, 7);
	bw_put(&w, 0x80000001u, 32);
	struct gbuf g;
	gopen(&g, w.b, bw_bytes(&w));
	uint8_t bits[MG_PER_MAX_EXT_BITS];
	CHECK(mg_cur_bit(&g.c));
	CHECK_EQ(mg_per_ext_bitmap(&g.c, bits), 32);
	for (unsigned i = 0; i < 32; i++)
		CHECK_EQ(bits[i], i == 0 || i == 31);
	CHECK_EQ(g.c.bit, 40);
	CHECK(!g.c.err);
	gdone(&g);
}

TEST(per_ext_bitmap_long_form)
{
	struct gbuf g;
	uint8_t bits[MG_PER_MAX_EXT_BITS];
	GOPEN(g, 0x80, 0x05, 0xA8); /* 1, length 5, 10101 */
	CHECK_EQ(mg_per_ext_bitmap(&g.c, bits), 5);
	CHECK(bits[0] && !bits[1] && bits[2] && !bits[3] && bits[4]);
	CHECK(!g.c.err);
	gdone(&g);
}

TEST(per_ext_bitmap_hostile)
{
	struct gbuf g;
	uint8_t bits[MG_PER_MAX_EXT_BITS];
	/* 65 bits, long form: over the cap */
	GOPEN(g, 0x80, 0x41, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
	CHECK_EQ(mg_per_ext_bitmap(&g.c, bits), 0);
	CHECK(g.c.err);
	gdone(&g);
	/* 64 bits, short form: the cap itself is accepted */
	GOPEN(g, 0x7e, 0, 0, 0, 0, 0, 0, 0, 0x02);
	CHECK_EQ(mg_per_ext_bitmap(&g.c, bits), 64);
	CHECK(bits[63] == 1 && bits[62] == 0);
	CHECK(!g.c.err);
	gdone(&g);
	/* 20 bits announced, 9 present */
	GOPEN(g, 0x26, 0xff);
	CHECK_EQ(mg_per_ext_bitmap(&g.c, bits), 0);
	CHECK(g.c.err);
	gdone(&g);
	/* long form with a zero count */
	GOPEN(g, 0x80, 0x00);
	CHECK_EQ(mg_per_ext_bitmap(&g.c, bits), 0);
	CHECK(g.c.err);
	gdone(&g);
}

TEST(per_open_type)
{
	struct gbuf g;
	struct mg_cur sub;
	GOPEN(g, 0x03, 1, 2, 3, 0x77);
	CHECK(mg_per_open_type(&g.c, &sub));
	CHECK_EQ(sub.len, 3);
	CHECK_EQ(mg_cur_u8(&sub), 1);
	CHECK_EQ(mg_cur_be16(&sub), 0x0203);
	mg_cur_u8(&sub); /* the sub-cursor stops at its own end */
	CHECK(sub.err);
	CHECK_EQ(mg_cur_u8(&g.c), 0x77);
	CHECK(!g.c.err);
	gdone(&g);
	GOPEN(g, 0x05, 1, 2);
	CHECK(!mg_per_open_type(&g.c, &sub));
	CHECK(g.c.err && sub.err);
	gdone(&g);
	GOPEN(g, 0x05, 1, 2);
	mg_per_skip_open_type(&g.c);
	CHECK(g.c.err);
	gdone(&g);
}

TEST(per_skip_extensions)
{
	struct gbuf g;
	/* n-1 = 2, bits 101, pad, open types of 1 and 2 octets, then 0x99 */
	GOPEN(g, 0x05, 0x40, 0x01, 0xAA, 0x02, 0xBB, 0xCC, 0x99);
	mg_per_skip_extensions(&g.c);
	CHECK(!g.c.err);
	CHECK_EQ(mg_cur_u8(&g.c), 0x99);
	gdone(&g);
	GOPEN(g, 0x05, 0x40, 0x01, 0xAA, 0x03, 0xBB, 0xCC); /* second one cut */
	mg_per_skip_extensions(&g.c);
	CHECK(g.c.err);
	gdone(&g);
}

TEST(per_choice_index)
{
	struct gbuf g;
	bool ext;
	GOPEN(g, 0x80);
	CHECK_EQ(mg_per_choice(&g.c, 3, false, &ext), 2);
	CHECK(!ext && !g.c.err);
	gdone(&g);
	GOPEN(g, 0xC0); /* index 3 of 3 */
	mg_per_choice(&g.c, 3, false, &ext);
	CHECK(g.c.err);
	gdone(&g);
	GOPEN(g, 0x83); /* extension alternative 3 */
	CHECK_EQ(mg_per_choice(&g.c, 4, true, &ext), 3);
	CHECK(ext && !g.c.err);
	gdone(&g);
	GOPEN(g, 0x14); /* root, 5 bits for 19 alternatives: 5 */
	CHECK_EQ(mg_per_choice(&g.c, 19, true, &ext), 5);
	CHECK(!ext);
	CHECK_EQ(g.c.bit, 6);
	gdone(&g);
	GOPEN(g, 0x78); /* root index 30 of 19 */
	mg_per_choice(&g.c, 19, true, &ext);
	CHECK(g.c.err);
	gdone(&g);
	GOPEN(g, 0x00);
	CHECK_EQ(mg_per_choice(&g.c, 1, false, &ext), 0); /* one alternative: no bits */
	CHECK_EQ(g.c.bit, 0);
	gdone(&g);
	GOPEN(g, 0x40);
	CHECK_EQ(mg_per_enum(&g.c, 4, true, &ext), 2);
	gdone(&g);
}

TEST(per_size_forms)
{
	struct gbuf g;
	GOPEN(g, 0x00, 0x80, 0x03);
	CHECK_EQ(mg_per_size(&g.c, 1, 256, false), 1);
	CHECK_EQ(mg_per_size(&g.c, 4, 4, false), 4);
	CHECK_EQ(mg_per_size(&g.c, 1, 16, true), 3); /* extension bit set: unconstrained */
	CHECK(!g.c.err);
	gdone(&g);
}

TEST(per_octets)
{
	struct gbuf g;
	uint32_t n;
	GOPEN(g, 0x80, 198, 18, 1, 10);
	CHECK(mg_cur_bit(&g.c));
	const uint8_t *p = mg_per_octets(&g.c, 4, 4, false, &n);
	CHECK(p == g.p + 1 && n == 4);
	gdone(&g);
	GOPEN(g, 0x10, 0xAA, 0xBB, 0xCC); /* SIZE(1..20): 5-bit length 2 -> 3 octets */
	p = mg_per_octets(&g.c, 1, 20, false, &n);
	CHECK(p == g.p + 1 && n == 3);
	CHECK(!g.c.err);
	gdone(&g);
	GOPEN(g, 0x05, 1);
	CHECK(mg_per_octets(&g.c, 0, 0, false, &n) == NULL);
	CHECK(g.c.err);
	gdone(&g);
	GOPEN(g, 0xAB, 0xCD); /* fixed size 2 is a bit-field: caller's job */
	CHECK(mg_per_octets(&g.c, 2, 2, false, &n) == NULL);
	CHECK(g.c.err);
	gdone(&g);
	GOPEN(g, 0x80, 0x02, 0xAA, 0xBB); /* extensible size, extended */
	p = mg_per_octets(&g.c, 4, 4, true, &n);
	CHECK(p == g.p + 2 && n == 2);
	gdone(&g);
}

TEST(per_skip_bit_strings)
{
	struct gbuf g;
	GOPEN(g, 0x80, 0x00, 0x00, 0x00, 0x00);
	mg_cur_bit(&g.c);
	mg_per_skip_bits_string(&g.c, 8, 8, false); /* <= 16 bits: not aligned */
	CHECK_EQ(g.c.bit, 9);
	gdone(&g);
	GOPEN(g, 0x80, 0x00, 0x00, 0x00, 0x00);
	mg_cur_bit(&g.c);
	mg_per_skip_bits_string(&g.c, 32, 32, false); /* > 16 bits: aligned */
	CHECK_EQ(g.c.bit, 40);
	CHECK(!g.c.err);
	gdone(&g);
	GOPEN(g, 0x00, 0x0F, 0xFF, 0xFF); /* SIZE(1..65535): 2-octet length, 16 bits */
	mg_per_skip_bits_string(&g.c, 1, 65535, false);
	CHECK_EQ(g.c.bit, 32);
	CHECK(!g.c.err);
	gdone(&g);
	GOPEN(g, 0x00, 0x10, 0xFF); /* 17 bits announced, 8 present */
	mg_per_skip_bits_string(&g.c, 1, 65535, false);
	CHECK(g.c.err);
	gdone(&g);
}

TEST(per_skip_char_strings)
{
	struct gbuf g;
	GOPEN(g, 0x82, 'a', 'b', 'c'); /* 1 bit, IA5String (SIZE(1..128)) length 3 */
	mg_cur_bit(&g.c);
	mg_per_skip_chars(&g.c, 1, 128, false, 8);
	CHECK_EQ(g.c.bit, 32);
	CHECK(!g.c.err);
	gdone(&g);
	GOPEN(g, 0x80);
	mg_cur_bit(&g.c);
	mg_per_skip_chars(&g.c, 1, 1, false, 4); /* one 4-bit character: bit-field */
	CHECK_EQ(g.c.bit, 5);
	gdone(&g);
	GOPEN(g, 0x04, 0, 'a', 0, 'b', 0, 'c'); /* BMPString (SIZE(1..128)) length 3 */
	mg_per_skip_chars(&g.c, 1, 128, false, 16);
	CHECK_EQ(g.c.bit, 56);
	CHECK(!g.c.err);
	gdone(&g);
	GOPEN(g, 0x04, 0, 'a', 0, 'b'); /* same, one character missing */
	mg_per_skip_chars(&g.c, 1, 128, false, 16);
	CHECK(g.c.err);
	gdone(&g);
	GOPEN(g, 0x03, 'x', 'y', 'z'); /* unconstrained */
	mg_per_skip_chars(&g.c, 0, 0, false, 8);
	CHECK_EQ(g.c.bit, 32);
	gdone(&g);
}

TEST(per_skip_oid)
{
	struct gbuf g;
	GOPEN(g, 0x03, 0x00, 0x08, 0x81, 0x55);
	mg_per_skip_oid(&g.c);
	CHECK_EQ(mg_cur_u8(&g.c), 0x55);
	CHECK(!g.c.err);
	gdone(&g);
	GOPEN(g, 0x06, 0x00);
	mg_per_skip_oid(&g.c);
	CHECK(g.c.err);
	gdone(&g);
}

TEST(per_seq_preamble)
{
	struct gbuf g;
	uint32_t opt;
	GOPEN(g, 0xA0, 0x00); /* ext 1, optional bits 01000000 00 */
	CHECK(mg_per_seq_preamble(&g.c, true, 10, &opt));
	CHECK_EQ(opt, 0x100);
	CHECK_EQ(g.c.bit, 11);
	gdone(&g);
	GOPEN(g, 0x00);
	mg_per_seq_preamble(&g.c, false, 33, &opt);
	CHECK(g.c.err);
	gdone(&g);
}

TEST(per_errors_are_sticky)
{
	struct gbuf g;
	GOPEN(g, 0xff, 0xff);
	mg_cur_bits(&g.c, 17);
	CHECK(g.c.err);
	CHECK_EQ(mg_per_length(&g.c), 0);
	CHECK_EQ(mg_per_constrained(&g.c, 0, 255), 0);
	CHECK_EQ(mg_cur_bits_left(&g.c), 0);
	gdone(&g);
}
