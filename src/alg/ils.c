/* ils.c - the ILS ALG's flows: which LDAP flows it follows, their streams,
 * held data timing out, and the fall-back to the ILS guard; see ils.h.
 * Messages are translated in ils_msg.c, registrations learned in
 * ils_dir.c. */
#include <stdlib.h>
#include <string.h>

#include "alg/guards.h"
#include "alg/ils_priv.h"

#define ILS_FLOWS 1024u /* LDAP flows followed at once */
#define ILS_HOLD_AREAS 16u

/* The flow's context, or with `create` a new one (NULL when none is free). */
static struct ils_flow *flow_ctx(struct mg_ils *ils, uint32_t flow, int dir, bool create)
{
	struct mg_flow *f = mg_alg_flow(ils->e, flow);
	uint32_t k = f->alg_ctx;
	if (k != MG_NIL && k < ils->nfl && ils->fl[k].used && ils->fl[k].flow == flow)
		return &ils->fl[k];
	if (!create)
		return NULL;
	for (uint32_t i = 0; i < ils->nfl; i++) {
		k = (ils->hint + i) % ils->nfl;
		if (ils->fl[k].used)
			continue;
		struct ils_flow *fl = &ils->fl[k];
		memset(fl, 0, sizeof(*fl));
		fl->used = true;
		fl->flow = flow;
		fl->dir = (uint8_t)dir;
		mg_stream_init(&fl->st, &mg_stream_ber);
		mg_stream_init(&fl->rst, &mg_stream_ber);
		if (f->tcp.d[dir].flags & MG_TCPF_SEEN)
			mg_stream_start(&fl->st, f->tcp.d[dir].isn + 1);
		if (f->tcp.d[1 - dir].flags & MG_TCPF_SEEN)
			mg_stream_start(&fl->rst, f->tcp.d[1 - dir].isn + 1);
		ils->hint = k + 1;
		mg_alg_flow_set_ctx(ils->e, flow, k);
		return fl;
	}
	return NULL;
}

static void log_flow(struct mg_engine *e, enum mg_reason r, const struct mg_pkt *p, const char *what)
{
	char t[MG_TUPLE_STR];
	mg_tuple_str(&p->t, t, sizeof(t));
	mg_alg_count(e, r);
	mg_alg_log(e, r, "%s: %s: its segments are searched one by one", t, what);
}

/* A segment of a stream that could not be framed: the bytes before the
 * first unframable one belong to messages the ALG handled (they get its
 * same-length rewrites again; the others stay with the flow's seqadj), the
 * rest is searched like the guard does. */
static struct mg_alg_verdict raw_segment(const struct ils_flow *fl, struct mg_engine *e, uint32_t flow,
					 struct mg_pkt *p, int dir)
{
	uint32_t skip = 0;
	const struct mg_flow *f = mg_alg_flow(e, flow);
	/* a segment reaching back before the stream's first byte is none of
	 * its messages: searched whole */
	bool before = (f->tcp.d[dir].flags & MG_TCPF_SEEN) && (int32_t)(p->seq - (f->tcp.d[dir].isn + 1)) < 0;
	if (!before && (int32_t)(p->seq - fl->st.bad_seq) < 0)
		skip = fl->st.bad_seq - p->seq < p->paylen ? fl->st.bad_seq - p->seq : p->paylen;
	bool changed = mg_stream_apply_log(&fl->st, p->l3 + p->payoff, skip, p->seq);
	/* bytes sent again, other than they were: not parsed again, so the
	 * address's 4 bytes must not be among them (as the stream checks), nor
	 * start among them and end in the bytes the guard searches */
	uint32_t chk = p->paylen - skip > 3 ? skip + 3 : p->paylen;
	if (skip > 0 && mg_stream_has_addr(p->l3 + p->payoff, chk, mg_addr_v4(&f->k[dir].src))) {
		struct mg_alg_verdict l = mg_guard_leak(e, MG_R_ILS_UNTRANSLATED, p,
							"LDAP sent again carrying the sender's address");
		l.payload_changed = changed;
		return l;
	}
	struct mg_alg_verdict v = mg_ils_guard_segment(e, flow, p, dir, skip);
	v.payload_changed |= changed;
	return v;
}

/* An answer from outside on a connection the inside host opened: search
 * results translated, responses settling pending requests.  A stream
 * that cannot be framed passes from then on (nothing of ours is in it),
 * the bytes before the first unframable one with their rewrites. */
static struct mg_alg_verdict answer(struct mg_ils *ils, struct mg_engine *e, uint32_t flow, struct mg_pkt *p,
				    int dir, uint64_t now)
{
	struct mg_alg_verdict v = {MG_R_NONE, false, false};
	struct ils_flow *fl = flow_ctx(ils, flow, dir, false);
	if (!fl || fl->dir != 0 || dir != 1)
		return v; /* not followed, or the inside host is the server */
	if (fl->rraw) {
		uint32_t skip = 0;
		if ((int32_t)(p->seq - fl->rst.bad_seq) < 0)
			skip = fl->rst.bad_seq - p->seq < p->paylen ? fl->rst.bad_seq - p->seq : p->paylen;
		v.payload_changed = mg_stream_apply_log(&fl->rst, p->l3 + p->payoff, skip, p->seq);
		return v;
	}
	ils->p = p;
	ils->cur = fl;
	ils->now = now;
	ils->resp = true;
	ils->undecoded = false;
	ils->to = 0;
	v = mg_stream_input(&fl->rst, &ils->hold, e, flow, p, dir, now, 0, mg_ils_on_response, ils);
	if (v.reason != MG_R_ALG_LDAP_BAD || ils->undecoded)
		return v;
	fl->rraw = true;
	mg_stream_release(&fl->rst, &ils->hold);
	log_flow(e, MG_R_ALG_LDAP_BAD, p, "LDAP answers cannot be framed");
	v.reason = MG_R_NONE;
	v.hold = false;
	return v;
}

