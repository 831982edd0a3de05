/* Route matching: method + path pattern -> a table entry. The table itself
 * lives in the glue (mod_pd_routes.c); this file only matches. */
#ifndef PD_ROUTE_H
#define PD_ROUTE_H

#include <apr_pools.h>

typedef enum {
    PD_M_GET = 1u << 0,
    PD_M_POST = 1u << 1,
    PD_M_PUT = 1u << 2,
    PD_M_PATCH = 1u << 3,
    PD_M_DELETE = 1u << 4
} pd_method_e;

/* The glue's handler, stored as a generic function pointer: the core does
 * not know its real type (the glue casts it back). */
typedef void (*pd_route_fn)(void);

typedef struct pd_route_t {
    unsigned method;           /* one PD_M_* */
    const char *pattern;       /* relative to the API base, e.g. "/tickets/{id}" */
    int action;                /* pd_action_e: what the caller must be allowed */
    pd_route_fn handler;
    const char *const *params; /* the query parameters it takes; NULL: none */
    int idempotent;            /* takes an Idempotency-Key header (a POST that creates) */
    int multipart;             /* its body is multipart/form-data, streamed (uploads) */
} pd_route_t;

typedef struct pd_route_match_t {
    const pd_route_t *route;   /* NULL unless the method matched too */
    apr_int64_t id;            /* the {id} segment, 0 when the pattern has none */
    unsigned allowed;          /* methods of every pattern that matches the path */
} pd_route_match_t;

/* Longest accepted path below the API base, in bytes. */
#define PD_ROUTE_MAX_PATH 256

/* APR_SUCCESS: m->route is set. APR_ENOTIMPL: the path exists but not for
 * this method (m->allowed lists those that do). APR_NOTFOUND: no such path. */
apr_status_t pd_route_match(pd_route_match_t *m, const pd_route_t *table,
                            apr_size_t count, unsigned method, const char *path);

/* PD_M_* for an HTTP method name, 0 for one we do not serve. HEAD maps to GET. */
unsigned pd_route_method(const char *name);

/* The Allow header value for a method set (GET implies HEAD; OPTIONS always). */
const char *pd_route_allow(apr_pool_t *p, unsigned methods);

/* Parses a positive decimal id (no sign, no leading zero, at most 18 digits).
 * Returns 0 for anything else. */
apr_int64_t pd_parse_id(const char *s, apr_size_t len);

#endif
