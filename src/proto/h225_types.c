/* h225_types.c - H.225.0 common types on the walked paths: TransportAddress
 * (recorded), AliasAddress, NonStandardParameter, EndpointType and what it
 * contains, CallIdentifier, H245Security.  Definitions follow the H.225.0
 * version 4+ ASN.1 (H323-MESSAGES); only root components are decoded, every
 * extension addition is skipped by its open-type length. */
#include <stdint.h>

#include "proto/walk.h"

bool mg_h225_oid(struct mg_walk *w, struct mg_cur *c, const char *where)
{
	mg_per_skip_oid(c);
	return mg_walk_ok(w, c, where);
}

bool mg_h225_guid(struct mg_walk *w, struct mg_cur *c, const char *where)
{
	uint32_t n;
	mg_per_octets(c, 16, 16, false, &n);
	return mg_walk_ok(w, c, where);
}

/* TransportAddress ::= CHOICE { ipAddress SEQUENCE { ip OCTET STRING
 * (SIZE(4)), port INTEGER(0..65535) }, ipSourceRoute, ipxAddress,
 * ip6Address, netBios, nsap, nonStandardAddress, ... }.  The ipAddress octets
 * are octet-aligned and the port follows as two aligned octets, so the six
 * octets at the recorded offset can be rewritten in place. */
bool mg_h225_transport(struct mg_walk *w, struct mg_cur *c, uint8_t field, const char *where)
{
	bool ext;
	uint32_t alt = mg_per_choice(c, 7, true, &ext);
	const uint8_t *ip;
	uint32_t n, port;
	size_t at;

	if (!mg_walk_ok(w, c, where))
		return false;
	if (ext)
		return mg_walk_skip_open(w, c, where);
	switch (alt) {
	case 0: /* ipAddress */
	case 3: /* ip6Address (extensible) */
		if (alt == 3)
			ext = mg_cur_bit(c);
		ip = mg_per_octets(c, alt == 0 ? 4 : 16, alt == 0 ? 4 : 16, false, &n);
		at = mg_cur_byte_pos(c);
		port = mg_per_constrained(c, 0, 65535);
		if (!mg_walk_ok(w, c, where))
			return false;
		if (mg_cur_byte_pos(c) != at + 2) /* cannot happen in aligned PER */
			return mg_walk_fail(w, MG_R_ALG_H225_BAD, where);
		if (!mg_walk_addr(w, ip, alt == 0 ? 4 : 6, (uint16_t)port, field, where))
			return false;
		if (alt == 3 && ext)
			return mg_walk_skip_exts(w, c, where);
		return true;
	case 1: { /* ipSourceRoute: not recorded (never seen in H.323 use) */
		ext = mg_cur_bit(c);
		mg_per_octets(c, 4, 4, false, &n);
		mg_per_constrained(c, 0, 65535);
		uint32_t routes = mg_per_length(c);
		for (uint32_t i = 0; i < routes && !c->err; i++)
			mg_per_octets(c, 4, 4, false, &n);
		bool rext;
		mg_per_choice(c, 2, true, &rext);
		if (rext)
			mg_per_skip_open_type(c);
		if (!mg_walk_ok(w, c, where))
			return false;
		return ext ? mg_walk_skip_exts(w, c, where) : true;
	}
	case 2: /* ipxAddress: node(6), netnum(4), port(2, unaligned) */
		mg_per_octets(c, 6, 6, false, &n);
		mg_per_octets(c, 4, 4, false, &n);
		mg_cur_skip_bits(c, 16);
		return mg_walk_ok(w, c, where);
	case 4: /* netBios */
		mg_per_octets(c, 16, 16, false, &n);
		return mg_walk_ok(w, c, where);
	case 5: /* nsap */
		mg_per_octets(c, 1, 20, false, &n);
		return mg_walk_ok(w, c, where);
	default: /* 6: nonStandardAddress */
		return mg_h225_nonstd(w, c);
	}
}

/* H221NonStandard ::= SEQUENCE { t35CountryCode INTEGER(0..255),
 * t35Extension INTEGER(0..255), manufacturerCode INTEGER(0..65535), ... } */
static bool h221(struct mg_walk *w, struct mg_cur *c)
{
	bool ext = mg_cur_bit(c);
	mg_per_constrained(c, 0, 255);
	mg_per_constrained(c, 0, 255);
	mg_per_constrained(c, 0, 65535);
	if (!mg_walk_ok(w, c, "H221NonStandard"))
		return false;
	return ext ? mg_walk_skip_exts(w, c, "H221NonStandard") : true;
}

