/* config_parse.c - the configuration file reader (format: doc/config.md).
 *
 * Line-oriented: '#' starts a comment, tokens are separated by blanks, the
 * first token names the directive and a table gives its handler and how many
 * arguments it takes.  Parsing works on a private copy that starts from
 * mg_config_defaults() without its addresses and is handed to the caller only
 * when the whole text was accepted, so a failed parse leaves the caller's
 * configuration alone.  A file must name its own `inside` and `public`
 * addresses: the lab addresses of the default belong to `--config default`
 * only, and a gateway silently translating to them would be wrong.
 * Numbers go through strtoul with explicit range checks; every error names
 * the file, the line and quotes the offending token.
 */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/engine.h"
#include "core/pkt.h"
#include "util/cursor.h"

#define LINE_MAX_LEN 1024
#define MAX_TOKENS 16
#define PIECE_MAX 64
#define FILE_MAX (1u << 20)
#define COUNT_MAX 16777216ul   /* upper bound of every `max` directive */
#define TIMEOUT_MAX 31536000ul /* one year, in seconds */
#define LOG_RATE_MAX 1000000ul

struct pstate {
	struct mg_config c;
	const char *name;
	unsigned line;
	char *err;
	size_t errlen;
	bool allow_seen;
	unsigned forward_line[MG_CFG_MAX_FORWARD];
	unsigned route_line; /* the first route line */
	unsigned pool_line[MG_CFG_MAX_POOL];
};

static int fail(struct pstate *s, const char *msg, const char *tok)
{
	if (s->err && s->errlen)
		snprintf(s->err, s->errlen, "%s:%u: %s '%s'", s->name, s->line, msg, tok);
	return -1;
}

/* ---- lexical helpers ---- */

