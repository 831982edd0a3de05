/* pd_validate: body members, format checks, query strings and time bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <limits.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include "pd_validate.h"
#include "pd_types.h"
#include "pd_unit.h"


/* A body as the request parser would hand it over, freed with the pool. */
static json_t *body(apr_pool_t *p, const char *text)
{
    json_error_t jerr;
    json_t *json = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);

    assert_non_null(json);
    return pd_json_bind(p, json);
}

static void assert_error(const pd_error_t *err, int status, const char *code,
                         const char *field)
{
    assert_int_equal(err->status, status);
    assert_non_null(err->code);
    assert_string_equal(err->code, code);
    if (field) {
        assert_non_null(err->field);
        assert_string_equal(err->field, field);
    }
    else {
        assert_null(err->field);
    }
    assert_non_null(err->message);
    assert_true(strlen(err->message) > 0);
}

/* pd_v_string on {"s": <json>} */
static apr_status_t vstr(apr_pool_t *p, const char *json, unsigned flags, apr_size_t min,
                         apr_size_t max, const char **out, pd_error_t *err)
{
    pd_error_init(err, p);
    return pd_v_string(body(p, apr_pstrcat(p, "{\"s\":", json, "}", NULL)), "s", flags,
                       min, max, p, out, err);
}

static void assert_string_ok(apr_pool_t *p, const char *json, unsigned flags,
                             apr_size_t min, apr_size_t max, const char *expect)
{
    const char *out = NULL;
    pd_error_t err;

    assert_int_equal(vstr(p, json, flags, min, max, &out, &err), APR_SUCCESS);
    assert_non_null(out);
    assert_string_equal(out, expect);
}

static void assert_string_bad(apr_pool_t *p, const char *json, unsigned flags,
                              apr_size_t min, apr_size_t max)
{
    const char *out = "untouched";
    pd_error_t err;

    assert_int_equal(vstr(p, json, flags, min, max, &out, &err), APR_EGENERAL);
    assert_null(out);
    assert_error(&err, 422, "validation_failed", "s");
    assert_non_null(strstr(err.message, "s "));
}

static void test_string_accepts_and_trims(void **state)
{
    apr_pool_t *p = *state;

    assert_string_ok(p, "\"hello\"", 0, 1, 10, "hello");
    assert_string_ok(p, "\"  hello  \"", 0, 1, 10, "hello");
    assert_string_ok(p, "\"\\t\\n hello world \\r\\n\"", 0, 1, 20, "hello world");
    assert_string_ok(p, "\"a  b\"", 0, 1, 10, "a  b");
    assert_string_ok(p, "\"\"", 0, 0, 10, "");
    assert_string_ok(p, "\"   \"", 0, 0, 10, "");
}

/* Limits count code points, not bytes. */
static void test_string_limits_in_characters(void **state)
{
    apr_pool_t *p = *state;
    const char *e3 = "\"\xc3\xa9\xc3\xa9\xc3\xa9\"";            /* 3 x U+00E9, 6 bytes */
    const char *euro4 = "\"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\"";
    const char *emoji2 = "\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\"";  /* 8 bytes */

    assert_string_ok(p, e3, 0, 3, 3, "\xc3\xa9\xc3\xa9\xc3\xa9");
    assert_string_bad(p, e3, 0, 1, 2);
    assert_string_bad(p, e3, 0, 4, 10);
    assert_string_ok(p, euro4, 0, 4, 4, "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac");
    assert_string_bad(p, euro4, 0, 1, 3);
    assert_string_ok(p, emoji2, 0, 2, 2, "\xf0\x9f\x98\x80\xf0\x9f\x98\x80");
    assert_string_bad(p, emoji2, 0, 1, 1);
    /* escapes count as the character they stand for */
    assert_string_ok(p, "\"\\u00e9\\u00e9\"", 0, 2, 2, "\xc3\xa9\xc3\xa9");
    /* the trimmed text is what is measured */
    assert_string_ok(p, "\"  abc  \"", 0, 3, 3, "abc");
    assert_string_ok(p, "\"abcde\"", 0, 5, 5, "abcde");
    assert_string_bad(p, "\"abcdef\"", 0, 1, 5);
    assert_string_bad(p, "\"ab\"", 0, 3, 5);
}

static void test_string_min_messages(void **state)
{
    apr_pool_t *p = *state;
    const char *out;
    pd_error_t err;

    assert_int_equal(vstr(p, "\"  \"", 0, 1, 10, &out, &err), APR_EGENERAL);
    assert_string_equal(err.message, "s must not be empty");
    assert_int_equal(vstr(p, "\"ab\"", 0, 3, 10, &out, &err), APR_EGENERAL);
    assert_string_equal(err.message, "s must be at least 3 characters");
    assert_int_equal(vstr(p, "\"abcdef\"", 0, 1, 5, &out, &err), APR_EGENERAL);
    assert_string_equal(err.message, "s must be at most 5 characters");
}

