/* nexthop.h - next hops of forwarded IPv4 packets (io/xdp.h).  This first
 * version resolves nothing itself: every lookup answers MG_NH_KERNEL, so
 * the AF_XDP path hands every packet to the kernel to route and send. */
#ifndef MG_NEXTHOP_H
#define MG_NEXTHOP_H
#include <stddef.h>
#include <stdint.h>
enum mg_nh_status { MG_NH_OK, MG_NH_KERNEL, MG_NH_LOCAL, MG_NH_NOROUTE };
struct mg_nh_result {
	unsigned ifindex;
	uint8_t mac[6];
};
struct mg_nh_stats {
	uint64_t lookups, hits, kernel_handoffs, route_queries, neigh_queries, noroute, local, evictions,
		notifications, overruns;
};
struct mg_nh;
struct mg_nh *mg_nh_new_netlink(unsigned capacity, char *err, size_t errlen);
void mg_nh_free(struct mg_nh *nh);
enum mg_nh_status mg_nh_lookup(struct mg_nh *nh, uint32_t dst, uint64_t now_ms, struct mg_nh_result *r);
int mg_nh_fd(struct mg_nh *nh);
void mg_nh_on_readable(struct mg_nh *nh, uint64_t now_ms);
const struct mg_nh_stats *mg_nh_stats(const struct mg_nh *nh);
#endif
