/* h323_addr.c - what the H.323 ALG does with each transport address of a
 * message, and with the message's events (see h323.h). */
#include <stdio.h>
#include <string.h>

#include "proto/h245.h"
#include "alg/h323_priv.h"
#include "core/csum.h"

static bool call_holds(const struct h323_call *c, uint32_t b)
{
	for (uint32_t i = 0; i < c->n_bind; i++)
		if (c->binds[i] == b)
			return true;
	return false;
}

/* A reference held by the call on the binding of one inside endpoint. */
static uint32_t hold_one(struct mg_h323 *h, struct h323_call *c, uint8_t proto, uint32_t ip,
			 uint16_t port, enum mg_reason *why)
{
	uint32_t ex = mg_alg_find_binding(h->e, proto, ip, port);
	if (ex != MG_NIL && call_holds(c, ex))
		return ex;
	if (c->n_bind >= H323_CALL_BINDS) {
		*why = MG_R_ALG_LIMIT;
		return MG_NIL;
	}
	uint32_t b = mg_alg_bind(h->e, proto, ip, port, false, why);
	if (b != MG_NIL)
		c->binds[c->n_bind++] = b;
	return b;
}

/* The binding for ip:port; UDP media ports are bound as an even/odd pair
 * (RTP and RTCP) so that parity survives translation. */
static uint32_t call_binding(struct mg_h323 *h, struct h323_call *c, uint8_t proto, uint32_t ip,
			     uint16_t port, enum mg_reason *why)
{
	if (proto != MG_PROTO_UDP)
		return hold_one(h, c, proto, ip, port, why);
	uint16_t even = (uint16_t)(port & ~1u), odd = (uint16_t)(even + 1);
	uint32_t be = mg_alg_find_binding(h->e, proto, ip, even);
	uint32_t bo = mg_alg_find_binding(h->e, proto, ip, odd);
	bool have_e = be != MG_NIL && call_holds(c, be), have_o = bo != MG_NIL && call_holds(c, bo);
	if (!have_e && !have_o && be == MG_NIL && bo == MG_NIL && even != 0) {
		if (c->n_bind + 2 > H323_CALL_BINDS) {
			*why = MG_R_ALG_LIMIT;
			return MG_NIL;
		}
		be = mg_alg_bind(h->e, proto, ip, even, true, why);
		if (be == MG_NIL)
			return MG_NIL;
		c->binds[c->n_bind++] = be;
		bo = mg_alg_find_binding(h->e, proto, ip, odd);
		if (bo != MG_NIL)
			c->binds[c->n_bind++] = bo;
	} else {
		if (!have_e && even != 0 && hold_one(h, c, proto, ip, even, why) == MG_NIL)
			return MG_NIL;
		if (!have_o && hold_one(h, c, proto, ip, odd, why) == MG_NIL)
			return MG_NIL;
	}
	return mg_alg_find_binding(h->e, proto, ip, port);
}

/* media: enum h323_pin_media (note_media_source). */
static void open_pin(struct mg_h323 *h, struct h323_call *c, const struct mg_expect *spec, uint16_t lcn,
		     uint8_t chan_side, uint8_t media)
{
	uint32_t owner = c->id;
	struct mg_expect x = *spec;
	x.owner = owner;
	if (x.bind != MG_NIL)
		mg_alg_ref(h->e, x.bind); /* the pinhole's own reference */
	uint64_t life = (uint64_t)mg_engine_config(h->e)->to.pinhole * 1000;
	uint32_t idx = mg_alg_pinhole_open(h->e, &x, h->cur.now + life);
	if (idx == MG_NIL)
		return;
	for (uint32_t i = 0; i < c->n_pin; i++)
		if (c->pins[i].idx == idx)
			return;
	H323_TRACE(h, c, .kind = MG_H323_TR_PIN_OPEN, .name = x.what, .ip = {x.dst_addr, x.to_addr},
		   .port = {x.dst_port, x.to_port});
	if (c->n_pin < H323_CALL_PINS)
		c->pins[c->n_pin++] = (struct h323_pin){idx, lcn, chan_side, media};
	else
		mg_alg_count(h->e, MG_R_ALG_LIMIT); /* still closed with the call */
}

