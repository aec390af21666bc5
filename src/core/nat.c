/* nat.c - NAT bindings; see nat.h. */
#include "core/nat.h"

#include <stdlib.h>
#include <string.h>

#include "core/pkt.h"
#include "core/wheel.h"

struct bind_key {
	uint32_t addr;
	uint16_t port;
	uint8_t proto;
	uint8_t side; /* 0 inside key, 1 public key */
};

static uint32_t bucket(const struct mg_nat *n, uint8_t proto, uint32_t addr, uint16_t port, int side)
{
	struct bind_key k = {addr, port, proto, (uint8_t)side};
	return (uint32_t)mg_siphash(&n->key, &k, sizeof(k)) & n->mask;
}

static int proto_slot(uint8_t proto)
{
	switch (proto) {
	case MG_PROTO_TCP:
		return 0;
	case MG_PROTO_UDP:
		return 1;
	case MG_PROTO_ICMP:
		return 2;
	default:
		return -1;
	}
}

static struct mg_portmap *map_for(struct mg_nat *n, uint8_t proto, uint32_t pub_addr)
{
	int ps = proto_slot(proto);
	if (ps < 0)
		return NULL;
	for (unsigned i = 0; i < n->n_addr; i++)
		if (n->pub[i] == pub_addr)
			return &n->maps[i * 3 + (unsigned)ps];
	return NULL;
}

int mg_nat_init(struct mg_nat *n, const struct mg_config *cfg, const struct mg_sipkey *key,
		uint64_t *rng)
{
	memset(n, 0, sizeof(*n));
	uint32_t cap = cfg->max_bindings ? cfg->max_bindings : 1;
	uint32_t nb = 1;
	while (nb < cap)
		nb <<= 1;
	n->b = calloc(cap, sizeof(*n->b));
	n->bucket_in = malloc(sizeof(uint32_t) * nb);
	n->bucket_pub = malloc(sizeof(uint32_t) * nb);
	unsigned n_addr = cfg->n_public + cfg->n_pool;
	n->maps = calloc(n_addr ? n_addr * 3 : 1, sizeof(*n->maps));
	if (!n->b || !n->bucket_in || !n->bucket_pub || !n->maps) {
		mg_nat_free(n);
		return -1;
	}
	for (uint32_t i = 0; i < nb; i++)
		n->bucket_in[i] = n->bucket_pub[i] = MG_NIL;
	for (uint32_t i = 0; i < cap; i++)
		n->b[i].next_in = i + 1 < cap ? i + 1 : MG_NIL;
	n->cap = cap;
	n->mask = nb - 1;
	n->key = *key;
	n->rng = rng;
	n->n_pub = cfg->n_public;
	n->n_addr = n_addr;
	memcpy(n->pub, cfg->public_addr, sizeof(uint32_t) * cfg->n_public);
	memcpy(n->pub + cfg->n_public, cfg->pool_addr, sizeof(uint32_t) * cfg->n_pool);
	for (unsigned i = 0; i < n_addr * 3; i++)
		mg_portmap_init(&n->maps[i]);
	n->lo = cfg->port_lo;
	n->hi = cfg->port_hi;
	mg_nat_set_forwards(n, cfg);
	return 0;
}

void mg_nat_free(struct mg_nat *n)
{
	free(n->b);
	free(n->bucket_in);
	free(n->bucket_pub);
	free(n->maps);
	memset(n, 0, sizeof(*n));
}

void mg_nat_set_forwards(struct mg_nat *n, const struct mg_config *cfg)
{
	n->n_home = 0;
	for (unsigned i = 0; i < cfg->n_forward && n->n_home < MG_CFG_MAX_FORWARD; i++) {
		const struct mg_forward *f = &cfg->forward[i];
		if (!f->pub_addr || !mg_config_is_public(cfg, f->pub_addr))
			continue;
		bool seen = false;
		for (unsigned k = 0; k < n->n_home; k++)
			seen = seen || n->home_in[k] == f->to_addr;
		if (seen)
			continue; /* the first forward to a host names its address */
		n->home_in[n->n_home] = f->to_addr;
		n->home_pub[n->n_home] = f->pub_addr;
		n->n_home++;
	}
}

