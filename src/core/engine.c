/* engine.c - the packet path (see DESIGN.md "The packet path"). */
#include <string.h>

#include "core/engine_priv.h"
#include "core/l4csum.h"
#include "core/rewrite.h"

#define PORT_Q931 1720

uint32_t mg_engine_embryonic_max(const struct mg_engine *e)
{
	uint32_t half = e->ct.cap / 2 ? e->ct.cap / 2 : 1;
	return e->cfg.max_embryonic < half ? e->cfg.max_embryonic : half;
}

/* pf's adaptive timeouts for handshakes: past 60 % of the embryonic budget
 * the SYN timeouts shrink linearly, to 1 s at the budget. */
static uint32_t adaptive(const struct mg_engine *e, uint32_t s)
{
	uint32_t max = mg_engine_embryonic_max(e), start = max - max * 2 / 5, n = e->ct.emb_n;
	if (n <= start || max <= start)
		return s;
	if (n >= max)
		return 1;
	uint64_t scaled = (uint64_t)s * (max - n) / (max - start);
	return scaled < 1 ? 1 : (uint32_t)scaled;
}

uint64_t mg_flow_timeout_ms(const struct mg_engine *e, const struct mg_flow *f)
{
	const struct mg_timeouts *to = &e->cfg.to;
	uint32_t s, alg_s = 0;
	if (f->alg != MG_ALG_NONE && e->alg[f->alg] && e->alg[f->alg]->idle_s)
		alg_s = e->alg[f->alg]->idle_s(e->alg_state[f->alg], f);
	switch (f->k[0].proto) {
	case MG_PROTO_TCP:
		s = mg_tcp_timeout(&f->tcp, to);
		if (f->tcp.state == MG_TCP_SYN_SENT || f->tcp.state == MG_TCP_SYN_RECV)
			s = adaptive(e, s);
		break;
	case MG_PROTO_UDP:
		s = f->pkts[1] ? to->udp_stream : to->udp;
		break;
	default:
		s = to->icmp;
		break;
	}
	if (alg_s && alg_s < s)
		s = alg_s;
	return (uint64_t)s * 1000;
}

enum mg_side mg_engine_route(const struct mg_engine *e, const struct mg_pkt *p, enum mg_side in)
{
	if (p->family != MG_AF_INET)
		return in == MG_SIDE_INSIDE ? MG_SIDE_OUTSIDE : MG_SIDE_INSIDE;
	return mg_config_is_inside(&e->cfg, mg_addr_v4(&p->t.dst)) ? MG_SIDE_INSIDE : MG_SIDE_OUTSIDE;
}

void mg_engine_flow_release(struct mg_engine *e, uint32_t idx, uint16_t why)
{
	struct mg_flow *f = &e->ct.flow[idx];
	if (!(f->flags & MG_FLOW_USED))
		return;
	if (e->flow_end) {
		struct mg_flow_info fi;
		mg_engine_flow_info(e, f, &fi);
		fi.end_reason = why;
		e->flow_end(e->flow_end_ctx, &fi);
	}
	if (f->alg != MG_ALG_NONE && e->alg[f->alg] && e->alg[f->alg]->flow_end)
		e->alg[f->alg]->flow_end(e->alg_state[f->alg], e, idx);
	if (f->bind != MG_NIL)
		mg_nat_unref(&e->nat, f->bind);
	mg_engine_seqadj_release(e, f);
	mg_inroute_flow_end(e, idx);
	mg_ct_remove(&e->ct, idx);
	e->st.flows_expired++;
}

static void flow_fire(void *ctx, uint32_t idx)
{
	mg_engine_flow_release(ctx, idx, 0);
}

static void pinhole_fire(void *ctx, uint32_t idx)
{
	struct mg_engine *e = ctx;
	mg_engine_pinhole_closing(e, idx);
	uint32_t b = mg_expect_del(&e->ex, idx);
	if (b != MG_NIL)
		mg_nat_unref(&e->nat, b);
	e->st.pinholes_closed++;
}

void mg_engine_expire(struct mg_engine *e, uint64_t now)
{
	if (now > e->now)
		e->now = now;
	mg_wheel_run(&e->ct.wheel, e->now, flow_fire, e);
	mg_wheel_run(&e->ex.wheel, e->now, pinhole_fire, e);
	mg_dir_expire(&e->dir, e->now);
	mg_inroute_expire(e, e->now);
	for (int i = 0; i < MG_ALG__COUNT; i++)
		if (e->alg[i] && e->alg[i]->tick)
			e->alg[i]->tick(e->alg_state[i], e, e->now);
}