/* Thousands of characters against a small max: refused, whatever the path. */
static void test_string_far_too_long(void **state)
{
    apr_pool_t *p = *state;
    char *big = apr_palloc(p, 4003);

    memset(big, 'x', 4002);
    big[0] = big[4001] = '"';
    big[4002] = '\0';
    assert_string_bad(p, big, 0, 1, 1000);
}

static void test_string_control_chars(void **state)
{
    apr_pool_t *p = *state;
    static const char *const always_bad[] = {
        "\"a\\u0001b\"", "\"a\\u001fb\"", "\"a\\u007fb\"", "\"a\\u000bb\"",
        "\"a\\u000cb\"", "\"a\\u001bb\"", "\"a\\bb\"", "\"a\\fb\"",
    };
    static const char *const multiline[] = { "\"a\\nb\"", "\"a\\rb\"", "\"a\\tb\"",
                                             "\"a\\r\\nb\"" };
    apr_size_t i;

    for (i = 0; i < sizeof(always_bad) / sizeof(always_bad[0]); i++) {
        assert_string_bad(p, always_bad[i], 0, 1, 10);
        assert_string_bad(p, always_bad[i], PD_V_MULTILINE, 1, 10);
    }
    for (i = 0; i < sizeof(multiline) / sizeof(multiline[0]); i++) {
        assert_string_bad(p, multiline[i], 0, 1, 10);
    }
    assert_string_ok(p, "\"a\\nb\"", PD_V_MULTILINE, 1, 10, "a\nb");
    assert_string_ok(p, "\"a\\rb\"", PD_V_MULTILINE, 1, 10, "a\rb");
    assert_string_ok(p, "\"a\\tb\"", PD_V_MULTILINE, 1, 10, "a\tb");
    assert_string_ok(p, "\"line 1\\r\\nline 2\\n\"", PD_V_MULTILINE, 1, 20, "line 1\r\nline 2");
}

static void test_string_control_message(void **state)
{
    apr_pool_t *p = *state;
    const char *out;
    pd_error_t err;

    assert_int_equal(vstr(p, "\"a\\u0001\"", 0, 1, 10, &out, &err), APR_EGENERAL);
    assert_string_equal(err.message, "s must not contain control characters");
}

/* json_stringn can carry NUL; it must not reach C strings cut short. */
static void test_string_refuses_nul(void **state)
{
    apr_pool_t *p = *state;
    json_t *obj = pd_json_bind(p, json_object());
    const char *out = "untouched";
    pd_error_t err;

    json_object_set_new(obj, "s", json_stringn("ab\0cd", 5));
    pd_error_init(&err, p);
    assert_int_equal(pd_v_string(obj, "s", 0, 1, 10, p, &out, &err), APR_EGENERAL);
    assert_null(out);
    assert_error(&err, 422, "validation_failed", "s");
    assert_string_equal(err.message, "s must not contain NUL characters");
}

static void test_string_wrong_type(void **state)
{
    apr_pool_t *p = *state;
    static const char *const values[] = { "1", "1.5", "true", "false", "[]", "[\"a\"]",
                                          "{}", "{\"x\":\"a\"}" };
    const char *out;
    pd_error_t err;
    apr_size_t i;

    for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        assert_string_bad(p, values[i], 0, 0, 10);
        assert_string_bad(p, values[i], PD_V_REQUIRED | PD_V_NULLABLE, 0, 10);
    }
    assert_int_equal(vstr(p, "7", 0, 1, 10, &out, &err), APR_EGENERAL);
    assert_string_equal(err.message, "s must be a string");
}

static void test_string_absent_and_null(void **state)
{
    apr_pool_t *p = *state;
    json_t *obj = body(p, "{\"other\":\"x\"}");
    const char *out = "untouched";
    pd_error_t err;

    /* absent and optional: nothing to do, and no error */
    pd_error_init(&err, p);
    assert_int_equal(pd_v_string(obj, "s", 0, 1, 10, p, &out, &err), APR_NOTFOUND);
    assert_null(out);
    assert_int_equal(err.status, 0);
    assert_int_equal(pd_v_string(obj, "s", PD_V_NULLABLE, 1, 10, p, &out, &err),
                     APR_NOTFOUND);
    assert_int_equal(err.status, 0);

    /* absent and required */
    assert_int_equal(pd_v_string(obj, "s", PD_V_REQUIRED, 1, 10, p, &out, &err),
                     APR_EGENERAL);
    assert_error(&err, 422, "validation_failed", "s");
    assert_string_equal(err.message, "s is required");

    /* null */
    out = "untouched";
    assert_int_equal(vstr(p, "null", 0, 1, 10, &out, &err), APR_EGENERAL);
    assert_error(&err, 422, "validation_failed", "s");
    assert_string_equal(err.message, "s must not be null");
    assert_null(out);
    out = "untouched";
    assert_int_equal(vstr(p, "null", PD_V_NULLABLE, 1, 10, &out, &err), APR_SUCCESS);
    assert_null(out);
    assert_int_equal(err.status, 0);
    assert_int_equal(vstr(p, "null", PD_V_REQUIRED, 1, 10, &out, &err), APR_EGENERAL);
    assert_string_equal(err.message, "s is required");
    assert_int_equal(vstr(p, "null", PD_V_REQUIRED | PD_V_NULLABLE, 1, 10, &out, &err),
                     APR_EGENERAL);
    assert_string_equal(err.message, "s is required");
}

