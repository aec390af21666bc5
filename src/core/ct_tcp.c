/* ct_tcp.c - TCP state machine and sequence-window tracking (see ct_tcp.h).
 *
 * A packet is classified as RST, SYN (with or without ACK) or a plain
 * segment, and handled by one function per class.  Each works on a copy of
 * the tracking state that is committed only when the packet is accepted, so
 * a rejected packet never changes anything.
 *
 * States after the handshake are derived from the per-direction FIN flags
 * (state_from_fins), so crossing FINs and a FIN that also acknowledges the
 * peer's FIN need no special cases.
 *
 * All sequence comparisons use serial-number arithmetic: the difference of
 * two numbers read as a signed 32-bit value.
 */
#include "core/ct_tcp.h"

#include <stdbool.h>
#include <string.h>

/* Lower bound for how far an ACK may lag behind the data sent (van Rooij's
 * MAXACKWINDOW): a full 64 KiB unscaled window plus some slack. */
#define MAXACKWIN_MIN 66000u
#define MAX_WSCALE 14 /* RFC 7323 section 2.3 */

static int32_t sdiff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

/* Sequence number just past the segment; SYN and FIN occupy one each. */
static uint32_t seg_end(const struct mg_pkt *p)
{
	uint32_t end = p->seq + p->paylen;
	if (p->tcp_flags & MG_TH_SYN)
		end++;
	if (p->tcp_flags & MG_TH_FIN)
		end++;
	return end;
}

static void set_state(struct mg_tcp *t, enum mg_tcp_state s)
{
	t->state = (uint8_t)s;
	t->states_seen |= (uint16_t)(1u << s);
}

/* Start tracking one direction from its SYN.  A SYN's window is never
 * scaled. */
static void dir_init(struct mg_tcp_dir *d, const struct mg_pkt *p)
{
	memset(d, 0, sizeof(*d));
	d->isn = p->seq;
	d->end = seg_end(p);
	d->maxend = d->end;
	d->maxwin = p->win ? p->win : 1;
	d->flags = MG_TCPF_SEEN;
	d->mss = p->mss;
	if (p->wscale != 0xff) {
		d->flags |= MG_TCPF_SCALE;
		d->scale = p->wscale > MAX_WSCALE ? MAX_WSCALE : p->wscale;
	}
}

/* Scaling is in force only when both SYNs offered it (RFC 7323). */
static void negotiate_scale(struct mg_tcp *t)
{
	if (!((t->d[0].flags & MG_TCPF_SCALE) && (t->d[1].flags & MG_TCPF_SCALE))) {
		t->d[0].scale = 0;
		t->d[1].scale = 0;
	}
}

static uint32_t max_ack_window(const struct mg_tcp_dir *snd)
{
	return snd->maxwin > MAXACKWIN_MIN ? snd->maxwin : MAXACKWIN_MIN;
}

/* The four van Rooij checks for a segment from snd to rcv. */
static enum mg_reason window_check(const struct mg_tcp *t, const struct mg_pkt *p, int dir)
{
	const struct mg_tcp_dir *snd = &t->d[dir], *rcv = &t->d[!dir];
	uint32_t rcvwin = rcv->maxwin ? rcv->maxwin : 1;
	/* I: nothing beyond what the receiver allowed. */
	if (sdiff(seg_end(p), snd->maxend) > 0)
		return MG_R_TCP_OUT_OF_WINDOW;
	/* II: not older than one maximum window of the receiver. */
	if (sdiff(p->seq, snd->end - rcvwin) < 0)
		return MG_R_TCP_OUT_OF_WINDOW;
	if (p->tcp_flags & MG_TH_ACK) {
		/* III: acknowledges only data the receiver sent. */
		if (sdiff(p->ack, rcv->end) > 0)
			return MG_R_TCP_BAD_ACK;
		/* IV: and not far behind it. */
		if (sdiff(p->ack, rcv->end - max_ack_window(snd)) < 0)
			return MG_R_TCP_BAD_ACK;
	}
	return MG_R_NONE;
}

