/* q931.c - Q.931 framing for H.225.0.  See q931.h for the contract. */
#include "proto/q931.h"

#include "proto/h225.h"

static enum mg_reason q931_bad(struct mg_h323_scan *s, const char *where)
{
	if (s->err == MG_R_NONE) {
		s->err = MG_R_ALG_Q931_BAD;
		s->err_where = where;
	}
	return s->err;
}

static bool ies_fail(struct mg_q931_ies *it, const char *where)
{
	if (it->err_where == NULL)
		it->err_where = where;
	mg_cur_fail(&it->c);
	return false;
}

static int ies_bad(struct mg_q931_ies *it, const char *where)
{
	ies_fail(it, where);
	return -1;
}

/* Call reference: the value is kept modulo 2^16 (H.225.0 always uses two
 * octets; longer values are legal Q.931 and only need to be skipped). */
static bool ies_call_ref(struct mg_q931_ies *it)
{
	struct mg_cur *c = &it->c;
	uint8_t b = mg_cur_u8(c);
	unsigned n = b & 0x0F;
	uint16_t v = 0;

	if (c->err)
		return ies_fail(it, "q931.call-reference-length");
	if ((b & 0xF0) != 0)
		return ies_fail(it, "q931.call-reference-length (spare bits)");
	for (unsigned i = 0; i < n; i++) {
		uint8_t o = mg_cur_u8(c);
		if (i == 0) {
			it->call_ref_flag = (o & 0x80) != 0;
			o &= 0x7F;
		}
		v = (uint16_t)((v << 8) | o);
	}
	if (c->err)
		return ies_fail(it, "q931.call-reference");
	it->call_ref = v;
	return true;
}

bool mg_q931_ies_begin(struct mg_q931_ies *it, const uint8_t *msg, size_t len)
{
	struct mg_cur *c = &it->c;

	mg_cur_init(c, msg, len);
	it->codeset = 0;
	it->err_where = NULL;
	it->call_ref = 0;
	it->call_ref_flag = false;
	it->type = 0;
	if (mg_cur_u8(c) != MG_Q931_PROTO || c->err)
		return ies_fail(it, "q931.protocol-discriminator");
	if (!ies_call_ref(it))
		return false;
	it->type = mg_cur_u8(c);
	if (c->err)
		return ies_fail(it, "q931.message-type");
	if (it->type & 0x80)
		return ies_fail(it, "q931.message-type (bit 8 set)");
	return true;
}

int mg_q931_ies_next(struct mg_q931_ies *it, struct mg_q931_ie *ie)
{
	struct mg_cur *c = &it->c;

	if (c->err)
		return ies_bad(it, "q931 (walked past an error)");
	while (mg_cur_bytes_left(c) > 0) {
		unsigned cs = it->codeset;
		uint8_t id = mg_cur_u8(c);

		if (id & 0x80) {
			/* single-octet IE; shift (1001 xnnn) changes the codeset:
			 * locking when x = 0, for the next IE only when x = 1 */
			if ((id & 0xF0) != 0x90)
				continue;
			if (!(id & 0x08)) {
				it->codeset = id & 0x07;
				continue;
			}
			if (mg_cur_bytes_left(c) == 0)
				return ies_bad(it, "q931.shift (no IE follows)");
			cs = id & 0x07;
			id = mg_cur_u8(c);
			if (id & 0x80)
				continue; /* single-octet IE of that codeset */
		}
		uint32_t n;
		if (cs == 0 && id == MG_Q931_IE_USER_USER) {
			/* H.225.0 7.2.2.1: a two-octet length */
			n = mg_cur_be16(c);
			if (c->err)
				return ies_bad(it, "q931.user-user.length");
		} else {
			n = mg_cur_u8(c);
		}
		const uint8_t *v = mg_cur_take(c, n); /* NULL too when the length was missing */
		if (v == NULL && cs == 0 && id == MG_Q931_IE_USER_USER)
			return ies_bad(it, "q931.user-user (past end of message)");
		if (v == NULL)
			return ies_bad(it, "q931.information-element (past end of message)");
		ie->id = id;
		ie->codeset = (uint8_t)cs;
		ie->v = v;
		ie->len = n;
		return 1;
	}
	return 0;
}

