/* ras_dec.c - meetcall's own, deliberately small decoder of the RAS
 * messages it exchanges (the gateway's RAS decoder is a separate piece of
 * work in src/proto/).  Limits:
 *   - only the RasMessage alternatives meetcall encodes are decoded; any
 *     other one is reported by type (MG_MC_RAS_OTHER) and not walked;
 *   - root components are walked by their definitions (what meetcall does
 *     not keep is skipped: nonStandardData, EndpointType, VendorIdentifier,
 *     QseriesOptions, destExtraCallInfo, every TransportAddress form);
 *   - extension additions are skipped by their open-type length, except the
 *     few listed in mc_msg.h, which are decoded inside their open type;
 *   - lists keep their first MG_MC_RAS_ALIASES / MG_MC_RAS_ADDRS elements,
 *     identifiers and aliases are cut to 64 characters.
 * Every read goes through the PER cursor (src/asn1/per.h), so nothing is read
 * outside the buffer; every loop is bounded by an element count that the
 * remaining input bounds as well (MG_PER_MAX_SEQOF at most).
 */
#include <string.h>

#include "asn1/per.h"
#include "meetcall/mc_msg.h"
#include "proto/h225.h"

struct dec {
	struct mg_cur *c;
	const char *where; /* first element that failed */
};

static bool ok(struct dec *d, const char *where)
{
	if (d->c->err && d->where == NULL)
		d->where = where;
	return !d->c->err;
}

static void nonstd(struct mg_cur *c);

/* H221NonStandard */
static void h221(struct mg_cur *c)
{
	bool ext = mg_cur_bit(c);
	mg_per_constrained(c, 0, 255);
	mg_per_constrained(c, 0, 255);
	mg_per_constrained(c, 0, 65535);
	if (ext)
		mg_per_skip_extensions(c);
}

/* NonStandardParameter */
static void nonstd(struct mg_cur *c)
{
	bool ext;
	uint32_t n;
	uint32_t alt = mg_per_choice(c, 2, true, &ext);
	if (ext)
		mg_per_skip_open_type(c);
	else if (alt == 0)
		mg_per_skip_oid(c);
	else
		h221(c);
	mg_per_octets(c, 0, 0, false, &n);
}

/* SEQUENCE { nonStandardData OPTIONAL, ... } (TerminalInfo and friends) */
static void nonstd_only(struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);
	if (opt & 1)
		nonstd(c);
	if (ext)
		mg_per_skip_extensions(c);
}

static void vendor(struct mg_cur *c)
{
	uint32_t opt, n;
	bool ext = mg_per_seq_preamble(c, true, 2, &opt);
	h221(c);
	if (opt & 2)
		mg_per_octets(c, 1, 256, false, &n);
	if (opt & 1)
		mg_per_octets(c, 1, 256, false, &n);
	if (ext)
		mg_per_skip_extensions(c);
}

/* GatewayInfo: protocol SEQUENCE OF SupportedProtocols OPTIONAL,
 * nonStandardData OPTIONAL. */
static void gateway(struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 2, &opt);
	if (opt & 2) {
		uint32_t n = mg_per_length(c);
		if (n > MG_PER_MAX_SEQOF)
			mg_cur_fail(c);
		for (uint32_t i = 0; i < n && !c->err; i++) {
			bool pext;
			uint32_t alt = mg_per_choice(c, 9, true, &pext);
			if (pext)
				mg_per_skip_open_type(c);
			else if (alt == 0)
				nonstd(c);
			else
				nonstd_only(c);
		}
	}
	if (opt & 1)
		nonstd(c);
	if (ext)
		mg_per_skip_extensions(c);
}

static void endpoint_type(struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 6, &opt);
	if (opt & 32)
		nonstd(c);
	if (opt & 16)
		vendor(c);
	if (opt & 8)
		nonstd_only(c);
	if (opt & 4)
		gateway(c);
	if (opt & 2)
		nonstd_only(c);
	if (opt & 1)
		nonstd_only(c);
	mg_cur_skip_bits(c, 2); /* mc, undefinedNode */
	if (ext)
		mg_per_skip_extensions(c);
}

