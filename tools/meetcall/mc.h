/* mc.h - meetcall: an H.323 endpoint and call generator.
 *
 * One process, one thread, one poll() loop.  Each call is a struct
 * mg_mc_call: its signalling TCP stream, an optional separate H.245 stream,
 * and an RTP/RTCP socket pair.  Roles: the caller places a call and hangs
 * up after --duration seconds of media; the callee answers automatically
 * and ends when the caller releases.  Every wait is bounded by a deadline.
 */
#ifndef MG_MC_H
#define MG_MC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meetcall/mc_msg.h"
#include "proto/h225.h"

#define MG_MC_MAX_CALLS 64     /* calls in progress at once */
#define MG_MC_RXBUF 8192       /* one signalling stream's receive buffer */
#define MG_MC_MAX_QUEUE 8      /* tunnelled H.245 PDUs waiting for a Facility */
#define MG_MC_PDU_MAX 256      /* one H.245 PDU */
#define MG_MC_PKT_MS 20        /* G.711 packetisation */
#define MG_MC_PAYLOAD 160      /* octets of G.711 per packet */
#define MG_MC_RTCP_MS 5000     /* sender report interval */
#define MG_MC_IDLE_MS 10000    /* callee: nothing received for this long ends a call */
#define MG_MC_PASS_PCT 80      /* received >= 80% of what the peer should have sent */
#define MG_MC_CLOSE_WAIT_MS 2000 /* after sending ReleaseComplete: longest wait for the peer's close */
#define MG_MC_RETRY_MS 2000    /* --sport: longest wait for the port's previous connection to go */
#define MG_MC_PEER_ADDRS 16    /* distinct addresses remembered from the peer's messages */
#define MG_MC_CALLBACK_SLACK_MS 10000 /* a call back's bound: its media time + this */
#define MG_MC_OWN_ALIASES 4    /* listen --alias: the listener's own aliases */
#define MG_MC_ALIAS_MAX 64     /* characters of a caller's alias */
#define MG_MC_HELD_MAX 4096    /* callee with --gk: the Setup held until the ACF */
#define MG_MC_GK_ALT 2         /* gatekeeper --alternate-gk addresses */

struct mg_mc_opts {
	bool listen;             /* listen mode (else call mode) */
	char host[64];           /* call: peer IPv4 address */
	uint16_t port;           /* call: peer port; listen: port to listen on */
	char bind_ip[64];        /* local IPv4 address ("" = any / kernel's choice) */
	const char *alias;       /* call: destinationAddress */
	const char *called_number; /* call: Q.931 Called party number (ALIAS@HOST with digits), NULL: none */
	char target_alias[MG_MC_ALIAS_MAX + 1]; /* call: the ALIAS of ALIAS@HOST */
	bool expect_release;     /* call: --expect-release given */
	uint8_t expect_cause;    /* ... the Q.931 cause value a release must carry */
	const char *own_alias[MG_MC_OWN_ALIASES]; /* listen: --alias, matched case-insensitively */
	unsigned n_own_alias;
	const char *from;        /* call: sourceAddress (h323-ID) and Display */
	bool faststart, tunnel, split, quiet;
	unsigned duration_ms;    /* call: media time per call */
	unsigned calls;          /* number of calls (listen: 0 = forever) */
	double rate;             /* call: new calls per second (0: as slots free up) */
	unsigned concurrent;     /* call: calls at once */
	unsigned timeout_ms;     /* call: per-call bound; listen: whole-run bound (0: none) */
	const char *report;      /* JSON report file, NULL: none */
	uint16_t sport;          /* call: local port of every signalling connection (0: kernel's choice) */
	unsigned gap_ms;         /* call: pause between one call's end and the next call (concurrent 1) */
	bool close_rst;          /* close the signalling connection with a reset (SO_LINGER 0) */
	bool have_call_id;       /* call: callIdentifier given with --call-id */
	uint8_t call_id[16];
	uint16_t advertise_port; /* call: port put in sourceCallSignalAddress (0: the real one) */
	bool call_back;          /* listen: call every answered caller back */
	/* RAS */
	bool gk;                 /* call / listen --gk: register with the gatekeeper at gk_addr */
	struct mg_mc_addr gk_addr;
	bool h460_18;            /* call / listen --h460-18: GRQ and RRQ name H.460.18 in featureSet;
				  * gatekeeper --h460-18: RCFs name it (confirmed) */
	bool have_host;          /* call: HOST given (ALIAS alone with --gk: the ACF says where) */
	bool gatekeeper;         /* the gatekeeper command (bind_ip, port, timeout_ms, report, quiet) */
	unsigned ttl_s;          /* gatekeeper: the timeToLive it grants at most (--ttl) */
	bool routed;             /* gatekeeper: route call signalling through itself (--routed) */
	uint16_t sig_port;       /* gatekeeper --routed: its call signalling port */
	unsigned n_alt_gk;       /* gatekeeper: --alternate-gk, listed in GCF and RCF */
	struct mg_mc_addr alt_gk[MG_MC_GK_ALT];
};

