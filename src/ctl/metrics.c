/* metrics.c - Prometheus text exposition over libmicrohttpd (metrics.h). */
#include "ctl/metrics.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/reason.h"

#define RENDER_MAX (64u << 10)

/* Upper bounds of the setup latency buckets, in ms and as printed. */
static const uint64_t bucket_ms[MG_METRICS_BUCKETS] = {5,   10,  25,   50,   100,  250,
						       500, 1000, 2500, 5000, 10000};
static const char *const bucket_le[MG_METRICS_BUCKETS] = {
	"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10"};

struct mg_metrics {
	struct MHD_Daemon *d;
	pthread_mutex_t mu;
	struct mg_metrics_snap pub; /* under mu: what scrapes see */
	/* main thread only */
	struct mg_metrics_snap hist; /* the histogram part is the truth */
	uint64_t last_ms;
	bool dirty;
};

struct out {
	char *b;
	size_t n, len;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(o->len < o->n ? o->b + o->len : NULL, o->len < o->n ? o->n - o->len : 0,
			  fmt, ap);
	va_end(ap);
	if (k > 0)
		o->len += (size_t)k;
}

static void head(struct out *o, const char *name, const char *type, const char *help)
{
	put(o, "# HELP meetgate_%s %s\n# TYPE meetgate_%s %s\n", name, help, name, type);
}

static void one(struct out *o, const char *name, const char *type, const char *help, uint64_t v)
{
	head(o, name, type, help);
	put(o, "meetgate_%s %" PRIu64 "\n", name, v);
}

static void by_reason(struct out *o, const char *name, const char *help, const uint64_t *v)
{
	head(o, name, "counter", help);
	for (unsigned r = 1; r < MG_R__COUNT; r++) /* 0 is "none" */
		put(o, "meetgate_%s{reason=\"%s\"} %" PRIu64 "\n", name,
		    mg_reason_name((enum mg_reason)r), v[r]);
}

static void by_side(struct out *o, const char *name, const char *help, const uint64_t v[2])
{
	head(o, name, "counter", help);
	put(o, "meetgate_%s{side=\"inside\"} %" PRIu64 "\n", name, v[MG_SIDE_INSIDE]);
	put(o, "meetgate_%s{side=\"outside\"} %" PRIu64 "\n", name, v[MG_SIDE_OUTSIDE]);
}

int mg_metrics_render(const struct mg_metrics_snap *s, char *buf, size_t n)
{
	struct out o = {buf, n, 0};
	const struct mg_stats *st = &s->st;
	if (n > 0)
		buf[0] = '\0';
	by_reason(&o, "drops_total", "Packets dropped, by reason.", st->dropped);
	by_reason(&o, "events_total", "Events counted (passed but worth counting), by reason.",
		  st->events);
	by_side(&o, "packets_in_total", "Packets received, by arrival side.", st->pkts_in);
	by_side(&o, "packets_out_total", "Packets sent, by departure side.", st->pkts_out);
	one(&o, "flows_active", "gauge", "Flows tracked now.", st->flows_active);
	one(&o, "bindings_active", "gauge", "NAT bindings now.", st->bindings_active);
	one(&o, "pinholes_active", "gauge", "Pinholes open now.", st->pinholes_active);
	one(&o, "calls_active", "gauge", "H.323 calls now.", st->calls_active);
	one(&o, "flows_total", "counter", "Flows created.", st->flows_created);
	one(&o, "pinholes_total", "counter", "Pinholes opened.", st->pinholes_opened);
	one(&o, "calls_total", "counter", "H.323 calls seen (Setups that made a call).",
	    st->calls_created);
	one(&o, "directory_entries", "gauge", "Directory entries now (static and learned).",
	    st->directory_entries);
	one(&o, "directory_learned_total", "counter", "Directory entries learned (new aliases).",
	    st->directory_learned);
	one(&o, "directory_expired_total", "counter", "Learned directory entries expired.",
	    st->directory_expired);
	one(&o, "directory_refused_total", "counter",
	    "Aliases not learned (held by a static entry, directory full, bad alias).",
	    st->directory_refused);
	one(&o, "pool_in_use", "gauge", "Pool addresses lent to inside hosts now.", st->pool_in_use);
	one(&o, "pool_assigned_total", "counter", "Pool addresses lent to inside hosts.", st->pool_assigned);
	one(&o, "pool_exhausted_total", "counter", "Requests for a pool address that found none free.",
	    st->pool_exhausted);
	one(&o, "ras_registrations_active", "gauge", "RAS registrations of inside endpoints live now.",
	    st->ras_reg_active);
	one(&o, "ras_registrations_total", "counter", "RAS registrations confirmed by a gatekeeper.",
	    st->ras_reg_created);
	one(&o, "ras_registrations_expired_total", "counter", "RAS registrations not renewed in time.",
	    st->ras_reg_expired);
	head(&o, "call_setup_seconds", "histogram", "Time from a call's Setup to its Connect.");
	uint64_t cum = 0;
	for (unsigned i = 0; i < MG_METRICS_BUCKETS; i++) {
		cum += s->setup_le[i];
		put(&o, "meetgate_call_setup_seconds_bucket{le=\"%s\"} %" PRIu64 "\n", bucket_le[i],
		    cum);
	}
	put(&o, "meetgate_call_setup_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n", s->setup_count);
	put(&o, "meetgate_call_setup_seconds_sum %" PRIu64 ".%03u\n", s->setup_sum_ms / 1000,
	    (unsigned)(s->setup_sum_ms % 1000));
	put(&o, "meetgate_call_setup_seconds_count %" PRIu64 "\n", s->setup_count);
	return o.len > (size_t)INT32_MAX ? -1 : (int)o.len;
}

