/* Webhook endpoints (admins):
 *   GET    /api/webhook-endpoints                     every endpoint, oldest first
 *   POST   /api/webhook-endpoints                     register one: its secret is shown once
 *   GET    /api/webhook-endpoints/{id}
 *   PATCH  /api/webhook-endpoints/{id}                URL, description, events, pharmacies, ...
 *   DELETE /api/webhook-endpoints/{id}                with its delivery log
 *   POST   /api/webhook-endpoints/{id}/rotate-secret  a new secret, shown once
 *   POST   /api/webhook-endpoints/{id}/ping           a signed test request, answered at once
 * Secrets are made here, never chosen by a person: 32 random bytes. Every
 * change is one transaction with its audit entry, which, like every answer
 * but the two that show it, never holds the secret. */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd_webhook.h"
#include "pd_validate.h"

static const char *const body_fields[] = {
    "url", "description", "events", "pharmacy_ids", "include_internal", "active", NULL
};

#define MAX_PHARMACIES 100

/* An endpoint's members as a write gives them: NULL where not given;
 * events and pharmacy_ids as array literals. */
typedef struct endpoint_t {
    const char *url, *description, *events, *pharmacy_ids, *include_internal, *active;
    int npharmacies;
} endpoint_t;

static apr_status_t check_url(pd_req_t *req, const char *url)
{
    pd_webhook_url_t u;
    pd_webhook_addr_t a;
    const char *why = pd_webhook_url_check(req->r->pool, url, &u), *cls;

    if (why) {
        return pd_error_setf(&req->err, req->r->pool, 422, "validation_failed", "url", "url: %s",
                             why);
    }
    /* an address written in the URL is judged now; a name when it is used,
     * since what it resolves to can change */
    if (u.literal && pd_webhook_addr_parse(u.host, &a) == APR_SUCCESS
        && !pd_webhook_addr_allowed(&a, (const pd_webhook_net_t *)req->conf->webhook_allow->elts,
                                    req->conf->webhook_allow->nelts, &cls)) {
        return pd_error_setf(&req->err, req->r->pool, 422, "validation_failed", "url",
                             "url: %s is a %s address, which PharmadeskWebhookAllowNetworks does "
                             "not allow", u.host, cls);
    }
    return APR_SUCCESS;
}

/* events: event names, none twice; an empty list takes every event. */
static apr_status_t read_events(pd_req_t *req, const json_t *body, const char **out)
{
    apr_pool_t *p = req->r->pool;
    const json_t *v = json_object_get(body, "events");
    unsigned seen = 0;
    const char *lit = "";
    size_t i;

    if (!v) {
        return APR_NOTFOUND;
    }
    if (!json_is_array(v) || json_array_size(v) > PD_EV__COUNT) {
        return pd_error_set(&req->err, 422, "validation_failed", "events",
                            "events must be a list of event names (empty: every event)");
    }
    for (i = 0; i < json_array_size(v); i++) {
        const json_t *e = json_array_get(v, i);
        pd_event_e ev;
        if (!json_is_string(e) || pd_event_parse(json_string_value(e), &ev) != APR_SUCCESS) {
            return pd_error_set(&req->err, 422, "validation_failed", "events",
                                "events takes ticket_created, assigned, unassigned, "
                                "status_changed, public_reply, internal_note, attachment_added "
                                "and auto_closed");
        }
        if (seen & (1u << ev)) {
            return pd_error_setf(&req->err, p, 422, "validation_failed", "events",
                                 "events names %s twice", pd_event_name(ev));
        }
        seen |= 1u << ev;
        lit = apr_pstrcat(p, lit, i ? "," : "", pd_event_name(ev), NULL);
    }
    *out = apr_pstrcat(p, "{", lit, "}", NULL);
    return APR_SUCCESS;
}

