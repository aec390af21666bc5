/* h323_scan.c - reset of and lookup in the per-message scan result shared by
 * the H.323 parsers (see h323_scan.h). */
#include "proto/h323_scan.h"

#include <string.h>

void mg_h323_scan_init(struct mg_h323_scan *s, const uint8_t *top, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->top = top;
	s->top_len = len;
	s->body = MG_H225_NONE;
	s->facility_reason = 0xff;
	s->release_reason = 0xff;
	s->ras_type = 0xff;
	s->err = MG_R_NONE;
}

const struct mg_h323_addr *mg_h323_scan_find(const struct mg_h323_scan *s, uint8_t field, uint8_t part,
					     uint8_t container)
{
	for (unsigned i = 0; i < s->n_addr; i++) {
		const struct mg_h323_addr *a = &s->addr[i];
		if (a->family != 4 || a->field != field)
			continue;
		if (part != MG_H323_ANY && a->part != part)
			continue;
		if (container != MG_H323_ANY && a->container != container)
			continue;
		return a;
	}
	return NULL;
}
