/* pd_cursor: keyset cursors survive a round trip, and forged ones are
 * refused; the key checks the caller relies on. */
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
#include <apr_base64.h>
#include "pd_cursor.h"
#include "pd_unit.h"


/* What a client could send: any bytes, base64url without padding. */
static const char *forge_n(apr_pool_t *p, const char *plain, apr_size_t len)
{
    char *enc = apr_palloc(p, apr_base64_encode_len((int)len));
    char *s;

    apr_base64_encode_binary(enc, (const unsigned char *)plain, (int)len);
    for (s = enc; *s; s++) {
        if (*s == '+') {
            *s = '-';
        }
        else if (*s == '/') {
            *s = '_';
        }
        else if (*s == '=') {
            *s = '\0';
            break;
        }
    }
    return enc;
}

static const char *forge(apr_pool_t *p, const char *plain)
{
    return forge_n(p, plain, strlen(plain));
}

static void assert_decodes(apr_pool_t *p, const char *text, const char *sort, int desc,
                           apr_int64_t id, const char *key)
{
    pd_cursor_t c;

    assert_int_equal(pd_cursor_decode(&c, p, text), APR_SUCCESS);
    assert_string_equal(c.sort, sort);
    assert_int_equal(c.desc, desc);
    assert_int_equal(c.id, id);
    assert_string_equal(c.key, key);
}

static void assert_refused(apr_pool_t *p, const char *text)
{
    pd_cursor_t c;

    memset(&c, 0x5a, sizeof(c));
    assert_int_equal(pd_cursor_decode(&c, p, text), APR_EINVAL);
    /* no text from a refused cursor is handed out */
    assert_null(c.sort);
    assert_null(c.key);
}

static void assert_forged_refused(apr_pool_t *p, const char *plain)
{
    assert_refused(p, forge(p, plain));
}

