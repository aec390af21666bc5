/* inroute.c - inbound call routing: the pending table, the caller's side of
 * the handshake and of the Setup, the timers (see inroute.h). */
#include <stdlib.h>
#include <string.h>

#include "core/engine_priv.h"
#include "core/inroute_priv.h"
#include "core/l4csum.h"
#include "core/rewrite.h"
#include "core/syncookie.h"

#define PORT_Q931 1720
#define WIN_MAX 65535u

int mg_inroute_init(struct mg_engine *e)
{
	struct mg_inroute *ir = &e->ir;
	uint32_t cap = e->cfg.max_route_pending;
	memset(ir, 0, sizeof(*ir));
	if (!e->cfg.route_all && e->cfg.n_route == 0)
		return 0; /* nothing routed: no tables */
	uint32_t nb = 16;
	while (nb < cap * 2 && nb < (1u << 20))
		nb <<= 1;
	ir->cap = cap;
	ir->mask = nb - 1;
	ir->nflows = e->ct.cap;
	ir->p = calloc(cap, sizeof(*ir->p));
	ir->buf = malloc((size_t)cap * MG_INROUTE_BUF);
	ir->bucket = malloc(nb * sizeof(uint32_t));
	ir->sbucket = malloc(nb * sizeof(uint32_t));
	ir->how = calloc(ir->nflows, 1);
	if (!ir->p || !ir->buf || !ir->bucket || !ir->sbucket || !ir->how ||
	    mg_wheel_init(&ir->wheel, 256, 250, ir->p, sizeof(*ir->p),
			  offsetof(struct mg_inroute_pend, tn), 0) < 0) {
		mg_inroute_free(e);
		return -1;
	}
	for (uint32_t i = 0; i < nb; i++)
		ir->bucket[i] = ir->sbucket[i] = MG_NIL;
	for (uint32_t i = 0; i < cap; i++) {
		ir->p[i].next_free = i + 1 < cap ? i + 1 : MG_NIL;
		ir->p[i].tn.slot = MG_NIL;
	}
	ir->free_head = 0;
	return 0;
}

void mg_inroute_free(struct mg_engine *e)
{
	struct mg_inroute *ir = &e->ir;
	if (ir->p)
		mg_wheel_free(&ir->wheel);
	free(ir->p);
	free(ir->buf);
	free(ir->bucket);
	free(ir->sbucket);
	free(ir->how);
	memset(ir, 0, sizeof(*ir));
}

void mg_engine_route_trust_ack(struct mg_engine *e, bool on)
{
	e->ir.trust_ack = on;
}

bool mg_inroute_routed(const struct mg_engine *e, uint32_t pub)
{
	if (!e->ir.p)
		return false;
	if (e->cfg.route_all)
		return mg_config_is_public(&e->cfg, pub);
	for (unsigned i = 0; i < e->cfg.n_route; i++)
		if (e->cfg.route_addr[i] == pub)
			return true;
	return false;
}

static uint32_t hash_tuple(const struct mg_engine *e, uint32_t caller, uint16_t cport, uint32_t pub)
{
	uint8_t b[10];
	memcpy(b, &caller, 4);
	memcpy(b + 4, &pub, 4);
	memcpy(b + 8, &cport, 2);
	return (uint32_t)mg_siphash(&e->key, b, sizeof(b)) & e->ir.mask;
}

static uint32_t hash_src(const struct mg_engine *e, uint32_t caller)
{
	return (uint32_t)mg_siphash(&e->key, &caller, 4) & e->ir.mask;
}

uint32_t mg_inroute_find(const struct mg_engine *e, uint32_t caller, uint16_t cport, uint32_t pub)
{
	const struct mg_inroute *ir = &e->ir;
	for (uint32_t i = ir->bucket[hash_tuple(e, caller, cport, pub)]; i != MG_NIL; i = ir->p[i].hnext)
		if (ir->p[i].caller == caller && ir->p[i].cport == cport && ir->p[i].pub == pub)
			return i;
	return MG_NIL;
}

static uint32_t per_source(const struct mg_engine *e, uint32_t caller)
{
	const struct mg_inroute *ir = &e->ir;
	uint32_t n = 0;
	for (uint32_t i = ir->sbucket[hash_src(e, caller)]; i != MG_NIL; i = ir->p[i].snext)
		n += ir->p[i].caller == caller;
	return n;
}

