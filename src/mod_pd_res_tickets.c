/* Ticket reads and deletion: GET /api/tickets (a list, or with q a search),
 * GET and DELETE /api/tickets/{id}. Creation and updates are in
 * mod_pd_res_ticket_write.c. */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_validate.h"
#include "pd_cursor.h"
#include "pd_ticket.h"
#include "mod_pd_ticket_list.h"

#define COUNT_CAP 1000         /* count=true: exact up to it, "more than" it beyond */

/* A search's text becomes the tsquery its statements take. The text goes
 * to the database as it came, which builds the query (pd_search_query,
 * migration 0011) and hands it back as text: the module never writes
 * tsquery syntax. A text without a word to look for is the caller's
 * mistake. */
static apr_status_t search_query(pd_req_t *req, list_query_t *lq)
{
    const char *args[1] = { lq->q }, *query = NULL;
    pd_db_result_t res;

    if (!lq->q) {
        return APR_SUCCESS;
    }
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_TICKET_SEARCH_QUERY, args), &res)
        != APR_SUCCESS) {
        return pd_fail_db(req, "reading a search text");
    }
    while (pd_db_next(&res) == APR_SUCCESS) {
        query = pd_db_get(&res, 0);
    }
    if (!query) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "q",
                            "q has no word to search for");
    }
    lq->q = query;
    return APR_SUCCESS;
}

/* A page's parameters after those before them: the filters, the service
 * level (three times) for its lists, the cursor (its key twice, the time
 * of an integer-and-time key, the id) and the row limit, as TICKET_PAGE,
 * COMPOSITE_LIST and each walk of WAITING_LIST take them. The new count. */
static int page_args(const list_query_t *lq, const char **args, int n)
{
    int i;

    for (i = 0; i < FILTER_ARGS; i++) {
        args[n++] = lq->filters[i];
    }
    for (i = 0; lq->sla && i < 3; i++) {
        args[n++] = lq->sla;
    }
    args[n++] = lq->key;
    args[n++] = lq->key;
    if (pd_ticket_sorts[lq->sort].key == PD_SORT_KEY_INT_TIME) {
        args[n++] = lq->key_time;
    }
    args[n++] = lq->after_id;
    args[n++] = lq->rows;
    return n;
}

/* The statement for the request and its parameters, in the catalogue's
 * order (pd_sql.c): a list's; a search's, which takes the search text and
 * whether internal notes count before them; or a search by relevance, which
 * ranks in ticket_search alone first and keeps only the best page when no
 * filter on the tickets can drop a row. *nargs gets their count, which
 * pd_db_select checks against the statement's. */
static pd_sql_id_e list_statement(pd_req_t *req, const list_query_t *lq, const char **args,
                                  int *nargs)
{
    const char *const *f = lq->filters;
    int i, n = 0;

    /* by a subtree, newest or oldest first: a walk per unit (pd_sql_cases.h) */
    if (lq->subtree && !lq->q && !lq->sla && strcmp(pd_ticket_sorts[lq->sort].name, "created_at") == 0) {
        args[n++] = lq->subtree;
        for (i = 0; i < FILTER_ARGS; i++) {
            args[n++] = i == SUBTREE_ARG || i == SUBTREE_ARG + 1 ? NULL : f[i];
        }
        args[n++] = lq->key;
        args[n++] = lq->key;
        args[n++] = lq->after_id;
        args[n++] = lq->rows;
        args[n++] = lq->rows;
        *nargs = n;
        return lq->desc ? PD_SQL_TICKETS_LIST_SUBTREE_DESC : PD_SQL_TICKETS_LIST_SUBTREE_ASC;
    }
    /* waiting first: a walk of each status that waits for the customer and
     * one of the others, each with the filters and the cursor
     * (WAITING_LIST, pd_sql_lists.h) */
    if (lq->sort == PD_TICKET_SORT_WAITING) {
        for (i = 0; i < 3; i++) {
            n = page_args(lq, args, n);
        }
        args[n++] = lq->rows;
        *nargs = n;
        return lq->desc ? PD_SQL_TICKETS_LIST_WAITING_DESC : PD_SQL_TICKETS_LIST_WAITING_ASC;
    }
    if (lq->q) {
        args[n++] = lq->q;
        args[n++] = pd_db_bool(pd_authz_sees_internal(&req->who));
    }
    if (pd_ticket_sorts[lq->sort].key == PD_SORT_KEY_RANK) {
        args[n++] = f[0];
        args[n++] = lq->key;
        args[n++] = lq->after_id;
        args[n++] = lq->narrowed ? NULL : lq->rows;
        for (i = 0; i < FILTER_ARGS; i++) {
            args[n++] = f[i];
        }
        args[n++] = lq->rows;
    }
    else {
        n = page_args(lq, args, n);
    }
    *nargs = n;
    if (lq->q) {
        return lq->desc ? pd_ticket_sorts[lq->sort].search_desc : pd_ticket_sorts[lq->sort].search_asc;
    }
    return lq->desc ? pd_ticket_sorts[lq->sort].desc : pd_ticket_sorts[lq->sort].asc;
}

