/* wire.h - named offsets of the wire layouts the gateway reads and edits
 * (IPv4 RFC 791, TCP RFC 9293, UDP RFC 768, ICMP RFC 792), so that no code
 * writes a header field by a bare number. */
#ifndef MG_WIRE_H
#define MG_WIRE_H

/* IPv4 header */
#define MG_IP4_VIHL 0
#define MG_IP4_TOTLEN 2
#define MG_IP4_ID 4
#define MG_IP4_FRAG 6
#define MG_IP4_TTL 8
#define MG_IP4_PROTO 9
#define MG_IP4_CSUM 10
#define MG_IP4_SRC 12
#define MG_IP4_DST 16
#define MG_IP4_HLEN 20 /* without options */

/* IPv6 header */
#define MG_IP6_PLEN 4
#define MG_IP6_NXT 6
#define MG_IP6_SRC 8
#define MG_IP6_DST 24
#define MG_IP6_HLEN 40

/* TCP header */
#define MG_TCP_SPORT 0
#define MG_TCP_DPORT 2
#define MG_TCP_SEQ 4
#define MG_TCP_ACK 8
#define MG_TCP_DOFF 12 /* data offset in the high nibble, in 32-bit words */
#define MG_TCP_FLAGS 13
#define MG_TCP_WIN 14
#define MG_TCP_CSUM 16
#define MG_TCP_URP 18
#define MG_TCP_HLEN 20 /* without options */

/* TCP options */
#define MG_TCPOPT_EOL 0
#define MG_TCPOPT_NOP 1
#define MG_TCPOPT_MSS 2
#define MG_TCPOPT_WSCALE 3
#define MG_TCPOPT_SACK_OK 4
#define MG_TCPOPT_SACK 5
#define MG_TCPOPT_TS 8

/* UDP header */
#define MG_UDP_SPORT 0
#define MG_UDP_DPORT 2
#define MG_UDP_LEN 4
#define MG_UDP_CSUM 6
#define MG_UDP_HLEN 8

/* ICMP header (echo and errors) */
#define MG_ICMP_TYPE 0
#define MG_ICMP_CODE 1
#define MG_ICMP_CSUM 2
#define MG_ICMP_ID 4    /* echo identifier */
#define MG_ICMP_QUOTE 8 /* errors: the quoted datagram */

#endif
