/* call.c - one call's H.225.0 signalling, as a state machine.
 *
 * Caller: CONNECTING -> (TCP up) Setup -> SETUP -> (Connect) CONNECTED ->
 *   after --duration s of media: EndSessionCommand if H.245 ran, then
 *   ReleaseComplete -> CLOSING -> DONE.
 * Callee: SETUP (waiting for Setup) -> CallProceeding, Alerting, Connect ->
 *   CONNECTED -> (ReleaseComplete) -> DONE.
 * With --gk (ras.c): the caller starts in ADMISSION (ARQ sent) and calls
 * the destCallSignalAddress of the ACF; the callee holds the Setup, sends
 * ARQ answerCall and answers it on ACF (ReleaseComplete cause 21 on ARJ or
 * no answer); an admitted call's end sends a DRQ (mg_mc_call_finish).
 * Closing (--close): the side that receives ReleaseComplete closes the
 * signalling connection at once; the side that sent it waits in CLOSING
 * (bounded) for the peer's close and closes after it, so that with FINs the
 * TIME_WAIT state lands on the peer and this side may connect again from the
 * same port (--sport).  With --close rst every close is a reset.
 * A listener with its own aliases (listen --alias) answers a Setup meant for
 * none of them with ReleaseComplete, cause 1 (unallocated number), and
 * closes like any side that sent ReleaseComplete.  A caller that receives
 * ReleaseComplete reports its cause and reason; with --expect-release it
 * is the expected end when the cause matches.
 * fastStart: the caller proposes one transmit and one receive G.711
 * channel; the callee accepts both in Connect (H.323 8.1.7.1: the transmit
 * proposal comes back with the callee's mediaChannel, the receive proposal
 * with its mediaControlChannel).  H.245 runs tunnelled when both sides set
 * h245Tunneling, else on a separate TCP channel: the callee listens and puts
 * h245Address in Connect, the caller (the side receiving h245Address)
 * connects.  Any malformed message from the peer ends the call with the
 * decoder's reason; a deadline bounds every state.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "meetcall/mc.h"
#include "proto/q931_build.h"

#define SIG_MAX 4096
#define ESC_WAIT_MS 1000 /* longest wait for the peer's endSessionCommand */
#define CAUSE_CALL_REJECTED 21 /* Q.931: a callee whose gatekeeper refused the admission */

void mg_mc_call_init(struct mg_mc_call *c, const struct mg_mc_opts *o, unsigned num, enum mg_mc_role role,
		     uint64_t now)
{
	memset(c, 0, sizeof *c);
	c->o = o;
	c->num = num;
	c->role = role;
	c->sig.fd = c->h245.fd = c->h245_lfd = -1;
	c->media.rtp_fd = c->media.rtcp_fd = -1;
	c->t_start = c->last_rx = now;
	if (role == MG_MC_CALLER)
		c->deadline = now + o->timeout_ms;
	else
		c->deadline = o->timeout_ms ? now + o->timeout_ms : UINT64_MAX;
	mg_mc_random(&c->call_ref, sizeof c->call_ref);
	c->call_ref = (uint16_t)((c->call_ref & 0x7fff) | 1);
	if (role == MG_MC_CALLER && o->have_call_id)
		memcpy(c->call_id, o->call_id, 16);
	else
		mg_mc_random(c->call_id, sizeof c->call_id);
	if (role == MG_MC_CALLER)
		(void)mg_mc_parse_addr(o->host, o->port, &c->target);
}

void mg_mc_call_fail(struct mg_mc_call *c, const char *fmt, ...)
{
	va_list ap;
	if (c->failed)
		return;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof c->err, fmt, ap);
	va_end(ap);
}

/* Everything but the signalling connection. */
static void teardown(struct mg_mc_call *c, uint64_t now)
{
	mg_mc_media_stop(&c->media, now);
	mg_mc_media_settle(&c->media);
	mg_mc_media_close(&c->media);
	mg_mc_stream_close(&c->h245);
	if (c->h245_lfd >= 0)
		close(c->h245_lfd);
	c->h245_lfd = -1;
}

void mg_mc_call_finish(struct mg_mc_call *c)
{
	if (c->state == MG_MC_DONE || c->state == MG_MC_FREE)
		return;
	uint64_t now = mg_mc_now_ms();
	if (c->o->gk)
		mg_mc_ras_call_done(c); /* its ARQ is dropped, or its DRQ goes out */
	teardown(c, now);
	mg_mc_stream_close_mode(&c->sig, c->o->close_rst);
	c->t_end = now;
	c->state = MG_MC_DONE;
}

