/* test_meetcall_msg.c - every message meetcall sends, decoded back with the
 * project's own walkers (mg_q931_scan, mg_h245_scan_msg, mg_h245_scan_olc)
 * and with meetcall's decoder; the addresses, ports, channel numbers and
 * identifiers must come back exactly as they were put in.  The Setup a call
 * builds from its options (--call-id, --advertise-port, ALIAS@HOST's Called
 * party number) is checked the same way, and so is the list of addresses a
 * call remembers from its peer.  The release handling runs over
 * socketpairs: a listener with --alias refusing a Setup, a caller with
 * --expect-release taking the refusal, and their JSON reports. */
#include <json-c/json.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

#include "proto/h245.h"
#include "proto/q931.h"
#include "proto/q931_build.h"
#include "meetcall/mc.h"

static const struct mg_mc_addr caller_sig = {{198, 18, 0, 10}, 40001};
static const struct mg_mc_addr callee_sig = {{198, 19, 0, 20}, 1720};
static const struct mg_mc_addr caller_rtp = {{198, 18, 0, 10}, 5000};
static const struct mg_mc_addr caller_rtcp = {{198, 18, 0, 10}, 5001};
static const struct mg_mc_addr callee_rtp = {{198, 19, 0, 20}, 7000};
static const struct mg_mc_addr callee_rtcp = {{198, 19, 0, 20}, 7001};
static const struct mg_mc_addr callee_h245 = {{198, 19, 0, 20}, 31337};

static bool same(const struct mg_h323_addr *a, const struct mg_mc_addr *want)
{
	return a != NULL && a->family == 4 && memcmp(a->ip, want->ip, 4) == 0 && a->port == want->port;
}

/* The 6 octets at the recorded offset are the address and port. */
static bool at_offset(const uint8_t *top, const struct mg_h323_addr *a, const struct mg_mc_addr *want)
{
	const uint8_t *p = top + a->off;
	return memcmp(p, want->ip, 4) == 0 && p[4] == (want->port >> 8) && p[5] == (uint8_t)want->port;
}

static void base_msg(struct mg_mc_h225 *m, uint8_t body)
{
	memset(m, 0, sizeof *m);
	m->body = body;
	m->call_ref = 0x1234;
	for (int i = 0; i < 16; i++) {
		m->call_id[i] = (uint8_t)(0xc0 + i);
		m->conf_id[i] = (uint8_t)(0x10 + i);
	}
}

/* Decode a whole TPKT from meetcall with the project's decoder, checking
 * the TPKT header on the way; the Q.931 part goes through a guard page. */
static enum mg_reason dec(struct mg_mc_in *in, const uint8_t *tpkt, size_t n, uint8_t **guard)
{
	if (n < 4 || tpkt[0] != 3 || ((size_t)tpkt[2] << 8 | tpkt[3]) != n)
		return MG_R_ALG_TPKT_BAD;
	*guard = t_guarded(tpkt + 4, n - 4);
	return mg_mc_dec_q931(in, *guard, n - 4);
}

/* The two fastStart proposals of a caller: transmit (forward audio, our
 * RTCP) and receive (reverse audio, our RTP and RTCP). */
static size_t proposals(uint8_t out[2][128], struct mg_mc_blob fs[2])
{
	struct mg_mc_olc tx = {.lcn = 1, .reverse = false, .has_ctrl = true, .ctrl = caller_rtcp};
	struct mg_mc_olc rx = {.lcn = 2, .reverse = true, .has_media = true, .media = caller_rtp,
			       .has_ctrl = true, .ctrl = caller_rtcp};
	fs[0].n = mg_mc_enc_olc_body(&tx, out[0], 128);
	fs[0].p = out[0];
	fs[1].n = mg_mc_enc_olc_body(&rx, out[1], 128);
	fs[1].p = out[1];
	return fs[0].n && fs[1].n ? 2 : 0;
}

TEST(mc_setup_faststart_decodes)
{
	uint8_t fsb[2][128], buf[1024], *g;
	struct mg_mc_blob fs[2];
	struct mg_mc_h225 m;
	static struct mg_mc_in in;
	CHECK_EQ(proposals(fsb, fs), 2);
	base_msg(&m, MG_H225_SETUP);
	m.display = "meetcall";
	m.src_alias = "caller-1";
	m.dst_alias = "5551234#";
	m.src_sig = caller_sig;
	m.dst_sig = callee_sig;
	m.tunneling = true;
	m.faststart = fs;
	m.n_faststart = 2;
	size_t n = mg_mc_enc_h225(&m, buf, sizeof buf);
	CHECK(n > 0);
	CHECK_EQ(dec(&in, buf, n, &g), MG_R_NONE);
	const struct mg_h323_scan *s = &in.scan;
	CHECK_EQ(s->q931_type, MG_Q931_SETUP);
	CHECK_EQ(s->call_ref, 0x1234);
	CHECK(!s->call_ref_flag);
	CHECK_EQ(s->body, MG_H225_SETUP);
	CHECK(s->has_call_id);
	CHECK(memcmp(s->call_id, m.call_id, 16) == 0);
	CHECK(s->h245_tunneling);
	CHECK_EQ(s->n_faststart, 2);
	CHECK_EQ(s->n_tunnel, 0);
	CHECK_EQ(in.n_h245, 0);
	CHECK_EQ(s->n_addr, 5);
	const struct mg_h323_addr *a = mg_mc_find_addr(s, MG_F_SRC_CALLSIG, MG_MC_ANY, MG_C_UUIE);
	CHECK(same(a, &caller_sig) && at_offset(g, a, &caller_sig));
	a = mg_mc_find_addr(s, MG_F_DEST_CALLSIG, MG_MC_ANY, MG_C_UUIE);
	CHECK(same(a, &callee_sig) && at_offset(g, a, &callee_sig));
	a = mg_mc_find_addr(s, MG_F_MEDIA_CTRL, MG_OLC_FORWARD, MG_C_FASTSTART);
	CHECK(same(a, &caller_rtcp) && at_offset(g, a, &caller_rtcp));
	CHECK_EQ(a->lcn, 1);
	CHECK_EQ(a->media, MG_MEDIA_AUDIO);
	CHECK_EQ(a->session_id, 1);
	a = mg_mc_find_addr(s, MG_F_MEDIA, MG_OLC_REVERSE, MG_C_FASTSTART);
	CHECK(same(a, &caller_rtp) && at_offset(g, a, &caller_rtp));
	CHECK_EQ(a->lcn, 2);
	CHECK_EQ(a->media, MG_MEDIA_AUDIO);
	a = mg_mc_find_addr(s, MG_F_MEDIA_CTRL, MG_OLC_REVERSE, MG_C_FASTSTART);
	CHECK(same(a, &caller_rtcp));
	CHECK(mg_mc_find_addr(s, MG_F_MEDIA, MG_OLC_FORWARD, MG_MC_ANY) == NULL);
	t_guarded_free(g, n - 4);
}