static bool parse_ul(const char *tok, unsigned long min, unsigned long max, unsigned long *out)
{
	/* strtoul would accept blanks, a sign and "0x": demand plain digits. */
	if (!isdigit((unsigned char)tok[0]))
		return false;
	errno = 0;
	char *end;
	unsigned long v = strtoul(tok, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* Copy the first n bytes of src into a PIECE_MAX buffer; false if too long. */
static bool piece(char *dst, const char *src, size_t n)
{
	if (n >= PIECE_MAX)
		return false;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return true;
}

/* Dotted-decimal IPv4, exactly four parts of 0..255 without leading zeros;
 * result in network order. */
static bool parse_ip4(const char *tok, uint32_t *out)
{
	uint8_t b[4];
	const char *p = tok;
	for (int i = 0; i < 4; i++) {
		size_t n = 0;
		while (isdigit((unsigned char)p[n]))
			n++;
		if (n == 0 || n > 3 || (n > 1 && p[0] == '0'))
			return false;
		unsigned v = 0;
		for (size_t k = 0; k < n; k++)
			v = v * 10 + (unsigned)(p[k] - '0');
		if (v > 255)
			return false;
		b[i] = (uint8_t)v;
		p += n;
		if (i < 3) {
			if (*p != '.')
				return false;
			p++;
		}
	}
	if (*p != '\0')
		return false;
	memcpy(out, b, sizeof(*out));
	return true;
}

static uint32_t mask_of(unsigned len)
{
	uint32_t host = len == 0 ? 0 : 0xffffffffu << (32 - len);
	const uint8_t b[4] = {(uint8_t)(host >> 24), (uint8_t)(host >> 16), (uint8_t)(host >> 8),
			      (uint8_t)host};
	uint32_t v;
	memcpy(&v, b, sizeof(v));
	return v;
}

static int parse_port(struct pstate *s, const char *tok, uint16_t *out)
{
	unsigned long v;
	if (!parse_ul(tok, 1, 65535, &v))
		return fail(s, "port must be a number from 1 to 65535", tok);
	*out = (uint16_t)v;
	return 0;
}

/* "<port>" or "<port>-<port>" (low <= high). */
static int parse_range(struct pstate *s, const char *tok, uint16_t *lo, uint16_t *hi)
{
	char a[PIECE_MAX];
	const char *dash = strchr(tok, '-');
	if (!dash) {
		if (parse_port(s, tok, lo))
			return -1;
		*hi = *lo;
		return 0;
	}
	if (!piece(a, tok, (size_t)(dash - tok)))
		return fail(s, "port range too long", tok);
	if (parse_port(s, a, lo) || parse_port(s, dash + 1, hi))
		return -1;
	if (*lo > *hi)
		return fail(s, "port range runs backwards", tok);
	return 0;
}

static int parse_onoff(struct pstate *s, const char *tok, bool *out)
{
	if (strcmp(tok, "on") == 0)
		*out = true;
	else if (strcmp(tok, "off") == 0)
		*out = false;
	else
		return fail(s, "expected on or off", tok);
	return 0;
}

/* ---- directives: tok[0] is the directive, tok[1..] its arguments ---- */

static int d_inside(struct pstate *s, char **tok, int n)
{
	char a[PIECE_MAX];
	const char *slash = strchr(tok[1], '/');
	uint32_t addr;
	unsigned long len;
	if (!slash)
		return fail(s, "expected <address>/<length>", tok[1]);
	if (!piece(a, tok[1], (size_t)(slash - tok[1])) || !parse_ip4(a, &addr))
		return fail(s, "bad IPv4 address in prefix", tok[1]);
	if (!parse_ul(slash + 1, 0, 32, &len))
		return fail(s, "prefix length must be 0 to 32", tok[1]);
	uint32_t mask = mask_of((unsigned)len);
	if ((addr & ~mask) != 0)
		return fail(s, "prefix has host bits set", tok[1]);
	for (unsigned i = 0; i < s->c.n_inside; i++)
		if (s->c.inside[i].addr == addr && s->c.inside[i].mask == mask)
			return fail(s, "duplicate inside prefix", tok[1]);
	if (s->c.n_inside >= MG_CFG_MAX_INSIDE)
		return fail(s, "too many inside prefixes", tok[1]);
	s->c.inside[s->c.n_inside].addr = addr;
	s->c.inside[s->c.n_inside].mask = mask;
	s->c.n_inside++;
	return 0;
}

static int d_public(struct pstate *s, char **tok, int n)
{
	uint32_t addr;
	if (!parse_ip4(tok[1], &addr))
		return fail(s, "bad IPv4 address", tok[1]);
	if (addr == 0)
		return fail(s, "0.0.0.0 cannot be a public address", tok[1]);
	if (mg_config_is_public(&s->c, addr))
		return fail(s, "duplicate public address", tok[1]);
	if (s->c.n_public >= MG_CFG_MAX_PUBLIC)
		return fail(s, "too many public addresses", tok[1]);
	s->c.public_addr[s->c.n_public++] = addr;
	return 0;
}

static uint32_t host_order(uint32_t a)
{
	uint8_t b[4];
	memcpy(b, &a, sizeof(b));
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint32_t net_order(uint32_t h)
{
	const uint8_t b[4] = {(uint8_t)(h >> 24), (uint8_t)(h >> 16), (uint8_t)(h >> 8), (uint8_t)h};
	uint32_t v;
	memcpy(&v, b, sizeof(v));
	return v;
}

/* pool <address>[-<address>]: addresses lent to registered hosts.  Whether
 * one is also a public address or lies inside is checked after the whole
 * file (those lines may come later). */
static int d_pool(struct pstate *s, char **tok, int n)
{
	char a[PIECE_MAX];
	uint32_t lo, hi;
	const char *dash = strchr(tok[1], '-');
	if (!dash) {
		if (!parse_ip4(tok[1], &lo))
			return fail(s, "bad IPv4 address", tok[1]);
		hi = lo;
	} else {
		if (!piece(a, tok[1], (size_t)(dash - tok[1])) || !parse_ip4(a, &lo))
			return fail(s, "bad IPv4 address in range", tok[1]);
		if (!parse_ip4(dash + 1, &hi))
			return fail(s, "bad IPv4 address in range", tok[1]);
	}
	uint32_t hlo = host_order(lo), hhi = host_order(hi);
	if (hlo > hhi)
		return fail(s, "pool range runs backwards", tok[1]);
	if (hlo == 0)
		return fail(s, "0.0.0.0 cannot be a pool address", tok[1]);
	if (hhi - hlo >= MG_CFG_MAX_POOL || s->c.n_pool + (hhi - hlo + 1) > MG_CFG_MAX_POOL)
		return fail(s, "too many pool addresses (at most 64)", tok[1]);
	for (uint32_t h = hlo;; h++) {
		uint32_t addr = net_order(h);
		if (mg_config_is_pool(&s->c, addr)) {
			char ip[16];
			snprintf(ip, sizeof(ip), "%u.%u.%u.%u", h >> 24, (h >> 16) & 255, (h >> 8) & 255,
				 h & 255);
			return fail(s, "duplicate pool address", ip);
		}
		s->pool_line[s->c.n_pool] = s->line;
		s->c.pool_addr[s->c.n_pool++] = addr;
		if (h == hhi)
			break;
	}
	return 0;
}

static int parse_l4proto(struct pstate *s, const char *tok, uint8_t *proto)
{
	if (strcmp(tok, "tcp") == 0)
		*proto = MG_PROTO_TCP;
	else if (strcmp(tok, "udp") == 0)
		*proto = MG_PROTO_UDP;
	else
		return fail(s, "expected tcp or udp", tok);
	return 0;
}

/* "<ipv4>:<rest>"; rest points into tok. */
static int split_addr(struct pstate *s, const char *tok, const char *colon, uint32_t *addr)
{
	char a[PIECE_MAX];
	if (!piece(a, tok, (size_t)(colon - tok)) || !parse_ip4(a, addr))
		return fail(s, "bad IPv4 address", tok);
	if (*addr == 0)
		return fail(s, "0.0.0.0 is not a usable address", tok);
	return 0;
}

static bool forwards_overlap(const struct mg_forward *a, const struct mg_forward *b)
{
	return a->proto == b->proto &&
	       (a->pub_addr == 0 || b->pub_addr == 0 || a->pub_addr == b->pub_addr) &&
	       a->pub_port <= b->pub_port_hi && b->pub_port <= a->pub_port_hi;
}

/* The first matching forward wins, so an overlap is an error unless an
 * address-specific forward comes before one for every address. */
static int check_overlap(struct pstate *s, const struct mg_forward *f, const char *tok)
{
	for (unsigned i = 0; i < s->c.n_forward; i++) {
		const struct mg_forward *g = &s->c.forward[i];
		if (!forwards_overlap(g, f) || (g->pub_addr != 0 && f->pub_addr == 0))
			continue;
		char msg[64];
		snprintf(msg, sizeof(msg), "%s the forward on line %u",
			 g->pub_addr == f->pub_addr ? "overlaps" : "is shadowed by",
			 s->forward_line[i]);
		return fail(s, msg, tok);
	}
	return 0;
}

static int d_forward(struct pstate *s, char **tok, int n)
{
	struct mg_forward f;
	memset(&f, 0, sizeof(f));
	if (parse_l4proto(s, tok[1], &f.proto))
		return -1;
	const char *colon = strchr(tok[2], ':');
	const char *ports = tok[2];
	if (colon) {
		if (split_addr(s, tok[2], colon, &f.pub_addr))
			return -1;
		ports = colon + 1;
	}
	if (parse_range(s, ports, &f.pub_port, &f.pub_port_hi))
		return -1;
	if (strcmp(tok[3], "to") != 0)
		return fail(s, "expected 'to'", tok[3]);
	colon = strchr(tok[4], ':');
	if (!colon)
		return fail(s, "expected <address>:<port>", tok[4]);
	if (split_addr(s, tok[4], colon, &f.to_addr) || parse_port(s, colon + 1, &f.to_port))
		return -1;
	if ((unsigned long)f.to_port + (f.pub_port_hi - f.pub_port) > 65535)
		return fail(s, "target port range runs past 65535", tok[4]);
	if (check_overlap(s, &f, tok[2]))
		return -1;
	if (s->c.n_forward >= MG_CFG_MAX_FORWARD)
		return fail(s, "too many forwards", tok[2]);
	s->forward_line[s->c.n_forward] = s->line;
	s->c.forward[s->c.n_forward++] = f;
	return 0;
}

static int add_allow(struct pstate *s, const char *tok, uint8_t proto, uint16_t lo, uint16_t hi)
{
	if (s->c.n_allow >= MG_CFG_MAX_ALLOW)
		return fail(s, "too many allow entries", tok);
	s->c.allow[s->c.n_allow++] = (struct mg_allow){proto, lo, hi};
	return 0;
}

static int d_allow(struct pstate *s, char **tok, int n)
{
	if (strcmp(tok[1], "outbound") != 0)
		return fail(s, "expected 'outbound'", tok[1]);
	if (!s->allow_seen) {
		s->c.n_allow = 0; /* the file's list replaces the KB 158623 default */
		s->c.allow_set = true;
		s->allow_seen = true;
	}
	const char *what = tok[2];
	bool any = strcmp(what, "any") == 0;
	if (any || strcmp(what, "icmp") == 0) {
		if (n > 3)
			return fail(s, "extra argument", tok[3]);
		return add_allow(s, what, any ? 0 : MG_PROTO_ICMP, 0, 65535);
	}
	uint8_t proto;
	if (strcmp(what, "tcp") == 0)
		proto = MG_PROTO_TCP;
	else if (strcmp(what, "udp") == 0)
		proto = MG_PROTO_UDP;
	else
		return fail(s, "expected any, tcp, udp or icmp", what);
	if (n < 4)
		return fail(s, "missing port list", what);
	/* Comma-separated ports and ranges. */
	const char *p = tok[3];
	for (;;) {
		char item[PIECE_MAX];
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == 0)
			return fail(s, "empty entry in port list", tok[3]);
		if (!piece(item, p, len))
			return fail(s, "port list entry too long", tok[3]);
		uint16_t lo, hi;
		if (parse_range(s, item, &lo, &hi) || add_allow(s, item, proto, lo, hi))
			return -1;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

static int d_nat(struct pstate *s, char **tok, int n)
{
	return parse_onoff(s, tok[1], &s->c.nat);
}

static int d_alg(struct pstate *s, char **tok, int n)
{
	if (strcmp(tok[1], "h323") == 0)
		return parse_onoff(s, tok[2], &s->c.alg_h323);
	if (strcmp(tok[1], "ras") == 0)
		return parse_onoff(s, tok[2], &s->c.alg_ras);
	if (strcmp(tok[1], "h460") == 0) {
		if (strcmp(tok[2], "confirmed") == 0)
			s->c.h460 = MG_H460_CONFIRMED;
		else if (strcmp(tok[2], "pass") == 0)
			s->c.h460 = MG_H460_PASS;
		else if (strcmp(tok[2], "translate") == 0)
			s->c.h460 = MG_H460_TRANSLATE;
		else
			return fail(s, "expected confirmed, pass or translate", tok[2]);
		return 0;
	}
	if (strcmp(tok[1], "untranslatable") == 0) {
		if (strcmp(tok[2], "drop") == 0)
			s->c.untranslatable = MG_UNTRANS_DROP;
		else if (strcmp(tok[2], "pass") == 0)
			s->c.untranslatable = MG_UNTRANS_PASS;
		else
			return fail(s, "expected drop or pass", tok[2]);
		return 0;
	}
	if (strcmp(tok[1], "media-source") == 0) {
		if (strcmp(tok[2], "peer") == 0)
			s->c.media_source = MG_MEDIA_PEER;
		else if (strcmp(tok[2], "negotiated") == 0)
			s->c.media_source = MG_MEDIA_NEGOTIATED;
		else if (strcmp(tok[2], "any") == 0)
			s->c.media_source = MG_MEDIA_ANY;
		else
			return fail(s, "expected peer, negotiated or any", tok[2]);
		return 0;
	}
	if (strcmp(tok[1], "malformed-outside") == 0) {
		if (strcmp(tok[2], "drop") == 0)
			s->c.malformed_outside_drop = true;
		else if (strcmp(tok[2], "pass") == 0)
			s->c.malformed_outside_drop = false;
		else
			return fail(s, "expected drop or pass", tok[2]);
		return 0;
	}
	return fail(s, "expected h323, ras, h460, untranslatable, media-source or malformed-outside", tok[1]);
}

/* ras reachable any|gatekeeper */
static int d_ras(struct pstate *s, char **tok, int n)
{
	if (strcmp(tok[1], "reachable") != 0)
		return fail(s, "expected reachable", tok[1]);
	if (strcmp(tok[2], "any") == 0)
		s->c.ras_reachable_gk = false;
	else if (strcmp(tok[2], "gatekeeper") == 0)
		s->c.ras_reachable_gk = true;
	else
		return fail(s, "expected any or gatekeeper", tok[2]);
	return 0;
}

static int d_max(struct pstate *s, char **tok, int n)
{
	uint32_t *field;
	if (strcmp(tok[1], "flows") == 0)
		field = &s->c.max_flows;
	else if (strcmp(tok[1], "bindings") == 0)
		field = &s->c.max_bindings;
	else if (strcmp(tok[1], "pinholes") == 0)
		field = &s->c.max_pinholes;
	else if (strcmp(tok[1], "calls") == 0)
		field = &s->c.max_calls;
	else if (strcmp(tok[1], "frags") == 0)
		field = &s->c.max_frags;
	else if (strcmp(tok[1], "frags-per-source") == 0)
		field = &s->c.max_frags_per_src;
	else if (strcmp(tok[1], "signalling-per-source") == 0)
		field = &s->c.max_sig_per_source;
	else if (strcmp(tok[1], "pending-per-source") == 0)
		field = &s->c.max_pending_per_source;
	else if (strcmp(tok[1], "embryonic") == 0)
		field = &s->c.max_embryonic;
	else if (strcmp(tok[1], "directory") == 0)
		field = &s->c.max_directory;
	else if (strcmp(tok[1], "registrations") == 0)
		field = &s->c.max_registrations;
	else if (strcmp(tok[1], "route-pending") == 0)
		field = &s->c.max_route_pending;
	else if (strcmp(tok[1], "route-pending-per-source") == 0)
		field = &s->c.max_route_pending_per_source;
	else
		return fail(s,
			    "expected flows, bindings, pinholes, calls, frags, frags-per-source, embryonic, "
			    "signalling-per-source, pending-per-source, directory, registrations, route-pending or "
			    "route-pending-per-source",
			    tok[1]);
	unsigned long v;
	if (!parse_ul(tok[2], 1, COUNT_MAX, &v))
		return fail(s, "count must be a number from 1 to 16777216", tok[2]);
	*field = (uint32_t)v;
	return 0;
}

static int d_ports(struct pstate *s, char **tok, int n)
{
	if (!strchr(tok[1], '-'))
		return fail(s, "expected <low>-<high>", tok[1]);
	return parse_range(s, tok[1], &s->c.port_lo, &s->c.port_hi);
}

static int d_timeout(struct pstate *s, char **tok, int n)
{
	for (unsigned i = 0; i < mg_config_n_timeout_names; i++) {
		if (strcmp(tok[1], mg_config_timeout_names[i].name) != 0)
			continue;
		unsigned long v;
		if (!parse_ul(tok[2], 1, TIMEOUT_MAX, &v))
			return fail(s, "seconds must be a number from 1 to 31536000", tok[2]);
		uint32_t v32 = (uint32_t)v;
		memcpy((char *)&s->c.to + mg_config_timeout_names[i].off, &v32, sizeof(v32));
		return 0;
	}
	return fail(s, "unknown timeout name", tok[1]);
}

static int d_log_rate(struct pstate *s, char **tok, int n)
{
	unsigned long v;
	if (!parse_ul(tok[1], 0, LOG_RATE_MAX, &v))
		return fail(s, "rate must be a number from 0 to 1000000", tok[1]);
	s->c.log_rate = (uint32_t)v;
	return 0;
}

static int d_log_level(struct pstate *s, char **tok, int n)
{
	int l = mg_log_level_parse(tok[1]);
	if (l < 0)
		return fail(s, "level must be error, warning, notice, info or debug", tok[1]);
	s->c.log_level = (uint8_t)l;
	return 0;
}

/* alias <name> <inside-address>[:<port>] [pool]: a static directory entry.
 * Names are 1 to 47 printable characters without blanks or quotes (a '#'
 * cannot be written: it starts a comment); digits when all are 0-9 * #.
 * Names are compared as the directory compares them: without regard to
 * case, a url's "h323:" dropped, digits apart from names. */
static bool alias_same(const struct mg_alias_cfg *a, const char *name, uint8_t type)
{
	static const char scheme[] = "h323:";
	const char *x = a->name, *y = name;
	if (strncasecmp(x, scheme, sizeof(scheme) - 1) == 0)
		x += sizeof(scheme) - 1;
	if (strncasecmp(y, scheme, sizeof(scheme) - 1) == 0)
		y += sizeof(scheme) - 1;
	return a->type == type && strcasecmp(x, y) == 0;
}

static int d_alias(struct pstate *s, char **tok, int n)
{
	struct mg_alias_cfg a;
	memset(&a, 0, sizeof(a));
	size_t len = strlen(tok[1]);
	if (len >= MG_CFG_ALIAS_LEN)
		return fail(s, "alias longer than 47 characters", tok[1]);
	bool digits = true;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)tok[1][i];
		if (!isgraph(ch) || ch == '"' || ch == '\'')
			return fail(s, "bad character in alias (printable, no quotes)", tok[1]);
		if (!isdigit(ch) && ch != '*' && ch != '#')
			digits = false;
	}
	if (strncasecmp(tok[1], "h323:", 5) == 0 && len == 5)
		return fail(s, "empty alias after its h323: scheme", tok[1]);
	memcpy(a.name, tok[1], len + 1);
	a.type = digits ? MG_ALIAS_DIGITS : MG_ALIAS_NAME;
	const char *colon = strchr(tok[2], ':');
	a.port = 1720;
	if (colon) {
		if (split_addr(s, tok[2], colon, &a.addr) || parse_port(s, colon + 1, &a.port))
			return -1;
	} else if (!parse_ip4(tok[2], &a.addr) || a.addr == 0) {
		return fail(s, "expected <inside-address>[:<port>]", tok[2]);
	}
	if (n > 3) {
		if (strcmp(tok[3], "pool") != 0)
			return fail(s, "expected 'pool'", tok[3]);
		a.pool = true;
	}
	for (unsigned i = 0; i < s->c.n_alias; i++) {
		if (!alias_same(&s->c.alias[i], a.name, a.type))
			continue;
		char msg[64];
		snprintf(msg, sizeof(msg), "alias already given on line %u", s->c.alias[i].line);
		return fail(s, msg, tok[1]);
	}
	if (s->c.n_alias >= MG_CFG_MAX_ALIAS)
		return fail(s, "too many alias lines (at most 256)", tok[1]);
	a.line = s->line;
	s->c.alias[s->c.n_alias++] = a;
	return 0;
}

/* ---- the live gateway (doc/live.md) ---- */

/* Interface names as the kernel takes them: 1 to 15 bytes, printable, no
 * blank (the tokenizer ensures that), no '/' or ':', not "." or "..". */
static int d_interface(struct pstate *s, char **tok, int n)
{
	char *dst;
	if (strcmp(tok[1], "inside") == 0)
		dst = s->c.live.if_inside;
	else if (strcmp(tok[1], "outside") == 0)
		dst = s->c.live.if_outside;
	else
		return fail(s, "expected inside or outside", tok[1]);
	size_t len = strlen(tok[2]);
	if (len >= MG_CFG_IFNAME_MAX)
		return fail(s, "interface name longer than 15 characters", tok[2]);
	if (strcmp(tok[2], ".") == 0 || strcmp(tok[2], "..") == 0)
		return fail(s, "bad interface name", tok[2]);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)tok[2][i];
		if (ch == '/' || ch == ':' || ch == '"' || !isgraph(ch))
			return fail(s, "bad character in interface name", tok[2]);
	}
	memcpy(dst, tok[2], len + 1);
	return 0;
}

