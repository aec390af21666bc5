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

/* An optional trace of what the ALG does, message by message, for offline
 * reports (meetgate replay's ladder diagrams).  Unset, it costs one test per
 * event site.  Strings and the event are valid for the call only. */
enum mg_h323_trace_kind {
	MG_H323_TR_MSG = 1,   /* a signalling message: name (Q.931 body or H.245 message) */
	MG_H323_TR_REWRITE,   /* an address of the last message rewritten: ip/port[0] -> [1] */
	MG_H323_TR_PIN_OPEN,  /* a pinhole opened: what, dst ip/port[0], to ip/port[1] */
	MG_H323_TR_PIN_CLOSE, /* pinholes closed: count, name says why */
	MG_H323_TR_PROBLEM,   /* the last message: reason (untranslated, undecodable, ...) */
	/* the life of a call (live event streams and metrics; the ladder skips
	 * them): ip[0] inside, ip[1] peer, count 1 when inbound, guid, started */
	MG_H323_TR_CALL_START, /* a Setup made the call */
	MG_H323_TR_CALL_CONNECT, /* the first Connect */
	MG_H323_TR_CALL_END,   /* the call is over (name: why); `now` may be the last message's time */
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
	const char *name;     /* MSG: message name; PIN_OPEN: what; PIN_CLOSE: why */
	uint64_t now;
	const uint8_t *guid;  /* the call's callIdentifier (16 bytes), NULL if none */
	uint64_t started;     /* when the call's Setup came (ms), 0 = no call */
};
typedef void (*mg_h323_trace_fn)(void *ctx, const struct mg_h323_trace *t);
void mg_h323_set_trace(struct mg_h323 *h, mg_h323_trace_fn fn, void *ctx);

#endif
