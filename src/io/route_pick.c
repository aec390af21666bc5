/* route_pick.c - which interfaces `meetgate run` uses when the file does not
 * say (route.h).  Only the decision: the kernel is asked through the ops. */
#include "io/route.h"

#include <stdio.h>
#include <string.h>

#define IP_MAX 16   /* "255.255.255.255" */
#define TEXT_MAX 24 /* and "/32" */

static const char *ip_text(uint32_t addr, char *buf)
{
	const uint8_t *b = (const uint8_t *)&addr;
	snprintf(buf, IP_MAX, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	return buf;
}

static const char *prefix_text(const struct mg_prefix4 *p, char *buf)
{
	char ip[IP_MAX];
	snprintf(buf, TEXT_MAX, "%s/%d", ip_text(p->addr, ip), __builtin_popcount(p->mask));
	return buf;
}

static int name_of(const struct mg_route_ops *ops, unsigned ifindex, char *name, char *err,
		   size_t errlen)
{
	if (ops->if_name(ops->ctx, ifindex, name) == 0)
		return 0;
	snprintf(err, errlen, "interface index %u has no name", ifindex);
	return -1;
}

/* Every prefix's route must leave by the same interface: a gateway with
 * inside networks on two interfaces needs the `interface inside` line (and
 * meetgate handles one inside interface). */
static int pick_inside(const struct mg_config *c, struct mg_config_live *live,
		       const struct mg_route_ops *ops, char *why, char *err, size_t errlen)
{
	char what[TEXT_MAX], other[TEXT_MAX], sub[256];
	char name[MG_CFG_IFNAME_MAX], name2[MG_CFG_IFNAME_MAX];
	unsigned first = 0;

	for (unsigned i = 0; i < c->n_inside && i < MG_CFG_MAX_INSIDE; i++) {
		unsigned ifx;
		prefix_text(&c->inside[i], what);
		if (ops->route_oif(ops->ctx, c->inside[i].addr, &ifx, sub, sizeof(sub)) != 0) {
			snprintf(err, errlen,
				 "cannot derive the inside interface from the route to inside %s: "
				 "%s; name it with 'interface inside <name>'",
				 what, sub);
			return -1;
		}
		if (i == 0) {
			first = ifx;
			continue;
		}
		if (ifx == first)
			continue;
		if (name_of(ops, first, name, err, errlen) || name_of(ops, ifx, name2, err, errlen))
			return -1;
		snprintf(err, errlen,
			 "cannot derive the inside interface: inside %s is routed out of %s, "
			 "inside %s out of %s; name it with 'interface inside <name>'",
			 prefix_text(&c->inside[0], other), name, what, name2);
		return -1;
	}
	if (name_of(ops, first, live->if_inside, err, errlen))
		return -1;
	prefix_text(&c->inside[0], what);
	if (c->n_inside > 1)
		snprintf(why, MG_ROUTE_WHY_MAX, "routes to %s and %u more inside prefixes", what,
			 c->n_inside - 1);
	else
		snprintf(why, MG_ROUTE_WHY_MAX, "route to %s", what);
	return 0;
}

/* The interface that holds the address, or the one its route leaves by (a
 * public address routed to the gateway from upstream). */
static int pick_outside(const struct mg_config *c, struct mg_config_live *live,
			const struct mg_route_ops *ops, char *why, char *err, size_t errlen)
{
	char ip[IP_MAX], sub[256];
	unsigned ifx;
	uint32_t pub = c->public_addr[0];

	ip_text(pub, ip);
	int held = ops->addr_if(ops->ctx, pub, &ifx, sub, sizeof(sub));
	if (held == 0 && ops->route_oif(ops->ctx, pub, &ifx, sub, sizeof(sub)) != 0)
		held = -1;
	if (held < 0) {
		snprintf(err, errlen,
			 "cannot derive the outside interface from public %s: %s; "
			 "name it with 'interface outside <name>'",
			 ip, sub);
		return -1;
	}
	if (name_of(ops, ifx, live->if_outside, err, errlen))
		return -1;
	snprintf(why, MG_ROUTE_WHY_MAX, "%s %s", held == 1 ? "holds" : "route to", ip);
	return 0;
}

int mg_route_pick(const struct mg_config *c, struct mg_config_live *live,
		  const struct mg_route_ops *ops, char *why_inside, char *why_outside, char *err,
		  size_t errlen)
{
	why_inside[0] = why_outside[0] = '\0';
	if (c->n_inside == 0 || c->n_public == 0) {
		snprintf(err, errlen, "no inside prefix or public address to derive interfaces from");
		return -1;
	}
	if (live->if_inside[0] == '\0' &&
	    pick_inside(c, live, ops, why_inside, err, errlen) != 0)
		return -1;
	if (live->if_outside[0] == '\0' &&
	    pick_outside(c, live, ops, why_outside, err, errlen) != 0)
		return -1;
	if ((why_inside[0] || why_outside[0]) && strcmp(live->if_inside, live->if_outside) == 0) {
		snprintf(err, errlen,
			 "inside and outside both resolve to interface %s (inside: %s, outside: "
			 "%s); name them with 'interface inside <name>' and 'interface outside "
			 "<name>'",
			 live->if_inside, why_inside[0] ? why_inside : "given",
			 why_outside[0] ? why_outside : "given");
		return -1;
	}
	return 0;
}