void mg_mc_call_note_addrs(struct mg_mc_call *c, const struct mg_h323_scan *s)
{
	for (unsigned i = 0; i < s->n_addr; i++) {
		const struct mg_h323_addr *a = &s->addr[i];
		struct mg_mc_peer_addr p = {.field = a->field};
		if (a->family != 4)
			continue;
		memcpy(p.a.ip, a->ip, 4);
		p.a.port = a->port;
		bool seen = false;
		for (unsigned k = 0; k < c->n_peer_addr && !seen; k++)
			seen = c->peer_addr[k].field == p.field && memcmp(&c->peer_addr[k].a, &p.a, sizeof p.a) == 0;
		if (!seen && c->n_peer_addr < MG_MC_PEER_ADDRS)
			c->peer_addr[c->n_peer_addr++] = p;
	}
}

bool mg_mc_call_ok(const struct mg_mc_call *c)
{
	const struct mg_mc_media *m = &c->media;
	if (c->refused)
		return !c->failed && c->release_sent;
	if (c->role == MG_MC_CALLER && !c->call_back && c->o->expect_release)
		return !c->failed && c->release_expected;
	unsigned expected = mg_mc_media_expected(m);
	bool released = c->role == MG_MC_CALLER ? c->release_sent : c->release_seen;
	return !c->failed && released && m->rtp_tx > 0 && expected > 0 && m->rtp_rx_other == 0 &&
	       (uint64_t)m->rtp_rx * 100 >= (uint64_t)expected * MG_MC_PASS_PCT;
}

bool mg_mc_call_send_h225(struct mg_mc_call *c, struct mg_mc_h225 *m)
{
	uint8_t buf[SIG_MAX];
	m->call_ref = c->call_ref;
	m->from_callee = c->role == MG_MC_CALLEE;
	memcpy(m->call_id, c->call_id, 16);
	/* the conferenceID is taken equal to the callIdentifier by both
	 * sides, so the callee's Connect repeats the Setup's value */
	memcpy(m->conf_id, c->call_id, 16);
	if (m->body != MG_H225_SETUP)
		m->tunneling = c->tunnel_used;
	size_t n = mg_mc_enc_h225(m, buf, sizeof buf);
	if (n == 0) {
		mg_mc_call_fail(c, "internal: H.225.0 message (body %u) did not encode", m->body);
		return false;
	}
	if (!mg_mc_send_tpkt(c->sig.fd, buf, n, c->o->split)) {
		mg_mc_call_fail(c, "signalling send failed: %s", strerror(errno));
		return false;
	}
	return true;
}

void mg_mc_call_media(struct mg_mc_call *c)
{
	uint64_t now = mg_mc_now_ms();
	mg_mc_media_settle(&c->media);
	mg_mc_media_start(&c->media, now);
	if (c->role == MG_MC_CALLER && c->end_at == 0)
		c->end_at = now + c->o->duration_ms;
}

/* With --sport the port may still belong to the previous call's
 * connection for a moment (its last ACK in flight, or a TIME_WAIT the
 * kernel will not reuse): connect again every 20 ms, for a bounded time. */
#define RETRY_STEP_MS 20

bool mg_mc_call_place(struct mg_mc_call *c)
{
	uint16_t sport = c->call_back ? 0 : c->o->sport;
	uint64_t now = mg_mc_now_ms();
	if (c->o->gk && !c->call_back && !c->admitted) {
		/* --gk: the gatekeeper's ACF says where to call */
		c->state = MG_MC_ADMISSION;
		if (!mg_mc_ras_admit(c, NULL, NULL)) {
			mg_mc_call_fail(c, "internal: the ARQ could not be sent");
			mg_mc_call_finish(c);
			return false;
		}
		return true;
	}
	c->state = MG_MC_CONNECTING;
	c->retry_at = 0;
	c->sig.fd = mg_mc_tcp_connect(c->o->bind_ip, sport, &c->target);
	if (c->sig.fd < 0) {
		int e = errno;
		if (sport != 0 && (e == EADDRNOTAVAIL || e == EADDRINUSE)) {
			if (c->retry_end == 0)
				c->retry_end = now + MG_MC_RETRY_MS;
			if (now + RETRY_STEP_MS < c->retry_end && now + RETRY_STEP_MS < c->deadline) {
				c->retry_at = now + RETRY_STEP_MS;
				return true;
			}
		}
		char t[32];
		mg_mc_addr_str(&c->target, t, sizeof t);
		mg_mc_call_fail(c, "cannot connect to %s from port %u: %s", t, sport, strerror(e));
		mg_mc_call_finish(c);
		return false;
	}
	c->sig.connecting = true;
	return true;
}