/* QseriesOptions: seven BOOLEANs and Q954Details (two BOOLEANs). */
static void qseries(struct mg_cur *c)
{
	bool ext = mg_cur_bit(c);
	mg_cur_skip_bits(c, 7);
	bool qext = mg_cur_bit(c);
	mg_cur_skip_bits(c, 2);
	if (qext)
		mg_per_skip_extensions(c);
	if (ext)
		mg_per_skip_extensions(c);
}

/* TransportAddress: an ipAddress is kept in *a (returns true); every other
 * form is skipped. */
static bool transport(struct mg_cur *c, struct mg_mc_addr *a)
{
	bool ext, sext;
	uint32_t n;
	const uint8_t *ip;
	uint32_t alt = mg_per_choice(c, 7, true, &ext);
	if (c->err)
		return false;
	if (ext) {
		mg_per_skip_open_type(c);
		return false;
	}
	switch (alt) {
	case 0:
		ip = mg_per_octets(c, 4, 4, false, &n);
		a->port = (uint16_t)mg_per_constrained(c, 0, 65535);
		if (c->err)
			return false;
		memcpy(a->ip, ip, 4);
		return true;
	case 1: { /* ipSourceRoute */
		sext = mg_cur_bit(c);
		mg_per_octets(c, 4, 4, false, &n);
		mg_per_constrained(c, 0, 65535);
		uint32_t routes = mg_per_length(c);
		if (routes > MG_PER_MAX_SEQOF)
			mg_cur_fail(c);
		for (uint32_t i = 0; i < routes && !c->err; i++)
			mg_per_octets(c, 4, 4, false, &n);
		(void)mg_per_choice(c, 2, true, &ext); /* routing */
		if (ext)
			mg_per_skip_open_type(c);
		if (sext)
			mg_per_skip_extensions(c);
		return false;
	}
	case 2: /* ipxAddress */
		mg_per_octets(c, 6, 6, false, &n);
		mg_per_octets(c, 4, 4, false, &n);
		mg_cur_skip_bits(c, 16);
		return false;
	case 3: /* ip6Address */
		sext = mg_cur_bit(c);
		mg_per_octets(c, 16, 16, false, &n);
		mg_per_constrained(c, 0, 65535);
		if (sext)
			mg_per_skip_extensions(c);
		return false;
	case 4:
		mg_per_octets(c, 16, 16, false, &n);
		return false;
	case 5:
		mg_per_octets(c, 1, 20, false, &n);
		return false;
	default:
		nonstd(c);
		return false;
	}
}

/* SEQUENCE OF TransportAddress: IPv4 ones kept (the first max). */
static unsigned transport_seq(struct mg_cur *c, struct mg_mc_addr *out, unsigned max, unsigned *all)
{
	unsigned kept = 0;
	uint32_t n = mg_per_length(c);
	if (n > MG_PER_MAX_SEQOF)
		mg_cur_fail(c);
	for (uint32_t i = 0; i < n && !c->err; i++) {
		struct mg_mc_addr a;
		if (transport(c, &a) && kept < max)
			out[kept++] = a;
	}
	if (all != NULL)
		*all = c->err ? 0 : n;
	return kept;
}

/* n characters of `bits` each into out (cut to cap - 1); map turns an index
 * into a character (dialedDigits), NULL for character codes. */
static void chars(struct mg_cur *c, char *out, size_t cap, uint32_t lb, uint32_t ub, unsigned bits,
		  const char *map)
{
	uint32_t n = mg_per_size(c, lb, ub, false);
	size_t k = 0;
	mg_cur_align(c);
	if ((uint64_t)n * bits > mg_cur_bits_left(c))
		mg_cur_fail(c);
	for (uint32_t i = 0; i < n && !c->err; i++) {
		uint32_t v = mg_cur_bits(c, bits);
		char ch = map ? (v < strlen(map) ? map[v] : '?') : (v >= 0x20 && v < 0x7f ? (char)v : '?');
		if (k + 1 < cap)
			out[k++] = ch;
	}
	out[k] = '\0';
}

