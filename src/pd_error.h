/* API errors: a stable machine code, a message for people, the HTTP status
 * and, where one input caused it, the field's name. */
#ifndef PD_ERROR_H
#define PD_ERROR_H

#include <apr_pools.h>
#include "pd_json.h"

typedef struct pd_error_t {
    int status;                /* HTTP status */
    const char *code;          /* stable identifier, e.g. "validation_failed" */
    const char *message;       /* for people; never echoes another tenant's data */
    const char *field;         /* optional: the offending input */
    json_t *details;           /* optional extra members, e.g. allowed transitions */
    apr_pool_t *pool;          /* for formatted messages; set by pd_error_init */
} pd_error_t;

/* Every pd_error_t starts here: formatted messages come from this pool. */
void pd_error_init(pd_error_t *err, apr_pool_t *p);

/* p may be NULL: err->pool is used then. */
/* Fills *err and returns APR_EGENERAL, so callers can write
 * `return pd_error_set(err, 422, "validation_failed", "title", "...")`. */
apr_status_t pd_error_set(pd_error_t *err, int status, const char *code,
                          const char *field, const char *message);
apr_status_t pd_error_setf(pd_error_t *err, apr_pool_t *p, int status,
                           const char *code, const char *field,
                           const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* The response body {"error":{"code":..,"message":..,"field":..,...}}. */
apr_status_t pd_error_to_json(const char **ptext, apr_pool_t *p,
                              const pd_error_t *err);

#endif
