/* /api/org-units and /api/directory: the organisation's tree of units.
 * Staff read it (an operator only their unit's subtree: pd_authz_unit_scope);
 * admins create, change, move and deactivate units (DELETE), each write one
 * transaction with its audit entry. A move that would make a unit its own
 * ancestor, and deactivating a unit with open cases or active units below
 * it, are refused with the reason; the database refuses a cycle whatever
 * writes it (migration 0060). */
#include <stdio.h>
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_validate.h"
#include "pd_cursor.h"

static const char *const body_fields[] = { "code", "name", "type", "parent_id", "active", NULL };
static const char *const types[] = { "root", "sekretariat", "subbag", "bidang", "upt", "pool", NULL };

typedef struct unit_t {
    const char *code, *name, *type, *active;
    const char *parent;        /* its id, NULL: none (a root) */
    int parent_given;          /* parent_id was sent (an id or null) */
} unit_t;

static const char *unit_scope(pd_req_t *req)
{
    return pd_db_int(&req->db, pd_authz_unit_scope(&req->who));
}

/* Nests a flat list, parents before children (ordered by path), into a
 * tree: each unit gets its children in "children". */
static json_t *as_tree(json_t *flat)
{
    json_t *roots = json_array(), *by_id = json_object(), *unit;
    apr_size_t i;

    json_array_foreach(flat, i, unit) {
        json_t *parent_id = json_object_get(unit, "parent_id");
        char key[32], pkey[32];
        json_t *parent;

        json_object_set_new(unit, "children", json_array());
        snprintf(key, sizeof(key), "%" JSON_INTEGER_FORMAT,
                     json_integer_value(json_object_get(unit, "id")));
        json_object_set(by_id, key, unit);
        snprintf(pkey, sizeof(pkey), "%" JSON_INTEGER_FORMAT, json_integer_value(parent_id));
        parent = json_is_integer(parent_id) ? json_object_get(by_id, pkey) : NULL;
        /* a unit whose parent is out of the list (out of scope, or
         * inactive and not asked for) heads a tree of its own */
        json_array_append(parent ? json_object_get(parent, "children") : roots, unit);
    }
    json_decref(by_id);
    return roots;
}

apr_status_t pd_res_org_units_list(pd_req_t *req)
{
    static const char *const forms[] = { "flat", "tree", NULL };
    static const char *const bools[] = { "true", "false", NULL };
    const char *args[3], *inc, *form, *text;
    pd_db_result_t res;
    json_t *list, *flat;
    apr_status_t rv;

    if ((rv = pd_choice_param(req, "include_inactive", bools, &inc)) != APR_SUCCESS
        || (rv = pd_choice_param(req, "form", forms, &form)) != APR_SUCCESS) {
        return rv;
    }
    args[0] = args[1] = unit_scope(req);
    args[2] = pd_db_bool(inc && strcmp(inc, "true") == 0);
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_ORG_UNITS_LIST, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "listing org units");
    }
    text = pd_db_next(&res) == APR_SUCCESS ? pd_db_get(&res, 0) : NULL;
    pd_db_drain(&res);
    if (!text) {
        return pd_fail_db(req, "listing org units");
    }
    if (!form || strcmp(form, "flat") == 0) {
        return pd_respond_json(req, HTTP_OK, text);
    }
    list = pd_json_bind(req->r->pool, json_loads(text, 0, NULL));
    flat = json_object_get(list, "items");
    if (!json_is_array(flat)) {
        return pd_error_set(&req->err, 503, "service_unavailable", NULL, "bad data");
    }
    json_object_set_new(list, "items", as_tree(flat));
    return pd_respond_json_value(req, HTTP_OK, list);
}

