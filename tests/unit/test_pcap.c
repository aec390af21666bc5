/* test_pcap.c - capture reading (every link type), writing, and the IPv4
 * re-addressing replay uses. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/csum.h"
#include "io/pcap.h"
#include "harness.h"

/* ---- helpers ---- */

static void tmp_path(char *out, size_t n, const char *tag)
{
	snprintf(out, n, "/tmp/mg_test_pcap_%ld_%s.pcap", (long)getpid(), tag);
}

static uint16_t l4_csum(const uint8_t *ip, uint32_t len)
{
	uint32_t ihl = (uint32_t)(ip[0] & 0x0f) * 4u;
	uint32_t l4len = len - ihl;
	uint32_t s = mg_csum_add(0, ip + 12, 8);
	s += ip[9];
	s += l4len;
	return mg_csum_fold(mg_csum_add(s, ip + ihl, l4len));
}

/* A valid IPv4 TCP or UDP datagram from 198.18.<src3>.<src4>:sport to
 * 198.18.<dst3>.<dst4>:dport carrying `pay` bytes of payload.  Returns its
 * length. */
static uint32_t mk_v4(uint8_t *b, uint8_t proto, const uint8_t src[4], uint16_t sport,
		      const uint8_t dst[4], uint16_t dport, uint32_t pay)
{
	uint32_t l4h = proto == 6 ? 20u : 8u;
	uint32_t len = 20u + l4h + pay;

	memset(b, 0, len);
	b[0] = 0x45;
	mg_wr16(b + 2, (uint16_t)len);
	mg_wr16(b + 4, 0x1234);
	b[8] = 64;
	b[9] = proto;
	memcpy(b + 12, src, 4);
	memcpy(b + 16, dst, 4);
	mg_wr16(b + 10, mg_csum_fold(mg_csum_add(0, b, 20)));
	mg_wr16(b + 20, sport);
	mg_wr16(b + 22, dport);
	if (proto == 6) {
		b[32] = 0x50;
		b[33] = 0x18;
		mg_wr16(b + 34, 8192);
	} else {
		mg_wr16(b + 24, (uint16_t)(8u + pay));
	}
	for (uint32_t i = 0; i < pay; i++)
		b[20 + l4h + i] = (uint8_t)(i * 7 + 1);
	uint16_t cs = l4_csum(b, len);
	if (proto == 17 && cs == 0)
		cs = 0xffff;
	mg_wr16(b + 20 + (proto == 6 ? 16 : 6), cs);
	return len;
}

/* IPv6 UDP datagram between IPv4-mapped 198.18.0.x addresses. */
static uint32_t mk_v6(uint8_t *b, uint32_t pay)
{
	uint32_t len = 40u + 8u + pay;

	memset(b, 0, len);
	b[0] = 0x60;
	mg_wr16(b + 4, (uint16_t)(8u + pay));
	b[6] = 17;
	b[7] = 64;
	const uint8_t s[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 18, 0, 1};
	const uint8_t d[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 18, 0, 2};
	memcpy(b + 8, s, 16);
	memcpy(b + 24, d, 16);
	mg_wr16(b + 40, 5004);
	mg_wr16(b + 42, 5006);
	mg_wr16(b + 44, (uint16_t)(8u + pay));
	return len;
}

