/* runlog.c - see runlog.h. */
#include "cli/runlog.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "cli/logline.h"
#include "core/config.h"

static int log_level = MG_LOG_NOTICE;
static bool log_syslog;

void mg_runlog_open(int level, bool use_syslog)
{
	log_level = level;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog("meetgate", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void mg_runlog_set_level(int level)
{
	log_level = level;
}

bool mg_runlog_wants(int level)
{
	return level <= log_level;
}

void mg_runlog_close(void)
{
	if (log_syslog)
		closelog();
	log_syslog = false;
}

void mg_runlog(int level, const char *fmt, ...)
{
	if (level > log_level)
		return;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (log_syslog) {
		syslog(mg_log_syslog_priority(level), "%s", line);
		return;
	}
	struct timespec ts;
	struct tm tm;
	char prefix[96];
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	mg_log_stderr_prefix(prefix, sizeof(prefix), &tm, ts.tv_nsec / 1000000L, level);
	fprintf(stderr, "%s%s\n", prefix, line);
}
