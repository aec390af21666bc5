/* h225.h - targeted walker for H.225.0 H323-UserInformation (the UUIE).
 *
 * The walker decodes only the paths that lead to transport addresses and to
 * the facts listed in h323_scan.h, and skips everything else by its encoding:
 * unknown extension additions and CHOICE extension alternatives by their
 * open-type length, root components by walking their (small) definitions.
 * It never guesses a length.  Recorded (container MG_C_UUIE):
 *   setup: h245Address, destCallSignalAddress, sourceCallSignalAddress
 *   callProceeding / alerting / connect / progress / facility: h245Address
 *   facility: alternativeAddress, reason
 *   any AliasAddress.transportID met on a walked path (MG_F_OTHER)
 *   callIdentifier of every body that has one in reach
 * Embedded H.245 goes to the H.245 walker: fastStart elements (setup,
 * callProceeding, alerting, connect, progress, facility, information) to
 * mg_h245_scan_olc with MG_C_FASTSTART, setup.parallelH245Control elements
 * to mg_h245_scan_msg with MG_C_PARALLEL, and every h323-uu-pdu.h245Control
 * element to mg_h245_scan_msg with MG_C_TUNNEL.
 */
#ifndef MG_H225_H
#define MG_H225_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/h323_scan.h"

/* Walk one PER-encoded H323-UserInformation buf[0..len).  buf must lie inside
 * s->top[0..top_len) (offsets are reported from s->top; a caller with only a
 * UUIE passes it as top).  Returns MG_R_NONE or the first problem, which is
 * also left in s->err / s->err_where: MG_R_ALG_H225_BAD for an undecodable or
 * out-of-range encoding (including a bitmap longer than
 * MG_PER_MAX_EXT_BITS), MG_R_ALG_LIMIT when MG_H323_MAX_ADDRS or
 * MG_H323_MAX_DEPTH is reached, or whatever an embedded H.245 walk returns. */
enum mg_reason mg_h225_scan_uuie(struct mg_h323_scan *s, const uint8_t *buf, size_t len);

/* The aliases of a Setup (h225_alias.c).  Types as in core/engine.h's
 * enum mg_alias_type, value for value. */
#define MG_H225_ALIASES 4     /* kept per list */
#define MG_H225_ALIAS_LEN 48  /* characters kept per alias, NUL included */
enum mg_h225_alias_type {
	MG_H225_ALIAS_NONE = 0,
	MG_H225_ALIAS_DIGITS, /* dialedDigits (E.164) */
	MG_H225_ALIAS_NAME,   /* h323-ID */
	MG_H225_ALIAS_URL,    /* url-ID */
	MG_H225_ALIAS_EMAIL,  /* email-ID */
	MG_H225_ALIAS_OTHER,  /* transportID, partyNumber, ...: type only */
};
struct mg_h225_alias {
	uint8_t type; /* enum mg_h225_alias_type */
	bool cut;     /* longer than MG_H225_ALIAS_LEN - 1: cut there */
	char s[MG_H225_ALIAS_LEN]; /* printable ASCII ('?' for anything else) */
};
struct mg_h225_aliases {
	uint8_t n[2]; /* [0] sourceAddress (the caller), [1] destinationAddress */
	struct mg_h225_alias a[2][MG_H225_ALIASES];
};
/* Decode the aliases of the Setup msg[0..len) (a Q.931 message, TPKT
 * header excluded) into out; scratch is a scan the walker may use.
 * Returns false (lists as far as they got) if the message is not a Setup
 * or stops decoding. */
bool mg_h225_setup_aliases(const uint8_t *msg, uint32_t len, struct mg_h323_scan *scratch,
			   struct mg_h225_aliases *out);

#endif
