/* stream.h - TCP byte-stream reassembly for signalling: TPKT-framed
 * (H.323) or BER-framed (LDAP), as the stream's framer says.
 *
 * Rewrites are done in place in the packets, so every byte of a message
 * that may still be rewritten must be in the gateway when the message is
 * complete.  Only bytes at the framer's safe_prefix or later of a message
 * can be rewritten, so a segment whose bytes of the incomplete message all
 * lie in that prefix (a bare TPKT header, as NetMeeting sends it) passes at
 * once: the stream keeps a copy of those few bytes to parse
 * the message when it completes, and the sender gets its ACK without
 * waiting.  Any other segment that ends inside a message is held (the
 * stream keeps a copy, the engine does not send it); when the message
 * completes, the held segments are rewritten and released in order, before
 * the segment that completed it.  Each direction also keeps a log of the
 * bytes it rewrote so that a retransmitted segment leaves with the same
 * bytes as the original.
 *
 *   - in-order data: framed, each complete message handed to the
 *     message callback, which may edit it in place;
 *   - retransmitted data: rewrite log applied, passed; new bytes behind
 *     the retransmitted ones (a sender that merged segments when it
 *     retransmitted) are then taken as in-order data;
 *   - data ahead of a gap, or re-sent while its original is held: dropped
 *     (MG_R_ALG_OUT_OF_ORDER), the sender sends it again;
 *   - a message larger than a hold area, or held longer than the hold
 *     timeout: MG_R_ALG_STREAM_OVERFLOW, the held data is discarded and the
 *     stream rewinds so the sender's retransmission is processed afresh.
 * Hold areas come from a pool sized at creation; no allocation per packet.
 */
#ifndef MG_STREAM_H
#define MG_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/alg_api.h"
#include "core/rewrite.h"

#define MG_STREAM_LOG 64      /* rewritten byte runs remembered per direction */
#define MG_HOLD_BYTES 16384   /* bytes of held packets per area */
#define MG_HOLD_PKTS 24       /* held packets per area */
#define MG_HOLD_TIMEOUT_MS 8000

/* Leading bytes of every TPKT message that the ALG never rewrites: the TPKT
 * header and the first payload octet.  Rewrites only touch transport
 * addresses (octet-aligned, address before port), and in both payloads
 * something else comes first: Q.931 starts with its protocol discriminator
 * and call reference, an H.245 PDU with the bits of its message-type choice,
 * so no address can start before offset 5 (in a Q.931 message it cannot
 * start before offset 11, which this bound does not need). */
#define MG_STREAM_SAFE_PREFIX 5u
/* BER (LDAP): only the SEQUENCE tag of an LDAPMessage is never rewritten;
 * its length, right after it, changes when a value inside does. */
#define MG_STREAM_BER_SAFE_PREFIX 1u
#define MG_STREAM_PREFIX_MAX MG_STREAM_SAFE_PREFIX /* the largest safe prefix */

enum mg_frame_status { MG_FRAME_OK = 0, MG_FRAME_NEED = 1, MG_FRAME_BAD = -1 };

/* How a stream finds its messages: frame() looks at the bytes at a message
 * boundary (never more than avail) and says OK (a message of *msg_len
 * bytes), NEED or BAD; `bad` is the drop reason for a stream that cannot be
 * framed; safe_prefix (at most MG_STREAM_PREFIX_MAX) as above. */
struct mg_stream_framer {
	enum mg_frame_status (*frame)(const uint8_t *p, uint32_t avail, uint32_t *msg_len);
	uint8_t safe_prefix;
	enum mg_reason bad;
};
extern const struct mg_stream_framer mg_stream_tpkt; /* H.323: TPKT */
extern const struct mg_stream_framer mg_stream_ber;  /* LDAP: LDAPMessage SEQUENCE */

struct mg_stream_edit {
	uint32_t seq; /* stream sequence number of b[0] */
	uint8_t len;
	uint8_t b[7];
};

/* Stream positions.  Bytes before sent_to have left the gateway; bytes from
 * sent_to to next_seq are held (a hold area exists exactly when there are
 * any).  pend_seq is the first byte of the incomplete message; when it lies
 * before sent_to, that message's first bytes were sent on already and pre[]
 * keeps them (never more than the framer's safe_prefix) for parsing it. */
