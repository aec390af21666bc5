/* h323_scan.c - reset of the per-message scan result shared by the H.323
 * parsers (see h323_scan.h). */
#include "proto/h323_scan.h"

#include <string.h>

void mg_h323_scan_init(struct mg_h323_scan *s, const uint8_t *top, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->top = top;
	s->top_len = len;
	s->body = MG_H225_NONE;
	s->facility_reason = 0xff;
	s->err = MG_R_NONE;
}