TEST(mc_setup_plain_h323id_alias)
{
	uint8_t buf[512], *g;
	struct mg_mc_h225 m;
	static struct mg_mc_in in;
	base_msg(&m, MG_H225_SETUP);
	m.dst_alias = "bob@198.18.0.9";
	m.src_sig = caller_sig;
	m.dst_sig = callee_sig;
	size_t n = mg_mc_enc_h225(&m, buf, sizeof buf);
	CHECK(n > 0);
	CHECK_EQ(dec(&in, buf, n, &g), MG_R_NONE);
	CHECK_EQ(in.scan.n_faststart, 0);
	CHECK(!in.scan.h245_tunneling);
	CHECK_EQ(in.scan.n_addr, 2);
	CHECK(same(mg_mc_find_addr(&in.scan, MG_F_DEST_CALLSIG, MG_MC_ANY, MG_MC_ANY), &callee_sig));
	t_guarded_free(g, n - 4);
}

TEST(mc_answers_decode)
{
	static const uint8_t bodies[2] = {MG_H225_CALL_PROCEEDING, MG_H225_ALERTING};
	static const uint8_t types[2] = {MG_Q931_CALL_PROCEEDING, MG_Q931_ALERTING};
	for (int i = 0; i < 2; i++) {
		uint8_t buf[512], *g;
		struct mg_mc_h225 m;
		static struct mg_mc_in in;
		base_msg(&m, bodies[i]);
		m.from_callee = true;
		m.tunneling = true;
		size_t n = mg_mc_enc_h225(&m, buf, sizeof buf);
		CHECK(n > 0);
		CHECK_EQ(dec(&in, buf, n, &g), MG_R_NONE);
		CHECK_EQ(in.scan.q931_type, types[i]);
		CHECK_EQ(in.scan.body, bodies[i]);
		CHECK(in.scan.call_ref_flag);
		CHECK_EQ(in.scan.call_ref, 0x1234);
		CHECK(in.scan.has_call_id);
		CHECK(memcmp(in.scan.call_id, m.call_id, 16) == 0);
		CHECK(in.scan.h245_tunneling);
		CHECK_EQ(in.scan.n_addr, 0);
		t_guarded_free(g, n - 4);
	}
}

/* Connect answering fastStart (callee's view: the caller's transmit
 * proposal gets our RTP+RTCP, the receive proposal our RTCP), with a
 * separate H.245 address and tunnelling off. */
TEST(mc_connect_faststart_h245address_decodes)
{
	uint8_t b0[128], b1[128], buf[1024], *g;
	struct mg_mc_olc fwd = {.lcn = 1, .has_media = true, .media = callee_rtp, .has_ctrl = true,
				.ctrl = callee_rtcp};
	struct mg_mc_olc rev = {.lcn = 2, .reverse = true, .has_ctrl = true, .ctrl = callee_rtcp};
	struct mg_mc_blob fs[2];
	struct mg_mc_h225 m;
	static struct mg_mc_in in;
	fs[0].p = b0;
	fs[0].n = mg_mc_enc_olc_body(&fwd, b0, sizeof b0);
	fs[1].p = b1;
	fs[1].n = mg_mc_enc_olc_body(&rev, b1, sizeof b1);
	CHECK(fs[0].n && fs[1].n);
	base_msg(&m, MG_H225_CONNECT);
	m.from_callee = true;
	m.has_h245_addr = true;
	m.h245_addr = callee_h245;
	m.faststart = fs;
	m.n_faststart = 2;
	size_t n = mg_mc_enc_h225(&m, buf, sizeof buf);
	CHECK(n > 0);
	CHECK_EQ(dec(&in, buf, n, &g), MG_R_NONE);
	const struct mg_h323_scan *s = &in.scan;
	CHECK_EQ(s->q931_type, MG_Q931_CONNECT);
	CHECK_EQ(s->body, MG_H225_CONNECT);
	CHECK(!s->h245_tunneling);
	CHECK_EQ(s->n_faststart, 2);
	CHECK_EQ(s->n_addr, 4);
	const struct mg_h323_addr *a = mg_mc_find_addr(s, MG_F_H245_ADDRESS, MG_MC_ANY, MG_C_UUIE);
	CHECK(same(a, &callee_h245) && at_offset(g, a, &callee_h245));
	a = mg_mc_find_addr(s, MG_F_MEDIA, MG_OLC_FORWARD, MG_C_FASTSTART);
	CHECK(same(a, &callee_rtp) && at_offset(g, a, &callee_rtp));
	CHECK_EQ(a->lcn, 1);
	a = mg_mc_find_addr(s, MG_F_MEDIA_CTRL, MG_OLC_FORWARD, MG_C_FASTSTART);
	CHECK(same(a, &callee_rtcp));
	a = mg_mc_find_addr(s, MG_F_MEDIA_CTRL, MG_OLC_REVERSE, MG_C_FASTSTART);
	CHECK(same(a, &callee_rtcp));
	CHECK_EQ(a->lcn, 2);
	CHECK(mg_mc_find_addr(s, MG_F_MEDIA, MG_OLC_REVERSE, MG_MC_ANY) == NULL);
	t_guarded_free(g, n - 4);
}

