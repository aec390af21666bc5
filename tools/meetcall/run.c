/* run.c - the poll() loop behind `meetcall listen` and `meetcall call`.
 *
 * Every socket of every call in progress is polled together; the poll
 * timeout is the earliest timer of any call (RTP pacing, RTCP, hang-up,
 * deadlines) or of the call generator.  Finished calls are reported as they
 * end and their slot is reused.  Both loops end: listen after --calls calls
 * or --timeout, call after every call is placed and finished, each call
 * being bounded by its own deadline.  `listen --call-back` places one call
 * back per answered call from the same loop, bounded like any call.  With
 * --gk the RAS socket and its timers (retries, keep-alives) join the loop;
 * registration happens before it and unregistration after it (ras.c). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "meetcall/mc.h"

#define MAX_FDS (MG_MC_MAX_CALLS * 5 + 2)

enum fd_kind { K_LISTEN, K_SIG, K_H245_LISTEN, K_H245, K_RTP, K_RTCP, K_RAS };

static struct mg_mc_call calls[MG_MC_MAX_CALLS];

struct loop {
	const struct mg_mc_opts *o;
	struct mg_mc_totals t;
	void *json;
	unsigned active;
};

static void add_fd(struct pollfd *pf, uint16_t *who, uint8_t *kind, unsigned *n, int fd, short ev, unsigned call,
		   enum fd_kind k)
{
	if (fd < 0)
		return;
	pf[*n].fd = fd;
	pf[*n].events = ev;
	pf[*n].revents = 0;
	who[*n] = (uint16_t)call;
	kind[*n] = (uint8_t)k;
	(*n)++;
}

static void reap(struct loop *l)
{
	for (unsigned i = 0; i < MG_MC_MAX_CALLS; i++) {
		struct mg_mc_call *c = &calls[i];
		if (c->state != MG_MC_DONE)
			continue;
		if (!l->o->quiet || !mg_mc_call_ok(c))
			mg_mc_report_line(c);
		mg_mc_totals_add(&l->t, c);
		mg_mc_json_call(l->json, c);
		c->state = MG_MC_FREE;
		l->active--;
	}
	fflush(stdout);
}

/* One poll round: wait until `wake` at the latest, dispatch, run timers.
 * Returns true when the listening socket has a connection waiting. */
