/* seqadj.c - sequence adjustment tables; see seqadj.h. */
#include "core/seqadj.h"

#include <string.h>

static bool lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static bool le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

static uint32_t end_of(const struct mg_seqadj_edit *x)
{
	return x->pos + x->old_len;
}

void mg_seqadj_init(struct mg_seqadj_dir *d)
{
	memset(d, 0, sizeof(*d));
}

/* Fold acknowledged edits into the base offset while any can go. */
static void fold(struct mg_seqadj_dir *d)
{
	uint8_t k = 0;
	while (k < d->n && d->has_acked && le(end_of(&d->ed[k]), d->acked) &&
	       !lt(d->acked, d->ed[k].pos)) {
		d->base = mg_seqadj_off_after(&d->ed[k]);
		k++;
	}
	if (k == 0)
		return;
	memmove(d->ed, d->ed + k, (size_t)(d->n - k) * sizeof(d->ed[0]));
	d->n = (uint8_t)(d->n - k);
}

enum mg_reason mg_seqadj_add(struct mg_seqadj_dir *d, uint32_t pos, uint32_t old_len,
			     const uint8_t *b, uint32_t new_len)
{
	if (new_len > MG_SEQADJ_BYTES || old_len > 0xffffu)
		return MG_R_SEQADJ_LONG;
	for (uint8_t i = 0; i < d->n; i++) {
		const struct mg_seqadj_edit *x = &d->ed[i];
		/* the same edit again (a message parsed anew after a rewind) */
		if (x->pos == pos && x->old_len == old_len && x->new_len == new_len &&
		    memcmp(x->b, b, new_len) == 0)
			return MG_R_NONE;
	}
	if (d->n > 0 && lt(pos, end_of(&d->ed[d->n - 1])))
		return MG_R_SEQADJ_ORDER;
	if (d->n == MG_SEQADJ_EDITS)
		fold(d);
	if (d->n == MG_SEQADJ_EDITS)
		return MG_R_SEQADJ_FULL;
	struct mg_seqadj_edit *x = &d->ed[d->n];
	x->pos = pos;
	x->old_len = (uint16_t)old_len;
	x->new_len = (uint16_t)new_len;
	x->off_before = d->n > 0 ? mg_seqadj_off_after(&d->ed[d->n - 1]) : d->base;
	memcpy(x->b, b, new_len);
	d->n++;
	return MG_R_NONE;
}

void mg_seqadj_acked(struct mg_seqadj_dir *d, uint32_t orig)
{
	if (!d->has_acked || lt(d->acked, orig)) {
		d->acked = orig;
		d->has_acked = true;
	}
}

int32_t mg_seqadj_off(const struct mg_seqadj_dir *d, uint32_t seq)
{
	return (int32_t)(mg_seqadj_fwd(d, seq) - seq);
}

uint32_t mg_seqadj_fwd(const struct mg_seqadj_dir *d, uint32_t seq)
{
	for (uint8_t i = 0; i < d->n; i++) {
		const struct mg_seqadj_edit *x = &d->ed[i];
		if (le(seq, x->pos))
			return seq + (uint32_t)x->off_before;
		if (lt(seq, end_of(x)))
			return x->pos + (uint32_t)x->off_before; /* inside */
	}
	return seq + (uint32_t)(d->n ? mg_seqadj_off_after(&d->ed[d->n - 1]) : d->base);
}

uint32_t mg_seqadj_back(const struct mg_seqadj_dir *d, uint32_t t, bool up)
{
	for (uint8_t i = 0; i < d->n; i++) {
		const struct mg_seqadj_edit *x = &d->ed[i];
		uint32_t tpos = x->pos + (uint32_t)x->off_before, tend = tpos + x->new_len;
		if (lt(t, tpos))
			return t - (uint32_t)x->off_before;
		if (lt(t, tend))
			return t != tpos && up ? end_of(x) : x->pos;
	}
	return t - (uint32_t)(d->n ? mg_seqadj_off_after(&d->ed[d->n - 1]) : d->base);
}

static bool overlaps(const struct mg_seqadj_edit *x, uint32_t s, uint32_t e)
{
	if (x->old_len == 0)
		return le(s, x->pos) && lt(x->pos, e);
	return lt(x->pos, e) && lt(s, end_of(x));
}

bool mg_seqadj_touches(const struct mg_seqadj_dir *d, uint32_t seq, uint32_t len)
{
	if (len == 0)
		return false;
	for (uint8_t i = 0; i < d->n; i++)
		if (overlaps(&d->ed[i], seq, seq + len))
			return true;
	return false;
}

static bool put(uint8_t *out, uint32_t cap, uint32_t *o, const uint8_t *src, uint32_t n)
{
	if (n > cap - *o)
		return false;
	memcpy(out + *o, src, n);
	*o += n;
	return true;
}

uint32_t mg_seqadj_render(const struct mg_seqadj_dir *d, uint32_t seq, const uint8_t *pay,
			  uint32_t len, uint8_t *out, uint32_t cap, uint32_t *tseq)
{
	uint32_t x = seq, e = seq + len, o = 0;
	*tseq = mg_seqadj_fwd(d, seq);
	for (uint8_t i = 0; i < d->n; i++) {
		const struct mg_seqadj_edit *ed = &d->ed[i];
		uint32_t end = end_of(ed);
		if (ed->old_len > 0 ? le(end, x) : lt(ed->pos, x))
			continue; /* wholly before what is left */
		if (!lt(ed->pos, e))
			break;
		if (lt(ed->pos, x)) {
			/* the segment starts inside this edit */
			if (lt(e, end))
				return 0; /* and ends inside it: nothing of it is sent */
			if (!put(out, cap, &o, ed->b, ed->new_len))
				return UINT32_MAX;
			x = end;
			continue;
		}
		if (!put(out, cap, &o, pay + (x - seq), ed->pos - x))
			return UINT32_MAX;
		if (lt(e, end))
			return o; /* ends inside the edit: stop before it */
		if (!put(out, cap, &o, ed->b, ed->new_len))
			return UINT32_MAX;
		x = end;
	}
	if (!put(out, cap, &o, pay + (x - seq), e - x))
		return UINT32_MAX;
	return o;
}