/* Facility with tunnelled TCS + MSD + OLC: all three come back as
 * h245Control elements, and the OLC's address shows up as MG_C_TUNNEL. */
TEST(mc_facility_tunnel_decodes)
{
	uint8_t tcs[64], msd[16], olc[64], buf[512], *g;
	struct mg_mc_olc o = {.lcn = 7, .has_ctrl = true, .ctrl = caller_rtcp};
	struct mg_mc_blob h[3] = {{tcs, mg_mc_enc_tcs(1, tcs, sizeof tcs)},
				  {msd, mg_mc_enc_msd(60, 0x123456, msd, sizeof msd)},
				  {olc, mg_mc_enc_olc(&o, olc, sizeof olc)}};
	struct mg_mc_h225 m;
	static struct mg_mc_in in;
	static struct mg_mc_h245_in h2;
	CHECK(h[0].n && h[1].n && h[2].n);
	base_msg(&m, MG_H225_FACILITY);
	m.tunneling = true;
	m.h245 = h;
	m.n_h245 = 3;
	size_t n = mg_mc_enc_h225(&m, buf, sizeof buf);
	CHECK(n > 0);
	CHECK_EQ(dec(&in, buf, n, &g), MG_R_NONE);
	CHECK_EQ(in.scan.q931_type, MG_Q931_FACILITY);
	CHECK_EQ(in.scan.body, MG_H225_FACILITY);
	CHECK_EQ(in.scan.facility_reason, 3);
	CHECK(in.scan.has_call_id);
	CHECK_EQ(in.scan.n_tunnel, 3);
	CHECK_EQ(in.n_h245, 3);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(in.h245[i].n, h[i].n);
		CHECK(memcmp(in.h245[i].p, h[i].p, h[i].n) == 0);
	}
	const struct mg_h323_addr *a = mg_mc_find_addr(&in.scan, MG_F_MEDIA_CTRL, MG_OLC_FORWARD, MG_C_TUNNEL);
	CHECK(same(a, &caller_rtcp) && at_offset(g, a, &caller_rtcp));
	CHECK_EQ(a->lcn, 7);
	CHECK_EQ(in.scan.n_ev, 1);
	CHECK_EQ(in.scan.ev[0].kind, MG_H245_OLC);
	CHECK_EQ(mg_mc_dec_h245(&h2, in.h245[0].p, in.h245[0].n, MG_C_TUNNEL), MG_R_NONE);
	CHECK_EQ(h2.type, MG_MC_H245_TCS);
	CHECK_EQ(h2.seq, 1);
	CHECK_EQ(mg_mc_dec_h245(&h2, in.h245[1].p, in.h245[1].n, MG_C_TUNNEL), MG_R_NONE);
	CHECK_EQ(h2.type, MG_MC_H245_MSD);
	CHECK_EQ(h2.terminal_type, 60);
	CHECK_EQ(h2.msd_number, 0x123456);
	t_guarded_free(g, n - 4);
}

/* MG_MC_MAX_BLOBS tunnelled elements are listed, one more is refused; a TCS
 * cut before its sequenceNumber is malformed to an endpoint (it could not
 * answer it) although the walk itself passes it. */
TEST(mc_tunnel_limit_and_short_tcs)
{
	uint8_t tcs[64], buf[1024], *g;
	struct mg_mc_blob h[MG_MC_MAX_BLOBS + 1];
	struct mg_mc_h225 m;
	static struct mg_mc_in in;
	static struct mg_mc_h245_in h2;
	size_t tn = mg_mc_enc_tcs(9, tcs, sizeof tcs);
	CHECK(tn > 2);
	for (unsigned i = 0; i <= MG_MC_MAX_BLOBS; i++)
		h[i] = (struct mg_mc_blob){tcs, tn};
	base_msg(&m, MG_H225_FACILITY);
	m.tunneling = true;
	m.h245 = h;
	m.n_h245 = MG_MC_MAX_BLOBS;
	size_t n = mg_mc_enc_h225(&m, buf, sizeof buf);
	CHECK(n > 0);
	CHECK_EQ(dec(&in, buf, n, &g), MG_R_NONE);
	CHECK_EQ(in.n_h245, MG_MC_MAX_BLOBS);
	CHECK(in.h245[MG_MC_MAX_BLOBS - 1].p == g + in.scan.h245_msg[MG_MC_MAX_BLOBS - 1].off);
	t_guarded_free(g, n - 4);
	m.n_h245 = MG_MC_MAX_BLOBS + 1;
	n = mg_mc_enc_h225(&m, buf, sizeof buf);
	CHECK(n > 0);
	CHECK_EQ(dec(&in, buf, n, &g), MG_R_ALG_LIMIT);
	CHECK_EQ(in.scan.err, MG_R_ALG_LIMIT);
	CHECK(strcmp(in.scan.err_where, "h323-uu-pdu.h245Control") == 0);
	t_guarded_free(g, n - 4);

	g = t_guarded(tcs, tn);
	CHECK_EQ(mg_mc_dec_h245(&h2, g, tn, MG_C_H245), MG_R_NONE);
	CHECK_EQ(h2.type, MG_MC_H245_TCS);
	CHECK_EQ(h2.seq, 9);
	t_guarded_free(g, tn);
	g = t_guarded(tcs, 2);
	CHECK_EQ(mg_mc_dec_h245(&h2, g, 2, MG_C_H245), MG_R_ALG_H245_BAD);
	CHECK_EQ(h2.type, MG_MC_H245_OTHER);
	t_guarded_free(g, 2);
}

