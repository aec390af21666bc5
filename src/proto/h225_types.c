/* h225_types.c - H.225.0 common types on the walked paths: TransportAddress
 * (recorded), AliasAddress, NonStandardParameter, EndpointType and what it
 * contains, CallIdentifier, H245Security.  Definitions follow the H.225.0
 * version 4+ ASN.1 (H323-MESSAGES); only root components are decoded, every
 * extension addition is skipped by its open-type length. */
#include <stdint.h>

#include "proto/h225_walk.h"

bool mg_h225_oid(struct mg_h323_scan *s, struct mg_cur *c, const char *where)
{
	mg_per_skip_oid(c);
	return mg_h225_ok(s, c, where);
}

bool mg_h225_guid(struct mg_h323_scan *s, struct mg_cur *c, const char *where)
{
	uint32_t n;
	mg_per_octets(c, 16, 16, false, &n);
	return mg_h225_ok(s, c, where);
}

static bool record_addr(struct mg_h323_scan *s, const uint8_t *ip, uint8_t family, uint8_t field,
			uint16_t port, const char *where)
{
	struct mg_h323_addr *a;

	if (s->n_addr >= MG_H323_MAX_ADDRS)
		return mg_h225_fail(s, MG_R_ALG_LIMIT, where);
	a = &s->addr[s->n_addr++];
	*a = (struct mg_h323_addr){
		.off = (uint32_t)(ip - s->top),
		.family = family,
		.field = field,
		.container = MG_C_UUIE,
		.port = port,
	};
	if (family == 4)
		for (unsigned i = 0; i < 4; i++)
			a->ip[i] = ip[i];
	return true;
}

/* TransportAddress ::= CHOICE { ipAddress SEQUENCE { ip OCTET STRING
 * (SIZE(4)), port INTEGER(0..65535) }, ipSourceRoute, ipxAddress,
 * ip6Address, netBios, nsap, nonStandardAddress, ... }.  The ipAddress octets
 * are octet-aligned and the port follows as two aligned octets, so the six
 * octets at the recorded offset can be rewritten in place. */
bool mg_h225_transport(struct mg_h323_scan *s, struct mg_cur *c, uint8_t field, const char *where)
{
	bool ext;
	uint32_t alt = mg_per_choice(c, 7, true, &ext);
	const uint8_t *ip;
	uint32_t n, port;
	size_t at;

	if (!mg_h225_ok(s, c, where))
		return false;
	if (ext)
		return mg_h225_skip_open(s, c, where);
	switch (alt) {
	case 0: /* ipAddress */
	case 3: /* ip6Address (extensible) */
		if (alt == 3)
			ext = mg_cur_bit(c);
		ip = mg_per_octets(c, alt == 0 ? 4 : 16, alt == 0 ? 4 : 16, false, &n);
		at = mg_cur_byte_pos(c);
		port = mg_per_constrained(c, 0, 65535);
		if (!mg_h225_ok(s, c, where))
			return false;
		if (mg_cur_byte_pos(c) != at + 2) /* cannot happen in aligned PER */
			return mg_h225_fail(s, MG_R_ALG_H225_BAD, where);
		if (!record_addr(s, ip, alt == 0 ? 4 : 6, field, (uint16_t)port, where))
			return false;
		if (alt == 3 && ext)
			return mg_h225_skip_exts(s, c, where);
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
		if (!mg_h225_ok(s, c, where))
			return false;
		return ext ? mg_h225_skip_exts(s, c, where) : true;
	}
	case 2: /* ipxAddress: node(6), netnum(4), port(2, unaligned) */
		mg_per_octets(c, 6, 6, false, &n);
		mg_per_octets(c, 4, 4, false, &n);
		mg_cur_skip_bits(c, 16);
		return mg_h225_ok(s, c, where);
	case 4: /* netBios */
		mg_per_octets(c, 16, 16, false, &n);
		return mg_h225_ok(s, c, where);
	case 5: /* nsap */
		mg_per_octets(c, 1, 20, false, &n);
		return mg_h225_ok(s, c, where);
	default: /* 6: nonStandardAddress */
		return mg_h225_nonstd(s, c);
	}
}

/* H221NonStandard ::= SEQUENCE { t35CountryCode INTEGER(0..255),
 * t35Extension INTEGER(0..255), manufacturerCode INTEGER(0..65535), ... } */
static bool h221(struct mg_h323_scan *s, struct mg_cur *c)
{
	bool ext = mg_cur_bit(c);
	mg_per_constrained(c, 0, 255);
	mg_per_constrained(c, 0, 255);
	mg_per_constrained(c, 0, 65535);
	if (!mg_h225_ok(s, c, "H221NonStandard"))
		return false;
	return ext ? mg_h225_skip_exts(s, c, "H221NonStandard") : true;
}

