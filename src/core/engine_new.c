/* engine_new.c - engine life cycle, reports and the API offered to ALGs. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine_priv.h"
#include "core/l4csum.h"
#include "core/rewrite.h"

static int check_config(const struct mg_config *c, char *err, size_t errlen)
{
	if (c->nat && c->n_public == 0) {
		snprintf(err, errlen, "nat is on but no public address is configured");
		return -1;
	}
	if (c->max_flows == 0 || c->max_bindings == 0 || c->max_pinholes == 0) {
		snprintf(err, errlen, "table sizes must be at least 1");
		return -1;
	}
	return 0;
}

static int reserve_forwards(struct mg_engine *e, char *err, size_t errlen)
{
	for (unsigned i = 0; i < e->cfg.n_forward; i++) {
		const struct mg_forward *f = &e->cfg.forward[i];
		for (unsigned a = 0; a < e->cfg.n_public; a++) {
			uint32_t pub = e->cfg.public_addr[a];
			if (f->pub_addr && f->pub_addr != pub)
				continue;
			for (uint32_t port = f->pub_port; port <= f->pub_port_hi; port++) {
				if (!mg_nat_reserve(&e->nat, f->proto, pub, (uint16_t)port)) {
					snprintf(err, errlen, "forward %u: public port %u reserved twice", i + 1, port);
					return -1;
				}
			}
		}
	}
	return 0;
}

struct mg_engine *mg_engine_new(const struct mg_config *cfg, uint64_t seed, char *err, size_t errlen)
{
	if (check_config(cfg, err, errlen) < 0)
		return NULL;
	struct mg_engine *e = calloc(1, sizeof(*e));
	if (!e)
		goto fail_engine;
	e->cfg = *cfg;
	e->rng = seed;
	e->key.k0 = mg_rand_next(&e->rng);
	e->key.k1 = mg_rand_next(&e->rng);
	if (mg_ct_init(&e->ct, cfg->max_flows, &e->key, 0) < 0)
		goto fail_ct;
	if (mg_nat_init(&e->nat, cfg, &e->key, &e->rng) < 0)
		goto fail_nat;
	if (mg_expect_init(&e->ex, cfg->max_pinholes, &e->key, 0) < 0)
		goto fail_expect;
	if (mg_frag_init(&e->frag, cfg->max_frags, &e->key) < 0)
		goto fail_frag;
	if (mg_engine_seqadj_init(e) < 0)
		goto fail_seqadj;
	if (reserve_forwards(e, err, errlen) < 0)
		goto fail_reserve;
	return e;
fail_reserve:
	mg_engine_seqadj_free(e);
fail_seqadj:
	mg_frag_free(&e->frag);
fail_frag:
	mg_expect_free(&e->ex);
fail_expect:
	mg_nat_free(&e->nat);
fail_nat:
	mg_ct_free(&e->ct);
fail_ct:
	free(e);
fail_engine:
	if (err && errlen && !err[0])
		snprintf(err, errlen, "out of memory sizing the tables");
	return NULL;
}

void mg_engine_free(struct mg_engine *e)
{
	if (!e)
		return;
	mg_engine_seqadj_free(e);
	mg_frag_free(&e->frag);
	mg_expect_free(&e->ex);
	mg_nat_free(&e->nat);
	mg_ct_free(&e->ct);
	free(e);
}

int mg_engine_reconfigure(struct mg_engine *e, const struct mg_config *cfg, char *err, size_t errlen)
{
	if (check_config(cfg, err, errlen) < 0)
		return -1;
	/* table sizes and the public address set are fixed for the engine's
	 * life: changing them needs a restart */
	if (cfg->max_flows != e->cfg.max_flows || cfg->max_bindings != e->cfg.max_bindings ||
	    cfg->max_pinholes != e->cfg.max_pinholes || cfg->n_public != e->cfg.n_public ||
	    memcmp(cfg->public_addr, e->cfg.public_addr, sizeof(uint32_t) * cfg->n_public) != 0 ||
	    cfg->port_lo != e->cfg.port_lo || cfg->port_hi != e->cfg.port_hi) {
		snprintf(err, errlen, "table sizes, public addresses and port range change only on restart");
		return -1;
	}
	e->cfg = *cfg;
	mg_nat_set_forwards(&e->nat, &e->cfg);
	return 0;
}

