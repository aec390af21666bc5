/* alg_api.h - what the engine offers application-layer gateways.
 *
 * An ALG is a table of hooks registered on an engine (mg_engine_set_alg).
 * Flows carry an ALG id: new flows get one from policy (e.g. TCP to 1720 ->
 * H.323 call signalling) or from the pinhole that admitted them (e.g. an
 * H.245 channel).  For every packet of such a flow the engine calls
 * inspect() after connection tracking and before header NAT, so the ALG sees
 * the addresses as the sender wrote them and may rewrite payload bytes in
 * place (same length).  The ALG reaches NAT and pinholes only through the
 * functions below.
 */
#ifndef MG_ALG_API_H
#define MG_ALG_API_H

#include <stdbool.h>
#include <stdint.h>

#include "core/ct.h"
#include "core/engine.h"
#include "core/expect.h"
#include "core/inroute.h"
#include "core/nat.h"
#include "core/pkt.h"

/* RAS is an ALG (alg/ras.h) that falls back to the RAS guard (alg/guards.h:
 * inside addresses leaving untranslated go to policy) under `alg ras off`.
 * ILS is an ALG (alg/ils.h) with the ILS guard as its fall-back. */
enum mg_alg_id {
	MG_ALG_NONE = 0,
	MG_ALG_H323_Q931 = 1,
	MG_ALG_H245 = 2,
	MG_ALG_RAS = 3,
	MG_ALG_ILS = 4,
	MG_ALG__COUNT = 5
};

/* Result of inspect(): MG_R_NONE passes the packet; any other reason drops
 * it (counted and logged by the engine, unless mg_alg_untranslatable
 * logged it with MG_ALG_UT_VERDICT_LINE).  payload_changed tells the engine to carry the payload
 * edits into the L4 checksum (incrementally, from p->paysum); hold that the
 * ALG kept a copy of the packet (it will come out later through
 * mg_alg_release) and the original must not be sent now. */
struct mg_alg_verdict {
	enum mg_reason reason;
	bool payload_changed;
	bool hold;
};

struct mg_alg_ops {
	const char *name;
	struct mg_alg_verdict (*inspect)(void *state, struct mg_engine *e, uint32_t flow,
					 struct mg_pkt *p, int dir, uint64_t now);
	/* The flow is about to be freed. */
	void (*flow_end)(void *state, struct mg_engine *e, uint32_t flow);
	/* Timers: called from every mg_engine_process / mg_engine_expire. */
	void (*tick)(void *state, struct mg_engine *e, uint64_t now);
	/* The id of the call a flow's alg_ctx belongs to (reports), 0 = none.
	 * Optional. */
	uint32_t (*call_of)(void *state, uint32_t alg_ctx);
	/* A new flow of this ALG, created by policy, before its first packet
	 * is tracked: MG_R_NONE admits it, another reason refuses it (the flow
	 * is released without flow_end).  Optional. */
	enum mg_reason (*admit)(void *state, struct mg_engine *e, uint32_t flow);
	/* Idle timeout in seconds the ALG wants for the flow now, if shorter
	 * than its TCP/UDP state's; 0 = the state's.  Optional. */
	uint32_t (*idle_s)(void *state, const struct mg_flow *f);
	/* Reports on the ALG's calls (mg_engine_walk_calls and friends); the
	 * engine asks the first ALG that has them.  Optional. */
	bool (*walk_calls)(void *state, struct mg_walk *w, mg_call_fn fn, void *ctx);
	bool (*call_ladder)(void *state, uint32_t id, struct mg_call_ladder *out);
	/* A packet of `len` bytes on a flow with no ALG of its own that names a
	 * call in alg_ctx (a media flow its pinhole admitted), sent by the
	 * inside endpoint or not: for the call's media counters.  The first ALG
	 * that has the hook gets it (as with call_of).  Optional; keep it cheap,
	 * it runs for every media packet. */
	void (*media)(void *state, uint32_t alg_ctx, bool from_inside, uint32_t len);
	/* Inbound routing (core/inroute.h): b[0..len) is what a caller sent so
	 * far on its connection to public address pub, TCP 1720; decide
	 * (MG_IR_NEED while the first message is incomplete).  With
	 * MG_IR_ROUTE, also put into d->rc the ReleaseComplete the caller gets
	 * should the chosen host not answer (cause 27).  The engine asks the
	 * H.323 call-signalling ALG.  Optional: without it, routed connections
	 * are reset. */
	void (*route)(void *state, struct mg_engine *e, const uint8_t *b, uint32_t len, uint32_t pub,
		      struct mg_inroute_decision *d);
	/* Reports on the ALG's registrations (mg_engine_walk_registrations),
	 * asked of MG_ALG_RAS.  Optional. */
	bool (*walk_regs)(void *state, struct mg_walk *w, uint64_t now, mg_reg_fn fn, void *ctx);
	/* mg_engine_set_call_trace: report call events to fn.  Optional. */
	void (*set_trace)(void *state, mg_call_trace_fn fn, void *ctx);
};

void mg_engine_set_alg(struct mg_engine *e, enum mg_alg_id id, const struct mg_alg_ops *ops,
		       void *state);

struct mg_flow *mg_alg_flow(struct mg_engine *e, uint32_t flow);
/* The engine's secret hash key, for an ALG's own tables. */
const struct mg_sipkey *mg_alg_hash_key(const struct mg_engine *e);
void mg_alg_flow_set_ctx(struct mg_engine *e, uint32_t flow, uint32_t ctx);

