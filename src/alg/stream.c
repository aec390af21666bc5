/* stream.c - signalling stream reassembly; see stream.h. */
#include "alg/stream.h"

#include <stdlib.h>
#include <string.h>

#include "alg/tpkt.h"

static bool seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

int mg_hold_pool_init(struct mg_hold_pool *hp, uint32_t cap)
{
	hp->a = calloc(cap ? cap : 1, sizeof(*hp->a));
	hp->cap = cap ? cap : 1;
	return hp->a ? 0 : -1;
}

void mg_hold_pool_free(struct mg_hold_pool *hp)
{
	free(hp->a);
	hp->a = NULL;
}

void mg_stream_init(struct mg_stream *s)
{
	memset(s, 0, sizeof(*s));
	s->hold = MG_NIL;
}

void mg_stream_start(struct mg_stream *s, uint32_t next_seq)
{
	s->next_seq = next_seq;
	s->init = true;
}

/* Remember which bytes of a message the callback changed. */
static void log_edits(struct mg_stream *s, const uint8_t *before, const uint8_t *after, uint32_t len,
		      uint32_t seq)
{
	uint32_t i = 0;
	while (i < len) {
		if (before[i] == after[i]) {
			i++;
			continue;
		}
		struct mg_stream_edit *ed = &s->log[s->log_next];
		s->log_next = (uint8_t)((s->log_next + 1) % MG_STREAM_LOG);
		ed->seq = seq + i;
		ed->len = 0;
		while (i < len && ed->len < sizeof(ed->b) && before[i] != after[i])
			ed->b[ed->len++] = after[i++];
	}
}

/* Apply the edit log to old data at stream position seq. */
static bool apply_log(const struct mg_stream *s, uint8_t *pay, uint32_t len, uint32_t seq)
{
	bool changed = false;
	for (unsigned k = 0; k < MG_STREAM_LOG; k++) {
		const struct mg_stream_edit *ed = &s->log[k];
		for (uint32_t j = 0; j < ed->len; j++) {
			uint32_t d = ed->seq + j - seq;
			if (d < len && pay[d] != ed->b[j]) {
				pay[d] = ed->b[j];
				changed = true;
			}
		}
	}
	return changed;
}

static enum mg_reason one_msg(struct mg_stream *s, struct mg_hold_pool *hp, uint8_t *msg, uint32_t len,
			      uint32_t seq, mg_stream_msg_fn fn, void *ctx)
{
	memcpy(hp->before, msg, len);
	enum mg_reason r = fn(ctx, msg, len);
	if (r == MG_R_NONE)
		log_edits(s, hp->before, msg, len, seq);
	return r;
}

/* Frame and handle complete messages in buf[0..len).  Returns the bytes
 * consumed (complete messages) in *used. */
static enum mg_reason frame(struct mg_stream *s, struct mg_hold_pool *hp, uint8_t *buf, uint32_t len,
			    uint32_t seq, mg_stream_msg_fn fn, void *ctx, uint32_t *used)
{
	uint32_t pos = 0;
	*used = 0;
	while (pos < len) {
		uint32_t mlen = 0;
		enum mg_tpkt_status st = mg_tpkt_frame(buf + pos, len - pos, &mlen);
		if (st == MG_TPKT_BAD)
			return MG_R_ALG_TPKT_BAD;
		if (st == MG_TPKT_NEED)
			break;
		enum mg_reason r = one_msg(s, hp, buf + pos, mlen, seq + pos, fn, ctx);
		if (r != MG_R_NONE)
			return r;
		pos += mlen;
	}
	*used = pos;
	return MG_R_NONE;
}

static uint32_t area_get(struct mg_hold_pool *hp)
{
	for (uint32_t i = 0; i < hp->cap; i++)
		if (!hp->a[i].used)
			return i;
	return MG_NIL;
}

