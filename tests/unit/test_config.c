/* test_config.c - configuration defaults, parsing, errors, round trip. */
#include "harness.h"

#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>

#include "core/config.h"
#include "core/engine.h"
#include "core/pkt.h"

static uint32_t ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t x[4] = {a, b, c, d};
	uint32_t v;
	memcpy(&v, x, 4);
	return v;
}

/* Field-by-field: struct padding may differ between equal configs. */
static bool cfg_equal(const struct mg_config *a, const struct mg_config *b)
{
	if (a->n_inside != b->n_inside || a->n_public != b->n_public ||
	    a->n_forward != b->n_forward || a->n_allow != b->n_allow || a->allow_set != b->allow_set ||
	    a->nat != b->nat || a->max_flows != b->max_flows || a->max_bindings != b->max_bindings ||
	    a->max_pinholes != b->max_pinholes || a->max_calls != b->max_calls ||
	    a->max_frags != b->max_frags || a->max_frags_per_src != b->max_frags_per_src ||
	    a->port_lo != b->port_lo || a->port_hi != b->port_hi ||
	    memcmp(&a->to, &b->to, sizeof(a->to)) != 0 || a->alg_h323 != b->alg_h323 ||
	    a->untranslatable != b->untranslatable || a->log_rate != b->log_rate ||
	    a->log_level != b->log_level ||
	    a->media_source != b->media_source)
		return false;
	for (unsigned i = 0; i < a->n_inside; i++)
		if (a->inside[i].addr != b->inside[i].addr || a->inside[i].mask != b->inside[i].mask)
			return false;
	for (unsigned i = 0; i < a->n_public; i++)
		if (a->public_addr[i] != b->public_addr[i])
			return false;
	for (unsigned i = 0; i < a->n_forward; i++) {
		const struct mg_forward *x = &a->forward[i], *y = &b->forward[i];
		if (x->proto != y->proto || x->pub_addr != y->pub_addr || x->pub_port != y->pub_port ||
		    x->pub_port_hi != y->pub_port_hi || x->to_addr != y->to_addr ||
		    x->to_port != y->to_port)
			return false;
	}
	for (unsigned i = 0; i < a->n_allow; i++)
		if (a->allow[i].proto != b->allow[i].proto || a->allow[i].lo != b->allow[i].lo ||
		    a->allow[i].hi != b->allow[i].hi)
			return false;
	if (a->n_alias != b->n_alias || a->max_directory != b->max_directory || a->n_pool != b->n_pool)
		return false;
	for (unsigned i = 0; i < a->n_pool; i++)
		if (a->pool_addr[i] != b->pool_addr[i])
			return false;
	for (unsigned i = 0; i < a->n_alias; i++) {
		const struct mg_alias_cfg *x = &a->alias[i], *y = &b->alias[i];
		if (strcmp(x->name, y->name) != 0 || x->type != y->type || x->addr != y->addr ||
		    x->port != y->port || x->pool != y->pool)
			return false;
	}
	return true;
}

static char err[256];

static int parse(struct mg_config *c, const char *text)
{
	return mg_config_parse_string(c, text, "t.conf", err, sizeof(err));
}

TEST(config_defaults)
{
	struct mg_config c;
	mg_config_defaults(&c);
	CHECK_EQ(c.n_inside, 1);
	CHECK_EQ(c.inside[0].addr, ip(198, 18, 1, 0));
	CHECK_EQ(c.inside[0].mask, ip(255, 255, 255, 0));
	CHECK_EQ(c.n_public, 1);
	CHECK_EQ(c.public_addr[0], ip(198, 19, 0, 1));
	CHECK_EQ(c.n_forward, 0);
	CHECK(!c.allow_set);
	/* KB 158623: TCP 389, 522, 1503, 1720, 1731 and UDP 1719 */
	static const struct {
		uint8_t proto;
		uint16_t port;
	} kb[] = {{MG_PROTO_TCP, 389},  {MG_PROTO_TCP, 522},  {MG_PROTO_TCP, 1503},
		  {MG_PROTO_TCP, 1720}, {MG_PROTO_TCP, 1731}, {MG_PROTO_UDP, 1719}};
	CHECK_EQ(c.n_allow, 6);
	for (unsigned i = 0; i < 6; i++) {
		CHECK_EQ(c.allow[i].proto, kb[i].proto);
		CHECK_EQ(c.allow[i].lo, kb[i].port);
		CHECK_EQ(c.allow[i].hi, kb[i].port);
	}
	CHECK(c.nat);
	CHECK(c.alg_h323);
	CHECK_EQ(c.untranslatable, MG_UNTRANS_DROP);
	CHECK_EQ(c.max_flows, 65536);
	CHECK_EQ(c.max_bindings, 65536);
	CHECK_EQ(c.max_pinholes, 16384);
	CHECK_EQ(c.max_calls, 4096);
	CHECK_EQ(c.max_frags, 1024);
	CHECK_EQ(c.max_frags_per_src, 64);
	CHECK_EQ(c.port_lo, 1024);
	CHECK_EQ(c.port_hi, 65535);
	CHECK_EQ(c.to.tcp_syn_sent, 120);
	CHECK_EQ(c.to.tcp_syn_recv, 60);
	CHECK_EQ(c.to.tcp_established, 7440);
	CHECK_EQ(c.to.tcp_fin_wait, 120);
	CHECK_EQ(c.to.tcp_close_wait, 60);
	CHECK_EQ(c.to.tcp_last_ack, 30);
	CHECK_EQ(c.to.tcp_time_wait, 120);
	CHECK_EQ(c.to.tcp_close, 10);
	CHECK_EQ(c.to.udp, 30);
	CHECK_EQ(c.to.udp_stream, 180);
	CHECK_EQ(c.to.icmp, 30);
	CHECK_EQ(c.to.pinhole, 300);
	CHECK_EQ(c.to.frag, 30);
	CHECK_EQ(c.log_rate, 10);
	CHECK_EQ(c.log_level, MG_LOG_NOTICE);
	CHECK_EQ(c.to.directory, 3600);
	CHECK_EQ(c.to.route_setup, 5);
	CHECK_EQ(c.max_directory, 4096);
	CHECK_EQ(c.max_route_pending, 1024);
	CHECK_EQ(c.max_route_pending_per_source, 16);
	CHECK_EQ(c.to.registration, 3600);
	CHECK_EQ(c.to.registration_grace, 30);
	CHECK_EQ(c.max_registrations, 1024);
	CHECK(c.alg_ras);
	CHECK(!c.ras_reachable_gk);
	CHECK_EQ(mg_config_n_timeout_names, 18);
}

