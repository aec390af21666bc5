/* test_per_enc.c - the aligned PER encoder, checked against the decoder in
 * asn1/per.c (round trips, edge values, odd bit offsets) and against a few
 * encodings worked out by hand from X.691. */
#include "harness.h"

#include "asn1/per.h"
#include "asn1/per_enc.h"

/* Encode with a leading run of `lead` one-bits so every primitive is also
 * tried at unaligned offsets. */
static void lead_bits(struct mg_penc *e, unsigned lead)
{
	for (unsigned i = 0; i < lead; i++)
		mg_penc_bits(e, 1, 1);
}

static void skip_lead(struct mg_cur *c, unsigned lead)
{
	for (unsigned i = 0; i < lead; i++)
		(void)mg_cur_bit(c);
}

TEST(per_enc_bits_and_align)
{
	uint8_t b[4];
	struct mg_penc e;
	mg_penc_init(&e, b, sizeof b);
	mg_penc_bits(&e, 5, 3); /* 101 */
	mg_penc_align(&e);
	mg_penc_bits(&e, 0xabc, 12);
	CHECK(!e.err);
	CHECK_EQ(mg_penc_len(&e), 3);
	CHECK_EQ(b[0], 0xa0);
	CHECK_EQ(b[1], 0xab);
	CHECK_EQ(b[2], 0xc0);
	mg_penc_bits(&e, 4, 2); /* value does not fit in 2 bits */
	CHECK(e.err);
}

TEST(per_enc_overflow_is_sticky)
{
	uint8_t b[2];
	struct mg_penc e;
	mg_penc_init(&e, b, sizeof b);
	mg_penc_bits(&e, 0xffff, 16);
	CHECK(!e.err);
	mg_penc_bits(&e, 1, 1);
	CHECK(e.err);
	mg_penc_init(&e, b, sizeof b);
	mg_penc_bits(&e, 1, 1);
	mg_penc_raw(&e, "x", 1); /* unaligned raw write */
	CHECK(e.err);
	mg_penc_bits(&e, 0, 1);
	CHECK(e.err);
}

TEST(per_enc_constrained_round_trip)
{
	static const struct { uint32_t lb, ub; } r[] = {
		{0, 0}, {0, 1}, {1, 2}, {0, 6}, {0, 254}, {5, 260}, {0, 255}, {1, 256},
		{0, 65535}, {1, 65535}, {0, 65536}, {0, 16777215}, {0, 0xffffffffu}, {100, 0xffffffffu},
	};
	for (unsigned k = 0; k < sizeof r / sizeof r[0]; k++) {
		uint32_t vals[5] = {r[k].lb, r[k].ub, r[k].lb + (r[k].ub - r[k].lb) / 2,
				    r[k].lb + (r[k].ub - r[k].lb) / 3, r[k].ub - (r[k].ub > r[k].lb)};
		for (unsigned lead = 0; lead < 9; lead++) {
			for (unsigned i = 0; i < 5; i++) {
				uint8_t b[16];
				struct mg_penc e;
				struct mg_cur c;
				mg_penc_init(&e, b, sizeof b);
				lead_bits(&e, lead);
				mg_penc_constrained(&e, vals[i], r[k].lb, r[k].ub);
				mg_penc_bits(&e, 0x5a, 8);
				CHECK(!e.err);
				mg_cur_init(&c, b, mg_penc_len(&e));
				skip_lead(&c, lead);
				CHECK_EQ(mg_per_constrained(&c, r[k].lb, r[k].ub), vals[i]);
				CHECK_EQ(mg_cur_bits(&c, 8), 0x5a);
				CHECK(!c.err);
			}
		}
	}
}

TEST(per_enc_constrained_refuses_out_of_range)
{
	uint8_t b[8];
	struct mg_penc e;
	mg_penc_init(&e, b, sizeof b);
	mg_penc_constrained(&e, 0, 1, 65535);
	CHECK(e.err);
	mg_penc_init(&e, b, sizeof b);
	mg_penc_constrained(&e, 256, 0, 255);
	CHECK(e.err);
}

