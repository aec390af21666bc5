/* ctl_proto.c - control protocol requests and the rows of its answers
 * (format contract: ctl.h and doc/live.md). */
#include "ctl/ctl.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/pkt.h"

static const char *const cmd_names[MG_CTL__COUNT] = {
	[MG_CTL_CALLS] = "calls",       [MG_CTL_FLOWS] = "flows", [MG_CTL_PINHOLES] = "pinholes",
	[MG_CTL_STATS] = "stats",       [MG_CTL_BINDINGS] = "bindings",
	[MG_CTL_DIRECTORY] = "directory", [MG_CTL_REGISTRATIONS] = "registrations",
};

const char *mg_ctl_cmd_name(enum mg_ctl_cmd cmd)
{
	return (unsigned)cmd < MG_CTL__COUNT ? cmd_names[cmd] : "?";
}

/* Does the word [w, w+wl) spell `name`? */
static bool word_is(const char *w, size_t wl, const char *name)
{
	return strlen(name) == wl && memcmp(w, name, wl) == 0;
}

/* A decimal number of at most 10 digits, no sign, no leading zero, <= max. */
static bool parse_num(const char *v, size_t vl, uint32_t max, uint32_t *out)
{
	if (vl == 0 || vl > 10 || (v[0] == '0' && vl > 1))
		return false;
	uint64_t n = 0;
	for (size_t i = 0; i < vl; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		n = n * 10 + (uint64_t)(v[i] - '0');
	}
	if (n > max)
		return false;
	*out = (uint32_t)n;
	return true;
}

static bool parse_proto(const char *v, size_t vl, uint8_t *out)
{
	if (word_is(v, vl, "tcp"))
		*out = MG_PROTO_TCP;
	else if (word_is(v, vl, "udp"))
		*out = MG_PROTO_UDP;
	else if (word_is(v, vl, "icmp"))
		*out = MG_PROTO_ICMP;
	else if (word_is(v, vl, "icmpv6"))
		*out = MG_PROTO_ICMP6;
	else
		return false;
	return true;
}

static bool parse_addr(const char *v, size_t vl, struct mg_ctl_filter *f)
{
	char a[INET6_ADDRSTRLEN];
	if (vl == 0 || vl >= sizeof(a))
		return false;
	memcpy(a, v, vl);
	a[vl] = '\0';
	memset(&f->addr, 0, sizeof(f->addr));
	if (inet_pton(AF_INET, a, f->addr.b) == 1)
		f->family = MG_AF_INET;
	else if (inet_pton(AF_INET6, a, f->addr.b) == 1)
		f->family = MG_AF_INET6;
	else
		return false;
	return true;
}

/* One "json" or "key=value" word after the table name. */
static int parse_option(const char *w, size_t wl, struct mg_ctl_req *req, const char **why)
{
	struct mg_ctl_filter *f = &req->f;
	const char *eq = memchr(w, '=', wl);
	if (eq == NULL) {
		if (!word_is(w, wl, "json") || req->json) {
			*why = "unknown option; expected json, proto=, port=, addr=, call= or ladder=";
			return -1;
		}
		req->json = true;
		return 0;
	}
	size_t kl = (size_t)(eq - w), vl = wl - kl - 1;
	const char *v = eq + 1;
	uint32_t n;
	if (word_is(w, kl, "proto") && f->proto == 0) {
		if (!parse_proto(v, vl, &f->proto)) {
			*why = "bad proto filter; expected tcp, udp, icmp or icmpv6";
			return -1;
		}
	} else if (word_is(w, kl, "port") && !f->has_port) {
		if (!parse_num(v, vl, 65535, &n)) {
			*why = "bad port filter; expected a number 0-65535";
			return -1;
		}
		f->port = (uint16_t)n;
		f->has_port = true;
	} else if (word_is(w, kl, "addr") && !f->has_addr) {
		if (!parse_addr(v, vl, f)) {
			*why = "bad addr filter; expected an IPv4 or IPv6 address";
			return -1;
		}
		f->has_addr = true;
	} else if (word_is(w, kl, "ladder") && !req->has_ladder) {
		if (!parse_num(v, vl, UINT32_MAX, &n)) {
			*why = "bad ladder; expected a call id";
			return -1;
		}
		req->ladder = n;
		req->has_ladder = true;
	} else if (word_is(w, kl, "call") && !f->has_call) {
		if (!parse_num(v, vl, UINT32_MAX, &n)) {
			*why = "bad call filter; expected a call id";
			return -1;
		}
		f->call = n;
		f->has_call = true;
	} else {
		*why = "unknown or repeated option; expected json, proto=, port=, addr=, call= or ladder= once each";
		return -1;
	}
	return 0;
}

