/* ils_guard.c - an ILS registration from the inside does not cross the NAT
 * with the inside address (see guards.h).  Each segment is searched on its
 * own (alg/ils_scan.h): an address split across two segments is missed.
 * The ILS ALG (alg/ils.h) falls back to this for a flow it cannot follow. */
#include "alg/guards.h"
#include "alg/ils_scan.h"

#include <stdio.h>

struct mg_alg_verdict mg_ils_guard_segment(struct mg_engine *e, uint32_t flow, const struct mg_pkt *p,
					   int dir, uint32_t skip)
{
	struct mg_alg_verdict v = {MG_R_NONE, false, false};
	if (p->proto != MG_PROTO_TCP || p->paylen <= skip || !mg_guard_crosses_nat(e, flow, dir))
		return v;
	const struct mg_flow *f = mg_alg_flow(e, flow);
	enum mg_ils_form form =
		mg_ils_scan(p->l3 + p->payoff + skip, p->paylen - skip, mg_addr_v4(&f->k[dir].src));
	if (form == MG_ILS_NONE)
		return v;
	char what[96];
	snprintf(what, sizeof(what), "LDAP carrying the sender's address (%s)", mg_ils_form_name(form));
	return mg_guard_leak(e, MG_R_ILS_UNTRANSLATED, p, what);
}

static struct mg_alg_verdict inspect(void *state, struct mg_engine *e, uint32_t flow, struct mg_pkt *p,
				     int dir, uint64_t now)
{
	return mg_ils_guard_segment(e, flow, p, dir, 0);
}

static const struct mg_alg_ops ils_ops = {.name = "ils-guard", .inspect = inspect};

void mg_ils_guard_attach(struct mg_engine *e)
{
	mg_engine_set_alg(e, MG_ALG_ILS, &ils_ops, NULL);
}
