/* pd_sla: what a ticket's service level columns say (states, minutes,
 * the JSON, the ETag's countdown and the tags a write compares), and the
 * shapes of calendars and policies the admin API takes. The business
 * clock itself is the database's: t/43-sla-clock.t tests it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <apr_strings.h>
#include "pd_sla.h"
#include "pd_unit.h"

#define MIN(n) apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)(n) * 60000000)

/* A ticket's columns with both targets running. */
static void ticket(const char **c, apr_pool_t *p, const char *status)
{
    memset(c, 0, sizeof(const char *) * PD_TC__COUNT);
    c[PD_TC_ID] = "7";
    c[PD_TC_STATUS] = status;
    c[PD_TC_SLA_POLICY_ID] = "1";
    c[PD_TC_SLA_PAUSED] = "0";
    c[PD_TC_FR_TARGET] = "60";
    c[PD_TC_FR_DUE_AT] = "2026-12-07 02:00:00+00";
    c[PD_TC_FR_LEFT] = MIN(45);
    c[PD_TC_FR_AT_RISK] = "f";
    c[PD_TC_RES_TARGET] = "480";
    c[PD_TC_RES_DUE_AT] = "2026-12-07 09:00:00+00";
    c[PD_TC_RES_LEFT] = MIN(465);
    c[PD_TC_RES_AT_RISK] = "f";
}

static void test_minutes(void **state)
{
    assert_int_equal(pd_sla_minutes(0), 0);
    assert_int_equal(pd_sla_minutes(59999999), 0);
    assert_int_equal(pd_sla_minutes(60000000), 1);
    assert_int_equal(pd_sla_minutes(-1), -1);
    assert_int_equal(pd_sla_minutes(-60000000), -1);
    assert_int_equal(pd_sla_minutes(-60000001), -2);
    assert_int_equal(pd_sla_minutes(INT64_C(6000000000000)), 100000);
}

static void test_states(void **state)
{
    apr_pool_t *p = *state;
    const char *c[PD_TC__COUNT];
    pd_sla_target_t t;

    ticket(c, p, "in_progress");
    pd_sla_target_read(&t, c, PD_SLA_FIRST_RESPONSE);
    assert_int_equal(t.state, PD_SLA_RUNNING);
    assert_int_equal(t.minutes, 60);
    assert_string_equal(t.due_at, "2026-12-07 02:00:00+00");
    assert_false(t.at_risk);

    c[PD_TC_FR_AT_RISK] = "t";
    pd_sla_target_read(&t, c, PD_SLA_FIRST_RESPONSE);
    assert_int_equal(t.state, PD_SLA_RUNNING);
    assert_true(t.at_risk);

    /* overdue: breached, its due time shown, no longer "at risk" */
    c[PD_TC_FR_LEFT] = "-1";
    pd_sla_target_read(&t, c, PD_SLA_FIRST_RESPONSE);
    assert_int_equal(t.state, PD_SLA_BREACHED);
    assert_false(t.at_risk);
    assert_non_null(t.due_at);

    /* met in time, met late, met exactly on time */
    c[PD_TC_FR_MET_AT] = "2026-12-07 01:30:00+00";
    c[PD_TC_FR_LEFT] = MIN(30);
    pd_sla_target_read(&t, c, PD_SLA_FIRST_RESPONSE);
    assert_int_equal(t.state, PD_SLA_MET);
    c[PD_TC_FR_LEFT] = MIN(-5);
    pd_sla_target_read(&t, c, PD_SLA_FIRST_RESPONSE);
    assert_int_equal(t.state, PD_SLA_BREACHED);
    c[PD_TC_FR_LEFT] = "0";
    pd_sla_target_read(&t, c, PD_SLA_FIRST_RESPONSE);
    assert_int_equal(t.state, PD_SLA_MET);

    /* waiting for the customer: paused, no due time; breached before it
     * paused: breached */
    ticket(c, p, "waiting_customer");
    c[PD_TC_SLA_STOPPED_AT] = "2026-12-07 01:00:00+00";
    pd_sla_target_read(&t, c, PD_SLA_RESOLUTION);
    assert_int_equal(t.state, PD_SLA_PAUSED);
    assert_null(t.due_at);
    c[PD_TC_RES_LEFT] = MIN(-3);
    pd_sla_target_read(&t, c, PD_SLA_RESOLUTION);
    assert_int_equal(t.state, PD_SLA_BREACHED);

    /* cancelled before it was met: stopped */
    ticket(c, p, "cancelled");
    c[PD_TC_SLA_STOPPED_AT] = "2026-12-07 01:00:00+00";
    pd_sla_target_read(&t, c, PD_SLA_RESOLUTION);
    assert_int_equal(t.state, PD_SLA_STOPPED);
    assert_null(t.due_at);

    /* no target at all */
    c[PD_TC_RES_TARGET] = NULL;
    pd_sla_target_read(&t, c, PD_SLA_RESOLUTION);
    assert_int_equal(t.state, PD_SLA_NONE);

    assert_string_equal(pd_sla_state_name(PD_SLA_RUNNING), "running");
    assert_string_equal(pd_sla_state_name(PD_SLA_PAUSED), "paused");
    assert_string_equal(pd_sla_state_name(PD_SLA_MET), "met");
    assert_string_equal(pd_sla_state_name(PD_SLA_BREACHED), "breached");
    assert_string_equal(pd_sla_state_name(PD_SLA_STOPPED), "stopped");
    assert_null(pd_sla_state_name(PD_SLA_NONE));
    assert_string_equal(pd_sla_target_name(PD_SLA_FIRST_RESPONSE), "first_response");
    assert_string_equal(pd_sla_target_name(PD_SLA_RESOLUTION), "resolution");
}

