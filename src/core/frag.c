/* frag.c - fragment tracking; see frag.h.
 *
 * One pool of records, a hash table over (addresses, protocol, id), a list
 * of all records in the order they were made (the oldest is evicted first
 * and expires first: every record gets the same lifetime) and, per source
 * address, a pooled source record with the list of that source's records.
 * Source records never outnumber datagram records, so the source pool has
 * the same size.
 */
#include "core/frag.h"

#include <stdlib.h>
#include <string.h>

#include "core/wheel.h" /* MG_NIL */

#define SWEEP_MAX 16 /* expired records removed per call, at most */

struct frag_key {
	union mg_addr src, dst;
	uint32_t id;
	uint8_t proto, family, pad[2];
};

struct src_key {
	union mg_addr a;
	uint8_t family, pad[3];
};

static uint32_t key_bucket(const struct mg_frag_tab *t, const union mg_addr *src,
			   const union mg_addr *dst, uint32_t id, uint8_t proto, uint8_t family)
{
	struct frag_key k;
	memset(&k, 0, sizeof(k));
	k.src = *src;
	k.dst = *dst;
	k.id = id;
	k.proto = proto;
	k.family = family;
	return (uint32_t)mg_siphash(&t->key, &k, sizeof(k)) & t->mask;
}

static uint32_t ent_bucket(const struct mg_frag_tab *t, const struct mg_pkt *p)
{
	return key_bucket(t, &p->t.src, &p->t.dst, p->frag_id, p->proto, p->family);
}

static uint32_t src_bucket(const struct mg_frag_tab *t, uint8_t family, const union mg_addr *a)
{
	struct src_key k;
	memset(&k, 0, sizeof(k));
	k.a = *a;
	k.family = family;
	return (uint32_t)mg_siphash(&t->key, &k, sizeof(k)) & t->mask;
}

int mg_frag_init(struct mg_frag_tab *t, uint32_t cap, const struct mg_sipkey *key)
{
	uint32_t n = 16;
	memset(t, 0, sizeof(*t));
	if (cap == 0)
		cap = 1;
	while (n < cap && n < (1u << 31))
		n <<= 1;
	t->e = calloc(cap, sizeof(*t->e));
	t->s = calloc(cap, sizeof(*t->s));
	t->bucket = malloc((size_t)n * sizeof(*t->bucket));
	t->sbucket = malloc((size_t)n * sizeof(*t->sbucket));
	if (!t->e || !t->s || !t->bucket || !t->sbucket) {
		mg_frag_free(t);
		return -1;
	}
	t->cap = cap;
	t->mask = n - 1;
	t->key = *key;
	for (uint32_t i = 0; i < n; i++)
		t->bucket[i] = t->sbucket[i] = MG_NIL;
	for (uint32_t i = 0; i < cap; i++) {
		t->e[i].hnext = i + 1 < cap ? i + 1 : MG_NIL; /* free list */
		t->s[i].hnext = i + 1 < cap ? i + 1 : MG_NIL;
	}
	t->free_head = t->sfree_head = 0;
	t->head = t->tail = MG_NIL;
	return 0;
}

void mg_frag_free(struct mg_frag_tab *t)
{
	free(t->e);
	free(t->s);
	free(t->bucket);
	free(t->sbucket);
	t->e = NULL;
	t->s = NULL;
	t->bucket = t->sbucket = NULL;
}

static bool same(const struct mg_frag_ent *x, const struct mg_pkt *p)
{
	return x->id == p->frag_id && x->proto == p->proto && x->family == p->family &&
	       memcmp(&x->src, &p->t.src, sizeof(x->src)) == 0 &&
	       memcmp(&x->dst, &p->t.dst, sizeof(x->dst)) == 0;
}

static uint32_t ent_find(const struct mg_frag_tab *t, const struct mg_pkt *p)
{
	for (uint32_t i = t->bucket[ent_bucket(t, p)]; i != MG_NIL; i = t->e[i].hnext)
		if (same(&t->e[i], p))
			return i;
	return MG_NIL;
}

static uint32_t src_find(const struct mg_frag_tab *t, uint8_t family, const union mg_addr *a)
{
	for (uint32_t i = t->sbucket[src_bucket(t, family, a)]; i != MG_NIL; i = t->s[i].hnext)
		if (t->s[i].family == family && memcmp(&t->s[i].a, a, sizeof(*a)) == 0)
			return i;
	return MG_NIL;
}

/* The source record of (family, a), created if needed; MG_NIL only if the
 * pool is exhausted, which cannot happen while a datagram record is free. */
static uint32_t src_get(struct mg_frag_tab *t, uint8_t family, const union mg_addr *a)
{
	uint32_t i = src_find(t, family, a);
	if (i != MG_NIL || t->sfree_head == MG_NIL)
		return i;
	i = t->sfree_head;
	struct mg_frag_src *s = &t->s[i];
	t->sfree_head = s->hnext;
	memset(s, 0, sizeof(*s));
	s->a = *a;
	s->family = family;
	s->used = 1;
	s->head = s->tail = MG_NIL;
	uint32_t b = src_bucket(t, family, a);
	s->hnext = t->sbucket[b];
	t->sbucket[b] = i;
	return i;
}

static void src_put(struct mg_frag_tab *t, uint32_t i)
{
	struct mg_frag_src *s = &t->s[i];
	uint32_t *pp = &t->sbucket[src_bucket(t, s->family, &s->a)];
	while (*pp != i)
		pp = &t->s[*pp].hnext;
	*pp = s->hnext;
	s->used = 0;
	s->hnext = t->sfree_head;
	t->sfree_head = i;
}