/* Filters the table has fields for. */
static int check_filters(const struct mg_ctl_req *req, const char **why)
{
	const struct mg_ctl_filter *f = &req->f;
	if (req->has_ladder && (req->cmd != MG_CTL_CALLS || f->proto || f->has_port || f->has_addr ||
				f->has_call)) {
		*why = "a ladder (ladder=) is for calls only and takes no filter";
		return -1;
	}
	switch (req->cmd) {
	case MG_CTL_STATS:
		if (f->proto || f->has_port || f->has_addr || f->has_call) {
			*why = "stats takes no filter";
			return -1;
		}
		break;
	case MG_CTL_CALLS:
		if (f->proto || f->has_port) {
			*why = "calls have no proto or port to filter on; the addr and call filters apply";
			return -1;
		}
		break;
	case MG_CTL_BINDINGS:
		if (f->has_call) {
			*why = "bindings have no call to filter on; the proto, port and addr filters apply";
			return -1;
		}
		break;
	case MG_CTL_DIRECTORY:
		if (f->proto || f->has_port || f->has_call) {
			*why = "the directory has no proto, port or call to filter on; the addr filter applies";
			return -1;
		}
		break;
	case MG_CTL_REGISTRATIONS:
		if (f->proto || f->has_port || f->has_call) {
			*why = "registrations have no proto, port or call to filter on; the addr filter applies";
			return -1;
		}
		break;
	default:
		break;
	}
	return 0;
}

int mg_ctl_parse_request(const char *line, size_t len, struct mg_ctl_req *req, const char **why)
{
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0) {
		*why = "empty request";
		return -1;
	}
	if (len >= MG_CTL_LINE_MAX) {
		*why = "request too long";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)line[i];
		if (ch < 0x20 || ch >= 0x7f) {
			*why = "request holds a control or non-ASCII byte";
			return -1;
		}
	}
	memset(req, 0, sizeof(*req));
	if (word_is(line, len, "events") || word_is(line, len, "events json")) {
		req->events = true;
		req->json = len > 6;
		return 0;
	}
	static const char verb[] = "show ";
	const char *end = line + len;
	if (len > sizeof(verb) - 1 && memcmp(line, verb, sizeof(verb) - 1) == 0) {
		const char *arg = line + sizeof(verb) - 1;
		const char *sp = memchr(arg, ' ', (size_t)(end - arg));
		size_t alen = (size_t)((sp ? sp : end) - arg);
		for (unsigned c = 0; c < MG_CTL__COUNT; c++) {
			if (!word_is(arg, alen, cmd_names[c]))
				continue;
			req->cmd = (enum mg_ctl_cmd)c;
			/* options: single spaces, no empty word, none trailing */
			while (sp != NULL) {
				const char *w = sp + 1;
				sp = memchr(w, ' ', (size_t)(end - w));
				size_t wl = (size_t)((sp ? sp : end) - w);
				if (wl == 0) {
					*why = "options are one space apart, none empty";
					return -1;
				}
				if (parse_option(w, wl, req, why) != 0)
					return -1;
			}
			return check_filters(req, why);
		}
	}
	*why = "unknown request; expected show calls|flows|pinholes|stats|bindings|directory|registrations [json] "
	       "[filters] or events [json]";
	return -1;
}

