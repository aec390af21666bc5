/* gk_run.c - `meetcall gatekeeper`: the RAS socket, the routed call
 * signalling relay (--routed), the report.
 *
 * One poll() loop over the RAS socket, the call signalling listener and the
 * relays; it ends at --timeout or on SIGINT / SIGTERM, and then writes the
 * report.  A relay (--routed) accepts the caller's connection, reads the
 * first TPKT (the Setup), finds the callee (mg_mc_gk_route), connects to it
 * and then copies the octets both ways unchanged, counting the TPKTs; the
 * close of one side is passed on (shutdown for a FIN, a reset for a
 * reset), and the relay ends when both sides have closed.  Every relay is
 * bounded: RELAY_IDLE_MS without traffic, CONNECT_MS to reach the callee. */
#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "meetcall/mc.h"
#include "proto/tpkt.h"

#define RELAY_BUF 8192
#define RELAY_IDLE_MS 120000
#define CONNECT_MS 5000
#define RELAY_LOG 64 /* finished relays kept for the report */

/* Counts TPKTs in one direction of a byte stream. */
struct framer {
	uint8_t hdr[4];
	unsigned hn;
	uint32_t remain;
	unsigned tpkts;
};

struct relay {
	bool used;
	int a, b;              /* a: the caller's connection, b: to the callee (-1: not yet) */
	bool b_connecting;
	struct mg_mc_addr from, to;
	uint8_t held[RELAY_BUF]; /* a -> b before b is up */
	size_t held_n;
	bool a_eof, b_eof;
	struct framer fab, fba;
	uint64_t start, last;
	char err[96];
};

struct relay_log {
	struct mg_mc_addr from, to;
	unsigned tpkts_to_callee, tpkts_to_caller;
	char err[96];
};

static struct relay relays[MG_MC_GK_RELAYS];
static struct relay_log rlog[RELAY_LOG];
static unsigned n_rlog, rlog_dropped;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void frame_feed(struct framer *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		if (f->remain > 0) {
			size_t take = n - i < f->remain ? n - i : f->remain;
			f->remain -= (uint32_t)take;
			i += take;
			continue;
		}
		f->hdr[f->hn++] = p[i++];
		if (f->hn == 4) {
			uint32_t len = (uint32_t)f->hdr[2] << 8 | f->hdr[3];
			f->remain = len > 4 ? len - 4 : 0;
			f->hn = 0;
			f->tpkts++;
		}
	}
}

static void relay_end(struct relay *r, const char *why)
{
	if (why != NULL && r->err[0] == '\0')
		snprintf(r->err, sizeof r->err, "%s", why);
	if (n_rlog < RELAY_LOG) {
		struct relay_log *l = &rlog[n_rlog++];
		l->from = r->from;
		l->to = r->to;
		l->tpkts_to_callee = r->fab.tpkts;
		l->tpkts_to_caller = r->fba.tpkts;
		snprintf(l->err, sizeof l->err, "%s", r->err);
	} else {
		rlog_dropped++;
	}
	char a[32], b[32];
	mg_mc_addr_str(&r->from, a, sizeof a);
	mg_mc_addr_str(&r->to, b, sizeof b);
	printf("routed call %s -> %s ended: %u TPKTs to the callee, %u to the caller%s%s\n", a, b, r->fab.tpkts,
	       r->fba.tpkts, r->err[0] ? ", error: " : "", r->err);
	fflush(stdout);
	bool rst = r->err[0] != '\0';
	mg_mc_close(r->a, rst);
	mg_mc_close(r->b, rst);
	memset(r, 0, sizeof *r);
	r->a = r->b = -1;
}

static void relay_accept(int lfd, uint64_t now)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (unsigned i = 0; i < MG_MC_GK_RELAYS; i++) {
		struct relay *r = &relays[i];
		if (r->used)
			continue;
		memset(r, 0, sizeof *r);
		r->used = true;
		r->a = fd;
		r->b = -1;
		r->start = r->last = now;
		(void)mg_mc_peername(fd, &r->from);
		return;
	}
	close(fd); /* every relay busy */
}

