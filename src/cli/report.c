/* report.c - report.json and summary.txt of a replay run.  The format is
 * specified in doc/replay.md; keep the two in step.  Nothing here reads a
 * clock: the same run gives the same bytes. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/json.h"
#include "cli/replay.h"
#include "core/ct_tcp.h"

#define ADDR_STR 64 /* "[" v6 "]:" port, with room */

static const char *proto_name(uint8_t p, char *buf, size_t n)
{
	switch (p) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 58:
		return "icmp6";
	default:
		snprintf(buf, n, "%u", (unsigned)p);
		return buf;
	}
}

static void v4_str(uint32_t addr_be, char *out, size_t n)
{
	if (inet_ntop(AF_INET, &addr_be, out, (socklen_t)n) == NULL)
		snprintf(out, n, "?");
}

static void v4_port_str(uint32_t addr_be, uint16_t port, char *out, size_t n)
{
	char a[INET_ADDRSTRLEN];
	v4_str(addr_be, a, sizeof(a));
	snprintf(out, n, "%s:%u", a, (unsigned)port);
}

static void addr_port_str(uint8_t family, const union mg_addr *a, uint16_t port, char *out, size_t n)
{
	char s[INET6_ADDRSTRLEN];

	if (family == MG_AF_INET6) {
		if (inet_ntop(AF_INET6, a->b, s, sizeof(s)) == NULL)
			snprintf(s, sizeof(s), "?");
		snprintf(out, n, "[%s]:%u", s, (unsigned)port);
	} else {
		v4_port_str(a->w[0], port, out, n);
	}
}

static void json_tuple(struct mg_json *j, const char *key, const struct mg_tuple *t)
{
	char s[ADDR_STR];

	mg_json_obj(j, key);
	addr_port_str(t->family, &t->src, t->sport, s, sizeof(s));
	mg_json_str(j, "src", s);
	addr_port_str(t->family, &t->dst, t->dport, s, sizeof(s));
	mg_json_str(j, "dst", s);
	mg_json_end_obj(j);
}

static void json_pair(struct mg_json *j, const char *key, const uint64_t v[2])
{
	mg_json_arr_inline(j, key);
	mg_json_u64(j, NULL, v[0]);
	mg_json_u64(j, NULL, v[1]);
	mg_json_end_arr(j);
}

/* `ended` adds the end reason; fi->state/alg may be NULL (copied apart). */
static void json_flow(struct mg_json *j, const struct mg_flow_info *fi, const char *state,
		      const char *alg, bool ended)
{
	char pb[8];

	mg_json_obj(j, NULL);
	mg_json_str(j, "proto", proto_name(fi->orig.proto, pb, sizeof(pb)));
	json_tuple(j, "orig", &fi->orig);
	json_tuple(j, "reply", &fi->reply);
	mg_json_str(j, "orig_side", mg_replay_side_name(fi->orig_side));
	mg_json_str(j, "state", state);
	mg_json_arr_inline(j, "states_seen");
	for (unsigned i = 0; i < MG_TCP__COUNT; i++)
		if (fi->states_seen & (1u << i))
			mg_json_str(j, NULL, mg_tcp_state_name((uint8_t)i));
	mg_json_end_arr(j);
	json_pair(j, "packets", fi->pkts);
	json_pair(j, "bytes", fi->bytes);
	mg_json_str(j, "alg", alg);
	mg_json_u64(j, "call", fi->call);
	mg_json_u64(j, "created_ms", fi->created_ms);
	mg_json_u64(j, "last_ms", fi->last_ms);
	if (ended)
		mg_json_str(j, "end", fi->end_reason == 0
					      ? "timeout"
					      : mg_reason_name((enum mg_reason)fi->end_reason));
	else
		mg_json_u64(j, "expire_ms", fi->expire_ms);
	mg_json_end_obj(j);
}

static void flow_cb(void *ctx, const struct mg_flow_info *fi)
{
	json_flow(ctx, fi, fi->state ? fi->state : "", fi->alg ? fi->alg : "", false);
}