static const char *render(apr_pool_t *p, const char *const *c)
{
    pd_jw_t w;

    pd_jw_init(&w, p, 64);
    pd_jw_begin(&w, '{');
    pd_sla_render(&w, c);
    pd_jw_end(&w, '}');
    return pd_jw_text(&w);
}

static void test_render(void **state)
{
    apr_pool_t *p = *state;
    const char *c[PD_TC__COUNT];

    ticket(c, p, "open");
    c[PD_TC_RES_AT_RISK] = "t";
    assert_string_equal(render(p, c),
        "{\"first_response_due_at\":\"2026-12-07T02:00:00+00:00\","
        "\"resolution_due_at\":\"2026-12-07T09:00:00+00:00\","
        "\"sla\":{\"policy_id\":1,\"paused_minutes\":0,\"paused_since\":null,"
        "\"first_response\":{\"target_minutes\":60,\"state\":\"running\","
        "\"due_at\":\"2026-12-07T02:00:00+00:00\",\"met_at\":null,\"remaining_minutes\":45,"
        "\"at_risk\":false},"
        "\"resolution\":{\"target_minutes\":480,\"state\":\"running\","
        "\"due_at\":\"2026-12-07T09:00:00+00:00\",\"met_at\":null,\"remaining_minutes\":465,"
        "\"at_risk\":true}}}");

    ticket(c, p, "waiting_customer");
    c[PD_TC_SLA_STOPPED_AT] = "2026-12-07 01:00:00+00";
    c[PD_TC_SLA_PAUSED] = MIN(90);
    assert_string_equal(render(p, c),
        "{\"first_response_due_at\":null,\"resolution_due_at\":null,"
        "\"sla\":{\"policy_id\":1,\"paused_minutes\":90,\"paused_since\":\"2026-12-07T01:00:00+00:00\","
        "\"first_response\":{\"target_minutes\":60,\"state\":\"paused\",\"due_at\":null,"
        "\"met_at\":null,\"remaining_minutes\":45,\"at_risk\":false},"
        "\"resolution\":{\"target_minutes\":480,\"state\":\"paused\",\"due_at\":null,"
        "\"met_at\":null,\"remaining_minutes\":465,\"at_risk\":false}}}");

    /* a ticket without a policy (none matched): no targets */
    memset(c, 0, sizeof(c));
    c[PD_TC_STATUS] = "open";
    assert_string_equal(render(p, c),
        "{\"first_response_due_at\":null,\"resolution_due_at\":null,\"sla\":null}");
}

