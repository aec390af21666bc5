/* msg_ras.c - H.225.0 RAS encoders (RasMessage, UDP 1719).
 *
 * Encodings follow the H.225.0 version 7 ASN.1 (H323-MESSAGES, 12/2009):
 * root components in order, optional-field bitmaps in declaration order,
 * and, for each message, every mandatory extension addition up to the last
 * one (FALSE BOOLEANs, an all-FALSE UUIEsRequested), so that a decoder of
 * any version reads what it knows and skips the rest by length.  Nothing is
 * sent that meetcall does not mean: no tokens, no nonStandardData.
 */
#include <stdio.h>
#include <string.h>

#include "asn1/per_enc.h"
#include "meetcall/mc_msg.h"
#include "proto/h225.h"
#include "util/version.h"

#define OPEN_MAX 256 /* one extension addition */

/* ProtocolIdentifier of H.225.0 version 7: { 0 0 8 2250 0 7 }. */
static const uint32_t ras_proto[] = {0, 0, 8, 2250, 0, 7};

static void proto_id(struct mg_penc *e)
{
	mg_penc_oid(e, ras_proto, 6);
}

static void seq_num(struct mg_penc *e, uint16_t seq)
{
	mg_penc_constrained(e, seq, 1, 65535);
}

/* TransportAddress ipAddress. */
static void transport(struct mg_penc *e, const struct mg_mc_addr *a)
{
	mg_penc_choice(e, 0, 7, true, false);
	mg_penc_octets(e, a->ip, 4, 4, 4, false);
	mg_penc_constrained(e, a->port, 0, 65535);
}

static void transport_seq(struct mg_penc *e, const struct mg_mc_addr *a, unsigned n)
{
	mg_penc_length(e, n);
	for (unsigned i = 0; i < n; i++)
		transport(e, &a[i]);
}

/* GatekeeperIdentifier, EndpointIdentifier: BMPString (SIZE(1..128)). */
static void ident(struct mg_penc *e, const char *s)
{
	mg_penc_bmp(e, s, 1, 128, false);
}

static bool digits_only(const char *s)
{
	return s[0] != '\0' && strspn(s, "0123456789#*,") == strlen(s);
}

/* AliasAddress: dialedDigits, h323-ID, or (extension alternatives, open
 * types) url-ID / email-ID. */
static void alias(struct mg_penc *e, const struct mg_mc_ras_alias *a)
{
	uint8_t t = a->type;
	if (t == MG_H225_ALIAS_NONE)
		t = digits_only(a->s) ? MG_H225_ALIAS_DIGITS : MG_H225_ALIAS_NAME;
	if (t == MG_H225_ALIAS_DIGITS) {
		mg_penc_choice(e, 0, 2, true, false);
		mg_penc_chars(e, a->s, 1, 128, false, "#*,0123456789", 4);
	} else if (t == MG_H225_ALIAS_URL || t == MG_H225_ALIAS_EMAIL) {
		uint8_t b[600];
		struct mg_penc sub;
		mg_penc_init(&sub, b, sizeof b);
		mg_penc_ia5(&sub, a->s, 1, 512, false);
		mg_penc_choice(e, t == MG_H225_ALIAS_URL ? 0 : 2, 2, true, true);
		mg_penc_open_sub(e, &sub);
	} else {
		mg_penc_choice(e, 1, 2, true, false);
		mg_penc_bmp(e, a->s, 1, 256, false);
	}
}

static void alias_seq(struct mg_penc *e, const struct mg_mc_ras_aliases *l)
{
	if (l->n > MG_MC_RAS_ALIASES) {
		e->err = true;
		return;
	}
	mg_penc_length(e, l->n);
	for (unsigned i = 0; i < l->n; i++)
		alias(e, &l->a[i]);
}

/* EndpointType with only `terminal` (empty TerminalInfo). */
static void endpoint_terminal(struct mg_penc *e)
{
	mg_penc_seq_preamble(e, true, false, 6, 0x01);
	mg_penc_seq_preamble(e, true, false, 1, 0); /* TerminalInfo */
	mg_penc_bool(e, false);                     /* mc */
	mg_penc_bool(e, false);                     /* undefinedNode */
}

/* VendorIdentifier: H221NonStandard t35CountryCode, t35Extension and
 * manufacturerCode 0 (meetcall has no manufacturer code of its own),
 * productId "meetcall", versionId the release. */