static bool area_push(struct mg_hold_area *a, const struct mg_pkt *p)
{
	if (a->n >= MG_HOLD_PKTS || p->len > MG_HOLD_BYTES - a->bytes)
		return false;
	struct mg_hold_pkt *h = &a->pk[a->n++];
	h->off = a->bytes;
	h->len = p->len;
	h->payoff = p->payoff;
	h->paylen = p->paylen;
	h->seq = p->seq;
	h->paysum = p->paysum;
	memcpy(a->data + a->bytes, p->l3, p->len);
	a->bytes += p->len;
	return true;
}

static void area_drop(struct mg_stream *s, struct mg_hold_pool *hp)
{
	if (s->hold != MG_NIL)
		hp->a[s->hold].used = false;
	s->hold = MG_NIL;
}

/* Discard what is held and rewind to its first byte: the sender's
 * retransmission of those segments is then processed as new data. */
static void rewind_drop(struct mg_stream *s, struct mg_hold_pool *hp)
{
	const struct mg_hold_area *a = &hp->a[s->hold];
	s->next_seq = a->n ? a->pk[0].seq : a->pend_seq;
	area_drop(s, hp);
}

void mg_stream_release(struct mg_stream *s, struct mg_hold_pool *hp)
{
	area_drop(s, hp);
}

bool mg_stream_timeout(struct mg_stream *s, struct mg_hold_pool *hp, uint64_t now)
{
	if (s->hold == MG_NIL || now - hp->a[s->hold].since < MG_HOLD_TIMEOUT_MS)
		return false;
	rewind_drop(s, hp);
	return true;
}

/* New in-order data while an incomplete message is held. */
static struct mg_alg_verdict continue_held(struct mg_stream *s, struct mg_hold_pool *hp,
					   struct mg_engine *e, uint32_t flow, struct mg_pkt *p,
					   int dir, mg_stream_msg_fn fn, void *ctx)
{
	struct mg_alg_verdict v = {MG_R_NONE, false, false};
	struct mg_hold_area *a = &hp->a[s->hold];
	if (!area_push(a, p)) {
		rewind_drop(s, hp);
		v.reason = MG_R_ALG_STREAM_OVERFLOW;
		return v;
	}
	/* gather the pending bytes into one buffer */
	uint32_t n = 0;
	for (uint32_t i = 0; i < a->n; i++) {
		struct mg_hold_pkt *h = &a->pk[i];
		uint32_t skip = i == 0 ? a->pend_seq - h->seq : 0;
		uint32_t take = h->paylen - skip;
		if (take > sizeof(hp->scratch) - n) {
			rewind_drop(s, hp);
			v.reason = MG_R_ALG_STREAM_OVERFLOW;
			return v;
		}
		memcpy(hp->scratch + n, a->data + h->off + h->payoff + skip, take);
		n += take;
	}
	uint32_t used;
	enum mg_reason r = frame(s, hp, hp->scratch, n, a->pend_seq, fn, ctx, &used);
	if (r != MG_R_NONE) {
		rewind_drop(s, hp);
		v.reason = r;
		return v;
	}
	/* write the (possibly edited) bytes back */
	n = 0;
	for (uint32_t i = 0; i < a->n; i++) {
		struct mg_hold_pkt *h = &a->pk[i];
		uint32_t skip = i == 0 ? a->pend_seq - h->seq : 0;
		uint32_t take = h->paylen - skip;
		memcpy(a->data + h->off + h->payoff + skip, hp->scratch + n, take);
		n += take;
	}
	s->next_seq = p->seq + p->paylen;
	uint32_t new_pend = a->pend_seq + used;
	/* release, in order, every held packet that ends before the pending
	 * message; the last one is the current packet: it is passed instead */
	uint32_t k = 0;
	while (k < a->n && !seq_lt(new_pend, a->pk[k].seq + a->pk[k].paylen)) {
		struct mg_hold_pkt *h = &a->pk[k];
		if (k + 1 == a->n) {
			memcpy(p->l3 + p->payoff, a->data + h->off + h->payoff, p->paylen);
			v.payload_changed = true;
		} else {
			mg_alg_release(e, flow, dir, a->data + h->off, h->len, h->paysum);
		}
		k++;
	}
	if (k == a->n) { /* everything went out */
		area_drop(s, hp);
		return v;
	}
	/* keep the rest (the current packet among them): compact the area */
	uint32_t base = a->pk[k].off;
	memmove(a->data, a->data + base, a->bytes - base);
	for (uint32_t i = k; i < a->n; i++) {
		a->pk[i - k] = a->pk[i];
		a->pk[i - k].off -= base;
	}
	a->n -= k;
	a->bytes -= base;
	a->pend_seq = new_pend;
	v.hold = true;
	return v;
}

