/* test_ctl_calls.c - calls on the control socket: the detailed call rows,
 * the ladder (ctl_call.c, ctl_json.c) and `show calls ladder=N` served from
 * an engine whose calls come from a stand-in ALG (the control socket knows
 * no ALG). */
#include "harness.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/alg_api.h"
#include "core/config.h"
#include "core/engine.h"
#include "ctl/ctl.h"

static uint32_t ip4(const char *s)
{
	uint32_t a = 0;
	inet_pton(AF_INET, s, &a);
	return a;
}

static void sample_call(struct mg_call_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	ci->id = 5;
	ci->has_guid = true;
	for (int i = 0; i < 16; i++)
		ci->guid[i] = (uint8_t)(0x10 + i);
	ci->inside_addr = ip4("198.18.1.10");
	ci->peer_addr = ip4("198.19.0.20");
	ci->alg = "h323";
	ci->state = "connected";
	ci->route = "outbound";
	ci->messages = 9;
	ci->created_ms = 1000;
	ci->media_pkts[0] = 250;
	ci->media_pkts[1] = 248;
	ci->media_bytes[0] = 50000;
	ci->media_bytes[1] = 49600;
	ci->n_alias[0] = 2;
	ci->alias[0][0] = (struct mg_call_alias){MG_ALIAS_NAME, false, "Alice Smith"};
	ci->alias[0][1] = (struct mg_call_alias){MG_ALIAS_DIGITS, false, "100"};
	ci->n_alias[1] = 1;
	ci->alias[1][0] = (struct mg_call_alias){MG_ALIAS_EMAIL, true, "bob@example.org"};
}

static void sample_ladder(struct mg_call_ladder *l)
{
	memset(l, 0, sizeof(*l));
	sample_call(&l->ci);
	l->lost = 3;
	l->n = 5;
	l->step[0] = (struct mg_call_step){.t_ms = 0, .kind = MG_STEP_MSG, .from_inside = 1, .name = "setup"};
	l->step[1] = (struct mg_call_step){.t_ms = 1, .kind = MG_STEP_REWRITE, .name = "sourceCallSignalAddress",
					   .ip = {ip4("198.18.1.10"), ip4("198.19.0.1")}, .port = {1720, 1720}};
	l->step[2] = (struct mg_call_step){.t_ms = 12, .kind = MG_STEP_MSG, .name = "callProceeding"};
	l->step[3] = (struct mg_call_step){.t_ms = 1500, .kind = MG_STEP_PIN_OPEN, .name = "rtp",
					   .ip = {ip4("198.19.0.1"), ip4("198.18.1.10")}, .port = {30000, 5004}};
	l->step[4] = (struct mg_call_step){.t_ms = 2001, .kind = MG_STEP_PROBLEM,
					   .reason = MG_R_ALG_UNTRANSLATED, .ip = {ip4("198.18.1.10")},
					   .port = {5006}};
}

TEST(ctl_call_row_has_the_details_after_the_old_columns)
{
	struct mg_call_info ci;
	char row[MG_CTL_ROW_MAX];
	sample_call(&ci);
	int n = mg_ctl_fmt_call(row, sizeof(row), &ci, 61000);
	CHECK(n > 0 && (size_t)n < sizeof(row) && row[n - 1] == '\n');
	CHECK(strncmp(row, "     5 connected   outbound     198.18.1.10     198.19.0.20", 58) == 0);
	CHECK(strstr(row, "   60 outbound ") != NULL); /* age, route */
	CHECK(strstr(row, " 250/248 ") != NULL);
	CHECK(strstr(row, " 50000/49600 ") != NULL);
	CHECK(strstr(row, " 10111213-1415-1617-1819-1a1b1c1d1e1f ") != NULL);
	/* one word per party: a space shows as '_', a cut alias ends in '~' */
	CHECK(strstr(row, " from=h323-ID:Alice_Smith,dialedDigits:100 to=email-ID:bob@example.org~\n") != NULL);
	CHECK(strstr(mg_ctl_header(MG_CTL_CALLS), "aliases") != NULL);

	/* the longest row still fits */
	for (int p = 0; p < 2; p++) {
		ci.n_alias[p] = MG_CALL_ALIASES;
		for (int i = 0; i < MG_CALL_ALIASES; i++) {
			ci.alias[p][i].type = MG_ALIAS_EMAIL;
			ci.alias[p][i].cut = true;
			memset(ci.alias[p][i].s, 'x', MG_CALL_ALIAS_LEN - 1);
			ci.alias[p][i].s[MG_CALL_ALIAS_LEN - 1] = '\0';
		}
	}
	ci.media_bytes[0] = ci.media_bytes[1] = UINT64_MAX;
	ci.media_pkts[0] = ci.media_pkts[1] = UINT64_MAX;
	n = mg_ctl_fmt_call(row, sizeof(row), &ci, 61000);
	CHECK(n > 0 && (size_t)n < sizeof(row));
	/* without aliases or callIdentifier */
	ci.n_alias[0] = ci.n_alias[1] = 0;
	ci.has_guid = false;
	mg_ctl_fmt_call(row, sizeof(row), &ci, 61000);
	CHECK(strstr(row, " from=- to=-\n") != NULL);
}

