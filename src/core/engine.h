/* engine.h - the meetgate engine: the only API adapters (pcap replay, NFQUEUE)
 * and the control plane use.
 *
 * The engine does no I/O and has no globals.  Time is the `now_ms` the caller
 * passes in (capture timestamps in replay, a monotonic clock live), so the
 * same input always gives the same output.  All tables are sized at
 * mg_engine_new from the config; nothing is allocated on the packet path.
 */
#ifndef MG_ENGINE_H
#define MG_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "core/pkt.h"
#include "core/reason.h"

struct mg_engine;

enum mg_verdict {
	MG_VERDICT_DROP = 0,
	MG_VERDICT_ACCEPT = 1, /* send the (possibly rewritten) packet out of out_side */
	MG_VERDICT_HOLD = 2,   /* engine kept a copy; it comes out later through emit */
};

struct mg_result {
	uint8_t verdict;  /* enum mg_verdict */
	uint8_t out_side; /* enum mg_side the packet leaves by */
	uint16_t reason;  /* enum mg_reason: why dropped (or an event on accept) */
	uint8_t changed;  /* MG_RW_* bits (core/rewrite.h): what was rewritten in place */
};

/* Counters.  A dropped packet counts in dropped[] under its reason; an event
 * (a packet that passed but is worth counting, a flow dropped early) in
 * events[]: the two are never mixed. */
struct mg_stats {
	uint64_t pkts_in[2];  /* by arrival side */
	uint64_t pkts_out[2]; /* by departure side */
	uint64_t drops;
	uint64_t dropped[MG_R__COUNT]; /* packets dropped, by reason */
	uint64_t events[MG_R__COUNT];  /* things that happened, by reason: ALG events, untranslatable
					* messages passed by policy, early drops, reopened flows */
	uint64_t flows_created, flows_expired;
	uint64_t bindings_created, bindings_expired;
	uint64_t pinholes_opened, pinholes_closed, pinhole_hits;
	uint64_t alg_rewrites; /* addresses rewritten in signalling */
	uint64_t calls_created, calls_ended;
	uint32_t flows_active, bindings_active, pinholes_active, calls_active;
	uint32_t flows_embryonic; /* TCP flows whose handshake has not completed */
	uint32_t frags_active; /* incomplete fragmented datagrams tracked */
	/* the directory of inside endpoints (core/dir.h): entries now, learned
	 * (new), refreshed, expired and refused (conflict, full, bad alias) */
	uint32_t directory_entries;
	uint64_t directory_learned, directory_refreshed, directory_expired, directory_refused;
	/* the public address pool (core/pool.h): addresses configured and lent
	 * now; addresses given, given back, and requests that found none */
	uint32_t pool_addresses, pool_in_use;
	uint64_t pool_assigned, pool_released, pool_exhausted;
	/* RAS registrations of inside endpoints (alg/ras.h): live now; confirmed
	 * (new), ended by URQ/UCF, expired */
	uint32_t ras_reg_active;
	uint64_t ras_reg_created, ras_reg_ended, ras_reg_expired;
};

/* A flow as reports see it. */
struct mg_flow_info {
	struct mg_tuple orig;  /* as the first packet arrived */
	struct mg_tuple reply; /* as replies arrive (after NAT) */
	uint8_t orig_side;     /* enum mg_side of the first packet */
	const char *state;     /* "established", "udp", "time-wait", ... */
	uint16_t states_seen;  /* bit per TCP state reached (MG_TCP_* from ct_tcp.h) */
	uint64_t pkts[2], bytes[2]; /* [0] orig direction, [1] reply */
	uint64_t created_ms, last_ms, expire_ms;
	const char *alg;       /* "h323-q931", "h245", "" */
	uint32_t call;         /* owning call id, 0 = none */
	uint16_t end_reason;   /* for flow-end callbacks: 0 timeout, else an enum mg_reason */
};

struct mg_binding_info {
	uint8_t proto;
	uint32_t in_addr, pub_addr; /* network order */
	uint16_t in_port, pub_port;
	uint32_t refs;
	bool advertised; /* announced by an ALG in signalling, not used by traffic yet */
	uint64_t created_ms;
};

struct mg_pinhole_info {
	uint8_t proto;
	uint8_t side;          /* side the admitted packets arrive on */
	uint32_t remote;       /* admitted source address, 0 = any */
	uint32_t dst_addr;     /* as addressed on arrival */
	uint16_t dst_port;
	uint32_t to_addr;      /* where admitted packets are sent (after DNAT) */
	uint16_t to_port;
	uint32_t owner;        /* owning call, 0 = none */
	uint64_t hits;
	uint64_t expire_ms;
	const char *what;      /* "rtp", "rtcp", "h245", "t120", ... */
};

