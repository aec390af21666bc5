/* dir.c - the directory of inside endpoints; see dir.h. */
#include "core/dir.h"

#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/engine.h"
#include "core/wheel.h"

/* The key an alias is stored and looked up under. */
struct dkey {
	char s[MG_DIR_KEY_LEN];
	size_t len;
	uint8_t cls;
};

static char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

static bool is_digit_char(char ch)
{
	return (ch >= '0' && ch <= '9') || ch == '*' || ch == '#';
}

enum mg_dir_class mg_dir_class_of(const char *alias, uint8_t type)
{
	if (type == MG_ALIAS_DIGITS)
		return MG_DIR_DIGITS;
	if (type == MG_ALIAS_NAME || type == MG_ALIAS_EMAIL || type == MG_ALIAS_URL)
		return MG_DIR_NAME;
	if (alias == NULL || alias[0] == '\0')
		return MG_DIR_NAME;
	for (const char *p = alias; *p; p++)
		if (!is_digit_char(*p))
			return MG_DIR_NAME;
	return MG_DIR_DIGITS;
}

/* Lower case, "h323:" dropped; false when empty or too long. */
static bool make_key(const char *alias, uint8_t type, struct dkey *k)
{
	if (alias == NULL)
		return false;
	static const char scheme[] = "h323:";
	size_t sl = sizeof(scheme) - 1, i = 0;
	while (i < sl && alias[i] && lower(alias[i]) == scheme[i])
		i++;
	const char *p = i == sl ? alias + sl : alias;
	size_t n = 0;
	for (; p[n]; n++) {
		if (n >= MG_DIR_KEY_LEN - 1)
			return false;
		k->s[n] = lower(p[n]);
	}
	if (n == 0)
		return false;
	memset(k->s + n, 0, sizeof(k->s) - n);
	k->len = n;
	k->cls = (uint8_t)mg_dir_class_of(k->s, type);
	return true;
}

static uint32_t bucket_of(const struct mg_dir *d, const struct dkey *k)
{
	uint8_t buf[MG_DIR_KEY_LEN + 1];
	buf[0] = k->cls;
	memcpy(buf + 1, k->s, k->len);
	return (uint32_t)mg_siphash(&d->key, buf, k->len + 1) & d->mask;
}

static uint32_t find(const struct mg_dir *d, const struct dkey *k, uint32_t b)
{
	for (uint32_t i = d->bucket[b]; i != MG_NIL; i = d->e[i].hnext)
		if (d->e[i].cls == k->cls && memcmp(d->e[i].key, k->s, k->len + 1) == 0)
			return i;
	return MG_NIL;
}

int mg_dir_init(struct mg_dir *d, uint32_t cap)
{
	memset(d, 0, sizeof(*d));
	if (cap == 0)
		cap = 1;
	uint32_t nb = 1;
	while (nb < cap && nb < (1u << 31))
		nb <<= 1;
	d->e = calloc(cap, sizeof(*d->e));
	d->bucket = malloc(sizeof(uint32_t) * nb);
	if (!d->e || !d->bucket) {
		free(d->e);
		free(d->bucket);
		memset(d, 0, sizeof(*d));
		return -1;
	}
	for (uint32_t i = 0; i < nb; i++)
		d->bucket[i] = MG_NIL;
	for (uint32_t i = 0; i < cap; i++) {
		d->e[i].next = i + 1 < cap ? i + 1 : MG_NIL;
		d->e[i].prev = d->e[i].hnext = MG_NIL;
	}
	d->cap = cap;
	d->nbuckets = nb;
	d->mask = nb - 1;
	d->free_head = 0;
	d->exp_head = d->exp_tail = MG_NIL;
	d->key = (struct mg_sipkey){0x6d6565746761746full, 0x6469726563746f72ull};
	return 0;
}

void mg_dir_free(struct mg_dir *d)
{
	free(d->e);
	free(d->bucket);
	memset(d, 0, sizeof(*d));
}

void mg_dir_set_key(struct mg_dir *d, const struct mg_sipkey *key)
{
	if (d->used == 0)
		d->key = *key;
}

