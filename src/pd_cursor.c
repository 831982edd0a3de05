#include <string.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include <apr_base64.h>
#include "pd_cursor.h"
#include "pd_validate.h"

/* Layout before encoding: "1|sort|a|id|key"; the key comes last so that it
 * may contain any character but NUL. */
const char *pd_cursor_encode(apr_pool_t *p, const pd_cursor_t *c)
{
    const char *plain = apr_psprintf(p, "1|%s|%c|%" APR_INT64_T_FMT "|%s", c->sort,
                                     c->desc ? 'd' : 'a', c->id, c->key ? c->key : "");
    int len = (int)strlen(plain);
    char *enc = apr_palloc(p, apr_base64_encode_len(len));
    char *s;

    apr_base64_encode(enc, plain, len);
    /* base64url without padding: safe in a query string as it is */
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

/* Strict signed decimal: optional '-', 1..18 digits, nothing else. */
int pd_cursor_key_int_time(const char *key, apr_pool_t *p, apr_int64_t *n, const char **time)
{
    const char *bar = key ? strchr(key, '|') : NULL;

    if (!bar || !pd_cursor_key_timestamp(bar + 1)
        || !pd_cursor_key_int(apr_pstrndup(p, key, (apr_size_t)(bar - key)), n)
        || *n < -9 || *n > 9) {
        return 0;
    }
    *time = bar + 1;
    return 1;
}

int pd_cursor_key_int(const char *s, apr_int64_t *out)
{
    apr_int64_t v = 0;
    int neg = 0, n = 0;

    if (!s) {
        return 0;
    }
    if (*s == '-') {
        neg = 1;
        s++;
    }
    for (; *s; s++, n++) {
        if (!apr_isdigit(*s) || n >= 18) {
            return 0;
        }
        v = v * 10 + (*s - '0');
    }
    if (n == 0) {
        return 0;
    }
    *out = neg ? -v : v;
    return 1;
}

int pd_cursor_key_timestamp(const char *k)
{
    const char *c = pd_scan_date(k);

    /* PostgreSQL's ISO output: a space, seconds always, "+HH" or "+HH:MM" */
    if (!c || strlen(k) > 32 || *c != ' ' || !(c = pd_scan_time(c + 1, 1))) {
        return 0;
    }
    c = pd_scan_offset(c, 0, 15);    /* PostgreSQL prints offsets to +15:59 */
    return c && *c == '\0';
}

/* digits [. digits] [e [+-] digits], as float8out prints a finite,
 * non-negative value, and within 1e-37 .. 1e38 (or zero), so that reading
 * it back as a real can neither overflow nor underflow. Counted on the
 * digits rather than by strtod, whose decimal point follows the locale. */
int pd_cursor_key_rank(const char *k)
{
    const char *c = k, *digits;
    int lead = 0, nonzero = 0, exp = 0, neg = 0, n;

    if (!k || strlen(k) > 32) {
        return 0;
    }
    /* lead: the power of ten of the first significant digit */
    for (digits = c; apr_isdigit(*c); c++) {
        if (!nonzero && *c != '0') {
            nonzero = 1;
            lead = -1;
        }
        if (nonzero) {
            lead++;
        }
    }
    if (c == digits) {
        return 0;
    }
    if (*c == '.') {
        for (digits = ++c; apr_isdigit(*c); c++) {
            if (!nonzero && *c != '0') {
                nonzero = 1;
                lead = -(int)(c - digits) - 1;
            }
        }
        if (c == digits) {
            return 0;
        }
    }
    if (*c == 'e') {
        c++;
        if (*c == '+' || *c == '-') {
            neg = *c++ == '-';
        }
        for (n = 0; apr_isdigit(*c); c++, n++) {
            exp = exp * 10 + (*c - '0');
        }
        if (n == 0 || n > 2) {
            return 0;
        }
    }
    if (*c != '\0') {
        return 0;
    }
    lead += neg ? -exp : exp;
    return !nonzero || (lead >= -37 && lead <= 37);
}

int pd_utf8_valid(const char *s, apr_size_t max_bytes)
{
    const unsigned char *u = (const unsigned char *)s;
    apr_size_t n = 0;

    while (*u) {
        int extra;
        unsigned cp, least;
        if (++n > max_bytes) {
            return 0;
        }
        if (*u < 0x80) {
            if (*u < 0x20 || *u == 0x7f) {
                return 0;
            }
            u++;
            continue;
        }
        /* least: the smallest code point that needs this many bytes */
        if ((*u & 0xE0) == 0xC0) { extra = 1; cp = *u & 0x1F; least = 0x80; }
        else if ((*u & 0xF0) == 0xE0) { extra = 2; cp = *u & 0x0F; least = 0x800; }
        else if ((*u & 0xF8) == 0xF0) { extra = 3; cp = *u & 0x07; least = 0x10000; }
        else { return 0; }
        u++;
        while (extra--) {
            if ((*u & 0xC0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (*u & 0x3F);
            u++;
            if (++n > max_bytes) {
                return 0;
            }
        }
        /* overlongs, surrogates, values past U+10FFFF and C1 controls */
        if (cp < least || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF
            || (cp >= 0x80 && cp <= 0x9F)) {
            return 0;
        }
    }
    return 1;
}

apr_status_t pd_base64url_decode(char **out, apr_pool_t *p, const char *text, apr_size_t len)
{
    apr_size_t i;
    char *b64, *plain;
    int plen;

    if (len == 0) {
        return APR_EINVAL;
    }
    b64 = apr_palloc(p, len + 4);
    for (i = 0; i < len; i++) {
        char ch = text[i];
        if (ch == '-') {
            ch = '+';
        }
        else if (ch == '_') {
            ch = '/';
        }
        else if (!apr_isalnum(ch)) {
            return APR_EINVAL;
        }
        b64[i] = ch;
    }
    if (i % 4 == 1) {
        return APR_EINVAL;
    }
    while (i % 4) {
        b64[i++] = '=';
    }
    b64[i] = '\0';
    plain = apr_palloc(p, apr_base64_decode_len(b64) + 1);
    plen = apr_base64_decode(plain, b64);
    if (plen <= 0) {
        return APR_EINVAL;
    }
    plain[plen] = '\0';
    if (strlen(plain) != (apr_size_t)plen) {
        return APR_EINVAL;
    }
    *out = plain;
    return APR_SUCCESS;
}

apr_status_t pd_cursor_decode(pd_cursor_t *c, apr_pool_t *p, const char *text)
{
    apr_size_t len, i;
    char *plain, *parts[5], *s;
    int n;

    memset(c, 0, sizeof(*c));
    len = text ? strlen(text) : 0;
    if (len > PD_CURSOR_MAX_LEN || pd_base64url_decode(&plain, p, text, len) != APR_SUCCESS) {
        return APR_EINVAL;
    }
    /* split on the first four separators; the rest is the key */
    s = plain;
    for (n = 0; n < 4; n++) {
        char *bar = strchr(s, '|');
        if (!bar) {
            return APR_EINVAL;
        }
        *bar = '\0';
        parts[n] = s;
        s = bar + 1;
    }
    parts[4] = s;
    if (strcmp(parts[0], "1") != 0 || strlen(parts[1]) == 0 || strlen(parts[1]) > 32
        || (strcmp(parts[2], "a") != 0 && strcmp(parts[2], "d") != 0)
        || !pd_cursor_key_int(parts[3], &c->id) || c->id <= 0
        || !pd_utf8_valid(parts[4], PD_CURSOR_MAX_LEN)) {
        return APR_EINVAL;
    }
    for (i = 0; parts[1][i]; i++) {
        if (!apr_islower(parts[1][i]) && parts[1][i] != '_') {
            return APR_EINVAL;
        }
    }
    c->sort = parts[1];
    c->desc = parts[2][0] == 'd';
    c->key = parts[4];
    return APR_SUCCESS;
}