static void round_trip(apr_pool_t *p, const char *sort, int desc, apr_int64_t id,
                       const char *key)
{
    pd_cursor_t in, out;
    const char *text, *s;

    in.sort = sort;
    in.desc = desc;
    in.id = id;
    in.key = key;
    text = pd_cursor_encode(p, &in);
    assert_non_null(text);
    assert_true(strlen(text) > 0);
    /* safe in a query string as it is */
    for (s = text; *s; s++) {
        assert_true((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')
                    || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_');
    }
    assert_int_equal(pd_cursor_decode(&out, p, text), APR_SUCCESS);
    assert_string_equal(out.sort, sort);
    assert_int_equal(out.desc, desc ? 1 : 0);
    assert_int_equal(out.id, id);
    assert_string_equal(out.key, key ? key : "");
}

static void test_round_trip(void **state)
{
    apr_pool_t *p = *state;

    round_trip(p, "created_at", 1, 42, "1767225600000000");
    round_trip(p, "created_at", 0, 1, "-1");
    round_trip(p, "updated_at", 1, APR_INT64_C(999999999999999999), "0");
    round_trip(p, "priority", 0, 7, "3");
    round_trip(p, "id", 1, 12345, "12345");
    round_trip(p, "name", 0, 3, "Apotek Sehat");
    round_trip(p, "name", 0, 3, "");
    round_trip(p, "name", 0, 3, NULL);
    /* any desc that is not 0 means descending */
    round_trip(p, "name", 5, 3, "x");
}

/* The key is last in the layout, so separators in it are just text. */
static void test_round_trip_text_keys(void **state)
{
    apr_pool_t *p = *state;

    round_trip(p, "name", 0, 9, "a|b");
    round_trip(p, "name", 0, 9, "|");
    round_trip(p, "name", 0, 9, "||1|a|");
    round_trip(p, "name", 1, 9, "Apotek 2.0 | Cabang");
    round_trip(p, "name", 1, 9, "...");
    round_trip(p, "name", 0, 9, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe6\x97\xa5\xe6\x9c\xac");
    round_trip(p, "name", 0, 9, "=+/-_ ?&#%");
    /* lengths that end the base64 text on each possible remainder */
    round_trip(p, "name", 0, 9, "a");
    round_trip(p, "name", 0, 9, "ab");
    round_trip(p, "name", 0, 9, "abc");
}

/* forge() is the same encoding: a forged cursor with valid content passes. */
static void test_forge_matches_encode(void **state)
{
    apr_pool_t *p = *state;
    pd_cursor_t c = { "created_at", 1, 42, "k|ey" };

    assert_string_equal(forge(p, "1|created_at|d|42|k|ey"), pd_cursor_encode(p, &c));
    assert_decodes(p, forge(p, "1|created_at|d|42|k|ey"), "created_at", 1, 42, "k|ey");
    assert_decodes(p, forge(p, "1|name|a|7|"), "name", 0, 7, "");
    assert_decodes(p, forge(p, "1|a_b|a|7|x"), "a_b", 0, 7, "x");
}

static void test_refuses_bad_text(void **state)
{
    apr_pool_t *p = *state;
    /* "1|name|a|1|x" and "1|name|a|1|xy", as standard base64 */
    const char *good = "MXxuYW1lfGF8MXx4";
    const char *padded = "MXxuYW1lfGF8MXx4eQ==";

    assert_decodes(p, good, "name", 0, 1, "x");
    assert_decodes(p, "MXxuYW1lfGF8MXx4eQ", "name", 0, 1, "xy");
    assert_refused(p, NULL);
    assert_refused(p, "");
    assert_refused(p, "!");
    assert_refused(p, "!!!!");
    assert_refused(p, "MXxu$W1lfGF8MXx4");
    /* padding, standard base64's '+' and '/', white space: not base64url */
    assert_refused(p, padded);
    assert_refused(p, apr_pstrcat(p, good, "=", NULL));
    assert_refused(p, "MXxuYW1lfGF8MXx4+A");
    assert_refused(p, "MXxuYW1lfGF8MXx4/A");
    assert_refused(p, apr_pstrcat(p, " ", good, NULL));
    assert_refused(p, apr_pstrcat(p, good, "\n", NULL));
    assert_refused(p, apr_pstrcat(p, good, ".", NULL));
    /* one character past a multiple of four cannot be base64 */
    assert_refused(p, "AAAAA");
    assert_refused(p, "A");
}

static void test_refuses_tampered_fields(void **state)
{
    apr_pool_t *p = *state;
    static const char *const bad[] = {
        /* version */
        "2|name|a|1|x", "0|name|a|1|x", "|name|a|1|x", "11|name|a|1|x", "v1|name|a|1|x",
        /* sort */
        "1||a|1|x", "1|Name|a|1|x", "1|na-me|a|1|x", "1|na me|a|1|x", "1|n4me|a|1|x",
        "1|abcdefghijklmnopqrstuvwxyzabcdefg|a|1|x",   /* 33 characters */
        /* direction */
        "1|name|x|1|x", "1|name||1|x", "1|name|A|1|x", "1|name|asc|1|x", "1|name|D|1|x",
        /* id */
        "1|name|a|0|x", "1|name|a|-1|x", "1|name|a||x", "1|name|a|abc|x", "1|name|a|1a|x",
        "1|name|a| 1|x", "1|name|a|+1|x", "1|name|a|1.5|x", "1|name|a|-|x",
        "1|name|a|1000000000000000000|x",              /* 19 digits */
        /* missing parts */
        "1|name|a|1", "1|name|a", "1|name", "1", "|||",
    };
    apr_size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_forged_refused(p, bad[i]);
    }
    /* the longest sort name allowed */
    assert_decodes(p, forge(p, "1|abcdefghijklmnopqrstuvwxyzabcdef|a|1|x"),
                   "abcdefghijklmnopqrstuvwxyzabcdef", 0, 1, "x");
    /* leading zeros are a valid integer, and still the same id */
    assert_decodes(p, forge(p, "1|name|a|007|x"), "name", 0, 7, "x");
}

static void test_refuses_bad_keys(void **state)
{
    apr_pool_t *p = *state;
    static const char *const bad[] = {
        "1|name|a|1|a\x01" "b", "1|name|a|1|\x1f", "1|name|a|1|tab\there", "1|name|a|1|nl\n",
        "1|name|a|1|\x7f", "1|name|a|1|\xff", "1|name|a|1|\xc3", "1|name|a|1|\xc0\xaf",
        "1|name|a|1|\xed\xa0\x80", "1|name|a|1|\xf4\x90\x80\x80", "1|name|a|1|\x80",
        "1|name|a|1|ok\xe2\x82",
    };
    static const char nul_in_key[] = "1|name|a|1|a\0b";
    static const char nul_in_sort[] = "1|na\0me|a|1|x";
    apr_size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_forged_refused(p, bad[i]);
    }
    assert_refused(p, forge_n(p, nul_in_key, sizeof(nul_in_key) - 1));
    assert_refused(p, forge_n(p, nul_in_sort, sizeof(nul_in_sort) - 1));
    assert_refused(p, forge_n(p, "\0\0\0", 3));
}

static void test_length_limit(void **state)
{
    apr_pool_t *p = *state;
    char *key = apr_palloc(p, 1600);
    char *big;
    const char *text;

    /* "1|s|a|1|" is 8 bytes: with 1528 more, 1536 encode to exactly 2048 */
    memset(key, 'k', 1529);
    key[1528] = '\0';
    text = forge(p, apr_pstrcat(p, "1|s|a|1|", key, NULL));
    assert_int_equal(strlen(text), PD_CURSOR_MAX_LEN);
    assert_decodes(p, text, "s", 0, 1, key);
    key[1528] = 'k';
    key[1529] = '\0';
    text = forge(p, apr_pstrcat(p, "1|s|a|1|", key, NULL));
    assert_true(strlen(text) > PD_CURSOR_MAX_LEN);
    assert_refused(p, text);

    big = apr_palloc(p, 100001);
    memset(big, 'A', 100000);
    big[100000] = '\0';
    assert_refused(p, big);
}

static void test_key_int(void **state)
{
    apr_int64_t v;
    static const char *const bad[] = {
        "", "-", "+1", " 1", "1 ", "1a", "a", "1.5", "1e3", "--1", "0x10", "1-",
        "1000000000000000000", "-1000000000000000000", "9223372036854775807",
    };
    apr_size_t i;

    v = 5;
    assert_true(pd_cursor_key_int("0", &v));
    assert_int_equal(v, 0);
    assert_true(pd_cursor_key_int("-0", &v));
    assert_int_equal(v, 0);
    assert_true(pd_cursor_key_int("123", &v));
    assert_int_equal(v, 123);
    assert_true(pd_cursor_key_int("-42", &v));
    assert_int_equal(v, -42);
    assert_true(pd_cursor_key_int("007", &v));
    assert_int_equal(v, 7);
    assert_true(pd_cursor_key_int("999999999999999999", &v));
    assert_int_equal(v, APR_INT64_C(999999999999999999));
    assert_true(pd_cursor_key_int("-999999999999999999", &v));
    assert_int_equal(v, -APR_INT64_C(999999999999999999));
    assert_true(pd_cursor_key_int("1767225600000000", &v));
    assert_int_equal(v, APR_INT64_C(1767225600000000));

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        v = 5;
        assert_false(pd_cursor_key_int(bad[i], &v));
        assert_int_equal(v, 5);
    }
    assert_false(pd_cursor_key_int(NULL, &v));
}