static void binding_cb(void *ctx, const struct mg_binding_info *bi)
{
	struct mg_json *j = ctx;
	char s[ADDR_STR], pb[8];

	mg_json_obj(j, NULL);
	mg_json_str(j, "proto", proto_name(bi->proto, pb, sizeof(pb)));
	v4_port_str(bi->in_addr, bi->in_port, s, sizeof(s));
	mg_json_str(j, "inside", s);
	v4_port_str(bi->pub_addr, bi->pub_port, s, sizeof(s));
	mg_json_str(j, "public", s);
	mg_json_bool(j, "advertised", bi->advertised);
	mg_json_u64(j, "refs", bi->refs);
	mg_json_u64(j, "created_ms", bi->created_ms);
	mg_json_end_obj(j);
}

static void pinhole_cb(void *ctx, const struct mg_pinhole_info *pi)
{
	struct mg_json *j = ctx;
	char s[ADDR_STR], pb[8];

	mg_json_obj(j, NULL);
	mg_json_str(j, "what", pi->what ? pi->what : "");
	mg_json_str(j, "proto", proto_name(pi->proto, pb, sizeof(pb)));
	mg_json_str(j, "side", mg_replay_side_name(pi->side));
	if (pi->remote == 0)
		snprintf(s, sizeof(s), "any");
	else
		v4_str(pi->remote, s, sizeof(s));
	mg_json_str(j, "remote", s);
	v4_port_str(pi->dst_addr, pi->dst_port, s, sizeof(s));
	mg_json_str(j, "dst", s);
	v4_port_str(pi->to_addr, pi->to_port, s, sizeof(s));
	mg_json_str(j, "to", s);
	mg_json_u64(j, "call", pi->owner);
	mg_json_u64(j, "hits", pi->hits);
	mg_json_u64(j, "expire_ms", pi->expire_ms);
	mg_json_end_obj(j);
}

static void json_input(struct mg_json *j, const struct mg_replay_input *in)
{
	mg_json_obj(j, NULL);
	mg_json_str(j, "role", in->role);
	mg_json_str(j, "file", in->path);
	mg_json_str(j, "link_type", mg_pcap_dlt_name(in->dlt));
	mg_json_u64(j, "records", in->c.records);
	mg_json_u64(j, "ipv4", in->c.ipv4);
	mg_json_u64(j, "ipv6", in->c.ipv6);
	mg_json_u64(j, "skipped_non_ip", in->c.non_ip);
	mg_json_u64(j, "truncated", in->c.truncated);
	mg_json_u64(j, "malformed", in->c.malformed);
	mg_json_u64(j, "taken_inside", in->taken[MG_SIDE_INSIDE]);
	mg_json_u64(j, "taken_outside", in->taken[MG_SIDE_OUTSIDE]);
	mg_json_u64(j, "not_taken", in->not_taken);
	mg_json_end_obj(j);
}

static void json_reasons(struct mg_json *j, const char *key, const uint64_t *v)
{
	mg_json_obj(j, key);
	for (unsigned r = 0; r < MG_R__COUNT; r++)
		if (v[r] != 0)
			mg_json_u64(j, mg_reason_name((enum mg_reason)r), v[r]);
	mg_json_end_obj(j);
}

static void json_stats(struct mg_json *j, const struct mg_stats *s)
{
	mg_json_obj(j, "stats");
	json_pair(j, "pkts_in", s->pkts_in);
	json_pair(j, "pkts_out", s->pkts_out);
	mg_json_u64(j, "drops", s->drops);
	mg_json_u64(j, "flows_created", s->flows_created);
	mg_json_u64(j, "flows_expired", s->flows_expired);
	mg_json_u64(j, "flows_active", s->flows_active);
	mg_json_u64(j, "bindings_created", s->bindings_created);
	mg_json_u64(j, "bindings_expired", s->bindings_expired);
	mg_json_u64(j, "bindings_active", s->bindings_active);
	mg_json_u64(j, "pinholes_opened", s->pinholes_opened);
	mg_json_u64(j, "pinholes_closed", s->pinholes_closed);
	mg_json_u64(j, "pinholes_active", s->pinholes_active);
	mg_json_u64(j, "pinhole_hits", s->pinhole_hits);
	mg_json_u64(j, "alg_rewrites", s->alg_rewrites);
	mg_json_u64(j, "calls_created", s->calls_created);
	mg_json_u64(j, "calls_ended", s->calls_ended);
	mg_json_u64(j, "calls_active", s->calls_active);
	mg_json_u64(j, "flows_embryonic", s->flows_embryonic);
	json_reasons(j, "dropped", s->dropped);
	json_reasons(j, "events", s->events);
	mg_json_end_obj(j);
}

