/* wheel.c - timer wheel; see wheel.h. */
#include "core/wheel.h"

#include <stdlib.h>

static struct mg_tnode *node(const struct mg_wheel *w, uint32_t idx)
{
	return (struct mg_tnode *)(w->base + (size_t)idx * w->stride + w->off);
}

int mg_wheel_init(struct mg_wheel *w, uint32_t nslots, uint32_t slot_ms, void *base, size_t stride,
		  size_t off, uint64_t now)
{
	w->head = malloc(sizeof(uint32_t) * nslots);
	if (!w->head)
		return -1;
	for (uint32_t i = 0; i < nslots; i++)
		w->head[i] = MG_NIL;
	w->nslots = nslots;
	w->slot_ms = slot_ms;
	w->cur = now / slot_ms;
	w->base = base;
	w->stride = stride;
	w->off = off;
	return 0;
}

void mg_wheel_free(struct mg_wheel *w)
{
	free(w->head);
	w->head = NULL;
}

static uint64_t slot_of(const struct mg_wheel *w, uint64_t expire)
{
	uint64_t s = expire / w->slot_ms;
	if (s < w->cur)
		s = w->cur;
	if (s >= w->cur + w->nslots)
		s = w->cur + w->nslots - 1; /* beyond the horizon: re-filed when reached */
	return s;
}

void mg_wheel_add(struct mg_wheel *w, uint32_t idx)
{
	struct mg_tnode *n = node(w, idx);
	uint32_t s = (uint32_t)(slot_of(w, n->expire) & (w->nslots - 1));
	n->slot = s;
	n->prev = MG_NIL;
	n->next = w->head[s];
	if (n->next != MG_NIL)
		node(w, n->next)->prev = idx;
	w->head[s] = idx;
}

void mg_wheel_del(struct mg_wheel *w, uint32_t idx)
{
	struct mg_tnode *n = node(w, idx);
	if (n->slot == MG_NIL)
		return;
	if (n->prev != MG_NIL)
		node(w, n->prev)->next = n->next;
	else
		w->head[n->slot] = n->next;
	if (n->next != MG_NIL)
		node(w, n->next)->prev = n->prev;
	n->slot = MG_NIL;
	n->next = n->prev = MG_NIL;
}

void mg_wheel_update(struct mg_wheel *w, uint32_t idx, uint64_t expire)
{
	struct mg_tnode *n = node(w, idx);
	uint64_t old = n->expire;
	n->expire = expire;
	if (expire < old && n->slot != MG_NIL) {
		uint32_t s = (uint32_t)(slot_of(w, expire) & (w->nslots - 1));
		if (s != n->slot) {
			mg_wheel_del(w, idx);
			mg_wheel_add(w, idx);
		}
	}
}

void mg_wheel_run(struct mg_wheel *w, uint64_t now, mg_wheel_fire_fn fire, void *ctx)
{
	/* slots below `target` have fully elapsed; after a long gap one full
	 * turn visits every slot, so skip straight to the last turn */
	uint64_t target = (now + 1) / w->slot_ms;
	if (target > w->cur + w->nslots)
		w->cur = target - w->nslots;
	while (w->cur < target) {
		uint32_t s = (uint32_t)(w->cur & (w->nslots - 1));
		uint32_t idx = w->head[s];
		w->head[s] = MG_NIL;
		w->cur++;
		while (idx != MG_NIL) {
			struct mg_tnode *n = node(w, idx);
			uint32_t next = n->next;
			n->slot = MG_NIL;
			n->next = n->prev = MG_NIL;
			if (n->expire <= now)
				fire(ctx, idx);
			else
				mg_wheel_add(w, idx);
			idx = next;
		}
	}
}
