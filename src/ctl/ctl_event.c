/* ctl_event.c - the lines of the live event stream (`meetgate events`),
 * text as conntrack -E prints them and JSON (keys: doc/live.md). */
#include "ctl/ctl.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <string.h>

#include "core/pkt.h"
#include "core/reason.h"

struct ip_s {
	char s[INET6_ADDRSTRLEN];
};

static struct ip_s v4(uint32_t be)
{
	struct ip_s r;
	if (be == 0)
		snprintf(r.s, sizeof(r.s), "*");
	else if (inet_ntop(AF_INET, &be, r.s, sizeof(r.s)) == NULL)
		snprintf(r.s, sizeof(r.s), "?");
	return r;
}

static struct ip_s addr(const struct mg_tuple *t, bool dst)
{
	struct ip_s r;
	if (inet_ntop(t->family == MG_AF_INET6 ? AF_INET6 : AF_INET, dst ? t->dst.b : t->src.b, r.s,
		      sizeof(r.s)) == NULL)
		snprintf(r.s, sizeof(r.s), "?");
	return r;
}

struct guid_s {
	char s[40];
};

static struct guid_s guid_str(const struct mg_ctl_ev_call *c)
{
	struct guid_s r = {""};
	const uint8_t *g = c->guid;
	if (c->has_guid)
		snprintf(r.s, sizeof(r.s),
			 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[0],
			 g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13],
			 g[14], g[15]);
	return r;
}

static const char *tag(uint8_t kind)
{
	switch (kind) {
	case MG_CTL_EV_FLOW_NEW:
	case MG_CTL_EV_BINDING_NEW:
	case MG_CTL_EV_CALL_START:
		return "NEW";
	case MG_CTL_EV_FLOW_END:
		return "DESTROY";
	case MG_CTL_EV_BINDING_FREE:
		return "FREE";
	case MG_CTL_EV_PINHOLE_OPEN:
		return "OPEN";
	case MG_CTL_EV_PINHOLE_CLOSE:
		return "CLOSE";
	case MG_CTL_EV_CALL_END:
		return "END";
	default:
		return "?";
	}
}

/* "a:p -> b:q" of one direction ("a -> b id=N" for ICMP). */
static int put_dir(char *b, size_t n, const struct mg_tuple *t)
{
	if (t->proto == MG_PROTO_ICMP || t->proto == MG_PROTO_ICMP6)
		return snprintf(b, n, "%s -> %s id=%u", addr(t, false).s, addr(t, true).s,
				(unsigned)t->sport);
	return snprintf(b, n, "%s:%u -> %s:%u", addr(t, false).s, (unsigned)t->sport,
			addr(t, true).s, (unsigned)t->dport);
}

static int fmt_flow(char *buf, size_t n, const struct mg_ctl_event *ev)
{
	const struct mg_flow_info *fi = &ev->u.flow;
	char o[128], r[128], tail[160] = "";
	put_dir(o, sizeof(o), &fi->orig);
	put_dir(r, sizeof(r), &fi->reply);
	if (ev->kind == MG_CTL_EV_FLOW_END)
		snprintf(tail, sizeof(tail),
			 " packets=%" PRIu64 "/%" PRIu64 " bytes=%" PRIu64 "/%" PRIu64 " end=%s",
			 fi->pkts[0], fi->pkts[1], fi->bytes[0], fi->bytes[1],
			 fi->end_reason ? mg_reason_name((enum mg_reason)fi->end_reason) : "timeout");
	char alg[48] = "";
	if (fi->alg != NULL && fi->alg[0] != '\0')
		snprintf(alg, sizeof(alg), " alg=%.16s call=%u", fi->alg, (unsigned)fi->call);
	return snprintf(buf, n, "[%s] flow %s %s reply %s [%s]%s%s\n", tag(ev->kind),
			mg_proto_name(fi->orig.proto), o, r,
			fi->orig_side == MG_SIDE_INSIDE ? "from-inside" : "from-outside", alg, tail);
}

int mg_ctl_fmt_event(char *buf, size_t n, const struct mg_ctl_event *ev)
{
	switch (ev->kind) {
	case MG_CTL_EV_FLOW_NEW:
	case MG_CTL_EV_FLOW_END:
		return fmt_flow(buf, n, ev);
	case MG_CTL_EV_BINDING_NEW:
	case MG_CTL_EV_BINDING_FREE: {
		const struct mg_binding_info *b = &ev->u.binding;
		return snprintf(buf, n, "[%s] binding %s %s:%u = %s:%u%s\n", tag(ev->kind),
				mg_proto_name(b->proto), v4(b->in_addr).s, (unsigned)b->in_port,
				v4(b->pub_addr).s, (unsigned)b->pub_port,
				b->advertised ? " advertised" : "");
	}
	case MG_CTL_EV_PINHOLE_OPEN:
	case MG_CTL_EV_PINHOLE_CLOSE: {
		const struct mg_pinhole_info *p = &ev->u.pinhole;
		return snprintf(buf, n, "[%s] pinhole %s %s %s -> %s:%u to %s:%u call=%u hits=%" PRIu64 "\n",
				tag(ev->kind), mg_proto_name(p->proto),
				p->what && p->what[0] ? p->what : "-", v4(p->remote).s,
				v4(p->dst_addr).s, (unsigned)p->dst_port, v4(p->to_addr).s,
				(unsigned)p->to_port, (unsigned)p->owner, p->hits);
	}
	case MG_CTL_EV_CALL_START:
	case MG_CTL_EV_CALL_END: {
		const struct mg_ctl_ev_call *c = &ev->u.call;
		struct ip_s in = v4(c->inside), peer = v4(c->peer);
		char tail[96] = "";
		if (ev->kind == MG_CTL_EV_CALL_END) {
			snprintf(tail, sizeof(tail), " duration %.1f s", (double)c->duration_ms / 1000.0);
		}
		return snprintf(buf, n, "[%s] call %u {%s} %s %s -> %s%s\n", tag(ev->kind),
				(unsigned)c->id, guid_str(c).s, c->inbound ? "inbound" : "outbound",
				c->inbound ? peer.s : in.s, c->inbound ? in.s : peer.s, tail);
	}
	default:
		return 0;
	}
}

