/* ldapbuild.h - LDAP (BER) messages as NetMeeting sends them to an ILS
 * directory, for tests (RESEARCH 2.2). */
#ifndef MG_TEST_LDAPBUILD_H
#define MG_TEST_LDAPBUILD_H

#include <stddef.h>
#include <stdint.h>

/* An AddRequest of an RTPerson entry: cn, sipaddress = `sip`, sappid,
 * sflags, comment = `comment`.  Returns the length written to out (at
 * least 512 bytes). */
size_t lb_add_request(uint8_t *out, const char *cn, const char *sip, const char *comment);
/* A ModifyRequest (replace) of sport = 1503 and sipAddress = `sip`. */
size_t lb_modify_request(uint8_t *out, const char *cn, const char *sip);
/* Length form of what the builders write: 0 = shortest (long form from
 * 128, with 2 octets), 1..4 = long form with that many octets everywhere. */
void lb_set_len_form(int form);
/* A SearchRequest for RTPerson entries that asks for cn and sipaddress. */
size_t lb_search_request(uint8_t *out);
/* The sipaddress string of an IPv4 address (network order). */
void lb_sipaddress(uint32_t addr, char out[16]);

#endif
