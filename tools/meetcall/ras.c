/* ras.c - the endpoint's side of H.225.0 RAS for `meetcall call|listen
 * --gk HOST[:PORT]` (see mc.h).
 *
 * One UDP socket, one registration.  Requests wait in a fixed table of
 * pending transactions, each resent every MG_MC_RAS_RETRY_MS and given up
 * after MG_MC_RAS_TRIES sends; an answer is matched by requestSeqNum and the
 * request it answers.  Registration (GRQ, RRQ) and unregistration (URQ,
 * after the DRQs still in flight) are waited for, with the same bounds;
 * admissions, disengages and keep-alives run from the call loop.  A URQ
 * from the gatekeeper is confirmed and ends the registration. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "meetcall/mc.h"

#define PENDING (MG_MC_MAX_CALLS * 2 + 4)
#define DEFAULT_TTL 60

struct pend {
	bool busy;
	bool keep_alive;          /* a lightweight RRQ */
	uint8_t type;             /* the request */
	uint16_t seq;
	unsigned tries;
	uint64_t next;
	size_t n;
	uint8_t buf[MG_MC_RAS_MAX];
	struct mg_mc_call *call;  /* ARQ: the call waiting for it */
};

static struct {
	const struct mg_mc_opts *o;
	int fd;
	uint16_t seq;
	bool grq_done, rrq_done;
	uint64_t keepalive_at;    /* 0: none due */
	struct mg_mc_ras_aliases aliases;
	struct pend p[PENDING];
	struct mg_mc_ras_state st;
} R = {.fd = -1};

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;
	if (R.o == NULL || R.o->quiet)
		return;
	printf("ras: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void to_sin(const struct mg_mc_addr *a, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof *sin);
	sin->sin_family = AF_INET;
	memcpy(&sin->sin_addr, a->ip, 4);
	sin->sin_port = htons(a->port);
}

static void transmit(struct pend *p)
{
	struct sockaddr_in sin;
	to_sin(&R.st.gk, &sin);
	(void)sendto(R.fd, p->buf, p->n, 0, (struct sockaddr *)&sin, sizeof sin);
	p->tries++;
	p->next = mg_mc_now_ms() + MG_MC_RAS_RETRY_MS;
}

/* Encode m with the next requestSeqNum and send it; NULL when the table
 * is full or it does not encode. */
static struct pend *request(struct mg_mc_ras *m, struct mg_mc_call *c)
{
	for (unsigned i = 0; i < PENDING; i++) {
		struct pend *p = &R.p[i];
		if (p->busy)
			continue;
		R.seq = (uint16_t)(R.seq == 65535 ? 1 : R.seq + 1);
		m->seq = R.seq;
		snprintf(m->gk_id, sizeof m->gk_id, "%s", R.st.gk_id);
		p->n = mg_mc_enc_ras(m, p->buf, sizeof p->buf);
		if (p->n == 0)
			return NULL;
		p->busy = true;
		p->keep_alive = m->type == MG_MC_RRQ && m->keep_alive;
		p->type = m->type;
		p->seq = m->seq;
		p->tries = 0;
		p->call = c;
		transmit(p);
		return p;
	}
	return NULL;
}

static bool pending(uint8_t type)
{
	for (unsigned i = 0; i < PENDING; i++)
		if (R.p[i].busy && R.p[i].type == type)
			return true;
	return false;
}

static void rrq(bool keep_alive)
{
	struct mg_mc_ras m;
	memset(&m, 0, sizeof m);
	m.type = MG_MC_RRQ;
	m.discovery_complete = R.grq_done;
	m.n_sig = 1;
	m.sig[0] = R.st.sig;
	m.ras = R.st.ras;
	m.has_ttl = true;
	m.ttl = keep_alive && R.st.ttl ? R.st.ttl : DEFAULT_TTL;
	m.keep_alive = keep_alive;
	m.h460_18 = R.o->h460_18;
	if (keep_alive)
		snprintf(m.ep_id, sizeof m.ep_id, "%s", R.st.ep_id);
	else
		m.alias = R.aliases;
	if (request(&m, NULL) == NULL)
		snprintf(R.st.err, sizeof R.st.err, "RRQ did not encode");
}

