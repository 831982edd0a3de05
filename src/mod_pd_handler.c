/* The API handler: route, authenticate, identify, authorize, dispatch. */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_sha256.h"

/* Looked up once at configuration time; read-only afterwards. */
static ap_dbd_t *(*dbd_acquire)(request_rec *) = NULL;

apr_status_t pd_acquire_db(pd_req_t *req)
{
    apr_time_t start = apr_time_now();
    ap_dbd_t *dbd = dbd_acquire ? dbd_acquire(req->r) : NULL;

    pd_metrics_note_acquire(dbd != NULL, apr_time_now() - start);
    if (!dbd) {
        return pd_error_set(&req->err, 503, "service_unavailable", NULL,
                            "the database is unavailable; try again shortly");
    }
    pd_db_init(&req->db, dbd->driver, dbd->handle, dbd->prepared, dbd->pool, req->r->pool);
    return APR_SUCCESS;
}

/* The path below the API base, or NULL when the URI is not under it. */
static const char *api_path(request_rec *r, const char *base)
{
    apr_size_t n = strlen(base);
    if (strncmp(r->uri, base, n) != 0 || (r->uri[n] != '/' && r->uri[n] != '\0')) {
        return NULL;
    }
    return r->uri[n] ? r->uri + n : "/";
}

/* Browsers send Origin with cross-site writes; a write whose Origin names
 * another host than the one it was sent to is a cross-site request forgery
 * (a page elsewhere using the user's session). Requests without Origin come
 * from non-browser clients, which carry their own credentials. The scheme is
 * not compared: behind a TLS-terminating proxy Apache sees http while the
 * browser's Origin says https. "null" (sandboxed frames, file pages) never
 * matches. */
static int same_origin(request_rec *r, const char *origin)
{
    const char *host = apr_table_get(r->headers_in, "Host");
    const char *authority = strstr(origin, "://");

    if (!host || !authority || strcmp(origin, "null") == 0) {
        return 0;
    }
    authority += 3;
    return *authority && strcasecmp(authority, host) == 0;
}

/* Credentials a browser attaches by itself (a session cookie) make a write
 * from another site look like the user's own: such writes must show they
 * come from our pages, by an Origin naming this host (browsers send it on
 * every fetch that writes) and, where a body may come, a JSON content type
 * (which no form can send). A bearer token is never attached by a browser
 * by itself, so only a foreign Origin is refused there. */
static apr_status_t check_csrf(pd_req_t *req, const pd_route_t *route, unsigned method, int public)
{
    request_rec *r = req->r;
    const char *origin = apr_table_get(r->headers_in, "Origin");
    /* the public route honours no session (nor any credential): a foreign
     * Origin alone is refused there */
    int session = !public && pd_session_auth(r);

    if (origin ? !same_origin(r, origin) : session) {
        return pd_error_set(&req->err, 403, "cross_origin", NULL,
                            origin ? "writes from another site are refused"
                                   : "a write with a session needs an Origin header naming this site");
    }
    /* An upload is a form post, which any site's form could send: for it
     * the Origin above is the whole defence, and browsers send one with
     * every cross-site POST. */
    if (session && method != PD_M_DELETE && !route->multipart
        && !pd_is_json_type(apr_table_get(r->headers_in, "Content-Type"))) {
        return pd_error_set(&req->err, 415, "unsupported_media_type", NULL,
                            "a write with a session needs Content-Type: application/json");
    }
    return APR_SUCCESS;
}

