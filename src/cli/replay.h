/* replay.h - state of one `meetgate replay` run, shared by the driver
 * (replay.c) and the report writers (report.c).  doc/replay.md describes
 * the rules and the report format. */
#ifndef MG_REPLAY_H
#define MG_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/engine.h"
#include "io/pcap.h"

struct mg_h323;
struct mg_ils;
struct mg_ras_alg;

/* One input capture. */
struct mg_replay_input {
	const char *path;
	const char *role;         /* "inside" (IN.pcap) or "outside" (OUT.pcap) */
	int dlt;
	struct mg_pcap_counts c;  /* as read by the pass that fed the engine */
	uint64_t taken[2];        /* datagrams fed, by arrival side */
	uint64_t not_taken;       /* IP datagrams this file does not play */
};

/* A flow that ended during the run, with its strings copied. */
struct mg_replay_flow {
	struct mg_flow_info fi;
	char state[32];
	char alg[32];
};

struct mg_replay {
	const char *config_name;  /* "default" or the path */
	uint64_t seed;
	bool follow_peer;
	struct mg_replay_input in[2];
	unsigned n_in;
	uint64_t retargeted;
	uint64_t pkts_in[2], pkts_out[2]; /* by side, as the replay fed/wrote them */
	uint64_t accepted, dropped, held, emitted;
	uint64_t drops[MG_R__COUNT];      /* drop verdicts by reason */
	uint64_t first_ms, last_ms;
	bool have_time;
	struct mg_replay_flow *ended;
	size_t n_ended, cap_ended;
	uint64_t ended_lost;              /* flow ends not recorded (out of memory) */
	struct mg_binding_info *made;     /* every NAT binding created, in order */
	size_t n_made, cap_made;
	struct mg_engine *e;
	struct mg_h323 *h323; /* NULL when the H.323 ALG is off */
	struct mg_ils *ils;
	struct mg_ras_alg *ras;
};

const char *mg_replay_side_name(unsigned side);

/* report.json and the human summary. */
int mg_replay_report_json(struct mg_replay *rp, FILE *f);
void mg_replay_summary(struct mg_replay *rp, FILE *f);

#endif
