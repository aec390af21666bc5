/* ras_guard.c - H.225.0 RAS from the inside does not cross the NAT
 * untranslated (see guards.h).  No RAS decoding: every packet an inside host
 * sends to the outside on a RAS flow counts. */
#include "alg/guards.h"

static struct mg_alg_verdict inspect(void *state, struct mg_engine *e, uint32_t flow, struct mg_pkt *p,
				     int dir, uint64_t now)
{
	struct mg_alg_verdict v = {MG_R_NONE, false, false};
	if (p->proto != MG_PROTO_UDP || !mg_guard_crosses_nat(e, flow, dir))
		return v;
	return mg_guard_leak(e, MG_R_RAS_UNTRANSLATED, p, "RAS from the inside");
}

static const struct mg_alg_ops ras_ops = {.name = "ras-guard", .inspect = inspect};

void mg_ras_guard_attach(struct mg_engine *e)
{
	mg_engine_set_alg(e, MG_ALG_RAS, &ras_ops, NULL);
}
