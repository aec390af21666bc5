/* ras_priv.h - the RAS ALG's state, shared by its files (see ras.h). */
#ifndef MG_RAS_PRIV_H
#define MG_RAS_PRIV_H

#include "alg/ras.h"
#include "proto/ras.h"

/* Pinhole owners: H.323 calls use 1 .. 0x7fffffff; registrations and held
 * bindings take the upper half, told apart by bit 30. */
#define RAS_OWNER_REG 0x80000000u
#define RAS_OWNER_HOLD 0xC0000000u

#define RAS_PENDING_S 30u /* an RRQ waits this long for its RCF */
#define RAS_HOLDS_MIN 256u

enum { RAS_REG_FREE = 0, RAS_REG_PENDING, RAS_REG_LIVE };

struct ras_reg {
	uint8_t state;
	bool rrq_pending;   /* an RRQ (seq) waits for its RCF */
	bool urq_pending;   /* a URQ (urq_seq) waits for its UCF */
	bool urq_inside;    /* ... sent by the endpoint */
	bool h460;          /* an RCF named H.460.18 / .19: the endpoint traverses the NAT itself */
	uint16_t seq, urq_seq;
	uint16_t ras_port;  /* key, with in_addr: the endpoint's RAS source */
	uint16_t sig_port, pub_port;
	uint16_t ras_pub_port;
	uint32_t in_addr;   /* network order */
	uint32_t sig_addr, pub_addr, ras_pub;
	uint32_t gk;        /* the gatekeeper as the endpoint sends to it */
	uint32_t bind;      /* callSignalAddress TCP binding (one reference), MG_NIL */
	uint32_t ras_bind;  /* the RAS flow's own UDP binding (one reference), MG_NIL */
	uint32_t rrq_ttl;   /* the RRQ's timeToLive, 0 = none */
	uint32_t hnext;
	uint64_t created, expire;
	struct mg_ras_aliases al;
};

/* A binding (and maybe a pinhole) held for an address named in RAS. */
struct ras_hold {
	bool used, pin;
	uint8_t proto;
	uint16_t port;
	uint32_t addr;
	uint32_t bind;
	uint64_t expire;
};

/* What inspect() knows of the packet at hand. */
struct ras_cur {
	uint64_t now;
	uint32_t flow;
	int dir;
	bool from_inside;   /* crossing the NAT from an inside host */
	uint32_t sender;    /* as it wrote the packet */
	uint16_t sport;
	uint32_t peer;      /* the destination as written */
	uint16_t dport;
	uint32_t pub;       /* from inside: the source it leaves with */
	uint16_t pub_port;
	bool reg_full;      /* the registration table was found full (counted once) */
	uint32_t inside;    /* from outside: where it goes */
	uint16_t inside_port;
};

struct mg_ras_alg {
	struct mg_engine *e;
	struct ras_reg *reg;
	uint32_t nreg, nbucket, mask, used;
	uint32_t n_h460; /* live registrations with h460 */
	uint32_t *bucket;
	struct ras_hold *hold;
	uint32_t nhold, hold_hint;
	uint64_t last_tick_s;
	struct mg_ras_alg_stats st;
	struct ras_cur cur;
	struct mg_h323_scan scan;
	struct mg_ras_aliases al;
};

/* ras_reg.c */
struct ras_reg *mg_ras_reg_find(struct mg_ras_alg *ra, uint32_t addr, uint16_t port);
struct ras_reg *mg_ras_reg_new(struct mg_ras_alg *ra, uint32_t addr, uint16_t port);
/* The registration's callSignalAddress binding for ip:port (taken or
 * replaced), MG_NIL with *why. */
uint32_t mg_ras_reg_sig_bind(struct mg_ras_alg *ra, struct ras_reg *r, uint32_t ip, uint16_t port,
			     enum mg_reason *why);
/* After the addresses of a message were translated: what it means to the
 * registrations. */
void mg_ras_reg_message(struct mg_ras_alg *ra);
void mg_ras_reg_end(struct mg_ras_alg *ra, struct ras_reg *r, enum mg_reason why);
void mg_ras_reg_expire(struct mg_ras_alg *ra, uint64_t now);
/* Is addr an endpoint with a live registration its gatekeeper confirmed
 * H.460.18 / .19 for? */
bool mg_ras_reg_h460(const struct mg_ras_alg *ra, uint32_t addr);

/* ras_hold.c */
uint32_t mg_ras_hold_bind(struct mg_ras_alg *ra, uint8_t proto, uint32_t ip, uint16_t port, bool pin,
			  enum mg_reason *why);
void mg_ras_hold_expire(struct mg_ras_alg *ra, uint64_t now);

/* ras_xlate.c: translate every address of ra->scan in msg; MG_R_NONE, or
 * the reason inspect() returns (policy said drop). */
enum mg_reason mg_ras_xlate(struct mg_ras_alg *ra, uint8_t *msg, uint32_t len, bool *changed);
const char *mg_ras_field_name(uint8_t field);
/* Dotted text of a network-order IPv4 address, for log lines. */
void mg_ras_addr_str(uint32_t ip, char out[16]);

#endif
