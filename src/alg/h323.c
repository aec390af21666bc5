/* h323.c - the H.323 ALG: signalling flows, calls, rewrites and pinholes.
 * See h323.h for what it does; the per-address decisions are in
 * h323_addr.c. */
#include "alg/h323.h"

#include <stdlib.h>
#include <string.h>

#include "proto/h245.h"
#include "alg/h323_priv.h"
#include "proto/q931.h"

/* ---- calls ----
 *
 * A call lives in a slot of a fixed table.  Its id is unique over time and
 * is chosen so that id % ncalls is its slot: a pinhole or a media flow that
 * names a call by id finds the slot in one step and sees whether the call
 * there is still the same one.  A call belongs to the signalling
 * connection its Setup came on (its "home"): two legs with one
 * callIdentifier on two connections (a gateway hairpinning a call) are two
 * calls, and a message can act on a call only from the call's own
 * connections.  A released call gives its slot back at once; the
 * signalling flows that carried it stay, detached. */

struct h323_call *mg_h323_call_get(struct mg_h323 *h, uint32_t idx)
{
	return idx < h->ncalls && h->calls[idx].used ? &h->calls[idx] : NULL;
}

uint32_t mg_h323_call_by_id(struct mg_h323 *h, uint32_t id)
{
	if (id == 0)
		return MG_NIL;
	uint32_t k = id % h->ncalls;
	return h->calls[k].used && h->calls[k].id == id ? k : MG_NIL;
}

/* The next id above the last one that falls on slot k. */
static uint32_t next_id(struct mg_h323 *h, uint32_t k)
{
	if (h->last_id > H323_CALL_ID_MAX - 2 * h->ncalls)
		h->last_id = 0; /* after two billion calls: start over */
	uint32_t base = h->last_id + 1;
	uint32_t id = base + (k + h->ncalls - base % h->ncalls) % h->ncalls;
	if (id == 0)
		id += h->ncalls;
	h->last_id = id;
	return id;
}

static uint32_t call_new(struct mg_h323 *h, uint64_t now)
{
	for (uint32_t i = 0; i < h->ncalls; i++) {
		uint32_t k = (h->call_hint + i) % h->ncalls;
		if (!h->calls[k].used) {
			struct h323_call *c = &h->calls[k];
			memset(c, 0, sizeof(*c));
			c->used = true;
			c->id = next_id(h, k);
			c->home_sf = MG_NIL;
			c->created = c->last = now;
			h->call_hint = k + 1;
			mg_alg_stat_calls(h->e, 1, 0);
			return k;
		}
	}
	return MG_NIL;
}

static uint32_t *guid_bucket(struct mg_h323 *h, const uint8_t guid[16])
{
	return &h->gbucket[mg_siphash(mg_alg_hash_key(h->e), guid, 16) & h->gmask];
}

/* The call with this callIdentifier whose home is signalling flow sf, or
 * with home == MG_NIL, any call with it. */
static uint32_t call_by_guid(struct mg_h323 *h, const uint8_t guid[16], uint32_t home)
{
	for (uint32_t i = *guid_bucket(h, guid); i != MG_NIL; i = h->calls[i].gnext)
		if (memcmp(h->calls[i].guid, guid, 16) == 0 &&
		    (home == MG_NIL || h->calls[i].home_sf == home))
			return i;
	return MG_NIL;
}

static void call_set_guid(struct mg_h323 *h, uint32_t idx, const uint8_t guid[16])
{
	struct h323_call *c = &h->calls[idx];
	memcpy(c->guid, guid, 16);
	c->has_guid = true;
	uint32_t *b = guid_bucket(h, guid);
	c->gnext = *b;
	*b = idx;
}

/* Give the slot back (nothing refers to the call any more). */
static void call_free(struct mg_h323 *h, uint32_t idx)
{
	struct h323_call *c = &h->calls[idx];
	if (c->has_guid) {
		uint32_t *l = guid_bucket(h, c->guid);
		while (*l != MG_NIL && *l != idx)
			l = &h->calls[*l].gnext;
		if (*l == idx)
			*l = c->gnext;
	}
	c->used = false;
}

