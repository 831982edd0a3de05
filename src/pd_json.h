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

#endif
