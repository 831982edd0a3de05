/* Authorization, decided here and nowhere else: which role may attempt which
 * action, which tickets a caller can see, which ticket fields a role may
 * change. Object visibility failures answer 404, never 403, so that ids of
 * other tenants cannot be probed. */
#ifndef PD_AUTHZ_H
#define PD_AUTHZ_H

#include "pd_types.h"

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
    PD_ACT__COUNT
} pd_action_e;

const char *pd_action_name(pd_action_e act);

/* Role-level permission: may this role attempt the action at all? */
int pd_authz_allows(pd_role_e role, pd_action_e act);

/* The pharmacy a caller's ticket and pharmacy reads are confined to: the
 * customer's own, 0 for staff, who see all, and -1 (nothing) for anyone
 * else. Every statement that reads tickets or pharmacies takes it as a
 * parameter, so an object out of scope is simply not found (404). */
apr_int64_t pd_authz_pharmacy_scope(const pd_identity_t *who);

/* Whether the caller sees internal timeline entries (notes, internal
 * changes): staff do, customers do not. The timeline and the ticket search
 * both ask here, so that a note's words never reach a customer either way. */
int pd_authz_sees_internal(const pd_identity_t *who);

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
#define PD_TF_NOTE        0x0800u    /* a note attached to the change */

/* The fields this role may change on a ticket in this status. */
unsigned pd_authz_ticket_fields(pd_role_e role, pd_status_e status);

#endif
