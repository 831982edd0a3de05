/* Tickets as rows and answers, shared by the routes that read and write
 * them (lists, one ticket, the writes, the dashboard): a row's columns
 * copied and rendered with their names, a ticket fetched within a scope
 * with its ETag, the facts the rules decide on, locked for a write. */
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_ticket.h"
#include "pd_sla.h"

const char **pd_ticket_row_copy(pd_req_t *req, pd_db_result_t *res)
{
    /* the row's columns are copied: names are filled in before rendering */
    const char **row = apr_pcalloc(req->r->pool, sizeof(const char *) * PD_TC__COUNT);
    int i;

    for (i = 0; i < PD_TC_DESCRIPTION; i++) {
        row[i] = pd_db_get(res, i);
    }
    return row;
}

int pd_ticket_page_read(pd_req_t *req, pd_db_result_t *res, int limit, const char ***page,
                        const char **last_key)
{
    int rows = 0;

    if (last_key) {
        *last_key = NULL;
    }
    while (pd_db_next(res) == APR_SUCCESS) {
        if (++rows > limit) {
            continue;          /* read to the end; only its existence matters */
        }
        page[rows - 1] = pd_ticket_row_copy(req, res);
        if (last_key) {
            *last_key = pd_db_get(res, PD_TC_DESCRIPTION);  /* the sort key follows */
        }
    }
    return rows;
}

apr_status_t pd_ticket_page_render(pd_req_t *req, const char ***page, int count,
                                   const char **json)
{
    apr_status_t rv;
    pd_jw_t w;
    int i;

    *json = "";
    if (count == 0) {
        return APR_SUCCESS;
    }
    if ((rv = pd_ticket_names(req, page, count)) != APR_SUCCESS) {
        return rv;
    }
    pd_jw_init(&w, req->r->pool, (apr_size_t)count * 1024);
    for (i = 0; i < count; i++) {
        pd_ticket_render(&w, page[i], 0);
    }
    *json = pd_jw_text(&w);
    return APR_SUCCESS;
}

apr_status_t pd_ticket_from_row(pd_req_t *req, pd_db_result_t *res, const char **json,
                                const char **etag)
{
    const char *cols[PD_TC__COUNT];
    const char **row = cols;
    apr_status_t rv;
    pd_jw_t w;
    int i;

    for (i = 0; i < PD_TC__COUNT; i++) {
        cols[i] = i <= PD_TC_DESCRIPTION ? pd_db_get(res, i) : NULL;
    }
    pd_db_drain(res);
    if ((rv = pd_ticket_names(req, &row, 1)) != APR_SUCCESS) {
        return rv;
    }
    pd_jw_init(&w, req->r->pool, 2048);
    pd_ticket_render_one(&w, cols, &req->who);
    *json = pd_jw_text(&w);
    *etag = pd_ticket_etag(req, cols[PD_TC_ID], cols[PD_TC_VERSION],
                           pd_sla_countdown(req->r->pool, cols));
    return APR_SUCCESS;
}

void pd_ticket_facts_read(pd_db_result_t *res, pd_ticket_facts_t *t)
{
    int st = pd_status_parse(pd_db_get(res, 0));

    /* a status the enum does not know moves nowhere: as if final */
    t->status = st >= 0 ? (pd_status_e)st : PD_ST_CANCELLED;
    t->tech_id = pd_db_get_int64(res, 1);
    t->pharmacy_id = pd_db_get_int64(res, 2);
    t->expert_id = pd_db_get_int64(res, 3);
    t->escalated = pd_db_get_bool(res, 4);
    t->org_units = NULL;
    t->awaiting_ack = 0;
}

apr_status_t pd_ticket_lock_facts(pd_req_t *req, pd_ticket_facts_t *facts)
{
    const char *args[] = { pd_db_int(&req->db, req->id),
                           pd_db_int(&req->db, pd_authz_pharmacy_scope(&req->who)) };
    pd_db_result_t res;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_TICKETS_LOCK_BRIEF, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "locking a ticket");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such ticket");
    }
    pd_ticket_facts_read(&res, facts);
    pd_db_drain(&res);
    return APR_SUCCESS;
}

const char *pd_ticket_etag(pd_req_t *req, const char *id, const char *version,
                           const char *countdown)
{
    /* the version changes with every write that changes what the ticket
     * shows or allows; the caller's role decides the rest of "allowed";
     * the countdown is what its service level clocks move by themselves */
    return apr_psprintf(req->r->pool, "\"t%s-v%s-r%d%s\"", id ? id : "0",
                        version ? version : "0", (int)req->who.role, countdown ? countdown : "");
}

apr_status_t pd_ticket_fetch(pd_req_t *req, apr_int64_t id, apr_int64_t scope,
                             const char **json, const char **etag)
{
    const char *args[2] = { pd_db_int(&req->db, id), pd_db_int(&req->db, scope) };
    pd_db_result_t res;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_TICKETS_GET, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading a ticket");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        /* not there, or another pharmacy's: the same answer */
        pd_error_set(&req->err, 404, "not_found", NULL, "no such ticket");
        return APR_NOTFOUND;
    }
    return pd_ticket_from_row(req, &res, json, etag);
}

apr_status_t pd_ticket_respond(pd_req_t *req, apr_int64_t id)
{
    const char *json, *etag;

    if (pd_ticket_fetch(req, id, 0, &json, &etag) != APR_SUCCESS) {
        return pd_fail_db(req, "reading a written ticket");
    }
    apr_table_setn(req->r->headers_out, "ETag", etag);
    return pd_respond_json(req, HTTP_OK, json);
}

apr_status_t pd_ticket_visible(pd_req_t *req)
{
    const char *args[2];
    pd_db_result_t res;

    args[0] = pd_db_int(&req->db, req->id);
    args[1] = pd_db_int(&req->db, pd_authz_pharmacy_scope(&req->who));
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_TICKETS_VISIBLE, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "finding a ticket");
    }
    /* someone else's ticket and no ticket look the same */
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such ticket");
    }
    pd_db_drain(&res);
    return APR_SUCCESS;
}
