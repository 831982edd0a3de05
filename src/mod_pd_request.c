/* Request bodies, query strings and responses. */
#include <string.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include <util_filter.h>
#include "mod_pd.h"
#include "pd_validate.h"
#include "pd_cursor.h"

pd_req_t *pd_req_create(request_rec *r)
{
    pd_req_t *req = apr_pcalloc(r->pool, sizeof(*req));

    req->r = r;
    req->conf = ap_get_module_config(r->server->module_config, &pharmadesk_module);
    pd_error_init(&req->err, r->pool);
    return req;
}

void pd_common_headers(request_rec *r)
{
    /* ticket data must never sit in a browser or proxy cache */
    /* err_headers_out goes out with every response, success or error */
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    apr_table_setn(r->err_headers_out, "X-Content-Type-Options", "nosniff");
}

static apr_status_t write_body(request_rec *r, int status, const char *text)
{
    pd_common_headers(r);
    r->status = status;
    ap_set_content_type(r, "application/json; charset=utf-8");
    if (text) {
        apr_size_t len = strlen(text);
        ap_set_content_length(r, len + 1);
        if (!r->header_only) {
            ap_rwrite(text, (int)len, r);
            ap_rputs("\n", r);
        }
    }
    return APR_SUCCESS;
}

apr_status_t pd_respond_json(pd_req_t *req, int status, const char *json_text)
{
    if (req->defer) {
        req->deferred_status = status;
        req->deferred_json = json_text;
        return APR_SUCCESS;
    }
    return write_body(req->r, status, json_text);
}

apr_status_t pd_respond_deferred(pd_req_t *req)
{
    req->defer = 0;
    return write_body(req->r, req->deferred_status, req->deferred_json);
}

apr_status_t pd_respond_json_value(pd_req_t *req, int status, json_t *json)
{
    const char *text;
    if (pd_json_dump(&text, req->r->pool, json) != APR_SUCCESS) {
        return pd_error_set(&req->err, 503, "service_unavailable", NULL,
                            "the response could not be encoded");
    }
    return pd_respond_json(req, status, text);
}

apr_status_t pd_respond_not_modified(pd_req_t *req)
{
    pd_common_headers(req->r);
    req->r->status = HTTP_NOT_MODIFIED;
    return APR_SUCCESS;
}

apr_status_t pd_respond_no_content(pd_req_t *req)
{
    pd_common_headers(req->r);
    req->r->status = HTTP_NO_CONTENT;
    return APR_SUCCESS;
}

apr_status_t pd_respond_page(pd_req_t *req, apr_array_header_t *items, const char *next)
{
    return pd_respond_page_extra(req, items, next, NULL);
}

apr_status_t pd_respond_page_extra(pd_req_t *req, apr_array_header_t *items, const char *next,
                                   const char *extra)
{
    /* the items are JSON texts rendered by PostgreSQL: joined, not re-parsed */
    const char *joined = apr_array_pstrcat(req->r->pool, items, ',');
    const char *body = apr_pstrcat(req->r->pool, "{\"items\":[", joined, "],\"next\":",
                                   next ? pd_json_quote(req->r->pool, next) : "null",
                                   extra ? "," : "", extra ? extra : "", "}", NULL);
    int not_modified;
    apr_status_t rv = pd_etag_page(req, body, &not_modified);

    if (rv != APR_SUCCESS || not_modified) {
        return rv;
    }
    return write_body(req->r, HTTP_OK, body);
}

void pd_respond_error(request_rec *r, const pd_server_conf_t *conf, const pd_error_t *err)
{
    const char *text;

    pd_error_to_json(&text, r->pool, err);
    /* a handler may have set the tag of what it was about to send (a 416
     * for a download): an error has no validators */
    apr_table_unset(r->headers_out, "ETag");
    apr_table_unset(r->headers_out, "Last-Modified");
    if (err->status == HTTP_SERVICE_UNAVAILABLE) {
        apr_table_setn(r->headers_out, "Retry-After",
                       apr_itoa(r->pool, conf ? conf->retry_after : 5));
    }
    write_body(r, err->status, text);
}

apr_status_t pd_fail_db(pd_req_t *req, const char *doing)
{
    pd_metrics_note_statement_failure();
    /* a call that did not match its statement is a bug, not an outage */
    ap_log_rerror(APLOG_MARK, req->db.misuse ? APLOG_ERR : APLOG_WARNING, 0, req->r,
                  "pharmadesk: database failure while %s: %s", doing,
                  req->db.error ? req->db.error : "(no message)");
    return pd_error_set(&req->err, 503, "service_unavailable", NULL,
                        "the database is unavailable; try again shortly");
}

