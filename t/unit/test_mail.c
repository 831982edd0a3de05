/* pd_mail: the message against its expected bytes, encoded words and
 * quoted-printable decoded back to what went in, line lengths and line
 * ends, and header injection refused or flattened. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <apr_strings.h>
#include <apr_base64.h>

#include "pd_unit.h"
#include "pd_mail.h"

#define DATE apr_time_from_sec(1796539095)   /* Sun, 06 Dec 2026 06:38:15 UTC */

static pd_mail_t sample(void)
{
    pd_mail_t m;
    memset(&m, 0, sizeof(m));
    m.from = "helpdesk@pharmadesk.test";
    m.from_name = "Pharmadesk";
    m.to = "rina@apotek.test";
    m.to_name = "Rina Marlina";
    m.subject = "[PD-2026-000042] New reply: Printer";
    m.text = "Hello Rina,\n\nA reply.\n";
    m.html = "<p>Hello Rina,</p>\n";
    m.message_id = "<pd-d1@pharmadesk.test>";
    m.thread_id = "<ticket-42@pharmadesk.test>";
    m.date = DATE;
    return m;
}

/* not inlined: gcc 12 takes the out-parameter for a dangling pointer */
__attribute__((noinline)) static const char *build(apr_pool_t *p, const pd_mail_t *m)
{
    const char *msg;
    assert_int_equal(pd_mail_build(p, m, &msg), APR_SUCCESS);
    assert_non_null(msg);
    return msg;
}

/* Every line ends in CRLF, none longer than max. */
static void assert_lines(const char *msg, apr_size_t max)
{
    const char *c = msg, *start = msg;
    for (; *c; c++) {
        if (*c == '\n') {
            assert_true(c > msg && c[-1] == '\r');
            assert_true((apr_size_t)(c - 1 - start) <= max);
            start = c + 1;
        }
        else if (*c == '\r') {
            assert_int_equal(c[1], '\n');
        }
    }
    assert_true(c == start);              /* ends with a line end */
}

/* The value of a header field, unfolded. */
static const char *header(apr_pool_t *p, const char *msg, const char *name)
{
    const char *end = strstr(msg, "\r\n\r\n"), *line = msg, *out = NULL;
    apr_size_t n = strlen(name);
    while (line < end) {
        const char *eol = strstr(line, "\r\n");
        if (out && (*line == ' ' || *line == '\t')) {
            out = apr_pstrcat(p, out, apr_pstrmemdup(p, line, eol - line), NULL);
        }
        else if (out) {
            return out;
        }
        else if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
            out = apr_pstrmemdup(p, line + n + 1, eol - line - n - 1);
        }
        line = eol + 2;
    }
    return out;
}

/* RFC 2047 decoding of "=?UTF-8?B?...?=" words among plain words: white
 * space between two encoded words is dropped, any other kept (folds
 * unfolded already). */
static const char *decode_words(apr_pool_t *p, const char *v)
{
    const char *out = "";
    int last_encoded = 0, first = 1;
    while (*v) {
        const char *sp = v, *w;
        while (*v == ' ') {
            v++;
        }
        w = v;
        if (strncmp(w, "=?UTF-8?B?", 10) == 0) {
            const char *end = strstr(w + 10, "?=");
            char *b64 = apr_pstrmemdup(p, w + 10, end - w - 10);
            char *dec = apr_palloc(p, apr_base64_decode_len(b64) + 1);
            int n = apr_base64_decode(dec, b64);
            assert_true(end - w + 2 <= 75);
            dec[n] = '\0';
            out = apr_pstrcat(p, out, (first || last_encoded) ? "" : apr_pstrmemdup(p, sp, w - sp), dec, NULL);
            v = end + 2;
            last_encoded = 1;
        }
        else {
            while (*v && *v != ' ') {
                v++;
            }
            out = apr_pstrcat(p, out, first ? "" : apr_pstrmemdup(p, sp, w - sp),
                              apr_pstrmemdup(p, w, v - w), NULL);
            last_encoded = 0;
        }
        first = 0;
    }
    return out;
}