static void unlink_chain(struct mg_inroute *ir, uint32_t *head, uint32_t idx, bool src)
{
	for (uint32_t *pp = head; *pp != MG_NIL; pp = src ? &ir->p[*pp].snext : &ir->p[*pp].hnext) {
		if (*pp == idx) {
			*pp = src ? ir->p[idx].snext : ir->p[idx].hnext;
			return;
		}
	}
}

void mg_inroute_pend_free(struct mg_engine *e, uint32_t idx)
{
	struct mg_inroute *ir = &e->ir;
	struct mg_inroute_pend *q = &ir->p[idx];
	if (q->state == MG_IR_FREE)
		return;
	unlink_chain(ir, &ir->bucket[hash_tuple(e, q->caller, q->cport, q->pub)], idx, false);
	unlink_chain(ir, &ir->sbucket[hash_src(e, q->caller)], idx, true);
	mg_wheel_del(&ir->wheel, idx);
	q->state = MG_IR_FREE;
	q->next_free = ir->free_head;
	ir->free_head = idx;
	ir->used--;
}

uint8_t *mg_inroute_pend_buf(struct mg_engine *e, uint32_t idx)
{
	return e->ir.buf + (size_t)idx * MG_INROUTE_BUF;
}

void mg_inroute_pend_deadline(struct mg_engine *e, uint32_t idx, uint64_t ms)
{
	struct mg_inroute_pend *q = &e->ir.p[idx];
	if (q->tn.slot == MG_NIL) { /* taken off the wheel while it fires */
		q->tn.expire = e->now + ms;
		mg_wheel_add(&e->ir.wheel, idx);
		return;
	}
	mg_wheel_update(&e->ir.wheel, idx, e->now + ms);
}

/* A segment from P:1720 to the caller. */
void mg_inroute_to_caller(struct mg_engine *e, const struct mg_inroute_pend *q, uint32_t seq,
			  uint8_t flags, uint16_t mss, const uint8_t *pay, uint32_t len)
{
	struct mg_inroute *ir = &e->ir;
	struct mg_rw_seg s = {
		.src = q->pub,
		.dst = q->caller,
		.sport = PORT_Q931,
		.dport = q->cport,
		.seq = seq,
		.ack = q->rcv_nxt,
		.flags = flags,
		.win = (uint16_t)(MG_INROUTE_BUF - (q->len < MG_INROUTE_BUF ? q->len : MG_INROUTE_BUF)),
		.mss = mss,
		.ip_id = ++ir->ip_id,
	};
	uint32_t n = mg_rw_build_tcp4(ir->seg, sizeof(ir->seg), &s, pay, len);
	if (n == 0)
		return;
	e->st.pkts_out[MG_SIDE_OUTSIDE]++;
	if (e->emit)
		e->emit(e->emit_ctx, ir->seg, n, MG_SIDE_OUTSIDE, e->now);
}

/* A reset to the caller: it is told at once, not left to time out. */
void mg_inroute_reset(struct mg_engine *e, uint32_t idx, enum mg_reason why)
{
	struct mg_inroute_pend *q = &e->ir.p[idx];
	mg_inroute_to_caller(e, q, q->snd_nxt, MG_TH_RST | MG_TH_ACK, 0, NULL, 0);
	mg_engine_count(e, why);
	mg_inroute_pend_free(e, idx);
}

/* SYN: answered with a cookie; nothing is kept. */
static void on_syn(struct mg_engine *e, const struct mg_pkt *p, uint32_t caller, uint32_t pub)
{
	struct mg_cookie_in in = {caller, pub, p->t.sport, p->t.dport, p->seq};
	uint16_t mss = mg_cookie_mss(p->mss);
	struct mg_inroute_pend q = {.caller = caller, .pub = pub, .cport = p->t.sport, .rcv_nxt = p->seq + 1};
	uint32_t isn = mg_cookie_make(&e->key, &in, p->mss, e->now);
	mg_inroute_to_caller(e, &q, isn, MG_TH_SYN | MG_TH_ACK, mss, NULL, 0);
	e->ir.cookies++;
	mg_engine_count(e, MG_R_ROUTE_COOKIE);
}

