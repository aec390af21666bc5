/* q931.h - Q.931 message walker for H.225.0 call signalling.
 *
 * Input: one Q.931 message, i.e. the payload of one TPKT.  Layout (Q.931
 * section 4, as profiled by H.225.0 section 7):
 *   protocol discriminator 0x08
 *   call reference: one octet whose low nibble is the value length (0..15,
 *     H.225.0 uses 2), then the value; the top bit of its first octet is the
 *     flag (set: sent by the side the call was originated towards)
 *   message type (one octet)
 *   information elements: single-octet IEs (top bit set), variable IEs
 *     { id, length octet, contents }, and the User-user IE 0x7E whose length
 *     is two octets in H.225.0, followed by a protocol discriminator (0x05:
 *     X.208/X.209 coded) and the PER-encoded H323-UserInformation.
 * The UUIE is handed to mg_h225_scan_uuie.  Only codeset 0 IEs are
 * interpreted; IEs of other codesets are skipped by their length.
 */
#ifndef MG_Q931_H
#define MG_Q931_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/h323_scan.h"
#include "util/cursor.h"

#define MG_Q931_PROTO 0x08
#define MG_Q931_IE_CAUSE 0x08
#define MG_Q931_IE_CALLED_NUMBER 0x70
#define MG_Q931_IE_USER_USER 0x7E
#define MG_Q931_UU_PROTO_X208 0x05

/* Walk one Q.931 message msg[0..len).  s must have been initialised with
 * mg_h323_scan_init; msg must lie inside s->top[0..top_len) (offsets are
 * reported from s->top).  Fills q931_type, call_ref, call_ref_flag and
 * has_uuie, then everything the H.225.0 walker finds.  Returns MG_R_NONE, or
 * the first problem (also left in s->err / s->err_where):
 * MG_R_ALG_Q931_BAD for a malformed message (including a User-user IE too
 * short to hold a discriminator and one octet of UUIE, a second User-user
 * IE, or a discriminator other than 0x05), MG_R_ALG_H225_BAD / ALG_H245_BAD /
 * ALG_LIMIT from the walkers below. */
enum mg_reason mg_q931_scan(struct mg_h323_scan *s, const uint8_t *msg, size_t len);

/* The information elements of one Q.931 message, one at a time: the walker
 * every reader of Q.931 IEs uses (mg_q931_scan included).
 *
 *	struct mg_q931_ies it;
 *	struct mg_q931_ie ie;
 *	if (mg_q931_ies_begin(&it, msg, len))
 *		while ((k = mg_q931_ies_next(&it, &ie)) > 0) ...
 *
 * begin checks the header (discriminator, call reference, message type)
 * and fills call_ref, call_ref_flag and type; next returns 1 with the next
 * variable-length IE (contents a view into msg, checked to lie inside it),
 * 0 at the end of the message, -1 when the message is malformed.  Single-
 * octet IEs are skipped; shifts set the codeset each IE is reported in.  On
 * failure err_where names the field (a static string). */
struct mg_q931_ie {
	uint8_t id;
	uint8_t codeset;  /* 0: Q.931 (the only one interpreted) */
	const uint8_t *v; /* contents, after the length octet(s) */
	uint32_t len;     /* the User-user IE has a two-octet length */
};
struct mg_q931_ies {
	struct mg_cur c;
	unsigned codeset; /* locked codeset (Q.931 4.5.2-4.5.3) */
	uint16_t call_ref;
	bool call_ref_flag;
	uint8_t type;
	const char *err_where;
};
bool mg_q931_ies_begin(struct mg_q931_ies *it, const uint8_t *msg, size_t len);
int mg_q931_ies_next(struct mg_q931_ies *it, struct mg_q931_ie *ie);

/* The digits of the first Called party number IE (0x70) of the Q.931
 * message msg[0..len) (TPKT header excluded), NUL-terminated in out: octet 3
 * and its extension octets (type of number, numbering plan) are skipped,
 * the rest must be 1 or more of 0-9 * # and fit in cap - 1 characters.
 * False (out empty when cap > 0) when the message is malformed, has no
 * such IE, or the IE is not that; never reads outside msg. */
bool mg_q931_called_number(const uint8_t *msg, uint32_t len, char *out, size_t cap);

#endif