static void call_cb(void *ctx, const struct mg_h323_call_info *ci)
{
	struct mg_json *j = ctx;
	char s[64];
	mg_json_obj(j, NULL);
	mg_json_u64(j, "id", ci->id);
	for (int i = 0; i < 16; i++)
		snprintf(s + 2 * i, sizeof(s) - (size_t)(2 * i), "%02x", ci->guid[i]);
	mg_json_str(j, "call_identifier", s);
	inet_ntop(AF_INET, &ci->inside_addr, s, sizeof(s));
	mg_json_str(j, "inside", s);
	inet_ntop(AF_INET, &ci->peer_addr, s, sizeof(s));
	mg_json_str(j, "peer", s);
	mg_json_str(j, "direction", ci->inbound ? "inbound" : "outbound");
	mg_json_str(j, "state", ci->state);
	mg_json_u64(j, "messages", ci->messages);
	mg_json_u64(j, "rewrites", ci->rewrites);
	mg_json_u64(j, "pinholes", ci->pinholes);
	mg_json_u64(j, "bindings", ci->bindings);
	mg_json_u64(j, "created_ms", ci->created_ms);
	mg_json_u64(j, "last_ms", ci->last_ms);
	mg_json_end_obj(j);
}

int mg_replay_report_json(struct mg_replay *rp, FILE *f)
{
	struct mg_json j;

	mg_json_init(&j, f);
	mg_json_obj(&j, NULL);
	mg_json_u64(&j, "format", 1);
	mg_json_str(&j, "config", rp->config_name);
	mg_json_u64(&j, "seed", rp->seed);
	mg_json_bool(&j, "follow_peer", rp->follow_peer);
	mg_json_u64(&j, "first_ms", rp->first_ms);
	mg_json_u64(&j, "last_ms", rp->last_ms);
	mg_json_arr(&j, "inputs");
	for (unsigned i = 0; i < rp->n_in; i++)
		json_input(&j, &rp->in[i]);
	mg_json_end_arr(&j);
	mg_json_u64(&j, "retargeted", rp->retargeted);

	mg_json_obj(&j, "packets");
	for (unsigned s = 0; s < 2; s++) {
		mg_json_obj(&j, mg_replay_side_name(s));
		mg_json_u64(&j, "in", rp->pkts_in[s]);
		mg_json_u64(&j, "out", rp->pkts_out[s]);
		mg_json_end_obj(&j);
	}
	mg_json_end_obj(&j);
	mg_json_obj(&j, "verdicts");
	mg_json_u64(&j, "accepted", rp->accepted);
	mg_json_u64(&j, "dropped", rp->dropped);
	mg_json_u64(&j, "held", rp->held);
	mg_json_u64(&j, "emitted_later", rp->emitted);
	mg_json_end_obj(&j);
	json_reasons(&j, "drops", rp->drops);

	mg_json_arr(&j, "flows_ended");
	for (size_t i = 0; i < rp->n_ended; i++)
		json_flow(&j, &rp->ended[i].fi, rp->ended[i].state, rp->ended[i].alg, true);
	mg_json_end_arr(&j);
	mg_json_u64(&j, "flows_ended_unrecorded", rp->ended_lost);
	mg_json_arr(&j, "flows_active");
	mg_engine_foreach_flow(rp->e, flow_cb, &j);
	mg_json_end_arr(&j);
	mg_json_arr(&j, "bindings");
	mg_engine_foreach_binding(rp->e, binding_cb, &j);
	mg_json_end_arr(&j);
	mg_json_arr(&j, "bindings_created");
	for (size_t i = 0; i < rp->n_made; i++)
		binding_cb(&j, &rp->made[i]);
	mg_json_end_arr(&j);
	mg_json_arr(&j, "pinholes");
	mg_engine_foreach_pinhole(rp->e, pinhole_cb, &j);
	mg_json_end_arr(&j);
	mg_json_arr(&j, "calls");
	if (rp->h323)
		mg_h323_foreach_call(rp->h323, call_cb, &j);
	mg_json_end_arr(&j);
	json_stats(&j, mg_engine_stats(rp->e));
	mg_json_end_obj(&j);
	return mg_json_done(&j);
}

