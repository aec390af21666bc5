/* ils_msg.c - one LDAPMessage from an inside host: its sipaddress values
 * translated, its BER lengths fixed, what is left searched (alg/ils.h);
 * one answer from outside: a search result naming one of our public
 * addresses for a user of the directory gets the user's inside address,
 * lengths fixed the same way; responses to registrations go to ils_dir.c.
 *
 * The edits are planned first, applied after: each value naming the
 * sender becomes its own length field and the public decimal string; then
 * every length field enclosing a changed value, innermost first, gets the
 * sum of the size changes inside it (a value's, and those of inner length
 * fields whose encoding grew or shrank).  Edits are applied in message
 * order: same-size ones in place, the others as replacements. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alg/guards.h"
#include "alg/ils_priv.h"
#include "alg/ils_scan.h"

#define EDIT_BYTES 24 /* a length field (5) and a sign and 10 digits, or a length */
#define EDITS (MG_LDAP_VALUES * (1 + MG_LDAP_ENC))

struct edit {
	uint32_t at, old_len, new_len;
	uint8_t b[EDIT_BYTES];
};

struct plan {
	struct edit ed[EDITS];
	uint32_t n;
	unsigned values; /* values translated */
};

/* A sipaddress value as a number: 1 to 10 digits, optionally after '-'
 * (a signed 32-bit reading of the same integer).  False if it is not one. */
