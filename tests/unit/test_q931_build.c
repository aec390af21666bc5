/* test_q931_build.c - the ReleaseComplete a gateway sends for a call it
 * cannot route, decoded back with the project's own decoders (mg_tpkt_frame,
 * mg_q931_scan and the H.225.0 walker below it) and with tshark; and the
 * Called party number reader on hand-built Setups, every input on a guard
 * page. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "io/pcap.h"
#include "pktbuild.h"
#include "proto/q931.h"
#include "proto/q931_build.h"
#include "proto/tpkt.h"

static const uint8_t call_id[16] = {0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
				    0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf};

/* Every cause a gateway may refuse a call with, and some it may not. */
static const uint8_t causes[] = {1, 3, 16, 17, 20, 27, 28, 34, 41, 42, 47, 127};

/* Frame the TPKT and scan its Q.931 payload from a guard page. */
static enum mg_reason decode(struct mg_h323_scan *s, const uint8_t *b, size_t n)
{
	uint32_t tl = 0;
	if (mg_tpkt_frame(b, n, &tl) != MG_TPKT_OK || tl != n)
		return MG_R_ALG_TPKT_BAD;
	uint8_t *g = t_guarded(b + 4, n - 4);
	mg_h323_scan_init(s, g, n - 4);
	enum mg_reason r = mg_q931_scan(s, g, n - 4);
	t_guarded_free(g, n - 4);
	return r;
}

TEST(q931_build_release_complete_each_cause)
{
	static struct mg_h323_scan s;
	uint8_t b[128];
	for (size_t i = 0; i < sizeof causes; i++) {
		size_t n = mg_q931_build_release_complete(b, sizeof b, 0x1234, true, causes[i], call_id);
		CHECK(n > 0);
		CHECK_EQ(decode(&s, b, n), MG_R_NONE);
		CHECK_EQ(s.q931_type, MG_Q931_RELEASE_COMPLETE);
		CHECK_EQ(s.call_ref, 0x1234);
		CHECK(s.call_ref_flag);
		CHECK_EQ(s.q931_cause, causes[i]);
		CHECK(s.has_uuie);
		CHECK_EQ(s.body, MG_H225_RELEASE_COMPLETE);
		CHECK(s.has_call_id);
		CHECK(memcmp(s.call_id, call_id, 16) == 0);
		CHECK(!s.h245_tunneling);
		CHECK_EQ(s.release_reason, mg_q931_cause_reason(causes[i]));
		CHECK_EQ(s.n_addr, 0);
		/* the Cause IE: ITU-T coding, location 5 (RPN), value */
		CHECK_EQ(b[9], MG_Q931_IE_CAUSE);
		CHECK_EQ(b[10], 2);
		CHECK_EQ(b[11], 0x85);
		CHECK_EQ(b[12], 0x80 | causes[i]);
	}
}

TEST(q931_build_reasons_follow_the_cause)
{
	CHECK_EQ(mg_q931_cause_reason(1), MG_H225_RR_CALLED_NOT_REGISTERED);
	CHECK_EQ(mg_q931_cause_reason(3), MG_H225_RR_UNREACHABLE_DESTINATION);
	CHECK_EQ(mg_q931_cause_reason(27), MG_H225_RR_UNREACHABLE_DESTINATION);
	CHECK_EQ(mg_q931_cause_reason(34), MG_H225_RR_NO_BANDWIDTH);
	CHECK_EQ(mg_q931_cause_reason(41), MG_H225_RR_ADAPTIVE_BUSY);
	CHECK_EQ(mg_q931_cause_reason(47), MG_H225_RR_GATEWAY_RESOURCES);
	CHECK_EQ(mg_q931_cause_reason(16), MG_H225_RR_NONE);
	CHECK(strcmp(mg_q931_cause_name(1), "unallocated number") == 0);
	CHECK(strcmp(mg_q931_cause_name(47), "resource unavailable, unspecified") == 0);
	CHECK(strcmp(mg_q931_cause_name(126), "unknown cause") == 0);
	CHECK(strcmp(mg_h225_release_reason_name(MG_H225_RR_CALLED_NOT_REGISTERED), "calledPartyNotRegistered") == 0);
	CHECK(strcmp(mg_h225_release_reason_name(MG_H225_RR_GATEWAY_RESOURCES), "gatewayResources") == 0);
	CHECK(strcmp(mg_h225_release_reason_name(24), "hopCountExceeded") == 0);
	CHECK(strcmp(mg_h225_release_reason_name(25), "unknown") == 0);
	CHECK(strcmp(mg_h225_release_reason_name(MG_H225_RR_NONE), "unknown") == 0);
}

