/* engine_seqadj.c - how the engine sends TCP segments of flows whose
 * streams an ALG lengthened or shortened (core/seqadj.h): ACKs mapped back
 * on arrival, sequence numbers shifted on departure, segments that carry an
 * edit rebuilt (and split at the receiver's MSS) and sent through emit. */
#include <stdlib.h>

#include "core/engine_priv.h"
#include "core/rewrite.h"

/* Tables for at most this many flows at once (flows of ALGs whose edits
 * change lengths: few, long-lived signalling connections); with inbound
 * routing, one more per call (a routed call's signalling connection keeps
 * its sequence offset in one). */
#define SEQADJ_FLOWS_MAX 4096u
#define REBUILD_SEGS 8
#define REBUILD_OUT (REBUILD_SEGS * 65536u)

int mg_engine_seqadj_init(struct mg_engine *e)
{
	uint32_t cap = e->cfg.max_flows < SEQADJ_FLOWS_MAX ? e->cfg.max_flows : SEQADJ_FLOWS_MAX;
	if (e->cfg.route_all || e->cfg.n_route)
		cap += e->cfg.max_calls < e->cfg.max_flows ? e->cfg.max_calls : e->cfg.max_flows;
	if (mg_seqadj_pool_init(&e->sa, cap) < 0)
		return -1;
	e->rw_out = malloc(REBUILD_OUT);
	e->rw_scratch = malloc(65536 + MG_SEQADJ_EDITS * MG_SEQADJ_BYTES);
	if (!e->rw_out || !e->rw_scratch) {
		mg_engine_seqadj_free(e);
		return -1;
	}
	return 0;
}

void mg_engine_seqadj_free(struct mg_engine *e)
{
	mg_seqadj_pool_free(&e->sa);
	free(e->rw_out);
	free(e->rw_scratch);
	e->rw_out = e->rw_scratch = NULL;
}

void mg_engine_seqadj_release(struct mg_engine *e, struct mg_flow *f)
{
	if (f->seqadj != MG_NIL)
		mg_seqadj_put(&e->sa, f->seqadj);
	f->seqadj = MG_NIL;
}

enum mg_reason mg_alg_seqadj_add(struct mg_engine *e, uint32_t flow, int dir, uint32_t pos,
				 uint32_t old_len, const uint8_t *b, uint32_t new_len)
{
	struct mg_flow *f = &e->ct.flow[flow];
	if (old_len == new_len)
		return MG_R_NONE; /* nothing shifts: callers write such edits in place */
	if (f->k[0].proto != MG_PROTO_TCP || f->k[0].family != MG_AF_INET)
		return MG_R_SEQADJ_NO_TABLE;
	if (f->seqadj == MG_NIL) {
		uint32_t t = mg_seqadj_get(&e->sa);
		if (t == UINT32_MAX)
			return MG_R_SEQADJ_NO_TABLE;
		f->seqadj = t;
	}
	return mg_seqadj_add(&e->sa.t[f->seqadj].d[dir & 1], pos, old_len, b, new_len);
}

void mg_engine_seqadj_ack(struct mg_engine *e, struct mg_flow *f, struct mg_pkt *p, int dir)
{
	if (f->seqadj != MG_NIL && p->proto == MG_PROTO_TCP)
		mg_rw_tcp_ack(p, &e->sa.t[f->seqadj].d[1 - dir]);
}

void mg_engine_seqadj_peer_view(struct mg_engine *e, uint8_t *l3, uint32_t len)
{
	struct mg_pkt p;
	int dir;
	if (mg_pkt_parse(&p, l3, len) != MG_R_NONE || p.proto != MG_PROTO_TCP)
		return;
	uint32_t idx = mg_ct_lookup(&e->ct, &p.t, &dir);
	if (idx == MG_NIL || e->ct.flow[idx].seqadj == MG_NIL)
		return;
	/* a routed call's caller saw the joined legs' numbers already: the
	 * capture was taken through a routing gateway (its legs carry no
	 * resizing edits, H.323 rewrites keep lengths) */
	if (e->ir.how && idx < e->ir.nflows && e->ir.how[idx] != MG_IR_HOW_NONE)
		return;
	mg_rw_tcp_ack_fwd(&p, &e->sa.t[e->ct.flow[idx].seqadj].d[1 - dir]);
}

static void emit_one(struct mg_engine *e, uint8_t *l3, uint32_t len, enum mg_side out)
{
	e->st.pkts_out[out & 1]++;
	if (e->emit)
		e->emit(e->emit_ctx, l3, len, out, e->now);
}

enum mg_reason mg_engine_send_prepare(struct mg_engine *e, uint32_t idx, struct mg_pkt *p, int dir,
				      enum mg_side in, enum mg_side *out, bool *sent)
{
	struct mg_flow *f = &e->ct.flow[idx];
	*sent = false;
	*out = in;
	const struct mg_seqadj_dir *d = NULL;
	if (f->seqadj != MG_NIL && p->proto == MG_PROTO_TCP && p->frag == MG_FRAG_NONE)
		d = &e->sa.t[f->seqadj].d[dir];
	if (!d || !mg_seqadj_touches(d, p->seq, p->paylen)) {
		if (d)
			mg_rw_tcp_seq(p, d);
		mg_rw_nat(p, f, dir);
		*out = mg_engine_route(e, p, in);
		return MG_R_NONE;
	}
	/* the segment carries (part of) an edit: send rebuilt segments */
	uint32_t off[REBUILD_SEGS], len[REBUILD_SEGS];
	int n = mg_rw_tcp_rebuild(p, d, f->tcp.d[1 - dir].mss, e->rw_out, REBUILD_OUT, off, len, REBUILD_SEGS,
				  e->rw_scratch, 65536 + MG_SEQADJ_EDITS * MG_SEQADJ_BYTES);
	if (n < 0)
		return MG_R_SEQADJ_TOO_BIG;
	*sent = true;
	if (n == 0)
		mg_engine_count(e, MG_R_SEQADJ_ABSORBED);
	for (int i = 0; i < n; i++) {
		struct mg_pkt q;
		if (mg_pkt_parse(&q, e->rw_out + off[i], len[i]) != MG_R_NONE)
			continue; /* built from a parsed packet: cannot happen */
		mg_rw_nat(&q, f, dir);
		*out = mg_engine_route(e, &q, in);
		emit_one(e, e->rw_out + off[i], len[i], *out);
	}
	return MG_R_NONE;
}
