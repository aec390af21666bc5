/* mgload - many-flow UDP load through the lab gateway, over AF_PACKET.
 *
 *   mgload send --ifname IF --dmac MAC [--src IP] (--dst IP[,IP...] | --dst-file FILE)
 *               [--dport P[-Q]] [--sport BASE] [--flows N] [--ssrc-base S] [--tag T]
 *               [--pps N] [--secs S] [--batch B]
 *   mgload recv --ifname IF [--secs S] [--tag T] [--learn FILE] [--hist FILE] [--quiet]
 *   mgload hist FILE...            merge histograms written by recv --hist
 *
 * The frames are built once per flow: Ethernet (dmac given, smac the
 * interface's), IPv4 (20 bytes, DF, TTL 64), UDP (8), RTP (12: V=2, PT 0
 * PCMU, seq, timestamp +160 a packet, SSRC = flow id) and 132 bytes of RTP
 * payload, so the IP datagram is 172 bytes: one 20 ms G.711 packet is 160
 * bytes of payload and 200-byte datagrams; 172 is the size the lab benches
 * have always used (udpblast), kept so that figures stay comparable.
 * Payload layout (network byte order):
 *     0  u32 magic 0x4d474c44 ("MGLD")
 *     4  u32 tag (a run id: recv counts only frames with its --tag)
 *     8  u64 send time, CLOCK_MONOTONIC ns (all namespaces share this clock)
 *    16  u32 per-flow packet number
 *    20  112 bytes of 0xd5 (PCMU silence)
 * Per packet only seq, timestamp, send time and packet number change; the
 * UDP checksum is the template's partial sum plus those words (correct, not
 * zero), the IP checksum never changes.
 *
 * Sender: one AF_PACKET SOCK_RAW socket with PACKET_QDISC_BYPASS, frames
 * handed over with sendmmsg in batches.  --pps paces on an absolute
 * CLOCK_MONOTONIC schedule: each wake-up sends what is due (at most one
 * batch), then sleeps until the next packet is due; when it falls behind it
 * does not burst to catch up by more than two batches (the shortfall shows in
 * the achieved rate).  --pps 0 sends batches back to back.  Flow i (0-based)
 * uses source port BASE+i, destination dport range[i % n], address
 * dst[i % n], SSRC ssrc-base+i.  --dst-file reads one flow a line:
 * "IP PORT [SPORT]" (send to IP:PORT, from SPORT, default BASE+i); the
 * output of recv --learn is in that form, so replies can be sent back
 * through the NAT bindings the receiver saw.
 * Prints: "mgload send: sent=N txerr=E secs=T pps=R cpu_s=C behind=B".
 *
 * Receiver: AF_PACKET SOCK_RAW, ETH_P_ALL (a tap sees the frame before any
 * ingress filter, so the host may drop the test ports at ingress and spare
 * its stack), PACKET_RX_RING TPACKET_V2, outgoing frames ignored.  Counts
 * frames with the magic and tag, per flow (SSRC < 65536) and in total;
 * latency = receive time (CLOCK_MONOTONIC read once per batch of ready
 * frames) minus send time, in a log-linear histogram (16 sub-buckets per
 * power of two: within 6.25 %).  --learn FILE writes, per flow seen, the
 * source address and port the frames came from and the port they went to:
 * "SRC_IP SRC_PORT DST_PORT FLOW" (a --dst-file for the replies).
 * Prints: "mgload recv: pkts=N flows=F first_last_s=T pps=R p50_us= p99_us=
 * max_us= bad=B ring_drops= per_flow_min= per_flow_max= cpu_s=" (bad: frames
 * with the magic whose checksums were wrong; cpu_s: this process's CPU time).
 *
 * Every loop is bounded by --secs (at most 3600) and by counts.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FLOWS 65536u
#define MAX_BATCH 256u
#define MAX_DST 16u
#define IP_LEN 172u /* IP datagram: 20 + 8 + 12 + 132 */
#define ETH_LEN 14u
#define FRAME_LEN (ETH_LEN + IP_LEN)
#define OFF_IP ETH_LEN
#define OFF_UDP (OFF_IP + 20u)
#define OFF_RTP (OFF_UDP + 8u)
#define OFF_PAY (OFF_RTP + 12u)
#define MAGIC 0x4d474c44u
#define MAX_SECS 3600.0