static void ident(struct mg_cur *c, char *out)
{
	chars(c, out, MG_MC_RAS_ID_LEN, 1, 128, 16, NULL);
}

static void alias(struct mg_cur *c, struct mg_mc_ras_alias *a)
{
	bool ext;
	uint32_t alt = mg_per_choice(c, 2, true, &ext);
	memset(a, 0, sizeof *a);
	if (c->err)
		return;
	if (ext) {
		struct mg_cur sub;
		if (!mg_per_open_type(c, &sub))
			return;
		a->type = alt == 0 ? MG_H225_ALIAS_URL : alt == 2 ? MG_H225_ALIAS_EMAIL : MG_H225_ALIAS_OTHER;
		if (a->type != MG_H225_ALIAS_OTHER)
			chars(&sub, a->s, sizeof a->s, 1, 512, 8, NULL);
		if (sub.err)
			a->type = MG_H225_ALIAS_OTHER;
		return;
	}
	a->type = alt == 0 ? MG_H225_ALIAS_DIGITS : MG_H225_ALIAS_NAME;
	if (alt == 0)
		chars(c, a->s, sizeof a->s, 1, 128, 4, "#*,0123456789");
	else
		chars(c, a->s, sizeof a->s, 1, 256, 16, NULL);
}

static void alias_seq(struct mg_cur *c, struct mg_mc_ras_aliases *l)
{
	uint32_t n = mg_per_length(c);
	l->n = 0;
	if (n > MG_PER_MAX_SEQOF)
		mg_cur_fail(c);
	for (uint32_t i = 0; i < n && !c->err; i++) {
		struct mg_mc_ras_alias a;
		alias(c, &a);
		if (!c->err && l->n < MG_MC_RAS_ALIASES)
			l->a[l->n++] = a;
	}
}

static void call_identifier(struct mg_cur *c, struct mg_mc_ras *m)
{
	uint32_t n;
	bool ext = mg_cur_bit(c);
	const uint8_t *g = mg_per_octets(c, 16, 16, false, &n);
	if (c->err)
		return;
	memcpy(m->call_id, g, 16);
	m->has_call_id = true;
	if (ext)
		mg_per_skip_extensions(c);
}

static void alt_gk_seq(struct mg_cur *c, struct mg_mc_ras *m)
{
	uint32_t n = mg_per_length(c);
	if (n > MG_PER_MAX_SEQOF)
		mg_cur_fail(c);
	for (uint32_t i = 0; i < n && !c->err; i++) {
		struct mg_mc_alt_gk g;
		char id[MG_MC_RAS_ID_LEN];
		uint32_t opt;
		bool ext = mg_per_seq_preamble(c, true, 1, &opt);
		bool v4 = transport(c, &g.ras);
		if (opt & 1)
			ident(c, id);
		g.need_register = mg_cur_bit(c);
		g.priority = (uint8_t)mg_per_constrained(c, 0, 127);
		if (ext)
			mg_per_skip_extensions(c);
		if (!c->err && v4 && m->n_alt_gk < MG_MC_RAS_ALT_GK)
			m->alt_gk[m->n_alt_gk++] = g;
	}
}

/* Extension additions: the bitmap, then for each present addition either
 * fn(idx) on its open type or a skip. */
typedef void (*add_fn)(struct mg_cur *sub, struct mg_mc_ras *m, unsigned idx);

