/* net.c - sockets for meetcall: TCP signalling streams carrying TPKTs, the
 * RTP/RTCP UDP pair, the clock and random identifiers.  All sockets are
 * non-blocking; the only waits here are bounded ones (a full send buffer,
 * the pause between a split TPKT's header and body). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "proto/tpkt.h"
#include "meetcall/mc.h"

#define SEND_WAIT_MS 2000 /* longest wait for room in a send buffer */
#define SPLIT_PAUSE_US 2000

uint64_t mg_mc_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void mg_mc_random(void *p, size_t n)
{
	uint8_t *b = p;
	while (n > 0) {
		ssize_t r = getrandom(b, n, 0);
		if (r <= 0) {
			/* no entropy source: identifiers only need to differ */
			static uint32_t x = 2463534242u;
			for (; n > 0; n--) {
				x ^= x << 13;
				x ^= x >> 17;
				x ^= x << 5;
				*b++ = (uint8_t)x;
			}
			return;
		}
		b += r;
		n -= (size_t)r;
	}
}

static void to_sin(const struct mg_mc_addr *a, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof *sin);
	sin->sin_family = AF_INET;
	memcpy(&sin->sin_addr, a->ip, 4);
	sin->sin_port = htons(a->port);
}

static void from_sin(const struct sockaddr_in *sin, struct mg_mc_addr *a)
{
	memcpy(a->ip, &sin->sin_addr, 4);
	a->port = ntohs(sin->sin_port);
}

void mg_mc_addr_str(const struct mg_mc_addr *a, char *out, size_t cap)
{
	snprintf(out, cap, "%u.%u.%u.%u:%u", a->ip[0], a->ip[1], a->ip[2], a->ip[3], a->port);
}

static bool parse_ip(const char *s, struct mg_mc_addr *a)
{
	struct in_addr in;
	if (s == NULL || s[0] == '\0') {
		memset(a->ip, 0, 4);
		return true;
	}
	if (inet_pton(AF_INET, s, &in) != 1)
		return false;
	memcpy(a->ip, &in, 4);
	return true;
}

bool mg_mc_parse_addr(const char *ip, uint16_t port, struct mg_mc_addr *a)
{
	a->port = port;
	return ip != NULL && ip[0] != '\0' && parse_ip(ip, a);
}

static int nonblock_socket(int type)
{
	int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	return fd;
}

int mg_mc_tcp_listen(const char *ip, uint16_t port, struct mg_mc_addr *bound)
{
	struct mg_mc_addr a = {{0}, port};
	struct sockaddr_in sin;
	int one = 1;
	if (!parse_ip(ip, &a))
		return -1;
	int fd = nonblock_socket(SOCK_STREAM);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	to_sin(&a, &sin);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(fd, 64) < 0) {
		close(fd);
		return -1;
	}
	if (bound != NULL && !mg_mc_sockname(fd, bound)) {
		close(fd);
		return -1;
	}
	return fd;
}