TEST(q931_build_without_call_id_or_flag)
{
	static struct mg_h323_scan s;
	uint8_t b[128];
	size_t n = mg_q931_build_release_complete(b, sizeof b, 0x7fff, false, 16, NULL);
	CHECK(n > 0);
	CHECK_EQ(decode(&s, b, n), MG_R_NONE);
	CHECK_EQ(s.call_ref, 0x7fff);
	CHECK(!s.call_ref_flag);
	CHECK_EQ(s.q931_cause, 16);
	CHECK_EQ(s.body, MG_H225_RELEASE_COMPLETE);
	CHECK(!s.has_call_id);
	CHECK_EQ(s.release_reason, MG_H225_RR_NONE);
	n = mg_q931_build_release_complete(b, sizeof b, 0, true, 1, NULL);
	CHECK(n > 0);
	CHECK_EQ(decode(&s, b, n), MG_R_NONE);
	CHECK_EQ(s.call_ref, 0);
	CHECK(s.call_ref_flag);
	CHECK_EQ(s.release_reason, MG_H225_RR_CALLED_NOT_REGISTERED);
}

TEST(q931_build_refuses_small_buffers_and_bad_values)
{
	uint8_t b[128], c[128];
	size_t n = mg_q931_build_release_complete(b, sizeof b, 0x0101, true, 1, call_id);
	CHECK(n > 0);
	for (size_t cap = 0; cap < n; cap++)
		CHECK_EQ(mg_q931_build_release_complete(c, cap, 0x0101, true, 1, call_id), 0);
	CHECK_EQ(mg_q931_build_release_complete(c, n, 0x0101, true, 1, call_id), n);
	CHECK(memcmp(b, c, n) == 0);
	CHECK_EQ(mg_q931_build_release_complete(c, sizeof c, 0x8000, true, 1, call_id), 0);
	CHECK_EQ(mg_q931_build_release_complete(c, sizeof c, 1, true, 0, call_id), 0);
	CHECK_EQ(mg_q931_build_release_complete(c, sizeof c, 1, true, 128, call_id), 0);
}

/* ---- Called party number ---- */

/* A Setup with the given IEs after its header (call reference 0x0001). */
static size_t setup_with(uint8_t *out, const uint8_t *ies, size_t n)
{
	static const uint8_t hdr[5] = {0x08, 0x02, 0x00, 0x01, MG_Q931_SETUP};
	memcpy(out, hdr, 5);
	memcpy(out + 5, ies, n);
	return 5 + n;
}

/* The reader on a guard page, with a 32-character buffer. */
static bool called(const uint8_t *m, size_t n, char out[32])
{
	uint8_t *g = t_guarded(m, n);
	bool ok = mg_q931_called_number(g, (uint32_t)n, out, 32);
	t_guarded_free(g, n);
	return ok;
}

TEST(q931_called_number_one_and_two_octet_type_plan)
{
	/* bearer capability, display, called party number (type unknown,
	 * plan ISDN), user-user */
	static const uint8_t one[] = {0x04, 0x03, 0x88, 0x90, 0xa5, 0x28, 0x02, 'h',  'i',  0x70, 0x05,
				      0x81, '1',  '2',  '3',  '4',  0x7e, 0x00, 0x02, 0x05, 0x00};
	/* octet 3 with an octet 3a (bit 8 clear, then set), digits with * and # */
	static const uint8_t two[] = {0x70, 0x06, 0x21, 0x80, '*', '9', '0', '#'};
	uint8_t m[64];
	char out[32];
	size_t n = setup_with(m, one, sizeof one);
	CHECK(called(m, n, out));
	CHECK(strcmp(out, "1234") == 0);
	n = setup_with(m, two, sizeof two);
	CHECK(called(m, n, out));
	CHECK(strcmp(out, "*90#") == 0);
}

