/* engine_pool.c - the engine's side of the public address pool: the
 * directory's pool hook lends addresses to the hosts of the entries that ask
 * for one (core/dir.h), NAT reads who holds what (core/nat.h), and each
 * change is an event (pool-assigned, pool-released, pool-exhausted). */
#include <stdio.h>
#include <string.h>

#include "core/engine_priv.h"

static void addr_str(uint32_t a, char *out, size_t n)
{
	uint8_t b[4];
	memcpy(b, &a, sizeof(b));
	snprintf(out, n, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

static uint32_t pool_take(void *ctx, uint32_t host)
{
	struct mg_engine *e = ctx;
	uint64_t before = e->pool.assigned;
	uint32_t pub = mg_pool_take(&e->pool, host);
	char h[16], a[16];
	addr_str(host, h, sizeof(h));
	if (pub == 0) {
		if (e->pool.n > 0)
			mg_engine_event(e, MG_R_POOL_EXHAUSTED, "no free pool address for %s", h);
		return 0;
	}
	if (e->pool.assigned != before) {
		addr_str(pub, a, sizeof(a));
		mg_engine_event(e, MG_R_POOL_ASSIGNED, "%s is %s while registered", h, a);
	}
	return pub;
}

static bool pool_release(void *ctx, uint32_t host)
{
	struct mg_engine *e = ctx;
	uint32_t pub = mg_pool_of(&e->pool, host);
	if (!mg_pool_release(&e->pool, host))
		return false;
	char h[16], a[16];
	addr_str(host, h, sizeof(h));
	addr_str(pub, a, sizeof(a));
	mg_engine_event(e, MG_R_POOL_RELEASED, "%s gave back %s", h, a);
	return true;
}

uint32_t mg_alg_pool_lend(struct mg_engine *e, uint32_t host)
{
	return e->pool.n ? pool_take(e, host) : 0;
}

void mg_alg_pool_return(struct mg_engine *e, uint32_t host)
{
	if (e->pool.n && pool_release(e, host))
		mg_dir_pool_freed(&e->dir);
}

void mg_engine_pool_attach(struct mg_engine *e)
{
	e->nat.pool = &e->pool;
	if (e->pool.n == 0)
		return; /* no pool: entries that ask for one change nothing */
	e->dir.pool_hook = (struct mg_dir_pool_hook){pool_take, pool_release, e};
}
