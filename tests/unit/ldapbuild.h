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
/* The messageID of the messages built from now on (7 unless set). */
void lb_set_msg_id(unsigned id);
/* An AddRequest as NetMeeting's: cn and rfc822mailbox = `cn`, sipaddress,
 * sttl (left out when NULL). */
size_t lb_add_reg(uint8_t *out, const char *cn, const char *sip, const char *sttl);
/* A ModifyRequest (replace) of sttl only, as a refresh. */
size_t lb_modify_ttl(uint8_t *out, const char *cn, const char *sttl);
/* A DelRequest of the entry of `cn`. */
size_t lb_del_request(uint8_t *out, const char *cn);
/* An LDAPResult answer: op 0x67 (Modify), 0x69 (Add), 0x6b (Del). */
size_t lb_result(uint8_t *out, uint8_t op, unsigned code);
/* A SearchResultEntry of `cn` (cn, when not NULL) and `mail` (as `mail`,
 * rfc822mailbox's other name, the way OpenLDAP answers; when not NULL) with
 * sipaddress `sip` and a comment. */
size_t lb_search_entry(uint8_t *out, const char *cn, const char *mail, const char *sip, const char *comment);
/* The sipaddress string of an IPv4 address (network order). */
void lb_sipaddress(uint32_t addr, char out[16]);

#endif
