/* run.c - `meetgate run`: the live gateway on Linux (doc/live.md).
 *
 * Start-up, in order: config, interfaces the file leaves out (from the
 * routes), engine (+ H.323 ALG), NFQUEUE bind, sysctls, nftables table,
 * control socket; shutdown undoes them in reverse, the table first of what
 * the kernel sees so the queue never stays loaded without us on a clean exit,
 * then the sysctls meetgate changed.  Signals are blocked and read from a
 * signalfd in the loop: nothing runs in a signal handler.  The loop polls the
 * signalfd, the queue and the control socket with a 100 ms timeout and runs
 * the engine's timers every turn.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "alg/guards.h"
#include "alg/h323.h"
#include "alg/ils.h"
#include "alg/ras.h"
#include "cli/cli.h"
#include "cli/logline.h"
#include "cli/runlog.h"
#include "cli/live_events.h"
#include "core/engine.h"
#include "ctl/ctl.h"
#include "io/nfq.h"
#include "io/route.h"
#include "io/rules.h"
#include "io/sysctl.h"
#include "io/xdp.h"

#define RUN_POLL_MS 100
#define RUN_ERR 1024

struct run {
	const char *config_path;
	struct mg_config *cfg;
	struct mg_config_live file_live; /* as the file says, before interfaces are derived */
	struct mg_sysctl sys;
	struct mg_engine *e;
	struct mg_h323 *h323;
	struct mg_ils *ils;
	struct mg_ras_alg *ras;
	struct mg_nfq *q;  /* one data path: the queue, */
	struct mg_xdp *x;  /* or AF_XDP */
	struct mg_ctl *ctl;
	struct mg_live_events lv;
	int sfd;
	int log_level_arg; /* --log-level, -1 = the config's log-level */
	bool log_syslog_arg; /* --syslog */
	bool rules_loaded;
	bool stop;
};

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

#define logf_ mg_runlog

static void on_engine_log(void *ctx, uint64_t now_ms, int level, const char *line)
{
	mg_runlog(level, "%s", line);
}

/* Media packets of one call: the flows a pinhole of the call admitted,
 * and the UDP flows between the call's two endpoints that began with it
 * (media the inside sends first makes its flow by policy, before any
 * pinhole sees it).  Approximate: two calls at once between the same two
 * hosts count each other's media. */
struct call_media_walk {
	uint32_t call, inside, peer;
	uint64_t since;
	struct mg_call_media m;
};

static bool call_endpoints(const struct call_media_walk *w, const struct mg_flow_info *fi)
{
	if (fi->orig.proto != MG_PROTO_UDP || fi->orig.family != MG_AF_INET || fi->created_ms < w->since ||
	    fi->call != 0)
		return false;
	uint32_t in = fi->orig_side == MG_SIDE_INSIDE ? mg_addr_v4(&fi->orig.src)
						      : mg_addr_v4(&fi->reply.src);
	uint32_t out = fi->orig_side == MG_SIDE_INSIDE ? mg_addr_v4(&fi->reply.src)
						       : mg_addr_v4(&fi->orig.src);
	return in == w->inside && out == w->peer;
}

static void add_call_media(void *ctx, const struct mg_flow_info *fi)
{
	struct call_media_walk *w = ctx;
	if (fi->alg[0] != '\0' || (fi->call != w->call && !call_endpoints(w, fi)))
		return;
	int out_dir = fi->orig_side == MG_SIDE_INSIDE ? 0 : 1; /* the direction leaving inside */
	w->m.out += fi->pkts[out_dir];
	w->m.in += fi->pkts[1 - out_dir];
	w->m.flows++;
}

/* A line at the start and the end of every call (notice), and one per
 * message, rewrite and pinhole (debug). */
