/* test_ras.c - the H.225.0 RAS walker (proto/ras*.c).  Every message type
 * is encoded here with the PER encoder (a small builder below), with and
 * without extension additions, and decoded back: type, requestSeqNum, every
 * address with its field, side and stream, and that the 6 octets at each
 * recorded offset are the address and port.  Every prefix of every message
 * is refused without a read past its end (guard pages); limits give
 * MG_R_ALG_LIMIT.  The third-party captures of ../shared/captures-ext are
 * decoded when present (skipped with a message otherwise). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asn1/per.h"
#include "asn1/per_enc.h"
#include "harness.h"
#include "io/pcap.h"
#include "proto/ras.h"

/* ---- builder ------------------------------------------------------------ */

static const uint32_t proto_arcs[] = { 0, 0, 8, 2250, 0, 4 };
static const uint8_t guid[16] = { 0x6d, 0x67, 0x72, 0x61, 0x73, 0x2d, 0x74, 0x65,
				  0x73, 0x74, 0x2d, 0x67, 0x75, 0x69, 0x64, 0x21 };
#define SEQ 7

/* The addresses a builder wrote, in order: each is 198.18.<net>.<i+1>,
 * port 1700 + i, with the field, side and stream the walker must give. */
struct exp {
	unsigned n;
	uint8_t net;
	uint8_t part, media; /* of the addresses about to be written */
	struct {
		uint8_t field, part, media, ip[4];
		uint16_t port;
	} a[80];
};

static void ta(struct mg_penc *e, const uint8_t ip[4], uint16_t port)
{
	mg_penc_choice(e, 0, 7, true, false);
	mg_penc_octets(e, ip, 4, 4, 4, false);
	mg_penc_constrained(e, port, 0, 65535);
}

/* The next expected address, written as a TransportAddress. */
static void ta_w(struct mg_penc *e, struct exp *x, uint8_t field)
{
	unsigned i = x->n < 80 ? x->n++ : 79;
	uint8_t ip[4] = { 198, 18, x->net, (uint8_t)(i + 1) };
	uint16_t port = (uint16_t)(1700 + i);

	ta(e, ip, port);
	x->a[i].field = field;
	x->a[i].part = x->part;
	x->a[i].media = x->media;
	memcpy(x->a[i].ip, ip, 4);
	x->a[i].port = port;
}

static void ta_list(struct mg_penc *e, struct exp *x, uint8_t field, unsigned n)
{
	mg_penc_length(e, n);
	for (unsigned i = 0; i < n; i++)
		ta_w(e, x, field);
}

static void seq(struct mg_penc *e)
{
	mg_penc_constrained(e, SEQ, 1, 65535);
}

static void proto(struct mg_penc *e)
{
	mg_penc_oid(e, proto_arcs, 6);
}

static void bmp_id(struct mg_penc *e, const char *s)
{
	mg_penc_bmp(e, s, 1, 128, false);
}

static void guid_w(struct mg_penc *e)
{
	mg_penc_octets(e, guid, 16, 16, 16, false);
}

static void call_id(struct mg_penc *e)
{
	mg_penc_bool(e, false);
	guid_w(e);
}

/* EndpointType with only terminal. */
static void ep_type(struct mg_penc *e)
{
	mg_penc_seq_preamble(e, true, false, 6, 0x01);
	mg_penc_seq_preamble(e, true, false, 1, 0);
	mg_penc_bool(e, false);
	mg_penc_bool(e, false);
}

static void vendor(struct mg_penc *e)
{
	mg_penc_seq_preamble(e, true, false, 2, 0x2);
	mg_penc_bool(e, false);
	mg_penc_constrained(e, 0xB5, 0, 255);
	mg_penc_constrained(e, 0, 0, 255);
	mg_penc_constrained(e, 0x1234, 0, 65535);
	mg_penc_octets(e, "meetgate", 8, 1, 256, false);
}

static void alias_name(struct mg_penc *e, const char *s)
{
	mg_penc_choice(e, 1, 2, true, false);
	mg_penc_bmp(e, s, 1, 256, false);
}

static void alias_digits(struct mg_penc *e, const char *s)
{
	mg_penc_choice(e, 0, 2, true, false);
	mg_penc_chars(e, s, 1, 128, false, "#*,0123456789", 4);
}

/* AliasAddress transportID (an extension alternative). */
static void alias_transport(struct mg_penc *e, struct exp *x)
{
	uint8_t b[32];
	struct mg_penc in;

	mg_penc_init(&in, b, sizeof b);
	ta_w(&in, x, MG_F_OTHER);
	mg_penc_choice(e, 1, 2, true, true);
	mg_penc_open_sub(e, &in);
}

/* H.235 bit strings: SIZE(0..4096) (constrained length) or unconstrained. */
static void bits16(struct mg_penc *e, bool constrained)
{
	if (constrained)
		mg_penc_size(e, 16, 0, 4096, false);
	else
		mg_penc_length(e, 16);
	mg_penc_align(e);
	mg_penc_bits(e, 0xABCD, 16);
}

static const uint32_t h235_oid[] = { 0, 0, 8, 235, 0, 2, 1 };

/* Params with ranInt (iv8 too when iv). */
static void params(struct mg_penc *e, bool iv)
{
	mg_penc_seq_preamble(e, true, false, 2, iv ? 0x3 : 0x2);
	mg_penc_uint_semi(e, 12345, 0);
	if (iv)
		mg_penc_octets(e, "initvect", 8, 8, 8, false);
}

/* A ClearToken with every root field. */
static void clear_token(struct mg_penc *e)
{
	mg_penc_seq_preamble(e, true, false, 8, 0xFF);
	mg_penc_oid(e, h235_oid, 7);
	mg_penc_constrained(e, 1700000000u, 1, 0xFFFFFFFFu);
	mg_penc_bmp(e, "secret", 1, 128, false);
	mg_penc_bool(e, false); /* dhkey */
	for (int i = 0; i < 3; i++)
		bits16(e, true);
	mg_penc_octets(e, "challenge", 9, 8, 128, false);
	mg_penc_uint_semi(e, 99, 0);
	mg_penc_bool(e, false); /* certificate */
	mg_penc_oid(e, h235_oid, 7);
	mg_penc_octets(e, "cert", 4, 0, 0, false);
	mg_penc_bmp(e, "alice", 1, 128, false);
	mg_penc_oid(e, h235_oid, 7); /* nonStandard */
	mg_penc_octets(e, "ns", 2, 0, 0, false);
}

/* tokens: one ClearToken; cryptoTokens: a password hash whose alias is a
 * transportID (an address the walker records), a signed certificate, a
 * nested hashed token and an encrypted password. */
static void tokens(struct mg_penc *e)
{
	mg_penc_length(e, 1);
	clear_token(e);
}