/* Unlink record i from the hash, both lists and its source; free it. */
static void ent_del(struct mg_frag_tab *t, uint32_t i)
{
	struct mg_frag_ent *x = &t->e[i];
	uint32_t *pp = &t->bucket[key_bucket(t, &x->src, &x->dst, x->id, x->proto, x->family)];
	while (*pp != i)
		pp = &t->e[*pp].hnext;
	*pp = x->hnext;

	if (x->prev != MG_NIL)
		t->e[x->prev].next = x->next;
	else
		t->head = x->next;
	if (x->next != MG_NIL)
		t->e[x->next].prev = x->prev;
	else
		t->tail = x->prev;

	struct mg_frag_src *s = &t->s[x->src_rec];
	if (x->sprev != MG_NIL)
		t->e[x->sprev].snext = x->snext;
	else
		s->head = x->snext;
	if (x->snext != MG_NIL)
		t->e[x->snext].sprev = x->sprev;
	else
		s->tail = x->sprev;
	if (--s->n == 0)
		src_put(t, x->src_rec);

	x->used = 0;
	x->hnext = t->free_head;
	t->free_head = i;
	t->used--;
}

/* Records are made with one lifetime, so the oldest expire first. */
static void sweep(struct mg_frag_tab *t, uint64_t now)
{
	for (unsigned n = 0; n < SWEEP_MAX && t->head != MG_NIL && t->e[t->head].expire <= now; n++)
		ent_del(t, t->head);
}

enum mg_reason mg_frag_note(struct mg_frag_tab *t, const struct mg_pkt *p, uint32_t flow,
			    uint64_t created, int dir, uint64_t expire, uint64_t now, uint32_t per_src)
{
	sweep(t, now);
	uint32_t i = ent_find(t, p);
	if (i != MG_NIL && t->e[i].expire <= now) {
		ent_del(t, i);
		i = MG_NIL;
	}
	if (i != MG_NIL) { /* the first fragment again: the flow may be new */
		struct mg_frag_ent *x = &t->e[i];
		x->flow = flow;
		x->flow_created = created;
		x->dir = (uint8_t)dir;
		return MG_R_NONE;
	}

	enum mg_reason ev = MG_R_NONE;
	uint32_t si = src_find(t, p->family, &p->t.src);
	if (si != MG_NIL && t->s[si].n >= per_src) {
		ent_del(t, t->s[si].head);
		ev = MG_R_FRAG_SOURCE_LIMIT;
	} else if (t->used == t->cap) {
		ent_del(t, t->head);
		ev = MG_R_FRAG_TABLE_FULL;
	}
	/* a record is free now, so a source record is too */
	si = src_get(t, p->family, &p->t.src);
	i = t->free_head;
	struct mg_frag_ent *x = &t->e[i];
	t->free_head = x->hnext;
	t->used++;
	memset(x, 0, sizeof(*x));
	x->src = p->t.src;
	x->dst = p->t.dst;
	x->id = p->frag_id;
	x->proto = p->proto;
	x->family = p->family;
	x->dir = (uint8_t)dir;
	x->used = 1;
	x->flow = flow;
	x->flow_created = created;
	x->expire = expire;
	x->have = p->len - p->frag_data;
	uint32_t b = ent_bucket(t, p);
	x->hnext = t->bucket[b];
	t->bucket[b] = i;
	x->prev = t->tail;
	x->next = MG_NIL;
	if (t->tail != MG_NIL)
		t->e[t->tail].next = i;
	else
		t->head = i;
	t->tail = i;
	struct mg_frag_src *s = &t->s[si];
	x->src_rec = si;
	x->sprev = s->tail;
	x->snext = MG_NIL;
	if (s->tail != MG_NIL)
		t->e[s->tail].snext = i;
	else
		s->head = i;
	s->tail = i;
	s->n++;
	return ev;
}

/* Count the bytes [lo, hi) of a datagram; true when it is complete. */
static bool account(struct mg_frag_ent *x, uint32_t lo, uint32_t hi, bool last)
{
	if (last && !x->last_seen) {
		x->last_seen = 1;
		x->total = hi;
	}
	if (lo > x->have) {
		/* ahead of a hole: remembered while there is room */
		if (x->npieces < MG_FRAG_PIECES) {
			x->piece[x->npieces].lo = lo;
			x->piece[x->npieces].hi = hi;
			x->npieces++;
		}
	} else if (hi > x->have) {
		x->have = hi;
	}
	/* take in the pieces the seen part now reaches, until none does */
	for (uint8_t k = 0; k < x->npieces;) {
		if (x->piece[k].lo > x->have) {
			k++;
			continue;
		}
		if (x->piece[k].hi > x->have)
			x->have = x->piece[k].hi;
		x->piece[k] = x->piece[--x->npieces];
		k = 0;
	}
	return x->last_seen && x->have >= x->total;
}

bool mg_frag_later(struct mg_frag_tab *t, const struct mg_pkt *p, uint64_t now,
		   struct mg_frag_hit *hit)
{
	sweep(t, now);
	uint32_t i = ent_find(t, p);
	if (i == MG_NIL)
		return false;
	struct mg_frag_ent *x = &t->e[i];
	if (x->expire <= now) {
		ent_del(t, i);
		return false;
	}
	hit->flow = x->flow;
	hit->flow_created = x->flow_created;
	hit->dir = x->dir;
	uint32_t lo = p->frag_off, hi = p->frag_off + (p->len - p->frag_data);
	if (account(x, lo, hi, !p->frag_more))
		ent_del(t, i); /* complete: nothing more to admit */
	return true;
}

uint32_t mg_frag_active(const struct mg_frag_tab *t)
{
	return t->used;
}

uint32_t mg_frag_source_count(const struct mg_frag_tab *t, uint8_t family, const union mg_addr *a)
{
	uint32_t i = src_find(t, family, a);
	return i == MG_NIL ? 0 : t->s[i].n;
}