static struct mg_alg_verdict inspect(void *state, struct mg_engine *e, uint32_t flow, struct mg_pkt *p,
				     int dir, uint64_t now)
{
	struct mg_ils *ils = state;
	struct mg_alg_verdict v = {MG_R_NONE, false, false};
	if (p->proto != MG_PROTO_TCP || p->family != MG_AF_INET)
		return v;
	if (!mg_guard_crosses_nat(e, flow, dir)) {
		if (mg_guard_crosses_nat(e, flow, 1 - dir))
			return answer(ils, e, flow, p, dir, now);
		return v; /* no NAT: nothing to hide */
	}
	struct ils_flow *fl = flow_ctx(ils, flow, dir, p->paylen > 0);
	if (!fl) {
		if (p->paylen == 0)
			return v;
		log_flow(e, MG_R_ALG_LIMIT, p, "no room to follow another LDAP flow");
		return mg_ils_guard_segment(e, flow, p, dir, 0);
	}
	if (fl->dir != dir)
		return mg_ils_guard_segment(e, flow, p, dir, 0);
	if (fl->raw)
		return raw_segment(fl, e, flow, p, dir);
	const struct mg_flow *f = mg_alg_flow(e, flow);
	ils->p = p;
	ils->cur = fl;
	ils->now = now;
	ils->resp = false;
	ils->sender = mg_addr_v4(&f->k[dir].src);
	ils->pub = mg_addr_v4(&f->k[1 - dir].dst); /* the source it leaves with */
	/* with the drop policy, re-sent bytes must not carry the address */
	uint32_t guard = mg_engine_config(e)->untranslatable == MG_UNTRANS_DROP ? ils->sender : 0;
	v = mg_stream_input(&fl->st, &ils->hold, e, flow, p, dir, now, guard, mg_ils_on_message, ils);
	if (v.reason != MG_R_ALG_LDAP_BAD)
		return v;
	/* not BER, or an indefinite length: the stream cannot be followed.
	 * What it held was dropped; the sender sends it again. */
	fl->raw = true;
	mg_stream_release(&fl->st, &ils->hold);
	log_flow(e, MG_R_ALG_LDAP_BAD, p, "LDAP stream cannot be framed");
	return raw_segment(fl, e, flow, p, dir);
}

static void flow_end(void *state, struct mg_engine *e, uint32_t flow)
{
	struct mg_ils *ils = state;
	struct ils_flow *fl = flow_ctx(ils, flow, 0, false);
	if (!fl)
		return;
	mg_stream_release(&fl->st, &ils->hold);
	mg_stream_release(&fl->rst, &ils->hold);
	if (fl->lent)
		mg_alg_pool_return(e, fl->lent);
	fl->lent = 0;
	fl->used = false;
}

/* Once a second: held data waiting too long for the rest of its message
 * is discarded (the stream rewinds; the sender sends it again). */
static void tick(void *state, struct mg_engine *e, uint64_t now)
{
	struct mg_ils *ils = state;
	if (now / 1000 == ils->last_tick_s)
		return;
	ils->last_tick_s = now / 1000;
	for (uint32_t i = 0; i < ils->hold.cap; i++) {
		struct mg_hold_area *a = &ils->hold.a[i];
		if (!a->used || now - a->since < MG_HOLD_TIMEOUT_MS)
			continue;
		struct ils_flow *fl = flow_ctx(ils, a->flow, 0, false);
		struct mg_stream *st = !fl                 ? NULL
				       : fl->st.hold == i  ? &fl->st
				       : fl->rst.hold == i ? &fl->rst
							   : NULL;
		if (st && mg_stream_timeout(st, &ils->hold, now))
			mg_alg_log(e, MG_R_ALG_STREAM_OVERFLOW, "incomplete LDAP message held too long: discarded");
		else
			a->used = false;
		mg_alg_count(e, MG_R_ALG_STREAM_OVERFLOW);
	}
}

static const struct mg_alg_ops ils_ops = {
	.name = "ils", .inspect = inspect, .flow_end = flow_end, .tick = tick,
};

struct mg_ils *mg_ils_attach(struct mg_engine *e)
{
	struct mg_ils *ils = calloc(1, sizeof(*ils));
	if (!ils)
		return NULL;
	ils->e = e;
	ils->nfl = ILS_FLOWS;
	ils->fl = calloc(ils->nfl, sizeof(*ils->fl));
	ils->reg = calloc(ILS_REGS, sizeof(*ils->reg));
	if (!ils->fl || !ils->reg || mg_hold_pool_init(&ils->hold, ILS_HOLD_AREAS) < 0) {
		mg_ils_free(ils);
		return NULL;
	}
	ils->last_tick_s = UINT64_MAX;
	mg_engine_set_alg(e, MG_ALG_ILS, &ils_ops, ils);
	return ils;
}

void mg_ils_free(struct mg_ils *ils)
{
	if (!ils)
		return;
	mg_hold_pool_free(&ils->hold);
	free(ils->fl);
	free(ils->reg);
	free(ils);
}
