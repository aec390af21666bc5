/* inroute.h - inbound call routing on one public TCP 1720 (doc/h323.md
 * "Inbound routing").
 *
 * For a public address named by a `route h323` line, the gateway itself
 * completes the TCP handshake of a caller from outside, reads the first
 * message (the Setup), chooses the inside host, opens the inside leg with
 * the caller's own address and ports as source, and joins the two legs:
 *
 *   caller C --SYN--> P:1720          gateway answers SYN-ACK, ISN = cookie G
 *            (no state: core/syncookie.h)
 *   C --ACK--> P                      cookie checked: a pending entry
 *   C --Setup--> P                    buffered in order and acknowledged
 *   gateway --SYN, seq = C's ISN--> H:1720   (the flow C->P:1720 is created
 *                                     as if forwarded to H, so the H.323
 *                                     ALG and NAT treat it as any forward)
 *   H --SYN-ACK, ISN h--> gateway     consumed; H's direction gets the
 *                                     sequence offset G - h (core/seqadj.h)
 *   gateway --ACK, then the Setup--> H    replayed through the engine as
 *                                     the caller's own segments
 *
 * The caller's numbers pass unchanged in both legs; H's are shifted into
 * the numbers the caller already agreed on.  The SYN-ACK offers the caller
 * only what the inside leg honours: an MSS (the caller's own, rounded down
 * to a cookie's table), no window scaling, no SACK, no timestamps.
 *
 * No inside host: the caller gets a ReleaseComplete with the Q.931 cause
 * (1 unallocated number when the Setup named aliases nobody has, 3 no
 * route to destination when it named none) and a FIN, at once.
 *
 * Bounded: a SYN flood creates nothing; a connection that completed the
 * handshake holds one pending entry and its Setup buffer, at most `max
 * route-pending` in all and `max route-pending-per-source` per source,
 * for at most `timeout route-setup` seconds (then reset).
 */
#ifndef MG_INROUTE_H
#define MG_INROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/pkt.h"
#include "core/reason.h"
#include "core/wheel.h"

struct mg_engine;

#define MG_INROUTE_BUF 4096 /* bytes of the first message kept */

enum mg_inroute_state {
	MG_IR_FREE = 0,
	MG_IR_WAIT_SETUP, /* handshake done, collecting the Setup */
	MG_IR_JOINING,    /* inside leg's SYN sent */
	MG_IR_CLOSING,    /* ReleaseComplete and FIN sent, waiting for the caller's FIN */
};

/* How a routed call found its host (mg_flow's route note, show calls). */
enum mg_inroute_how {
	MG_IR_HOW_NONE = 0,
	MG_IR_HOW_ALIAS,   /* a destinationAddress alias in the directory */
	MG_IR_HOW_NUMBER,  /* the Q.931 Called party number in the directory */
	MG_IR_HOW_POOL,    /* the public address dialled is a host's pool address */
	MG_IR_HOW_DEFAULT, /* the `forward tcp 1720` of that public address */
};

/* What the ALG that reads the first message (the H.323 ALG's `route`
 * hook, core/alg_api.h) decided. */
enum mg_inroute_verdict {
	MG_IR_NEED = 0,  /* the message is not complete yet */
	MG_IR_ROUTE,     /* to to_addr:to_port */
	MG_IR_RELEASE,   /* send rc[0..rc_len) (a ReleaseComplete) and close */
	MG_IR_RESET,     /* not a Setup: reset */
};
struct mg_inroute_decision {
	uint8_t verdict;         /* enum mg_inroute_verdict */
	uint8_t how;             /* enum mg_inroute_how (ROUTE) */
	uint8_t cause;           /* Q.931 cause (RELEASE) */
	uint32_t to_addr;        /* network order */
	uint16_t to_port;
	char key[80];            /* what routed it, for the log: "alias 'alice'" */
	uint8_t rc[256];         /* RELEASE: the message to send */
	uint32_t rc_len;
	/* for a ReleaseComplete sent by the engine itself (the inside host did
	 * not answer): the Setup's call reference and callIdentifier */
	uint16_t call_ref;
	bool has_callid;
	uint8_t callid[16];
};

struct mg_inroute_pend {
	struct mg_tnode tn;
	uint32_t caller, pub;  /* network order */
	uint16_t cport;
	uint16_t mss;          /* the caller's, from the cookie */
	uint16_t win;          /* the caller's last window */
	uint8_t state;
	uint8_t how;
	uint32_t isn_c, isn_g; /* caller's ISN, ours (the cookie) */
	uint32_t rcv_nxt;      /* next byte expected from the caller */
	uint32_t snd_nxt;      /* next byte we send the caller (closing) */
	uint32_t len;          /* bytes buffered */
	uint32_t to_addr;      /* chosen inside host */
	uint16_t to_port;
	uint32_t flow;         /* the joined flow (JOINING), MG_NIL before */
	uint8_t rc[256];       /* the ReleaseComplete to send if the inside leg fails */
	uint32_t rc_len;
	uint64_t flow_created;
	uint64_t created;
	uint32_t hnext, snext; /* chains: by 4-tuple, by source address */
	uint32_t next_free;
};

struct mg_inroute {
	struct mg_inroute_pend *p;
	uint8_t *buf;          /* cap * MG_INROUTE_BUF */
	uint32_t cap, used, free_head;
	uint32_t *bucket, *sbucket, mask;
	struct mg_wheel wheel;
	uint8_t *how;          /* per flow index: enum mg_inroute_how of a routed flow */
	uint32_t nflows;
	struct mg_inroute_decision d; /* the one being made */
	uint8_t seg[MG_INROUTE_BUF + 128]; /* segments being built */
	uint16_t ip_id;
	bool injecting;        /* a segment of ours is going through mg_engine_process */
	bool trust_ack;        /* replay: any handshake ACK ends the handshake */
	uint32_t force_addr;   /* while injecting the inside leg's SYN: its target */
	uint16_t force_port;
	/* counters */
	uint64_t cookies, accepted, routed, refused, timeouts, inside_failed;
};

int mg_inroute_init(struct mg_engine *e);
void mg_inroute_free(struct mg_engine *e);

/* Is TCP to pub:1720 routed?  (addr network order) */
bool mg_inroute_routed(const struct mg_engine *e, uint32_t pub);

/* A TCP packet from outside to a routed public 1720.  Returns true when
 * the router took it (*r: MG_R_NONE consumed, else the drop reason); false
 * when it belongs to an existing flow and the engine goes on as usual. */
bool mg_inroute_outside(struct mg_engine *e, struct mg_pkt *p, uint32_t flow, enum mg_reason *r);

/* A packet of flow idx (marked MG_FLOW_JOINING) from the inside host:
 * returns true when the router took it. */
bool mg_inroute_inside(struct mg_engine *e, uint32_t flow, struct mg_pkt *p, int dir,
		       enum mg_reason *r);

/* Timers (called from mg_engine_expire). */
void mg_inroute_expire(struct mg_engine *e, uint64_t now);

/* A flow ends: forget its route note. */
void mg_inroute_flow_end(struct mg_engine *e, uint32_t flow);

/* How flow idx was routed (NULL: not routed) and by what key. */
const char *mg_inroute_how_name(uint8_t how);

#endif
