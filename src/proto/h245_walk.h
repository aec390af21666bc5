/* h245_walk.h - state shared by the H.245 walker files (not a public API).
 *
 * A walk carries the context that every address found below it inherits
 * (message kind, OLC part, media kind, session, channel number).  Walk
 * functions return false once the walk has failed; the failure is recorded
 * once, in w->reason and the scan's err / err_where.
 */
#ifndef MG_H245_WALK_H
#define MG_H245_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "proto/h323_scan.h"
#include "asn1/per.h"
#include "core/reason.h"

struct mg_h245_walk {
	struct mg_h323_scan *s;
	enum mg_reason reason; /* first failure of this walk, MG_R_NONE so far */
	uint8_t container;     /* enum mg_h323_container */
	uint8_t kind;          /* enum mg_h245_kind of the message being walked */
	uint8_t part;          /* enum mg_olc_part of the parameters being walked */
	uint8_t media;         /* enum mg_media_kind of the current dataType */
	uint8_t session_id;
	uint16_t lcn;
};

/* Record a failure (first one wins, in the walk and in the scan); returns
 * false so callers can `return mg_h245_fail(...)`. */
bool mg_h245_fail(struct mg_h245_walk *w, enum mg_reason r, const char *where);

/* true if the cursor is still good; otherwise records ALG_H245_BAD at `where`. */
bool mg_h245_ok(struct mg_h245_walk *w, const struct mg_cur *c, const char *where);

/* Enter / leave one level of open-type nesting (MG_H323_MAX_DEPTH). */
bool mg_h245_enter(struct mg_h245_walk *w, const char *where);
void mg_h245_leave(struct mg_h245_walk *w);

/* Append an event of kind w->kind with w->lcn (MG_H323_MAX_EVENTS). */
bool mg_h245_event(struct mg_h245_walk *w);

/* TransportAddress (H.245): records IPv4 / IPv6 unicast and multicast
 * addresses as `field` with the walk's context, skips the other forms. */
bool mg_h245_transport_addr(struct mg_h245_walk *w, struct mg_cur *c, uint8_t field);

/* Skippers for root encodings the walker has to step over (h245_skip.c).
 * They only touch the cursor: check c->err afterwards. */
void mg_h245_skip_nonstd(struct mg_cur *c);
void mg_h245_skip_nonstd_list(struct mg_cur *c);
void mg_h245_skip_terminal_label(struct mg_cur *c);
void mg_h245_skip_audio_cap(struct mg_cur *c);
void mg_h245_skip_video_cap(struct mg_cur *c);
void mg_h245_skip_data_cap(struct mg_cur *c);
void mg_h245_skip_h222_params(struct mg_cur *c);
void mg_h245_skip_h223_params(struct mg_cur *c);
void mg_h245_skip_v76_params(struct mg_cur *c);

/* DataType: skips it and returns the media kind (enum mg_media_kind). */
uint8_t mg_h245_data_type(struct mg_cur *c);

/* OpenLogicalChannel and the other message bodies (h245_olc.c, h245_mode.c). */
bool mg_h245_olc(struct mg_h245_walk *w, struct mg_cur *c);
bool mg_h245_olc_ack(struct mg_h245_walk *w, struct mg_cur *c);
bool mg_h245_comm_mode_table(struct mg_h245_walk *w, struct mg_cur *c);

#endif