static const uint8_t A1[4] = {198, 18, 1, 10};
static const uint8_t B1[4] = {198, 19, 0, 20};
static const uint8_t MAC_A[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t MAC_B[6] = {0x02, 0, 0, 0, 0, 0x0b};

static void dump(pcap_dumper_t *d, const uint8_t *frame, uint32_t caplen, uint32_t len,
		 long sec, long usec)
{
	struct pcap_pkthdr h;
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = sec;
	h.ts.tv_usec = usec;
	h.caplen = caplen;
	h.len = len;
	pcap_dump((u_char *)d, &h, frame);
}

struct dfile {
	pcap_t *dead;
	pcap_dumper_t *d;
};

static int dfile_open(struct dfile *f, int dlt, const char *path)
{
	f->dead = pcap_open_dead(dlt, 65535);
	if (f->dead == NULL)
		return -1;
	f->d = pcap_dump_open(f->dead, path);
	return f->d ? 0 : -1;
}

static void dfile_close(struct dfile *f)
{
	pcap_dump_close(f->d);
	pcap_close(f->dead);
}

/* Ethernet frame with optional VLAN tag around `l3`; padded to 60 bytes
 * like a real NIC does. */
static uint32_t mk_eth(uint8_t *fr, const uint8_t src[6], uint16_t et, bool vlan,
		       const uint8_t *l3, uint32_t len)
{
	uint32_t off = 0;
	memset(fr, 0xee, 6);
	memcpy(fr + 6, src, 6);
	off = 12;
	if (vlan) {
		mg_wr16(fr + off, 0x8100);
		mg_wr16(fr + off + 2, 42);
		off += 4;
	}
	mg_wr16(fr + off, et);
	off += 2;
	memcpy(fr + off, l3, len);
	off += len;
	while (off < 60)
		fr[off++] = 0;
	return off;
}

/* ---- writer and reader ---- */

TEST(pcap_write_read_roundtrip)
{
	char path[128], err[256];
	uint8_t pk[3][200], buf[MG_PCAP_MAX_L3];
	uint32_t len[3];
	struct mg_pcap_rec rec;

	tmp_path(path, sizeof(path), "rt");
	len[0] = mk_v4(pk[0], 17, A1, 5000, B1, 5002, 12);
	len[1] = mk_v4(pk[1], 6, B1, 1720, A1, 12030, 0);
	len[2] = mk_v6(pk[2], 4);

	struct mg_pcap_writer *w = mg_pcap_create(path, err, sizeof(err));
	CHECK(w != NULL);
	CHECK_EQ(mg_pcap_write(w, pk[0], len[0], 1700000000123ull), 0);
	CHECK_EQ(mg_pcap_write(w, pk[1], len[1], 1700000000124ull), 0);
	CHECK_EQ(mg_pcap_write(w, pk[2], len[2], 1700000001999ull), 0);
	CHECK_EQ(mg_pcap_written(w), 3);
	CHECK_EQ(mg_pcap_finish(w, err, sizeof(err)), 0);

	struct mg_pcap_reader *r = mg_pcap_open(path, err, sizeof(err));
	CHECK(r != NULL);
	CHECK_EQ(mg_pcap_dlt(r), DLT_RAW);
	const uint64_t want_ts[3] = {1700000000123ull, 1700000000124ull, 1700000001999ull};
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(mg_pcap_next(r, buf, sizeof(buf), &rec, err, sizeof(err)), 1);
		CHECK_EQ(rec.len, len[i]);
		CHECK(rec.l3 == buf);
		CHECK(memcmp(buf, pk[i], len[i]) == 0);
		CHECK_EQ(rec.ts_ms, want_ts[i]);
		CHECK_EQ(rec.family, i == 2 ? 6 : 4);
		CHECK(!rec.has_mac);
		CHECK_EQ(rec.index, (uint64_t)i + 1);
	}
	CHECK_EQ(mg_pcap_next(r, buf, sizeof(buf), &rec, err, sizeof(err)), 0);
	const struct mg_pcap_counts *c = mg_pcap_counts(r);
	CHECK_EQ(c->records, 3);
	CHECK_EQ(c->ipv4, 2);
	CHECK_EQ(c->ipv6, 1);
	CHECK_EQ(c->non_ip + c->truncated + c->malformed, 0);
	mg_pcap_close(r);
	unlink(path);
}

