/* engine_calls.c - calls in the engine's API: reports ask the ALG that keeps
 * calls (the first registered one with the hooks: H.323 is the only one
 * today), and packets of a call's media flows are counted for it.  The
 * engine knows nothing of what a call is beyond struct mg_call_info. */
#include <string.h>

#include "core/engine_priv.h"

enum hook { HOOK_WALK, HOOK_LADDER, HOOK_MEDIA };

/* The first ALG slot that has the hook, or -1. */
static int alg_with(const struct mg_engine *e, enum hook h)
{
	for (int a = 1; a < MG_ALG__COUNT; a++) {
		const struct mg_alg_ops *o = e->alg[a];
		if (o && ((h == HOOK_WALK && o->walk_calls) || (h == HOOK_LADDER && o->call_ladder) ||
			  (h == HOOK_MEDIA && o->media)))
			return a;
	}
	return -1;
}

bool mg_engine_walk_calls(struct mg_engine *e, struct mg_walk *w, mg_call_fn fn, void *ctx)
{
	int a = alg_with(e, HOOK_WALK);
	return a >= 0 && e->alg[a]->walk_calls(e->alg_state[a], w, fn, ctx);
}

bool mg_engine_walk_registrations(struct mg_engine *e, struct mg_walk *w, mg_reg_fn fn, void *ctx)
{
	const struct mg_alg_ops *o = e->alg[MG_ALG_RAS];
	return o && o->walk_regs && o->walk_regs(e->alg_state[MG_ALG_RAS], w, e->now, fn, ctx);
}

void mg_engine_foreach_call(struct mg_engine *e, mg_call_fn fn, void *ctx)
{
	struct mg_walk w = {0, UINT32_MAX, UINT32_MAX};
	mg_engine_walk_calls(e, &w, fn, ctx);
}

bool mg_engine_call_ladder(struct mg_engine *e, uint32_t id, struct mg_call_ladder *out)
{
	int a = alg_with(e, HOOK_LADDER);
	return a >= 0 && e->alg[a]->call_ladder(e->alg_state[a], id, out);
}

void mg_engine_call_media(struct mg_engine *e, const struct mg_flow *f, int dir, uint32_t len)
{
	int a = alg_with(e, HOOK_MEDIA);
	if (a < 0)
		return;
	/* dir 0 travels as the flow's first packet did */
	bool from_inside = (dir == 0) == (f->orig_side == MG_SIDE_INSIDE);
	e->alg[a]->media(e->alg_state[a], f->alg_ctx, from_inside, len);
}

void mg_engine_set_call_trace(struct mg_engine *e, mg_call_trace_fn fn, void *ctx)
{
	for (int a = 1; a < MG_ALG__COUNT; a++)
		if (e->alg[a] && e->alg[a]->set_trace)
			e->alg[a]->set_trace(e->alg_state[a], fn, ctx);
}