TEST(mc_release_complete_decodes)
{
	uint8_t buf[256], *g;
	struct mg_mc_h225 m;
	static struct mg_mc_in in;
	base_msg(&m, MG_H225_RELEASE_COMPLETE);
	m.display = "bye";
	size_t n = mg_mc_enc_h225(&m, buf, sizeof buf);
	CHECK(n > 0);
	CHECK_EQ(dec(&in, buf, n, &g), MG_R_NONE);
	CHECK_EQ(in.scan.q931_type, MG_Q931_RELEASE_COMPLETE);
	CHECK_EQ(in.scan.body, MG_H225_RELEASE_COMPLETE);
	CHECK(in.scan.has_call_id);
	CHECK(memcmp(in.scan.call_id, m.call_id, 16) == 0);
	t_guarded_free(g, n - 4);
}

TEST(mc_h245_olc_and_ack_decode)
{
	uint8_t b[128];
	static struct mg_mc_h245_in in;
	struct mg_mc_olc o = {.lcn = 1, .has_ctrl = true, .ctrl = callee_rtcp};
	size_t n = mg_mc_enc_olc(&o, b, sizeof b);
	CHECK(n > 0);
	uint8_t *g = t_guarded(b, n);
	CHECK_EQ(mg_mc_dec_h245(&in, g, n, MG_C_H245), MG_R_NONE);
	CHECK_EQ(in.type, MG_MC_H245_OLC);
	CHECK_EQ(in.scan.n_ev, 1);
	CHECK_EQ(in.scan.ev[0].kind, MG_H245_OLC);
	CHECK_EQ(in.scan.ev[0].lcn, 1);
	CHECK_EQ(in.scan.n_addr, 1);
	CHECK(same(&in.scan.addr[0], &callee_rtcp) && at_offset(g, &in.scan.addr[0], &callee_rtcp));
	CHECK_EQ(in.scan.addr[0].container, MG_C_H245);
	CHECK_EQ(in.scan.addr[0].field, MG_F_MEDIA_CTRL);
	CHECK_EQ(in.scan.addr[0].media, MG_MEDIA_AUDIO);
	t_guarded_free(g, n);

	n = mg_mc_enc_olc_ack(1, &caller_rtp, &caller_rtcp, b, sizeof b);
	CHECK(n > 0);
	g = t_guarded(b, n);
	CHECK_EQ(mg_mc_dec_h245(&in, g, n, MG_C_H245), MG_R_NONE);
	CHECK_EQ(in.type, MG_MC_H245_OLC_ACK);
	CHECK_EQ(in.scan.n_ev, 1);
	CHECK_EQ(in.scan.ev[0].kind, MG_H245_OLC_ACK);
	CHECK_EQ(in.scan.ev[0].lcn, 1);
	const struct mg_h323_addr *a = mg_mc_find_addr(&in.scan, MG_F_MEDIA, MG_OLC_ACK_FWD, MG_C_H245);
	CHECK(same(a, &caller_rtp) && at_offset(g, a, &caller_rtp));
	CHECK_EQ(a->session_id, 1);
	a = mg_mc_find_addr(&in.scan, MG_F_MEDIA_CTRL, MG_OLC_ACK_FWD, MG_C_H245);
	CHECK(same(a, &caller_rtcp) && at_offset(g, a, &caller_rtcp));
	t_guarded_free(g, n);

	/* a bare fastStart OLC goes through the OLC entry point as well */
	struct mg_h323_scan s;
	struct mg_mc_olc r = {.lcn = 9, .reverse = true, .has_media = true, .media = caller_rtp,
			      .has_ctrl = true, .ctrl = caller_rtcp};
	n = mg_mc_enc_olc_body(&r, b, sizeof b);
	CHECK(n > 0);
	mg_h323_scan_init(&s, b, n);
	CHECK_EQ(mg_h245_scan_olc(&s, b, n, MG_C_FASTSTART), MG_R_NONE);
	CHECK_EQ(s.n_addr, 2);
	CHECK_EQ(s.addr[0].part, MG_OLC_REVERSE);
	CHECK_EQ(s.addr[0].lcn, 9);
}

TEST(mc_h245_small_messages_decode)
{
	uint8_t b[64];
	static struct mg_mc_h245_in in;
	size_t n = mg_mc_enc_tcs_ack(200, b, sizeof b);
	CHECK(n > 0);
	CHECK_EQ(mg_mc_dec_h245(&in, b, n, MG_C_H245), MG_R_NONE);
	CHECK_EQ(in.type, MG_MC_H245_TCS_ACK);
	CHECK_EQ(in.seq, 200);
	for (int master = 0; master < 2; master++) {
		n = mg_mc_enc_msd_ack(master, b, sizeof b);
		CHECK(n > 0);
		CHECK_EQ(mg_mc_dec_h245(&in, b, n, MG_C_H245), MG_R_NONE);
		CHECK_EQ(in.type, MG_MC_H245_MSD_ACK);
		CHECK_EQ(in.decision_master, master);
	}
	n = mg_mc_enc_clc(33, b, sizeof b);
	CHECK(n > 0);
	CHECK_EQ(mg_mc_dec_h245(&in, b, n, MG_C_H245), MG_R_NONE);
	CHECK_EQ(in.type, MG_MC_H245_CLC);
	CHECK_EQ(in.scan.n_ev, 1);
	CHECK_EQ(in.scan.ev[0].kind, MG_H245_CLC);
	CHECK_EQ(in.scan.ev[0].lcn, 33);
	n = mg_mc_enc_end_session(b, sizeof b);
	CHECK(n > 0);
	CHECK_EQ(mg_mc_dec_h245(&in, b, n, MG_C_H245), MG_R_NONE);
	CHECK_EQ(in.type, MG_MC_H245_END_SESSION);
	CHECK_EQ(in.scan.n_ev, 1);
	CHECK_EQ(in.scan.ev[0].kind, MG_H245_END_SESSION);
	/* the TPKT framing for a separate H.245 channel */
	uint8_t t[64];
	CHECK_EQ(mg_mc_tpkt(b, n, t, sizeof t), n + 4);
	CHECK_EQ(t[0], 3);
	CHECK_EQ(t[3], n + 4);
	CHECK(memcmp(t + 4, b, n) == 0);
}