/* A TCP stream carrying TPKTs. */
struct mg_mc_stream {
	int fd;            /* -1: none */
	bool connecting;   /* non-blocking connect in progress */
	size_t len;        /* bytes buffered */
	uint8_t buf[MG_MC_RXBUF];
};

struct mg_mc_media {
	int rtp_fd, rtcp_fd;
	struct mg_mc_addr local;     /* our RTP address (RTCP is port + 1) */
	bool have_rtp, have_rtcp;    /* peer addresses known from signalling */
	struct mg_mc_addr peer_rtp;  /* where we send RTP; where the peer's RTP must come from */
	struct mg_mc_addr peer_rtcp;
	bool active;
	uint16_t seq;
	uint32_t ts, ssrc;
	uint64_t start_ms, stop_ms, next_rtp_ms, next_rtcp_ms;
	unsigned rtp_tx, rtp_rx, rtp_rx_other, rtcp_tx, rtcp_rx;
	uint64_t octets_tx;
	unsigned early_rx;             /* RTP that came before peer_rtp was known */
	struct mg_mc_addr early_src;
	bool bad_source_seen;
	struct mg_mc_addr bad_source;  /* first RTP source that was not peer_rtp */
};

enum mg_mc_role { MG_MC_CALLER, MG_MC_CALLEE };

enum mg_mc_state {
	MG_MC_FREE = 0,
	MG_MC_ADMISSION,  /* caller with --gk: ARQ sent, waiting for ACF / ARJ */
	MG_MC_CONNECTING, /* caller: TCP connect in progress */
	MG_MC_SETUP,      /* caller: Setup sent; callee: waiting for Setup */
	MG_MC_CONNECTED,  /* Connect sent / received */
	MG_MC_CLOSING,    /* ReleaseComplete sent: waiting for the peer's close */
	MG_MC_DONE,       /* finished: report pending */
};

/* An address the peer sent in a signalling message, and its field
 * (enum mg_h323_field). */
struct mg_mc_peer_addr {
	uint8_t field;
	struct mg_mc_addr a;
};

