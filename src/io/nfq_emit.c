/* nfq_emit.c - packets the engine releases later (held, then emitted) leave
 * through raw sockets with the header as the engine wrote it.  They carry
 * the bypass mark, so the ruleset neither tracks nor queues them again; the
 * kernel routes them by destination like forwarded packets. */
#include "io/nfq_priv.h"
#include "io/raw.h"

int mg_nfq_raw_open(struct mg_nfq *q, uint32_t mark, char *err, size_t errlen)
{
	return mg_raw_open(&q->raw, mark, err, errlen);
}

void mg_nfq_raw_close(struct mg_nfq *q)
{
	mg_raw_close(&q->raw);
}

static void on_emit(void *ctx, const uint8_t *l3, uint32_t len, enum mg_side out_side,
		    uint64_t now_ms)
{
	struct mg_nfq *q = ctx;
	(void)out_side, (void)now_ms;
	if (mg_raw_send(&q->raw, l3, len))
		q->st.emitted++;
	else
		q->st.emit_errors++;
}

void mg_nfq_attach(struct mg_nfq *q, struct mg_engine *e)
{
	q->engine = e;
	mg_engine_set_emit(e, on_emit, q);
}
