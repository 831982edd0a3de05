#include <string.h>
#include <apr_strings.h>
#include "pd_json.h"

static apr_status_t json_cleanup(void *data)
{
    json_decref((json_t *)data);
    return APR_SUCCESS;
}

json_t *pd_json_bind(apr_pool_t *p, json_t *json)
{
    if (json) {
        apr_pool_cleanup_register(p, json, json_cleanup, apr_pool_cleanup_null);
    }
    return json;
}

/* jansson's own nesting limit is far deeper than any request of ours needs;
 * scanning first keeps hostile input from costing a deep parse. */
static int nesting_within(const char *buf, apr_size_t len, int max_depth)
{
    apr_size_t i;
    int depth = 0, in_string = 0;

    for (i = 0; i < len; i++) {
        char c = buf[i];
        if (in_string) {
            if (c == '\\') {
                i++;
            }
            else if (c == '"') {
                in_string = 0;
            }
            continue;
        }
        if (c == '"') {
            in_string = 1;
        }
        else if (c == '{' || c == '[') {
            if (++depth > max_depth) {
                return 0;
            }
        }
        else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return 1;
}

apr_status_t pd_json_parse_object(json_t **pjson, apr_pool_t *p,
                                  const char *buf, apr_size_t len,
                                  const char **why)
{
    json_error_t jerr;
    json_t *json;

    *pjson = NULL;
    if (!nesting_within(buf, len, PD_JSON_MAX_DEPTH)) {
        *why = "JSON nested too deeply";
        return APR_EINVAL;
    }
    json = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json) {
        *why = apr_psprintf(p, "invalid JSON at line %d, column %d: %s",
                            jerr.line, jerr.column, jerr.text);
        return APR_EINVAL;
    }
    pd_json_bind(p, json);
    if (!json_is_object(json)) {
        *why = "the request body must be a JSON object";
        return APR_EINVAL;
    }
    *pjson = json;
    return APR_SUCCESS;
}

apr_status_t pd_json_dump(const char **ptext, apr_pool_t *p, const json_t *json)
{
    size_t n;
    char *text;

    n = json_dumpb(json, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
    if (n == 0) {
        *ptext = NULL;
        return APR_EINVAL;
    }
    text = apr_palloc(p, n + 1);
    if (json_dumpb(json, text, n, JSON_COMPACT | JSON_ENCODE_ANY) != n) {
        *ptext = NULL;
        return APR_EINVAL;
    }
    text[n] = '\0';
    *ptext = text;
    return APR_SUCCESS;
}

const char *pd_json_quote(apr_pool_t *p, const char *s)
{
    const char *text = NULL;
    json_t *str = json_string(s ? s : "");

    if (!str) {                /* not valid UTF-8: never echo it */
        return "\"\"";
    }
    if (pd_json_dump(&text, p, str) != APR_SUCCESS) {
        text = "\"\"";
    }
    json_decref(str);
    return text;
}

void pd_jw_init(pd_jw_t *w, apr_pool_t *p, apr_size_t initial)
{
    w->pool = p;
    w->cap = initial < 64 ? 64 : initial;
    w->buf = apr_palloc(p, w->cap);
    w->len = 0;
    w->need_comma = 0;
}

static void jw_put(pd_jw_t *w, const char *s, apr_size_t n)
{
    if (w->len + n + 1 > w->cap) {
        apr_size_t cap = w->cap * 2;
        char *buf;
        while (cap < w->len + n + 1) {
            cap *= 2;
        }
        buf = apr_palloc(w->pool, cap);
        memcpy(buf, w->buf, w->len);
        w->buf = buf;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

/* A value after another at the same level gets its comma. */
static void jw_value(pd_jw_t *w)
{
    if (w->need_comma) {
        jw_put(w, ",", 1);
    }
    w->need_comma = 1;
}

void pd_jw_begin(pd_jw_t *w, char open)
{
    jw_value(w);
    jw_put(w, &open, 1);
    w->need_comma = 0;
}

void pd_jw_end(pd_jw_t *w, char close)
{
    jw_put(w, &close, 1);
    w->need_comma = 1;
}

static void jw_escaped(pd_jw_t *w, const char *s)
{
    const char *run = s;

    jw_put(w, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        jw_put(w, run, s - run);
        switch (c) {
        case '"': jw_put(w, "\\\"", 2); break;
        case '\\': jw_put(w, "\\\\", 2); break;
        case '\n': jw_put(w, "\\n", 2); break;
        case '\r': jw_put(w, "\\r", 2); break;
        case '\t': jw_put(w, "\\t", 2); break;
        default:
            apr_snprintf(esc, sizeof(esc), "\\u%04x", c);
            jw_put(w, esc, 6);
        }
        run = s + 1;
    }
    jw_put(w, run, s - run);
    jw_put(w, "\"", 1);
}

void pd_jw_key(pd_jw_t *w, const char *key)
{
    jw_value(w);
    jw_escaped(w, key);
    jw_put(w, ":", 1);
    w->need_comma = 0;
}

void pd_jw_string(pd_jw_t *w, const char *s)
{
    jw_value(w);
    if (!s) {
        jw_put(w, "null", 4);
        return;
    }
    jw_escaped(w, s);
}

void pd_jw_number(pd_jw_t *w, const char *digits)
{
    const char *c = digits;

    jw_value(w);
    if (c && *c == '-') {
        c++;
    }
    if (!c || !*c || strspn(c, "0123456789") != strlen(c)) {
        jw_put(w, "null", 4);
        return;
    }
    jw_put(w, digits, strlen(digits));
}

void pd_jw_bool(pd_jw_t *w, int value)
{
    jw_value(w);
    jw_put(w, value ? "true" : "false", value ? 4 : 5);
}

void pd_jw_timestamp(pd_jw_t *w, const char *t)
{
    apr_size_t n = t ? strlen(t) : 0;
    const char *zone;

    jw_value(w);
    /* "YYYY-MM-DD HH:MM:SS[.frac](+|-)HH[:MM]": anything else is not ours */
    zone = n > 19 ? t + 19 + strcspn(t + 19, "+-") : NULL;
    if (!zone || !*zone || t[10] != ' ' || t[4] != '-') {
        jw_put(w, "null", 4);
        return;
    }
    jw_put(w, "\"", 1);
    jw_put(w, t, 10);
    jw_put(w, "T", 1);
    jw_put(w, t + 11, zone - (t + 11));
    jw_put(w, zone, strlen(zone));
    if (strlen(zone) == 3) {
        jw_put(w, ":00", 3);
    }
    jw_put(w, "\"", 1);
}

const char *pd_jw_text(pd_jw_t *w)
{
    w->buf[w->len] = '\0';
    return w->buf;
}