/* The error names the member that failed, not some other one. */
static void test_string_field_name(void **state)
{
    apr_pool_t *p = *state;
    json_t *obj = body(p, "{\"title\":\"ok\",\"description\":3}");
    const char *out;
    pd_error_t err;

    pd_error_init(&err, p);
    assert_int_equal(pd_v_string(obj, "title", PD_V_REQUIRED, 1, 10, p, &out, &err),
                     APR_SUCCESS);
    assert_int_equal(pd_v_string(obj, "description", 0, 1, 10, p, &out, &err),
                     APR_EGENERAL);
    assert_error(&err, 422, "validation_failed", "description");
    assert_string_equal(err.message, "description must be a string");
}

static apr_status_t vid(apr_pool_t *p, const char *json, unsigned flags, apr_int64_t *out,
                        pd_error_t *err)
{
    pd_error_init(err, p);
    return pd_v_id(body(p, apr_pstrcat(p, "{\"id\":", json, "}", NULL)), "id", flags, out,
                   err);
}

static void test_id(void **state)
{
    apr_pool_t *p = *state;
    static const char *const bad[] = {
        "0", "-1", "-9223372036854775807", "1.0", "1.5", "1e3", "\"5\"", "true", "[]",
        "{}", "1000000000000000000", "9223372036854775807",
    };
    apr_int64_t out;
    pd_error_t err;
    apr_size_t i;

    assert_int_equal(vid(p, "1", 0, &out, &err), APR_SUCCESS);
    assert_int_equal(out, 1);
    assert_int_equal(vid(p, "42", PD_V_REQUIRED, &out, &err), APR_SUCCESS);
    assert_int_equal(out, 42);
    assert_int_equal(vid(p, "999999999999999999", 0, &out, &err), APR_SUCCESS);
    assert_int_equal(out, APR_INT64_C(999999999999999999));

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        out = 77;
        assert_int_equal(vid(p, bad[i], PD_V_NULLABLE, &out, &err), APR_EGENERAL);
        assert_int_equal(out, 0);
        assert_error(&err, 422, "validation_failed", "id");
        assert_string_equal(err.message, "id must be a positive integer id");
    }
}

static void test_id_absent_and_null(void **state)
{
    apr_pool_t *p = *state;
    json_t *empty = body(p, "{}");
    apr_int64_t out = 77;
    pd_error_t err;

    pd_error_init(&err, p);
    assert_int_equal(pd_v_id(empty, "id", 0, &out, &err), APR_NOTFOUND);
    assert_int_equal(out, 0);
    assert_int_equal(pd_v_id(empty, "id", PD_V_REQUIRED, &out, &err), APR_EGENERAL);
    assert_error(&err, 422, "validation_failed", "id");

    assert_int_equal(vid(p, "null", 0, &out, &err), APR_EGENERAL);
    assert_error(&err, 422, "validation_failed", "id");
    out = 77;
    assert_int_equal(vid(p, "null", PD_V_NULLABLE, &out, &err), APR_SUCCESS);
    assert_int_equal(out, 0);
    assert_int_equal(vid(p, "null", PD_V_NULLABLE | PD_V_REQUIRED, &out, &err), APR_EGENERAL);
}

static apr_status_t venum(apr_pool_t *p, const char *json, unsigned flags, int *out,
                          pd_error_t *err)
{
    pd_error_init(err, p);
    return pd_v_enum(body(p, apr_pstrcat(p, "{\"status\":", json, "}", NULL)), "status",
                     flags, pd_status_parse, out, err);
}

static void test_enum(void **state)
{
    apr_pool_t *p = *state;
    static const char *const bad[] = {
        "\"OPEN\"", "\"Open\"", "\"open \"", "\"\"", "\"reopened\"", "0", "1", "true",
        "[\"open\"]", "{}",
    };
    int out;
    pd_error_t err;
    apr_size_t i;

    assert_int_equal(venum(p, "\"open\"", 0, &out, &err), APR_SUCCESS);
    assert_int_equal(out, PD_ST_OPEN);
    assert_int_equal(venum(p, "\"cancelled\"", PD_V_REQUIRED, &out, &err), APR_SUCCESS);
    assert_int_equal(out, PD_ST_CANCELLED);
    assert_int_equal(venum(p, "\"waiting_customer\"", 0, &out, &err), APR_SUCCESS);
    assert_int_equal(out, PD_ST_WAITING_CUSTOMER);

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        out = 3;
        assert_int_equal(venum(p, bad[i], 0, &out, &err), APR_EGENERAL);
        assert_int_equal(out, -1);
        assert_error(&err, 422, "validation_failed", "status");
        assert_string_equal(err.message, "status has a value that is not allowed");
    }

    out = 3;
    assert_int_equal(venum(p, "null", PD_V_NULLABLE, &out, &err), APR_SUCCESS);
    assert_int_equal(out, -1);
    assert_int_equal(venum(p, "null", 0, &out, &err), APR_EGENERAL);
    pd_error_init(&err, p);
    assert_int_equal(pd_v_enum(body(p, "{}"), "status", 0, pd_status_parse, &out, &err),
                     APR_NOTFOUND);
    assert_int_equal(pd_v_enum(body(p, "{}"), "status", PD_V_REQUIRED, pd_status_parse,
                               &out, &err), APR_EGENERAL);
    assert_error(&err, 422, "validation_failed", "status");
}

