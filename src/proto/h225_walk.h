/* h225_walk.h - helpers shared by the H.225.0 walker files (not a public
 * interface: only h225*.c include it).
 *
 * Convention: every walker takes the scan and a cursor, returns true when the
 * element was walked, and on failure records the first problem in s->err /
 * s->err_where and returns false.  A cursor error (read past the end, value
 * out of range) becomes MG_R_ALG_H225_BAD named after the innermost element
 * that saw it.
 */
#ifndef MG_H225_WALK_H
#define MG_H225_WALK_H

#include <stdbool.h>

#include "proto/h323_scan.h"
#include "asn1/per.h"

/* Record a problem (only the first one is kept); always returns false. */
bool mg_h225_fail(struct mg_h323_scan *s, enum mg_reason r, const char *where);

/* Fail with MG_R_ALG_H225_BAD at `where` if the cursor has erred. */
static inline bool mg_h225_ok(struct mg_h323_scan *s, const struct mg_cur *c, const char *where)
{
	return c->err ? mg_h225_fail(s, MG_R_ALG_H225_BAD, where) : true;
}

/* Nesting accounting for open types walked into and embedded PDUs. */
bool mg_h225_enter(struct mg_h323_scan *s, const char *where);
static inline void mg_h225_leave(struct mg_h323_scan *s)
{
	s->depth--;
}

/* Extension additions of a SEQUENCE whose extension bit was set: reads the
 * bitmap, then for each present addition i calls fn(s, i, sub) on a
 * sub-cursor over its open type (fn may stop early: the next addition starts
 * after the open type whatever fn consumed).  fn == NULL skips them all. */
typedef bool (*mg_h225_ext_fn)(struct mg_h323_scan *s, unsigned idx, struct mg_cur *sub);
bool mg_h225_exts(struct mg_h323_scan *s, struct mg_cur *c, mg_h225_ext_fn fn, const char *where);
static inline bool mg_h225_skip_exts(struct mg_h323_scan *s, struct mg_cur *c, const char *where)
{
	return mg_h225_exts(s, c, NULL, where);
}
/* Skip one CHOICE extension alternative (an open type). */
bool mg_h225_skip_open(struct mg_h323_scan *s, struct mg_cur *c, const char *where);

/* Common types (h225_types.c). */
bool mg_h225_transport(struct mg_h323_scan *s, struct mg_cur *c, uint8_t field, const char *where);
bool mg_h225_nonstd(struct mg_h323_scan *s, struct mg_cur *c);
bool mg_h225_alias(struct mg_h323_scan *s, struct mg_cur *c);
bool mg_h225_alias_seq(struct mg_h323_scan *s, struct mg_cur *c);
bool mg_h225_endpoint_type(struct mg_h323_scan *s, struct mg_cur *c);
bool mg_h225_call_id(struct mg_h323_scan *s, struct mg_cur *c);
bool mg_h225_h245_security(struct mg_h323_scan *s, struct mg_cur *c);
bool mg_h225_oid(struct mg_h323_scan *s, struct mg_cur *c, const char *where);
bool mg_h225_guid(struct mg_h323_scan *s, struct mg_cur *c, const char *where);

/* SEQUENCE OF OCTET STRING whose elements are H.245 PER encodings: each one
 * goes to the H.245 walker (h225_embed.c). */
enum mg_h225_embed { MG_H225_EMBED_OLC, MG_H225_EMBED_MSG };
bool mg_h225_embedded(struct mg_h323_scan *s, struct mg_cur *c, enum mg_h225_embed kind,
		      uint8_t container, const char *where);

/* The h323-message-body alternatives (h225_body.c).  `c` covers the body
 * (an open-type sub-cursor for extension alternatives). */
bool mg_h225_body(struct mg_h323_scan *s, struct mg_cur *c, unsigned body);

#endif
