/* ctl.c - the control socket server (protocol and limits: ctl.h).
 *
 * Each client moves through: READ (collecting the request line, deadline
 * MG_CTL_REQ_TIMEOUT_MS from accept) -> SEND (answer rows produced into the
 * output buffer by the per-turn slices of produce_slice(), sent as the
 * client reads, "end" last) or ERROR (one "error" line) -> closed once the
 * buffer is written.  While sending, the deadline moves
 * MG_CTL_IDLE_TIMEOUT_MS ahead whenever the client takes bytes.
 *
 * A connection beyond MG_CTL_MAX_CLIENTS is turned away: "error busy" is
 * written at once and the write side shut; the socket stays open until the
 * client's request line (or its hang-up, or the request deadline) arrives,
 * so a client that writes before it reads never meets a closed socket.
 *
 * A subscriber ("events") moves READ -> EVENTS and stays there: each turn
 * its ring of queued events is formatted into the output buffer as far as
 * there is room, and sent.
 */
#include "ctl/ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

enum cl_state { CL_FREE = 0, CL_READ, CL_SEND, CL_ERROR, CL_EVENTS };

struct client {
	int fd;
	enum cl_state state;
	struct mg_ctl_req req;
	struct mg_call_ladder ladder; /* ladder=: copied when the request came */
	uint64_t deadline;
	uint32_t pos;       /* cursor: the next table slot (or stats row) */
	uint8_t part;       /* stats: 0 the engine's rows, 1 the extra rows */
	bool started;       /* the header is in the buffer */
	bool done;          /* "end" is in the buffer */
	size_t inlen;
	char in[MG_CTL_LINE_MAX];
	size_t outoff, outlen;
	char out[MG_CTL_OUT_MAX];
	/* EVENTS: ring[head % RING .. tail % RING) queued; lost counted since
	 * the ring filled (nothing is queued until its line is out) */
	uint32_t ev_head, ev_tail;
	uint64_t ev_lost;
	struct mg_ctl_event ring[MG_CTL_EV_RING];
};

struct turned_away {
	int fd; /* -1: free */
	uint64_t deadline;
};

struct mg_ctl {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct mg_engine *e;
	mg_ctl_stat_fn extra;
	void *extra_ctx;
	uint64_t now;
	unsigned rr; /* the client whose slice comes first next turn */
	unsigned nsubs; /* clients in CL_EVENTS */
	struct client cl[MG_CTL_MAX_CLIENTS];
	struct turned_away away[MG_CTL_MAX_TURNED_AWAY];
};

static const char busy_line[] = "error busy\n";

static void cl_close(struct mg_ctl *s, struct client *c)
{
	if (c->state == CL_EVENTS)
		s->nsubs--;
	if (c->state != CL_FREE)
		close(c->fd);
	c->state = CL_FREE;
	c->fd = -1;
}

static void cl_error(struct client *c, const char *why)
{
	int k = snprintf(c->out, sizeof(c->out), "error %s\n", why);
	c->outoff = 0;
	c->outlen = k > 0 && (size_t)k < sizeof(c->out) ? (size_t)k : 0;
	c->state = CL_ERROR;
}

/* ---- producing answer rows into the output buffer ---- */

/* Free room at the end of the buffer once the unsent bytes are moved to
 * its start. */
static size_t out_room(const struct client *c)
{
	return sizeof(c->out) - (c->outlen - c->outoff);
}

/* Rows that surely fit, keeping room for "end\n". */
static uint32_t rows_that_fit(const struct client *c)
{
	return (uint32_t)((sizeof(c->out) - c->outlen - 4) / MG_CTL_ROW_MAX);
}

/* May this client take rows now? */
static bool wants_rows(const struct client *c)
{
	return c->state == CL_SEND && !c->done && out_room(c) >= MG_CTL_ROW_MAX + 4;
}

struct gen {
	struct client *c;
	uint64_t now;
};

/* Where the next row goes; rows always fit (rows_that_fit). */
static char *row_at(const struct gen *g)
{
	return g->c->out + g->c->outlen;
}

static void put_row(struct gen *g, int k)
{
	if (k > 0 && (size_t)k < MG_CTL_ROW_MAX)
		g->c->outlen += (size_t)k;
}

