/* The QR self check-in: GET and POST /api/checkin, the one API route
 * served without a sign-in (Apache lets exactly it through; the
 * dispatcher skips identity and authorization for it). What stands in for
 * a sign-in is the desk token the printed code carries (pd_desk_token.h):
 *   GET  ?t=<token>  the desk as its form shows it: its name and the unit
 *        its cases go to, or the units the visitor picks from;
 *   POST {token, name, id_number, institution, phone, purpose[,
 *        org_unit_id]}  the visitor and their case (source qr), through
 *        the same intake as POST /api/visitors, honouring Idempotency-Key
 *        (scoped to the desk); the answer is the case number and the unit.
 * Without a good token (none, malformed, a wrong signature, unknown,
 * revoked or expired) the answer is 404, the same for each. Every request
 * counts against its client address (r->useragent_ip, which mod_remoteip
 * sets behind a proxy), and every POST with a good token against that
 * token, in fixed windows kept in PostgreSQL (checkin_hits) so that every
 * Apache node shares them: over PharmadeskCheckinClientLimit or
 * PharmadeskCheckinTokenLimit per PharmadeskCheckinWindow, 429 with
 * Retry-After. No cookie or identity is read: the visitor's session, if
 * any, changes nothing. */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_validate.h"
#include "pd_desk_token.h"
#include "pd_sha256.h"

/* A desk in force, by its token. */
typedef struct desk_t {
    const char *id;            /* the desk token's row */
    const char *public_id;
    const char *unit;          /* the unit its cases go to; NULL: the visitor picks */
    const char *form;          /* the desk as GET shows it */
    const char *choices;       /* the units to pick from, comma-separated */
} desk_t;

static apr_status_t no_desk(pd_req_t *req)
{
    return pd_error_set(&req->err, 404, "not_found", NULL,
                        "this check-in code is not valid (any more); please ask at the desk");
}

/* One more request of the kind (client, token) from subject: 429 past the
 * limit, with the seconds until the window ends. */
static apr_status_t count_hit(pd_req_t *req, const char *kind, const char *subject, int limit)
{
    const char *window = apr_itoa(req->r->pool, req->conf->checkin_window);
    const char *args[4] = { window, kind, subject, window };
    pd_db_result_t res;
    apr_int64_t hits;
    const char *wait;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_CHECKIN_HITS_COUNT, args), &res) != APR_SUCCESS
        || pd_db_next(&res) != APR_SUCCESS) {
        return pd_fail_db(req, "counting a check-in request");
    }
    hits = pd_db_get_int64(&res, 0);
    wait = pd_db_get(&res, 1);
    pd_db_drain(&res);
    if (hits > limit) {
        apr_table_setn(req->r->err_headers_out, "Retry-After", wait ? wait : "60");
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, req->r, "pharmadesk: check-in: the %s %s made "
                      "more than %d requests in %d s", kind, subject, limit,
                      req->conf->checkin_window);
        return pd_error_set(&req->err, 429, "rate_limited", NULL,
                            "too many check-ins; try again later");
    }
    return APR_SUCCESS;
}

static apr_status_t count_client(pd_req_t *req)
{
    const char *address = req->r->useragent_ip ? req->r->useragent_ip : "unknown";
    return count_hit(req, "client", strlen(address) <= 64 ? address : "unknown",
                     req->conf->checkin_client_limit);
}

/* The desk of a token in force into *d; 404 for anything else. The
 * caller's identity becomes the check-in's own account. */
static apr_status_t find_desk(pd_req_t *req, const char *token, desk_t *d)
{
    char public_id[PD_DESK_ID_LEN + 1];
    const char *args[1];
    pd_db_result_t res;

    if (!pd_desk_token_check(req->conf->desk_token_secret, token, public_id)) {
        return no_desk(req);
    }
    args[0] = public_id;
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_DESK_TOKENS_FIND, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "finding a desk");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return no_desk(req);
    }
    d->id = pd_db_get(&res, 0);
    d->public_id = apr_pstrdup(req->r->pool, public_id);
    d->unit = pd_db_get(&res, 1);
    d->form = pd_db_get(&res, 2);
    req->who.user_id = pd_db_get_int64(&res, 3);
    d->choices = pd_db_get(&res, 4);
    pd_db_drain(&res);
    return req->who.user_id > 0 ? APR_SUCCESS : pd_fail_db(req, "finding the check-in's account");
}

