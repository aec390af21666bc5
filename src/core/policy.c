/* policy.c - what a packet that matches no flow may start.
 *
 * From the inside: flows the allow list permits (the NetMeeting port list by
 * default) or an ALG pinhole opened; the source is bound to a public
 * address (endpoint-independent mapping).  A destination that is one of our
 * outside addresses (public or pool) is hairpinned: judged as if the
 * translated packet had arrived from outside.  From the outside: only static
 * forwards, ALG pinholes and the NetMeeting ports of a lent pool address;
 * everything else is dropped as MG_R_INBOUND_NO_PINHOLE.
 */
#include <string.h>

#include "core/engine_priv.h"

static bool allowed_out(const struct mg_config *c, const struct mg_pkt *p)
{
	for (unsigned i = 0; i < c->n_allow; i++) {
		const struct mg_allow *a = &c->allow[i];
		if (a->proto == 0)
			return true;
		if (a->proto != p->proto)
			continue;
		if (p->proto == MG_PROTO_ICMP || p->proto == MG_PROTO_ICMP6)
			return true;
		if (p->t.dport >= a->lo && p->t.dport <= a->hi)
			return true;
	}
	return false;
}

const struct mg_forward *mg_policy_forward(const struct mg_config *c, uint8_t proto, uint32_t dst,
					   uint16_t dport)
{
	for (unsigned i = 0; i < c->n_forward; i++) {
		const struct mg_forward *f = &c->forward[i];
		if (f->proto == proto && (f->pub_addr == 0 || f->pub_addr == dst) &&
		    dport >= f->pub_port && dport <= f->pub_port_hi)
			return f;
	}
	return NULL;
}

static void set4(union mg_addr *a, uint32_t v)
{
	memset(a, 0, sizeof(*a));
	a->w[0] = v;
}

#define PORT_Q931 1720
#define PORT_RAS 1719
#define PORT_RAS_DISCOVERY 1718
#define PORT_ILS 389
#define PORT_ILS_SITE_SERVER 1002 /* Windows 2000 Site Server ILS */
#define PORT_T120 1503
#define PORT_AUDIO_CC 1731

static bool ras_port(uint16_t port)
{
	return port == PORT_RAS || port == PORT_RAS_DISCOVERY;
}

/* The ALG (or guard) for a new flow to `port`; only registered ones. */
static uint8_t alg_for_port(const struct mg_engine *e, uint8_t proto, uint16_t port)
{
	uint8_t a = MG_ALG_NONE;
	if (proto == MG_PROTO_TCP && port == PORT_Q931 && e->cfg.alg_h323)
		a = MG_ALG_H323_Q931;
	else if (proto == MG_PROTO_UDP && ras_port(port))
		a = MG_ALG_RAS;
	else if (proto == MG_PROTO_TCP && (port == PORT_ILS || port == PORT_ILS_SITE_SERVER))
		a = MG_ALG_ILS;
	return e->alg[a] ? a : MG_ALG_NONE;
}

/* ... and for a new flow from the inside: a gatekeeper or endpoint that
 * sends RAS from its RAS port to any port is RAS too. */
static uint8_t alg_for_inside(const struct mg_engine *e, const struct mg_pkt *p)
{
	uint8_t a = alg_for_port(e, p->proto, p->t.dport);
	if (a == MG_ALG_NONE && p->proto == MG_PROTO_UDP && ras_port(p->t.sport) && e->alg[MG_ALG_RAS])
		a = MG_ALG_RAS;
	return a;
}

/* The NetMeeting ports of KB 158623 an outside caller opens towards a
 * host: H.323 call setup, T.120, audio call control. */
static bool netmeeting_port(uint8_t proto, uint16_t port)
{
	return proto == MG_PROTO_TCP && (port == PORT_Q931 || port == PORT_T120 || port == PORT_AUDIO_CC);
}

/* To a pool address: while a host holds it, its NetMeeting ports reach
 * that host on the same port (a forward that follows the lease; TCP 1720
 * is then call signalling for the H.323 ALG like any forwarded call);
 * anything else needs a pinhole, which the ALG opens there because the
 * host's bindings are on that address.  Static forwards never apply. */