static void on_flow(void *ctx, const struct mg_flow_info *fi)
{
	struct gen *g = ctx;
	const struct mg_ctl_req *q = &g->c->req;
	if (mg_ctl_match_flow(&q->f, fi))
		put_row(g, (q->json ? mg_ctl_json_flow : mg_ctl_fmt_flow)(row_at(g), MG_CTL_ROW_MAX,
									fi, g->now));
}

static void on_binding(void *ctx, const struct mg_binding_info *bi)
{
	struct gen *g = ctx;
	const struct mg_ctl_req *q = &g->c->req;
	if (mg_ctl_match_binding(&q->f, bi))
		put_row(g, (q->json ? mg_ctl_json_binding : mg_ctl_fmt_binding)(
				   row_at(g), MG_CTL_ROW_MAX, bi, g->now));
}

static void on_pinhole(void *ctx, const struct mg_pinhole_info *pi)
{
	struct gen *g = ctx;
	const struct mg_ctl_req *q = &g->c->req;
	if (mg_ctl_match_pinhole(&q->f, pi))
		put_row(g, (q->json ? mg_ctl_json_pinhole : mg_ctl_fmt_pinhole)(
				   row_at(g), MG_CTL_ROW_MAX, pi, g->now));
}

static void on_call(void *ctx, const struct mg_call_info *ci)
{
	struct gen *g = ctx;
	const struct mg_ctl_req *q = &g->c->req;
	if (mg_ctl_match_call(&q->f, ci))
		put_row(g, (q->json ? mg_ctl_json_call : mg_ctl_fmt_call)(row_at(g), MG_CTL_ROW_MAX,
									ci, g->now));
}

static void on_dir(void *ctx, const struct mg_dir_entry *en)
{
	struct gen *g = ctx;
	const struct mg_ctl_req *q = &g->c->req;
	if (mg_ctl_match_dir(&q->f, en))
		put_row(g, (q->json ? mg_ctl_json_dir : mg_ctl_fmt_dir)(row_at(g), MG_CTL_ROW_MAX, en,
									 g->now));
}

static void on_reg(void *ctx, const struct mg_reg_info *ri)
{
	struct gen *g = ctx;
	const struct mg_ctl_req *q = &g->c->req;
	if (mg_ctl_match_reg(&q->f, ri))
		put_row(g, (q->json ? mg_ctl_json_reg : mg_ctl_fmt_reg)(row_at(g), MG_CTL_ROW_MAX, ri));
}

/* The rows of the ladder copied into the client.  Returns true while rows
 * remain. */
static bool walk_ladder(struct client *c, struct mg_walk *w, uint64_t now)
{
	for (; w->slots > 0 && w->rows > 0; w->pos++, w->slots--) {
		char *p = c->out + c->outlen;
		int k = c->req.json ? mg_ctl_json_ladder(p, MG_CTL_ROW_MAX, &c->ladder, w->pos, now)
				    : mg_ctl_fmt_ladder(p, MG_CTL_ROW_MAX, &c->ladder, w->pos);
		if (k < 0)
			return false;
		if ((size_t)k < MG_CTL_ROW_MAX) {
			c->outlen += (size_t)k;
			w->rows--;
		}
	}
	return true;
}

/* Stats rows by index: the engine's, then the data plane's.  Returns true
 * while rows remain. */
static bool walk_stats(struct mg_ctl *s, struct client *c, struct mg_walk *w)
{
	const struct mg_stats *st = mg_engine_stats(s->e);
	while (w->slots > 0 && w->rows > 0) {
		/* json: the text row is made apart, then turned into its object */
		char text[MG_CTL_ROW_MAX];
		char *p = c->req.json ? text : c->out + c->outlen;
		int k = c->part == 0 ? mg_ctl_fmt_stat(p, MG_CTL_ROW_MAX, st, w->pos)
			: s->extra   ? s->extra(s->extra_ctx, p, MG_CTL_ROW_MAX, w->pos)
				     : -1;
		w->slots--;
		if (k < 0) {
			if (c->part == 1)
				return false;
			c->part = 1;
			w->pos = 0;
			continue;
		}
		w->pos++;
		if (k > 0 && (size_t)k < MG_CTL_ROW_MAX && c->req.json)
			k = mg_ctl_json_stat(c->out + c->outlen, MG_CTL_ROW_MAX, text);
		if (k > 0 && (size_t)k < MG_CTL_ROW_MAX) {
			c->outlen += (size_t)k;
			w->rows--;
		}
	}
	return true;
}

