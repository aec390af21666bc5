/* mc_msg.h - the H.323 messages meetcall sends, and the decoding of the
 * messages it receives.
 *
 * Encoders write into a caller buffer of `cap` octets and return the length
 * written, or 0 when it does not fit or a parameter is out of range; they
 * never allocate.  H.225.0 messages come out as a whole TPKT (RFC 1006
 * header + Q.931 + User-user IE); H.245 messages come out bare (one
 * MultimediaSystemControlMessage, or one OpenLogicalChannel for fastStart),
 * to be carried in h245Control or framed with mg_mc_tpkt for a separate
 * H.245 channel.
 *
 * Decoders use only the project's own walkers (mg_q931_scan,
 * mg_h245_scan_msg, src/proto/), whose scan reports everything used here
 * (H.245 message types, TCS sequence number, MSD values, the h245Control
 * elements); results are views into the caller's buffer.
 */
#ifndef MG_MC_MSG_H
#define MG_MC_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/h323_scan.h"

#define MG_MC_MAX_BLOBS 8 /* fastStart / h245Control elements per message */

struct mg_mc_addr {
	uint8_t ip[4];
	uint16_t port;
};

/* One encoded element of a SEQUENCE OF OCTET STRING. */
struct mg_mc_blob {
	const uint8_t *p;
	size_t n;
};

/* What one H.225.0 message says.  `body` is an enum mg_h225_body value:
 * SETUP, CALL_PROCEEDING, ALERTING, CONNECT, FACILITY or RELEASE_COMPLETE. */
struct mg_mc_h225 {
	uint8_t body;
	uint16_t call_ref;      /* 15-bit call reference value */
	bool from_callee;       /* call reference flag (set by the called side) */
	uint8_t call_id[16];    /* callIdentifier.guid */
	uint8_t conf_id[16];    /* conferenceID (setup, connect) */
	const char *display;    /* Q.931 Display IE, NULL: none */
	const char *src_alias;  /* setup sourceAddress h323-ID, NULL: none */
	const char *dst_alias;  /* setup destinationAddress: dialedDigits when all
				 * of it is in "0-9#*,", else h323-ID; NULL: none */
	const char *called_number; /* setup Q.931 Called party number (type unknown,
				    * plan ISDN/E.164), 1..32 of "0-9*#"; NULL: none */
	struct mg_mc_addr src_sig; /* setup sourceCallSignalAddress */
	struct mg_mc_addr dst_sig; /* setup destCallSignalAddress */
	bool has_h245_addr;        /* connect h245Address */
	struct mg_mc_addr h245_addr;
	bool tunneling;            /* h323-uu-pdu h245Tunneling */
	const struct mg_mc_blob *faststart; /* setup proposals / answer elements */
	unsigned n_faststart;
	const struct mg_mc_blob *h245; /* h245Control elements */
	unsigned n_h245;
	uint16_t feature;          /* setup: supportedFeatures names H.460.<feature> (a
				    * FeatureDescriptor with that standard identifier and no
				    * parameters), 1..16383; 0: no supportedFeatures */
};

size_t mg_mc_enc_h225(const struct mg_mc_h225 *m, uint8_t *out, size_t cap);

/* TPKT header + payload (separate H.245 channel). */
size_t mg_mc_tpkt(const uint8_t *payload, size_t n, uint8_t *out, size_t cap);

/* One logical channel description.  A forward channel (reverse == false)
 * carries G.711 mu-law audio from the OLC's sender; a reverse one is the
 * fastStart form "forward nullData, reverse audio" that proposes (or
 * accepts) a channel towards the OLC's sender. */
struct mg_mc_olc {
	uint16_t lcn;
	bool reverse;
	bool has_media;            /* mediaChannel (RTP) */
	struct mg_mc_addr media;
	bool has_ctrl;             /* mediaControlChannel (RTCP) */
	struct mg_mc_addr ctrl;
};

#define MG_MC_G711_FRAMES 20 /* maxAl-sduAudioFrames: 20 ms of G.711 */

/* Bare OpenLogicalChannel (a fastStart element). */
size_t mg_mc_enc_olc_body(const struct mg_mc_olc *o, uint8_t *out, size_t cap);

