/* ladder.c - per-call ladder diagrams (calls.html) and "would it have
 * worked" lines for `meetgate replay` (see ladder.h, doc/replay.md).
 *
 * The replay is offline: the arrays are allocated once, at their bound, and
 * what does not fit is counted as lost.  Every string that reaches the page
 * goes through html_esc. */
#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/ladder.h"
#include "core/reason.h"
#include "io/pcap.h"

struct ld_event {
	struct mg_call_trace t;
	char name[40];
	bool dropped;     /* MSG: the packet carrying it was dropped */
	uint16_t drop_reason;
};

struct ld_drop {
	uint64_t now;
	uint32_t call;    /* 0: no call traced on this packet */
	uint16_t reason;
	uint8_t side, proto;
	uint32_t src, dst;
	uint16_t sport, dport;
};

struct ld_call {
	uint32_t id;
	uint32_t inside, peer;   /* network order */
	bool inbound, have_addr;
	uint32_t msgs[2];        /* [0] from inside, [1] from outside */
	uint32_t passed[2];      /* of those, carried by packets that passed */
	uint32_t problems;       /* untranslated / undecodable findings */
	uint32_t drops;
	uint64_t media[2];       /* UDP media packets: [0] inside -> outside, [1] outside -> inside */
	uint32_t pins_opened;
	uint64_t first_ms;
};

struct mg_ladder {
	struct ld_event *ev;
	size_t n_ev, ev_lost;
	struct ld_drop *drops;
	size_t n_drops, drops_lost;
	struct ld_call calls[MG_LADDER_MAX_CALLS];
	size_t n_calls, calls_lost;
	size_t pkt_first;   /* first event of the packet being fed */
	uint32_t pkt_call;  /* call the packet being fed belongs to */
	uint64_t t0;
	bool have_t0;
};

struct mg_ladder *mg_ladder_new(void)
{
	struct mg_ladder *l = calloc(1, sizeof(*l));
	if (l == NULL)
		return NULL;
	l->ev = calloc(MG_LADDER_MAX_EVENTS, sizeof(*l->ev));
	l->drops = calloc(MG_LADDER_MAX_DROPS, sizeof(*l->drops));
	if (l->ev == NULL || l->drops == NULL) {
		mg_ladder_free(l);
		return NULL;
	}
	return l;
}

void mg_ladder_free(struct mg_ladder *l)
{
	if (l == NULL)
		return;
	free(l->ev);
	free(l->drops);
	free(l);
}

static struct ld_call *call_get(struct mg_ladder *l, uint32_t id, bool add)
{
	for (size_t i = 0; i < l->n_calls; i++)
		if (l->calls[i].id == id)
			return &l->calls[i];
	if (!add)
		return NULL;
	if (l->n_calls == MG_LADDER_MAX_CALLS) {
		l->calls_lost++;
		return NULL;
	}
	struct ld_call *c = &l->calls[l->n_calls++];
	memset(c, 0, sizeof(*c));
	c->id = id;
	return c;
}

void mg_ladder_trace(void *ctx, const struct mg_call_trace *t)
{
	struct mg_ladder *l = ctx;
	if (t->kind >= MG_CALL_TR_CALL_START)
		return; /* a call's life: for live streams, the arrows already show it */
	if (!l->have_t0) {
		l->t0 = t->now;
		l->have_t0 = true;
	}
	struct ld_call *c = call_get(l, t->call, true);
	if (c && t->kind == MG_CALL_TR_MSG && !c->have_addr) {
		c->have_addr = true;
		c->inbound = !t->from_inside;
		c->inside = t->from_inside ? t->sender : t->receiver;
		c->peer = t->from_inside ? t->receiver : t->sender;
		c->first_ms = t->now;
	}
	if (t->call != 0 && t->kind == MG_CALL_TR_MSG)
		l->pkt_call = t->call;
	if (l->n_ev == MG_LADDER_MAX_EVENTS) {
		l->ev_lost++;
		return;
	}
	struct ld_event *e = &l->ev[l->n_ev++];
	memset(e, 0, sizeof(*e));
	e->t = *t;
	snprintf(e->name, sizeof(e->name), "%s", t->name ? t->name : "");
	e->t.name = NULL;
}

