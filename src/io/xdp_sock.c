/* xdp_sock.c - the UMEM, the AF_XDP sockets and the frame pool.
 *
 * One UMEM of XDP_NFRAMES frames serves every socket of both interfaces
 * (XDP_SHARED_UMEM; each socket has its own fill and completion rings), so
 * a frame received on one interface is transmitted on the other as it is.
 * Free frames wait on one stack; a frame is on exactly one of: the stack, a
 * fill ring, a receive ring (or in the burst being handled), a transmit
 * ring, a completion ring.  Sockets bind zero-copy where the driver can and
 * copy mode otherwise, always with need-wakeup. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/if_xdp.h>

#include "io/xdp_priv.h"

int mg_xdp_umem_open(struct mg_xdp *x, char *err, size_t errlen)
{
	size_t size = (size_t)XDP_NFRAMES * XDP_FRAME_SIZE;
	x->area = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		       -1, 0);
	if (x->area == MAP_FAILED) {
		x->area = NULL;
		snprintf(err, errlen, "AF_XDP: cannot map %zu bytes of frames: %s", size, strerror(errno));
		return -1;
	}
	x->free = calloc(XDP_NFRAMES, sizeof(x->free[0]));
	if (x->free == NULL) {
		snprintf(err, errlen, "AF_XDP: out of memory");
		return -1;
	}
	for (uint32_t f = 0; f < XDP_NFRAMES; f++)
		x->free[x->nfree++] = (uint64_t)(XDP_NFRAMES - 1 - f) * XDP_FRAME_SIZE;
	struct xsk_umem_config uc = {
		.fill_size = XDP_RING,
		.comp_size = XDP_RING,
		.frame_size = XDP_FRAME_SIZE,
		.frame_headroom = 0,
		.flags = 0,
	};
	/* the first socket uses the rings made with the UMEM */
	int rc = xsk_umem__create(&x->umem, x->area, size, &x->sk[0].fill, &x->sk[0].comp, &uc);
	if (rc != 0) {
		x->umem = NULL;
		snprintf(err, errlen, "AF_XDP: cannot register the frames (UMEM): %s%s", strerror(-rc),
			 rc == -EPERM || rc == -ENOMEM ? " (locked-memory limit?)" : "");
		return -1;
	}
	return 0;
}

/* Give the fill ring of s as many free frames as it has room for (and
 * wake the kernel if it asked for it).  At bind and after every burst. */
void mg_xdp_refill(struct mg_xdp *x, struct mg_xsk *s)
{
	uint32_t want = xsk_prod_nb_free(&s->fill, XDP_RING);
	if (want > x->nfree)
		want = x->nfree;
	if (want == 0)
		return;
	uint32_t idx;
	uint32_t n = xsk_ring_prod__reserve(&s->fill, want, &idx);
	for (uint32_t k = 0; k < n; k++)
		*xsk_ring_prod__fill_addr(&s->fill, idx + k) = x->free[--x->nfree];
	xsk_ring_prod__submit(&s->fill, n);
	if (n && xsk_ring_prod__needs_wakeup(&s->fill))
		(void)recvfrom(s->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

static unsigned count_queues(const char *ifname)
{
	char path[96];
	unsigned n = 0;
	for (unsigned q = 0; q < 256; q++) {
		snprintf(path, sizeof(path), "/sys/class/net/%s/queues/rx-%u", ifname, q);
		if (access(path, F_OK) != 0)
			break;
		n++;
	}
	return n ? n : 1;
}

int mg_xdp_sock_open(struct mg_xdp *x, struct mg_xdp_if *i, int side, char *err, size_t errlen)
{
	i->nq = count_queues(i->name);
	if (i->nq > MG_XDP_MAX_QUEUES) {
		snprintf(err, errlen, "%s has %u receive queues; the AF_XDP path serves at most %u: "
			 "reduce them (ethtool -L %s combined %u) or use `datapath nfqueue`",
			 i->name, i->nq, MG_XDP_MAX_QUEUES, i->name, MG_XDP_MAX_QUEUES);
		return -1;
	}
	i->first = x->nsk;
	for (unsigned q = 0; q < i->nq; q++) {
		struct mg_xsk *s = &x->sk[x->nsk];
		s->side = side;
		s->queue = q;
		int rc = -1;
		/* zero-copy first where the program runs in the driver, then copy */
		static const uint16_t modes[2] = {XDP_ZEROCOPY, XDP_COPY};
		for (int k = i->mode == XDP_MODE_SKB ? 1 : 0; k < 2; k++) {
			struct xsk_socket_config sc = {
				.rx_size = XDP_RING,
				.tx_size = XDP_RING,
				.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
				.xdp_flags = 0,
				.bind_flags = (uint16_t)(XDP_USE_NEED_WAKEUP | modes[k]),
			};
			rc = xsk_socket__create_shared(&s->xsk, i->name, q, x->umem, &s->rx, &s->tx, &s->fill,
						       &s->comp, &sc);
			if (rc == 0)
				break;
			s->xsk = NULL;
		}
		if (rc != 0) {
			snprintf(err, errlen, "%s queue %u: cannot bind an AF_XDP socket: %s", i->name, q,
				 strerror(-rc));
			return -1;
		}
		x->nsk++;
		s->fd = xsk_socket__fd(s->xsk);
		mg_xdp_refill(x, s);
		int fd = s->fd;
		if (bpf_map_update_elem(i->fd_xsks, &q, &fd, BPF_ANY) != 0) {
			snprintf(err, errlen, "%s queue %u: XDP map xsks: %s", i->name, q, strerror(errno));
			return -1;
		}
	}
	return 0;
}

void mg_xdp_sock_close_all(struct mg_xdp *x)
{
	for (unsigned k = 0; k < x->nsk; k++)
		if (x->sk[k].xsk)
			xsk_socket__delete(x->sk[k].xsk);
	x->nsk = 0;
	if (x->umem)
		xsk_umem__delete(x->umem);
	x->umem = NULL;
	if (x->area)
		munmap(x->area, (size_t)XDP_NFRAMES * XDP_FRAME_SIZE);
	x->area = NULL;
	free(x->free);
	x->free = NULL;
}

/* Sum what the kernel counted on the sockets. */
void mg_xdp_sock_stats(struct mg_xdp *x)
{
	uint64_t full = 0, empty = 0, rxi = 0, txi = 0;
	for (unsigned k = 0; k < x->nsk; k++) {
		struct xdp_statistics xs;
		socklen_t len = sizeof(xs);
		memset(&xs, 0, sizeof(xs));
		if (getsockopt(x->sk[k].fd, SOL_XDP, XDP_STATISTICS, &xs, &len) != 0)
			continue;
		full += xs.rx_ring_full + xs.rx_dropped;
		empty += xs.rx_fill_ring_empty_descs;
		rxi += xs.rx_invalid_descs;
		txi += xs.tx_invalid_descs;
	}
	x->st.rx_ring_full = full;
	x->st.fill_empty = empty;
	x->st.rx_invalid = rxi;
	x->st.tx_invalid = txi;
}
