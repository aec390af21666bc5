/* test_engine_count.c - the choke point that counts and logs drops and
 * events (core/engine_count.c) and the ALG's untranslatable verdict. */
#include <string.h>

#include "core/engine_priv.h"
#include "harness.h"

struct lines {
	unsigned n;
	int level;
	char last[512];
};

static void on_log(void *ctx, uint64_t now_ms, int level, const char *line)
{
	struct lines *l = ctx;
	l->n++;
	l->level = level;
	snprintf(l->last, sizeof(l->last), "%s", line);
}

static struct mg_engine *mk(struct lines *l, uint32_t log_rate)
{
	struct mg_config c;
	mg_config_defaults(&c);
	c.nat = false;
	c.log_rate = log_rate;
	char err[200] = "";
	struct mg_engine *e = mg_engine_new(&c, 1, err, sizeof(err));
	if (e) {
		memset(l, 0, sizeof(*l));
		mg_engine_set_log(e, on_log, l);
		mg_engine_expire(e, 5000);
	}
	return e;
}

TEST(count_event_counts_and_logs_within_budget)
{
	struct lines l;
	struct mg_engine *e = mk(&l, 2);
	CHECK(e);
	for (int i = 0; i < 3; i++)
		mg_engine_event(e, MG_R_EXPECT_FULL, "pinhole for port %u not opened", 5000u + (unsigned)i);
	CHECK_EQ(mg_engine_stats(e)->events[MG_R_EXPECT_FULL], 3);
	CHECK_EQ(mg_engine_stats(e)->dropped[MG_R_EXPECT_FULL], 0);
	CHECK_EQ(mg_engine_stats(e)->drops, 0);
	CHECK_EQ(l.n, 2); /* log-rate 2: the third line waits for the next second */
	CHECK(strcmp(l.last, "expect-full: pinhole for port 5001 not opened") == 0);
	CHECK_EQ(l.level, MG_LOG_WARNING);
	mg_engine_expire(e, 6000);
	mg_engine_event(e, MG_R_EXPECT_FULL, "again");
	CHECK_EQ(l.n, 3);
	CHECK_EQ(mg_engine_stats(e)->events[MG_R_EXPECT_FULL], 4);
	/* the budget is per reason */
	mg_engine_event(e, MG_R_ALG_LIMIT, "x");
	mg_engine_event(e, MG_R_ALG_LIMIT, "y");
	CHECK_EQ(l.n, 5);
	mg_engine_free(e);
}

TEST(count_silent_event_and_log_only)
{
	struct lines l;
	struct mg_engine *e = mk(&l, 10);
	CHECK(e);
	mg_engine_count(e, MG_R_TCP_REOPENED);
	CHECK_EQ(mg_engine_stats(e)->events[MG_R_TCP_REOPENED], 1);
	CHECK_EQ(l.n, 0);
	mg_engine_logf(e, MG_R_ALG_CALL_TABLE_FULL, "all %u call slots in use", 4u);
	CHECK_EQ(mg_engine_stats(e)->events[MG_R_ALG_CALL_TABLE_FULL], 0);
	CHECK_EQ(l.n, 1);
	CHECK(strcmp(l.last, "alg-call-table-full: all 4 call slots in use") == 0);
	mg_engine_free(e);
}

TEST(count_drop_line_and_budget_apart_from_events)
{
	struct lines l;
	struct mg_engine *e = mk(&l, 1);
	CHECK(e);
	mg_engine_drop(e, MG_R_PKT_SHORT, NULL, MG_SIDE_OUTSIDE, 7);
	CHECK_EQ(mg_engine_stats(e)->drops, 1);
	CHECK_EQ(mg_engine_stats(e)->dropped[MG_R_PKT_SHORT], 1);
	CHECK_EQ(mg_engine_stats(e)->events[MG_R_PKT_SHORT], 0);
	CHECK_EQ(l.n, 1);
	CHECK_EQ(l.level, MG_LOG_INFO);
	CHECK(strcmp(l.last, "pkt-short: outside: unparsable packet, 7 bytes, dropped") == 0);
	mg_engine_drop(e, MG_R_PKT_SHORT, NULL, MG_SIDE_INSIDE, 7);
	CHECK_EQ(l.n, 1); /* log-rate 1 */
	CHECK_EQ(mg_engine_stats(e)->dropped[MG_R_PKT_SHORT], 2);
	/* drops spent their budget, events of the same reason still log */
	mg_engine_event(e, MG_R_PKT_SHORT, "event");
	CHECK_EQ(l.n, 2);
	mg_engine_free(e);
}