void mg_ladder_packet_begin(struct mg_ladder *l)
{
	l->pkt_first = l->n_ev;
	l->pkt_call = 0;
}

void mg_ladder_packet_end(struct mg_ladder *l, const uint8_t *l3, uint32_t len, enum mg_side side,
			  uint64_t now, const struct mg_result *res)
{
	if (res->verdict != MG_VERDICT_DROP)
		return;
	for (size_t i = l->pkt_first; i < l->n_ev; i++) {
		l->ev[i].dropped = true;
		l->ev[i].drop_reason = res->reason;
	}
	if (l->n_drops == MG_LADDER_MAX_DROPS) {
		l->drops_lost++;
		return;
	}
	struct ld_drop *d = &l->drops[l->n_drops++];
	struct mg_pcap_v4 v;
	memset(d, 0, sizeof(*d));
	d->now = now;
	d->call = l->pkt_call;
	d->reason = res->reason;
	d->side = (uint8_t)side;
	if (mg_pcap_v4_peek(l3, len, &v) == 0) {
		d->proto = v.proto;
		d->src = v.src;
		d->dst = v.dst;
		if (v.has_ports) {
			d->sport = v.sport;
			d->dport = v.dport;
		}
	}
}

static uint32_t v4(const union mg_addr *a)
{
	return mg_addr_v4(a);
}

/* The call a UDP flow is media of: the one it names, else the latest call
 * begun before it between the same inside host and peer. */
static struct ld_call *media_call(struct mg_ladder *l, const struct mg_flow_info *fi)
{
	if (fi->call != 0)
		return call_get(l, fi->call, false);
	if (fi->orig.family != MG_AF_INET)
		return NULL;
	bool in = fi->orig_side == MG_SIDE_INSIDE;
	uint32_t host = in ? v4(&fi->orig.src) : v4(&fi->reply.src);
	uint32_t peer = in ? v4(&fi->orig.dst) : v4(&fi->orig.src);
	struct ld_call *best = NULL;
	for (size_t i = 0; i < l->n_calls; i++) {
		struct ld_call *c = &l->calls[i];
		if (c->id != 0 && c->have_addr && c->inside == host && c->peer == peer &&
		    c->first_ms <= fi->created_ms && (best == NULL || c->first_ms >= best->first_ms))
			best = c;
	}
	return best;
}

void mg_ladder_flow(struct mg_ladder *l, const struct mg_flow_info *fi)
{
	if (fi->orig.proto != MG_PROTO_UDP)
		return;
	struct ld_call *c = media_call(l, fi);
	if (c == NULL)
		return;
	unsigned out = fi->orig_side == MG_SIDE_INSIDE ? 0u : 1u;
	c->media[out] += fi->pkts[0];
	c->media[1 - out] += fi->pkts[1];
}

/* ---- what the events say about each call ---- */

static void tally(struct mg_ladder *l)
{
	for (size_t i = 0; i < l->n_calls; i++) {
		struct ld_call *c = &l->calls[i];
		c->msgs[0] = c->msgs[1] = c->passed[0] = c->passed[1] = 0;
		c->problems = c->drops = c->pins_opened = 0;
	}
	for (size_t i = 0; i < l->n_ev; i++) {
		const struct ld_event *e = &l->ev[i];
		struct ld_call *c = call_get(l, e->t.call, false);
		if (c == NULL)
			continue;
		unsigned d = e->t.from_inside ? 0u : 1u;
		if (e->t.kind == MG_CALL_TR_MSG && !e->t.h245) {
			c->msgs[d]++;
			if (!e->dropped)
				c->passed[d]++;
		} else if (e->t.kind == MG_CALL_TR_PROBLEM) {
			c->problems++;
		} else if (e->t.kind == MG_CALL_TR_PIN_OPEN) {
			c->pins_opened++;
		}
	}
	for (size_t i = 0; i < l->n_drops; i++) {
		struct ld_call *c = call_get(l, l->drops[i].call, false);
		if (c && l->drops[i].call != 0)
			c->drops++;
	}
}

static bool call_worked(const struct ld_call *c)
{
	return c->passed[0] > 0 && c->passed[1] > 0 && c->passed[0] == c->msgs[0] &&
	       c->passed[1] == c->msgs[1] && c->media[0] > 0 && c->media[1] > 0 && c->problems == 0;
}