/* A call as reports see it, whichever ALG keeps it (H.323 today).  Strings
 * are static; the aliases are copies. */
#define MG_CALL_ALIASES 4     /* aliases kept per party */
#define MG_CALL_ALIAS_LEN 48  /* characters kept per alias, NUL included */
enum mg_alias_type {
	MG_ALIAS_NONE = 0,
	MG_ALIAS_DIGITS, /* dialedDigits (E.164) */
	MG_ALIAS_NAME,   /* h323-ID */
	MG_ALIAS_URL,    /* url-ID */
	MG_ALIAS_EMAIL,  /* email-ID */
	MG_ALIAS_OTHER,  /* transportID, partyNumber, ...: type only */
};
struct mg_call_alias {
	uint8_t type;    /* enum mg_alias_type */
	bool cut;        /* longer than MG_CALL_ALIAS_LEN - 1: cut there */
	char s[MG_CALL_ALIAS_LEN]; /* printable ASCII ('?' for anything else) */
};
struct mg_call_info {
	uint32_t id;
	bool has_guid;
	uint8_t guid[16];
	uint32_t inside_addr, peer_addr; /* network order */
	uint8_t inbound;                 /* 1: the outside called in */
	const char *alg;                 /* "h323" */
	const char *state;               /* "setup", "proceeding", "alerting", "connected", "released" */
	/* how its signalling got through: "outbound" (inside called out),
	 * "forward" (inbound by a static forward), "pinhole" (inbound through
	 * a pinhole an earlier message opened), "direct" (inbound, untranslated) */
	const char *route;
	uint32_t pinholes, bindings;
	uint32_t messages, rewrites;
	uint64_t created_ms, last_ms;
	/* media flows of the call (those its pinholes admitted), summed:
	 * [0] sent by the inside endpoint, [1] by the outside one */
	uint64_t media_pkts[2], media_bytes[2];
	/* as its Setup named them: [0] the caller (sourceAddress), [1] the callee
	 * (destinationAddress); n_alias[i] entries of alias[i] are set */
	struct mg_call_alias alias[2][MG_CALL_ALIASES];
	uint8_t n_alias[2];
};

/* One line of a call's ladder: what happened to its signalling. */
#define MG_CALL_STEPS 32 /* the last ones each call keeps */
enum mg_call_step_kind {
	MG_STEP_MSG = 1,  /* a message: name, from_inside, h245 */
	MG_STEP_REWRITE,  /* an address of the last message: name = its field, ip/port[0] -> [1] */
	MG_STEP_PIN_OPEN, /* a pinhole: name = what, dst ip/port[0] -> to ip/port[1] */
	MG_STEP_PIN_CLOSE, /* count pinholes closed, name = why */
	MG_STEP_PROBLEM,  /* reason (enum mg_reason) about the last message; ip/port[0] if an address */
};
struct mg_call_step {
	uint32_t t_ms;    /* since the call began */
	uint8_t kind;     /* enum mg_call_step_kind */
	uint8_t from_inside, h245;
	uint16_t reason;
	const char *name; /* static */
	uint32_t ip[2];   /* network order */
	uint16_t port[2];
	uint32_t count;
};
/* A call's history: the last MG_CALL_STEPS steps, oldest first; `lost`
 * earlier ones were overwritten. */
struct mg_call_ladder {
	struct mg_call_info ci;
	struct mg_call_step step[MG_CALL_STEPS];
	uint32_t n, lost;
};

typedef void (*mg_emit_fn)(void *ctx, const uint8_t *l3, uint32_t len, enum mg_side out_side,
			   uint64_t now_ms);
/* level: enum mg_log_level (core/config.h): drop lines are MG_LOG_INFO, ALG
 * and other events MG_LOG_WARNING.  The engine filters nothing by level. */
typedef void (*mg_log_fn)(void *ctx, uint64_t now_ms, int level, const char *line);
typedef void (*mg_flow_fn)(void *ctx, const struct mg_flow_info *fi);
typedef void (*mg_binding_fn)(void *ctx, const struct mg_binding_info *bi);
typedef void (*mg_pinhole_fn)(void *ctx, const struct mg_pinhole_info *pi);
typedef void (*mg_call_fn)(void *ctx, const struct mg_call_info *ci);

/* Create an engine for `cfg` (copied).  `seed` keys the hashes and port
 * randomisation: the same seed and input give the same output.  Returns
 * NULL and a message in err on failure. */
struct mg_engine *mg_engine_new(const struct mg_config *cfg, uint64_t seed, char *err,
				size_t errlen);
void mg_engine_free(struct mg_engine *e);