apr_status_t pd_res_org_units_get(pd_req_t *req)
{
    const char *args[3] = { pd_db_int(&req->db, req->id), unit_scope(req), unit_scope(req) };
    pd_db_result_t res;
    const char *text;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_ORG_UNITS_GET, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading an org unit");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such org unit");
    }
    text = pd_db_get(&res, 0);
    pd_db_drain(&res);
    return pd_respond_json(req, HTTP_OK, text);
}

/* Validates the members present; with creating, code, name and type are
 * required (parent_id too, but for a root: pd_org_unit_check). */
static apr_status_t read_body(pd_req_t *req, int creating, unit_t *u)
{
    unsigned req_flag = creating ? PD_V_REQUIRED : 0;
    apr_int64_t parent = 0;
    json_t *body;
    apr_status_t rv;
    int flag;

    memset(u, 0, sizeof(*u));
    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = pd_v_known_fields(body, body_fields, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    rv = pd_v_string(body, "code", req_flag, 1, 32, req->r->pool, &u->code, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    if (u->code && !pd_is_code(u->code)) {
        return pd_error_set(&req->err, 422, "validation_failed", "code",
                            "code must be 1 to 32 characters of A-Z, 0-9, _ and -");
    }
    rv = pd_v_string(body, "name", req_flag, 1, 200, req->r->pool, &u->name, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    rv = pd_v_string(body, "type", req_flag, 1, 20, req->r->pool, &u->type, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    if (u->type) {
        apr_size_t i;
        for (i = 0; types[i] && strcmp(types[i], u->type) != 0; i++) {
        }
        if (!types[i]) {
            return pd_error_set(&req->err, 422, "validation_failed", "type",
                                "type must be root, sekretariat, subbag, bidang, upt or pool");
        }
    }
    rv = pd_v_id(body, "parent_id", PD_V_NULLABLE, &parent, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    u->parent_given = rv == APR_SUCCESS;
    u->parent = parent > 0 ? pd_db_int(&req->db, parent) : NULL;
    rv = pd_v_bool(body, "active", 0, &flag, &req->err);
    if (rv == APR_SUCCESS) {
        u->active = pd_db_bool(flag);
    }
    return rv == APR_NOTFOUND ? APR_SUCCESS : rv;
}

/* Whether the unit may take this type, parent and state: the reasons of
 * pd_org_unit_check as the API's answers. */
static apr_status_t check(pd_req_t *req, const char *id, const unit_t *u)
{
    const char *args[4] = { id, u->type, u->parent, u->active };
    const char *why = NULL;
    pd_db_result_t res;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_ORG_UNITS_CHECK, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "checking an org unit");
    }
    if (pd_db_next(&res) == APR_SUCCESS) {
        why = pd_db_get(&res, 0);
    }
    pd_db_drain(&res);
    if (!why) {
        return APR_SUCCESS;
    }
    if (strcmp(why, "cycle") == 0) {
        return pd_error_set(&req->err, 409, "cycle", "parent_id",
                            "a unit cannot move below itself or below a unit of its own subtree");
    }
    if (strcmp(why, "root_parent") == 0) {
        return pd_error_set(&req->err, 422, "validation_failed", "parent_id",
                            "a root unit has no parent, and every other unit has one");
    }
    if (strcmp(why, "parent_unknown") == 0) {
        return pd_error_set(&req->err, 422, "unknown_reference", "parent_id",
                            "parent_id names no org unit");
    }
    if (strcmp(why, "parent_inactive") == 0) {
        return pd_error_set(&req->err, 422, "validation_failed", "parent_id",
                            "an active unit cannot sit below a deactivated one");
    }
    if (strcmp(why, "active_children") == 0) {
        return pd_error_set(&req->err, 409, "has_active_units", "active",
                            "the unit has active units below it: move or deactivate them first");
    }
    if (strncmp(why, "open_cases:", 11) == 0) {
        return pd_error_setf(&req->err, req->r->pool, 409, "has_open_cases", "active",
                             "the unit still has %s open case(s): close or move them first",
                             why + 11);
    }
    return pd_error_set(&req->err, 422, "validation_failed", NULL, "the unit cannot be saved");
}

apr_status_t pd_res_org_units_create(pd_req_t *req)
{
    static const pd_audited_create_t create = {
        PD_SQL_ORG_UNITS_INSERT, PD_ENTITY_ORG_UNIT, "/org-units", "code",
        "an org unit with this code already exists"
    };
    const char *args[5];
    unit_t u;
    apr_status_t rv;

    if ((rv = read_body(req, 1, &u)) != APR_SUCCESS) {
        return rv;
    }
    if (!u.active) {
        u.active = "true";
    }
    if ((rv = check(req, NULL, &u)) != APR_SUCCESS) {
        return rv;
    }
    args[0] = u.code;
    args[1] = u.name;
    args[2] = u.type;
    args[3] = u.parent;
    args[4] = u.active;
    return pd_audited_create(req, &create, PD_SQL_ARGS(PD_SQL_ORG_UNITS_INSERT, args));
}

/* PATCH and DELETE: the locked row (code, name, type, parent, active, the
 * JSON) with the changes sent, checked as a whole; 1-5 those, 6 id, 7 code
 * (the conflict check), 8 id. */
static apr_status_t merge(pd_req_t *req, const char *const *row, const void *sent,
                          const char **args)
{
    const unit_t *changes = sent;
    const char *id = pd_db_int(&req->db, req->id);
    unit_t cur;

    cur.code = changes->code ? changes->code : row[0];
    cur.name = changes->name ? changes->name : row[1];
    cur.type = changes->type ? changes->type : row[2];
    cur.parent = changes->parent_given ? changes->parent : row[3];
    cur.active = changes->active ? changes->active : pd_db_bool(pd_db_text_true(row[4]));
    args[0] = cur.code;
    args[1] = cur.name;
    args[2] = cur.type;
    args[3] = cur.parent;
    args[4] = cur.active;
    args[5] = args[7] = id;
    args[6] = cur.code;
    return check(req, id, &cur);
}

static apr_status_t write_merged(pd_req_t *req, const unit_t *changes, pd_audit_action_e action)
{
    static const pd_audited_update_t update = {
        PD_SQL_ORG_UNITS_LOCK, 6, PD_SQL_ORG_UNITS_UPDATE, PD_SQL_ORG_UNITS_JSON,
        PD_ENTITY_ORG_UNIT, "org unit", "code", "an org unit with this code already exists", merge
    };
    return pd_audited_update(req, &update, changes, action);
}

apr_status_t pd_res_org_units_update(pd_req_t *req)
{
    unit_t u;
    apr_status_t rv = read_body(req, 0, &u);
    return rv == APR_SUCCESS ? write_merged(req, &u, PD_AUDIT_UPDATE) : rv;
}

/* Units are deactivated, never removed: cases and people keep them. */
apr_status_t pd_res_org_units_delete(pd_req_t *req)
{
    unit_t u;

    memset(&u, 0, sizeof(u));
    u.active = "false";
    return write_merged(req, &u, PD_AUDIT_DEACTIVATE);
}

/* GET /api/directory?q=: the active units in the caller's scope with their
 * contacts and people, searchable by name. */
apr_status_t pd_res_directory_get(pd_req_t *req)
{
    const char *q = apr_table_get(req->query, "q");
    const char *args[2];
    pd_db_result_t res;
    const char *text;

    if (q && !pd_utf8_valid(q, 100)) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "q",
                            "q must be at most 100 bytes of text without control characters");
    }
    args[0] = unit_scope(req);
    args[1] = q && *q ? q : NULL;
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_ORG_DIRECTORY, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading the directory");
    }
    text = pd_db_next(&res) == APR_SUCCESS ? pd_db_get(&res, 0) : NULL;
    pd_db_drain(&res);
    return text ? pd_respond_json(req, HTTP_OK, text) : pd_fail_db(req, "reading the directory");
}
