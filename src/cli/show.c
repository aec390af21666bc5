/* show.c - `meetgate show calls|flows|pinholes|stats|bindings|directory`: ask the
 * running gateway through its control socket (protocol: src/ctl/ctl.h).
 * Options become words of the request; the daemon filters the rows and,
 * with --json, renders them as JSON.  `show calls --ladder N` asks for one
 * live call's ladder instead of the table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ctl/ctl.h"

#define SHOW_TIMEOUT_MS 5000

static int usage(FILE *f, int rc)
{
	fprintf(f, "usage: meetgate show calls|flows|pinholes|stats|bindings|directory|registrations [--json]\n"
		   "         [--proto tcp|udp|icmp|icmpv6] [--port N] [--addr A] [--call N]\n"
		   "         [--socket PATH | --config FILE]\n"
		   "       meetgate show calls --ladder N [--json] [--socket PATH | --config FILE]\n");
	if (f == stdout)
		fprintf(f, "\nPrint a table of a running gateway: its calls, flows, pinholes, NAT\n"
			   "bindings, counters (stats: pkts, drops and events by reason) or its\n"
			   "directory of inside endpoints (directory: alias, class, type, inside\n"
			   "address:port, origin static|setup|ils|ras, age, expires, hits, and the\n"
			   "pool address the entry holds or -), or the RAS registrations of inside\n"
			   "endpoints (registrations: inside and public call-signalling address:port,\n"
			   "gatekeeper, seconds left, aliases).\n\n"
			   "  --json          one JSON document instead of a table\n"
			   "  --proto P       only rows of protocol P (flows, pinholes, bindings)\n"
			   "  --port N        only rows with N as either port (flows, pinholes, bindings)\n"
			   "  --addr A        only rows with address A anywhere (IPv4 or IPv6; all tables;\n"
			   "                  directory: its inside address; registrations: inside,\n"
			   "                  public or gatekeeper address)\n"
			   "  --call N        only call N, or the flows and pinholes it owns\n"
			   "  --ladder N      the signalling ladder of live call N: messages each way,\n"
			   "                  rewrites (before -> after), pinholes, problems\n"
			   "  --socket PATH   the gateway's control socket (default " MG_CFG_CONTROL_DEFAULT ")\n"
			   "  --config FILE   take the control socket from this configuration instead\n"
			   "  -h, --help      this text\n\n"
			   "Filters combine (all must hold); one a table cannot apply is an error.\n"
			   "Exit status: 0 printed, 1 no gateway answered or it refused the request,\n"
			   "2 usage error.\n");
	return rc;
}

/* Filter options (and --ladder) and the request word each becomes. */
static const struct {
	const char *opt, *word;
} filters[] = {
	{"--proto", "proto"},
	{"--port", "port"},
	{"--addr", "addr"},
	{"--call", "call"},
	{"--ladder", "ladder"},
};
#define N_FILTERS (sizeof(filters) / sizeof(filters[0]))

int mg_cli_show(int argc, char **argv)
{
	const char *what = NULL, *sock = NULL, *config = NULL;
	const char *val[N_FILTERS] = {NULL};
	bool json = false;
	char err[512];

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			return usage(stdout, 0);
		if (strcmp(a, "--json") == 0) {
			json = true;
			continue;
		}
		int m = 0;
		for (size_t k = 0; k < N_FILTERS && m == 0; k++)
			m = mg_cli_opt("show", argc, argv, &i, filters[k].opt, &val[k]);
		if (m == 0 && (m = mg_cli_opt("show", argc, argv, &i, "--socket", &sock)) == 0)
			m = mg_cli_opt("show", argc, argv, &i, "--config", &config);
		if (m != 0) {
			if (m < 0)
				return 2;
			continue;
		}
		if (a[0] == '-' || what != NULL) {
			fprintf(stderr, "meetgate show: unknown argument '%s'\n", a);
			return usage(stderr, 2);
		}
		what = a;
	}
	if (what == NULL)
		return usage(stderr, 2);
	/* the request without "show ", checked here too, so that a typo is
	 * reported without a daemon */
	char req[MG_CTL_LINE_MAX];
	size_t len = (size_t)snprintf(req, sizeof(req), "%s%s", what, json ? " json" : "");
	for (size_t k = 0; k < N_FILTERS && len < sizeof(req); k++) {
		if (val[k] == NULL)
			continue;
		if (val[k][0] == '\0' || strchr(val[k], ' ') != NULL) {
			fprintf(stderr, "meetgate show: %s '%s': expected one word\n", filters[k].opt,
				val[k]);
			return 2;
		}
		len += (size_t)snprintf(req + len, sizeof(req) - len, " %s=%s", filters[k].word,
					val[k]);
	}
	char line[MG_CTL_LINE_MAX + 8];
	int ll = snprintf(line, sizeof(line), "show %s", req);
	struct mg_ctl_req r;
	const char *why;
	if (len >= sizeof(req) || ll < 0 || (size_t)ll >= sizeof(line)) {
		fprintf(stderr, "meetgate show: the options make too long a request\n");
		return 2;
	}
	if (mg_ctl_parse_request(line, (size_t)ll, &r, &why) != 0) {
		if (strncmp(why, "unknown request", 15) == 0)
			fprintf(stderr, "meetgate show: '%s': expected calls, flows, pinholes, stats, "
					"bindings, directory or registrations\n", what);
		else
			fprintf(stderr, "meetgate show %s: %s\n", what, why);
		return 2;
	}
	char buf[MG_CFG_PATH_MAX];
	const char *path = mg_cli_control_path("show", sock, config, buf);
	if (path == NULL)
		return 1;
	int rc = mg_ctl_request(path, req, json, stdout, SHOW_TIMEOUT_MS, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "meetgate show: %s\n", err);
	return rc == 0 ? 0 : 1;
}