/* pharmacy_ids: ids, none twice; empty: every pharmacy. */
static apr_status_t read_pharmacies(pd_req_t *req, const json_t *body, endpoint_t *ep)
{
    apr_pool_t *p = req->r->pool;
    const json_t *v = json_object_get(body, "pharmacy_ids");
    const char *lit = "";
    size_t i, j;

    if (!v) {
        return APR_NOTFOUND;
    }
    if (!json_is_array(v) || json_array_size(v) > MAX_PHARMACIES) {
        return pd_error_set(&req->err, 422, "validation_failed", "pharmacy_ids",
                            "pharmacy_ids must be a list of at most 100 pharmacy ids "
                            "(empty: every pharmacy)");
    }
    for (i = 0; i < json_array_size(v); i++) {
        const json_t *e = json_array_get(v, i);
        if (!json_is_integer(e) || json_integer_value(e) <= 0) {
            return pd_error_set(&req->err, 422, "validation_failed", "pharmacy_ids",
                                "pharmacy_ids must hold positive integer ids");
        }
        for (j = 0; j < i; j++) {
            if (json_integer_value(json_array_get(v, j)) == json_integer_value(e)) {
                return pd_error_setf(&req->err, p, 422, "validation_failed", "pharmacy_ids",
                                     "pharmacy_ids names %" APR_INT64_T_FMT " twice",
                                     (apr_int64_t)json_integer_value(e));
            }
        }
        lit = apr_psprintf(p, "%s%s%" APR_INT64_T_FMT, lit, i ? "," : "",
                           (apr_int64_t)json_integer_value(e));
    }
    ep->pharmacy_ids = apr_pstrcat(p, "{", lit, "}", NULL);
    ep->npharmacies = (int)json_array_size(v);
    return APR_SUCCESS;
}

static apr_status_t read_body(pd_req_t *req, int creating, endpoint_t *ep)
{
    apr_pool_t *p = req->r->pool;
    json_t *body;
    apr_status_t rv;
    int flag;

    memset(ep, 0, sizeof(*ep));
    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = pd_v_known_fields(body, body_fields, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    rv = pd_v_string(body, "url", creating ? PD_V_REQUIRED : 0, 1, PD_WEBHOOK_URL_MAX, p, &ep->url,
                     &req->err);
    if ((rv != APR_SUCCESS && rv != APR_NOTFOUND)
        || (ep->url && (rv = check_url(req, ep->url)) != APR_SUCCESS)) {
        return rv;
    }
    rv = pd_v_string(body, "description", 0, 0, 500, p, &ep->description, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    if (((rv = read_events(req, body, &ep->events)) != APR_SUCCESS && rv != APR_NOTFOUND)
        || ((rv = read_pharmacies(req, body, ep)) != APR_SUCCESS && rv != APR_NOTFOUND)) {
        return rv;
    }
    if ((rv = pd_v_bool(body, "include_internal", 0, &flag, &req->err)) == APR_SUCCESS) {
        ep->include_internal = pd_db_bool(flag);
    }
    else if (rv != APR_NOTFOUND) {
        return rv;
    }
    if ((rv = pd_v_bool(body, "active", 0, &flag, &req->err)) == APR_SUCCESS) {
        ep->active = pd_db_bool(flag);
    }
    return rv == APR_NOTFOUND ? APR_SUCCESS : rv;
}

/* The pharmacies named must exist (deactivated ones may be kept). */
static apr_status_t check_pharmacies(pd_req_t *req, const endpoint_t *ep)
{
    const char *args[] = { ep->pharmacy_ids };
    pd_db_result_t res;
    apr_int64_t n = -1;

    if (!ep->pharmacy_ids || ep->npharmacies == 0) {
        return APR_SUCCESS;
    }
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_PHARMACIES_COUNT, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading pharmacies");
    }
    if (pd_db_next(&res) == APR_SUCCESS) {
        n = pd_db_get_int64(&res, 0);
        pd_db_drain(&res);
    }
    if (n != ep->npharmacies) {
        return pd_error_set(&req->err, 422, "unknown_reference", "pharmacy_ids",
                            "pharmacy_ids names a pharmacy that does not exist");
    }
    return APR_SUCCESS;
}

/* The endpoint's JSON with its secret, for the two answers that show it. */
static const char *with_secret(pd_req_t *req, const char *json, const char *secret)
{
    apr_size_t n = strlen(json);
    return apr_pstrcat(req->r->pool, apr_pstrmemdup(req->r->pool, json, n - 1),
                       ",\"secret\":", pd_json_quote(req->r->pool, secret), "}", NULL);
}

apr_status_t pd_res_webhooks_list(pd_req_t *req)
{
    const char *args[2], *q, *after_key, *after_id;
    pd_db_result_t res;
    apr_status_t rv;
    int limit;

    if ((rv = pd_list_limit(req, &limit)) != APR_SUCCESS
        || (rv = pd_name_page_params(req, "webhook_endpoints", &q, &after_key, &after_id))
           != APR_SUCCESS) {
        return rv;
    }
    args[0] = after_id;
    args[1] = apr_itoa(req->r->pool, limit + 1);
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_WEBHOOK_ENDPOINTS_LIST, args), &res)
        != APR_SUCCESS) {
        return pd_fail_db(req, "listing webhook endpoints");
    }
    return pd_name_page_respond(req, &res, limit, "webhook_endpoints");
}

