/* nfq_emit.c - packets the engine releases later (held, then emitted) leave
 * through raw sockets with the header as the engine wrote it.  They carry
 * the bypass mark, so the ruleset neither tracks nor queues them again; the
 * kernel routes them by destination like forwarded packets. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/wire.h"
#include "io/nfq_priv.h"

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

int mg_nfq_raw_open(struct mg_nfq *q, uint32_t mark, char *err, size_t errlen)
{
	q->raw4 = raw_socket(AF_INET, mark);
	if (q->raw4 < 0) {
		snprintf(err, errlen, "raw IPv4 socket: %s", strerror(errno));
		return -1;
	}
	/* IPv6 may be disabled on the host: emitted IPv6 packets then count
	 * as emit errors */
	q->raw6 = raw_socket(AF_INET6, mark);
	return 0;
}

void mg_nfq_raw_close(struct mg_nfq *q)
{
	if (q->raw4 >= 0)
		close(q->raw4);
	if (q->raw6 >= 0)
		close(q->raw6);
	q->raw4 = q->raw6 = -1;
}

static void on_emit(void *ctx, const uint8_t *l3, uint32_t len, enum mg_side out_side,
		    uint64_t now_ms)
{
	struct mg_nfq *q = ctx;
	ssize_t n = -1;

	if (len >= 20 && (l3[0] >> 4) == 4 && q->raw4 >= 0) {
		struct sockaddr_in to = {.sin_family = AF_INET};
		memcpy(&to.sin_addr, l3 + MG_IP4_DST, 4);
		n = sendto(q->raw4, l3, len, 0, (const struct sockaddr *)&to, sizeof(to));
	} else if (len >= 40 && (l3[0] >> 4) == 6 && q->raw6 >= 0) {
		struct sockaddr_in6 to = {.sin6_family = AF_INET6};
		memcpy(&to.sin6_addr, l3 + 24, 16);
		n = sendto(q->raw6, l3, len, 0, (const struct sockaddr *)&to, sizeof(to));
	}
	if (n == (ssize_t)len)
		q->st.emitted++;
	else
		q->st.emit_errors++;
}

void mg_nfq_attach(struct mg_nfq *q, struct mg_engine *e)
{
	q->engine = e;
	mg_engine_set_emit(e, on_emit, q);
}