/* ---- expiry order of the learned entries ---- */

static void exp_unlink(struct mg_dir *d, uint32_t i)
{
	struct mg_dir_entry *en = &d->e[i];
	if (en->prev != MG_NIL)
		d->e[en->prev].next = en->next;
	else
		d->exp_head = en->next;
	if (en->next != MG_NIL)
		d->e[en->next].prev = en->prev;
	else
		d->exp_tail = en->prev;
	en->next = en->prev = MG_NIL;
}

/* After the last entry that expires no later than i. */
static void exp_insert(struct mg_dir *d, uint32_t i)
{
	struct mg_dir_entry *en = &d->e[i];
	uint32_t after = d->exp_tail;
	while (after != MG_NIL && d->e[after].expire_ms > en->expire_ms)
		after = d->e[after].prev;
	en->prev = after;
	en->next = after != MG_NIL ? d->e[after].next : d->exp_head;
	if (en->next != MG_NIL)
		d->e[en->next].prev = i;
	else
		d->exp_tail = i;
	if (after != MG_NIL)
		d->e[after].next = i;
	else
		d->exp_head = i;
}

/* ---- pool addresses of the entries' hosts ---- */

bool mg_dir_wants_pool(const struct mg_dir_entry *en)
{
	return en->pool || en->origin == MG_DIR_ILS;
}

static void pool_get(struct mg_dir *d, uint32_t i)
{
	struct mg_dir_entry *en = &d->e[i];
	if (d->pool_hook.take && en->pool_addr == 0 && mg_dir_wants_pool(en))
		en->pool_addr = d->pool_hook.take(d->pool_hook.ctx, en->addr);
}

/* An address went back to the pool: the entries still waiting, in table
 * order, until one finds none (except: an entry being changed). */
static void pool_refill(struct mg_dir *d, uint32_t except)
{
	for (uint32_t i = 0; i < d->cap; i++) {
		struct mg_dir_entry *en = &d->e[i];
		if (i == except || !MG_DIR_SLOT_USED(en) || en->pool_addr || !mg_dir_wants_pool(en))
			continue;
		pool_get(d, i);
		if (en->pool_addr == 0)
			return;
	}
}

void mg_dir_pool_freed(struct mg_dir *d)
{
	pool_refill(d, UINT32_MAX);
}

/* host's reference (held by a removed or changed entry) goes. */
static void pool_put(struct mg_dir *d, uint32_t host, uint32_t except)
{
	if (d->pool_hook.release && d->pool_hook.release(d->pool_hook.ctx, host))
		pool_refill(d, except);
}

/* ---- slots ---- */

static void remove_entry(struct mg_dir *d, uint32_t i)
{
	struct mg_dir_entry *en = &d->e[i];
	struct dkey k;
	k.len = strlen(en->key);
	k.cls = en->cls;
	memcpy(k.s, en->key, k.len + 1);
	uint32_t *l = &d->bucket[bucket_of(d, &k)];
	while (*l != MG_NIL && *l != i)
		l = &d->e[*l].hnext;
	if (*l == i)
		*l = en->hnext;
	if (en->origin != MG_DIR_STATIC)
		exp_unlink(d, i);
	d->n_origin[en->origin]--;
	d->used--;
	uint32_t host = en->addr, held = en->pool_addr;
	memset(en, 0, sizeof(*en));
	en->prev = en->hnext = MG_NIL;
	en->next = d->free_head;
	d->free_head = i;
	if (held)
		pool_put(d, host, MG_NIL);
}

static uint32_t take_slot(struct mg_dir *d, const struct dkey *k, uint32_t b)
{
	uint32_t i = d->free_head;
	struct mg_dir_entry *en = &d->e[i];
	d->free_head = en->next;
	memset(en, 0, sizeof(*en));
	memcpy(en->key, k->s, sizeof(en->key));
	en->cls = k->cls;
	en->next = en->prev = MG_NIL;
	en->hnext = d->bucket[b];
	d->bucket[b] = i;
	d->used++;
	return i;
}

