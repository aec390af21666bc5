/* ras_xlate.c - what the RAS ALG does with each transport address of a
 * message (see ras.h): public for an inside address leaving, inside again
 * for one of ours coming back. */
#include <stdio.h>
#include <string.h>

#include "alg/ras_priv.h"
#include "alg/stream.h"
#include "core/config.h"
#include "core/rewrite.h"

const char *mg_ras_field_name(uint8_t field)
{
	static const char *const n[] = {
		[MG_F_H245_ADDRESS] = "h245Address",
		[MG_F_SRC_CALLSIG] = "srcCallSignalAddress",
		[MG_F_DEST_CALLSIG] = "destCallSignalAddress",
		[MG_F_MEDIA] = "rtpAddress",
		[MG_F_MEDIA_CTRL] = "rtcpAddress",
		[MG_F_OTHER] = "transportAddress",
		[MG_F_RAS_ADDRESS] = "rasAddress",
		[MG_F_CALLSIG] = "callSignalAddress",
		[MG_F_REPLY_ADDRESS] = "replyAddress",
		[MG_F_ALT_GK] = "alternateGatekeeper",
		[MG_F_ALT_EP_CALLSIG] = "alternateEndpoints.callSignalAddress",
		[MG_F_ALT_EP_RAS] = "alternateEndpoints.rasAddress",
		[MG_F_ALT_TRANSPORT] = "alternateTransportAddresses",
		[MG_F_GENERIC] = "genericData",
		[MG_F_H460_CALLSIG] = "callSignallingAddress",
	};
	return field < sizeof(n) / sizeof(n[0]) && n[field] ? n[field] : "address";
}

/* The transport an address names: RAS, media and annexE are UDP. */
static uint8_t field_proto(uint8_t field)
{
	switch (field) {
	case MG_F_RAS_ADDRESS:
	case MG_F_REPLY_ADDRESS:
	case MG_F_ALT_GK:
	case MG_F_ALT_EP_RAS:
	case MG_F_ALT_TRANSPORT:
	case MG_F_MEDIA:
	case MG_F_MEDIA_CTRL:
		return MG_PROTO_UDP;
	default:
		return MG_PROTO_TCP;
	}
}

static void put_addr(struct mg_rw_msg *m, const struct mg_h323_addr *a, uint32_t ip, uint16_t port)
{
	uint8_t b[6];
	memcpy(b, &ip, 4);
	mg_wr16(b + 4, port);
	mg_rw_msg_put(m, a->off, b, sizeof(b));
}

/* An inside endpoint's call-signalling address given to an outside caller
 * by an inside gatekeeper (ACF, LCF): the caller connects to it. */
static bool callee_address(const struct mg_ras_alg *ra, const struct mg_h323_addr *a)
{
	uint8_t t = ra->scan.ras_type;
	return (t == MG_RAS_ACF && a->field == MG_F_DEST_CALLSIG) || (t == MG_RAS_LCF && a->field == MG_F_CALLSIG);
}

/* The public address:port for inside address ip:port of a; false with
 * *why when there is none. */
static bool public_for(struct mg_ras_alg *ra, const struct mg_h323_addr *a, uint32_t ip, uint32_t *pub,
		       uint16_t *pport, enum mg_reason *why)
{
	struct ras_cur *c = &ra->cur;
	const struct mg_config *cfg = mg_engine_config(ra->e);
	uint8_t proto = field_proto(a->field);
	if (ip == c->sender && a->port == c->sport && proto == MG_PROTO_UDP) {
		*pub = c->pub; /* its own RAS address: the flow's mapping */
		*pport = c->pub_port;
		return true;
	}
	uint32_t b = MG_NIL;
	if (ra->scan.ras_type == MG_RAS_RRQ && a->field == MG_F_CALLSIG && ip == c->sender) {
		struct ras_reg *r = mg_ras_reg_find(ra, c->sender, c->sport);
		if (!r)
			r = mg_ras_reg_new(ra, c->sender, c->sport);
		if (r)
			b = mg_ras_reg_sig_bind(ra, r, ip, a->port, why);
		else
			b = mg_ras_hold_bind(ra, proto, ip, a->port, false, why);
	} else if (proto == MG_PROTO_TCP && mg_config_forward_to(cfg, proto, ip, a->port, pub, pport)) {
		if (*pub == 0)
			*pub = mg_engine_public_for(ra->e, ip);
		if (*pub != 0)
			return true;
		*why = MG_R_ALG_NAT_FAILED;
		return false;
	} else if (callee_address(ra, a)) {
		b = mg_ras_hold_bind(ra, proto, ip, a->port, true, why);
	} else {
		b = mg_alg_find_binding(ra->e, proto, ip, a->port);
		if (b == MG_NIL)
			b = mg_ras_hold_bind(ra, proto, ip, a->port, false, why);
	}
	if (b == MG_NIL)
		return false;
	const struct mg_binding *bi = mg_alg_binding(ra->e, b);
	*pub = bi->pub_addr;
	*pport = bi->pub_port;
	return true;
}