/* Close everything the call holds, detach its signalling flows and give
 * the slot back. */
/* The call's start and end, for a trace that logs calls: filled here and
 * not from h->cur, which a call ended by a timer does not describe. */
static void trace_call(struct mg_h323 *h, const struct h323_call *c, uint8_t kind, const char *why)
{
	struct mg_call_trace t = {
		.kind = kind,
		.call = c->id,
		.from_inside = !c->inbound,
		.name = why,
		.now = h->now,
		.guid = c->has_guid ? c->guid : NULL,
		.created = c->created,
		.cause = c->cause,
	};
	if (kind == MG_H323_TR_CALL_START) {
		const struct h323_cur *cur = &h->cur;
		t.sender = cur->sender;
		t.receiver = cur->receiver;
		t.ip[0] = cur->peer_seen;
		t.port[0] = cur->peer_seen_port;
		t.ip[1] = cur->receiver;
		t.port[1] = cur->receiver_port;
	} else {
		t.sender = c->inside;
		t.receiver = c->peer;
	}
	h->trace(h->trace_ctx, &t);
}

void mg_h323_call_end(struct mg_h323 *h, uint32_t idx, const char *why)
{
	struct h323_call *c = mg_h323_call_get(h, idx);
	if (!c)
		return;
	if (h->trace)
		trace_call(h, c, MG_H323_TR_CALL_END, why);
	H323_TRACE(h, c, .kind = MG_H323_TR_PIN_CLOSE, .count = c->n_pin, .name = "call ended");
	mg_alg_pinhole_close_owner(h->e, c->id);
	c->n_pin = 0;
	for (uint32_t i = 0; i < c->n_bind; i++)
		mg_alg_unbind(h->e, c->binds[i]);
	c->n_bind = 0;
	mg_alg_stat_calls(h->e, 0, 1);
	/* every flow that names the slot lets go of it, so that a later call
	 * in the same slot is never taken for this one */
	for (uint32_t i = 0; i < h->nsf; i++) {
		if (h->sf[i].used && h->sf[i].call == idx) {
			h->sf[i].call = MG_NIL;
			c->nflows--;
			if (h->sf[i].kind == MG_ALG_H323_Q931)
				mg_alg_flow(h->e, h->sf[i].flow)->alg_flags |= H323_FF_NOCALL;
		}
	}
	call_free(h, idx);
}

/* Close the pinholes of one logical channel. */
void mg_h323_call_close_channel(struct mg_h323 *h, struct h323_call *c, uint16_t lcn, uint8_t side)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < c->n_pin; i++) {
		if (c->pins[i].lcn == lcn && c->pins[i].chan_side == side && lcn != 0)
			mg_alg_pinhole_close(h->e, c->pins[i].idx, c->id);
		else
			c->pins[k++] = c->pins[i];
	}
	c->n_pin = k;
}

/* ---- signalling flows ---- */

static struct h323_sigflow *sigflow_find(struct mg_h323 *h, uint32_t flow)
{
	struct mg_flow *f = mg_alg_flow(h->e, flow);
	if (f->alg_ctx != MG_NIL && !(f->alg_ctx & H323_CTX_CALL) && f->alg_ctx < h->nsf &&
	    h->sf[f->alg_ctx].used && h->sf[f->alg_ctx].flow == flow)
		return &h->sf[f->alg_ctx];
	return NULL;
}

/* A signalling context for a flow that carries its first bytes: contexts
 * are not spent on connections that never say anything (a SYN flood, idle
 * connections).  Both streams start after their SYNs, which TCP tracking
 * remembers. */