static void on_call_trace(void *ctx, const struct mg_call_trace *t)
{
	struct run *r = ctx;
	char line[512];
	mg_live_events_on_trace(&r->lv, t); /* event subscribers and metrics */
	if (t->kind == MG_CALL_TR_CALL_START) {
		if (!mg_runlog_wants(MG_LOG_NOTICE))
			return;
		mg_log_call_start(line, sizeof(line), t);
		mg_runlog(MG_LOG_NOTICE, "%s", line);
	} else if (t->kind == MG_CALL_TR_CALL_END) {
		if (!mg_runlog_wants(MG_LOG_NOTICE))
			return;
		struct call_media_walk w = {.call = t->call, .inside = t->sender, .peer = t->receiver,
					    .since = t->created};
		mg_engine_foreach_flow(r->e, add_call_media, &w);
		mg_log_call_end(line, sizeof(line), t, &w.m);
		mg_runlog(MG_LOG_NOTICE, "%s", line);
	} else if (mg_runlog_wants(MG_LOG_DEBUG) && mg_log_trace_detail(line, sizeof(line), t) > 0) {
		mg_runlog(MG_LOG_DEBUG, "%s", line);
	}
}

static void on_sysctl_log(void *ctx, const char *line)
{
	logf_(MG_LOG_NOTICE, "%s", line);
}

/* `show stats` rows of the data plane. */
static int nfq_stat_row(void *ctx, char *buf, size_t n, unsigned i)
{
	const struct mg_nfq_stats *s = mg_nfq_stats(ctx);
	const struct {
		const char *name;
		uint64_t v;
	} rows[] = {
		{"nfq_received", s->received},   {"nfq_accepted", s->accepted},
		{"nfq_rewritten", s->rewritten}, {"nfq_dropped", s->dropped},
		{"nfq_held", s->held},           {"nfq_unknown_if", s->unknown_if},
		{"nfq_truncated", s->truncated}, {"nfq_enobufs", s->enobufs},
		{"nfq_verdict_batches", s->sends}, {"nfq_send_errors", s->send_errors},
		{"nfq_netlink_errors", s->nl_errors}, {"nfq_emitted", s->emitted},
		{"nfq_emit_errors", s->emit_errors},
	};
	if (i >= sizeof(rows) / sizeof(rows[0]))
		return -1;
	return snprintf(buf, n, "%s %llu\n", rows[i].name, (unsigned long long)rows[i].v);
}

static int xdp_stat_row(void *ctx, char *buf, size_t n, unsigned i)
{
	static const struct mg_xdp_stats *s;
	if (i == 0 || s == NULL) /* the sockets and maps are read once per answer */
		s = mg_xdp_stats(ctx);
	const struct {
		const char *name;
		uint64_t v;
	} rows[] = {
		{"xdp_received", s->received},       {"xdp_accepted", s->accepted},
		{"xdp_rewritten", s->rewritten},     {"xdp_dropped", s->dropped},
		{"xdp_held", s->held},               {"xdp_transmitted", s->transmitted},
		{"xdp_to_kernel", s->kernel},        {"xdp_to_kernel_errors", s->kernel_errors},
		{"xdp_ttl_expired", s->ttl_expired}, {"xdp_noroute", s->noroute},
		{"xdp_tx_full", s->tx_full},         {"xdp_runts", s->runts},
		{"xdp_emitted", s->emitted},         {"xdp_tx_wakeups", s->wakeups},
		{"xdp_rx_ring_full", s->rx_ring_full}, {"xdp_fill_ring_empty", s->fill_empty},
		{"xdp_rx_invalid", s->rx_invalid},   {"xdp_tx_invalid", s->tx_invalid},
		{"xdp_prog_taken", s->prog_taken},   {"xdp_prog_passed", s->prog_passed},
		{"xdp_prog_unbound", s->prog_unbound}, {"xdp_nexthop_lookups", s->nh_lookups},
		{"xdp_nexthop_hits", s->nh_hits},    {"xdp_nexthop_to_kernel", s->nh_kernel},
		{"xdp_nexthop_evictions", s->nh_evictions},
	};
	if (i >= sizeof(rows) / sizeof(rows[0]))
		return -1;
	return snprintf(buf, n, "%s %llu\n", rows[i].name, (unsigned long long)rows[i].v);
}

/* The addresses meetgate answers for: the XDP programs never give packets
 * to them to the kernel.  One list, rebuilt at start and on reload. */
