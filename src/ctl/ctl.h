/* ctl.h - the control socket: a running gateway answers `meetgate show`.
 *
 * Protocol (one request per connection, text, lines end in '\n'):
 *   client: "show TABLE [json] [proto=P] [port=N] [addr=A] [call=N]"
 *           TABLE: calls | flows | pinholes | stats | bindings | directory |
 *           registrations;
 *           words apart
 *           by one space, each option at most once, in any order
 *                                               (at most MG_CTL_LINE_MAX bytes)
 *   client: "show calls [json] ladder=N": the ladder of live call N (its
 *           last MG_CALL_STEPS signalling steps, core/engine.h) instead of
 *           the table; text: a title line, then one line per step; json:
 *           the call's row object, then one object per step.  It takes no
 *           filter; a call that is not live is "error no call N".
 *   daemon: lines of a table, then the line "end"; or one line
 *           "error <what>"; then it closes the connection.
 *   json:   no header; each row is one JSON object on one line (for stats:
 *           {"name": N}, {"dropped": {"reason": N}} or {"events": {...}});
 *           the client makes one document of them (mg_ctl_request).
 *   filters (conntrack-like, all given must hold; the daemon applies them):
 *           proto= tcp|udp|icmp|icmpv6 (flows, pinholes, bindings);
 *           port= either port of the row (flows, pinholes, bindings);
 *           addr= any address of the row, IPv4 or IPv6 (all tables);
 *           call= the owning call (flows, pinholes) or the call's id
 *           (calls); directory takes addr= (its inside address) only,
 *           registrations addr= (inside, public or gatekeeper address).  A filter a table cannot apply is an error, and stats
 *           takes none.
 *   client: "events [json]"  (a subscription, see below)
 *   daemon: one line per event as it happens ("[NEW] flow ...", "[END]
 *           call ...", json: one object per line), "[LOST] N events"
 *           (json: {"event":"lost","count":N}) where a slow reader missed
 *           some; the connection stays open until either side closes it.
 * A request that is unknown, too long, holds a NUL or control byte, or does
 * not arrive within MG_CTL_REQ_TIMEOUT_MS is answered with "error ...".
 *
 * The server never blocks and never holds up the packet path: sockets are
 * non-blocking; each client has an output buffer of MG_CTL_OUT_MAX bytes
 * that is refilled as the client reads; a long listing is produced in
 * slices of at most MG_CTL_TURN_SLOTS table slots and MG_CTL_TURN_ROWS rows
 * per turn of the daemon's loop (all clients together), resuming from a
 * cursor, so packets are processed between two slices.  It is therefore not
 * a snapshot: entries created or removed meanwhile may be missed or
 * repeated.  At most MG_CTL_MAX_CLIENTS are served at once; up to
 * MG_CTL_MAX_TURNED_AWAY more get "error busy" at once and are closed once
 * their request arrived (so a client that writes its request first still
 * reads the line), at the latest after MG_CTL_REQ_TIMEOUT_MS; beyond that,
 * connections wait in the listen backlog.  A client that reads nothing for
 * MG_CTL_IDLE_TIMEOUT_MS is dropped.
 *
 * Events (mg_ctl_post, called from engine and ALG hooks on the packet
 * path) are copied into a ring of MG_CTL_EV_RING records per subscriber,
 * allocated with the server: nothing is allocated or formatted when they
 * happen.  mg_ctl_serve formats them into the subscriber's output buffer
 * between packet bursts.  When a ring is full, events are counted as lost
 * (and every later one too, until the "[LOST] N" line is in the buffer, so
 * that the line stands where the gap is).  A subscriber waiting for events
 * is never timed out; one that leaves unread bytes for
 * MG_CTL_IDLE_TIMEOUT_MS is dropped.
 */
#ifndef MG_CTL_H
#define MG_CTL_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/engine.h"

