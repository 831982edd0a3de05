/* /api/users: staff read the list (to pick experts and techs); admins create,
 * update and deactivate, each write one transaction with its audit entry
 * (logins that provision users from claims are not audited: they are not an
 * admin's action). The subject is the identity Apache authenticates
 * (set once, when an admin creates a user ahead of the first sign-in; single
 * sign-on creates the rest); the username is a readable handle that never
 * changes. Nobody changes their own role or deactivates themselves, so an
 * admin cannot lock the last admin out by accident.
 *
 * Who decides role and pharmacy (access_source): an admin who sets either by
 * hand takes them over from the identity provider's claims ("admin"), until
 * an admin hands them back ("claims"). */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "mod_pd_whatsapp.h"
#include "pd_validate.h"

typedef struct user_t {
    const char *username, *name, *email, *subject;
    const char *access_source;  /* "admin" or "claims" */
    int role;                  /* pd_role_e; PD_ROLE_NONE = no access */
    apr_int64_t pharmacy_id;
    int active;
} user_t;

apr_status_t pd_res_users_list(pd_req_t *req)
{
    const char *args[12], *role_code, *inc, *q, *after_name, *after_id, *role = NULL;
    const char *pharmacy;
    pd_db_result_t res;
    apr_status_t rv;
    int limit;

    if ((rv = pd_list_limit(req, &limit)) != APR_SUCCESS
        || (rv = pd_name_page_params(req, "name", &q, &after_name, &after_id)) != APR_SUCCESS) {
        return rv;
    }
    role_code = apr_table_get(req->query, "role");
    if (role_code) {
        int r = pd_role_parse(role_code);
        if (r < 0) {
            return pd_error_set(&req->err, 400, "invalid_parameter", "role",
                                "role must be admin, team_expert, tech, customer or manager");
        }
        role = pd_role_param((pd_role_e)r);
    }
    if ((rv = pd_id_param(req, "pharmacy_id", &pharmacy)) != APR_SUCCESS) {
        return rv;
    }
    inc = apr_table_get(req->query, "include_inactive");
    if (inc && strcmp(inc, "true") != 0 && strcmp(inc, "false") != 0) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "include_inactive",
                            "include_inactive must be true or false");
    }
    args[0] = role;
    args[1] = role;
    args[2] = pharmacy;
    args[3] = pharmacy;
    args[4] = pd_db_bool(inc && strcmp(inc, "true") == 0);
    args[5] = q;
    args[6] = q;
    args[7] = q;
    args[8] = after_name;
    args[9] = after_name;
    args[10] = after_id;
    args[11] = apr_itoa(req->r->pool, limit + 1);
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_USERS_LIST, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "listing users");
    }
    return pd_name_page_respond(req, &res, limit, "name");
}

apr_status_t pd_res_users_get(pd_req_t *req)
{
    const char *args[1] = { pd_db_int(&req->db, req->id) };
    pd_db_result_t res;
    const char *text;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_USERS_GET, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading a user");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such user");
    }
    text = pd_db_get(&res, 0);
    pd_db_drain(&res);
    return pd_respond_json(req, HTTP_OK, text);
}

/* Members present in the body; role and pharmacy_id may be null. */
typedef struct user_changes_t {
    user_t v;
    int has_name, has_email, has_role, has_pharmacy, has_active, has_source;
    int has_whatsapp;          /* the number (an admin never opts anyone in) */
    pd_whatsapp_change_t whatsapp;
    pd_user_place_t place;     /* org unit, NIP/NIK, institution */
} user_changes_t;