static enum mg_reason pool_target(struct mg_engine *e, const struct mg_pkt *p, uint32_t src,
				  uint32_t *to_addr, uint16_t *to_port, uint32_t *pin)
{
	uint32_t dst = mg_addr_v4(&p->t.dst);
	uint32_t host = mg_pool_host(&e->pool, dst);
	if (host && netmeeting_port(p->proto, p->t.dport)) {
		*to_addr = host;
		*to_port = p->t.dport;
		return MG_R_NONE;
	}
	/* a call still running when the lease ended keeps its media: pinholes
	 * belong to calls, not to leases */
	uint32_t x = mg_expect_match(&e->ex, p->proto, MG_SIDE_OUTSIDE, src, dst, p->t.dport);
	if (x == MG_NIL)
		return MG_R_INBOUND_NO_PINHOLE;
	*pin = x;
	*to_addr = e->ex.x[x].to_addr;
	*to_port = e->ex.x[x].to_port;
	return MG_R_NONE;
}

/* Where an arriving packet to dst (a public address, or any address with NAT
 * off) goes: a forward or a pinhole.  Fills the translated destination. */
static enum mg_reason inbound_target(struct mg_engine *e, const struct mg_pkt *p, uint32_t src,
				     uint32_t *to_addr, uint16_t *to_port, uint32_t *pin)
{
	uint32_t dst = mg_addr_v4(&p->t.dst);
	*pin = MG_NIL;
	if (e->ir.injecting && e->ir.force_addr) { /* a routed call's inside leg */
		*to_addr = e->ir.force_addr;
		*to_port = e->ir.force_port;
		return MG_R_NONE;
	}
	if (mg_config_is_pool(&e->cfg, dst))
		return pool_target(e, p, src, to_addr, to_port, pin);
	const struct mg_forward *fw = mg_policy_forward(&e->cfg, p->proto, dst, p->t.dport);
	if (fw) {
		*to_addr = fw->to_addr;
		*to_port = (uint16_t)(fw->to_port + (p->t.dport - fw->pub_port));
		return MG_R_NONE;
	}
	uint32_t x = mg_expect_match(&e->ex, p->proto, MG_SIDE_OUTSIDE, src, dst, p->t.dport);
	if (x != MG_NIL) {
		*pin = x;
		*to_addr = e->ex.x[x].to_addr;
		*to_port = e->ex.x[x].to_port;
		return MG_R_NONE;
	}
	return MG_R_INBOUND_NO_PINHOLE;
}

/* Conntrack's early drop: a new TCP handshake past the embryonic budget,
 * or any new flow in a full table, takes the place of the oldest
 * handshake that has not completed.  A SYN flood thus recycles its own
 * entries; established flows are never touched. */
static void make_room(struct mg_engine *e, const struct mg_pkt *p)
{
	struct mg_ct *ct = &e->ct;
	bool handshake = p->proto == MG_PROTO_TCP && ct->emb_n >= mg_engine_embryonic_max(e);
	if ((handshake || ct->used >= ct->cap) && ct->emb_head != MG_NIL) {
		mg_engine_count(e, MG_R_CT_EARLY_DROP);
		mg_engine_flow_release(e, ct->emb_head, MG_R_CT_EARLY_DROP);
	}
}

static uint32_t create(struct mg_engine *e, struct mg_pkt *p, enum mg_side side,
		       const struct mg_tuple *reply, uint32_t bind, uint32_t pin, uint8_t alg,
		       enum mg_reason *why)
{
	make_room(e, p);
	uint32_t idx = mg_ct_insert(&e->ct, &p->t, reply, e->now);
	if (idx == MG_NIL) {
		if (bind != MG_NIL)
			mg_nat_unref(&e->nat, bind);
		*why = MG_R_CT_FULL;
		return MG_NIL;
	}
	struct mg_flow *f = &e->ct.flow[idx];
	f->orig_side = (uint8_t)side;
	f->bind = bind;
	f->alg = alg;
	if (pin != MG_NIL) {
		struct mg_expect *x = &e->ex.x[pin];
		x->hits++;
		e->st.pinhole_hits++;
		if (x->owner != 0)
			x->tn.expire = UINT64_MAX; /* in use: lives until its owner closes it */
		if (x->alg != MG_ALG_NONE)
			f->alg = x->alg;
		/* a media flow names its call too: reports and its counters */
		if (x->alg != MG_ALG_NONE || x->owner != 0)
			f->alg_ctx = x->alg_ctx;
	}
	if (memcmp(&reply->src, &p->t.dst, sizeof(reply->src)) != 0)
		f->flags |= MG_FLOW_DNAT;
	if (bind != MG_NIL)
		f->flags |= MG_FLOW_SNAT;
	e->st.flows_created++;
	if (e->flow_new) {
		struct mg_flow_info fi;
		mg_engine_flow_info(e, f, &fi);
		e->flow_new(e->ev_ctx, &fi);
	}
	return idx;
}

