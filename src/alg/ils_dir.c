/* ils_dir.c - ILS registrations of inside hosts enter the directory of
 * inside endpoints (core/dir.h), learned when the ILS server accepted them.
 *
 * An AddRequest, ModifyRequest or DelRequest an inside host sends across
 * the NAT is remembered in its connection's small table (ILS_PENDING, by
 * messageID) until the server's AddResponse / ModifyResponse / DelResponse
 * on the same connection.  Only resultCode 0 counts: a registration the
 * server refused must not route calls.  Then:
 *   - Add with a sipaddress (an ILS registration): the entry's cn and
 *     rfc822mailbox -> the inside host, port 1720 (NetMeeting answers
 *     calls only there, whatever sport says), origin ils, expiring after
 *     the registration's sttl (seconds; `timeout directory` when absent);
 *     counted as ils-registered;
 *   - Modify of a DN registered through the gateway (NetMeeting refreshes
 *     its entry that way), or one carrying a sipaddress: refreshed, with the
 *     cn / rfc822mailbox it carries, if any; a new one counts as registered;
 *   - Del of a DN registered through the gateway: its aliases forgotten,
 *     counted as ils-unregistered.
 * A connection that closes forgets nothing: an ILS entry outlives the
 * connection that made it (NetMeeting deletes it on exit, the server
 * expires it by its TTL), and so does the directory's.
 * Registrations are remembered by DN (ILS_REGS, the entry that expires
 * first gives way when full) so that a Modify or Del, which names only
 * the DN, finds the aliases of its Add. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "alg/ils_priv.h"
#include "core/config.h"

#define TTL_MIN_S 60u    /* an sttl below this is taken as this */
#define TTL_MAX_S 86400u /* and one above as this */
#define SIP_PORT 1720

/* Copy an attribute value as an alias: printable ASCII, anything else
 * '?'; at most MG_DIR_KEY_LEN characters (one more than the directory
 * takes: a longer value is refused there, not cut). */