TEST(ctl_ladder_text_rows)
{
	static struct mg_call_ladder l;
	char row[MG_CTL_ROW_MAX];
	sample_ladder(&l);
	CHECK(mg_ctl_fmt_ladder(row, sizeof(row), &l, 0) > 0);
	CHECK(strcmp(row, "call 5  198.18.1.10 (inside)  198.19.0.20 (outside)  outbound, connected\n") == 0);
	l.ci.inbound = 1;
	l.ci.route = "forward";
	CHECK(mg_ctl_fmt_ladder(row, sizeof(row), &l, 0) > 0);
	CHECK(strstr(row, "(outside)  inbound via forward, connected\n") != NULL);
	l.ci.inbound = 0;
	l.ci.route = "outbound";
	CHECK(mg_ctl_fmt_ladder(row, sizeof(row), &l, 1) > 0);
	CHECK(strstr(row, "3 earlier steps not kept") != NULL);
	CHECK(mg_ctl_fmt_ladder(row, sizeof(row), &l, 2) > 0);
	CHECK(strncmp(row, "   0.000  setup ", 16) == 0 && strstr(row, "------------------>") != NULL);
	CHECK(mg_ctl_fmt_ladder(row, sizeof(row), &l, 3) > 0);
	CHECK(strcmp(row, "   0.001    rewrite sourceCallSignalAddress 198.18.1.10:1720 -> 198.19.0.1:1720\n") == 0);
	CHECK(mg_ctl_fmt_ladder(row, sizeof(row), &l, 4) > 0);
	CHECK(strncmp(row, "   0.012  callProceeding ", 25) == 0 && strstr(row, "<------------------") != NULL);
	CHECK(mg_ctl_fmt_ladder(row, sizeof(row), &l, 5) > 0);
	CHECK(strcmp(row, "   1.500    pinhole rtp 198.19.0.1:30000 -> 198.18.1.10:5004\n") == 0);
	CHECK(mg_ctl_fmt_ladder(row, sizeof(row), &l, 6) > 0);
	CHECK(strncmp(row, "   2.001    problem ", 20) == 0);
	CHECK(strstr(row, mg_reason_name(MG_R_ALG_UNTRANSLATED)) != NULL);
	CHECK(strstr(row, " 198.18.1.10:5006\n") != NULL);
	CHECK_EQ(mg_ctl_fmt_ladder(row, sizeof(row), &l, 7), -1);
	/* nothing lost: the steps follow the title */
	l.lost = 0;
	CHECK(mg_ctl_fmt_ladder(row, sizeof(row), &l, 1) > 0 && strstr(row, " setup ") != NULL);
	CHECK_EQ(mg_ctl_fmt_ladder(row, sizeof(row), &l, 6), -1);
	l.step[0] = (struct mg_call_step){.t_ms = 3000, .kind = MG_STEP_PIN_CLOSE, .count = 4,
					  .name = "call ended"};
	CHECK(mg_ctl_fmt_ladder(row, sizeof(row), &l, 1) > 0);
	CHECK(strcmp(row, "   3.000    closed 4 pinholes (call ended)\n") == 0);
}

static const char *jstr(json_object *o, const char *k)
{
	json_object *v = NULL;
	return json_object_object_get_ex(o, k, &v) && v ? json_object_get_string(v) : NULL;
}