/* Before the callee is known: read until the first whole TPKT, route it. */
static void relay_first(struct mg_mc_gk *g, struct relay *r)
{
	ssize_t k = recv(r->a, r->held + r->held_n, sizeof r->held - r->held_n, 0);
	if (k == 0 || (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
		relay_end(r, "the caller closed before its Setup");
		return;
	}
	if (k < 0)
		return;
	r->held_n += (size_t)k;
	uint32_t tl;
	enum mg_tpkt_status st = mg_tpkt_frame(r->held, r->held_n, &tl);
	if (st == MG_TPKT_BAD || (st == MG_TPKT_NEED && (tl > sizeof r->held || r->held_n == sizeof r->held))) {
		relay_end(r, "not a TPKT stream");
		return;
	}
	if (st == MG_TPKT_NEED)
		return;
	if (!mg_mc_gk_route(g, r->held + MG_TPKT_HDR_LEN, tl - MG_TPKT_HDR_LEN, &r->to)) {
		relay_end(r, "no registered callee for this Setup");
		return;
	}
	r->b = mg_mc_tcp_connect(NULL, 0, &r->to);
	if (r->b < 0) {
		relay_end(r, "cannot connect to the callee");
		return;
	}
	r->b_connecting = true;
}

static void relay_connected(struct relay *r)
{
	int err = 0;
	socklen_t len = sizeof err;
	r->b_connecting = false;
	if (getsockopt(r->b, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
		relay_end(r, "cannot connect to the callee");
		return;
	}
	frame_feed(&r->fab, r->held, r->held_n);
	if (!mg_mc_send_all(r->b, r->held, r->held_n)) {
		relay_end(r, "send to the callee failed");
		return;
	}
	r->held_n = 0;
}

/* Copy what `from` has to `to`; EOF is passed on as a shutdown, a reset
 * ends the relay with resets. */
static void relay_copy(struct relay *r, int from, int to, struct framer *f, bool *eof)
{
	uint8_t buf[RELAY_BUF];
	for (int rounds = 0; rounds < 16; rounds++) {
		ssize_t k = recv(from, buf, sizeof buf, 0);
		if (k > 0) {
			frame_feed(f, buf, (size_t)k);
			if (!mg_mc_send_all(to, buf, (size_t)k)) {
				relay_end(r, "send failed");
				return;
			}
			continue;
		}
		if (k == 0) {
			*eof = true;
			shutdown(to, SHUT_WR);
			if (r->a_eof && r->b_eof)
				relay_end(r, NULL);
			return;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			relay_end(r, "connection reset");
		return;
	}
}

static void relay_tick(uint64_t now)
{
	for (unsigned i = 0; i < MG_MC_GK_RELAYS; i++) {
		struct relay *r = &relays[i];
		if (!r->used)
			continue;
		if (r->b < 0 && now >= r->start + CONNECT_MS)
			relay_end(r, "no Setup in time");
		else if (r->b_connecting && now >= r->start + CONNECT_MS)
			relay_end(r, "cannot connect to the callee (timeout)");
		else if (now >= r->last + RELAY_IDLE_MS)
			relay_end(r, "idle");
	}
}

static int udp_socket(const struct mg_mc_addr *a)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(a->port)};
	memcpy(&sin.sin_addr, a->ip, 4);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void ras_input(struct mg_mc_gk *g, int fd)
{
	for (int rounds = 0; rounds < 64; rounds++) {
		uint8_t buf[2048], out[MG_MC_RAS_MAX];
		struct sockaddr_in sin;
		socklen_t sl = sizeof sin;
		ssize_t k = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&sin, &sl);
		if (k < 0)
			return;
		struct mg_mc_addr src, to;
		memcpy(src.ip, &sin.sin_addr, 4);
		src.port = ntohs(sin.sin_port);
		size_t n = mg_mc_gk_handle(g, buf, (size_t)k, &src, mg_mc_now_ms(), out, sizeof out, &to);
		if (n == 0)
			continue;
		struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(to.port)};
		memcpy(&dst.sin_addr, to.ip, 4);
		(void)sendto(fd, out, n, 0, (struct sockaddr *)&dst, sizeof dst);
	}
}

