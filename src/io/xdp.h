/* xdp.h - the AF_XDP data plane of the live gateway (`datapath afxdp`,
 * doc/live.md "Data paths").
 *
 * An XDP program (src/bpf/xdp_gate.bpf.c, built with clang and embedded in
 * the binary) on each of the two gateway interfaces hands meetgate the
 * packets it owns, forwarded traffic and traffic to its public addresses,
 * through one AF_XDP socket per receive queue; ARP, IPv6 neighbour
 * discovery, broadcast and multicast, and packets to the gateway's own
 * other addresses go to the kernel as if meetgate were not there.
 *
 * All sockets share one UMEM (one frame pool): a frame received on one
 * interface leaves on the other without a copy.  mg_xdp_run_burst() takes
 * what waits on every receive ring (at most MG_XDP_BURST per socket), runs
 * each packet through the engine with the side of the interface it came
 * in on, decrements the TTL (a router's hop), and puts what the engine
 * accepted on the transmit ring of the interface the kernel's route to its
 * new destination leaves by, with the next hop's Ethernet address from the
 * kernel's neighbour table (io/nexthop.h).  A packet whose next hop the
 * kernel has not resolved, or that the kernel should re-confirm, or one
 * that is IPv6 or for the gateway itself, is handed to the kernel through
 * a raw socket: the kernel routes it, resolves the neighbour (holding the
 * packet meanwhile) and sends it, and the next packets find the address
 * in the cache.  Nothing is guessed.  Packets the engine emits later
 * (held, rebuilt, built) leave the same way.
 *
 * Overload: a full receive ring drops in the kernel (counted by the socket,
 * `show stats` xdp_rx_ring_full); a full transmit ring drops in meetgate
 * (xdp_tx_full).  Nothing is allocated per packet.
 *
 * Fail open / closed: while no socket is bound (meetgate killed), the
 * program drops what meetgate owns, or with `fail open` passes it to the
 * kernel.  mg_xdp_close() removes the programs; mg_xdp_open() replaces a
 * program an earlier meetgate left behind.
 */
#ifndef MG_XDP_H
#define MG_XDP_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/engine.h"

#define MG_XDP_BURST 64
#define MG_XDP_MAX_QUEUES 8 /* receive queues served per interface */
#define MG_XDP_POLLFDS (2 * MG_XDP_MAX_QUEUES + 1)

struct mg_xdp;

struct mg_xdp_opts {
	const char *if_inside, *if_outside;
	bool fail_open;
	uint8_t mode;             /* enum mg_xdp_mode (core/config.h) */
	uint32_t mark;            /* SO_MARK of the raw sockets (kernel hand-off) */
	const uint32_t *owned;    /* meetgate's own IPv4 addresses (public, pool, route), */
	unsigned n_owned;         /* network order: never passed to the kernel */
};

struct mg_xdp_stats {
	uint64_t received;           /* frames read from the receive rings */
	uint64_t accepted, rewritten, dropped, held;
	uint64_t transmitted;        /* frames put on a transmit ring */
	uint64_t kernel;             /* packets handed to the kernel (raw socket) */
	uint64_t kernel_errors;      /* hand-offs the kernel refused */
	uint64_t ttl_expired;        /* accepted packets with TTL 1: dropped */
	uint64_t noroute;            /* accepted packets without a route: dropped */
	uint64_t tx_full;            /* transmit ring or frame pool full: dropped */
	uint64_t runts;              /* frames shorter than an Ethernet header: dropped */
	uint64_t emitted, emit_errors;
	uint64_t wakeups;            /* transmit kicks (sendto) */
	uint64_t rx_ring_full, fill_empty, rx_invalid, tx_invalid; /* from the sockets (XDP_STATISTICS) */
	uint64_t prog_taken, prog_passed, prog_unbound; /* from the XDP programs */
	uint64_t nh_lookups, nh_hits, nh_kernel, nh_evictions; /* next-hop cache */
};

/* Load and attach the programs, bind the sockets, open the raw sockets.
 * NULL with a message on error (what was set up is undone). */
struct mg_xdp *mg_xdp_open(const struct mg_xdp_opts *o, char *err, size_t errlen);
/* Detach the programs and close everything. */
void mg_xdp_close(struct mg_xdp *x);

/* "native" or "generic": how the programs are attached. */
const char *mg_xdp_mode_name(const struct mg_xdp *x);
/* Queues served per interface. */
unsigned mg_xdp_queues(const struct mg_xdp *x, int side);

/* The descriptors to poll for input (at most MG_XDP_POLLFDS); returns how many. */
int mg_xdp_pollfds(struct mg_xdp *x, struct pollfd *fds, int max);
/* After poll: serve descriptors that are not sockets (next-hop updates). */
void mg_xdp_serve(struct mg_xdp *x, const struct pollfd *fds, int n, uint64_t now_ms);

/* Route the engine's emitted packets through this data plane. */
void mg_xdp_attach(struct mg_xdp *x, struct mg_engine *e);

/* Take and answer what waits on the receive rings without blocking.
 * Returns the number of frames handled, or -1 with a message. */
int mg_xdp_run_burst(struct mg_xdp *x, uint64_t (*now_ms)(void), char *err, size_t errlen);

/* A reload changed meetgate's own addresses: the maps follow at once. */
void mg_xdp_set_owned(struct mg_xdp *x, const uint32_t *owned, unsigned n);

/* Once a second or so: the kernel's address list into the programs' maps. */
void mg_xdp_tick(struct mg_xdp *x, uint64_t now_ms);

/* Counters; the socket and program ones are read when this is called. */
const struct mg_xdp_stats *mg_xdp_stats(struct mg_xdp *x);

#endif
