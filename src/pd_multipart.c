#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "pd_multipart.h"
#include "pd_cursor.h"

#define FILENAME_MAX_BYTES 255
#define OUT_BUF 8192

typedef enum {
    S_PREAMBLE,                /* before the first delimiter */
    S_AFTER_DELIM,             /* "--" (the end) or padding and CRLF */
    S_HEADERS,                 /* one part's header block */
    S_BODY,                    /* the part's bytes */
    S_DONE                     /* after the close delimiter: the epilogue is ignored */
} state_e;

struct pd_mp_t {
    apr_pool_t *pool;
    const pd_mp_callbacks_t *cb;
    void *ctx;
    char *delim;               /* CRLF "--" boundary */
    apr_size_t dlen;
    apr_size_t *fail;          /* KMP: longest proper border of delim[0..i) */
    apr_size_t matched;        /* bytes of delim matched so far */
    state_e state;
    int dashes;                /* S_AFTER_DELIM: '-' seen, CR seen */
    int cr;
    char *headers;             /* S_HEADERS: the block so far */
    apr_size_t hlen;
    char out[OUT_BUF];         /* part data waiting for part_data */
    apr_size_t olen;
    const char *error;
};

/* RFC 2046 bchars, space allowed but not last */
static int bchar(char c)
{
    return apr_isalnum(c) || (c && strchr("'()+_,-./:=? ", c));
}

static int fail_with(pd_mp_t *mp, const char *why)
{
    mp->error = why;
    return 0;
}

/* key=value parameters after a media type or disposition: *s points at
 * ';' or the end. A value is a token or a quoted-string; NULL at the end,
 * "" with *why set for a malformed parameter. */
static const char *next_param(const char **s, apr_pool_t *p, const char **key, const char **why)
{
    const char *c = *s, *k;
    char *v;
    apr_size_t n = 0;

    while (*c == ' ' || *c == '\t') c++;
    if (!*c) {
        return NULL;
    }
    if (*c != ';') {
        *why = "a parameter list is malformed";
        return "";
    }
    c++;
    while (*c == ' ' || *c == '\t') c++;
    for (k = c; apr_isalnum(*c) || *c == '-' || *c == '_' || *c == '*'; c++) {
    }
    if (c == k || *c != '=') {
        *why = "a parameter has no value";
        return "";
    }
    *key = apr_pstrmemdup(p, k, c - k);
    c++;
    v = apr_palloc(p, strlen(c) + 1);
    if (*c == '"') {
        /* A backslash quotes only a quote: browsers send Windows paths
         * (C:\dir\name) with their backslashes as they are. */
        for (c++; *c && *c != '"'; c++) {
            if (*c == '\\' && c[1] == '"') {
                c++;
            }
            v[n++] = *c;
        }
        if (*c != '"') {
            *why = "a quoted parameter is not closed";
            return "";
        }
        c++;
    }
    else {
        for (; *c && *c != ';' && *c != ' ' && *c != '\t'; c++) {
            v[n++] = *c;
        }
    }
    v[n] = '\0';
    *s = c;
    return v;
}

apr_status_t pd_mp_boundary(const char *content_type, apr_pool_t *p, const char **boundary,
                            const char **why)
{
    static const char type[] = "multipart/form-data";
    const char *c = content_type, *key, *value;
    apr_size_t n, i;

    *boundary = NULL;
    *why = NULL;
    if (!c || strncasecmp(c, type, sizeof(type) - 1) != 0) {
        *why = "the body must be multipart/form-data";
        return APR_EINVAL;
    }
    c += sizeof(type) - 1;
    while ((value = next_param(&c, p, &key, why)) != NULL) {
        if (*why) {
            return APR_EINVAL;
        }
        if (strcasecmp(key, "boundary") != 0) {
            continue;
        }
        if (*boundary) {
            *why = "the multipart boundary is given twice";
            return APR_EINVAL;
        }
        n = strlen(value);
        if (n < 1 || n > PD_MP_BOUNDARY_MAX || value[n - 1] == ' ') {
            *why = "the multipart boundary must be 1 to 70 characters";
            return APR_EINVAL;
        }
        for (i = 0; i < n; i++) {
            if (!bchar(value[i])) {
                *why = "the multipart boundary has a character RFC 2046 does not allow";
                return APR_EINVAL;
            }
        }
        *boundary = value;
    }
    if (!*boundary) {
        *why = "the multipart body has no boundary";
        return APR_EINVAL;
    }
    return APR_SUCCESS;
}

