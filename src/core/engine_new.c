/* engine_new.c - engine life cycle: create, configure, free; the output
 * callbacks and the accessors for stats and configuration. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine_priv.h"

static int check_config(const struct mg_config *c, char *err, size_t errlen)
{
	if (c->nat && c->n_public == 0) {
		snprintf(err, errlen, "nat is on but no public address is configured");
		return -1;
	}
	if (c->max_flows == 0 || c->max_bindings == 0 || c->max_pinholes == 0) {
		snprintf(err, errlen, "table sizes must be at least 1");
		return -1;
	}
	return 0;
}

static int reserve_forwards(struct mg_engine *e, char *err, size_t errlen)
{
	for (unsigned i = 0; i < e->cfg.n_forward; i++) {
		const struct mg_forward *f = &e->cfg.forward[i];
		for (unsigned a = 0; a < e->cfg.n_public; a++) {
			uint32_t pub = e->cfg.public_addr[a];
			if (f->pub_addr && f->pub_addr != pub)
				continue;
			for (uint32_t port = f->pub_port; port <= f->pub_port_hi; port++) {
				if (!mg_nat_reserve(&e->nat, f->proto, pub, (uint16_t)port)) {
					snprintf(err, errlen, "forward %u: public port %u reserved twice", i + 1, port);
					return -1;
				}
			}
		}
	}
	return 0;
}

/* The `alias` lines as the directory's static entries.  The parser keeps
 * them within max directory, so only a configuration built in code can
 * find no room. */
static int load_aliases(struct mg_engine *e, char *err, size_t errlen)
{
	unsigned n = e->cfg.n_alias < MG_CFG_MAX_ALIAS ? e->cfg.n_alias : MG_CFG_MAX_ALIAS;
	if (mg_dir_load_static(&e->dir, e->cfg.alias, n, e->now) != 0) {
		snprintf(err, errlen, "the directory (max directory %u) has no room for the %u alias lines",
			 (unsigned)e->cfg.max_directory, n);
		return -1;
	}
	return 0;
}

/* TCP 1720 of a routed public address is the router's: NAT never hands it
 * out (a forward of the same port reserved it already). */
static void reserve_routed(struct mg_engine *e)
{
	for (unsigned a = 0; a < e->cfg.n_public; a++)
		if (mg_inroute_routed(e, e->cfg.public_addr[a]))
			(void)mg_nat_reserve(&e->nat, MG_PROTO_TCP, e->cfg.public_addr[a], 1720);
}

struct mg_engine *mg_engine_new(const struct mg_config *cfg, uint64_t seed, char *err, size_t errlen)
{
	if (check_config(cfg, err, errlen) < 0)
		return NULL;
	struct mg_engine *e = calloc(1, sizeof(*e));
	if (!e)
		goto fail_engine;
	e->cfg = *cfg;
	e->rng = seed;
	e->key.k0 = mg_rand_next(&e->rng);
	e->key.k1 = mg_rand_next(&e->rng);
	if (mg_ct_init(&e->ct, cfg->max_flows, &e->key, 0) < 0)
		goto fail_ct;
	if (mg_nat_init(&e->nat, cfg, &e->key, &e->rng) < 0)
		goto fail_nat;
	if (mg_expect_init(&e->ex, cfg->max_pinholes, &e->key, 0) < 0)
		goto fail_expect;
	if (mg_frag_init(&e->frag, cfg->max_frags, &e->key) < 0)
		goto fail_frag;
	if (mg_engine_seqadj_init(e) < 0)
		goto fail_seqadj;
	if (mg_dir_init(&e->dir, cfg->max_directory) < 0)
		goto fail_dir;
	mg_dir_set_key(&e->dir, &e->key);
	mg_pool_init(&e->pool, cfg->pool_addr, cfg->n_pool);
	mg_engine_pool_attach(e);
	if (reserve_forwards(e, err, errlen) < 0 || load_aliases(e, err, errlen) < 0)
		goto fail_reserve;
	if (mg_inroute_init(e) < 0)
		goto fail_reserve;
	reserve_routed(e);
	return e;
fail_reserve:
	mg_dir_free(&e->dir);
	mg_pool_free(&e->pool);
fail_dir:
	mg_engine_seqadj_free(e);
fail_seqadj:
	mg_frag_free(&e->frag);
fail_frag:
	mg_expect_free(&e->ex);
fail_expect:
	mg_nat_free(&e->nat);
fail_nat:
	mg_ct_free(&e->ct);
fail_ct:
	free(e);
fail_engine:
	if (err && errlen && !err[0])
		snprintf(err, errlen, "out of memory sizing the tables");
	return NULL;
}

