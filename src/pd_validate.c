#include <string.h>
#include <ctype.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "pd_validate.h"
#include "pd_route.h"

static apr_status_t invalid(pd_error_t *err, apr_pool_t *p, const char *field,
                            const char *what)
{
    return pd_error_setf(err, p, 422, "validation_failed", field, "%s %s", field, what);
}

apr_status_t pd_v_known_fields(const json_t *obj, const char *const *allowed,
                               pd_error_t *err)
{
    const char *key;
    json_t *value;

    json_object_foreach((json_t *)obj, key, value) {
        const char *const *a;
        int known = 0;
        (void)value;
        for (a = allowed; *a; a++) {
            if (strcmp(*a, key) == 0) {
                known = 1;
                break;
            }
        }
        if (!known) {
            /* the key is the client's own text, valid UTF-8 (jansson checked):
             * echoed back as the field when it is short enough to be a name */
            const char *field = strlen(key) <= 64 && err->pool
                                ? apr_pstrdup(err->pool, key) : NULL;
            return pd_error_set(err, 422, "unknown_field", field,
                                "the body has a member this resource does not accept");
        }
    }
    return APR_SUCCESS;
}

apr_size_t pd_utf8_length(const char *s)
{
    apr_size_t n = 0;
    for (; *s; s++) {
        if (((unsigned char)*s & 0xC0) != 0x80) {
            n++;
        }
    }
    return n;
}

/* Looks the member up; APR_NOTFOUND for absent, APR_SUCCESS with *pv NULL for
 * an accepted null. */
static apr_status_t member(const json_t *obj, const char *field, unsigned flags,
                           json_t **pv, pd_error_t *err)
{
    json_t *v = json_object_get(obj, field);

    *pv = NULL;
    if (!v || json_is_null(v)) {
        if (flags & PD_V_REQUIRED) {
            return pd_error_setf(err, NULL, 422, "validation_failed", field,
                                 "%s is required", field);
        }
        if (!v) {
            return APR_NOTFOUND;
        }
        if (!(flags & PD_V_NULLABLE)) {
            return pd_error_setf(err, NULL, 422, "validation_failed", field,
                                 "%s must not be null", field);
        }
        return APR_SUCCESS;
    }
    *pv = v;
    return APR_SUCCESS;
}

apr_status_t pd_v_string(const json_t *obj, const char *field, unsigned flags,
                         apr_size_t min, apr_size_t max, apr_pool_t *p,
                         const char **out, pd_error_t *err)
{
    json_t *v;
    const char *s, *end;
    apr_size_t len, chars;
    apr_status_t rv;

    *out = NULL;
    if ((rv = member(obj, field, flags, &v, err)) != APR_SUCCESS || !v) {
        return rv;
    }
    if (!json_is_string(v)) {
        return invalid(err, p, field, "must be a string");
    }
    s = json_string_value(v);
    len = json_string_length(v);
    if (strlen(s) != len) {
        return invalid(err, p, field, "must not contain NUL characters");
    }
    while (*s && apr_isspace(*s)) {
        s++;
    }
    end = s + strlen(s);
    while (end > s && apr_isspace(end[-1])) {
        end--;
    }
    /* a bound in bytes first (a character is at most 4): caps the work below */
    if ((apr_size_t)(end - s) > max * 4) {
        return pd_error_setf(err, p, 422, "validation_failed", field,
                             "%s must be at most %" APR_SIZE_T_FMT " characters", field, max);
    }
    s = apr_pstrmemdup(p, s, end - s);
    for (end = s; *end; end++) {
        unsigned char c = (unsigned char)*end;
        if (c < 0x20 || c == 0x7f) {
            if ((flags & PD_V_MULTILINE) && (c == '\n' || c == '\r' || c == '\t')) {
                continue;
            }
            return invalid(err, p, field, "must not contain control characters");
        }
    }
    chars = pd_utf8_length(s);
    if (chars < min) {
        return min == 1 ? invalid(err, p, field, "must not be empty")
                        : pd_error_setf(err, p, 422, "validation_failed", field,
                                        "%s must be at least %" APR_SIZE_T_FMT
                                        " characters", field, min);
    }
    if (chars > max) {
        return pd_error_setf(err, p, 422, "validation_failed", field,
                             "%s must be at most %" APR_SIZE_T_FMT " characters", field, max);
    }
    *out = s;
    return APR_SUCCESS;
}

