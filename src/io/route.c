/* route.c - rtnetlink answers for mg_route_pick() (route.h): the route to
 * one address and the owner of a local address, over a libmnl socket that
 * lives for one question; and the questions themselves (rtnl.h), which
 * nexthop_nl.c asks over a socket it keeps. */
#include "io/route.h"
#include "io/rtnl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int mg_rtnl_ask(struct mnl_socket *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data,
		const char *what, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int rc = -2;
	struct mnl_socket *own = NULL;
	if (nl == NULL) {
		own = nl = mnl_socket_open(NETLINK_ROUTE);
		if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
			snprintf(err, errlen, "rtnetlink: %s", strerror(errno));
			goto close_socket;
		}
	}
	uint32_t portid = mnl_socket_get_portid(nl);
	uint32_t seq = req->nlmsg_seq;
	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0) {
		snprintf(err, errlen, "rtnetlink send: %s", strerror(errno));
		goto close_socket;
	}
	int ret;
	do {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			snprintf(err, errlen, "rtnetlink receive: %s", strerror(errno));
			goto close_socket;
		}
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
		/* EPROTO: an answer to an earlier request a kept socket
		 * still held (libmnl checks the sequence number) */
		if (ret < 0 && errno == EPROTO)
			ret = MNL_CB_OK;
	} while (ret > MNL_CB_STOP);
	if (ret < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: %s", what, strerror(e));
		rc = e == ESRCH ? -2 : -1; /* ESRCH: not addressed to this socket */
		errno = e;
		goto close_socket;
	}
	rc = 0;
close_socket:
	if (own != NULL)
		mnl_socket_close(own);
	return rc;
}

static int on_route(const struct nlmsghdr *nlh, void *data)
{
	struct mg_rtnl_route *r = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	if (nlh->nlmsg_type != RTM_NEWROUTE || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)))
		return MNL_CB_OK;
	r->type = rtm->rtm_type;
	mnl_attr_for_each(attr, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(attr)) {
		case RTA_OIF:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
				r->oif = mnl_attr_get_u32(attr);
			break;
		case RTA_GATEWAY:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
				r->gw = mnl_attr_get_u32(attr);
			break;
		case RTA_VIA:
			r->gw_not4 = true;
			break;
		case RTA_ENCAP:
			r->encap = true;
			break;
		}
	}
	return MNL_CB_STOP;
}

int mg_rtnl_route_get4(struct mnl_socket *nl, uint32_t seq, uint32_t dst,
		       struct mg_rtnl_route *r, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	char ip[INET_ADDRSTRLEN], what[64];

	memset(r, 0, sizeof(*r));
	r->type = RTN_UNSPEC;
	inet_ntop(AF_INET, &dst, ip, sizeof(ip));
	snprintf(what, sizeof(what), "no route to %s", ip);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	mnl_attr_put_u32(nlh, RTA_DST, dst);
	int rc = mg_rtnl_ask(nl, nlh, on_route, r, what, err, errlen);
	if (rc != 0)
		return rc;
	if (r->type == RTN_UNSPEC) {
		snprintf(err, errlen, "%s: the kernel's answer holds no route", what);
		return -2;
	}
	return 0;
}

static int nl_route_oif(void *ctx, uint32_t addr, unsigned *ifindex, char *err, size_t errlen)
{
	char ip[INET_ADDRSTRLEN];
	struct mg_rtnl_route r;

	if (mg_rtnl_route_get4(NULL, (uint32_t)time(NULL), addr, &r, err, errlen) != 0)
		return -1;
	inet_ntop(AF_INET, &addr, ip, sizeof(ip));
	if (r.type == RTN_LOCAL) {
		snprintf(err, errlen, "%s is an address of this gateway, not one routed out", ip);
		return -1;
	}
	if (r.oif == 0) {
		snprintf(err, errlen, "no route to %s: the kernel's answer names no interface", ip);
		return -1;
	}
	*ifindex = r.oif;
	return 0;
}

struct addr_query {
	uint32_t addr;
	unsigned ifindex;
};

static int on_addr(const struct nlmsghdr *nlh, void *data)
{
	struct addr_query *q = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	if (nlh->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != AF_INET)
		return MNL_CB_OK;
	/* IFA_LOCAL is the address itself; IFA_ADDRESS is the peer's on a
	 * point-to-point link, so it only counts when there is no IFA_LOCAL */
	uint32_t local = 0, address = 0;
	mnl_attr_for_each(attr, nlh, sizeof(*ifa)) {
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			continue;
		if (mnl_attr_get_type(attr) == IFA_LOCAL)
			local = mnl_attr_get_u32(attr);
		else if (mnl_attr_get_type(attr) == IFA_ADDRESS)
			address = mnl_attr_get_u32(attr);
	}
	if (q->ifindex == 0 && (local ? local : address) == q->addr)
		q->ifindex = ifa->ifa_index;
	return MNL_CB_OK;
}

static int nl_addr_if(void *ctx, uint32_t addr, unsigned *ifindex, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct addr_query q = {addr, 0};

	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	if (mg_rtnl_ask(NULL, nlh, on_addr, &q, "listing the local addresses", err, errlen) != 0)
		return -1;
	if (q.ifindex == 0)
		return 0;
	*ifindex = q.ifindex;
	return 1;
}

static int nl_if_name(void *ctx, unsigned ifindex, char *name)
{
	return if_indextoname(ifindex, name) != NULL ? 0 : -1;
}

const struct mg_route_ops mg_route_netlink_ops = {nl_route_oif, nl_addr_if, nl_if_name, NULL};
