/* What was sent to whom:
 *   GET  /api/tickets/{id}/notifications           a ticket's deliveries, oldest first (staff)
 *   GET  /api/notification-deliveries              every delivery, newest first, filtered (admins)
 *   POST /api/notification-deliveries/{id}/retry   a failed or dead one, due again now (admins)
 * Staff see a ticket's deliveries beside its timeline: each names its event,
 * the timeline entry that caused it (numbered as staff see the timeline),
 * the recipient, the channel and how it went (pending, sending, sent,
 * failed with its next attempt, dead, cancelled), with the last error. */
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_notify.h"

static const char *const statuses[] = {
    "pending", "sending", "sent", "failed", "dead", "cancelled", NULL
};

apr_status_t pd_res_ticket_notifications(pd_req_t *req)
{
    const char *args[3], *q, *after_key, *after_id;
    pd_db_result_t res;
    apr_status_t rv;
    int limit;

    if ((rv = pd_list_limit(req, &limit)) != APR_SUCCESS
        || (rv = pd_name_page_params(req, "deliveries", &q, &after_key, &after_id))
           != APR_SUCCESS
        || (rv = pd_ticket_visible(req)) != APR_SUCCESS) {
        return rv;
    }
    args[0] = pd_db_int(&req->db, req->id);
    args[1] = after_id;
    args[2] = apr_itoa(req->r->pool, limit + 1);
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_NOTIFY_DELIVERIES_TICKET, args), &res)
        != APR_SUCCESS) {
        return pd_fail_db(req, "reading a ticket's notifications");
    }
    return pd_name_page_respond(req, &res, limit, "deliveries");
}

apr_status_t pd_res_deliveries_list(pd_req_t *req)
{
    const char *args[11], *q, *after_key, *after_id, *status, *channel, *ticket, *user;
    pd_channel_e ch;
    pd_db_result_t res;
    apr_status_t rv;
    int limit, n = 0;

    if ((rv = pd_list_limit(req, &limit)) != APR_SUCCESS
        || (rv = pd_name_page_params(req, "all_deliveries", &q, &after_key, &after_id))
           != APR_SUCCESS
        || (rv = pd_id_param(req, "ticket_id", &ticket)) != APR_SUCCESS
        || (rv = pd_id_param(req, "user_id", &user)) != APR_SUCCESS
        || (rv = pd_choice_param(req, "status", statuses, &status)) != APR_SUCCESS) {
        return rv;
    }
    channel = apr_table_get(req->query, "channel");
    if (channel && pd_channel_parse(channel, &ch) != APR_SUCCESS) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "channel",
                            "channel must be one of portal, email, webhook, whatsapp");
    }
    args[n++] = status;   args[n++] = status;
    args[n++] = channel;  args[n++] = channel;
    args[n++] = ticket;   args[n++] = ticket;
    args[n++] = user;     args[n++] = user;
    args[n++] = after_id; args[n++] = after_id;
    args[n++] = apr_itoa(req->r->pool, limit + 1);
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_NOTIFY_DELIVERIES_LIST, args), &res)
        != APR_SUCCESS) {
        return pd_fail_db(req, "reading notification deliveries");
    }
    return pd_name_page_respond(req, &res, limit, "all_deliveries");
}

static apr_status_t not_retryable(pd_req_t *req, pd_db_result_t *row)
{
    (void)row;
    return pd_error_set(&req->err, 409, "not_retryable", NULL,
                        "only a failed or dead delivery can be retried");
}

apr_status_t pd_res_deliveries_retry(pd_req_t *req)
{
    return pd_act_on_row(req, PD_SQL_NOTIFY_DELIVERIES_RETRY, PD_SQL_NOTIFY_DELIVERIES_EXISTS,
                         HTTP_OK, "retrying a delivery", "delivery", not_retryable);
}
