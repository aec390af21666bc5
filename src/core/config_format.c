/* config_format.c - render a configuration in file syntax.
 *
 * Every setting is written out, defaults included, so the output read back
 * by mg_config_parse_string gives the same configuration.  An allow list
 * that is still the built-in default is written as comments: reading it back
 * keeps allow_set false.
 */
#include "core/config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/pkt.h"

struct out {
	char *buf;
	size_t len;  /* bytes of buf */
	size_t need; /* bytes the whole text takes so far, NUL excluded */
	bool bad;    /* a formatting error (never expected) */
};

/* Appends while there is room; counts the full length either way, so the
 * result can say how much room the whole text needs. */
__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n;
	if (o->need < o->len)
		n = vsnprintf(o->buf + o->need, o->len - o->need, fmt, ap);
	else
		n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		o->bad = true;
	else
		o->need += (size_t)n;
}

/* A network-order IPv4 address as dotted decimal; buf holds 16 bytes. */
static const char *ip_str(uint32_t a, char *buf)
{
	uint8_t b[4];
	memcpy(b, &a, sizeof(b));
	snprintf(buf, 16, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	return buf;
}

static unsigned prefix_len(uint32_t mask)
{
	uint8_t b[4];
	unsigned n = 0;
	memcpy(b, &mask, sizeof(b));
	for (int i = 0; i < 4; i++)
		for (int bit = 7; bit >= 0; bit--)
			n += (b[i] >> bit) & 1;
	return n;
}

static const char *proto_name(uint8_t proto)
{
	switch (proto) {
	case MG_PROTO_TCP:
		return "tcp";
	case MG_PROTO_UDP:
		return "udp";
	case MG_PROTO_ICMP:
		return "icmp";
	default:
		return "any";
	}
}

static void put_ports(struct out *o, uint16_t lo, uint16_t hi)
{
	if (lo == hi)
		put(o, "%u", lo);
	else
		put(o, "%u-%u", lo, hi);
}

static void put_allow(struct out *o, const struct mg_allow *a, const char *prefix)
{
	put(o, "%sallow outbound %s", prefix, proto_name(a->proto));
	if (a->proto == MG_PROTO_TCP || a->proto == MG_PROTO_UDP) {
		put(o, " ");
		put_ports(o, a->lo, a->hi);
	}
	put(o, "\n");
}

static uint32_t host_order(uint32_t a)
{
	uint8_t b[4];
	memcpy(b, &a, sizeof(b));
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* `pool` lines, consecutive addresses (in the order given) as one range. */
static void put_pool(struct out *o, const struct mg_config *c)
{
	char a[16], b[16];
	unsigned n = c->n_pool < MG_CFG_MAX_POOL ? c->n_pool : MG_CFG_MAX_POOL;
	for (unsigned i = 0; i < n;) {
		unsigned j = i;
		while (j + 1 < n && host_order(c->pool_addr[j + 1]) == host_order(c->pool_addr[j]) + 1)
			j++;
		if (j == i)
			put(o, "pool %s\n", ip_str(c->pool_addr[i], a));
		else
			put(o, "pool %s-%s\n", ip_str(c->pool_addr[i], a), ip_str(c->pool_addr[j], b));
		i = j + 1;
	}
}

static void put_addresses(struct out *o, const struct mg_config *c)
{
	char ip[16];
	for (unsigned i = 0; i < c->n_inside && i < MG_CFG_MAX_INSIDE; i++)
		put(o, "inside %s/%u\n", ip_str(c->inside[i].addr, ip), prefix_len(c->inside[i].mask));
	for (unsigned i = 0; i < c->n_public && i < MG_CFG_MAX_PUBLIC; i++)
		put(o, "public %s\n", ip_str(c->public_addr[i], ip));
	put_pool(o, c);
	for (unsigned i = 0; i < c->n_forward && i < MG_CFG_MAX_FORWARD; i++) {
		const struct mg_forward *f = &c->forward[i];
		put(o, "forward %s ", proto_name(f->proto));
		if (f->pub_addr)
			put(o, "%s:", ip_str(f->pub_addr, ip));
		put_ports(o, f->pub_port, f->pub_port_hi);
		put(o, " to %s:%u\n", ip_str(f->to_addr, ip), f->to_port);
	}
	for (unsigned i = 0; i < c->n_alias && i < MG_CFG_MAX_ALIAS; i++) {
		const struct mg_alias_cfg *a = &c->alias[i];
		put(o, "alias %.47s %s", a->name, ip_str(a->addr, ip));
		if (a->port != 1720)
			put(o, ":%u", a->port);
		put(o, "%s\n", a->pool ? " pool" : "");
	}
	if (c->route_all)
		put(o, "route h323\n");
	for (unsigned i = 0; i < c->n_route && i < MG_CFG_MAX_PUBLIC; i++) {
		put(o, "route h323 %s\n", ip_str(c->route_addr[i], ip));
	}
}

static void put_policy(struct out *o, const struct mg_config *c)
{
	if (!c->allow_set)
		put(o, "# no allow line given: the built-in NetMeeting list (KB 158623)\n");
	for (unsigned i = 0; i < c->n_allow && i < MG_CFG_MAX_ALLOW; i++)
		put_allow(o, &c->allow[i], c->allow_set ? "" : "# ");
	put(o, "nat %s\n", c->nat ? "on" : "off");
	put(o, "alg h323 %s\n", c->alg_h323 ? "on" : "off");
	put(o, "alg ras %s\n", c->alg_ras ? "on" : "off");
	put(o, "alg h460 %s\n", mg_h460_policy_name(c->h460));
	put(o, "ras reachable %s\n", c->ras_reachable_gk ? "gatekeeper" : "any");
	put(o, "alg untranslatable %s\n", c->untranslatable == MG_UNTRANS_PASS ? "pass" : "drop");
	put(o, "alg media-source %s\n", mg_media_source_name(c->media_source));
	put(o, "alg malformed-outside %s\n", c->malformed_outside_drop ? "drop" : "pass");
}

static void put_limits(struct out *o, const struct mg_config *c)
{
	put(o, "max flows %u\n", c->max_flows);
	put(o, "max bindings %u\n", c->max_bindings);
	put(o, "max pinholes %u\n", c->max_pinholes);
	put(o, "max calls %u\n", c->max_calls);
	put(o, "max frags %u\n", c->max_frags);
	put(o, "max embryonic %u\n", c->max_embryonic);
	put(o, "max directory %u\n", c->max_directory);
	put(o, "max registrations %u\n", c->max_registrations);
	put(o, "max route-pending %u\n", c->max_route_pending);
	put(o, "max route-pending-per-source %u\n", c->max_route_pending_per_source);
	put(o, "max signalling-per-source %u\n", c->max_sig_per_source);
	put(o, "max pending-per-source %u\n", c->max_pending_per_source);
	put(o, "max frags-per-source %u\n", c->max_frags_per_src);
	put(o, "ports %u-%u\n", c->port_lo, c->port_hi);
	for (unsigned i = 0; i < mg_config_n_timeout_names; i++) {
		uint32_t v;
		memcpy(&v, (const char *)&c->to + mg_config_timeout_names[i].off, sizeof(v));
		put(o, "timeout %s %u\n", mg_config_timeout_names[i].name, v);
	}
	put(o, "log-rate %u\n", c->log_rate);
	put(o, "log-level %s\n", mg_log_level_name(c->log_level));
}

/* Interface lines only when given: there is no default interface. */
static void put_live(struct out *o, const struct mg_config *c)
{
	const struct mg_config_live *l = &c->live;
	if (l->if_inside[0])
		put(o, "interface inside %.15s\n", l->if_inside);
	if (l->if_outside[0])
		put(o, "interface outside %.15s\n", l->if_outside);
	put(o, "queue %u\n", l->queue);
	put(o, "fail %s\n", l->fail_open ? "open" : "closed");
	if (l->datapath == MG_DATAPATH_AFXDP) { /* only when chosen: the default prints nothing new */
		static const char *const mode[] = {"", " native", " generic"};
		put(o, "datapath afxdp%s\n", l->xdp_mode <= MG_XDP_GENERIC ? mode[l->xdp_mode] : "");
	}
	put(o, "control %.107s\n", l->control);
	put(o, "sysctl %s\n", l->sysctl_keep ? "keep" : "manage");
	if (l->metrics_port) { /* only when on: the default prints nothing new */
		const uint8_t *a = (const uint8_t *)&l->metrics_addr;
		put(o, "metrics %u.%u.%u.%u:%u\n", a[0], a[1], a[2], a[3], l->metrics_port);
	}
}

int mg_config_format(const struct mg_config *c, char *out, size_t outlen)
{
	struct out o = {out, out ? outlen : 0, 0, false};
	if (o.len)
		out[0] = '\0';
	put(&o, "# meetgate effective configuration\n");
	put_addresses(&o, c);
	put_policy(&o, c);
	put_limits(&o, c);
	put_live(&o, c);
	if (o.bad || o.need > INT_MAX)
		return -1;
	return (int)o.need;
}
