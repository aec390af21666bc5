/* h323_route.c - the H.323 ALG's part in inbound routing (core/inroute.h):
 * which inside host a caller's Setup is for.  In order: a destinationAddress
 * alias in the directory, the Q.931 Called party number in the directory,
 * the static forward of the public address dialled.  Nobody: a
 * ReleaseComplete with cause 1 (unallocated number) when the Setup named
 * someone, 3 (no route to destination) when it named nobody. */
#include <stdio.h>
#include <string.h>

#include "alg/h323_priv.h"
#include "core/dir.h"
#include "proto/h225.h"
#include "proto/q931.h"
#include "proto/q931_build.h"
#include "proto/tpkt.h"

#define PORT_Q931 1720

static bool from_dir(struct mg_engine *e, const char *alias, uint8_t type, struct mg_inroute_decision *d)
{
	struct mg_dir_entry *en = mg_dir_lookup_mut(mg_alg_dir(e), alias, type, mg_engine_now(e));
	if (!en)
		return false;
	d->to_addr = en->addr;
	d->to_port = en->port;
	en->hits++;
	return true;
}

static uint8_t pick(struct mg_h323 *h, const uint8_t *msg, uint32_t len, uint32_t pub,
		    struct mg_inroute_decision *d, bool *named)
{
	struct mg_h225_aliases al;
	*named = false;
	mg_h225_setup_aliases(msg, len, &h->scan, &al); /* the lists as far as they decode */
	for (unsigned i = 0; i < al.n[1] && i < MG_H225_ALIASES; i++) {
		const struct mg_h225_alias *a = &al.a[1][i];
		if (a->type == MG_H225_ALIAS_NONE || a->type == MG_H225_ALIAS_OTHER || a->cut)
			continue;
		*named = true;
		if (from_dir(h->e, a->s, a->type, d)) {
			snprintf(d->key, sizeof(d->key), "alias '%s'", a->s);
			return MG_IR_HOW_ALIAS;
		}
	}
	char num[MG_DIR_KEY_LEN];
	if (mg_q931_called_number(msg, len, num, sizeof(num))) {
		*named = true;
		if (from_dir(h->e, num, MG_ALIAS_DIGITS, d)) {
			snprintf(d->key, sizeof(d->key), "called number '%s'", num);
			return MG_IR_HOW_NUMBER;
		}
	}
	if (mg_alg_forward_for(h->e, MG_PROTO_TCP, pub, PORT_Q931, &d->to_addr, &d->to_port)) {
		snprintf(d->key, sizeof(d->key), "the forward of its public address");
		return MG_IR_HOW_DEFAULT;
	}
	return MG_IR_HOW_NONE;
}

void mg_h323_route(void *state, struct mg_engine *e, const uint8_t *b, uint32_t len, uint32_t pub,
		   struct mg_inroute_decision *d)
{
	struct mg_h323 *h = state;
	uint32_t tlen;
	(void)e;
	enum mg_tpkt_status st = mg_tpkt_frame(b, len, &tlen);
	if (st == MG_TPKT_NEED) {
		d->verdict = MG_IR_NEED;
		return;
	}
	d->verdict = MG_IR_RESET;
	if (st != MG_TPKT_OK || tlen <= MG_TPKT_HDR_LEN)
		return;
	const uint8_t *msg = b + MG_TPKT_HDR_LEN;
	uint32_t mlen = tlen - MG_TPKT_HDR_LEN;
	struct mg_h323_scan *s = &h->scan;
	mg_h323_scan_init(s, msg, mlen);
	if (mg_q931_scan(s, msg, mlen) != MG_R_NONE || s->q931_type != MG_Q931_SETUP || !s->has_uuie ||
	    s->body != MG_H225_SETUP)
		return;
	d->call_ref = s->call_ref;
	d->has_callid = s->has_call_id;
	memcpy(d->callid, s->call_id, sizeof(d->callid));
	bool named;
	d->how = pick(h, msg, mlen, pub, d, &named);
	d->verdict = d->how == MG_IR_HOW_NONE ? MG_IR_RELEASE : MG_IR_ROUTE;
	d->cause = d->how != MG_IR_HOW_NONE ? MG_Q931_CAUSE_OUT_OF_ORDER
		   : named		      ? MG_Q931_CAUSE_UNALLOCATED
					      : MG_Q931_CAUSE_NO_ROUTE;
	d->rc_len = (uint32_t)mg_q931_build_release_complete(d->rc, sizeof(d->rc), d->call_ref, true, d->cause,
							      d->has_callid ? d->callid : NULL);
}
