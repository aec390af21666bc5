/* h245.h - targeted walker for PER-encoded H.245 messages.
 *
 * Both entry points walk one aligned-PER encoding and append to `s` every
 * transport address on the paths the ALG rewrites (OpenLogicalChannel and its
 * Ack, communicationMode tables, mcLocationIndication), plus one event per
 * message the ALG acts on (OLC, OLC ack/reject, closeLogicalChannel,
 * endSessionCommand, communicationMode command/response).  Everything else is
 * skipped by its encoding: extension additions and extension alternatives by
 * their open-type length, root components by the schema.
 *
 * Contract:
 *   - `buf` lies inside s->top .. s->top + s->top_len; every recorded offset
 *     is relative to s->top (IPv4: the 4 network octets, the 2 port octets
 *     follow immediately);
 *   - `container` (enum mg_h323_container) is copied into every address and
 *     event;
 *   - returns MG_R_NONE, MG_R_ALG_H245_BAD (undecodable) or MG_R_ALG_LIMIT
 *     (MG_H323_MAX_DEPTH / _ADDRS / _EVENTS reached); on error s->err and
 *     s->err_where are set unless already set, and findings appended before
 *     the error stay in `s`;
 *   - never allocates, never writes `buf`, never reads outside buf[0..len).
 */
#ifndef MG_H245_H
#define MG_H245_H

#include <stddef.h>
#include <stdint.h>

#include "proto/h323_scan.h"
#include "core/reason.h"

/* One MultimediaSystemControlMessage: a separate H.245 channel payload after
 * its TPKT header, or one h245Control / parallelH245Control OCTET STRING. */
enum mg_reason mg_h245_scan_msg(struct mg_h323_scan *s, const uint8_t *buf, size_t len, uint8_t container);

/* One OpenLogicalChannel: one fastStart element. */
enum mg_reason mg_h245_scan_olc(struct mg_h323_scan *s, const uint8_t *buf, size_t len, uint8_t container);

/* The name of an H.245 message from its code (scan->h245_msg[].code):
 * "terminalCapabilitySet", "openLogicalChannelAck", ... */
const char *mg_h245_msg_name(uint8_t code);

#endif
