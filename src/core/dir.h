/* dir.h - the directory of inside endpoints: alias -> inside address.
 *
 * Inbound call routing (core/route*.c) asks it which inside host a Setup
 * from outside is for.  Entries come from the configuration (`alias` lines:
 * static, never expire, never replaced by learned ones) or are learned: from
 * the aliases an inside host puts in its own outbound Setups (sourceAddress),
 * from ILS registrations passing through (cn, rfc822mailbox), later from RAS.
 * A learned entry expires (`timeout directory`, or the registration's own
 * TTL) unless refreshed.
 *
 * Aliases fall in two classes that never match each other: digits (E.164
 * dialedDigits, the Q.931 Called party number: 0-9 * # only) and names
 * (h323-ID, email-ID, url-ID, ILS cn and email), compared without regard to
 * ASCII case.  A url-ID's "h323:" scheme is dropped before it is stored or
 * looked up, so "h323:alice@example.org" finds the email "alice@example.org".
 *
 * Fixed capacity from mg_dir_init; no allocation afterwards.  Entries live
 * in one array with a keyed-hash index (SipHash of class and key) and a free
 * list; learned entries are also kept in expiry order, so mg_dir_expire
 * costs one comparison when nothing is due.  Learning an entry whose expiry
 * is not the latest walks that list back from its end (with one `timeout
 * directory` for every Setup, a learned entry goes straight to the end).
 */
#ifndef MG_DIR_H
#define MG_DIR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/reason.h"
#include "util/siphash.h"

struct mg_alias_cfg; /* core/config.h */

#define MG_DIR_KEY_LEN 48 /* characters kept per alias, NUL included (= MG_CALL_ALIAS_LEN) */

enum mg_dir_origin {
	MG_DIR_STATIC = 0, /* an `alias` line of the configuration */
	MG_DIR_SETUP,      /* sourceAddress of an inside host's outbound Setup */
	MG_DIR_ILS,        /* an ILS registration (AddRequest / ModifyRequest) */
	MG_DIR_RAS,        /* a RAS registration (RRQ) */
	MG_DIR__COUNT
};

enum mg_dir_class {
	MG_DIR_DIGITS = 1, /* dialedDigits, Called party number */
	MG_DIR_NAME = 2,   /* h323-ID, email-ID, url-ID, ILS cn / email */
};

struct mg_dir_entry {
	char key[MG_DIR_KEY_LEN]; /* as stored: lower case, url scheme dropped */
	uint8_t cls;              /* enum mg_dir_class */
	uint8_t origin;           /* enum mg_dir_origin */
	uint8_t alias_type;       /* enum mg_alias_type it was learned as (core/engine.h) */
	bool pool;                /* static: `alias ... pool` asks for a pool address */
	uint32_t pool_addr;       /* the pool address this entry holds a reference on, 0 = none */
	uint32_t addr;            /* inside address, network order */
	uint16_t port;            /* call-signalling port (1720 unless told) */
	uint64_t created_ms, refreshed_ms;
	uint64_t expire_ms;       /* UINT64_MAX: never (static) */
	uint32_t hits;            /* inbound calls routed by this entry */
	/* private: next is the free list's link for a free slot and the expiry
	 * order's (with prev) for a learned entry; hnext the hash chain */
	uint32_t next, prev, hnext;
};

/* A slot of d->e is free when its cls is 0 (reports walking the array). */
#define MG_DIR_SLOT_USED(en) ((en)->cls != 0)

/* The pool hook (optional; the engine sets it, core/pool.h).  An entry
 * that asks for a pool address (mg_dir_wants_pool) calls take when it is
 * stored or refreshed holding none: take returns the address lent to the
 * entry's host (0: none).  An entry holding one calls release when it goes
 * (expiry, forget, forget_addr, a reload that drops its line), changes host
 * or stops asking; release returns true when that was the host's last
 * reference and the address is free again, and the directory then offers
 * it to the entries still waiting (one walk of the table).  Hooks may not
 * call back into the directory. */
/* A pool address came back from outside the directory (an ILS request's
 * loan ended): offer it to the entries still waiting. */
struct mg_dir;
void mg_dir_pool_freed(struct mg_dir *d);

struct mg_dir_pool_hook {
	uint32_t (*take)(void *ctx, uint32_t host);
	bool (*release)(void *ctx, uint32_t host);
	void *ctx;
};

