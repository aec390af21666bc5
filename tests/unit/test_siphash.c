/* test_siphash.c - SipHash-2-4 against the published vectors (key 00..0f,
 * message 00 01 .. of each length, output read as a little-endian word) and
 * splitmix64 against its known first outputs. */
#include "harness.h"

#include "util/siphash.h"

static const struct mg_sipkey ref_key = {UINT64_C(0x0706050403020100), UINT64_C(0x0f0e0d0c0b0a0908)};

static const uint64_t ref_vec[17] = {
	UINT64_C(0x726fdb47dd0e0e31), UINT64_C(0x74f839c593dc67fd), UINT64_C(0x0d6c8009d9a94f5a),
	UINT64_C(0x85676696d7fb7e2d), UINT64_C(0xcf2794e0277187b7), UINT64_C(0x18765564cd99a68d),
	UINT64_C(0xcbc9466e58fee3ce), UINT64_C(0xab0200f58b01d137), UINT64_C(0x93f5f5799a932462),
	UINT64_C(0x9e0082df0ba9e4b0), UINT64_C(0x7a5dbbc594ddb9f3), UINT64_C(0xf4b32f46226bada7),
	UINT64_C(0x751e8fbc860ee5fb), UINT64_C(0x14ea5627c0843d90), UINT64_C(0xf723ca908e7af2ee),
	UINT64_C(0xa129ca6149be45e5), UINT64_C(0x3f2acc7f57c29bdb),
};

static void fill_seq(uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)i;
}

TEST(siphash_reference_vectors_0_to_16)
{
	uint8_t msg[17];
	fill_seq(msg, sizeof(msg));
	for (size_t n = 0; n <= 16; n++) {
		/* Guarded: a read past the message faults. */
		uint8_t *g = t_guarded(msg, n);
		uint64_t h = mg_siphash(&ref_key, g, n);
		t_guarded_free(g, n);
		CHECK_EQ(h, ref_vec[n]);
	}
}

TEST(siphash_reference_vector_63)
{
	uint8_t msg[63];
	fill_seq(msg, sizeof(msg));
	CHECK_EQ(mg_siphash(&ref_key, msg, 63), UINT64_C(0x958a324ceb064572));
}

/* Lengths past 255 fold the length mod 256 into the last word. */
TEST(siphash_long_messages)
{
	uint8_t msg[300];
	fill_seq(msg, sizeof(msg));
	CHECK_EQ(mg_siphash(&ref_key, msg, 200), UINT64_C(0x10849fe512591651));
	CHECK_EQ(mg_siphash(&ref_key, msg, 300), UINT64_C(0x4b0b710db6117839));
}

TEST(siphash_key_and_alignment_matter)
{
	uint8_t buf[40];
	fill_seq(buf, sizeof(buf));
	struct mg_sipkey k2 = ref_key;
	k2.k1 ^= 1;
	CHECK(mg_siphash(&ref_key, buf, 15) != mg_siphash(&k2, buf, 15));
	/* Same bytes at an odd address hash the same. */
	uint8_t copy[41];
	memcpy(copy + 1, buf, 15);
	CHECK_EQ(mg_siphash(&ref_key, copy + 1, 15), ref_vec[15]);
}

TEST(splitmix64_known_outputs)
{
	uint64_t s = 0;
	CHECK_EQ(mg_rand_next(&s), UINT64_C(0xe220a8397b1dcdaf));
	CHECK_EQ(mg_rand_next(&s), UINT64_C(0x6e789e6aa1b965f4));
	CHECK_EQ(mg_rand_next(&s), UINT64_C(0x06c45d188009454f));
	CHECK_EQ(s, UINT64_C(0x9e3779b97f4a7c15) * 3);
}
