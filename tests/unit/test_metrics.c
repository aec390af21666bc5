/* test_metrics.c - the Prometheus endpoint (src/ctl/metrics.c): the text,
 * and one scrape over HTTP on the loopback. */
#include "harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl/metrics.h"

TEST(metrics_text)
{
	static struct mg_metrics_snap s;
	static char out[64 << 10];
	memset(&s, 0, sizeof(s));
	s.st.calls_created = 3;
	s.st.directory_entries = 5;
	s.st.directory_learned = 6;
	s.st.directory_expired = 2;
	s.st.directory_refused = 1;
	s.st.dropped[MG_R_INBOUND_NO_PINHOLE] = 7;
	s.st.pkts_in[MG_SIDE_OUTSIDE] = 11;
	s.setup_le[2] = 1; /* 25 ms */
	s.setup_le[7] = 1; /* 1 s */
	s.setup_count = 3; /* one past 10 s */
	s.setup_sum_ms = 12345;
	int k = mg_metrics_render(&s, out, sizeof(out));
	CHECK(k > 0 && (size_t)k < sizeof(out) && out[k - 1] == '\n');
	CHECK(strstr(out, "# TYPE meetgate_drops_total counter\n") != NULL);
	CHECK(strstr(out, "\nmeetgate_drops_total{reason=\"inbound-no-pinhole\"} 7\n") != NULL);
	CHECK(strstr(out, "\nmeetgate_packets_in_total{side=\"outside\"} 11\n") != NULL);
	CHECK(strstr(out, "\nmeetgate_calls_total 3\n") != NULL);
	CHECK(strstr(out, "# TYPE meetgate_directory_entries gauge\nmeetgate_directory_entries 5\n") != NULL);
	CHECK(strstr(out, "# TYPE meetgate_directory_learned_total counter\nmeetgate_directory_learned_total 6\n") !=
	      NULL);
	CHECK(strstr(out, "\nmeetgate_directory_expired_total 2\n") != NULL);
	CHECK(strstr(out, "\nmeetgate_directory_refused_total 1\n") != NULL);
	CHECK(strstr(out, "\nmeetgate_call_setup_seconds_bucket{le=\"0.01\"} 0\n") != NULL);
	CHECK(strstr(out, "\nmeetgate_call_setup_seconds_bucket{le=\"0.025\"} 1\n") != NULL);
	CHECK(strstr(out, "\nmeetgate_call_setup_seconds_bucket{le=\"10\"} 2\n") != NULL);
	CHECK(strstr(out, "\nmeetgate_call_setup_seconds_bucket{le=\"+Inf\"} 3\n") != NULL);
	CHECK(strstr(out, "\nmeetgate_call_setup_seconds_sum 12.345\n") != NULL);
	CHECK(strstr(out, "\nmeetgate_call_setup_seconds_count 3\n") != NULL);
	CHECK(strstr(out, "reason=\"none\"") == NULL);
	/* too small a buffer: the full length, nothing written past it */
	char small[16];
	CHECK_EQ(mg_metrics_render(&s, small, sizeof(small)), k);
}

/* GET path from 127.0.0.1:port; the whole answer in buf. */
static size_t http_get(uint16_t port, const char *path, char *buf, size_t n)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	size_t got = 0;
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		goto out;
	char req[128];
	int k = snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\n\r\n", path);
	if (send(fd, req, (size_t)k, 0) != k)
		goto out;
	ssize_t r;
	while (got + 1 < n && (r = recv(fd, buf + got, n - 1 - got, 0)) > 0)
		got += (size_t)r;
out:
	buf[got] = '\0';
	if (fd >= 0)
		close(fd);
	return got;
}

TEST(metrics_endpoint_serves_the_published_snapshot)
{
	char err[256];
	static char buf[64 << 10];
	struct mg_metrics *m = NULL;
	uint16_t port = 0;
	for (int tries = 0; tries < 20 && m == NULL; tries++) {
		port = (uint16_t)(20000 + (getpid() * 7 + tries * 131) % 30000);
		m = mg_metrics_open(htonl(INADDR_LOOPBACK), port, err, sizeof(err));
	}
	CHECK(m != NULL);
	if (m == NULL)
		return;
	static struct mg_stats st;
	st.calls_created = 1;
	mg_metrics_update(m, &st, 5000);
	st.calls_created = 2; /* within the period and nothing observed: not published */
	mg_metrics_update(m, &st, 5100);
	http_get(port, "/metrics", buf, sizeof(buf));
	CHECK(strncmp(buf, "HTTP/1.", 7) == 0 && strstr(buf, " 200 ") != NULL);
	CHECK(strstr(buf, "text/plain; version=0.0.4") != NULL);
	CHECK(strstr(buf, "\nmeetgate_calls_total 1\n") != NULL);
	mg_metrics_observe_setup(m, 40); /* an observation is published at once */
	mg_metrics_update(m, &st, 5200);
	http_get(port, "/metrics", buf, sizeof(buf));
	CHECK(strstr(buf, "\nmeetgate_calls_total 2\n") != NULL);
	CHECK(strstr(buf, "\nmeetgate_call_setup_seconds_bucket{le=\"0.05\"} 1\n") != NULL);
	CHECK(strstr(buf, "\nmeetgate_call_setup_seconds_sum 0.040\n") != NULL);
	http_get(port, "/", buf, sizeof(buf));
	CHECK(strstr(buf, " 404 ") != NULL);
	mg_metrics_close(m);
	CHECK(mg_metrics_open(htonl(0xc6120101), 1, err, sizeof(err)) == NULL); /* not local */
	CHECK(strstr(err, "198.18.1.1:1") != NULL);
}
