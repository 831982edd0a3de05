/* The WhatsApp webhook: where Meta delivers the messages people send to
 * the business number and what became of the messages sent. It is served
 * by `SetHandler pharmadesk-whatsapp` on a <Location> outside the signed-in
 * API (/hooks/whatsapp in the shipped configurations), which Apache lets
 * through without authentication: Meta signs in with no session or token.
 * What authenticates a request here is Meta's own:
 *   GET   the subscription handshake: hub.mode=subscribe and the verify
 *         token (PharmadeskWhatsAppVerifyTokenFile), compared in constant
 *         time; the answer echoes hub.challenge as text/plain. 403 else.
 *   POST  a notification, signed: X-Hub-Signature-256 is the HMAC-SHA256 of
 *         the raw body under the app secret (PharmadeskWhatsAppAppSecretFile),
 *         compared in constant time. 403 without it, or when it does not
 *         match.
 * Before either, a request's declared body over PharmadeskWhatsAppMaxBody is
 * refused (413; a body that turns out longer as it arrives too), and each
 * client address may make PharmadeskWhatsAppRateLimit requests a minute,
 * counted in PostgreSQL so that every Apache node shares the count (429
 * with Retry-After). Every refusal is JSON, as the API's are. A signed
 * notification is answered 200 once taken, whatever it held (a message
 * from a number nobody opted in to is dropped, not refused: Meta would only
 * send it again); a database failure is 503, and Meta tries again later,
 * which repeats nothing already taken (mod_pd_whatsapp_inbound.c). Without
 * the app secret the route is not there (404). */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "mod_pd_notify.h"
#include "mod_pd_whatsapp.h"
#include "pd_validate.h"

#define HANDLER "pharmadesk-whatsapp"

/* 1 when the request holds a body still unread. */
static int body_left(pd_req_t *req)
{
    return !req->body_read && ap_request_has_body(req->r);
}

/* One more request from the client's address this minute: 429 past the
 * limit, with the seconds until the next minute. */
static apr_status_t rate_limit(pd_req_t *req)
{
    request_rec *r = req->r;
    const char *address = r->useragent_ip ? r->useragent_ip : "unknown";
    const char *args[] = { strlen(address) <= 64 ? address : "unknown" };
    pd_db_result_t res;
    apr_int64_t hits;
    const char *wait;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_WHATSAPP_HOOK_HITS_COUNT, args), &res)
        != APR_SUCCESS || pd_db_next(&res) != APR_SUCCESS) {
        return pd_fail_db(req, "counting a WhatsApp webhook request");
    }
    hits = pd_db_get_int64(&res, 0);
    wait = pd_db_get(&res, 1);
    pd_db_drain(&res);
    if (hits > req->conf->whatsapp.rate) {
        apr_table_setn(r->err_headers_out, "Retry-After", wait ? wait : "60");
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "pharmadesk: WhatsApp webhook: %s made more "
                      "than %d requests this minute", address, req->conf->whatsapp.rate);
        return pd_error_set(&req->err, 429, "rate_limited", NULL,
                            "too many requests; try again later");
    }
    return APR_SUCCESS;
}

static apr_status_t handshake(pd_req_t *req)
{
    const pd_whatsapp_conf_t *wa = &req->conf->whatsapp;
    request_rec *r = req->r;
    const char *challenge;
    apr_status_t rv;

    if ((rv = pd_query_parse(&req->query, r->pool, r->args, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    challenge = apr_table_get(req->query, "hub.challenge");
    if (!pd_whatsapp_handshake_ok(apr_table_get(req->query, "hub.mode"),
                                  apr_table_get(req->query, "hub.verify_token"), challenge,
                                  wa->verify_token)) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "pharmadesk: WhatsApp webhook: a "
                      "subscription handshake without the verify token was refused");
        return pd_error_set(&req->err, 403, "forbidden", NULL,
                            "hub.mode must be subscribe and hub.verify_token the verify token");
    }
    ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, "pharmadesk: WhatsApp webhook: Meta's "
                  "subscription handshake answered");
    pd_common_headers(r);
    ap_set_content_type(r, "text/plain; charset=utf-8");
    ap_set_content_length(r, (apr_off_t)strlen(challenge));
    if (!r->header_only) {
        ap_rputs(challenge, r);
    }
    return APR_SUCCESS;
}

