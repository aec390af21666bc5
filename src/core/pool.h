/* pool.h - the dynamic public address pool (RFC 3022 basic NAT beside NAPT).
 *
 * `pool` lines name outside addresses of the gateway that NAPT never hands
 * out.  An inside host that the directory says should be reachable on an
 * address of its own (an `alias ... pool` entry, an ILS registration) takes
 * a reference on one; every later reference of the same host counts on the
 * same address, and the last release puts the address back.  Free
 * addresses are handed out oldest-freed first, so an address that just
 * left one host goes to another only when nothing else is free.
 *
 * Fixed capacity (MG_CFG_MAX_POOL), no allocation at all; lookups walk the
 * table, which is small.
 */
#ifndef MG_POOL_H
#define MG_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"

struct mg_pool_slot {
	uint32_t pub;  /* the pool address, network order */
	uint32_t host; /* inside address holding it, 0 = free */
	uint32_t refs; /* references of that host */
	uint32_t next; /* free list (slot index, MG_POOL_END) */
};

#define MG_POOL_END UINT32_MAX

struct mg_pool {
	struct mg_pool_slot s[MG_CFG_MAX_POOL];
	uint32_t n;                    /* configured addresses */
	uint32_t in_use;               /* addresses held by a host */
	uint32_t free_head, free_tail; /* oldest freed first */
	/* counters for `show stats` */
	uint64_t assigned;  /* an address given to a host */
	uint64_t released;  /* an address back in the pool */
	uint64_t exhausted; /* a request that found none free (a host may ask again) */
};

/* Load the pool addresses (at most MG_CFG_MAX_POOL; the rest ignored);
 * all free. */
void mg_pool_init(struct mg_pool *p, const uint32_t *addrs, uint32_t n);
void mg_pool_free(struct mg_pool *p);

/* Take a reference for inside host `host`: its address if it holds one,
 * else the oldest free address.  Returns the pool address, or 0 when the
 * pool is empty or has no address at all (counted as exhausted only when
 * the pool has addresses). */
uint32_t mg_pool_take(struct mg_pool *p, uint32_t host);
/* Drop one reference of `host`; true when that was its last and its
 * address went back to the pool.  A host holding nothing: false. */
bool mg_pool_release(struct mg_pool *p, uint32_t host);

/* The pool address `host` holds, or 0. */
uint32_t mg_pool_of(const struct mg_pool *p, uint32_t host);
/* The inside host holding pool address `pub`, or 0 (free, or not a pool
 * address). */
uint32_t mg_pool_host(const struct mg_pool *p, uint32_t pub);
/* References `host` holds (0 when none). */
uint32_t mg_pool_refs(const struct mg_pool *p, uint32_t host);

#endif
