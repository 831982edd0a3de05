/* pd_cond: entity-tag comparison and the evaluation of preconditions,
 * against the examples of RFC 9110 (sections 8.8.3.2, 13.1 and 13.2.2). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pd_cond.h"

#define STRONG 1
#define WEAK 0

/* RFC 9110 8.8.3.2: the table of strong and weak comparisons */
static void test_comparison_table(void **state)
{
    (void)state;
    assert_false(pd_cond_list_matches("W/\"1\"", "W/\"1\"", STRONG));
    assert_true(pd_cond_list_matches("W/\"1\"", "W/\"1\"", WEAK));
    assert_false(pd_cond_list_matches("W/\"1\"", "W/\"2\"", STRONG));
    assert_false(pd_cond_list_matches("W/\"1\"", "W/\"2\"", WEAK));
    assert_false(pd_cond_list_matches("W/\"1\"", "\"1\"", STRONG));
    assert_true(pd_cond_list_matches("W/\"1\"", "\"1\"", WEAK));
    assert_false(pd_cond_list_matches("\"1\"", "W/\"1\"", STRONG));
    assert_true(pd_cond_list_matches("\"1\"", "W/\"1\"", WEAK));
    assert_true(pd_cond_list_matches("\"1\"", "\"1\"", STRONG));
    assert_true(pd_cond_list_matches("\"1\"", "\"1\"", WEAK));
}

/* RFC 9110 13.1.1 and 13.1.2: the examples of If-Match and If-None-Match */
static void test_rfc_examples(void **state)
{
    static const char *const lists[] = {
        "\"xyzzy\"",
        "\"xyzzy\", \"r2d2xxxx\", \"c3piozzzz\"",
        "\"r2d2xxxx\", \"c3piozzzz\", \"xyzzy\"",
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        assert_true(pd_cond_list_matches(lists[i], "\"xyzzy\"", STRONG));
        assert_true(pd_cond_list_matches(lists[i], "\"xyzzy\"", WEAK));
        assert_false(pd_cond_list_matches(lists[i], "\"xyzz\"", WEAK));
        assert_false(pd_cond_list_matches(lists[i], "\"xyzzyy\"", WEAK));
    }
    assert_true(pd_cond_list_matches("W/\"xyzzy\"", "\"xyzzy\"", WEAK));
    assert_false(pd_cond_list_matches("W/\"xyzzy\"", "\"xyzzy\"", STRONG));
    assert_true(pd_cond_list_matches("W/\"xyzzy\", W/\"r2d2xxxx\", W/\"c3piozzzz\"", "\"c3piozzzz\"",
                                     WEAK));
    assert_false(pd_cond_list_matches("W/\"xyzzy\", W/\"r2d2xxxx\", W/\"c3piozzzz\"", "\"c3piozzzz\"",
                                      STRONG));
    assert_true(pd_cond_list_matches("*", "\"anything\"", STRONG));
    assert_true(pd_cond_list_matches("*", "W/\"anything\"", WEAK));
}

/* OWS around members, empty members (#rule), tabs */
static void test_list_syntax(void **state)
{
    (void)state;
    assert_true(pd_cond_list_matches("  \"a\" ,\t\"b\"  ", "\"b\"", STRONG));
    assert_true(pd_cond_list_matches(", ,\"a\",,", "\"a\"", STRONG));
    assert_true(pd_cond_list_matches(" * ", "\"a\"", STRONG));
    assert_true(pd_cond_list_matches("\"\"", "\"\"", STRONG));
    assert_true(pd_cond_list_matches("\"a,b\"", "\"a,b\"", STRONG));
    assert_true(pd_cond_list_matches("\"caf\xC3\xA9\"", "\"caf\xC3\xA9\"", STRONG));
    assert_false(pd_cond_list_matches("", "\"a\"", WEAK));
    assert_false(pd_cond_list_matches(" , ", "\"a\"", WEAK));
}

/* anything that is not a list of entity tags names nothing, even when a
 * member before or after the malformed one matches */