/* Later fragments follow the first one's flow and translation. */
static struct mg_result later_fragment(struct mg_engine *e, struct mg_pkt *p, enum mg_side side)
{
	struct mg_result res = {MG_VERDICT_DROP, 0, MG_R_FRAG_NO_FIRST, 0};
	struct mg_frag_hit x;
	if (!mg_frag_later(&e->frag, p, e->now, &x))
		return res;
	struct mg_flow *f = &e->ct.flow[x.flow];
	if (!(f->flags & MG_FLOW_USED) || f->created != x.flow_created)
		return res;
	f->pkts[x.dir]++;
	f->bytes[x.dir] += p->len;
	mg_rw_nat(p, f, x.dir);
	res.verdict = MG_VERDICT_ACCEPT;
	res.reason = MG_R_NONE;
	res.out_side = (uint8_t)mg_engine_route(e, p, side);
	return res;
}

/* A SYN (without ACK) on a flow whose connection is over - TIME_WAIT, or
 * CLOSE after a RST - starts a new connection, from either end (RFC 1122
 * 4.2.2.13, RFC 6191: the endpoints judge the new ISN; the gateway only
 * refuses to tie the new connection to the old one's state).  A SYN on a
 * connection that is still open is left to TCP tracking (and refused). */
static bool reopens(const struct mg_flow *f, const struct mg_pkt *p)
{
	if (p->proto != MG_PROTO_TCP || (p->tcp_flags & (MG_TH_SYN | MG_TH_ACK | MG_TH_RST | MG_TH_FIN)) != MG_TH_SYN)
		return false;
	return f->tcp.state == MG_TCP_TIME_WAIT || f->tcp.state == MG_TCP_CLOSE;
}

/* The flow's ALG may refuse a new flow (per-source limits); a refused
 * flow is released before it held anything of the ALG's. */
static enum mg_reason alg_admit(struct mg_engine *e, uint32_t idx)
{
	struct mg_flow *f = &e->ct.flow[idx];
	if (f->alg == MG_ALG_NONE || !e->alg[f->alg] || !e->alg[f->alg]->admit)
		return MG_R_NONE;
	enum mg_reason r = e->alg[f->alg]->admit(e->alg_state[f->alg], e, idx);
	if (r != MG_R_NONE) {
		f->alg = MG_ALG_NONE;
		mg_engine_flow_release(e, idx, r);
	}
	return r;
}

static enum mg_reason track(struct mg_engine *e, struct mg_flow *f, struct mg_pkt *p, int dir,
			    bool is_new)
{
	if (p->proto != MG_PROTO_TCP)
		return MG_R_NONE;
	return is_new ? mg_tcp_new(&f->tcp, p) : mg_tcp_track(&f->tcp, p, dir);
}

/* A segment an ALG will parse must arrive intact: checked before it moves
 * any TCP or stream state, and it sets p->paysum for the checksum update
 * after payload edits. */
static bool alg_segment_ok(const struct mg_engine *e, const struct mg_flow *f, struct mg_pkt *p)
{
	if (f->alg == MG_ALG_NONE || !e->alg[f->alg] || p->paylen == 0)
		return true;
	return mg_l4_csum_check(p);
}

struct mg_result mg_engine_process(struct mg_engine *e, uint8_t *l3, uint32_t len,
				   enum mg_side side, uint64_t now)
{
	struct mg_result res = {MG_VERDICT_DROP, 0, MG_R_NONE, 0};
	struct mg_pkt p;
	enum mg_reason r;
	int dir = 0;
	bool is_new = false;
	const struct mg_pkt *parsed = NULL; /* for the drop line */

	e->st.pkts_in[side & 1]++;
	if (now > e->now)
		mg_engine_expire(e, now);

	r = mg_pkt_parse(&p, l3, len);
	if (r != MG_R_NONE)
		goto drop;
	parsed = &p;
	if (p.frag == MG_FRAG_LATER) {
		res = later_fragment(e, &p, side);
		r = (enum mg_reason)res.reason;
		if (res.verdict != MG_VERDICT_ACCEPT)
			goto drop;
		goto out;
	}
	if (p.icmp_error) {
		r = mg_icmp_error(e, &p, side);
		if (r != MG_R_NONE)
			goto drop;
		res.verdict = MG_VERDICT_ACCEPT;
		res.out_side = (uint8_t)mg_engine_route(e, &p, side);
		goto out;
	}