static void test_utf8_valid(void **state)
{
    static const char *const good[] = {
        "", "abc", "Apotek Sehat", "\xc2\xa0", "\xc3\xa9", "\xdf\xbf", "\xe0\xa0\x80",
        "\xe2\x82\xac", "\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbf", "\xf0\x90\x80\x80",
        "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf", "~ !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}",
    };
    static const char *const bad[] = {
        /* control characters, C0 and C1 */
        "\x01", "a\x1f", "a\tb", "a\nb", "a\rb", "\x7f", "\xc2\x80", "\xc2\x9f",
        /* bytes that never start a character */
        "\x80", "\xbf", "a\x80", "\xf8\x88\x80\x80\x80", "\xfc\x84\x80\x80\x80\x80", "\xfe",
        "\xff",
        /* overlong forms of ASCII */
        "\xc0\x80", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\x80", "\xe0\x80\xaf",
        "\xf0\x80\x80\x80", "\xf0\x80\x80\xaf",
        /* surrogates */
        "\xed\xa0\x80", "\xed\xad\xbf", "\xed\xbf\xbf",
        /* past U+10FFFF */
        "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xf7\xbf\xbf\xbf",
        /* truncated */
        "\xc3", "a\xc3", "\xe2\x82", "\xf0\x9f\x98", "\xc3" "a", "\xe2" "ab", "\xf0\x9f" "ab",
    };
    apr_size_t i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        if (!pd_utf8_valid(good[i], 64)) {
            fail_msg("good[%u] refused", (unsigned)i);
        }
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (pd_utf8_valid(bad[i], 64)) {
            fail_msg("bad[%u] accepted", (unsigned)i);
        }
    }
}

