/* test_l4csum.c - checksums through the engine: a segment an ALG parses must
 * arrive with a right TCP/UDP checksum (else dropped, counted, no state
 * moved); everywhere else a wrong checksum is carried along by incremental
 * updates and leaves wrong by the same amount (same residue). */
#include <string.h>

#include "alg/h323.h"
#include "core/engine.h"
#include "harness.h"
#include "pktbuild.h"

#define A tb_ip("198.18.1.10")
#define P tb_ip("198.19.0.1")
#define R tb_ip("198.19.0.20")
#define R2 tb_ip("198.19.0.21")

static struct mg_engine *mk(bool allow_any)
{
	struct mg_config c;
	tb_lab_config(&c, P);
	if (allow_any) {
		c.n_allow = 1;
		c.allow[0].proto = 0;
		c.allow_set = true;
	}
	char err[200];
	return mg_engine_new(&c, 1, err, sizeof(err));
}

/* Make the TCP/UDP checksum wrong by adding d to it. */
static void spoil(uint8_t *b, uint16_t d)
{
	uint8_t *f = b + 20 + (b[9] == 6 ? 16 : 6);
	uint16_t v = (uint16_t)(((f[0] << 8) | f[1]) + d);
	f[0] = (uint8_t)(v >> 8);
	f[1] = (uint8_t)v;
}

struct flowpk {
	uint64_t pkts[2];
};

static void count_pkts(void *ctx, const struct mg_flow_info *fi)
{
	struct flowpk *c = ctx;
	c->pkts[0] += fi->pkts[0];
	c->pkts[1] += fi->pkts[1];
}

static uint64_t pkts_seen(struct mg_engine *e)
{
	struct flowpk c = {{0, 0}};
	mg_engine_foreach_flow(e, count_pkts, &c);
	return c.pkts[0] + c.pkts[1];
}

static struct mg_result send_tcp(struct mg_engine *e, uint32_t seq, const void *pay, size_t len, uint16_t spoil_by)
{
	uint8_t b[600];
	size_t n = tb_tcp(b, A, 12030, R, 1720, 0x18, seq, 5001, pay, len);
	if (spoil_by)
		spoil(b, spoil_by);
	return mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1003);
}

TEST(l4csum_bad_segment_on_signalling_flow_dropped_without_moving_state)
{
	struct mg_engine *e = mk(false);
	CHECK(e);
	struct mg_h323 *h = mg_h323_attach(e);
	CHECK(h);
	uint8_t b[100];
	size_t n = tb_tcp(b, A, 12030, R, 1720, 0x02, 999, 0, NULL, 0);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1000).verdict, MG_VERDICT_ACCEPT);
	n = tb_tcp(b, R, 1720, P, 12030, 0x12, 5000, 1000, NULL, 0);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 1001).verdict, MG_VERDICT_ACCEPT);
	n = tb_tcp(b, A, 12030, R, 1720, 0x10, 1000, 5001, NULL, 0);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1002).verdict, MG_VERDICT_ACCEPT);
	uint64_t before = pkts_seen(e);

	/* two empty TPKTs (keep-alives): the first arrives corrupt */
	static const uint8_t ka[4] = {3, 0, 0, 4};
	struct mg_result r = send_tcp(e, 1000, ka, 4, 0x0100);
	CHECK_EQ(r.verdict, MG_VERDICT_DROP);
	CHECK_EQ(r.reason, MG_R_L4_BAD_CHECKSUM);
	CHECK_EQ(mg_engine_stats(e)->dropped[MG_R_L4_BAD_CHECKSUM], 1);
	CHECK_EQ(pkts_seen(e), before); /* the flow did not count it */
	/* the stream still waits for byte 1000: the next bytes are ahead of a gap */
	CHECK_EQ(send_tcp(e, 1004, ka, 4, 0).reason, MG_R_ALG_OUT_OF_ORDER);
	/* the sender's retransmission arrives intact and goes through */
	CHECK_EQ(send_tcp(e, 1000, ka, 4, 0).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(send_tcp(e, 1004, ka, 4, 0).verdict, MG_VERDICT_ACCEPT);
	/* a bare ACK is not parsed: its checksum is carried along, not judged */
	n = tb_tcp(b, A, 12030, R, 1720, 0x10, 1008, 5001, NULL, 0);
	spoil(b, 7);
	uint16_t res = tb_l4_residue(b, n);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1004).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_src(b), P);
	CHECK_EQ(tb_l4_residue(b, n), res);
	CHECK_EQ(mg_engine_stats(e)->dropped[MG_R_L4_BAD_CHECKSUM], 1);
	mg_engine_free(e);
	mg_h323_free(h);
}