static void additions(struct mg_cur *c, struct mg_mc_ras *m, add_fn fn)
{
	uint8_t bits[MG_PER_MAX_EXT_BITS];
	unsigned n = mg_per_ext_bitmap(c, bits);
	for (unsigned i = 0; i < n && !c->err; i++) {
		struct mg_cur sub;
		if (!bits[i])
			continue;
		if (mg_per_open_type(c, &sub))
			fn(&sub, m, i);
		if (sub.err)
			mg_cur_fail(c);
	}
}

static void reason(struct mg_cur *c, struct mg_mc_ras *m, unsigned nroot)
{
	bool ext;
	m->reason = (uint8_t)mg_per_choice(c, nroot, true, &ext);
	m->reason_ext = ext;
	if (ext)
		mg_per_skip_open_type(c);
}

/* ---- messages ---------------------------------------------------------- */

static void grq_add(struct mg_cur *s, struct mg_mc_ras *m, unsigned idx)
{
}

static void grq(struct mg_cur *c, struct mg_mc_ras *m)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 4, &opt);
	m->seq = (uint16_t)mg_per_constrained(c, 1, 65535);
	mg_per_skip_oid(c);
	if (opt & 8)
		nonstd(c);
	m->has_ras = transport(c, &m->ras);
	endpoint_type(c);
	if (opt & 4)
		ident(c, m->gk_id);
	if (opt & 2)
		qseries(c);
	if (opt & 1)
		alias_seq(c, &m->alias);
	if (ext)
		additions(c, m, grq_add);
}

/* GCF / RCF additions: alternateGatekeeper, timeToLive. */
static void conf_add(struct mg_cur *s, struct mg_mc_ras *m, unsigned idx)
{
	if (idx == 0) {
		alt_gk_seq(s, m);
	} else if (idx == 1 && m->type == MG_MC_RCF) {
		m->ttl = mg_per_constrained(s, 1, 4294967295u);
		m->has_ttl = !s->err;
	}
}

static void gcf(struct mg_cur *c, struct mg_mc_ras *m)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 2, &opt);
	m->seq = (uint16_t)mg_per_constrained(c, 1, 65535);
	mg_per_skip_oid(c);
	if (opt & 2)
		nonstd(c);
	if (opt & 1)
		ident(c, m->gk_id);
	m->has_ras = transport(c, &m->ras);
	if (ext)
		additions(c, m, conf_add);
}

static void rrq_add(struct mg_cur *s, struct mg_mc_ras *m, unsigned idx)
{
	if (idx == 1) {
		m->ttl = mg_per_constrained(s, 1, 4294967295u);
		m->has_ttl = !s->err;
	} else if (idx == 5) {
		m->keep_alive = mg_cur_bit(s);
	} else if (idx == 6) {
		ident(s, m->ep_id);
	}
}

static void rrq(struct mg_cur *c, struct mg_mc_ras *m)
{
	uint32_t opt;
	unsigned nras;
	struct mg_mc_addr ras[1];
	bool ext = mg_per_seq_preamble(c, true, 3, &opt);
	m->seq = (uint16_t)mg_per_constrained(c, 1, 65535);
	mg_per_skip_oid(c);
	if (opt & 4)
		nonstd(c);
	m->discovery_complete = mg_cur_bit(c);
	m->n_sig = transport_seq(c, m->sig, MG_MC_RAS_ADDRS, &m->n_sig_all);
	nras = transport_seq(c, ras, 1, NULL);
	if (nras > 0) {
		m->ras = ras[0];
		m->has_ras = true;
	}
	endpoint_type(c);
	if (opt & 2)
		alias_seq(c, &m->alias);
	if (opt & 1)
		ident(c, m->gk_id);
	vendor(c);
	if (ext)
		additions(c, m, rrq_add);
}

static void rcf(struct mg_cur *c, struct mg_mc_ras *m)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 3, &opt);
	m->seq = (uint16_t)mg_per_constrained(c, 1, 65535);
	mg_per_skip_oid(c);
	if (opt & 4)
		nonstd(c);
	m->n_sig = transport_seq(c, m->sig, MG_MC_RAS_ADDRS, &m->n_sig_all);
	if (opt & 2)
		alias_seq(c, &m->alias);
	if (opt & 1)
		ident(c, m->gk_id);
	ident(c, m->ep_id);
	if (ext)
		additions(c, m, conf_add);
}

