/* GET /api/audit: the audit log of admin actions (admins only), newest
 * first, a page at a time, filtered by actor, entity, entity id and a time
 * range. The log is append-only: no route changes or deletes an entry, and
 * the database refuses to (migration 0012). */
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_validate.h"
#include "pd_cursor.h"

apr_status_t pd_res_audit_list(pd_req_t *req)
{
    const char *args[16], *q, *after_at, *after_id, *actor, *entity, *entity_id;
    const char *from = NULL, *to = NULL;
    const char *tz = req->conf->time_zone;
    pd_db_result_t res;
    apr_status_t rv;
    int limit, n = 0;

    if ((rv = pd_list_limit(req, &limit)) != APR_SUCCESS
        || (rv = pd_name_page_params(req, "audit", &q, &after_at, &after_id)) != APR_SUCCESS
        || (rv = pd_id_param(req, "actor_id", &actor)) != APR_SUCCESS
        || (rv = pd_id_param(req, "entity_id", &entity_id)) != APR_SUCCESS
        || ((rv = pd_q_time(req->query, "from", &from, &req->err)) != APR_SUCCESS
            && rv != APR_NOTFOUND)
        || ((rv = pd_q_time(req->query, "to", &to, &req->err)) != APR_SUCCESS
            && rv != APR_NOTFOUND)) {
        return rv;
    }
    /* the key goes back as a timestamp parameter: it must be one */
    if (after_at && !pd_cursor_key_timestamp(after_at)) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "cursor",
                            "cursor is not valid for this list");
    }
    entity = apr_table_get(req->query, "entity");
    if (entity && pd_entity_parse(entity) < 0) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "entity",
                            "entity must be one of user, role, ticket_category, "
                            "ticket_module, pharmacy, ticket");
    }
    args[n++] = actor;     args[n++] = actor;
    args[n++] = entity;    args[n++] = entity;
    args[n++] = entity_id; args[n++] = entity_id;
    args[n++] = from;      args[n++] = from;     args[n++] = tz;
    args[n++] = to;        args[n++] = to;       args[n++] = tz;
    args[n++] = after_at;  args[n++] = after_at; args[n++] = after_id;
    /* one row more than asked tells whether there is a next page */
    args[n++] = apr_itoa(req->r->pool, limit + 1);
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_AUDIT_LOG_LIST, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading the audit log");
    }
    return pd_name_page_respond(req, &res, limit, "audit");
}
