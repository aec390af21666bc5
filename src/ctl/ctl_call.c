/* ctl_call.c - the text rows of calls: `show calls` (one row per call) and
 * `show calls ladder=N` (a call's signalling as a ladder).  Format
 * contract: ctl.h and doc/live.md. */
#include "ctl/ctl.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void v4_str(uint32_t be, char *out, size_t n)
{
	if (be == 0)
		snprintf(out, n, "*");
	else if (inet_ntop(AF_INET, &be, out, (socklen_t)n) == NULL)
		snprintf(out, n, "?");
}

void mg_ctl_guid_str(const uint8_t g[16], char out[37])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[0],
		 g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13], g[14],
		 g[15]);
}

const char *mg_ctl_alias_type(uint8_t type)
{
	static const char *const n[] = {
		[MG_ALIAS_NONE] = "none",     [MG_ALIAS_DIGITS] = "dialedDigits",
		[MG_ALIAS_NAME] = "h323-ID",  [MG_ALIAS_URL] = "url-ID",
		[MG_ALIAS_EMAIL] = "email-ID", [MG_ALIAS_OTHER] = "other",
	};
	return type < sizeof(n) / sizeof(n[0]) ? n[type] : "other";
}

/* One party's aliases as one word: "type:value,type:value" (a space in a
 * value shows as '_', a cut value ends in '~'), "-" for none. */
static void aliases_word(const struct mg_call_alias *a, unsigned n, char *out, size_t len)
{
	size_t k = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < n && k < len; i++) {
		int w = a[i].type == MG_ALIAS_OTHER
				? snprintf(out + k, len - k, "%s%s", i ? "," : "", mg_ctl_alias_type(a[i].type))
				: snprintf(out + k, len - k, "%s%s:%s%s", i ? "," : "",
					   mg_ctl_alias_type(a[i].type), a[i].s, a[i].cut ? "~" : "");
		if (w < 0)
			break;
		for (size_t j = k; j < k + (size_t)w && j < len; j++)
			if (out[j] == ' ')
				out[j] = '_';
		k += (size_t)w;
	}
	if (k == 0)
		snprintf(out, len, "-");
}

int mg_ctl_fmt_call(char *buf, size_t n, const struct mg_call_info *ci, uint64_t now_ms)
{
	char in[16], peer[16], guid[37] = "-";
	char from[MG_CALL_ALIASES * (MG_CALL_ALIAS_LEN + 16)], to[sizeof(from)];
	v4_str(ci->inside_addr, in, sizeof(in));
	v4_str(ci->peer_addr, peer, sizeof(peer));
	if (ci->has_guid)
		mg_ctl_guid_str(ci->guid, guid);
	aliases_word(ci->alias[0], ci->n_alias[0], from, sizeof(from));
	aliases_word(ci->alias[1], ci->n_alias[1], to, sizeof(to));
	unsigned long long age = now_ms > ci->created_ms ? (now_ms - ci->created_ms) / 1000 : 0;
	return snprintf(buf, n,
			"%6u %-11.11s %-8s %15s %15s %8u %8u %8u %8u %5llu %-8s %9" PRIu64 "/%-9" PRIu64
			" %11" PRIu64 "/%-11" PRIu64 " %-36s from=%s to=%s\n",
			(unsigned)ci->id, ci->state ? ci->state : "-", ci->inbound ? "inbound" : "outbound",
			in, peer, (unsigned)ci->messages, (unsigned)ci->rewrites, (unsigned)ci->pinholes,
			(unsigned)ci->bindings, age, ci->route ? ci->route : "-", ci->media_pkts[0],
			ci->media_pkts[1], ci->media_bytes[0], ci->media_bytes[1], guid, from, to);
}

/* ---- the ladder ---- */

#define ARROW_RIGHT "------------------>"
#define ARROW_LEFT "<------------------"

/* "a.b.c.d:p" */
static void ep_str(uint32_t ip, uint16_t port, char *out, size_t n)
{
	char a[16];
	v4_str(ip, a, sizeof(a));
	snprintf(out, n, "%s:%u", a, (unsigned)port);
}

static int fmt_step(char *buf, size_t n, const struct mg_call_step *s)
{
	char a[24], b[24];
	unsigned sec = s->t_ms / 1000, ms = s->t_ms % 1000;
	const char *name = s->name ? s->name : "?";
	switch (s->kind) {
	case MG_STEP_MSG:
		return snprintf(buf, n, "%4u.%03u  %-26.26s %s%s\n", sec, ms, name,
				s->from_inside ? ARROW_RIGHT : ARROW_LEFT, s->h245 ? "  (h245)" : "");
	case MG_STEP_REWRITE:
		ep_str(s->ip[0], s->port[0], a, sizeof(a));
		ep_str(s->ip[1], s->port[1], b, sizeof(b));
		return snprintf(buf, n, "%4u.%03u    rewrite %s%s%s -> %s\n", sec, ms, s->name ? s->name : "",
				s->name ? " " : "", a, b);
	case MG_STEP_PIN_OPEN:
		ep_str(s->ip[0], s->port[0], a, sizeof(a));
		ep_str(s->ip[1], s->port[1], b, sizeof(b));
		return snprintf(buf, n, "%4u.%03u    pinhole %s %s -> %s\n", sec, ms, name, a, b);
	case MG_STEP_PIN_CLOSE:
		return snprintf(buf, n, "%4u.%03u    closed %u pinhole%s (%s)\n", sec, ms,
				(unsigned)s->count, s->count == 1 ? "" : "s", name);
	case MG_STEP_PROBLEM:
		if (s->ip[0] != 0) {
			ep_str(s->ip[0], s->port[0], a, sizeof(a));
			return snprintf(buf, n, "%4u.%03u    problem %s %s\n", sec, ms,
					mg_reason_name((enum mg_reason)s->reason), a);
		}
		return snprintf(buf, n, "%4u.%03u    problem %s\n", sec, ms,
				mg_reason_name((enum mg_reason)s->reason));
	default:
		return snprintf(buf, n, "%4u.%03u    ?\n", sec, ms);
	}
}

int mg_ctl_fmt_ladder(char *buf, size_t n, const struct mg_call_ladder *l, unsigned i)
{
	const struct mg_call_info *ci = &l->ci;
	if (i == 0) {
		char in[16], peer[16];
		v4_str(ci->inside_addr, in, sizeof(in));
		v4_str(ci->peer_addr, peer, sizeof(peer));
		/* the inside party on the left, so right arrows go out; an
		 * inbound call says how it got in */
		const char *dir = ci->inbound ? "inbound" : "outbound";
		const char *route = ci->route ? ci->route : "-";
		bool via = strcmp(route, dir) != 0;
		return snprintf(buf, n, "call %u  %s (inside)  %s (outside)  %s%s%s, %s\n", (unsigned)ci->id,
				in, peer, dir, via ? " via " : "", via ? route : "",
				ci->state ? ci->state : "-");
	}
	i--;
	if (l->lost > 0) {
		if (i == 0)
			return snprintf(buf, n, "   ...    %u earlier steps not kept\n", (unsigned)l->lost);
		i--;
	}
	if (i >= l->n)
		return -1;
	return fmt_step(buf, n, &l->step[i]);
}
