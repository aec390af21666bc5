/* replay.c - `meetgate replay`: feed captured traffic through the engine as
 * if it arrived at the gateway, write what the gateway sends, and report.
 *
 * Which packet arrives on which side, and how outside packets are
 * re-addressed to the public side, is specified in doc/replay.md; the
 * functions below follow it rule by rule.  The engine clock is the capture
 * time, never the wall clock, and never runs backwards: the same inputs and
 * seed give byte-identical outputs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alg/guards.h"
#include "alg/h323.h"
#include "alg/ils.h"
#include "alg/ras.h"
#include "cli/cli.h"
#include "cli/ladder.h"
#include "cli/replay.h"
#include "core/config.h"
#include "core/engine.h"
#include "io/pcap.h"

#define RP_DEFAULT_SEED 1u
#define RP_MAX_MACS 64
#define RP_PATH 4096
#define RP_ALL_DROPPED 3 /* exit status: the gateway dropped every packet fed */

struct rp_macs {
	uint8_t mac[RP_MAX_MACS][6];
	unsigned n;
};

/* One capture being read.  The IN file always plays the inside; it also
 * plays the outside when no OUT file is given. */
struct rp_src {
	struct mg_replay_input *info;
	struct mg_pcap_reader *r;
	bool is_out_file;
	bool plays_outside;
	struct rp_macs macs; /* IN: inside hosts; OUT: the gateway itself */
	uint8_t *buf;
	struct mg_pcap_rec rec;
	enum mg_side side;
	bool have; /* rec holds the next packet this file plays */
	bool eof;
};

struct rp_opts {
	const char *config, *inside, *outside, *out;
	bool follow_peer, quiet;
	uint64_t seed;
};

struct rp_ctx {
	struct mg_replay *rp;
	const struct mg_config *cfg;
	struct mg_pcap_writer *w[2];
	FILE *log;
	bool closed; /* outputs final: callbacks from here on are ignored */
	struct mg_ladder *ladder; /* calls.html; NULL if it could not be allocated */
	char err[RP_PATH + 512];
};

const char *mg_replay_side_name(unsigned side)
{
	return side == MG_SIDE_INSIDE ? "inside" : "outside";
}

static int usage(FILE *f, int rc)
{
	fprintf(f, "usage: meetgate replay [--config FILE|default] --inside IN.pcap "
		   "[--outside OUT.pcap] --out DIR\n"
		   "                      [--follow-peer] [--seed N] [--quiet]\n");
	if (f == stdout)
		fprintf(f, "\nRun captured traffic through the gateway engine as if it arrived on the\n"
			   "gateway's interfaces; write what the gateway would send and a report.\n\n"
			   "  --config FILE    configuration (meetgate.conf(5)); `default` or none: the\n"
			   "                   built-in lab configuration\n"
			   "  --inside IN      capture taken on the inside interface (required)\n"
			   "  --outside OUT    capture taken on the outside interface; without it IN\n"
			   "                   plays both sides\n"
			   "  --out DIR        output directory, created if missing (required): the two\n"
			   "                   sides' pcaps, report.json, summary.txt, calls.html\n"
			   "  --follow-peer    re-address outside packets also by bindings the ALG only\n"
			   "                   advertised in signalling\n"
			   "  --seed N         engine seed (hash keys, port choice), default 1: the same\n"
			   "                   inputs and seed give byte-identical outputs\n"
			   "  --quiet          no summary on stdout (summary.txt is still written)\n"
			   "  -h, --help       this text\n\n"
			   "Exit status: 0 done; 1 an input, output or configuration problem; 2 usage\n"
			   "error; 3 done, but the gateway dropped every packet fed to it.\n");
	return rc;
}

