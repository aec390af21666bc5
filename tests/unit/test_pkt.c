/* test_pkt.c - mg_pkt_parse: every accept and drop path, truncations on
 * guard pages, IPv6 extension chains, ICMP error quotes.
 *
 * Packets are built by the small builders below.  IPv4 addresses come from
 * 198.18.0.0/15; IPv6 ones from the benchmarking prefix 2001:2::/48 with a
 * 198.18.x.x suffix.  Addresses outside those (multicast, loopback) appear
 * only as source bytes the parser must refuse.
 */
#include <stdbool.h>
#include <string.h>

#include "core/csum.h"
#include "core/pkt.h"
#include "harness.h"

static const uint8_t A1[4] = {198, 18, 0, 1};
static const uint8_t A2[4] = {198, 19, 0, 2};
static const uint8_t A3[4] = {198, 18, 7, 9};
static const uint8_t S1[16] = {0x20, 0x01, 0x00, 0x02, [12] = 198, 18, 0, 1};
static const uint8_t S2[16] = {0x20, 0x01, 0x00, 0x02, [12] = 198, 19, 0, 2};

/* ---- builders ------------------------------------------------------- */

static void ip4_fix_csum(uint8_t *h)
{
	unsigned ihl = (h[0] & 0x0fu) * 4u;
	h[10] = h[11] = 0;
	mg_wr16(h + 10, mg_csum_fold(mg_csum_add(0, h, ihl)));
}

/* IPv4 header (+ options, padded by the caller to a multiple of 4) + l4;
 * flags/offset word ff; returns the datagram length. */
static uint32_t ip4(uint8_t *out, uint8_t proto, const uint8_t *src, const uint8_t *dst,
		    const uint8_t *opt, uint32_t optlen, uint16_t ff, const uint8_t *l4, uint32_t l4len)
{
	uint32_t ihl = 20 + optlen;
	memset(out, 0, ihl);
	out[0] = (uint8_t)(0x40 | (ihl / 4));
	mg_wr16(out + 2, (uint16_t)(ihl + l4len));
	mg_wr16(out + 4, 0x4d47);
	mg_wr16(out + 6, ff);
	out[8] = 64;
	out[9] = proto;
	memcpy(out + 12, src, 4);
	memcpy(out + 16, dst, 4);
	if (optlen)
		memcpy(out + 20, opt, optlen);
	ip4_fix_csum(out);
	if (l4len)
		memcpy(out + ihl, l4, l4len);
	return ihl + l4len;
}

static uint32_t tcp(uint8_t *out, uint16_t sp, uint16_t dp, uint32_t seq, uint32_t ack,
		    uint8_t flags, const uint8_t *opt, uint32_t optlen, uint32_t paylen)
{
	uint32_t doff = 20 + optlen;
	memset(out, 0, doff + paylen);
	mg_wr16(out, sp);
	mg_wr16(out + 2, dp);
	mg_wr16(out + 4, (uint16_t)(seq >> 16));
	mg_wr16(out + 6, (uint16_t)seq);
	mg_wr16(out + 8, (uint16_t)(ack >> 16));
	mg_wr16(out + 10, (uint16_t)ack);
	out[12] = (uint8_t)((doff / 4) << 4);
	out[13] = flags;
	mg_wr16(out + 14, 29200);
	if (optlen)
		memcpy(out + 20, opt, optlen);
	for (uint32_t i = 0; i < paylen; i++)
		out[doff + i] = (uint8_t)('a' + i % 26);
	return doff + paylen;
}

static uint32_t udp(uint8_t *out, uint16_t sp, uint16_t dp, uint32_t paylen)
{
	mg_wr16(out, sp);
	mg_wr16(out + 2, dp);
	mg_wr16(out + 4, (uint16_t)(8 + paylen));
	mg_wr16(out + 6, 0);
	for (uint32_t i = 0; i < paylen; i++)
		out[8 + i] = (uint8_t)i;
	return 8 + paylen;
}

/* ICMP/ICMPv6 header with the 4-byte "rest" word, then a quote. */
static uint32_t icmp(uint8_t *out, uint8_t type, uint8_t code, uint32_t rest,
		     const uint8_t *quote, uint32_t qlen)
{
	out[0] = type;
	out[1] = code;
	out[2] = out[3] = 0;
	mg_wr16(out + 4, (uint16_t)(rest >> 16));
	mg_wr16(out + 6, (uint16_t)rest);
	if (qlen)
		memcpy(out + 8, quote, qlen);
	return 8 + qlen;
}

static uint32_t ip6(uint8_t *out, uint8_t nh, const uint8_t *src, const uint8_t *dst,
		    const uint8_t *pl, uint32_t plen)
{
	memset(out, 0, 40);
	out[0] = 0x60;
	mg_wr16(out + 4, (uint16_t)plen);
	out[6] = nh;
	out[7] = 64;
	memcpy(out + 8, src, 16);
	memcpy(out + 24, dst, 16);
	if (plen)
		memcpy(out + 40, pl, plen);
	return 40 + plen;
}

/* Generic 8-byte extension header (hop-by-hop, dest opts, routing): next
 * header, length 0, PadN over the 6 option bytes (or routing type/segleft). */
static uint32_t ext8(uint8_t *out, uint8_t next)
{
	static const uint8_t padn[6] = {1, 4, 0, 0, 0, 0};
	out[0] = next;
	out[1] = 0;
	memcpy(out + 2, padn, 6);
	return 8;
}

static uint32_t frag6(uint8_t *out, uint8_t next, uint16_t off_bytes, bool more, uint32_t id)
{
	out[0] = next;
	out[1] = 0;
	mg_wr16(out + 2, (uint16_t)(off_bytes | (more ? 1 : 0)));
	mg_wr16(out + 4, (uint16_t)(id >> 16));
	mg_wr16(out + 6, (uint16_t)id);
	return 8;
}

/* ---- parse on a guard page and check what must always hold --------- */

static bool tail_zero(const union mg_addr *a, unsigned from)
{
	for (unsigned i = from; i < 16; i++)
		if (a->b[i] != 0)
			return false;
	return true;
}

/* Properties of every accepted descriptor; false breaks the test. */
static bool invariants(const struct mg_pkt *p, uint32_t inlen)
{
	if (p->len > inlen || p->payoff > p->len || p->paylen > p->len - p->payoff)
		return false;
	if (p->t.pad[0] || p->t.pad[1] || p->inner.pad[0] || p->inner.pad[1])
		return false;
	if (p->frag != MG_FRAG_NONE && (p->frag_data > p->len || p->frag_data < 20))
		return false;
	if (p->frag == MG_FRAG_LATER) {
		if (p->l4off || p->l4len || p->t.sport || p->t.dport)
			return false;
	} else if (p->l4off == 0 || (uint32_t)p->l4off + p->l4len > p->payoff) {
		return false;
	}
	if (p->family == MG_AF_INET && (!tail_zero(&p->t.src, 4) || !tail_zero(&p->t.dst, 4)))
		return false;
	if (p->family != p->t.family || p->proto != p->t.proto)
		return false;
	if (p->icmp_error) {
		if (p->inner_l3off < p->l4off + 8u || p->inner_l4off <= p->inner_l3off)
			return false;
		if ((uint32_t)p->inner_l3off + p->inner_len != p->len)
			return false;
		if ((uint32_t)p->inner_l4off + 8u > p->len)
			return false;
		if (p->t.sport || p->t.dport)
			return false;
	}
	return true;
}

