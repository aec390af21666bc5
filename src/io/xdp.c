/* xdp.c - the AF_XDP data plane's burst loop and forwarding (xdp.h). */
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/rewrite.h"
#include "core/wire.h"
#include "io/xdp_priv.h"

#define ETH_HLEN_ 14
#define LOCAL_REFRESH_MS 1000

/* ---- kernel hand-off: a raw socket, the kernel routes and resolves ---- */

static void to_kernel(struct mg_xdp *x, const uint8_t *l3, uint32_t len)
{
	if (mg_raw_send(&x->raw, l3, len))
		x->st.kernel++;
	else
		x->st.kernel_errors++;
}

/* ---- transmit ---- */

static struct mg_xsk *sock_for(struct mg_xdp *x, unsigned ifindex, unsigned queue)
{
	for (int s = 0; s < 2; s++) {
		const struct mg_xdp_if *i = &x->ifs[s];
		if (i->ifindex == ifindex && i->nq > 0)
			return &x->sk[i->first + queue % i->nq];
	}
	return NULL;
}

static bool tx_put(struct mg_xsk *s, uint64_t addr, uint32_t len)
{
	uint32_t idx;
	if (xsk_ring_prod__reserve(&s->tx, 1, &idx) != 1)
		return false;
	struct xdp_desc *d = xsk_ring_prod__tx_desc(&s->tx, idx);
	d->addr = addr;
	d->len = len;
	xsk_ring_prod__submit(&s->tx, 1);
	s->tx_pending++;
	return true;
}

/* Send what the transmit rings hold.  Copy mode sends a bounded number of
 * frames per call (EAGAIN: more to do): call again while the ring shrinks. */
static bool tx_empty(struct mg_xsk *s)
{
	return xsk_prod_nb_free(&s->tx, XDP_RING) >= XDP_RING;
}

