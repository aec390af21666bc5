/* ctl_client.c - the `meetgate show` side of the control protocol (ctl.h). */
#include "ctl/ctl.h"

#include <errno.h>
#include <json-c/json.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Wait for `ev` on fd until the deadline; 0 ready, -1 timeout or error. */
static int wait_fd(int fd, short ev, uint64_t deadline)
{
	for (;;) {
		uint64_t now = mono_ms();
		if (now >= deadline)
			return -1;
		struct pollfd p = {.fd = fd, .events = ev};
		int r = poll(&p, 1, (int)(deadline - now));
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

/* Lines are passed on as they complete (json: gathered into doc); the
 * last one decides the result. */
struct reader {
	char line[MG_CTL_ROW_MAX * 2];
	size_t len;
	int result;       /* 0 after "end", 1 after "error", -1 until then */
	json_object *doc; /* json: the array (or stats object) so far */
	bool bad_row;     /* json: a row that is not one JSON object */
};

/* A stats row's members join the document; objects under the same key
 * ("dropped", "events") are merged. */
static void merge_stat(json_object *doc, json_object *row)
{
	json_object_object_foreach(row, key, val)
	{
		json_object *have;
		if (json_object_is_type(val, json_type_object) &&
		    json_object_object_get_ex(doc, key, &have) &&
		    json_object_is_type(have, json_type_object)) {
			json_object_object_foreach(val, k2, v2)
				json_object_object_add(have, k2, json_object_get(v2));
		} else {
			json_object_object_add(doc, key, json_object_get(val));
		}
	}
}

static void take_json_row(struct reader *r)
{
	json_object *row = json_tokener_parse(r->line);
	if (row == NULL || !json_object_is_type(row, json_type_object)) {
		r->bad_row = true;
	} else if (json_object_is_type(r->doc, json_type_array)) {
		json_object_array_add(r->doc, row);
		return;
	} else {
		merge_stat(r->doc, row);
	}
	json_object_put(row);
}

static void take_line(struct reader *r, FILE *out, char *err, size_t errlen)
{
	r->line[r->len] = '\0';
	if (strcmp(r->line, "end") == 0)
		r->result = 0;
	else if (strncmp(r->line, "error", 5) == 0 && (r->line[5] == ' ' || r->line[5] == '\0')) {
		snprintf(err, errlen, "%s", r->line);
		r->result = 1;
	} else if (r->doc != NULL)
		take_json_row(r);
	else
		fprintf(out, "%s\n", r->line);
	r->len = 0;
}

/* What to do about a socket that cannot be reached. */
static void connect_error(const char *path, int e, char *err, size_t errlen)
{
	if (e == ENOENT || e == ECONNREFUSED)
		snprintf(err, errlen,
			 "no daemon on %s: is meetgate running? (start it with meetgate run --config "
			 "FILE)",
			 path);
	else if (e == EACCES || e == EPERM)
		snprintf(err, errlen, "%s: %s (the control socket is mode 0600: run as its owner, "
				      "usually root)", path, strerror(e));
	else
		snprintf(err, errlen, "%s: %s", path, strerror(e));
}

/* Connect to the daemon's socket; -1 with a message in err. */
static int ctl_connect(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(a.sun_path)) {
		snprintf(err, errlen, "socket path too long");
		return -1;
	}
	memcpy(a.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (const struct sockaddr *)&a, sizeof(a)) != 0) {
		connect_error(path, errno, err, errlen);
		close(fd);
		return -1;
	}
	return fd;
}

int mg_ctl_events(const char *path, bool json, FILE *out, char *err, size_t errlen)
{
	const char *req = json ? "events json\n" : "events\n";
	int fd = ctl_connect(path, err, errlen);
	if (fd < 0)
		return -1;
	int rc = -1;
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) {
		snprintf(err, errlen, "%s: send: %s", path, strerror(errno));
		goto close_fd;
	}
	char line[MG_CTL_ROW_MAX * 2];
	size_t len = 0;
	char buf[4096];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto close_fd;
		}
		if (n == 0) {
			snprintf(err, errlen, "%s: the daemon closed the event stream", path);
			rc = 1;
			goto close_fd;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (len + 1 >= sizeof(line)) {
					snprintf(err, errlen, "%s: event line too long", path);
					goto close_fd;
				}
				line[len++] = buf[i];
				continue;
			}
			line[len] = '\0';
			len = 0;
			if (strncmp(line, "error", 5) == 0 && (line[5] == ' ' || line[5] == '\0')) {
				snprintf(err, errlen, "%s", line);
				rc = 1;
				goto close_fd;
			}
			fprintf(out, "%s\n", line);
		}
		if (fflush(out) != 0) {
			snprintf(err, errlen, "cannot write the events: %s", strerror(errno));
			goto close_fd;
		}
	}
close_fd:
	close(fd);
	return rc;
}

int mg_ctl_request(const char *path, const char *what, bool json, FILE *out, int timeout_ms,
		   char *err, size_t errlen)
{
	char req[MG_CTL_LINE_MAX];
	int k = snprintf(req, sizeof(req), "show %s\n", what);
	if (k < 0 || (size_t)k >= sizeof(req)) {
		snprintf(err, errlen, "request too long");
		return -1;
	}
	int fd = ctl_connect(path, err, errlen);
	if (fd < 0)
		return -1;
	uint64_t deadline = mono_ms() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 1);
	int rc = -1;
	/* a daemon that turned us away may have answered already: read on */
	char send_err[128] = "";
	if (send(fd, req, (size_t)k, MSG_NOSIGNAL) != k)
		snprintf(send_err, sizeof(send_err), "send: %s", strerror(errno));
	struct reader r = {.len = 0, .result = -1};
	if (json) {
		r.doc = strncmp(what, "stats", 5) == 0 ? json_object_new_object()
						       : json_object_new_array();
		if (r.doc == NULL) {
			snprintf(err, errlen, "out of memory");
			goto close_fd;
		}
	}
	char buf[4096];
	while (r.result < 0) {
		if (wait_fd(fd, POLLIN, deadline) != 0) {
			snprintf(err, errlen, "%s: no answer for %d ms", path, timeout_ms);
			goto close_fd;
		}
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0) /* a long table may take a while: the limit is on silence */
			deadline = mono_ms() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 1);
		if (n <= 0) {
			if (send_err[0])
				snprintf(err, errlen, "%s: %s", path, send_err);
			else
				snprintf(err, errlen, "%s: the daemon closed the connection mid-answer", path);
			goto close_fd;
		}
		for (ssize_t i = 0; i < n && r.result < 0; i++) {
			if (buf[i] == '\n') {
				take_line(&r, out, err, errlen);
				continue;
			}
			if (r.len + 1 >= sizeof(r.line)) {
				snprintf(err, errlen, "%s: answer line too long", path);
				goto close_fd;
			}
			r.line[r.len++] = buf[i];
		}
	}
	rc = r.result;
	if (rc == 0 && r.bad_row) {
		snprintf(err, errlen, "%s: the daemon sent a row that is not a JSON object", path);
		rc = -1;
	}
	if (rc == 0 && r.doc != NULL) {
		const char *s = json_object_to_json_string_ext(
			r.doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				       JSON_C_TO_STRING_NOSLASHESCAPE);
		if (s == NULL || fprintf(out, "%s\n", s) < 0) {
			snprintf(err, errlen, "cannot write the answer");
			rc = -1;
		}
	}
close_fd:
	json_object_put(r.doc);
	close(fd);
	return rc;
}
