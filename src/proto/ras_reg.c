/* ras_reg.c - discovery and registration: GRQ / GCF / GRJ, RRQ / RCF / RRJ,
 * URQ / UCF / URJ.  Each root is walked in order; the tables give the
 * extension additions walked (by position), all others are skipped by
 * length. */
#include "proto/ras_priv.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* requestSeqNum, protocolIdentifier: the start of most roots. */
static bool seq_proto(struct mg_walk *w, struct mg_cur *c)
{
	return mg_ras_seq(w, c) && mg_h225_oid(w, c, "protocolIdentifier");
}

static const uint8_t grq_ext[] = {
	[0] = MG_RAS_R_ALT_EP, [8] = MG_RAS_R_FEATURES, [9] = MG_RAS_R_GENERIC, [11] = MG_RAS_R_ALT_GK,
};

/* GRQ root: requestSeqNum, protocolIdentifier, nonStandardData?,
 * rasAddress, endpointType, gatekeeperIdentifier?, callServices?,
 * endpointAlias? */
bool mg_ras_grq(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 4, &opt);

	if (!mg_walk_ok(w, c, "GRQ") || !seq_proto(w, c))
		return false;
	if ((opt & 8) && !mg_h225_nonstd(w, c))
		return false;
	if (!mg_h225_transport(w, c, MG_F_RAS_ADDRESS, "GRQ.rasAddress") || !mg_h225_endpoint_type(w, c))
		return false;
	if ((opt & 4) && !mg_ras_bmp_id(w, c, "GRQ.gatekeeperIdentifier"))
		return false;
	if ((opt & 2) && !mg_h225_qseries(w, c))
		return false;
	if ((opt & 1) && !mg_ras_alias_list(w, c, true))
		return false;
	return ext ? mg_ras_exts(w, c, grq_ext, N(grq_ext), "GRQ.extensions") : true;
}

static const uint8_t gcf_ext[] = {
	[0] = MG_RAS_R_ALT_GK_LIST, [7] = MG_RAS_R_FEATURES, [8] = MG_RAS_R_GENERIC, [9] = MG_RAS_R_ALT_GK,
};

/* GCF root: requestSeqNum, protocolIdentifier, nonStandardData?,
 * gatekeeperIdentifier?, rasAddress */
bool mg_ras_gcf(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 2, &opt);

	if (!mg_walk_ok(w, c, "GCF") || !seq_proto(w, c))
		return false;
	if ((opt & 2) && !mg_h225_nonstd(w, c))
		return false;
	if ((opt & 1) && !mg_ras_bmp_id(w, c, "GCF.gatekeeperIdentifier"))
		return false;
	if (!mg_h225_transport(w, c, MG_F_RAS_ADDRESS, "GCF.rasAddress"))
		return false;
	return ext ? mg_ras_exts(w, c, gcf_ext, N(gcf_ext), "GCF.extensions") : true;
}

static const uint8_t grj_ext[] = {
	[0] = MG_RAS_R_ALT_GK_INFO, [4] = MG_RAS_R_FEATURES, [5] = MG_RAS_R_GENERIC,
};

/* GRJ root: requestSeqNum, protocolIdentifier, nonStandardData?,
 * gatekeeperIdentifier?, rejectReason (4 NULL roots) */
bool mg_ras_grj(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 2, &opt);

	if (!mg_walk_ok(w, c, "GRJ") || !seq_proto(w, c))
		return false;
	if ((opt & 2) && !mg_h225_nonstd(w, c))
		return false;
	if ((opt & 1) && !mg_ras_bmp_id(w, c, "GRJ.gatekeeperIdentifier"))
		return false;
	if (!mg_ras_null_choice(w, c, 4, "GRJ.rejectReason"))
		return false;
	return ext ? mg_ras_exts(w, c, grj_ext, N(grj_ext), "GRJ.extensions") : true;
}

