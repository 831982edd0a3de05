/* Where attachment bytes live: a small interface (put as a stream, get as a
 * stream, remove) so that a filesystem or S3-compatible store can be added
 * beside the default, PostgreSQL itself (chunked bytea, pd_store_pg.c).
 *
 * A store names what it keeps by a key (text, at most 255 bytes) that is
 * recorded with the attachment, together with the store's name. */
#ifndef PD_STORE_H
#define PD_STORE_H

#include <apr_pools.h>
#include "pd_db.h"

typedef struct pd_store_put_t pd_store_put_t;

/* Receives a file's bytes in order, a piece at a time. */
typedef apr_status_t (*pd_store_sink_fn)(void *ctx, const char *data, apr_size_t len);

typedef struct pd_store_t {
    const char *name;          /* recorded with each attachment: "postgresql" */
    /* 1: its writes are part of the database transaction, so a rollback
     * undoes a failed upload; 0: the caller removes what it put */
    int transactional;
    /* A new, empty object; its memory comes from a pool of its own under p,
     * freed by close or abort. */
    apr_status_t (*put_open)(const struct pd_store_t *s, pd_db_t *db, apr_pool_t *p,
                             pd_store_put_t **out);
    apr_status_t (*put_write)(pd_store_put_t *put, const char *data, apr_size_t len);
    /* The object is complete: its key, allocated from p. */
    apr_status_t (*put_close)(pd_store_put_t *put, apr_pool_t *p, const char **key);
    /* Gives up an unfinished object (frees what open took). */
    void (*put_abort)(pd_store_put_t *put);
    /* Bytes first..first+len-1 of the object, handed to sink in pieces;
     * memory for each piece is freed before the next is read. */
    apr_status_t (*get)(const struct pd_store_t *s, pd_db_t *db, const char *key,
                        apr_off_t first, apr_off_t len, pd_store_sink_fn sink, void *ctx);
    apr_status_t (*remove)(const struct pd_store_t *s, pd_db_t *db, const char *key);
} pd_store_t;

/* The stores this build knows, by the name recorded with an attachment;
 * NULL for another name. */
const pd_store_t *pd_store_find(const char *name);

/* PostgreSQL: chunks of PD_STORE_PG_CHUNK bytes in attachment_chunks. */
#define PD_STORE_PG_CHUNK (256 * 1024)
extern const pd_store_t pd_store_postgresql;

#endif
