/* engine_report.c - the engine's tables as reports see them: flow, binding
 * and pinhole info, the hooks that deliver them as things happen, walks in
 * slices, whole-table foreach and lookups. */
#include <string.h>

#include "core/engine_priv.h"

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

bool mg_engine_walk_directory(struct mg_engine *e, struct mg_walk *w, mg_dir_entry_fn fn, void *ctx)
{
	for (; walk_room(w, e->dir.cap); w->pos++, w->slots--) {
		const struct mg_dir_entry *en = &e->dir.e[w->pos];
		if (!MG_DIR_SLOT_USED(en) || en->expire_ms <= e->now)
			continue;
		fn(ctx, en);
		w->rows--;
	}
	return w->pos < e->dir.cap;
}

uint64_t mg_engine_now(const struct mg_engine *e)
{
	return e->now;
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
