/* ras_call.c - admission, bandwidth, disengage and location: ARQ / ACF /
 * ARJ, BRQ / BCF / BRJ, DRQ / DCF / DRJ, LRQ / LCF / LRJ.  Roots walked in
 * order; the tables give the extension additions walked by position. */
#include "proto/ras_priv.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The usual tail: nonStandardData if present, then the additions. */
static bool tail(struct mg_walk *w, struct mg_cur *c, bool nonstd, bool ext, const uint8_t *roles, unsigned n,
		 const char *where)
{
	if (nonstd && !mg_h225_nonstd(w, c))
		return false;
	return ext ? mg_ras_exts(w, c, roles, n, where) : true;
}

static const uint8_t arq_ext[] = {
	[1] = MG_RAS_R_CALL_ID, [2] = MG_RAS_R_ALT_EP, [3] = MG_RAS_R_ALT_EP,
	[16] = MG_RAS_R_FEATURES, [17] = MG_RAS_R_GENERIC,
};

/* ARQ root: requestSeqNum, callType, callModel?, endpointIdentifier,
 * destinationInfo?, destCallSignalAddress?, destExtraCallInfo?, srcInfo,
 * srcCallSignalAddress?, bandWidth, callReferenceValue, nonStandardData?,
 * callServices?, conferenceID, activeMC, answerCall */
bool mg_ras_arq(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 7, &opt);

	if (!mg_walk_ok(w, c, "ARQ") || !mg_ras_seq(w, c) || !mg_ras_null_choice(w, c, 4, "ARQ.callType"))
		return false;
	if ((opt & 64) && !mg_ras_null_choice(w, c, 2, "ARQ.callModel"))
		return false;
	if (!mg_ras_bmp_id(w, c, "ARQ.endpointIdentifier"))
		return false;
	if ((opt & 32) && !mg_ras_alias_list(w, c, false))
		return false;
	if ((opt & 16) && !mg_h225_transport(w, c, MG_F_DEST_CALLSIG, "ARQ.destCallSignalAddress"))
		return false;
	if ((opt & 8) && !mg_ras_alias_list(w, c, false))
		return false;
	if (!mg_ras_alias_list(w, c, false))
		return false;
	if ((opt & 4) && !mg_h225_transport(w, c, MG_F_SRC_CALLSIG, "ARQ.srcCallSignalAddress"))
		return false;
	if (!mg_ras_bandwidth(w, c) || !mg_ras_crv(w, c))
		return false;
	if ((opt & 2) && !mg_h225_nonstd(w, c))
		return false;
	if ((opt & 1) && !mg_h225_qseries(w, c))
		return false;
	if (!mg_h225_guid(w, c, "ARQ.conferenceID"))
		return false;
	mg_cur_skip_bits(c, 1); /* activeMC */
	w->s->ras_answer = mg_cur_bit(c);
	if (!mg_walk_ok(w, c, "ARQ.answerCall"))
		return false;
	return ext ? mg_ras_exts(w, c, arq_ext, N(arq_ext), "ARQ.extensions") : true;
}

static const uint8_t acf_ext[] = {
	[0] = MG_RAS_R_ALIASES,   [1] = MG_RAS_R_ALIASES,        [3] = MG_RAS_R_ALIASES,
	[4] = MG_RAS_R_ALT_EP,    [12] = MG_RAS_R_ALT_TRANSPORT, [19] = MG_RAS_R_FEATURES,
	[20] = MG_RAS_R_GENERIC,  [21] = MG_RAS_R_ALIASES,       [22] = MG_RAS_R_ALT_GK,
};

/* ACF root: requestSeqNum, bandWidth, callModel, destCallSignalAddress,
 * irrFrequency?, nonStandardData? */
bool mg_ras_acf(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 2, &opt);

	if (!mg_walk_ok(w, c, "ACF") || !mg_ras_seq(w, c) || !mg_ras_bandwidth(w, c) ||
	    !mg_ras_null_choice(w, c, 2, "ACF.callModel") ||
	    !mg_h225_transport(w, c, MG_F_DEST_CALLSIG, "ACF.destCallSignalAddress"))
		return false;
	if (opt & 2) {
		mg_per_constrained(c, 1, 65535);
		if (!mg_walk_ok(w, c, "ACF.irrFrequency"))
			return false;
	}
	return tail(w, c, opt & 1, ext, acf_ext, N(acf_ext), "ACF.extensions");
}

