/* test_logline.c - the text of `meetgate run`'s lines and where they go. */
#include <string.h>
#include <syslog.h>

#include "cli/logline.h"
#include "core/config.h"
#include "core/reason.h"
#include "harness.h"
#include "pktbuild.h"

TEST(logline_destination_rule)
{
	CHECK(mg_log_use_syslog(true, true, NULL)); /* --syslog wins */
	CHECK(mg_log_use_syslog(false, false, "8:1234")); /* under systemd */
	CHECK(!mg_log_use_syslog(false, true, "8:1234")); /* a terminal: the foreground */
	CHECK(!mg_log_use_syslog(false, false, NULL));     /* a file or a pipe */
	CHECK(!mg_log_use_syslog(false, false, ""));
}

TEST(logline_levels_map_to_syslog_priorities)
{
	CHECK_EQ(mg_log_syslog_priority(MG_LOG_ERROR), LOG_DAEMON | LOG_ERR);
	CHECK_EQ(mg_log_syslog_priority(MG_LOG_WARNING), LOG_DAEMON | LOG_WARNING);
	CHECK_EQ(mg_log_syslog_priority(MG_LOG_NOTICE), LOG_DAEMON | LOG_NOTICE);
	CHECK_EQ(mg_log_syslog_priority(MG_LOG_INFO), LOG_DAEMON | LOG_INFO);
	CHECK_EQ(mg_log_syslog_priority(MG_LOG_DEBUG), LOG_DAEMON | LOG_DEBUG);
}

TEST(logline_stderr_prefix_has_time_and_level)
{
	struct tm tm = {.tm_year = 126, .tm_mon = 10, .tm_mday = 26, .tm_hour = 9, .tm_min = 5, .tm_sec = 7};
	char b[96];
	mg_log_stderr_prefix(b, sizeof(b), &tm, 42, MG_LOG_WARNING);
	CHECK(strcmp(b, "2026-11-26T09:05:07.042 warning meetgate: ") == 0);
}

static const uint8_t guid[16] = {0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
				 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x01};

TEST(logline_call_start_outbound_and_forwarded)
{
	char b[512];
	struct mg_call_trace t = {.kind = MG_CALL_TR_CALL_START, .from_inside = 1, .call = 7,
				  .sender = tb_ip("198.18.1.10"), .receiver = tb_ip("198.19.0.20"),
				  .ip = {tb_ip("198.19.0.20"), tb_ip("198.19.0.20")}, .port = {1720, 1720},
				  .guid = guid};
	mg_log_call_start(b, sizeof(b), &t);
	CHECK(strcmp(b, "call 7 {5a5a5a5a-5a5a-5a5a-5a5a-5a5a5a5a5a01}: start, outbound, caller "
			"198.18.1.10, callee 198.19.0.20:1720, routed outbound") == 0);
	t.from_inside = 0;
	t.sender = tb_ip("198.19.0.20");
	t.ip[0] = tb_ip("198.19.0.1");
	t.ip[1] = tb_ip("198.18.1.10");
	t.guid = NULL;
	mg_log_call_start(b, sizeof(b), &t);
	CHECK(strcmp(b, "call 7 {}: start, inbound, caller 198.19.0.20, callee 198.18.1.10:1720, "
			"routed forward 198.19.0.1:1720") == 0);
}

TEST(logline_call_end_duration_reason_cause_media)
{
	char b[512];
	struct mg_call_trace t = {.kind = MG_CALL_TR_CALL_END, .from_inside = 0, .call = 9,
				  .sender = tb_ip("198.18.1.10"), .receiver = tb_ip("198.19.0.20"),
				  .name = "releaseComplete from outside", .cause = 16,
				  .created = 1000, .now = 13456, .guid = guid};
	struct mg_call_media m = {.in = 600, .out = 598, .flows = 4};
	mg_log_call_end(b, sizeof(b), &t, &m);
	CHECK(strcmp(b, "call 9 {5a5a5a5a-5a5a-5a5a-5a5a-5a5a5a5a5a01}: end after 12.4 s, "
			"releaseComplete from outside (cause 16), inbound 198.18.1.10 <- 198.19.0.20, "
			"media packets 600 in, 598 out (4 flows)") == 0);
}

TEST(logline_totals_name_the_top_drop_reasons)
{
	struct mg_stats st;
	memset(&st, 0, sizeof(st));
	st.pkts_in[MG_SIDE_INSIDE] = 10;
	st.pkts_in[MG_SIDE_OUTSIDE] = 5;
	st.pkts_out[0] = 7;
	st.pkts_out[1] = 4;
	st.drops = 4;
	st.dropped[MG_R_TCP_NO_SYN] = 1;
	st.dropped[MG_R_POLICY_OUTBOUND] = 3;
	st.calls_created = 2;
	st.calls_active = 1;
	st.flows_created = 6;
	char b[512], want[512];
	mg_log_totals(b, sizeof(b), &st);
	snprintf(want, sizeof(want),
		 "totals: packets in 15 (inside 10, outside 5), out 11, drops 4, calls 2 (1 up), flows 6; "
		 "top drops: %s 3, %s 1",
		 mg_reason_name(MG_R_POLICY_OUTBOUND), mg_reason_name(MG_R_TCP_NO_SYN));
	CHECK(strcmp(b, want) == 0);
	memset(&st, 0, sizeof(st));
	mg_log_totals(b, sizeof(b), &st);
	CHECK(strstr(b, "top drops: none") != NULL);
}

TEST(logline_trace_detail_is_debug_text)
{
	char b[256];
	struct mg_call_trace t = {.kind = MG_CALL_TR_REWRITE, .call = 3,
				  .ip = {tb_ip("198.18.1.10"), tb_ip("198.19.0.1")}, .port = {5000, 20000}};
	CHECK(mg_log_trace_detail(b, sizeof(b), &t) > 0);
	CHECK(strcmp(b, "call 3: rewrote 198.18.1.10:5000 -> 198.19.0.1:20000") == 0);
	t.kind = MG_CALL_TR_PROBLEM;
	CHECK_EQ(mg_log_trace_detail(b, sizeof(b), &t), 0);
}