void mg_h323_follow_call(struct mg_h323 *h, struct h323_call *c, uint32_t pub)
{
	static const uint16_t ports[2] = {1503, 1731};
	static const char *const what[2] = {"t120-follow", "1731-follow"};
	for (int i = 0; i < 2; i++) {
		struct mg_expect x = {
			.remote = c->peer,
			.dst_addr = pub,
			.to_addr = c->inside,
			.dst_port = ports[i],
			.to_port = ports[i],
			.proto = MG_PROTO_TCP,
			.side = MG_SIDE_OUTSIDE,
			.alg = MG_ALG_NONE,
			.bind = MG_NIL,
			.alg_ctx = c->id | H323_CTX_CALL,
			.what = what[i],
		};
		open_pin(h, c, &x, 0, 0, H323_PIN_OTHER);
	}
}

/* An address that can be the source of the outside endpoint's media: a
 * unicast address that is neither inside nor one of ours. */
static bool media_source_ok(struct mg_h323 *h, uint32_t ip)
{
	const struct mg_config *cfg = mg_engine_config(h->e);
	const uint8_t *b = (const uint8_t *)&ip;
	if (ip == 0 || ip == 0xffffffffu || b[0] == 0 || b[0] == 127 || b[0] >= 224)
		return false;
	return !mg_config_is_inside(cfg, ip) && !mg_config_is_public(cfg, ip);
}

/* Open, next to BASE pinhole pins[i], the like pinhole that admits the
 * call's negotiated media address. */
static void open_follower(struct mg_h323 *h, struct h323_call *c, uint32_t i)
{
	struct mg_expect x;
	struct h323_pin p = c->pins[i];
	if (!mg_alg_pinhole_get(h->e, p.idx, c->id, &x) || x.remote == c->media_src)
		return;
	x.remote = c->media_src;
	open_pin(h, c, &x, p.lcn, p.chan_side, H323_PIN_FOLLOW);
}

/* The outside side sent an address for its own media.  Under media-source
 * negotiated it becomes the call's media source: every inbound media
 * pinhole of the call, those already open included, gets a like pinhole
 * admitting it (the one admitting an earlier address closes). */
static void note_media_source(struct mg_h323 *h, struct h323_call *c, uint32_t ip)
{
	if (mg_engine_config(h->e)->media_source != MG_MEDIA_NEGOTIATED || ip == c->media_src ||
	    !media_source_ok(h, ip))
		return;
	c->media_src = ip;
	uint32_t k = 0;
	for (uint32_t i = 0; i < c->n_pin; i++) {
		if (c->pins[i].media == H323_PIN_FOLLOW)
			mg_alg_pinhole_close(h->e, c->pins[i].idx, c->id);
		else
			c->pins[k++] = c->pins[i];
	}
	c->n_pin = k;
	for (uint32_t i = 0; i < k; i++)
		if (c->pins[i].media == H323_PIN_BASE)
			open_follower(h, c, i);
}

static bool wants_pinhole(uint8_t field, uint8_t *proto, uint8_t *alg, const char **what)
{
	*alg = MG_ALG_NONE;
	switch (field) {
	case MG_F_H245_ADDRESS:
		*proto = MG_PROTO_TCP;
		*alg = MG_ALG_H245;
		*what = "h245";
		return true;
	case MG_F_ALT_ADDRESS:
		*proto = MG_PROTO_TCP;
		*alg = MG_ALG_H323_Q931;
		*what = "q931-forward";
		return true;
	case MG_F_SRC_CALLSIG: /* a listener the peer may call back */
		*proto = MG_PROTO_TCP;
		*alg = MG_ALG_H323_Q931;
		*what = "q931-listen";
		return true;
	case MG_F_T120:
		*proto = MG_PROTO_TCP;
		*what = "t120";
		return true;
	case MG_F_MEDIA:
		*proto = MG_PROTO_UDP;
		*what = "rtp";
		return true;
	case MG_F_MEDIA_CTRL:
		*proto = MG_PROTO_UDP;
		*what = "rtcp";
		return true;
	default:
		return false;
	}
}

