/* Authorization, decided here and nowhere else: which role may attempt which
 * action, which tickets a caller can see, what a caller may do to one
 * ticket (change it, which fields, which moves, which timeline entries),
 * which pages the portal offers them. Handlers ask and carry no role logic;
 * the portal draws its buttons and menus from the same answers (GET
 * /api/tickets/{id} and GET /api/me), so that it cannot offer what the API
 * refuses. Object visibility failures answer 404, never 403, so that ids of
 * other tenants cannot be probed. */
#ifndef PD_AUTHZ_H
#define PD_AUTHZ_H

#include "pd_types.h"
#include "pd_error.h"

typedef enum {
    PD_ACT_ME = 0,             /* who am I */
    PD_ACT_TICKET_LIST,
    PD_ACT_TICKET_READ,
    PD_ACT_TICKET_CREATE,
    PD_ACT_TICKET_UPDATE,
    PD_ACT_TICKET_DELETE,
    PD_ACT_LOOKUP_READ,        /* categories, modules: what the ticket form needs */
    PD_ACT_LOOKUP_WRITE,
    PD_ACT_PHARMACY_READ,      /* customers: their own pharmacy only */
    PD_ACT_PHARMACY_WRITE,
    PD_ACT_USER_READ,
    PD_ACT_USER_WRITE,
    PD_ACT_ROLE_READ,
    PD_ACT_AUDIT_READ,         /* the audit log of admin actions */
    PD_ACT_DASHBOARD_READ,     /* ticket counts; customers: their own pharmacy's */
    PD_ACT_SLA_READ,           /* service level calendars and policies */
    PD_ACT_SLA_WRITE,
    PD_ACT_ME_UPDATE,          /* one's own language and notification preferences */
    PD_ACT_NOTIFICATION_INBOX, /* one's own notifications: read them, mark them read */
    PD_ACT_NOTIFICATION_DEFAULTS,   /* each role's default notification preferences */
    PD_ACT_NOTIFICATION_DELIVERIES, /* every delivery, dead ones retried */
    PD_ACT_TICKET_NOTIFICATIONS,    /* what was sent to whom about a ticket */
    PD_ACT_TICKET_ESCALATE,    /* escalate a ticket by hand */
    PD_ACT_TICKET_DE_ESCALATE,
    PD_ACT_WEBHOOKS,                /* webhook endpoints, their delivery logs and replays */
    PD_ACT_REPORT_READ,        /* reports; what of them: pd_authz_report */
    PD_ACT_REPORT_STAFF,       /* the staff report: figures per person */
    PD_ACT_IMPORT,             /* tickets and their history from another system */
    PD_ACT_TICKET_BULK,        /* one change for several tickets, each under its own rules */
    PD_ACT_VIEWS,              /* saved views: one's own, and those one's role shares */
    /* organisation (org units, their contacts, the directory) */
    PD_ACT_ORG_UNIT_READ,      /* the units and their contacts */
    PD_ACT_ORG_UNIT_WRITE,
    PD_ACT_DIRECTORY_READ,     /* units, their contacts and people, searchable */
    PD_ACT_TICKET_ROUTE,       /* route a ticket to an org unit: the front desk */
    PD_ACT_FRONT_DESK_INTAKE,  /* register visitors and letters (each opens a case), check out */
    PD_ACT_FRONT_DESK_READ,    /* a visitor's or letter's record, within the ticket scope */
    PD_ACT_DESK_TOKENS,        /* the QR self check-in's desk tokens: create, list, revoke */
    PD_ACT_CHECKIN,            /* the QR self check-in itself: public (pd_authz_public) */
    PD_ACT__COUNT
} pd_action_e;

const char *pd_action_name(pd_action_e act);

/* Role-level permission: may this role attempt the action at all? */
int pd_authz_allows(pd_role_e role, pd_action_e act);

/* Whether this caller may use Pharmadesk at all: a role, and for a customer
 * a pharmacy. Everyone else gets the least privilege: nothing. */
int pd_authz_has_access(const pd_identity_t *who);

/* The pharmacy a caller's ticket and pharmacy reads are confined to: the
 * customer's own, 0 for staff, who see all, and -1 (nothing) for anyone
 * else. Every statement that reads tickets or pharmacies takes it as a
 * parameter, so an object out of scope is simply not found (404). */
apr_int64_t pd_authz_pharmacy_scope(const pd_identity_t *who);

/* Whether the caller sees internal timeline entries (notes, internal
 * changes, internal files): staff do, customers do not. The timeline, the
 * attachments and the ticket search all ask here, so that a note's words
 * never reach a customer either way. */
int pd_authz_sees_internal(const pd_identity_t *who);

