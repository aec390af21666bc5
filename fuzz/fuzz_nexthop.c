/* fuzz_nexthop.c - the next-hop cache's rtnetlink notification parser
 * (io/nexthop_nl.c, mg_nh_notify_parse) on arbitrary datagrams, with the
 * cache itself answering lookups from fake route and neighbour tables in
 * between, so every update path a hostile or garbled message can reach
 * runs against live entries. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/nexthop.h"
#include "io/nexthop_priv.h"

static int fake_route(void *ctx, uint32_t dst, unsigned *oif, uint32_t *gw, unsigned *type)
{
	(void)ctx;
	uint8_t b = (uint8_t)(dst >> 24); /* last octet (network order on little-endian) */
	*oif = 2u + (b & 1u);
	*gw = (b & 2u) ? 0 : (dst & 0x00ffffffu) | (1u << 24);
	*type = (b & 0xf0u) == 0xf0u ? 2u /* RTN_LOCAL */ : 1u /* RTN_UNICAST */;
	return (b & 0x0cu) == 0x0cu ? -1 : 0;
}

static int fake_neigh(void *ctx, unsigned ifindex, uint32_t addr, uint8_t mac[6], uint16_t *state)
{
	(void)ctx;
	if ((addr >> 24) & 4u)
		return 0;
	memset(mac, (int)(addr >> 24), 6);
	mac[0] = (uint8_t)ifindex;
	*state = (uint16_t)(1u << ((addr >> 24) & 7u));
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mg_nh *nh;
	static uint8_t *buf;
	if (nh == NULL) {
		nh = mg_nh_new(&(struct mg_nh_ops){fake_route, fake_neigh, NULL}, 64);
		buf = malloc(1u << 16);
		if (nh == NULL || buf == NULL)
			abort();
	}
	if (size > (1u << 16))
		size = 1u << 16;
	/* the parser expects a datagram as recv() leaves it: aligned */
	memcpy(buf, data, size);
	static uint64_t now;
	struct mg_nh_result r;
	for (uint32_t k = 0; k < 8; k++)
		(void)mg_nh_lookup(nh, 0x0012c6u | (k << 24) | ((uint32_t)(size & 0xff) << 24), now, &r);
	mg_nh_notify_parse(nh, buf, size, now);
	for (uint32_t k = 0; k < 8; k++)
		(void)mg_nh_lookup(nh, 0x0012c6u | (k << 24), now + 3, &r);
	now += 7;
	return 0;
}