static void crypto_tokens(struct mg_penc *e, struct exp *x)
{
	mg_penc_length(e, 4);
	mg_penc_choice(e, 0, 8, true, false); /* cryptoEPPwdHash */
	alias_transport(e, x);
	mg_penc_constrained(e, 1700000000u, 1, 0xFFFFFFFFu);
	mg_penc_oid(e, h235_oid, 7);
	params(e, false);
	bits16(e, false);
	mg_penc_choice(e, 4, 8, true, false); /* cryptoEPCert: SIGNED */
	mg_penc_open_type(e, (const uint8_t *)"tbs", 3);
	mg_penc_oid(e, h235_oid, 7);
	params(e, true);
	bits16(e, false);
	mg_penc_choice(e, 7, 8, true, false); /* nestedcryptoToken: cryptoHashedToken */
	mg_penc_choice(e, 2, 4, true, false);
	mg_penc_oid(e, h235_oid, 7);
	clear_token(e);
	mg_penc_oid(e, h235_oid, 7);
	params(e, false);
	bits16(e, false);
	mg_penc_choice(e, 2, 8, true, false); /* cryptoEPPwdEncr: ENCRYPTED */
	mg_penc_oid(e, h235_oid, 7);
	params(e, true);
	mg_penc_octets(e, "sealed", 6, 0, 0, false);
}

static void alt_gk(struct mg_penc *e, struct exp *x)
{
	mg_penc_seq_preamble(e, true, false, 1, 1);
	ta_w(e, x, MG_F_ALT_GK);
	bmp_id(e, "gk-alt");
	mg_penc_bool(e, true);
	mg_penc_constrained(e, 1, 0, 127);
}

static void alt_gk_list(struct mg_penc *e, struct exp *x, unsigned n)
{
	mg_penc_length(e, n);
	for (unsigned i = 0; i < n; i++)
		alt_gk(e, x);
}

static void alt_gk_info(struct mg_penc *e, struct exp *x)
{
	mg_penc_bool(e, false);
	alt_gk_list(e, x, 2);
	mg_penc_bool(e, true);
}

/* SEQUENCE OF Endpoint with one element: callSignalAddress, rasAddress,
 * tokens, cryptoTokens and a priority after them. */
static void endpoints(struct mg_penc *e, struct exp *x)
{
	mg_penc_length(e, 1);
	mg_penc_seq_preamble(e, true, false, 10, 0x080 | 0x040 | 0x010 | 0x008 | 0x004);
	ta_list(e, x, MG_F_ALT_EP_CALLSIG, 1);
	ta_list(e, x, MG_F_ALT_EP_RAS, 1);
	tokens(e);
	crypto_tokens(e, x);
	mg_penc_constrained(e, 5, 0, 127);
}

static void alt_transport(struct mg_penc *e, struct exp *x)
{
	mg_penc_seq_preamble(e, true, false, 1, 1);
	ta_list(e, x, MG_F_ALT_TRANSPORT, 1);
}

static void generic_id(struct mg_penc *e, uint32_t std)
{
	mg_penc_choice(e, 0, 3, true, false);
	mg_penc_bool(e, false);
	mg_penc_constrained(e, std, 0, 16383);
}

/* GenericData `std` with one parameter (id 1) whose content is a transport. */
static void generic_data(struct mg_penc *e, struct exp *x, uint32_t std)
{
	mg_penc_seq_preamble(e, true, false, 1, 1);
	generic_id(e, std);
	mg_penc_size(e, 1, 1, 512, false);
	mg_penc_seq_preamble(e, true, false, 1, 1);
	generic_id(e, 1);
	mg_penc_choice(e, 9, 12, true, false);
	ta_w(e, x, MG_F_GENERIC);
}

static void generic_list(struct mg_penc *e, struct exp *x, uint32_t std)
{
	mg_penc_length(e, 1);
	generic_data(e, x, std);
}

/* FeatureSet with one supportedFeatures descriptor. */
static void feature_set(struct mg_penc *e, struct exp *x, uint32_t std)
{
	mg_penc_seq_preamble(e, true, false, 3, 0x1);
	mg_penc_bool(e, true);
	generic_list(e, x, std);
}

/* Extension additions, added in increasing position. */
struct exts {
	uint8_t bits[32];
	unsigned n, na;
	struct {
		uint8_t b[700];
		struct mg_penc e;
	} a[6];
};

static struct mg_penc *add(struct exts *x, unsigned idx)
{
	x->bits[idx] = 1;
	if (idx + 1 > x->n)
		x->n = idx + 1;
	mg_penc_init(&x->a[x->na].e, x->a[x->na].b, sizeof x->a[x->na].b);
	return &x->a[x->na++].e;
}

/* An addition of unknown content (skipped by its length). */
static void add_unknown(struct exts *x, unsigned idx)
{
	mg_penc_bits(add(x, idx), 0xA5, 8);
}

static void put_exts(struct mg_penc *e, struct exts *x)
{
	mg_penc_ext_bitmap(e, x->bits, x->n);
	for (unsigned i = 0; i < x->na; i++)
		mg_penc_open_sub(e, &x->a[i].e);
}

typedef void (*build_fn)(struct mg_penc *e, bool ext, struct exp *x);

/* A RasMessage extension alternative: the inner message as an open type. */
static void ext_alt(struct mg_penc *e, unsigned idx, build_fn inner, bool ext, struct exp *x)
{
	static uint8_t b[2][1500];
	static unsigned depth;
	struct mg_penc in;

	mg_penc_init(&in, b[depth & 1], sizeof b[0]);
	depth++;
	inner(&in, ext, x);
	depth--;
	mg_penc_choice(e, idx, 25, true, true);
	mg_penc_open_sub(e, &in);
}

/* ---- the messages -------------------------------------------------------- */

static void b_grq(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_GRQ, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 4, 0x1);
	seq(e);
	proto(e);
	ta_w(e, x, MG_F_RAS_ADDRESS);
	ep_type(e);
	mg_penc_length(e, 2);
	alias_name(e, "alice");
	alias_digits(e, "1234");
	if (!ext)
		return;
	endpoints(add(&a, 0), x);
	add_unknown(&a, 1);
	generic_list(add(&a, 9), x, 18);
	alt_gk(add(&a, 11), x);
	put_exts(e, &a);
}

static void b_gcf(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_GCF, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 2, 0x1);
	seq(e);
	proto(e);
	bmp_id(e, "gk");
	ta_w(e, x, MG_F_RAS_ADDRESS);
	if (!ext)
		return;
	alt_gk_list(add(&a, 0), x, 2);
	alt_gk(add(&a, 9), x);
	put_exts(e, &a);
}

static void b_grj(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_GRJ, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 2, 0x1);
	seq(e);
	proto(e);
	bmp_id(e, "gk");
	mg_penc_choice(e, 1, 4, true, false);
	if (!ext)
		return;
	alt_gk_info(add(&a, 0), x);
	feature_set(add(&a, 4), x, 19);
	put_exts(e, &a);
}

