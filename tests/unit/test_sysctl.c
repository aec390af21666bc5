/* test_sysctl.c - the gateway's sysctls against a tree of plain files in a
 * temporary directory standing in for /proc/sys. */
#include "harness.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/sysctl.h"

static const char *const scopes[] = {"all", "default", "lan0", "wan.7"};
static const char *const leaves[] = {"rp_filter", "accept_local", "send_redirects"};
#define N_SCOPES 4
#define N_LEAVES 3

struct tree {
	char dir[64];
};

/* One line per log call, kept for the checks. */
static char logbuf[4096];
static unsigned loglines;

static void on_log(void *ctx, const char *line)
{
	size_t used = strlen(logbuf);
	snprintf(logbuf + used, sizeof(logbuf) - used, "%s\n", line);
	loglines++;
}

static void put(const struct tree *t, const char *key, const char *val)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", t->dir, key);
	FILE *f = fopen(p, "w");
	if (f != NULL) {
		fprintf(f, "%s\n", val);
		fclose(f);
	}
}

/* The value as the file holds it, without the newline; "" if unreadable. */
static const char *get(const struct tree *t, const char *key)
{
	static char v[32];
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", t->dir, key);
	v[0] = '\0';
	FILE *f = fopen(p, "r");
	if (f == NULL)
		return v;
	if (fgets(v, sizeof(v), f) == NULL)
		v[0] = '\0';
	fclose(f);
	v[strcspn(v, "\n")] = '\0';
	return v;
}

static void conf_key(char *key, size_t n, unsigned scope, unsigned leaf)
{
	snprintf(key, n, "net/ipv4/conf/%s/%s", scopes[scope], leaves[leaf]);
}

/* A fresh, hostile gateway: forwarding off, strict reverse-path filter,
 * local sources refused, redirects sent.  `skip` names a scope left out
 * (an interface that does not exist), or NULL. */
static bool tree_make(struct tree *t, const char *skip)
{
	char p[256], key[128];
	snprintf(t->dir, sizeof(t->dir), "/tmp/mg_test_sysctl_XXXXXX");
	if (mkdtemp(t->dir) == NULL)
		return false;
	const char *dirs[] = {"net", "net/ipv4", "net/ipv4/conf"};
	for (unsigned i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", t->dir, dirs[i]);
		if (mkdir(p, 0700) != 0)
			return false;
	}
	put(t, "net/ipv4/ip_forward", "0");
	for (unsigned s = 0; s < N_SCOPES; s++) {
		if (skip != NULL && strcmp(scopes[s], skip) == 0)
			continue;
		snprintf(p, sizeof(p), "%s/net/ipv4/conf/%s", t->dir, scopes[s]);
		if (mkdir(p, 0700) != 0)
			return false;
		for (unsigned l = 0; l < N_LEAVES; l++) {
			conf_key(key, sizeof(key), s, l);
			put(t, key, l == 0 ? "1" : l == 1 ? "0" : "1");
		}
	}
	logbuf[0] = '\0';
	loglines = 0;
	return true;
}

static void tree_free(struct tree *t)
{
	char p[256], key[128];
	for (unsigned s = 0; s < N_SCOPES; s++) {
		for (unsigned l = 0; l < N_LEAVES; l++) {
			conf_key(key, sizeof(key), s, l);
			snprintf(p, sizeof(p), "%s/%s", t->dir, key);
			unlink(p);
		}
		snprintf(p, sizeof(p), "%s/net/ipv4/conf/%s", t->dir, scopes[s]);
		rmdir(p);
	}
	const char *rest[] = {"net/ipv4/ip_forward", "net/ipv4/conf", "net/ipv4", "net", ""};
	for (unsigned i = 0; i < 5; i++) {
		snprintf(p, sizeof(p), "%s/%s", t->dir, rest[i]);
		if (i < 1)
			unlink(p);
		else
			rmdir(p);
	}
}

/* Every value as the gateway needs it (hostile false) or as tree_make left
 * it (hostile true). */
