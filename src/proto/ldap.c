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

static bool is_sipaddress(const struct in *type)
{
	static const char name[] = "sipaddress";
	if (mg_cur_bytes_left(&type->c) != sizeof(name) - 1)
		return false;
	const uint8_t *p = mg_cur_ptr(&type->c);
	for (size_t i = 0; i < sizeof(name) - 1; i++) {
		uint8_t ch = p[i] >= 'A' && p[i] <= 'Z' ? (uint8_t)(p[i] + 32) : p[i];
		if (ch != (uint8_t)name[i])
			return false;
	}
	return true;
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
	bool sip = is_sipaddress(&type);
	while (e == MG_BER_E_NONE && mg_cur_bytes_left(&set.c) > 0) {
		e = next(&set, MG_BER_OCTET_STRING, &t, &val);
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
	if (!constructed || (m->op != MG_LDAP_OP_ADD && m->op != MG_LDAP_OP_MODIFY &&
			     m->op != MG_LDAP_OP_SEARCH_ENTRY))
		return MG_BER_E_NONE;
	mg_cur_sub(&msg.c, t.l.len, &body.c);
	body.base = t.off;
	push(&ch, &t.l);
	m->walked = true;
	e = next(&body, MG_BER_OCTET_STRING, &t, &dn);
	if (e == MG_BER_E_NONE)
		e = next(&body, MG_BER_SEQUENCE, &t, &list);
	if (e == MG_BER_E_NONE)
		e = push(&ch, &t.l);
	if (e == MG_BER_E_NONE)
		e = attr_list(&list, &ch, m->op == MG_LDAP_OP_MODIFY, m);
	return e;
}
