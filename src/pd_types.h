/* Domain vocabulary shared by the core and the glue: roles, statuses,
 * priorities, sources and the caller's identity. */
#ifndef PD_TYPES_H
#define PD_TYPES_H

#include <apr.h>
#include <apr_pools.h>

/* Role ids are the primary keys of the roles table (sql/migrations). */
typedef enum {
    PD_ROLE_NONE = 0,          /* known user without a role: no access */
    PD_ROLE_ADMIN = 1,
    PD_ROLE_EXPERT = 2,        /* team_expert */
    PD_ROLE_TECH = 3,
    PD_ROLE_CUSTOMER = 4,
    PD_ROLE_MANAGER = 5,
    PD_ROLE__COUNT
} pd_role_e;

typedef enum {
    PD_ST_OPEN = 0,
    PD_ST_IN_REVIEW,
    PD_ST_IN_PROGRESS,
    PD_ST_WAITING_CUSTOMER,
    PD_ST_SOLVED,
    PD_ST_CLOSED,
    PD_ST_CANCELLED,
    PD_ST__COUNT
} pd_status_e;

typedef enum {
    PD_PRIO_LOW = 0,
    PD_PRIO_MEDIUM,
    PD_PRIO_HIGH,
    PD_PRIO_URGENT,
    PD_PRIO__COUNT
} pd_priority_e;

typedef enum {
    PD_SRC_CUSTOMER = 0,
    PD_SRC_TEAM_EXPERT,
    PD_SRC_INTERNAL,
    PD_SRC_WHATSAPP,           /* a customer's message on WhatsApp */
    /* the front desk (migration 0061) */
    PD_SRC_WALKIN,             /* a visitor who walked in */
    PD_SRC_REGISTER,           /* a visitor booked ahead */
    PD_SRC_QR,                 /* a visitor's QR self check-in */
    PD_SRC_SURAT_FORM,         /* a letter entered at the desk */
    PD_SRC__COUNT
} pd_source_e;

/* The audit log (migration 0012): what was done, to which kind of object. */
typedef enum {
    PD_AUDIT_CREATE = 0,
    PD_AUDIT_UPDATE,
    PD_AUDIT_DEACTIVATE,
    PD_AUDIT_DELETE,
    PD_AUDIT_RECOMPUTE,        /* service level due times recomputed on request */
    PD_AUDIT__ACTIONS
} pd_audit_action_e;

typedef enum {
    PD_ENTITY_USER = 0,
    PD_ENTITY_ROLE,
    PD_ENTITY_TICKET_CATEGORY,
    PD_ENTITY_TICKET_MODULE,
    PD_ENTITY_PHARMACY,
    PD_ENTITY_TICKET,
    PD_ENTITY_SLA_CALENDAR,
    PD_ENTITY_SLA_POLICY,
    PD_ENTITY_WEBHOOK_ENDPOINT,
    PD_ENTITY_ORG_UNIT,
    PD_ENTITY_ORG_UNIT_CONTACT,
    PD_ENTITY_DESK_TOKEN,
    PD_ENTITY__COUNT
} pd_entity_e;

/* Who is calling, as resolved from r->user to a users row. */
typedef struct pd_identity_t {
    apr_int64_t user_id;
    const char *username;
    const char *name;
    pd_role_e role;
    apr_int64_t pharmacy_id;   /* 0 unless a customer */
    apr_int64_t name_version;  /* of the names the name cache may serve (pd_names.h) */
    apr_int64_t org_unit_id;   /* the user's org unit, 0: none */
} pd_identity_t;

/* Name <-> enum tables; parse functions return -1 for an unknown name. */
int pd_role_parse(const char *code);
const char *pd_role_code(pd_role_e role);
/* A role's id as a statement parameter (text, as apr_dbd sends it), NULL
 * for no role: the one place a role id reaches SQL, which never writes
 * one itself. */
const char *pd_role_param(pd_role_e role);
int pd_status_parse(const char *name);
const char *pd_status_name(pd_status_e st);
int pd_priority_parse(const char *name);
const char *pd_priority_name(pd_priority_e prio);
int pd_source_parse(const char *name);
const char *pd_source_name(pd_source_e src);
const char *pd_audit_action_name(pd_audit_action_e action);
int pd_entity_parse(const char *name);
const char *pd_entity_name(pd_entity_e entity);

/* The source a ticket gets from its creator's role: a customer's ticket is
 * `customer`, a team expert's `team_expert`, anyone else's `internal`. */
pd_source_e pd_source_for_role(pd_role_e role);

#endif
