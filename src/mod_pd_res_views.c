/* Saved views and the menu's counts: GET and POST /api/views, PATCH and
 * DELETE /api/views/{id}, GET /api/tickets/counts. A view is a name for a
 * ticket list's filters, kept as the query string GET /api/tickets takes
 * and checked by that list's own parser, when it is saved and again when it
 * is counted: a view can never hold a filter the list would refuse. Who
 * may read, share and change one is pd_authz.c's. */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_validate.h"

#define VIEW_NAME_MAX 80
#define VIEW_FILTERS_MAX 1000
#define VIEWS_PER_USER 50
/* the views counted by GET /api/views?count=true, the first by name */
#define VIEWS_COUNTED 20

/* The list parameters a view may hold: the filters and the order, not the
 * page (limit, cursor) nor the format. */
static const char *const view_params[] = {
    "status", "priority", "category_id", "module_id", "pharmacy_id", "expert_id",
    "tech_id", "source", "created_from", "created_to", "queue", "q", "sla", "sort", "order",
    "event", "event_from", "event_to", "case_type", NULL
};

/* A saved view's columns, as PD_SQL_SAVED_VIEWS_LIST and _GET give them. */
enum { V_ID, V_NAME, V_FILTERS, V_SHARED, V_OWNER, V_OWNER_NAME, V_OWNER_ROLE };

typedef struct view_t {
    apr_int64_t id, owner_id;
    const char *name, *filters, *owner_name;
    int shared;
    pd_role_e owner_role;
} view_t;

static void view_read(pd_db_result_t *res, view_t *v)
{
    v->id = pd_db_get_int64(res, V_ID);
    v->name = pd_db_get(res, V_NAME);
    v->filters = pd_db_get(res, V_FILTERS);
    v->shared = pd_db_get_bool(res, V_SHARED);
    v->owner_id = pd_db_get_int64(res, V_OWNER);
    v->owner_name = pd_db_get(res, V_OWNER_NAME);
    v->owner_role = (pd_role_e)pd_db_get_int64(res, V_OWNER_ROLE);
}

/* Parses a view's filters with the list's parser; with count, counts the
 * list as GET /api/tickets?count=true would. A stored view whose filters
 * no longer parse (a category since removed stays a valid id) counts as
 * nothing rather than failing the menu. */
