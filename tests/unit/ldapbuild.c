/* ldapbuild.c - see ldapbuild.h.  Definite lengths: long form from 128,
 * or everywhere with lb_set_len_form. */
#include "ldapbuild.h"

#include <stdio.h>
#include <string.h>

struct ber {
	uint8_t b[1024];
	size_t n;
};

static int len_form;
static unsigned msg_id = 7;

void lb_set_msg_id(unsigned id)
{
	msg_id = id;
}

void lb_set_len_form(int form)
{
	len_form = form;
}

static void put_tlv(struct ber *o, uint8_t tag, const void *v, size_t len);

/* messageID: one octet below 128, else two */
static void put_id(struct ber *m)
{
	if (msg_id < 0x80) {
		const uint8_t id[] = {0x02, 0x01, (uint8_t)msg_id};
		memcpy(m->b + m->n, id, sizeof(id));
		m->n += sizeof(id);
	} else {
		const uint8_t id[] = {0x02, 0x02, (uint8_t)(msg_id >> 8), (uint8_t)msg_id};
		memcpy(m->b + m->n, id, sizeof(id));
		m->n += sizeof(id);
	}
}

static void put_tlv(struct ber *o, uint8_t tag, const void *v, size_t len)
{
	o->b[o->n++] = tag;
	if (len < 128 && len_form == 0) {
		o->b[o->n++] = (uint8_t)len;
	} else {
		int n = len_form ? len_form : 2;
		o->b[o->n++] = (uint8_t)(0x80 | n);
		for (int i = n - 1; i >= 0; i--)
			o->b[o->n++] = (uint8_t)(i < 4 ? len >> (8 * i) : 0);
	}
	memcpy(o->b + o->n, v, len);
	o->n += len;
}

static void put_str(struct ber *o, const char *s)
{
	put_tlv(o, 0x04, s, strlen(s));
}

static void put_attr(struct ber *o, const char *name, const char *val)
{
	struct ber a = {.n = 0}, set = {.n = 0};
	put_str(&set, val);
	put_str(&a, name);
	put_tlv(&a, 0x31, set.b, set.n);
	put_tlv(o, 0x30, a.b, a.n);
}

static size_t message(uint8_t *out, uint8_t op, const struct ber *body)
{
	struct ber m = {.n = 0}, top = {.n = 0};
	put_id(&m);
	put_tlv(&m, op, body->b, body->n);
	put_tlv(&top, 0x30, m.b, m.n);
	memcpy(out, top.b, top.n);
	return top.n;
}

size_t lb_add_request(uint8_t *out, const char *cn, const char *sip, const char *comment)
{
	struct ber attrs = {.n = 0}, body = {.n = 0};
	char dn[128];
	snprintf(dn, sizeof(dn), "c=-, o=Microsoft, cn=%s, objectClass=RTPerson", cn);
	put_attr(&attrs, "cn", cn);
	put_attr(&attrs, "sipaddress", sip);
	put_attr(&attrs, "sappid", "ms-netmeeting");
	put_attr(&attrs, "sflags", "1");
	put_attr(&attrs, "comment", comment);
	put_str(&body, dn);
	put_tlv(&body, 0x30, attrs.b, attrs.n);
	return message(out, 0x68, &body);
}

size_t lb_modify_request(uint8_t *out, const char *cn, const char *sip)
{
	struct ber body = {.n = 0}, mods = {.n = 0};
	char dn[128];
	static const uint8_t replace[] = {0x0a, 0x01, 0x02};
	const char *names[] = {"sport", "sipAddress"}, *vals[] = {"1503", sip};
	snprintf(dn, sizeof(dn), "c=-, o=Microsoft, cn=%s, objectClass=RTPerson", cn);
	for (int i = 0; i < 2; i++) {
		struct ber one = {.n = 0}, attr = {.n = 0};
		memcpy(one.b, replace, sizeof(replace));
		one.n = sizeof(replace);
		put_attr(&attr, names[i], vals[i]);
		memcpy(one.b + one.n, attr.b, attr.n);
		one.n += attr.n;
		put_tlv(&mods, 0x30, one.b, one.n);
	}
	put_str(&body, dn);
	put_tlv(&body, 0x30, mods.b, mods.n);
	return message(out, 0x66, &body);
}