static int d_queue(struct pstate *s, char **tok, int n)
{
	unsigned long v;
	if (!parse_ul(tok[1], 0, 65535, &v))
		return fail(s, "queue must be a number from 0 to 65535", tok[1]);
	s->c.live.queue = (uint16_t)v;
	return 0;
}

/* datapath nfqueue | datapath afxdp [auto|native|generic] */
static int d_datapath(struct pstate *s, char **tok, int n)
{
	if (strcmp(tok[1], "nfqueue") == 0) {
		if (n > 2)
			return fail(s, "datapath nfqueue takes no mode", tok[2]);
		s->c.live.datapath = MG_DATAPATH_NFQUEUE;
		s->c.live.xdp_mode = MG_XDP_AUTO;
		return 0;
	}
	if (strcmp(tok[1], "afxdp") != 0)
		return fail(s, "expected nfqueue or afxdp", tok[1]);
	s->c.live.datapath = MG_DATAPATH_AFXDP;
	s->c.live.xdp_mode = MG_XDP_AUTO;
	if (n > 2) {
		if (strcmp(tok[2], "native") == 0)
			s->c.live.xdp_mode = MG_XDP_NATIVE;
		else if (strcmp(tok[2], "generic") == 0)
			s->c.live.xdp_mode = MG_XDP_GENERIC;
		else if (strcmp(tok[2], "auto") != 0)
			return fail(s, "expected auto, native or generic", tok[2]);
	}
	return 0;
}

