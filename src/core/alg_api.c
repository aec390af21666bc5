/* alg_api.c - what the engine offers application-layer gateways (see
 * alg_api.h). */
#include <stdarg.h>
#include <stdio.h>

#include "core/engine_priv.h"
#include "core/rewrite.h"

void mg_engine_set_alg(struct mg_engine *e, enum mg_alg_id id, const struct mg_alg_ops *ops, void *state)
{
	if ((unsigned)id < MG_ALG__COUNT) {
		e->alg[id] = ops;
		e->alg_state[id] = state;
	}
}

const struct mg_sipkey *mg_alg_hash_key(const struct mg_engine *e)
{
	return &e->key;
}

struct mg_flow *mg_alg_flow(struct mg_engine *e, uint32_t flow)
{
	return &e->ct.flow[flow];
}

void mg_alg_flow_set_ctx(struct mg_engine *e, uint32_t flow, uint32_t ctx)
{
	e->ct.flow[flow].alg_ctx = ctx;
}

uint32_t mg_alg_bind(struct mg_engine *e, uint8_t proto, uint32_t in_addr, uint16_t in_port, bool pair,
		     enum mg_reason *why)
{
	uint32_t b = mg_nat_bind(&e->nat, proto, in_addr, in_port, pair, e->now, why);
	if (b != MG_NIL) {
		e->nat.b[b].flags |= MG_BIND_ADVERTISED;
		if (pair) {
			uint32_t o = mg_nat_find_in(&e->nat, proto, in_addr, (uint16_t)(in_port + 1));
			if (o != MG_NIL)
				e->nat.b[o].flags |= MG_BIND_ADVERTISED;
		}
	}
	return b;
}

struct mg_dir *mg_alg_dir(struct mg_engine *e)
{
	return &e->dir;
}

const struct mg_binding *mg_alg_binding(struct mg_engine *e, uint32_t bind)
{
	return &e->nat.b[bind];
}

uint32_t mg_alg_find_binding(struct mg_engine *e, uint8_t proto, uint32_t in_addr, uint16_t in_port)
{
	return mg_nat_find_in(&e->nat, proto, in_addr, in_port);
}

uint32_t mg_alg_find_public(struct mg_engine *e, uint8_t proto, uint32_t pub_addr, uint16_t pub_port)
{
	return mg_nat_find_pub(&e->nat, proto, pub_addr, pub_port);
}

void mg_alg_unbind(struct mg_engine *e, uint32_t bind)
{
	if (bind != MG_NIL)
		mg_nat_unref(&e->nat, bind);
}

void mg_alg_ref(struct mg_engine *e, uint32_t bind)
{
	mg_nat_ref(&e->nat, bind);
}

uint32_t mg_alg_pinhole_open(struct mg_engine *e, const struct mg_expect *spec, uint64_t expire)
{
	int dup;
	uint32_t i = mg_expect_add(&e->ex, spec, expire, &dup);
	if (i == MG_NIL) {
		mg_engine_event(e, MG_R_EXPECT_FULL, "pinhole for port %u not opened", spec->dst_port);
		if (spec->bind != MG_NIL)
			mg_nat_unref(&e->nat, spec->bind);
		return MG_NIL;
	}
	if (dup) {
		if (spec->bind != MG_NIL)
			mg_nat_unref(&e->nat, spec->bind); /* the pinhole already holds one */
	} else {
		e->st.pinholes_opened++;
		if (e->pin_open) {
			struct mg_pinhole_info pi;
			mg_engine_pinhole_info(e, i, &pi);
			e->pin_open(e->ev_ctx, &pi);
		}
	}
	return i;
}

static void pinhole_close(struct mg_engine *e, uint32_t idx)
{
	mg_engine_pinhole_closing(e, idx);
	uint32_t b = mg_expect_del(&e->ex, idx);
	if (b != MG_NIL)
		mg_nat_unref(&e->nat, b);
	e->st.pinholes_closed++;
}

void mg_alg_pinhole_close(struct mg_engine *e, uint32_t idx, uint32_t owner)
{
	if (idx < e->ex.cap && e->ex.x[idx].used && e->ex.x[idx].owner == owner)
		pinhole_close(e, idx);
}

static void close_one(void *ctx, uint32_t idx)
{
	pinhole_close(ctx, idx);
}

