/* pd_csv: RFC 4180 quoting, the byte order mark, formulas neutralised,
 * numbers as they are, tables from JSON, and a buffer that stays the size
 * of a row however many rows pass through it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <apr_strings.h>
#include "pd_csv.h"
#include "pd_unit.h"

/* What was written so far, as a string. */
static const char *taken(pd_csv_t *c)
{
    apr_size_t len;
    const char *s = pd_csv_take(c, &len);
    return apr_pstrndup(c->pool, s, len);
}

static void test_quoting(void **state)
{
    pd_csv_t c;

    pd_csv_init(&c, *state, 16);
    pd_csv_text(&c, "plain");
    pd_csv_text(&c, "a,b");
    pd_csv_text(&c, "say \"hi\"");
    pd_csv_text(&c, "two\r\nlines");
    pd_csv_text(&c, "line\nfeed");
    pd_csv_text(&c, " padded ");
    pd_csv_text(&c, NULL);
    pd_csv_text(&c, "");
    pd_csv_text(&c, "Apotek Sehat – Jl. Merdeka 5");
    pd_csv_end_row(&c);
    assert_string_equal(taken(&c), "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\",\"line\nfeed\","
                                   "\" padded \",,,Apotek Sehat – Jl. Merdeka 5\r\n");
    /* a row alone */
    pd_csv_text(&c, "x");
    pd_csv_end_row(&c);
    pd_csv_end_row(&c);
    assert_string_equal(taken(&c), "x\r\n\r\n");
}

static void test_formulas(void **state)
{
    pd_csv_t c;

    pd_csv_init(&c, *state, 16);
    pd_csv_text(&c, "=HYPERLINK(\"http://evil\",\"klik\")");
    pd_csv_text(&c, "+1+1");
    pd_csv_text(&c, "-2+3");
    pd_csv_text(&c, "@SUM(A1)");
    pd_csv_text(&c, "\tTab");
    pd_csv_text(&c, "\rCR");
    pd_csv_text(&c, "a=b");
    pd_csv_end_row(&c);
    assert_string_equal(taken(&c), "\"'=HYPERLINK(\"\"http://evil\"\",\"\"klik\"\")\",\"'+1+1\",\"'-2+3\","
                                   "\"'@SUM(A1)\",\"'\tTab\",\"'\rCR\",a=b\r\n");
    /* numbers the module writes go out as they are; anything else is text */
    pd_csv_number(&c, "42");
    pd_csv_number(&c, "-3");
    pd_csv_number(&c, "0.9535");
    pd_csv_number(&c, "-1+2");
    pd_csv_number(&c, "1.");
    pd_csv_number(&c, NULL);
    pd_csv_number(&c, "=1");
    pd_csv_end_row(&c);
    assert_string_equal(taken(&c), "42,-3,0.9535,\"'-1+2\",1.,,\"'=1\"\r\n");
}

static void test_bom(void **state)
{
    pd_csv_t c;

    pd_csv_init(&c, *state, 16);
    pd_csv_bom(&c);
    pd_csv_text(&c, "a");
    pd_csv_end_row(&c);
    assert_string_equal(taken(&c), "\xEF\xBB\xBF" "a\r\n");
}

static void test_json_table(void **state)
{
    pd_csv_t c;
    json_error_t e;
    json_t *items = json_loads(
        "[{\"bucket\": \"2026-11-01\", \"user\": null, \"n\": 3, \"share\": 0.9535,"
        "  \"sla\": {\"met\": 2, \"ok\": true}, \"list\": [1, 2]},"
        " {\"bucket\": \"2026-12-01\", \"user\": {\"id\": 5, \"name\": \"=Budi\"}, \"n\": -1,"
        "  \"sla\": {\"met\": 0, \"ok\": false}, \"extra\": \"x,y\"}]", 0, &e);

    assert_non_null(items);
    pd_csv_init(&c, *state, 16);
    pd_csv_json_table(&c, items);
    assert_string_equal(taken(&c),
        "bucket,user.id,user.name,n,share,sla.met,sla.ok,extra\r\n"
        "2026-11-01,,,3,0.9535,2,true,\r\n"
        "2026-12-01,5,\"'=Budi\",-1,,0,false,\"x,y\"\r\n");
    json_decref(items);
    /* nothing: the header alone, empty */
    items = json_array();
    pd_csv_json_table(&c, items);
    assert_string_equal(taken(&c), "\r\n");
    json_decref(items);
}

/* A long export through one buffer: taken after every row, it stays the
 * size of the longest row. */
static void test_constant_memory(void **state)
{
    pd_csv_t c;
    apr_size_t len, cap;
    int i;

    pd_csv_init(&c, *state, 64);
    pd_csv_text(&c, "a title with, a comma");
    pd_csv_end_row(&c);
    (void)pd_csv_take(&c, &len);
    cap = c.cap;
    for (i = 0; i < 100000; i++) {
        pd_csv_number(&c, "12345");
        pd_csv_text(&c, "a title with, a comma");
        pd_csv_end_row(&c);
        (void)pd_csv_take(&c, &len);
        assert_int_equal(len, strlen("12345,\"a title with, a comma\"\r\n"));
    }
    assert_int_equal(c.cap, cap);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_quoting),
        T(test_formulas),
        T(test_bom),
        T(test_json_table),
        T(test_constant_memory),
    };
#undef T
    return cmocka_run_group_tests_name("pd_csv", tests, group_setup, group_teardown);
}
