/* q931_build.h - the messages a gateway sends on its own behalf: what it
 * says to a caller whose call it cannot route.
 *
 * A ReleaseComplete answering a caller's Setup is a whole TPKT (RFC 1006,
 * version 3) carrying a Q.931 ReleaseComplete (H.225.0 7.3):
 *   protocol discriminator 0x08, call reference (2 octets: the caller's
 *   value, the flag set when answering as the called side), message type
 *   0x5a;
 *   Cause IE 0x08: coding standard ITU-T, location 5 "private network
 *   serving the remote user" (the gateway answers for the inside endpoint
 *   the caller wanted: to the caller that endpoint is the remote user and
 *   the gateway part of the private network serving it), the cause value,
 *   no diagnostics;
 *   User-user IE 0x7e (two-octet length, discriminator 5) holding the
 *   PER-encoded H323-UserInformation: h323-message-body releaseComplete
 *   { protocolIdentifier 0.0.8.2250.0.4, reason (when the cause has a
 *   natural ReleaseCompleteReason, below), callIdentifier (when given) },
 *   h245Tunneling FALSE.
 * Cause values and reasons (H.225.0 table "ReleaseCompleteReason and Q.931
 * cause", read from the cause side; a gateway's own resources are
 * gatewayResources):
 *    1 unallocated number            calledPartyNotRegistered
 *    3 no route to destination       unreachableDestination
 *   17 user busy                     inConf
 *   20 subscriber absent             calledPartyNotRegistered
 *   27 destination out of order      unreachableDestination
 *   28 invalid number format         badFormatAddress
 *   34 no circuit/channel available  noBandwidth
 *   41 temporary failure             adaptiveBusy
 *   42 switching equipment congestion, 47 resource unavailable:
 *                                    gatewayResources
 *   anything else                    no reason (the Cause IE says it all)
 */
#ifndef MG_Q931_BUILD_H
#define MG_Q931_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Q.850 cause values a gateway uses when it refuses a call. */
#define MG_Q931_CAUSE_UNALLOCATED 1
#define MG_Q931_CAUSE_NO_ROUTE 3
#define MG_Q931_CAUSE_NORMAL 16
#define MG_Q931_CAUSE_OUT_OF_ORDER 27
#define MG_Q931_CAUSE_NO_CIRCUIT 34
#define MG_Q931_CAUSE_TEMPORARY 41
#define MG_Q931_CAUSE_RESOURCES 47

#define MG_Q931_LOC_RPN 5 /* private network serving the remote user */

/* Write the ReleaseComplete described above into out[0..cap): call_ref is
 * the 15-bit call reference value of the caller's Setup, the flag is set
 * when from_destination_side (answering as the called side, as a gateway
 * answering a Setup does), cause is 1..127, callid the callIdentifier guid
 * (NULL: none; the UUIE then has no extension additions).  Returns the
 * length written, or 0 when it does not fit or a value is out of range. */
size_t mg_q931_build_release_complete(uint8_t *out, size_t cap, uint16_t call_ref, bool from_destination_side,
				      uint8_t cause, const uint8_t callid[16]);

/* The ReleaseCompleteReason (enum mg_h225_release_reason) the builder puts
 * next to this cause, MG_H225_RR_NONE when none. */
uint8_t mg_q931_cause_reason(uint8_t cause);

/* Names for logs and reports: the Q.850 cause ("unallocated number";
 * "unknown cause" for a value without a name here) and the H.225.0
 * ReleaseCompleteReason as ASN.1 spells it ("calledPartyNotRegistered";
 * "unknown" beyond the last known addition). */
const char *mg_q931_cause_name(uint8_t cause);
const char *mg_h225_release_reason_name(uint8_t reason);

#endif
