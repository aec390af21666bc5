/* test_ct_tcp.c - TCP state machine and window tracking, on hand-built
 * packet descriptors (only the fields ct_tcp reads). */
#include "harness.h"

#include "core/ct_tcp.h"

#define F_S MG_TH_SYN
#define F_A MG_TH_ACK
#define F_F MG_TH_FIN
#define F_R MG_TH_RST
#define NOWS 0xff

static struct mg_pkt seg(uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win, uint32_t len,
			 uint8_t wscale)
{
	struct mg_pkt p;
	memset(&p, 0, sizeof(p));
	p.t.proto = MG_PROTO_TCP;
	p.proto = MG_PROTO_TCP;
	p.tcp_flags = flags;
	p.seq = seq;
	p.ack = ack;
	p.win = win;
	p.paylen = len;
	p.wscale = wscale;
	return p;
}

/* Feed one segment; returns the reason. */
static enum mg_reason tx(struct mg_tcp *t, int dir, uint8_t flags, uint32_t seq, uint32_t ack,
			 uint16_t win, uint32_t len)
{
	struct mg_pkt p = seg(flags, seq, ack, win, len, NOWS);
	return mg_tcp_track(t, &p, dir);
}

/* Originator ISN a, responder ISN b, no window scaling, 64000-byte windows;
 * leaves the connection ESTABLISHED with both ends at ISN + 1. */
static int handshake(struct mg_tcp *t, uint32_t a, uint32_t b)
{
	struct mg_pkt p = seg(F_S, a, 0, 64000, 0, NOWS);
	if (mg_tcp_new(t, &p) != MG_R_NONE)
		return 0;
	p = seg(F_S | F_A, b, a + 1, 64000, 0, NOWS);
	if (mg_tcp_track(t, &p, 1) != MG_R_NONE)
		return 0;
	if (tx(t, 0, F_A, a + 1, b + 1, 64000, 0) != MG_R_NONE)
		return 0;
	return t->state == MG_TCP_ESTABLISHED;
}

static struct mg_timeouts test_timeouts(void)
{
	struct mg_timeouts to = {
		.tcp_syn_sent = 1, .tcp_syn_recv = 2, .tcp_established = 3, .tcp_fin_wait = 4,
		.tcp_close_wait = 5, .tcp_last_ack = 6, .tcp_time_wait = 7, .tcp_close = 8,
	};
	return to;
}