TEST(mc_encoders_refuse_small_buffers)
{
	uint8_t b[8];
	struct mg_mc_h225 m;
	base_msg(&m, MG_H225_SETUP);
	m.src_sig = caller_sig;
	m.dst_sig = callee_sig;
	CHECK_EQ(mg_mc_enc_h225(&m, b, sizeof b), 0);
	CHECK_EQ(mg_mc_enc_tcs(1, b, 4), 0);
	base_msg(&m, MG_H225_INFORMATION);
	uint8_t big[256];
	CHECK_EQ(mg_mc_enc_h225(&m, big, sizeof big), 0);
}

/* Garbage and truncations of a valid message: the decoder refuses with a
 * reason and never reads outside the buffer (guard page). */
TEST(mc_decoder_survives_truncation_and_flips)
{
	uint8_t tcs[64], buf[512];
	struct mg_mc_blob h[1] = {{tcs, mg_mc_enc_tcs(1, tcs, sizeof tcs)}};
	struct mg_mc_h225 m;
	static struct mg_mc_in in;
	static struct mg_mc_h245_in h2;
	base_msg(&m, MG_H225_FACILITY);
	m.tunneling = true;
	m.h245 = h;
	m.n_h245 = 1;
	size_t n = mg_mc_enc_h225(&m, buf, sizeof buf);
	CHECK(n > 4);
	for (size_t cut = 0; cut < n - 4; cut++) {
		uint8_t *g = t_guarded(buf + 4, cut);
		(void)mg_mc_dec_q931(&in, g, cut);
		CHECK(in.n_h245 <= MG_MC_MAX_BLOBS);
		t_guarded_free(g, cut);
	}
	for (size_t i = 4; i < n; i++) {
		uint8_t save = buf[i];
		buf[i] ^= 0xff;
		uint8_t *g = t_guarded(buf + 4, n - 4);
		(void)mg_mc_dec_q931(&in, g, n - 4);
		for (unsigned k = 0; k < in.n_h245; k++)
			(void)mg_mc_dec_h245(&h2, in.h245[k].p, in.h245[k].n, MG_C_TUNNEL);
		t_guarded_free(g, n - 4);
		buf[i] = save;
	}
	for (size_t cut = 0; cut < h[0].n; cut++) {
		uint8_t *g = t_guarded(tcs, cut);
		(void)mg_mc_dec_h245(&h2, g, cut, MG_C_H245);
		t_guarded_free(g, cut);
	}
}

/* A caller's Setup as mg_mc_call_enc_setup builds it from the options. */
static size_t call_setup(struct mg_mc_call *c, const struct mg_mc_opts *o, uint8_t *buf, size_t cap)
{
	mg_mc_call_init(c, o, 1, MG_MC_CALLER, 0);
	c->local_sig = caller_sig;
	c->peer_sig = callee_sig;
	c->media.local = caller_rtp;
	return mg_mc_call_enc_setup(c, buf, cap);
}

static void call_opts(struct mg_mc_opts *o)
{
	memset(o, 0, sizeof *o);
	o->faststart = o->tunnel = true;
	o->from = "meetcall";
	snprintf(o->host, sizeof o->host, "198.19.0.20");
	o->port = 1720;
	o->timeout_ms = 1000;
}

/* --call-id and --advertise-port: the callIdentifier is the one given, the
 * sourceCallSignalAddress carries our address with the advertised port,
 * the rest of the Setup is unchanged. */
TEST(mc_setup_call_id_and_advertised_port)
{
	static struct mg_mc_call c;
	static struct mg_mc_in in;
	struct mg_mc_opts o;
	uint8_t buf[1024], *g;
	const struct mg_mc_addr adv = {{198, 18, 0, 10}, 1720};
	call_opts(&o);
	o.have_call_id = true;
	for (int i = 0; i < 16; i++)
		o.call_id[i] = (uint8_t)(0xa0 + i);
	o.advertise_port = 1720;
	size_t n = call_setup(&c, &o, buf, sizeof buf);
	CHECK(n > 0);
	CHECK(memcmp(c.call_id, o.call_id, 16) == 0);
	CHECK_EQ(dec(&in, buf, n, &g), MG_R_NONE);
	const struct mg_h323_scan *s = &in.scan;
	CHECK_EQ(s->q931_type, MG_Q931_SETUP);
	CHECK(s->has_call_id);
	CHECK(memcmp(s->call_id, o.call_id, 16) == 0);
	const struct mg_h323_addr *a = mg_mc_find_addr(s, MG_F_SRC_CALLSIG, MG_MC_ANY, MG_C_UUIE);
	CHECK(same(a, &adv) && at_offset(g, a, &adv));
	a = mg_mc_find_addr(s, MG_F_DEST_CALLSIG, MG_MC_ANY, MG_C_UUIE);
	CHECK(same(a, &callee_sig) && at_offset(g, a, &callee_sig));
	a = mg_mc_find_addr(s, MG_F_MEDIA, MG_OLC_REVERSE, MG_C_FASTSTART);
	CHECK(same(a, &caller_rtp));
	CHECK_EQ(s->n_faststart, 2);
	t_guarded_free(g, n - 4);

	/* a call back placed by `listen --call-back` advertises its real port */
	mg_mc_call_init(&c, &o, 1, MG_MC_CALLER, 0);
	c.call_back = true;
	c.local_sig = caller_sig;
	c.peer_sig = callee_sig;
	c.media.local = caller_rtp;
	n = mg_mc_call_enc_setup(&c, buf, sizeof buf);
	CHECK(n > 0);
	CHECK_EQ(dec(&in, buf, n, &g), MG_R_NONE);
	a = mg_mc_find_addr(&in.scan, MG_F_SRC_CALLSIG, MG_MC_ANY, MG_C_UUIE);
	CHECK(same(a, &caller_sig));
	t_guarded_free(g, n - 4);
}

/* Without the options: the real source port, and a new random
 * callIdentifier for every call. */