/* pd_role_parse refuses "none": a role nobody may be given. */
static void test_enum_role(void **state)
{
    apr_pool_t *p = *state;
    int out;
    pd_error_t err;

    pd_error_init(&err, p);
    assert_int_equal(pd_v_enum(body(p, "{\"role\":\"tech\"}"), "role", 0, pd_role_parse,
                               &out, &err), APR_SUCCESS);
    assert_int_equal(out, PD_ROLE_TECH);
    assert_int_equal(pd_v_enum(body(p, "{\"role\":\"none\"}"), "role", 0, pd_role_parse,
                               &out, &err), APR_EGENERAL);
    assert_error(&err, 422, "validation_failed", "role");
}

static void test_bool(void **state)
{
    apr_pool_t *p = *state;
    static const char *const bad[] = { "{\"b\":\"true\"}", "{\"b\":1}", "{\"b\":0}",
                                       "{\"b\":\"yes\"}", "{\"b\":[]}", "{\"b\":null}" };
    int out;
    pd_error_t err;
    apr_size_t i;

    pd_error_init(&err, p);
    assert_int_equal(pd_v_bool(body(p, "{\"b\":true}"), "b", 0, &out, &err), APR_SUCCESS);
    assert_int_equal(out, 1);
    assert_int_equal(pd_v_bool(body(p, "{\"b\":false}"), "b", PD_V_REQUIRED, &out, &err),
                     APR_SUCCESS);
    assert_int_equal(out, 0);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        pd_error_init(&err, p);
        assert_int_equal(pd_v_bool(body(p, bad[i]), "b", 0, &out, &err), APR_EGENERAL);
        assert_error(&err, 422, "validation_failed", "b");
    }
    pd_error_init(&err, p);
    assert_int_equal(pd_v_bool(body(p, "{\"b\":1}"), "b", 0, &out, &err), APR_EGENERAL);
    assert_string_equal(err.message, "b must be true or false");
    out = 5;
    assert_int_equal(pd_v_bool(body(p, "{\"b\":null}"), "b", PD_V_NULLABLE, &out, &err),
                     APR_SUCCESS);
    assert_int_equal(out, 0);
    assert_int_equal(pd_v_bool(body(p, "{}"), "b", 0, &out, &err), APR_NOTFOUND);
    assert_int_equal(pd_v_bool(body(p, "{}"), "b", PD_V_REQUIRED, &out, &err), APR_EGENERAL);
}

static void test_known_fields(void **state)
{
    apr_pool_t *p = *state;
    static const char *const allowed[] = { "title", "description", "priority", NULL };
    static const char *const none[] = { NULL };
    pd_error_t err;

    pd_error_init(&err, p);
    assert_int_equal(pd_v_known_fields(body(p, "{}"), allowed, &err), APR_SUCCESS);
    assert_int_equal(pd_v_known_fields(body(p, "{}"), none, &err), APR_SUCCESS);
    assert_int_equal(pd_v_known_fields(body(p, "{\"title\":1,\"priority\":null}"), allowed,
                                       &err), APR_SUCCESS);
    assert_int_equal(err.status, 0);

    assert_int_equal(pd_v_known_fields(body(p, "{\"title\":1,\"bogus\":2}"), allowed, &err),
                     APR_EGENERAL);
    /* the member is named (as a field, JSON-encoded when sent), and only when
     * it is short enough to be a name */
    assert_error(&err, 422, "unknown_field", "bogus");
    pd_error_init(&err, p);
    assert_int_equal(pd_v_known_fields(body(p, "{\"Title\":1}"), allowed, &err), APR_EGENERAL);
    assert_error(&err, 422, "unknown_field", "Title");
    pd_error_init(&err, p);
    assert_int_equal(pd_v_known_fields(body(p, "{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\":1}"),
                                       allowed, &err), APR_EGENERAL);
    assert_error(&err, 422, "unknown_field", NULL);
    pd_error_init(&err, p);
    assert_int_equal(pd_v_known_fields(body(p, "{\"title \":1}"), allowed, &err),
                     APR_EGENERAL);
    pd_error_init(&err, p);
    assert_int_equal(pd_v_known_fields(body(p, "{\"\":1}"), allowed, &err), APR_EGENERAL);
    pd_error_init(&err, p);
    assert_int_equal(pd_v_known_fields(body(p, "{\"title\":1}"), none, &err), APR_EGENERAL);
}