TEST(per_enc_constrained_known_forms)
{
	uint8_t b[8];
	struct mg_penc e;
	/* 0..16777215 holding 0x1234: 2-bit octet count (1 = two octets), align, 12 34 */
	mg_penc_init(&e, b, sizeof b);
	mg_penc_constrained(&e, 0x1234, 0, 16777215);
	CHECK_EQ(mg_penc_len(&e), 3);
	CHECK_EQ(b[0], 0x40);
	CHECK_EQ(b[1], 0x12);
	CHECK_EQ(b[2], 0x34);
	/* 1..65535 = 1000: two aligned octets of 999 */
	mg_penc_init(&e, b, sizeof b);
	mg_penc_bits(&e, 1, 1);
	mg_penc_constrained(&e, 1000, 1, 65535);
	CHECK_EQ(mg_penc_len(&e), 3);
	CHECK_EQ(b[1], 0x03);
	CHECK_EQ(b[2], 0xe7);
}

TEST(per_enc_length_round_trip)
{
	static const uint32_t v[] = {0, 1, 127, 128, 255, 1000, 16383};
	for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
		uint8_t b[4];
		struct mg_penc e;
		struct mg_cur c;
		mg_penc_init(&e, b, sizeof b);
		mg_penc_bits(&e, 1, 3);
		mg_penc_length(&e, v[i]);
		CHECK(!e.err);
		CHECK_EQ(mg_penc_len(&e), v[i] < 128 ? 2 : 3);
		mg_cur_init(&c, b, mg_penc_len(&e));
		mg_cur_bits(&c, 3);
		CHECK_EQ(mg_per_length(&c), v[i]);
		CHECK(!c.err);
	}
	uint8_t b[4];
	struct mg_penc e;
	mg_penc_init(&e, b, sizeof b);
	mg_penc_length(&e, 16384); /* fragmented form refused */
	CHECK(e.err);
}

TEST(per_enc_small_and_semi_round_trip)
{
	static const uint32_t v[] = {0, 1, 63, 64, 255, 256, 65536, 0xffffffffu};
	for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
		for (unsigned lead = 0; lead < 8; lead += 3) {
			uint8_t b[16];
			struct mg_penc e;
			struct mg_cur c;
			mg_penc_init(&e, b, sizeof b);
			lead_bits(&e, lead);
			mg_penc_small(&e, v[i]);
			mg_penc_uint_semi(&e, v[i], 0);
			CHECK(!e.err);
			mg_cur_init(&c, b, mg_penc_len(&e));
			skip_lead(&c, lead);
			CHECK_EQ(mg_per_small(&c), v[i]);
			CHECK_EQ(mg_per_uint_semi(&c, 0), v[i]);
			CHECK(!c.err);
			CHECK_EQ(mg_cur_bits_left(&c), 0);
		}
	}
	uint8_t b[4];
	struct mg_penc e;
	mg_penc_init(&e, b, sizeof b);
	mg_penc_small(&e, 5);
	CHECK_EQ(b[0], 0x0a); /* 0 000101 */
}

TEST(per_enc_preamble_round_trip)
{
	uint8_t b[8];
	struct mg_penc e;
	struct mg_cur c;
	uint32_t opt;
	mg_penc_init(&e, b, sizeof b);
	mg_penc_seq_preamble(&e, true, true, 7, 0x29);
	mg_penc_seq_preamble(&e, false, false, 32, 0x80000001u);
	mg_penc_seq_preamble(&e, true, false, 0, 0);
	CHECK(!e.err);
	mg_cur_init(&c, b, mg_penc_len(&e));
	CHECK(mg_per_seq_preamble(&c, true, 7, &opt));
	CHECK_EQ(opt, 0x29);
	CHECK(!mg_per_seq_preamble(&c, false, 32, &opt));
	CHECK_EQ(opt, 0x80000001u);
	CHECK(!mg_per_seq_preamble(&c, true, 0, &opt));
	CHECK(!c.err);
	mg_penc_init(&e, b, sizeof b);
	mg_penc_seq_preamble(&e, false, true, 0, 0); /* ext bit on a closed type */
	CHECK(e.err);
}

