/* route.h - the gateway's interfaces as the kernel's routes give them
 * (doc/live.md, "Interfaces from the routes").
 *
 * `meetgate run` takes an `interface` line that is left out of the file from
 * the routing table of its namespace: the inside interface is the one the
 * routes to every `inside` prefix leave by (all must agree), the outside
 * interface the one that holds the first `public` address, or else the one
 * the route towards it leaves by.  Both must differ.
 *
 * mg_route_pick() is the decision; it asks the kernel through an ops table,
 * so tests can answer instead.  mg_route_netlink_ops are the real answers:
 * rtnetlink (libmnl) RTM_GETROUTE for one address, the lookup `ip route
 * get` does, and an RTM_GETADDR dump for the local addresses.
 */
#ifndef MG_ROUTE_H
#define MG_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

#define MG_ROUTE_WHY_MAX 128

struct mg_route_ops {
	/* The interface the kernel's route to addr (network order) leaves by:
	 * 0, or -1 with a message (no route, or addr is one of ours). */
	int (*route_oif)(void *ctx, uint32_t addr, unsigned *ifindex, char *err, size_t errlen);
	/* The interface that holds the local address addr: 1 found, 0 not
	 * ours, -1 with a message. */
	int (*addr_if)(void *ctx, uint32_t addr, unsigned *ifindex, char *err, size_t errlen);
	/* The name of an interface index (MG_CFG_IFNAME_MAX bytes): 0 or -1. */
	int (*if_name)(void *ctx, unsigned ifindex, char *name);
	void *ctx;
};

extern const struct mg_route_ops mg_route_netlink_ops;

/* Fill live->if_inside and/or live->if_outside where they are empty, from
 * c's `inside` prefixes and first `public` address.  For each side filled,
 * why_inside / why_outside (MG_ROUTE_WHY_MAX bytes) say how it was chosen
 * ("route to 198.18.1.0/24", "holds 198.19.0.1"); a side given stays as it
 * is and its why is "".  -1 with a message that names the addresses and
 * interfaces involved when there is no route, the prefixes leave by
 * different interfaces, or both sides end on the same interface (live may
 * then be partly filled: the caller gives up on it). */
int mg_route_pick(const struct mg_config *c, struct mg_config_live *live,
		  const struct mg_route_ops *ops, char *why_inside, char *why_outside, char *err,
		  size_t errlen);

#endif
