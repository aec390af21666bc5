/* ras_types.c - the H.225.0 types RAS messages share: address and alias
 * lists, AlternateGK / AltGKInfo, Endpoint, AlternateTransportAddresses,
 * TransportChannelInfo, ICV, ServiceControlSession.  Root components are
 * walked by their definitions, extension additions skipped by length
 * unless they can hold an address. */
#include "proto/ras_priv.h"

bool mg_ras_seq(struct mg_walk *w, struct mg_cur *c)
{
	w->s->ras_seq = (uint16_t)mg_per_constrained(c, 1, 65535);
	return mg_walk_ok(w, c, "requestSeqNum");
}

bool mg_ras_bmp_id(struct mg_walk *w, struct mg_cur *c, const char *where)
{
	mg_per_skip_chars(c, 1, 128, false, 16);
	return mg_walk_ok(w, c, where);
}

bool mg_ras_null_choice(struct mg_walk *w, struct mg_cur *c, uint32_t nroot, const char *where)
{
	bool ext;

	mg_per_choice(c, nroot, true, &ext);
	if (!mg_walk_ok(w, c, where))
		return false;
	return ext ? mg_walk_skip_open(w, c, where) : true;
}

bool mg_ras_bandwidth(struct mg_walk *w, struct mg_cur *c)
{
	mg_per_constrained(c, 0, 0xFFFFFFFFu);
	return mg_walk_ok(w, c, "bandWidth");
}

bool mg_ras_crv(struct mg_walk *w, struct mg_cur *c)
{
	w->s->call_ref = (uint16_t)mg_per_constrained(c, 0, 65535);
	return mg_walk_ok(w, c, "callReferenceValue");
}

bool mg_ras_count(struct mg_walk *w, struct mg_cur *c, uint32_t *n, const char *where)
{
	*n = mg_per_length(c);
	if (!mg_walk_ok(w, c, where))
		return false;
	if (*n > MG_PER_MAX_SEQOF)
		return mg_walk_fail(w, MG_R_ALG_LIMIT, where);
	return true;
}

bool mg_ras_ta_list(struct mg_walk *w, struct mg_cur *c, uint8_t field, const char *where)
{
	uint32_t n;

	if (!mg_ras_count(w, c, &n, where))
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (!mg_h225_transport(w, c, field, where))
			return false;
	return true;
}

bool mg_ras_alias_list(struct mg_walk *w, struct mg_cur *c, bool keep)
{
	struct mg_ras_aliases *out = keep ? mg_ras_of(w)->aliases : NULL;
	uint32_t n;

	if (!mg_ras_count(w, c, &n, "SEQUENCE OF AliasAddress"))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		struct mg_cur at = *c;

		if (!mg_h225_alias(w, c))
			return false;
		if (out == NULL)
			continue;
		if (out->n < MG_H225_ALIASES)
			mg_h225_alias_decode(&at, &out->a[out->n++]);
		else
			out->more = true;
	}
	return true;
}

/* AlternateGK ::= SEQUENCE { rasAddress TransportAddress,
 * gatekeeperIdentifier OPTIONAL, needToRegister BOOLEAN, priority
 * INTEGER (0..127), ... } */
bool mg_ras_alt_gk(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);

	if (!mg_walk_ok(w, c, "AlternateGK") ||
	    !mg_h225_transport(w, c, MG_F_ALT_GK, "AlternateGK.rasAddress"))
		return false;
	if ((opt & 1) && !mg_ras_bmp_id(w, c, "AlternateGK.gatekeeperIdentifier"))
		return false;
	mg_cur_skip_bits(c, 1);
	mg_per_constrained(c, 0, 127);
	if (!mg_walk_ok(w, c, "AlternateGK.priority"))
		return false;
	return ext ? mg_walk_skip_exts(w, c, "AlternateGK") : true;
}

bool mg_ras_alt_gk_list(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t n;

	if (!mg_ras_count(w, c, &n, "SEQUENCE OF AlternateGK"))
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (!mg_ras_alt_gk(w, c))
			return false;
	return true;
}

