/* ras_reg.c - RAS registrations of inside endpoints (see ras.h).
 *
 * A registration is keyed by the endpoint's inside address and RAS source
 * port, in a table of `max registrations` with a keyed-hash index.  States:
 *   PENDING  an RRQ crossed the NAT; its RCF has RAS_PENDING_S to come
 *            (an RRJ, or no answer, frees it);
 *   LIVE     the gatekeeper confirmed it; until `expire` it holds a TCP
 *            binding for the endpoint's callSignalAddress, a reference on
 *            the RAS flow's own UDP binding, the pinholes to both, and its
 *            aliases in the directory.  An RRQ / RCF pair (matched by
 *            requestSeqNum) renews it; URQ / UCF (matched likewise, either
 *            side asking), an RRJ to a renewal and expiry end it.
 * Ending gives everything back: pinholes (closed by owner: one that
 * admitted a flow does not expire by itself), bindings, directory entries. */
#include <stdio.h>
#include <string.h>

#include "alg/ras_priv.h"
#include "core/config.h"
#include "core/dir.h"
#include "util/siphash.h"

static uint32_t *bucket_of(struct mg_ras_alg *ra, uint32_t addr, uint16_t port)
{
	uint8_t k[6];
	memcpy(k, &addr, 4);
	memcpy(k + 4, &port, 2);
	return &ra->bucket[mg_siphash(mg_alg_hash_key(ra->e), k, sizeof(k)) & ra->mask];
}

struct ras_reg *mg_ras_reg_find(struct mg_ras_alg *ra, uint32_t addr, uint16_t port)
{
	for (uint32_t i = *bucket_of(ra, addr, port); i != MG_NIL; i = ra->reg[i].hnext)
		if (ra->reg[i].in_addr == addr && ra->reg[i].ras_port == port)
			return &ra->reg[i];
	return NULL;
}

/* A free slot for a new PENDING registration; NULL (counted) when full. */
struct ras_reg *mg_ras_reg_new(struct mg_ras_alg *ra, uint32_t addr, uint16_t port)
{
	if (ra->used >= ra->nreg) {
		if (!ra->cur.reg_full)
			mg_alg_count(ra->e, MG_R_RAS_REG_FULL);
		ra->cur.reg_full = true;
		return NULL;
	}
	for (uint32_t i = 0; i < ra->nreg; i++) {
		struct ras_reg *r = &ra->reg[i];
		if (r->state != RAS_REG_FREE)
			continue;
		memset(r, 0, sizeof(*r));
		r->state = RAS_REG_PENDING;
		r->in_addr = addr;
		r->ras_port = port;
		r->bind = r->ras_bind = MG_NIL;
		r->created = ra->cur.now;
		r->expire = ra->cur.now + RAS_PENDING_S * 1000ull;
		uint32_t *b = bucket_of(ra, addr, port);
		r->hnext = *b;
		*b = i;
		ra->used++;
		return r;
	}
	if (!ra->cur.reg_full)
		mg_alg_count(ra->e, MG_R_RAS_REG_FULL);
	ra->cur.reg_full = true;
	return NULL;
}

static uint32_t owner_of(const struct mg_ras_alg *ra, const struct ras_reg *r)
{
	return RAS_OWNER_REG | (uint32_t)(r - ra->reg);
}

uint32_t mg_ras_reg_sig_bind(struct mg_ras_alg *ra, struct ras_reg *r, uint32_t ip, uint16_t port,
			     enum mg_reason *why)
{
	if (r->bind != MG_NIL && r->sig_addr == ip && r->sig_port == port)
		return r->bind;
	uint32_t b = mg_alg_bind(ra->e, MG_PROTO_TCP, ip, port, false, why);
	if (b == MG_NIL)
		return MG_NIL;
	if (r->bind != MG_NIL) { /* the endpoint moved its listener */
		mg_alg_pinhole_close_owner(ra->e, owner_of(ra, r));
		mg_alg_unbind(ra->e, r->bind);
	}
	const struct mg_binding *bi = mg_alg_binding(ra->e, b);
	r->bind = b;
	r->sig_addr = ip;
	r->sig_port = port;
	r->pub_addr = bi->pub_addr;
	r->pub_port = bi->pub_port;
	return b;
}

static void pin(struct mg_ras_alg *ra, struct ras_reg *r, uint8_t proto, uint32_t bind, uint32_t pub,
		uint16_t pport, uint32_t to, uint16_t tport, uint32_t remote, const char *what)
{
	if (bind == MG_NIL || pub == 0)
		return;
	struct mg_expect x;
	memset(&x, 0, sizeof(x));
	x.proto = proto;
	x.side = MG_SIDE_OUTSIDE;
	x.remote = remote;
	x.dst_addr = pub;
	x.dst_port = pport;
	x.to_addr = to;
	x.to_port = tport;
	x.alg = proto == MG_PROTO_TCP ? MG_ALG_H323_Q931 : MG_ALG_RAS;
	x.alg_ctx = MG_NIL;
	x.owner = owner_of(ra, r);
	x.bind = bind;
	x.what = what;
	mg_alg_ref(ra->e, bind); /* the pinhole's own reference */
	mg_alg_pinhole_open(ra->e, &x, r->expire);
}

