#include <string.h>
#include <apr_strings.h>
#include "pd_db.h"

void pd_db_init(pd_db_t *db, const apr_dbd_driver_t *driver, apr_dbd_t *handle,
                apr_hash_t *prepared, apr_pool_t *conn_pool, apr_pool_t *pool)
{
    memset(db, 0, sizeof(*db));
    db->driver = driver;
    db->handle = handle;
    db->prepared = prepared;
    db->conn_pool = conn_pool;
    db->pool = pool;
}

static void remember_error(pd_db_t *db, int rc)
{
    const char *msg = apr_dbd_error(db->driver, db->handle, rc);
    db->error = apr_pstrdup(db->pool, msg ? msg : "unknown database error");
    db->failed = 1;
}

/* Forgets every prepared statement of this connection. DEALLOCATE ALL makes
 * sure a statement that still exists on the server cannot collide with its
 * re-preparation; on a dead connection it fails harmlessly. */
static void forget_prepared(pd_db_t *db)
{
    int nrows = 0;
    apr_dbd_query(db->driver, db->handle, &nrows, "DEALLOCATE ALL");
    apr_hash_clear(db->prepared);
    db->failed = 0;
}

static apr_status_t prepared_statement(pd_db_t *db, pd_sql_id_e id,
                                       apr_dbd_prepared_t **pstmt)
{
    const pd_sql_stmt_t *def = pd_sql_get(id);
    apr_dbd_prepared_t *stmt;
    int rc;

    *pstmt = NULL;
    if (!def) {
        db->error = "unknown statement";
        return APR_EINVAL;
    }
    stmt = apr_hash_get(db->prepared, def->label, APR_HASH_KEY_STRING);
    if (stmt) {
        *pstmt = stmt;
        return APR_SUCCESS;
    }
    /* the statement lives as long as the connection, so it comes from the
     * connection's pool, never the request's */
    rc = apr_dbd_prepare(db->driver, db->conn_pool, db->handle, def->text, def->label, &stmt);
    if (rc != 0) {
        remember_error(db, rc);
        return APR_EGENERAL;
    }
    apr_hash_set(db->prepared, def->label, APR_HASH_KEY_STRING, stmt);
    *pstmt = stmt;
    return APR_SUCCESS;
}

/* The connection's plan_cache_mode as last set, kept in the hash of its
 * prepared statements so that it is forgotten with them (a connection
 * reset or new starts at the server's default, auto). A custom statement is
 * prepared like any other, so that it is parsed and analysed once per
 * connection, and planned with its values at each execution under
 * force_custom_plan; a generic one runs under auto, which keeps one cached
 * plan for it. The mode is switched only when the next statement needs the
 * other one: a request runs a few statements of each kind at most. */
#define PLAN_MODE_KEY "\001plan_cache_mode"
static const char plan_mode_custom[] = "SET plan_cache_mode = force_custom_plan";
static const char plan_mode_auto[] = "SET plan_cache_mode = auto";

static apr_status_t plan_mode(pd_db_t *db, pd_sql_plan_e plan)
{
    const char *want = plan == PD_PLAN_CUSTOM ? plan_mode_custom : plan_mode_auto;
    int nrows = 0, rc;

    if (apr_hash_get(db->prepared, PLAN_MODE_KEY, APR_HASH_KEY_STRING) == want) {
        return APR_SUCCESS;
    }
    rc = apr_dbd_query(db->driver, db->handle, &nrows, want);
    if (rc != 0) {
        remember_error(db, rc);
        return APR_EGENERAL;
    }
    apr_hash_set(db->prepared, PLAN_MODE_KEY, APR_HASH_KEY_STRING, want);
    return APR_SUCCESS;
}

/* A binary parameter: the statement's last, written %pDb. */
typedef struct blob_arg_t {
    const void *data;
    apr_size_t len;
} blob_arg_t;

/* apr_dbd's binary argument list: the text parameters as they are, then the
 * blob as data, length, table and column (the last two unused by pgsql). */
static int run_blob(pd_db_t *db, apr_dbd_prepared_t *stmt, int nargs,
                    const char *const *args, const blob_arg_t *blob, int *affected)
{
    const void *bargs[PD_DB_MAX_ARGS + 3];
    int i;

    for (i = 0; i < nargs - 1; i++) {
        bargs[i] = args[i];
    }
    bargs[i++] = blob->data;
    bargs[i++] = &blob->len;
    bargs[i++] = "";
    bargs[i] = "";
    return apr_dbd_pbquery(db->driver, db->pool, db->handle, affected, stmt, bargs);
}

