/* guards.h - RAS and ILS guards.
 *
 * H.225.0 RAS (UDP 1719, and 1718 for gatekeeper discovery) is translated
 * by the RAS ALG (alg/ras.h), which registers in place of the RAS guard and
 * acts as it under `alg ras off`.  ILS registrations (LDAP on TCP 389, or 1002) are
 * translated by the ILS ALG (alg/ils.h), which registers in place of the ILS
 * guard and falls back to its per-segment search for a flow it cannot
 * follow.  The guards make sure such traffic does not carry an inside
 * address out through the NAT unseen.  They are registered like ALGs
 * (MG_ALG_RAS, MG_ALG_ILS) and policy hands them new flows by port.  For a
 * packet an inside host sends across the NAT (nat on, to a host that is not
 * inside):
 *   - RAS: every packet leaks: almost every RAS message names the sender's
 *     rasAddress or callSignalAddress, and nothing is rewritten;
 *   - ILS: a segment leaks when its payload carries the sender's address
 *     (alg/ils_scan.h: sipaddress decimal, dotted, or raw bytes);
 * a leaking packet is logged with its 5-tuple under ras-untranslated /
 * ils-untranslated and `alg untranslatable` decides: drop (the default,
 * counted as a drop) or pass (counted as an event).  Packets from the
 * outside pass.  The guards keep no state.
 */
#ifndef MG_GUARDS_H
#define MG_GUARDS_H

#include "core/alg_api.h"

/* Register both guards on an engine. */
void mg_guards_attach(struct mg_engine *e);

void mg_ras_guard_attach(struct mg_engine *e);
void mg_ils_guard_attach(struct mg_engine *e);
/* The ILS guard's judgement of one segment of direction dir of `flow`,
 * its first `skip` payload bytes left out (the ILS ALG handled them). */
struct mg_alg_verdict mg_ils_guard_segment(struct mg_engine *e, uint32_t flow, const struct mg_pkt *p,
					   int dir, uint32_t skip);

/* Shared by the guards (guard.c).  Does direction dir of `flow` go from an
 * inside host across the NAT to a host that is not inside? */
bool mg_guard_crosses_nat(struct mg_engine *e, uint32_t flow, int dir);
/* A packet that would leak: log it with its 5-tuple and `what`, then drop
 * it (reason r) or count r and pass it, as `alg untranslatable` says. */
struct mg_alg_verdict mg_guard_leak(struct mg_engine *e, enum mg_reason r, const struct mg_pkt *p,
				    const char *what);

#endif