/* MultimediaSystemControlMessages. */
size_t mg_mc_enc_olc(const struct mg_mc_olc *o, uint8_t *out, size_t cap);
size_t mg_mc_enc_olc_ack(uint16_t lcn, const struct mg_mc_addr *media, const struct mg_mc_addr *ctrl,
			 uint8_t *out, size_t cap);
size_t mg_mc_enc_tcs(uint8_t seq, uint8_t *out, size_t cap);
size_t mg_mc_enc_tcs_ack(uint8_t seq, uint8_t *out, size_t cap);
size_t mg_mc_enc_msd(uint8_t terminal_type, uint32_t number, uint8_t *out, size_t cap);
/* decision_master: the terminal receiving this Ack is the master. */
size_t mg_mc_enc_msd_ack(bool decision_master, uint8_t *out, size_t cap);
size_t mg_mc_enc_clc(uint16_t lcn, uint8_t *out, size_t cap);
size_t mg_mc_enc_end_session(uint8_t *out, size_t cap);

/* ---- decoding ---------------------------------------------------------- */

/* A received Q.931 message (a TPKT payload). */
struct mg_mc_in {
	struct mg_h323_scan scan;                 /* everything the walkers report */
	struct mg_mc_blob h245[MG_MC_MAX_BLOBS];  /* h245Control elements (views) */
	unsigned n_h245;
};

/* Walk msg[0..len) with mg_q931_scan and list the h245Control elements it
 * walked.  Returns MG_R_NONE or the reason the message was refused
 * (also left in in->scan.err); more than MG_MC_MAX_BLOBS tunnelled
 * elements is MG_R_ALG_LIMIT. */
enum mg_reason mg_mc_dec_q931(struct mg_mc_in *in, const uint8_t *msg, size_t len);

enum mg_mc_h245_type {
	MG_MC_H245_OTHER = 0,
	MG_MC_H245_MSD,
	MG_MC_H245_MSD_ACK,
	MG_MC_H245_TCS,
	MG_MC_H245_TCS_ACK,
	MG_MC_H245_OLC,
	MG_MC_H245_OLC_ACK,
	MG_MC_H245_OLC_REJECT,
	MG_MC_H245_CLC,
	MG_MC_H245_END_SESSION,
};

/* A received H.245 message. */
struct mg_mc_h245_in {
	enum mg_mc_h245_type type;
	uint8_t seq;            /* TCS / TCSAck sequenceNumber */
	uint8_t terminal_type;  /* MSD */
	uint32_t msd_number;    /* MSD statusDeterminationNumber */
	bool decision_master;   /* MSDAck: the receiver is master */
	struct mg_h323_scan scan; /* addresses and events (OLC, OLCAck, CLC) */
};

/* Decode one MultimediaSystemControlMessage; container is copied into the
 * scan's findings.  Returns MG_R_NONE or MG_R_ALG_H245_BAD / _LIMIT. */
enum mg_reason mg_mc_dec_h245(struct mg_mc_h245_in *in, const uint8_t *buf, size_t len, uint8_t container);

#define MG_MC_ANY MG_H323_ANY /* wildcard for mg_mc_find_addr */

/* The first recorded address matching field, part and container (MG_MC_ANY
 * for part or container: any); NULL if none. */
const struct mg_h323_addr *mg_mc_find_addr(const struct mg_h323_scan *s, uint8_t field, uint8_t part,
					   uint8_t container);

/* ---- H.225.0 RAS (msg_ras.c, ras_dec.c) -------------------------------- */

/* RasMessage CHOICE indexes (H.225.0 H323-MESSAGES), the ones meetcall
 * speaks. */
enum mg_mc_ras_type {
	MG_MC_GRQ = 0, MG_MC_GCF = 1, MG_MC_GRJ = 2,
	MG_MC_RRQ = 3, MG_MC_RCF = 4, MG_MC_RRJ = 5,
	MG_MC_URQ = 6, MG_MC_UCF = 7, MG_MC_URJ = 8,
	MG_MC_ARQ = 9, MG_MC_ACF = 10, MG_MC_ARJ = 11,
	MG_MC_DRQ = 15, MG_MC_DCF = 16, MG_MC_DRJ = 17,
	MG_MC_LRQ = 18, MG_MC_LCF = 19, MG_MC_LRJ = 20,
	MG_MC_RAS_ROOT = 25,   /* root alternatives of RasMessage */
	MG_MC_RAS_OTHER = 0xff /* decoded: any other message (type only) */
};

