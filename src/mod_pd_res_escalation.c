/* POST /api/tickets/{id}/escalate and /de-escalate: staff raise the alarm
 * on a ticket by hand, or lower it, with a reason. Who may, and when, is
 * pd_authz_ticket_escalate's. The flag is part of the ticket (its version
 * moves, the escalated queue lists it); the reason is an internal entry of
 * the timeline, which notifies through the outbox in the same transaction
 * (events escalated and de_escalated, staff only). A breach escalates a
 * ticket too, by the service level sweep (migration 0031). */
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_validate.h"

#define REASON_MAX 2000

static apr_status_t escalation(pd_req_t *req, int escalate)
{
    static const char *const fields[] = { "reason", NULL };
    const char *reason, *was, *now;
    const char *set[] = { pd_db_bool(escalate), pd_db_int(&req->db, req->id) };
    pd_ticket_facts_t facts;
    json_t *body;
    apr_status_t rv;

    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = pd_v_known_fields(body, fields, &req->err)) != APR_SUCCESS
        || (rv = pd_v_string(body, "reason", PD_V_REQUIRED | PD_V_MULTILINE, 1, REASON_MAX,
                             req->r->pool, &reason, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting an escalation");
    }
    if ((rv = pd_ticket_lock_facts(req, &facts)) != APR_SUCCESS) {
        goto cleanup;
    }
    if ((rv = pd_authz_refuse(&req->err, pd_authz_ticket_escalate(&req->who, &facts, escalate),
                              NULL)) != APR_SUCCESS) {
        goto cleanup;
    }
    was = pd_db_bool(facts.escalated);
    now = pd_db_bool(escalate);
    if (pd_db_exec(&req->db, PD_SQL_CALL(PD_SQL_TICKETS_ESCALATE, set), NULL) != APR_SUCCESS) {
        rv = pd_fail_db(req, "escalating a ticket");
        goto cleanup;
    }
    if ((rv = pd_ticket_activity_add(req, "escalation", "escalated", was, now, reason,
                                     "internal")) != APR_SUCCESS) {
        goto cleanup;
    }
    if (pd_db_commit(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "committing an escalation");
    }
    return pd_ticket_respond(req, req->id);

cleanup:
    pd_db_rollback(&req->db);
    return rv;
}

apr_status_t pd_res_tickets_escalate(pd_req_t *req)
{
    return escalation(req, 1);
}

apr_status_t pd_res_tickets_de_escalate(pd_req_t *req)
{
    return escalation(req, 0);
}
