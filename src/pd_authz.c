#include "pd_authz.h"
#include "pd_workflow.h"

static const char *const action_names[PD_ACT__COUNT] = {
    "me", "ticket.list", "ticket.read", "ticket.create", "ticket.update",
    "ticket.delete", "lookup.read", "lookup.write", "pharmacy.read",
    "pharmacy.write", "user.read", "user.write", "role.read", "audit.read",
    "dashboard.read",
};

#define A (1u << PD_ROLE_ADMIN)
#define E (1u << PD_ROLE_EXPERT)
#define T (1u << PD_ROLE_TECH)
#define C (1u << PD_ROLE_CUSTOMER)
#define M (1u << PD_ROLE_MANAGER)

/* Role x action. Managers read everything and change nothing; customers get
 * what the ticket form and their own tickets need, and no user list. */
static const unsigned policy[PD_ACT__COUNT] = {
    [PD_ACT_ME]             = A | E | T | C | M,
    [PD_ACT_TICKET_LIST]    = A | E | T | C | M,
    [PD_ACT_TICKET_READ]    = A | E | T | C | M,
    [PD_ACT_TICKET_CREATE]  = A | E | T | C,
    [PD_ACT_TICKET_UPDATE]  = A | E | T | C,
    [PD_ACT_TICKET_DELETE]  = A,
    [PD_ACT_LOOKUP_READ]    = A | E | T | C | M,
    [PD_ACT_LOOKUP_WRITE]   = A,
    [PD_ACT_PHARMACY_READ]  = A | E | T | C | M,
    [PD_ACT_PHARMACY_WRITE] = A,
    [PD_ACT_USER_READ]      = A | E | T | M,
    [PD_ACT_USER_WRITE]     = A,
    [PD_ACT_ROLE_READ]      = A | E | T | M,
    [PD_ACT_AUDIT_READ]     = A,
    /* everyone who lists tickets, over what that list would show */
    [PD_ACT_DASHBOARD_READ] = A | E | T | C | M,
};

#undef A
#undef E
#undef T
#undef C
#undef M

const char *pd_action_name(pd_action_e act)
{
    return (act >= 0 && act < PD_ACT__COUNT) ? action_names[act] : "unknown";
}

int pd_authz_allows(pd_role_e role, pd_action_e act)
{
    if (role <= PD_ROLE_NONE || role >= PD_ROLE__COUNT || act < 0 || act >= PD_ACT__COUNT) {
        return 0;
    }
    return (policy[act] & (1u << role)) != 0;
}

/* The team: every role but the customer (and no role at all). */
static int is_staff(pd_role_e role)
{
    switch (role) {
    case PD_ROLE_ADMIN:
    case PD_ROLE_EXPERT:
    case PD_ROLE_TECH:
    case PD_ROLE_MANAGER:
        return 1;
    default:
        return 0;
    }
}

apr_int64_t pd_authz_pharmacy_scope(const pd_identity_t *who)
{
    if (is_staff(who->role)) {
        return 0;
    }
    if (who->role == PD_ROLE_CUSTOMER) {
        return who->pharmacy_id > 0 ? who->pharmacy_id : -1;
    }
    /* anyone else sees nothing: -1 matches no row */
    return -1;
}

int pd_authz_sees_internal(const pd_identity_t *who)
{
    return is_staff(who->role);
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
            return PD_TF_STATUS | PD_TF_TECH | PD_TF_NOTE;
        case PD_ROLE_EXPERT:
        case PD_ROLE_TECH:
        case PD_ROLE_CUSTOMER:
            return PD_TF_STATUS | PD_TF_NOTE;
        default:
            return 0;
        }
    }
    switch (role) {
    case PD_ROLE_ADMIN:
        return text | contact | triage | PD_TF_STATUS | PD_TF_EXPERT | PD_TF_TECH | PD_TF_NOTE;
    case PD_ROLE_EXPERT:
        return text | contact | triage | PD_TF_STATUS | PD_TF_EXPERT | PD_TF_TECH | PD_TF_NOTE;
    case PD_ROLE_TECH:
        return PD_TF_APP_VERSION | PD_TF_STATUS | PD_TF_NOTE;
    case PD_ROLE_CUSTOMER:
        /* the reporter may correct their report until someone picks it up */
        return status == PD_ST_OPEN ? text | contact | PD_TF_STATUS | PD_TF_NOTE
                                    : PD_TF_STATUS | PD_TF_NOTE;
    default:
        return 0;
    }
}
