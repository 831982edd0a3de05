/* Authorization, decided here and in pd_authz_ticket.c (one ticket's
 * fields, moves and actions): the role x action policy, the scopes of what
 * each caller sees (a pharmacy, a unit's subtree, internal entries), who
 * hears of what, reports, pages and saved views, and the errors a refusal
 * answers. Handlers and the portal ask; they hold no role rules. */
#include <string.h>
#include "pd_authz.h"
#include "pd_workflow.h"

static const char *const action_names[PD_ACT__COUNT] = {
    "me", "ticket.list", "ticket.read", "ticket.create", "ticket.update",
    "ticket.delete", "lookup.read", "lookup.write", "pharmacy.read",
    "pharmacy.write", "user.read", "user.write", "role.read", "audit.read",
    "dashboard.read", "sla.read", "sla.write", "me.update", "notification.inbox", "notification.defaults",
    "notification.deliveries", "ticket.notifications", "ticket.escalate", "ticket.de_escalate",
    "webhook.manage", "report.read", "report.staff", "import", "ticket.bulk", "view.manage",
    "org_unit.read", "org_unit.write", "directory.read", "ticket.route", "front_desk.intake",
    "front_desk.read", "desk_token.manage", "checkin",
};

#define A (1u << PD_ROLE_ADMIN)
#define E (1u << PD_ROLE_EXPERT)
#define T (1u << PD_ROLE_TECH)
#define C (1u << PD_ROLE_CUSTOMER)
#define M (1u << PD_ROLE_MANAGER)

/* Role x action. Managers read everything and change nothing but
 * escalations, which they oversee; customers get what the ticket form and
 * their own tickets need, and no user list. */
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
    /* the team works to the service levels; customers see their tickets'
     * due times, not the contracts behind them */
    [PD_ACT_SLA_READ]       = A | E | T | M,
    [PD_ACT_SLA_WRITE]      = A,
    [PD_ACT_ME_UPDATE]      = A | E | T | C | M,
    [PD_ACT_NOTIFICATION_INBOX] = A | E | T | C | M,
    [PD_ACT_NOTIFICATION_DEFAULTS] = A,
    [PD_ACT_NOTIFICATION_DELIVERIES] = A,
    /* staff, as the internal entries they may concern */
    [PD_ACT_TICKET_NOTIFICATIONS] = A | E | T | M,
    /* staff raise the alarm on a ticket; those who work the escalated
     * queue lower it */
    [PD_ACT_TICKET_ESCALATE] = A | E | T | M,
    [PD_ACT_TICKET_DE_ESCALATE] = A | E | M,
    /* endpoints are the admins' integrations: they may receive internal
     * notes, and their secrets sign in Pharmadesk's name */
    [PD_ACT_WEBHOOKS] = A,
    /* everyone, over what pd_authz_report lets them see */
    [PD_ACT_REPORT_READ] = A | E | T | C | M,
    /* figures per person are the team's business */
    [PD_ACT_REPORT_STAFF] = A | E | T | M,
    /* an import writes history in other people's names, past every rule
     * of the ticket flow: the admins' alone */
    [PD_ACT_IMPORT] = A,
    /* those who change tickets as staff; each ticket's own rules still
     * decide (a tech changes only their own) */
    [PD_ACT_TICKET_BULK] = A | E | T,
    /* everyone keeps views of the lists they see */
    [PD_ACT_VIEWS] = A | E | T | C | M,
    /* the organisation is the staff's to read (an operator: their own
     * subtree, pd_authz_unit_scope), the admins' to change */
    [PD_ACT_ORG_UNIT_READ] = A | E | T | M,
    [PD_ACT_ORG_UNIT_WRITE] = A,
    [PD_ACT_DIRECTORY_READ] = A | E | T | M,
    /* the front desk (receptionists are team experts) triages, and routes */
    [PD_ACT_TICKET_ROUTE] = A | E,
    /* the front desk's intake is the receptionists' (team experts'); its
     * records are staff's to read, within the ticket scope */
    [PD_ACT_FRONT_DESK_INTAKE] = A | E,
    [PD_ACT_FRONT_DESK_READ] = A | E | T | M,
    /* a desk token lets anyone with its printed code open cases: the
     * admins' to make and revoke */
    [PD_ACT_DESK_TOKENS] = A,
    /* the check-in answers anyone (signed in or not) with a desk token */
    [PD_ACT_CHECKIN] = A | E | T | C | M,
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