/* ---- report ---------------------------------------------------------------- */

static json_object *jaddr(const struct mg_mc_addr *a)
{
	char s[32];
	mg_mc_addr_str(a, s, sizeof s);
	return json_object_new_string(s);
}

static json_object *jaliases(const struct mg_mc_ras_aliases *l)
{
	json_object *arr = json_object_new_array();
	for (unsigned i = 0; arr != NULL && i < l->n; i++)
		json_object_array_add(arr, json_object_new_string(l->a[i].s));
	return arr;
}

static const char *reg_state(uint8_t st)
{
	return st == MG_MC_REG_ACTIVE ? "registered" : st == MG_MC_REG_UNREGISTERED ? "unregistered" : "expired";
}

static void report(const struct mg_mc_gk *g, const char *path)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "meetcall: cannot write report '%s'\n", path);
		return;
	}
	json_object *doc = json_object_new_object();
	json_object_object_add(doc, "mode", json_object_new_string("gatekeeper"));
	json_object_object_add(doc, "gatekeeper_id", json_object_new_string("meetcall-gk"));
	json_object_object_add(doc, "ras_address", jaddr(&g->ras_addr));
	json_object_object_add(doc, "routed", json_object_new_boolean(g->o->routed));
	json_object_object_add(doc, "call_signal_address",
			       g->o->routed ? jaddr(&g->sig_addr) : json_object_new_string(""));
	json_object_object_add(doc, "ttl", json_object_new_int64(g->o->ttl_s));
	json_object *regs = json_object_new_array();
	for (unsigned i = 0; i < MG_MC_GK_REGS; i++) {
		const struct mg_mc_gk_reg *r = &g->reg[i];
		if (r->state == MG_MC_REG_FREE)
			continue;
		json_object *o = json_object_new_object();
		json_object_object_add(o, "endpoint_id", json_object_new_string(r->ep_id));
		json_object_object_add(o, "aliases", jaliases(&r->alias));
		json_object_object_add(o, "call_signal_address", jaddr(&r->sig[0]));
		json_object *sigs = json_object_new_array();
		for (unsigned k = 0; k < r->n_sig; k++)
			json_object_array_add(sigs, jaddr(&r->sig[k]));
		json_object_object_add(o, "call_signal_addresses", sigs);
		json_object_object_add(o, "ras_address", jaddr(&r->ras));
		json_object_object_add(o, "rrq_source", jaddr(&r->src));
		json_object_object_add(o, "ttl", json_object_new_int64(r->ttl));
		json_object_object_add(o, "keepalives", json_object_new_int64(r->keepalives));
		json_object_object_add(o, "state", json_object_new_string(reg_state(r->state)));
		json_object_array_add(regs, o);
	}
	json_object_object_add(doc, "registrations", regs);
	json_object *adms = json_object_new_array();
	for (unsigned i = 0; i < g->n_adm; i++) {
		const struct mg_mc_gk_admit *ad = &g->adm[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "endpoint_id", json_object_new_string(ad->ep_id));
		json_object_object_add(o, "source", jaddr(&ad->src));
		json_object_object_add(o, "answer_call", json_object_new_boolean(ad->answer_call));
		json_object_object_add(o, "dest_aliases", jaliases(&ad->dest));
		json_object_object_add(o, "result", json_object_new_string(ad->ok ? "ACF" : "ARJ"));
		json_object_object_add(o, "reason", ad->ok ? NULL
							   : json_object_new_string(mg_mc_ras_reason_name(
								     MG_MC_ARJ, ad->reason, false)));
		json_object_object_add(o, "dest_call_signal_address", ad->ok ? jaddr(&ad->dest_sig) : NULL);
		json_object_object_add(o, "routed", json_object_new_boolean(ad->routed));
		json_object_object_add(o, "disengaged", json_object_new_boolean(ad->disengaged));
		json_object_array_add(adms, o);
	}
	json_object_object_add(doc, "admissions", adms);
	json_object *rc = json_object_new_array();
	for (unsigned i = 0; i < n_rlog; i++) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "from", jaddr(&rlog[i].from));
		json_object_object_add(o, "to", jaddr(&rlog[i].to));
		json_object_object_add(o, "tpkts_to_callee", json_object_new_int64(rlog[i].tpkts_to_callee));
		json_object_object_add(o, "tpkts_to_caller", json_object_new_int64(rlog[i].tpkts_to_caller));
		json_object_object_add(o, "error", json_object_new_string(rlog[i].err));
		json_object_array_add(rc, o);
	}
	json_object_object_add(doc, "routed_calls", rc);
	json_object *cnt = json_object_new_object();
	static const uint8_t req[] = {MG_MC_GRQ, MG_MC_RRQ, MG_MC_URQ, MG_MC_ARQ, MG_MC_DRQ, MG_MC_LRQ};
	static const uint8_t ans[] = {MG_MC_GCF, MG_MC_RCF, MG_MC_RRJ, MG_MC_UCF, MG_MC_URJ, MG_MC_ACF,
				      MG_MC_ARJ, MG_MC_DCF, MG_MC_DRJ, MG_MC_LCF, MG_MC_LRJ};
	for (unsigned i = 0; i < sizeof req; i++)
		json_object_object_add(cnt, mg_mc_ras_name(req[i]), json_object_new_int64(g->rx[req[i]]));
	for (unsigned i = 0; i < sizeof ans; i++)
		json_object_object_add(cnt, mg_mc_ras_name(ans[i]), json_object_new_int64(g->tx[ans[i]]));
	json_object_object_add(cnt, "keepalives", json_object_new_int64(g->keepalives));
	json_object_object_add(cnt, "expired", json_object_new_int64(g->expired));
	json_object_object_add(cnt, "malformed", json_object_new_int64(g->malformed));
	json_object_object_add(cnt, "other", json_object_new_int64(g->rx[MG_MC_RAS_ROOT]));
	json_object_object_add(cnt, "admissions_not_kept", json_object_new_int64(g->adm_dropped));
	json_object_object_add(cnt, "routed_calls_not_kept", json_object_new_int64(rlog_dropped));
	json_object_object_add(doc, "counts", cnt);
	const char *s = json_object_to_json_string_ext(
		doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s == NULL || fputs(s, f) == EOF || fputc('\n', f) == EOF)
		fprintf(stderr, "meetcall: the report could not be written\n");
	if (fclose(f) != 0)
		fprintf(stderr, "meetcall: the report could not be written\n");
	json_object_put(doc);
}

