/* POST /api/tickets/{id}/comments: a public reply or an internal note.
 *
 * Customers post public replies only. A public entry is a change of the
 * ticket that everyone sees (its updated_at and ETag move; the first staff
 * reply is its first response), and a customer's reply to a ticket waiting
 * for them hands it back to the team. An internal note changes nothing a
 * customer can see: the ticket row is not touched, so not even its
 * updated_at or ETag betrays that a note was written. */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_validate.h"
#include "pd_workflow.h"

typedef struct comment_t {
    const char *body;
    int internal;
} comment_t;

static apr_status_t read_comment(pd_req_t *req, comment_t *c)
{
    static const char *const fields[] = { "body", "visibility", NULL };
    const char *visibility = "public";
    json_t *json;
    apr_status_t rv;

    if ((rv = pd_read_json(req, &json)) != APR_SUCCESS
        || (rv = pd_v_known_fields(json, fields, &req->err)) != APR_SUCCESS
        || (rv = pd_v_string(json, "body", PD_V_REQUIRED | PD_V_MULTILINE, 1, PD_TIMELINE_TEXT_MAX, req->r->pool,
                             &c->body, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    rv = pd_v_string(json, "visibility", 0, 1, 16, req->r->pool, &visibility, &req->err);
    if (rv == APR_NOTFOUND) {
        visibility = "public";
    }
    else if (rv != APR_SUCCESS) {
        return rv;
    }
    if (strcmp(visibility, "public") != 0 && strcmp(visibility, "internal") != 0) {
        return pd_error_set(&req->err, 422, "validation_failed", "visibility",
                            "visibility must be public or internal");
    }
    c->internal = strcmp(visibility, "internal") == 0;
    return APR_SUCCESS;
}

apr_status_t pd_comment_add(pd_req_t *req, const char *body, int internal, const char **json)
{
    int staff = pd_authz_sees_internal(&req->who);
    const char *ticket = pd_db_int(&req->db, req->id), *moved = NULL;
    const char *add[10], *touch[3];
    pd_db_result_t res;
    pd_ticket_facts_t facts;
    apr_status_t rv;

    if ((rv = pd_ticket_lock_facts(req, &facts)) != APR_SUCCESS) {
        return rv;
    }
    if ((rv = pd_authz_refuse(&req->err, pd_authz_ticket_entry(&req->who, &facts, internal),
                              NULL)) != APR_SUCCESS) {
        return rv;
    }

    add[0] = ticket;
    add[1] = pd_db_int(&req->db, req->who.user_id);
    add[2] = staff && internal ? "note" : "comment";
    add[3] = add[4] = add[5] = NULL;
    add[6] = body;
    add[7] = internal ? "internal" : "public";
    add[8] = pd_db_bool(staff);
    add[9] = pd_role_param(PD_ROLE_CUSTOMER);
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_TICKET_ACTIVITIES_ADD, add), &res) != APR_SUCCESS
        || pd_db_next(&res) != APR_SUCCESS) {
        return pd_fail_db(req, "adding a comment");
    }
    *json = pd_db_get(&res, 0);
    pd_db_drain(&res);
    if (!internal) {
        pd_status_e after = pd_workflow_after_reply(req->who.role, facts.status,
                                                    facts.tech_id > 0);
        moved = after != facts.status ? pd_status_name(after) : NULL;
        if (moved && (rv = pd_ticket_activity_add(req, "status_changed", "status",
                                                  pd_status_name(facts.status), moved, NULL,
                                                  "public")) != APR_SUCCESS) {
            return rv;
        }
        touch[0] = pd_db_bool(staff);
        touch[1] = moved;
        touch[2] = ticket;
        if (pd_db_exec(&req->db, PD_SQL_CALL(PD_SQL_TICKETS_TOUCH, touch), NULL) != APR_SUCCESS) {
            return pd_fail_db(req, "updating a ticket");
        }
    }
    return APR_SUCCESS;
}

apr_status_t pd_res_comments_create(pd_req_t *req)
{
    const char *json = NULL;
    comment_t c;
    apr_status_t rv;

    if ((rv = read_comment(req, &c)) != APR_SUCCESS) {
        return rv;
    }
    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting a comment");
    }
    if ((rv = pd_comment_add(req, c.body, c.internal, &json)) != APR_SUCCESS) {
        pd_db_rollback(&req->db);
        return rv;
    }
    if (pd_db_commit(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "committing a comment");
    }
    return pd_respond_json(req, HTTP_CREATED, json);
}