/* The handshake's last ACK: a pending entry if the cookie is ours. */
static enum mg_reason on_ack(struct mg_engine *e, struct mg_pkt *p, uint32_t caller, uint32_t pub,
			     uint32_t *out)
{
	struct mg_inroute *ir = &e->ir;
	struct mg_cookie_in in = {caller, pub, p->t.sport, p->t.dport, p->seq - 1};
	uint16_t mss;
	*out = MG_NIL;
	if (ir->trust_ack)
		mss = 1460; /* the recording gateway's cookie: its MSS is not ours to read */
	else if (!mg_cookie_check(&e->key, &in, p->ack - 1, e->now, &mss))
		return MG_R_ROUTE_BAD_COOKIE;
	if (p->paylen && !mg_l4_csum_check(p))
		return MG_R_L4_BAD_CHECKSUM;
	if (ir->free_head == MG_NIL)
		return MG_R_ROUTE_PENDING_FULL;
	if (per_source(e, caller) >= e->cfg.max_route_pending_per_source)
		return MG_R_ROUTE_PENDING_SOURCE;
	uint32_t idx = ir->free_head;
	struct mg_inroute_pend *q = &ir->p[idx];
	ir->free_head = q->next_free;
	ir->used++;
	memset(q, 0, sizeof(*q));
	q->tn.slot = MG_NIL;
	q->caller = caller;
	q->pub = pub;
	q->cport = p->t.sport;
	q->mss = mss;
	q->win = p->win;
	q->state = MG_IR_WAIT_SETUP;
	q->isn_c = p->seq - 1;
	q->isn_g = p->ack - 1;
	q->rcv_nxt = p->seq;
	q->snd_nxt = p->ack;
	q->flow = MG_NIL;
	q->created = e->now;
	uint32_t h = hash_tuple(e, caller, q->cport, pub), s = hash_src(e, caller);
	q->hnext = ir->bucket[h];
	ir->bucket[h] = idx;
	q->snext = ir->sbucket[s];
	ir->sbucket[s] = idx;
	q->tn.expire = e->now + (uint64_t)e->cfg.to.route_setup * 1000;
	mg_wheel_add(&ir->wheel, idx);
	ir->accepted++;
	*out = idx;
	return MG_R_NONE;
}

/* Bytes of the Setup, in order; a segment ahead of a gap is not kept (the
 * caller sends it again after our duplicate ACK). */
static enum mg_reason on_data(struct mg_engine *e, uint32_t idx, struct mg_pkt *p)
{
	struct mg_inroute_pend *q = &e->ir.p[idx];
	if (p->paylen == 0)
		return MG_R_NONE;
	if (!mg_l4_csum_check(p))
		return MG_R_L4_BAD_CHECKSUM;
	int32_t ahead = (int32_t)(p->seq - q->rcv_nxt);
	if (ahead > 0) {
		mg_inroute_to_caller(e, q, q->snd_nxt, MG_TH_ACK, 0, NULL, 0);
		return MG_R_ROUTE_SEGMENT;
	}
	uint32_t skip = (uint32_t)-ahead;
	if (skip >= p->paylen) { /* all of it seen before: acknowledge again */
		mg_inroute_to_caller(e, q, q->snd_nxt, MG_TH_ACK, 0, NULL, 0);
		return MG_R_NONE;
	}
	uint32_t n = p->paylen - skip;
	if (q->len + n > MG_INROUTE_BUF)
		return MG_R_ROUTE_SETUP_TOO_BIG;
	memcpy(mg_inroute_pend_buf(e, idx) + q->len, p->l3 + p->payoff + skip, n);
	q->len += n;
	q->rcv_nxt += n;
	mg_inroute_to_caller(e, q, q->snd_nxt, MG_TH_ACK, 0, NULL, 0);
	return MG_R_NONE;
}

