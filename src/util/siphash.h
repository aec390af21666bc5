/* siphash.h - SipHash-2-4 (Aumasson & Bernstein), keyed hash for every table
 * meetgate keeps, so that no attacker can choose colliding keys. */
#ifndef MG_SIPHASH_H
#define MG_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

struct mg_sipkey {
	uint64_t k0, k1;
};

uint64_t mg_siphash(const struct mg_sipkey *key, const void *data, size_t len);

/* Deterministic 64-bit generator (splitmix64) for seeds and port randomness. */
uint64_t mg_rand_next(uint64_t *state);

#endif