/* Process one IP datagram (no link header) of `len` bytes arriving on
 * `side`.  The bytes may be rewritten in place (length unchanged). */
struct mg_result mg_engine_process(struct mg_engine *e, uint8_t *l3, uint32_t len,
				   enum mg_side side, uint64_t now_ms);

/* Run timers up to now_ms (mg_engine_process does this too). */
void mg_engine_expire(struct mg_engine *e, uint64_t now_ms);

/* Replace the configuration (SIGHUP).  Flows, bindings and calls survive;
 * returns -1 with a message if the new config is unusable (old one stays). */
int mg_engine_reconfigure(struct mg_engine *e, const struct mg_config *cfg, char *err,
			  size_t errlen);

void mg_engine_set_emit(struct mg_engine *e, mg_emit_fn fn, void *ctx);
void mg_engine_set_log(struct mg_engine *e, mg_log_fn fn, void *ctx);
/* Called once for every flow that ends (timeout or close), before it is freed. */
void mg_engine_set_flow_end(struct mg_engine *e, mg_flow_fn fn, void *ctx);

/* Called for every NAT binding created (its advertised flag is set later,
 * when an ALG asks for it: reports should read the final state). */
void mg_engine_set_binding_new(struct mg_engine *e, mg_binding_fn fn, void *ctx);

/* Optional hooks for a live event stream (meetgate events): a flow
 * created (after its first packet was admitted), a NAT binding freed,
 * a pinhole opened (not for a duplicate of an open one) or closed (by its
 * owner or its timer).  Any may be NULL; all share ctx.  Unset, each costs
 * one test where it would fire. */
struct mg_engine_events {
	mg_flow_fn flow_new;
	mg_binding_fn binding_free;
	mg_pinhole_fn pinhole_open, pinhole_close;
};
void mg_engine_set_events(struct mg_engine *e, const struct mg_engine_events *ev, void *ctx);

const struct mg_stats *mg_engine_stats(const struct mg_engine *e);
const struct mg_config *mg_engine_config(const struct mg_engine *e);

/* The directory of inside endpoints (core/dir.h), read-only, for reports. */
struct mg_dir;
struct mg_dir_entry;
const struct mg_dir *mg_engine_dir(const struct mg_engine *e);
/* The engine's time: the latest now_ms it was given. */
uint64_t mg_engine_now(const struct mg_engine *e);

/* The public address:port bound to an inside endpoint, if a NAT binding
 * exists.  Bindings only an ALG announced in signalling (no packet of the
 * inside endpoint has used them yet) count only with include_advertised.
 * Used by replay to play an outside peer that answers what it saw or was told. */
bool mg_engine_binding_lookup(struct mg_engine *e, uint8_t proto, uint32_t in_addr,
			      uint16_t in_port, bool include_advertised, uint32_t *pub_addr,
			      uint16_t *pub_port);
/* Replay: a captured TCP packet, written by a peer that never saw the
 * gateway's length-changing edits, gets the ACK and SACK blocks that peer
 * would have sent after them (no-op for flows without such edits).  Call
 * it after re-addressing, before mg_engine_process. */
void mg_engine_seqadj_peer_view(struct mg_engine *e, uint8_t *l3, uint32_t len);

/* The public address the NAT gives an inside host (0 if none). */
uint32_t mg_engine_public_for(const struct mg_engine *e, uint32_t in_addr);

void mg_engine_foreach_flow(struct mg_engine *e, mg_flow_fn fn, void *ctx);
void mg_engine_foreach_binding(struct mg_engine *e, mg_binding_fn fn, void *ctx);
void mg_engine_foreach_pinhole(struct mg_engine *e, mg_pinhole_fn fn, void *ctx);

/* A table walked in slices, for reports that must not hold up packets: from
 * slot *pos on, visit at most `slots` slots and report at most `rows`
 * entries; *pos ends after the last slot visited.  Returns true while slots
 * remain.  Entries created or removed between two slices may be missed or
 * reported twice. */
struct mg_walk {
	uint32_t pos, slots, rows;
};
bool mg_engine_walk_flows(struct mg_engine *e, struct mg_walk *w, mg_flow_fn fn, void *ctx);
bool mg_engine_walk_bindings(struct mg_engine *e, struct mg_walk *w, mg_binding_fn fn, void *ctx);
bool mg_engine_walk_pinholes(struct mg_engine *e, struct mg_walk *w, mg_pinhole_fn fn, void *ctx);
/* Directory entries (slots of the directory's array); entries due at the
 * engine's time are skipped. */
