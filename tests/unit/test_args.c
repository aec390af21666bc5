/* test_args.c - the configuration as the subcommands load it: the built-in
 * lab addresses only for `--config default`, a file must give its own. */
#include "harness.h"

#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"

static char err[512];

static uint32_t ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t x[4] = {a, b, c, d};
	uint32_t v;
	memcpy(&v, x, 4);
	return v;
}

/* Write text to a new temporary file; path holds the name. */
static bool temp_conf(char *path, const char *text)
{
	strcpy(path, "/tmp/mg_test_args_XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return false;
	bool ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	return close(fd) == 0 && ok;
}

TEST(args_config_default_is_the_lab)
{
	static struct mg_config c;
	CHECK_EQ(mg_cli_load_config("default", &c, err, sizeof(err)), 0);
	CHECK_EQ(c.n_inside, 1);
	CHECK_EQ(c.inside[0].addr, ip(198, 18, 1, 0));
	CHECK_EQ(c.n_public, 1);
	CHECK_EQ(c.public_addr[0], ip(198, 19, 0, 1));
	CHECK(c.nat);
}

TEST(args_config_file_without_public_or_inside)
{
	static struct mg_config c;
	char path[64], want[256];
	CHECK(temp_conf(path, "inside 198.18.1.0/24\nallow outbound any\n"));
	CHECK_EQ(mg_cli_load_config(path, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: no 'public' line: name the gateway's outside address, "
				     "for example 'public 198.19.0.1'", path);
	CHECK(strcmp(err, want) == 0);
	unlink(path);
	CHECK(temp_conf(path, "public 198.19.0.1\n"));
	CHECK_EQ(mg_cli_load_config(path, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: no 'inside' line: name the inside network, "
				     "for example 'inside 198.18.1.0/24'", path);
	CHECK(strcmp(err, want) == 0);
	unlink(path);
	CHECK(temp_conf(path, "public 198.19.0.7\ninside 198.18.4.0/24\n"));
	CHECK_EQ(mg_cli_load_config(path, &c, err, sizeof(err)), 0);
	CHECK_EQ(c.n_public, 1);
	CHECK_EQ(c.public_addr[0], ip(198, 19, 0, 7));
	CHECK_EQ(c.n_inside, 1);
	CHECK_EQ(c.inside[0].addr, ip(198, 18, 4, 0));
	unlink(path);
}
