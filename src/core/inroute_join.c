/* inroute_join.c - inbound routing: the decision on the first message (made
 * by the H.323 ALG's route hook), opening the inside leg and joining it to
 * the caller's (see inroute.h). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/engine_priv.h"
#include "core/inroute_priv.h"
#include "core/rewrite.h"

#define PORT_Q931 1720
#define JOIN_MS 3000    /* the inside host answers the SYN within this */
#define CLOSING_MS 5000 /* the caller closes after ReleaseComplete within this */


static void addr_str(uint32_t a, char *out, size_t n)
{
	const uint8_t *b = (const uint8_t *)&a;
	snprintf(out, n, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

/* ReleaseComplete (rc[0..n)) and FIN to the caller; the entry waits for
 * its FIN. */
static void release(struct mg_engine *e, uint32_t idx, const uint8_t *rc, uint32_t n)
{
	struct mg_inroute_pend *q = &e->ir.p[idx];
	mg_inroute_to_caller(e, q, q->snd_nxt, MG_TH_ACK | MG_TH_PSH | MG_TH_FIN, 0, rc, n);
	q->snd_nxt += n + 1;
	q->state = MG_IR_CLOSING;
	mg_inroute_pend_deadline(e, idx, CLOSING_MS);
}

/* One of the caller's segments, made here, through the engine as if it had
 * arrived from outside; what the engine lets through goes on its way. */
static struct mg_result inject(struct mg_engine *e, uint32_t len)
{
	struct mg_inroute *ir = &e->ir;
	ir->injecting = true;
	struct mg_result res = mg_engine_process(e, ir->seg, len, MG_SIDE_OUTSIDE, e->now);
	ir->injecting = false;
	if (res.verdict == MG_VERDICT_ACCEPT && e->emit)
		e->emit(e->emit_ctx, ir->seg, len, (enum mg_side)res.out_side, e->now);
	return res;
}

static uint32_t caller_seg(struct mg_engine *e, const struct mg_inroute_pend *q, uint32_t seq,
			   uint8_t flags, uint16_t mss, const uint8_t *pay, uint32_t len)
{
	struct mg_rw_seg s = {
		.src = q->caller,
		.dst = q->pub,
		.sport = q->cport,
		.dport = PORT_Q931,
		.seq = seq,
		.ack = q->isn_g + 1,
		.flags = flags,
		.win = q->win,
		.mss = mss,
		.ip_id = ++e->ir.ip_id,
	};
	return mg_rw_build_tcp4(e->ir.seg, sizeof(e->ir.seg), &s, pay, len);
}

/* The inside leg's SYN, with the caller's address, port and ISN. */
static void join(struct mg_engine *e, uint32_t idx)
{
	struct mg_inroute *ir = &e->ir;
	struct mg_inroute_pend *q = &ir->p[idx];
	q->state = MG_IR_JOINING;
	uint32_t n = caller_seg(e, q, q->isn_c, MG_TH_SYN, q->mss, NULL, 0);
	ir->force_addr = q->to_addr;
	ir->force_port = q->to_port;
	struct mg_result res = inject(e, n);
	ir->force_addr = 0;
	ir->force_port = 0;
	struct mg_tuple t = {.sport = q->cport, .dport = PORT_Q931, .proto = MG_PROTO_TCP, .family = MG_AF_INET};
	t.src.w[0] = q->caller;
	t.dst.w[0] = q->pub;
	int dir;
	uint32_t flow = res.verdict == MG_VERDICT_ACCEPT ? mg_ct_lookup(&e->ct, &t, &dir) : MG_NIL;
	if (flow == MG_NIL) {
		mg_inroute_inside_failed(e, idx);
		return;
	}
	struct mg_flow *f = &e->ct.flow[flow];
	f->flags |= MG_FLOW_JOINING;
	q->flow = flow;
	q->flow_created = f->created;
	if (flow < ir->nflows)
		ir->how[flow] = q->how;
	mg_inroute_pend_deadline(e, idx, JOIN_MS);
}

void mg_inroute_setup_ready(struct mg_engine *e, uint32_t idx)
{
	struct mg_inroute_pend *q = &e->ir.p[idx];
	const struct mg_alg_ops *ops = e->alg[MG_ALG_H323_Q931];
	struct mg_inroute_decision *d = &e->ir.d;
	if (!ops || !ops->route) {
		mg_inroute_reset(e, idx, MG_R_ROUTE_NOT_SETUP);
		return;
	}
	memset(d, 0, offsetof(struct mg_inroute_decision, rc));
	d->rc_len = 0;
	ops->route(e->alg_state[MG_ALG_H323_Q931], e, mg_inroute_pend_buf(e, idx), q->len, q->pub, d);
	char ca[16], to[16];
	addr_str(q->caller, ca, sizeof(ca));
	switch (d->verdict) {
	case MG_IR_NEED:
		return;
	case MG_IR_RELEASE:
		e->ir.refused++;
		mg_engine_event(e, MG_R_ROUTE_NO_ROUTE, "call from %s:%u: no inside host, ReleaseComplete cause %u",
				ca, q->cport, d->cause);
		release(e, idx, d->rc, d->rc_len < sizeof(d->rc) ? d->rc_len : 0);
		return;
	case MG_IR_ROUTE:
		break;
	default:
		mg_inroute_reset(e, idx, MG_R_ROUTE_NOT_SETUP);
		return;
	}
	q->how = d->how;
	q->to_addr = d->to_addr;
	q->to_port = d->to_port;
	q->rc_len = d->rc_len <= sizeof(q->rc) ? d->rc_len : 0;
	memcpy(q->rc, d->rc, q->rc_len);
	addr_str(q->to_addr, to, sizeof(to));
	mg_engine_event(e, MG_R_ROUTE_ROUTED, "call from %s:%u routed to %s:%u by %s", ca, q->cport, to,
			q->to_port, d->key);
	join(e, idx);
}

void mg_inroute_inside_failed(struct mg_engine *e, uint32_t idx)
{
	struct mg_inroute_pend *q = &e->ir.p[idx];
	if (q->flow != MG_NIL) {
		struct mg_flow *f = &e->ct.flow[q->flow];
		if ((f->flags & MG_FLOW_USED) && f->created == q->flow_created && (f->flags & MG_FLOW_JOINING))
			mg_engine_flow_release(e, q->flow, MG_R_ROUTE_INSIDE_FAILED);
		q->flow = MG_NIL;
	}
	e->ir.inside_failed++;
	mg_engine_count(e, MG_R_ROUTE_INSIDE_FAILED);
	release(e, idx, q->rc, q->rc_len);
}

/* The inside host accepted: its numbers are shifted into the cookie's, the
 * caller's ACK and Setup follow. */
static enum mg_reason joined(struct mg_engine *e, uint32_t idx, uint32_t flow, struct mg_pkt *p)
{
	struct mg_inroute_pend *q = &e->ir.p[idx];
	struct mg_flow *f = &e->ct.flow[flow];
	enum mg_reason r = mg_tcp_track(&f->tcp, p, 1);
	if (r != MG_R_NONE)
		return r;
	if (f->seqadj == MG_NIL) {
		uint32_t t = mg_seqadj_get(&e->sa);
		if (t == UINT32_MAX) {
			mg_engine_count(e, MG_R_SEQADJ_NO_TABLE);
			mg_inroute_inside_failed(e, idx);
			return MG_R_NONE;
		}
		f->seqadj = t;
	}
	e->sa.t[f->seqadj].d[1].base = (int32_t)(q->isn_g - p->seq);
	f->flags &= (uint8_t)~MG_FLOW_JOINING;
	uint16_t mss = f->tcp.d[1].mss ? f->tcp.d[1].mss : 536;
	if (mss > MG_INROUTE_BUF)
		mss = MG_INROUTE_BUF;
	uint32_t n = caller_seg(e, q, q->isn_c + 1, MG_TH_ACK, 0, NULL, 0);
	inject(e, n);
	const uint8_t *b = mg_inroute_pend_buf(e, idx);
	for (uint32_t off = 0; off < q->len;) {
		uint32_t k = q->len - off < mss ? q->len - off : mss;
		uint8_t fl = MG_TH_ACK | (off + k == q->len ? MG_TH_PSH : 0);
		/* the buffer is copied into the segment before the engine runs */
		n = caller_seg(e, q, q->isn_c + 1 + off, fl, 0, b + off, k);
		if (n == 0)
			break;
		inject(e, n);
		off += k;
	}
	e->ir.routed++;
	mg_inroute_pend_free(e, idx);
	return MG_R_NONE;
}

bool mg_inroute_inside(struct mg_engine *e, uint32_t flow, struct mg_pkt *p, int dir, enum mg_reason *r)
{
	struct mg_inroute *ir = &e->ir;
	const struct mg_flow *f = &e->ct.flow[flow];
	*r = MG_R_ROUTE_JOINING;
	if (!ir->p || dir != 1 || p->proto != MG_PROTO_TCP)
		return true;
	uint32_t idx = mg_inroute_find(e, mg_addr_v4(&f->k[0].src), f->k[0].sport, mg_addr_v4(&f->k[0].dst));
	if (idx == MG_NIL || ir->p[idx].state != MG_IR_JOINING || ir->p[idx].flow != flow ||
	    ir->p[idx].flow_created != f->created)
		return true;
	struct mg_inroute_pend *q = &ir->p[idx];
	uint8_t fl = p->tcp_flags & (MG_TH_SYN | MG_TH_ACK | MG_TH_RST | MG_TH_FIN);
	if ((fl & MG_TH_RST) && (fl & MG_TH_ACK) && p->ack == q->isn_c + 1) {
		*r = MG_R_NONE;
		mg_inroute_inside_failed(e, idx);
		return true;
	}
	if (fl == (MG_TH_SYN | MG_TH_ACK) && p->ack == q->isn_c + 1) {
		*r = joined(e, idx, flow, p);
		return true;
	}
	return true;
}
