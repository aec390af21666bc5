/* ras_tokens.c - H.235 tokens where a RAS root holds them (Endpoint, RIP,
 * RAI, RAC, IACK, INAK, SCI, SCR): SEQUENCE OF ClearToken and SEQUENCE OF
 * CryptoH323Token, walked by their definitions (H235-SECURITY-MESSAGES)
 * only to reach what follows them.  Nothing in them is recorded but an
 * alias's transportID (cryptoEPPwdHash.alias).  The encoded tokens a
 * SIGNED carries are open types, skipped by their length. */
#include "proto/ras_priv.h"

/* Params ::= SEQUENCE { ranInt INTEGER OPTIONAL, iv8 OCTET STRING (SIZE(8))
 * OPTIONAL, ..., iv16, iv, clearSalt } */
static bool params(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt, n;
	bool ext = mg_per_seq_preamble(c, true, 2, &opt);

	if (opt & 2)
		mg_per_uint_semi(c, 0);
	if (opt & 1)
		mg_per_octets(c, 8, 8, false, &n);
	if (!mg_walk_ok(w, c, "H.235 Params"))
		return false;
	return ext ? mg_walk_skip_exts(w, c, "H.235 Params") : true;
}

/* ENCRYPTED ::= { algorithmOID, paramS, encryptedData OCTET STRING };
 * HASHED ::= { algorithmOID, paramS, hash BIT STRING };
 * SIGNED ::= { toBeSigned (open type), algorithmOID, paramS, signature BIT
 * STRING }.  None is extensible. */
enum sealed { ENCRYPTED, HASHED, SIGNED };

static bool sealed(struct mg_walk *w, struct mg_cur *c, enum sealed kind)
{
	uint32_t n;

	if (kind == SIGNED && !mg_walk_skip_open(w, c, "H.235 SIGNED.toBeSigned"))
		return false;
	mg_per_skip_oid(c);
	if (!mg_walk_ok(w, c, "H.235 algorithmOID") || !params(w, c))
		return false;
	if (kind == ENCRYPTED)
		mg_per_octets(c, 0, 0, false, &n);
	else
		mg_per_skip_bits_string(c, 0, 0, false);
	return mg_walk_ok(w, c, "H.235 encryptedData / hash / signature");
}

/* DHset ::= SEQUENCE { halfkey, modSize, generator BIT STRING
 * (SIZE(0..4096)), ... } */
static bool dhset(struct mg_walk *w, struct mg_cur *c)
{
	bool ext = mg_cur_bit(c);

	for (int i = 0; i < 3; i++)
		mg_per_skip_bits_string(c, 0, 4096, false);
	if (!mg_walk_ok(w, c, "ClearToken.dhkey"))
		return false;
	return ext ? mg_walk_skip_exts(w, c, "ClearToken.dhkey") : true;
}

/* ClearToken ::= SEQUENCE { tokenOID, timeStamp, password, dhkey,
 * challenge, random, certificate, generalID, nonStandard (all but tokenOID
 * OPTIONAL), ..., eckasdhkey, sendersID, h235Key, profileInfo } */
static bool clear_token(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt, n;
	bool ext = mg_per_seq_preamble(c, true, 8, &opt);

	mg_per_skip_oid(c);
	if (opt & 0x80)
		mg_per_constrained(c, 1, 0xFFFFFFFFu);
	if (opt & 0x40)
		mg_per_skip_chars(c, 1, 128, false, 16);
	if (!mg_walk_ok(w, c, "ClearToken"))
		return false;
	if ((opt & 0x20) && !dhset(w, c))
		return false;
	if (opt & 0x10)
		mg_per_octets(c, 8, 128, false, &n);
	if (opt & 0x08)
		mg_per_uint_semi(c, 0);
	if (opt & 0x04) { /* TypedCertificate ::= SEQUENCE { type OID, certificate OCTET STRING, ... } */
		bool cext = mg_cur_bit(c);
		mg_per_skip_oid(c);
		mg_per_octets(c, 0, 0, false, &n);
		if (!mg_walk_ok(w, c, "ClearToken.certificate"))
			return false;
		if (cext && !mg_walk_skip_exts(w, c, "ClearToken.certificate"))
			return false;
	}
	if (opt & 0x02)
		mg_per_skip_chars(c, 1, 128, false, 16);
	if (opt & 0x01) { /* H.235 NonStandardParameter: OID, OCTET STRING */
		mg_per_skip_oid(c);
		mg_per_octets(c, 0, 0, false, &n);
	}
	if (!mg_walk_ok(w, c, "ClearToken"))
		return false;
	return ext ? mg_walk_skip_exts(w, c, "ClearToken") : true;
}

