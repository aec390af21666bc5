/* test_nexthop.c - the next-hop cache with a fake kernel: lan0 (index 2)
 * with 198.18.1.0/24 on-link, wan0 (index 3) with 198.19.0.0/24 on-link and
 * the default route via 198.19.0.254; the gateway holds 198.18.1.1 and
 * 198.19.0.1.  Notifications are crafted rtnetlink messages fed to the
 * parser the notification socket uses. */
#include "harness.h"

#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "io/nexthop.h"
#include "io/nexthop_priv.h"

static uint32_t ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t x[4] = {a, b, c, d};
	uint32_t v;
	memcpy(&v, x, 4);
	return v;
}

#define FAKE_MAX 8

struct fake_neigh {
	unsigned oif;
	uint32_t addr;
	uint8_t mac[6];
	uint16_t state;
};

struct fake {
	int route_calls, neigh_calls;
	uint32_t counted_dst; /* route questions for this one counted apart */
	int counted_calls;
	uint32_t gw;          /* the default route's gateway */
	int route_rc;         /* forced answer when nonzero */
	int neigh_rc;         /* forced answer when nonzero */
	struct fake_neigh nb[FAKE_MAX];
	int nnb;
};

static int fake_route(void *ctx, uint32_t dst, unsigned *oif, uint32_t *gw, unsigned *type)
{
	struct fake *f = ctx;
	const uint8_t *b = (const uint8_t *)&dst;
	f->route_calls++;
	if (dst == f->counted_dst)
		f->counted_calls++;
	if (f->route_rc != 0)
		return f->route_rc;
	*gw = 0;
	*type = RTN_UNICAST;
	if (dst == ip(198, 18, 1, 1) || dst == ip(198, 19, 0, 1)) {
		*oif = 1; /* lo */
		*type = RTN_LOCAL;
	} else if (dst == ip(198, 18, 1, 255)) {
		*oif = 2;
		*type = RTN_BROADCAST;
	} else if (b[0] == 224) {
		*oif = 2;
		*type = RTN_MULTICAST;
	} else if (dst == ip(198, 18, 9, 9)) {
		*oif = 0;
		*type = RTN_BLACKHOLE;
	} else if (b[0] == 198 && b[1] == 18 && b[2] == 1) {
		*oif = 2;
	} else if (b[0] == 198 && b[1] == 18) {
		return -1; /* the rest of the inside is not routed */
	} else if (b[0] == 198 && b[1] == 19 && b[2] == 0) {
		*oif = 3;
	} else {
		*oif = 3;
		*gw = f->gw;
	}
	return 0;
}

static int fake_neigh(void *ctx, unsigned ifindex, uint32_t addr, uint8_t mac[6], uint16_t *state)
{
	struct fake *f = ctx;
	f->neigh_calls++;
	if (f->neigh_rc != 0)
		return f->neigh_rc;
	for (int i = 0; i < f->nnb; i++)
		if (f->nb[i].oif == ifindex && f->nb[i].addr == addr) {
			if (f->nb[i].state & (NUD_INCOMPLETE | NUD_FAILED | NUD_NONE))
				return 0; /* no link-layer address: as the real ops answer */
			memcpy(mac, f->nb[i].mac, 6);
			*state = f->nb[i].state;
			return 1;
		}
	return 0;
}

static void fake_set(struct fake *f, unsigned oif, uint32_t addr, uint8_t last, uint16_t state)
{
	int i;
	for (i = 0; i < f->nnb; i++)
		if (f->nb[i].oif == oif && f->nb[i].addr == addr)
			break;
	if (i == f->nnb)
		f->nnb++;
	f->nb[i] = (struct fake_neigh){oif, addr, {0x02, 0, 0, 0, oif, last}, state};
}

static struct mg_nh *fake_new(struct fake *f, unsigned cap)
{
	memset(f, 0, sizeof(*f));
	f->gw = ip(198, 19, 0, 254);
	const struct mg_nh_ops ops = {fake_route, fake_neigh, f};
	return mg_nh_new(&ops, cap);
}

