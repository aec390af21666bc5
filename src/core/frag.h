/* frag.h - fragment tracking by fragment id.
 *
 * meetgate does not reassemble.  The first fragment carries the L4 header,
 * goes through policy like any packet and records (addresses, protocol, id)
 * -> (flow, direction).  Later fragments are admitted only through such a
 * record and get the same address translation; without one they are
 * dropped (MG_R_FRAG_NO_FIRST), so no fragment ever bypasses policy.
 * The table is direct-mapped with a bounded size and a per-entry deadline.
 */
#ifndef MG_FRAG_H
#define MG_FRAG_H

#include <stdint.h>

#include "core/pkt.h"
#include "util/siphash.h"

struct mg_frag_ent {
	union mg_addr src, dst;
	uint32_t id;
	uint8_t proto, family, dir, used;
	uint32_t flow;
	uint64_t flow_created; /* detects a flow slot reused since */
	uint64_t expire;
};

struct mg_frag_tab {
	struct mg_frag_ent *e;
	uint32_t mask;
	struct mg_sipkey key;
};

int mg_frag_init(struct mg_frag_tab *t, uint32_t cap, const struct mg_sipkey *key);
void mg_frag_free(struct mg_frag_tab *t);
/* Record the first fragment of a datagram.  0, or -1 when the slot is held
 * by another live datagram. */
int mg_frag_note(struct mg_frag_tab *t, const struct mg_pkt *p, uint32_t flow, uint64_t created,
		 int dir, uint64_t expire, uint64_t now);
/* Find the record of a later fragment; NULL if none (or expired). */
const struct mg_frag_ent *mg_frag_find(const struct mg_frag_tab *t, const struct mg_pkt *p,
				       uint64_t now);

#endif