static void registered(const struct mg_mc_ras *r, bool keep_alive)
{
	R.st.ttl = r->has_ttl ? r->ttl : (R.st.ttl ? R.st.ttl : DEFAULT_TTL);
	/* refresh at two thirds of the timeToLive */
	R.keepalive_at = mg_mc_now_ms() + (uint64_t)R.st.ttl * 2000u / 3u;
	if (keep_alive) {
		R.st.keepalives++;
		say("keep-alive RRQ -> RCF, ttl %u s", R.st.ttl);
		return;
	}
	char a[32], b[32], g[32];
	R.st.registered = true;
	snprintf(R.st.ep_id, sizeof R.st.ep_id, "%s", r->ep_id);
	if (r->gk_id[0])
		snprintf(R.st.gk_id, sizeof R.st.gk_id, "%s", r->gk_id);
	R.st.n_alt_gk = r->n_alt_gk;
	memcpy(R.st.alt_gk, r->alt_gk, sizeof R.st.alt_gk);
	mg_mc_addr_str(&R.st.sig, a, sizeof a);
	mg_mc_addr_str(&R.st.ras, b, sizeof b);
	mg_mc_addr_str(&R.st.gk, g, sizeof g);
	say("registered with %s as %s, ttl %u s (callSignalAddress %s, rasAddress %s)", g, R.st.ep_id, R.st.ttl, a,
	    b);
}

static void answered(struct pend *p, const struct mg_mc_ras *r)
{
	char why[96];
	bool ok = r->type == p->type + 1;
	p->busy = false;
	if (!ok)
		snprintf(why, sizeof why, "%s %s", mg_mc_ras_name(r->type),
			 mg_mc_ras_reason_name(r->type, r->reason, r->reason_ext));
	switch (p->type) {
	case MG_MC_GRQ:
		R.grq_done = true;
		if (!ok) {
			snprintf(R.st.err, sizeof R.st.err, "discovery refused: %s", why);
			break;
		}
		if (r->has_ras && memcmp(r->ras.ip, "\0\0\0\0", 4) != 0)
			R.st.gk = r->ras;
		snprintf(R.st.gk_id, sizeof R.st.gk_id, "%s", r->gk_id);
		say("GRQ -> GCF from %s", R.st.gk_id[0] ? R.st.gk_id : "a gatekeeper without identifier");
		break;
	case MG_MC_RRQ:
		R.rrq_done = true;
		if (ok) {
			registered(r, p->keep_alive);
		} else if (p->keep_alive) {
			say("keep-alive refused (%s): registering again", why);
			rrq(false);
		} else {
			snprintf(R.st.err, sizeof R.st.err, "registration refused: %s", why);
			R.st.registered = false;
		}
		break;
	case MG_MC_URQ:
		R.st.unregistered = ok;
		R.st.registered = false;
		if (ok)
			say("unregistered (URQ -> UCF)");
		else
			say("unregistration refused: %s", why);
		break;
	case MG_MC_ARQ:
		if (ok)
			R.st.admissions++;
		else
			R.st.rejects++;
		if (p->call != NULL)
			mg_mc_call_admission(p->call, r);
		break;
	case MG_MC_DRQ:
		if (ok)
			R.st.disengages++;
		else
			say("disengage refused: %s", why);
		break;
	default:
		break;
	}
}

static void gave_up(struct pend *p)
{
	p->busy = false;
	R.st.unanswered++;
	switch (p->type) {
	case MG_MC_GRQ:
		R.grq_done = true;
		snprintf(R.st.err, sizeof R.st.err, "no answer to GRQ");
		break;
	case MG_MC_RRQ:
		R.rrq_done = true;
		if (!p->keep_alive)
			snprintf(R.st.err, sizeof R.st.err, "no answer to RRQ");
		else
			say("no answer to the keep-alive RRQ");
		break;
	case MG_MC_ARQ:
		R.st.rejects++;
		if (p->call != NULL)
			mg_mc_call_admission(p->call, NULL);
		break;
	default:
		say("no answer to %s", mg_mc_ras_name(p->type));
		break;
	}
}

int mg_mc_ras_fd(void)
{
	return R.fd;
}

uint64_t mg_mc_ras_next(void)
{
	uint64_t t = R.keepalive_at && R.st.registered ? R.keepalive_at : UINT64_MAX;
	for (unsigned i = 0; i < PENDING; i++)
		if (R.p[i].busy && R.p[i].next < t)
			t = R.p[i].next;
	return t;
}

/* A request from the gatekeeper: URQ is confirmed, the rest ignored. */
static void gk_request(const struct mg_mc_ras *r, const struct sockaddr_in *from)
{
	if (r->type != MG_MC_URQ)
		return;
	struct mg_mc_ras u;
	uint8_t buf[64];
	memset(&u, 0, sizeof u);
	u.type = MG_MC_UCF;
	u.seq = r->seq;
	size_t n = mg_mc_enc_ras(&u, buf, sizeof buf);
	if (n > 0)
		(void)sendto(R.fd, buf, n, 0, (const struct sockaddr *)from, sizeof *from);
	R.st.registered = false;
	snprintf(R.st.err, sizeof R.st.err, "unregistered by the gatekeeper");
	say("the gatekeeper unregistered us (URQ -> UCF)");
}

