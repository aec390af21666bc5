/* nfq_priv.h - the NFQUEUE data plane's state, shared by nfq.c (queue) and
 * nfq_emit.c (raw sockets).  Not for other modules. */
#ifndef MG_NFQ_PRIV_H
#define MG_NFQ_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "core/engine.h"
#include "io/nfq.h"
#include "io/raw.h"

struct mnl_socket;

struct mg_nfq {
	struct mnl_socket *nl;
	uint32_t portid;
	uint16_t queue;
	char ifname[2][16];   /* by enum mg_side */
	unsigned ifidx[2];
	uint64_t reindex_ms;  /* earliest next interface lookup */
	uint64_t now;         /* engine clock of the current burst */
	struct mg_engine *engine;
	uint8_t *rx;          /* one netlink datagram */
	char *tx;             /* the verdict batch */
	size_t txlen;
	struct mg_raw raw;    /* raw sockets for emitted packets */
	struct mg_nfq_stats st;
};

int mg_nfq_raw_open(struct mg_nfq *q, uint32_t mark, char *err, size_t errlen);
void mg_nfq_raw_close(struct mg_nfq *q);

#endif