/* ---- filters ---- */

static bool addr_is(const struct mg_ctl_filter *f, uint8_t family, const union mg_addr *a)
{
	return f->family == family && memcmp(&f->addr, a, sizeof(*a)) == 0;
}

/* An IPv4 address of the tables that hold them bare (network order). */
static bool v4_is(const struct mg_ctl_filter *f, uint32_t be)
{
	return f->family == MG_AF_INET && f->addr.w[0] == be;
}

bool mg_ctl_match_flow(const struct mg_ctl_filter *f, const struct mg_flow_info *fi)
{
	const struct mg_tuple *o = &fi->orig, *r = &fi->reply;
	if (f->proto && o->proto != f->proto)
		return false;
	if (f->has_port && o->sport != f->port && o->dport != f->port && r->sport != f->port &&
	    r->dport != f->port)
		return false;
	if (f->has_addr && !addr_is(f, o->family, &o->src) && !addr_is(f, o->family, &o->dst) &&
	    !addr_is(f, r->family, &r->src) && !addr_is(f, r->family, &r->dst))
		return false;
	return !f->has_call || fi->call == f->call;
}

bool mg_ctl_match_binding(const struct mg_ctl_filter *f, const struct mg_binding_info *bi)
{
	if (f->proto && bi->proto != f->proto)
		return false;
	if (f->has_port && bi->in_port != f->port && bi->pub_port != f->port)
		return false;
	if (f->has_addr && !v4_is(f, bi->in_addr) && !v4_is(f, bi->pub_addr))
		return false;
	return !f->has_call;
}

bool mg_ctl_match_pinhole(const struct mg_ctl_filter *f, const struct mg_pinhole_info *pi)
{
	if (f->proto && pi->proto != f->proto)
		return false;
	if (f->has_port && pi->dst_port != f->port && pi->to_port != f->port)
		return false;
	if (f->has_addr && !v4_is(f, pi->remote) && !v4_is(f, pi->dst_addr) &&
	    !v4_is(f, pi->to_addr))
		return false;
	return !f->has_call || pi->owner == f->call;
}

bool mg_ctl_match_call(const struct mg_ctl_filter *f, const struct mg_call_info *ci)
{
	if (f->proto || f->has_port)
		return false;
	if (f->has_addr && !v4_is(f, ci->inside_addr) && !v4_is(f, ci->peer_addr))
		return false;
	return !f->has_call || ci->id == f->call;
}

static void addr_str(uint8_t family, const union mg_addr *a, char *out, size_t n)
{
	if (inet_ntop(family == MG_AF_INET6 ? AF_INET6 : AF_INET, a->b, out, (socklen_t)n) == NULL)
		snprintf(out, n, "?");
}

static void v4_str(uint32_t be, char *out, size_t n)
{
	if (be == 0)
		snprintf(out, n, "*");
	else if (inet_ntop(AF_INET, &be, out, (socklen_t)n) == NULL)
		snprintf(out, n, "?");
}

static unsigned long long secs_left(uint64_t expire_ms, uint64_t now_ms)
{
	return expire_ms > now_ms ? (unsigned long long)((expire_ms - now_ms + 999) / 1000) : 0;
}

static unsigned long long age_s(uint64_t created_ms, uint64_t now_ms)
{
	return now_ms > created_ms ? (unsigned long long)((now_ms - created_ms) / 1000) : 0;
}

