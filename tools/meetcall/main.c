/* main.c - meetcall's command line: `meetcall listen ...` / `meetcall call
 * [ALIAS@]HOST[:PORT] ...`.  Usage errors exit with 2 and quote the bad
 * argument. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meetcall/mc.h"
#include "util/version.h"

/* full: with the notes on the options that are not obvious (--help) */
static void usage(FILE *f, bool full)
{
	fprintf(f, "usage: meetcall listen [--bind IP] [--port 1720] [--alias NAME]... [--calls N] [--timeout SEC]\n"
		   "                      [--no-faststart] [--no-tunnel] [--split-tpkt] [--close fin|rst]\n"
		   "                      [--call-back [--duration SEC]] [--gk HOST[:PORT] [--h460-18]]\n"
		   "                      [--report FILE.json] [--quiet]\n"
		   "       meetcall call [ALIAS@]HOST[:PORT] [--bind IP] [--alias NAME] [--from NAME]\n"
		   "                      [--no-faststart] [--no-tunnel] [--split-tpkt] [--duration SEC] [--calls N]\n"
		   "                      [--rate CPS] [--concurrent C] [--timeout SEC] [--sport PORT] [--gap SEC]\n"
		   "                      [--close fin|rst] [--call-id HEX32] [--advertise-port PORT]\n"
		   "                      [--expect-release CAUSE] [--gk HOST[:PORT] [--h460-18]]\n"
		   "                      [--report FILE.json] [--quiet]\n"
		   "       meetcall call ALIAS --gk HOST[:PORT] [options of call]\n"
		   "       meetcall gatekeeper --bind IP [--port 1719] [--ttl SEC] [--timeout SEC] [--routed]\n"
		   "                      [--sig-port PORT] [--alternate-gk IP[:PORT]]... [--h460-18] [--report FILE.json]\n"
		   "                      [--quiet]\n");
	if (!full)
		return;
	fprintf(f, "       meetcall --help | --version\n\n"
		   "  --bind IP             listen: address to listen on; call: source address (IPv4)\n"
		   "  --port N              listen: TCP port for call signalling (default 1720)\n"
		   "  ALIAS@HOST            call: ALIAS is the destinationAddress (as --alias); when it is all\n"
		   "                        0-9*# the Setup also carries it as Q.931 Called party number\n"
		   "  --alias NAME          call: destinationAddress (dialedDigits if all 0-9#*, else h323-ID);\n"
		   "                        listen (up to 4 times): our aliases; a Setup whose destinationAddress\n"
		   "                        names none of them is refused with ReleaseComplete cause 1\n"
		   "  --from NAME           call: sourceAddress h323-ID and Q.931 Display (default meetcall)\n"
		   "  --no-faststart        do not propose (call) / accept (listen) fastStart\n"
		   "  --no-tunnel           separate H.245 TCP channel instead of tunnelling in H.225.0\n"
		   "  --split-tpkt          send each 4-octet TPKT header in a segment of its own\n"
		   "  --duration SEC        seconds of media per call (and per call back) (default 3)\n"
		   "  --calls N             call: calls to place (default 1); listen: calls to answer, 0 = forever\n"
		   "  --rate CPS            call: new calls per second (load mode)\n"
		   "  --concurrent C        call: calls in progress at once, 1..64 (default 1, 64 with --rate)\n"
		   "  --timeout SEC         call: bound on each call (default duration + 10);\n"
		   "                        listen: bound on the whole run (default none)\n"
		   "  --report FILE.json    write a JSON report\n"
		   "  --quiet               print only failed calls and the totals\n"
		   "  --sport PORT          call from this local port every time (SO_REUSEADDR; calls one at a time)\n"
		   "  --gap SEC             pause between the end of a call and the next one (default 0)\n"
		   "  --close fin|rst       after ReleaseComplete: close normally (the receiver of ReleaseComplete\n"
		   "                        closes first) or with a reset (SO_LINGER 0) (default fin)\n"
		   "  --call-id HEX32       callIdentifier (and conferenceID) of every call, 32 hex digits\n"
		   "  --advertise-port PORT sourceCallSignalAddress port in the Setup (e.g. 1720, where we listen)\n"
		   "  --expect-release CAUSE\n"
		   "                        call: the far end should answer the Setup with ReleaseComplete\n"
		   "                        carrying Q.931 cause CAUSE (1..127); that counts as success\n"
		   "  --call-back           listen: once an answered call is connected, call the Setup's\n"
		   "                        sourceCallSignalAddress back (one call back per answered call,\n"
		   "                        --duration SEC of media)\n"
		   "  --gk HOST[:PORT]      call, listen: register with this gatekeeper (RAS, port 1719):\n"
		   "                        GRQ, RRQ (callSignalAddress, rasAddress, ttl 60, kept alive),\n"
		   "                        ARQ before each call (ALIAS alone: the ACF gives the address),\n"
		   "                        DRQ after it, URQ at the end\n"
		   "  --h460-18             with --gk: GRQ and RRQ carry a featureSet whose supportedFeatures\n"
		   "                        name H.460.18 (GenericIdentifier standard 18); nothing more of\n"
		   "                        H.460.18 is done\n"
		   "gatekeeper:\n"
		   "  --bind IP             address of the RAS socket (and of call signalling with --routed)\n"
		   "  --port N              UDP port for RAS (default 1719)\n"
		   "  --ttl SEC             timeToLive granted at most (default 60); registrations expire after it\n"
		   "  --timeout SEC         run this long, then write the report (default: until SIGINT/SIGTERM)\n"
		   "  --routed              ACF points at our call signalling port; calls are relayed through us\n"
		   "  --sig-port PORT       --routed: TCP port for call signalling (default 1720)\n"
		   "  --alternate-gk IP[:PORT]\n"
		   "                        list this alternate gatekeeper in GCF and RCF (up to 2)\n"
		   "  --h460-18             every RCF names H.460.18 in its featureSet (the gatekeeper\n"
		   "                        confirms signalling traversal; nothing more of it is done)\n"
		   "  --report FILE.json    registrations, admissions, routed calls, message counts\n"
		   "  --quiet               no line per RAS exchange\n"
		   "  --version             print the version\n"
		   "\nExit status: 0 every call succeeded, 1 a call failed, 2 usage error (doc/meetcall.md).\n");
}