typedef void (*mg_dir_entry_fn)(void *ctx, const struct mg_dir_entry *en);
bool mg_engine_walk_directory(struct mg_engine *e, struct mg_walk *w, mg_dir_entry_fn fn, void *ctx);
/* A live RAS registration of an inside endpoint as reports see it
 * (alg/ras.h); strings valid for the call only. */
#define MG_REG_ALIASES 4
struct mg_reg_info {
	uint32_t in_addr, pub_addr, gk; /* network order: callSignalAddress inside, public; gatekeeper */
	uint16_t in_port, pub_port;
	uint16_t ras_port;              /* the endpoint's RAS source port */
	uint32_t left_s;                /* seconds until it expires */
	unsigned n_alias;
	const char *alias[MG_REG_ALIASES];
};
typedef void (*mg_reg_fn)(void *ctx, const struct mg_reg_info *ri);
/* The RAS ALG's registrations (slots of its table); none without it. */
bool mg_engine_walk_registrations(struct mg_engine *e, struct mg_walk *w, mg_reg_fn fn, void *ctx);

/* An optional trace of what an ALG does with calls, message by message
 * (H.323 today), for call logs, live events, metrics and meetgate replay's
 * ladder diagrams (mg_engine_set_call_trace).  Unset, it costs one test per
 * event site.  Strings and the event are valid for the call only. */
enum mg_call_trace_kind {
	MG_CALL_TR_MSG = 1,   /* a signalling message: name (H.323: Q.931 body or H.245 message) */
	MG_CALL_TR_REWRITE,   /* an address of the last message rewritten: ip/port[0] -> [1] */
	MG_CALL_TR_PIN_OPEN,  /* a pinhole opened: what, dst ip/port[0], to ip/port[1] */
	MG_CALL_TR_PIN_CLOSE, /* pinholes closed: count, name says why */
	MG_CALL_TR_PROBLEM,   /* the last message: reason (untranslated, undecodable, ...) */
	/* A call began (its Setup): from_inside = outbound; sender the caller,
	 * receiver the callee as reached (an inbound call's forward target);
	 * ip/port[0] what the caller dialled, ip/port[1] the callee as reached;
	 * guid its callIdentifier (NULL without one).  Sent before the Setup's
	 * MSG event. */
	MG_CALL_TR_CALL_START,
	/* A call ended: from_inside = outbound; sender the inside endpoint,
	 * receiver the peer; name why ("releaseComplete from inside",
	 * "signalling closed", "signalling timed out"); cause the Q.931 cause
	 * value of its ReleaseComplete (0: none); created when it began; guid. */
	MG_CALL_TR_CALL_END,
	/* The call's first Connect (the setup latency metric). */
	MG_CALL_TR_CALL_CONNECT,
};
struct mg_call_trace {
	uint8_t kind;         /* enum mg_call_trace_kind */
	uint8_t from_inside;  /* sender of the message is inside */
	uint8_t h245;         /* MSG: an H.245 message (tunnelled or on its own channel) */
	uint16_t reason;      /* PROBLEM: enum mg_reason */
	uint32_t call;        /* call id, 0 = none */
	uint32_t sender, receiver; /* network order, as the message travels */
	uint32_t ip[2];       /* network order */
	uint16_t port[2];
	uint32_t count;
	const char *name;     /* MSG: message name; REWRITE: the field (NULL if not known);
			       * PIN_OPEN: what; PIN_CLOSE, CALL_END: why */
	uint64_t now;
	const uint8_t *guid;  /* CALL_START, CALL_END: callIdentifier, NULL if none */
	uint64_t created;     /* when the event's call began (0: no call) */
	uint8_t cause;        /* CALL_END: Q.931 cause value, 0 = none seen */
};
typedef void (*mg_call_trace_fn)(void *ctx, const struct mg_call_trace *t);

/* Every ALG that traces calls reports to fn (NULL: stop). */
void mg_engine_set_call_trace(struct mg_engine *e, mg_call_trace_fn fn, void *ctx);

/* Replay only: a capture's SYN cookies were made with the recording
 * gateway's key, which this engine cannot check; with `on`, inbound
 * routing takes a caller's handshake ACK as it comes (core/inroute.h). */
void mg_engine_route_trust_ack(struct mg_engine *e, bool on);

/* Calls, as the ALG that keeps them reports them (engine_calls.c); none
 * without one.  The walk's slots are that ALG's call slots. */
void mg_engine_foreach_call(struct mg_engine *e, mg_call_fn fn, void *ctx);
bool mg_engine_walk_calls(struct mg_engine *e, struct mg_walk *w, mg_call_fn fn, void *ctx);
/* Copy call `id`'s info and history into *out; false if no such call. */
bool mg_engine_call_ladder(struct mg_engine *e, uint32_t id, struct mg_call_ladder *out);

#endif
