/* media.c - G.711 mu-law RTP (RFC 3550, payload type 0, 160 octets every
 * 20 ms) and RTCP sender reports, symmetric: RTP is sent from the socket it
 * is received on, RTCP likewise from RTP port + 1.
 *
 * Received RTP counts only when it is well-formed RTP version 2 with
 * payload type 0; its source is compared with the peer's mediaChannel as
 * negotiated in signalling. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "meetcall/mc.h"

#define RTCP_FIRST_MS 500 /* first sender report after media starts */
#define LAG_RESET_MS 200  /* fell this far behind: resynchronise, no burst */

bool mg_mc_media_open(struct mg_mc_media *m, const struct mg_mc_addr *local_ip)
{
	uint16_t port;
	m->local = *local_ip;
	if (mg_mc_udp_pair(local_ip, &m->rtp_fd, &m->rtcp_fd, &port) < 0)
		return false;
	m->local.port = port;
	mg_mc_random(&m->ssrc, sizeof m->ssrc);
	mg_mc_random(&m->seq, sizeof m->seq);
	mg_mc_random(&m->ts, sizeof m->ts);
	return true;
}

void mg_mc_media_start(struct mg_mc_media *m, uint64_t now)
{
	if (m->active || m->stop_ms)
		return;
	m->active = true;
	m->start_ms = now;
	m->next_rtp_ms = now;
	m->next_rtcp_ms = now + RTCP_FIRST_MS;
}

void mg_mc_media_stop(struct mg_mc_media *m, uint64_t now)
{
	if (m->active)
		m->stop_ms = now;
	m->active = false;
}