apr_status_t pd_mp_create(pd_mp_t **out, apr_pool_t *p, const char *boundary,
                          const pd_mp_callbacks_t *cb, void *ctx)
{
    pd_mp_t *mp = apr_pcalloc(p, sizeof(*mp));
    apr_size_t i, k = 0;

    mp->pool = p;
    mp->cb = cb;
    mp->ctx = ctx;
    mp->delim = apr_pstrcat(p, "\r\n--", boundary, NULL);
    mp->dlen = strlen(mp->delim);
    mp->fail = apr_pcalloc(p, sizeof(apr_size_t) * (mp->dlen + 1));
    for (i = 1; i < mp->dlen; i++) {
        while (k > 0 && mp->delim[i] != mp->delim[k]) {
            k = mp->fail[k];
        }
        if (mp->delim[i] == mp->delim[k]) {
            k++;
        }
        mp->fail[i + 1] = k;
    }
    mp->headers = apr_palloc(p, PD_MP_HEADERS_MAX + 1);
    /* the first delimiter may open the body, without the CRLF before it */
    mp->matched = 2;
    mp->state = S_PREAMBLE;
    *out = mp;
    return APR_SUCCESS;
}

const char *pd_mp_error(const pd_mp_t *mp)
{
    return mp->error;
}

static apr_status_t flush(pd_mp_t *mp)
{
    apr_status_t rv = APR_SUCCESS;
    if (mp->olen && mp->state == S_BODY) {
        rv = mp->cb->part_data(mp->ctx, mp->out, mp->olen);
    }
    mp->olen = 0;
    return rv;
}

static apr_status_t emit(pd_mp_t *mp, const char *data, apr_size_t len)
{
    apr_status_t rv;
    if (mp->state != S_BODY) {
        return APR_SUCCESS;            /* the preamble is discarded */
    }
    while (len) {
        apr_size_t n = OUT_BUF - mp->olen < len ? OUT_BUF - mp->olen : len;
        memcpy(mp->out + mp->olen, data, n);
        mp->olen += n;
        data += n;
        len -= n;
        if (mp->olen == OUT_BUF && (rv = flush(mp)) != APR_SUCCESS) {
            return rv;
        }
    }
    return APR_SUCCESS;
}

/* RFC 5987 ext-value: UTF-8''percent-encoded */
static const char *ext_value(apr_pool_t *p, const char *v)
{
    char *out, *o;
    if (strncasecmp(v, "UTF-8''", 7) != 0) {
        return NULL;
    }
    v += 7;
    out = o = apr_palloc(p, strlen(v) + 1);
    for (; *v; v++) {
        if (*v == '%' && apr_isxdigit(v[1]) && apr_isxdigit(v[2])) {
            char hex[3] = { v[1], v[2], 0 };
            *o = (char)strtol(hex, NULL, 16);
            if (*o == '\0') {
                return NULL;       /* a NUL in a name */
            }
            o++;
            v += 2;
        }
        else if (*v == '%') {
            return NULL;
        }
        else {
            *o++ = *v;
        }
    }
    *o = '\0';
    return out;
}

/* The last path segment: browsers once sent C:\fakepath\name. */
static const char *base_name(const char *name)
{
    const char *slash = strrchr(name, '/'), *back = strrchr(name, '\\');
    const char *cut = slash > back ? slash : back;
    return cut ? cut + 1 : name;
}

static int parse_disposition(pd_mp_t *mp, const char *value, pd_mp_part_t *part)
{
    const char *c = value, *key, *v, *why = NULL, *ext = NULL, *plain = NULL;

    if (strncasecmp(c, "form-data", 9) != 0) {
        return fail_with(mp, "a part's Content-Disposition is not form-data");
    }
    c += 9;
    while ((v = next_param(&c, mp->pool, &key, &why)) != NULL) {
        if (why) {
            return fail_with(mp, why);
        }
        if (strcasecmp(key, "name") == 0) {
            if (part->name) {
                return fail_with(mp, "a part names its field twice");
            }
            part->name = v;
        }
        else if (strcasecmp(key, "filename") == 0) {
            plain = v;
        }
        else if (strcasecmp(key, "filename*") == 0) {
            if (!(ext = ext_value(mp->pool, v))) {
                return fail_with(mp, "a part's filename* is malformed");
            }
        }
    }
    if (!part->name || !*part->name || !pd_utf8_valid(part->name, 100)) {
        return fail_with(mp, "a part has no usable field name");
    }
    if (ext || plain) {
        const char *f = base_name(ext ? ext : plain);
        if (strlen(f) > FILENAME_MAX_BYTES || !pd_utf8_valid(f, FILENAME_MAX_BYTES)) {
            return fail_with(mp, "a file name is too long or not UTF-8");
        }
        part->filename = f;
    }
    return 1;
}

