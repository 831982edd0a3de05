/* pd_route: path matching, {id} segments, 405 answers, method names and the
 * Allow header, pd_parse_id. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include "pd_route.h"
#include "pd_unit.h"


static void h_list(void) {}
static void h_create(void) {}
static void h_get(void) {}
static void h_update(void) {}
static void h_replace(void) {}
static void h_delete(void) {}
static void h_activities(void) {}
static void h_me(void) {}
static void h_create_dup(void) {}

/* The action numbers only need to be told apart. Designated initializers
 * leave every field a test does not use zero, as new fields come. */
static const pd_route_t table[] = {
    { .method = PD_M_GET, .pattern = "/tickets", .action = 1, .handler = h_list },
    { .method = PD_M_POST, .pattern = "/tickets", .action = 2, .handler = h_create },
    { .method = PD_M_GET, .pattern = "/tickets/{id}", .action = 3, .handler = h_get },
    { .method = PD_M_PATCH, .pattern = "/tickets/{id}", .action = 4, .handler = h_update },
    { .method = PD_M_DELETE, .pattern = "/tickets/{id}", .action = 5, .handler = h_delete },
    { .method = PD_M_GET, .pattern = "/tickets/{id}/activities", .action = 6, .handler = h_activities },
    { .method = PD_M_PUT, .pattern = "/pharmacies/{id}", .action = 7, .handler = h_replace },
    { .method = PD_M_GET, .pattern = "/me", .action = 8, .handler = h_me },
    /* a second entry for a method already served: the first one wins */
    { .method = PD_M_POST, .pattern = "/tickets", .action = 9, .handler = h_create_dup },
};
#define COUNT (sizeof(table) / sizeof(table[0]))

static apr_status_t match(pd_route_match_t *m, unsigned method, const char *path)
{
    /* garbage first: a miss must leave nothing behind */
    memset(m, 0x5a, sizeof(*m));
    return pd_route_match(m, table, COUNT, method, path);
}

static void assert_not_found(unsigned method, const char *path)
{
    pd_route_match_t m;

    assert_int_equal(match(&m, method, path), APR_NOTFOUND);
    assert_null(m.route);
    assert_int_equal(m.id, 0);
    assert_int_equal(m.allowed, 0);
}

static void test_match_static_paths(void **state)
{
    pd_route_match_t m;

    assert_int_equal(match(&m, PD_M_GET, "/tickets"), APR_SUCCESS);
    assert_ptr_equal(m.route, &table[0]);
    assert_int_equal(m.route->action, 1);
    assert_true(m.route->handler == h_list);
    assert_int_equal(m.id, 0);
    assert_int_equal(m.allowed, PD_M_GET | PD_M_POST);

    assert_int_equal(match(&m, PD_M_POST, "/tickets"), APR_SUCCESS);
    assert_ptr_equal(m.route, &table[1]);
    assert_true(m.route->handler == h_create);

    assert_int_equal(match(&m, PD_M_GET, "/me"), APR_SUCCESS);
    assert_ptr_equal(m.route, &table[7]);
    assert_int_equal(m.allowed, PD_M_GET);
}

static void test_match_id_paths(void **state)
{
    pd_route_match_t m;

    assert_int_equal(match(&m, PD_M_GET, "/tickets/42"), APR_SUCCESS);
    assert_ptr_equal(m.route, &table[2]);
    assert_int_equal(m.id, 42);
    assert_int_equal(m.allowed, PD_M_GET | PD_M_PATCH | PD_M_DELETE);

    assert_int_equal(match(&m, PD_M_PATCH, "/tickets/7"), APR_SUCCESS);
    assert_ptr_equal(m.route, &table[3]);
    assert_int_equal(m.id, 7);

    assert_int_equal(match(&m, PD_M_DELETE, "/tickets/1"), APR_SUCCESS);
    assert_ptr_equal(m.route, &table[4]);
    assert_int_equal(m.id, 1);

    assert_int_equal(match(&m, PD_M_GET, "/tickets/9/activities"), APR_SUCCESS);
    assert_ptr_equal(m.route, &table[5]);
    assert_int_equal(m.id, 9);
    assert_int_equal(m.allowed, PD_M_GET);

    assert_int_equal(match(&m, PD_M_PUT, "/pharmacies/3"), APR_SUCCESS);
    assert_ptr_equal(m.route, &table[6]);
    assert_int_equal(m.id, 3);
}

static void test_match_id_limits(void **state)
{
    pd_route_match_t m;

    assert_int_equal(match(&m, PD_M_GET, "/tickets/999999999999999999"), APR_SUCCESS);
    assert_int_equal(m.id, APR_INT64_C(999999999999999999));
    assert_int_equal(match(&m, PD_M_GET, "/tickets/100000000000000000"), APR_SUCCESS);
    assert_int_equal(m.id, APR_INT64_C(100000000000000000));
}