static void vendor(struct mg_penc *e)
{
	static const char product[] = "meetcall";
	mg_penc_seq_preamble(e, true, false, 2, 0x3);
	mg_penc_bool(e, false); /* H221NonStandard: no extensions */
	mg_penc_constrained(e, 0, 0, 255);
	mg_penc_constrained(e, 0, 0, 255);
	mg_penc_constrained(e, 0, 0, 65535);
	mg_penc_octets(e, product, sizeof product - 1, 1, 256, false);
	mg_penc_octets(e, MG_VERSION, (uint32_t)strlen(MG_VERSION), 1, 256, false);
}

static void call_identifier(struct mg_penc *e, const uint8_t id[16])
{
	mg_penc_bool(e, false);
	mg_penc_octets(e, id, 16, 16, 16, false);
}

/* AlternateGK: rasAddress, gatekeeperIdentifier absent, needToRegister,
 * priority. */
static void alt_gk_seq(struct mg_penc *e, const struct mg_mc_ras *m)
{
	if (m->n_alt_gk > MG_MC_RAS_ALT_GK) {
		e->err = true;
		return;
	}
	mg_penc_length(e, m->n_alt_gk);
	for (unsigned i = 0; i < m->n_alt_gk; i++) {
		const struct mg_mc_alt_gk *g = &m->alt_gk[i];
		mg_penc_seq_preamble(e, true, false, 1, 0);
		transport(e, &g->ras);
		mg_penc_bool(e, g->need_register);
		mg_penc_constrained(e, g->priority, 0, 127);
	}
}

static void ttl(struct mg_penc *e, uint32_t v)
{
	mg_penc_constrained(e, v, 1, 4294967295u);
}

/* Extension additions: the bitmap, then fn(idx) for each present one,
 * wrapped as an open type. */
typedef void (*add_fn)(struct mg_penc *e, const struct mg_mc_ras *m, unsigned idx);

static void additions(struct mg_penc *e, const struct mg_mc_ras *m, const uint8_t *bits, unsigned n, add_fn fn)
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

/* FeatureSet with only supportedFeatures, one FeatureDescriptor (a
 * GenericData without parameters) whose id is GenericIdentifier standard
 * 18: the endpoint supports H.460.18 (traversal of NATs and firewalls).
 * replacementFeatureSet FALSE. */
static void feature_set_h46018(struct mg_penc *e)
{
	mg_penc_seq_preamble(e, true, false, 3, 0x1); /* supportedFeatures only */
	mg_penc_bool(e, false);                       /* replacementFeatureSet */
	mg_penc_length(e, 1);
	mg_penc_seq_preamble(e, true, false, 1, 0);   /* GenericData, no parameters */
	mg_penc_choice(e, 0, 3, true, false);         /* GenericIdentifier standard */
	mg_penc_bool(e, false);                       /* within the root range */
	mg_penc_constrained(e, 18, 0, 16383);
}

/* A reject reason: root alternative, or a NULL extension alternative. */
static void reason(struct mg_penc *e, const struct mg_mc_ras *m, unsigned nroot)
{
	if (m->reason_ext) {
		mg_penc_choice(e, m->reason, nroot, true, true);
		mg_penc_open_type(e, NULL, 0);
	} else {
		mg_penc_choice(e, m->reason, nroot, true, false);
	}
}

/* ---- the messages -------------------------------------------------------- */

/* GRQ additions: 8 featureSet, 10 supportsAssignedGK. */
static void grq_add(struct mg_penc *e, const struct mg_mc_ras *m, unsigned idx)
{
	if (idx == 8)
		feature_set_h46018(e);
	else
		mg_penc_bool(e, false);
}

static void grq(struct mg_penc *e, const struct mg_mc_ras *m)
{
	/* optional: nonStandardData, gatekeeperIdentifier, callServices, endpointAlias */
	uint32_t opt = (m->gk_id[0] ? 0x4u : 0) | (m->alias.n ? 0x1u : 0);
	mg_penc_seq_preamble(e, true, true, 4, opt);
	seq_num(e, m->seq);
	proto_id(e);
	transport(e, &m->ras);
	endpoint_terminal(e);
	if (m->gk_id[0])
		ident(e, m->gk_id);
	if (m->alias.n)
		alias_seq(e, &m->alias);
	uint8_t bits[11] = {[8] = m->h460_18, [10] = 1};
	additions(e, m, bits, 11, grq_add);
}

/* GCF / RCF additions: alternateGatekeeper (0), timeToLive (RCF 1), the
 * RCF BOOLEANs willRespondToIRR (5) and maintainConnection (7), the RCF's
 * featureSet (15). */
