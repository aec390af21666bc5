/* test_ctl_dir.c - `show directory` on the control socket: the text and
 * JSON rows (ctl_dir.c, ctl_json.c), the request and its filter, the
 * directory counters of `show stats`, and the table served from an engine
 * whose `alias` lines and learned entries fill the directory. */
#include "harness.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/alg_api.h"
#include "core/config.h"
#include "core/dir.h"
#include "core/engine.h"
#include "ctl/ctl.h"

static uint32_t ip4(const char *s)
{
	uint32_t a = 0;
	inet_pton(AF_INET, s, &a);
	return a;
}

static void sample(struct mg_dir_entry *en)
{
	memset(en, 0, sizeof(*en));
	snprintf(en->key, sizeof(en->key), "alice smith");
	en->cls = MG_DIR_NAME;
	en->origin = MG_DIR_SETUP;
	en->alias_type = MG_ALIAS_NAME;
	en->addr = ip4("198.18.1.10");
	en->port = 1720;
	en->created_ms = 1000;
	en->refreshed_ms = 5000;
	en->expire_ms = 3605000;
	en->hits = 2;
}

TEST(ctl_dir_text_row)
{
	struct mg_dir_entry en;
	sample(&en);
	char buf[MG_CTL_ROW_MAX];
	int n = mg_ctl_fmt_dir(buf, sizeof(buf), &en, 13000);
	CHECK(n > 0 && (size_t)n == strlen(buf));
	const char *want = "alice_smith              name   h323-ID          198.18.1.10:1720  setup      12"
			   "    3592      2 -\n";
	if (strcmp(buf, want) != 0)
		fprintf(stderr, "  got  \"%s\"\n  want \"%s\"\n", buf, want);
	CHECK(strcmp(buf, want) == 0);
	/* the header's columns line up with the row's */
	const char *h = mg_ctl_header(MG_CTL_DIRECTORY);
	CHECK(strncmp(h, "alias ", 6) == 0);
	CHECK_EQ(strstr(h, ":port") - h, strchr(buf, ':') - buf);
	CHECK_EQ(strstr(h, "origin") - h, strstr(buf, "setup") - buf);
	CHECK_EQ(strstr(h, "pool") - h, strrchr(buf, ' ') + 1 - buf);
	/* a static entry with a pool address, digits */
	snprintf(en.key, sizeof(en.key), "100");
	en.cls = MG_DIR_DIGITS;
	en.alias_type = MG_ALIAS_DIGITS;
	en.origin = MG_DIR_STATIC;
	en.expire_ms = UINT64_MAX;
	en.pool = true;
	en.pool_addr = ip4("198.19.0.10");
	en.port = 1721;
	n = mg_ctl_fmt_dir(buf, sizeof(buf), &en, 13000);
	want = "100                      digits dialedDigits     198.18.1.10:1721  static     12"
	       "   never      2 198.19.0.10\n";
	if (strcmp(buf, want) != 0)
		fprintf(stderr, "  got  \"%s\"\n  want \"%s\"\n", buf, want);
	CHECK(strcmp(buf, want) == 0);
	/* the longest alias still fits one row */
	memset(en.key, 'x', sizeof(en.key) - 1);
	en.key[sizeof(en.key) - 1] = '\0';
	n = mg_ctl_fmt_dir(buf, sizeof(buf), &en, 13000);
	CHECK(n > 47 && strncmp(buf + 47, " digits", 7) == 0);
}