/* Regression (pd_cursor.c, pd_utf8_valid, fixed): the overlong check is cp < 0x80 for
 * every length, so 3- and 4-byte overlong encodings of code points >= 0x80
 * pass: "\xe0\x82\x80" (U+0080 in 3 bytes), "\xe0\x9f\xbf" (U+07FF) and
 * "\xf0\x8f\xbf\xbf" (U+FFFF in 4 bytes) return 1, expected 0. Such text
 * reaches PostgreSQL as a statement parameter (cursor key, username, q) and
 * is refused there with an encoding error instead of a 400. The minimum must
 * depend on the length: 0x80, 0x800, 0x10000. */
static void test_utf8_valid_long_overlongs(void **state)
{
    assert_false(pd_utf8_valid("\xe0\x82\x80", 64));
    assert_false(pd_utf8_valid("\xe0\x9f\xbf", 64));
    assert_false(pd_utf8_valid("\xf0\x80\x82\x80", 64));
    assert_false(pd_utf8_valid("\xf0\x8f\xbf\xbf", 64));
}

static void test_utf8_max_bytes(void **state)
{
    assert_true(pd_utf8_valid("abc", 3));
    assert_false(pd_utf8_valid("abcd", 3));
    assert_true(pd_utf8_valid("", 0));
    assert_false(pd_utf8_valid("a", 0));
    /* the limit is in bytes, and a character may not straddle it */
    assert_true(pd_utf8_valid("\xc3\xa9", 2));
    assert_false(pd_utf8_valid("\xc3\xa9", 1));
    assert_true(pd_utf8_valid("a\xe2\x82\xac", 4));
    assert_false(pd_utf8_valid("a\xe2\x82\xac", 3));
    assert_false(pd_utf8_valid("a\xe2\x82\xac", 2));
    assert_true(pd_utf8_valid("\xf0\x9f\x98\x80", 4));
    assert_false(pd_utf8_valid("\xf0\x9f\x98\x80", 3));
}

/* A key check accepts every good key, refuses every bad one, and NULL. */
static void check_key_form(int (*check)(const char *), const char *const *good, apr_size_t ngood,
                           const char *const *bad, apr_size_t nbad)
{
    apr_size_t i;

    for (i = 0; i < ngood; i++) {
        if (!check(good[i])) {
            fail_msg("refused \"%s\"", good[i]);
        }
    }
    for (i = 0; i < nbad; i++) {
        if (check(bad[i])) {
            fail_msg("accepted \"%s\"", bad[i]);
        }
    }
    assert_false(check(NULL));
}

/* Timestamp keys go back to PostgreSQL as a cast: only its own ISO output,
 * with real calendar values, may pass. */
