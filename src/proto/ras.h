/* ras.h - targeted walker for H.225.0 RAS (RasMessage, UDP 1719 / 1718).
 *
 * Like the UUIE walker (h225.h) it decodes only the paths that lead to
 * transport addresses and to the facts a RAS gateway acts on, and skips
 * everything else by its encoding: extension additions and CHOICE extension
 * alternatives by their open-type length, root components by walking their
 * definitions.  It never guesses a length.  Every address is appended to the
 * scan (container MG_C_RAS) with the offset of its 4 address octets (the 2
 * port octets follow), so a gateway can rewrite it in place:
 *   rasAddress                 GRQ, GCF, RRQ (list), LCF, IRR
 *   callSignalAddress          RRQ, RCF, URQ, ARJ (lists), LCF, IRR (list)
 *   src/destCallSignalAddress  ARQ (MG_F_SRC_CALLSIG / MG_F_DEST_CALLSIG), ACF (dest)
 *   replyAddress               LRQ, IRQ
 *   AlternateGK.rasAddress     alternateGatekeeper (GCF, RCF, URQ), altGKInfo (GRJ,
 *                              RRJ, URJ, ARJ, BRJ, DRJ, LRJ, INAK), assignedGatekeeper
 *   Endpoint call/rasAddress   alternateEndpoints (GRQ, RRQ, URQ, ACF, LCF),
 *                              srcAlternatives / destAlternatives (ARQ)
 *   annexE / sctp              alternateTransportAddresses (RRQ, RCF preGrantedARQ,
 *                              ACF, LCF, Endpoint)
 *   IRR perCallInfo            h245, callSignaling, data channels, audio / video
 *                              RTPSession rtpAddress / rtcpAddress (send and recv),
 *                              and the H.225.0 PDUs of perCallInfo.pdu (UUIE walker)
 *   BRQ bandwidthDetails       rtcpAddresses
 *   genericData / featureSet   every transport Content (MG_F_GENERIC), any depth
 *   SCI (H.460.18)             IncomingCallIndication.callSignallingAddress
 *   AliasAddress.transportID   on any walked alias list (MG_F_OTHER)
 * and the message type, requestSeqNum, callReferenceValue (s->call_ref),
 * callIdentifier, ARQ answerCall, RRQ / RCF timeToLive, RRQ keepAlive, and
 * whether H.460.18 / H.460.19 is named by a featureSet or genericData.
 *
 * H.235 tokens (ClearToken, CryptoH323Token) are skipped by length where
 * they are extension additions (most messages) and walked by their
 * definitions where a root holds them (Endpoint, RIP, RAI, RAC, IACK, INAK,
 * SCI, SCR), so that what follows them is reached.
 */
#ifndef MG_RAS_H
#define MG_RAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/h225.h"
#include "proto/h323_scan.h"

/* RasMessage alternatives: the root's 25 in order, then the extension
 * additions numbered on. */
enum mg_ras_type {
	MG_RAS_GRQ = 0,
	MG_RAS_GCF,
	MG_RAS_GRJ,
	MG_RAS_RRQ,
	MG_RAS_RCF,
	MG_RAS_RRJ,
	MG_RAS_URQ,
	MG_RAS_UCF,
	MG_RAS_URJ,
	MG_RAS_ARQ,
	MG_RAS_ACF,
	MG_RAS_ARJ,
	MG_RAS_BRQ,
	MG_RAS_BCF,
	MG_RAS_BRJ,
	MG_RAS_DRQ,
	MG_RAS_DCF,
	MG_RAS_DRJ,
	MG_RAS_LRQ,
	MG_RAS_LCF,
	MG_RAS_LRJ,
	MG_RAS_IRQ,
	MG_RAS_IRR,
	MG_RAS_NSM,      /* nonStandardMessage */
	MG_RAS_XRS,      /* unknownMessageResponse */
	MG_RAS_RIP,      /* requestInProgress: extension additions from here on */
	MG_RAS_RAI,      /* resourcesAvailableIndicate */
	MG_RAS_RAC,      /* resourcesAvailableConfirm */
	MG_RAS_IACK,     /* infoRequestAck */
	MG_RAS_INAK,     /* infoRequestNak */
	MG_RAS_SCI,      /* serviceControlIndication */
	MG_RAS_SCR,      /* serviceControlResponse */
	MG_RAS_ACF_SEQ,  /* admissionConfirmSequence */
	MG_RAS_LATER,    /* an addition this walker does not know (skipped) */
	MG_RAS_NONE = 0xff,
};

/* Walk one PER-encoded RasMessage msg[0..len) (a UDP payload).  msg must
 * lie inside s->top[0..top_len) (offsets are reported from s->top: a caller
 * with only the payload calls mg_h323_scan_init(s, msg, len) first).
 * Returns MG_R_NONE or the first problem, also left in s->err / err_where:
 * MG_R_ALG_H225_BAD for an undecodable or out-of-range encoding,
 * MG_R_ALG_LIMIT when MG_H323_MAX_ADDRS, MG_H323_MAX_DEPTH or
 * MG_PER_MAX_SEQOF elements in one list is passed, or what a walk of an
 * embedded H.225.0 / H.245 PDU returns.  s->ras_type is set as soon as the
 * message type is read, whatever follows. */
enum mg_reason mg_ras_scan(struct mg_h323_scan *s, const uint8_t *msg, size_t len);

/* The registering endpoint's own aliases: GRQ / URQ endpointAlias, RRQ /
 * RCF terminalAlias, IRR endpointAlias.  n counts the kept ones, `more`
 * tells that the list held more than MG_H225_ALIASES. */
struct mg_ras_aliases {
	uint8_t n;
	bool more;
	struct mg_h225_alias a[MG_H225_ALIASES];
};

/* mg_ras_scan that also keeps those aliases in *out (cleared first; what
 * was read before a failure stays). */
enum mg_reason mg_ras_scan_aliases(struct mg_h323_scan *s, const uint8_t *msg, size_t len,
				   struct mg_ras_aliases *out);

/* "GRQ", "RCF", ... for logs; "RAS?" for MG_RAS_LATER / MG_RAS_NONE. */
const char *mg_ras_name(uint8_t type);

#endif