static struct h323_sigflow *sigflow_new(struct mg_h323 *h, uint32_t flow, uint8_t kind)
{
	struct mg_flow *f = mg_alg_flow(h->e, flow);
	uint32_t call = MG_NIL;
	if (f->alg_ctx != MG_NIL && (f->alg_ctx & H323_CTX_CALL))
		call = mg_h323_call_by_id(h, f->alg_ctx & ~H323_CTX_CALL);
	for (uint32_t i = 0; i < h->nsf; i++) {
		uint32_t k = (h->sf_hint + i) % h->nsf;
		if (h->sf[k].used)
			continue;
		struct h323_sigflow *sf = &h->sf[k];
		memset(sf, 0, sizeof(*sf));
		sf->used = true;
		sf->kind = kind;
		sf->flow = flow;
		sf->call = MG_NIL;
		sf->via_pinhole = f->alg_ctx != MG_NIL && (f->alg_ctx & H323_CTX_CALL);
		for (int d = 0; d < 2; d++) {
			mg_stream_init(&sf->st[d], &mg_stream_tpkt);
			if (f->tcp.d[d].flags & MG_TCPF_SEEN)
				mg_stream_start(&sf->st[d], f->tcp.d[d].isn + 1);
		}
		h->sf_hint = k + 1;
		mg_alg_flow_set_ctx(h->e, flow, k);
		if (call != MG_NIL)
			mg_h323_sigflow_attach(h, sf, call);
		return sf;
	}
	return NULL;
}

void mg_h323_sigflow_attach(struct mg_h323 *h, struct h323_sigflow *sf, uint32_t call)
{
	if (sf->call == call)
		return;
	uint32_t old_idx = sf->call;
	struct h323_call *old = old_idx != MG_NIL ? mg_h323_call_get(h, old_idx) : NULL;
	sf->call = call;
	if (old && --old->nflows == 0) /* a new call took the old one's only connection */
		mg_h323_call_end(h, old_idx, "replaced by a new call on its connection");
	struct h323_call *c = mg_h323_call_get(h, call);
	if (c) {
		c->nflows++;
		sf->last_call_id = c->id;
		if (sf->kind == MG_ALG_H323_Q931)
			mg_h323_limit_called(h, mg_alg_flow(h->e, sf->flow));
	}
}

/* ---- messages ---- */

static enum mg_reason on_message(void *ctx, struct mg_rw_msg *m)
{
	struct mg_h323 *h = ctx;
	uint8_t *msg = m->b;
	uint32_t len = m->len;
	struct h323_cur *cur = &h->cur;
	if (len <= 4)
		return MG_R_NONE; /* empty TPKT: a keep-alive */
	mg_h323_scan_init(&h->scan, msg, len);
	enum mg_reason r;
	if (cur->sf->kind == MG_ALG_H245)
		r = mg_h245_scan_msg(&h->scan, msg + 4, len - 4, MG_C_H245);
	else
		r = mg_q931_scan(&h->scan, msg + 4, len - 4);
	r = mg_h323_apply(h, m, r);
	struct h323_call *c = cur->hist;
	cur->hist = NULL;
	if (c && c->used && !c->aliases_seen && cur->sf->kind == MG_ALG_H323_Q931 &&
	    h->scan.body == MG_H225_SETUP) {
		c->aliases_seen = true; /* a re-sent Setup says nothing new */
		uint16_t port = mg_h323_listen_port(h);
		mg_h323_aliases(h, c, msg + 4, len - 4);
		if (r == MG_R_NONE && cur->from_inside && !c->inbound)
			mg_h323_learn(h, c, port);
	}
	return r;
}