#define MG_MC_RAS_MAX 512      /* one encoded RAS message */
#define MG_MC_RAS_ALIASES 4    /* aliases kept per list */
#define MG_MC_RAS_ADDRS 4      /* transport addresses kept per list */
#define MG_MC_RAS_ALT_GK 4     /* alternate gatekeepers kept */
#define MG_MC_RAS_ID_LEN 65    /* gatekeeper / endpoint identifier: 64 characters + NUL */
#define MG_MC_RAS_BANDWIDTH 1280 /* ARQ bandWidth: 128 kbit/s, in 100 bit/s */

/* An alias: type as enum mg_h225_alias_type (DIGITS, NAME, URL, EMAIL,
 * OTHER).  Encoding: DIGITS as dialedDigits, NAME as h323-ID, NONE as
 * dialedDigits when every character is in "0-9#*," else h323-ID. */
struct mg_mc_ras_alias {
	uint8_t type;
	char s[65]; /* printable ASCII, '?' for any other character */
};

struct mg_mc_ras_aliases {
	unsigned n;
	struct mg_mc_ras_alias a[MG_MC_RAS_ALIASES];
};

/* AlternateGK: rasAddress, needToRegister, priority (gatekeeperIdentifier
 * not carried). */
struct mg_mc_alt_gk {
	struct mg_mc_addr ras;
	bool need_register;
	uint8_t priority; /* 0..127 */
};

/* Reject reasons as the CHOICE indexes of the message's reason type; `ext`
 * tells an extension alternative (all of them NULL).  Names below. */
#define MG_MC_ARJ_CALLED_NOT_REGISTERED 0
#define MG_MC_ARJ_REQUEST_DENIED 2
#define MG_MC_ARJ_CALLER_NOT_REGISTERED 4
#define MG_MC_RRJ_INVALID_CALL_SIGNAL_ADDRESS 2
#define MG_MC_RRJ_DUPLICATE_ALIAS 4      /* carries the aliases in question */
#define MG_MC_RRJ_UNDEFINED 6
#define MG_MC_RRJ_EXT_RESOURCE_UNAVAILABLE 1
#define MG_MC_RRJ_EXT_FULL_REGISTRATION 4
#define MG_MC_URJ_NOT_REGISTERED 0
#define MG_MC_DRJ_NOT_REGISTERED 0
#define MG_MC_LRJ_NOT_REGISTERED 0
#define MG_MC_DRQ_NORMAL_DROP 1

/* One RAS message, to encode or as decoded.  Which fields a message carries
 * is listed with each encoder below; a decoded message has the fields of its
 * type that were present (the has_ flags tell the optional ones), the
 * others zero. */
struct mg_mc_ras {
	uint8_t type;                  /* enum mg_mc_ras_type */
	uint16_t seq;                  /* requestSeqNum, 1..65535 */
	char gk_id[MG_MC_RAS_ID_LEN];  /* gatekeeperIdentifier, "" none */
	char ep_id[MG_MC_RAS_ID_LEN];  /* endpointIdentifier, "" none */
	bool has_ras;                  /* rasAddress (GRQ, GCF, RRQ's first, LCF), replyAddress (LRQ) */
	struct mg_mc_addr ras;
	unsigned n_sig;                /* callSignalAddress list (RRQ, RCF, URQ): IPv4 ones kept */
	struct mg_mc_addr sig[MG_MC_RAS_ADDRS];
	unsigned n_sig_all;            /* decoded: every element, IPv4 or not */
	bool has_dest_sig;             /* destCallSignalAddress (ARQ, ACF), callSignalAddress (LCF) */
	struct mg_mc_addr dest_sig;
	bool has_src_sig;              /* srcCallSignalAddress (ARQ) */
	struct mg_mc_addr src_sig;
	struct mg_mc_ras_aliases alias; /* endpointAlias (GRQ, URQ), terminalAlias (RRQ, RCF),
					 * duplicateAlias (RRJ) */
	struct mg_mc_ras_aliases dest;  /* destinationInfo (ARQ, LRQ, ACF) */
	struct mg_mc_ras_aliases src;   /* srcInfo (ARQ), sourceInfo (LRQ) */
	bool has_ttl;                  /* timeToLive (RRQ, RCF) */
	uint32_t ttl;
	bool keep_alive;               /* RRQ keepAlive */
	bool discovery_complete;       /* RRQ */
	bool answer_call;              /* ARQ answerCall; DRQ answeredCall */
	bool routed;                   /* callModel gatekeeperRouted (ARQ, ACF) */
	bool has_call_model;           /* ARQ: callModel present */
	bool has_call_id;              /* callIdentifier (ARQ, DRQ) */
	uint8_t call_id[16];
	uint8_t conf_id[16];           /* conferenceID (ARQ, DRQ) */
	uint16_t crv;                  /* callReferenceValue (ARQ, DRQ) */
	uint32_t bandwidth;            /* bandWidth (ARQ, ACF) */
	uint8_t reason;                /* rejectReason (xRJ), disengageReason (DRQ) */
	bool reason_ext;               /* ... an extension alternative */
	unsigned n_alt_gk;             /* alternateGatekeeper (GCF, RCF) */
	bool h460_18;                  /* GRQ, RRQ, RCF: featureSet supportedFeatures names H.460.18 */
	struct mg_mc_alt_gk alt_gk[MG_MC_RAS_ALT_GK];
};