/* AltGKInfo ::= SEQUENCE { alternateGatekeeper SEQUENCE OF AlternateGK,
 * altGKisPermanent BOOLEAN, ... } */
bool mg_ras_alt_gk_info(struct mg_walk *w, struct mg_cur *c)
{
	bool ext = mg_cur_bit(c);

	if (!mg_walk_ok(w, c, "AltGKInfo") || !mg_ras_alt_gk_list(w, c))
		return false;
	mg_cur_skip_bits(c, 1);
	if (!mg_walk_ok(w, c, "AltGKInfo.altGKisPermanent"))
		return false;
	return ext ? mg_walk_skip_exts(w, c, "AltGKInfo") : true;
}

static bool alt_transport_ext(struct mg_walk *w, unsigned idx, struct mg_cur *sub)
{
	return idx == 0 ? mg_ras_ta_list(w, sub, MG_F_ALT_TRANSPORT, "alternateTransportAddresses.sctp") : true;
}

/* AlternateTransportAddresses ::= SEQUENCE { annexE SEQUENCE OF
 * TransportAddress OPTIONAL, ..., sctp SEQUENCE OF TransportAddress
 * OPTIONAL } */
bool mg_ras_alt_transport(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);

	if (!mg_walk_ok(w, c, "AlternateTransportAddresses"))
		return false;
	if ((opt & 1) && !mg_ras_ta_list(w, c, MG_F_ALT_TRANSPORT, "alternateTransportAddresses.annexE"))
		return false;
	return ext ? mg_walk_exts(w, c, alt_transport_ext, "AlternateTransportAddresses") : true;
}

/* Endpoint additions: 0 alternateTransportAddresses, 2 featureSet. */
static bool endpoint_ext(struct mg_walk *w, unsigned idx, struct mg_cur *sub)
{
	if (idx == 0)
		return mg_ras_alt_transport(w, sub);
	if (idx == 2)
		return mg_ras_feature_set(w, sub);
	return true;
}

/* Endpoint ::= SEQUENCE { nonStandardData, aliasAddress, callSignalAddress,
 * rasAddress, endpointType, tokens, cryptoTokens, priority INTEGER(0..127),
 * remoteExtensionAddress, destExtraCallInfo (all OPTIONAL), ... } */
static bool endpoint(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 10, &opt);

	if (!mg_walk_ok(w, c, "Endpoint"))
		return false;
	if ((opt & 0x200) && !mg_h225_nonstd(w, c))
		return false;
	if ((opt & 0x100) && !mg_ras_alias_list(w, c, false))
		return false;
	if ((opt & 0x080) && !mg_ras_ta_list(w, c, MG_F_ALT_EP_CALLSIG, "Endpoint.callSignalAddress"))
		return false;
	if ((opt & 0x040) && !mg_ras_ta_list(w, c, MG_F_ALT_EP_RAS, "Endpoint.rasAddress"))
		return false;
	if ((opt & 0x020) && !mg_h225_endpoint_type(w, c))
		return false;
	if (!mg_ras_tokens(w, c, opt & 0x010, opt & 0x008))
		return false;
	if (opt & 0x004) {
		mg_per_constrained(c, 0, 127);
		if (!mg_walk_ok(w, c, "Endpoint.priority"))
			return false;
	}
	if ((opt & 0x002) && !mg_ras_alias_list(w, c, false))
		return false;
	if ((opt & 0x001) && !mg_ras_alias_list(w, c, false))
		return false;
	return ext ? mg_walk_exts(w, c, endpoint_ext, "Endpoint") : true;
}

bool mg_ras_endpoints(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t n;

	if (!mg_ras_count(w, c, &n, "SEQUENCE OF Endpoint"))
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (!endpoint(w, c))
			return false;
	return true;
}

/* ICV ::= SEQUENCE { algorithmOID OBJECT IDENTIFIER, icv BIT STRING } */
bool mg_ras_icv(struct mg_walk *w, struct mg_cur *c)
{
	mg_per_skip_oid(c);
	mg_per_skip_bits_string(c, 0, 0, false);
	return mg_walk_ok(w, c, "integrityCheckValue");
}