TEST(ctl_dir_json_row)
{
	struct mg_dir_entry en;
	sample(&en);
	char buf[MG_CTL_ROW_MAX];
	int n = mg_ctl_json_dir(buf, sizeof(buf), &en, 13000);
	CHECK(n > 0 && buf[n - 1] == '\n');
	json_object *o = json_tokener_parse(buf);
	CHECK(o != NULL);
	json_object *v;
	CHECK(json_object_object_get_ex(o, "alias", &v) && strcmp(json_object_get_string(v), "alice smith") == 0);
	CHECK(json_object_object_get_ex(o, "class", &v) && strcmp(json_object_get_string(v), "name") == 0);
	CHECK(json_object_object_get_ex(o, "type", &v) && strcmp(json_object_get_string(v), "h323-ID") == 0);
	CHECK(json_object_object_get_ex(o, "inside_addr", &v) &&
	      strcmp(json_object_get_string(v), "198.18.1.10") == 0);
	CHECK(json_object_object_get_ex(o, "inside_port", &v) && json_object_get_int(v) == 1720);
	CHECK(json_object_object_get_ex(o, "origin", &v) && strcmp(json_object_get_string(v), "setup") == 0);
	CHECK(json_object_object_get_ex(o, "age_s", &v) && json_object_get_int(v) == 12);
	CHECK(json_object_object_get_ex(o, "expires_s", &v) && json_object_get_int(v) == 3592);
	CHECK(json_object_object_get_ex(o, "hits", &v) && json_object_get_int(v) == 2);
	CHECK(json_object_object_get_ex(o, "pool", &v) && v == NULL);
	CHECK(json_object_object_get_ex(o, "pool_wanted", &v) && !json_object_get_boolean(v));
	json_object_put(o);
	en.expire_ms = UINT64_MAX;
	n = mg_ctl_json_dir(buf, sizeof(buf), &en, 13000);
	o = json_tokener_parse(buf);
	CHECK(o != NULL);
	CHECK(json_object_object_get_ex(o, "expires_s", &v) && v == NULL); /* never */
	json_object_put(o);
	/* an entry holding a pool address */
	en.pool = true;
	en.pool_addr = ip4("198.19.0.11");
	n = mg_ctl_json_dir(buf, sizeof(buf), &en, 13000);
	o = json_tokener_parse(buf);
	CHECK(o != NULL);
	CHECK(json_object_object_get_ex(o, "pool", &v) && strcmp(json_object_get_string(v), "198.19.0.11") == 0);
	CHECK(json_object_object_get_ex(o, "pool_wanted", &v) && json_object_get_boolean(v));
	json_object_put(o);
}

TEST(ctl_dir_request_and_filter)
{
	struct mg_ctl_req r;
	const char *why = NULL;
	const char *ok = "show directory";
	CHECK_EQ(mg_ctl_parse_request(ok, strlen(ok), &r, &why), 0);
	CHECK(r.cmd == MG_CTL_DIRECTORY && !r.json);
	CHECK(strcmp(mg_ctl_cmd_name(MG_CTL_DIRECTORY), "directory") == 0);
	ok = "show directory json addr=198.18.1.10";
	CHECK_EQ(mg_ctl_parse_request(ok, strlen(ok), &r, &why), 0);
	CHECK(r.json && r.f.has_addr);
	struct mg_dir_entry en;
	sample(&en);
	CHECK(mg_ctl_match_dir(&r.f, &en));
	en.addr = ip4("198.18.1.11");
	CHECK(!mg_ctl_match_dir(&r.f, &en));
	/* the pool address an entry holds matches too */
	ok = "show directory addr=198.19.0.10";
	CHECK_EQ(mg_ctl_parse_request(ok, strlen(ok), &r, &why), 0);
	CHECK(!mg_ctl_match_dir(&r.f, &en));
	en.pool_addr = ip4("198.19.0.10");
	CHECK(mg_ctl_match_dir(&r.f, &en));
	const char *bad[] = {"show directory proto=tcp", "show directory port=1720",
			     "show directory call=1", "show directory ladder=1", "show directories"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		CHECK_EQ(mg_ctl_parse_request(bad[i], strlen(bad[i]), &r, &why), -1);
		CHECK(why != NULL && why[0] != '\0');
	}
	ok = "show directory port=1720";
	mg_ctl_parse_request(ok, strlen(ok), &r, &why);
	CHECK(strcmp(why, "the directory has no proto, port or call to filter on; the addr filter applies") == 0);
}

TEST(ctl_dir_stats_rows)
{
	struct mg_stats st;
	memset(&st, 0, sizeof(st));
	st.directory_entries = 3;
	st.directory_learned = 4;
	st.directory_refreshed = 5;
	st.directory_expired = 6;
	st.directory_refused = 7;
	static const char *const want[] = {"directory_entries 3\n", "directory_learned 4\n",
					   "directory_refreshed 5\n", "directory_expired 6\n",
					   "directory_refused 7\n"};
	unsigned found = 0;
	char buf[MG_CTL_ROW_MAX];
	for (unsigned i = 0;; i++) {
		int k = mg_ctl_fmt_stat(buf, sizeof(buf), &st, i);
		if (k < 0)
			break;
		for (size_t w = 0; w < 5; w++)
			if (k > 0 && strcmp(buf, want[w]) == 0)
				found |= 1u << w;
	}
	CHECK_EQ(found, 0x1f);
}

