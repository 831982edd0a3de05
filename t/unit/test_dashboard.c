/* pd_dashboard: the counts' JSON from the rows the database counted. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "pd_dashboard.h"
#include "pd_unit.h"

static const char *written(apr_pool_t *p, pd_dash_count_t *counts, int n, apr_int64_t *urgent)
{
    pd_jw_t w;

    pd_jw_init(&w, p, 16);
    pd_jw_begin(&w, '{');
    pd_dashboard_write(&w, counts, n, urgent);
    pd_jw_end(&w, '}');
    return pd_jw_text(&w);
}

static void test_nothing_counted(void **state)
{
    apr_int64_t urgent = -1;

    assert_string_equal(written(*state, NULL, 0, &urgent),
        "{\"total\":0,\"by_status\":{\"open\":0,\"in_review\":0,\"in_progress\":0,"
        "\"waiting_customer\":0,\"solved\":0,\"closed\":0,\"cancelled\":0},"
        "\"by_priority\":{\"low\":0,\"medium\":0,\"high\":0,\"urgent\":0},"
        "\"by_category\":[],\"by_module\":[],\"sla\":{\"breached\":0,\"at_risk\":0},"
        "\"sla_more\":{\"breached\":false,\"at_risk\":false}}");
    assert_int_equal(urgent, 0);
}

static void test_counts(void **state)
{
    pd_dash_count_t counts[] = {
        { 'c', "7", 3, "Printer", "#dc2626" },
        { 's', "closed", 2, NULL, NULL },
        { 'u', "open", 2, NULL, NULL },
        { 'm', "4", 5, "Stok", NULL },
        { 'c', "9", 3, "Bug \"Sistem\"", "#0f766e" },
        { 's', "open", 6, NULL, NULL },
        { 'u', "solved", 1, NULL, NULL },
        { 'c', "2", 5, "Lain", NULL },
        { 'c', "5", 3, "Bug \"Sistem\"", NULL },
        { 'p', "urgent", 3, NULL, NULL },
        { 'p', "medium", 5, NULL, NULL },
        { 'c', "11", 1, NULL, NULL },         /* no such category any more */
        { 'u', "waiting_customer", 1, NULL, NULL },
        { 'u', "nonsense", 4, NULL, NULL },
        { 'u', "closed", 1, NULL, NULL },
        { 'l', "at_risk", 4, NULL, NULL },
        { 'l', "breached", 2, NULL, NULL },
    };
    apr_int64_t urgent = -1;

    assert_string_equal(written(*state, counts, (int)(sizeof(counts) / sizeof(counts[0])), &urgent),
        "{\"total\":8,\"by_status\":{\"open\":6,\"in_review\":0,\"in_progress\":0,"
        "\"waiting_customer\":0,\"solved\":0,\"closed\":2,\"cancelled\":0},"
        "\"by_priority\":{\"low\":0,\"medium\":5,\"high\":0,\"urgent\":3},"
        /* most first; then by name, bytewise; then by id */
        "\"by_category\":[{\"id\":2,\"name\":\"Lain\",\"color\":null,\"count\":5},"
        "{\"id\":5,\"name\":\"Bug \\\"Sistem\\\"\",\"color\":null,\"count\":3},"
        "{\"id\":9,\"name\":\"Bug \\\"Sistem\\\"\",\"color\":\"#0f766e\",\"count\":3},"
        "{\"id\":7,\"name\":\"Printer\",\"color\":\"#dc2626\",\"count\":3}],"
        "\"by_module\":[{\"id\":4,\"name\":\"Stok\",\"color\":null,\"count\":5}],"
        "\"sla\":{\"breached\":2,\"at_risk\":4},"
        "\"sla_more\":{\"breached\":false,\"at_risk\":false}}");
    /* open and waiting_customer; not solved, closed or an unknown status */
    assert_int_equal(urgent, 3);
}

/* The statement counts one past the cap: that is shown as the cap, and
 * "more". */
static void test_sla_capped(void **state)
{
    pd_dash_count_t counts[] = {
        { 'l', "breached", PD_DASH_SLA_CAP + 1, NULL, NULL },
        { 'l', "at_risk", PD_DASH_SLA_CAP, NULL, NULL },
    };
    apr_int64_t urgent = -1;
    const char *json = written(*state, counts, 2, &urgent);

    assert_non_null(strstr(json, "\"sla\":{\"breached\":1000,\"at_risk\":1000},"
                                 "\"sla_more\":{\"breached\":true,\"at_risk\":false}"));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_nothing_counted),
        T(test_counts),
        T(test_sla_capped),
    };
#undef T
    return cmocka_run_group_tests_name("pd_dashboard", tests, group_setup, group_teardown);
}
