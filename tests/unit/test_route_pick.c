/* test_route_pick.c - interfaces from the routes, with a fake kernel: the
 * lab's gateway, lan0 (index 2) holding 198.18.1.1/24 and wan0 (index 3)
 * holding 198.19.0.1/24, nothing else routed. */
#include "harness.h"

#include <errno.h>

#include "core/config.h"
#include "io/route.h"

static uint32_t ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t x[4] = {a, b, c, d};
	uint32_t v;
	memcpy(&v, x, 4);
	return v;
}

static int fake_route(void *ctx, uint32_t addr, unsigned *ifindex, char *err, size_t errlen)
{
	const uint8_t *b = (const uint8_t *)&addr;
	if (b[0] == 198 && b[1] == 18 && b[2] == 1) {
		*ifindex = 2;
		return 0;
	}
	if (b[0] == 198 && b[1] == 19 && b[2] == 0) {
		*ifindex = 3;
		return 0;
	}
	snprintf(err, errlen, "no route to %u.%u.%u.%u: %s", b[0], b[1], b[2], b[3],
		 strerror(ENETUNREACH));
	return -1;
}

static int fake_addr(void *ctx, uint32_t addr, unsigned *ifindex, char *err, size_t errlen)
{
	if (addr == ip(198, 19, 0, 1)) {
		*ifindex = 3;
		return 1;
	}
	return 0;
}

static int fake_name(void *ctx, unsigned ifindex, char *name)
{
	if (ifindex != 2 && ifindex != 3)
		return -1;
	strcpy(name, ifindex == 2 ? "lan0" : "wan0");
	return 0;
}

static const struct mg_route_ops fake = {fake_route, fake_addr, fake_name, NULL};

static char err[512], why_in[MG_ROUTE_WHY_MAX], why_out[MG_ROUTE_WHY_MAX];

static int pick(struct mg_config *c, const char *text)
{
	if (mg_config_parse_string(c, text, "t.conf", err, sizeof(err)) != 0)
		return -2;
	return mg_route_pick(c, &c->live, &fake, why_in, why_out, err, sizeof(err));
}

TEST(route_pick_lab_interfaces)
{
	static struct mg_config c;
	CHECK_EQ(pick(&c, "inside 198.18.1.0/24\npublic 198.19.0.1\n"), 0);
	CHECK(strcmp(c.live.if_inside, "lan0") == 0);
	CHECK(strcmp(c.live.if_outside, "wan0") == 0);
	CHECK(strcmp(why_in, "route to 198.18.1.0/24") == 0);
	CHECK(strcmp(why_out, "holds 198.19.0.1") == 0);
	/* a public address routed to the gateway, not held by it */
	CHECK_EQ(pick(&c, "inside 198.18.1.0/25\ninside 198.18.1.128/25\npublic 198.19.0.9\n"), 0);
	CHECK(strcmp(why_out, "route to 198.19.0.9") == 0);
	CHECK(strcmp(why_in, "routes to 198.18.1.0/25 and 1 more inside prefixes") == 0);
	/* a side the file names stays */
	CHECK_EQ(pick(&c, "inside 198.18.1.0/24\npublic 198.19.0.1\ninterface inside br7\n"), 0);
	CHECK(strcmp(c.live.if_inside, "br7") == 0);
	CHECK_EQ(why_in[0], '\0');
	CHECK(strcmp(c.live.if_outside, "wan0") == 0);
}

TEST(route_pick_refuses_ambiguity)
{
	static struct mg_config c;
	/* prefixes routed out of different interfaces */
	CHECK_EQ(pick(&c, "inside 198.18.1.0/24\ninside 198.19.0.128/25\npublic 198.19.0.1\n"), -1);
	CHECK(strcmp(err, "cannot derive the inside interface: inside 198.18.1.0/24 is routed out "
			  "of lan0, inside 198.19.0.128/25 out of wan0; name it with 'interface "
			  "inside <name>'") == 0);
	/* no route */
	CHECK_EQ(pick(&c, "inside 198.18.200.0/24\npublic 198.19.0.1\n"), -1);
	CHECK(strstr(err, "cannot derive the inside interface from the route to inside "
			  "198.18.200.0/24: no route to 198.18.200.0") == err);
	CHECK_EQ(pick(&c, "inside 198.18.1.0/24\npublic 198.18.9.1\n"), -1);
	CHECK(strstr(err, "cannot derive the outside interface from public 198.18.9.1: no route") ==
	      err);
	/* both sides on one interface */
	CHECK_EQ(pick(&c, "inside 198.19.0.128/25\npublic 198.19.0.1\n"), -1);
	CHECK(strstr(err, "inside and outside both resolve to interface wan0 (inside: route to "
			  "198.19.0.128/25, outside: holds 198.19.0.1)") == err);
	CHECK_EQ(pick(&c, "inside 198.18.1.0/24\npublic 198.19.0.1\ninterface outside lan0\n"), -1);
	CHECK(strstr(err, "both resolve to interface lan0") != NULL);
}