int mg_mc_tcp_connect(const char *bind_ip, uint16_t sport, const struct mg_mc_addr *peer)
{
	struct mg_mc_addr local = {{0}, sport};
	struct sockaddr_in sin;
	int one = 1;
	if (!parse_ip(bind_ip, &local))
		return -1;
	int fd = nonblock_socket(SOCK_STREAM);
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (sport != 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if ((bind_ip != NULL && bind_ip[0] != '\0') || sport != 0) {
		to_sin(&local, &sin);
		if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
	}
	to_sin(peer, &sin);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0 && errno != EINPROGRESS) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

void mg_mc_close(int fd, bool rst)
{
	if (fd < 0)
		return;
	if (rst) {
		struct linger l = {.l_onoff = 1, .l_linger = 0};
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	}
	close(fd);
}

static int udp_bound(const struct mg_mc_addr *a)
{
	struct sockaddr_in sin;
	int fd = nonblock_socket(SOCK_DGRAM);
	if (fd < 0)
		return -1;
	to_sin(a, &sin);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int mg_mc_udp_pair(const struct mg_mc_addr *local_ip, int *rtp_fd, int *rtcp_fd, uint16_t *rtp_port)
{
	/* An even RTP port with RTP + 1 free for RTCP: let the kernel pick,
	 * retry when it picks an odd port or the neighbour is taken. */
	for (int tries = 0; tries < 64; tries++) {
		struct mg_mc_addr a = *local_ip, got;
		a.port = 0;
		int r = udp_bound(&a);
		if (r < 0)
			return -1;
		if (!mg_mc_sockname(r, &got) || (got.port & 1) || got.port == 65535) {
			close(r);
			continue;
		}
		a.port = (uint16_t)(got.port + 1);
		int c = udp_bound(&a);
		if (c < 0) {
			close(r);
			continue;
		}
		*rtp_fd = r;
		*rtcp_fd = c;
		*rtp_port = got.port;
		return 0;
	}
	return -1;
}

bool mg_mc_sockname(int fd, struct mg_mc_addr *a)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	if (getsockname(fd, (struct sockaddr *)&sin, &len) < 0 || sin.sin_family != AF_INET)
		return false;
	from_sin(&sin, a);
	return true;
}

bool mg_mc_peername(int fd, struct mg_mc_addr *a)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	if (getpeername(fd, (struct sockaddr *)&sin, &len) < 0 || sin.sin_family != AF_INET)
		return false;
	from_sin(&sin, a);
	return true;
}

static bool send_all(int fd, const uint8_t *p, size_t n)
{
	uint64_t until = mg_mc_now_ms() + SEND_WAIT_MS;
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			uint64_t now = mg_mc_now_ms();
			struct pollfd pf = {.fd = fd, .events = POLLOUT};
			if (now >= until)
				return false;
			(void)poll(&pf, 1, (int)(until - now));
			continue;
		}
		return false;
	}
	return true;
}

bool mg_mc_send_all(int fd, const uint8_t *p, size_t n)
{
	return send_all(fd, p, n);
}

bool mg_mc_send_tpkt(int fd, const uint8_t *p, size_t n, bool split)
{
	if (fd < 0 || n < 4)
		return false;
	if (!split)
		return send_all(fd, p, n);
	/* TCP_NODELAY is set on every signalling socket, so the header leaves
	 * at once; the pause keeps the body out of the same segment. */
	if (!send_all(fd, p, 4))
		return false;
	usleep(SPLIT_PAUSE_US);
	return send_all(fd, p + 4, n - 4);
}

int mg_mc_stream_read(struct mg_mc_stream *s)
{
	for (;;) {
		if (s->len == sizeof s->buf)
			return 1; /* full: the caller pops (or fails) first */
		ssize_t r = recv(s->fd, s->buf + s->len, sizeof s->buf - s->len, 0);
		if (r > 0) {
			s->len += (size_t)r;
			continue;
		}
		if (r == 0)
			return 0;
		if (errno == EINTR)
			continue;
		return (errno == EAGAIN || errno == EWOULDBLOCK) ? 1 : -1;
	}
}

int mg_mc_stream_pop(struct mg_mc_stream *s, uint8_t *out, size_t cap, size_t *n)
{
	for (;;) {
		uint32_t tl;
		enum mg_tpkt_status st = mg_tpkt_frame(s->buf, s->len, &tl);
		if (st == MG_TPKT_BAD)
			return -1;
		if (st == MG_TPKT_NEED)
			return tl > sizeof s->buf ? -1 : 0;
		if (tl - MG_TPKT_HDR_LEN > cap)
			return -1;
		*n = tl - MG_TPKT_HDR_LEN;
		memcpy(out, s->buf + MG_TPKT_HDR_LEN, *n);
		memmove(s->buf, s->buf + tl, s->len - tl);
		s->len -= tl;
		if (*n > 0)
			return 1;
	}
}

void mg_mc_stream_close(struct mg_mc_stream *s)
{
	mg_mc_stream_close_mode(s, false);
}

void mg_mc_stream_close_mode(struct mg_mc_stream *s, bool rst)
{
	mg_mc_close(s->fd, rst);
	s->fd = -1;
	s->connecting = false;
	s->len = 0;
}
