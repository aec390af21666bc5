/* rewrite_msg.c - an ALG's edits of one signalling message. */
#include <string.h>

#include "core/rewrite.h"

void mg_rw_msg_init(struct mg_rw_msg *m, uint8_t *b, uint32_t len)
{
	m->b = b;
	m->len = len;
	m->n_ops = 0;
}

bool mg_rw_msg_put(struct mg_rw_msg *m, uint32_t off, const void *src, uint32_t n)
{
	if (off > m->len || n > m->len - off)
		return false;
	memcpy(m->b + off, src, n);
	return true;
}

bool mg_rw_msg_replace(struct mg_rw_msg *m, uint32_t off, uint32_t old_len, const void *src,
		       uint32_t new_len)
{
	if (off > m->len || old_len > m->len - off || new_len > MG_SEQADJ_BYTES ||
	    m->n_ops == MG_RW_MSG_OPS)
		return false;
	if (m->n_ops > 0) {
		const struct mg_rw_op *last = &m->op[m->n_ops - 1];
		if (off < last->off + last->old_len)
			return false;
	}
	struct mg_rw_op *o = &m->op[m->n_ops++];
	o->off = off;
	o->old_len = old_len;
	o->new_len = new_len;
	memcpy(o->b, src, new_len);
	return true;
}
