/* What a status change carries besides the status:
 *
 *   handing a ticket to a tech (open or in_review -> in_progress, by a
 *     status change or by assigning the tech) needs a technical `note`,
 *     which stays internal;
 *   solving needs a resolution summary, the public `message`;
 *   a customer rejecting a solution (solved -> in_progress) gives a reason
 *     (`message`, or their `note`, which is public anyway);
 *   a customer confirming one (solved -> closed) may rate it 1-5 (`rating`)
 *     with a comment (`message`);
 *   any other move may carry a `message` to the customer (waiting_customer:
 *     what is needed from them).
 *
 * The texts go on the timeline as public comments named by their purpose
 * (field resolution, reason, rating_comment or message), the rating as a
 * public field change. */
#include <apr_strings.h>
#include "mod_pd.h"

apr_status_t pd_ticket_activity_add(pd_req_t *req, const char *kind, const char *field,
                                    const char *old_value, const char *new_value,
                                    const char *body, const char *visibility)
{
    const char *args[8] = {
        pd_db_int(&req->db, req->id), pd_db_int(&req->db, req->who.user_id), kind, field,
        old_value, new_value, body, visibility
    };
    if (pd_db_exec(&req->db, PD_SQL_TICKET_ACTIVITIES_INSERT, args, NULL) != APR_SUCCESS) {
        return pd_fail_db(req, "appending to the timeline");
    }
    return APR_SUCCESS;
}

static int handover(pd_status_e from, pd_status_e to)
{
    return to == PD_ST_IN_PROGRESS && (from == PD_ST_OPEN || from == PD_ST_IN_REVIEW);
}

static int rejection(const pd_req_t *req, pd_status_e from, pd_status_e to)
{
    return req->who.role == PD_ROLE_CUSTOMER && from == PD_ST_SOLVED && to == PD_ST_IN_PROGRESS;
}

static int confirmation(pd_status_e from, pd_status_e to)
{
    return from == PD_ST_SOLVED && to == PD_ST_CLOSED;
}

apr_status_t pd_transition_check(pd_req_t *req, pd_status_e from, pd_status_e to,
                                 const pd_transition_text_t *tx)
{
    int moves = from != to;

    if (tx->message && !moves) {
        return pd_error_set(&req->err, 422, "validation_failed", "message",
                            "message goes with a status change; a reply is a comment");
    }
    if (tx->rating && !(moves && confirmation(from, to))) {
        return pd_error_set(&req->err, 422, "validation_failed", "rating",
                            "a rating goes with confirming a solution (solved -> closed)");
    }
    if (!moves) {
        return APR_SUCCESS;
    }
    if (handover(from, to) && !tx->note) {
        return pd_error_set(&req->err, 422, "validation_failed", "note",
                            "handing a ticket to a tech needs a technical note");
    }
    if (to == PD_ST_SOLVED && !tx->message) {
        return pd_error_set(&req->err, 422, "validation_failed", "message",
                            "solving a ticket needs a resolution summary (message)");
    }
    if (rejection(req, from, to) && !tx->message && !tx->note) {
        return pd_error_set(&req->err, 422, "validation_failed", "message",
                            "rejecting a solution needs a reason (message)");
    }
    return APR_SUCCESS;
}

apr_status_t pd_transition_record(pd_req_t *req, pd_status_e from, pd_status_e to,
                                  const pd_transition_text_t *tx)
{
    const char *purpose = "message";
    apr_status_t rv;

    if (to == PD_ST_SOLVED) {
        purpose = "resolution";
    }
    else if (rejection(req, from, to)) {
        purpose = "reason";
    }
    else if (confirmation(from, to)) {
        purpose = "rating_comment";
    }
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