/* Record what an accepted segment tells: its end, its window, and the
 * limit its ACK grants the peer.  A zero window still admits a one-byte
 * probe. */
static void window_update(struct mg_tcp *t, const struct mg_pkt *p, int dir)
{
	struct mg_tcp_dir *snd = &t->d[dir], *rcv = &t->d[!dir];
	uint32_t win = p->win;
	if (!(p->tcp_flags & MG_TH_SYN))
		win <<= snd->scale;
	if (win > snd->maxwin)
		snd->maxwin = win;
	uint32_t end = seg_end(p);
	if (sdiff(end, snd->end) > 0)
		snd->end = end;
	if (p->tcp_flags & MG_TH_ACK) {
		if (!(snd->flags & MG_TCPF_ACKED) || sdiff(p->ack, snd->acked) > 0)
			snd->acked = p->ack;
		snd->flags |= MG_TCPF_ACKED;
		uint32_t lim = p->ack + win + (win == 0);
		if (sdiff(lim, rcv->maxend) > 0)
			rcv->maxend = lim;
	}
}

static enum mg_tcp_state state_from_fins(const struct mg_tcp *t)
{
	unsigned fins = 0, acked = 0;
	for (int i = 0; i < 2; i++) {
		fins += (t->d[i].flags & MG_TCPF_FIN) != 0;
		acked += (t->d[i].flags & MG_TCPF_FIN_ACKED) != 0;
	}
	if (fins == 0)
		return MG_TCP_ESTABLISHED;
	if (fins == 1)
		return acked ? MG_TCP_CLOSE_WAIT : MG_TCP_FIN_WAIT;
	return acked == 2 ? MG_TCP_TIME_WAIT : MG_TCP_LAST_ACK;
}

/* Fresh tracking from an originator's SYN; the history of states is kept. */
static void restart(struct mg_tcp *t, const struct mg_pkt *p)
{
	memset(t->d, 0, sizeof(t->d));
	dir_init(&t->d[0], p);
	set_state(t, MG_TCP_SYN_SENT);
}

static enum mg_reason on_rst(struct mg_tcp *t, const struct mg_pkt *p, int dir)
{
	const struct mg_tcp_dir *snd = &t->d[dir], *rcv = &t->d[!dir];
	if (!(snd->flags & MG_TCPF_SEEN)) {
		/* The responder refusing the SYN: acceptable only when it
		 * acknowledges exactly that SYN (RFC 793, SYN-SENT). */
		if (!(p->tcp_flags & MG_TH_ACK) || p->ack != rcv->end)
			return MG_R_TCP_BAD_RST;
		set_state(t, MG_TCP_CLOSE);
		return MG_R_NONE;
	}
	uint32_t rcvwin = rcv->maxwin ? rcv->maxwin : 1;
	if (sdiff(p->seq, snd->maxend) > 0 || sdiff(p->seq, snd->end - rcvwin) < 0)
		return MG_R_TCP_BAD_RST;
	/* Some stacks set ACK with a zero ack field on RST: ignore that ack. */
	if ((p->tcp_flags & MG_TH_ACK) && p->ack != 0 && (rcv->flags & MG_TCPF_SEEN) &&
	    (sdiff(p->ack, rcv->end) > 0 || sdiff(p->ack, rcv->end - max_ack_window(snd)) < 0))
		return MG_R_TCP_BAD_RST;
	/* RFC 5961: only the sequence number the receiver expects next (what
	 * it acknowledged last) or the sender's own next one ends the
	 * connection.  Elsewhere in the window the RST goes on to the
	 * receiver, which answers with a challenge ACK; the flow stays. */
	bool exact = p->seq == snd->end || ((rcv->flags & MG_TCPF_ACKED) && p->seq == rcv->acked);
	if (exact)
		set_state(t, MG_TCP_CLOSE);
	return MG_R_NONE;
}