TEST(mc_setup_defaults_real_port_random_call_id)
{
	static struct mg_mc_call c1, c2;
	static struct mg_mc_in in;
	struct mg_mc_opts o;
	uint8_t buf[1024], *g;
	call_opts(&o);
	o.faststart = false;
	size_t n = call_setup(&c1, &o, buf, sizeof buf);
	CHECK(n > 0);
	CHECK_EQ(dec(&in, buf, n, &g), MG_R_NONE);
	CHECK(same(mg_mc_find_addr(&in.scan, MG_F_SRC_CALLSIG, MG_MC_ANY, MG_C_UUIE), &caller_sig));
	CHECK(memcmp(in.scan.call_id, c1.call_id, 16) == 0);
	CHECK_EQ(in.scan.n_faststart, 0);
	t_guarded_free(g, n - 4);
	CHECK(call_setup(&c2, &o, buf, sizeof buf) > 0);
	CHECK(memcmp(c1.call_id, c2.call_id, 16) != 0);
	/* the callee's address to call, from HOST[:PORT] */
	const struct mg_mc_addr want = {{198, 19, 0, 20}, 1720};
	CHECK(memcmp(&c2.target, &want, sizeof want) == 0);
}

/* The addresses a call reports from its peer: every IPv4 address of the
 * received messages, each (field, address) once. */
TEST(mc_call_notes_peer_addresses)
{
	uint8_t b0[128], b1[128], buf[1024], *g;
	struct mg_mc_olc fwd = {.lcn = 1, .has_media = true, .media = callee_rtp, .has_ctrl = true,
				.ctrl = callee_rtcp};
	struct mg_mc_olc rev = {.lcn = 2, .reverse = true, .has_ctrl = true, .ctrl = callee_rtcp};
	struct mg_mc_blob fs[2];
	struct mg_mc_h225 m;
	static struct mg_mc_in in;
	static struct mg_mc_call c;
	struct mg_mc_opts o;
	call_opts(&o);
	mg_mc_call_init(&c, &o, 1, MG_MC_CALLER, 0);
	fs[0].p = b0;
	fs[0].n = mg_mc_enc_olc_body(&fwd, b0, sizeof b0);
	fs[1].p = b1;
	fs[1].n = mg_mc_enc_olc_body(&rev, b1, sizeof b1);
	base_msg(&m, MG_H225_CONNECT);
	m.from_callee = true;
	m.has_h245_addr = true;
	m.h245_addr = callee_h245;
	m.faststart = fs;
	m.n_faststart = 2;
	size_t n = mg_mc_enc_h225(&m, buf, sizeof buf);
	CHECK(n > 0);
	CHECK_EQ(dec(&in, buf, n, &g), MG_R_NONE);
	mg_mc_call_note_addrs(&c, &in.scan);
	mg_mc_call_note_addrs(&c, &in.scan); /* twice: nothing new */
	t_guarded_free(g, n - 4);
	CHECK_EQ(c.n_peer_addr, 3);
	int h245 = 0, rtp = 0, rtcp = 0;
	for (unsigned i = 0; i < c.n_peer_addr; i++) {
		const struct mg_mc_peer_addr *p = &c.peer_addr[i];
		h245 += p->field == MG_F_H245_ADDRESS && memcmp(&p->a, &callee_h245, sizeof p->a) == 0;
		rtp += p->field == MG_F_MEDIA && memcmp(&p->a, &callee_rtp, sizeof p->a) == 0;
		rtcp += p->field == MG_F_MEDIA_CTRL && memcmp(&p->a, &callee_rtcp, sizeof p->a) == 0;
	}
	CHECK(h245 == 1 && rtp == 1 && rtcp == 1);
	CHECK(strcmp(mg_mc_field_name(MG_F_MEDIA), "mediaChannel") == 0);
}

/* ALIAS@HOST with digits: the Setup carries them as dialedDigits and as
 * the Q.931 Called party number (type unknown, plan ISDN/E.164). */
TEST(mc_setup_called_party_number)
{
	static struct mg_mc_call c;
	static struct mg_mc_in in;
	static struct mg_h323_scan scratch;
	struct mg_h225_aliases al;
	struct mg_mc_opts o;
	uint8_t buf[1024], *g;
	char num[40];
	call_opts(&o);
	o.alias = o.called_number = "5551234#";
	size_t n = call_setup(&c, &o, buf, sizeof buf);
	CHECK(n > 0);
	CHECK_EQ(dec(&in, buf, n, &g), MG_R_NONE);
	CHECK_EQ(in.scan.q931_type, MG_Q931_SETUP);
	CHECK(mg_q931_called_number(g, (uint32_t)(n - 4), num, sizeof num));
	CHECK(strcmp(num, "5551234#") == 0);
	const uint8_t *ie = memchr(g + 5, 0x70, n - 9);
	CHECK(ie != NULL && ie[1] == 9 && ie[2] == 0x81);
	CHECK(mg_h225_setup_aliases(g, (uint32_t)(n - 4), &scratch, &al));
	CHECK_EQ(al.n[1], 1);
	CHECK_EQ(al.a[1][0].type, MG_H225_ALIAS_DIGITS);
	CHECK(strcmp(al.a[1][0].s, "5551234#") == 0);
	t_guarded_free(g, n - 4);

	/* --alias alone (and a call back) carries no Called party number */
	o.called_number = NULL;
	n = call_setup(&c, &o, buf, sizeof buf);
	CHECK(n > 0);
	CHECK_EQ(dec(&in, buf, n, &g), MG_R_NONE);
	CHECK(!mg_q931_called_number(g, (uint32_t)(n - 4), num, sizeof num));
	t_guarded_free(g, n - 4);

	/* the encoder refuses what is not a number */
	struct mg_mc_h225 m;
	base_msg(&m, MG_H225_SETUP);
	m.called_number = "12a";
	CHECK_EQ(mg_mc_enc_h225(&m, buf, sizeof buf), 0);
	m.called_number = "";
	CHECK_EQ(mg_mc_enc_h225(&m, buf, sizeof buf), 0);
	m.called_number = "123456789012345678901234567890123"; /* 33 digits */
	CHECK_EQ(mg_mc_enc_h225(&m, buf, sizeof buf), 0);
}

