/* An endpoint's delivery log (admins):
 *   GET  /api/webhook-endpoints/{id}/deliveries   newest first, with each one's last attempt
 *   GET  /api/webhook-deliveries/{id}             one, with the body it sends and its attempts
 *   POST /api/webhook-deliveries/{id}/replay      sent again, under the same delivery id
 * A replay is a new attempt of the same delivery: the same id and body
 * (a receiver that already has it drops it by its id), a fresh signature,
 * and all of PharmadeskNotifyMaxAttempts ahead of it. The background work
 * sends it, as it sends every delivery. */
#include <apr_strings.h>
#include "mod_pd_webhook.h"

static const char *const statuses[] = { "pending", "sending", "sent", "failed", "dead", NULL };

apr_status_t pd_res_webhook_deliveries_list(pd_req_t *req)
{
    const char *args[6], *q, *after_key, *after_id, *status;
    const char *get[] = { pd_db_int(&req->db, req->id) };
    pd_db_result_t res;
    apr_status_t rv;
    int limit;

    if ((rv = pd_list_limit(req, &limit)) != APR_SUCCESS
        || (rv = pd_name_page_params(req, "webhook_deliveries", &q, &after_key, &after_id))
           != APR_SUCCESS
        || (rv = pd_choice_param(req, "status", statuses, &status)) != APR_SUCCESS) {
        return rv;
    }
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_WEBHOOK_ENDPOINTS_GET, get), &res)
        != APR_SUCCESS) {
        return pd_fail_db(req, "reading a webhook endpoint");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such webhook endpoint");
    }
    pd_db_drain(&res);
    args[0] = get[0];
    args[1] = status;
    args[2] = status;
    args[3] = after_id;
    args[4] = after_id;
    args[5] = apr_itoa(req->r->pool, limit + 1);
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_WEBHOOK_DELIVERIES_LIST, args), &res)
        != APR_SUCCESS) {
        return pd_fail_db(req, "reading a webhook endpoint's deliveries");
    }
    return pd_name_page_respond(req, &res, limit, "webhook_deliveries");
}

apr_status_t pd_res_webhook_deliveries_get(pd_req_t *req)
{
    const char *args[] = { pd_db_int(&req->db, req->id) }, *json;
    pd_db_result_t res;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_WEBHOOK_DELIVERIES_GET, args), &res)
        != APR_SUCCESS) {
        return pd_fail_db(req, "reading a webhook delivery");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such webhook delivery");
    }
    json = pd_db_get(&res, 0);
    pd_db_drain(&res);
    return pd_respond_json(req, HTTP_OK, json);
}

/* Why a delivery that is there was not replayed: its endpoint is
 * deactivated, or it is queued already (the lookup's row: status, the
 * endpoint's active). */
static apr_status_t not_replayable(pd_req_t *req, pd_db_result_t *row)
{
    const char *status = pd_db_get(row, 0);

    if (!pd_db_get_bool(row, 1)) {
        return pd_error_set(&req->err, 409, "endpoint_inactive", NULL,
                            "the endpoint is deactivated: activate it first");
    }
    return pd_error_setf(&req->err, req->r->pool, 409, "not_replayable", NULL,
                         "the delivery is %s already: it is sent as soon as it can be",
                         status ? status : "queued");
}

apr_status_t pd_res_webhook_deliveries_replay(pd_req_t *req)
{
    return pd_act_on_row(req, PD_SQL_WEBHOOK_DELIVERIES_REPLAY, PD_SQL_WEBHOOK_DELIVERIES_STATE,
                         HTTP_ACCEPTED, "replaying a webhook delivery", "webhook delivery",
                         not_replayable);
}