/* SYN without ACK. */
static enum mg_reason on_syn(struct mg_tcp *t, const struct mg_pkt *p, int dir)
{
	struct mg_tcp_dir *d1 = &t->d[1];
	if (dir == 0) {
		switch (t->state) {
		case MG_TCP_SYN_SENT:
		case MG_TCP_SYN_RECV:
			if (seg_end(p) != t->d[0].end)
				restart(t, p); /* a new attempt with a new ISN */
			return MG_R_NONE;  /* else a retransmission */
		case MG_TCP_TIME_WAIT:
		case MG_TCP_CLOSE:
			restart(t, p); /* the connection is reopened */
			return MG_R_NONE;
		default:
			return MG_R_TCP_INVALID_STATE;
		}
	}
	/* From the responder: only a simultaneous open. */
	if (t->state == MG_TCP_SYN_SENT && !(d1->flags & MG_TCPF_SEEN)) {
		dir_init(d1, p);
		d1->flags |= MG_TCPF_SIMOPEN;
		negotiate_scale(t);
		return MG_R_NONE;
	}
	if ((t->state == MG_TCP_SYN_SENT || t->state == MG_TCP_SYN_RECV) &&
	    (d1->flags & MG_TCPF_SIMOPEN) && seg_end(p) == d1->end)
		return MG_R_NONE;
	return MG_R_TCP_INVALID_STATE;
}

/* SYN+ACK. */
static enum mg_reason on_synack(struct mg_tcp *t, const struct mg_pkt *p, int dir)
{
	struct mg_tcp_dir *snd = &t->d[dir], *rcv = &t->d[!dir];
	bool simopen = (t->d[1].flags & MG_TCPF_SIMOPEN) != 0;
	bool handshake = t->state == MG_TCP_SYN_SENT || t->state == MG_TCP_SYN_RECV;

	if (dir == 0 && !(simopen && handshake))
		return MG_R_TCP_INVALID_STATE; /* the originator does not answer a SYN */
	if (!handshake) {
		/* A late copy of the responder's SYN+ACK (the final ACK was lost
		 * after it passed): harmless if it fits the window. */
		if (t->state != MG_TCP_ESTABLISHED)
			return MG_R_TCP_INVALID_STATE;
		return window_check(t, p, dir);
	}
	if (p->ack != rcv->end)
		return MG_R_TCP_BAD_ACK; /* must acknowledge exactly the SYN */
	if (!(snd->flags & MG_TCPF_SEEN)) {
		/* The normal answer to the SYN.  Until the originator's first
		 * ACK arrives, its SYN window bounds what the responder sends. */
		dir_init(snd, p);
		snd->maxend = snd->end + rcv->maxwin;
		negotiate_scale(t);
	} else if (seg_end(p) != snd->end) {
		if (simopen)
			return MG_R_TCP_INVALID_STATE; /* must repeat its own SYN */
		/* The responder restarted with a new ISN. */
		dir_init(snd, p);
		snd->maxend = snd->end + rcv->maxwin;
		negotiate_scale(t);
	}
	window_update(t, p, dir);
	set_state(t, MG_TCP_SYN_RECV);
	return MG_R_NONE;
}

/* Neither SYN nor RST. */
static enum mg_reason on_segment(struct mg_tcp *t, const struct mg_pkt *p, int dir)
{
	struct mg_tcp_dir *snd = &t->d[dir], *rcv = &t->d[!dir];
	bool completes = false;

	/* Every segment after the initial SYN acknowledges something; a
	 * segment without ACK is a scan (FIN, NULL, Xmas) or garbage. */
	if (!(p->tcp_flags & MG_TH_ACK))
		return MG_R_TCP_INVALID_STATE;
	switch (t->state) {
	case MG_TCP_SYN_RECV:
		if (dir == 1 && !(t->d[1].flags & MG_TCPF_SIMOPEN))
			return MG_R_TCP_INVALID_STATE; /* responder data before the ACK */
		if (!(rcv->flags & MG_TCPF_SEEN))
			return MG_R_TCP_INVALID_STATE;
		if (p->ack != rcv->end)
			return MG_R_TCP_BAD_ACK; /* must acknowledge the peer's SYN */
		completes = true;
		break;
	case MG_TCP_ESTABLISHED:
	case MG_TCP_FIN_WAIT:
	case MG_TCP_CLOSE_WAIT:
	case MG_TCP_LAST_ACK:
	case MG_TCP_TIME_WAIT:
		break;
	default: /* NONE, SYN_SENT (data before the handshake), CLOSE */
		return MG_R_TCP_INVALID_STATE;
	}

