/* ras_hold.c - bindings the RAS ALG made for addresses named in RAS that
 * no registration holds (an ARQ's srcCallSignalAddress, IRR channels,
 * alternates, an inside gatekeeper's endpoints): each is held for
 * `timeout pinhole`, renewed when named again.  An inside endpoint's
 * callSignalAddress in an inside gatekeeper's ACF / LCF also gets a TCP
 * pinhole (for the H.323 ALG) for as long, so the outside caller gets in.
 * A fixed table (at least RAS_HOLDS_MIN, or `max registrations`); full:
 * ras-hold-full, the address untranslated. */
#include <string.h>

#include "alg/ras_priv.h"
#include "core/config.h"

static uint64_t life_ms(const struct mg_ras_alg *ra)
{
	return (uint64_t)mg_engine_config(ra->e)->to.pinhole * 1000;
}

static void open_pin(struct mg_ras_alg *ra, uint32_t i, const struct ras_hold *h)
{
	const struct mg_binding *bi = mg_alg_binding(ra->e, h->bind);
	struct mg_expect x;
	memset(&x, 0, sizeof(x));
	x.proto = MG_PROTO_TCP;
	x.side = MG_SIDE_OUTSIDE;
	x.remote = mg_engine_config(ra->e)->ras_reachable_gk ? ra->cur.peer : 0;
	x.dst_addr = bi->pub_addr;
	x.dst_port = bi->pub_port;
	x.to_addr = h->addr;
	x.to_port = h->port;
	x.alg = MG_ALG_H323_Q931;
	x.alg_ctx = MG_NIL;
	x.owner = RAS_OWNER_HOLD | i;
	x.bind = h->bind;
	x.what = "ras-callee";
	mg_alg_ref(ra->e, h->bind);
	mg_alg_pinhole_open(ra->e, &x, h->expire);
}

uint32_t mg_ras_hold_bind(struct mg_ras_alg *ra, uint8_t proto, uint32_t ip, uint16_t port, bool pin,
			  enum mg_reason *why)
{
	uint64_t exp = ra->cur.now + life_ms(ra);
	uint32_t free_i = MG_NIL;
	for (uint32_t k = 0; k < ra->nhold; k++) {
		struct ras_hold *h = &ra->hold[k];
		if (!h->used) {
			if (free_i == MG_NIL)
				free_i = k;
			continue;
		}
		if (h->proto == proto && h->addr == ip && h->port == port && h->pin == pin) {
			h->expire = exp;
			if (pin)
				open_pin(ra, k, h); /* extends its deadline */
			return h->bind;
		}
	}
	if (free_i == MG_NIL) {
		*why = MG_R_RAS_HOLD_FULL;
		return MG_NIL;
	}
	uint32_t b = mg_alg_bind(ra->e, proto, ip, port, false, why);
	if (b == MG_NIL)
		return MG_NIL;
	struct ras_hold *h = &ra->hold[free_i];
	*h = (struct ras_hold){.used = true, .pin = pin, .proto = proto, .port = port, .addr = ip, .bind = b,
			       .expire = exp};
	if (pin)
		open_pin(ra, free_i, h);
	return b;
}

static void release(struct mg_ras_alg *ra, uint32_t k)
{
	struct ras_hold *h = &ra->hold[k];
	if (h->pin)
		mg_alg_pinhole_close_owner(ra->e, RAS_OWNER_HOLD | k);
	mg_alg_unbind(ra->e, h->bind);
	h->used = false;
}

void mg_ras_hold_expire(struct mg_ras_alg *ra, uint64_t now)
{
	for (uint32_t k = 0; k < ra->nhold; k++)
		if (ra->hold[k].used && ra->hold[k].expire <= now)
			release(ra, k);
}
