/* The portal channel's notifications, each user their own: a notification
 * is a delivery on the portal channel once sent, and its id the
 * delivery's.
 *   GET  /api/notifications               newest first, a page at a time (unread=true: unread only)
 *   GET  /api/notifications/unread-count  what the bell shows; polled with If-None-Match
 *   POST /api/notifications/{id}/read     one read
 *   POST /api/notifications/read-all      every unread one read (up_to: those up to an id;
 *                                         ticket_id: those about a ticket, which the portal
 *                                         sends when the ticket is opened)
 * A notification was only ever delivered to someone the rules let hear of
 * its event; the reads apply the rules again (a customer sees nothing of
 * another pharmacy's tickets and nothing internal), so a user whose role or
 * pharmacy changed since sees none the rules would now deny. Another
 * user's notification answers 404, as a missing one. */
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_validate.h"

static const char *scope_param(pd_req_t *req)
{
    return pd_db_int(&req->db, pd_authz_pharmacy_scope(&req->who));
}

static const char *staff_param(pd_req_t *req)
{
    return pd_db_bool(pd_authz_sees_internal(&req->who));
}

apr_status_t pd_res_notifications_list(pd_req_t *req)
{
    const char *args[8], *q, *after_key, *after_id;
    pd_db_result_t res;
    apr_status_t rv;
    int limit, only_unread = 0;

    if ((rv = pd_list_limit(req, &limit)) != APR_SUCCESS
        || (rv = pd_name_page_params(req, "notifications", &q, &after_key, &after_id))
           != APR_SUCCESS) {
        return rv;
    }
    if ((rv = pd_q_bool(req->query, "unread", &only_unread, &req->err)) != APR_SUCCESS
        && rv != APR_NOTFOUND) {
        return rv;
    }
    args[0] = staff_param(req);
    args[1] = pd_db_int(&req->db, req->who.user_id);
    args[2] = pd_db_bool(only_unread);
    args[3] = scope_param(req);
    args[4] = staff_param(req);
    args[5] = after_id;
    args[6] = after_id;
    args[7] = apr_itoa(req->r->pool, limit + 1);
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_NOTIFICATIONS_LIST, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading notifications");
    }
    return pd_name_page_respond(req, &res, limit, "notifications");
}

apr_status_t pd_res_notifications_unread(pd_req_t *req)
{
    const char *user = pd_db_int(&req->db, req->who.user_id);
    const char *args[] = {
        user, scope_param(req), staff_param(req), user, scope_param(req), staff_param(req)
    };
    const char *body, *latest;
    pd_db_result_t res;
    int not_modified = 0;
    apr_status_t rv;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_NOTIFICATIONS_UNREAD, args), &res) != APR_SUCCESS
        || pd_db_next(&res) != APR_SUCCESS) {
        return pd_fail_db(req, "counting notifications");
    }
    latest = pd_db_get(&res, 1);
    body = apr_psprintf(req->r->pool, "{\"unread\":%" APR_INT64_T_FMT ",\"latest\":%s}",
                        pd_db_get_int64(&res, 0), latest ? latest : "null");
    pd_db_drain(&res);
    /* the bell polls: the same count and newest unread answer 304 */
    if ((rv = pd_etag_page(req, body, &not_modified)) != APR_SUCCESS || not_modified) {
        return rv;
    }
    return pd_respond_json(req, HTTP_OK, body);
}

apr_status_t pd_res_notifications_read(pd_req_t *req)
{
    const char *args[] = {
        pd_db_int(&req->db, req->id), pd_db_int(&req->db, req->who.user_id), scope_param(req),
        staff_param(req)
    };
    pd_db_result_t res;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_NOTIFICATIONS_READ, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "marking a notification read");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such notification");
    }
    pd_db_drain(&res);
    return pd_respond_no_content(req);
}

apr_status_t pd_res_notifications_read_all(pd_req_t *req)
{
    const char *up_to, *ticket;
    apr_status_t rv;

    if ((rv = pd_id_param(req, "up_to", &up_to)) != APR_SUCCESS
        || (rv = pd_id_param(req, "ticket_id", &ticket)) != APR_SUCCESS) {
        return rv;
    }
    {
        const char *args[] = { pd_db_int(&req->db, req->who.user_id), up_to, up_to, ticket, ticket };
        if (pd_db_exec(&req->db, PD_SQL_CALL(PD_SQL_NOTIFICATIONS_READ_ALL, args), NULL)
            != APR_SUCCESS) {
            return pd_fail_db(req, "marking notifications read");
        }
    }
    return pd_respond_no_content(req);
}
