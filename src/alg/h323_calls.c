/* h323_calls.c - the H.323 calls as reports see them (struct mg_call_info,
 * core/engine.h): the call table walked in slices, a call's ladder, and the
 * counters of its media flows.  The ladder is a fixed ring of
 * MG_CALL_STEPS steps per call, filled from the trace events the ALG
 * reports anyway, so it costs nothing to allocate and never grows. */
#include <string.h>

#include "alg/h323_priv.h"

static const char *state_name(uint8_t s)
{
	static const char *const n[] = {"setup", "proceeding", "alerting", "connected", "released"};
	return s < sizeof(n) / sizeof(n[0]) ? n[s] : "unknown";
}

static void call_info(const struct h323_call *c, struct mg_call_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	ci->id = c->id;
	ci->has_guid = c->has_guid;
	memcpy(ci->guid, c->guid, 16);
	ci->inside_addr = c->inside;
	ci->peer_addr = c->peer;
	ci->inbound = c->inbound;
	ci->alg = "h323";
	ci->state = state_name(c->state);
	ci->route = c->route ? c->route : (c->inbound ? "direct" : "outbound");
	ci->pinholes = c->n_pin;
	ci->bindings = c->n_bind;
	ci->messages = c->msgs;
	ci->rewrites = c->rewrites;
	ci->created_ms = c->created;
	ci->last_ms = c->last;
	memcpy(ci->media_pkts, c->media_pkts, sizeof(ci->media_pkts));
	memcpy(ci->media_bytes, c->media_bytes, sizeof(ci->media_bytes));
	memcpy(ci->alias, c->alias, sizeof(ci->alias));
	memcpy(ci->n_alias, c->n_alias, sizeof(ci->n_alias));
}

bool mg_h323_walk_calls(void *state, struct mg_walk *w, mg_call_fn fn, void *ctx)
{
	struct mg_h323 *h = state;
	for (; w->pos < h->ncalls && w->slots > 0 && w->rows > 0; w->pos++, w->slots--) {
		const struct h323_call *c = &h->calls[w->pos];
		if (!c->used)
			continue;
		struct mg_call_info ci;
		call_info(c, &ci);
		fn(ctx, &ci);
		w->rows--;
	}
	return w->pos < h->ncalls;
}

bool mg_h323_call_ladder(void *state, uint32_t id, struct mg_call_ladder *out)
{
	struct mg_h323 *h = state;
	uint32_t k = mg_h323_call_by_id(h, id);
	if (k == MG_NIL)
		return false;
	const struct h323_call *c = &h->calls[k];
	call_info(c, &out->ci);
	out->n = c->n_step < MG_CALL_STEPS ? c->n_step : MG_CALL_STEPS;
	out->lost = c->n_step - out->n;
	for (uint32_t i = 0; i < out->n; i++)
		out->step[i] = c->step[(out->lost + i) % MG_CALL_STEPS];
	return true;
}

void mg_h323_media(void *state, uint32_t alg_ctx, bool from_inside, uint32_t len)
{
	struct mg_h323 *h = state;
	if (!(alg_ctx & H323_CTX_CALL))
		return;
	uint32_t k = mg_h323_call_by_id(h, alg_ctx & ~H323_CTX_CALL);
	if (k == MG_NIL)
		return; /* a flow that outlived its call */
	struct h323_call *c = &h->calls[k];
	c->media_pkts[!from_inside]++;
	c->media_bytes[!from_inside] += len;
}

void mg_h323_step(struct mg_h323 *h, struct h323_call *c, const struct mg_call_trace *t)
{
	static const uint8_t kind[] = {
		[MG_H323_TR_MSG] = MG_STEP_MSG,
		[MG_H323_TR_REWRITE] = MG_STEP_REWRITE,
		[MG_H323_TR_PIN_OPEN] = MG_STEP_PIN_OPEN,
		[MG_H323_TR_PIN_CLOSE] = MG_STEP_PIN_CLOSE,
		[MG_H323_TR_PROBLEM] = MG_STEP_PROBLEM,
	};
	if (!c->used || t->kind >= sizeof(kind) || kind[t->kind] == 0)
		return;
	uint64_t dt = h->now > c->created ? h->now - c->created : 0;
	struct mg_call_step *s = &c->step[c->n_step % MG_CALL_STEPS];
	*s = (struct mg_call_step){
		.t_ms = dt > UINT32_MAX ? UINT32_MAX : (uint32_t)dt,
		.kind = kind[t->kind],
		.from_inside = t->from_inside,
		.h245 = t->h245,
		.reason = t->reason,
		.name = t->name,
		.ip = {t->ip[0], t->ip[1]},
		.port = {t->port[0], t->port[1]},
		.count = t->count,
	};
	if (c->n_step == UINT32_MAX)
		c->n_step -= MG_CALL_STEPS; /* keeps the ring's position */
	c->n_step++;
}
