/* pd_json (parsing limits, dumping, quoting) and pd_error's response body. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include "pd_json.h"
#include "pd_ticket.h"
#include "pd_error.h"
#include "pd_unit.h"


static apr_status_t parse(apr_pool_t *p, const char *text, json_t **out, const char **why)
{
    *why = NULL;
    return pd_json_parse_object(out, p, text, strlen(text), why);
}

/* Expects a refusal: no object handed out, and a reason for the client. */
static void assert_refused(apr_pool_t *p, const char *text)
{
    json_t *json = (json_t *)1;
    const char *why;

    assert_int_equal(parse(p, text, &json, &why), APR_EINVAL);
    assert_null(json);
    assert_non_null(why);
    assert_true(strlen(why) > 0);
}

/* A body whose containers nest depth levels deep: objects all the way
 * down, or one object holding arrays. */
static const char *nested(apr_pool_t *p, int depth, int arrays)
{
    const char *open = arrays ? "[" : "{\"a\":";
    const char *close = arrays ? "]" : "}";
    apr_size_t olen = strlen(open), n = 0;
    char *s = apr_palloc(p, (apr_size_t)depth * (olen + 1) + 16);
    int i;

    if (arrays) {
        memcpy(s, "{\"a\":", 5);
        n = 5;
    }
    for (i = arrays ? 2 : 1; i < depth; i++) {
        memcpy(s + n, open, olen);
        n += olen;
    }
    memcpy(s + n, arrays ? "[]" : "{}", 2);
    n += 2;
    for (i = arrays ? 2 : 1; i < depth; i++) {
        s[n++] = *close;
    }
    if (arrays) {
        s[n++] = '}';
    }
    s[n] = '\0';
    return s;
}

/* depth levels of {"a":...} around an empty object at the bottom */
static const char *nested_objects(apr_pool_t *p, int depth)
{
    return nested(p, depth, 0);
}

/* an object holding depth - 1 nested arrays */
static const char *nested_arrays(apr_pool_t *p, int depth)
{
    return nested(p, depth, 1);
}

static void test_parse_valid_object(void **state)
{
    apr_pool_t *p = *state;
    json_t *json = NULL;
    const char *why;

    assert_int_equal(parse(p, "{\"a\":1,\"b\":[1,2],\"c\":{\"d\":\"x\"},\"e\":null}",
                           &json, &why), APR_SUCCESS);
    assert_non_null(json);
    assert_true(json_is_object(json));
    assert_int_equal(json_object_size(json), 4);
    assert_int_equal(json_integer_value(json_object_get(json, "a")), 1);
    assert_string_equal(json_string_value(json_object_get(json_object_get(json, "c"), "d")),
                        "x");
    assert_true(json_is_null(json_object_get(json, "e")));
}

static void test_parse_empty_object_and_whitespace(void **state)
{
    apr_pool_t *p = *state;
    json_t *json = NULL;
    const char *why;

    assert_int_equal(parse(p, "{}", &json, &why), APR_SUCCESS);
    assert_int_equal(json_object_size(json), 0);
    assert_int_equal(parse(p, " \n\t{ \"a\" : true }\r\n", &json, &why), APR_SUCCESS);
    assert_true(json_is_true(json_object_get(json, "a")));
}

static void test_parse_utf8_values(void **state)
{
    apr_pool_t *p = *state;
    json_t *json = NULL;
    const char *why;

    assert_int_equal(parse(p, "{\"t\":\"Apotek \xc3\xa9\",\"u\":\"\\u00e9\\ud83d\\ude00\"}",
                           &json, &why), APR_SUCCESS);
    assert_string_equal(json_string_value(json_object_get(json, "t")), "Apotek \xc3\xa9");
    assert_string_equal(json_string_value(json_object_get(json, "u")),
                        "\xc3\xa9\xf0\x9f\x98\x80");
}

/* Only len bytes belong to the body: what follows in memory is not read. */
static void test_parse_honours_length(void **state)
{
    apr_pool_t *p = *state;
    json_t *json = NULL;
    const char *why = NULL;
    const char *buf = "{\"a\":1}garbage";

    assert_int_equal(pd_json_parse_object(&json, p, buf, 7, &why), APR_SUCCESS);
    assert_int_equal(json_integer_value(json_object_get(json, "a")), 1);
    assert_int_equal(pd_json_parse_object(&json, p, buf, strlen(buf), &why), APR_EINVAL);
    assert_null(json);
}

