/* test_seqadj_engine.c - length-changing edits through the engine: a test
 * ALG on the ILS port reassembles TPKT messages with the signalling stream
 * and replaces every "AAAA" by "BBBBBBB" (3 bytes longer) or "CC..." by
 * one byte.  The inside host sends messages in random segmentations with
 * retransmissions; the outside peer acknowledges what it received.  What
 * leaves must be the translated stream exactly, with consistent sequence
 * numbers, and the peer's ACKs must reach the sender in its own numbers
 * and pass TCP tracking. */
#include <stdlib.h>

#include "alg/stream.h"
#include "core/alg_api.h"
#include "core/csum.h"
#include "core/engine.h"
#include "harness.h"
#include "pktbuild.h"

#define IN tb_ip("198.18.1.10")
#define PUB tb_ip("198.19.0.1")
#define OUT tb_ip("198.19.0.60")

struct talg {
	struct mg_stream st[2];
	struct mg_hold_pool hold;
};

static enum mg_reason edit_msg(void *ctx, struct mg_rw_msg *m)
{
	for (uint32_t i = 4; i + 4 <= m->len; i++) {
		if (memcmp(m->b + i, "AAAA", 4) == 0) {
			if (!mg_rw_msg_replace(m, i, 4, "BBBBBBB", 7))
				return MG_R_ALG_LIMIT;
			i += 3;
		} else if (memcmp(m->b + i, "CCCC", 4) == 0) {
			if (!mg_rw_msg_replace(m, i, 4, "c", 1))
				return MG_R_ALG_LIMIT;
			i += 3;
		}
	}
	return MG_R_NONE;
}

static struct mg_alg_verdict t_inspect(void *state, struct mg_engine *e, uint32_t flow, struct mg_pkt *p,
				       int dir, uint64_t now)
{
	struct talg *a = state;
	return mg_stream_input(&a->st[dir], &a->hold, e, flow, p, dir, now, 0, edit_msg, a);
}

static const struct mg_alg_ops t_ops = {.name = "test-resize", .inspect = t_inspect};

/* what left towards the outside, as the peer sees it */
static uint8_t rx[1 << 16];
static uint32_t rx_isn, rx_next; /* stream bytes received in order so far */
static int rx_segs;
static uint16_t rx_port;

static void take(const uint8_t *l3, uint32_t len)
{
	struct mg_pkt p;
	uint8_t copy[2048];
	memcpy(copy, l3, len);
	if (mg_pkt_parse(&p, copy, len) != MG_R_NONE || !tb_csum_ok(copy, len))
		return;
	rx_segs++;
	rx_port = p.t.sport;
	if (p.tcp_flags & MG_TH_SYN) {
		rx_isn = p.seq + 1;
		return;
	}
	uint32_t off = p.seq - rx_isn;
	/* a duplicate must carry the same bytes as the first copy */
	for (uint32_t i = 0; i < p.paylen; i++) {
		if (off + i < rx_next && rx[off + i] != p.l3[p.payoff + i])
			rx_segs = -100000;
		if (off + i == rx_next && off + i < sizeof(rx))
			rx[rx_next++] = p.l3[p.payoff + i];
	}
}

static void on_emit(void *ctx, const uint8_t *l3, uint32_t len, enum mg_side side, uint64_t now)
{
	if (side == MG_SIDE_OUTSIDE)
		take(l3, len);
}

