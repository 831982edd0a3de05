/* The one route table: method + path (below PharmadeskApiBase) -> the action
 * the caller must be allowed (pd_authz.c) -> the handler. The authorization
 * matrix tests are generated from this table. */
#include "mod_pd.h"
#include "mod_pd_webhook.h"

/* t/openapi/routes.c compiles this file with PD_ROUTES_TABLE_ONLY to
 * compare the table with the API's description (htdocs/api/openapi.json):
 * the table's data without the handlers, which live in the module. */
#ifdef PD_ROUTES_TABLE_ONLY
#define H(fn) NULL
#else
#define H(fn) ((pd_route_fn)(fn))
#endif

/* The query parameters each list takes; every other route takes none. */
static const char *const ticket_list[] = {
    "status", "priority", "category_id", "module_id", "pharmacy_id", "expert_id",
    "tech_id", "source", "created_from", "created_to", "queue", "q", "sla", "sort", "order",
    "limit", "cursor", "format", "bom", "event", "event_from", "event_to", "count",
    "org_unit_id", "org_unit_subtree", "case_type", NULL
};
static const char *const page_only[] = { "limit", "cursor", NULL };
static const char *const workload_params[] = { "role", NULL };
static const char *const lookup_list[] = { "include_inactive", NULL };
static const char *const pharmacy_list[] = { "include_inactive", "q", "limit", "cursor", NULL };
static const char *const user_list[] = {
    "role", "pharmacy_id", "include_inactive", "q", "limit", "cursor", NULL
};
static const char *const dashboard_params[] = {
    "pharmacy_id", "created_from", "created_to", "limit", NULL
};
static const char *const audit_list[] = {
    "actor_id", "entity", "entity_id", "from", "to", "limit", "cursor", NULL
};
static const char *const notification_list[] = { "unread", "limit", "cursor", NULL };
static const char *const compliance_params[] = { "from", "to", "group_by", "pharmacy_id", NULL };
static const char *const report_params[] = {
    "from", "to", "group_by", "pharmacy_id", "category_id", "module_id", "priority", "expert_id",
    "tech_id", "format", "bom", NULL
};
static const char *const read_all_params[] = { "up_to", "ticket_id", NULL };
static const char *const delivery_list[] = {
    "status", "channel", "ticket_id", "user_id", "limit", "cursor", NULL
};
static const char *const webhook_delivery_list[] = { "status", "limit", "cursor", NULL };
static const char *const view_list[] = { "count", NULL };
static const char *const org_unit_list[] = { "include_inactive", "form", NULL };
static const char *const org_contact_list[] = { "org_unit_id", "kind", NULL };
static const char *const directory_params[] = { "q", NULL };
static const char *const checkin_params[] = { "t", NULL };
static const char *const visitor_list[] = { "present", "ticket_id", NULL };
static const char *const surat_list[] = { "ticket_id", NULL };

/* { method, pattern, action, handler, query parameters, takes an
 * Idempotency-Key, streams a multipart body } */
