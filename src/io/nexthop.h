/* nexthop.h - where a forwarded IPv4 packet leaves: the egress interface and
 * the next hop's Ethernet address, as the kernel's route and neighbour tables
 * give them, for the AF_XDP data plane that transmits packets itself.
 *
 * Why: a packet sent from an AF_XDP socket bypasses the kernel's routing
 * and ARP.  The kernel stays the one that decides: routes and neighbours
 * are read from it, never guessed, and whatever it does not know for sure
 * is handed back to it (MG_NH_KERNEL: the caller sends THIS packet through
 * a raw socket; the kernel routes it, resolves the neighbour with ARP and
 * queues the packet meanwhile).  Because our own traffic never passes the
 * kernel's neighbour code, a usable but unconfirmed entry (NUD_STALE,
 * DELAY, PROBE) also gets one packet per next hop every MG_NH_CONFIRM_MS
 * handed to the kernel, so that its state machine re-confirms the entry;
 * NUD_REACHABLE, PERMANENT and NOARP entries are used as they are.
 *
 * How: two fixed tables allocated by mg_nh_new(), open addressing with a
 * probe window of MG_NH_WINDOW slots and a keyed SipHash:
 *   destination -> (egress interface, next hop, route type)
 *   (interface, next hop) -> (MAC, NUD state)
 * so destinations behind one gateway share one neighbour entry.  A full
 * window gives up its least recently used entry (counted).  A lookup that
 * finds both answers makes no system call and allocates nothing.  An
 * unresolved neighbour is asked again at most every MG_NH_RETRY_MS per next
 * hop, so the first packets after ARP completes find the MAC quickly.
 * Kept fresh by notifications (mg_nh_new_netlink): a rtnetlink socket
 * subscribed to neighbour, IPv4 route, IPv4 rule and link changes; a
 * neighbour message updates (RTM_NEWNEIGH) or forgets (RTM_DELNEIGH) the
 * entry of that interface and address; any route, rule or link change
 * invalidates every destination's route (a link change also the neighbours
 * on that link: IPv4 routes flushed by a link going down are not
 * announced); lost notifications (ENOBUFS) invalidate everything.  Cached
 * answers are asked again after MG_NH_VERIFY_MS anyway, or after
 * MG_NH_POLL_MS when there is no notification socket (fake ops).
 *
 * The route is the one `ip route get <dst>` gives: as if the gateway itself
 * sent the packet.  Policy routing on the source address, input interface
 * or mark, and IPsec policies, are not seen by that lookup: a gateway that
 * uses them must send through the kernel.  Routes the data plane cannot
 * follow (an IPv6 gateway, an encapsulating route) answer MG_NH_KERNEL.
 * The caller checks that r->ifindex is an interface it transmits on, and
 * hands the packet to the kernel otherwise.
 *
 * IPv4 only: IPv6 packets always go to the kernel.
 */
#ifndef MG_NEXTHOP_H
#define MG_NEXTHOP_H

#include <stddef.h>
#include <stdint.h>

#define MG_NH_CONFIRM_MS 5000u /* one packet per unconfirmed next hop to the kernel */
#define MG_NH_RETRY_MS 10u     /* an unresolved neighbour is asked again after */
#define MG_NH_POLL_MS 1000u    /* cached answers are asked again after, without notifications */
#define MG_NH_VERIFY_MS 30000u /* ... and with them */
#define MG_NH_WINDOW 8u        /* probe window (slots) */
#define MG_NH_MIN_CAP 16u
#define MG_NH_MAX_CAP (1u << 22)

/* Kernel access; tests pass fakes.  Addresses in network order. */
struct mg_nh_ops {
	/* The route to dst: oif, gw (0: on-link), type (RTN_UNICAST,
	 * RTN_LOCAL, ...).  0 ok; 1 a route only the kernel can follow (IPv6
	 * gateway, encapsulation); -1 no route; -2 the kernel could not be
	 * asked. */
	int (*route_get)(void *ctx, uint32_t dst, unsigned *oif, uint32_t *gw, unsigned *type);
	/* The neighbour entry of addr on ifindex: 1 found with an Ethernet
	 * address (mac, NUD state), 0 none, -1 error. */
	int (*neigh_get)(void *ctx, unsigned ifindex, uint32_t addr, uint8_t mac[6],
			 uint16_t *state);
	void *ctx;
};

enum mg_nh_status {
	MG_NH_OK,      /* transmit on r->ifindex to r->mac */
	MG_NH_KERNEL,  /* hand this packet to the kernel (raw socket) */
	MG_NH_LOCAL,   /* one of the gateway's own addresses, or broadcast or
			* multicast: hand it to the kernel */
	MG_NH_NOROUTE, /* no route (unreachable, prohibited, blackhole): drop */
};

struct mg_nh_result {
	unsigned ifindex;
	uint8_t mac[6];
};

struct mg_nh_stats {
	uint64_t lookups;
	uint64_t hits;            /* lookups answered without asking the kernel */
	uint64_t kernel_handoffs; /* MG_NH_KERNEL answers */
	uint64_t route_queries, neigh_queries;
	uint64_t noroute, local;  /* MG_NH_NOROUTE, MG_NH_LOCAL answers */
	uint64_t evictions;       /* entries given up for another in a full window */
	uint64_t notifications;   /* rtnetlink messages read from the notification socket */
	uint64_t overruns;        /* notifications lost (ENOBUFS, truncated, receive
				   * error): everything invalidated */
	uint64_t query_errors;    /* questions the kernel could not be asked */
	uint64_t malformed;       /* notifications that could not be parsed: skipped */
};

struct mg_nh;

/* A cache of capacity destinations and as many next hops (rounded up to a
 * power of 2, at least MG_NH_MIN_CAP), asking the kernel through ops (copied).
 * NULL when out of memory or capacity exceeds MG_NH_MAX_CAP. */
struct mg_nh *mg_nh_new(const struct mg_nh_ops *ops, unsigned capacity);

/* The real kernel: rtnetlink route and neighbour queries over a socket kept
 * open, and the notification socket.  NULL with a message on error. */
struct mg_nh *mg_nh_new_netlink(unsigned capacity, char *err, size_t errlen);

void mg_nh_free(struct mg_nh *nh);

/* Where the packet to dst goes.  now_ms: a monotonic clock.  r is filled
 * for MG_NH_OK only. */
enum mg_nh_status mg_nh_lookup(struct mg_nh *nh, uint32_t dst, uint64_t now_ms,
			       struct mg_nh_result *r);

/* The notification socket to poll for input (non-blocking), -1 without one. */
int mg_nh_fd(const struct mg_nh *nh);

/* Read the waiting notifications (at most a bounded number of datagrams per
 * call: poll again while it stays readable) and apply them. */
void mg_nh_on_readable(struct mg_nh *nh, uint64_t now_ms);

const struct mg_nh_stats *mg_nh_stats(const struct mg_nh *nh);

#endif