static void test_key_timestamp(void **state)
{
    static const char *const good[] = {
        "2026-11-21 23:16:11+00", "2026-11-21 23:16:11.123456+00", "2026-11-21 23:16:11.5+07",
        "2024-02-29 00:00:00+00", "1970-01-01 00:00:00-03:30", "2026-12-31 23:59:59.000001+14",
    };
    static const char *const bad[] = {
        "", "2026-11-21", "2026-11-21T23:16:11+00", "2026-11-21 23:16:11", "2026-11-21 24:00:00+00",
        "2026-13-01 00:00:00+00", "2026-02-30 00:00:00+00", "2025-02-29 00:00:00+00",
        "2026-11-21 23:60:00+00", "2026-11-21 23:16:61+00", "2026-11-21 23:16:11.+00",
        "2026-11-21 23:16:11.1234567+00", "2026-11-21 23:16:11+0", "2026-11-21 23:16:11+00:0",
        "2026-11-21 23:16:11+00 ", "1969-12-31 23:59:59+00", "2026-11-21 23:16:11+16",
        "2026-11-21 23:16:11+00'; --", "infinity", "2026-11-21 23:16:11 BC+00",
        "2026-1a-21 23:16:11+00",
    };

    (void)state;
    check_key_form(pd_cursor_key_timestamp, good, sizeof(good) / sizeof(good[0]),
                   bad, sizeof(bad) / sizeof(bad[0]));
}

/* Rank keys go back as float8 and then real: PostgreSQL's float8 output of a
 * real is accepted; anything a real cannot hold (overflow, underflow to
 * zero), or that is not plain digits, is not. */
static void test_key_rank(void **state)
{
    static const char *const good[] = {
        "0", "0.0", "1", "0.6079271", "0.0607927106320858", "0.243170830607414", "1.0000001",
        "1e-05", "6.079271e-05", "1.2345678e-20", "3e+37", "9.99e+37", "1e-37", "0.00001",
        "12345678901234567", "0.00000000000000000000000000001",
    };
    static const char *const bad[] = {
        "", "-0.5", "+0.5", ".5", "5.", "0.5e", "0.5e+", "1e+38", "1e38", "5e+38", "1e-38",
        "1e-45", "0.1e-37", "10e+37", "1e+100", "1e-100", "1e+005",
        "NaN", "Infinity", "-Infinity", "inf", "0x1p-3", "0,5", "0.5 ", " 0.5", "0.5'; --",
        "1E-05", "0.5e-5.1", "123456789012345678901234567890123",
    };

    (void)state;
    check_key_form(pd_cursor_key_rank, good, sizeof(good) / sizeof(good[0]),
                   bad, sizeof(bad) / sizeof(bad[0]));
}

static void test_key_int_time(void **state)
{
    static const char *const good[] = {
        "-4|2026-01-01 00:00:00+00", "0|2026-11-21 23:16:11.123456+00", "1|2026-02-28 08:00:00+07",
        "-9|2026-01-01 00:00:00+00", "9|2026-01-01 00:00:00+00",
    };
    static const char *const bad[] = {
        "", "|", "-4", "-4|", "|2026-01-01 00:00:00+00", "x|2026-01-01 00:00:00+00",
        "10|2026-01-01 00:00:00+00", "-10|2026-01-01 00:00:00+00", "-4|yesterday",
        "-4|2026-01-01 00:00:00+00|x", "-4 |2026-01-01 00:00:00+00", "-4|2026-02-30 00:00:00+00",
    };
    apr_pool_t *p = *state;
    apr_int64_t n = 0;
    const char *time = NULL;
    apr_size_t i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_true(pd_cursor_key_int_time(good[i], p, &n, &time));
        assert_string_equal(time, strchr(good[i], '|') + 1);
    }
    assert_true(pd_cursor_key_int_time("-4|2026-01-01 00:00:00+00", p, &n, &time));
    assert_int_equal(n, -4);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(pd_cursor_key_int_time(bad[i], p, &n, &time));
    }
    assert_false(pd_cursor_key_int_time(NULL, p, &n, &time));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_round_trip),
        T(test_round_trip_text_keys),
        T(test_forge_matches_encode),
        T(test_refuses_bad_text),
        T(test_refuses_tampered_fields),
        T(test_refuses_bad_keys),
        T(test_length_limit),
        T(test_key_int),
        T(test_key_timestamp),
        T(test_key_rank),
        T(test_key_int_time),
        T(test_utf8_valid),
        T(test_utf8_valid_long_overlongs),
        T(test_utf8_max_bytes),
    };
#undef T
    int rc;

    rc = cmocka_run_group_tests_name("pd_cursor", tests, group_setup, group_teardown);
    return rc;
}
