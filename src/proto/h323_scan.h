/* h323_scan.h - what the H.323 parsers report about one signalling message.
 *
 * The parsers (q931, h225, h245) never allocate and never modify the buffer:
 * they walk a message and append to one struct mg_h323_scan the location and
 * meaning of every transport address they find, plus the facts a gateway or
 * an endpoint acts on (message types, call reference, callIdentifier, closed
 * channels, every H.245 message with its encoding and the values of the
 * small ones an endpoint answers), so that no caller parses twice.  All offsets are
 * byte offsets from scan->top, the start of the buffer given to the
 * top-level call, so the ALG can rewrite the 6 bytes (4 address + 2 port) in
 * place.  An IPv4 TransportAddress is octet-aligned in PER, so a rewrite never
 * changes a length.
 */
#ifndef MG_H323_SCAN_H
#define MG_H323_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/reason.h"

#define MG_H323_MAX_ADDRS 64   /* addresses recorded per message */
#define MG_H323_MAX_EVENTS 32  /* H.245 events recorded per message */
#define MG_H323_MAX_DEPTH 8    /* nesting of open types / embedded PDUs */
#define MG_H323_MAX_H245_MSGS 16 /* H.245 message kinds recorded per message */

/* What an address is. */
enum mg_h323_field {
	MG_F_H245_ADDRESS = 1,  /* *.h245Address */
	MG_F_SRC_CALLSIG,       /* setup.sourceCallSignalAddress */
	MG_F_DEST_CALLSIG,      /* setup.destCallSignalAddress */
	MG_F_ALT_ADDRESS,       /* facility.alternativeAddress (call forwarding) */
	MG_F_MEDIA,             /* h2250 mediaChannel (RTP) */
	MG_F_MEDIA_CTRL,        /* h2250 mediaControlChannel (RTCP) */
	MG_F_T120,              /* separateStack localAreaAddress (T.120 over TCP) */
	MG_F_MC_SIGNAL,         /* mcLocationIndication.signalAddress */
	MG_F_OTHER,             /* any other TransportAddress on a walked path */
	/* H.225.0 RAS (container MG_C_RAS; proto/ras.h) */
	MG_F_RAS_ADDRESS,       /* rasAddress (GRQ, GCF, RRQ list, LCF, IRR) */
	MG_F_CALLSIG,           /* callSignalAddress (RRQ, RCF, URQ, ARJ lists, LCF, IRR list;
	                         * IRR perCallInfo callSignaling) */
	MG_F_REPLY_ADDRESS,     /* replyAddress (LRQ, IRQ) */
	MG_F_ALT_GK,            /* AlternateGK.rasAddress (alternateGatekeeper, altGKInfo,
	                         * assignedGatekeeper) */
	MG_F_ALT_EP_CALLSIG,    /* Endpoint.callSignalAddress (alternateEndpoints, src/destAlternatives) */
	MG_F_ALT_EP_RAS,        /* Endpoint.rasAddress (same lists) */
	MG_F_ALT_TRANSPORT,     /* AlternateTransportAddresses annexE / sctp */
	MG_F_GENERIC,           /* a transport Content of genericData / featureSet (H.460.x) */
	MG_F_H460_CALLSIG,      /* H.460.18 SCI IncomingCallIndication.callSignallingAddress */
};

/* Where the address sits. */
enum mg_h323_container {
	MG_C_UUIE = 0,       /* directly in the H.225 UUIE */
	MG_C_FASTSTART,      /* an OLC inside fastStart */
	MG_C_TUNNEL,         /* an H.245 PDU inside h245Control */
	MG_C_PARALLEL,       /* an H.245 PDU inside setup.parallelH245Control */
	MG_C_H245,           /* a separate H.245 TCP channel */
	MG_C_RAS,            /* an H.225.0 RAS message (UDP 1719 / 1718) */
};

/* For addresses of an IRR perCallInfo TransportChannelInfo (container
 * MG_C_RAS), `part` tells its side; `media` (audio / video / data list) and
 * `session_id` (RTPSession.sessionId) say which stream it is. */
enum mg_ras_chan { MG_RAS_CHAN_NONE = 0, MG_RAS_CHAN_SEND = 1, MG_RAS_CHAN_RECV = 2 };

/* H.245 message kinds the ALG acts on. */
enum mg_h245_kind {
	MG_H245_NONE = 0,
	MG_H245_OLC,            /* request.openLogicalChannel (also each fastStart element) */
	MG_H245_OLC_ACK,        /* response.openLogicalChannelAck */
	MG_H245_OLC_REJECT,     /* response.openLogicalChannelReject */
	MG_H245_CLC,            /* request.closeLogicalChannel */
	MG_H245_END_SESSION,    /* command.endSessionCommand */
	MG_H245_COMM_MODE_CMD,  /* command.communicationModeCommand */
	MG_H245_COMM_MODE_RESP, /* response.communicationModeResponse */
	MG_H245_MC_LOCATION,    /* indication.mcLocationIndication */
	MG_H245_OTHER,          /* any other message (walked, nothing to do) */
};