/* A segment of a pending connection. */
static enum mg_reason pending(struct mg_engine *e, uint32_t idx, struct mg_pkt *p)
{
	struct mg_inroute_pend *q = &e->ir.p[idx];
	uint8_t fl = p->tcp_flags;
	if (fl & MG_TH_RST) {
		if ((int32_t)(p->seq - q->rcv_nxt) >= 0 && (int32_t)(p->seq - q->rcv_nxt) < (int32_t)WIN_MAX) {
			mg_inroute_pend_free(e, idx);
			return MG_R_NONE;
		}
		return MG_R_TCP_BAD_RST;
	}
	if ((fl & MG_TH_SYN) || !(fl & MG_TH_ACK))
		return MG_R_ROUTE_SEGMENT;
	q->win = p->win;
	switch (q->state) {
	case MG_IR_JOINING:
		return MG_R_ROUTE_JOINING;
	case MG_IR_CLOSING:
		if ((fl & MG_TH_FIN) && (int32_t)(p->seq + p->paylen - q->rcv_nxt) >= 0) {
			q->rcv_nxt = p->seq + p->paylen + 1;
			mg_inroute_to_caller(e, q, q->snd_nxt, MG_TH_ACK, 0, NULL, 0);
			mg_inroute_pend_free(e, idx);
		}
		return MG_R_NONE;
	default:
		break;
	}
	enum mg_reason r = on_data(e, idx, p);
	if (r == MG_R_ROUTE_SETUP_TOO_BIG) {
		mg_inroute_reset(e, idx, r);
		return MG_R_NONE;
	}
	if (r != MG_R_NONE)
		return r;
	if (fl & MG_TH_FIN) { /* gave up before the Setup was complete */
		mg_inroute_reset(e, idx, MG_R_ROUTE_NOT_SETUP);
		return MG_R_NONE;
	}
	mg_inroute_setup_ready(e, idx);
	return MG_R_NONE;
}

bool mg_inroute_outside(struct mg_engine *e, struct mg_pkt *p, uint32_t flow, enum mg_reason *r)
{
	uint32_t caller = mg_addr_v4(&p->t.src), pub = mg_addr_v4(&p->t.dst);
	*r = MG_R_NONE;
	uint32_t idx = mg_inroute_find(e, caller, p->t.sport, pub);
	if (idx != MG_NIL) {
		*r = pending(e, idx, p);
		return true;
	}
	if (flow != MG_NIL) {
		if (e->ct.flow[flow].flags & MG_FLOW_JOINING) {
			*r = MG_R_ROUTE_JOINING;
			return true;
		}
		return false; /* a joined call: the engine goes on */
	}
	uint8_t fl = p->tcp_flags & (MG_TH_SYN | MG_TH_ACK | MG_TH_RST | MG_TH_FIN);
	if (fl == MG_TH_SYN) {
		on_syn(e, p, caller, pub);
		return true;
	}
	if ((fl & (MG_TH_SYN | MG_TH_RST)) || !(fl & MG_TH_ACK)) {
		*r = MG_R_TCP_NO_SYN;
		return true;
	}
	*r = on_ack(e, p, caller, pub, &idx);
	if (*r == MG_R_NONE && idx != MG_NIL && (p->paylen || (fl & MG_TH_FIN)))
		*r = pending(e, idx, p); /* the ACK carried data already */
	return true;
}

static void fire(void *ctx, uint32_t idx)
{
	struct mg_engine *e = ctx;
	struct mg_inroute_pend *q = &e->ir.p[idx];
	switch (q->state) {
	case MG_IR_WAIT_SETUP:
		e->ir.timeouts++;
		mg_inroute_reset(e, idx, MG_R_ROUTE_SETUP_TIMEOUT);
		break;
	case MG_IR_JOINING:
		mg_inroute_inside_failed(e, idx);
		break;
	default:
		mg_inroute_pend_free(e, idx);
		break;
	}
}

void mg_inroute_expire(struct mg_engine *e, uint64_t now)
{
	if (e->ir.p)
		mg_wheel_run(&e->ir.wheel, now, fire, e);
}

void mg_inroute_flow_end(struct mg_engine *e, uint32_t flow)
{
	if (e->ir.how && flow < e->ir.nflows)
		e->ir.how[flow] = MG_IR_HOW_NONE;
}

const char *mg_inroute_how_name(uint8_t how)
{
	switch (how) {
	case MG_IR_HOW_ALIAS:
		return "routed-alias";
	case MG_IR_HOW_NUMBER:
		return "routed-number";
	case MG_IR_HOW_POOL:
		return "routed-pool";
	case MG_IR_HOW_DEFAULT:
		return "routed-default";
	default:
		return NULL;
	}
}
