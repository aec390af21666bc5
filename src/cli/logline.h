/* logline.h - the text of the lines `meetgate run` logs, and the rule that
 * picks their destination (doc/live.md "Logs").  No I/O here: run.c and
 * runlog.c write what these functions format.
 *
 * Every function formats into b (n bytes, always terminated) and returns
 * what snprintf returns. */
#ifndef MG_CLI_LOGLINE_H
#define MG_CLI_LOGLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/engine.h"

/* syslog(3) when asked (--syslog), or when stderr is not a terminal and
 * systemd connected it to the journal (JOURNAL_STREAM set); else stderr. */
bool mg_log_use_syslog(bool want_syslog, bool stderr_is_tty, const char *journal_stream);

/* The syslog(3) priority of a level (enum mg_log_level), facility included. */
int mg_log_syslog_priority(int level);

/* "2026-11-26T12:40:00.123 notice meetgate: " for a stderr line. */
int mg_log_stderr_prefix(char *b, size_t n, const struct tm *tm, long ms, int level);

/* "{5a5a5a5a-5a5a-...}", or "{}" without one. */
int mg_log_guid(char *b, size_t n, const uint8_t *guid);

/* Media of a call, summed over the flows it owns that are not signalling. */
struct mg_call_media {
	uint64_t in, out; /* packets from the outside in, from the inside out */
	uint32_t flows;
};

int mg_log_call_start(char *b, size_t n, const struct mg_call_trace *t);
int mg_log_call_end(char *b, size_t n, const struct mg_call_trace *t, const struct mg_call_media *m);
/* A per-message detail line (debug) of any other trace event; 0 and an
 * empty line for events not worth a line. */
int mg_log_trace_detail(char *b, size_t n, const struct mg_call_trace *t);

/* The shutdown totals: packets, drops, calls, flows, the top drop reasons. */
int mg_log_totals(char *b, size_t n, const struct mg_stats *st);

#endif
