/* nexthop_priv.h - the next-hop cache's state, shared by nexthop.c (the
 * cache) and nexthop_nl.c (kernel access, notifications), and the hooks
 * through which notifications change the cache.  Not for other modules;
 * tests use it to feed crafted notifications. */
#ifndef MG_NEXTHOP_PRIV_H
#define MG_NEXTHOP_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/nexthop.h"
#include "util/siphash.h"

enum nh_kind {
	NH_UNICAST, /* next hop in the neighbour table */
	NH_LOCAL,
	NH_NOROUTE,
	NH_KERNEL, /* a route we cannot follow, or the question failed */
};

/* destination -> route; an empty slot has gen 0 */
struct nh_route {
	uint32_t dst;
	uint32_t hop;      /* the gateway, or dst itself when on-link */
	unsigned oif;
	uint32_t gen;      /* nh->route_gen when learnt */
	uint32_t hop_slot; /* where its next hop was last found (checked before use) */
	uint8_t kind;      /* enum nh_kind */
	uint64_t until;    /* asked again from then */
	uint64_t used;     /* last lookup, for eviction */
};

/* (interface, address) -> neighbour; an empty slot has gen 0 */
struct nh_hop {
	uint32_t addr;
	unsigned oif;
	uint32_t gen;           /* nh->hop_gen when learnt */
	uint16_t state;         /* NUD_* (0: no entry) */
	bool have_mac;
	uint8_t mac[6];
	uint64_t until;         /* a usable entry is asked again from then */
	uint64_t ask_after;     /* an unusable one from then */
	uint64_t confirm_after; /* next packet for the kernel to re-confirm it */
	uint64_t used;
};

struct mg_nh {
	struct mg_nh_ops ops;
	struct mg_sipkey key;
	uint32_t mask;         /* slots - 1, both tables */
	struct nh_route *routes;
	struct nh_hop *hops;
	uint32_t route_gen, hop_gen;
	uint64_t ttl;          /* MG_NH_POLL_MS, or MG_NH_VERIFY_MS with notifications */
	int fd;                /* notification socket, -1 */
	void *owner;           /* nexthop_nl.c's state, released by release() */
	void (*release)(void *owner);
	struct mg_nh_stats st;
};

/* Hooks for notifications (addresses in network order). */
/* RTM_NEWNEIGH: the entry of (oif, addr), if cached, takes state and mac
 * (NULL: none given, the entry is not usable). */
void mg_nh_neigh_event(struct mg_nh *nh, unsigned oif, uint32_t addr, const uint8_t *mac,
		       uint16_t state, uint64_t now);
/* RTM_DELNEIGH: the entry of (oif, addr) is forgotten. */
void mg_nh_neigh_gone(struct mg_nh *nh, unsigned oif, uint32_t addr);
/* A route or rule changed: every route is asked again. */
void mg_nh_routes_changed(struct mg_nh *nh);
/* A link changed: routes, and the neighbours on oif. */
void mg_nh_link_changed(struct mg_nh *nh, unsigned oif);
/* Notifications were lost: everything is asked again. */
void mg_nh_invalidate_all(struct mg_nh *nh);

/* Apply the rtnetlink messages of one datagram (nexthop_nl.c); buf is
 * aligned for struct nlmsghdr. */
void mg_nh_notify_parse(struct mg_nh *nh, const void *buf, size_t len, uint64_t now);

#endif