struct mg_mc_call {
	unsigned num;            /* 1-based call number (call backs: their own count) */
	enum mg_mc_role role;
	bool call_back;          /* caller: placed by `listen --call-back` */
	struct mg_mc_addr target; /* caller: the callee's signalling address */
	enum mg_mc_state state;
	const struct mg_mc_opts *o;
	struct mg_mc_stream sig;
	struct mg_mc_stream h245;
	int h245_lfd;            /* callee: listening for the separate H.245 channel */
	struct mg_mc_addr local_sig, peer_sig;
	bool have_setup_src;     /* callee: the Setup carried sourceCallSignalAddress */
	struct mg_mc_addr setup_src; /* ... as received */
	bool called_back;        /* callee: its call back was placed */
	struct mg_mc_peer_addr peer_addr[MG_MC_PEER_ADDRS]; /* as received, first ones */
	unsigned n_peer_addr;
	uint16_t call_ref;
	uint8_t call_id[16];
	/* negotiation */
	bool fs_used, tunnel_used, h245_started, h245_used;
	bool have_h245_addr;           /* caller: the callee's h245Address */
	struct mg_mc_addr peer_h245;
	uint16_t fs_lcn_tx, fs_lcn_rx; /* callee: the caller's proposals answered */
	bool tcs_acked, peer_tcs, msd_done, olc_sent, olc_acked, esc_sent, esc_seen;
	uint32_t msd_number;
	uint8_t q[MG_MC_MAX_QUEUE][MG_MC_PDU_MAX];
	size_t qn[MG_MC_MAX_QUEUE];
	unsigned nq;
	struct mg_mc_media media;
	/* timing (ms on the monotonic clock) */
	uint64_t t_start, t_setup, t_connect, t_end, deadline, end_at, last_rx;
	uint64_t rc_at;           /* caller: ReleaseComplete due (waiting for endSessionCommand) */
	uint64_t close_at;        /* ReleaseComplete sent: waiting (until then) for the peer's close */
	uint64_t retry_at;        /* caller, --sport: next connect attempt (0: none pending) */
	uint64_t retry_end;       /* ... and the last one */
	bool release_sent, release_seen;
	/* ReleaseComplete received: its Q.931 cause (0: no Cause IE), its
	 * H.225.0 reason (MG_H225_RR_NONE: none) and when it came */
	uint8_t release_cause, release_reason;
	uint64_t t_release;
	bool release_expected;   /* caller: released with --expect-release's cause */
	bool refused;            /* callee: Setup for none of --alias, answered with ReleaseComplete */
	char dest_alias[MG_H225_ALIASES][MG_H225_ALIAS_LEN]; /* callee: the Setup's destinationAddress */
	unsigned n_dest_alias;
	/* RAS (--gk) */
	bool admission_wait;     /* ARQ sent, no answer yet */
	bool admitted;           /* ACF received: a DRQ goes out when the call ends */
	bool arj;                /* ARJ received: arj_reason / arj_ext */
	uint8_t arj_reason;
	bool arj_ext;
	bool acf_routed;         /* the ACF's callModel was gatekeeperRouted */
	struct mg_mc_addr acf_addr; /* the ACF's destCallSignalAddress */
	size_t held_n;           /* callee: the Setup waiting for its ACF */
	uint8_t held[MG_MC_HELD_MAX];
	bool failed;
	char err[192];
};

/* clock and randomness */
uint64_t mg_mc_now_ms(void);
void mg_mc_random(void *p, size_t n);

/* net.c */
int mg_mc_tcp_listen(const char *ip, uint16_t port, struct mg_mc_addr *bound);
/* Non-blocking connect from bind_ip (NULL or "": kernel's choice) and
 * sport (0: kernel's choice; else bound with SO_REUSEADDR). */
int mg_mc_tcp_connect(const char *bind_ip, uint16_t sport, const struct mg_mc_addr *peer);
/* Close now: rst sends a reset (SO_LINGER 0) instead of a FIN. */
void mg_mc_close(int fd, bool rst);
int mg_mc_udp_pair(const struct mg_mc_addr *local_ip, int *rtp_fd, int *rtcp_fd, uint16_t *rtp_port);
bool mg_mc_sockname(int fd, struct mg_mc_addr *a);
bool mg_mc_peername(int fd, struct mg_mc_addr *a);
/* Send n octets, waiting (bounded) for room in the send buffer. */
bool mg_mc_send_all(int fd, const uint8_t *p, size_t n);
/* Send one TPKT (split: the 4-octet header in a segment of its own). */
bool mg_mc_send_tpkt(int fd, const uint8_t *p, size_t n, bool split);
/* Read what the socket has: -1 on error, 0 on EOF, 1 otherwise. */
int mg_mc_stream_read(struct mg_mc_stream *s);
/* Take the next complete TPKT's payload out of the buffer into out:
 * 1 done (*n set), 0 need more, -1 not a TPKT stream or larger than the
 * buffer.  Empty TPKTs (keep-alives) are dropped. */
