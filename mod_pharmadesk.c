/* mod_pharmadesk: a helpdesk inside Apache httpd.
 * The module record, the directive table, and the registration of hooks,
 * each subsystem registering its own. The directives' checks and defaults
 * are in src/mod_pd_config.c (DEF_* in src/mod_pd.h), the work in src/
 * (pd_*.c: the httpd-free core; mod_pd_*.c: the glue). */
#include "src/mod_pd.h"

/* The directives, each with its help (apache2 -L), which ends with the
 * default. */
static const command_rec directives[] = {
    AP_INIT_TAKE1("PharmadeskTicketPrefix", pd_set_ticket_prefix, NULL, RSRC_CONF,
                  PD_HELP("Prefix of ticket numbers, as PD in PD-2026-000042",
                          DEF_TICKET_PREFIX)),
    AP_INIT_TAKE1("PharmadeskTimeZone", pd_set_time_zone, NULL, RSRC_CONF,
                  PD_HELP("Time zone of ticket-number years and date filters", DEF_TIME_ZONE)),
    AP_INIT_TAKE1("PharmadeskApiBase", pd_set_api_base, NULL, RSRC_CONF,
                  PD_HELP("URL path the API is served under", DEF_API_BASE)),
    AP_INIT_TAKE1("PharmadeskMaxJsonBody", pd_set_size, (void *)&pd_dir_max_json_body,
                  RSRC_CONF, PD_HELP("Largest JSON request body in bytes",
                                     PD_STR(DEF_MAX_JSON_BODY))),
    AP_INIT_TAKE1("PharmadeskRetryAfter", pd_set_int, (void *)&pd_dir_retry_after, RSRC_CONF,
                  PD_HELP("Retry-After seconds sent when the database is unavailable",
                          PD_STR(DEF_RETRY_AFTER))),
    AP_INIT_TAKE1("PharmadeskAutoCloseDays", pd_set_int, (void *)&pd_dir_auto_close_days,
                  RSRC_CONF, PD_HELP("Days after which an unanswered solved ticket closes, 0 "
                                     "for never", PD_STR(DEF_AUTO_CLOSE_DAYS))),
    AP_INIT_TAKE1("PharmadeskMaintenanceInterval", pd_set_int,
                  (void *)&pd_dir_maintenance_interval, RSRC_CONF,
                  PD_HELP("Seconds between runs of the maintenance work",
                          PD_STR(DEF_MAINTENANCE_INTERVAL))),
    AP_INIT_TAKE1("PharmadeskAttachmentMaxSize", pd_set_size,
                  (void *)&pd_dir_attachment_max_size, RSRC_CONF,
                  PD_HELP("Largest attachment in bytes", PD_STR(DEF_ATTACHMENT_MAX_SIZE))),
    AP_INIT_TAKE1("PharmadeskAttachmentMaxFiles", pd_set_int,
                  (void *)&pd_dir_attachment_max_files, RSRC_CONF,
                  PD_HELP("Most files in one upload request",
                          PD_STR(DEF_ATTACHMENT_MAX_FILES))),
    AP_INIT_TAKE1("PharmadeskAttachmentTicketMax", pd_set_size,
                  (void *)&pd_dir_attachment_ticket_max, RSRC_CONF,
                  PD_HELP("Most bytes of attachments on one ticket",
                          PD_STR(DEF_ATTACHMENT_TICKET_MAX))),
    AP_INIT_ITERATE("PharmadeskAttachmentTypes", pd_set_attachment_type, NULL, RSRC_CONF,
                    PD_HELP("The attachment types accepted, by content sniffing",
                            DEF_ATTACHMENT_TYPES)),
    AP_INIT_TAKE1("PharmadeskDashboardInterval", pd_set_int,
                  (void *)&pd_dir_dashboard_interval, RSRC_CONF,
                  PD_HELP("Seconds between moves of the dashboard's pending changes into its "
                          "counts", PD_STR(DEF_DASHBOARD_INTERVAL))),
    AP_INIT_TAKE1("PharmadeskNotifyInterval", pd_set_int, (void *)&pd_dir_notify_interval,
                  RSRC_CONF, PD_HELP("Seconds between runs of the notification work, which "
                                     "goes on while there is work", PD_STR(DEF_NOTIFY_INTERVAL))),
    AP_INIT_TAKE1("PharmadeskNotifyMaxAttempts", pd_set_int,
                  (void *)&pd_dir_notify_max_attempts, RSRC_CONF,
                  PD_HELP("Attempts of a notification's delivery before it is dead",
                          PD_STR(DEF_NOTIFY_MAX_ATTEMPTS))),
    AP_INIT_TAKE1("PharmadeskNotifyBatch", pd_set_int, (void *)&pd_dir_notify_batch, RSRC_CONF,
                  PD_HELP("Notification deliveries a sender claims at a time",
                          PD_STR(DEF_NOTIFY_BATCH))),
    AP_INIT_TAKE1("PharmadeskNotifyFanoutBatch", pd_set_int, (void *)&pd_dir_notify_fanout_batch,
                  RSRC_CONF, PD_HELP("Notification events fanned out in one transaction",
                                     PD_STR(DEF_NOTIFY_FANOUT_BATCH))),
    AP_INIT_TAKE1("PharmadeskNotifyLease", pd_set_int, (void *)&pd_dir_notify_lease, RSRC_CONF,
                  PD_HELP("Seconds a claimed delivery is held by its sender before another "
                          "may take it over", PD_STR(DEF_NOTIFY_LEASE))),
    AP_INIT_TAKE1("PharmadeskNotifyRetryDelay", pd_set_int, (void *)&pd_dir_notify_retry_delay,
                  RSRC_CONF, PD_HELP("Seconds before a failed delivery's first retry, doubling "
                                     "with each attempt", PD_STR(DEF_NOTIFY_RETRY_DELAY))),
    AP_INIT_TAKE1("PharmadeskSlaInterval", pd_set_int, (void *)&pd_dir_sla_interval, RSRC_CONF,
                  PD_HELP("Seconds between runs of the service level sweep, which goes on "
                          "while there is work", PD_STR(DEF_SLA_INTERVAL))),
    AP_INIT_TAKE1("PharmadeskSlaBatch", pd_set_int, (void *)&pd_dir_sla_batch, RSRC_CONF,
                  PD_HELP("Tickets the service level sweep takes in one transaction",
                          PD_STR(DEF_SLA_BATCH))),
    AP_INIT_TAKE1("PharmadeskSlaAtRiskPercent", pd_set_int, (void *)&pd_dir_sla_at_risk_percent,
                  RSRC_CONF, PD_HELP("The share of a target's time used at which a new SLA "
                                     "policy that names none calls it at risk",
                                     PD_STR(DEF_SLA_AT_RISK_PERCENT))),
    AP_INIT_TAKE1("PharmadeskOIDCIssuer", pd_set_issuer, NULL, RSRC_CONF,
                  PD_HELP("The issuer (iss) every ID and access token must name", "none")),
    AP_INIT_TAKE1("PharmadeskOIDCAudience", pd_set_audience, NULL, RSRC_CONF,
                  PD_HELP("The audience (aud) every access token must include", "none")),
    AP_INIT_TAKE1("PharmadeskOIDCAccessTokenType", pd_set_token_type, NULL, RSRC_CONF,
                  PD_HELP("The typ every access token's JOSE header must carry, as at+jwt",
                          "none")),
    AP_INIT_RAW_ARGS("PharmadeskOIDCAccessTokenClaims", pd_set_token_claims, NULL, RSRC_CONF,
                     PD_HELP("Claims every access token must carry, as name or name=value",
                             "none")),
    AP_INIT_RAW_ARGS("PharmadeskOIDCIDTokenClaims", pd_set_id_claims, NULL, RSRC_CONF,
                     PD_HELP("Claims that mark an ID token, refused as a bearer token; none "
                             "for no such rule", DEF_ID_TOKEN_CLAIMS)),
    AP_INIT_TAKE1("PharmadeskRoleClaim", pd_set_role_claim, NULL, RSRC_CONF,
                  PD_HELP("The claim whose values map to roles", DEF_ROLE_CLAIM)),
    AP_INIT_TAKE1("PharmadeskPharmacyClaim", pd_set_pharmacy_claim, NULL, RSRC_CONF,
                  PD_HELP("The claim naming a customer's pharmacy code", DEF_PHARMACY_CLAIM)),
    AP_INIT_TAKE2("PharmadeskRoleMap", pd_set_role_map, NULL, RSRC_CONF,
                  PD_HELP("A role-claim value and the role it grants; the first matching "
                          "line wins", "none")),
    AP_INIT_TAKE1("PharmadeskClaimDelimiter", pd_set_delimiter, NULL, RSRC_CONF,
                  PD_HELP("The separator of multi-valued claims, as OIDCClaimDelimiter",
                          DEF_CLAIM_DELIMITER)),
    AP_INIT_TAKE1("PharmadeskMailFrom", pd_set_mail_from, NULL, RSRC_CONF,
                  PD_HELP("The address e-mail is sent from; without it no e-mail is sent",
                          "none")),
    AP_INIT_TAKE1("PharmadeskMailFromName", pd_set_mail_from_name, NULL, RSRC_CONF,
                  PD_HELP("The sender's name that e-mail shows", DEF_MAIL_FROM_NAME)),
    AP_INIT_TAKE1("PharmadeskSmtpUrl", pd_set_smtp_url, NULL, RSRC_CONF,
                  PD_HELP("The SMTP server e-mail goes to, as smtp://host:port or "
                          "smtps://host:port", DEF_SMTP_URL)),
    AP_INIT_TAKE1("PharmadeskSmtpStartTLS", pd_set_smtp_starttls, NULL, RSRC_CONF,
                  PD_HELP("STARTTLS on smtp://: off, try or required", DEF_SMTP_STARTTLS)),
    AP_INIT_TAKE1("PharmadeskSmtpUser", pd_set_smtp_user, NULL, RSRC_CONF,
                  PD_HELP("The user to authenticate to the SMTP server as", "none")),
    AP_INIT_TAKE1("PharmadeskSmtpPasswordFile", pd_set_smtp_password_file, NULL, RSRC_CONF,
                  PD_HELP("A file readable by root alone whose first line is the SMTP "
                          "password, read at start", "none")),
    AP_INIT_TAKE1("PharmadeskSmtpTimeout", pd_set_int, (void *)&pd_dir_smtp_timeout, RSRC_CONF,
                  PD_HELP("Seconds the sending of one e-mail may take",
                          PD_STR(DEF_SMTP_TIMEOUT))),
    AP_INIT_TAKE1("PharmadeskPortalUrl", pd_set_portal_url, NULL, RSRC_CONF,
                  PD_HELP("The portal's absolute URL, which notifications link to", "none")),
    /* WhatsApp (the WhatsApp Business Cloud API) */
    AP_INIT_TAKE1("PharmadeskWhatsAppApiUrl", pd_set_whatsapp_api_url, NULL, RSRC_CONF,
                  PD_HELP("The WhatsApp Business Cloud API's base URL", DEF_WHATSAPP_API_URL)),
    AP_INIT_TAKE1("PharmadeskWhatsAppApiVersion", pd_set_whatsapp_api_version, NULL, RSRC_CONF,
                  PD_HELP("The Graph API version the calls name", DEF_WHATSAPP_API_VERSION)),
    AP_INIT_TAKE1("PharmadeskWhatsAppPhoneNumberId", pd_set_whatsapp_phone_number_id, NULL,
                  RSRC_CONF, PD_HELP("The id at Meta of the WhatsApp number messages are sent "
                                     "from; without it no WhatsApp message is sent", "none")),
    AP_INIT_TAKE1("PharmadeskWhatsAppTokenFile", pd_set_whatsapp_token_file, NULL, RSRC_CONF,
                  PD_HELP("A file readable by root alone whose first line is the API's access "
                          "token, read at start", "none")),
    AP_INIT_TAKE1("PharmadeskWhatsAppAppSecretFile", pd_set_whatsapp_app_secret_file, NULL,
                  RSRC_CONF, PD_HELP("A file readable by root alone whose first line is the Meta "
                                     "app's secret, which signs the webhook's requests; without "
                                     "it the webhook takes nothing", "none")),
    AP_INIT_TAKE1("PharmadeskWhatsAppVerifyTokenFile", pd_set_whatsapp_verify_token_file, NULL,
                  RSRC_CONF, PD_HELP("A file readable by root alone whose first line is the "
                                     "webhook's verify token", "none")),
    AP_INIT_TAKE1("PharmadeskWhatsAppTemplate", pd_set_whatsapp_template, NULL, RSRC_CONF,
                  PD_HELP("The approved message template notifications are sent with",
                          DEF_WHATSAPP_TEMPLATE)),
    AP_INIT_TAKE1("PharmadeskWhatsAppTimeout", pd_set_int, (void *)&pd_dir_whatsapp_timeout,
                  RSRC_CONF, PD_HELP("Seconds one call of the WhatsApp API may take",
                                     PD_STR(DEF_WHATSAPP_TIMEOUT))),
    AP_INIT_TAKE1("PharmadeskWhatsAppMaxBody", pd_set_size, (void *)&pd_dir_whatsapp_max_body,
                  RSRC_CONF, PD_HELP("Largest request body the WhatsApp webhook takes, in bytes",
                                     PD_STR(DEF_WHATSAPP_MAX_BODY))),
    AP_INIT_TAKE1("PharmadeskWhatsAppRateLimit", pd_set_int, (void *)&pd_dir_whatsapp_rate_limit,
                  RSRC_CONF, PD_HELP("Requests per minute the WhatsApp webhook takes from one "
                                     "client address", PD_STR(DEF_WHATSAPP_RATE_LIMIT))),
    AP_INIT_TAKE1("PharmadeskWhatsAppCategory", pd_set_whatsapp_category, NULL, RSRC_CONF,
                  PD_HELP("The category of a ticket opened by a WhatsApp message",
                          DEF_WHATSAPP_CATEGORY)),
    AP_INIT_TAKE1("PharmadeskWhatsAppModule", pd_set_whatsapp_module, NULL, RSRC_CONF,
                  PD_HELP("The module of a ticket opened by a WhatsApp message; none for the "
                          "first active one", "none")),
    /* the QR self check-in */
    AP_INIT_TAKE1("PharmadeskDeskTokenSecretFile", pd_set_desk_token_secret_file, NULL, RSRC_CONF,
                  PD_HELP("A file readable by root alone whose first line (32 characters or "
                          "more) signs desk tokens, read at start; without it the QR self "
                          "check-in is off", "none")),
    AP_INIT_TAKE1("PharmadeskCheckinWindow", pd_set_int, (void *)&pd_dir_checkin_window,
                  RSRC_CONF, PD_HELP("Seconds of the QR self check-in's rate-limit window",
                                     PD_STR(DEF_CHECKIN_WINDOW))),
    AP_INIT_TAKE1("PharmadeskCheckinClientLimit", pd_set_int, (void *)&pd_dir_checkin_client_limit,
                  RSRC_CONF, PD_HELP("Requests to the QR self check-in per client address and "
                                     "window", PD_STR(DEF_CHECKIN_CLIENT_LIMIT))),
    AP_INIT_TAKE1("PharmadeskCheckinTokenLimit", pd_set_int, (void *)&pd_dir_checkin_token_limit,
                  RSRC_CONF, PD_HELP("Check-ins per desk token and window",
                                     PD_STR(DEF_CHECKIN_TOKEN_LIMIT))),
    /* webhooks */
    AP_INIT_TAKE1("PharmadeskWebhookTimeout", pd_set_int, (void *)&pd_dir_webhook_timeout,
                  RSRC_CONF, PD_HELP("Seconds one webhook request may take",
                                     PD_STR(DEF_WEBHOOK_TIMEOUT))),
    AP_INIT_TAKE_ARGV("PharmadeskWebhookAllowNetworks", pd_set_webhook_allow, NULL, RSRC_CONF,
                      PD_HELP("Networks (CIDR) webhooks may reach besides public addresses: "
                              "loopback, private, link-local and other special ranges are "
                              "refused otherwise", DEF_WEBHOOK_ALLOW_NETWORKS)),
    { NULL }
};

static void register_hooks(apr_pool_t *p)
{
    pd_handler_register(p);        /* defaults, libcrypto, mod_dbd, the API handler */
    pd_names_register(p);          /* the name cache of each child */
    pd_maintenance_register(p);    /* the background jobs (mod_watchdog) */
    pd_smtp_register(p);           /* libcurl, the e-mail configuration's checks */
    pd_whatsapp_register(p);       /* WhatsApp's checks and its webhook */
    pd_health_register(p);         /* the load balancer's health check */
    pd_metrics_register(p);        /* counters, /metrics, server-status */
}

module AP_MODULE_DECLARE_DATA pharmadesk_module = {
    STANDARD20_MODULE_STUFF,
    NULL,                      /* per-directory config */
    NULL,                      /* merge per-directory */
    pd_create_server_conf,
    pd_merge_server_conf,
    directives,
    register_hooks,
    AP_MODULE_FLAG_NONE
};