/* Parse `len` bytes placed right before a guard page.  A broken invariant
 * on an accepted packet comes back as MG_R__COUNT so CHECK_EQ catches it. */
static enum mg_reason run(struct mg_pkt *p, const uint8_t *pkt, uint32_t len)
{
	uint8_t *g = t_guarded(pkt, len);
	memset(p, 0xa5, sizeof *p); /* the parser must clear everything */
	enum mg_reason r = mg_pkt_parse(p, g, len);
	bool same_l3 = p->l3 == g;
	t_guarded_free(g, len);
	p->l3 = NULL;
	if (!same_l3)
		return MG_R__COUNT;
	if (r == MG_R_NONE && !invariants(p, len))
		return MG_R__COUNT;
	return r;
}

static const uint8_t syn_opts[] = {
	2, 4, 0x05, 0xb4,             /* MSS 1460 */
	4, 2,                         /* SACK permitted */
	8, 10, 0, 0, 0, 1, 0, 0, 0, 0, /* timestamps */
	1,                            /* NOP */
	3, 3, 7,                      /* window scale 7 */
};

static uint32_t build_syn(uint8_t *out, uint16_t ff)
{
	uint8_t l4[64];
	uint32_t n = tcp(l4, 40000, 1720, 0x11223344, 0, MG_TH_SYN, syn_opts, sizeof syn_opts, 0);
	return ip4(out, MG_PROTO_TCP, A1, A2, NULL, 0, ff, l4, n);
}

/* ---- IPv4 ----------------------------------------------------------- */

TEST(pkt_udp4_accept)
{
	uint8_t l4[64], b[128];
	struct mg_pkt p;
	uint32_t n = ip4(b, MG_PROTO_UDP, A1, A2, NULL, 0, 0, l4, udp(l4, 5004, 6000, 12));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.len, 40);
	CHECK_EQ(p.family, MG_AF_INET);
	CHECK_EQ(p.proto, MG_PROTO_UDP);
	CHECK_EQ(p.frag, MG_FRAG_NONE);
	CHECK_EQ(p.l4off, 20);
	CHECK_EQ(p.l4len, 8);
	CHECK_EQ(p.payoff, 28);
	CHECK_EQ(p.paylen, 12);
	CHECK_EQ(p.t.sport, 5004);
	CHECK_EQ(p.t.dport, 6000);
	CHECK_EQ(p.t.proto, MG_PROTO_UDP);
	CHECK_EQ(p.t.family, MG_AF_INET);
	CHECK(memcmp(p.t.src.b, A1, 4) == 0);
	CHECK(memcmp(p.t.dst.b, A2, 4) == 0);
	CHECK(tail_zero(&p.t.src, 4) && tail_zero(&p.t.dst, 4));
	CHECK_EQ(p.wscale, 0xff);
	CHECK(!p.icmp_error);
	CHECK_EQ(p.inner.family, 0);
	CHECK(tail_zero(&p.inner.src, 0));
}

TEST(pkt_tcp_syn_options)
{
	uint8_t b[128];
	struct mg_pkt p;
	uint32_t n = build_syn(b, 0x4000); /* DF set: not a fragment */
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.frag, MG_FRAG_NONE);
	CHECK_EQ(p.proto, MG_PROTO_TCP);
	CHECK_EQ(p.l4len, 40);
	CHECK_EQ(p.payoff, 60);
	CHECK_EQ(p.paylen, 0);
	CHECK_EQ(p.t.sport, 40000);
	CHECK_EQ(p.t.dport, 1720);
	CHECK_EQ(p.seq, 0x11223344u);
	CHECK_EQ(p.ack, 0);
	CHECK_EQ(p.win, 29200);
	CHECK_EQ(p.tcp_flags, MG_TH_SYN);
	CHECK_EQ(p.wscale, 7);
}

TEST(pkt_tcp_wscale_cap_absent_nonsyn)
{
	uint8_t l4[80], b[128];
	struct mg_pkt p;
	static const uint8_t ws20[] = {3, 3, 20, 0};
	uint32_t n = ip4(b, MG_PROTO_TCP, A1, A2, NULL, 0, 0, l4,
			 tcp(l4, 1, 2, 5, 0, MG_TH_SYN, ws20, sizeof ws20, 0));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.wscale, 14);
	/* SYN without the option */
	n = ip4(b, MG_PROTO_TCP, A1, A2, NULL, 0, 0, l4, tcp(l4, 1, 2, 5, 0, MG_TH_SYN, NULL, 0, 0));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.wscale, 0xff);
	/* the option on a non-SYN segment does not count */
	n = ip4(b, MG_PROTO_TCP, A1, A2, NULL, 0, 0, l4,
		tcp(l4, 1, 2, 5, 9, MG_TH_ACK, ws20, sizeof ws20, 3));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.wscale, 0xff);
	CHECK_EQ(p.ack, 9);
	CHECK_EQ(p.paylen, 3);
	CHECK_EQ(p.payoff, 20 + 24);
	/* SYN+ACK keeps it; ECE/CWR are not part of tcp_flags */
	n = ip4(b, MG_PROTO_TCP, A1, A2, NULL, 0, 0, l4,
		tcp(l4, 1, 2, 5, 9, MG_TH_SYN | MG_TH_ACK | 0xc0, ws20, sizeof ws20, 0));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.tcp_flags, MG_TH_SYN | MG_TH_ACK);
	CHECK_EQ(p.wscale, 14);
}

TEST(pkt_tcp_bad_flags)
{
	static const uint8_t bad[] = {MG_TH_SYN | MG_TH_FIN, MG_TH_SYN | MG_TH_RST, 0, 0xc0,
				      MG_TH_SYN | MG_TH_FIN | MG_TH_ACK};
	uint8_t l4[64], b[128];
	struct mg_pkt p;
	for (unsigned i = 0; i < sizeof bad; i++) {
		uint32_t n = ip4(b, MG_PROTO_TCP, A1, A2, NULL, 0, 0, l4,
				 tcp(l4, 1000, 80, 1, 0, bad[i], NULL, 0, 0));
		CHECK_EQ(run(&p, b, n), MG_R_PKT_BAD_TCP_FLAGS);
	}
	/* plausible sets pass */
	static const uint8_t good[] = {MG_TH_ACK, MG_TH_RST, MG_TH_FIN | MG_TH_ACK, MG_TH_URG,
				       MG_TH_PSH | MG_TH_ACK};
	for (unsigned i = 0; i < sizeof good; i++) {
		uint32_t n = ip4(b, MG_PROTO_TCP, A1, A2, NULL, 0, 0, l4,
				 tcp(l4, 1000, 80, 1, 0, good[i], NULL, 0, 0));
		CHECK_EQ(run(&p, b, n), MG_R_NONE);
		CHECK_EQ(p.tcp_flags, good[i]);
	}
}

