/* walk.h - the walker toolkit shared by the H.225.0, RAS and H.245 walkers
 * (not a public interface: only proto/h225*.c, ras*.c and h245*.c include it).
 *
 * Convention: every walk function takes the walk and a cursor, returns true
 * when the element was walked, and on failure records the first problem and
 * returns false.  The first failure of a walk is kept in w->reason and, unless
 * an earlier one is there, in the scan's err / err_where.  A cursor error (read
 * past the end, value out of range) becomes w->bad (MG_R_ALG_H225_BAD or
 * MG_R_ALG_H245_BAD) named after the innermost element that saw it.
 *
 * A walk also carries the context that every address found below it inherits
 * (container, H.245 message kind, OLC part, media kind, session, channel
 * number); the H.225.0 walk leaves it at MG_C_UUIE and zeros.
 */
#ifndef MG_WALK_H
#define MG_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "asn1/per.h"
#include "core/reason.h"
#include "proto/h323_scan.h"

struct mg_walk {
	struct mg_h323_scan *s;
	enum mg_reason bad;    /* what a cursor error is reported as */
	enum mg_reason reason; /* first failure of this walk, MG_R_NONE so far */
	uint8_t container;     /* enum mg_h323_container */
	uint8_t kind;          /* enum mg_h245_kind of the message being walked */
	uint8_t part;          /* enum mg_olc_part of the parameters being walked */
	uint8_t media;         /* enum mg_media_kind of the current dataType */
	uint8_t session_id;
	uint16_t lcn;
};

/* ---- the toolkit (walk.c) ---------------------------------------------- */

/* Record a problem (the first one wins); always returns false. */
bool mg_walk_fail(struct mg_walk *w, enum mg_reason r, const char *where);

/* Fail with w->bad at `where` if the cursor has erred. */
static inline bool mg_walk_ok(struct mg_walk *w, const struct mg_cur *c, const char *where)
{
	return c->err ? mg_walk_fail(w, w->bad, where) : true;
}

/* Nesting accounting for open types walked into and embedded PDUs
 * (MG_H323_MAX_DEPTH; beyond it MG_R_ALG_LIMIT). */
bool mg_walk_enter(struct mg_walk *w, const char *where);
static inline void mg_walk_leave(struct mg_walk *w)
{
	w->s->depth--;
}

/* Extension additions of a SEQUENCE whose extension bit was set: reads the
 * bitmap, then for each present addition i calls fn(w, i, sub) one level
 * deeper on a sub-cursor over its open type (fn may stop early: the next
 * addition starts after the open type whatever fn consumed).  fn == NULL
 * skips them all. */
typedef bool (*mg_walk_ext_fn)(struct mg_walk *w, unsigned idx, struct mg_cur *sub);
bool mg_walk_exts(struct mg_walk *w, struct mg_cur *c, mg_walk_ext_fn fn, const char *where);
static inline bool mg_walk_skip_exts(struct mg_walk *w, struct mg_cur *c, const char *where)
{
	return mg_walk_exts(w, c, NULL, where);
}

/* One open type (a CHOICE extension alternative): fn walks its contents one
 * level deeper; fn == NULL skips it by its length. */
typedef bool (*mg_walk_fn)(struct mg_walk *w, struct mg_cur *sub);
bool mg_walk_open(struct mg_walk *w, struct mg_cur *c, mg_walk_fn fn, const char *where);
static inline bool mg_walk_skip_open(struct mg_walk *w, struct mg_cur *c, const char *where)
{
	return mg_walk_open(w, c, NULL, where);
}

/* Record a transport address at `ip` (4 or 16 octets, the 2 port octets
 * right after) as `field` with the walk's context (MG_H323_MAX_ADDRS). */
bool mg_walk_addr(struct mg_walk *w, const uint8_t *ip, uint8_t family, uint16_t port, uint8_t field,
		  const char *where);

/* ---- H.225.0 (h225_types.c, h225_embed.c, h225_body.c) ------------------ */

bool mg_h225_transport(struct mg_walk *w, struct mg_cur *c, uint8_t field, const char *where);
bool mg_h225_nonstd(struct mg_walk *w, struct mg_cur *c);
bool mg_h225_alias(struct mg_walk *w, struct mg_cur *c);
bool mg_h225_alias_seq(struct mg_walk *w, struct mg_cur *c);
bool mg_h225_endpoint_type(struct mg_walk *w, struct mg_cur *c);
bool mg_h225_call_id(struct mg_walk *w, struct mg_cur *c);
bool mg_h225_h245_security(struct mg_walk *w, struct mg_cur *c);
bool mg_h225_oid(struct mg_walk *w, struct mg_cur *c, const char *where);
bool mg_h225_guid(struct mg_walk *w, struct mg_cur *c, const char *where);
bool mg_h225_vendor(struct mg_walk *w, struct mg_cur *c);
bool mg_h225_supported_protocols(struct mg_walk *w, struct mg_cur *c);
bool mg_h225_qseries(struct mg_walk *w, struct mg_cur *c);
/* H323-UU-PDU (h225.c); also reached from a RAS IRR's perCallInfo.pdu. */
bool mg_h225_uu_pdu(struct mg_walk *w, struct mg_cur *c);
/* One AliasAddress read into a (h225_alias.c): type and printable text,
 * cut to MG_H225_ALIAS_LEN - 1 characters; c->err on malformed input. */
struct mg_h225_alias;
void mg_h225_alias_decode(struct mg_cur *c, struct mg_h225_alias *a);

/* SEQUENCE OF GenericData and FeatureSet (ras_generic.c), in RAS messages
 * and H.225.0 UUIEs alike: a top-level GenericData / FeatureDescriptor
 * naming standard 18 or 19 sets s->ras_h46018 / ras_h46019. */
bool mg_ras_generic_list(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_feature_set(struct mg_walk *w, struct mg_cur *c);

/* SEQUENCE OF OCTET STRING whose elements are H.245 PER encodings: each one
 * goes to the H.245 walker. */
enum mg_h225_embed { MG_H225_EMBED_OLC, MG_H225_EMBED_MSG };
bool mg_h225_embedded(struct mg_walk *w, struct mg_cur *c, enum mg_h225_embed kind, uint8_t container,
		      const char *where);

/* The h323-message-body alternatives.  `c` covers the body (an open-type
 * sub-cursor for extension alternatives). */
bool mg_h225_body(struct mg_walk *w, struct mg_cur *c, unsigned body);

/* ---- H.245 (h245*.c) ---------------------------------------------------- */

/* The record of each message walked (h245_msg.c): begin it once the
 * category is read, complete it with the alternative (and, for the small
 * messages an endpoint answers, their values read from `c`). */
void mg_h245_msg_begin(struct mg_walk *w, const struct mg_cur *c, bool ext, uint32_t cat);
void mg_h245_msg_alt(struct mg_walk *w, const struct mg_cur *c, bool ext, uint32_t alt);

/* Append an event of kind w->kind with w->lcn (MG_H323_MAX_EVENTS). */
bool mg_h245_event(struct mg_walk *w);

/* TransportAddress (H.245): records IPv4 / IPv6 unicast and multicast
 * addresses as `field` with the walk's context, skips the other forms. */
bool mg_h245_transport_addr(struct mg_walk *w, struct mg_cur *c, uint8_t field);

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
bool mg_h245_olc(struct mg_walk *w, struct mg_cur *c);
bool mg_h245_olc_ack(struct mg_walk *w, struct mg_cur *c);
bool mg_h245_comm_mode_table(struct mg_walk *w, struct mg_cur *c);

#endif
