/* nat_port.h - public port allocator: one bitmap per public address and
 * protocol (65536 bits, 8 KiB).
 *
 * Allocation policy (RFC 4787 / RFC 5382):
 *   - port preservation: the wanted port is taken if it is in [lo, hi] and free;
 *   - parity: a single port keeps the parity of the wanted port when it can;
 *   - pairs: `pair` allocates an even port p and p+1 together (RTP/RTCP);
 *   - otherwise the search starts at a random point (`rnd`) in [lo, hi] and
 *     walks up, wrapping once;
 *   - port 0 is never allocated, whatever the range.
 * Returns the port (the even one for a pair) or 0 when the range is exhausted.
 *
 * Exact search order (the unit test checks it against a naive reference).
 * Let L = max(lo, 1); nothing is allocated when L > hi.
 *   Single port (pair false):
 *     1. `want` if L <= want <= hi and it is free;
 *     2. start = L + rnd % (hi - L + 1); walk start, start+1, .., hi, then
 *        L, .., start-1; the first free port with the parity of `want`;
 *     3. the same walk again; the first free port of either parity.
 *   Pair (pair true), candidates are the even p with L <= p and p + 1 <= hi;
 *   with F the first and E the last candidate (none when F > E):
 *     1. `want` if it is a candidate and want, want+1 are both free;
 *     2. start = F + 2 * (rnd % ((E - F) / 2 + 1)); walk the candidates
 *        start, start+2, .., E, then F, .., start-2; the first p with p and
 *        p+1 both free.
 * A pair marks both ports used; they are freed one by one (mg_portmap_free).
 */
#ifndef MG_NAT_PORT_H
#define MG_NAT_PORT_H

#include <stdbool.h>
#include <stdint.h>

struct mg_portmap {
	uint64_t bits[65536 / 64]; /* 1 = in use */
	uint32_t used;
};

void mg_portmap_init(struct mg_portmap *m);
bool mg_portmap_is_used(const struct mg_portmap *m, uint16_t port);
/* Mark a specific port used (e.g. a static forward); false if already used. */
bool mg_portmap_take(struct mg_portmap *m, uint16_t port);
uint16_t mg_portmap_alloc(struct mg_portmap *m, uint16_t want, bool pair, uint16_t lo,
			  uint16_t hi, uint32_t rnd);
void mg_portmap_free(struct mg_portmap *m, uint16_t port);

#endif
