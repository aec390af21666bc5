/* inroute_join.c - inbound routing: choosing the inside host for a Setup,
 * opening the inside leg and joining it to the caller's (see inroute.h). */
#include <stdio.h>
#include <string.h>

#include "core/engine_priv.h"
#include "core/inroute_priv.h"
#include "core/rewrite.h"
#include "proto/h225.h"
#include "proto/q931.h"
#include "proto/q931_build.h"
#include "proto/tpkt.h"

#define PORT_Q931 1720
#define JOIN_MS 3000    /* the inside host answers the SYN within this */
#define CLOSING_MS 5000 /* the caller closes after ReleaseComplete within this */

/* Q.931 cause values (Q.850) */
#define CAUSE_UNALLOCATED 1
#define CAUSE_NO_ROUTE 3
#define CAUSE_OUT_OF_ORDER 27
#define CAUSE_RESOURCES 47

static void addr_str(uint32_t a, char *out, size_t n)
{
	const uint8_t *b = (const uint8_t *)&a;
	snprintf(out, n, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

/* ReleaseComplete and FIN to the caller; the entry waits for its FIN. */
static void release(struct mg_engine *e, uint32_t idx, uint8_t cause)
{
	struct mg_inroute_pend *q = &e->ir.p[idx];
	uint8_t rc[256];
	size_t n = mg_q931_build_release_complete(rc, sizeof(rc), q->call_ref, true, cause,
						  q->has_callid ? q->callid : NULL);
	mg_inroute_to_caller(e, q, q->snd_nxt, MG_TH_ACK | MG_TH_PSH | MG_TH_FIN, 0, rc, (uint32_t)n);
	q->snd_nxt += (uint32_t)n + 1;
	q->state = MG_IR_CLOSING;
	mg_inroute_pend_deadline(e, idx, CLOSING_MS);
}

/* Which inside host: destinationAddress aliases, then the Called party
 * number, then the `forward tcp 1720` of the public address dialled. */
static uint8_t pick(struct mg_engine *e, struct mg_inroute_pend *q, const uint8_t *msg, uint32_t len,
		    char *key, size_t keylen, uint8_t *cause)
{
	struct mg_h225_aliases al;
	bool named = false;
	key[0] = '\0';
	if (mg_h225_setup_aliases(msg, len, e->ir.scan, &al) || al.n[1] > 0) {
		for (unsigned i = 0; i < al.n[1] && i < MG_H225_ALIASES; i++) {
			const struct mg_h225_alias *a = &al.a[1][i];
			if (a->type == MG_H225_ALIAS_NONE || a->type == MG_H225_ALIAS_OTHER || a->cut)
				continue;
			named = true;
			struct mg_dir_entry *en = mg_dir_lookup_mut(&e->dir, a->s, a->type, e->now);
			if (en) {
				q->to_addr = en->addr;
				q->to_port = en->port;
				en->hits++;
				snprintf(key, keylen, "alias '%s'", a->s);
				return MG_IR_HOW_ALIAS;
			}
		}
	}
	char num[MG_DIR_KEY_LEN];
	if (mg_q931_called_number(msg, len, num, sizeof(num)) && num[0]) {
		named = true;
		struct mg_dir_entry *en = mg_dir_lookup_mut(&e->dir, num, MG_ALIAS_DIGITS, e->now);
		if (en) {
			q->to_addr = en->addr;
			q->to_port = en->port;
			en->hits++;
			snprintf(key, keylen, "called number '%s'", num);
			return MG_IR_HOW_NUMBER;
		}
	}
	const struct mg_forward *fw = mg_policy_forward(&e->cfg, MG_PROTO_TCP, q->pub, PORT_Q931);
	if (fw) {
		q->to_addr = fw->to_addr;
		q->to_port = fw->to_port;
		snprintf(key, keylen, "the default forward");
		return MG_IR_HOW_DEFAULT;
	}
	*cause = named ? CAUSE_UNALLOCATED : CAUSE_NO_ROUTE;
	return MG_IR_HOW_NONE;
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
		ir->inside_failed++;
		mg_engine_count(e, MG_R_ROUTE_INSIDE_FAILED);
		release(e, idx, CAUSE_RESOURCES);
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
	const uint8_t *b = mg_inroute_pend_buf(e, idx);
	uint32_t tlen;
	enum mg_tpkt_status st = mg_tpkt_frame(b, q->len, &tlen);
	if (st == MG_TPKT_NEED)
		return;
	if (st == MG_TPKT_BAD || tlen <= MG_TPKT_HDR_LEN) {
		mg_inroute_reset(e, idx, MG_R_ROUTE_NOT_SETUP);
		return;
	}
	const uint8_t *msg = b + MG_TPKT_HDR_LEN;
	uint32_t len = tlen - MG_TPKT_HDR_LEN;
	struct mg_h323_scan *s = e->ir.scan;
	mg_h323_scan_init(s, msg, len);
	if (mg_q931_scan(s, msg, len) != MG_R_NONE || s->q931_type != MG_Q931_SETUP || !s->has_uuie ||
	    s->body != MG_H225_SETUP) {
		mg_inroute_reset(e, idx, MG_R_ROUTE_NOT_SETUP);
		return;
	}
	q->call_ref = s->call_ref;
	q->has_callid = s->has_call_id;
	memcpy(q->callid, s->call_id, 16);
	char key[MG_DIR_KEY_LEN + 24], ca[16], to[16];
	uint8_t cause = CAUSE_NO_ROUTE;
	addr_str(q->caller, ca, sizeof(ca));
	q->how = pick(e, q, msg, len, key, sizeof(key), &cause);
	if (q->how == MG_IR_HOW_NONE) {
		e->ir.refused++;
		mg_engine_event(e, MG_R_ROUTE_NO_ROUTE, "call from %s:%u: no inside host, ReleaseComplete cause %u",
				ca, q->cport, cause);
		release(e, idx, cause);
		return;
	}
	addr_str(q->to_addr, to, sizeof(to));
	mg_engine_event(e, MG_R_ROUTE_ROUTED, "call from %s:%u routed to %s:%u by %s", ca, q->cport, to,
			q->to_port, key);
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
	release(e, idx, CAUSE_OUT_OF_ORDER);
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
