#include "pd_workflow.h"

/* The ticket lifecycle, per role:
 * customer creates (open) -> team expert reviews (in_review) -> forwards to a
 * tech (in_progress, a tech is required) -> waiting_customer when clarification
 * is needed -> solved -> closed. Customers cancel their own open ticket and
 * confirm or reject a solution; admins may do every move and reopen. */
static const pd_wf_rule_t rules[] = {
    { PD_ST_OPEN,             PD_ST_IN_REVIEW,        PD_ROLE_EXPERT,   0 },
    { PD_ST_OPEN,             PD_ST_IN_REVIEW,        PD_ROLE_ADMIN,    0 },
    { PD_ST_OPEN,             PD_ST_IN_PROGRESS,      PD_ROLE_EXPERT,   PD_WF_HAS_TECH },
    { PD_ST_OPEN,             PD_ST_IN_PROGRESS,      PD_ROLE_ADMIN,    PD_WF_HAS_TECH },
    { PD_ST_IN_REVIEW,        PD_ST_IN_PROGRESS,      PD_ROLE_EXPERT,   PD_WF_HAS_TECH },
    { PD_ST_IN_REVIEW,        PD_ST_IN_PROGRESS,      PD_ROLE_ADMIN,    PD_WF_HAS_TECH },
    { PD_ST_IN_REVIEW,        PD_ST_WAITING_CUSTOMER, PD_ROLE_EXPERT,   0 },
    { PD_ST_IN_REVIEW,        PD_ST_WAITING_CUSTOMER, PD_ROLE_ADMIN,    0 },
    { PD_ST_IN_PROGRESS,      PD_ST_WAITING_CUSTOMER, PD_ROLE_EXPERT,   0 },
    { PD_ST_IN_PROGRESS,      PD_ST_WAITING_CUSTOMER, PD_ROLE_TECH,     PD_WF_ASSIGNED },
    { PD_ST_IN_PROGRESS,      PD_ST_WAITING_CUSTOMER, PD_ROLE_ADMIN,    0 },
    { PD_ST_WAITING_CUSTOMER, PD_ST_IN_PROGRESS,      PD_ROLE_EXPERT,   PD_WF_HAS_TECH },
    { PD_ST_WAITING_CUSTOMER, PD_ST_IN_PROGRESS,      PD_ROLE_TECH,     PD_WF_ASSIGNED },
    { PD_ST_WAITING_CUSTOMER, PD_ST_IN_PROGRESS,      PD_ROLE_ADMIN,    PD_WF_HAS_TECH },
    { PD_ST_IN_PROGRESS,      PD_ST_SOLVED,           PD_ROLE_TECH,     PD_WF_ASSIGNED },
    { PD_ST_IN_PROGRESS,      PD_ST_SOLVED,           PD_ROLE_ADMIN,    0 },
    { PD_ST_SOLVED,           PD_ST_CLOSED,           PD_ROLE_CUSTOMER, PD_WF_OWN },
    { PD_ST_SOLVED,           PD_ST_CLOSED,           PD_ROLE_TECH,     PD_WF_ASSIGNED },
    { PD_ST_SOLVED,           PD_ST_CLOSED,           PD_ROLE_ADMIN,    0 },
    { PD_ST_SOLVED,           PD_ST_IN_PROGRESS,      PD_ROLE_CUSTOMER, PD_WF_OWN },
    { PD_ST_SOLVED,           PD_ST_IN_PROGRESS,      PD_ROLE_ADMIN,    PD_WF_HAS_TECH },
    { PD_ST_OPEN,             PD_ST_CANCELLED,        PD_ROLE_CUSTOMER, PD_WF_OWN },
    { PD_ST_OPEN,             PD_ST_CANCELLED,        PD_ROLE_ADMIN,    0 },
    { PD_ST_IN_REVIEW,        PD_ST_CANCELLED,        PD_ROLE_ADMIN,    0 },
    /* reopening, admins only: clears solved_at / closed_at */
    { PD_ST_CLOSED,           PD_ST_IN_PROGRESS,      PD_ROLE_ADMIN,    PD_WF_HAS_TECH },
    { PD_ST_CANCELLED,        PD_ST_OPEN,             PD_ROLE_ADMIN,    0 },
};

const pd_wf_rule_t *pd_workflow_rules(apr_size_t *count)
{
    *count = sizeof(rules) / sizeof(rules[0]);
    return rules;
}

int pd_workflow_allows(pd_role_e role, pd_status_e from, pd_status_e to,
                       pd_wf_facts_t facts)
{
    apr_size_t i;
    for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        if (rules[i].from == from && rules[i].to == to && rules[i].role == role
            && (rules[i].conditions & facts) == rules[i].conditions) {
            return 1;
        }
    }
    return 0;
}

unsigned pd_workflow_targets(pd_role_e role, pd_status_e from, pd_wf_facts_t facts)
{
    unsigned targets = 0;
    apr_size_t i;
    for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        unsigned needed = rules[i].conditions & ~(unsigned)PD_WF_HAS_TECH;
        if (rules[i].from == from && rules[i].role == role && (needed & facts) == needed) {
            targets |= 1u << rules[i].to;
        }
    }
    return targets;
}

int pd_workflow_rule_exists(pd_role_e role, pd_status_e from, pd_status_e to)
{
    apr_size_t i;
    for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        if (rules[i].from == from && rules[i].to == to && rules[i].role == role) {
            return 1;
        }
    }
    return 0;
}

int pd_status_is_final(pd_status_e st)
{
    return st == PD_ST_CLOSED || st == PD_ST_CANCELLED;
}

int pd_status_is_unsolved(pd_status_e st)
{
    return st == PD_ST_OPEN || st == PD_ST_IN_REVIEW || st == PD_ST_IN_PROGRESS
           || st == PD_ST_WAITING_CUSTOMER;
}

unsigned pd_workflow_texts(pd_role_e role, pd_status_e from, pd_status_e to)
{
    if (from == to) {
        return 0;
    }
    if (to == PD_ST_IN_PROGRESS && (from == PD_ST_OPEN || from == PD_ST_IN_REVIEW)) {
        return PD_WF_NEEDS_NOTE;
    }
    if (to == PD_ST_SOLVED) {
        return PD_WF_NEEDS_MESSAGE;
    }
    if (role == PD_ROLE_CUSTOMER && from == PD_ST_SOLVED && to == PD_ST_IN_PROGRESS) {
        return PD_WF_NEEDS_REASON;
    }
    if (role == PD_ROLE_CUSTOMER && from == PD_ST_SOLVED && to == PD_ST_CLOSED) {
        return PD_WF_TAKES_RATING;
    }
    return 0;
}

pd_status_e pd_workflow_after_reply(pd_role_e role, pd_status_e status, int has_tech)
{
    if (role != PD_ROLE_CUSTOMER || status != PD_ST_WAITING_CUSTOMER) {
        return status;
    }
    return has_tech ? PD_ST_IN_PROGRESS : PD_ST_IN_REVIEW;
}

const char *pd_workflow_purpose(pd_role_e role, pd_status_e from, pd_status_e to)
{
    unsigned texts = pd_workflow_texts(role, from, to);

    if (texts & PD_WF_NEEDS_MESSAGE) {
        return "resolution";
    }
    if (texts & PD_WF_NEEDS_REASON) {
        return "reason";
    }
    if (texts & PD_WF_TAKES_RATING) {
        return "rating_comment";
    }
    return "message";
}