static void test_countdown(void **state)
{
    apr_pool_t *p = *state;
    const char *c[PD_TC__COUNT];

    ticket(c, p, "open");
    assert_string_equal(pd_sla_countdown(p, c), "-s45.465.");
    c[PD_TC_FR_MET_AT] = "2026-12-07 01:30:00+00";
    assert_string_equal(pd_sla_countdown(p, c), "-s.465.");
    /* paused: only the pause moves */
    ticket(c, p, "waiting_customer");
    c[PD_TC_SLA_STOPPED_AT] = "2026-12-07 01:00:00+00";
    c[PD_TC_SLA_PAUSED] = MIN(12);
    assert_string_equal(pd_sla_countdown(p, c), "-s..12");
    /* solved, nothing moves */
    ticket(c, p, "solved");
    c[PD_TC_SLA_STOPPED_AT] = "2026-12-07 01:00:00+00";
    c[PD_TC_FR_MET_AT] = c[PD_TC_RES_MET_AT] = "2026-12-07 01:00:00+00";
    assert_string_equal(pd_sla_countdown(p, c), "");
}

static void test_tags_base(void **state)
{
    apr_pool_t *p = *state;

    assert_null(pd_sla_tags_base(p, NULL));
    assert_string_equal(pd_sla_tags_base(p, "\"t7-v3-r2-s45.465.\""), "\"t7-v3-r2\"");
    assert_string_equal(pd_sla_tags_base(p, "\"t7-v3-r2\""), "\"t7-v3-r2\"");
    assert_string_equal(pd_sla_tags_base(p, "*"), "*");
    assert_string_equal(pd_sla_tags_base(p, "W/\"t7-v3-r2-s..12\", \"lab\", \"t1-v1-r4-s-3.\""),
                        "W/\"t7-v3-r2\", \"lab\", \"t1-v1-r4\"");
    /* other tags, and malformed ones, are left as they are */
    assert_string_equal(pd_sla_tags_base(p, "\"t7-v3-s1\""), "\"t7-v3-s1\"");
    assert_string_equal(pd_sla_tags_base(p, "\"tx-v3-r2-s1\""), "\"tx-v3-r2-s1\"");
    assert_string_equal(pd_sla_tags_base(p, "\"t7-v3-r2-s1"), "\"t7-v3-r2-s1");
    assert_string_equal(pd_sla_tags_base(p, ""), "");
}

static void test_zone_names(void **state)
{
    static const char *const good[] = {
        "Asia/Jakarta", "Europe/Berlin", "UTC", "America/Argentina/Buenos_Aires", "Etc/GMT+7", NULL
    };
    static const char *const bad[] = {
        "", "/Asia", "Asia/", "Asia//Jakarta", "7Asia", "Asia/Jak arta", "Asia/Jakarta;", "../etc",
        "Europe/Berlin\n", NULL
    };
    int i;

    for (i = 0; good[i]; i++) {
        assert_true(pd_sla_zone_name_ok(good[i]));
    }
    for (i = 0; bad[i]; i++) {
        assert_false(pd_sla_zone_name_ok(bad[i]));
    }
    assert_false(pd_sla_zone_name_ok(NULL));
    assert_false(pd_sla_zone_name_ok("Abcdefghij/Abcdefghij/Abcdefghij/Abcdefghij/Abcdefghij/Abcdefghij"));
}

static apr_status_t hours(apr_pool_t *p, const char *text, const char **out, pd_error_t *err)
{
    json_t *j = pd_json_bind(p, json_loads(text, 0, NULL));
    assert_non_null(j);
    pd_error_init(err, p);
    return pd_sla_hours_read(j, p, out, err);
}