static void b_rrq(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_RRQ, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 3, 0x2);
	seq(e);
	proto(e);
	mg_penc_bool(e, false);
	ta_list(e, x, MG_F_CALLSIG, 2);
	ta_list(e, x, MG_F_RAS_ADDRESS, 1);
	ep_type(e);
	mg_penc_length(e, 2);
	alias_name(e, "alice@example.org");
	alias_digits(e, "5551");
	vendor(e);
	if (!ext)
		return;
	endpoints(add(&a, 0), x);
	mg_penc_constrained(add(&a, 1), 300, 1, 0xFFFFFFFFu);
	mg_penc_bool(add(&a, 5), true);
	alt_transport(add(&a, 9), x);
	feature_set(add(&a, 19), x, 18);
	alt_gk(add(&a, 24), x);
	a.n = 27;
	put_exts(e, &a);
}

static void b_rcf(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_RCF, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 3, 0x3);
	seq(e);
	proto(e);
	ta_list(e, x, MG_F_CALLSIG, 1);
	mg_penc_length(e, 1);
	alias_name(e, "alice");
	bmp_id(e, "gk");
	bmp_id(e, "ep-1");
	if (!ext)
		return;
	alt_gk_list(add(&a, 0), x, 3);
	mg_penc_constrained(add(&a, 1), 60, 1, 0xFFFFFFFFu);
	struct mg_penc *p = add(&a, 6); /* preGrantedARQ with alternateTransportAddresses */
	uint8_t bits[3] = { 0, 0, 1 }, b[64];
	struct mg_penc in;
	mg_penc_bool(p, true);
	mg_penc_bits(p, 0xA, 4);
	mg_penc_ext_bitmap(p, bits, 3);
	mg_penc_init(&in, b, sizeof b);
	alt_transport(&in, x);
	mg_penc_open_sub(p, &in);
	alt_gk(add(&a, 17), x);
	put_exts(e, &a);
}

static void b_rrj(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_RRJ, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 2, 0);
	seq(e);
	proto(e);
	mg_penc_choice(e, 4, 8, true, false); /* duplicateAlias */
	mg_penc_length(e, 2);
	alias_name(e, "alice");
	alias_transport(e, x);
	if (!ext)
		return;
	alt_gk_info(add(&a, 0), x);
	put_exts(e, &a);
}

static void b_urq(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_URQ, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 3, 0x5);
	seq(e);
	ta_list(e, x, MG_F_CALLSIG, 1);
	mg_penc_length(e, 1);
	alias_name(e, "bob");
	bmp_id(e, "ep-1");
	if (!ext)
		return;
	endpoints(add(&a, 0), x);
	alt_gk_list(add(&a, 8), x, 1);
	alt_gk(add(&a, 10), x);
	put_exts(e, &a);
}

static void b_ucf(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_UCF, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 1, 0);
	seq(e);
	if (!ext)
		return;
	generic_list(add(&a, 3), x, 24);
	alt_gk(add(&a, 4), x);
	put_exts(e, &a);
}

static void b_urj(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_URJ, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 1, 0);
	seq(e);
	mg_penc_choice(e, 0, 3, true, false);
	if (!ext)
		return;
	alt_gk_info(add(&a, 0), x);
	generic_list(add(&a, 4), x, 24);
	put_exts(e, &a);
}

static void b_arq(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_ARQ, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 7, 0x20 | 0x10 | 0x04);
	seq(e);
	mg_penc_choice(e, 0, 4, true, false);
	bmp_id(e, "ep-1");
	mg_penc_length(e, 1);
	alias_digits(e, "2098");
	ta_w(e, x, MG_F_DEST_CALLSIG);
	mg_penc_length(e, 1);
	alias_name(e, "alice");
	ta_w(e, x, MG_F_SRC_CALLSIG);
	mg_penc_constrained(e, 1280, 0, 0xFFFFFFFFu);
	mg_penc_constrained(e, 77, 0, 65535);
	guid_w(e);
	mg_penc_bool(e, false);
	mg_penc_bool(e, true);
	if (!ext)
		return;
	call_id(add(&a, 1));
	endpoints(add(&a, 2), x);
	endpoints(add(&a, 3), x);
	generic_list(add(&a, 17), x, 24);
	put_exts(e, &a);
}

static void acf_body(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_seq_preamble(e, true, ext, 2, 0x2);
	seq(e);
	mg_penc_constrained(e, 1280, 0, 0xFFFFFFFFu);
	mg_penc_choice(e, 1, 2, true, false);
	ta_w(e, x, MG_F_DEST_CALLSIG);
	mg_penc_constrained(e, 30, 1, 65535);
	if (!ext)
		return;
	endpoints(add(&a, 4), x);
	alt_transport(add(&a, 12), x);
	alt_gk(add(&a, 22), x);
	put_exts(e, &a);
}

static void b_acf(struct mg_penc *e, bool ext, struct exp *x)
{
	mg_penc_choice(e, MG_RAS_ACF, 25, true, false);
	acf_body(e, ext, x);
}

static void b_arj(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_ARJ, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 1, 0);
	seq(e);
	mg_penc_choice(e, 0, 8, true, false);
	if (!ext)
		return;
	alt_gk_info(add(&a, 0), x);
	ta_list(add(&a, 3), x, MG_F_CALLSIG, 2);
	alt_gk(add(&a, 8), x);
	put_exts(e, &a);
}

static void b_brq(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_BRQ, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 2, 0);
	seq(e);
	bmp_id(e, "ep-1");
	guid_w(e);
	mg_penc_constrained(e, 77, 0, 65535);
	mg_penc_constrained(e, 640, 0, 0xFFFFFFFFu);
	if (!ext)
		return;
	call_id(add(&a, 0));
	struct mg_penc *p = add(&a, 9); /* one BandwidthDetails */
	mg_penc_length(p, 1);
	mg_penc_bits(p, 0x2, 3); /* no extensions, sender, not multicast */
	mg_penc_constrained(p, 640, 0, 0xFFFFFFFFu);
	mg_penc_seq_preamble(p, true, false, 2, 0x3);
	x->part = MG_RAS_CHAN_SEND;
	ta_w(p, x, MG_F_MEDIA_CTRL);
	x->part = MG_RAS_CHAN_RECV;
	ta_w(p, x, MG_F_MEDIA_CTRL);
	x->part = 0;
	put_exts(e, &a);
}

static void b_bcf(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_BCF, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 1, 0);
	seq(e);
	mg_penc_constrained(e, 640, 0, 0xFFFFFFFFu);
	if (!ext)
		return;
	generic_list(add(&a, 4), x, 24);
	put_exts(e, &a);
}

static void b_brj(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_BRJ, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 1, 0);
	seq(e);
	mg_penc_choice(e, 3, 6, true, false);
	mg_penc_constrained(e, 640, 0, 0xFFFFFFFFu);
	if (!ext)
		return;
	alt_gk_info(add(&a, 0), x);
	put_exts(e, &a);
}

static void b_drq(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_DRQ, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 1, 0);
	seq(e);
	bmp_id(e, "ep-1");
	guid_w(e);
	mg_penc_constrained(e, 77, 0, 65535);
	mg_penc_choice(e, 1, 3, true, false);
	if (!ext)
		return;
	call_id(add(&a, 0));
	generic_list(add(&a, 12), x, 24);
	put_exts(e, &a);
}

