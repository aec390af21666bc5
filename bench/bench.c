/* bench.c - `make bench`: figures for the engine and the H.323 parsers.
 *
 *   fast path  established UDP flows, NAT both ways, packets per second on
 *              one core (includes re-copying each packet from its template,
 *              since translation rewrites it in place)
 *   new flows  flows created per second until the table is full
 *   memory     bytes per flow (entry + hash buckets) and per NAT binding
 *   parsers    ns per Setup (4 fastStart OLCs) decoded and rewritten, ns per
 *              H.245 OpenLogicalChannelAck decoded, taken from the bundled
 *              real captures; ns per RAS RRQ and ARQ decoded, and through the RAS ALG (bench_ras.c)
 *   seqadj     ns per segment of a stream an ALG resized: a data segment
 *              whose sequence number is only shifted, an ACK mapped back (a
 *              table of 16 edits), a 1400-byte segment carrying two edits
 *              rebuilt into segments (split at an MSS of 1000)
 * Each figure is the best of several runs, to keep other load on the machine
 * out of it.  Nothing here passes or fails: it measures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto/h245.h"
#include "proto/h323_scan.h"
#include "proto/q931.h"
#include "core/ct.h"
#include "core/engine.h"
#include "core/nat.h"
#include "core/rewrite.h"
#include "core/seqadj.h"
#include "io/pcap.h"

#define FLOWS 4096
#define PKT_LEN 200

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t csum(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* An IPv4/UDP packet with valid checksums (RTP-sized payload). */
static void udp_pkt(uint8_t *b, const uint8_t src[4], uint16_t sport, const uint8_t dst[4], uint16_t dport)
{
	memset(b, 0, PKT_LEN);
	b[0] = 0x45;
	put16(b + 2, PKT_LEN);
	b[8] = 64;
	b[9] = 17;
	memcpy(b + 12, src, 4);
	memcpy(b + 16, dst, 4);
	put16(b + 10, csum(b, 20, 0));
	uint8_t *u = b + 20;
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, PKT_LEN - 20);
	u[8] = 0x80;
	uint8_t ph[12];
	memcpy(ph, b + 12, 8);
	ph[8] = 0;
	ph[9] = 17;
	put16(ph + 10, PKT_LEN - 20);
	uint32_t s = 0;
	for (int i = 0; i < 12; i += 2)
		s += (uint32_t)(ph[i] << 8 | ph[i + 1]);
	put16(u + 6, csum(u, PKT_LEN - 20, s));
}

static struct mg_config bench_config(uint32_t max_flows)
{
	struct mg_config c;
	mg_config_defaults(&c);
	c.n_inside = 1;
	
	uint8_t in[4] = {198, 18, 0, 0}, mask[4] = {255, 254, 0, 0}, pub[4] = {198, 19, 255, 1};
	memcpy(&c.inside[0].addr, in, 4);
	memcpy(&c.inside[0].mask, mask, 4);
	/* inside is 198.18.0.0/15 minus nothing: the public side uses 198.19.255.x,
	 * which the /15 would include, so narrow it to 198.18.0.0/16 */
	uint8_t mask16[4] = {255, 255, 0, 0};
	memcpy(&c.inside[0].mask, mask16, 4);
	c.n_public = 1;
	memcpy(&c.public_addr[0], pub, 4);
	c.n_allow = 1;
	c.allow[0].proto = 0;
	c.allow_set = true;
	c.max_flows = max_flows;
	c.max_bindings = max_flows;
	return c;
}