static int mac_is(const struct mg_nh_result *r, unsigned oif, uint8_t last)
{
	const uint8_t want[6] = {0x02, 0, 0, 0, (uint8_t)oif, last};
	return r->ifindex == oif && memcmp(r->mac, want, 6) == 0;
}

TEST(nexthop_hit_asks_nothing)
{
	struct fake f;
	struct mg_nh_result r;
	struct mg_nh *nh = fake_new(&f, 64);
	CHECK(nh != NULL);
	fake_set(&f, 2, ip(198, 18, 1, 10), 10, NUD_REACHABLE);
	CHECK_EQ(mg_nh_lookup(nh, ip(198, 18, 1, 10), 1000, &r), MG_NH_OK);
	CHECK(mac_is(&r, 2, 10));
	CHECK_EQ(f.route_calls, 1);
	CHECK_EQ(f.neigh_calls, 1);
	for (uint64_t t = 1001; t < 1000 + MG_NH_POLL_MS; t += 7) {
		memset(&r, 0, sizeof(r));
		CHECK_EQ(mg_nh_lookup(nh, ip(198, 18, 1, 10), t, &r), MG_NH_OK);
		CHECK(mac_is(&r, 2, 10));
	}
	CHECK_EQ(f.route_calls, 1);
	CHECK_EQ(f.neigh_calls, 1);
	const struct mg_nh_stats *st = mg_nh_stats(nh);
	CHECK_EQ(st->hits, st->lookups - 1);
	CHECK_EQ(st->route_queries, 1);
	CHECK_EQ(st->neigh_queries, 1);
	CHECK_EQ(st->kernel_handoffs, 0);
	/* without notifications, the answers are asked again after a while */
	CHECK_EQ(mg_nh_lookup(nh, ip(198, 18, 1, 10), 1000 + MG_NH_POLL_MS, &r), MG_NH_OK);
	CHECK_EQ(f.route_calls, 2);
	CHECK_EQ(f.neigh_calls, 2);
	CHECK_EQ(mg_nh_fd(nh), -1);
	mg_nh_on_readable(nh, 3000); /* no socket: nothing happens */
	mg_nh_free(nh);
}

TEST(nexthop_stale_confirmed_by_kernel)
{
	struct fake f;
	struct mg_nh_result r;
	struct mg_nh *nh = fake_new(&f, 64);
	uint32_t dst = ip(198, 18, 1, 20);
	fake_set(&f, 2, dst, 20, NUD_STALE);
	/* the first packet goes to the kernel, which starts confirming */
	CHECK_EQ(mg_nh_lookup(nh, dst, 10000, &r), MG_NH_KERNEL);
	int kernel = 1;
	for (uint64_t t = 10050; t < 10000 + 3 * MG_NH_CONFIRM_MS; t += 50) {
		enum mg_nh_status s = mg_nh_lookup(nh, dst, t, &r);
		if (s == MG_NH_KERNEL) {
			/* once per confirm period, never more */
			CHECK_EQ((t - 10000) % MG_NH_CONFIRM_MS, 0);
			kernel++;
			continue;
		}
		CHECK_EQ(s, MG_NH_OK);
		CHECK(mac_is(&r, 2, 20));
	}
	CHECK_EQ(kernel, 3);
	CHECK_EQ(mg_nh_stats(nh)->kernel_handoffs, 3);
	/* DELAY and PROBE are unconfirmed as well; REACHABLE and PERMANENT are used as they are */
	fake_set(&f, 2, dst, 20, NUD_PROBE);
	CHECK_EQ(mg_nh_lookup(nh, dst, 30000, &r), MG_NH_KERNEL);
	CHECK_EQ(mg_nh_lookup(nh, dst, 30001, &r), MG_NH_OK);
	fake_set(&f, 2, dst, 20, NUD_PERMANENT);
	for (uint64_t t = 40000; t < 40000 + 2 * MG_NH_CONFIRM_MS; t += 100)
		CHECK_EQ(mg_nh_lookup(nh, dst, t, &r), MG_NH_OK);
	fake_set(&f, 2, dst, 20, NUD_NOARP);
	CHECK_EQ(mg_nh_lookup(nh, dst, 60000, &r), MG_NH_OK);
	mg_nh_free(nh);
}