static int d_fail(struct pstate *s, char **tok, int n)
{
	if (strcmp(tok[1], "open") == 0)
		s->c.live.fail_open = true;
	else if (strcmp(tok[1], "closed") == 0)
		s->c.live.fail_open = false;
	else
		return fail(s, "expected open or closed", tok[1]);
	return 0;
}

/* An absolute path that fits a UNIX socket address. */
static int d_control(struct pstate *s, char **tok, int n)
{
	size_t len = strlen(tok[1]);
	if (tok[1][0] != '/')
		return fail(s, "control socket path must be absolute", tok[1]);
	if (len >= MG_CFG_PATH_MAX)
		return fail(s, "control socket path longer than 107 bytes", tok[1]);
	memcpy(s->c.live.control, tok[1], len + 1);
	return 0;
}

/* Who sets the kernel settings the gateway needs (src/io/sysctl.h). */
static int d_sysctl(struct pstate *s, char **tok, int n)
{
	if (strcmp(tok[1], "manage") == 0)
		s->c.live.sysctl_keep = false;
	else if (strcmp(tok[1], "keep") == 0)
		s->c.live.sysctl_keep = true;
	else
		return fail(s, "expected manage or keep", tok[1]);
	return 0;
}

/* The Prometheus endpoint: "<ipv4>:<port>" or "off". */
static int d_metrics(struct pstate *s, char **tok, int n)
{
	if (strcmp(tok[1], "off") == 0) {
		s->c.live.metrics_addr = 0;
		s->c.live.metrics_port = 0;
		return 0;
	}
	const char *colon = strchr(tok[1], ':');
	if (colon == NULL)
		return fail(s, "expected <ipv4>:<port> or off", tok[1]);
	if (split_addr(s, tok[1], colon, &s->c.live.metrics_addr) ||
	    parse_port(s, colon + 1, &s->c.live.metrics_port))
		return -1;
	return 0;
}