static void bench_fast_path(void)
{
	struct mg_config c = bench_config(FLOWS * 2);
	char err[200];
	struct mg_engine *e = mg_engine_new(&c, 7, err, sizeof(err));
	if (!e) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	static uint8_t out_t[FLOWS][PKT_LEN], in_t[FLOWS][PKT_LEN];
	uint8_t pub[4] = {198, 19, 255, 1};
	for (int i = 0; i < FLOWS; i++) {
		uint8_t a[4] = {198, 18, (uint8_t)(i >> 8), (uint8_t)(i & 255)};
		uint8_t r[4] = {198, 19, 1, (uint8_t)(i & 127)};
		udp_pkt(out_t[i], a, 5000, r, 6000);
		uint8_t w[PKT_LEN];
		memcpy(w, out_t[i], PKT_LEN);
		struct mg_result res = mg_engine_process(e, w, PKT_LEN, MG_SIDE_INSIDE, 1);
		if (res.verdict != MG_VERDICT_ACCEPT) {
			fprintf(stderr, "bench: setup packet dropped (%u)\n", res.reason);
			exit(1);
		}
		uint16_t mapped = (uint16_t)(w[20] << 8 | w[21]);
		udp_pkt(in_t[i], r, 6000, pub, mapped);
	}
	uint8_t w[PKT_LEN];
	double best = 0;
	const long n = 4000000;
	for (int run = 0; run < 5; run++) {
		uint64_t ok = 0;
		double t0 = now_s();
		for (long k = 0; k < n; k++) {
			int i = (int)(k % FLOWS);
			int inbound = (int)((k / FLOWS) & 1);
			memcpy(w, inbound ? in_t[i] : out_t[i], PKT_LEN);
			struct mg_result res = mg_engine_process(e, w, PKT_LEN, inbound ? MG_SIDE_OUTSIDE : MG_SIDE_INSIDE,
								 2 + (uint64_t)(k >> 20));
			ok += res.verdict == MG_VERDICT_ACCEPT;
		}
		double dt = now_s() - t0;
		if (ok != (uint64_t)n) {
			fprintf(stderr, "bench: %llu of %ld packets dropped\n", (unsigned long long)(n - (long)ok), n);
			exit(1);
		}
		if (n / dt > best)
			best = n / dt;
	}
	printf("fast path (UDP, NAT both ways, %d flows): %.2f Mpps, %.1f ns/packet\n", FLOWS, best / 1e6,
	       1e9 / best);
	mg_engine_free(e);
}

static void bench_new_flows(void)
{
	const uint32_t nflows = 60000; /* one public address: at most 64512 ports */
	double best = 0;
	for (int run = 0; run < 3; run++) {
		struct mg_config c = bench_config(nflows);
		char err[200];
		struct mg_engine *e = mg_engine_new(&c, 9, err, sizeof(err));
		if (!e) {
			fprintf(stderr, "bench: %s\n", err);
			exit(1);
		}
		uint8_t w[PKT_LEN];
		uint8_t r[4] = {198, 19, 1, 1};
		double t0 = now_s();
		for (uint32_t i = 0; i < nflows; i++) {
			uint8_t a[4] = {198, 18, (uint8_t)(i >> 8 & 255), (uint8_t)(i & 255)};
			udp_pkt(w, a, (uint16_t)(1024 + (i >> 16)), r, 6000);
			struct mg_result res = mg_engine_process(e, w, PKT_LEN, MG_SIDE_INSIDE, 1);
			if (res.verdict != MG_VERDICT_ACCEPT) {
				fprintf(stderr, "bench: new flow %u dropped (%u)\n", i, res.reason);
				exit(1);
			}
		}
		double dt = now_s() - t0;
		if (nflows / dt > best)
			best = nflows / dt;
		mg_engine_free(e);
	}
	printf("new flows (UDP, NAT binding each, incl. building the packet): %.2f M flows/s\n", best / 1e6);
}

static void bench_memory(void)
{
	/* hash buckets: one 32-bit head per flow slot (rounded to a power of two) */
	printf("memory: %zu bytes per flow entry + 4 bytes of hash bucket; %zu bytes per NAT binding + 8 bytes of buckets\n",
	       sizeof(struct mg_flow), sizeof(struct mg_binding));
}

/* First TCP payload in `path` sent to/from `port` that starts a TPKT whose
 * body decodes with `pick`. */