int mg_ctl_fmt_lost(char *buf, size_t n, uint64_t count, bool json)
{
	if (json)
		return snprintf(buf, n, "{\"event\":\"lost\",\"count\":%" PRIu64 "}\n", count);
	return snprintf(buf, n, "[LOST] %" PRIu64 " events\n", count);
}

/* ---- JSON ---- */

static void put_str(json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, json_object_new_string(s ? s : ""));
}

static void put_u64(json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

static json_object *jtuple(const struct mg_tuple *t, uint64_t pkts, uint64_t bytes)
{
	json_object *o = json_object_new_object();
	if (o == NULL)
		return NULL;
	put_str(o, "src", addr(t, false).s);
	put_str(o, "dst", addr(t, true).s);
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

static const char *jevent(uint8_t kind)
{
	switch (kind) {
	case MG_CTL_EV_FLOW_NEW:
	case MG_CTL_EV_BINDING_NEW:
	case MG_CTL_EV_CALL_START:
		return "new";
	case MG_CTL_EV_FLOW_END:
		return "destroy";
	case MG_CTL_EV_BINDING_FREE:
		return "free";
	case MG_CTL_EV_PINHOLE_OPEN:
		return "open";
	case MG_CTL_EV_PINHOLE_CLOSE:
		return "close";
	case MG_CTL_EV_CALL_END:
		return "end";
	default:
		return "?";
	}
}

static void json_body(json_object *o, const struct mg_ctl_event *ev)
{
	switch (ev->kind) {
	case MG_CTL_EV_FLOW_NEW:
	case MG_CTL_EV_FLOW_END: {
		const struct mg_flow_info *fi = &ev->u.flow;
		put_str(o, "type", "flow");
		put_str(o, "proto", mg_proto_name(fi->orig.proto));
		json_object_object_add(o, "orig", jtuple(&fi->orig, fi->pkts[0], fi->bytes[0]));
		json_object_object_add(o, "reply", jtuple(&fi->reply, fi->pkts[1], fi->bytes[1]));
		put_str(o, "from", fi->orig_side == MG_SIDE_INSIDE ? "inside" : "outside");
		put_str(o, "alg", fi->alg);
		put_u64(o, "call", fi->call);
		if (ev->kind == MG_CTL_EV_FLOW_END)
			put_str(o, "end", fi->end_reason
						  ? mg_reason_name((enum mg_reason)fi->end_reason)
						  : "timeout");
		break;
	}
	case MG_CTL_EV_BINDING_NEW:
	case MG_CTL_EV_BINDING_FREE: {
		const struct mg_binding_info *b = &ev->u.binding;
		put_str(o, "type", "binding");
		put_str(o, "proto", mg_proto_name(b->proto));
		put_str(o, "inside", v4(b->in_addr).s);
		put_u64(o, "inside_port", b->in_port);
		put_str(o, "public", v4(b->pub_addr).s);
		put_u64(o, "public_port", b->pub_port);
		json_object_object_add(o, "advertised", json_object_new_boolean(b->advertised));
		break;
	}
	case MG_CTL_EV_PINHOLE_OPEN:
	case MG_CTL_EV_PINHOLE_CLOSE: {
		const struct mg_pinhole_info *p = &ev->u.pinhole;
		put_str(o, "type", "pinhole");
		put_str(o, "proto", mg_proto_name(p->proto));
		put_str(o, "what", p->what);
		put_str(o, "side", p->side == MG_SIDE_INSIDE ? "inside" : "outside");
		put_str(o, "remote", v4(p->remote).s);
		put_str(o, "dst", v4(p->dst_addr).s);
		put_u64(o, "dst_port", p->dst_port);
		put_str(o, "to", v4(p->to_addr).s);
		put_u64(o, "to_port", p->to_port);
		put_u64(o, "call", p->owner);
		put_u64(o, "hits", p->hits);
		break;
	}
	case MG_CTL_EV_CALL_START:
	case MG_CTL_EV_CALL_END: {
		const struct mg_ctl_ev_call *c = &ev->u.call;
		put_str(o, "type", "call");
		put_u64(o, "id", c->id);
		put_str(o, "guid", guid_str(c).s);
		put_str(o, "dir", c->inbound ? "inbound" : "outbound");
		put_str(o, "inside", v4(c->inside).s);
		put_str(o, "peer", v4(c->peer).s);
		if (ev->kind == MG_CTL_EV_CALL_END)
			json_object_object_add(o, "duration_s",
					       json_object_new_double((double)c->duration_ms / 1000.0));
		break;
	}
	default:
		break;
	}
}

int mg_ctl_json_event(char *buf, size_t n, const struct mg_ctl_event *ev)
{
	json_object *o = json_object_new_object();
	if (o == NULL)
		return -1;
	put_str(o, "event", jevent(ev->kind));
	json_body(o, ev);
	const char *s = json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	int k = s ? snprintf(buf, n, "%s\n", s) : -1;
	json_object_put(o);
	return k;
}