/* "src=A dst=B sport=P dport=Q" (ICMP: "id=N"), then the direction's counters. */
static int put_tuple(char *buf, size_t n, const struct mg_tuple *t, uint64_t pkts, uint64_t bytes)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	addr_str(t->family, &t->src, s, sizeof(s));
	addr_str(t->family, &t->dst, d, sizeof(d));
	if (t->proto == MG_PROTO_ICMP || t->proto == MG_PROTO_ICMP6)
		return snprintf(buf, n, "src=%s dst=%s id=%u packets=%" PRIu64 " bytes=%" PRIu64, s, d,
				(unsigned)t->sport, pkts, bytes);
	return snprintf(buf, n, "src=%s dst=%s sport=%u dport=%u packets=%" PRIu64 " bytes=%" PRIu64,
			s, d, (unsigned)t->sport, (unsigned)t->dport, pkts, bytes);
}

int mg_ctl_fmt_flow(char *buf, size_t n, const struct mg_flow_info *fi, uint64_t now_ms)
{
	char state[32] = "";
	char o[200], r[200];
	/* TCP shows its state in capitals as conntrack does; other protocols
	 * have none to show */
	if (fi->orig.proto == MG_PROTO_TCP && fi->state != NULL) {
		size_t i = 0;
		for (; fi->state[i] && i < sizeof(state) - 2; i++) {
			char ch = fi->state[i];
			state[i] = (char)((ch >= 'a' && ch <= 'z') ? ch - 'a' + 'A' : ch == '-' ? '_' : ch);
		}
		state[i] = ' ';
		state[i + 1] = '\0';
	}
	put_tuple(o, sizeof(o), &fi->orig, fi->pkts[0], fi->bytes[0]);
	put_tuple(r, sizeof(r), &fi->reply, fi->pkts[1], fi->bytes[1]);
	char extra[64] = "";
	if (fi->alg != NULL && fi->alg[0] != '\0')
		snprintf(extra, sizeof(extra), " alg=%.16s call=%u", fi->alg, (unsigned)fi->call);
	return snprintf(buf, n, "%-6s %u %llu %s%s %s%s [%s]%s\n", mg_proto_name(fi->orig.proto),
			(unsigned)fi->orig.proto, secs_left(fi->expire_ms, now_ms), state, o,
			fi->pkts[1] == 0 ? "[UNREPLIED] " : "", r,
			fi->orig_side == MG_SIDE_INSIDE ? "from-inside" : "from-outside", extra);
}

int mg_ctl_fmt_binding(char *buf, size_t n, const struct mg_binding_info *bi, uint64_t now_ms)
{
	char in[16], pub[16];
	v4_str(bi->in_addr, in, sizeof(in));
	v4_str(bi->pub_addr, pub, sizeof(pub));
	return snprintf(buf, n, "%-6s %15s:%-5u %15s:%-5u %5u %-10s %llu\n", mg_proto_name(bi->proto),
			in, (unsigned)bi->in_port, pub, (unsigned)bi->pub_port, (unsigned)bi->refs,
			bi->advertised ? "advertised" : "used", age_s(bi->created_ms, now_ms));
}

int mg_ctl_fmt_pinhole(char *buf, size_t n, const struct mg_pinhole_info *pi, uint64_t now_ms)
{
	char rem[16], dst[16], to[16];
	v4_str(pi->remote, rem, sizeof(rem));
	v4_str(pi->dst_addr, dst, sizeof(dst));
	v4_str(pi->to_addr, to, sizeof(to));
	char left[24];
	if (pi->expire_ms == UINT64_MAX) /* in use: lives as long as its call */
		snprintf(left, sizeof(left), "call");
	else
		snprintf(left, sizeof(left), "%llu", secs_left(pi->expire_ms, now_ms));
	return snprintf(buf, n, "%-6s %-8.8s %-7s %15s %15s:%-5u %15s:%-5u %6u %8" PRIu64 " %s\n",
			mg_proto_name(pi->proto), pi->what ? pi->what : "-",
			pi->side == MG_SIDE_INSIDE ? "inside" : "outside", rem, dst,
			(unsigned)pi->dst_port, to, (unsigned)pi->to_port, (unsigned)pi->owner,
			pi->hits, left);
}