static apr_status_t notification(pd_req_t *req)
{
    const pd_whatsapp_conf_t *wa = &req->conf->whatsapp;
    request_rec *r = req->r;
    const char *sig = apr_table_get(r->headers_in, "X-Hub-Signature-256"), *why = NULL;
    pd_whatsapp_notice_t notice;
    apr_status_t rv;
    int i;

    if (!pd_is_json_type(apr_table_get(r->headers_in, "Content-Type"))) {
        return pd_error_set(&req->err, 415, "unsupported_media_type", NULL,
                            "the request body must be application/json");
    }
    if ((rv = pd_read_body_limit(req, wa->max_body)) != APR_SUCCESS) {
        return rv;
    }
    if (!pd_whatsapp_signature_ok(wa->app_secret, req->body, req->body_len, sig)) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "pharmadesk: WhatsApp webhook: a notification "
                      "%s was refused", sig ? "whose signature does not match" : "without a signature");
        return pd_error_set(&req->err, 403, "bad_signature", NULL,
                            sig ? "X-Hub-Signature-256 does not match the body"
                                : "the request is not signed (X-Hub-Signature-256)");
    }
    if (pd_whatsapp_notice_parse(r->pool, req->body, req->body_len, wa->phone_number_id,
                                 &notice, &why) != APR_SUCCESS) {
        return pd_error_set(&req->err, 400, "bad_json", NULL, why);
    }
    for (i = 0; i < notice.statuses->nelts; i++) {
        if ((rv = pd_whatsapp_status(req, &APR_ARRAY_IDX(notice.statuses, i,
                                                          pd_whatsapp_status_t))) != APR_SUCCESS) {
            return rv;
        }
    }
    for (i = 0; i < notice.messages->nelts; i++) {
        if ((rv = pd_whatsapp_take(req, &APR_ARRAY_IDX(notice.messages, i, pd_whatsapp_in_t)))
            != APR_SUCCESS) {
            return rv;
        }
    }
    return pd_respond_json(req, HTTP_OK, apr_psprintf(r->pool, "{\"messages\":%d,\"statuses\":%d}",
                                                      notice.messages->nelts,
                                                      notice.statuses->nelts));
}

static apr_status_t serve(pd_req_t *req)
{
    request_rec *r = req->r;
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    apr_off_t declared;
    apr_status_t rv;

    if (!req->conf->whatsapp.app_secret) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such resource");
    }
    if (r->method_number != M_GET && r->method_number != M_POST) {
        apr_table_setn(r->err_headers_out, "Allow", "GET, POST");
        return pd_error_set(&req->err, 405, "method_not_allowed", NULL,
                            "this resource takes GET and POST");
    }
    /* a body too large is refused before it costs anything */
    if (cl && apr_strtoff(&declared, cl, NULL, 10) == APR_SUCCESS
        && declared > req->conf->whatsapp.max_body) {
        return pd_error_setf(&req->err, r->pool, 413, "payload_too_large", NULL,
                             "the request body is larger than %" APR_OFF_T_FMT " bytes",
                             req->conf->whatsapp.max_body);
    }
    if ((rv = pd_acquire_db(req)) != APR_SUCCESS || (rv = rate_limit(req)) != APR_SUCCESS) {
        return rv;
    }
    return r->method_number == M_GET ? handshake(req) : notification(req);
}

static int hook_handler(request_rec *r)
{
    pd_req_t *req;

    if (!r->handler || strcmp(r->handler, HANDLER) != 0) {
        return DECLINED;
    }
    req = pd_req_create(r);
    if (serve(req) != APR_SUCCESS) {
        /* what is left of a refused body is not read */
        if (body_left(req)) {
            r->connection->keepalive = AP_CONN_CLOSE;
        }
        pd_respond_error(r, req->conf, &req->err);
    }
    return OK;
}

/* ---- configuration -------------------------------------------------------------- */

static int whatsapp_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                 server_rec *s)
{
    return pd_config_check_servers(s, pd_whatsapp_config_check);
}

static int whatsapp_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                server_rec *s)
{
    const pd_server_conf_t *conf = ap_get_module_config(s->module_config, &pharmadesk_module);

    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;
    }
    /* as for e-mail: a batch that can take longer to send than its lease
     * may be claimed again by another sender while it is being sent */
    if (pd_whatsapp_available(conf)
        && conf->notify_lease < conf->notify_batch * conf->whatsapp.timeout) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     "pharmadesk: PharmadeskNotifyLease (%d s) is shorter than a batch of WhatsApp "
                     "messages can take (PharmadeskNotifyBatch %d x PharmadeskWhatsAppTimeout %d s): "
                     "a slow batch may be sent twice", conf->notify_lease, conf->notify_batch,
                     conf->whatsapp.timeout);
    }
    return OK;
}

void pd_whatsapp_register(apr_pool_t *p)
{
    ap_hook_check_config(whatsapp_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    /* after the handler's (APR_HOOK_FIRST), which puts the defaults in */
    ap_hook_post_config(whatsapp_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(hook_handler, NULL, NULL, APR_HOOK_MIDDLE);
}