static int find_msg(const char *path, int want_h245, uint8_t *out, size_t cap, size_t *len)
{
	char err[256];
	struct mg_pcap_reader *r = mg_pcap_open(path, err, sizeof(err));
	if (!r) {
		fprintf(stderr, "bench: %s\n", err);
		return -1;
	}
	static uint8_t buf[65536];
	struct mg_pcap_rec rec;
	int found = -1;
	while (found < 0 && mg_pcap_next(r, buf, sizeof(buf), &rec, err, sizeof(err)) == 1) {
		if (rec.family != 4 || buf[9] != 6)
			continue;
		size_t ihl = (size_t)(buf[0] & 15) * 4;
		size_t thl = (size_t)(buf[ihl + 12] >> 4) * 4;
		size_t total = (size_t)(buf[2] << 8 | buf[3]);
		if (total <= ihl + thl + 4 || total > rec.len)
			continue;
		const uint8_t *pay = buf + ihl + thl;
		size_t plen = total - ihl - thl;
		if (pay[0] != 3 || (size_t)(pay[2] << 8 | pay[3]) != plen || plen > cap)
			continue;
		struct mg_h323_scan s;
		mg_h323_scan_init(&s, pay, plen);
		if (want_h245) {
			if (mg_h245_scan_msg(&s, pay + 4, plen - 4, MG_C_H245) != MG_R_NONE || s.n_ev == 0 ||
			    s.ev[0].kind != MG_H245_OLC_ACK)
				continue;
		} else {
			if (mg_q931_scan(&s, pay + 4, plen - 4) != MG_R_NONE || s.body != MG_H225_SETUP ||
			    s.n_faststart < 4)
				continue;
		}
		memcpy(out, pay, plen);
		*len = plen;
		found = 0;
	}
	mg_pcap_close(r);
	return found;
}

static void bench_parsers(void)
{
	static uint8_t setup[4096], olcack[4096];
	size_t slen, olen;
	if (find_msg("tests/fixtures/plain-default-inside.pcap", 0, setup, sizeof(setup), &slen) < 0 ||
	    find_msg("tests/fixtures/plain-nofaststart-notunnel-inside.pcap", 1, olcack, sizeof(olcack), &olen) < 0) {
		printf("parsers: fixtures not found (run from the project root)\n");
		return;
	}
	static struct mg_h323_scan s;
	const uint8_t pub[6] = {198, 19, 0, 1, 0x13, 0x88};
	double best = 1e9;
	const int n = 200000;
	unsigned naddr = 0;
	for (int run = 0; run < 5; run++) {
		double t0 = now_s();
		for (int i = 0; i < n; i++) {
			mg_h323_scan_init(&s, setup, slen);
			mg_q931_scan(&s, setup + 4, slen - 4);
			struct mg_rw_msg m; /* rewritten as the ALG does */
			mg_rw_msg_init(&m, setup, (uint32_t)slen);
			for (unsigned k = 0; k < s.n_addr; k++)
				mg_rw_msg_put(&m, s.addr[k].off, pub, 6);
			naddr = s.n_addr;
		}
		double ns = (now_s() - t0) * 1e9 / n;
		if (ns < best)
			best = ns;
	}
	printf("Setup with %u fastStart OLCs (%zu bytes, %u addresses) decoded + rewritten: %.0f ns\n",
	       s.n_faststart, slen, naddr, best);
	best = 1e9;
	for (int run = 0; run < 5; run++) {
		double t0 = now_s();
		for (int i = 0; i < n; i++) {
			mg_h323_scan_init(&s, olcack, olen);
			mg_h245_scan_msg(&s, olcack + 4, olen - 4, MG_C_H245);
		}
		double ns = (now_s() - t0) * 1e9 / n;
		if (ns < best)
			best = ns;
	}
	printf("H.245 OpenLogicalChannelAck (%zu bytes, %u addresses) decoded: %.0f ns\n", olen, s.n_addr, best);
}

