/* frag.c - fragment tracking; see frag.h. */
#include "core/frag.h"

#include <stdlib.h>
#include <string.h>

struct frag_key {
	union mg_addr src, dst;
	uint32_t id;
	uint8_t proto, family, pad[2];
};

static uint32_t slot(const struct mg_frag_tab *t, const struct mg_pkt *p)
{
	struct frag_key k;
	memset(&k, 0, sizeof(k));
	k.src = p->t.src;
	k.dst = p->t.dst;
	k.id = p->frag_id;
	k.proto = p->proto;
	k.family = p->family;
	return (uint32_t)mg_siphash(&t->key, &k, sizeof(k)) & t->mask;
}

int mg_frag_init(struct mg_frag_tab *t, uint32_t cap, const struct mg_sipkey *key)
{
	uint32_t n = 16;
	while (n < cap)
		n <<= 1;
	t->e = calloc(n, sizeof(*t->e));
	if (!t->e)
		return -1;
	t->mask = n - 1;
	t->key = *key;
	return 0;
}

void mg_frag_free(struct mg_frag_tab *t)
{
	free(t->e);
	t->e = NULL;
}

static int same(const struct mg_frag_ent *x, const struct mg_pkt *p)
{
	return x->id == p->frag_id && x->proto == p->proto && x->family == p->family &&
	       memcmp(&x->src, &p->t.src, sizeof(x->src)) == 0 &&
	       memcmp(&x->dst, &p->t.dst, sizeof(x->dst)) == 0;
}

int mg_frag_note(struct mg_frag_tab *t, const struct mg_pkt *p, uint32_t flow, uint64_t created,
		 int dir, uint64_t expire, uint64_t now)
{
	struct mg_frag_ent *x = &t->e[slot(t, p)];
	if (x->used && x->expire > now && !same(x, p))
		return -1;
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
	return 0;
}

const struct mg_frag_ent *mg_frag_find(const struct mg_frag_tab *t, const struct mg_pkt *p,
				       uint64_t now)
{
	const struct mg_frag_ent *x = &t->e[slot(t, p)];
	if (!x->used || x->expire <= now || !same(x, p))
		return NULL;
	return x;
}
