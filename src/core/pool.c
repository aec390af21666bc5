/* pool.c - the dynamic public address pool; see pool.h. */
#include "core/pool.h"

#include <string.h>

static void free_push(struct mg_pool *p, uint32_t i)
{
	p->s[i].next = MG_POOL_END;
	if (p->free_tail == MG_POOL_END)
		p->free_head = i;
	else
		p->s[p->free_tail].next = i;
	p->free_tail = i;
}

static uint32_t free_pop(struct mg_pool *p)
{
	uint32_t i = p->free_head;
	if (i == MG_POOL_END)
		return MG_POOL_END;
	p->free_head = p->s[i].next;
	if (p->free_head == MG_POOL_END)
		p->free_tail = MG_POOL_END;
	p->s[i].next = MG_POOL_END;
	return i;
}

void mg_pool_init(struct mg_pool *p, const uint32_t *addrs, uint32_t n)
{
	memset(p, 0, sizeof(*p));
	p->free_head = p->free_tail = MG_POOL_END;
	if (n > MG_CFG_MAX_POOL)
		n = MG_CFG_MAX_POOL;
	p->n = n;
	for (uint32_t i = 0; i < n; i++) {
		p->s[i].pub = addrs[i];
		free_push(p, i);
	}
}

void mg_pool_free(struct mg_pool *p)
{
	memset(p, 0, sizeof(*p));
	p->free_head = p->free_tail = MG_POOL_END;
}

static uint32_t slot_of_host(const struct mg_pool *p, uint32_t host)
{
	if (host == 0)
		return MG_POOL_END;
	for (uint32_t i = 0; i < p->n; i++)
		if (p->s[i].host == host)
			return i;
	return MG_POOL_END;
}

uint32_t mg_pool_take(struct mg_pool *p, uint32_t host)
{
	if (host == 0)
		return 0;
	uint32_t i = slot_of_host(p, host);
	if (i != MG_POOL_END) {
		p->s[i].refs++;
		return p->s[i].pub;
	}
	i = free_pop(p);
	if (i == MG_POOL_END) {
		if (p->n > 0)
			p->exhausted++;
		return 0;
	}
	p->s[i].host = host;
	p->s[i].refs = 1;
	p->in_use++;
	p->assigned++;
	return p->s[i].pub;
}

bool mg_pool_release(struct mg_pool *p, uint32_t host)
{
	uint32_t i = slot_of_host(p, host);
	if (i == MG_POOL_END)
		return false;
	if (--p->s[i].refs > 0)
		return false;
	p->s[i].host = 0;
	p->in_use--;
	p->released++;
	free_push(p, i);
	return true;
}

uint32_t mg_pool_of(const struct mg_pool *p, uint32_t host)
{
	uint32_t i = slot_of_host(p, host);
	return i == MG_POOL_END ? 0 : p->s[i].pub;
}

uint32_t mg_pool_host(const struct mg_pool *p, uint32_t pub)
{
	for (uint32_t i = 0; i < p->n; i++)
		if (p->s[i].pub == pub)
			return p->s[i].host;
	return 0;
}

uint32_t mg_pool_refs(const struct mg_pool *p, uint32_t host)
{
	uint32_t i = slot_of_host(p, host);
	return i == MG_POOL_END ? 0 : p->s[i].refs;
}
