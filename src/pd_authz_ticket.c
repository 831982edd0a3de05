/* Authorization of one ticket: which fields a role changes in a status,
 * who writes, edits, moves, escalates, acknowledges and creates, and what
 * a ticket's "allowed" member offers the caller. The rest of the decisions
 * (roles and actions, scopes, reports, pages) are in pd_authz.c; both are
 * pd_authz.h's one interface. */
#include <string.h>
#include "pd_authz.h"
#include "pd_workflow.h"

static const struct { unsigned bit; const char *name; } field_names[] = {
    { PD_TF_TITLE, "title" }, { PD_TF_DESCRIPTION, "description" },
    { PD_TF_PIC_NAME, "pic_name" }, { PD_TF_CONTACT, "contact" },
    { PD_TF_APP_VERSION, "app_version" }, { PD_TF_MODULE, "module_id" },
    { PD_TF_CATEGORY, "category_id" }, { PD_TF_PRIORITY, "priority" },
    { PD_TF_STATUS, "status" }, { PD_TF_EXPERT, "expert_id" },
    { PD_TF_TECH, "tech_id" }, { PD_TF_NOTE, "note" },
};

const char *pd_authz_field_name(unsigned bit)
{
    apr_size_t i;
    for (i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++) {
        if (field_names[i].bit == bit) {
            return field_names[i].name;
        }
    }
    return NULL;
}

unsigned pd_authz_ticket_fields(pd_role_e role, pd_status_e status)
{
    const unsigned contact = PD_TF_PIC_NAME | PD_TF_CONTACT | PD_TF_APP_VERSION;
    const unsigned text = PD_TF_TITLE | PD_TF_DESCRIPTION;
    const unsigned triage = PD_TF_MODULE | PD_TF_CATEGORY | PD_TF_PRIORITY;

    /* a finished ticket only moves (reopen); its record stays as it was */
    if (pd_status_is_final(status)) {
        switch (role) {
        case PD_ROLE_ADMIN:
            return PD_TF_STATUS | PD_TF_TECH;
        case PD_ROLE_EXPERT:
        case PD_ROLE_TECH:
        case PD_ROLE_CUSTOMER:
            return PD_TF_STATUS;
        default:
            return 0;
        }
    }
    switch (role) {
    case PD_ROLE_ADMIN:
    case PD_ROLE_EXPERT:
        return text | contact | triage | PD_TF_STATUS | PD_TF_EXPERT | PD_TF_TECH;
    case PD_ROLE_TECH:
        return PD_TF_APP_VERSION | PD_TF_STATUS;
    case PD_ROLE_CUSTOMER:
        /* the reporter may correct their report until someone picks it up */
        return status == PD_ST_OPEN ? text | contact | PD_TF_STATUS : PD_TF_STATUS;
    default:
        return 0;
    }
}

/* What the workflow's conditions ask of this caller and ticket. */
static pd_wf_facts_t wf_facts(const pd_identity_t *who, const pd_ticket_facts_t *t)
{
    pd_wf_facts_t facts = 0;

    if (pd_authz_role_has_pharmacy(who->role) && who->pharmacy_id > 0
        && t->pharmacy_id == who->pharmacy_id) {
        facts |= PD_WF_OWN;
    }
    if (t->tech_id > 0 && t->tech_id == who->user_id) {
        facts |= PD_WF_ASSIGNED;
    }
    return facts;
}

pd_az_e pd_authz_ticket_write(const pd_identity_t *who, const pd_ticket_facts_t *t)
{
    if (!pd_authz_allows(who->role, PD_ACT_TICKET_UPDATE)) {
        return PD_AZ_FORBIDDEN;
    }
    if (who->role == PD_ROLE_TECH && !(wf_facts(who, t) & PD_WF_ASSIGNED)) {
        return PD_AZ_NOT_ASSIGNED;
    }
    return PD_AZ_OK;
}

pd_az_e pd_authz_ticket_entry(const pd_identity_t *who, const pd_ticket_facts_t *t,
                              int internal)
{
    pd_az_e why = pd_authz_ticket_write(who, t);

    if (why != PD_AZ_OK) {
        return why;
    }
    /* who may write internal entries is who may read them */
    if (internal && !pd_authz_sees_internal(who)) {
        return PD_AZ_PUBLIC_ONLY;
    }
    /* a finished ticket takes the team's records, but no more conversation */
    if (!internal && pd_status_is_final(t->status)) {
        return PD_AZ_TICKET_CLOSED;
    }
    return PD_AZ_OK;
}

int pd_authz_entry_internal_by_default(const pd_identity_t *who)
{
    return who->role == PD_ROLE_TECH;
}

pd_az_e pd_authz_ticket_edit(const pd_identity_t *who, const pd_ticket_facts_t *t,
                             unsigned fields, const char **field)
{
    pd_az_e why = pd_authz_ticket_write(who, t);
    unsigned forbidden;
    apr_size_t i;

    *field = NULL;
    if (why != PD_AZ_OK) {
        return why;
    }
    forbidden = fields & ~(unsigned)PD_TF_NOTE & ~pd_authz_ticket_fields(who->role, t->status);
    if (!forbidden) {
        return PD_AZ_OK;
    }
    for (i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++) {
        if (forbidden & field_names[i].bit) {
            *field = field_names[i].name;
            break;
        }
    }
    return PD_AZ_FIELD_FORBIDDEN;
}