void mg_engine_set_emit(struct mg_engine *e, mg_emit_fn fn, void *ctx)
{
	e->emit = fn;
	e->emit_ctx = ctx;
}

void mg_engine_set_log(struct mg_engine *e, mg_log_fn fn, void *ctx)
{
	e->log = fn;
	e->log_ctx = ctx;
}

void mg_engine_set_flow_end(struct mg_engine *e, mg_flow_fn fn, void *ctx)
{
	e->flow_end = fn;
	e->flow_end_ctx = ctx;
}

static void binding_info(const struct mg_binding *b, struct mg_binding_info *bi)
{
	*bi = (struct mg_binding_info){
		.proto = b->proto,
		.in_addr = b->in_addr,
		.pub_addr = b->pub_addr,
		.in_port = b->in_port,
		.pub_port = b->pub_port,
		.refs = b->refs,
		.advertised = (b->flags & (MG_BIND_ADVERTISED | MG_BIND_TRAFFIC)) == MG_BIND_ADVERTISED,
		.created_ms = b->created,
	};
}

static void on_binding_new(void *ctx, const struct mg_binding *b)
{
	struct mg_engine *e = ctx;
	struct mg_binding_info bi;
	binding_info(b, &bi);
	e->binding_new(e->binding_new_ctx, &bi);
}

void mg_engine_set_binding_new(struct mg_engine *e, mg_binding_fn fn, void *ctx)
{
	e->binding_new = fn;
	e->binding_new_ctx = ctx;
	e->nat.on_new = fn ? on_binding_new : NULL;
	e->nat.on_new_ctx = e;
}

static void on_binding_free(void *ctx, const struct mg_binding *b)
{
	struct mg_engine *e = ctx;
	struct mg_binding_info bi;
	binding_info(b, &bi);
	e->binding_free(e->ev_ctx, &bi);
}

void mg_engine_set_events(struct mg_engine *e, const struct mg_engine_events *ev, void *ctx)
{
	static const struct mg_engine_events none;
	if (ev == NULL)
		ev = &none;
	e->flow_new = ev->flow_new;
	e->binding_free = ev->binding_free;
	e->pin_open = ev->pinhole_open;
	e->pin_close = ev->pinhole_close;
	e->ev_ctx = ctx;
	e->nat.on_free = ev->binding_free ? on_binding_free : NULL;
	e->nat.on_free_ctx = e;
}

const struct mg_stats *mg_engine_stats(const struct mg_engine *e)
{
	struct mg_stats *st = (struct mg_stats *)&e->st;
	st->flows_active = e->ct.used;
	st->flows_embryonic = e->ct.emb_n;
	st->bindings_active = e->nat.used;
	st->bindings_created = e->nat.created;
	st->bindings_expired = e->nat.freed;
	st->pinholes_active = e->ex.used;
	st->frags_active = mg_frag_active(&e->frag);
	return st;
}

const struct mg_config *mg_engine_config(const struct mg_engine *e)
{
	return &e->cfg;
}

/* The call a flow belongs to, as its ALG numbers calls.  A media flow
 * admitted by a call's pinhole has no ALG of its own but names the call in
 * alg_ctx; the first ALG that numbers calls reads it (H.323 is the only one
 * that opens such pinholes). */
