/* ils_scan.h - does an LDAP payload carry a given IPv4 address?
 *
 * NetMeeting registers with an ILS directory (LDAP on TCP 389, or 1002) and
 * puts its own address into the `sipaddress` attribute as the decimal string
 * of the address read as a little-endian 32-bit integer (198.18.1.10 ->
 * c6 12 01 0a -> 0x0a0112c6 -> "167842502"; RESEARCH 2.2).  This is a byte
 * search over one segment, no BER decoding: it finds
 *   - the attribute name `sipaddress` (any case) followed, anywhere later in
 *     the payload, by that decimal string as a whole value;
 *   - the address in dotted form as a whole value ("198.18.1.10", not
 *     "198.18.1.100" nor "5.198.18.1.10");
 *   - the 4 address bytes in network order.
 * A whole value is the entire content of a BER OCTET STRING, or a token in
 * text.
 * A form split across two segments is not found.  Pure: no flows, no NAT.
 */
#ifndef MG_ILS_SCAN_H
#define MG_ILS_SCAN_H

#include <stddef.h>
#include <stdint.h>

enum mg_ils_form { MG_ILS_NONE = 0, MG_ILS_SIPADDRESS, MG_ILS_DOTTED, MG_ILS_RAW };

/* addr in network order.  Returns the first form found, in the order above. */
enum mg_ils_form mg_ils_scan(const uint8_t *p, size_t len, uint32_t addr);
const char *mg_ils_form_name(enum mg_ils_form f);

/* The sipaddress decimal string of addr (network order) into out (at least
 * 11 bytes); returns its length. */
size_t mg_ils_sipaddress(uint32_t addr, char *out, size_t n);

#endif
