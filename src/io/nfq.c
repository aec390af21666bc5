/* nfq.c - NFQUEUE receive, engine call and batched verdicts (nfq.h).
 *
 * Buffers are allocated once at open: the receive buffer and the verdict
 * batch.  Nothing is allocated per packet, nor copied: the engine's result
 * says whether it rewrote the packet (only then do its bytes go back). */
#include "io/nfq.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "io/nfq_priv.h"

#define RX_SIZE (0xffff + (MNL_SOCKET_BUFFER_SIZE / 2))
#define TX_SIZE (256u << 10)
#define TX_SNDBUF (1u << 20)
#define VERDICT_ROOM 128 /* netlink and attribute headers around a payload */
#define REINDEX_MS 1000  /* at most one interface lookup per second */

static int msg_room(size_t payload)
{
	return (int)(MNL_ALIGN(payload) + VERDICT_ROOM);
}

/* Send the verdicts built so far in one sendmsg. */
static void tx_flush(struct mg_nfq *q)
{
	if (q->txlen == 0)
		return;
	ssize_t n = mnl_socket_sendto(q->nl, q->tx, q->txlen);
	q->st.sends++;
	if (n < 0 || (size_t)n != q->txlen)
		q->st.send_errors++;
	q->txlen = 0;
}

static void put_verdict(struct mg_nfq *q, uint32_t id, int verdict, const uint8_t *pkt,
			uint32_t len)
{
	if (q->txlen + (size_t)msg_room(pkt ? len : 0) > TX_SIZE)
		tx_flush(q);
	struct nlmsghdr *nlh = nfq_nlmsg_put(q->tx + q->txlen, NFQNL_MSG_VERDICT, q->queue);
	nfq_nlmsg_verdict_put(nlh, (int)id, verdict);
	if (pkt)
		nfq_nlmsg_verdict_put_pkt(nlh, pkt, len);
	q->txlen += MNL_ALIGN(nlh->nlmsg_len);
}

static void resolve_ifs(struct mg_nfq *q, uint64_t now)
{
	q->ifidx[MG_SIDE_INSIDE] = if_nametoindex(q->ifname[MG_SIDE_INSIDE]);
	q->ifidx[MG_SIDE_OUTSIDE] = if_nametoindex(q->ifname[MG_SIDE_OUTSIDE]);
	q->reindex_ms = now + REINDEX_MS;
}

/* The side of an input interface, -1 if neither.  An interface that was
 * recreated has a new index: look the names up again, rate-limited. */
static int side_of(struct mg_nfq *q, uint32_t ifindex)
{
	for (int pass = 0; pass < 2; pass++) {
		if (ifindex != 0 && ifindex == q->ifidx[MG_SIDE_INSIDE])
			return MG_SIDE_INSIDE;
		if (ifindex != 0 && ifindex == q->ifidx[MG_SIDE_OUTSIDE])
			return MG_SIDE_OUTSIDE;
		if (pass == 0 && q->now >= q->reindex_ms)
			resolve_ifs(q, q->now);
		else
			break;
	}
	return -1;
}

/* One queued packet: classify, run the engine, queue the verdict. */
static int on_packet(const struct nlmsghdr *nlh, void *data)
{
	struct mg_nfq *q = data;
	struct nlattr *attr[NFQA_MAX + 1] = {0};

	if (nfq_nlmsg_parse(nlh, attr) < 0 || attr[NFQA_PACKET_HDR] == NULL) {
		q->st.nl_errors++;
		return MNL_CB_OK;
	}
	const struct nfqnl_msg_packet_hdr *ph = mnl_attr_get_payload(attr[NFQA_PACKET_HDR]);
	uint32_t id = ntohl(ph->packet_id);
	q->st.received++;

	uint8_t *pkt = NULL;
	uint32_t len = 0;
	if (attr[NFQA_PAYLOAD]) {
		pkt = mnl_attr_get_payload(attr[NFQA_PAYLOAD]);
		len = mnl_attr_get_payload_len(attr[NFQA_PAYLOAD]);
	}
	if (pkt == NULL || len == 0 ||
	    (attr[NFQA_CAP_LEN] && ntohl(mnl_attr_get_u32(attr[NFQA_CAP_LEN])) > len)) {
		q->st.truncated++;
		goto drop;
	}
	uint32_t ifindex = attr[NFQA_IFINDEX_INDEV] ? ntohl(mnl_attr_get_u32(attr[NFQA_IFINDEX_INDEV])) : 0;
	int side = side_of(q, ifindex);
	if (side < 0 || q->engine == NULL) {
		q->st.unknown_if++;
		goto drop;
	}
	struct mg_result r = mg_engine_process(q->engine, pkt, len, (enum mg_side)side, q->now);
	if (r.verdict == MG_VERDICT_ACCEPT) {
		bool changed = r.changed != 0; /* the engine says what it rewrote */
		q->st.accepted++;
		q->st.rewritten += changed;
		put_verdict(q, id, NF_ACCEPT, changed ? pkt : NULL, len);
		return MNL_CB_OK;
	}
	if (r.verdict == MG_VERDICT_HOLD)
		q->st.held++;
	else
		q->st.dropped++;
	put_verdict(q, id, NF_DROP, NULL, 0);
	return MNL_CB_OK;
drop:
	q->st.dropped++;
	put_verdict(q, id, NF_DROP, NULL, 0);
	return MNL_CB_OK;
}

