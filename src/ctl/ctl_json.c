/* ctl_json.c - the control protocol's JSON rows, one object per line,
 * rendered with json-c (keys: doc/live.md; the text rows: ctl_proto.c). */
#include "ctl/ctl.h"

#include <arpa/inet.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "core/dir.h"
#include "core/pkt.h"

static void put_str(json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, json_object_new_string(s ? s : ""));
}

static void put_u64(json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

static void put_bool(json_object *o, const char *key, bool v)
{
	json_object_object_add(o, key, json_object_new_boolean(v));
}

/* An IPv4 address (network order); 0 is "any" where the table says so. */
static void put_v4(json_object *o, const char *key, uint32_t be)
{
	char s[INET_ADDRSTRLEN];
	if (inet_ntop(AF_INET, &be, s, sizeof(s)) == NULL)
		snprintf(s, sizeof(s), "?");
	put_str(o, key, s);
}

static uint64_t secs_left(uint64_t expire_ms, uint64_t now_ms)
{
	return expire_ms > now_ms ? (expire_ms - now_ms + 999) / 1000 : 0;
}

static uint64_t age_s(uint64_t created_ms, uint64_t now_ms)
{
	return now_ms > created_ms ? (now_ms - created_ms) / 1000 : 0;
}

/* Print `o` on one line into buf and drop it; snprintf-like. */
static int emit(char *buf, size_t n, json_object *o)
{
	if (o == NULL)
		return -1;
	const char *s = json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	int k = s ? snprintf(buf, n, "%s\n", s) : -1;
	json_object_put(o);
	return k;
}

static json_object *tuple(const struct mg_tuple *t, uint64_t pkts, uint64_t bytes)
{
	char s[INET6_ADDRSTRLEN];
	int af = t->family == MG_AF_INET6 ? AF_INET6 : AF_INET;
	json_object *o = json_object_new_object();
	if (o == NULL)
		return NULL;
	if (inet_ntop(af, t->src.b, s, sizeof(s)) == NULL)
		snprintf(s, sizeof(s), "?");
	put_str(o, "src", s);
	if (inet_ntop(af, t->dst.b, s, sizeof(s)) == NULL)
		snprintf(s, sizeof(s), "?");
	put_str(o, "dst", s);
	if (t->proto == MG_PROTO_ICMP || t->proto == MG_PROTO_ICMP6) {
		put_u64(o, "id", t->sport);
	} else {
		put_u64(o, "sport", t->sport);
		put_u64(o, "dport", t->dport);
	}
	put_u64(o, "packets", pkts);
	put_u64(o, "bytes", bytes);
	return o;
}

int mg_ctl_json_flow(char *buf, size_t n, const struct mg_flow_info *fi, uint64_t now_ms)
{
	json_object *o = json_object_new_object();
	if (o == NULL)
		return -1;
	put_str(o, "proto", mg_proto_name(fi->orig.proto));
	json_object_object_add(o, "orig", tuple(&fi->orig, fi->pkts[0], fi->bytes[0]));
	json_object_object_add(o, "reply", tuple(&fi->reply, fi->pkts[1], fi->bytes[1]));
	put_str(o, "state", fi->state);
	put_bool(o, "replied", fi->pkts[1] != 0);
	put_str(o, "from", fi->orig_side == MG_SIDE_INSIDE ? "inside" : "outside");
	put_u64(o, "expires_s", secs_left(fi->expire_ms, now_ms));
	put_str(o, "alg", fi->alg);
	put_u64(o, "call", fi->call);
	return emit(buf, n, o);
}

int mg_ctl_json_binding(char *buf, size_t n, const struct mg_binding_info *bi, uint64_t now_ms)
{
	json_object *o = json_object_new_object();
	if (o == NULL)
		return -1;
	put_str(o, "proto", mg_proto_name(bi->proto));
	put_v4(o, "inside_addr", bi->in_addr);
	put_u64(o, "inside_port", bi->in_port);
	put_v4(o, "public_addr", bi->pub_addr);
	put_u64(o, "public_port", bi->pub_port);
	put_u64(o, "refs", bi->refs);
	put_str(o, "state", bi->advertised ? "advertised" : "used");
	put_u64(o, "age_s", age_s(bi->created_ms, now_ms));
	return emit(buf, n, o);
}

int mg_ctl_json_pinhole(char *buf, size_t n, const struct mg_pinhole_info *pi, uint64_t now_ms)
{
	json_object *o = json_object_new_object();
	if (o == NULL)
		return -1;
	put_str(o, "proto", mg_proto_name(pi->proto));
	put_str(o, "what", pi->what);
	put_str(o, "side", pi->side == MG_SIDE_INSIDE ? "inside" : "outside");
	if (pi->remote == 0)
		put_str(o, "remote", "any");
	else
		put_v4(o, "remote", pi->remote);
	put_v4(o, "dst_addr", pi->dst_addr);
	put_u64(o, "dst_port", pi->dst_port);
	put_v4(o, "to_addr", pi->to_addr);
	put_u64(o, "to_port", pi->to_port);
	put_u64(o, "call", pi->owner);
	put_u64(o, "hits", pi->hits);
	/* in use: lives as long as its call, no countdown */
	json_object_object_add(o, "expires_s",
			       pi->expire_ms == UINT64_MAX
				       ? NULL
				       : json_object_new_uint64(secs_left(pi->expire_ms, now_ms)));
	return emit(buf, n, o);
}

static json_object *aliases(const struct mg_call_alias *a, unsigned n)
{
	json_object *arr = json_object_new_array();
	for (unsigned i = 0; arr != NULL && i < n; i++) {
		json_object *o = json_object_new_object();
		if (o == NULL)
			break;
		put_str(o, "type", mg_ctl_alias_type(a[i].type));
		if (a[i].type != MG_ALIAS_OTHER)
			put_str(o, "value", a[i].s);
		if (a[i].cut)
			put_bool(o, "cut", true);
		json_object_array_add(arr, o);
	}
	return arr;
}

/* {"packets": N, "bytes": N} of one direction */
static json_object *media(uint64_t pkts, uint64_t bytes)
{
	json_object *o = json_object_new_object();
	if (o != NULL) {
		put_u64(o, "packets", pkts);
		put_u64(o, "bytes", bytes);
	}
	return o;
}

static json_object *call_obj(const struct mg_call_info *ci, uint64_t now_ms)
{
	json_object *o = json_object_new_object();
	if (o == NULL)
		return NULL;
	char guid[37];
	put_u64(o, "id", ci->id);
	put_str(o, "state", ci->state);
	put_str(o, "direction", ci->inbound ? "inbound" : "outbound");
	put_v4(o, "inside", ci->inside_addr);
	put_v4(o, "peer", ci->peer_addr);
	put_u64(o, "messages", ci->messages);
	put_u64(o, "rewrites", ci->rewrites);
	put_u64(o, "pinholes", ci->pinholes);
	put_u64(o, "bindings", ci->bindings);
	put_u64(o, "age_s", age_s(ci->created_ms, now_ms));
	put_u64(o, "duration_ms", now_ms > ci->created_ms ? now_ms - ci->created_ms : 0);
	put_str(o, "alg", ci->alg);
	put_str(o, "route", ci->route);
	if (ci->has_guid)
		mg_ctl_guid_str(ci->guid, guid);
	json_object_object_add(o, "call_identifier", ci->has_guid ? json_object_new_string(guid) : NULL);
	json_object *m = json_object_new_object();
	if (m != NULL) {
		json_object_object_add(m, "inside_to_outside", media(ci->media_pkts[0], ci->media_bytes[0]));
		json_object_object_add(m, "outside_to_inside", media(ci->media_pkts[1], ci->media_bytes[1]));
	}
	json_object_object_add(o, "media", m);
	json_object_object_add(o, "caller", aliases(ci->alias[0], ci->n_alias[0]));
	json_object_object_add(o, "callee", aliases(ci->alias[1], ci->n_alias[1]));
	return o;
}

int mg_ctl_json_call(char *buf, size_t n, const struct mg_call_info *ci, uint64_t now_ms)
{
	return emit(buf, n, call_obj(ci, now_ms));
}

static const char *step_kind(uint8_t k)
{
	static const char *const n[] = {
		[MG_STEP_MSG] = "message",      [MG_STEP_REWRITE] = "rewrite",
		[MG_STEP_PIN_OPEN] = "pinhole-open", [MG_STEP_PIN_CLOSE] = "pinhole-close",
		[MG_STEP_PROBLEM] = "problem",
	};
	return k < sizeof(n) / sizeof(n[0]) && n[k] ? n[k] : "?";
}

static void put_ep(json_object *o, const char *key, uint32_t ip, uint16_t port)
{
	char a[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN + 8];
	if (inet_ntop(AF_INET, &ip, a, sizeof(a)) == NULL)
		snprintf(a, sizeof(a), "?");
	snprintf(s, sizeof(s), "%s:%u", a, (unsigned)port);
	put_str(o, key, s);
}

int mg_ctl_json_ladder(char *buf, size_t n, const struct mg_call_ladder *l, unsigned i,
		       uint64_t now_ms)
{
	if (i == 0) {
		json_object *o = call_obj(&l->ci, now_ms);
		if (o != NULL)
			put_u64(o, "steps_lost", l->lost);
		return emit(buf, n, o);
	}
	if (i - 1 >= l->n)
		return -1;
	const struct mg_call_step *s = &l->step[i - 1];
	json_object *o = json_object_new_object();
	if (o == NULL)
		return -1;
	put_u64(o, "t_ms", s->t_ms);
	put_str(o, "step", step_kind(s->kind));
	switch (s->kind) {
	case MG_STEP_MSG:
		put_str(o, "name", s->name);
		put_str(o, "direction", s->from_inside ? "inside->outside" : "outside->inside");
		put_bool(o, "h245", s->h245);
		break;
	case MG_STEP_REWRITE:
		if (s->name)
			put_str(o, "field", s->name);
		put_ep(o, "from", s->ip[0], s->port[0]);
		put_ep(o, "to", s->ip[1], s->port[1]);
		break;
	case MG_STEP_PIN_OPEN:
		put_str(o, "name", s->name);
		put_ep(o, "dst", s->ip[0], s->port[0]);
		put_ep(o, "to", s->ip[1], s->port[1]);
		break;
	case MG_STEP_PIN_CLOSE:
		put_str(o, "name", s->name);
		put_u64(o, "count", s->count);
		break;
	case MG_STEP_PROBLEM:
		put_str(o, "reason", mg_reason_name((enum mg_reason)s->reason));
		if (s->ip[0] != 0)
			put_ep(o, "address", s->ip[0], s->port[0]);
		break;
	default:
		break;
	}
	return emit(buf, n, o);
}

/* The next space-separated word of *p (moved past it); its length. */
static size_t next_word(const char **p, const char **w)
{
	while (**p == ' ')
		(*p)++;
	*w = *p;
	while (**p != '\0' && **p != ' ' && **p != '\n')
		(*p)++;
	return (size_t)(*p - *w);
}

static bool word_eq(const char *w, size_t wl, const char *s)
{
	return strlen(s) == wl && memcmp(w, s, wl) == 0;
}

static bool to_u64(const char *w, size_t wl, uint64_t *v)
{
	char t[24], *e;
	if (wl == 0 || wl >= sizeof(t) || w[0] < '0' || w[0] > '9')
		return false;
	memcpy(t, w, wl);
	t[wl] = '\0';
	*v = strtoull(t, &e, 10);
	return *e == '\0';
}

int mg_ctl_json_stat(char *buf, size_t n, const char *row)
{
	const char *p = row, *w[4];
	size_t wl[4];
	unsigned nw = 0;
	for (; nw < 4; nw++)
		if ((wl[nw] = next_word(&p, &w[nw])) == 0)
			break;
	if (nw == 0)
		return 0;
	char name[128];
	uint64_t v;
	json_object *o = json_object_new_object();
	if (o == NULL)
		return -1;
	if (nw == 2 && wl[0] < sizeof(name) && to_u64(w[1], wl[1], &v)) {
		memcpy(name, w[0], wl[0]);
		name[wl[0]] = '\0';
		put_u64(o, name, v);
	} else if (nw == 3 && wl[1] < sizeof(name) && to_u64(w[2], wl[2], &v) &&
		   (word_eq(w[0], wl[0], "drop") || word_eq(w[0], wl[0], "event"))) {
		json_object *in = json_object_new_object();
		memcpy(name, w[1], wl[1]);
		name[wl[1]] = '\0';
		if (in != NULL)
			put_u64(in, name, v);
		json_object_object_add(o, wl[0] == 4 ? "dropped" : "events", in);
	} else {
		json_object_put(o);
		return -1;
	}
	return emit(buf, n, o);
}

int mg_ctl_json_reg(char *buf, size_t n, const struct mg_reg_info *ri)
{
	json_object *o = json_object_new_object();
	if (o == NULL)
		return -1;
	put_v4(o, "inside_addr", ri->in_addr);
	put_u64(o, "inside_port", ri->in_port);
	put_v4(o, "public_addr", ri->pub_addr);
	put_u64(o, "public_port", ri->pub_port);
	put_v4(o, "gatekeeper", ri->gk);
	put_u64(o, "ras_port", ri->ras_port);
	put_u64(o, "expires_s", ri->left_s);
	json_object *a = json_object_new_array();
	for (unsigned i = 0; a && i < ri->n_alias && i < MG_REG_ALIASES; i++)
		json_object_array_add(a, json_object_new_string(ri->alias[i]));
	json_object_object_add(o, "aliases", a);
	return emit(buf, n, o);
}

int mg_ctl_json_dir(char *buf, size_t n, const struct mg_dir_entry *en, uint64_t now_ms)
{
	json_object *o = json_object_new_object();
	if (o == NULL)
		return -1;
	put_str(o, "alias", en->key);
	put_str(o, "class", mg_ctl_dir_class(en->cls));
	put_str(o, "type", mg_ctl_alias_type(en->alias_type));
	put_v4(o, "inside_addr", en->addr);
	put_u64(o, "inside_port", en->port);
	put_str(o, "origin", mg_dir_origin_name(en->origin));
	put_u64(o, "age_s", age_s(en->created_ms, now_ms));
	json_object_object_add(o, "expires_s",
			       en->expire_ms == UINT64_MAX
				       ? NULL
				       : json_object_new_uint64(secs_left(en->expire_ms, now_ms)));
	put_u64(o, "hits", en->hits);
	if (en->pool_addr)
		put_v4(o, "pool", en->pool_addr);
	else
		json_object_object_add(o, "pool", NULL);
	put_bool(o, "pool_wanted", mg_dir_wants_pool(en));
	return emit(buf, n, o);
}
