/* rewrite_tcp.c - a TCP stream's sequence space after length-changing
 * edits: shifted sequence numbers, acknowledgements and SACK blocks mapped
 * back, and segments rebuilt around the edits. */
#include <string.h>

#include "core/csum.h"
#include "core/rewrite.h"
#include "core/wire.h"

void mg_rw_tcp_seq(struct mg_pkt *p, const struct mg_seqadj_dir *sender)
{
	uint32_t nseq = mg_seqadj_fwd(sender, p->seq);
	if (mg_rw_u32(p->l3, p->l4off + (uint32_t)MG_TCP_SEQ, nseq, p->l4off + (uint32_t)MG_TCP_CSUM))
		p->changed |= MG_RW_HDR;
}

/* SACK blocks (RFC 2018): each edge mapped back, a left edge inside a
 * replacement rounded up to its end, a right edge down to its start (a
 * block never claims part of an edit); a block left empty stays empty. */
static bool sack_map(struct mg_pkt *p, const struct mg_seqadj_dir *peer, bool fwd)
{
	uint8_t *l3 = p->l3;
	uint32_t o = p->l4off + (uint32_t)MG_TCP_HLEN, end = p->payoff, c = p->l4off + (uint32_t)MG_TCP_CSUM;
	bool ch = false;
	while (o < end) {
		uint8_t kind = l3[o];
		if (kind == MG_TCPOPT_EOL)
			break;
		if (kind == MG_TCPOPT_NOP) {
			o++;
			continue;
		}
		if (o + 1 >= end || l3[o + 1] < 2 || l3[o + 1] > end - o)
			break; /* the parser accepted the list: cannot happen */
		uint32_t olen = l3[o + 1];
		if (kind == MG_TCPOPT_SACK)
			for (uint32_t b = o + 2; b + 8 <= o + olen; b += 8) {
				uint32_t left = mg_rd32(l3 + b), right = mg_rd32(l3 + b + 4);
				left = fwd ? mg_seqadj_fwd(peer, left) : mg_seqadj_back(peer, left, true);
				right = fwd ? mg_seqadj_fwd(peer, right) : mg_seqadj_back(peer, right, false);
				if ((int32_t)(right - left) < 0)
					right = left;
				ch |= mg_rw_u32(l3, b, left, c);
				ch |= mg_rw_u32(l3, b + 4, right, c);
			}
		o += olen;
	}
	return ch;
}

void mg_rw_tcp_ack(struct mg_pkt *p, struct mg_seqadj_dir *peer)
{
	if (!(p->tcp_flags & MG_TH_ACK))
		return;
	uint32_t oack = mg_seqadj_back(peer, p->ack, false);
	bool ch = mg_rw_u32(p->l3, p->l4off + (uint32_t)MG_TCP_ACK, oack, p->l4off + (uint32_t)MG_TCP_CSUM);
	p->ack = oack;
	mg_seqadj_acked(peer, oack);
	if (p->payoff > p->l4off + (uint32_t)MG_TCP_HLEN)
		ch |= sack_map(p, peer, false);
	if (ch)
		p->changed |= MG_RW_HDR;
}

void mg_rw_tcp_ack_fwd(struct mg_pkt *p, const struct mg_seqadj_dir *peer)
{
	if (!(p->tcp_flags & MG_TH_ACK))
		return;
	uint32_t tack = mg_seqadj_fwd(peer, p->ack);
	bool ch = mg_rw_u32(p->l3, p->l4off + (uint32_t)MG_TCP_ACK, tack, p->l4off + (uint32_t)MG_TCP_CSUM);
	p->ack = tack;
	if (p->payoff > p->l4off + (uint32_t)MG_TCP_HLEN)
		ch |= sack_map(p, peer, true);
	if (ch)
		p->changed |= MG_RW_HDR;
}

/* TCP checksum of the segment at l3 (IPv4, header and payload in place). */
static void tcp_csum(uint8_t *l3, uint32_t l4off, uint32_t seglen)
{
	uint8_t ph[4] = {0, MG_PROTO_TCP, (uint8_t)(seglen >> 8), (uint8_t)seglen};
	mg_wr16(l3 + l4off + MG_TCP_CSUM, 0);
	uint32_t s = mg_csum_add(0, l3 + MG_IP4_SRC, 8);
	s = mg_csum_add(s, ph, sizeof(ph));
	s = mg_csum_add(s, l3 + l4off, seglen);
	mg_wr16(l3 + l4off + MG_TCP_CSUM, mg_csum_fold(s));
}

int mg_rw_tcp_rebuild(const struct mg_pkt *p, const struct mg_seqadj_dir *sender, uint32_t mss,
		      uint8_t *out, uint32_t cap, uint32_t *off, uint32_t *len, int max,
		      uint8_t *scratch, uint32_t cap_s)
{
	uint32_t tseq;
	uint32_t n = mg_seqadj_render(sender, p->seq, p->l3 + p->payoff, p->paylen, scratch, cap_s, &tseq);
	if (n == UINT32_MAX)
		return -1;
	uint8_t flags = p->tcp_flags;
	if (n == 0 && !(flags & (MG_TH_FIN | MG_TH_RST | MG_TH_SYN)))
		return 0;
	if (mss == 0)
		mss = 536; /* RFC 9293 3.7.1: the default when none was announced */
	uint32_t hdr = p->payoff, at = 0, done = 0;
	/* the MSS counts the fixed headers only: IP and TCP options come out
	 * of it (RFC 6691) */
	uint32_t opts = hdr - MG_IP4_HLEN - MG_TCP_HLEN;
	mss = mss > opts + 1 ? mss - opts : 1;
	int k = 0;
	uint16_t id = mg_rd16(p->l3 + MG_IP4_ID);
	do {
		uint32_t take = n - done > mss ? mss : n - done;
		bool last = done + take == n;
		if (k == max || hdr + take > cap - at)
			return -1;
		uint8_t *q = out + at;
		memcpy(q, p->l3, hdr);
		memcpy(q + hdr, scratch + done, take);
		/* IP header: total length and id, checksum carried along */
		uint16_t tot = (uint16_t)(hdr + take), nid = (uint16_t)(id + k);
		mg_csum_update16(q + MG_IP4_CSUM, mg_rd16(q + MG_IP4_TOTLEN), tot);
		mg_wr16(q + MG_IP4_TOTLEN, tot);
		mg_csum_update16(q + MG_IP4_CSUM, mg_rd16(q + MG_IP4_ID), nid);
		mg_wr16(q + MG_IP4_ID, nid);
		uint8_t *th = q + p->l4off;
		uint32_t s = tseq + done;
		th[MG_TCP_SEQ] = (uint8_t)(s >> 24);
		th[MG_TCP_SEQ + 1] = (uint8_t)(s >> 16);
		th[MG_TCP_SEQ + 2] = (uint8_t)(s >> 8);
		th[MG_TCP_SEQ + 3] = (uint8_t)s;
		if (!last)
			th[MG_TCP_FLAGS] = (uint8_t)(flags & ~(MG_TH_FIN | MG_TH_PSH));
		tcp_csum(q, p->l4off, hdr - p->l4off + take);
		off[k] = at;
		len[k] = hdr + take;
		at += hdr + take;
		done += take;
		k++;
	} while (done < n);
	return k;
}
