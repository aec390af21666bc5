/* tpkt.h - TPKT framing (RFC 1006 section 6) as a pure function.
 *
 * A TPKT is a 4-octet header { version = 3, reserved = 0, length (16 bits,
 * big endian, header included) } followed by length - 4 octets of payload.
 * Length 4 is an empty TPKT, which some stacks send as a keep-alive; it is
 * valid.  mg_tpkt_frame looks at the bytes available at a message boundary of
 * a stream and never reads more than `avail` of them; reassembly across TCP
 * segments is built on top of it elsewhere.
 */
#ifndef MG_TPKT_H
#define MG_TPKT_H

#include <stddef.h>
#include <stdint.h>

#define MG_TPKT_VERSION 3
#define MG_TPKT_HDR_LEN 4u

enum mg_tpkt_status {
	MG_TPKT_OK = 0,   /* a complete TPKT of *msg_len octets starts at p */
	MG_TPKT_NEED = 1, /* not complete: *msg_len is the total needed so far
			   * (4 while the header is incomplete, then the TPKT length) */
	MG_TPKT_BAD = -1, /* not a TPKT header: the stream cannot be framed */
};

/* Frame the TPKT at the start of p[0..avail).  A bad version or reserved
 * octet is reported as soon as that octet is available, before the rest of
 * the header arrives.  *msg_len is always written (0 when BAD). */
enum mg_tpkt_status mg_tpkt_frame(const uint8_t *p, size_t avail, uint32_t *msg_len);

#endif