TEST(config_ras_lines_round_trip)
{
	static const char *text = "inside 198.18.1.0/24\npublic 198.19.0.1\nalg ras off\nras reachable gatekeeper\n"
				  "max registrations 77\ntimeout registration 600\ntimeout registration-grace 5\n";
	struct mg_config c, c2;
	char msg[256];
	static char out[MG_CFG_FORMAT_MAX];
	mg_config_defaults(&c);
	CHECK_EQ(mg_config_parse_string(&c, text, "t.conf", msg, sizeof(msg)), 0);
	CHECK(!c.alg_ras);
	CHECK(c.ras_reachable_gk);
	CHECK_EQ(c.max_registrations, 77);
	CHECK_EQ(c.to.registration, 600);
	CHECK_EQ(c.to.registration_grace, 5);
	CHECK(mg_config_format(&c, out, sizeof(out)) > 0);
	CHECK(strstr(out, "alg ras off\n") != NULL);
	CHECK(strstr(out, "ras reachable gatekeeper\n") != NULL);
	CHECK(strstr(out, "max registrations 77\n") != NULL);
	CHECK(strstr(out, "timeout registration-grace 5\n") != NULL);
	mg_config_defaults(&c2);
	CHECK_EQ(mg_config_parse_string(&c2, out, "out.conf", msg, sizeof(msg)), 0);
	CHECK(!c2.alg_ras);
	CHECK(c2.ras_reachable_gk);
	CHECK_EQ(c2.max_registrations, 77);
	CHECK_EQ(c2.to.registration, 600);
	CHECK_EQ(c2.to.registration_grace, 5);
	mg_config_defaults(&c);
	CHECK_EQ(mg_config_parse_string(&c, "ras reachable nobody\n", "t.conf", msg, sizeof(msg)), -1);
	CHECK(strcmp(msg, "t.conf:1: expected any or gatekeeper 'nobody'") == 0);
}

TEST(config_h460_policy)
{
	static const char *const names[3] = {"confirmed", "pass", "translate"};
	struct mg_config c;
	char msg[256], text[64];
	static char out[MG_CFG_FORMAT_MAX];
	mg_config_defaults(&c);
	CHECK_EQ(c.h460, MG_H460_CONFIRMED);
	for (int i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "alg h460 %s\n", names[i]);
		char full[160];
		snprintf(full, sizeof(full), "inside 198.18.1.0/24\npublic 198.19.0.1\n%s", text);
		mg_config_defaults(&c);
		CHECK_EQ(mg_config_parse_string(&c, full, "t.conf", msg, sizeof(msg)), 0);
		CHECK_EQ((int)c.h460, i);
		CHECK(mg_config_format(&c, out, sizeof(out)) > 0);
		CHECK(strstr(out, text) != NULL);
	}
	mg_config_defaults(&c);
	CHECK_EQ(mg_config_parse_string(&c, "alg h460 always\n", "t.conf", msg, sizeof(msg)), -1);
	CHECK(strcmp(msg, "t.conf:1: expected confirmed, pass or translate 'always'") == 0);
}

TEST(config_datapath)
{
	static const struct {
		const char *line;
		int path, mode;
		const char *printed; /* what format writes back, "" = nothing */
	} ok[] = {
		{"datapath nfqueue\n", MG_DATAPATH_NFQUEUE, MG_XDP_AUTO, ""},
		{"datapath afxdp\n", MG_DATAPATH_AFXDP, MG_XDP_AUTO, "datapath afxdp\n"},
		{"datapath afxdp auto\n", MG_DATAPATH_AFXDP, MG_XDP_AUTO, "datapath afxdp\n"},
		{"datapath afxdp native\n", MG_DATAPATH_AFXDP, MG_XDP_NATIVE, "datapath afxdp native\n"},
		{"datapath afxdp generic\n", MG_DATAPATH_AFXDP, MG_XDP_GENERIC, "datapath afxdp generic\n"},
	};
	struct mg_config c, back;
	char msg[256], full[160];
	static char out[MG_CFG_FORMAT_MAX];
	mg_config_defaults(&c);
	CHECK_EQ(c.live.datapath, MG_DATAPATH_NFQUEUE);
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(full, sizeof(full), "inside 198.18.1.0/24\npublic 198.19.0.1\n%s", ok[i].line);
		mg_config_defaults(&c);
		CHECK_EQ(mg_config_parse_string(&c, full, "t.conf", msg, sizeof(msg)), 0);
		CHECK_EQ((int)c.live.datapath, ok[i].path);
		CHECK_EQ((int)c.live.xdp_mode, ok[i].mode);
		CHECK(mg_config_format(&c, out, sizeof(out)) > 0);
		if (ok[i].printed[0])
			CHECK(strstr(out, ok[i].printed) != NULL);
		else
			CHECK(strstr(out, "datapath") == NULL);
		mg_config_defaults(&back);
		CHECK_EQ(mg_config_parse_string(&back, out, "t.conf", msg, sizeof(msg)), 0);
		CHECK_EQ(back.live.datapath, c.live.datapath);
		CHECK_EQ(back.live.xdp_mode, c.live.xdp_mode);
	}
	static const struct {
		const char *line, *want;
	} bad[] = {
		{"datapath xdp\n", "t.conf:1: expected nfqueue or afxdp 'xdp'"},
		{"datapath afxdp fast\n", "t.conf:1: expected auto, native or generic 'fast'"},
		{"datapath nfqueue native\n", "t.conf:1: datapath nfqueue takes no mode 'native'"},
		{"datapath\n", NULL},
		{"datapath afxdp native extra\n", NULL},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mg_config_defaults(&c);
		CHECK_EQ(mg_config_parse_string(&c, bad[i].line, "t.conf", msg, sizeof(msg)), -1);
		if (bad[i].want)
			CHECK(strcmp(msg, bad[i].want) == 0);
		CHECK_EQ(c.live.datapath, MG_DATAPATH_NFQUEUE);
	}
}

TEST(config_route_lines_round_trip)
{
	struct mg_config c;
	char emsg[256], out[MG_CFG_FORMAT_MAX];
	CHECK(mg_config_parse_string(&c, "inside 198.18.1.0/24\npublic 198.19.0.1\npublic 198.19.0.2\n"
					 "route h323 198.19.0.2\nroute h323 198.19.0.1\n",
				     "t.conf", emsg, sizeof(emsg)) == 0);
	CHECK(!c.route_all && c.n_route == 2);
	CHECK(mg_config_format(&c, out, sizeof(out)) > 0);
	CHECK(strstr(out, "route h323 198.19.0.2\nroute h323 198.19.0.1\n") != NULL);
	CHECK(mg_config_parse_string(&c, "inside 198.18.1.0/24\npublic 198.19.0.1\nroute h323\n", "t.conf", emsg,
				     sizeof(emsg)) == 0);
	CHECK(c.route_all && c.n_route == 0);
	CHECK(mg_config_format(&c, out, sizeof(out)) > 0 && strstr(out, "route h323\n") != NULL);
	struct mg_config d;
	CHECK(mg_config_parse_string(&d, out, "again", emsg, sizeof(emsg)) == 0 && d.route_all);
}

