/* fuzz_inroute.c - inbound call routing (core/inroute*.c, alg/h323_route.c)
 * driven through the engine by a script: callers on four source ports send
 * SYNs, the handshake's ACK (with the cookie the gateway answered, or a
 * wrong one), segments of arbitrary bytes or of a Setup for a known or
 * unknown alias cut anywhere and possibly corrupted, FINs and RSTs; the
 * inside host answers the inside leg's SYN, refuses it or stays silent;
 * time passes.  Every segment carries right checksums (fuzz_tcp.h).  Looks
 * for crashes, out-of-bounds access, leaks (the engine is freed after each
 * input) and undefined behaviour. */
#include <stdlib.h>
#include <string.h>

#include "alg/h323.h"
#include "core/alg_api.h"
#include "core/dir.h"
#include "core/engine.h"
#include "fuzz_tcp.h"
#include "setup_alice.h"

#define setup setup_alice


static const uint8_t caller[4] = {198, 19, 0, 20}, pub[4] = {198, 19, 0, 1};
static const uint8_t hosts[2][4] = {{198, 18, 1, 10}, {198, 18, 1, 11}};

struct conn {
	uint32_t isn, next; /* caller's */
	uint32_t cookie;    /* the SYN-ACK it got, 0 = none */
	uint32_t leg_isn;   /* the inside leg's SYN seen (seq) */
	int host;           /* which host it went to, -1 none */
	uint32_t hnext;     /* the inside host's next seq */
};
static struct conn cs[4];

