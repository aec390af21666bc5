/* rules.h - the nftables ruleset of the live gateway.
 *
 * meetgate owns one table, `inet meetgate`.  Its prerouting chain (raw
 * priority, before the kernel's conntrack and before routing) takes every
 * IPv4/IPv6 packet arriving on the inside or outside interface out of the
 * kernel's conntrack (notrack) and into NFQUEUE <queue>; the engine's
 * rewritten destination is then routed to its new target.  Packets meetgate
 * itself sends through its raw socket carry MG_RULES_MARK and are left to
 * pass untracked.  IPv6 neighbour discovery on the two interfaces is not
 * queued: the gateway needs it and it is never forwarded.
 *
 * Without `fail open` the queue has no bypass: while the table is loaded and
 * no process listens on the queue, the kernel drops the packets.
 *
 * Installing replaces any table of the same name in one transaction (a table
 * a killed daemon left behind included), so there is no moment without rules.
 *
 * The queue statement sits alone in the regular chain `enqueue`, which the
 * prerouting chain jumps to just before a final drop.  Kernels built without
 * nft_queue (CONFIG_NFT_QUEUE) refuse that statement; there the chain is
 * loaded empty (so everything the daemon would own is dropped) and
 * mg_rules_xt_queue() then appends the xtables NFQUEUE target to it through
 * nf_tables' compat layer: same chain, same behaviour.
 */
#ifndef MG_RULES_H
#define MG_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MG_RULES_TABLE "meetgate"
#define MG_RULES_MARK 0x6d670001u /* "mg" 1: packets meetgate sends itself */
#define MG_RULES_TEXT_MAX 2048

struct mg_rules_opts {
	const char *if_inside, *if_outside; /* interface names, 1..15 bytes */
	uint16_t queue;
	bool fail_open;
	uint32_t mark;
	bool no_queue_stmt; /* leave chain `enqueue` empty (for mg_rules_xt_queue) */
};

/* Render the ruleset as `nft -f` input, snprintf-like: returns the length of
 * the whole text, writes what fits (NUL-terminated when len > 0).  -1 if an
 * interface name is empty, too long or holds a character nft would read as
 * syntax (quote, backslash, blank, control). */
int mg_rules_text(const struct mg_rules_opts *o, char *buf, size_t len);

/* The text that deletes the table; deleting a missing table is no error. */
const char *mg_rules_remove_text(void);

/* Feed `text` to `nft -f -` and wait for it.  Returns 0, or -1 with a
 * message (nft's own diagnostics go to stderr). */
int mg_rules_apply(const char *text, char *err, size_t errlen);

/* Append the xtables NFQUEUE target (queue number, bypass flag when
 * fail_open) to chain `enqueue` of the loaded table, over nf_tables netlink.
 * Returns 0, or -1 with a message. */
int mg_rules_xt_queue(uint16_t queue, bool fail_open, char *err, size_t errlen);

#endif