const char *mg_ctl_header(enum mg_ctl_cmd cmd)
{
	switch (cmd) {
	case MG_CTL_CALLS:
		return "    id state       dir               inside            peer messages rewrites "
		       "pinholes bindings   age route    pkts out/in          bytes out/in          "
		       "callIdentifier                       aliases\n";
	case MG_CTL_BINDINGS:
		return "proto           inside:port           public:port  refs state      age\n";
	case MG_CTL_PINHOLES:
		return "proto  what     side             remote          dst:port                   "
		       "to:port   call     hits expires\n";
	case MG_CTL_DIRECTORY:
		return "alias                    class  type                  inside:port  origin    "
		       "age expires   hits pool\n";
	case MG_CTL_REGISTRATIONS:
		return "          inside:port           public:port      gatekeeper    left aliases\n";
	default:
		return "";
	}
}

#define STAT(name, expr) {name, offsetof(struct mg_stats, expr), sizeof(((struct mg_stats *)0)->expr)}
static const struct {
	const char *name;
	size_t off, size;
} stat_rows[] = {
	STAT("pkts_in_inside", pkts_in[0]),    STAT("pkts_in_outside", pkts_in[1]),
	STAT("pkts_out_inside", pkts_out[0]),  STAT("pkts_out_outside", pkts_out[1]),
	STAT("drops", drops),                  STAT("flows_active", flows_active),
	STAT("flows_created", flows_created),  STAT("flows_expired", flows_expired),
	STAT("bindings_active", bindings_active), STAT("bindings_created", bindings_created),
	STAT("bindings_expired", bindings_expired), STAT("pinholes_active", pinholes_active),
	STAT("pinholes_opened", pinholes_opened), STAT("pinholes_closed", pinholes_closed),
	STAT("pinhole_hits", pinhole_hits),    STAT("alg_rewrites", alg_rewrites),
	STAT("calls_active", calls_active),    STAT("calls_created", calls_created),
	STAT("calls_ended", calls_ended),      STAT("flows_embryonic", flows_embryonic),
	STAT("frags_active", frags_active),    STAT("directory_entries", directory_entries),
	STAT("directory_learned", directory_learned), STAT("directory_refreshed", directory_refreshed),
	STAT("directory_expired", directory_expired), STAT("directory_refused", directory_refused),
	STAT("pool_addresses", pool_addresses), STAT("pool_in_use", pool_in_use),
	STAT("pool_assigned", pool_assigned),  STAT("pool_released", pool_released),
	STAT("pool_exhausted", pool_exhausted),
	STAT("ras_registrations_active", ras_reg_active), STAT("ras_registrations_created", ras_reg_created),
	STAT("ras_registrations_ended", ras_reg_ended), STAT("ras_registrations_expired", ras_reg_expired),
};
#define N_STAT_ROWS (sizeof(stat_rows) / sizeof(stat_rows[0]))

int mg_ctl_fmt_stat(char *buf, size_t n, const struct mg_stats *st, unsigned i)
{
	if (i < N_STAT_ROWS) {
		const char *p = (const char *)st + stat_rows[i].off;
		uint64_t v;
		if (stat_rows[i].size == sizeof(uint32_t)) {
			uint32_t v32;
			memcpy(&v32, p, sizeof(v32));
			v = v32;
		} else {
			memcpy(&v, p, sizeof(v));
		}
		return snprintf(buf, n, "%s %" PRIu64 "\n", stat_rows[i].name, v);
	}
	i -= (unsigned)N_STAT_ROWS;
	if (i >= 2 * MG_R__COUNT)
		return -1;
	bool ev = i >= MG_R__COUNT;
	unsigned r = ev ? i - MG_R__COUNT : i;
	uint64_t v = ev ? st->events[r] : st->dropped[r];
	if (v == 0)
		return 0;
	return snprintf(buf, n, "%s %s %" PRIu64 "\n", ev ? "event" : "drop", mg_reason_name((enum mg_reason)r),
			v);
}
