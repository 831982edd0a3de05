/* A per-process cache of display names: users, pharmacies, ticket modules and
 * categories by id. Tickets carry only ids; their names come from here, so a
 * ticket read needs no joins.
 *
 * The cache is exact, not eventually consistent: the database keeps a name
 * version that changes with every change of a name, code or color (migration
 * 0007), every request reads it together with the caller's identity, and a
 * cache that holds another version empties itself before use. Several
 * Apache processes and nodes therefore never disagree for longer than a
 * request. Threads of one process share it under a mutex. */
#ifndef PD_NAMES_H
#define PD_NAMES_H

#include <apr_pools.h>

typedef enum {
    PD_NAME_USER = 0,
    PD_NAME_PHARMACY,
    PD_NAME_MODULE,
    PD_NAME_CATEGORY,
    PD_NAME__KINDS
} pd_name_kind_e;

typedef struct pd_name_t {
    const char *name;
    const char *extra;         /* a pharmacy's code, a module's or category's color */
} pd_name_t;

typedef struct pd_names_t pd_names_t;

/* Entries held at most; past it the cache starts over. */
#define PD_NAMES_MAX_ENTRIES 200000

/* p must outlive every use (a child process's pool). */
apr_status_t pd_names_create(pd_names_t **out, apr_pool_t *p);

/* Copies the entry into pool p. APR_NOTFOUND when absent, or when the cache
 * held another version (it is emptied then). */
apr_status_t pd_names_get(pd_names_t *names, apr_int64_t version, pd_name_kind_e kind,
                          apr_int64_t id, apr_pool_t *p, pd_name_t *out);

/* Remembers an entry read from the database under that version; ignored if
 * the cache holds entries of another version (it moved on meanwhile). */
void pd_names_put(pd_names_t *names, apr_int64_t version, pd_name_kind_e kind,
                  apr_int64_t id, const char *name, const char *extra);

/* Entries held now (for tests). */
apr_size_t pd_names_count(pd_names_t *names);

#endif