TEST(pcap_ethernet_vlan_padding_arp_truncated)
{
	char path[128], err[256];
	uint8_t ip[200], fr[300], buf[MG_PCAP_MAX_L3];
	struct dfile f;
	struct mg_pcap_rec rec;

	tmp_path(path, sizeof(path), "eth");
	CHECK_EQ(dfile_open(&f, DLT_EN10MB, path), 0);
	/* 1: TCP ACK of 40 bytes, padded to 60 on the wire */
	uint32_t l1 = mk_v4(ip, 6, A1, 12030, B1, 1720, 0);
	uint32_t n = mk_eth(fr, MAC_A, 0x0800, false, ip, l1);
	CHECK_EQ(n, 60);
	dump(f.d, fr, n, n, 100, 5000);
	/* 2: ARP */
	uint8_t arp[28] = {0, 1, 8, 0, 6, 4, 0, 1};
	n = mk_eth(fr, MAC_B, 0x0806, false, arp, sizeof(arp));
	dump(f.d, fr, n, n, 100, 6000);
	/* 3: VLAN-tagged UDP */
	uint32_t l3 = mk_v4(ip, 17, B1, 5002, A1, 5000, 100);
	n = mk_eth(fr, MAC_B, 0x0800, true, ip, l3);
	dump(f.d, fr, n, n, 101, 999);
	/* 4: cut by the snap length */
	dump(f.d, fr, 50, n, 102, 0);
	/* 5: IPv6 */
	uint32_t l5 = mk_v6(ip, 30);
	n = mk_eth(fr, MAC_A, 0x86dd, false, ip, l5);
	dump(f.d, fr, n, n, 103, 0);
	/* 6: Ethernet header cut short */
	dump(f.d, fr, 10, 10, 104, 0);
	dfile_close(&f);

	struct mg_pcap_reader *r = mg_pcap_open(path, err, sizeof(err));
	CHECK(r != NULL);
	CHECK_EQ(mg_pcap_next(r, buf, sizeof(buf), &rec, err, sizeof(err)), 1);
	CHECK_EQ(rec.len, l1); /* the padding is gone */
	CHECK_EQ(rec.ts_ms, 100005);
	CHECK(rec.has_mac);
	CHECK(memcmp(rec.src_mac, MAC_A, 6) == 0);
	CHECK_EQ(rec.index, 1);

	CHECK_EQ(mg_pcap_next(r, buf, sizeof(buf), &rec, err, sizeof(err)), 1);
	CHECK_EQ(rec.len, l3);
	CHECK_EQ(rec.family, 4);
	CHECK(memcmp(rec.src_mac, MAC_B, 6) == 0);
	CHECK_EQ(rec.ts_ms, 101000);
	CHECK_EQ(rec.index, 3);
	mk_v4(ip, 17, B1, 5002, A1, 5000, 100);
	CHECK(memcmp(buf, ip, l3) == 0);

	CHECK_EQ(mg_pcap_next(r, buf, sizeof(buf), &rec, err, sizeof(err)), 1);
	CHECK_EQ(rec.family, 6);
	CHECK_EQ(rec.len, l5);
	CHECK_EQ(rec.index, 5);

	CHECK_EQ(mg_pcap_next(r, buf, sizeof(buf), &rec, err, sizeof(err)), 0);
	const struct mg_pcap_counts *c = mg_pcap_counts(r);
	CHECK_EQ(c->records, 6);
	CHECK_EQ(c->ipv4, 2);
	CHECK_EQ(c->ipv6, 1);
	CHECK_EQ(c->non_ip, 1);
	CHECK_EQ(c->truncated, 1);
	CHECK_EQ(c->malformed, 1);
	mg_pcap_close(r);
	unlink(path);
}