TEST(config_spec_example)
{
	struct mg_config c, want;
	CHECK_EQ(parse(&c, "inside 198.18.1.0/24\npublic 198.19.0.1\n"
			   "forward tcp 1720 to 198.18.1.10:1720\n"),
		 0);
	mg_config_defaults(&want);
	want.n_forward = 1;
	want.forward[0] = (struct mg_forward){MG_PROTO_TCP, 0, 1720, 1720, ip(198, 18, 1, 10), 1720};
	CHECK(cfg_equal(&c, &want));
	CHECK_EQ(err[0], '\0');
}

TEST(config_file_addresses_replace_defaults)
{
	struct mg_config c;
	CHECK_EQ(parse(&c, "inside 198.18.1.0/24\npublic 198.19.0.7\npublic 198.19.0.8\n"), 0);
	CHECK_EQ(c.n_public, 2);
	CHECK_EQ(c.public_addr[0], ip(198, 19, 0, 7));
	CHECK_EQ(c.public_addr[1], ip(198, 19, 0, 8));
	CHECK(!mg_config_is_public(&c, ip(198, 19, 0, 1))); /* the default's is gone */
	CHECK_EQ(parse(&c, "inside 198.18.4.0/22\ninside 198.18.9.128/25\npublic 198.19.0.1\n"), 0);
	CHECK_EQ(c.n_inside, 2);
	CHECK_EQ(c.inside[1].mask, ip(255, 255, 255, 128));
	CHECK(mg_config_is_inside(&c, ip(198, 18, 7, 255)));
	CHECK(!mg_config_is_inside(&c, ip(198, 18, 8, 0)));
	CHECK(mg_config_is_inside(&c, ip(198, 18, 9, 200)));
	CHECK(!mg_config_is_inside(&c, ip(198, 18, 9, 100)));
	CHECK(!mg_config_is_inside(&c, ip(198, 18, 1, 10))); /* default replaced */
	CHECK(mg_config_is_public(&c, ip(198, 19, 0, 1)));
	CHECK(!mg_config_is_public(&c, ip(198, 19, 0, 2)));
}

/* The lab addresses of the default belong to `--config default`: a file that
 * leaves out `inside` or `public` is refused, naming what is missing and
 * showing a line that would do. */
TEST(config_file_without_public_refused)
{
	struct mg_config c;
	mg_config_defaults(&c);
	c.log_rate = 4242;
	CHECK_EQ(parse(&c, "inside 198.18.1.0/24\nforward tcp 1720 to 198.18.1.10:1720\n"), -1);
	CHECK(strcmp(err, "t.conf: no 'public' line: name the gateway's outside address, "
			  "for example 'public 198.19.0.1'") == 0);
	CHECK_EQ(c.log_rate, 4242);
	CHECK_EQ(parse(&c, "inside 198.18.1.0/24\nnat off\n"), -1); /* a filter too */
	CHECK(strstr(err, "no 'public' line") != NULL);
}

TEST(config_file_without_inside_refused)
{
	struct mg_config c;
	CHECK_EQ(parse(&c, "public 198.19.0.1\n"), -1);
	CHECK(strcmp(err, "t.conf: no 'inside' line: name the inside network, "
			  "for example 'inside 198.18.1.0/24'") == 0);
	/* before the forward checks, which would blame the forward */
	CHECK_EQ(parse(&c, "public 198.19.0.1\nforward tcp 1720 to 198.18.1.10:1720\n"), -1);
	CHECK(strstr(err, "t.conf: no 'inside' line") == err);
	/* an empty file is no longer the default */
	CHECK_EQ(parse(&c, ""), -1);
	CHECK(strstr(err, "t.conf: no 'inside' line") == err);
	CHECK_EQ(parse(&c, "# nothing\n\n"), -1);
	CHECK(strstr(err, "t.conf: no 'inside' line") == err);
}

TEST(config_allow_lines)
{
	struct mg_config c;
	CHECK_EQ(parse(&c, "allow outbound tcp 1720,5000-5010\nallow outbound icmp\n"
			   "allow outbound udp 1719\ninside 198.18.1.0/24\npublic 198.19.0.1\n"),
		 0);
	CHECK(c.allow_set);
	CHECK_EQ(c.n_allow, 4);
	CHECK_EQ(c.allow[0].proto, MG_PROTO_TCP);
	CHECK_EQ(c.allow[0].lo, 1720);
	CHECK_EQ(c.allow[1].lo, 5000);
	CHECK_EQ(c.allow[1].hi, 5010);
	CHECK_EQ(c.allow[2].proto, MG_PROTO_ICMP);
	CHECK_EQ(c.allow[3].proto, MG_PROTO_UDP);
	CHECK_EQ(parse(&c, "allow outbound any\ninside 198.18.1.0/24\npublic 198.19.0.1\n"), 0);
	CHECK_EQ(c.n_allow, 1);
	CHECK_EQ(c.allow[0].proto, 0);
}

TEST(config_settings_and_comments)
{
	struct mg_config c;
	CHECK_EQ(parse(&c, "# a comment\r\n\r\n   \t\nnat off   # filter only\r\n"
			   "alg h323 off\nalg untranslatable pass\nmax flows 100\n"
			   "max frags 16777216\nmax frags-per-source 8\nports 20000-20099\ntimeout udp-stream 90\n"
			   "timeout frag 1\nlog-rate 0\nlog-level debug\ninside 198.18.1.0/24\npublic 198.19.0.1\n"),
		 0);
	CHECK(!c.nat);
	CHECK(!c.alg_h323);
	CHECK_EQ(c.untranslatable, MG_UNTRANS_PASS);
	CHECK_EQ(c.max_flows, 100);
	CHECK_EQ(c.max_frags, 16777216);
	CHECK_EQ(c.max_frags_per_src, 8);
	CHECK_EQ(c.port_lo, 20000);
	CHECK_EQ(c.port_hi, 20099);
	CHECK_EQ(c.to.udp_stream, 90);
	CHECK_EQ(c.to.frag, 1);
	CHECK_EQ(c.log_rate, 0);
	CHECK_EQ(c.log_level, MG_LOG_DEBUG);
	/* a file with only the addresses: the default for everything else */
	CHECK_EQ(parse(&c, "inside 198.18.1.0/24\npublic 198.19.0.1\n"), 0);
	struct mg_config d;
	mg_config_defaults(&d);
	CHECK(cfg_equal(&c, &d));
}

