/* report.c - report.json and summary.txt of a replay run.  The format is
 * specified in doc/replay.md; keep the two in step.  Nothing here reads a
 * clock: the same run gives the same bytes. */
#include <arpa/inet.h>
#include <stdbool.h>
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

static void put_str(json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, json_object_new_string(s ? s : ""));
}

/* text from outside the program (file names, paths): made valid UTF-8 */
static void put_text(json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, mg_json_text(s));
}

static void put_u64(json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

static void put_bool(json_object *o, const char *key, bool v)
{
	json_object_object_add(o, key, json_object_new_boolean(v));
}

/* A new object or array added under `key`; the parent owns it. */
static json_object *add_obj(json_object *o, const char *key)
{
	json_object *c = json_object_new_object();
	json_object_object_add(o, key, c);
	return c;
}

static json_object *add_arr(json_object *o, const char *key)
{
	json_object *c = json_object_new_array();
	json_object_object_add(o, key, c);
	return c;
}

/* A new object appended to the array `a`. */
static json_object *append_obj(json_object *a)
{
	json_object *c = json_object_new_object();
	json_object_array_add(a, c);
	return c;
}

static void json_tuple(json_object *o, const char *key, const struct mg_tuple *t)
{
	char s[ADDR_STR];
	json_object *j = add_obj(o, key);

	addr_port_str(t->family, &t->src, t->sport, s, sizeof(s));
	put_str(j, "src", s);
	addr_port_str(t->family, &t->dst, t->dport, s, sizeof(s));
	put_str(j, "dst", s);
}

static void json_pair(json_object *o, const char *key, const uint64_t v[2])
{
	json_object *a = add_arr(o, key);
	json_object_array_add(a, json_object_new_uint64(v[0]));
	json_object_array_add(a, json_object_new_uint64(v[1]));
}

/* `ended` adds the end reason; fi->state/alg may be NULL (copied apart). */
static void json_flow(json_object *arr, const struct mg_flow_info *fi, const char *state,
		      const char *alg, bool ended)
{
	char pb[8];
	json_object *j = append_obj(arr);

	put_str(j, "proto", proto_name(fi->orig.proto, pb, sizeof(pb)));
	json_tuple(j, "orig", &fi->orig);
	json_tuple(j, "reply", &fi->reply);
	put_str(j, "orig_side", mg_replay_side_name(fi->orig_side));
	put_str(j, "state", state);
	json_object *seen = add_arr(j, "states_seen");
	for (unsigned i = 0; i < MG_TCP__COUNT; i++)
		if (fi->states_seen & (1u << i))
			json_object_array_add(seen,
					      json_object_new_string(mg_tcp_state_name((uint8_t)i)));
	json_pair(j, "packets", fi->pkts);
	json_pair(j, "bytes", fi->bytes);
	put_str(j, "alg", alg);
	put_u64(j, "call", fi->call);
	put_u64(j, "created_ms", fi->created_ms);
	put_u64(j, "last_ms", fi->last_ms);
	if (ended)
		put_str(j, "end", fi->end_reason == 0
					  ? "timeout"
					  : mg_reason_name((enum mg_reason)fi->end_reason));
	else
		put_u64(j, "expire_ms", fi->expire_ms);
}

static void flow_cb(void *ctx, const struct mg_flow_info *fi)
{
	json_flow(ctx, fi, fi->state ? fi->state : "", fi->alg ? fi->alg : "", false);
}

static void binding_cb(void *ctx, const struct mg_binding_info *bi)
{
	char s[ADDR_STR], pb[8];
	json_object *j = append_obj(ctx);

	put_str(j, "proto", proto_name(bi->proto, pb, sizeof(pb)));
	v4_port_str(bi->in_addr, bi->in_port, s, sizeof(s));
	put_str(j, "inside", s);
	v4_port_str(bi->pub_addr, bi->pub_port, s, sizeof(s));
	put_str(j, "public", s);
	put_bool(j, "advertised", bi->advertised);
	put_u64(j, "refs", bi->refs);
	put_u64(j, "created_ms", bi->created_ms);
}

static void pinhole_cb(void *ctx, const struct mg_pinhole_info *pi)
{
	char s[ADDR_STR], pb[8];
	json_object *j = append_obj(ctx);

	put_str(j, "what", pi->what);
	put_str(j, "proto", proto_name(pi->proto, pb, sizeof(pb)));
	put_str(j, "side", mg_replay_side_name(pi->side));
	if (pi->remote == 0)
		snprintf(s, sizeof(s), "any");
	else
		v4_str(pi->remote, s, sizeof(s));
	put_str(j, "remote", s);
	v4_port_str(pi->dst_addr, pi->dst_port, s, sizeof(s));
	put_str(j, "dst", s);
	v4_port_str(pi->to_addr, pi->to_port, s, sizeof(s));
	put_str(j, "to", s);
	put_u64(j, "call", pi->owner);
	put_u64(j, "hits", pi->hits);
	put_u64(j, "expire_ms", pi->expire_ms);
}

static void json_input(json_object *arr, const struct mg_replay_input *in)
{
	json_object *j = append_obj(arr);

	put_str(j, "role", in->role);
	put_text(j, "file", in->path);
	put_str(j, "link_type", mg_pcap_dlt_name(in->dlt));
	put_u64(j, "records", in->c.records);
	put_u64(j, "ipv4", in->c.ipv4);
	put_u64(j, "ipv6", in->c.ipv6);
	put_u64(j, "skipped_non_ip", in->c.non_ip);
	put_u64(j, "truncated", in->c.truncated);
	put_u64(j, "malformed", in->c.malformed);
	put_u64(j, "taken_inside", in->taken[MG_SIDE_INSIDE]);
	put_u64(j, "taken_outside", in->taken[MG_SIDE_OUTSIDE]);
	put_u64(j, "not_taken", in->not_taken);
}

static void json_reasons(json_object *o, const char *key, const uint64_t *v)
{
	json_object *j = add_obj(o, key);
	for (unsigned r = 0; r < MG_R__COUNT; r++)
		if (v[r] != 0)
			put_u64(j, mg_reason_name((enum mg_reason)r), v[r]);
}

static void json_stats(json_object *o, const struct mg_stats *s)
{
	json_object *j = add_obj(o, "stats");

	json_pair(j, "pkts_in", s->pkts_in);
	json_pair(j, "pkts_out", s->pkts_out);
	put_u64(j, "drops", s->drops);
	put_u64(j, "flows_created", s->flows_created);
	put_u64(j, "flows_expired", s->flows_expired);
	put_u64(j, "flows_active", s->flows_active);
	put_u64(j, "bindings_created", s->bindings_created);
	put_u64(j, "bindings_expired", s->bindings_expired);
	put_u64(j, "bindings_active", s->bindings_active);
	put_u64(j, "pinholes_opened", s->pinholes_opened);
	put_u64(j, "pinholes_closed", s->pinholes_closed);
	put_u64(j, "pinholes_active", s->pinholes_active);
	put_u64(j, "pinhole_hits", s->pinhole_hits);
	put_u64(j, "alg_rewrites", s->alg_rewrites);
	put_u64(j, "calls_created", s->calls_created);
	put_u64(j, "calls_ended", s->calls_ended);
	put_u64(j, "calls_active", s->calls_active);
	put_u64(j, "flows_embryonic", s->flows_embryonic);
	put_u64(j, "directory_entries", s->directory_entries);
	put_u64(j, "directory_learned", s->directory_learned);
	put_u64(j, "directory_refreshed", s->directory_refreshed);
	put_u64(j, "directory_expired", s->directory_expired);
	put_u64(j, "directory_refused", s->directory_refused);
	put_u64(j, "pool_addresses", s->pool_addresses);
	put_u64(j, "pool_in_use", s->pool_in_use);
	put_u64(j, "pool_assigned", s->pool_assigned);
	put_u64(j, "pool_released", s->pool_released);
	put_u64(j, "ras_registrations_created", s->ras_reg_created);
	put_u64(j, "ras_registrations_ended", s->ras_reg_ended);
	put_u64(j, "ras_registrations_expired", s->ras_reg_expired);
	put_u64(j, "ras_registrations_active", s->ras_reg_active);
	put_u64(j, "pool_exhausted", s->pool_exhausted);
	json_reasons(j, "dropped", s->dropped);
	json_reasons(j, "events", s->events);
}

static void call_cb(void *ctx, const struct mg_call_info *ci)
{
	char s[64];
	json_object *j = append_obj(ctx);

	put_u64(j, "id", ci->id);
	for (int i = 0; i < 16; i++)
		snprintf(s + 2 * i, sizeof(s) - (size_t)(2 * i), "%02x", ci->guid[i]);
	put_str(j, "call_identifier", s);
	inet_ntop(AF_INET, &ci->inside_addr, s, sizeof(s));
	put_str(j, "inside", s);
	inet_ntop(AF_INET, &ci->peer_addr, s, sizeof(s));
	put_str(j, "peer", s);
	put_str(j, "direction", ci->inbound ? "inbound" : "outbound");
	put_str(j, "state", ci->state);
	put_u64(j, "messages", ci->messages);
	put_u64(j, "rewrites", ci->rewrites);
	put_u64(j, "pinholes", ci->pinholes);
	put_u64(j, "bindings", ci->bindings);
	put_u64(j, "created_ms", ci->created_ms);
	put_u64(j, "last_ms", ci->last_ms);
	put_str(j, "route", ci->route);
	json_object *m = add_obj(j, "media");
	static const char *const dir[2] = {"inside_to_outside", "outside_to_inside"};
	for (int d = 0; d < 2; d++) {
		json_object *md = add_obj(m, dir[d]);
		put_u64(md, "packets", ci->media_pkts[d]);
		put_u64(md, "bytes", ci->media_bytes[d]);
	}
	/* aliases as "type:value" strings (the values are printable ASCII) */
	static const char *const party[2] = {"caller", "callee"};
	static const char *const type[] = {"none", "dialedDigits", "h323-ID", "url-ID", "email-ID", "other"};
	for (int p = 0; p < 2; p++) {
		json_object *a = add_arr(j, party[p]);
		for (unsigned i = 0; i < ci->n_alias[p]; i++) {
			const struct mg_call_alias *al = &ci->alias[p][i];
			snprintf(s, sizeof(s), "%s:%s", al->type < 6 ? type[al->type] : "other", al->s);
			json_object_array_add(a, json_object_new_string(s));
		}
	}
}

int mg_replay_report_json(struct mg_replay *rp, FILE *f)
{
	json_object *j = json_object_new_object();
	if (j == NULL)
		return -1;

	put_u64(j, "format", 1);
	put_text(j, "config", rp->config_name);
	put_u64(j, "seed", rp->seed);
	put_bool(j, "follow_peer", rp->follow_peer);
	put_u64(j, "first_ms", rp->first_ms);
	put_u64(j, "last_ms", rp->last_ms);
	json_object *a = add_arr(j, "inputs");
	for (unsigned i = 0; i < rp->n_in; i++)
		json_input(a, &rp->in[i]);
	put_u64(j, "retargeted", rp->retargeted);

	json_object *pk = add_obj(j, "packets");
	for (unsigned s = 0; s < 2; s++) {
		json_object *side = add_obj(pk, mg_replay_side_name(s));
		put_u64(side, "in", rp->pkts_in[s]);
		put_u64(side, "out", rp->pkts_out[s]);
	}
	json_object *v = add_obj(j, "verdicts");
	put_u64(v, "accepted", rp->accepted);
	put_u64(v, "dropped", rp->dropped);
	put_u64(v, "held", rp->held);
	put_u64(v, "emitted_later", rp->emitted);
	json_reasons(j, "drops", rp->drops);

	a = add_arr(j, "flows_ended");
	for (size_t i = 0; i < rp->n_ended; i++)
		json_flow(a, &rp->ended[i].fi, rp->ended[i].state, rp->ended[i].alg, true);
	put_u64(j, "flows_ended_unrecorded", rp->ended_lost);
	mg_engine_foreach_flow(rp->e, flow_cb, add_arr(j, "flows_active"));
	mg_engine_foreach_binding(rp->e, binding_cb, add_arr(j, "bindings"));
	a = add_arr(j, "bindings_created");
	for (size_t i = 0; i < rp->n_made; i++)
		binding_cb(a, &rp->made[i]);
	mg_engine_foreach_pinhole(rp->e, pinhole_cb, add_arr(j, "pinholes"));
	a = add_arr(j, "calls");
	mg_engine_foreach_call(rp->e, call_cb, a);
	json_stats(j, mg_engine_stats(rp->e));
	int rc = mg_json_print(f, j);
	json_object_put(j);
	return rc;
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