TEST(nexthop_unresolved_asked_again_after_retry)
{
	struct fake f;
	struct mg_nh_result r;
	struct mg_nh *nh = fake_new(&f, 64);
	uint32_t dst = ip(198, 18, 1, 30);
	CHECK_EQ(mg_nh_lookup(nh, dst, 500, &r), MG_NH_KERNEL);
	CHECK_EQ(f.neigh_calls, 1);
	for (uint64_t t = 501; t < 500 + MG_NH_RETRY_MS; t++)
		CHECK_EQ(mg_nh_lookup(nh, dst, t, &r), MG_NH_KERNEL);
	CHECK_EQ(f.neigh_calls, 1);
	CHECK_EQ(mg_nh_lookup(nh, dst, 500 + MG_NH_RETRY_MS, &r), MG_NH_KERNEL);
	CHECK_EQ(f.neigh_calls, 2);
	/* the kernel resolves it meanwhile (INCOMPLETE first: still the kernel's) */
	fake_set(&f, 2, dst, 30, NUD_INCOMPLETE);
	CHECK_EQ(mg_nh_lookup(nh, dst, 500 + 2 * MG_NH_RETRY_MS, &r), MG_NH_KERNEL);
	CHECK_EQ(f.neigh_calls, 3);
	fake_set(&f, 2, dst, 30, NUD_REACHABLE);
	CHECK_EQ(mg_nh_lookup(nh, dst, 500 + 3 * MG_NH_RETRY_MS - 1, &r), MG_NH_KERNEL);
	CHECK_EQ(mg_nh_lookup(nh, dst, 500 + 3 * MG_NH_RETRY_MS, &r), MG_NH_OK);
	CHECK(mac_is(&r, 2, 30));
	CHECK_EQ(f.neigh_calls, 4);
	CHECK_EQ(f.route_calls, 1);
	/* FAILED: the kernel's again */
	fake_set(&f, 2, dst, 30, NUD_FAILED);
	uint64_t usable_until = 500 + 3 * MG_NH_RETRY_MS + MG_NH_POLL_MS;
	CHECK_EQ(mg_nh_lookup(nh, dst, usable_until - 1, &r), MG_NH_OK);
	CHECK_EQ(mg_nh_lookup(nh, dst, usable_until, &r), MG_NH_KERNEL);
	/* a question that fails is counted and answered by the kernel */
	f.neigh_rc = -1;
	CHECK_EQ(mg_nh_lookup(nh, dst, usable_until + MG_NH_RETRY_MS, &r), MG_NH_KERNEL);
	CHECK_EQ(mg_nh_stats(nh)->query_errors, 1);
	mg_nh_free(nh);
}

