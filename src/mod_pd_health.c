/* The health check for a load balancer (SetHandler pharmadesk-health, on a
 * <Location> of its own that needs no sign-in): GET or HEAD answers 200
 * when this node can take work, that is when it gets a pooled database
 * connection and that connection is to a primary that accepts writes;
 * else 503 with Retry-After, as the API answers while the database is
 * away. The body says nothing about why: the check is open to anyone who
 * reaches the node, and the error log has the details. */
#include <string.h>
#include "mod_pd.h"

#define HANDLER "pharmadesk-health"

static apr_status_t check(pd_req_t *req)
{
    pd_db_result_t res;
    int writable;
    apr_status_t rv;

    if (req->r->method_number != M_GET) {
        apr_table_setn(req->r->err_headers_out, "Allow", "GET, HEAD");
        return pd_error_set(&req->err, 405, "method_not_allowed", NULL,
                            "the health check takes GET and HEAD");
    }
    if ((rv = pd_acquire_db(req)) != APR_SUCCESS) {
        return rv;
    }
    if (pd_db_select(&req->db, PD_SQL_CALL0(PD_SQL_HEALTH_CHECK), &res) != APR_SUCCESS
        || pd_db_next(&res) != APR_SUCCESS) {
        return pd_fail_db(req, "checking the node's health");
    }
    writable = pd_db_get_bool(&res, 0);
    pd_db_drain(&res);
    if (!writable) {
        /* target_session_attrs=read-write keeps this from happening; a
         * DBDParams without it may land on a standby */
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, req->r,
                      "pharmadesk: health check: the database connection is to a standby");
        return pd_error_set(&req->err, 503, "service_unavailable", NULL,
                            "the service is unavailable; try again shortly");
    }
    return pd_respond_json(req, HTTP_OK, "{\"status\":\"ok\"}");
}

static int health_handler(request_rec *r)
{
    pd_req_t *req;

    if (!r->handler || strcmp(r->handler, HANDLER) != 0) {
        return DECLINED;
    }
    req = pd_req_create(r);
    /* a request with a body is not one a health check sends */
    if (ap_request_has_body(r)) {
        r->connection->keepalive = AP_CONN_CLOSE;
    }
    if (check(req) != APR_SUCCESS) {
        pd_respond_error(r, req->conf, &req->err);
    }
    return OK;
}

void pd_health_register(apr_pool_t *p)
{
    ap_hook_handler(health_handler, NULL, NULL, APR_HOOK_MIDDLE);
}
