/* xdp_local.c - the gateway's own addresses into the XDP programs' maps.
 *
 * Packets to an address the kernel holds (and its subnet broadcast) go to
 * the kernel, unless meetgate owns that address (public, pool, route
 * lines): those stay meetgate's.  The list is read with getifaddrs(3) at
 * start and once a second after (an address added or removed by the
 * administrator takes effect within a second); the maps are rewritten only
 * when the list changed. */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>

#include <bpf/bpf.h>

#include "io/xdp_priv.h"
#include "util/siphash.h"

#define LOCAL_MAX 1024

struct local_set {
	uint32_t v4[LOCAL_MAX];
	unsigned n4;
	struct in6_addr v6[LOCAL_MAX];
	unsigned n6;
};

static bool owned(const struct mg_xdp *x, uint32_t a)
{
	for (unsigned k = 0; k < x->n_owned; k++)
		if (x->owned[k] == a)
			return true;
	return false;
}

static void add4(struct local_set *s, const struct mg_xdp *x, uint32_t a)
{
	if (a == 0 || owned(x, a) || s->n4 >= LOCAL_MAX)
		return;
	for (unsigned k = 0; k < s->n4; k++)
		if (s->v4[k] == a)
			return;
	s->v4[s->n4++] = a;
}

static void collect(struct local_set *s, const struct mg_xdp *x)
{
	struct ifaddrs *list = NULL;
	if (getifaddrs(&list) != 0)
		return;
	for (struct ifaddrs *i = list; i; i = i->ifa_next) {
		if (i->ifa_addr == NULL)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			add4(s, x, ((const struct sockaddr_in *)(const void *)i->ifa_addr)->sin_addr.s_addr);
			if (i->ifa_broadaddr && i->ifa_broadaddr->sa_family == AF_INET)
				add4(s, x, ((const struct sockaddr_in *)(const void *)i->ifa_broadaddr)
						   ->sin_addr.s_addr);
		} else if (i->ifa_addr->sa_family == AF_INET6 && s->n6 < LOCAL_MAX) {
			s->v6[s->n6++] = ((const struct sockaddr_in6 *)(const void *)i->ifa_addr)->sin6_addr;
		}
	}
	freeifaddrs(list);
}

static uint64_t signature(const struct local_set *s)
{
	static const struct mg_sipkey key = {0x6d67786470, 0x6c6f63616c};
	uint64_t a = mg_siphash(&key, s->v4, s->n4 * sizeof(s->v4[0]));
	uint64_t b = mg_siphash(&key, s->v6, s->n6 * sizeof(s->v6[0]));
	return a ^ (b * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)s->n4 << 32 | s->n6);
}

static bool has(const void *keys, unsigned n, size_t ksz, const void *k)
{
	for (unsigned i = 0; i < n; i++)
		if (memcmp((const uint8_t *)keys + i * ksz, k, ksz) == 0)
			return true;
	return false;
}

/* Make a hash map hold exactly keys: the ones no longer there go, the new
 * ones come; one that stays is never missing in between. */
static void rewrite_map(int fd, const void *keys, unsigned n, size_t ksz)
{
	static uint8_t gone[LOCAL_MAX][16];
	unsigned ngone = 0;
	uint8_t cur[16], next[16];
	const void *prev = NULL;
	for (unsigned guard = 0; guard < 4 * LOCAL_MAX && bpf_map_get_next_key(fd, prev, next) == 0;
	     guard++) {
		memcpy(cur, next, ksz);
		prev = cur;
		if (!has(keys, n, ksz, cur) && ngone < LOCAL_MAX)
			memcpy(gone[ngone++], cur, ksz);
	}
	for (unsigned k = 0; k < ngone; k++)
		bpf_map_delete_elem(fd, gone[k]);
	uint8_t one = 1;
	for (unsigned k = 0; k < n; k++)
		bpf_map_update_elem(fd, (const uint8_t *)keys + k * ksz, &one, BPF_ANY);
}

void mg_xdp_local_refresh(struct mg_xdp *x)
{
	static struct local_set s; /* 20 KiB: not on the stack; one data plane per process */
	memset(&s, 0, sizeof(s));
	collect(&s, x);
	uint64_t sig = signature(&s) | 1u; /* never 0: 0 means "rewrite" */
	if (sig == x->local_sig)
		return;
	x->local_sig = sig;
	for (int side = 0; side < 2; side++) {
		if (!x->ifs[side].attached)
			continue;
		rewrite_map(x->ifs[side].fd_local4, s.v4, s.n4, sizeof(s.v4[0]));
		rewrite_map(x->ifs[side].fd_local6, s.v6, s.n6, sizeof(s.v6[0]));
	}
}