static void conf_add(struct mg_penc *e, const struct mg_mc_ras *m, unsigned idx)
{
	if (idx == 0)
		alt_gk_seq(e, m);
	else if (idx == 1)
		ttl(e, m->ttl);
	else if (idx == 15)
		feature_set_h46018(e);
	else
		mg_penc_bool(e, false);
}

static void gcf(struct mg_penc *e, const struct mg_mc_ras *m)
{
	mg_penc_seq_preamble(e, true, m->n_alt_gk > 0, 2, m->gk_id[0] ? 0x1u : 0);
	seq_num(e, m->seq);
	proto_id(e);
	if (m->gk_id[0])
		ident(e, m->gk_id);
	transport(e, &m->ras);
	if (m->n_alt_gk > 0) {
		uint8_t bits[1] = {1};
		additions(e, m, bits, 1, conf_add);
	}
}

/* RRQ additions: 1 timeToLive, 5 keepAlive, 6 endpointIdentifier,
 * 7 willSupplyUUIEs, 8 maintainConnection, 19 featureSet,
 * 23 supportsAssignedGK. */
static void rrq_add(struct mg_penc *e, const struct mg_mc_ras *m, unsigned idx)
{
	if (idx == 1)
		ttl(e, m->ttl);
	else if (idx == 5)
		mg_penc_bool(e, m->keep_alive);
	else if (idx == 6)
		ident(e, m->ep_id);
	else if (idx == 19)
		feature_set_h46018(e);
	else
		mg_penc_bool(e, false);
}

static void rrq(struct mg_penc *e, const struct mg_mc_ras *m)
{
	/* optional: nonStandardData, terminalAlias, gatekeeperIdentifier */
	uint32_t opt = (m->alias.n ? 0x2u : 0) | (m->gk_id[0] ? 0x1u : 0);
	mg_penc_seq_preamble(e, true, true, 3, opt);
	seq_num(e, m->seq);
	proto_id(e);
	mg_penc_bool(e, m->discovery_complete);
	transport_seq(e, m->sig, m->n_sig);
	transport_seq(e, &m->ras, 1);
	endpoint_terminal(e);
	if (m->alias.n)
		alias_seq(e, &m->alias);
	if (m->gk_id[0])
		ident(e, m->gk_id);
	vendor(e);
	uint8_t bits[24] = {[1] = m->has_ttl, [5] = 1, [6] = m->ep_id[0] != 0, [7] = 1, [8] = 1,
			   [19] = m->h460_18, [23] = 1};
	additions(e, m, bits, 24, rrq_add);
}

static void rcf(struct mg_penc *e, const struct mg_mc_ras *m)
{
	uint32_t opt = (m->alias.n ? 0x2u : 0) | (m->gk_id[0] ? 0x1u : 0);
	mg_penc_seq_preamble(e, true, true, 3, opt);
	seq_num(e, m->seq);
	proto_id(e);
	transport_seq(e, m->sig, m->n_sig);
	if (m->alias.n)
		alias_seq(e, &m->alias);
	if (m->gk_id[0])
		ident(e, m->gk_id);
	ident(e, m->ep_id);
	uint8_t bits[16] = {[0] = m->n_alt_gk > 0, [1] = m->has_ttl, [5] = 1, [7] = 1, [15] = m->h460_18};
	additions(e, m, bits, m->h460_18 ? 16 : 8, conf_add);
}

static void rrj(struct mg_penc *e, const struct mg_mc_ras *m)
{
	mg_penc_seq_preamble(e, true, false, 2, m->gk_id[0] ? 0x1u : 0);
	seq_num(e, m->seq);
	proto_id(e);
	reason(e, m, 8);
	if (!m->reason_ext && m->reason == MG_MC_RRJ_DUPLICATE_ALIAS)
		alias_seq(e, &m->alias);
	if (m->gk_id[0])
		ident(e, m->gk_id);
}

/* URQ additions: 1 gatekeeperIdentifier. */
static void urq_add(struct mg_penc *e, const struct mg_mc_ras *m, unsigned idx)
{
	ident(e, m->gk_id);
}

static void urq(struct mg_penc *e, const struct mg_mc_ras *m)
{
	/* optional: endpointAlias, nonStandardData, endpointIdentifier */
	uint32_t opt = (m->alias.n ? 0x4u : 0) | (m->ep_id[0] ? 0x1u : 0);
	mg_penc_seq_preamble(e, true, m->gk_id[0] != 0, 3, opt);
	seq_num(e, m->seq);
	transport_seq(e, m->sig, m->n_sig);
	if (m->alias.n)
		alias_seq(e, &m->alias);
	if (m->ep_id[0])
		ident(e, m->ep_id);
	if (m->gk_id[0]) {
		uint8_t bits[2] = {0, 1};
		additions(e, m, bits, 2, urq_add);
	}
}