static void test_match_bad_ids(void **state)
{
    static const char *const paths[] = {
        "/tickets/0", "/tickets/00", "/tickets/007", "/tickets/-1", "/tickets/+1",
        "/tickets/1a", "/tickets/a1", "/tickets/abc", "/tickets/1.5", "/tickets/1e3",
        "/tickets/ 1", "/tickets/1 ", "/tickets/%31", "/tickets/{id}",
        "/tickets/1000000000000000000",      /* 19 digits */
        "/tickets/9223372036854775807",
        "/tickets/99999999999999999999999999",
        "/tickets/0/activities", "/tickets/x/activities",
    };
    apr_size_t i;

    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        assert_not_found(PD_M_GET, paths[i]);
        assert_not_found(PD_M_PATCH, paths[i]);
    }
}

static void test_match_bad_shapes(void **state)
{
    static const char *const paths[] = {
        "", "/", "tickets", "/tickets/", "//tickets", "/tickets//", "/tickets//5",
        "/tickets/5/", "/tickets/5//activities", "/tickets/5/activities/",
        "/tickets/5/activitie", "/tickets/5/activitiesx", "/Tickets", "/TICKETS/5",
        "/ticket", "/ticketsx", "/tickets/5/x", "/me/", "/mee", "/m", "/tickets?x=1",
        "/tickets/5?x=1", "/tickets/5#f", "/pharmacies", "/pharmacies/",
    };
    apr_size_t i;

    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        assert_not_found(PD_M_GET, paths[i]);
    }
    assert_not_found(PD_M_GET, NULL);
}

static void test_match_method_not_allowed(void **state)
{
    pd_route_match_t m;

    assert_int_equal(match(&m, PD_M_POST, "/tickets/5"), APR_ENOTIMPL);
    assert_null(m.route);
    assert_int_equal(m.allowed, PD_M_GET | PD_M_PATCH | PD_M_DELETE);

    assert_int_equal(match(&m, PD_M_DELETE, "/tickets"), APR_ENOTIMPL);
    assert_null(m.route);
    assert_int_equal(m.allowed, PD_M_GET | PD_M_POST);

    assert_int_equal(match(&m, PD_M_GET, "/pharmacies/5"), APR_ENOTIMPL);
    assert_int_equal(m.allowed, PD_M_PUT);

    /* a method the module does not know is still a 405 on a known path */
    assert_int_equal(match(&m, 0, "/me"), APR_ENOTIMPL);
    assert_null(m.route);
    assert_int_equal(m.allowed, PD_M_GET);

    /* a bad id is a 404, whatever the method */
    assert_not_found(PD_M_POST, "/tickets/0");
}

static void test_match_first_entry_wins(void **state)
{
    pd_route_match_t m;

    assert_int_equal(match(&m, PD_M_POST, "/tickets"), APR_SUCCESS);
    assert_true(m.route->handler == h_create);
    assert_int_equal(m.route->action, 2);
}

static void test_match_empty_table(void **state)
{
    pd_route_match_t m;

    assert_int_equal(pd_route_match(&m, table, 0, PD_M_GET, "/tickets"), APR_NOTFOUND);
    assert_null(m.route);
    assert_int_equal(m.allowed, 0);
}

static void test_match_path_length_limit(void **state)
{
    apr_pool_t *p = *state;
    pd_route_match_t m;
    char *longest = apr_palloc(p, PD_ROUTE_MAX_PATH + 2);
    pd_route_t long_table[2];

    /* "/" then 'a's: exactly PD_ROUTE_MAX_PATH bytes, and one more */
    memset(longest, 'a', PD_ROUTE_MAX_PATH + 1);
    longest[0] = '/';
    longest[PD_ROUTE_MAX_PATH + 1] = '\0';
    long_table[0].method = PD_M_GET;
    long_table[0].pattern = apr_pstrndup(p, longest, PD_ROUTE_MAX_PATH);
    long_table[0].action = 1;
    long_table[0].handler = h_get;
    long_table[1].method = PD_M_GET;
    long_table[1].pattern = longest;
    long_table[1].action = 2;
    long_table[1].handler = h_get;

    assert_int_equal(pd_route_match(&m, long_table, 2, PD_M_GET, long_table[0].pattern),
                     APR_SUCCESS);
    assert_int_equal(m.route->action, 1);
    /* over the limit: not found even though a pattern is identical */
    assert_int_equal(pd_route_match(&m, long_table, 2, PD_M_GET, longest), APR_NOTFOUND);
    assert_null(m.route);
    assert_int_equal(m.allowed, 0);

    /* an overlong path made of valid segments is refused too */
    assert_not_found(PD_M_GET, apr_pstrcat(p, "/tickets/1",
                                           apr_psprintf(p, "%0*d", PD_ROUTE_MAX_PATH, 0),
                                           NULL));
}

