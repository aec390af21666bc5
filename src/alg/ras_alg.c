/* ras_alg.c - the RAS ALG's hooks: which datagrams it decodes, what goes to
 * policy, timers; see ras.h.  Addresses are translated in ras_xlate.c,
 * registrations followed in ras_reg.c, held bindings in ras_hold.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alg/guards.h"
#include "alg/ras_priv.h"
#include "core/config.h"

/* Who sends, to whom, and where it goes after translation. */
static void set_cur(struct mg_ras_alg *ra, uint32_t flow, int dir, bool from_inside, uint64_t now)
{
	const struct mg_flow *f = mg_alg_flow(ra->e, flow);
	struct ras_cur *c = &ra->cur;
	c->now = now;
	c->flow = flow;
	c->dir = dir;
	c->from_inside = from_inside;
	c->reg_full = false;
	c->sender = mg_addr_v4(&f->k[dir].src);
	c->sport = f->k[dir].sport;
	c->peer = mg_addr_v4(&f->k[dir].dst);
	c->dport = f->k[dir].dport;
	c->pub = mg_addr_v4(&f->k[1 - dir].dst);
	c->pub_port = f->k[1 - dir].dport;
	c->inside = mg_addr_v4(&f->k[1 - dir].src);
	c->inside_port = f->k[1 - dir].sport;
}

/* Does the message name an inside address (an H.460 one leaving as it is)? */
static bool carries_inside(const struct mg_ras_alg *ra)
{
	const struct mg_config *c = mg_engine_config(ra->e);
	for (unsigned i = 0; i < ra->scan.n_addr; i++) {
		uint32_t ip;
		memcpy(&ip, ra->scan.addr[i].ip, 4);
		if (ra->scan.addr[i].family == 4 && mg_config_is_inside(c, ip))
			return true;
	}
	return false;
}

static struct mg_alg_verdict inspect(void *state, struct mg_engine *e, uint32_t flow, struct mg_pkt *p,
				     int dir, uint64_t now)
{
	struct mg_ras_alg *ra = state;
	struct mg_alg_verdict v = {MG_R_NONE, false, false};
	if (p->proto != MG_PROTO_UDP || p->family != MG_AF_INET)
		return v;
	bool out = mg_guard_crosses_nat(e, flow, dir);
	bool in = !out && mg_guard_crosses_nat(e, flow, 1 - dir);
	if (!out && !in)
		return v; /* no NAT between them: nothing to hide or to restore */
	if (!mg_engine_config(e)->alg_ras) {
		if (out)
			return mg_guard_leak(e, MG_R_RAS_UNTRANSLATED, p, "RAS from the inside");
		return v;
	}
	uint8_t *msg = p->l3 + p->payoff;
	set_cur(ra, flow, dir, out, now);
	struct mg_h323_scan *s = &ra->scan;
	mg_h323_scan_init(s, msg, p->paylen);
	enum mg_reason r = mg_ras_scan_aliases(s, msg, p->paylen, &ra->al);
	if (r != MG_R_NONE) {
		char who[16], t[MG_TUPLE_STR];
		mg_ras_addr_str(ra->cur.sender, who);
		mg_tuple_str(&p->t, t, sizeof(t));
		v.reason = mg_alg_untranslatable(e, r, out ? 0 : MG_ALG_UT_MALFORMED_OUTSIDE,
						 "%s: %s from %s: cannot decode %s", t, mg_ras_name(s->ras_type),
						 who, s->err_where ? s->err_where : "message");
		return v;
	}
	bool names = s->ras_h46018 || s->ras_h46019;
	if (out && mg_alg_h460_traverses(e, ra->cur.sender, names)) {
		char who[16];
		mg_ras_addr_str(ra->cur.sender, who);
		mg_alg_event(e, MG_R_RAS_H460, "%s from %s: H.460.18/.19 endpoint, passed unmodified%s",
			     mg_ras_name(s->ras_type), who, carries_inside(ra) ? ", inside addresses in it" : "");
		mg_ras_reg_message(ra);
		return v;
	}
	if (names) {
		char who[16];
		mg_ras_addr_str(ra->cur.sender, who);
		mg_alg_event(e, MG_R_H460_TRANSLATED, "%s from %s names H.460.%s: translated (%s)",
			     mg_ras_name(s->ras_type), who, s->ras_h46018 ? "18" : "19",
			     !out ? "from outside" : mg_engine_config(e)->h460 == MG_H460_TRANSLATE
							  ? "alg h460 translate"
							  : "not confirmed by its gatekeeper");
	}
	v.reason = mg_ras_xlate(ra, msg, p->paylen, &v.payload_changed);
	if (v.reason == MG_R_NONE)
		mg_ras_reg_message(ra);
	return v;
}

