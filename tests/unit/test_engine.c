/* test_engine.c - the engine end to end on hand-built packets: NAT both
 * ways, policy, forwards, hairpinning, pinholes, ICMP errors, fragments,
 * timeouts and a full flow table. */
#include <arpa/inet.h>
#include <string.h>

#include "core/alg_api.h"
#include "core/engine.h"
#include "harness.h"
#include "pktbuild.h"

static struct mg_config lab_config(void)
{
	struct mg_config c;
	tb_lab_config(&c, tb_ip("198.19.0.1"));
	return c;
}

static struct mg_engine *mk(struct mg_config *c)
{
	char err[200] = "";
	struct mg_engine *e = mg_engine_new(c, 1, err, sizeof(err));
	if (!e)
		fprintf(stderr, "engine: %s\n", err);
	return e;
}

static void allow_any(struct mg_config *c)
{
	c->n_allow = 1;
	c->allow[0].proto = 0;
	c->allow_set = true;
}

#define A tb_ip("198.18.1.10")
#define A2 tb_ip("198.18.1.11")
#define P tb_ip("198.19.0.1")
#define R tb_ip("198.19.0.20")
#define R2 tb_ip("198.19.0.21")

TEST(engine_udp_nat_both_ways_and_eim)
{
	struct mg_config c = lab_config();
	allow_any(&c);
	struct mg_engine *e = mk(&c);
	CHECK(e);
	uint8_t b[1500];
	size_t n = tb_udp(b, A, 5000, R, 6000, "hello", 5);
	struct mg_result res = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1000);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(res.out_side, MG_SIDE_OUTSIDE);
	CHECK_EQ(tb_src(b), P);
	CHECK_EQ(tb_sport(b), 5000); /* port preserved */
	CHECK(tb_csum_ok(b, n));
	/* the reply comes back to the inside host */
	n = tb_udp(b, R, 6000, P, 5000, "hi", 2);
	res = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 1100);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(res.out_side, MG_SIDE_INSIDE);
	CHECK_EQ(tb_dst(b), A);
	CHECK_EQ(tb_dport(b), 5000);
	CHECK(tb_csum_ok(b, n));
	/* same inside endpoint to another destination: same mapping */
	n = tb_udp(b, A, 5000, R2, 7000, "x", 1);
	res = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1200);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_sport(b), 5000);
	/* but R2 may not use the flow to R (address-and-port-dependent filtering) */
	n = tb_udp(b, R2, 7001, P, 5000, "x", 1);
	res = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 1300);
	CHECK_EQ(res.verdict, MG_VERDICT_DROP);
	CHECK_EQ(res.reason, MG_R_INBOUND_NO_PINHOLE);
	/* another inside host with the same source port gets another port of
	 * the same parity */
	n = tb_udp(b, A2, 5000, R, 6000, "x", 1);
	res = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1400);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK(tb_sport(b) != 5000);
	CHECK_EQ(tb_sport(b) & 1, 0);
	CHECK(tb_sport(b) >= 1024);
	const struct mg_stats *st = mg_engine_stats(e);
	CHECK_EQ(st->flows_active, 3);
	CHECK_EQ(st->bindings_active, 2);
	mg_engine_free(e);
}

