/* sysctl.c - set, check and restore the gateway's kernel settings (sysctl.h).
 * Each value is one small file below the base directory: read whole, written
 * whole with a trailing newline, the way sysctl(8) and `echo >` do. */
#include "io/sysctl.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PATH_LEN (MG_SYSCTL_BASE_MAX + 1 + MG_SYSCTL_KEY_MAX)
#define LINE_LEN 256

static const struct {
	const char *leaf;
	const char *want;
} conf_keys[] = {{"rp_filter", "0"}, {"accept_local", "1"}, {"send_redirects", "0"}};

__attribute__((format(printf, 2, 3))) static void say(struct mg_sysctl *s, const char *fmt, ...)
{
	char line[LINE_LEN];
	va_list ap;
	if (s->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->log(s->log_ctx, line);
}

/* One component of a path: no separator, not a way up. */
static bool component_ok(const char *name)
{
	size_t n = strlen(name);
	return n > 0 && n < 16 && strchr(name, '/') == NULL && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0;
}

static void add(struct mg_sysctl *s, const char *key, const char *want)
{
	struct mg_sysctl_item *it = &s->item[s->n++];
	snprintf(it->key, sizeof(it->key), "%s", key);
	it->want = want;
	it->old[0] = '\0';
	it->changed = false;
}

int mg_sysctl_init(struct mg_sysctl *s, const char *base, const char *if_inside,
		   const char *if_outside, mg_sysctl_log_fn log, void *log_ctx, char *err,
		   size_t errlen)
{
	memset(s, 0, sizeof(*s));
	if (strlen(base) >= sizeof(s->base)) {
		snprintf(err, errlen, "sysctl base directory too long '%.64s...'", base);
		return -1;
	}
	const char *scope[4] = {"all", "default", if_inside, if_outside};
	for (unsigned i = 2; i < 4; i++) {
		if (!component_ok(scope[i])) {
			snprintf(err, errlen, "interface name unusable in a sysctl path '%.32s'",
				 scope[i]);
			return -1;
		}
	}
	snprintf(s->base, sizeof(s->base), "%s", base);
	s->log = log;
	s->log_ctx = log_ctx;
	add(s, "net/ipv4/ip_forward", "1");
	for (unsigned i = 0; i < 4; i++) {
		char key[MG_SYSCTL_KEY_MAX];
		for (unsigned k = 0; k < sizeof(conf_keys) / sizeof(conf_keys[0]); k++) {
			snprintf(key, sizeof(key), "net/ipv4/conf/%s/%s", scope[i], conf_keys[k].leaf);
			add(s, key, conf_keys[k].want);
		}
	}
	return 0;
}

void mg_sysctl_name(const char *key, char *out)
{
	/* sysctl(8): '/' separates, a '.' inside a component is shown as '/' */
	size_t i = 0;
	for (; key[i] != '\0' && i < MG_SYSCTL_KEY_MAX - 1; i++)
		out[i] = key[i] == '/' ? '.' : key[i] == '.' ? '/' : key[i];
	out[i] = '\0';
}

static void path_of(const struct mg_sysctl *s, const struct mg_sysctl_item *it, char *path)
{
	snprintf(path, PATH_LEN, "%s/%s", s->base, it->key);
}

/* The value of a sysctl file without its trailing blanks; it must be a
 * decimal integer (the settings here all are).  0, or -1 with errno set
 * (EINVAL for anything else than a number). */
static int read_value(const char *path, char *val, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, val, len - 1);
	int saved = errno;
	close(fd);
	if (n < 0) {
		errno = saved;
		return -1;
	}
	while (n > 0 && isspace((unsigned char)val[n - 1]))
		n--;
	val[n] = '\0';
	size_t start = val[0] == '-' ? 1 : 0;
	if ((size_t)n == start || strspn(val + start, "0123456789") != (size_t)n - start) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

static int write_value(const char *path, const char *val)
{
	char line[MG_SYSCTL_VALUE_MAX + 1];
	int len = snprintf(line, sizeof(line), "%s\n", val);
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, line, (size_t)len);
	int saved = errno;
	if (close(fd) != 0 && n == len)
		return -1;
	if (n != len) {
		errno = n < 0 ? saved : EIO;
		return -1;
	}
	return 0;
}