/* A TCP segment of n payload bytes (checksums right). */
static size_t tcp_seg(uint8_t *b, uint32_t seq, uint32_t ack, size_t n)
{
	memset(b, 0, 40 + n);
	b[0] = 0x45;
	put16(b + 2, (uint16_t)(40 + n));
	b[8] = 64;
	b[9] = 6;
	memcpy(b + 12, (const uint8_t[]){198, 18, 1, 10}, 4);
	memcpy(b + 16, (const uint8_t[]){198, 19, 0, 20}, 4);
	put16(b + 10, csum(b, 20, 0));
	uint8_t *t = b + 20;
	put16(t, 40000);
	put16(t + 2, 389);
	put16(t + 4, (uint16_t)(seq >> 16));
	put16(t + 6, (uint16_t)seq);
	put16(t + 8, (uint16_t)(ack >> 16));
	put16(t + 10, (uint16_t)ack);
	t[12] = 0x50;
	t[13] = 0x18;
	put16(t + 14, 65535);
	for (size_t i = 0; i < n; i++)
		t[20 + i] = (uint8_t)i;
	uint8_t ph[12];
	memcpy(ph, b + 12, 8);
	ph[8] = 0;
	ph[9] = 6;
	put16(ph + 10, (uint16_t)(20 + n));
	uint32_t s = 0;
	for (int i = 0; i < 12; i += 2)
		s += (uint32_t)(ph[i] << 8 | ph[i + 1]);
	put16(t + 16, csum(t, 20 + n, s));
	return 40 + n;
}

static void bench_seqadj(void)
{
	static struct mg_seqadj_dir d;
	static uint8_t tmpl[1500], pkt[1500], out[8 * 2048], scratch[4096];
	const uint8_t nb[10] = "1678227800";
	mg_seqadj_init(&d);
	for (uint32_t i = 0; i < MG_SEQADJ_EDITS; i++)
		mg_seqadj_add(&d, 1000 + i * 100, 9, nb, 8 + (i & 1) * 2);
	const int n = 1000000;
	double best_shift = 1e9, best_ack = 1e9, best_rebuild = 1e9;
	size_t len = tcp_seg(tmpl, 5000, 77, 200);
	for (int run = 0; run < 5; run++) {
		double t0 = now_s();
		for (int i = 0; i < n; i++) {
			memcpy(pkt, tmpl, len);
			struct mg_pkt p;
			mg_pkt_parse(&p, pkt, (uint32_t)len);
			mg_rw_tcp_seq(&p, &d);
		}
		double ns = (now_s() - t0) * 1e9 / n;
		best_shift = ns < best_shift ? ns : best_shift;
	}
	size_t alen = tcp_seg(tmpl, 77, 2555, 0);
	for (int run = 0; run < 5; run++) {
		double t0 = now_s();
		for (int i = 0; i < n; i++) {
			memcpy(pkt, tmpl, alen);
			struct mg_pkt p;
			mg_pkt_parse(&p, pkt, (uint32_t)alen);
			mg_rw_tcp_ack(&p, &d);
		}
		double ns = (now_s() - t0) * 1e9 / n;
		best_ack = ns < best_ack ? ns : best_ack;
	}
	size_t rlen = tcp_seg(tmpl, 1050, 77, 1400);
	uint32_t off[8], ln[8];
	int segs = 0;
	for (int run = 0; run < 5; run++) {
		double t0 = now_s();
		for (int i = 0; i < n / 10; i++) {
			struct mg_pkt p;
			mg_pkt_parse(&p, tmpl, (uint32_t)rlen);
			segs = mg_rw_tcp_rebuild(&p, &d, 1000, out, sizeof(out), off, ln, 8, scratch, sizeof(scratch));
		}
		double ns = (now_s() - t0) * 1e9 / (n / 10);
		best_rebuild = ns < best_rebuild ? ns : best_rebuild;
	}
	printf("seqadj: data segment shifted %.0f ns, ACK mapped back %.0f ns (parse included), "
	       "1400-byte segment with 2 edits rebuilt into %d segments %.0f ns\n",
	       best_shift, best_ack, segs, best_rebuild);
}

void bench_route(void); /* bench_route.c */
void bench_ras(void);   /* bench_ras.c */

int main(void)
{
	bench_fast_path();
	bench_new_flows();
	bench_memory();
	bench_parsers();
	bench_ras();
	bench_seqadj();
	bench_route();
	return 0;
}
