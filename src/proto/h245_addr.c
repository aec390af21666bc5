/* h245_addr.c - H.245 TransportAddress: find and record IP addresses.
 *
 * TransportAddress ::= CHOICE { unicastAddress UnicastAddress,
 *                               multicastAddress MulticastAddress, ... }
 * The iPAddress / iP6Address forms are SEQUENCE { network OCTET STRING
 * (SIZE(4 or 16)), tsapIdentifier INTEGER (0..65535), ... }: in aligned PER
 * the network octets are octet-aligned and the port is the 2 octets right
 * after them, which is what makes an in-place IPv4 rewrite possible.  The
 * other forms (IPX, NetBIOS, source route, nsap, non-standard) are skipped.
 */
#include <string.h>

#include "proto/h245_walk.h"

static bool record(struct mg_h245_walk *w, const uint8_t *net, uint8_t family, uint16_t port, uint8_t field)
{
	struct mg_h323_scan *s = w->s;
	if (s->n_addr >= MG_H323_MAX_ADDRS)
		return mg_h245_fail(w, MG_R_ALG_LIMIT, "h245 transport address count");
	struct mg_h323_addr *a = &s->addr[s->n_addr++];
	memset(a, 0, sizeof *a);
	a->off = (uint32_t)(net - s->top);
	a->family = family;
	a->field = field;
	a->container = w->container;
	a->h245 = w->kind;
	a->part = w->part;
	a->media = w->media;
	a->session_id = w->session_id;
	a->lcn = w->lcn;
	if (family == 4)
		memcpy(a->ip, net, 4);
	a->port = port;
	return true;
}

/* iPAddress / iP6Address SEQUENCE; nlen is 4 or 16. */
static bool ip_seq(struct mg_h245_walk *w, struct mg_cur *c, uint32_t nlen, uint8_t field)
{
	uint32_t n;
	bool ext = mg_cur_bit(c);
	const uint8_t *net = mg_per_octets(c, nlen, nlen, false, &n);
	uint16_t port = (uint16_t)mg_per_constrained(c, 0, 65535);
	if (!mg_h245_ok(w, c, "h245 iPAddress"))
		return false;
	/* The rewrite patches net[0 .. nlen+2) in place: make sure that is
	 * exactly what was decoded. */
	if (mg_cur_ptr(c) != net + nlen + 2)
		return mg_h245_fail(w, MG_R_ALG_H245_BAD, "h245 iPAddress layout");
	if (ext)
		mg_per_skip_extensions(c);
	if (!mg_h245_ok(w, c, "h245 iPAddress extensions"))
		return false;
	return record(w, net, nlen == 4 ? 4 : 6, port, field);
}

static bool unicast(struct mg_h245_walk *w, struct mg_cur *c, uint8_t field)
{
	bool ext;
	uint32_t n;
	uint32_t i = mg_per_choice(c, 5, true, &ext);
	if (!mg_h245_ok(w, c, "h245 UnicastAddress"))
		return false;
	if (ext) { /* nsap, nonStandardAddress */
		mg_per_skip_open_type(c);
		return mg_h245_ok(w, c, "h245 UnicastAddress extension");
	}
	switch (i) {
	case 0:
		return ip_seq(w, c, 4, field);
	case 2:
		return ip_seq(w, c, 16, field);
	case 1: { /* iPXAddress { node (6), netnum (4), tsapIdentifier OCTET STRING (SIZE(2)), ... } */
		bool e = mg_cur_bit(c);
		(void)mg_per_octets(c, 6, 6, false, &n);
		(void)mg_per_octets(c, 4, 4, false, &n);
		mg_cur_skip_bits(c, 16); /* fixed size 2: not aligned */
		if (e)
			mg_per_skip_extensions(c);
		break;
	}
	case 3: /* netBios OCTET STRING (SIZE(16)) */
		(void)mg_per_octets(c, 16, 16, false, &n);
		break;
	default: { /* iPSourceRouteAddress { routing, network, tsapIdentifier, route, ... } */
		bool e = mg_cur_bit(c);
		mg_cur_skip_bits(c, 1);
		(void)mg_per_octets(c, 4, 4, false, &n);
		(void)mg_per_constrained(c, 0, 65535);
		uint32_t hops = mg_per_length(c); /* SEQUENCE OF OCTET STRING (SIZE(4)) */
		mg_cur_skip(c, (size_t)hops * 4);
		if (e)
			mg_per_skip_extensions(c);
		break;
	}
	}
	return mg_h245_ok(w, c, "h245 UnicastAddress");
}

static bool multicast(struct mg_h245_walk *w, struct mg_cur *c, uint8_t field)
{
	bool ext;
	uint32_t i = mg_per_choice(c, 2, true, &ext);
	if (!mg_h245_ok(w, c, "h245 MulticastAddress"))
		return false;
	if (ext) {
		mg_per_skip_open_type(c);
		return mg_h245_ok(w, c, "h245 MulticastAddress extension");
	}
	return ip_seq(w, c, i == 0 ? 4 : 16, field);
}

bool mg_h245_transport_addr(struct mg_h245_walk *w, struct mg_cur *c, uint8_t field)
{
	bool ext;
	uint32_t i = mg_per_choice(c, 2, true, &ext);
	if (!mg_h245_ok(w, c, "h245 TransportAddress"))
		return false;
	if (ext) {
		mg_per_skip_open_type(c);
		return mg_h245_ok(w, c, "h245 TransportAddress extension");
	}
	return i == 0 ? unicast(w, c, field) : multicast(w, c, field);
}