/* UCF, DCF: requestSeqNum and nothing else. */
static void seq_only(struct mg_penc *e, const struct mg_mc_ras *m)
{
	mg_penc_seq_preamble(e, true, false, 1, 0);
	seq_num(e, m->seq);
}

/* URJ, ARJ, DRJ, LRJ: requestSeqNum, rejectReason, nonStandardData?. */
static void reject(struct mg_penc *e, const struct mg_mc_ras *m, unsigned nroot)
{
	mg_penc_seq_preamble(e, true, false, 1, 0);
	seq_num(e, m->seq);
	reason(e, m, nroot);
}

/* ARQ additions: 0 canMapAlias, 1 callIdentifier, 4 gatekeeperIdentifier,
 * 9 willSupplyUUIEs, 18 canMapSrcAlias. */
static void arq_add(struct mg_penc *e, const struct mg_mc_ras *m, unsigned idx)
{
	if (idx == 1)
		call_identifier(e, m->call_id);
	else if (idx == 4)
		ident(e, m->gk_id);
	else
		mg_penc_bool(e, false);
}

static void arq(struct mg_penc *e, const struct mg_mc_ras *m)
{
	/* optional: callModel, destinationInfo, destCallSignalAddress,
	 * destExtraCallInfo, srcCallSignalAddress, nonStandardData, callServices */
	uint32_t opt = (m->has_call_model ? 0x40u : 0) | (m->dest.n ? 0x20u : 0) | (m->has_dest_sig ? 0x10u : 0) |
		       (m->has_src_sig ? 0x04u : 0);
	mg_penc_seq_preamble(e, true, true, 7, opt);
	seq_num(e, m->seq);
	mg_penc_choice(e, 0, 4, true, false); /* callType pointToPoint */
	if (m->has_call_model)
		mg_penc_choice(e, m->routed ? 1 : 0, 2, true, false);
	ident(e, m->ep_id);
	if (m->dest.n)
		alias_seq(e, &m->dest);
	if (m->has_dest_sig)
		transport(e, &m->dest_sig);
	alias_seq(e, &m->src);
	if (m->has_src_sig)
		transport(e, &m->src_sig);
	mg_penc_constrained(e, m->bandwidth, 0, 4294967295u);
	mg_penc_constrained(e, m->crv, 0, 65535);
	mg_penc_octets(e, m->conf_id, 16, 16, 16, false);
	mg_penc_bool(e, false); /* activeMC */
	mg_penc_bool(e, m->answer_call);
	uint8_t bits[19] = {[0] = 1, [1] = 1, [4] = m->gk_id[0] != 0, [9] = 1, [18] = 1};
	additions(e, m, bits, 19, arq_add);
}

/* ACF additions: 0 destinationInfo, 9 willRespondToIRR, 10 uuiesRequested
 * (nine root and four added BOOLEANs, all FALSE). */
static void acf_add(struct mg_penc *e, const struct mg_mc_ras *m, unsigned idx)
{
	if (idx == 0) {
		alias_seq(e, &m->dest);
	} else if (idx == 9) {
		mg_penc_bool(e, false);
	} else {
		uint8_t scratch[8];
		uint8_t bits[4] = {1, 1, 1, 1};
		mg_penc_bool(e, true);
		mg_penc_bits(e, 0, 9);
		mg_penc_ext_bitmap(e, bits, 4);
		for (int i = 0; i < 4; i++) {
			struct mg_penc sub;
			mg_penc_init(&sub, scratch, sizeof scratch);
			mg_penc_bool(&sub, false);
			mg_penc_open_sub(e, &sub);
		}
	}
}

static void acf(struct mg_penc *e, const struct mg_mc_ras *m)
{
	/* optional: irrFrequency, nonStandardData */
	mg_penc_seq_preamble(e, true, true, 2, 0);
	seq_num(e, m->seq);
	mg_penc_constrained(e, m->bandwidth, 0, 4294967295u);
	mg_penc_choice(e, m->routed ? 1 : 0, 2, true, false);
	transport(e, &m->dest_sig);
	uint8_t bits[11] = {[0] = m->dest.n > 0, [9] = 1, [10] = 1};
	additions(e, m, bits, 11, acf_add);
}