apr_status_t pd_act_on_row(pd_req_t *req, pd_sql_id_e action, pd_sql_id_e lookup, int status,
                           const char *doing, const char *what, pd_act_refused_fn refused)
{
    const char *args[] = { pd_db_int(&req->db, req->id) }, *json;
    pd_db_result_t res;
    apr_status_t rv;

    if (pd_db_select(&req->db, action, PD_DB_ARGS(args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, doing);
    }
    if (pd_db_next(&res) == APR_SUCCESS) {
        json = pd_db_get(&res, 0);
        pd_db_drain(&res);
        return pd_respond_json(req, status, json);
    }
    if (pd_db_select(&req->db, lookup, PD_DB_ARGS(args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, apr_pstrcat(req->r->pool, "reading a ", what, NULL));
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_error_setf(&req->err, req->r->pool, 404, "not_found", NULL, "no such %s", what);
    }
    rv = refused(req, &res);
    pd_db_drain(&res);
    return rv;
}

/* application/json, optionally with parameters such as charset=utf-8 */
int pd_is_json_type(const char *ct)
{
    apr_size_t n = strlen("application/json");
    if (!ct || strncasecmp(ct, "application/json", n) != 0) {
        return 0;
    }
    ct += n;
    while (*ct == ' ') {
        ct++;
    }
    return *ct == '\0' || *ct == ';';
}

apr_status_t pd_read_json(pd_req_t *req, json_t **out)
{
    const char *why = NULL;
    apr_status_t rv;

    *out = NULL;
    if (!req->body && (rv = pd_read_body(req)) != APR_SUCCESS) {
        return rv;
    }
    if (req->body_len == 0) {
        return pd_error_set(&req->err, 400, "bad_json", NULL, "the request body is empty");
    }
    if (pd_json_parse_object(out, req->r->pool, req->body, req->body_len, &why) != APR_SUCCESS) {
        return pd_error_set(&req->err, 400, "bad_json", NULL, why);
    }
    return APR_SUCCESS;
}

apr_status_t pd_read_body_stream(pd_req_t *req, apr_off_t limit, apr_size_t piece,
                                 pd_body_sink_fn sink, void *ctx)
{
    request_rec *r = req->r;
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_off_t total = 0;
    apr_status_t rv = APR_SUCCESS;
    int seen_eos = 0;

    while (!seen_eos && rv == APR_SUCCESS) {
        apr_bucket *b;
        rv = ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES, APR_BLOCK_READ, piece);
        if (rv != APR_SUCCESS) {
            int status = ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
            if (status == HTTP_REQUEST_ENTITY_TOO_LARGE) {
                pd_error_set(&req->err, 413, "payload_too_large", NULL,
                             "the request body is too large");
            }
            else {
                pd_error_set(&req->err, status == HTTP_REQUEST_TIME_OUT ? 408 : 400,
                             "bad_request", NULL, "the request body could not be read");
            }
            break;
        }
        for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb); b = APR_BUCKET_NEXT(b)) {
            const char *data;
            apr_size_t len;
            if (APR_BUCKET_IS_EOS(b)) {
                seen_eos = 1;
                break;
            }
            if (APR_BUCKET_IS_METADATA(b)) {
                continue;
            }
            if (apr_bucket_read(b, &data, &len, APR_BLOCK_READ) != APR_SUCCESS) {
                rv = pd_error_set(&req->err, 400, "bad_request", NULL,
                                  "the request body could not be read");
                break;
            }
            /* counted as it arrives: a chunked body declares no length */
            total += (apr_off_t)len;
            if (total > limit) {
                rv = pd_error_setf(&req->err, r->pool, 413, "payload_too_large", NULL,
                                   "the request body is larger than %" APR_OFF_T_FMT
                                   " bytes", limit);
                break;
            }
            if ((rv = sink(ctx, data, len)) != APR_SUCCESS) {
                break;
            }
        }
        apr_brigade_cleanup(bb);
    }
    apr_brigade_destroy(bb);
    if (rv == APR_SUCCESS) {
        req->body_read = 1;
    }
    return rv;
}

typedef struct body_buffer_t {
    char *buf;
    apr_size_t len;
} body_buffer_t;

static apr_status_t buffer_piece(void *ctx, const char *data, apr_size_t len)
{
    body_buffer_t *b = ctx;
    memcpy(b->buf + b->len, data, len);
    b->len += len;
    return APR_SUCCESS;
}

apr_status_t pd_read_body(pd_req_t *req)
{
    if (req->body) {
        return APR_SUCCESS;
    }
    if (!pd_is_json_type(apr_table_get(req->r->headers_in, "Content-Type"))) {
        return pd_error_set(&req->err, 415, "unsupported_media_type", NULL,
                            "the request body must be application/json");
    }
    return pd_read_body_limit(req, req->conf->max_json_body);
}

