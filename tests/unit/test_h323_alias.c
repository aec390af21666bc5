/* test_h323_alias.c - a Setup's aliases as the H.323 ALG keeps them for
 * reports (src/alg/h323_alias.c): every alias type, the bounds, and
 * truncated input read from guarded buffers. */
#include <stdlib.h>
#include <string.h>

#include "alg/h323_priv.h"
#include "asn1/per_enc.h"
#include "harness.h"

static const uint32_t proto_arcs[] = {0, 0, 8, 2250, 0, 4};

/* AliasAddress extension alternative `idx` holding an IA5String. */
static void alias_ia5(struct mg_penc *e, uint32_t idx, const char *s)
{
	uint8_t b[600];
	struct mg_penc in;
	mg_penc_init(&in, b, sizeof(b));
	mg_penc_choice(e, idx, 2, true, true);
	mg_penc_ia5(&in, s, 1, 512, false);
	mg_penc_open_sub(e, &in);
}

/* A Q.931 Setup whose UUIE names 5 caller aliases (url-ID, email-ID,
 * transportID, partyNumber, h323-ID) and the callee's dialedDigits;
 * the UUIE ends after destinationAddress (nothing later is read). */
static size_t setup_q931(uint8_t *out, size_t cap)
{
	uint8_t uu[800];
	struct mg_penc e;
	mg_penc_init(&e, uu, sizeof(uu));
	mg_penc_seq_preamble(&e, true, false, 1, 0); /* H323-UserInformation */
	mg_penc_seq_preamble(&e, true, false, 1, 0); /* H323-UU-PDU */
	mg_penc_choice(&e, 0, 7, true, false);       /* setup */
	mg_penc_seq_preamble(&e, true, false, 7, 0x30);
	mg_penc_oid(&e, proto_arcs, 6);
	mg_penc_length(&e, 5);
	alias_ia5(&e, 0, "http://example.org/alice");
	alias_ia5(&e, 2, "alice@example.org");
	uint8_t t[16];
	struct mg_penc in;
	mg_penc_init(&in, t, sizeof(t));
	mg_penc_choice(&in, 0, 7, true, false);
	mg_penc_octets(&in, "\xc6\x12\x01\x0a", 4, 4, 4, false);
	mg_penc_constrained(&in, 1720, 0, 65535);
	mg_penc_choice(&e, 1, 2, true, true); /* transportID */
	mg_penc_open_sub(&e, &in);
	mg_penc_choice(&e, 3, 2, true, true); /* partyNumber: skipped by length */
	mg_penc_open_type(&e, (const uint8_t *)"\x01\x02\x03", 3);
	mg_penc_choice(&e, 1, 2, true, false); /* h323-ID: the fifth, not kept */
	mg_penc_bmp(&e, "fifth", 1, 256, false);
	mg_penc_seq_preamble(&e, true, false, 6, 0x01); /* sourceInfo: terminal */
	mg_penc_seq_preamble(&e, true, false, 1, 0);
	mg_penc_bool(&e, false);
	mg_penc_bool(&e, false);
	mg_penc_length(&e, 1);
	mg_penc_choice(&e, 0, 2, true, false);
	mg_penc_chars(&e, "911#", 1, 128, false, "#*,0123456789", 4);
	if (e.err)
		return 0;
	size_t n = mg_penc_len(&e);
	const uint8_t hdr[] = {0x08, 0x02, 0x00, 0x01, 0x05, 0x7E,
			       (uint8_t)((n + 1) >> 8), (uint8_t)(n + 1), 0x05};
	if (sizeof(hdr) + n > cap)
		return 0;
	memcpy(out, hdr, sizeof(hdr));
	memcpy(out + sizeof(hdr), uu, n);
	return sizeof(hdr) + n;
}

TEST(h323_alias_every_type_and_at_most_four)
{
	static uint8_t m[1024];
	size_t n = setup_q931(m, sizeof(m));
	CHECK(n > 0);
	struct mg_h323 *h = calloc(1, sizeof(*h));
	struct h323_call *c = calloc(1, sizeof(*c));
	CHECK(h != NULL && c != NULL);
	if (!h || !c)
		return;
	uint8_t *g = t_guarded(m, n);
	mg_h323_aliases(h, c, g, (uint32_t)n);
	t_guarded_free(g, n);
	CHECK_EQ(c->n_alias[0], MG_CALL_ALIASES);
	CHECK_EQ(c->alias[0][0].type, MG_ALIAS_URL);
	CHECK(strcmp(c->alias[0][0].s, "http://example.org/alice") == 0);
	CHECK_EQ(c->alias[0][1].type, MG_ALIAS_EMAIL);
	CHECK(strcmp(c->alias[0][1].s, "alice@example.org") == 0);
	CHECK_EQ(c->alias[0][2].type, MG_ALIAS_OTHER);
	CHECK_EQ(c->alias[0][3].type, MG_ALIAS_OTHER);
	CHECK_EQ(c->n_alias[1], 1);
	CHECK_EQ(c->alias[1][0].type, MG_ALIAS_DIGITS);
	CHECK(strcmp(c->alias[1][0].s, "911#") == 0);

	/* every truncation: no read past the end, lists only ever shorter */
	for (size_t k = 0; k < n; k++) {
		memset(c, 0, sizeof(*c));
		g = t_guarded(m, k);
		mg_h323_aliases(h, c, g, (uint32_t)k);
		t_guarded_free(g, k);
		CHECK(c->n_alias[0] <= MG_CALL_ALIASES && c->n_alias[1] <= 1);
	}
	/* not a Setup: nothing */
	memset(c, 0, sizeof(*c));
	CHECK_EQ(m[9] & 0x0F, 0); /* 4 preamble bits, the choice's extension bit, index 0 */
	m[9] = (uint8_t)((m[9] & 0xF8) | 2); /* connect */
	g = t_guarded(m, n);
	mg_h323_aliases(h, c, g, (uint32_t)n);
	t_guarded_free(g, n);
	CHECK_EQ(c->n_alias[0] + c->n_alias[1], 0);
	free(c);
	free(h);
}
