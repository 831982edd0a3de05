/* pd_download: stored names, Content-Disposition and Range. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "pd_download.h"
#include "pd_unit.h"

static void test_clean(void **state)
{
    apr_pool_t *p = *state;

    assert_string_equal(pd_filename_clean(p, "struk.png"), "struk.png");
    assert_string_equal(pd_filename_clean(p, "  ..laporan.pdf.. "), "laporan.pdf");
    assert_string_equal(pd_filename_clean(p, ".bashrc"), "bashrc");
    /* U+202E RIGHT-TO-LEFT OVERRIDE and U+2066 LEFT-TO-RIGHT ISOLATE */
    assert_string_equal(pd_filename_clean(p, "faktur\xE2\x80\xAEgpj.exe"), "faktur_gpj.exe");
    assert_string_equal(pd_filename_clean(p, "\xE2\x81\xA6x.txt"), "_x.txt");
    /* other characters of that block stay: an en dash */
    assert_string_equal(pd_filename_clean(p, "a\xE2\x80\x93" "b.txt"), "a\xE2\x80\x93" "b.txt");
    assert_null(pd_filename_clean(p, ""));
    assert_null(pd_filename_clean(p, " . . "));
}

static void test_disposition(void **state)
{
    apr_pool_t *p = *state;

    assert_string_equal(pd_content_disposition(p, "attachment", "struk.png"),
                        "attachment; filename=\"struk.png\"");
    assert_string_equal(pd_content_disposition(p, "inline", "a b.png"),
                        "inline; filename=\"a b.png\"");
    assert_string_equal(pd_content_disposition(p, "attachment", "r\xC3\xA9sum\xC3\xA9.txt"),
                        "attachment; filename=\"r_sum_.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt");
    assert_string_equal(pd_content_disposition(p, "attachment", "a\"b\\c;d.txt"),
                        "attachment; filename=\"a_b_c;d.txt\"; filename*=UTF-8''a%22b%5Cc%3Bd.txt");
    /* a four-byte character is one '_' */
    assert_string_equal(pd_content_disposition(p, "attachment", "\xF0\x9F\x92\x8A.txt"),
                        "attachment; filename=\"_.txt\"; filename*=UTF-8''%F0%9F%92%8A.txt");
}

static void test_range(void **state)
{
    apr_off_t a = -1, b = -1;

    (void)state;
    assert_int_equal(pd_range_parse("bytes=0-99", 1000, &a, &b), PD_RANGE_OK);
    assert_true(a == 0 && b == 99);
    assert_int_equal(pd_range_parse("bytes=990-2000", 1000, &a, &b), PD_RANGE_OK);
    assert_true(a == 990 && b == 999);
    assert_int_equal(pd_range_parse("bytes=500-", 1000, &a, &b), PD_RANGE_OK);
    assert_true(a == 500 && b == 999);
    assert_int_equal(pd_range_parse("bytes=-10", 1000, &a, &b), PD_RANGE_OK);
    assert_true(a == 990 && b == 999);
    assert_int_equal(pd_range_parse("bytes=-5000", 1000, &a, &b), PD_RANGE_OK);
    assert_true(a == 0 && b == 999);
    assert_int_equal(pd_range_parse("BYTES=1-1", 1000, &a, &b), PD_RANGE_OK);
    assert_true(a == 1 && b == 1);
    assert_int_equal(pd_range_parse("bytes=999-999", 1000, &a, &b), PD_RANGE_OK);

    assert_int_equal(pd_range_parse("bytes=1000-", 1000, &a, &b), PD_RANGE_UNSATISFIABLE);
    assert_int_equal(pd_range_parse("bytes=1000-1001", 1000, &a, &b), PD_RANGE_UNSATISFIABLE);
    assert_int_equal(pd_range_parse("bytes=-0", 1000, &a, &b), PD_RANGE_UNSATISFIABLE);

    assert_int_equal(pd_range_parse(NULL, 1000, &a, &b), PD_RANGE_NONE);
    assert_int_equal(pd_range_parse("bytes=0-1,3-4", 1000, &a, &b), PD_RANGE_NONE);
    assert_int_equal(pd_range_parse("bytes=5-1", 1000, &a, &b), PD_RANGE_NONE);
    assert_int_equal(pd_range_parse("bytes=-", 1000, &a, &b), PD_RANGE_NONE);
    assert_int_equal(pd_range_parse("bytes=a-b", 1000, &a, &b), PD_RANGE_NONE);
    assert_int_equal(pd_range_parse("bytes=+1-2", 1000, &a, &b), PD_RANGE_NONE);
    assert_int_equal(pd_range_parse("bytes=1-2x", 1000, &a, &b), PD_RANGE_NONE);
    assert_int_equal(pd_range_parse("items=0-1", 1000, &a, &b), PD_RANGE_NONE);
    assert_int_equal(pd_range_parse("bytes=9999999999999999999-", 1000, &a, &b), PD_RANGE_NONE);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_clean),
        T(test_disposition),
        T(test_range),
    };
#undef T
    return cmocka_run_group_tests_name("pd_download", tests, group_setup, group_teardown);
}
