/* A ticket as the API shows it. The statements that read tickets return the
 * columns up to PD_TC_DESCRIPTION in this order (TICKET_COLUMNS in
 * pd_sql.c); the name slots after it are filled from the name cache
 * (mod_pd_names.c); pd_ticket_render is the only place that turns a ticket
 * into JSON. */
#ifndef PD_TICKET_H
#define PD_TICKET_H

#include "pd_json.h"
#include "pd_authz.h"

typedef enum {
    /* from the database */
    PD_TC_ID = 0, PD_TC_NUMBER, PD_TC_TITLE, PD_TC_PIC_NAME, PD_TC_CONTACT,
    PD_TC_APP_VERSION, PD_TC_PRIORITY, PD_TC_STATUS, PD_TC_SOURCE, PD_TC_VERSION,
    PD_TC_PHARMACY_ID, PD_TC_MODULE_ID, PD_TC_CATEGORY_ID, PD_TC_CUSTOMER_ID,
    PD_TC_EXPERT_ID, PD_TC_TECH_ID, PD_TC_CREATOR_ID,
    PD_TC_CREATED_AT, PD_TC_UPDATED_AT, PD_TC_FIRST_RESPONSE_AT, PD_TC_SOLVED_AT,
    PD_TC_CLOSED_AT,
    /* service levels (pd_sla.h): the policy, when the clock stopped (NULL:
     * it runs), the business microseconds paused so far; then per target
     * its minutes, due time, when met, business microseconds left now
     * (negative: overdue) and whether it is at risk, in this order for
     * both (pd_sla.c counts on it) */
    PD_TC_SLA_POLICY_ID, PD_TC_SLA_STOPPED_AT, PD_TC_SLA_PAUSED,
    PD_TC_FR_TARGET, PD_TC_FR_DUE_AT, PD_TC_FR_MET_AT, PD_TC_FR_LEFT, PD_TC_FR_AT_RISK,
    PD_TC_RES_TARGET, PD_TC_RES_DUE_AT, PD_TC_RES_MET_AT, PD_TC_RES_LEFT, PD_TC_RES_AT_RISK,
    /* since when the ticket is escalated; NULL: it is not */
    PD_TC_ESCALATED_AT,
    /* the customer's rating, 1-5 (migration 0040); NULL: none */
    PD_TC_RATING,
    /* the org unit the ticket is routed to (migration 0060); NULL: none */
    PD_TC_ORG_UNIT_ID,
    /* a front desk case's type (visitor, surat; NULL: a helpdesk ticket) and
     * when its operator acknowledged it (migration 0061) */
    PD_TC_CASE_TYPE, PD_TC_ACKNOWLEDGED_AT,
    /* the case's visitor or letter (migration 0061); NULL: none */
    PD_TC_CASE_RECORD_ID,
    /* single-ticket reads only; a list page has its sort key at this position */
    PD_TC_DESCRIPTION,
    /* from the name cache */
    PD_TC_PHARMACY_CODE, PD_TC_PHARMACY_NAME, PD_TC_MODULE_NAME, PD_TC_MODULE_COLOR,
    PD_TC_CATEGORY_NAME, PD_TC_CATEGORY_COLOR, PD_TC_CUSTOMER_NAME, PD_TC_EXPERT_NAME,
    PD_TC_TECH_NAME, PD_TC_CREATOR_NAME,
    PD_TC__COUNT
} pd_ticket_col_e;

/* Writes one ticket object from its columns (NULL entries are SQL NULL);
 * the description only when with_description. */
void pd_ticket_render(pd_jw_t *w, const char *const *cols, int with_description);

/* A single ticket as its reads and writes answer: with its description and
 * "allowed", what this caller may do to it now (pd_authz_ticket_allowed):
 * {"transitions":[{"to","needs_tech","requires":[...],"rating"}],
 *  "fields":[...],"take","comment":[...],"upload":[...],"delete"}. */
void pd_ticket_render_one(pd_jw_t *w, const char *const *cols, const pd_identity_t *who);

/* The facts pd_authz decides on, from a ticket's columns. */
void pd_ticket_facts(pd_ticket_facts_t *t, const char *const *cols);

#endif
