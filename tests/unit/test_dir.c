/* test_dir.c - the directory of inside endpoints (core/dir.c): classes,
 * case, the url scheme, static against learned, refresh, expiry, capacity,
 * forgetting, the walk, and a randomized run against a naive model. */
#include "harness.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <strings.h>

#include "core/config.h"
#include "core/dir.h"
#include "core/engine.h"

static uint32_t ip4(const char *s)
{
	uint32_t a = 0;
	inet_pton(AF_INET, s, &a);
	return a;
}

#define A10 ip4("198.18.1.10")
#define A11 ip4("198.18.1.11")
#define T 3600000u /* a learned entry's life in these tests */

static enum mg_reason learn(struct mg_dir *d, const char *alias, uint8_t type, uint32_t addr,
			    uint64_t now)
{
	return mg_dir_learn(d, alias, type, addr, 1720, MG_DIR_SETUP, now, now + T, false);
}

static enum mg_reason put_static(struct mg_dir *d, const char *alias, uint8_t type, uint32_t addr)
{
	return mg_dir_learn(d, alias, type, addr, 1720, MG_DIR_STATIC, 0, UINT64_MAX, false);
}

TEST(dir_class_of)
{
	CHECK_EQ(mg_dir_class_of("100", MG_ALIAS_NONE), MG_DIR_DIGITS);
	CHECK_EQ(mg_dir_class_of("*12#", MG_ALIAS_NONE), MG_DIR_DIGITS);
	CHECK_EQ(mg_dir_class_of("100a", MG_ALIAS_NONE), MG_DIR_NAME);
	CHECK_EQ(mg_dir_class_of("", MG_ALIAS_NONE), MG_DIR_NAME);
	/* the type settles it */
	CHECK_EQ(mg_dir_class_of("100", MG_ALIAS_NAME), MG_DIR_NAME);
	CHECK_EQ(mg_dir_class_of("100", MG_ALIAS_EMAIL), MG_DIR_NAME);
	CHECK_EQ(mg_dir_class_of("100", MG_ALIAS_URL), MG_DIR_NAME);
	CHECK_EQ(mg_dir_class_of("100", MG_ALIAS_DIGITS), MG_DIR_DIGITS);
}

TEST(dir_digits_and_names_never_match)
{
	struct mg_dir d;
	CHECK_EQ(mg_dir_init(&d, 8), 0);
	CHECK_EQ(learn(&d, "100", MG_ALIAS_DIGITS, A10, 1000), MG_R_NONE);
	CHECK(mg_dir_lookup(&d, "100", MG_ALIAS_DIGITS, 1000) != NULL);
	CHECK(mg_dir_lookup(&d, "100", MG_ALIAS_NAME, 1000) == NULL);
	/* an h323-ID "100" is another entry */
	CHECK_EQ(learn(&d, "100", MG_ALIAS_NAME, A11, 1000), MG_R_NONE);
	CHECK_EQ(d.used, 2);
	CHECK_EQ(mg_dir_lookup(&d, "100", MG_ALIAS_NAME, 1000)->addr, A11);
	CHECK_EQ(mg_dir_lookup(&d, "100", MG_ALIAS_DIGITS, 1000)->addr, A10);
	CHECK_EQ(mg_dir_lookup(&d, "100", MG_ALIAS_NONE, 1000)->addr, A10); /* by its text */
	mg_dir_free(&d);
}

TEST(dir_case_and_url_scheme)
{
	struct mg_dir d;
	CHECK_EQ(mg_dir_init(&d, 8), 0);
	CHECK_EQ(learn(&d, "H323:Alice@Example.ORG", MG_ALIAS_URL, A10, 1000), MG_R_NONE);
	const struct mg_dir_entry *en = mg_dir_lookup(&d, "alice@example.org", MG_ALIAS_EMAIL, 1000);
	CHECK(en != NULL);
	CHECK(strcmp(en->key, "alice@example.org") == 0);
	CHECK_EQ(en->alias_type, MG_ALIAS_URL);
	CHECK(mg_dir_lookup(&d, "h323:ALICE@example.org", MG_ALIAS_URL, 1000) == en);
	CHECK(mg_dir_lookup(&d, "ALICE@EXAMPLE.ORG", MG_ALIAS_NAME, 1000) == en);
	/* only the scheme goes, not a look-alike */
	CHECK(mg_dir_lookup(&d, "h323alice@example.org", MG_ALIAS_URL, 1000) == NULL);
	CHECK(mg_dir_lookup(&d, "sip:alice@example.org", MG_ALIAS_URL, 1000) == NULL);
	mg_dir_free(&d);
}