uint32_t mg_nat_public_for(const struct mg_nat *n, uint32_t in_addr)
{
	uint32_t lent = n->pool ? mg_pool_of(n->pool, in_addr) : 0;
	if (lent)
		return lent;
	if (n->n_pub == 0)
		return 0;
	for (unsigned k = 0; k < n->n_home; k++)
		if (n->home_in[k] == in_addr)
			return n->home_pub[k];
	struct bind_key k = {in_addr, 0, 0, 2};
	return n->pub[mg_siphash(&n->key, &k, sizeof(k)) % n->n_pub];
}

uint32_t mg_nat_find_in(const struct mg_nat *n, uint8_t proto, uint32_t in_addr, uint16_t in_port)
{
	for (uint32_t i = n->bucket_in[bucket(n, proto, in_addr, in_port, 0)]; i != MG_NIL;
	     i = n->b[i].next_in) {
		const struct mg_binding *b = &n->b[i];
		if (b->in_addr == in_addr && b->in_port == in_port && b->proto == proto)
			return i;
	}
	return MG_NIL;
}

uint32_t mg_nat_find_pub(const struct mg_nat *n, uint8_t proto, uint32_t pub_addr,
			 uint16_t pub_port)
{
	for (uint32_t i = n->bucket_pub[bucket(n, proto, pub_addr, pub_port, 1)]; i != MG_NIL;
	     i = n->b[i].next_pub) {
		const struct mg_binding *b = &n->b[i];
		if (b->pub_addr == pub_addr && b->pub_port == pub_port && b->proto == proto)
			return i;
	}
	return MG_NIL;
}

static uint32_t take(struct mg_nat *n, uint8_t proto, uint32_t in_addr, uint16_t in_port,
		     uint32_t pub_addr, uint16_t pub_port, uint64_t now)
{
	uint32_t i = n->free_head;
	struct mg_binding *b = &n->b[i];
	n->free_head = b->next_in;
	memset(b, 0, sizeof(*b));
	b->in_addr = in_addr;
	b->in_port = in_port;
	b->pub_addr = pub_addr;
	b->pub_port = pub_port;
	b->proto = proto;
	b->used = 1;
	b->refs = 1;
	b->created = now;
	uint32_t bi = bucket(n, proto, in_addr, in_port, 0);
	b->next_in = n->bucket_in[bi];
	n->bucket_in[bi] = i;
	uint32_t bp = bucket(n, proto, pub_addr, pub_port, 1);
	b->next_pub = n->bucket_pub[bp];
	n->bucket_pub[bp] = i;
	n->used++;
	n->created++;
	if (n->on_new)
		n->on_new(n->on_new_ctx, b);
	return i;
}

static uint32_t bind_one(struct mg_nat *n, uint8_t proto, uint32_t in_addr, uint16_t in_port,
			 bool pair, uint64_t now, enum mg_reason *why)
{
	uint32_t pub = mg_nat_public_for(n, in_addr);
	struct mg_portmap *m = map_for(n, proto, pub);
	if (!m) {
		*why = MG_R_POLICY_NO_PUBLIC;
		return MG_NIL;
	}
	if (n->cap - n->used < (pair ? 2u : 1u)) {
		*why = MG_R_NAT_TABLE_FULL;
		return MG_NIL;
	}
	uint16_t lo = n->lo, hi = n->hi;
	if (proto == MG_PROTO_ICMP) { /* echo identifiers: the whole space */
		lo = 1;
		hi = 65535;
	}
	/* basic NAT: on the host's own pool address the inside port is kept
	 * whatever the range, unless a binding of a previous holder has it */
	uint16_t p = 0;
	uint16_t last = pair ? (uint16_t)(in_port + 1) : in_port;
	bool lent = proto != MG_PROTO_ICMP && n->pool && mg_pool_host(n->pool, pub) == in_addr;
	if (lent && !mg_portmap_is_used(m, in_port) && !mg_portmap_is_used(m, last))
		p = mg_portmap_alloc(m, in_port, pair, in_port, last, 0);
	if (p == 0)
		p = mg_portmap_alloc(m, in_port, pair, lo, hi, (uint32_t)mg_rand_next(n->rng));
	if (p == 0) {
		*why = MG_R_NAT_NO_PORT;
		return MG_NIL;
	}
	uint32_t i = take(n, proto, in_addr, in_port, pub, p, now);
	if (pair)
		take(n, proto, in_addr, (uint16_t)(in_port + 1), pub, (uint16_t)(p + 1), now);
	return i;
}