/* The ports a pinhole is opened for: RTP and RTCP travel as a pair. */
static unsigned pin_ports(uint8_t proto, uint16_t port, uint16_t out[2])
{
	uint16_t even = (uint16_t)(port & ~1u);
	if (proto != MG_PROTO_UDP || even == 0) {
		out[0] = port;
		return 1;
	}
	out[0] = even;
	out[1] = (uint16_t)(even + 1);
	return 2;
}

static uint8_t addr_proto(uint8_t field)
{
	return field == MG_F_MEDIA || field == MG_F_MEDIA_CTRL ? MG_PROTO_UDP : MG_PROTO_TCP;
}

static uint8_t chan_side_of(const struct mg_h323_addr *a, uint8_t sender_side)
{
	if (a->h245 == MG_H245_OLC_ACK)
		return (uint8_t)(1 - sender_side);
	return sender_side;
}

/* Write a translated transport address (IPv4 address, then port) over
 * a's bytes in the message: same length, through core/rewrite. */
static void put_addr(struct mg_rw_msg *m, const struct mg_h323_addr *a, uint32_t ip, uint16_t port)
{
	uint8_t b[6];
	memcpy(b, &ip, 4);
	mg_wr16(b + 4, port);
	mg_rw_msg_put(m, a->off, b, sizeof(b));
}

/* An inside listener that a static forward already makes reachable is
 * advertised as the forward's public address:port, so the peer calls back
 * where it can get in. */
static bool forwarded(struct mg_h323 *h, uint8_t proto, struct mg_rw_msg *m, const struct mg_h323_addr *a,
		      uint32_t ip)
{
	uint32_t pub;
	uint16_t port;
	if (!mg_config_forward_to(mg_engine_config(h->e), proto, ip, a->port, &pub, &port))
		return false;
	if (pub == 0)
		pub = mg_engine_public_for(h->e, ip);
	if (pub == 0)
		return false;
	put_addr(m, a, pub, port);
	mg_alg_stat_rewrites(h->e, 1);
	H323_TRACE(h, NULL, .kind = MG_H323_TR_REWRITE, .ip = {ip, pub}, .port = {a->port, port});
	return true;
}