static void test_hours(void **state)
{
    apr_pool_t *p = *state;
    const char *out;
    pd_error_t err;

    assert_int_equal(hours(p, "{\"mon\":[{\"from\":\"08:00\",\"to\":\"12:00\"},"
                              "{\"from\":\"13:00\",\"to\":\"17:00\"}],\"sun\":[],"
                              "\"sat\":[{\"from\":\"22:00\",\"to\":\"24:00\"}]}", &out, &err),
                     APR_SUCCESS);
    assert_string_equal(out, "[{\"weekday\":1,\"from\":\"08:00\",\"to\":\"12:00\"},"
                             "{\"weekday\":1,\"from\":\"13:00\",\"to\":\"17:00\"},"
                             "{\"weekday\":6,\"from\":\"22:00\",\"to\":\"24:00\"}]");
    /* intervals that touch are fine */
    assert_int_equal(hours(p, "{\"tue\":[{\"from\":\"00:00\",\"to\":\"12:00\"},"
                              "{\"from\":\"12:00\",\"to\":\"24:00\"}]}", &out, &err), APR_SUCCESS);

    static const char *const refused[] = {
        "[]", "{}", "{\"mon\":[]}", "{\"monday\":[]}", "{\"mon\":{}}",
        "{\"mon\":[{\"from\":\"08:00\"}]}",
        "{\"mon\":[{\"from\":\"08:00\",\"to\":\"12:00\",\"x\":1}]}",
        "{\"mon\":[{\"from\":\"12:00\",\"to\":\"08:00\"}]}",
        "{\"mon\":[{\"from\":\"08:00\",\"to\":\"08:00\"}]}",
        "{\"mon\":[{\"from\":\"24:00\",\"to\":\"24:00\"}]}",
        "{\"mon\":[{\"from\":\"08:00\",\"to\":\"24:01\"}]}",
        "{\"mon\":[{\"from\":\"8:00\",\"to\":\"12:00\"}]}",
        "{\"mon\":[{\"from\":\"08:00:00\",\"to\":\"12:00\"}]}",
        "{\"mon\":[{\"from\":800,\"to\":\"12:00\"}]}",
        "{\"mon\":[{\"from\":\"08:60\",\"to\":\"12:00\"}]}",
        "{\"mon\":[{\"from\":\"13:00\",\"to\":\"17:00\"},{\"from\":\"08:00\",\"to\":\"12:00\"}]}",
        "{\"mon\":[{\"from\":\"08:00\",\"to\":\"13:00\"},{\"from\":\"12:00\",\"to\":\"17:00\"}]}",
        "{\"mon\":[{\"from\":\"00:00\",\"to\":\"01:00\"},{\"from\":\"01:00\",\"to\":\"02:00\"},"
        "{\"from\":\"02:00\",\"to\":\"03:00\"},{\"from\":\"03:00\",\"to\":\"04:00\"},"
        "{\"from\":\"04:00\",\"to\":\"05:00\"},{\"from\":\"05:00\",\"to\":\"06:00\"},"
        "{\"from\":\"06:00\",\"to\":\"07:00\"},{\"from\":\"07:00\",\"to\":\"08:00\"},"
        "{\"from\":\"08:00\",\"to\":\"09:00\"}]}",
        NULL
    };
    for (int i = 0; refused[i]; i++) {
        assert_int_equal(hours(p, refused[i], &out, &err), APR_EGENERAL);
        assert_int_equal(err.status, 422);
        assert_string_equal(err.code, "validation_failed");
        assert_string_equal(err.field, "hours");
    }
}

static apr_status_t holidays(apr_pool_t *p, const char *text, const char **out, pd_error_t *err)
{
    json_t *j = pd_json_bind(p, json_loads(text, JSON_DECODE_ANY, NULL));
    assert_non_null(j);
    pd_error_init(err, p);
    return pd_sla_holidays_read(j, p, out, err);
}