static bool round_once(struct loop *l, int lfd, uint64_t wake)
{
	struct pollfd pf[MAX_FDS];
	uint16_t who[MAX_FDS];
	uint8_t kind[MAX_FDS];
	unsigned n = 0;
	bool incoming = false;

	add_fd(pf, who, kind, &n, lfd, POLLIN, 0, K_LISTEN);
	add_fd(pf, who, kind, &n, mg_mc_ras_fd(), POLLIN, 0, K_RAS);
	if (mg_mc_ras_next() < wake)
		wake = mg_mc_ras_next();
	for (unsigned i = 0; i < MG_MC_MAX_CALLS; i++) {
		struct mg_mc_call *c = &calls[i];
		if (c->state == MG_MC_FREE || c->state == MG_MC_DONE)
			continue;
		add_fd(pf, who, kind, &n, c->sig.fd, c->sig.connecting ? POLLOUT : POLLIN, i, K_SIG);
		add_fd(pf, who, kind, &n, c->h245_lfd, POLLIN, i, K_H245_LISTEN);
		add_fd(pf, who, kind, &n, c->h245.fd, c->h245.connecting ? POLLOUT : POLLIN, i, K_H245);
		add_fd(pf, who, kind, &n, c->media.rtp_fd, POLLIN, i, K_RTP);
		add_fd(pf, who, kind, &n, c->media.rtcp_fd, POLLIN, i, K_RTCP);
		uint64_t t = mg_mc_call_next(c);
		if (t < wake)
			wake = t;
	}
	uint64_t now = mg_mc_now_ms();
	int timeout = wake <= now ? 0 : (wake - now > 1000 ? 1000 : (int)(wake - now));
	int r = poll(pf, n, timeout);
	if (r < 0 && errno != EINTR)
		perror("meetcall: poll");
	for (unsigned i = 0; r > 0 && i < n; i++) {
		if (pf[i].revents == 0)
			continue;
		struct mg_mc_call *c = &calls[who[i]];
		if (kind[i] == K_LISTEN) {
			incoming = true;
			continue;
		}
		if (kind[i] == K_RAS) {
			mg_mc_ras_input();
			continue;
		}
		/* an earlier event may have ended the call and closed this fd */
		if (c->state == MG_MC_FREE || c->state == MG_MC_DONE)
			continue;
		switch (kind[i]) {
		case K_SIG:
			if (pf[i].fd == c->sig.fd)
				mg_mc_call_sig_ready(c, pf[i].revents);
			break;
		case K_H245_LISTEN:
			if (pf[i].fd == c->h245_lfd)
				mg_mc_h245_accept(c);
			break;
		case K_H245:
			if (pf[i].fd == c->h245.fd)
				mg_mc_h245_ready(c, pf[i].revents);
			break;
		case K_RTP:
			if (pf[i].fd == c->media.rtp_fd) {
				mg_mc_media_rx_rtp(&c->media, mg_mc_now_ms());
				c->last_rx = mg_mc_now_ms();
			}
			break;
		case K_RTCP:
			if (pf[i].fd == c->media.rtcp_fd)
				mg_mc_media_rx_rtcp(&c->media);
			break;
		default:
			break;
		}
	}
	now = mg_mc_now_ms();
	mg_mc_ras_tick(now);
	for (unsigned i = 0; i < MG_MC_MAX_CALLS; i++)
		mg_mc_call_tick(&calls[i], now);
	reap(l);
	return incoming;
}

static struct mg_mc_call *free_slot(void)
{
	for (unsigned i = 0; i < MG_MC_MAX_CALLS; i++)
		if (calls[i].state == MG_MC_FREE)
			return &calls[i];
	return NULL;
}

static int finish(struct loop *l)
{
	uint64_t now = mg_mc_now_ms();
	for (unsigned i = 0; i < MG_MC_MAX_CALLS; i++) {
		struct mg_mc_call *c = &calls[i];
		if (c->state == MG_MC_FREE || c->state == MG_MC_DONE)
			continue;
		mg_mc_call_fail(c, "run ended (timeout) with the call in progress");
		mg_mc_call_tick(c, now);
		mg_mc_call_finish(c);
	}
	reap(l);
	if (l->o->gk)
		mg_mc_ras_stop(); /* the last DRQs, then URQ */
	mg_mc_totals_print(&l->t, l->o);
	mg_mc_json_close(l->json, &l->t);
	return l->t.failed == 0 && l->t.calls + l->t.refused > 0 ? 0 : 1;
}

/* listen --call-back: once an answered call is connected, call its caller
 * back at the sourceCallSignalAddress its Setup carried (as received), while
 * the first call still runs (a gateway's pinhole for that address lives
 * with the call). */
static void call_backs(struct loop *l, unsigned *placed)
{
	const struct mg_mc_opts *o = l->o;
	for (unsigned i = 0; i < MG_MC_MAX_CALLS; i++) {
		struct mg_mc_call *a = &calls[i];
		if (a->role != MG_MC_CALLEE || a->state != MG_MC_CONNECTED || a->called_back)
			continue;
		struct mg_mc_call *c = free_slot();
		if (c == NULL)
			return; /* next round */
		a->called_back = true;
		uint64_t now = mg_mc_now_ms();
		mg_mc_call_init(c, o, ++*placed, MG_MC_CALLER, now);
		c->call_back = true;
		c->deadline = now + o->duration_ms + MG_MC_CALLBACK_SLACK_MS;
		l->active++;
		if (!a->have_setup_src) {
			c->state = MG_MC_CONNECTING;
			mg_mc_call_fail(c, "the Setup of call %u carried no sourceCallSignalAddress", a->num);
			mg_mc_call_finish(c);
			continue;
		}
		c->target = a->setup_src;
		mg_mc_call_place(c);
	}
}

