/* tuple_str.c - a flow key (and its protocol) as log lines and tables show it. */
#include <arpa/inet.h>
#include <stdio.h>

#include "core/pkt.h"

const char *mg_proto_name(uint8_t proto)
{
	switch (proto) {
	case MG_PROTO_TCP:
		return "tcp";
	case MG_PROTO_UDP:
		return "udp";
	case MG_PROTO_ICMP:
		return "icmp";
	case MG_PROTO_ICMP6:
		return "icmpv6";
	default:
		return "unknown";
	}
}

static void addr(char *out, size_t n, const struct mg_tuple *t, const union mg_addr *a)
{
	int af = t->family == MG_AF_INET6 ? AF_INET6 : AF_INET;
	if (!inet_ntop(af, a->b, out, (socklen_t)n))
		snprintf(out, n, "?");
}

void mg_tuple_str(const struct mg_tuple *t, char *out, size_t n)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	addr(s, sizeof(s), t, &t->src);
	addr(d, sizeof(d), t, &t->dst);
	const char *l = t->family == MG_AF_INET6 ? "[" : "", *r = t->family == MG_AF_INET6 ? "]" : "";
	snprintf(out, n, "%s %s%s%s:%u -> %s%s%s:%u", mg_proto_name(t->proto), l, s, r, t->sport, l, d, r,
		 t->dport);
}