/* One IPv4 datagram behind a Linux cooked header, v1 or v2. */
static void sll_case(int dlt, const char *tag)
{
	char path[128], err[256];
	uint8_t ip[200], fr[300], buf[MG_PCAP_MAX_L3];
	struct dfile f;
	struct mg_pcap_rec rec;
	uint32_t l = mk_v4(ip, 17, A1, 5000, B1, 5002, 20);
	uint32_t hl;

	memset(fr, 0, sizeof(fr));
	if (dlt == DLT_LINUX_SLL) {
		mg_wr16(fr + 0, 4);  /* sent by us */
		mg_wr16(fr + 2, 1);  /* ARPHRD_ETHER */
		mg_wr16(fr + 4, 6);
		memcpy(fr + 6, MAC_A, 6);
		mg_wr16(fr + 14, 0x0800);
		hl = 16;
	} else {
		mg_wr16(fr + 0, 0x0800);
		fr[7] = 3; /* ifindex */
		mg_wr16(fr + 8, 1);
		fr[10] = 0;
		fr[11] = 6;
		memcpy(fr + 12, MAC_A, 6);
		hl = 20;
	}
	memcpy(fr + hl, ip, l);
	tmp_path(path, sizeof(path), tag);
	CHECK_EQ(dfile_open(&f, dlt, path), 0);
	dump(f.d, fr, hl + l, hl + l, 7, 1000);
	dump(f.d, fr, hl - 1, hl - 1, 7, 2000);
	fr[hl - (dlt == DLT_LINUX_SLL ? 2 : 20)] = 0x08; /* protocol 0x0806: ARP */
	fr[hl - (dlt == DLT_LINUX_SLL ? 1 : 19)] = 0x06;
	dump(f.d, fr, hl + 28, hl + 28, 7, 3000);
	dfile_close(&f);

	struct mg_pcap_reader *r = mg_pcap_open(path, err, sizeof(err));
	CHECK(r != NULL);
	CHECK_EQ(mg_pcap_dlt(r), dlt);
	CHECK_EQ(mg_pcap_next(r, buf, sizeof(buf), &rec, err, sizeof(err)), 1);
	CHECK_EQ(rec.len, l);
	CHECK(memcmp(buf, ip, l) == 0);
	CHECK(rec.has_mac);
	CHECK(memcmp(rec.src_mac, MAC_A, 6) == 0);
	CHECK_EQ(rec.ts_ms, 7001);
	CHECK_EQ(mg_pcap_next(r, buf, sizeof(buf), &rec, err, sizeof(err)), 0);
	CHECK_EQ(mg_pcap_counts(r)->malformed, 1);
	CHECK_EQ(mg_pcap_counts(r)->non_ip, 1);
	mg_pcap_close(r);
	unlink(path);
}

TEST(pcap_linux_sll)
{
	sll_case(DLT_LINUX_SLL, "sll");
}

TEST(pcap_linux_sll2)
{
	sll_case(DLT_LINUX_SLL2, "sll2");
}

/* Raw link types: 228 takes only IPv4, 229 only IPv6, RAW both. */
TEST(pcap_raw_ipv4_ipv6_linktypes)
{
	const int dlts[3] = {DLT_IPV4, DLT_IPV6, DLT_RAW};
	char path[128], err[256];
	uint8_t v4[200], v6[200], buf[MG_PCAP_MAX_L3];
	uint32_t l4 = mk_v4(v4, 6, A1, 12030, B1, 1720, 3);
	uint32_t l6 = mk_v6(v6, 3);
	uint8_t junk[8] = {0x20, 1, 2, 3, 4, 5, 6, 7};

	for (int i = 0; i < 3; i++) {
		struct dfile f;
		struct mg_pcap_rec rec;
		tmp_path(path, sizeof(path), "raw");
		CHECK_EQ(dfile_open(&f, dlts[i], path), 0);
		dump(f.d, v4, l4, l4, 1, 0);
		dump(f.d, v6, l6, l6, 2, 0);
		dump(f.d, junk, sizeof(junk), sizeof(junk), 3, 0);
		dfile_close(&f);

		struct mg_pcap_reader *r = mg_pcap_open(path, err, sizeof(err));
		CHECK(r != NULL);
		int got = 0;
		while (mg_pcap_next(r, buf, sizeof(buf), &rec, err, sizeof(err)) == 1) {
			got++;
			if (rec.family == 4)
				CHECK(rec.len == l4 && memcmp(buf, v4, l4) == 0);
			else
				CHECK(rec.len == l6 && memcmp(buf, v6, l6) == 0);
		}
		const struct mg_pcap_counts *c = mg_pcap_counts(r);
		CHECK_EQ(c->records, 3);
		if (dlts[i] == DLT_RAW) {
			CHECK_EQ(got, 2);
			CHECK_EQ(c->non_ip, 1);
		} else {
			CHECK_EQ(got, 1);
			CHECK_EQ(dlts[i] == DLT_IPV4 ? c->ipv4 : c->ipv6, 1);
			CHECK_EQ(c->malformed, 2);
		}
		mg_pcap_close(r);
		unlink(path);
	}
}

TEST(pcap_unknown_linktype_named)
{
	char path[128], err[256];
	struct dfile f;

	tmp_path(path, sizeof(path), "wifi");
	CHECK_EQ(dfile_open(&f, DLT_IEEE802_11, path), 0);
	dfile_close(&f);
	err[0] = '\0';
	CHECK(mg_pcap_open(path, err, sizeof(err)) == NULL);
	CHECK(strstr(err, path) != NULL);
	CHECK(strstr(err, "IEEE802_11") != NULL);
	CHECK(strstr(err, "(105)") != NULL);
	unlink(path);
}