static uint32_t new_v6(struct mg_engine *e, struct mg_pkt *p, enum mg_side side, enum mg_reason *why)
{
	if (side == MG_SIDE_OUTSIDE) {
		*why = MG_R_INBOUND_NO_PINHOLE;
		return MG_NIL;
	}
	if (p->proto == MG_PROTO_ICMP6 && !(p->icmp_type == 128)) {
		*why = MG_R_PKT_UNSUPPORTED; /* neighbour discovery is link-local */
		return MG_NIL;
	}
	if (!allowed_out(&e->cfg, p)) {
		*why = MG_R_POLICY_OUTBOUND;
		return MG_NIL;
	}
	struct mg_tuple r;
	mg_tuple_reverse(&r, &p->t);
	return create(e, p, side, &r, MG_NIL, MG_NIL, MG_ALG_NONE, why);
}

uint32_t mg_policy_new_flow(struct mg_engine *e, struct mg_pkt *p, enum mg_side side,
			    enum mg_reason *why)
{
	const struct mg_config *c = &e->cfg;
	if (p->family == MG_AF_INET6)
		return new_v6(e, p, side, why);
	if (p->proto == MG_PROTO_ICMP && p->icmp_type != 8) {
		*why = side == MG_SIDE_OUTSIDE ? MG_R_INBOUND_NO_PINHOLE : MG_R_POLICY_OUTBOUND;
		return MG_NIL;
	}
	uint32_t src = mg_addr_v4(&p->t.src), dst = mg_addr_v4(&p->t.dst);
	struct mg_tuple r; /* the reply key: built as the translated packet, then reversed */
	struct mg_tuple out = p->t;
	uint32_t bind = MG_NIL, pin = MG_NIL;
	uint8_t alg;

	if (side == MG_SIDE_OUTSIDE) {
		if (c->nat && !mg_config_is_ours(c, dst)) {
			*why = MG_R_INBOUND_NO_PINHOLE;
			return MG_NIL;
		}
		uint32_t to;
		uint16_t tp;
		*why = inbound_target(e, p, src, &to, &tp, &pin);
		if (*why != MG_R_NONE)
			return MG_NIL;
		set4(&out.dst, to);
		out.dport = tp;
		if (p->proto == MG_PROTO_ICMP)
			out.sport = tp;
		if (pin != MG_NIL && e->ex.x[pin].bind != MG_NIL) {
			bind = e->ex.x[pin].bind;
			mg_nat_ref(&e->nat, bind);
			e->nat.b[bind].flags |= MG_BIND_TRAFFIC; /* the peer used what was announced */
		}
		alg = alg_for_port(e, p->proto, tp);
		mg_tuple_reverse(&r, &out);
		return create(e, p, side, &r, bind, pin, alg, why);
	}

	/* inside */
	if (!mg_config_is_inside(c, src)) {
		*why = MG_R_POLICY_SPOOF;
		return MG_NIL;
	}
	bool hairpin = c->nat && mg_config_is_ours(c, dst);
	if (!hairpin) {
		pin = mg_expect_match(&e->ex, p->proto, MG_SIDE_INSIDE, src, dst, p->t.dport);
		if (pin == MG_NIL && !allowed_out(c, p)) {
			*why = MG_R_POLICY_OUTBOUND;
			return MG_NIL;
		}
	} else if (mg_expect_match(&e->ex, p->proto, MG_SIDE_INSIDE, src, dst, p->t.dport) == MG_NIL &&
		   !allowed_out(c, p)) {
		*why = MG_R_POLICY_OUTBOUND;
		return MG_NIL;
	}
	alg = alg_for_inside(e, p);
	if (c->nat) {
		bind = mg_nat_bind(&e->nat, p->proto, src, p->t.sport, false, e->now, why);
		if (bind == MG_NIL)
			return MG_NIL;
		e->nat.b[bind].flags |= MG_BIND_TRAFFIC;
		set4(&out.src, e->nat.b[bind].pub_addr);
		out.sport = e->nat.b[bind].pub_port;
		if (p->proto == MG_PROTO_ICMP)
			out.dport = out.sport;
	}
	if (hairpin) {
		uint32_t to;
		uint16_t tp;
		struct mg_pkt q = *p;
		q.t = out; /* judged as the translated packet arriving from outside */
		*why = inbound_target(e, &q, mg_addr_v4(&out.src), &to, &tp, &pin);
		if (*why != MG_R_NONE) {
			mg_nat_unref(&e->nat, bind);
			return MG_NIL;
		}
		set4(&out.dst, to);
		out.dport = tp;
		if (alg == MG_ALG_NONE)
			alg = alg_for_port(e, p->proto, tp);
	}
	mg_tuple_reverse(&r, &out);
	return create(e, p, side, &r, bind, pin, alg, why);
}