#define MG_CTL_LINE_MAX 256 /* request bytes, newline included */
#define MG_CTL_MAX_CLIENTS 8
#define MG_CTL_MAX_TURNED_AWAY 8
/* pollfds mg_ctl_pollfds may fill: the listening socket and every client */
#define MG_CTL_POLLFDS (1 + MG_CTL_MAX_CLIENTS + MG_CTL_MAX_TURNED_AWAY)
#define MG_CTL_TURN_SLOTS 4096u /* table slots visited per loop turn */
#define MG_CTL_TURN_ROWS 128u   /* rows formatted per loop turn */
#define MG_CTL_OUT_MAX (64u << 10)
#define MG_CTL_ROW_MAX 2048 /* longest line a formatter writes, NUL included (a call with
			    * 8 long aliases, JSON-escaped, takes some 1600) */
#define MG_CTL_REQ_TIMEOUT_MS 2000
#define MG_CTL_IDLE_TIMEOUT_MS 10000
#define MG_CTL_EV_RING 512u /* events queued per subscriber */

enum mg_ctl_cmd {
	MG_CTL_CALLS = 0,
	MG_CTL_FLOWS,
	MG_CTL_PINHOLES,
	MG_CTL_STATS,
	MG_CTL_BINDINGS,
	MG_CTL_DIRECTORY,
	MG_CTL_REGISTRATIONS,
	MG_CTL__COUNT
};

/* ---- protocol (ctl_proto.c) ---- */

/* Which rows a request wants; a field that is not `has_*` (proto 0) does
 * not filter. */
struct mg_ctl_filter {
	uint8_t proto;
	bool has_port, has_addr, has_call;
	uint16_t port;
	uint8_t family; /* of addr: MG_AF_INET or MG_AF_INET6 */
	union mg_addr addr;
	uint32_t call;
};

struct mg_ctl_req {
	enum mg_ctl_cmd cmd; /* unused when events */
	bool events;         /* "events [json]": a subscription */
	bool json;
	bool has_ladder;     /* "show calls ladder=N" */
	uint32_t ladder;
	struct mg_ctl_filter f;
};

/* Parse a request line of `len` bytes, newline excluded (a trailing CR is
 * tolerated).  Returns 0 and the request, or -1 and a short reason in *why
 * (static text, for the "error" answer). */
int mg_ctl_parse_request(const char *line, size_t len, struct mg_ctl_req *req, const char **why);
const char *mg_ctl_cmd_name(enum mg_ctl_cmd cmd);

/* Does the row pass the filter? */
bool mg_ctl_match_flow(const struct mg_ctl_filter *f, const struct mg_flow_info *fi);
bool mg_ctl_match_binding(const struct mg_ctl_filter *f, const struct mg_binding_info *bi);
bool mg_ctl_match_pinhole(const struct mg_ctl_filter *f, const struct mg_pinhole_info *pi);
bool mg_ctl_match_call(const struct mg_ctl_filter *f, const struct mg_call_info *ci);
struct mg_dir_entry; /* core/dir.h */
bool mg_ctl_match_dir(const struct mg_ctl_filter *f, const struct mg_dir_entry *en);
bool mg_ctl_match_reg(const struct mg_ctl_filter *f, const struct mg_reg_info *ri);

/* One row each, newline included, snprintf-like (the return value is the
 * full length; rows always fit MG_CTL_ROW_MAX).  now_ms turns expiry times
 * into seconds left and creation times into ages. */
int mg_ctl_fmt_flow(char *buf, size_t n, const struct mg_flow_info *fi, uint64_t now_ms);
int mg_ctl_fmt_binding(char *buf, size_t n, const struct mg_binding_info *bi, uint64_t now_ms);
int mg_ctl_fmt_pinhole(char *buf, size_t n, const struct mg_pinhole_info *pi, uint64_t now_ms);
int mg_ctl_fmt_call(char *buf, size_t n, const struct mg_call_info *ci, uint64_t now_ms);
/* A directory entry (ctl_dir.c): alias (a space shown as '_'), class
 * (digits|name), type, inside address:port, origin (static|setup|ils|ras),
 * age s, seconds until it expires ("never"), hits, the pool address the
 * entry holds or "-". */