TEST(config_forward_public_checked_after_file)
{
	struct mg_config c;
	CHECK_EQ(parse(&c, "forward tcp 198.19.0.2:1720 to 198.18.1.11:1720\n"
			   "public 198.19.0.1\npublic 198.19.0.2\ninside 198.18.1.0/24\n"),
		 0);
	CHECK_EQ(c.forward[0].pub_addr, ip(198, 19, 0, 2));
	CHECK_EQ(parse(&c, "public 198.19.0.1\n"
			   "forward tcp 198.19.0.2:1720 to 198.18.1.11:1720\n# end\ninside 198.18.1.0/24\n"),
		 -1);
	CHECK(strcmp(err, "t.conf:2: forward address is not a 'public' address '198.19.0.2'") == 0);
	/* the same port on two public addresses, and a fallback for the rest */
	CHECK_EQ(parse(&c, "public 198.19.0.1\npublic 198.19.0.2\npublic 198.19.0.3\n"
			   "forward tcp 198.19.0.1:1720 to 198.18.1.10:1720\n"
			   "forward tcp 198.19.0.2:1720 to 198.18.1.11:1720\n"
			   "forward tcp 1720 to 198.18.1.12:1720\n"
			   "forward udp 1720 to 198.18.1.12:1720\ninside 198.18.1.0/24\n"),
		 0);
	CHECK_EQ(c.n_forward, 4);
	CHECK_EQ(parse(&c, "forward udp 5000-5009 to 198.18.1.20:6000\n"
			   "inside 198.18.1.0/24\npublic 198.19.0.1\n"),
		 0);
	CHECK_EQ(c.forward[0].pub_port_hi, 5009);
	CHECK_EQ(c.forward[0].to_port, 6000);
}

struct err_case {
	const char *text;
	const char *want; /* the exact message */
};