/* ---- the loop -------------------------------------------------------------- */

#define MAX_FDS (2 + 2 * MG_MC_GK_RELAYS)

int mg_mc_run_gatekeeper(const struct mg_mc_opts *o)
{
	static struct mg_mc_gk g;
	struct mg_mc_addr ras, sig;
	int lfd = -1;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (!mg_mc_parse_addr(o->bind_ip, o->port, &ras))
		return 2;
	sig = ras;
	sig.port = o->sig_port;
	int ufd = udp_socket(&ras);
	if (ufd < 0) {
		fprintf(stderr, "meetcall: cannot bind the RAS socket %s:%u: %s\n", o->bind_ip, o->port,
			strerror(errno));
		return 1;
	}
	if (o->routed) {
		lfd = mg_mc_tcp_listen(o->bind_ip, o->sig_port, &sig);
		if (lfd < 0) {
			fprintf(stderr, "meetcall: cannot listen on %s:%u: %s\n", o->bind_ip, o->sig_port,
				strerror(errno));
			close(ufd);
			return 1;
		}
	}
	for (unsigned i = 0; i < MG_MC_GK_RELAYS; i++)
		relays[i].a = relays[i].b = -1;
	mg_mc_gk_init(&g, o, &ras, &sig);
	g.verbose = !o->quiet;
	char a[32], b[32];
	mg_mc_addr_str(&ras, a, sizeof a);
	mg_mc_addr_str(&sig, b, sizeof b);
	printf("gatekeeper on %s%s%s, ttl %u s\n", a, o->routed ? ", routing call signalling on " : "",
	       o->routed ? b : "", o->ttl_s);
	fflush(stdout);
	uint64_t end = o->timeout_ms ? mg_mc_now_ms() + o->timeout_ms : UINT64_MAX;
	while (!stop && mg_mc_now_ms() < end) {
		struct pollfd pf[MAX_FDS];
		short who[MAX_FDS];
		unsigned n = 0;
		pf[n] = (struct pollfd){.fd = ufd, .events = POLLIN};
		who[n++] = -1;
		if (lfd >= 0) {
			pf[n] = (struct pollfd){.fd = lfd, .events = POLLIN};
			who[n++] = -2;
		}
		for (unsigned i = 0; i < MG_MC_GK_RELAYS; i++) {
			struct relay *r = &relays[i];
			if (!r->used)
				continue;
			if (!r->a_eof && !r->b_connecting) {
				pf[n] = (struct pollfd){.fd = r->a, .events = POLLIN};
				who[n++] = (short)(i * 2);
			}
			if (r->b >= 0 && !r->b_eof) {
				pf[n] = (struct pollfd){.fd = r->b, .events = r->b_connecting ? POLLOUT : POLLIN};
				who[n++] = (short)(i * 2 + 1);
			}
		}
		uint64_t now = mg_mc_now_ms(), wake = mg_mc_gk_next_expiry(&g);
		if (wake > end)
			wake = end;
		int timeout = wake <= now ? 0 : (wake - now > 500 ? 500 : (int)(wake - now));
		if (poll(pf, n, timeout) < 0 && errno != EINTR)
			break;
		now = mg_mc_now_ms();
		for (unsigned i = 0; i < n; i++) {
			if (pf[i].revents == 0)
				continue;
			if (who[i] == -1) {
				ras_input(&g, ufd);
				continue;
			}
			if (who[i] == -2) {
				relay_accept(lfd, now);
				continue;
			}
			struct relay *r = &relays[who[i] / 2];
			bool side_b = who[i] % 2;
			if (!r->used || pf[i].fd != (side_b ? r->b : r->a))
				continue; /* ended earlier in this round */
			r->last = now;
			if (!side_b && r->b < 0)
				relay_first(&g, r);
			else if (!side_b && r->b_connecting)
				continue; /* the Setup is held until the callee is reached */
			else if (!side_b)
				relay_copy(r, r->a, r->b, &r->fab, &r->a_eof);
			else if (r->b_connecting)
				relay_connected(r);
			else
				relay_copy(r, r->b, r->a, &r->fba, &r->b_eof);
		}
		mg_mc_gk_expire(&g, now);
		relay_tick(now);
	}
	for (unsigned i = 0; i < MG_MC_GK_RELAYS; i++)
		if (relays[i].used)
			relay_end(&relays[i], "gatekeeper stopped");
	printf("gatekeeper: %u RRQ (%u keep-alive), %u URQ, %u ARQ (%u ACF, %u ARJ), %u LRQ, %u DRQ, %u malformed\n",
	       g.rx[MG_MC_RRQ], g.keepalives, g.rx[MG_MC_URQ], g.rx[MG_MC_ARQ], g.tx[MG_MC_ACF], g.tx[MG_MC_ARJ],
	       g.rx[MG_MC_LRQ], g.rx[MG_MC_DRQ], g.malformed);
	if (o->report != NULL)
		report(&g, o->report);
	close(ufd);
	if (lfd >= 0)
		close(lfd);
	return 0;
}