/* Whether deactivated categories and modules are shown to the caller: to
 * staff (old tickets keep them), never to customers, whose ticket form
 * offers only what can be used. */
int pd_authz_sees_inactive_lookups(const pd_identity_t *who);

/* Whether a pharmacy list includes deactivated pharmacies: for staff when
 * they ask; a customer's own pharmacy is theirs whatever its state. */
int pd_authz_lists_inactive_pharmacies(const pd_identity_t *who, int asked);

/* Whether users of this role belong to a pharmacy: customers to exactly
 * one, staff to none. */
int pd_authz_role_has_pharmacy(pd_role_e role);

/* The role whose users may be named as a ticket's expert_id or tech_id
 * (PD_TF_EXPERT or PD_TF_TECH); PD_ROLE_NONE for any other field. The
 * check that a named user has it is bound from here into SQL. */
pd_role_e pd_authz_assignee_role(unsigned field);

/* Whether a user of this role may be named as a ticket's expert_id or
 * tech_id (PD_TF_EXPERT or PD_TF_TECH); 0 for any other field. */
int pd_authz_assignable(pd_role_e role, unsigned field);

/* What queue=mine lists for this caller: the tickets they work on as tech,
 * those they own as expert, or (customers) their pharmacy's list anyway. */
typedef enum { PD_MINE_AS_TECH, PD_MINE_AS_EXPERT, PD_MINE_ALL } pd_mine_e;
pd_mine_e pd_authz_mine(const pd_identity_t *who);

/* ---- one ticket ------------------------------------------------------------ */

/* Ticket fields, as bits, for field-level permissions. */
#define PD_TF_TITLE       0x0001u
#define PD_TF_DESCRIPTION 0x0002u
#define PD_TF_PIC_NAME    0x0004u
#define PD_TF_CONTACT     0x0008u
#define PD_TF_APP_VERSION 0x0010u
#define PD_TF_MODULE      0x0020u
#define PD_TF_CATEGORY    0x0040u
#define PD_TF_PRIORITY    0x0080u
#define PD_TF_STATUS      0x0100u
#define PD_TF_EXPERT      0x0200u
#define PD_TF_TECH        0x0400u
#define PD_TF_NOTE        0x0800u    /* a note attached to the change: a timeline entry */
#define PD_TF__ALL        0x0fffu

/* The API's name of one field bit ("title", "module_id", ...), NULL for
 * anything else. */
const char *pd_authz_field_name(unsigned bit);

/* The fields (PD_TF_STATUS and the data fields; never PD_TF_NOTE, which is
 * a timeline entry: pd_authz_ticket_entry) this role may change on a ticket
 * in this status, should it may change the ticket at all. */
unsigned pd_authz_ticket_fields(pd_role_e role, pd_status_e status);

/* What the rules need to know of a ticket: all of it is in every ticket row
 * the API reads, so that no decision costs a statement. */
typedef struct pd_ticket_facts_t {
    pd_status_e status;
    apr_int64_t pharmacy_id;
    apr_int64_t tech_id;       /* 0: none */
    apr_int64_t expert_id;     /* 0: none */
    int escalated;
    const char *org_units;     /* the path of the ticket's org unit, root first, as
                                * PostgreSQL writes an array ("{1,4,7}"); NULL: none */
    int awaiting_ack;          /* a front desk case not yet acknowledged */
} pd_ticket_facts_t;

/* May this person be told of an event on this ticket, by any channel? An
 * active user with access; staff of any ticket, a customer only of their
 * own pharmacy's tickets and never of an internal entry (a note, an
 * internal file): the rules that hold for reading the ticket and its
 * timeline. active: the user is not deactivated. */
int pd_authz_may_notify(const pd_identity_t *who, int active, const pd_ticket_facts_t *t,
                        int internal);

/* A decision: PD_AZ_OK, or why not. pd_authz_refuse turns each into the
 * one answer the API gives for it, whichever path asked. */
typedef enum {
    PD_AZ_OK = 0,
    PD_AZ_FORBIDDEN,           /* 403 forbidden: the role may not do this */
    PD_AZ_NOT_ASSIGNED,        /* 403 not_assigned: a tech, on a ticket not theirs */
    PD_AZ_PUBLIC_ONLY,         /* 403 field_forbidden (visibility): customers write public entries */
    PD_AZ_FIELD_FORBIDDEN,     /* 403 field_forbidden: the role may not change that field */
    PD_AZ_TICKET_CLOSED,       /* 409 ticket_closed: a finished ticket takes no public entry */
    PD_AZ_INVALID_TRANSITION,  /* 409 invalid_transition: a move outside the workflow */
    PD_AZ_NEEDS_TECH,          /* 422 validation_failed (tech_id): the move needs a tech */
    PD_AZ_REQUIRED,            /* 422 validation_failed: the field must be given */
    PD_AZ_UNKNOWN_REFERENCE,   /* 422 unknown_reference: an id the caller may not name */
    PD_AZ_ESCALATION_STATE,    /* 409 conflict: escalated already, not escalated, or solved */
    PD_AZ_NOT_OWNER,           /* 403 not_owner: a shared view its owner or an admin changes */
} pd_az_e;