/* 1 when the unit is one of the comma-separated list. */
static int among(const char *list, apr_int64_t unit)
{
    const char *p = list;

    while (p && *p) {
        if (apr_atoi64(p) == unit) {
            return 1;
        }
        p = strchr(p, ',');
        p = p ? p + 1 : NULL;
    }
    return 0;
}

static apr_status_t body_token(pd_req_t *req, json_t **body, const char **token)
{
    apr_status_t rv;

    if ((rv = pd_read_json(req, body)) != APR_SUCCESS) {
        return rv;
    }
    *token = json_string_value(json_object_get(*body, "token"));
    return APR_SUCCESS;
}

/* The check-in itself (inside the idempotent call when there is a key). */
static apr_status_t check_in(pd_req_t *req)
{
    static const char *const fixed[] = {
        "token", "name", "id_number", "institution", "phone", "purpose", NULL
    };
    static const char *const choice[] = {
        "token", "name", "id_number", "institution", "phone", "purpose", "org_unit_id", NULL
    };
    const char *token;
    pd_visitor_in_t v;
    desk_t d;
    json_t *body;
    apr_status_t rv;

    if ((rv = body_token(req, &body, &token)) != APR_SUCCESS
        || (rv = find_desk(req, token, &d)) != APR_SUCCESS
        || (rv = pd_visitor_read(req, body, d.unit ? fixed : choice, d.unit ? 0 : PD_V_REQUIRED,
                                 &v)) != APR_SUCCESS) {
        return rv;
    }
    if (d.unit) {
        v.unit = apr_atoi64(d.unit);
    }
    else if (!among(d.choices, v.unit)) {
        return pd_error_set(&req->err, 422, "validation_failed", "org_unit_id",
                            "org_unit_id must be one of the desk's units");
    }
    v.source = pd_source_name(PD_SRC_QR);
    return pd_visitor_check_in(req, &v, PD_SQL_VISITORS_INSERT_SELF, NULL);
}

apr_status_t pd_res_checkin_get(pd_req_t *req)
{
    const char *token = apr_table_get(req->query, "t");
    apr_status_t rv;
    desk_t d;

    if ((rv = count_client(req)) != APR_SUCCESS) {
        return rv;
    }
    if ((rv = find_desk(req, token, &d)) != APR_SUCCESS) {
        return rv;
    }
    return pd_respond_json(req, HTTP_OK, d.form);
}

apr_status_t pd_res_checkin_create(pd_req_t *req)
{
    const char *token, *key = apr_table_get(req->r->headers_in, "Idempotency-Key");
    char hex[PD_SHA256_HEX];
    json_t *body;
    apr_status_t rv;
    desk_t d;

    if ((rv = count_client(req)) != APR_SUCCESS
        || (rv = body_token(req, &body, &token)) != APR_SUCCESS
        || (rv = find_desk(req, token, &d)) != APR_SUCCESS
        || (rv = count_hit(req, "token", d.public_id, req->conf->checkin_token_limit))
           != APR_SUCCESS) {
        return rv;
    }
    if (!key) {
        return check_in(req);
    }
    if (!pd_idempotency_key_valid(key)) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "Idempotency-Key",
                            "Idempotency-Key must be 1 to 255 visible ASCII characters");
    }
    /* the key is the desk's: another desk's visitor with the same key is
     * another request */
    if (pd_sha256_hex(apr_pstrcat(req->r->pool, d.public_id, "\n", key, NULL),
                      PD_DESK_ID_LEN + 1 + strlen(key), hex) != APR_SUCCESS) {
        return pd_fail_db(req, "scoping an idempotency key");
    }
    return pd_idempotent_call(req, apr_pstrcat(req->r->pool, "qr-", hex, NULL), check_in);
}
