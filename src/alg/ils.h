/* ils.h - the ILS ALG: NetMeeting's registrations with an ILS directory
 * (LDAP on TCP 389, or 1002) carry the registering host's address as
 * `sipaddress`, the decimal string of the address read as a little-endian
 * 32-bit integer (RESEARCH 2.2).  Behind NAT that must be the public
 * address.
 *
 * The LDAP stream an inside host sends across the NAT is reassembled
 * (alg/stream.h, BER framing) and each LDAPMessage decoded (proto/ldap.h).
 * In an AddRequest or ModifyRequest, a sipaddress value that names the
 * sender (its inside address; "-" signed forms and leading zeros read too)
 * becomes the decimal string of the public address the flow's source is
 * translated to, and every enclosing BER length is rewritten; when the
 * decimal string changes length, so does the TCP stream (core/seqadj.h).
 * A length keeps its form: short stays short while it fits, long form keeps
 * at least its octet count.  Counted as ALG rewrites.
 *
 * What cannot be translated goes to `alg untranslatable` (drop, or pass
 * counted) as ils-untranslated, logged with the 5-tuple: a sipaddress
 * naming another inside host, any message that after translation still
 * carries the sender's address in any form alg/ils_scan.h finds (dotted,
 * raw bytes, a sipaddress elsewhere), and one that cannot be decoded
 * (counted as alg-ldap-bad too) but carries it.  A stream that cannot be
 * framed (not BER, an indefinite length) is counted as alg-ldap-bad and
 * from then on searched segment by segment like the ILS guard (guards.h);
 * so is a flow for which the ALG has no room.
 *
 * On a connection the inside host opened, the server's answers are
 * followed too.  Add/Modify/Del the server accepted (resultCode 0, matched
 * by messageID) teach the directory of inside endpoints (core/dir.h) the
 * user's cn and rfc822mailbox -> the host, port 1720, origin ils, expiry
 * from sttl (ils-registered), refresh them, or forget them
 * (ils-unregistered); see ils_dir.c.  A SearchResultEntry whose sipaddress
 * is one of our public addresses and whose cn / rfc822mailbox the
 * directory holds for an inside host gets that host's decimal
 * (ils-result-translated), lengths fixed as above; any other value stays.
 * An answer that cannot be decoded goes to `alg malformed-outside`.
 */
#ifndef MG_ILS_H
#define MG_ILS_H

#include "core/alg_api.h"

struct mg_ils;

/* Register the ILS ALG on an engine (in place of the ILS guard).  NULL when
 * out of memory. */
struct mg_ils *mg_ils_attach(struct mg_engine *e);
void mg_ils_free(struct mg_ils *ils);

#endif
