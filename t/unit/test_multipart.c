/* pd_multipart: the streaming multipart/form-data parser, fed whole, byte
 * by byte and in uneven pieces, and given every malformation we know of. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <apr_strings.h>

#include "pd_multipart.h"
#include "pd_unit.h"

/* What the callbacks saw: "name|filename|type=data;" per part. */
typedef struct seen_t {
    apr_pool_t *p;
    char *log;
    int fail_on_data;
} seen_t;

static apr_status_t on_begin(void *ctx, const pd_mp_part_t *part)
{
    seen_t *s = ctx;
    s->log = apr_pstrcat(s->p, s->log, part->name, "|", part->filename ? part->filename : "-", "|",
                         part->content_type ? part->content_type : "-", "=", NULL);
    return APR_SUCCESS;
}

static apr_status_t on_data(void *ctx, const char *data, apr_size_t len)
{
    seen_t *s = ctx;
    if (s->fail_on_data) {
        return APR_EGENERAL;
    }
    s->log = apr_pstrcat(s->p, s->log, apr_pstrmemdup(s->p, data, len), NULL);
    return APR_SUCCESS;
}

static apr_status_t on_end(void *ctx)
{
    seen_t *s = ctx;
    s->log = apr_pstrcat(s->p, s->log, ";", NULL);
    return APR_SUCCESS;
}

static const pd_mp_callbacks_t CB = { on_begin, on_data, on_end };

/* Parses body in pieces of `step` bytes (0: whole); the log, or "ERR:why". */
static const char *parse(apr_pool_t *p, const char *boundary, const char *body, apr_size_t len,
                         apr_size_t step)
{
    seen_t s = { p, "", 0 };
    pd_mp_t *mp;
    apr_size_t off = 0;
    apr_status_t rv = APR_SUCCESS;

    pd_mp_create(&mp, p, boundary, &CB, &s);
    if (!step) {
        step = len ? len : 1;
    }
    while (off < len && rv == APR_SUCCESS) {
        apr_size_t n = len - off < step ? len - off : step;
        rv = pd_mp_feed(mp, body + off, n);
        off += n;
    }
    if (rv == APR_SUCCESS) {
        rv = pd_mp_finish(mp);
    }
    return rv == APR_SUCCESS ? s.log : apr_pstrcat(p, "ERR:", pd_mp_error(mp), NULL);
}

#define B "----pdBoundary7MA4YWxk"
static const char GOOD[] =
    "preamble to ignore\r\n"
    "--" B "\r\n"
    "Content-Disposition: form-data; name=\"description\"\r\n"
    "\r\n"
    "Layar \r\n--- kasir\r\n-- " B "x beku\r\n"
    "--" B "\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"C:\\\\fakepath\\\\struk.png\"\r\n"
    "Content-Type: image/png\r\n"
    "\r\n"
    "\x89PNG\r\n\x1a\n\r\n------pdBoundary7MA4YWx!\r\n"
    "--" B "--\r\n"
    "epilogue to ignore";
static const char GOOD_LOG[] =
    "description|-|-=Layar \r\n--- kasir\r\n-- " B "x beku;"
    "file|struk.png|image/png=\x89PNG\r\n\x1a\n\r\n------pdBoundary7MA4YWx!;";

static void test_boundary(void **state)
{
    apr_pool_t *p = *state;
    const char *b, *why;

    assert_int_equal(pd_mp_boundary("multipart/form-data; boundary=abc", p, &b, &why), APR_SUCCESS);
    assert_string_equal(b, "abc");
    assert_int_equal(pd_mp_boundary("Multipart/Form-Data;boundary=\"a b:c\"; charset=utf-8", p, &b, &why),
                     APR_SUCCESS);
    assert_string_equal(b, "a b:c");
    assert_int_equal(pd_mp_boundary("multipart/form-data", p, &b, &why), APR_EINVAL);
    assert_int_equal(pd_mp_boundary("multipart/form-data; boundary=a; boundary=b", p, &b, &why),
                     APR_EINVAL);
    assert_non_null(strstr(why, "twice"));
    assert_int_equal(pd_mp_boundary("multipart/form-data; boundary=", p, &b, &why), APR_EINVAL);
    assert_int_equal(pd_mp_boundary("multipart/form-data; boundary=\"abc", p, &b, &why), APR_EINVAL);
    assert_int_equal(pd_mp_boundary("multipart/form-data; boundary=a\x01", p, &b, &why), APR_EINVAL);
    assert_int_equal(pd_mp_boundary(apr_pstrcat(p, "multipart/form-data; boundary=",
                                                apr_psprintf(p, "%071d", 0), NULL), p, &b, &why),
                     APR_EINVAL);
    assert_int_equal(pd_mp_boundary(apr_pstrcat(p, "multipart/form-data; boundary=",
                                                apr_psprintf(p, "%070d", 0), NULL), p, &b, &why),
                     APR_SUCCESS);
    assert_int_equal(pd_mp_boundary("application/json", p, &b, &why), APR_EINVAL);
    assert_int_equal(pd_mp_boundary(NULL, p, &b, &why), APR_EINVAL);
    assert_int_equal(pd_mp_boundary("multipart/form-data; boundary=\"ab \"", p, &b, &why), APR_EINVAL);
}