static apr_status_t read_body(pd_req_t *req, int creating, user_changes_t *c)
{
    static const char *const fields[] = {
        "username", "name", "email", "role", "pharmacy_id", "active", "subject",
        "access_source", "whatsapp", "org_unit_id", "nip_nik", "institution", NULL
    };
    json_t *body;
    apr_status_t rv;

    memset(c, 0, sizeof(*c));
    c->v.active = 1;
    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = pd_v_known_fields(body, fields, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    if (!creating && json_object_get(body, "username")) {
        return pd_error_set(&req->err, 422, "validation_failed", "username",
                            "username cannot be changed");
    }
    if (!creating && json_object_get(body, "subject")) {
        return pd_error_set(&req->err, 422, "validation_failed", "subject",
                            "subject cannot be changed");
    }
    if (creating) {
        rv = pd_v_string(body, "subject", PD_V_NULLABLE, 1, 255, req->r->pool,
                         &c->v.subject, &req->err);
        if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
            return rv;
        }
    }
    c->v.access_source = "admin";
    if (json_object_get(body, "access_source")) {
        rv = pd_v_string(body, "access_source", 0, 1, 10, req->r->pool, &c->v.access_source,
                         &req->err);
        if (rv != APR_SUCCESS) {
            return rv;
        }
        if (strcmp(c->v.access_source, "admin") != 0
            && strcmp(c->v.access_source, "claims") != 0) {
            return pd_error_set(&req->err, 422, "validation_failed", "access_source",
                                "access_source must be admin or claims");
        }
        c->has_source = 1;
    }
    if (creating) {
        rv = pd_v_string(body, "username", PD_V_REQUIRED, 1, 200, req->r->pool,
                         &c->v.username, &req->err);
        if (rv != APR_SUCCESS) {
            return rv;
        }
        if (!pd_is_username(c->v.username)) {
            return pd_error_set(&req->err, 422, "validation_failed", "username",
                                "username must have no spaces, control characters or colons");
        }
    }
    rv = pd_v_string(body, "name", creating ? PD_V_REQUIRED : 0, 1, 200, req->r->pool,
                     &c->v.name, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    c->has_name = rv == APR_SUCCESS;
    rv = pd_v_string(body, "email", PD_V_NULLABLE, 3, 254, req->r->pool, &c->v.email,
                     &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    c->has_email = rv == APR_SUCCESS;
    if (c->v.email && !pd_is_email(c->v.email)) {
        return pd_error_set(&req->err, 422, "validation_failed", "email",
                            "email is not an e-mail address");
    }
    c->v.role = PD_ROLE_NONE;
    if (json_object_get(body, "role") && !json_is_null(json_object_get(body, "role"))) {
        rv = pd_v_enum(body, "role", 0, pd_role_parse, &c->v.role, &req->err);
        if (rv != APR_SUCCESS) {
            return rv;
        }
    }
    c->has_role = json_object_get(body, "role") != NULL;
    rv = pd_v_id(body, "pharmacy_id", PD_V_NULLABLE, &c->v.pharmacy_id, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    c->has_pharmacy = rv == APR_SUCCESS;
    rv = pd_v_bool(body, "active", 0, &c->v.active, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    c->has_active = rv == APR_SUCCESS;
    if (rv == APR_NOTFOUND) {
        c->v.active = 1;
    }
    if ((rv = pd_user_place_read(req, body, &c->place)) != APR_SUCCESS) {
        return rv;
    }
    if (json_object_get(body, "whatsapp")) {
        if (creating) {
            return pd_error_set(&req->err, 422, "validation_failed", "whatsapp",
                                "a WhatsApp number is set once the user exists");
        }
        c->has_whatsapp = 1;
        return pd_whatsapp_change_read(req, json_object_get(body, "whatsapp"), 0, &c->whatsapp);
    }
    return APR_SUCCESS;
}

/* Customers belong to exactly one active pharmacy; staff to none. */
static apr_status_t check_pharmacy(pd_req_t *req, const user_t *u, int pharmacy_changed)
{
    const char *args[1];
    pd_db_result_t res;
    int ok;

    if (!pd_authz_role_has_pharmacy((pd_role_e)u->role)) {
        if (u->pharmacy_id > 0) {
            return pd_error_set(&req->err, 422, "validation_failed", "pharmacy_id",
                                "only customers belong to a pharmacy");
        }
        return APR_SUCCESS;
    }
    if (u->pharmacy_id <= 0) {
        return pd_error_set(&req->err, 422, "validation_failed", "pharmacy_id",
                            "a customer needs a pharmacy_id");
    }
    if (!pharmacy_changed) {
        return APR_SUCCESS;
    }
    args[0] = pd_db_int(&req->db, u->pharmacy_id);
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_PHARMACIES_ACTIVE, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "checking a pharmacy");
    }
    ok = pd_db_next(&res) == APR_SUCCESS && pd_db_get_bool(&res, 0);
    pd_db_drain(&res);
    if (!ok) {
        return pd_error_set(&req->err, 422, "unknown_reference", "pharmacy_id",
                            "pharmacy_id does not name an active pharmacy");
    }
    return APR_SUCCESS;
}

apr_status_t pd_res_users_create(pd_req_t *req)
{
    static const pd_audited_create_t create = {
        PD_SQL_USERS_INSERT, PD_ENTITY_USER, "/users", "username",
        "a user with this username, subject or NIP/NIK already exists"
    };
    user_changes_t c;
    const char *args[11];
    apr_status_t rv;

    if ((rv = read_body(req, 1, &c)) != APR_SUCCESS
        || (rv = check_pharmacy(req, &c.v, 1)) != APR_SUCCESS
        || (rv = pd_user_place_check(req, &c.place)) != APR_SUCCESS) {
        return rv;
    }
    args[0] = c.v.username;
    args[1] = c.v.name;
    args[2] = c.v.email;
    args[3] = pd_role_param((pd_role_e)c.v.role);
    args[4] = pd_db_id_or_null(&req->db, c.v.pharmacy_id);
    args[5] = pd_db_bool(c.v.active);
    args[6] = c.v.subject;
    args[7] = c.v.access_source;
    args[8] = c.place.org_unit;
    args[9] = c.place.nip_nik;
    args[10] = c.place.institution;
    return pd_audited_create(req, &create, PD_SQL_ARGS(PD_SQL_USERS_INSERT, args));
}

/* PATCH and DELETE: the locked row (username, name, email, role,
 * pharmacy, active, access source, the JSON) with the changes sent,
 * checked; the unit, NIP/NIK and WhatsApp number are written first, so
 * that the update's answer (and the audit entry) shows them. 1-6 name,
 * email, role, pharmacy, active, access source; 7 id. */
static apr_status_t merge(pd_req_t *req, const char *const *row, const void *sent,
                          const char **args)
{
    const user_changes_t *c = sent;
    user_t u;
    int old_role;
    apr_status_t rv;

    u.username = row[0];
    u.name = c->has_name ? c->v.name : row[1];
    u.email = c->has_email ? c->v.email : row[2];
    u.role = old_role = row[3] ? (int)apr_atoi64(row[3]) : 0;
    u.pharmacy_id = row[4] ? apr_atoi64(row[4]) : 0;
    u.active = pd_db_text_true(row[5]);
    u.access_source = row[6];
    if (c->has_role) u.role = c->v.role;
    if (c->has_pharmacy) u.pharmacy_id = c->v.pharmacy_id;
    if (c->has_active) u.active = c->v.active;
    /* a role or pharmacy set by hand is the admin's from now on */
    if (c->has_source) {
        u.access_source = c->v.access_source;
    }
    else if (c->has_role || c->has_pharmacy) {
        u.access_source = "admin";
    }
    /* changing a customer into staff drops the pharmacy unless one is named */
    if (c->has_role && !pd_authz_role_has_pharmacy((pd_role_e)u.role) && !c->has_pharmacy) {
        u.pharmacy_id = 0;
    }
    if (req->id == req->who.user_id && (u.role != old_role || !u.active)) {
        return pd_error_set(&req->err, 409, "self_change", NULL,
                            "you cannot change your own role or deactivate yourself");
    }
    if ((rv = check_pharmacy(req, &u, c->has_pharmacy || c->has_role)) != APR_SUCCESS
        || (rv = pd_user_place_write(req, req->id, &c->place)) != APR_SUCCESS) {
        return rv;
    }
    if (c->has_whatsapp) {
        const char *was, *now;
        if ((rv = pd_whatsapp_change_write(req, req->id, &c->whatsapp, &was, &now)) != APR_SUCCESS) {
            return rv;
        }
    }
    args[0] = u.name;
    args[1] = u.email;
    args[2] = pd_role_param((pd_role_e)u.role);
    args[3] = pd_db_id_or_null(&req->db, u.pharmacy_id);
    args[4] = pd_db_bool(u.active);
    args[5] = u.access_source;
    args[6] = pd_db_int(&req->db, req->id);
    return APR_SUCCESS;
}

static apr_status_t write_merged(pd_req_t *req, const user_changes_t *c,
                                 pd_audit_action_e action)
{
    static const pd_audited_update_t update = {
        PD_SQL_USERS_LOCK, 8, PD_SQL_USERS_UPDATE, PD_SQL__COUNT, PD_ENTITY_USER, "user", NULL,
        "the user could not be updated", merge
    };
    return pd_audited_update(req, &update, c, action);
}

apr_status_t pd_res_users_update(pd_req_t *req)
{
    user_changes_t c;
    apr_status_t rv = read_body(req, 0, &c);
    return rv == APR_SUCCESS ? write_merged(req, &c, PD_AUDIT_UPDATE) : rv;
}

apr_status_t pd_res_users_delete(pd_req_t *req)
{
    user_changes_t c;
    memset(&c, 0, sizeof(c));
    c.has_active = 1;
    c.v.active = 0;
    return write_merged(req, &c, PD_AUDIT_DEACTIVATE);
}