size_t mg_mc_call_enc_setup(const struct mg_mc_call *c, uint8_t *out, size_t cap)
{
	uint8_t b0[MG_MC_PDU_MAX], b1[MG_MC_PDU_MAX];
	struct mg_mc_blob fs[2];
	struct mg_mc_h225 m;
	struct mg_mc_addr rtcp = c->media.local;
	rtcp.port++;
	memset(&m, 0, sizeof m);
	m.body = MG_H225_SETUP;
	m.call_ref = c->call_ref;
	memcpy(m.call_id, c->call_id, 16);
	memcpy(m.conf_id, c->call_id, 16);
	m.display = c->o->from;
	m.src_alias = c->o->from;
	m.dst_alias = c->o->alias;
	m.called_number = c->call_back ? NULL : c->o->called_number;
	m.src_sig = c->local_sig;
	if (c->o->advertise_port != 0 && !c->call_back)
		m.src_sig.port = c->o->advertise_port;
	m.dst_sig = c->peer_sig;
	m.tunneling = c->o->tunnel;
	if (c->o->faststart) {
		struct mg_mc_olc tx = {.lcn = 1, .has_ctrl = true, .ctrl = rtcp};
		struct mg_mc_olc rx = {.lcn = 2, .reverse = true, .has_media = true, .media = c->media.local,
				       .has_ctrl = true, .ctrl = rtcp};
		fs[0].p = b0;
		fs[0].n = mg_mc_enc_olc_body(&tx, b0, sizeof b0);
		fs[1].p = b1;
		fs[1].n = mg_mc_enc_olc_body(&rx, b1, sizeof b1);
		m.faststart = fs;
		m.n_faststart = 2;
	}
	return mg_mc_enc_h225(&m, out, cap);
}

static void send_setup(struct mg_mc_call *c)
{
	uint8_t buf[SIG_MAX];
	size_t n = mg_mc_call_enc_setup(c, buf, sizeof buf);
	if (n == 0) {
		mg_mc_call_fail(c, "internal: Setup did not encode");
		return;
	}
	if (!mg_mc_send_tpkt(c->sig.fd, buf, n, c->o->split)) {
		mg_mc_call_fail(c, "signalling send failed: %s", strerror(errno));
		return;
	}
	c->t_setup = mg_mc_now_ms();
	c->state = MG_MC_SETUP;
}

