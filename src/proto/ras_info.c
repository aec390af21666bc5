/* ras_info.c - IRQ / IRR (perCallInfo with its RTP sessions and PDUs), and
 * the messages whose roots hold H.235 tokens: RIP, RAI, RAC, IACK, INAK,
 * SCI, SCR (the tokens walked by ras_tokens.c); NonStandardMessage and
 * UnknownMessageResponse. */
#include "proto/ras_priv.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t irq_ext[] = { [0] = MG_RAS_R_CALL_ID, [10] = MG_RAS_R_GENERIC, [11] = MG_RAS_R_ALT_GK };

/* IRQ root: requestSeqNum, callReferenceValue, nonStandardData?,
 * replyAddress? */
bool mg_ras_irq(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 2, &opt);

	if (!mg_walk_ok(w, c, "IRQ") || !mg_ras_seq(w, c) || !mg_ras_crv(w, c))
		return false;
	if ((opt & 2) && !mg_h225_nonstd(w, c))
		return false;
	if ((opt & 1) && !mg_h225_transport(w, c, MG_F_REPLY_ADDRESS, "IRQ.replyAddress"))
		return false;
	return ext ? mg_ras_exts(w, c, irq_ext, N(irq_ext), "IRQ.extensions") : true;
}

/* RTPSession ::= SEQUENCE { rtpAddress, rtcpAddress TransportChannelInfo,
 * cname PrintableString, ssrc INTEGER (1..4294967295), sessionId INTEGER
 * (1..255), associatedSessionIds SEQUENCE OF INTEGER (1..255), ... }.  The
 * sessionId, read after the addresses, is given to them afterwards. */
static bool rtp_session(struct mg_walk *w, struct mg_cur *c)
{
	unsigned first = w->s->n_addr;
	bool ext = mg_cur_bit(c);
	uint32_t id, n;

	if (!mg_walk_ok(w, c, "RTPSession") || !mg_ras_tci(w, c, MG_F_MEDIA) || !mg_ras_tci(w, c, MG_F_MEDIA_CTRL))
		return false;
	mg_per_skip_chars(c, 0, 0, false, 8);
	mg_per_constrained(c, 1, 0xFFFFFFFFu);
	id = mg_per_constrained(c, 1, 255);
	if (!mg_walk_ok(w, c, "RTPSession.sessionId"))
		return false;
	for (unsigned i = first; i < w->s->n_addr; i++)
		w->s->addr[i].session_id = (uint8_t)id;
	if (!mg_ras_count(w, c, &n, "RTPSession.associatedSessionIds"))
		return false;
	for (uint32_t i = 0; i < n && !c->err; i++)
		mg_per_constrained(c, 1, 255);
	if (!mg_walk_ok(w, c, "RTPSession.associatedSessionIds"))
		return false;
	return ext ? mg_walk_skip_exts(w, c, "RTPSession") : true;
}

/* A list of RTPSession (media: audio or video) or of TransportChannelInfo
 * (data channels). */
static bool channels(struct mg_walk *w, struct mg_cur *c, uint8_t media)
{
	uint8_t was = w->media;
	uint32_t n;
	bool ok;

	if (!mg_ras_count(w, c, &n, "perCallInfo channels"))
		return false;
	w->media = media;
	ok = true;
	for (uint32_t i = 0; i < n && ok; i++)
		ok = media == MG_MEDIA_DATA ? mg_ras_tci(w, c, MG_F_MEDIA) : rtp_session(w, c);
	w->media = was;
	return ok;
}

/* perCallInfo.pdu: SEQUENCE OF SEQUENCE { h323pdu H323-UU-PDU, sent
 * BOOLEAN }, walked by the UUIE walker (its message body is not the
 * scan's: s->body stays as it was). */