void mg_metrics_observe_setup(struct mg_metrics *m, uint64_t ms)
{
	if (m == NULL)
		return;
	for (unsigned i = 0; i < MG_METRICS_BUCKETS; i++) {
		if (ms <= bucket_ms[i]) {
			m->hist.setup_le[i]++;
			break;
		}
	}
	m->hist.setup_count++;
	m->hist.setup_sum_ms += ms;
	m->dirty = true;
}

void mg_metrics_update(struct mg_metrics *m, const struct mg_stats *st, uint64_t now_ms)
{
	if (m == NULL || (!m->dirty && now_ms - m->last_ms < MG_METRICS_PERIOD_MS))
		return;
	m->hist.st = *st;
	pthread_mutex_lock(&m->mu);
	m->pub = m->hist;
	pthread_mutex_unlock(&m->mu);
	m->last_ms = now_ms;
	m->dirty = false;
}

/* libmicrohttpd's thread: GET (or HEAD) /metrics. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct mg_metrics *m = cls;
	struct MHD_Response *resp;
	unsigned status = MHD_HTTP_OK;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		static char bad[] = "only GET\n";
		status = MHD_HTTP_METHOD_NOT_ALLOWED;
		resp = MHD_create_response_from_buffer(sizeof(bad) - 1, bad, MHD_RESPMEM_PERSISTENT);
	} else if (strcmp(url, "/metrics") != 0) {
		static char nf[] = "see /metrics\n";
		status = MHD_HTTP_NOT_FOUND;
		resp = MHD_create_response_from_buffer(sizeof(nf) - 1, nf, MHD_RESPMEM_PERSISTENT);
	} else {
		struct mg_metrics_snap *s = malloc(sizeof(*s));
		char *text = malloc(RENDER_MAX);
		if (s == NULL || text == NULL) {
			free(s);
			free(text);
			return MHD_NO;
		}
		pthread_mutex_lock(&m->mu);
		*s = m->pub;
		pthread_mutex_unlock(&m->mu);
		int k = mg_metrics_render(s, text, RENDER_MAX);
		free(s);
		if (k < 0 || (size_t)k >= RENDER_MAX) {
			free(text);
			return MHD_NO;
		}
		resp = MHD_create_response_from_buffer((size_t)k, text, MHD_RESPMEM_MUST_FREE);
		if (resp == NULL)
			free(text);
		else
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
						"text/plain; version=0.0.4; charset=utf-8");
	}
	if (resp == NULL)
		return MHD_NO;
	enum MHD_Result r = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return r;
}

struct mg_metrics *mg_metrics_open(uint32_t addr, uint16_t port, char *err, size_t errlen)
{
	struct mg_metrics *m = calloc(1, sizeof(*m));
	if (m == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (pthread_mutex_init(&m->mu, NULL) != 0) {
		snprintf(err, errlen, "mutex");
		goto free_m;
	}
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	sa.sin_addr.s_addr = addr;
	/* few scrapers, short answers: a handful of connections, each timed out */
	m->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, port, NULL, NULL,
				on_request, m, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)8,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10, MHD_OPTION_END);
	if (m->d == NULL) {
		char a[INET_ADDRSTRLEN] = "?";
		inet_ntop(AF_INET, &addr, a, sizeof(a));
		snprintf(err, errlen, "cannot listen on %s:%u (address in use or not local?)", a,
			 (unsigned)port);
		goto destroy_mutex;
	}
	return m;
destroy_mutex:
	pthread_mutex_destroy(&m->mu);
free_m:
	free(m);
	return NULL;
}

void mg_metrics_close(struct mg_metrics *m)
{
	if (m == NULL)
		return;
	MHD_stop_daemon(m->d);
	pthread_mutex_destroy(&m->mu);
	free(m);
}
