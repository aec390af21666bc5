/* msg_h225.c - TPKT + Q.931 + H323-UserInformation encoders.
 *
 * Encodings follow H.225.0 version 4 and later (ASN.1 of H.225.0 v8, whose
 * extension additions keep their positions): every mandatory extension
 * addition of the types used (callIdentifier, the multipleCalls /
 * maintainConnection booleans, mediaWaitForConnect, canOverlapSend,
 * h245Tunneling) is present, so the bitmap of a type always reaches its
 * last mandatory addition.
 */
#include <string.h>

#include "asn1/per_enc.h"
#include "meetcall/mc_msg.h"

#define UUIE_MAX 2048 /* one H323-UserInformation */
#define OPEN_MAX 1024 /* one open type */

/* ProtocolIdentifier of H.225.0 version 4: { 0 0 8 2250 0 4 }. */
static const uint32_t h225_proto[] = {0, 0, 8, 2250, 0, 4};

static void proto_id(struct mg_penc *e)
{
	mg_penc_oid(e, h225_proto, 6);
}

/* TransportAddress ipAddress { ip OCTET STRING (SIZE(4)), port }. */
static void transport(struct mg_penc *e, const struct mg_mc_addr *a)
{
	mg_penc_choice(e, 0, 7, true, false);
	mg_penc_octets(e, a->ip, 4, 4, 4, false);
	mg_penc_constrained(e, a->port, 0, 65535);
}

/* EndpointType with only `terminal` (TerminalInfo, empty), mc and
 * undefinedNode false. */
static void endpoint_terminal(struct mg_penc *e)
{
	mg_penc_seq_preamble(e, true, false, 6, 0x01);
	mg_penc_seq_preamble(e, true, false, 1, 0); /* TerminalInfo */
	mg_penc_bool(e, false);                     /* mc */
	mg_penc_bool(e, false);                     /* undefinedNode */
}

static bool all_digits(const char *s)
{
	return s[0] != '\0' && strspn(s, "0123456789#*,") == strlen(s);
}

/* SEQUENCE OF AliasAddress with one element: dialedDigits when the alias
 * fits its alphabet (4 bits a character, X.691 27.5.4 index mapping),
 * else h323-ID. */
static void alias_seq(struct mg_penc *e, const char *alias, bool digits_ok)
{
	mg_penc_length(e, 1);
	if (digits_ok && all_digits(alias)) {
		mg_penc_choice(e, 0, 2, true, false);
		mg_penc_chars(e, alias, 1, 128, false, "#*,0123456789", 4);
	} else {
		mg_penc_choice(e, 1, 2, true, false);
		mg_penc_bmp(e, alias, 1, 256, false);
	}
}

/* SEQUENCE OF OCTET STRING. */
static void octet_seq(struct mg_penc *e, const struct mg_mc_blob *b, unsigned n)
{
	mg_penc_length(e, n);
	for (unsigned i = 0; i < n; i++)
		mg_penc_octets(e, b[i].p, (uint32_t)b[i].n, 0, 0, false);
}

/* Extension additions: for each present index, encode_add(i) writes its
 * value into a scratch writer which is then wrapped as an open type. */
typedef void (*add_fn)(struct mg_penc *e, const struct mg_mc_h225 *m, unsigned idx);

static void additions(struct mg_penc *e, const struct mg_mc_h225 *m, const uint8_t *bits, unsigned n,
		      add_fn fn)
{
	uint8_t scratch[OPEN_MAX];
	mg_penc_ext_bitmap(e, bits, n);
	for (unsigned i = 0; i < n && !e->err; i++) {
		struct mg_penc sub;
		if (!bits[i])
			continue;
		mg_penc_init(&sub, scratch, sizeof scratch);
		fn(&sub, m, i);
		mg_penc_open_sub(e, &sub);
	}
}

static void call_identifier(struct mg_penc *e, const struct mg_mc_h225 *m)
{
	mg_penc_seq_preamble(e, true, false, 0, 0);
	mg_penc_octets(e, m->call_id, 16, 16, 16, false);
}

/* SEQUENCE OF FeatureDescriptor with one GenericData { id standard n }. */
static void one_feature(struct mg_penc *e, uint16_t n)
{
	mg_penc_length(e, 1);
	mg_penc_seq_preamble(e, true, false, 1, 0); /* GenericData, no parameters */
	mg_penc_choice(e, 0, 3, true, false);       /* GenericIdentifier standard */
	mg_penc_bool(e, false);                     /* INTEGER (0..16383, ...): in the root */
	mg_penc_constrained(e, n, 0, 16383);
}

/* Setup additions: 0 sourceCallSignalAddress, 2 callIdentifier,
 * 6 fastStart, 7 mediaWaitForConnect, 8 canOverlapSend, 10 multipleCalls,
 * 11 maintainConnection (all booleans false), 23 supportedFeatures. */