/* log-linear histogram of nanoseconds: 16 sub-buckets per power of two */
#define HSUB 16u
#define HBUCKETS (64u * HSUB)

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/* one's complement sum of 16-bit big-endian words, not folded */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		acc += get16(p + i);
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	return acc;
}

static uint16_t fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

static int fail(const char *what, const char *arg)
{
	fprintf(stderr, "mgload: %s: '%s'\n", what, arg ? arg : "");
	return 2;
}

static bool parse_ul(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;
	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static bool parse_secs(const char *s, double *out)
{
	char *end;
	if (s == NULL || ((*s < '0' || *s > '9') && *s != '.'))
		return false;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || !(v > 0) || v > MAX_SECS)
		return false;
	*out = v;
	return true;
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char tail;
	if (s == NULL || sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6)
		return false;
	for (int i = 0; i < 6; i++) {
		if (v[i] > 255)
			return false;
		mac[i] = (uint8_t)v[i];
	}
	return true;
}

struct ifinfo {
	int index;
	uint8_t mac[6];
	struct in_addr addr;
	bool have_addr;
};

static int if_lookup(const char *name, struct ifinfo *ii)
{
	struct ifreq ifr;
	if (strlen(name) >= sizeof ifr.ifr_name)
		return fail("interface name too long", name);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("mgload: socket");
		return 1;
	}
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, name);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		close(fd);
		return fail("no such interface", name);
	}
	ii->index = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0 || ifr.ifr_hwaddr.sa_family != 1 /* ARPHRD_ETHER */) {
		close(fd);
		return fail("not an Ethernet interface", name);
	}
	memcpy(ii->mac, ifr.ifr_hwaddr.sa_data, 6);
	ii->have_addr = ioctl(fd, SIOCGIFADDR, &ifr) == 0;
	if (ii->have_addr)
		ii->addr = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr;
	close(fd);
	return 0;
}

/* ---- sender ---- */

struct flow {
	uint8_t frame[FRAME_LEN]; /* template: seq, timestamps, packet number zero */
	uint32_t csum_base;       /* UDP sum over pseudo header + template, unfolded */
	uint32_t npkt;
};

struct send_opts {
	const char *ifname, *dst_file;
	uint8_t dmac[6];
	bool have_dmac, have_src;
	struct in_addr src, dst[MAX_DST];
	unsigned ndst;
	unsigned dport_lo, dport_hi, sport, flows, ssrc_base, batch;
	uint32_t tag;
	unsigned long pps;
	double secs;
};

static void build_flow(struct flow *f, const struct send_opts *o, const uint8_t smac[6], struct in_addr src,
		       struct in_addr dst, unsigned sport, unsigned dport, uint32_t ssrc)
{
	uint8_t *p = f->frame;
	memset(p, 0, FRAME_LEN);
	memcpy(p, o->dmac, 6);
	memcpy(p + 6, smac, 6);
	put16(p + 12, 0x0800);
	uint8_t *ip = p + OFF_IP;
	ip[0] = 0x45;
	put16(ip + 2, IP_LEN);
	put16(ip + 4, (uint16_t)ssrc);
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	put16(ip + 10, (uint16_t)~fold(sum16(ip, 20, 0)));
	uint8_t *udp = p + OFF_UDP;
	put16(udp, (uint16_t)sport);
	put16(udp + 2, (uint16_t)dport);
	put16(udp + 4, IP_LEN - 20);
	uint8_t *rtp = p + OFF_RTP;
	rtp[0] = 0x80;
	rtp[1] = 0; /* PCMU */
	put32(rtp + 8, ssrc);
	uint8_t *pay = p + OFF_PAY;
	put32(pay, MAGIC);
	put32(pay + 4, o->tag);
	memset(pay + 20, 0xd5, IP_LEN - 20 - 8 - 12 - 20);
	/* pseudo header: addresses, protocol, UDP length */
	uint32_t acc = sum16(ip + 12, 8, 0) + 17u + (IP_LEN - 20);
	f->csum_base = sum16(udp, IP_LEN - 20, acc);
	f->npkt = 0;
}