int mg_ctl_fmt_dir(char *buf, size_t n, const struct mg_dir_entry *en, uint64_t now_ms);
/* A RAS registration (ctl_reg.c): inside callSignal address:port, public
 * address:port, gatekeeper, seconds left, aliases (comma-separated, a
 * space shown as '_', "-" for none). */
int mg_ctl_fmt_reg(char *buf, size_t n, const struct mg_reg_info *ri);
/* "digits" or "name" (enum mg_dir_class). */
const char *mg_ctl_dir_class(uint8_t cls);
/* Row i of a call's ladder (ctl_call.c): 0 the title, then the steps
 * (after a line saying how many earlier ones were not kept, if any).
 * Same convention as the rows; -1 past the last row. */
int mg_ctl_fmt_ladder(char *buf, size_t n, const struct mg_call_ladder *l, unsigned i);
/* The callIdentifier as 8-4-4-4-12 hex digits (37 bytes with the NUL). */
void mg_ctl_guid_str(const uint8_t g[16], char out[37]);
/* An alias type's name ("h323-ID", "dialedDigits", ...). */
const char *mg_ctl_alias_type(uint8_t type);
/* The header row of a table ("" for flows, which follow conntrack -L). */
const char *mg_ctl_header(enum mg_ctl_cmd cmd);
/* Row `i` of the stats table: the mg_stats fields, then "drop <name> N" for
 * every reason packets were dropped for, then "event <name> N" for every
 * event counted.  Returns the row length, 0 when a
 * row is skipped (a zero reason), -1 past the last row. */
int mg_ctl_fmt_stat(char *buf, size_t n, const struct mg_stats *st, unsigned i);

/* ---- JSON rows (ctl_json.c, json-c) ---- */

/* The same rows as one JSON object each on one line, newline included;
 * the same return convention as the text rows, -1 if json-c failed.  Keys:
 * doc/live.md. */
int mg_ctl_json_flow(char *buf, size_t n, const struct mg_flow_info *fi, uint64_t now_ms);
int mg_ctl_json_binding(char *buf, size_t n, const struct mg_binding_info *bi, uint64_t now_ms);
int mg_ctl_json_pinhole(char *buf, size_t n, const struct mg_pinhole_info *pi, uint64_t now_ms);
int mg_ctl_json_call(char *buf, size_t n, const struct mg_call_info *ci, uint64_t now_ms);
int mg_ctl_json_dir(char *buf, size_t n, const struct mg_dir_entry *en, uint64_t now_ms);
int mg_ctl_json_reg(char *buf, size_t n, const struct mg_reg_info *ri);
/* Row i of a call's ladder: 0 the call's row, then one object per step;
 * -1 past the last row. */
int mg_ctl_json_ladder(char *buf, size_t n, const struct mg_call_ladder *l, unsigned i,
		       uint64_t now_ms);
/* A text stats row ("name N" or "drop|event name N", newline optional) as
 * its JSON row; 0 for an empty row, -1 for one that is neither. */
int mg_ctl_json_stat(char *buf, size_t n, const char *row);

/* ---- live events (formats: ctl_event.c; queues: ctl.c) ---- */

enum mg_ctl_ev_kind {
	MG_CTL_EV_FLOW_NEW = 1,
	MG_CTL_EV_FLOW_END,
	MG_CTL_EV_BINDING_NEW,
	MG_CTL_EV_BINDING_FREE,
	MG_CTL_EV_PINHOLE_OPEN,
	MG_CTL_EV_PINHOLE_CLOSE,
	MG_CTL_EV_CALL_START,
	MG_CTL_EV_CALL_END,
};

/* A call as an event tells it, filled by whoever watches the ALG (the
 * control socket knows no ALG's types). */
