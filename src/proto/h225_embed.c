/* h225_embed.c - SEQUENCE OF OCTET STRING fields that carry H.245 encodings
 * (fastStart, h245Control, parallelH245Control).  Every element is handed to
 * the H.245 walker: there is no cap on their number beyond the message
 * length, because an element left unwalked would be an address left
 * untranslated.  The H.245 walker's own limits (MG_H323_MAX_ADDRS,
 * MG_H323_MAX_EVENTS) bound the work. */
#include "proto/h245.h"
#include "proto/walk.h"

bool mg_h225_embedded(struct mg_walk *w, struct mg_cur *c, enum mg_h225_embed kind,
		      uint8_t container, const char *where)
{
	uint32_t count = mg_per_length(c);

	if (!mg_walk_ok(w, c, where))
		return false;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t n;
		const uint8_t *p = mg_per_octets(c, 0, 0, false, &n);
		enum mg_reason r;

		if (!mg_walk_ok(w, c, where))
			return false;
		if (!mg_walk_enter(w, where))
			return false;
		if (kind == MG_H225_EMBED_OLC) {
			w->s->n_faststart++;
			r = mg_h245_scan_olc(w->s, p, n, container);
		} else {
			if (container == MG_C_TUNNEL)
				w->s->n_tunnel++;
			r = mg_h245_scan_msg(w->s, p, n, container);
		}
		mg_walk_leave(w);
		if (r != MG_R_NONE)
			return mg_walk_fail(w, r, where);
	}
	return true;
}
