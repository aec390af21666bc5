/* h323.h - the H.323 application-layer gateway.
 *
 * Reads H.225.0 call signalling (TCP 1720, TPKT + Q.931 + H.225.0 UUIE) and
 * H.245 (tunnelled in it, embedded as fastStart / parallelH245Control, or on
 * its own TCP channel), and for every transport address in them:
 *   - sent from the inside, naming an inside host: binds it to a public
 *     address:port (RTP/RTCP as an even/odd pair), rewrites it in place and
 *     opens an inbound pinhole for the negotiated peer;
 *   - sent from the outside: opens an outbound pinhole so the inside host may
 *     reach that address (and translates the public destCallSignalAddress of
 *     an inbound Setup to the forward's target).
 * Pinholes and bindings belong to a call (keyed by callIdentifier) and live
 * until it ends (ReleaseComplete, EndSessionCommand, its signalling flow
 * ending); CloseLogicalChannel closes a channel's pinholes.  What cannot be
 * translated is counted and logged, and the config decides drop or pass.
 */
#ifndef MG_H323_H
#define MG_H323_H

#include <stdint.h>

#include "core/alg_api.h"

struct mg_h323;

/* Create the ALG for an engine and register it for both flow kinds. */
struct mg_h323 *mg_h323_attach(struct mg_engine *e);
void mg_h323_free(struct mg_h323 *h);

/* A call as reports see it. */
struct mg_h323_call_info {
	uint32_t id;
	uint8_t guid[16];
	uint32_t inside_addr, peer_addr; /* network order */
	uint8_t inbound;                 /* 1: the outside called in */
	const char *state;               /* "setup", "proceeding", "alerting", "connected", "released" */
	uint32_t pinholes, bindings;
	uint32_t messages, rewrites;
	uint64_t created_ms, last_ms;
};
typedef void (*mg_h323_call_fn)(void *ctx, const struct mg_h323_call_info *ci);
void mg_h323_foreach_call(struct mg_h323 *h, mg_h323_call_fn fn, void *ctx);
/* The call table in slices (struct mg_walk, core/engine.h). */
bool mg_h323_walk_calls(struct mg_h323 *h, struct mg_walk *w, mg_h323_call_fn fn, void *ctx);

#endif