TEST(nexthop_local_and_noroute)
{
	struct fake f;
	struct mg_nh_result r;
	struct mg_nh *nh = fake_new(&f, 64);
	CHECK_EQ(mg_nh_lookup(nh, ip(198, 18, 1, 1), 1, &r), MG_NH_LOCAL);
	CHECK_EQ(mg_nh_lookup(nh, ip(198, 19, 0, 1), 1, &r), MG_NH_LOCAL);
	CHECK_EQ(mg_nh_lookup(nh, ip(198, 18, 1, 255), 1, &r), MG_NH_LOCAL);
	CHECK_EQ(mg_nh_lookup(nh, ip(224, 0, 0, 5), 1, &r), MG_NH_LOCAL);
	CHECK_EQ(mg_nh_lookup(nh, ip(198, 18, 7, 7), 1, &r), MG_NH_NOROUTE);
	CHECK_EQ(mg_nh_lookup(nh, ip(198, 18, 9, 9), 1, &r), MG_NH_NOROUTE);
	CHECK_EQ(f.route_calls, 6);
	CHECK_EQ(f.neigh_calls, 0);
	/* remembered like any answer */
	CHECK_EQ(mg_nh_lookup(nh, ip(198, 18, 1, 1), 2, &r), MG_NH_LOCAL);
	CHECK_EQ(mg_nh_lookup(nh, ip(198, 18, 7, 7), 2, &r), MG_NH_NOROUTE);
	CHECK_EQ(f.route_calls, 6);
	const struct mg_nh_stats *st = mg_nh_stats(nh);
	CHECK_EQ(st->local, 5);
	CHECK_EQ(st->noroute, 3);
	CHECK_EQ(st->hits, 2);
	/* a route only the kernel can follow, and a question that fails */
	f.route_rc = 1;
	CHECK_EQ(mg_nh_lookup(nh, ip(198, 19, 0, 40), 3, &r), MG_NH_KERNEL);
	CHECK_EQ(mg_nh_lookup(nh, ip(198, 19, 0, 40), 4, &r), MG_NH_KERNEL);
	CHECK_EQ(f.route_calls, 7);
	f.route_rc = -2;
	CHECK_EQ(mg_nh_lookup(nh, ip(198, 19, 0, 41), 5, &r), MG_NH_KERNEL);
	CHECK_EQ(st->query_errors, 1);
	f.route_rc = 0;
	fake_set(&f, 3, ip(198, 19, 0, 41), 41, NUD_REACHABLE);
	CHECK_EQ(mg_nh_lookup(nh, ip(198, 19, 0, 41), 5 + MG_NH_RETRY_MS - 1, &r), MG_NH_KERNEL);
	CHECK_EQ(mg_nh_lookup(nh, ip(198, 19, 0, 41), 5 + MG_NH_RETRY_MS, &r), MG_NH_OK);
	CHECK(mac_is(&r, 3, 41));
	CHECK(mg_nh_new(&(struct mg_nh_ops){fake_route, fake_neigh, &f}, MG_NH_MAX_CAP + 1) == NULL);
	CHECK(mg_nh_new(&(struct mg_nh_ops){NULL, fake_neigh, &f}, 16) == NULL);
	mg_nh_free(nh);
}

TEST(nexthop_gateway_shared)
{
	struct fake f;
	struct mg_nh_result r;
	struct mg_nh *nh = fake_new(&f, 64);
	fake_set(&f, 3, ip(198, 19, 0, 254), 254, NUD_REACHABLE);
	for (int i = 1; i <= 20; i++) {
		memset(&r, 0, sizeof(r));
		CHECK_EQ(mg_nh_lookup(nh, ip(198, 19, (uint8_t)i, 9), 100, &r), MG_NH_OK);
		CHECK(mac_is(&r, 3, 254));
	}
	CHECK_EQ(f.route_calls, 20);
	CHECK_EQ(f.neigh_calls, 1);
	/* one stale gateway: one packet for the kernel among all its destinations */
	fake_set(&f, 3, ip(198, 19, 0, 254), 254, NUD_STALE);
	int kernel = 0;
	for (int i = 1; i <= 20; i++)
		kernel += mg_nh_lookup(nh, ip(198, 19, (uint8_t)i, 9), 100 + MG_NH_POLL_MS, &r) ==
			  MG_NH_KERNEL;
	CHECK_EQ(kernel, 1);
	CHECK_EQ(f.neigh_calls, 2);
	mg_nh_free(nh);
}

TEST(nexthop_eviction_keeps_recent)
{
	struct fake f;
	struct mg_nh_result r;
	struct mg_nh *nh = fake_new(&f, 10); /* rounded up to MG_NH_MIN_CAP */
	uint32_t hot = ip(198, 18, 1, 250);
	fake_set(&f, 2, hot, 250, NUD_REACHABLE);
	f.counted_dst = hot;
	uint64_t t = 1;
	CHECK_EQ(mg_nh_lookup(nh, hot, t++, &r), MG_NH_OK);
	for (int i = 0; i < 200; i++) {
		/* many destinations behind the gateway, and the hot one between them */
		CHECK_EQ(mg_nh_lookup(nh, ip(198, 19, (uint8_t)(1 + i), 1), t++, &r), MG_NH_KERNEL);
		CHECK_EQ(mg_nh_lookup(nh, hot, t++, &r), MG_NH_OK);
		CHECK(mac_is(&r, 2, 250));
	}
	const struct mg_nh_stats *st = mg_nh_stats(nh);
	CHECK(st->evictions >= 200 - MG_NH_MIN_CAP);
	CHECK_EQ(f.counted_calls, 1); /* the most recent of its window: never the victim */
	CHECK_EQ(st->lookups, 401);
	mg_nh_free(nh);
}