static void test_holidays(void **state)
{
    apr_pool_t *p = *state;
    const char *out;
    pd_error_t err;
    int i;

    assert_int_equal(holidays(p, "[]", &out, &err), APR_SUCCESS);
    assert_string_equal(out, "[]");
    assert_int_equal(holidays(p, "[{\"date\":\"2026-12-25\",\"name\":\" Hari Raya Natal \"},"
                                 "{\"name\":\"Tahun Baru\",\"date\":\"2027-01-01\"}]", &out, &err),
                     APR_SUCCESS);
    assert_string_equal(out, "[{\"date\":\"2026-12-25\",\"name\":\"Hari Raya Natal\"},"
                             "{\"date\":\"2027-01-01\",\"name\":\"Tahun Baru\"}]");

    static const char *const refused[] = {
        "{}", "[1]", "[{\"date\":\"2026-12-25\"}]", "[{\"name\":\"Natal\"}]",
        "[{\"date\":\"2026-02-30\",\"name\":\"x\"}]", "[{\"date\":\"25-12-2026\",\"name\":\"x\"}]",
        "[{\"date\":\"2026-12-25\",\"name\":\"\"}]", "[{\"date\":\"2026-1-25\",\"name\":\"x\"}]",
        "[{\"date\":\"2026-12-25\",\"name\":\"x\",\"kind\":\"national\"}]",
        "[{\"date\":\"2026-12-25\",\"name\":\"a\\u0007b\"}]",
        "[{\"date\":\"2026-12-25\",\"name\":\"x\"},{\"date\":\"2026-12-25\",\"name\":\"y\"}]",
        NULL
    };
    for (i = 0; refused[i]; i++) {
        assert_int_equal(holidays(p, refused[i], &out, &err), APR_EGENERAL);
        assert_int_equal(err.status, 422);
        assert_string_equal(err.field, "holidays");
    }
    /* at most 1000 */
    {
        json_t *list = pd_json_bind(p, json_array());
        for (i = 0; i < PD_SLA_MAX_HOLIDAYS + 1; i++) {
            json_array_append_new(list, json_pack("{s:s,s:s}", "date",
                apr_psprintf(p, "%04d-01-01", 2000 + i % 1000 + (i >= 1000 ? 5000 : 0)), "name", "x"));
        }
        pd_error_init(&err, p);
        assert_int_equal(pd_sla_holidays_read(list, p, &out, &err), APR_EGENERAL);
    }
}

static apr_status_t targets(apr_pool_t *p, const char *text, const char **fr, const char **res,
                            pd_error_t *err)
{
    json_t *j = pd_json_bind(p, json_loads(text, JSON_DECODE_ANY, NULL));
    assert_non_null(j);
    pd_error_init(err, p);
    return pd_sla_targets_read(j, p, fr, res, err);
}

static void test_targets(void **state)
{
    apr_pool_t *p = *state;
    const char *fr, *res;
    pd_error_t err;
    int i;

    assert_int_equal(targets(p, "{\"urgent\":{\"first_response\":30,\"resolution\":240},"
                                "\"low\":{\"resolution\":4800,\"first_response\":960},"
                                "\"high\":{\"first_response\":120,\"resolution\":960},"
                                "\"medium\":{\"first_response\":480,\"resolution\":100000}}",
                             &fr, &res, &err), APR_SUCCESS);
    assert_string_equal(fr, "{960,480,120,30}");
    assert_string_equal(res, "{4800,100000,960,240}");

    static const char *const refused[] = {
        "[]", "{}",
        "{\"low\":{\"first_response\":1,\"resolution\":1}}",
        "{\"low\":{\"first_response\":1,\"resolution\":1},\"medium\":{\"first_response\":1,"
        "\"resolution\":1},\"high\":{\"first_response\":1,\"resolution\":1},\"urgent\":"
        "{\"first_response\":0,\"resolution\":1}}",
        "{\"low\":{\"first_response\":1,\"resolution\":1},\"medium\":{\"first_response\":1,"
        "\"resolution\":1},\"high\":{\"first_response\":1,\"resolution\":1},\"urgent\":"
        "{\"first_response\":1,\"resolution\":100001}}",
        "{\"low\":{\"first_response\":1,\"resolution\":1},\"medium\":{\"first_response\":1,"
        "\"resolution\":1},\"high\":{\"first_response\":1,\"resolution\":1},\"urgent\":"
        "{\"first_response\":1.5,\"resolution\":1}}",
        "{\"low\":{\"first_response\":1,\"resolution\":1},\"medium\":{\"first_response\":1,"
        "\"resolution\":1},\"high\":{\"first_response\":1,\"resolution\":1},\"urgent\":"
        "{\"first_response\":\"1\",\"resolution\":1}}",
        "{\"low\":{\"first_response\":1,\"resolution\":1},\"medium\":{\"first_response\":1,"
        "\"resolution\":1},\"high\":{\"first_response\":1,\"resolution\":1},\"urgent\":"
        "{\"first_response\":1,\"resolution\":1},\"critical\":{}}",
        "{\"low\":{\"first_response\":1,\"resolution\":1,\"x\":1},\"medium\":{\"first_response\":1,"
        "\"resolution\":1},\"high\":{\"first_response\":1,\"resolution\":1},\"urgent\":"
        "{\"first_response\":1,\"resolution\":1}}",
        NULL
    };
    for (i = 0; refused[i]; i++) {
        assert_int_equal(targets(p, refused[i], &fr, &res, &err), APR_EGENERAL);
        assert_int_equal(err.status, 422);
        assert_string_equal(err.field, "targets");
    }
}