static void connected(struct mg_mc_call *c)
{
	int err = 0;
	socklen_t len = sizeof err;
	c->sig.connecting = false;
	if (getsockopt(c->sig.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
		char t[32];
		mg_mc_addr_str(&c->target, t, sizeof t);
		mg_mc_call_fail(c, "cannot connect to %s: %s", t, strerror(err));
		mg_mc_call_finish(c);
		return;
	}
	struct mg_mc_addr ip;
	if (!mg_mc_sockname(c->sig.fd, &c->local_sig) || !mg_mc_peername(c->sig.fd, &c->peer_sig)) {
		mg_mc_call_fail(c, "signalling socket has no IPv4 address");
		mg_mc_call_finish(c);
		return;
	}
	ip = c->local_sig;
	ip.port = 0;
	if (!mg_mc_media_open(&c->media, &ip)) {
		mg_mc_call_fail(c, "cannot open an RTP/RTCP port pair: %s", strerror(errno));
		mg_mc_call_finish(c);
		return;
	}
	send_setup(c);
}

bool mg_mc_call_accept(struct mg_mc_call *c, int fd)
{
	c->sig.fd = fd;
	c->state = MG_MC_SETUP;
	if (!mg_mc_sockname(fd, &c->local_sig) || !mg_mc_peername(fd, &c->peer_sig)) {
		mg_mc_call_fail(c, "signalling socket has no IPv4 address");
		mg_mc_call_finish(c);
		return false;
	}
	return true;
}

static const struct mg_h323_addr *fs_addr(const struct mg_h323_scan *s, uint8_t field, uint8_t part)
{
	const struct mg_h323_addr *a = mg_mc_find_addr(s, field, part, MG_C_FASTSTART);
	return a != NULL && a->media == MG_MEDIA_AUDIO ? a : NULL;
}

static void refuse(struct mg_mc_call *c, const struct mg_h323_scan *s);

/* Callee: keep the Setup's destinationAddress aliases (as decoded, the
 * first MG_H225_ALIASES); true when the listener refuses the call. */
static bool dest_aliases(struct mg_mc_call *c, const uint8_t *msg, size_t n)
{
	static struct mg_h323_scan scratch; /* large; one message at a time */
	struct mg_h225_aliases al;
	(void)mg_h225_setup_aliases(msg, (uint32_t)n, &scratch, &al); /* lists as far as they got */
	c->n_dest_alias = 0;
	for (unsigned i = 0; i < al.n[1] && i < MG_H225_ALIASES; i++)
		memcpy(c->dest_alias[c->n_dest_alias++], al.a[1][i].s, MG_H225_ALIAS_LEN);
	return mg_mc_alias_refused(c->o, &al);
}

/* Callee: choose what to accept, answer with CallProceeding, Alerting and
 * Connect (or refuse a call for none of our aliases). */
static void on_setup(struct mg_mc_call *c, const struct mg_mc_in *in, const uint8_t *msg, size_t n)
{
	const struct mg_h323_scan *s = &in->scan;
	struct mg_mc_addr ip = c->local_sig;
	struct mg_mc_h225 m;
	c->call_ref = s->call_ref;
	if (s->has_call_id)
		memcpy(c->call_id, s->call_id, 16);
	const struct mg_h323_addr *src = mg_mc_find_addr(s, MG_F_SRC_CALLSIG, MG_MC_ANY, MG_C_UUIE);
	if (src != NULL) {
		memcpy(c->setup_src.ip, src->ip, 4);
		c->setup_src.port = src->port;
		c->have_setup_src = true;
	}
	c->t_setup = mg_mc_now_ms();
	if (dest_aliases(c, msg, n)) {
		refuse(c, s);
		return;
	}
	ip.port = 0;
	if (!mg_mc_media_open(&c->media, &ip)) {
		mg_mc_call_fail(c, "cannot open an RTP/RTCP port pair: %s", strerror(errno));
		return;
	}
	struct mg_mc_addr rtcp = c->media.local;
	rtcp.port++;
	c->tunnel_used = c->o->tunnel && s->h245_tunneling;

	const struct mg_h323_addr *rx_media = fs_addr(s, MG_F_MEDIA, MG_OLC_REVERSE);
	const struct mg_h323_addr *rx_ctrl = fs_addr(s, MG_F_MEDIA_CTRL, MG_OLC_REVERSE);
	const struct mg_h323_addr *tx_ctrl = fs_addr(s, MG_F_MEDIA_CTRL, MG_OLC_FORWARD);
	if (c->o->faststart && rx_media != NULL && tx_ctrl != NULL) {
		c->fs_used = true;
		c->fs_lcn_rx = rx_media->lcn;
		c->fs_lcn_tx = tx_ctrl->lcn;
		memcpy(c->media.peer_rtp.ip, rx_media->ip, 4);
		c->media.peer_rtp.port = rx_media->port;
		c->media.have_rtp = true;
		const struct mg_h323_addr *ctl = rx_ctrl != NULL ? rx_ctrl : tx_ctrl;
		memcpy(c->media.peer_rtcp.ip, ctl->ip, 4);
		c->media.peer_rtcp.port = ctl->port;
		c->media.have_rtcp = true;
	}

	memset(&m, 0, sizeof m);
	m.body = MG_H225_CALL_PROCEEDING;
	if (!mg_mc_call_send_h225(c, &m))
		return;
	m.body = MG_H225_ALERTING;
	if (!mg_mc_call_send_h225(c, &m))
		return;

	memset(&m, 0, sizeof m);
	m.body = MG_H225_CONNECT;
	if (!c->tunnel_used) {
		struct mg_mc_addr h = c->local_sig;
		h.port = 0;
		char ipstr[32];
		snprintf(ipstr, sizeof ipstr, "%u.%u.%u.%u", h.ip[0], h.ip[1], h.ip[2], h.ip[3]);
		c->h245_lfd = mg_mc_tcp_listen(ipstr, 0, &h);
		if (c->h245_lfd < 0) {
			mg_mc_call_fail(c, "cannot listen for H.245: %s", strerror(errno));
			return;
		}
		m.has_h245_addr = true;
		m.h245_addr = h;
	} else {
		mg_mc_h245_start(c); /* TCS + MSD ride in the Connect */
	}
	uint8_t b0[MG_MC_PDU_MAX], b1[MG_MC_PDU_MAX];
	struct mg_mc_blob fs[2], h245[MG_MC_MAX_QUEUE];
	if (c->fs_used) {
		struct mg_mc_olc tx = {.lcn = c->fs_lcn_tx, .has_media = true, .media = c->media.local,
				       .has_ctrl = true, .ctrl = rtcp};
		struct mg_mc_olc rx = {.lcn = c->fs_lcn_rx, .reverse = true, .has_ctrl = true, .ctrl = rtcp};
		fs[0].p = b0;
		fs[0].n = mg_mc_enc_olc_body(&tx, b0, sizeof b0);
		fs[1].p = b1;
		fs[1].n = mg_mc_enc_olc_body(&rx, b1, sizeof b1);
		m.faststart = fs;
		m.n_faststart = 2;
	}
	for (unsigned i = 0; i < c->nq; i++) {
		h245[i].p = c->q[i];
		h245[i].n = c->qn[i];
	}
	m.h245 = h245;
	m.n_h245 = c->nq;
	if (!mg_mc_call_send_h225(c, &m))
		return;
	c->nq = 0;
	c->state = MG_MC_CONNECTED;
	c->t_connect = mg_mc_now_ms();
	if (c->fs_used)
		mg_mc_call_media(c);
}

/* Caller: CallProceeding, Alerting or Connect from the callee. */
static void on_answer(struct mg_mc_call *c, const struct mg_mc_in *in)
{
	const struct mg_h323_scan *s = &in->scan;
	c->tunnel_used = c->o->tunnel && s->h245_tunneling;
	const struct mg_h323_addr *h = mg_mc_find_addr(s, MG_F_H245_ADDRESS, MG_MC_ANY, MG_C_UUIE);
	if (h != NULL) {
		memcpy(c->peer_h245.ip, h->ip, 4);
		c->peer_h245.port = h->port;
		c->have_h245_addr = true;
	}
	if (c->o->faststart && !c->fs_used && s->n_faststart > 0) {
		const struct mg_h323_addr *med = fs_addr(s, MG_F_MEDIA, MG_OLC_FORWARD);
		const struct mg_h323_addr *ctl = fs_addr(s, MG_F_MEDIA_CTRL, MG_OLC_FORWARD);
		if (ctl == NULL)
			ctl = fs_addr(s, MG_F_MEDIA_CTRL, MG_OLC_REVERSE);
		if (med != NULL) {
			c->fs_used = true;
			memcpy(c->media.peer_rtp.ip, med->ip, 4);
			c->media.peer_rtp.port = med->port;
			c->media.have_rtp = true;
			if (ctl != NULL) {
				memcpy(c->media.peer_rtcp.ip, ctl->ip, 4);
				c->media.peer_rtcp.port = ctl->port;
				c->media.have_rtcp = true;
			}
		}
	}
	if (s->q931_type != MG_Q931_CONNECT || c->state != MG_MC_SETUP)
		return;
	c->state = MG_MC_CONNECTED;
	c->t_connect = mg_mc_now_ms();
	if (c->o->expect_release && !c->call_back) {
		mg_mc_call_fail(c, "connected, but a release with cause %u (%s) was expected", c->o->expect_cause,
				mg_q931_cause_name(c->o->expect_cause));
		return;
	}
	if (c->fs_used)
		mg_mc_call_media(c);
	if (c->tunnel_used) {
		mg_mc_h245_start(c);
	} else if (c->have_h245_addr) {
		char ip[32];
		mg_mc_addr_str(&c->peer_h245, ip, sizeof ip);
		c->h245.fd = mg_mc_tcp_connect(c->o->bind_ip, 0, &c->peer_h245);
		if (c->h245.fd < 0)
			mg_mc_call_fail(c, "cannot connect to h245Address %s: %s", ip, strerror(errno));
		c->h245.connecting = true;
	} else if (!c->fs_used) {
		mg_mc_call_fail(c, "Connect offers neither fastStart, tunnelling nor an h245Address");
	}
}

/* ReleaseComplete went out (or could not): close now, or let the peer
 * close first (see the top of this file). */
static void after_release(struct mg_mc_call *c, uint64_t now)
{
	if (!c->release_sent || c->o->close_rst) {
		mg_mc_call_finish(c);
		return;
	}
	teardown(c, now);
	c->rc_at = 0;
	c->close_at = now + MG_MC_CLOSE_WAIT_MS;
	c->state = MG_MC_CLOSING;
}

static void release(struct mg_mc_call *c)
{
	struct mg_mc_h225 m;
	uint64_t now = mg_mc_now_ms();
	mg_mc_media_stop(&c->media, now);
	memset(&m, 0, sizeof m);
	m.body = MG_H225_RELEASE_COMPLETE;
	/* nothing to release on a connection not yet up (a send would wait) */
	if (c->sig.fd >= 0 && !c->sig.connecting && mg_mc_call_send_h225(c, &m))
		c->release_sent = true;
	after_release(c, now);
}

/* Callee: answer the Setup with ReleaseComplete and this Q.931 cause,
 * then close like any sender of ReleaseComplete. */
static void release_cause(struct mg_mc_call *c, uint8_t cause, const uint8_t *call_id)
{
	uint8_t buf[128];
	size_t n = mg_q931_build_release_complete(buf, sizeof buf, c->call_ref, true, cause, call_id);
	if (n == 0)
		mg_mc_call_fail(c, "internal: ReleaseComplete did not encode");
	else if (!mg_mc_send_tpkt(c->sig.fd, buf, n, c->o->split))
		mg_mc_call_fail(c, "signalling send failed: %s", strerror(errno));
	else
		c->release_sent = true;
	after_release(c, mg_mc_now_ms());
}

/* Callee with --alias: the Setup is for none of our aliases. */
static void refuse(struct mg_mc_call *c, const struct mg_h323_scan *s)
{
	c->refused = true;
	release_cause(c, MG_Q931_CAUSE_UNALLOCATED, s->has_call_id ? s->call_id : NULL);
}

bool mg_mc_alias_refused(const struct mg_mc_opts *o, const struct mg_h225_aliases *al)
{
	if (o->n_own_alias == 0 || al->n[1] == 0)
		return false;
	for (unsigned i = 0; i < al->n[1] && i < MG_H225_ALIASES; i++) {
		const struct mg_h225_alias *a = &al->a[1][i];
		if (a->cut || a->type == MG_H225_ALIAS_OTHER)
			continue;
		for (unsigned k = 0; k < o->n_own_alias; k++)
			if (strcasecmp(a->s, o->own_alias[k]) == 0)
				return false;
	}
	return true;
}

void mg_mc_release_str(const struct mg_mc_call *c, char *out, size_t cap)
{
	int n;
	if (c->release_cause != 0)
		n = snprintf(out, cap, "cause %u (%s)", c->release_cause, mg_q931_cause_name(c->release_cause));
	else
		n = snprintf(out, cap, "no cause");
	if (n >= 0 && (size_t)n < cap && c->release_reason != MG_H225_RR_NONE)
		snprintf(out + n, cap - (size_t)n, ", reason %s", mg_h225_release_reason_name(c->release_reason));
}

void mg_mc_call_released(struct mg_mc_call *c, const struct mg_h323_scan *s)
{
	char why[96];
	c->release_seen = true;
	c->release_cause = s->q931_cause;
	c->release_reason = s->release_reason;
	c->t_release = mg_mc_now_ms();
	if (c->role != MG_MC_CALLER)
		return;
	mg_mc_release_str(c, why, sizeof why);
	if (c->call_back || !c->o->expect_release)
		mg_mc_call_fail(c, "released by the far end: %s", why);
	else if (c->release_cause == c->o->expect_cause)
		c->release_expected = true;
	else
		mg_mc_call_fail(c, "released by the far end: %s; expected cause %u (%s)", why, c->o->expect_cause,
				mg_q931_cause_name(c->o->expect_cause));
}

/* H.323 8.5: when H.245 ran, endSessionCommand goes first and the
 * ReleaseComplete waits (bounded) for the peer's endSessionCommand, so the
 * peer's answer does not hit a closed connection.  On a failure the call is
 * cleared at once. */
static void hang_up(struct mg_mc_call *c)
{
	if (c->h245_started && !c->esc_sent && c->state == MG_MC_CONNECTED) {
		uint8_t b[16];
		size_t n = mg_mc_enc_end_session(b, sizeof b);
		c->esc_sent = true;
		mg_mc_h245_send(c, b, n);
		mg_mc_h245_flush(c);
		if (!c->failed && !c->esc_seen) {
			mg_mc_media_stop(&c->media, mg_mc_now_ms());
			c->rc_at = mg_mc_now_ms() + ESC_WAIT_MS;
			return;
		}
	}
	release(c);
}

/* Callee with --gk: keep the Setup and ask the gatekeeper (ARQ answerCall)
 * before answering it; a Setup for none of our --alias is refused at once. */
static void hold_setup(struct mg_mc_call *c, const struct mg_mc_in *in, const uint8_t *msg, size_t n)
{
	static struct mg_h323_scan scratch;
	struct mg_h225_aliases al;
	const struct mg_h323_scan *s = &in->scan;
	c->call_ref = s->call_ref;
	if (s->has_call_id)
		memcpy(c->call_id, s->call_id, 16);
	const struct mg_h323_addr *src = mg_mc_find_addr(s, MG_F_SRC_CALLSIG, MG_MC_ANY, MG_C_UUIE);
	if (src != NULL) {
		memcpy(c->setup_src.ip, src->ip, 4);
		c->setup_src.port = src->port;
		c->have_setup_src = true;
	}
	if (dest_aliases(c, msg, n)) {
		c->t_setup = mg_mc_now_ms();
		refuse(c, s);
		return;
	}
	if (n > sizeof c->held) {
		mg_mc_call_fail(c, "Setup of %zu octets is too large to hold for the admission", n);
		return;
	}
	memcpy(c->held, msg, n);
	c->held_n = n;
	(void)mg_h225_setup_aliases(msg, (uint32_t)n, &scratch, &al);
	if (!mg_mc_ras_admit(c, s, &al))
		mg_mc_call_fail(c, "internal: the ARQ could not be sent");
}

static void on_message(struct mg_mc_call *c, const uint8_t *msg, size_t n);

void mg_mc_call_admission(struct mg_mc_call *c, const struct mg_mc_ras *r)
{
	char why[96];
	c->admission_wait = false;
	if (r != NULL && r->type == MG_MC_ACF) {
		c->admitted = true;
		c->acf_routed = r->routed;
		c->acf_addr = r->dest_sig;
		if (c->role == MG_MC_CALLER) {
			c->target = r->dest_sig;
			(void)mg_mc_call_place(c);
			return;
		}
		on_message(c, c->held, c->held_n); /* the Setup, answered now */
		if (c->failed && c->state != MG_MC_CLOSING && c->state != MG_MC_DONE) {
			hang_up(c);
			mg_mc_call_finish(c);
		}
		return;
	}
	if (r == NULL) {
		snprintf(why, sizeof why, "no answer to the ARQ from the gatekeeper");
	} else {
		c->arj = true;
		c->arj_reason = r->reason;
		c->arj_ext = r->reason_ext;
		snprintf(why, sizeof why, "admission rejected by the gatekeeper: %s %s", mg_mc_ras_name(r->type),
			 mg_mc_ras_reason_name(r->type, r->reason, r->reason_ext));
	}
	mg_mc_call_fail(c, "%s", why);
	if (c->role == MG_MC_CALLEE) {
		release_cause(c, CAUSE_CALL_REJECTED, c->call_id);
		return;
	}
	mg_mc_call_finish(c);
}

static void on_message(struct mg_mc_call *c, const uint8_t *msg, size_t n)
{
	static struct mg_mc_in in; /* large; one message at a time */
	enum mg_reason r = mg_mc_dec_q931(&in, msg, n);
	if (r != MG_R_NONE) {
		mg_mc_call_fail(c, "malformed H.225.0 message from peer: %s at %s", mg_reason_name(r),
				in.scan.err_where ? in.scan.err_where : "?");
		return;
	}
	const struct mg_h323_scan *s = &in.scan;
	if (!s->has_uuie) {
		mg_mc_call_fail(c, "Q.931 message 0x%02x from peer has no H.225.0 UUIE", s->q931_type);
		return;
	}
	if (s->q931_type != MG_Q931_RELEASE_COMPLETE)
		mg_mc_call_note_addrs(c, s);
	switch (s->q931_type) {
	case MG_Q931_SETUP:
		if (c->role != MG_MC_CALLEE || c->state != MG_MC_SETUP || c->admission_wait) {
			mg_mc_call_fail(c, "unexpected Setup");
			return;
		}
		if (c->o->gk && !c->admitted) {
			hold_setup(c, &in, msg, n);
			return;
		}
		on_setup(c, &in, msg, n);
		break;
	case MG_Q931_CALL_PROCEEDING:
	case MG_Q931_ALERTING:
	case MG_Q931_CONNECT:
		if (c->role != MG_MC_CALLER) {
			mg_mc_call_fail(c, "unexpected answer message 0x%02x from the caller", s->q931_type);
			return;
		}
		on_answer(c, &in);
		break;
	case MG_Q931_RELEASE_COMPLETE:
		mg_mc_call_note_addrs(c, s);
		mg_mc_call_released(c, s);
		mg_mc_call_finish(c);
		return;
	default:
		break;
	}
	if (c->failed || c->state == MG_MC_CLOSING)
		return;
	for (unsigned i = 0; i < in.n_h245 && !c->failed; i++)
		mg_mc_h245_input(c, in.h245[i].p, in.h245[i].n, MG_C_TUNNEL);
	mg_mc_h245_flush(c);
}

void mg_mc_call_sig_ready(struct mg_mc_call *c, short revents)
{
	if (c->state == MG_MC_CLOSING) {
		/* whatever the peer still sends is of no interest: wait for its close */
		int r = mg_mc_stream_read(&c->sig);
		c->sig.len = 0;
		if (r <= 0)
			mg_mc_call_finish(c);
		return;
	}
	if (c->sig.connecting) {
		if (revents & (POLLOUT | POLLERR | POLLHUP))
			connected(c);
		return;
	}
	int r = mg_mc_stream_read(&c->sig);
	for (;;) {
		uint8_t msg[MG_MC_RXBUF];
		size_t n;
		int got = mg_mc_stream_pop(&c->sig, msg, sizeof msg, &n);
		if (got < 0) {
			mg_mc_call_fail(c, "signalling stream is not TPKT framed (or a message is too large)");
			break;
		}
		if (got == 0)
			break;
		c->last_rx = mg_mc_now_ms();
		on_message(c, msg, n);
		if (c->failed || c->state == MG_MC_DONE || c->state == MG_MC_CLOSING)
			break;
	}
	if (c->state == MG_MC_DONE)
		return;
	if (c->state == MG_MC_CLOSING) {
		/* we refused the call: wait for the peer's close */
		if (r <= 0)
			mg_mc_call_finish(c);
		return;
	}
	if (c->failed) {
		if (c->state == MG_MC_CONNECTED || c->state == MG_MC_SETUP)
			hang_up(c);
		mg_mc_call_finish(c);
		return;
	}
	if (r <= 0) {
		mg_mc_call_fail(c, "peer closed the signalling connection without ReleaseComplete");
		mg_mc_call_finish(c);
	}
}

void mg_mc_call_tick(struct mg_mc_call *c, uint64_t now)
{
	if (c->state == MG_MC_DONE || c->state == MG_MC_FREE)
		return;
	if (c->state == MG_MC_CLOSING) {
		if (now >= c->close_at)
			mg_mc_call_finish(c);
		return;
	}
	if (c->retry_at != 0) {
		if (now >= c->retry_at)
			(void)mg_mc_call_place(c);
		return;
	}
	mg_mc_media_tick(&c->media, now);
	if (c->failed) {
		hang_up(c);
		return;
	}
	if (c->rc_at != 0) {
		if (c->esc_seen || now >= c->rc_at || now >= c->deadline)
			release(c);
		return;
	}
	if (c->role == MG_MC_CALLER && c->end_at != 0 && now >= c->end_at) {
		hang_up(c);
		return;
	}
	if (now >= c->deadline) {
		mg_mc_call_fail(c, "timeout in state %s", c->state == MG_MC_ADMISSION ? "admission (ARQ sent)"
						       : c->state == MG_MC_CONNECTING ? "connecting"
						       : c->state == MG_MC_SETUP      ? "setup"
										      : "connected");
		hang_up(c);
		return;
	}
	if (c->role == MG_MC_CALLEE && now >= c->last_rx + MG_MC_IDLE_MS) {
		mg_mc_call_fail(c, "nothing received from the caller for %u s", MG_MC_IDLE_MS / 1000);
		hang_up(c);
	}
}

uint64_t mg_mc_call_next(const struct mg_mc_call *c)
{
	uint64_t t = c->deadline;
	if (c->state == MG_MC_CLOSING)
		return c->close_at;
	if (c->retry_at != 0)
		return c->retry_at;
	if (c->rc_at != 0)
		return c->esc_seen ? 0 : (c->rc_at < t ? c->rc_at : t);
	if (c->end_at != 0 && c->end_at < t)
		t = c->end_at;
	uint64_t m = mg_mc_media_next(&c->media);
	if (m < t)
		t = m;
	if (c->role == MG_MC_CALLEE && c->last_rx + MG_MC_IDLE_MS < t)
		t = c->last_rx + MG_MC_IDLE_MS;
	return t;
}
