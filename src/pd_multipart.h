/* A streaming multipart/form-data parser (RFC 7578, RFC 2046 section 5.1).
 *
 * Hostile-input code: the body arrives in pieces of any size, and nothing
 * is held but one part's headers (capped) and at most a delimiter's length
 * of data that might be the start of the next boundary. Parts are handed
 * out as they arrive: part_begin with the part's headers, part_data for its
 * bytes (never all at once), part_end when its delimiter is seen. Any
 * malformation stops the parse with APR_EINVAL and a message for a 400. */
#ifndef PD_MULTIPART_H
#define PD_MULTIPART_H

#include <apr_pools.h>

#define PD_MP_BOUNDARY_MAX 70       /* RFC 2046 */
#define PD_MP_HEADERS_MAX 8192      /* one part's header block */

typedef struct pd_mp_part_t {
    const char *name;               /* the form field's name */
    const char *filename;           /* NULL for a plain field; UTF-8, no NUL, no path */
    const char *content_type;       /* as the client claimed it, or NULL */
} pd_mp_part_t;

typedef struct pd_mp_callbacks_t {
    apr_status_t (*part_begin)(void *ctx, const pd_mp_part_t *part);
    apr_status_t (*part_data)(void *ctx, const char *data, apr_size_t len);
    apr_status_t (*part_end)(void *ctx);
} pd_mp_callbacks_t;

typedef struct pd_mp_t pd_mp_t;

/* The boundary from a Content-Type header ("multipart/form-data;
 * boundary=..."): APR_EINVAL with *why unless there is exactly one valid
 * boundary. */
apr_status_t pd_mp_boundary(const char *content_type, apr_pool_t *p, const char **boundary,
                            const char **why);

apr_status_t pd_mp_create(pd_mp_t **out, apr_pool_t *p, const char *boundary,
                          const pd_mp_callbacks_t *cb, void *ctx);

/* Feeds the next piece of the body. APR_EINVAL for a malformed body (see
 * pd_mp_error); a callback's own failure is passed on as it is. */
apr_status_t pd_mp_feed(pd_mp_t *mp, const char *data, apr_size_t len);

/* The body has ended: APR_EINVAL unless the closing delimiter was seen. */
apr_status_t pd_mp_finish(pd_mp_t *mp);

const char *pd_mp_error(const pd_mp_t *mp);

#endif
