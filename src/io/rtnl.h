/* rtnl.h - rtnetlink questions shared by the io modules that ask the
 * kernel's routing tables (route.c for `meetgate run`'s interfaces,
 * nexthop_nl.c for the AF_XDP data plane's next hops).  Implemented in
 * route.c. */
#ifndef MG_RTNL_H
#define MG_RTNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

/* One request on nl (NULL: a socket opened for this question alone), then
 * its answers through cb until the kernel is done (a dump ends with
 * NLMSG_DONE, a single answer after its message or error).  0 when done;
 * -1 when the kernel answered with an error (errno holds it, err names it
 * after `what`); -2 when the kernel could not be asked (socket trouble, an
 * answer to another question), with a message. */
int mg_rtnl_ask(struct mnl_socket *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data,
		const char *what, char *err, size_t errlen);

/* The kernel's route to one IPv4 address, the lookup `ip route get` does
 * (as if the gateway itself sent to it: no source, input interface or
 * mark). */
struct mg_rtnl_route {
	unsigned oif;       /* RTA_OIF, 0 when the answer names none */
	uint32_t gw;        /* RTA_GATEWAY (network order), 0 when on-link */
	unsigned char type; /* RTN_UNICAST, RTN_LOCAL, ... */
	bool gw_not4;       /* the gateway is not an IPv4 address (RTA_VIA) */
	bool encap;         /* the route encapsulates (RTA_ENCAP: MPLS, seg6, ...) */
};

/* 0 with the answer; -1 no route (the kernel's error: unreachable,
 * prohibited, blackhole; errno holds it) or -2 could not ask, both with a
 * message.  seq numbers the request. */
int mg_rtnl_route_get4(struct mnl_socket *nl, uint32_t seq, uint32_t dst,
		       struct mg_rtnl_route *r, char *err, size_t errlen);

#endif