/* One part's header block, CRLF-separated, ending in an empty line. */
static apr_status_t begin_part(pd_mp_t *mp)
{
    pd_mp_part_t part = { NULL, NULL, NULL };
    char *line, *next;
    int disposition = 0;

    mp->headers[mp->hlen] = '\0';
    if (memchr(mp->headers, '\0', mp->hlen)) {
        mp->error = "a part's headers hold a NUL byte";
        return APR_EINVAL;
    }
    for (line = mp->headers; *line; line = next) {
        char *colon, *value, *end = strstr(line, "\r\n");
        next = end + 2;
        *end = '\0';
        if (!*line) {
            break;
        }
        if (*line == ' ' || *line == '\t' || !(colon = strchr(line, ':'))) {
            mp->error = "a part's header line is malformed";
            return APR_EINVAL;
        }
        *colon = '\0';
        for (value = colon + 1; *value == ' ' || *value == '\t'; value++) {
        }
        if (strcasecmp(line, "Content-Disposition") == 0) {
            if (disposition++ || !parse_disposition(mp, value, &part)) {
                mp->error = mp->error ? mp->error : "a part has two Content-Disposition headers";
                return APR_EINVAL;
            }
        }
        else if (strcasecmp(line, "Content-Type") == 0) {
            part.content_type = value;
        }
    }
    if (!disposition) {
        mp->error = "a part has no Content-Disposition";
        return APR_EINVAL;
    }
    return mp->cb->part_begin(mp->ctx, &part);
}

/* A whole delimiter was matched. */
static apr_status_t delimiter(pd_mp_t *mp)
{
    apr_status_t rv;
    mp->matched = 0;
    if (mp->state == S_BODY) {
        if ((rv = flush(mp)) != APR_SUCCESS || (rv = mp->cb->part_end(mp->ctx)) != APR_SUCCESS) {
            return rv;
        }
    }
    mp->state = S_AFTER_DELIM;
    mp->dashes = mp->cr = 0;
    return APR_SUCCESS;
}

static apr_status_t after_delim(pd_mp_t *mp, char c)
{
    if (mp->dashes == 1) {
        if (c != '-') {
            mp->error = "a boundary is followed by a single '-'";
            return APR_EINVAL;
        }
        mp->state = S_DONE;
        return APR_SUCCESS;
    }
    if (mp->cr) {
        if (c != '\n') {
            mp->error = "a boundary line does not end in CRLF";
            return APR_EINVAL;
        }
        mp->state = S_HEADERS;
        mp->hlen = 0;
        return APR_SUCCESS;
    }
    if (c == '-') {
        mp->dashes = 1;
    }
    else if (c == '\r') {
        mp->cr = 1;
    }
    else if (c != ' ' && c != '\t') {   /* transport padding is allowed */
        mp->error = "a boundary is followed by something other than a line end";
        return APR_EINVAL;
    }
    return APR_SUCCESS;
}

static apr_status_t header_byte(pd_mp_t *mp, char c)
{
    if (mp->hlen == PD_MP_HEADERS_MAX) {
        mp->error = "a part's headers are too large";
        return APR_EINVAL;
    }
    mp->headers[mp->hlen++] = c;
    /* the block ends with an empty line (it may be empty itself) */
    if ((mp->hlen == 2 && memcmp(mp->headers, "\r\n", 2) == 0)
        || (mp->hlen >= 4 && memcmp(mp->headers + mp->hlen - 4, "\r\n\r\n", 4) == 0)) {
        apr_status_t rv = begin_part(mp);
        if (rv != APR_SUCCESS) {
            return rv;
        }
        mp->state = S_BODY;
        mp->matched = 0;
        mp->olen = 0;
    }
    return APR_SUCCESS;
}

/* The preamble or a part's bytes: look for the delimiter (KMP), handing
 * on whatever can no longer be part of one. */
static apr_status_t scan_byte(pd_mp_t *mp, char c)
{
    apr_status_t rv;

    while (mp->matched > 0 && mp->delim[mp->matched] != c) {
        apr_size_t border = mp->fail[mp->matched];
        if ((rv = emit(mp, mp->delim, mp->matched - border)) != APR_SUCCESS) {
            return rv;
        }
        mp->matched = border;
    }
    if (mp->delim[mp->matched] == c) {
        if (++mp->matched == mp->dlen) {
            return delimiter(mp);
        }
        return APR_SUCCESS;
    }
    return emit(mp, &c, 1);
}

apr_status_t pd_mp_feed(pd_mp_t *mp, const char *data, apr_size_t len)
{
    apr_status_t rv = APR_SUCCESS;
    apr_size_t i;

    if (mp->error) {
        return APR_EINVAL;
    }
    for (i = 0; i < len && rv == APR_SUCCESS; i++) {
        switch (mp->state) {
        case S_PREAMBLE:
        case S_BODY:
            rv = scan_byte(mp, data[i]);
            break;
        case S_AFTER_DELIM:
            rv = after_delim(mp, data[i]);
            break;
        case S_HEADERS:
            rv = header_byte(mp, data[i]);
            break;
        case S_DONE:
            return APR_SUCCESS;
        }
    }
    if (rv == APR_SUCCESS && mp->state == S_BODY) {
        rv = flush(mp);
    }
    return rv;
}

apr_status_t pd_mp_finish(pd_mp_t *mp)
{
    if (mp->error) {
        return APR_EINVAL;
    }
    if (mp->state != S_DONE) {
        mp->error = mp->state == S_PREAMBLE ? "the multipart body has no boundary line"
                                             : "the multipart body ends before its closing boundary";
        return APR_EINVAL;
    }
    return APR_SUCCESS;
}
