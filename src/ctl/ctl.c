/* ctl.c - the control socket server (protocol and limits: ctl.h).
 *
 * Each client moves through: READ (collecting the request line, deadline
 * MG_CTL_REQ_TIMEOUT_MS from accept) -> SEND (answer rows produced into the
 * output buffer whenever it has drained, "end" last) or ERROR (one "error"
 * line) -> closed once the buffer is written.  While sending, the deadline
 * moves MG_CTL_IDLE_TIMEOUT_MS ahead whenever the client takes bytes.
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

enum cl_state { CL_FREE = 0, CL_READ, CL_SEND, CL_ERROR };

struct client {
	int fd;
	enum cl_state state;
	enum mg_ctl_cmd cmd;
	uint64_t deadline;
	uint64_t next_row;  /* rows of the answer produced so far */
	bool done;          /* "end" is in the buffer */
	size_t inlen;
	char in[MG_CTL_LINE_MAX];
	size_t outoff, outlen;
	char out[MG_CTL_OUT_MAX];
};

struct mg_ctl {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct mg_engine *e;
	struct mg_h323 *h323;
	mg_ctl_stat_fn extra;
	void *extra_ctx;
	uint64_t now;
	struct client cl[MG_CTL_MAX_CLIENTS];
};

static void cl_close(struct client *c)
{
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

/* A pass over a table: rows before `skip` were sent in earlier passes;
 * rows are added while a whole row surely fits. */
struct gen {
	struct client *c;
	uint64_t skip, idx;
	bool full;
	uint64_t now;
};

static char *gen_slot(struct gen *g)
{
	if (g->full)
		return NULL;
	if (g->idx < g->skip) {
		g->idx++;
		return NULL;
	}
	if (sizeof(g->c->out) - g->c->outlen < MG_CTL_ROW_MAX) {
		g->full = true;
		return NULL;
	}
	g->idx++;
	return g->c->out + g->c->outlen;
}

static void gen_commit(struct gen *g, int k)
{
	if (k > 0 && (size_t)k < MG_CTL_ROW_MAX)
		g->c->outlen += (size_t)k;
}

static void on_flow(void *ctx, const struct mg_flow_info *fi)
{
	struct gen *g = ctx;
	char *p = gen_slot(g);
	if (p)
		gen_commit(g, mg_ctl_fmt_flow(p, MG_CTL_ROW_MAX, fi, g->now));
}

static void on_binding(void *ctx, const struct mg_binding_info *bi)
{
	struct gen *g = ctx;
	char *p = gen_slot(g);
	if (p)
		gen_commit(g, mg_ctl_fmt_binding(p, MG_CTL_ROW_MAX, bi, g->now));
}

static void on_pinhole(void *ctx, const struct mg_pinhole_info *pi)
{
	struct gen *g = ctx;
	char *p = gen_slot(g);
	if (p)
		gen_commit(g, mg_ctl_fmt_pinhole(p, MG_CTL_ROW_MAX, pi, g->now));
}

static void on_call(void *ctx, const struct mg_h323_call_info *ci)
{
	struct gen *g = ctx;
	char *p = gen_slot(g);
	if (p)
		gen_commit(g, mg_ctl_fmt_call(p, MG_CTL_ROW_MAX, ci, g->now));
}

/* Stats rows are cheap: each is rendered to see whether it exists, then
 * copied if this pass takes it. */
static void gen_stats(struct mg_ctl *s, struct gen *g)
{
	const struct mg_stats *st = mg_engine_stats(s->e);
	char row[MG_CTL_ROW_MAX];
	for (int part = 0; part < 2; part++) {
		for (unsigned i = 0;; i++) {
			int k = part == 0 ? mg_ctl_fmt_stat(row, sizeof(row), st, i)
			    : s->extra ? s->extra(s->extra_ctx, row, sizeof(row), i) : -1;
			if (k < 0)
				break;
			if (k == 0 || (size_t)k >= sizeof(row))
				continue;
			char *p = gen_slot(g);
			if (g->full)
				return;
			if (p) {
				memcpy(p, row, (size_t)k);
				gen_commit(g, k);
			}
		}
	}
}

/* Refill the drained output buffer with the next rows (and "end"). */
static void produce(struct mg_ctl *s, struct client *c)
{
	struct gen g = {c, c->next_row, 0, false, s->now};
	c->outoff = c->outlen = 0;
	if (c->next_row == 0) {
		const char *h = mg_ctl_header(c->cmd);
		size_t hl = strlen(h);
		memcpy(c->out, h, hl);
		c->outlen = hl;
	}
	switch (c->cmd) {
	case MG_CTL_FLOWS:
		mg_engine_foreach_flow(s->e, on_flow, &g);
		break;
	case MG_CTL_BINDINGS:
		mg_engine_foreach_binding(s->e, on_binding, &g);
		break;
	case MG_CTL_PINHOLES:
		mg_engine_foreach_pinhole(s->e, on_pinhole, &g);
		break;
	case MG_CTL_CALLS:
		if (s->h323 != NULL)
			mg_h323_foreach_call(s->h323, on_call, &g);
		break;
	case MG_CTL_STATS:
		gen_stats(s, &g);
		break;
	default:
		break;
	}
	c->next_row = g.idx;
	if (!g.full) {
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
		cl_close(c); /* the client left before asking anything */
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
	if (mg_ctl_parse_request(c->in, (size_t)(nl - c->in), &c->cmd, &why) != 0) {
		cl_error(c, why);
		return;
	}
	c->state = CL_SEND;
	c->deadline = s->now + MG_CTL_IDLE_TIMEOUT_MS;
	c->next_row = 0;
	c->done = false;
	produce(s, c);
}

static void cl_write(struct mg_ctl *s, struct client *c)
{
	for (;;) {
		if (c->outoff == c->outlen) {
			if (c->state == CL_ERROR || c->done) {
				cl_close(c);
				return;
			}
			produce(s, c);
		}
		ssize_t n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return;
		if (n <= 0) {
			cl_close(c);
			return;
		}
		c->outoff += (size_t)n;
		c->deadline = s->now + MG_CTL_IDLE_TIMEOUT_MS;
	}
}

static void do_accept(struct mg_ctl *s)
{
	for (int tries = 0; tries < MG_CTL_MAX_CLIENTS + 1; tries++) {
		int fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct client *c = NULL;
		for (unsigned i = 0; i < MG_CTL_MAX_CLIENTS && c == NULL; i++)
			if (s->cl[i].state == CL_FREE)
				c = &s->cl[i];
		if (c == NULL) {
			static const char busy[] = "error busy\n";
			(void)!send(fd, busy, sizeof(busy) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
			close(fd);
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
	if (n < max)
		fds[n++] = (struct pollfd){.fd = s->fd, .events = POLLIN};
	for (unsigned i = 0; i < MG_CTL_MAX_CLIENTS && n < max; i++) {
		struct client *c = &s->cl[i];
		if (c->state == CL_FREE)
			continue;
		fds[n++] = (struct pollfd){.fd = c->fd, .events = c->state == CL_READ ? POLLIN : POLLOUT};
	}
	return n;
}

static struct client *client_of(struct mg_ctl *s, int fd)
{
	for (unsigned i = 0; i < MG_CTL_MAX_CLIENTS; i++)
		if (s->cl[i].state != CL_FREE && s->cl[i].fd == fd)
			return &s->cl[i];
	return NULL;
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
		struct client *c = client_of(s, fds[i].fd);
		if (c == NULL)
			continue;
		if (c->state == CL_READ && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
			cl_read(s, c);
		if ((c->state == CL_SEND || c->state == CL_ERROR) &&
		    (fds[i].revents & (POLLOUT | POLLHUP | POLLERR)))
			cl_write(s, c);
	}
	for (unsigned i = 0; i < MG_CTL_MAX_CLIENTS; i++) {
		struct client *c = &s->cl[i];
		if (c->state == CL_FREE || now_ms < c->deadline)
			continue;
		if (c->state == CL_READ) {
			/* one best-effort line, then the client is gone */
			cl_error(c, "timeout waiting for the request");
			(void)!send(c->fd, c->out, c->outlen, MSG_DONTWAIT | MSG_NOSIGNAL);
		}
		cl_close(c);
	}
}

unsigned mg_ctl_nclients(const struct mg_ctl *s)
{
	unsigned n = 0;
	for (unsigned i = 0; i < MG_CTL_MAX_CLIENTS; i++)
		n += s->cl[i].state != CL_FREE;
	return n;
}

void mg_ctl_set_source(struct mg_ctl *s, struct mg_engine *e, struct mg_h323 *h323,
		       mg_ctl_stat_fn extra, void *extra_ctx)
{
	s->e = e;
	s->h323 = h323;
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
	if (rc != 0 || chmod(path, 0600) != 0 || listen(s->fd, MG_CTL_MAX_CLIENTS) != 0) {
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
		cl_close(&s->cl[i]);
	close(s->fd);
	unlink(s->path);
	free(s);
}