TEST(pkt_tcp_bad_header)
{
	uint8_t l4[80], b[128];
	struct mg_pkt p;
	uint32_t l = tcp(l4, 1000, 80, 1, 0, MG_TH_ACK, NULL, 0, 8);
	l4[12] = 4 << 4; /* data offset 16 bytes */
	uint32_t n = ip4(b, MG_PROTO_TCP, A1, A2, NULL, 0, 0, l4, l);
	CHECK_EQ(run(&p, b, n), MG_R_PKT_BAD_L4);
	l4[12] = 8 << 4; /* 32 bytes, but only 28 there */
	n = ip4(b, MG_PROTO_TCP, A1, A2, NULL, 0, 0, l4, l);
	CHECK_EQ(run(&p, b, n), MG_R_PKT_BAD_L4);
	/* options: length 1, length past the header, kind with no length */
	static const uint8_t o1[] = {2, 1, 0, 0};
	static const uint8_t o2[] = {1, 8, 6, 0};
	static const uint8_t o3[] = {1, 1, 1, 5};
	static const uint8_t o4[] = {2, 0, 0, 0};
	const uint8_t *bad[] = {o1, o2, o3, o4};
	for (unsigned i = 0; i < 4; i++) {
		n = ip4(b, MG_PROTO_TCP, A1, A2, NULL, 0, 0, l4,
			tcp(l4, 1000, 80, 1, 0, MG_TH_SYN, bad[i], 4, 0));
		CHECK_EQ(run(&p, b, n), MG_R_PKT_BAD_L4);
	}
	/* EOL ends the walk: garbage after it is padding */
	static const uint8_t eol[] = {1, 0, 2, 1};
	n = ip4(b, MG_PROTO_TCP, A1, A2, NULL, 0, 0, l4, tcp(l4, 1000, 80, 1, 0, MG_TH_SYN, eol, 4, 0));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	/* window scale with a wrong length is ignored, not trusted */
	static const uint8_t wsbad[] = {3, 4, 9, 9};
	n = ip4(b, MG_PROTO_TCP, A1, A2, NULL, 0, 0, l4, tcp(l4, 1000, 80, 1, 0, MG_TH_SYN, wsbad, 4, 0));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.wscale, 0xff);
}

TEST(pkt_port_zero)
{
	uint8_t l4[64], b[128];
	struct mg_pkt p;
	uint32_t n = ip4(b, MG_PROTO_TCP, A1, A2, NULL, 0, 0, l4, tcp(l4, 0, 80, 1, 0, MG_TH_SYN, NULL, 0, 0));
	CHECK_EQ(run(&p, b, n), MG_R_PKT_BAD_PORT);
	n = ip4(b, MG_PROTO_TCP, A1, A2, NULL, 0, 0, l4, tcp(l4, 80, 0, 1, 0, MG_TH_SYN, NULL, 0, 0));
	CHECK_EQ(run(&p, b, n), MG_R_PKT_BAD_PORT);
	n = ip4(b, MG_PROTO_UDP, A1, A2, NULL, 0, 0, l4, udp(l4, 0, 53, 4));
	CHECK_EQ(run(&p, b, n), MG_R_PKT_BAD_PORT);
	n = ip4(b, MG_PROTO_UDP, A1, A2, NULL, 0, 0, l4, udp(l4, 53, 0, 4));
	CHECK_EQ(run(&p, b, n), MG_R_PKT_BAD_PORT);
}

TEST(pkt_udp_length_field)
{
	uint8_t l4[64], b[128];
	struct mg_pkt p;
	uint32_t l = udp(l4, 1719, 1719, 20);
	mg_wr16(l4 + 4, 7);
	uint32_t n = ip4(b, MG_PROTO_UDP, A1, A2, NULL, 0, 0, l4, l);
	CHECK_EQ(run(&p, b, n), MG_R_PKT_BAD_L4);
	mg_wr16(l4 + 4, 29); /* one more than there is */
	n = ip4(b, MG_PROTO_UDP, A1, A2, NULL, 0, 0, l4, l);
	CHECK_EQ(run(&p, b, n), MG_R_PKT_BAD_L4);
	mg_wr16(l4 + 4, 13); /* shorter: the payload ends at it */
	n = ip4(b, MG_PROTO_UDP, A1, A2, NULL, 0, 0, l4, l);
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.paylen, 5);
	CHECK_EQ(p.len, 48);
	mg_wr16(l4 + 4, 8); /* empty datagram */
	n = ip4(b, MG_PROTO_UDP, A1, A2, NULL, 0, 0, l4, l);
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.paylen, 0);
	/* a UDP header cut short */
	n = ip4(b, MG_PROTO_UDP, A1, A2, NULL, 0, 0, l4, 7);
	CHECK_EQ(run(&p, b, n), MG_R_PKT_BAD_L4);
}

TEST(pkt_ip4_header_checks)
{
	uint8_t l4[64], b[128];
	struct mg_pkt p;
	uint32_t n = ip4(b, MG_PROTO_UDP, A1, A2, NULL, 0, 0, l4, udp(l4, 1, 2, 4));
	CHECK_EQ(run(&p, b, 0), MG_R_PKT_SHORT);
	CHECK_EQ(run(&p, b, 19), MG_R_PKT_SHORT);
	CHECK_EQ(run(&p, b, n), MG_R_NONE);

	uint8_t c[128];
	memcpy(c, b, n);
	c[0] = 0x55; /* version 5 */
	CHECK_EQ(run(&p, c, n), MG_R_PKT_BAD_VERSION);
	c[0] = 0x05;
	CHECK_EQ(run(&p, c, n), MG_R_PKT_BAD_VERSION);

	memcpy(c, b, n);
	c[0] = 0x44; /* IHL 16 bytes */
	ip4_fix_csum(c);
	CHECK_EQ(run(&p, c, n), MG_R_PKT_BAD_IHL);
	c[0] = 0x4f; /* IHL 60 in a 32-byte packet */
	CHECK_EQ(run(&p, c, n), MG_R_PKT_BAD_IHL);

	memcpy(c, b, n);
	mg_wr16(c + 2, 19); /* total length below the header */
	ip4_fix_csum(c);
	CHECK_EQ(run(&p, c, n), MG_R_PKT_BAD_TOTLEN);
	mg_wr16(c + 2, (uint16_t)(n + 1)); /* past the buffer */
	ip4_fix_csum(c);
	CHECK_EQ(run(&p, c, n), MG_R_PKT_BAD_TOTLEN);

	memcpy(c, b, n);
	c[10] ^= 0x01;
	CHECK_EQ(run(&p, c, n), MG_R_PKT_BAD_IPCSUM);
	memcpy(c, b, n);
	c[8] = 63; /* TTL changed without the checksum */
	CHECK_EQ(run(&p, c, n), MG_R_PKT_BAD_IPCSUM);
	/* the checksum covers the header only: payload bytes do not matter */
	memcpy(c, b, n);
	c[n - 1] ^= 0xff;
	CHECK_EQ(run(&p, c, n), MG_R_NONE);
}

TEST(pkt_ip4_trailing_padding_cut)
{
	/* a 6-byte UDP payload over Ethernet: padded to 46 bytes of L3 */
	uint8_t l4[64], b[128];
	struct mg_pkt p;
	uint32_t n = ip4(b, MG_PROTO_UDP, A1, A2, NULL, 0, 0, l4, udp(l4, 1719, 1719, 6));
	CHECK_EQ(n, 34);
	memset(b + n, 0xee, 12);
	CHECK_EQ(run(&p, b, 46), MG_R_NONE);
	CHECK_EQ(p.len, 34);
	CHECK_EQ(p.paylen, 6);
	CHECK_EQ(p.payoff, 28);
	/* TCP: the padding must not count as segment data */
	n = ip4(b, MG_PROTO_TCP, A1, A2, NULL, 0, 0, l4, tcp(l4, 3000, 1720, 7, 8, MG_TH_ACK, NULL, 0, 0));
	memset(b + n, 0, 6);
	CHECK_EQ(run(&p, b, n + 6), MG_R_NONE);
	CHECK_EQ(p.len, 40);
	CHECK_EQ(p.paylen, 0);
}