static void test_is_color(void **state)
{
    static const char *const good[] = { "#000000", "#ffffff", "#a1b2c3", "#0f0f0f" };
    static const char *const bad[] = {
        "", "#", "#fff", "#FFFFFF", "#A1b2c3", "a1b2c3", "#a1b2c3d", "#a1b2c", "#g00000",
        " #a1b2c3", "#a1b2c3 ", "##a1b2c", "#a1-2c3", "#\xc3\xa9" "0000",
    };
    apr_size_t i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_true(pd_is_color(good[i]));
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(pd_is_color(bad[i]));
    }
    assert_false(pd_is_color(NULL));
}

static void test_is_code(void **state)
{
    static const char *const good[] = {
        "A", "7", "PD", "APT-001", "A_B", "1ABC", "X-", "Z_",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345",          /* 32 */
    };
    static const char *const bad[] = {
        "", "a", "ab", "Ab", "-AB", "_AB", "A B", "A.B", "A/B", " A", "A ", "\xc3\x89",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456",         /* 33 */
    };
    apr_size_t i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_true(pd_is_code(good[i]));
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(pd_is_code(bad[i]));
    }
    assert_false(pd_is_code(NULL));
}

static void test_is_email(void **state)
{
    apr_pool_t *p = *state;
    static const char *const good[] = {
        "a@b.co", "first.last@example.com", "x+tag@sub.example.id", "a@b.c.d",
    };
    static const char *const bad[] = {
        "", "a", "@b.co", "a@", "a@b", "a@.co", "a@b.", "a@@b.co", "a@b@c.co", "a b@c.de",
        "a@b .de", "a@b.de ", " a@b.de", "a.b.c",
    };
    char addr[256];
    apr_size_t i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_true(pd_is_email(good[i]));
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(pd_is_email(bad[i]));
    }
    assert_false(pd_is_email(NULL));

    /* 254 bytes is the most an address may have */
    memset(addr, 'x', sizeof(addr));
    memcpy(addr + 248, "@ab.co", 7);
    assert_int_equal(strlen(addr), 254);
    assert_true(pd_is_email(addr));
    assert_false(pd_is_email(apr_pstrcat(p, "y", addr, NULL)));
}

static void test_is_username(void **state)
{
    static const char *const good[] = { "a", "alice", "a.b-c_d@x", "user1", "\xc3\xa9mile",
                                        "!#$%" };
    static const char *const bad[] = { "", "a b", "a:b", ":", "a\tb", "a\nb", "a\x7f",
                                       "\x01", " a", "a " };
    char name[202];
    apr_size_t i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_true(pd_is_username(good[i]));
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(pd_is_username(bad[i]));
    }
    assert_false(pd_is_username(NULL));

    memset(name, 'u', 201);
    name[201] = '\0';
    assert_false(pd_is_username(name));
    name[200] = '\0';
    assert_true(pd_is_username(name));
}

static void test_utf8_length(void **state)
{
    assert_int_equal(pd_utf8_length(""), 0);
    assert_int_equal(pd_utf8_length("abc"), 3);
    assert_int_equal(pd_utf8_length("h\xc3\xa9llo"), 5);
    assert_int_equal(pd_utf8_length("\xe2\x82\xac"), 1);
    assert_int_equal(pd_utf8_length("\xf0\x9f\x98\x80!"), 2);
}

static apr_status_t query(apr_pool_t *p, const char *args, apr_table_t **q, pd_error_t *err)
{
    pd_error_init(err, p);
    *q = NULL;
    return pd_query_parse(q, p, args, err);
}

static void assert_query_bad(apr_pool_t *p, const char *args, const char *message)
{
    apr_table_t *q;
    pd_error_t err;

    assert_int_equal(query(p, args, &q, &err), APR_EGENERAL);
    assert_error(&err, 400, "invalid_parameter", NULL);
    if (message) {
        assert_string_equal(err.message, message);
    }
}

static void test_query_empty(void **state)
{
    apr_pool_t *p = *state;
    apr_table_t *q;
    pd_error_t err;

    assert_int_equal(query(p, NULL, &q, &err), APR_SUCCESS);
    assert_non_null(q);
    assert_true(apr_is_empty_table(q));
    assert_int_equal(query(p, "", &q, &err), APR_SUCCESS);
    assert_true(apr_is_empty_table(q));
    /* empty pairs between separators are nothing */
    assert_int_equal(query(p, "&&", &q, &err), APR_SUCCESS);
    assert_true(apr_is_empty_table(q));
}