static bool pdus(struct mg_walk *w, struct mg_cur *c)
{
	uint8_t body = w->s->body;
	uint32_t n;
	bool ok = true;

	if (!mg_ras_count(w, c, &n, "perCallInfo.pdu"))
		return false;
	for (uint32_t i = 0; i < n && ok; i++) {
		ok = mg_h225_uu_pdu(w, c);
		mg_cur_skip_bits(c, 1);
		ok = ok && mg_walk_ok(w, c, "perCallInfo.pdu.sent");
	}
	w->s->body = body;
	return ok;
}

/* perCallInfo additions: 0 callIdentifier, 4 pdu. */
static bool per_call_ext(struct mg_walk *w, unsigned idx, struct mg_cur *sub)
{
	if (idx == 0)
		return mg_h225_call_id(w, sub);
	if (idx == 4)
		return pdus(w, sub);
	return true;
}

/* perCallInfo element: nonStandardData?, callReferenceValue, conferenceID,
 * originator?, audio?, video?, data?, h245, callSignaling, callType,
 * bandWidth, callModel, ... */
static bool per_call(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 5, &opt);

	if (!mg_walk_ok(w, c, "perCallInfo"))
		return false;
	if ((opt & 16) && !mg_h225_nonstd(w, c))
		return false;
	mg_per_constrained(c, 0, 65535);
	if (!mg_walk_ok(w, c, "perCallInfo.callReferenceValue") || !mg_h225_guid(w, c, "perCallInfo.conferenceID"))
		return false;
	if (opt & 8)
		mg_cur_skip_bits(c, 1);
	if ((opt & 4) && !channels(w, c, MG_MEDIA_AUDIO))
		return false;
	if ((opt & 2) && !channels(w, c, MG_MEDIA_VIDEO))
		return false;
	if ((opt & 1) && !channels(w, c, MG_MEDIA_DATA))
		return false;
	if (!mg_ras_tci(w, c, MG_F_H245_ADDRESS) || !mg_ras_tci(w, c, MG_F_CALLSIG) ||
	    !mg_ras_null_choice(w, c, 4, "perCallInfo.callType") || !mg_ras_bandwidth(w, c) ||
	    !mg_ras_null_choice(w, c, 2, "perCallInfo.callModel"))
		return false;
	return ext ? mg_walk_exts(w, c, per_call_ext, "perCallInfo") : true;
}

static const uint8_t irr_ext[] = { [7] = MG_RAS_R_GENERIC };

/* IRR root: nonStandardData?, requestSeqNum, endpointType,
 * endpointIdentifier, rasAddress, callSignalAddress[], endpointAlias?,
 * perCallInfo? */
bool mg_ras_irr(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt, n;
	bool ext = mg_per_seq_preamble(c, true, 3, &opt);

	if (!mg_walk_ok(w, c, "IRR"))
		return false;
	if ((opt & 4) && !mg_h225_nonstd(w, c))
		return false;
	if (!mg_ras_seq(w, c) || !mg_h225_endpoint_type(w, c) || !mg_ras_bmp_id(w, c, "IRR.endpointIdentifier") ||
	    !mg_h225_transport(w, c, MG_F_RAS_ADDRESS, "IRR.rasAddress") ||
	    !mg_ras_ta_list(w, c, MG_F_CALLSIG, "IRR.callSignalAddress"))
		return false;
	if ((opt & 2) && !mg_ras_alias_list(w, c, true))
		return false;
	if (opt & 1) {
		if (!mg_ras_count(w, c, &n, "IRR.perCallInfo"))
			return false;
		for (uint32_t i = 0; i < n; i++)
			if (!per_call(w, c))
				return false;
	}
	return ext ? mg_ras_exts(w, c, irr_ext, N(irr_ext), "IRR.extensions") : true;
}

static const uint8_t nsm_ext[] = { [3] = MG_RAS_R_FEATURES, [4] = MG_RAS_R_GENERIC };

/* NonStandardMessage root: requestSeqNum, nonStandardData */
bool mg_ras_nsm(struct mg_walk *w, struct mg_cur *c)
{
	bool ext = mg_cur_bit(c);

	if (!mg_walk_ok(w, c, "NonStandardMessage") || !mg_ras_seq(w, c) || !mg_h225_nonstd(w, c))
		return false;
	return ext ? mg_ras_exts(w, c, nsm_ext, N(nsm_ext), "NonStandardMessage.extensions") : true;
}