/* The list's size through its own filters, reading at most COUNT_CAP rows
 * and one (never the whole table): exact unless *more. */
static apr_status_t count_list(pd_req_t *req, const list_query_t *lq, int *count, int *more)
{
    const char *args[PD_DB_MAX_ARGS];
    pd_db_result_t res;
    pd_sql_id_e id;
    int i, n = 0, rows = 0;

    if (lq->q) {
        args[n++] = lq->q;
        args[n++] = pd_db_bool(pd_authz_sees_internal(&req->who));
    }
    for (i = 0; i < FILTER_ARGS; i++) {
        args[n++] = lq->filters[i];
    }
    for (i = 0; lq->sla && i < 3; i++) {
        args[n++] = lq->sla;
    }
    args[n++] = apr_itoa(req->r->pool, COUNT_CAP + 1);
    id = lq->q ? PD_SQL_TICKETS_COUNT_SEARCH : lq->sla ? PD_SQL_TICKETS_COUNT_SLA
                                                      : PD_SQL_TICKETS_COUNT;
    if (pd_db_select(&req->db, id, args, n, &res) != APR_SUCCESS) {
        return pd_fail_db(req, "counting tickets");
    }
    while (pd_db_next(&res) == APR_SUCCESS) {
        rows = (int)pd_db_get_int64(&res, 0);
    }
    *more = rows > COUNT_CAP;
    *count = *more ? COUNT_CAP : rows;
    return APR_SUCCESS;
}

apr_status_t pd_ticket_list_count(pd_req_t *req, apr_table_t *query, int *count, int *more)
{
    apr_table_t *own = req->query;
    list_query_t lq;
    apr_status_t rv;

    req->query = query;
    rv = pd_ticket_list_query_read(req, &lq);
    req->query = own;
    if (rv != APR_SUCCESS || !count || (rv = search_query(req, &lq)) != APR_SUCCESS) {
        return rv;
    }
    return count_list(req, &lq, count, more);
}

/* The export's pages (mod_pd_res_ticket_export.c): the list's statement
 * from a cursor, a page of PD_EXPORT_PAGE tickets and one. */
static void export_statement(pd_req_t *req, void *ctx, const char *key, const char *after_id,
                             pd_sql_id_e *id, const char **args, int *nargs)
{
    list_query_t *lq = ctx;
    apr_int64_t k;

    lq->limit = PD_EXPORT_PAGE;
    lq->rows = apr_itoa(req->r->pool, PD_EXPORT_PAGE + 1);
    lq->key = key;
    lq->after_id = after_id;
    /* a two-part key ("<integer>|<creation time>", sort=action and
     * waiting) goes to the statement as its two parameters, as a cursor's
     * does; it comes from the previous page's last row */
    if (key && pd_ticket_sorts[lq->sort].key == PD_SORT_KEY_INT_TIME
        && pd_cursor_key_int_time(key, req->r->pool, &k, &lq->key_time)) {
        lq->key = pd_db_int(&req->db, k);
    }
    *id = list_statement(req, lq, args, nargs);
}