static void test_query_decoding(void **state)
{
    apr_pool_t *p = *state;
    apr_table_t *q;
    pd_error_t err;

    assert_int_equal(query(p, "a=1&b=two&&c=", &q, &err), APR_SUCCESS);
    assert_int_equal(apr_table_elts(q)->nelts, 3);
    assert_string_equal(apr_table_get(q, "a"), "1");
    assert_string_equal(apr_table_get(q, "b"), "two");
    assert_string_equal(apr_table_get(q, "c"), "");

    assert_int_equal(query(p, "q=hello+world%21&%6B%65%79=%41%62%2B%26%3D%25", &q, &err),
                     APR_SUCCESS);
    assert_string_equal(apr_table_get(q, "q"), "hello world!");
    assert_string_equal(apr_table_get(q, "key"), "Ab+&=%");

    assert_int_equal(query(p, "x=a=b&name=%C3%A9%e2%82%ac", &q, &err), APR_SUCCESS);
    assert_string_equal(apr_table_get(q, "x"), "a=b");
    assert_string_equal(apr_table_get(q, "name"), "\xc3\xa9\xe2\x82\xac");

    /* decoding happens once: %2541 is "%41", not "A" */
    assert_int_equal(query(p, "v=%2541", &q, &err), APR_SUCCESS);
    assert_string_equal(apr_table_get(q, "v"), "%41");
}

/* Regression (pd_validate.c, pd_query_parse, fixed): for a pair without '=' the value
 * is the string literal "", and query_unescape() writes its terminating NUL
 * into it: "flag", "a=1&b" or "a&a" crash the process with SIGSEGV (a
 * request like GET .../tickets?x takes the httpd child down). Expected: the
 * key with an empty value ("flag" -> flag=""), and "a&a" refused as repeated.
 * */
static void test_query_key_without_value(void **state)
{
    apr_pool_t *p = *state;
    apr_table_t *q;
    pd_error_t err;

    assert_int_equal(query(p, "flag", &q, &err), APR_SUCCESS);
    assert_string_equal(apr_table_get(q, "flag"), "");
    assert_int_equal(query(p, "a=1&b&c=%41", &q, &err), APR_SUCCESS);
    assert_int_equal(apr_table_elts(q)->nelts, 3);
    assert_string_equal(apr_table_get(q, "b"), "");
    assert_string_equal(apr_table_get(q, "c"), "A");
    assert_query_bad(p, "a&a", "a query parameter is repeated");
    assert_query_bad(p, "%", "the query string is malformed");
}

static void test_query_malformed(void **state)
{
    apr_pool_t *p = *state;
    static const char *const bad[] = {
        "a=%00", "a=x%00y", "%00=1", "a=%", "a=%4", "a=%zz", "a=%4g", "a=%g4", "a=%%41",
        "%=1", "=1", "=", "a=1&=2", "%ZZ", "a=1&b=%",
    };
    apr_size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_query_bad(p, bad[i], "the query string is malformed");
    }
}

static void test_query_repeated(void **state)
{
    apr_pool_t *p = *state;

    assert_query_bad(p, "a=1&a=2", "a query parameter is repeated");
    assert_query_bad(p, "a=1&a=1", "a query parameter is repeated");
    /* the same key, once encoded */
    assert_query_bad(p, "a=1&%61=2", "a query parameter is repeated");
}

static void test_query_param_count(void **state)
{
    apr_pool_t *p = *state;
    const char *args = "k0=0";
    apr_table_t *q;
    pd_error_t err;
    int i;

    for (i = 1; i < PD_Q_MAX_PARAMS; i++) {
        args = apr_psprintf(p, "%s&k%d=%d", args, i, i);
    }
    assert_int_equal(query(p, args, &q, &err), APR_SUCCESS);
    assert_int_equal(apr_table_elts(q)->nelts, PD_Q_MAX_PARAMS);
    assert_string_equal(apr_table_get(q, "k31"), "31");
    assert_query_bad(p, apr_pstrcat(p, args, "&k32=32", NULL),
                     "the query string has too many parameters");
}

static void test_query_length(void **state)
{
    apr_pool_t *p = *state;
    char *args = apr_palloc(p, PD_Q_MAX_LEN + 2);
    apr_table_t *q;
    pd_error_t err;

    memset(args, 'x', PD_Q_MAX_LEN + 1);
    args[0] = 'a';
    args[1] = '=';
    args[PD_Q_MAX_LEN] = '\0';
    assert_int_equal(query(p, args, &q, &err), APR_SUCCESS);
    assert_int_equal(strlen(apr_table_get(q, "a")), PD_Q_MAX_LEN - 2);
    args[PD_Q_MAX_LEN] = 'x';
    args[PD_Q_MAX_LEN + 1] = '\0';
    assert_query_bad(p, args, "the query string is too long");
}

static const char *const list_params[] = { "limit", "cursor", "status", NULL };