static void b_dcf(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_DCF, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 1, 0);
	seq(e);
	if (!ext)
		return;
	generic_list(add(&a, 6), x, 24);
	alt_gk(add(&a, 7), x);
	put_exts(e, &a);
}

static void b_drj(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_DRJ, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 1, 0);
	seq(e);
	mg_penc_choice(e, 1, 2, true, false);
	if (!ext)
		return;
	alt_gk_info(add(&a, 0), x);
	generic_list(add(&a, 4), x, 24);
	put_exts(e, &a);
}

static void b_lrq(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_LRQ, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 2, 0x2);
	seq(e);
	bmp_id(e, "ep-1");
	mg_penc_length(e, 1);
	alias_digits(e, "2098");
	ta_w(e, x, MG_F_REPLY_ADDRESS);
	if (!ext)
		return;
	feature_set(add(&a, 8), x, 24);
	call_id(add(&a, 12));
	put_exts(e, &a);
}

static void b_lcf(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_LCF, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 1, 0);
	seq(e);
	ta_w(e, x, MG_F_CALLSIG);
	ta_w(e, x, MG_F_RAS_ADDRESS);
	if (!ext)
		return;
	endpoints(add(&a, 4), x);
	alt_transport(add(&a, 8), x);
	put_exts(e, &a);
}

static void b_lrj(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_LRJ, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 1, 0);
	seq(e);
	mg_penc_choice(e, 0, 4, true, false);
	if (!ext)
		return;
	alt_gk_info(add(&a, 0), x);
	generic_list(add(&a, 5), x, 24);
	put_exts(e, &a);
}

static void b_irq(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_IRQ, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 2, 0x1);
	seq(e);
	mg_penc_constrained(e, 77, 0, 65535);
	ta_w(e, x, MG_F_REPLY_ADDRESS);
	if (!ext)
		return;
	call_id(add(&a, 0));
	alt_gk(add(&a, 11), x);
	put_exts(e, &a);
}

/* TransportChannelInfo with sendAddress and/or recvAddress. */
static void tci(struct mg_penc *e, struct exp *x, uint8_t field, bool send, bool recv)
{
	mg_penc_seq_preamble(e, true, false, 2, (send ? 2u : 0u) | (recv ? 1u : 0u));
	if (send) {
		x->part = MG_RAS_CHAN_SEND;
		ta_w(e, x, field);
	}
	if (recv) {
		x->part = MG_RAS_CHAN_RECV;
		ta_w(e, x, field);
	}
	x->part = 0;
}

/* H323-UU-PDU: a Facility with alternativeAddress. */
static void uu_pdu(struct mg_penc *e, struct exp *x)
{
	mg_penc_seq_preamble(e, true, false, 1, 0);
	mg_penc_choice(e, 6, 7, true, false);
	mg_penc_seq_preamble(e, true, false, 3, 0x4);
	proto(e);
	ta_w(e, x, MG_F_ALT_ADDRESS);
	mg_penc_choice(e, 3, 4, true, false);
}

static void b_irr(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_IRR, 25, true, false);
	mg_penc_seq_preamble(e, true, ext, 3, 0x3);
	seq(e);
	ep_type(e);
	bmp_id(e, "ep-1");
	ta_w(e, x, MG_F_RAS_ADDRESS);
	ta_list(e, x, MG_F_CALLSIG, 1);
	mg_penc_length(e, 1);
	alias_name(e, "alice");
	mg_penc_length(e, 1); /* perCallInfo */
	mg_penc_seq_preamble(e, true, ext, 5, 0x4 | 0x1);
	mg_penc_constrained(e, 77, 0, 65535);
	guid_w(e);
	mg_penc_length(e, 1); /* audio: one RTPSession */
	x->media = MG_MEDIA_AUDIO;
	mg_penc_bool(e, false);
	tci(e, x, MG_F_MEDIA, true, true);
	tci(e, x, MG_F_MEDIA_CTRL, false, true);
	mg_penc_ia5(e, "cname", 0, 0, false);
	mg_penc_constrained(e, 1234, 1, 0xFFFFFFFFu);
	mg_penc_constrained(e, 1, 1, 255);
	mg_penc_length(e, 1);
	mg_penc_constrained(e, 2, 1, 255);
	mg_penc_length(e, 1); /* data: one channel */
	x->media = MG_MEDIA_DATA;
	tci(e, x, MG_F_MEDIA, true, false);
	x->media = 0;
	tci(e, x, MG_F_H245_ADDRESS, false, true);
	tci(e, x, MG_F_CALLSIG, true, false);
	mg_penc_choice(e, 0, 4, true, false);
	mg_penc_constrained(e, 1280, 0, 0xFFFFFFFFu);
	mg_penc_choice(e, 0, 2, true, false);
	if (!ext)
		return;
	struct exts pc = { 0 };
	call_id(add(&pc, 0));
	add_unknown(&pc, 3);
	struct mg_penc *p = add(&pc, 4); /* pdu */
	mg_penc_length(p, 1);
	uu_pdu(p, x);
	mg_penc_bool(p, true);
	put_exts(e, &pc);
	generic_list(add(&a, 7), x, 24);
	put_exts(e, &a);
}

static void b_nsm(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_choice(e, MG_RAS_NSM, 25, true, false);
	mg_penc_bool(e, ext);
	seq(e);
	mg_penc_choice(e, 1, 2, true, false); /* h221NonStandard */
	mg_penc_bool(e, false);
	mg_penc_constrained(e, 0xB5, 0, 255);
	mg_penc_constrained(e, 0, 0, 255);
	mg_penc_constrained(e, 0x1234, 0, 65535);
	mg_penc_octets(e, "data", 4, 0, 0, false);
	if (!ext)
		return;
	feature_set(add(&a, 3), x, 24);
	generic_list(add(&a, 4), x, 24);
	put_exts(e, &a);
}

static void b_xrs(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	(void)x;
	mg_penc_choice(e, MG_RAS_XRS, 25, true, false);
	mg_penc_bool(e, ext);
	seq(e);
	if (!ext)
		return;
	mg_penc_octets(add(&a, 3), "\x01\x02\x03", 3, 0, 0, false);
	put_exts(e, &a);
}

static void i_rip(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_seq_preamble(e, true, ext, 4, 0x4 | 0x2);
	seq(e);
	tokens(e);
	crypto_tokens(e, x);
	mg_penc_constrained(e, 5, 1, 65535);
	if (!ext)
		return;
	add_unknown(&a, 0);
	put_exts(e, &a);
}

static void b_rip(struct mg_penc *e, bool ext, struct exp *x)
{
	ext_alt(e, 0, i_rip, ext, x);
}

static void i_rai(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_seq_preamble(e, true, ext, 4, 0x4);
	seq(e);
	proto(e);
	bmp_id(e, "gw-1");
	mg_penc_length(e, 1);
	mg_penc_choice(e, 5, 9, true, false); /* h323: H323Caps, empty */
	mg_penc_seq_preamble(e, true, false, 1, 0);
	mg_penc_bool(e, true);
	tokens(e);
	if (!ext)
		return;
	generic_list(add(&a, 1), x, 24);
	put_exts(e, &a);
}