/* route h323 [<public-address>] */
static int d_route(struct pstate *s, char **tok, int n)
{
	if (strcmp(tok[1], "h323") != 0)
		return fail(s, "expected h323", tok[1]);
	if (s->route_line == 0)
		s->route_line = s->line;
	if (n < 3) {
		s->c.route_all = true;
		return 0;
	}
	uint32_t addr;
	if (!parse_ip4(tok[2], &addr) || addr == 0)
		return fail(s, "bad IPv4 address", tok[2]);
	for (unsigned i = 0; i < s->c.n_route; i++)
		if (s->c.route_addr[i] == addr)
			return fail(s, "duplicate route address", tok[2]);
	if (s->c.n_route >= MG_CFG_MAX_PUBLIC)
		return fail(s, "too many route lines", tok[2]);
	s->c.route_addr[s->c.n_route++] = addr;
	return 0;
}

struct directive {
	const char *name;
	int (*fn)(struct pstate *s, char **tok, int n);
	int min_args, max_args;
};

static const struct directive directives[] = {
	{"inside", d_inside, 1, 1},   {"public", d_public, 1, 1},   {"forward", d_forward, 4, 4},
	{"allow", d_allow, 2, 3},     {"nat", d_nat, 1, 1},         {"alg", d_alg, 2, 2},
	{"max", d_max, 2, 2},         {"ports", d_ports, 1, 1},     {"timeout", d_timeout, 2, 2},
	{"log-rate", d_log_rate, 1, 1}, {"alias", d_alias, 2, 3},
	{"log-level", d_log_level, 1, 1},
	{"interface", d_interface, 2, 2}, {"queue", d_queue, 1, 1}, {"fail", d_fail, 1, 1},
	{"datapath", d_datapath, 1, 2},
	{"control", d_control, 1, 1}, {"sysctl", d_sysctl, 1, 1}, {"metrics", d_metrics, 1, 1},
	{"route", d_route, 1, 2},     {"pool", d_pool, 1, 1},
	{"ras", d_ras, 2, 2},
};