static int bad(const char *what, const char *arg)
{
	fprintf(stderr, "meetcall: %s: '%s'\n", what, arg ? arg : "");
	usage(stderr, false);
	return 2;
}

static bool num(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;
	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* Non-negative decimal seconds (e.g. 2, 0.5) to milliseconds. */
static bool seconds(const char *s, unsigned long max_s, unsigned *ms)
{
	char *end;
	if (s == NULL || ((*s < '0' || *s > '9') && *s != '.'))
		return false;
	errno = 0;
	double v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || v < 0 || v > (double)max_s)
		return false;
	*ms = (unsigned)(v * 1000.0 + 0.5);
	return true;
}

/* 32 hex digits: 16 octets. */
static bool hex16(const char *s, uint8_t out[16])
{
	if (s == NULL || strlen(s) != 32)
		return false;
	for (int i = 0; i < 32; i++) {
		char ch = s[i];
		unsigned v = ch >= '0' && ch <= '9'   ? (unsigned)(ch - '0')
			     : ch >= 'a' && ch <= 'f' ? (unsigned)(ch - 'a' + 10)
			     : ch >= 'A' && ch <= 'F' ? (unsigned)(ch - 'A' + 10)
						      : 16u;
		if (v > 15)
			return false;
		if (i & 1)
			out[i / 2] = (uint8_t)(out[i / 2] | v);
		else
			out[i / 2] = (uint8_t)(v << 4);
	}
	return true;
}

/* An alias: printable ASCII. */
static bool alias_ok(const char *s)
{
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			return false;
	return true;
}

static bool ipv4(const char *s)
{
	struct in_addr a;
	return strlen(s) < 64 && inet_pton(AF_INET, s, &a) == 1;
}