const pd_text_rule_t pd_ticket_texts[PD_TT__COUNT] = {
    [PD_TT_TITLE] = { "title", 1, 200, 0 },
    [PD_TT_DESCRIPTION] = { "description", 1, PD_TIMELINE_TEXT_MAX, PD_V_MULTILINE },
    [PD_TT_PIC_NAME] = { "pic_name", 1, 200, 0 },
    [PD_TT_CONTACT] = { "contact", 1, 200, 0 },
    [PD_TT_APP_VERSION] = { "app_version", 0, 50, 0 },
};

apr_status_t pd_v_ticket_text(const json_t *obj, const pd_text_rule_t *rule, int creating,
                              apr_pool_t *p, const char **out, pd_error_t *err)
{
    unsigned flags = rule->flags | (creating && rule->min > 0 ? PD_V_REQUIRED : 0);
    return pd_v_string(obj, rule->name, flags, rule->min, rule->max, p, out, err);
}

apr_status_t pd_v_id(const json_t *obj, const char *field, unsigned flags,
                     apr_int64_t *out, pd_error_t *err)
{
    json_t *v;
    apr_status_t rv;

    *out = 0;
    if ((rv = member(obj, field, flags, &v, err)) != APR_SUCCESS || !v) {
        return rv;
    }
    if (!json_is_integer(v) || json_integer_value(v) <= 0
        || json_integer_value(v) > APR_INT64_C(999999999999999999)) {
        return pd_error_setf(err, NULL, 422, "validation_failed", field,
                             "%s must be a positive integer id", field);
    }
    *out = (apr_int64_t)json_integer_value(v);
    return APR_SUCCESS;
}

apr_status_t pd_v_enum(const json_t *obj, const char *field, unsigned flags,
                       int (*parse)(const char *), int *out, pd_error_t *err)
{
    json_t *v;
    apr_status_t rv;
    int value;

    *out = -1;
    if ((rv = member(obj, field, flags, &v, err)) != APR_SUCCESS || !v) {
        return rv;
    }
    if (!json_is_string(v) || (value = parse(json_string_value(v))) < 0) {
        return pd_error_setf(err, NULL, 422, "validation_failed", field,
                             "%s has a value that is not allowed", field);
    }
    *out = value;
    return APR_SUCCESS;
}

apr_status_t pd_v_bool(const json_t *obj, const char *field, unsigned flags,
                       int *out, pd_error_t *err)
{
    json_t *v;
    apr_status_t rv;

    *out = 0;
    if ((rv = member(obj, field, flags, &v, err)) != APR_SUCCESS || !v) {
        return rv;
    }
    if (!json_is_boolean(v)) {
        return pd_error_setf(err, NULL, 422, "validation_failed", field,
                             "%s must be true or false", field);
    }
    *out = json_is_true(v);
    return APR_SUCCESS;
}

int pd_is_color(const char *s)
{
    int i;
    if (!s || s[0] != '#' || strlen(s) != 7) {
        return 0;
    }
    for (i = 1; i < 7; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

int pd_is_code(const char *s)
{
    apr_size_t i, n = s ? strlen(s) : 0;
    if (n < 1 || n > 32 || !(apr_isupper(s[0]) || apr_isdigit(s[0]))) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (!(apr_isupper(s[i]) || apr_isdigit(s[i]) || s[i] == '_' || s[i] == '-')) {
            return 0;
        }
    }
    return 1;
}

int pd_is_email(const char *s)
{
    const char *at, *dot;
    if (!s || strlen(s) > 254 || strchr(s, ' ')) {
        return 0;
    }
    at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@')) {
        return 0;
    }
    dot = strrchr(at + 1, '.');
    return dot && dot > at + 1 && dot[1] != '\0';
}