static void on_emit(void *ctx, const uint8_t *l3, uint32_t len, enum mg_side side, uint64_t now)
{
	(void)ctx;
	(void)now;
	struct mg_pkt p;
	uint8_t b[4200];
	if (len > sizeof(b))
		return;
	memcpy(b, l3, len);
	if (mg_pkt_parse(&p, b, len) != MG_R_NONE || p.proto != MG_PROTO_TCP)
		return;
	if (side == MG_SIDE_OUTSIDE && p.t.dport >= 40000 && p.t.dport < 40004 &&
	    p.tcp_flags == (MG_TH_SYN | MG_TH_ACK))
		cs[p.t.dport - 40000].cookie = p.seq;
	if (side == MG_SIDE_INSIDE && p.tcp_flags == MG_TH_SYN && p.t.sport >= 40000 && p.t.sport < 40004) {
		struct conn *c = &cs[p.t.sport - 40000];
		c->leg_isn = p.seq;
		c->host = memcmp(b + 16, hosts[1], 4) == 0 ? 1 : 0;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct in {
	const uint8_t *d;
	size_t n, at;
};
static uint8_t u8(struct in *in)
{
	return in->at < in->n ? in->d[in->at++] : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_config c;
	char err[200];
	mg_config_defaults(&c);
	c.n_inside = 1;
	c.inside[0].addr = 0x000112c6; /* 198.18.1.0/24 */
	c.inside[0].mask = 0x00ffffff;
	c.n_public = 1;
	memcpy(&c.public_addr[0], pub, 4);
	c.route_all = true;
	c.max_flows = 64;
	c.max_bindings = 64;
	c.max_pinholes = 64;
	c.max_calls = 8;
	c.max_frags = 16;
	c.max_directory = 16;
	c.max_route_pending = 8;
	c.max_route_pending_per_source = 3;
	struct mg_engine *e = mg_engine_new(&c, 1, err, sizeof(err));
	if (!e)
		abort();
	struct mg_h323 *h = mg_h323_attach(e);
	mg_engine_set_emit(e, on_emit, NULL);
	uint32_t a10, a11;
	memcpy(&a10, hosts[0], 4);
	memcpy(&a11, hosts[1], 4);
	mg_dir_learn(mg_alg_dir(e), "alice", MG_ALIAS_NAME, a10, 1720, MG_DIR_STATIC, 1000, UINT64_MAX, false);
	mg_dir_learn(mg_alg_dir(e), "2001", MG_ALIAS_DIGITS, a11, 1720, MG_DIR_STATIC, 1000, UINT64_MAX, false);
	memset(cs, 0, sizeof(cs));
	for (int i = 0; i < 4; i++) {
		cs[i].isn = cs[i].next = 0xfffff000u + (uint32_t)i * 977u;
		cs[i].host = -1;
	}
	struct in in = {data, size, 0};
	uint64_t now = 1000;
	uint8_t pkt[4200], pay[1500];
	for (int step = 0; step < 64 && in.at < in.n; step++) {
		uint8_t ctl = u8(&in);
		struct conn *k = &cs[(ctl >> 4) & 3];
		uint16_t port = (uint16_t)(40000 + ((ctl >> 4) & 3));
		size_t n = 0, len;
		enum mg_side side = MG_SIDE_OUTSIDE;
		switch (ctl & 15) {
		case 0: /* SYN */
			k->next = k->isn + 1;
			len = fz_tcp(pkt, caller, port, pub, 1720, MG_TH_SYN, k->isn, 0, NULL, 0);
			break;
		case 1: /* the handshake's ACK: the cookie or (ctl bit 6) a wrong one */
			len = fz_tcp(pkt, caller, port, pub, 1720, MG_TH_ACK, k->next,
				     k->cookie + 1 + ((ctl & 64) ? u8(&in) + 1u : 0u), NULL, 0);
			break;
		case 2: /* raw bytes */
			n = u8(&in) % 200;
			if (n > in.n - in.at)
				n = in.n - in.at;
			memcpy(pay, in.d + in.at, n);
			in.at += n;
			len = fz_tcp(pkt, caller, port, pub, 1720, MG_TH_ACK | MG_TH_PSH, fz_step_seq(u8(&in), k->next),
				     k->cookie + 1, pay, n);
			if (!((ctl >> 6) & 1))
				k->next += (uint32_t)n;
			break;
		case 3:
		case 4: { /* the Setup, or a piece of it, possibly with one byte changed */
			size_t from = u8(&in) % sizeof(setup), to = sizeof(setup);
			if ((ctl & 15) == 4)
				from = 0, to = 1 + u8(&in) % sizeof(setup);
			memcpy(pay, setup + from, to - from);
			if (ctl & 64)
				pay[u8(&in) % (to - from)] ^= u8(&in);
			n = to - from;
			len = fz_tcp(pkt, caller, port, pub, 1720, MG_TH_ACK | MG_TH_PSH, k->isn + 1 + (uint32_t)from,
				     k->cookie + 1, pay, n);
			break;
		}
		case 5: /* the inside host answers the inside leg */
			k->hnext = 0x7fff0000u + u8(&in);
			len = fz_tcp(pkt, hosts[k->host > 0], 1720, caller, port, MG_TH_SYN | MG_TH_ACK, k->hnext++,
				     k->leg_isn + 1, NULL, 0);
			side = MG_SIDE_INSIDE;
			break;
		case 6: /* ... or refuses it */
			len = fz_tcp(pkt, hosts[k->host > 0], 1720, caller, port, MG_TH_RST | MG_TH_ACK, 0,
				     k->leg_isn + 1, NULL, 0);
			side = MG_SIDE_INSIDE;
			break;
		case 7: /* the inside host talks */
			n = u8(&in) % 64;
			memset(pay, u8(&in), n);
			len = fz_tcp(pkt, hosts[k->host > 0], 1720, caller, port, MG_TH_ACK | MG_TH_PSH, k->hnext,
				     k->isn + 1 + u8(&in), pay, n);
			k->hnext += (uint32_t)n;
			side = MG_SIDE_INSIDE;
			break;
		case 8: /* caller FIN */
			len = fz_tcp(pkt, caller, port, pub, 1720, MG_TH_ACK | MG_TH_FIN, k->next, k->cookie + 1 + u8(&in),
				     NULL, 0);
			break;
		case 9: /* caller RST */
			len = fz_tcp(pkt, caller, port, pub, 1720, MG_TH_RST, k->next + u8(&in), 0, NULL, 0);
			break;
		case 10: /* the caller's T.120 connection */
			len = fz_tcp(pkt, caller, (uint16_t)(port + 100), pub, 1503, MG_TH_SYN, 5, 0, NULL, 0);
			break;
		default: /* time passes */
			now += (uint64_t)u8(&in) * 100;
			mg_engine_expire(e, now);
			continue;
		}
		mg_engine_process(e, pkt, (uint32_t)len, side, now);
	}
	mg_engine_expire(e, now + 600000);
	mg_engine_free(e);
	mg_h323_free(h);
	return 0;
}
