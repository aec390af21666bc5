/* nexthop.c - the next-hop cache (nexthop.h): the two tables, the lookup and
 * the changes notifications make.  The kernel is reached only through the
 * ops; no system call and no allocation on a lookup the tables answer. */
#include "io/nexthop.h"
#include "io/nexthop_priv.h"

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define NUD_USABLE (NUD_REACHABLE | NUD_PERMANENT | NUD_NOARP)
#define NUD_UNCONFIRMED (NUD_STALE | NUD_DELAY | NUD_PROBE)

static uint32_t gen_next(uint32_t g)
{
	return g + 1 != 0 ? g + 1 : 1; /* 0 marks an empty slot */
}

static uint32_t route_home(const struct mg_nh *nh, uint32_t dst)
{
	return (uint32_t)mg_siphash(&nh->key, &dst, sizeof(dst)) & nh->mask;
}

static uint32_t hop_home(const struct mg_nh *nh, unsigned oif, uint32_t addr)
{
	uint32_t k[2] = {addr, oif};
	return (uint32_t)mg_siphash(&nh->key, k, sizeof(k)) & nh->mask;
}

/* The slot of dst, or NULL with *free_at the slot to take: an empty one of
 * the window, else its least recently used. */
static struct nh_route *route_find(struct mg_nh *nh, uint32_t dst, uint32_t *free_at)
{
	uint32_t home = route_home(nh, dst), victim = home;
	bool empty = false;
	for (uint32_t i = 0; i < MG_NH_WINDOW; i++) {
		uint32_t at = (home + i) & nh->mask;
		struct nh_route *e = &nh->routes[at];
		if (e->gen == 0) {
			if (!empty)
				victim = at;
			empty = true;
			continue;
		}
		if (e->dst == dst)
			return e;
		if (!empty && e->used < nh->routes[victim].used)
			victim = at;
	}
	if (!empty)
		nh->st.evictions++;
	*free_at = victim;
	return NULL;
}

static struct nh_hop *hop_find(struct mg_nh *nh, unsigned oif, uint32_t addr, uint32_t *free_at)
{
	uint32_t home = hop_home(nh, oif, addr), victim = home;
	bool empty = false;
	for (uint32_t i = 0; i < MG_NH_WINDOW; i++) {
		uint32_t at = (home + i) & nh->mask;
		struct nh_hop *h = &nh->hops[at];
		if (h->gen == 0) {
			if (!empty)
				victim = at;
			empty = true;
			continue;
		}
		if (h->addr == addr && h->oif == oif) {
			if (free_at != NULL)
				*free_at = at;
			return h;
		}
		if (!empty && h->used < nh->hops[victim].used)
			victim = at;
	}
	if (!empty && free_at != NULL)
		nh->st.evictions++;
	if (free_at != NULL)
		*free_at = victim;
	return NULL;
}

static void route_ask(struct mg_nh *nh, struct nh_route *e, uint64_t now)
{
	unsigned oif = 0, type = RTN_UNSPEC;
	uint32_t gw = 0;
	nh->st.route_queries++;
	int rc = nh->ops.route_get(nh->ops.ctx, e->dst, &oif, &gw, &type);
	e->gen = nh->route_gen;
	e->until = now + nh->ttl;
	e->hop_slot = UINT32_MAX;
	e->oif = oif;
	e->hop = gw != 0 ? gw : e->dst;
	if (rc == -1) {
		e->kind = NH_NOROUTE;
	} else if (rc != 0) {
		if (rc != 1) {
			nh->st.query_errors++;
			e->until = now + MG_NH_RETRY_MS;
		}
		e->kind = NH_KERNEL;
	} else if (type == RTN_LOCAL || type == RTN_BROADCAST || type == RTN_MULTICAST ||
		   type == RTN_ANYCAST) {
		e->kind = NH_LOCAL;
	} else if (type == RTN_UNICAST) {
		e->kind = oif != 0 ? NH_UNICAST : NH_KERNEL;
	} else {
		/* blackhole, unreachable, prohibit, throw: the kernel would not forward */
		e->kind = NH_NOROUTE;
	}
}

static void hop_ask(struct mg_nh *nh, struct nh_hop *h, uint64_t now)
{
	uint8_t mac[6];
	uint16_t state = 0;
	nh->st.neigh_queries++;
	int rc = nh->ops.neigh_get(nh->ops.ctx, h->oif, h->addr, mac, &state);
	if (rc < 0)
		nh->st.query_errors++;
	h->gen = nh->hop_gen;
	h->have_mac = rc == 1;
	h->state = rc == 1 ? state : 0;
	if (rc == 1)
		memcpy(h->mac, mac, 6);
	h->ask_after = now + MG_NH_RETRY_MS;
	h->until = now + nh->ttl;
}

static bool hop_usable(const struct nh_hop *h)
{
	return h->have_mac && (h->state & (NUD_USABLE | NUD_UNCONFIRMED)) != 0;
}

/* The next hop of a unicast route, found through the route's hint, the
 * table, or made (and asked) anew. */