static bool all_are(const struct tree *t, bool hostile)
{
	char key[128];
	if (strcmp(get(t, "net/ipv4/ip_forward"), hostile ? "0" : "1") != 0)
		return false;
	for (unsigned s = 0; s < N_SCOPES; s++)
		for (unsigned l = 0; l < N_LEAVES; l++) {
			const char *want = hostile ? (l == 1 ? "0" : "1") : (l == 1 ? "1" : "0");
			conf_key(key, sizeof(key), s, l);
			if (strcmp(get(t, key), want) != 0)
				return false;
		}
	return true;
}

TEST(sysctl_manage_sets_and_restores)
{
	static struct mg_sysctl s;
	struct tree t;
	char err[1024];
	CHECK(tree_make(&t, NULL));
	CHECK_EQ(mg_sysctl_init(&s, t.dir, "lan0", "wan.7", on_log, NULL, err, sizeof(err)), 0);
	CHECK_EQ(s.n, 13);
	CHECK_EQ(mg_sysctl_setup(&s, false, err, sizeof(err)), 0);
	CHECK(all_are(&t, false));
	CHECK_EQ(loglines, 13); /* one line per value changed */
	CHECK(strstr(logbuf, "sysctl net.ipv4.ip_forward 0 -> 1\n") != NULL);
	CHECK(strstr(logbuf, "sysctl net.ipv4.conf.all.rp_filter 1 -> 0\n") != NULL);
	CHECK(strstr(logbuf, "sysctl net.ipv4.conf.wan/7.accept_local 0 -> 1\n") != NULL);
	CHECK(strstr(logbuf, "sysctl net.ipv4.conf.default.send_redirects 1 -> 0\n") != NULL);
	logbuf[0] = '\0';
	loglines = 0;
	CHECK_EQ(mg_sysctl_restore(&s), 0);
	CHECK(all_are(&t, true));
	CHECK_EQ(loglines, 13);
	CHECK(strstr(logbuf, "sysctl net.ipv4.conf.lan0.rp_filter 0 -> 1 (restored)\n") != NULL);
	/* the last one changed is restored first */
	CHECK(strncmp(logbuf, "sysctl net.ipv4.conf.wan/7.send_redirects", 41) == 0);
	loglines = 0;
	CHECK_EQ(mg_sysctl_restore(&s), 0); /* a second call does nothing */
	CHECK_EQ(loglines, 0);
	tree_free(&t);
}

TEST(sysctl_manage_leaves_right_values_alone)
{
	static struct mg_sysctl s;
	struct tree t;
	char err[1024];
	CHECK(tree_make(&t, NULL));
	CHECK_EQ(mg_sysctl_init(&s, t.dir, "lan0", "wan.7", on_log, NULL, err, sizeof(err)), 0);
	CHECK_EQ(mg_sysctl_setup(&s, false, err, sizeof(err)), 0);
	/* a second gateway finds them right (a restart after SIGKILL) */
	static struct mg_sysctl s2;
	loglines = 0;
	CHECK_EQ(mg_sysctl_init(&s2, t.dir, "lan0", "wan.7", on_log, NULL, err, sizeof(err)), 0);
	CHECK_EQ(mg_sysctl_setup(&s2, false, err, sizeof(err)), 0);
	CHECK_EQ(loglines, 0);
	CHECK_EQ(mg_sysctl_restore(&s2), 0);
	CHECK(all_are(&t, false)); /* nothing it changed, nothing it restores */
	tree_free(&t);
}

TEST(sysctl_restore_leaves_a_foreign_change)
{
	static struct mg_sysctl s;
	struct tree t;
	char err[1024];
	CHECK(tree_make(&t, NULL));
	CHECK_EQ(mg_sysctl_init(&s, t.dir, "lan0", "wan.7", on_log, NULL, err, sizeof(err)), 0);
	CHECK_EQ(mg_sysctl_setup(&s, false, err, sizeof(err)), 0);
	put(&t, "net/ipv4/conf/all/rp_filter", "2"); /* an admin, meanwhile */
	logbuf[0] = '\0';
	CHECK_EQ(mg_sysctl_restore(&s), 0);
	CHECK(strcmp(get(&t, "net/ipv4/conf/all/rp_filter"), "2") == 0);
	CHECK(strstr(logbuf, "net.ipv4.conf.all.rp_filter is 2, changed by someone else") != NULL);
	CHECK(strcmp(get(&t, "net/ipv4/ip_forward"), "0") == 0);
	tree_free(&t);
}