static const struct err_case err_cases[] = {
	{"nat on\n\nfrobnicate 3\n", "t.conf:3: unknown directive 'frobnicate'"},
	{"public\n", "t.conf:1: missing argument after 'public'"},
	{"max flows\n", "t.conf:1: missing argument after 'flows'"},
	{"nat on off\n", "t.conf:1: extra argument 'off'"},
	{"allow outbound any tcp\n", "t.conf:1: extra argument 'tcp'"},
	{"inside 198.18.1.0/33\n", "t.conf:1: prefix length must be 0 to 32 '198.18.1.0/33'"},
	{"inside 198.18.1.0/\n", "t.conf:1: prefix length must be 0 to 32 '198.18.1.0/'"},
	{"inside 198.18.1.0\n", "t.conf:1: expected <address>/<length> '198.18.1.0'"},
	{"inside 198.18.1.1/24\n", "t.conf:1: prefix has host bits set '198.18.1.1/24'"},
	{"inside 198.18.1.0/24\ninside 198.18.1.0/24\n", "t.conf:2: duplicate inside prefix '198.18.1.0/24'"},
	{"public 198.19.0.256\n", "t.conf:1: bad IPv4 address '198.19.0.256'"},
	{"public 198.19.0\n", "t.conf:1: bad IPv4 address '198.19.0'"},
	{"public 198.019.0.1\n", "t.conf:1: bad IPv4 address '198.019.0.1'"},
	{"public 198.19.0.1.\n", "t.conf:1: bad IPv4 address '198.19.0.1.'"},
	{"public 0.0.0.0\n", "t.conf:1: 0.0.0.0 cannot be a public address '0.0.0.0'"},
	{"forward tcp 0 to 198.18.1.10:1720\n", "t.conf:1: port must be a number from 1 to 65535 '0'"},
	{"allow outbound tcp 1720,70000\n", "t.conf:1: port must be a number from 1 to 65535 '70000'"},
	{"allow outbound tcp 1720,,1721\n", "t.conf:1: empty entry in port list '1720,,1721'"},
	{"allow outbound tcp\n", "t.conf:1: missing port list 'tcp'"},
	{"allow inbound tcp 1720\n", "t.conf:1: expected 'outbound' 'inbound'"},
	{"allow outbound sctp 1\n", "t.conf:1: expected any, tcp, udp or icmp 'sctp'"},
	{"ports 2000-1000\n", "t.conf:1: port range runs backwards '2000-1000'"},
	{"ports 0-1000\n", "t.conf:1: port must be a number from 1 to 65535 '0'"},
	{"ports 1024\n", "t.conf:1: expected <low>-<high> '1024'"},
	{"forward sctp 1 to 198.18.1.10:1\n", "t.conf:1: expected tcp or udp 'sctp'"},
	{"forward tcp 1720 at 198.18.1.10:1720\n", "t.conf:1: expected 'to' 'at'"},
	{"forward tcp 1720 to 198.18.1.10\n", "t.conf:1: expected <address>:<port> '198.18.1.10'"},
	{"forward udp 65000-65100 to 198.18.1.10:65500\n",
	 "t.conf:1: target port range runs past 65535 '198.18.1.10:65500'"},
	{"forward tcp 1720 to 198.18.1.10:1720\nforward tcp 1700-1800 to 198.18.1.11:1700\n",
	 "t.conf:2: overlaps the forward on line 1 '1700-1800'"},
	{"public 198.19.0.1\npublic 198.19.0.2\nforward udp 198.19.0.2:9-10 to 198.18.1.1:9\n"
	 "forward udp 198.19.0.2:10 to 198.18.1.1:10\n",
	 "t.conf:4: overlaps the forward on line 3 '198.19.0.2:10'"},
	{"public 198.19.0.1\npublic 198.19.0.2\nforward tcp 1720 to 198.18.1.10:1720\n"
	 "forward tcp 198.19.0.2:1720 to 198.18.1.11:1720\n",
	 "t.conf:4: is shadowed by the forward on line 3 '198.19.0.2:1720'"},
	{"forward tcp 1720 to 198.18.7.10:1720\ninside 198.18.1.0/24\npublic 198.19.0.1\n",
	 "t.conf:1: forward target is not inside '198.18.7.10'"},
	{"nat maybe\n", "t.conf:1: expected on or off 'maybe'"},
	{"alg sip on\n", "t.conf:1: expected h323, ras, h460, untranslatable, media-source or malformed-outside 'sip'"},
	{"alg media-source mcu\n", "t.conf:1: expected peer, negotiated or any 'mcu'"},
	{"alg untranslatable keep\n", "t.conf:1: expected drop or pass 'keep'"},
	{"max sessions 5\n", "t.conf:1: expected flows, bindings, pinholes, calls, frags, frags-per-source, embryonic, signalling-per-source, pending-per-source, directory, registrations, route-pending or route-pending-per-source 'sessions'"},
	{"max flows 0\n", "t.conf:1: count must be a number from 1 to 16777216 '0'"},
	{"max flows 0x10\n", "t.conf:1: count must be a number from 1 to 16777216 '0x10'"},
	{"max flows 16777217\n", "t.conf:1: count must be a number from 1 to 16777216 '16777217'"},
	{"max flows 99999999999999999999999\n",
	 "t.conf:1: count must be a number from 1 to 16777216 '99999999999999999999999'"},
	{"timeout tcp-forever 5\n", "t.conf:1: unknown timeout name 'tcp-forever'"},
	{"timeout udp 0\n", "t.conf:1: seconds must be a number from 1 to 31536000 '0'"},
	{"log-rate -1\n", "t.conf:1: rate must be a number from 0 to 1000000 '-1'"},
	{"log-rate +5\n", "t.conf:1: rate must be a number from 0 to 1000000 '+5'"},
	{"log-level loud\n", "t.conf:1: level must be error, warning, notice, info or debug 'loud'"},
	{"inside 198.18.1.0/24\npublic 198.18.1.77\n", "t.conf: public address lies inside '198.18.1.77'"},
	{"route sip\n", "t.conf:1: expected h323 'sip'"},
	{"route\n", "t.conf:1: missing argument after 'route'"},
	{"route h323 198.19.0.1 x\n", "t.conf:1: extra argument 'x'"},
	{"route h323 198.19.0\n", "t.conf:1: bad IPv4 address '198.19.0'"},
	{"route h323 198.19.0.1\nroute h323 198.19.0.1\n", "t.conf:2: duplicate route address '198.19.0.1'"},
	{"inside 198.18.1.0/24\npublic 198.19.0.1\n\nroute h323 198.19.0.2\n",
	 "t.conf:4: route address is not a 'public' address '198.19.0.2'"},
	{"inside 198.18.1.0/24\npublic 198.19.0.1\nroute h323\nnat off\n",
	 "t.conf:3: inbound routing needs NAT: remove 'nat off' or the line 'route'"},
	{"inside 198.18.1.0/24\npublic 198.19.0.1\nroute h323\nalg h323 off\n",
	 "t.conf:3: inbound routing needs the H.323 ALG: remove 'alg h323 off' or the line 'route'"},
	{"alias alice\n", "t.conf:1: missing argument after 'alice'"},
	{"alias a#b 198.18.1.10\n", "t.conf:1: missing argument after 'a'"},
	{"alias alice 198.18.1.10 pool x\n", "t.conf:1: extra argument 'x'"},
	{"alias alice 198.18.1.10 pools\n", "t.conf:1: expected 'pool' 'pools'"},
	{"alias abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv 198.18.1.10\n",
	 "t.conf:1: alias longer than 47 characters 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv'"},
	{"alias a\"b 198.18.1.10\n", "t.conf:1: bad character in alias (printable, no quotes) 'a\"b'"},
	{"alias it's 198.18.1.10\n", "t.conf:1: bad character in alias (printable, no quotes) 'it's'"},
	{"alias H323: 198.18.1.10\n", "t.conf:1: empty alias after its h323: scheme 'H323:'"},
	{"alias alice 198.18.1\n", "t.conf:1: expected <inside-address>[:<port>] '198.18.1'"},
	{"alias alice 0.0.0.0\n", "t.conf:1: expected <inside-address>[:<port>] '0.0.0.0'"},
	{"alias alice 198.18.1:1720\n", "t.conf:1: bad IPv4 address '198.18.1:1720'"},
	{"alias alice 198.18.1.10:0\n", "t.conf:1: port must be a number from 1 to 65535 '0'"},
	{"alias Alice 198.18.1.10\nalias alice 198.18.1.11\n",
	 "t.conf:2: alias already given on line 1 'alice'"},
	{"alias alice@example.org 198.18.1.10\n\nalias h323:ALICE@example.org 198.18.1.11\n",
	 "t.conf:3: alias already given on line 1 'h323:ALICE@example.org'"},
	{"alias 100 198.18.1.10\nalias 100 198.18.1.10:1721\n", "t.conf:2: alias already given on line 1 '100'"},
	{"inside 198.18.1.0/24\npublic 198.19.0.1\nalias bob 198.18.1.10\nalias alice 198.18.7.10\n",
	 "t.conf:4: alias address is not inside '198.18.7.10'"},
	{"inside 198.18.1.0/24\npublic 198.19.0.1\nmax directory 1\nalias a 198.18.1.10\n"
	 "alias b 198.18.1.10\n",
	 "t.conf: more alias lines than max directory '1'"},
	{"pool 198.19.0.10-198.19.0.9\n", "t.conf:1: pool range runs backwards '198.19.0.10-198.19.0.9'"},
	{"pool 198.19.0\n", "t.conf:1: bad IPv4 address '198.19.0'"},
	{"pool 198.19.0.10-\n", "t.conf:1: bad IPv4 address in range '198.19.0.10-'"},
	{"pool 198.19.0.10 198.19.0.11\n", "t.conf:1: extra argument '198.19.0.11'"},
	{"pool 0.0.0.0\n", "t.conf:1: 0.0.0.0 cannot be a pool address '0.0.0.0'"},
	{"pool 198.19.0.0-198.19.0.64\n", "t.conf:1: too many pool addresses (at most 64) '198.19.0.0-198.19.0.64'"},
	{"pool 198.19.0.0-198.19.0.60\npool 198.19.1.0-198.19.1.3\n",
	 "t.conf:2: too many pool addresses (at most 64) '198.19.1.0-198.19.1.3'"},
	{"pool 198.19.0.10-198.19.0.12\n\npool 198.19.0.12\n", "t.conf:3: duplicate pool address '198.19.0.12'"},
	{"inside 198.18.1.0/24\npool 198.19.0.10-198.19.0.11\npublic 198.19.0.11\n",
	 "t.conf:2: pool address is a 'public' address '198.19.0.11'"},
	{"pool 198.18.1.200\ninside 198.18.1.0/24\npublic 198.19.0.1\n",
	 "t.conf:1: pool address lies inside '198.18.1.200'"},
	{"inside 198.18.1.0/24\npublic 198.19.0.1\nnat off\npool 198.19.0.10\n",
	 "t.conf:4: a pool needs NAT: remove 'nat off' or the line 'pool'"},
	{"inside 198.18.1.0/24\npublic 198.19.0.1\npool 198.19.0.10\nforward tcp 198.19.0.10:1720 to 198.18.1.10:1720\n",
	 "t.conf:4: forward address is not a 'public' address '198.19.0.10'"},
	{"nat off\n", "t.conf: no 'inside' line: name the inside network, for example "
		      "'inside 198.18.1.0/24'"},
	{"inside 198.18.1.0/24\n", "t.conf: no 'public' line: name the gateway's outside address, "
				  "for example 'public 198.19.0.1'"},
};