TEST(q931_called_number_absent_or_malformed)
{
	static const uint8_t absent[] = {0x04, 0x03, 0x88, 0x90, 0xa5, 0x6c, 0x02, 0x81, '5'};
	static const uint8_t truncated[] = {0x70, 0x09, 0x81, '1', '2'};
	static const uint8_t no_digits[] = {0x70, 0x01, 0x81};
	static const uint8_t group_open[] = {0x70, 0x03, 0x01, 0x02, 0x03};
	static const uint8_t letters[] = {0x70, 0x04, 0x81, '1', 'a', '2'};
	static const uint8_t empty[] = {0x70, 0x00};
	/* in codeset 6 (locking shift): not the Q.931 IE */
	static const uint8_t shifted[] = {0x96, 0x70, 0x03, 0x81, '1', '2'};
	/* after an IE that runs past the end */
	static const uint8_t bad_before[] = {0x28, 0x40, 'x', 0x70, 0x03, 0x81, '1', '2'};
	const struct {
		const uint8_t *p;
		size_t n;
	} cases[] = {
		{absent, sizeof absent},         {truncated, sizeof truncated},   {no_digits, sizeof no_digits},
		{group_open, sizeof group_open}, {letters, sizeof letters},       {empty, sizeof empty},
		{shifted, sizeof shifted},       {bad_before, sizeof bad_before},
	};
	uint8_t m[64];
	char out[32];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = setup_with(m, cases[i].p, cases[i].n);
		strcpy(out, "junk");
		CHECK(!called(m, n, out));
		CHECK_EQ(out[0], '\0');
	}
	/* a header that is not Q.931 */
	static const uint8_t not_q931[] = {0x09, 0x02, 0x00, 0x01, 0x05, 0x70, 0x02, 0x81, '1'};
	CHECK(!called(not_q931, sizeof not_q931, out));
	CHECK(!mg_q931_called_number(not_q931, sizeof not_q931, out, 0));
}

TEST(q931_called_number_overlong_and_first_wins)
{
	uint8_t ies[80], m[96];
	char out[32];
	ies[0] = 0x70;
	ies[1] = 41;
	ies[2] = 0x81;
	for (int i = 0; i < 40; i++)
		ies[3 + i] = (uint8_t)('0' + i % 10);
	size_t n = setup_with(m, ies, 43);
	CHECK(!called(m, n, out)); /* 40 digits do not fit 31 */
	ies[1] = 32;               /* 31 digits fit exactly */
	n = setup_with(m, ies, 34);
	CHECK(called(m, n, out));
	CHECK_EQ(strlen(out), 31);
	ies[1] = 33; /* 32 do not */
	n = setup_with(m, ies, 35);
	CHECK(!called(m, n, out));
	static const uint8_t twice[] = {0x70, 0x02, 0x81, '7', 0x70, 0x02, 0x81, '8'};
	n = setup_with(m, twice, sizeof twice);
	CHECK(called(m, n, out));
	CHECK(strcmp(out, "7") == 0);
}

TEST(q931_called_number_prefixes_never_overread)
{
	static const uint8_t ies[] = {0x04, 0x03, 0x88, 0x90, 0xa5, 0x70, 0x05, 0x01, 0x80, '5', '5', '5'};
	uint8_t m[64];
	char out[32];
	size_t full = setup_with(m, ies, sizeof ies);
	for (size_t n = 0; n < full; n++)
		CHECK(!called(m, n, out));
	CHECK(called(m, full, out));
	CHECK(strcmp(out, "555") == 0);
}

/* ---- tshark ---- */

static bool have_tshark(void)
{
	return system("command -v tshark >/dev/null 2>&1") == 0;
}

