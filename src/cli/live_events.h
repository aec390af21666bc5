/* live_events.h - what `meetgate run` tells its event subscribers and
 * its metrics endpoint: the engine's hooks and call trace turned into the generic records of
 * the control socket, so that ctl/ needs no ALG header. */
#ifndef MG_LIVE_EVENTS_H
#define MG_LIVE_EVENTS_H

#include "core/engine.h"
#include "ctl/ctl.h"
#include "ctl/metrics.h"

struct mg_live_events {
	struct mg_ctl *ctl; /* event subscribers; may be NULL */
	struct mg_metrics *met; /* the Prometheus endpoint; NULL when off */
};

/* Set the engine's hooks to feed `lv`; lv must outlive them: detach
 * before freeing what it points to.  The engine's single call trace belongs to
 * `meetgate run`, which passes every trace event on to
 * mg_live_events_on_trace (ctx = lv). */
void mg_live_events_attach(struct mg_live_events *lv, struct mg_engine *e);
void mg_live_events_detach(struct mg_engine *e);
void mg_live_events_on_trace(void *ctx, const struct mg_call_trace *t);

/* The metrics endpoint the config asks for (`metrics`), if any: 0, or -1
 * with a message.  Update every turn of the loop; close after detach. */
int mg_live_metrics_open(struct mg_live_events *lv, const struct mg_config_live *l, char *err,
			 size_t errlen);
void mg_live_metrics_update(struct mg_live_events *lv, struct mg_engine *e, uint64_t now_ms);
void mg_live_metrics_close(struct mg_live_events *lv);

#endif
