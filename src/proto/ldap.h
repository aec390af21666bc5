/* ldap.h - where an LDAPMessage carries `sipaddress` values, and what an
 * ILS registration names.
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
 * and fix all lengths; the entry's DN and the values of `cn`,
 * `rfc822mailbox` (or `mail`, its other name) and `sttl` are reported as
 * views.  Also read:
 *   DelRequest        [APPLICATION 10] LDAPDN (primitive): the DN;
 *   ModifyResponse [7], AddResponse [9], DelResponse [11]: the resultCode
 *                     (the ENUMERATED that starts their LDAPResult).
 * Other operations are framed (id, op) but not walked.  What follows
 * protocolOp (LDAPv3 controls) is not read.
 * Pure (see ber.h): no flows, no NAT, no allocation.
 */
#ifndef MG_LDAP_H
#define MG_LDAP_H

#include "proto/ber.h"

#define MG_LDAP_OP_SEARCH_ENTRY 4
#define MG_LDAP_OP_MODIFY 6
#define MG_LDAP_OP_MODIFY_RESP 7
#define MG_LDAP_OP_ADD 8
#define MG_LDAP_OP_ADD_RESP 9
#define MG_LDAP_OP_DEL 10
#define MG_LDAP_OP_DEL_RESP 11

#define MG_LDAP_VALUES 8 /* sipaddress values a message may carry */
#define MG_LDAP_ENC 6    /* enclosing length fields of a value, at most */
#define MG_LDAP_STRS 8   /* cn, rfc822mailbox and sttl values kept; more are left out */

/* The attributes whose values are reported as views (any case). */
enum mg_ldap_attr { MG_LDAP_A_CN = 0, MG_LDAP_A_MAIL = 1, MG_LDAP_A_TTL = 2 };

struct mg_ldap_str {
	uint32_t off, len; /* the value's octets */
	uint8_t attr;      /* enum mg_ldap_attr */
};

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
	/* Add, Modify, SearchResultEntry: the entry's DN; Del: the DN to delete */
	bool has_dn;
	uint32_t dn_off, dn_len;
	/* Modify/Add/Del responses: their resultCode (0 = success) */
	bool has_result;
	uint32_t result;
	uint8_t n_str;
	bool str_cut; /* more than MG_LDAP_STRS such values: the first ones kept */
	struct mg_ldap_str s[MG_LDAP_STRS];
};

/* Decode the one LDAPMessage that b[0..len) must be exactly.  Any error
 * leaves m partly filled and must be taken as "not understood". */
enum mg_ber_err mg_ldap_scan(const uint8_t *b, size_t len, struct mg_ldap_msg *m);

#endif