int pd_is_username(const char *s)
{
    apr_size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > 200) {
        return 0;
    }
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 0x20 || c == 0x7f || c == ':') {
            return 0;
        }
    }
    return 1;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes one key or value in place; 0 on a malformed escape or a NUL. */
static int query_unescape(char *s)
{
    char *out = s;
    for (; *s; s++) {
        if (*s == '+') {
            *out++ = ' ';
        }
        else if (*s == '%') {
            int hi = hexval(s[1]), lo = hi < 0 ? -1 : hexval(s[2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                return 0;
            }
            *out++ = (char)(hi * 16 + lo);
            s += 2;
        }
        else {
            *out++ = *s;
        }
    }
    *out = '\0';
    return 1;
}

apr_status_t pd_query_parse(apr_table_t **out, apr_pool_t *p, const char *args,
                            pd_error_t *err)
{
    apr_table_t *q = apr_table_make(p, 8);
    char *copy, *pair, *state = NULL;
    int count = 0;

    *out = q;
    if (!args || !*args) {
        return APR_SUCCESS;
    }
    if (strlen(args) > PD_Q_MAX_LEN) {
        return pd_error_set(err, 400, "invalid_parameter", NULL, "the query string is too long");
    }
    copy = apr_pstrdup(p, args);
    for (pair = apr_strtok(copy, "&", &state); pair; pair = apr_strtok(NULL, "&", &state)) {
        char *eq = strchr(pair, '=');
        char *key = pair;
        /* "flag" alone is flag="": the empty value is the pair's own end,
         * writable like the rest of the copy (never a string literal) */
        char *value = pair + strlen(pair);
        if (eq) {
            *eq = '\0';
            value = eq + 1;
        }
        if (!query_unescape(key) || !query_unescape(value) || !*key) {
            return pd_error_set(err, 400, "invalid_parameter", NULL,
                                "the query string is malformed");
        }
        if (++count > PD_Q_MAX_PARAMS) {
            return pd_error_set(err, 400, "invalid_parameter", NULL,
                                "the query string has too many parameters");
        }
        if (apr_table_get(q, key)) {
            return pd_error_set(err, 400, "invalid_parameter", NULL,
                                "a query parameter is repeated");
        }
        apr_table_setn(q, key, value);
    }
    return APR_SUCCESS;
}

apr_status_t pd_q_known(const apr_table_t *q, const char *const *allowed,
                        pd_error_t *err)
{
    const apr_array_header_t *arr = apr_table_elts(q);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i;

    for (i = 0; i < arr->nelts; i++) {
        const char *const *a;
        int known = 0;
        for (a = allowed; *a; a++) {
            if (strcmp(*a, e[i].key) == 0) {
                known = 1;
                break;
            }
        }
        if (!known) {
            return pd_error_set(err, 400, "unknown_parameter", NULL,
                                "the query string has a parameter this resource does not accept");
        }
    }
    return APR_SUCCESS;
}

apr_status_t pd_q_id(const apr_table_t *q, const char *key, apr_int64_t *out,
                     pd_error_t *err)
{
    const char *s = apr_table_get(q, key);
    *out = 0;
    if (!s) {
        return APR_NOTFOUND;
    }
    *out = pd_parse_id(s, strlen(s));
    if (*out == 0) {
        return pd_error_setf(err, NULL, 400, "invalid_parameter", key,
                             "%s must be a positive integer id", key);
    }
    return APR_SUCCESS;
}

apr_status_t pd_q_bool(const apr_table_t *q, const char *key, int *out, pd_error_t *err)
{
    const char *s = apr_table_get(q, key);

    *out = 0;
    if (!s) {
        return APR_NOTFOUND;
    }
    if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0) {
        return pd_error_setf(err, NULL, 400, "invalid_parameter", key,
                             "%s must be true or false", key);
    }
    *out = strcmp(s, "true") == 0;
    return APR_SUCCESS;
}