static void ip_str(char *b, size_t n, uint32_t ip)
{
	const uint8_t *o = (const uint8_t *)&ip;
	snprintf(b, n, "%u.%u.%u.%u", o[0], o[1], o[2], o[3]);
}

/* "would have worked: ..." or "would NOT have worked: ..." (no newline). */
static void verdict_line(const struct ld_call *c, char *b, size_t n)
{
	int k = snprintf(b, n, "%s: signalling %s (%" PRIu32 "/%" PRIu32 " out, %" PRIu32 "/%" PRIu32
				" in passed), media %s (%" PRIu64 " out, %" PRIu64 " in), %s",
			 call_worked(c) ? "would have worked" : "would NOT have worked",
			 c->passed[0] == c->msgs[0] && c->passed[1] == c->msgs[1] && c->passed[0] &&
					 c->passed[1]
				 ? "passed both ways"
				 : "did not pass both ways",
			 c->passed[0], c->msgs[0], c->passed[1], c->msgs[1],
			 c->media[0] && c->media[1] ? "both ways" : c->media[0] || c->media[1] ? "one way only"
											     : "none",
			 c->media[0], c->media[1],
			 c->problems ? "untranslated or undecodable addresses" : "no untranslated address");
	if (k > 0 && (size_t)k < n && c->drops)
		snprintf(b + k, n - (size_t)k, ", %" PRIu32 " packets dropped", c->drops);
}

static void call_title(const struct ld_call *c, char *b, size_t n)
{
	char in[16], peer[16];
	ip_str(in, sizeof(in), c->inside);
	ip_str(peer, sizeof(peer), c->peer);
	if (c->id == 0)
		snprintf(b, n, "signalling outside any call");
	else
		snprintf(b, n, "call %" PRIu32 " %s %s %s (%s)", c->id, in, c->inbound ? "<-" : "->", peer,
			 c->inbound ? "inbound" : "outbound");
}

void mg_ladder_summary(struct mg_ladder *l, FILE *f)
{
	char title[96], v[320];
	tally(l);
	for (size_t i = 0; i < l->n_calls; i++) {
		const struct ld_call *c = &l->calls[i];
		if (c->id == 0)
			continue;
		call_title(c, title, sizeof(title));
		verdict_line(c, v, sizeof(v));
		fprintf(f, "%s: %s\n", title, v);
	}
}

/* ---- HTML ---- */

static void html_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc((unsigned char)*s < 0x20 ? '?' : *s, f);
		}
	}
}

/* A message name as Wireshark shows it: "setup" -> "Setup". */
static void msg_name(char *b, size_t n, const char *name)
{
	snprintf(b, n, "%s", name);
	if (b[0])
		b[0] = (char)toupper((unsigned char)b[0]);
}

#define X_IN 130
#define X_GW 430
#define X_PEER 730
#define X_NOTE 760
#define SVG_W 1160
#define ROW 34
#define NOTE_LINE 14

/* One annotation line (rewrite, pinhole, problem) of the message at `msg`. */
static int note_text(const struct ld_event *e, char *b, size_t n)
{
	char a[16], z[16];
	ip_str(a, sizeof(a), e->t.ip[0]);
	ip_str(z, sizeof(z), e->t.ip[1]);
	switch (e->t.kind) {
	case MG_CALL_TR_REWRITE:
		snprintf(b, n, "rewrote %s:%u -> %s:%u", a, e->t.port[0], z, e->t.port[1]);
		return 1;
	case MG_CALL_TR_PIN_OPEN:
		snprintf(b, n, "pinhole %s opened: %s:%u -> %s:%u", e->name, a, e->t.port[0], z,
			 e->t.port[1]);
		return 2;
	case MG_CALL_TR_PIN_CLOSE:
		snprintf(b, n, "%" PRIu32 " pinholes closed (%s)", e->t.count, e->name);
		return 2;
	case MG_CALL_TR_PROBLEM:
		if (e->t.ip[0])
			snprintf(b, n, "%s: %s:%u", mg_reason_name((enum mg_reason)e->t.reason), a,
				 e->t.port[0]);
		else
			snprintf(b, n, "%s", mg_reason_name((enum mg_reason)e->t.reason));
		return 3;
	default:
		return 0;
	}
}

