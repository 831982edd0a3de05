/* GET /api/dashboard: the tickets in total
 * and per status, priority, category and module, and the urgent tickets
 * nobody has solved yet, oldest first. pharmacy_id, created_from and
 * created_to narrow it as they narrow the ticket list, within the caller's
 * pharmacy scope (a customer's own pharmacy: another's counts nothing, as
 * their list of it is empty). The counts come pre-aggregated and exact
 * (migration 0017); the list from partial indexes. */
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_dashboard.h"
#include "pd_ticket.h"

/* The urgent tickets listed unless limit says otherwise: a dashboard shows
 * the top of the list, as helpdesk dashboards do (Znuny's ticket widgets
 * show 10), and links to the whole of it. */
#define URGENT_SHOWN 10

/* The columns of a counted value, after the ticket columns (pd_sql.c,
 * DASHBOARD). */
enum { COL_DIM = PD_TC_DESCRIPTION, COL_KEY, COL_N };

/* The response: the counts, then the urgent list's total and its first
 * `shown` tickets (the first rows). */
static const char *write_json(pd_req_t *req, apr_array_header_t *counts,
                              apr_array_header_t *rows, int shown)
{
    apr_int64_t urgent;
    pd_jw_t w;
    int i;

    pd_jw_init(&w, req->r->pool, 2048 + (apr_size_t)shown * 1024);
    pd_jw_begin(&w, '{');
    pd_dashboard_write(&w, (pd_dash_count_t *)counts->elts, counts->nelts, &urgent);
    pd_jw_key(&w, "urgent_unsolved");
    pd_jw_begin(&w, '{');
    pd_jw_key(&w, "total");
    pd_jw_number(&w, apr_psprintf(req->r->pool, "%" APR_INT64_T_FMT, urgent));
    pd_jw_key(&w, "items");
    pd_jw_begin(&w, '[');
    for (i = 0; i < shown; i++) {
        pd_ticket_render(&w, APR_ARRAY_IDX(rows, i, const char **), 0);
    }
    pd_jw_end(&w, ']');
    pd_jw_end(&w, '}');
    pd_jw_end(&w, '}');
    return pd_jw_text(&w);
}

/* Names the counted categories and modules together with the tickets' own
 * references (rows), in one pd_ticket_names batch: each gets a row that
 * carries only its id, appended to rows. */
static apr_status_t name_counts(pd_req_t *req, apr_array_header_t *counts,
                                apr_array_header_t *rows)
{
    const char ***named = apr_pcalloc(req->r->pool,
                                      sizeof(*named) * (apr_size_t)(counts->nelts + 1));
    apr_status_t rv;
    int i;

    for (i = 0; i < counts->nelts; i++) {
        pd_dash_count_t *count = &APR_ARRAY_IDX(counts, i, pd_dash_count_t);
        if (count->dim == 'c' || count->dim == 'm') {
            named[i] = apr_pcalloc(req->r->pool, sizeof(const char *) * PD_TC__COUNT);
            named[i][count->dim == 'c' ? PD_TC_CATEGORY_ID : PD_TC_MODULE_ID] = count->key;
            APR_ARRAY_PUSH(rows, const char **) = named[i];
        }
    }
    if (rows->nelts
        && (rv = pd_ticket_names(req, (const char ***)rows->elts, rows->nelts)) != APR_SUCCESS) {
        return rv;
    }
    for (i = 0; i < counts->nelts; i++) {
        pd_dash_count_t *count = &APR_ARRAY_IDX(counts, i, pd_dash_count_t);
        if (named[i]) {
            int category = count->dim == 'c';
            count->name = named[i][category ? PD_TC_CATEGORY_NAME : PD_TC_MODULE_NAME];
            count->color = named[i][category ? PD_TC_CATEGORY_COLOR : PD_TC_MODULE_COLOR];
        }
    }
    return APR_SUCCESS;
}

/* The counts and the oldest urgent, unsolved tickets, in one statement, as
 * the response's JSON: of every pharmacy, or of the one the caller may see
 * and asked for. */
static apr_status_t read_dashboard(pd_req_t *req, apr_int64_t scope, const char *pharmacy,
                                   const char *from, const char *to, int limit,
                                   const char **json)
{
    const char *tz = req->conf->time_zone;
    const char *args[] = { pd_db_int(&req->db, scope), pharmacy, from, tz, to, tz,
                           apr_itoa(req->r->pool, limit) };
    int all = scope == 0 && !pharmacy;
    apr_array_header_t *rows = apr_array_make(req->r->pool, limit + 32, sizeof(const char **));
    apr_array_header_t *counts = apr_array_make(req->r->pool, 32, sizeof(pd_dash_count_t));
    pd_db_result_t res;
    apr_status_t rv;
    int tickets;

    /* both statements take the same parameters */
    if (pd_db_select(&req->db, all ? PD_SQL_DASHBOARD_READ : PD_SQL_DASHBOARD_READ_PHARMACY,
                     PD_SQL_ARGS(PD_SQL_DASHBOARD_READ, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading the dashboard");
    }
    while (pd_db_next(&res) == APR_SUCCESS) {
        const char *dim = pd_db_get(&res, COL_DIM), *key = pd_db_get(&res, COL_KEY);
        pd_dash_count_t *count;
        if (pd_db_get(&res, PD_TC_ID)) {
            APR_ARRAY_PUSH(rows, const char **) = pd_ticket_row_copy(req, &res);
        }
        else if (dim && key) {
            count = apr_array_push(counts);
            count->dim = dim[0];
            count->key = key;
            count->n = pd_db_get_int64(&res, COL_N);
            count->name = count->color = NULL;
        }
    }
    tickets = rows->nelts;
    if ((rv = name_counts(req, counts, rows)) != APR_SUCCESS) {
        return rv;
    }
    *json = write_json(req, counts, rows, tickets < limit ? tickets : limit);
    return APR_SUCCESS;
}

apr_status_t pd_res_dashboard_get(pd_req_t *req)
{
    apr_int64_t scope = pd_authz_pharmacy_scope(&req->who);
    const char *pharmacy, *from, *to, *body = NULL;
    apr_status_t rv;
    int limit, not_modified;

    if ((rv = pd_id_param(req, "pharmacy_id", &pharmacy)) != APR_SUCCESS
        || (rv = pd_ticket_created_params(req, &from, &to)) != APR_SUCCESS
        || (rv = pd_list_limit_or(req, URGENT_SHOWN, &limit)) != APR_SUCCESS
        || (rv = read_dashboard(req, scope, pharmacy, from, to, limit, &body)) != APR_SUCCESS) {
        return rv;
    }
    /* an open dashboard polls: an unchanged one answers 304 without a body */
    if ((rv = pd_etag_page(req, body, &not_modified)) != APR_SUCCESS || not_modified) {
        return rv;
    }
    return pd_respond_json(req, HTTP_OK, body);
}
