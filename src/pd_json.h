/* The one jansson wrapper: parsing with limits, pool-bound lifetimes and
 * serialisation. Resource code builds values with jansson's json_* calls
 * but parses, binds and dumps only through here. */
#ifndef PD_JSON_H
#define PD_JSON_H

#include <apr_pools.h>
#include <jansson.h>

/* Deepest nesting accepted in a request body. */
#define PD_JSON_MAX_DEPTH 16

/* Ties json's lifetime to the pool: decref runs when the pool is cleared.
 * Returns json for chaining. */
json_t *pd_json_bind(apr_pool_t *p, json_t *json);

/* Parses a request body. Refuses duplicate keys, NUL characters, nesting
 * deeper than PD_JSON_MAX_DEPTH and anything but an object at the top.
 * On failure returns APR_EINVAL and a message (pool-allocated) in *why. */
apr_status_t pd_json_parse_object(json_t **pjson, apr_pool_t *p,
                                  const char *buf, apr_size_t len,
                                  const char **why);

/* Compact UTF-8 text of json, allocated from p. */
apr_status_t pd_json_dump(const char **ptext, apr_pool_t *p, const json_t *json);

/* A JSON string literal (with quotes) for s, allocated from p. */
const char *pd_json_quote(apr_pool_t *p, const char *s);

/* A streaming writer for large, regular responses (ticket lists): text is
 * appended to a pool buffer with JSON escaping, no tree is built. The caller
 * writes well-formed JSON; pd_jw_* only escape and separate. */
typedef struct pd_jw_t {
    apr_pool_t *pool;
    char *buf;
    apr_size_t len, cap;
    int need_comma;            /* a value was written at this level */
} pd_jw_t;

void pd_jw_init(pd_jw_t *w, apr_pool_t *p, apr_size_t initial);
void pd_jw_begin(pd_jw_t *w, char open);                   /* '{' or '[' */
void pd_jw_end(pd_jw_t *w, char close);                    /* '}' or ']' */
void pd_jw_key(pd_jw_t *w, const char *key);               /* "key": */
void pd_jw_string(pd_jw_t *w, const char *s);              /* escaped; NULL: null */
/* A number from the database's text form; NULL: null. Anything but an
 * optional '-' and digits is written as null rather than trusted. */
void pd_jw_number(pd_jw_t *w, const char *digits);
void pd_jw_bool(pd_jw_t *w, int value);
/* A timestamptz in PostgreSQL's text form ("2026-11-21 23:16:11.5+00") as
 * RFC 3339 ("2026-11-21T23:16:11.5+00:00"); NULL: null. */
void pd_jw_timestamp(pd_jw_t *w, const char *pg_text);
const char *pd_jw_text(pd_jw_t *w);

#endif