static apr_status_t filters_parse(pd_req_t *req, const char *filters, int *count, int *more)
{
    apr_table_t *q;
    apr_status_t rv;

    if ((rv = pd_query_parse(&q, req->r->pool, filters, &req->err)) != APR_SUCCESS
        || (rv = pd_q_known(q, view_params, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    return pd_ticket_list_count(req, q, count, more);
}

static json_t *view_json(pd_req_t *req, const view_t *v)
{
    return json_pack("{sI ss ss sb s{sI ss} sb sb}", "id", (json_int_t)v->id, "name", v->name,
                     "filters", v->filters, "shared", v->shared, "owner", "id",
                     (json_int_t)v->owner_id, "name", v->owner_name, "mine",
                     v->owner_id == req->who.user_id, "editable",
                     pd_authz_view_edit(&req->who, v->owner_id) == PD_AZ_OK);
}

apr_status_t pd_res_views_list(pd_req_t *req)
{
    const char *args[2] = { pd_db_int(&req->db, req->who.user_id),
                            pd_role_param(req->who.role) };
    json_t *items = pd_json_bind(req->r->pool, json_array());
    apr_array_header_t *views = apr_array_make(req->r->pool, 8, sizeof(view_t));
    pd_db_result_t res;
    apr_status_t rv;
    int i, counted;

    if ((rv = pd_q_bool(req->query, "count", &counted, &req->err)) != APR_SUCCESS
        && rv != APR_NOTFOUND) {
        return rv;
    }
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_SAVED_VIEWS_LIST, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "listing saved views");
    }
    while (pd_db_next(&res) == APR_SUCCESS) {
        view_read(&res, apr_array_push(views));
    }
    for (i = 0; i < views->nelts; i++) {
        const view_t *v = &APR_ARRAY_IDX(views, i, view_t);
        json_t *item = view_json(req, v);
        if (!pd_authz_view_read(&req->who, v->owner_id, v->owner_role, v->shared)) {
            json_decref(item);
            continue;
        }
        if (counted && i < VIEWS_COUNTED) {
            int n = 0, more = 0;
            pd_error_t saved = req->err;
            rv = filters_parse(req, v->filters, &n, &more);
            if (rv != APR_SUCCESS && req->err.status >= 500) {
                return rv;
            }
            req->err = saved;
            json_object_set_new(item, "count", rv == APR_SUCCESS ? json_integer(n) : json_null());
            json_object_set_new(item, "count_more", json_boolean(more));
        }
        json_array_append_new(items, item);
    }
    return pd_respond_json_value(req, HTTP_OK,
                                 pd_json_bind(req->r->pool, json_pack("{sO}", "items", items)));
}

/* name, filters and shared from a body; on a PATCH (v holds the view)
 * each is optional. */
static apr_status_t read_view(pd_req_t *req, view_t *v, int create)
{
    static const char *const fields[] = { "name", "filters", "shared", NULL };
    unsigned need = create ? PD_V_REQUIRED : 0;
    const char *name = NULL, *filters = NULL;
    json_t *body;
    apr_status_t rv;
    int shared = v->shared;

    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = pd_v_known_fields(body, fields, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    if (((rv = pd_v_string(body, "name", need, 1, VIEW_NAME_MAX, req->r->pool, &name, &req->err))
         != APR_SUCCESS && rv != APR_NOTFOUND)
        || ((rv = pd_v_string(body, "filters", 0, 0, VIEW_FILTERS_MAX, req->r->pool, &filters,
                              &req->err)) != APR_SUCCESS && rv != APR_NOTFOUND)
        || ((rv = pd_v_bool(body, "shared", 0, &shared, &req->err)) != APR_SUCCESS
            && rv != APR_NOTFOUND)) {
        return rv;
    }
    v->name = name ? name : v->name;
    v->filters = filters ? filters : v->filters ? v->filters : "";
    if (shared && !v->shared && !pd_authz_view_share(&req->who)) {
        return pd_authz_refuse(&req->err, PD_AZ_FIELD_FORBIDDEN, "shared");
    }
    v->shared = shared;
    /* the list's own parser decides what a view may hold */
    if (filters_parse(req, v->filters, NULL, NULL) != APR_SUCCESS) {
        const char *why = req->err.message;
        const char *which = req->err.field;
        return pd_error_setf(&req->err, req->r->pool, 422, "validation_failed", "filters",
                             "filters: %s%s%s", which ? which : "", which ? ": " : "",
                             why ? why : "not a list's filters");
    }
    return APR_SUCCESS;
}

apr_status_t pd_res_views_create(pd_req_t *req)
{
    view_t v = { 0 };
    const char *args[6];
    pd_db_result_t res;
    apr_status_t rv;

    v.owner_id = req->who.user_id;
    v.owner_name = req->who.name;
    v.owner_role = req->who.role;
    if ((rv = read_view(req, &v, 1)) != APR_SUCCESS) {
        return rv;
    }
    args[0] = pd_db_int(&req->db, v.owner_id);
    args[1] = v.name;
    args[2] = v.filters;
    args[3] = pd_db_bool(v.shared);
    args[4] = args[0];
    args[5] = apr_itoa(req->r->pool, VIEWS_PER_USER);
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_SAVED_VIEWS_INSERT, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "saving a view");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        const char *count_args[1] = { args[0] };
        apr_int64_t have = 0;
        if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_SAVED_VIEWS_COUNT, count_args), &res)
            != APR_SUCCESS) {
            return pd_fail_db(req, "counting saved views");
        }
        while (pd_db_next(&res) == APR_SUCCESS) {
            have = pd_db_get_int64(&res, 0);
        }
        return have >= VIEWS_PER_USER
                   ? pd_error_setf(&req->err, req->r->pool, 422, "validation_failed", NULL,
                                   "a user keeps at most %d views", VIEWS_PER_USER)
                   : pd_error_set(&req->err, 409, "conflict", "name",
                                  "you have a view of that name already");
    }
    v.id = pd_db_get_int64(&res, 0);
    pd_db_drain(&res);
    apr_table_setn(req->r->headers_out, "Location",
                   apr_psprintf(req->r->pool, "%s/views/%" APR_INT64_T_FMT, req->conf->api_base,
                                v.id));
    return pd_respond_json_value(req, HTTP_CREATED, pd_json_bind(req->r->pool, view_json(req, &v)));
}