static uint32_t flow_call(const struct mg_engine *e, const struct mg_flow *f)
{
	if (f->alg_ctx == MG_NIL)
		return 0;
	int lo = f->alg != MG_ALG_NONE ? f->alg : 1;
	int hi = f->alg != MG_ALG_NONE ? f->alg : MG_ALG__COUNT - 1;
	for (int a = lo; a <= hi; a++)
		if (e->alg[a] && e->alg[a]->call_of)
			return e->alg[a]->call_of(e->alg_state[a], f->alg_ctx);
	return 0;
}

void mg_engine_flow_info(const struct mg_engine *e, const struct mg_flow *f, struct mg_flow_info *fi)
{
	memset(fi, 0, sizeof(*fi));
	fi->orig = f->k[0];
	fi->reply = f->k[1];
	fi->orig_side = f->orig_side;
	if (f->k[0].proto == MG_PROTO_TCP) {
		fi->state = mg_tcp_state_name(f->tcp.state);
		fi->states_seen = f->tcp.states_seen;
	} else {
		fi->state = f->k[0].proto == MG_PROTO_UDP ? (f->pkts[1] ? "udp-stream" : "udp") : "icmp";
	}
	memcpy(fi->pkts, f->pkts, sizeof(fi->pkts));
	memcpy(fi->bytes, f->bytes, sizeof(fi->bytes));
	fi->created_ms = f->created;
	fi->last_ms = f->last;
	fi->expire_ms = f->tn.expire;
	fi->alg = (f->alg != MG_ALG_NONE && e->alg[f->alg]) ? e->alg[f->alg]->name : "";
	fi->call = flow_call(e, f);
}

/* May a walk's slice visit one more slot (and report one more row)? */
static bool walk_room(const struct mg_walk *w, uint32_t cap)
{
	return w->pos < cap && w->slots > 0 && w->rows > 0;
}

bool mg_engine_walk_flows(struct mg_engine *e, struct mg_walk *w, mg_flow_fn fn, void *ctx)
{
	for (; walk_room(w, e->ct.cap); w->pos++, w->slots--) {
		const struct mg_flow *f = &e->ct.flow[w->pos];
		if (!(f->flags & MG_FLOW_USED))
			continue;
		struct mg_flow_info fi;
		mg_engine_flow_info(e, f, &fi);
		fn(ctx, &fi);
		w->rows--;
	}
	return w->pos < e->ct.cap;
}

bool mg_engine_walk_bindings(struct mg_engine *e, struct mg_walk *w, mg_binding_fn fn, void *ctx)
{
	for (; walk_room(w, e->nat.cap); w->pos++, w->slots--) {
		const struct mg_binding *b = &e->nat.b[w->pos];
		if (!b->used)
			continue;
		struct mg_binding_info bi;
		binding_info(b, &bi);
		fn(ctx, &bi);
		w->rows--;
	}
	return w->pos < e->nat.cap;
}

void mg_engine_pinhole_info(const struct mg_engine *e, uint32_t idx, struct mg_pinhole_info *pi)
{
	const struct mg_expect *x = &e->ex.x[idx];
	*pi = (struct mg_pinhole_info){
		.proto = x->proto,
		.side = x->side,
		.remote = x->remote,
		.dst_addr = x->dst_addr,
		.dst_port = x->dst_port,
		.to_addr = x->to_addr,
		.to_port = x->to_port,
		.owner = x->owner,
		.hits = x->hits,
		.expire_ms = x->tn.expire,
		.what = x->what ? x->what : "",
	};
}

void mg_engine_pinhole_closing(struct mg_engine *e, uint32_t idx)
{
	if (e->pin_close && idx < e->ex.cap && e->ex.x[idx].used) {
		struct mg_pinhole_info pi;
		mg_engine_pinhole_info(e, idx, &pi);
		e->pin_close(e->ev_ctx, &pi);
	}
}