/* Copy the flow's template to out and stamp it; returns nothing, cannot fail. */
static void stamp(struct flow *f, uint8_t *out, uint64_t t)
{
	memcpy(out, f->frame, FRAME_LEN);
	uint32_t n = f->npkt++;
	uint16_t seq = (uint16_t)n;
	uint32_t ts = n * 160u;
	put16(out + OFF_RTP + 2, seq);
	put32(out + OFF_RTP + 4, ts);
	put64(out + OFF_PAY + 8, t);
	put32(out + OFF_PAY + 16, n);
	uint32_t acc = f->csum_base + seq + (ts >> 16) + (ts & 0xffff) + (uint32_t)(t >> 48) +
		       (uint32_t)(t >> 32 & 0xffff) + (uint32_t)(t >> 16 & 0xffff) + (uint32_t)(t & 0xffff) +
		       (n >> 16) + (n & 0xffff);
	uint16_t c = (uint16_t)~fold(acc);
	put16(out + OFF_UDP + 6, c ? c : 0xffff);
}

static int parse_dsts(char *list, struct send_opts *o)
{
	char *save = NULL;
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (o->ndst >= MAX_DST)
			return fail("more than 16 destination addresses", t);
		if (inet_pton(AF_INET, t, &o->dst[o->ndst]) != 1)
			return fail("bad destination address", t);
		o->ndst++;
	}
	return o->ndst ? 0 : fail("no destination address", "");
}

static int parse_range(const char *s, unsigned *lo, unsigned *hi)
{
	char buf[32];
	if (strlen(s) >= sizeof buf)
		return fail("bad port range", s);
	strcpy(buf, s);
	char *dash = strchr(buf, '-');
	unsigned long a, b;
	if (dash)
		*dash = '\0';
	if (!parse_ul(buf, 1, 65535, &a))
		return fail("bad port", s);
	b = a;
	if (dash && (!parse_ul(dash + 1, 1, 65535, &b) || b < a))
		return fail("bad port range (LO-HI, LO <= HI)", s);
	*lo = (unsigned)a;
	*hi = (unsigned)b;
	return 0;
}

/* --dst-file: "IP PORT [SPORT]" per line; '#' lines and blank lines skipped */
static int load_dst_file(const struct send_opts *o, struct flow *flows, unsigned *nflows, const uint8_t smac[6],
			 struct in_addr src)
{
	FILE *f = fopen(o->dst_file, "r");
	if (!f)
		return fail("cannot open destination file", o->dst_file);
	char line[256];
	unsigned n = 0, lineno = 0;
	while (n < MAX_FLOWS && fgets(line, sizeof line, f)) {
		lineno++;
		char ip[64], extra[64];
		unsigned long port, sport = o->sport + n;
		char *p = line + strspn(line, " \t");
		if (*p == '#' || *p == '\n' || *p == '\0')
			continue;
		char ps[32], ss[32];
		int k = sscanf(p, "%63s %31s %31s %63s", ip, ps, ss, extra);
		struct in_addr a;
		if (k < 2 || inet_pton(AF_INET, ip, &a) != 1 || !parse_ul(ps, 1, 65535, &port) ||
		    (k >= 3 && !parse_ul(ss, 1, 65535, &sport))) {
			fclose(f);
			fprintf(stderr, "mgload: %s:%u: expected \"IP PORT [SPORT]\": '%.*s'\n", o->dst_file, lineno,
				(int)strcspn(line, "\n"), line);
			return 2;
		}
		if (k < 3 && sport > 65535) {
			fclose(f);
			return fail("source port base + flows passes 65535", o->dst_file);
		}
		build_flow(&flows[n], o, smac, src, a, (unsigned)sport, (unsigned)port, o->ssrc_base + n);
		n++;
	}
	fclose(f);
	if (n == 0)
		return fail("no flows in destination file", o->dst_file);
	if (o->flows && o->flows < n)
		n = o->flows;
	*nflows = n;
	return 0;
}