/* One attempt: prepare if needed, then run. */
static apr_status_t run_once(pd_db_t *db, pd_sql_id_e id, const char *const *args,
                             const blob_arg_t *blob, pd_db_result_t *out, int *nrows)
{
    const pd_sql_stmt_t *def = pd_sql_get(id);
    apr_dbd_prepared_t *stmt;
    apr_status_t rv;
    int rc, affected = 0;

    if ((rv = prepared_statement(db, id, &stmt)) != APR_SUCCESS
        || (rv = plan_mode(db, def->plan)) != APR_SUCCESS) {
        return rv;
    }
    if (out) {
        memset(out, 0, sizeof(*out));
        out->db = db;
        /* random access: the whole result is read at once, so an early
         * return can never leave unread rows on the connection */
        rc = apr_dbd_pselect(db->driver, db->pool, db->handle, &out->res, stmt, 1,
                             def->nargs, (const char **)args);
    }
    else {
        rc = blob ? run_blob(db, stmt, def->nargs, args, blob, &affected)
                  : apr_dbd_pquery(db->driver, db->pool, db->handle, &affected, stmt,
                                   def->nargs, (const char **)args);
        if (nrows) {
            *nrows = affected;
        }
    }
    if (rc != 0) {
        remember_error(db, rc);
        return APR_EGENERAL;
    }
    return APR_SUCCESS;
}

static apr_status_t run(pd_db_t *db, pd_sql_id_e id, const char *const *args,
                        const blob_arg_t *blob, pd_db_result_t *out, int *nrows)
{
    apr_status_t rv = run_once(db, id, args, blob, out, nrows);

    if (rv == APR_SUCCESS) {
        db->succeeded = 1;
        return rv;
    }
    if (db->in_txn) {
        /* the transaction is aborted; the cache is dropped after rollback */
        return rv;
    }
    forget_prepared(db);
    if (db->succeeded) {
        return rv;
    }
    /* Nothing has succeeded yet in this request: this may be the first use of
     * a connection that PostgreSQL dropped. Checking resets it; then retry. */
    if (apr_dbd_check_conn(db->driver, db->pool, db->handle) != APR_SUCCESS) {
        return rv;
    }
    forget_prepared(db);
    rv = run_once(db, id, args, blob, out, nrows);
    if (rv == APR_SUCCESS) {
        db->succeeded = 1;
    }
    else {
        forget_prepared(db);
    }
    return rv;
}

/* The call's count against the statement's (pd_db.h): a mismatch would
 * read past the caller's array or leave parameters unbound, so nothing
 * runs. The transaction, if any, can then only roll back. */
static apr_status_t check_call(pd_db_t *db, pd_sql_id_e id, int nargs)
{
    const pd_sql_stmt_t *def = pd_sql_get(id);

    if (def && def->nargs == nargs) {
        return APR_SUCCESS;
    }
    db->error = def ? apr_psprintf(db->pool, "programming error: %s takes %d parameters, "
                                   "the call gave %d", def->label, def->nargs, nargs)
                    : "programming error: no such statement";
    db->misuse = 1;
    db->failed = 1;
    return APR_EINVAL;
}

apr_status_t pd_db_select(pd_db_t *db, pd_sql_id_e id, const char *const *args, int nargs,
                          pd_db_result_t *out)
{
    if (check_call(db, id, nargs) != APR_SUCCESS) {
        memset(out, 0, sizeof(*out));
        return APR_EINVAL;
    }
    return run(db, id, args, NULL, out, NULL);
}

apr_status_t pd_db_exec(pd_db_t *db, pd_sql_id_e id, const char *const *args, int nargs,
                        int *nrows)
{
    if (check_call(db, id, nargs) != APR_SUCCESS) {
        return APR_EINVAL;
    }
    return run(db, id, args, NULL, NULL, nrows);
}

apr_status_t pd_db_exec_blob(pd_db_t *db, pd_sql_id_e id, const char *const *args, int nargs,
                             const void *data, apr_size_t len)
{
    blob_arg_t blob = { data, len };

    if (check_call(db, id, nargs + 1) != APR_SUCCESS) {
        return APR_EINVAL;
    }
    return run(db, id, args, &blob, NULL, NULL);
}

apr_status_t pd_db_next(pd_db_result_t *r)
{
    if (!r->res) {
        return APR_EOF;
    }
    if (apr_dbd_get_row(r->db->driver, r->db->pool, r->res, &r->row, -1) != 0) {
        r->res = NULL;         /* the driver has freed it */
        r->row = NULL;
        return APR_EOF;
    }
    return APR_SUCCESS;
}