void mg_mc_ras_input(void)
{
	static struct mg_mc_ras r;
	for (int rounds = 0; rounds < 64 && R.fd >= 0; rounds++) {
		uint8_t buf[2048];
		struct sockaddr_in from;
		socklen_t fl = sizeof from;
		ssize_t k = recvfrom(R.fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
		if (k < 0)
			return;
		const char *err = mg_mc_dec_ras(&r, buf, (size_t)k);
		if (err != NULL) {
			say("malformed RAS message ignored (%s)", err);
			continue;
		}
		if (r.type == MG_MC_RAS_OTHER)
			continue;
		if (r.type % 3 == 0) {
			gk_request(&r, &from);
			continue;
		}
		uint8_t req = (uint8_t)(r.type / 3 * 3);
		for (unsigned i = 0; i < PENDING; i++) {
			struct pend *p = &R.p[i];
			if (p->busy && p->seq == r.seq && p->type == req) {
				answered(p, &r);
				break;
			}
		}
	}
}

void mg_mc_ras_tick(uint64_t now)
{
	if (R.fd < 0)
		return;
	for (unsigned i = 0; i < PENDING; i++) {
		struct pend *p = &R.p[i];
		if (!p->busy || now < p->next)
			continue;
		if (p->tries >= MG_MC_RAS_TRIES)
			gave_up(p);
		else
			transmit(p);
	}
	if (R.st.registered && R.keepalive_at != 0 && now >= R.keepalive_at && !pending(MG_MC_RRQ)) {
		R.keepalive_at = 0;
		rrq(true);
	}
}

/* Run the RAS socket alone until done() or the bound. */
static void pump(bool (*done)(void), uint64_t bound_ms)
{
	uint64_t end = mg_mc_now_ms() + bound_ms;
	while (!done()) {
		uint64_t now = mg_mc_now_ms();
		if (now >= end)
			return;
		struct pollfd pf = {.fd = R.fd, .events = POLLIN};
		uint64_t wake = mg_mc_ras_next();
		if (wake > end)
			wake = end;
		int r = poll(&pf, 1, wake <= now ? 0 : (int)(wake - now > 100 ? 100 : wake - now));
		if (r > 0)
			mg_mc_ras_input();
		mg_mc_ras_tick(mg_mc_now_ms());
	}
}

static bool grq_over(void)
{
	return R.grq_done;
}

static bool rrq_over(void)
{
	return R.rrq_done;
}

#define WAIT_MS (MG_MC_RAS_RETRY_MS * MG_MC_RAS_TRIES + 500)

/* The local address the kernel uses towards the gatekeeper. */
static bool local_ip(const struct mg_mc_addr *gk, uint8_t ip[4])
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof sin;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	to_sin(gk, &sin);
	bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0 &&
		  getsockname(fd, (struct sockaddr *)&sin, &sl) == 0;
	if (ok)
		memcpy(ip, &sin.sin_addr, 4);
	if (fd >= 0)
		close(fd);
	return ok;
}

bool mg_mc_ras_start(const struct mg_mc_opts *o, const struct mg_mc_addr *sig)
{
	struct mg_mc_addr local = {{0}, 0};
	struct sockaddr_in sin;
	R.o = o;
	R.st.gk = o->gk_addr;
	if (o->bind_ip[0] != '\0')
		(void)mg_mc_parse_addr(o->bind_ip, 0, &local);
	else if (!local_ip(&o->gk_addr, local.ip)) {
		fprintf(stderr, "meetcall: no route to the gatekeeper: %s\n", strerror(errno));
		return false;
	}
	R.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	to_sin(&local, &sin);
	if (R.fd < 0 || bind(R.fd, (struct sockaddr *)&sin, sizeof sin) < 0 || !mg_mc_sockname(R.fd, &R.st.ras)) {
		fprintf(stderr, "meetcall: cannot open the RAS socket: %s\n", strerror(errno));
		return false;
	}
	R.st.sig = *sig;
	if (memcmp(R.st.sig.ip, "\0\0\0\0", 4) == 0)
		memcpy(R.st.sig.ip, local.ip, 4);
	if (o->listen) {
		for (unsigned i = 0; i < o->n_own_alias; i++)
			mg_mc_ras_alias_add(&R.aliases, o->own_alias[i]);
	} else {
		/* the caller's --from, an h323-ID as in its Setups' sourceAddress */
		mg_mc_ras_alias_add(&R.aliases, o->from);
		R.aliases.a[0].type = MG_H225_ALIAS_NAME;
	}
	struct mg_mc_ras m;
	memset(&m, 0, sizeof m);
	m.type = MG_MC_GRQ;
	m.ras = R.st.ras;
	m.alias = R.aliases;
	m.h460_18 = o->h460_18;
	if (request(&m, NULL) == NULL)
		return false;
	pump(grq_over, WAIT_MS);
	if (R.st.err[0] == '\0') {
		rrq(false);
		pump(rrq_over, WAIT_MS);
	}
	if (!R.st.registered) {
		fprintf(stderr, "meetcall: registration with the gatekeeper failed: %s\n",
			R.st.err[0] ? R.st.err : "no answer");
		return false;
	}
	return true;
}

