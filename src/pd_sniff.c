#include <string.h>
#include <apr_lib.h>
#include "pd_sniff.h"

static const char *const mimes[PD_SNIFF__COUNT] = {
    NULL, "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf",
    "application/zip", "text/plain; charset=utf-8", "text/csv; charset=utf-8",
};

static int starts(const unsigned char *h, apr_size_t len, const char *magic, apr_size_t n)
{
    return len >= n && memcmp(h, magic, n) == 0;
}

/* Valid UTF-8 and only the control characters text files use. A sequence
 * cut by the end of a partial window is allowed. */
static int is_text(const unsigned char *h, apr_size_t len, int whole)
{
    apr_size_t i = 0;

    if (starts(h, len, "\xEF\xBB\xBF", 3)) {
        i = 3;                 /* a UTF-8 byte order mark */
    }
    while (i < len) {
        unsigned char c = h[i];
        apr_size_t n, k;
        unsigned cp;
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') {
                return 0;
            }
            if (c == 0x7F) {
                return 0;
            }
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) { n = 1; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { n = 2; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { n = 3; cp = c & 0x07; }
        else return 0;
        if (i + n >= len) {
            /* the window ends inside this sequence */
            if (whole) {
                return 0;
            }
            for (k = 1; i + k < len; k++) {
                if ((h[i + k] & 0xC0) != 0x80) {
                    return 0;
                }
            }
            return 1;
        }
        for (k = 1; k <= n; k++) {
            if ((h[i + k] & 0xC0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (h[i + k] & 0x3F);
        }
        /* overlong forms, surrogates, beyond U+10FFFF */
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF
            || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return 0;
        }
        i += n + 1;
    }
    return 1;
}

/* Markup a browser would render: the WHATWG sniffing signatures, looked for
 * after leading white space, case-insensitively. */
static int looks_like_markup(const unsigned char *h, apr_size_t len)
{
    static const char *const tags[] = {
        "<!doctype html", "<html", "<head", "<body", "<script", "<iframe", "<h1", "<div",
        "<font", "<table", "<a ", "<a>", "<style", "<title", "<b>", "<b ", "<br", "<p>", "<p ",
        "<!--", "<?xml", "<svg", "<object", "<embed", "<img", "<meta", "<link", "<form",
    };
    apr_size_t i = 0, t;

    if (starts(h, len, "\xEF\xBB\xBF", 3)) {
        i = 3;
    }
    while (i < len && apr_isspace(h[i])) {
        i++;
    }
    for (t = 0; t < sizeof(tags) / sizeof(tags[0]); t++) {
        apr_size_t n = strlen(tags[t]);
        if (len - i >= n && strncasecmp((const char *)h + i, tags[t], n) == 0) {
            return 1;
        }
    }
    return 0;
}

static int ends_with_ci(const char *s, const char *suffix)
{
    apr_size_t a = s ? strlen(s) : 0, b = strlen(suffix);
    return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

pd_sniff_e pd_sniff(const unsigned char *h, apr_size_t len, int whole, const char *filename)
{
    if (starts(h, len, "\x89PNG\r\n\x1a\n", 8)) return PD_SNIFF_PNG;
    if (starts(h, len, "\xFF\xD8\xFF", 3)) return PD_SNIFF_JPEG;
    if (starts(h, len, "GIF87a", 6) || starts(h, len, "GIF89a", 6)) return PD_SNIFF_GIF;
    if (starts(h, len, "RIFF", 4) && len >= 12 && memcmp(h + 8, "WEBP", 4) == 0) {
        return PD_SNIFF_WEBP;
    }
    if (starts(h, len, "%PDF-", 5)) return PD_SNIFF_PDF;
    /* a local file header, or the end record of an empty archive */
    if (starts(h, len, "PK\x03\x04", 4) || starts(h, len, "PK\x05\x06", 4)) return PD_SNIFF_ZIP;
    if (len == 0 || looks_like_markup(h, len) || !is_text(h, len, whole)) {
        return PD_SNIFF_UNKNOWN;
    }
    return ends_with_ci(filename, ".csv") ? PD_SNIFF_CSV : PD_SNIFF_TEXT;
}

const char *pd_sniff_mime(pd_sniff_e type)
{
    return type > PD_SNIFF_UNKNOWN && type < PD_SNIFF__COUNT ? mimes[type] : NULL;
}

pd_sniff_e pd_sniff_from_mime(const char *mime)
{
    int t;
    for (t = PD_SNIFF_UNKNOWN + 1; mime && t < PD_SNIFF__COUNT; t++) {
        if (strcmp(mimes[t], mime) == 0) {
            return (pd_sniff_e)t;
        }
    }
    return PD_SNIFF_UNKNOWN;
}

int pd_sniff_inline(pd_sniff_e type)
{
    return type == PD_SNIFF_PNG || type == PD_SNIFF_JPEG || type == PD_SNIFF_GIF
        || type == PD_SNIFF_WEBP;
}