static const uint8_t arj_ext[] = {
	[0] = MG_RAS_R_ALT_GK_INFO, [3] = MG_RAS_R_CALLSIG_LIST, [6] = MG_RAS_R_FEATURES,
	[7] = MG_RAS_R_GENERIC,     [8] = MG_RAS_R_ALT_GK,
};

/* ARJ root: requestSeqNum, rejectReason (8 NULL roots), nonStandardData? */
bool mg_ras_arj(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);

	if (!mg_walk_ok(w, c, "ARJ") || !mg_ras_seq(w, c) || !mg_ras_null_choice(w, c, 8, "ARJ.rejectReason"))
		return false;
	return tail(w, c, opt & 1, ext, arj_ext, N(arj_ext), "ARJ.extensions");
}

/* BRQ bandwidthDetails: SEQUENCE OF BandwidthDetails ::= SEQUENCE { sender,
 * multicast BOOLEAN, bandwidth BandWidth, rtcpAddresses
 * TransportChannelInfo, ... } */
bool mg_ras_bw_details(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t n;

	if (!mg_ras_count(w, c, &n, "BRQ.bandwidthDetails"))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		bool ext = mg_cur_bit(c);

		mg_cur_skip_bits(c, 2);
		if (!mg_walk_ok(w, c, "BandwidthDetails") || !mg_ras_bandwidth(w, c) ||
		    !mg_ras_tci(w, c, MG_F_MEDIA_CTRL))
			return false;
		if (ext && !mg_walk_skip_exts(w, c, "BandwidthDetails"))
			return false;
	}
	return true;
}

static const uint8_t brq_ext[] = {
	[0] = MG_RAS_R_CALL_ID, [9] = MG_RAS_R_BW_DETAILS, [10] = MG_RAS_R_GENERIC,
};

/* BRQ root: requestSeqNum, endpointIdentifier, conferenceID,
 * callReferenceValue, callType?, bandWidth, nonStandardData? */
bool mg_ras_brq(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 2, &opt);

	if (!mg_walk_ok(w, c, "BRQ") || !mg_ras_seq(w, c) || !mg_ras_bmp_id(w, c, "BRQ.endpointIdentifier") ||
	    !mg_h225_guid(w, c, "BRQ.conferenceID") || !mg_ras_crv(w, c))
		return false;
	if ((opt & 2) && !mg_ras_null_choice(w, c, 4, "BRQ.callType"))
		return false;
	if (!mg_ras_bandwidth(w, c))
		return false;
	return tail(w, c, opt & 1, ext, brq_ext, N(brq_ext), "BRQ.extensions");
}

static const uint8_t bcf_ext[] = { [4] = MG_RAS_R_GENERIC };

/* BCF root: requestSeqNum, bandWidth, nonStandardData? */
bool mg_ras_bcf(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);

	if (!mg_walk_ok(w, c, "BCF") || !mg_ras_seq(w, c) || !mg_ras_bandwidth(w, c))
		return false;
	return tail(w, c, opt & 1, ext, bcf_ext, N(bcf_ext), "BCF.extensions");
}

static const uint8_t brj_ext[] = { [0] = MG_RAS_R_ALT_GK_INFO, [4] = MG_RAS_R_GENERIC };

/* BRJ root: requestSeqNum, rejectReason (6 NULL roots), allowedBandWidth,
 * nonStandardData? */
bool mg_ras_brj(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);

	if (!mg_walk_ok(w, c, "BRJ") || !mg_ras_seq(w, c) || !mg_ras_null_choice(w, c, 6, "BRJ.rejectReason") ||
	    !mg_ras_bandwidth(w, c))
		return false;
	return tail(w, c, opt & 1, ext, brj_ext, N(brj_ext), "BRJ.extensions");
}

static const uint8_t drq_ext[] = { [0] = MG_RAS_R_CALL_ID, [12] = MG_RAS_R_GENERIC };

/* DRQ root: requestSeqNum, endpointIdentifier, conferenceID,
 * callReferenceValue, disengageReason (3 NULL roots), nonStandardData? */
