/* The one SQL statement catalogue. Every statement the module runs is here,
 * with its label (pd_<table>_<verb>) and its parameter count. Statements are
 * never assembled at run time: the shared fragments (pd_sql_fragments.h) are
 * string literals joined by the compiler. The texts are in pd_sql.c and,
 * by part, in the pd_sql_*.h it includes. Parameters are written %s
 * (apr_dbd's placeholder) and always cast, because apr_dbd declares them as
 * text. */
#ifndef PD_SQL_H
#define PD_SQL_H

#include <apr.h>

/* How PostgreSQL plans a statement; every statement is prepared once per
 * connection under its label. Generic: one cached plan (plan_cache_mode
 * auto). Custom: planned afresh with its parameter values at every
 * execution (force_custom_plan, pd_db.c), for statements whose optional
 * filters ("$1 IS NULL OR col = $1") must fold away to reach the right
 * index. */
typedef enum {
    PD_PLAN_GENERIC = 0,
    PD_PLAN_CUSTOM = 1
} pd_sql_plan_e;

/* Every statement once: its id, its label (the id in lower case), how many
 * parameters its text has, and its plan. The ids, the labels, the counts
 * the call sites are checked against (pd_db.h) and the unit test's table
 * all come from this list; pd_sql.c gives each id its text. */
