/* raw.c - raw sockets that hand packets to the kernel (raw.h). */
#include "io/raw.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/wire.h"

static int raw_socket(int family, uint32_t mark)
{
	int fd = socket(family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_RAW);
	if (fd < 0)
		return -1;
	int on = 1;
	/* IPPROTO_RAW implies a caller-built header; say so for IPv4 anyway */
	if ((family == AF_INET && setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on)) != 0) ||
	    setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int mg_raw_open(struct mg_raw *r, uint32_t mark, char *err, size_t errlen)
{
	r->fd6 = -1;
	r->fd4 = raw_socket(AF_INET, mark);
	if (r->fd4 < 0) {
		snprintf(err, errlen, "raw IPv4 socket: %s", strerror(errno));
		return -1;
	}
	r->fd6 = raw_socket(AF_INET6, mark);
	return 0;
}

void mg_raw_close(struct mg_raw *r)
{
	if (r->fd4 >= 0)
		close(r->fd4);
	if (r->fd6 >= 0)
		close(r->fd6);
	r->fd4 = r->fd6 = -1;
}

bool mg_raw_send(const struct mg_raw *r, const uint8_t *l3, uint32_t len)
{
	ssize_t n = -1;
	if (len >= 20 && (l3[0] >> 4) == 4 && r->fd4 >= 0) {
		struct sockaddr_in to = {.sin_family = AF_INET};
		memcpy(&to.sin_addr, l3 + MG_IP4_DST, 4);
		n = sendto(r->fd4, l3, len, 0, (const struct sockaddr *)&to, sizeof(to));
	} else if (len >= 40 && (l3[0] >> 4) == 6 && r->fd6 >= 0) {
		struct sockaddr_in6 to = {.sin6_family = AF_INET6};
		memcpy(&to.sin6_addr, l3 + 24, 16);
		n = sendto(r->fd6, l3, len, 0, (const struct sockaddr *)&to, sizeof(to));
	}
	return n == (ssize_t)len;
}