static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = {(time_t)(t / 1000000000ull), (long)(t % 1000000000ull)};
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int send_run(const struct send_opts *o)
{
	struct ifinfo ii;
	int rc = if_lookup(o->ifname, &ii);
	if (rc)
		return rc;
	struct in_addr src = o->have_src ? o->src : ii.addr;
	if (!o->have_src && !ii.have_addr)
		return fail("interface has no IPv4 address; give --src", o->ifname);

	struct flow *flows = calloc(o->dst_file ? MAX_FLOWS : o->flows, sizeof *flows);
	static uint8_t bufs[MAX_BATCH][FRAME_LEN];
	if (!flows) {
		fprintf(stderr, "mgload: out of memory\n");
		return 1;
	}
	unsigned nflows = o->flows;
	if (o->dst_file) {
		rc = load_dst_file(o, flows, &nflows, ii.mac, src);
		if (rc) {
			free(flows);
			return rc;
		}
	} else {
		unsigned nd = o->dport_hi - o->dport_lo + 1;
		for (unsigned i = 0; i < nflows; i++)
			build_flow(&flows[i], o, ii.mac, src, o->dst[i % o->ndst], o->sport + i, o->dport_lo + i % nd,
				   o->ssrc_base + i);
	}

	int fd = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: this socket receives nothing */
	if (fd < 0) {
		perror("mgload: AF_PACKET socket (needs CAP_NET_RAW)");
		free(flows);
		return 1;
	}
	int one = 1, sndbuf = 4 << 20;
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) < 0)
		perror("mgload: PACKET_QDISC_BYPASS (going through the qdisc)");
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_IP),
				  .sll_ifindex = ii.index,
				  .sll_halen = 6};
	memcpy(sll.sll_addr, o->dmac, 6);
	static struct mmsghdr msgs[MAX_BATCH];
	static struct iovec iov[MAX_BATCH];
	for (unsigned i = 0; i < MAX_BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = FRAME_LEN;
		msgs[i].msg_hdr.msg_name = &sll;
		msgs[i].msg_hdr.msg_namelen = sizeof sll;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);

	/* per wake-up: about 50 us worth of packets, at least 1, at most --batch */
	unsigned burst = o->batch;
	if (o->pps) {
		unsigned long b = o->pps / 20000;
		burst = b < 1 ? 1 : b > o->batch ? o->batch : (unsigned)b;
	}
	uint64_t t0 = now_ns(), end = t0 + (uint64_t)(o->secs * 1e9);
	uint64_t done = 0; /* packets handed over or failed: the schedule position */
	unsigned long long sent = 0, txerr = 0, behind = 0, iters = 0;
	const unsigned long long max_iters = (unsigned long long)(o->secs * 5e6) + 1000; /* >= 1 per 0.2 us */
	unsigned next_flow = 0;
	double c0 = cpu_s();
	int err = 0;
	for (uint64_t t = t0; t < end && iters < max_iters; t = now_ns(), iters++) {
		unsigned n = burst;
		if (o->pps) {
			uint64_t due = (uint64_t)((double)(t - t0) * (double)o->pps / 1e9) + 1;
			if (due <= done) {
				uint64_t next = t0 + (uint64_t)((double)done * 1e9 / (double)o->pps);
				sleep_until(next < end ? next : end);
				continue;
			}
			uint64_t owed = due - done;
			if (owed > 2ull * o->batch) { /* fell behind: skip, do not burst */
				behind += owed - o->batch;
				done += owed - o->batch;
				owed = o->batch;
			}
			n = owed < burst ? (unsigned)owed : burst;
		}
		for (unsigned i = 0; i < n; i++) {
			stamp(&flows[next_flow], bufs[i], t);
			if (++next_flow == nflows)
				next_flow = 0;
		}
		unsigned off = 0;
		while (off < n) {
			int k = sendmmsg(fd, msgs + off, n - off, 0);
			if (k > 0) {
				sent += (unsigned)k;
				off += (unsigned)k;
				continue;
			}
			if (errno == ENOBUFS || errno == EAGAIN || errno == ENETDOWN) {
				txerr++; /* this frame is lost at the first hop; go on with the next */
				off++;
				continue;
			}
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		done += n;
		if (err)
			break;
	}
	double el = (double)(now_ns() - t0) / 1e9;
	if (err)
		fprintf(stderr, "mgload: sendmmsg: %s\n", strerror(err));
	printf("mgload send: sent=%llu txerr=%llu secs=%.3f pps=%.0f cpu_s=%.3f behind=%llu flows=%u\n", sent, txerr,
	       el, el > 0 ? (double)sent / el : 0, cpu_s() - c0, behind, nflows);
	close(fd);
	free(flows);
	return err ? 1 : 0;
}

/* ---- histogram ---- */

static unsigned hbucket(uint64_t v)
{
	if (v < HSUB)
		return (unsigned)v;
	unsigned lg = 63u - (unsigned)__builtin_clzll(v); /* >= 4 */
	unsigned sub = (unsigned)(v >> (lg - 4)) & (HSUB - 1);
	return (lg - 3) * HSUB + sub;
}