TEST(sysctl_keep_checks_and_names_the_wrong_value)
{
	static struct mg_sysctl s;
	struct tree t;
	char err[1024];
	CHECK(tree_make(&t, NULL));
	CHECK_EQ(mg_sysctl_init(&s, t.dir, "lan0", "wan.7", on_log, NULL, err, sizeof(err)), 0);
	CHECK_EQ(mg_sysctl_setup(&s, false, err, sizeof(err)), 0);
	CHECK_EQ(mg_sysctl_restore(&s), 0);
	CHECK_EQ(mg_sysctl_setup(&s, true, err, sizeof(err)), -1); /* hostile: all wrong */
	CHECK(strstr(err, "net.ipv4.ip_forward is 0, meetgate needs 1") != NULL);
	CHECK(all_are(&t, true)); /* keep changes nothing */
	/* right values but one */
	CHECK_EQ(mg_sysctl_setup(&s, false, err, sizeof(err)), 0);
	put(&t, "net/ipv4/conf/lan0/rp_filter", "2");
	loglines = 0;
	static struct mg_sysctl k;
	CHECK_EQ(mg_sysctl_init(&k, t.dir, "lan0", "wan.7", on_log, NULL, err, sizeof(err)), 0);
	CHECK_EQ(mg_sysctl_setup(&k, true, err, sizeof(err)), -1);
	CHECK(strcmp(err, "sysctl keep: net.ipv4.conf.lan0.rp_filter is 2, meetgate needs 0 "
			  "(set them, or let meetgate: 'sysctl manage')") == 0);
	CHECK(strcmp(get(&t, "net/ipv4/conf/lan0/rp_filter"), "2") == 0);
	put(&t, "net/ipv4/conf/lan0/rp_filter", "0");
	CHECK_EQ(mg_sysctl_setup(&k, true, err, sizeof(err)), 0);
	CHECK_EQ(loglines, 0);
	CHECK_EQ(mg_sysctl_restore(&k), 0);
	CHECK(all_are(&t, false));
	tree_free(&t);
}

TEST(sysctl_missing_interface_unwinds)
{
	static struct mg_sysctl s;
	struct tree t;
	char err[1024];
	CHECK(tree_make(&t, "wan.7"));
	CHECK_EQ(mg_sysctl_init(&s, t.dir, "lan0", "wan.7", on_log, NULL, err, sizeof(err)), 0);
	CHECK_EQ(mg_sysctl_setup(&s, false, err, sizeof(err)), -1);
	CHECK(strstr(err, "cannot read sysctl net.ipv4.conf.wan/7.rp_filter") == err);
	CHECK(strstr(err, strerror(ENOENT)) != NULL);
	/* what it had set before the failure is back as it was */
	CHECK(strcmp(get(&t, "net/ipv4/ip_forward"), "0") == 0);
	CHECK(strcmp(get(&t, "net/ipv4/conf/lan0/accept_local"), "0") == 0);
	CHECK(strcmp(get(&t, "net/ipv4/conf/all/rp_filter"), "1") == 0);
	tree_free(&t);
}

TEST(sysctl_refuses_unusable_names)
{
	static struct mg_sysctl s;
	char err[256];
	const char *bad[] = {"..", ".", "a/b", "", "0123456789abcdef"};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(mg_sysctl_init(&s, "/proc/sys", "lan0", bad[i], NULL, NULL, err, sizeof(err)),
			 -1);
		CHECK(strstr(err, "interface name unusable") != NULL);
	}
	char name[MG_SYSCTL_KEY_MAX];
	mg_sysctl_name("net/ipv4/conf/eth0.100/rp_filter", name);
	CHECK(strcmp(name, "net.ipv4.conf.eth0/100.rp_filter") == 0);
}