/* Once a second: registrations and held bindings that ran out. */
static void tick(void *state, struct mg_engine *e, uint64_t now)
{
	struct mg_ras_alg *ra = state;
	if (now / 1000 == ra->last_tick_s)
		return;
	ra->last_tick_s = now / 1000;
	mg_ras_reg_expire(ra, now);
	mg_ras_hold_expire(ra, now);
}

static bool walk_regs(void *state, struct mg_walk *w, uint64_t now, mg_reg_fn fn, void *ctx);
static bool h460_confirmed(void *state, uint32_t addr)
{
	return mg_ras_reg_h460(state, addr);
}
static const struct mg_alg_ops ras_ops = {
	.name = "ras", .inspect = inspect, .tick = tick, .walk_regs = walk_regs, .h460_confirmed = h460_confirmed};

static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 1;
	while (p < n && p < (1u << 24))
		p <<= 1;
	return p;
}

struct mg_ras_alg *mg_ras_alg_attach(struct mg_engine *e)
{
	const struct mg_config *c = mg_engine_config(e);
	struct mg_ras_alg *ra = calloc(1, sizeof(*ra));
	if (!ra)
		return NULL;
	ra->e = e;
	ra->nreg = c->max_registrations ? c->max_registrations : 1;
	ra->nbucket = pow2_at_least(ra->nreg);
	ra->mask = ra->nbucket - 1;
	ra->nhold = ra->nreg > RAS_HOLDS_MIN ? ra->nreg : RAS_HOLDS_MIN;
	ra->reg = calloc(ra->nreg, sizeof(*ra->reg));
	ra->bucket = malloc(ra->nbucket * sizeof(*ra->bucket));
	ra->hold = calloc(ra->nhold, sizeof(*ra->hold));
	if (!ra->reg || !ra->bucket || !ra->hold) {
		mg_ras_alg_free(ra);
		return NULL;
	}
	for (uint32_t i = 0; i < ra->nbucket; i++)
		ra->bucket[i] = MG_NIL;
	ra->last_tick_s = UINT64_MAX;
	mg_engine_set_alg(e, MG_ALG_RAS, &ras_ops, ra);
	return ra;
}

/* Only the memory: the engine, freed first or with it, holds the rest. */
void mg_ras_alg_free(struct mg_ras_alg *ra)
{
	if (!ra)
		return;
	free(ra->reg);
	free(ra->bucket);
	free(ra->hold);
	free(ra);
}

/* Slots of the table from w->pos, within the walk's budget. */
static bool walk_regs(void *state, struct mg_walk *w, uint64_t now, mg_reg_fn fn, void *ctx)
{
	const struct mg_ras_alg *ra = state;
	for (; w->pos < ra->nreg && w->slots > 0 && w->rows > 0; w->pos++, w->slots--) {
		const struct ras_reg *r = &ra->reg[w->pos];
		if (r->state != RAS_REG_LIVE)
			continue;
		struct mg_reg_info ri;
		memset(&ri, 0, sizeof(ri));
		ri.in_addr = r->sig_addr;
		ri.in_port = r->sig_port;
		ri.pub_addr = r->pub_addr;
		ri.pub_port = r->pub_port;
		ri.gk = r->gk;
		ri.ras_port = r->ras_port;
		ri.left_s = r->expire > now ? (uint32_t)((r->expire - now) / 1000) : 0;
		for (unsigned k = 0; k < r->al.n && ri.n_alias < MG_REG_ALIASES; k++)
			if (r->al.a[k].s[0])
				ri.alias[ri.n_alias++] = r->al.a[k].s;
		fn(ctx, &ri);
		w->rows--;
	}
	return w->pos < ra->nreg;
}

void mg_ras_alg_stats(const struct mg_ras_alg *ra, struct mg_ras_alg_stats *out)
{
	*out = ra->st;
}