/* lower bound of bucket b in ns */
static uint64_t hvalue(unsigned b)
{
	if (b < HSUB)
		return b;
	unsigned lg = b / HSUB + 3, sub = b % HSUB;
	return (uint64_t)(HSUB + sub) << (lg - 4);
}

static uint64_t hpct(const uint64_t *h, uint64_t total, double pct)
{
	if (total == 0)
		return 0;
	uint64_t want = (uint64_t)((double)total * pct / 100.0), acc = 0;
	if (want >= total)
		want = total - 1;
	for (unsigned b = 0; b < HBUCKETS; b++) {
		acc += h[b];
		if (acc > want)
			return hvalue(b);
	}
	return hvalue(HBUCKETS - 1);
}

static void hprint(const uint64_t *h, uint64_t max_ns)
{
	uint64_t total = 0;
	for (unsigned b = 0; b < HBUCKETS; b++)
		total += h[b];
	printf("p50_us=%.1f p99_us=%.1f max_us=%.1f", (double)hpct(h, total, 50) / 1e3, (double)hpct(h, total, 99) / 1e3,
	       (double)max_ns / 1e3);
}

/* ---- receiver ---- */

struct learned {
	uint32_t saddr;
	uint16_t sport, dport;
};

struct recv_opts {
	const char *ifname, *learn, *hist;
	double secs;
	uint32_t tag;
	bool quiet;
};

#define RING_FRAME 2048u
#define RING_BLOCK (1u << 20)
#define RING_BLOCKS 16u

