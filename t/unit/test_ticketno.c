/* pd_ticketno: PREFIX-YEAR-SEQUENCE ticket numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_pools.h>
#include "pd_ticketno.h"
#include "pd_unit.h"


/* A number and the parts it must split into. */
static void assert_parts(apr_pool_t *p, const char *number, const char *prefix, int year,
                         apr_int64_t seq)
{
    const char *pre = NULL;
    int y = 0;
    apr_int64_t s = 0;

    assert_int_equal(pd_ticketno_parse(number, p, &pre, &y, &s), APR_SUCCESS);
    assert_string_equal(pre, prefix);
    assert_int_equal(y, year);
    assert_int_equal(s, seq);
}

static void test_parse(void **state)
{
    apr_pool_t *p = *state;
    assert_parts(p, "PD-2026-000042", "PD", 2026, 42);
    assert_parts(p, "PD-2026-000001", "PD", 2026, 1);
    assert_parts(p, "HELPDESK01-2030-999999", "HELPDESK01", 2030, 999999);
    assert_parts(p, "X-2000-123456", "X", 2000, 123456);
}

/* Past a million the sequence simply grows: no padding, no truncation. */
static void test_parse_long_sequences(void **state)
{
    apr_pool_t *p = *state;
    assert_parts(p, "PD-2026-1000000", "PD", 2026, 1000000);
    assert_parts(p, "PD-2026-123456789", "PD", 2026, 123456789);
}

static void test_parse_refuses(void **state)
{
    static const char *const bad[] = {
        "", "PD", "PD-", "PD-2026", "PD-2026-", "PD-2026-42", "PD-2026-00042",
        "-2026-000042", "pd-2026-000042", "P.D-2026-000042", "PD-26-000042",
        "PD-1999-000042", "PD-20260-000042", "PD-2026-000000", "PD-2026-0000042",
        "PD-2026-0000000", "PD-2026-00004a", "PD-2026-000042-", "PD-2026-000042 ",
        " PD-2026-000042", "PD--2026-000042", "TOOLONGPREFIX-2026-000042",
        "PD-2026-1234567890123456789",
    };
    apr_pool_t *p = *state;
    apr_size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (pd_ticketno_parse(bad[i], p, NULL, NULL, NULL) != APR_EINVAL) {
            fail_msg("accepted \"%s\"", bad[i]);
        }
    }
    assert_int_equal(pd_ticketno_parse(NULL, p, NULL, NULL, NULL), APR_EINVAL);
}

static void test_prefix_valid(void **state)
{
    (void)state;
    assert_true(pd_ticketno_prefix_valid("PD"));
    assert_true(pd_ticketno_prefix_valid("TICK"));
    assert_true(pd_ticketno_prefix_valid("A1B2C3D4E5"));
    assert_true(pd_ticketno_prefix_valid("9"));
    assert_false(pd_ticketno_prefix_valid(""));
    assert_false(pd_ticketno_prefix_valid(NULL));
    assert_false(pd_ticketno_prefix_valid("pd"));
    assert_false(pd_ticketno_prefix_valid("P-D"));
    assert_false(pd_ticketno_prefix_valid("P D"));
    assert_false(pd_ticketno_prefix_valid("ABCDEFGHIJK"));
    assert_false(pd_ticketno_prefix_valid("P\xc3\x89"));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_parse),
        T(test_parse_long_sequences),
        T(test_parse_refuses),
        T(test_prefix_valid),
    };
#undef T
    return cmocka_run_group_tests_name("pd_ticketno", tests, group_setup, group_teardown);
}
