/* test_q931.c - Q.931 framing for H.225.0: call reference, IEs, shifts and
 * the User-user IE.  The H.225.0 contents are tested in test_h225.c. */
#include "harness.h"

#include "proto/q931.h"

/* Real CallProceeding, plain-default-inside.pcap frame 10: TPKT + Q.931, 84 bytes (ooh323c, shared/captures). */
static const uint8_t call_proceeding[84] = {
	0x03, 0x00, 0x00, 0x54, 0x08, 0x02, 0x80, 0x05, 0x02, 0x28, 0x0b, 0x6f, 0x62, 0x6a, 0x73, 0x79,
	0x73, 0x63, 0x61, 0x6c, 0x6c, 0x00, 0x7e, 0x00, 0x3b, 0x05, 0x21, 0x80, 0x06, 0x00, 0x08, 0x91,
	0x4a, 0x00, 0x04, 0x22, 0xc0, 0xb5, 0x00, 0x00, 0x36, 0x05, 0x6f, 0x62, 0x6a, 0x73, 0x79, 0x73,
	0x05, 0x76, 0x30, 0x2e, 0x39, 0x2e, 0x34, 0x01, 0x10, 0xc0, 0x11, 0x00, 0x6f, 0x6f, 0x68, 0x33,
	0x32, 0x33, 0x63, 0x2d, 0x1b, 0x14, 0xb4, 0x0e, 0xca, 0x3f, 0x00, 0xfe, 0x01, 0x00, 0x01, 0x00,
	0x10, 0x80, 0x01, 0x80,
};

static enum mg_reason scan(struct mg_h323_scan *s, const uint8_t *m, size_t n)
{
	mg_h323_scan_init(s, m, n);
	return mg_q931_scan(s, m, n);
}

/* Minimal valid H323-UserInformation: a ReleaseComplete-UUIE with no
 * optional or extension fields (ext bits 0, body index 5, OID 0.0.8.2250.0.4). */
#define UUIE_RELEASE 0x05, 0x00, 0x06, 0x00, 0x08, 0x91, 0x4A, 0x00, 0x04

TEST(q931_real_call_proceeding)
{
	struct mg_h323_scan s;
	const uint8_t *m = call_proceeding + 4; /* after the TPKT header */

	mg_h323_scan_init(&s, call_proceeding, sizeof call_proceeding);
	CHECK_EQ(mg_q931_scan(&s, m, sizeof call_proceeding - 4), MG_R_NONE);
	CHECK_EQ(s.q931_type, MG_Q931_CALL_PROCEEDING);
	CHECK_EQ(s.call_ref, 5);
	CHECK(s.call_ref_flag);
	CHECK(s.has_uuie);
	CHECK_EQ(s.body, MG_H225_CALL_PROCEEDING);
	CHECK_EQ(s.err, MG_R_NONE);
}

TEST(q931_minimal_message_without_ies)
{
	static const uint8_t m[] = { 0x08, 0x02, 0x12, 0x34, MG_Q931_STATUS_ENQUIRY };
	struct mg_h323_scan s;

	CHECK_EQ(scan(&s, m, sizeof m), MG_R_NONE);
	CHECK_EQ(s.q931_type, MG_Q931_STATUS_ENQUIRY);
	CHECK_EQ(s.call_ref, 0x1234);
	CHECK(!s.call_ref_flag);
	CHECK(!s.has_uuie);
	CHECK_EQ(s.body, MG_H225_NONE);
}

TEST(q931_call_reference_lengths)
{
	static const uint8_t dummy[] = { 0x08, 0x00, MG_Q931_SETUP };
	static const uint8_t one[] = { 0x08, 0x01, 0xFF, MG_Q931_SETUP };
	static const uint8_t three[] = { 0x08, 0x03, 0x81, 0x22, 0x33, MG_Q931_CONNECT };
	static const uint8_t spare[] = { 0x08, 0x12, 0x00, 0x01, MG_Q931_SETUP };
	static const uint8_t past_end[] = { 0x08, 0x0F, 0x00, 0x01 };
	struct mg_h323_scan s;

	CHECK_EQ(scan(&s, dummy, sizeof dummy), MG_R_NONE);
	CHECK_EQ(s.call_ref, 0);
	CHECK_EQ(s.q931_type, MG_Q931_SETUP);
	CHECK_EQ(scan(&s, one, sizeof one), MG_R_NONE);
	CHECK_EQ(s.call_ref, 0x7F);
	CHECK(s.call_ref_flag);
	CHECK_EQ(scan(&s, three, sizeof three), MG_R_NONE);
	CHECK_EQ(s.call_ref, 0x2233); /* kept modulo 2^16 */
	CHECK(s.call_ref_flag);
	CHECK_EQ(s.q931_type, MG_Q931_CONNECT);
	CHECK_EQ(scan(&s, spare, sizeof spare), MG_R_ALG_Q931_BAD);
	CHECK_EQ(scan(&s, past_end, sizeof past_end), MG_R_ALG_Q931_BAD);
	CHECK(s.err_where != NULL);
}