/* Give entry i (stored, or just taken with origin 0 and not yet counted)
 * its new origin and expiry. */
static void set_origin(struct mg_dir *d, uint32_t i, uint8_t origin, uint64_t expire_ms, bool counted)
{
	struct mg_dir_entry *en = &d->e[i];
	if (counted) {
		if (en->origin != MG_DIR_STATIC)
			exp_unlink(d, i);
		d->n_origin[en->origin]--;
	}
	en->origin = origin;
	d->n_origin[origin]++;
	if (origin == MG_DIR_STATIC) {
		en->expire_ms = UINT64_MAX;
	} else {
		en->expire_ms = expire_ms;
		exp_insert(d, i);
	}
}

enum mg_reason mg_dir_learn(struct mg_dir *d, const char *alias, uint8_t alias_type, uint32_t addr,
			    uint16_t port, enum mg_dir_origin origin, uint64_t now_ms,
			    uint64_t expire_ms, bool pool)
{
	bool stat = origin == MG_DIR_STATIC;
	struct dkey k;
	if ((unsigned)origin >= MG_DIR__COUNT || !make_key(alias, alias_type, &k)) {
		if (!stat)
			d->refused++;
		return MG_R_DIR_BAD_ALIAS;
	}
	uint32_t b = bucket_of(d, &k);
	uint32_t i = find(d, &k, b);
	if (now_ms == 0)
		d->unstamped = true;
	if (i != MG_NIL) {
		struct mg_dir_entry *en = &d->e[i];
		if (en->origin == MG_DIR_STATIC && !stat) {
			if (en->addr == addr)
				return MG_R_NONE; /* the configured host says who it is */
			d->refused++;
			return MG_R_DIR_CONFLICT;
		}
		bool was_live = en->expire_ms > now_ms;
		if (!stat && was_live) {
			d->refreshed++;
		} else if (!stat || en->origin != MG_DIR_STATIC) {
			/* an expired one not yet swept, or a learned one a
			 * static line takes over: a new entry */
			en->created_ms = now_ms;
			en->hits = 0;
			if (!stat)
				d->learned++;
		}
		uint32_t old_host = en->addr, held = en->pool_addr;
		set_origin(d, i, (uint8_t)origin, expire_ms, true);
		en->alias_type = alias_type;
		en->addr = addr;
		en->port = port;
		en->pool = pool;
		en->refreshed_ms = now_ms;
		if (held && (old_host != addr || !mg_dir_wants_pool(en))) {
			en->pool_addr = 0;
			pool_put(d, old_host, i);
		}
		pool_get(d, i); /* a refresh of an entry still waiting asks again */
		return MG_R_NONE;
	}
	if (d->free_head == MG_NIL)
		mg_dir_expire(d, now_ms);
	if (d->free_head == MG_NIL && stat && d->exp_head != MG_NIL)
		remove_entry(d, d->exp_head); /* configuration before learning */
	if (d->free_head == MG_NIL) {
		if (!stat)
			d->refused++;
		return MG_R_DIR_FULL;
	}
	i = take_slot(d, &k, b);
	struct mg_dir_entry *en = &d->e[i];
	en->alias_type = alias_type;
	en->addr = addr;
	en->port = port;
	en->pool = pool;
	en->created_ms = en->refreshed_ms = now_ms;
	set_origin(d, i, (uint8_t)origin, expire_ms, false);
	if (!stat)
		d->learned++;
	pool_get(d, i);
	return MG_R_NONE;
}

struct mg_dir_entry *mg_dir_lookup_mut(struct mg_dir *d, const char *alias, uint8_t alias_type,
				       uint64_t now_ms)
{
	struct dkey k;
	if (d->e == NULL || !make_key(alias, alias_type, &k))
		return NULL;
	uint32_t i = find(d, &k, bucket_of(d, &k));
	if (i == MG_NIL || d->e[i].expire_ms <= now_ms)
		return NULL;
	return &d->e[i];
}

