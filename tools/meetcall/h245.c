/* h245.c - meetcall's H.245 session, tunnelled or on a separate channel.
 *
 * Both sides open with TerminalCapabilitySet and MasterSlaveDetermination
 * and acknowledge the peer's.  Once capabilities went both ways (ours
 * acknowledged, theirs received) and fastStart did not already open media,
 * each side opens its one transmit channel (OpenLogicalChannel with its
 * RTCP address); the OpenLogicalChannelAck that answers it carries the
 * peer's RTP and RTCP addresses, and media towards the peer starts.
 * Tunnelled PDUs queue up and leave together in one Facility (or in the
 * H.225.0 message being built, for the callee's Connect). */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "meetcall/mc.h"

#define TERMINAL_TYPE 50 /* H.323 terminal (H.323 table 1) */
#define LCN_CALLER 1
#define LCN_CALLEE 101

void mg_mc_h245_send(struct mg_mc_call *c, const uint8_t *p, size_t n)
{
	if (n == 0 || n > MG_MC_PDU_MAX) {
		mg_mc_call_fail(c, "internal: H.245 message did not encode");
		return;
	}
	if (c->h245.fd >= 0 && !c->h245.connecting) {
		uint8_t t[MG_MC_PDU_MAX + 4];
		size_t tn = mg_mc_tpkt(p, n, t, sizeof t);
		if (!mg_mc_send_tpkt(c->h245.fd, t, tn, c->o->split))
			mg_mc_call_fail(c, "H.245 send failed: %s", strerror(errno));
		return;
	}
	if (!c->tunnel_used) {
		mg_mc_call_fail(c, "no H.245 channel to send on");
		return;
	}
	if (c->nq >= MG_MC_MAX_QUEUE) {
		mg_mc_call_fail(c, "too many tunnelled H.245 messages pending");
		return;
	}
	memcpy(c->q[c->nq], p, n);
	c->qn[c->nq++] = n;
}

void mg_mc_h245_flush(struct mg_mc_call *c)
{
	struct mg_mc_blob b[MG_MC_MAX_QUEUE];
	struct mg_mc_h225 m;
	if (c->nq == 0 || !c->tunnel_used || c->sig.fd < 0 || c->state != MG_MC_CONNECTED)
		return;
	for (unsigned i = 0; i < c->nq; i++) {
		b[i].p = c->q[i];
		b[i].n = c->qn[i];
	}
	memset(&m, 0, sizeof m);
	m.body = MG_H225_FACILITY;
	m.h245 = b;
	m.n_h245 = c->nq;
	c->nq = 0;
	(void)mg_mc_call_send_h225(c, &m);
}

void mg_mc_h245_start(struct mg_mc_call *c)
{
	uint8_t b[MG_MC_PDU_MAX];
	if (c->h245_started)
		return;
	c->h245_started = true;
	mg_mc_random(&c->msd_number, sizeof c->msd_number);
	c->msd_number &= 0xffffff;
	mg_mc_h245_send(c, b, mg_mc_enc_tcs(1, b, sizeof b));
	mg_mc_h245_send(c, b, mg_mc_enc_msd(TERMINAL_TYPE, c->msd_number, b, sizeof b));
}

/* H.245 8.2: the larger terminal type is master; with equal types the
 * larger status number (mod 2^24, within half the range) wins. */
static bool peer_is_master(const struct mg_mc_call *c, uint8_t type, uint32_t number)
{
	if (type != TERMINAL_TYPE)
		return type > TERMINAL_TYPE;
	uint32_t diff = (number - c->msd_number) & 0xffffff;
	if (diff == 0 || diff == 0x800000)
		return c->role == MG_MC_CALLEE; /* indeterminate: the caller leads */
	return diff < 0x800000;
}

static void copy_addr(struct mg_mc_addr *dst, const struct mg_h323_addr *a)
{
	memcpy(dst->ip, a->ip, 4);
	dst->port = a->port;
}

static void open_channel(struct mg_mc_call *c)
{
	uint8_t b[MG_MC_PDU_MAX];
	if (c->fs_used || c->olc_sent || !c->peer_tcs || !c->tcs_acked)
		return;
	struct mg_mc_olc o = {.lcn = c->role == MG_MC_CALLER ? LCN_CALLER : LCN_CALLEE, .has_ctrl = true,
			      .ctrl = c->media.local};
	o.ctrl.port++;
	c->olc_sent = true;
	mg_mc_h245_send(c, b, mg_mc_enc_olc(&o, b, sizeof b));
}

static uint16_t event_lcn(const struct mg_h323_scan *s, uint8_t kind)
{
	for (unsigned i = 0; i < s->n_ev; i++)
		if (s->ev[i].kind == kind)
			return s->ev[i].lcn;
	return 0;
}