/* ---- notifications ---- */

static size_t put_neigh(uint8_t *buf, uint16_t type, uint8_t family, int ifindex, uint16_t state,
			const void *dst, size_t dstlen, const uint8_t *mac)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = family;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = state;
	if (dst != NULL)
		mnl_attr_put(nlh, NDA_DST, dstlen, dst);
	if (mac != NULL)
		mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	mnl_attr_put_u32(nlh, NDA_PROBES, 0);
	return nlh->nlmsg_len;
}

static size_t put_route(uint8_t *buf, uint16_t type)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 24;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_DST, ip(198, 19, 5, 0));
	mnl_attr_put_u32(nlh, RTA_OIF, 3);
	return nlh->nlmsg_len;
}

static size_t put_link(uint8_t *buf, uint16_t type, int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = ifindex;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "lan0");
	return nlh->nlmsg_len;
}

/* Feed len bytes from a buffer that ends at a guard page. */
static void feed(struct mg_nh *nh, const uint8_t *msg, size_t len, uint64_t now)
{
	uint8_t *g = t_guarded(msg, len);
	mg_nh_notify_parse(nh, g, len, now);
	t_guarded_free(g, len);
}

TEST(nexthop_notify_neigh)
{
	struct fake f;
	struct mg_nh_result r;
	static uint8_t buf[4096];
	struct mg_nh *nh = fake_new(&f, 64);
	uint32_t dst = ip(198, 18, 1, 40);
	const uint8_t mac_a[6] = {0x02, 0, 0, 0, 2, 0xa0}, mac_b[6] = {0x02, 0, 0, 0, 2, 0xb0};
	const struct mg_nh_stats *st = mg_nh_stats(nh);

	CHECK_EQ(mg_nh_lookup(nh, dst, 100, &r), MG_NH_KERNEL);
	CHECK_EQ(f.neigh_calls, 1);
	/* ARP completes: the notification makes the entry usable at once */
	feed(nh, buf, put_neigh(buf, RTM_NEWNEIGH, AF_INET, 2, NUD_REACHABLE, &dst, 4, mac_a), 101);
	CHECK_EQ(mg_nh_lookup(nh, dst, 102, &r), MG_NH_OK);
	CHECK(mac_is(&r, 2, 0xa0));
	CHECK_EQ(f.neigh_calls, 1);
	CHECK_EQ(st->notifications, 1);
	/* the neighbour's address changes */
	feed(nh, buf, put_neigh(buf, RTM_NEWNEIGH, AF_INET, 2, NUD_REACHABLE, &dst, 4, mac_b), 103);
	CHECK_EQ(mg_nh_lookup(nh, dst, 104, &r), MG_NH_OK);
	CHECK(mac_is(&r, 2, 0xb0));
	/* it goes stale: one packet for the kernel */
	feed(nh, buf, put_neigh(buf, RTM_NEWNEIGH, AF_INET, 2, NUD_STALE, &dst, 4, mac_b), 105);
	CHECK_EQ(mg_nh_lookup(nh, dst, 106, &r), MG_NH_KERNEL);
	CHECK_EQ(mg_nh_lookup(nh, dst, 107, &r), MG_NH_OK);
	/* FAILED comes without an address */
	feed(nh, buf, put_neigh(buf, RTM_NEWNEIGH, AF_INET, 2, NUD_FAILED, &dst, 4, NULL), 108);
	CHECK_EQ(mg_nh_lookup(nh, dst, 109, &r), MG_NH_KERNEL);
	CHECK_EQ(f.neigh_calls, 1);
	/* deleted: asked again at the next lookup */
	feed(nh, buf, put_neigh(buf, RTM_DELNEIGH, AF_INET, 2, NUD_FAILED, &dst, 4, NULL), 110);
	fake_set(&f, 2, dst, 0xc0, NUD_REACHABLE);
	CHECK_EQ(mg_nh_lookup(nh, dst, 111, &r), MG_NH_OK);
	CHECK(mac_is(&r, 2, 0xc0));
	CHECK_EQ(f.neigh_calls, 2);
	/* not ours: another interface, an address never looked up, IPv6, a proxy entry */
	uint32_t other = ip(198, 18, 1, 41);
	size_t n = put_neigh(buf, RTM_NEWNEIGH, AF_INET, 3, NUD_REACHABLE, &dst, 4, mac_a);
	n += put_neigh(buf + n, RTM_NEWNEIGH, AF_INET, 2, NUD_REACHABLE, &other, 4, mac_a);
	const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	n += put_neigh(buf + n, RTM_NEWNEIGH, AF_INET6, 2, NUD_REACHABLE, v6, 16, mac_a);
	size_t proxy = n;
	n += put_neigh(buf + n, RTM_NEWNEIGH, AF_INET, 2, NUD_REACHABLE, &dst, 4, mac_a);
	((struct ndmsg *)mnl_nlmsg_get_payload((struct nlmsghdr *)(buf + proxy)))->ndm_flags =
		NTF_PROXY;
	feed(nh, buf, n, 112);
	CHECK_EQ(st->notifications, 9);
	CHECK_EQ(st->malformed, 0);
	CHECK_EQ(mg_nh_lookup(nh, dst, 113, &r), MG_NH_OK);
	CHECK(mac_is(&r, 2, 0xc0));
	CHECK_EQ(f.neigh_calls, 2);
	mg_nh_free(nh);
}