int mg_mc_run_listen(const struct mg_mc_opts *o)
{
	struct loop l = {.o = o};
	struct mg_mc_addr bound;
	unsigned accepted = 0, placed = 0;
	signal(SIGPIPE, SIG_IGN);
	int lfd = mg_mc_tcp_listen(o->bind_ip, o->port, &bound);
	if (lfd < 0) {
		fprintf(stderr, "meetcall: cannot listen on %s:%u: %s\n", o->bind_ip[0] ? o->bind_ip : "0.0.0.0",
			o->port, strerror(errno));
		return 1;
	}
	if (o->gk && !mg_mc_ras_start(o, &bound)) {
		close(lfd);
		return 1;
	}
	l.json = mg_mc_json_open(o->report, o);
	if (!o->quiet) {
		char a[32];
		mg_mc_addr_str(&bound, a, sizeof a);
		printf("listening on %s\n", a);
		fflush(stdout);
	}
	uint64_t end = o->timeout_ms ? mg_mc_now_ms() + o->timeout_ms : UINT64_MAX;
	while (mg_mc_now_ms() < end && (o->calls == 0 || l.t.answered < o->calls || l.active > 0)) {
		/* refused calls (--alias) do not count against --calls */
		bool want = o->calls == 0 || accepted < o->calls + l.t.refused;
		bool incoming = round_once(&l, want ? lfd : -1, end);
		if (o->call_back)
			call_backs(&l, &placed);
		if (!incoming)
			continue;
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		struct mg_mc_call *c = free_slot();
		if (c == NULL) {
			close(fd); /* every slot busy: refuse rather than queue */
			continue;
		}
		mg_mc_call_init(c, o, ++accepted, MG_MC_CALLEE, mg_mc_now_ms());
		l.active++;
		mg_mc_call_accept(c, fd);
	}
	close(lfd);
	return finish(&l);
}

int mg_mc_run_call(const struct mg_mc_opts *o)
{
	struct loop l = {.o = o};
	unsigned placed = 0;
	signal(SIGPIPE, SIG_IGN);
	if (o->gk) {
		/* registered as calling from --sport, else --advertise-port, else
		 * 1720 (meetcall call does not listen: see doc/meetcall.md) */
		struct mg_mc_addr sig = {{0}, o->sport ? o->sport : o->advertise_port ? o->advertise_port : 1720};
		if (o->bind_ip[0] != '\0')
			(void)mg_mc_parse_addr(o->bind_ip, sig.port, &sig);
		if (!mg_mc_ras_start(o, &sig))
			return 1;
	}
	l.json = mg_mc_json_open(o->report, o);
	uint64_t next = mg_mc_now_ms();
	uint64_t gap = o->rate > 0 ? (uint64_t)(1000.0 / o->rate) : 0;
	while (l.t.calls < o->calls) {
		unsigned done = l.t.calls;
		uint64_t now = mg_mc_now_ms();
		if (placed < o->calls && l.active < o->concurrent && now >= next) {
			struct mg_mc_call *c = free_slot();
			if (c != NULL) {
				mg_mc_call_init(c, o, ++placed, MG_MC_CALLER, now);
				l.active++;
				mg_mc_call_place(c);
				next = gap ? next + gap : now;
				if (next < now && gap)
					next = now; /* behind schedule: no catch-up burst */
				continue;
			}
		}
		uint64_t wake = UINT64_MAX;
		if (placed < o->calls && l.active < o->concurrent)
			wake = next;
		round_once(&l, -1, wake);
		/* --gap: the pause runs from the end of one call to the next */
		if (o->gap_ms > 0 && l.t.calls > done && next < mg_mc_now_ms() + o->gap_ms)
			next = mg_mc_now_ms() + o->gap_ms;
	}
	return finish(&l);
}
