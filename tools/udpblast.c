/* udpblast - a UDP packet source and sink for `make bench-live`.
 *
 *   udpblast send DST_IP DST_PORT SECONDS [SIZE] [PPS]
 *       sends SIZE-byte datagrams (default 172: G.711 RTP) for SECONDS,
 *       at PPS packets per second (0 or absent: as fast as it can, using
 *       sendmmsg bursts), then prints "sent N".
 *   udpblast recv BIND_IP PORT SECONDS
 *       counts datagrams for SECONDS (from the first one received, or from
 *       the start if none arrives), prints "received N in T s (R pps)".
 * Every loop is bounded by SECONDS.  Only for the lab's own addresses.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BURST 64

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_addr(const char *ip, const char *port, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	char *end;
	unsigned long p = strtoul(port, &end, 10);
	if (*end || p > 65535 || inet_pton(AF_INET, ip, &sa->sin_addr) != 1) {
		fprintf(stderr, "udpblast: bad address '%s:%s'\n", ip, port);
		return -1;
	}
	sa->sin_port = htons((uint16_t)p);
	return 0;
}

static int do_send(int argc, char **argv)
{
	struct sockaddr_in dst;
	if (argc < 5 || parse_addr(argv[2], argv[3], &dst) < 0)
		return 2;
	double secs = atof(argv[4]);
	size_t size = argc > 5 ? strtoul(argv[5], NULL, 10) : 172;
	double pps = argc > 6 ? atof(argv[6]) : 0;
	if (secs <= 0 || secs > 600 || size < 12 || size > 1400) {
		fprintf(stderr, "udpblast: seconds 0..600, size 12..1400\n");
		return 2;
	}
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
		perror("udpblast: socket");
		return 1;
	}
	static uint8_t buf[1400];
	memset(buf, 0, sizeof(buf));
	buf[0] = 0x80; /* RTP version 2, PT 0 */
	struct mmsghdr msgs[BURST];
	struct iovec iov[BURST];
	for (int i = 0; i < BURST; i++) {
		iov[i].iov_base = buf;
		iov[i].iov_len = size;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	unsigned long long sent = 0;
	double t0 = now_s(), t;
	while ((t = now_s()) - t0 < secs) {
		if (pps > 0) {
			double due = (t - t0) * pps;
			if ((double)sent >= due) {
				struct timespec ts = {0, 200000};
				nanosleep(&ts, NULL);
				continue;
			}
			if (send(fd, buf, size, 0) == (ssize_t)size)
				sent++;
			continue;
		}
		int n = sendmmsg(fd, msgs, BURST, 0);
		if (n > 0)
			sent += (unsigned)n;
		else if (errno != ENOBUFS && errno != EAGAIN && errno != ECONNREFUSED)
			break;
	}
	printf("sent %llu in %.2f s (%.0f pps)\n", sent, now_s() - t0, (double)sent / (now_s() - t0));
	close(fd);
	return 0;
}

static int do_recv(int argc, char **argv)
{
	struct sockaddr_in sa;
	if (argc < 5 || parse_addr(argv[2], argv[3], &sa) < 0)
		return 2;
	double secs = atof(argv[4]);
	if (secs <= 0 || secs > 600)
		return 2;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int big = 8 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("udpblast: bind");
		return 1;
	}
	struct timeval tv = {0, 100000};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	static uint8_t bufs[BURST][1500];
	struct mmsghdr msgs[BURST];
	struct iovec iov[BURST];
	for (int i = 0; i < BURST; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	unsigned long long got = 0;
	double start = now_s(), first = 0, last = 0;
	while (now_s() - start < secs) {
		int n = recvmmsg(fd, msgs, BURST, 0, NULL);
		if (n <= 0)
			continue;
		last = now_s();
		if (!got)
			first = last;
		got += (unsigned)n;
	}
	double span = got > 1 ? last - first : 0;
	printf("received %llu in %.2f s (%.0f pps)\n", got, span, span > 0 ? (double)got / span : 0);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "send") == 0)
		return do_send(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "recv") == 0)
		return do_recv(argc, argv);
	fprintf(stderr, "usage: udpblast send DST_IP PORT SECONDS [SIZE] [PPS] | recv BIND_IP PORT SECONDS\n");
	return 2;
}
