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

/* Its calls are reported through the engine (mg_engine_walk_calls,
 * mg_engine_call_ladder, core/engine.h). */

/* Its trace is the engine's call trace (struct mg_call_trace,
 * mg_engine_set_call_trace in core/engine.h); these are its kinds by the
 * ALG's own names. */
enum {
	MG_H323_TR_MSG = MG_CALL_TR_MSG,
	MG_H323_TR_REWRITE = MG_CALL_TR_REWRITE,
	MG_H323_TR_PIN_OPEN = MG_CALL_TR_PIN_OPEN,
	MG_H323_TR_PIN_CLOSE = MG_CALL_TR_PIN_CLOSE,
	MG_H323_TR_PROBLEM = MG_CALL_TR_PROBLEM,
	MG_H323_TR_CALL_START = MG_CALL_TR_CALL_START,
	MG_H323_TR_CALL_END = MG_CALL_TR_CALL_END,
	MG_H323_TR_CALL_CONNECT = MG_CALL_TR_CALL_CONNECT,
};
/* Also reachable as mg_engine_set_call_trace (the ops' set_trace hook). */
void mg_h323_set_trace(struct mg_h323 *h, mg_call_trace_fn fn, void *ctx);

#endif
