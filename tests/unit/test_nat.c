/* test_nat.c - NAT bindings: endpoint-independent reuse, paired pooling,
 * RTP/RTCP pairs, references, reserved forward ports, exhaustion. */
#include <string.h>

#include "core/nat.h"
#include "core/pkt.h"
#include "core/wheel.h"
#include "harness.h"
#include "pktbuild.h"

static int mk(struct mg_nat *n, struct mg_config *c, uint64_t *rng, unsigned npub, uint16_t lo, uint16_t hi)
{
	mg_config_defaults(c);
	c->n_public = npub;
	for (unsigned i = 0; i < npub; i++)
		c->public_addr[i] = tb_ip("198.19.0.1") + ((uint32_t)i << 24);
	c->port_lo = lo;
	c->port_hi = hi;
	c->max_bindings = 64;
	struct mg_sipkey k = {3, 4};
	return mg_nat_init(n, c, &k, rng);
}

TEST(nat_binding_reuse_refs_and_free)
{
	struct mg_nat n;
	struct mg_config c;
	uint64_t rng = 1;
	CHECK_EQ(mk(&n, &c, &rng, 1, 1024, 65535), 0);
	enum mg_reason why = MG_R_NONE;
	uint32_t a = tb_ip("198.18.1.10");
	uint32_t b1 = mg_nat_bind(&n, MG_PROTO_UDP, a, 5000, false, 0, &why);
	uint32_t b2 = mg_nat_bind(&n, MG_PROTO_UDP, a, 5000, false, 0, &why);
	CHECK(b1 != MG_NIL);
	CHECK_EQ(b1, b2);
	CHECK_EQ(n.b[b1].refs, 2);
	CHECK_EQ(n.b[b1].pub_port, 5000);
	CHECK_EQ(mg_nat_find_pub(&n, MG_PROTO_UDP, n.b[b1].pub_addr, 5000), b1);
	/* TCP and UDP are separate spaces */
	uint32_t t = mg_nat_bind(&n, MG_PROTO_TCP, a, 5000, false, 0, &why);
	CHECK(t != b1);
	CHECK_EQ(n.b[t].pub_port, 5000);
	mg_nat_unref(&n, b1);
	CHECK_EQ(n.used, 2);
	mg_nat_unref(&n, b1);
	CHECK_EQ(n.used, 1);
	CHECK_EQ(mg_nat_find_in(&n, MG_PROTO_UDP, a, 5000), MG_NIL);
	mg_nat_free(&n);
}

TEST(nat_pairs_parity_and_pooling)
{
	struct mg_nat n;
	struct mg_config c;
	uint64_t rng = 2;
	CHECK_EQ(mk(&n, &c, &rng, 4, 1024, 65535), 0);
	enum mg_reason why = MG_R_NONE;
	uint32_t a = tb_ip("198.18.1.10"), a2 = tb_ip("198.18.1.11");
	/* a host keeps one public address for all its bindings */
	uint32_t x = mg_nat_bind(&n, MG_PROTO_UDP, a, 7000, true, 0, &why);
	uint32_t y = mg_nat_bind(&n, MG_PROTO_TCP, a, 40000, false, 0, &why);
	CHECK(x != MG_NIL && y != MG_NIL);
	CHECK_EQ(n.b[x].pub_addr, n.b[y].pub_addr);
	CHECK_EQ(n.b[x].pub_addr, mg_nat_public_for(&n, a));
	uint32_t odd = mg_nat_find_in(&n, MG_PROTO_UDP, a, 7001);
	CHECK(odd != MG_NIL);
	CHECK_EQ(n.b[odd].pub_port, n.b[x].pub_port + 1);
	CHECK_EQ(n.b[odd].refs, 1);
	/* another host wanting the same pair on the same public address gets
	 * another even/odd pair */
	uint32_t pa = mg_nat_public_for(&n, a);
	for (uint32_t h = 12; h < 200 && mg_nat_public_for(&n, a2) != pa; h++)
		a2 = tb_ip("198.18.1.0") + (h << 24);
	CHECK_EQ(mg_nat_public_for(&n, a2), pa);
	uint32_t z = mg_nat_bind(&n, MG_PROTO_UDP, a2, 7000, true, 0, &why);
	CHECK(z != MG_NIL);
	CHECK(n.b[z].pub_port != 7000);
	CHECK_EQ(n.b[z].pub_port & 1, 0);
	CHECK_EQ(n.b[mg_nat_find_in(&n, MG_PROTO_UDP, a2, 7001)].pub_port, n.b[z].pub_port + 1);
	mg_nat_free(&n);
}

TEST(nat_reserved_forward_port_and_exhaustion)
{
	struct mg_nat n;
	struct mg_config c;
	uint64_t rng = 3;
	CHECK_EQ(mk(&n, &c, &rng, 1, 2000, 2003), 0);
	enum mg_reason why = MG_R_NONE;
	CHECK(mg_nat_reserve(&n, MG_PROTO_TCP, c.public_addr[0], 2001));
	CHECK(!mg_nat_reserve(&n, MG_PROTO_TCP, c.public_addr[0], 2001));
	uint32_t a = tb_ip("198.18.1.10");
	uint16_t got[3];
	for (int i = 0; i < 3; i++) {
		uint32_t b = mg_nat_bind(&n, MG_PROTO_TCP, a, (uint16_t)(2001), false, 0, &why);
		if (i == 0) {
			CHECK(b != MG_NIL);
			got[i] = n.b[b].pub_port;
			CHECK(got[i] != 2001); /* the forward's port is never handed out */
		}
	}
	for (uint16_t p = 30000; p < 30004; p++)
		(void)mg_nat_bind(&n, MG_PROTO_TCP, a, p, false, 0, &why);
	uint32_t b = mg_nat_bind(&n, MG_PROTO_TCP, a, 30010, false, 0, &why);
	CHECK_EQ(b, MG_NIL);
	CHECK_EQ(why, MG_R_NAT_NO_PORT);
	mg_nat_free(&n);
}