/* NonStandardParameter ::= SEQUENCE { nonStandardIdentifier CHOICE { object
 * OBJECT IDENTIFIER, h221NonStandard H221NonStandard, ... }, data OCTET
 * STRING } */
bool mg_h225_nonstd(struct mg_h323_scan *s, struct mg_cur *c)
{
	bool ext;
	uint32_t n;
	uint32_t alt = mg_per_choice(c, 2, true, &ext);

	if (!mg_h225_ok(s, c, "NonStandardParameter"))
		return false;
	if (ext) {
		if (!mg_h225_skip_open(s, c, "NonStandardIdentifier"))
			return false;
	} else if (alt == 0) {
		if (!mg_h225_oid(s, c, "NonStandardIdentifier.object"))
			return false;
	} else if (!h221(s, c)) {
		return false;
	}
	mg_per_octets(c, 0, 0, false, &n);
	return mg_h225_ok(s, c, "NonStandardParameter.data");
}

/* AliasAddress ::= CHOICE { dialedDigits IA5String (SIZE(1..128)) (FROM
 * ("0123456789#*,")), h323-ID BMPString (SIZE(1..256)), ..., url-ID,
 * transportID TransportAddress, ... }.  The 13-character alphabet takes 4
 * bits per character in aligned PER.  A transportID is recorded as
 * MG_F_OTHER: it is an address like any other. */
bool mg_h225_alias(struct mg_h323_scan *s, struct mg_cur *c)
{
	bool ext;
	uint32_t alt = mg_per_choice(c, 2, true, &ext);

	if (!mg_h225_ok(s, c, "AliasAddress"))
		return false;
	if (ext) {
		struct mg_cur sub;
		if (alt != 1)
			return mg_h225_skip_open(s, c, "AliasAddress (extension)");
		mg_per_open_type(c, &sub);
		if (!mg_h225_ok(s, c, "AliasAddress.transportID"))
			return false;
		if (!mg_h225_enter(s, "AliasAddress.transportID"))
			return false;
		bool ok = mg_h225_transport(s, &sub, MG_F_OTHER, "AliasAddress.transportID");
		mg_h225_leave(s);
		return ok;
	}
	if (alt == 0)
		mg_per_skip_chars(c, 1, 128, false, 4);
	else
		mg_per_skip_chars(c, 1, 256, false, 16);
	return mg_h225_ok(s, c, "AliasAddress");
}

bool mg_h225_alias_seq(struct mg_h323_scan *s, struct mg_cur *c)
{
	uint32_t n = mg_per_length(c);

	if (!mg_h225_ok(s, c, "SEQUENCE OF AliasAddress"))
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (!mg_h225_alias(s, c))
			return false;
	return true;
}

/* The many SEQUENCE { nonStandardData NonStandardParameter OPTIONAL, ... }
 * types: GatekeeperInfo, TerminalInfo, McuInfo and the root of every
 * XxxCaps alternative of SupportedProtocols. */
static bool nonstd_only(struct mg_h323_scan *s, struct mg_cur *c, const char *where)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);

	if (!mg_h225_ok(s, c, where))
		return false;
	if ((opt & 1) && !mg_h225_nonstd(s, c))
		return false;
	return ext ? mg_h225_skip_exts(s, c, where) : true;
}

/* VendorIdentifier ::= SEQUENCE { vendor H221NonStandard, productId OCTET
 * STRING (SIZE(1..256)) OPTIONAL, versionId (same) OPTIONAL, ... } */
static bool vendor(struct mg_h323_scan *s, struct mg_cur *c)
{
	uint32_t opt, n;
	bool ext = mg_per_seq_preamble(c, true, 2, &opt);

	if (!mg_h225_ok(s, c, "VendorIdentifier") || !h221(s, c))
		return false;
	if (opt & 2)
		mg_per_octets(c, 1, 256, false, &n);
	if (opt & 1)
		mg_per_octets(c, 1, 256, false, &n);
	if (!mg_h225_ok(s, c, "VendorIdentifier.productId/versionId"))
		return false;
	return ext ? mg_h225_skip_exts(s, c, "VendorIdentifier") : true;
}

/* SupportedProtocols ::= CHOICE { nonStandardData, h310 .. t120-only (eight
 * SEQUENCEs whose root is one optional NonStandardParameter), ... } */
