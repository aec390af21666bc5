/* expect.c - pinhole table; see expect.h. */
#include "core/expect.h"

#include <stdlib.h>
#include <string.h>

#define EX_WHEEL_SLOTS 1024
#define EX_WHEEL_MS 1000

/* Pinholes hash by where they admit flows to and from whom: many calls'
 * pinholes to one public address and port (T.120 following routed calls)
 * from different peers land in different buckets. */
struct ex_key {
	uint32_t dst, remote;
	uint16_t port;
	uint8_t proto, side;
};

static uint32_t dbucket(const struct mg_expect_tab *t, uint8_t proto, uint8_t side, uint32_t dst,
			uint16_t port, uint32_t remote)
{
	struct ex_key k = {dst, remote, port, proto, side};
	return (uint32_t)mg_siphash(&t->key, &k, sizeof(k)) & t->mask;
}

static uint32_t obucket(const struct mg_expect_tab *t, uint32_t owner)
{
	return (uint32_t)mg_siphash(&t->key, &owner, sizeof(owner)) & t->mask;
}

int mg_expect_init(struct mg_expect_tab *t, uint32_t cap, const struct mg_sipkey *key, uint64_t now)
{
	memset(t, 0, sizeof(*t));
	if (cap == 0)
		cap = 1;
	uint32_t nb = 1;
	while (nb < cap)
		nb <<= 1;
	t->x = calloc(cap, sizeof(*t->x));
	t->bucket = malloc(sizeof(uint32_t) * nb);
	t->obucket = malloc(sizeof(uint32_t) * nb);
	if (!t->x || !t->bucket || !t->obucket ||
	    mg_wheel_init(&t->wheel, EX_WHEEL_SLOTS, EX_WHEEL_MS, t->x, sizeof(struct mg_expect),
			  offsetof(struct mg_expect, tn), now) < 0) {
		free(t->x);
		free(t->bucket);
		free(t->obucket);
		return -1;
	}
	for (uint32_t i = 0; i < nb; i++)
		t->bucket[i] = t->obucket[i] = MG_NIL;
	for (uint32_t i = 0; i < cap; i++)
		t->x[i].hnext = i + 1 < cap ? i + 1 : MG_NIL;
	t->cap = cap;
	t->mask = nb - 1;
	t->key = *key;
	return 0;
}

void mg_expect_free(struct mg_expect_tab *t)
{
	mg_wheel_free(&t->wheel);
	free(t->x);
	free(t->bucket);
	free(t->obucket);
	memset(t, 0, sizeof(*t));
}

static int same(const struct mg_expect *a, const struct mg_expect *b)
{
	return a->proto == b->proto && a->side == b->side && a->dst_addr == b->dst_addr &&
	       a->dst_port == b->dst_port && a->remote == b->remote && a->owner == b->owner &&
	       a->to_addr == b->to_addr && a->to_port == b->to_port;
}

uint32_t mg_expect_add(struct mg_expect_tab *t, const struct mg_expect *spec, uint64_t expire,
		       int *dup)
{
	*dup = 0;
	uint32_t b = dbucket(t, spec->proto, spec->side, spec->dst_addr, spec->dst_port, spec->remote);
	for (uint32_t i = t->bucket[b]; i != MG_NIL; i = t->x[i].hnext) {
		if (same(&t->x[i], spec)) {
			*dup = 1;
			if (expire > t->x[i].tn.expire)
				t->x[i].tn.expire = expire; /* extended lazily; never shortened */
			return i;
		}
	}
	uint32_t i = t->free_head;
	if (i == MG_NIL)
		return MG_NIL;
	struct mg_expect *x = &t->x[i];
	t->free_head = x->hnext;
	*x = *spec;
	x->used = 1;
	x->hits = 0;
	x->hnext = t->bucket[b];
	t->bucket[b] = i;
	uint32_t ob = obucket(t, x->owner);
	x->onext = t->obucket[ob];
	t->obucket[ob] = i;
	x->tn.expire = expire;
	x->tn.slot = MG_NIL;
	mg_wheel_add(&t->wheel, i);
	t->used++;
	return i;
}

uint32_t mg_expect_match(const struct mg_expect_tab *t, uint8_t proto, uint8_t side, uint32_t src,
			 uint32_t dst, uint16_t dport)
{
	/* an exact remote beats a wildcard: its bucket first */
	uint32_t remote[2] = {src, 0};
	for (int k = 0; k < 2; k++) {
		uint32_t b = dbucket(t, proto, side, dst, dport, remote[k]);
		for (uint32_t i = t->bucket[b]; i != MG_NIL; i = t->x[i].hnext) {
			const struct mg_expect *x = &t->x[i];
			if (x->proto == proto && x->side == side && x->dst_addr == dst && x->dst_port == dport &&
			    x->remote == remote[k])
				return i;
		}
		if (src == 0)
			break;
	}
	return MG_NIL;
}

uint32_t mg_expect_del(struct mg_expect_tab *t, uint32_t idx)
{
	struct mg_expect *x = &t->x[idx];
	if (!x->used)
		return MG_NIL;
	uint32_t *l = &t->bucket[dbucket(t, x->proto, x->side, x->dst_addr, x->dst_port, x->remote)];
	while (*l != MG_NIL && *l != idx)
		l = &t->x[*l].hnext;
	if (*l == idx)
		*l = x->hnext;
	l = &t->obucket[obucket(t, x->owner)];
	while (*l != MG_NIL && *l != idx)
		l = &t->x[*l].onext;
	if (*l == idx)
		*l = x->onext;
	mg_wheel_del(&t->wheel, idx);
	uint32_t bind = x->bind;
	x->used = 0;
	x->hnext = t->free_head;
	t->free_head = idx;
	t->used--;
	return bind;
}

void mg_expect_foreach_owner(struct mg_expect_tab *t, uint32_t owner,
			     void (*fn)(void *ctx, uint32_t idx), void *ctx)
{
	uint32_t i = t->obucket[obucket(t, owner)];
	while (i != MG_NIL) {
		uint32_t next = t->x[i].onext; /* fn may delete i */
		if (t->x[i].owner == owner)
			fn(ctx, i);
		i = next;
	}
}
