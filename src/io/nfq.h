/* nfq.h - the NFQUEUE data plane of the live gateway.
 *
 * The kernel hands every packet arriving on the inside or outside
 * interface to one netlink queue (rules.h).  mg_nfq_run_burst() reads up to
 * MG_NFQ_BURST packets that are already waiting, runs each through the
 * engine with the side given by its input interface, and answers them all
 * at once: the verdict messages are built one after another in one buffer
 * and sent with a single sendmsg() per burst (flushed early only if the
 * buffer fills).  ACCEPT carries the rewritten packet when the engine
 * changed any byte; DROP and HOLD (the engine kept a copy) drop the
 * original.  Packets the engine releases later (emit) leave through a raw
 * socket marked MG_RULES_MARK, which the ruleset lets pass.
 *
 * Overload: the kernel queue is bounded (MG_NFQ_QMAXLEN); when it is full
 * the kernel drops (or accepts, with fail open) without waking us.  The
 * socket has a large receive buffer; a receive that reports lost messages
 * (ENOBUFS) is counted and reading goes on.  Bursts are bounded so the
 * caller's loop keeps serving timers, signals and the control socket.
 */
#ifndef MG_NFQ_H
#define MG_NFQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/engine.h"

#define MG_NFQ_BURST 64
#define MG_NFQ_QMAXLEN 4096
#define MG_NFQ_RCVBUF (8u << 20)

struct mg_nfq;

struct mg_nfq_opts {
	uint16_t queue;
	const char *if_inside, *if_outside;
	bool fail_open; /* the kernel accepts instead of dropping when the queue is full */
	uint32_t mark;  /* SO_MARK of the raw sockets (MG_RULES_MARK) */
};

struct mg_nfq_stats {
	uint64_t received;     /* packets read from the queue */
	uint64_t accepted, rewritten, dropped, held;
	uint64_t unknown_if;   /* arrived on neither interface: dropped */
	uint64_t truncated;    /* the kernel copied less than the packet: dropped */
	uint64_t enobufs;      /* receives that reported lost messages */
	uint64_t sends;        /* verdict batches sent */
	uint64_t send_errors;  /* verdict batches the kernel refused */
	uint64_t nl_errors;    /* error messages read back from the kernel */
	uint64_t emitted, emit_errors;
};

/* Bind the queue, open the raw sockets.  NULL with a message on error. */
struct mg_nfq *mg_nfq_open(const struct mg_nfq_opts *o, char *err, size_t errlen);
void mg_nfq_close(struct mg_nfq *q);

/* The netlink socket, to poll for input. */
int mg_nfq_fd(const struct mg_nfq *q);

/* Route the engine's emitted packets to this data plane's raw sockets. */
void mg_nfq_attach(struct mg_nfq *q, struct mg_engine *e);

/* Read and answer at most MG_NFQ_BURST waiting packets without blocking.
 * Returns the number handled, or -1 with a message on a fatal socket error. */
int mg_nfq_run_burst(struct mg_nfq *q, uint64_t (*now_ms)(void), char *err, size_t errlen);

const struct mg_nfq_stats *mg_nfq_stats(const struct mg_nfq *q);

#endif