static uint32_t owned_list[2 * MG_CFG_MAX_PUBLIC + MG_CFG_MAX_POOL + MG_CFG_MAX_FORWARD];

static unsigned owned_addrs(const struct mg_config *c)
{
	uint32_t *out = owned_list;
	const unsigned max = sizeof(owned_list) / sizeof(owned_list[0]);
	unsigned n = 0;
	for (unsigned k = 0; k < c->n_public && n < max; k++)
		out[n++] = c->public_addr[k];
	for (unsigned k = 0; k < c->n_pool && n < max; k++)
		out[n++] = c->pool_addr[k];
	for (unsigned k = 0; k < c->n_route && n < max; k++)
		out[n++] = c->route_addr[k];
	for (unsigned k = 0; k < c->n_forward && n < max; k++)
		if (c->forward[k].pub_addr)
			out[n++] = c->forward[k].pub_addr;
	return n;
}

/* `datapath afxdp`: the programs and sockets; NULL (and the reason in err)
 * sends the caller back to NFQUEUE. */
static struct mg_xdp *open_xdp(struct run *r, char *err, size_t errlen)
{
	const struct mg_config *c = r->cfg;
	unsigned n = owned_addrs(c);
	struct mg_xdp_opts xo = {c->live.if_inside, c->live.if_outside, c->live.fail_open, c->live.xdp_mode,
				 MG_RULES_MARK, owned_list, n};
	return mg_xdp_open(&xo, err, errlen);
}

static void rules_opts(const struct mg_config *c, struct mg_rules_opts *o, bool no_stmt)
{
	*o = (struct mg_rules_opts){c->live.if_inside, c->live.if_outside, c->live.queue,
				    c->live.fail_open, MG_RULES_MARK, no_stmt};
}

/* Load the table; kernels without nft's queue expression get the empty
 * chain plus the xtables target (rules.h). */
static int install_rules(struct run *r, char *err, size_t errlen)
{
	struct mg_rules_opts o;
	char text[MG_RULES_TEXT_MAX];

	rules_opts(r->cfg, &o, false);
	if (mg_rules_text(&o, text, sizeof(text)) >= (int)sizeof(text)) {
		snprintf(err, errlen, "ruleset text too long");
		return -1;
	}
	if (mg_rules_apply(text, err, errlen) == 0)
		return 0;
	char first[RUN_ERR];
	snprintf(first, sizeof(first), "%s", err);
	o.no_queue_stmt = true;
	mg_rules_text(&o, text, sizeof(text));
	if (mg_rules_apply(text, err, errlen) != 0)
		return -1;
	r->rules_loaded = true;
	if (mg_rules_xt_queue(r->cfg->live.queue, r->cfg->live.fail_open, err, errlen) != 0) {
		snprintf(err + strlen(err), errlen - strlen(err), "; before that: %.300s", first);
		return -1;
	}
	logf_(MG_LOG_WARNING, "nft has no queue statement here (%s); using the xtables NFQUEUE target", first);
	return 0;
}

static void remove_rules(struct run *r)
{
	char err[RUN_ERR];
	if (!r->rules_loaded)
		return;
	if (mg_rules_apply(mg_rules_remove_text(), err, sizeof(err)) != 0)
		logf_(MG_LOG_ERROR, "removing table inet %s failed: %s", MG_RULES_TABLE, err);
	r->rules_loaded = false;
}

static bool live_equal(const struct mg_config_live *a, const struct mg_config_live *b)
{
	return strcmp(a->if_inside, b->if_inside) == 0 && strcmp(a->if_outside, b->if_outside) == 0 &&
	       a->queue == b->queue && a->fail_open == b->fail_open && a->datapath == b->datapath &&
	       a->xdp_mode == b->xdp_mode &&
	       strcmp(a->control, b->control) == 0 && a->sysctl_keep == b->sysctl_keep;
}

/* SIGHUP: a config that does not parse, or that the engine refuses, leaves
 * the running one in place.  Settings bound at start (interfaces, queue,
 * fail mode, control socket, sysctl mode, ALG on/off) keep their running
 * value; the file's are compared with what the file said at start, since
 * derived interface names are not in the file. */
