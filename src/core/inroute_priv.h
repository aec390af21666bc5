/* inroute_priv.h - what the files of inbound routing share (inroute.c:
 * table, caller side, timers; inroute_join.c: choosing the host, the inside
 * leg, joining). */
#ifndef MG_INROUTE_PRIV_H
#define MG_INROUTE_PRIV_H

#include "core/inroute.h"

uint32_t mg_inroute_find(const struct mg_engine *e, uint32_t caller, uint16_t cport, uint32_t pub);
void mg_inroute_pend_free(struct mg_engine *e, uint32_t idx);
uint8_t *mg_inroute_pend_buf(struct mg_engine *e, uint32_t idx);
void mg_inroute_pend_deadline(struct mg_engine *e, uint32_t idx, uint64_t ms);
void mg_inroute_to_caller(struct mg_engine *e, const struct mg_inroute_pend *q, uint32_t seq,
			  uint8_t flags, uint16_t mss, const uint8_t *pay, uint32_t len);
void mg_inroute_reset(struct mg_engine *e, uint32_t idx, enum mg_reason why);
/* The buffer may hold a whole first message: decide. */
void mg_inroute_setup_ready(struct mg_engine *e, uint32_t idx);
/* The inside leg did not open: the caller is released. */
void mg_inroute_inside_failed(struct mg_engine *e, uint32_t idx);

#endif
