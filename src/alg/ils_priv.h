/* ils_priv.h - what the ILS ALG's files share (alg/ils.h). */
#ifndef MG_ILS_PRIV_H
#define MG_ILS_PRIV_H

#include "alg/ils.h"
#include "proto/ldap.h"
#include "alg/stream.h"

/* An LDAP flow from an inside host across the NAT: the stream of that
 * direction, or `raw` when it could not be framed. */
struct ils_flow {
	bool used, raw;
	uint8_t dir;
	uint32_t flow;
	struct mg_stream st;
};

struct mg_ils {
	struct mg_engine *e;
	struct ils_flow *fl;
	uint32_t nfl, hint;
	struct mg_hold_pool hold;
	uint64_t last_tick_s;
	/* the segment being handled, its sender and the sender's public address */
	const struct mg_pkt *p;
	uint32_t sender, pub;
	struct mg_ldap_msg msg;
	/* a message as it leaves, replacements applied, for the last search */
	uint8_t view[MG_BER_MSG_MAX + MG_RW_MSG_OPS * MG_SEQADJ_BYTES];
};

/* The stream's message callback (ils_msg.c): translate one LDAPMessage. */
enum mg_reason mg_ils_on_message(void *ctx, struct mg_rw_msg *m);

#endif