/* The User-user IE's contents: discriminator, H323-UserInformation.  A
 * length below 2 leaves no UUIE at all; it is refused rather than letting a
 * "length minus discriminator" computation go negative. */
static enum mg_reason q931_user_user(struct mg_h323_scan *s, const struct mg_q931_ie *ie)
{
	if (ie->len < 2)
		return q931_bad(s, "q931.user-user.length (no UUIE)");
	if (s->has_uuie)
		return q931_bad(s, "q931.user-user (repeated)");
	if (ie->v[0] != MG_Q931_UU_PROTO_X208)
		return q931_bad(s, "q931.user-user.protocol-discriminator");
	s->has_uuie = true;
	return mg_h225_scan_uuie(s, ie->v + 1, (size_t)ie->len - 1);
}

/* Cause IE: octet 3 (and 3a unless octet 3 ends the group), then the cause
 * value; kept for logs and callers, a short IE leaves none. */
static void q931_cause(struct mg_h323_scan *s, const struct mg_q931_ie *ie)
{
	unsigned k;

	if (ie->len < 2)
		return;
	k = (ie->v[0] & 0x80) ? 1 : 2;
	if (k < ie->len)
		s->q931_cause = ie->v[k] & 0x7f;
}

enum mg_reason mg_q931_scan(struct mg_h323_scan *s, const uint8_t *msg, size_t len)
{
	struct mg_q931_ies it;
	struct mg_q931_ie ie;
	int k;

	if (s->err != MG_R_NONE)
		return s->err;
	if (!mg_q931_ies_begin(&it, msg, len))
		return q931_bad(s, it.err_where);
	s->call_ref = it.call_ref;
	s->call_ref_flag = it.call_ref_flag;
	s->q931_type = it.type;
	while ((k = mg_q931_ies_next(&it, &ie)) > 0) {
		if (ie.codeset != 0)
			continue;
		if (ie.id == MG_Q931_IE_USER_USER) {
			enum mg_reason r = q931_user_user(s, &ie);
			if (r != MG_R_NONE)
				return r;
		} else if (ie.id == MG_Q931_IE_CAUSE) {
			q931_cause(s, &ie);
		}
	}
	if (k < 0)
		return q931_bad(s, it.err_where);
	return MG_R_NONE;
}

/* Called party number (Q.931 4.5.8): octet 3 (type of number, numbering
 * plan) and any further octets of its group (bit 8 clear: the group goes
 * on), then the number digits in IA5. */
bool mg_q931_called_number(const uint8_t *msg, uint32_t len, char *out, size_t cap)
{
	struct mg_q931_ies it;
	struct mg_q931_ie ie;
	uint32_t i = 0, d = 0;
	int k;

	if (cap == 0)
		return false;
	out[0] = '\0';
	if (!mg_q931_ies_begin(&it, msg, len))
		return false;
	while ((k = mg_q931_ies_next(&it, &ie)) > 0)
		if (ie.codeset == 0 && ie.id == MG_Q931_IE_CALLED_NUMBER)
			break;
	if (k <= 0)
		return false;
	while (i < ie.len && !(ie.v[i] & 0x80))
		i++;
	if (i >= ie.len)
		return false; /* octet 3's group never ends */
	for (i++; i < ie.len; i++) {
		uint8_t ch = ie.v[i];
		if (!((ch >= '0' && ch <= '9') || ch == '*' || ch == '#') || d + 1 >= cap) {
			out[0] = '\0';
			return false;
		}
		out[d++] = (char)ch;
	}
	out[d] = '\0';
	return d > 0;
}