apr_status_t pd_read_body_limit(pd_req_t *req, apr_off_t limit)
{
    request_rec *r = req->r;
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    apr_off_t declared = -1, room;
    body_buffer_t b = { NULL, 0 };
    apr_status_t rv;

    if (cl && (apr_strtoff(&declared, cl, NULL, 10) != APR_SUCCESS || declared < 0)) {
        declared = -1;
    }
    if (declared > limit) {
        return pd_error_setf(&req->err, r->pool, 413, "payload_too_large", NULL,
                             "the request body is larger than %" APR_OFF_T_FMT " bytes", limit);
    }
    /* room for what the request declares (HTTP reads no more than that),
     * or else for the limit; one byte more for the terminating NUL */
    room = declared >= 0 ? declared : limit;
    b.buf = apr_palloc(r->pool, (apr_size_t)room + 1);
    if ((rv = pd_read_body_stream(req, room, HUGE_STRING_LEN, buffer_piece, &b)) != APR_SUCCESS) {
        return rv;
    }
    b.buf[b.len] = '\0';
    req->body = b.buf;
    req->body_len = b.len;
    return APR_SUCCESS;
}

apr_status_t pd_parse_query(pd_req_t *req, const char *const *allowed)
{
    apr_status_t rv = pd_query_parse(&req->query, req->r->pool, req->r->args, &req->err);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    return pd_q_known(req->query, allowed, &req->err);
}

apr_status_t pd_list_limit_or(pd_req_t *req, int absent, int *limit)
{
    apr_status_t rv = pd_q_int(req->query, "limit", 1, PD_LIST_MAX_LIMIT, limit, &req->err);
    if (rv == APR_NOTFOUND) {
        *limit = absent;
        return APR_SUCCESS;
    }
    return rv;
}

apr_status_t pd_list_limit(pd_req_t *req, int *limit)
{
    return pd_list_limit_or(req, PD_LIST_DEFAULT_LIMIT, limit);
}

apr_status_t pd_choice_param(pd_req_t *req, const char *key, const char *const *allowed,
                             const char **out)
{
    const char *value = apr_table_get(req->query, key), *all = NULL;
    int i;

    *out = value;
    for (i = 0; value && allowed[i]; i++) {
        if (strcmp(value, allowed[i]) == 0) {
            return APR_SUCCESS;
        }
        all = all ? apr_pstrcat(req->r->pool, all, ", ", allowed[i], NULL) : allowed[i];
    }
    if (!value) {
        return APR_SUCCESS;
    }
    *out = NULL;
    return pd_error_setf(&req->err, req->r->pool, 400, "invalid_parameter", key,
                         "%s must be one of %s", key, all ? all : "(none)");
}

apr_status_t pd_id_param(pd_req_t *req, const char *key, const char **out)
{
    apr_int64_t id;
    apr_status_t rv = pd_q_id(req->query, key, &id, &req->err);
    *out = NULL;
    if (rv == APR_NOTFOUND) {
        return APR_SUCCESS;
    }
    if (rv == APR_SUCCESS) {
        *out = pd_db_int(&req->db, id);
    }
    return rv;
}

apr_status_t pd_name_page_params(pd_req_t *req, const char *sort, const char **q,
                                 const char **after_name, const char **after_id)
{
    const char *cursor = apr_table_get(req->query, "cursor");
    pd_cursor_t c;

    *q = apr_table_get(req->query, "q");
    *after_name = *after_id = NULL;
    if (*q && (!pd_utf8_valid(*q, 200) || !**q)) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "q",
                            "q must be 1 to 200 bytes of text");
    }
    if (cursor) {
        if (pd_cursor_decode(&c, req->r->pool, cursor) != APR_SUCCESS
            || strcmp(c.sort, sort) != 0 || c.desc || !pd_utf8_valid(c.key, 800)) {
            return pd_error_set(&req->err, 400, "invalid_parameter", "cursor",
                                "cursor is not valid for this list");
        }
        *after_name = c.key;
        *after_id = pd_db_int(&req->db, c.id);
    }
    return APR_SUCCESS;
}

apr_status_t pd_name_page_respond(pd_req_t *req, pd_db_result_t *res, int limit,
                                  const char *sort)
{
    apr_array_header_t *items = apr_array_make(req->r->pool, limit, sizeof(const char *));
    pd_cursor_t next = { sort, 0, 0, NULL };
    int rows = 0;

    while (pd_db_next(res) == APR_SUCCESS) {
        if (++rows > limit) {
            continue;
        }
        next.id = pd_db_get_int64(res, 0);
        next.key = pd_db_get(res, 1);
        APR_ARRAY_PUSH(items, const char *) = pd_db_get(res, 2);
    }
    return pd_respond_page(req, items, rows > limit ? pd_cursor_encode(req->r->pool, &next)
                                                    : NULL);
}