static void learn(struct mg_ras_alg *ra, struct ras_reg *r)
{
	struct mg_dir *d = mg_alg_dir(ra->e);
	for (unsigned i = 0; i < r->al.n; i++) {
		const struct mg_h225_alias *a = &r->al.a[i];
		if (a->cut || a->type == MG_H225_ALIAS_NONE || a->type == MG_H225_ALIAS_OTHER || !a->s[0])
			continue;
		enum mg_reason why = mg_dir_learn(d, a->s, a->type, r->sig_addr, r->sig_port, MG_DIR_RAS,
						  ra->cur.now, r->expire, false);
		if (why != MG_R_NONE)
			mg_alg_count(ra->e, why);
	}
}

static void forget(struct mg_ras_alg *ra, struct ras_reg *r)
{
	struct mg_dir *d = mg_alg_dir(ra->e);
	for (unsigned i = 0; i < r->al.n; i++)
		mg_dir_forget(d, r->al.a[i].s, r->al.a[i].type, MG_DIR_RAS);
}

/* The first alias with a text (an alias of another type has none). */
static const char *first_alias(const struct ras_reg *r)
{
	for (unsigned i = 0; i < r->al.n; i++)
		if (r->al.a[i].s[0])
			return r->al.a[i].s;
	return "-";
}

static void tell(struct mg_ras_alg *ra, const struct ras_reg *r, enum mg_reason why, const char *what)
{
	char in[16], pub[16], gk[16];
	mg_ras_addr_str(r->sig_addr ? r->sig_addr : r->in_addr, in);
	mg_ras_addr_str(r->pub_addr, pub);
	mg_ras_addr_str(r->gk, gk);
	mg_alg_event(ra->e, why, "%s %s:%u %s at %s:%u with gatekeeper %s, alias %s", mg_ras_name(MG_RAS_RRQ), in,
		     r->sig_port, what, pub, r->pub_port, gk, first_alias(r));
}

/* The RCF to r's RRQ: live until its time to live, else the RRQ's, else
 * `timeout registration`, plus the grace. */
static void confirm(struct mg_ras_alg *ra, struct ras_reg *r)
{
	const struct mg_config *cfg = mg_engine_config(ra->e);
	const struct mg_h323_scan *s = &ra->scan;
	uint32_t ttl = s->ras_has_ttl && s->ras_ttl ? s->ras_ttl : r->rrq_ttl ? r->rrq_ttl : cfg->to.registration;
	bool was_live = r->state == RAS_REG_LIVE;
	if ((s->ras_h46018 || s->ras_h46019) && !r->h460) {
		r->h460 = true; /* kept until the registration ends: renewals need not repeat it */
		ra->n_h460++;
		char in[16];
		mg_ras_addr_str(r->in_addr, in);
		mg_alg_log(ra->e, MG_R_RAS_H460, "RCF confirms H.460.%s for %s:%u%s", s->ras_h46018 ? "18" : "19", in,
			   r->ras_port,
			   cfg->h460 == MG_H460_CONFIRMED ? ": its RAS and calls pass unmodified from now on" : "");
	}
	r->state = RAS_REG_LIVE;
	r->rrq_pending = false;
	r->expire = ra->cur.now + ((uint64_t)ttl + cfg->to.registration_grace) * 1000;
	uint32_t remote = cfg->ras_reachable_gk ? r->gk : 0;
	pin(ra, r, MG_PROTO_TCP, r->bind, r->pub_addr, r->pub_port, r->sig_addr, r->sig_port, remote, "ras-callsig");
	pin(ra, r, MG_PROTO_UDP, r->ras_bind, r->ras_pub, r->ras_pub_port, r->in_addr, r->ras_port, r->gk, "ras");
	learn(ra, r);
	if (was_live)
		return;
	ra->st.created++;
	ra->st.active++;
	mg_alg_stat_registrations(ra->e, 1, 0, 0);
	tell(ra, r, MG_R_RAS_REGISTERED, "registered");
}