static void setup_add(struct mg_penc *e, const struct mg_mc_h225 *m, unsigned idx)
{
	switch (idx) {
	case 23:
		one_feature(e, m->feature);
		break;
	case 0:
		transport(e, &m->src_sig);
		break;
	case 2:
		call_identifier(e, m);
		break;
	case 6:
		octet_seq(e, m->faststart, m->n_faststart);
		break;
	default:
		mg_penc_bool(e, false);
		break;
	}
}

static void setup(struct mg_penc *e, const struct mg_mc_h225 *m)
{
	/* optional root fields: h245Address, sourceAddress, destinationAddress,
	 * destCallSignalAddress, destExtraCallInfo, destExtraCRV, callServices */
	uint32_t opt = (m->src_alias ? 0x20u : 0) | (m->dst_alias ? 0x10u : 0) | 0x08u;
	mg_penc_seq_preamble(e, true, true, 7, opt);
	proto_id(e);
	if (m->src_alias)
		alias_seq(e, m->src_alias, false);
	endpoint_terminal(e);
	if (m->dst_alias)
		alias_seq(e, m->dst_alias, true);
	transport(e, &m->dst_sig);
	mg_penc_bool(e, false); /* activeMC */
	mg_penc_octets(e, m->conf_id, 16, 16, 16, false);
	mg_penc_choice(e, 0, 3, true, false); /* conferenceGoal create */
	mg_penc_choice(e, 0, 4, true, false); /* callType pointToPoint */
	uint8_t bits[24] = {1, 0, 1, 0, 0, 0, m->n_faststart > 0, 1, 1, 0, 1, 1};
	bits[23] = m->feature != 0;
	additions(e, m, bits, m->feature ? 24 : 12, setup_add);
}

/* CallProceeding / Alerting / Connect additions: 0 callIdentifier,
 * 4 fastStart, 5 multipleCalls, 6 maintainConnection. */
static void answer_add(struct mg_penc *e, const struct mg_mc_h225 *m, unsigned idx)
{
	if (idx == 0)
		call_identifier(e, m);
	else if (idx == 4)
		octet_seq(e, m->faststart, m->n_faststart);
	else
		mg_penc_bool(e, false);
}

static void answer_exts(struct mg_penc *e, const struct mg_mc_h225 *m)
{
	uint8_t bits[7] = {1, 0, 0, 0, m->n_faststart > 0, 1, 1};
	additions(e, m, bits, 7, answer_add);
}

/* CallProceeding- and Alerting-UUIE: protocolIdentifier, destinationInfo,
 * h245Address?. */
static void proceeding_or_alerting(struct mg_penc *e, const struct mg_mc_h225 *m)
{
	mg_penc_seq_preamble(e, true, true, 1, m->has_h245_addr);
	proto_id(e);
	endpoint_terminal(e);
	if (m->has_h245_addr)
		transport(e, &m->h245_addr);
	answer_exts(e, m);
}

/* Connect-UUIE: protocolIdentifier, h245Address?, destinationInfo,
 * conferenceID. */
static void connect_uuie(struct mg_penc *e, const struct mg_mc_h225 *m)
{
	mg_penc_seq_preamble(e, true, true, 1, m->has_h245_addr);
	proto_id(e);
	if (m->has_h245_addr)
		transport(e, &m->h245_addr);
	endpoint_terminal(e);
	mg_penc_octets(e, m->conf_id, 16, 16, 16, false);
	answer_exts(e, m);
}

/* Facility additions: 0 callIdentifier, 8 multipleCalls, 9 maintainConnection. */
static void facility_add(struct mg_penc *e, const struct mg_mc_h225 *m, unsigned idx)
{
	if (idx == 0)
		call_identifier(e, m);
	else
		mg_penc_bool(e, false);
}

/* Facility-UUIE carrying tunnelled H.245: no alternative address, reason
 * undefinedReason. */
static void facility(struct mg_penc *e, const struct mg_mc_h225 *m)
{
	mg_penc_seq_preamble(e, true, true, 3, 0);
	proto_id(e);
	mg_penc_choice(e, 3, 4, true, false);
	uint8_t bits[10] = {1, 0, 0, 0, 0, 0, 0, 0, 1, 1};
	additions(e, m, bits, 10, facility_add);
}

static void release_add(struct mg_penc *e, const struct mg_mc_h225 *m, unsigned idx)
{
	call_identifier(e, m);
}

/* ReleaseComplete-UUIE: reason undefinedReason, callIdentifier. */
static void release_complete(struct mg_penc *e, const struct mg_mc_h225 *m)
{
	mg_penc_seq_preamble(e, true, true, 1, 1);
	proto_id(e);
	mg_penc_choice(e, 11, 12, true, false);
	uint8_t bits[1] = {1};
	additions(e, m, bits, 1, release_add);
}

/* H323-UU-PDU additions: 1 h245Tunneling, 2 h245Control. */
static void uu_add(struct mg_penc *e, const struct mg_mc_h225 *m, unsigned idx)
{
	if (idx == 1)
		mg_penc_bool(e, m->tunneling);
	else
		octet_seq(e, m->h245, m->n_h245);
}