static void test_parse_refuses_non_objects(void **state)
{
    apr_pool_t *p = *state;
    json_t *json = NULL;
    const char *why;
    static const char *const bodies[] = {
        "\"text\"", "42", "1.5", "true", "false", "null", "[]", "[{\"a\":1}]",
    };
    apr_size_t i;

    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        assert_refused(p, bodies[i]);
    }
    assert_int_equal(parse(p, "[1,2]", &json, &why), APR_EINVAL);
    assert_string_equal(why, "the request body must be a JSON object");
}

static void test_parse_refuses_invalid_json(void **state)
{
    apr_pool_t *p = *state;
    static const char *const bodies[] = {
        "", " ", "{", "}", "{\"a\":}", "{'a':1}", "{a:1}", "{\"a\":1,}",
        "{\"a\":1} {}", "{\"a\":1} x", "{\"a\":01}", "{\"a\":NaN}", "{\"a\":\"x}",
        "{\"a\":\"\\x41\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\xff\"}",
        "{\"a\":\"\xc3\"}", "{\"a\":\"\xc0\xaf\"}",
    };
    apr_size_t i;

    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        assert_refused(p, bodies[i]);
    }
}

static void test_parse_error_message_has_position(void **state)
{
    apr_pool_t *p = *state;
    json_t *json;
    const char *why;

    assert_int_equal(parse(p, "{\n\"a\":}", &json, &why), APR_EINVAL);
    assert_non_null(strstr(why, "invalid JSON at line 2"));
}

static void test_parse_refuses_duplicate_keys(void **state)
{
    apr_pool_t *p = *state;
    json_t *json;
    const char *why;

    assert_int_equal(parse(p, "{\"a\":1,\"a\":2}", &json, &why), APR_EINVAL);
    assert_null(json);
    assert_non_null(strstr(why, "duplicate"));
    assert_refused(p, "{\"x\":{\"a\":1,\"b\":2,\"a\":1}}");
    /* the same key in sibling objects is not a duplicate */
    assert_int_equal(parse(p, "{\"x\":{\"a\":1},\"y\":{\"a\":1}}", &json, &why), APR_SUCCESS);
}

static void test_parse_refuses_nul(void **state)
{
    apr_pool_t *p = *state;

    assert_refused(p, "{\"a\":\"x\\u0000y\"}");
    assert_refused(p, "{\"a\":\"\\u0000\"}");
    assert_refused(p, "{\"\\u0000\":1}");
    assert_refused(p, "{\"a\":[\"\\u0000\"]}");
}

static void test_parse_refuses_raw_nul_byte(void **state)
{
    apr_pool_t *p = *state;
    json_t *json = NULL;
    const char *why = NULL;
    static const char buf[] = "{\"a\":\"x\0y\"}";

    assert_int_equal(pd_json_parse_object(&json, p, buf, sizeof(buf) - 1, &why), APR_EINVAL);
    assert_null(json);
}

static void test_parse_refuses_raw_control_chars(void **state)
{
    apr_pool_t *p = *state;
    static const char *const bodies[] = {
        "{\"a\":\"x\ty\"}", "{\"a\":\"x\ny\"}", "{\"a\":\"x\ry\"}",
        "{\"a\":\"\x01\"}", "{\"a\":\"\x1f\"}", "{\"a\x02\":1}",
    };
    json_t *json;
    const char *why;
    apr_size_t i;

    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        assert_refused(p, bodies[i]);
    }
    /* escaped, the same characters are fine */
    assert_int_equal(parse(p, "{\"a\":\"x\\ty\\n\\r\\u0001\"}", &json, &why), APR_SUCCESS);
    assert_string_equal(json_string_value(json_object_get(json, "a")), "x\ty\n\r\x01");
}

