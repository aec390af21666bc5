/* main.c - `meetgate <command> [args]`: one row per subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/version.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{"replay", mg_cli_replay, "Run captures through the gateway engine and report the result"},
	{"check-config", mg_cli_check_config, "Parse a configuration and print it as meetgate sees it"},
	{"run", mg_cli_run, "Run the live gateway on Linux (NFQUEUE and nftables)"},
	{"show", mg_cli_show, "Ask a running gateway for its calls, flows, pinholes, bindings, stats or directory"},
	{"events", mg_cli_events, "Stream a running gateway's calls, flows, pinholes and bindings live"},
	{"version", cmd_version, "Print the version"},
	{"help", cmd_help, "Show this list"},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void show_usage(FILE *f)
{
	fprintf(f, "usage: meetgate <command> [arguments]\n\ncommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n`meetgate <command> --help` describes the arguments of a command;\n"
		   "`meetgate --help` and `meetgate --version` are `help` and `version`.\n"
		   "Exit status: 0 success, 1 failure (the message names the file or input),\n"
		   "2 usage error.  Manual: meetgate(8), meetgate.conf(5).\n");
}

static int cmd_help(int argc, char **argv)
{
	show_usage(stdout);
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	printf("meetgate %s\n", MG_VERSION);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		show_usage(stderr);
		return 2;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
		name = "help";
	else if (strcmp(name, "--version") == 0)
		name = "version";
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(name, commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "meetgate: unknown command '%s'\n\n", argv[1]);
	show_usage(stderr);
	return 2;
}
