/* Desk tokens (admins): GET/POST /api/desk-tokens, GET and DELETE (revoke)
 * /api/desk-tokens/{id}. A token names a desk and where its visitors'
 * cases go: one unit (org_unit_id), or a list the visitor picks from
 * (unit_choices). Every answer carries the token itself and the check-in
 * address's path, recomputed from the public id under the server's secret
 * (pd_desk_token.h), so that an admin can print a desk's code again at
 * any time; without PharmadeskDeskTokenSecretFile tokens can be listed and
 * revoked but not made, and carry no token. Revoking keeps the row (the
 * audit log and the cases name it); a revoked token's code answers 404. */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_validate.h"
#include "pd_desk_token.h"

#define CHOICES_MAX 50

/* The token and the check-in path added to a token's JSON text. */
static json_t *decorate(pd_req_t *req, const char *text)
{
    json_t *o = pd_json_bind(req->r->pool, json_loads(text, 0, NULL));
    const char *id, *token;

    if (!o || !json_is_object(o)) {
        return NULL;
    }
    id = json_string_value(json_object_get(o, "public_id"));
    token = pd_desk_token_sign(req->r->pool, req->conf->desk_token_secret, id);
    json_object_set_new(o, "token", token ? json_string(token) : json_null());
    json_object_set_new(o, "checkin_path",
                        token ? json_string(apr_pstrcat(req->r->pool, "/checkin/?t=", token, NULL))
                              : json_null());
    return o;
}

static apr_status_t respond_token(pd_req_t *req, int status, const char *text)
{
    json_t *o = decorate(req, text);
    return o ? pd_respond_json_value(req, status, o) : pd_fail_db(req, "reading a desk token");
}

apr_status_t pd_res_desk_tokens_list(pd_req_t *req)
{
    json_t *items = pd_json_bind(req->r->pool, json_array()), *out;
    pd_db_result_t res;

    if (pd_db_select(&req->db, PD_SQL_CALL0(PD_SQL_DESK_TOKENS_LIST), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "listing desk tokens");
    }
    while (pd_db_next(&res) == APR_SUCCESS) {
        json_t *o = decorate(req, pd_db_get(&res, 0));
        if (o) {
            json_array_append(items, o);
        }
    }
    out = pd_json_bind(req->r->pool, json_object());
    json_object_set(out, "items", items);
    json_object_set_new(out, "enabled", json_boolean(req->conf->desk_token_secret != NULL));
    return pd_respond_json_value(req, HTTP_OK, out);
}