bool mg_ras_clear_tokens(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t n;

	if (!mg_ras_count(w, c, &n, "SEQUENCE OF ClearToken"))
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (!clear_token(w, c))
			return false;
	return true;
}

/* CryptoToken ::= CHOICE { cryptoEncryptedToken { tokenOID, ENCRYPTED },
 * cryptoSignedToken { tokenOID, SIGNED }, cryptoHashedToken { tokenOID,
 * hashedVals ClearToken, HASHED }, cryptoPwdEncr ENCRYPTED, ... } */
static bool crypto_token(struct mg_walk *w, struct mg_cur *c)
{
	bool ext;
	uint32_t alt = mg_per_choice(c, 4, true, &ext);

	if (!mg_walk_ok(w, c, "CryptoToken"))
		return false;
	if (ext)
		return mg_walk_skip_open(w, c, "CryptoToken (extension)");
	if (alt == 3)
		return sealed(w, c, ENCRYPTED);
	mg_per_skip_oid(c);
	if (!mg_walk_ok(w, c, "CryptoToken.tokenOID"))
		return false;
	if (alt == 0)
		return sealed(w, c, ENCRYPTED);
	if (alt == 1)
		return sealed(w, c, SIGNED);
	return clear_token(w, c) && sealed(w, c, HASHED);
}

/* CryptoH323Token ::= CHOICE { cryptoEPPwdHash { alias, timeStamp, HASHED },
 * cryptoGKPwdHash { gatekeeperId, timeStamp, HASHED }, cryptoEPPwdEncr,
 * cryptoGKPwdEncr (ENCRYPTED), cryptoEPCert, cryptoGKCert, cryptoFastStart
 * (SIGNED), nestedcryptoToken CryptoToken, ... } */
static bool crypto_h323_token(struct mg_walk *w, struct mg_cur *c)
{
	bool ext;
	uint32_t alt = mg_per_choice(c, 8, true, &ext);

	if (!mg_walk_ok(w, c, "CryptoH323Token"))
		return false;
	if (ext)
		return mg_walk_skip_open(w, c, "CryptoH323Token (extension)");
	switch (alt) {
	case 0:
	case 1:
		if (alt == 0 ? !mg_h225_alias(w, c) : !mg_ras_bmp_id(w, c, "cryptoGKPwdHash.gatekeeperId"))
			return false;
		mg_per_constrained(c, 1, 0xFFFFFFFFu);
		return mg_walk_ok(w, c, "CryptoH323Token.timeStamp") && sealed(w, c, HASHED);
	case 2:
	case 3:
		return sealed(w, c, ENCRYPTED);
	case 7:
		return crypto_token(w, c);
	default:
		return sealed(w, c, SIGNED);
	}
}

bool mg_ras_crypto_tokens(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t n;

	if (!mg_ras_count(w, c, &n, "SEQUENCE OF CryptoH323Token"))
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (!crypto_h323_token(w, c))
			return false;
	return true;
}

bool mg_ras_tokens(struct mg_walk *w, struct mg_cur *c, bool clear, bool crypto)
{
	if (clear && !mg_ras_clear_tokens(w, c))
		return false;
	return crypto ? mg_ras_crypto_tokens(w, c) : true;
}