TEST(engine_default_policy_is_netmeeting)
{
	struct mg_config c = lab_config();
	struct mg_engine *e = mk(&c);
	CHECK(e);
	uint8_t b[1500];
	size_t n = tb_udp(b, A, 5000, R, 6000, "x", 1);
	struct mg_result res = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 0);
	CHECK_EQ(res.reason, MG_R_POLICY_OUTBOUND);
	static const uint16_t ok_tcp[] = {389, 522, 1503, 1720, 1731};
	for (unsigned i = 0; i < 5; i++) {
		n = tb_tcp(b, A, (uint16_t)(30000 + i), R, ok_tcp[i], 0x02, 100, 0, NULL, 0);
		res = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 0);
		CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	}
	n = tb_tcp(b, A, 30010, R, 80, 0x02, 100, 0, NULL, 0);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 0).reason, MG_R_POLICY_OUTBOUND);
	n = tb_udp(b, A, 5000, R, 1719, "x", 1);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 0).verdict, MG_VERDICT_ACCEPT);
	/* a TCP flow must start with a SYN */
	n = tb_tcp(b, A, 30020, R, 1720, 0x10, 100, 5, NULL, 0);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 0).reason, MG_R_TCP_NO_SYN);
	/* nothing comes in unasked */
	n = tb_tcp(b, R, 40000, P, 1720, 0x02, 100, 0, NULL, 0);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 0).reason, MG_R_INBOUND_NO_PINHOLE);
	/* a spoofed inside source is refused */
	n = tb_tcp(b, R2, 40000, R, 1720, 0x02, 100, 0, NULL, 0);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 0).reason, MG_R_POLICY_SPOOF);
	CHECK(mg_engine_stats(e)->dropped[MG_R_POLICY_OUTBOUND] == 2);
	mg_engine_free(e);
}

TEST(engine_forward_and_hairpin)
{
	struct mg_config c = lab_config();
	c.n_forward = 1;
	c.forward[0] = (struct mg_forward){6, 0, 1720, 1720, tb_ip("198.18.1.10"), 1720};
	struct mg_engine *e = mk(&c);
	CHECK(e);
	uint8_t b[1500];
	size_t n = tb_tcp(b, R, 40000, P, 1720, 0x02, 100, 0, NULL, 0);
	struct mg_result res = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 0);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(res.out_side, MG_SIDE_INSIDE);
	CHECK_EQ(tb_dst(b), A);
	CHECK_EQ(tb_src(b), R); /* outside addresses are not translated */
	CHECK(tb_csum_ok(b, n));
	n = tb_tcp(b, A, 1720, R, 40000, 0x12, 900, 101, NULL, 0);
	res = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_src(b), P);
	CHECK_EQ(tb_sport(b), 1720);
	CHECK(tb_csum_ok(b, n));
	/* hairpin: another inside host calls the public address */
	n = tb_tcp(b, A2, 33333, P, 1720, 0x02, 7, 0, NULL, 0);
	res = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 2);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(res.out_side, MG_SIDE_INSIDE);
	CHECK_EQ(tb_dst(b), A);
	CHECK_EQ(tb_src(b), P); /* A sees A2's public mapping */
	uint16_t mapped = tb_sport(b);
	CHECK(tb_csum_ok(b, n));
	n = tb_tcp(b, A, 1720, P, mapped, 0x12, 50, 8, NULL, 0);
	res = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 3);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_dst(b), A2);
	CHECK_EQ(tb_dport(b), 33333);
	CHECK_EQ(tb_src(b), P);
	CHECK_EQ(tb_sport(b), 1720);
	mg_engine_free(e);
}

TEST(engine_pinhole_admits_restarted_stream_until_closed)
{
	struct mg_config c = lab_config();
	struct mg_engine *e = mk(&c);
	CHECK(e);
	enum mg_reason why = MG_R_NONE;
	uint32_t bnd = mg_alg_bind(e, 17, A, 5002, true, &why);
	CHECK(bnd != MG_NIL);
	const struct mg_binding *bi = mg_alg_binding(e, bnd);
	uint16_t pub = bi->pub_port;
	CHECK_EQ(pub & 1, 0);
	uint32_t odd = mg_alg_find_binding(e, 17, A, 5003);
	CHECK(odd != MG_NIL);
	CHECK_EQ(mg_alg_binding(e, odd)->pub_port, pub + 1);
	struct mg_expect x;
	memset(&x, 0, sizeof(x));
	x.proto = 17;
	x.side = MG_SIDE_OUTSIDE;
	x.remote = R;
	x.dst_addr = P;
	x.dst_port = pub;
	x.to_addr = A;
	x.to_port = 5002;
	x.bind = bnd;
	x.owner = 77;
	x.what = "rtp";
	CHECK(mg_alg_pinhole_open(e, &x, UINT64_MAX) != MG_NIL);
	uint8_t b[1500];
	for (int i = 0; i < 2; i++) { /* two source ports: both admitted */
		size_t n = tb_udp(b, R, (uint16_t)(41000 + i), P, pub, "rtp", 3);
		struct mg_result res = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 10);
		CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
		CHECK_EQ(tb_dst(b), A);
		CHECK_EQ(tb_dport(b), 5002);
	}
	/* another remote is not admitted */
	size_t n = tb_udp(b, R2, 41000, P, pub, "rtp", 3);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 11).reason, MG_R_INBOUND_NO_PINHOLE);
	mg_alg_pinhole_close_owner(e, 77);
	n = tb_udp(b, R, 41005, P, pub, "rtp", 3);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 12).reason, MG_R_INBOUND_NO_PINHOLE);
	CHECK_EQ(mg_engine_stats(e)->pinhole_hits, 2);
	mg_engine_free(e);
}