TEST(pkt_ip4_options)
{
	uint8_t l4[64], b[160];
	struct mg_pkt p;
	uint32_t l = udp(l4, 1, 2, 4);
	static const uint8_t nop_eol[] = {1, 1, 0, 0x77};     /* after EOL: padding */
	static const uint8_t rr[] = {7, 7, 4, 0, 0, 0, 0, 1}; /* record route + NOP */
	static const uint8_t ra[] = {148, 4, 0, 0};           /* router alert */
	uint32_t n = ip4(b, MG_PROTO_UDP, A1, A2, nop_eol, 4, 0, l4, l);
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.l4off, 24);
	CHECK_EQ(p.payoff, 32);
	CHECK_EQ(p.t.sport, 1);
	n = ip4(b, MG_PROTO_UDP, A1, A2, rr, 8, 0, l4, l);
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.l4off, 28);
	n = ip4(b, MG_PROTO_UDP, A1, A2, ra, 4, 0, l4, l);
	CHECK_EQ(run(&p, b, n), MG_R_NONE);

	static const uint8_t len1[] = {7, 1, 0, 0};
	static const uint8_t len0[] = {1, 130, 0, 0};
	static const uint8_t past[] = {1, 7, 7, 0};   /* 7 bytes from offset 1 */
	static const uint8_t nolen[] = {1, 1, 1, 68}; /* timestamp kind, no length byte */
	const uint8_t *bad[] = {len1, len0, past, nolen};
	for (unsigned i = 0; i < 4; i++) {
		n = ip4(b, MG_PROTO_UDP, A1, A2, bad[i], 4, 0, l4, l);
		CHECK_EQ(run(&p, b, n), MG_R_PKT_BAD_OPTIONS);
	}
	/* the checksum covers the options */
	n = ip4(b, MG_PROTO_UDP, A1, A2, rr, 8, 0, l4, l);
	b[23] ^= 0x10;
	CHECK_EQ(run(&p, b, n), MG_R_PKT_BAD_IPCSUM);
}

TEST(pkt_ip4_bad_source)
{
	static const uint8_t bad[][4] = {
		{224, 0, 0, 1}, {239, 255, 255, 250}, {255, 255, 255, 255}, {127, 0, 0, 1}, {127, 9, 9, 9},
	};
	static const uint8_t ok[][4] = {{0, 0, 0, 0}, {240, 0, 0, 1}, {198, 18, 0, 255}, {223, 255, 255, 255}};
	uint8_t l4[64], b[128];
	struct mg_pkt p;
	uint32_t l = udp(l4, 68, 67, 4);
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint32_t n = ip4(b, MG_PROTO_UDP, bad[i], A2, NULL, 0, 0, l4, l);
		CHECK_EQ(run(&p, b, n), MG_R_PKT_BAD_SRC);
	}
	for (unsigned i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		uint32_t n = ip4(b, MG_PROTO_UDP, ok[i], A2, NULL, 0, 0, l4, l);
		CHECK_EQ(run(&p, b, n), MG_R_NONE);
	}
	/* a multicast destination is policy's business */
	static const uint8_t mc[4] = {224, 0, 0, 251};
	uint32_t n = ip4(b, MG_PROTO_UDP, A1, mc, NULL, 0, 0, l4, l);
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
}

TEST(pkt_ip4_other_protocol)
{
	uint8_t b[128], gre[12] = {0, 0, 0x08, 0x00};
	struct mg_pkt p;
	uint32_t n = ip4(b, 47, A1, A2, NULL, 0, 0, gre, sizeof gre);
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.proto, 47);
	CHECK_EQ(p.t.proto, 47);
	CHECK_EQ(p.l4off, 20);
	CHECK_EQ(p.l4len, 0);
	CHECK_EQ(p.payoff, 20);
	CHECK_EQ(p.paylen, 12);
	CHECK_EQ(p.t.sport, 0);
	/* ICMPv6 over IPv4 is not parsed as ICMP */
	n = ip4(b, MG_PROTO_ICMP6, A1, A2, NULL, 0, 0, gre, 2);
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.l4len, 0);
}

/* ---- IPv4 fragments ------------------------------------------------- */

TEST(pkt_ip4_fragments)
{
	uint8_t l4[128], b[192];
	struct mg_pkt p;
	/* first fragment of a 100-byte UDP datagram: the UDP length is larger
	 * than this fragment, which is fine */
	udp(l4, 5000, 5002, 100);
	uint32_t n = ip4(b, MG_PROTO_UDP, A1, A2, NULL, 0, 0x2000, l4, 24);
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.frag, MG_FRAG_FIRST);
	CHECK_EQ(p.frag_id, 0x4d47);
	CHECK_EQ(p.t.sport, 5000);
	CHECK_EQ(p.paylen, 16);

	/* a later fragment: no L4 header, ports 0, protocol known */
	n = ip4(b, MG_PROTO_UDP, A1, A2, NULL, 0, 3, l4, 40); /* offset 24, last */
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.frag, MG_FRAG_LATER);
	CHECK_EQ(p.frag_id, 0x4d47);
	CHECK_EQ(p.proto, MG_PROTO_UDP);
	CHECK_EQ(p.t.proto, MG_PROTO_UDP);
	CHECK_EQ(p.l4off, 0);
	CHECK_EQ(p.t.sport, 0);
	CHECK_EQ(p.t.dport, 0);
	CHECK_EQ(p.payoff, 20);
	CHECK_EQ(p.paylen, 40);
	CHECK(memcmp(p.t.src.b, A1, 4) == 0);

	/* offset 8 with more fragments: still LATER, and fine for UDP */
	n = ip4(b, MG_PROTO_UDP, A1, A2, NULL, 0, 0x2001, l4, 16);
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.frag, MG_FRAG_LATER);

	/* the same offsets for TCP overlap its 20-byte header (RFC 1858) */
	n = ip4(b, MG_PROTO_TCP, A1, A2, NULL, 0, 0x2001, l4, 16);
	CHECK_EQ(run(&p, b, n), MG_R_FRAG_OVERLAP);
	n = ip4(b, MG_PROTO_TCP, A1, A2, NULL, 0, 2, l4, 16);
	CHECK_EQ(run(&p, b, n), MG_R_FRAG_OVERLAP);
	n = ip4(b, MG_PROTO_TCP, A1, A2, NULL, 0, 3, l4, 16);
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.frag, MG_FRAG_LATER);

	/* DF alone is not a fragment */
	n = ip4(b, MG_PROTO_UDP, A1, A2, NULL, 0, 0x4000, l4, udp(l4, 1, 2, 0));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.frag, MG_FRAG_NONE);
	CHECK_EQ(p.frag_id, 0);
}

