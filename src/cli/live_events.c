/* live_events.c - engine and ALG hooks to control-socket events
 * (live_events.h).  Runs on the packet path: with no subscriber, each hook
 * is one test; with one, a copy into its ring (mg_ctl_post). */
#include "cli/live_events.h"

#include <stdbool.h>
#include <string.h>
#include <time.h>

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void post_flow(struct mg_live_events *lv, uint8_t kind, const struct mg_flow_info *fi)
{
	if (!mg_ctl_subscribed(lv->ctl))
		return;
	struct mg_ctl_event ev = {.kind = kind};
	ev.u.flow = *fi;
	mg_ctl_post(lv->ctl, &ev);
}

static void on_flow_new(void *ctx, const struct mg_flow_info *fi)
{
	post_flow(ctx, MG_CTL_EV_FLOW_NEW, fi);
}

static void on_flow_end(void *ctx, const struct mg_flow_info *fi)
{
	post_flow(ctx, MG_CTL_EV_FLOW_END, fi);
}

static void post_binding(struct mg_live_events *lv, uint8_t kind, const struct mg_binding_info *bi)
{
	if (!mg_ctl_subscribed(lv->ctl))
		return;
	struct mg_ctl_event ev = {.kind = kind};
	ev.u.binding = *bi;
	mg_ctl_post(lv->ctl, &ev);
}

static void on_binding_new(void *ctx, const struct mg_binding_info *bi)
{
	post_binding(ctx, MG_CTL_EV_BINDING_NEW, bi);
}

static void on_binding_free(void *ctx, const struct mg_binding_info *bi)
{
	post_binding(ctx, MG_CTL_EV_BINDING_FREE, bi);
}

static void post_pinhole(struct mg_live_events *lv, uint8_t kind, const struct mg_pinhole_info *pi)
{
	if (!mg_ctl_subscribed(lv->ctl))
		return;
	struct mg_ctl_event ev = {.kind = kind};
	ev.u.pinhole = *pi;
	mg_ctl_post(lv->ctl, &ev);
}

static void on_pinhole_open(void *ctx, const struct mg_pinhole_info *pi)
{
	post_pinhole(ctx, MG_CTL_EV_PINHOLE_OPEN, pi);
}

static void on_pinhole_close(void *ctx, const struct mg_pinhole_info *pi)
{
	post_pinhole(ctx, MG_CTL_EV_PINHOLE_CLOSE, pi);
}

/* The ALG's trace: only the life of calls is an event; its Connect is the
 * setup latency metric. */
void mg_live_events_on_trace(void *ctx, const struct mg_call_trace *t)
{
	struct mg_live_events *lv = ctx;
	if (t->kind == MG_CALL_TR_CALL_CONNECT && t->created != 0 && t->now >= t->created)
		mg_metrics_observe_setup(lv->met, t->now - t->created);
	if (t->kind != MG_CALL_TR_CALL_START && t->kind != MG_CALL_TR_CALL_END)
		return;
	if (!mg_ctl_subscribed(lv->ctl))
		return;
	struct mg_ctl_event ev = {.kind = t->kind == MG_CALL_TR_CALL_START ? MG_CTL_EV_CALL_START
									   : MG_CTL_EV_CALL_END};
	struct mg_ctl_ev_call *c = &ev.u.call;
	c->id = t->call;
	/* start: sender the caller, receiver the callee; end: sender the
	 * inside endpoint, receiver the peer (h323.h) */
	c->inbound = !t->from_inside;
	bool caller_inside = t->kind == MG_CALL_TR_CALL_END || t->from_inside;
	c->inside = caller_inside ? t->sender : t->receiver;
	c->peer = caller_inside ? t->receiver : t->sender;
	if (t->guid != NULL) {
		c->has_guid = true;
		memcpy(c->guid, t->guid, sizeof(c->guid));
	}
	/* a call may end on a timer, long after its last message: the clock,
	 * not t->now (both are the monotonic milliseconds of `meetgate run`) */
	uint64_t now = mono_ms();
	if (t->kind == MG_CALL_TR_CALL_END && t->created != 0 && now > t->created)
		c->duration_ms = now - t->created;
	mg_ctl_post(lv->ctl, &ev);
}

void mg_live_events_attach(struct mg_live_events *lv, struct mg_engine *e)
{
	const struct mg_engine_events ev = {
		.flow_new = on_flow_new,
		.binding_free = on_binding_free,
		.pinhole_open = on_pinhole_open,
		.pinhole_close = on_pinhole_close,
	};
	mg_engine_set_events(e, &ev, lv);
	mg_engine_set_flow_end(e, on_flow_end, lv);
	mg_engine_set_binding_new(e, on_binding_new, lv);
}

void mg_live_events_detach(struct mg_engine *e)
{
	mg_engine_set_events(e, NULL, NULL);
	mg_engine_set_flow_end(e, NULL, NULL);
	mg_engine_set_binding_new(e, NULL, NULL);
}

int mg_live_metrics_open(struct mg_live_events *lv, const struct mg_config_live *l, char *err,
			 size_t errlen)
{
	lv->met = NULL;
	if (l->metrics_port == 0)
		return 0;
	lv->met = mg_metrics_open(l->metrics_addr, l->metrics_port, err, errlen);
	return lv->met ? 0 : -1;
}

void mg_live_metrics_update(struct mg_live_events *lv, struct mg_engine *e, uint64_t now_ms)
{
	if (lv->met != NULL)
		mg_metrics_update(lv->met, mg_engine_stats(e), now_ms);
}

void mg_live_metrics_close(struct mg_live_events *lv)
{
	mg_metrics_close(lv->met);
	lv->met = NULL;
}
