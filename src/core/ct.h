/* ct.h - the flow table: one entry per connection, found from either
 * direction.
 *
 * k[0] is the tuple of the originating direction as it arrives at the
 * gateway, k[1] the tuple replies arrive with (after NAT).  NAT needs no
 * other state: a packet matching k[0] leaves with src = k[1].dst and
 * dst = k[1].src; one matching k[1] leaves with src = k[0].dst and
 * dst = k[0].src.  Both tuples hang in one keyed hash (SipHash) so an
 * attacker cannot aim packets at one bucket.  Entries come from a pool
 * sized at creation; a full table refuses new flows and leaves the
 * existing ones alone.
 */
#ifndef MG_CT_H
#define MG_CT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/ct_tcp.h"
#include "core/pkt.h"
#include "core/wheel.h"
#include "util/siphash.h"

#define MG_FLOW_USED 0x01
#define MG_FLOW_SNAT 0x02 /* source translated (bind_src holds a binding) */
#define MG_FLOW_DNAT 0x04 /* destination translated */
#define MG_FLOW_EMBRYO 0x08 /* a TCP handshake not completed: on the embryonic list */
#define MG_FLOW_JOINING 0x10 /* a routed call's inside leg opening (core/inroute.h) */

struct mg_flow {
	struct mg_tuple k[2];
	uint32_t hnext[2];     /* hash chains; entries encode (index << 1 | dir) */
	struct mg_tnode tn;    /* idle timer */
	struct mg_tcp tcp;
	uint64_t pkts[2], bytes[2];
	uint64_t created, last;
	uint32_t bind;         /* NAT binding held by this flow, MG_NIL if none */
	uint32_t alg_ctx;      /* ALG state (call), MG_NIL if none */
	uint32_t eprev, enext; /* embryonic list, oldest first */
	uint32_t seqadj;       /* sequence-adjust table (seqadj_pool.h), MG_NIL if none */
	uint8_t alg;           /* enum mg_alg_id */
	uint8_t orig_side;
	uint8_t flags;
	uint8_t alg_flags;     /* owned by the flow's ALG */
};

struct mg_ct {
	struct mg_flow *flow;
	uint32_t cap, used;
	uint32_t free_head;
	uint32_t *bucket;
	uint32_t mask;
	struct mg_sipkey key;
	struct mg_wheel wheel;
	/* TCP flows whose handshake has not completed, oldest first: SYN
	 * floods fill this list, not the table (early drop takes its head) */
	uint32_t emb_head, emb_tail, emb_n;
};

int mg_ct_init(struct mg_ct *ct, uint32_t cap, const struct mg_sipkey *key, uint64_t now);
void mg_ct_free(struct mg_ct *ct);

/* Find the flow a tuple belongs to: returns its index and sets *dir, or
 * MG_NIL. */
uint32_t mg_ct_lookup(const struct mg_ct *ct, const struct mg_tuple *t, int *dir);

/* Take a free entry, fill both keys and hash them in.  MG_NIL if full. */
uint32_t mg_ct_insert(struct mg_ct *ct, const struct mg_tuple *orig, const struct mg_tuple *reply,
		      uint64_t now);

/* Unhash and return to the pool (the caller released what the flow held). */
void mg_ct_remove(struct mg_ct *ct, uint32_t idx);

/* Put a flow on the embryonic list (at the tail) or take it off. */
void mg_ct_embryo_set(struct mg_ct *ct, uint32_t idx, bool embryonic);

/* Put `t` reversed (src<->dst, sport<->dport) into `out`. */
void mg_tuple_reverse(struct mg_tuple *out, const struct mg_tuple *t);

#endif