bool mg_mc_ras_admit(struct mg_mc_call *c, const struct mg_h323_scan *s, const struct mg_h225_aliases *al)
{
	const struct mg_mc_opts *o = c->o;
	struct mg_mc_ras m;
	memset(&m, 0, sizeof m);
	m.type = MG_MC_ARQ;
	snprintf(m.ep_id, sizeof m.ep_id, "%s", R.st.ep_id);
	m.has_call_model = true;
	m.bandwidth = MG_MC_RAS_BANDWIDTH;
	m.crv = c->call_ref;
	memcpy(m.call_id, c->call_id, 16);
	memcpy(m.conf_id, c->call_id, 16);
	if (c->role == MG_MC_CALLER) {
		if (o->alias != NULL)
			mg_mc_ras_alias_add(&m.dest, o->alias);
		m.has_dest_sig = o->have_host;
		m.dest_sig = c->target;
		m.src = R.aliases;
		m.has_src_sig = true;
		m.src_sig = R.st.sig;
	} else {
		for (unsigned i = 0; al != NULL && i < al->n[1] && i < MG_H225_ALIASES; i++) {
			const struct mg_h225_alias *a = &al->a[1][i];
			if (a->type != MG_H225_ALIAS_OTHER && m.dest.n < MG_MC_RAS_ALIASES) {
				m.dest.a[m.dest.n].type = a->type;
				snprintf(m.dest.a[m.dest.n++].s, sizeof m.dest.a[0].s, "%s", a->s);
			}
		}
		if (m.dest.n == 0)
			m.dest = R.aliases;
		for (unsigned i = 0; al != NULL && i < al->n[0] && i < MG_H225_ALIASES; i++) {
			const struct mg_h225_alias *a = &al->a[0][i];
			if (a->type != MG_H225_ALIAS_OTHER && m.src.n < MG_MC_RAS_ALIASES) {
				m.src.a[m.src.n].type = a->type;
				snprintf(m.src.a[m.src.n++].s, sizeof m.src.a[0].s, "%s", a->s);
			}
		}
		m.has_dest_sig = true;
		m.dest_sig = c->local_sig;
		m.has_src_sig = c->have_setup_src;
		m.src_sig = c->setup_src;
		m.answer_call = true;
		(void)s;
	}
	if (request(&m, c) == NULL)
		return false;
	c->admission_wait = true;
	return true;
}

void mg_mc_ras_call_done(struct mg_mc_call *c)
{
	for (unsigned i = 0; i < PENDING; i++)
		if (R.p[i].busy && R.p[i].call == c) {
			R.p[i].busy = false;
			R.p[i].call = NULL;
		}
	c->admission_wait = false;
	if (!c->admitted || !R.st.registered)
		return;
	c->admitted = false;
	struct mg_mc_ras m;
	memset(&m, 0, sizeof m);
	m.type = MG_MC_DRQ;
	snprintf(m.ep_id, sizeof m.ep_id, "%s", R.st.ep_id);
	memcpy(m.conf_id, c->call_id, 16);
	memcpy(m.call_id, c->call_id, 16);
	m.crv = c->call_ref;
	m.reason = MG_MC_DRQ_NORMAL_DROP;
	m.answer_call = c->role == MG_MC_CALLEE;
	if (request(&m, NULL) == NULL)
		R.st.unanswered++;
}

static bool drqs_over(void)
{
	return !pending(MG_MC_DRQ) && !pending(MG_MC_ARQ);
}

static bool urq_over(void)
{
	return !pending(MG_MC_URQ);
}

void mg_mc_ras_stop(void)
{
	if (R.fd < 0)
		return;
	pump(drqs_over, WAIT_MS);
	if (R.st.registered) {
		struct mg_mc_ras m;
		memset(&m, 0, sizeof m);
		m.type = MG_MC_URQ;
		m.n_sig = 1;
		m.sig[0] = R.st.sig;
		m.alias = R.aliases;
		snprintf(m.ep_id, sizeof m.ep_id, "%s", R.st.ep_id);
		if (request(&m, NULL) != NULL)
			pump(urq_over, WAIT_MS);
	}
	close(R.fd);
	R.fd = -1;
}

const struct mg_mc_ras_state *mg_mc_ras_state(void)
{
	return &R.st;
}