/* 1 endpoint: its JSON, URL and secret; 404 when there is none. */
static apr_status_t fetch(pd_req_t *req, const char **json, const char **url, const char **secret)
{
    const char *args[] = { pd_db_int(&req->db, req->id) };
    pd_db_result_t res;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_WEBHOOK_ENDPOINTS_GET, args), &res)
        != APR_SUCCESS) {
        return pd_fail_db(req, "reading a webhook endpoint");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such webhook endpoint");
    }
    *json = pd_db_get(&res, 0);
    if (url) {
        *url = pd_db_get(&res, 1);
        *secret = pd_db_get(&res, 2);
    }
    pd_db_drain(&res);
    return APR_SUCCESS;
}

apr_status_t pd_res_webhooks_get(pd_req_t *req)
{
    const char *json = NULL;
    apr_status_t rv = fetch(req, &json, NULL, NULL);
    return rv == APR_SUCCESS ? pd_respond_json(req, HTTP_OK, json) : rv;
}

apr_status_t pd_res_webhooks_create(pd_req_t *req)
{
    const char *args[8], *secret, *id, *json;
    endpoint_t ep;
    pd_db_result_t res;
    apr_status_t rv;

    if ((rv = read_body(req, 1, &ep)) != APR_SUCCESS
        || (rv = check_pharmacies(req, &ep)) != APR_SUCCESS) {
        return rv;
    }
    if (pd_webhook_secret_new(req->r->pool, &secret) != APR_SUCCESS) {
        return pd_error_set(&req->err, 503, "service_unavailable", NULL,
                            "no secret could be made: the system's random source failed");
    }
    args[0] = ep.url;
    args[1] = ep.description ? ep.description : "";
    args[2] = secret;
    args[3] = ep.events ? ep.events : "{}";
    args[4] = ep.pharmacy_ids ? ep.pharmacy_ids : "{}";
    args[5] = ep.include_internal ? ep.include_internal : "false";
    args[6] = ep.active ? ep.active : "true";
    args[7] = pd_db_id_or_null(&req->db, req->who.user_id);
    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting a create");
    }
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_WEBHOOK_ENDPOINTS_INSERT, args), &res)
        != APR_SUCCESS || pd_db_next(&res) != APR_SUCCESS) {
        rv = pd_fail_db(req, "creating a webhook endpoint");
        pd_db_rollback(&req->db);
        return rv;
    }
    id = pd_db_get(&res, 0);
    json = pd_db_get(&res, 1);
    pd_db_drain(&res);
    if ((rv = pd_audit_commit(req, PD_AUDIT_CREATE, PD_ENTITY_WEBHOOK_ENDPOINT, apr_atoi64(id),
                              NULL, json)) != APR_SUCCESS) {
        return rv;
    }
    apr_table_setn(req->r->headers_out, "Location",
                   apr_pstrcat(req->r->pool, req->conf->api_base, "/webhook-endpoints/", id, NULL));
    return pd_respond_json(req, HTTP_CREATED, with_secret(req, json, secret));
}