TEST(pkt_ip4_tiny_first_fragment)
{
	uint8_t l4[128], b[192];
	struct mg_pkt p;
	uint32_t l = tcp(l4, 40000, 1720, 1, 0, MG_TH_SYN, syn_opts, sizeof syn_opts, 0);
	/* the whole header in the first fragment is fine */
	uint32_t n = ip4(b, MG_PROTO_TCP, A1, A2, NULL, 0, 0x2000, l4, l);
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.frag, MG_FRAG_FIRST);
	CHECK_EQ(p.wscale, 7);
	/* any cut of it in a first fragment is the tiny-fragment attack */
	for (uint32_t k = 0; k < l; k++) {
		n = ip4(b, MG_PROTO_TCP, A1, A2, NULL, 0, 0x2000, l4, k);
		CHECK_EQ(run(&p, b, n), MG_R_FRAG_OVERLAP);
	}
	udp(l4, 1, 2, 30);
	for (uint32_t k = 0; k < 8; k++) {
		n = ip4(b, MG_PROTO_UDP, A1, A2, NULL, 0, 0x2000, l4, k);
		CHECK_EQ(run(&p, b, n), MG_R_FRAG_OVERLAP);
	}
	icmp(l4, 8, 0, 0x12340001, NULL, 0);
	for (uint32_t k = 0; k < 8; k++) {
		n = ip4(b, MG_PROTO_ICMP, A1, A2, NULL, 0, 0x2000, l4, k);
		CHECK_EQ(run(&p, b, n), MG_R_FRAG_OVERLAP);
	}
}

/* ---- truncations on guard pages ------------------------------------ */

TEST(pkt_truncated_syn_every_length)
{
	uint8_t b[128];
	struct mg_pkt p;
	uint32_t full = build_syn(b, 0);
	CHECK_EQ(run(&p, b, full), MG_R_NONE);
	/* cut buffer, header unchanged */
	for (uint32_t n = 0; n < full; n++) {
		enum mg_reason r = run(&p, b, n);
		CHECK(r != MG_R_NONE && r != MG_R__COUNT);
	}
	/* cut consistently: total length and checksum follow the cut, so the
	 * TCP parser itself meets the end */
	for (uint32_t n = 20; n < full; n++) {
		uint8_t c[128];
		memcpy(c, b, n);
		mg_wr16(c + 2, (uint16_t)n);
		ip4_fix_csum(c);
		CHECK_EQ(run(&p, c, n), MG_R_PKT_BAD_L4);
	}
}

/* Port unreachable for a UDP datagram 198.18.0.1:5004 -> 198.19.0.2:6000,
 * the quoted header carrying a 4-byte option, sent back by 198.19.0.2. */
static uint32_t build_icmp_err(uint8_t *out, uint8_t type)
{
	static const uint8_t nops[4] = {1, 1, 1, 0};
	uint8_t u[64], q[128], l4[160];
	uint32_t qn = ip4(q, MG_PROTO_UDP, A1, A2, nops, 4, 0, u, udp(u, 5004, 6000, 20));
	mg_wr16(q + 2, 400); /* the quoted total length need not fit */
	ip4_fix_csum(q);
	uint32_t l = icmp(l4, type, 3, 0, q, qn);
	return ip4(out, MG_PROTO_ICMP, A2, A1, NULL, 0, 0, l4, l);
}

TEST(pkt_icmp_error_inner_tuple)
{
	static const uint8_t types[] = {3, 4, 11, 12};
	uint8_t b[192];
	struct mg_pkt p;
	for (unsigned i = 0; i < sizeof types; i++) {
		uint32_t n = build_icmp_err(b, types[i]);
		CHECK_EQ(run(&p, b, n), MG_R_NONE);
		CHECK(p.icmp_error);
		CHECK_EQ(p.icmp_type, types[i]);
		CHECK_EQ(p.icmp_code, 3);
		CHECK_EQ(p.proto, MG_PROTO_ICMP);
		CHECK_EQ(p.t.sport, 0);
		CHECK_EQ(p.t.dport, 0);
		CHECK(memcmp(p.t.src.b, A2, 4) == 0);
		CHECK(memcmp(p.t.dst.b, A1, 4) == 0);
		CHECK_EQ(p.l4len, 8);
		CHECK_EQ(p.inner_l3off, 28);
		CHECK_EQ(p.inner_l4off, 28 + 24);
		CHECK_EQ(p.inner_len, n - 28);
		CHECK_EQ(p.inner.family, MG_AF_INET);
		CHECK_EQ(p.inner.proto, MG_PROTO_UDP);
		CHECK(memcmp(p.inner.src.b, A1, 4) == 0);
		CHECK(memcmp(p.inner.dst.b, A2, 4) == 0);
		CHECK(tail_zero(&p.inner.src, 4) && tail_zero(&p.inner.dst, 4));
		CHECK_EQ(p.inner.sport, 5004);
		CHECK_EQ(p.inner.dport, 6000);
	}
}

TEST(pkt_icmp_error_quotes_tcp_and_echo)
{
	uint8_t t[96], q[128], l4[160], b[192];
	struct mg_pkt p;
	/* a TCP quote cut to 8 bytes of L4, as RFC 792 routers send it */
	uint32_t qn = ip4(q, MG_PROTO_TCP, A1, A3, NULL, 0, 0, t,
			  tcp(t, 41000, 1720, 1, 0, MG_TH_SYN, NULL, 0, 0));
	uint32_t n = ip4(b, MG_PROTO_ICMP, A2, A1, NULL, 0, 0, l4, icmp(l4, 11, 0, 0, q, 28));
	CHECK(qn > 28);
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.inner.proto, MG_PROTO_TCP);
	CHECK_EQ(p.inner.sport, 41000);
	CHECK_EQ(p.inner.dport, 1720);
	CHECK(memcmp(p.inner.dst.b, A3, 4) == 0);
	CHECK_EQ(p.inner_len, 28);
	/* an echo request quoted: the identifier is both inner ports */
	qn = ip4(q, MG_PROTO_ICMP, A1, A3, NULL, 0, 0, t, icmp(t, 8, 0, 0xbeef0007, NULL, 0));
	n = ip4(b, MG_PROTO_ICMP, A2, A1, NULL, 0, 0, l4, icmp(l4, 3, 1, 0, q, qn));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.inner.proto, MG_PROTO_ICMP);
	CHECK_EQ(p.inner.sport, 0xbeef);
	CHECK_EQ(p.inner.dport, 0xbeef);
	/* a quoted error or other ICMP type: ports 0 */
	qn = ip4(q, MG_PROTO_ICMP, A1, A3, NULL, 0, 0, t, icmp(t, 13, 0, 0xbeef0007, NULL, 0));
	n = ip4(b, MG_PROTO_ICMP, A2, A1, NULL, 0, 0, l4, icmp(l4, 3, 1, 0, q, qn));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.inner.sport, 0);
	/* a quoted first fragment is fine, a quoted later one is not */
	qn = ip4(q, MG_PROTO_UDP, A1, A3, NULL, 0, 0x2000, t, udp(t, 7, 9, 4));
	n = ip4(b, MG_PROTO_ICMP, A2, A1, NULL, 0, 0, l4, icmp(l4, 3, 4, 1400, q, qn));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.inner.sport, 7);
	qn = ip4(q, MG_PROTO_UDP, A1, A3, NULL, 0, 0x0004, t, udp(t, 7, 9, 4));
	n = ip4(b, MG_PROTO_ICMP, A2, A1, NULL, 0, 0, l4, icmp(l4, 11, 1, 0, q, qn));
	CHECK_EQ(run(&p, b, n), MG_R_ICMP_ERR_BAD_INNER);
}

