/* ldap.c - sipaddress values in LDAP messages; see ldap.h.  Every TLV is
 * read through mg_ber_tlv, which checks it against what is left of its
 * container before anything of it is used. */
#include "proto/ldap.h"

#include <string.h>

/* A container's content: a cursor over it, and the message offset of its
 * byte 0. */
struct in {
	struct mg_cur c;
	uint32_t base;
};

/* The length fields enclosing the current position, outermost first. */
struct chain {
	struct mg_ber_len l[MG_LDAP_ENC];
	uint8_t n;
};

/* The next TLV of `in`, which must carry `tag`; its content in *out. */
static enum mg_ber_err next(struct in *in, uint8_t tag, struct mg_ber_tlv *t, struct in *out)
{
	enum mg_ber_err e = mg_ber_tlv(&in->c, in->base, t);
	if (e != MG_BER_E_NONE)
		return e;
	if (t->tag != tag)
		return MG_BER_E_TAG;
	mg_cur_sub(&in->c, t->l.len, &out->c); /* within in: mg_ber_tlv checked it */
	out->base = t->off;
	return MG_BER_E_NONE;
}

/* Is the attribute type `name` (lower case), in any case? */
static bool type_is(const struct in *type, const char *name)
{
	size_t n = strlen(name);
	if (mg_cur_bytes_left(&type->c) != n)
		return false;
	const uint8_t *p = mg_cur_ptr(&type->c);
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = p[i] >= 'A' && p[i] <= 'Z' ? (uint8_t)(p[i] + 32) : p[i];
		if (ch != (uint8_t)name[i])
			return false;
	}
	return true;
}

/* Which reported attribute the type is: an enum mg_ldap_attr, or -1. */
static int str_attr(const struct in *type)
{
	if (type_is(type, "cn"))
		return MG_LDAP_A_CN;
	if (type_is(type, "rfc822mailbox") || type_is(type, "mail"))
		return MG_LDAP_A_MAIL;
	if (type_is(type, "sttl"))
		return MG_LDAP_A_TTL;
	return -1;
}

static void add_str(struct mg_ldap_msg *m, const struct mg_ber_tlv *t, int attr)
{
	if (m->n_str == MG_LDAP_STRS) {
		m->str_cut = true;
		return;
	}
	struct mg_ldap_str *s = &m->s[m->n_str++];
	s->off = t->off;
	s->len = t->l.len;
	s->attr = (uint8_t)attr;
}

static enum mg_ber_err push(struct chain *ch, const struct mg_ber_len *l)
{
	if (ch->n == MG_LDAP_ENC)
		return MG_BER_E_LIMIT;
	ch->l[ch->n++] = *l;
	return MG_BER_E_NONE;
}

/* An attribute's content { type, SET OF value }; ch ends with its own
 * length field. */
static enum mg_ber_err attribute(struct in *a, struct chain *ch, struct mg_ldap_msg *m)
{
	struct mg_ber_tlv t;
	struct in type, set, val;
	enum mg_ber_err e = next(a, MG_BER_OCTET_STRING, &t, &type);
	if (e == MG_BER_E_NONE)
		e = next(a, MG_BER_SET, &t, &set);
	if (e == MG_BER_E_NONE)
		e = push(ch, &t.l);
	if (e != MG_BER_E_NONE)
		return e;
	bool sip = type_is(&type, "sipaddress");
	int str = sip ? -1 : str_attr(&type);
	while (e == MG_BER_E_NONE && mg_cur_bytes_left(&set.c) > 0) {
		e = next(&set, MG_BER_OCTET_STRING, &t, &val);
		if (e == MG_BER_E_NONE && str >= 0)
			add_str(m, &t, str);
		if (e != MG_BER_E_NONE || !sip)
			continue;
		if (m->n == MG_LDAP_VALUES)
			return MG_BER_E_LIMIT;
		struct mg_ldap_value *v = &m->v[m->n++];
		v->off = t.off;
		v->len = t.l.len;
		v->own = t.l;
		v->n_enc = ch->n;
		memcpy(v->enc, ch->l, sizeof(ch->l[0]) * ch->n);
	}
	ch->n--;
	return e;
}

/* SEQUENCE OF SEQUENCE { type, SET OF value } (Add, SearchResultEntry) or,
 * with `modify`, SEQUENCE OF SEQUENCE { operation, SEQUENCE { type, SET } }. */
