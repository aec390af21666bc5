/* h323_limit.c - how many call-signalling connections one source address
 * may hold, in all ("max signalling-per-source") and still without a call
 * ("max pending-per-source"), so that one host holding idle connections
 * cannot crowd out everyone else's calls.
 *
 * One entry per source address that holds at least one connection, in a
 * keyed hash over a fixed pool; an entry goes back to the pool with the
 * source's last connection.  A flow's share is recorded in its alg_flags
 * (H323_FF_COUNTED, H323_FF_PENDING), so each connection is counted and
 * uncounted exactly once: when it is released, or as soon as both ends
 * closed it (LAST_ACK, TIME_WAIT) or it was reset, as the kernel's
 * connlimit does. */
#include <stdlib.h>

#include "alg/h323_priv.h"

struct h323_src {
	uint32_t addr; /* network order */
	uint32_t total, pending;
	uint32_t next; /* hash chain, or free list */
};

int mg_h323_limit_init(struct h323_limits *l, uint32_t cap)
{
	uint32_t nb = 16;
	while (nb < cap)
		nb <<= 1;
	l->src = calloc(cap, sizeof(*l->src));
	l->bucket = malloc(sizeof(uint32_t) * nb);
	if (!l->src || !l->bucket)
		return -1;
	l->cap = cap;
	l->mask = nb - 1;
	for (uint32_t i = 0; i < nb; i++)
		l->bucket[i] = MG_NIL;
	for (uint32_t i = 0; i < cap; i++)
		l->src[i].next = i + 1 < cap ? i + 1 : MG_NIL;
	l->free_head = 0;
	return 0;
}

void mg_h323_limit_free(struct h323_limits *l)
{
	free(l->src);
	free(l->bucket);
	l->src = NULL;
	l->bucket = NULL;
}

static uint32_t *bucket_of(struct h323_limits *l, const struct mg_sipkey *key, uint32_t addr)
{
	return &l->bucket[mg_siphash(key, &addr, sizeof(addr)) & l->mask];
}

static uint32_t find(struct h323_limits *l, const struct mg_sipkey *key, uint32_t addr)
{
	for (uint32_t i = *bucket_of(l, key, addr); i != MG_NIL; i = l->src[i].next)
		if (l->src[i].addr == addr)
			return i;
	return MG_NIL;
}

enum mg_reason mg_h323_limit_admit(struct mg_h323 *h, struct mg_flow *f)
{
	struct h323_limits *l = &h->lim;
	const struct mg_config *cfg = mg_engine_config(h->e);
	const struct mg_sipkey *key = mg_alg_hash_key(h->e);
	uint32_t addr = mg_addr_v4(&f->k[0].src);
	uint32_t i = find(l, key, addr);
	if (i == MG_NIL) {
		if (l->free_head == MG_NIL)
			return MG_R_ALG_SOURCE_TABLE_FULL;
		i = l->free_head;
		l->free_head = l->src[i].next;
		uint32_t *b = bucket_of(l, key, addr);
		l->src[i] = (struct h323_src){addr, 0, 0, *b};
		*b = i;
	}
	struct h323_src *s = &l->src[i];
	enum mg_reason r = MG_R_NONE;
	if (s->total >= cfg->max_sig_per_source)
		r = MG_R_ALG_SOURCE_LIMIT;
	else if (s->pending >= cfg->max_pending_per_source)
		r = MG_R_ALG_PENDING_LIMIT;
	if (r != MG_R_NONE) {
		if (s->total == 0)
			mg_h323_limit_gone(h, f); /* give the fresh entry back */
		return r;
	}
	s->total++;
	s->pending++;
	f->alg_flags |= H323_FF_COUNTED | H323_FF_PENDING | H323_FF_NOCALL;
	return MG_R_NONE;
}

void mg_h323_limit_called(struct mg_h323 *h, struct mg_flow *f)
{
	f->alg_flags &= (uint8_t)~H323_FF_NOCALL;
	if (!(f->alg_flags & H323_FF_PENDING))
		return;
	f->alg_flags &= (uint8_t)~H323_FF_PENDING;
	uint32_t i = find(&h->lim, mg_alg_hash_key(h->e), mg_addr_v4(&f->k[0].src));
	if (i != MG_NIL && h->lim.src[i].pending > 0)
		h->lim.src[i].pending--;
}

void mg_h323_limit_gone(struct mg_h323 *h, struct mg_flow *f)
{
	struct h323_limits *l = &h->lim;
	const struct mg_sipkey *key = mg_alg_hash_key(h->e);
	uint32_t addr = mg_addr_v4(&f->k[0].src);
	uint32_t *link = bucket_of(l, key, addr);
	while (*link != MG_NIL && l->src[*link].addr != addr)
		link = &l->src[*link].next;
	if (*link == MG_NIL)
		return;
	uint32_t i = *link;
	struct h323_src *s = &l->src[i];
	if (f->alg_flags & H323_FF_COUNTED) {
		if (s->total > 0)
			s->total--;
		if ((f->alg_flags & H323_FF_PENDING) && s->pending > 0)
			s->pending--;
	}
	f->alg_flags &= (uint8_t) ~(H323_FF_COUNTED | H323_FF_PENDING);
	if (s->total == 0) {
		*link = s->next;
		s->next = l->free_head;
		l->free_head = i;
	}
}