static void reload(struct run *r)
{
	char err[RUN_ERR];
	struct mg_config *nc = calloc(1, sizeof(*nc));
	if (nc == NULL) {
		logf_(MG_LOG_ERROR, "reload: out of memory; the running configuration stays");
		return;
	}
	if (mg_cli_load_config(r->config_path, nc, err, sizeof(err)) != 0) {
		logf_(MG_LOG_ERROR, "reload refused, the running configuration stays: %s", err);
		goto done;
	}
	if (!live_equal(&nc->live, &r->file_live))
		logf_(MG_LOG_WARNING, "reload: interface, queue, fail, control and sysctl settings change only on "
		      "restart");
	nc->live = r->cfg->live;
	if (nc->alg_h323 != r->cfg->alg_h323) {
		logf_(MG_LOG_WARNING, "reload: 'alg h323' changes only on restart");
		nc->alg_h323 = r->cfg->alg_h323;
	}
	if (mg_engine_reconfigure(r->e, nc, err, sizeof(err)) != 0) {
		logf_(MG_LOG_ERROR, "reload refused (needs a restart), the running configuration stays: %s", err);
		goto done;
	}
	*r->cfg = *nc;
	if (r->x) {
		unsigned n = owned_addrs(r->cfg);
		mg_xdp_set_owned(r->x, owned_list, n);
	}
	if (r->log_level_arg < 0)
		mg_runlog_set_level(r->cfg->log_level);
	logf_(MG_LOG_NOTICE, "reloaded %s", r->config_path);
done:
	free(nc);
}

static void read_signals(struct run *r)
{
	struct signalfd_siginfo si;
	while (read(r->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload(r);
		else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			logf_(MG_LOG_NOTICE, "signal %u: shutting down", si.ssi_signo);
			r->stop = true;
		}
	}
}

/* AF_XDP: bursts while the rings keep them full, a bounded number per turn
 * so timers, signals and the control socket are served in between. */
#define RUN_XDP_BURSTS 16

static int data_path_fds(struct run *r, struct pollfd *fds, int max)
{
	if (r->x)
		return mg_xdp_pollfds(r->x, fds, max);
	fds[0] = (struct pollfd){.fd = mg_nfq_fd(r->q), .events = POLLIN};
	return 1;
}

/* Returns 1 if more may be waiting (poll without sleeping), 0, or -1. */
static int data_path_serve(struct run *r, const struct pollfd *fds, int n, char *err, size_t errlen)
{
	bool ready = false;
	for (int k = 0; k < n; k++)
		ready |= (fds[k].revents & (POLLIN | POLLERR)) != 0;
	if (r->x) {
		mg_xdp_serve(r->x, fds, n, mono_ms());
		int got = 0;
		for (int b = 0; b < RUN_XDP_BURSTS; b++) {
			got = mg_xdp_run_burst(r->x, mono_ms, err, errlen);
			if (got < 0)
				return -1;
			if (got == 0)
				break;
		}
		mg_xdp_tick(r->x, mono_ms());
		return got > 0;
	}
	if (ready && mg_nfq_run_burst(r->q, mono_ms, err, errlen) < 0)
		return -1;
	return 0;
}

static int loop(struct run *r, char *err, size_t errlen)
{
	struct pollfd fds[1 + MG_XDP_POLLFDS + MG_CTL_POLLFDS];
	int more = 0;
	while (!r->stop) {
		fds[0] = (struct pollfd){.fd = r->sfd, .events = POLLIN};
		int nd = data_path_fds(r, fds + 1, MG_XDP_POLLFDS);
		int n = 1 + nd;
		n += mg_ctl_pollfds(r->ctl, fds + n, (int)(sizeof(fds) / sizeof(fds[0])) - n);
		/* answer rows still to make, or rings still full: come straight back */
		int wait_ms = mg_ctl_pending(r->ctl) || more ? 0 : RUN_POLL_MS;
		if (poll(fds, (nfds_t)n, wait_ms) < 0 && errno != EINTR) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return -1;
		}
		more = data_path_serve(r, fds + 1, nd, err, errlen);
		if (more < 0)
			return -1;
		uint64_t now = mono_ms();
		mg_engine_expire(r->e, now);
		mg_ctl_serve(r->ctl, fds + 1 + nd, n - 1 - nd, now);
		mg_live_metrics_update(&r->lv, r->e, now);
		if (fds[0].revents & POLLIN)
			read_signals(r);
	}
	return 0;
}