TEST(config_error_messages)
{
	for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		struct mg_config c;
		mg_config_defaults(&c);
		c.log_rate = 4242; /* sentinel: a failed parse must not touch c */
		int rc = parse(&c, err_cases[i].text);
		if (rc != -1 || strcmp(err, err_cases[i].want) != 0)
			fprintf(stderr, "  case %zu: rc %d, got \"%s\"\n             want \"%s\"\n", i,
				rc, err, err_cases[i].want);
		CHECK_EQ(rc, -1);
		CHECK(strcmp(err, err_cases[i].want) == 0);
		CHECK_EQ(c.log_rate, 4242);
	}
}

TEST(config_too_many_entries)
{
	static char text[8192];
	size_t n = 0;
	for (int i = 0; i < MG_CFG_MAX_INSIDE + 1; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "inside 198.18.%d.0/24\n", i);
	CHECK_EQ(parse(&(struct mg_config){0}, text), -1);
	CHECK(strcmp(err, "t.conf:17: too many inside prefixes '198.18.16.0/24'") == 0);

	n = (size_t)snprintf(text, sizeof(text), "allow outbound udp 1");
	for (int i = 2; i <= MG_CFG_MAX_ALLOW + 1; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, ",%d", i);
	CHECK_EQ(parse(&(struct mg_config){0}, text), -1);
	CHECK(strcmp(err, "t.conf:1: too many allow entries '65'") == 0);

	n = 0;
	for (int i = 0; i < MG_CFG_MAX_PUBLIC + 1; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "public 198.19.1.%d\n", i + 1);
	CHECK_EQ(parse(&(struct mg_config){0}, text), -1);
	CHECK(strcmp(err, "t.conf:17: too many public addresses '198.19.1.17'") == 0);

	n = 0;
	for (int i = 0; i < MG_CFG_MAX_FORWARD + 1; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "forward udp %d to 198.18.1.9:%d\n",
				      1000 + i, 1000 + i);
	CHECK_EQ(parse(&(struct mg_config){0}, text), -1);
	CHECK(strcmp(err, "t.conf:65: too many forwards '1064'") == 0);

	static char big[16384];
	n = 0;
	for (int i = 0; i < MG_CFG_MAX_ALIAS + 1; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "alias a%d 198.18.1.9\n", i);
	CHECK(n < sizeof(big));
	CHECK_EQ(parse(&(struct mg_config){0}, big), -1);
	CHECK(strcmp(err, "t.conf:257: too many alias lines (at most 256) 'a256'") == 0);
}

TEST(config_alias_lines)
{
	struct mg_config c;
	CHECK_EQ(parse(&c, "alias Alice 198.18.1.10\n"
			   "alias 100 198.18.1.10:1721\n"
			   "alias h323:100 198.18.1.11 pool   # a name, not digits\n"
			   "alias *12 198.18.1.12\n"
			   "alias bob@example.org 198.18.1.12\n"
			   "alias Alice2 198.18.1.10\n"
			   "inside 198.18.1.0/24\npublic 198.19.0.1\n"),
		 0);
	CHECK_EQ(c.n_alias, 6);
	CHECK(strcmp(c.alias[0].name, "Alice") == 0); /* kept as written */
	CHECK_EQ(c.alias[0].type, MG_ALIAS_NAME);
	CHECK_EQ(c.alias[0].addr, ip(198, 18, 1, 10));
	CHECK_EQ(c.alias[0].port, 1720);
	CHECK(!c.alias[0].pool);
	CHECK_EQ(c.alias[0].line, 1);
	CHECK_EQ(c.alias[1].type, MG_ALIAS_DIGITS);
	CHECK_EQ(c.alias[1].port, 1721);
	CHECK_EQ(c.alias[2].type, MG_ALIAS_NAME);
	CHECK(c.alias[2].pool);
	CHECK_EQ(c.alias[3].type, MG_ALIAS_DIGITS);
	CHECK(strcmp(c.alias[3].name, "*12") == 0);
	CHECK_EQ(c.alias[4].type, MG_ALIAS_NAME);
	CHECK_EQ(c.alias[5].line, 6);
	/* 47 characters is the longest */
	CHECK_EQ(parse(&c, "alias abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstu 198.18.1.10\n"
			   "inside 198.18.1.0/24\npublic 198.19.0.1\n"),
		 0);
	CHECK_EQ(strlen(c.alias[0].name), 47);
	/* as many as max directory holds */
	CHECK_EQ(parse(&c, "max directory 2\nalias a 198.18.1.10\nalias b 198.18.1.10\n"
			   "inside 198.18.1.0/24\npublic 198.19.0.1\n"),
		 0);
}

TEST(config_long_line_and_many_tokens)
{
	static char text[3000];
	memset(text, ' ', sizeof(text) - 1);
	memcpy(text, "nat", 3);
	text[sizeof(text) - 1] = '\0';
	CHECK_EQ(parse(&(struct mg_config){0}, text), -1);
	CHECK(strncmp(err, "t.conf:1: line too long, it starts 'nat ", 40) == 0);
	/* 1023 bytes is the longest line accepted (after the address lines) */
	static const char addrs[] = "inside 198.18.1.0/24\npublic 198.19.0.1\n";
	const size_t a = sizeof(addrs) - 1;
	memcpy(text, addrs, a);
	memset(text + a, ' ', 1024);
	memcpy(text + a, "nat off", 7);
	text[a + 1023] = '\0';
	struct mg_config c;
	CHECK_EQ(parse(&c, text), 0);
	CHECK(!c.nat);
	text[a + 1023] = ' ';
	text[a + 1024] = '\0';
	CHECK_EQ(parse(&c, text), -1);
	CHECK(strncmp(err, "t.conf:3: line too long", 23) == 0);
	text[a + 1023] = '\n';
	CHECK_EQ(parse(&c, text), 0); /* the newline is not part of the line */
	CHECK_EQ(parse(&(struct mg_config){0}, "nat a b c d e f g h i j k l m n o p q\n"), -1);
	CHECK(strcmp(err, "t.conf:1: too many tokens 'p q'") == 0);
}

