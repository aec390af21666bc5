/* ras_priv.h - the RAS walker's internals (proto/ras*.c only).  Conventions
 * are those of walk.h: a walk function returns true when the element was
 * walked and otherwise has recorded the first problem. */
#ifndef MG_RAS_PRIV_H
#define MG_RAS_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "proto/ras.h"
#include "proto/walk.h"

/* A RAS walk: the walk every helper takes, plus what only RAS needs.  The
 * walk is the first member, so the callbacks of walk.h (which get the walk)
 * reach the rest through mg_ras_of. */
struct mg_ras_walk {
	struct mg_walk w;
	struct mg_ras_aliases *aliases; /* NULL: not kept */
	const uint8_t *roles;           /* enum mg_ras_role per extension addition */
	unsigned n_roles;               /* of the message whose additions are walked */
};

static inline struct mg_ras_walk *mg_ras_of(struct mg_walk *w)
{
	return (struct mg_ras_walk *)(void *)w;
}

/* What the walker does with an extension addition of a message (index by
 * the addition's position); MG_RAS_R_SKIP (0) skips it by its length. */
enum mg_ras_role {
	MG_RAS_R_SKIP = 0,
	MG_RAS_R_ALT_EP,        /* SEQUENCE OF Endpoint */
	MG_RAS_R_ALT_GK_LIST,   /* SEQUENCE OF AlternateGK */
	MG_RAS_R_ALT_GK_INFO,   /* AltGKInfo */
	MG_RAS_R_ALT_GK,        /* AlternateGK (assignedGatekeeper) */
	MG_RAS_R_FEATURES,      /* FeatureSet */
	MG_RAS_R_GENERIC,       /* SEQUENCE OF GenericData */
	MG_RAS_R_TTL,           /* TimeToLive */
	MG_RAS_R_KEEPALIVE,     /* keepAlive BOOLEAN */
	MG_RAS_R_ALT_TRANSPORT, /* AlternateTransportAddresses */
	MG_RAS_R_CALL_ID,       /* CallIdentifier */
	MG_RAS_R_ALIASES,       /* SEQUENCE OF AliasAddress (transportIDs recorded) */
	MG_RAS_R_CALLSIG_LIST,  /* SEQUENCE OF TransportAddress: callSignalAddress */
	MG_RAS_R_PREGRANTED,    /* RCF preGrantedARQ */
	MG_RAS_R_BW_DETAILS,    /* BRQ SEQUENCE OF BandwidthDetails */
	MG_RAS_R_ENDPOINT_TYPE, /* EndpointType */
};

/* Walk the extension additions of a message (its extension bit was set),
 * each by roles[idx] (n entries; beyond them: skip). */
bool mg_ras_exts(struct mg_walk *w, struct mg_cur *c, const uint8_t *roles, unsigned n, const char *where);

/* ---- common types (ras_types.c) ---------------------------------------- */

bool mg_ras_seq(struct mg_walk *w, struct mg_cur *c);
/* BMPString (SIZE(1..128)): GatekeeperIdentifier, EndpointIdentifier. */
bool mg_ras_bmp_id(struct mg_walk *w, struct mg_cur *c, const char *where);
/* A CHOICE whose root alternatives are all NULL (additions skipped). */
bool mg_ras_null_choice(struct mg_walk *w, struct mg_cur *c, uint32_t nroot, const char *where);
bool mg_ras_bandwidth(struct mg_walk *w, struct mg_cur *c);
/* CallReferenceValue, kept in s->call_ref. */
bool mg_ras_crv(struct mg_walk *w, struct mg_cur *c);
/* The length of a SEQUENCE OF about to be walked element by element:
 * more than MG_PER_MAX_SEQOF elements is MG_R_ALG_LIMIT. */
bool mg_ras_count(struct mg_walk *w, struct mg_cur *c, uint32_t *n, const char *where);
bool mg_ras_ta_list(struct mg_walk *w, struct mg_cur *c, uint8_t field, const char *where);
/* SEQUENCE OF AliasAddress; keep: the list names the registering endpoint. */
bool mg_ras_alias_list(struct mg_walk *w, struct mg_cur *c, bool keep);
bool mg_ras_alt_gk(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_alt_gk_list(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_alt_gk_info(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_endpoints(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_alt_transport(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_icv(struct mg_walk *w, struct mg_cur *c);
/* TransportChannelInfo: sendAddress / recvAddress recorded as `field`. */
bool mg_ras_tci(struct mg_walk *w, struct mg_cur *c, uint8_t field);
bool mg_ras_service_controls(struct mg_walk *w, struct mg_cur *c);

/* ---- H.235 tokens in a root (ras_tokens.c) ------------------------------ */

bool mg_ras_clear_tokens(struct mg_walk *w, struct mg_cur *c);  /* SEQUENCE OF ClearToken */
bool mg_ras_crypto_tokens(struct mg_walk *w, struct mg_cur *c); /* SEQUENCE OF CryptoH323Token */
/* tokens if clear, then cryptoTokens if crypto (presence bits of a root) */
bool mg_ras_tokens(struct mg_walk *w, struct mg_cur *c, bool clear, bool crypto);

/* genericData / featureSet (ras_generic.c): declared in walk.h, the H.225
 * UUIE walker uses them too. */

/* ---- the messages (ras_reg.c, ras_call.c, ras_info.c) ------------------- */

bool mg_ras_pregranted(struct mg_walk *w, struct mg_cur *c);  /* RCF preGrantedARQ */
bool mg_ras_bw_details(struct mg_walk *w, struct mg_cur *c);  /* BRQ bandwidthDetails */

typedef bool (*mg_ras_msg_fn)(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_grq(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_gcf(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_grj(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_rrq(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_rcf(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_rrj(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_urq(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_ucf(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_urj(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_arq(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_acf(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_arj(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_brq(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_bcf(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_brj(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_drq(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_dcf(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_drj(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_lrq(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_lcf(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_lrj(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_irq(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_irr(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_nsm(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_xrs(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_rip(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_rai(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_rac(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_iack(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_inak(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_sci(struct mg_walk *w, struct mg_cur *c);
bool mg_ras_scr(struct mg_walk *w, struct mg_cur *c);

#endif
