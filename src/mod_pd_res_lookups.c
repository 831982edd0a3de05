/* /api/ticket-categories and /api/ticket-modules: the two lookup lists of
 * a ticket have the same shape (name, description, color, active), so one
 * implementation serves both, each with its own statements. DELETE
 * deactivates: old tickets keep showing the entry, new ones cannot use it.
 * Every write is one transaction with its audit entry. */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_validate.h"

typedef struct lookup_t {
    const char *noun;          /* for messages */
    const char *path;          /* below the API base */
    pd_entity_e entity;        /* in the audit log */
    pd_sql_id_e list, get, insert, update, lock;
} lookup_t;

static const lookup_t categories = {
    "category", "/ticket-categories", PD_ENTITY_TICKET_CATEGORY,
    PD_SQL_TICKET_CATEGORIES_LIST, PD_SQL_TICKET_CATEGORIES_GET,
    PD_SQL_TICKET_CATEGORIES_INSERT, PD_SQL_TICKET_CATEGORIES_UPDATE,
    PD_SQL_TICKET_CATEGORIES_LOCK
};
static const lookup_t modules = {
    "module", "/ticket-modules", PD_ENTITY_TICKET_MODULE,
    PD_SQL_TICKET_MODULES_LIST, PD_SQL_TICKET_MODULES_GET,
    PD_SQL_TICKET_MODULES_INSERT, PD_SQL_TICKET_MODULES_UPDATE,
    PD_SQL_TICKET_MODULES_LOCK
};

/* Both tables' statements take the same parameters, so each call below
 * serves either; pd_db checks the count at the call. */
_Static_assert(PD_SQL_TICKET_CATEGORIES_LIST_NARGS == PD_SQL_TICKET_MODULES_LIST_NARGS
               && PD_SQL_TICKET_CATEGORIES_GET_NARGS == PD_SQL_TICKET_MODULES_GET_NARGS
               && PD_SQL_TICKET_CATEGORIES_INSERT_NARGS == PD_SQL_TICKET_MODULES_INSERT_NARGS
               && PD_SQL_TICKET_CATEGORIES_UPDATE_NARGS == PD_SQL_TICKET_MODULES_UPDATE_NARGS
               && PD_SQL_TICKET_CATEGORIES_LOCK_NARGS == PD_SQL_TICKET_MODULES_LOCK_NARGS,
               "categories and modules differ in their statements' parameters");

static const char *const body_fields[] = { "name", "description", "color", "active", NULL };

/* Deactivated entries only for those who see them (pd_authz). */
static apr_status_t lookup_list(pd_req_t *req, const lookup_t *lk)
{
    const char *inc, *args[1], *items;
    pd_db_result_t res;

    inc = apr_table_get(req->query, "include_inactive");
    if (inc && strcmp(inc, "true") != 0 && strcmp(inc, "false") != 0) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "include_inactive",
                            "include_inactive must be true or false");
    }
    args[0] = pd_db_bool(inc && strcmp(inc, "true") == 0
                         && pd_authz_sees_inactive_lookups(&req->who));
    if (pd_db_select(&req->db, lk->list, PD_DB_ARGS(args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "listing a lookup");
    }
    items = pd_db_next(&res) == APR_SUCCESS ? pd_db_get(&res, 0) : NULL;
    pd_db_drain(&res);
    return pd_respond_json(req, HTTP_OK, apr_pstrcat(req->r->pool, "{\"items\":",
                                                     items ? items : "[]", "}", NULL));
}

