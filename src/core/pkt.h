/* pkt.h - the packet descriptor, filled once by mg_pkt_parse and passed to
 * every stage (conntrack, policy, ALG, NAT).
 *
 * The descriptor points into a buffer the adapter owns; only core/rewrite.h
 * writes its bytes (in place, same length; never resized).
 * Addresses are kept as raw network-order bytes; ports in host order.
 */
#ifndef MG_PKT_H
#define MG_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/reason.h"

enum mg_side { MG_SIDE_INSIDE = 0, MG_SIDE_OUTSIDE = 1 };

#define MG_AF_INET 4
#define MG_AF_INET6 6

#define MG_PROTO_ICMP 1
#define MG_PROTO_TCP 6
#define MG_PROTO_UDP 17
#define MG_PROTO_ICMP6 58

/* IPv4 address in b[0..3] (network order), the rest zero; IPv6 in b[0..15]. */
union mg_addr {
	uint8_t b[16];
	uint32_t w[4];
};

/* A flow key.  For ICMP echo both ports hold the identifier. 40 bytes,
 * no padding holes, so it can be hashed and compared as bytes. */
struct mg_tuple {
	union mg_addr src;
	union mg_addr dst;
	uint16_t sport;
	uint16_t dport;
	uint8_t proto;
	uint8_t family; /* MG_AF_INET or MG_AF_INET6 */
	uint8_t pad[2]; /* always zero */
};

/* TCP flags */
#define MG_TH_FIN 0x01
#define MG_TH_SYN 0x02
#define MG_TH_RST 0x04
#define MG_TH_PSH 0x08
#define MG_TH_ACK 0x10
#define MG_TH_URG 0x20

/* Fragment state of a packet (IPv4 or IPv6 fragment header). */
#define MG_FRAG_NONE 0
#define MG_FRAG_FIRST 1 /* offset 0, more fragments: carries the L4 header */
#define MG_FRAG_LATER 2 /* offset > 0: no L4 header */

struct mg_pkt {
	uint8_t *l3;      /* start of the IP header */
	uint32_t len;     /* bytes of the IP datagram (trailing link padding cut) */
	uint8_t family;   /* MG_AF_INET / MG_AF_INET6 */
	uint8_t proto;    /* final L4 protocol */
	uint8_t frag;     /* MG_FRAG_* */
	uint8_t tcp_flags;
	uint16_t l4off;   /* offset of the L4 header from l3 (0 for MG_FRAG_LATER) */
	uint16_t l4len;   /* length of the L4 header (TCP incl. options, UDP 8, ICMP 8) */
	uint32_t payoff;  /* offset of the L4 payload from l3 */
	uint32_t paylen;  /* bytes of L4 payload in this packet */
	uint16_t paysum;  /* mg_csum_sum16 of the TCP/UDP payload as it arrived: set by the
			   * engine before an ALG sees the packet (see core/l4csum.h) */
	uint32_t frag_id; /* IPv4 id or IPv6 fragment identification */
	/* fragments only: where this one's data lies in the datagram, where it
	 * starts in this packet (l3 + frag_data .. l3 + len), and whether more
	 * follow */
	uint32_t frag_off;
	uint32_t frag_data;
	bool frag_more;
	struct mg_tuple t;
	/* TCP */
	uint32_t seq, ack;
	uint16_t win;
	uint8_t wscale;   /* from the SYN's window-scale option, 0xff if absent */
	uint16_t mss;     /* from the SYN's MSS option, 0 if absent */
	/* ICMP / ICMPv6 */
	uint8_t icmp_type, icmp_code;
	bool icmp_error;       /* an error message quoting another packet */
	uint16_t inner_l3off;  /* offset of the quoted IP header from l3 */
	uint16_t inner_l4off;  /* offset of the quoted L4 header from l3 */
	uint16_t inner_len;    /* bytes of quote available */
	struct mg_tuple inner; /* the quoted packet's tuple, as it was sent */
	/* set by the writers of core/rewrite.h: what changed (MG_RW_*) */
	uint8_t changed;
};

/* Parse an IP datagram (no link header) of `len` bytes into `p`.  Returns
 * MG_R_NONE or the drop reason.  Validates the IPv4 header checksum, length
 * fields, option and extension-header chains, and the L4 header. */
enum mg_reason mg_pkt_parse(struct mg_pkt *p, uint8_t *l3, uint32_t len);

/* "udp 198.18.1.10:1719 -> 198.19.0.5:1719" (IPv6 in brackets), for log
 * lines; MG_TUPLE_STR bytes are always enough. */
#define MG_TUPLE_STR 112
void mg_tuple_str(const struct mg_tuple *t, char *out, size_t n);
/* "tcp", "udp", "icmp", "icmpv6", "unknown". */
const char *mg_proto_name(uint8_t proto);

/* Helpers on addresses */
static inline uint32_t mg_addr_v4(const union mg_addr *a)
{
	return a->w[0]; /* network order */
}

#endif
