/* siphash.c - SipHash-2-4 and splitmix64 (see siphash.h).
 *
 * SipHash reads the message as little-endian 64-bit words whatever the host
 * byte order, so hashes (and therefore table layouts and replay output) are
 * the same on every machine for the same key.
 */
#include "util/siphash.h"

#define MG_ROTL64(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static inline uint64_t sip_le64(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	       (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	       (uint64_t)p[7] << 56;
}

struct sip_state {
	uint64_t v0, v1, v2, v3;
};

static inline void sip_round(struct sip_state *s)
{
	s->v0 += s->v1;
	s->v1 = MG_ROTL64(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = MG_ROTL64(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = MG_ROTL64(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = MG_ROTL64(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = MG_ROTL64(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = MG_ROTL64(s->v2, 32);
}

/* Two compression rounds per message word. */
static inline void sip_compress(struct sip_state *s, uint64_t m)
{
	s->v3 ^= m;
	sip_round(s);
	sip_round(s);
	s->v0 ^= m;
}

uint64_t mg_siphash(const struct mg_sipkey *key, const void *data, size_t len)
{
	const uint8_t *in = data;
	/* The initial constants spell "somepseudorandomlygeneratedbytes". */
	struct sip_state s = {
		key->k0 ^ UINT64_C(0x736f6d6570736575),
		key->k1 ^ UINT64_C(0x646f72616e646f6d),
		key->k0 ^ UINT64_C(0x6c7967656e657261),
		key->k1 ^ UINT64_C(0x7465646279746573),
	};
	size_t left = len;
	while (left >= 8) {
		sip_compress(&s, sip_le64(in));
		in += 8;
		left -= 8;
	}
	/* Last word: the remaining 0..7 bytes, and the length (mod 256) in the
	 * top byte. */
	uint64_t last = (uint64_t)(len & 0xff) << 56;
	for (size_t i = 0; i < left; i++)
		last |= (uint64_t)in[i] << (8 * i);
	sip_compress(&s, last);

	s.v2 ^= 0xff;
	for (int i = 0; i < 4; i++)
		sip_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

uint64_t mg_rand_next(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}
