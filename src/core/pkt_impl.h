/* pkt_impl.h - internal interface between the pieces of mg_pkt_parse
 * (pkt.c entry and IPv4, pkt_ip6.c, pkt_l4.c, pkt_icmp.c).  Not for use
 * outside core/pkt*.c.
 *
 * Division of work: the L3 parsers fill family, addresses, len, frag,
 * frag_id, proto and l4off; mg_pkt_l4 then parses the L4 header found at
 * l4off within len and fills ports, l4len, payoff/paylen and the TCP/ICMP
 * fields.  Every function returns MG_R_NONE or the drop reason.
 */
#ifndef MG_PKT_IMPL_H
#define MG_PKT_IMPL_H

#include <stdint.h>

#include "core/pkt.h"
#include "util/cursor.h"

/* Smallest L4 header of `proto`: what a first fragment must hold at least and
 * what a later fragment may not overlap.  0 for protocols not parsed. */
static inline uint32_t mg_pkt_min_l4(uint8_t proto)
{
	switch (proto) {
	case MG_PROTO_TCP:
		return 20;
	case MG_PROTO_UDP:
	case MG_PROTO_ICMP:
	case MG_PROTO_ICMP6:
		return 8;
	default:
		return 0;
	}
}

/* IPv4 header starting at l3[0] (version already known to be 4). */
enum mg_reason mg_pkt_ip4(struct mg_pkt *p, uint32_t len);
/* IPv6 header starting at l3[0] (version already known to be 6). */
enum mg_reason mg_pkt_ip6(struct mg_pkt *p, uint32_t len);

/* Result of walking an IPv6 extension-header chain. */
struct mg_pkt_chain {
	uint8_t proto;    /* the header that ends the chain (L4, ESP, 59, unknown) */
	uint8_t frag;     /* MG_FRAG_* from a fragment header */
	uint16_t frag_off; /* fragment offset in bytes */
	bool frag_more;    /* the M flag */
	uint32_t frag_id;
	size_t frag_data;  /* cursor position just after the fragment header */
};

/* Walk the chain that starts with next-header value `nh` at the cursor
 * position (just after the fixed 40-byte header).  On MG_R_NONE the cursor
 * stands at the first byte after the chain: the L4 header, or the fragment
 * data of a later fragment (the walk stops at its fragment header).
 * Returns MG_R_PKT_SHORT when the buffer ends inside a header (callers map it
 * to their own reason) and MG_R_PKT_BAD_EXTHDR for a malformed or too long
 * chain. */
enum mg_reason mg_pkt_ip6_chain(struct mg_cur *c, uint8_t nh, struct mg_pkt_chain *ch);

/* L4 header at p->l4off (p->proto, p->family and p->frag set; p->frag is not
 * MG_FRAG_LATER). */
enum mg_reason mg_pkt_l4(struct mg_pkt *p);

/* ICMP (v4) and ICMPv6 header at p->l4off; for error messages, the quote. */
enum mg_reason mg_pkt_icmp4(struct mg_pkt *p, struct mg_cur *c);
enum mg_reason mg_pkt_icmp6(struct mg_pkt *p, struct mg_cur *c);

/* Ports of an L4 header as a tuple holds them, from the first 8 bytes of the
 * header at `l4` (the caller has taken them through its cursor).  t->proto
 * and t->family must be set.  ICMP echo gives the identifier twice; other
 * protocols and ICMP types leave the ports 0. */
void mg_pkt_ports(struct mg_tuple *t, const uint8_t *l4);

#endif
