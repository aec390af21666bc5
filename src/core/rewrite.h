/* rewrite.h - the only code that writes packet bytes.
 *
 * Header NAT, the fix-ups of an ICMP error's quote, TCP sequence and
 * acknowledgement shifts after length-changing edits (core/seqadj.h), the
 * segments rebuilt around such edits, the ALGs' payload edits (through
 * struct mg_rw_msg) and replay's re-addressing all go through here.  Field
 * positions come from core/wire.h.  Every edit of bytes a checksum covers
 * updates that checksum incrementally (RFC 1624), so a checksum that arrived
 * wrong leaves wrong by the same amount; the one exception is a rebuilt
 * segment, whose TCP checksum is computed afresh: only segments whose
 * checksum was verified (core/l4csum.h) are ever rebuilt.
 *
 * Every writer sets p->changed (MG_RW_*) when a byte actually changed, and
 * the engine returns it in mg_result.changed: adapters never compare copies.
 */
#ifndef MG_REWRITE_H
#define MG_REWRITE_H

#include <stdbool.h>
#include <stdint.h>

#include <string.h>

#include "core/csum.h"
#include "core/ct.h"
#include "core/pkt.h"
#include "core/seqadj.h"
#include "core/wire.h"

/* what changed in a packet (mg_pkt.changed, mg_result.changed) */
#define MG_RW_HDR 0x01     /* header fields (addresses, ports, seq/ack, SACK, ids) */
#define MG_RW_PAYLOAD 0x02 /* payload bytes, same length */

/* ---- field writers on raw IPv4 bytes (rewrite_field.c) ----
 * l4c: offset of the L4 checksum to carry the change into, 0 for none.
 * Each returns true if a byte changed. */
/* A new IPv4 TCP segment (rewrite_build.c), for the connections the
 * gateway answers itself (inbound call routing): IPv4 header without
 * options (DF, TTL 64), TCP header with an MSS option when mss != 0, then
 * pay[0..paylen), both checksums computed.  Addresses network order, ports
 * host order.  Returns the datagram's length, or 0 if it does not fit cap. */
struct mg_rw_seg {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags; /* MG_TH_* */
	uint16_t win;
	uint16_t mss;  /* 0: no option */
	uint16_t ip_id;
};
uint32_t mg_rw_build_tcp4(uint8_t *out, uint32_t cap, const struct mg_rw_seg *s, const uint8_t *pay,
			  uint32_t paylen);

static inline bool mg_rw_addr4(uint8_t *l3, uint32_t at, const uint8_t nv[4], uint32_t l4c);
static inline bool mg_rw_port(uint8_t *l3, uint32_t at, uint16_t nv, uint32_t l4c);
bool mg_rw_u32(uint8_t *l3, uint32_t at, uint32_t nv, uint32_t l4c);
/* A UDP checksum that came out as 0 reads as "none": send 0xffff (RFC 768). */
static inline void mg_rw_udp_nonzero(uint8_t *l3, uint32_t l4c);
/* Offset of the TCP/UDP checksum to keep up to date for p, 0 if none (a
 * later fragment, IPv4 UDP without checksum, another protocol). */
static inline uint32_t mg_rw_l4_csum_at(const struct mg_pkt *p);

/* Payload bytes of a segment (or of a held copy) overwritten by edited
 * message bytes: returns true if one changed.  The caller carries the
 * change into the L4 checksum (core/l4csum.h). */
bool mg_rw_bytes(uint8_t *dst, const uint8_t *src, uint32_t n);
/* The payload of p changed since its sum was old_paysum: carry the change
 * into the TCP/UDP checksum.  A UDP checksum of 0 (none) stays. */
void mg_rw_payload_csum(struct mg_pkt *p, uint16_t old_paysum);

/* ---- header NAT (rewrite_nat.c) ----
 * Translate a packet of flow f travelling in direction dir (see ct.h). */
void mg_rw_nat(struct mg_pkt *p, const struct mg_flow *f, int dir);
/* An ICMP error quoting a packet of flow f that travelled in direction
 * qdir: the quote is restored to what that packet's sender wrote, the
 * outer header gets src (network order bytes) and the quoted sender as
 * destination.  Updates the ICMP, quoted IP and quoted L4 checksums.  sa,
 * if the flow's streams were resized, is its pair of tables (by direction):
 * the quoted TCP sequence and acknowledgement numbers are restored too. */
void mg_rw_icmp_error(struct mg_pkt *p, const struct mg_flow *f, int qdir, const uint8_t src[4],
		      const struct mg_seqadj_dir *sa);

/* ---- TCP sequence space (rewrite_tcp.c) ---- */
/* Shift the segment's sequence number by the sender's edits. */
void mg_rw_tcp_seq(struct mg_pkt *p, const struct mg_seqadj_dir *sender);
/* Map the ACK and SACK blocks back into the original space of the
 * receiver-of-this-ACK's stream, whose edits are `peer`, and tell peer
 * what was acknowledged. */
void mg_rw_tcp_ack(struct mg_pkt *p, struct mg_seqadj_dir *peer);
/* The opposite: ACK and SACK blocks of a packet written against the
 * original stream, mapped to what its sender would have seen (replay
 * plays captured peers that never saw the edits). */