TEST(seqadj_engine_resized_stream_random_segments_and_retransmissions)
{
	for (int round = 0; round < 20 && !t_failed_now(); round++) {
		struct mg_config c;
		tb_lab_config(&c, PUB);
		c.nat = true;
		c.n_allow = 1;
		c.allow[0].proto = 0;
		c.allow_set = true;
		char err[200];
		struct mg_engine *e = mg_engine_new(&c, 7, err, sizeof(err));
		CHECK(e);
		static struct talg a;
		memset(&a, 0, sizeof(a));
		mg_stream_init(&a.st[0], &mg_stream_tpkt);
		mg_stream_init(&a.st[1], &mg_stream_tpkt);
		CHECK_EQ(mg_hold_pool_init(&a.hold, 4), 0);
		mg_engine_set_alg(e, MG_ALG_ILS, &t_ops, &a);
		mg_engine_set_emit(e, on_emit, NULL);
		rx_next = 0;
		rx_segs = 0;

		/* the stream: 6 TPKT messages with edits, and what it becomes */
		static uint8_t s[4096], want[8192];
		uint32_t n = 0, wn = 0;
		for (int k = 0; k < 6; k++) {
			uint32_t start = n;
			n += 4;
			for (int j = 0; j < 20 + rand() % 100; j++) {
				int r = rand() % 40;
				const char *piece = r == 0 ? "AAAA" : r == 1 ? "CCCC" : "x";
				memcpy(s + n, piece, strlen(piece));
				n += (uint32_t)strlen(piece);
			}
			s[start] = 3;
			s[start + 1] = 0;
			s[start + 2] = (uint8_t)((n - start) >> 8);
			s[start + 3] = (uint8_t)(n - start);
		}
		/* the model: the same scan over each message after its header */
		for (uint32_t m0 = 0; m0 < n;) {
			uint32_t mlen = (uint32_t)(s[m0 + 2] << 8 | s[m0 + 3]), i = m0 + 4;
			memcpy(want + wn, s + m0, 4);
			wn += 4;
			while (i < m0 + mlen) {
				if (i + 4 <= m0 + mlen && memcmp(s + i, "AAAA", 4) == 0) {
					memcpy(want + wn, "BBBBBBB", 7);
					wn += 7;
					i += 4;
				} else if (i + 4 <= m0 + mlen && memcmp(s + i, "CCCC", 4) == 0) {
					want[wn++] = 'c';
					i += 4;
				} else {
					want[wn++] = s[i++];
				}
			}
			m0 += mlen;
		}
		uint32_t isn = 0xfffffc00u + (uint32_t)(rand() % 0x800); /* wraps inside the stream */
		uint8_t pkt[2048];
		size_t len = tb_tcp(pkt, IN, 40000, OUT, 389, MG_TH_SYN, isn, 0, NULL, 0);
		struct mg_result r = mg_engine_process(e, pkt, (uint32_t)len, MG_SIDE_INSIDE, 1);
		CHECK_EQ(r.verdict, MG_VERDICT_ACCEPT);
		take(pkt, (uint32_t)len);
		len = tb_tcp(pkt, OUT, 389, PUB, rx_port, MG_TH_SYN | MG_TH_ACK, 5000, isn + 1, NULL, 0);
		r = mg_engine_process(e, pkt, (uint32_t)len, MG_SIDE_OUTSIDE, 2);
		CHECK_EQ(r.verdict, MG_VERDICT_ACCEPT);
		len = tb_tcp(pkt, IN, 40000, OUT, 389, MG_TH_ACK, isn + 1, 5001, NULL, 0);
		CHECK_EQ(mg_engine_process(e, pkt, (uint32_t)len, MG_SIDE_INSIDE, 3).verdict, MG_VERDICT_ACCEPT);

		uint32_t sent = 0, acked_orig = 0, last_seq = 0;
		static uint8_t last_out[2048];
		size_t last_len = 0;
		uint64_t now = 4;
		int guard = 0;
		while (acked_orig < n && guard++ < 2000) {
			/* send from the last acknowledged byte (a retransmission when
			 * it was sent already), or new data, cut anywhere */
			uint32_t from = rand() % 4 == 0 ? acked_orig : sent;
			if (from >= n)
				from = acked_orig;
			uint32_t take_n = 1 + (uint32_t)(rand() % 300);
			if (from + take_n > n)
				take_n = n - from;
			len = tb_tcp(pkt, IN, 40000, OUT, 389, MG_TH_ACK | MG_TH_PSH, isn + 1 + from, 5001, s + from,
				     take_n);
			r = mg_engine_process(e, pkt, (uint32_t)len, MG_SIDE_INSIDE, now++);
			if (r.verdict == MG_VERDICT_ACCEPT) {
				take(pkt, (uint32_t)len);
				memcpy(last_out, pkt, len);
				last_len = len;
				last_seq = isn + 1 + from;
			}
			if (r.verdict != MG_VERDICT_DROP && from + take_n > sent)
				sent = from + take_n;
			if (r.verdict == MG_VERDICT_DROP)
				CHECK_EQ(r.reason, MG_R_ALG_OUT_OF_ORDER);
			/* the peer acknowledges what it holds, in its numbers */
			len = tb_tcp(pkt, OUT, 389, PUB, rx_port, MG_TH_ACK, 5001, rx_isn + rx_next, NULL, 0);
			r = mg_engine_process(e, pkt, (uint32_t)len, MG_SIDE_OUTSIDE, now++);
			CHECK_EQ(r.verdict, MG_VERDICT_ACCEPT);
			struct mg_pkt q;
			CHECK_EQ(mg_pkt_parse(&q, pkt, (uint32_t)len), MG_R_NONE);
			CHECK(tb_csum_ok(pkt, len));
			uint32_t a_orig = q.ack - (isn + 1);
			CHECK(a_orig <= sent); /* never acknowledges what was not sent */
			if (a_orig > acked_orig)
				acked_orig = a_orig;
		}
		CHECK(rx_segs > 0);
		if (last_len > 0) {
			/* an ICMP error quoting a shifted segment goes back to the
			 * sender with the sequence number the sender wrote */
			len = tb_icmp_err(pkt, OUT, PUB, 3, 4, last_out, last_len);
			r = mg_engine_process(e, pkt, (uint32_t)len, MG_SIDE_OUTSIDE, now++);
			CHECK_EQ(r.verdict, MG_VERDICT_ACCEPT);
			CHECK(tb_csum_ok(pkt, len));
			CHECK_EQ(mg_rd32(pkt + 28 + 20 + 4), last_seq);
			CHECK_EQ(tb_dst(pkt), IN);
		}
		CHECK_EQ(acked_orig, n);
		CHECK_EQ(rx_next, wn);
		CHECK(memcmp(rx, want, wn) == 0);
		CHECK_EQ(mg_engine_stats(e)->dropped[MG_R_TCP_BAD_ACK], 0);
		CHECK_EQ(mg_engine_stats(e)->dropped[MG_R_TCP_OUT_OF_WINDOW], 0);
		mg_engine_free(e);
		mg_hold_pool_free(&a.hold);
	}
}
