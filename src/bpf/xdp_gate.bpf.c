/* xdp_gate.bpf.c - the XDP program of the AF_XDP data plane (io/xdp.h).
 *
 * Built with clang for the BPF target at build time and embedded in the
 * meetgate binary (io/xdp_obj.c); one copy is loaded per gateway interface,
 * so every interface has its own maps.
 *
 * It decides, per frame, who owns it:
 *   - meetgate: every IPv4 / IPv6 packet that is forwarded or addressed to
 *     one of meetgate's public addresses.  It goes to the AF_XDP socket of
 *     the queue it arrived on (map xsks).
 *   - the kernel: everything else the gateway itself needs.  Frames that
 *     are not IP (ARP, LLDP, VLAN-tagged frames for sub-interfaces), IPv4
 *     broadcast and multicast, IPv6 multicast and neighbour discovery, and
 *     packets to the gateway's own addresses that are not meetgate's
 *     (map local4 / local6, kept by meetgate from the kernel's address list).
 *
 * When no socket is bound to the queue (meetgate stopped without removing
 * the program, or not yet bound), what meetgate would own is dropped, or
 * passed to the kernel with `fail open` (map conf): the same choice the
 * NFQUEUE path makes when nothing listens on the queue.
 *
 * Counters per CPU (map stats): frames taken, passed, and taken-but-unbound.
 */
#include <linux/bpf.h>
#include <linux/icmpv6.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define GATE_QUEUES 64

struct gate_conf {
	__u32 fail_open;
};

enum { STAT_TAKEN, STAT_PASSED, STAT_UNBOUND, STAT__COUNT };

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, GATE_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u8);
} local4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct in6_addr);
	__type(value, __u8);
} local6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gate_conf);
} conf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAT__COUNT);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static __always_inline int count(__u32 which, int action)
{
	__u64 *n = bpf_map_lookup_elem(&stats, &which);
	if (n)
		*n += 1;
	return action;
}

/* 1: the kernel's (not forwarded, not a public address of meetgate) */
static __always_inline int kernel_v4(const struct iphdr *ip)
{
	__u32 dst = ip->daddr;
	if ((bpf_ntohl(dst) >> 28) == 0xe || dst == 0xffffffffu) /* multicast, limited broadcast */
		return 1;
	return bpf_map_lookup_elem(&local4, &dst) != 0;
}

static __always_inline int kernel_v6(const struct ipv6hdr *ip6, void *end)
{
	if (ip6->daddr.in6_u.u6_addr8[0] == 0xff) /* multicast: ND, MLD, router discovery */
		return 1;
	if (ip6->nexthdr == IPPROTO_ICMPV6) {
		const struct icmp6hdr *ic = (const void *)(ip6 + 1);
		if ((const void *)(ic + 1) <= end && ic->icmp6_type >= 133 && ic->icmp6_type <= 137)
			return 1; /* neighbour and router discovery, unicast too */
	}
	return bpf_map_lookup_elem(&local6, &ip6->daddr) != 0;
}

SEC("xdp")
int xdp_gate(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	const struct ethhdr *eth = data;

	if ((const void *)(eth + 1) > end)
		return count(STAT_PASSED, XDP_PASS); /* the kernel drops runts itself */
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		const struct iphdr *ip = (const void *)(eth + 1);
		if ((const void *)(ip + 1) > end)
			goto take; /* a truncated header is meetgate's to count and drop */
		if (kernel_v4(ip))
			return count(STAT_PASSED, XDP_PASS);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6 = (const void *)(eth + 1);
		if ((const void *)(ip6 + 1) > end)
			goto take;
		if (kernel_v6(ip6, end))
			return count(STAT_PASSED, XDP_PASS);
	} else {
		return count(STAT_PASSED, XDP_PASS);
	}
take:;
	__u32 zero = 0;
	const struct gate_conf *c = bpf_map_lookup_elem(&conf, &zero);
	int fallback = c && c->fail_open ? XDP_PASS : XDP_DROP;
	int act = bpf_redirect_map(&xsks, ctx->rx_queue_index, fallback);
	if (act == XDP_REDIRECT)
		return count(STAT_TAKEN, act);
	return count(STAT_UNBOUND, act);
}

char _license[] SEC("license") = "GPL";