/* The endpoint locked in a new transaction: what it is now, as a write
 * would give it, and its JSON. 404 when there is none. */
static apr_status_t lock(pd_req_t *req, endpoint_t *cur, const char **before)
{
    const char *args[] = { pd_db_int(&req->db, req->id) };
    pd_db_result_t res;

    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting a change to a webhook endpoint");
    }
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_WEBHOOK_ENDPOINTS_LOCK, args), &res)
        != APR_SUCCESS) {
        pd_db_rollback(&req->db);
        return pd_fail_db(req, "locking a webhook endpoint");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        pd_db_rollback(&req->db);
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such webhook endpoint");
    }
    memset(cur, 0, sizeof(*cur));
    cur->url = pd_db_get(&res, 0);
    cur->description = pd_db_get(&res, 1);
    cur->events = pd_db_get(&res, 2);
    cur->pharmacy_ids = pd_db_get(&res, 3);
    cur->include_internal = pd_db_get_bool(&res, 4) ? "true" : "false";
    cur->active = pd_db_get_bool(&res, 5) ? "true" : "false";
    *before = pd_db_get(&res, 6);
    pd_db_drain(&res);
    return APR_SUCCESS;
}

/* Runs a change's statement on the locked endpoint, audits it and answers
 * with the endpoint (and its secret, when the change made one). */
static apr_status_t finish(pd_req_t *req, pd_sql_id_e id, const char *const *args, int nargs,
                           const char *before, const char *secret)
{
    pd_db_result_t res;
    const char *after;
    apr_status_t rv;

    if (pd_db_select(&req->db, id, args, nargs, &res) != APR_SUCCESS
        || pd_db_next(&res) != APR_SUCCESS) {
        rv = pd_fail_db(req, "changing a webhook endpoint");
        pd_db_rollback(&req->db);
        return rv;
    }
    after = pd_db_get(&res, 0);
    pd_db_drain(&res);
    if ((rv = pd_audit_commit(req, PD_AUDIT_UPDATE, PD_ENTITY_WEBHOOK_ENDPOINT, req->id, before,
                              after)) != APR_SUCCESS) {
        return rv;
    }
    return pd_respond_json(req, HTTP_OK, secret ? with_secret(req, after, secret) : after);
}

apr_status_t pd_res_webhooks_update(pd_req_t *req)
{
    const char *args[8], *before;
    endpoint_t ep, cur;
    apr_status_t rv;

    if ((rv = read_body(req, 0, &ep)) != APR_SUCCESS
        || (rv = check_pharmacies(req, &ep)) != APR_SUCCESS
        || (rv = lock(req, &cur, &before)) != APR_SUCCESS) {
        return rv;
    }
    args[0] = ep.url ? ep.url : cur.url;
    args[1] = ep.description ? ep.description : cur.description;
    args[2] = ep.events ? ep.events : cur.events;
    args[3] = ep.pharmacy_ids ? ep.pharmacy_ids : cur.pharmacy_ids;
    args[4] = ep.include_internal ? ep.include_internal : cur.include_internal;
    args[5] = ep.active ? ep.active : cur.active;
    /* turned on again: the reason it was turned off goes */
    args[6] = pd_db_bool(ep.active && strcmp(ep.active, "true") == 0);
    args[7] = pd_db_int(&req->db, req->id);
    return finish(req, PD_SQL_CALL(PD_SQL_WEBHOOK_ENDPOINTS_UPDATE, args), before, NULL);
}

apr_status_t pd_res_webhooks_rotate(pd_req_t *req)
{
    const char *args[2], *before, *secret;
    endpoint_t cur;
    apr_status_t rv;

    if (pd_webhook_secret_new(req->r->pool, &secret) != APR_SUCCESS) {
        return pd_error_set(&req->err, 503, "service_unavailable", NULL,
                            "no secret could be made: the system's random source failed");
    }
    if ((rv = lock(req, &cur, &before)) != APR_SUCCESS) {
        return rv;
    }
    args[0] = secret;
    args[1] = pd_db_int(&req->db, req->id);
    return finish(req, PD_SQL_CALL(PD_SQL_WEBHOOK_ENDPOINTS_ROTATE, args), before, secret);
}

