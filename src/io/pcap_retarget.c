/* pcap_retarget.c - read an IPv4 datagram's addressing and re-address it.
 *
 * Replay uses this to play an outside peer: a captured packet addressed to
 * an inside host is re-addressed to the gateway's public side before the
 * engine sees it.  Only header fields change; lengths never do.  The
 * checksums are patched incrementally (RFC 1624) so a packet whose checksum
 * was wrong in the capture stays wrong and is judged the same way.
 */
#include "io/pcap.h"

#include <string.h>

#include "core/csum.h"
#include "core/pkt.h"
#include "util/cursor.h"

#define V4_OFF_DST 16
#define V4_OFF_CSUM 10
#define TCP_OFF_CSUM 16
#define UDP_OFF_CSUM 6

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
	size_t need = proto == MG_PROTO_TCP ? TCP_OFF_CSUM + 2u : UDP_OFF_CSUM + 2u;
	if (mg_cur_bytes_left(&l4) < need)
		return 0;
	v->sport = mg_cur_be16(&l4);
	v->dport = mg_cur_be16(&l4);
	v->has_ports = !l4.err;
	return 0;
}

/* Patch the L4 checksum at l3 + off for a 4-byte and a 2-byte change.
 * UDP's zero means "no checksum" and stays; a computed zero is sent as
 * 0xffff (RFC 768). */
static void patch_l4(uint8_t *field, bool udp, const uint8_t old4[4], const uint8_t new4[4],
		     uint16_t old_port, uint16_t new_port, bool ports)
{
	if (udp && mg_rd16(field) == 0)
		return;
	mg_csum_update32(field, old4, new4);
	if (ports)
		mg_csum_update16(field, old_port, new_port);
	if (udp && mg_rd16(field) == 0)
		mg_wr16(field, 0xffff);
}

bool mg_pcap_v4_retarget(uint8_t *l3, uint32_t len, const struct mg_pcap_v4 *v, uint32_t new_dst,
			 uint16_t new_dport)
{
	uint8_t old4[4], new4[4];
	bool port_change = v->has_ports && new_dport != v->dport;

	if (len < 20u || v->l4off > len)
		return false;
	if (new_dst == v->dst && !port_change)
		return false;
	memcpy(old4, &v->dst, 4);
	memcpy(new4, &new_dst, 4);
	memcpy(l3 + V4_OFF_DST, new4, 4);
	mg_csum_update32(l3 + V4_OFF_CSUM, old4, new4);
	if (!v->has_ports)
		return true;

	uint8_t *l4 = l3 + v->l4off;
	bool udp = v->proto == MG_PROTO_UDP;
	patch_l4(l4 + (udp ? UDP_OFF_CSUM : TCP_OFF_CSUM), udp, old4, new4, v->dport, new_dport,
		 port_change);
	if (port_change)
		mg_wr16(l4 + 2, new_dport);
	return true;
}
