/* metrics.h - the Prometheus endpoint of `meetgate run` (text exposition
 * format 0.0.4, GET /metrics), served by GNU libmicrohttpd.
 *
 * Threads: libmicrohttpd answers in its own thread
 * (MHD_USE_INTERNAL_POLLING_THREAD).  It never reads the engine: the main
 * loop copies the counters into a snapshot under a mutex (mg_metrics_update,
 * at most once per MG_METRICS_PERIOD_MS, at once after an observation), and
 * a scrape renders a copy of that snapshot taken under the same mutex.  So
 * the packet path takes no lock, and a scrape sees figures at most a
 * second old.  Names: doc/live.md.
 */
#ifndef MG_METRICS_H
#define MG_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/engine.h"

#define MG_METRICS_PERIOD_MS 1000
#define MG_METRICS_BUCKETS 11 /* call setup latency: le= 0.005 .. 10 s, then +Inf */

/* What a scrape shows. */
struct mg_metrics_snap {
	struct mg_stats st;
	uint64_t setup_le[MG_METRICS_BUCKETS]; /* observations per bucket (not cumulative) */
	uint64_t setup_count;                  /* all, the +Inf bucket */
	uint64_t setup_sum_ms;
};

struct mg_metrics;

/* Listen on addr:port (network order address).  NULL and a message in err
 * on failure (address in use, not local, ...). */
struct mg_metrics *mg_metrics_open(uint32_t addr, uint16_t port, char *err, size_t errlen);
void mg_metrics_close(struct mg_metrics *m);

/* Main loop, every turn: publish `st` if a period passed or something was
 * observed since the last copy.  m may be NULL (no endpoint). */
void mg_metrics_update(struct mg_metrics *m, const struct mg_stats *st, uint64_t now_ms);
/* A call reached Connect `ms` after its Setup (main thread). */
void mg_metrics_observe_setup(struct mg_metrics *m, uint64_t ms);

/* The exposition text of a snapshot; snprintf-like. */
int mg_metrics_render(const struct mg_metrics_snap *s, char *buf, size_t n);

#endif