/* One slice of a client's answer: at most *slots slots visited and *rows
 * rows made (both are decremented by what was used). */
static void produce_slice(struct mg_ctl *s, struct client *c, uint32_t *slots, uint32_t *rows)
{
	if (c->outoff > 0) {
		memmove(c->out, c->out + c->outoff, c->outlen - c->outoff);
		c->outlen -= c->outoff;
		c->outoff = 0;
	}
	if (!c->started) {
		const char *h = c->req.json || c->req.has_ladder ? "" : mg_ctl_header(c->req.cmd);
		size_t hl = strlen(h);
		memcpy(c->out + c->outlen, h, hl);
		c->outlen += hl;
		c->started = true;
	}
	uint32_t fit = rows_that_fit(c);
	uint32_t limit = *rows < fit ? *rows : fit;
	struct mg_walk w = {c->pos, *slots, limit};
	struct gen g = {c, s->now};
	bool more;
	switch (c->req.cmd) {
	case MG_CTL_FLOWS:
		more = mg_engine_walk_flows(s->e, &w, on_flow, &g);
		break;
	case MG_CTL_BINDINGS:
		more = mg_engine_walk_bindings(s->e, &w, on_binding, &g);
		break;
	case MG_CTL_PINHOLES:
		more = mg_engine_walk_pinholes(s->e, &w, on_pinhole, &g);
		break;
	case MG_CTL_DIRECTORY:
		more = mg_engine_walk_directory(s->e, &w, on_dir, &g);
		break;
	case MG_CTL_REGISTRATIONS:
		more = mg_engine_walk_registrations(s->e, &w, on_reg, &g);
		break;
	case MG_CTL_CALLS:
		more = c->req.has_ladder ? walk_ladder(c, &w, s->now)
					 : mg_engine_walk_calls(s->e, &w, on_call, &g);
		break;
	case MG_CTL_STATS:
		more = walk_stats(s, c, &w);
		break;
	default:
		more = false;
		break;
	}
	*rows -= limit - w.rows;
	*slots = w.slots;
	c->pos = w.pos;
	if (!more) {
		memcpy(c->out + c->outlen, "end\n", 4);
		c->outlen += 4;
		c->done = true;
	}
}
/* ---- socket events ---- */

static void cl_read(struct mg_ctl *s, struct client *c)
{
	ssize_t n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		cl_close(s, c); /* the client left before asking anything */
		return;
	}
	size_t start = c->inlen;
	c->inlen += (size_t)n;
	char *nl = memchr(c->in + start, '\n', c->inlen - start);
	if (nl == NULL) {
		if (c->inlen >= sizeof(c->in))
			cl_error(c, "request too long");
		return;
	}
	const char *why = NULL;
	if (mg_ctl_parse_request(c->in, (size_t)(nl - c->in), &c->req, &why) != 0) {
		cl_error(c, why);
		return;
	}
	if (c->req.has_ladder && !mg_engine_call_ladder(s->e, c->req.ladder, &c->ladder)) {
		char e[32];
		snprintf(e, sizeof(e), "no call %u", (unsigned)c->req.ladder);
		cl_error(c, e);
		return;
	}
	/* rows come from the slices of mg_ctl_serve, this turn already */
	c->state = CL_SEND;
	if (c->req.events) {
		c->state = CL_EVENTS;
		c->ev_head = c->ev_tail = 0;
		c->ev_lost = 0;
		s->nsubs++;
	}
	c->deadline = s->now + MG_CTL_IDLE_TIMEOUT_MS;
	c->pos = 0;
	c->part = 0;
	c->started = false;
	c->done = false;
	c->outoff = c->outlen = 0;
}