static const char *const note_class[] = {"", "rw", "pin", "bad"};

static void svg_text(FILE *f, int x, int y, const char *anchor, const char *cls, const char *s)
{
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" class=\"%s\">", x, y, anchor, cls);
	html_esc(f, s);
	fputs("</text>\n", f);
}

/* The rows of one call: a message row per MSG, its notes under it. */
static void svg_call(struct mg_ladder *l, FILE *f, const struct ld_call *c)
{
	size_t rows = 0, notes = 0;
	for (size_t i = 0; i < l->n_ev; i++) {
		if (l->ev[i].t.call != c->id)
			continue;
		if (l->ev[i].t.kind == MG_CALL_TR_MSG)
			rows++;
		else
			notes++;
	}
	int h = 60 + (int)rows * ROW + (int)notes * NOTE_LINE + 20;
	char in[16], peer[16], b[160], nm[48];
	ip_str(in, sizeof(in), c->inside);
	ip_str(peer, sizeof(peer), c->peer);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		   "viewBox=\"0 0 %d %d\" class=\"ladder\" data-call=\"%" PRIu32 "\">\n",
		SVG_W, h, SVG_W, h, c->id);
	svg_text(f, X_IN, 20, "middle", "party", "inside host");
	svg_text(f, X_IN, 36, "middle", "addr", in);
	svg_text(f, X_GW, 20, "middle", "party", "meetgate");
	svg_text(f, X_PEER, 20, "middle", "party", "outside peer");
	svg_text(f, X_PEER, 36, "middle", "addr", peer);
	int xs[3] = {X_IN, X_GW, X_PEER};
	for (int k = 0; k < 3; k++)
		fprintf(f, "<line x1=\"%d\" y1=\"44\" x2=\"%d\" y2=\"%d\" class=\"life\"/>\n", xs[k], xs[k],
			h - 8);
	int y = 60;
	for (size_t i = 0; i < l->n_ev; i++) {
		const struct ld_event *e = &l->ev[i];
		if (e->t.call != c->id)
			continue;
		if (e->t.kind != MG_CALL_TR_MSG) {
			int k = note_text(e, b, sizeof(b));
			y += NOTE_LINE;
			svg_text(f, X_NOTE, y - 3, "start", note_class[k], b);
			continue;
		}
		y += ROW;
		int x0 = e->t.from_inside ? X_IN : X_PEER, x1 = e->t.from_inside ? X_PEER : X_IN;
		int xe = e->dropped ? X_GW : x1, dir = xe > x0 ? 1 : -1;
		const char *cls = e->t.h245 ? "h245" : "q931";
		snprintf(b, sizeof(b), "+%.3f s", (double)(e->t.now - l->t0) / 1000.0);
		svg_text(f, 8, y - 4, "start", "time", b);
		fprintf(f, "<g class=\"arrow %s%s\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
			   "<polygon points=\"%d,%d %d,%d %d,%d\"/></g>\n",
			cls, e->dropped ? " dropped" : "", x0, y, xe - dir * 8, y, xe, y, xe - dir * 10, y - 5,
			xe - dir * 10, y + 5);
		msg_name(nm, sizeof(nm), e->name);
		svg_text(f, (x0 + X_GW) / 2, y - 6, "middle", cls, nm);
		if (e->dropped) {
			fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"x\">X</text>\n",
				X_GW, y + 5);
			snprintf(b, sizeof(b), "dropped: %s",
				 mg_reason_name((enum mg_reason)e->drop_reason));
			svg_text(f, (X_GW + x1) / 2, y - 6, "middle", "bad", b);
		}
	}
	fputs("</svg>\n", f);
}

