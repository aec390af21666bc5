/* cli.h - the `meetgate` subcommands and the helpers they share.
 *
 * Every command is `int fn(int argc, char **argv)` with argv[0] the command
 * name; it returns the process exit status: 0 success, 1 failure (message
 * on stderr naming the file or the bad input), 2 usage error.
 */
#ifndef MG_CLI_H
#define MG_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

int mg_cli_replay(int argc, char **argv);
int mg_cli_check_config(int argc, char **argv);
int mg_cli_run(int argc, char **argv);
int mg_cli_show(int argc, char **argv);
int mg_cli_events(int argc, char **argv);

/* Parse a decimal number in [lo, hi] given to option `opt` of command
 * `cmd`.  Returns 0, or -1 after printing an error that quotes `s`. */
int mg_cli_parse_u64(const char *cmd, const char *opt, const char *s, uint64_t lo, uint64_t hi,
		     uint64_t *out);

/* Option value lookup for "--name VALUE" and "--name=VALUE".  If argv[*i]
 * is option `name`, stores its value in *val (advancing *i past a separate
 * value) and returns 1; returns 0 if it is another argument, -1 (after
 * printing an error) if the value is missing. */
int mg_cli_opt(const char *cmd, int argc, char **argv, int *i, const char *name, const char **val);

/* Load the configuration named on the command line: NULL or "default" is
 * the built-in default, anything else a file parsed over the defaults.
 * Returns -1 with the parser's message in err. */
int mg_cli_load_config(const char *name, struct mg_config *c, char *err, size_t errlen);

/* The control socket a client subcommand talks to: --socket PATH if given,
 * else the `control` of --config FILE, else the default.  The path lives
 * in *buf (caller's) when it came from a file.  NULL after printing
 * "meetgate CMD: <why>". */
const char *mg_cli_control_path(const char *cmd, const char *sock, const char *config,
				char buf[MG_CFG_PATH_MAX]);

#endif