/* One line, NUL-terminated and writable, comment included. */
static int parse_line(struct pstate *s, char *line)
{
	char *tok[MAX_TOKENS];
	int n = 0;
	char *hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	for (char *p = line;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\v' || *p == '\f')
			p++;
		if (*p == '\0')
			break;
		if (n == MAX_TOKENS)
			return fail(s, "too many tokens", p);
		tok[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\v' && *p != '\f')
			p++;
		if (*p)
			*p++ = '\0';
	}
	if (n == 0)
		return 0;
	for (size_t i = 0; i < sizeof(directives) / sizeof(directives[0]); i++) {
		const struct directive *d = &directives[i];
		if (strcmp(tok[0], d->name) != 0)
			continue;
		if (n - 1 < d->min_args)
			return fail(s, "missing argument after", tok[n - 1]);
		if (n - 1 > d->max_args)
			return fail(s, "extra argument", tok[d->max_args + 1]);
		return d->fn(s, tok, n);
	}
	return fail(s, "unknown directive", tok[0]);
}

/* A network-order address as dotted decimal; buf holds 16 bytes. */
static const char *ip_text(uint32_t addr, char *buf)
{
	uint8_t b[4];
	memcpy(b, &addr, sizeof(b));
	snprintf(buf, 16, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	return buf;
}

/* An error about the file as a whole: "name: message 'token'". */
static int fail_file(struct pstate *s, const char *msg, const char *tok)
{
	if (s->err && s->errlen)
		snprintf(s->err, s->errlen, "%s: %s%s%s%s", s->name, msg, tok ? " '" : "",
			 tok ? tok : "", tok ? "'" : "");
	return -1;
}

/* Checks that need the whole file.  Missing addresses come first: every
 * later check reads them. */
static int parse_finish(struct pstate *s)
{
	const struct mg_config *c = &s->c;
	char ip[16];
	if (c->n_inside == 0)
		return fail_file(s, "no 'inside' line: name the inside network, for example",
				 "inside 198.18.1.0/24");
	if (c->n_public == 0)
		return fail_file(s, "no 'public' line: name the gateway's outside address, for example",
				 "public 198.19.0.1");
	for (unsigned i = 0; i < c->n_forward; i++) {
		const struct mg_forward *f = &c->forward[i];
		s->line = s->forward_line[i];
		if (f->pub_addr && !mg_config_is_public(c, f->pub_addr))
			return fail(s, "forward address is not a 'public' address",
				    ip_text(f->pub_addr, ip));
		if (c->nat && !mg_config_is_inside(c, f->to_addr))
			return fail(s, "forward target is not inside", ip_text(f->to_addr, ip));
	}
	for (unsigned i = 0; i < c->n_public; i++)
		if (mg_config_is_inside(c, c->public_addr[i]))
			return fail_file(s, "public address lies inside",
					 ip_text(c->public_addr[i], ip));
	if (c->n_pool && !c->nat) {
		s->line = s->pool_line[0];
		return fail(s, "a pool needs NAT: remove 'nat off' or the line", "pool");
	}
	for (unsigned i = 0; i < c->n_pool; i++) {
		s->line = s->pool_line[i];
		if (mg_config_is_public(c, c->pool_addr[i]))
			return fail(s, "pool address is a 'public' address", ip_text(c->pool_addr[i], ip));
		if (mg_config_is_inside(c, c->pool_addr[i]))
			return fail(s, "pool address lies inside", ip_text(c->pool_addr[i], ip));
	}
	for (unsigned i = 0; i < c->n_alias; i++) {
		s->line = c->alias[i].line;
		if (!mg_config_is_inside(c, c->alias[i].addr))
			return fail(s, "alias address is not inside", ip_text(c->alias[i].addr, ip));
	}
	if (c->n_alias > c->max_directory) {
		char n[16];
		snprintf(n, sizeof(n), "%u", (unsigned)c->max_directory);
		return fail_file(s, "more alias lines than max directory", n);
	}
	if (c->route_all || c->n_route) {
		s->line = s->route_line;
		for (unsigned i = 0; i < c->n_route; i++)
			if (!mg_config_is_public(c, c->route_addr[i]))
				return fail(s, "route address is not a 'public' address",
					    ip_text(c->route_addr[i], ip));
		if (!c->nat)
			return fail(s, "inbound routing needs NAT: remove 'nat off' or the line", "route");
		if (!c->alg_h323)
			return fail(s, "inbound routing needs the H.323 ALG: remove 'alg h323 off' or the line",
				    "route");
	}
	return 0;
}

int mg_config_parse_string(struct mg_config *c, const char *text, const char *name, char *err,
			   size_t errlen)
{
	struct pstate s;
	memset(&s, 0, sizeof(s));
	mg_config_defaults(&s.c);
	s.c.n_inside = 0;
	s.c.n_public = 0;
	s.name = name ? name : "-";
	s.err = err;
	s.errlen = errlen;
	if (err && errlen)
		err[0] = '\0';
	/* Lines are cut from the text through the cursor into a bounded
	 * buffer; tokens are then NUL-terminated strings inside that buffer. */
	struct mg_cur cur;
	mg_cur_init(&cur, text, strlen(text));
	while (mg_cur_bytes_left(&cur) > 0) {
		char line[LINE_MAX_LEN];
		size_t len = 0;
		bool too_long = false;
		s.line++;
		while (mg_cur_bytes_left(&cur) > 0) {
			uint8_t ch = mg_cur_u8(&cur);
			if (ch == '\n')
				break;
			if (len < sizeof(line) - 1)
				line[len++] = (char)ch;
			else
				too_long = true;
		}
		line[len] = '\0';
		if (too_long) {
			line[40] = '\0';
			return fail(&s, "line too long, it starts", line);
		}
		if (parse_line(&s, line))
			return -1;
	}
	if (parse_finish(&s))
		return -1;
	*c = s.c;
	return 0;
}

int mg_config_parse_file(struct mg_config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	char *buf = malloc(FILE_MAX + 1);
	int rc = -1;
	if (!buf) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		goto close_file;
	}
	size_t n = fread(buf, 1, FILE_MAX + 1, f);
	if (ferror(f)) {
		if (err && errlen)
			snprintf(err, errlen, "%s: read error", path);
	} else if (n > FILE_MAX) {
		if (err && errlen)
			snprintf(err, errlen, "%s: larger than %u bytes", path, FILE_MAX);
	} else if (memchr(buf, '\0', n)) {
		if (err && errlen)
			snprintf(err, errlen, "%s: contains a NUL byte", path);
	} else {
		buf[n] = '\0';
		rc = mg_config_parse_string(c, buf, path, err, errlen);
	}
	free(buf);
close_file:
	fclose(f);
	return rc;
}