/* UnknownMessageResponse root: requestSeqNum (its additions, the message
 * not understood included, are skipped) */
bool mg_ras_xrs(struct mg_walk *w, struct mg_cur *c)
{
	bool ext = mg_cur_bit(c);

	if (!mg_walk_ok(w, c, "UnknownMessageResponse") || !mg_ras_seq(w, c))
		return false;
	return ext ? mg_walk_skip_exts(w, c, "UnknownMessageResponse.extensions") : true;
}

/* tokens and cryptoTokens by their presence bits in a root preamble. */
#define TOKENS(w, c, opt, tok, cry) mg_ras_tokens(w, c, ((opt) & (tok)) != 0, ((opt) & (cry)) != 0)

/* RequestInProgress root: requestSeqNum, nonStandardData?, tokens?,
 * cryptoTokens?, integrityCheckValue?, delay INTEGER (1..65535) */
bool mg_ras_rip(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 4, &opt);

	if (!mg_walk_ok(w, c, "RIP") || !mg_ras_seq(w, c))
		return false;
	if ((opt & 8) && !mg_h225_nonstd(w, c))
		return false;
	if (!TOKENS(w, c, opt, 4, 2))
		return false;
	if ((opt & 1) && !mg_ras_icv(w, c))
		return false;
	mg_per_constrained(c, 1, 65535);
	if (!mg_walk_ok(w, c, "RIP.delay"))
		return false;
	return ext ? mg_walk_skip_exts(w, c, "RIP.extensions") : true;
}

static const uint8_t rai_ext[] = { [1] = MG_RAS_R_GENERIC };

/* RAI root: requestSeqNum, protocolIdentifier, nonStandardData?,
 * endpointIdentifier, protocols, almostOutOfResources, tokens?,
 * cryptoTokens?, integrityCheckValue? */
bool mg_ras_rai(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt, n;
	bool ext = mg_per_seq_preamble(c, true, 4, &opt);

	if (!mg_walk_ok(w, c, "RAI") || !mg_ras_seq(w, c) || !mg_h225_oid(w, c, "RAI.protocolIdentifier"))
		return false;
	if ((opt & 8) && !mg_h225_nonstd(w, c))
		return false;
	if (!mg_ras_bmp_id(w, c, "RAI.endpointIdentifier") || !mg_ras_count(w, c, &n, "RAI.protocols"))
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (!mg_h225_supported_protocols(w, c))
			return false;
	mg_cur_skip_bits(c, 1);
	if (!mg_walk_ok(w, c, "RAI.almostOutOfResources"))
		return false;
	if (!TOKENS(w, c, opt, 4, 2))
		return false;
	if ((opt & 1) && !mg_ras_icv(w, c))
		return false;
	return ext ? mg_ras_exts(w, c, rai_ext, N(rai_ext), "RAI.extensions") : true;
}

static const uint8_t rac_ext[] = { [0] = MG_RAS_R_GENERIC };

/* RAC root: requestSeqNum, protocolIdentifier, nonStandardData?, tokens?,
 * cryptoTokens?, integrityCheckValue? */
bool mg_ras_rac(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 4, &opt);

	if (!mg_walk_ok(w, c, "RAC") || !mg_ras_seq(w, c) || !mg_h225_oid(w, c, "RAC.protocolIdentifier"))
		return false;
	if ((opt & 8) && !mg_h225_nonstd(w, c))
		return false;
	if (!TOKENS(w, c, opt, 4, 2))
		return false;
	if ((opt & 1) && !mg_ras_icv(w, c))
		return false;
	return ext ? mg_ras_exts(w, c, rac_ext, N(rac_ext), "RAC.extensions") : true;
}

/* InfoRequestAck root: requestSeqNum, nonStandardData?, tokens?,
 * cryptoTokens?, integrityCheckValue? */
