/* ladder.h - per-call ladder diagrams for `meetgate replay` (calls.html).
 *
 * The replay driver hands the ladder what the H.323 ALG traced
 * (mg_engine_set_call_trace), the verdict of every packet and every flow; the
 * ladder keeps them in bounded arrays (events beyond the bounds are counted
 * as lost, never stored) and at the end writes one HTML page with an inline
 * SVG ladder per call, and one line per call for the text summary saying
 * whether the call would have worked.  doc/replay.md describes the page.
 */
#ifndef MG_LADDER_H
#define MG_LADDER_H

#include <stdint.h>
#include <stdio.h>

#include "core/engine.h"

#define MG_LADDER_MAX_EVENTS 8192
#define MG_LADDER_MAX_DROPS 1024
#define MG_LADDER_MAX_CALLS 256

struct mg_ladder;

struct mg_ladder *mg_ladder_new(void);
void mg_ladder_free(struct mg_ladder *l);

/* The trace function to give mg_engine_set_call_trace, with the ladder as ctx. */
void mg_ladder_trace(void *ctx, const struct mg_call_trace *t);

/* Bracket one packet fed to the engine: trace events in between belong to
 * it, and a drop marks the messages it carried.  l3/len: the packet as fed. */
void mg_ladder_packet_begin(struct mg_ladder *l);
void mg_ladder_packet_end(struct mg_ladder *l, const uint8_t *l3, uint32_t len, enum mg_side side,
			  uint64_t now, const struct mg_result *res);

/* A flow (ended, or active at the end): media packets count for its call. */
void mg_ladder_flow(struct mg_ladder *l, const struct mg_flow_info *fi);

/* calls.html */
int mg_ladder_write_html(struct mg_ladder *l, FILE *f);
/* One line per call: "call N a -> b: would have worked" or what failed. */
void mg_ladder_summary(struct mg_ladder *l, FILE *f);

#endif
