/* nat_port.c - public port allocator (see nat_port.h for the exact order).
 *
 * Searches scan the bitmap a 64-bit word at a time: each word is turned into
 * a mask of acceptable candidates (free, right parity, free pair) and the
 * lowest set bit inside the wanted range wins.  A full range therefore costs
 * 1024 word reads, not 65536 bit tests, so exhausting a map stays linear.
 */
#include "core/nat_port.h"

#include <string.h>

#define EVEN_BITS UINT64_C(0x5555555555555555) /* bit i set for even i */

enum scan_kind { SCAN_ANY, SCAN_EVEN, SCAN_ODD, SCAN_PAIR };

void mg_portmap_init(struct mg_portmap *m)
{
	memset(m, 0, sizeof(*m));
}

bool mg_portmap_is_used(const struct mg_portmap *m, uint16_t port)
{
	return (m->bits[port >> 6] >> (port & 63)) & 1;
}

static void set_used(struct mg_portmap *m, uint32_t port)
{
	m->bits[port >> 6] |= UINT64_C(1) << (port & 63);
	m->used++;
}

bool mg_portmap_take(struct mg_portmap *m, uint16_t port)
{
	if (mg_portmap_is_used(m, port))
		return false;
	set_used(m, port);
	return true;
}

void mg_portmap_free(struct mg_portmap *m, uint16_t port)
{
	uint64_t bit = UINT64_C(1) << (port & 63);
	if (m->bits[port >> 6] & bit) {
		m->bits[port >> 6] &= ~bit;
		m->used--;
	}
}

/* Candidate bits of one word: bit i set when port (word*64 + i) qualifies. */
static uint64_t candidates(uint64_t w, enum scan_kind k)
{
	switch (k) {
	case SCAN_EVEN:
		return ~w & EVEN_BITS;
	case SCAN_ODD:
		return ~w & ~EVEN_BITS;
	case SCAN_PAIR:
		/* An even p pairs with p+1 in the same word (64 is even). */
		return ~(w | (w >> 1)) & EVEN_BITS;
	case SCAN_ANY:
	default:
		return ~w;
	}
}

/* Lowest qualifying port in [from, to] (from <= to <= 65535), or 0 if none.
 * 32-bit arithmetic: `to` may be 65535 without wrapping. */
static uint32_t scan(const struct mg_portmap *m, uint32_t from, uint32_t to, enum scan_kind k)
{
	uint32_t wi = from >> 6, wlast = to >> 6;
	for (; wi <= wlast; wi++) {
		uint64_t c = candidates(m->bits[wi], k);
		if (wi == from >> 6)
			c &= ~UINT64_C(0) << (from & 63);
		if (wi == wlast && (to & 63) != 63)
			c &= (UINT64_C(1) << ((to & 63) + 1)) - 1;
		if (c)
			return wi * 64 + (uint32_t)__builtin_ctzll(c);
	}
	return 0;
}

/* One wrapped walk: [start, last] then [first, start - 1]. */
static uint32_t walk(const struct mg_portmap *m, uint32_t first, uint32_t last, uint32_t start,
		     enum scan_kind k)
{
	uint32_t p = scan(m, start, last, k);
	if (p == 0 && start > first)
		p = scan(m, first, start - 1, k);
	return p;
}

static uint16_t alloc_single(struct mg_portmap *m, uint32_t want, uint32_t lo, uint32_t hi,
			     uint32_t rnd)
{
	if (want >= lo && want <= hi && !mg_portmap_is_used(m, (uint16_t)want)) {
		set_used(m, want);
		return (uint16_t)want;
	}
	uint32_t start = lo + rnd % (hi - lo + 1);
	uint32_t p = walk(m, lo, hi, start, (want & 1) ? SCAN_ODD : SCAN_EVEN);
	if (p == 0)
		p = walk(m, lo, hi, start, SCAN_ANY);
	if (p)
		set_used(m, p);
	return (uint16_t)p;
}

static uint16_t alloc_pair(struct mg_portmap *m, uint32_t want, uint32_t lo, uint32_t hi,
			   uint32_t rnd)
{
	uint32_t first = (lo + 1) & ~1u;
	if (hi < 1 || first > hi - 1)
		return 0;
	uint32_t last = (hi - 1) & ~1u;
	uint32_t p = 0;
	if (!(want & 1) && want >= first && want <= last &&
	    !mg_portmap_is_used(m, (uint16_t)want) && !mg_portmap_is_used(m, (uint16_t)(want + 1))) {
		p = want;
	} else {
		uint32_t start = first + 2 * (rnd % ((last - first) / 2 + 1));
		p = walk(m, first, last, start, SCAN_PAIR);
	}
	if (p) {
		set_used(m, p);
		set_used(m, p + 1);
	}
	return (uint16_t)p;
}

uint16_t mg_portmap_alloc(struct mg_portmap *m, uint16_t want, bool pair, uint16_t lo,
			  uint16_t hi, uint32_t rnd)
{
	uint32_t l = lo ? lo : 1; /* port 0 is never handed out */
	if (l > hi)
		return 0;
	return pair ? alloc_pair(m, want, l, hi, rnd) : alloc_single(m, want, l, hi, rnd);
}