static const pd_route_t routes[] = {
    { PD_M_GET,    "/me",                     PD_ACT_ME,             H(pd_res_me_get), NULL, 0, 0 },
    { PD_M_PATCH,  "/me",                     PD_ACT_ME_UPDATE,      H(pd_res_me_update), NULL, 0, 0 },
    { PD_M_GET,    "/me/notification-preferences", PD_ACT_ME,       H(pd_res_notify_prefs_get), NULL, 0, 0 },
    { PD_M_PATCH,  "/me/notification-preferences", PD_ACT_ME_UPDATE, H(pd_res_notify_prefs_update), NULL, 0, 0 },

    /* one's own notifications (the portal channel) */
    { PD_M_GET,    "/notifications",          PD_ACT_NOTIFICATION_INBOX, H(pd_res_notifications_list), notification_list, 0, 0 },
    { PD_M_GET,    "/notifications/unread-count", PD_ACT_NOTIFICATION_INBOX, H(pd_res_notifications_unread), NULL, 0, 0 },
    { PD_M_POST,   "/notifications/{id}/read", PD_ACT_NOTIFICATION_INBOX, H(pd_res_notifications_read), NULL, 0, 0 },
    { PD_M_POST,   "/notifications/read-all", PD_ACT_NOTIFICATION_INBOX, H(pd_res_notifications_read_all), read_all_params, 0, 0 },
    { PD_M_GET,    "/notification-defaults",  PD_ACT_NOTIFICATION_DEFAULTS, H(pd_res_notify_defaults_get), NULL, 0, 0 },
    { PD_M_PATCH,  "/notification-defaults",  PD_ACT_NOTIFICATION_DEFAULTS, H(pd_res_notify_defaults_update), NULL, 0, 0 },
    { PD_M_GET,    "/notification-deliveries", PD_ACT_NOTIFICATION_DELIVERIES, H(pd_res_deliveries_list), delivery_list, 0, 0 },
    { PD_M_POST,   "/notification-deliveries/{id}/retry", PD_ACT_NOTIFICATION_DELIVERIES, H(pd_res_deliveries_retry), NULL, 0, 0 },

    { PD_M_GET,    "/tickets",                PD_ACT_TICKET_LIST,    H(pd_res_tickets_list), ticket_list, 0, 0 },
    { PD_M_POST,   "/tickets",                PD_ACT_TICKET_CREATE,  H(pd_res_tickets_create), NULL, 1, 0 },
    { PD_M_GET,    "/tickets/{id}",           PD_ACT_TICKET_READ,    H(pd_res_tickets_get), NULL, 0, 0 },
    { PD_M_PATCH,  "/tickets/{id}",           PD_ACT_TICKET_UPDATE,  H(pd_res_tickets_update), NULL, 0, 0 },
    { PD_M_DELETE, "/tickets/{id}",           PD_ACT_TICKET_DELETE,  H(pd_res_tickets_delete), NULL, 0, 0 },
    { PD_M_GET,    "/tickets/{id}/activities", PD_ACT_TICKET_READ,   H(pd_res_activities_list), page_only, 0, 0 },
    /* replying is changing the ticket: the same roles as PATCH */
    { PD_M_POST,   "/tickets/{id}/comments",  PD_ACT_TICKET_UPDATE,  H(pd_res_comments_create), NULL, 1, 0 },
    { PD_M_GET,    "/tickets/{id}/attachments", PD_ACT_TICKET_READ,  H(pd_res_attachments_list), page_only, 0, 0 },
    /* adding files is changing the ticket; the body is a streamed form */
    { PD_M_POST,   "/tickets/{id}/attachments", PD_ACT_TICKET_UPDATE, H(pd_res_attachments_create), NULL, 0, 1 },
    /* what was sent to whom about it: staff, beside the timeline */
    { PD_M_GET,    "/tickets/{id}/notifications", PD_ACT_TICKET_NOTIFICATIONS, H(pd_res_ticket_notifications), page_only, 0, 0 },
    /* the alarm by hand, with a reason (an internal entry) */
    { PD_M_POST,   "/tickets/{id}/escalate",  PD_ACT_TICKET_ESCALATE, H(pd_res_tickets_escalate), NULL, 0, 0 },
    { PD_M_POST,   "/tickets/{id}/de-escalate", PD_ACT_TICKET_DE_ESCALATE, H(pd_res_tickets_de_escalate), NULL, 0, 0 },
    { PD_M_GET,    "/attachments/{id}",       PD_ACT_TICKET_READ,    H(pd_res_attachments_download), NULL, 0, 0 },
    { PD_M_GET,    "/attachments/{id}/preview", PD_ACT_TICKET_READ,  H(pd_res_attachments_preview), NULL, 0, 0 },

    /* staff: whoever may read the users may see their load */
    { PD_M_GET,    "/workload",               PD_ACT_USER_READ,      H(pd_res_workload_get), workload_params, 0, 0 },

    { PD_M_GET,    "/dashboard",              PD_ACT_DASHBOARD_READ, H(pd_res_dashboard_get), dashboard_params, 0, 0 },

    /* the reports: what of them each role sees is pd_authz_report's */
    { PD_M_GET,    "/reports/volume",         PD_ACT_REPORT_READ,    H(pd_res_report_volume), report_params, 0, 0 },
    { PD_M_GET,    "/reports/times",          PD_ACT_REPORT_READ,    H(pd_res_report_times), report_params, 0, 0 },
    { PD_M_GET,    "/reports/sla",            PD_ACT_REPORT_READ,    H(pd_res_report_sla), report_params, 0, 0 },
    { PD_M_GET,    "/reports/staff",          PD_ACT_REPORT_STAFF,   H(pd_res_report_staff), report_params, 0, 0 },
    { PD_M_GET,    "/reports/csat",           PD_ACT_REPORT_READ,    H(pd_res_report_csat), report_params, 0, 0 },

    { PD_M_GET,    "/ticket-categories",      PD_ACT_LOOKUP_READ,    H(pd_res_categories_list), lookup_list, 0, 0 },
    { PD_M_POST,   "/ticket-categories",      PD_ACT_LOOKUP_WRITE,   H(pd_res_categories_create), NULL, 0, 0 },
    { PD_M_GET,    "/ticket-categories/{id}", PD_ACT_LOOKUP_READ,    H(pd_res_categories_get), NULL, 0, 0 },
    { PD_M_PATCH,  "/ticket-categories/{id}", PD_ACT_LOOKUP_WRITE,   H(pd_res_categories_update), NULL, 0, 0 },
    { PD_M_DELETE, "/ticket-categories/{id}", PD_ACT_LOOKUP_WRITE,   H(pd_res_categories_delete), NULL, 0, 0 },

    { PD_M_GET,    "/ticket-modules",         PD_ACT_LOOKUP_READ,    H(pd_res_modules_list), lookup_list, 0, 0 },
    { PD_M_POST,   "/ticket-modules",         PD_ACT_LOOKUP_WRITE,   H(pd_res_modules_create), NULL, 0, 0 },
    { PD_M_GET,    "/ticket-modules/{id}",    PD_ACT_LOOKUP_READ,    H(pd_res_modules_get), NULL, 0, 0 },
    { PD_M_PATCH,  "/ticket-modules/{id}",    PD_ACT_LOOKUP_WRITE,   H(pd_res_modules_update), NULL, 0, 0 },
    { PD_M_DELETE, "/ticket-modules/{id}",    PD_ACT_LOOKUP_WRITE,   H(pd_res_modules_delete), NULL, 0, 0 },

    { PD_M_GET,    "/pharmacies",             PD_ACT_PHARMACY_READ,  H(pd_res_pharmacies_list), pharmacy_list, 0, 0 },
    { PD_M_POST,   "/pharmacies",             PD_ACT_PHARMACY_WRITE, H(pd_res_pharmacies_create), NULL, 0, 0 },
    { PD_M_GET,    "/pharmacies/{id}",        PD_ACT_PHARMACY_READ,  H(pd_res_pharmacies_get), NULL, 0, 0 },
    { PD_M_PATCH,  "/pharmacies/{id}",        PD_ACT_PHARMACY_WRITE, H(pd_res_pharmacies_update), NULL, 0, 0 },
    { PD_M_DELETE, "/pharmacies/{id}",        PD_ACT_PHARMACY_WRITE, H(pd_res_pharmacies_delete), NULL, 0, 0 },

    { PD_M_GET,    "/users",                  PD_ACT_USER_READ,      H(pd_res_users_list), user_list, 0, 0 },
    { PD_M_POST,   "/users",                  PD_ACT_USER_WRITE,     H(pd_res_users_create), NULL, 0, 0 },
    { PD_M_GET,    "/users/{id}",             PD_ACT_USER_READ,      H(pd_res_users_get), NULL, 0, 0 },
    { PD_M_PATCH,  "/users/{id}",             PD_ACT_USER_WRITE,     H(pd_res_users_update), NULL, 0, 0 },
    { PD_M_DELETE, "/users/{id}",             PD_ACT_USER_WRITE,     H(pd_res_users_delete), NULL, 0, 0 },

    { PD_M_GET,    "/roles",                  PD_ACT_ROLE_READ,      H(pd_res_roles_list), NULL, 0, 0 },
    { PD_M_GET,    "/roles/{id}",             PD_ACT_ROLE_READ,      H(pd_res_roles_get), NULL, 0, 0 },

    { PD_M_GET,    "/audit",                  PD_ACT_AUDIT_READ,     H(pd_res_audit_list), audit_list, 0, 0 },

    { PD_M_GET,    "/sla-calendars",          PD_ACT_SLA_READ,       H(pd_res_sla_calendars_list), lookup_list, 0, 0 },
    { PD_M_POST,   "/sla-calendars",          PD_ACT_SLA_WRITE,      H(pd_res_sla_calendars_create), NULL, 0, 0 },
    { PD_M_GET,    "/sla-calendars/{id}",     PD_ACT_SLA_READ,       H(pd_res_sla_calendars_get), NULL, 0, 0 },
    { PD_M_PATCH,  "/sla-calendars/{id}",     PD_ACT_SLA_WRITE,      H(pd_res_sla_calendars_update), NULL, 0, 0 },
    { PD_M_DELETE, "/sla-calendars/{id}",     PD_ACT_SLA_WRITE,      H(pd_res_sla_calendars_delete), NULL, 0, 0 },
    { PD_M_GET,    "/sla-policies",           PD_ACT_SLA_READ,       H(pd_res_sla_policies_list), lookup_list, 0, 0 },
    { PD_M_POST,   "/sla-policies",           PD_ACT_SLA_WRITE,      H(pd_res_sla_policies_create), NULL, 0, 0 },
    { PD_M_GET,    "/sla-policies/{id}",      PD_ACT_SLA_READ,       H(pd_res_sla_policies_get), NULL, 0, 0 },
    { PD_M_PATCH,  "/sla-policies/{id}",      PD_ACT_SLA_WRITE,      H(pd_res_sla_policies_update), NULL, 0, 0 },
    { PD_M_DELETE, "/sla-policies/{id}",      PD_ACT_SLA_WRITE,      H(pd_res_sla_policies_delete), NULL, 0, 0 },
    { PD_M_POST,   "/sla-policies/{id}/recompute", PD_ACT_SLA_WRITE, H(pd_res_sla_policies_recompute), NULL, 0, 0 },
    { PD_M_GET,    "/sla-compliance",         PD_ACT_SLA_READ,       H(pd_res_sla_compliance), compliance_params, 0, 0 },

    /* webhook endpoints and their delivery logs (admins) */
    { PD_M_GET,    "/webhook-endpoints",      PD_ACT_WEBHOOKS,       H(pd_res_webhooks_list), page_only, 0, 0 },
    { PD_M_POST,   "/webhook-endpoints",      PD_ACT_WEBHOOKS,       H(pd_res_webhooks_create), NULL, 0, 0 },
    { PD_M_GET,    "/webhook-endpoints/{id}", PD_ACT_WEBHOOKS,       H(pd_res_webhooks_get), NULL, 0, 0 },
    { PD_M_PATCH,  "/webhook-endpoints/{id}", PD_ACT_WEBHOOKS,       H(pd_res_webhooks_update), NULL, 0, 0 },
    { PD_M_DELETE, "/webhook-endpoints/{id}", PD_ACT_WEBHOOKS,       H(pd_res_webhooks_delete), NULL, 0, 0 },
    { PD_M_POST,   "/webhook-endpoints/{id}/rotate-secret", PD_ACT_WEBHOOKS, H(pd_res_webhooks_rotate), NULL, 0, 0 },
    { PD_M_POST,   "/webhook-endpoints/{id}/ping", PD_ACT_WEBHOOKS,  H(pd_res_webhooks_ping), NULL, 0, 0 },
    { PD_M_GET,    "/webhook-endpoints/{id}/deliveries", PD_ACT_WEBHOOKS, H(pd_res_webhook_deliveries_list), webhook_delivery_list, 0, 0 },
    { PD_M_GET,    "/webhook-deliveries/{id}", PD_ACT_WEBHOOKS,      H(pd_res_webhook_deliveries_get), NULL, 0, 0 },
    { PD_M_POST,   "/webhook-deliveries/{id}/replay", PD_ACT_WEBHOOKS, H(pd_res_webhook_deliveries_replay), NULL, 0, 0 },
    /* imports (admins): a batch of another system's tickets, or its dry run;
     * the module counts the body itself (PD_IMPORT_MAX_BODY) */
    { PD_M_POST,   "/imports",                PD_ACT_IMPORT,         H(pd_res_imports_create), NULL, 0, 0 },

    /* lists for triage: the menu's counts, one change for several tickets,
     * saved views */
    { PD_M_GET,    "/tickets/counts",         PD_ACT_TICKET_LIST,    H(pd_res_ticket_counts), NULL, 0, 0 },
    { PD_M_POST,   "/tickets/bulk",           PD_ACT_TICKET_BULK,    H(pd_res_tickets_bulk), NULL, 0, 0 },
    { PD_M_GET,    "/views",                  PD_ACT_VIEWS,          H(pd_res_views_list), view_list, 0, 0 },
    { PD_M_POST,   "/views",                  PD_ACT_VIEWS,          H(pd_res_views_create), NULL, 0, 0 },
    { PD_M_PATCH,  "/views/{id}",             PD_ACT_VIEWS,          H(pd_res_views_update), NULL, 0, 0 },
    { PD_M_DELETE, "/views/{id}",             PD_ACT_VIEWS,          H(pd_res_views_delete), NULL, 0, 0 },

    /* the organisation: units in a tree, their contacts, the directory */
    { PD_M_GET,    "/org-units",              PD_ACT_ORG_UNIT_READ,  H(pd_res_org_units_list), org_unit_list, 0, 0 },
    { PD_M_POST,   "/org-units",              PD_ACT_ORG_UNIT_WRITE, H(pd_res_org_units_create), NULL, 0, 0 },
    { PD_M_GET,    "/org-units/{id}",         PD_ACT_ORG_UNIT_READ,  H(pd_res_org_units_get), NULL, 0, 0 },
    { PD_M_PATCH,  "/org-units/{id}",         PD_ACT_ORG_UNIT_WRITE, H(pd_res_org_units_update), NULL, 0, 0 },
    { PD_M_DELETE, "/org-units/{id}",         PD_ACT_ORG_UNIT_WRITE, H(pd_res_org_units_delete), NULL, 0, 0 },
    { PD_M_GET,    "/org-unit-contacts",      PD_ACT_ORG_UNIT_READ,  H(pd_res_org_contacts_list), org_contact_list, 0, 0 },
    { PD_M_POST,   "/org-unit-contacts",      PD_ACT_ORG_UNIT_WRITE, H(pd_res_org_contacts_create), NULL, 0, 0 },
    { PD_M_PATCH,  "/org-unit-contacts/{id}", PD_ACT_ORG_UNIT_WRITE, H(pd_res_org_contacts_update), NULL, 0, 0 },
    { PD_M_DELETE, "/org-unit-contacts/{id}", PD_ACT_ORG_UNIT_WRITE, H(pd_res_org_contacts_delete), NULL, 0, 0 },
    { PD_M_GET,    "/directory",              PD_ACT_DIRECTORY_READ, H(pd_res_directory_get), directory_params, 0, 0 },
    /* the front desk routes a case to a unit */
    { PD_M_POST,   "/tickets/{id}/route",     PD_ACT_TICKET_ROUTE,   H(pd_res_tickets_route), NULL, 0, 0 },
    /* the front desk: visitors and letters open cases; the operator acknowledges one */
    { PD_M_GET,    "/org-units/{id}/front-desk", PD_ACT_ORG_UNIT_READ, H(pd_res_front_desk_get), NULL, 0, 0 },
    { PD_M_PUT,    "/org-units/{id}/front-desk", PD_ACT_ORG_UNIT_WRITE, H(pd_res_front_desk_put), NULL, 0, 0 },
    { PD_M_POST,   "/visitors",               PD_ACT_FRONT_DESK_INTAKE, H(pd_res_visitors_create), NULL, 1, 0 },
    { PD_M_GET,    "/visitors",               PD_ACT_FRONT_DESK_READ, H(pd_res_visitors_list), visitor_list, 0, 0 },
    { PD_M_GET,    "/visitors/{id}",          PD_ACT_FRONT_DESK_READ, H(pd_res_visitors_get), NULL, 0, 0 },
    { PD_M_POST,   "/visitors/{id}/check-out", PD_ACT_FRONT_DESK_INTAKE, H(pd_res_visitors_check_out), NULL, 0, 0 },
    { PD_M_POST,   "/surat",                  PD_ACT_FRONT_DESK_INTAKE, H(pd_res_surat_create), NULL, 1, 0 },
    { PD_M_GET,    "/surat/{id}",             PD_ACT_FRONT_DESK_READ, H(pd_res_surat_get), NULL, 0, 0 },
    { PD_M_GET,    "/surat",                  PD_ACT_FRONT_DESK_READ, H(pd_res_surat_list), surat_list, 0, 0 },
    { PD_M_POST,   "/tickets/{id}/acknowledge", PD_ACT_TICKET_UPDATE, H(pd_res_tickets_acknowledge), NULL, 0, 0 },
    /* the QR self check-in: desk tokens (admins); the public form's route,
     * which needs no sign-in but a desk token (pd_authz_public) */
    { PD_M_GET,    "/desk-tokens",            PD_ACT_DESK_TOKENS,    H(pd_res_desk_tokens_list), NULL, 0, 0 },
    { PD_M_POST,   "/desk-tokens",            PD_ACT_DESK_TOKENS,    H(pd_res_desk_tokens_create), NULL, 0, 0 },
    { PD_M_GET,    "/desk-tokens/{id}",       PD_ACT_DESK_TOKENS,    H(pd_res_desk_tokens_get), NULL, 0, 0 },
    { PD_M_DELETE, "/desk-tokens/{id}",       PD_ACT_DESK_TOKENS,    H(pd_res_desk_tokens_revoke), NULL, 0, 0 },
    { PD_M_GET,    "/checkin",                PD_ACT_CHECKIN,        H(pd_res_checkin_get), checkin_params, 0, 0 },
    { PD_M_POST,   "/checkin",                PD_ACT_CHECKIN,        H(pd_res_checkin_create), NULL, 1, 0 },
    /* a PDF shown inline, in a tab of its own: the download's rules */
    { PD_M_GET,    "/attachments/{id}/view",  PD_ACT_TICKET_READ,    H(pd_res_attachments_view), NULL, 0, 0 },
};

const pd_route_t *pd_routes(apr_size_t *count)
{
    *count = sizeof(routes) / sizeof(routes[0]);
    return routes;
}
