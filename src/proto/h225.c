/* h225.c - H323-UserInformation / H323-UU-PDU walk.  See h225.h for the
 * contract and walk.h for the conventions. */
#include "proto/h225.h"

#include <stdint.h>

#include "proto/walk.h"

/* H323-UU-PDU extension additions: 1 h245Tunneling, 2 h245Control, 8
 * genericData (where H.460 features may be named). */
static bool uu_pdu_ext(struct mg_walk *w, unsigned idx, struct mg_cur *sub)
{
	switch (idx) {
	case 1:
		w->s->h245_tunneling = mg_cur_bit(sub);
		return mg_walk_ok(w, sub, "h323-uu-pdu.h245Tunneling");
	case 2:
		return mg_h225_embedded(w, sub, MG_H225_EMBED_MSG, MG_C_TUNNEL, "h323-uu-pdu.h245Control");
	case 8:
		return mg_ras_generic_list(w, sub);
	default:
		return true;
	}
}

/* An extension alternative of h323-message-body (w->s->body is set). */
static bool body_ext(struct mg_walk *w, struct mg_cur *sub)
{
	return mg_h225_body(w, sub, w->s->body);
}

/* H323-UU-PDU ::= SEQUENCE { h323-message-body CHOICE {7 root, ...},
 * nonStandardData OPTIONAL, ..., h4501SupplementaryService, h245Tunneling,
 * h245Control, ... } */
bool mg_h225_uu_pdu(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);
	bool alt_ext;
	uint32_t idx = mg_per_choice(c, 7, true, &alt_ext);

	if (!mg_walk_ok(w, c, "h323-uu-pdu.h323-message-body"))
		return false;
	if (!alt_ext) {
		w->s->body = (uint8_t)idx;
		if (!mg_h225_body(w, c, idx))
			return false;
	} else {
		/* additions: progress, empty, status, statusInquiry,
		 * setupAcknowledge, notify; later ones are only skipped */
		bool known = idx <= MG_H225_NOTIFY - MG_H225_PROGRESS;

		if (known)
			w->s->body = (uint8_t)(MG_H225_PROGRESS + idx);
		if (!mg_walk_open(w, c, known ? body_ext : NULL, "h323-uu-pdu.h323-message-body (extension)"))
			return false;
	}
	if ((opt & 1) && !mg_h225_nonstd(w, c))
		return false;
	if (ext)
		return mg_walk_exts(w, c, uu_pdu_ext, "h323-uu-pdu.extensions");
	return true;
}

enum mg_reason mg_h225_scan_uuie(struct mg_h323_scan *s, const uint8_t *buf, size_t len)
{
	struct mg_walk w = { .s = s, .bad = MG_R_ALG_H225_BAD, .container = MG_C_UUIE };
	struct mg_cur c;
	uint32_t opt;
	uintptr_t top = (uintptr_t)s->top, b = (uintptr_t)buf;

	if (s->err != MG_R_NONE)
		return s->err;
	/* Offsets are reported from s->top: the UUIE must be inside it. */
	if (s->top == NULL || b < top || b - top > s->top_len || len > s->top_len - (b - top)) {
		mg_walk_fail(&w, MG_R_ALG_H225_BAD, "uuie (outside the scanned buffer)");
		return s->err;
	}
	mg_cur_init(&c, buf, len);
	/* H323-UserInformation ::= SEQUENCE { h323-uu-pdu, user-data OPTIONAL,
	 * ... }: nothing after h323-uu-pdu carries an address, so the walk
	 * ends there. */
	mg_per_seq_preamble(&c, true, 1, &opt);
	if (!mg_walk_ok(&w, &c, "h323-userinformation"))
		return s->err;
	mg_h225_uu_pdu(&w, &c);
	return s->err;
}