void mg_alg_pinhole_close_owner(struct mg_engine *e, uint32_t owner)
{
	mg_expect_foreach_owner(&e->ex, owner, close_one, e);
}

/* ALG lines are formatted into a buffer of their own first: a line is at
 * most 400 bytes of the ALG's text after the reason's name. */
#define ALG_LINE 400

void mg_alg_count(struct mg_engine *e, enum mg_reason r)
{
	mg_engine_count(e, r);
}

void mg_alg_event(struct mg_engine *e, enum mg_reason r, const char *fmt, ...)
{
	char buf[ALG_LINE];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	mg_engine_event(e, r, "%s", buf);
}

void mg_alg_log(struct mg_engine *e, enum mg_reason r, const char *fmt, ...)
{
	char buf[ALG_LINE];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	mg_engine_logf(e, r, "%s", buf);
}

enum mg_reason mg_alg_untranslatable(struct mg_engine *e, enum mg_reason r, unsigned how,
				     const char *fmt, ...)
{
	bool outside = how & MG_ALG_UT_MALFORMED_OUTSIDE;
	bool drop = outside ? e->cfg.malformed_outside_drop : e->cfg.untranslatable == MG_UNTRANS_DROP;
	char buf[ALG_LINE];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (how & MG_ALG_UT_VERDICT_LINE) {
		const char *pass = outside ? "passed (alg malformed-outside pass)" : "passed (alg untranslatable pass)";
		mg_engine_logf(e, r, "%s: %s", buf, drop ? "dropped" : pass);
		e->alg_logged = drop;
	} else {
		mg_engine_logf(e, r, "%s", buf);
	}
	if (drop)
		return r; /* counted by the engine with the drop */
	mg_engine_count(e, r);
	return MG_R_NONE;
}

void mg_alg_stat_rewrites(struct mg_engine *e, unsigned n)
{
	e->st.alg_rewrites += n;
}

void mg_alg_stat_calls(struct mg_engine *e, int created, int ended)
{
	e->st.calls_created += (uint64_t)created;
	e->st.calls_ended += (uint64_t)ended;
	e->st.calls_active = (uint32_t)(e->st.calls_created - e->st.calls_ended);
}

void mg_alg_stat_registrations(struct mg_engine *e, int created, int ended, int expired)
{
	e->st.ras_reg_created += (uint64_t)created;
	e->st.ras_reg_ended += (uint64_t)ended;
	e->st.ras_reg_expired += (uint64_t)expired;
	e->st.ras_reg_active = (uint32_t)(e->st.ras_reg_created - e->st.ras_reg_ended - e->st.ras_reg_expired);
}

void mg_alg_release(struct mg_engine *e, uint32_t flow, int dir, uint8_t *l3, uint32_t len,
		    uint16_t paysum)
{
	struct mg_pkt p;
	if (mg_pkt_parse(&p, l3, len) != MG_R_NONE)
		return;
	struct mg_flow *f = &e->ct.flow[flow];
	if (!(f->flags & MG_FLOW_USED))
		return;
	mg_rw_payload_csum(&p, paysum);
	enum mg_side out;
	bool sent;
	enum mg_reason r = mg_engine_send_prepare(e, flow, &p, dir, (enum mg_side)f->orig_side, &out, &sent);
	if (r != MG_R_NONE) {
		/* a held segment that cannot leave: its sender sends it again */
		bool told = e->alg_logged; /* may be inside an inspect() */
		e->alg_logged = false;
		mg_engine_drop(e, r, &p, (enum mg_side)f->orig_side, len);
		e->alg_logged = told;
		return;
	}
	if (sent)
		return;
	e->st.pkts_out[out]++;
	if (e->emit)
		e->emit(e->emit_ctx, l3, len, out, e->now);
}

const char *mg_alg_flow_route(struct mg_engine *e, uint32_t flow)
{
	if (!e->ir.how || flow >= e->ir.nflows)
		return NULL;
	return mg_inroute_how_name(e->ir.how[flow]);
}

bool mg_alg_forward_for(struct mg_engine *e, uint8_t proto, uint32_t pub, uint16_t port, uint32_t *to_addr,
			uint16_t *to_port)
{
	const struct mg_forward *fw = mg_policy_forward(&e->cfg, proto, pub, port);
	if (!fw)
		return false;
	*to_addr = fw->to_addr;
	*to_port = (uint16_t)(fw->to_port + (port - fw->pub_port));
	return true;
}