static int recv_run(const struct recv_opts *o)
{
	struct ifinfo ii;
	int rc = if_lookup(o->ifname, &ii);
	if (rc)
		return rc;
	static uint64_t hist[HBUCKETS];
	uint32_t *per_flow = calloc(MAX_FLOWS, sizeof *per_flow);
	struct learned *lrn = o->learn ? calloc(MAX_FLOWS, sizeof *lrn) : NULL;
	if (!per_flow || (o->learn && !lrn)) {
		fprintf(stderr, "mgload: out of memory\n");
		free(per_flow);
		return 1;
	}
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0) {
		perror("mgload: AF_PACKET socket (needs CAP_NET_RAW)");
		goto out_free;
	}
	int v = TPACKET_V2, one = 1;
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof v) < 0) {
		perror("mgload: PACKET_VERSION");
		goto out_close;
	}
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
	struct tpacket_req req = {.tp_block_size = RING_BLOCK,
				  .tp_block_nr = RING_BLOCKS,
				  .tp_frame_size = RING_FRAME,
				  .tp_frame_nr = RING_BLOCK / RING_FRAME * RING_BLOCKS};
	if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) < 0) {
		perror("mgload: PACKET_RX_RING");
		goto out_close;
	}
	size_t ring_len = (size_t)RING_BLOCK * RING_BLOCKS;
	uint8_t *ring = mmap(NULL, ring_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, fd, 0);
	if (ring == MAP_FAILED)
		ring = mmap(NULL, ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ring == MAP_FAILED) {
		perror("mgload: mmap ring");
		goto out_close;
	}
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = ii.index};
	if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
		perror("mgload: bind");
		goto out_unmap;
	}

	unsigned nframes = req.tp_frame_nr, cur = 0;
	double c0 = cpu_s();
	uint64_t t0 = now_ns(), end = t0 + (uint64_t)(o->secs * 1e9), first = 0, last = 0, max_lat = 0;
	unsigned long long pkts = 0, bad = 0, iters = 0;
	const unsigned long long max_iters = (unsigned long long)(o->secs * 2e7) + 1000; /* >= 1 per 50 ns */
	while (iters++ < max_iters) {
		uint64_t t = now_ns();
		if (t >= end)
			break;
		struct tpacket2_hdr *h = (struct tpacket2_hdr *)(ring + (size_t)cur * RING_FRAME);
		if (!(__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER)) {
			struct pollfd pfd = {.fd = fd, .events = POLLIN};
			int ms = (int)((end - t) / 1000000ull) + 1;
			poll(&pfd, 1, ms > 10 ? 10 : ms);
			continue;
		}
		/* every frame ready now is stamped with this one clock read */
		for (unsigned k = 0; k < nframes; k++) {
			h = (struct tpacket2_hdr *)(ring + (size_t)cur * RING_FRAME);
			if (!(__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
				break;
			const uint8_t *p = (const uint8_t *)h + h->tp_mac;
			if (h->tp_snaplen >= FRAME_LEN && get16(p + 12) == 0x0800 && p[OFF_IP] == 0x45 &&
			    p[OFF_IP + 9] == 17 && get32(p + OFF_PAY) == MAGIC && get32(p + OFF_PAY + 4) == o->tag) {
				const uint8_t *ip = p + OFF_IP, *udp = p + OFF_UDP;
				uint32_t acc = sum16(ip + 12, 8, 0) + 17u + (IP_LEN - 20);
				if (get16(ip + 2) != IP_LEN || fold(sum16(ip, 20, 0)) != 0xffff ||
				    (get16(udp + 6) && fold(sum16(udp, IP_LEN - 20, acc)) != 0xffff)) {
					bad++;
				} else {
					uint64_t st = get64(p + OFF_PAY + 8);
					uint64_t lat = t > st ? t - st : 0;
					hist[hbucket(lat)]++;
					if (lat > max_lat)
						max_lat = lat;
					uint32_t flow = get32(p + OFF_RTP + 8);
					if (flow < MAX_FLOWS) {
						if (lrn && per_flow[flow] == 0) {
							memcpy(&lrn[flow].saddr, ip + 12, 4);
							lrn[flow].sport = get16(udp);
							lrn[flow].dport = get16(udp + 2);
						}
						per_flow[flow]++;
					}
					if (!pkts)
						first = t;
					last = t;
					pkts++;
				}
			}
			__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
			if (++cur == nframes)
				cur = 0;
		}
	}
	struct tpacket_stats st;
	socklen_t sl = sizeof st;
	memset(&st, 0, sizeof st);
	getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &sl);

	unsigned nfl = 0;
	uint32_t fmin = UINT32_MAX, fmax = 0;
	for (unsigned i = 0; i < MAX_FLOWS; i++) {
		if (!per_flow[i])
			continue;
		nfl++;
		if (per_flow[i] < fmin)
			fmin = per_flow[i];
		if (per_flow[i] > fmax)
			fmax = per_flow[i];
	}
	double span = pkts > 1 ? (double)(last - first) / 1e9 : 0;
	printf("mgload recv: pkts=%llu flows=%u first_last_s=%.3f pps=%.0f ", pkts, nfl, span,
	       span > 0 ? (double)pkts / span : 0);
	hprint(hist, max_lat);
	printf(" bad=%llu ring_drops=%u per_flow_min=%u per_flow_max=%u cpu_s=%.3f\n", bad, st.tp_drops, nfl ? fmin : 0,
	       fmax, cpu_s() - c0);
	rc = 0;
	if (o->learn) {
		FILE *f = fopen(o->learn, "w");
		if (!f) {
			rc = fail("cannot write learn file", o->learn);
		} else {
			fprintf(f, "# SRC_IP SRC_PORT DST_PORT FLOW: the source each flow arrived from\n");
			for (unsigned i = 0; i < MAX_FLOWS; i++) {
				if (!per_flow[i])
					continue;
				char a[INET_ADDRSTRLEN];
				inet_ntop(AF_INET, &lrn[i].saddr, a, sizeof a);
				fprintf(f, "%s %u %u %u\n", a, lrn[i].sport, lrn[i].dport, i);
			}
			if (fclose(f) != 0)
				rc = fail("cannot write learn file", o->learn);
		}
	}
	if (o->hist) {
		FILE *f = fopen(o->hist, "w");
		if (!f) {
			rc = fail("cannot write histogram file", o->hist);
		} else {
			fprintf(f, "max %llu\n", (unsigned long long)max_lat);
			for (unsigned b = 0; b < HBUCKETS; b++)
				if (hist[b])
					fprintf(f, "%u %llu\n", b, (unsigned long long)hist[b]);
			if (fclose(f) != 0)
				rc = fail("cannot write histogram file", o->hist);
		}
	}
	if (!o->quiet && nfl == 0)
		fprintf(stderr, "mgload recv: no test frames with tag %u on %s\n", o->tag, o->ifname);
	munmap(ring, ring_len);
	close(fd);
	free(lrn);
	free(per_flow);
	return rc;
out_unmap:
	munmap(ring, ring_len);
out_close:
	close(fd);
out_free:
	free(lrn);
	free(per_flow);
	return 1;
}

