/* expect.h - pinholes: flows an ALG has negotiated and the firewall must
 * admit.
 *
 * A pinhole says: a new <proto> flow arriving on <side>, addressed to
 * dst_addr:dst_port, from `remote` (0 = any address) and any source port, is
 * admitted and sent on to to_addr:to_port.  It is not one-shot: it admits
 * every matching flow (an endpoint that restarts a channel on a new source
 * port keeps its media) until its owner closes it or it expires.  An owned
 * pinhole that has admitted a flow no longer expires: its owner closes it.  A pinhole
 * may hold a NAT binding reference (the public port it advertises) and may
 * ask that flows it admits run an ALG hook.
 */
#ifndef MG_EXPECT_H
#define MG_EXPECT_H

#include <stdint.h>

#include "core/wheel.h"
#include "util/siphash.h"

struct mg_expect {
	uint32_t remote;           /* admitted source, network order; 0 = any */
	uint32_t dst_addr;         /* arrival destination */
	uint32_t to_addr;          /* forwarded to (== dst for no DNAT) */
	uint16_t dst_port, to_port;
	uint8_t proto, side, alg, used;
	uint32_t bind;             /* NAT binding held, MG_NIL if none */
	uint32_t owner;            /* owner handle, 0 = none */
	uint32_t alg_ctx;          /* passed to flows it admits */
	uint32_t hnext, onext;     /* hash chains: by destination, by owner */
	struct mg_tnode tn;
	uint64_t hits;
	const char *what;          /* static label for reports */
};

struct mg_expect_tab {
	struct mg_expect *x;
	uint32_t cap, used, free_head;
	uint32_t *bucket, *obucket;
	uint32_t mask;
	struct mg_sipkey key;
	struct mg_wheel wheel;
};

int mg_expect_init(struct mg_expect_tab *t, uint32_t cap, const struct mg_sipkey *key, uint64_t now);
void mg_expect_free(struct mg_expect_tab *t);

/* Add a pinhole described by *spec (its hnext/onext/tn/used/hits are
 * ignored), expiring at `expire` (UINT64_MAX: until closed).  An identical
 * pinhole of the same owner is refreshed (its deadline only ever extended)
 * instead of duplicated (and the
 * spec's binding reference is then not needed: *dup is set so the caller
 * can release it).  MG_NIL when the table is full. */
uint32_t mg_expect_add(struct mg_expect_tab *t, const struct mg_expect *spec, uint64_t expire,
		       int *dup);

/* The pinhole admitting a new flow, or MG_NIL. */
uint32_t mg_expect_match(const struct mg_expect_tab *t, uint8_t proto, uint8_t side, uint32_t src,
			 uint32_t dst, uint16_t dport);

/* Unhash and free one pinhole; returns its binding (MG_NIL if none) for the
 * caller to release. */
uint32_t mg_expect_del(struct mg_expect_tab *t, uint32_t idx);

/* Indexes of the pinholes of an owner: calls fn for each (fn may delete). */
void mg_expect_foreach_owner(struct mg_expect_tab *t, uint32_t owner,
			     void (*fn)(void *ctx, uint32_t idx), void *ctx);

#endif