/* Ask `req` (newline included) and read the whole answer. */
static void ask(struct mg_ctl *c, const char *path, const char *req, char *out, size_t n)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	memcpy(a.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	size_t got = 0;
	out[0] = '\0';
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    send(fd, req, strlen(req), 0) != (ssize_t)strlen(req)) {
		if (fd >= 0)
			close(fd);
		return;
	}
	for (int turns = 0; turns < 200 && got + 1 < n; turns++) {
		struct pollfd fds[MG_CTL_POLLFDS];
		int k = mg_ctl_pollfds(c, fds, MG_CTL_POLLFDS);
		poll(fds, (nfds_t)k, 0);
		mg_ctl_serve(c, fds, k, 20000);
		ssize_t r = recv(fd, out + got, n - 1 - got, MSG_DONTWAIT);
		if (r == 0)
			break;
		if (r > 0)
			got += (size_t)r;
	}
	out[got] = '\0';
	close(fd);
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

TEST(ctl_dir_served_from_the_engine)
{
	static struct mg_config cfg;
	static char out[16384];
	char err[256], path[108];
	mg_config_defaults(&cfg);
	cfg.max_flows = cfg.max_bindings = cfg.max_pinholes = 64;
	cfg.max_directory = 8;
	cfg.n_pool = 1;
	cfg.pool_addr[0] = ip4("198.19.0.10");
	cfg.n_alias = 2;
	cfg.alias[0] = (struct mg_alias_cfg){.name = "Alice", .type = MG_ALIAS_NAME,
					     .addr = ip4("198.18.1.10"), .port = 1720};
	cfg.alias[1] = (struct mg_alias_cfg){.name = "100", .type = MG_ALIAS_DIGITS,
					     .addr = ip4("198.18.1.11"), .port = 1720, .pool = true};
	snprintf(path, sizeof(path), "/tmp/mg_test_ctl_dir_%d.sock", (int)getpid());
	struct mg_engine *e = mg_engine_new(&cfg, 1, err, sizeof(err));
	CHECK(e != NULL);
	struct mg_ctl *c = mg_ctl_open(path, err, sizeof(err));
	CHECK(c != NULL);
	if (!e || !c)
		return;
	mg_ctl_set_source(c, e, NULL, NULL);
	mg_engine_expire(e, 10000);
	/* learned at 10 s, expiring at 70 s; one already due is not shown */
	CHECK_EQ(mg_dir_learn(mg_alg_dir(e), "h323:Bob@Example.org", MG_ALIAS_URL, ip4("198.18.1.12"),
			      1720, MG_DIR_SETUP, 10000, 70000, false),
		 MG_R_NONE);
	CHECK_EQ(mg_dir_learn(mg_alg_dir(e), "gone", MG_ALIAS_NAME, ip4("198.18.1.12"), 1720,
			      MG_DIR_ILS, 10000, 10000, false),
		 MG_R_NONE);
	ask(c, path, "show directory\n", out, sizeof(out));
	CHECK(strncmp(out, mg_ctl_header(MG_CTL_DIRECTORY), strlen(mg_ctl_header(MG_CTL_DIRECTORY))) == 0);
	CHECK_EQ(count_lines(out), 1 + 3 + 1);
	CHECK(strstr(out, "\nalice                    name   h323-ID          198.18.1.10:1720  static ") != NULL);
	CHECK(strstr(out, "\n100                      digits dialedDigits     198.18.1.11:1720  static ") != NULL);
	CHECK(strstr(out, "never      0 198.19.0.10\n") != NULL);
	CHECK(strstr(out, "\nbob@example.org          name   url-ID           198.18.1.12:1720  setup      10"
			  "      50      0 -\n") != NULL);
	CHECK(strstr(out, "gone") == NULL);
	CHECK(strcmp(out + strlen(out) - 4, "end\n") == 0);
	ask(c, path, "show directory addr=198.18.1.12\n", out, sizeof(out));
	CHECK_EQ(count_lines(out), 1 + 1 + 1);
	CHECK(strstr(out, "\nbob@example.org ") != NULL);
	ask(c, path, "show directory json\n", out, sizeof(out));
	CHECK_EQ(count_lines(out), 3 + 1);
	CHECK(strstr(out, "{\"alias\":\"alice\",\"class\":\"name\",\"type\":\"h323-ID\","
			  "\"inside_addr\":\"198.18.1.10\",\"inside_port\":1720,\"origin\":\"static\"") != NULL);
	ask(c, path, "show directory port=1\n", out, sizeof(out));
	CHECK(strncmp(out, "error the directory has no proto", 32) == 0);
	mg_engine_expire(e, 20000);
	ask(c, path, "show stats\n", out, sizeof(out));
	CHECK(strstr(out, "\ndirectory_entries 3\n") != NULL);
	CHECK(strstr(out, "\ndirectory_learned 2\n") != NULL);
	CHECK(strstr(out, "\ndirectory_expired 1\n") != NULL);
	mg_ctl_close(c);
	mg_engine_free(e);
}