static void send_to(int fd, const void *p, size_t n, const struct mg_mc_addr *a)
{
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	memcpy(&sin.sin_addr, a->ip, 4);
	sin.sin_port = htons(a->port);
	(void)sendto(fd, p, n, MSG_NOSIGNAL, (struct sockaddr *)&sin, sizeof sin);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void send_rtp(struct mg_mc_media *m)
{
	uint8_t pkt[12 + MG_MC_PAYLOAD];
	pkt[0] = 0x80;
	pkt[1] = (uint8_t)(m->rtp_tx == 0 ? 0x80 : 0x00); /* marker on the first packet, PT 0 */
	pkt[2] = (uint8_t)(m->seq >> 8);
	pkt[3] = (uint8_t)m->seq;
	put32(pkt + 4, m->ts);
	put32(pkt + 8, m->ssrc);
	/* a quiet mu-law pattern: the payload only has to be G.711-shaped */
	for (unsigned i = 0; i < MG_MC_PAYLOAD; i++)
		pkt[12 + i] = (uint8_t)(0xf0 | ((i + m->seq) & 0x0f));
	send_to(m->rtp_fd, pkt, sizeof pkt, &m->peer_rtp);
	m->seq++;
	m->ts += MG_MC_PAYLOAD;
	m->rtp_tx++;
	m->octets_tx += MG_MC_PAYLOAD;
}

/* Compound RTCP: sender report (no report blocks) + SDES CNAME. */
static void send_rtcp(struct mg_mc_media *m)
{
	uint8_t pkt[28 + 20];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint32_t ntp_sec = (uint32_t)((uint64_t)ts.tv_sec + 2208988800u);
	uint32_t ntp_frac = (uint32_t)(((uint64_t)ts.tv_nsec << 32) / 1000000000u);
	memset(pkt, 0, sizeof pkt);
	pkt[0] = 0x80;
	pkt[1] = 200;
	pkt[3] = 6; /* length in 32-bit words minus one */
	put32(pkt + 4, m->ssrc);
	put32(pkt + 8, ntp_sec);
	put32(pkt + 12, ntp_frac);
	put32(pkt + 16, m->ts);
	put32(pkt + 20, m->rtp_tx);
	put32(pkt + 24, (uint32_t)m->octets_tx);
	/* SDES: header 4, SSRC 4, CNAME item (1, 8, "meetcall") 10, END and
	 * padding to a 32-bit boundary 2: 20 octets, length field 4 */
	uint8_t *s = pkt + 28;
	s[0] = 0x81;
	s[1] = 202;
	s[3] = 4;
	put32(s + 4, m->ssrc);
	s[8] = 1;
	s[9] = 8;
	memcpy(s + 10, "meetcall", 8);
	send_to(m->rtcp_fd, pkt, sizeof pkt, &m->peer_rtcp);
	m->rtcp_tx++;
}

void mg_mc_media_tick(struct mg_mc_media *m, uint64_t now)
{
	if (!m->active || !m->have_rtp)
		return;
	if (now > m->next_rtp_ms + LAG_RESET_MS)
		m->next_rtp_ms = now;
	while (now >= m->next_rtp_ms) {
		send_rtp(m);
		m->next_rtp_ms += MG_MC_PKT_MS;
	}
	if (m->have_rtcp && now >= m->next_rtcp_ms) {
		send_rtcp(m);
		m->next_rtcp_ms = now + MG_MC_RTCP_MS;
	}
}

uint64_t mg_mc_media_next(const struct mg_mc_media *m)
{
	if (!m->active || !m->have_rtp)
		return UINT64_MAX;
	uint64_t t = m->next_rtp_ms;
	if (m->have_rtcp && m->next_rtcp_ms < t)
		t = m->next_rtcp_ms;
	return t;
}

static bool same_addr(const struct mg_mc_addr *a, const struct mg_mc_addr *b)
{
	return memcmp(a->ip, b->ip, 4) == 0 && a->port == b->port;
}

void mg_mc_media_settle(struct mg_mc_media *m)
{
	if (m->early_rx == 0)
		return;
	if (m->have_rtp && same_addr(&m->early_src, &m->peer_rtp)) {
		m->rtp_rx += m->early_rx;
	} else {
		m->rtp_rx_other += m->early_rx;
		if (!m->bad_source_seen) {
			m->bad_source_seen = true;
			m->bad_source = m->early_src;
		}
	}
	m->early_rx = 0;
}

void mg_mc_media_rx_rtp(struct mg_mc_media *m, uint64_t now)
{
	for (int i = 0; i < 256; i++) {
		uint8_t pkt[2048];
		struct sockaddr_in sin;
		socklen_t sl = sizeof sin;
		ssize_t r = recvfrom(m->rtp_fd, pkt, sizeof pkt, 0, (struct sockaddr *)&sin, &sl);
		if (r < 0)
			return;
		if (r < 12 || (pkt[0] & 0xc0) != 0x80 || (pkt[1] & 0x7f) != 0)
			continue;
		struct mg_mc_addr src;
		memcpy(src.ip, &sin.sin_addr, 4);
		src.port = ntohs(sin.sin_port);
		if (!m->have_rtp && (m->early_rx == 0 || same_addr(&src, &m->early_src))) {
			/* before signalling named the peer's address: judged later */
			m->early_src = src;
			m->early_rx++;
		} else if (m->have_rtp && same_addr(&src, &m->peer_rtp)) {
			m->rtp_rx++;
		} else {
			m->rtp_rx_other++;
			if (!m->bad_source_seen) {
				m->bad_source_seen = true;
				m->bad_source = src;
			}
		}
	}
}

void mg_mc_media_rx_rtcp(struct mg_mc_media *m)
{
	for (int i = 0; i < 64; i++) {
		uint8_t pkt[2048];
		ssize_t r = recv(m->rtcp_fd, pkt, sizeof pkt, 0);
		if (r < 0)
			return;
		if (r >= 8 && (pkt[0] & 0xc0) == 0x80 && pkt[1] >= 200 && pkt[1] <= 204)
			m->rtcp_rx++;
	}
}

unsigned mg_mc_media_expected(const struct mg_mc_media *m)
{
	if (m->start_ms == 0 || m->stop_ms <= m->start_ms)
		return 0;
	return (unsigned)((m->stop_ms - m->start_ms) / MG_MC_PKT_MS);
}

void mg_mc_media_close(struct mg_mc_media *m)
{
	if (m->rtp_fd >= 0)
		close(m->rtp_fd);
	if (m->rtcp_fd >= 0)
		close(m->rtcp_fd);
	m->rtp_fd = m->rtcp_fd = -1;
}
