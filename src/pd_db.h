/* The data layer: runs catalogue statements on one pooled connection.
 *
 * Statements are prepared by name lazily, once per connection, and kept in
 * the connection's own hash (mod_dbd's ap_dbd_t->prepared, which lives as
 * long as the connection). When a statement fails, the connection may have
 * been reset underneath us (PostgreSQL restarted: libpq reconnects, but the
 * server has forgotten every prepared statement), so the cache is dropped and
 * statements are prepared again on next use. Before anything has succeeded in
 * a request, a failure is retried once after checking (and so resetting) the
 * connection: the first request after a restart does not fail. */
#ifndef PD_DB_H
#define PD_DB_H

#include <apr_pools.h>
#include <apr_hash.h>
#include <apr_dbd.h>
#include "pd_sql.h"

typedef struct pd_db_t {
    const apr_dbd_driver_t *driver;
    apr_dbd_t *handle;
    apr_hash_t *prepared;      /* label -> apr_dbd_prepared_t*, per connection */
    apr_pool_t *conn_pool;     /* lives as long as the connection */
    apr_pool_t *pool;          /* the request's */
    int in_txn;                /* BEGIN has run and no COMMIT/ROLLBACK yet */
    int depth;                 /* begins nested inside the open transaction */
    int doomed;                /* a nested rollback: the outer one must roll back */
    int succeeded;             /* a statement has succeeded in this request */
    int failed;                /* a statement failed: drop the cache when safe */
    int misuse;                /* a call did not match its statement: a bug */
    const char *error;         /* the driver's last error message */
} pd_db_t;

typedef struct pd_db_result_t {
    pd_db_t *db;
    apr_dbd_results_t *res;
    apr_dbd_row_t *row;
} pd_db_result_t;

/* Most statement parameters a catalogue entry may have. */
#define PD_DB_MAX_ARGS 144

void pd_db_init(pd_db_t *db, const apr_dbd_driver_t *driver, apr_dbd_t *handle,
                apr_hash_t *prepared, apr_pool_t *conn_pool, apr_pool_t *pool);

/* Running a statement. args holds its parameters, a NULL entry being SQL
 * NULL, and nargs how many there are. A count that is not the statement's
 * is a programming error: nothing runs, the call fails with APR_EINVAL and
 * db->misuse is set, so that the request fails with an error in the log.
 *
 * Call sites never count by hand. With a constant statement id, PD_SQL_CALL
 * gives the id, the array and its length, and does not compile when the
 * array's length is not the catalogue's count:
 *
 *     const char *args[] = { id, scope };
 *     pd_db_select(db, PD_SQL_CALL(PD_SQL_TICKETS_GET, args), &res);
 *
 * PD_SQL_CALL0 is the same for a statement without parameters, and
 * PD_SQL_CALL_BLOB for pd_db_exec_blob, whose last parameter is not in the
 * array. PD_SQL_ARGS gives only the array and its checked length, for a
 * function that takes the id apart. Where the id is chosen at run time,
 * PD_DB_ARGS gives the array and its length, checked at the call. */
#define PD_DB_COUNTOF(a) (sizeof(a) / sizeof((a)[0]))
/* 0, or a compile-time error with msg when cond is false: a static
 * assertion usable inside an expression. */
#define PD_DB_ASSERT_EXPR(cond, msg) \
    (0 * sizeof(struct { _Static_assert(cond, msg); int unused_; }))
#define PD_DB_CHECKED_COUNT(args, n, id) \
    (int)(PD_DB_COUNTOF(args) + PD_DB_ASSERT_EXPR(PD_DB_COUNTOF(args) == (n), \
          "the argument array's length is not the parameter count of " #id))
#define PD_SQL_ARGS(id, args) (args), PD_DB_CHECKED_COUNT(args, id##_NARGS, id)
#define PD_SQL_CALL(id, args) (id), PD_SQL_ARGS(id, args)
#define PD_SQL_CALL0(id) \
    (id), NULL, (int)PD_DB_ASSERT_EXPR(id##_NARGS == 0, #id " takes parameters")
#define PD_SQL_CALL_BLOB(id, args) (id), (args), PD_DB_CHECKED_COUNT(args, id##_NARGS - 1, id)
#define PD_DB_ARGS(args) (args), (int)PD_DB_COUNTOF(args)

/* Runs a SELECT (or a statement with RETURNING). */
apr_status_t pd_db_select(pd_db_t *db, pd_sql_id_e id, const char *const *args, int nargs,
                          pd_db_result_t *out);

/* Runs a statement without rows; *nrows (may be NULL) gets the affected count. */
apr_status_t pd_db_exec(pd_db_t *db, pd_sql_id_e id, const char *const *args, int nargs,
                        int *nrows);

/* Runs a statement whose last parameter is binary (%pDb in the catalogue):
 * args holds the nargs text parameters before it, one fewer than the
 * statement's count. The bytes go to PostgreSQL as they are, without
 * escaping. */
apr_status_t pd_db_exec_blob(pd_db_t *db, pd_sql_id_e id, const char *const *args, int nargs,
                             const void *data, apr_size_t len);

/* APR_SUCCESS with a current row, APR_EOF after the last. */
apr_status_t pd_db_next(pd_db_result_t *r);

/* Reads the rest of a result, so that the driver lets go of it. Every
 * result a caller stops reading early is drained, one rule for all, for
 * two reasons. pd_db_select fetches a result whole (apr_dbd's random
 * access), and reading past its last row is what makes the pgsql driver
 * free libpq's copy of it there and then rather than when the request's
 * pool goes: a request that runs many statements (an upload, a download
 * chunk by chunk) holds one result at a time. And were a result ever read
 * row by row (apr_dbd's sequential access), its rows would have to be read
 * to the end before the connection could run the next statement. */
void pd_db_drain(pd_db_result_t *r);

/* The current row's column (0-based) copied into the request pool; NULL for
 * SQL NULL. */
const char *pd_db_get(pd_db_result_t *r, int col);
/* The same without the copy: valid until the result's pool is cleared
 * (for large values read a piece at a time). */
const char *pd_db_get_raw(pd_db_result_t *r, int col);
/* 1 for PostgreSQL's 't'. */
int pd_db_get_bool(pd_db_result_t *r, int col);
/* A boolean column's text ("t" or "f", NULL for NULL) as 1 or 0. */
int pd_db_text_true(const char *v);
apr_int64_t pd_db_get_int64(pd_db_result_t *r, int col);

/* Transactions. A request pool cleanup rolls back a transaction left open,
 * so a connection never returns to the pool inside one. They are plain
 * BEGIN/COMMIT/ROLLBACK rather than apr_dbd_transaction_*: the pgsql driver
 * dereferences a NULL pointer when BEGIN fails on a dropped connection.
 * pd_db_commit fails (and rolls back) when any statement failed inside.
 * A begin inside an open transaction nests: its commit is the outer one's
 * business, and its rollback dooms the outer transaction, which then rolls
 * back as a whole (a request's work is all or nothing). */
apr_status_t pd_db_begin(pd_db_t *db);
apr_status_t pd_db_commit(pd_db_t *db);
void pd_db_rollback(pd_db_t *db);

/* Formatting helpers for parameters, allocated from the request pool. */
const char *pd_db_int(pd_db_t *db, apr_int64_t v);       /* v as text */
const char *pd_db_id_or_null(pd_db_t *db, apr_int64_t v); /* NULL when v <= 0 */
const char *pd_db_bool(int v);

#endif