static void rich_config(struct mg_config *c)
{
	const char *text = "inside 198.18.1.0/24\ninside 198.18.64.0/18\ninside 198.18.200.7/32\n"
			   "public 198.19.0.1\npublic 198.19.0.2\n"
			   "forward tcp 198.19.0.2:1720 to 198.18.1.11:1720\n"
			   "forward tcp 1720 to 198.18.1.10:1720\n"
			   "forward udp 198.19.0.2:5000-5100 to 198.18.64.5:7000\n"
			   "allow outbound tcp 389,522,1024-65535\nallow outbound icmp\n"
			   "allow outbound udp 1719\nallow outbound any\n"
			   "nat on\nalg h323 off\nalg untranslatable pass\nalg media-source any\n"
			   "max flows 1000\nmax bindings 2000\nmax pinholes 300\nmax calls 40\n"
			   "max frags 5\nports 40000-40999\n"
			   "timeout tcp-established 86400\ntimeout pinhole 31536000\n"
			   "log-rate 1000000\n"
			   "alias Alice 198.18.1.10\nalias 100 198.18.64.5:1721 pool\n"
			   "alias h323:bob@example.org 198.18.1.11 pool\nmax directory 3\n"
			   "pool 198.19.0.10-198.19.0.12\npool 198.19.0.20\npool 198.19.0.13\n";
	mg_config_defaults(c);
	if (parse(c, text) != 0)
		fprintf(stderr, "  rich config: %s\n", err);
}

TEST(config_round_trip)
{
	static char out[MG_CFG_FORMAT_MAX];
	struct mg_config a, b;
	rich_config(&a);
	CHECK_EQ(a.n_forward, 3);
	int n = mg_config_format(&a, out, sizeof(out));
	CHECK(n > 0 && (size_t)n == strlen(out));
	CHECK(strstr(out, "forward udp 198.19.0.2:5000-5100 to 198.18.64.5:7000\n") != NULL);
	CHECK(strstr(out, "inside 198.18.200.7/32\n") != NULL);
	CHECK(strstr(out, "timeout pinhole 31536000\n") != NULL);
	CHECK(strstr(out, "\nalias Alice 198.18.1.10\nalias 100 198.18.64.5:1721 pool\n"
			  "alias h323:bob@example.org 198.18.1.11 pool\n") != NULL);
	CHECK(strstr(out, "\nmax directory 3\n") != NULL);
	CHECK_EQ(a.n_pool, 5);
	CHECK(strstr(out, "\npool 198.19.0.10-198.19.0.12\npool 198.19.0.20\npool 198.19.0.13\n") != NULL);
	CHECK(mg_config_is_pool(&a, ip(198, 19, 0, 11)) && !mg_config_is_public(&a, ip(198, 19, 0, 11)));
	CHECK(mg_config_is_ours(&a, ip(198, 19, 0, 11)) && mg_config_is_ours(&a, ip(198, 19, 0, 2)));
	CHECK(!mg_config_is_ours(&a, ip(198, 19, 0, 14)));
	CHECK_EQ(parse(&b, out), 0);
	CHECK_EQ(b.n_alias, 3);
	CHECK(cfg_equal(&a, &b));
	/* the default, whose allow list is written as comments */
	mg_config_defaults(&a);
	n = mg_config_format(&a, out, sizeof(out));
	CHECK(n > 0);
	CHECK(strstr(out, "# allow outbound tcp 1720\n") != NULL);
	CHECK(strstr(out, "# allow outbound udp 1719\n") != NULL);
	CHECK_EQ(parse(&b, out), 0);
	CHECK(!b.allow_set);
	CHECK(cfg_equal(&a, &b));
	/* nat off survives too */
	CHECK_EQ(parse(&a, "nat off\ninside 198.18.1.0/24\npublic 198.19.0.1\n"), 0);
	CHECK(mg_config_format(&a, out, sizeof(out)) > 0);
	CHECK_EQ(parse(&b, out), 0);
	CHECK(!b.nat);
	CHECK(cfg_equal(&a, &b));
}

TEST(config_format_buffer_too_small)
{
	static char out[MG_CFG_FORMAT_MAX];
	struct mg_config a;
	rich_config(&a);
	static char full[MG_CFG_FORMAT_MAX];
	int n = mg_config_format(&a, full, sizeof(full));
	CHECK(n > 0 && (size_t)n == strlen(full));
	/* snprintf-like: the full length, and the text cut to fit */
	CHECK_EQ(mg_config_format(&a, out, (size_t)n), n);
	CHECK_EQ(strlen(out), n - 1);
	CHECK(strncmp(out, full, (size_t)n - 1) == 0);
	CHECK_EQ(mg_config_format(&a, out, 100), n);
	CHECK_EQ(strlen(out), 99);
	CHECK_EQ(mg_config_format(&a, out, (size_t)n + 1), n);
	CHECK(strcmp(out, full) == 0);
	CHECK_EQ(mg_config_format(&a, NULL, 0), n);
	out[0] = 'x';
	CHECK_EQ(mg_config_format(&a, out, 1), n);
	CHECK_EQ(out[0], '\0');
}

/* The largest configuration fits in MG_CFG_FORMAT_MAX. */
TEST(config_format_max_fits)
{
	static char out[MG_CFG_FORMAT_MAX];
	struct mg_config a;
	mg_config_defaults(&a);
	a.n_inside = MG_CFG_MAX_INSIDE;
	a.n_public = MG_CFG_MAX_PUBLIC;
	a.n_forward = MG_CFG_MAX_FORWARD;
	a.n_allow = MG_CFG_MAX_ALLOW;
	a.allow_set = true;
	for (unsigned i = 0; i < MG_CFG_MAX_INSIDE; i++)
		a.inside[i] = (struct mg_prefix4){ip(198, 18, 255, 255), ip(255, 255, 255, 255)};
	for (unsigned i = 0; i < MG_CFG_MAX_PUBLIC; i++)
		a.public_addr[i] = ip(198, 19, 255, 255);
	for (unsigned i = 0; i < MG_CFG_MAX_FORWARD; i++)
		a.forward[i] = (struct mg_forward){MG_PROTO_UDP, ip(198, 19, 255, 255), 65535, 65535,
						   ip(198, 18, 255, 255), 65535};
	for (unsigned i = 0; i < MG_CFG_MAX_ALLOW; i++)
		a.allow[i] = (struct mg_allow){MG_PROTO_TCP, 65534, 65535};
	for (unsigned i = 0; i < mg_config_n_timeout_names; i++) {
		uint32_t v = 4294967295u;
		memcpy((char *)&a.to + mg_config_timeout_names[i].off, &v, 4);
	}
	a.max_flows = a.max_bindings = a.max_pinholes = a.max_calls = a.max_frags = 4294967295u;
	a.max_frags_per_src = 4294967295u;
	a.log_rate = 4294967295u;
	a.n_alias = MG_CFG_MAX_ALIAS;
	for (unsigned i = 0; i < MG_CFG_MAX_ALIAS; i++) {
		a.alias[i] = (struct mg_alias_cfg){  .type = MG_ALIAS_NAME, .addr = ip(198, 18, 255, 255), .port = 65535,
						   .pool = true};
		memset(a.alias[i].name, 'x', MG_CFG_ALIAS_LEN - 1);
	}
	a.n_pool = MG_CFG_MAX_POOL;
	for (unsigned i = 0; i < MG_CFG_MAX_POOL; i++)
		a.pool_addr[i] = ip(198, 19, 255, (uint8_t)(2 * i)); /* no two consecutive: 64 lines */
	int n = mg_config_format(&a, out, sizeof(out));
	CHECK(n > 0 && n < MG_CFG_FORMAT_MAX);
}