TEST(engine_icmp_echo_and_error_translation)
{
	struct mg_config c = lab_config();
	allow_any(&c);
	struct mg_engine *e = mk(&c);
	CHECK(e);
	uint8_t b[1500], sent[1500];
	size_t n = tb_icmp_echo(b, A, R, 8, 0x4242, 1);
	struct mg_result res = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 0);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_src(b), P);
	CHECK(tb_csum_ok(b, n));
	uint16_t id = (uint16_t)((b[24] << 8) | b[25]);
	n = tb_icmp_echo(b, R, P, 0, id, 1);
	res = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 1);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_dst(b), A);
	CHECK_EQ((b[24] << 8) | b[25], 0x4242);
	CHECK(tb_csum_ok(b, n));

	/* a UDP packet goes out; a router answers "port unreachable" */
	n = tb_udp(sent, A, 5004, R, 9999, "abcd", 4);
	CHECK_EQ(mg_engine_process(e, sent, (uint32_t)n, MG_SIDE_INSIDE, 2).verdict, MG_VERDICT_ACCEPT);
	uint16_t pubport = tb_sport(sent);
	size_t en = tb_icmp_err(b, R2, P, 3, 3, sent, n);
	res = mg_engine_process(e, b, (uint32_t)en, MG_SIDE_OUTSIDE, 3);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(res.out_side, MG_SIDE_INSIDE);
	CHECK_EQ(tb_dst(b), A);
	CHECK_EQ(tb_src(b), R2);
	CHECK(tb_csum_ok(b, en));
	const uint8_t *inner = b + 28;
	CHECK_EQ(tb_src(inner), A); /* the quote shows what A sent */
	CHECK_EQ(tb_sport(inner), 5004);
	CHECK(pubport != 0);
	/* an error quoting a packet of no flow is dropped */
	n = tb_udp(sent, P, 6666, R, 9999, "abcd", 4);
	en = tb_icmp_err(b, R2, P, 3, 3, sent, n);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)en, MG_SIDE_OUTSIDE, 4).reason, MG_R_ICMP_ERR_NO_FLOW);
	mg_engine_free(e);
}

TEST(engine_fragments_follow_first)
{
	struct mg_config c = lab_config();
	allow_any(&c);
	struct mg_engine *e = mk(&c);
	CHECK(e);
	uint8_t b[1500];
	uint8_t pay[64];
	memset(pay, 'z', sizeof(pay));
	/* a later fragment with no first fragment seen */
	size_t n = tb_udp(b, A, 5006, R, 6000, pay, 32);
	tb_set_frag(b, 77, false, 3);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 0).reason, MG_R_FRAG_NO_FIRST);
	/* first fragment (offset 0, MF) then a later one with the same id */
	n = tb_udp(b, A, 5006, R, 6000, pay, 32);
	tb_set_frag(b, 78, true, 0);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_src(b), P);
	n = tb_udp(b, A, 5006, R, 6000, pay, 32);
	tb_set_frag(b, 78, false, 5);
	struct mg_result res = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 2);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(tb_src(b), P);
	mg_engine_free(e);
}

