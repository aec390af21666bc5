/* pcap_retarget.c - read an IPv4 datagram's addressing and re-address it.
 *
 * Replay uses this to play an outside peer: a captured packet addressed to
 * an inside host is re-addressed to the gateway's public side before the
 * engine sees it.  Only header fields change, through core/rewrite (whose
 * incremental checksums keep a packet that was wrong in the capture wrong,
 * so it is judged the same way).
 */
#include "io/pcap.h"

#include <string.h>

#include "core/csum.h"
#include "core/pkt.h"
#include "core/rewrite.h"
#include "core/wire.h"
#include "util/cursor.h"


int mg_pcap_v4_peek(const uint8_t *l3, uint32_t len, struct mg_pcap_v4 *v)
{
	struct mg_cur c;

	memset(v, 0, sizeof(*v));
	mg_cur_init(&c, l3, len);
	uint8_t vihl = mg_cur_u8(&c);
	mg_cur_skip(&c, 5);
	uint16_t frag = mg_cur_be16(&c);
	mg_cur_skip(&c, 1);
	uint8_t proto = mg_cur_u8(&c);
	mg_cur_skip(&c, 2);
	const uint8_t *src = mg_cur_take(&c, 4);
	const uint8_t *dst = mg_cur_take(&c, 4);
	if (c.err || (vihl >> 4) != 4)
		return -1;
	size_t ihl = (size_t)(vihl & 0x0f) * 4u;
	if (ihl < 20 || ihl > len)
		return -1;
	memcpy(&v->src, src, 4);
	memcpy(&v->dst, dst, 4);
	v->proto = proto;
	v->later_frag = (frag & 0x1fff) != 0;
	v->l4off = (uint16_t)ihl;
	if (v->later_frag || (proto != MG_PROTO_TCP && proto != MG_PROTO_UDP))
		return 0;

	/* Ports are usable only if the checksum field that covers them is
	 * there too, otherwise a rewrite could not keep the segment valid. */
	struct mg_cur l4;
	mg_cur_init(&l4, l3, len);
	mg_cur_skip(&l4, ihl);
	size_t need = proto == MG_PROTO_TCP ? MG_TCP_CSUM + 2u : MG_UDP_CSUM + 2u;
	if (mg_cur_bytes_left(&l4) < need)
		return 0;
	v->sport = mg_cur_be16(&l4);
	v->dport = mg_cur_be16(&l4);
	v->has_ports = !l4.err;
	return 0;
}

bool mg_pcap_v4_retarget(uint8_t *l3, uint32_t len, const struct mg_pcap_v4 *v, uint32_t new_dst,
			 uint16_t new_dport)
{
	uint8_t new4[4];

	if (len < MG_IP4_HLEN || v->l4off > len)
		return false;
	memcpy(new4, &new_dst, 4);
	/* the L4 checksum covers the address (pseudo-header) and the port;
	 * a UDP checksum of 0 means none and stays 0 */
	uint32_t l4c = 0;
	if (v->has_ports) {
		l4c = v->l4off + (v->proto == MG_PROTO_UDP ? MG_UDP_CSUM : MG_TCP_CSUM);
		if (v->proto == MG_PROTO_UDP && mg_rd16(l3 + l4c) == 0)
			l4c = 0;
	}
	bool ch = mg_rw_addr4(l3, MG_IP4_DST, new4, l4c);
	if (v->has_ports)
		ch |= mg_rw_port(l3, v->l4off + MG_TCP_DPORT, new_dport, l4c);
	if (v->proto == MG_PROTO_UDP)
		mg_rw_udp_nonzero(l3, l4c);
	return ch;
}
