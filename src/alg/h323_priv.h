/* h323_priv.h - state shared by h323.c (flows, calls) and h323_addr.c
 * (what to do with each address of a message). */
#ifndef MG_H323_PRIV_H
#define MG_H323_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "alg/h323.h"
#include "proto/h323_scan.h"
#include "alg/stream.h"

#define H323_CALL_BINDS 64
#define H323_CTX_CALL 0x80000000u  /* alg_ctx naming a call (by id), not a signalling flow */
#define H323_CALL_ID_MAX 0x7fffffffu
#define H323_CALL_PINS 64

enum h323_state { H323_SETUP = 0, H323_PROCEEDING, H323_ALERTING, H323_CONNECTED, H323_RELEASED };

struct h323_pin {
	uint32_t idx;      /* pinhole */
	uint16_t lcn;      /* logical channel it serves, 0 = not a channel */
	uint8_t chan_side; /* side whose OLC opened that channel */
	uint8_t media;     /* enum h323_pin_media */
};

/* Inbound media pinholes under "alg media-source negotiated" (h323_addr.c):
 * each admits the signalling peer (BASE) and, once the outside endpoint
 * negotiated a media address, a like pinhole (FOLLOW) admits that one. */
enum h323_pin_media { H323_PIN_OTHER = 0, H323_PIN_BASE, H323_PIN_FOLLOW };

struct h323_call {
	bool used, has_guid, inbound;
	bool h460_asked; /* its first message from inside asked mg_alg_h460_traverses */
	bool h460; /* its signalling named H.460.18 / .19: passed unmodified (h323_addr.c) */
	uint8_t state;
	uint32_t id;           /* unique over time; id % ncalls is the slot */
	uint32_t home_sf;      /* the signalling flow its Setup came on */
	uint8_t guid[16];
	uint32_t inside, peer; /* network order */
	/* the outside endpoint's media address as it negotiated it (the last
	 * mediaChannel / mediaControlChannel it sent), 0 until it gave one */
	uint32_t media_src;
	uint32_t nflows;       /* signalling flows pointing here */
	uint32_t gnext;        /* callIdentifier hash chain */
	uint32_t binds[H323_CALL_BINDS];
	uint32_t n_bind;
	struct h323_pin pins[H323_CALL_PINS];
	uint32_t n_pin;
	uint32_t msgs, rewrites;
	uint64_t created, last;
	uint8_t cause; /* Q.931 cause of its ReleaseComplete, 0 = none */
	const char *route; /* struct mg_call_info's route */
	/* media flows' packets and bytes, [0] from the inside (h323_calls.c) */
	uint64_t media_pkts[2], media_bytes[2];
	/* its Setup's aliases, [0] the caller's (h323_alias.c) */
	bool aliases_seen;
	uint8_t n_alias[2];
	struct mg_call_alias alias[2][MG_CALL_ALIASES];
	/* the ladder: step n_step % MG_CALL_STEPS is the next to write */
	uint32_t n_step;
	struct mg_call_step step[MG_CALL_STEPS];
};

struct h323_sigflow {
	bool used;
	uint8_t kind; /* MG_ALG_H323_Q931 or MG_ALG_H245 */
	uint32_t flow, call;   /* call: slot, MG_NIL when none (or released) */
	uint32_t last_call_id; /* the last call it carried, for reports */
	bool via_pinhole;      /* admitted by a call's pinhole, not by policy */
	struct mg_stream st[2];
};

/* The message being handled. */
struct h323_cur {
	uint32_t flow;
	int dir;
	struct h323_sigflow *sf;
	uint64_t now;
	bool from_inside;
	bool table_full; /* a Setup found no free call slot */
	uint32_t sender, peer_seen, receiver; /* network order */
	uint16_t sender_port, peer_seen_port, receiver_port;
	struct h323_call *hist; /* the message's call, for its ladder (NULL: none) */
	const char *addr_field; /* the address being handled: the name REWRITE traces give */
};

/* Per-source accounting of call-signalling connections (h323_limit.c). */
struct h323_src;
struct h323_limits {
	struct h323_src *src;
	uint32_t *bucket;
	uint32_t cap, mask, free_head;
};

/* alg_flags of a call-signalling flow */
#define H323_FF_COUNTED 0x01 /* counted against its source's limits */
#define H323_FF_PENDING 0x02 /* ... and as carrying no call yet */
#define H323_FF_NOCALL 0x04  /* carries no call (yet, or any more): may idle only briefly */

struct mg_h323 {
	struct mg_engine *e;
	struct h323_call *calls;
	uint32_t ncalls, call_hint, last_id;
	uint32_t *gbucket; /* callIdentifier -> call, keyed hash */
	uint32_t gmask;
	struct h323_sigflow *sf;
	uint32_t nsf, sf_hint;
	struct mg_hold_pool hold;
	struct h323_limits lim;
	struct mg_h323_scan scan;
	struct h323_cur cur;
	uint64_t last_tick_s;
	uint64_t now; /* latest time seen (inspect, tick): for calls ended by a timer */
	mg_call_trace_fn trace; /* optional, see mg_h323_set_trace */
	void *trace_ctx;
};