TEST(pkt_icmp_error_bad_quote)
{
	uint8_t b[192], c[192];
	struct mg_pkt p;
	uint32_t n = build_icmp_err(b, 3);
	/* quoted version 6 */
	memcpy(c, b, n);
	c[28] = 0x66;
	CHECK_EQ(run(&p, c, n), MG_R_ICMP_ERR_BAD_INNER);
	/* quoted IHL below 5 */
	memcpy(c, b, n);
	c[28] = 0x44;
	CHECK_EQ(run(&p, c, n), MG_R_ICMP_ERR_BAD_INNER);
	/* quoted IHL past the quote: 48 + 8 > 52 bytes of quote */
	memcpy(c, b, n);
	c[28] = 0x4c;
	CHECK_EQ(run(&p, c, n), MG_R_ICMP_ERR_BAD_INNER);
	c[28] = 0x4f;
	CHECK_EQ(run(&p, c, n), MG_R_ICMP_ERR_BAD_INNER);
	/* 44 + 8 fits exactly: the quoted options are not the parser's business */
	c[28] = 0x4b;
	CHECK_EQ(run(&p, c, n), MG_R_NONE);
	CHECK_EQ(p.inner_l4off, 28 + 44);
	CHECK_EQ(p.inner_len, 52);
}

TEST(pkt_icmp_error_truncated_every_length)
{
	uint8_t b[192];
	struct mg_pkt p;
	uint32_t full = build_icmp_err(b, 3);
	for (uint32_t n = 0; n < full; n++) {
		enum mg_reason r = run(&p, b, n);
		CHECK(r != MG_R_NONE && r != MG_R__COUNT);
	}
	/* consistent cuts: ICMP header (8), quoted header with option (24),
	 * 8 bytes of quoted UDP; anything beyond is optional */
	for (uint32_t n = 20; n <= full; n++) {
		uint8_t c[192];
		memcpy(c, b, n);
		mg_wr16(c + 2, (uint16_t)n);
		ip4_fix_csum(c);
		enum mg_reason want = n < 28 ? MG_R_PKT_BAD_L4
				      : n < 28 + 24 + 8 ? MG_R_ICMP_ERR_BAD_INNER
							 : MG_R_NONE;
		CHECK_EQ(run(&p, c, n), want);
		if (want == MG_R_NONE)
			CHECK_EQ(p.inner.dport, 6000);
	}
}

TEST(pkt_icmp_echo_and_other)
{
	uint8_t l4[64], b[128];
	struct mg_pkt p;
	uint32_t n = ip4(b, MG_PROTO_ICMP, A1, A2, NULL, 0, 0, l4, icmp(l4, 8, 0, 0x0a0b0001, NULL, 0));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.t.sport, 0x0a0b);
	CHECK_EQ(p.t.dport, 0x0a0b);
	CHECK_EQ(p.icmp_type, 8);
	CHECK(!p.icmp_error);
	CHECK_EQ(p.payoff, 28);
	n = ip4(b, MG_PROTO_ICMP, A2, A1, NULL, 0, 0, l4, icmp(l4, 0, 0, 0x0a0b0001, l4, 0));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.t.sport, 0x0a0b);
	/* timestamp request, redirect: header only, ports 0 */
	n = ip4(b, MG_PROTO_ICMP, A1, A2, NULL, 0, 0, l4, icmp(l4, 13, 0, 0x0a0b0001, NULL, 0));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.t.sport, 0);
	CHECK(!p.icmp_error);
	n = ip4(b, MG_PROTO_ICMP, A1, A2, NULL, 0, 0, l4, icmp(l4, 5, 1, 0, NULL, 0));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK(!p.icmp_error);
	/* ICMP header cut short */
	n = ip4(b, MG_PROTO_ICMP, A1, A2, NULL, 0, 0, l4, 7);
	CHECK_EQ(run(&p, b, n), MG_R_PKT_BAD_L4);
}

/* ---- IPv6 ----------------------------------------------------------- */

TEST(pkt_ip6_udp_and_padding)
{
	uint8_t l4[64], b[160];
	struct mg_pkt p;
	uint32_t n = ip6(b, MG_PROTO_UDP, S1, S2, l4, udp(l4, 5004, 6000, 10));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.family, MG_AF_INET6);
	CHECK_EQ(p.t.family, MG_AF_INET6);
	CHECK_EQ(p.proto, MG_PROTO_UDP);
	CHECK_EQ(p.l4off, 40);
	CHECK_EQ(p.payoff, 48);
	CHECK_EQ(p.paylen, 10);
	CHECK_EQ(p.t.sport, 5004);
	CHECK(memcmp(p.t.src.b, S1, 16) == 0);
	CHECK(memcmp(p.t.dst.b, S2, 16) == 0);
	/* trailing padding cut, payload length past the buffer refused */
	memset(b + n, 0, 8);
	CHECK_EQ(run(&p, b, n + 8), MG_R_NONE);
	CHECK_EQ(p.len, n);
	CHECK_EQ(run(&p, b, n - 1), MG_R_PKT_BAD_TOTLEN);
	CHECK_EQ(run(&p, b, 39), MG_R_PKT_SHORT);
	/* TCP over IPv6 */
	n = ip6(b, MG_PROTO_TCP, S1, S2, l4, tcp(l4, 40000, 1720, 3, 0, MG_TH_SYN, syn_opts, sizeof syn_opts, 0));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.wscale, 7);
	CHECK_EQ(p.l4len, 40);
}

TEST(pkt_ip6_bad_source)
{
	static const uint8_t mc[16] = {0xff, 0x02, [15] = 1};
	static const uint8_t lo[16] = {[15] = 1};
	uint8_t l4[64], b[160];
	struct mg_pkt p;
	uint32_t l = udp(l4, 1, 2, 0);
	uint32_t n = ip6(b, MG_PROTO_UDP, mc, S2, l4, l);
	CHECK_EQ(run(&p, b, n), MG_R_PKT_BAD_SRC);
	n = ip6(b, MG_PROTO_UDP, lo, S2, l4, l);
	CHECK_EQ(run(&p, b, n), MG_R_PKT_BAD_SRC);
	n = ip6(b, MG_PROTO_UDP, S2, mc, l4, l); /* multicast destination: policy */
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
}

