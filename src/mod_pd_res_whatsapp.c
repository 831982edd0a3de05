/* A person's WhatsApp number and their opt-in to messages on it:
 *   PATCH /api/me         {"whatsapp": {"number": "+62812...", "opt_in": true}}
 *   PATCH /api/users/{id} {"whatsapp": {"number": "+62812..." | null}}  (admins)
 * Only the person opts in: consent is theirs to give (WhatsApp's policy
 * asks for it), and an admin who types a number does not give it. A new
 * number is not opted in until its owner says so; no number, no opt-in.
 * One's own change is written to the audit log with its time, the record
 * of the consent; an admin's goes into the user's audit entry. */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "mod_pd_whatsapp.h"

apr_status_t pd_whatsapp_change_read(pd_req_t *req, const json_t *value, int own,
                                     pd_whatsapp_change_t *c)
{
    const json_t *number, *opt_in;
    const char *key;
    json_t *v;

    memset(c, 0, sizeof(*c));
    c->opt_in = "keep";
    if (!json_is_object(value)) {
        return pd_error_set(&req->err, 422, "validation_failed", "whatsapp",
                            "whatsapp must be an object with number and opt_in");
    }
    json_object_foreach((json_t *)value, key, v) {
        if (strcmp(key, "number") != 0 && strcmp(key, "opt_in") != 0) {
            return pd_error_set(&req->err, 422, "unknown_field",
                                strlen(key) <= 40 ? apr_pstrcat(req->r->pool, "whatsapp.", key, NULL)
                                                  : "whatsapp",
                                "whatsapp takes number and opt_in");
        }
    }
    if ((number = json_object_get(value, "number"))) {
        c->given = 1;
        if (json_is_string(number)) {
            c->number = pd_whatsapp_number_normalize(req->r->pool, json_string_value(number));
            if (!c->number) {
                return pd_error_set(&req->err, 422, "validation_failed", "whatsapp.number",
                                    "number must be a WhatsApp number with its country code, "
                                    "such as +6281234567890");
            }
        }
        else if (!json_is_null(number)) {
            return pd_error_set(&req->err, 422, "validation_failed", "whatsapp.number",
                                "number must be a string, or null for none");
        }
    }
    if ((opt_in = json_object_get(value, "opt_in"))) {
        if (!own) {
            return pd_error_set(&req->err, 422, "validation_failed", "whatsapp.opt_in",
                                "only the user opts in to WhatsApp messages");
        }
        if (!json_is_boolean(opt_in)) {
            return pd_error_set(&req->err, 422, "validation_failed", "whatsapp.opt_in",
                                "opt_in must be true or false");
        }
        c->opt_in = json_is_true(opt_in) ? "set" : "clear";
        if (json_is_true(opt_in) && c->given && !c->number) {
            return pd_error_set(&req->err, 422, "validation_failed", "whatsapp.opt_in",
                                "opting in needs a number");
        }
    }
    return APR_SUCCESS;
}

apr_status_t pd_whatsapp_change_write(pd_req_t *req, apr_int64_t user_id,
                                      const pd_whatsapp_change_t *c, const char **before,
                                      const char **after)
{
    const char *id = pd_db_int(&req->db, user_id);
    const char *lock[] = { id };
    const char *set[] = { id, pd_db_bool(c->given), c->number, c->opt_in };
    pd_db_result_t res;
    json_t *was;
    const char *why;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_USERS_WHATSAPP_LOCK, lock), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "locking a WhatsApp number");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such user");
    }
    *before = pd_db_get(&res, 0);
    pd_db_drain(&res);
    /* opting in to the number kept, when there is none */
    if (strcmp(c->opt_in, "set") == 0 && !c->given
        && (pd_json_parse_object(&was, req->r->pool, *before, strlen(*before), &why) != APR_SUCCESS
            || !json_is_string(json_object_get(was, "number")))) {
        return pd_error_set(&req->err, 422, "validation_failed", "whatsapp.opt_in",
                            "opting in needs a number");
    }
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_USERS_WHATSAPP_SET, set), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "changing a WhatsApp number");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_error_set(&req->err, 409, "conflict", "whatsapp.number",
                            "another account has opted in to this WhatsApp number");
    }
    *after = pd_db_get(&res, 0);
    pd_db_drain(&res);
    return APR_SUCCESS;
}

/* {"whatsapp": {...}} as the audit log keeps one's own change. */
static const char *audited(pd_req_t *req, const char *whatsapp)
{
    return apr_pstrcat(req->r->pool, "{\"whatsapp\":", whatsapp, "}", NULL);
}

apr_status_t pd_whatsapp_me_write(pd_req_t *req, const pd_whatsapp_change_t *c)
{
    const char *before, *after;
    apr_status_t rv;

    if ((rv = pd_whatsapp_change_write(req, req->who.user_id, c, &before, &after)) != APR_SUCCESS) {
        return rv;
    }
    /* no entry when nothing changed (pd_audit_record) */
    return pd_audit_record(req, PD_AUDIT_UPDATE, PD_ENTITY_USER, req->who.user_id,
                           audited(req, before), audited(req, after));
}