static int usage(FILE *f, int rc)
{
	fprintf(f, "usage: meetgate run --config FILE [--print-rules] [--foreground]\n"
		   "                    [--log-level LEVEL] [--syslog]\n");
	if (f != stdout)
		return rc;
	fprintf(f, "\nRun the live gateway: NFQUEUE, the nftables table `inet meetgate`, the sysctls\n"
		   "of a router and the control socket; stays in the foreground, logs to stderr.\n\n"
		   "  --config FILE   configuration file (meetgate.conf(5)), or `default` for the\n"
		   "                  built-in lab configuration (required)\n"
		   "  --print-rules   print the nftables ruleset it would load and exit, touching nothing\n"
		   "  --foreground    accepted for service managers; the gateway always stays in the\n"
		   "                  foreground\n"
		   "  --log-level L   error, warning, notice, info or debug: overrides the file's\n"
		   "                  log-level (default notice)\n"
		   "  --syslog        log to syslog(3) (facility daemon), not stderr; the default\n"
		   "                  when stderr is not a terminal and JOURNAL_STREAM is set\n"
		   "  -h, --help      this text\n\n"
		   "Signals: SIGTERM, SIGINT stop cleanly (table deleted, sysctls restored);\n"
		   "SIGHUP reloads the configuration file (a bad one is refused and logged).\n"
		   "Exit status: 0 clean stop, 1 start-up or run-time failure, 2 usage error.\n");
	return rc;
}

static int parse_args(int argc, char **argv, struct run *r, bool *print_rules)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			return usage(stdout, 0) - 1;
		if (strcmp(a, "--print-rules") == 0) {
			*print_rules = true;
			continue;
		}
		if (strcmp(a, "--foreground") == 0)
			continue; /* the only mode: a service manager supervises */
		if (strcmp(a, "--syslog") == 0) {
			r->log_syslog_arg = true;
			continue;
		}
		const char *lv = NULL;
		int m = mg_cli_opt("run", argc, argv, &i, "--log-level", &lv);
		if (m < 0)
			return 2;
		if (m > 0) {
			r->log_level_arg = mg_log_level_parse(lv);
			if (r->log_level_arg < 0) {
				fprintf(stderr, "meetgate run: --log-level must be error, warning, notice, "
						"info or debug '%s'\n", lv);
				return 2;
			}
			continue;
		}
		m = mg_cli_opt("run", argc, argv, &i, "--config", &r->config_path);
		if (m < 0)
			return 2;
		if (m == 0) {
			fprintf(stderr, "meetgate run: unknown argument '%s'\n", a);
			return usage(stderr, 2);
		}
	}
	if (r->config_path == NULL) {
		fprintf(stderr, "meetgate run: --config is required\n");
		return usage(stderr, 2);
	}
	return 0;
}

static int print_ruleset(const struct mg_config *c)
{
	struct mg_rules_opts o;
	char text[MG_RULES_TEXT_MAX];
	rules_opts(c, &o, false);
	int n = mg_rules_text(&o, text, sizeof(text));
	if (n < 0 || n >= (int)sizeof(text)) {
		fprintf(stderr, "meetgate run: cannot render the ruleset\n");
		return 1;
	}
	if (c->live.datapath == MG_DATAPATH_AFXDP)
		fputs("# datapath afxdp: this table is loaded only if AF_XDP cannot start\n", stdout);
	fputs(text, stdout);
	return 0;
}