static struct mg_alg_verdict inspect(void *state, struct mg_engine *e, uint32_t flow, struct mg_pkt *p,
				     int dir, uint64_t now, uint8_t kind)
{
	struct mg_h323 *h = state;
	struct mg_alg_verdict v = {MG_R_NONE, false, false};
	if (p->proto != MG_PROTO_TCP || p->family != MG_AF_INET)
		return v;
	struct mg_flow *fl = mg_alg_flow(e, flow);
	if ((fl->alg_flags & H323_FF_COUNTED) && fl->tcp.state >= MG_TCP_LAST_ACK)
		mg_h323_limit_gone(h, fl); /* both ends closed (or a RST): no longer held */
	struct h323_sigflow *sf = sigflow_find(h, flow);
	if (!sf && p->paylen == 0)
		return v; /* nothing to read yet */
	if (!sf)
		sf = sigflow_new(h, flow, kind);
	if (!sf) {
		v.reason = mg_alg_untranslatable(e, MG_R_ALG_CALL_TABLE_FULL, 0,
						 "no signalling context for a new flow");
		return v;
	}
	const struct mg_flow *f = mg_alg_flow(e, flow);
	h->cur.flow = flow;
	h->cur.dir = dir;
	h->cur.sf = sf;
	h->cur.now = now;
	h->now = now;
	h->cur.sender = mg_addr_v4(&f->k[dir].src);
	h->cur.sender_port = f->k[dir].sport;
	h->cur.peer_seen = mg_addr_v4(&f->k[dir].dst);
	h->cur.peer_seen_port = f->k[dir].dport;
	h->cur.receiver = mg_addr_v4(&f->k[1 - dir].src);
	h->cur.receiver_port = f->k[1 - dir].sport;
	h->cur.from_inside = mg_config_is_inside(mg_engine_config(e), h->cur.sender);
	/* with the drop policy, re-sent bytes must not carry the sender's address */
	uint32_t guard = h->cur.from_inside && mg_engine_config(e)->untranslatable == MG_UNTRANS_DROP
				 ? h->cur.sender
				 : 0;
	return mg_stream_input(&sf->st[dir], &h->hold, e, flow, p, dir, now, guard, on_message, h);
}

static struct mg_alg_verdict inspect_q931(void *state, struct mg_engine *e, uint32_t flow,
					  struct mg_pkt *p, int dir, uint64_t now)
{
	return inspect(state, e, flow, p, dir, now, MG_ALG_H323_Q931);
}

static struct mg_alg_verdict inspect_h245(void *state, struct mg_engine *e, uint32_t flow,
					  struct mg_pkt *p, int dir, uint64_t now)
{
	return inspect(state, e, flow, p, dir, now, MG_ALG_H245);
}

static void flow_end(void *state, struct mg_engine *e, uint32_t flow)
{
	struct mg_h323 *h = state;
	struct mg_flow *f = mg_alg_flow(e, flow);
	mg_h323_limit_gone(h, f);
	if (f->alg_ctx == MG_NIL || (f->alg_ctx & H323_CTX_CALL) || f->alg_ctx >= h->nsf)
		return;
	struct h323_sigflow *sf = &h->sf[f->alg_ctx];
	if (!sf->used || sf->flow != flow)
		return;
	mg_stream_release(&sf->st[0], &h->hold);
	mg_stream_release(&sf->st[1], &h->hold);
	struct h323_call *c = sf->call != MG_NIL ? mg_h323_call_get(h, sf->call) : NULL;
	if (c) {
		c->nflows--;
		sf->call = MG_NIL;
		if (c->nflows == 0) /* its last signalling flow is gone */
			mg_h323_call_end(h, (uint32_t)(c - h->calls),
				      f->tcp.state >= MG_TCP_FIN_WAIT ? "signalling closed"
								       : "signalling timed out");
	}
	sf->used = false;
}

static void tick(void *state, struct mg_engine *e, uint64_t now)
{
	struct mg_h323 *h = state;
	if (now > h->now)
		h->now = now;
	if (now / 1000 == h->last_tick_s)
		return;
	h->last_tick_s = now / 1000;
	for (uint32_t i = 0; i < h->hold.cap; i++) {
		struct mg_hold_area *a = &h->hold.a[i];
		if (!a->used || now - a->since < MG_HOLD_TIMEOUT_MS)
			continue;
		struct mg_flow *f = mg_alg_flow(e, a->flow);
		if (f->alg_ctx == MG_NIL || (f->alg_ctx & H323_CTX_CALL) || f->alg_ctx >= h->nsf) {
			a->used = false;
			continue;
		}
		struct mg_stream *st = &h->sf[f->alg_ctx].st[a->dir];
		if (st->hold == i && mg_stream_timeout(st, &h->hold, now)) {
			mg_alg_event(e, MG_R_ALG_STREAM_OVERFLOW,
				     "incomplete signalling message held too long: discarded");
			continue;
		}
		if (st->hold != i)
			a->used = false;
		mg_alg_count(e, MG_R_ALG_STREAM_OVERFLOW);
	}
}