static bool supported_protocols(struct mg_h323_scan *s, struct mg_cur *c)
{
	bool ext;
	uint32_t alt = mg_per_choice(c, 9, true, &ext);

	if (!mg_h225_ok(s, c, "SupportedProtocols"))
		return false;
	if (ext)
		return mg_h225_skip_open(s, c, "SupportedProtocols (extension)");
	if (alt == 0)
		return mg_h225_nonstd(s, c);
	return nonstd_only(s, c, "SupportedProtocols.caps");
}

/* GatewayInfo ::= SEQUENCE { protocol SEQUENCE OF SupportedProtocols
 * OPTIONAL, nonStandardData OPTIONAL, ... } */
static bool gateway(struct mg_h323_scan *s, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 2, &opt);

	if (!mg_h225_ok(s, c, "GatewayInfo"))
		return false;
	if (opt & 2) {
		uint32_t n = mg_per_length(c);
		if (!mg_h225_ok(s, c, "GatewayInfo.protocol"))
			return false;
		for (uint32_t i = 0; i < n; i++)
			if (!supported_protocols(s, c))
				return false;
	}
	if ((opt & 1) && !mg_h225_nonstd(s, c))
		return false;
	return ext ? mg_h225_skip_exts(s, c, "GatewayInfo") : true;
}

/* EndpointType ::= SEQUENCE { nonStandardData, vendor, gatekeeper, gateway,
 * mcu, terminal (all OPTIONAL), mc BOOLEAN, undefinedNode BOOLEAN, ... } */
bool mg_h225_endpoint_type(struct mg_h323_scan *s, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 6, &opt);

	if (!mg_h225_ok(s, c, "EndpointType"))
		return false;
	if ((opt & 32) && !mg_h225_nonstd(s, c))
		return false;
	if ((opt & 16) && !vendor(s, c))
		return false;
	if ((opt & 8) && !nonstd_only(s, c, "EndpointType.gatekeeper"))
		return false;
	if ((opt & 4) && !gateway(s, c))
		return false;
	if ((opt & 2) && !nonstd_only(s, c, "EndpointType.mcu"))
		return false;
	if ((opt & 1) && !nonstd_only(s, c, "EndpointType.terminal"))
		return false;
	mg_cur_skip_bits(c, 2); /* mc, undefinedNode */
	if (!mg_h225_ok(s, c, "EndpointType.mc"))
		return false;
	return ext ? mg_h225_skip_exts(s, c, "EndpointType") : true;
}

/* CallIdentifier ::= SEQUENCE { guid GloballyUniqueID, ... } */
bool mg_h225_call_id(struct mg_h323_scan *s, struct mg_cur *c)
{
	bool ext = mg_cur_bit(c);
	uint32_t n;
	const uint8_t *g = mg_per_octets(c, 16, 16, false, &n);

	if (!mg_h225_ok(s, c, "CallIdentifier"))
		return false;
	for (unsigned i = 0; i < 16; i++)
		s->call_id[i] = g[i];
	s->has_call_id = true;
	return ext ? mg_h225_skip_exts(s, c, "CallIdentifier") : true;
}

/* SecurityServiceMode ::= CHOICE { nonStandard, none NULL, default NULL, ... } */
static bool security_mode(struct mg_h323_scan *s, struct mg_cur *c)
{
	bool ext;
	uint32_t alt = mg_per_choice(c, 3, true, &ext);

	if (!mg_h225_ok(s, c, "SecurityServiceMode"))
		return false;
	if (ext)
		return mg_h225_skip_open(s, c, "SecurityServiceMode (extension)");
	return alt == 0 ? mg_h225_nonstd(s, c) : true;
}

/* H245Security ::= CHOICE { nonStandard, noSecurity NULL, tls
 * SecurityCapabilities, ipsec SecurityCapabilities, ... };
 * SecurityCapabilities ::= SEQUENCE { nonStandard OPTIONAL, encryption,
 * authenticaton, integrity (SecurityServiceMode), ... } */
bool mg_h225_h245_security(struct mg_h323_scan *s, struct mg_cur *c)
{
	bool ext;
	uint32_t alt = mg_per_choice(c, 4, true, &ext);
	uint32_t opt;

	if (!mg_h225_ok(s, c, "H245Security"))
		return false;
	if (ext)
		return mg_h225_skip_open(s, c, "H245Security (extension)");
	if (alt == 0)
		return mg_h225_nonstd(s, c);
	if (alt == 1)
		return true;
	ext = mg_per_seq_preamble(c, true, 1, &opt);
	if (!mg_h225_ok(s, c, "SecurityCapabilities"))
		return false;
	if ((opt & 1) && !mg_h225_nonstd(s, c))
		return false;
	for (int i = 0; i < 3; i++)
		if (!security_mode(s, c))
			return false;
	return ext ? mg_h225_skip_exts(s, c, "SecurityCapabilities") : true;
}
