/* test_ctl.c - the control protocol: request parsing, answer rows, and the
 * server against hostile clients (src/ctl/). */
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/engine.h"
#include "core/pkt.h"
#include "ctl/ctl.h"

#include <json-c/json.h>

static int parse_req(const char *s, struct mg_ctl_req *req)
{
	const char *why = NULL;
	/* from a guarded copy: a read past the line faults */
	size_t n = strlen(s);
	uint8_t *g = t_guarded(s, n);
	int rc = mg_ctl_parse_request((const char *)g, n, req, &why);
	t_guarded_free(g, n);
	if (rc != 0 && (why == NULL || why[0] == '\0'))
		return -2; /* every refusal must say why */
	return rc;
}

static int parse(const char *s, enum mg_ctl_cmd *cmd)
{
	struct mg_ctl_req req;
	int rc = parse_req(s, &req);
	if (rc == 0)
		*cmd = req.cmd;
	return rc;
}

TEST(ctl_parse_accepts_the_five_requests)
{
	enum mg_ctl_cmd c;
	CHECK_EQ(parse("show calls", &c), 0);
	CHECK_EQ(c, MG_CTL_CALLS);
	CHECK_EQ(parse("show flows", &c), 0);
	CHECK_EQ(c, MG_CTL_FLOWS);
	CHECK_EQ(parse("show pinholes", &c), 0);
	CHECK_EQ(c, MG_CTL_PINHOLES);
	CHECK_EQ(parse("show stats", &c), 0);
	CHECK_EQ(c, MG_CTL_STATS);
	CHECK_EQ(parse("show bindings\r", &c), 0);
	CHECK_EQ(c, MG_CTL_BINDINGS);
	CHECK(strcmp(mg_ctl_cmd_name(MG_CTL_PINHOLES), "pinholes") == 0);
}