apr_status_t pd_res_tickets_list(pd_req_t *req)
{
    list_query_t lq;
    const char *args[PD_DB_MAX_ARGS];
    apr_array_header_t *items;
    const char ***page;
    const char *last_key, *json, *extra;
    pd_db_result_t res;
    apr_status_t rv;
    pd_sql_id_e id;
    int nargs, rows, count, csv, bom, total = 0, more = 0;

    if ((rv = pd_ticket_list_query_read(req, &lq)) != APR_SUCCESS
        || (rv = pd_csv_wanted(req, &csv, &bom)) != APR_SUCCESS
        || (rv = search_query(req, &lq)) != APR_SUCCESS) {
        return rv;
    }
    if (csv) {
        return pd_ticket_export(req, bom, export_statement, &lq, lq.key, lq.after_id);
    }
    id = list_statement(req, &lq, args, &nargs);
    if (pd_db_select(&req->db, id, args, nargs, &res) != APR_SUCCESS) {
        return pd_fail_db(req, "listing tickets");
    }
    page = apr_palloc(req->r->pool, sizeof(const char **) * (apr_size_t)lq.limit);
    rows = pd_ticket_page_read(req, &res, lq.limit, page, &last_key);
    count = rows > lq.limit ? lq.limit : rows;
    if ((rv = pd_ticket_page_render(req, page, count, &json)) != APR_SUCCESS) {
        return rv;
    }
    items = apr_array_make(req->r->pool, 1, sizeof(const char *));
    if (count > 0) {
        APR_ARRAY_PUSH(items, const char *) = json;
    }
    if (lq.count && (rv = count_list(req, &lq, &total, &more)) != APR_SUCCESS) {
        return rv;
    }
    extra = lq.count ? apr_psprintf(req->r->pool, "\"count\":%d,\"count_more\":%s", total,
                                    more ? "true" : "false")
                     : NULL;
    if (rows > lq.limit) {
        apr_int64_t last_id = apr_atoi64(page[count - 1][PD_TC_ID]);
        pd_cursor_t next = { pd_ticket_sorts[lq.sort].name, lq.desc, last_id, last_key };
        return pd_respond_page_extra(req, items, pd_cursor_encode(req->r->pool, &next), extra);
    }
    return pd_respond_page_extra(req, items, NULL, extra);
}

apr_status_t pd_res_tickets_get(pd_req_t *req)
{
    const char *json, *etag;
    int not_modified;
    apr_status_t rv = pd_ticket_fetch(req, req->id, pd_authz_pharmacy_scope(&req->who),
                                      &json, &etag);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    apr_table_setn(req->r->headers_out, "ETag", etag);
    if ((rv = pd_preconditions(req, etag, &not_modified)) != APR_SUCCESS || not_modified) {
        return rv;
    }
    return pd_respond_json(req, HTTP_OK, json);
}

/* The ticket and its timeline go; the audit log keeps who deleted it, when,
 * and its number, title and pharmacy, in the same transaction. */
apr_status_t pd_res_tickets_delete(pd_req_t *req)
{
    const char *args[1] = { pd_db_int(&req->db, req->id) };
    const char *gone;
    pd_db_result_t res;
    apr_status_t rv;

    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting a ticket deletion");
    }
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_TICKETS_DELETE, args), &res) != APR_SUCCESS) {
        rv = pd_fail_db(req, "deleting a ticket");
        goto cleanup;
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        rv = pd_error_set(&req->err, 404, "not_found", NULL, "no such ticket");
        goto cleanup;
    }
    gone = pd_db_get(&res, 0);
    pd_db_drain(&res);
    if ((rv = pd_audit_commit(req, PD_AUDIT_DELETE, PD_ENTITY_TICKET, req->id, gone, NULL))
        != APR_SUCCESS) {
        return rv;
    }
    return pd_respond_no_content(req);

cleanup:
    pd_db_rollback(&req->db);
    return rv;
}