int mg_mc_stream_pop(struct mg_mc_stream *s, uint8_t *out, size_t cap, size_t *n);
void mg_mc_stream_close(struct mg_mc_stream *s);
void mg_mc_stream_close_mode(struct mg_mc_stream *s, bool rst);
bool mg_mc_parse_addr(const char *ip, uint16_t port, struct mg_mc_addr *a);
void mg_mc_addr_str(const struct mg_mc_addr *a, char *out, size_t cap);

/* media.c */
bool mg_mc_media_open(struct mg_mc_media *m, const struct mg_mc_addr *local_ip);
void mg_mc_media_start(struct mg_mc_media *m, uint64_t now);
void mg_mc_media_stop(struct mg_mc_media *m, uint64_t now);
void mg_mc_media_tick(struct mg_mc_media *m, uint64_t now);
void mg_mc_media_rx_rtp(struct mg_mc_media *m, uint64_t now);
void mg_mc_media_rx_rtcp(struct mg_mc_media *m);
/* Judge RTP that arrived before the peer's address was known (call once
 * peer_rtp is set, and at the end). */
void mg_mc_media_settle(struct mg_mc_media *m);
uint64_t mg_mc_media_next(const struct mg_mc_media *m);
void mg_mc_media_close(struct mg_mc_media *m);
/* Packets the peer should have sent while our media ran (50/s). */
unsigned mg_mc_media_expected(const struct mg_mc_media *m);

/* call.c: signalling */
void mg_mc_call_init(struct mg_mc_call *c, const struct mg_mc_opts *o, unsigned num, enum mg_mc_role role,
		     uint64_t now);
