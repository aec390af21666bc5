/* nexthop_nl.c - the next-hop cache's kernel access (nexthop.h): route and
 * neighbour questions over one rtnetlink socket kept open, and the
 * notification socket whose messages keep the cache fresh.
 *
 * Both sockets are connected to the kernel (port 0), so the kernel refuses
 * unicasts other processes address to them: no local program can feed the
 * cache a forged neighbour. */
#include "io/nexthop.h"
#include "io/nexthop_priv.h"
#include "io/rtnl.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#define NH_RX_SIZE (32u << 10) /* one notification datagram */
#define NH_RCVBUF (4u << 20)   /* room for bursts of notifications */
#define NH_DRAIN_MAX 64        /* datagrams per mg_nh_on_readable() */
#define NH_ASK_WAIT_US 100000  /* longest wait for an answer */
#define NH_GROUPS (RTMGRP_NEIGH | RTMGRP_IPV4_ROUTE | RTMGRP_IPV4_RULE | RTMGRP_LINK)

struct nh_nl {
	_Alignas(struct nlmsghdr) uint8_t rx[NH_RX_SIZE];
	struct mnl_socket *ask;   /* questions */
	struct mnl_socket *watch; /* notifications */
	uint32_t seq;
	bool dump_neigh;          /* single-entry RTM_GETNEIGH refused (kernel < 4.20) */
	char err[160];            /* the last failed question */
};

/* An IPv4 neighbour message: 0 parsed, 1 not one of ours (another family,
 * a proxy entry), -1 malformed. */
struct neigh_msg {
	unsigned ifindex;
	uint32_t addr;
	uint16_t state;
	bool have_mac;
	uint8_t mac[6];
};

static int neigh_parse(const struct nlmsghdr *nlh, struct neigh_msg *m)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	bool have_dst = false;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ndm)))
		return -1;
	if (ndm->ndm_family != AF_INET || (ndm->ndm_flags & NTF_PROXY))
		return 1;
	memset(m, 0, sizeof(*m));
	m->ifindex = (unsigned)ndm->ndm_ifindex;
	m->state = ndm->ndm_state;
	mnl_attr_for_each(attr, nlh, sizeof(*ndm)) {
		uint16_t plen = mnl_attr_get_payload_len(attr);
		if (mnl_attr_get_type(attr) == NDA_DST) {
			if (plen != 4)
				return -1;
			memcpy(&m->addr, mnl_attr_get_payload(attr), 4);
			have_dst = true;
		} else if (mnl_attr_get_type(attr) == NDA_LLADDR && plen == 6) {
			memcpy(m->mac, mnl_attr_get_payload(attr), 6);
			m->have_mac = true;
		}
	}
	return have_dst ? 0 : -1;
}

static void notify_one(struct mg_nh *nh, const struct nlmsghdr *nlh, uint64_t now)
{
	struct neigh_msg m;
	nh->st.notifications++;
	switch (nlh->nlmsg_type) {
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH: {
		int rc = neigh_parse(nlh, &m);
		if (rc < 0)
			nh->st.malformed++;
		if (rc != 0)
			return;
		if (nlh->nlmsg_type == RTM_DELNEIGH)
			mg_nh_neigh_gone(nh, m.ifindex, m.addr);
		else
			mg_nh_neigh_event(nh, m.ifindex, m.addr, m.have_mac ? m.mac : NULL, m.state,
					  now);
		return;
	}
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
	case RTM_NEWRULE:
	case RTM_DELRULE:
		/* rtmsg and fib_rule_hdr both start with the family */
		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct rtmsg))) {
			nh->st.malformed++;
			return;
		}
		if (((const struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_family == AF_INET)
			mg_nh_routes_changed(nh);
		return;
	case RTM_NEWLINK:
	case RTM_DELLINK:
		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct ifinfomsg))) {
			nh->st.malformed++;
			return;
		}
		mg_nh_link_changed(nh,
				   (unsigned)((const struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))
					   ->ifi_index);
		return;
	}
}