static void one_alias(struct mg_h225_aliases *al, unsigned i, uint8_t type, const char *s)
{
	al->a[1][i].type = type;
	al->a[1][i].cut = false;
	snprintf(al->a[1][i].s, sizeof al->a[1][i].s, "%s", s);
	if (al->n[1] <= i)
		al->n[1] = (uint8_t)(i + 1);
}

/* listen --alias: refused only when the Setup names aliases and none is
 * ours (case-insensitive; cut and untyped aliases match nothing). */
TEST(mc_listener_alias_match)
{
	struct mg_mc_opts o;
	struct mg_h225_aliases al;
	memset(&o, 0, sizeof o);
	memset(&al, 0, sizeof al);
	one_alias(&al, 0, MG_H225_ALIAS_NAME, "Carol");
	CHECK(!mg_mc_alias_refused(&o, &al)); /* no own aliases: answer everything */
	o.own_alias[0] = "alice";
	o.own_alias[1] = "5551234";
	o.n_own_alias = 2;
	CHECK(mg_mc_alias_refused(&o, &al));
	one_alias(&al, 1, MG_H225_ALIAS_NAME, "ALICE");
	CHECK(!mg_mc_alias_refused(&o, &al));
	al.a[1][1].cut = true;
	CHECK(mg_mc_alias_refused(&o, &al));
	one_alias(&al, 1, MG_H225_ALIAS_DIGITS, "5551234");
	CHECK(!mg_mc_alias_refused(&o, &al));
	al.a[1][1].type = MG_H225_ALIAS_OTHER;
	CHECK(mg_mc_alias_refused(&o, &al));
	memset(&al, 0, sizeof al);
	CHECK(!mg_mc_alias_refused(&o, &al)); /* no destinationAddress: answered */
}

/* A caller that receives ReleaseComplete: cause, reason and time kept;
 * with --expect-release the matching cause is the expected end. */
TEST(mc_caller_release_causes)
{
	static struct mg_mc_call c;
	static struct mg_mc_in in;
	struct mg_mc_opts o;
	uint8_t buf[128], *g;
	char why[96];
	call_opts(&o);
	size_t n = mg_q931_build_release_complete(buf, sizeof buf, 0x1234, true, 1, NULL);
	CHECK(n > 0);
	CHECK_EQ(dec(&in, buf, n, &g), MG_R_NONE);

	mg_mc_call_init(&c, &o, 1, MG_MC_CALLER, 0);
	c.state = MG_MC_SETUP;
	c.t_setup = mg_mc_now_ms();
	mg_mc_call_released(&c, &in.scan);
	CHECK(c.failed);
	CHECK(strcmp(c.err, "released by the far end: cause 1 (unallocated number), reason "
			    "calledPartyNotRegistered") == 0);
	CHECK_EQ(c.release_cause, 1);
	CHECK_EQ(c.release_reason, MG_H225_RR_CALLED_NOT_REGISTERED);
	CHECK(c.t_release >= c.t_setup);

	o.expect_release = true;
	o.expect_cause = 1;
	mg_mc_call_init(&c, &o, 1, MG_MC_CALLER, 0);
	c.state = MG_MC_SETUP;
	c.t_setup = mg_mc_now_ms();
	mg_mc_call_released(&c, &in.scan);
	CHECK(!c.failed);
	CHECK(c.release_expected);
	c.state = MG_MC_DONE;
	CHECK(mg_mc_call_ok(&c));

	o.expect_cause = 3;
	mg_mc_call_init(&c, &o, 1, MG_MC_CALLER, 0);
	c.state = MG_MC_SETUP;
	mg_mc_call_released(&c, &in.scan);
	CHECK(c.failed && !c.release_expected);
	CHECK(strstr(c.err, "expected cause 3 (no route to destination)") != NULL);
	CHECK(!mg_mc_call_ok(&c));
	t_guarded_free(g, n - 4);

	/* a ReleaseComplete without a Cause IE (meetcall's own hang-up) */
	struct mg_mc_h225 m;
	base_msg(&m, MG_H225_RELEASE_COMPLETE);
	n = mg_mc_enc_h225(&m, buf, sizeof buf);
	CHECK_EQ(dec(&in, buf, n, &g), MG_R_NONE);
	mg_mc_call_init(&c, &o, 1, MG_MC_CALLER, 0);
	mg_mc_call_released(&c, &in.scan);
	mg_mc_release_str(&c, why, sizeof why);
	CHECK(strcmp(why, "no cause, reason undefinedReason") == 0);
	CHECK(c.failed);
	t_guarded_free(g, n - 4);
}

/* Read one whole TPKT from fd (a socketpair end) into buf. */
static size_t read_tpkt(int fd, uint8_t *buf, size_t cap)
{
	size_t got = 0;
	while (got < 4 || got < ((size_t)buf[2] << 8 | buf[3])) {
		ssize_t r = read(fd, buf + got, cap - got);
		if (r <= 0)
			return 0;
		got += (size_t)r;
	}
	return got;
}

/* The JSON report of one call, read back. */
static json_object *report_of(const struct mg_mc_call *c, const struct mg_mc_opts *o)
{
	char path[] = "/tmp/mg_test_mc_report_XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	close(fd);
	struct mg_mc_totals t;
	memset(&t, 0, sizeof t);
	mg_mc_totals_add(&t, c);
	void *j = mg_mc_json_open(path, o);
	mg_mc_json_call(j, c);
	mg_mc_json_close(j, &t);
	json_object *doc = json_object_from_file(path);
	unlink(path);
	return doc;
}

/* A listener whose only alias is "alice" takes the Setup buf[0..n) from
 * the other end of a socketpair (*peer).  Its address is not ours, so a
 * call it answers fails at opening media, after the alias check. */