bool mg_mc_call_place(struct mg_mc_call *c);          /* caller: start connecting to c->target */
bool mg_mc_call_accept(struct mg_mc_call *c, int fd);  /* callee: take a new connection */
void mg_mc_call_sig_ready(struct mg_mc_call *c, short revents);
void mg_mc_call_tick(struct mg_mc_call *c, uint64_t now);
uint64_t mg_mc_call_next(const struct mg_mc_call *c);
void mg_mc_call_fail(struct mg_mc_call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mg_mc_call_finish(struct mg_mc_call *c);
bool mg_mc_call_ok(const struct mg_mc_call *c);
/* Caller: the Setup of this call (callIdentifier = conferenceID, our
 * signalling address with --advertise-port's port, fastStart proposals
 * for c->media.local), as a whole TPKT; 0 if it does not fit. */
size_t mg_mc_call_enc_setup(const struct mg_mc_call *c, uint8_t *out, size_t cap);
/* Send an H.225.0 message of the given body with the call's identity. */
bool mg_mc_call_send_h225(struct mg_mc_call *c, struct mg_mc_h225 *m);
/* The peer's RTP address is known: start (or keep) media; the caller's
 * hang-up clock starts here. */
void mg_mc_call_media(struct mg_mc_call *c);
/* Remember every IPv4 address of a received message (distinct, first
 * MG_MC_PEER_ADDRS). */
void mg_mc_call_note_addrs(struct mg_mc_call *c, const struct mg_h323_scan *s);
/* A ReleaseComplete s arrived: keep its cause, reason and time; for a
 * caller it is the end of the call, expected (--expect-release with that
 * cause) or a failure saying what the far end said. */
void mg_mc_call_released(struct mg_mc_call *c, const struct mg_h323_scan *s);
/* Listen --alias: true when the Setup's destinationAddress has aliases and
 * none of them is one of ours (case-insensitive; an alias cut by the
 * decoder matches nothing). */
bool mg_mc_alias_refused(const struct mg_mc_opts *o, const struct mg_h225_aliases *al);
/* "cause 1 (unallocated number), reason calledPartyNotRegistered" or "no
 * cause": what a received ReleaseComplete said. */
void mg_mc_release_str(const struct mg_mc_call *c, char *out, size_t cap);

/* h245.c: the H.245 session (tunnelled or separate) */
void mg_mc_h245_start(struct mg_mc_call *c);
void mg_mc_h245_input(struct mg_mc_call *c, const uint8_t *p, size_t n, uint8_t container);
void mg_mc_h245_send(struct mg_mc_call *c, const uint8_t *p, size_t n);
void mg_mc_h245_flush(struct mg_mc_call *c); /* tunnelled: queued PDUs go out in a Facility */
void mg_mc_h245_ready(struct mg_mc_call *c, short revents);
void mg_mc_h245_accept(struct mg_mc_call *c);

/* report.c */
void mg_mc_report_line(const struct mg_mc_call *c);
const char *mg_mc_field_name(uint8_t field);
struct mg_mc_totals {
	unsigned calls, ok, failed;
	unsigned answered;       /* listen: answered calls reported (call backs not counted) */
	unsigned refused;        /* listen: calls refused (--alias), not counted in calls */
	uint64_t setup_sum, setup_max;
	unsigned setup_n;
	uint64_t rtp_tx, rtp_rx;
};
void mg_mc_totals_add(struct mg_mc_totals *t, const struct mg_mc_call *c);
void mg_mc_totals_print(const struct mg_mc_totals *t, const struct mg_mc_opts *o);
/* JSON report: begin, one call at a time, end.  NULL file: no-ops. */
void *mg_mc_json_open(const char *path, const struct mg_mc_opts *o);
void mg_mc_json_call(void *f, const struct mg_mc_call *c);
void mg_mc_json_close(void *f, const struct mg_mc_totals *t);

/* run.c */
int mg_mc_run_listen(const struct mg_mc_opts *o);
int mg_mc_run_call(const struct mg_mc_opts *o);

/* ras.c: the endpoint's side of RAS (--gk).  One registration per process:
 * GRQ/GCF then RRQ/RCF at the start (waited for), lightweight RRQs before
 * the timeToLive runs out, one ARQ per call (caller before connecting,
 * callee before answering a Setup), a DRQ when an admitted call ends, URQ at
 * the end.  Requests are resent every second, three times at most; every
 * wait is bounded. */
#define MG_MC_RAS_RETRY_MS 1000
#define MG_MC_RAS_TRIES 3
struct mg_mc_ras_state {
	bool registered, unregistered;
	char ep_id[MG_MC_RAS_ID_LEN], gk_id[MG_MC_RAS_ID_LEN];
	uint32_t ttl;                 /* granted by the RCF (or asked for) */
	struct mg_mc_addr gk;         /* where requests go (GCF rasAddress) */
	struct mg_mc_addr sig, ras;   /* our callSignalAddress and rasAddress as registered */
	unsigned n_alt_gk;
	struct mg_mc_alt_gk alt_gk[MG_MC_RAS_ALT_GK];
	unsigned keepalives;          /* lightweight RRQs answered with RCF */
	unsigned admissions, rejects; /* ACF, ARJ (and unanswered ARQs) */
	unsigned disengages;          /* DRQs answered with DCF */
	unsigned unanswered;          /* requests without an answer after every try */
	char err[160];                /* why registration failed or was lost */
};
/* Register (sig: our call signalling address; IP 0.0.0.0 means the
 * address the kernel uses towards the gatekeeper).  Prints what happened
 * unless quiet; false when no RCF came. */
bool mg_mc_ras_start(const struct mg_mc_opts *o, const struct mg_mc_addr *sig);
int mg_mc_ras_fd(void);           /* -1 without --gk */
uint64_t mg_mc_ras_next(void);    /* next RAS timer (UINT64_MAX: none) */
void mg_mc_ras_input(void);       /* read and act on what the gatekeeper sent */
void mg_mc_ras_tick(uint64_t now);
/* Ask admission for call c (caller: before connecting; callee: s is the
 * Setup's scan, al its aliases).  The answer comes back through
 * mg_mc_call_admission. */
bool mg_mc_ras_admit(struct mg_mc_call *c, const struct mg_h323_scan *s, const struct mg_h225_aliases *al);
void mg_mc_ras_call_done(struct mg_mc_call *c); /* drop its ARQ, or send its DRQ */
void mg_mc_ras_stop(void);        /* answer pending DRQs, then URQ (bounded) */
const struct mg_mc_ras_state *mg_mc_ras_state(void);
/* call.c: the gatekeeper answered call c's ARQ (r NULL: no answer). */
void mg_mc_call_admission(struct mg_mc_call *c, const struct mg_mc_ras *r);

/* gk.c: `meetcall gatekeeper`, a small gatekeeper for the lab. */
#define MG_MC_GK_REGS 64      /* registrations kept (active or not) */
#define MG_MC_GK_ADMITS 128   /* admissions kept for routing and the report */
#define MG_MC_GK_RELAYS 32    /* routed calls at once */
enum mg_mc_gk_reg_state { MG_MC_REG_FREE = 0, MG_MC_REG_ACTIVE, MG_MC_REG_UNREGISTERED, MG_MC_REG_EXPIRED };
struct mg_mc_gk_reg {
	uint8_t state;                 /* enum mg_mc_gk_reg_state */
	char ep_id[MG_MC_RAS_ID_LEN];
	struct mg_mc_ras_aliases alias;
	unsigned n_sig;                /* callSignalAddress as the RRQ carried it (IPv4 ones) */
	struct mg_mc_addr sig[MG_MC_RAS_ADDRS];
	struct mg_mc_addr ras;         /* rasAddress as carried */
	struct mg_mc_addr src;         /* the RRQ's source address */
	uint32_t ttl;
	uint64_t since, expires;
	unsigned keepalives;
};
struct mg_mc_gk_admit {
	char ep_id[MG_MC_RAS_ID_LEN];
	struct mg_mc_addr src;         /* the ARQ's source address */
	bool answer_call, ok, routed, disengaged;
	uint8_t reason;                /* ARJ reason */
	struct mg_mc_ras_aliases dest;
	struct mg_mc_addr dest_sig;    /* the callee's registered address */
	uint8_t call_id[16];
};
struct mg_mc_gk {
	const struct mg_mc_opts *o;
	bool verbose;                  /* print a line per exchange */
	struct mg_mc_addr ras_addr, sig_addr; /* ours (sig_addr: --routed) */
	unsigned next_ep;
	struct mg_mc_gk_reg reg[MG_MC_GK_REGS];
	struct mg_mc_gk_admit adm[MG_MC_GK_ADMITS];
	unsigned n_adm, adm_dropped;
	unsigned rx[MG_MC_RAS_ROOT + 1]; /* requests received by type ([ROOT]: others) */
	unsigned tx[MG_MC_RAS_ROOT];     /* answers sent by type */
	unsigned malformed, keepalives, expired;
};
void mg_mc_gk_init(struct mg_mc_gk *g, const struct mg_mc_opts *o, const struct mg_mc_addr *ras,
		   const struct mg_mc_addr *sig);
/* Answer one RAS message from src: the answer is encoded into out (0: no
 * answer) to be sent to *to. */
size_t mg_mc_gk_handle(struct mg_mc_gk *g, const uint8_t *msg, size_t len, const struct mg_mc_addr *src,
		       uint64_t now, uint8_t *out, size_t cap, struct mg_mc_addr *to);
void mg_mc_gk_expire(struct mg_mc_gk *g, uint64_t now);
uint64_t mg_mc_gk_next_expiry(const struct mg_mc_gk *g);
/* The registered endpoint an alias belongs to (active only), or NULL. */
const struct mg_mc_gk_reg *mg_mc_gk_find_alias(const struct mg_mc_gk *g, const char *alias);
/* --routed: where a Setup (a Q.931 message) goes: the callee of the ACF
 * with its callIdentifier, else the registered owner of one of its
 * destinationAddress aliases. */
bool mg_mc_gk_route(const struct mg_mc_gk *g, const uint8_t *setup, size_t n, struct mg_mc_addr *to);
int mg_mc_run_gatekeeper(const struct mg_mc_opts *o);

#endif