static void skip_add(struct mg_cur *s, struct mg_mc_ras *m, unsigned idx)
{
}

static void rrj(struct mg_cur *c, struct mg_mc_ras *m)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 2, &opt);
	m->seq = (uint16_t)mg_per_constrained(c, 1, 65535);
	mg_per_skip_oid(c);
	if (opt & 2)
		nonstd(c);
	reason(c, m, 8);
	if (!m->reason_ext && m->reason == MG_MC_RRJ_DUPLICATE_ALIAS)
		alias_seq(c, &m->alias);
	if (opt & 1)
		ident(c, m->gk_id);
	if (ext)
		additions(c, m, skip_add);
}

static void urq_add(struct mg_cur *s, struct mg_mc_ras *m, unsigned idx)
{
	if (idx == 1)
		ident(s, m->gk_id);
}

static void urq(struct mg_cur *c, struct mg_mc_ras *m)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 3, &opt);
	m->seq = (uint16_t)mg_per_constrained(c, 1, 65535);
	m->n_sig = transport_seq(c, m->sig, MG_MC_RAS_ADDRS, &m->n_sig_all);
	if (opt & 4)
		alias_seq(c, &m->alias);
	if (opt & 2)
		nonstd(c);
	if (opt & 1)
		ident(c, m->ep_id);
	if (ext)
		additions(c, m, urq_add);
}

/* UCF, DCF */
static void seq_only(struct mg_cur *c, struct mg_mc_ras *m)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);
	m->seq = (uint16_t)mg_per_constrained(c, 1, 65535);
	if (opt & 1)
		nonstd(c);
	if (ext)
		additions(c, m, skip_add);
}

/* URJ, ARJ, DRJ, LRJ */
static void reject(struct mg_cur *c, struct mg_mc_ras *m, unsigned nroot)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);
	m->seq = (uint16_t)mg_per_constrained(c, 1, 65535);
	reason(c, m, nroot);
	if (opt & 1)
		nonstd(c);
	if (ext)
		additions(c, m, skip_add);
}

static void arq_add(struct mg_cur *s, struct mg_mc_ras *m, unsigned idx)
{
	if (idx == 1)
		call_identifier(s, m);
	else if (idx == 4)
		ident(s, m->gk_id);
}

static void arq(struct mg_cur *c, struct mg_mc_ras *m)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 7, &opt), cext;
	struct mg_mc_ras_aliases skip;
	uint32_t n;
	const uint8_t *conf;
	m->seq = (uint16_t)mg_per_constrained(c, 1, 65535);
	if (mg_per_choice(c, 4, true, &cext) == 0 && cext)
		mg_per_skip_open_type(c);
	if (opt & 0x40) {
		uint32_t model = mg_per_choice(c, 2, true, &cext);
		if (cext)
			mg_per_skip_open_type(c);
		m->has_call_model = true;
		m->routed = !cext && model == 1;
	}
	ident(c, m->ep_id);
	if (opt & 0x20)
		alias_seq(c, &m->dest);
	if (opt & 0x10)
		m->has_dest_sig = transport(c, &m->dest_sig);
	if (opt & 0x08)
		alias_seq(c, &skip);
	alias_seq(c, &m->src);
	if (opt & 0x04)
		m->has_src_sig = transport(c, &m->src_sig);
	m->bandwidth = mg_per_constrained(c, 0, 4294967295u);
	m->crv = (uint16_t)mg_per_constrained(c, 0, 65535);
	if (opt & 0x02)
		nonstd(c);
	if (opt & 0x01)
		qseries(c);
	conf = mg_per_octets(c, 16, 16, false, &n);
	if (conf != NULL)
		memcpy(m->conf_id, conf, 16);
	mg_cur_bit(c); /* activeMC */
	m->answer_call = mg_cur_bit(c);
	if (ext)
		additions(c, m, arq_add);
}

