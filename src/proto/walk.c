/* walk.c - the walker toolkit shared by the H.225.0 and H.245 walkers.  See
 * walk.h for the conventions. */
#include "proto/walk.h"

#include <string.h>

bool mg_walk_fail(struct mg_walk *w, enum mg_reason r, const char *where)
{
	if (w->reason == MG_R_NONE)
		w->reason = r;
	if (w->s->err == MG_R_NONE) {
		w->s->err = r;
		w->s->err_where = where;
	}
	return false;
}

bool mg_walk_enter(struct mg_walk *w, const char *where)
{
	if (w->s->depth >= MG_H323_MAX_DEPTH)
		return mg_walk_fail(w, MG_R_ALG_LIMIT, where);
	w->s->depth++;
	return true;
}

bool mg_walk_exts(struct mg_walk *w, struct mg_cur *c, mg_walk_ext_fn fn, const char *where)
{
	uint8_t bits[MG_PER_MAX_EXT_BITS];
	unsigned n = mg_per_ext_bitmap(c, bits);

	if (!mg_walk_ok(w, c, where))
		return false;
	for (unsigned i = 0; i < n; i++) {
		struct mg_cur sub;

		if (!bits[i])
			continue;
		mg_per_open_type(c, &sub);
		if (!mg_walk_ok(w, c, where))
			return false;
		if (fn == NULL)
			continue;
		if (!mg_walk_enter(w, where))
			return false;
		bool ok = fn(w, i, &sub);
		mg_walk_leave(w);
		if (!ok)
			return false;
	}
	return true;
}

bool mg_walk_open(struct mg_walk *w, struct mg_cur *c, mg_walk_fn fn, const char *where)
{
	struct mg_cur sub;

	if (fn == NULL) {
		mg_per_skip_open_type(c);
		return mg_walk_ok(w, c, where);
	}
	mg_per_open_type(c, &sub);
	if (!mg_walk_ok(w, c, where) || !mg_walk_enter(w, where))
		return false;
	bool ok = fn(w, &sub);
	mg_walk_leave(w);
	return ok;
}

bool mg_walk_addr(struct mg_walk *w, const uint8_t *ip, uint8_t family, uint16_t port, uint8_t field,
		  const char *where)
{
	struct mg_h323_scan *s = w->s;
	struct mg_h323_addr *a;

	if (s->n_addr >= MG_H323_MAX_ADDRS)
		return mg_walk_fail(w, MG_R_ALG_LIMIT, where);
	a = &s->addr[s->n_addr++];
	*a = (struct mg_h323_addr){
		.off = (uint32_t)(ip - s->top),
		.family = family,
		.field = field,
		.container = w->container,
		.h245 = w->kind,
		.part = w->part,
		.media = w->media,
		.session_id = w->session_id,
		.lcn = w->lcn,
		.port = port,
	};
	if (family == 4)
		memcpy(a->ip, ip, 4);
	return true;
}