/* Extension bitmaps of every length up to 64 (incl. exactly 32) starting at
 * every bit offset, each followed by open types for the set bits. */
TEST(per_enc_ext_bitmap_round_trip)
{
	for (unsigned n = 1; n <= 64; n++) {
		for (unsigned lead = 0; lead < 8; lead++) {
			uint8_t bits[64], got[MG_PER_MAX_EXT_BITS], b[512];
			struct mg_penc e;
			struct mg_cur c;
			for (unsigned i = 0; i < n; i++)
				bits[i] = (uint8_t)(((i * 7 + n + lead) % 3) == 0 || i == n - 1);
			mg_penc_init(&e, b, sizeof b);
			lead_bits(&e, lead);
			mg_penc_ext_bitmap(&e, bits, n);
			for (unsigned i = 0; i < n; i++) {
				uint8_t v = (uint8_t)i;
				if (bits[i])
					mg_penc_open_type(&e, &v, 1);
			}
			CHECK(!e.err);
			mg_cur_init(&c, b, mg_penc_len(&e));
			skip_lead(&c, lead);
			CHECK_EQ(mg_per_ext_bitmap(&c, got), n);
			for (unsigned i = 0; i < n; i++) {
				CHECK_EQ(got[i], bits[i]);
				if (!bits[i])
					continue;
				struct mg_cur sub;
				CHECK(mg_per_open_type(&c, &sub));
				CHECK_EQ(sub.len, 1);
				CHECK_EQ(sub.buf[0], i);
			}
			CHECK(!c.err);
			CHECK_EQ(mg_cur_bits_left(&c), 0);
		}
	}
}

TEST(per_enc_ext_bitmap_32_at_odd_offset_exact_bits)
{
	uint8_t bits[32], b[16];
	struct mg_penc e;
	for (unsigned i = 0; i < 32; i++)
		bits[i] = (uint8_t)(i & 1);
	mg_penc_init(&e, b, sizeof b);
	mg_penc_bits(&e, 1, 1); /* odd offset */
	mg_penc_ext_bitmap(&e, bits, 32);
	CHECK(!e.err);
	CHECK_EQ(e.bit, 1 + 7 + 32);
	/* 1, then 0 011111 (n-1 = 31), then 0101... */
	CHECK_EQ(b[0], 0x9f);
	CHECK_EQ(b[1], 0x55);
	CHECK_EQ(b[4], 0x55);
}

TEST(per_enc_open_type_empty_and_sub)
{
	uint8_t b[16], inner[8];
	struct mg_penc e, sub;
	struct mg_cur c, s;
	mg_penc_init(&e, b, sizeof b);
	mg_penc_open_type(&e, NULL, 0); /* empty inner encoding: one 0 octet */
	mg_penc_init(&sub, inner, sizeof inner);
	mg_penc_bits(&sub, 3, 2);
	mg_penc_open_sub(&e, &sub);
	CHECK(!e.err);
	CHECK_EQ(mg_penc_len(&e), 4);
	mg_cur_init(&c, b, 4);
	CHECK(mg_per_open_type(&c, &s));
	CHECK_EQ(s.len, 1);
	CHECK_EQ(s.buf[0], 0);
	CHECK(mg_per_open_type(&c, &s));
	CHECK_EQ(s.len, 1);
	CHECK_EQ(s.buf[0], 0xc0);
	/* an inner writer that failed poisons the outer one */
	sub.err = true;
	mg_penc_open_sub(&e, &sub);
	CHECK(e.err);
}