/* tshark's fields of every frame of path, one line per frame. */
static bool tshark_fields(const char *path, const char *args, char *out, size_t cap)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "tshark -n -r '%s' %s 2>/dev/null", path, args);
	FILE *p = popen(cmd, "r");
	if (p == NULL)
		return false;
	size_t n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	return pclose(p) == 0;
}

TEST(q931_build_release_complete_decodes_in_tshark)
{
	if (!have_tshark()) {
		fprintf(stderr, "  SKIP q931_build_release_complete_decodes_in_tshark: tshark is not installed "
				"(make deps installs it)\n");
		return;
	}
	char dir[] = "/tmp/mg_test_q931_build_XXXXXX", path[64], err[128], out[2048], want[2048];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/rc.pcap", dir);
	struct mg_pcap_writer *w = mg_pcap_create(path, err, sizeof err);
	CHECK(w != NULL);
	uint32_t gw = tb_ip("198.19.0.1"), caller = tb_ip("198.18.0.10");
	size_t wl = 0;
	want[0] = '\0';
	for (size_t i = 0; i < sizeof causes; i++) {
		uint8_t rc[128], pkt[256];
		size_t n = mg_q931_build_release_complete(rc, sizeof rc, (uint16_t)(0x100 + i), true, causes[i],
							  i % 2 ? NULL : call_id);
		CHECK(n > 0);
		/* one connection per message, each its own TCP stream */
		size_t pl = tb_tcp(pkt, gw, 1720, caller, (uint16_t)(40000 + i), 0x18, 1000, 2000, rc, n);
		CHECK_EQ(mg_pcap_write(w, pkt, (uint32_t)pl, 1000 + i), 0);
		uint8_t r = mg_q931_cause_reason(causes[i]);
		char reason[8] = "";
		if (r != MG_H225_RR_NONE)
			snprintf(reason, sizeof reason, "%u", r);
		wl += (size_t)snprintf(want + wl, sizeof want - wl, "0x5a\t%u\t%s\t%s\t0\n", causes[i], reason,
				       i % 2 ? "" : "c0c1c2c3-c4c5-c6c7-c8c9-cacbcccdcecf");
	}
	CHECK_EQ(mg_pcap_finish(w, err, sizeof err), 0);
	bool ran = tshark_fields(path, "-Y '_ws.malformed || _ws.expert.severity >= error' -T fields -e frame.number",
				 out, sizeof out);
	bool clean = ran && out[0] == '\0';
	ran = ran && tshark_fields(path,
				   "-T fields -e q931.message_type -e q931.cause_value -e h225.reason -e h225.guid "
				   "-e h225.h245Tunnelling",
				   out, sizeof out);
	unlink(path);
	rmdir(dir);
	CHECK(ran);
	CHECK(clean);
	if (strcmp(out, want) != 0)
		fprintf(stderr, "  tshark:\n%s  expected:\n%s", out, want);
	CHECK(strcmp(out, want) == 0);
}

TEST(q931_ies_walker_stops_at_a_missing_length)
{
	/* an IE identifier as the last octet: no length, no IE */
	static const uint8_t m[] = {0x08, 0x02, 0x00, 0x01, MG_Q931_SETUP, 0x28, 0x01, 'x', 0xd4, 0x70};
	struct mg_q931_ies it;
	struct mg_q931_ie ie;
	static struct mg_h323_scan s;
	char out[32];
	uint8_t *g = t_guarded(m, sizeof m);
	CHECK(mg_q931_ies_begin(&it, g, sizeof m));
	CHECK_EQ(mg_q931_ies_next(&it, &ie), 1);
	CHECK_EQ(ie.id, 0x28);
	CHECK_EQ(ie.len, 1);
	CHECK_EQ(mg_q931_ies_next(&it, &ie), -1);
	CHECK(it.err_where != NULL);
	CHECK_EQ(mg_q931_ies_next(&it, &ie), -1);
	CHECK(!mg_q931_called_number(g, sizeof m, out, sizeof out));
	mg_h323_scan_init(&s, g, sizeof m);
	CHECK_EQ(mg_q931_scan(&s, g, sizeof m), MG_R_ALG_Q931_BAD);
	CHECK(s.err_where != NULL);
	t_guarded_free(g, sizeof m);
}
