/* msg_dec.c - decoding what a peer sends, with the project's walkers.
 *
 * mg_q931_scan validates a whole Q.931 message and reports addresses and
 * H.245 events; it does not hand back the tunnelled H.245 PDUs themselves,
 * which an endpoint must answer.  Those are found by a second, shallow walk
 * of the H323-UU-PDU that steps over the message body with the H.225.0
 * walker's body function (proto/walk.h) and then reads the h245Control
 * addition.  The second walk only runs on a message the first one accepted.
 */
#include <string.h>

#include "proto/h245.h"
#include "proto/q931.h"
#include "proto/walk.h"
#include "asn1/per.h"
#include "meetcall/mc_msg.h"

/* Locate the User-user IE contents (after the 0x05 discriminator). */
static bool find_uuie(const uint8_t *msg, size_t len, struct mg_cur *uu)
{
	struct mg_cur c;
	mg_cur_init(&c, msg, len);
	mg_cur_u8(&c);                       /* protocol discriminator */
	mg_cur_skip(&c, mg_cur_u8(&c) & 15); /* call reference */
	mg_cur_u8(&c);                       /* message type */
	while (!c.err && mg_cur_bytes_left(&c) > 0) {
		uint8_t id = mg_cur_u8(&c);
		if (id & 0x80)
			continue; /* single-octet IE */
		if (id == 0x7e) {
			uint16_t n = mg_cur_be16(&c);
			if (c.err || n < 2 || mg_cur_u8(&c) != 0x05)
				return false;
			return mg_cur_sub(&c, n - 1u, uu);
		}
		mg_cur_skip(&c, mg_cur_u8(&c));
	}
	return false;
}

static enum mg_reason tunnelled(struct mg_mc_in *in, struct mg_cur *c)
{
	uint32_t n = mg_per_length(c);
	for (uint32_t i = 0; i < n && !c->err; i++) {
		uint32_t len;
		const uint8_t *p = mg_per_octets(c, 0, 0, false, &len);
		if (p == NULL)
			break;
		if (in->n_h245 >= MG_MC_MAX_BLOBS)
			return MG_R_ALG_LIMIT;
		in->h245[in->n_h245].p = p;
		in->h245[in->n_h245].n = len;
		in->n_h245++;
	}
	return c->err ? MG_R_ALG_H225_BAD : MG_R_NONE;
}

/* H323-UserInformation { h323-uu-pdu { body, nonStandardData?, ...,
 * h4501SupplementaryService (0), h245Tunneling (1), h245Control (2), ... } } */
static enum mg_reason uu_pdu(struct mg_mc_in *in, struct mg_cur *c)
{
	struct mg_h323_scan tmp;
	struct mg_walk w = { .s = &tmp, .bad = MG_R_ALG_H225_BAD, .container = MG_C_UUIE };
	uint32_t opt;
	bool alt_ext;

	mg_h323_scan_init(&tmp, c->buf, c->len);
	mg_per_seq_preamble(c, true, 1, &opt);
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);
	uint32_t idx = mg_per_choice(c, 7, true, &alt_ext);
	if (c->err)
		return MG_R_ALG_H225_BAD;
	if (alt_ext)
		mg_per_skip_open_type(c);
	else if (!mg_h225_body(&w, c, idx))
		return tmp.err != MG_R_NONE ? tmp.err : MG_R_ALG_H225_BAD;
	if ((opt & 1) && !mg_h225_nonstd(&w, c))
		return MG_R_ALG_H225_BAD;
	if (!ext)
		return c->err ? MG_R_ALG_H225_BAD : MG_R_NONE;
	uint8_t bits[MG_PER_MAX_EXT_BITS];
	unsigned nb = mg_per_ext_bitmap(c, bits);
	for (unsigned i = 0; i < nb && !c->err; i++) {
		struct mg_cur sub;
		if (!bits[i])
			continue;
		if (!mg_per_open_type(c, &sub))
			break;
		if (i == 2)
			return tunnelled(in, &sub);
	}
	return c->err ? MG_R_ALG_H225_BAD : MG_R_NONE;
}