int mg_nfq_run_burst(struct mg_nfq *q, uint64_t (*now_ms)(void), char *err, size_t errlen)
{
	int handled = 0;
	q->now = now_ms();
	while (handled < MG_NFQ_BURST) {
		ssize_t n = recv(mnl_socket_get_fd(q->nl), q->rx, RX_SIZE, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == ENOBUFS) {
				q->st.enobufs++;
				continue;
			}
			tx_flush(q);
			snprintf(err, errlen, "nfqueue receive: %s", strerror(errno));
			return -1;
		}
		handled++;
		/* error answers to earlier verdicts come back as NLMSG_ERROR:
		 * mnl_cb_run stops on them, they are counted, the loop goes on */
		if (mnl_cb_run(q->rx, (size_t)n, 0, q->portid, on_packet, q) < 0)
			q->st.nl_errors++;
	}
	tx_flush(q);
	return handled;
}

/* Bind the queue and set copy mode, queue length and flags in one config
 * message, then wait for its acknowledgement.  A packet that arrives before
 * the acknowledgement is dropped: the engine is not running yet. */
static int configure(struct mg_nfq *q, bool fail_open, char *err, size_t errlen)
{
	struct nlmsghdr *nlh = nfq_nlmsg_put(q->tx, NFQNL_MSG_CONFIG, q->queue);
	nlh->nlmsg_flags |= NLM_F_ACK;
	uint32_t seq = (uint32_t)time(NULL) | 1u;
	nlh->nlmsg_seq = seq;
	nfq_nlmsg_cfg_put_cmd(nlh, AF_INET, NFQNL_CFG_CMD_BIND);
	nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, 0xffff);
	nfq_nlmsg_cfg_put_qmaxlen(nlh, MG_NFQ_QMAXLEN);
	uint32_t flags = fail_open ? NFQA_CFG_F_FAIL_OPEN : 0;
	mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(flags));
	mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(NFQA_CFG_F_FAIL_OPEN));
	if (mnl_socket_sendto(q->nl, nlh, nlh->nlmsg_len) < 0) {
		snprintf(err, errlen, "nfqueue %u: send config: %s", q->queue, strerror(errno));
		return -1;
	}
	for (int tries = 0; tries < 1000; tries++) {
		ssize_t n = mnl_socket_recvfrom(q->nl, q->rx, RX_SIZE);
		if (n < 0) {
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			snprintf(err, errlen, "nfqueue %u: %s", q->queue, strerror(errno));
			return -1;
		}
		const struct nlmsghdr *m = (const struct nlmsghdr *)(void *)q->rx;
		if (m->nlmsg_type == NLMSG_ERROR && m->nlmsg_seq == seq) {
			int rc = mnl_cb_run(q->rx, (size_t)n, seq, q->portid, NULL, NULL);
			if (rc < 0) {
				if (errno == EBUSY)
					snprintf(err, errlen,
						 "queue %u is in use by another process: stop it, or give "
						 "meetgate another queue (`queue N` in the configuration)",
						 q->queue);
				else
					snprintf(err, errlen, "nfqueue %u: bind refused: %s", q->queue,
						 strerror(errno));
				return -1;
			}
			return 0;
		}
		/* an early packet (engine not attached yet: on_packet drops it) */
		mnl_cb_run(q->rx, (size_t)n, 0, q->portid, on_packet, q);
		tx_flush(q);
	}
	snprintf(err, errlen, "nfqueue %u: no answer to the bind request", q->queue);
	return -1;
}

static void set_bufsizes(struct mg_nfq *q)
{
	int fd = mnl_socket_get_fd(q->nl);
	int rcv = (int)MG_NFQ_RCVBUF, snd = (int)TX_SNDBUF;
	/* the FORCE variants pass net.core.rmem_max for root; plain ones are
	 * the fallback when that is not allowed */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof(snd)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
}

struct mg_nfq *mg_nfq_open(const struct mg_nfq_opts *o, char *err, size_t errlen)
{
	struct mg_nfq *q = calloc(1, sizeof(*q));
	if (q == NULL)
		goto fail_msg;
	q->queue = o->queue;
	q->raw.fd4 = q->raw.fd6 = -1;
	snprintf(q->ifname[MG_SIDE_INSIDE], sizeof(q->ifname[0]), "%s", o->if_inside);
	snprintf(q->ifname[MG_SIDE_OUTSIDE], sizeof(q->ifname[0]), "%s", o->if_outside);
	q->rx = malloc(RX_SIZE);
	q->tx = malloc(TX_SIZE);
	if (q->rx == NULL || q->tx == NULL)
		goto fail_msg;
	resolve_ifs(q, 0);
	for (int s = 0; s < 2; s++)
		if (q->ifidx[s] == 0) {
			snprintf(err, errlen, "interface %s: %s", q->ifname[s], strerror(errno));
			goto fail;
		}
	if (mg_nfq_raw_open(q, o->mark, err, errlen) != 0)
		goto fail;
	q->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (q->nl == NULL || mnl_socket_bind(q->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "netfilter netlink socket: %s", strerror(errno));
		goto fail;
	}
	q->portid = mnl_socket_get_portid(q->nl);
	set_bufsizes(q);
	if (configure(q, o->fail_open, err, errlen) != 0)
		goto fail;
	return q;
fail_msg:
	snprintf(err, errlen, "nfqueue: out of memory");
fail:
	mg_nfq_close(q);
	return NULL;
}

void mg_nfq_close(struct mg_nfq *q)
{
	if (q == NULL)
		return;
	/* closing the socket unbinds the queue; the kernel drops what it still holds */
	if (q->nl != NULL)
		mnl_socket_close(q->nl);
	mg_nfq_raw_close(q);
	free(q->tx);
	free(q->rx);
	free(q);
}

int mg_nfq_fd(const struct mg_nfq *q)
{
	return mnl_socket_get_fd(q->nl);
}

const struct mg_nfq_stats *mg_nfq_stats(const struct mg_nfq *q)
{
	return &q->st;
}
