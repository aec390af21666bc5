/* ct_tcp.h - TCP connection state machine and sequence-window tracking.
 *
 * One struct mg_tcp per flow; direction 0 is the originator (sent the SYN),
 * direction 1 the responder.  Tracking follows the classic window checks
 * (Guido van Rooij, "Real Stateful TCP Packet Filtering in IP Filter"):
 * a segment must lie within what the receiver advertised and not be older
 * than one maximum window, and its ACK must acknowledge only data sent.
 * Sequence numbers are never rewritten by meetgate (ALG rewrites keep
 * lengths), so one number space serves both sides of the NAT.
 */
#ifndef MG_CT_TCP_H
#define MG_CT_TCP_H

#include <stdint.h>

#include "core/config.h"
#include "core/pkt.h"
#include "core/reason.h"

enum mg_tcp_state {
	MG_TCP_NONE = 0,
	MG_TCP_SYN_SENT,    /* SYN seen from the originator */
	MG_TCP_SYN_RECV,    /* SYN+ACK seen from the responder */
	MG_TCP_ESTABLISHED, /* handshake completed */
	MG_TCP_FIN_WAIT,    /* one side sent FIN */
	MG_TCP_CLOSE_WAIT,  /* FIN acknowledged, other side still open */
	MG_TCP_LAST_ACK,    /* both sides sent FIN, last not yet acknowledged */
	MG_TCP_TIME_WAIT,   /* both FINs acknowledged */
	MG_TCP_CLOSE,       /* RST seen */
	MG_TCP__COUNT
};

struct mg_tcp_dir {
	uint32_t isn;    /* sequence number of its SYN */
	uint32_t end;    /* highest seq + len sent */
	uint32_t maxend; /* highest ack + window the peer allowed */
	uint32_t maxwin; /* largest (scaled) window advertised, at least 1 */
	uint32_t acked;  /* highest ACK this direction sent (valid with MG_TCPF_ACKED):
			  * what its receiver expects next (RCV.NXT) */
	uint16_t mss;    /* MSS its SYN announced (what it can receive), 0 if none */
	uint8_t scale;   /* window scale (0..14), 0 if not negotiated */
	uint8_t flags;   /* MG_TCPF_* */
};

#define MG_TCPF_SEEN 0x01     /* this direction has sent something */
#define MG_TCPF_FIN 0x02      /* this direction sent FIN */
#define MG_TCPF_FIN_ACKED 0x04
#define MG_TCPF_SCALE 0x08    /* offered window scaling in its SYN */
#define MG_TCPF_SIMOPEN 0x10  /* responder sent a SYN without ACK (simultaneous open) */
#define MG_TCPF_ACKED 0x20    /* acked is set */

struct mg_tcp {
	struct mg_tcp_dir d[2];
	uint8_t state;        /* enum mg_tcp_state */
	uint16_t states_seen; /* bit (1 << state) for every state reached */
};

/* First packet of a new flow.  Only a SYN without ACK (and without RST/FIN)
 * opens a flow: anything else returns MG_R_TCP_NO_SYN. */
enum mg_reason mg_tcp_new(struct mg_tcp *t, const struct mg_pkt *p);

/* A later packet in direction dir (0 originator, 1 responder).  Returns
 * MG_R_NONE and updates the state, or the drop reason (state unchanged).
 * A RST ends the connection only at the exact next sequence number (RFC
 * 5961 3.2); one elsewhere in the window is passed on, state unchanged, for
 * the endpoint to answer with a challenge ACK. */
enum mg_reason mg_tcp_track(struct mg_tcp *t, const struct mg_pkt *p, int dir);

/* Idle timeout of the current state, in seconds. */
uint32_t mg_tcp_timeout(const struct mg_tcp *t, const struct mg_timeouts *to);

const char *mg_tcp_state_name(uint8_t state);

#endif