bool mg_ras_iack(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 4, &opt);

	if (!mg_walk_ok(w, c, "IACK") || !mg_ras_seq(w, c))
		return false;
	if ((opt & 8) && !mg_h225_nonstd(w, c))
		return false;
	if (!TOKENS(w, c, opt, 4, 2))
		return false;
	if ((opt & 1) && !mg_ras_icv(w, c))
		return false;
	return ext ? mg_walk_skip_exts(w, c, "IACK.extensions") : true;
}

/* InfoRequestNak root: requestSeqNum, nonStandardData?, nakReason (3 NULL
 * roots), altGKInfo?, tokens?, cryptoTokens?, integrityCheckValue? */
bool mg_ras_inak(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 5, &opt);

	if (!mg_walk_ok(w, c, "INAK") || !mg_ras_seq(w, c))
		return false;
	if ((opt & 16) && !mg_h225_nonstd(w, c))
		return false;
	if (!mg_ras_null_choice(w, c, 3, "INAK.nakReason"))
		return false;
	if ((opt & 8) && !mg_ras_alt_gk_info(w, c))
		return false;
	if (!TOKENS(w, c, opt, 4, 2))
		return false;
	if ((opt & 1) && !mg_ras_icv(w, c))
		return false;
	return ext ? mg_walk_skip_exts(w, c, "INAK.extensions") : true;
}

/* The end shared by SCI and SCR: tokens?, cryptoTokens?,
 * integrityCheckValue?, featureSet?, genericData?, ...; presence bits
 * tokens 16, cryptoTokens 8, icv 4, featureSet 2, genericData 1. */
static bool service_tail(struct mg_walk *w, struct mg_cur *c, uint32_t opt, bool ext, const char *where)
{
	if (!TOKENS(w, c, opt, 16, 8))
		return false;
	if ((opt & 4) && !mg_ras_icv(w, c))
		return false;
	if ((opt & 2) && !mg_ras_feature_set(w, c))
		return false;
	if ((opt & 1) && !mg_ras_generic_list(w, c))
		return false;
	return ext ? mg_walk_skip_exts(w, c, where) : true;
}

/* SCI root: requestSeqNum, nonStandardData?, serviceControl[],
 * endpointIdentifier?, callSpecific?, tokens?, cryptoTokens?,
 * integrityCheckValue?, featureSet?, genericData? */
bool mg_ras_sci(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 8, &opt);

	if (!mg_walk_ok(w, c, "SCI") || !mg_ras_seq(w, c))
		return false;
	if ((opt & 128) && !mg_h225_nonstd(w, c))
		return false;
	if (!mg_ras_service_controls(w, c))
		return false;
	if ((opt & 64) && !mg_ras_bmp_id(w, c, "SCI.endpointIdentifier"))
		return false;
	if (opt & 32) { /* callSpecific: callIdentifier, conferenceID, answeredCall, ... */
		bool cext = mg_cur_bit(c);
		if (!mg_walk_ok(w, c, "SCI.callSpecific") || !mg_h225_call_id(w, c) ||
		    !mg_h225_guid(w, c, "SCI.callSpecific.conferenceID"))
			return false;
		mg_cur_skip_bits(c, 1);
		if (!mg_walk_ok(w, c, "SCI.callSpecific.answeredCall"))
			return false;
		if (cext && !mg_walk_skip_exts(w, c, "SCI.callSpecific"))
			return false;
	}
	return service_tail(w, c, opt, ext, "SCI.extensions");
}

/* SCR root: requestSeqNum, result? (5 NULL roots), nonStandardData?,
 * tokens?, cryptoTokens?, integrityCheckValue?, featureSet?, genericData? */
bool mg_ras_scr(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 7, &opt);

	if (!mg_walk_ok(w, c, "SCR") || !mg_ras_seq(w, c))
		return false;
	if ((opt & 64) && !mg_ras_null_choice(w, c, 5, "SCR.result"))
		return false;
	if ((opt & 32) && !mg_h225_nonstd(w, c))
		return false;
	return service_tail(w, c, opt, ext, "SCR.extensions");
}