static void test_pieces(void **state)
{
    apr_pool_t *p = *state;
    apr_size_t step;

    assert_string_equal(parse(p, B, GOOD, sizeof(GOOD) - 1, 0), GOOD_LOG);
    /* every split of the body gives the same parts */
    for (step = 1; step <= 64; step++) {
        assert_string_equal(parse(p, B, GOOD, sizeof(GOOD) - 1, step), GOOD_LOG);
    }
}

static void test_shapes(void **state)
{
    apr_pool_t *p = *state;
    const char *body;

    /* the first boundary opens the body; an empty part; padding */
    body = "--x  \r\nContent-Disposition: form-data; name=a\r\n\r\n\r\n--x\t\r\n"
           "content-disposition: FORM-DATA; NAME=\"b\"; filename*=UTF-8''%C3%A9t%C3%A9.txt\r\n\r\n"
           "isi\r\n--x--";
    assert_string_equal(parse(p, "x", body, strlen(body), 0), "a|-|-=;b|été.txt|-=isi;");
    /* an empty file input sends filename="" */
    body = "--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n\r\n\r\n--x--\r\n";
    assert_string_equal(parse(p, "x", body, strlen(body), 0), "f||-=;");
    /* quoted-string escapes */
    body = "--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\\\"b.txt\"\r\n\r\nz\r\n--x--";
    assert_string_equal(parse(p, "x", body, strlen(body), 3), "f|a\"b.txt|-=z;");
}

static void expect_error(apr_pool_t *p, const char *body, apr_size_t len, const char *fragment)
{
    apr_size_t step;
    for (step = 0; step <= 7; step += 7) {
        const char *got = parse(p, "x", body, len, step);
        if (strncmp(got, "ERR:", 4) != 0 || !strstr(got, fragment)) {
            fail_msg("body %s: got %s, wanted an error with \"%s\"", body, got, fragment);
        }
    }
}

static void test_errors(void **state)
{
    apr_pool_t *p = *state;
    static const char nul_name[] = "--x\r\nContent-Disposition: form-data; name=\"a\0b\"\r\n\r\nz\r\n--x--";
    char *big;

    expect_error(p, "", 0, "no boundary line");
    expect_error(p, "no boundary here at all", 23, "no boundary line");
    expect_error(p, "--x\r\nContent-Disposition: form-data; name=a\r\n\r\nhalf", 46, "before its closing");
    expect_error(p, "--x\r\nContent-Disposition: form-data; name=a\r\n", 44, "before its closing");
    expect_error(p, "--x\r\nContent-Type: text/plain\r\n\r\nz\r\n--x--", 41, "no Content-Disposition");
    expect_error(p, "--x\r\n\r\nz\r\n--x--", 15, "no Content-Disposition");
    expect_error(p, "--x\r\nContent-Disposition: attachment; name=a\r\n\r\nz\r\n--x--", 54, "not form-data");
    expect_error(p, "--x\r\nContent-Disposition: form-data\r\n\r\nz\r\n--x--", 45, "no usable field name");
    expect_error(p, "--x\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\nz\r\n--x--", 60, "twice");
    expect_error(p, "--x\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n"
                    "\r\nz\r\n--x--", 93, "two Content-Disposition");
    expect_error(p, nul_name, sizeof(nul_name) - 1, "NUL");
    expect_error(p, "--x\r\nContent-Disposition: form-data; name=a; filename*=UTF-8''a%00b\r\n\r\nz\r\n--x--", 79,
                 "filename*");
    expect_error(p, "--x\r\nContent-Disposition: form-data; name=a; filename*=latin1''a\r\n\r\nz\r\n--x--", 75,
                 "filename*");
    expect_error(p, "--x\r\nContent-Disposition: form-data; name=\"a\r\n\r\nz\r\n--x--", 53, "not closed");
    expect_error(p, "--x\r\n Content-Disposition: form-data; name=a\r\n\r\nz\r\n--x--", 54, "malformed");
    expect_error(p, "--x-\r\n", 6, "single '-'");
    expect_error(p, "--xy\r\n", 6, "other than a line end");
    expect_error(p, "--x\rX", 5, "CRLF");
    expect_error(p, "--x\r\nContent-Disposition: form-data; name=a; filename=\"\xff.png\"\r\n\r\nz\r\n--x--", 67,
                 "not UTF-8");

    big = apr_pcalloc(p, PD_MP_HEADERS_MAX + 64);
    strcpy(big, "--x\r\nX-Filler: ");
    memset(big + strlen(big), 'a', PD_MP_HEADERS_MAX);
    expect_error(p, big, strlen(big), "too large");
}

static void test_callback_failure(void **state)
{
    apr_pool_t *p = *state;
    seen_t s = { p, "", 1 };
    pd_mp_t *mp;

    pd_mp_create(&mp, p, B, &CB, &s);
    assert_int_equal(pd_mp_feed(mp, GOOD, sizeof(GOOD) - 1), APR_EGENERAL);
    /* once failed, it stays failed */
    assert_int_not_equal(pd_mp_feed(mp, "x", 1), APR_SUCCESS);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_boundary),
        T(test_pieces),
        T(test_shapes),
        T(test_errors),
        T(test_callback_failure),
    };
#undef T
    return cmocka_run_group_tests_name("pd_multipart", tests, group_setup, group_teardown);
}