static void test_parse_depth_limit(void **state)
{
    apr_pool_t *p = *state;
    json_t *json = NULL;
    const char *why;

    assert_int_equal(PD_JSON_MAX_DEPTH, 16);
    assert_int_equal(parse(p, nested_objects(p, PD_JSON_MAX_DEPTH), &json, &why), APR_SUCCESS);
    assert_non_null(json);
    assert_int_equal(parse(p, nested_arrays(p, PD_JSON_MAX_DEPTH), &json, &why), APR_SUCCESS);

    assert_int_equal(parse(p, nested_objects(p, PD_JSON_MAX_DEPTH + 1), &json, &why),
                     APR_EINVAL);
    assert_null(json);
    assert_string_equal(why, "JSON nested too deeply");
    assert_int_equal(parse(p, nested_arrays(p, PD_JSON_MAX_DEPTH + 1), &json, &why),
                     APR_EINVAL);
    assert_string_equal(why, "JSON nested too deeply");
    assert_refused(p, nested_objects(p, 5000));
}

/* Depth is nesting, not the number of containers. */
static void test_parse_depth_counts_nesting_only(void **state)
{
    apr_pool_t *p = *state;
    json_t *json;
    const char *why;
    const char *body = "{";
    int i;

    for (i = 0; i < 40; i++) {
        body = apr_psprintf(p, "%s%s\"k%d\":{\"x\":[[1]]}", body, i ? "," : "", i);
    }
    body = apr_pstrcat(p, body, "}", NULL);
    assert_int_equal(parse(p, body, &json, &why), APR_SUCCESS);
    assert_int_equal(json_object_size(json), 40);
}

/* Brackets inside strings are text; an escaped quote does not end a string
 * and an escaped backslash does not escape the closing quote. */
static void test_parse_depth_ignores_strings(void **state)
{
    apr_pool_t *p = *state;
    json_t *json;
    const char *why;
    const char *deep = nested_arrays(p, PD_JSON_MAX_DEPTH + 1);

    assert_int_equal(parse(p, "{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{{{{{{{\"}",
                           &json, &why), APR_SUCCESS);
    assert_int_equal(parse(p, "{\"a\":\"\\\"[[[[[[[[[[[[[[[[[[[[[[[[\"}", &json, &why),
                     APR_SUCCESS);
    assert_int_equal(parse(p, "{\"[[[[[[[[[[[[[[[[[[[[[[\":1}", &json, &why), APR_SUCCESS);
    /* after "\\" the string is closed, so the arrays behind it count */
    assert_int_equal(parse(p, apr_pstrcat(p, "{\"a\":\"\\\\\",\"b\":", deep + 5, NULL),
                           &json, &why), APR_EINVAL);
    assert_string_equal(why, "JSON nested too deeply");
}

static void test_bind_releases_with_pool(void **state)
{
    apr_pool_t *p = *state, *sub;
    json_t *json = json_object();

    assert_null(pd_json_bind(p, NULL));
    assert_int_equal(apr_pool_create(&sub, p), APR_SUCCESS);
    json_incref(json);
    assert_ptr_equal(pd_json_bind(sub, json), json);
    assert_int_equal(json->refcount, 2);
    apr_pool_destroy(sub);
    assert_int_equal(json->refcount, 1);
    json_decref(json);
}

static void test_dump_round_trip(void **state)
{
    apr_pool_t *p = *state;
    static const char *const texts[] = {
        "{}",
        "{\"b\":[1,2.5,\"x\",-7],\"a\":null,\"c\":{\"d\":true,\"e\":false}}",
        "{\"s\":\"caf\xc3\xa9 \\\"q\\\" \\\\ \\n\\t\\u0001\"}",
        "{\"n\":9007199254740993,\"m\":-9223372036854775808}",
    };
    apr_size_t i;

    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        json_t *json, *again;
        const char *why, *out = NULL;

        assert_int_equal(parse(p, texts[i], &json, &why), APR_SUCCESS);
        assert_int_equal(pd_json_dump(&out, p, json), APR_SUCCESS);
        /* compact and in insertion order: the text comes back unchanged */
        assert_string_equal(out, texts[i]);
        assert_int_equal(parse(p, out, &again, &why), APR_SUCCESS);
        assert_true(json_equal(json, again));
    }
}