/* Returns true if frames stay on the ring (the kernel took only part). */
static bool kick(struct mg_xdp *x, struct mg_xsk *s)
{
	if (s->tx_pending == 0 && tx_empty(s))
		return false;
	for (unsigned tries = 0; tries < 2 + s->tx_pending / 16; tries++) {
		x->st.wakeups++;
		if (sendto(s->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 && errno != EAGAIN && errno != EBUSY)
			break; /* ENOBUFS, ENETDOWN: try again next turn */
		if (tx_empty(s))
			break; /* all taken by the kernel */
	}
	s->tx_pending = 0;
	return !tx_empty(s);
}

static void reclaim(struct mg_xdp *x, struct mg_xsk *s)
{
	uint32_t idx;
	uint32_t n = xsk_ring_cons__peek(&s->comp, XDP_RING, &idx);
	for (uint32_t k = 0; k < n; k++)
		mg_xdp_frame_free(x, *xsk_ring_cons__comp_addr(&s->comp, idx + k));
	xsk_ring_cons__release(&s->comp, n);
}

/* Put an IPv4 packet that starts ETH_HLEN_ bytes into frame `addr` on the
 * wire towards its destination, or hand it to the kernel.  Returns true if
 * the frame went onto a transmit ring (it is no longer ours). */
static bool send_frame(struct mg_xdp *x, uint64_t addr, uint8_t *frame, uint32_t l3len, unsigned queue)
{
	uint8_t *l3 = frame + ETH_HLEN_;
	if ((l3[0] >> 4) != 4) {
		to_kernel(x, l3, l3len);
		return false;
	}
	uint32_t dst;
	memcpy(&dst, l3 + MG_IP4_DST, 4);
	struct mg_nh_result r;
	x->st.nh_lookups++;
	switch (mg_nh_lookup(x->nh, dst, x->now, &r)) {
	case MG_NH_OK:
		break;
	case MG_NH_NOROUTE:
		x->st.noroute++;
		return false;
	default: /* not resolved, to be confirmed, or the gateway's own */
		x->st.nh_kernel++;
		to_kernel(x, l3, l3len);
		return false;
	}
	struct mg_xsk *s = sock_for(x, r.ifindex, queue);
	if (s == NULL) { /* a third interface: the kernel's */
		to_kernel(x, l3, l3len);
		return false;
	}
	x->st.nh_hits++;
	const struct mg_xdp_if *out = &x->ifs[s->side];
	memcpy(frame, r.mac, 6);
	memcpy(frame + 6, out->mac, 6);
	frame[12] = 0x08;
	frame[13] = 0x00;
	if (!tx_put(s, addr, ETH_HLEN_ + l3len)) {
		x->st.tx_full++;
		return false;
	}
	x->st.transmitted++;
	return true;
}

/* The IP datagram's own length: a short frame carries Ethernet padding. */
static uint32_t ip_len(const uint8_t *l3, uint32_t avail)
{
	uint32_t n = 0;
	if (avail >= 20 && (l3[0] >> 4) == 4)
		n = mg_rd16(l3 + MG_IP4_TOTLEN);
	else if (avail >= 40 && (l3[0] >> 4) == 6)
		n = 40u + mg_rd16(l3 + 4);
	return n >= 20 && n <= avail ? n : avail;
}

/* One received frame.  Returns true if it went onto a transmit ring. */
static bool on_frame(struct mg_xdp *x, struct mg_xsk *s, uint64_t addr, uint32_t len)
{
	uint8_t *frame = xsk_umem__get_data(x->area, addr);
	x->st.received++;
	if (len < ETH_HLEN_ || x->engine == NULL) {
		x->st.runts++;
		return false;
	}
	uint8_t *l3 = frame + ETH_HLEN_;
	uint32_t l3len = ip_len(l3, len - ETH_HLEN_);
	struct mg_result r = mg_engine_process(x->engine, l3, l3len, (enum mg_side)s->side, x->now);
	if (r.verdict != MG_VERDICT_ACCEPT) {
		if (r.verdict == MG_VERDICT_HOLD)
			x->st.held++;
		else
			x->st.dropped++;
		return false;
	}
	x->st.accepted++;
	x->st.rewritten += r.changed != 0;
	if (!mg_rw_hop(l3, l3len)) {
		x->st.ttl_expired++;
		return false;
	}
	return send_frame(x, addr, frame, l3len, s->queue);
}

static void on_emit(void *ctx, const uint8_t *l3, uint32_t len, enum mg_side out_side,
		    uint64_t now_ms)
{
	struct mg_xdp *x = ctx;
	(void)out_side, (void)now_ms;
	if (len + ETH_HLEN_ > XDP_FRAME_SIZE || x->nfree == 0 || len < 20 || (l3[0] >> 4) != 4) {
		to_kernel(x, l3, len);
		x->st.emitted++;
		return;
	}
	uint64_t addr = x->free[--x->nfree];
	uint8_t *frame = xsk_umem__get_data(x->area, addr);
	memcpy(frame + ETH_HLEN_, l3, len);
	x->st.emitted++;
	if (!send_frame(x, addr, frame, len, 0))
		mg_xdp_frame_free(x, addr);
}

int mg_xdp_run_burst(struct mg_xdp *x, uint64_t (*now_ms)(void), char *err, size_t errlen)
{
	(void)err, (void)errlen;
	int handled = 0;
	x->now = now_ms();
	for (unsigned k = 0; k < x->nsk; k++)
		reclaim(x, &x->sk[k]);
	for (unsigned k = 0; k < x->nsk; k++) {
		struct mg_xsk *s = &x->sk[k];
		uint32_t idx;
		uint32_t n = xsk_ring_cons__peek(&s->rx, MG_XDP_BURST, &idx);
		for (uint32_t j = 0; j < n; j++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(&s->rx, idx + j);
			if (!on_frame(x, s, d->addr, d->len))
				mg_xdp_frame_free(x, d->addr);
		}
		xsk_ring_cons__release(&s->rx, n);
		handled += (int)n;
	}
	bool backlog = false;
	for (unsigned k = 0; k < x->nsk; k++) {
		backlog |= kick(x, &x->sk[k]);
		mg_xdp_refill(x, &x->sk[k]);
	}
	/* frames left on a transmit ring: the caller comes straight back */
	return handled > 0 ? handled : backlog;
}

/* ---- set-up ---- */

static int if_setup(struct mg_xdp_if *i, const char *name, char *err, size_t errlen)
{
	snprintf(i->name, sizeof(i->name), "%s", name);
	i->ifindex = if_nametoindex(name);
	if (i->ifindex == 0) {
		snprintf(err, errlen, "interface %s: %s", name, strerror(errno));
		return -1;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = fd >= 0 ? ioctl(fd, SIOCGIFHWADDR, &ifr) : -1;
	if (fd >= 0)
		close(fd);
	if (rc != 0 || ifr.ifr_hwaddr.sa_family != 1 /* ARPHRD_ETHER */) {
		snprintf(err, errlen, "interface %s: not an Ethernet interface, the AF_XDP path needs one",
			 name);
		return -1;
	}
	memcpy(i->mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

struct mg_xdp *mg_xdp_open(const struct mg_xdp_opts *o, char *err, size_t errlen)
{
	struct mg_xdp *x = calloc(1, sizeof(*x));
	if (x == NULL) {
		snprintf(err, errlen, "AF_XDP: out of memory");
		return NULL;
	}
	x->raw.fd4 = x->raw.fd6 = -1;
	x->fail_open = o->fail_open;
	for (unsigned k = 0; k < o->n_owned && x->n_owned < XDP_OWNED_MAX; k++)
		x->owned[x->n_owned++] = o->owned[k];
	x->local_sig = 0;
	if (if_setup(&x->ifs[MG_SIDE_INSIDE], o->if_inside, err, errlen) != 0 ||
	    if_setup(&x->ifs[MG_SIDE_OUTSIDE], o->if_outside, err, errlen) != 0)
		goto fail;
	if (mg_raw_open(&x->raw, o->mark, err, errlen) != 0)
		goto fail; /* IPv6 may be off: IPv6 hand-offs then count as errors */
	x->nh = mg_nh_new_netlink(1024, err, errlen);
	if (x->nh == NULL)
		goto fail;
	if (mg_xdp_umem_open(x, err, errlen) != 0)
		goto fail;
	for (int s = 0; s < 2; s++)
		if (mg_xdp_prog_attach(x, &x->ifs[s], o->mode, err, errlen) != 0)
			goto fail;
	mg_xdp_local_refresh(x); /* before any socket: the kernel's traffic never reaches us */
	for (int s = 0; s < 2; s++)
		if (mg_xdp_sock_open(x, &x->ifs[s], s, err, errlen) != 0)
			goto fail;
	return x;
fail:
	mg_xdp_close(x);
	return NULL;
}

void mg_xdp_close(struct mg_xdp *x)
{
	if (x == NULL)
		return;
	/* programs first: from then on the kernel has the interfaces back */
	for (int s = 0; s < 2; s++)
		mg_xdp_prog_detach(&x->ifs[s]);
	mg_xdp_sock_close_all(x);
	if (x->nh)
		mg_nh_free(x->nh);
	mg_raw_close(&x->raw);
	free(x);
}

const char *mg_xdp_mode_name(const struct mg_xdp *x)
{
	return x->ifs[0].mode == XDP_MODE_SKB || x->ifs[1].mode == XDP_MODE_SKB ? "generic" : "native";
}

unsigned mg_xdp_queues(const struct mg_xdp *x, int side)
{
	return x->ifs[side == MG_SIDE_OUTSIDE].nq;
}

int mg_xdp_pollfds(struct mg_xdp *x, struct pollfd *fds, int max)
{
	int n = 0;
	for (unsigned k = 0; k < x->nsk && n < max; k++)
		fds[n++] = (struct pollfd){.fd = x->sk[k].fd, .events = POLLIN};
	int nf = mg_nh_fd(x->nh);
	if (nf >= 0 && n < max)
		fds[n++] = (struct pollfd){.fd = nf, .events = POLLIN};
	return n;
}

void mg_xdp_serve(struct mg_xdp *x, const struct pollfd *fds, int n, uint64_t now_ms)
{
	int nf = mg_nh_fd(x->nh);
	for (int k = 0; k < n; k++)
		if (fds[k].fd == nf && nf >= 0 && (fds[k].revents & (POLLIN | POLLERR)))
			mg_nh_on_readable(x->nh, now_ms);
}

void mg_xdp_attach(struct mg_xdp *x, struct mg_engine *e)
{
	x->engine = e;
	mg_engine_set_emit(e, on_emit, x);
}

void mg_xdp_set_owned(struct mg_xdp *x, const uint32_t *owned, unsigned n)
{
	x->n_owned = 0;
	for (unsigned k = 0; k < n && x->n_owned < XDP_OWNED_MAX; k++)
		x->owned[x->n_owned++] = owned[k];
	x->local_sig = 0; /* rewrite the maps even if the kernel's list is the same */
	mg_xdp_local_refresh(x);
}

void mg_xdp_tick(struct mg_xdp *x, uint64_t now_ms)
{
	if (now_ms < x->next_local_ms)
		return;
	x->next_local_ms = now_ms + LOCAL_REFRESH_MS;
	mg_xdp_local_refresh(x);
}

const struct mg_xdp_stats *mg_xdp_stats(struct mg_xdp *x)
{
	mg_xdp_sock_stats(x);
	mg_xdp_prog_stats(x);
	const struct mg_nh_stats *ns = mg_nh_stats(x->nh);
	x->st.nh_evictions = ns ? ns->evictions : 0;
	return &x->st;
}