int pd_authz_role_has_pharmacy(pd_role_e role)
{
    return role == PD_ROLE_CUSTOMER;
}

int pd_authz_has_access(const pd_identity_t *who)
{
    if (who->role <= PD_ROLE_NONE || who->role >= PD_ROLE__COUNT) {
        return 0;
    }
    return !pd_authz_role_has_pharmacy(who->role) || who->pharmacy_id > 0;
}

apr_int64_t pd_authz_pharmacy_scope(const pd_identity_t *who)
{
    apr_int64_t unit = pd_authz_unit_scope(who);

    if (unit > 0) {
        return -1 - unit;
    }
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

/* Whether a unit path ("{1,4,7}") holds the unit. */
static int path_holds(const char *path, apr_int64_t unit)
{
    while (path && *path) {
        if (*path >= '0' && *path <= '9') {
            apr_int64_t v = 0;
            while (*path >= '0' && *path <= '9') {
                v = v * 10 + (*path++ - '0');
            }
            if (v == unit) {
                return 1;
            }
        }
        else {
            path++;
        }
    }
    return 0;
}

int pd_authz_may_notify(const pd_identity_t *who, int active, const pd_ticket_facts_t *t,
                        int internal)
{
    apr_int64_t scope = pd_authz_pharmacy_scope(who);
    apr_int64_t unit = pd_authz_unit_scope(who);

    if (!active || !pd_authz_has_access(who)) {
        return 0;
    }
    /* an operator hears of the tickets of their unit's subtree alone */
    if (unit > 0) {
        return path_holds(t->org_units, unit) && (!internal || pd_authz_sees_internal(who));
    }
    /* what reading the ticket and its timeline allows */
    if (scope != 0 && scope != t->pharmacy_id) {
        return 0;
    }
    return !internal || pd_authz_sees_internal(who);
}

int pd_authz_sees_inactive_lookups(const pd_identity_t *who)
{
    return is_staff(who->role);
}

int pd_authz_lists_inactive_pharmacies(const pd_identity_t *who, int asked)
{
    return pd_authz_role_has_pharmacy(who->role) || (asked && is_staff(who->role));
}

pd_role_e pd_authz_assignee_role(unsigned field)
{
    switch (field) {
    case PD_TF_EXPERT:
        return PD_ROLE_EXPERT;
    case PD_TF_TECH:
        return PD_ROLE_TECH;
    default:
        return PD_ROLE_NONE;
    }
}

int pd_authz_assignable(pd_role_e role, unsigned field)
{
    return role != PD_ROLE_NONE && role == pd_authz_assignee_role(field);
}

pd_mine_e pd_authz_mine(const pd_identity_t *who)
{
    if (pd_authz_assignable(who->role, PD_TF_TECH)) {
        return PD_MINE_AS_TECH;
    }
    /* admins and managers own tickets as the expert would */
    return is_staff(who->role) ? PD_MINE_AS_EXPERT : PD_MINE_ALL;
}

apr_status_t pd_authz_refuse(pd_error_t *err, pd_az_e why, const char *field)
{
    const char *name = field ? field : "this field";

    switch (why) {
    case PD_AZ_OK:
        return APR_SUCCESS;
    case PD_AZ_NOT_ASSIGNED:
        return pd_error_set(err, 403, "not_assigned", NULL,
                            "only the tech assigned to this ticket may change it");
    case PD_AZ_PUBLIC_ONLY:
        return pd_error_set(err, 403, "field_forbidden", "visibility",
                            "customers write public entries only");
    case PD_AZ_FIELD_FORBIDDEN:
        return pd_error_setf(err, NULL, 403, "field_forbidden", field,
                             "your role may not change %s on this ticket", name);
    case PD_AZ_TICKET_CLOSED:
        return pd_error_set(err, 409, "ticket_closed", NULL,
                            "the ticket is closed: it takes internal notes and files, "
                            "and replies once it is reopened");
    case PD_AZ_INVALID_TRANSITION:
        return pd_error_set(err, 409, "invalid_transition", "status",
                            "this ticket cannot move to that status");
    case PD_AZ_NEEDS_TECH:
        return pd_error_set(err, 422, "validation_failed", "tech_id",
                            "a tech must be assigned (tech_id) for this status");
    case PD_AZ_REQUIRED:
        return pd_error_setf(err, NULL, 422, "validation_failed", field, "%s is required", name);
    case PD_AZ_UNKNOWN_REFERENCE:
        return pd_error_setf(err, NULL, 422, "unknown_reference", field,
                             "%s does not name an active entry that can be used here", name);
    case PD_AZ_ESCALATION_STATE:
        return pd_error_set(err, 409, "conflict", NULL,
                            "a ticket is escalated once, before it is solved, and de-escalated "
                            "only while escalated");
    case PD_AZ_NOT_OWNER:
        return pd_error_set(err, 403, "not_owner", NULL,
                            "only its owner or an admin may change this view");
    case PD_AZ_FORBIDDEN:
    default:
        return pd_error_set(err, 403, "forbidden", NULL, "your role may not do this");
    }
}

/* ---- reports ------------------------------------------------------------------ */

pd_az_e pd_authz_report(const pd_identity_t *who, pd_report_e report, int by_tech,
                        apr_int64_t *expert, apr_int64_t *tech, pd_report_view_t *view,
                        const char **field)
{
    *field = NULL;
    view->scope = pd_authz_pharmacy_scope(who);
    view->only_user = 0;
    if (!pd_authz_allows(who->role, PD_ACT_REPORT_READ) || report < 0 || report >= PD_REPORT__COUNT
        || (report == PD_REPORT_STAFF && !pd_authz_allows(who->role, PD_ACT_REPORT_STAFF))) {
        return PD_AZ_FORBIDDEN;
    }
    switch (who->role) {
    case PD_ROLE_ADMIN:
    case PD_ROLE_MANAGER:
        return PD_AZ_OK;
    case PD_ROLE_EXPERT:
        /* the team's figures, and their own as expert: no other person's */
        if (*expert && *expert != who->user_id) {
            *field = "expert_id";
            return PD_AZ_FORBIDDEN;
        }
        if (*tech) {
            *field = "tech_id";
            return PD_AZ_FORBIDDEN;
        }
        if (report == PD_REPORT_STAFF) {
            if (by_tech) {
                *field = "group_by";
                return PD_AZ_FORBIDDEN;
            }
            view->only_user = who->user_id;
        }
        return PD_AZ_OK;
    case PD_ROLE_TECH:
        /* their own figures: the tickets they hold as tech */
        if (*tech && *tech != who->user_id) {
            *field = "tech_id";
            return PD_AZ_FORBIDDEN;
        }
        *tech = who->user_id;
        if (report == PD_REPORT_STAFF) {
            if (!by_tech) {
                *field = "group_by";
                return PD_AZ_FORBIDDEN;
            }
            view->only_user = who->user_id;
        }
        return PD_AZ_OK;
    case PD_ROLE_CUSTOMER:
        /* their pharmacy's service statement: nobody's figures */
        if (*expert || *tech) {
            *field = *expert ? "expert_id" : "tech_id";
            return PD_AZ_FORBIDDEN;
        }
        return view->scope > 0 ? PD_AZ_OK : PD_AZ_FORBIDDEN;
    default:
        return PD_AZ_FORBIDDEN;
    }
}

int pd_authz_report_by_tech(const pd_identity_t *who)
{
    return who->role == PD_ROLE_TECH;
}

/* ---- the portal's pages ---------------------------------------------------- */

/* Each page and the action it needs: the list pages read tickets, the work
 * queues are for those who change them, the admin pages for those who write
 * what they show; one's notifications and preferences are everyone's, the
 * role defaults and the undelivered notifications the admins'. */
typedef enum {
    PG_DASHBOARD, PG_TICKETS, PG_REVIEW, PG_MINE, PG_ASSIGNED, PG_ESCALATED, PG_NEW, PG_USERS,
    PG_CATEGORIES, PG_MODULES, PG_PHARMACIES, PG_SLA_POLICIES, PG_SLA_CALENDARS, PG_WEBHOOKS,
    PG_NOTIFICATIONS, PG_PREFERENCES, PG_NOTIFY_DEFAULTS, PG_DEAD_LETTERS, PG_REPORTS, PG_STATEMENT,
    PG_IMPORT, PG_ORG_UNITS, PG_DIRECTORY, PG_INTAKE, PG_DESK_TOKENS,
    PG__COUNT
} page_e;

static const struct { const char *name; pd_action_e act; } pages[PG__COUNT] = {
    [PG_DASHBOARD] = { "dashboard", PD_ACT_DASHBOARD_READ },
    [PG_TICKETS] = { "tickets", PD_ACT_TICKET_LIST },
    [PG_REVIEW] = { "review", PD_ACT_TICKET_UPDATE },
    [PG_MINE] = { "mine", PD_ACT_TICKET_UPDATE },
    [PG_ASSIGNED] = { "assigned", PD_ACT_TICKET_UPDATE },
    /* the escalated queue: those who work it lower the alarms */
    [PG_ESCALATED] = { "escalated", PD_ACT_TICKET_DE_ESCALATE },
    [PG_NEW] = { "new", PD_ACT_TICKET_CREATE },
    [PG_USERS] = { "users", PD_ACT_USER_WRITE },
    [PG_CATEGORIES] = { "categories", PD_ACT_LOOKUP_WRITE },
    [PG_MODULES] = { "modules", PD_ACT_LOOKUP_WRITE },
    [PG_PHARMACIES] = { "pharmacies", PD_ACT_PHARMACY_WRITE },
    [PG_SLA_POLICIES] = { "sla_policies", PD_ACT_SLA_WRITE },
    [PG_SLA_CALENDARS] = { "sla_calendars", PD_ACT_SLA_WRITE },
    [PG_WEBHOOKS] = { "webhooks", PD_ACT_WEBHOOKS },
    [PG_NOTIFICATIONS] = { "notifications", PD_ACT_NOTIFICATION_INBOX },
    [PG_PREFERENCES] = { "preferences", PD_ACT_ME_UPDATE },
    [PG_NOTIFY_DEFAULTS] = { "notification_defaults", PD_ACT_NOTIFICATION_DEFAULTS },
    [PG_DEAD_LETTERS] = { "dead_letters", PD_ACT_NOTIFICATION_DELIVERIES },
    /* the managers' reports; a customer's is their pharmacy's service
     * statement */
    [PG_REPORTS] = { "reports", PD_ACT_REPORT_READ },
    [PG_STATEMENT] = { "statement", PD_ACT_REPORT_READ },
    [PG_IMPORT] = { "import", PD_ACT_IMPORT },
    /* the tree and its contacts, edited; the directory, read */
    [PG_ORG_UNITS] = { "org_units", PD_ACT_ORG_UNIT_WRITE },
    [PG_DIRECTORY] = { "directory", PD_ACT_DIRECTORY_READ },
    /* the front desk: visitors and letters in, who is in the building */
    [PG_INTAKE] = { "intake", PD_ACT_FRONT_DESK_INTAKE },
    /* the QR codes of the desks, printed */
    [PG_DESK_TOKENS] = { "desk_tokens", PD_ACT_DESK_TOKENS },
};

/* Each role's menu, its home first: what its work starts from; one's
 * notifications and preferences last (the portal reaches them from its
 * header). */
#define END PG__COUNT
#define PERSONAL PG_NOTIFICATIONS, PG_PREFERENCES
static const page_e menus[PD_ROLE__COUNT][PG__COUNT + 1] = {
    [PD_ROLE_NONE] = { END },
    [PD_ROLE_CUSTOMER] = { PG_TICKETS, PG_NEW, PG_DASHBOARD, PG_STATEMENT, PERSONAL, END },
    [PD_ROLE_EXPERT] = { PG_REVIEW, PG_MINE, PG_ESCALATED, PG_TICKETS, PG_NEW, PG_INTAKE, PG_DIRECTORY,
                         PERSONAL, END },
    [PD_ROLE_TECH] = { PG_ASSIGNED, PG_TICKETS, PG_NEW, PG_DIRECTORY, PERSONAL, END },
    [PD_ROLE_MANAGER] = { PG_DASHBOARD, PG_REPORTS, PG_ESCALATED, PG_TICKETS, PG_DIRECTORY,
                          PERSONAL, END },
    [PD_ROLE_ADMIN] = { PG_DASHBOARD, PG_REPORTS, PG_TICKETS, PG_REVIEW, PG_ESCALATED, PG_NEW, PG_INTAKE, PG_USERS,
                        PG_CATEGORIES, PG_MODULES, PG_PHARMACIES, PG_SLA_POLICIES,
                        PG_SLA_CALENDARS, PG_WEBHOOKS, PG_NOTIFY_DEFAULTS, PG_DEAD_LETTERS,
                        PG_IMPORT, PG_ORG_UNITS, PG_DESK_TOKENS, PG_DIRECTORY, PERSONAL, END },
};
#undef PERSONAL
#undef END

apr_size_t pd_authz_pages(pd_role_e role, const char **out, apr_size_t max)
{
    pd_identity_t who = { 0 };

    /* without a unit, the caller's permissions are the role's */
    who.role = role;
    return pd_authz_pages_for(&who, out, max);
}

/* ---- organisation: unit scoping --------------------------------------------- */

/* The operator of a front desk is the tech role with an org unit: techs
 * work the tickets assigned to them, and a unit confines what they see to
 * that unit's subtree. A tech without a unit is a helpdesk's tech as
 * before; the other roles' units say where they sit, not what they see. */
apr_int64_t pd_authz_unit_scope(const pd_identity_t *who)
{
    return who->role == PD_ROLE_TECH && who->org_unit_id > 0 ? who->org_unit_id : 0;
}

int pd_authz_permits(const pd_identity_t *who, pd_action_e act)
{
    if (!pd_authz_allows(who->role, act)) {
        return 0;
    }
    if (pd_authz_unit_scope(who) == 0) {
        return 1;
    }
    /* operators work the cases the front desk routes to them: intake is
     * the receptionists' */
    switch (act) {
    case PD_ACT_TICKET_CREATE:
    case PD_ACT_PHARMACY_READ:
    case PD_ACT_DASHBOARD_READ:
    case PD_ACT_REPORT_READ:
    case PD_ACT_REPORT_STAFF:
    case PD_ACT_SLA_READ:
    case PD_ACT_USER_READ:
        return 0;
    default:
        return 1;
    }
}

apr_size_t pd_authz_pages_for(const pd_identity_t *who, const char **out, apr_size_t max)
{
    apr_size_t n = 0;
    int i;

    if (who->role <= PD_ROLE_NONE || who->role >= PD_ROLE__COUNT) {
        return 0;
    }
    for (i = 0; i < PG__COUNT && menus[who->role][i] != PG__COUNT && n < max; i++) {
        if (pd_authz_permits(who, pages[menus[who->role][i]].act)) {
            out[n++] = pages[menus[who->role][i]].name;
        }
    }
    return n;
}

/* ---- saved views ---------------------------------------------------------------- */

int pd_authz_view_read(const pd_identity_t *who, apr_int64_t owner_id, pd_role_e owner_role,
                       int shared)
{
    if (owner_id == who->user_id) {
        return 1;
    }
    return shared && (owner_role == who->role || who->role == PD_ROLE_ADMIN);
}

pd_az_e pd_authz_view_edit(const pd_identity_t *who, apr_int64_t owner_id)
{
    return owner_id == who->user_id || who->role == PD_ROLE_ADMIN ? PD_AZ_OK : PD_AZ_NOT_OWNER;
}

int pd_authz_view_share(const pd_identity_t *who)
{
    return pd_authz_sees_internal(who);
}

/* ---- the QR self check-in ---------------------------------------------------- */

/* The one public route: a desk token, checked by its handler, stands in
 * for a sign-in, and nothing of an identity is read. */
int pd_authz_public(pd_action_e act)
{
    return act == PD_ACT_CHECKIN;
}

/* ---- front desk records ------------------------------------------------------------ */

/* A visitor's identity number (a NIK) in full: the receptionists who take
 * it (team experts) and the admins. An operator working the case, a
 * manager, a helpdesk tech see its last characters only: enough to tell
 * two visitors apart, not to reuse the number. */
int pd_authz_visitor_id_number(const pd_identity_t *who)
{
    return who->role == PD_ROLE_ADMIN || who->role == PD_ROLE_EXPERT;
}
