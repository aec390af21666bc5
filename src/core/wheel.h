/* wheel.h - hashed timer wheel over the objects of one pool.
 *
 * Each pooled object embeds a struct mg_tnode; the wheel finds it at
 * base + index * stride + off, so one implementation serves flows, pinholes
 * and calls.  Extending a deadline costs nothing (write node.expire): the
 * object is re-filed when its old slot comes due.  Shortening a deadline
 * must go through mg_wheel_update so the object moves to the earlier slot.
 * A slot is processed only once it has fully elapsed, so every object found
 * in it is due unless its deadline was extended meanwhile.
 */
#ifndef MG_WHEEL_H
#define MG_WHEEL_H

#include <stddef.h>
#include <stdint.h>

#define MG_NIL UINT32_MAX

struct mg_tnode {
	uint64_t expire; /* ms; UINT64_MAX = never */
	uint32_t next, prev;
	uint32_t slot; /* slot index it is filed in, MG_NIL if not filed */
};

struct mg_wheel {
	uint32_t *head;
	uint32_t nslots; /* power of two */
	uint32_t slot_ms;
	uint64_t cur;    /* absolute number of the next slot to process */
	uint8_t *base;
	size_t stride, off;
};

typedef void (*mg_wheel_fire_fn)(void *ctx, uint32_t idx);

int mg_wheel_init(struct mg_wheel *w, uint32_t nslots, uint32_t slot_ms, void *base, size_t stride,
		  size_t off, uint64_t now);
void mg_wheel_free(struct mg_wheel *w);
void mg_wheel_add(struct mg_wheel *w, uint32_t idx);
void mg_wheel_del(struct mg_wheel *w, uint32_t idx);
/* Set a new deadline; moves the object if the deadline got earlier. */
void mg_wheel_update(struct mg_wheel *w, uint32_t idx, uint64_t expire);
/* Fire every object due at `now` (fire removes or re-adds it). */
void mg_wheel_run(struct mg_wheel *w, uint64_t now, mg_wheel_fire_fn fire, void *ctx);

#endif