static void test_q_known(void **state)
{
    apr_pool_t *p = *state;
    apr_table_t *q;
    pd_error_t err;

    assert_int_equal(query(p, "limit=5&status=open", &q, &err), APR_SUCCESS);
    assert_int_equal(pd_q_known(q, list_params, &err), APR_SUCCESS);
    assert_int_equal(query(p, "", &q, &err), APR_SUCCESS);
    assert_int_equal(pd_q_known(q, list_params, &err), APR_SUCCESS);

    assert_int_equal(query(p, "limit=5&bogus=1", &q, &err), APR_SUCCESS);
    assert_int_equal(pd_q_known(q, list_params, &err), APR_EGENERAL);
    assert_error(&err, 400, "unknown_parameter", NULL);

    /* keys compare exactly */
    assert_int_equal(query(p, "Limit=5", &q, &err), APR_SUCCESS);
    assert_int_equal(pd_q_known(q, list_params, &err), APR_EGENERAL);
    assert_int_equal(query(p, "limit+=5", &q, &err), APR_SUCCESS);
    assert_int_equal(pd_q_known(q, list_params, &err), APR_EGENERAL);
}

static void test_q_id(void **state)
{
    apr_pool_t *p = *state;
    static const char *const bad[] = { "0", "01", "-1", "+1", "abc", "", "1.5", " 1",
                                       "1000000000000000000" };
    apr_table_t *q;
    apr_int64_t out;
    pd_error_t err;
    apr_size_t i;

    assert_int_equal(query(p, "pharmacy_id=17&big=999999999999999999", &q, &err),
                     APR_SUCCESS);
    assert_int_equal(pd_q_id(q, "pharmacy_id", &out, &err), APR_SUCCESS);
    assert_int_equal(out, 17);
    assert_int_equal(pd_q_id(q, "big", &out, &err), APR_SUCCESS);
    assert_int_equal(out, APR_INT64_C(999999999999999999));
    out = 5;
    assert_int_equal(pd_q_id(q, "tech_id", &out, &err), APR_NOTFOUND);
    assert_int_equal(out, 0);

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        q = apr_table_make(p, 1);
        apr_table_set(q, "pharmacy_id", bad[i]);
        pd_error_init(&err, p);
        assert_int_equal(pd_q_id(q, "pharmacy_id", &out, &err), APR_EGENERAL);
        assert_int_equal(out, 0);
        assert_error(&err, 400, "invalid_parameter", "pharmacy_id");
        assert_string_equal(err.message, "pharmacy_id must be a positive integer id");
    }
}

static apr_status_t qint(apr_pool_t *p, const char *value, int min, int max, int *out,
                         pd_error_t *err)
{
    apr_table_t *q = apr_table_make(p, 1);

    apr_table_set(q, "limit", value);
    pd_error_init(err, p);
    return pd_q_int(q, "limit", min, max, out, err);
}

static void test_q_int(void **state)
{
    apr_pool_t *p = *state;
    static const char *const bad[] = { "0", "101", "-1", "", "abc", "1e2", "5x", "x5",
                                       " 5", "5 ", "+5", "1.0", "99999999999",
                                       "00000000000000000001" };
    apr_table_t *q = apr_table_make(p, 1);
    int out = 0;
    pd_error_t err;
    apr_size_t i;

    assert_int_equal(qint(p, "1", 1, 100, &out, &err), APR_SUCCESS);
    assert_int_equal(out, 1);
    assert_int_equal(qint(p, "100", 1, 100, &out, &err), APR_SUCCESS);
    assert_int_equal(out, 100);
    assert_int_equal(qint(p, "050", 1, 100, &out, &err), APR_SUCCESS);
    assert_int_equal(out, 50);
    assert_int_equal(qint(p, "0", 0, 0, &out, &err), APR_SUCCESS);
    assert_int_equal(out, 0);
    assert_int_equal(qint(p, "2147483647", 0, INT_MAX, &out, &err), APR_SUCCESS);
    assert_int_equal(out, INT_MAX);
    assert_int_equal(qint(p, "9999999999", 0, INT_MAX, &out, &err), APR_EGENERAL);

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        out = 7;
        assert_int_equal(qint(p, bad[i], 1, 100, &out, &err), APR_EGENERAL);
        assert_int_equal(out, 7);
        assert_error(&err, 400, "invalid_parameter", "limit");
        assert_string_equal(err.message, "limit must be an integer from 1 to 100");
    }

    pd_error_init(&err, p);
    out = 7;
    assert_int_equal(pd_q_int(q, "limit", 1, 100, &out, &err), APR_NOTFOUND);
    assert_int_equal(out, 7);
    assert_int_equal(err.status, 0);
}