struct mg_dir {
	struct mg_dir_entry *e;
	uint32_t *bucket;
	uint32_t cap, nbuckets, used, free_head;
	uint32_t n_origin[MG_DIR__COUNT];
	uint64_t learned, refreshed, expired, refused; /* counters for `show stats` */
	/* private */
	uint32_t mask;              /* nbuckets - 1 */
	uint32_t exp_head, exp_tail; /* learned entries, soonest expiry first */
	bool unstamped;             /* entries stored at time 0 (see mg_dir_expire) */
	struct mg_sipkey key;
	struct mg_dir_pool_hook pool_hook;
};

/* cap entries (at least 1); the hash key is fixed until mg_dir_set_key.
 * Returns -1 when out of memory. */
int mg_dir_init(struct mg_dir *d, uint32_t cap);
void mg_dir_free(struct mg_dir *d);
/* Key the index (the engine's per-engine key); only while it is empty. */
void mg_dir_set_key(struct mg_dir *d, const struct mg_sipkey *key);

/* The class of an alias string: digits when it is all 0-9 * # (and not
 * empty), else a name.  `type` (enum mg_alias_type) settles it when it is
 * DIGITS or NAME/EMAIL/URL. */
enum mg_dir_class mg_dir_class_of(const char *alias, uint8_t type);

/* Add or refresh alias -> addr:port.  A static entry is only replaced by
 * another static line (config reload); a learned one refreshes (new
 * address, port, expiry, origin) when learned again, and becomes static
 * when a static line names it.  A learned alias that a static entry holds
 * for the same host changes nothing (MG_R_NONE).  A learned alias that a
 * static entry holds for another host is refused (MG_R_DIR_CONFLICT); a full
 * directory refuses with MG_R_DIR_FULL (after dropping expired entries).  An
 * empty alias, or one longer than MG_DIR_KEY_LEN - 1, is refused with
 * MG_R_DIR_BAD_ALIAS.  Returns MG_R_NONE when stored. */
enum mg_reason mg_dir_learn(struct mg_dir *d, const char *alias, uint8_t alias_type, uint32_t addr,
			    uint16_t port, enum mg_dir_origin origin, uint64_t now_ms,
			    uint64_t expire_ms, bool pool);

/* The live entry for alias (of the class its type and text give), or NULL. */
const struct mg_dir_entry *mg_dir_lookup(const struct mg_dir *d, const char *alias,
					 uint8_t alias_type, uint64_t now_ms);
/* The same, for counting a routed call against it. */
struct mg_dir_entry *mg_dir_lookup_mut(struct mg_dir *d, const char *alias, uint8_t alias_type,
				       uint64_t now_ms);

/* Drop one alias (an ILS DelRequest), or every learned entry of one origin
 * for addr (a registration that ended).  Returns how many were dropped. */
unsigned mg_dir_forget(struct mg_dir *d, const char *alias, uint8_t alias_type,
		       enum mg_dir_origin origin);
unsigned mg_dir_forget_addr(struct mg_dir *d, uint32_t addr, enum mg_dir_origin origin);

/* Drop learned entries whose expiry is <= now; returns how many.  One
 * comparison when nothing is due.  Time 0 means "not known yet" (the
 * engine loads its `alias` lines before it is given a time): entries stored
 * then take the first later time this sees as their creation. */
unsigned mg_dir_expire(struct mg_dir *d, uint64_t now_ms);

/* Make the static entries those of the configuration's `alias` lines
 * (start, reload): static entries no longer listed are dropped, listed
 * ones added or updated (a learned entry of the same alias becomes static;
 * one listed line whose directory is full takes the place of the learned
 * entry that would expire first).  Returns how many lines found no room. */
unsigned mg_dir_load_static(struct mg_dir *d, const struct mg_alias_cfg *a, unsigned n,
			    uint64_t now_ms);

/* Visit every stored entry (for `show directory`; mg_dir_expire drops the
 * ones due, so after it ran for the current time they are all live); stop
 * when fn returns false. */
void mg_dir_foreach(const struct mg_dir *d, bool (*fn)(void *ctx, const struct mg_dir_entry *en),
		    void *ctx);

/* Does the entry ask for a pool address?  `alias ... pool` lines and ILS
 * registrations do. */
bool mg_dir_wants_pool(const struct mg_dir_entry *en);

const char *mg_dir_origin_name(uint8_t origin); /* "static", "setup", "ils", "ras" */

#endif