/* An address sent from the inside: translate it and let the peer in. */
static enum mg_reason from_inside(struct mg_h323 *h, struct h323_call *c, struct mg_rw_msg *m,
				  const struct mg_h323_addr *a, uint32_t ip)
{
	const struct mg_config *cfg = mg_engine_config(h->e);
	if (!mg_config_is_inside(cfg, ip))
		return MG_R_NONE; /* an outside address: nothing to hide */
	uint8_t proto = addr_proto(a->field);
	if (a->field == MG_F_SRC_CALLSIG && a->port != h->cur.sender_port &&
	    forwarded(h, proto, m, a, ip))
		return MG_R_NONE;
	if (!c) /* no call to hold a binding */
		return h->cur.table_full ? MG_R_ALG_CALL_TABLE_FULL : MG_R_ALG_UNTRANSLATED;
	enum mg_reason why = MG_R_ALG_NAT_FAILED;
	uint32_t b = call_binding(h, c, proto, ip, a->port, &why);
	if (b == MG_NIL)
		return why;
	const struct mg_binding *bi = mg_alg_binding(h->e, b);
	put_addr(m, a, bi->pub_addr, bi->pub_port);
	c->rewrites++;
	H323_TRACE(h, c, .kind = MG_H323_TR_REWRITE, .ip = {ip, bi->pub_addr},
		   .port = {a->port, bi->pub_port});
	mg_alg_stat_rewrites(h->e, 1);

	uint8_t pproto, alg;
	const char *what;
	if (!wants_pinhole(a->field, &pproto, &alg, &what))
		return MG_R_NONE;
	if (a->field == MG_F_SRC_CALLSIG && ip == h->cur.sender && a->port == h->cur.sender_port)
		return MG_R_NONE; /* the connection's own source port: not a listener */
	uint16_t ports[2];
	unsigned np = pin_ports(pproto, a->port, ports);
	for (unsigned i = 0; i < np; i++) {
		uint32_t pb = mg_alg_find_binding(h->e, pproto, ip, ports[i]);
		if (pb == MG_NIL)
			continue;
		const struct mg_binding *pbi = mg_alg_binding(h->e, pb);
		struct mg_expect x;
		memset(&x, 0, sizeof(x));
		x.proto = pproto;
		x.side = MG_SIDE_OUTSIDE;
		x.remote = mg_engine_config(h->e)->media_source == MG_MEDIA_ANY ? 0 : h->cur.peer_seen;
		x.dst_addr = pbi->pub_addr;
		x.dst_port = pbi->pub_port;
		x.to_addr = ip;
		x.to_port = ports[i];
		x.bind = pb;
		x.alg = alg;
		x.alg_ctx = c->id | H323_CTX_CALL;
		x.what = np == 2 ? (i == 0 ? "rtp" : "rtcp") : what;
		bool follow = pproto == MG_PROTO_UDP &&
			      mg_engine_config(h->e)->media_source == MG_MEDIA_NEGOTIATED;
		uint32_t n_before = c->n_pin;
		open_pin(h, c, &x, a->lcn, chan_side_of(a, MG_SIDE_INSIDE),
			 follow ? H323_PIN_BASE : H323_PIN_OTHER);
		if (follow && c->media_src != 0 && c->n_pin > n_before)
			open_follower(h, c, c->n_pin - 1);
	}
	return MG_R_NONE;
}

/* An address sent from the outside: let the inside host reach it. */
static void from_outside(struct mg_h323 *h, struct h323_call *c, struct mg_rw_msg *m,
			 const struct mg_h323_addr *a, uint32_t ip)
{
	struct h323_cur *cur = &h->cur;
	if (a->field == MG_F_DEST_CALLSIG && h->scan.body == MG_H225_SETUP && ip == cur->peer_seen &&
	    a->port == cur->peer_seen_port && cur->receiver != cur->peer_seen) {
		/* an inbound call names the public address it dialled: the
		 * callee is told its own address instead */
		put_addr(m, a, cur->receiver, cur->receiver_port);
		if (c)
			c->rewrites++;
		H323_TRACE(h, c, .kind = MG_H323_TR_REWRITE, .ip = {ip, cur->receiver},
			   .port = {a->port, cur->receiver_port});
		mg_alg_stat_rewrites(h->e, 1);
		return;
	}
	if (c && (a->field == MG_F_MEDIA || a->field == MG_F_MEDIA_CTRL))
		note_media_source(h, c, ip);
	uint8_t pproto, alg;
	const char *what;
	if (!c || !wants_pinhole(a->field, &pproto, &alg, &what))
		return;
	uint16_t ports[2];
	unsigned np = pin_ports(pproto, a->port, ports);
	for (unsigned i = 0; i < np; i++) {
		struct mg_expect x;
		memset(&x, 0, sizeof(x));
		x.proto = pproto;
		x.side = MG_SIDE_INSIDE;
		x.remote = cur->receiver;
		x.dst_addr = ip;
		x.dst_port = ports[i];
		x.to_addr = ip;
		x.to_port = ports[i];
		x.bind = MG_NIL;
		x.alg = alg;
		x.alg_ctx = c->id | H323_CTX_CALL;
		x.what = np == 2 ? (i == 0 ? "rtp-out" : "rtcp-out") : what;
		open_pin(h, c, &x, a->lcn, chan_side_of(a, MG_SIDE_OUTSIDE), H323_PIN_OTHER);
	}
}

