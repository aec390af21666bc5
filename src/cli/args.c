/* args.c - option and number parsing shared by the subcommands. */
#include "cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mg_cli_parse_u64(const char *cmd, const char *opt, const char *s, uint64_t lo, uint64_t hi,
		     uint64_t *out)
{
	char *end = NULL;
	unsigned long long v;

	/* strtoull accepts leading blanks and a sign; a number here does not */
	if (!isdigit((unsigned char)s[0]))
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || *end != '\0')
		goto bad;
	if (errno == ERANGE || v < lo || v > hi) {
		fprintf(stderr, "meetgate %s: %s: '%s' is out of range %llu..%llu\n", cmd, opt, s,
			(unsigned long long)lo, (unsigned long long)hi);
		return -1;
	}
	*out = v;
	return 0;
bad:
	fprintf(stderr, "meetgate %s: %s: '%s' is not a decimal number\n", cmd, opt, s);
	return -1;
}

int mg_cli_opt(const char *cmd, int argc, char **argv, int *i, const char *name, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "meetgate %s: %s needs a value\n", cmd, name);
		return -1;
	}
	*i += 1;
	*val = argv[*i];
	return 1;
}

int mg_cli_load_config(const char *name, struct mg_config *c, char *err, size_t errlen)
{
	mg_config_defaults(c);
	if (name == NULL || strcmp(name, "default") == 0)
		return 0;
	return mg_config_parse_file(c, name, err, errlen);
}

const char *mg_cli_control_path(const char *cmd, const char *sock, const char *config,
				char buf[MG_CFG_PATH_MAX])
{
	if (sock != NULL)
		return sock;
	if (config == NULL)
		return MG_CFG_CONTROL_DEFAULT;
	struct mg_config *c = calloc(1, sizeof(*c));
	char err[512];
	if (c == NULL || mg_cli_load_config(config, c, err, sizeof(err)) != 0) {
		fprintf(stderr, "meetgate %s: %s\n", cmd, c ? err : "out of memory");
		free(c);
		return NULL;
	}
	memcpy(buf, c->live.control, MG_CFG_PATH_MAX);
	free(c);
	return buf;
}