static enum mg_reason admit(void *state, struct mg_engine *e, uint32_t flow)
{
	struct mg_h323 *h = state;
	struct mg_flow *f = mg_alg_flow(e, flow);
	return mg_h323_limit_admit(h, f); /* a refusal is logged as the drop it is */
}

/* A call-signalling connection that carries no call, yet or any more, may
 * idle only `timeout signalling-idle` seconds. */
static uint32_t idle_s(void *state, const struct mg_flow *f)
{
	struct mg_h323 *h = state;
	return (f->alg_flags & H323_FF_NOCALL) ? mg_engine_config(h->e)->to.sig_idle : 0;
}

static void set_trace(void *state, mg_call_trace_fn fn, void *ctx)
{
	mg_h323_set_trace(state, fn, ctx);
}

static const struct mg_alg_ops q931_ops = {
	.name = "h323-q931", .inspect = inspect_q931, .flow_end = flow_end, .tick = tick,
	.call_of = mg_h323_call_of_ctx, .admit = admit, .idle_s = idle_s,
	.walk_calls = mg_h323_walk_calls, .call_ladder = mg_h323_call_ladder, .media = mg_h323_media,
	.set_trace = set_trace, .route = mg_h323_route,
};
static const struct mg_alg_ops h245_ops = {
	.name = "h245", .inspect = inspect_h245, .flow_end = flow_end, .call_of = mg_h323_call_of_ctx,
};

struct mg_h323 *mg_h323_attach(struct mg_engine *e)
{
	const struct mg_config *cfg = mg_engine_config(e);
	struct mg_h323 *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->e = e;
	h->ncalls = cfg->max_calls ? cfg->max_calls : 1;
	h->nsf = h->ncalls * 2;
	h->calls = calloc(h->ncalls, sizeof(*h->calls));
	h->sf = calloc(h->nsf, sizeof(*h->sf));
	uint32_t nb = 16;
	while (nb < h->ncalls)
		nb <<= 1;
	h->gbucket = malloc(sizeof(uint32_t) * nb);
	h->gmask = nb - 1;
	uint32_t areas = h->ncalls / 16 < 16 ? 16 : h->ncalls / 16;
	if (!h->calls || !h->sf || !h->gbucket || mg_hold_pool_init(&h->hold, areas) < 0 ||
	    mg_h323_limit_init(&h->lim, h->nsf) < 0) {
		mg_h323_free(h);
		return NULL;
	}
	for (uint32_t i = 0; i <= h->gmask; i++)
		h->gbucket[i] = MG_NIL;
	h->last_tick_s = UINT64_MAX;
	h->call_hint = 1; /* the first call gets id 1 */
	mg_engine_set_alg(e, MG_ALG_H323_Q931, &q931_ops, h);
	mg_engine_set_alg(e, MG_ALG_H245, &h245_ops, h);
	return h;
}

void mg_h323_set_trace(struct mg_h323 *h, mg_call_trace_fn fn, void *ctx)
{
	h->trace = fn;
	h->trace_ctx = ctx;
}

void mg_h323_trace_emit(struct mg_h323 *h, const struct h323_call *c, struct mg_call_trace *t)
{
	if (t->kind == MG_H323_TR_REWRITE && t->name == NULL)
		t->name = h->cur.addr_field;
	t->call = c ? c->id : 0;
	t->guid = c && c->has_guid ? c->guid : NULL;
	t->created = c ? c->created : 0;
	t->now = h->cur.now;
	t->from_inside = h->cur.from_inside;
	t->sender = h->cur.sender;
	t->receiver = h->cur.receiver;
	/* the ladder is the call's own state (c is const to the callers) */
	struct h323_call *lc = c ? &h->calls[c - h->calls] : h->cur.hist;
	if (lc)
		mg_h323_step(h, lc, t);
	if (h->trace)
		h->trace(h->trace_ctx, t);
}