static apr_status_t escalation(apr_pool_t *p, const char *text, pd_sla_escalation_t *out,
                               pd_error_t *err)
{
    json_t *j = pd_json_bind(p, json_loads(text, JSON_DECODE_ANY, NULL));
    assert_non_null(j);
    pd_error_init(err, p);
    memset(out, 0, sizeof(*out));
    return pd_sla_escalation_read(j, p, out, err);
}

/* The escalation levels: each member on its own, null for the managers'
 * level meaning never, the others left as they were. */
static void test_escalation(void **state)
{
    apr_pool_t *p = *state;
    pd_sla_escalation_t e;
    pd_error_t err;
    int i;

    assert_int_equal(escalation(p, "{\"at_risk\":false,\"breached\":true,\"managers_after_minutes\":0}",
                                &e, &err), APR_SUCCESS);
    assert_string_equal(e.at_risk, "false");
    assert_string_equal(e.breached, "true");
    assert_string_equal(e.managers_after, "0");
    assert_true(e.managers_given);
    assert_int_equal(escalation(p, "{\"managers_after_minutes\":null}", &e, &err), APR_SUCCESS);
    assert_null(e.managers_after);
    assert_true(e.managers_given);
    assert_null(e.at_risk);
    assert_null(e.breached);
    assert_int_equal(escalation(p, "{\"breached\":false}", &e, &err), APR_SUCCESS);
    assert_false(e.managers_given);
    assert_string_equal(e.breached, "false");
    assert_int_equal(escalation(p, "{}", &e, &err), APR_SUCCESS);
    assert_int_equal(escalation(p, "{\"managers_after_minutes\":100000}", &e, &err), APR_SUCCESS);
    assert_string_equal(e.managers_after, "100000");

    static const char *const refused[] = {
        "[]", "null", "true", "{\"at_risk\":1}", "{\"breached\":\"yes\"}", "{\"at_risk\":null}",
        "{\"managers_after_minutes\":-1}", "{\"managers_after_minutes\":100001}",
        "{\"managers_after_minutes\":1.5}", "{\"managers_after_minutes\":\"60\"}",
        "{\"managers\":60}", NULL
    };
    for (i = 0; refused[i]; i++) {
        assert_int_equal(escalation(p, refused[i], &e, &err), APR_EGENERAL);
        assert_int_equal(err.status, 422);
        assert_string_equal(err.field, "escalation");
    }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_minutes),
        T(test_states),
        T(test_render),
        T(test_countdown),
        T(test_tags_base),
        T(test_zone_names),
        T(test_hours),
        T(test_holidays),
        T(test_targets),
        T(test_escalation),
    };
#undef T
    return cmocka_run_group_tests_name("pd_sla", tests, group_setup, group_teardown);
}