static uint32_t bind_single(struct mg_nat *n, uint8_t proto, uint32_t in_addr, uint16_t in_port,
			    uint64_t now, enum mg_reason *why)
{
	uint32_t i = mg_nat_find_in(n, proto, in_addr, in_port);
	if (i != MG_NIL) {
		n->b[i].refs++;
		return i;
	}
	return bind_one(n, proto, in_addr, in_port, false, now, why);
}

uint32_t mg_nat_bind(struct mg_nat *n, uint8_t proto, uint32_t in_addr, uint16_t in_port,
		     bool want_pair, uint64_t now, enum mg_reason *why)
{
	if (!want_pair || (in_port & 1) || in_port == 65535)
		return bind_single(n, proto, in_addr, in_port, now, why);
	uint16_t odd = (uint16_t)(in_port + 1);
	if (mg_nat_find_in(n, proto, in_addr, in_port) == MG_NIL &&
	    mg_nat_find_in(n, proto, in_addr, odd) == MG_NIL) {
		uint32_t i = bind_one(n, proto, in_addr, in_port, true, now, why);
		if (i != MG_NIL || *why != MG_R_NAT_NO_PORT)
			return i;
		/* no adjacent pair left: fall back to two single ports */
	}
	uint32_t e = bind_single(n, proto, in_addr, in_port, now, why);
	if (e == MG_NIL)
		return MG_NIL;
	if (bind_single(n, proto, in_addr, odd, now, why) == MG_NIL) {
		mg_nat_unref(n, e);
		return MG_NIL;
	}
	return e;
}

void mg_nat_ref(struct mg_nat *n, uint32_t idx)
{
	n->b[idx].refs++;
}

static void unhash(struct mg_nat *n, uint32_t idx)
{
	struct mg_binding *b = &n->b[idx];
	uint32_t *l = &n->bucket_in[bucket(n, b->proto, b->in_addr, b->in_port, 0)];
	while (*l != MG_NIL && *l != idx)
		l = &n->b[*l].next_in;
	if (*l == idx)
		*l = b->next_in;
	l = &n->bucket_pub[bucket(n, b->proto, b->pub_addr, b->pub_port, 1)];
	while (*l != MG_NIL && *l != idx)
		l = &n->b[*l].next_pub;
	if (*l == idx)
		*l = b->next_pub;
}

void mg_nat_unref(struct mg_nat *n, uint32_t idx)
{
	struct mg_binding *b = &n->b[idx];
	if (!b->used)
		return;
	if (b->refs > 0)
		b->refs--;
	if (b->refs > 0)
		return;
	if (n->on_free)
		n->on_free(n->on_free_ctx, b);
	struct mg_portmap *m = map_for(n, b->proto, b->pub_addr);
	if (m)
		mg_portmap_free(m, b->pub_port);
	unhash(n, idx);
	b->used = 0;
	b->next_in = n->free_head;
	n->free_head = idx;
	n->used--;
	n->freed++;
}

bool mg_nat_reserve(struct mg_nat *n, uint8_t proto, uint32_t pub_addr, uint16_t port)
{
	struct mg_portmap *m = map_for(n, proto, pub_addr);
	return m && mg_portmap_take(m, port);
}