TEST(q931_bad_discriminator_and_short_messages)
{
	static const uint8_t bad_pd[] = { 0x09, 0x02, 0x00, 0x01, MG_Q931_SETUP };
	static const uint8_t no_type[] = { 0x08, 0x02, 0x00, 0x01 };
	static const uint8_t type_bit8[] = { 0x08, 0x02, 0x00, 0x01, 0x85 };
	struct mg_h323_scan s;

	CHECK_EQ(scan(&s, bad_pd, sizeof bad_pd), MG_R_ALG_Q931_BAD);
	CHECK_EQ(scan(&s, bad_pd, 0), MG_R_ALG_Q931_BAD);
	CHECK_EQ(scan(&s, no_type, sizeof no_type), MG_R_ALG_Q931_BAD);
	CHECK_EQ(scan(&s, type_bit8, sizeof type_bit8), MG_R_ALG_Q931_BAD);
	CHECK_EQ(s.err, MG_R_ALG_Q931_BAD);
}

TEST(q931_ies_and_user_user)
{
	/* sending-complete (single octet), bearer capability, display, UUIE */
	static const uint8_t m[] = {
		0x08, 0x02, 0x80, 0x09, MG_Q931_RELEASE_COMPLETE,
		0xA1,
		0x04, 0x03, 0x88, 0xC0, 0xA5,
		0x28, 0x02, 0x41, 0x00,
		0x7E, 0x00, 0x0A, 0x05, UUIE_RELEASE,
		0x08, 0x01, 0x80, /* cause, after the UUIE */
	};
	struct mg_h323_scan s;

	CHECK_EQ(scan(&s, m, sizeof m), MG_R_NONE);
	CHECK(s.has_uuie);
	CHECK_EQ(s.body, MG_H225_RELEASE_COMPLETE);
	CHECK_EQ(s.call_ref, 9);
	CHECK(s.call_ref_flag);
}

TEST(q931_user_user_too_short_is_rejected)
{
	/* Length 0 and length 1 (discriminator only): no UUIE to walk.  A
	 * parser computing "length - 1" would go negative here. */
	static const uint8_t len0[] = { 0x08, 0x02, 0x00, 0x01, MG_Q931_SETUP, 0x7E, 0x00, 0x00 };
	static const uint8_t len1[] = { 0x08, 0x02, 0x00, 0x01, MG_Q931_SETUP, 0x7E, 0x00, 0x01, 0x05 };
	static const uint8_t len_half[] = { 0x08, 0x02, 0x00, 0x01, MG_Q931_SETUP, 0x7E, 0x00 };
	struct mg_h323_scan s;

	for (int i = 0; i < 3; i++) {
		const uint8_t *m = i == 0 ? len0 : i == 1 ? len1 : len_half;
		size_t n = i == 0 ? sizeof len0 : i == 1 ? sizeof len1 : sizeof len_half;
		uint8_t *g = t_guarded(m, n);
		enum mg_reason r = scan(&s, g, n);
		t_guarded_free(g, n);
		CHECK_EQ(r, MG_R_ALG_Q931_BAD);
		CHECK(!s.has_uuie);
		CHECK(s.err_where != NULL);
	}
}

TEST(q931_user_user_bad_discriminator_or_length)
{
	static const uint8_t not_x208[] = { 0x08, 0x02, 0x00, 0x01, MG_Q931_RELEASE_COMPLETE,
					    0x7E, 0x00, 0x0A, 0x04, UUIE_RELEASE };
	static const uint8_t too_long[] = { 0x08, 0x02, 0x00, 0x01, MG_Q931_RELEASE_COMPLETE,
					    0x7E, 0x00, 0x0B, 0x05, UUIE_RELEASE };
	static const uint8_t twice[] = { 0x08, 0x02, 0x00, 0x01, MG_Q931_RELEASE_COMPLETE,
					 0x7E, 0x00, 0x0A, 0x05, UUIE_RELEASE,
					 0x7E, 0x00, 0x0A, 0x05, UUIE_RELEASE };
	struct mg_h323_scan s;

	CHECK_EQ(scan(&s, not_x208, sizeof not_x208), MG_R_ALG_Q931_BAD);
	CHECK_EQ(scan(&s, too_long, sizeof too_long), MG_R_ALG_Q931_BAD);
	/* a second UUIE could hide addresses from the gateway */
	CHECK_EQ(scan(&s, twice, sizeof twice), MG_R_ALG_Q931_BAD);
}