TEST(per_enc_choice_round_trip)
{
	static const struct { uint32_t idx, nroot; bool ext; } v[] = {
		{0, 1, false}, {0, 2, false}, {6, 7, false}, {3, 14, false}, {18, 19, false},
		{0, 7, true}, {5, 7, true}, {64, 3, true}, {200, 3, true},
	};
	for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
		for (unsigned lead = 0; lead < 8; lead += 5) {
			uint8_t b[8];
			struct mg_penc e;
			struct mg_cur c;
			bool ext;
			mg_penc_init(&e, b, sizeof b);
			lead_bits(&e, lead);
			mg_penc_choice(&e, v[i].idx, v[i].nroot, true, v[i].ext);
			mg_penc_enum(&e, v[i].ext ? 0 : v[i].idx, v[i].nroot, false, false);
			CHECK(!e.err);
			mg_cur_init(&c, b, mg_penc_len(&e));
			skip_lead(&c, lead);
			CHECK_EQ(mg_per_choice(&c, v[i].nroot, true, &ext), v[i].idx);
			CHECK_EQ(ext, v[i].ext);
			CHECK_EQ(mg_per_enum(&c, v[i].nroot, false, &ext), v[i].ext ? 0 : v[i].idx);
			CHECK(!c.err);
		}
	}
	uint8_t b[4];
	struct mg_penc e;
	mg_penc_init(&e, b, sizeof b);
	mg_penc_choice(&e, 7, 7, true, false);
	CHECK(e.err);
	mg_penc_init(&e, b, sizeof b);
	mg_penc_choice(&e, 0, 7, false, true);
	CHECK(e.err);
}

TEST(per_enc_size_round_trip)
{
	static const struct { uint32_t n, lb, ub; bool ext; } v[] = {
		{1, 1, 256, false}, {256, 1, 256, false}, {4, 4, 4, false}, {0, 0, 0, false},
		{300, 0, 0, false}, {5, 1, 10, true}, {11, 1, 10, true}, {70000 - 69990, 0, 65536, false},
	};
	for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
		uint8_t b[8];
		struct mg_penc e;
		struct mg_cur c;
		mg_penc_init(&e, b, sizeof b);
		mg_penc_bits(&e, 0, 5);
		mg_penc_size(&e, v[i].n, v[i].lb, v[i].ub, v[i].ext);
		CHECK(!e.err);
		mg_cur_init(&c, b, mg_penc_len(&e));
		mg_cur_bits(&c, 5);
		CHECK_EQ(mg_per_size(&c, v[i].lb, v[i].ub, v[i].ext), v[i].n);
		CHECK(!c.err);
	}
	uint8_t b[8];
	struct mg_penc e;
	mg_penc_init(&e, b, sizeof b);
	mg_penc_size(&e, 11, 1, 10, false); /* outside a closed constraint */
	CHECK(e.err);
}

TEST(per_enc_octets_round_trip)
{
	static const uint8_t data[20] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
	static const struct { uint32_t n, lb, ub; bool ext; } v[] = {
		{4, 4, 4, false}, {16, 16, 16, false}, {3, 0, 0, false}, {20, 1, 20, false},
		{1, 1, 20, false}, {6, 1, 4, true}, {10, 0, 65535, false},
	};
	for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
		for (unsigned lead = 0; lead < 8; lead += 3) {
			uint8_t b[64];
			struct mg_penc e;
			struct mg_cur c;
			uint32_t n;
			mg_penc_init(&e, b, sizeof b);
			lead_bits(&e, lead);
			mg_penc_octets(&e, data, v[i].n, v[i].lb, v[i].ub, v[i].ext);
			CHECK(!e.err);
			mg_cur_init(&c, b, mg_penc_len(&e));
			skip_lead(&c, lead);
			const uint8_t *p = mg_per_octets(&c, v[i].lb, v[i].ub, v[i].ext, &n);
			CHECK(p != NULL);
			CHECK_EQ(n, v[i].n);
			CHECK(memcmp(p, data, n) == 0);
		}
	}
	/* fixed size 2: not aligned, no length */
	uint8_t b[8];
	struct mg_penc e;
	mg_penc_init(&e, b, sizeof b);
	mg_penc_bits(&e, 1, 1);
	mg_penc_octets(&e, "\xab\xcd", 2, 2, 2, false);
	CHECK_EQ(e.bit, 17);
	CHECK_EQ(b[0], 0xd5);
	CHECK_EQ(b[1], 0xe6);
	CHECK_EQ(b[2], 0x80);
}