/* Returns 0, 1 after printing --help, 2 on a usage error. */
static int parse_opts(int argc, char **argv, struct rp_opts *o)
{
	const char *seed = NULL;

	memset(o, 0, sizeof(*o));
	o->seed = RP_DEFAULT_SEED;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int m;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout, 0);
			return 1;
		}
		if (strcmp(a, "--follow-peer") == 0) {
			o->follow_peer = true;
			continue;
		}
		if (strcmp(a, "--quiet") == 0) {
			o->quiet = true;
			continue;
		}
		if ((m = mg_cli_opt("replay", argc, argv, &i, "--config", &o->config)) ||
		    (m = mg_cli_opt("replay", argc, argv, &i, "--inside", &o->inside)) ||
		    (m = mg_cli_opt("replay", argc, argv, &i, "--outside", &o->outside)) ||
		    (m = mg_cli_opt("replay", argc, argv, &i, "--out", &o->out)) ||
		    (m = mg_cli_opt("replay", argc, argv, &i, "--seed", &seed))) {
			if (m < 0)
				return 2;
			continue;
		}
		fprintf(stderr, "meetgate replay: unknown argument '%s'\n", a);
		return usage(stderr, 2);
	}
	if (o->inside == NULL || o->out == NULL) {
		fprintf(stderr, "meetgate replay: --inside and --out are required\n");
		return usage(stderr, 2);
	}
	if (seed != NULL && mg_cli_parse_u64("replay", "--seed", seed, 0, UINT64_MAX, &o->seed) != 0)
		return 2;
	return 0;
}

/* mkdir -p; an existing non-directory is an error. */
static int make_dir(const char *dir, char *err, size_t errlen)
{
	char p[RP_PATH];
	struct stat st;
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(p)) {
		snprintf(err, errlen, "%s: bad output directory name", dir);
		return -1;
	}
	memcpy(p, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		char saved = p[i];
		p[i] = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: cannot create directory: %s", p, strerror(errno));
			return -1;
		}
		p[i] = saved;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", dir);
		return -1;
	}
	return 0;
}

static int out_path(char *buf, size_t n, const char *dir, const char *name)
{
	int k = snprintf(buf, n, "%s/%s", dir, name);
	return (k < 0 || (size_t)k >= n) ? -1 : 0;
}

static bool macs_has(const struct rp_macs *m, const uint8_t mac[6])
{
	for (unsigned i = 0; i < m->n; i++)
		if (memcmp(m->mac[i], mac, 6) == 0)
			return true;
	return false;
}

static void macs_add(struct rp_macs *m, const uint8_t mac[6])
{
	if (m->n < RP_MAX_MACS && !macs_has(m, mac))
		memcpy(m->mac[m->n++], mac, 6);
}

/* Is this IPv4 source the gateway's own doing?  In IN.pcap, an inside host;
 * in OUT.pcap, an inside host (routed, no NAT) or a public address (the
 * gateway's translated output). */
static bool v4_from_gateway_side(const struct rp_src *s, const struct mg_config *cfg, uint32_t src)
{
	if (mg_config_is_inside(cfg, src))
		return true;
	return s->is_out_file && mg_config_is_ours(cfg, src);
}

/* First pass over a file: learn the link addresses of its inside senders
 * (IN) or of the gateway (OUT), to place IPv6 packets in the second pass. */
static int learn_macs(struct rp_src *s, const char *path, const struct mg_config *cfg, char *err,
		      size_t errlen)
{
	struct mg_pcap_reader *r = mg_pcap_open(path, err, errlen);
	struct mg_pcap_rec rec;
	struct mg_pcap_v4 v;
	int rc;

	if (r == NULL)
		return -1;
	while ((rc = mg_pcap_next(r, s->buf, MG_PCAP_MAX_L3, &rec, err, errlen)) == 1) {
		if (rec.family != 4 || !rec.has_mac || mg_pcap_v4_peek(rec.l3, rec.len, &v) != 0)
			continue;
		if (v4_from_gateway_side(s, cfg, v.src))
			macs_add(&s->macs, rec.src_mac);
	}
	mg_pcap_close(r);
	return rc;
}