static int hist_merge(int argc, char **argv)
{
	static uint64_t h[HBUCKETS];
	uint64_t max = 0, total = 0;
	if (argc < 3)
		return fail("hist needs at least one file", "");
	for (int i = 2; i < argc; i++) {
		FILE *f = fopen(argv[i], "r");
		if (!f)
			return fail("cannot open histogram file", argv[i]);
		char line[128];
		unsigned lines = 0;
		while (lines++ < HBUCKETS + 2 && fgets(line, sizeof line, f)) {
			unsigned long long a, b;
			if (sscanf(line, "max %llu", &a) == 1) {
				if (a > max)
					max = a;
			} else if (sscanf(line, "%llu %llu", &a, &b) == 2 && a < HBUCKETS) {
				h[a] += b;
				total += b;
			}
		}
		fclose(f);
	}
	printf("mgload hist: pkts=%llu ", (unsigned long long)total);
	hprint(h, max);
	printf("\n");
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: mgload send --ifname IF --dmac MAC [--src IP] (--dst IP[,IP...] | --dst-file FILE)\n"
		   "                   [--dport P[-Q]] [--sport BASE] [--flows N] [--ssrc-base S] [--tag T]\n"
		   "                   [--pps N] [--secs S] [--batch B]\n"
		   "       mgload recv --ifname IF [--secs S] [--tag T] [--learn FILE] [--hist FILE] [--quiet]\n"
		   "       mgload hist FILE...\n"
		   "  send: 172-byte IPv4/UDP/RTP datagrams in prebuilt Ethernet frames over AF_PACKET\n"
		   "    --dmac MAC      next hop (the gateway's interface); source MAC is IF's\n"
		   "    --src IP        source address (default: IF's first IPv4 address)\n"
		   "    --dst IP,...    destination addresses, flow i to address i %% n (up to 16)\n"
		   "    --dst-file F    one flow a line: \"IP PORT [SPORT]\" (recv --learn writes this form)\n"
		   "    --dport P[-Q]   destination ports, flow i to port P + i %% (Q-P+1) (default 5004)\n"
		   "    --sport BASE    flow i from source port BASE+i (default 10000)\n"
		   "    --flows N       flows, 1..65536 (default 1000; with --dst-file: at most the file's)\n"
		   "    --ssrc-base S   flow i has RTP SSRC S+i (default 0; recv counts per flow below 65536)\n"
		   "    --tag T         run id carried in every frame (default 0)\n"
		   "    --pps N         packets per second, all flows together; 0 = as fast as possible\n"
		   "    --secs S        run time, up to 3600 (default 2)\n"
		   "    --batch B       frames per sendmmsg, 1..256 (default 64)\n"
		   "  recv: count frames with the tag, per flow and in total, latency histogram\n"
		   "    --learn F       write \"SRC_IP SRC_PORT DST_PORT FLOW\" of every flow seen\n"
		   "    --hist F        write the latency histogram (merge several with `mgload hist`)\n");
}

enum { O_IF = 1, O_DMAC, O_SRC, O_DST, O_DSTF, O_DPORT, O_SPORT, O_FLOWS, O_SSRC, O_TAG, O_PPS, O_SECS, O_BATCH,
       O_LEARN, O_HIST, O_QUIET, O_HELP };