	uint32_t idx = mg_ct_lookup(&e->ct, &p.t, &dir);
	if (idx != MG_NIL && e->ct.flow[idx].tn.expire <= now) {
		mg_engine_flow_release(e, idx, 0); /* due but not yet swept */
		idx = MG_NIL;
	}
	if (idx != MG_NIL && reopens(&e->ct.flow[idx], &p)) {
		/* a new connection on the tuple of a closed one: nothing of the
		 * old one (ALG state, call, NAT reference) may carry over */
		mg_engine_flow_release(e, idx, MG_R_TCP_REOPENED);
		mg_engine_count(e, MG_R_TCP_REOPENED);
		idx = MG_NIL;
	}
	if (side == MG_SIDE_OUTSIDE && p.proto == MG_PROTO_TCP && p.t.dport == PORT_Q931 &&
	    p.family == MG_AF_INET && !e->ir.injecting && mg_inroute_routed(e, mg_addr_v4(&p.t.dst)) &&
	    mg_inroute_outside(e, &p, idx, &r)) {
		if (r != MG_R_NONE)
			goto drop;
		goto consumed;
	}
	if (idx == MG_NIL) {
		if (p.proto == MG_PROTO_TCP && (p.tcp_flags & (MG_TH_SYN | MG_TH_ACK | MG_TH_RST)) != MG_TH_SYN) {
			r = MG_R_TCP_NO_SYN; /* checked before any state is created */
			goto drop;
		}
		idx = mg_policy_new_flow(e, &p, side, &r);
		if (idx == MG_NIL)
			goto drop;
		r = alg_admit(e, idx);
		if (r != MG_R_NONE)
			goto drop;
		is_new = true;
		dir = 0;
	}
	struct mg_flow *f = &e->ct.flow[idx];
	if ((f->flags & MG_FLOW_JOINING) && side == MG_SIDE_INSIDE && mg_inroute_inside(e, idx, &p, dir, &r)) {
		if (r != MG_R_NONE)
			goto drop;
		goto consumed;
	}
	/* a segment the endpoint would discard moves no state; ACKs of a
	 * resized stream are tracked (and leave) in its sender's numbers */
	bool intact = alg_segment_ok(e, f, &p);
	if (intact && f->seqadj != MG_NIL)
		mg_engine_seqadj_ack(e, f, &p, dir);
	r = intact ? track(e, f, &p, dir, is_new) : MG_R_L4_BAD_CHECKSUM;
	if (r != MG_R_NONE) {
		if (is_new)
			mg_engine_flow_release(e, idx, r);
		goto drop;
	}
	if (p.proto == MG_PROTO_TCP)
		mg_ct_embryo_set(&e->ct, idx,
				 f->tcp.state == MG_TCP_SYN_SENT || f->tcp.state == MG_TCP_SYN_RECV);
	f->pkts[dir]++;
	f->bytes[dir] += p.len;
	if (f->alg == MG_ALG_NONE && f->alg_ctx != MG_NIL)
		mg_engine_call_media(e, f, dir, p.len);
	f->last = now;
	mg_wheel_update(&e->ct.wheel, idx, now + mg_flow_timeout_ms(e, f));
	if (is_new)
		mg_wheel_add(&e->ct.wheel, idx);

	if (f->alg != MG_ALG_NONE && e->alg[f->alg]) {
		if (p.frag != MG_FRAG_NONE && p.paylen > 0) {
			r = MG_R_ALG_UNTRANSLATED; /* signalling is never inspected in pieces */
			goto drop;
		}
		e->alg_logged = false;
		struct mg_alg_verdict av = e->alg[f->alg]->inspect(e->alg_state[f->alg], e, idx, &p, dir, now);
		/* what the ALG learnt may change how long the flow may idle */
		mg_wheel_update(&e->ct.wheel, idx, now + mg_flow_timeout_ms(e, f));
		if (av.reason != MG_R_NONE) {
			r = av.reason;
			goto drop;
		}
		if (av.hold) {
			res.verdict = MG_VERDICT_HOLD;
			res.reason = MG_R_NONE;
			return res;
		}
		if (av.payload_changed) {
			mg_rw_payload_csum(&p, p.paysum);
			p.changed |= MG_RW_PAYLOAD;
		}
	}
	/* later fragments arrive with the addresses the sender wrote: note them
	 * before translation (making room is an event, not a drop) */
	if (p.frag == MG_FRAG_FIRST) {
		enum mg_reason ev = mg_frag_note(&e->frag, &p, idx, f->created, dir,
						 now + (uint64_t)e->cfg.to.frag * 1000, now,
						 e->cfg.max_frags_per_src);
		if (ev != MG_R_NONE)
			mg_engine_event(e, ev, "incomplete fragmented datagram evicted");
	}
	enum mg_side out_side;
	if (f->seqadj == MG_NIL) {
		mg_rw_nat(&p, f, dir);
		out_side = mg_engine_route(e, &p, side);
	} else {
		bool sent;
		e->alg_logged = false; /* a drop from here on is the engine's own */
		r = mg_engine_send_prepare(e, idx, &p, dir, side, &out_side, &sent);
		if (r != MG_R_NONE)
			goto drop;
		if (sent) {
			/* rebuilt segments went out in its place */
			res.verdict = MG_VERDICT_HOLD;
			res.reason = MG_R_NONE;
			return res;
		}
	}
	res.verdict = MG_VERDICT_ACCEPT;
	res.out_side = (uint8_t)out_side;
out:
	e->st.pkts_out[res.out_side & 1]++;
	res.reason = MG_R_NONE;
	res.changed = p.changed;
	return res;
consumed: /* taken by the gateway itself (inbound routing): nothing leaves */
	res.verdict = MG_VERDICT_HOLD;
	res.reason = MG_R_NONE;
	return res;
drop:
	mg_engine_drop(e, r, parsed, side, len);
	res.verdict = MG_VERDICT_DROP;
	res.reason = (uint16_t)r;
	return res;
}