static struct nh_hop *hop_of(struct mg_nh *nh, struct nh_route *e, uint64_t now, bool *asked)
{
	struct nh_hop *h = NULL;
	uint32_t at;
	if (e->hop_slot <= nh->mask) {
		h = &nh->hops[e->hop_slot];
		if (h->gen == 0 || h->addr != e->hop || h->oif != e->oif)
			h = NULL;
	}
	if (h == NULL) {
		h = hop_find(nh, e->oif, e->hop, &at);
		if (h == NULL) {
			h = &nh->hops[at];
			memset(h, 0, sizeof(*h));
			h->addr = e->hop;
			h->oif = e->oif;
		}
		e->hop_slot = at;
	}
	h->used = now;
	bool fresh = h->gen == nh->hop_gen && h->gen != 0;
	if (!fresh || (hop_usable(h) ? now >= h->until : now >= h->ask_after)) {
		hop_ask(nh, h, now);
		*asked = true;
	}
	return h;
}

static enum mg_nh_status hop_answer(struct nh_hop *h, uint64_t now, unsigned oif,
				    struct mg_nh_result *r)
{
	if (!hop_usable(h))
		return MG_NH_KERNEL;
	if ((h->state & NUD_UNCONFIRMED) && now >= h->confirm_after) {
		h->confirm_after = now + MG_NH_CONFIRM_MS;
		return MG_NH_KERNEL;
	}
	r->ifindex = oif;
	memcpy(r->mac, h->mac, 6);
	return MG_NH_OK;
}

enum mg_nh_status mg_nh_lookup(struct mg_nh *nh, uint32_t dst, uint64_t now_ms,
			       struct mg_nh_result *r)
{
	bool asked = false;
	uint32_t at;
	enum mg_nh_status s;

	nh->st.lookups++;
	struct nh_route *e = route_find(nh, dst, &at);
	if (e == NULL) {
		e = &nh->routes[at];
		memset(e, 0, sizeof(*e));
		e->dst = dst;
	}
	e->used = now_ms;
	if (e->gen != nh->route_gen || now_ms >= e->until) {
		route_ask(nh, e, now_ms);
		asked = true;
	}
	switch (e->kind) {
	case NH_UNICAST:
		s = hop_answer(hop_of(nh, e, now_ms, &asked), now_ms, e->oif, r);
		break;
	case NH_LOCAL:
		nh->st.local++;
		s = MG_NH_LOCAL;
		break;
	case NH_NOROUTE:
		nh->st.noroute++;
		s = MG_NH_NOROUTE;
		break;
	default:
		s = MG_NH_KERNEL;
		break;
	}
	if (s == MG_NH_KERNEL)
		nh->st.kernel_handoffs++;
	if (!asked)
		nh->st.hits++;
	return s;
}

void mg_nh_neigh_event(struct mg_nh *nh, unsigned oif, uint32_t addr, const uint8_t *mac,
		       uint16_t state, uint64_t now)
{
	struct nh_hop *h = hop_find(nh, oif, addr, NULL);
	if (h == NULL)
		return; /* not one of ours: the table holds what lookups asked for */
	h->gen = nh->hop_gen;
	h->state = state;
	h->have_mac = mac != NULL;
	if (mac != NULL)
		memcpy(h->mac, mac, 6);
	h->ask_after = now + MG_NH_RETRY_MS;
	h->until = now + nh->ttl;
}

void mg_nh_neigh_gone(struct mg_nh *nh, unsigned oif, uint32_t addr)
{
	struct nh_hop *h = hop_find(nh, oif, addr, NULL);
	if (h != NULL)
		h->gen = 0;
}

void mg_nh_routes_changed(struct mg_nh *nh)
{
	nh->route_gen = gen_next(nh->route_gen);
}

void mg_nh_link_changed(struct mg_nh *nh, unsigned oif)
{
	mg_nh_routes_changed(nh);
	for (uint32_t i = 0; i <= nh->mask; i++)
		if (nh->hops[i].oif == oif)
			nh->hops[i].gen = 0;
}

void mg_nh_invalidate_all(struct mg_nh *nh)
{
	mg_nh_routes_changed(nh);
	nh->hop_gen = gen_next(nh->hop_gen);
}

struct mg_nh *mg_nh_new(const struct mg_nh_ops *ops, unsigned capacity)
{
	if (ops == NULL || ops->route_get == NULL || ops->neigh_get == NULL ||
	    capacity > MG_NH_MAX_CAP)
		return NULL;
	uint32_t slots = MG_NH_MIN_CAP;
	while (slots < capacity)
		slots <<= 1;
	struct mg_nh *nh = calloc(1, sizeof(*nh));
	if (nh == NULL)
		return NULL;
	nh->routes = calloc(slots, sizeof(*nh->routes));
	nh->hops = calloc(slots, sizeof(*nh->hops));
	if (nh->routes == NULL || nh->hops == NULL) {
		mg_nh_free(nh);
		return NULL;
	}
	nh->ops = *ops;
	nh->mask = slots - 1;
	nh->route_gen = nh->hop_gen = 1;
	nh->ttl = MG_NH_POLL_MS;
	nh->fd = -1;
	if (getrandom(&nh->key, sizeof(nh->key), GRND_NONBLOCK) != (ssize_t)sizeof(nh->key))
		nh->key = (struct mg_sipkey){(uint64_t)time(NULL), (uint64_t)(uintptr_t)nh};
	return nh;
}

void mg_nh_free(struct mg_nh *nh)
{
	if (nh == NULL)
		return;
	if (nh->release != NULL)
		nh->release(nh->owner);
	free(nh->hops);
	free(nh->routes);
	free(nh);
}

int mg_nh_fd(const struct mg_nh *nh)
{
	return nh->fd;
}

const struct mg_nh_stats *mg_nh_stats(const struct mg_nh *nh)
{
	return &nh->st;
}
