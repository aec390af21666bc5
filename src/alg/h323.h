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

/* An optional trace of what the ALG does, message by message, for offline
 * reports (meetgate replay's ladder diagrams).  Unset, it costs one test per
 * event site.  Strings and the event are valid for the call only. */
enum mg_h323_trace_kind {
	MG_H323_TR_MSG = 1,   /* a signalling message: name (Q.931 body or H.245 message) */
	MG_H323_TR_REWRITE,   /* an address of the last message rewritten: ip/port[0] -> [1] */
	MG_H323_TR_PIN_OPEN,  /* a pinhole opened: what, dst ip/port[0], to ip/port[1] */
	MG_H323_TR_PIN_CLOSE, /* pinholes closed: count, name says why */
	MG_H323_TR_PROBLEM,   /* the last message: reason (untranslated, undecodable, ...) */
	/* A call began (its Setup): from_inside = outbound; sender the caller,
	 * receiver the callee as reached (an inbound call's forward target);
	 * ip/port[0] what the caller dialled, ip/port[1] the callee as reached;
	 * guid its callIdentifier (NULL without one).  Sent before the Setup's
	 * MSG event. */
	MG_H323_TR_CALL_START,
	/* A call ended: from_inside = outbound; sender the inside endpoint,
	 * receiver the peer; name why ("releaseComplete from inside",
	 * "signalling closed", "signalling timed out"); cause the Q.931 cause
	 * value of its ReleaseComplete (0: none); created when it began; guid. */
	MG_H323_TR_CALL_END,
	/* The call's first Connect (the setup latency metric). */
	MG_H323_TR_CALL_CONNECT,
};
struct mg_h323_trace {
	uint8_t kind;         /* enum mg_h323_trace_kind */
	uint8_t from_inside;  /* sender of the message is inside */
	uint8_t h245;         /* MSG: an H.245 message (tunnelled or on its own channel) */
	uint16_t reason;      /* PROBLEM: enum mg_reason */
	uint32_t call;        /* call id, 0 = none */
	uint32_t sender, receiver; /* network order, as the message travels */
	uint32_t ip[2];       /* network order */
	uint16_t port[2];
	uint32_t count;
	const char *name;     /* MSG: message name; PIN_OPEN: what; PIN_CLOSE, CALL_END: why */
	uint64_t now;
	const uint8_t *guid;  /* CALL_START, CALL_END: callIdentifier, NULL if none */
	uint64_t created;     /* when the event's call began (0: no call) */
	uint8_t cause;        /* CALL_END: Q.931 cause value, 0 = none seen */
};
typedef void (*mg_h323_trace_fn)(void *ctx, const struct mg_h323_trace *t);
void mg_h323_set_trace(struct mg_h323 *h, mg_h323_trace_fn fn, void *ctx);

#endif