static void test_malformed(void **state)
{
    static const char *const bad[] = {
        "a", "\"a", "a\"", "w/\"a\"", "W\"a\"", "W/ \"a\"", "\"a\" \"b\"", "\"a\"\"b\"",
        "\"a\", b", "b, \"a\"", "\"a\";q=1", "*, \"a\"", "\"a\", *", "**", "* x",
        "\"a b\"", "\"a\x01\"", "\"a\x7F\"", "W/", "W/W/\"a\"",
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(pd_cond_list_matches(bad[i], "\"a\"", WEAK));
        assert_false(pd_cond_list_matches(bad[i], "\"a\"", STRONG));
    }
    assert_false(pd_cond_list_matches(NULL, "\"a\"", WEAK));
    /* the resource's own tag must be one too */
    assert_false(pd_cond_list_matches("*", "a", WEAK));
    assert_false(pd_cond_list_matches("\"a\"", NULL, WEAK));
}

/* RFC 9110 13.2.2: If-Match first, then If-None-Match; 304 only for GET
 * and HEAD */
static void test_evaluate(void **state)
{
    const char *tag = "\"t1-v3\"";
    (void)state;

    assert_int_equal(pd_cond_evaluate(NULL, NULL, tag, 1), PD_COND_PROCEED);
    assert_int_equal(pd_cond_evaluate(tag, NULL, tag, 0), PD_COND_PROCEED);
    assert_int_equal(pd_cond_evaluate("*", NULL, tag, 0), PD_COND_PROCEED);
    assert_int_equal(pd_cond_evaluate("\"x\", \"t1-v3\"", NULL, tag, 0), PD_COND_PROCEED);
    assert_int_equal(pd_cond_evaluate("\"t1-v2\"", NULL, tag, 0), PD_COND_FAILED);
    assert_int_equal(pd_cond_evaluate("W/\"t1-v3\"", NULL, tag, 0), PD_COND_FAILED);
    assert_int_equal(pd_cond_evaluate("t1-v3", NULL, tag, 0), PD_COND_FAILED);
    assert_int_equal(pd_cond_evaluate("\"t1-v2\"", NULL, tag, 1), PD_COND_FAILED);

    assert_int_equal(pd_cond_evaluate(NULL, tag, tag, 1), PD_COND_NOT_MODIFIED);
    assert_int_equal(pd_cond_evaluate(NULL, "W/\"t1-v3\"", tag, 1), PD_COND_NOT_MODIFIED);
    assert_int_equal(pd_cond_evaluate(NULL, "*", tag, 1), PD_COND_NOT_MODIFIED);
    assert_int_equal(pd_cond_evaluate(NULL, tag, tag, 0), PD_COND_FAILED);
    assert_int_equal(pd_cond_evaluate(NULL, "*", tag, 0), PD_COND_FAILED);
    assert_int_equal(pd_cond_evaluate(NULL, "\"t1-v2\"", tag, 1), PD_COND_PROCEED);
    assert_int_equal(pd_cond_evaluate(NULL, "\"t1-v2\"", tag, 0), PD_COND_PROCEED);
    assert_int_equal(pd_cond_evaluate(NULL, "garbage", tag, 1), PD_COND_PROCEED);

    /* a failed If-Match wins over a matching If-None-Match */
    assert_int_equal(pd_cond_evaluate("\"t1-v2\"", tag, tag, 1), PD_COND_FAILED);
    assert_int_equal(pd_cond_evaluate(tag, tag, tag, 1), PD_COND_NOT_MODIFIED);
}

/* RFC 9110 13.1.5: If-Range */
static void test_range(void **state)
{
    const char *tag = "\"xyzzy\"";
    (void)state;

    assert_true(pd_cond_range_applies(NULL, tag));
    assert_true(pd_cond_range_applies("\"xyzzy\"", tag));
    assert_true(pd_cond_range_applies(" \"xyzzy\" ", tag));
    assert_false(pd_cond_range_applies("W/\"xyzzy\"", tag));
    assert_false(pd_cond_range_applies("\"xyzzy\"", "W/\"xyzzy\""));
    assert_false(pd_cond_range_applies("\"other\"", tag));
    assert_false(pd_cond_range_applies("Sat, 29 Oct 1994 19:43:31 GMT", tag));
    assert_false(pd_cond_range_applies("\"xyzzy\", \"other\"", tag));
    assert_false(pd_cond_range_applies("*", tag));
    assert_false(pd_cond_range_applies("", tag));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_comparison_table),
        cmocka_unit_test(test_rfc_examples),
        cmocka_unit_test(test_list_syntax),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_evaluate),
        cmocka_unit_test(test_range),
    };
    return cmocka_run_group_tests_name("pd_cond", tests, NULL, NULL);
}