/* The view of req->id, locked, that the caller may change: 404 when they
 * may not read it, 403 when they may read it only. */
static apr_status_t lock_view(pd_req_t *req, view_t *v)
{
    const char *args[1] = { pd_db_int(&req->db, req->id) };
    pd_db_result_t res;
    int found = 0;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_SAVED_VIEWS_GET, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading a saved view");
    }
    while (pd_db_next(&res) == APR_SUCCESS) {
        view_read(&res, v);
        found = 1;
    }
    if (!found || !pd_authz_view_read(&req->who, v->owner_id, v->owner_role, v->shared)) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such view");
    }
    return pd_authz_refuse(&req->err, pd_authz_view_edit(&req->who, v->owner_id), NULL);
}

apr_status_t pd_res_views_update(pd_req_t *req)
{
    view_t v = { 0 };
    const char *args[5];
    pd_db_result_t res;
    apr_status_t rv;

    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting a view update");
    }
    if ((rv = lock_view(req, &v)) != APR_SUCCESS || (rv = read_view(req, &v, 0)) != APR_SUCCESS) {
        goto cleanup;
    }
    args[0] = v.name;
    args[1] = v.filters;
    args[2] = pd_db_bool(v.shared);
    args[3] = pd_db_int(&req->db, v.id);
    args[4] = v.name;
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_SAVED_VIEWS_UPDATE, args), &res) != APR_SUCCESS) {
        rv = pd_fail_db(req, "updating a view");
        goto cleanup;
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        rv = pd_error_set(&req->err, 409, "conflict", "name",
                          "the owner has another view of that name");
        goto cleanup;
    }
    pd_db_drain(&res);
    if (pd_db_commit(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "committing a view update");
    }
    return pd_respond_json_value(req, HTTP_OK, pd_json_bind(req->r->pool, view_json(req, &v)));

cleanup:
    pd_db_rollback(&req->db);
    return rv;
}

apr_status_t pd_res_views_delete(pd_req_t *req)
{
    const char *args[1] = { pd_db_int(&req->db, req->id) };
    view_t v = { 0 };
    apr_status_t rv;

    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting a view deletion");
    }
    if ((rv = lock_view(req, &v)) != APR_SUCCESS) {
        pd_db_rollback(&req->db);
        return rv;
    }
    if (pd_db_exec(&req->db, PD_SQL_CALL(PD_SQL_SAVED_VIEWS_DELETE, args), NULL) != APR_SUCCESS) {
        pd_db_rollback(&req->db);
        return pd_fail_db(req, "deleting a view");
    }
    if (pd_db_commit(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "committing a view deletion");
    }
    return pd_respond_no_content(req);
}

/* The work queues' sizes for the menu, each a bounded count of the list
 * the portal shows under that name: what one works on (not finished yet),
 * the review queue, the unassigned and the escalated tickets, and the
 * tickets waiting for their customer (for an answer, or to confirm a
 * solution: what sort=waiting lists first). Each list is the caller's as GET
 * /api/tickets would give it, so a customer's counts are their pharmacy's. */
apr_status_t pd_res_ticket_counts(pd_req_t *req)
{
    static const char *const queues[][2] = {
        { "mine", "queue=mine&status=open,in_review,in_progress,waiting_customer" },
        { "review", "queue=review" },
        { "unassigned", "queue=unassigned" },
        { "escalated", "queue=escalated" },
        { "waiting", "status=waiting_customer,solved" },
    };
    json_t *out = pd_json_bind(req->r->pool, json_object());
    apr_size_t i;
    apr_status_t rv;

    for (i = 0; i < sizeof(queues) / sizeof(queues[0]); i++) {
        int n = 0, more = 0;
        if ((rv = filters_parse(req, queues[i][1], &n, &more)) != APR_SUCCESS) {
            return rv;
        }
        json_object_set_new(out, queues[i][0], json_pack("{si sb}", "count", n, "more", more));
    }
    return pd_respond_json_value(req, HTTP_OK,
                                 pd_json_bind(req->r->pool, json_pack("{sO}", "queues", out)));
}