static size_t uuie(const struct mg_mc_h225 *m, uint8_t *out, size_t cap)
{
	struct mg_penc e;
	mg_penc_init(&e, out, cap);
	mg_penc_seq_preamble(&e, true, false, 1, 0); /* H323-UserInformation */
	mg_penc_seq_preamble(&e, true, true, 1, 0);  /* H323-UU-PDU */
	mg_penc_choice(&e, m->body, 7, true, false);
	switch (m->body) {
	case MG_H225_SETUP:
		setup(&e, m);
		break;
	case MG_H225_CALL_PROCEEDING:
	case MG_H225_ALERTING:
		proceeding_or_alerting(&e, m);
		break;
	case MG_H225_CONNECT:
		connect_uuie(&e, m);
		break;
	case MG_H225_FACILITY:
		facility(&e, m);
		break;
	case MG_H225_RELEASE_COMPLETE:
		release_complete(&e, m);
		break;
	default:
		return 0;
	}
	uint8_t bits[3] = {0, 1, 1};
	additions(&e, m, bits, m->n_h245 ? 3 : 2, uu_add);
	return e.err ? 0 : mg_penc_len(&e);
}

static uint8_t q931_type(uint8_t body)
{
	switch (body) {
	case MG_H225_SETUP:
		return MG_Q931_SETUP;
	case MG_H225_CALL_PROCEEDING:
		return MG_Q931_CALL_PROCEEDING;
	case MG_H225_ALERTING:
		return MG_Q931_ALERTING;
	case MG_H225_CONNECT:
		return MG_Q931_CONNECT;
	case MG_H225_FACILITY:
		return MG_Q931_FACILITY;
	default:
		return MG_Q931_RELEASE_COMPLETE;
	}
}

size_t mg_mc_enc_h225(const struct mg_mc_h225 *m, uint8_t *out, size_t cap)
{
	uint8_t uu[UUIE_MAX];
	size_t un = uuie(m, uu, sizeof uu);
	size_t dn = m->display ? strlen(m->display) : 0;
	size_t cn = m->called_number ? strlen(m->called_number) : 0;
	if (un == 0 || dn > 80 || m->call_ref > 0x7fff)
		return 0;
	if (m->called_number && (cn == 0 || cn > 32 || strspn(m->called_number, "0123456789*#") != cn))
		return 0;
	/* TPKT 4, Q.931 header 5, bearer 5, display 2 + dn, called party
	 * number 3 + cn, user-user 3 + 1 + un */
	size_t total = 4 + 5 + (m->body == MG_H225_SETUP ? 5 : 0) + (dn ? dn + 2 : 0) + (cn ? cn + 3 : 0) + 4 + un;
	if (total > cap || total > 65535 || un + 1 > 65535)
		return 0;
	uint8_t *p = out;
	*p++ = 3;
	*p++ = 0;
	*p++ = (uint8_t)(total >> 8);
	*p++ = (uint8_t)total;
	*p++ = 0x08; /* protocol discriminator Q.931 */
	*p++ = 2;    /* call reference length */
	*p++ = (uint8_t)((m->call_ref >> 8) | (m->from_callee ? 0x80 : 0));
	*p++ = (uint8_t)m->call_ref;
	*p++ = q931_type(m->body);
	if (m->body == MG_H225_SETUP) {
		/* Bearer capability: ITU coding, unrestricted digital
		 * information, circuit mode 64 kbit/s, layer 1 H.221/H.242 */
		static const uint8_t bc[5] = {0x04, 0x03, 0x88, 0x90, 0xa5};
		memcpy(p, bc, 5);
		p += 5;
	}
	if (dn) {
		*p++ = 0x28;
		*p++ = (uint8_t)dn;
		memcpy(p, m->display, dn);
		p += dn;
	}
	if (cn) {
		/* Called party number: type of number unknown, numbering
		 * plan ISDN/telephony (E.164), then the digits in IA5 */
		*p++ = 0x70;
		*p++ = (uint8_t)(cn + 1);
		*p++ = 0x81;
		memcpy(p, m->called_number, cn);
		p += cn;
	}
	*p++ = 0x7e;
	*p++ = (uint8_t)((un + 1) >> 8);
	*p++ = (uint8_t)(un + 1);
	*p++ = 0x05; /* X.208/X.209 coded user information */
	memcpy(p, uu, un);
	p += un;
	return (size_t)(p - out);
}

size_t mg_mc_tpkt(const uint8_t *payload, size_t n, uint8_t *out, size_t cap)
{
	if (n + 4 > cap || n + 4 > 65535)
		return 0;
	out[0] = 3;
	out[1] = 0;
	out[2] = (uint8_t)((n + 4) >> 8);
	out[3] = (uint8_t)(n + 4);
	memmove(out + 4, payload, n);
	return n + 4;
}
