/* seqadj.h - TCP sequence adjustment after payload edits that change a
 * stream's length (what the kernel calls seqadj).
 *
 * One table per direction of a flow records the length-changing edits of
 * that direction's byte stream: original range [pos, pos + old_len) became
 * new_len bytes, kept in the edit (so a retransmission of the range is
 * edited again the same way).  Positions are the sender's sequence numbers
 * ("original space"); what the receiver sees is "translated space".
 *
 *   mg_seqadj_fwd   original -> translated, for segment edges: a position
 *                   inside an edited range maps to the edit's translated
 *                   start, so a segment that starts inside an edit carries
 *                   the whole replacement and one that ends inside it stops
 *                   before it (every emitted byte is a byte of the one
 *                   translated stream: duplicates stay consistent);
 *   mg_seqadj_back  translated -> original, for the receiver's ACKs and
 *                   SACK edges: a position inside a replacement maps to the
 *                   edit's start (ACK, SACK right edge: nothing of the edit
 *                   is acknowledged until all of it is) or its end (SACK
 *                   left edge, `up`).
 *
 * Edits are added in stream order and never overlap.  The table is bounded
 * (MG_SEQADJ_EDITS): when full, edits the receiver has acknowledged are
 * folded into a base offset; a segment that lies wholly before the
 * acknowledged point is stale and keeps being mapped with that offset (it
 * still lands before what the receiver acknowledged).  When nothing can be
 * folded the edit is refused (MG_R_SEQADJ_FULL).  Arithmetic is modulo 2^32
 * (RFC 1982 comparisons): sequence numbers may wrap anywhere.
 */
#ifndef MG_SEQADJ_H
#define MG_SEQADJ_H

#include <stdbool.h>
#include <stdint.h>

#include "core/reason.h"

#define MG_SEQADJ_EDITS 16
#define MG_SEQADJ_BYTES 32 /* longest replacement an edit keeps */

struct mg_seqadj_edit {
	uint32_t pos;       /* original seq of the first replaced byte */
	uint16_t old_len;   /* original bytes replaced (0: an insertion) */
	uint16_t new_len;   /* bytes in their place (0: a deletion) */
	int32_t off_before; /* translated - original, for positions before it */
	uint8_t b[MG_SEQADJ_BYTES];
};

struct mg_seqadj_dir {
	int32_t base;    /* offset before the first kept edit (folded edits) */
	uint32_t acked;  /* highest original position the receiver acknowledged */
	bool has_acked;
	uint8_t n;       /* kept edits, in stream order */
	struct mg_seqadj_edit ed[MG_SEQADJ_EDITS];
};

static inline int32_t mg_seqadj_off_after(const struct mg_seqadj_edit *x)
{
	return x->off_before + (int32_t)x->new_len - (int32_t)x->old_len;
}

void mg_seqadj_init(struct mg_seqadj_dir *d);

/* Record that [pos, pos + old_len) becomes b[0..new_len).  Refused
 * (MG_R_SEQADJ_FULL, MG_R_SEQADJ_ORDER: before or overlapping the last
 * edit, MG_R_SEQADJ_LONG: new_len > MG_SEQADJ_BYTES or old_len > 65535). */
enum mg_reason mg_seqadj_add(struct mg_seqadj_dir *d, uint32_t pos, uint32_t old_len,
			     const uint8_t *b, uint32_t new_len);

/* The receiver acknowledged everything before original position `orig`. */
void mg_seqadj_acked(struct mg_seqadj_dir *d, uint32_t orig);

/* Offset (translated - original) for the edge at original position seq. */
int32_t mg_seqadj_off(const struct mg_seqadj_dir *d, uint32_t seq);
uint32_t mg_seqadj_fwd(const struct mg_seqadj_dir *d, uint32_t seq);
/* up: round a position inside a replacement up to the edit's end. */
uint32_t mg_seqadj_back(const struct mg_seqadj_dir *d, uint32_t tseq, bool up);

/* Does a kept edit change bytes of the segment [seq, seq + len)?  Such a
 * segment must be rebuilt (mg_seqadj_render); any other is only shifted. */
bool mg_seqadj_touches(const struct mg_seqadj_dir *d, uint32_t seq, uint32_t len);

/* The translated bytes of original segment [seq, seq + len) with payload
 * pay: written to out (at most cap bytes); returns their count, or
 * UINT32_MAX if cap is too small.  *tseq gets the translated position of
 * out[0]. */
uint32_t mg_seqadj_render(const struct mg_seqadj_dir *d, uint32_t seq, const uint8_t *pay,
			  uint32_t len, uint8_t *out, uint32_t cap, uint32_t *tseq);

/* Tables for the flows that need them, from a pool sized at creation. */
struct mg_seqadj_tab {
	struct mg_seqadj_dir d[2]; /* by flow direction */
	uint32_t next_free;
};
struct mg_seqadj_pool {
	struct mg_seqadj_tab *t;
	uint32_t cap, used, free_head;
};
int mg_seqadj_pool_init(struct mg_seqadj_pool *sp, uint32_t cap);
void mg_seqadj_pool_free(struct mg_seqadj_pool *sp);
/* A cleared table's index, or UINT32_MAX when none is free. */
uint32_t mg_seqadj_get(struct mg_seqadj_pool *sp);
void mg_seqadj_put(struct mg_seqadj_pool *sp, uint32_t idx);

#endif