/* Encode m as a RasMessage of type m->type (GRQ, GCF, RRQ, RCF, RRJ, URQ,
 * UCF, URJ, ARQ, ACF, ARJ, DRQ, DCF, DRJ, LRQ, LCF, LRJ); 0 when the type is
 * not one of these, a value is out of range or it does not fit.  Every
 * mandatory extension addition of the H.225.0 version 7 ASN.1 is present
 * (BOOLEANs FALSE unless a field says otherwise), so each bitmap reaches the
 * last mandatory addition.  Fields per type:
 *   GRQ  seq, ras, alias (endpointAlias), h460_18 (featureSet)
 *   GCF  seq, gk_id, ras, alt_gk
 *   RRQ  seq, discovery_complete, sig, ras, alias (terminalAlias), gk_id,
 *        ttl, keep_alive, ep_id, h460_18 (featureSet) (a keep-alive RRQ:
 *        keep_alive, ep_id, ttl, no aliases)
 *   RCF  seq, sig, alias, gk_id, ep_id, alt_gk, ttl, h460_18 (featureSet)
 *   RRJ  seq, reason (duplicateAlias: alias), gk_id
 *   URQ  seq, sig, alias, ep_id, gk_id        UCF seq      URJ seq, reason
 *   ARQ  seq, routed (callModel, when has_call_model), ep_id, dest,
 *        dest_sig, src, src_sig, bandwidth, crv, conf_id, answer_call,
 *        call_id, gk_id
 *   ACF  seq, bandwidth, routed, dest_sig, dest
 *   ARJ  seq, reason
 *   DRQ  seq, ep_id, conf_id, crv, reason, call_id, gk_id, answer_call
 *   DCF  seq      DRJ seq, reason
 *   LRQ  seq, ep_id, dest, ras (replyAddress), src, gk_id
 *   LCF  seq, dest_sig (callSignalAddress), ras      LRJ seq, reason */
size_t mg_mc_enc_ras(const struct mg_mc_ras *m, uint8_t *out, size_t cap);

/* Decode one RasMessage buf[0..len) into m.  Bounded decoder of the
 * messages above: their root fields are walked (the ones meetcall does not
 * keep are skipped by their definitions), their extension additions skipped
 * by length except those meetcall keeps (timeToLive, keepAlive,
 * endpointIdentifier, callIdentifier, answeredCall, alternateGatekeeper,
 * gatekeeperIdentifier, sourceInfo, destinationInfo).  Any other RasMessage
 * alternative gives type MG_MC_RAS_OTHER (and seq when it comes first).
 * Returns NULL, or where the encoding stopped making sense; never reads
 * outside buf. */
const char *mg_mc_dec_ras(struct mg_mc_ras *m, const uint8_t *buf, size_t len);

/* "GRQ", "RCF", ... ("RAS" for others); a reject reason's ASN.1 name
 * ("calledPartyNotRegistered", ...) for type's reason type. */
const char *mg_mc_ras_name(uint8_t type);
const char *mg_mc_ras_reason_name(uint8_t type, uint8_t reason, bool ext);

/* Set alias list l from a string (type by its characters). */
void mg_mc_ras_alias_add(struct mg_mc_ras_aliases *l, const char *s);

#endif