void mg_ras_reg_end(struct mg_ras_alg *ra, struct ras_reg *r, enum mg_reason why)
{
	if (r->state == RAS_REG_LIVE) {
		ra->st.active--;
		if (why == MG_R_RAS_EXPIRED)
			ra->st.expired++;
		else
			ra->st.ended++;
		mg_alg_stat_registrations(ra->e, 0, why != MG_R_RAS_EXPIRED, why == MG_R_RAS_EXPIRED);
		tell(ra, r, why, why == MG_R_RAS_EXPIRED ? "expired" : "unregistered");
		forget(ra, r);
	}
	if (r->h460)
		ra->n_h460--;
	mg_alg_pinhole_close_owner(ra->e, owner_of(ra, r));
	mg_alg_unbind(ra->e, r->bind);
	mg_alg_unbind(ra->e, r->ras_bind);
	uint32_t idx = (uint32_t)(r - ra->reg);
	for (uint32_t *p = bucket_of(ra, r->in_addr, r->ras_port); *p != MG_NIL; p = &ra->reg[*p].hnext) {
		if (*p == idx) {
			*p = r->hnext;
			break;
		}
	}
	r->state = RAS_REG_FREE;
	ra->used--;
}

/* An RRQ from the endpoint: remembered until its RCF. */
static void rrq(struct mg_ras_alg *ra)
{
	struct ras_cur *c = &ra->cur;
	const struct mg_h323_scan *s = &ra->scan;
	struct ras_reg *r = mg_ras_reg_find(ra, c->sender, c->sport);
	if (!r)
		r = mg_ras_reg_new(ra, c->sender, c->sport);
	if (!r)
		return;
	r->rrq_pending = true;
	r->seq = s->ras_seq;
	r->rrq_ttl = s->ras_has_ttl ? s->ras_ttl : 0;
	r->gk = c->peer;
	if (ra->al.n > 0) {
		if (r->state == RAS_REG_LIVE)
			forget(ra, r); /* the new list replaces the old one */
		r->al = ra->al;
	}
	const struct mg_flow *f = mg_alg_flow(ra->e, c->flow);
	if (r->ras_bind == MG_NIL && f->bind != MG_NIL) {
		mg_alg_ref(ra->e, f->bind); /* its RAS address stays while it lives */
		r->ras_bind = f->bind;
		r->ras_pub = c->pub;
		r->ras_pub_port = c->pub_port;
	}
}

void mg_ras_reg_message(struct mg_ras_alg *ra)
{
	struct ras_cur *c = &ra->cur;
	const struct mg_h323_scan *s = &ra->scan;
	uint32_t ep = c->from_inside ? c->sender : c->inside;
	uint16_t ep_port = c->from_inside ? c->sport : c->inside_port;
	if (c->from_inside && s->ras_type == MG_RAS_RRQ) {
		rrq(ra);
		return;
	}
	struct ras_reg *r;
	switch (s->ras_type) {
	case MG_RAS_RCF:
	case MG_RAS_RRJ:
		if (c->from_inside || !(r = mg_ras_reg_find(ra, ep, ep_port)) || !r->rrq_pending ||
		    r->seq != s->ras_seq)
			return;
		if (s->ras_type == MG_RAS_RCF)
			confirm(ra, r);
		else /* refused: a live one (a renewal refused) is no longer the gatekeeper's either */
			mg_ras_reg_end(ra, r, r->state == RAS_REG_LIVE ? MG_R_RAS_UNREGISTERED : MG_R_NONE);
		return;
	case MG_RAS_URQ:
		if (!(r = mg_ras_reg_find(ra, ep, ep_port)))
			return;
		r->urq_pending = true;
		r->urq_inside = c->from_inside;
		r->urq_seq = s->ras_seq;
		return;
	case MG_RAS_UCF:
		if (!(r = mg_ras_reg_find(ra, ep, ep_port)) || !r->urq_pending || r->urq_inside == c->from_inside ||
		    r->urq_seq != s->ras_seq)
			return;
		mg_ras_reg_end(ra, r, MG_R_RAS_UNREGISTERED);
		return;
	default:
		return;
	}
}

void mg_ras_reg_expire(struct mg_ras_alg *ra, uint64_t now)
{
	if (ra->used == 0)
		return;
	ra->cur.now = now;
	for (uint32_t i = 0; i < ra->nreg; i++) {
		struct ras_reg *r = &ra->reg[i];
		if (r->state != RAS_REG_FREE && r->expire <= now)
			mg_ras_reg_end(ra, r, r->state == RAS_REG_LIVE ? MG_R_RAS_EXPIRED : MG_R_NONE);
	}
}

bool mg_ras_reg_h460(const struct mg_ras_alg *ra, uint32_t addr)
{
	for (uint32_t i = 0; i < ra->nreg && ra->n_h460 > 0; i++) {
		const struct ras_reg *r = &ra->reg[i];
		if (r->state == RAS_REG_LIVE && r->h460 && (r->in_addr == addr || r->sig_addr == addr))
			return true;
	}
	return false;
}
