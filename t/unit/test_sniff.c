/* pd_sniff: file types from their bytes, never their names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "pd_sniff.h"
#include "pd_unit.h"

static pd_sniff_e sniff(const char *bytes, apr_size_t len, const char *name)
{
    return pd_sniff((const unsigned char *)bytes, len, 1, name);
}
#define S(lit, name) sniff(lit, sizeof(lit) - 1, name)

static void test_magic(void **state)
{
    (void)state;
    assert_int_equal(S("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "x.png"), PD_SNIFF_PNG);
    assert_int_equal(S("\xFF\xD8\xFF\xE0\0\x10JFIF", "foto.jpg"), PD_SNIFF_JPEG);
    assert_int_equal(S("GIF89a\x01\0\x01\0", "a.gif"), PD_SNIFF_GIF);
    assert_int_equal(S("GIF87a\x01\0\x01\0", "a.gif"), PD_SNIFF_GIF);
    assert_int_equal(S("RIFF\x24\0\0\0WEBPVP8 ", "a.webp"), PD_SNIFF_WEBP);
    assert_int_equal(S("RIFF\x24\0\0\0WAVEfmt ", "a.webp"), PD_SNIFF_UNKNOWN);
    assert_int_equal(S("%PDF-1.7\n%\xE2\xE3\xCF\xD3", "laporan.pdf"), PD_SNIFF_PDF);
    assert_int_equal(S("PK\x03\x04\x14\0\0\0", "log.zip"), PD_SNIFF_ZIP);
    assert_int_equal(S("PK\x05\x06\0\0\0\0", "kosong.zip"), PD_SNIFF_ZIP);
    /* the name never decides: a PNG named .txt is a PNG */
    assert_int_equal(S("\x89PNG\r\n\x1a\n", "catatan.txt"), PD_SNIFF_PNG);
}

static void test_text(void **state)
{
    (void)state;
    assert_int_equal(S("2026-11-22 10:00:01 ERROR printer offline\r\n", "kasir.log"), PD_SNIFF_TEXT);
    assert_int_equal(S("kode,nama\nAPT-1,Apotek Sehat\n", "data.csv"), PD_SNIFF_CSV);
    assert_int_equal(S("kode,nama\n", "DATA.CSV"), PD_SNIFF_CSV);
    assert_int_equal(S("\xEF\xBB\xBFObat \xC3\xA9\tstok\n", NULL), PD_SNIFF_TEXT);
    assert_int_equal(S("binary\x01\x02", "x.txt"), PD_SNIFF_UNKNOWN);
    assert_int_equal(S("nul\0byte", "x.txt"), PD_SNIFF_UNKNOWN);
    assert_int_equal(S("\xC0\xAF overlong", "x.txt"), PD_SNIFF_UNKNOWN);
    assert_int_equal(S("\xED\xA0\x80 surrogate", "x.txt"), PD_SNIFF_UNKNOWN);
    assert_int_equal(S("cut \xE2\x82", "x.txt"), PD_SNIFF_UNKNOWN);
    /* a window of a longer file may end inside a character */
    assert_int_equal(pd_sniff((const unsigned char *)"cut \xE2\x82", 6, 0, "x.txt"), PD_SNIFF_TEXT);
    assert_int_equal(pd_sniff((const unsigned char *)"cut \xE2\x41", 6, 0, "x.txt"), PD_SNIFF_UNKNOWN);
    assert_int_equal(sniff("", 0, "empty.txt"), PD_SNIFF_UNKNOWN);
}

static void test_markup(void **state)
{
    (void)state;
    /* disguised HTML: a .png name, markup bytes */
    assert_int_equal(S("<html><script>alert(1)</script>", "struk.png"), PD_SNIFF_UNKNOWN);
    assert_int_equal(S("  \n<!DOCTYPE html>", "a.txt"), PD_SNIFF_UNKNOWN);
    assert_int_equal(S("<SCRIPT>x</SCRIPT>", "a.log"), PD_SNIFF_UNKNOWN);
    assert_int_equal(S("<?xml version=\"1.0\"?><svg>", "a.txt"), PD_SNIFF_UNKNOWN);
    assert_int_equal(S("<svg xmlns=\"http://www.w3.org/2000/svg\">", "a.svg"), PD_SNIFF_UNKNOWN);
    assert_int_equal(S("\xEF\xBB\xBF<body onload=x>", "a.csv"), PD_SNIFF_UNKNOWN);
    assert_int_equal(S("<!-- komentar -->", "a.txt"), PD_SNIFF_UNKNOWN);
    /* a log line that merely mentions a tag is text */
    assert_int_equal(S("ERROR parsing <html> in response\n", "a.log"), PD_SNIFF_TEXT);
}

static void test_mime(void **state)
{
    (void)state;
    assert_string_equal(pd_sniff_mime(PD_SNIFF_PNG), "image/png");
    assert_string_equal(pd_sniff_mime(PD_SNIFF_TEXT), "text/plain; charset=utf-8");
    assert_null(pd_sniff_mime(PD_SNIFF_UNKNOWN));
    assert_null(pd_sniff_mime(PD_SNIFF__COUNT));
    assert_true(pd_sniff_inline(PD_SNIFF_WEBP));
    assert_false(pd_sniff_inline(PD_SNIFF_PDF));
    assert_false(pd_sniff_inline(PD_SNIFF_TEXT));
    assert_false(pd_sniff_inline(PD_SNIFF_UNKNOWN));
    /* a stored type is recognised only exactly as pd_sniff_mime wrote it */
    assert_int_equal(pd_sniff_from_mime("image/png"), PD_SNIFF_PNG);
    assert_int_equal(pd_sniff_from_mime("text/csv; charset=utf-8"), PD_SNIFF_CSV);
    assert_int_equal(pd_sniff_from_mime("text/html"), PD_SNIFF_UNKNOWN);
    assert_int_equal(pd_sniff_from_mime("image/svg+xml"), PD_SNIFF_UNKNOWN);
    assert_int_equal(pd_sniff_from_mime("IMAGE/PNG"), PD_SNIFF_UNKNOWN);
    assert_int_equal(pd_sniff_from_mime(NULL), PD_SNIFF_UNKNOWN);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_magic),
        T(test_text),
        T(test_markup),
        T(test_mime),
    };
#undef T
    return cmocka_run_group_tests_name("pd_sniff", tests, group_setup, group_teardown);
}
