/* xdp_priv.h - the AF_XDP data plane's state, shared by its files:
 * xdp.c (burst loop, forwarding), xdp_sock.c (UMEM, sockets, frame pool),
 * xdp_prog.c (the XDP programs and their maps), xdp_local.c (the kernel's
 * addresses into the maps), xdp_obj.c (the embedded program object).
 * Not for other modules. */
#ifndef MG_XDP_PRIV_H
#define MG_XDP_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <xdp/libxdp.h>
#include <xdp/xsk.h>

#include "core/engine.h"
#include "io/nexthop.h"
#include "io/raw.h"
#include "io/xdp.h"

#define XDP_FRAME_SIZE 2048u
#define XDP_NFRAMES 16384u /* 32 MiB: every ring of every socket full, and more */
#define XDP_RING 2048u      /* each ring, each socket */
#define XDP_OWNED_MAX 1024u

struct mg_xsk {
	struct xsk_socket *xsk;
	struct xsk_ring_cons rx, comp;
	struct xsk_ring_prod tx, fill;
	int fd;
	int side;            /* enum mg_side of its interface */
	unsigned queue;
	uint32_t tx_pending; /* put on the ring since the last kick */
};

struct mg_xdp_if {
	char name[16];
	unsigned ifindex;
	uint8_t mac[6];
	struct bpf_object *obj;
	struct xdp_program *prog;
	enum xdp_attach_mode mode;
	bool attached;
	int fd_xsks, fd_local4, fd_local6, fd_conf, fd_stats;
	unsigned nq;
	unsigned first;      /* its sockets: sk[first .. first + nq) */
};

struct mg_xdp {
	struct mg_xdp_if ifs[2]; /* by enum mg_side */
	struct mg_xsk sk[2 * MG_XDP_MAX_QUEUES];
	unsigned nsk;
	struct xsk_umem *umem;
	uint8_t *area;
	uint64_t *free;          /* stack of free frame addresses */
	uint32_t nfree;
	struct mg_engine *engine;
	struct mg_nh *nh;
	struct mg_raw raw;       /* kernel hand-off */
	uint32_t owned[XDP_OWNED_MAX];
	unsigned n_owned;
	uint64_t local_sig;      /* what the local maps hold (a hash of the address list) */
	uint64_t now;
	uint64_t next_local_ms;  /* next look at the kernel's addresses */
	bool fail_open;
	struct mg_xdp_stats st;
};

/* the embedded BPF object (xdp_obj.c) */
extern const unsigned char mg_xdp_obj[];
extern const unsigned int mg_xdp_obj_len;

/* xdp_prog.c */
int mg_xdp_prog_attach(struct mg_xdp *x, struct mg_xdp_if *i, uint8_t mode, char *err, size_t errlen);
void mg_xdp_prog_detach(struct mg_xdp_if *i);
void mg_xdp_prog_stats(struct mg_xdp *x);

/* xdp_sock.c */
int mg_xdp_umem_open(struct mg_xdp *x, char *err, size_t errlen);
int mg_xdp_sock_open(struct mg_xdp *x, struct mg_xdp_if *i, int side, char *err, size_t errlen);
void mg_xdp_refill(struct mg_xdp *x, struct mg_xsk *s);
void mg_xdp_sock_close_all(struct mg_xdp *x);
void mg_xdp_sock_stats(struct mg_xdp *x);
static inline void mg_xdp_frame_free(struct mg_xdp *x, uint64_t addr)
{
	x->free[x->nfree++] = addr & ~(uint64_t)(XDP_FRAME_SIZE - 1);
}

/* xdp_local.c */
void mg_xdp_local_refresh(struct mg_xdp *x);

#endif