void mg_rw_tcp_ack_fwd(struct mg_pkt *p, const struct mg_seqadj_dir *peer);
/* Build the segments carrying the translated bytes of segment p (see
 * mg_seqadj_render), each with at most mss payload bytes less the IP and
 * TCP options p carries (RFC 6691), back to back in
 * out (cap bytes): segment i at out + off[i], len[i] bytes.  Headers are
 * p's (as the sender wrote them: header NAT comes after) with IP total
 * length, id (+i), TCP seq, flags (FIN and PSH only on the last) and both
 * checksums set.  scratch (cap_s bytes) holds the rendered payload.
 * Returns the number of segments (0: nothing to send), or -1 when they
 * would not fit in max segments or in out (MG_R_SEQADJ_TOO_BIG). */
int mg_rw_tcp_rebuild(const struct mg_pkt *p, const struct mg_seqadj_dir *sender, uint32_t mss,
		      uint8_t *out, uint32_t cap, uint32_t *off, uint32_t *len, int max,
		      uint8_t *scratch, uint32_t cap_s);

/* ---- ALG payload edits (rewrite_msg.c) ----
 * An ALG edits a complete signalling message through this: same-length
 * writes go to the bytes at once; length-changing replacements are
 * recorded, in message order, for the stream to register (seqadj) and for
 * the segments carrying them to be rebuilt. */
#define MG_RW_MSG_OPS 8
struct mg_rw_op {
	uint32_t off, old_len, new_len;
	uint8_t b[MG_SEQADJ_BYTES];
};
struct mg_rw_msg {
	uint8_t *b;   /* the message, writable */
	uint32_t len;
	uint32_t n_ops;
	struct mg_rw_op op[MG_RW_MSG_OPS];
};
void mg_rw_msg_init(struct mg_rw_msg *m, uint8_t *b, uint32_t len);
/* Overwrite b[off .. off + n) with src (bounds-checked: false if outside). */
bool mg_rw_msg_put(struct mg_rw_msg *m, uint32_t off, const void *src, uint32_t n);
/* Replace b[off .. off + old_len) by src[0..new_len).  False (nothing
 * recorded) if out of bounds, before or over an earlier replacement, longer
 * than MG_SEQADJ_BYTES, or MG_RW_MSG_OPS are recorded already. */
bool mg_rw_msg_replace(struct mg_rw_msg *m, uint32_t off, uint32_t old_len, const void *src,
		       uint32_t new_len);

/* A router's hop: IPv4 TTL less one (header checksum carried, RFC 1624),
 * IPv6 hop limit less one.  False, and nothing written, when the packet
 * must not be forwarded (TTL or hop limit 1 or 0, or too short to say).
 * For the data planes that forward packets themselves (io/xdp.h). */
static inline bool mg_rw_hop(uint8_t *l3, uint32_t len)
{
	if (len >= 20 && (l3[0] >> 4) == 4) {
		uint8_t ttl = l3[MG_IP4_TTL];
		if (ttl <= 1)
			return false;
		uint16_t old = (uint16_t)(ttl << 8 | l3[MG_IP4_PROTO]);
		l3[MG_IP4_TTL] = (uint8_t)(ttl - 1);
		mg_csum_update16(l3 + MG_IP4_CSUM, old, (uint16_t)((ttl - 1) << 8 | l3[MG_IP4_PROTO]));
		return true;
	}
	if (len >= 40 && (l3[0] >> 4) == 6) {
		if (l3[7] <= 1)
			return false;
		l3[7]--;
		return true;
	}
	return false;
}

/* What every translated packet goes through, inline. */
static inline void mg_rw_udp_nonzero(uint8_t *l3, uint32_t l4c)
{
	if (l4c && mg_rd16(l3 + l4c) == 0)
		mg_wr16(l3 + l4c, 0xffff);
}

static inline uint32_t mg_rw_l4_csum_at(const struct mg_pkt *p)
{
	if (p->frag == MG_FRAG_LATER)
		return 0;
	switch (p->proto) {
	case MG_PROTO_TCP:
		return p->l4off + (uint32_t)MG_TCP_CSUM;
	case MG_PROTO_UDP:
		/* IPv4 UDP checksum 0 means "none": it stays 0 */
		if (p->family == MG_AF_INET && mg_rd16(p->l3 + p->l4off + MG_UDP_CSUM) == 0)
			return 0;
		return p->l4off + (uint32_t)MG_UDP_CSUM;
	default:
		return 0;
	}
}

static inline bool mg_rw_addr4(uint8_t *l3, uint32_t at, const uint8_t nv[4], uint32_t l4c)
{
	uint8_t *a = l3 + at;
	if (memcmp(a, nv, 4) == 0)
		return false;
	mg_csum_update32(l3 + MG_IP4_CSUM, a, nv);
	if (l4c)
		mg_csum_update32(l3 + l4c, a, nv);
	memcpy(a, nv, 4);
	return true;
}

static inline bool mg_rw_port(uint8_t *l3, uint32_t at, uint16_t nv, uint32_t l4c)
{
	uint8_t *a = l3 + at;
	uint16_t old = mg_rd16(a);
	if (old == nv)
		return false;
	if (l4c)
		mg_csum_update16(l3 + l4c, old, nv);
	mg_wr16(a, nv);
	return true;
}

#endif
