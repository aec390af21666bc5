/* tpkt.c - TPKT header check.  See tpkt.h for the contract. */
#include "proto/tpkt.h"

#include "util/cursor.h"

enum mg_tpkt_status mg_tpkt_frame(const uint8_t *p, size_t avail, uint32_t *msg_len)
{
	struct mg_cur c;
	uint32_t len;

	*msg_len = 0;
	/* Only the header is ever read. */
	mg_cur_init(&c, p, avail < MG_TPKT_HDR_LEN ? avail : MG_TPKT_HDR_LEN);
	/* Each header octet is checked as soon as it is there, so garbage on a
	 * signalling port is refused without waiting for more data. */
	if (avail >= 1 && mg_cur_u8(&c) != MG_TPKT_VERSION)
		return MG_TPKT_BAD;
	if (avail >= 2 && mg_cur_u8(&c) != 0)
		return MG_TPKT_BAD;
	if (avail < MG_TPKT_HDR_LEN) {
		*msg_len = MG_TPKT_HDR_LEN;
		return MG_TPKT_NEED;
	}
	len = mg_cur_be16(&c);
	if (c.err || len < MG_TPKT_HDR_LEN)
		return MG_TPKT_BAD;
	*msg_len = len;
	return avail >= len ? MG_TPKT_OK : MG_TPKT_NEED;
}
