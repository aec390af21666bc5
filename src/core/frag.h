/* frag.h - fragment tracking by fragment id.
 *
 * meetgate does not reassemble.  The first fragment carries the L4 header,
 * goes through policy like any packet and records (addresses, protocol, id)
 * -> (flow, direction).  Later fragments are admitted only through such a
 * record and get the same address translation; without one they are
 * dropped (MG_R_FRAG_NO_FIRST), so no fragment ever bypasses policy.
 *
 * Records come from a pool of `max frags` entries.  A record ends when its
 * datagram is complete (every byte up to the end the last fragment gives
 * was seen; up to MG_FRAG_PIECES pieces may arrive out of order), when it
 * expires (`timeout frag`), or when it is evicted to make room:
 *   - a source address holds at most `max frags-per-source` incomplete
 *     datagrams; one more evicts that source's oldest
 *     (MG_R_FRAG_SOURCE_LIMIT);
 *   - a full table evicts its oldest incomplete datagram
 *     (MG_R_FRAG_TABLE_FULL).
 * Either way the new datagram is recorded.  A flood of first fragments that
 * never complete thus pushes out its own source's records first and
 * otherwise only the oldest records of the table, while a datagram whose
 * fragments follow each other closely passes; later fragments of an evicted
 * datagram are dropped as MG_R_FRAG_NO_FIRST.  No allocation after init.
 */
#ifndef MG_FRAG_H
#define MG_FRAG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/pkt.h"
#include "core/reason.h"
#include "util/siphash.h"

#define MG_FRAG_PIECES 4 /* fragments ahead of a hole remembered per datagram */

struct mg_frag_ent {
	union mg_addr src, dst;
	uint32_t id;
	uint8_t proto, family, dir, used;
	uint8_t last_seen; /* the fragment without "more fragments" arrived */
	uint8_t npieces;
	uint32_t flow;
	uint64_t flow_created; /* detects a flow slot reused since */
	uint64_t expire;
	uint32_t have;  /* datagram bytes [0, have) all seen */
	uint32_t total; /* datagram length, once last_seen */
	struct {
		uint32_t lo, hi;
	} piece[MG_FRAG_PIECES]; /* seen beyond a hole: [lo, hi) */
	uint32_t hnext;        /* hash chain */
	uint32_t prev, next;   /* the table's list, oldest first */
	uint32_t sprev, snext; /* the source's list, oldest first */
	uint32_t src_rec;      /* its source record */
};

struct mg_frag_src {
	union mg_addr a;
	uint8_t family, used;
	uint32_t n;          /* incomplete datagrams of this source */
	uint32_t head, tail; /* its records, oldest first */
	uint32_t hnext;
};

struct mg_frag_tab {
	struct mg_frag_ent *e;
	struct mg_frag_src *s;
	uint32_t cap, used;
	uint32_t free_head, sfree_head;
	uint32_t *bucket, *sbucket;
	uint32_t mask;
	uint32_t head, tail; /* all records, oldest first */
	struct mg_sipkey key;
};

/* What a later fragment takes from its datagram's record. */
struct mg_frag_hit {
	uint32_t flow;
	uint64_t flow_created;
	uint8_t dir;
};

int mg_frag_init(struct mg_frag_tab *t, uint32_t cap, const struct mg_sipkey *key);
void mg_frag_free(struct mg_frag_tab *t);
/* Record the first fragment of a datagram (a repeated first fragment
 * refreshes its record).  per_src caps the incomplete datagrams of one
 * source address.  Returns MG_R_NONE, or the event that made room:
 * MG_R_FRAG_SOURCE_LIMIT or MG_R_FRAG_TABLE_FULL (an older record was
 * evicted; the new one is recorded in every case). */
enum mg_reason mg_frag_note(struct mg_frag_tab *t, const struct mg_pkt *p, uint32_t flow,
			    uint64_t created, int dir, uint64_t expire, uint64_t now, uint32_t per_src);
/* A later fragment: fill *hit from the record of its datagram and count its
 * bytes (the record ends when they complete the datagram).  false when there
 * is no live record. */
bool mg_frag_later(struct mg_frag_tab *t, const struct mg_pkt *p, uint64_t now,
		   struct mg_frag_hit *hit);
/* Records in use (incomplete datagrams, expired ones not yet swept). */
uint32_t mg_frag_active(const struct mg_frag_tab *t);
/* Incomplete datagrams recorded for one source address. */
uint32_t mg_frag_source_count(const struct mg_frag_tab *t, uint8_t family, const union mg_addr *a);

#endif