const char *mg_h323_body_name(uint8_t body)
{
	static const char *const n[] = {"setup", "callProceeding", "connect", "alerting", "information",
					"releaseComplete", "facility", "progress", "empty", "status",
					"statusInquiry", "setupAck", "notify"};
	return body < sizeof(n) / sizeof(n[0]) ? n[body] : "message";
}

struct h323_str mg_h323_addr_str(uint32_t ip)
{
	struct h323_str r;
	const uint8_t *b = (const uint8_t *)&ip;
	snprintf(r.s, sizeof(r.s), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	return r;
}

/* "call 7 {0011..}": the id operators see in `show calls` and the
 * callIdentifier as the endpoints know it; "no call" without one. */
struct h323_str mg_h323_call_str(const struct h323_call *c)
{
	struct h323_str r;
	if (!c) {
		snprintf(r.s, sizeof(r.s), "no call");
		return r;
	}
	const uint8_t *g = c->guid;
	int n = snprintf(r.s, sizeof(r.s), "call %u", c->id);
	if (c->has_guid && n > 0 && (size_t)n < sizeof(r.s))
		snprintf(r.s + n, sizeof(r.s) - (size_t)n,
			 " {%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x}", g[0], g[1],
			 g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
	return r;
}

static void update_state(struct h323_call *c, uint8_t q931)
{
	switch (q931) {
	case MG_Q931_CALL_PROCEEDING:
		if (c->state < H323_PROCEEDING)
			c->state = H323_PROCEEDING;
		break;
	case MG_Q931_ALERTING:
		if (c->state < H323_ALERTING)
			c->state = H323_ALERTING;
		break;
	case MG_Q931_CONNECT:
		c->state = H323_CONNECTED;
		break;
	default:
		break;
	}
}

/* The name a trace gives a Q.931 message: its H.225 body, else its type. */
static const char *q931_name(const struct mg_h323_scan *s)
{
	if (s->body != MG_H225_NONE)
		return mg_h323_body_name(s->body);
	switch (s->q931_type) {
	case MG_Q931_SETUP:
		return "setup";
	case MG_Q931_CALL_PROCEEDING:
		return "callProceeding";
	case MG_Q931_ALERTING:
		return "alerting";
	case MG_Q931_CONNECT:
		return "connect";
	case MG_Q931_RELEASE_COMPLETE:
		return "releaseComplete";
	case MG_Q931_FACILITY:
		return "facility";
	default:
		return "q931";
	}
}

/* The name REWRITE traces give an address (h323_trace). */
static const char *field_name(uint8_t field)
{
	static const char *const n[] = {
		[MG_F_H245_ADDRESS] = "h245Address",
		[MG_F_SRC_CALLSIG] = "sourceCallSignalAddress",
		[MG_F_DEST_CALLSIG] = "destCallSignalAddress",
		[MG_F_ALT_ADDRESS] = "alternativeAddress",
		[MG_F_MEDIA] = "mediaChannel",
		[MG_F_MEDIA_CTRL] = "mediaControlChannel",
		[MG_F_T120] = "separateStack",
		[MG_F_MC_SIGNAL] = "signalAddress",
		[MG_F_OTHER] = "transportAddress",
	};
	return field < sizeof(n) / sizeof(n[0]) && n[field] ? n[field] : "address";
}

static void trace_h245(struct mg_h323 *h, const struct h323_call *c, const struct mg_h323_scan *s)
{
	unsigned n = s->n_h245_msg < MG_H323_MAX_H245_MSGS ? s->n_h245_msg : MG_H323_MAX_H245_MSGS;
	if (n == 0) /* a channel message that did not decode */
		H323_TRACE(h, c, .kind = MG_H323_TR_MSG, .h245 = 1, .name = "h245");
	for (unsigned i = 0; i < n; i++)
		H323_TRACE(h, c, .kind = MG_H323_TR_MSG, .h245 = 1, .name = mg_h245_msg_name(s->h245_msg[i].code));
}

/* Every address of the message (h->scan): translated and let in, and the
 * sender's own address checked not to survive.  MG_R_NONE or the drop
 * reason. */
static enum mg_reason translate(struct mg_h323 *h, struct h323_call *c, struct mg_rw_msg *m, const char *cs,
				const char *what, const char *who)
{
	struct mg_engine *e = h->e;
	struct h323_cur *cur = &h->cur;
	const struct mg_h323_scan *s = &h->scan;
	uint32_t len = m->len;

	for (unsigned i = 0; i < s->n_addr; i++) {
		const struct mg_h323_addr *a = &s->addr[i];
		if (a->family != 4 || a->off + 6 > len)
			continue;
		cur->addr_field = field_name(a->field);
		uint32_t ip;
		memcpy(&ip, a->ip, 4);
		if (!cur->from_inside) {
			from_outside(h, c, m, a, ip);
			continue;
		}
		enum mg_reason ar = from_inside(h, c, m, a, ip);
		if (ar == MG_R_NONE)
			continue;
		H323_TRACE(h, c, .kind = MG_H323_TR_PROBLEM, .reason = (uint16_t)ar, .ip = {ip, ip},
			   .port = {a->port, a->port});
		if (mg_alg_untranslatable(e, ar, 0, "%s: %s from %s: %s:%u not translated", cs, what, who,
					  mg_h323_addr_str(ip).s, a->port) != MG_R_NONE)
			return ar;
	}
	/* the sender's own address must not survive anywhere in what it sends */
	if (cur->from_inside && mg_stream_has_addr(m->b, len, cur->sender)) {
		H323_TRACE(h, c, .kind = MG_H323_TR_PROBLEM, .reason = MG_R_ALG_UNTRANSLATED,
			   .ip = {cur->sender, cur->sender});
		if (mg_alg_untranslatable(e, MG_R_ALG_UNTRANSLATED, 0,
					  "%s: %s from %s still carries the sender's address", cs, what,
					  who) != MG_R_NONE)
			return MG_R_ALG_UNTRANSLATED;
	}
	return MG_R_NONE;
}

/* H.460.18 / .19: an inside endpoint that traverses the NAT itself (it
 * keeps its own pinholes open towards its gatekeeper, which proxies the
 * media) wants its gatekeeper to see its addresses as it wrote them:
 * rewriting them breaks the call.  When `alg h460` says the sender is such
 * an endpoint (mg_alg_h460_traverses), the message and every later message
 * of its call, both ways (H.245 included), pass with their addresses
 * unmodified and open no pinholes; the flow's header NAT still applies.
 * Counted and logged once per call (per message when it has no call).
 * Only the inside endpoint decides: a message from outside naming the
 * features does not start this (it is translated like any other,
 * h460-translated), so that no outside party can make inside addresses
 * leave. */
static bool h460_passes(struct mg_h323 *h, struct h323_call *c, const char *cs, const char *what,
			const char *who)
{
	const struct mg_h323_scan *s = &h->scan;
	bool names = s->ras_h46018 || s->ras_h46019;
	if (c && c->h460)
		return true;
	if (!h->cur.from_inside) {
		if (names)
			mg_alg_event(h->e, MG_R_H460_TRANSLATED, "%s: %s from %s names H.460.18/.19: translated (from outside)",
				     cs, what, who);
		return false;
	}
	/* a call asks once, at its first message from inside, unless a later
	 * one names the features (the RAS lookup is not for every segment) */
	bool ask = names || !c || !c->h460_asked;
	if (c)
		c->h460_asked = true;
	if (!ask || !mg_alg_h460_traverses(h->e, h->cur.sender, names)) {
		if (names)
			mg_alg_event(h->e, MG_R_H460_TRANSLATED, "%s: %s from %s names H.460.18/.19: translated (%s)", cs,
				     what, who,
				     mg_engine_config(h->e)->h460 == MG_H460_TRANSLATE ? "alg h460 translate"
											: "not confirmed by its gatekeeper");
		return false;
	}
	if (c)
		c->h460 = true;
	mg_alg_event(h->e, MG_R_ALG_H460_SETUP, "%s: %s from %s %s: its addresses pass unmodified", cs, what, who,
		     !names ? "(H.460.18/.19 confirmed by its gatekeeper)"
		     : s->ras_h46018 ? (s->ras_h46019 ? "names H.460.18 and H.460.19" : "names H.460.18")
				     : "names H.460.19");
	return true;
}

enum mg_reason mg_h323_apply(struct mg_h323 *h, struct mg_rw_msg *m, enum mg_reason r)
{
	struct mg_engine *e = h->e;
	struct h323_cur *cur = &h->cur;
	struct mg_h323_scan *s = &h->scan;
	struct h323_str who = mg_h323_addr_str(cur->sender);