TEST(ctl_parse_refuses_everything_else)
{
	enum mg_ctl_cmd c;
	const char *bad[] = {"",          "\r",           "show",         "show ",
			     "show  flows", "show flows ",  "show flowsx",  "SHOW flows",
			     "show Flows", "flows",        "show flow",    " show flows",
			     "show stats\r\r", "show\tstats", "show stats\x01", "show st\xc3\xa4ts",
			     "show calls; rm -rf /", "show \x7f"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(parse(bad[i], &c), -1);
	/* an embedded NUL is a control byte, not the end of the line */
	const char *why = NULL;
	struct mg_ctl_req r;
	CHECK_EQ(mg_ctl_parse_request("show stats\0x", 12, &r, &why), -1);
	CHECK_EQ(mg_ctl_parse_request("show s\0ats", 10, &r, &why), -1);
	/* too long, even when it starts right */
	char longline[MG_CTL_LINE_MAX + 10];
	memset(longline, 'a', sizeof(longline));
	memcpy(longline, "show stats", 10);
	CHECK_EQ(mg_ctl_parse_request(longline, sizeof(longline), &r, &why), -1);
	CHECK(strstr(why, "long") != NULL);
}

static uint32_t ip(int a, int b, int c, int d)
{
	const uint8_t x[4] = {(uint8_t)a, (uint8_t)b, (uint8_t)c, (uint8_t)d};
	uint32_t v;
	memcpy(&v, x, 4);
	return v;
}

static struct mg_tuple tup(uint8_t proto, uint32_t s, uint32_t d, uint16_t sp, uint16_t dp)
{
	struct mg_tuple t;
	memset(&t, 0, sizeof(t));
	t.family = MG_AF_INET;
	t.proto = proto;
	t.src.w[0] = s;
	t.dst.w[0] = d;
	t.sport = sp;
	t.dport = dp;
	return t;
}

TEST(ctl_flow_row_reads_like_conntrack)
{
	char row[MG_CTL_ROW_MAX];
	struct mg_flow_info fi;
	memset(&fi, 0, sizeof(fi));
	fi.orig = tup(MG_PROTO_TCP, ip(198, 18, 1, 10), ip(198, 19, 0, 20), 40000, 1720);
	fi.reply = tup(MG_PROTO_TCP, ip(198, 19, 0, 20), ip(198, 19, 0, 1), 1720, 40000);
	fi.state = "established";
	fi.pkts[0] = 5;
	fi.bytes[0] = 300;
	fi.pkts[1] = 4;
	fi.bytes[1] = 250;
	fi.expire_ms = 10500;
	fi.alg = "h323-q931";
	fi.call = 3;
	int n = mg_ctl_fmt_flow(row, sizeof(row), &fi, 1000);
	CHECK(n > 0 && (size_t)n == strlen(row));
	CHECK(strcmp(row, "tcp    6 10 ESTABLISHED src=198.18.1.10 dst=198.19.0.20 sport=40000 "
			  "dport=1720 packets=5 bytes=300 src=198.19.0.20 dst=198.19.0.1 "
			  "sport=1720 dport=40000 packets=4 bytes=250 [from-inside] "
			  "alg=h323-q931 call=3\n") == 0);
	/* UDP without replies; expired timers show 0 */
	memset(&fi, 0, sizeof(fi));
	fi.orig = tup(MG_PROTO_UDP, ip(198, 19, 0, 20), ip(198, 19, 0, 1), 5000, 6000);
	fi.reply = tup(MG_PROTO_UDP, ip(198, 18, 1, 10), ip(198, 19, 0, 20), 6000, 5000);
	fi.state = "udp";
	fi.orig_side = MG_SIDE_OUTSIDE;
	fi.expire_ms = 10;
	mg_ctl_fmt_flow(row, sizeof(row), &fi, 5000);
	CHECK(strncmp(row, "udp    17 0 src=198.19.0.20 ", 28) == 0);
	CHECK(strstr(row, " [UNREPLIED] src=198.18.1.10") != NULL);
	CHECK(strstr(row, "[from-outside]\n") != NULL);
	/* ICMP echo shows its identifier */
	fi.orig = tup(MG_PROTO_ICMP, ip(198, 18, 1, 10), ip(198, 19, 0, 20), 77, 77);
	mg_ctl_fmt_flow(row, sizeof(row), &fi, 0);
	CHECK(strstr(row, "dst=198.19.0.20 id=77 packets=0") != NULL);
	CHECK(strstr(row, "sport=") == NULL || strstr(row, "sport=") > strstr(row, "[UNREPLIED]"));
}

TEST(ctl_flow_row_ipv6_fits)
{
	char row[MG_CTL_ROW_MAX];
	struct mg_flow_info fi;
	memset(&fi, 0xff, sizeof(fi));
	fi.orig.family = fi.reply.family = MG_AF_INET6;
	fi.orig.proto = fi.reply.proto = MG_PROTO_TCP;
	fi.state = "established-with-a-very-long-state-name-that-is-cut";
	fi.alg = "a-very-long-alg-name-for-the-row";
	fi.expire_ms = UINT64_MAX;
	int n = mg_ctl_fmt_flow(row, sizeof(row), &fi, 0);
	CHECK(n > 0 && n < MG_CTL_ROW_MAX);
	CHECK(strstr(row, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") != NULL);
}

TEST(ctl_binding_pinhole_call_rows)
{
	char row[MG_CTL_ROW_MAX];
	struct mg_binding_info bi = {MG_PROTO_UDP, ip(198, 18, 1, 10), ip(198, 19, 0, 1), 5004, 5004,
				     2, true, 1000};
	CHECK(mg_ctl_fmt_binding(row, sizeof(row), &bi, 61000) > 0);
	CHECK(strstr(row, "198.18.1.10:5004") != NULL);
	CHECK(strstr(row, "198.19.0.1:5004") != NULL);
	CHECK(strstr(row, " advertised ") != NULL);
	CHECK(strstr(row, " 60\n") != NULL);

	struct mg_pinhole_info pi = {MG_PROTO_UDP, MG_SIDE_OUTSIDE, 0, ip(198, 19, 0, 1), 5004,
				     ip(198, 18, 1, 10), 5004, 9, 12, 31000, "rtp"};
	CHECK(mg_ctl_fmt_pinhole(row, sizeof(row), &pi, 1000) > 0);
	CHECK(strncmp(row, "udp    rtp      outside ", 24) == 0);
	CHECK(strstr(row, " * ") != NULL); /* any remote */
	CHECK(strstr(row, "198.19.0.1:5004") != NULL);
	CHECK(strstr(row, "198.18.1.10:5004") != NULL);
	CHECK(strstr(row, " 30\n") != NULL);
	pi.expire_ms = UINT64_MAX; /* a pinhole in use lives with its call */
	CHECK(mg_ctl_fmt_pinhole(row, sizeof(row), &pi, 1000) > 0);
	CHECK(strstr(row, " call\n") != NULL);

	struct mg_call_info ci;
	memset(&ci, 0, sizeof(ci));
	ci.id = 4;
	ci.inside_addr = ip(198, 18, 1, 11);
	ci.peer_addr = ip(198, 19, 0, 21);
	ci.inbound = 1;
	ci.state = "connected";
	ci.messages = 17;
	ci.rewrites = 6;
	ci.pinholes = 4;
	ci.bindings = 2;
	CHECK(mg_ctl_fmt_call(row, sizeof(row), &ci, 0) > 0);
	CHECK(strncmp(row, "     4 connected   inbound      198.18.1.11     198.19.0.21", 58) == 0);
	CHECK(strstr(mg_ctl_header(MG_CTL_CALLS), "state") != NULL);
	CHECK(strcmp(mg_ctl_header(MG_CTL_FLOWS), "") == 0);
}

TEST(ctl_stat_rows)
{
	char row[MG_CTL_ROW_MAX];
	static struct mg_stats st;
	memset(&st, 0, sizeof(st));
	st.pkts_in[0] = 11;
	st.flows_active = 3;
	st.dropped[MG_R_CT_FULL] = 2;
	st.events[MG_R_ALG_FOREIGN_CALL] = 5;
	unsigned i = 0, rows = 0;
	bool saw_in = false, saw_active = false, saw_reason = false, saw_event = false;
	for (;; i++) {
		int k = mg_ctl_fmt_stat(row, sizeof(row), &st, i);
		if (k < 0)
			break;
		if (k == 0)
			continue;
		rows++;
		saw_in |= strcmp(row, "pkts_in_inside 11\n") == 0;
		saw_active |= strcmp(row, "flows_active 3\n") == 0;
		saw_reason |= strcmp(row, "drop ct-full 2\n") == 0;
		saw_event |= strcmp(row, "event alg-foreign-call 5\n") == 0;
		CHECK(strstr(row, " none ") == NULL);
		CHECK(strstr(row, "event ct-full") == NULL); /* drops and events are counted apart */
	}
	CHECK(saw_in && saw_active && saw_reason && saw_event);
	CHECK(i > 2 * MG_R__COUNT);
	CHECK_EQ(mg_ctl_fmt_stat(row, sizeof(row), &st, 100000), -1);
}

/* ---- the server, driven in this process ---- */

struct srv {
	struct mg_engine *e;
	struct mg_ctl *c;
	char path[108];
	uint64_t now;
};

static int srv_open(struct srv *s)
{
	static struct mg_config cfg;
	char err[256];
	mg_config_defaults(&cfg);
	cfg.max_flows = cfg.max_bindings = cfg.max_pinholes = 64;
	snprintf(s->path, sizeof(s->path), "/tmp/mg_test_ctl_%d.sock", (int)getpid());
	s->e = mg_engine_new(&cfg, 1, err, sizeof(err));
	s->c = s->e ? mg_ctl_open(s->path, err, sizeof(err)) : NULL;
	if (s->c == NULL) {
		fprintf(stderr, "  %s\n", err);
		return -1;
	}
	mg_ctl_set_source(s->c, s->e, NULL, NULL);
	s->now = 1000;
	return 0;
}

static void srv_close(struct srv *s)
{
	mg_ctl_close(s->c);
	mg_engine_free(s->e);
}

/* One server turn, without waiting. */
static void srv_turn(struct srv *s)
{
	struct pollfd fds[MG_CTL_POLLFDS];
	int n = mg_ctl_pollfds(s->c, fds, MG_CTL_POLLFDS);
	poll(fds, (nfds_t)n, 0);
	mg_ctl_serve(s->c, fds, n, s->now);
}

static int cli_connect(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	memcpy(a.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read what the server wrote so far (turning the server between reads)
 * until it closes; returns the bytes read. */
static size_t cli_drain(struct srv *s, int fd, char *buf, size_t n)
{
	size_t got = 0;
	for (int turns = 0; turns < 200; turns++) {
		srv_turn(s);
		ssize_t r = recv(fd, buf + got, n - 1 - got, MSG_DONTWAIT);
		if (r == 0)
			break;
		if (r > 0)
			got += (size_t)r;
		if (got >= n - 1)
			break;
	}
	buf[got] = '\0';
	return got;
}

TEST(ctl_server_answers_and_closes)
{
	struct srv s;
	static char out[8192];
	CHECK_EQ(srv_open(&s), 0);
	struct stat st;
	CHECK_EQ(stat(s.path, &st), 0);
	CHECK_EQ(st.st_mode & 0777, 0600);
	int fd = cli_connect(s.path);
	CHECK(fd >= 0);
	/* the request split in two writes */
	CHECK_EQ(send(fd, "show st", 7, 0), 7);
	srv_turn(&s);
	CHECK_EQ(send(fd, "ats\n", 4, 0), 4);
	cli_drain(&s, fd, out, sizeof(out));
	close(fd);
	CHECK(strncmp(out, "pkts_in_inside 0\n", 17) == 0);
	size_t n = strlen(out);
	CHECK(n > 4 && strcmp(out + n - 4, "end\n") == 0);
	CHECK_EQ(mg_ctl_nclients(s.c), 0);
	srv_close(&s);
	CHECK(stat(s.path, &st) != 0); /* removed on close */
}

TEST(ctl_server_refuses_hostile_clients)
{
	struct srv s;
	static char out[4096];
	CHECK_EQ(srv_open(&s), 0);
	/* unknown command */
	int fd = cli_connect(s.path);
	CHECK(fd >= 0);
	CHECK_EQ(send(fd, "show secrets\n", 13, 0), 13);
	cli_drain(&s, fd, out, sizeof(out));
	close(fd);
	CHECK(strncmp(out, "error unknown request", 21) == 0);
	/* binary */
	fd = cli_connect(s.path);
	CHECK_EQ(send(fd, "\x16\x03\x01\x00\xff\n", 6, 0), 6);
	cli_drain(&s, fd, out, sizeof(out));
	close(fd);
	CHECK(strncmp(out, "error request holds a control", 29) == 0);
	/* a line longer than the limit, without a newline */
	fd = cli_connect(s.path);
	char big[1000];
	memset(big, 'x', sizeof(big));
	CHECK_EQ(send(fd, big, sizeof(big), 0), (long long)sizeof(big));
	cli_drain(&s, fd, out, sizeof(out));
	close(fd);
	CHECK(strcmp(out, "error request too long\n") == 0);
	/* silence: answered after the request timeout, then closed */
	fd = cli_connect(s.path);
	srv_turn(&s);
	CHECK_EQ(mg_ctl_nclients(s.c), 1);
	s.now += MG_CTL_REQ_TIMEOUT_MS;
	cli_drain(&s, fd, out, sizeof(out));
	close(fd);
	CHECK(strncmp(out, "error timeout", 13) == 0);
	CHECK_EQ(mg_ctl_nclients(s.c), 0);
	srv_close(&s);
}

TEST(ctl_server_limits_clients)
{
	struct srv s;
	static char out[256];
	int fds[MG_CTL_MAX_CLIENTS];
	CHECK_EQ(srv_open(&s), 0);
	for (int i = 0; i < MG_CTL_MAX_CLIENTS; i++) {
		fds[i] = cli_connect(s.path);
		CHECK(fds[i] >= 0);
		srv_turn(&s);
	}
	CHECK_EQ(mg_ctl_nclients(s.c), MG_CTL_MAX_CLIENTS);
	int extra = cli_connect(s.path);
	CHECK(extra >= 0);
	cli_drain(&s, extra, out, sizeof(out));
	close(extra);
	CHECK(strcmp(out, "error busy\n") == 0);
	/* the others are still served */
	CHECK_EQ(send(fds[0], "show flows\n", 11, 0), 11);
	cli_drain(&s, fds[0], out, sizeof(out));
	CHECK(strcmp(out, "end\n") == 0);
	for (int i = 0; i < MG_CTL_MAX_CLIENTS; i++)
		close(fds[i]);
	srv_turn(&s);
	CHECK_EQ(mg_ctl_nclients(s.c), 0);
	srv_close(&s);
}

TEST(ctl_refuses_a_non_socket_path)
{
	char path[] = "/tmp/mg_test_ctl_file_XXXXXX";
	char err[256];
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	CHECK(mg_ctl_open(path, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "not a socket") != NULL);
	unlink(path);
}

/* The client library against a server in a child process. */
TEST(ctl_client_request)
{
	struct srv s;
	char err[256];
	CHECK_EQ(srv_open(&s), 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		for (int i = 0; i < 300; i++) { /* at most 3 s */
			struct pollfd fds[MG_CTL_POLLFDS];
			int n = mg_ctl_pollfds(s.c, fds, MG_CTL_POLLFDS);
			poll(fds, (nfds_t)n, 10);
			mg_ctl_serve(s.c, fds, n, s.now);
		}
		_exit(0);
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc = mg_ctl_request(s.path, "stats", false, f, 2000, err, sizeof(err));
	fclose(f);
	int rc2 = mg_ctl_request(s.path, "nonsense", false, stdout, 2000, err, sizeof(err));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	srv_close(&s);
	bool stats_ok = buf != NULL && strncmp(buf, "pkts_in_inside 0\n", 17) == 0 &&
			strstr(buf, "\nend\n") == NULL && strstr(buf, "\ncalls_ended 0\n") != NULL;
	free(buf);
	CHECK_EQ(rc, 0);
	CHECK(stats_ok);
	CHECK_EQ(rc2, 1);
	CHECK(strncmp(err, "error unknown request", 21) == 0);
	/* nobody listening */
	CHECK_EQ(mg_ctl_request(s.path, "stats", false, stdout, 200, err, sizeof(err)), -1);
}

/* ---- long tables in slices ---- */

/* A server over an engine holding `nflows` UDP flows. */
static int srv_open_flows(struct srv *s, uint32_t nflows)
{
	static struct mg_config cfg;
	char err[256];
	mg_config_defaults(&cfg);
	cfg.max_flows = cfg.max_bindings = 8192;
	cfg.max_pinholes = 64;
	cfg.n_allow = 1;
	cfg.allow_set = true;
	cfg.allow[0] = (struct mg_allow){MG_PROTO_UDP, 1, 65535};
	snprintf(s->path, sizeof(s->path), "/tmp/mg_test_ctl_%d.sock", (int)getpid());
	s->e = mg_engine_new(&cfg, 1, err, sizeof(err));
	if (s->e == NULL)
		return -1;
	uint8_t b[64];
	for (uint32_t i = 0; i < nflows; i++) {
		/* UDP 198.18.1.10:(1024 + i / 1000) -> 198.19.0.20:(2000 + i % 1000) */
		memset(b, 0, sizeof(b));
		b[0] = 0x45;
		b[3] = 28;
		b[8] = 64;
		b[9] = 17;
		memcpy(b + 12, (const uint8_t[]){198, 18, 1, 10}, 4);
		memcpy(b + 16, (const uint8_t[]){198, 19, 0, 20}, 4);
		uint32_t sum = 0;
		for (int k = 0; k < 20; k += 2)
			sum += (uint32_t)(b[k] << 8 | b[k + 1]);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		b[10] = (uint8_t)(~sum >> 8);
		b[11] = (uint8_t)~sum;
		uint16_t sp = (uint16_t)(1024 + i / 1000), dp = (uint16_t)(2000 + i % 1000);
		b[20] = (uint8_t)(sp >> 8);
		b[21] = (uint8_t)sp;
		b[22] = (uint8_t)(dp >> 8);
		b[23] = (uint8_t)dp;
		b[25] = 8;
		if (mg_engine_process(s->e, b, 28, MG_SIDE_INSIDE, 1000).verdict != MG_VERDICT_ACCEPT)
			return -1;
	}
	s->c = mg_ctl_open(s->path, err, sizeof(err));
	if (s->c == NULL)
		return -1;
	mg_ctl_set_source(s->c, s->e, NULL, NULL);
	s->now = 1000;
	return 0;
}

struct reader {
	int fd;
	size_t lines;
	bool ended, closed;
	char tail[8];
};

/* Take what the server sent; returns the lines it held. */
static size_t reader_take(struct reader *r)
{
	static char buf[1 << 16];
	size_t lines = 0;
	for (;;) {
		ssize_t n = recv(r->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0)
			r->closed = true;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
		size_t keep = (size_t)n < sizeof(r->tail) ? (size_t)n : sizeof(r->tail);
		memmove(r->tail, r->tail + keep, sizeof(r->tail) - keep);
		memcpy(r->tail + sizeof(r->tail) - keep, buf + n - keep, keep);
	}
	r->lines += lines;
	r->ended = memcmp(r->tail + sizeof(r->tail) - 4, "end\n", 4) == 0;
	return lines;
}

TEST(ctl_long_table_comes_in_bounded_slices)
{
	struct srv s;
	const uint32_t nflows = 5000;
	CHECK_EQ(srv_open_flows(&s, nflows), 0);
	struct reader r[MG_CTL_MAX_CLIENTS];
	for (int i = 0; i < MG_CTL_MAX_CLIENTS; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].fd = cli_connect(s.path);
		CHECK(r[i].fd >= 0);
		CHECK_EQ(send(r[i].fd, "show flows\n", 11, 0), 11);
	}
	size_t most = 0;
	int turns = 0;
	bool all = false;
	for (; turns < 10000 && !all; turns++) {
		srv_turn(&s);
		size_t lines = 0;
		all = true;
		for (int i = 0; i < MG_CTL_MAX_CLIENTS; i++) {
			lines += reader_take(&r[i]);
			all = all && r[i].closed;
		}
		if (lines > most)
			most = lines;
	}
	CHECK(all);
	/* every turn made at most MG_CTL_TURN_ROWS rows (+ the "end" lines) */
	CHECK(most <= MG_CTL_TURN_ROWS + MG_CTL_MAX_CLIENTS);
	CHECK(turns >= (int)(MG_CTL_MAX_CLIENTS * nflows / MG_CTL_TURN_ROWS));
	for (int i = 0; i < MG_CTL_MAX_CLIENTS; i++) {
		CHECK_EQ(r[i].lines, nflows + 1);
		CHECK(r[i].ended);
		close(r[i].fd);
	}
	CHECK(!mg_ctl_pending(s.c));
	CHECK_EQ(mg_ctl_nclients(s.c), 0);
	srv_close(&s);
}

TEST(ctl_slow_reader_holds_no_turn)
{
	struct srv s;
	CHECK_EQ(srv_open_flows(&s, 3000), 0);
	int fd = cli_connect(s.path);
	CHECK(fd >= 0);
	int small = 4096;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	CHECK_EQ(send(fd, "show flows\n", 11, 0), 11);
	/* the client reads nothing: once its buffers are full nothing is made */
	for (int i = 0; i < 200; i++)
		srv_turn(&s);
	CHECK(!mg_ctl_pending(s.c));
	CHECK_EQ(mg_ctl_nclients(s.c), 1);
	/* then it reads everything */
	struct reader r = {.fd = fd};
	for (int i = 0; i < 20000 && !r.closed; i++) {
		srv_turn(&s);
		reader_take(&r);
	}
	CHECK(r.closed && r.ended);
	CHECK_EQ(r.lines, 3001);
	close(fd);
	srv_close(&s);
}

/* The 9th client: its line is there even when it writes its request after
 * the server turned it away, and the socket closes after the request. */
TEST(ctl_turned_away_client_writes_then_reads_its_line)
{
	struct srv s;
	static char out[256];
	int fds[MG_CTL_MAX_CLIENTS];
	CHECK_EQ(srv_open(&s), 0);
	for (int i = 0; i < MG_CTL_MAX_CLIENTS; i++) {
		fds[i] = cli_connect(s.path);
		CHECK(fds[i] >= 0);
		srv_turn(&s);
	}
	int extra = cli_connect(s.path);
	CHECK(extra >= 0);
	srv_turn(&s); /* accepted and turned away before it wrote anything */
	srv_turn(&s);
	CHECK_EQ(send(extra, "show stats\n", 11, MSG_NOSIGNAL), 11);
	size_t n = cli_drain(&s, extra, out, sizeof(out));
	CHECK_EQ(n, strlen("error busy\n"));
	CHECK(strcmp(out, "error busy\n") == 0);
	close(extra);
	CHECK_EQ(mg_ctl_nclients(s.c), MG_CTL_MAX_CLIENTS);
	/* more turned away at once than the server keeps: the rest wait */
	int more[MG_CTL_MAX_TURNED_AWAY + 2];
	for (int i = 0; i < MG_CTL_MAX_TURNED_AWAY + 2; i++) {
		more[i] = cli_connect(s.path);
		CHECK(more[i] >= 0);
	}
	srv_turn(&s);
	for (int i = 0; i < MG_CTL_MAX_TURNED_AWAY + 2; i++) {
		CHECK_EQ(send(more[i], "show stats\n", 11, MSG_NOSIGNAL), 11);
		cli_drain(&s, more[i], out, sizeof(out));
		CHECK(strcmp(out, "error busy\n") == 0);
		close(more[i]);
	}
	/* silent ones are let go after the request timeout */
	extra = cli_connect(s.path);
	srv_turn(&s);
	s.now += MG_CTL_REQ_TIMEOUT_MS;
	cli_drain(&s, extra, out, sizeof(out));
	CHECK(strcmp(out, "error busy\n") == 0);
	close(extra);
	for (int i = 0; i < MG_CTL_MAX_CLIENTS; i++)
		close(fds[i]);
	srv_close(&s);
}

/* ---- request options, filters and JSON rows ---- */

TEST(ctl_parse_takes_json_and_filters_in_any_order)
{
	struct mg_ctl_req r;
	CHECK_EQ(parse_req("show flows json proto=tcp port=1720 addr=198.18.1.10 call=3", &r), 0);
	CHECK_EQ(r.cmd, MG_CTL_FLOWS);
	CHECK(r.json);
	CHECK_EQ(r.f.proto, MG_PROTO_TCP);
	CHECK(r.f.has_port && r.f.port == 1720);
	CHECK(r.f.has_addr && r.f.family == MG_AF_INET && r.f.addr.w[0] == ip(198, 18, 1, 10));
	CHECK(r.f.has_call && r.f.call == 3);
	CHECK_EQ(parse_req("show pinholes call=7 json\r", &r), 0);
	CHECK(r.json && r.f.has_call && r.f.call == 7 && !r.f.has_port && r.f.proto == 0);
	CHECK_EQ(parse_req("show bindings addr=2001:db8::1 port=0", &r), 0);
	CHECK(r.f.family == MG_AF_INET6 && r.f.addr.b[0] == 0x20 && r.f.addr.b[15] == 1);
	CHECK(r.f.has_port && r.f.port == 0 && !r.json);
	CHECK_EQ(parse_req("show stats json", &r), 0);
	CHECK(r.json && r.cmd == MG_CTL_STATS);
	CHECK_EQ(parse_req("show calls addr=198.19.0.21 call=4", &r), 0);
	CHECK_EQ(parse_req("show flows proto=icmpv6", &r), 0);
	CHECK_EQ(r.f.proto, MG_PROTO_ICMP6);
}

TEST(ctl_parse_refuses_bad_options)
{
	struct mg_ctl_req r;
	const char *bad[] = {
		"show flows json json",   "show flows JSON",         "show flows proto=sctp",
		"show flows proto=",      "show flows port=65536",   "show flows port=",
		"show flows port=01",     "show flows port=-1",      "show flows port=1x",
		"show flows addr=198.18.1", "show flows addr=",      "show flows call=x",
		"show flows call=4294967296", "show flows proto=tcp proto=udp",
		"show flows port=1 port=2", "show flows foo=1",      "show flows  json",
		"show flows json ",       "show flows =1",           "show stats port=1",
		"show stats json call=1", "show calls proto=tcp",    "show calls port=1720",
		"show bindings call=1",   "show flows json=1",       "show flows addr=198.18.1.10x",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse_req(bad[i], &r);
		if (rc != -1)
			fprintf(stderr, "  accepted: '%s'\n", bad[i]);
		CHECK_EQ(rc, -1);
	}
	const char *why = NULL;
	CHECK_EQ(mg_ctl_parse_request("show calls port=1", 17, &r, &why), -1);
	CHECK(strstr(why, "addr and call") != NULL); /* says what would work */
}

static struct mg_flow_info sample_flow(void)
{
	struct mg_flow_info fi;
	memset(&fi, 0, sizeof(fi));
	fi.orig = tup(MG_PROTO_TCP, ip(198, 18, 1, 10), ip(198, 19, 0, 20), 40000, 1720);
	fi.reply = tup(MG_PROTO_TCP, ip(198, 19, 0, 20), ip(198, 19, 0, 1), 1720, 30000);
	fi.state = "established";
	fi.pkts[0] = 5;
	fi.bytes[0] = 300;
	fi.expire_ms = 10500;
	fi.alg = "h323-q931";
	fi.call = 3;
	return fi;
}

static bool flow_passes(const char *req, const struct mg_flow_info *fi)
{
	struct mg_ctl_req r;
	const char *why;
	if (mg_ctl_parse_request(req, strlen(req), &r, &why) != 0)
		return false;
	return mg_ctl_match_flow(&r.f, fi);
}

TEST(ctl_filters_match_rows)
{
	struct mg_flow_info fi = sample_flow();
	CHECK(flow_passes("show flows", &fi));
	CHECK(flow_passes("show flows proto=tcp", &fi));
	CHECK(!flow_passes("show flows proto=udp", &fi));
	CHECK(flow_passes("show flows port=40000", &fi));
	CHECK(flow_passes("show flows port=1720", &fi));
	CHECK(flow_passes("show flows port=30000", &fi)); /* the reply side's port too */
	CHECK(!flow_passes("show flows port=1721", &fi));
	CHECK(flow_passes("show flows addr=198.19.0.1", &fi)); /* the public address */
	CHECK(flow_passes("show flows addr=198.18.1.10", &fi));
	CHECK(!flow_passes("show flows addr=198.18.1.11", &fi));
	CHECK(!flow_passes("show flows addr=::ffff:198.18.1.10", &fi));
	CHECK(flow_passes("show flows call=3 proto=tcp port=1720", &fi));
	CHECK(!flow_passes("show flows call=3 proto=tcp port=1721", &fi));
	CHECK(!flow_passes("show flows call=4", &fi));

	struct mg_ctl_filter f;
	memset(&f, 0, sizeof(f));
	struct mg_binding_info bi = {MG_PROTO_UDP, ip(198, 18, 1, 10), ip(198, 19, 0, 1), 5004, 6004,
				     1, false, 0};
	f.has_port = true;
	f.port = 6004;
	CHECK(mg_ctl_match_binding(&f, &bi));
	f.proto = MG_PROTO_TCP;
	CHECK(!mg_ctl_match_binding(&f, &bi));
	memset(&f, 0, sizeof(f));
	struct mg_pinhole_info pi = {MG_PROTO_UDP, MG_SIDE_OUTSIDE, 0, ip(198, 19, 0, 1), 5004,
				     ip(198, 18, 1, 10), 5004, 9, 12, 31000, "rtp"};
	f.has_addr = true;
	f.family = MG_AF_INET;
	f.addr.w[0] = ip(198, 18, 1, 10);
	CHECK(mg_ctl_match_pinhole(&f, &pi));
	f.has_call = true;
	f.call = 8;
	CHECK(!mg_ctl_match_pinhole(&f, &pi));
	struct mg_call_info ci;
	memset(&ci, 0, sizeof(ci));
	ci.id = 8;
	ci.inside_addr = ip(198, 18, 1, 10);
	CHECK(mg_ctl_match_call(&f, &ci));
	ci.id = 9;
	CHECK(!mg_ctl_match_call(&f, &ci));
}

/* The row parsed back: one object, one line. */
static json_object *row_json(const char *row, int n)
{
	if (n <= 0 || (size_t)n != strlen(row) || row[n - 1] != '\n' || memchr(row, '\n', (size_t)n - 1))
		return NULL;
	json_object *o = json_tokener_parse(row);
	if (o != NULL && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static const char *jget_str(json_object *o, const char *path1, const char *path2)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(o, path1, &v))
		return "";
	if (path2 != NULL && !json_object_object_get_ex(v, path2, &v))
		return "";
	return json_object_get_string(v);
}

TEST(ctl_json_rows)
{
	char row[MG_CTL_ROW_MAX];
	struct mg_flow_info fi = sample_flow();
	json_object *o = row_json(row, mg_ctl_json_flow(row, sizeof(row), &fi, 1000));
	CHECK(o != NULL);
	CHECK(strcmp(jget_str(o, "proto", NULL), "tcp") == 0);
	CHECK(strcmp(jget_str(o, "orig", "src"), "198.18.1.10") == 0);
	CHECK(strcmp(jget_str(o, "orig", "dport"), "1720") == 0);
	CHECK(strcmp(jget_str(o, "reply", "dst"), "198.19.0.1") == 0);
	CHECK(strcmp(jget_str(o, "reply", "dport"), "30000") == 0);
	CHECK(strcmp(jget_str(o, "orig", "packets"), "5") == 0);
	CHECK(strcmp(jget_str(o, "state", NULL), "established") == 0);
	CHECK(strcmp(jget_str(o, "replied", NULL), "false") == 0);
	CHECK(strcmp(jget_str(o, "from", NULL), "inside") == 0);
	CHECK(strcmp(jget_str(o, "expires_s", NULL), "10") == 0);
	CHECK(strcmp(jget_str(o, "call", NULL), "3") == 0);
	json_object_put(o);

	/* the widest flow row fits, strings escaped */
	memset(&fi, 0xff, sizeof(fi));
	fi.orig.family = fi.reply.family = MG_AF_INET6;
	fi.orig.proto = fi.reply.proto = MG_PROTO_TCP;
	fi.state = "established-with-a-\"quoted\"-state";
	fi.alg = "a-very-long-alg-name-for-the-row";
	o = row_json(row, mg_ctl_json_flow(row, sizeof(row), &fi, 0));
	CHECK(o != NULL);
	CHECK(strcmp(jget_str(o, "state", NULL), fi.state) == 0);
	CHECK(strcmp(jget_str(o, "orig", "bytes"), "18446744073709551615") == 0);
	json_object_put(o);

	struct mg_binding_info bi = {MG_PROTO_UDP, ip(198, 18, 1, 10), ip(198, 19, 0, 1), 5004, 6004,
				     2, true, 1000};
	o = row_json(row, mg_ctl_json_binding(row, sizeof(row), &bi, 61000));
	CHECK(o != NULL);
	CHECK(strcmp(jget_str(o, "public_addr", NULL), "198.19.0.1") == 0);
	CHECK(strcmp(jget_str(o, "public_port", NULL), "6004") == 0);
	CHECK(strcmp(jget_str(o, "state", NULL), "advertised") == 0);
	CHECK(strcmp(jget_str(o, "age_s", NULL), "60") == 0);
	json_object_put(o);

	struct mg_pinhole_info pi = {MG_PROTO_UDP, MG_SIDE_OUTSIDE, 0, ip(198, 19, 0, 1), 5004,
				     ip(198, 18, 1, 10), 5004, 9, 12, UINT64_MAX, "rtp"};
	o = row_json(row, mg_ctl_json_pinhole(row, sizeof(row), &pi, 1000));
	CHECK(o != NULL);
	CHECK(strcmp(jget_str(o, "remote", NULL), "any") == 0);
	CHECK(strcmp(jget_str(o, "to_addr", NULL), "198.18.1.10") == 0);
	json_object *exp = NULL;
	CHECK(json_object_object_get_ex(o, "expires_s", &exp) && exp == NULL); /* null: the call's */
	json_object_put(o);

	struct mg_call_info ci;
	memset(&ci, 0, sizeof(ci));
	ci.id = 4;
	ci.inside_addr = ip(198, 18, 1, 11);
	ci.peer_addr = ip(198, 19, 0, 21);
	ci.state = "connected";
	o = row_json(row, mg_ctl_json_call(row, sizeof(row), &ci, 0));
	CHECK(o != NULL);
	CHECK(strcmp(jget_str(o, "peer", NULL), "198.19.0.21") == 0);
	CHECK(strcmp(jget_str(o, "direction", NULL), "outbound") == 0);
	json_object_put(o);

	/* stats rows */
	o = row_json(row, mg_ctl_json_stat(row, sizeof(row), "flows_active 3\n"));
	CHECK(o != NULL && strcmp(jget_str(o, "flows_active", NULL), "3") == 0);
	json_object_put(o);
	o = row_json(row, mg_ctl_json_stat(row, sizeof(row), "drop ct-full 2\n"));
	CHECK(o != NULL && strcmp(jget_str(o, "dropped", "ct-full"), "2") == 0);
	json_object_put(o);
	o = row_json(row, mg_ctl_json_stat(row, sizeof(row), "event alg-foreign-call 5\n"));
	CHECK(o != NULL && strcmp(jget_str(o, "events", "alg-foreign-call"), "5") == 0);
	json_object_put(o);
	CHECK_EQ(mg_ctl_json_stat(row, sizeof(row), "\n"), 0);
	CHECK_EQ(mg_ctl_json_stat(row, sizeof(row), "name notanumber\n"), -1);
	CHECK_EQ(mg_ctl_json_stat(row, sizeof(row), "other x 1\n"), -1);
}

/* `request` against a server over 30 flows in a child; the answer in *out. */
static int json_request(const char *request, bool json, char **out)
{
	struct srv s;
	char err[256];
	size_t len = 0;
	*out = NULL;
	if (srv_open_flows(&s, 30) != 0)
		return -9;
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 300; i++) {
			struct pollfd fds[MG_CTL_POLLFDS];
			int n = mg_ctl_pollfds(s.c, fds, MG_CTL_POLLFDS);
			poll(fds, (nfds_t)n, 10);
			mg_ctl_serve(s.c, fds, n, s.now);
		}
		_exit(0);
	}
	FILE *f = open_memstream(out, &len);
	int rc = mg_ctl_request(s.path, request, json, f, 2000, err, sizeof(err));
	fclose(f);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	srv_close(&s);
	return rc;
}

TEST(ctl_client_gathers_json_and_the_daemon_filters)
{
	char *buf;
	CHECK_EQ(json_request("flows json", true, &buf), 0);
	json_object *doc = buf ? json_tokener_parse(buf) : NULL;
	CHECK(doc != NULL && json_object_is_type(doc, json_type_array));
	CHECK_EQ(json_object_array_length(doc), 30);
	json_object_put(doc);
	free(buf);

	/* UDP 198.18.1.10:1024 -> 198.19.0.20:2000..2029: one row per port */
	CHECK_EQ(json_request("flows json port=2005 proto=udp", true, &buf), 0);
	doc = buf ? json_tokener_parse(buf) : NULL;
	CHECK(doc != NULL && json_object_array_length(doc) == 1);
	CHECK(strcmp(jget_str(json_object_array_get_idx(doc, 0), "orig", "dport"), "2005") == 0);
	json_object_put(doc);
	free(buf);

	CHECK_EQ(json_request("flows json proto=tcp", true, &buf), 0);
	CHECK(buf != NULL && strcmp(buf, "[\n]\n") == 0);
	free(buf);

	/* text rows are filtered the same way */
	CHECK_EQ(json_request("flows addr=198.19.0.20 port=2007", false, &buf), 0);
	CHECK(buf != NULL && strchr(buf, '\n') == buf + strlen(buf) - 1 &&
	      strstr(buf, "dport=2007") != NULL);
	free(buf);

	CHECK_EQ(json_request("stats json", true, &buf), 0);
	doc = buf ? json_tokener_parse(buf) : NULL;
	CHECK(doc != NULL && json_object_is_type(doc, json_type_object));
	CHECK(strcmp(jget_str(doc, "flows_active", NULL), "30") == 0);
	json_object_put(doc);
	free(buf);
}

TEST(ctl_client_says_what_to_do_without_a_daemon)
{
	char err[256];
	CHECK_EQ(mg_ctl_request("/tmp/mg_test_no_such.sock", "flows", false, stdout, 200, err,
				sizeof(err)),
		 -1);
	CHECK(strstr(err, "no daemon on /tmp/mg_test_no_such.sock") != NULL);
	CHECK(strstr(err, "meetgate run --config") != NULL);
}

TEST(ctl_parse_events_subscription)
{
	struct mg_ctl_req req;
	CHECK_EQ(parse_req("events", &req), 0);
	CHECK(req.events && !req.json);
	CHECK_EQ(parse_req("events json", &req), 0);
	CHECK(req.events && req.json);
	CHECK_EQ(parse_req("events json json", &req), -1);
	CHECK_EQ(parse_req("events proto=tcp", &req), -1);
	CHECK_EQ(parse_req("show events", &req), -1);
	CHECK_EQ(parse_req("show flows", &req), 0);
	CHECK(!req.events);
}

static void ev_flow(struct mg_ctl_event *ev, uint8_t kind, uint16_t sport)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	struct mg_flow_info *fi = &ev->u.flow;
	fi->orig = (struct mg_tuple){.family = MG_AF_INET, .proto = MG_PROTO_TCP, .sport = sport,
				     .dport = 1720};
	fi->orig.src.w[0] = htonl(0xc6120a0a); /* 198.18.10.10 */
	fi->orig.dst.w[0] = htonl(0xc6130014); /* 198.19.0.20 */
	fi->reply = fi->orig;
	fi->orig_side = MG_SIDE_INSIDE;
	fi->state = "syn-sent";
	fi->alg = "";
}

TEST(ctl_event_lines)
{
	char b[MG_CTL_ROW_MAX];
	struct mg_ctl_event ev;
	ev_flow(&ev, MG_CTL_EV_FLOW_NEW, 40000);
	CHECK(mg_ctl_fmt_event(b, sizeof(b), &ev) > 0);
	CHECK(strncmp(b, "[NEW] flow tcp 198.18.10.10:40000 -> 198.19.0.20:1720 ", 54) == 0);
	ev.kind = MG_CTL_EV_FLOW_END;
	CHECK(mg_ctl_fmt_event(b, sizeof(b), &ev) > 0);
	CHECK(strncmp(b, "[DESTROY] flow tcp ", 19) == 0 && strstr(b, " end=timeout\n") != NULL);
	CHECK(mg_ctl_json_event(b, sizeof(b), &ev) > 0);
	json_object *o = json_tokener_parse(b);
	CHECK(o != NULL && strcmp(jget_str(o, "event", NULL), "destroy") == 0 &&
	      strcmp(jget_str(o, "type", NULL), "flow") == 0);
	json_object_put(o);

	memset(&ev, 0, sizeof(ev));
	ev.kind = MG_CTL_EV_CALL_END;
	ev.u.call = (struct mg_ctl_ev_call){.id = 3, .has_guid = true, .duration_ms = 4200};
	ev.u.call.guid[0] = 0xab;
	ev.u.call.inside = htonl(0xc6120a0a);
	ev.u.call.peer = htonl(0xc6130014);
	CHECK(mg_ctl_fmt_event(b, sizeof(b), &ev) > 0);
	CHECK(strcmp(b, "[END] call 3 {ab000000-0000-0000-0000-000000000000} outbound 198.18.10.10 "
			"-> 198.19.0.20 duration 4.2 s\n") == 0);
	CHECK(mg_ctl_fmt_lost(b, sizeof(b), 7, false) > 0 && strcmp(b, "[LOST] 7 events\n") == 0);
	CHECK(mg_ctl_fmt_lost(b, sizeof(b), 7, true) > 0 &&
	      strcmp(b, "{\"event\":\"lost\",\"count\":7}\n") == 0);
}

TEST(ctl_events_stream_and_report_losses)
{
	struct srv s;
	static char out[MG_CTL_OUT_MAX * 2];
	struct mg_ctl_event ev;
	CHECK_EQ(srv_open(&s), 0);
	ev_flow(&ev, MG_CTL_EV_FLOW_NEW, 1);
	mg_ctl_post(s.c, &ev); /* nobody listens: nothing queued */
	CHECK(!mg_ctl_subscribed(s.c));
	int fd = cli_connect(s.path);
	CHECK(fd >= 0);
	CHECK_EQ(send(fd, "events\n", 7, 0), 7);
	for (int turns = 0; turns < 10 && !mg_ctl_subscribed(s.c); turns++)
		srv_turn(&s); /* accepted in one turn, read in the next */
	CHECK(mg_ctl_subscribed(s.c));
	/* twice the ring, before the server gets a turn: the second half is lost */
	for (unsigned i = 0; i < 2 * MG_CTL_EV_RING; i++) {
		ev_flow(&ev, MG_CTL_EV_FLOW_NEW, (uint16_t)(1000 + i));
		mg_ctl_post(s.c, &ev);
	}
	size_t got = 0;
	for (int turns = 0; turns < 200; turns++) {
		srv_turn(&s);
		ssize_t r = recv(fd, out + got, sizeof(out) - 1 - got, MSG_DONTWAIT);
		if (r > 0)
			got += (size_t)r;
	}
	out[got] = '\0';
	unsigned lines = 0;
	for (char *p = out; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	CHECK_EQ(lines, MG_CTL_EV_RING + 1);
	char lost[64];
	snprintf(lost, sizeof(lost), "[LOST] %u events\n", MG_CTL_EV_RING);
	CHECK(got > strlen(lost) && strcmp(out + got - strlen(lost), lost) == 0);
	CHECK(strstr(out, ":1000 -> ") != NULL && strstr(out, ":1511 -> ") != NULL &&
	      strstr(out, ":1512 -> ") == NULL);
	/* the subscriber stays while idle, and leaves when it hangs up */
	s.now += 3 * MG_CTL_IDLE_TIMEOUT_MS;
	srv_turn(&s);
	CHECK_EQ(mg_ctl_nclients(s.c), 1);
	close(fd);
	srv_turn(&s);
	CHECK_EQ(mg_ctl_nclients(s.c), 0);
	CHECK(!mg_ctl_subscribed(s.c));
	srv_close(&s);
}
