/* ras.h - the H.225.0 RAS ALG (UDP 1719, and 1718 for unicast gatekeeper
 * discovery).
 *
 * Every RAS datagram of a flow policy handed to MG_ALG_RAS is decoded
 * (proto/ras.h).  What cannot be decoded goes to policy: from an inside
 * host crossing the NAT as `alg untranslatable` (an inside address must not
 * leave unseen), from outside as `alg malformed-outside`.  A message naming
 * H.460.18 or H.460.19 is counted (ras-h460) and passes unmodified: such an
 * endpoint traverses the NAT itself.
 *
 * From an inside host across the NAT, every transport address that is
 * inside is rewritten in place (same length) to a public one
 * (ras_xlate.c): the sender's own address:port to the flow's own public
 * source; an RRQ's callSignalAddress to a TCP binding its registration
 * holds; an address a static forward covers to the forward's public
 * address; any other to its existing binding, else a new one held for
 * `timeout pinhole` (ras_hold.c).  One that gets no public address goes to
 * `alg untranslatable` with the message type and field.  From outside, an
 * address of ours that names a binding is rewritten back to the inside
 * address:port it stands for (an RCF echoing callSignalAddress, an ACF or
 * LCF pointing at a registered inside endpoint).
 *
 * Registrations (ras_reg.c; `max registrations`, keyed by the endpoint's
 * inside address and RAS port): an inside endpoint's RRQ is remembered by
 * requestSeqNum with its aliases; the gatekeeper's RCF confirms it for the
 * RCF's timeToLive, else the RRQ's, else `timeout registration`, plus
 * `timeout registration-grace`.  A keep-alive RRQ and its RCF renew it.
 * While it lives the endpoint's callSignalAddress has a public address of
 * its own, a TCP pinhole to it lets a Setup in for the H.323 ALG (from any
 * address, or only the gatekeeper's under `ras reachable gatekeeper`), a
 * UDP pinhole keeps its RAS address reachable by the gatekeeper, and its
 * aliases are in the directory (origin ras).  URQ and UCF (either side
 * starting) end it, as does expiry; an RRJ drops a pending one.
 *
 * A gatekeeper inside (reached through a static forward of UDP 1719)
 * answers with its own and its endpoints' addresses: they leave public by
 * the same rules, and an inside endpoint's callSignalAddress in an ACF or
 * LCF also gets a pinhole, held like the binding, so that the outside
 * caller can connect.
 *
 * The tables are allocated at attach time; nothing is allocated per packet.
 */
#ifndef MG_ALG_RAS_H
#define MG_ALG_RAS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/alg_api.h"

struct mg_ras_alg;

/* Register the RAS ALG on an engine, in place of the RAS guard (call it
 * after mg_guards_attach).  NULL when out of memory. */
struct mg_ras_alg *mg_ras_alg_attach(struct mg_engine *e);
void mg_ras_alg_free(struct mg_ras_alg *ra);

/* Reports walk the live registrations through the engine
 * (mg_engine_walk_registrations, struct mg_reg_info). */

struct mg_ras_alg_stats {
	uint64_t active, created, expired, ended;
};
void mg_ras_alg_stats(const struct mg_ras_alg *ra, struct mg_ras_alg_stats *out);

#endif