static const struct option longopts[] = {
	{"ifname", required_argument, NULL, O_IF},   {"dmac", required_argument, NULL, O_DMAC},
	{"src", required_argument, NULL, O_SRC},     {"dst", required_argument, NULL, O_DST},
	{"dst-file", required_argument, NULL, O_DSTF}, {"dport", required_argument, NULL, O_DPORT},
	{"sport", required_argument, NULL, O_SPORT}, {"flows", required_argument, NULL, O_FLOWS},
	{"ssrc-base", required_argument, NULL, O_SSRC}, {"tag", required_argument, NULL, O_TAG},
	{"pps", required_argument, NULL, O_PPS},     {"secs", required_argument, NULL, O_SECS},
	{"batch", required_argument, NULL, O_BATCH}, {"learn", required_argument, NULL, O_LEARN},
	{"hist", required_argument, NULL, O_HIST},   {"quiet", no_argument, NULL, O_QUIET},
	{"help", no_argument, NULL, O_HELP},         {NULL, 0, NULL, 0}};

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "hist") == 0)
		return hist_merge(argc, argv);
	bool is_send = strcmp(cmd, "send") == 0;
	if (!is_send && strcmp(cmd, "recv") != 0) {
		usage(stderr);
		return fail("unknown command", cmd);
	}
	struct send_opts so = {.ifname = "eth0", .dport_lo = 5004, .dport_hi = 5004, .sport = 10000, .flows = 1000,
			       .batch = 64, .secs = 2};
	struct recv_opts ro = {.ifname = "eth0", .secs = 2};
	bool flows_given = false;
	char dstbuf[512];
	unsigned long u;
	int c, rc;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		bool common = c == O_IF || c == O_SECS || c == O_TAG || c == O_HELP;
		bool recv_only = c == O_LEARN || c == O_HIST || c == O_QUIET;
		if (c == '?' || c == ':') {
			usage(stderr);
			return 2;
		}
		if (!common && is_send == recv_only)
			return fail(is_send ? "option only for recv" : "option only for send", longopts[c - 1].name);
		switch (c) {
		case O_IF:
			so.ifname = ro.ifname = optarg;
			break;
		case O_DMAC:
			if (!parse_mac(optarg, so.dmac))
				return fail("bad MAC address (aa:bb:cc:dd:ee:ff)", optarg);
			so.have_dmac = true;
			break;
		case O_SRC:
			if (inet_pton(AF_INET, optarg, &so.src) != 1)
				return fail("bad source address", optarg);
			so.have_src = true;
			break;
		case O_DST:
			if (strlen(optarg) >= sizeof dstbuf)
				return fail("destination list too long", optarg);
			strcpy(dstbuf, optarg);
			if ((rc = parse_dsts(dstbuf, &so)))
				return rc;
			break;
		case O_DSTF:
			so.dst_file = optarg;
			break;
		case O_DPORT:
			if ((rc = parse_range(optarg, &so.dport_lo, &so.dport_hi)))
				return rc;
			break;
		case O_SPORT:
			if (!parse_ul(optarg, 1, 65535, &u))
				return fail("bad source port base (1..65535)", optarg);
			so.sport = (unsigned)u;
			break;
		case O_FLOWS:
			if (!parse_ul(optarg, 1, MAX_FLOWS, &u))
				return fail("bad flow count (1..65536)", optarg);
			so.flows = (unsigned)u;
			flows_given = true;
			break;
		case O_SSRC:
			if (!parse_ul(optarg, 0, UINT32_MAX, &u))
				return fail("bad SSRC base", optarg);
			so.ssrc_base = (unsigned)u;
			break;
		case O_TAG:
			if (!parse_ul(optarg, 0, UINT32_MAX, &u))
				return fail("bad tag", optarg);
			so.tag = ro.tag = (uint32_t)u;
			break;
		case O_PPS:
			if (!parse_ul(optarg, 0, 100000000, &u))
				return fail("bad packet rate (0..100000000; 0 = as fast as possible)", optarg);
			so.pps = u;
			break;
		case O_SECS:
			if (!parse_secs(optarg, &so.secs))
				return fail("bad seconds (0 < S <= 3600)", optarg);
			ro.secs = so.secs;
			break;
		case O_BATCH:
			if (!parse_ul(optarg, 1, MAX_BATCH, &u))
				return fail("bad batch (1..256)", optarg);
			so.batch = (unsigned)u;
			break;
		case O_LEARN:
			ro.learn = optarg;
			break;
		case O_HIST:
			ro.hist = optarg;
			break;
		case O_QUIET:
			ro.quiet = true;
			break;
		case O_HELP:
			usage(stdout);
			return 0;
		}
	}
	if (optind < argc)
		return fail("unexpected argument", argv[optind]);
	if (!is_send)
		return recv_run(&ro);
	if (!so.have_dmac)
		return fail("send needs --dmac (the gateway interface's MAC)", "");
	if (!so.ndst && !so.dst_file)
		return fail("send needs --dst or --dst-file", "");
	if (so.ndst && so.dst_file)
		return fail("--dst and --dst-file exclude each other", so.dst_file);
	if (!so.dst_file && so.sport + so.flows - 1 > 65535)
		return fail("--sport + --flows passes port 65535", "");
	if (so.dst_file && !flows_given)
		so.flows = 0; /* all of the file */
	return send_run(&so);
}