/* An address of ours from outside: the inside address it stands for. */
static bool inside_for(struct mg_ras_alg *ra, const struct mg_h323_addr *a, uint32_t ip, uint32_t *in,
		       uint16_t *iport)
{
	struct ras_cur *c = &ra->cur;
	if (ip == c->peer && a->port == c->dport && field_proto(a->field) == MG_PROTO_UDP) {
		*in = c->inside;
		*iport = c->inside_port;
		return true;
	}
	uint8_t proto = field_proto(a->field);
	uint32_t b = mg_alg_find_public(ra->e, proto, ip, a->port);
	if (b == MG_NIL)
		b = mg_alg_find_public(ra->e, proto == MG_PROTO_TCP ? MG_PROTO_UDP : MG_PROTO_TCP, ip, a->port);
	if (b == MG_NIL)
		return false;
	const struct mg_binding *bi = mg_alg_binding(ra->e, b);
	*in = bi->in_addr;
	*iport = bi->in_port;
	return true;
}

void mg_ras_addr_str(uint32_t ip, char out[16])
{
	const uint8_t *b = (const uint8_t *)&ip;
	snprintf(out, 16, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

static enum mg_reason fail(struct mg_ras_alg *ra, enum mg_reason why, const char *field, uint32_t ip,
			   uint16_t port)
{
	char who[16], at[16];
	mg_ras_addr_str(ra->cur.sender, who);
	mg_ras_addr_str(ip, at);
	mg_alg_count(ra->e, why);
	return mg_alg_untranslatable(ra->e, MG_R_RAS_UNTRANSLATED, 0, "%s from %s: %s %s:%u not translated (%s)",
				     mg_ras_name(ra->scan.ras_type), who, field, at, port, mg_reason_name(why));
}

enum mg_reason mg_ras_xlate(struct mg_ras_alg *ra, uint8_t *msg, uint32_t len, bool *changed)
{
	const struct mg_config *cfg = mg_engine_config(ra->e);
	const struct mg_h323_scan *s = &ra->scan;
	struct mg_rw_msg m;
	unsigned n = 0;
	mg_rw_msg_init(&m, msg, len);
	for (unsigned i = 0; i < s->n_addr; i++) {
		const struct mg_h323_addr *a = &s->addr[i];
		if (a->family != 4 || a->off + 6 > len)
			continue;
		uint32_t ip, to = 0;
		uint16_t port = 0;
		memcpy(&ip, a->ip, 4);
		if (ra->cur.from_inside) {
			if (!mg_config_is_inside(cfg, ip))
				continue;
			enum mg_reason why = MG_R_ALG_NAT_FAILED;
			if (!public_for(ra, a, ip, &to, &port, &why)) {
				enum mg_reason r = fail(ra, why, mg_ras_field_name(a->field), ip, a->port);
				if (r != MG_R_NONE)
					return r;
				continue;
			}
		} else {
			if (!mg_config_is_ours(cfg, ip) || !inside_for(ra, a, ip, &to, &port))
				continue;
		}
		put_addr(&m, a, to, port);
		n++;
	}
	if (n) {
		*changed = true;
		mg_alg_stat_rewrites(ra->e, n);
	}
	/* the sender's own address must not survive anywhere in what leaves */
	if (ra->cur.from_inside && mg_stream_has_addr(msg, len, ra->cur.sender)) {
		char who[16];
		mg_ras_addr_str(ra->cur.sender, who);
		return mg_alg_untranslatable(ra->e, MG_R_RAS_UNTRANSLATED, 0, "%s from %s still carries the sender's address",
					     mg_ras_name(s->ras_type), who);
	}
	return MG_R_NONE;
}
