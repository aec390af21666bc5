/* h225.c - H323-UserInformation / H323-UU-PDU walk and the shared extension
 * helpers.  See h225.h for the contract and h225_walk.h for conventions. */
#include "proto/h225.h"

#include <stdint.h>

#include "proto/h225_walk.h"

bool mg_h225_fail(struct mg_h323_scan *s, enum mg_reason r, const char *where)
{
	if (s->err == MG_R_NONE) {
		s->err = r;
		s->err_where = where;
	}
	return false;
}

bool mg_h225_enter(struct mg_h323_scan *s, const char *where)
{
	if (s->depth >= MG_H323_MAX_DEPTH)
		return mg_h225_fail(s, MG_R_ALG_LIMIT, where);
	s->depth++;
	return true;
}

bool mg_h225_exts(struct mg_h323_scan *s, struct mg_cur *c, mg_h225_ext_fn fn, const char *where)
{
	uint8_t bits[MG_PER_MAX_EXT_BITS];
	unsigned n = mg_per_ext_bitmap(c, bits);

	if (!mg_h225_ok(s, c, where))
		return false;
	for (unsigned i = 0; i < n; i++) {
		struct mg_cur sub;

		if (!bits[i])
			continue;
		mg_per_open_type(c, &sub);
		if (!mg_h225_ok(s, c, where))
			return false;
		if (fn == NULL)
			continue;
		if (!mg_h225_enter(s, where))
			return false;
		bool ok = fn(s, i, &sub);
		mg_h225_leave(s);
		if (!ok)
			return false;
	}
	return true;
}

bool mg_h225_skip_open(struct mg_h323_scan *s, struct mg_cur *c, const char *where)
{
	mg_per_skip_open_type(c);
	return mg_h225_ok(s, c, where);
}

/* H323-UU-PDU extension additions: 1 h245Tunneling, 2 h245Control. */
static bool uu_pdu_ext(struct mg_h323_scan *s, unsigned idx, struct mg_cur *sub)
{
	switch (idx) {
	case 1:
		s->h245_tunneling = mg_cur_bit(sub);
		return mg_h225_ok(s, sub, "h323-uu-pdu.h245Tunneling");
	case 2:
		return mg_h225_embedded(s, sub, MG_H225_EMBED_MSG, MG_C_TUNNEL, "h323-uu-pdu.h245Control");
	default:
		return true;
	}
}

/* H323-UU-PDU ::= SEQUENCE { h323-message-body CHOICE {7 root, ...},
 * nonStandardData OPTIONAL, ..., h4501SupplementaryService, h245Tunneling,
 * h245Control, ... } */
static bool uu_pdu(struct mg_h323_scan *s, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);
	bool alt_ext;
	uint32_t idx = mg_per_choice(c, 7, true, &alt_ext);

	if (!mg_h225_ok(s, c, "h323-uu-pdu.h323-message-body"))
		return false;
	if (!alt_ext) {
		s->body = (uint8_t)idx;
		if (!mg_h225_body(s, c, idx))
			return false;
	} else {
		struct mg_cur sub;

		mg_per_open_type(c, &sub);
		if (!mg_h225_ok(s, c, "h323-uu-pdu.h323-message-body (extension)"))
			return false;
		/* additions: progress, empty, status, statusInquiry,
		 * setupAcknowledge, notify; later ones are only skipped */
		if (idx <= MG_H225_NOTIFY - MG_H225_PROGRESS) {
			s->body = (uint8_t)(MG_H225_PROGRESS + idx);
			if (!mg_h225_enter(s, "h323-message-body"))
				return false;
			bool ok = mg_h225_body(s, &sub, s->body);
			mg_h225_leave(s);
			if (!ok)
				return false;
		}
	}
	if ((opt & 1) && !mg_h225_nonstd(s, c))
		return false;
	if (ext)
		return mg_h225_exts(s, c, uu_pdu_ext, "h323-uu-pdu.extensions");
	return true;
}

enum mg_reason mg_h225_scan_uuie(struct mg_h323_scan *s, const uint8_t *buf, size_t len)
{
	struct mg_cur c;
	uint32_t opt;
	uintptr_t top = (uintptr_t)s->top, b = (uintptr_t)buf;

	if (s->err != MG_R_NONE)
		return s->err;
	/* Offsets are reported from s->top: the UUIE must be inside it. */
	if (s->top == NULL || b < top || b - top > s->top_len || len > s->top_len - (b - top)) {
		mg_h225_fail(s, MG_R_ALG_H225_BAD, "uuie (outside the scanned buffer)");
		return s->err;
	}
	mg_cur_init(&c, buf, len);
	/* H323-UserInformation ::= SEQUENCE { h323-uu-pdu, user-data OPTIONAL,
	 * ... }: nothing after h323-uu-pdu carries an address, so the walk
	 * ends there. */
	mg_per_seq_preamble(&c, true, 1, &opt);
	if (!mg_h225_ok(s, &c, "h323-userinformation"))
		return s->err;
	uu_pdu(s, &c);
	return s->err;
}
