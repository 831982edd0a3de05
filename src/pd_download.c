#include <string.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "pd_download.h"

/* U+202A..U+202E and U+2066..U+2069, encoded E2 80 AA..AE and E2 81 A6..A9 */
static int bidi_control(const unsigned char *u)
{
    return u[0] == 0xE2 && ((u[1] == 0x80 && u[2] >= 0xAA && u[2] <= 0xAE)
                            || (u[1] == 0x81 && u[2] >= 0xA6 && u[2] <= 0xA9));
}

const char *pd_filename_clean(apr_pool_t *p, const char *name)
{
    apr_size_t len;
    char *out, *o;
    const unsigned char *u;

    while (*name == ' ' || *name == '.') {
        name++;
    }
    len = strlen(name);
    while (len && (name[len - 1] == ' ' || name[len - 1] == '.')) {
        len--;
    }
    if (!len) {
        return NULL;
    }
    out = o = apr_palloc(p, len + 1);
    for (u = (const unsigned char *)name; u < (const unsigned char *)name + len;) {
        if (u + 2 < (const unsigned char *)name + len && bidi_control(u)) {
            *o++ = '_';
            u += 3;
        }
        else {
            *o++ = (char)*u++;
        }
    }
    *o = '\0';
    return out;
}

static int attr_char(unsigned char c)
{
    return apr_isalnum(c) || (c && strchr("!#$&+-.^_`|~", c));
}

const char *pd_content_disposition(apr_pool_t *p, const char *type, const char *name)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *u;
    apr_size_t len = strlen(name);
    char *ascii = apr_palloc(p, len + 1), *a = ascii;
    char *ext = apr_palloc(p, 3 * len + 1), *e = ext;
    int plain = 1;

    for (u = (const unsigned char *)name; *u; u++) {
        if (*u >= 0x80) {
            plain = 0;
            /* one '_' per character: continuation bytes add nothing */
            if ((*u & 0xC0) != 0x80) {
                *a++ = '_';
            }
        }
        else if (*u < 0x20 || *u == 0x7F || *u == '"' || *u == '\\') {
            plain = 0;
            *a++ = '_';
        }
        else {
            *a++ = (char)*u;
        }
        if (attr_char(*u)) {
            *e++ = (char)*u;
        }
        else {
            *e++ = '%';
            *e++ = hex[*u >> 4];
            *e++ = hex[*u & 15];
        }
    }
    *a = '\0';
    *e = '\0';
    if (plain) {
        return apr_psprintf(p, "%s; filename=\"%s\"", type, ascii);
    }
    return apr_psprintf(p, "%s; filename=\"%s\"; filename*=UTF-8''%s", type, ascii, ext);
}

/* Digits only, no sign, no overflow. */
static int parse_offset(const char *s, apr_size_t n, apr_off_t *out)
{
    apr_off_t v = 0;
    apr_size_t i;

    if (n == 0 || n > 18) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (!apr_isdigit(s[i])) {
            return 0;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

pd_range_e pd_range_parse(const char *header, apr_off_t size, apr_off_t *first,
                          apr_off_t *last)
{
    const char *spec, *dash;
    apr_off_t a, b;

    if (!header || strncasecmp(header, "bytes=", 6) != 0) {
        return PD_RANGE_NONE;
    }
    spec = header + 6;
    while (*spec == ' ') {
        spec++;
    }
    if (strchr(spec, ',') || !(dash = strchr(spec, '-'))) {
        return PD_RANGE_NONE;
    }
    if (dash == spec) {                                  /* -suffix */
        if (!parse_offset(dash + 1, strlen(dash + 1), &b)) {
            return PD_RANGE_NONE;
        }
        if (b == 0 || size == 0) {
            return PD_RANGE_UNSATISFIABLE;
        }
        *first = b >= size ? 0 : size - b;
        *last = size - 1;
        return PD_RANGE_OK;
    }
    if (!parse_offset(spec, (apr_size_t)(dash - spec), &a)) {
        return PD_RANGE_NONE;
    }
    if (dash[1] == '\0') {                               /* first- */
        b = size - 1;
    }
    else if (!parse_offset(dash + 1, strlen(dash + 1), &b) || b < a) {
        return PD_RANGE_NONE;
    }
    if (a >= size) {
        return PD_RANGE_UNSATISFIABLE;
    }
    *first = a;
    *last = b >= size ? size - 1 : b;
    return PD_RANGE_OK;
}