/* NonStandardParameter ::= SEQUENCE { nonStandardIdentifier CHOICE { object
 * OBJECT IDENTIFIER, h221NonStandard H221NonStandard, ... }, data OCTET
 * STRING } */
bool mg_h225_nonstd(struct mg_walk *w, struct mg_cur *c)
{
	bool ext;
	uint32_t n;
	uint32_t alt = mg_per_choice(c, 2, true, &ext);

	if (!mg_walk_ok(w, c, "NonStandardParameter"))
		return false;
	if (ext) {
		if (!mg_walk_skip_open(w, c, "NonStandardIdentifier"))
			return false;
	} else if (alt == 0) {
		if (!mg_h225_oid(w, c, "NonStandardIdentifier.object"))
			return false;
	} else if (!h221(w, c)) {
		return false;
	}
	mg_per_octets(c, 0, 0, false, &n);
	return mg_walk_ok(w, c, "NonStandardParameter.data");
}

static bool alias_transport(struct mg_walk *w, struct mg_cur *sub)
{
	return mg_h225_transport(w, sub, MG_F_OTHER, "AliasAddress.transportID");
}

/* AliasAddress ::= CHOICE { dialedDigits IA5String (SIZE(1..128)) (FROM
 * ("0123456789#*,")), h323-ID BMPString (SIZE(1..256)), ..., url-ID,
 * transportID TransportAddress, ... }.  The 13-character alphabet takes 4
 * bits per character in aligned PER.  A transportID is recorded as
 * MG_F_OTHER: it is an address like any other. */
bool mg_h225_alias(struct mg_walk *w, struct mg_cur *c)
{
	bool ext;
	uint32_t alt = mg_per_choice(c, 2, true, &ext);

	if (!mg_walk_ok(w, c, "AliasAddress"))
		return false;
	if (ext) {
		if (alt != 1)
			return mg_walk_skip_open(w, c, "AliasAddress (extension)");
		return mg_walk_open(w, c, alias_transport, "AliasAddress.transportID");
	}
	if (alt == 0)
		mg_per_skip_chars(c, 1, 128, false, 4);
	else
		mg_per_skip_chars(c, 1, 256, false, 16);
	return mg_walk_ok(w, c, "AliasAddress");
}

bool mg_h225_alias_seq(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t n = mg_per_length(c);

	if (!mg_walk_ok(w, c, "SEQUENCE OF AliasAddress"))
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (!mg_h225_alias(w, c))
			return false;
	return true;
}

/* The many SEQUENCE { nonStandardData NonStandardParameter OPTIONAL, ... }
 * types: GatekeeperInfo, TerminalInfo, McuInfo and the root of every
 * XxxCaps alternative of SupportedProtocols. */
static bool nonstd_only(struct mg_walk *w, struct mg_cur *c, const char *where)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);

	if (!mg_walk_ok(w, c, where))
		return false;
	if ((opt & 1) && !mg_h225_nonstd(w, c))
		return false;
	return ext ? mg_walk_skip_exts(w, c, where) : true;
}

/* VendorIdentifier ::= SEQUENCE { vendor H221NonStandard, productId OCTET
 * STRING (SIZE(1..256)) OPTIONAL, versionId (same) OPTIONAL, ... } */
bool mg_h225_vendor(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt, n;
	bool ext = mg_per_seq_preamble(c, true, 2, &opt);

	if (!mg_walk_ok(w, c, "VendorIdentifier") || !h221(w, c))
		return false;
	if (opt & 2)
		mg_per_octets(c, 1, 256, false, &n);
	if (opt & 1)
		mg_per_octets(c, 1, 256, false, &n);
	if (!mg_walk_ok(w, c, "VendorIdentifier.productId/versionId"))
		return false;
	return ext ? mg_walk_skip_exts(w, c, "VendorIdentifier") : true;
}

/* SupportedProtocols ::= CHOICE { nonStandardData, h310 .. t120-only (eight
 * SEQUENCEs whose root is one optional NonStandardParameter), ... } */
bool mg_h225_supported_protocols(struct mg_walk *w, struct mg_cur *c)
{
	bool ext;
	uint32_t alt = mg_per_choice(c, 9, true, &ext);

	if (!mg_walk_ok(w, c, "SupportedProtocols"))
		return false;
	if (ext)
		return mg_walk_skip_open(w, c, "SupportedProtocols (extension)");
	if (alt == 0)
		return mg_h225_nonstd(w, c);
	return nonstd_only(w, c, "SupportedProtocols.caps");
}

