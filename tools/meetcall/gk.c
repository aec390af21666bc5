/* gk.c - the request handling of `meetcall gatekeeper`: one RAS message in,
 * at most one answer out, no I/O (gk_run.c owns the sockets).
 *
 *   GRQ -> GCF (its rasAddress, --alternate-gk)
 *   RRQ -> RCF: the registration keeps the aliases, callSignalAddress and
 *          rasAddress as the message carried them and the address the RRQ
 *          came from; timeToLive is the smaller of the asked and --ttl.
 *          A lightweight RRQ (keepAlive) refreshes its registration, found by
 *          endpointIdentifier.  RRJ: no IPv4 callSignalAddress
 *          (invalidCallSignalAddress), an alias registered by another
 *          endpoint (duplicateAlias), the table full (resourceUnavailable),
 *          a keep-alive for no active registration (fullRegistrationRequired).
 *   URQ -> UCF (URJ notCurrentlyRegistered)
 *   ARQ -> ACF with the callee's registered callSignalAddress (answerCall:
 *          the answering endpoint's own), or with ours when --routed; ARJ
 *          callerNotRegistered / calledPartyNotRegistered.
 *   LRQ -> LCF (callSignalAddress, rasAddress) / LRJ notRegistered, sent to
 *          the replyAddress.
 *   DRQ -> DCF (DRJ notRegistered)
 * Answers go to the source address of the request (LCF/LRJ: replyAddress).
 * Registrations expire after their timeToLive without a refresh.  Tables
 * are fixed: MG_MC_GK_REGS registrations (a new one reuses the oldest that
 * is no longer active), MG_MC_GK_ADMITS admissions remembered. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "meetcall/mc.h"
#include "proto/q931.h"

#define GK_ID "meetcall-gk"
#define DEFAULT_TTL 60

void mg_mc_gk_init(struct mg_mc_gk *g, const struct mg_mc_opts *o, const struct mg_mc_addr *ras,
		   const struct mg_mc_addr *sig)
{
	memset(g, 0, sizeof *g);
	g->o = o;
	g->ras_addr = *ras;
	if (sig != NULL)
		g->sig_addr = *sig;
}

static void addr_str(const struct mg_mc_addr *a, char *out, size_t cap)
{
	mg_mc_addr_str(a, out, cap);
}

static void aliases_str(const struct mg_mc_ras_aliases *l, char *out, size_t cap)
{
	size_t k = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < l->n && k < cap; i++) {
		int w = snprintf(out + k, cap - k, "%s%s", i ? "," : "", l->a[i].s);
		if (w < 0)
			break;
		k += (size_t)w;
	}
	if (l->n == 0)
		snprintf(out, cap, "-");
}

static bool alias_match(const struct mg_mc_ras_alias *a, const char *s)
{
	return a->type != MG_H225_ALIAS_OTHER && a->s[0] != '\0' && strcasecmp(a->s, s) == 0;
}

const struct mg_mc_gk_reg *mg_mc_gk_find_alias(const struct mg_mc_gk *g, const char *alias)
{
	for (unsigned i = 0; i < MG_MC_GK_REGS; i++) {
		const struct mg_mc_gk_reg *r = &g->reg[i];
		if (r->state != MG_MC_REG_ACTIVE)
			continue;
		for (unsigned k = 0; k < r->alias.n; k++)
			if (alias_match(&r->alias.a[k], alias))
				return r;
	}
	return NULL;
}

/* The aliases of src that have a text: a transportID, partyNumber, ... is
 * not kept (nothing here looks them up, and answers repeat only what is
 * kept, which always encodes). */
static void text_aliases(struct mg_mc_ras_aliases *dst, const struct mg_mc_ras_aliases *src)
{
	dst->n = 0;
	for (unsigned i = 0; i < src->n; i++)
		if (src->a[i].type != MG_H225_ALIAS_OTHER && src->a[i].s[0] != '\0')
			dst->a[dst->n++] = src->a[i];
}

static struct mg_mc_gk_reg *find_ep(struct mg_mc_gk *g, const char *ep_id)
{
	if (ep_id[0] == '\0')
		return NULL;
	for (unsigned i = 0; i < MG_MC_GK_REGS; i++)
		if (g->reg[i].state == MG_MC_REG_ACTIVE && strcmp(g->reg[i].ep_id, ep_id) == 0)
			return &g->reg[i];
	return NULL;
}