static void test_q_time(void **state)
{
    apr_pool_t *p = *state;
    apr_table_t *q;
    const char *out = "untouched";
    pd_error_t err;

    assert_int_equal(query(p, "from=2026-01-15&to=2026-01-15T10%3A20%3A30%2B07%3A00&bad=2026-13-01",
                           &q, &err), APR_SUCCESS);
    assert_int_equal(pd_q_time(q, "from", &out, &err), APR_SUCCESS);
    assert_string_equal(out, "2026-01-15");
    assert_int_equal(pd_q_time(q, "to", &out, &err), APR_SUCCESS);
    assert_string_equal(out, "2026-01-15T10:20:30+07:00");
    assert_int_equal(pd_q_time(q, "until", &out, &err), APR_NOTFOUND);
    assert_null(out);
    out = "untouched";
    assert_int_equal(pd_q_time(q, "bad", &out, &err), APR_EGENERAL);
    assert_null(out);
    assert_error(&err, 400, "invalid_parameter", "bad");
}

static void test_time_bound_dates(void **state)
{
    static const char *const good[] = {
        "2026-01-15", "1970-01-01", "9999-12-31", "2024-02-29", "2000-02-29", "2026-02-28",
        "2026-04-30", "2026-12-31", "2026-01-31", "2026-03-31",
    };
    static const char *const bad[] = {
        "2023-02-29", "1900-02-29", "2100-02-29", "2026-02-30", "2026-04-31", "2026-06-31",
        "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32", "1969-12-31", "0000-01-01",
        "2026-1-15", "2026-01-5", "26-01-15", "2026/01/15", "20260115", "2026-01-15 ",
        " 2026-01-15", "2026-01-15Z", "2026-01-1a", "abcd-ef-gh", "", "garbage",
        "2026-01-15x", "+2026-01-15", "10000-01-01",
    };
    apr_size_t i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_true(pd_is_time_bound(good[i]));
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(pd_is_time_bound(bad[i]));
    }
    assert_false(pd_is_time_bound(NULL));
}

static void test_time_bound_times(void **state)
{
    static const char *const good[] = {
        "2026-01-15T10:20Z", "2026-01-15T10:20:30Z", "2026-01-15T00:00:00Z",
        "2026-01-15T23:59:59Z", "2026-01-15T10:20:30+07:00", "2026-01-15T10:20:30-03:30",
        "2026-01-15T10:20+07:00", "2026-01-15T10:20:30+00:00", "2026-01-15T10:20:30+14:00",
        "2026-01-15T10:20:30.1Z", "2026-01-15T10:20:30.123Z", "2026-01-15T10:20:30.123456Z",
        "2026-01-15T10:20:30.123456+07:00", "2024-02-29T12:00:00-12:00",
    };
    static const char *const bad[] = {
        "2026-01-15T10:20:30", "2026-01-15T10:20", "2026-01-15T10", "2026-01-15T",
        "2026-01-15T10:20:30.1234567Z", "2026-01-15T10:20:30.Z", "2026-01-15T10:20:30.",
        "2026-01-15T24:00:00Z", "2026-01-15T23:60:00Z", "2026-01-15T23:59:60Z",
        "2026-01-15T10:20:30+15:00", "2026-01-15T10:20:30+07:60", "2026-01-15T10:20:30+0700",
        "2026-01-15T10:20:30+07", "2026-01-15T10:20:30+7:00", "2026-01-15T10:20:30 +07:00",
        "2026-01-15T10:20:30z", "2026-01-15t10:20:30Z", "2026-01-15 10:20:30Z",
        "2026-01-15T10:20:30ZZ", "2026-01-15T10:20:30Z ", "2026-01-15T10:20:30+07:00x",
        "2026-01-15T1:20:30Z", "2026-01-15T10:2:30Z", "2026-01-15T10:20:3Z",
        "2026-01-15T10-20-30Z", "2026-01-15T10:20:30,5Z", "2023-02-29T10:20:30Z",
        "2026-13-01T10:20:30Z", "2026-01-15T10:20:30.1234567890123456789012+07:00",
        "2026-01-15T10:20:30.-1Z", "2026-01-15T-1:20Z",
    };
    apr_size_t i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_true(pd_is_time_bound(good[i]));
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(pd_is_time_bound(bad[i]));
    }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_string_accepts_and_trims),
        T(test_string_limits_in_characters),
        T(test_string_min_messages),
        T(test_string_far_too_long),
        T(test_string_control_chars),
        T(test_string_control_message),
        T(test_string_refuses_nul),
        T(test_string_wrong_type),
        T(test_string_absent_and_null),
        T(test_string_field_name),
        T(test_id),
        T(test_id_absent_and_null),
        T(test_enum),
        T(test_enum_role),
        T(test_bool),
        T(test_known_fields),
        T(test_is_color),
        T(test_is_code),
        T(test_is_email),
        T(test_is_username),
        T(test_utf8_length),
        T(test_query_empty),
        T(test_query_decoding),
        T(test_query_key_without_value),
        T(test_query_malformed),
        T(test_query_repeated),
        T(test_query_param_count),
        T(test_query_length),
        T(test_q_known),
        T(test_q_id),
        T(test_q_int),
        T(test_q_time),
        T(test_time_bound_dates),
        T(test_time_bound_times),
    };
#undef T
    int rc;

    rc = cmocka_run_group_tests_name("pd_validate", tests, group_setup, group_teardown);
    return rc;
}