void mg_nh_notify_parse(struct mg_nh *nh, const void *buf, size_t len, uint64_t now)
{
	const struct nlmsghdr *nlh = buf;
	int left = len > INT_MAX ? INT_MAX : (int)len;
	/* mnl_nlmsg_ok() compares the length as a signed int: a length with
	 * the top bit set would pass it; check it unsigned first */
	while (left >= (int)sizeof(*nlh) && nlh->nlmsg_len <= (uint32_t)left && mnl_nlmsg_ok(nlh, left)) {
		notify_one(nh, nlh, now);
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	if (left > 0)
		nh->st.malformed++; /* a message cut short: the rest is lost */
}

void mg_nh_on_readable(struct mg_nh *nh, uint64_t now_ms)
{
	struct nh_nl *n = nh->owner;
	if (nh->fd < 0 || n == NULL)
		return;
	for (int i = 0; i < NH_DRAIN_MAX; i++) {
		struct sockaddr_nl from;
		struct iovec iov = {n->rx, sizeof(n->rx)};
		struct msghdr msg = {.msg_name = &from, .msg_namelen = sizeof(from),
				     .msg_iov = &iov, .msg_iovlen = 1};
		ssize_t got = recvmsg(nh->fd, &msg, MSG_DONTWAIT);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (got < 0 || (msg.msg_flags & MSG_TRUNC)) {
			/* the kernel dropped notifications (ENOBUFS) or we lost
			 * part of one: nothing cached can be trusted */
			nh->st.overruns++;
			mg_nh_invalidate_all(nh);
			if (got < 0 && errno != ENOBUFS)
				return;
			continue;
		}
		if (from.nl_pid != 0)
			continue;
		mg_nh_notify_parse(nh, n->rx, (size_t)got, now_ms);
	}
}

static int nl_route_get(void *ctx, uint32_t dst, unsigned *oif, uint32_t *gw, unsigned *type)
{
	struct nh_nl *n = ctx;
	struct mg_rtnl_route r;
	int rc = mg_rtnl_route_get4(n->ask, ++n->seq, dst, &r, n->err, sizeof(n->err));
	if (rc != 0)
		return rc;
	*oif = r.oif;
	*gw = r.gw;
	*type = r.type;
	return r.type == RTN_UNICAST && (r.gw_not4 || r.encap) ? 1 : 0;
}

struct neigh_query {
	unsigned ifindex;
	uint32_t addr;
	bool found;
	struct neigh_msg m;
};

static int on_neigh(const struct nlmsghdr *nlh, void *data)
{
	struct neigh_query *q = data;
	struct neigh_msg m;
	if (nlh->nlmsg_type == RTM_NEWNEIGH && neigh_parse(nlh, &m) == 0 &&
	    m.ifindex == q->ifindex && m.addr == q->addr && !q->found) {
		q->m = m;
		q->found = true;
	}
	/* a dump ends with NLMSG_DONE, a single answer is the message alone */
	return (nlh->nlmsg_flags & NLM_F_MULTI) ? MNL_CB_OK : MNL_CB_STOP;
}

static int neigh_ask(struct nh_nl *n, struct neigh_query *q, bool dump)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0);
	nlh->nlmsg_seq = ++n->seq;
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_INET;
	ndm->ndm_ifindex = (int)q->ifindex;
	if (dump)
		mnl_attr_put_u32(nlh, NDA_IFINDEX, q->ifindex);
	else
		mnl_attr_put_u32(nlh, NDA_DST, q->addr);
	return mg_rtnl_ask(n->ask, nlh, on_neigh, q, "neighbour", n->err, sizeof(n->err));
}

static int nl_neigh_get(void *ctx, unsigned ifindex, uint32_t addr, uint8_t mac[6],
			uint16_t *state)
{
	struct nh_nl *n = ctx;
	struct neigh_query q = {.ifindex = ifindex, .addr = addr};
	int rc = -1;

	if (!n->dump_neigh) {
		rc = neigh_ask(n, &q, false);
		if (rc == -1 && errno == ENOENT)
			return 0;
		if (rc == -1 && (errno == EOPNOTSUPP || errno == EINVAL))
			n->dump_neigh = true;
	}
	if (n->dump_neigh)
		rc = neigh_ask(n, &q, true);
	if (rc != 0)
		return -1;
	if (!q.found || !q.m.have_mac)
		return 0; /* none, or one without an Ethernet address: the kernel's */
	memcpy(mac, q.m.mac, 6);
	*state = q.m.state;
	return 1;
}

/* A rtnetlink socket bound to groups and connected to the kernel. */
static struct mnl_socket *nl_open(unsigned groups, int flags, char *err, size_t errlen)
{
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, flags | SOCK_CLOEXEC);
	if (nl == NULL || mnl_socket_bind(nl, groups, MNL_SOCKET_AUTOPID) < 0 ||
	    connect(mnl_socket_get_fd(nl), (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		snprintf(err, errlen, "rtnetlink%s: %s", groups ? " notifications" : "",
			 strerror(errno));
		if (nl != NULL)
			mnl_socket_close(nl);
		return NULL;
	}
	return nl;
}

static void nl_release(void *owner)
{
	struct nh_nl *n = owner;
	mnl_socket_close(n->watch);
	mnl_socket_close(n->ask);
	free(n);
}

struct mg_nh *mg_nh_new_netlink(unsigned capacity, char *err, size_t errlen)
{
	struct nh_nl *n = calloc(1, sizeof(*n));
	if (n == NULL) {
		snprintf(err, errlen, "next-hop cache: out of memory");
		return NULL;
	}
	/* subscribed before the first question, so no change goes unseen */
	n->watch = nl_open(NH_GROUPS, SOCK_NONBLOCK, err, errlen);
	if (n->watch == NULL)
		goto free_state;
	int fd = mnl_socket_get_fd(n->watch), size = (int)NH_RCVBUF;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	n->ask = nl_open(0, 0, err, errlen);
	if (n->ask == NULL)
		goto close_watch;
	/* the kernel answers while it takes the question; should an answer
	 * ever be lost, the data plane waits this long, not forever */
	struct timeval wait = {0, NH_ASK_WAIT_US};
	setsockopt(mnl_socket_get_fd(n->ask), SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
	const struct mg_nh_ops ops = {nl_route_get, nl_neigh_get, n};
	struct mg_nh *nh = mg_nh_new(&ops, capacity);
	if (nh == NULL) {
		snprintf(err, errlen, "next-hop cache of %u entries: %s", capacity,
			 capacity > MG_NH_MAX_CAP ? "too large" : "out of memory");
		goto close_ask;
	}
	nh->owner = n;
	nh->release = nl_release;
	nh->fd = fd;
	nh->ttl = MG_NH_VERIFY_MS;
	return nh;
close_ask:
	mnl_socket_close(n->ask);
close_watch:
	mnl_socket_close(n->watch);
free_state:
	free(n);
	return NULL;
}
