/* test_rules.c - the nftables ruleset text (src/io/rules.c). */
#include "harness.h"

#include "io/rules.h"

static int render(const struct mg_rules_opts *o, char *buf, size_t n)
{
	return mg_rules_text(o, buf, n);
}

TEST(rules_fail_closed_has_no_bypass)
{
	static char t[MG_RULES_TEXT_MAX];
	struct mg_rules_opts o = {"lan0", "wan0", 7, false, MG_RULES_MARK, false};
	int n = render(&o, t, sizeof(t));
	CHECK(n > 0 && (size_t)n == strlen(t));
	CHECK(strstr(t, "queue num 7\n") != NULL);
	CHECK(strstr(t, "bypass") == NULL);
	CHECK(strstr(t, "iifname != { \"lan0\", \"wan0\" } accept\n") != NULL);
	CHECK(strstr(t, "type filter hook prerouting priority raw;") != NULL);
	CHECK(strstr(t, "\t\tnotrack\n\t\tjump enqueue\n\t\tdrop\n") != NULL);
	CHECK(strstr(t, "meta mark 0x6d670001 notrack accept\n") != NULL);
	CHECK(strstr(t, "type filter hook output priority raw;") != NULL);
	/* replaces an old table in the same transaction */
	CHECK(strncmp(t, "table inet meetgate\ndelete table inet meetgate\ntable inet meetgate {\n",
		      68) == 0);
	/* the mark rule comes before the interface filter and the queue */
	CHECK(strstr(t, "meta mark") < strstr(t, "iifname"));
	CHECK(strstr(t, "iifname") < strstr(t, "jump enqueue"));
}

TEST(rules_fail_open_bypasses)
{
	static char t[MG_RULES_TEXT_MAX];
	struct mg_rules_opts o = {"lan0", "wan0", 65535, true, MG_RULES_MARK, false};
	CHECK(render(&o, t, sizeof(t)) > 0);
	CHECK(strstr(t, "queue num 65535 bypass\n") != NULL);
}

TEST(rules_without_queue_statement)
{
	static char t[MG_RULES_TEXT_MAX];
	struct mg_rules_opts o = {"lan0", "wan0", 1, false, 0x10, true};
	CHECK(render(&o, t, sizeof(t)) > 0);
	CHECK(strstr(t, "queue num") == NULL);
	CHECK(strstr(t, "\tchain enqueue {\n\t}\n") != NULL);
	CHECK(strstr(t, "meta mark 0x00000010 notrack") != NULL);
	/* still fail-closed: the drop after the jump */
	CHECK(strstr(t, "jump enqueue\n\t\tdrop\n") != NULL);
}

TEST(rules_refuse_bad_interface_names)
{
	char t[MG_RULES_TEXT_MAX];
	const char *bad[] = {"", "a\"b", "a b", "a\\b", "a'b", "a\nb", "0123456789abcdef", "\x7f"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mg_rules_opts o = {bad[i], "wan0", 0, false, MG_RULES_MARK, false};
		CHECK_EQ(render(&o, t, sizeof(t)), -1);
		o.if_inside = "lan0";
		o.if_outside = bad[i];
		CHECK_EQ(render(&o, t, sizeof(t)), -1);
	}
	struct mg_rules_opts o = {NULL, "wan0", 0, false, MG_RULES_MARK, false};
	CHECK_EQ(render(&o, t, sizeof(t)), -1);
	/* 15 characters is the longest name */
	o.if_inside = "0123456789abcde";
	CHECK(render(&o, t, sizeof(t)) > 0);
}

TEST(rules_text_is_snprintf_like)
{
	static char full[MG_RULES_TEXT_MAX], cut[64];
	struct mg_rules_opts o = {"lan0", "wan0", 3, false, MG_RULES_MARK, false};
	int n = render(&o, full, sizeof(full));
	CHECK(n > 0 && n < MG_RULES_TEXT_MAX);
	CHECK_EQ(render(&o, cut, sizeof(cut)), n);
	CHECK_EQ(strlen(cut), sizeof(cut) - 1);
	CHECK(strncmp(cut, full, sizeof(cut) - 1) == 0);
	CHECK_EQ(render(&o, NULL, 0), n);
	/* the longest names still fit the documented maximum */
	o.if_inside = "0123456789abcde";
	o.if_outside = "edcba9876543210";
	o.queue = 65535;
	o.fail_open = true;
	CHECK(render(&o, NULL, 0) < MG_RULES_TEXT_MAX);
}

TEST(rules_remove_text)
{
	CHECK(strcmp(mg_rules_remove_text(), "table inet meetgate\ndelete table inet meetgate\n") == 0);
}

/* The config directives the ruleset is made from (core/config_parse.c). */
#include "core/config.h"

TEST(rules_config_directives)
{
	static struct mg_config c;
	static char out[MG_CFG_FORMAT_MAX];
	char err[256];
	mg_config_defaults(&c);
	CHECK_EQ(c.live.queue, 0);
	CHECK(!c.live.fail_open);
	CHECK(strcmp(c.live.control, "/run/meetgate.sock") == 0);
	CHECK_EQ(c.live.if_inside[0], '\0');
	CHECK(!c.live.sysctl_keep);
	const char *good = "interface inside lan0\ninterface outside wan.7\nqueue 65535\n"
			   "fail open\ncontrol /run/mg/ctl.sock\nsysctl keep\n"
			   "inside 198.18.1.0/24\npublic 198.19.0.1\n";
	CHECK_EQ(mg_config_parse_string(&c, good, "t", err, sizeof(err)), 0);
	CHECK(strcmp(c.live.if_inside, "lan0") == 0);
	CHECK(strcmp(c.live.if_outside, "wan.7") == 0);
	CHECK_EQ(c.live.queue, 65535);
	CHECK(c.live.fail_open);
	CHECK(strcmp(c.live.control, "/run/mg/ctl.sock") == 0);
	CHECK(c.live.sysctl_keep);
	/* check-config prints them and reads them back */
	CHECK(mg_config_format(&c, out, sizeof(out)) > 0);
	CHECK(strstr(out, "interface outside wan.7\nqueue 65535\nfail open\ncontrol /run/mg/ctl.sock\n"
			  "sysctl keep\n"));
	static struct mg_config d;
	CHECK_EQ(mg_config_parse_string(&d, out, "t", err, sizeof(err)), 0);
	CHECK(memcmp(&c.live, &d.live, sizeof(c.live)) == 0);
}

TEST(rules_config_directives_refused)
{
	static struct mg_config c;
	char err[256];
	const char *bad[][2] = {
		{"interface inside 0123456789abcdef\n", "'0123456789abcdef'"},
		{"interface middle lan0\n", "'middle'"},
		{"interface inside a/b\n", "'a/b'"},
		{"interface inside ..\n", "'..'"},
		{"interface inside\n", "missing argument"},
		{"queue 65536\n", "'65536'"},
		{"queue -1\n", "'-1'"},
		{"fail sometimes\n", "'sometimes'"},
		{"sysctl ignore\n", "expected manage or keep 'ignore'"},
		{"sysctl\n", "missing argument"},
		{"control run/meetgate.sock\n", "must be absolute"},
		{"control /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", "longer than 107"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mg_config_defaults(&c);
		CHECK_EQ(mg_config_parse_string(&c, bad[i][0], "t", err, sizeof(err)), -1);
		CHECK(strncmp(err, "t:1: ", 5) == 0);
		CHECK(strstr(err, bad[i][1]) != NULL);
	}
}