	enum mg_reason r = window_check(t, p, dir);
	if (r != MG_R_NONE)
		return r;

	uint32_t end = seg_end(p);
	bool fin = (p->tcp_flags & MG_TH_FIN) != 0;
	if (snd->flags & MG_TCPF_FIN) {
		/* Nothing follows a FIN; a repeated FIN must end where the
		 * first one did. */
		if (sdiff(end, snd->end) > 0 || (fin && end != snd->end))
			return MG_R_TCP_INVALID_STATE;
	} else if (fin && sdiff(end, snd->end) < 0) {
		return MG_R_TCP_INVALID_STATE; /* a FIN before data already sent */
	}

	window_update(t, p, dir);
	if (fin)
		snd->flags |= MG_TCPF_FIN;
	if ((rcv->flags & MG_TCPF_FIN) && p->ack == rcv->end)
		rcv->flags |= MG_TCPF_FIN_ACKED;
	if (completes)
		set_state(t, MG_TCP_ESTABLISHED);
	enum mg_tcp_state s = state_from_fins(t);
	if (s != t->state)
		set_state(t, s);
	return MG_R_NONE;
}

enum mg_reason mg_tcp_new(struct mg_tcp *t, const struct mg_pkt *p)
{
	uint8_t f = p->tcp_flags & (MG_TH_SYN | MG_TH_ACK | MG_TH_RST | MG_TH_FIN);
	if (f != MG_TH_SYN)
		return MG_R_TCP_NO_SYN;
	memset(t, 0, sizeof(*t));
	restart(t, p);
	return MG_R_NONE;
}

enum mg_reason mg_tcp_track(struct mg_tcp *t, const struct mg_pkt *p, int dir)
{
	uint8_t f = p->tcp_flags;
	if ((dir != 0 && dir != 1) || t->state == MG_TCP_NONE || t->state >= MG_TCP__COUNT)
		return MG_R_TCP_INVALID_STATE;
	if ((f & MG_TH_SYN) && (f & (MG_TH_RST | MG_TH_FIN)))
		return MG_R_TCP_INVALID_STATE;

	struct mg_tcp n = *t;
	enum mg_reason r;
	if (f & MG_TH_RST)
		r = on_rst(&n, p, dir);
	else if ((f & MG_TH_SYN) && (f & MG_TH_ACK))
		r = on_synack(&n, p, dir);
	else if (f & MG_TH_SYN)
		r = on_syn(&n, p, dir);
	else
		r = on_segment(&n, p, dir);
	if (r == MG_R_NONE)
		*t = n;
	return r;
}

uint32_t mg_tcp_timeout(const struct mg_tcp *t, const struct mg_timeouts *to)
{
	switch (t->state) {
	case MG_TCP_SYN_SENT:
		return to->tcp_syn_sent;
	case MG_TCP_SYN_RECV:
		return to->tcp_syn_recv;
	case MG_TCP_ESTABLISHED:
		return to->tcp_established;
	case MG_TCP_FIN_WAIT:
		return to->tcp_fin_wait;
	case MG_TCP_CLOSE_WAIT:
		return to->tcp_close_wait;
	case MG_TCP_LAST_ACK:
		return to->tcp_last_ack;
	case MG_TCP_TIME_WAIT:
		return to->tcp_time_wait;
	default: /* CLOSE, and NONE which no tracked flow should be in */
		return to->tcp_close;
	}
}

const char *mg_tcp_state_name(uint8_t state)
{
	static const char *const names[MG_TCP__COUNT] = {
		"none",     "syn-sent",  "syn-recv",  "established", "fin-wait",
		"close-wait", "last-ack", "time-wait", "close",
	};
	return state < MG_TCP__COUNT ? names[state] : "?";
}