/* Fills *err with the answer for a refusal (field names the input where the
 * decision has one) and returns APR_EGENERAL; APR_SUCCESS for PD_AZ_OK. */
apr_status_t pd_authz_refuse(pd_error_t *err, pd_az_e why, const char *field);

/* May the caller change this ticket at all (PATCH, a comment, a file)? The
 * role must change tickets, and a tech only those assigned to them. */
pd_az_e pd_authz_ticket_write(const pd_identity_t *who, const pd_ticket_facts_t *t);

/* May the caller add a timeline entry of this visibility: a comment, a
 * note (a customer's note through PATCH is a public reply), a file? Internal
 * entries are staff's, as reading them is; a finished (closed or cancelled)
 * ticket takes the team's internal entries but no public ones, by whatever
 * path they come. */
pd_az_e pd_authz_ticket_entry(const pd_identity_t *who, const pd_ticket_facts_t *t,
                              int internal);

/* Whether a timeline entry this caller writes is internal unless they say
 * otherwise: staff notes through PATCH are, and a tech's comments mostly
 * record progress for the team. */
int pd_authz_entry_internal_by_default(const pd_identity_t *who);

/* May the caller change these fields (PD_TF_* bits, PD_TF_STATUS included,
 * PD_TF_NOTE ignored)? *field names the first one refused. */
pd_az_e pd_authz_ticket_edit(const pd_identity_t *who, const pd_ticket_facts_t *t,
                             unsigned fields, const char **field);

/* May the caller move the ticket to this status, with a tech on it after
 * the change or not? PD_AZ_NEEDS_TECH when only a tech is missing. */
pd_az_e pd_authz_ticket_move(const pd_identity_t *who, const pd_ticket_facts_t *t,
                             pd_status_e to, int has_tech);

/* The statuses (1u << pd_status_e) the caller may move the ticket to now,
 * a tech assumed where the move needs one (it can be set in the same
 * change). */
unsigned pd_authz_ticket_targets(const pd_identity_t *who, const pd_ticket_facts_t *t);

/* May the caller escalate the ticket (escalate: 1) or de-escalate it (0)?
 * Staff escalate, a tech only a ticket assigned to them; team experts,
 * managers and admins, who work the escalated queue, de-escalate. Only a
 * ticket not yet solved is escalated, and only once; only an escalated one
 * is de-escalated. */
pd_az_e pd_authz_ticket_escalate(const pd_identity_t *who, const pd_ticket_facts_t *t,
                                 int escalate);

/* Everything the caller may do to this ticket now, for the API to tell the
 * portal (GET /api/tickets/{id}): each member answers what the matching
 * write would. */
#define PD_AE_PUBLIC   0x1u      /* a public entry */
#define PD_AE_INTERNAL 0x2u      /* an internal one */
typedef struct pd_ticket_allowed_t {
    unsigned moves;            /* 1u << pd_status_e */
    unsigned moves_need_tech;  /* those of them that need a tech the ticket lacks */
    unsigned fields;           /* PD_TF_* data fields (no status, no note) */
    unsigned comment;          /* PD_AE_* */
    unsigned upload;           /* PD_AE_* */
    int internal_first;        /* internal entries are the caller's default */
    int take;                  /* may make themselves the ticket's expert */
    int remove;                /* may delete the ticket */
    int escalate;              /* may escalate it (pd_authz_ticket_escalate) */
    int de_escalate;
    int acknowledge;           /* may acknowledge the case (pd_authz_ticket_acknowledge) now */
} pd_ticket_allowed_t;
void pd_authz_ticket_allowed(const pd_identity_t *who, const pd_ticket_facts_t *t,
                             pd_ticket_allowed_t *a);

/* A new ticket: who it is for. A customer reports for their own pharmacy,
 * as themselves: a pharmacy_id or customer_id they send must be those (else
 * PD_AZ_UNKNOWN_REFERENCE, *field naming it), and both are filled in. Staff
 * name the pharmacy (PD_AZ_REQUIRED without one) and may name a customer of
 * it. */