TEST(pkt_ip6_extension_chain)
{
	uint8_t pl[256], b[320];
	struct mg_pkt p;
	/* hop-by-hop, destination options, routing type 2 (segments left 0),
	 * a 16-byte destination options header, then UDP */
	uint32_t o = 0;
	o += ext8(pl + o, 60);
	o += ext8(pl + o, 43);
	o += ext8(pl + o, 60);
	pl[o - 6] = 2; /* routing type 2 */
	pl[o - 5] = 0; /* segments left */
	pl[o - 8] = 60;
	uint8_t *d = pl + o;
	d[0] = MG_PROTO_UDP;
	d[1] = 1; /* 16 bytes: Pad1 x2, PadN of 12 */
	d[2] = 0;
	d[3] = 0;
	d[4] = 1;
	d[5] = 10;
	memset(d + 6, 0, 10);
	o += 16;
	o += udp(pl + o, 1719, 1719, 6);
	uint32_t n = ip6(b, 0, S1, S2, pl, o);
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.proto, MG_PROTO_UDP);
	CHECK_EQ(p.l4off, 40 + 8 + 8 + 8 + 16);
	CHECK_EQ(p.t.sport, 1719);
	CHECK_EQ(p.paylen, 6);

	/* a bad option TLV inside the 16-byte header */
	d[5] = 11;
	CHECK_EQ(run(&p, b, ip6(b, 0, S1, S2, pl, o)), MG_R_PKT_BAD_EXTHDR);
	d[5] = 10;
	/* routing type 0 with segments left */
	pl[16 + 2] = 0;
	pl[16 + 3] = 1;
	CHECK_EQ(run(&p, b, ip6(b, 0, S1, S2, pl, o)), MG_R_PKT_BAD_EXTHDR);
	pl[16 + 3] = 0; /* RH0 with nothing left to route: harmless */
	CHECK_EQ(run(&p, b, ip6(b, 0, S1, S2, pl, o)), MG_R_NONE);
	/* hop-by-hop anywhere but first */
	CHECK_EQ(run(&p, b, ip6(b, 60, S1, S2, pl + 0, o)), MG_R_NONE);
	pl[0] = 0; /* dest opts -> hop-by-hop */
	CHECK_EQ(run(&p, b, ip6(b, 60, S1, S2, pl, o)), MG_R_PKT_BAD_EXTHDR);
	pl[0] = 60;
	/* a header whose length runs past the payload */
	d[1] = 5;
	CHECK_EQ(run(&p, b, ip6(b, 0, S1, S2, pl, o)), MG_R_PKT_BAD_EXTHDR);
	d[1] = 1;
	CHECK_EQ(run(&p, b, ip6(b, 0, S1, S2, pl, o)), MG_R_NONE);
}

TEST(pkt_ip6_chain_limit)
{
	uint8_t pl[256], b[320];
	struct mg_pkt p;
	/* 8 destination options headers pass, 9 do not */
	for (unsigned hdrs = 1; hdrs <= 9; hdrs++) {
		uint32_t o = 0;
		for (unsigned i = 0; i < hdrs; i++)
			o += ext8(pl + o, i + 1 < hdrs ? 60 : MG_PROTO_UDP);
		o += udp(pl + o, 9, 9, 0);
		enum mg_reason want = hdrs <= 8 ? MG_R_NONE : MG_R_PKT_BAD_EXTHDR;
		CHECK_EQ(run(&p, b, ip6(b, 60, S1, S2, pl, o)), want);
	}
}

TEST(pkt_ip6_end_of_chain_kinds)
{
	uint8_t pl[64], b[128];
	struct mg_pkt p;
	memset(pl, 0x5a, sizeof pl);
	/* ESP and no-next-header end the chain: no L4 parse, ports 0 */
	CHECK_EQ(run(&p, b, ip6(b, 50, S1, S2, pl, 24)), MG_R_NONE);
	CHECK_EQ(p.proto, 50);
	CHECK_EQ(p.t.sport, 0);
	CHECK_EQ(p.payoff, 40);
	CHECK_EQ(p.paylen, 24);
	uint32_t o = ext8(pl, 59);
	CHECK_EQ(run(&p, b, ip6(b, 60, S1, S2, pl, o)), MG_R_NONE);
	CHECK_EQ(p.proto, 59);
	CHECK_EQ(p.paylen, 0);
	/* AH (12 bytes) then UDP */
	memset(pl, 0, 12);
	pl[0] = MG_PROTO_UDP;
	pl[1] = 1;
	o = 12 + udp(pl + 12, 500, 500, 0);
	CHECK_EQ(run(&p, b, ip6(b, 51, S1, S2, pl, o)), MG_R_NONE);
	CHECK_EQ(p.l4off, 52);
	CHECK_EQ(p.t.sport, 500);
	pl[1] = 0; /* AH shorter than its fixed part */
	CHECK_EQ(run(&p, b, ip6(b, 51, S1, S2, pl, o)), MG_R_PKT_BAD_EXTHDR);
	/* an extension header cut by the payload length */
	CHECK_EQ(run(&p, b, ip6(b, 60, S1, S2, pl, 7)), MG_R_PKT_BAD_EXTHDR);
	/* empty payload with an L4 next header */
	CHECK_EQ(run(&p, b, ip6(b, MG_PROTO_UDP, S1, S2, pl, 0)), MG_R_PKT_BAD_L4);
}

TEST(pkt_ip6_fragment_header)
{
	uint8_t pl[128], b[192];
	struct mg_pkt p;
	/* first fragment: hop-by-hop, fragment(M=1, off 0), UDP */
	uint32_t o = ext8(pl, 44);
	o += frag6(pl + o, MG_PROTO_UDP, 0, true, 0xa1b2c3d4);
	o += udp(pl + o, 5004, 6000, 100);
	uint32_t n = ip6(b, 0, S1, S2, pl, 16 + 8 + 16);
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.frag, MG_FRAG_FIRST);
	CHECK_EQ(p.frag_id, 0xa1b2c3d4u);
	CHECK_EQ(p.l4off, 56);
	CHECK_EQ(p.t.sport, 5004);
	CHECK_EQ(p.paylen, 16);
	/* first fragment ending inside the UDP header */
	n = ip6(b, 0, S1, S2, pl, 16 + 5);
	CHECK_EQ(run(&p, b, n), MG_R_FRAG_OVERLAP);
	/* first fragment ending inside a later extension header (RFC 7112) */
	o = frag6(pl, 60, 0, true, 7);
	o += ext8(pl + o, MG_PROTO_UDP);
	CHECK_EQ(run(&p, b, ip6(b, 44, S1, S2, pl, 12)), MG_R_FRAG_OVERLAP);

	/* later fragment: the chain stops at the fragment header */
	o = frag6(pl, MG_PROTO_UDP, 24, false, 0x01020304);
	memset(pl + o, 0x33, 32);
	n = ip6(b, 44, S1, S2, pl, o + 32);
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.frag, MG_FRAG_LATER);
	CHECK_EQ(p.frag_id, 0x01020304u);
	CHECK_EQ(p.proto, MG_PROTO_UDP);
	CHECK_EQ(p.l4off, 0);
	CHECK_EQ(p.t.sport, 0);
	CHECK_EQ(p.payoff, 48);
	CHECK_EQ(p.paylen, 32);
	/* a later TCP fragment at offset 8 overlaps the TCP header */
	frag6(pl, MG_PROTO_TCP, 8, true, 5);
	CHECK_EQ(run(&p, b, ip6(b, 44, S1, S2, pl, 40)), MG_R_FRAG_OVERLAP);
	frag6(pl, MG_PROTO_TCP, 24, true, 5);
	CHECK_EQ(run(&p, b, ip6(b, 44, S1, S2, pl, 40)), MG_R_NONE);

	/* atomic fragment: a whole packet */
	o = frag6(pl, MG_PROTO_UDP, 0, false, 9);
	o += udp(pl + o, 1, 2, 3);
	CHECK_EQ(run(&p, b, ip6(b, 44, S1, S2, pl, o)), MG_R_NONE);
	CHECK_EQ(p.frag, MG_FRAG_NONE);
	CHECK_EQ(p.t.dport, 2);
	/* two fragment headers */
	o = frag6(pl, 44, 0, false, 9);
	o += frag6(pl + o, MG_PROTO_UDP, 0, true, 9);
	o += udp(pl + o, 1, 2, 3);
	CHECK_EQ(run(&p, b, ip6(b, 44, S1, S2, pl, o)), MG_R_PKT_BAD_EXTHDR);
}

