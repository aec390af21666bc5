/* syncookie.h - SYN cookies for connections the gateway answers itself
 * (inbound call routing, core/inroute.h).
 *
 * The gateway's initial sequence number encodes everything it needs to
 * accept the handshake's final ACK without having kept any state for the
 * SYN: a keyed hash of the 4-tuple, the caller's initial sequence number
 * and a 64-second time counter, and a 3-bit index into a table of MSS
 * values (the caller's MSS rounded down).  Layout of the 32 bits:
 *
 *   [31..4] hash (28 bits)   [3] time counter parity   [2..0] MSS index
 *
 * An ACK is accepted when ack - 1 is the cookie of the counter whose parity
 * bit it carries, for the current counter or the one before (so a cookie
 * lives 64 to 128 s).  A blind guess succeeds with probability 2^-28.
 */
#ifndef MG_SYNCOOKIE_H
#define MG_SYNCOOKIE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/siphash.h"

#define MG_COOKIE_PERIOD_MS 64000u

/* addresses network order, ports host order */
struct mg_cookie_in {
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint32_t isn; /* the caller's initial sequence number */
};

/* The MSS a cookie announces and encodes for a caller that offered mss
 * (0: none offered, RFC 9293's default 536). */
uint16_t mg_cookie_mss(uint16_t mss);

uint32_t mg_cookie_make(const struct mg_sipkey *key, const struct mg_cookie_in *in, uint16_t mss,
			uint64_t now_ms);

/* Is `cookie` one we made for `in` (in.isn = the ACK's seq - 1) within its
 * lifetime?  *mss gets the MSS it encodes. */
bool mg_cookie_check(const struct mg_sipkey *key, const struct mg_cookie_in *in, uint32_t cookie,
		     uint64_t now_ms, uint16_t *mss);

#endif