static const uint8_t rrq_ext[] = {
	[0] = MG_RAS_R_ALT_EP,    [1] = MG_RAS_R_TTL,       [5] = MG_RAS_R_KEEPALIVE,
	[9] = MG_RAS_R_ALT_TRANSPORT, [19] = MG_RAS_R_FEATURES, [20] = MG_RAS_R_GENERIC,
	[24] = MG_RAS_R_ALT_GK,
};

/* RRQ root: requestSeqNum, protocolIdentifier, nonStandardData?,
 * discoveryComplete, callSignalAddress[], rasAddress[], terminalType,
 * terminalAlias?, gatekeeperIdentifier?, endpointVendor */
bool mg_ras_rrq(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 3, &opt);

	if (!mg_walk_ok(w, c, "RRQ") || !seq_proto(w, c))
		return false;
	if ((opt & 4) && !mg_h225_nonstd(w, c))
		return false;
	mg_cur_skip_bits(c, 1); /* discoveryComplete */
	if (!mg_walk_ok(w, c, "RRQ.discoveryComplete") ||
	    !mg_ras_ta_list(w, c, MG_F_CALLSIG, "RRQ.callSignalAddress") ||
	    !mg_ras_ta_list(w, c, MG_F_RAS_ADDRESS, "RRQ.rasAddress") || !mg_h225_endpoint_type(w, c))
		return false;
	if ((opt & 2) && !mg_ras_alias_list(w, c, true))
		return false;
	if ((opt & 1) && !mg_ras_bmp_id(w, c, "RRQ.gatekeeperIdentifier"))
		return false;
	if (!mg_h225_vendor(w, c))
		return false;
	return ext ? mg_ras_exts(w, c, rrq_ext, N(rrq_ext), "RRQ.extensions") : true;
}

/* preGrantedARQ ::= SEQUENCE { makeCall, useGKCallSignalAddressToMakeCall,
 * answerCall, useGKCallSignalAddressToAnswer (BOOLEAN), ...,
 * irrFrequencyInCall, totalBandwidthRestriction, alternateTransportAddresses,
 * useSpecifiedTransport } */
static bool pregranted_ext(struct mg_walk *w, unsigned idx, struct mg_cur *sub)
{
	return idx == 2 ? mg_ras_alt_transport(w, sub) : true;
}

bool mg_ras_pregranted(struct mg_walk *w, struct mg_cur *c)
{
	bool ext = mg_cur_bit(c);

	mg_cur_skip_bits(c, 4);
	if (!mg_walk_ok(w, c, "RCF.preGrantedARQ"))
		return false;
	return ext ? mg_walk_exts(w, c, pregranted_ext, "RCF.preGrantedARQ") : true;
}

static const uint8_t rcf_ext[] = {
	[0] = MG_RAS_R_ALT_GK_LIST, [1] = MG_RAS_R_TTL,       [6] = MG_RAS_R_PREGRANTED,
	[15] = MG_RAS_R_FEATURES,   [16] = MG_RAS_R_GENERIC,  [17] = MG_RAS_R_ALT_GK,
};

/* RCF root: requestSeqNum, protocolIdentifier, nonStandardData?,
 * callSignalAddress[], terminalAlias?, gatekeeperIdentifier?,
 * endpointIdentifier */
bool mg_ras_rcf(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 3, &opt);

	if (!mg_walk_ok(w, c, "RCF") || !seq_proto(w, c))
		return false;
	if ((opt & 4) && !mg_h225_nonstd(w, c))
		return false;
	if (!mg_ras_ta_list(w, c, MG_F_CALLSIG, "RCF.callSignalAddress"))
		return false;
	if ((opt & 2) && !mg_ras_alias_list(w, c, true))
		return false;
	if ((opt & 1) && !mg_ras_bmp_id(w, c, "RCF.gatekeeperIdentifier"))
		return false;
	if (!mg_ras_bmp_id(w, c, "RCF.endpointIdentifier"))
		return false;
	return ext ? mg_ras_exts(w, c, rcf_ext, N(rcf_ext), "RCF.extensions") : true;
}