TEST(config_parse_file)
{
	char path[] = "/tmp/mg_test_config_XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	const char *text = "inside 198.18.1.0/24\npublic 198.19.0.9\n"
			   "forward udp 1719 to 198.18.1.10:1719\nlog-rate 3\n";
	CHECK_EQ(write(fd, text, strlen(text)), (long long)strlen(text));
	close(fd);
	struct mg_config c;
	int rc = mg_config_parse_file(&c, path, err, sizeof(err));
	CHECK_EQ(rc, 0);
	CHECK_EQ(c.public_addr[0], ip(198, 19, 0, 9));
	CHECK_EQ(c.log_rate, 3);
	/* errors name the file path */
	fd = open(path, O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "bogus\n", 6), 6);
	close(fd);
	CHECK_EQ(mg_config_parse_file(&c, path, err, sizeof(err)), -1);
	char want[128];
	snprintf(want, sizeof(want), "%s:5: unknown directive 'bogus'", path);
	CHECK(strcmp(err, want) == 0);
	/* a NUL byte would silently cut the file: refused */
	fd = open(path, O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "\0", 1), 1);
	close(fd);
	CHECK_EQ(mg_config_parse_file(&c, path, err, sizeof(err)), -1);
	CHECK(strstr(err, "NUL") != NULL);
	unlink(path);
	CHECK_EQ(mg_config_parse_file(&c, path, err, sizeof(err)), -1);
	CHECK(strncmp(err, path, strlen(path)) == 0);
	/* a NULL or empty error buffer is allowed */
	CHECK_EQ(mg_config_parse_string(&c, "bogus\n", "x", NULL, 0), -1);
}

TEST(config_log_level_names_round_trip)
{
	static const char *const names[] = {"error", "warning", "notice", "info", "debug"};
	for (int i = 0; i < 5; i++) {
		CHECK_EQ(mg_log_level_parse(names[i]), MG_LOG_ERROR + i);
		CHECK(strcmp(mg_log_level_name(MG_LOG_ERROR + i), names[i]) == 0);
	}
	CHECK_EQ(mg_log_level_parse("warn"), -1);
	CHECK_EQ(mg_log_level_parse("Notice"), -1);
	CHECK(strcmp(mg_log_level_name(2), "?") == 0);
	CHECK(strcmp(mg_log_level_name(8), "?") == 0);
}

/* negotiated by default; each value parses, prints and reads back. */
TEST(config_media_source_values_round_trip)
{
	struct mg_config c;
	mg_config_defaults(&c);
	CHECK_EQ(c.media_source, MG_MEDIA_NEGOTIATED);
	static const char *const names[] = {"peer", "negotiated", "any"};
	static const enum mg_media_source vals[] = {MG_MEDIA_PEER, MG_MEDIA_NEGOTIATED, MG_MEDIA_ANY};
	for (int i = 0; i < 3; i++) {
		char text[200], line[64];
		snprintf(text, sizeof(text), "inside 198.18.1.0/24\npublic 198.19.0.1\nalg media-source %s\n",
			 names[i]);
		CHECK_EQ(parse(&c, text), 0);
		CHECK_EQ(c.media_source, vals[i]);
		CHECK(strcmp(mg_media_source_name(vals[i]), names[i]) == 0);
		static char out[16384];
		CHECK(mg_config_format(&c, out, sizeof(out)) > 0);
		snprintf(line, sizeof(line), "\nalg media-source %s\n", names[i]);
		CHECK(strstr(out, line) != NULL);
		struct mg_config d;
		CHECK_EQ(parse(&d, out), 0);
		CHECK_EQ(d.media_source, vals[i]);
	}
	CHECK(strcmp(mg_media_source_name((enum mg_media_source)7), "?") == 0);
}

TEST(config_metrics_endpoint)
{
	struct mg_config c;
	char out[8192];
	CHECK_EQ(parse(&c, "inside 198.18.1.0/24\npublic 198.19.0.1\n"), 0);
	CHECK_EQ(c.live.metrics_port, 0);
	CHECK(mg_config_format(&c, out, sizeof(out)) > 0 && strstr(out, "metrics") == NULL);
	CHECK_EQ(parse(&c, "inside 198.18.1.0/24\npublic 198.19.0.1\nmetrics 198.18.1.1:9464\n"), 0);
	CHECK_EQ(c.live.metrics_addr, ip(198, 18, 1, 1));
	CHECK_EQ(c.live.metrics_port, 9464);
	CHECK(mg_config_format(&c, out, sizeof(out)) > 0 &&
	      strstr(out, "\nmetrics 198.18.1.1:9464\n") != NULL);
	CHECK_EQ(parse(&c, "inside 198.18.1.0/24\npublic 198.19.0.1\nmetrics 198.18.1.1:9464\n"
			   "metrics off\n"),
		 0);
	CHECK_EQ(c.live.metrics_port, 0);
	CHECK_EQ(parse(&c, "inside 198.18.1.0/24\npublic 198.19.0.1\nmetrics 9464\n"), -1);
	CHECK(strstr(err, "'9464'") != NULL);
	CHECK_EQ(parse(&c, "inside 198.18.1.0/24\npublic 198.19.0.1\nmetrics 198.18.1.1:0\n"), -1);
	CHECK_EQ(parse(&c, "inside 198.18.1.0/24\npublic 198.19.0.1\nmetrics 0.0.0.0:9464\n"), -1);
}