static void acf_add(struct mg_cur *s, struct mg_mc_ras *m, unsigned idx)
{
	if (idx == 0)
		alias_seq(s, &m->dest);
}

static void acf(struct mg_cur *c, struct mg_mc_ras *m)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 2, &opt), mext;
	m->seq = (uint16_t)mg_per_constrained(c, 1, 65535);
	m->bandwidth = mg_per_constrained(c, 0, 4294967295u);
	uint32_t model = mg_per_choice(c, 2, true, &mext);
	if (mext)
		mg_per_skip_open_type(c);
	m->routed = !mext && model == 1;
	m->has_call_model = true;
	m->has_dest_sig = transport(c, &m->dest_sig);
	if (opt & 2)
		mg_per_constrained(c, 1, 65535);
	if (opt & 1)
		nonstd(c);
	if (ext)
		additions(c, m, acf_add);
}

static void drq_add(struct mg_cur *s, struct mg_mc_ras *m, unsigned idx)
{
	if (idx == 0)
		call_identifier(s, m);
	else if (idx == 1)
		ident(s, m->gk_id);
	else if (idx == 5)
		m->answer_call = mg_cur_bit(s);
}

static void drq(struct mg_cur *c, struct mg_mc_ras *m)
{
	uint32_t opt, n;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt), rext;
	m->seq = (uint16_t)mg_per_constrained(c, 1, 65535);
	ident(c, m->ep_id);
	const uint8_t *conf = mg_per_octets(c, 16, 16, false, &n);
	if (conf != NULL)
		memcpy(m->conf_id, conf, 16);
	m->crv = (uint16_t)mg_per_constrained(c, 0, 65535);
	m->reason = (uint8_t)mg_per_choice(c, 3, true, &rext);
	m->reason_ext = rext;
	if (rext)
		mg_per_skip_open_type(c);
	if (opt & 1)
		nonstd(c);
	if (ext)
		additions(c, m, drq_add);
}

static void lrq_add(struct mg_cur *s, struct mg_mc_ras *m, unsigned idx)
{
	if (idx == 0)
		alias_seq(s, &m->src);
	else if (idx == 2)
		ident(s, m->gk_id);
}

static void lrq(struct mg_cur *c, struct mg_mc_ras *m)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 2, &opt);
	m->seq = (uint16_t)mg_per_constrained(c, 1, 65535);
	if (opt & 2)
		ident(c, m->ep_id);
	alias_seq(c, &m->dest);
	if (opt & 1)
		nonstd(c);
	m->has_ras = transport(c, &m->ras);
	if (ext)
		additions(c, m, lrq_add);
}

static void lcf(struct mg_cur *c, struct mg_mc_ras *m)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);
	m->seq = (uint16_t)mg_per_constrained(c, 1, 65535);
	m->has_dest_sig = transport(c, &m->dest_sig);
	m->has_ras = transport(c, &m->ras);
	if (opt & 1)
		nonstd(c);
	if (ext)
		additions(c, m, skip_add);
}

