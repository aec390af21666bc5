/* q931_build.c - a ReleaseComplete for a call the gateway cannot route.
 * See q931_build.h for the layout and the cause-to-reason pairing. */
#include "proto/q931_build.h"

#include <string.h>

#include "asn1/per_enc.h"
#include "proto/h323_scan.h"
#include "proto/q931.h"
#include "proto/tpkt.h"

#define UUIE_MAX 64   /* the whole H323-UserInformation: about 30 octets */
#define OPEN_MAX 24   /* one open type: the callIdentifier's 17 octets */
#define RC_REASONS 12 /* ReleaseCompleteReason root alternatives */

/* ProtocolIdentifier of H.225.0 version 4: { 0 0 8 2250 0 4 }. */
static const uint32_t h225_v4[] = {0, 0, 8, 2250, 0, 4};

/* ReleaseComplete-UUIE ::= SEQUENCE { protocolIdentifier, reason
 * ReleaseCompleteReason OPTIONAL, ..., callIdentifier, ... }.  The
 * callIdentifier is the first extension addition (mandatory once the
 * additions are present); a reason that is an extension alternative (a
 * NULL) is an open type holding an empty encoding. */
static void release_uuie(struct mg_penc *e, uint8_t reason, const uint8_t *callid)
{
	uint8_t scratch[OPEN_MAX];
	struct mg_penc sub;

	mg_penc_seq_preamble(e, true, callid != NULL, 1, reason != MG_H225_RR_NONE);
	mg_penc_oid(e, h225_v4, 6);
	if (reason != MG_H225_RR_NONE && reason < RC_REASONS) {
		mg_penc_choice(e, reason, RC_REASONS, true, false);
	} else if (reason != MG_H225_RR_NONE) {
		mg_penc_choice(e, reason - RC_REASONS, RC_REASONS, true, true);
		mg_penc_open_type(e, NULL, 0);
	}
	if (callid == NULL)
		return;
	static const uint8_t bits[1] = {1};
	mg_penc_ext_bitmap(e, bits, 1);
	mg_penc_init(&sub, scratch, sizeof scratch);
	mg_penc_seq_preamble(&sub, true, false, 0, 0); /* CallIdentifier */
	mg_penc_octets(&sub, callid, 16, 16, 16, false);
	mg_penc_open_sub(e, &sub);
}

/* H323-UserInformation { h323-uu-pdu { releaseComplete, ...,
 * h245Tunneling FALSE } }: the H323-UU-PDU additions are present up to
 * h245Tunneling (addition 1), which H.225.0 makes mandatory. */
static size_t uuie(uint8_t *out, size_t cap, uint8_t reason, const uint8_t *callid)
{
	uint8_t scratch[OPEN_MAX];
	struct mg_penc e, sub;
	static const uint8_t bits[2] = {0, 1};

	mg_penc_init(&e, out, cap);
	mg_penc_seq_preamble(&e, true, false, 1, 0); /* H323-UserInformation */
	mg_penc_seq_preamble(&e, true, true, 1, 0);  /* H323-UU-PDU */
	mg_penc_choice(&e, MG_H225_RELEASE_COMPLETE, 7, true, false);
	release_uuie(&e, reason, callid);
	mg_penc_ext_bitmap(&e, bits, 2);
	mg_penc_init(&sub, scratch, sizeof scratch);
	mg_penc_bool(&sub, false);
	mg_penc_open_sub(&e, &sub);
	return e.err ? 0 : mg_penc_len(&e);
}

size_t mg_q931_build_release_complete(uint8_t *out, size_t cap, uint16_t call_ref, bool from_destination_side,
				      uint8_t cause, const uint8_t callid[16])
{
	uint8_t uu[UUIE_MAX];
	size_t un, total;
	uint8_t *p = out;

	if (call_ref > 0x7fff || cause == 0 || cause > 127)
		return 0;
	un = uuie(uu, sizeof uu, mg_q931_cause_reason(cause), callid);
	if (un == 0)
		return 0;
	/* TPKT 4, Q.931 header 5, Cause 4, User-user 3 + discriminator 1 */
	total = MG_TPKT_HDR_LEN + 5 + 4 + 4 + un;
	if (total > cap)
		return 0;
	*p++ = MG_TPKT_VERSION;
	*p++ = 0;
	*p++ = (uint8_t)(total >> 8);
	*p++ = (uint8_t)total;
	*p++ = MG_Q931_PROTO;
	*p++ = 2; /* call reference length */
	*p++ = (uint8_t)((call_ref >> 8) | (from_destination_side ? 0x80 : 0));
	*p++ = (uint8_t)call_ref;
	*p++ = MG_Q931_RELEASE_COMPLETE;
	*p++ = MG_Q931_IE_CAUSE;
	*p++ = 2;
	*p++ = 0x80 | MG_Q931_LOC_RPN; /* ext, coding standard ITU-T (00), spare */
	*p++ = (uint8_t)(0x80 | cause);
	*p++ = MG_Q931_IE_USER_USER;
	*p++ = (uint8_t)((un + 1) >> 8);
	*p++ = (uint8_t)(un + 1);
	*p++ = MG_Q931_UU_PROTO_X208;
	memcpy(p, uu, un);
	return total;
}