TEST(l4csum_wrong_checksum_on_plain_flows_stays_wrong_by_the_same_amount)
{
	struct mg_engine *e = mk(true);
	CHECK(e);
	uint8_t b[200];
	/* UDP out and back */
	size_t n = tb_udp(b, A, 5000, R, 6000, "hello", 5);
	spoil(b, 0x1234);
	uint16_t res = tb_l4_residue(b, n);
	CHECK(res != 0xffff);
	struct mg_result r = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1000);
	CHECK_EQ(r.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_src(b), P);
	CHECK_EQ(tb_l4_residue(b, n), res);
	uint16_t pub = tb_sport(b);
	n = tb_udp(b, R, 6000, P, pub, "back", 4);
	spoil(b, 3);
	res = tb_l4_residue(b, n);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 1001).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_dst(b), A);
	CHECK_EQ(tb_l4_residue(b, n), res);
	CHECK(!tb_csum_ok(b, n));
	/* UDP without checksum stays without */
	n = tb_udp(b, A, 5000, R, 6000, "x", 1);
	b[26] = b[27] = 0;
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1002).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(b[26] | b[27], 0);
	/* TCP with payload on a flow no ALG parses */
	n = tb_tcp(b, A, 40000, R2, 80, 0x02, 1, 0, "syn-data", 8);
	spoil(b, 0xff00);
	res = tb_l4_residue(b, n);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1003).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_src(b), P);
	CHECK_EQ(tb_l4_residue(b, n), res);
	CHECK(!tb_csum_ok(b, n));
	CHECK_EQ(mg_engine_stats(e)->dropped[MG_R_L4_BAD_CHECKSUM], 0);
	mg_engine_free(e);
}

/* The folded sum of a 20-byte IPv4 header, its checksum included. */
static uint16_t ip_residue(const uint8_t *h)
{
	uint32_t s = 0;
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

TEST(l4csum_icmp_error_checksums_carried_not_recomputed)
{
	struct mg_engine *e = mk(true);
	CHECK(e);
	uint8_t sent[200], b[300];
	size_t n = tb_udp(sent, A, 5004, R, 9999, "abcd", 4);
	CHECK_EQ(mg_engine_process(e, sent, (uint32_t)n, MG_SIDE_INSIDE, 1).verdict, MG_VERDICT_ACCEPT);
	size_t en = tb_icmp_err(b, R2, P, 3, 3, sent, n);
	/* corrupt the ICMP checksum and the quoted IP header checksum */
	b[22] ^= 0x10;
	b[28 + 10] ^= 0x01;
	uint16_t res = tb_l4_residue(b, en), inner_res = ip_residue(b + 28);
	CHECK(res != 0xffff);
	CHECK(inner_res != 0xffff);
	struct mg_result r = mg_engine_process(e, b, (uint32_t)en, MG_SIDE_OUTSIDE, 2);
	CHECK_EQ(r.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_dst(b), A);
	CHECK_EQ(tb_src(b + 28), A); /* the quote was restored */
	CHECK_EQ(tb_l4_residue(b, en), res);
	CHECK_EQ(ip_residue(b + 28), inner_res);
	mg_engine_free(e);
}