static bool listener_takes(struct mg_mc_call *callee, struct mg_mc_opts *lo, const uint8_t *buf, size_t n, int *peer)
{
	int sv[2];
	memset(lo, 0, sizeof *lo);
	lo->listen = lo->faststart = lo->tunnel = true;
	lo->own_alias[0] = "alice";
	lo->n_own_alias = 1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) != 0)
		return false;
	mg_mc_call_init(callee, lo, 1, MG_MC_CALLEE, mg_mc_now_ms());
	callee->sig.fd = sv[0];
	callee->state = MG_MC_SETUP;
	callee->local_sig = callee_sig;
	*peer = sv[1];
	if (write(sv[1], buf, n) != (ssize_t)n)
		return false;
	mg_mc_call_sig_ready(callee, POLLIN);
	return true;
}

/* End to end over a socketpair: a listener with --alias alice refuses a
 * Setup for bob with ReleaseComplete cause 1 (the caller's call reference
 * with the flag, its callIdentifier), waits for the caller's close, and
 * reports the call as refused with the aliases the Setup carried; the
 * caller, run with --expect-release 1, ends the call as expected. */
TEST(mc_listener_refuses_and_caller_expects_it)
{
	static struct mg_mc_call callee, caller;
	static struct mg_mc_in in;
	struct mg_mc_opts lo, co;
	uint8_t buf[1024], *g;
	int peer;
	call_opts(&co);
	co.alias = "bob";
	co.expect_release = true;
	co.expect_cause = 1;
	size_t n = call_setup(&caller, &co, buf, sizeof buf);
	CHECK(n > 0);
	CHECK(listener_takes(&callee, &lo, buf, n, &peer));
	CHECK(callee.refused && !callee.failed);
	CHECK_EQ(callee.state, MG_MC_CLOSING);
	CHECK_EQ(callee.n_dest_alias, 1);
	CHECK(strcmp(callee.dest_alias[0], "bob") == 0);

	/* what the caller receives */
	n = read_tpkt(peer, buf, sizeof buf);
	CHECK(n > 0);
	CHECK_EQ(dec(&in, buf, n, &g), MG_R_NONE);
	CHECK_EQ(in.scan.q931_type, MG_Q931_RELEASE_COMPLETE);
	CHECK_EQ(in.scan.call_ref, caller.call_ref);
	CHECK(in.scan.call_ref_flag);
	CHECK_EQ(in.scan.q931_cause, 1);
	CHECK_EQ(in.scan.release_reason, MG_H225_RR_CALLED_NOT_REGISTERED);
	CHECK(in.scan.has_call_id && memcmp(in.scan.call_id, caller.call_id, 16) == 0);
	t_guarded_free(g, n - 4);

	/* the caller (Setup sent 5 ms ago) takes it and closes */
	int cv[2];
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, cv), 0);
	caller.sig.fd = cv[0];
	caller.state = MG_MC_SETUP;
	caller.t_setup = mg_mc_now_ms() - 5;
	CHECK_EQ(write(cv[1], buf, n), (ssize_t)n);
	mg_mc_call_sig_ready(&caller, POLLIN);
	CHECK_EQ(caller.state, MG_MC_DONE);
	CHECK(caller.release_expected && !caller.failed);
	CHECK(mg_mc_call_ok(&caller));
	close(cv[1]);

	/* the caller's close ends the refused call */
	close(peer);
	mg_mc_call_sig_ready(&callee, POLLIN);
	CHECK_EQ(callee.state, MG_MC_DONE);
	CHECK(mg_mc_call_ok(&callee));

	json_object *doc = report_of(&callee, &lo), *calls, *one, *v;
	CHECK(doc != NULL);
	CHECK(json_object_object_get_ex(doc, "refused", &v) && json_object_get_int(v) == 1);
	CHECK(json_object_object_get_ex(doc, "total", &v) && json_object_get_int(v) == 0);
	CHECK(json_object_object_get_ex(doc, "calls", &calls));
	one = json_object_array_get_idx(calls, 0);
	CHECK(json_object_object_get_ex(one, "refused", &v) && json_object_get_boolean(v));
	CHECK(json_object_object_get_ex(one, "dest_aliases", &v) && json_object_array_length(v) == 1);
	CHECK(strcmp(json_object_get_string(json_object_array_get_idx(v, 0)), "bob") == 0);
	json_object_put(doc);

	doc = report_of(&caller, &co);
	CHECK(doc != NULL);
	CHECK(json_object_object_get_ex(doc, "calls", &calls));
	one = json_object_array_get_idx(calls, 0);
	CHECK(json_object_object_get_ex(one, "ok", &v) && json_object_get_boolean(v));
	CHECK(json_object_object_get_ex(one, "release_cause", &v) && json_object_get_int(v) == 1);
	CHECK(json_object_object_get_ex(one, "release_reason", &v) &&
	      strcmp(json_object_get_string(v), "calledPartyNotRegistered") == 0);
	CHECK(json_object_object_get_ex(one, "release_ms", &v) && json_object_get_int(v) >= 5 &&
	      json_object_get_int(v) < 1000);
	CHECK(json_object_object_get_ex(one, "dest_aliases", &v) && json_object_array_length(v) == 1);
	json_object_put(doc);
}

/* A listener with --alias answers a Setup for one of its aliases, and one
 * without destinationAddress, as before (no refusal). */
TEST(mc_listener_answers_its_alias)
{
	static struct mg_mc_call callee, caller;
	struct mg_mc_opts lo, co;
	uint8_t buf[1024];
	const char *dialled[2] = {"Alice", NULL};
	for (int k = 0; k < 2; k++) {
		int peer;
		call_opts(&co);
		co.alias = dialled[k];
		size_t n = call_setup(&caller, &co, buf, sizeof buf);
		CHECK(n > 0);
		CHECK(listener_takes(&callee, &lo, buf, n, &peer));
		CHECK(!callee.refused);
		CHECK(callee.failed); /* at opening media, after the alias check */
		CHECK_EQ(callee.n_dest_alias, k == 0 ? 1 : 0);
		CHECK(k != 0 || strcmp(callee.dest_alias[0], "Alice") == 0);
		mg_mc_call_finish(&callee);
		close(peer);
	}
}