TEST(pcap_missing_and_cut_files)
{
	char path[128], err[256];
	uint8_t ip[200], buf[MG_PCAP_MAX_L3];
	struct mg_pcap_rec rec;

	tmp_path(path, sizeof(path), "absent");
	unlink(path);
	err[0] = '\0';
	CHECK(mg_pcap_open(path, err, sizeof(err)) == NULL);
	CHECK(strstr(err, path) != NULL);

	/* a file cut inside its second record is a read error, not EOF */
	tmp_path(path, sizeof(path), "cut");
	struct mg_pcap_writer *w = mg_pcap_create(path, err, sizeof(err));
	CHECK(w != NULL);
	uint32_t l = mk_v4(ip, 17, A1, 5000, B1, 5002, 100);
	mg_pcap_write(w, ip, l, 1000);
	mg_pcap_write(w, ip, l, 2000);
	CHECK_EQ(mg_pcap_finish(w, err, sizeof(err)), 0);
	CHECK_EQ(truncate(path, (off_t)(24 + 16 + l + 16 + 10)), 0);
	struct mg_pcap_reader *r = mg_pcap_open(path, err, sizeof(err));
	CHECK(r != NULL);
	CHECK_EQ(mg_pcap_next(r, buf, sizeof(buf), &rec, err, sizeof(err)), 1);
	err[0] = '\0';
	CHECK_EQ(mg_pcap_next(r, buf, sizeof(buf), &rec, err, sizeof(err)), -1);
	CHECK(strstr(err, path) != NULL);
	mg_pcap_close(r);
	unlink(path);

	CHECK(mg_pcap_create("/nonexistent-dir/x.pcap", err, sizeof(err)) == NULL);
	CHECK(strstr(err, "/nonexistent-dir/x.pcap") != NULL);
}

/* Every prefix of a valid frame, placed against a guard page, decodes or
 * fails cleanly; only the complete frame gives the datagram. */
TEST(pcap_link_decode_prefixes_guarded)
{
	const int dlts[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4};
	uint8_t ip[100], fr[200];
	uint32_t l = mk_v4(ip, 17, A1, 5000, B1, 5002, 4);

	for (unsigned i = 0; i < sizeof(dlts) / sizeof(dlts[0]); i++) {
		uint32_t hl = dlts[i] == DLT_EN10MB	  ? 14
			      : dlts[i] == DLT_LINUX_SLL  ? 16
			      : dlts[i] == DLT_LINUX_SLL2 ? 20
							  : 0;
		memset(fr, 0, hl);
		if (dlts[i] == DLT_EN10MB)
			mg_wr16(fr + 12, 0x0800);
		else if (dlts[i] == DLT_LINUX_SLL)
			mg_wr16(fr + 14, 0x0800);
		else if (dlts[i] == DLT_LINUX_SLL2)
			mg_wr16(fr + 0, 0x0800);
		memcpy(fr + hl, ip, l);
		for (uint32_t n = 0; n <= hl + l; n++) {
			uint8_t *g = t_guarded(fr, n);
			struct mg_pcap_frame f;
			int rc = mg_pcap_link_decode(dlts[i], g, n, &f);
			if (n < hl + 4)
				CHECK_EQ(rc, -1);
			else {
				CHECK_EQ(rc, 0);
				CHECK_EQ(f.family, 4);
				CHECK_EQ(f.l3off, hl);
				CHECK(f.l3off + f.l3len <= n);
				if (n == hl + l)
					CHECK_EQ(f.l3len, l);
			}
			t_guarded_free(g, n);
		}
	}
	struct mg_pcap_frame f;
	CHECK_EQ(mg_pcap_link_decode(DLT_IEEE802_11, fr, 100, &f), -1);
	CHECK(!mg_pcap_link_supported(DLT_IEEE802_11));
	CHECK(mg_pcap_link_supported(DLT_LINUX_SLL2));
}

/* ---- retargeting ---- */

