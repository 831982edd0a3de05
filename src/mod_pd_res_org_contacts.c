/* /api/org-unit-contacts: who answers for a unit. Each contact is a lead,
 * a backup, a receptionist or the head (kadis) of one unit, and is either
 * a user or a person who never signs in, named with a WhatsApp number. A
 * unit has one lead and one head at most. Staff read them (an operator
 * their subtree's), admins write them, each write with its audit entry. */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_validate.h"

static const char *const body_fields[] = {
    "org_unit_id", "kind", "user_id", "name", "whatsapp_number", NULL
};
static const char *const kinds[] = { "lead", "backup", "receptionist", "kadis", NULL };

typedef struct contact_t {
    const char *unit, *kind, *user, *name, *number;
    int user_given, name_given, number_given;
} contact_t;

static const char *unit_scope(pd_req_t *req)
{
    return pd_db_int(&req->db, pd_authz_unit_scope(&req->who));
}

static int is_kind(const char *s)
{
    apr_size_t i;
    for (i = 0; kinds[i]; i++) {
        if (strcmp(kinds[i], s) == 0) {
            return 1;
        }
    }
    return 0;
}

apr_status_t pd_res_org_contacts_list(pd_req_t *req)
{
    const char *args[6], *unit, *kind, *text;
    pd_db_result_t res;
    apr_status_t rv;

    if ((rv = pd_id_param(req, "org_unit_id", &unit)) != APR_SUCCESS
        || (rv = pd_choice_param(req, "kind", kinds, &kind)) != APR_SUCCESS) {
        return rv;
    }
    args[0] = args[1] = unit_scope(req);
    args[2] = args[3] = unit;
    args[4] = args[5] = kind;
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_ORG_UNIT_CONTACTS_LIST, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "listing org unit contacts");
    }
    text = pd_db_next(&res) == APR_SUCCESS ? pd_db_get(&res, 0) : NULL;
    pd_db_drain(&res);
    return text ? pd_respond_json(req, HTTP_OK, text)
                : pd_fail_db(req, "listing org unit contacts");
}

