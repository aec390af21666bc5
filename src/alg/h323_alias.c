/* h323_alias.c - a call keeps its Setup's aliases for reports (decoded by
 * proto/h225_alias.c), and an inside caller's aliases teach the directory
 * of inside endpoints (core/dir.h) who it is.  The message was scanned
 * already: anything that does not decode here just leaves the lists short. */
#include <string.h>

#include "alg/h323_priv.h"
#include "core/dir.h"
#include "proto/h225.h"

#define H323_CALLSIG_PORT 1720

uint16_t mg_h323_listen_port(const struct mg_h323 *h)
{
	const struct mg_h323_addr *a =
		mg_h323_scan_find(&h->scan, MG_F_SRC_CALLSIG, MG_H323_ANY, MG_C_UUIE);
	if (a && a->port != 0 && memcmp(a->ip, &h->cur.sender, sizeof(a->ip)) == 0)
		return a->port;
	return H323_CALLSIG_PORT;
}

void mg_h323_learn(struct mg_h323 *h, const struct h323_call *c, uint16_t port)
{
	const struct mg_config *cfg = mg_engine_config(h->e);
	uint64_t now = h->cur.now;
	uint64_t expire = now + (uint64_t)cfg->to.directory * 1000;
	for (uint8_t i = 0; i < c->n_alias[0]; i++) {
		const struct mg_call_alias *a = &c->alias[0][i];
		if (a->type != MG_ALIAS_DIGITS && a->type != MG_ALIAS_NAME && a->type != MG_ALIAS_URL &&
		    a->type != MG_ALIAS_EMAIL)
			continue;
		enum mg_reason r = a->cut ? MG_R_DIR_BAD_ALIAS
					  : mg_dir_learn(mg_alg_dir(h->e), a->s, a->type, h->cur.sender,
							 port, MG_DIR_SETUP, now, expire, false);
		if (r != MG_R_NONE)
			mg_alg_count(h->e, r); /* the Setup passes all the same */
	}
}

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
