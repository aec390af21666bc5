/* test_ctl.c - the control protocol: request parsing, answer rows, and the
 * server against hostile clients (src/ctl/). */
#include "harness.h"

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

static int parse(const char *s, enum mg_ctl_cmd *cmd)
{
	const char *why = NULL;
	/* from a guarded copy: a read past the line faults */
	size_t n = strlen(s);
	uint8_t *g = t_guarded(s, n);
	int rc = mg_ctl_parse_request((const char *)g, n, cmd, &why);
	t_guarded_free(g, n);
	if (rc != 0 && (why == NULL || why[0] == '\0'))
		return -2; /* every refusal must say why */
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
	CHECK_EQ(mg_ctl_parse_request("show stats\0x", 12, &c, &why), -1);
	CHECK_EQ(mg_ctl_parse_request("show s\0ats", 10, &c, &why), -1);
	/* too long, even when it starts right */
	char longline[MG_CTL_LINE_MAX + 10];
	memset(longline, 'a', sizeof(longline));
	memcpy(longline, "show stats", 10);
	CHECK_EQ(mg_ctl_parse_request(longline, sizeof(longline), &c, &why), -1);
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

	struct mg_h323_call_info ci;
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
	mg_ctl_set_source(s->c, s->e, NULL, NULL, NULL);
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
	int rc = mg_ctl_request(s.path, "stats", f, 2000, err, sizeof(err));
	fclose(f);
	int rc2 = mg_ctl_request(s.path, "nonsense", stdout, 2000, err, sizeof(err));
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
	CHECK_EQ(mg_ctl_request(s.path, "stats", stdout, 200, err, sizeof(err)), -1);
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
	mg_ctl_set_source(s->c, s->e, NULL, NULL, NULL);
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
