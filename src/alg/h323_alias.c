/* h323_alias.c - a call keeps its Setup's aliases for reports (decoded by
 * proto/h225_alias.c).  The message was scanned already: anything that does
 * not decode here just leaves the lists short. */
#include <string.h>

#include "alg/h323_priv.h"
#include "proto/h225.h"

void mg_h323_aliases(struct mg_h323 *h, struct h323_call *c, const uint8_t *msg, uint32_t len)
{
	struct mg_h225_aliases al;
	mg_h225_setup_aliases(msg, len, &h->scan, &al);
	for (int p = 0; p < 2; p++) {
		c->n_alias[p] = al.n[p] < MG_CALL_ALIASES ? al.n[p] : MG_CALL_ALIASES;
		for (uint8_t i = 0; i < c->n_alias[p]; i++) {
			struct mg_call_alias *a = &c->alias[p][i];
			a->type = al.a[p][i].type; /* the two enums name the same types */
			a->cut = al.a[p][i].cut;
			memcpy(a->s, al.a[p][i].s, sizeof(a->s));
		}
	}
}