pd_az_e pd_authz_ticket_create(const pd_identity_t *who, apr_int64_t *pharmacy_id,
                               apr_int64_t *customer_id, const char **field);

/* Whether the caller creates tickets for a pharmacy they choose (staff) or
 * for their own (customers). */
int pd_authz_ticket_pharmacy_chosen(const pd_identity_t *who);

/* ---- reports ------------------------------------------------------------------ */

typedef enum {
    PD_REPORT_VOLUME = 0,
    PD_REPORT_TIMES,
    PD_REPORT_SLA,
    PD_REPORT_STAFF,
    PD_REPORT_CSAT,
    PD_REPORT__COUNT
} pd_report_e;

/* What a caller sees of a report besides the filters they keep. */
typedef struct pd_report_view_t {
    apr_int64_t scope;         /* the pharmacy scope (pd_authz_pharmacy_scope) */
    apr_int64_t only_user;     /* the staff report: this person's item alone (0: everyone's) */
} pd_report_view_t;

/* May the caller read this report with these filters? *expert and *tech
 * are the expert_id and tech_id asked for (0: none) and come back as the
 * filters that apply: managers and admins read everything; team experts
 * the team's figures and their own (no other person's); techs their own
 * (their tech_id set); customers their own pharmacy's service (the
 * pharmacy scope), never the staff report (PD_ACT_REPORT_STAFF) nor a
 * person's figures. by_tech:
 * the staff report per tech rather than per expert. *field names the
 * parameter refused. */
pd_az_e pd_authz_report(const pd_identity_t *who, pd_report_e report, int by_tech,
                        apr_int64_t *expert, apr_int64_t *tech, pd_report_view_t *view,
                        const char **field);

/* Whether the staff report is per tech unless asked otherwise: a tech's
 * own figures are as tech. */
int pd_authz_report_by_tech(const pd_identity_t *who);

/* ---- organisation: unit scoping --------------------------------------------- */

/* The unit a caller's reads are confined to, with every unit below it: an
 * operator's (a tech with an org unit, who works the cases of their unit
 * and its subtree and sees no other unit's); 0 for everyone else. For such
 * a caller pd_authz_pharmacy_scope answers -1 - unit, which every ticket
 * statement reads as that subtree (pd_ticket_in_scope, migration 0060). */
apr_int64_t pd_authz_unit_scope(const pd_identity_t *who);

/* Whether this caller may attempt the action: the role's permission
 * (pd_authz_allows), less what a unit-scoped caller may not do: read
 * what counts or lists across units (dashboard, reports, service level
 * compliance, the user list and workload, the pharmacies), and intake
 * (creating tickets), which is the front desk's. */
int pd_authz_permits(const pd_identity_t *who, pd_action_e act);

/* May the caller acknowledge this case (an explicit act, on the
 * timeline)? The operator it is assigned to, or an admin; anyone else:
 * PD_AZ_NOT_ASSIGNED (staff) or PD_AZ_FORBIDDEN. */
pd_az_e pd_authz_ticket_acknowledge(const pd_identity_t *who, const pd_ticket_facts_t *t);

/* The portal's pages for this caller: pd_authz_pages less those
 * pd_authz_permits refuses. */
apr_size_t pd_authz_pages_for(const pd_identity_t *who, const char **out, apr_size_t max);

/* ---- the portal's pages ---------------------------------------------------- */

/* The pages the portal offers this role, in menu order, the first being
 * its home, as names into out (room for max); returns how many. A page is
 * offered only when the policy grants the role the action it needs. */
#define PD_AUTHZ_MAX_PAGES 24
apr_size_t pd_authz_pages(pd_role_e role, const char **out, apr_size_t max);

/* ---- saved views ---------------------------------------------------------------- */

/* May the caller read a saved view: their own, or one shared by a user of
 * their role (admins: any shared view, which they may have to tidy up)? A
 * view they may not read answers as a missing one. */
int pd_authz_view_read(const pd_identity_t *who, apr_int64_t owner_id, pd_role_e owner_role,
                       int shared);

/* May the caller change or delete a view they may read: its owner, or an
 * admin. */
pd_az_e pd_authz_view_edit(const pd_identity_t *who, apr_int64_t owner_id);

/* May the caller share their views with their role? Staff may; customers
 * of different pharmacies share a role but nothing else. */
int pd_authz_view_share(const pd_identity_t *who);

/* 1 for the action of a route served without a sign-in (the QR self
 * check-in): no identity, no role; its handler does its own checks. */
int pd_authz_public(pd_action_e act);

/* Whether the caller sees a visitor's identity number in full (else masked). */
int pd_authz_visitor_id_number(const pd_identity_t *who);

#endif
