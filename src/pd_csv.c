#include <string.h>
#include <stdio.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include "pd_csv.h"

void pd_csv_init(pd_csv_t *c, apr_pool_t *p, apr_size_t cap)
{
    c->pool = p;
    c->cap = cap < 256 ? 256 : cap;
    c->buf = apr_palloc(p, c->cap);
    c->len = 0;
    c->cells = 0;
}

/* Room for n more bytes: the buffer doubles, so a long row costs a few
 * allocations and the buffer's size follows the longest row, not the
 * export. */
static void reserve(pd_csv_t *c, apr_size_t n)
{
    char *bigger;

    if (c->len + n <= c->cap) {
        return;
    }
    while (c->len + n > c->cap) {
        c->cap *= 2;
    }
    bigger = apr_palloc(c->pool, c->cap);
    memcpy(bigger, c->buf, c->len);
    c->buf = bigger;
}

static void put(pd_csv_t *c, const char *s, apr_size_t n)
{
    reserve(c, n);
    memcpy(c->buf + c->len, s, n);
    c->len += n;
}

void pd_csv_bom(pd_csv_t *c)
{
    put(c, "\xEF\xBB\xBF", 3);
}

static void separate(pd_csv_t *c)
{
    if (c->cells++ > 0) {
        put(c, ",", 1);
    }
}

void pd_csv_text(pd_csv_t *c, const char *s)
{
    apr_size_t n, i;
    int formula, quote;

    separate(c);
    if (!s || !*s) {
        return;
    }
    n = strlen(s);
    formula = strchr("=+-@\t\r", s[0]) != NULL;
    quote = formula || s[0] == ' ' || s[n - 1] == ' ' || strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        put(c, s, n);
        return;
    }
    reserve(c, n * 2 + 3);
    c->buf[c->len++] = '"';
    if (formula) {
        c->buf[c->len++] = '\'';
    }
    for (i = 0; i < n; i++) {
        if (s[i] == '"') {
            c->buf[c->len++] = '"';
        }
        c->buf[c->len++] = s[i];
    }
    c->buf[c->len++] = '"';
}

/* [-]digits[.digits] */
static int numeric(const char *s)
{
    const char *p = s;
    int digits = 0;

    if (*p == '-') {
        p++;
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        digits++;
    }
    if (digits && *p == '.') {
        for (p++, digits = 0; *p >= '0' && *p <= '9'; p++) {
            digits++;
        }
    }
    return digits > 0 && *p == '\0';
}

void pd_csv_number(pd_csv_t *c, const char *s)
{
    if (!s || !numeric(s)) {
        pd_csv_text(c, s);
        return;
    }
    separate(c);
    put(c, s, strlen(s));
}

void pd_csv_end_row(pd_csv_t *c)
{
    put(c, "\r\n", 2);
    c->cells = 0;
}

const char *pd_csv_take(pd_csv_t *c, apr_size_t *len)
{
    *len = c->len;
    c->len = 0;
    return c->buf;
}

/* The index of path in paths, -1 when absent. */
static int path_index(const apr_array_header_t *paths, const char *path)
{
    int i;

    for (i = 0; i < paths->nelts; i++) {
        const char *other = APR_ARRAY_IDX(paths, i, const char *);
        if (other && strcmp(other, path) == 0) {
            return i;
        }
    }
    return -1;
}

/* Every member path of an object, appended to paths unless there already
 * (seen: path -> 1); the members of an object that an earlier object had
 * as a plain value (null) go where that value's column is. */
static void collect_paths(apr_pool_t *p, const json_t *obj, const char *prefix,
                          apr_array_header_t *paths, apr_table_t *seen)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)obj, key, v) {
        const char *path = prefix ? apr_pstrcat(p, prefix, ".", key, NULL) : key;
        if (json_is_object(v)) {
            int at = apr_table_get(seen, path) ? path_index(paths, path) : -1;
            int before = paths->nelts, i;
            collect_paths(p, v, path, paths, seen);
            /* move the new columns to the plain value's place */
            for (i = 0; at >= 0 && i < paths->nelts - before; i++) {
                const char *moved = APR_ARRAY_IDX(paths, before + i, const char *);
                memmove(&APR_ARRAY_IDX(paths, at + 2 + i, const char *),
                        &APR_ARRAY_IDX(paths, at + 1 + i, const char *),
                        sizeof(const char *) * (apr_size_t)(before + i - at - 1));
                APR_ARRAY_IDX(paths, at + 1 + i, const char *) = moved;
            }
        }
        else if (!json_is_array(v) && !apr_table_get(seen, path)) {
            apr_table_setn(seen, path, "1");
            APR_ARRAY_PUSH(paths, const char *) = path;
        }
    }
}

/* The value at a dotted path, NULL when absent. */
static const json_t *at_path(apr_pool_t *p, const json_t *obj, const char *path)
{
    char *copy = apr_pstrdup(p, path), *part, *state = NULL;
    const json_t *v = obj;

    for (part = apr_strtok(copy, ".", &state); part && v; part = apr_strtok(NULL, ".", &state)) {
        v = json_is_object(v) ? json_object_get(v, part) : NULL;
    }
    return v;
}

static void json_cell(pd_csv_t *c, const json_t *v)
{
    char num[64];

    if (json_is_string(v)) {
        pd_csv_text(c, json_string_value(v));
    }
    else if (json_is_integer(v)) {
        snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        pd_csv_number(c, num);
    }
    else if (json_is_real(v)) {
        snprintf(num, sizeof(num), "%.15g", json_real_value(v));
        pd_csv_number(c, num);
    }
    else if (json_is_boolean(v)) {
        pd_csv_text(c, json_is_true(v) ? "true" : "false");
    }
    else {
        pd_csv_text(c, NULL);
    }
}

void pd_csv_json_table(pd_csv_t *c, const json_t *items)
{
    apr_pool_t *p = c->pool;
    apr_array_header_t *paths = apr_array_make(p, 32, sizeof(const char *));
    apr_table_t *seen = apr_table_make(p, 32);
    size_t i;
    int k;

    for (i = 0; i < json_array_size(items); i++) {
        const json_t *item = json_array_get(items, i);
        if (json_is_object(item)) {
            collect_paths(p, item, NULL, paths, seen);
        }
    }
    /* a member null in one object and an object in another is its
     * members' columns */
    for (k = 0; k < paths->nelts; k++) {
        const char *path = APR_ARRAY_IDX(paths, k, const char *);
        apr_size_t n = strlen(path);
        int j, parent = 0;
        for (j = 0; j < paths->nelts && !parent; j++) {
            const char *other = APR_ARRAY_IDX(paths, j, const char *);
            parent = other && strncmp(other, path, n) == 0 && other[n] == '.';
        }
        if (parent) {
            APR_ARRAY_IDX(paths, k, const char *) = NULL;
        }
    }
    for (k = 0; k < paths->nelts; k++) {
        if (APR_ARRAY_IDX(paths, k, const char *)) {
            pd_csv_text(c, APR_ARRAY_IDX(paths, k, const char *));
        }
    }
    pd_csv_end_row(c);
    for (i = 0; i < json_array_size(items); i++) {
        const json_t *item = json_array_get(items, i);
        if (!json_is_object(item)) {
            continue;
        }
        for (k = 0; k < paths->nelts; k++) {
            if (APR_ARRAY_IDX(paths, k, const char *)) {
                json_cell(c, at_path(p, item, APR_ARRAY_IDX(paths, k, const char *)));
            }
        }
        pd_csv_end_row(c);
    }
}