	cur->addr_field = NULL;
	uint32_t ci = cur->sf->kind == MG_ALG_H245 ? cur->sf->call : mg_h323_call_for_message(h);
	struct h323_call *c = ci != MG_NIL ? mg_h323_call_get(h, ci) : NULL;
	cur->hist = c; /* on_message clears it */
	struct h323_str cs = mg_h323_call_str(c);
	const char *what = cur->sf->kind == MG_ALG_H245 ? "h245" : mg_h323_body_name(s->body);
	if (c) {
		c->msgs++;
		c->last = cur->now;
		bool was_connected = c->state == H323_CONNECTED;
		if (cur->sf->kind != MG_ALG_H245)
			update_state(c, s->q931_type);
		if (!was_connected && c->state == H323_CONNECTED)
			H323_TRACE(h, c, .kind = MG_H323_TR_CALL_CONNECT, .ip = {c->inside, c->peer},
				   .count = c->inbound);
	}
	if (h->trace || c) { /* c: for its ladder */
		if (cur->sf->kind != MG_ALG_H245)
			H323_TRACE(h, c, .kind = MG_H323_TR_MSG, .name = q931_name(s));
		if (cur->sf->kind == MG_ALG_H245 || s->n_h245_msg > 0)
			trace_h245(h, c, s);
	}
	if (r != MG_R_NONE) {
		H323_TRACE(h, c, .kind = MG_H323_TR_PROBLEM, .reason = (uint16_t)r);
		/* from the inside it could hide an address; from the outside it
		 * hides nothing of ours, and policy says whether to pass it */
		if (mg_alg_untranslatable(e, r, cur->from_inside ? 0 : MG_ALG_UT_MALFORMED_OUTSIDE,
					  "%s: %s from %s: cannot decode %s", cs.s, what, who.s,
					  s->err_where ? s->err_where : "message") != MG_R_NONE)
			return r;
	}
	if (!h460_passes(h, c, cs.s, what, who.s)) {
		enum mg_reason tr = translate(h, c, m, cs.s, what, who.s);
		if (tr != MG_R_NONE)
			return tr;
	}
	if (c) {
		uint8_t side = cur->from_inside ? MG_SIDE_INSIDE : MG_SIDE_OUTSIDE;
		for (unsigned i = 0; i < s->n_ev; i++) {
			if (s->ev[i].kind == MG_H245_CLC) {
				uint32_t before = c->n_pin;
				mg_h323_call_close_channel(h, c, s->ev[i].lcn, side);
				H323_TRACE(h, c, .kind = MG_H323_TR_PIN_CLOSE, .count = before - c->n_pin,
					   .name = "closeLogicalChannel");
			} else if (s->ev[i].kind == MG_H245_END_SESSION) {
				H323_TRACE(h, c, .kind = MG_H323_TR_PIN_CLOSE, .count = c->n_pin,
					   .name = "endSessionCommand");
				mg_alg_pinhole_close_owner(e, c->id); /* media is over */
				c->n_pin = 0;
			}
		}
	}
	if (c && cur->sf->kind != MG_ALG_H245 && s->q931_type == MG_Q931_RELEASE_COMPLETE) {
		c->cause = s->q931_cause;
		mg_h323_call_end(h, ci, cur->from_inside ? "releaseComplete from inside"
						      : "releaseComplete from outside");
	}
	return MG_R_NONE;
}