/* DRQ additions: 0 callIdentifier, 1 gatekeeperIdentifier, 5 answeredCall. */
static void drq_add(struct mg_penc *e, const struct mg_mc_ras *m, unsigned idx)
{
	if (idx == 0)
		call_identifier(e, m->call_id);
	else if (idx == 1)
		ident(e, m->gk_id);
	else
		mg_penc_bool(e, m->answer_call);
}

static void drq(struct mg_penc *e, const struct mg_mc_ras *m)
{
	mg_penc_seq_preamble(e, true, true, 1, 0);
	seq_num(e, m->seq);
	ident(e, m->ep_id);
	mg_penc_octets(e, m->conf_id, 16, 16, 16, false);
	mg_penc_constrained(e, m->crv, 0, 65535);
	mg_penc_choice(e, m->reason, 3, true, false);
	uint8_t bits[6] = {[0] = 1, [1] = m->gk_id[0] != 0, [5] = 1};
	additions(e, m, bits, 6, drq_add);
}

/* LRQ additions: 0 sourceInfo, 1 canMapAlias, 2 gatekeeperIdentifier,
 * 15 canMapSrcAlias. */
static void lrq_add(struct mg_penc *e, const struct mg_mc_ras *m, unsigned idx)
{
	if (idx == 0)
		alias_seq(e, &m->src);
	else if (idx == 2)
		ident(e, m->gk_id);
	else
		mg_penc_bool(e, false);
}

static void lrq(struct mg_penc *e, const struct mg_mc_ras *m)
{
	/* optional: endpointIdentifier, nonStandardData */
	mg_penc_seq_preamble(e, true, true, 2, m->ep_id[0] ? 0x2u : 0);
	seq_num(e, m->seq);
	if (m->ep_id[0])
		ident(e, m->ep_id);
	alias_seq(e, &m->dest);
	transport(e, &m->ras);
	uint8_t bits[16] = {[0] = m->src.n > 0, [1] = 1, [2] = m->gk_id[0] != 0, [15] = 1};
	additions(e, m, bits, 16, lrq_add);
}

static void lcf(struct mg_penc *e, const struct mg_mc_ras *m)
{
	mg_penc_seq_preamble(e, true, false, 1, 0);
	seq_num(e, m->seq);
	transport(e, &m->dest_sig);
	transport(e, &m->ras);
}

size_t mg_mc_enc_ras(const struct mg_mc_ras *m, uint8_t *out, size_t cap)
{
	struct mg_penc e;
	mg_penc_init(&e, out, cap);
	if (m->seq == 0)
		return 0;
	mg_penc_choice(&e, m->type, MG_MC_RAS_ROOT, true, false);
	switch (m->type) {
	case MG_MC_GRQ:
		grq(&e, m);
		break;
	case MG_MC_GCF:
		gcf(&e, m);
		break;
	case MG_MC_RRQ:
		rrq(&e, m);
		break;
	case MG_MC_RCF:
		rcf(&e, m);
		break;
	case MG_MC_RRJ:
		rrj(&e, m);
		break;
	case MG_MC_URQ:
		urq(&e, m);
		break;
	case MG_MC_UCF:
	case MG_MC_DCF:
		seq_only(&e, m);
		break;
	case MG_MC_URJ:
		reject(&e, m, 3);
		break;
	case MG_MC_ARQ:
		arq(&e, m);
		break;
	case MG_MC_ACF:
		acf(&e, m);
		break;
	case MG_MC_ARJ:
		reject(&e, m, 8);
		break;
	case MG_MC_DRQ:
		drq(&e, m);
		break;
	case MG_MC_DRJ:
		reject(&e, m, 2);
		break;
	case MG_MC_LRQ:
		lrq(&e, m);
		break;
	case MG_MC_LCF:
		lcf(&e, m);
		break;
	case MG_MC_LRJ:
		reject(&e, m, 4);
		break;
	default:
		return 0;
	}
	return e.err ? 0 : mg_penc_len(&e);
}

void mg_mc_ras_alias_add(struct mg_mc_ras_aliases *l, const char *s)
{
	if (l->n >= MG_MC_RAS_ALIASES || s == NULL || s[0] == '\0')
		return;
	struct mg_mc_ras_alias *a = &l->a[l->n++];
	a->type = digits_only(s) ? MG_H225_ALIAS_DIGITS : MG_H225_ALIAS_NAME;
	snprintf(a->s, sizeof a->s, "%s", s);
}