/* Quoted-printable decoding, CRLF to LF. */
static const char *qp_decode(apr_pool_t *p, const char *s, apr_size_t len)
{
    char *out = apr_palloc(p, len + 1), *o = out;
    const char *end = s + len;
    while (s < end) {
        if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
            s += 3;
        }
        else if (s[0] == '=') {
            char hex[3] = { s[1], s[2], 0 };
            assert_true(strspn(hex, "0123456789ABCDEF") == 2);
            *o++ = (char)strtol(hex, NULL, 16);
            s += 3;
        }
        else if (s[0] == '\r' && s[1] == '\n') {
            *o++ = '\n';
            s += 2;
        }
        else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

/* The body of the part of that type, decoded. */
static const char *part(apr_pool_t *p, const char *msg, const char *type)
{
    const char *h = strstr(msg, apr_pstrcat(p, "Content-Type: ", type, "; charset=utf-8\r\n"
                                            "Content-Transfer-Encoding: quoted-printable\r\n\r\n", NULL));
    const char *body, *end;
    assert_non_null(h);
    body = strstr(h, "\r\n\r\n") + 4;
    end = strstr(body, "\r\n--=_pd_");
    if (!end) {                            /* the CRLF before a delimiter is the delimiter's */
        end = body + strlen(body);
    }
    return qp_decode(p, body, end - body);
}

static void test_expected_message(void **state)
{
    apr_pool_t *p = *state;
    pd_mail_t m = sample();
    const char *msg = build(p, &m);
    const char *b = header(p, msg, "Content-Type");
    const char *boundary;

    assert_non_null(b);
    boundary = strstr(b, "boundary=\"") + 10;
    boundary = apr_pstrmemdup(p, boundary, strchr(boundary, '"') - boundary);
    assert_int_equal(strlen(boundary), 37);
    assert_string_equal(msg, apr_pstrcat(p,
        "Date: Sun, 06 Dec 2026 06:38:15 +0000\r\n"
        "From: Pharmadesk <helpdesk@pharmadesk.test>\r\n"
        "To: Rina Marlina <rina@apotek.test>\r\n"
        "Subject: [PD-2026-000042] New reply: Printer\r\n"
        "Message-ID: <pd-d1@pharmadesk.test>\r\n"
        "In-Reply-To: <ticket-42@pharmadesk.test>\r\n"
        "References: <ticket-42@pharmadesk.test>\r\n"
        "MIME-Version: 1.0\r\n"
        "Auto-Submitted: auto-generated\r\n"
        "X-Auto-Response-Suppress: All\r\n"
        "Content-Type: multipart/alternative;\r\n boundary=\"", boundary, "\"\r\n"
        "\r\n"
        "This is a message in MIME format.\r\n"
        "\r\n"
        "--", boundary, "\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "\r\n"
        "Hello Rina,\r\n"
        "\r\n"
        "A reply.\r\n"
        "\r\n"
        "--", boundary, "\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "\r\n"
        "<p>Hello Rina,</p>\r\n"
        "\r\n"
        "--", boundary, "--\r\n", NULL));
    assert_lines(msg, 78);

    /* the same delivery is the same message, boundary and all */
    assert_string_equal(build(p, &m), msg);
    m.message_id = "<pd-d2@pharmadesk.test>";
    assert_null(strstr(build(p, &m), boundary));

    /* the first message of a thread refers to none */
    m.message_id = m.thread_id;
    msg = build(p, &m);
    assert_null(header(p, msg, "In-Reply-To"));
    assert_null(header(p, msg, "References"));

    /* text alone: one part */
    m.html = NULL;
    msg = build(p, &m);
    assert_null(strstr(msg, "multipart"));
    assert_string_equal(part(p, msg, "text/plain"), m.text);
}

static void test_encoded_words(void **state)
{
    apr_pool_t *p = *state;
    pd_mail_t m = sample();
    const char *msg, *v;
    static const char *const subjects[] = {
        "[PD-2026-000042] Balasan baru: Struk tidak tercetak \xE2\x80\x94 kasir 2",
        "\xF0\x9F\x92\x8A\xF0\x9F\x92\x8A\xF0\x9F\x92\x8A\xF0\x9F\x92\x8A\xF0\x9F\x92\x8A"
        "\xF0\x9F\x92\x8A\xF0\x9F\x92\x8A\xF0\x9F\x92\x8A\xF0\x9F\x92\x8A\xF0\x9F\x92\x8A"
        "\xF0\x9F\x92\x8A\xF0\x9F\x92\x8A\xF0\x9F\x92\x8A\xF0\x9F\x92\x8A\xF0\x9F\x92\x8A"
        "\xF0\x9F\x92\x8A\xF0\x9F\x92\x8A\xF0\x9F\x92\x8A\xF0\x9F\x92\x8A\xF0\x9F\x92\x8A",
        "Looks =?UTF-8?B?ZXZpbA==?= but is text",
        "A very long subject line made of plain words that surely needs folding somewhere "
        "in the middle because it is far longer than seventy-eight characters in all",
        "Averyveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryverylongword",
    };
    size_t i;

    for (i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++) {
        m.subject = subjects[i];
        msg = build(p, &m);
        assert_lines(msg, 78);
        v = header(p, msg, "Subject");
        assert_string_equal(decode_words(p, v), subjects[i]);
    }
    /* the encoded look-alike is encoded, not passed on to be decoded */
    m.subject = subjects[2];
    assert_non_null(strstr(header(p, build(p, &m), "Subject"), "=?UTF-8?B?"));
    assert_null(strstr(build(p, &m), "ZXZpbA==?= but"));

    m.from_name = "Pharmadesk \xC2\xB7 Layanan Pelanggan";
    m.to_name = "Siti \"Sri\" Rahmawati <boss@evil.test>";
    msg = build(p, &m);
    assert_lines(msg, 78);
    v = header(p, msg, "From");
    assert_string_equal(v + strlen(v) - strlen(" <helpdesk@pharmadesk.test>"), " <helpdesk@pharmadesk.test>");
    assert_string_equal(decode_words(p, apr_pstrmemdup(p, v, strlen(v) - strlen(" <helpdesk@pharmadesk.test>"))),
                        m.from_name);
    v = header(p, msg, "To");
    assert_null(strstr(v, "<boss@evil.test>"));
    assert_string_equal(v + strlen(v) - strlen("<rina@apotek.test>"), "<rina@apotek.test>");
    assert_string_equal(decode_words(p, apr_pstrmemdup(p, v, strlen(v) - strlen(" <rina@apotek.test>"))),
                        m.to_name);

    /* no name, or one of spaces: the address alone */
    m.to_name = "   ";
    assert_string_equal(header(p, build(p, &m), "To"), " rina@apotek.test");
    m.to_name = NULL;
    assert_string_equal(header(p, build(p, &m), "To"), " rina@apotek.test");
}

static void test_quoted_printable(void **state)
{
    apr_pool_t *p = *state;
    pd_mail_t m = sample();
    const char *msg, *long_line = "", *utf8_line = "";
    int i;

    for (i = 0; i < 30; i++) {
        long_line = apr_pstrcat(p, long_line, "word= ", NULL);
        utf8_line = apr_pstrcat(p, utf8_line, "\xC3\xA9\xE2\x82\xAC", NULL);
    }
    m.text = apr_pstrcat(p, "trailing space \nand tab\t\n.\n.dot first\nFrom here\nFromage\n", long_line,
                         "\n", utf8_line, "\n\nno final line end", NULL);
    m.html = apr_pstrcat(p, "<p>=_pd_ looks like a boundary</p>\r\n<p>caf\xC3\xA9</p>\r", NULL);
    msg = build(p, &m);
    assert_lines(msg, 76 + 2);
    assert_non_null(strstr(msg, "trailing space=20\r\nand tab=09\r\n=2E\r\n=2Edot first\r\n=46rom here\r\nFromage\r\n"));
    assert_string_equal(part(p, msg, "text/plain"), apr_pstrcat(p, m.text, "\n", NULL));
    assert_string_equal(part(p, msg, "text/html"), "<p>=_pd_ looks like a boundary</p>\n<p>caf\xC3\xA9</p>\n");
    /* the body's lines are at most 76 */
    assert_lines(strstr(msg, "quoted-printable\r\n\r\n"), 76);
    /* ill-formed UTF-8 and controls in a body are replaced */
    m.text = "a\xFF" "b\x01" "c";
    assert_string_equal(part(p, build(p, &m), "text/plain"), "a\xEF\xBF\xBD" "b c\n");
}

static void test_injection(void **state)
{
    apr_pool_t *p = *state;
    pd_mail_t m = sample();
    const char *msg, *line;
    static const char *const bad_addresses[] = {
        "a@b.test\r\nBcc: x@y.test", "a@b.test>", "<a@b.test>", "a b@c.test", "a@b.test,c@d.test",
        "a", "@b.test", "a@", "a@-b.test", "a@b-.test", "a@b..test", ".a@b.test", "a.@b.test",
        "a..b@c.test", "\"a\"@b.test", "a@b_c.test", "r\xC3\xADna@b.test", "a@[127.0.0.1]", "",
    };
    static const char *const bad_ids[] = {
        "<a@b>\r\nBcc: x@y", "a@b", "<a@b", "<ab>", "<a b@c>", "<@b>", "<a@>", "<a@b>x", "",
    };
    size_t i;

    for (i = 0; i < sizeof(bad_addresses) / sizeof(bad_addresses[0]); i++) {
        m = sample();
        m.to = bad_addresses[i];
        assert_int_equal(pd_mail_build(p, &m, &msg), APR_EINVAL);
        assert_null(msg);
        m = sample();
        m.from = bad_addresses[i];
        assert_int_equal(pd_mail_build(p, &m, &msg), APR_EINVAL);
        assert_false(pd_mail_addr_valid(bad_addresses[i]));
    }
    for (i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
        m = sample();
        m.message_id = bad_ids[i];
        assert_int_equal(pd_mail_build(p, &m, &msg), APR_EINVAL);
        m = sample();
        m.thread_id = bad_ids[i];
        assert_int_equal(pd_mail_build(p, &m, &msg), APR_EINVAL);
    }
    m = sample();
    m.message_id = NULL;
    assert_int_equal(pd_mail_build(p, &m, &msg), APR_EINVAL);
    m = sample();
    m.text = NULL;
    assert_int_equal(pd_mail_build(p, &m, &msg), APR_EINVAL);
    assert_true(pd_mail_addr_valid("first.last+tag@sub.example-mail.test"));
    assert_true(pd_mail_addr_valid("root@localhost"));

    /* line breaks in a name or the subject never start a header */
    m = sample();
    m.subject = "Hi\r\nBcc: victim@evil.test\r\n\r\n<b>body</b>";
    m.to_name = "Rina\r\nCc: victim@evil.test";
    m.from_name = "Desk\nX-Injected: yes";
    msg = build(p, &m);
    for (line = msg; line; line = strstr(line, "\r\n") ? strstr(line, "\r\n") + 2 : NULL) {
        assert_true(strncasecmp(line, "Bcc:", 4) != 0);
        assert_true(strncasecmp(line, "Cc:", 3) != 0);
        assert_true(strncasecmp(line, "X-Injected:", 11) != 0);
        if (strncmp(line, "\r\n", 2) == 0) {
            break;                          /* the end of the headers */
        }
    }
    assert_string_equal(decode_words(p, header(p, msg, "Subject")),
                        "Hi Bcc: victim@evil.test <b>body</b>");
    assert_lines(msg, 78);
}

static void test_ids(void **state)
{
    apr_pool_t *p = *state;
    assert_string_equal(pd_mail_thread_id(p, "desk@pharmadesk.test", 42), "<ticket-42@pharmadesk.test>");
    assert_string_equal(pd_mail_message_id(p, "desk@pharmadesk.test", "n17.r3"), "<pd-n17.r3@pharmadesk.test>");
    assert_null(pd_mail_message_id(p, "desk@pharmadesk.test", "a b"));
    assert_null(pd_mail_message_id(p, "desk@pharmadesk.test", "a>"));
    assert_null(pd_mail_message_id(p, "desk@pharmadesk.test", ""));
    assert_null(pd_mail_message_id(p, "desk@pharmadesk.test", "a..b"));
    assert_null(pd_mail_message_id(p, "not an address", "a"));
    assert_null(pd_mail_thread_id(p, NULL, 1));
    assert_true(pd_mail_id_valid(pd_mail_thread_id(p, "desk@pharmadesk.test", 42)));
    assert_true(pd_mail_id_valid(pd_mail_message_id(p, "desk@pharmadesk.test", "n17_r3-x")));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_expected_message, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encoded_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quoted_printable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_injection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
