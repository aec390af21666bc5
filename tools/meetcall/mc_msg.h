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

#endif