static void alias_copy(char out[MG_DIR_KEY_LEN + 1], const uint8_t *p, uint32_t n)
{
	if (n > MG_DIR_KEY_LEN)
		n = MG_DIR_KEY_LEN;
	for (uint32_t i = 0; i < n; i++)
		out[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	out[n] = '\0';
}

/* A DN in the form it is compared in: lower case, spaces left out, cut at
 * ILS_DN_LEN - 1 characters. */
static void dn_copy(char out[ILS_DN_LEN], const uint8_t *p, uint32_t n)
{
	uint32_t o = 0;
	for (uint32_t i = 0; i < n && o < ILS_DN_LEN - 1; i++) {
		uint8_t ch = p[i];
		if (ch == ' ')
			continue;
		if (ch >= 'A' && ch <= 'Z')
			ch = (uint8_t)(ch + 32);
		out[o++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	out[o] = '\0';
}

/* sttl as seconds: 1 to 10 digits, else 0 (absent). */
static uint32_t ttl_of(const uint8_t *p, uint32_t n)
{
	if (n < 1 || n > 10)
		return 0;
	uint64_t v = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* The names a decoded message gives: its DN, its first cn and
 * rfc822mailbox, its sttl. */
static void names_of(const struct mg_ldap_msg *m, const uint8_t *b, struct ils_names *n, uint32_t *ttl)
{
	memset(n, 0, sizeof(*n));
	*ttl = 0;
	if (m->has_dn)
		dn_copy(n->dn, b + m->dn_off, m->dn_len);
	for (uint8_t i = 0; i < m->n_str; i++) {
		const struct mg_ldap_str *s = &m->s[i];
		if (s->attr == MG_LDAP_A_CN && !n->cn[0])
			alias_copy(n->cn, b + s->off, s->len);
		else if (s->attr == MG_LDAP_A_MAIL && !n->mail[0])
			alias_copy(n->mail, b + s->off, s->len);
		else if (s->attr == MG_LDAP_A_TTL && *ttl == 0)
			*ttl = ttl_of(b + s->off, s->len);
	}
}

void mg_ils_pend_request(struct mg_ils *ils, const uint8_t *b)
{
	const struct mg_ldap_msg *m = &ils->msg;
	struct ils_flow *fl = ils->cur;
	if (!fl || fl->dir != 0 || !m->has_dn ||
	    (m->op != MG_LDAP_OP_ADD && m->op != MG_LDAP_OP_MODIFY && m->op != MG_LDAP_OP_DEL))
		return;
	if (m->op == MG_LDAP_OP_ADD && m->n == 0)
		return; /* not an ILS registration */
	/* the same id again (the message was sent again), else a free slot,
	 * else the oldest gives way */
	struct ils_pend *pd = NULL;
	for (unsigned i = 0; i < ILS_PENDING && !pd; i++)
		if (fl->pend[i].used && fl->pend[i].id == m->id)
			pd = &fl->pend[i];
	for (unsigned i = 0; i < ILS_PENDING && !pd; i++)
		if (!fl->pend[i].used)
			pd = &fl->pend[i];
	if (!pd) {
		mg_alg_count(ils->e, MG_R_ALG_LIMIT);
		memmove(&fl->pend[0], &fl->pend[1], sizeof(fl->pend[0]) * (ILS_PENDING - 1));
		pd = &fl->pend[ILS_PENDING - 1];
	}
	pd->used = true;
	pd->op = m->op;
	pd->id = m->id;
	pd->sip = m->n > 0;
	pd->addr = ils->sender;
	names_of(m, b, &pd->n, &pd->ttl_s);
}

static struct ils_reg *reg_find(struct mg_ils *ils, const char *dn)
{
	for (uint32_t i = 0; i < ILS_REGS; i++)
		if (ils->reg[i].used && strcmp(ils->reg[i].n.dn, dn) == 0)
			return &ils->reg[i];
	return NULL;
}

/* A free record, else an expired one, else the one expiring first. */
static struct ils_reg *reg_new(struct mg_ils *ils)
{
	struct ils_reg *best = &ils->reg[0];
	for (uint32_t i = 0; i < ILS_REGS; i++) {
		struct ils_reg *r = &ils->reg[i];
		if (!r->used || r->expire_ms <= ils->now)
			return r;
		if (r->expire_ms < best->expire_ms)
			best = r;
	}
	return best;
}

static void ip_str(uint32_t a, char out[16])
{
	const uint8_t *b = (const uint8_t *)&a;
	snprintf(out, 16, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

/* Teach the directory one alias; false when it refused (counted). */
static bool learn_one(struct mg_ils *ils, const char *alias, uint8_t type, uint32_t addr, uint64_t expire_ms)
{
	if (!alias[0])
		return false;
	enum mg_reason r = mg_dir_learn(mg_alg_dir(ils->e), alias, type, addr, SIP_PORT, MG_DIR_ILS, ils->now,
					expire_ms, false);
	if (r == MG_R_NONE)
		return true;
	char a[16];
	ip_str(addr, a);
	mg_alg_event(ils->e, r, "ILS alias \"%s\" of %s not in the directory", alias, a);
	return false;
}

static void learn(struct mg_ils *ils, const struct ils_pend *pd)
{
	struct ils_reg *reg = reg_find(ils, pd->n.dn);
	bool fresh = pd->op == MG_LDAP_OP_ADD || !reg;
	if (pd->op == MG_LDAP_OP_MODIFY && !reg && !pd->sip)
		return; /* a Modify of an entry the gateway never saw registered */
	if (fresh && !pd->n.cn[0] && !pd->n.mail[0])
		return; /* it names nobody */
	if (!reg)
		reg = reg_new(ils);
	if (fresh) {
		memset(reg, 0, sizeof(*reg));
		reg->n = pd->n;
	} else { /* a Modify may bring a new cn or rfc822mailbox */
		if (pd->n.cn[0])
			memcpy(reg->n.cn, pd->n.cn, sizeof(reg->n.cn));
		if (pd->n.mail[0])
			memcpy(reg->n.mail, pd->n.mail, sizeof(reg->n.mail));
	}
	uint32_t ttl = pd->ttl_s ? pd->ttl_s : mg_engine_config(ils->e)->to.directory;
	ttl = ttl < TTL_MIN_S ? TTL_MIN_S : ttl > TTL_MAX_S ? TTL_MAX_S : ttl;
	reg->used = true;
	reg->addr = pd->addr;
	reg->expire_ms = ils->now + (uint64_t)ttl * 1000;
	bool stored = learn_one(ils, reg->n.cn, MG_ALIAS_NAME, reg->addr, reg->expire_ms);
	if (strcasecmp(reg->n.mail, reg->n.cn) != 0)
		stored |= learn_one(ils, reg->n.mail, MG_ALIAS_EMAIL, reg->addr, reg->expire_ms);
	if (!fresh || !stored)
		return;
	char a[16];
	ip_str(reg->addr, a);
	mg_alg_event(ils->e, MG_R_ILS_REGISTERED, "ILS user \"%s\" <%s> registered: %s:%u for %u s",
		     reg->n.cn, reg->n.mail, a, SIP_PORT, ttl);
}

static void forget(struct mg_ils *ils, const struct ils_pend *pd)
{
	struct ils_reg *reg = reg_find(ils, pd->n.dn);
	if (!reg)
		return; /* not registered through the gateway */
	struct mg_dir *d = mg_alg_dir(ils->e);
	unsigned n = 0;
	if (reg->n.cn[0])
		n += mg_dir_forget(d, reg->n.cn, MG_ALIAS_NAME, MG_DIR_ILS);
	if (reg->n.mail[0] && strcasecmp(reg->n.mail, reg->n.cn) != 0)
		n += mg_dir_forget(d, reg->n.mail, MG_ALIAS_EMAIL, MG_DIR_ILS);
	char a[16];
	ip_str(reg->addr, a);
	mg_alg_event(ils->e, MG_R_ILS_UNREGISTERED,
		     "ILS user \"%s\" <%s> of %s deleted: %u directory entries gone", reg->n.cn, reg->n.mail,
		     a, n);
	reg->used = false;
}

void mg_ils_on_result(struct mg_ils *ils)
{
	const struct mg_ldap_msg *m = &ils->msg;
	struct ils_flow *fl = ils->cur;
	uint8_t want = m->op == MG_LDAP_OP_ADD_RESP      ? MG_LDAP_OP_ADD
		       : m->op == MG_LDAP_OP_MODIFY_RESP ? MG_LDAP_OP_MODIFY
		       : m->op == MG_LDAP_OP_DEL_RESP    ? MG_LDAP_OP_DEL
							 : 0;
	if (!fl || !want || !m->has_result)
		return;
	for (unsigned i = 0; i < ILS_PENDING; i++) {
		struct ils_pend *pd = &fl->pend[i];
		if (!pd->used || pd->id != m->id || pd->op != want)
			continue;
		pd->used = false;
		if (m->result != 0)
			return; /* refused by the server: nothing changes */
		if (want == MG_LDAP_OP_DEL)
			forget(ils, pd);
		else
			learn(ils, pd);
		return;
	}
}

uint32_t mg_ils_result_host(struct mg_ils *ils, const uint8_t *b, char alias[MG_DIR_KEY_LEN + 1])
{
	const struct mg_ldap_msg *m = &ils->msg;
	const struct mg_dir *d = mg_alg_dir(ils->e);
	for (uint8_t i = 0; i < m->n_str; i++) {
		const struct mg_ldap_str *s = &m->s[i];
		if (s->attr == MG_LDAP_A_TTL)
			continue;
		alias_copy(alias, b + s->off, s->len);
		uint8_t type = s->attr == MG_LDAP_A_CN ? MG_ALIAS_NAME : MG_ALIAS_EMAIL;
		const struct mg_dir_entry *en = alias[0] ? mg_dir_lookup(d, alias, type, ils->now) : NULL;
		if (en && mg_config_is_inside(mg_engine_config(ils->e), en->addr))
			return en->addr;
	}
	alias[0] = '\0';
	return 0;
}