size_t lb_search_request(uint8_t *out)
{
	struct ber body = {.n = 0}, filt = {.n = 0}, want = {.n = 0};
	static const uint8_t fixed[] = {0x0a, 0x01, 0x02, 0x0a, 0x01, 0x00, 0x02, 0x01, 0x00,
					0x02, 0x01, 0x00, 0x01, 0x01, 0x00};
	put_str(&body, "objectClass=RTPerson");
	memcpy(body.b + body.n, fixed, sizeof(fixed));
	body.n += sizeof(fixed);
	put_str(&filt, "sappid");
	put_str(&filt, "ms-netmeeting");
	put_tlv(&body, 0xa3, filt.b, filt.n);
	put_str(&want, "cn");
	put_str(&want, "sipaddress");
	put_tlv(&body, 0x30, want.b, want.n);
	return message(out, 0x63, &body);
}

void lb_sipaddress(uint32_t addr, char out[16])
{
	uint8_t b[4];
	memcpy(b, &addr, 4);
	snprintf(out, 16, "%u", (unsigned)(b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24));
}

static void entry_dn(char *dn, size_t n, const char *cn)
{
	snprintf(dn, n, "c=-, o=Microsoft, cn=%s, objectClass=RTPerson", cn);
}

size_t lb_add_reg(uint8_t *out, const char *cn, const char *sip, const char *sttl)
{
	struct ber attrs = {.n = 0}, body = {.n = 0};
	char dn[128];
	entry_dn(dn, sizeof(dn), cn);
	put_attr(&attrs, "objectClass", "RTPerson");
	put_attr(&attrs, "cn", cn);
	put_attr(&attrs, "rfc822mailbox", cn);
	put_attr(&attrs, "sipaddress", sip);
	put_attr(&attrs, "sappid", "ms-netmeeting");
	if (sttl)
		put_attr(&attrs, "sttl", sttl);
	put_str(&body, dn);
	put_tlv(&body, 0x30, attrs.b, attrs.n);
	return message(out, 0x68, &body);
}

size_t lb_modify_ttl(uint8_t *out, const char *cn, const char *sttl)
{
	struct ber body = {.n = 0}, mods = {.n = 0}, one = {.n = 0}, attr = {.n = 0};
	char dn[128];
	static const uint8_t replace[] = {0x0a, 0x01, 0x02};
	entry_dn(dn, sizeof(dn), cn);
	memcpy(one.b, replace, sizeof(replace));
	one.n = sizeof(replace);
	put_attr(&attr, "sttl", sttl);
	memcpy(one.b + one.n, attr.b, attr.n);
	one.n += attr.n;
	put_tlv(&mods, 0x30, one.b, one.n);
	put_str(&body, dn);
	put_tlv(&body, 0x30, mods.b, mods.n);
	return message(out, 0x66, &body);
}

size_t lb_del_request(uint8_t *out, const char *cn)
{
	struct ber m = {.n = 0}, top = {.n = 0};
	char dn[128];
	entry_dn(dn, sizeof(dn), cn);
	put_id(&m);
	put_tlv(&m, 0x4a, dn, strlen(dn));
	put_tlv(&top, 0x30, m.b, m.n);
	memcpy(out, top.b, top.n);
	return top.n;
}

size_t lb_result(uint8_t *out, uint8_t op, unsigned code)
{
	struct ber body = {.n = 0};
	const uint8_t rc[] = {0x0a, 0x01, (uint8_t)code};
	memcpy(body.b, rc, sizeof(rc));
	body.n = sizeof(rc);
	put_str(&body, "");
	put_str(&body, "");
	return message(out, op, &body);
}

size_t lb_search_entry(uint8_t *out, const char *cn, const char *mail, const char *sip, const char *comment)
{
	struct ber attrs = {.n = 0}, body = {.n = 0};
	char dn[128];
	entry_dn(dn, sizeof(dn), cn ? cn : "x");
	if (cn)
		put_attr(&attrs, "cn", cn);
	if (mail)
		put_attr(&attrs, "mail", mail);
	put_attr(&attrs, "sipaddress", sip);
	put_attr(&attrs, "comment", comment);
	put_str(&body, dn);
	put_tlv(&body, 0x30, attrs.b, attrs.n);
	return message(out, 0x64, &body);
}