apr_status_t pd_q_int(const apr_table_t *q, const char *key, int min, int max,
                      int *out, pd_error_t *err)
{
    const char *s = apr_table_get(q, key);
    apr_int64_t v = 0;
    const char *c;

    if (!s) {
        return APR_NOTFOUND;
    }
    int valid = *s != '\0';

    for (c = s; *c && valid; c++) {
        if (!apr_isdigit(*c) || c - s > 9) {
            valid = 0;
        }
        else {
            v = v * 10 + (*c - '0');
        }
    }
    if (!valid || v < min || v > max) {
        return pd_error_setf(err, NULL, 400, "invalid_parameter", key,
                             "%s must be an integer from %d to %d", key, min, max);
    }
    *out = (int)v;
    return APR_SUCCESS;
}

/* n decimal digits as a number in [lo, hi], or -1. */
static int number(const char *s, int n, int lo, int hi)
{
    int i, v = 0;
    for (i = 0; i < n; i++) {
        if (!apr_isdigit(s[i])) {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v >= lo && v <= hi ? v : -1;
}

const char *pd_scan_date(const char *s)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int y, mo, d, leap;

    if (!s || strlen(s) < 10 || (y = number(s, 4, 1970, 9999)) < 0 || s[4] != '-'
        || (mo = number(s + 5, 2, 1, 12)) < 0 || s[7] != '-') {
        return NULL;
    }
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    d = number(s + 8, 2, 1, mo == 2 && leap ? 29 : days[mo - 1]);
    return d < 0 ? NULL : s + 10;
}

const char *pd_scan_time(const char *s, int need_seconds)
{
    if (number(s, 2, 0, 23) < 0 || s[2] != ':' || number(s + 3, 2, 0, 59) < 0) {
        return NULL;
    }
    s += 5;
    if (*s != ':') {
        return need_seconds ? NULL : s;
    }
    if (number(s + 1, 2, 0, 59) < 0) {
        return NULL;
    }
    s += 3;
    if (*s == '.') {
        const char *f = ++s;
        while (apr_isdigit(*s)) {
            s++;
        }
        if (s == f || s - f > 6) {
            return NULL;
        }
    }
    return s;
}

const char *pd_scan_offset(const char *s, int need_minutes, int max_hours)
{
    if ((*s != '+' && *s != '-') || number(s + 1, 2, 0, max_hours) < 0) {
        return NULL;
    }
    s += 3;
    if (*s != ':') {
        return need_minutes ? NULL : s;
    }
    return number(s + 1, 2, 0, 59) < 0 ? NULL : s + 3;
}

int pd_is_time_bound(const char *s)
{
    const char *c = pd_scan_date(s);

    if (!c || strlen(s) > 35) {
        return 0;
    }
    if (*c == '\0') {
        return 1;
    }
    /* RFC 3339: a 'T', seconds optional, 'Z' or an offset with minutes */
    if (*c != 'T' || !(c = pd_scan_time(c + 1, 0))) {
        return 0;
    }
    if (*c == 'Z') {
        return c[1] == '\0';
    }
    c = pd_scan_offset(c, 1, 14);   /* the zones in use reach +14:00 */
    return c && *c == '\0';
}

apr_status_t pd_q_time(const apr_table_t *q, const char *key, const char **out,
                       pd_error_t *err)
{
    const char *s = apr_table_get(q, key);
    *out = NULL;
    if (!s) {
        return APR_NOTFOUND;
    }
    if (!pd_is_time_bound(s)) {
        return pd_error_setf(err, NULL, 400, "invalid_parameter", key,
                             "%s must be a date (YYYY-MM-DD) or a date-time with an "
                             "offset (YYYY-MM-DDTHH:MM:SS+07:00)", key);
    }
    *out = s;
    return APR_SUCCESS;
}