struct h323_call *mg_h323_call_get(struct mg_h323 *h, uint32_t idx);
/* The slot of the live call with this id, MG_NIL if it is gone. */
uint32_t mg_h323_call_by_id(struct mg_h323 *h, uint32_t id);
/* why: for the CALL_END trace ("releaseComplete from inside", ...). */
void mg_h323_call_end(struct mg_h323 *h, uint32_t idx, const char *why);
void mg_h323_call_close_channel(struct mg_h323 *h, struct h323_call *c, uint16_t lcn, uint8_t side);
void mg_h323_sigflow_attach(struct mg_h323 *h, struct h323_sigflow *sf, uint32_t call);
uint32_t mg_h323_call_for_message(struct mg_h323 *h);
/* h323_addr.c: a call routed in on a shared public address: the caller's
 * T.120 (1503) and audio call control (1731) connections to that address
 * reach the same inside host while the call lives. */
/* h323_route.c: the alg ops' route hook (inbound routing). */
void mg_h323_route(void *state, struct mg_engine *e, const uint8_t *b, uint32_t len, uint32_t pub,
		   struct mg_inroute_decision *d);
void mg_h323_follow_call(struct mg_h323 *h, struct h323_call *c, uint32_t pub);
uint32_t mg_h323_call_of_ctx(void *state, uint32_t alg_ctx);

int mg_h323_limit_init(struct h323_limits *l, uint32_t cap);
void mg_h323_limit_free(struct h323_limits *l);
/* A new call-signalling flow from f->k[0].src: counted, or refused. */
enum mg_reason mg_h323_limit_admit(struct mg_h323 *h, struct mg_flow *f);
/* The flow carries a call now: no longer pending. */
void mg_h323_limit_called(struct mg_h323 *h, struct mg_flow *f);
/* The flow ends: uncounted. */
void mg_h323_limit_gone(struct mg_h323 *h, struct mg_flow *f);

/* Report one trace event: into the ladder of call c (or, without c, of
 * the message's call), and to the trace if one is set; fills call, now,
 * from_inside, sender and receiver from the message being handled. */
void mg_h323_trace_emit(struct mg_h323 *h, const struct h323_call *c, struct mg_call_trace *t);
#define H323_TRACE(h, c, ...)                                        \
	do {                                                          \
		if ((h)->trace || (c) || (h)->cur.hist) {             \
			struct mg_call_trace t_ = {__VA_ARGS__};      \
			mg_h323_trace_emit((h), (c), &t_);                    \
		}                                                     \
	} while (0)

/* Reports (h323_calls.c): the ops hooks, and one trace event kept in
 * call c's ladder (kinds that are no ladder step are ignored). */
bool mg_h323_walk_calls(void *state, struct mg_walk *w, mg_call_fn fn, void *ctx);
bool mg_h323_call_ladder(void *state, uint32_t id, struct mg_call_ladder *out);
void mg_h323_media(void *state, uint32_t alg_ctx, bool from_inside, uint32_t len);
void mg_h323_step(struct mg_h323 *h, struct h323_call *c, const struct mg_call_trace *t);

/* The aliases of the Setup msg[0..len) (a Q.931 message, TPKT header
 * excluded) into call c (h323_alias.c); h->scan is used as scratch. */
void mg_h323_aliases(struct mg_h323 *h, struct h323_call *c, const uint8_t *msg, uint32_t len);
/* The port the Setup being handled says its sender listens on: the port of
 * its sourceCallSignalAddress when that names the sender itself, else
 * 1720.  Read it before mg_h323_aliases (which reuses h->scan). */
uint16_t mg_h323_listen_port(const struct mg_h323 *h);
/* An outbound call's Setup from an inside host: its sourceAddress aliases
 * (dialedDigits, h323-ID, url-ID, email-ID) are learned by the directory
 * for the sender at `port`, expiring after `timeout directory`; an alias
 * that is refused (cut, held by a static entry for another host, directory
 * full) is counted under its reason and the Setup passes. */
void mg_h323_learn(struct mg_h323 *h, const struct h323_call *c, uint16_t port);

/* For log lines. */
struct h323_str {
	char s[64];
};
struct h323_str mg_h323_addr_str(uint32_t ip); /* network order */
struct h323_str mg_h323_call_str(const struct h323_call *c); /* "call 7 {guid}" */
const char *mg_h323_body_name(uint8_t body); /* MG_H225_NONE: "message" */

/* Act on a scanned message (h->scan, parse result r): rewrite msg in place,
 * open and close pinholes.  Returns MG_R_NONE or the drop reason. */
enum mg_reason mg_h323_apply(struct mg_h323 *h, struct mg_rw_msg *m, enum mg_reason r);

#endif
