/* The one SQL statement catalogue. Every statement the module runs is here,
 * with its label (pd_<table>_<verb>) and its parameter count. Statements are
 * never assembled at run time: the few shared fragments below are string
 * literals joined by the compiler. Parameters are written %s (apr_dbd's
 * placeholder) and always cast, because apr_dbd declares them as text. */
#ifndef PD_SQL_H
#define PD_SQL_H

#include <apr.h>

typedef enum {
    PD_SQL_USERS_IDENTIFY = 0,
    PD_SQL_USERS_SYNC,
    PD_SQL_USERS_ME,
    PD_SQL_TICKETS_GET,
    PD_SQL_NAMES_FETCH,
    PD_SQL_TICKETS_LOCK,
    PD_SQL_TICKETS_REFS,
    PD_SQL_TICKETS_INSERT,
    PD_SQL_TICKETS_UPDATE,
    PD_SQL_TICKETS_DELETE,
    PD_SQL_TICKET_ACTIVITIES_INSERT,
    PD_SQL_TICKETS_VISIBLE,
    PD_SQL_TICKET_ACTIVITIES_LIST,
    PD_SQL_TICKET_ACTIVITIES_LIST_PUBLIC,
    PD_SQL_TICKETS_LOCK_BRIEF,
    PD_SQL_TICKET_ACTIVITIES_ADD,
    PD_SQL_TICKETS_TOUCH,
    PD_SQL_IDEMPOTENCY_CLAIM,
    PD_SQL_IDEMPOTENCY_GET,
    PD_SQL_IDEMPOTENCY_STORE,
    PD_SQL_TICKETS_WORKLOAD,
    PD_SQL_TICKETS_AUTO_CLOSE,
    PD_SQL_IDEMPOTENCY_FORGET,
    /* the ticket list: one statement per allowlisted sort and direction */
    PD_SQL_TICKETS_LIST_CREATED_DESC,
    PD_SQL_TICKETS_LIST_CREATED_ASC,
    PD_SQL_TICKETS_LIST_UPDATED_DESC,
    PD_SQL_TICKETS_LIST_UPDATED_ASC,
    PD_SQL_TICKETS_LIST_PRIORITY_DESC,
    PD_SQL_TICKETS_LIST_PRIORITY_ASC,
    PD_SQL_TICKETS_LIST_ID_DESC,
    PD_SQL_TICKETS_LIST_ID_ASC,
    /* the ticket list with q: the search text's tsquery, then one statement
     * per sort (relevance first) and direction */
    PD_SQL_TICKET_SEARCH_QUERY,
    PD_SQL_TICKETS_SEARCH_RELEVANCE_DESC,
    PD_SQL_TICKETS_SEARCH_RELEVANCE_ASC,
    PD_SQL_TICKETS_SEARCH_CREATED_DESC,
    PD_SQL_TICKETS_SEARCH_CREATED_ASC,
    PD_SQL_TICKETS_SEARCH_UPDATED_DESC,
    PD_SQL_TICKETS_SEARCH_UPDATED_ASC,
    PD_SQL_TICKETS_SEARCH_PRIORITY_DESC,
    PD_SQL_TICKETS_SEARCH_PRIORITY_ASC,
    PD_SQL_TICKETS_SEARCH_ID_DESC,
    PD_SQL_TICKETS_SEARCH_ID_ASC,
    PD_SQL_TICKET_CATEGORIES_LIST,
    PD_SQL_TICKET_CATEGORIES_GET,
    PD_SQL_TICKET_CATEGORIES_INSERT,
    PD_SQL_TICKET_CATEGORIES_UPDATE,
    PD_SQL_TICKET_CATEGORIES_LOCK,
    PD_SQL_TICKET_MODULES_LIST,
    PD_SQL_TICKET_MODULES_GET,
    PD_SQL_TICKET_MODULES_INSERT,
    PD_SQL_TICKET_MODULES_UPDATE,
    PD_SQL_TICKET_MODULES_LOCK,
    PD_SQL_PHARMACIES_LIST,
    PD_SQL_PHARMACIES_GET,
    PD_SQL_PHARMACIES_LOCK,
    PD_SQL_PHARMACIES_ACTIVE,
    PD_SQL_PHARMACIES_INSERT,
    PD_SQL_PHARMACIES_UPDATE,
    PD_SQL_USERS_LIST,
    PD_SQL_USERS_GET,
    PD_SQL_USERS_LOCK,
    PD_SQL_USERS_INSERT,
    PD_SQL_USERS_UPDATE,
    PD_SQL_ROLES_LIST,
    PD_SQL_ROLES_GET,
    PD_SQL_AUDIT_LOG_INSERT,
    PD_SQL_AUDIT_LOG_LIST,
    PD_SQL_TICKETS_BRIEF,
    PD_SQL_ATTACHMENT_BLOBS_INSERT,
    PD_SQL_ATTACHMENT_BLOBS_GET,
    PD_SQL_ATTACHMENT_BLOBS_DELETE,
    PD_SQL_ATTACHMENT_CHUNKS_INSERT,
    PD_SQL_ATTACHMENT_CHUNKS_READ,
    PD_SQL_TICKET_ATTACHMENTS_TOTAL,
    PD_SQL_TICKET_ATTACHMENTS_INSERT,
    PD_SQL_TICKET_ATTACHMENTS_RECORD,
    PD_SQL_TICKET_ATTACHMENTS_LIST,
    PD_SQL_TICKET_ATTACHMENTS_LIST_PUBLIC,
    PD_SQL_TICKET_ATTACHMENTS_GET,
    PD_SQL_DASHBOARD_READ,
    PD_SQL_DASHBOARD_READ_PHARMACY,
    PD_SQL_DASHBOARD_DELTAS_COMPACT,
    PD_SQL__COUNT
} pd_sql_id_e;

typedef struct pd_sql_stmt_t {
    const char *label;         /* the server-side prepared statement's name */
    const char *text;          /* apr_dbd syntax: %s placeholders, %% for % */
    int nargs;
    /* Planned afresh with its parameter values at every execution (run as an
     * unnamed statement): for statements whose optional filters
     * ("$1 IS NULL OR col = $1") must fold away to reach the right index.
     * Every other statement keeps one cached generic plan per connection. */
    int custom_plan;
} pd_sql_stmt_t;

const pd_sql_stmt_t *pd_sql_get(pd_sql_id_e id);

#endif
