/* POST /api/tickets/bulk: one change for several tickets, as staff pick
 * rows of a list. Each ticket gets the change through the very path of
 * PATCH /api/tickets/{id} (pd_ticket_patch), in a transaction of its own,
 * under the same rules: a ticket the caller may not change, or may not
 * change that way, is refused alone and the others still change. The answer
 * reports each ticket: its id, the status a PATCH would have answered, and
 * the error when there was one. */
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_validate.h"

/* A bulk request's cap: a list's page is at most PD_LIST_MAX_LIMIT. */
#define BULK_MAX_IDS 100

/* The changes a bulk request may carry: assignment, priority, category and
 * a status (closing); texts and notes stay one ticket's business. */
static const char *const bulk_changes[] = {
    "expert_id", "tech_id", "priority", "category_id", "status", NULL
};

static apr_status_t read_ids(pd_req_t *req, json_t *body, apr_int64_t *ids, int *count)
{
    json_t *list = json_object_get(body, "ids"), *v;
    size_t i, j;

    *count = 0;
    if (!json_is_array(list) || json_array_size(list) == 0) {
        return pd_error_set(&req->err, 422, "validation_failed", "ids",
                            "ids must be a non-empty array of ticket ids");
    }
    if (json_array_size(list) > BULK_MAX_IDS) {
        return pd_error_setf(&req->err, req->r->pool, 422, "validation_failed", "ids",
                             "at most %d tickets at once", BULK_MAX_IDS);
    }
    json_array_foreach(list, i, v) {
        json_int_t id = json_is_integer(v) ? json_integer_value(v) : 0;
        if (id <= 0) {
            return pd_error_set(&req->err, 422, "validation_failed", "ids",
                                "ids must be positive integers");
        }
        for (j = 0; j < (size_t)*count && ids[j] != id; j++) {
        }
        if (j == (size_t)*count) {
            ids[(*count)++] = id;  /* a repeated id changes its ticket once */
        }
    }
    return APR_SUCCESS;
}

apr_status_t pd_res_tickets_bulk(pd_req_t *req)
{
    static const char *const fields[] = { "ids", "changes", NULL };
    apr_int64_t ids[BULK_MAX_IDS];
    json_t *body, *changes, *results;
    apr_status_t rv;
    int count, i, done = 0;

    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = pd_v_known_fields(body, fields, &req->err)) != APR_SUCCESS
        || (rv = read_ids(req, body, ids, &count)) != APR_SUCCESS) {
        return rv;
    }
    changes = json_object_get(body, "changes");
    if (!json_is_object(changes) || json_object_size(changes) == 0) {
        return pd_error_set(&req->err, 422, "validation_failed", "changes",
                            "changes must be an object with at least one change");
    }
    /* a change of the wrong shape is refused before any ticket changes */
    if ((rv = pd_v_known_fields(changes, bulk_changes, &req->err)) != APR_SUCCESS
        || (rv = pd_ticket_patch(req, changes, 1)) != APR_SUCCESS) {
        return rv;
    }
    results = pd_json_bind(req->r->pool, json_array());
    for (i = 0; i < count; i++) {
        json_t *item = json_pack("{sI}", "id", (json_int_t)ids[i]);
        pd_error_init(&req->err, req->r->pool);
        req->id = ids[i];
        rv = pd_ticket_patch(req, changes, 0);
        if (rv == APR_SUCCESS) {
            json_object_set_new(item, "status", json_integer(HTTP_OK));
            done++;
        }
        else {
            const char *text;
            json_t *err = NULL;
            /* the database gone is no one ticket's answer */
            if (req->err.status >= 500) {
                json_decref(item);
                return rv;
            }
            if (pd_error_to_json(&text, req->r->pool, &req->err) == APR_SUCCESS) {
                err = json_loads(text, 0, NULL);
            }
            json_object_set_new(item, "status", json_integer(req->err.status));
            json_object_set_new(item, "error", err && json_object_get(err, "error")
                                                   ? json_incref(json_object_get(err, "error"))
                                                   : json_null());
            json_decref(err);
        }
        json_array_append_new(results, item);
    }
    pd_error_init(&req->err, req->r->pool);
    return pd_respond_json_value(req, HTTP_OK,
                                 pd_json_bind(req->r->pool,
                                              json_pack("{sO si si}", "results", results, "changed",
                                                        done, "failed", count - done)));
}