void mg_h323_free(struct mg_h323 *h)
{
	if (!h)
		return;
	mg_hold_pool_free(&h->hold);
	mg_h323_limit_free(&h->lim);
	free(h->gbucket);
	free(h->calls);
	free(h->sf);
	free(h);
}

static bool guid_is_zero(const uint8_t g[16])
{
	for (int i = 0; i < 16; i++)
		if (g[i])
			return false;
	return true;
}

/* How the Setup of a new call got through (struct mg_call_info.route). */
static const char *call_route(struct mg_h323 *h, const struct h323_cur *cur)
{
	if (cur->from_inside)
		return "outbound";
	const char *routed = mg_alg_flow_route(h->e, cur->flow);
	if (routed)
		return routed;
	if (cur->sf->via_pinhole)
		return "pinhole";
	return (mg_alg_flow(h->e, cur->flow)->flags & MG_FLOW_DNAT) ? "forward" : "direct";
}

uint32_t mg_h323_call_for_message(struct mg_h323 *h)
{
	struct h323_cur *cur = &h->cur;
	struct mg_h323_scan *s = &h->scan;
	uint32_t home = (uint32_t)(cur->sf - h->sf);
	bool guid = s->has_call_id && !guid_is_zero(s->call_id);
	cur->table_full = false;
	if (guid) {
		uint32_t k = call_by_guid(h, s->call_id, home);
		if (k != MG_NIL) {
			mg_h323_sigflow_attach(h, cur->sf, k);
			return k;
		}
	}
	if (s->body != MG_H225_SETUP) {
		if (guid && call_by_guid(h, s->call_id, MG_NIL) != MG_NIL) {
			/* another connection's call: this one may not touch it */
			mg_alg_event(h->e, MG_R_ALG_FOREIGN_CALL,
				     "%s from %s names the callIdentifier of a call on another connection: ignored",
				     mg_h323_body_name(s->body), mg_h323_addr_str(cur->sender).s);
			return MG_NIL;
		}
		/* no callIdentifier (H.225.0 v1), or one we never saw: the
		 * connection's own call, if any */
		return cur->sf->call != MG_NIL && mg_h323_call_get(h, cur->sf->call) ? cur->sf->call : MG_NIL;
	}
	uint32_t k = call_new(h, cur->now);
	if (k == MG_NIL) {
		cur->table_full = true;
		mg_alg_log(h->e, MG_R_ALG_CALL_TABLE_FULL, "setup from %s: all %u call slots in use",
			   mg_h323_addr_str(cur->sender).s, h->ncalls);
		return MG_NIL;
	}
	struct h323_call *c = &h->calls[k];
	if (guid)
		call_set_guid(h, k, s->call_id);
	c->home_sf = home;
	c->inbound = !cur->from_inside;
	c->inside = cur->from_inside ? cur->sender : cur->receiver;
	c->peer = cur->from_inside ? cur->peer_seen : cur->sender;
	c->route = call_route(h, cur);
	mg_h323_sigflow_attach(h, cur->sf, k);
	if (c->inbound && mg_alg_flow_route(h->e, cur->flow))
		mg_h323_follow_call(h, c, mg_addr_v4(&mg_alg_flow(h->e, cur->flow)->k[0].dst));
	if (h->trace)
		trace_call(h, c, MG_H323_TR_CALL_START, NULL);
	return k;
}

uint32_t mg_h323_call_of_ctx(void *state, uint32_t alg_ctx)
{
	struct mg_h323 *h = state;
	if (alg_ctx == MG_NIL)
		return 0;
	if (alg_ctx & H323_CTX_CALL)
		return alg_ctx & ~H323_CTX_CALL;
	if (alg_ctx >= h->nsf || !h->sf[alg_ctx].used)
		return 0;
	return h->sf[alg_ctx].last_call_id;
}