static void b_rai(struct mg_penc *e, bool ext, struct exp *x)
{
	ext_alt(e, 1, i_rai, ext, x);
}

static void i_rac(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_seq_preamble(e, true, ext, 4, 0x2);
	seq(e);
	proto(e);
	crypto_tokens(e, x);
	if (!ext)
		return;
	generic_list(add(&a, 0), x, 24);
	put_exts(e, &a);
}

static void b_rac(struct mg_penc *e, bool ext, struct exp *x)
{
	ext_alt(e, 2, i_rac, ext, x);
}

static void i_iack(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_seq_preamble(e, true, ext, 4, 0x4 | 0x2);
	seq(e);
	tokens(e);
	crypto_tokens(e, x);
	if (!ext)
		return;
	add_unknown(&a, 0);
	put_exts(e, &a);
}

static void b_iack(struct mg_penc *e, bool ext, struct exp *x)
{
	ext_alt(e, 3, i_iack, ext, x);
}

static void i_inak(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_seq_preamble(e, true, ext, 5, 0x8 | 0x4);
	seq(e);
	mg_penc_choice(e, 0, 3, true, false);
	alt_gk_info(e, x);
	tokens(e);
	if (!ext)
		return;
	add_unknown(&a, 0);
	put_exts(e, &a);
}

static void b_inak(struct mg_penc *e, bool ext, struct exp *x)
{
	ext_alt(e, 4, i_inak, ext, x);
}

/* SCI from an H.460.18 gatekeeper: serviceControl, callSpecific and
 * genericData 18 whose parameter 1 is a raw IncomingCallIndication. */
static void i_sci(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	uint8_t ic[64];
	struct mg_penc in;

	mg_penc_seq_preamble(e, true, ext, 8, 0x20 | 0x10 | 0x08 | 0x1);
	seq(e);
	mg_penc_length(e, 1);
	mg_penc_seq_preamble(e, true, false, 1, 1);
	mg_penc_constrained(e, 0, 0, 255);
	mg_penc_choice(e, 0, 4, true, false);
	mg_penc_ia5(e, "http://198.18.0.1/", 0, 512, false);
	mg_penc_choice(e, 0, 3, true, false);
	mg_penc_bool(e, false); /* callSpecific */
	call_id(e);
	guid_w(e);
	mg_penc_bool(e, false);
	tokens(e);
	crypto_tokens(e, x);
	mg_penc_length(e, 1); /* genericData */
	mg_penc_seq_preamble(e, true, false, 1, 1);
	generic_id(e, 18);
	mg_penc_size(e, 1, 1, 512, false);
	mg_penc_seq_preamble(e, true, false, 1, 1);
	generic_id(e, 1);
	mg_penc_choice(e, 0, 12, true, false);
	mg_penc_init(&in, ic, sizeof ic);
	mg_penc_bool(&in, false);
	ta_w(&in, x, MG_F_H460_CALLSIG);
	call_id(&in);
	mg_penc_octets(e, ic, (uint32_t)mg_penc_len(&in), 0, 0, false);
	if (!ext)
		return;
	add_unknown(&a, 0);
	put_exts(e, &a);
}

static void b_sci(struct mg_penc *e, bool ext, struct exp *x)
{
	ext_alt(e, 5, i_sci, ext, x);
}

static void i_scr(struct mg_penc *e, bool ext, struct exp *x)
{
	struct exts a = { 0 };
	mg_penc_seq_preamble(e, true, ext, 7, 0x40 | 0x2 | 0x1);
	seq(e);
	mg_penc_choice(e, 0, 5, true, false);
	feature_set(e, x, 19);
	generic_list(e, x, 24);
	if (!ext)
		return;
	add_unknown(&a, 0);
	put_exts(e, &a);
}

static void b_scr(struct mg_penc *e, bool ext, struct exp *x)
{
	ext_alt(e, 6, i_scr, ext, x);
}

static void acf_two(struct mg_penc *e, bool ext, struct exp *x)
{
	mg_penc_length(e, 2);
	acf_body(e, ext, x);
	acf_body(e, ext, x);
}

static void b_acf_seq(struct mg_penc *e, bool ext, struct exp *x)
{
	ext_alt(e, 7, acf_two, ext, x);
}

/* ---- cases and checks ----------------------------------------------------- */

struct ras_case {
	const char *name;
	uint8_t type;
	build_fn build;
};