/* IP[:PORT] with a default port. */
static bool ip_port(const char *s, uint16_t def, struct mg_mc_addr *out)
{
	char host[64];
	unsigned long v = def;
	if (s == NULL)
		return false;
	const char *colon = strrchr(s, ':');
	size_t hl = colon ? (size_t)(colon - s) : strlen(s);
	if (hl == 0 || hl >= sizeof host)
		return false;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (!ipv4(host) || (colon && !num(colon + 1, 1, 65535, &v)))
		return false;
	return mg_mc_parse_addr(host, (uint16_t)v, out);
}

static int gatekeeper(int argc, char **argv)
{
	struct mg_mc_opts o;
	unsigned long v;
	memset(&o, 0, sizeof o);
	o.gatekeeper = true;
	o.port = 1719;
	o.sig_port = 1720;
	o.ttl_s = 60;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--routed") == 0) {
			o.routed = true;
			continue;
		} else if (strcmp(a, "--h460-18") == 0) {
			o.h460_18 = true;
			continue;
		} else if (strcmp(a, "--quiet") == 0) {
			o.quiet = true;
			continue;
		} else if (strcmp(a, "--bind") == 0) {
			if (val == NULL || !ipv4(val) || strcmp(val, "0.0.0.0") == 0)
				return bad("gatekeeper --bind needs an IPv4 address (not 0.0.0.0)", val);
			snprintf(o.bind_ip, sizeof o.bind_ip, "%s", val);
		} else if (strcmp(a, "--port") == 0 || strcmp(a, "--sig-port") == 0) {
			if (!num(val, 1, 65535, &v))
				return bad("port needs 1..65535", val);
			if (a[2] == 'p')
				o.port = (uint16_t)v;
			else
				o.sig_port = (uint16_t)v;
		} else if (strcmp(a, "--ttl") == 0) {
			if (!num(val, 1, 86400, &v))
				return bad("--ttl needs seconds 1..86400", val);
			o.ttl_s = (unsigned)v;
		} else if (strcmp(a, "--timeout") == 0) {
			if (!seconds(val, 86400, &o.timeout_ms) || o.timeout_ms == 0)
				return bad("--timeout needs seconds > 0", val);
		} else if (strcmp(a, "--alternate-gk") == 0) {
			if (o.n_alt_gk == MG_MC_GK_ALT)
				return bad("--alternate-gk: at most 2", val);
			if (!ip_port(val, 1719, &o.alt_gk[o.n_alt_gk]))
				return bad("--alternate-gk needs IP[:PORT]", val);
			o.n_alt_gk++;
		} else if (strcmp(a, "--report") == 0) {
			if (val == NULL || val[0] == '\0')
				return bad("--report needs a file name", val);
			o.report = val;
		} else {
			return bad("unknown or misplaced option", a);
		}
		i++;
	}
	if (o.bind_ip[0] == '\0')
		return bad("gatekeeper needs --bind IP", "");
	return mg_mc_run_gatekeeper(&o);
}