bool mg_engine_walk_pinholes(struct mg_engine *e, struct mg_walk *w, mg_pinhole_fn fn, void *ctx)
{
	for (; walk_room(w, e->ex.cap); w->pos++, w->slots--) {
		const struct mg_expect *x = &e->ex.x[w->pos];
		if (!x->used)
			continue;
		struct mg_pinhole_info pi;
		mg_engine_pinhole_info(e, w->pos, &pi);
		fn(ctx, &pi);
		w->rows--;
	}
	return w->pos < e->ex.cap;
}

/* The whole table in one go (replay reports). */
#define WALK_ALL {0, UINT32_MAX, UINT32_MAX}

void mg_engine_foreach_flow(struct mg_engine *e, mg_flow_fn fn, void *ctx)
{
	struct mg_walk w = WALK_ALL;
	mg_engine_walk_flows(e, &w, fn, ctx);
}

void mg_engine_foreach_binding(struct mg_engine *e, mg_binding_fn fn, void *ctx)
{
	struct mg_walk w = WALK_ALL;
	mg_engine_walk_bindings(e, &w, fn, ctx);
}

void mg_engine_foreach_pinhole(struct mg_engine *e, mg_pinhole_fn fn, void *ctx)
{
	struct mg_walk w = WALK_ALL;
	mg_engine_walk_pinholes(e, &w, fn, ctx);
}

bool mg_engine_binding_lookup(struct mg_engine *e, uint8_t proto, uint32_t in_addr, uint16_t in_port,
			      bool include_advertised, uint32_t *pub_addr, uint16_t *pub_port)
{
	uint32_t i = mg_nat_find_in(&e->nat, proto, in_addr, in_port);
	if (i == MG_NIL)
		return false;
	const struct mg_binding *b = &e->nat.b[i];
	if (!(b->flags & MG_BIND_TRAFFIC) && !include_advertised)
		return false;
	*pub_addr = b->pub_addr;
	*pub_port = b->pub_port;
	return true;
}

uint32_t mg_engine_public_for(const struct mg_engine *e, uint32_t in_addr)
{
	return mg_nat_public_for(&e->nat, in_addr);
}

/* ---- the API offered to ALGs (alg_api.h) ---- */

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

const struct mg_binding *mg_alg_binding(struct mg_engine *e, uint32_t bind)
{
	return &e->nat.b[bind];
}

uint32_t mg_alg_find_binding(struct mg_engine *e, uint8_t proto, uint32_t in_addr, uint16_t in_port)
{
	return mg_nat_find_in(&e->nat, proto, in_addr, in_port);
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

uint32_t mg_alg_public_for(struct mg_engine *e, uint32_t in_addr)
{
	return mg_nat_public_for(&e->nat, in_addr);
}

uint32_t mg_alg_pinhole_open(struct mg_engine *e, const struct mg_expect *spec, uint64_t expire)
{
	int dup;
	uint32_t i = mg_expect_add(&e->ex, spec, expire, &dup);
	if (i == MG_NIL) {
		e->st.events[MG_R_EXPECT_FULL]++;
		mg_engine_logf(e, MG_R_EXPECT_FULL, "pinhole for port %u not opened", spec->dst_port);
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

void mg_alg_count(struct mg_engine *e, enum mg_reason r)
{
	e->st.events[r]++;
}

void mg_alg_log(struct mg_engine *e, enum mg_reason r, const char *fmt, ...)
{
	char buf[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	mg_engine_logf(e, r, "%s", buf);
}

void mg_alg_drop_logged(struct mg_engine *e)
{
	e->alg_logged = true;
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
		e->st.drops++;
		e->st.dropped[r]++;
		return;
	}
	if (sent)
		return;
	e->st.pkts_out[out]++;
	if (e->emit)
		e->emit(e->emit_ctx, l3, len, out, e->now);
}

enum mg_side mg_alg_route(struct mg_engine *e, uint32_t dst)
{
	return mg_config_is_inside(&e->cfg, dst) ? MG_SIDE_INSIDE : MG_SIDE_OUTSIDE;
}