/* Everything after the config: returns the exit status. */
static int run_gateway(struct run *r)
{
	char err[RUN_ERR];
	uint64_t seed = 0;
	int rc = 1;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 ||
	    (r->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		logf_(MG_LOG_ERROR, "signalfd: %s", strerror(errno));
		return 1;
	}
	if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	r->e = mg_engine_new(r->cfg, seed, err, sizeof(err));
	if (r->e == NULL) {
		logf_(MG_LOG_ERROR, "engine: %s", err);
		goto close_sfd;
	}
	mg_engine_set_log(r->e, on_engine_log, NULL);
	if (r->cfg->n_pool > 0) { /* lent while the alias lines loaded, before there was a log */
		const struct mg_stats *st = mg_engine_stats(r->e);
		logf_(MG_LOG_NOTICE, "pool: %u addresses, %u lent to alias lines, %llu asked in vain",
		      (unsigned)st->pool_addresses, (unsigned)st->pool_in_use,
		      (unsigned long long)st->pool_exhausted);
	}
	if (r->cfg->alg_h323 && (r->h323 = mg_h323_attach(r->e)) == NULL) {
		logf_(MG_LOG_ERROR, "cannot attach the H.323 ALG");
		goto free_engine;
	}
	mg_engine_set_call_trace(r->e, on_call_trace, r);
	mg_guards_attach(r->e);
	if ((r->ils = mg_ils_attach(r->e)) == NULL) {
		logf_(MG_LOG_ERROR, "cannot attach the ILS ALG");
		goto free_alg;
	}
	if ((r->ras = mg_ras_alg_attach(r->e)) == NULL) {
		logf_(MG_LOG_ERROR, "cannot attach the RAS ALG");
		goto free_alg;
	}
	if (r->cfg->live.datapath == MG_DATAPATH_AFXDP) {
		r->x = open_xdp(r, err, sizeof(err));
		if (r->x == NULL)
			logf_(MG_LOG_WARNING, "datapath afxdp unavailable (%s): using NFQUEUE", err);
		else
			mg_xdp_attach(r->x, r->e);
	}
	if (r->x == NULL) {
		struct mg_nfq_opts qo = {r->cfg->live.queue, r->cfg->live.if_inside, r->cfg->live.if_outside,
					 r->cfg->live.fail_open, MG_RULES_MARK};
		r->q = mg_nfq_open(&qo, err, sizeof(err));
		if (r->q == NULL) {
			logf_(MG_LOG_ERROR, "%s", err);
			goto free_alg;
		}
		mg_nfq_attach(r->q, r->e);
	}
	if (mg_sysctl_init(&r->sys, MG_SYSCTL_BASE, r->cfg->live.if_inside, r->cfg->live.if_outside,
			   on_sysctl_log, NULL, err, sizeof(err)) != 0 ||
	    mg_sysctl_setup(&r->sys, r->cfg->live.sysctl_keep, err, sizeof(err)) != 0) {
		logf_(MG_LOG_ERROR, "%s", err);
		goto close_queue; /* a failed setup put back what it had changed */
	}
	/* AF_XDP takes its packets before the kernel sees them: no table */
	if (r->x == NULL) {
		if (install_rules(r, err, sizeof(err)) != 0) {
			logf_(MG_LOG_ERROR, "%s", err);
			goto remove_table;
		}
		r->rules_loaded = true;
	}
	r->ctl = mg_ctl_open(r->cfg->live.control, err, sizeof(err));
	if (r->ctl == NULL) {
		logf_(MG_LOG_ERROR, "control socket: %s", err);
		goto remove_table;
	}
	if (r->x)
		mg_ctl_set_source(r->ctl, r->e, xdp_stat_row, r->x);
	else
		mg_ctl_set_source(r->ctl, r->e, nfq_stat_row, r->q);
	r->lv.ctl = r->ctl;
	mg_live_events_attach(&r->lv, r->e);
	if (mg_live_metrics_open(&r->lv, &r->cfg->live, err, sizeof(err)) != 0) {
		logf_(MG_LOG_ERROR, "metrics: %s", err);
		goto close_ctl;
	}
	char path[64];
	if (r->x)
		snprintf(path, sizeof(path), "datapath afxdp (%s, %u+%u queues)", mg_xdp_mode_name(r->x),
			 mg_xdp_queues(r->x, MG_SIDE_INSIDE), mg_xdp_queues(r->x, MG_SIDE_OUTSIDE));
	else
		snprintf(path, sizeof(path), "queue %u", r->cfg->live.queue);
	logf_(MG_LOG_NOTICE, "running: %s, inside %s, outside %s, fail %s, control %s", path,
	      r->cfg->live.if_inside, r->cfg->live.if_outside, r->cfg->live.fail_open ? "open" : "closed",
	      r->cfg->live.control);
	if (loop(r, err, sizeof(err)) == 0)
		rc = 0;
	else
		logf_(MG_LOG_ERROR, "%s", err);
	char totals[1024];
	mg_log_totals(totals, sizeof(totals), mg_engine_stats(r->e));
	logf_(MG_LOG_NOTICE, "%s", totals);
close_ctl:
	mg_live_events_detach(r->e);
	mg_live_metrics_close(&r->lv);
	mg_ctl_close(r->ctl);
remove_table:
	remove_rules(r);
	mg_sysctl_restore(&r->sys);
close_queue:
	mg_nfq_close(r->q);
	mg_xdp_close(r->x);
free_alg:
	mg_ras_alg_free(r->ras);
	mg_ils_free(r->ils);
	mg_h323_free(r->h323);
free_engine:
	mg_engine_free(r->e);
close_sfd:
	close(r->sfd);
	if (rc == 0)
		logf_(MG_LOG_NOTICE, "stopped");
	return rc;
}