/* ---- summary.txt ---- */

struct sum_count {
	uint64_t n, advertised;
};

static void count_flow(void *ctx, const struct mg_flow_info *fi)
{
	((struct sum_count *)ctx)->n++;
}

static void count_binding(void *ctx, const struct mg_binding_info *bi)
{
	struct sum_count *c = ctx;
	c->n++;
	if (bi->advertised)
		c->advertised++;
}

static void count_pinhole(void *ctx, const struct mg_pinhole_info *pi)
{
	((struct sum_count *)ctx)->n++;
}

void mg_replay_summary(struct mg_replay *rp, FILE *f)
{
	const struct mg_stats *st = mg_engine_stats(rp->e);
	struct sum_count flows = {0, 0}, binds = {0, 0}, holes = {0, 0};

	mg_engine_foreach_flow(rp->e, count_flow, &flows);
	mg_engine_foreach_binding(rp->e, count_binding, &binds);
	mg_engine_foreach_pinhole(rp->e, count_pinhole, &holes);

	fprintf(f, "meetgate replay (config %s, seed %" PRIu64 "%s)\n", rp->config_name, rp->seed,
		rp->follow_peer ? ", follow-peer" : "");
	for (unsigned i = 0; i < rp->n_in; i++) {
		const struct mg_replay_input *in = &rp->in[i];
		fprintf(f,
			"  %-7s %s [%s]: %" PRIu64 " records, taken %" PRIu64 " inside + %" PRIu64
			" outside, skipped %" PRIu64 " non-IP, %" PRIu64 " truncated, %" PRIu64
			" malformed\n",
			in->role, in->path, mg_pcap_dlt_name(in->dlt), in->c.records,
			in->taken[MG_SIDE_INSIDE], in->taken[MG_SIDE_OUTSIDE], in->c.non_ip,
			in->c.truncated, in->c.malformed);
	}
	fprintf(f, "packets   inside: %" PRIu64 " in, %" PRIu64 " out   outside: %" PRIu64
		   " in, %" PRIu64 " out   (retargeted %" PRIu64 ")\n",
		rp->pkts_in[0], rp->pkts_out[0], rp->pkts_in[1], rp->pkts_out[1], rp->retargeted);
	fprintf(f, "verdicts  %" PRIu64 " accepted, %" PRIu64 " dropped, %" PRIu64
		   " held, %" PRIu64 " released later\n",
		rp->accepted, rp->dropped, rp->held, rp->emitted);
	fprintf(f, "flows     %" PRIu64 " created, %zu ended, %" PRIu64 " active at end\n",
		st->flows_created, rp->n_ended, flows.n);
	fprintf(f, "NAT       %" PRIu64 " bindings (%" PRIu64 " advertised only), %" PRIu64
		   " created in all\n",
		binds.n, binds.advertised, st->bindings_created);
	fprintf(f, "pinholes  %" PRIu64 " open, %" PRIu64 " opened in all, %" PRIu64 " hits\n",
		holes.n, st->pinholes_opened, st->pinhole_hits);
	fprintf(f, "calls     %" PRIu64 " created, %" PRIu64 " ended; %" PRIu64
		   " signalling addresses rewritten\n",
		st->calls_created, st->calls_ended, st->alg_rewrites);
	if (rp->dropped == 0) {
		fprintf(f, "drops     none\n");
		return;
	}
	fprintf(f, "drops by reason:\n");
	for (unsigned r = 1; r < MG_R__COUNT; r++)
		if (rp->drops[r] != 0)
			fprintf(f, "  %-24s %" PRIu64 "\n", mg_reason_name((enum mg_reason)r),
				rp->drops[r]);
	if (rp->drops[0] != 0)
		fprintf(f, "  %-24s %" PRIu64 "\n", "(no reason given)", rp->drops[0]);
}