TEST(nexthop_notify_route_and_link)
{
	struct fake f;
	struct mg_nh_result r;
	static uint8_t buf[4096];
	struct mg_nh *nh = fake_new(&f, 64);
	uint32_t far = ip(198, 19, 5, 5), near = ip(198, 18, 1, 50);
	fake_set(&f, 3, ip(198, 19, 0, 254), 254, NUD_REACHABLE);
	fake_set(&f, 3, ip(198, 19, 0, 253), 253, NUD_REACHABLE);
	fake_set(&f, 2, near, 50, NUD_REACHABLE);
	CHECK_EQ(mg_nh_lookup(nh, far, 10, &r), MG_NH_OK);
	CHECK(mac_is(&r, 3, 254));
	CHECK_EQ(mg_nh_lookup(nh, near, 10, &r), MG_NH_OK);
	CHECK_EQ(f.route_calls, 2);
	CHECK_EQ(f.neigh_calls, 2);
	/* the default route moves to another gateway: every route asked again */
	f.gw = ip(198, 19, 0, 253);
	feed(nh, buf, put_route(buf, RTM_NEWROUTE), 11);
	CHECK_EQ(mg_nh_lookup(nh, far, 12, &r), MG_NH_OK);
	CHECK(mac_is(&r, 3, 253));
	CHECK_EQ(mg_nh_lookup(nh, near, 12, &r), MG_NH_OK);
	CHECK_EQ(f.route_calls, 4);
	CHECK_EQ(f.neigh_calls, 3); /* the near neighbour stays known */
	feed(nh, buf, put_route(buf, RTM_DELROUTE), 13);
	CHECK_EQ(mg_nh_lookup(nh, far, 14, &r), MG_NH_OK);
	CHECK_EQ(f.route_calls, 5);
	/* lan0 changes: its routes and neighbours are asked again, wan0's neighbours stay */
	feed(nh, buf, put_link(buf, RTM_NEWLINK, 2), 15);
	CHECK_EQ(mg_nh_lookup(nh, near, 16, &r), MG_NH_OK);
	CHECK_EQ(mg_nh_lookup(nh, far, 16, &r), MG_NH_OK);
	CHECK_EQ(f.route_calls, 7);
	CHECK_EQ(f.neigh_calls, 4);
	/* lost notifications: everything */
	mg_nh_invalidate_all(nh);
	CHECK_EQ(mg_nh_lookup(nh, near, 17, &r), MG_NH_OK);
	CHECK_EQ(mg_nh_lookup(nh, far, 17, &r), MG_NH_OK);
	CHECK_EQ(f.route_calls, 9);
	CHECK_EQ(f.neigh_calls, 6);
	/* several messages in one datagram */
	size_t n = put_route(buf, RTM_NEWROUTE);
	n += put_neigh(buf + n, RTM_NEWNEIGH, AF_INET, 2, NUD_STALE, &near, 4,
		       (const uint8_t[6]){0x02, 0, 0, 0, 2, 51});
	feed(nh, buf, n, 18);
	CHECK_EQ(mg_nh_lookup(nh, near, 19, &r), MG_NH_KERNEL);
	CHECK_EQ(mg_nh_lookup(nh, near, 20, &r), MG_NH_OK);
	CHECK(mac_is(&r, 2, 51));
	CHECK_EQ(f.route_calls, 10);
	CHECK_EQ(f.neigh_calls, 6);
	CHECK_EQ(mg_nh_stats(nh)->notifications, 5);
	mg_nh_free(nh);
}

