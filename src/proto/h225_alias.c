/* h225_alias.c - the aliases of a Setup (sourceAddress: the caller,
 * destinationAddress: the callee).  The address walker skips aliases (it
 * only needs their length), so this walks the Setup-UUIE's root again as
 * far as destinationAddress, with the walker's helpers for what lies
 * between, and keeps up to MG_H225_ALIASES of each list, cut to
 * MG_H225_ALIAS_LEN. */
#include <string.h>

#include "proto/h225.h"
#include "proto/q931.h"
#include "proto/walk.h"

/* The H323-UserInformation of a Q.931 message (the User-user IE's
 * contents after its discriminator), or NULL. */
static const uint8_t *find_uuie(const uint8_t *msg, uint32_t len, uint32_t *n)
{
	struct mg_q931_ies it;
	struct mg_q931_ie ie;

	if (!mg_q931_ies_begin(&it, msg, len))
		return NULL;
	while (mg_q931_ies_next(&it, &ie) > 0) {
		if (ie.codeset != 0 || ie.id != MG_Q931_IE_USER_USER)
			continue;
		if (ie.len < 2 || ie.v[0] != MG_Q931_UU_PROTO_X208)
			return NULL;
		*n = ie.len - 1;
		return ie.v + 1;
	}
	return NULL;
}

/* Keep character ch at position i of a (or mark it cut). */
static void put_char(struct mg_h225_alias *a, uint32_t i, uint32_t ch)
{
	if (i + 1 >= sizeof(a->s)) {
		a->cut = true;
		return;
	}
	a->s[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	a->s[i + 1] = '\0';
}

/* A character string of [lb, ub] characters of `bits` each, aligned
 * (every alias type's maximum is over 16 bits); map turns a 4-bit index
 * into its character (dialedDigits' alphabet), NULL for a code. */
static void chars(struct mg_cur *c, struct mg_h225_alias *a, uint32_t lb, uint32_t ub, unsigned bits,
		  const char *map)
{
	uint32_t n = mg_per_size(c, lb, ub, false);
	mg_cur_align(c);
	for (uint32_t i = 0; i < n && !c->err; i++) {
		uint32_t v = mg_cur_bits(c, bits);
		put_char(a, i, map ? (v < strlen(map) ? (uint32_t)map[v] : '?') : v);
	}
}

/* AliasAddress ::= CHOICE { dialedDigits, h323-ID, ..., url-ID,
 * transportID, email-ID, partyNumber, ... } (see h225_types.c). */
static void alias(struct mg_cur *c, struct mg_h225_alias *a)
{
	bool ext;
	uint32_t alt = mg_per_choice(c, 2, true, &ext);
	memset(a, 0, sizeof(*a));
	if (c->err)
		return;
	if (ext) {
		struct mg_cur sub;
		mg_per_open_type(c, &sub);
		a->type = alt == 0 ? MG_H225_ALIAS_URL : alt == 2 ? MG_H225_ALIAS_EMAIL : MG_H225_ALIAS_OTHER;
		if (a->type != MG_H225_ALIAS_OTHER)
			chars(&sub, a, 1, 512, 8, NULL);
		return;
	}
	a->type = alt == 0 ? MG_H225_ALIAS_DIGITS : MG_H225_ALIAS_NAME;
	if (alt == 0)
		chars(c, a, 1, 128, 4, "#*,0123456789");
	else
		chars(c, a, 1, 256, 16, NULL);
}

void mg_h225_alias_decode(struct mg_cur *c, struct mg_h225_alias *a)
{
	alias(c, a);
}

/* SEQUENCE OF AliasAddress: the first MG_H225_ALIASES kept. */
static bool alias_seq(struct mg_cur *c, struct mg_h225_alias *out, uint8_t *n)
{
	uint32_t cnt = mg_per_length(c);
	for (uint32_t i = 0; i < cnt && i < MG_PER_MAX_SEQOF && !c->err; i++) {
		struct mg_h225_alias a;
		alias(c, &a);
		if (!c->err && *n < MG_H225_ALIASES)
			out[(*n)++] = a;
	}
	return !c->err;
}

bool mg_h225_setup_aliases(const uint8_t *msg, uint32_t len, struct mg_h323_scan *scratch,
			   struct mg_h225_aliases *out)
{
	uint32_t n = 0;
	memset(out, 0, sizeof(*out));
	const uint8_t *uu = find_uuie(msg, len, &n);
	if (uu == NULL)
		return false;
	struct mg_h323_scan *s = scratch;
	struct mg_cur cur;
	uint32_t opt;
	bool alt_ext;
	mg_h323_scan_init(s, uu, n);
	struct mg_walk w = {.s = s, .bad = MG_R_ALG_H225_BAD, .container = MG_C_UUIE};
	mg_cur_init(&cur, uu, n);
	mg_per_seq_preamble(&cur, true, 1, &opt);  /* H323-UserInformation */
	mg_per_seq_preamble(&cur, true, 1, &opt);  /* H323-UU-PDU */
	uint32_t body = mg_per_choice(&cur, 7, true, &alt_ext);
	if (cur.err || alt_ext || body != MG_H225_SETUP)
		return false;
	mg_per_seq_preamble(&cur, true, 7, &opt);  /* Setup-UUIE */
	if (cur.err || !mg_h225_oid(&w, &cur, "setup.protocolIdentifier"))
		return false;
	if ((opt & 64) && !mg_h225_transport(&w, &cur, MG_F_H245_ADDRESS, "setup.h245Address"))
		return false;
	if ((opt & 32) && !alias_seq(&cur, out->a[0], &out->n[0]))
		return false;
	if (!mg_h225_endpoint_type(&w, &cur))
		return false;
	if (opt & 16)
		alias_seq(&cur, out->a[1], &out->n[1]);
	return true;
}