TEST(engine_idle_flow_times_out_by_passed_clock)
{
	struct mg_config c = lab_config();
	allow_any(&c);
	struct mg_engine *e = mk(&c);
	CHECK(e);
	uint8_t b[1500];
	size_t n = tb_udp(b, A, 5008, R, 6000, "x", 1);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 1000).verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(mg_engine_stats(e)->flows_active, 1);
	mg_engine_expire(e, 1000 + 29000); /* udp timeout is 30 s */
	CHECK_EQ(mg_engine_stats(e)->flows_active, 1);
	mg_engine_expire(e, 1000 + 32000);
	CHECK_EQ(mg_engine_stats(e)->flows_active, 0);
	CHECK_EQ(mg_engine_stats(e)->bindings_active, 0);
	n = tb_udp(b, R, 6000, P, 5008, "x", 1);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 34000).reason, MG_R_INBOUND_NO_PINHOLE);
	mg_engine_free(e);
}

TEST(engine_full_flow_table_refuses_new_keeps_old)
{
	struct mg_config c = lab_config();
	allow_any(&c);
	c.max_flows = 2;
	struct mg_engine *e = mk(&c);
	CHECK(e);
	uint8_t b[1500];
	for (int i = 0; i < 2; i++) {
		size_t n = tb_udp(b, A, (uint16_t)(6000 + 2 * i), R, 7000, "x", 1);
		CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 0).verdict, MG_VERDICT_ACCEPT);
	}
	size_t n = tb_udp(b, A, 6100, R, 7000, "x", 1);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 0).reason, MG_R_CT_FULL);
	CHECK_EQ(mg_engine_stats(e)->bindings_active, 2); /* the refused flow's binding was released */
	n = tb_udp(b, R, 7000, P, 6002, "x", 1);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 1).verdict, MG_VERDICT_ACCEPT);
	mg_engine_free(e);
}

TEST(engine_tcp_life_and_out_of_window)
{
	struct mg_config c = lab_config();
	struct mg_engine *e = mk(&c);
	CHECK(e);
	uint8_t b[1500];
	struct {
		int out; /* 1: inside -> outside */
		uint8_t fl;
		uint32_t seq, ack;
		int plen;
	} seq[] = {
		{1, 0x02, 1000, 0, 0},    {0, 0x12, 5000, 1001, 0}, {1, 0x10, 1001, 5001, 0},
		{1, 0x18, 1001, 5001, 10}, {0, 0x10, 5001, 1011, 0}, {1, 0x11, 1011, 5001, 0},
		{0, 0x11, 5001, 1012, 0}, {1, 0x10, 1012, 5002, 0},
	};
	for (unsigned i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		size_t n = seq[i].out ? tb_tcp(b, A, 12030, R, 1720, seq[i].fl, seq[i].seq, seq[i].ack, "0123456789", (size_t)seq[i].plen)
				      : tb_tcp(b, R, 1720, P, 12030, seq[i].fl, seq[i].seq, seq[i].ack, NULL, 0);
		struct mg_result res = mg_engine_process(e, b, (uint32_t)n, seq[i].out ? MG_SIDE_INSIDE : MG_SIDE_OUTSIDE, 10 * i);
		CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	}
	/* a segment far outside the window is refused */
	size_t n = tb_tcp(b, R, 1720, P, 12030, 0x10, 5001 + 0x40000000u, 1012, NULL, 0);
	struct mg_result res = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 100);
	CHECK_EQ(res.verdict, MG_VERDICT_DROP);
	mg_engine_free(e);
}