/* NAT bindings for addresses found in signalling.  The binding is marked
 * advertised; the ALG holds one reference per successful call (two for a
 * pair) and releases them with mg_alg_unbind. */
uint32_t mg_alg_bind(struct mg_engine *e, uint8_t proto, uint32_t in_addr, uint16_t in_port,
		     bool pair, enum mg_reason *why);
const struct mg_binding *mg_alg_binding(struct mg_engine *e, uint32_t bind);
uint32_t mg_alg_find_binding(struct mg_engine *e, uint8_t proto, uint32_t in_addr,
			     uint16_t in_port);
/* The binding advertised as pub_addr:pub_port (an address an outside peer
 * echoes back), or MG_NIL. */
uint32_t mg_alg_find_public(struct mg_engine *e, uint8_t proto, uint32_t pub_addr, uint16_t pub_port);
void mg_alg_unbind(struct mg_engine *e, uint32_t bind);
/* One more reference (e.g. for a pinhole that will hold the binding). */
void mg_alg_ref(struct mg_engine *e, uint32_t bind);

/* Pinholes.  spec->bind, if set, is a binding reference the pinhole takes
 * over (released when the pinhole closes).  Returns the index or MG_NIL
 * (counted as MG_R_EXPECT_FULL). */
uint32_t mg_alg_pinhole_open(struct mg_engine *e, const struct mg_expect *spec, uint64_t expire);
/* Close pinhole idx if it is still the one `owner` opened (a pinhole that
 * expired unused may have been reused since). */
void mg_alg_pinhole_close(struct mg_engine *e, uint32_t idx, uint32_t owner);
void mg_alg_pinhole_close_owner(struct mg_engine *e, uint32_t owner);

/* Counting and logging of ALG events, under the per-reason log budget
 * (all counted at the engine's one choke point, engine_count.c).
 * mg_alg_count: an event with no line of its own; mg_alg_event: an event
 * and its line; mg_alg_log: only the line (the count comes with the drop or
 * event that follows). */
void mg_alg_count(struct mg_engine *e, enum mg_reason r);
void mg_alg_event(struct mg_engine *e, enum mg_reason r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void mg_alg_log(struct mg_engine *e, enum mg_reason r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* How mg_alg_untranslatable decides and tells (flags). */
enum {
	/* undecodable signalling from outside: "alg malformed-outside"
	 * decides, not "alg untranslatable" */
	MG_ALG_UT_MALFORMED_OUTSIDE = 1,
	/* the line ends with the verdict (": dropped", ": passed (...)") and
	 * is the drop's only line: the engine logs none of its own */
	MG_ALG_UT_VERDICT_LINE = 2,
};
/* Fail visible: a message the ALG cannot translate (or decode) is logged
 * under r with the details in fmt, then policy decides.  Drop: returns r,
 * for inspect() to return (the engine counts the drop and, unless
 * MG_ALG_UT_VERDICT_LINE, logs its drop line too).  Pass: counts r as an
 * event and returns MG_R_NONE. */
enum mg_reason mg_alg_untranslatable(struct mg_engine *e, enum mg_reason r, unsigned how,
				     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The directory of inside endpoints (core/dir.h): ALGs teach it what they
 * learn (outbound Setups' aliases, ILS registrations) and look hosts up. */
struct mg_dir *mg_alg_dir(struct mg_engine *e);
/* How inbound routing chose the inside host of flow's connection
 * ("routed-alias", "routed-number", "routed-pool", "routed-default"), or
 * NULL when the flow was not routed (core/inroute.h). */
const char *mg_alg_flow_route(struct mg_engine *e, uint32_t flow);
/* The address pool (core/pool.h), for a registration on its way: lend
 * host a pool address (one more reference; 0: no pool, or none free) and
 * give that reference back.  The directory entry the registration makes
 * takes its own reference, so the address stays while it lives. */
uint32_t mg_alg_pool_lend(struct mg_engine *e, uint32_t host);
void mg_alg_pool_return(struct mg_engine *e, uint32_t host);
/* The static forward's target for proto to pub:port (false: none). */
bool mg_alg_forward_for(struct mg_engine *e, uint8_t proto, uint32_t pub, uint16_t port, uint32_t *to_addr,
			uint16_t *to_port);

void mg_alg_stat_rewrites(struct mg_engine *e, unsigned n);
void mg_alg_stat_calls(struct mg_engine *e, int created, int ended);
/* A RAS registration confirmed (created), ended, or expired. */
void mg_alg_stat_registrations(struct mg_engine *e, int created, int ended, int expired);

/* Send on a packet of `flow` (direction dir) that the ALG held earlier: the
 * engine applies the flow's header NAT to the bytes in place (they are the
 * ALG's, as the sender wrote them, payload possibly rewritten) and hands them
 * to the emit callback.  paysum is the packet's p->paysum when it was held:
 * the payload edits since then reach the L4 checksum incrementally. */
void mg_alg_release(struct mg_engine *e, uint32_t flow, int dir, uint8_t *l3, uint32_t len,
		    uint16_t paysum);
/* A length-changing edit of direction dir's stream: original bytes
 * [pos, pos + old_len) become b[0..new_len) (core/seqadj.h).  Returns
 * MG_R_NONE or why the edit cannot be made (the caller treats the message
 * as untranslatable). */
enum mg_reason mg_alg_seqadj_add(struct mg_engine *e, uint32_t flow, int dir, uint32_t pos,
				 uint32_t old_len, const uint8_t *b, uint32_t new_len);

#endif
