/* sysctl.h - the kernel settings the live gateway needs (doc/live.md).
 *
 * A translated packet leaves with the gateway's own public address as its
 * source (and a hairpinned one with an inside peer's), on an interface the
 * kernel's reverse-path filter would not expect; without accept_local the
 * kernel drops it as a martian after meetgate has sent it.  So the gateway's
 * namespace needs
 *
 *     net.ipv4.ip_forward = 1
 *     net.ipv4.conf.{all,default,<inside>,<outside>}.rp_filter = 0
 *                                                 .accept_local = 1
 *                                                 .send_redirects = 0
 *
 * The kernel takes the larger of `all` and the interface for rp_filter and
 * either one for accept_local and send_redirects, so each is set on `all`
 * and on the interface; `default` covers an interface created again later.
 *
 * manage: mg_sysctl_setup() reads each value in that order, writes the needed
 * one where it differs (one log line each) and remembers the old one;
 * mg_sysctl_restore() writes the old values back, last changed first, and
 * leaves a value someone else changed meanwhile alone.  After a SIGKILL the
 * values stay as meetgate set them; the next start finds them right.
 * keep: only reads, and any value that differs is an error naming it.
 *
 * The base directory is MG_SYSCTL_BASE on a gateway; tests point it at a
 * tree of plain files.
 */
#ifndef MG_SYSCTL_H
#define MG_SYSCTL_H

#include <stdbool.h>
#include <stddef.h>

#define MG_SYSCTL_BASE "/proc/sys"
#define MG_SYSCTL_MAX 13 /* ip_forward, then 3 keys x (all, default, 2 interfaces) */
#define MG_SYSCTL_BASE_MAX 192
#define MG_SYSCTL_KEY_MAX 64 /* "net/ipv4/conf/<15 bytes>/send_redirects" fits */
#define MG_SYSCTL_VALUE_MAX 24

typedef void (*mg_sysctl_log_fn)(void *ctx, const char *line);

struct mg_sysctl_item {
	char key[MG_SYSCTL_KEY_MAX]; /* path below the base: "net/ipv4/conf/all/rp_filter" */
	const char *want;            /* "0" or "1" */
	char old[MG_SYSCTL_VALUE_MAX]; /* as read before it was changed */
	bool changed;
};

struct mg_sysctl {
	char base[MG_SYSCTL_BASE_MAX];
	struct mg_sysctl_item item[MG_SYSCTL_MAX];
	unsigned n;
	mg_sysctl_log_fn log;
	void *log_ctx;
};

/* Fill the list for the two interfaces.  -1 with a message if the base is
 * too long or a name could not be one path component ("", ".", "..", '/',
 * longer than 15 bytes).  Nothing is read yet. */
int mg_sysctl_init(struct mg_sysctl *s, const char *base, const char *if_inside,
		   const char *if_outside, mg_sysctl_log_fn log, void *log_ctx, char *err,
		   size_t errlen);

/* manage (keep false): set what differs, logging "sysctl NAME OLD -> NEW".
 * On a failure the values changed so far are restored before -1 returns
 * with a message naming the sysctl.  keep: change nothing; -1 if any value
 * differs, the message naming each such sysctl, its value and the one
 * needed. */
int mg_sysctl_setup(struct mg_sysctl *s, bool keep, char *err, size_t errlen);

/* Put back what mg_sysctl_setup changed, in reverse order, logging each line;
 * a value no longer the one meetgate wrote is left as it is (logged).
 * Returns the number of values that could not be restored.  Calling it
 * again does nothing. */
unsigned mg_sysctl_restore(struct mg_sysctl *s);

/* The sysctl(8) name of a key ("net.ipv4.conf.wan/7.rp_filter" for the
 * interface "wan.7"); out holds MG_SYSCTL_KEY_MAX bytes. */
void mg_sysctl_name(const char *key, char *out);

#endif
