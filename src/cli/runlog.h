/* runlog.h - where `meetgate run` writes its lines: stderr with a timestamp
 * and the level, or syslog(3) (logline.h says which).  One destination per
 * process, as syslog(3) itself. */
#ifndef MG_CLI_RUNLOG_H
#define MG_CLI_RUNLOG_H

#include <stdbool.h>

/* Lines above `level` (enum mg_log_level) are not written. */
void mg_runlog_open(int level, bool use_syslog);
void mg_runlog_set_level(int level);
bool mg_runlog_wants(int level);
void mg_runlog_close(void);
void mg_runlog(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
