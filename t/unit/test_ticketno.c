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

static int group_setup(void **state)
{
    (void)state;
    return apr_initialize() == APR_SUCCESS ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    apr_terminate();
    return 0;
}

static int setup(void **state)
{
    apr_pool_t *p;
    if (apr_pool_create(&p, NULL) != APR_SUCCESS) {
        return -1;
    }
    *state = p;
    return 0;
}

static int teardown(void **state)
{
    apr_pool_destroy(*state);
    return 0;
}

static void assert_number(apr_pool_t *p, const char *prefix, int year, apr_int64_t seq,
                          const char *expect)
{
    const char *out = NULL;

    assert_int_equal(pd_ticketno_format(&out, p, prefix, year, seq), APR_SUCCESS);
    assert_non_null(out);
    assert_string_equal(out, expect);
}

static void assert_refused(apr_pool_t *p, const char *prefix, int year, apr_int64_t seq)
{
    const char *out = "untouched";

    assert_int_equal(pd_ticketno_format(&out, p, prefix, year, seq), APR_EINVAL);
    assert_null(out);
}

static void test_format(void **state)
{
    apr_pool_t *p = *state;

    assert_number(p, "PD", 2026, 42, "PD-2026-000042");
    assert_number(p, "PD", 2026, 1, "PD-2026-000001");
    assert_number(p, "PD", 2027, 999999, "PD-2027-999999");
    assert_number(p, "HD1", 2030, 123456, "HD1-2030-123456");
    assert_number(p, "X", 2026, 7, "X-2026-000007");
    assert_number(p, "2026", 2026, 5, "2026-2026-000005");
}

/* Past six digits the sequence simply grows. */
static void test_format_long_sequences(void **state)
{
    apr_pool_t *p = *state;

    assert_number(p, "PD", 2026, 1000000, "PD-2026-1000000");
    assert_number(p, "PD", 2026, 1234567, "PD-2026-1234567");
    assert_number(p, "PD", 2026, 9999999, "PD-2026-9999999");
    assert_number(p, "PD", 2026, APR_INT64_C(123456789012), "PD-2026-123456789012");
    assert_number(p, "PD", 2026, APR_INT64_C(9223372036854775807),
                  "PD-2026-9223372036854775807");
}

static void test_format_year_bounds(void **state)
{
    apr_pool_t *p = *state;

    assert_number(p, "PD", 2000, 1, "PD-2000-000001");
    assert_number(p, "PD", 9999, 1, "PD-9999-000001");
    assert_refused(p, "PD", 1999, 1);
    assert_refused(p, "PD", 10000, 1);
    assert_refused(p, "PD", 0, 1);
    assert_refused(p, "PD", -2026, 1);
    assert_refused(p, "PD", 26, 1);
}

static void test_format_bad_sequence(void **state)
{
    apr_pool_t *p = *state;

    assert_refused(p, "PD", 2026, 0);
    assert_refused(p, "PD", 2026, -1);
    assert_refused(p, "PD", 2026, -42);
    assert_refused(p, "PD", 2026, APR_INT64_MIN);
}

static void test_format_bad_prefix(void **state)
{
    apr_pool_t *p = *state;

    assert_refused(p, "pd", 2026, 1);
    assert_refused(p, "", 2026, 1);
    assert_refused(p, NULL, 2026, 1);
    assert_refused(p, "ABCDEFGHIJK", 2026, 1);
    assert_refused(p, "P-D", 2026, 1);
    assert_refused(p, "P%sD", 2026, 1);
}

static void test_prefix_valid(void **state)
{
    static const char *const good[] = {
        "PD", "A", "Z", "0", "9", "HD2026", "ABCDEFGHIJ", "0123456789", "A1B2C3",
    };
    static const char *const bad[] = {
        "", "pd", "Pd", "pD", "ABCDEFGHIJK", "01234567890", "P-D", "P_D", "P D", " PD", "PD ",
        "P.D", "P/D", "PD\n", "P%D", "\xc3\x84", "P\xc3\x84", "PD!", "#PD",
    };
    apr_size_t i;

    assert_int_equal(PD_TICKETNO_PREFIX_MAX, 10);
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_true(pd_ticketno_prefix_valid(good[i]));
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(pd_ticketno_prefix_valid(bad[i]));
    }
    assert_false(pd_ticketno_prefix_valid(NULL));
}

/* Zero padding keeps numbers of one prefix and year in issue order when
 * sorted as text, as long as they fit in six digits. */
static void test_format_sorts_within_width(void **state)
{
    apr_pool_t *p = *state;
    const char *a = NULL, *b = NULL;

    assert_int_equal(pd_ticketno_format(&a, p, "PD", 2026, 9), APR_SUCCESS);
    assert_int_equal(pd_ticketno_format(&b, p, "PD", 2026, 10), APR_SUCCESS);
    assert_true(strcmp(a, b) < 0);
    assert_int_equal(pd_ticketno_format(&a, p, "PD", 2026, 99999), APR_SUCCESS);
    assert_int_equal(pd_ticketno_format(&b, p, "PD", 2026, 100000), APR_SUCCESS);
    assert_true(strcmp(a, b) < 0);
    assert_int_equal(strlen(a), strlen(b));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_format),
        T(test_format_long_sequences),
        T(test_format_year_bounds),
        T(test_format_bad_sequence),
        T(test_format_bad_prefix),
        T(test_prefix_valid),
        T(test_format_sorts_within_width),
    };
#undef T
    return cmocka_run_group_tests_name("pd_ticketno", tests, group_setup, group_teardown);
}