/* The side a record plays, or -1 if this file does not play it. */
static int classify(const struct rp_src *s, const struct mg_config *cfg,
		    const struct mg_pcap_rec *rec)
{
	struct mg_pcap_v4 v;
	bool from_gw_side;

	if (rec->family == 4 && mg_pcap_v4_peek(rec->l3, rec->len, &v) == 0)
		from_gw_side = v4_from_gateway_side(s, cfg, v.src);
	else
		from_gw_side = rec->has_mac && macs_has(&s->macs, rec->src_mac);

	if (s->is_out_file)
		return from_gw_side ? -1 : MG_SIDE_OUTSIDE;
	if (from_gw_side)
		return MG_SIDE_INSIDE;
	return s->plays_outside ? MG_SIDE_OUTSIDE : -1;
}

/* Make s->have true with the next packet the file plays, unless at EOF. */
static int src_fill(struct rp_src *s, const struct mg_config *cfg, char *err, size_t errlen)
{
	while (!s->have && !s->eof) {
		int rc = mg_pcap_next(s->r, s->buf, MG_PCAP_MAX_L3, &s->rec, err, errlen);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			s->eof = true;
			break;
		}
		int side = classify(s, cfg, &s->rec);
		if (side < 0) {
			s->info->not_taken++;
			continue;
		}
		s->side = (enum mg_side)side;
		s->info->taken[side]++;
		s->have = true;
	}
	return 0;
}

/* An outside packet addressed to an inside host is re-addressed to where
 * the outside peer would have sent it: the public endpoint of the NAT
 * binding if one exists (bindings the ALG only advertised count with
 * --follow-peer), else the host's public address with the port kept. */
static void retarget(struct mg_replay *rp, const struct mg_config *cfg, uint8_t *l3, uint32_t len)
{
	struct mg_pcap_v4 v;
	uint32_t pa = 0;
	uint16_t pp = 0;

	if (mg_pcap_v4_peek(l3, len, &v) != 0 || !mg_config_is_inside(cfg, v.dst))
		return;
	if (v.has_ports &&
	    mg_engine_binding_lookup(rp->e, v.proto, v.dst, v.dport, rp->follow_peer, &pa, &pp)) {
		/* found */
	} else {
		pa = mg_engine_public_for(rp->e, v.dst);
		pp = v.dport;
		if (pa == 0)
			return;
	}
	if (mg_pcap_v4_retarget(l3, len, &v, pa, pp))
		rp->retargeted++;
}

static void on_emit(void *vctx, const uint8_t *l3, uint32_t len, enum mg_side side, uint64_t now)
{
	struct rp_ctx *ctx = vctx;
	unsigned s = side == MG_SIDE_INSIDE ? 0u : 1u;

	if (ctx->closed)
		return;
	ctx->rp->emitted++;
	ctx->rp->pkts_out[s]++;
	mg_pcap_write(ctx->w[s], l3, len, now);
}

static void on_log(void *vctx, uint64_t now, int level, const char *line)
{
	struct rp_ctx *ctx = vctx;

	if (ctx->closed)
		return;
	fprintf(ctx->log, "%llu.%03llu %s\n", (unsigned long long)(now / 1000u),
		(unsigned long long)(now % 1000u), line);
}