/* GatewayInfo ::= SEQUENCE { protocol SEQUENCE OF SupportedProtocols
 * OPTIONAL, nonStandardData OPTIONAL, ... } */
static bool gateway(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 2, &opt);

	if (!mg_walk_ok(w, c, "GatewayInfo"))
		return false;
	if (opt & 2) {
		uint32_t n = mg_per_length(c);
		if (!mg_walk_ok(w, c, "GatewayInfo.protocol"))
			return false;
		for (uint32_t i = 0; i < n; i++)
			if (!mg_h225_supported_protocols(w, c))
				return false;
	}
	if ((opt & 1) && !mg_h225_nonstd(w, c))
		return false;
	return ext ? mg_walk_skip_exts(w, c, "GatewayInfo") : true;
}

/* EndpointType ::= SEQUENCE { nonStandardData, vendor, gatekeeper, gateway,
 * mcu, terminal (all OPTIONAL), mc BOOLEAN, undefinedNode BOOLEAN, ... } */
bool mg_h225_endpoint_type(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 6, &opt);

	if (!mg_walk_ok(w, c, "EndpointType"))
		return false;
	if ((opt & 32) && !mg_h225_nonstd(w, c))
		return false;
	if ((opt & 16) && !mg_h225_vendor(w, c))
		return false;
	if ((opt & 8) && !nonstd_only(w, c, "EndpointType.gatekeeper"))
		return false;
	if ((opt & 4) && !gateway(w, c))
		return false;
	if ((opt & 2) && !nonstd_only(w, c, "EndpointType.mcu"))
		return false;
	if ((opt & 1) && !nonstd_only(w, c, "EndpointType.terminal"))
		return false;
	mg_cur_skip_bits(c, 2); /* mc, undefinedNode */
	if (!mg_walk_ok(w, c, "EndpointType.mc"))
		return false;
	return ext ? mg_walk_skip_exts(w, c, "EndpointType") : true;
}

/* CallIdentifier ::= SEQUENCE { guid GloballyUniqueID, ... } */
bool mg_h225_call_id(struct mg_walk *w, struct mg_cur *c)
{
	bool ext = mg_cur_bit(c);
	uint32_t n;
	const uint8_t *g = mg_per_octets(c, 16, 16, false, &n);

	if (!mg_walk_ok(w, c, "CallIdentifier"))
		return false;
	for (unsigned i = 0; i < 16; i++)
		w->s->call_id[i] = g[i];
	w->s->has_call_id = true;
	return ext ? mg_walk_skip_exts(w, c, "CallIdentifier") : true;
}

/* SecurityServiceMode ::= CHOICE { nonStandard, none NULL, default NULL, ... } */
static bool security_mode(struct mg_walk *w, struct mg_cur *c)
{
	bool ext;
	uint32_t alt = mg_per_choice(c, 3, true, &ext);

	if (!mg_walk_ok(w, c, "SecurityServiceMode"))
		return false;
	if (ext)
		return mg_walk_skip_open(w, c, "SecurityServiceMode (extension)");
	return alt == 0 ? mg_h225_nonstd(w, c) : true;
}

/* H245Security ::= CHOICE { nonStandard, noSecurity NULL, tls
 * SecurityCapabilities, ipsec SecurityCapabilities, ... };
 * SecurityCapabilities ::= SEQUENCE { nonStandard OPTIONAL, encryption,
 * authenticaton, integrity (SecurityServiceMode), ... } */
bool mg_h225_h245_security(struct mg_walk *w, struct mg_cur *c)
{
	bool ext;
	uint32_t alt = mg_per_choice(c, 4, true, &ext);
	uint32_t opt;

	if (!mg_walk_ok(w, c, "H245Security"))
		return false;
	if (ext)
		return mg_walk_skip_open(w, c, "H245Security (extension)");
	if (alt == 0)
		return mg_h225_nonstd(w, c);
	if (alt == 1)
		return true;
	ext = mg_per_seq_preamble(c, true, 1, &opt);
	if (!mg_walk_ok(w, c, "SecurityCapabilities"))
		return false;
	if ((opt & 1) && !mg_h225_nonstd(w, c))
		return false;
	for (int i = 0; i < 3; i++)
		if (!security_mode(w, c))
			return false;
	return ext ? mg_walk_skip_exts(w, c, "SecurityCapabilities") : true;
}