/* Send what the buffer holds; close after the last byte of the answer. */
static void cl_write(struct mg_ctl *s, struct client *c)
{
	while (c->outoff < c->outlen) {
		ssize_t n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return;
		if (n <= 0) {
			cl_close(s, c);
			return;
		}
		c->outoff += (size_t)n;
		c->deadline = s->now + MG_CTL_IDLE_TIMEOUT_MS;
	}
	c->outoff = c->outlen = 0;
	if (c->state == CL_ERROR || (c->state == CL_SEND && c->done))
		cl_close(s, c);
}

/* The line goes out at once (a fresh socket has room for it); the socket
 * stays until the client's request or hang-up. */
static bool turn_away(struct mg_ctl *s, int fd)
{
	for (unsigned i = 0; i < MG_CTL_MAX_TURNED_AWAY; i++) {
		struct turned_away *t = &s->away[i];
		if (t->fd >= 0)
			continue;
		(void)!send(fd, busy_line, sizeof(busy_line) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
		shutdown(fd, SHUT_WR);
		t->fd = fd;
		t->deadline = s->now + MG_CTL_REQ_TIMEOUT_MS;
		return true;
	}
	return false;
}

/* A turned-away client wrote (its request) or hung up: done with it once
 * its line is complete or it is gone. */
static void away_read(struct turned_away *t)
{
	char buf[MG_CTL_LINE_MAX];
	ssize_t n = recv(t->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n > 0 && memchr(buf, '\n', (size_t)n) == NULL)
		return;
	close(t->fd);
	t->fd = -1;
}

static struct client *free_client(struct mg_ctl *s)
{
	for (unsigned i = 0; i < MG_CTL_MAX_CLIENTS; i++)
		if (s->cl[i].state == CL_FREE)
			return &s->cl[i];
	return NULL;
}

static bool away_slot_free(const struct mg_ctl *s)
{
	for (unsigned i = 0; i < MG_CTL_MAX_TURNED_AWAY; i++)
		if (s->away[i].fd < 0)
			return true;
	return false;
}

static void do_accept(struct mg_ctl *s)
{
	for (int tries = 0; tries < MG_CTL_MAX_CLIENTS + MG_CTL_MAX_TURNED_AWAY; tries++) {
		struct client *c = free_client(s);
		if (c == NULL && !away_slot_free(s))
			return; /* the rest wait in the backlog */
		int fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (c == NULL) {
			turn_away(s, fd);
			continue;
		}
		c->fd = fd;
		c->state = CL_READ;
		c->inlen = 0;
		c->outoff = c->outlen = 0;
		c->deadline = s->now + MG_CTL_REQ_TIMEOUT_MS;
	}
}

int mg_ctl_pollfds(struct mg_ctl *s, struct pollfd *fds, int max)
{
	int n = 0;
	if (n < max && (free_client(s) != NULL || away_slot_free(s)))
		fds[n++] = (struct pollfd){.fd = s->fd, .events = POLLIN};
	for (unsigned i = 0; i < MG_CTL_MAX_CLIENTS && n < max; i++) {
		struct client *c = &s->cl[i];
		if (c->state == CL_FREE)
			continue;
		/* a client whose buffer is empty waits for rows, not for the
		 * socket; it is still polled to notice a hang-up */
		short ev = c->state == CL_READ ? POLLIN : c->outoff < c->outlen ? POLLOUT : 0;
		fds[n++] = (struct pollfd){.fd = c->fd, .events = ev};
	}
	for (unsigned i = 0; i < MG_CTL_MAX_TURNED_AWAY && n < max; i++)
		if (s->away[i].fd >= 0)
			fds[n++] = (struct pollfd){.fd = s->away[i].fd, .events = POLLIN};
	return n;
}

static struct client *client_of(struct mg_ctl *s, int fd)
{
	for (unsigned i = 0; i < MG_CTL_MAX_CLIENTS; i++)
		if (s->cl[i].state != CL_FREE && s->cl[i].fd == fd)
			return &s->cl[i];
	return NULL;
}

static struct turned_away *away_of(struct mg_ctl *s, int fd)
{
	for (unsigned i = 0; i < MG_CTL_MAX_TURNED_AWAY; i++)
		if (s->away[i].fd >= 0 && s->away[i].fd == fd)
			return &s->away[i];
	return NULL;
}

/* One turn's slice of rows, shared by the clients that can take rows; the
 * first in line changes every turn. */
static void produce_turn(struct mg_ctl *s)
{
	uint32_t slots = MG_CTL_TURN_SLOTS, rows = MG_CTL_TURN_ROWS;
	for (unsigned k = 0; k < MG_CTL_MAX_CLIENTS && slots > 0 && rows > 0; k++) {
		struct client *c = &s->cl[(s->rr + k) % MG_CTL_MAX_CLIENTS];
		if (!wants_rows(c))
			continue;
		produce_slice(s, c, &slots, &rows);
		cl_write(s, c);
	}
	s->rr = (s->rr + 1) % MG_CTL_MAX_CLIENTS;
}

/* Format a subscriber's queued events into its buffer while they fit. */
static void flush_events(struct client *c)
{
	if (c->outoff > 0) {
		memmove(c->out, c->out + c->outoff, c->outlen - c->outoff);
		c->outlen -= c->outoff;
		c->outoff = 0;
	}
	while (sizeof(c->out) - c->outlen >= MG_CTL_ROW_MAX) {
		int k;
		if (c->ev_head != c->ev_tail) {
			const struct mg_ctl_event *ev = &c->ring[c->ev_head % MG_CTL_EV_RING];
			k = (c->req.json ? mg_ctl_json_event : mg_ctl_fmt_event)(c->out + c->outlen,
										 MG_CTL_ROW_MAX, ev);
			c->ev_head++;
		} else if (c->ev_lost > 0) {
			k = mg_ctl_fmt_lost(c->out + c->outlen, MG_CTL_ROW_MAX, c->ev_lost, c->req.json);
			c->ev_lost = 0;
		} else {
			break;
		}
		if (k > 0 && (size_t)k < MG_CTL_ROW_MAX)
			c->outlen += (size_t)k;
	}
}

static void serve_subscribers(struct mg_ctl *s)
{
	for (unsigned i = 0; i < MG_CTL_MAX_CLIENTS && s->nsubs > 0; i++) {
		struct client *c = &s->cl[i];
		if (c->state != CL_EVENTS)
			continue;
		flush_events(c);
		if (c->outoff < c->outlen)
			cl_write(s, c);
		else
			c->deadline = s->now + MG_CTL_IDLE_TIMEOUT_MS; /* idle, not slow */
	}
}

void mg_ctl_post(struct mg_ctl *s, const struct mg_ctl_event *ev)
{
	if (s == NULL || s->nsubs == 0)
		return;
	for (unsigned i = 0; i < MG_CTL_MAX_CLIENTS; i++) {
		struct client *c = &s->cl[i];
		if (c->state != CL_EVENTS)
			continue;
		if (c->ev_lost > 0 || c->ev_tail - c->ev_head >= MG_CTL_EV_RING) {
			c->ev_lost++;
			continue;
		}
		c->ring[c->ev_tail % MG_CTL_EV_RING] = *ev;
		c->ev_tail++;
	}
}

bool mg_ctl_subscribed(const struct mg_ctl *s)
{
	return s != NULL && s->nsubs > 0;
}

static void expire_clients(struct mg_ctl *s, uint64_t now_ms)
{
	for (unsigned i = 0; i < MG_CTL_MAX_CLIENTS; i++) {
		struct client *c = &s->cl[i];
		if (c->state == CL_FREE || now_ms < c->deadline)
			continue;
		if (c->state == CL_READ) {
			/* one best-effort line, then the client is gone */
			cl_error(c, "timeout waiting for the request");
			(void)!send(c->fd, c->out, c->outlen, MSG_DONTWAIT | MSG_NOSIGNAL);
		}
		cl_close(s, c);
	}
	for (unsigned i = 0; i < MG_CTL_MAX_TURNED_AWAY; i++) {
		struct turned_away *t = &s->away[i];
		if (t->fd >= 0 && now_ms >= t->deadline) {
			close(t->fd);
			t->fd = -1;
		}
	}
}

void mg_ctl_serve(struct mg_ctl *s, const struct pollfd *fds, int n, uint64_t now_ms)
{
	s->now = now_ms;
	for (int i = 0; i < n; i++) {
		if (fds[i].revents == 0)
			continue;
		if (fds[i].fd == s->fd) {
			do_accept(s);
			continue;
		}
		struct turned_away *t = away_of(s, fds[i].fd);
		if (t != NULL) {
			away_read(t);
			continue;
		}
		struct client *c = client_of(s, fds[i].fd);
		if (c == NULL)
			continue;
		if (c->state == CL_READ && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
			cl_read(s, c);
		else if ((c->state == CL_SEND || c->state == CL_EVENTS) && c->outoff == c->outlen &&
			 (fds[i].revents & (POLLHUP | POLLERR)))
			cl_close(s, c); /* gone while its rows were being made */
		if ((c->state == CL_SEND || c->state == CL_ERROR || c->state == CL_EVENTS) &&
		    (fds[i].revents & (POLLOUT | POLLHUP | POLLERR)))
			cl_write(s, c);
		if (c->state == CL_ERROR)
			cl_write(s, c); /* the error line, at once */
	}
	produce_turn(s);
	serve_subscribers(s);
	expire_clients(s, now_ms);
}

bool mg_ctl_pending(const struct mg_ctl *s)
{
	for (unsigned i = 0; i < MG_CTL_MAX_CLIENTS; i++) {
		const struct client *c = &s->cl[i];
		if (wants_rows(c))
			return true;
		/* queued events that fit in the buffer go out without waiting */
		if (c->state == CL_EVENTS && (c->ev_head != c->ev_tail || c->ev_lost > 0) &&
		    sizeof(c->out) - (c->outlen - c->outoff) >= MG_CTL_ROW_MAX)
			return true;
	}
	return false;
}

unsigned mg_ctl_nclients(const struct mg_ctl *s)
{
	unsigned n = 0;
	for (unsigned i = 0; i < MG_CTL_MAX_CLIENTS; i++)
		n += s->cl[i].state != CL_FREE;
	return n;
}

void mg_ctl_set_source(struct mg_ctl *s, struct mg_engine *e, mg_ctl_stat_fn extra, void *extra_ctx)
{
	s->e = e;
	s->extra = extra;
	s->extra_ctx = extra_ctx;
}

/* ---- the listening socket ---- */

/* Is a daemon answering on this path? */
static bool path_in_use(const struct sockaddr_un *a)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	bool used = connect(fd, (const struct sockaddr *)a, sizeof(*a)) == 0;
	close(fd);
	return used;
}

struct mg_ctl *mg_ctl_open(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	struct stat st;

	if (path == NULL || path[0] == '\0' || strlen(path) >= sizeof(a.sun_path)) {
		snprintf(err, errlen, "control socket path empty or too long");
		return NULL;
	}
	memcpy(a.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s: exists and is not a socket", path);
			return NULL;
		}
		if (path_in_use(&a)) {
			snprintf(err, errlen, "%s: another daemon answers there", path);
			return NULL;
		}
		unlink(path);
	}
	struct mg_ctl *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		snprintf(err, errlen, "control socket: out of memory");
		return NULL;
	}
	for (unsigned i = 0; i < MG_CTL_MAX_CLIENTS; i++)
		s->cl[i].fd = -1;
	for (unsigned i = 0; i < MG_CTL_MAX_TURNED_AWAY; i++)
		s->away[i].fd = -1;
	memcpy(s->path, a.sun_path, sizeof(s->path));
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		goto free_state;
	}
	/* the file is created 0600 from the start: no moment where others
	 * could connect */
	mode_t old = umask(0177);
	int rc = bind(s->fd, (const struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (rc != 0 || chmod(path, 0600) != 0 || listen(s->fd, 2 * (MG_CTL_MAX_CLIENTS + MG_CTL_MAX_TURNED_AWAY)) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (rc == 0)
			unlink(path);
		goto close_fd;
	}
	return s;
close_fd:
	close(s->fd);
free_state:
	free(s);
	return NULL;
}

void mg_ctl_close(struct mg_ctl *s)
{
	if (s == NULL)
		return;
	for (unsigned i = 0; i < MG_CTL_MAX_CLIENTS; i++)
		cl_close(s, &s->cl[i]);
	for (unsigned i = 0; i < MG_CTL_MAX_TURNED_AWAY; i++)
		if (s->away[i].fd >= 0)
			close(s->away[i].fd);
	close(s->fd);
	unlink(s->path);
	free(s);
}