TEST(ctl_call_and_ladder_json)
{
	static struct mg_call_ladder l;
	char row[MG_CTL_ROW_MAX * 2];
	sample_ladder(&l);
	int n = mg_ctl_json_call(row, sizeof(row), &l.ci, 3000);
	CHECK(n > 0 && row[n - 1] == '\n');
	json_object *o = json_tokener_parse(row);
	CHECK(o != NULL);
	CHECK(strcmp(jstr(o, "call_identifier"), "10111213-1415-1617-1819-1a1b1c1d1e1f") == 0);
	CHECK(strcmp(jstr(o, "route"), "outbound") == 0);
	CHECK(strcmp(jstr(o, "duration_ms"), "2000") == 0);
	json_object *m = NULL, *d = NULL, *a = NULL;
	CHECK(json_object_object_get_ex(o, "media", &m));
	CHECK(json_object_object_get_ex(m, "outside_to_inside", &d));
	CHECK(strcmp(jstr(d, "bytes"), "49600") == 0);
	CHECK(json_object_object_get_ex(o, "caller", &a) && json_object_array_length(a) == 2);
	CHECK(strcmp(jstr(json_object_array_get_idx(a, 0), "value"), "Alice Smith") == 0);
	CHECK(strcmp(jstr(json_object_array_get_idx(a, 1), "type"), "dialedDigits") == 0);
	CHECK(json_object_object_get_ex(o, "callee", &a) && json_object_array_length(a) == 1);
	CHECK(strcmp(jstr(json_object_array_get_idx(a, 0), "cut"), "true") == 0);
	json_object_put(o);

	/* the longest call object still fits a row: every alias cut, every
	 * character one that JSON escapes */
	struct mg_call_info big = l.ci;
	for (int p = 0; p < 2; p++) {
		big.n_alias[p] = MG_CALL_ALIASES;
		for (int i = 0; i < MG_CALL_ALIASES; i++) {
			big.alias[p][i].type = MG_ALIAS_EMAIL;
			big.alias[p][i].cut = true;
			memset(big.alias[p][i].s, '"', MG_CALL_ALIAS_LEN - 1);
			big.alias[p][i].s[MG_CALL_ALIAS_LEN - 1] = '\0';
		}
	}
	big.media_bytes[0] = big.media_bytes[1] = UINT64_MAX;
	big.media_pkts[0] = big.media_pkts[1] = UINT64_MAX;
	big.created_ms = 0;
	big.last_ms = big.id = UINT32_MAX;
	n = mg_ctl_json_call(row, MG_CTL_ROW_MAX, &big, UINT64_MAX);
	CHECK(n > 0 && n < MG_CTL_ROW_MAX);
	o = json_tokener_parse(row);
	CHECK(o != NULL);
	json_object_put(o);

	CHECK(mg_ctl_json_ladder(row, sizeof(row), &l, 0, 3000) > 0);
	o = json_tokener_parse(row);
	CHECK(o != NULL && strcmp(jstr(o, "steps_lost"), "3") == 0 && strcmp(jstr(o, "id"), "5") == 0);
	json_object_put(o);
	CHECK(mg_ctl_json_ladder(row, sizeof(row), &l, 1, 3000) > 0);
	o = json_tokener_parse(row);
	CHECK(o != NULL && strcmp(jstr(o, "step"), "message") == 0 &&
	      strcmp(jstr(o, "direction"), "inside->outside") == 0 && strcmp(jstr(o, "name"), "setup") == 0);
	json_object_put(o);
	CHECK(mg_ctl_json_ladder(row, sizeof(row), &l, 2, 3000) > 0);
	o = json_tokener_parse(row);
	CHECK(o != NULL && strcmp(jstr(o, "field"), "sourceCallSignalAddress") == 0 &&
	      strcmp(jstr(o, "from"), "198.18.1.10:1720") == 0 &&
	      strcmp(jstr(o, "to"), "198.19.0.1:1720") == 0);
	json_object_put(o);
	CHECK(mg_ctl_json_ladder(row, sizeof(row), &l, 5, 3000) > 0);
	o = json_tokener_parse(row);
	CHECK(o != NULL && strcmp(jstr(o, "step"), "problem") == 0 &&
	      strcmp(jstr(o, "address"), "198.18.1.10:5006") == 0);
	json_object_put(o);
	CHECK_EQ(mg_ctl_json_ladder(row, sizeof(row), &l, 6, 3000), -1);
}

TEST(ctl_parse_ladder)
{
	struct mg_ctl_req r;
	const char *why = NULL;
	const char *ok = "show calls ladder=3";
	CHECK_EQ(mg_ctl_parse_request(ok, strlen(ok), &r, &why), 0);
	CHECK(r.cmd == MG_CTL_CALLS && r.has_ladder && r.ladder == 3 && !r.json);
	ok = "show calls json ladder=4294967295";
	CHECK_EQ(mg_ctl_parse_request(ok, strlen(ok), &r, &why), 0);
	CHECK(r.json && r.ladder == UINT32_MAX);
	const char *bad[] = {"show flows ladder=1",      "show calls ladder=1 call=2",
			     "show calls addr=1.2.3.4 ladder=1", "show calls ladder=x",
			     "show calls ladder=",       "show calls ladder=1 ladder=2",
			     "show calls ladder=01",     "show stats ladder=1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		CHECK_EQ(mg_ctl_parse_request(bad[i], strlen(bad[i]), &r, &why), -1);
		CHECK(why != NULL && why[0] != '\0');
	}
}