/* Which parameters of an OLC an address came from. */
enum mg_olc_part {
	MG_OLC_NONE = 0,
	MG_OLC_FORWARD,  /* forwardLogicalChannelParameters */
	MG_OLC_REVERSE,  /* reverseLogicalChannelParameters */
	MG_OLC_ACK_FWD,  /* OLCAck forwardMultiplexAckParameters */
	MG_OLC_ACK_REV,  /* OLCAck reverseLogicalChannelParameters */
	MG_OLC_SEPARATE, /* separateStack */
	MG_OLC_COMM_MODE,/* communicationModeTable entry */
};

enum mg_media_kind { MG_MEDIA_UNKNOWN = 0, MG_MEDIA_AUDIO, MG_MEDIA_VIDEO, MG_MEDIA_DATA };

struct mg_h323_addr {
	uint32_t off;       /* offset of the first address octet from scan->top */
	uint8_t family;     /* 4 or 6 (6: 16 address octets, never rewritten) */
	uint8_t field;      /* enum mg_h323_field */
	uint8_t container;  /* enum mg_h323_container */
	uint8_t h245;       /* enum mg_h245_kind of the enclosing H.245 message */
	uint8_t part;       /* enum mg_olc_part (H.245), enum mg_ras_chan (RAS) */
	uint8_t media;      /* enum mg_media_kind from the OLC dataType (0 if unknown) */
	uint8_t session_id; /* h2250 sessionID, 0 if absent */
	uint16_t lcn;       /* forwardLogicalChannelNumber, 0 if none */
	uint8_t ip[4];      /* decoded IPv4 address (copy) */
	uint16_t port;      /* decoded port */
};

/* An H.245 event worth acting on (closing channels, ending sessions). */
struct mg_h245_event {
	uint8_t kind;      /* enum mg_h245_kind */
	uint8_t container; /* enum mg_h323_container */
	uint16_t lcn;      /* logical channel for OLC / OLC_ACK / CLC / reject */
};

/* One MultimediaSystemControlMessage walked (a fastStart OLC is not one).
 * `code`: bit 7 set for an extension alternative, bits 6-5 the message
 * category (request, response, command, indication), bits 4-0 the
 * alternative inside it (31: 31 or beyond); mg_h245_msg_name() names it.
 * The values are those of the messages an endpoint has to answer, decoded
 * when has_values is set (a message cut short before them leaves it clear:
 * the gateway does not need them, so that is no walk failure). */
struct mg_h245_msg {
	uint32_t off;          /* the encoding, from scan->top */
	uint32_t len;
	uint8_t code;
	uint8_t container;     /* enum mg_h323_container */
	bool has_values;
	uint8_t seq;           /* terminalCapabilitySet(Ack) sequenceNumber */
	uint8_t terminal_type; /* masterSlaveDetermination terminalType */
	bool master;           /* masterSlaveDeterminationAck: decision master */
	uint32_t msd_number;   /* masterSlaveDetermination statusDeterminationNumber */
};

#define MG_H245_CODE(cat, alt) ((uint8_t)((cat) << 5 | (alt)))
#define MG_H245_MSG_MSD MG_H245_CODE(0, 1)         /* masterSlaveDetermination */
#define MG_H245_MSG_TCS MG_H245_CODE(0, 2)         /* terminalCapabilitySet */
#define MG_H245_MSG_OLC MG_H245_CODE(0, 3)         /* openLogicalChannel */
#define MG_H245_MSG_CLC MG_H245_CODE(0, 4)         /* closeLogicalChannel */
#define MG_H245_MSG_MSD_ACK MG_H245_CODE(1, 1)     /* masterSlaveDeterminationAck */
#define MG_H245_MSG_TCS_ACK MG_H245_CODE(1, 3)     /* terminalCapabilitySetAck */
#define MG_H245_MSG_OLC_ACK MG_H245_CODE(1, 5)     /* openLogicalChannelAck */
#define MG_H245_MSG_OLC_REJECT MG_H245_CODE(1, 6)  /* openLogicalChannelReject */
#define MG_H245_MSG_END_SESSION MG_H245_CODE(2, 5) /* endSessionCommand */

/* Q.931 message types (Q.931 table 4-2) meetgate cares about. */
#define MG_Q931_ALERTING 0x01
#define MG_Q931_CALL_PROCEEDING 0x02
#define MG_Q931_PROGRESS 0x03
#define MG_Q931_SETUP 0x05
#define MG_Q931_CONNECT 0x07
#define MG_Q931_RELEASE_COMPLETE 0x5A
#define MG_Q931_FACILITY 0x62
#define MG_Q931_INFORMATION 0x7B
#define MG_Q931_NOTIFY 0x6E
#define MG_Q931_STATUS 0x7D
#define MG_Q931_STATUS_ENQUIRY 0x75
#define MG_Q931_SETUP_ACK 0x0D

