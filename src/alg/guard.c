/* guard.c - what the RAS and ILS guards share; see guards.h. */
#include "alg/guards.h"

void mg_guards_attach(struct mg_engine *e)
{
	mg_ras_guard_attach(e);
	mg_ils_guard_attach(e);
}

bool mg_guard_crosses_nat(struct mg_engine *e, uint32_t flow, int dir)
{
	const struct mg_config *c = mg_engine_config(e);
	const struct mg_flow *f = mg_alg_flow(e, flow);
	if (!c->nat || f->k[dir].family != MG_AF_INET)
		return false;
	/* k[dir].src: the sender as it wrote the packet; k[1-dir].src: where
	 * the packet goes after translation */
	return mg_config_is_inside(c, mg_addr_v4(&f->k[dir].src)) &&
	       !mg_config_is_inside(c, mg_addr_v4(&f->k[1 - dir].src));
}

struct mg_alg_verdict mg_guard_leak(struct mg_engine *e, enum mg_reason r, const struct mg_pkt *p,
				    const char *what)
{
	struct mg_alg_verdict v = {MG_R_NONE, false, false};
	char t[MG_TUPLE_STR];
	mg_tuple_str(&p->t, t, sizeof(t));
	v.reason = mg_alg_untranslatable(e, r, MG_ALG_UT_VERDICT_LINE,
					 "%s, %u payload bytes: %s, not translated", t, p->paylen, what);
	return v;
}