TEST(dir_bad_aliases)
{
	struct mg_dir d;
	CHECK_EQ(mg_dir_init(&d, 8), 0);
	char longest[MG_DIR_KEY_LEN], too_long[MG_DIR_KEY_LEN + 1];
	memset(longest, 'a', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	memset(too_long, 'a', sizeof(too_long) - 1);
	too_long[sizeof(too_long) - 1] = '\0';
	CHECK_EQ(learn(&d, "", MG_ALIAS_NAME, A10, 1000), MG_R_DIR_BAD_ALIAS);
	CHECK_EQ(learn(&d, "h323:", MG_ALIAS_URL, A10, 1000), MG_R_DIR_BAD_ALIAS);
	CHECK_EQ(learn(&d, NULL, MG_ALIAS_URL, A10, 1000), MG_R_DIR_BAD_ALIAS);
	CHECK_EQ(learn(&d, too_long, MG_ALIAS_NAME, A10, 1000), MG_R_DIR_BAD_ALIAS);
	CHECK_EQ(d.refused, 4);
	CHECK_EQ(learn(&d, longest, MG_ALIAS_NAME, A10, 1000), MG_R_NONE);
	/* the scheme does not count against the length */
	char url[MG_DIR_KEY_LEN + 8] = "h323:";
	memcpy(url + 5, longest, sizeof(longest));
	CHECK_EQ(learn(&d, url, MG_ALIAS_URL, A11, 1000), MG_R_NONE);
	CHECK_EQ(d.used, 1);
	CHECK_EQ(mg_dir_lookup(&d, longest, MG_ALIAS_NAME, 1000)->addr, A11);
	CHECK(mg_dir_lookup(&d, "", MG_ALIAS_NAME, 1000) == NULL);
	mg_dir_free(&d);
}

TEST(dir_static_wins_over_learned)
{
	struct mg_dir d;
	CHECK_EQ(mg_dir_init(&d, 8), 0);
	CHECK_EQ(put_static(&d, "alice", MG_ALIAS_NAME, A10), MG_R_NONE);
	/* another host claiming it: refused, nothing changes */
	CHECK_EQ(learn(&d, "Alice", MG_ALIAS_NAME, A11, 1000), MG_R_DIR_CONFLICT);
	CHECK_EQ(d.refused, 1);
	const struct mg_dir_entry *en = mg_dir_lookup(&d, "alice", MG_ALIAS_NAME, 5000000);
	CHECK(en != NULL);
	CHECK_EQ(en->addr, A10);
	CHECK_EQ(en->origin, MG_DIR_STATIC);
	CHECK(en->expire_ms == UINT64_MAX);
	/* the host itself: fine, still static */
	CHECK_EQ(learn(&d, "alice", MG_ALIAS_NAME, A10, 2000), MG_R_NONE);
	CHECK_EQ(en->origin, MG_DIR_STATIC);
	CHECK(en->expire_ms == UINT64_MAX);
	CHECK_EQ(d.learned, 0);
	/* static entries never expire */
	CHECK_EQ(mg_dir_expire(&d, UINT64_MAX - 1), 0);
	CHECK_EQ(d.used, 1);
	/* a static line takes a learned alias over */
	CHECK_EQ(learn(&d, "bob", MG_ALIAS_NAME, A11, 1000), MG_R_NONE);
	CHECK_EQ(put_static(&d, "bob", MG_ALIAS_NAME, A10), MG_R_NONE);
	en = mg_dir_lookup(&d, "bob", MG_ALIAS_NAME, 1000);
	CHECK_EQ(en->origin, MG_DIR_STATIC);
	CHECK_EQ(en->addr, A10);
	CHECK_EQ(d.n_origin[MG_DIR_STATIC], 2);
	CHECK_EQ(d.n_origin[MG_DIR_SETUP], 0);
	CHECK_EQ(mg_dir_expire(&d, 1000 + T), 0);
	CHECK(mg_dir_lookup(&d, "bob", MG_ALIAS_NAME, 1000 + T) != NULL);
	mg_dir_free(&d);
}

TEST(dir_refresh_moves_address_port_expiry_origin)
{
	struct mg_dir d;
	CHECK_EQ(mg_dir_init(&d, 8), 0);
	CHECK_EQ(learn(&d, "alice", MG_ALIAS_NAME, A10, 1000), MG_R_NONE);
	struct mg_dir_entry *m = mg_dir_lookup_mut(&d, "alice", MG_ALIAS_NAME, 1000);
	m->hits = 3;
	CHECK_EQ(mg_dir_learn(&d, "ALICE", MG_ALIAS_NAME, A11, 1721, MG_DIR_ILS, 5000, 5000 + 60000, false),
		 MG_R_NONE);
	const struct mg_dir_entry *en = mg_dir_lookup(&d, "alice", MG_ALIAS_NAME, 5000);
	CHECK(en == m);
	CHECK_EQ(en->addr, A11);
	CHECK_EQ(en->port, 1721);
	CHECK_EQ(en->origin, MG_DIR_ILS);
	CHECK_EQ(en->expire_ms, 65000);
	CHECK_EQ(en->created_ms, 1000);
	CHECK_EQ(en->refreshed_ms, 5000);
	CHECK_EQ(en->hits, 3);
	CHECK_EQ(d.learned, 1);
	CHECK_EQ(d.refreshed, 1);
	CHECK_EQ(d.n_origin[MG_DIR_SETUP], 0);
	CHECK_EQ(d.n_origin[MG_DIR_ILS], 1);
	/* the shorter expiry holds */
	CHECK_EQ(mg_dir_expire(&d, 64999), 0);
	CHECK_EQ(mg_dir_expire(&d, 65000), 1);
	CHECK_EQ(d.used, 0);
	mg_dir_free(&d);
}

TEST(dir_expiry_in_order)
{
	struct mg_dir d;
	CHECK_EQ(mg_dir_init(&d, 16), 0);
	/* expiries out of order */
	CHECK_EQ(mg_dir_learn(&d, "a", MG_ALIAS_NAME, A10, 1720, MG_DIR_ILS, 0, 3000, false), MG_R_NONE);
	CHECK_EQ(mg_dir_learn(&d, "b", MG_ALIAS_NAME, A10, 1720, MG_DIR_ILS, 0, 1000, false), MG_R_NONE);
	CHECK_EQ(mg_dir_learn(&d, "c", MG_ALIAS_NAME, A10, 1720, MG_DIR_ILS, 0, 2000, false), MG_R_NONE);
	CHECK_EQ(mg_dir_learn(&d, "d", MG_ALIAS_NAME, A10, 1720, MG_DIR_ILS, 0, 2000, false), MG_R_NONE);
	CHECK_EQ(mg_dir_expire(&d, 999), 0);
	CHECK(mg_dir_lookup(&d, "b", MG_ALIAS_NAME, 999) != NULL);
	/* due but not yet swept: not found all the same */
	CHECK(mg_dir_lookup(&d, "b", MG_ALIAS_NAME, 1000) == NULL);
	CHECK_EQ(mg_dir_expire(&d, 1000), 1);
	CHECK_EQ(mg_dir_expire(&d, 2500), 2);
	CHECK(mg_dir_lookup(&d, "a", MG_ALIAS_NAME, 2500) != NULL);
	/* learned again after it was due and before the sweep: a new entry */
	CHECK_EQ(mg_dir_learn(&d, "a", MG_ALIAS_NAME, A11, 1720, MG_DIR_SETUP, 3500, 9000, false),
		 MG_R_NONE);
	CHECK_EQ(mg_dir_lookup(&d, "a", MG_ALIAS_NAME, 3500)->created_ms, 3500);
	CHECK_EQ(d.learned, 5);
	CHECK_EQ(d.expired, 3);
	CHECK_EQ(mg_dir_expire(&d, 8999), 0);
	CHECK_EQ(mg_dir_expire(&d, 9000), 1);
	CHECK_EQ(d.used, 0);
	mg_dir_free(&d);
}

TEST(dir_full_expires_first_then_refuses)
{
	struct mg_dir d;
	CHECK_EQ(mg_dir_init(&d, 3), 0);
	CHECK_EQ(put_static(&d, "s", MG_ALIAS_NAME, A10), MG_R_NONE);
	CHECK_EQ(learn(&d, "a", MG_ALIAS_NAME, A10, 0), MG_R_NONE);
	CHECK_EQ(learn(&d, "b", MG_ALIAS_NAME, A10, 10), MG_R_NONE);
	CHECK_EQ(learn(&d, "c", MG_ALIAS_NAME, A10, 20), MG_R_DIR_FULL);
	CHECK_EQ(d.refused, 1);
	/* a refresh needs no room */
	CHECK_EQ(learn(&d, "a", MG_ALIAS_NAME, A11, 30), MG_R_NONE);
	/* once b is due, c takes its place */
	CHECK_EQ(learn(&d, "c", MG_ALIAS_NAME, A10, 10 + T), MG_R_NONE);
	CHECK_EQ(d.expired, 1);
	CHECK(mg_dir_lookup(&d, "b", MG_ALIAS_NAME, 10 + T) == NULL);
	CHECK(mg_dir_lookup(&d, "a", MG_ALIAS_NAME, 10 + T) != NULL);
	/* a static line makes room: the learned entry expiring first goes */
	CHECK_EQ(put_static(&d, "t", MG_ALIAS_NAME, A11), MG_R_NONE);
	CHECK(mg_dir_lookup(&d, "a", MG_ALIAS_NAME, 10 + T) == NULL);
	CHECK(mg_dir_lookup(&d, "c", MG_ALIAS_NAME, 10 + T) != NULL);
	CHECK_EQ(put_static(&d, "u", MG_ALIAS_NAME, A11), MG_R_NONE);
	CHECK_EQ(put_static(&d, "v", MG_ALIAS_NAME, A11), MG_R_DIR_FULL);
	CHECK_EQ(d.used, 3);
	mg_dir_free(&d);
}

TEST(dir_forget_and_forget_addr)
{
	struct mg_dir d;
	CHECK_EQ(mg_dir_init(&d, 16), 0);
	CHECK_EQ(put_static(&d, "s", MG_ALIAS_NAME, A10), MG_R_NONE);
	CHECK_EQ(learn(&d, "a", MG_ALIAS_NAME, A10, 0), MG_R_NONE);
	CHECK_EQ(learn(&d, "200", MG_ALIAS_DIGITS, A10, 0), MG_R_NONE);
	CHECK_EQ(mg_dir_learn(&d, "b", MG_ALIAS_NAME, A10, 1720, MG_DIR_ILS, 0, T, false), MG_R_NONE);
	CHECK_EQ(mg_dir_learn(&d, "c", MG_ALIAS_NAME, A11, 1720, MG_DIR_ILS, 0, T, false), MG_R_NONE);
	/* the origin must match */
	CHECK_EQ(mg_dir_forget(&d, "A", MG_ALIAS_NAME, MG_DIR_ILS), 0);
	CHECK_EQ(mg_dir_forget(&d, "A", MG_ALIAS_NAME, MG_DIR_SETUP), 1);
	CHECK_EQ(mg_dir_forget(&d, "a", MG_ALIAS_NAME, MG_DIR_SETUP), 0);
	CHECK_EQ(mg_dir_forget(&d, "200", MG_ALIAS_NAME, MG_DIR_SETUP), 0); /* other class */
	CHECK_EQ(d.used, 4);
	CHECK_EQ(mg_dir_forget_addr(&d, A10, MG_DIR_ILS), 1);
	CHECK(mg_dir_lookup(&d, "c", MG_ALIAS_NAME, 0) != NULL);
	CHECK(mg_dir_lookup(&d, "200", MG_ALIAS_DIGITS, 0) != NULL);
	CHECK(mg_dir_lookup(&d, "s", MG_ALIAS_NAME, 0) != NULL);
	CHECK_EQ(mg_dir_forget_addr(&d, A10, MG_DIR_SETUP), 1);
	CHECK_EQ(d.used, 2);
	/* forgotten entries leave the expiry order too */
	CHECK_EQ(mg_dir_expire(&d, T), 1);
	CHECK_EQ(d.used, 1);
	CHECK_EQ(d.expired, 1);
	mg_dir_free(&d);
}

static bool count_fn(void *ctx, const struct mg_dir_entry *en)
{
	unsigned *n = ctx;
	(*n)++;
	return *n < 3;
}

TEST(dir_foreach_visits_stored_entries_and_stops)
{
	struct mg_dir d;
	CHECK_EQ(mg_dir_init(&d, 16), 0);
	const char *names[] = {"a", "b", "c", "d", "e"};
	for (int i = 0; i < 5; i++)
		CHECK_EQ(learn(&d, names[i], MG_ALIAS_NAME, A10, 0), MG_R_NONE);
	unsigned n = 0;
	mg_dir_foreach(&d, count_fn, &n);
	CHECK_EQ(n, 3);
	CHECK_EQ(mg_dir_forget(&d, "c", MG_ALIAS_NAME, MG_DIR_SETUP), 1);
	CHECK_EQ(mg_dir_forget(&d, "d", MG_ALIAS_NAME, MG_DIR_SETUP), 1);
	CHECK_EQ(mg_dir_forget(&d, "e", MG_ALIAS_NAME, MG_DIR_SETUP), 1);
	n = 0;
	mg_dir_foreach(&d, count_fn, &n);
	CHECK_EQ(n, 2);
	CHECK(strcmp(mg_dir_origin_name(MG_DIR_STATIC), "static") == 0);
	CHECK(strcmp(mg_dir_origin_name(MG_DIR_SETUP), "setup") == 0);
	CHECK(strcmp(mg_dir_origin_name(MG_DIR_ILS), "ils") == 0);
	CHECK(strcmp(mg_dir_origin_name(MG_DIR_RAS), "ras") == 0);
	CHECK(strcmp(mg_dir_origin_name(9), "?") == 0);
	mg_dir_free(&d);
}

TEST(dir_load_static_follows_the_lines)
{
	struct mg_dir d;
	CHECK_EQ(mg_dir_init(&d, 8), 0);
	struct mg_alias_cfg a[3] = {
		{.name = "alice", .type = MG_ALIAS_NAME, .addr = A10, .port = 1720},
		{.name = "100", .type = MG_ALIAS_DIGITS, .addr = A10, .port = 1720},
		{.name = "bob", .type = MG_ALIAS_NAME, .addr = A11, .port = 1820, .pool = true},
	};
	CHECK_EQ(learn(&d, "bob", MG_ALIAS_NAME, A10, 0), MG_R_NONE);
	CHECK_EQ(learn(&d, "carol", MG_ALIAS_NAME, A10, 0), MG_R_NONE);
	CHECK_EQ(mg_dir_load_static(&d, a, 3, 0), 0);
	CHECK_EQ(d.used, 4);
	CHECK_EQ(d.n_origin[MG_DIR_STATIC], 3);
	const struct mg_dir_entry *en = mg_dir_lookup(&d, "bob", MG_ALIAS_NAME, 0);
	CHECK_EQ(en->addr, A11);
	CHECK_EQ(en->port, 1820);
	CHECK(en->pool);
	/* a reload without alice and 100; bob stays static, learned carol stays */
	struct mg_dir_entry *m = mg_dir_lookup_mut(&d, "bob", MG_ALIAS_NAME, 0);
	m->hits = 7;
	CHECK_EQ(mg_dir_load_static(&d, a + 2, 1, 10), 0);
	CHECK_EQ(d.used, 2);
	CHECK(mg_dir_lookup(&d, "alice", MG_ALIAS_NAME, 10) == NULL);
	CHECK(mg_dir_lookup(&d, "100", MG_ALIAS_DIGITS, 10) == NULL);
	CHECK_EQ(mg_dir_lookup(&d, "bob", MG_ALIAS_NAME, 10)->hits, 7);
	CHECK_EQ(mg_dir_lookup(&d, "carol", MG_ALIAS_NAME, 10)->origin, MG_DIR_SETUP);
	mg_dir_free(&d);
}

TEST(dir_set_key_only_while_empty)
{
	struct mg_dir d;
	CHECK_EQ(mg_dir_init(&d, 4), 0);
	struct mg_sipkey k1 = {1, 2}, k2 = {3, 4};
	mg_dir_set_key(&d, &k1);
	CHECK(d.key.k0 == 1);
	CHECK_EQ(learn(&d, "a", MG_ALIAS_NAME, A10, 0), MG_R_NONE);
	mg_dir_set_key(&d, &k2);
	CHECK(d.key.k0 == 1);
	CHECK(mg_dir_lookup(&d, "a", MG_ALIAS_NAME, 0) != NULL);
	mg_dir_free(&d);
}

/* ---- against a naive model ---- */

#define M_CAP 24
#define M_NAMES 40
struct m_entry {
	bool used;
	char key[MG_DIR_KEY_LEN];
	uint8_t cls, origin;
	uint32_t addr;
	uint64_t expire;
};

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void m_key(const char *alias, uint8_t type, char *key, uint8_t *cls)
{
	const char *p = strncasecmp(alias, "h323:", 5) == 0 ? alias + 5 : alias;
	size_t i = 0;
	for (; p[i]; i++)
		key[i] = (char)tolower((unsigned char)p[i]);
	key[i] = '\0';
	*cls = (uint8_t)mg_dir_class_of(key, type);
}

static int m_find(struct m_entry *m, const char *key, uint8_t cls)
{
	for (int i = 0; i < M_CAP; i++)
		if (m[i].used && m[i].cls == cls && strcmp(m[i].key, key) == 0)
			return i;
	return -1;
}

static unsigned m_used(const struct m_entry *m)
{
	unsigned n = 0;
	for (int i = 0; i < M_CAP; i++)
		n += m[i].used;
	return n;
}

static unsigned m_expire(struct m_entry *m, uint64_t now)
{
	unsigned n = 0;
	for (int i = 0; i < M_CAP; i++)
		if (m[i].used && m[i].origin != MG_DIR_STATIC && m[i].expire <= now) {
			m[i].used = false;
			n++;
		}
	return n;
}

static enum mg_reason m_learn(struct m_entry *m, const char *alias, uint8_t type, uint32_t addr,
			      uint8_t origin, uint64_t now, uint64_t expire)
{
	char key[64];
	uint8_t cls;
	m_key(alias, type, key, &cls);
	int i = m_find(m, key, cls);
	if (i >= 0) {
		if (m[i].origin == MG_DIR_STATIC && origin != MG_DIR_STATIC)
			return m[i].addr == addr ? MG_R_NONE : MG_R_DIR_CONFLICT;
		m[i].origin = origin;
		m[i].addr = addr;
		m[i].expire = origin == MG_DIR_STATIC ? UINT64_MAX : expire;
		return MG_R_NONE;
	}
	if (m_used(m) == M_CAP)
		m_expire(m, now);
	if (m_used(m) == M_CAP)
		return MG_R_DIR_FULL; /* the model never adds statics when full */
	for (i = 0; m[i].used; i++)
		;
	m[i] = (struct m_entry){true, "", cls, origin, addr, origin == MG_DIR_STATIC ? UINT64_MAX : expire};
	strcpy(m[i].key, key);
	return MG_R_NONE;
}

TEST(dir_random_against_model)
{
	struct mg_dir d;
	CHECK_EQ(mg_dir_init(&d, M_CAP), 0);
	struct m_entry m[M_CAP];
	memset(m, 0, sizeof(m));
	uint64_t s = 0x9e3779b97f4a7c15ull, now = 1000;
	const uint8_t types[] = {MG_ALIAS_DIGITS, MG_ALIAS_NAME, MG_ALIAS_URL, MG_ALIAS_EMAIL, MG_ALIAS_NONE};
	for (int step = 0; step < 20000; step++) {
		now += rnd(&s) % 400;
		char alias[32];
		unsigned k = (unsigned)(rnd(&s) % M_NAMES);
		uint8_t type = types[rnd(&s) % 5];
		if (k % 3 == 0)
			snprintf(alias, sizeof(alias), "%u", k);
		else
			snprintf(alias, sizeof(alias), "%sUser%u", rnd(&s) % 2 ? "h323:" : "", k);
		uint32_t addr = A10 + (uint32_t)(rnd(&s) % 3);
		unsigned op = (unsigned)(rnd(&s) % 10);
		if (op < 5) {
			uint8_t origin = (uint8_t)(1 + rnd(&s) % 3);
			uint64_t exp = now + 1 + rnd(&s) % 20000;
			/* statics are added only while there is room, so the
			 * model needs no eviction rule */
			if (rnd(&s) % 16 == 0 && m_used(m) < M_CAP - 1)
				origin = MG_DIR_STATIC;
			enum mg_reason want = m_learn(m, alias, type, addr, origin, now, exp);
			enum mg_reason got = mg_dir_learn(&d, alias, type, addr, 1720, origin, now,
							  origin == MG_DIR_STATIC ? UINT64_MAX : exp, false);
			CHECK_EQ(got, want);
		} else if (op < 8) {
			char key[64];
			uint8_t cls;
			m_key(alias, type, key, &cls);
			int i = m_find(m, key, cls);
			const struct mg_dir_entry *en = mg_dir_lookup(&d, alias, type, now);
			bool live = i >= 0 && m[i].expire > now;
			CHECK_EQ(en != NULL, live);
			if (en) {
				CHECK_EQ(en->addr, m[i].addr);
				CHECK_EQ(en->origin, m[i].origin);
				CHECK(en->expire_ms == m[i].expire);
			}
		} else if (op < 9) {
			uint8_t origin = (uint8_t)(rnd(&s) % 4);
			char key[64];
			uint8_t cls;
			m_key(alias, type, key, &cls);
			int i = m_find(m, key, cls);
			unsigned want = i >= 0 && m[i].origin == origin;
			if (want)
				m[i].used = false;
			CHECK_EQ(mg_dir_forget(&d, alias, type, (enum mg_dir_origin)origin), want);
		} else {
			CHECK_EQ(mg_dir_expire(&d, now), m_expire(m, now));
		}
		CHECK_EQ(d.used, m_used(m));
	}
	unsigned by_origin[MG_DIR__COUNT] = {0};
	for (int i = 0; i < M_CAP; i++)
		if (m[i].used)
			by_origin[m[i].origin]++;
	for (int o = 0; o < MG_DIR__COUNT; o++)
		CHECK_EQ(d.n_origin[o], by_origin[o]);
	mg_dir_free(&d);
}

TEST(dir_entries_stored_at_time_zero_take_the_first_time_known)
{
	struct mg_dir d;
	CHECK_EQ(mg_dir_init(&d, 4), 0);
	CHECK_EQ(put_static(&d, "alice", MG_ALIAS_NAME, A10), MG_R_NONE);
	CHECK_EQ(mg_dir_lookup(&d, "alice", MG_ALIAS_NAME, 0)->created_ms, 0);
	CHECK_EQ(mg_dir_expire(&d, 0), 0);
	CHECK_EQ(mg_dir_lookup(&d, "alice", MG_ALIAS_NAME, 0)->created_ms, 0);
	CHECK_EQ(mg_dir_expire(&d, 5000), 0);
	CHECK_EQ(mg_dir_lookup(&d, "alice", MG_ALIAS_NAME, 5000)->created_ms, 5000);
	CHECK_EQ(mg_dir_lookup(&d, "alice", MG_ALIAS_NAME, 5000)->refreshed_ms, 5000);
	CHECK(!d.unstamped);
	CHECK_EQ(learn(&d, "bob", MG_ALIAS_NAME, A10, 6000), MG_R_NONE);
	CHECK_EQ(mg_dir_expire(&d, 7000), 0);
	CHECK_EQ(mg_dir_lookup(&d, "bob", MG_ALIAS_NAME, 7000)->created_ms, 6000);
	mg_dir_free(&d);
	/* an unused directory is harmless */
	CHECK_EQ(mg_dir_expire(&d, 1), 0);
}