static void copy_str(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

static void on_binding_new(void *vctx, const struct mg_binding_info *bi)
{
	struct rp_ctx *ctx = vctx;
	struct mg_replay *rp = ctx->rp;

	if (ctx->closed)
		return;
	if (rp->n_made == rp->cap_made) {
		size_t cap = rp->cap_made ? rp->cap_made * 2 : 64;
		struct mg_binding_info *p = realloc(rp->made, cap * sizeof(*p));
		if (p == NULL)
			return;
		rp->made = p;
		rp->cap_made = cap;
	}
	rp->made[rp->n_made++] = *bi;
}

static void on_flow_end(void *vctx, const struct mg_flow_info *fi)
{
	struct rp_ctx *ctx = vctx;
	struct mg_replay *rp = ctx->rp;

	if (ctx->closed)
		return;
	if (rp->n_ended == rp->cap_ended) {
		size_t cap = rp->cap_ended ? rp->cap_ended * 2 : 256;
		struct mg_replay_flow *p = realloc(rp->ended, cap * sizeof(*p));
		if (p == NULL) {
			rp->ended_lost++;
			return;
		}
		rp->ended = p;
		rp->cap_ended = cap;
	}
	if (ctx->ladder)
		mg_ladder_flow(ctx->ladder, fi);
	struct mg_replay_flow *f = &rp->ended[rp->n_ended++];
	f->fi = *fi;
	copy_str(f->state, sizeof(f->state), fi->state);
	copy_str(f->alg, sizeof(f->alg), fi->alg);
	f->fi.state = NULL;
	f->fi.alg = NULL;
}

static void feed(struct rp_ctx *ctx, struct rp_src *s, uint64_t *now)
{
	struct mg_replay *rp = ctx->rp;
	struct mg_pcap_rec *rec = &s->rec;
	unsigned side = s->side == MG_SIDE_INSIDE ? 0u : 1u;

	if (!rp->have_time) {
		rp->first_ms = rec->ts_ms;
		rp->have_time = true;
	}
	if (rec->ts_ms > *now)
		*now = rec->ts_ms;
	rp->last_ms = *now;
	if (s->side == MG_SIDE_OUTSIDE && rec->family == 4)
		retarget(rp, ctx->cfg, rec->l3, rec->len);
	/* a captured endpoint acknowledged the stream as its peer sent it:
	 * what it would have acknowledged had it seen the gateway's
	 * length-changing edits (the engine maps that back again) */
	mg_engine_seqadj_peer_view(rp->e, rec->l3, rec->len);
	rp->pkts_in[side]++;
	if (ctx->ladder)
		mg_ladder_packet_begin(ctx->ladder);
	struct mg_result res = mg_engine_process(rp->e, rec->l3, rec->len, s->side, *now);
	if (ctx->ladder)
		mg_ladder_packet_end(ctx->ladder, rec->l3, rec->len, s->side, *now, &res);
	switch (res.verdict) {
	case MG_VERDICT_ACCEPT: {
		unsigned o = res.out_side == MG_SIDE_INSIDE ? 0u : 1u;
		rp->accepted++;
		rp->pkts_out[o]++;
		mg_pcap_write_us(ctx->w[o], rec->l3, rec->len, rec->ts_us);
		break;
	}
	case MG_VERDICT_HOLD:
		rp->held++;
		break;
	default:
		rp->dropped++;
		if (res.reason < MG_R__COUNT)
			rp->drops[res.reason]++;
		break;
	}
	s->have = false;
}

/* Merge the streams by time, inside first on equal times. */
static int run(struct rp_ctx *ctx, struct rp_src *src, unsigned nsrc)
{
	uint64_t now = 0;

	for (;;) {
		struct rp_src *next = NULL;
		for (unsigned i = 0; i < nsrc; i++) {
			if (src_fill(&src[i], ctx->cfg, ctx->err, sizeof(ctx->err)) != 0)
				return -1;
			if (!src[i].have)
				continue;
			if (next == NULL || src[i].rec.ts_us < next->rec.ts_us)
				next = &src[i];
		}
		if (next == NULL)
			break;
		feed(ctx, next, &now);
	}
	mg_engine_expire(ctx->rp->e, now);
	return 0;
}

static int open_sources(struct mg_replay *rp, const struct rp_opts *o, const struct mg_config *cfg,
			struct rp_src *src, unsigned *nsrc, char *err, size_t errlen)
{
	const char *paths[2] = {o->inside, o->outside};

	*nsrc = o->outside ? 2u : 1u;
	for (unsigned i = 0; i < *nsrc; i++) {
		struct rp_src *s = &src[i];
		s->info = &rp->in[i];
		s->info->path = paths[i];
		s->info->role = i == 0 ? "inside" : "outside";
		s->is_out_file = i == 1;
		s->plays_outside = i == 1 || o->outside == NULL;
		s->buf = malloc(MG_PCAP_MAX_L3);
		if (s->buf == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		if (learn_macs(s, paths[i], cfg, err, errlen) != 0)
			return -1;
		s->r = mg_pcap_open(paths[i], err, errlen);
		if (s->r == NULL)
			return -1;
		s->info->dlt = mg_pcap_dlt(s->r);
	}
	rp->n_in = *nsrc;
	return 0;
}

static void close_sources(struct mg_replay *rp, struct rp_src *src, unsigned nsrc)
{
	for (unsigned i = 0; i < nsrc; i++) {
		if (src[i].r != NULL) {
			rp->in[i].c = *mg_pcap_counts(src[i].r);
			mg_pcap_close(src[i].r);
		}
		free(src[i].buf);
	}
}

static int open_outputs(struct rp_ctx *ctx, const char *dir, char *err, size_t errlen)
{
	char p[RP_PATH];
	static const char *const names[2] = {"inside.pcap", "outside.pcap"};

	if (make_dir(dir, err, errlen) != 0)
		return -1;
	for (unsigned i = 0; i < 2; i++) {
		if (out_path(p, sizeof(p), dir, names[i]) != 0) {
			snprintf(err, errlen, "%s: path too long", dir);
			return -1;
		}
		ctx->w[i] = mg_pcap_create(p, err, errlen);
		if (ctx->w[i] == NULL)
			return -1;
	}
	if (out_path(p, sizeof(p), dir, "log.txt") != 0 || (ctx->log = fopen(p, "w")) == NULL) {
		snprintf(err, errlen, "%s: cannot create: %s", p, strerror(errno));
		return -1;
	}
	return 0;
}

static int close_outputs(struct rp_ctx *ctx, char *err, size_t errlen)
{
	int rc = 0;

	for (unsigned i = 0; i < 2; i++)
		if (ctx->w[i] != NULL && mg_pcap_finish(ctx->w[i], err, errlen) != 0)
			rc = -1;
	if (ctx->log != NULL && fclose(ctx->log) != 0 && rc == 0) {
		snprintf(err, errlen, "log.txt: write failed: %s", strerror(errno));
		rc = -1;
	}
	ctx->w[0] = ctx->w[1] = NULL;
	ctx->log = NULL;
	return rc;
}

static void ladder_active_flow(void *vctx, const struct mg_flow_info *fi)
{
	mg_ladder_flow(vctx, fi);
}

/* Write one report file; `json` selects report.json over summary.txt (and
 * its lines per call); `ladder` writes calls.html instead. */
static int write_report(struct mg_replay *rp, struct mg_ladder *ladder, const char *dir,
			const char *name, bool json, char *err, size_t errlen)
{
	char p[RP_PATH];
	FILE *f;
	int rc = 0;

	if (out_path(p, sizeof(p), dir, name) != 0 || (f = fopen(p, "w")) == NULL) {
		snprintf(err, errlen, "%s/%s: cannot create: %s", dir, name, strerror(errno));
		return -1;
	}
	if (ladder && strcmp(name, "calls.html") == 0) {
		rc = mg_ladder_write_html(ladder, f);
	} else if (json) {
		rc = mg_replay_report_json(rp, f);
	} else {
		mg_replay_summary(rp, f);
		if (ladder)
			mg_ladder_summary(ladder, f);
	}
	if (ferror(f))
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	if (rc != 0)
		snprintf(err, errlen, "%s: write failed", p);
	return rc;
}

int mg_cli_replay(int argc, char **argv)
{
	struct rp_opts o;
	struct mg_replay rp;
	struct rp_ctx ctx;
	struct rp_src src[2];
	unsigned nsrc = 0;
	struct mg_config *cfg;
	char spare[RP_PATH + 512]; /* messages from cleanup after the first error */
	int rc = 1;
	int prc = parse_opts(argc, argv, &o);

	if (prc != 0)
		return prc == 1 ? 0 : 2;
	memset(&rp, 0, sizeof(rp));
	memset(&ctx, 0, sizeof(ctx));
	memset(src, 0, sizeof(src));
	rp.config_name = o.config ? o.config : "default";
	rp.seed = o.seed;
	rp.follow_peer = o.follow_peer;
	ctx.rp = &rp;

	cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL) {
		snprintf(ctx.err, sizeof(ctx.err), "out of memory");
		goto fail;
	}
	ctx.cfg = cfg;
	if (mg_cli_load_config(o.config, cfg, ctx.err, sizeof(ctx.err)) != 0)
		goto free_cfg;
	rp.e = mg_engine_new(cfg, o.seed, ctx.err, sizeof(ctx.err));
	if (rp.e == NULL)
		goto free_cfg;
	mg_engine_route_trust_ack(rp.e, true); /* the capture's cookies are not ours */
	if (cfg->alg_h323 && (rp.h323 = mg_h323_attach(rp.e)) == NULL) {
		snprintf(ctx.err, sizeof(ctx.err), "out of memory for the H.323 ALG");
		goto close_src;
	}
	mg_guards_attach(rp.e);
	if ((rp.ils = mg_ils_attach(rp.e)) == NULL) {
		snprintf(ctx.err, sizeof(ctx.err), "out of memory for the ILS ALG");
		goto close_src;
	}
	if ((rp.ras = mg_ras_alg_attach(rp.e)) == NULL) {
		snprintf(ctx.err, sizeof(ctx.err), "out of memory for the RAS ALG");
		goto close_src;
	}
	ctx.ladder = mg_ladder_new();
	if (ctx.ladder == NULL) {
		snprintf(ctx.err, sizeof(ctx.err), "out of memory for the call diagrams");
		goto close_src;
	}
	mg_engine_set_call_trace(rp.e, mg_ladder_trace, ctx.ladder);
	if (open_sources(&rp, &o, cfg, src, &nsrc, ctx.err, sizeof(ctx.err)) != 0)
		goto close_src;
	if (open_outputs(&ctx, o.out, ctx.err, sizeof(ctx.err)) != 0)
		goto close_out;
	mg_engine_set_emit(rp.e, on_emit, &ctx);
	mg_engine_set_log(rp.e, on_log, &ctx);
	mg_engine_set_flow_end(rp.e, on_flow_end, &ctx);
	mg_engine_set_binding_new(rp.e, on_binding_new, &ctx);

	if (run(&ctx, src, nsrc) != 0)
		goto close_out;
	/* the run is over: what the engine reports while being freed is not
	 * part of it */
	ctx.closed = true;
	if (close_outputs(&ctx, ctx.err, sizeof(ctx.err)) != 0)
		goto close_out;
	close_sources(&rp, src, nsrc);
	nsrc = 0;
	mg_engine_foreach_flow(rp.e, ladder_active_flow, ctx.ladder);
	if (write_report(&rp, NULL, o.out, "report.json", true, ctx.err, sizeof(ctx.err)) != 0 ||
	    write_report(&rp, ctx.ladder, o.out, "summary.txt", false, ctx.err, sizeof(ctx.err)) != 0 ||
	    write_report(&rp, ctx.ladder, o.out, "calls.html", false, ctx.err, sizeof(ctx.err)) != 0)
		goto close_out;
	if (!o.quiet) {
		mg_replay_summary(&rp, stdout);
		mg_ladder_summary(ctx.ladder, stdout);
	}
	rc = 0;
	if (rp.dropped > 0 && rp.accepted == 0 && rp.emitted == 0) {
		fprintf(stderr, "meetgate replay: every packet was dropped\n");
		rc = RP_ALL_DROPPED;
	}

close_out:
	ctx.closed = true;
	close_outputs(&ctx, spare, sizeof(spare));
close_src:
	close_sources(&rp, src, nsrc);
	mg_engine_free(rp.e);
	mg_h323_free(rp.h323);
	mg_ils_free(rp.ils);
	mg_ras_alg_free(rp.ras);
	mg_ladder_free(ctx.ladder);
free_cfg:
	free(cfg);
fail:
	free(rp.ended);
	free(rp.made);
	if (rc != 0 && rc != RP_ALL_DROPPED)
		fprintf(stderr, "meetgate replay: %s\n", ctx.err);
	return rc;
}