static apr_status_t dispatch(pd_req_t *req)
{
    static const char *const no_params[] = { NULL };
    request_rec *r = req->r;
    apr_size_t count;
    const pd_route_t *table = pd_routes(&count);
    pd_route_match_t m;
    const char *path = api_path(r, req->conf->api_base);
    unsigned method = pd_route_method(r->method);
    const char *key;
    apr_status_t rv;
    int public;

    rv = path ? pd_route_match(&m, table, count, method, path) : APR_NOTFOUND;
    /* before anything else but the public route, so that nobody
     * unauthenticated learns even which resources exist (Apache lets
     * OPTIONS through unauthenticated) */
    public = rv == APR_SUCCESS && pd_authz_public((pd_action_e)m.route->action);
    if (!public && !pd_authenticated(r)) {
        return pd_error_set(&req->err, 401, "unauthenticated", NULL,
                            "authentication is required");
    }
    if (rv == APR_NOTFOUND) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such resource");
    }
    if (r->method_number == M_OPTIONS) {
        /* the methods, nothing else: no data, no database */
        apr_table_setn(r->headers_out, "Allow", pd_route_allow(r->pool, m.allowed));
        return pd_respond_no_content(req);
    }
    if (rv == APR_ENOTIMPL) {
        apr_table_setn(r->err_headers_out, "Allow", pd_route_allow(r->pool, m.allowed));
        return pd_error_set(&req->err, 405, "method_not_allowed", NULL,
                            "this resource does not support that method");
    }
    if (method != PD_M_GET && (rv = check_csrf(req, m.route, method, public)) != APR_SUCCESS) {
        return rv;
    }
    req->route = m.route;
    req->id = m.id;
    pd_metrics_note_route(r, m.route);
    if ((rv = pd_parse_query(req, m.route->params ? m.route->params : no_params))
        != APR_SUCCESS) {
        return rv;
    }
    if ((rv = pd_acquire_db(req)) != APR_SUCCESS) {
        return rv;
    }
    if (public) {
        /* no identity, whatever the request carries: the handler checks
         * its desk token, limits and Idempotency-Key itself */
        return ((pd_handler_fn)m.route->handler)(req);
    }
    if ((rv = pd_identify(req)) != APR_SUCCESS) {
        return rv;
    }
    if (!pd_authz_permits(&req->who, (pd_action_e)m.route->action)) {
        return pd_error_set(&req->err, 403, "forbidden", NULL,
                            "your role may not do this");
    }
    key = m.route->idempotent ? apr_table_get(r->headers_in, "Idempotency-Key") : NULL;
    if (key) {
        return pd_idempotent_call(req, key, (pd_handler_fn)m.route->handler);
    }
    return ((pd_handler_fn)m.route->handler)(req);
}

/* After a refusal, what is left of the request body is not read: a small
 * body declared by Content-Length is discarded so the connection can be kept;
 * anything else (chunked, or large) closes it, since reading it could run into
 * LimitRequestBody, whose own error page would replace the JSON answer. */
static void refuse_body(pd_req_t *req)
{
    request_rec *r = req->r;
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    apr_off_t len;

    if (req->body_read || !ap_request_has_body(r)) {
        return;
    }
    if (cl && !apr_table_get(r->headers_in, "Transfer-Encoding")
        && apr_strtoff(&len, cl, NULL, 10) == APR_SUCCESS
        && len >= 0 && len <= req->conf->max_json_body
        && ap_discard_request_body(r) == OK) {
        return;
    }
    r->connection->keepalive = AP_CONN_CLOSE;
}

static int pd_handler(request_rec *r)
{
    pd_req_t *req;

    if (!r->handler || strcmp(r->handler, "pharmadesk") != 0) {
        return DECLINED;
    }
    req = pd_req_create(r);

    if (dispatch(req) != APR_SUCCESS) {
        refuse_body(req);
        pd_respond_error(r, req->conf, &req->err);
    }
    return OK;
}

/* TraceEnable Off: Apache refuses a TRACE in a map_to_storage hook, before
 * any <Location> applies, and answers with its ErrorDocument 405
 * (errors/405.json) by an internal redirect. A 405 names the methods the
 * resource has: for a path of the API, the route table's, set here (before
 * that hook runs) into the headers the redirect keeps. The route table is
 * no secret (the API's description is public). */
static int trace_allow(request_rec *r)
{
    const core_server_config *core;
    const pd_server_conf_t *conf;
    const pd_route_t *table;
    pd_route_match_t m;
    apr_size_t count;
    const char *path;

    if (r->method_number != M_TRACE || r->main || r->prev) {
        return DECLINED;
    }
    core = ap_get_core_module_config(r->server->module_config);
    conf = ap_get_module_config(r->server->module_config, &pharmadesk_module);
    if (core->trace_enable != AP_TRACE_DISABLE || !(path = api_path(r, conf->api_base))) {
        return DECLINED;
    }
    table = pd_routes(&count);
    if (pd_route_match(&m, table, count, 0, path) == APR_ENOTIMPL) {
        apr_table_setn(r->err_headers_out, "Allow", pd_route_allow(r->pool, m.allowed));
    }
    return DECLINED;
}

static int pd_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                          server_rec *s)
{
    pd_config_defaults(s);
    if (pd_sha256_global_init(pconf) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, "pharmadesk: libcrypto has no SHA-256");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    dbd_acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    if (!dbd_acquire) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     "pharmadesk: mod_dbd is not loaded; the API needs it");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

void pd_handler_register(apr_pool_t *p)
{
    /* first: the other hooks read the configuration's defaults (mod_dbd's
     * functions are there from its hook registration on) */
    ap_hook_post_config(pd_post_config, NULL, NULL, APR_HOOK_FIRST);
    /* before http_core's TRACE hook (APR_HOOK_MIDDLE) */
    ap_hook_map_to_storage(trace_allow, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_handler(pd_handler, NULL, NULL, APR_HOOK_MIDDLE);
}
