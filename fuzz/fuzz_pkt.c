/* fuzz_pkt.c - libFuzzer harness for mg_pkt_parse.
 *
 * The input is an IP datagram without link header.  It is copied into a heap
 * buffer of exactly its size (writable, as the real adapters hand it over;
 * AddressSanitizer then catches a read of even one byte past the end).
 * Accepted descriptors are checked for the properties every later stage
 * relies on; a violation aborts, so the fuzzer reports it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int addr_tail_zero(const union mg_addr *a)
{
	for (unsigned i = 4; i < 16; i++)
		if (a->b[i] != 0)
			return 0;
	return 1;
}

static void check(const struct mg_pkt *p, uint32_t len)
{
	if (p->len > len || p->payoff > p->len || p->paylen > p->len - p->payoff)
		abort();
	if (p->t.pad[0] || p->t.pad[1] || p->inner.pad[0] || p->inner.pad[1])
		abort();
	if (p->frag == MG_FRAG_LATER) {
		if (p->l4off || p->l4len || p->t.sport || p->t.dport)
			abort();
	} else if (p->l4off == 0 || (uint32_t)p->l4off + p->l4len > p->payoff) {
		abort();
	}
	if (p->family == MG_AF_INET && (!addr_tail_zero(&p->t.src) || !addr_tail_zero(&p->t.dst)))
		abort();
	if (p->icmp_error) {
		if (p->inner_l3off < (uint32_t)p->l4off + 8u || p->inner_l4off <= p->inner_l3off)
			abort();
		if ((uint32_t)p->inner_l3off + p->inner_len != p->len ||
		    (uint32_t)p->inner_l4off + 8u > p->len)
			abort();
		if (p->inner.family == MG_AF_INET &&
		    (!addr_tail_zero(&p->inner.src) || !addr_tail_zero(&p->inner.dst)))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 70000)
		return 0;
	uint8_t *buf = NULL; /* an empty input is parsed from NULL */
	if (size) {
		buf = malloc(size);
		if (buf == NULL)
			return 0;
		memcpy(buf, data, size);
	}
	struct mg_pkt p;
	enum mg_reason r = mg_pkt_parse(&p, buf, (uint32_t)size);
	if ((unsigned)r >= MG_R__COUNT)
		abort();
	if (r == MG_R_NONE)
		check(&p, (uint32_t)size);
	free(buf);
	return 0;
}
