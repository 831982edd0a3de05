/* POST /api/tickets/{id}/route: the front desk routes a case to an org unit
 * (or takes it out of one: null). The unit must be active; a finished
 * ticket stays where it was. The move is an internal entry of the timeline
 * (field org_unit_id, from and to the unit's id), in the same transaction.
 * Who may is the policy's (PD_ACT_TICKET_ROUTE); the ticket must be within
 * the caller's scope. */
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_validate.h"
#include "pd_workflow.h"

#define NOTE_MAX 2000

apr_status_t pd_res_tickets_route(pd_req_t *req)
{
    static const char *const fields[] = { "org_unit_id", "note", NULL };
    const char *note = NULL, *to, *was = NULL, *active = NULL;
    const char *id = pd_db_int(&req->db, req->id);
    apr_int64_t unit = 0;
    pd_ticket_facts_t facts;
    pd_db_result_t res;
    json_t *body;
    apr_status_t rv;

    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = pd_v_known_fields(body, fields, &req->err)) != APR_SUCCESS
        || (rv = pd_v_id(body, "org_unit_id", PD_V_NULLABLE, &unit, &req->err)) != APR_SUCCESS) {
        if (rv == APR_NOTFOUND) {
            return pd_error_set(&req->err, 422, "validation_failed", "org_unit_id",
                                "org_unit_id is required (null takes the ticket out of its unit)");
        }
        return rv;
    }
    rv = pd_v_string(body, "note", PD_V_NULLABLE | PD_V_MULTILINE, 1, NOTE_MAX, req->r->pool,
                     &note, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    to = unit > 0 ? pd_db_int(&req->db, unit) : NULL;
    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting a routing");
    }
    if ((rv = pd_ticket_lock_facts(req, &facts)) != APR_SUCCESS) {
        goto cleanup;
    }
    if (pd_status_is_final(facts.status)) {
        rv = pd_error_set(&req->err, 409, "ticket_closed", NULL,
                          "the ticket is finished: it stays in its unit");
        goto cleanup;
    }
    {
        const char *args[] = { to, id };
        if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_TICKETS_ROUTE, args), &res) != APR_SUCCESS) {
            rv = pd_fail_db(req, "routing a ticket");
            goto cleanup;
        }
        if (pd_db_next(&res) == APR_SUCCESS) {
            was = pd_db_get(&res, 0);
            active = pd_db_get(&res, 1);
        }
        pd_db_drain(&res);
    }
    if (to && !(active && *active == 't')) {
        rv = pd_error_set(&req->err, 422, "unknown_reference", "org_unit_id",
                          "org_unit_id names no active org unit");
        goto cleanup;
    }
    if ((rv = pd_ticket_activity_add(req, "field_changed", "org_unit_id", was, to, note,
                                     "internal")) != APR_SUCCESS) {
        goto cleanup;
    }
    if (pd_db_commit(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "committing a routing");
    }
    return pd_ticket_respond(req, req->id);

cleanup:
    pd_db_rollback(&req->db);
    return rv;
}