TEST(per_enc_strings_skip_exactly)
{
	uint8_t b[128];
	struct mg_penc e;
	struct mg_cur c;
	mg_penc_init(&e, b, sizeof b);
	mg_penc_bits(&e, 1, 1);
	mg_penc_bmp(&e, "meetcall", 1, 256, false);
	mg_penc_bits(&e, 0, 3);
	mg_penc_ia5(&e, "abc", 1, 64, false);
	mg_penc_bits(&e, 0, 1);
	mg_penc_chars(&e, "0119#*", 1, 128, false, "#*,0123456789", 4);
	mg_penc_bits(&e, 0x3c, 6);
	CHECK(!e.err);
	mg_cur_init(&c, b, mg_penc_len(&e));
	mg_cur_bit(&c);
	mg_per_skip_chars(&c, 1, 256, false, 16);
	mg_cur_bits(&c, 3);
	mg_per_skip_chars(&c, 1, 64, false, 8);
	mg_cur_bit(&c);
	size_t digits_at = c.bit;
	mg_per_skip_chars(&c, 1, 128, false, 4);
	CHECK_EQ(mg_cur_bits(&c, 6), 0x3c);
	CHECK(!c.err);
	/* the digits: 7-bit length 5 (n-1), align, then indexes 3 4 4 12 0 1 */
	mg_cur_init(&c, b, mg_penc_len(&e));
	c.bit = digits_at;
	CHECK_EQ(mg_cur_bits(&c, 7), 5);
	mg_cur_align(&c);
	CHECK_EQ(mg_cur_u8(&c), 0x34);
	CHECK_EQ(mg_cur_u8(&c), 0x4c);
	CHECK_EQ(mg_cur_u8(&c), 0x01);
	/* the BMP string: align, length-1 octet, then UCS-2 */
	CHECK_EQ(b[1], 7);
	CHECK_EQ(b[2], 0);
	CHECK_EQ(b[3], 'm');
	/* out-of-alphabet and out-of-size strings refused */
	mg_penc_init(&e, b, sizeof b);
	mg_penc_chars(&e, "12a", 1, 128, false, "#*,0123456789", 4);
	CHECK(e.err);
	mg_penc_init(&e, b, sizeof b);
	mg_penc_bmp(&e, "", 1, 256, false);
	CHECK(e.err);
}

TEST(per_enc_oid)
{
	static const uint32_t h225[] = {0, 0, 8, 2250, 0, 4};
	static const uint8_t want[] = {0x06, 0x00, 0x08, 0x91, 0x4a, 0x00, 0x04};
	uint8_t b[16];
	struct mg_penc e;
	struct mg_cur c;
	mg_penc_init(&e, b, sizeof b);
	mg_penc_oid(&e, h225, 6);
	mg_penc_bits(&e, 1, 1);
	CHECK(!e.err);
	CHECK(memcmp(b, want, sizeof want) == 0);
	mg_cur_init(&c, b, mg_penc_len(&e));
	mg_per_skip_oid(&c);
	CHECK(mg_cur_bit(&c));
	CHECK(!c.err);
	static const uint32_t bad[] = {1, 40};
	mg_penc_init(&e, b, sizeof b);
	mg_penc_oid(&e, bad, 2);
	CHECK(e.err);
}