struct mg_stream {
	const struct mg_stream_framer *fr;
	uint32_t next_seq; /* next in-order byte */
	uint32_t pend_seq; /* first byte of the incomplete message */
	uint32_t sent_to;  /* first byte not yet sent on */
	uint32_t hold;     /* hold area, MG_NIL if none */
	uint32_t bad_seq;  /* where the framer last failed: the first byte of no message */
	bool init;
	uint8_t pre_len;   /* pre[] = bytes pend_seq .. sent_to, already sent */
	uint8_t pre[MG_STREAM_PREFIX_MAX];
	uint8_t log_next;
	struct mg_stream_edit log[MG_STREAM_LOG];
};

struct mg_hold_pkt {
	uint32_t off, len;       /* where its L3 bytes sit in data[] */
	uint32_t payoff, paylen; /* payload within those bytes */
	uint32_t seq;
	uint16_t paysum; /* the packet's p->paysum: its payload's sum as it arrived */
};

struct mg_hold_area {
	bool used;
	uint8_t dir;
	uint32_t flow;
	uint64_t since;
	uint32_t n, bytes;
	struct mg_hold_pkt pk[MG_HOLD_PKTS];
	uint8_t data[MG_HOLD_BYTES];
};

struct mg_hold_pool {
	struct mg_hold_area *a;
	uint32_t cap;
	/* the pending message made contiguous: prefix, held bytes, one segment */
	uint8_t scratch[MG_STREAM_PREFIX_MAX + MG_HOLD_BYTES + 65536];
	uint8_t before[65536 + 4];             /* a message as it was, for the edit log */
};

/* A complete message (TPKT: header included) in m->b[0..m->len), edited
 * through core/rewrite.h: mg_rw_msg_put (same length) or mg_rw_msg_replace
 * (length-changing: the flow's sequence numbers are adjusted from then on,
 * core/seqadj.h).  Returns MG_R_NONE or a drop reason. */
typedef enum mg_reason (*mg_stream_msg_fn)(void *ctx, struct mg_rw_msg *m);

int mg_hold_pool_init(struct mg_hold_pool *hp, uint32_t cap);
void mg_hold_pool_free(struct mg_hold_pool *hp);

void mg_stream_init(struct mg_stream *s, const struct mg_stream_framer *fr);
/* A stream taken up after its SYN passed: next_seq is the first data byte
 * (ISN + 1). */
void mg_stream_start(struct mg_stream *s, uint32_t next_seq);
/* Feed one TCP segment of direction dir of `flow`.  The verdict's hold and
 * payload_changed flags are set as alg_api.h describes.  guard (network
 * order, 0 = none) is an address that must not leave in retransmitted bytes
 * either: those are not parsed again, so if they still hold it after the
 * recorded rewrites (the sender re-sent other bytes, or the rewrites fell out
 * of the log) the segment is dropped as MG_R_ALG_UNTRANSLATED. */
struct mg_alg_verdict mg_stream_input(struct mg_stream *s, struct mg_hold_pool *hp,
				      struct mg_engine *e, uint32_t flow, struct mg_pkt *p, int dir,
				      uint64_t now, uint32_t guard, mg_stream_msg_fn fn, void *ctx);
/* The same-length rewrites recorded in s's edit log, applied to bytes at
 * stream position seq (old data handled outside mg_stream_input).  True if
 * a byte changed. */
bool mg_stream_apply_log(const struct mg_stream *s, uint8_t *pay, uint32_t len, uint32_t seq);
/* Does p[0..len) hold the 4 bytes of the IPv4 address ip (network order)? */
bool mg_stream_has_addr(const uint8_t *p, uint32_t len, uint32_t ip);
/* Give back a stream's hold area (flow ending): held packets are dropped. */
void mg_stream_release(struct mg_stream *s, struct mg_hold_pool *hp);
/* Held too long: discard and rewind.  Returns true if it did. */
bool mg_stream_timeout(struct mg_stream *s, struct mg_hold_pool *hp, uint64_t now);

#endif