static apr_status_t read_body(pd_req_t *req, int creating, contact_t *c)
{
    unsigned req_flag = creating ? PD_V_REQUIRED : 0;
    apr_int64_t unit = 0, user = 0;
    json_t *body;
    apr_status_t rv;

    memset(c, 0, sizeof(*c));
    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = pd_v_known_fields(body, body_fields, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    rv = pd_v_id(body, "org_unit_id", req_flag, &unit, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    c->unit = unit > 0 ? pd_db_int(&req->db, unit) : NULL;
    rv = pd_v_string(body, "kind", req_flag, 1, 20, req->r->pool, &c->kind, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    if (c->kind && !is_kind(c->kind)) {
        return pd_error_set(&req->err, 422, "validation_failed", "kind",
                            "kind must be lead, backup, receptionist or kadis");
    }
    rv = pd_v_id(body, "user_id", PD_V_NULLABLE, &user, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    c->user_given = rv == APR_SUCCESS;
    c->user = user > 0 ? pd_db_int(&req->db, user) : NULL;
    rv = pd_v_string(body, "name", PD_V_NULLABLE, 1, 200, req->r->pool, &c->name, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    c->name_given = rv == APR_SUCCESS;
    rv = pd_v_string(body, "whatsapp_number", PD_V_NULLABLE, 1, 40, req->r->pool, &c->number,
                     &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    c->number_given = rv == APR_SUCCESS;
    if (c->number && !(c->number = pd_whatsapp_number_normalize(req->r->pool, c->number))) {
        return pd_error_set(&req->err, 422, "validation_failed", "whatsapp_number",
                            "whatsapp_number must be a number with its country code, "
                            "such as +62 812 3456 7890");
    }
    return APR_SUCCESS;
}

/* The unit and user a contact names must exist; the unit be active and
 * within the caller's reach, the user active. Either wrong: 422. */
static apr_status_t check_refs(pd_req_t *req, const contact_t *c)
{
    const char *args[2] = { c->unit, c->user };
    pd_db_result_t res;
    const char *unit_active = NULL, *user_active = NULL;

    if (!c->user && !c->name) {
        return pd_error_set(&req->err, 422, "validation_failed", "name",
                            "a contact is a user (user_id) or a name");
    }
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_ORG_UNIT_CONTACTS_REFS, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "checking a contact's unit and user");
    }
    if (pd_db_next(&res) == APR_SUCCESS) {
        unit_active = pd_db_get(&res, 0);
        user_active = pd_db_get(&res, 1);
    }
    pd_db_drain(&res);
    if (!unit_active || strcmp(unit_active, "t") != 0) {
        return pd_error_set(&req->err, 422, "unknown_reference", "org_unit_id",
                            "org_unit_id names no active org unit");
    }
    if (c->user && (!user_active || strcmp(user_active, "t") != 0)) {
        return pd_error_set(&req->err, 422, "unknown_reference", "user_id",
                            "user_id names no active user");
    }
    return APR_SUCCESS;
}

apr_status_t pd_res_org_contacts_create(pd_req_t *req)
{
    static const pd_audited_create_t create = {
        PD_SQL_ORG_UNIT_CONTACTS_INSERT, PD_ENTITY_ORG_UNIT_CONTACT, "/org-unit-contacts", "kind",
        "the unit has a contact of this kind already (one lead and one head per unit)"
    };
    const char *args[5];
    contact_t c;
    apr_status_t rv;

    if ((rv = read_body(req, 1, &c)) != APR_SUCCESS || (rv = check_refs(req, &c)) != APR_SUCCESS) {
        return rv;
    }
    args[0] = c.unit;
    args[1] = c.kind;
    args[2] = c.user;
    args[3] = c.name;
    args[4] = c.number;
    return pd_audited_create(req, &create, PD_SQL_ARGS(PD_SQL_ORG_UNIT_CONTACTS_INSERT, args));
}

/* PATCH: the locked row (unit, kind, user, name, number, the JSON) with
 * the changes sent, its unit and user checked; 1-5 those, 6 id, 7 kind and
 * 8 unit (the conflict check), 9 id. */
static apr_status_t merge(pd_req_t *req, const char *const *row, const void *sent,
                          const char **args)
{
    const contact_t *changes = sent;
    contact_t cur;

    memset(&cur, 0, sizeof(cur));
    cur.unit = changes->unit ? changes->unit : row[0];
    cur.kind = changes->kind ? changes->kind : row[1];
    cur.user = changes->user_given ? changes->user : row[2];
    cur.name = changes->name_given ? changes->name : row[3];
    cur.number = changes->number_given ? changes->number : row[4];
    args[0] = args[7] = cur.unit;
    args[1] = args[6] = cur.kind;
    args[2] = cur.user;
    args[3] = cur.name;
    args[4] = cur.number;
    args[5] = args[8] = pd_db_int(&req->db, req->id);
    return check_refs(req, &cur);
}

/* DELETE: lock, remove, audit, in one transaction. */
apr_status_t pd_res_org_contacts_delete(pd_req_t *req)
{
    const char *lock[] = { pd_db_int(&req->db, req->id) }, *before;
    pd_db_result_t res;
    apr_status_t rv;

    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting to remove a contact");
    }
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_ORG_UNIT_CONTACTS_LOCK, lock), &res) != APR_SUCCESS) {
        rv = pd_fail_db(req, "locking a contact");
        goto cleanup;
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        rv = pd_error_set(&req->err, 404, "not_found", NULL, "no such contact");
        goto cleanup;
    }
    before = pd_db_get(&res, 5);
    pd_db_drain(&res);
    if (pd_db_exec(&req->db, PD_SQL_CALL(PD_SQL_ORG_UNIT_CONTACTS_DELETE, lock), NULL) != APR_SUCCESS) {
        rv = pd_fail_db(req, "removing a contact");
        goto cleanup;
    }
    if ((rv = pd_audit_commit(req, PD_AUDIT_DELETE, PD_ENTITY_ORG_UNIT_CONTACT, req->id, before,
                              NULL)) != APR_SUCCESS) {
        return rv;
    }
    return pd_respond_no_content(req);

cleanup:
    pd_db_rollback(&req->db);
    return rv;
}

apr_status_t pd_res_org_contacts_update(pd_req_t *req)
{
    static const pd_audited_update_t update = {
        PD_SQL_ORG_UNIT_CONTACTS_LOCK, 6, PD_SQL_ORG_UNIT_CONTACTS_UPDATE,
        PD_SQL_ORG_UNIT_CONTACTS_JSON, PD_ENTITY_ORG_UNIT_CONTACT, "contact", "kind",
        "the unit has a contact of this kind already (one lead and one head per unit)", merge
    };
    contact_t c;
    apr_status_t rv = read_body(req, 0, &c);
    return rv == APR_SUCCESS ? pd_audited_update(req, &update, &c, PD_AUDIT_UPDATE) : rv;
}