bool mg_stream_has_addr(const uint8_t *p, uint32_t len, uint32_t ip)
{
	for (uint32_t i = 0; i + 4 <= len; i++)
		if (memcmp(p + i, &ip, 4) == 0)
			return true;
	return false;
}

struct mg_alg_verdict mg_stream_input(struct mg_stream *s, struct mg_hold_pool *hp,
				      struct mg_engine *e, uint32_t flow, struct mg_pkt *p, int dir,
				      uint64_t now, uint32_t guard, mg_stream_msg_fn fn, void *ctx)
{
	struct mg_alg_verdict v = {MG_R_NONE, false, false};
	if (p->tcp_flags & MG_TH_SYN) {
		s->next_seq = p->seq + 1;
		s->init = true;
		return v;
	}
	if (p->paylen == 0)
		return v;
	if (!s->init) {
		s->next_seq = p->seq;
		s->init = true;
	}
	uint8_t *pay = p->l3 + p->payoff;
	uint32_t end = p->seq + p->paylen;
	if (seq_lt(s->next_seq, p->seq)) {
		v.reason = MG_R_ALG_OUT_OF_ORDER; /* a gap before it */
		return v;
	}
	uint32_t skip = s->next_seq - p->seq;
	if (skip > 0 && s->hold != MG_NIL && seq_lt(hp->a[s->hold].pend_seq, end)) {
		v.reason = MG_R_ALG_OUT_OF_ORDER; /* re-sends bytes we still hold */
		return v;
	}
	if (skip > 0) {
		uint32_t old = skip < p->paylen ? skip : p->paylen;
		v.payload_changed = apply_log(s, pay, old, p->seq);
		if (guard && mg_stream_has_addr(pay, old, guard)) {
			v.reason = MG_R_ALG_UNTRANSLATED;
			return v;
		}
	}
	if (!seq_lt(p->seq + skip, end))
		return v; /* nothing new */
	if (skip > 0) {
		/* old bytes followed by new ones: only whole new segments are
		 * framed, so let the sender send the new part again */
		v.reason = MG_R_ALG_OUT_OF_ORDER;
		return v;
	}
	if (s->hold != MG_NIL) {
		struct mg_alg_verdict hv = continue_held(s, hp, e, flow, p, dir, fn, ctx);
		return hv;
	}
	uint32_t used;
	enum mg_reason r = frame(s, hp, pay, p->paylen, p->seq, fn, ctx, &used);
	if (r != MG_R_NONE) {
		v.reason = r;
		return v;
	}
	v.payload_changed = used > 0;
	s->next_seq = end;
	if (used == p->paylen)
		return v;
	/* the segment ends inside a message: keep it */
	uint32_t ai = area_get(hp);
	if (ai == MG_NIL) {
		s->next_seq = p->seq;
		v.reason = MG_R_ALG_STREAM_OVERFLOW;
		return v;
	}
	struct mg_hold_area *a = &hp->a[ai];
	memset(a, 0, offsetof(struct mg_hold_area, data));
	a->used = true;
	a->dir = (uint8_t)dir;
	a->flow = flow;
	a->since = now;
	a->pend_seq = p->seq + used;
	if (!area_push(a, p)) {
		a->used = false;
		s->next_seq = p->seq;
		v.reason = MG_R_ALG_STREAM_OVERFLOW;
		return v;
	}
	s->hold = ai;
	v.hold = true;
	return v;
}