static bool sip_number(const uint8_t *p, uint32_t n, uint32_t *num, bool *neg)
{
	*neg = n > 0 && p[0] == '-';
	uint32_t i = *neg ? 1 : 0;
	if (n - i < 1 || n - i > 10)
		return false;
	uint64_t v = 0;
	for (; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	if (*neg ? v > 0x80000000u : v > 0xffffffffu)
		return false;
	*num = *neg ? (uint32_t)(0 - (uint32_t)v) : (uint32_t)v;
	return true;
}

/* The address (network order) whose sipaddress number is num. */
static uint32_t sip_addr(uint32_t num)
{
	uint8_t b[4] = {(uint8_t)num, (uint8_t)(num >> 8), (uint8_t)(num >> 16), (uint8_t)(num >> 24)};
	uint32_t a;
	memcpy(&a, b, 4);
	return a;
}

/* The decimal string of addr, signed if the sender wrote a signed one. */
static int sip_string(uint32_t addr, bool neg, char *out, size_t n)
{
	const uint8_t *b = (const uint8_t *)&addr;
	uint32_t num = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	if (neg)
		return snprintf(out, n, "%d", (int)(int32_t)num);
	return snprintf(out, n, "%u", num);
}

static struct edit *plan_add(struct plan *pl, uint32_t at, uint32_t old_len)
{
	if (pl->n == EDITS)
		return NULL;
	struct edit *e = &pl->ed[pl->n++];
	e->at = at;
	e->old_len = old_len;
	return e;
}

/* A length field (at most 5 octets, from the message) to be rewritten
 * for the edits inside its content: nothing when they add up to 0. */
static bool plan_length(struct plan *pl, const struct mg_ber_len *l)
{
	for (uint32_t i = 0; i < pl->n; i++)
		if (pl->ed[i].at == l->at)
			return true; /* already planned (a field shared by values) */
	int64_t delta = 0;
	uint32_t from = l->at + l->size, to = from + l->len;
	for (uint32_t i = 0; i < pl->n; i++)
		if (pl->ed[i].at >= from && pl->ed[i].at < to)
			delta += (int64_t)pl->ed[i].new_len - (int64_t)pl->ed[i].old_len;
	if (delta == 0)
		return true;
	struct edit *e = plan_add(pl, l->at, l->size);
	if (!e)
		return false;
	e->new_len = mg_ber_put_len(e->b, (uint32_t)((int64_t)l->len + delta), l->size);
	return true;
}

static int by_at(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;
	return x->at < y->at ? -1 : x->at > y->at;
}

static int by_at_desc(const void *a, const void *b)
{
	const struct mg_ber_len *x = a, *y = b;
	return x->at > y->at ? -1 : x->at < y->at;
}

/* Send what could not be translated to policy: MG_R_NONE when it passes. */
static enum mg_reason leak(struct mg_ils *ils, const char *what)
{
	return mg_guard_leak(ils->e, MG_R_ILS_UNTRANSLATED, ils->p, what).reason;
}

/* The address a registering host is published with: a pool address of
 * its own when the pool has one for it (lent for as long as the
 * connection lives; the directory entry the accepted registration makes
 * holds its own reference), else the one its connection leaves with. */
static uint32_t registered_pub(struct mg_ils *ils)
{
	struct ils_flow *fl = ils->cur;
	if (fl->lent == 0) {
		uint32_t a = mg_alg_pool_lend(ils->e, ils->sender);
		if (a == 0)
			return ils->pub;
		fl->lent = ils->sender;
		return a;
	}
	uint32_t a = mg_engine_public_for(ils->e, ils->sender);
	return a ? a : ils->pub;
}

/* Plan the values.  From the inside host: those naming the sender get the
 * public string; one naming another inside host goes to policy at once
 * (*r).  An answer from outside: those naming a public address of ours get
 * the string of ils->to (the inside host of the entry; 0: none, they
 * stay).  False when the plan is full. */
static bool plan_values(struct mg_ils *ils, const uint8_t *b, struct plan *pl, enum mg_reason *r)
{
	const struct mg_config *cfg = mg_engine_config(ils->e);
	*r = MG_R_NONE;
	for (uint8_t i = 0; i < ils->msg.n; i++) {
		const struct mg_ldap_value *v = &ils->msg.v[i];
		uint32_t num, to = ils->pub;
		bool neg;
		if (!sip_number(b + v->off, v->len, &num, &neg))
			continue; /* not an address: the last search judges it */
		uint32_t a = sip_addr(num);
		if (ils->resp) {
			if (!ils->to || !mg_config_is_ours(cfg, a))
				continue;
			to = ils->to;
		} else if (a != ils->sender) {
			if (mg_config_is_inside(cfg, a) &&
			    (*r = leak(ils, "sipaddress naming another inside host")) != MG_R_NONE)
				return true;
			continue;
		} else {
			to = registered_pub(ils);
		}
		char s[16];
		int n = sip_string(to, neg, s, sizeof(s));
		struct edit *e = plan_add(pl, v->own.at, v->own.size + v->len);
		if (n <= 0 || !e)
			return false;
		uint8_t k = mg_ber_put_len(e->b, (uint32_t)n, v->own.size);
		memcpy(e->b + k, s, (size_t)n);
		e->new_len = k + (uint32_t)n;
		pl->values++;
	}
	return true;
}

/* Plan the length fields enclosing the planned values, innermost first. */
static bool plan_lengths(struct mg_ils *ils, struct plan *pl)
{
	struct mg_ber_len l[MG_LDAP_VALUES * MG_LDAP_ENC];
	uint32_t n = 0, nv = pl->n;
	for (uint32_t i = 0; i < nv; i++)
		for (uint8_t j = 0; j < ils->msg.n; j++)
			if (ils->msg.v[j].own.at == pl->ed[i].at)
				for (uint8_t k = 0; k < ils->msg.v[j].n_enc; k++)
					l[n++] = ils->msg.v[j].enc[k];
	qsort(l, n, sizeof(l[0]), by_at_desc);
	for (uint32_t i = 0; i < n; i++)
		if (!plan_length(pl, &l[i]))
			return false;
	return true;
}

/* The message as it will leave (replacements applied) into ils->view. */
static uint32_t render(struct mg_ils *ils, const struct mg_rw_msg *m)
{
	uint32_t o = 0, x = 0;
	for (uint32_t i = 0; i < m->n_ops; i++) {
		const struct mg_rw_op *op = &m->op[i];
		memcpy(ils->view + o, m->b + x, op->off - x);
		o += op->off - x;
		memcpy(ils->view + o, op->b, op->new_len);
		o += op->new_len;
		x = op->off + op->old_len;
	}
	memcpy(ils->view + o, m->b + x, m->len - x);
	return o + m->len - x;
}

/* Apply the plan in message order.  False (nothing recorded) when the
 * replacements do not fit in one message's edits (core/rewrite.h). */
static bool apply(struct mg_rw_msg *m, struct plan *pl)
{
	qsort(pl->ed, pl->n, sizeof(pl->ed[0]), by_at);
	for (uint32_t i = 0; i < pl->n; i++) {
		const struct edit *e = &pl->ed[i];
		if (e->new_len != e->old_len && !mg_rw_msg_replace(m, e->at, e->old_len, e->b, e->new_len)) {
			m->n_ops = 0;
			return false;
		}
	}
	for (uint32_t i = 0; i < pl->n; i++) {
		const struct edit *e = &pl->ed[i];
		if (e->new_len == e->old_len)
			mg_rw_msg_put(m, e->at, e->b, e->new_len);
	}
	return true;
}

/* Translate the decoded message's values (*values: how many).  *r: what
 * policy said about a value it was given; false when the message had to go
 * to policy whole. */
static bool translate(struct mg_ils *ils, struct mg_rw_msg *m, enum mg_reason *r, unsigned *values)
{
	struct plan pl;
	pl.n = 0;
	pl.values = 0;
	const char *why = NULL;
	if (!plan_values(ils, m->b, &pl, r))
		why = "too many sipaddress values";
	else if (*r != MG_R_NONE)
		return false;
	else if (!plan_lengths(ils, &pl))
		why = "too many BER lengths to fix";
	else if (!apply(m, &pl))
		why = "too many length-changing edits in one message";
	if (why) {
		*r = ils->resp ? MG_R_NONE : leak(ils, why);
		if (ils->resp) /* the user keeps the public address: it works, the longer way */
			mg_alg_event(ils->e, MG_R_ALG_LIMIT, "ILS search result not translated: %s", why);
		return false;
	}
	*values = pl.values;
	return true;
}

enum mg_reason mg_ils_on_message(void *ctx, struct mg_rw_msg *m)
{
	struct mg_ils *ils = ctx;
	enum mg_reason r = MG_R_NONE;
	unsigned values = 0;
	enum mg_ber_err err = mg_ldap_scan(m->b, m->len, &ils->msg);
	if (err != MG_BER_E_NONE) {
		mg_alg_count(ils->e, MG_R_ALG_LDAP_BAD);
		mg_alg_log(ils->e, MG_R_ALG_LDAP_BAD, "LDAP message of %u bytes not decoded (%s): searched as it is",
			   m->len, mg_ber_err_name(err));
	} else if (ils->msg.n > 0 && !translate(ils, m, &r, &values)) {
		return r;
	}
	uint32_t n = render(ils, m);
	enum mg_ils_form form = mg_ils_scan(ils->view, n, ils->sender);
	if (form != MG_ILS_NONE) {
		char what[96];
		snprintf(what, sizeof(what), "LDAP still carrying the sender's address (%s)",
			 mg_ils_form_name(form));
		r = leak(ils, what);
	}
	if (r == MG_R_NONE && values > 0)
		mg_alg_stat_rewrites(ils->e, values); /* counted when the message leaves */
	if (r == MG_R_NONE && err == MG_BER_E_NONE)
		mg_ils_pend_request(ils, m->b);
	return r;
}

/* Does the SearchResultEntry name one of our public addresses? */
static bool names_public(const struct mg_ils *ils, const uint8_t *b)
{
	const struct mg_config *cfg = mg_engine_config(ils->e);
	for (uint8_t i = 0; i < ils->msg.n; i++) {
		uint32_t num;
		bool neg;
		const struct mg_ldap_value *v = &ils->msg.v[i];
		if (sip_number(b + v->off, v->len, &num, &neg) && mg_config_is_public(cfg, sip_addr(num)))
			return true;
	}
	return false;
}

enum mg_reason mg_ils_on_response(void *ctx, struct mg_rw_msg *m)
{
	struct mg_ils *ils = ctx;
	enum mg_ber_err err = mg_ldap_scan(m->b, m->len, &ils->msg);
	if (err != MG_BER_E_NONE) {
		char t[MG_TUPLE_STR];
		mg_tuple_str(&ils->p->t, t, sizeof(t));
		ils->undecoded = true; /* not a stream that cannot be framed */
		return mg_alg_untranslatable(ils->e, MG_R_ALG_LDAP_BAD, MG_ALG_UT_MALFORMED_OUTSIDE,
					     "%s: LDAP answer of %u bytes not decoded (%s)", t, m->len,
					     mg_ber_err_name(err));
	}
	if (ils->msg.op != MG_LDAP_OP_SEARCH_ENTRY) {
		mg_ils_on_result(ils);
		return MG_R_NONE;
	}
	char alias[MG_DIR_KEY_LEN + 1];
	if (ils->msg.n == 0 || !names_public(ils, m->b) || !(ils->to = mg_ils_result_host(ils, m->b, alias)))
		return MG_R_NONE; /* a public address with no user of ours behind it stays */
	enum mg_reason r = MG_R_NONE;
	unsigned values = 0;
	bool done = translate(ils, m, &r, &values);
	if (done && values > 0) {
		char a[16];
		sip_string(ils->to, false, a, sizeof(a));
		const uint8_t *q = (const uint8_t *)&ils->to;
		mg_alg_event(ils->e, MG_R_ILS_RESULT_TRANSLATED,
			     "ILS search result for \"%s\": sipaddress now %u.%u.%u.%u (%s)", alias, q[0],
			     q[1], q[2], q[3], a);
		mg_alg_stat_rewrites(ils->e, values);
	}
	return r;
}