enum mg_reason mg_mc_dec_q931(struct mg_mc_in *in, const uint8_t *msg, size_t len)
{
	struct mg_cur uu;
	mg_h323_scan_init(&in->scan, msg, len);
	in->n_h245 = 0;
	enum mg_reason r = mg_q931_scan(&in->scan, msg, len);
	if (r != MG_R_NONE || !in->scan.has_uuie)
		return r;
	if (!find_uuie(msg, len, &uu))
		r = MG_R_ALG_Q931_BAD;
	else
		r = uu_pdu(in, &uu);
	if (r != MG_R_NONE && in->scan.err == MG_R_NONE) {
		in->scan.err = r;
		in->scan.err_where = "h323-uu-pdu.h245Control";
	}
	return r;
}

/* The facts the H.245 walker does not report: which message this is and
 * the values of the small ones. */
static void classify(struct mg_mc_h245_in *in, struct mg_cur *c)
{
	bool ext;
	uint32_t opt;
	uint32_t kind = mg_per_choice(c, 4, true, &ext);
	if (c->err || ext)
		return;
	static const uint32_t roots[4] = {11, 19, 7, 14};
	uint32_t alt = mg_per_choice(c, roots[kind], true, &ext);
	if (c->err || ext)
		return;
	if (kind == 0 && alt == 1) {
		mg_per_seq_preamble(c, true, 0, &opt);
		in->terminal_type = (uint8_t)mg_per_constrained(c, 0, 255);
		in->msd_number = mg_per_constrained(c, 0, 16777215);
		in->type = MG_MC_H245_MSD;
	} else if (kind == 0 && alt == 2) {
		mg_per_seq_preamble(c, true, 3, &opt);
		in->seq = (uint8_t)mg_per_constrained(c, 0, 255);
		in->type = MG_MC_H245_TCS;
	} else if (kind == 1 && alt == 1) {
		mg_per_seq_preamble(c, true, 0, &opt);
		in->decision_master = mg_per_constrained(c, 0, 1) == 0;
		in->type = MG_MC_H245_MSD_ACK;
	} else if (kind == 1 && alt == 3) {
		mg_per_seq_preamble(c, true, 0, &opt);
		in->seq = (uint8_t)mg_per_constrained(c, 0, 255);
		in->type = MG_MC_H245_TCS_ACK;
	} else if (kind == 0 && alt == 3) {
		in->type = MG_MC_H245_OLC;
	} else if (kind == 0 && alt == 4) {
		in->type = MG_MC_H245_CLC;
	} else if (kind == 1 && alt == 5) {
		in->type = MG_MC_H245_OLC_ACK;
	} else if (kind == 1 && alt == 6) {
		in->type = MG_MC_H245_OLC_REJECT;
	} else if (kind == 2 && alt == 5) {
		in->type = MG_MC_H245_END_SESSION;
	}
	if (c->err)
		in->type = MG_MC_H245_OTHER;
}

enum mg_reason mg_mc_dec_h245(struct mg_mc_h245_in *in, const uint8_t *buf, size_t len, uint8_t container)
{
	struct mg_cur c;
	memset(in, 0, sizeof *in);
	mg_h323_scan_init(&in->scan, buf, len);
	enum mg_reason r = mg_h245_scan_msg(&in->scan, buf, len, container);
	if (r != MG_R_NONE)
		return r;
	mg_cur_init(&c, buf, len);
	classify(in, &c);
	if (c.err)
		return MG_R_ALG_H245_BAD;
	return MG_R_NONE;
}

const struct mg_h323_addr *mg_mc_find_addr(const struct mg_h323_scan *s, uint8_t field, uint8_t part,
					   uint8_t container)
{
	for (unsigned i = 0; i < s->n_addr; i++) {
		const struct mg_h323_addr *a = &s->addr[i];
		if (a->family != 4 || a->field != field)
			continue;
		if (part != MG_MC_ANY && a->part != part)
			continue;
		if (container != MG_MC_ANY && a->container != container)
			continue;
		return a;
	}
	return NULL;
}