/* ---- served: calls from a stand-in ALG ---- */

static bool fake_walk(void *state, struct mg_walk *w, mg_call_fn fn, void *ctx)
{
	struct mg_call_info ci;
	sample_call(&ci);
	for (; w->pos < 2 && w->slots > 0 && w->rows > 0; w->pos++, w->slots--, w->rows--) {
		ci.id = 5 + w->pos;
		fn(ctx, &ci);
	}
	return w->pos < 2;
}

static bool fake_ladder(void *state, uint32_t id, struct mg_call_ladder *out)
{
	if (id != 5)
		return false;
	sample_ladder(out);
	return true;
}

static struct mg_alg_verdict fake_inspect(void *state, struct mg_engine *e, uint32_t flow,
					  struct mg_pkt *p, int dir, uint64_t now)
{
	return (struct mg_alg_verdict){MG_R_NONE, false, false};
}

static const struct mg_alg_ops fake_ops = {
	.name = "fake", .inspect = fake_inspect, .walk_calls = fake_walk, .call_ladder = fake_ladder,
};

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
		mg_ctl_serve(c, fds, k, 5000);
		ssize_t r = recv(fd, out + got, n - 1 - got, MSG_DONTWAIT);
		if (r == 0)
			break;
		if (r > 0)
			got += (size_t)r;
	}
	out[got] = '\0';
	close(fd);
}

TEST(ctl_serves_calls_and_ladders_of_any_alg)
{
	static struct mg_config cfg;
	static char out[16384];
	char err[256], path[108];
	mg_config_defaults(&cfg);
	cfg.max_flows = cfg.max_bindings = cfg.max_pinholes = 64;
	snprintf(path, sizeof(path), "/tmp/mg_test_ctl_calls_%d.sock", (int)getpid());
	struct mg_engine *e = mg_engine_new(&cfg, 1, err, sizeof(err));
	CHECK(e != NULL);
	struct mg_ctl *c = mg_ctl_open(path, err, sizeof(err));
	CHECK(c != NULL);
	if (!e || !c)
		return;
	mg_ctl_set_source(c, e, NULL, NULL);
	/* no ALG keeps calls: an empty table, no ladder */
	ask(c, path, "show calls\n", out, sizeof(out));
	CHECK(strncmp(out, "    id state", 12) == 0 && strstr(out, "\nend\n") != NULL &&
	      strchr(out, '\n') + 1 == strstr(out, "end\n"));
	ask(c, path, "show calls ladder=5\n", out, sizeof(out));
	CHECK(strcmp(out, "error no call 5\n") == 0);

	mg_engine_set_alg(e, MG_ALG_ILS, &fake_ops, NULL);
	ask(c, path, "show calls\n", out, sizeof(out));
	CHECK(strstr(out, "\n     5 connected ") != NULL && strstr(out, "\n     6 connected ") != NULL);
	ask(c, path, "show calls call=6\n", out, sizeof(out));
	CHECK(strstr(out, "\n     5 ") == NULL && strstr(out, "\n     6 ") != NULL);
	ask(c, path, "show calls ladder=9\n", out, sizeof(out));
	CHECK(strcmp(out, "error no call 9\n") == 0);
	ask(c, path, "show calls ladder=5\n", out, sizeof(out));
	CHECK(strncmp(out, "call 5  198.18.1.10 (inside)", 28) == 0);
	CHECK(strstr(out, "  setup ") != NULL && strstr(out, "  callProceeding ") != NULL);
	size_t len = strlen(out);
	CHECK(len > 4 && strcmp(out + len - 4, "end\n") == 0);
	int lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += out[i] == '\n';
	CHECK_EQ(lines, 1 + 1 + 5 + 1); /* title, lost, steps, end */
	ask(c, path, "show calls json ladder=5\n", out, sizeof(out));
	CHECK(strncmp(out, "{\"id\":5,", 8) == 0 && strstr(out, "\"step\":\"rewrite\"") != NULL);
	mg_ctl_close(c);
	mg_engine_free(e);
}