void mg_mc_h245_input(struct mg_mc_call *c, const uint8_t *p, size_t n, uint8_t container)
{
	static struct mg_mc_h245_in in;
	uint8_t b[MG_MC_PDU_MAX];
	struct mg_mc_addr rtcp = c->media.local;
	rtcp.port++;
	enum mg_reason r = mg_mc_dec_h245(&in, p, n, container);
	if (r != MG_R_NONE) {
		mg_mc_call_fail(c, "malformed H.245 message from peer: %s at %s", mg_reason_name(r),
				in.scan.err_where ? in.scan.err_where : "?");
		return;
	}
	c->h245_used = true;
	mg_mc_call_note_addrs(c, &in.scan);
	switch (in.type) {
	case MG_MC_H245_TCS:
		c->peer_tcs = true;
		mg_mc_h245_send(c, b, mg_mc_enc_tcs_ack(in.seq, b, sizeof b));
		break;
	case MG_MC_H245_TCS_ACK:
		c->tcs_acked = true;
		break;
	case MG_MC_H245_MSD:
		mg_mc_h245_send(c, b, mg_mc_enc_msd_ack(peer_is_master(c, in.terminal_type, in.msd_number), b,
							sizeof b));
		break;
	case MG_MC_H245_MSD_ACK:
		c->msd_done = true;
		break;
	case MG_MC_H245_OLC: {
		uint16_t lcn = event_lcn(&in.scan, MG_H245_OLC);
		const struct mg_h323_addr *ctl = mg_mc_find_addr(&in.scan, MG_F_MEDIA_CTRL, MG_OLC_FORWARD, MG_MC_ANY);
		if (lcn == 0) {
			mg_mc_call_fail(c, "OpenLogicalChannel without a channel number");
			return;
		}
		if (ctl != NULL && !c->media.have_rtcp) {
			copy_addr(&c->media.peer_rtcp, ctl);
			c->media.have_rtcp = true;
		}
		mg_mc_h245_send(c, b, mg_mc_enc_olc_ack(lcn, &c->media.local, &rtcp, b, sizeof b));
		break;
	}
	case MG_MC_H245_OLC_ACK: {
		const struct mg_h323_addr *med = mg_mc_find_addr(&in.scan, MG_F_MEDIA, MG_OLC_ACK_FWD, MG_MC_ANY);
		const struct mg_h323_addr *ctl = mg_mc_find_addr(&in.scan, MG_F_MEDIA_CTRL, MG_OLC_ACK_FWD, MG_MC_ANY);
		if (med == NULL) {
			mg_mc_call_fail(c, "OpenLogicalChannelAck without a mediaChannel");
			return;
		}
		copy_addr(&c->media.peer_rtp, med);
		c->media.have_rtp = true;
		if (ctl != NULL) {
			copy_addr(&c->media.peer_rtcp, ctl);
			c->media.have_rtcp = true;
		}
		c->olc_acked = true;
		mg_mc_call_media(c);
		break;
	}
	case MG_MC_H245_OLC_REJECT:
		mg_mc_call_fail(c, "peer rejected our logical channel");
		return;
	case MG_MC_H245_END_SESSION:
		c->esc_seen = true;
		if (!c->esc_sent && c->h245_started) {
			c->esc_sent = true;
			mg_mc_h245_send(c, b, mg_mc_enc_end_session(b, sizeof b));
		}
		break;
	default:
		break;
	}
	open_channel(c);
}

void mg_mc_h245_accept(struct mg_mc_call *c)
{
	int fd = accept4(c->h245_lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	close(c->h245_lfd);
	c->h245_lfd = -1;
	c->h245.fd = fd;
	c->h245.connecting = false;
	c->last_rx = mg_mc_now_ms();
	mg_mc_h245_start(c);
}

void mg_mc_h245_ready(struct mg_mc_call *c, short revents)
{
	if (c->h245.connecting) {
		int err = 0;
		socklen_t len = sizeof err;
		if (!(revents & (POLLOUT | POLLERR | POLLHUP)))
			return;
		c->h245.connecting = false;
		if (getsockopt(c->h245.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
			mg_mc_call_fail(c, "cannot connect the H.245 channel: %s", strerror(err));
			return;
		}
		mg_mc_h245_start(c);
		return;
	}
	int r = mg_mc_stream_read(&c->h245);
	for (;;) {
		uint8_t msg[MG_MC_RXBUF];
		size_t n;
		int got = mg_mc_stream_pop(&c->h245, msg, sizeof msg, &n);
		if (got < 0) {
			mg_mc_call_fail(c, "H.245 stream is not TPKT framed (or a message is too large)");
			return;
		}
		if (got == 0)
			break;
		c->last_rx = mg_mc_now_ms();
		mg_mc_h245_input(c, msg, n, MG_C_H245);
		if (c->failed)
			return;
	}
	if (r <= 0) /* the peer closed H.245: the call itself ends by H.225.0 */
		mg_mc_stream_close(&c->h245);
}