TEST(pcap_retarget_udp_tcp_checksums)
{
	uint8_t b[200];
	const uint8_t pub[4] = {198, 19, 0, 1};
	uint32_t pub_be;
	struct mg_pcap_v4 v;

	memcpy(&pub_be, pub, 4);
	for (int proto = 6; proto <= 17; proto += 11) {
		uint32_t l = mk_v4(b, (uint8_t)proto, B1, 58901, A1, 5000, 33);
		uint8_t *g = t_guarded(b, l);
		CHECK_EQ(mg_pcap_v4_peek(g, l, &v), 0);
		CHECK(v.has_ports);
		CHECK_EQ(v.dport, 5000);
		CHECK_EQ(v.sport, 58901);
		CHECK_EQ(v.proto, proto);
		CHECK(memcmp(&v.dst, A1, 4) == 0);
		CHECK(mg_pcap_v4_retarget(g, l, &v, pub_be, 40000));
		CHECK(memcmp(g + 16, pub, 4) == 0);
		CHECK_EQ(mg_rd16(g + 22), 40000);
		CHECK_EQ(mg_csum_fold(mg_csum_add(0, g, 20)), 0);
		/* the stored L4 checksum equals a fresh computation */
		uint32_t coff = 20u + (proto == 6 ? 16u : 6u);
		uint16_t stored = mg_rd16(g + coff);
		mg_wr16(g + coff, 0);
		uint16_t fresh = l4_csum(g, l);
		if (proto == 17 && fresh == 0)
			fresh = 0xffff;
		CHECK_EQ(stored, fresh);
		/* same address and port again: nothing to do */
		mg_wr16(g + coff, stored);
		CHECK_EQ(mg_pcap_v4_peek(g, l, &v), 0);
		CHECK(!mg_pcap_v4_retarget(g, l, &v, pub_be, 40000));
		t_guarded_free(g, l);
	}
}

TEST(pcap_retarget_udp_zero_csum_and_fragments)
{
	uint8_t b[200], before[200];
	const uint8_t pub[4] = {198, 19, 0, 1};
	uint32_t pub_be;
	struct mg_pcap_v4 v;

	memcpy(&pub_be, pub, 4);
	uint32_t l = mk_v4(b, 17, B1, 58901, A1, 5000, 10);
	mg_wr16(b + 26, 0);
	CHECK_EQ(mg_pcap_v4_peek(b, l, &v), 0);
	CHECK(mg_pcap_v4_retarget(b, l, &v, pub_be, 5000));
	CHECK_EQ(mg_rd16(b + 26), 0);
	CHECK_EQ(mg_csum_fold(mg_csum_add(0, b, 20)), 0);

	/* a later fragment: only the IP header changes, bytes past it never */
	l = mk_v4(b, 17, B1, 58901, A1, 5000, 40);
	mg_wr16(b + 6, 0x0003);
	mg_wr16(b + 10, 0);
	mg_wr16(b + 10, mg_csum_fold(mg_csum_add(0, b, 20)));
	memcpy(before, b, l);
	CHECK_EQ(mg_pcap_v4_peek(b, l, &v), 0);
	CHECK(v.later_frag);
	CHECK(!v.has_ports);
	CHECK(mg_pcap_v4_retarget(b, l, &v, pub_be, 1));
	CHECK(memcmp(b + 20, before + 20, l - 20) == 0);
	CHECK_EQ(mg_csum_fold(mg_csum_add(0, b, 20)), 0);

	/* UDP header cut: addressing still read, ports not */
	l = mk_v4(b, 17, B1, 58901, A1, 5000, 0);
	CHECK_EQ(mg_pcap_v4_peek(b, 26, &v), 0);
	CHECK(!v.has_ports);
	/* not IPv4 / IHL past the end */
	b[0] = 0x65;
	CHECK_EQ(mg_pcap_v4_peek(b, l, &v), -1);
	b[0] = 0x4f;
	CHECK_EQ(mg_pcap_v4_peek(b, 40, &v), -1);
	for (uint32_t n = 0; n < 20; n++) {
		uint8_t *g = t_guarded(b, n);
		CHECK_EQ(mg_pcap_v4_peek(g, n, &v), -1);
		t_guarded_free(g, n);
	}
}
