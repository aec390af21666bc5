/* ber.h - the BER subset LDAP uses (X.690 8.1), read through util/cursor.h.
 *
 * One-octet tags only (LDAP needs no tag above 30); definite lengths in
 * short form (0..127) or long form with 1 to 4 length octets (0x81..0x84).
 * An indefinite length (0x80, which LDAP forbids: RFC 4511 5.1) and longer
 * length forms are errors.  Pure: no flows, no NAT, no allocation; offsets
 * are relative to the buffer the caller passed, so a caller can edit in
 * place.  (To move to src/proto/ with the other pure decoders.)
 */
#ifndef MG_BER_H
#define MG_BER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/cursor.h"

#define MG_BER_SEQUENCE 0x30
#define MG_BER_SET 0x31
#define MG_BER_INTEGER 0x02
#define MG_BER_OCTET_STRING 0x04
#define MG_BER_ENUMERATED 0x0a

/* Largest LDAPMessage the stream framer accepts (header included): what a
 * signalling stream can hold in one piece (alg/stream.h). */
#define MG_BER_MSG_MAX 65536u

enum mg_ber_err {
	MG_BER_E_NONE = 0,
	MG_BER_E_TRUNC,      /* a TLV runs past the bytes (or the container) it lies in */
	MG_BER_E_INDEFINITE, /* indefinite length (0x80) */
	MG_BER_E_LENGTH,     /* length form 0x85..0xff */
	MG_BER_E_TAG,        /* multi-octet tag, or not the tag the schema has there */
	MG_BER_E_LIMIT,      /* more than a caller's result can hold */
};

/* A definite length field: at msg[at .. at + size), saying len. */
struct mg_ber_len {
	uint32_t at;
	uint32_t len;
	uint8_t size;
};

/* A TLV header: tag at msg[at], length field l, content at msg[off ..
 * off + l.len). */
struct mg_ber_tlv {
	uint8_t tag;
	uint32_t at, off;
	struct mg_ber_len l;
};

/* Read the TLV header at c's position, whose byte 0 is msg[base]; its
 * content must lie within c.  On success c stands at the content. */
enum mg_ber_err mg_ber_tlv(struct mg_cur *c, uint32_t base, struct mg_ber_tlv *t);

enum mg_ber_frame_status { MG_BER_OK = 0, MG_BER_NEED = 1, MG_BER_BAD = -1 };
/* Frame the LDAPMessage (SEQUENCE) at the start of p[0..avail): OK with its
 * total length in *msg_len, NEED (more bytes), or BAD (why in *why: not a
 * SEQUENCE, an indefinite or over-long length, or larger than
 * MG_BER_MSG_MAX).  Each header octet is judged as soon as it is there. */
enum mg_ber_frame_status mg_ber_frame(const uint8_t *p, size_t avail, uint32_t *msg_len,
				      enum mg_ber_err *why);

/* The length field for content length len that replaces old_size octets:
 * short form if the old one was short and len < 128, else long form with
 * at least as many octets as the old one had (a sender's long form stays
 * long).  Writes out (5 octets at most) and returns its size. */
uint8_t mg_ber_put_len(uint8_t out[5], uint32_t len, uint8_t old_size);

const char *mg_ber_err_name(enum mg_ber_err e);

#endif
