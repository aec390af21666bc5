/* xdp_prog.c - the XDP programs of the AF_XDP data plane: one copy of the
 * embedded object per interface (so each has its own maps), attached in
 * the driver's own mode or the generic one, through libxdp (which uses its
 * dispatcher where a bpffs is mounted, and a single program otherwise).
 * A program of ours an earlier meetgate left attached is removed first;
 * anybody else's single program is not touched: the start fails and says so. */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "io/xdp_priv.h"

#define PROG_NAME "xdp_gate"

static int quiet(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0; /* errors come back as return values and are reported there */
}

static int quiet_bpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

/* Remove what a killed meetgate left on the interface. */
static void remove_stale(unsigned ifindex)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex((int)ifindex);
	if (libxdp_get_error(mp) || mp == NULL)
		return;
	if (xdp_multiprog__is_legacy(mp)) {
		struct xdp_program *p = xdp_multiprog__main_prog(mp);
		if (p && strcmp(xdp_program__name(p), PROG_NAME) == 0)
			xdp_multiprog__detach(mp);
	} else {
		for (struct xdp_program *p = xdp_multiprog__next_prog(NULL, mp); p;
		     p = xdp_multiprog__next_prog(p, mp))
			if (strcmp(xdp_program__name(p), PROG_NAME) == 0) {
				xdp_program__detach(p, (int)ifindex, xdp_multiprog__attach_mode(mp), 0);
				break;
			}
	}
	xdp_multiprog__close(mp);
}

static const char *other_prog(unsigned ifindex, char *buf, size_t n)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex((int)ifindex);
	snprintf(buf, n, "?");
	if (!libxdp_get_error(mp) && mp != NULL) {
		struct xdp_program *p = xdp_multiprog__main_prog(mp);
		if (p)
			snprintf(buf, n, "%s", xdp_program__name(p));
		xdp_multiprog__close(mp);
	}
	return buf;
}

static void close_prog(struct mg_xdp_if *i)
{
	if (i->prog)
		xdp_program__close(i->prog);
	if (i->obj)
		bpf_object__close(i->obj);
	i->prog = NULL;
	i->obj = NULL;
}

static int open_prog(struct mg_xdp_if *i, char *err, size_t errlen)
{
	DECLARE_LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = PROG_NAME);
	i->obj = bpf_object__open_mem(mg_xdp_obj, mg_xdp_obj_len, &oo);
	if (libbpf_get_error(i->obj)) {
		i->obj = NULL;
		snprintf(err, errlen, "XDP object: cannot open the embedded program");
		return -1;
	}
	i->prog = xdp_program__from_bpf_obj(i->obj, "xdp");
	if (libxdp_get_error(i->prog)) {
		i->prog = NULL;
		snprintf(err, errlen, "XDP object: no program in section xdp");
		return -1;
	}
	return 0;
}

static int map_fd(struct mg_xdp_if *i, const char *name)
{
	return bpf_object__find_map_fd_by_name(xdp_program__bpf_obj(i->prog), name);
}

/* The interface's driver is veth.  Its own XDP hook copies every frame into
 * a page pool and adds a NAPI hop before the program runs; its generic hook
 * does less (make bench-live, doc/live.md): `auto` takes that one there. */
static bool is_veth(const char *ifname)
{
	struct ethtool_drvinfo info = {.cmd = ETHTOOL_GDRVINFO};
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&info;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	int rc = ioctl(fd, SIOCETHTOOL, &ifr);
	close(fd);
	return rc == 0 && strcmp(info.driver, "veth") == 0;
}

int mg_xdp_prog_attach(struct mg_xdp *x, struct mg_xdp_if *i, uint8_t mode, char *err,
		       size_t errlen)
{
	libxdp_set_print(quiet);
	libbpf_set_print(quiet_bpf);
	remove_stale(i->ifindex);
	static const enum xdp_attach_mode order[4][2] = {
		[MG_XDP_AUTO] = {XDP_MODE_NATIVE, XDP_MODE_SKB},
		[MG_XDP_NATIVE] = {XDP_MODE_NATIVE, XDP_MODE_UNSPEC},
		[MG_XDP_GENERIC] = {XDP_MODE_SKB, XDP_MODE_UNSPEC},
		[3] = {XDP_MODE_SKB, XDP_MODE_NATIVE}, /* auto on veth */
	};
	if (mode > MG_XDP_GENERIC)
		mode = MG_XDP_AUTO;
	if (mode == MG_XDP_AUTO && is_veth(i->name))
		mode = 3;
	int rc = -1;
	char why[128] = "";
	for (int k = 0; k < 2 && order[mode][k] != XDP_MODE_UNSPEC; k++) {
		enum xdp_attach_mode m = order[mode][k];
		/* a program that failed to attach cannot be attached again: open afresh */
		close_prog(i);
		if (open_prog(i, err, errlen) != 0)
			return -1;
		rc = xdp_program__attach(i->prog, (int)i->ifindex, m, 0);
		if (rc == 0) {
			i->mode = m;
			break;
		}
		libxdp_strerror(rc, why, sizeof(why));
	}
	if (rc != 0) {
		char other[64];
		if (rc == -EEXIST || rc == -EBUSY)
			snprintf(err, errlen, "%s: another XDP program (%s) is attached: remove it, or use "
				 "`datapath nfqueue`", i->name, other_prog(i->ifindex, other, sizeof(other)));
		else
			snprintf(err, errlen, "%s: cannot attach the XDP program: %s", i->name, why);
		return -1;
	}
	i->attached = true;
	i->fd_xsks = map_fd(i, "xsks");
	i->fd_local4 = map_fd(i, "local4");
	i->fd_local6 = map_fd(i, "local6");
	i->fd_conf = map_fd(i, "conf");
	i->fd_stats = map_fd(i, "stats");
	if (i->fd_xsks < 0 || i->fd_local4 < 0 || i->fd_local6 < 0 || i->fd_conf < 0 || i->fd_stats < 0) {
		snprintf(err, errlen, "%s: the XDP program's maps are missing", i->name);
		return -1;
	}
	uint32_t zero = 0, fail_open = x->fail_open ? 1u : 0u;
	if (bpf_map_update_elem(i->fd_conf, &zero, &fail_open, BPF_ANY) != 0) {
		snprintf(err, errlen, "%s: XDP map conf: %s", i->name, strerror(errno));
		return -1;
	}
	return 0;
}

void mg_xdp_prog_detach(struct mg_xdp_if *i)
{
	if (i->attached)
		xdp_program__detach(i->prog, (int)i->ifindex, i->mode, 0);
	i->attached = false;
	close_prog(i);
}

/* Sum the per-CPU counters of both programs. */
void mg_xdp_prog_stats(struct mg_xdp *x)
{
	static uint64_t vals[1024];
	int ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0 || ncpu > 1024)
		return;
	uint64_t sum[3] = {0, 0, 0};
	for (int s = 0; s < 2; s++) {
		if (!x->ifs[s].attached)
			continue;
		for (uint32_t k = 0; k < 3; k++)
			if (bpf_map_lookup_elem(x->ifs[s].fd_stats, &k, vals) == 0)
				for (int c = 0; c < ncpu; c++)
					sum[k] += vals[c];
	}
	x->st.prog_taken = sum[0];
	x->st.prog_passed = sum[1];
	x->st.prog_unbound = sum[2];
}