/* Numerically: "00" is 0. */
static bool same_value(const char *a, const char *b)
{
	return strtol(a, NULL, 10) == strtol(b, NULL, 10);
}

static int check_all(struct mg_sysctl *s, char *err, size_t errlen)
{
	char path[PATH_LEN], name[MG_SYSCTL_KEY_MAX], val[MG_SYSCTL_VALUE_MAX];
	size_t used = 0;
	err[0] = '\0';
	for (unsigned i = 0; i < s->n; i++) {
		const struct mg_sysctl_item *it = &s->item[i];
		path_of(s, it, path);
		mg_sysctl_name(it->key, name);
		if (read_value(path, val, sizeof(val)) != 0) {
			snprintf(err, errlen, "sysctl keep: cannot read %s (%s): %s", name, path,
				 strerror(errno));
			return -1;
		}
		if (same_value(val, it->want) || used >= errlen)
			continue;
		int w = snprintf(err + used, errlen - used, "%s%s is %s, meetgate needs %s",
				 used ? "; " : "sysctl keep: ", name, val, it->want);
		used += w < 0 ? 0 : (size_t)w;
	}
	if (used == 0)
		return 0;
	if (used < errlen)
		snprintf(err + used, errlen - used, " (set them, or let meetgate: 'sysctl manage')");
	return -1;
}

int mg_sysctl_setup(struct mg_sysctl *s, bool keep, char *err, size_t errlen)
{
	char path[PATH_LEN], name[MG_SYSCTL_KEY_MAX];
	if (keep)
		return check_all(s, err, errlen);
	for (unsigned i = 0; i < s->n; i++) {
		struct mg_sysctl_item *it = &s->item[i];
		path_of(s, it, path);
		mg_sysctl_name(it->key, name);
		if (read_value(path, it->old, sizeof(it->old)) != 0) {
			snprintf(err, errlen, "cannot read sysctl %s (%s): %s", name, path,
				 strerror(errno));
			goto restore;
		}
		if (same_value(it->old, it->want))
			continue;
		if (write_value(path, it->want) != 0) {
			snprintf(err, errlen, "cannot set sysctl %s from %s to %s: %s", name, it->old,
				 it->want, strerror(errno));
			goto restore;
		}
		it->changed = true;
		say(s, "sysctl %s %s -> %s", name, it->old, it->want);
	}
	return 0;
restore:
	mg_sysctl_restore(s);
	return -1;
}

unsigned mg_sysctl_restore(struct mg_sysctl *s)
{
	char path[PATH_LEN], name[MG_SYSCTL_KEY_MAX], now[MG_SYSCTL_VALUE_MAX];
	unsigned failed = 0;
	for (unsigned i = s->n; i-- > 0;) {
		struct mg_sysctl_item *it = &s->item[i];
		if (!it->changed)
			continue;
		it->changed = false;
		path_of(s, it, path);
		mg_sysctl_name(it->key, name);
		if (read_value(path, now, sizeof(now)) != 0) {
			say(s, "sysctl %s: cannot read it to restore %s: %s", name, it->old,
			     strerror(errno));
			failed++;
		} else if (!same_value(now, it->want)) {
			say(s, "sysctl %s is %s, changed by someone else: left so (was %s)", name, now,
			     it->old);
		} else if (write_value(path, it->old) != 0) {
			say(s, "sysctl %s: cannot restore %s: %s", name, it->old, strerror(errno));
			failed++;
		} else {
			say(s, "sysctl %s %s -> %s (restored)", name, now, it->old);
		}
	}
	return failed;
}
