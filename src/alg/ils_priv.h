/* ils_priv.h - what the ILS ALG's files share (alg/ils.h). */
#ifndef MG_ILS_PRIV_H
#define MG_ILS_PRIV_H

#include "alg/ils.h"
#include "alg/stream.h"
#include "core/dir.h"
#include "proto/ldap.h"

#define ILS_PENDING 4  /* requests of one connection awaiting their response */
#define ILS_DN_LEN 128 /* characters of a DN kept (normalized), NUL included */
#define ILS_REGS 1024  /* registrations remembered, for Modify and Del by DN */

/* What a registration names: its DN (lower case, no spaces: the form it is
 * compared in) and the aliases it gives (cn, rfc822mailbox; a value too
 * long for the directory is kept one character too long, so that the
 * directory refuses it as dir-bad-alias instead of storing a cut one). */
struct ils_names {
	char dn[ILS_DN_LEN];
	char cn[MG_DIR_KEY_LEN + 1], mail[MG_DIR_KEY_LEN + 1];
};

/* An Add, Modify or Del an inside host sent, until the directory answers. */
struct ils_pend {
	bool used;
	bool sip;       /* it carried a sipaddress: an ILS registration */
	uint8_t op;     /* MG_LDAP_OP_ADD, _MODIFY or _DEL */
	uint32_t id;    /* messageID */
	uint32_t addr;  /* the inside host, network order */
	uint32_t ttl_s; /* from sttl, 0 when absent */
	struct ils_names n;
};

/* A registration the directory accepted: Modify refreshes it, Del ends it. */
struct ils_reg {
	bool used;
	uint32_t addr;
	uint64_t expire_ms;
	struct ils_names n;
};

/* An LDAP flow from an inside host across the NAT: the stream of that
 * direction, or `raw` when it could not be framed.  When the inside host
 * opened the connection (dir 0), the answers coming back are followed too
 * (rst, rraw): responses complete pending requests, search results naming
 * a public address of ours for a user in the directory are translated. */
struct ils_flow {
	bool used, raw, rraw;
	uint8_t dir;
	uint32_t flow;
	uint32_t lent; /* the inside host a pool address was lent for, 0 none */
	struct mg_stream st, rst;
	struct ils_pend pend[ILS_PENDING];
};

struct mg_ils {
	struct mg_engine *e;
	struct ils_flow *fl;
	uint32_t nfl, hint;
	struct mg_hold_pool hold;
	uint64_t last_tick_s;
	struct ils_reg *reg; /* ILS_REGS */
	/* the segment being handled, its flow, its sender and the sender's
	 * public address; resp: it is an answer from outside, to: the inside
	 * host its search result is about; undecoded: an answer was framed
	 * but not decoded */
	const struct mg_pkt *p;
	struct ils_flow *cur;
	uint64_t now;
	bool resp, undecoded;
	uint32_t sender, pub, to;
	struct mg_ldap_msg msg;
	/* a message as it leaves, replacements applied, for the last search */
	uint8_t view[MG_BER_MSG_MAX + MG_RW_MSG_OPS * MG_SEQADJ_BYTES];
};

/* The streams' message callbacks (ils_msg.c): translate one LDAPMessage
 * from the inside host, or one answer from outside. */
enum mg_reason mg_ils_on_message(void *ctx, struct mg_rw_msg *m);
enum mg_reason mg_ils_on_response(void *ctx, struct mg_rw_msg *m);

/* Registrations (ils_dir.c).  A request that will leave (ils->msg decoded
 * from b) is remembered until its response; a response settles it: the
 * directory learns, refreshes or forgets the user. */
void mg_ils_pend_request(struct mg_ils *ils, const uint8_t *b);
void mg_ils_on_result(struct mg_ils *ils);
/* The inside host a SearchResultEntry (ils->msg, from b) is about: the
 * directory's entry for one of its cn / rfc822mailbox values, 0 if none.
 * *alias: the value that matched. */
uint32_t mg_ils_result_host(struct mg_ils *ils, const uint8_t *b, char alias[MG_DIR_KEY_LEN + 1]);

#endif
