/* ldap.h - where an LDAPMessage carries `sipaddress` values.
 *
 *   LDAPMessage ::= SEQUENCE { messageID INTEGER, protocolOp [APPLICATION n], ... }
 *   AddRequest        [APPLICATION 8] { entry, SEQUENCE OF SEQUENCE { type, SET OF value } }
 *   SearchResultEntry [APPLICATION 4] { objectName, the same attribute list }
 *   ModifyRequest     [APPLICATION 6] { object, SEQUENCE OF SEQUENCE {
 *                         operation ENUMERATED, SEQUENCE { type, SET OF value } } }
 * (RFC 4511 4.2; LDAPv2, RFC 1777, which ILS speaks, has the same shapes.)
 * For these three the attribute lists are walked and every value of the
 * attribute type `sipaddress` (any case) is reported with its own length
 * field and every enclosing one, so that a caller can replace the value
 * and fix all lengths.  Other operations are framed (id, op) but not
 * walked.  What follows protocolOp (LDAPv3 controls) is not read.
 * Pure (see ber.h): no flows, no NAT, no allocation.
 */
#ifndef MG_LDAP_H
#define MG_LDAP_H

#include "proto/ber.h"

#define MG_LDAP_OP_SEARCH_ENTRY 4
#define MG_LDAP_OP_MODIFY 6
#define MG_LDAP_OP_ADD 8

#define MG_LDAP_VALUES 8 /* sipaddress values a message may carry */
#define MG_LDAP_ENC 6    /* enclosing length fields of a value, at most */

struct mg_ldap_value {
	uint32_t off, len;   /* the value's octets */
	struct mg_ber_len own; /* its OCTET STRING's length field */
	uint8_t n_enc;
	/* enclosing lengths, outermost first: LDAPMessage, protocolOp, the
	 * attribute list, the attribute (Modify: the change, then its
	 * modification), the SET of values */
	struct mg_ber_len enc[MG_LDAP_ENC];
};

struct mg_ldap_msg {
	uint32_t len;  /* octets of the LDAPMessage */
	uint32_t id;   /* messageID (its low 32 bits) */
	uint8_t op;    /* protocolOp's application tag number */
	bool walked;   /* op is one of the three above: its attributes were walked */
	uint8_t n;
	struct mg_ldap_value v[MG_LDAP_VALUES];
};

/* Decode the one LDAPMessage that b[0..len) must be exactly.  Any error
 * leaves m partly filled and must be taken as "not understood". */
enum mg_ber_err mg_ldap_scan(const uint8_t *b, size_t len, struct mg_ldap_msg *m);

#endif
