/* GET /api/tickets?format=csv: the ticket list as CSV (RFC 4180, src/pd_csv.c),
 * every ticket its filters select, in its order: read a page at a time
 * through the list's own statements and cursors, each page sent before
 * the next is read, on a pool cleared after each, so that an export of any
 * length holds one page in memory. */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_ticket.h"
#include "pd_csv.h"

/* The export's columns: a ticket's own (pd_ticket.h), named. */
static const struct { const char *name; pd_ticket_col_e col; int number; } export_columns[] = {
    { "id", PD_TC_ID, 1 }, { "number", PD_TC_NUMBER, 0 }, { "title", PD_TC_TITLE, 0 },
    { "status", PD_TC_STATUS, 0 }, { "priority", PD_TC_PRIORITY, 0 }, { "source", PD_TC_SOURCE, 0 },
    { "pharmacy_code", PD_TC_PHARMACY_CODE, 0 }, { "pharmacy", PD_TC_PHARMACY_NAME, 0 },
    { "category", PD_TC_CATEGORY_NAME, 0 }, { "module", PD_TC_MODULE_NAME, 0 },
    { "pic_name", PD_TC_PIC_NAME, 0 }, { "contact", PD_TC_CONTACT, 0 },
    { "app_version", PD_TC_APP_VERSION, 0 }, { "customer", PD_TC_CUSTOMER_NAME, 0 },
    { "expert", PD_TC_EXPERT_NAME, 0 }, { "tech", PD_TC_TECH_NAME, 0 },
    { "created_at", PD_TC_CREATED_AT, 0 }, { "updated_at", PD_TC_UPDATED_AT, 0 },
    { "first_response_at", PD_TC_FIRST_RESPONSE_AT, 0 }, { "solved_at", PD_TC_SOLVED_AT, 0 },
    { "closed_at", PD_TC_CLOSED_AT, 0 }, { "first_response_due_at", PD_TC_FR_DUE_AT, 0 },
    { "resolution_due_at", PD_TC_RES_DUE_AT, 0 }, { "escalated_at", PD_TC_ESCALATED_AT, 0 },
    { "rating", PD_TC_RATING, 1 },
};
#define EXPORT_COLUMNS (sizeof(export_columns) / sizeof(export_columns[0]))

/* One page of the export: the list's statement from the cursor (key and
 * after_id, empty: the start), its
 * tickets named and written as CSV rows into c. Everything it allocates is
 * in pool, which the caller clears after each page, so that an export of
 * any length holds one page at a time. *more: there is a next page, whose
 * cursor is copied into key and after_id. */
static apr_status_t export_page(pd_req_t *req, pd_export_statement_fn statement, void *ctx,
                                apr_pool_t *pool, const char ***page, pd_csv_t *c, int *more,
                                char *key, apr_size_t key_size, char *after_id)
{
    pd_req_t pr = *req;
    request_rec rr = *req->r;
    const char *args[PD_DB_MAX_ARGS], *last_key = NULL;
    pd_db_result_t res;
    apr_status_t rv = APR_SUCCESS;
    int nargs = 0, rows, count, i;
    pd_sql_id_e id;
    apr_size_t k;

    /* the request's work on a pool of the page's own */
    rr.pool = pool;
    pr.r = &rr;
    pr.db.pool = pool;
    *more = 0;
    statement(&pr, ctx, *key ? key : NULL, *after_id ? after_id : NULL, &id, args, &nargs);
    if (pd_db_select(&pr.db, id, args, nargs, &res) != APR_SUCCESS) {
        rv = pd_fail_db(&pr, "exporting tickets");
        goto cleanup;
    }
    rows = pd_ticket_page_read(&pr, &res, PD_EXPORT_PAGE, page, &last_key);
    count = rows > PD_EXPORT_PAGE ? PD_EXPORT_PAGE : rows;
    if (count > 0 && (rv = pd_ticket_names(&pr, page, count)) != APR_SUCCESS) {
        goto cleanup;
    }
    for (i = 0; i < count; i++) {
        for (k = 0; k < EXPORT_COLUMNS; k++) {
            const char *v = page[i][export_columns[k].col];
            if (export_columns[k].number) {
                pd_csv_number(c, v);
            }
            else {
                pd_csv_text(c, v);
            }
        }
        pd_csv_end_row(c);
    }
    if (rows > PD_EXPORT_PAGE && last_key && strlen(last_key) < key_size) {
        apr_cpystrn(key, last_key, key_size);
        apr_cpystrn(after_id, page[count - 1][PD_TC_ID], 32);
        *more = 1;
    }

cleanup:
    /* what the connection learnt stays the request's */
    pr.db.pool = req->db.pool;
    pr.db.error = NULL;
    req->db = pr.db;
    req->err = pr.err;
    return rv;
}

/* GET /api/tickets?format=csv: the whole list the filters select, in its
 * order, a page at a time, each sent before the next is read. A failure
 * once rows went out can only cut the download short (it is logged). */
apr_status_t pd_ticket_export(pd_req_t *req, int bom, pd_export_statement_fn statement, void *ctx,
                              const char *cursor_key, const char *cursor_id)
{
    const char ***page = apr_palloc(req->r->pool, sizeof(const char **) * (PD_EXPORT_PAGE + 1));
    /* the cursor, in room of its own: the pages' pool is cleared */
    char *key = apr_palloc(req->r->pool, 128), *after_id = apr_palloc(req->r->pool, 32);
    apr_pool_t *pool;
    apr_status_t rv;
    pd_csv_t c;
    apr_size_t k;
    int more = 1, sent = 0;

    /* from the list's cursor, if it came with one */
    apr_cpystrn(key, cursor_key && strlen(cursor_key) < 128 ? cursor_key : "", 128);
    apr_cpystrn(after_id, cursor_id && strlen(cursor_id) < 32 ? cursor_id : "", 32);
    pd_csv_init(&c, req->r->pool, 64 * 1024);
    if (bom) {
        pd_csv_bom(&c);
    }
    for (k = 0; k < EXPORT_COLUMNS; k++) {
        pd_csv_text(&c, export_columns[k].name);
    }
    pd_csv_end_row(&c);
    if (req->r->header_only) {
        pd_csv_start(req, "pharmadesk-tickets");
        return APR_SUCCESS;
    }
    apr_pool_create(&pool, req->r->pool);
    while (more) {
        rv = export_page(req, statement, ctx, pool, page, &c, &more, key, 128, after_id);
        apr_pool_clear(pool);
        if (rv != APR_SUCCESS) {
            /* before the first byte the error is the answer */
            return sent ? APR_SUCCESS : rv;
        }
        if (!sent) {
            pd_csv_start(req, "pharmadesk-tickets");
            sent = 1;
        }
        if (pd_csv_send(req, &c) != APR_SUCCESS || ap_rflush(req->r) < 0) {
            return APR_SUCCESS;        /* the client went */
        }
    }
    return APR_SUCCESS;
}