static const uint8_t rrj_ext[] = {
	[0] = MG_RAS_R_ALT_GK_INFO, [4] = MG_RAS_R_FEATURES, [5] = MG_RAS_R_GENERIC, [6] = MG_RAS_R_ALT_GK,
};

/* RegistrationRejectReason: 8 roots, all NULL but duplicateAlias (4), a
 * SEQUENCE OF AliasAddress. */
static bool rrj_reason(struct mg_walk *w, struct mg_cur *c)
{
	bool ext;
	uint32_t alt = mg_per_choice(c, 8, true, &ext);

	if (!mg_walk_ok(w, c, "RRJ.rejectReason"))
		return false;
	if (ext)
		return mg_walk_skip_open(w, c, "RRJ.rejectReason (extension)");
	return alt == 4 ? mg_ras_alias_list(w, c, false) : true;
}

/* RRJ root: requestSeqNum, protocolIdentifier, nonStandardData?,
 * rejectReason, gatekeeperIdentifier? */
bool mg_ras_rrj(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 2, &opt);

	if (!mg_walk_ok(w, c, "RRJ") || !seq_proto(w, c))
		return false;
	if ((opt & 2) && !mg_h225_nonstd(w, c))
		return false;
	if (!rrj_reason(w, c))
		return false;
	if ((opt & 1) && !mg_ras_bmp_id(w, c, "RRJ.gatekeeperIdentifier"))
		return false;
	return ext ? mg_ras_exts(w, c, rrj_ext, N(rrj_ext), "RRJ.extensions") : true;
}

static const uint8_t urq_ext[] = {
	[0] = MG_RAS_R_ALT_EP, [8] = MG_RAS_R_ALT_GK_LIST, [9] = MG_RAS_R_GENERIC, [10] = MG_RAS_R_ALT_GK,
};

/* URQ root: requestSeqNum, callSignalAddress[], endpointAlias?,
 * nonStandardData?, endpointIdentifier? */
bool mg_ras_urq(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 3, &opt);

	if (!mg_walk_ok(w, c, "URQ") || !mg_ras_seq(w, c) ||
	    !mg_ras_ta_list(w, c, MG_F_CALLSIG, "URQ.callSignalAddress"))
		return false;
	if ((opt & 4) && !mg_ras_alias_list(w, c, true))
		return false;
	if ((opt & 2) && !mg_h225_nonstd(w, c))
		return false;
	if ((opt & 1) && !mg_ras_bmp_id(w, c, "URQ.endpointIdentifier"))
		return false;
	return ext ? mg_ras_exts(w, c, urq_ext, N(urq_ext), "URQ.extensions") : true;
}

static const uint8_t ucf_ext[] = { [3] = MG_RAS_R_GENERIC, [4] = MG_RAS_R_ALT_GK };

/* UCF root: requestSeqNum, nonStandardData? */
bool mg_ras_ucf(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);

	if (!mg_walk_ok(w, c, "UCF") || !mg_ras_seq(w, c))
		return false;
	if ((opt & 1) && !mg_h225_nonstd(w, c))
		return false;
	return ext ? mg_ras_exts(w, c, ucf_ext, N(ucf_ext), "UCF.extensions") : true;
}

static const uint8_t urj_ext[] = { [0] = MG_RAS_R_ALT_GK_INFO, [4] = MG_RAS_R_GENERIC };

/* URJ root: requestSeqNum, rejectReason (3 NULL roots), nonStandardData? */
bool mg_ras_urj(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);

	if (!mg_walk_ok(w, c, "URJ") || !mg_ras_seq(w, c) || !mg_ras_null_choice(w, c, 3, "URJ.rejectReason"))
		return false;
	if ((opt & 1) && !mg_h225_nonstd(w, c))
		return false;
	return ext ? mg_ras_exts(w, c, urj_ext, N(urj_ext), "URJ.extensions") : true;
}
