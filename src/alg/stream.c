/* stream.c - signalling stream reassembly; see stream.h. */
#include "alg/stream.h"

#include <stdlib.h>
#include <string.h>

#include "proto/ber.h"
#include "proto/tpkt.h"

static enum mg_frame_status frame_tpkt(const uint8_t *p, uint32_t avail, uint32_t *msg_len)
{
	switch (mg_tpkt_frame(p, avail, msg_len)) {
	case MG_TPKT_OK:
		return MG_FRAME_OK;
	case MG_TPKT_NEED:
		return MG_FRAME_NEED;
	default:
		return MG_FRAME_BAD;
	}
}

static enum mg_frame_status frame_ber(const uint8_t *p, uint32_t avail, uint32_t *msg_len)
{
	enum mg_ber_err why;
	switch (mg_ber_frame(p, avail, msg_len, &why)) {
	case MG_BER_OK:
		return MG_FRAME_OK;
	case MG_BER_NEED:
		return MG_FRAME_NEED;
	default:
		return MG_FRAME_BAD;
	}
}

const struct mg_stream_framer mg_stream_tpkt = {frame_tpkt, MG_STREAM_SAFE_PREFIX, MG_R_ALG_TPKT_BAD};
const struct mg_stream_framer mg_stream_ber = {frame_ber, MG_STREAM_BER_SAFE_PREFIX, MG_R_ALG_LDAP_BAD};

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