const char *mg_mc_dec_ras(struct mg_mc_ras *m, const uint8_t *buf, size_t len)
{
	struct mg_cur c;
	struct dec d = {.c = &c};
	bool ext;
	memset(m, 0, sizeof *m);
	mg_cur_init(&c, buf, len);
	uint32_t t = mg_per_choice(&c, MG_MC_RAS_ROOT, true, &ext);
	if (!ok(&d, "RasMessage"))
		return d.where;
	if (ext) {
		m->type = MG_MC_RAS_OTHER;
		return NULL;
	}
	m->type = (uint8_t)t;
	switch (t) {
	case MG_MC_GRQ:
		grq(&c, m);
		break;
	case MG_MC_GCF:
		gcf(&c, m);
		break;
	case MG_MC_RRQ:
		rrq(&c, m);
		break;
	case MG_MC_RCF:
		rcf(&c, m);
		break;
	case MG_MC_RRJ:
		rrj(&c, m);
		break;
	case MG_MC_URQ:
		urq(&c, m);
		break;
	case MG_MC_UCF:
	case MG_MC_DCF:
		seq_only(&c, m);
		break;
	case MG_MC_URJ:
		reject(&c, m, 3);
		break;
	case MG_MC_ARQ:
		arq(&c, m);
		break;
	case MG_MC_ACF:
		acf(&c, m);
		break;
	case MG_MC_ARJ:
		reject(&c, m, 8);
		break;
	case MG_MC_DRQ:
		drq(&c, m);
		break;
	case MG_MC_DRJ:
		reject(&c, m, 2);
		break;
	case MG_MC_LRQ:
		lrq(&c, m);
		break;
	case MG_MC_LCF:
		lcf(&c, m);
		break;
	case MG_MC_LRJ:
		reject(&c, m, 4);
		break;
	default:
		m->type = MG_MC_RAS_OTHER; /* not walked: the type is all meetcall uses */
		return NULL;
	}
	if (!ok(&d, mg_mc_ras_name(m->type)))
		return d.where;
	if (m->seq == 0)
		return "requestSeqNum";
	return NULL;
}

const char *mg_mc_ras_name(uint8_t type)
{
	static const char *const names[] = {"GRQ", "GCF", "GRJ", "RRQ", "RCF", "RRJ", "URQ", "UCF", "URJ",
					    "ARQ", "ACF", "ARJ", "BRQ", "BCF", "BRJ", "DRQ", "DCF", "DRJ",
					    "LRQ", "LCF", "LRJ", "IRQ", "IRR", "NSM", "XRS"};
	return type < sizeof names / sizeof names[0] ? names[type] : "RAS";
}

const char *mg_mc_ras_reason_name(uint8_t type, uint8_t reason, bool ext)
{
	static const char *const arj[] = {"calledPartyNotRegistered", "invalidPermission", "requestDenied",
					  "undefinedReason", "callerNotRegistered", "routeCallToGatekeeper",
					  "invalidEndpointIdentifier", "resourceUnavailable"};
	static const char *const rrj[] = {"discoveryRequired", "invalidRevision", "invalidCallSignalAddress",
					  "invalidRASAddress", "duplicateAlias", "invalidTerminalType",
					  "undefinedReason", "transportNotSupported"};
	static const char *const rrj_ext[] = {"transportQOSNotSupported", "resourceUnavailable", "invalidAlias",
					      "securityDenial", "fullRegistrationRequired"};
	static const char *const urj[] = {"notCurrentlyRegistered", "callInProgress", "undefinedReason"};
	static const char *const drj[] = {"notRegistered", "requestToDropOther"};
	static const char *const lrj[] = {"notRegistered", "invalidPermission", "requestDenied", "undefinedReason"};
	static const char *const grj[] = {"resourceUnavailable", "terminalExcluded", "invalidRevision",
					  "undefinedReason"};
	static const char *const drq[] = {"forcedDrop", "normalDrop", "undefinedReason"};
#define PICK(tab) (reason < sizeof(tab) / sizeof((tab)[0]) ? (tab)[reason] : "other")
	if (ext)
		return type == MG_MC_RRJ ? PICK(rrj_ext) : "extension";
	switch (type) {
	case MG_MC_ARJ:
		return PICK(arj);
	case MG_MC_RRJ:
		return PICK(rrj);
	case MG_MC_URJ:
		return PICK(urj);
	case MG_MC_DRJ:
		return PICK(drj);
	case MG_MC_LRJ:
		return PICK(lrj);
	case MG_MC_GRJ:
		return PICK(grj);
	case MG_MC_DRQ:
		return PICK(drq);
	default:
		return "other";
	}
#undef PICK
}
