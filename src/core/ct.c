/* ct.c - flow table; see ct.h. */
#include "core/ct.h"

#include <stdlib.h>
#include <string.h>

#define CT_WHEEL_SLOTS 4096
#define CT_WHEEL_MS 1000

static uint32_t bucket_of(const struct mg_ct *ct, const struct mg_tuple *t)
{
	return (uint32_t)mg_siphash(&ct->key, t, sizeof(*t)) & ct->mask;
}

int mg_ct_init(struct mg_ct *ct, uint32_t cap, const struct mg_sipkey *key, uint64_t now)
{
	memset(ct, 0, sizeof(*ct));
	if (cap == 0 || cap > (1u << 30))
		return -1;
	uint32_t nb = 1;
	while (nb < cap)
		nb <<= 1;
	ct->flow = calloc(cap, sizeof(*ct->flow));
	ct->bucket = malloc(sizeof(uint32_t) * nb);
	if (!ct->flow || !ct->bucket)
		goto fail_alloc;
	if (mg_wheel_init(&ct->wheel, CT_WHEEL_SLOTS, CT_WHEEL_MS, ct->flow, sizeof(struct mg_flow),
			  offsetof(struct mg_flow, tn), now) < 0)
		goto fail_alloc;
	for (uint32_t i = 0; i < nb; i++)
		ct->bucket[i] = MG_NIL;
	ct->mask = nb - 1;
	ct->cap = cap;
	ct->key = *key;
	for (uint32_t i = 0; i < cap; i++)
		ct->flow[i].hnext[0] = i + 1 < cap ? i + 1 : MG_NIL;
	ct->free_head = 0;
	ct->emb_head = ct->emb_tail = MG_NIL;
	return 0;
fail_alloc:
	free(ct->bucket);
	free(ct->flow);
	return -1;
}

void mg_ct_free(struct mg_ct *ct)
{
	mg_wheel_free(&ct->wheel);
	free(ct->bucket);
	free(ct->flow);
	memset(ct, 0, sizeof(*ct));
}

uint32_t mg_ct_lookup(const struct mg_ct *ct, const struct mg_tuple *t, int *dir)
{
	uint32_t e = ct->bucket[bucket_of(ct, t)];
	while (e != MG_NIL) {
		const struct mg_flow *f = &ct->flow[e >> 1];
		int d = (int)(e & 1);
		if (memcmp(&f->k[d], t, sizeof(*t)) == 0) {
			*dir = d;
			return e >> 1;
		}
		e = f->hnext[d];
	}
	return MG_NIL;
}

static void hash_in(struct mg_ct *ct, uint32_t idx, int d)
{
	uint32_t b = bucket_of(ct, &ct->flow[idx].k[d]);
	ct->flow[idx].hnext[d] = ct->bucket[b];
	ct->bucket[b] = (idx << 1) | (uint32_t)d;
}

static void hash_out(struct mg_ct *ct, uint32_t idx, int d)
{
	uint32_t want = (idx << 1) | (uint32_t)d;
	uint32_t *link = &ct->bucket[bucket_of(ct, &ct->flow[idx].k[d])];
	while (*link != MG_NIL) {
		if (*link == want) {
			*link = ct->flow[idx].hnext[d];
			return;
		}
		struct mg_flow *f = &ct->flow[*link >> 1];
		link = &f->hnext[*link & 1];
	}
}

uint32_t mg_ct_insert(struct mg_ct *ct, const struct mg_tuple *orig, const struct mg_tuple *reply,
		      uint64_t now)
{
	uint32_t idx = ct->free_head;
	if (idx == MG_NIL)
		return MG_NIL;
	struct mg_flow *f = &ct->flow[idx];
	ct->free_head = f->hnext[0];
	memset(f, 0, sizeof(*f));
	f->k[0] = *orig;
	f->k[1] = *reply;
	f->flags = MG_FLOW_USED;
	f->bind = MG_NIL;
	f->alg_ctx = MG_NIL;
	f->seqadj = MG_NIL;
	f->created = f->last = now;
	f->tn.slot = MG_NIL;
	f->tn.expire = now;
	hash_in(ct, idx, 0);
	hash_in(ct, idx, 1);
	ct->used++;
	return idx;
}

void mg_ct_embryo_set(struct mg_ct *ct, uint32_t idx, bool embryonic)
{
	struct mg_flow *f = &ct->flow[idx];
	if (embryonic == ((f->flags & MG_FLOW_EMBRYO) != 0))
		return;
	if (embryonic) {
		f->eprev = ct->emb_tail;
		f->enext = MG_NIL;
		if (ct->emb_tail != MG_NIL)
			ct->flow[ct->emb_tail].enext = idx;
		else
			ct->emb_head = idx;
		ct->emb_tail = idx;
		f->flags |= MG_FLOW_EMBRYO;
		ct->emb_n++;
		return;
	}
	if (f->eprev != MG_NIL)
		ct->flow[f->eprev].enext = f->enext;
	else
		ct->emb_head = f->enext;
	if (f->enext != MG_NIL)
		ct->flow[f->enext].eprev = f->eprev;
	else
		ct->emb_tail = f->eprev;
	f->flags &= (uint8_t)~MG_FLOW_EMBRYO;
	ct->emb_n--;
}

void mg_ct_remove(struct mg_ct *ct, uint32_t idx)
{
	struct mg_flow *f = &ct->flow[idx];
	if (!(f->flags & MG_FLOW_USED))
		return;
	mg_ct_embryo_set(ct, idx, false);
	mg_wheel_del(&ct->wheel, idx);
	hash_out(ct, idx, 0);
	hash_out(ct, idx, 1);
	f->flags = 0;
	f->hnext[0] = ct->free_head;
	ct->free_head = idx;
	ct->used--;
}

void mg_tuple_reverse(struct mg_tuple *out, const struct mg_tuple *t)
{
	struct mg_tuple r = *t;
	r.src = t->dst;
	r.dst = t->src;
	r.sport = t->dport;
	r.dport = t->sport;
	*out = r;
}