static void test_dump_any_value(void **state)
{
    apr_pool_t *p = *state;
    const char *out = NULL;
    json_t *v;

    v = pd_json_bind(p, json_string("x"));
    assert_int_equal(pd_json_dump(&out, p, v), APR_SUCCESS);
    assert_string_equal(out, "\"x\"");
    v = pd_json_bind(p, json_integer(42));
    assert_int_equal(pd_json_dump(&out, p, v), APR_SUCCESS);
    assert_string_equal(out, "42");
    v = pd_json_bind(p, json_pack("[i,s,n]", 1, "a"));
    assert_int_equal(pd_json_dump(&out, p, v), APR_SUCCESS);
    assert_string_equal(out, "[1,\"a\",null]");
}

static void test_dump_keeps_utf8_raw(void **state)
{
    apr_pool_t *p = *state;
    const char *out = NULL;
    json_t *v = pd_json_bind(p, json_pack("{s:s}", "k", "\xc3\xa9\xe2\x82\xac</b>"));

    assert_int_equal(pd_json_dump(&out, p, v), APR_SUCCESS);
    assert_string_equal(out, "{\"k\":\"\xc3\xa9\xe2\x82\xac</b>\"}");
}

static void test_quote(void **state)
{
    apr_pool_t *p = *state;

    assert_string_equal(pd_json_quote(p, "plain"), "\"plain\"");
    assert_string_equal(pd_json_quote(p, ""), "\"\"");
    assert_string_equal(pd_json_quote(p, NULL), "\"\"");
    assert_string_equal(pd_json_quote(p, "a\"b"), "\"a\\\"b\"");
    assert_string_equal(pd_json_quote(p, "a\\b"), "\"a\\\\b\"");
    assert_string_equal(pd_json_quote(p, "\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
    assert_string_equal(pd_json_quote(p, "\x01\x1f"), "\"\\u0001\\u001F\"");
    assert_string_equal(pd_json_quote(p, "caf\xc3\xa9"), "\"caf\xc3\xa9\"");
    assert_string_equal(pd_json_quote(p, "\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");
}

/* Invalid UTF-8 from a client must never be echoed, not even in part. */
static void test_quote_invalid_utf8(void **state)
{
    apr_pool_t *p = *state;
    static const char *const bad[] = {
        "\xff", "abc\xfe", "\xc3", "x\xc3(", "\xc0\xaf", "\xe0\x80\xaf",
        "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80", "ok\xe2\x82",
    };
    apr_size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_string_equal(pd_json_quote(p, bad[i]), "\"\"");
    }
}

/* Parses the error body and returns its "error" member. */
static json_t *error_member(apr_pool_t *p, const pd_error_t *err)
{
    const char *text = NULL, *why;
    json_t *body = NULL, *inner;

    assert_int_equal(pd_error_to_json(&text, p, err), APR_SUCCESS);
    assert_non_null(text);
    assert_int_equal(parse(p, text, &body, &why), APR_SUCCESS);
    assert_int_equal(json_object_size(body), 1);
    inner = json_object_get(body, "error");
    assert_non_null(inner);
    assert_true(json_is_object(inner));
    return inner;
}

static void test_error_init_and_set(void **state)
{
    apr_pool_t *p = *state;
    pd_error_t err;

    memset(&err, 0xab, sizeof(err));
    pd_error_init(&err, p);
    assert_int_equal(err.status, 0);
    assert_null(err.code);
    assert_null(err.message);
    assert_null(err.field);
    assert_null(err.details);
    assert_ptr_equal(err.pool, p);

    err.details = pd_json_bind(p, json_object());
    assert_int_equal(pd_error_set(&err, 422, "validation_failed", "title", "bad"),
                     APR_EGENERAL);
    assert_int_equal(err.status, 422);
    assert_string_equal(err.code, "validation_failed");
    assert_string_equal(err.field, "title");
    assert_string_equal(err.message, "bad");
    /* a new error must not carry the previous one's details */
    assert_null(err.details);
}

static void test_error_setf(void **state)
{
    apr_pool_t *p = *state, *other;
    pd_error_t err;

    pd_error_init(&err, p);
    assert_int_equal(pd_error_setf(&err, NULL, 400, "invalid_parameter", "limit",
                                   "%s must be from %d to %d", "limit", 1, 100),
                     APR_EGENERAL);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.message, "limit must be from 1 to 100");
    assert_string_equal(err.field, "limit");

    assert_int_equal(apr_pool_create(&other, p), APR_SUCCESS);
    pd_error_setf(&err, other, 409, "conflict", NULL, "%s", "x");
    assert_string_equal(err.message, "x");
    assert_null(err.field);
    apr_pool_destroy(other);
}

static void test_error_to_json_shape(void **state)
{
    apr_pool_t *p = *state;
    pd_error_t err;
    json_t *inner;

    pd_error_init(&err, p);
    pd_error_set(&err, 422, "validation_failed", "title", "title must not be empty");
    inner = error_member(p, &err);
    assert_int_equal(json_object_size(inner), 3);
    assert_string_equal(json_string_value(json_object_get(inner, "code")), "validation_failed");
    assert_string_equal(json_string_value(json_object_get(inner, "message")),
                        "title must not be empty");
    assert_string_equal(json_string_value(json_object_get(inner, "field")), "title");

    pd_error_set(&err, 404, "not_found", NULL, "no such \"ticket\"");
    inner = error_member(p, &err);
    assert_int_equal(json_object_size(inner), 2);
    assert_null(json_object_get(inner, "field"));
    assert_string_equal(json_string_value(json_object_get(inner, "message")),
                        "no such \"ticket\"");
}

static void test_error_to_json_defaults(void **state)
{
    apr_pool_t *p = *state;
    pd_error_t err;
    json_t *inner;

    pd_error_init(&err, p);
    inner = error_member(p, &err);
    assert_int_equal(json_object_size(inner), 2);
    assert_string_equal(json_string_value(json_object_get(inner, "code")), "error");
    assert_string_equal(json_string_value(json_object_get(inner, "message")), "error");
}

static void test_error_to_json_details(void **state)
{
    apr_pool_t *p = *state;
    pd_error_t err;
    json_t *inner, *allowed;

    pd_error_init(&err, p);
    pd_error_set(&err, 409, "invalid_transition", "status", "not allowed");
    err.details = pd_json_bind(p, json_pack("{s:[s,s],s:s}", "allowed_transitions",
                                            "in_review", "cancelled", "current", "open"));
    inner = error_member(p, &err);
    assert_int_equal(json_object_size(inner), 5);
    assert_string_equal(json_string_value(json_object_get(inner, "code")),
                        "invalid_transition");
    assert_string_equal(json_string_value(json_object_get(inner, "field")), "status");
    assert_string_equal(json_string_value(json_object_get(inner, "current")), "open");
    allowed = json_object_get(inner, "allowed_transitions");
    assert_true(json_is_array(allowed));
    assert_int_equal(json_array_size(allowed), 2);
    assert_string_equal(json_string_value(json_array_get(allowed, 1)), "cancelled");
    /* merged, not moved: the caller's details are left as they were */
    assert_int_equal(json_object_size(err.details), 2);
}

static void test_error_to_json_ignores_non_object_details(void **state)
{
    apr_pool_t *p = *state;
    pd_error_t err;
    json_t *inner;

    pd_error_init(&err, p);
    pd_error_set(&err, 409, "conflict", NULL, "m");
    err.details = pd_json_bind(p, json_pack("[s]", "x"));
    inner = error_member(p, &err);
    assert_int_equal(json_object_size(inner), 2);
}

/* Whatever the message holds, the body stays valid JSON and never carries
 * bytes that are not UTF-8. */
static void test_error_to_json_invalid_utf8_message(void **state)
{
    apr_pool_t *p = *state;
    pd_error_t err;
    json_t *inner, *message;

    pd_error_init(&err, p);
    pd_error_set(&err, 422, "validation_failed", "f\xff", "bad \xff input");
    inner = error_member(p, &err);
    assert_string_equal(json_string_value(json_object_get(inner, "code")),
                        "validation_failed");
    message = json_object_get(inner, "message");
    assert_true(message == NULL || strchr(json_string_value(message), '\xff') == NULL);
    /* field is optional: an unusable one is left out */
    assert_null(json_object_get(inner, "field"));
}

/* Regression (pd_error.c, pd_error_to_json, fixed): pd_error.h promises a body with
 * both "code" and "message", and the fallback "error" is used for a NULL
 * message, but a message that is not valid UTF-8 makes json_string() return
 * NULL and the member is silently left out: the body is
 * {"error":{"code":"validation_failed"}}. Skipped until the core substitutes
 * a fallback message. */
static void test_error_to_json_message_always_present(void **state)
{
    apr_pool_t *p = *state;
    pd_error_t err;
    json_t *inner;

    pd_error_init(&err, p);
    pd_error_set(&err, 422, "validation_failed", NULL, "bad \xff input");
    inner = error_member(p, &err);
    assert_true(json_is_string(json_object_get(inner, "message")));
}

/* ---- the streaming writer ---- */

static const char *jw_one(apr_pool_t *p, void (*write)(pd_jw_t *, const char *), const char *v)
{
    pd_jw_t w;
    pd_jw_init(&w, p, 1);      /* tiny on purpose: growth is exercised */
    pd_jw_begin(&w, '[');
    write(&w, v);
    pd_jw_end(&w, ']');
    return pd_jw_text(&w);
}

static void test_jw_strings(void **state)
{
    apr_pool_t *p = *state;
    json_t *parsed;

    assert_string_equal(jw_one(p, pd_jw_string, "plain"), "[\"plain\"]");
    assert_string_equal(jw_one(p, pd_jw_string, NULL), "[null]");
    assert_string_equal(jw_one(p, pd_jw_string, "q\"b\\s/"), "[\"q\\\"b\\\\s/\"]");
    assert_string_equal(jw_one(p, pd_jw_string, "a\nb\tc\rd\x01"), "[\"a\\nb\\tc\\rd\\u0001\"]");
    assert_string_equal(jw_one(p, pd_jw_string, "<script>\xc3\xa9"), "[\"<script>\xc3\xa9\"]");
    /* whatever goes in, jansson reads the same text back */
    parsed = json_loads(jw_one(p, pd_jw_string, "x\x1f\"\\\x7fy"), 0, NULL);
    assert_non_null(parsed);
    assert_string_equal(json_string_value(json_array_get(parsed, 0)), "x\x1f\"\\\x7fy");
    json_decref(parsed);
}

static void test_jw_numbers(void **state)
{
    apr_pool_t *p = *state;
    assert_string_equal(jw_one(p, pd_jw_number, "42"), "[42]");
    assert_string_equal(jw_one(p, pd_jw_number, "-7"), "[-7]");
    /* never trusted as raw JSON */
    assert_string_equal(jw_one(p, pd_jw_number, NULL), "[null]");
    assert_string_equal(jw_one(p, pd_jw_number, ""), "[null]");
    assert_string_equal(jw_one(p, pd_jw_number, "-"), "[null]");
    assert_string_equal(jw_one(p, pd_jw_number, "1,2"), "[null]");
    assert_string_equal(jw_one(p, pd_jw_number, "1]"), "[null]");
    assert_string_equal(jw_one(p, pd_jw_number, "1.5"), "[null]");
}

static void test_jw_timestamps(void **state)
{
    apr_pool_t *p = *state;
    assert_string_equal(jw_one(p, pd_jw_timestamp, "2026-11-21 23:16:11.123456+00"),
                        "[\"2026-11-21T23:16:11.123456+00:00\"]");
    assert_string_equal(jw_one(p, pd_jw_timestamp, "2026-11-21 23:16:11+07"),
                        "[\"2026-11-21T23:16:11+07:00\"]");
    assert_string_equal(jw_one(p, pd_jw_timestamp, "2026-11-21 23:16:11-03:30"),
                        "[\"2026-11-21T23:16:11-03:30\"]");
    assert_string_equal(jw_one(p, pd_jw_timestamp, NULL), "[null]");
    assert_string_equal(jw_one(p, pd_jw_timestamp, "infinity"), "[null]");
    assert_string_equal(jw_one(p, pd_jw_timestamp, "2026-11-21"), "[null]");
    assert_string_equal(jw_one(p, pd_jw_timestamp, "2026-11-21T23:16:11+00"), "[null]");
}

static void test_jw_structure(void **state)
{
    apr_pool_t *p = *state;
    pd_jw_t w;
    json_t *parsed;

    pd_jw_init(&w, p, 4);
    pd_jw_begin(&w, '{');
    pd_jw_key(&w, "a");
    pd_jw_string(&w, NULL);
    pd_jw_key(&w, "b");
    pd_jw_begin(&w, '[');
    pd_jw_bool(&w, 1);
    pd_jw_bool(&w, 0);
    pd_jw_begin(&w, '{');
    pd_jw_end(&w, '}');
    pd_jw_end(&w, ']');
    pd_jw_key(&w, "c\"");
    pd_jw_number(&w, "3");
    pd_jw_end(&w, '}');
    assert_string_equal(pd_jw_text(&w), "{\"a\":null,\"b\":[true,false,{}],\"c\\\"\":3}");
    parsed = json_loads(pd_jw_text(&w), 0, NULL);
    assert_non_null(parsed);
    json_decref(parsed);
}

/* The ticket renderer: every key present, people null when unset, numbers
 * and times converted, the description only on request. */
static void test_ticket_render(void **state)
{
    apr_pool_t *p = *state;
    const char *cols[PD_TC__COUNT] = { NULL };
    json_t *t;
    pd_jw_t w;

    cols[PD_TC_ID] = "7";
    cols[PD_TC_NUMBER] = "PD-2026-000007";
    cols[PD_TC_TITLE] = "Struk \"tidak\" tercetak";
    cols[PD_TC_VERSION] = "3";
    cols[PD_TC_PHARMACY_ID] = "1";
    cols[PD_TC_PHARMACY_NAME] = "Apotek Alpha";
    cols[PD_TC_TECH_ID] = "9";
    cols[PD_TC_TECH_NAME] = "Teknisi";
    cols[PD_TC_CREATED_AT] = "2026-11-21 23:16:11.5+00";
    cols[PD_TC_DESCRIPTION] = "secret";
    pd_jw_init(&w, p, 16);
    pd_ticket_render(&w, cols, 0);
    t = json_loads(pd_jw_text(&w), 0, NULL);
    assert_non_null(t);
    assert_int_equal(json_integer_value(json_object_get(t, "id")), 7);
    assert_string_equal(json_string_value(json_object_get(t, "title")), "Struk \"tidak\" tercetak");
    assert_int_equal(json_integer_value(json_object_get(t, "version")), 3);
    assert_true(json_is_null(json_object_get(t, "expert")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(t, "tech"), "name")),
                        "Teknisi");
    assert_string_equal(json_string_value(json_object_get(t, "created_at")),
                        "2026-11-21T23:16:11.5+00:00");
    assert_true(json_is_null(json_object_get(t, "closed_at")));
    assert_true(json_is_null(json_object_get(t, "rating")));
    assert_null(json_object_get(t, "description"));
    json_decref(t);

    cols[PD_TC_RATING] = "4";
    pd_jw_init(&w, p, 16);
    pd_ticket_render(&w, cols, 1);
    t = json_loads(pd_jw_text(&w), 0, NULL);
    assert_string_equal(json_string_value(json_object_get(t, "description")), "secret");
    assert_int_equal(json_integer_value(json_object_get(t, "rating")), 4);
    json_decref(t);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_jw_strings),
        T(test_jw_numbers),
        T(test_jw_timestamps),
        T(test_jw_structure),
        T(test_ticket_render),
        T(test_parse_valid_object),
        T(test_parse_empty_object_and_whitespace),
        T(test_parse_utf8_values),
        T(test_parse_honours_length),
        T(test_parse_refuses_non_objects),
        T(test_parse_refuses_invalid_json),
        T(test_parse_error_message_has_position),
        T(test_parse_refuses_duplicate_keys),
        T(test_parse_refuses_nul),
        T(test_parse_refuses_raw_nul_byte),
        T(test_parse_refuses_raw_control_chars),
        T(test_parse_depth_limit),
        T(test_parse_depth_counts_nesting_only),
        T(test_parse_depth_ignores_strings),
        T(test_bind_releases_with_pool),
        T(test_dump_round_trip),
        T(test_dump_any_value),
        T(test_dump_keeps_utf8_raw),
        T(test_quote),
        T(test_quote_invalid_utf8),
        T(test_error_init_and_set),
        T(test_error_setf),
        T(test_error_to_json_shape),
        T(test_error_to_json_defaults),
        T(test_error_to_json_details),
        T(test_error_to_json_ignores_non_object_details),
        T(test_error_to_json_invalid_utf8_message),
        T(test_error_to_json_message_always_present),
    };
#undef T
    int rc;

    rc = cmocka_run_group_tests_name("pd_json", tests, group_setup, group_teardown);
    return rc;
}
