/* q931.c - Q.931 framing for H.225.0.  See q931.h for the contract. */
#include "proto/q931.h"

#include "proto/h225.h"
#include "util/cursor.h"

static enum mg_reason q931_bad(struct mg_h323_scan *s, const char *where)
{
	if (s->err == MG_R_NONE) {
		s->err = MG_R_ALG_Q931_BAD;
		s->err_where = where;
	}
	return s->err;
}

/* Call reference: the value is kept modulo 2^16 (H.225.0 always uses two
 * octets; longer values are legal Q.931 and only need to be skipped). */
static enum mg_reason q931_call_ref(struct mg_h323_scan *s, struct mg_cur *c)
{
	uint8_t b = mg_cur_u8(c);
	unsigned n = b & 0x0F;
	uint16_t v = 0;

	if (c->err)
		return q931_bad(s, "q931.call-reference-length");
	if ((b & 0xF0) != 0)
		return q931_bad(s, "q931.call-reference-length (spare bits)");
	for (unsigned i = 0; i < n; i++) {
		uint8_t o = mg_cur_u8(c);
		if (i == 0) {
			s->call_ref_flag = (o & 0x80) != 0;
			o &= 0x7F;
		}
		v = (uint16_t)((v << 8) | o);
	}
	if (c->err)
		return q931_bad(s, "q931.call-reference");
	s->call_ref = v;
	return MG_R_NONE;
}

/* The User-user IE: two-octet length, discriminator, H323-UserInformation.
 * A length below 2 leaves no UUIE at all; it is refused rather than letting
 * a "length minus discriminator" computation go negative. */
static enum mg_reason q931_user_user(struct mg_h323_scan *s, struct mg_cur *c)
{
	uint16_t n = mg_cur_be16(c);
	const uint8_t *p;

	if (c->err)
		return q931_bad(s, "q931.user-user.length");
	if (n < 2)
		return q931_bad(s, "q931.user-user.length (no UUIE)");
	if (s->has_uuie)
		return q931_bad(s, "q931.user-user (repeated)");
	p = mg_cur_take(c, n);
	if (p == NULL)
		return q931_bad(s, "q931.user-user (past end of message)");
	if (p[0] != MG_Q931_UU_PROTO_X208)
		return q931_bad(s, "q931.user-user.protocol-discriminator");
	s->has_uuie = true;
	return mg_h225_scan_uuie(s, p + 1, (size_t)n - 1);
}

enum mg_reason mg_q931_scan(struct mg_h323_scan *s, const uint8_t *msg, size_t len)
{
	struct mg_cur c;
	unsigned codeset = 0; /* locked codeset (Q.931 4.5.2-4.5.3) */
	enum mg_reason r;

	if (s->err != MG_R_NONE)
		return s->err;
	mg_cur_init(&c, msg, len);
	if (mg_cur_u8(&c) != MG_Q931_PROTO || c.err)
		return q931_bad(s, "q931.protocol-discriminator");
	r = q931_call_ref(s, &c);
	if (r != MG_R_NONE)
		return r;
	s->q931_type = mg_cur_u8(&c);
	if (c.err)
		return q931_bad(s, "q931.message-type");
	if (s->q931_type & 0x80)
		return q931_bad(s, "q931.message-type (bit 8 set)");

	while (mg_cur_bytes_left(&c) > 0) {
		unsigned cs = codeset;
		uint8_t id = mg_cur_u8(&c);

		if (id & 0x80) {
			/* single-octet IE; shift (1001 xnnn) changes the codeset:
			 * locking when x = 0, for the next IE only when x = 1 */
			if ((id & 0xF0) == 0x90) {
				if (id & 0x08) {
					if (mg_cur_bytes_left(&c) == 0)
						return q931_bad(s, "q931.shift (no IE follows)");
					cs = id & 0x07;
					id = mg_cur_u8(&c);
					if (id & 0x80)
						continue; /* single-octet IE of that codeset */
				} else {
					codeset = id & 0x07;
					continue;
				}
			} else {
				continue;
			}
		}
		if (cs == 0 && id == MG_Q931_IE_USER_USER) {
			r = q931_user_user(s, &c);
			if (r != MG_R_NONE)
				return r;
			continue;
		}
		uint8_t n = mg_cur_u8(&c);
		if (cs == 0 && id == MG_Q931_IE_CAUSE && n >= 2 && mg_cur_bytes_left(&c) >= n) {
			/* octet 3 (and 3a unless octet 3 ends the group), then
			 * the cause value: kept for logs only */
			const uint8_t *v = mg_cur_ptr(&c);
			unsigned k = (v[0] & 0x80) ? 1 : 2;
			if (k < n)
				s->q931_cause = v[k] & 0x7f;
		}
		mg_cur_skip(&c, n);
		if (c.err)
			return q931_bad(s, "q931.information-element (past end of message)");
	}
	return MG_R_NONE;
}