static void test_route_method(void **state)
{
    assert_int_equal(pd_route_method("GET"), PD_M_GET);
    assert_int_equal(pd_route_method("HEAD"), PD_M_GET);
    assert_int_equal(pd_route_method("POST"), PD_M_POST);
    assert_int_equal(pd_route_method("PUT"), PD_M_PUT);
    assert_int_equal(pd_route_method("PATCH"), PD_M_PATCH);
    assert_int_equal(pd_route_method("DELETE"), PD_M_DELETE);
    /* OPTIONS is answered by the glue itself, never routed */
    assert_int_equal(pd_route_method("OPTIONS"), 0);
    assert_int_equal(pd_route_method("TRACE"), 0);
    assert_int_equal(pd_route_method("CONNECT"), 0);
    assert_int_equal(pd_route_method("BOGUS"), 0);
    assert_int_equal(pd_route_method("get"), 0);
    assert_int_equal(pd_route_method("Get"), 0);
    assert_int_equal(pd_route_method("GET "), 0);
    assert_int_equal(pd_route_method("GETS"), 0);
    assert_int_equal(pd_route_method(""), 0);
    assert_int_equal(pd_route_method(NULL), 0);
}

static void test_route_allow(void **state)
{
    apr_pool_t *p = *state;

    assert_string_equal(pd_route_allow(p, 0), "OPTIONS");
    assert_string_equal(pd_route_allow(p, PD_M_GET), "GET, HEAD, OPTIONS");
    assert_string_equal(pd_route_allow(p, PD_M_POST), "POST, OPTIONS");
    assert_string_equal(pd_route_allow(p, PD_M_GET | PD_M_POST), "GET, HEAD, POST, OPTIONS");
    assert_string_equal(pd_route_allow(p, PD_M_DELETE | PD_M_PATCH | PD_M_GET),
                        "GET, HEAD, PATCH, DELETE, OPTIONS");
    assert_string_equal(pd_route_allow(p, PD_M_PUT | PD_M_DELETE), "PUT, DELETE, OPTIONS");
    assert_string_equal(pd_route_allow(p, PD_M_GET | PD_M_POST | PD_M_PUT | PD_M_PATCH
                                          | PD_M_DELETE),
                        "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    /* bits that name no method are ignored */
    assert_string_equal(pd_route_allow(p, 1u << 20 | PD_M_PATCH), "PATCH, OPTIONS");
}

/* A 405 answer's Allow header, end to end. */
static void test_route_allow_from_match(void **state)
{
    apr_pool_t *p = *state;
    pd_route_match_t m;

    assert_int_equal(match(&m, PD_M_PUT, "/tickets/12"), APR_ENOTIMPL);
    assert_string_equal(pd_route_allow(p, m.allowed), "GET, HEAD, PATCH, DELETE, OPTIONS");
}

static void test_parse_id(void **state)
{
    assert_int_equal(pd_parse_id("1", 1), 1);
    assert_int_equal(pd_parse_id("42", 2), 42);
    assert_int_equal(pd_parse_id("1234567890", 10), 1234567890);
    assert_int_equal(pd_parse_id("999999999999999999", 18), APR_INT64_C(999999999999999999));
    assert_int_equal(pd_parse_id("100000000000000000", 18), APR_INT64_C(100000000000000000));
    /* only len bytes count */
    assert_int_equal(pd_parse_id("123/activities", 3), 123);
    assert_int_equal(pd_parse_id("12345", 2), 12);
    assert_int_equal(pd_parse_id("12x", 2), 12);
}

static void test_parse_id_refused(void **state)
{
    static const char *const bad[] = {
        "0", "00", "01", "0001", "-1", "+1", "-0", " 1", "1 ", "1a", "a", "1.0", "1e5",
        "0x10", "1,000", "\xd9\xa1",          /* ARABIC-INDIC DIGIT ONE */
        "1000000000000000000",                /* 19 digits */
        "9223372036854775807", "9223372036854775808", "18446744073709551616",
    };
    apr_size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(pd_parse_id(bad[i], strlen(bad[i])), 0);
    }
    assert_int_equal(pd_parse_id("", 0), 0);
    assert_int_equal(pd_parse_id("5", 0), 0);
    assert_int_equal(pd_parse_id(NULL, 0), 0);
    assert_int_equal(pd_parse_id(NULL, 3), 0);
    /* a NUL inside the counted bytes is not a digit */
    assert_int_equal(pd_parse_id("1\0" "2", 3), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_match_static_paths),
        T(test_match_id_paths),
        T(test_match_id_limits),
        T(test_match_bad_ids),
        T(test_match_bad_shapes),
        T(test_match_method_not_allowed),
        T(test_match_first_entry_wins),
        T(test_match_empty_table),
        T(test_match_path_length_limit),
        T(test_route_method),
        T(test_route_allow),
        T(test_route_allow_from_match),
        T(test_parse_id),
        T(test_parse_id_refused),
    };
#undef T
    return cmocka_run_group_tests_name("pd_route", tests, group_setup, group_teardown);
}
