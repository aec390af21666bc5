/* nat.h - NAT bindings: inside endpoint (proto, address, port) <-> public
 * endpoint.
 *
 * Mapping is endpoint-independent (RFC 4787 REQ-1, RFC 5382 REQ-1): every
 * flow from one inside endpoint, whatever its destination, uses the same
 * binding.  An inside host always gets the same public address ("paired"
 * pooling, REQ-2).  Ports are preserved when free, parity is kept, and
 * RTP/RTCP pairs are allocated together (nat_port.h).  A binding lives while
 * anything references it (flows, pinholes); the last reference frees it.
 */
#ifndef MG_NAT_H
#define MG_NAT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "core/nat_port.h"
#include "core/pool.h"
#include "core/reason.h"
#include "util/siphash.h"

#define MG_BIND_ADVERTISED 0x01 /* announced by an ALG in signalling */
#define MG_BIND_TRAFFIC 0x02    /* a packet of the inside endpoint used it */

struct mg_binding {
	uint32_t in_addr, pub_addr; /* network order */
	uint16_t in_port, pub_port;
	uint8_t proto;
	uint8_t flags;
	uint8_t used;
	uint8_t pad;
	uint32_t refs;
	uint32_t next_in, next_pub; /* hash chains */
	uint64_t created;
};

struct mg_nat {
	struct mg_binding *b;
	uint32_t cap, used, free_head;
	uint64_t created, freed;
	uint32_t *bucket_in, *bucket_pub;
	uint32_t mask;
	struct mg_sipkey key;
	struct mg_portmap *maps; /* [n_addr][3]: tcp, udp, icmp */
	/* the public addresses (pub[0..n_pub), NAPT's), then the pool's
	 * (pub[n_pub..n_addr), each lent whole to one host) */
	uint32_t pub[MG_CFG_MAX_PUBLIC + MG_CFG_MAX_POOL];
	unsigned n_pub, n_addr;
	const struct mg_pool *pool; /* optional: who holds which pool address */
	uint16_t lo, hi;
	/* hosts reached through a static forward on one public address speak
	 * from that address (home_in[k] -> home_pub[k]) */
	uint32_t home_in[MG_CFG_MAX_FORWARD], home_pub[MG_CFG_MAX_FORWARD];
	unsigned n_home;
	uint64_t *rng;
	void (*on_new)(void *ctx, const struct mg_binding *b); /* optional */
	void *on_new_ctx;
	void (*on_free)(void *ctx, const struct mg_binding *b); /* optional, before the slot goes */
	void *on_free_ctx;
};

int mg_nat_init(struct mg_nat *n, const struct mg_config *cfg, const struct mg_sipkey *key,
		uint64_t *rng);
void mg_nat_free(struct mg_nat *n);

/* (Re)read the static forwards: a host that a forward on one public
 * address reaches uses that address for all its bindings, so that a peer
 * sees one address per party.  Bindings that exist keep theirs. */
void mg_nat_set_forwards(struct mg_nat *n, const struct mg_config *cfg);

/* Public address of an inside host: its pool address while it holds one
 * (n->pool), else the one its first forward names, else a keyed hash over
 * the public addresses (0 if there is none).  A binding keeps the address
 * it was made with: bindings made before a host got its pool address stay
 * on the shared one, and those made while it held one stay on it after it
 * went back (their ports stay taken, so the next holder gets others). */
uint32_t mg_nat_public_for(const struct mg_nat *n, uint32_t in_addr);

/* Find or create the binding of an inside endpoint and take a reference.
 * On a pool address (basic NAT) the inside port is kept whenever it is free
 * there, whatever the `ports` range; only a port still held by a binding
 * of the address's previous holder makes it search (within the range).
 * want_pair (in_port even): bind in_port and in_port+1 to public p (even)
 * and p+1 together, taking one reference on EACH; the caller releases both.
 * Returns the index (of in_port) or MG_NIL with *why set. */
uint32_t mg_nat_bind(struct mg_nat *n, uint8_t proto, uint32_t in_addr, uint16_t in_port,
		     bool want_pair, uint64_t now, enum mg_reason *why);
uint32_t mg_nat_find_in(const struct mg_nat *n, uint8_t proto, uint32_t in_addr, uint16_t in_port);
uint32_t mg_nat_find_pub(const struct mg_nat *n, uint8_t proto, uint32_t pub_addr,
			 uint16_t pub_port);
void mg_nat_ref(struct mg_nat *n, uint32_t idx);
void mg_nat_unref(struct mg_nat *n, uint32_t idx);
/* Reserve a public port for a static forward (so it is never allocated). */
bool mg_nat_reserve(struct mg_nat *n, uint8_t proto, uint32_t pub_addr, uint16_t port);

#endif