static enum mg_ber_err attr_list(struct in *list, struct chain *ch, bool modify, struct mg_ldap_msg *m)
{
	enum mg_ber_err e = MG_BER_E_NONE;
	while (e == MG_BER_E_NONE && mg_cur_bytes_left(&list->c) > 0) {
		struct mg_ber_tlv t;
		struct in item, op, mod;
		uint8_t depth = ch->n;
		e = next(list, MG_BER_SEQUENCE, &t, &item);
		if (e == MG_BER_E_NONE)
			e = push(ch, &t.l);
		if (e == MG_BER_E_NONE && modify) {
			e = next(&item, MG_BER_ENUMERATED, &t, &op);
			if (e == MG_BER_E_NONE)
				e = next(&item, MG_BER_SEQUENCE, &t, &mod);
			if (e == MG_BER_E_NONE)
				e = push(ch, &t.l);
			if (e == MG_BER_E_NONE)
				e = attribute(&mod, ch, m);
		} else if (e == MG_BER_E_NONE) {
			e = attribute(&item, ch, m);
		}
		ch->n = depth;
	}
	return e;
}

/* An LDAPResult's resultCode: its first element, ENUMERATED (at most 4
 * octets read, as the messageID). */
static enum mg_ber_err result(struct in *body, struct mg_ldap_msg *m)
{
	struct mg_ber_tlv t;
	struct in code;
	enum mg_ber_err e = next(body, MG_BER_ENUMERATED, &t, &code);
	if (e != MG_BER_E_NONE)
		return e;
	if (t.l.len < 1 || t.l.len > 4)
		return MG_BER_E_LIMIT;
	while (mg_cur_bytes_left(&code.c) > 0)
		m->result = m->result << 8 | mg_cur_u8(&code.c);
	m->has_result = true;
	return MG_BER_E_NONE;
}

enum mg_ber_err mg_ldap_scan(const uint8_t *b, size_t len, struct mg_ldap_msg *m)
{
	struct in all, msg, id, body, dn, list;
	struct mg_ber_tlv t;
	struct chain ch = {.n = 0};
	memset(m, 0, sizeof(*m));
	mg_cur_init(&all.c, b, len);
	all.base = 0;
	enum mg_ber_err e = next(&all, MG_BER_SEQUENCE, &t, &msg);
	if (e != MG_BER_E_NONE)
		return e;
	if (mg_cur_bytes_left(&all.c) != 0)
		return MG_BER_E_TRUNC; /* framed wrong: bytes after the message */
	m->len = (uint32_t)len;
	push(&ch, &t.l);
	if ((e = next(&msg, MG_BER_INTEGER, &t, &id)) != MG_BER_E_NONE)
		return e;
	while (mg_cur_bytes_left(&id.c) > 0)
		m->id = m->id << 8 | mg_cur_u8(&id.c);
	if ((e = mg_ber_tlv(&msg.c, msg.base, &t)) != MG_BER_E_NONE)
		return e;
	if ((t.tag & 0xc0) != 0x40)
		return MG_BER_E_TAG; /* protocolOp is [APPLICATION n] */
	m->op = t.tag & 0x1f;
	bool constructed = (t.tag & 0x20) != 0;
	if (!constructed && m->op == MG_LDAP_OP_DEL) {
		m->has_dn = true;
		m->dn_off = t.off;
		m->dn_len = t.l.len;
		return MG_BER_E_NONE;
	}
	if (!constructed)
		return MG_BER_E_NONE;
	mg_cur_sub(&msg.c, t.l.len, &body.c);
	body.base = t.off;
	if (m->op == MG_LDAP_OP_ADD_RESP || m->op == MG_LDAP_OP_MODIFY_RESP || m->op == MG_LDAP_OP_DEL_RESP)
		return result(&body, m);
	if (m->op != MG_LDAP_OP_ADD && m->op != MG_LDAP_OP_MODIFY && m->op != MG_LDAP_OP_SEARCH_ENTRY)
		return MG_BER_E_NONE;
	push(&ch, &t.l);
	m->walked = true;
	e = next(&body, MG_BER_OCTET_STRING, &t, &dn);
	if (e == MG_BER_E_NONE) {
		m->has_dn = true;
		m->dn_off = t.off;
		m->dn_len = t.l.len;
		e = next(&body, MG_BER_SEQUENCE, &t, &list);
	}
	if (e == MG_BER_E_NONE)
		e = push(&ch, &t.l);
	if (e == MG_BER_E_NONE)
		e = attr_list(&list, &ch, m->op == MG_LDAP_OP_MODIFY, m);
	return e;
}
