/* engine_priv.h - the engine's state, shared by the core files that make up
 * the engine (engine.c, engine_new.c, engine_report.c, alg_api.c, policy.c,
 * natapply.c, icmperr.c, frag.c). */
#ifndef MG_ENGINE_PRIV_H
#define MG_ENGINE_PRIV_H

#include "core/alg_api.h"
#include "core/config.h"
#include "core/ct.h"
#include "core/dir.h"
#include "core/engine.h"
#include "core/expect.h"
#include "core/frag.h"
#include "core/inroute.h"
#include "core/nat.h"
#include "core/pool.h"
#include "core/seqadj.h"

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
	struct mg_seqadj_pool sa;
	struct mg_dir dir; /* inside endpoints by alias (core/dir.c) */
	struct mg_pool pool; /* addresses lent to registered hosts (core/pool.c) */
	struct mg_inroute ir; /* inbound call routing (core/inroute*.c) */
	uint8_t *rw_out, *rw_scratch; /* rebuilt segments (engine_seqadj.c) */
	bool alg_logged; /* the ALG logged the drop it returns (MG_ALG_UT_VERDICT_LINE) */
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
/* The first static forward for proto to dst:dport, or NULL. */
const struct mg_forward *mg_policy_forward(const struct mg_config *c, uint8_t proto, uint32_t dst,
					   uint16_t dport);

/* engine_pool.c: lend the pool's addresses to the directory's entries
 * (the directory's pool hook; NAT reads who holds what).  Before the
 * `alias` lines are loaded. */
void mg_engine_pool_attach(struct mg_engine *e);

/* engine_seqadj.c: sequence adjustment of flows whose streams an ALG
 * resized.  On arrival, a segment's ACK and SACK blocks are mapped back
 * (before tracking); on departure mg_engine_send_prepare shifts its
 * sequence number and applies header NAT, or, when it carries an edit,
 * sends rebuilt segments through emit itself (*sent: the packet itself must
 * not go out). */
int mg_engine_seqadj_init(struct mg_engine *e);
void mg_engine_seqadj_free(struct mg_engine *e);
void mg_engine_seqadj_release(struct mg_engine *e, struct mg_flow *f);
void mg_engine_seqadj_ack(struct mg_engine *e, struct mg_flow *f, struct mg_pkt *p, int dir);
enum mg_reason mg_engine_send_prepare(struct mg_engine *e, uint32_t idx, struct mg_pkt *p, int dir,
				      enum mg_side in, enum mg_side *out, bool *sent);

/* icmperr.c: an ICMP error; returns the reason (MG_R_NONE = forward). */
enum mg_reason mg_icmp_error(struct mg_engine *e, struct mg_pkt *p, enum mg_side side);

/* engine.c */
void mg_engine_flow_release(struct mg_engine *e, uint32_t idx, uint16_t why);
enum mg_side mg_engine_route(const struct mg_engine *e, const struct mg_pkt *p, enum mg_side in);
uint64_t mg_flow_timeout_ms(const struct mg_engine *e, const struct mg_flow *f);
/* engine_calls.c: a packet of `len` bytes in direction dir on flow f, which
 * has no ALG of its own and names a call in alg_ctx (a media flow). */
void mg_engine_call_media(struct mg_engine *e, const struct mg_flow *f, int dir, uint32_t len);
/* The embryonic budget in force: max embryonic, at most half the table. */
uint32_t mg_engine_embryonic_max(const struct mg_engine *e);
/* engine_count.c: the one choke point that counts and logs reasons (pf's
 * REASON_SET).  mg_engine_drop counts a drop and logs its line (side,
 * 5-tuple or "unparsable packet" when p is NULL, length) unless the ALG
 * logged it; only mg_engine_process's exit calls it, and mg_alg_release for
 * a held packet that cannot leave.  mg_engine_count counts
 * an event, mg_engine_event counts one and logs it, mg_engine_logf only
 * logs (the count comes with the drop or event that follows).  Lines are
 * rate-limited per class (drops, events) and reason: log-rate a second. */
void mg_engine_drop(struct mg_engine *e, enum mg_reason r, const struct mg_pkt *p, enum mg_side side,
		    uint32_t len);
void mg_engine_count(struct mg_engine *e, enum mg_reason r);
void mg_engine_event(struct mg_engine *e, enum mg_reason r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void mg_engine_logf(struct mg_engine *e, enum mg_reason r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* engine_report.c: a flow and a pinhole as reports see them; tell the
 * close hook about pinhole idx before it is deleted. */
void mg_engine_flow_info(const struct mg_engine *e, const struct mg_flow *f,
			 struct mg_flow_info *fi);
void mg_engine_pinhole_info(const struct mg_engine *e, uint32_t idx, struct mg_pinhole_info *pi);
void mg_engine_pinhole_closing(struct mg_engine *e, uint32_t idx);

#endif
