/* pcap_link.c - find the IP datagram inside a captured link-layer frame.
 *
 * Link type numbers are those pcap_datalink() reports on this platform
 * family; 14 (OpenBSD's DLT_RAW) and 101 (the on-disk LINKTYPE_RAW) are
 * accepted too so a file read through any libpcap decodes the same way.
 */
#include "io/pcap.h"

#include <string.h>

#include "util/cursor.h"

#define LK_EN10MB 1
#define LK_RAW 12
#define LK_RAW_OPENBSD 14
#define LK_RAW_LINKTYPE 101
#define LK_LINUX_SLL 113
#define LK_IPV4 228
#define LK_IPV6 229
#define LK_LINUX_SLL2 276

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd
#define ETH_VLAN 0x8100
#define ETH_QINQ 0x88a8

/* Linux cooked headers carry ARPHRD_ETHER (1) when the address is a MAC. */
#define ARPHRD_ETHER_ 1

bool mg_pcap_link_supported(int dlt)
{
	switch (dlt) {
	case LK_EN10MB:
	case LK_RAW:
	case LK_RAW_OPENBSD:
	case LK_RAW_LINKTYPE:
	case LK_LINUX_SLL:
	case LK_IPV4:
	case LK_IPV6:
	case LK_LINUX_SLL2:
		return true;
	default:
		return false;
	}
}

static uint8_t family_of_ethertype(uint16_t et)
{
	if (et == ETH_IPV4)
		return 4;
	if (et == ETH_IPV6)
		return 6;
	return 0;
}

static void copy_mac(struct mg_pcap_frame *f, const uint8_t *mac)
{
	memcpy(f->src_mac, mac, 6);
	f->has_mac = true;
}

/* Ethernet II: dst(6) src(6) type(2), optionally one tag: TCI(2) type(2). */
static int decode_eth(struct mg_cur *c, struct mg_pcap_frame *f)
{
	mg_cur_skip(c, 6);
	const uint8_t *src = mg_cur_take(c, 6);
	uint16_t et = mg_cur_be16(c);
	if (!c->err && (et == ETH_VLAN || et == ETH_QINQ)) {
		mg_cur_skip(c, 2);
		et = mg_cur_be16(c);
	}
	if (c->err)
		return -1;
	copy_mac(f, src);
	f->family = family_of_ethertype(et);
	return 0;
}

/* Linux cooked v1: pkttype(2) hatype(2) halen(2) addr(8) protocol(2). */
static int decode_sll(struct mg_cur *c, struct mg_pcap_frame *f)
{
	mg_cur_skip(c, 2);
	uint16_t hatype = mg_cur_be16(c);
	uint16_t halen = mg_cur_be16(c);
	const uint8_t *addr = mg_cur_take(c, 8);
	uint16_t proto = mg_cur_be16(c);
	if (c->err)
		return -1;
	if (hatype == ARPHRD_ETHER_ && halen == 6)
		copy_mac(f, addr);
	f->family = family_of_ethertype(proto);
	return 0;
}

/* Linux cooked v2: protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1)
 * halen(1) addr(8). */
static int decode_sll2(struct mg_cur *c, struct mg_pcap_frame *f)
{
	uint16_t proto = mg_cur_be16(c);
	mg_cur_skip(c, 6);
	uint16_t hatype = mg_cur_be16(c);
	mg_cur_skip(c, 1);
	uint8_t halen = mg_cur_u8(c);
	const uint8_t *addr = mg_cur_take(c, 8);
	if (c->err)
		return -1;
	if (hatype == ARPHRD_ETHER_ && halen == 6)
		copy_mac(f, addr);
	f->family = family_of_ethertype(proto);
	return 0;
}

/* Cut link padding: the IP length fields say where the datagram ends.  A
 * length field larger than what is there is left for the engine to judge
 * (it drops with pkt-bad-totlen); only a shorter one shrinks l3len. */
static int trim_ip(struct mg_cur *c, struct mg_pcap_frame *f)
{
	size_t avail = mg_cur_bytes_left(c);
	if (f->family == 4) {
		mg_cur_skip(c, 2);
		uint16_t tot = mg_cur_be16(c);
		if (c->err)
			return -1;
		if (tot >= 20 && tot < avail)
			avail = tot;
	} else {
		mg_cur_skip(c, 4);
		uint16_t plen = mg_cur_be16(c);
		if (c->err || avail < 40)
			return -1;
		/* payload length 0 is a jumbogram: keep everything */
		if (plen != 0 && (size_t)plen < avail - 40)
			avail = 40u + plen;
	}
	f->l3len = (uint32_t)avail;
	return 0;
}

int mg_pcap_link_decode(int dlt, const uint8_t *frame, uint32_t caplen, struct mg_pcap_frame *f)
{
	struct mg_cur c;
	int rc = 0;

	memset(f, 0, sizeof(*f));
	mg_cur_init(&c, frame, caplen);
	switch (dlt) {
	case LK_EN10MB:
		rc = decode_eth(&c, f);
		break;
	case LK_LINUX_SLL:
		rc = decode_sll(&c, f);
		break;
	case LK_LINUX_SLL2:
		rc = decode_sll2(&c, f);
		break;
	case LK_RAW:
	case LK_RAW_OPENBSD:
	case LK_RAW_LINKTYPE:
	case LK_IPV4:
	case LK_IPV6: {
		struct mg_cur peek = c;
		uint8_t v = mg_cur_u8(&peek);
		if (peek.err)
			return -1;
		v >>= 4;
		if ((dlt == LK_IPV4 && v != 4) || (dlt == LK_IPV6 && v != 6))
			return -1;
		f->family = (v == 4 || v == 6) ? v : 0;
		break;
	}
	default:
		return -1;
	}
	if (rc != 0)
		return -1;
	f->l3off = (uint32_t)mg_cur_byte_pos(&c);
	if (f->family == 0)
		return 0;

	struct mg_cur ip = c;
	uint8_t v = mg_cur_u8(&ip);
	if (ip.err || (v >> 4) != f->family)
		return -1;
	ip = c;
	return trim_ip(&ip, f);
}
