/* pktbuild.h - build IPv4 test packets with correct checksums, and verify
 * the checksums of packets the engine rewrote. */
#ifndef MG_TEST_PKTBUILD_H
#define MG_TEST_PKTBUILD_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "core/config.h"

/* The built-in defaults with the lab's addressing: inside 198.18.1.0/24,
 * one public address pub (network order). */
void tb_lab_config(struct mg_config *c, uint32_t pub);
/* "198.18.1.10" -> network-order uint32 */
uint32_t tb_ip(const char *s);
/* Returns total length written into buf (>= 20 + 8 + paylen + 40). */
size_t tb_udp(uint8_t *buf, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
	      const void *pay, size_t paylen);
size_t tb_tcp(uint8_t *buf, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
	      uint8_t flags, uint32_t seq, uint32_t ack, const void *pay, size_t paylen);
size_t tb_icmp_echo(uint8_t *buf, uint32_t src, uint32_t dst, uint8_t type, uint16_t id, uint16_t seq);
/* An ICMP error (type/code) from src to dst quoting the first 28+ bytes of `quoted`. */
size_t tb_icmp_err(uint8_t *buf, uint32_t src, uint32_t dst, uint8_t type, uint8_t code,
		   const uint8_t *quoted, size_t qlen);
/* Make packet a fragment: set MF/offset (in 8-byte units) and fix the header checksum. */
void tb_set_frag(uint8_t *buf, uint16_t id, bool mf, uint16_t off8);
/* An IPv6/UDP packet (4 bytes of payload), optionally behind a hop-by-hop
 * options header. */
size_t tb_udp6(uint8_t *buf, const char *src, uint16_t sport, const char *dst, uint16_t dport, int hbh);
/* True if the IPv4 header checksum and the TCP/UDP/ICMP checksum are right. */
bool tb_csum_ok(const uint8_t *buf, size_t len);
/* The first TCP payload sent to dport in an IPv4 capture (0 if none fits). */
size_t tb_first_payload_to(const char *pcap, uint16_t dport, uint8_t *out, size_t cap);
/* The folded one's-complement sum over what the L4 checksum covers (with
 * the pseudo-header for TCP/UDP), the stored checksum included: 0xffff when
 * the checksum is right.  An incremental update keeps it unchanged. */
uint16_t tb_l4_residue(const uint8_t *buf, size_t len);
uint32_t tb_src(const uint8_t *buf);
uint32_t tb_dst(const uint8_t *buf);
uint16_t tb_sport(const uint8_t *buf);
uint16_t tb_dport(const uint8_t *buf);

#endif