TEST(q931_ie_length_past_end)
{
	static const uint8_t m[] = { 0x08, 0x02, 0x00, 0x01, MG_Q931_SETUP, 0x28, 0x05, 0x41 };
	static const uint8_t no_len[] = { 0x08, 0x02, 0x00, 0x01, MG_Q931_SETUP, 0x28 };
	struct mg_h323_scan s;

	CHECK_EQ(scan(&s, m, sizeof m), MG_R_ALG_Q931_BAD);
	CHECK_EQ(scan(&s, no_len, sizeof no_len), MG_R_ALG_Q931_BAD);
}

TEST(q931_codeset_shifts)
{
	/* 0x7E in codeset 6 (locking shift 0x96) is not the User-user IE: its
	 * one-octet length is honoured and nothing is walked.  A non-locking
	 * shift (0x9E) affects only the next IE. */
	static const uint8_t locked[] = { 0x08, 0x02, 0x00, 0x01, MG_Q931_SETUP,
					  0x96, 0x7E, 0x02, 0xFF, 0xFF };
	static const uint8_t once[] = { 0x08, 0x02, 0x00, 0x01, MG_Q931_RELEASE_COMPLETE,
					0x9E, 0x7E, 0x01, 0xFF,
					0x7E, 0x00, 0x0A, 0x05, UUIE_RELEASE };
	static const uint8_t dangling[] = { 0x08, 0x02, 0x00, 0x01, MG_Q931_SETUP, 0x9E };
	struct mg_h323_scan s;

	CHECK_EQ(scan(&s, locked, sizeof locked), MG_R_NONE);
	CHECK(!s.has_uuie);
	CHECK_EQ(scan(&s, once, sizeof once), MG_R_NONE);
	CHECK(s.has_uuie);
	CHECK_EQ(s.body, MG_H225_RELEASE_COMPLETE);
	CHECK_EQ(scan(&s, dangling, sizeof dangling), MG_R_ALG_Q931_BAD);
}

TEST(q931_uuie_error_propagates)
{
	/* body index 7 is outside the 7 root alternatives */
	static const uint8_t m[] = { 0x08, 0x02, 0x00, 0x01, MG_Q931_SETUP, 0x7E, 0x00, 0x02, 0x05, 0x07 };
	struct mg_h323_scan s;

	CHECK_EQ(scan(&s, m, sizeof m), MG_R_ALG_H225_BAD);
	CHECK(s.has_uuie);
	CHECK_EQ(s.err, MG_R_ALG_H225_BAD);
}

TEST(q931_prefixes_never_overread)
{
	const uint8_t *m = call_proceeding + 4;
	size_t full = sizeof call_proceeding - 4;
	struct mg_h323_scan s;

	for (size_t n = 0; n < full; n++) {
		uint8_t *g = t_guarded(m, n);
		enum mg_reason r = scan(&s, g, n);
		t_guarded_free(g, n);
		/* cut before the UUIE: valid without one; cut inside: refused */
		CHECK(r != MG_R_NONE || !s.has_uuie);
	}
}

TEST(q931_cause_value_is_kept_for_logs)
{
	/* Cause IE: octet 3 ending its group, then the value (16, normal clearing) */
	static const uint8_t m1[] = {0x08, 0x02, 0x80, 0x09, MG_Q931_RELEASE_COMPLETE,
				     0x08, 0x02, 0x80, 0x90};
	/* octet 3 with octet 3a, then the value (17, user busy) */
	static const uint8_t m2[] = {0x08, 0x02, 0x80, 0x09, MG_Q931_RELEASE_COMPLETE,
				     0x08, 0x03, 0x00, 0x80, 0x91};
	/* too short to hold a value: none */
	static const uint8_t m3[] = {0x08, 0x02, 0x80, 0x09, MG_Q931_RELEASE_COMPLETE, 0x08, 0x01, 0x80};
	struct mg_h323_scan s;

	CHECK_EQ(scan(&s, m1, sizeof m1), MG_R_NONE);
	CHECK_EQ(s.q931_cause, 16);
	CHECK_EQ(scan(&s, m2, sizeof m2), MG_R_NONE);
	CHECK_EQ(s.q931_cause, 17);
	CHECK_EQ(scan(&s, m3, sizeof m3), MG_R_NONE);
	CHECK_EQ(s.q931_cause, 0);
}
