/* events.c - `meetgate events [--json]`: stream what happens in a running
 * gateway (calls, flows, pinholes, bindings), one line per event, as
 * conntrack -E does; through the control socket's "events" subscription
 * (src/ctl/ctl.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ctl/ctl.h"

static int usage(FILE *f, int rc)
{
	fprintf(f, "usage: meetgate events [--json] [--socket PATH | --config FILE]\n");
	if (f == stdout)
		fprintf(f, "\nPrint calls, flows, pinholes and bindings of a running gateway as they\n"
			   "begin and end, one line each (--json: one JSON object each), until\n"
			   "interrupted.  \"[LOST] N events\" says a slow reader missed some.\n\n"
			   "  --json          one JSON object per line\n"
			   "  --socket PATH   the gateway's control socket (default " MG_CFG_CONTROL_DEFAULT ")\n"
			   "  --config FILE   take the control socket from this configuration instead\n"
			   "  -h, --help      this text\n\n"
			   "Exit status: 0 the gateway closed the stream or it was interrupted, 1 no\n"
			   "gateway answered, 2 usage error.\n");
	return rc;
}

int mg_cli_events(int argc, char **argv)
{
	const char *sock = NULL, *config = NULL;
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
		int m = mg_cli_opt("events", argc, argv, &i, "--socket", &sock);
		if (m == 0)
			m = mg_cli_opt("events", argc, argv, &i, "--config", &config);
		if (m < 0)
			return 2;
		if (m == 0) {
			fprintf(stderr, "meetgate events: unknown argument '%s'\n", a);
			return usage(stderr, 2);
		}
	}
	char buf[MG_CFG_PATH_MAX];
	const char *path = mg_cli_control_path("events", sock, config, buf);
	if (path == NULL)
		return 1;
	int rc = mg_ctl_events(path, json, stdout, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "meetgate events: %s\n", err);
	return rc == 0 ? 0 : 1;
}