/* TransportChannelInfo ::= SEQUENCE { sendAddress TransportAddress
 * OPTIONAL, recvAddress TransportAddress OPTIONAL, ... } */
bool mg_ras_tci(struct mg_walk *w, struct mg_cur *c, uint8_t field)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 2, &opt);
	uint8_t part = w->part;
	bool ok = mg_walk_ok(w, c, "TransportChannelInfo");

	if (ok && (opt & 2)) {
		w->part = MG_RAS_CHAN_SEND;
		ok = mg_h225_transport(w, c, field, "TransportChannelInfo.sendAddress");
	}
	if (ok && (opt & 1)) {
		w->part = MG_RAS_CHAN_RECV;
		ok = mg_h225_transport(w, c, field, "TransportChannelInfo.recvAddress");
	}
	w->part = part;
	if (!ok)
		return false;
	return ext ? mg_walk_skip_exts(w, c, "TransportChannelInfo") : true;
}

/* CallCreditServiceControl ::= SEQUENCE { amountString BMPString
 * (SIZE(1..512)), billingMode CHOICE {2 NULL, ...}, callDurationLimit
 * INTEGER (1..4294967295), enforceCallDurationLimit BOOLEAN,
 * callStartingPoint CHOICE {2 NULL, ...} (all OPTIONAL), ... } */
static bool call_credit(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 5, &opt);

	if (opt & 16)
		mg_per_skip_chars(c, 1, 512, false, 16);
	if (!mg_walk_ok(w, c, "CallCreditServiceControl"))
		return false;
	if ((opt & 8) && !mg_ras_null_choice(w, c, 2, "CallCreditServiceControl.billingMode"))
		return false;
	if (opt & 4)
		mg_per_constrained(c, 1, 0xFFFFFFFFu);
	if (opt & 2)
		mg_cur_skip_bits(c, 1);
	if (!mg_walk_ok(w, c, "CallCreditServiceControl.callDurationLimit"))
		return false;
	if ((opt & 1) && !mg_ras_null_choice(w, c, 2, "CallCreditServiceControl.callStartingPoint"))
		return false;
	return ext ? mg_walk_skip_exts(w, c, "CallCreditServiceControl") : true;
}

/* ServiceControlDescriptor ::= CHOICE { url IA5String (SIZE(0..512)),
 * signal OCTET STRING, nonStandard, callCreditServiceControl, ... } */
static bool service_descriptor(struct mg_walk *w, struct mg_cur *c)
{
	bool ext;
	uint32_t n, alt = mg_per_choice(c, 4, true, &ext);

	if (!mg_walk_ok(w, c, "ServiceControlDescriptor"))
		return false;
	if (ext)
		return mg_walk_skip_open(w, c, "ServiceControlDescriptor (extension)");
	switch (alt) {
	case 0:
		mg_per_skip_chars(c, 0, 512, false, 8);
		return mg_walk_ok(w, c, "ServiceControlDescriptor.url");
	case 1:
		mg_per_octets(c, 0, 0, false, &n);
		return mg_walk_ok(w, c, "ServiceControlDescriptor.signal");
	case 2:
		return mg_h225_nonstd(w, c);
	default:
		return call_credit(w, c);
	}
}

/* SEQUENCE OF ServiceControlSession ::= SEQUENCE { sessionId INTEGER
 * (0..255), contents ServiceControlDescriptor OPTIONAL, reason CHOICE {3
 * NULL, ...}, ... } */
bool mg_ras_service_controls(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t n;

	if (!mg_ras_count(w, c, &n, "SEQUENCE OF ServiceControlSession"))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t opt;
		bool ext = mg_per_seq_preamble(c, true, 1, &opt);

		mg_per_constrained(c, 0, 255);
		if (!mg_walk_ok(w, c, "ServiceControlSession"))
			return false;
		if ((opt & 1) && !service_descriptor(w, c))
			return false;
		if (!mg_ras_null_choice(w, c, 3, "ServiceControlSession.reason"))
			return false;
		if (ext && !mg_walk_skip_exts(w, c, "ServiceControlSession"))
			return false;
	}
	return true;
}
