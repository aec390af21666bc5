/* check_config.c - `meetgate check-config --config FILE`: parse the file and
 * print the effective configuration in file syntax. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CC_FORMAT_START 16384u
#define CC_FORMAT_MAX (1u << 22)

static int usage(void)
{
	fprintf(stderr, "usage: meetgate check-config --config FILE|default\n");
	return 2;
}

/* mg_config_format returns the length it needed (snprintf-like) or -1;
 * grow the buffer until the whole text fits. */
static int print_config(const struct mg_config *c)
{
	size_t cap = CC_FORMAT_START;

	for (;;) {
		char *buf = malloc(cap);
		if (buf == NULL) {
			fprintf(stderr, "meetgate check-config: out of memory\n");
			return 1;
		}
		int n = mg_config_format(c, buf, cap);
		if (n >= 0 && (size_t)n < cap) {
			fputs(buf, stdout);
			free(buf);
			return fflush(stdout) == 0 ? 0 : 1;
		}
		free(buf);
		if (n < 0 || cap >= CC_FORMAT_MAX) {
			fprintf(stderr, "meetgate check-config: cannot render the configuration\n");
			return 1;
		}
		cap *= 4;
	}
}

int mg_cli_check_config(int argc, char **argv)
{
	const char *file = NULL;
	char err[512];
	struct mg_config *c;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: meetgate check-config --config FILE|default\n\n"
			       "Parse a configuration over the built-in defaults and print the effective\n"
			       "configuration in file syntax (read back, it gives the same configuration).\n\n"
			       "  --config FILE   the file to check (meetgate.conf(5)), or `default` for the\n"
			       "                  built-in lab configuration (required)\n"
			       "  -h, --help      this text\n\n"
			       "Exit status: 0 the file is good, 1 it is not (FILE:LINE: message 'token'\n"
			       "on stderr), 2 usage error.\n");
			return 0;
		}
		int m = mg_cli_opt("check-config", argc, argv, &i, "--config", &file);
		if (m < 0)
			return 2;
		if (m == 0) {
			fprintf(stderr, "meetgate check-config: unknown argument '%s'\n", argv[i]);
			return usage();
		}
	}
	if (file == NULL)
		return usage();
	/* struct mg_config holds several fixed tables: keep it off the stack */
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		fprintf(stderr, "meetgate check-config: out of memory\n");
		return 1;
	}
	err[0] = '\0';
	if (mg_cli_load_config(file, c, err, sizeof(err)) != 0) {
		fprintf(stderr, "meetgate check-config: %s\n", err[0] ? err : file);
		free(c);
		return 1;
	}
	rc = print_config(c);
	free(c);
	return rc;
}