const struct mg_dir_entry *mg_dir_lookup(const struct mg_dir *d, const char *alias,
					 uint8_t alias_type, uint64_t now_ms)
{
	return mg_dir_lookup_mut((struct mg_dir *)d, alias, alias_type, now_ms);
}

unsigned mg_dir_forget(struct mg_dir *d, const char *alias, uint8_t alias_type,
		       enum mg_dir_origin origin)
{
	struct dkey k;
	if (!make_key(alias, alias_type, &k))
		return 0;
	uint32_t i = find(d, &k, bucket_of(d, &k));
	if (i == MG_NIL || d->e[i].origin != origin)
		return 0;
	remove_entry(d, i);
	return 1;
}

unsigned mg_dir_forget_addr(struct mg_dir *d, uint32_t addr, enum mg_dir_origin origin)
{
	unsigned n = 0;
	if (d->n_origin[origin % MG_DIR__COUNT] == 0)
		return 0;
	for (uint32_t i = 0; i < d->cap; i++) {
		const struct mg_dir_entry *en = &d->e[i];
		if (MG_DIR_SLOT_USED(en) && en->addr == addr && en->origin == origin) {
			remove_entry(d, i);
			n++;
		}
	}
	return n;
}

/* Entries stored before the owner knew the time get the first one it
 * gives (once). */
static void stamp(struct mg_dir *d, uint64_t now_ms)
{
	for (uint32_t i = 0; i < d->cap; i++) {
		struct mg_dir_entry *en = &d->e[i];
		if (MG_DIR_SLOT_USED(en) && en->created_ms == 0) {
			en->created_ms = now_ms;
			if (en->refreshed_ms == 0)
				en->refreshed_ms = now_ms;
		}
	}
	d->unstamped = false;
}

unsigned mg_dir_expire(struct mg_dir *d, uint64_t now_ms)
{
	unsigned n = 0;
	if (d->e == NULL)
		return 0;
	if (d->unstamped && now_ms > 0)
		stamp(d, now_ms);
	while (d->exp_head != MG_NIL && d->e[d->exp_head].expire_ms <= now_ms) {
		remove_entry(d, d->exp_head);
		d->expired++;
		n++;
	}
	return n;
}

/* Is stored static entry en one of the lines? */
static bool listed(const struct mg_dir_entry *en, const struct mg_alias_cfg *a, unsigned n)
{
	for (unsigned j = 0; j < n; j++) {
		struct dkey k;
		if (make_key(a[j].name, a[j].type, &k) && k.cls == en->cls && strcmp(k.s, en->key) == 0)
			return true;
	}
	return false;
}

unsigned mg_dir_load_static(struct mg_dir *d, const struct mg_alias_cfg *a, unsigned n,
			    uint64_t now_ms)
{
	for (uint32_t i = 0; i < d->cap && d->n_origin[MG_DIR_STATIC] > 0; i++) {
		const struct mg_dir_entry *en = &d->e[i];
		if (MG_DIR_SLOT_USED(en) && en->origin == MG_DIR_STATIC && !listed(en, a, n))
			remove_entry(d, i);
	}
	unsigned lost = 0;
	for (unsigned j = 0; j < n; j++)
		if (mg_dir_learn(d, a[j].name, a[j].type, a[j].addr, a[j].port, MG_DIR_STATIC, now_ms,
				 UINT64_MAX, a[j].pool) != MG_R_NONE)
			lost++;
	return lost;
}

void mg_dir_foreach(const struct mg_dir *d, bool (*fn)(void *ctx, const struct mg_dir_entry *en),
		    void *ctx)
{
	for (uint32_t i = 0; i < d->cap; i++)
		if (MG_DIR_SLOT_USED(&d->e[i]) && !fn(ctx, &d->e[i]))
			return;
}

const char *mg_dir_origin_name(uint8_t origin)
{
	static const char *const names[MG_DIR__COUNT] = {
		[MG_DIR_STATIC] = "static",
		[MG_DIR_SETUP] = "setup",
		[MG_DIR_ILS] = "ils",
		[MG_DIR_RAS] = "ras",
	};
	return origin < MG_DIR__COUNT ? names[origin] : "?";
}