/* *text gets the entry's JSON; APR_NOTFOUND when there is none for this caller. */
static apr_status_t lookup_fetch(pd_req_t *req, const lookup_t *lk, const char **text)
{
    const char *args[1] = { pd_db_int(&req->db, req->id) };
    pd_db_result_t res;
    int active;

    *text = NULL;
    if (pd_db_select(&req->db, lk->get, PD_DB_ARGS(args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading a lookup");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return APR_NOTFOUND;
    }
    *text = pd_db_get(&res, 0);
    active = pd_db_get_bool(&res, 1);
    pd_db_drain(&res);
    if (!active && !pd_authz_sees_inactive_lookups(&req->who)) {
        *text = NULL;
        return APR_NOTFOUND;
    }
    return APR_SUCCESS;
}

static apr_status_t not_found(pd_req_t *req, const lookup_t *lk)
{
    return pd_error_setf(&req->err, NULL, 404, "not_found", NULL, "no such %s", lk->noun);
}

static apr_status_t lookup_get(pd_req_t *req, const lookup_t *lk)
{
    const char *text;
    apr_status_t rv = lookup_fetch(req, lk, &text);
    if (rv == APR_NOTFOUND) {
        return not_found(req, lk);
    }
    return rv == APR_SUCCESS ? pd_respond_json(req, HTTP_OK, text) : rv;
}

/* name, description, color (lower-case #rrggbb); all optional for PATCH */
static apr_status_t lookup_body(pd_req_t *req, json_t *body, int creating,
                                const char **name, const char **description,
                                const char **color, const char **active)
{
    apr_status_t rv;
    int flag;

    if ((rv = pd_v_known_fields(body, body_fields, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    rv = pd_v_string(body, "name", creating ? PD_V_REQUIRED : 0, 1, 100, req->r->pool,
                     name, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    rv = pd_v_string(body, "description", PD_V_MULTILINE, 0, 1000, req->r->pool,
                     description, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    rv = pd_v_string(body, "color", 0, 7, 7, req->r->pool, color, &req->err);
    if (rv == APR_SUCCESS && !pd_is_color(*color)) {
        return pd_error_set(&req->err, 422, "validation_failed", "color",
                            "color must be #rrggbb in lower-case hexadecimal");
    }
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    *active = NULL;
    rv = pd_v_bool(body, "active", 0, &flag, &req->err);
    if (rv == APR_SUCCESS) {
        *active = pd_db_bool(flag);
    }
    return rv == APR_NOTFOUND ? APR_SUCCESS : rv;
}

static apr_status_t lookup_create(pd_req_t *req, const lookup_t *lk)
{
    const char *name, *description, *color, *active, *args[3];
    pd_audited_create_t create = { lk->insert, lk->entity, lk->path, "name", NULL };
    json_t *body;
    apr_status_t rv;

    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = lookup_body(req, body, 1, &name, &description, &color, &active))
           != APR_SUCCESS) {
        return rv;
    }
    if (active) {
        return pd_error_set(&req->err, 422, "validation_failed", "active",
                            "a new entry is always active");
    }
    args[0] = name;
    args[1] = description ? description : "";
    args[2] = color ? color : "#64748b";
    create.conflict_message = apr_psprintf(req->r->pool, "a %s with this name already exists",
                                           lk->noun);
    return pd_audited_create(req, &create, PD_DB_ARGS(args));
}

/* PATCH and DELETE (active = false): what was sent (NULL: unchanged, the
 * update keeps the column); 1-4 those, 5 id, 6 name (the conflict check),
 * 7 id. */
typedef struct lookup_change_t {
    const char *name, *description, *color, *active;
} lookup_change_t;

static apr_status_t merge(pd_req_t *req, const char *const *row, const void *sent,
                          const char **args)
{
    const lookup_change_t *c = sent;

    args[0] = args[5] = c->name;
    args[1] = c->description;
    args[2] = c->color;
    args[3] = c->active;
    args[4] = args[6] = pd_db_int(&req->db, req->id);
    return APR_SUCCESS;
}

static apr_status_t lookup_write(pd_req_t *req, const lookup_t *lk, pd_audit_action_e action,
                                 const lookup_change_t *c)
{
    pd_audited_update_t update = {
        lk->lock, 1, lk->update, PD_SQL__COUNT, lk->entity, lk->noun, "name",
        apr_psprintf(req->r->pool, "a %s with this name already exists", lk->noun), merge
    };
    return pd_audited_update(req, &update, c, action);
}

static apr_status_t lookup_update(pd_req_t *req, const lookup_t *lk)
{
    lookup_change_t c;
    json_t *body;
    apr_status_t rv;

    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = lookup_body(req, body, 0, &c.name, &c.description, &c.color, &c.active))
           != APR_SUCCESS) {
        return rv;
    }
    return lookup_write(req, lk, PD_AUDIT_UPDATE, &c);
}

static apr_status_t lookup_delete(pd_req_t *req, const lookup_t *lk)
{
    static const lookup_change_t deactivate = { NULL, NULL, NULL, "false" };
    return lookup_write(req, lk, PD_AUDIT_DEACTIVATE, &deactivate);
}

apr_status_t pd_res_categories_list(pd_req_t *req) { return lookup_list(req, &categories); }
apr_status_t pd_res_categories_get(pd_req_t *req) { return lookup_get(req, &categories); }
apr_status_t pd_res_categories_create(pd_req_t *req) { return lookup_create(req, &categories); }
apr_status_t pd_res_categories_update(pd_req_t *req) { return lookup_update(req, &categories); }
apr_status_t pd_res_categories_delete(pd_req_t *req) { return lookup_delete(req, &categories); }
apr_status_t pd_res_modules_list(pd_req_t *req) { return lookup_list(req, &modules); }
apr_status_t pd_res_modules_get(pd_req_t *req) { return lookup_get(req, &modules); }
apr_status_t pd_res_modules_create(pd_req_t *req) { return lookup_create(req, &modules); }
apr_status_t pd_res_modules_update(pd_req_t *req) { return lookup_update(req, &modules); }
apr_status_t pd_res_modules_delete(pd_req_t *req) { return lookup_delete(req, &modules); }
