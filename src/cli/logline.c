/* logline.c - see logline.h. */
#include "cli/logline.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "core/config.h"
#include "core/reason.h"

bool mg_log_use_syslog(bool want_syslog, bool stderr_is_tty, const char *journal_stream)
{
	if (want_syslog)
		return true;
	return !stderr_is_tty && journal_stream != NULL && journal_stream[0] != '\0';
}

int mg_log_syslog_priority(int level)
{
	switch (level) {
	case MG_LOG_ERROR:
		return LOG_DAEMON | LOG_ERR;
	case MG_LOG_WARNING:
		return LOG_DAEMON | LOG_WARNING;
	case MG_LOG_NOTICE:
		return LOG_DAEMON | LOG_NOTICE;
	case MG_LOG_INFO:
		return LOG_DAEMON | LOG_INFO;
	default:
		return LOG_DAEMON | LOG_DEBUG;
	}
}

int mg_log_stderr_prefix(char *b, size_t n, const struct tm *tm, long ms, int level)
{
	char stamp[32];
	if (strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", tm) == 0)
		stamp[0] = '\0';
	return snprintf(b, n, "%s.%03ld %s meetgate: ", stamp, ms, mg_log_level_name(level));
}

int mg_log_guid(char *b, size_t n, const uint8_t *g)
{
	if (!g)
		return snprintf(b, n, "{}");
	return snprintf(b, n,
			"{%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x}", g[0],
			g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13],
			g[14], g[15]);
}

static void ip_str(char *b, size_t n, uint32_t ip)
{
	const uint8_t *a = (const uint8_t *)&ip;
	snprintf(b, n, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

/* An inbound call reached its callee through a forward when the address it
 * dialled is not the callee's own. */
int mg_log_call_start(char *b, size_t n, const struct mg_call_trace *t)
{
	char g[48], caller[16], dialled[16], callee[16], route[64];
	mg_log_guid(g, sizeof(g), t->guid);
	ip_str(caller, sizeof(caller), t->sender);
	ip_str(dialled, sizeof(dialled), t->ip[0]);
	ip_str(callee, sizeof(callee), t->ip[1]);
	if (t->from_inside)
		snprintf(route, sizeof(route), "outbound");
	else if (t->ip[0] != t->ip[1] || t->port[0] != t->port[1])
		snprintf(route, sizeof(route), "forward %s:%u", dialled, t->port[0]);
	else
		snprintf(route, sizeof(route), "direct");
	return snprintf(b, n, "call %" PRIu32 " %s: start, %s, caller %s, callee %s:%u, routed %s",
			t->call, g, t->from_inside ? "outbound" : "inbound", caller, callee, t->port[1],
			route);
}

int mg_log_call_end(char *b, size_t n, const struct mg_call_trace *t, const struct mg_call_media *m)
{
	char g[48], in[16], peer[16], cause[24] = "";
	mg_log_guid(g, sizeof(g), t->guid);
	ip_str(in, sizeof(in), t->sender);
	ip_str(peer, sizeof(peer), t->receiver);
	if (t->cause)
		snprintf(cause, sizeof(cause), " (cause %u)", t->cause);
	uint64_t d = t->now > t->created ? t->now - t->created : 0;
	return snprintf(b, n,
			"call %" PRIu32 " %s: end after %" PRIu64 ".%01" PRIu64 " s, %s%s, %s %s %s %s, "
			"media packets %" PRIu64 " in, %" PRIu64 " out (%" PRIu32 " flows)",
			t->call, g, d / 1000, d % 1000 / 100, t->name ? t->name : "ended", cause,
			t->from_inside ? "outbound" : "inbound", in, t->from_inside ? "->" : "<-", peer,
			m->in, m->out, m->flows);
}

int mg_log_trace_detail(char *b, size_t n, const struct mg_call_trace *t)
{
	char a[16], z[16], s[16], r[16];
	ip_str(a, sizeof(a), t->ip[0]);
	ip_str(z, sizeof(z), t->ip[1]);
	ip_str(s, sizeof(s), t->sender);
	ip_str(r, sizeof(r), t->receiver);
	switch (t->kind) {
	case MG_CALL_TR_MSG:
		return snprintf(b, n, "call %" PRIu32 ": %s%s %s -> %s", t->call, t->h245 ? "h245 " : "",
				t->name ? t->name : "message", s, r);
	case MG_CALL_TR_REWRITE:
		return snprintf(b, n, "call %" PRIu32 ": rewrote %s:%u -> %s:%u", t->call, a, t->port[0],
				z, t->port[1]);
	case MG_CALL_TR_PIN_OPEN:
		return snprintf(b, n, "call %" PRIu32 ": pinhole %s opened %s:%u -> %s:%u", t->call,
				t->name ? t->name : "", a, t->port[0], z, t->port[1]);
	case MG_CALL_TR_PIN_CLOSE:
		return snprintf(b, n, "call %" PRIu32 ": %" PRIu32 " pinholes closed (%s)", t->call,
				t->count, t->name ? t->name : "");
	default: /* problems are logged by the ALG itself, as warnings */
		if (n)
			b[0] = '\0';
		return 0;
	}
}

#define TOP_DROPS 3

int mg_log_totals(char *b, size_t n, const struct mg_stats *st)
{
	int top[TOP_DROPS] = {-1, -1, -1};
	for (int r = 0; r < MG_R__COUNT; r++) {
		if (st->dropped[r] == 0)
			continue;
		for (int k = 0; k < TOP_DROPS; k++) {
			if (top[k] < 0 || st->dropped[r] > st->dropped[top[k]]) {
				memmove(top + k + 1, top + k, sizeof(top[0]) * (size_t)(TOP_DROPS - 1 - k));
				top[k] = r;
				break;
			}
		}
	}
	int len = snprintf(b, n,
			   "totals: packets in %" PRIu64 " (inside %" PRIu64 ", outside %" PRIu64
			   "), out %" PRIu64 ", drops %" PRIu64 ", calls %" PRIu64 " (%" PRIu32 " up), flows %" PRIu64
			   "; top drops:",
			   st->pkts_in[0] + st->pkts_in[1], st->pkts_in[MG_SIDE_INSIDE],
			   st->pkts_in[MG_SIDE_OUTSIDE], st->pkts_out[0] + st->pkts_out[1], st->drops,
			   st->calls_created, st->calls_active, st->flows_created);
	for (int k = 0; k < TOP_DROPS && top[k] >= 0; k++)
		if (len >= 0 && (size_t)len < n)
			len += snprintf(b + len, n - (size_t)len, "%s %s %" PRIu64, k ? "," : "",
					mg_reason_name((enum mg_reason)top[k]), st->dropped[top[k]]);
	if (top[0] < 0 && len >= 0 && (size_t)len < n)
		len += snprintf(b + len, n - (size_t)len, " none");
	return len;
}
