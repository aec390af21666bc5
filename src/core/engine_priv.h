/* engine_priv.h - the engine's state, shared by the core files that make up
 * the engine (engine.c, policy.c, natapply.c, icmperr.c, frag.c). */
#ifndef MG_ENGINE_PRIV_H
#define MG_ENGINE_PRIV_H

#include "core/alg_api.h"
#include "core/config.h"
#include "core/ct.h"
#include "core/engine.h"
#include "core/expect.h"
#include "core/frag.h"
#include "core/nat.h"

struct mg_engine {
	struct mg_config cfg;
	struct mg_sipkey key;
	uint64_t rng;
	uint64_t now;
	struct mg_stats st;
	struct mg_ct ct;
	struct mg_nat nat;
	struct mg_expect_tab ex;
	struct mg_frag_tab frag;
	const struct mg_alg_ops *alg[MG_ALG__COUNT];
	void *alg_state[MG_ALG__COUNT];
	mg_emit_fn emit;
	void *emit_ctx;
	mg_log_fn log;
	void *log_ctx;
	mg_flow_fn flow_end;
	void *flow_end_ctx;
	mg_binding_fn binding_new;
	void *binding_new_ctx;
	/* optional event hooks (mg_engine_set_events): one test each when unset */
	mg_flow_fn flow_new;
	mg_binding_fn binding_free;
	mg_pinhole_fn pin_open, pin_close;
	void *ev_ctx;
	bool alg_logged; /* mg_alg_drop_logged during the current inspect() */
	/* log rate limiting: per reason, lines in the current second */
	/* log budgets per class (drop lines, event lines) and reason: a flood
	 * of drops spends only the drop class's budget */
	uint64_t log_sec[2][MG_R__COUNT];
	uint32_t log_n[2][MG_R__COUNT];
};

/* policy.c: admit a packet that matched no flow; creates the flow and
 * returns its index (dir is 0), or MG_NIL with *why. */
uint32_t mg_policy_new_flow(struct mg_engine *e, struct mg_pkt *p, enum mg_side side,
			    enum mg_reason *why);

/* natapply.c: rewrite the headers of a packet of `f` in direction dir. */
void mg_natapply(struct mg_pkt *p, const struct mg_flow *f, int dir);

/* icmperr.c: an ICMP error; returns the reason (MG_R_NONE = forward). */
enum mg_reason mg_icmp_error(struct mg_engine *e, struct mg_pkt *p, enum mg_side side);

/* engine.c */
void mg_engine_flow_release(struct mg_engine *e, uint32_t idx, uint16_t why);
enum mg_side mg_engine_route(const struct mg_engine *e, const struct mg_pkt *p, enum mg_side in);
void mg_engine_logf(struct mg_engine *e, enum mg_reason r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void mg_engine_flow_info(const struct mg_engine *e, const struct mg_flow *f,
			 struct mg_flow_info *fi);
uint64_t mg_flow_timeout_ms(const struct mg_engine *e, const struct mg_flow *f);
/* engine_new.c: a pinhole as reports see it; tell the close hook about
 * pinhole idx before it is deleted. */
void mg_engine_pinhole_info(const struct mg_engine *e, uint32_t idx, struct mg_pinhole_info *pi);
void mg_engine_pinhole_closing(struct mg_engine *e, uint32_t idx);
/* engine_calls.c: a packet of `len` bytes in direction dir on flow f, which
 * has no ALG of its own and names a call in alg_ctx (a media flow). */
void mg_engine_call_media(struct mg_engine *e, const struct mg_flow *f, int dir, uint32_t len);
/* The embryonic budget in force: max embryonic, at most half the table. */
uint32_t mg_engine_embryonic_max(const struct mg_engine *e);

#endif
