/* The ticket lifecycle: which role may move a ticket from one status to
 * another, under which conditions, and with which texts. */
#ifndef PD_WORKFLOW_H
#define PD_WORKFLOW_H

#include "pd_types.h"

/* Conditions a rule can carry. */
#define PD_WF_OWN      0x01    /* the caller is a customer of the ticket's pharmacy */
#define PD_WF_ASSIGNED 0x02    /* the caller is the ticket's tech */
#define PD_WF_HAS_TECH 0x04    /* the ticket has a tech once the change is applied */

typedef struct pd_wf_rule_t {
    pd_status_e from;
    pd_status_e to;
    pd_role_e role;
    unsigned conditions;
} pd_wf_rule_t;

/* What is true of this caller and ticket (PD_WF_* bits). */
typedef unsigned pd_wf_facts_t;

/* The whole table, for tests and documentation. */
const pd_wf_rule_t *pd_workflow_rules(apr_size_t *count);

/* 1 when role may move the ticket from -> to given facts, else 0. */
int pd_workflow_allows(pd_role_e role, pd_status_e from, pd_status_e to,
                       pd_wf_facts_t facts);

/* The statuses (as a bit set, 1u << pd_status_e) this caller may move the
 * ticket to from its current status. The has-tech condition is assumed met,
 * since the caller can assign a tech in the same change. */
unsigned pd_workflow_targets(pd_role_e role, pd_status_e from, pd_wf_facts_t facts);

/* 1 when a rule exists for from -> to whatever the conditions; tells a
 * missing condition (422) from a move outside the flow (409). */
int pd_workflow_rule_exists(pd_role_e role, pd_status_e from, pd_status_e to);

/* Statuses that count as finished: no field edits, only reopening. */
int pd_status_is_final(pd_status_e st);

/* Statuses before a solution (open, in_review, in_progress,
 * waiting_customer): the work still to do, as the queues and the service
 * levels count it. */
int pd_status_is_unsolved(pd_status_e st);

/* What a move carries besides the status, as bits:
 * handing a ticket to a tech (open or in_review -> in_progress) needs a
 * technical note; solving needs a resolution (the public message); a
 * customer rejecting a solution (solved -> in_progress) gives a reason (the
 * message, or their note, which is public anyway); a customer confirming
 * one (solved -> closed) may rate it. Any move may carry a message. */
#define PD_WF_NEEDS_NOTE    0x01u
#define PD_WF_NEEDS_MESSAGE 0x02u
#define PD_WF_NEEDS_REASON  0x04u   /* the message, or a customer's note */
#define PD_WF_TAKES_RATING  0x08u
unsigned pd_workflow_texts(pd_role_e role, pd_status_e from, pd_status_e to);

/* What the message of a move is on the timeline: "resolution", "reason",
 * "rating_comment" or "message". */
const char *pd_workflow_purpose(pd_role_e role, pd_status_e from, pd_status_e to);

/* Where a public reply leaves the ticket: a customer's reply to a ticket
 * that waits for them hands it back to the team, to the tech working on it
 * or to review when nobody is assigned, however the reply is sent (a
 * comment, or a note with a change). Any other reply leaves the status as
 * it is, and so is returned. */
pd_status_e pd_workflow_after_reply(pd_role_e role, pd_status_e status, int has_tech);

#endif
