/* seqadj_pool.c - the pool of sequence-adjust tables (seqadj.h). */
#include <stdlib.h>

#include "core/seqadj.h"

int mg_seqadj_pool_init(struct mg_seqadj_pool *sp, uint32_t cap)
{
	sp->t = calloc(cap ? cap : 1, sizeof(*sp->t));
	if (!sp->t)
		return -1;
	sp->cap = cap;
	sp->used = 0;
	for (uint32_t i = 0; i < cap; i++)
		sp->t[i].next_free = i + 1 < cap ? i + 1 : UINT32_MAX;
	sp->free_head = cap ? 0 : UINT32_MAX;
	return 0;
}

void mg_seqadj_pool_free(struct mg_seqadj_pool *sp)
{
	free(sp->t);
	sp->t = NULL;
}

uint32_t mg_seqadj_get(struct mg_seqadj_pool *sp)
{
	uint32_t i = sp->free_head;
	if (i == UINT32_MAX)
		return i;
	sp->free_head = sp->t[i].next_free;
	mg_seqadj_init(&sp->t[i].d[0]);
	mg_seqadj_init(&sp->t[i].d[1]);
	sp->used++;
	return i;
}

void mg_seqadj_put(struct mg_seqadj_pool *sp, uint32_t idx)
{
	sp->t[idx].next_free = sp->free_head;
	sp->free_head = idx;
	sp->used--;
}