#define PD_SQL_CATALOGUE(X) \
    X(PD_SQL_USERS_IDENTIFY,                "pd_users_identify",                 1, PD_PLAN_GENERIC) \
    X(PD_SQL_USERS_SYNC,                    "pd_users_sync",                     7, PD_PLAN_GENERIC) \
    X(PD_SQL_USERS_ME,                      "pd_users_me",                       1, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKETS_GET,                   "pd_tickets_get",                    2, PD_PLAN_GENERIC) \
    X(PD_SQL_NAMES_FETCH,                   "pd_names_fetch",                    4, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKETS_LOCK,                  "pd_tickets_lock",                   2, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKETS_REFS,                  "pd_tickets_refs",                  10, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKETS_INSERT,                "pd_tickets_insert",                16, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKETS_INSERT_CASE,           "pd_tickets_insert_case",           15, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKETS_UPDATE,                "pd_tickets_update",                15, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKETS_DELETE,                "pd_tickets_delete",                 1, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKET_ACTIVITIES_INSERT,      "pd_ticket_activities_insert",       8, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKETS_VISIBLE,               "pd_tickets_visible",                2, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKET_ACTIVITIES_LIST,        "pd_ticket_activities_list",         4, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKET_ACTIVITIES_LIST_PUBLIC, "pd_ticket_activities_list_public",  4, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKETS_LOCK_BRIEF,            "pd_tickets_lock_brief",             2, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKET_ACTIVITIES_ADD,         "pd_ticket_activities_add",         10, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKETS_TOUCH,                 "pd_tickets_touch",                  3, PD_PLAN_GENERIC) \
    X(PD_SQL_IDEMPOTENCY_CLAIM,             "pd_idempotency_claim",              3, PD_PLAN_GENERIC) \
    X(PD_SQL_IDEMPOTENCY_GET,               "pd_idempotency_get",                2, PD_PLAN_GENERIC) \
    X(PD_SQL_IDEMPOTENCY_STORE,             "pd_idempotency_store",              6, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKETS_WORKLOAD,              "pd_tickets_workload",               2, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_AUTO_CLOSE,            "pd_tickets_auto_close",             1, PD_PLAN_GENERIC) \
    X(PD_SQL_IDEMPOTENCY_FORGET,            "pd_idempotency_forget",             0, PD_PLAN_GENERIC) \
    /* the ticket list: one statement per allowlisted sort and direction */                          \
    X(PD_SQL_TICKETS_LIST_CREATED_DESC,     "pd_tickets_list_created_desc",     44, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_LIST_CREATED_ASC,      "pd_tickets_list_created_asc",      44, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_LIST_UPDATED_DESC,     "pd_tickets_list_updated_desc",     44, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_LIST_UPDATED_ASC,      "pd_tickets_list_updated_asc",      44, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_LIST_PRIORITY_DESC,    "pd_tickets_list_priority_desc",    44, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_LIST_PRIORITY_ASC,     "pd_tickets_list_priority_asc",     44, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_LIST_ID_DESC,          "pd_tickets_list_id_desc",          44, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_LIST_ID_ASC,           "pd_tickets_list_id_asc",           44, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_LIST_SLA_DESC,         "pd_tickets_list_sla_desc",         47, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_LIST_SLA_ASC,          "pd_tickets_list_sla_asc",          47, PD_PLAN_CUSTOM)  \
    /* the ticket list with q: the search text's tsquery, then one per sort */                       \
    X(PD_SQL_TICKET_SEARCH_QUERY,           "pd_ticket_search_query",            1, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKETS_SEARCH_RELEVANCE_DESC, "pd_tickets_search_relevance_desc", 47, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_SEARCH_RELEVANCE_ASC,  "pd_tickets_search_relevance_asc",  47, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_SEARCH_CREATED_DESC,   "pd_tickets_search_created_desc",   46, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_SEARCH_CREATED_ASC,    "pd_tickets_search_created_asc",    46, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_SEARCH_UPDATED_DESC,   "pd_tickets_search_updated_desc",   46, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_SEARCH_UPDATED_ASC,    "pd_tickets_search_updated_asc",    46, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_SEARCH_PRIORITY_DESC,  "pd_tickets_search_priority_desc",  46, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_SEARCH_PRIORITY_ASC,   "pd_tickets_search_priority_asc",   46, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_SEARCH_ID_DESC,        "pd_tickets_search_id_desc",        46, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_SEARCH_ID_ASC,         "pd_tickets_search_id_asc",         46, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKET_CATEGORIES_LIST,        "pd_ticket_categories_list",         1, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKET_CATEGORIES_GET,         "pd_ticket_categories_get",          1, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKET_CATEGORIES_INSERT,      "pd_ticket_categories_insert",       3, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKET_CATEGORIES_UPDATE,      "pd_ticket_categories_update",       7, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKET_CATEGORIES_LOCK,        "pd_ticket_categories_lock",         1, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKET_MODULES_LIST,           "pd_ticket_modules_list",            1, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKET_MODULES_GET,            "pd_ticket_modules_get",             1, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKET_MODULES_INSERT,         "pd_ticket_modules_insert",          3, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKET_MODULES_UPDATE,         "pd_ticket_modules_update",          7, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKET_MODULES_LOCK,           "pd_ticket_modules_lock",            1, PD_PLAN_GENERIC) \
    X(PD_SQL_PHARMACIES_LIST,               "pd_pharmacies_list",                9, PD_PLAN_CUSTOM)  \
    X(PD_SQL_PHARMACIES_GET,                "pd_pharmacies_get",                 2, PD_PLAN_GENERIC) \
    X(PD_SQL_PHARMACIES_LOCK,               "pd_pharmacies_lock",                1, PD_PLAN_GENERIC) \
    X(PD_SQL_PHARMACIES_ACTIVE,             "pd_pharmacies_active",              1, PD_PLAN_GENERIC) \
    X(PD_SQL_PHARMACIES_INSERT,             "pd_pharmacies_insert",              7, PD_PLAN_GENERIC) \
    X(PD_SQL_PHARMACIES_UPDATE,             "pd_pharmacies_update",             10, PD_PLAN_GENERIC) \
    X(PD_SQL_USERS_LIST,                    "pd_users_list",                    12, PD_PLAN_CUSTOM)  \
    X(PD_SQL_USERS_GET,                     "pd_users_get",                      1, PD_PLAN_GENERIC) \
    X(PD_SQL_USERS_LOCK,                    "pd_users_lock",                     1, PD_PLAN_GENERIC) \
    X(PD_SQL_USERS_INSERT,                  "pd_users_insert",                  11, PD_PLAN_GENERIC) \
    X(PD_SQL_USERS_UPDATE,                  "pd_users_update",                   7, PD_PLAN_GENERIC) \
    X(PD_SQL_ROLES_LIST,                    "pd_roles_list",                     0, PD_PLAN_GENERIC) \
    X(PD_SQL_ROLES_GET,                     "pd_roles_get",                      1, PD_PLAN_GENERIC) \
    X(PD_SQL_AUDIT_LOG_INSERT,              "pd_audit_log_insert",               6, PD_PLAN_GENERIC) \
    X(PD_SQL_AUDIT_LOG_LIST,                "pd_audit_log_list",                16, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_BRIEF,                 "pd_tickets_brief",                  2, PD_PLAN_GENERIC) \
    X(PD_SQL_ATTACHMENT_BLOBS_INSERT,       "pd_attachment_blobs_insert",        1, PD_PLAN_GENERIC) \
    X(PD_SQL_ATTACHMENT_BLOBS_GET,          "pd_attachment_blobs_get",           1, PD_PLAN_GENERIC) \
    X(PD_SQL_ATTACHMENT_BLOBS_DELETE,       "pd_attachment_blobs_delete",        1, PD_PLAN_GENERIC) \
    X(PD_SQL_ATTACHMENT_CHUNKS_INSERT,      "pd_attachment_chunks_insert",       3, PD_PLAN_GENERIC) \
    X(PD_SQL_ATTACHMENT_CHUNKS_READ,        "pd_attachment_chunks_read",         4, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKET_ATTACHMENTS_TOTAL,      "pd_ticket_attachments_total",       1, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKET_ATTACHMENTS_INSERT,     "pd_ticket_attachments_insert",     13, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKET_ATTACHMENTS_RECORD,     "pd_ticket_attachments_record",      2, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKET_ATTACHMENTS_LIST,       "pd_ticket_attachments_list",        6, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKET_ATTACHMENTS_LIST_PUBLIC, "pd_ticket_attachments_list_public", 6, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKET_ATTACHMENTS_GET,        "pd_ticket_attachments_get",         3, PD_PLAN_GENERIC) \
    X(PD_SQL_DASHBOARD_READ,                "pd_dashboard_read",                 7, PD_PLAN_GENERIC) \
    X(PD_SQL_DASHBOARD_READ_PHARMACY,       "pd_dashboard_read_pharmacy",        7, PD_PLAN_GENERIC) \
    X(PD_SQL_DASHBOARD_DELTAS_COMPACT,      "pd_dashboard_deltas_compact",       1, PD_PLAN_GENERIC) \
    /* service levels: calendars, policies (pd_sql_sla.h) */                                         \
    X(PD_SQL_SLA_ZONE_VALID,                "pd_sla_zone_valid",                 1, PD_PLAN_GENERIC) \
    X(PD_SQL_SLA_CALENDARS_LIST,            "pd_sla_calendars_list",             1, PD_PLAN_GENERIC) \
    X(PD_SQL_SLA_CALENDARS_GET,             "pd_sla_calendars_get",              1, PD_PLAN_GENERIC) \
    X(PD_SQL_SLA_CALENDARS_LOCK,            "pd_sla_calendars_lock",             1, PD_PLAN_GENERIC) \
    X(PD_SQL_SLA_CALENDARS_INSERT,          "pd_sla_calendars_insert",           3, PD_PLAN_GENERIC) \
    X(PD_SQL_SLA_CALENDARS_UPDATE,          "pd_sla_calendars_update",           6, PD_PLAN_GENERIC) \
    X(PD_SQL_SLA_CALENDARS_SET,             "pd_sla_calendars_set",              3, PD_PLAN_GENERIC) \
    X(PD_SQL_SLA_CALENDARS_EXTEND,          "pd_sla_calendars_extend",           0, PD_PLAN_GENERIC) \
    X(PD_SQL_SLA_POLICIES_LIST,             "pd_sla_policies_list",              1, PD_PLAN_GENERIC) \
    X(PD_SQL_SLA_POLICIES_GET,              "pd_sla_policies_get",               1, PD_PLAN_GENERIC) \
    X(PD_SQL_SLA_POLICIES_LOCK,             "pd_sla_policies_lock",              1, PD_PLAN_GENERIC) \
    X(PD_SQL_SLA_POLICIES_REFS,             "pd_sla_policies_refs",              4, PD_PLAN_GENERIC) \
    X(PD_SQL_SLA_POLICIES_SAVE,             "pd_sla_policies_save",             15, PD_PLAN_GENERIC) \
    X(PD_SQL_SLA_POLICIES_RECOMPUTE,        "pd_sla_policies_recompute",         1, PD_PLAN_GENERIC) \
    X(PD_SQL_SLA_SWEEP,                     "pd_sla_sweep",                      1, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKETS_ESCALATE,              "pd_tickets_escalate",               2, PD_PLAN_GENERIC) \
    X(PD_SQL_SLA_COMPLIANCE,                "pd_sla_compliance",                 5, PD_PLAN_GENERIC) \
    X(PD_SQL_SLA_COMPLIANCE_COMPACT,        "pd_sla_compliance_compact",         1, PD_PLAN_GENERIC) \
    /* reports (migration 0040) */                                                                   \
    X(PD_SQL_REPORT_VOLUME,                 "pd_report_volume",                 10, PD_PLAN_GENERIC) \
    X(PD_SQL_REPORT_TIMES,                  "pd_report_times",                  10, PD_PLAN_GENERIC) \
    X(PD_SQL_REPORT_SLA,                    "pd_report_sla",                    10, PD_PLAN_GENERIC) \
    X(PD_SQL_REPORT_STAFF,                  "pd_report_staff",                  11, PD_PLAN_GENERIC) \
    X(PD_SQL_REPORT_CSAT,                   "pd_report_csat",                   10, PD_PLAN_GENERIC) \
    X(PD_SQL_REPORT_COMPACT,                "pd_report_compact",                 1, PD_PLAN_GENERIC) \
    /* notifications: the background work (mod_pd_notify_*.c) */                                    \
    X(PD_SQL_NOTIFY_DELIVERIES_LOCK,        "pd_notify_deliveries_lock",         0, PD_PLAN_GENERIC) \
    X(PD_SQL_NOTIFY_OUTBOX_TAKE,            "pd_notify_outbox_take",             1, PD_PLAN_GENERIC) \
    X(PD_SQL_USERS_NOTIFY_CANDIDATES,       "pd_users_notify_candidates",       15, PD_PLAN_GENERIC) \
    X(PD_SQL_NOTIFY_DELIVERIES_INSERT,      "pd_notify_deliveries_insert",       6, PD_PLAN_GENERIC) \
    X(PD_SQL_NOTIFY_DELIVERIES_CLAIM,       "pd_notify_deliveries_claim",        3, PD_PLAN_GENERIC) \
    X(PD_SQL_NOTIFY_DELIVERIES_SENT,        "pd_notify_deliveries_sent",         1, PD_PLAN_GENERIC) \
    X(PD_SQL_NOTIFY_DELIVERIES_FAILED,      "pd_notify_deliveries_failed",       4, PD_PLAN_GENERIC) \
    X(PD_SQL_NOTIFY_DELIVERIES_RELEASE,     "pd_notify_deliveries_release",      1, PD_PLAN_GENERIC) \
    /* notifications: the API */                                                                     \
    X(PD_SQL_USERS_SET_LANGUAGE,            "pd_users_set_language",             3, PD_PLAN_GENERIC) \
    X(PD_SQL_NOTIFY_PREFERENCES_GET,        "pd_notify_preferences_get",         2, PD_PLAN_GENERIC) \
    X(PD_SQL_NOTIFY_PREFERENCES_SET,        "pd_notify_preferences_set",         5, PD_PLAN_GENERIC) \
    X(PD_SQL_NOTIFY_ROLE_DEFAULTS_LIST,     "pd_notify_role_defaults_list",      0, PD_PLAN_GENERIC) \
    X(PD_SQL_NOTIFY_ROLE_DEFAULTS_LOCK,     "pd_notify_role_defaults_lock",      0, PD_PLAN_GENERIC) \
    X(PD_SQL_NOTIFY_ROLE_DEFAULTS_SET,      "pd_notify_role_defaults_set",       4, PD_PLAN_GENERIC) \
    X(PD_SQL_NOTIFICATIONS_LIST,            "pd_notifications_list",             8, PD_PLAN_CUSTOM)  \
    X(PD_SQL_NOTIFICATIONS_UNREAD,          "pd_notifications_unread",           6, PD_PLAN_GENERIC) \
    X(PD_SQL_NOTIFICATIONS_READ,            "pd_notifications_read",             4, PD_PLAN_GENERIC) \
    X(PD_SQL_NOTIFICATIONS_READ_ALL,        "pd_notifications_read_all",         5, PD_PLAN_CUSTOM)  \
    X(PD_SQL_NOTIFY_DELIVERIES_LIST,        "pd_notify_deliveries_list",        11, PD_PLAN_CUSTOM)  \
    X(PD_SQL_NOTIFY_DELIVERIES_TICKET,      "pd_notify_deliveries_ticket",       3, PD_PLAN_GENERIC) \
    X(PD_SQL_NOTIFY_DELIVERIES_RETRY,       "pd_notify_deliveries_retry",        1, PD_PLAN_GENERIC) \
    X(PD_SQL_NOTIFY_DELIVERIES_EXISTS,      "pd_notify_deliveries_exists",       1, PD_PLAN_GENERIC) \
    /* WhatsApp: the channel, the webhook, the numbers (migration 0023) */                          \
    X(PD_SQL_USERS_WHATSAPP_RECIPIENT,      "pd_users_whatsapp_recipient",       1, PD_PLAN_GENERIC) \
    X(PD_SQL_NOTIFY_DELIVERIES_EXTERNAL,    "pd_notify_deliveries_external",     2, PD_PLAN_GENERIC) \
    X(PD_SQL_NOTIFY_DELIVERIES_RECEIPT,     "pd_notify_deliveries_receipt",      4, PD_PLAN_GENERIC) \
    X(PD_SQL_WHATSAPP_HOOK_HITS_COUNT,      "pd_whatsapp_hook_hits_count",       1, PD_PLAN_GENERIC) \
    X(PD_SQL_WHATSAPP_INBOUND_CLAIM,        "pd_whatsapp_inbound_claim",         1, PD_PLAN_GENERIC) \
    X(PD_SQL_WHATSAPP_INBOUND_RECORD,       "pd_whatsapp_inbound_record",        3, PD_PLAN_GENERIC) \
    X(PD_SQL_USERS_WHATSAPP_SENDER,         "pd_users_whatsapp_sender",          1, PD_PLAN_GENERIC) \
    X(PD_SQL_WHATSAPP_CHANNEL_SET,          "pd_whatsapp_channel_set",           0, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKETS_WHATSAPP_OPEN,         "pd_tickets_whatsapp_open",          2, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKETS_WHATSAPP_INSERT,       "pd_tickets_whatsapp_insert",       11, PD_PLAN_GENERIC) \
    X(PD_SQL_WHATSAPP_FORGET,               "pd_whatsapp_forget",                0, PD_PLAN_GENERIC) \
    X(PD_SQL_USERS_WHATSAPP_LOCK,           "pd_users_whatsapp_lock",            1, PD_PLAN_GENERIC) \
    X(PD_SQL_USERS_WHATSAPP_SET,            "pd_users_whatsapp_set",             4, PD_PLAN_GENERIC) \
    /* webhooks: the channel (mod_pd_notify_webhook.c) and its admin API */                          \
    X(PD_SQL_WEBHOOK_DELIVERIES_FAN_OUT,    "pd_webhook_deliveries_fan_out",     6, PD_PLAN_GENERIC) \
    X(PD_SQL_WEBHOOK_DELIVERIES_MESSAGE,    "pd_webhook_deliveries_message",     1, PD_PLAN_GENERIC) \
    X(PD_SQL_WEBHOOK_ATTEMPTS_INSERT,       "pd_webhook_attempts_insert",        6, PD_PLAN_GENERIC) \
    X(PD_SQL_WEBHOOK_ENDPOINTS_DISABLE,     "pd_webhook_endpoints_disable",      2, PD_PLAN_GENERIC) \
    X(PD_SQL_WEBHOOK_ENDPOINTS_LIST,        "pd_webhook_endpoints_list",         2, PD_PLAN_GENERIC) \
    X(PD_SQL_WEBHOOK_ENDPOINTS_GET,         "pd_webhook_endpoints_get",          1, PD_PLAN_GENERIC) \
    X(PD_SQL_WEBHOOK_ENDPOINTS_LOCK,        "pd_webhook_endpoints_lock",         1, PD_PLAN_GENERIC) \
    X(PD_SQL_WEBHOOK_ENDPOINTS_INSERT,      "pd_webhook_endpoints_insert",       8, PD_PLAN_GENERIC) \
    X(PD_SQL_WEBHOOK_ENDPOINTS_UPDATE,      "pd_webhook_endpoints_update",       8, PD_PLAN_GENERIC) \
    X(PD_SQL_WEBHOOK_ENDPOINTS_ROTATE,      "pd_webhook_endpoints_rotate",       2, PD_PLAN_GENERIC) \
    X(PD_SQL_WEBHOOK_ENDPOINTS_DELETE,      "pd_webhook_endpoints_delete",       1, PD_PLAN_GENERIC) \
    X(PD_SQL_PHARMACIES_COUNT,              "pd_pharmacies_count",               1, PD_PLAN_GENERIC) \
    X(PD_SQL_WEBHOOK_DELIVERIES_LIST,       "pd_webhook_deliveries_list",        6, PD_PLAN_CUSTOM)  \
    X(PD_SQL_WEBHOOK_DELIVERIES_GET,        "pd_webhook_deliveries_get",         1, PD_PLAN_GENERIC) \
    X(PD_SQL_WEBHOOK_DELIVERIES_REPLAY,     "pd_webhook_deliveries_replay",      1, PD_PLAN_GENERIC) \
    X(PD_SQL_WEBHOOK_DELIVERIES_STATE,      "pd_webhook_deliveries_state",       1, PD_PLAN_GENERIC) \
    /* imports: one batch of tickets with their timelines */                                         \
    X(PD_SQL_IMPORTS_TICKETS,               "pd_imports_tickets",                9, PD_PLAN_GENERIC) \
    /* lists for triage: what needs action first, the customer's waiting      */                       \
    /* tickets first, bounded counts, saved views (migration 0050)            */                       \
    X(PD_SQL_TICKETS_LIST_ACTION_ASC,       "pd_tickets_list_action_asc",       45, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_LIST_ACTION_DESC,      "pd_tickets_list_action_desc",      45, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_LIST_WAITING_ASC,      "pd_tickets_list_waiting_asc",     136, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_LIST_WAITING_DESC,     "pd_tickets_list_waiting_desc",    136, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_COUNT,                 "pd_tickets_count",                 41, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_COUNT_SLA,             "pd_tickets_count_sla",             44, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_COUNT_SEARCH,          "pd_tickets_count_search",          43, PD_PLAN_CUSTOM)  \
    X(PD_SQL_SAVED_VIEWS_LIST,              "pd_saved_views_list",               2, PD_PLAN_GENERIC) \
    X(PD_SQL_SAVED_VIEWS_GET,               "pd_saved_views_get",                1, PD_PLAN_GENERIC) \
    X(PD_SQL_SAVED_VIEWS_INSERT,            "pd_saved_views_insert",             6, PD_PLAN_GENERIC) \
    X(PD_SQL_SAVED_VIEWS_UPDATE,            "pd_saved_views_update",             5, PD_PLAN_GENERIC) \
    X(PD_SQL_SAVED_VIEWS_DELETE,            "pd_saved_views_delete",             1, PD_PLAN_GENERIC) \
    X(PD_SQL_SAVED_VIEWS_COUNT,             "pd_saved_views_count",              1, PD_PLAN_GENERIC) \
    /* the cluster: the load balancer's health check (mod_pd_health.c) */                            \
    X(PD_SQL_HEALTH_CHECK,                  "pd_health_check",                   0, PD_PLAN_GENERIC) \
    X(PD_SQL_METRICS_READ,                  "pd_metrics_read",                   0, PD_PLAN_GENERIC) \
    /* organisation: org units, their contacts, the directory (pd_sql_org.h) */                     \
    X(PD_SQL_ORG_UNITS_LIST,                "pd_org_units_list",                 3, PD_PLAN_GENERIC) \
    X(PD_SQL_ORG_UNITS_GET,                 "pd_org_units_get",                  3, PD_PLAN_GENERIC) \
    X(PD_SQL_ORG_UNITS_CHECK,               "pd_org_units_check",                4, PD_PLAN_GENERIC) \
    X(PD_SQL_ORG_UNITS_INSERT,              "pd_org_units_insert",               5, PD_PLAN_GENERIC) \
    X(PD_SQL_ORG_UNITS_LOCK,                "pd_org_units_lock",                 1, PD_PLAN_GENERIC) \
    X(PD_SQL_ORG_UNITS_UPDATE,              "pd_org_units_update",               8, PD_PLAN_GENERIC) \
    X(PD_SQL_ORG_UNITS_JSON,                "pd_org_units_json",                 1, PD_PLAN_GENERIC) \
    X(PD_SQL_ORG_UNIT_CONTACTS_LIST,        "pd_org_unit_contacts_list",         6, PD_PLAN_CUSTOM)  \
    X(PD_SQL_ORG_UNIT_CONTACTS_REFS,        "pd_org_unit_contacts_refs",         2, PD_PLAN_GENERIC) \
    X(PD_SQL_ORG_UNIT_CONTACTS_INSERT,      "pd_org_unit_contacts_insert",       5, PD_PLAN_GENERIC) \
    X(PD_SQL_ORG_UNIT_CONTACTS_LOCK,        "pd_org_unit_contacts_lock",         1, PD_PLAN_GENERIC) \
    X(PD_SQL_ORG_UNIT_CONTACTS_UPDATE,      "pd_org_unit_contacts_update",       9, PD_PLAN_GENERIC) \
    X(PD_SQL_ORG_UNIT_CONTACTS_DELETE,      "pd_org_unit_contacts_delete",       1, PD_PLAN_GENERIC) \
    X(PD_SQL_ORG_UNIT_CONTACTS_JSON,        "pd_org_unit_contacts_json",         1, PD_PLAN_GENERIC) \
    X(PD_SQL_ORG_DIRECTORY,                 "pd_org_directory",                  2, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKETS_ROUTE,                 "pd_tickets_route",                  2, PD_PLAN_GENERIC) \
    X(PD_SQL_USERS_ORG_SET,                 "pd_users_org_set",                  9, PD_PLAN_GENERIC) \
    /* the front desk (pd_sql_org.h) */                                                              \
    X(PD_SQL_FRONT_DESKS_GET,               "pd_front_desks_get",                1, PD_PLAN_GENERIC) \
    X(PD_SQL_FRONT_DESKS_PUT,               "pd_front_desks_put",                5, PD_PLAN_GENERIC) \
    X(PD_SQL_FRONT_DESK_DEFAULTS,           "pd_front_desk_defaults",            1, PD_PLAN_GENERIC) \
    X(PD_SQL_VISITORS_INSERT,               "pd_visitors_insert",               11, PD_PLAN_GENERIC) \
    X(PD_SQL_VISITORS_CHECK_OUT,            "pd_visitors_check_out",             2, PD_PLAN_GENERIC) \
    X(PD_SQL_SURAT_INSERT,                  "pd_surat_insert",                   9, PD_PLAN_GENERIC) \
    X(PD_SQL_SURAT_GET,                     "pd_surat_get",                      2, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKETS_ACKNOWLEDGE,           "pd_tickets_acknowledge",            1, PD_PLAN_GENERIC) \
    X(PD_SQL_VISITORS_LIST,                 "pd_visitors_list",                  6, PD_PLAN_CUSTOM)  \
    /* the visitor's and the letter's pages, WhatsApp to contacts (pd_sql_cases.h) */                \
    X(PD_SQL_VISITORS_READ,                 "pd_visitors_read",                  4, PD_PLAN_GENERIC) \
    X(PD_SQL_SURAT_LIST,                    "pd_surat_list",                     3, PD_PLAN_CUSTOM)  \
    X(PD_SQL_NOTIFY_CONTACTS_FAN_OUT,       "pd_notify_contacts_fan_out",        2, PD_PLAN_GENERIC) \
    X(PD_SQL_NOTIFY_CONTACT_RECIPIENT,      "pd_notify_contact_recipient",       1, PD_PLAN_GENERIC) \
    X(PD_SQL_IMPORTS_GUESTBOOK,             "pd_imports_guestbook",              9, PD_PLAN_GENERIC) \
    X(PD_SQL_TICKETS_LIST_SUBTREE_DESC,     "pd_tickets_list_subtree_desc",     46, PD_PLAN_CUSTOM)  \
    X(PD_SQL_TICKETS_LIST_SUBTREE_ASC,      "pd_tickets_list_subtree_asc",      46, PD_PLAN_CUSTOM)  \
    /* the QR self check-in: desk tokens, rate limits (pd_sql_qr.h) */                               \
    X(PD_SQL_DESK_TOKENS_LIST,              "pd_desk_tokens_list",               0, PD_PLAN_GENERIC) \
    X(PD_SQL_DESK_TOKENS_GET,               "pd_desk_tokens_get",                1, PD_PLAN_GENERIC) \
    X(PD_SQL_DESK_TOKENS_LOCK,              "pd_desk_tokens_lock",               1, PD_PLAN_GENERIC) \
    X(PD_SQL_DESK_TOKENS_UNITS_OK,          "pd_desk_tokens_units_ok",           5, PD_PLAN_CUSTOM)  \
    X(PD_SQL_DESK_TOKENS_INSERT,            "pd_desk_tokens_insert",             6, PD_PLAN_GENERIC) \
    X(PD_SQL_DESK_TOKENS_REVOKE,            "pd_desk_tokens_revoke",             2, PD_PLAN_GENERIC) \
    X(PD_SQL_DESK_TOKENS_FIND,              "pd_desk_tokens_find",               1, PD_PLAN_GENERIC) \
    X(PD_SQL_CHECKIN_HITS_COUNT,            "pd_checkin_hits_count",             4, PD_PLAN_GENERIC) \
    X(PD_SQL_CHECKIN_HITS_FORGET,           "pd_checkin_hits_forget",            0, PD_PLAN_GENERIC) \
    X(PD_SQL_VISITORS_INSERT_SELF,          "pd_visitors_insert_self",           9, PD_PLAN_GENERIC)

typedef enum {
#define PD_SQL_ID_(id, label, nargs, plan) id,
    PD_SQL_CATALOGUE(PD_SQL_ID_)
#undef PD_SQL_ID_
    PD_SQL__COUNT
} pd_sql_id_e;

/* Each statement's parameter count as a constant of its own, the id with
 * _NARGS appended (PD_SQL_TICKETS_GET_NARGS), for checks at compile time. */
enum {
#define PD_SQL_NARGS_(id, label, nargs, plan) id##_NARGS = (nargs),
    PD_SQL_CATALOGUE(PD_SQL_NARGS_)
#undef PD_SQL_NARGS_
};

typedef struct pd_sql_stmt_t {
    const char *label;         /* the server-side prepared statement's name */
    const char *text;          /* apr_dbd syntax: %s placeholders, %% for % */
    int nargs;
    pd_sql_plan_e plan;
} pd_sql_stmt_t;

const pd_sql_stmt_t *pd_sql_get(pd_sql_id_e id);

#endif
