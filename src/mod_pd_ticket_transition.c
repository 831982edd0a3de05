/* What a status change carries besides the status: which texts a move
 * needs is the workflow's (pd_workflow_texts); here they are checked
 * against a request and put on the timeline, as public comments named by
 * their purpose (field resolution, reason, rating_comment or message), the
 * rating as a public field change. A technical note stays the caller's
 * (internal for staff). */
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_workflow.h"

apr_status_t pd_ticket_activity_add(pd_req_t *req, const char *kind, const char *field,
                                    const char *old_value, const char *new_value,
                                    const char *body, const char *visibility)
{
    const char *args[8] = {
        pd_db_int(&req->db, req->id), pd_db_int(&req->db, req->who.user_id), kind, field,
        old_value, new_value, body, visibility
    };
    if (pd_db_exec(&req->db, PD_SQL_CALL(PD_SQL_TICKET_ACTIVITIES_INSERT, args), NULL)
        != APR_SUCCESS) {
        return pd_fail_db(req, "appending to the timeline");
    }
    return APR_SUCCESS;
}

apr_status_t pd_transition_check(pd_req_t *req, pd_status_e from, pd_status_e to,
                                 const pd_transition_text_t *tx)
{
    unsigned texts = pd_workflow_texts(req->who.role, from, to);

    if (tx->message && from == to) {
        return pd_error_set(&req->err, 422, "validation_failed", "message",
                            "message goes with a status change; a reply is a comment");
    }
    if (tx->rating && !(texts & PD_WF_TAKES_RATING)) {
        return pd_error_set(&req->err, 422, "validation_failed", "rating",
                            "a rating goes with confirming a solution (solved -> closed)");
    }
    if ((texts & PD_WF_NEEDS_NOTE) && !tx->note) {
        return pd_error_set(&req->err, 422, "validation_failed", "note",
                            "handing a ticket to a tech needs a technical note");
    }
    if ((texts & PD_WF_NEEDS_MESSAGE) && !tx->message) {
        return pd_error_set(&req->err, 422, "validation_failed", "message",
                            "solving a ticket needs a resolution summary (message)");
    }
    if ((texts & PD_WF_NEEDS_REASON) && !tx->message && !tx->note) {
        return pd_error_set(&req->err, 422, "validation_failed", "message",
                            "rejecting a solution needs a reason (message)");
    }
    return APR_SUCCESS;
}

apr_status_t pd_transition_record(pd_req_t *req, pd_status_e from, pd_status_e to,
                                  const pd_transition_text_t *tx)
{
    const char *purpose = pd_workflow_purpose(req->who.role, from, to);
    apr_status_t rv;

    if (tx->rating
        && (rv = pd_ticket_activity_add(req, "field_changed", "rating", NULL,
                                        apr_itoa(req->r->pool, tx->rating), NULL, "public"))
           != APR_SUCCESS) {
        return rv;
    }
    if (tx->message
        && (rv = pd_ticket_activity_add(req, "comment", purpose, NULL, NULL, tx->message,
                                        "public")) != APR_SUCCESS) {
        return rv;
    }
    return APR_SUCCESS;
}
