#include <string.h>
#include <apr_strings.h>
#include "pd_route.h"

apr_int64_t pd_parse_id(const char *s, apr_size_t len)
{
    apr_int64_t v = 0;
    apr_size_t i;

    /* 18 digits cannot overflow int64 and covers any id we will issue */
    if (!s || len == 0 || len > 18 || s[0] == '0') {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Compares one pattern with the path segment by segment; "{id}" takes a
 * positive integer. */
static int pattern_matches(const char *pattern, const char *path, apr_int64_t *id)
{
    const char *pp = pattern, *sp = path;

    *id = 0;
    while (*pp && *sp) {
        if (strncmp(pp, "{id}", 4) == 0) {
            const char *end = strchr(sp, '/');
            apr_size_t len = end ? (apr_size_t)(end - sp) : strlen(sp);
            apr_int64_t v = pd_parse_id(sp, len);
            if (v == 0) {
                return 0;
            }
            *id = v;
            pp += 4;
            sp += len;
            continue;
        }
        if (*pp != *sp) {
            return 0;
        }
        pp++;
        sp++;
    }
    return *pp == '\0' && *sp == '\0';
}

apr_status_t pd_route_match(pd_route_match_t *m, const pd_route_t *table,
                            apr_size_t count, unsigned method, const char *path)
{
    apr_size_t i;
    apr_int64_t id;

    memset(m, 0, sizeof(*m));
    if (!path || strlen(path) > PD_ROUTE_MAX_PATH) {
        return APR_NOTFOUND;
    }
    for (i = 0; i < count; i++) {
        if (!pattern_matches(table[i].pattern, path, &id)) {
            continue;
        }
        m->allowed |= table[i].method;
        if (table[i].method == method && !m->route) {
            m->route = &table[i];
            m->id = id;
        }
    }
    if (m->route) {
        return APR_SUCCESS;
    }
    return m->allowed ? APR_ENOTIMPL : APR_NOTFOUND;
}

unsigned pd_route_method(const char *name)
{
    if (!name) {
        return 0;
    }
    if (strcmp(name, "GET") == 0 || strcmp(name, "HEAD") == 0) {
        return PD_M_GET;
    }
    if (strcmp(name, "POST") == 0) {
        return PD_M_POST;
    }
    if (strcmp(name, "PUT") == 0) {
        return PD_M_PUT;
    }
    if (strcmp(name, "PATCH") == 0) {
        return PD_M_PATCH;
    }
    if (strcmp(name, "DELETE") == 0) {
        return PD_M_DELETE;
    }
    return 0;
}

const char *pd_route_allow(apr_pool_t *p, unsigned methods)
{
    const char *allow = "";
    static const struct { unsigned bit; const char *names; } order[] = {
        { PD_M_GET, "GET, HEAD" }, { PD_M_POST, "POST" }, { PD_M_PUT, "PUT" },
        { PD_M_PATCH, "PATCH" }, { PD_M_DELETE, "DELETE" },
    };
    apr_size_t i;

    for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        if (methods & order[i].bit) {
            allow = apr_pstrcat(p, allow, order[i].names, ", ", NULL);
        }
    }
    return apr_pstrcat(p, allow, "OPTIONS", NULL);
}
