/* ber.c - BER TLV headers and LDAPMessage framing; see ber.h. */
#include "proto/ber.h"

/* The length octets after the first one (c at them): n big-endian octets. */
static enum mg_ber_err long_len(struct mg_cur *c, unsigned n, uint32_t *len)
{
	if (n > mg_cur_bytes_left(c))
		return MG_BER_E_TRUNC;
	uint32_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v = v << 8 | mg_cur_u8(c);
	*len = v;
	return MG_BER_E_NONE;
}

/* The first length octet l0: how many more there are, or an error. */
static enum mg_ber_err len_form(uint8_t l0, unsigned *more)
{
	*more = 0;
	if (l0 < 0x80)
		return MG_BER_E_NONE;
	if (l0 == 0x80)
		return MG_BER_E_INDEFINITE;
	if (l0 > 0x84)
		return MG_BER_E_LENGTH;
	*more = l0 & 0x7fu;
	return MG_BER_E_NONE;
}

enum mg_ber_err mg_ber_tlv(struct mg_cur *c, uint32_t base, struct mg_ber_tlv *t)
{
	size_t start = mg_cur_byte_pos(c);
	if (mg_cur_bytes_left(c) < 2)
		return MG_BER_E_TRUNC;
	t->tag = mg_cur_u8(c);
	if ((t->tag & 0x1f) == 0x1f)
		return MG_BER_E_TAG;
	uint8_t l0 = mg_cur_u8(c);
	unsigned more;
	enum mg_ber_err e = len_form(l0, &more);
	if (e != MG_BER_E_NONE)
		return e;
	uint32_t len = l0;
	if (more > 0 && (e = long_len(c, more, &len)) != MG_BER_E_NONE)
		return e;
	if (len > mg_cur_bytes_left(c))
		return MG_BER_E_TRUNC;
	t->at = base + (uint32_t)start;
	t->l.at = t->at + 1;
	t->l.size = (uint8_t)(1 + more);
	t->l.len = len;
	t->off = t->l.at + t->l.size;
	return MG_BER_E_NONE;
}

enum mg_ber_frame_status mg_ber_frame(const uint8_t *p, size_t avail, uint32_t *msg_len,
				      enum mg_ber_err *why)
{
	struct mg_cur c;
	*msg_len = 0;
	*why = MG_BER_E_NONE;
	mg_cur_init(&c, p, avail < 6 ? avail : 6); /* only the header is read */
	if (avail >= 1 && mg_cur_u8(&c) != MG_BER_SEQUENCE) {
		*why = MG_BER_E_TAG;
		return MG_BER_BAD;
	}
	if (avail < 2) {
		*msg_len = 2;
		return MG_BER_NEED;
	}
	unsigned more;
	uint8_t l0 = mg_cur_u8(&c);
	*why = len_form(l0, &more);
	if (*why != MG_BER_E_NONE)
		return MG_BER_BAD;
	uint32_t len = l0, hdr = 2 + more;
	if (avail < hdr) {
		*msg_len = hdr;
		return MG_BER_NEED;
	}
	if (more > 0)
		long_len(&c, more, &len); /* the octets are there */
	if (len > MG_BER_MSG_MAX - hdr) {
		*why = MG_BER_E_LIMIT;
		return MG_BER_BAD;
	}
	*msg_len = hdr + len;
	return avail >= *msg_len ? MG_BER_OK : MG_BER_NEED;
}

uint8_t mg_ber_put_len(uint8_t out[5], uint32_t len, uint8_t old_size)
{
	if (old_size <= 1 && len < 0x80) {
		out[0] = (uint8_t)len;
		return 1;
	}
	unsigned n = old_size > 1 ? old_size - 1u : 1u;
	if (n > 4)
		n = 4;
	while (n < 4 && (len >> (8 * n)) != 0)
		n++;
	out[0] = (uint8_t)(0x80u | n);
	for (unsigned i = 0; i < n; i++)
		out[1 + i] = (uint8_t)(len >> (8 * (n - 1 - i)));
	return (uint8_t)(1 + n);
}

const char *mg_ber_err_name(enum mg_ber_err e)
{
	switch (e) {
	case MG_BER_E_NONE:
		return "none";
	case MG_BER_E_TRUNC:
		return "truncated";
	case MG_BER_E_INDEFINITE:
		return "indefinite length";
	case MG_BER_E_LENGTH:
		return "length form over 4 octets";
	case MG_BER_E_TAG:
		return "unexpected tag";
	case MG_BER_E_LIMIT:
		return "over a limit";
	}
	return "unknown";
}
