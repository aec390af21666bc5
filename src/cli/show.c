/* show.c - `meetgate show calls|flows|pinholes|stats|bindings`: ask the
 * running gateway through its control socket (protocol: src/ctl/ctl.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ctl/ctl.h"

#define SHOW_TIMEOUT_MS 5000

static int usage(FILE *f, int rc)
{
	fprintf(f, "usage: meetgate show calls|flows|pinholes|stats|bindings "
		   "[--socket PATH | --config FILE]\n");
	return rc;
}

int mg_cli_show(int argc, char **argv)
{
	const char *what = NULL, *sock = NULL, *config = NULL;
	char err[512];

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			return usage(stdout, 0);
		int m;
		if ((m = mg_cli_opt("show", argc, argv, &i, "--socket", &sock)) ||
		    (m = mg_cli_opt("show", argc, argv, &i, "--config", &config))) {
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
	/* check locally too, so a typo is reported without a daemon */
	enum mg_ctl_cmd cmd;
	const char *why;
	char req[MG_CTL_LINE_MAX];
	snprintf(req, sizeof(req), "show %s", what);
	if (mg_ctl_parse_request(req, strlen(req), &cmd, &why) != 0) {
		fprintf(stderr, "meetgate show: '%s': expected calls, flows, pinholes, stats or "
				"bindings\n", what);
		return 2;
	}
	struct mg_config *c = NULL;
	if (sock == NULL && config != NULL) {
		c = calloc(1, sizeof(*c));
		if (c == NULL || mg_cli_load_config(config, c, err, sizeof(err)) != 0) {
			fprintf(stderr, "meetgate show: %s\n", c ? err : "out of memory");
			free(c);
			return 1;
		}
		sock = c->live.control;
	}
	if (sock == NULL)
		sock = MG_CFG_CONTROL_DEFAULT;
	int rc = mg_ctl_request(sock, what, stdout, SHOW_TIMEOUT_MS, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "meetgate show: %s\n", err);
	free(c);
	return rc == 0 ? 0 : 1;
}