/* An active registration with this callSignalAddress (a re-registration). */
static struct mg_mc_gk_reg *find_sig(struct mg_mc_gk *g, const struct mg_mc_addr *sig)
{
	for (unsigned i = 0; i < MG_MC_GK_REGS; i++) {
		struct mg_mc_gk_reg *r = &g->reg[i];
		if (r->state == MG_MC_REG_ACTIVE && r->n_sig > 0 && memcmp(&r->sig[0], sig, sizeof *sig) == 0)
			return r;
	}
	return NULL;
}

/* A free slot, else the one that stopped being active longest ago. */
static struct mg_mc_gk_reg *new_slot(struct mg_mc_gk *g)
{
	struct mg_mc_gk_reg *best = NULL;
	for (unsigned i = 0; i < MG_MC_GK_REGS; i++) {
		struct mg_mc_gk_reg *r = &g->reg[i];
		if (r->state == MG_MC_REG_FREE)
			return r;
		if (r->state != MG_MC_REG_ACTIVE && (best == NULL || r->expires < best->expires))
			best = r;
	}
	return best;
}

static void say(const struct mg_mc_gk *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(const struct mg_mc_gk *g, const char *fmt, ...)
{
	va_list ap;
	if (!g->verbose)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void reject(struct mg_mc_ras *a, uint8_t type, uint8_t reason, bool ext)
{
	a->type = type;
	a->reason = reason;
	a->reason_ext = ext;
}

static uint32_t grant_ttl(const struct mg_mc_gk *g, const struct mg_mc_ras *q)
{
	uint32_t max = g->o->ttl_s ? g->o->ttl_s : DEFAULT_TTL;
	return q->has_ttl && q->ttl < max ? q->ttl : max;
}

static void alternates(const struct mg_mc_gk *g, struct mg_mc_ras *a)
{
	for (unsigned i = 0; i < g->o->n_alt_gk && i < MG_MC_RAS_ALT_GK; i++) {
		a->alt_gk[i].ras = g->o->alt_gk[i];
		a->alt_gk[i].priority = (uint8_t)(i + 1);
	}
	a->n_alt_gk = g->o->n_alt_gk;
}

static void confirm_registration(struct mg_mc_gk *g, struct mg_mc_gk_reg *r, struct mg_mc_ras *a)
{
	a->type = MG_MC_RCF;
	if (g->o->routed) {
		a->n_sig = 1;
		a->sig[0] = g->sig_addr;
	}
	a->alias = r->alias;
	snprintf(a->ep_id, sizeof a->ep_id, "%s", r->ep_id);
	a->has_ttl = true;
	a->ttl = r->ttl;
	a->h460_18 = g->o->h460_18;
	alternates(g, a);
}

static void on_rrq(struct mg_mc_gk *g, const struct mg_mc_ras *q, const struct mg_mc_addr *src, uint64_t now,
		   struct mg_mc_ras *a)
{
	char s1[32], s2[32], s3[32], al[160];
	if (q->keep_alive) {
		struct mg_mc_gk_reg *r = find_ep(g, q->ep_id);
		if (r == NULL) {
			reject(a, MG_MC_RRJ, MG_MC_RRJ_EXT_FULL_REGISTRATION, true);
			say(g, "RRQ keep-alive from %s for %s: no such registration -> RRJ fullRegistrationRequired",
			    (addr_str(src, s1, sizeof s1), s1), q->ep_id[0] ? q->ep_id : "-");
			return;
		}
		r->ttl = grant_ttl(g, q);
		r->expires = now + (uint64_t)r->ttl * 1000u;
		r->keepalives++;
		g->keepalives++;
		confirm_registration(g, r, a);
		a->alias.n = 0; /* a keep-alive is answered without the aliases */
		say(g, "RRQ keep-alive from %s for %s -> RCF ttl %u", (addr_str(src, s1, sizeof s1), s1), r->ep_id,
		    r->ttl);
		return;
	}
	addr_str(src, s1, sizeof s1);
	aliases_str(&q->alias, al, sizeof al);
	if (q->n_sig == 0) {
		reject(a, MG_MC_RRJ, MG_MC_RRJ_INVALID_CALL_SIGNAL_ADDRESS, false);
		say(g, "RRQ from %s (%s): no IPv4 callSignalAddress -> RRJ invalidCallSignalAddress", s1, al);
		return;
	}
	struct mg_mc_gk_reg *r = find_sig(g, &q->sig[0]);
	for (unsigned i = 0; i < q->alias.n; i++) {
		const struct mg_mc_gk_reg *o = mg_mc_gk_find_alias(g, q->alias.a[i].s);
		if (o != NULL && o != r) {
			reject(a, MG_MC_RRJ, MG_MC_RRJ_DUPLICATE_ALIAS, false);
			mg_mc_ras_alias_add(&a->alias, q->alias.a[i].s);
			say(g, "RRQ from %s (%s): %s is registered by %s -> RRJ duplicateAlias", s1, al,
			    q->alias.a[i].s, o->ep_id);
			return;
		}
	}
	if (r == NULL) {
		r = new_slot(g);
		if (r == NULL) {
			reject(a, MG_MC_RRJ, MG_MC_RRJ_EXT_RESOURCE_UNAVAILABLE, true);
			say(g, "RRQ from %s (%s): registration table full -> RRJ resourceUnavailable", s1, al);
			return;
		}
		memset(r, 0, sizeof *r);
		snprintf(r->ep_id, sizeof r->ep_id, "ep-%u", ++g->next_ep);
		r->since = now;
	}
	r->state = MG_MC_REG_ACTIVE;
	text_aliases(&r->alias, &q->alias);
	r->n_sig = q->n_sig;
	memcpy(r->sig, q->sig, sizeof r->sig);
	r->ras = q->has_ras ? q->ras : *src;
	r->src = *src;
	r->ttl = grant_ttl(g, q);
	r->expires = now + (uint64_t)r->ttl * 1000u;
	confirm_registration(g, r, a);
	addr_str(&r->sig[0], s2, sizeof s2);
	addr_str(&r->ras, s3, sizeof s3);
	say(g, "RRQ from %s: aliases %s, callSignalAddress %s, rasAddress %s -> RCF %s ttl %u", s1, al, s2, s3,
	    r->ep_id, r->ttl);
}

static void on_urq(struct mg_mc_gk *g, const struct mg_mc_ras *q, const struct mg_mc_addr *src,
		   struct mg_mc_ras *a)
{
	char s1[32];
	struct mg_mc_gk_reg *r = find_ep(g, q->ep_id);
	if (r == NULL && q->n_sig > 0)
		r = find_sig(g, &q->sig[0]);
	addr_str(src, s1, sizeof s1);
	if (r == NULL) {
		reject(a, MG_MC_URJ, MG_MC_URJ_NOT_REGISTERED, false);
		say(g, "URQ from %s: not registered -> URJ notCurrentlyRegistered", s1);
		return;
	}
	r->state = MG_MC_REG_UNREGISTERED;
	a->type = MG_MC_UCF;
	say(g, "URQ from %s for %s -> UCF", s1, r->ep_id);
}

static struct mg_mc_gk_admit *note_admission(struct mg_mc_gk *g)
{
	if (g->n_adm < MG_MC_GK_ADMITS)
		return &g->adm[g->n_adm++];
	g->adm_dropped++;
	return NULL;
}

static void on_arq(struct mg_mc_gk *g, const struct mg_mc_ras *q, const struct mg_mc_addr *src,
		   struct mg_mc_ras *a)
{
	char s1[32], s2[32], al[160];
	const struct mg_mc_gk_reg *caller = find_ep(g, q->ep_id);
	const struct mg_mc_gk_reg *callee = NULL;
	struct mg_mc_gk_admit *ad = note_admission(g);
	addr_str(src, s1, sizeof s1);
	aliases_str(&q->dest, al, sizeof al);
	if (ad != NULL) {
		memset(ad, 0, sizeof *ad);
		snprintf(ad->ep_id, sizeof ad->ep_id, "%s", q->ep_id);
		ad->src = *src;
		ad->answer_call = q->answer_call;
		ad->dest = q->dest;
		memcpy(ad->call_id, q->call_id, 16);
	}
	if (caller == NULL) {
		reject(a, MG_MC_ARJ, MG_MC_ARJ_CALLER_NOT_REGISTERED, false);
		if (ad != NULL)
			ad->reason = a->reason;
		say(g, "ARQ from %s (%s) for %s: not registered -> ARJ callerNotRegistered", s1,
		    q->ep_id[0] ? q->ep_id : "-", al);
		return;
	}
	a->type = MG_MC_ACF;
	a->bandwidth = q->bandwidth;
	a->routed = g->o->routed;
	if (q->answer_call) {
		a->dest_sig = q->has_dest_sig ? q->dest_sig : caller->sig[0];
	} else {
		for (unsigned i = 0; i < q->dest.n && callee == NULL; i++)
			callee = mg_mc_gk_find_alias(g, q->dest.a[i].s);
		if (callee != NULL) {
			a->dest_sig = callee->sig[0];
		} else if (q->dest.n == 0 && q->has_dest_sig) {
			a->dest_sig = q->dest_sig; /* by address only: admitted as asked */
		} else {
			reject(a, MG_MC_ARJ, MG_MC_ARJ_CALLED_NOT_REGISTERED, false);
			if (ad != NULL)
				ad->reason = a->reason;
			say(g, "ARQ from %s (%s) for %s -> ARJ calledPartyNotRegistered", s1, q->ep_id, al);
			return;
		}
		text_aliases(&a->dest, &q->dest);
	}
	if (ad != NULL) {
		ad->ok = true;
		ad->routed = a->routed;
		ad->dest_sig = a->dest_sig;
	}
	if (a->routed && !q->answer_call)
		a->dest_sig = g->sig_addr;
	addr_str(&a->dest_sig, s2, sizeof s2);
	say(g, "ARQ from %s (%s)%s for %s -> ACF %s %s", s1, q->ep_id, q->answer_call ? " answering" : "", al,
	    a->routed ? "gatekeeperRouted" : "direct", s2);
}

static void on_lrq(struct mg_mc_gk *g, const struct mg_mc_ras *q, const struct mg_mc_addr *src,
		   struct mg_mc_ras *a, struct mg_mc_addr *to)
{
	char s1[32], s2[32], al[160];
	const struct mg_mc_gk_reg *r = NULL;
	for (unsigned i = 0; i < q->dest.n && r == NULL; i++)
		r = mg_mc_gk_find_alias(g, q->dest.a[i].s);
	addr_str(src, s1, sizeof s1);
	aliases_str(&q->dest, al, sizeof al);
	/* the answer goes to the replyAddress (the source when it is none) */
	if (q->has_ras && memcmp(q->ras.ip, "\0\0\0\0", 4) != 0)
		*to = q->ras;
	addr_str(to, s2, sizeof s2);
	if (r == NULL) {
		reject(a, MG_MC_LRJ, MG_MC_LRJ_NOT_REGISTERED, false);
		say(g, "LRQ from %s for %s (reply to %s) -> LRJ notRegistered", s1, al, s2);
		return;
	}
	a->type = MG_MC_LCF;
	a->dest_sig = g->o->routed ? g->sig_addr : r->sig[0];
	a->ras = r->ras;
	say(g, "LRQ from %s for %s (reply to %s) -> LCF %s", s1, al, s2, r->ep_id);
}

static void on_drq(struct mg_mc_gk *g, const struct mg_mc_ras *q, const struct mg_mc_addr *src,
		   struct mg_mc_ras *a)
{
	char s1[32];
	addr_str(src, s1, sizeof s1);
	if (find_ep(g, q->ep_id) == NULL) {
		reject(a, MG_MC_DRJ, MG_MC_DRJ_NOT_REGISTERED, false);
		say(g, "DRQ from %s (%s): not registered -> DRJ notRegistered", s1, q->ep_id[0] ? q->ep_id : "-");
		return;
	}
	for (unsigned i = 0; i < g->n_adm; i++) {
		struct mg_mc_gk_admit *ad = &g->adm[i];
		if (ad->ok && !ad->disengaged && strcmp(ad->ep_id, q->ep_id) == 0 &&
		    memcmp(ad->call_id, q->call_id, 16) == 0 && ad->answer_call == q->answer_call) {
			ad->disengaged = true;
			break;
		}
	}
	a->type = MG_MC_DCF;
	say(g, "DRQ from %s (%s)%s -> DCF", s1, q->ep_id, q->answer_call ? " answered call" : "");
}

size_t mg_mc_gk_handle(struct mg_mc_gk *g, const uint8_t *msg, size_t len, const struct mg_mc_addr *src,
		       uint64_t now, uint8_t *out, size_t cap, struct mg_mc_addr *to)
{
	static struct mg_mc_ras q, a; /* one message at a time */
	char s1[32];
	*to = *src;
	mg_mc_gk_expire(g, now);
	const char *err = mg_mc_dec_ras(&q, msg, len);
	if (err != NULL) {
		g->malformed++;
		say(g, "malformed RAS message from %s (%s): ignored", (addr_str(src, s1, sizeof s1), s1), err);
		return 0;
	}
	g->rx[q.type < MG_MC_RAS_ROOT ? q.type : MG_MC_RAS_ROOT]++;
	memset(&a, 0, sizeof a);
	a.seq = q.seq;
	snprintf(a.gk_id, sizeof a.gk_id, "%s", GK_ID);
	switch (q.type) {
	case MG_MC_GRQ:
		a.type = MG_MC_GCF;
		a.ras = g->ras_addr;
		alternates(g, &a);
		say(g, "GRQ from %s -> GCF", (addr_str(src, s1, sizeof s1), s1));
		break;
	case MG_MC_RRQ:
		on_rrq(g, &q, src, now, &a);
		break;
	case MG_MC_URQ:
		on_urq(g, &q, src, &a);
		break;
	case MG_MC_ARQ:
		on_arq(g, &q, src, &a);
		break;
	case MG_MC_LRQ:
		on_lrq(g, &q, src, &a, to);
		break;
	case MG_MC_DRQ:
		on_drq(g, &q, src, &a);
		break;
	default:
		say(g, "%s from %s: not a request this gatekeeper answers", mg_mc_ras_name(q.type),
		    (addr_str(src, s1, sizeof s1), s1));
		return 0;
	}
	/* confirms and rejects other than GCF/RCF/RRJ carry no identifier */
	if (a.type != MG_MC_GCF && a.type != MG_MC_RCF && a.type != MG_MC_RRJ)
		a.gk_id[0] = '\0';
	size_t n = mg_mc_enc_ras(&a, out, cap);
	if (n > 0 && a.type < MG_MC_RAS_ROOT)
		g->tx[a.type]++;
	return n;
}

void mg_mc_gk_expire(struct mg_mc_gk *g, uint64_t now)
{
	for (unsigned i = 0; i < MG_MC_GK_REGS; i++) {
		struct mg_mc_gk_reg *r = &g->reg[i];
		if (r->state == MG_MC_REG_ACTIVE && now >= r->expires) {
			r->state = MG_MC_REG_EXPIRED;
			g->expired++;
			say(g, "registration %s expired (ttl %u s without a refresh)", r->ep_id, r->ttl);
		}
	}
}

uint64_t mg_mc_gk_next_expiry(const struct mg_mc_gk *g)
{
	uint64_t t = UINT64_MAX;
	for (unsigned i = 0; i < MG_MC_GK_REGS; i++)
		if (g->reg[i].state == MG_MC_REG_ACTIVE && g->reg[i].expires < t)
			t = g->reg[i].expires;
	return t;
}

bool mg_mc_gk_route(const struct mg_mc_gk *g, const uint8_t *setup, size_t n, struct mg_mc_addr *to)
{
	static struct mg_h323_scan s;
	struct mg_h225_aliases al;
	mg_h323_scan_init(&s, setup, n);
	if (mg_q931_scan(&s, setup, n) == MG_R_NONE && s.q931_type == MG_Q931_SETUP && s.has_call_id) {
		for (unsigned i = g->n_adm; i-- > 0;) {
			const struct mg_mc_gk_admit *ad = &g->adm[i];
			if (ad->ok && ad->routed && !ad->answer_call && memcmp(ad->call_id, s.call_id, 16) == 0) {
				*to = ad->dest_sig;
				return true;
			}
		}
	}
	(void)mg_h225_setup_aliases(setup, (uint32_t)n, &s, &al);
	for (unsigned i = 0; i < al.n[1] && i < MG_H225_ALIASES; i++) {
		const struct mg_mc_gk_reg *r = al.a[1][i].cut ? NULL : mg_mc_gk_find_alias(g, al.a[1][i].s);
		if (r != NULL) {
			*to = r->sig[0];
			return true;
		}
	}
	return false;
}
