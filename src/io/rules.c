/* rules.c - render the nftables ruleset and hand texts to nft(8).
 * The ruleset's shape and the reasons for it are in rules.h and doc/live.md. */
#include "io/rules.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define NFT_MSG_MAX 400 /* bytes of nft's diagnostics quoted in err */

struct rtext {
	char *buf;
	size_t len, need;
	bool bad;
};

__attribute__((format(printf, 2, 3))) static void put(struct rtext *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n;
	if (t->need < t->len)
		n = vsnprintf(t->buf + t->need, t->len - t->need, fmt, ap);
	else
		n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		t->bad = true;
	else
		t->need += (size_t)n;
}

/* Names go into the ruleset inside double quotes: refuse anything that
 * could end the string or the line. */
static bool ifname_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 15)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c >= 0x7f || c == '"' || c == '\\' || c == '\'')
			return false;
	}
	return true;
}

int mg_rules_text(const struct mg_rules_opts *o, char *buf, size_t len)
{
	struct rtext t = {buf, buf ? len : 0, 0, false};
	if (!ifname_ok(o->if_inside) || !ifname_ok(o->if_outside))
		return -1;
	if (t.len)
		buf[0] = '\0';
	/* "table; delete table; table {...}" is one transaction that works
	 * whether or not an old table exists. */
	put(&t, "table inet %s\ndelete table inet %s\n", MG_RULES_TABLE, MG_RULES_TABLE);
	put(&t, "table inet %s {\n", MG_RULES_TABLE);
	put(&t, "\tchain enqueue {\n");
	if (!o->no_queue_stmt)
		put(&t, "\t\tqueue num %u%s\n", o->queue, o->fail_open ? " bypass" : "");
	put(&t, "\t}\n");
	put(&t, "\tchain prerouting {\n"
		"\t\ttype filter hook prerouting priority raw; policy accept;\n");
	put(&t, "\t\tmeta mark 0x%08x notrack accept\n", o->mark);
	put(&t, "\t\tiifname != { \"%s\", \"%s\" } accept\n", o->if_inside, o->if_outside);
	put(&t, "\t\ticmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, "
		"nd-neighbor-advert, nd-redirect } accept\n");
	put(&t, "\t\tnotrack\n"
		"\t\tjump enqueue\n"
		"\t\tdrop\n"
		"\t}\n");
	put(&t, "\tchain output {\n"
		"\t\ttype filter hook output priority raw; policy accept;\n");
	put(&t, "\t\tmeta mark 0x%08x notrack\n", o->mark);
	put(&t, "\t}\n}\n");
	if (t.bad || t.need > 0x7fffffff)
		return -1;
	return (int)t.need;
}

const char *mg_rules_remove_text(void)
{
	return "table inet " MG_RULES_TABLE "\ndelete table inet " MG_RULES_TABLE "\n";
}

/* Copy what nft wrote (a memfd) into err after `prefix`, on one line. */
static void quote_output(int fd, const char *prefix, char *err, size_t errlen)
{
	char out[NFT_MSG_MAX + 1];
	ssize_t n = pread(fd, out, NFT_MSG_MAX, 0);
	if (n < 0)
		n = 0;
	out[n] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if (out[i] == '\n' || out[i] == '\t')
			out[i] = ' ';
	snprintf(err, errlen, "%s%s%s", prefix, n ? ": " : "", out);
}

/* Run nft with `args`, `text` on its stdin; its output is captured. */
static int run_nft(char *const args[], const char *text, char *err, size_t errlen)
{
	int in[2];
	int out = memfd_create("nft-out", MFD_CLOEXEC);
	if (out < 0 || pipe2(in, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "nft: %s", strerror(errno));
		if (out >= 0)
			close(out);
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "nft: fork: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		close(out);
		return -1;
	}
	if (pid == 0) {
		if (dup2(in[0], 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
			_exit(126);
		signal(SIGPIPE, SIG_DFL);
		execvp("nft", args);
		_exit(127);
	}
	close(in[0]);
	/* the text is small: a short write means nft died early, which the
	 * exit status reports */
	size_t left = text ? strlen(text) : 0;
	const char *p = text;
	while (left > 0) {
		ssize_t w = write(in[1], p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		p += w;
		left -= (size_t)w;
	}
	close(in[1]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, errlen, "nft: wait: %s", strerror(errno));
			close(out);
			return -1;
		}
	int rc = 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
		snprintf(err, errlen, "nft: cannot run nft (not installed or not in PATH)");
		rc = -1;
	} else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		quote_output(out, "nft refused the ruleset", err, errlen);
		rc = -1;
	}
	close(out);
	return rc;
}

int mg_rules_apply(const char *text, char *err, size_t errlen)
{
	char *const args[] = {"nft", "-f", "-", NULL};
	return run_nft(args, text, err, errlen);
}