apr_status_t pd_res_webhooks_delete(pd_req_t *req)
{
    const char *args[] = { pd_db_int(&req->db, req->id) }, *before;
    endpoint_t cur;
    apr_status_t rv;

    if ((rv = lock(req, &cur, &before)) != APR_SUCCESS) {
        return rv;
    }
    if (pd_db_exec(&req->db, PD_SQL_CALL(PD_SQL_WEBHOOK_ENDPOINTS_DELETE, args), NULL)
        != APR_SUCCESS) {
        rv = pd_fail_db(req, "deleting a webhook endpoint");
        pd_db_rollback(&req->db);
        return rv;
    }
    if ((rv = pd_audit_commit(req, PD_AUDIT_DELETE, PD_ENTITY_WEBHOOK_ENDPOINT, req->id, before,
                              NULL)) != APR_SUCCESS) {
        return rv;
    }
    return pd_respond_no_content(req);
}

/* A signed request of the event "ping", sent now, whether the endpoint is
 * active or not, and its outcome: what an admin checks a receiver with. */
apr_status_t pd_res_webhooks_ping(pd_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    const char *json, *url, *secret, *id, *body;
    char when[32];
    apr_time_exp_t now;
    apr_size_t len;
    unsigned char raw[8];
    char hex[17];
    pd_webhook_outcome_t o;
    json_t *out, *b;
    apr_status_t rv;
    int i;

    if ((rv = fetch(req, &json, &url, &secret)) != APR_SUCCESS) {
        return rv;
    }
    if (apr_generate_random_bytes(raw, sizeof(raw)) != APR_SUCCESS) {
        memset(raw, 0, sizeof(raw));
    }
    for (i = 0; i < 8; i++) {
        apr_snprintf(hex + 2 * i, 3, "%02x", raw[i]);
    }
    id = apr_pstrcat(p, "ping-", hex, NULL);
    b = pd_json_bind(p, json_object());
    json_object_set_new(b, "id", json_string(id));
    json_object_set_new(b, "event", json_string("ping"));
    apr_time_exp_gmt(&now, apr_time_now());
    apr_strftime(when, &len, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &now);
    json_object_set_new(b, "created_at", json_string(when));
    json_object_set_new(b, "ticket", json_null());
    json_object_set_new(b, "entry", json_null());
    json_object_set_new(b, "actor", json_pack("{s:I, s:s, s:s}", "id", (json_int_t)req->who.user_id,
                                              "name", req->who.name ? req->who.name : "",
                                              "role", pd_role_code(req->who.role)));
    json_object_set_new(b, "endpoint", json_pack("{s:I, s:s}", "id", (json_int_t)req->id,
                                                 "url", url));
    if (pd_json_dump(&body, p, b) != APR_SUCCESS) {
        return pd_error_set(&req->err, 503, "service_unavailable", NULL,
                            "the ping could not be encoded");
    }
    pd_webhook_call(req->r->server, req->conf, url, secret, "ping", id, body, p, &o);
    out = pd_json_bind(p, json_object());
    json_object_set_new(out, "id", json_string(id));
    json_object_set_new(out, "delivered", json_boolean(o.delivered));
    json_object_set_new(out, "response_status", o.status ? json_integer(o.status) : json_null());
    json_object_set_new(out, "response_excerpt", o.excerpt ? json_string(o.excerpt) : json_null());
    json_object_set_new(out, "error", o.error ? json_string(pd_notify_error_text(p, o.error))
                                              : json_null());
    json_object_set_new(out, "address", o.address ? json_string(o.address) : json_null());
    json_object_set_new(out, "duration_ms", json_integer(o.duration_ms));
    json_object_set_new(out, "body", json_string(body));
    return pd_respond_json_value(req, HTTP_OK, out);
}