TEST(tcp_full_life)
{
	struct mg_tcp t;
	struct mg_timeouts to = test_timeouts();
	struct mg_pkt p = seg(F_S, 1000, 0, 64240, 0, 7);
	CHECK_EQ(mg_tcp_new(&t, &p), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_SYN_SENT);
	CHECK_EQ(mg_tcp_timeout(&t, &to), 1);
	p = seg(F_S | F_A, 5000, 1001, 65160, 0, 7);
	CHECK_EQ(mg_tcp_track(&t, &p, 1), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_SYN_RECV);
	CHECK_EQ(mg_tcp_timeout(&t, &to), 2);
	CHECK_EQ(t.d[0].scale, 7);
	CHECK_EQ(t.d[1].scale, 7);
	CHECK_EQ(tx(&t, 0, F_A, 1001, 5001, 502, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_ESTABLISHED);
	CHECK_EQ(mg_tcp_timeout(&t, &to), 3);
	CHECK_EQ(t.d[0].maxwin, 502u << 7); /* above its SYN window of 64240 */
	/* data both ways */
	CHECK_EQ(tx(&t, 0, F_A | MG_TH_PSH, 1001, 5001, 502, 100), MG_R_NONE);
	CHECK_EQ(t.d[0].end, 1101);
	CHECK_EQ(tx(&t, 1, F_A, 5001, 1101, 509, 200), MG_R_NONE);
	CHECK_EQ(t.d[1].end, 5201);
	/* originator closes */
	CHECK_EQ(tx(&t, 0, F_F | F_A, 1101, 5201, 502, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_FIN_WAIT);
	CHECK_EQ(mg_tcp_timeout(&t, &to), 4);
	CHECK_EQ(tx(&t, 1, F_A, 5201, 1102, 509, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_CLOSE_WAIT);
	CHECK_EQ(mg_tcp_timeout(&t, &to), 5);
	/* the half-open side may still send data */
	CHECK_EQ(tx(&t, 1, F_A, 5201, 1102, 509, 10), MG_R_NONE);
	CHECK_EQ(tx(&t, 0, F_A, 1102, 5211, 502, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_CLOSE_WAIT);
	/* but the closed side may not */
	CHECK_EQ(tx(&t, 0, F_A, 1102, 5211, 502, 5), MG_R_TCP_INVALID_STATE);
	CHECK_EQ(tx(&t, 1, F_F | F_A, 5211, 1102, 509, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_LAST_ACK);
	CHECK_EQ(mg_tcp_timeout(&t, &to), 6);
	CHECK_EQ(tx(&t, 0, F_A, 1102, 5212, 502, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_TIME_WAIT);
	CHECK_EQ(mg_tcp_timeout(&t, &to), 7);
	/* retransmitted FIN and final ACK are harmless */
	CHECK_EQ(tx(&t, 1, F_F | F_A, 5211, 1102, 509, 0), MG_R_NONE);
	CHECK_EQ(tx(&t, 0, F_A, 1102, 5212, 502, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_TIME_WAIT);
	uint16_t want = 0;
	for (int s = MG_TCP_SYN_SENT; s <= MG_TCP_TIME_WAIT; s++)
		want |= (uint16_t)(1u << s);
	CHECK_EQ(t.states_seen, want);
}

TEST(tcp_simultaneous_close)
{
	struct mg_tcp t;
	CHECK(handshake(&t, 100, 900));
	CHECK_EQ(tx(&t, 0, F_F | F_A, 101, 901, 64000, 0), MG_R_NONE);
	CHECK_EQ(tx(&t, 1, F_F | F_A, 901, 101, 64000, 0), MG_R_NONE); /* crosses, no ack of FIN */
	CHECK_EQ(t.state, MG_TCP_LAST_ACK);
	CHECK_EQ(tx(&t, 0, F_A, 102, 902, 64000, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_LAST_ACK);
	CHECK_EQ(tx(&t, 1, F_A, 902, 102, 64000, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_TIME_WAIT);
}

TEST(tcp_fin_acking_fin_goes_to_last_ack)
{
	struct mg_tcp t;
	CHECK(handshake(&t, 100, 900));
	CHECK_EQ(tx(&t, 1, F_F | F_A, 901, 101, 64000, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_FIN_WAIT);
	CHECK_EQ(tx(&t, 0, F_F | F_A, 101, 902, 64000, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_LAST_ACK);
	CHECK_EQ(tx(&t, 1, F_A, 902, 102, 64000, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_TIME_WAIT);
}

TEST(tcp_rst_in_and_out_of_window)
{
	struct mg_tcp t, before;
	CHECK(handshake(&t, 7000, 3000));
	CHECK_EQ(tx(&t, 0, F_A, 7001, 3001, 64000, 500), MG_R_NONE);
	before = t;
	/* RST far beyond the window: refused, nothing changes */
	CHECK_EQ(tx(&t, 1, F_R, 3001 + 200000, 0, 0, 0), MG_R_TCP_BAD_RST);
	CHECK(memcmp(&t, &before, sizeof(t)) == 0);
	/* RST far behind: refused */
	CHECK_EQ(tx(&t, 1, F_R, 3001 - 100000, 0, 0, 0), MG_R_TCP_BAD_RST);
	/* RST+ACK acking unsent data: refused */
	CHECK_EQ(tx(&t, 1, F_R | F_A, 3001, 7501 + 10, 0, 0), MG_R_TCP_BAD_RST);
	CHECK_EQ(t.state, MG_TCP_ESTABLISHED);
	/* RST+ACK with zero ack (broken stacks): seq decides */
	CHECK_EQ(tx(&t, 1, F_R | F_A, 3001, 0, 0, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_CLOSE);
	CHECK(t.states_seen & (1u << MG_TCP_CLOSE));
	/* a dead connection carries no more data */
	CHECK_EQ(tx(&t, 0, F_A, 7501, 3001, 64000, 10), MG_R_TCP_INVALID_STATE);
	/* a new SYN reopens it, tracking from scratch */
	CHECK_EQ(tx(&t, 1, F_S, 123, 0, 1000, 0), MG_R_TCP_INVALID_STATE);
	CHECK_EQ(tx(&t, 0, F_S, 900000, 0, 1000, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_SYN_SENT);
	CHECK_EQ(t.d[0].end, 900001);
	CHECK_EQ(t.d[1].flags, 0);
}

TEST(tcp_rst_answering_syn)
{
	struct mg_tcp t;
	struct mg_pkt p = seg(F_S, 50, 0, 1000, 0, NOWS);
	CHECK_EQ(mg_tcp_new(&t, &p), MG_R_NONE);
	CHECK_EQ(tx(&t, 1, F_R | F_A, 0, 52, 0, 0), MG_R_TCP_BAD_RST); /* wrong ack */
	CHECK_EQ(tx(&t, 1, F_R, 0, 0, 0, 0), MG_R_TCP_BAD_RST);        /* no ack */
	CHECK_EQ(t.state, MG_TCP_SYN_SENT);
	CHECK_EQ(tx(&t, 1, F_R | F_A, 0, 51, 0, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_CLOSE);
}

TEST(tcp_time_wait_reopen)
{
	struct mg_tcp t;
	CHECK(handshake(&t, 10, 20));
	CHECK_EQ(tx(&t, 0, F_F | F_A, 11, 21, 64000, 0), MG_R_NONE);
	CHECK_EQ(tx(&t, 1, F_F | F_A, 21, 12, 64000, 0), MG_R_NONE);
	CHECK_EQ(tx(&t, 0, F_A, 12, 22, 64000, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_TIME_WAIT);
	CHECK_EQ(tx(&t, 0, F_S, 99999, 0, 5000, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_SYN_SENT);
	struct mg_pkt p = seg(F_S | F_A, 444, 100000, 5000, 0, NOWS);
	CHECK_EQ(mg_tcp_track(&t, &p, 1), MG_R_NONE);
	CHECK_EQ(tx(&t, 0, F_A, 100000, 445, 5000, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_ESTABLISHED);
}

TEST(tcp_out_of_window_data_dropped)
{
	struct mg_tcp t, before;
	CHECK(handshake(&t, 1, 1));
	before = t;
	/* the responder allowed 64000 bytes from seq 2 */
	CHECK_EQ(tx(&t, 0, F_A, 2, 2, 64000, 64000), MG_R_NONE);
	before = t;
	CHECK_EQ(tx(&t, 0, F_A, 64002, 2, 64000, 1), MG_R_TCP_OUT_OF_WINDOW);
	CHECK(memcmp(&t, &before, sizeof(t)) == 0);
	/* the responder acknowledges and opens more */
	CHECK_EQ(tx(&t, 1, F_A, 2, 64002, 64000, 0), MG_R_NONE);
	CHECK_EQ(tx(&t, 0, F_A, 64002, 2, 64000, 1), MG_R_NONE);
	/* older than one maximum window */
	before = t;
	CHECK_EQ(tx(&t, 0, F_A, 64003 - 64001, 2, 64000, 1), MG_R_TCP_OUT_OF_WINDOW);
	/* acknowledging data the peer never sent */
	CHECK_EQ(tx(&t, 0, F_A, 64003, 3, 64000, 0), MG_R_TCP_BAD_ACK);
	/* acknowledging far behind what the peer sent */
	CHECK_EQ(tx(&t, 1, F_A, 2, 64003 - 70000, 64000, 0), MG_R_TCP_BAD_ACK);
	CHECK(memcmp(&t, &before, sizeof(t)) == 0);
	/* segments without ACK after the handshake */
	CHECK_EQ(tx(&t, 0, F_F, 64003, 0, 64000, 0), MG_R_TCP_INVALID_STATE);
	CHECK_EQ(tx(&t, 0, 0, 64003, 0, 64000, 0), MG_R_TCP_INVALID_STATE);
	CHECK_EQ(t.state, MG_TCP_ESTABLISHED);
}

TEST(tcp_retransmissions_accepted)
{
	struct mg_tcp t;
	struct mg_pkt p = seg(F_S, 500, 0, 8000, 0, NOWS);
	CHECK_EQ(mg_tcp_new(&t, &p), MG_R_NONE);
	CHECK_EQ(mg_tcp_track(&t, &p, 0), MG_R_NONE); /* SYN again */
	CHECK_EQ(t.state, MG_TCP_SYN_SENT);
	CHECK_EQ(t.d[0].end, 501);
	p = seg(F_S | F_A, 9000, 501, 8000, 0, NOWS);
	CHECK_EQ(mg_tcp_track(&t, &p, 1), MG_R_NONE);
	CHECK_EQ(mg_tcp_track(&t, &p, 1), MG_R_NONE); /* SYN+ACK again */
	p = seg(F_S, 500, 0, 8000, 0, NOWS);
	CHECK_EQ(mg_tcp_track(&t, &p, 0), MG_R_NONE); /* late SYN copy */
	CHECK_EQ(t.state, MG_TCP_SYN_RECV);
	CHECK_EQ(tx(&t, 0, F_A, 501, 9001, 8000, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_ESTABLISHED);
	/* SYN+ACK arriving after the handshake (final ACK lost downstream) */
	p = seg(F_S | F_A, 9000, 501, 8000, 0, NOWS);
	CHECK_EQ(mg_tcp_track(&t, &p, 1), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_ESTABLISHED);
	/* data, then the same data again, then an old part of it */
	CHECK_EQ(tx(&t, 0, F_A, 501, 9001, 8000, 1000), MG_R_NONE);
	CHECK_EQ(tx(&t, 0, F_A, 501, 9001, 8000, 1000), MG_R_NONE);
	CHECK_EQ(tx(&t, 1, F_A, 9001, 1501, 8000, 0), MG_R_NONE);
	CHECK_EQ(tx(&t, 0, F_A, 1001, 9001, 8000, 500), MG_R_NONE); /* old duplicate */
	CHECK_EQ(t.d[0].end, 1501);
	/* a keep-alive probe: one byte before the next sequence number */
	CHECK_EQ(tx(&t, 0, F_A, 1500, 9001, 8000, 0), MG_R_NONE);
	CHECK_EQ(t.d[0].end, 1501);
	/* an old duplicate with a stale ack (up to the ack window) */
	CHECK_EQ(tx(&t, 1, F_A, 9001, 501, 8000, 0), MG_R_NONE);
}

TEST(tcp_sequence_wraparound)
{
	struct mg_tcp t;
	uint32_t a = 0xffffff00u, b = 0xfffffff0u;
	CHECK(handshake(&t, a, b));
	/* originator sends 0x200 bytes across 2^32 */
	CHECK_EQ(tx(&t, 0, F_A, a + 1, b + 1, 64000, 0x200), MG_R_NONE);
	CHECK_EQ(t.d[0].end, 0x101u);
	CHECK_EQ(tx(&t, 1, F_A, b + 1, 0x101u, 64000, 0x40), MG_R_NONE);
	CHECK_EQ(t.d[1].end, 0x31u);
	CHECK_EQ(tx(&t, 0, F_A, 0x101u, 0x31u, 64000, 100), MG_R_NONE);
	/* a retransmission from before the wrap is still accepted */
	CHECK_EQ(tx(&t, 0, F_A, a + 1, 0x31u, 64000, 0x10), MG_R_NONE);
	CHECK_EQ(t.d[0].end, 0x165u);
	/* acks beyond the wrapped end are still bad */
	CHECK_EQ(tx(&t, 1, F_A, 0x31u, 0x166u, 64000, 0), MG_R_TCP_BAD_ACK);
	/* and data far beyond the window too */
	CHECK_EQ(tx(&t, 0, F_A, 0x165u + 70000, 0x31u, 64000, 1), MG_R_TCP_OUT_OF_WINDOW);
	CHECK_EQ(tx(&t, 0, F_F | F_A, 0x165u, 0x31u, 64000, 0), MG_R_NONE);
	CHECK_EQ(tx(&t, 1, F_A, 0x31u, 0x166u, 64000, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_CLOSE_WAIT);
}

/* Both SYNs offer scaling: windows are shifted, large windows work. */
TEST(tcp_window_scaling_both)
{
	struct mg_tcp t;
	struct mg_pkt p = seg(F_S, 1, 0, 65535, 0, 8);
	CHECK_EQ(mg_tcp_new(&t, &p), MG_R_NONE);
	p = seg(F_S | F_A, 1, 2, 65535, 0, 8);
	CHECK_EQ(mg_tcp_track(&t, &p, 1), MG_R_NONE);
	CHECK_EQ(t.d[1].scale, 8);
	CHECK_EQ(tx(&t, 0, F_A, 2, 2, 1000, 0), MG_R_NONE);
	/* responder advertises 1000 << 8 = 256000 */
	CHECK_EQ(tx(&t, 1, F_A, 2, 2, 1000, 0), MG_R_NONE);
	CHECK_EQ(t.d[1].maxwin, 256000);
	CHECK_EQ(tx(&t, 0, F_A, 2, 2, 1000, 250000), MG_R_NONE);
	CHECK_EQ(tx(&t, 0, F_A, 250002, 2, 1000, 6001), MG_R_TCP_OUT_OF_WINDOW);
	CHECK_EQ(tx(&t, 0, F_A, 250002, 2, 1000, 6000), MG_R_NONE);
	/* a retransmission 200000 bytes back is within the scaled window */
	CHECK_EQ(tx(&t, 0, F_A, 56002, 2, 1000, 1000), MG_R_NONE);
	/* the ack window widens with the scaled window too */
	CHECK_EQ(tx(&t, 1, F_A, 2, 256002 - 200000, 1000, 0), MG_R_NONE);
}

/* Only one SYN offers scaling: neither side's windows are shifted. */
TEST(tcp_window_scaling_one_sided)
{
	struct mg_tcp t;
	struct mg_pkt p = seg(F_S, 1, 0, 65535, 0, 8);
	CHECK_EQ(mg_tcp_new(&t, &p), MG_R_NONE);
	p = seg(F_S | F_A, 1, 2, 65535, 0, NOWS);
	CHECK_EQ(mg_tcp_track(&t, &p, 1), MG_R_NONE);
	CHECK_EQ(t.d[0].scale, 0);
	CHECK_EQ(t.d[1].scale, 0);
	CHECK_EQ(tx(&t, 0, F_A, 2, 2, 1000, 0), MG_R_NONE);
	CHECK_EQ(tx(&t, 1, F_A, 2, 2, 1000, 0), MG_R_NONE);
	CHECK_EQ(t.d[1].maxwin, 65535); /* its SYN window; 1000 was not shifted */
	/* the limit is still the SYN+ACK's ack + 65535, not 256000 */
	CHECK_EQ(tx(&t, 0, F_A, 2, 2, 1000, 65536), MG_R_TCP_OUT_OF_WINDOW);
	CHECK_EQ(tx(&t, 0, F_A, 2, 2, 1000, 65535), MG_R_NONE);
}

TEST(tcp_scale_capped_at_14)
{
	struct mg_tcp t;
	struct mg_pkt p = seg(F_S, 1, 0, 100, 0, 20);
	CHECK_EQ(mg_tcp_new(&t, &p), MG_R_NONE);
	CHECK_EQ(t.d[0].scale, 14);
}

TEST(tcp_zero_window_probe)
{
	struct mg_tcp t;
	CHECK(handshake(&t, 100, 200));
	CHECK_EQ(tx(&t, 0, F_A, 101, 201, 64000, 1000), MG_R_NONE);
	CHECK_EQ(tx(&t, 1, F_A, 201, 1101, 0, 0), MG_R_NONE); /* window closed */
	CHECK_EQ(tx(&t, 0, F_A, 1101, 201, 64000, 1), MG_R_NONE);
	CHECK_EQ(tx(&t, 0, F_A, 1101, 201, 64000, 2), MG_R_NONE); /* still under old maxend */
}

/* A window that was never larger than what is in flight: the probe byte is
 * one past the advertised edge and must still pass. */
TEST(tcp_zero_window_probe_tight)
{
	struct mg_tcp t;
	struct mg_pkt p = seg(F_S, 100, 0, 100, 0, NOWS);
	CHECK_EQ(mg_tcp_new(&t, &p), MG_R_NONE);
	p = seg(F_S | F_A, 500, 101, 100, 0, NOWS);
	CHECK_EQ(mg_tcp_track(&t, &p, 1), MG_R_NONE);
	CHECK_EQ(tx(&t, 0, F_A, 101, 501, 100, 100), MG_R_NONE); /* fills the window */
	CHECK_EQ(tx(&t, 0, F_A, 201, 501, 100, 1), MG_R_TCP_OUT_OF_WINDOW);
	CHECK_EQ(tx(&t, 1, F_A, 501, 201, 0, 0), MG_R_NONE); /* all read, window 0 */
	CHECK_EQ(tx(&t, 0, F_A, 201, 501, 100, 1), MG_R_NONE); /* the probe */
	CHECK_EQ(tx(&t, 0, F_A, 202, 501, 100, 1), MG_R_TCP_OUT_OF_WINDOW);
}

TEST(tcp_invalid_flags_for_state)
{
	struct mg_tcp t;
	struct mg_pkt p = seg(F_S | F_A, 1, 1, 100, 0, NOWS);
	CHECK_EQ(mg_tcp_new(&t, &p), MG_R_TCP_NO_SYN);
	p = seg(F_A, 1, 1, 100, 0, NOWS);
	CHECK_EQ(mg_tcp_new(&t, &p), MG_R_TCP_NO_SYN);
	p = seg(F_S | F_F, 1, 0, 100, 0, NOWS);
	CHECK_EQ(mg_tcp_new(&t, &p), MG_R_TCP_NO_SYN);
	p = seg(F_S, 1000, 0, 100, 0, NOWS);
	CHECK_EQ(mg_tcp_new(&t, &p), MG_R_NONE);
	/* SYN+ACK from the originator */
	p = seg(F_S | F_A, 1000, 5, 100, 0, NOWS);
	CHECK_EQ(mg_tcp_track(&t, &p, 0), MG_R_TCP_INVALID_STATE);
	/* data before the handshake, either way */
	CHECK_EQ(tx(&t, 0, F_A, 1001, 0, 100, 10), MG_R_TCP_INVALID_STATE);
	CHECK_EQ(tx(&t, 1, F_A, 1, 1001, 100, 10), MG_R_TCP_INVALID_STATE);
	/* SYN+ACK that does not acknowledge the SYN */
	p = seg(F_S | F_A, 77, 1002, 100, 0, NOWS);
	CHECK_EQ(mg_tcp_track(&t, &p, 1), MG_R_TCP_BAD_ACK);
	CHECK_EQ(t.state, MG_TCP_SYN_SENT);
	CHECK_EQ(t.d[1].flags, 0);
	p = seg(F_S | F_A, 77, 1001, 100, 0, NOWS);
	CHECK_EQ(mg_tcp_track(&t, &p, 1), MG_R_NONE);
	/* responder data before the final ACK */
	CHECK_EQ(tx(&t, 1, F_A, 78, 1001, 100, 10), MG_R_TCP_INVALID_STATE);
	/* final ACK that does not acknowledge the SYN+ACK */
	CHECK_EQ(tx(&t, 0, F_A, 1001, 77, 100, 0), MG_R_TCP_BAD_ACK);
	/* SYN with FIN or RST is never valid */
	CHECK_EQ(tx(&t, 0, F_S | F_R, 1000, 0, 100, 0), MG_R_TCP_INVALID_STATE);
	CHECK_EQ(t.state, MG_TCP_SYN_RECV);
	CHECK_EQ(tx(&t, 0, F_A, 1001, 78, 100, 0), MG_R_NONE);
	/* a fresh SYN in the middle of an established connection */
	CHECK_EQ(tx(&t, 0, F_S, 5555, 0, 100, 0), MG_R_TCP_INVALID_STATE);
	CHECK_EQ(t.state, MG_TCP_ESTABLISHED);
	/* a direction that is neither 0 nor 1 */
	CHECK_EQ(tx(&t, 2, F_A, 1001, 78, 100, 0), MG_R_TCP_INVALID_STATE);
	/* an untracked entry */
	struct mg_tcp z;
	memset(&z, 0, sizeof(z));
	CHECK_EQ(tx(&z, 0, F_A, 1, 1, 1, 0), MG_R_TCP_INVALID_STATE);
}

TEST(tcp_new_syn_with_new_isn_restarts)
{
	struct mg_tcp t;
	struct mg_pkt p = seg(F_S, 1000, 0, 100, 0, NOWS);
	CHECK_EQ(mg_tcp_new(&t, &p), MG_R_NONE);
	p = seg(F_S | F_A, 50, 1001, 100, 0, NOWS);
	CHECK_EQ(mg_tcp_track(&t, &p, 1), MG_R_NONE);
	p = seg(F_S, 3000, 0, 100, 0, NOWS);
	CHECK_EQ(mg_tcp_track(&t, &p, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_SYN_SENT);
	/* the old SYN+ACK no longer fits */
	p = seg(F_S | F_A, 50, 1001, 100, 0, NOWS);
	CHECK_EQ(mg_tcp_track(&t, &p, 1), MG_R_TCP_BAD_ACK);
}

TEST(tcp_simultaneous_open)
{
	struct mg_tcp t;
	struct mg_pkt p = seg(F_S, 100, 0, 5000, 0, NOWS);
	CHECK_EQ(mg_tcp_new(&t, &p), MG_R_NONE);
	p = seg(F_S, 700, 0, 5000, 0, NOWS);
	CHECK_EQ(mg_tcp_track(&t, &p, 1), MG_R_NONE);
	CHECK(t.d[1].flags & MG_TCPF_SIMOPEN);
	CHECK_EQ(t.state, MG_TCP_SYN_SENT);
	/* each side answers the other's SYN */
	p = seg(F_S | F_A, 100, 701, 5000, 0, NOWS);
	CHECK_EQ(mg_tcp_track(&t, &p, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_SYN_RECV);
	p = seg(F_S | F_A, 700, 101, 5000, 0, NOWS);
	CHECK_EQ(mg_tcp_track(&t, &p, 1), MG_R_NONE);
	/* a SYN+ACK that changes its ISN is not a simultaneous open */
	p = seg(F_S | F_A, 900, 101, 5000, 0, NOWS);
	CHECK_EQ(mg_tcp_track(&t, &p, 1), MG_R_TCP_INVALID_STATE);
	CHECK_EQ(tx(&t, 1, F_A, 701, 101, 5000, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_ESTABLISHED);
	CHECK_EQ(tx(&t, 0, F_A, 101, 701, 5000, 10), MG_R_NONE);
	CHECK_EQ(tx(&t, 1, F_A, 701, 111, 5000, 10), MG_R_NONE);
}

TEST(tcp_state_names)
{
	CHECK(strcmp(mg_tcp_state_name(MG_TCP_NONE), "none") == 0);
	CHECK(strcmp(mg_tcp_state_name(MG_TCP_SYN_SENT), "syn-sent") == 0);
	CHECK(strcmp(mg_tcp_state_name(MG_TCP_SYN_RECV), "syn-recv") == 0);
	CHECK(strcmp(mg_tcp_state_name(MG_TCP_ESTABLISHED), "established") == 0);
	CHECK(strcmp(mg_tcp_state_name(MG_TCP_FIN_WAIT), "fin-wait") == 0);
	CHECK(strcmp(mg_tcp_state_name(MG_TCP_CLOSE_WAIT), "close-wait") == 0);
	CHECK(strcmp(mg_tcp_state_name(MG_TCP_LAST_ACK), "last-ack") == 0);
	CHECK(strcmp(mg_tcp_state_name(MG_TCP_TIME_WAIT), "time-wait") == 0);
	CHECK(strcmp(mg_tcp_state_name(MG_TCP_CLOSE), "close") == 0);
	CHECK(strcmp(mg_tcp_state_name(200), "?") == 0);
	struct mg_tcp t;
	memset(&t, 0, sizeof(t));
	struct mg_timeouts to = test_timeouts();
	t.state = MG_TCP_CLOSE;
	CHECK_EQ(mg_tcp_timeout(&t, &to), 8);
}

/* Random segments around a live connection: a refused segment never changes
 * the tracking, and the state and its history stay consistent. */
TEST(tcp_random_segments_keep_invariants)
{
	static const uint8_t flag_set[] = {F_A,       F_A | MG_TH_PSH, F_F | F_A, F_R,     F_R | F_A,
					   F_S,       F_S | F_A,       F_F,       0,       F_S | F_F,
					   F_S | F_R, F_A | MG_TH_URG};
	uint64_t x = 0x243f6a8885a308d3u;
	long accepted = 0;
	for (int conn = 0; conn < 200; conn++) {
		struct mg_tcp t;
		uint32_t base[2] = {(uint32_t)(x >> 7), (uint32_t)(x >> 29)};
		if (!handshake(&t, base[0] - 1, base[1] - 1))
			CHECK(0);
		for (int i = 0; i < 1000; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			int dir = (int)(x & 1);
			uint8_t fl = flag_set[(x >> 1) % sizeof(flag_set)];
			/* offsets mostly near the live edges, sometimes far */
			int32_t dseq = (int32_t)((x >> 8) % 140000) - 70000;
			int32_t dack = (int32_t)((x >> 28) % 140000) - 70000;
			if ((x >> 50) % 4 == 0)
				dseq = (int32_t)(x >> 20);
			uint32_t seq = t.d[dir].end + (uint32_t)dseq;
			uint32_t ack = t.d[!dir].end + (uint32_t)dack;
			if ((x >> 55) % 2 == 0) {
				seq = t.d[dir].end;
				ack = t.d[!dir].end;
			}
			struct mg_pkt p = seg(fl, seq, ack, (uint16_t)(x >> 40),
					      (uint32_t)((x >> 60) % 2 ? (x >> 33) % 3000 : 0), NOWS);
			struct mg_tcp before = t;
			enum mg_reason r = mg_tcp_track(&t, &p, dir);
			if (r != MG_R_NONE) {
				CHECK(r == MG_R_TCP_OUT_OF_WINDOW || r == MG_R_TCP_BAD_ACK ||
				      r == MG_R_TCP_BAD_RST || r == MG_R_TCP_INVALID_STATE);
				CHECK(memcmp(&t, &before, sizeof(t)) == 0);
			} else {
				accepted++;
			}
			CHECK(t.state > MG_TCP_NONE && t.state < MG_TCP__COUNT);
			CHECK(t.states_seen & (1u << t.state));
			CHECK((t.states_seen & before.states_seen) == before.states_seen);
			CHECK(t.d[0].maxwin >= 1);
			if (t.d[1].flags & MG_TCPF_SEEN)
				CHECK(t.d[1].maxwin >= 1);
		}
	}
	CHECK(accepted > 10000);
}

TEST(tcp_rst_closes_only_at_the_exact_sequence)
{
	struct mg_tcp t;
	CHECK(handshake(&t, 7000, 3000));
	CHECK_EQ(tx(&t, 0, F_A, 7001, 3001, 64000, 500), MG_R_NONE);
	CHECK_EQ(tx(&t, 1, F_A, 3001, 7501, 64000, 0), MG_R_NONE);
	/* in the window but not where the receiver expects it: passed on for
	 * a challenge ACK, the connection stays */
	CHECK_EQ(tx(&t, 1, F_R, 3001 + 1000, 0, 0, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_ESTABLISHED);
	CHECK_EQ(tx(&t, 0, F_R, 7501 + 1, 0, 0, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_ESTABLISHED);
	/* exactly RCV.NXT: the connection is over */
	CHECK_EQ(tx(&t, 1, F_R, 3001, 0, 0, 0), MG_R_NONE);
	CHECK_EQ(t.state, MG_TCP_CLOSE);
}

TEST(tcp_blind_rsts_never_close_a_live_connection)
{
	/* 100,000 RSTs with random sequence numbers, many of them inside the
	 * window, from either end: none is exactly the next one expected */
	struct mg_tcp t;
	CHECK(handshake(&t, 100000, 500000));
	CHECK_EQ(tx(&t, 0, F_A, 100001, 500001, 65535, 1000), MG_R_NONE);
	CHECK_EQ(tx(&t, 1, F_A, 500001, 101001, 65535, 1000), MG_R_NONE);
	uint64_t x = 0x9e3779b97f4a7c15ull;
	int passed = 0;
	for (int i = 0; i < 100000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int dir = (int)(x & 1);
		uint32_t base = t.d[dir].end;
		uint32_t seq = base + (uint32_t)((int32_t)((x >> 8) % 131072) - 65536);
		if (seq == base || ((t.d[!dir].flags & MG_TCPF_ACKED) && seq == t.d[!dir].acked))
			continue; /* the one value an attacker must guess */
		if (tx(&t, dir, F_R, seq, 0, 0, 0) == MG_R_NONE)
			passed++;
		CHECK_EQ(t.state, MG_TCP_ESTABLISHED);
	}
	CHECK(passed > 10000); /* in-window ones reach the endpoint */
}