struct mg_ctl_ev_call {
	uint32_t id;
	bool has_guid, inbound;
	uint8_t guid[16];
	uint32_t inside, peer;  /* network order */
	uint64_t duration_ms;   /* END: since the Setup */
};

/* One event; strings in the infos must be static (they are: state, alg
 * and pinhole names come from tables). */
struct mg_ctl_event {
	uint8_t kind; /* enum mg_ctl_ev_kind */
	union {
		struct mg_flow_info flow;
		struct mg_binding_info binding;
		struct mg_pinhole_info pinhole;
		struct mg_ctl_ev_call call;
	} u;
};

/* One event line, newline included (same convention as the rows). */
int mg_ctl_fmt_event(char *buf, size_t n, const struct mg_ctl_event *ev);
int mg_ctl_json_event(char *buf, size_t n, const struct mg_ctl_event *ev);
/* The "[LOST] N events" line (json: {"event":"lost","count":N}). */
int mg_ctl_fmt_lost(char *buf, size_t n, uint64_t count, bool json);

/* ---- server (ctl.c) ---- */

struct mg_ctl;

/* Extra "name value" rows appended to `show stats` (the data plane's
 * counters); row i, same return convention as mg_ctl_fmt_stat. */
typedef int (*mg_ctl_stat_fn)(void *ctx, char *buf, size_t n, unsigned i);

/* Listen on `path` (mode 0600).  A stale socket file is replaced; a path
 * where a daemon still answers, or a non-socket file, is an error. */
struct mg_ctl *mg_ctl_open(const char *path, char *err, size_t errlen);
/* Close every connection and remove the socket file. */
void mg_ctl_close(struct mg_ctl *c);
/* What the answers describe (calls: whatever ALG keeps them,
 * mg_engine_walk_calls). */
void mg_ctl_set_source(struct mg_ctl *c, struct mg_engine *e, mg_ctl_stat_fn extra, void *extra_ctx);

/* Fill up to `max` pollfds (listening socket first while a client slot is
 * free, then the clients, each with the events it waits for); returns how
 * many.  MG_CTL_POLLFDS is always enough. */
int mg_ctl_pollfds(struct mg_ctl *c, struct pollfd *fds, int max);
/* Serve what poll reported on those fds, time out slow clients, and produce
 * one slice of answer rows (see above). */
void mg_ctl_serve(struct mg_ctl *c, const struct pollfd *fds, int n, uint64_t now_ms);
/* Rows are waiting to be produced: the caller should come back at once
 * (poll without waiting) rather than sleep. */
bool mg_ctl_pending(const struct mg_ctl *c);
/* Queue an event for every subscriber (copied; cheap with none). */
void mg_ctl_post(struct mg_ctl *c, const struct mg_ctl_event *ev);
/* Is anyone subscribed to events? */
bool mg_ctl_subscribed(const struct mg_ctl *c);
/* Clients being served (turned-away ones not counted). */
unsigned mg_ctl_nclients(const struct mg_ctl *c);

/* ---- client (ctl_client.c) ---- */

/* Send "show <what>" to the daemon at `path` and copy the answer, "end"
 * excluded, to `out`.  Returns 0; 1 if the daemon answered "error ..."
 * (copied to err, also when the daemon closed before the request was
 * sent); -1 on a connection problem or when timeout_ms pass without a
 * byte of the answer (message in err, saying what to do when no daemon
 * listens).  With `json` (the request asks for json rows), the rows are
 * checked and gathered into one document written once the answer is
 * complete: an array of the row objects, or for `stats` one object of
 * their members; nothing is written on failure. */
int mg_ctl_request(const char *path, const char *what, bool json, FILE *out, int timeout_ms,
		   char *err, size_t errlen);

/* `meetgate events`: subscribe ("events [json]") and copy every line to
 * `out` (flushed per read) until the daemon closes the stream.  Returns 1
 * with the reason in err when the daemon answers "error ..." or closes;
 * -1 on a connection problem. */
int mg_ctl_events(const char *path, bool json, FILE *out, char *err, size_t errlen);

#endif