static void html_drops(struct mg_ladder *l, FILE *f, uint32_t call)
{
	size_t n = 0;
	char a[16], z[16];
	for (size_t i = 0; i < l->n_drops; i++) {
		const struct ld_drop *d = &l->drops[i];
		if (d->call != call)
			continue;
		if (n++ == 0)
			fputs("<table class=\"drops\"><tr><th>time</th><th>arrived on</th><th>packet</th>"
			      "<th>reason</th></tr>\n",
			      f);
		ip_str(a, sizeof(a), d->src);
		ip_str(z, sizeof(z), d->dst);
		fprintf(f, "<tr><td>+%.3f s</td><td>%s</td><td>proto %u %s:%u &rarr; %s:%u</td><td>",
			(double)(d->now - l->t0) / 1000.0, d->side == MG_SIDE_INSIDE ? "inside" : "outside",
			d->proto, a, d->sport, z, d->dport);
		html_esc(f, mg_reason_name((enum mg_reason)d->reason));
		fputs("</td></tr>\n", f);
	}
	if (n)
		fputs("</table>\n", f);
	else
		fprintf(f, "<p>No packet %s was dropped.</p>\n", call ? "of this call" : "outside a call");
}

static const char css[] =
	"body{font-family:sans-serif;margin:16px;color:#222}"
	"h2{font-size:16px;margin:24px 0 4px}"
	".ok{color:#176a1c;font-weight:bold}.nok{color:#b00020;font-weight:bold}"
	"svg.ladder{border:1px solid #ccc;background:#fff;font-size:12px}"
	".life{stroke:#888;stroke-dasharray:4 3}"
	".arrow line{stroke:#1f4e9a;stroke-width:1.5}.arrow polygon{fill:#1f4e9a}"
	".arrow.h245 line{stroke:#7a3e9d;stroke-dasharray:6 3}.arrow.h245 polygon{fill:#7a3e9d}"
	".arrow.dropped line{stroke:#b00020}.arrow.dropped polygon{fill:#b00020}"
	"text.party{font-weight:bold;font-size:13px}text.addr{fill:#555}text.time{fill:#666;font-size:11px}"
	"text.q931{fill:#1f4e9a;font-weight:bold}text.h245{fill:#7a3e9d}"
	"text.rw{fill:#0b6e4f;font-size:11px}text.pin{fill:#8a5a00;font-size:11px}"
	"text.bad,text.x{fill:#b00020;font-size:11px;font-weight:bold}"
	"table.drops{border-collapse:collapse;font-size:12px}"
	"table.drops td,table.drops th{border:1px solid #ccc;padding:2px 6px}";

int mg_ladder_write_html(struct mg_ladder *l, FILE *f)
{
	char title[96], v[320];
	tally(l);
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		   "<title>meetgate replay: calls</title><style>%s</style></head><body>\n"
		   "<h1>meetgate replay: calls</h1>\n",
		css);
	if (l->n_calls == 0)
		fputs("<p>No H.323 signalling was seen.</p>\n", f);
	fputs("<ul class=\"verdicts\">\n", f);
	for (size_t i = 0; i < l->n_calls; i++) {
		const struct ld_call *c = &l->calls[i];
		if (c->id == 0)
			continue;
		call_title(c, title, sizeof(title));
		verdict_line(c, v, sizeof(v));
		fprintf(f, "<li class=\"%s\">", call_worked(c) ? "ok" : "nok");
		html_esc(f, title);
		fputs(": ", f);
		html_esc(f, v);
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
	if (l->ev_lost || l->drops_lost || l->calls_lost)
		fprintf(f, "<p class=\"nok\">Not shown (bounds reached): %zu events, %zu drops, %zu calls.</p>\n",
			l->ev_lost, l->drops_lost, l->calls_lost);
	for (size_t i = 0; i < l->n_calls; i++) {
		const struct ld_call *c = &l->calls[i];
		call_title(c, title, sizeof(title));
		fputs("<h2>", f);
		html_esc(f, title);
		fputs("</h2>\n", f);
		if (c->id != 0)
			fprintf(f, "<p>media packets: %" PRIu64 " inside &rarr; outside, %" PRIu64
				   " outside &rarr; inside; %" PRIu32 " pinholes opened</p>\n",
				c->media[0], c->media[1], c->pins_opened);
		svg_call(l, f, c);
		if (c->id != 0)
			html_drops(l, f, c->id);
	}
	fputs("<h2>drops outside any call</h2>\n", f);
	html_drops(l, f, 0);
	fputs("</body></html>\n", f);
	return ferror(f) ? -1 : 0;
}