/* H323-UU-PDU h323-message-body alternatives (H.225.0 root + extensions). */
enum mg_h225_body {
	MG_H225_SETUP = 0,
	MG_H225_CALL_PROCEEDING = 1,
	MG_H225_CONNECT = 2,
	MG_H225_ALERTING = 3,
	MG_H225_INFORMATION = 4,
	MG_H225_RELEASE_COMPLETE = 5,
	MG_H225_FACILITY = 6,
	MG_H225_PROGRESS = 7,  /* extension additions from here on */
	MG_H225_EMPTY = 8,
	MG_H225_STATUS = 9,
	MG_H225_STATUS_INQUIRY = 10,
	MG_H225_SETUP_ACK = 11,
	MG_H225_NOTIFY = 12,
	MG_H225_NONE = 255,    /* no UUIE / not decoded */
};

/* ReleaseCompleteReason alternatives (H.225.0 root + extensions). */
enum mg_h225_release_reason {
	MG_H225_RR_NO_BANDWIDTH = 0,
	MG_H225_RR_GATEKEEPER_RESOURCES = 1,
	MG_H225_RR_UNREACHABLE_DESTINATION = 2,
	MG_H225_RR_DESTINATION_REJECTION = 3,
	MG_H225_RR_INVALID_REVISION = 4,
	MG_H225_RR_NO_PERMISSION = 5,
	MG_H225_RR_UNREACHABLE_GATEKEEPER = 6,
	MG_H225_RR_GATEWAY_RESOURCES = 7,
	MG_H225_RR_BAD_FORMAT_ADDRESS = 8,
	MG_H225_RR_ADAPTIVE_BUSY = 9,
	MG_H225_RR_IN_CONF = 10,
	MG_H225_RR_UNDEFINED = 11,
	MG_H225_RR_FACILITY_CALL_DEFLECTION = 12, /* extension additions from here on */
	MG_H225_RR_SECURITY_DENIED = 13,
	MG_H225_RR_CALLED_NOT_REGISTERED = 14,
	MG_H225_RR_CALLER_NOT_REGISTERED = 15,
	MG_H225_RR_NONE = 0xff,
};

struct mg_h323_scan {
	const uint8_t *top; /* base of all offsets */
	size_t top_len;
	/* Q.931 */
	uint8_t q931_type;
	uint16_t call_ref;
	bool call_ref_flag;
	bool has_uuie;
	/* H.225 */
	uint8_t body;            /* enum mg_h225_body */
	bool has_call_id;
	uint8_t call_id[16];     /* callIdentifier.guid */
	bool h245_tunneling;
	uint8_t q931_cause;      /* Cause IE value (Q.931 4.5.12), 0 = none */
	uint8_t facility_reason; /* FacilityReason index (0 routeCallToGatekeeper, 1 callForwarded, ...), 0xff none */
	uint8_t release_reason;  /* ReleaseCompleteReason index (enum mg_h225_release_reason), 0xff none */
	unsigned n_faststart;    /* fastStart elements seen */
	unsigned n_tunnel;       /* h245Control elements seen */
	/* H.225.0 RAS (mg_ras_scan; call_ref holds a callReferenceValue, call_id
	 * a callIdentifier when the message has them) */
	uint8_t ras_type;        /* enum mg_ras_type (proto/ras.h), MG_RAS_NONE (0xff) if none */
	uint16_t ras_seq;        /* requestSeqNum, 0 until read */
	bool ras_answer;         /* ARQ answerCall */
	bool ras_has_ttl;        /* timeToLive present (RRQ, RCF) */
	uint32_t ras_ttl;        /* its value, seconds */
	bool ras_keepalive;      /* RRQ keepAlive */
	bool ras_h46018;         /* H.460.18 named in a featureSet / genericData (of a RAS
				  * message, or of an H.225.0 UUIE: Setup's needed-, desired-,
				  * supportedFeatures, another UUIE's featureSet, the
				  * H323-UU-PDU's genericData) */
	bool ras_h46019;         /* H.460.19 likewise */
	/* findings */
	struct mg_h323_addr addr[MG_H323_MAX_ADDRS];
	unsigned n_addr;
	struct mg_h245_event ev[MG_H323_MAX_EVENTS];
	unsigned n_ev;
	/* every MultimediaSystemControlMessage walked (not fastStart OLCs), in
	 * order; n_h245_msg is MG_H323_MAX_H245_MSGS + 1 when more were walked
	 * than recorded */
	struct mg_h245_msg h245_msg[MG_H323_MAX_H245_MSGS];
	unsigned n_h245_msg;
	/* first problem met (the walk stops there) */
	enum mg_reason err;
	const char *err_where; /* static string naming the field, for logs */
	unsigned depth;        /* current nesting, bounded by MG_H323_MAX_DEPTH */
};

/* Reset a scan for a new top-level buffer. */
void mg_h323_scan_init(struct mg_h323_scan *s, const uint8_t *top, size_t len);

#define MG_H323_ANY 0xff /* wildcard for mg_h323_scan_find */

/* The first IPv4 address recorded as `field` with OLC part `part` in
 * `container` (MG_H323_ANY for part or container: any); NULL if none. */
const struct mg_h323_addr *mg_h323_scan_find(const struct mg_h323_scan *s, uint8_t field, uint8_t part,
					     uint8_t container);

#endif