void pd_db_drain(pd_db_result_t *r)
{
    while (pd_db_next(r) == APR_SUCCESS) {
        /* pd_db_next frees the result after its last row */
    }
}

const char *pd_db_get(pd_db_result_t *r, int col)
{
    const char *value = NULL;

    if (!r->row) {
        return NULL;
    }
    /* apr_dbd_get_entry gives "" for NULL; datum_get tells them apart */
    if (apr_dbd_datum_get(r->db->driver, r->row, col, APR_DBD_TYPE_STRING, &value)
        != APR_SUCCESS || !value) {
        return NULL;
    }
    return apr_pstrdup(r->db->pool, value);
}

const char *pd_db_get_raw(pd_db_result_t *r, int col)
{
    const char *value = NULL;

    if (!r->row || apr_dbd_datum_get(r->db->driver, r->row, col, APR_DBD_TYPE_STRING, &value)
                   != APR_SUCCESS) {
        return NULL;
    }
    return value;
}

int pd_db_text_true(const char *v)
{
    return v && v[0] == 't';
}

int pd_db_get_bool(pd_db_result_t *r, int col)
{
    return pd_db_text_true(pd_db_get(r, col));
}

apr_int64_t pd_db_get_int64(pd_db_result_t *r, int col)
{
    const char *v = pd_db_get(r, col);
    return v ? apr_atoi64(v) : 0;
}

static apr_status_t rollback_if_open(void *data)
{
    ((pd_db_t *)data)->depth = 0;
    pd_db_rollback((pd_db_t *)data);
    return APR_SUCCESS;
}

/* Transaction control: constant statements, never parameterised. */
static int control(pd_db_t *db, const char *statement)
{
    int nrows = 0;
    int rc = apr_dbd_query(db->driver, db->handle, &nrows, statement);
    if (rc != 0) {
        remember_error(db, rc);
    }
    return rc;
}

apr_status_t pd_db_begin(pd_db_t *db)
{
    int rc;

    if (db->in_txn) {
        db->depth++;
        return APR_SUCCESS;
    }
    rc = control(db, "BEGIN");
    if (rc != 0 && !db->succeeded) {
        /* same reasoning as in run(): a dropped connection, first use */
        if (apr_dbd_check_conn(db->driver, db->pool, db->handle) == APR_SUCCESS) {
            forget_prepared(db);
            rc = control(db, "BEGIN");
        }
    }
    if (rc != 0) {
        forget_prepared(db);
        return APR_EGENERAL;
    }
    db->in_txn = 1;
    db->depth = 0;
    db->doomed = 0;
    db->failed = 0;
    db->succeeded = 1;
    apr_pool_cleanup_register(db->pool, db, rollback_if_open, apr_pool_cleanup_null);
    return APR_SUCCESS;
}

apr_status_t pd_db_commit(pd_db_t *db)
{
    if (!db->in_txn) {
        db->error = "no transaction";
        return APR_EINVAL;
    }
    if (db->depth > 0) {
        db->depth--;
        return db->failed || db->doomed ? APR_EGENERAL : APR_SUCCESS;
    }
    if (db->failed || db->doomed) {
        /* PostgreSQL would turn COMMIT into ROLLBACK anyway; say so */
        pd_db_rollback(db);
        return APR_EGENERAL;
    }
    db->in_txn = 0;
    apr_pool_cleanup_kill(db->pool, db, rollback_if_open);
    if (control(db, "COMMIT") != 0) {
        forget_prepared(db);
        return APR_EGENERAL;
    }
    return APR_SUCCESS;
}

void pd_db_rollback(pd_db_t *db)
{
    if (!db->in_txn) {
        return;
    }
    if (db->depth > 0) {
        db->depth--;
        db->doomed = 1;
        return;
    }
    db->in_txn = 0;
    apr_pool_cleanup_kill(db->pool, db, rollback_if_open);
    control(db, "ROLLBACK");
    /* a SET inside the transaction is undone with it */
    apr_hash_set(db->prepared, PLAN_MODE_KEY, APR_HASH_KEY_STRING, NULL);
    if (db->failed) {
        forget_prepared(db);
    }
}

const char *pd_db_int(pd_db_t *db, apr_int64_t v)
{
    return apr_psprintf(db->pool, "%" APR_INT64_T_FMT, v);
}

const char *pd_db_id_or_null(pd_db_t *db, apr_int64_t v)
{
    return v > 0 ? pd_db_int(db, v) : NULL;
}

const char *pd_db_bool(int v)
{
    return v ? "true" : "false";
}
