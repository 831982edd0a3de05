/* GET /api/dashboard (seed 000, "Modul Dashboard"): the tickets in total
 * and per status, priority, category and module, and the urgent tickets
 * nobody has solved yet, oldest first. pharmacy_id, created_from and
 * created_to narrow it as they narrow the ticket list, within the caller's
 * pharmacy scope (a customer's own pharmacy: another's counts nothing, as
 * their list of it is empty). The counts come pre-aggregated and exact
 * (migration 0017); the list from partial indexes. */
#include <apr_strings.h>
#include "mod_pd.h"

/* The counts' columns, in the statement's order (pd_sql.c): values, then
 * the range's bounds as the database read them (NULL: unbounded). */
enum {
    COL_TOTAL, COL_STATUS, COL_PRIORITY, COL_CATEGORY, COL_MODULE, COL_URGENT, VALUES,
    COL_FROM = VALUES, COL_TO, COLS
};

static apr_status_t read_counts(pd_req_t *req, apr_int64_t scope, const char *pharmacy,
                                const char *from, const char *to, const char **cols)
{
    const char *tz = req->conf->time_zone;
    const char *args[6] = { pd_db_int(&req->db, scope), pharmacy, from, tz, to, tz };
    pd_db_result_t res;
    int i;

    if (pd_db_select(&req->db, PD_SQL_DASHBOARD_COUNTS_SUM, args, &res) != APR_SUCCESS
        || pd_db_next(&res) != APR_SUCCESS) {
        return pd_fail_db(req, "counting tickets for the dashboard");
    }
    for (i = 0; i < COLS; i++) {
        cols[i] = pd_db_get(&res, i);
    }
    while (pd_db_next(&res) == APR_SUCCESS) {
    }
    for (i = 0; i < VALUES; i++) {
        if (!cols[i]) {
            return pd_fail_db(req, "counting tickets for the dashboard (no value)");
        }
    }
    return APR_SUCCESS;
}

/* The oldest urgent, unsolved tickets, as a ticket list renders them: of
 * every pharmacy, or of the one the caller may see and asked for, created
 * within the bounds the counts read. */
static apr_status_t read_urgent(pd_req_t *req, apr_int64_t scope, const char *pharmacy,
                                const char *const *bounds, int limit, const char **json)
{
    const char *args[5] = { pd_db_int(&req->db, scope), pharmacy, bounds[0], bounds[1],
                            apr_itoa(req->r->pool, limit) };
    int all = scope == 0 && !pharmacy;
    const char ***page;
    pd_db_result_t res;
    int rows;

    if (pd_db_select(&req->db, all ? PD_SQL_TICKETS_URGENT : PD_SQL_TICKETS_URGENT_PHARMACY,
                     all ? args + 2 : args, &res) != APR_SUCCESS) {
        return pd_fail_db(req, "listing urgent tickets");
    }
    page = apr_palloc(req->r->pool, sizeof(const char **) * (apr_size_t)limit);
    rows = pd_ticket_page_read(req, &res, limit, page, NULL);
    return pd_ticket_page_render(req, page, rows > limit ? limit : rows, json);
}

apr_status_t pd_res_dashboard_get(pd_req_t *req)
{
    apr_int64_t scope = pd_authz_pharmacy_scope(&req->who);
    const char *pharmacy, *from, *to, *items, *body;
    const char *c[COLS];
    apr_status_t rv;
    int limit;

    if ((rv = pd_id_param(req, "pharmacy_id", &pharmacy)) != APR_SUCCESS
        || (rv = pd_ticket_created_params(req, &from, &to)) != APR_SUCCESS
        || (rv = pd_list_limit(req, &limit)) != APR_SUCCESS
        || (rv = read_counts(req, scope, pharmacy, from, to, c)) != APR_SUCCESS
        || (rv = read_urgent(req, scope, pharmacy, c + COL_FROM, limit, &items)) != APR_SUCCESS) {
        return rv;
    }
    body = apr_pstrcat(req->r->pool,
        "{\"total\":", c[COL_TOTAL], ",\"by_status\":", c[COL_STATUS],
        ",\"by_priority\":", c[COL_PRIORITY], ",\"by_category\":", c[COL_CATEGORY],
        ",\"by_module\":", c[COL_MODULE], ",\"urgent_unsolved\":{\"total\":", c[COL_URGENT],
        ",\"items\":[", items, "]}}", NULL);
    /* an open dashboard polls: an unchanged one answers 304 without a body */
    if (pd_etag_not_modified(req, body)) {
        return pd_respond_not_modified(req);
    }
    return pd_respond_json(req, HTTP_OK, body);
}