static const struct ras_case cases[] = {
	{ "GRQ", MG_RAS_GRQ, b_grq },   { "GCF", MG_RAS_GCF, b_gcf },   { "GRJ", MG_RAS_GRJ, b_grj },
	{ "RRQ", MG_RAS_RRQ, b_rrq },   { "RCF", MG_RAS_RCF, b_rcf },   { "RRJ", MG_RAS_RRJ, b_rrj },
	{ "URQ", MG_RAS_URQ, b_urq },   { "UCF", MG_RAS_UCF, b_ucf },   { "URJ", MG_RAS_URJ, b_urj },
	{ "ARQ", MG_RAS_ARQ, b_arq },   { "ACF", MG_RAS_ACF, b_acf },   { "ARJ", MG_RAS_ARJ, b_arj },
	{ "BRQ", MG_RAS_BRQ, b_brq },   { "BCF", MG_RAS_BCF, b_bcf },   { "BRJ", MG_RAS_BRJ, b_brj },
	{ "DRQ", MG_RAS_DRQ, b_drq },   { "DCF", MG_RAS_DCF, b_dcf },   { "DRJ", MG_RAS_DRJ, b_drj },
	{ "LRQ", MG_RAS_LRQ, b_lrq },   { "LCF", MG_RAS_LCF, b_lcf },   { "LRJ", MG_RAS_LRJ, b_lrj },
	{ "IRQ", MG_RAS_IRQ, b_irq },   { "IRR", MG_RAS_IRR, b_irr },   { "NSM", MG_RAS_NSM, b_nsm },
	{ "XRS", MG_RAS_XRS, b_xrs },   { "RIP", MG_RAS_RIP, b_rip },   { "RAI", MG_RAS_RAI, b_rai },
	{ "RAC", MG_RAS_RAC, b_rac },   { "IACK", MG_RAS_IACK, b_iack }, { "INAK", MG_RAS_INAK, b_inak },
	{ "SCI", MG_RAS_SCI, b_sci },   { "SCR", MG_RAS_SCR, b_scr },   { "ACF-sequence", MG_RAS_ACF_SEQ, b_acf_seq },
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* Build case k into b; returns the length, 0 if the builder failed. */
static size_t build(unsigned k, bool ext, uint8_t *b, size_t cap, struct exp *x)
{
	struct mg_penc e;

	memset(x, 0, sizeof(*x));
	x->net = (uint8_t)(k + 1);
	mg_penc_init(&e, b, cap);
	cases[k].build(&e, ext, x);
	return e.err ? 0 : mg_penc_len(&e);
}

/* 0 when s holds exactly x's addresses in order, with the 6 octets at each
 * offset being the address and port; else 1 + the first bad index. */
static unsigned mismatch(const struct mg_h323_scan *s, const struct exp *x)
{
	if (s->n_addr != x->n)
		return 1000 + s->n_addr;
	for (unsigned i = 0; i < x->n; i++) {
		const struct mg_h323_addr *a = &s->addr[i];
		if (a->family != 4 || a->field != x->a[i].field || a->container != MG_C_RAS ||
		    a->part != x->a[i].part || a->media != x->a[i].media || memcmp(a->ip, x->a[i].ip, 4) != 0 ||
		    a->port != x->a[i].port)
			return i + 1;
		if (a->off + 6 > s->top_len || memcmp(s->top + a->off, x->a[i].ip, 4) != 0 ||
		    s->top[a->off + 4] != (x->a[i].port >> 8) || s->top[a->off + 5] != (x->a[i].port & 0xFF))
			return i + 1;
	}
	return 0;
}

static enum mg_reason scan_guarded(struct mg_h323_scan *s, const uint8_t *b, size_t n, struct mg_ras_aliases *al)
{
	uint8_t *g = t_guarded(b, n);
	mg_h323_scan_init(s, g, n);
	enum mg_reason r = mg_ras_scan_aliases(s, g, n, al);
	/* the scan's offsets are checked by the caller against its own copy */
	s->top = b;
	t_guarded_free(g, n);
	return r;
}

TEST(ras_every_message_type_decodes_with_and_without_additions)
{
	static uint8_t b[4096];
	static struct exp x;
	static struct mg_h323_scan s;

	for (unsigned k = 0; k < N_CASES; k++) {
		for (int ext = 0; ext < 2; ext++) {
			size_t n = build(k, ext, b, sizeof b, &x);
			if (n == 0)
				fprintf(stderr, "  %s (ext %d): builder failed\n", cases[k].name, ext);
			CHECK(n > 0);
			enum mg_reason r = scan_guarded(&s, b, n, NULL);
			if (r != MG_R_NONE || mismatch(&s, &x) != 0)
				fprintf(stderr, "  %s (ext %d): %s at %s, mismatch %u (%u of %u addresses)\n",
					cases[k].name, ext, r == MG_R_NONE ? "ok" : "error",
					s.err_where ? s.err_where : "-", mismatch(&s, &x), s.n_addr, x.n);
			CHECK_EQ(r, MG_R_NONE);
			CHECK_EQ(s.ras_type, cases[k].type);
			CHECK_EQ(s.ras_seq, SEQ);
			CHECK_EQ(mismatch(&s, &x), 0);
		}
	}
}

TEST(ras_every_prefix_is_refused_without_overread)
{
	static uint8_t b[4096];
	static struct exp x;
	static struct mg_h323_scan s;
	struct mg_ras_aliases al;

	for (unsigned k = 0; k < N_CASES; k++) {
		size_t n = build(k, true, b, sizeof b, &x);
		CHECK(n > 0);
		for (size_t cut = 0; cut < n; cut++) {
			enum mg_reason r = scan_guarded(&s, b, cut, &al);
			if (r == MG_R_NONE)
				fprintf(stderr, "  %s: prefix of %zu of %zu octets decoded\n", cases[k].name, cut, n);
			CHECK(r != MG_R_NONE);
			CHECK(s.err_where != NULL);
			CHECK(s.n_addr <= x.n);
			CHECK(al.n <= MG_H225_ALIASES);
		}
	}
}

TEST(ras_registration_facts)
{
	static uint8_t b[4096];
	static struct exp x;
	static struct mg_h323_scan s;
	struct mg_ras_aliases al;
	size_t n = build(3, true, b, sizeof b, &x); /* RRQ */

	CHECK_EQ(scan_guarded(&s, b, n, &al), MG_R_NONE);
	CHECK(s.ras_has_ttl);
	CHECK_EQ(s.ras_ttl, 300);
	CHECK(s.ras_keepalive);
	CHECK(s.ras_h46018);
	CHECK(!s.ras_h46019);
	CHECK_EQ(al.n, 2);
	CHECK(!al.more);
	CHECK_EQ(al.a[0].type, MG_H225_ALIAS_NAME);
	CHECK(strcmp(al.a[0].s, "alice@example.org") == 0);
	CHECK_EQ(al.a[1].type, MG_H225_ALIAS_DIGITS);
	CHECK(strcmp(al.a[1].s, "5551") == 0);
	CHECK(mg_h323_scan_find(&s, MG_F_CALLSIG, MG_H323_ANY, MG_C_RAS) == &s.addr[0]);

	n = build(3, false, b, sizeof b, &x); /* without additions: no TTL */
	CHECK_EQ(scan_guarded(&s, b, n, &al), MG_R_NONE);
	CHECK(!s.ras_has_ttl);
	CHECK(!s.ras_keepalive);
	CHECK(!s.ras_h46018);

	n = build(4, true, b, sizeof b, &x); /* RCF */
	CHECK_EQ(scan_guarded(&s, b, n, &al), MG_R_NONE);
	CHECK_EQ(s.ras_ttl, 60);
	CHECK_EQ(al.n, 1);
	CHECK(strcmp(al.a[0].s, "alice") == 0);

	n = build(2, true, b, sizeof b, &x); /* GRJ: featureSet names H.460.19 */
	CHECK_EQ(scan_guarded(&s, b, n, NULL), MG_R_NONE);
	CHECK(s.ras_h46019);
}

TEST(ras_call_facts)
{
	static uint8_t b[4096];
	static struct exp x;
	static struct mg_h323_scan s;
	size_t n = build(9, true, b, sizeof b, &x); /* ARQ */

	CHECK_EQ(scan_guarded(&s, b, n, NULL), MG_R_NONE);
	CHECK(s.ras_answer);
	CHECK_EQ(s.call_ref, 77);
	CHECK(s.has_call_id);
	CHECK(memcmp(s.call_id, guid, 16) == 0);
	CHECK_EQ(mg_h323_scan_find(&s, MG_F_SRC_CALLSIG, MG_H323_ANY, MG_C_RAS)->port, 1701);

	n = build(22, true, b, sizeof b, &x); /* IRR: RTP session id given to its addresses */
	CHECK_EQ(scan_guarded(&s, b, n, NULL), MG_R_NONE);
	CHECK_EQ(s.body, MG_H225_NONE);
	unsigned audio = 0;
	for (unsigned i = 0; i < s.n_addr; i++)
		if (s.addr[i].media == MG_MEDIA_AUDIO) {
			audio++;
			CHECK_EQ(s.addr[i].session_id, 1);
		}
	CHECK_EQ(audio, 3);

	n = build(30, true, b, sizeof b, &x); /* SCI: H.460.18 incoming call */
	CHECK_EQ(scan_guarded(&s, b, n, NULL), MG_R_NONE);
	CHECK(s.ras_h46018);
	CHECK(s.has_call_id);
	CHECK_EQ(s.n_addr, 2); /* the cryptoTokens' transportID, then the incoming call */
	CHECK_EQ(s.addr[1].field, MG_F_H460_CALLSIG);
	CHECK(strcmp(mg_ras_name(MG_RAS_SCI), "SCI") == 0);
	CHECK(strcmp(mg_ras_name(MG_RAS_NONE), "RAS?") == 0);
}

/* An RRQ with `ncs` callSignalAddresses and `nal` h323-ID aliases. */
static size_t rrq_n(uint8_t *b, size_t cap, unsigned ncs, unsigned nal, struct exp *x)
{
	struct mg_penc e;

	memset(x, 0, sizeof(*x));
	mg_penc_init(&e, b, cap);
	mg_penc_choice(&e, MG_RAS_RRQ, 25, true, false);
	mg_penc_seq_preamble(&e, true, false, 3, 0x2);
	seq(&e);
	proto(&e);
	mg_penc_bool(&e, false);
	mg_penc_length(&e, ncs);
	for (unsigned i = 0; i < ncs; i++) {
		x->n = 0;
		ta_w(&e, x, MG_F_CALLSIG);
	}
	x->n = 0;
	ta_list(&e, x, MG_F_RAS_ADDRESS, 1);
	ep_type(&e);
	mg_penc_length(&e, nal);
	for (unsigned i = 0; i < nal; i++)
		alias_name(&e, "a");
	vendor(&e);
	return e.err ? 0 : mg_penc_len(&e);
}

TEST(ras_limits)
{
	static uint8_t b[8192];
	static struct exp x;
	static struct mg_h323_scan s;
	struct mg_ras_aliases al;
	size_t n;

	n = rrq_n(b, sizeof b, MG_H323_MAX_ADDRS - 1, 1, &x);
	CHECK(n > 0);
	CHECK_EQ(scan_guarded(&s, b, n, NULL), MG_R_NONE);
	CHECK_EQ(s.n_addr, MG_H323_MAX_ADDRS);

	n = rrq_n(b, sizeof b, MG_H323_MAX_ADDRS, 1, &x);
	CHECK_EQ(scan_guarded(&s, b, n, NULL), MG_R_ALG_LIMIT);
	CHECK(s.err_where != NULL);

	n = rrq_n(b, sizeof b, 1, MG_PER_MAX_SEQOF, &x);
	CHECK_EQ(scan_guarded(&s, b, n, &al), MG_R_NONE);
	CHECK_EQ(al.n, MG_H225_ALIASES);
	CHECK(al.more);
	n = rrq_n(b, sizeof b, 1, MG_PER_MAX_SEQOF + 1, &x);
	CHECK_EQ(scan_guarded(&s, b, n, NULL), MG_R_ALG_LIMIT);

	/* genericData nested deeper than MG_H323_MAX_DEPTH */
	struct mg_penc e;
	mg_penc_init(&e, b, sizeof b);
	mg_penc_choice(&e, MG_RAS_UCF, 25, true, false);
	mg_penc_seq_preamble(&e, true, true, 1, 0);
	seq(&e);
	uint8_t bits[4] = { 0, 0, 0, 1 };
	mg_penc_ext_bitmap(&e, bits, 4);
	uint8_t g[256];
	struct mg_penc ge;
	mg_penc_init(&ge, g, sizeof g);
	mg_penc_length(&ge, 1);
	for (int d = 0; d < MG_H323_MAX_DEPTH + 2; d++) {
		mg_penc_seq_preamble(&ge, true, false, 1, 1);
		generic_id(&ge, 24);
		mg_penc_size(&ge, 1, 1, 512, false);
		mg_penc_seq_preamble(&ge, true, false, 1, 1);
		generic_id(&ge, 1);
		mg_penc_choice(&ge, 11, 12, true, false); /* nested */
		mg_penc_size(&ge, 1, 1, 16, false);
	}
	mg_penc_seq_preamble(&ge, true, false, 1, 0);
	generic_id(&ge, 24);
	mg_penc_open_sub(&e, &ge);
	CHECK(!e.err);
	n = mg_penc_len(&e);
	CHECK_EQ(scan_guarded(&s, b, n, NULL), MG_R_ALG_LIMIT);
}

TEST(ras_bad_choices_and_unknown_messages)
{
	static uint8_t b[512];
	static struct mg_h323_scan s;
	struct mg_penc e;
	size_t n;

	/* root index 25..31 of 25: out of range */
	b[0] = (uint8_t)(25 << 2);
	b[1] = 0;
	CHECK_EQ(scan_guarded(&s, b, 2, NULL), MG_R_ALG_H225_BAD);
	CHECK_EQ(s.ras_type, MG_RAS_NONE);

	/* an extension alternative beyond those known: skipped by its length */
	mg_penc_init(&e, b, sizeof b);
	mg_penc_choice(&e, 20, 25, true, true);
	mg_penc_open_type(&e, (const uint8_t *)"\x12\x34", 2);
	n = mg_penc_len(&e);
	CHECK_EQ(scan_guarded(&s, b, n, NULL), MG_R_NONE);
	CHECK_EQ(s.ras_type, MG_RAS_LATER);

	/* a message outside the scanned buffer */
	mg_h323_scan_init(&s, b, 4);
	CHECK_EQ(mg_ras_scan(&s, b + 2, 8), MG_R_ALG_H225_BAD);
}

/* ---- third-party captures (../shared/captures-ext) ------------------------ */

/* Decode every RAS datagram (UDP port 1719 either way) of a capture into
 * all[] (and al[]), types in types[]; returns how many failed to decode,
 * -1 if the capture cannot be read. */
static int ras_datagrams(const char *path, unsigned *count, unsigned *types, struct mg_h323_scan *all,
			 unsigned max, struct mg_ras_aliases *al)
{
	char err[256];
	struct mg_pcap_reader *r = mg_pcap_open(path, err, sizeof err);
	static uint8_t buf[MG_PCAP_MAX_L3];
	struct mg_pcap_rec rec;
	int bad = 0;

	*count = 0;
	if (r == NULL) {
		fprintf(stderr, "  %s\n", err);
		return -1;
	}
	while (mg_pcap_next(r, buf, sizeof buf, &rec, err, sizeof err) == 1) {
		const uint8_t *l3 = rec.l3;
		if (rec.family != 4 || rec.len < 28 || l3[9] != 17)
			continue;
		size_t ihl = (size_t)(l3[0] & 15) * 4;
		if (rec.len < ihl + 8)
			continue;
		const uint8_t *u = l3 + ihl;
		uint16_t sp = (uint16_t)(u[0] << 8 | u[1]), dp = (uint16_t)(u[2] << 8 | u[3]);
		if (sp != 1719 && dp != 1719)
			continue;
		if (*count >= max)
			break;
		struct mg_h323_scan *s = &all[*count];
		mg_h323_scan_init(s, l3, rec.len); /* offsets from the IP header, as the gateway sees them */
		if (mg_ras_scan_aliases(s, u + 8, rec.len - ihl - 8, &al[*count]) != MG_R_NONE) {
			fprintf(stderr, "  %s record %llu: %s at %s\n", path, (unsigned long long)rec.index,
				mg_ras_name(s->ras_type), s->err_where);
			bad++;
		}
		/* the scan refers to buf, which the next record overwrites */
		static uint8_t keep[16][1600];
		if (*count < 16 && rec.len <= sizeof keep[0]) {
			memcpy(keep[*count], l3, rec.len);
			s->top = keep[*count];
		} else {
			bad++;
		}
		types[*count] = s->ras_type;
		(*count)++;
	}
	mg_pcap_close(r);
	return bad;
}

static const char *ext_dir(void)
{
	const char *d = getenv("MEETGATE_CAPTURES_EXT");
	return d ? d : "../shared/captures-ext";
}

/* True when scan s holds `want` (field, address, port) at a correct offset. */
static bool has(const struct mg_h323_scan *s, uint8_t field, const uint8_t ip[4], uint16_t port)
{
	for (unsigned i = 0; i < s->n_addr; i++) {
		const struct mg_h323_addr *a = &s->addr[i];
		if (a->field == field && memcmp(a->ip, ip, 4) == 0 && a->port == port &&
		    memcmp(s->top + a->off, ip, 4) == 0 && s->top[a->off + 4] == (port >> 8) &&
		    s->top[a->off + 5] == (port & 0xFF))
			return true;
	}
	return false;
}

TEST(ras_captures_ext_partC_gnugk)
{
	char path[512];
	static struct mg_h323_scan s[16];
	static struct mg_ras_aliases al[16];
	unsigned n, t[16];
	static const uint8_t ep[4] = { 17, 2, 0, 124 }, gk[4] = { 17, 2, 0, 161 }, callee[4] = { 17, 2, 0, 122 };
	static const uint8_t want[] = { MG_RAS_GRQ, MG_RAS_GCF, MG_RAS_RRQ, MG_RAS_RCF, MG_RAS_ARQ,
					MG_RAS_ACF, MG_RAS_IRQ, MG_RAS_IRQ, MG_RAS_DRQ, MG_RAS_DRQ };

	snprintf(path, sizeof path, "%s/ndpi-h323-partC.pcap", ext_dir());
	if (access(path, R_OK) != 0) {
		printf("skip - %s absent: RAS capture test not run\n", path);
		return;
	}
	CHECK_EQ(ras_datagrams(path, &n, t, s, 16, al), 0);
	CHECK_EQ(n, sizeof want);
	for (unsigned i = 0; i < n; i++)
		CHECK_EQ(t[i], want[i]);
	/* the GRQ tshark calls malformed: its zero-length OID sits in an
	 * extension addition (integrity) skipped by its length */
	CHECK_EQ(s[0].n_addr, 1);
	CHECK(has(&s[0], MG_F_RAS_ADDRESS, ep, 2034));
	CHECK_EQ(s[0].ras_seq, 1);
	CHECK_EQ(al[0].n, 1);
	CHECK(strcmp(al[0].a[0].s, "5295672") == 0);
	CHECK(has(&s[1], MG_F_RAS_ADDRESS, gk, 1719));
	CHECK(has(&s[2], MG_F_CALLSIG, ep, 1720));
	CHECK(has(&s[2], MG_F_RAS_ADDRESS, ep, 2034));
	CHECK(!s[2].ras_keepalive);
	CHECK(has(&s[3], MG_F_CALLSIG, ep, 1720));
	CHECK(s[3].ras_has_ttl);
	CHECK_EQ(s[3].ras_ttl, 3600);
	CHECK(has(&s[4], MG_F_DEST_CALLSIG, callee, 1720));
	CHECK_EQ(s[4].n_addr, 1); /* no srcCallSignalAddress in this ARQ */
	CHECK_EQ(s[4].call_ref, 1);
	CHECK(!s[4].ras_answer);
	CHECK(s[4].has_call_id);
	CHECK(has(&s[5], MG_F_DEST_CALLSIG, callee, 1720));
	CHECK_EQ(s[6].ras_seq, 4180);
	CHECK_EQ(s[8].ras_seq, 4181);
	for (unsigned i = 6; i < n; i++)
		CHECK_EQ(s[i].n_addr, 0);
}

TEST(ras_captures_ext_partD_tandberg_vcs)
{
	char path[512];
	static struct mg_h323_scan s[16];
	static struct mg_ras_aliases al[16];
	unsigned n, t[16];
	static const uint8_t ep[4] = { 10, 47, 208, 204 }, vcs[4] = { 10, 47, 208, 50 };
	static const uint8_t alt[3][4] = { { 10, 47, 208, 54 }, { 10, 47, 208, 51 }, { 10, 47, 208, 53 } };

	snprintf(path, sizeof path, "%s/ndpi-h323-partD.pcap", ext_dir());
	if (access(path, R_OK) != 0) {
		printf("skip - %s absent: RAS capture test not run\n", path);
		return;
	}
	CHECK_EQ(ras_datagrams(path, &n, t, s, 16, al), 0);
	CHECK_EQ(n, 5);
	CHECK_EQ(s[0].ras_seq, 18067);
	CHECK_EQ(s[1].ras_seq, 18067);
	for (unsigned i = 0; i < n; i += 2) {
		CHECK_EQ(t[i], MG_RAS_RRQ);
		CHECK(has(&s[i], MG_F_CALLSIG, ep, 1720));
		CHECK(has(&s[i], MG_F_RAS_ADDRESS, ep, 1719));
		CHECK(s[i].ras_keepalive);
		CHECK(s[i].ras_h46018);
		CHECK_EQ(al[i].n, 2);
		CHECK(strcmp(al[i].a[0].s, "20203@am.sol") == 0);
		CHECK(strcmp(al[i].a[1].s, "2098") == 0);
	}
	for (unsigned i = 1; i < n; i += 2) {
		CHECK_EQ(t[i], MG_RAS_RCF);
		CHECK(has(&s[i], MG_F_CALLSIG, vcs, 1720));
		for (int k = 0; k < 3; k++)
			CHECK(has(&s[i], MG_F_ALT_GK, alt[k], 1719));
		CHECK_EQ(s[i].ras_ttl, 60);
		CHECK_EQ(s[i].n_addr, 4);
	}
}

/* `MEETGATE_RAS_SEEDS=DIR ./build/asan/unit_tests`: write every built
 * message (with and without additions) to DIR, the fuzzer's seed corpus. */
TEST(ras_seed_corpus_writer)
{
	const char *dir = getenv("MEETGATE_RAS_SEEDS");
	static uint8_t b[4096];
	static struct exp x;
	char path[512];

	if (dir == NULL)
		return;
	for (unsigned k = 0; k < N_CASES; k++)
		for (int ext = 0; ext < 2; ext++) {
			size_t n = build(k, ext, b, sizeof b, &x);
			snprintf(path, sizeof path, "%s/%s%s", dir, cases[k].name, ext ? "-ext" : "");
			FILE *f = fopen(path, "wb");
			CHECK(f != NULL);
			CHECK_EQ(fwrite(b, 1, n, f), n);
			fclose(f);
		}
}