TEST(count_drop_the_alg_told_gets_no_second_line)
{
	struct lines l;
	struct mg_engine *e = mk(&l, 10);
	CHECK(e);
	enum mg_reason r = mg_alg_untranslatable(e, MG_R_RAS_UNTRANSLATED, MG_ALG_UT_VERDICT_LINE, "%s", "ras");
	CHECK_EQ(r, MG_R_RAS_UNTRANSLATED);
	CHECK_EQ(l.n, 1);
	CHECK(strcmp(l.last, "ras-untranslated: ras: dropped") == 0);
	CHECK_EQ(mg_engine_stats(e)->events[MG_R_RAS_UNTRANSLATED], 0);
	mg_engine_drop(e, r, NULL, MG_SIDE_INSIDE, 60);
	CHECK_EQ(mg_engine_stats(e)->dropped[MG_R_RAS_UNTRANSLATED], 1);
	CHECK_EQ(l.n, 1);
	/* the flag covered that one drop only */
	mg_engine_drop(e, r, NULL, MG_SIDE_INSIDE, 60);
	CHECK_EQ(l.n, 2);
	mg_engine_free(e);
}

TEST(count_untranslatable_follows_policy)
{
	struct lines l;
	struct mg_engine *e = mk(&l, 10);
	CHECK(e);
	/* default: untranslatable drop; the line is the ALG's, the engine's
	 * drop line follows */
	CHECK_EQ(mg_alg_untranslatable(e, MG_R_ALG_UNTRANSLATED, 0, "a %d", 1), MG_R_ALG_UNTRANSLATED);
	CHECK(strcmp(l.last, "alg-untranslated: a 1") == 0);
	CHECK(!e->alg_logged);
	CHECK_EQ(mg_engine_stats(e)->events[MG_R_ALG_UNTRANSLATED], 0);

	struct mg_config c = *mg_engine_config(e);
	c.untranslatable = MG_UNTRANS_PASS;
	c.malformed_outside_drop = true;
	char err[100];
	CHECK_EQ(mg_engine_reconfigure(e, &c, err, sizeof(err)), 0);
	CHECK_EQ(mg_alg_untranslatable(e, MG_R_ALG_UNTRANSLATED, MG_ALG_UT_VERDICT_LINE, "b"), MG_R_NONE);
	CHECK(strcmp(l.last, "alg-untranslated: b: passed (alg untranslatable pass)") == 0);
	CHECK(!e->alg_logged);
	CHECK_EQ(mg_engine_stats(e)->events[MG_R_ALG_UNTRANSLATED], 1);
	/* undecodable from outside: "alg malformed-outside" decides */
	CHECK_EQ(mg_alg_untranslatable(e, MG_R_ALG_H245_BAD, MG_ALG_UT_MALFORMED_OUTSIDE, "c"), MG_R_ALG_H245_BAD);
	c.malformed_outside_drop = false;
	CHECK_EQ(mg_engine_reconfigure(e, &c, err, sizeof(err)), 0);
	CHECK_EQ(mg_alg_untranslatable(e, MG_R_ALG_H245_BAD, MG_ALG_UT_MALFORMED_OUTSIDE, "d"), MG_R_NONE);
	CHECK_EQ(mg_engine_stats(e)->events[MG_R_ALG_H245_BAD], 1);
	CHECK_EQ(l.n, 4);
	mg_engine_free(e);
}

TEST(count_alg_event_and_count)
{
	struct lines l;
	struct mg_engine *e = mk(&l, 10);
	CHECK(e);
	mg_alg_event(e, MG_R_ALG_FOREIGN_CALL, "setup from %s", "x");
	mg_alg_count(e, MG_R_ALG_FOREIGN_CALL);
	mg_alg_log(e, MG_R_ALG_FOREIGN_CALL, "only a line");
	CHECK_EQ(mg_engine_stats(e)->events[MG_R_ALG_FOREIGN_CALL], 2);
	CHECK_EQ(l.n, 2);
	CHECK(strcmp(l.last, "alg-foreign-call: only a line") == 0);
	mg_engine_free(e);
}