TEST(engine_ipv6_filtered_statefully_not_translated)
{
	struct mg_config c = lab_config();
	allow_any(&c);
	struct mg_engine *e = mk(&c);
	CHECK(e);
	uint8_t b[200], orig[200];
	/* inside host, through an extension header: allowed out, untouched */
	size_t n = tb_udp6(b, "2001:db8:1::10", 5000, "2001:db8:2::20", 6000, 1);
	memcpy(orig, b, n);
	struct mg_result res = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 0);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(res.out_side, MG_SIDE_OUTSIDE);
	CHECK(memcmp(b, orig, n) == 0);
	n = tb_udp6(b, "2001:db8:2::20", 6000, "2001:db8:1::10", 5000, 0);
	res = mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 1);
	CHECK_EQ(res.verdict, MG_VERDICT_ACCEPT);
	CHECK_EQ(res.out_side, MG_SIDE_INSIDE);
	/* unsolicited from outside: refused */
	n = tb_udp6(b, "2001:db8:2::20", 6001, "2001:db8:1::10", 5000, 0);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 2).reason, MG_R_INBOUND_NO_PINHOLE);
	mg_engine_free(e);
}

TEST(engine_syn_flood_recycles_its_own_entries)
{
	/* a forward to an inside listener; 20,000 SYNs from 20,000 spoofed
	 * sources; the table holds 1,024 flows */
	struct mg_config c = lab_config();
	allow_any(&c);
	c.max_flows = 1024;
	c.max_embryonic = 256;
	c.n_forward = 1;
	c.forward[0] = (struct mg_forward){MG_PROTO_TCP, 0, 1720, 1720, A, 1720};
	struct mg_engine *e = mk(&c);
	CHECK(e);
	uint8_t b[200];
	/* an established flow and a live UDP flow before the flood */
	size_t n = tb_tcp(b, A, 40000, R, 80, 0x02, 100, 0, NULL, 0);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 0).verdict, MG_VERDICT_ACCEPT);
	n = tb_tcp(b, R, 80, P, 40000, 0x12, 900, 101, NULL, 0);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, 1).verdict, MG_VERDICT_ACCEPT);
	n = tb_tcp(b, A, 40000, R, 80, 0x10, 101, 901, NULL, 0);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, 2).verdict, MG_VERDICT_ACCEPT);
	uint64_t now = 10;
	for (uint32_t i = 0; i < 20000; i++) {
		uint32_t src = htonl(ntohl(tb_ip("198.19.128.0")) + i);
		n = tb_tcp(b, src, (uint16_t)(1024 + i % 60000), P, 1720, 0x02, i * 77u, 0, NULL, 0);
		CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, now + i / 20).verdict,
			 MG_VERDICT_ACCEPT);
	}
	now += 1000;
	const struct mg_stats *st = mg_engine_stats(e);
	CHECK(st->flows_embryonic <= 256);
	CHECK(st->events[MG_R_CT_EARLY_DROP] >= 20000 - 256);
	CHECK_EQ(st->dropped[MG_R_CT_FULL], 0);
	/* the established flow still passes both ways */
	n = tb_tcp(b, A, 40000, R, 80, 0x18, 101, 901, "GET", 3);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, now).verdict, MG_VERDICT_ACCEPT);
	n = tb_tcp(b, R, 80, P, 40000, 0x10, 901, 104, NULL, 0);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, now).verdict, MG_VERDICT_ACCEPT);
	/* a legitimate caller completes its handshake during the flood */
	n = tb_tcp(b, R2, 33000, P, 1720, 0x02, 5000, 0, NULL, 0);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, now).verdict, MG_VERDICT_ACCEPT);
	n = tb_tcp(b, A, 1720, R2, 33000, 0x12, 7000, 5001, NULL, 0);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, now).verdict, MG_VERDICT_ACCEPT);
	n = tb_tcp(b, R2, 33000, P, 1720, 0x10, 5001, 7001, NULL, 0);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_OUTSIDE, now).verdict, MG_VERDICT_ACCEPT);
	/* and new UDP flows are not refused */
	n = tb_udp(b, A, 6000, R, 7000, "x", 1);
	CHECK_EQ(mg_engine_process(e, b, (uint32_t)n, MG_SIDE_INSIDE, now).verdict, MG_VERDICT_ACCEPT);
	/* under pressure the handshake timeouts are short: a second later
	 * nothing of the flood is left */
	mg_engine_expire(e, now + 2000);
	CHECK_EQ(mg_engine_stats(e)->flows_embryonic, 0);
	mg_engine_free(e);
}