/* The token req->id names, by get (PD_SQL_DESK_TOKENS_GET or _LOCK). */
static apr_status_t read_token(pd_req_t *req, pd_sql_id_e id, const char **text)
{
    const char *args[1] = { pd_db_int(&req->db, req->id) };
    pd_db_result_t res;

    if (pd_db_select(&req->db, id, PD_DB_ARGS(args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading a desk token");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such desk token");
    }
    *text = pd_db_get(&res, 0);
    pd_db_drain(&res);
    return APR_SUCCESS;
}

apr_status_t pd_res_desk_tokens_get(pd_req_t *req)
{
    const char *text = NULL;
    apr_status_t rv = read_token(req, PD_SQL_DESK_TOKENS_GET, &text);
    return rv == APR_SUCCESS ? respond_token(req, HTTP_OK, text) : rv;
}

/* unit_choices: 2 to CHOICES_MAX distinct unit ids, as a PostgreSQL
 * array literal into *out. */
static apr_status_t read_choices(pd_req_t *req, const json_t *body, const char **out)
{
    const json_t *list = json_object_get(body, "unit_choices");
    apr_int64_t seen[CHOICES_MAX];
    const char *text = "{";
    size_t i, j, n;

    *out = NULL;
    if (!list || json_is_null(list)) {
        return APR_SUCCESS;
    }
    n = json_is_array(list) ? json_array_size(list) : 0;
    if (n < 2 || n > CHOICES_MAX) {
        return pd_error_set(&req->err, 422, "validation_failed", "unit_choices",
                            "unit_choices must be a list of 2 to 50 org unit ids");
    }
    for (i = 0; i < n; i++) {
        const json_t *v = json_array_get(list, i);
        seen[i] = json_is_integer(v) ? (apr_int64_t)json_integer_value(v) : 0;
        if (seen[i] <= 0) {
            return pd_error_set(&req->err, 422, "validation_failed", "unit_choices",
                                "unit_choices must be a list of 2 to 50 org unit ids");
        }
        for (j = 0; j < i; j++) {
            if (seen[j] == seen[i]) {
                return pd_error_set(&req->err, 422, "validation_failed", "unit_choices",
                                    "unit_choices names a unit twice");
            }
        }
        text = apr_psprintf(req->r->pool, "%s%s%" APR_INT64_T_FMT, text, i ? "," : "", seen[i]);
    }
    *out = apr_pstrcat(req->r->pool, text, "}", NULL);
    return APR_SUCCESS;
}

apr_status_t pd_res_desk_tokens_create(pd_req_t *req)
{
    static const char *const fields[] = {
        "name", "org_unit_id", "unit_choices", "expires_in_days", NULL
    };
    const char *name = NULL, *choices = NULL, *unit, *days = NULL, *args[6], *text, *id;
    const char *check[5];
    char public_id[PD_DESK_ID_LEN + 1];
    apr_int64_t unit_id = 0, n = 0;
    pd_db_result_t res;
    json_t *body;
    apr_status_t rv;
    int ok;

    if (!req->conf->desk_token_secret) {
        return pd_error_set(&req->err, 409, "conflict", NULL,
                            "the QR self check-in is off: the server has no "
                            "PharmadeskDeskTokenSecretFile");
    }
    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = pd_v_known_fields(body, fields, &req->err)) != APR_SUCCESS
        || (rv = pd_v_string(body, "name", PD_V_REQUIRED, 1, 100, req->r->pool, &name, &req->err))
           != APR_SUCCESS
        || ((rv = pd_v_id(body, "org_unit_id", PD_V_NULLABLE, &unit_id, &req->err)) != APR_SUCCESS
            && rv != APR_NOTFOUND)
        || (rv = read_choices(req, body, &choices)) != APR_SUCCESS) {
        return rv;
    }
    if ((unit_id > 0) == (choices != NULL)) {
        return pd_error_set(&req->err, 422, "validation_failed", "org_unit_id",
                            "name either org_unit_id (the unit every case goes to) or "
                            "unit_choices (the units a visitor picks from), not both");
    }
    if (json_object_get(body, "expires_in_days") && !json_is_null(json_object_get(body, "expires_in_days"))) {
        const json_t *d = json_object_get(body, "expires_in_days");
        n = json_is_integer(d) ? (apr_int64_t)json_integer_value(d) : 0;
        if (n < 1 || n > 3650) {
            return pd_error_set(&req->err, 422, "validation_failed", "expires_in_days",
                                "expires_in_days must be a number of days from 1 to 3650");
        }
        days = apr_psprintf(req->r->pool, "%" APR_INT64_T_FMT, n);
    }
    unit = unit_id > 0 ? pd_db_int(&req->db, unit_id) : NULL;
    check[0] = unit;
    check[1] = unit;
    check[2] = choices;
    check[3] = choices;
    check[4] = choices;
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_DESK_TOKENS_UNITS_OK, check), &res) != APR_SUCCESS
        || pd_db_next(&res) != APR_SUCCESS) {
        return pd_fail_db(req, "checking a desk token's units");
    }
    ok = pd_db_get_bool(&res, 0);
    pd_db_drain(&res);
    if (!ok) {
        return pd_error_set(&req->err, 422, "unknown_reference", unit ? "org_unit_id" : "unit_choices",
                            "every unit named must be an active org unit");
    }
    if (pd_desk_token_new_id(public_id) != APR_SUCCESS) {
        return pd_error_set(&req->err, 503, "service_unavailable", NULL,
                            "no random bytes for a new token; try again shortly");
    }
    args[0] = public_id;
    args[1] = name;
    args[2] = unit;
    args[3] = choices;
    args[4] = days;
    args[5] = pd_db_int(&req->db, req->who.user_id);
    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting a desk token");
    }
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_DESK_TOKENS_INSERT, args), &res) != APR_SUCCESS
        || pd_db_next(&res) != APR_SUCCESS) {
        rv = pd_fail_db(req, "creating a desk token");
        goto cleanup;
    }
    id = pd_db_get(&res, 0);
    pd_db_drain(&res);
    req->id = apr_atoi64(id);
    if ((rv = read_token(req, PD_SQL_DESK_TOKENS_GET, &text)) != APR_SUCCESS) {
        goto cleanup;
    }
    if ((rv = pd_audit_commit(req, PD_AUDIT_CREATE, PD_ENTITY_DESK_TOKEN, req->id, NULL, text))
        != APR_SUCCESS) {
        return rv;
    }
    apr_table_setn(req->r->headers_out, "Location",
                   apr_pstrcat(req->r->pool, req->conf->api_base, "/desk-tokens/", id, NULL));
    return respond_token(req, HTTP_CREATED, text);

cleanup:
    pd_db_rollback(&req->db);
    return rv;
}

/* DELETE: revoked from now on, once (a second revocation changes nothing
 * and answers the same). */
apr_status_t pd_res_desk_tokens_revoke(pd_req_t *req)
{
    const char *before = NULL, *after = NULL;
    const char *args[2] = { pd_db_int(&req->db, req->who.user_id), pd_db_int(&req->db, req->id) };
    apr_status_t rv;

    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting a revocation");
    }
    if ((rv = read_token(req, PD_SQL_DESK_TOKENS_LOCK, &before)) != APR_SUCCESS) {
        goto cleanup;
    }
    if (pd_db_exec(&req->db, PD_SQL_CALL(PD_SQL_DESK_TOKENS_REVOKE, args), NULL) != APR_SUCCESS) {
        rv = pd_fail_db(req, "revoking a desk token");
        goto cleanup;
    }
    if ((rv = read_token(req, PD_SQL_DESK_TOKENS_GET, &after)) != APR_SUCCESS) {
        goto cleanup;
    }
    if ((rv = pd_audit_commit(req, PD_AUDIT_DEACTIVATE, PD_ENTITY_DESK_TOKEN, req->id, before, after))
        != APR_SUCCESS) {
        return rv;
    }
    return respond_token(req, HTTP_OK, after);

cleanup:
    pd_db_rollback(&req->db);
    return rv;
}