int main(int argc, char **argv)
{
	struct mg_mc_opts o;
	unsigned long v;
	bool timeout_set = false, conc_set = false;
	memset(&o, 0, sizeof o);
	o.faststart = o.tunnel = true;
	o.port = 1720;
	o.duration_ms = 3000;
	o.calls = 1;
	o.from = "meetcall";

	if (argc < 2)
		return bad("missing command (listen, call or gatekeeper)", "");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout, true);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("meetcall %s\n", MG_VERSION);
		return 0;
	}
	int i = 2;
	bool alias_only = false;
	if (strcmp(argv[1], "gatekeeper") == 0)
		return gatekeeper(argc, argv);
	if (strcmp(argv[1], "listen") == 0) {
		o.listen = true;
	} else if (strcmp(argv[1], "call") == 0) {
		if (argc < 3 || argv[2][0] == '-')
			return bad("call needs [ALIAS@]HOST[:PORT]", argc < 3 ? "" : argv[2]);
		char host[64];
		const char *target = argv[2];
		const char *at = strrchr(target, '@'); /* an h323-ID may hold '@' itself */
		struct mg_mc_addr probe;
		if (at == NULL && !ip_port(target, 1720, &probe)) {
			/* ALIAS alone: the gatekeeper (--gk) tells where it is */
			size_t al = strlen(target);
			if (al == 0 || al > MG_MC_ALIAS_MAX || !alias_ok(target))
				return bad("bad [ALIAS@]HOST[:PORT]", argv[2]);
			memcpy(o.target_alias, target, al + 1);
			o.alias = o.target_alias;
			if (strspn(o.alias, "0123456789*#") == al && al <= 32)
				o.called_number = o.alias;
			alias_only = true;
			target = NULL;
		}
		if (at != NULL) {
			size_t al = (size_t)(at - target);
			if (al == 0 || al > MG_MC_ALIAS_MAX)
				return bad("ALIAS@HOST needs an alias of 1..64 characters", argv[2]);
			memcpy(o.target_alias, target, al);
			o.target_alias[al] = '\0';
			if (!alias_ok(o.target_alias))
				return bad("alias must be printable ASCII", argv[2]);
			o.alias = o.target_alias;
			if (strspn(o.alias, "0123456789*#") == al && al <= 32)
				o.called_number = o.alias;
			target = at + 1;
		}
		if (target != NULL) {
			const char *colon = strrchr(target, ':');
			size_t hl = colon ? (size_t)(colon - target) : strlen(target);
			if (hl == 0 || hl >= sizeof host)
				return bad("bad [ALIAS@]HOST[:PORT]", argv[2]);
			memcpy(host, target, hl);
			host[hl] = '\0';
			if (!ipv4(host))
				return bad("HOST must be an IPv4 address", argv[2]);
			if (colon) {
				if (!num(colon + 1, 1, 65535, &v))
					return bad("bad port", argv[2]);
				o.port = (uint16_t)v;
			}
			snprintf(o.host, sizeof o.host, "%s", host);
			o.have_host = true;
		}
		i = 3;
	} else {
		return bad("unknown command", argv[1]);
	}

	for (; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		bool common = true;
		if (strcmp(a, "--no-faststart") == 0) {
			o.faststart = false;
		} else if (strcmp(a, "--no-tunnel") == 0) {
			o.tunnel = false;
		} else if (strcmp(a, "--split-tpkt") == 0) {
			o.split = true;
		} else if (strcmp(a, "--quiet") == 0) {
			o.quiet = true;
		} else if (strcmp(a, "--bind") == 0) {
			if (val == NULL || !ipv4(val))
				return bad("--bind needs an IPv4 address", val);
			snprintf(o.bind_ip, sizeof o.bind_ip, "%s", val);
			i++;
		} else if (strcmp(a, "--report") == 0) {
			if (val == NULL || val[0] == '\0')
				return bad("--report needs a file name", val);
			o.report = val;
			i++;
		} else if (strcmp(a, "--calls") == 0) {
			if (!num(val, o.listen ? 0 : 1, 1000000, &v))
				return bad("--calls needs a number", val);
			o.calls = (unsigned)v;
			i++;
		} else if (strcmp(a, "--timeout") == 0) {
			if (!seconds(val, 86400, &o.timeout_ms) || o.timeout_ms == 0)
				return bad("--timeout needs seconds > 0", val);
			timeout_set = true;
			i++;
		} else if (strcmp(a, "--close") == 0) {
			if (val == NULL || (strcmp(val, "fin") != 0 && strcmp(val, "rst") != 0))
				return bad("--close needs fin or rst", val);
			o.close_rst = val[0] == 'r';
			i++;
		} else if (strcmp(a, "--gk") == 0) {
			if (!ip_port(val, 1719, &o.gk_addr))
				return bad("--gk needs HOST[:PORT] (an IPv4 address)", val);
			o.gk = true;
			i++;
		} else if (strcmp(a, "--h460-18") == 0) {
			o.h460_18 = true;
		} else if (strcmp(a, "--duration") == 0) {
			if (!seconds(val, 86400, &o.duration_ms) || o.duration_ms < MG_MC_PKT_MS)
				return bad("--duration needs seconds >= 0.02", val);
			i++;
		} else {
			common = false;
		}
		if (common)
			continue;
		if (o.listen && strcmp(a, "--port") == 0) {
			if (!num(val, 1, 65535, &v))
				return bad("--port needs 1..65535", val);
			o.port = (uint16_t)v;
		} else if (o.listen && strcmp(a, "--call-back") == 0) {
			o.call_back = true;
			continue; /* no value */
		} else if (!o.listen && (strcmp(a, "--sport") == 0 || strcmp(a, "--advertise-port") == 0)) {
			if (!num(val, 1, 65535, &v))
				return bad("port needs 1..65535", val);
			if (a[2] == 's')
				o.sport = (uint16_t)v;
			else
				o.advertise_port = (uint16_t)v;
		} else if (!o.listen && strcmp(a, "--gap") == 0) {
			if (!seconds(val, 3600, &o.gap_ms))
				return bad("--gap needs seconds >= 0", val);
		} else if (!o.listen && strcmp(a, "--call-id") == 0) {
			if (!hex16(val, o.call_id))
				return bad("--call-id needs 32 hex digits", val);
			o.have_call_id = true;
		} else if (o.listen && strcmp(a, "--alias") == 0) {
			if (val == NULL || val[0] == '\0' || strlen(val) >= MG_H225_ALIAS_LEN)
				return bad("listen --alias needs 1..47 characters", val);
			if (!alias_ok(val))
				return bad("alias must be printable ASCII", val);
			if (o.n_own_alias == MG_MC_OWN_ALIASES)
				return bad("listen --alias: at most 4", val);
			o.own_alias[o.n_own_alias++] = val;
		} else if (!o.listen && (strcmp(a, "--alias") == 0 || strcmp(a, "--from") == 0)) {
			if (val == NULL || val[0] == '\0' || strlen(val) > MG_MC_ALIAS_MAX)
				return bad("alias needs 1..64 characters", val);
			if (!alias_ok(val))
				return bad("alias must be printable ASCII", val);
			if (a[2] == 'a' && o.alias != NULL)
				return bad("the alias is given twice (ALIAS@HOST and --alias)", val);
			if (a[2] == 'a')
				o.alias = val;
			else
				o.from = val;
		} else if (!o.listen && strcmp(a, "--expect-release") == 0) {
			if (!num(val, 1, 127, &v))
				return bad("--expect-release needs a Q.931 cause value 1..127", val);
			o.expect_release = true;
			o.expect_cause = (uint8_t)v;
		} else if (!o.listen && strcmp(a, "--rate") == 0) {
			char *end;
			o.rate = val ? strtod(val, &end) : -1;
			if (val == NULL || *end != '\0' || !(o.rate > 0 && o.rate <= 1000))
				return bad("--rate needs calls per second in (0, 1000]", val);
		} else if (!o.listen && strcmp(a, "--concurrent") == 0) {
			if (!num(val, 1, MG_MC_MAX_CALLS, &v))
				return bad("--concurrent needs 1..64", val);
			o.concurrent = (unsigned)v;
			conc_set = true;
		} else {
			return bad("unknown or misplaced option", a);
		}
		i++;
	}
	if (alias_only && !o.gk)
		return bad("call ALIAS without a HOST needs --gk", argv[2]);
	if (o.h460_18 && !o.gk)
		return bad("--h460-18 needs --gk", "--h460-18");
	if (!o.listen) {
		if (!timeout_set)
			o.timeout_ms = o.duration_ms + 10000;
		if (o.sport != 0 && conc_set && o.concurrent > 1)
			return bad("--sport places calls one at a time: it needs --concurrent 1", "--sport");
		if (!conc_set)
			o.concurrent = o.rate > 0 && o.sport == 0 ? MG_MC_MAX_CALLS : 1;
		if (o.concurrent > o.calls)
			o.concurrent = o.calls;
		return mg_mc_run_call(&o);
	}
	return mg_mc_run_listen(&o);
}