TEST(nexthop_notify_malformed)
{
	struct fake f;
	struct mg_nh_result r;
	static uint8_t buf[4096];
	struct mg_nh *nh = fake_new(&f, 64);
	uint32_t dst = ip(198, 18, 1, 60);
	const uint8_t mac[6] = {0x02, 0, 0, 0, 2, 0x60};
	const uint8_t v6[16] = {0};
	const struct mg_nh_stats *st = mg_nh_stats(nh);
	CHECK_EQ(mg_nh_lookup(nh, dst, 1, &r), MG_NH_KERNEL);

	/* no destination; an IPv4 message with a 16-byte one */
	feed(nh, buf, put_neigh(buf, RTM_NEWNEIGH, AF_INET, 2, NUD_REACHABLE, NULL, 0, mac), 2);
	feed(nh, buf, put_neigh(buf, RTM_NEWNEIGH, AF_INET, 2, NUD_REACHABLE, v6, 16, mac), 2);
	CHECK_EQ(st->malformed, 2);
	/* too short for its header */
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNEIGH;
	nlh->nlmsg_len = mnl_nlmsg_size(4);
	feed(nh, buf, nlh->nlmsg_len, 2);
	nlh->nlmsg_type = RTM_NEWLINK;
	feed(nh, buf, nlh->nlmsg_len, 2);
	CHECK_EQ(st->malformed, 4);
	/* a datagram cut inside a message: the whole one before it counts */
	size_t n = put_route(buf, RTM_NEWROUTE);
	size_t cut = n + put_neigh(buf + n, RTM_NEWNEIGH, AF_INET, 2, NUD_REACHABLE, &dst, 4, mac) - 4;
	int routes = f.route_calls;
	feed(nh, buf, cut, 3);
	CHECK_EQ(st->malformed, 5);
	/* an attribute claiming more than the message holds ends the walk */
	n = put_neigh(buf, RTM_NEWNEIGH, AF_INET, 2, NUD_REACHABLE, &dst, 4, mac);
	struct nlattr *first = mnl_nlmsg_get_payload_offset((struct nlmsghdr *)buf, sizeof(struct ndmsg));
	first->nla_len = 400;
	feed(nh, buf, n, 3);
	CHECK_EQ(st->malformed, 6);
	CHECK_EQ(mg_nh_lookup(nh, dst, 4, &r), MG_NH_KERNEL);
	CHECK_EQ(f.route_calls, routes + 1); /* the route message before the cut was applied */
	feed(nh, buf, 0, 5);
	CHECK_EQ(st->malformed, 6);
	/* a length with the top bit set (negative as an int) ends the walk too,
	 * before anything steps past the datagram */
	n = put_neigh(buf, RTM_NEWNEIGH, AF_INET, 2, NUD_REACHABLE, &dst, 4, mac);
	((struct nlmsghdr *)buf)->nlmsg_len = 0x80000000u | (uint32_t)n;
	feed(nh, buf, n, 6);
	CHECK_EQ(st->malformed, 7);
	CHECK_EQ(mg_nh_lookup(nh, dst, 7, &r), MG_NH_KERNEL);
	mg_nh_free(nh);
}
