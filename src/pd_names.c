#include <string.h>
#include <apr_hash.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <apr_allocator.h>
#include "pd_names.h"

typedef struct entry_t {
    apr_int64_t id;
    pd_name_t value;
} entry_t;

struct pd_names_t {
    apr_thread_mutex_t *lock;
    apr_pool_t *parent;
    apr_pool_t *pool;          /* holds the maps; replaced when emptied */
    apr_int64_t version;
    apr_hash_t *maps[PD_NAME__KINDS];
    apr_size_t count;
};

/* Drops every entry: a new pool replaces the old one, which frees them all. */
static apr_status_t reset(pd_names_t *names, apr_int64_t version)
{
    apr_pool_t *pool;
    int k;
    apr_status_t rv = apr_pool_create(&pool, names->parent);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    if (names->pool) {
        apr_pool_destroy(names->pool);
    }
    names->pool = pool;
    for (k = 0; k < PD_NAME__KINDS; k++) {
        names->maps[k] = apr_hash_make(pool);
    }
    names->version = version;
    names->count = 0;
    return APR_SUCCESS;
}

static apr_status_t destroy_root(void *data)
{
    apr_pool_destroy((apr_pool_t *)data);
    return APR_SUCCESS;
}

apr_status_t pd_names_create(pd_names_t **out, apr_pool_t *p)
{
    pd_names_t *names = apr_pcalloc(p, sizeof(*names));
    apr_allocator_t *allocator;
    apr_status_t rv;

    *out = NULL;
    rv = apr_thread_mutex_create(&names->lock, APR_THREAD_MUTEX_DEFAULT, p);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    /* a root of its own: other threads allocate from p's allocator without
     * our lock, so the cache's pools must not share it */
    if ((rv = apr_allocator_create(&allocator)) != APR_SUCCESS) {
        return rv;
    }
    rv = apr_pool_create_ex(&names->parent, NULL, NULL, allocator);
    if (rv != APR_SUCCESS) {
        apr_allocator_destroy(allocator);
        return rv;
    }
    apr_allocator_owner_set(allocator, names->parent);
    apr_pool_cleanup_register(p, names->parent, destroy_root, apr_pool_cleanup_null);
    if ((rv = reset(names, -1)) == APR_SUCCESS) {
        *out = names;
    }
    return rv;
}

apr_status_t pd_names_get(pd_names_t *names, apr_int64_t version, pd_name_kind_e kind,
                          apr_int64_t id, apr_pool_t *p, pd_name_t *out)
{
    const entry_t *e = NULL;
    apr_status_t rv = APR_NOTFOUND;

    memset(out, 0, sizeof(*out));
    if (kind < 0 || kind >= PD_NAME__KINDS) {
        return APR_EINVAL;
    }
    apr_thread_mutex_lock(names->lock);
    if (names->version != version) {
        reset(names, version);
    }
    else {
        e = apr_hash_get(names->maps[kind], &id, sizeof(id));
    }
    if (e) {
        /* copies: the entry may go with the cache as soon as the lock is released */
        out->name = e->value.name ? apr_pstrdup(p, e->value.name) : NULL;
        out->extra = e->value.extra ? apr_pstrdup(p, e->value.extra) : NULL;
        rv = APR_SUCCESS;
    }
    apr_thread_mutex_unlock(names->lock);
    return rv;
}

void pd_names_put(pd_names_t *names, apr_int64_t version, pd_name_kind_e kind,
                  apr_int64_t id, const char *name, const char *extra)
{
    entry_t *e;

    if (kind < 0 || kind >= PD_NAME__KINDS) {
        return;
    }
    apr_thread_mutex_lock(names->lock);
    if (names->version != version) {
        if (names->count > 0) {
            /* read under another version: it may already be stale */
            apr_thread_mutex_unlock(names->lock);
            return;
        }
        /* an empty cache holds nothing that could be stale */
        names->version = version;
    }
    if (names->count >= PD_NAMES_MAX_ENTRIES) {
        reset(names, version);
    }
    if (!apr_hash_get(names->maps[kind], &id, sizeof(id))) {
        e = apr_palloc(names->pool, sizeof(*e));
        e->id = id;
        e->value.name = name ? apr_pstrdup(names->pool, name) : NULL;
        e->value.extra = extra ? apr_pstrdup(names->pool, extra) : NULL;
        apr_hash_set(names->maps[kind], &e->id, sizeof(e->id), e);
        names->count++;
    }
    apr_thread_mutex_unlock(names->lock);
}

apr_size_t pd_names_count(pd_names_t *names)
{
    apr_size_t n;
    apr_thread_mutex_lock(names->lock);
    n = names->count;
    apr_thread_mutex_unlock(names->lock);
    return n;
}