bool mg_ras_drq(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);

	if (!mg_walk_ok(w, c, "DRQ") || !mg_ras_seq(w, c) || !mg_ras_bmp_id(w, c, "DRQ.endpointIdentifier") ||
	    !mg_h225_guid(w, c, "DRQ.conferenceID") || !mg_ras_crv(w, c) ||
	    !mg_ras_null_choice(w, c, 3, "DRQ.disengageReason"))
		return false;
	return tail(w, c, opt & 1, ext, drq_ext, N(drq_ext), "DRQ.extensions");
}

static const uint8_t dcf_ext[] = { [6] = MG_RAS_R_GENERIC, [7] = MG_RAS_R_ALT_GK };

/* DCF root: requestSeqNum, nonStandardData? */
bool mg_ras_dcf(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);

	if (!mg_walk_ok(w, c, "DCF") || !mg_ras_seq(w, c))
		return false;
	return tail(w, c, opt & 1, ext, dcf_ext, N(dcf_ext), "DCF.extensions");
}

static const uint8_t drj_ext[] = { [0] = MG_RAS_R_ALT_GK_INFO, [4] = MG_RAS_R_GENERIC };

/* DRJ root: requestSeqNum, rejectReason (2 NULL roots), nonStandardData? */
bool mg_ras_drj(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);

	if (!mg_walk_ok(w, c, "DRJ") || !mg_ras_seq(w, c) || !mg_ras_null_choice(w, c, 2, "DRJ.rejectReason"))
		return false;
	return tail(w, c, opt & 1, ext, drj_ext, N(drj_ext), "DRJ.extensions");
}

static const uint8_t lrq_ext[] = {
	[0] = MG_RAS_R_ALIASES, [8] = MG_RAS_R_FEATURES, [9] = MG_RAS_R_GENERIC,
	[12] = MG_RAS_R_CALL_ID, [14] = MG_RAS_R_ALIASES,
};

/* LRQ root: requestSeqNum, endpointIdentifier?, destinationInfo[],
 * nonStandardData?, replyAddress */
bool mg_ras_lrq(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 2, &opt);

	if (!mg_walk_ok(w, c, "LRQ") || !mg_ras_seq(w, c))
		return false;
	if ((opt & 2) && !mg_ras_bmp_id(w, c, "LRQ.endpointIdentifier"))
		return false;
	if (!mg_ras_alias_list(w, c, false))
		return false;
	if ((opt & 1) && !mg_h225_nonstd(w, c))
		return false;
	if (!mg_h225_transport(w, c, MG_F_REPLY_ADDRESS, "LRQ.replyAddress"))
		return false;
	return ext ? mg_ras_exts(w, c, lrq_ext, N(lrq_ext), "LRQ.extensions") : true;
}

static const uint8_t lcf_ext[] = {
	[0] = MG_RAS_R_ALIASES,  [1] = MG_RAS_R_ALIASES,        [3] = MG_RAS_R_ALIASES,
	[4] = MG_RAS_R_ALT_EP,   [8] = MG_RAS_R_ALT_TRANSPORT,  [11] = MG_RAS_R_FEATURES,
	[12] = MG_RAS_R_GENERIC, [15] = MG_RAS_R_ALIASES,
};

/* LCF root: requestSeqNum, callSignalAddress, rasAddress, nonStandardData? */
bool mg_ras_lcf(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);

	if (!mg_walk_ok(w, c, "LCF") || !mg_ras_seq(w, c) ||
	    !mg_h225_transport(w, c, MG_F_CALLSIG, "LCF.callSignalAddress") ||
	    !mg_h225_transport(w, c, MG_F_RAS_ADDRESS, "LCF.rasAddress"))
		return false;
	return tail(w, c, opt & 1, ext, lcf_ext, N(lcf_ext), "LCF.extensions");
}

static const uint8_t lrj_ext[] = { [0] = MG_RAS_R_ALT_GK_INFO, [4] = MG_RAS_R_FEATURES, [5] = MG_RAS_R_GENERIC };

/* LRJ root: requestSeqNum, rejectReason (4 NULL roots), nonStandardData? */
bool mg_ras_lrj(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);

	if (!mg_walk_ok(w, c, "LRJ") || !mg_ras_seq(w, c) || !mg_ras_null_choice(w, c, 4, "LRJ.rejectReason"))
		return false;
	return tail(w, c, opt & 1, ext, lrj_ext, N(lrj_ext), "LRJ.extensions");
}
