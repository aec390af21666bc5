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
#include "proto/walk.h"

/* iPAddress / iP6Address SEQUENCE; nlen is 4 or 16. */
static bool ip_seq(struct mg_walk *w, struct mg_cur *c, uint32_t nlen, uint8_t field)
{
	uint32_t n;
	bool ext = mg_cur_bit(c);
	const uint8_t *net = mg_per_octets(c, nlen, nlen, false, &n);
	uint16_t port = (uint16_t)mg_per_constrained(c, 0, 65535);
	if (!mg_walk_ok(w, c, "h245 iPAddress"))
		return false;
	/* The rewrite patches net[0 .. nlen+2) in place: make sure that is
	 * exactly what was decoded. */
	if (mg_cur_ptr(c) != net + nlen + 2)
		return mg_walk_fail(w, MG_R_ALG_H245_BAD, "h245 iPAddress layout");
	if (ext)
		mg_per_skip_extensions(c);
	if (!mg_walk_ok(w, c, "h245 iPAddress extensions"))
		return false;
	return mg_walk_addr(w, net, nlen == 4 ? 4 : 6, port, field, "h245 transport address count");
}

static bool unicast(struct mg_walk *w, struct mg_cur *c, uint8_t field)
{
	bool ext;
	uint32_t n;
	uint32_t i = mg_per_choice(c, 5, true, &ext);
	if (!mg_walk_ok(w, c, "h245 UnicastAddress"))
		return false;
	if (ext) { /* nsap, nonStandardAddress */
		return mg_walk_skip_open(w, c, "h245 UnicastAddress extension");
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
	return mg_walk_ok(w, c, "h245 UnicastAddress");
}

static bool multicast(struct mg_walk *w, struct mg_cur *c, uint8_t field)
{
	bool ext;
	uint32_t i = mg_per_choice(c, 2, true, &ext);
	if (!mg_walk_ok(w, c, "h245 MulticastAddress"))
		return false;
	if (ext) {
		return mg_walk_skip_open(w, c, "h245 MulticastAddress extension");
	}
	return ip_seq(w, c, i == 0 ? 4 : 16, field);
}

bool mg_h245_transport_addr(struct mg_walk *w, struct mg_cur *c, uint8_t field)
{
	bool ext;
	uint32_t i = mg_per_choice(c, 2, true, &ext);
	if (!mg_walk_ok(w, c, "h245 TransportAddress"))
		return false;
	if (ext) {
		return mg_walk_skip_open(w, c, "h245 TransportAddress extension");
	}
	return i == 0 ? unicast(w, c, field) : multicast(w, c, field);
}
