#include <string.h>
#include <apr_strings.h>
#include "pd_utf8.h"

apr_size_t pd_utf8_char(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    apr_size_t len, i;
    unsigned cp, least;

    if (u[0] == 0) {
        return 0;
    }
    if (u[0] < 0x80) {
        return 1;
    }
    if ((u[0] & 0xE0) == 0xC0) {
        len = 2, cp = u[0] & 0x1F, least = 0x80;
    }
    else if ((u[0] & 0xF0) == 0xE0) {
        len = 3, cp = u[0] & 0x0F, least = 0x800;
    }
    else if ((u[0] & 0xF8) == 0xF0) {
        len = 4, cp = u[0] & 0x07, least = 0x10000;
    }
    else {
        return 0;
    }
    for (i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80) {   /* also stops at the NUL */
            return 0;
        }
        cp = (cp << 6) | (u[i] & 0x3F);
    }
    if (cp < least || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return len;
}

/* The code point of a well-formed character of len bytes. */
static unsigned code_point(const unsigned char *u, apr_size_t len)
{
    static const unsigned char lead_mask[] = { 0, 0x7F, 0x1F, 0x0F, 0x07 };
    unsigned cp = u[0] & lead_mask[len];
    apr_size_t i;
    for (i = 1; i < len; i++) {
        cp = (cp << 6) | (u[i] & 0x3F);
    }
    return cp;
}

const char *pd_utf8_clean(apr_pool_t *p, const char *s, int multiline)
{
    char *out, *o;

    if (!s) {
        return NULL;
    }
    /* each byte becomes at most three (U+FFFD) */
    out = o = apr_palloc(p, strlen(s) * 3 + 1);
    while (*s) {
        apr_size_t len = pd_utf8_char(s);
        unsigned cp;
        if (len == 0) {
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
            s++;
            continue;
        }
        cp = code_point((const unsigned char *)s, len);
        if (cp == '\r') {
            *o++ = multiline ? '\n' : ' ';
            s += s[1] == '\n' ? 2 : 1;
            continue;
        }
        if ((cp == '\n' || cp == '\t') && multiline) {
            *o++ = (char)cp;
        }
        else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0x2028 || cp == 0x2029) {
            *o++ = ' ';
        }
        else {
            memcpy(o, s, len);
            o += len;
        }
        s += len;
    }
    *o = '\0';
    return out;
}

const char *pd_utf8_excerpt(apr_pool_t *p, const char *s, apr_size_t max, int multiline)
{
    const char *clean = pd_utf8_clean(p, s, multiline), *c, *space = NULL;
    apr_size_t chars = 0, end;

    if (!clean) {
        return NULL;
    }
    for (c = clean; *c && chars < max; chars++) {
        c += pd_utf8_char(c);
        /* a word break in the last fifth of the excerpt ends it more kindly */
        if ((*c == ' ' || *c == '\n') && chars >= max - max / 5) {
            space = c;
        }
    }
    if (!*c) {
        return clean;
    }
    end = (apr_size_t)((space ? space : c) - clean);
    while (end > 0 && (clean[end - 1] == ' ' || clean[end - 1] == '\n' || clean[end - 1] == '\t')) {
        end--;
    }
    return apr_pstrcat(p, apr_pstrmemdup(p, clean, end), "\xE2\x80\xA6", NULL);
}

apr_size_t pd_utf8_fit(const char *s, apr_size_t len, apr_size_t max)
{
    if (len <= max) {
        return len;
    }
    while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80) {
        max--;
    }
    return max;
}
