/* l4csum.h - whole-segment TCP/UDP checksums on the ALG path.
 *
 * A segment an ALG parses is verified first (the kernel's conntrack does the
 * same with nf_conntrack_checksum=1): a corrupt segment is dropped before it
 * moves any connection or stream state.  After an ALG edited the payload the
 * checksum is updated incrementally from the payload's sum as it arrived,
 * never recomputed, so no path through meetgate turns a wrong checksum into
 * a right one.  IPv4 only: IPv6 flows carry no ALG.
 */
#ifndef MG_L4CSUM_H
#define MG_L4CSUM_H

#include <stdbool.h>

#include "core/pkt.h"

/* Sets p->paysum; returns false if the TCP/UDP checksum of an unfragmented
 * IPv4 segment is wrong.  Anything it cannot judge (other protocols, IPv6,
 * fragments, IPv4 UDP without checksum) counts as right. */
bool mg_l4_csum_check(struct mg_pkt *p);

/* After payload edits the checksum is carried along by
 * mg_rw_payload_csum (core/rewrite.h). */

#endif
