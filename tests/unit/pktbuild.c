/* pktbuild.c - test packet builder (see pktbuild.h). */
#include "pktbuild.h"

#include <arpa/inet.h>
#include <string.h>

#include "core/csum.h"
#include "io/pcap.h"

uint32_t tb_ip(const char *s)
{
	struct in_addr a;
	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

static void ip_hdr(uint8_t *b, uint32_t src, uint32_t dst, uint8_t proto, size_t total)
{
	memset(b, 0, 20);
	b[0] = 0x45;
	mg_wr16(b + 2, (uint16_t)total);
	mg_wr16(b + 4, 0x1234);
	b[8] = 64;
	b[9] = proto;
	memcpy(b + 12, &src, 4);
	memcpy(b + 16, &dst, 4);
	mg_wr16(b + 10, mg_csum_fold(mg_csum_add(0, b, 20)));
}

static uint16_t l4sum(const uint8_t *ip, const uint8_t *l4, size_t len, uint8_t proto)
{
	uint8_t ph[12];
	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = proto;
	mg_wr16(ph + 10, (uint16_t)len);
	return mg_csum_fold(mg_csum_add(mg_csum_add(0, ph, 12), l4, len));
}

size_t tb_udp(uint8_t *b, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, const void *pay,
	      size_t paylen)
{
	size_t total = 28 + paylen;
	ip_hdr(b, src, dst, 17, total);
	uint8_t *u = b + 20;
	mg_wr16(u, sport);
	mg_wr16(u + 2, dport);
	mg_wr16(u + 4, (uint16_t)(8 + paylen));
	u[6] = u[7] = 0;
	if (paylen)
		memcpy(u + 8, pay, paylen);
	uint16_t c = l4sum(b, u, 8 + paylen, 17);
	mg_wr16(u + 6, c ? c : 0xffff);
	return total;
}

size_t tb_tcp(uint8_t *b, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint8_t flags,
	      uint32_t seq, uint32_t ack, const void *pay, size_t paylen)
{
	size_t total = 40 + paylen;
	ip_hdr(b, src, dst, 6, total);
	uint8_t *t = b + 20;
	memset(t, 0, 20);
	mg_wr16(t, sport);
	mg_wr16(t + 2, dport);
	mg_wr16(t + 4, (uint16_t)(seq >> 16));
	mg_wr16(t + 6, (uint16_t)seq);
	mg_wr16(t + 8, (uint16_t)(ack >> 16));
	mg_wr16(t + 10, (uint16_t)ack);
	t[12] = 5 << 4;
	t[13] = flags;
	mg_wr16(t + 14, 65535);
	if (paylen)
		memcpy(t + 20, pay, paylen);
	mg_wr16(t + 16, l4sum(b, t, 20 + paylen, 6));
	return total;
}

size_t tb_icmp_echo(uint8_t *b, uint32_t src, uint32_t dst, uint8_t type, uint16_t id, uint16_t seq)
{
	size_t total = 28 + 8;
	ip_hdr(b, src, dst, 1, total);
	uint8_t *i = b + 20;
	memset(i, 0, 16);
	i[0] = type;
	mg_wr16(i + 4, id);
	mg_wr16(i + 6, seq);
	memcpy(i + 8, "meetgate", 8);
	mg_wr16(i + 2, mg_csum_fold(mg_csum_add(0, i, 16)));
	return total;
}

size_t tb_icmp_err(uint8_t *b, uint32_t src, uint32_t dst, uint8_t type, uint8_t code,
		   const uint8_t *quoted, size_t qlen)
{
	size_t total = 28 + qlen;
	ip_hdr(b, src, dst, 1, total);
	uint8_t *i = b + 20;
	memset(i, 0, 8);
	i[0] = type;
	i[1] = code;
	memcpy(i + 8, quoted, qlen);
	mg_wr16(i + 2, mg_csum_fold(mg_csum_add(0, i, 8 + qlen)));
	return total;
}

void tb_set_frag(uint8_t *b, uint16_t id, bool mf, uint16_t off8)
{
	mg_wr16(b + 4, id);
	mg_wr16(b + 6, (uint16_t)((mf ? 0x2000 : 0) | off8));
	b[10] = b[11] = 0;
	mg_wr16(b + 10, mg_csum_fold(mg_csum_add(0, b, 20)));
}

bool tb_csum_ok(const uint8_t *b, size_t len)
{
	size_t ihl = (size_t)(b[0] & 15) * 4;
	if (mg_csum_fold(mg_csum_add(0, b, ihl)) != 0)
		return false;
	const uint8_t *l4 = b + ihl;
	size_t l4len = len - ihl;
	if (b[9] == 1)
		return mg_csum_fold(mg_csum_add(0, l4, l4len)) == 0;
	if (b[9] == 17 && mg_rd16(l4 + 6) == 0)
		return true;
	uint8_t ph[12];
	memcpy(ph, b + 12, 8);
	ph[8] = 0;
	ph[9] = b[9];
	mg_wr16(ph + 10, (uint16_t)l4len);
	return mg_csum_fold(mg_csum_add(mg_csum_add(0, ph, 12), l4, l4len)) == 0;
}

uint16_t tb_l4_residue(const uint8_t *b, size_t len)
{
	size_t ihl = (size_t)(b[0] & 15) * 4;
	const uint8_t *l4 = b + ihl;
	size_t l4len = len - ihl;
	uint32_t s = 0;
	if (b[9] != 1) {
		uint8_t ph[12];
		memcpy(ph, b + 12, 8);
		ph[8] = 0;
		ph[9] = b[9];
		mg_wr16(ph + 10, (uint16_t)l4len);
		s = mg_csum_add(0, ph, 12);
	}
	uint16_t r = (uint16_t)~mg_csum_fold(mg_csum_add(s, l4, l4len));
	return r == 0 ? 0xffff : r; /* one's complement: both zeros are one */
}

uint32_t tb_src(const uint8_t *b)
{
	uint32_t v;
	memcpy(&v, b + 12, 4);
	return v;
}
uint32_t tb_dst(const uint8_t *b)
{
	uint32_t v;
	memcpy(&v, b + 16, 4);
	return v;
}
uint16_t tb_sport(const uint8_t *b)
{
	return mg_rd16(b + (b[0] & 15) * 4);
}
uint16_t tb_dport(const uint8_t *b)
{
	return mg_rd16(b + (b[0] & 15) * 4 + 2);
}

size_t tb_udp6(uint8_t *b, const char *src, uint16_t sport, const char *dst, uint16_t dport, int hbh)
{
	size_t ext = hbh ? 8 : 0, total = 40 + ext + 8 + 4;
	memset(b, 0, total);
	b[0] = 0x60;
	mg_wr16(b + 4, (uint16_t)(total - 40));
	b[6] = hbh ? 0 : 17;
	b[7] = 64;
	inet_pton(AF_INET6, src, b + 8);
	inet_pton(AF_INET6, dst, b + 24);
	uint8_t *u = b + 40;
	if (hbh) { /* hop-by-hop options header: next UDP, len 0, PadN */
		u[0] = 17;
		u[1] = 0;
		u[2] = 1;
		u[3] = 4;
		u += 8;
	}
	mg_wr16(u, sport);
	mg_wr16(u + 2, dport);
	mg_wr16(u + 4, 12);
	memcpy(u + 8, "ping", 4);
	uint8_t ph[40];
	memcpy(ph, b + 8, 32);
	memset(ph + 32, 0, 8);
	mg_wr16(ph + 34, 12);
	ph[39] = 17;
	uint16_t c = mg_csum_fold(mg_csum_add(mg_csum_add(0, ph, 40), u, 12));
	mg_wr16(u + 6, c ? c : 0xffff);
	return total;
}

size_t tb_first_payload_to(const char *pcap, uint16_t dport, uint8_t *out, size_t cap)
{
	char err[256];
	struct mg_pcap_reader *r = mg_pcap_open(pcap, err, sizeof(err));
	if (!r)
		return 0;
	static uint8_t buf[65536];
	struct mg_pcap_rec rec;
	size_t n = 0;
	while (mg_pcap_next(r, buf, sizeof(buf), &rec, err, sizeof(err)) == 1) {
		if (rec.family != 4 || buf[9] != 6)
			continue;
		size_t ihl = (size_t)(buf[0] & 15) * 4, thl = (size_t)(buf[ihl + 12] >> 4) * 4;
		size_t total = (size_t)(buf[2] << 8 | buf[3]);
		if (tb_dport(buf) == dport && total > ihl + thl && total - ihl - thl <= cap) {
			n = total - ihl - thl;
			memcpy(out, buf + ihl + thl, n);
			break;
		}
	}
	mg_pcap_close(r);
	return n;
}

void tb_lab_config(struct mg_config *c, uint32_t pub)
{
	mg_config_defaults(c);
	c->n_inside = 1;
	c->inside[0].addr = tb_ip("198.18.1.0");
	c->inside[0].mask = tb_ip("255.255.255.0");
	c->n_public = 1;
	c->public_addr[0] = pub;
}
