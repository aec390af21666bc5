/* engine_count.c - the one place that counts drops and events and logs them
 * (pf's REASON_SET): nothing else touches the drop and event counters. */
#include <stdarg.h>
#include <stdio.h>

#include "core/engine_priv.h"

enum { LOG_DROP = 0, LOG_EVENT = 1 };

/* A drop is routine (info: floods of them are rate-limited anyway); an
 * event is something an admin may have to act on (warning). */
static int log_level_of(int cls)
{
	return cls == LOG_DROP ? MG_LOG_INFO : MG_LOG_WARNING;
}

/* Log budget: log-rate lines a second per class and reason. */
static bool log_take(struct mg_engine *e, int cls, enum mg_reason r)
{
	if (!e->log)
		return false;
	uint64_t sec = e->now / 1000;
	if (e->log_sec[cls][r] != sec) {
		e->log_sec[cls][r] = sec;
		e->log_n[cls][r] = 0;
	}
	return e->log_n[cls][r]++ < e->cfg.log_rate;
}

static void log_vline(struct mg_engine *e, int cls, enum mg_reason r, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
static void log_vline(struct mg_engine *e, int cls, enum mg_reason r, const char *fmt, va_list ap)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "%s: ", mg_reason_name(r));
	if (n > 0 && (size_t)n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	e->log(e->log_ctx, e->now, log_level_of(cls), line);
}

static void event_vlog(struct mg_engine *e, enum mg_reason r, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static void event_vlog(struct mg_engine *e, enum mg_reason r, const char *fmt, va_list ap)
{
	if (log_take(e, LOG_EVENT, r))
		log_vline(e, LOG_EVENT, r, fmt, ap);
}

void mg_engine_logf(struct mg_engine *e, enum mg_reason r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	event_vlog(e, r, fmt, ap);
	va_end(ap);
}

void mg_engine_count(struct mg_engine *e, enum mg_reason r)
{
	e->st.events[r]++;
}

void mg_engine_event(struct mg_engine *e, enum mg_reason r, const char *fmt, ...)
{
	mg_engine_count(e, r);
	va_list ap;
	va_start(ap, fmt);
	event_vlog(e, r, fmt, ap);
	va_end(ap);
}

static void log_drop_line(struct mg_engine *e, enum mg_reason r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void log_drop_line(struct mg_engine *e, enum mg_reason r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vline(e, LOG_DROP, r, fmt, ap);
	va_end(ap);
}

/* A drop line names the side and the 5-tuple (formatted only when the
 * reason's budget lets the line out: floods cost no formatting).  A drop
 * the ALG has told with its own line (alg_logged) gets no second one; the
 * flag covers this one drop. */
void mg_engine_drop(struct mg_engine *e, enum mg_reason r, const struct mg_pkt *p, enum mg_side side,
		    uint32_t len)
{
	bool told = e->alg_logged;
	e->alg_logged = false;
	e->st.drops++;
	e->st.dropped[r]++;
	if (told || !log_take(e, LOG_DROP, r))
		return;
	char t[MG_TUPLE_STR];
	if (p)
		mg_tuple_str(&p->t, t, sizeof(t));
	else
		snprintf(t, sizeof(t), "unparsable packet");
	log_drop_line(e, r, "%s: %s, %u bytes, dropped", side == MG_SIDE_INSIDE ? "inside" : "outside", t, len);
}