void mg_engine_free(struct mg_engine *e)
{
	if (!e)
		return;
	mg_inroute_free(e);
	mg_dir_free(&e->dir);
	mg_pool_free(&e->pool);
	mg_engine_seqadj_free(e);
	mg_frag_free(&e->frag);
	mg_expect_free(&e->ex);
	mg_nat_free(&e->nat);
	mg_ct_free(&e->ct);
	free(e);
}

int mg_engine_reconfigure(struct mg_engine *e, const struct mg_config *cfg, char *err, size_t errlen)
{
	if (check_config(cfg, err, errlen) < 0)
		return -1;
	/* table sizes and the public address set are fixed for the engine's
	 * life: changing them needs a restart */
	if (cfg->max_flows != e->cfg.max_flows || cfg->max_bindings != e->cfg.max_bindings ||
	    cfg->max_pinholes != e->cfg.max_pinholes || cfg->n_public != e->cfg.n_public ||
	    memcmp(cfg->public_addr, e->cfg.public_addr, sizeof(uint32_t) * cfg->n_public) != 0 ||
	    cfg->port_lo != e->cfg.port_lo || cfg->port_hi != e->cfg.port_hi ||
	    cfg->max_directory != e->cfg.max_directory || cfg->max_registrations != e->cfg.max_registrations ||
	    cfg->route_all != e->cfg.route_all || cfg->n_route != e->cfg.n_route ||
	    memcmp(cfg->route_addr, e->cfg.route_addr, sizeof(uint32_t) * cfg->n_route) != 0 ||
	    cfg->max_route_pending != e->cfg.max_route_pending || cfg->n_pool != e->cfg.n_pool ||
	    memcmp(cfg->pool_addr, e->cfg.pool_addr, sizeof(uint32_t) * cfg->n_pool) != 0) {
		snprintf(err, errlen,
			 "table sizes, public and pool addresses, port range and route lines change only on "
			 "restart");
		return -1;
	}
	e->cfg = *cfg;
	mg_nat_set_forwards(&e->nat, &e->cfg);
	/* static entries follow the file; learned ones stay (a new alias
	 * line takes over a learned entry of the same alias) */
	load_aliases(e, NULL, 0);
	return 0;
}

void mg_engine_set_emit(struct mg_engine *e, mg_emit_fn fn, void *ctx)
{
	e->emit = fn;
	e->emit_ctx = ctx;
}

void mg_engine_set_log(struct mg_engine *e, mg_log_fn fn, void *ctx)
{
	e->log = fn;
	e->log_ctx = ctx;
}

void mg_engine_set_flow_end(struct mg_engine *e, mg_flow_fn fn, void *ctx)
{
	e->flow_end = fn;
	e->flow_end_ctx = ctx;
}

const struct mg_stats *mg_engine_stats(const struct mg_engine *e)
{
	struct mg_stats *st = (struct mg_stats *)&e->st;
	st->flows_active = e->ct.used;
	st->flows_embryonic = e->ct.emb_n;
	st->bindings_active = e->nat.used;
	st->bindings_created = e->nat.created;
	st->bindings_expired = e->nat.freed;
	st->pinholes_active = e->ex.used;
	st->frags_active = mg_frag_active(&e->frag);
	st->directory_entries = e->dir.used;
	st->directory_learned = e->dir.learned;
	st->directory_refreshed = e->dir.refreshed;
	st->directory_expired = e->dir.expired;
	st->directory_refused = e->dir.refused;
	st->pool_addresses = e->pool.n;
	st->pool_in_use = e->pool.in_use;
	st->pool_assigned = e->pool.assigned;
	st->pool_released = e->pool.released;
	st->pool_exhausted = e->pool.exhausted;
	return st;
}

const struct mg_dir *mg_engine_dir(const struct mg_engine *e)
{
	return &e->dir;
}

const struct mg_config *mg_engine_config(const struct mg_engine *e)
{
	return &e->cfg;
}