/* Interfaces the file leaves out come from the routes, before anything
 * (the ruleset above all) needs their names. */
static int derive_interfaces(struct run *r)
{
	char err[RUN_ERR], why_in[MG_ROUTE_WHY_MAX], why_out[MG_ROUTE_WHY_MAX];
	struct mg_config_live *l = &r->cfg->live;

	if (l->if_inside[0] != '\0' && l->if_outside[0] != '\0')
		return 0;
	if (mg_route_pick(r->cfg, l, &mg_route_netlink_ops, why_in, why_out, err, sizeof(err)) !=
	    0) {
		fprintf(stderr, "meetgate run: %s: %s\n", r->config_path, err);
		return -1;
	}
	if (why_in[0])
		logf_(MG_LOG_NOTICE, "inside interface %s (%s)", l->if_inside, why_in);
	if (why_out[0])
		logf_(MG_LOG_NOTICE, "outside interface %s (%s)", l->if_outside, why_out);
	return 0;
}

int mg_cli_run(int argc, char **argv)
{
	struct run r = {.sfd = -1, .log_level_arg = -1};
	bool print_rules = false;
	char err[RUN_ERR];

	int prc = parse_args(argc, argv, &r, &print_rules);
	if (prc != 0)
		return prc < 0 ? 0 : prc;
	r.cfg = calloc(1, sizeof(*r.cfg));
	if (r.cfg == NULL) {
		fprintf(stderr, "meetgate run: out of memory\n");
		return 1;
	}
	int rc = 1;
	if (mg_cli_load_config(r.config_path, r.cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "meetgate run: %s\n", err);
		goto free_cfg;
	}
	r.file_live = r.cfg->live;
	if (!print_rules)
		mg_runlog_open(r.log_level_arg >= 0 ? r.log_level_arg : r.cfg->log_level,
			       mg_log_use_syslog(r.log_syslog_arg, isatty(STDERR_FILENO),
						 getenv("JOURNAL_STREAM")));
	if (derive_interfaces(&r) != 0)
		goto free_cfg;
	if (strcmp(r.cfg->live.if_inside, r.cfg->live.if_outside) == 0) {
		fprintf(stderr, "meetgate run: %s: inside and outside are the same interface '%s'\n",
			r.config_path, r.cfg->live.if_inside);
		goto free_cfg;
	}
	rc = print_rules ? print_ruleset(r.cfg) : run_gateway(&r);
free_cfg:
	mg_runlog_close();
	free(r.cfg);
	return rc;
}