void mg_stream_init(struct mg_stream *s, const struct mg_stream_framer *fr)
{
	memset(s, 0, sizeof(*s));
	s->fr = fr;
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
bool mg_stream_apply_log(const struct mg_stream *s, uint8_t *pay, uint32_t len, uint32_t seq)
{
	bool changed = false;
	for (unsigned k = 0; k < MG_STREAM_LOG; k++) {
		const struct mg_stream_edit *ed = &s->log[k];
		for (uint32_t j = 0; j < ed->len; j++) {
			uint32_t d = ed->seq + j - seq;
			if (d < len)
				changed |= mg_rw_bytes(pay + d, ed->b + j, 1);
		}
	}
	return changed;
}

/* Who a message goes to, and the flow direction its edits belong to. */
struct stream_cb {
	struct mg_engine *e;
	uint32_t flow;
	int dir;
	mg_stream_msg_fn fn;
	void *ctx;
};

/* Hand one message to the ALG.  Same-length edits land in msg at once and
 * enter the edit log; length-changing ones become the flow's sequence
 * adjustments (the engine rebuilds the segments that carry them). */
static enum mg_reason one_msg(struct mg_stream *s, struct mg_hold_pool *hp, uint8_t *msg, uint32_t len,
			      uint32_t seq, const struct stream_cb *cb)
{
	struct mg_rw_msg m;
	mg_rw_msg_init(&m, msg, len);
	memcpy(hp->before, msg, len);
	enum mg_reason r = cb->fn(cb->ctx, &m);
	for (uint32_t i = 0; r == MG_R_NONE && i < m.n_ops; i++)
		r = mg_alg_seqadj_add(cb->e, cb->flow, cb->dir, seq + m.op[i].off, m.op[i].old_len, m.op[i].b,
				      m.op[i].new_len);
	if (r == MG_R_NONE)
		log_edits(s, hp->before, msg, len, seq);
	return r;
}

/* Frame and handle complete messages in buf[0..len).  Returns the bytes
 * consumed (complete messages) in *used. */
static enum mg_reason frame(struct mg_stream *s, struct mg_hold_pool *hp, uint8_t *buf, uint32_t len,
			    uint32_t seq, const struct stream_cb *cb, uint32_t *used)
{
	uint32_t pos = 0;
	*used = 0;
	while (pos < len) {
		uint32_t mlen = 0;
		enum mg_frame_status st = s->fr->frame(buf + pos, len - pos, &mlen);
		if (st == MG_FRAME_BAD) {
			s->bad_seq = seq + pos; /* the messages before it were handled */
			return s->fr->bad;
		}
		if (st == MG_FRAME_NEED)
			break;
		enum mg_reason r = one_msg(s, hp, buf + pos, mlen, seq + pos, cb);
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
	h->paysum = p->paysum;
	h->seq = p->seq;
	memcpy(a->data + a->bytes, p->l3, p->len);
	a->bytes += p->len;
	return true;
}

/* Forget the first k held packets (they were sent). */
static void area_shift(struct mg_hold_area *a, uint32_t k)
{
	if (k == 0)
		return;
	uint32_t base = k < a->n ? a->pk[k].off : a->bytes;
	memmove(a->data, a->data + base, a->bytes - base);
	for (uint32_t i = k; i < a->n; i++) {
		a->pk[i - k] = a->pk[i];
		a->pk[i - k].off -= base;
	}
	a->n -= k;
	a->bytes -= base;
}

static void area_drop(struct mg_stream *s, struct mg_hold_pool *hp)
{
	if (s->hold != MG_NIL)
		hp->a[s->hold].used = false;
	s->hold = MG_NIL;
}

/* Discard what is held and rewind to the first byte not sent on: the
 * sender's retransmission of those bytes is then processed as new data.
 * Complete messages that were held with them are parsed again then. */
static void rewind_drop(struct mg_stream *s, struct mg_hold_pool *hp)
{
	area_drop(s, hp);
	s->next_seq = s->sent_to;
	if (seq_lt(s->sent_to, s->pend_seq)) {
		s->pend_seq = s->sent_to;
		s->pre_len = 0;
	}
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

bool mg_stream_has_addr(const uint8_t *p, uint32_t len, uint32_t ip)
{
	for (uint32_t i = 0; i + 4 <= len; i++)
		if (memcmp(p + i, &ip, 4) == 0)
			return true;
	return false;
}

/* Copy between the contiguous pending bytes buf (stream position `base` at
 * buf[0]) and a segment's payload covering [seq, seq + len): only the part
 * at or after `from` is copied.  Returns whether a byte changed. */
static bool piece(uint8_t *buf, uint32_t base, uint8_t *pay, uint32_t seq, uint32_t len, uint32_t from,
		  bool to_buf)
{
	uint32_t skip = seq_lt(seq, from) ? from - seq : 0;
	if (skip >= len)
		return false;
	uint8_t *b = buf + (seq + skip - base);
	uint8_t *q = pay + skip;
	uint32_t n = len - skip;
	if (to_buf) {
		memcpy(b, q, n);
		return false;
	}
	return mg_rw_bytes(q, b, n);
}

/* Bytes of a segment that are final: no rewrite can reach them any more
 * once every byte before `pend` belongs to a handled message. */
static bool segment_final(const struct mg_stream *s, uint32_t end, uint32_t pend)
{
	return !seq_lt(pend + s->fr->safe_prefix, end);
}

/* Keep the part of the pending message that was sent on: [pend, sent_to). */
static void keep_prefix(struct mg_stream *s, const uint8_t *at_pend)
{
	s->pre_len = 0;
	if (seq_lt(s->pend_seq, s->sent_to)) {
		s->pre_len = (uint8_t)(s->sent_to - s->pend_seq);
		memcpy(s->pre, at_pend, s->pre_len);
	}
}

/* Hold segment p (after the held packets, if any).  On failure the stream
 * rewinds to what was sent on. */
static bool hold_segment(struct mg_stream *s, struct mg_hold_pool *hp, const struct mg_pkt *p, int dir,
			 uint32_t flow, uint64_t now)
{
	if (s->hold == MG_NIL) {
		uint32_t ai = area_get(hp);
		if (ai == MG_NIL) {
			rewind_drop(s, hp);
			return false;
		}
		struct mg_hold_area *a = &hp->a[ai];
		memset(a, 0, offsetof(struct mg_hold_area, data));
		a->used = true;
		a->dir = (uint8_t)dir;
		a->flow = flow;
		a->since = now;
		s->hold = ai;
	}
	if (!area_push(&hp->a[s->hold], p)) {
		rewind_drop(s, hp);
		return false;
	}
	return true;
}

/* New bytes from s->next_seq to the end of p, nothing held and nothing of
 * the pending message sent yet: frame them in place. */
static struct mg_alg_verdict new_data_direct(struct mg_stream *s, struct mg_hold_pool *hp,
					     uint32_t flow, struct mg_pkt *p, int dir, uint64_t now,
					     const struct stream_cb *cb, struct mg_alg_verdict v)
{
	uint32_t skip = s->next_seq - p->seq;
	uint8_t *pay = p->l3 + p->payoff + skip;
	uint32_t len = p->paylen - skip, end = p->seq + p->paylen;
	uint32_t used;
	enum mg_reason r = frame(s, hp, pay, len, s->next_seq, cb, &used);
	if (r != MG_R_NONE) {
		v.reason = r;
		return v;
	}
	v.payload_changed |= used > 0;
	s->pend_seq = s->next_seq + used;
	s->next_seq = end;
	if (segment_final(s, end, s->pend_seq)) {
		s->sent_to = end;
		keep_prefix(s, pay + used);
		return v;
	}
	/* sent_to stays where this segment's new bytes start */
	if (!hold_segment(s, hp, p, dir, flow, now)) {
		v.reason = MG_R_ALG_STREAM_OVERFLOW;
		return v;
	}
	v.hold = true;
	return v;
}

/* New bytes from s->next_seq to the end of p while part of the pending
 * message was sent on or is held: gather [pend_seq, end) into one buffer,
 * frame it, put the (possibly edited) bytes back, then send on, in order,
 * every held segment that is now final and p too if it is. */
static struct mg_alg_verdict new_data_gather(struct mg_stream *s, struct mg_hold_pool *hp,
					     struct mg_engine *e, uint32_t flow, struct mg_pkt *p,
					     int dir, uint64_t now, const struct stream_cb *cb,
					     struct mg_alg_verdict v)
{
	struct mg_hold_area *a = s->hold != MG_NIL ? &hp->a[s->hold] : NULL;
	uint8_t *buf = hp->scratch, *pay = p->l3 + p->payoff;
	uint32_t base = s->pend_seq, end = p->seq + p->paylen;
	uint32_t from = base + s->pre_len; /* the first byte not in pre[] */
	/* pend_seq <= next_seq <= end and the area holds at most MG_HOLD_BYTES */
	if (end - base > sizeof(hp->scratch)) {
		rewind_drop(s, hp);
		v.reason = MG_R_ALG_STREAM_OVERFLOW;
		return v;
	}
	memcpy(buf, s->pre, s->pre_len);
	for (uint32_t i = 0; a && i < a->n; i++) {
		struct mg_hold_pkt *h = &a->pk[i];
		piece(buf, base, a->data + h->off + h->payoff, h->seq, h->paylen, from, true);
	}
	piece(buf, base, pay, p->seq, p->paylen, s->next_seq, true);

	uint32_t used;
	enum mg_reason r = frame(s, hp, buf, end - base, base, cb, &used);
	if (r == MG_R_NONE && memcmp(buf, s->pre, s->pre_len) != 0)
		r = MG_R_ALG_UNTRANSLATED; /* an edit of bytes already sent: cannot be */
	if (r != MG_R_NONE) {
		rewind_drop(s, hp);
		v.reason = r;
		return v;
	}
	for (uint32_t i = 0; a && i < a->n; i++) {
		struct mg_hold_pkt *h = &a->pk[i];
		piece(buf, base, a->data + h->off + h->payoff, h->seq, h->paylen, from, false);
	}
	v.payload_changed |= piece(buf, base, pay, p->seq, p->paylen, s->next_seq, false);

	uint32_t pend = base + used;
	uint32_t k = 0;
	while (a && k < a->n && segment_final(s, a->pk[k].seq + a->pk[k].paylen, pend)) {
		struct mg_hold_pkt *h = &a->pk[k];
		mg_alg_release(e, flow, dir, a->data + h->off, h->len, h->paysum);
		s->sent_to = h->seq + h->paylen;
		k++;
	}
	bool pass = (a == NULL || k == a->n) && segment_final(s, end, pend);
	if (pass)
		s->sent_to = end;
	s->next_seq = end;
	s->pend_seq = pend;
	keep_prefix(s, buf + used);
	if (a) {
		area_shift(a, k);
		if (a->n == 0)
			a->since = now;
	}
	if (pass) {
		area_drop(s, hp);
		return v;
	}
	if (!hold_segment(s, hp, p, dir, flow, now)) {
		v.reason = MG_R_ALG_STREAM_OVERFLOW;
		return v;
	}
	v.hold = true;
	return v;
}

struct mg_alg_verdict mg_stream_input(struct mg_stream *s, struct mg_hold_pool *hp,
				      struct mg_engine *e, uint32_t flow, struct mg_pkt *p, int dir,
				      uint64_t now, uint32_t guard, mg_stream_msg_fn fn, void *ctx)
{
	struct mg_alg_verdict v = {MG_R_NONE, false, false};
	const struct stream_cb cb = {e, flow, dir, fn, ctx};
	if (p->tcp_flags & MG_TH_SYN) {
		s->next_seq = s->pend_seq = s->sent_to = p->seq + 1;
		s->pre_len = 0;
		s->init = true;
		return v;
	}
	if (p->paylen == 0)
		return v;
	if (!s->init) {
		s->next_seq = s->pend_seq = s->sent_to = p->seq;
		s->pre_len = 0;
		s->init = true;
	}
	uint8_t *pay = p->l3 + p->payoff;
	uint32_t end = p->seq + p->paylen;
	if (seq_lt(s->next_seq, p->seq)) {
		v.reason = MG_R_ALG_OUT_OF_ORDER; /* a gap before it */
		return v;
	}
	uint32_t skip = s->next_seq - p->seq;
	if (skip > 0 && s->hold != MG_NIL && seq_lt(s->sent_to, end)) {
		v.reason = MG_R_ALG_OUT_OF_ORDER; /* re-sends bytes we still hold */
		return v;
	}
	if (skip > 0) {
		uint32_t old = skip < p->paylen ? skip : p->paylen;
		v.payload_changed = mg_stream_apply_log(s, pay, old, p->seq);
		if (guard && mg_stream_has_addr(pay, old, guard)) {
			v.reason = MG_R_ALG_UNTRANSLATED;
			return v;
		}
	}
	if (!seq_lt(s->next_seq, end))
		return v; /* nothing new */
	/* new bytes (behind old ones when the sender merged segments on
	 * retransmission: the old part went out before and is final) */
	if (s->hold == MG_NIL && s->pre_len == 0)
		return new_data_direct(s, hp, flow, p, dir, now, &cb, v);
	return new_data_gather(s, hp, e, flow, p, dir, now, &cb, v);
}