TEST(pkt_ip6_truncated_every_length)
{
	uint8_t pl[128], b[192];
	struct mg_pkt p;
	uint32_t o = ext8(pl, 43);
	o += ext8(pl + o, 44);
	pl[o - 6] = 2; /* routing type 2, segments left 0 */
	pl[o - 5] = 0;
	o += frag6(pl + o, MG_PROTO_TCP, 0, true, 77);
	o += tcp(pl + o, 40000, 1720, 1, 0, MG_TH_SYN, syn_opts, sizeof syn_opts, 0);
	uint32_t full = ip6(b, 0, S1, S2, pl, o);
	CHECK_EQ(run(&p, b, full), MG_R_NONE);
	CHECK_EQ(p.frag, MG_FRAG_FIRST);
	for (uint32_t n = 0; n < full; n++) {
		enum mg_reason r = run(&p, b, n);
		CHECK(r != MG_R_NONE && r != MG_R__COUNT);
		/* consistent payload length */
		uint8_t c[192];
		r = run(&p, c, ip6(c, 0, S1, S2, pl, n < 40 ? 0 : n - 40));
		CHECK(r != MG_R_NONE && r != MG_R__COUNT);
		if (n >= 40 + 24) /* past the fragment header */
			CHECK_EQ(r, MG_R_FRAG_OVERLAP);
	}
}

TEST(pkt_icmp6_echo_nd_error)
{
	uint8_t l4[160], q[128], u[64], b[256];
	struct mg_pkt p;
	uint32_t n = ip6(b, MG_PROTO_ICMP6, S1, S2, l4, icmp(l4, 128, 0, 0x77660001, NULL, 0));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.t.sport, 0x7766);
	CHECK_EQ(p.t.dport, 0x7766);
	CHECK(!p.icmp_error);
	n = ip6(b, MG_PROTO_ICMP6, S2, S1, l4, icmp(l4, 129, 0, 0x77660001, NULL, 0));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.t.sport, 0x7766);
	/* neighbour solicitation: ports 0, passes */
	uint8_t ns[16];
	memcpy(ns, S2, 16);
	n = ip6(b, MG_PROTO_ICMP6, S1, S2, l4, icmp(l4, 135, 0, 0, ns, 16));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.icmp_type, 135);
	CHECK_EQ(p.t.sport, 0);
	CHECK(!p.icmp_error);
	/* ICMP (v4) over IPv6 is not parsed as ICMP */
	n = ip6(b, MG_PROTO_ICMP, S1, S2, l4, icmp(l4, 8, 0, 0x77660001, NULL, 0));
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK_EQ(p.l4len, 0);
	CHECK_EQ(p.t.sport, 0);

	/* packet too big quoting UDP behind a destination options header */
	uint32_t o = ext8(u, MG_PROTO_UDP);
	o += udp(u + o, 5004, 6000, 40);
	uint32_t qn = ip6(q, 60, S1, S2, u, o);
	uint32_t l = icmp(l4, 2, 0, 1280, q, qn);
	n = ip6(b, MG_PROTO_ICMP6, S2, S1, l4, l);
	CHECK_EQ(run(&p, b, n), MG_R_NONE);
	CHECK(p.icmp_error);
	CHECK_EQ(p.t.sport, 0);
	CHECK_EQ(p.inner.family, MG_AF_INET6);
	CHECK_EQ(p.inner.proto, MG_PROTO_UDP);
	CHECK(memcmp(p.inner.src.b, S1, 16) == 0);
	CHECK(memcmp(p.inner.dst.b, S2, 16) == 0);
	CHECK_EQ(p.inner.sport, 5004);
	CHECK_EQ(p.inner.dport, 6000);
	CHECK_EQ(p.inner_l3off, 48);
	CHECK_EQ(p.inner_l4off, 48 + 40 + 8);
	CHECK_EQ(p.inner_len, qn);
	/* every consistent cut of the quote short of 8 bytes of UDP fails */
	for (uint32_t k = 0; k < qn; k++) {
		enum mg_reason want = k < 40 + 8 + 8 ? MG_R_ICMP_ERR_BAD_INNER : MG_R_NONE;
		n = ip6(b, MG_PROTO_ICMP6, S2, S1, l4, 8 + k);
		CHECK_EQ(run(&p, b, n), want);
	}
	/* a quoted later fragment */
	o = frag6(u, MG_PROTO_UDP, 64, false, 3);
	memset(u + o, 0, 16);
	qn = ip6(q, 44, S1, S2, u, o + 16);
	n = ip6(b, MG_PROTO_ICMP6, S2, S1, l4, icmp(l4, 3, 1, 0, q, qn));
	CHECK_EQ(run(&p, b, n), MG_R_ICMP_ERR_BAD_INNER);
	/* quoted version 4 */
	qn = ip6(q, 60, S1, S2, u, 24);
	q[0] = 0x45;
	n = ip6(b, MG_PROTO_ICMP6, S2, S1, l4, icmp(l4, 1, 4, 0, q, qn));
	CHECK_EQ(run(&p, b, n), MG_R_ICMP_ERR_BAD_INNER);
}

/* ---- mutated packets: accepted descriptors always self-consistent -- */

static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

TEST(pkt_mutations_keep_invariants)
{
	uint8_t seeds[6][256];
	uint32_t lens[6];
	uint8_t l4[160], pl[200];
	lens[0] = build_syn(seeds[0], 0);
	lens[1] = build_icmp_err(seeds[1], 3);
	lens[2] = ip4(seeds[2], MG_PROTO_UDP, A1, A2, NULL, 0, 0, l4, udp(l4, 5004, 6000, 30));
	uint32_t o = ext8(pl, 44);
	o += frag6(pl + o, MG_PROTO_TCP, 0, true, 1);
	o += tcp(pl + o, 1, 2, 3, 4, MG_TH_SYN, syn_opts, sizeof syn_opts, 4);
	lens[3] = ip6(seeds[3], 0, S1, S2, pl, o);
	lens[4] = ip6(seeds[4], MG_PROTO_ICMP6, S2, S1, l4, icmp(l4, 1, 0, 0, seeds[3], 100));
	lens[5] = ip4(seeds[5], MG_PROTO_TCP, A1, A2, NULL, 0, 0x2000, l4,
		      tcp(l4, 9, 9, 1, 1, MG_TH_ACK, syn_opts, 20, 10));
	uint32_t s = 12345, accepted = 0;
	for (unsigned it = 0; it < 30000; it++) {
		unsigned k = it % 6;
		uint8_t m[256];
		memcpy(m, seeds[k], lens[k]);
		uint32_t n = lens[k];
		unsigned flips = 1 + lcg(&s) % 4;
		for (unsigned f = 0; f < flips; f++)
			m[lcg(&s) % n] ^= (uint8_t)(1u << (lcg(&s) % 8));
		if (lcg(&s) % 3 == 0)
			n = lcg(&s) % (n + 1);
		if ((m[0] >> 4) == 4 && n >= 20 && (lcg(&s) & 1))
			ip4_fix_csum(m); /* get past the checksum half the time */
		struct mg_pkt p;
		enum mg_reason r = run(&p, m, n);
		CHECK(r != MG_R__COUNT);
		CHECK((unsigned)r < MG_R__COUNT);
		if (r == MG_R_NONE)
			accepted++;
	}
	CHECK(accepted > 1000); /* the mutations did reach the deep paths */
}