pd_az_e pd_authz_ticket_move(const pd_identity_t *who, const pd_ticket_facts_t *t,
                             pd_status_e to, int has_tech)
{
    pd_wf_facts_t facts = wf_facts(who, t) | (has_tech ? PD_WF_HAS_TECH : 0);

    if (pd_workflow_allows(who->role, t->status, to, facts)) {
        return PD_AZ_OK;
    }
    if (!has_tech && pd_workflow_allows(who->role, t->status, to, facts | PD_WF_HAS_TECH)) {
        return PD_AZ_NEEDS_TECH;
    }
    return PD_AZ_INVALID_TRANSITION;
}

unsigned pd_authz_ticket_targets(const pd_identity_t *who, const pd_ticket_facts_t *t)
{
    return pd_workflow_targets(who->role, t->status, wf_facts(who, t));
}

pd_az_e pd_authz_ticket_escalate(const pd_identity_t *who, const pd_ticket_facts_t *t,
                                 int escalate)
{
    if (!pd_authz_allows(who->role, escalate ? PD_ACT_TICKET_ESCALATE : PD_ACT_TICKET_DE_ESCALATE)) {
        return PD_AZ_FORBIDDEN;
    }
    if (who->role == PD_ROLE_TECH && !(wf_facts(who, t) & PD_WF_ASSIGNED)) {
        return PD_AZ_NOT_ASSIGNED;
    }
    if (escalate ? t->escalated || !pd_status_is_unsolved(t->status) : !t->escalated) {
        return PD_AZ_ESCALATION_STATE;
    }
    return PD_AZ_OK;
}

void pd_authz_ticket_allowed(const pd_identity_t *who, const pd_ticket_facts_t *t,
                             pd_ticket_allowed_t *a)
{
    unsigned data = PD_TF__ALL & ~(unsigned)(PD_TF_STATUS | PD_TF_NOTE);
    int st;

    memset(a, 0, sizeof(*a));
    a->remove = pd_authz_allows(who->role, PD_ACT_TICKET_DELETE);
    a->escalate = pd_authz_ticket_escalate(who, t, 1) == PD_AZ_OK;
    a->de_escalate = pd_authz_ticket_escalate(who, t, 0) == PD_AZ_OK;
    a->acknowledge = t->awaiting_ack && !pd_status_is_final(t->status)
                     && pd_authz_ticket_acknowledge(who, t) == PD_AZ_OK;
    if (pd_authz_ticket_write(who, t) != PD_AZ_OK) {
        return;
    }
    a->moves = pd_authz_ticket_targets(who, t);
    for (st = 0; st < PD_ST__COUNT; st++) {
        if ((a->moves & (1u << st))
            && pd_authz_ticket_move(who, t, (pd_status_e)st, t->tech_id > 0) == PD_AZ_NEEDS_TECH) {
            a->moves_need_tech |= 1u << st;
        }
    }
    a->fields = pd_authz_ticket_fields(who->role, t->status) & data;
    if (pd_authz_ticket_entry(who, t, 0) == PD_AZ_OK) {
        a->comment |= PD_AE_PUBLIC;
    }
    if (pd_authz_ticket_entry(who, t, 1) == PD_AZ_OK) {
        a->comment |= PD_AE_INTERNAL;
    }
    /* a file is an entry like a comment: the same rule */
    a->upload = a->comment;
    a->internal_first = (a->comment & PD_AE_INTERNAL) && pd_authz_entry_internal_by_default(who);
    a->take = (a->fields & PD_TF_EXPERT) && pd_authz_assignable(who->role, PD_TF_EXPERT)
              && t->expert_id != who->user_id;
}

pd_az_e pd_authz_ticket_create(const pd_identity_t *who, apr_int64_t *pharmacy_id,
                               apr_int64_t *customer_id, const char **field)
{
    *field = NULL;
    if (!pd_authz_allows(who->role, PD_ACT_TICKET_CREATE)) {
        return PD_AZ_FORBIDDEN;
    }
    if (pd_authz_ticket_pharmacy_chosen(who)) {
        if (*pharmacy_id <= 0) {
            *field = "pharmacy_id";
            return PD_AZ_REQUIRED;
        }
        return PD_AZ_OK;
    }
    /* customers report for their own pharmacy, as themselves; any other
     * id gets the answer an unknown one would */
    if (*pharmacy_id && *pharmacy_id != who->pharmacy_id) {
        *field = "pharmacy_id";
        return PD_AZ_UNKNOWN_REFERENCE;
    }
    if (*customer_id && *customer_id != who->user_id) {
        *field = "customer_id";
        return PD_AZ_UNKNOWN_REFERENCE;
    }
    *pharmacy_id = who->pharmacy_id;
    *customer_id = who->user_id;
    return PD_AZ_OK;
}

int pd_authz_ticket_pharmacy_chosen(const pd_identity_t *who)
{
    return !pd_authz_role_has_pharmacy(who->role);
}

pd_az_e pd_authz_ticket_acknowledge(const pd_identity_t *who, const pd_ticket_facts_t *t)
{
    if (who->role == PD_ROLE_ADMIN) {
        return PD_AZ_OK;
    }
    if (pd_authz_assignable(who->role, PD_TF_TECH)) {
        return t->tech_id == who->user_id ? PD_AZ_OK : PD_AZ_NOT_ASSIGNED;
    }
    return PD_AZ_FORBIDDEN;
}
