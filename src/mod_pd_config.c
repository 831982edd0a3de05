#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "mod_pd.h"
#include "pd_ticketno.h"
#include "pd_sniff.h"
#include "pd_webhook.h"

/* The server configuration and the functions behind the directive table
 * (mod_pharmadesk.c): each checks its directive's value, refusing what it
 * cannot mean with a message that says what it takes. The defaults
 * (DEF_*, src/mod_pd.h) make defconf below. */

/* Every sniffed type but the unknown one. */
#define ALL_TYPES (((1u << PD_SNIFF__COUNT) - 1) & ~(1u << PD_SNIFF_UNKNOWN))

static const apr_array_header_t no_rules = { NULL, sizeof(pd_role_rule_t), 0, 0, NULL };
/* DEF_WEBHOOK_ALLOW_NETWORKS: public addresses alone */
static const apr_array_header_t no_networks = { NULL, sizeof(pd_webhook_net_t), 0, 0, NULL };

/* DEF_ID_TOKEN_CLAIMS as a list: OpenID Connect Core defines these claims
 * for ID tokens alone, and RFC 9068 access tokens carry neither. */
static const char *id_token_claims[] = { "nonce", "at_hash" };
static const apr_array_header_t default_id_claims = {
    NULL, sizeof(const char *), 2, 2, (char *)id_token_claims
};

/* The configuration of a server that sets nothing. */
static const pd_server_conf_t defconf = {
    .ticket_prefix = DEF_TICKET_PREFIX,
    .time_zone = DEF_TIME_ZONE,
    .api_base = DEF_API_BASE,
    .max_json_body = DEF_MAX_JSON_BODY,
    .retry_after = DEF_RETRY_AFTER,
    .claims = {
        .rules = &no_rules,
        .role_claim = DEF_ROLE_CLAIM,
        .pharmacy_claim = DEF_PHARMACY_CLAIM,
        .issuer = NULL,
        .audience = NULL,
        .delim = DEF_CLAIM_DELIMITER[0],
        .token_type = NULL,
        .token_claims = NULL,
        .id_claims = &default_id_claims,
    },
    .auto_close_days = DEF_AUTO_CLOSE_DAYS,
    .maintenance_interval = DEF_MAINTENANCE_INTERVAL,
    .attachment_max_size = DEF_ATTACHMENT_MAX_SIZE,
    .attachment_max_files = DEF_ATTACHMENT_MAX_FILES,
    .attachment_ticket_max = DEF_ATTACHMENT_TICKET_MAX,
    .attachment_types = ALL_TYPES,
    .dashboard_interval = DEF_DASHBOARD_INTERVAL,
    .notify_interval = DEF_NOTIFY_INTERVAL,
    .notify_max_attempts = DEF_NOTIFY_MAX_ATTEMPTS,
    .notify_batch = DEF_NOTIFY_BATCH,
    .notify_fanout_batch = DEF_NOTIFY_FANOUT_BATCH,
    .notify_lease = DEF_NOTIFY_LEASE,
    .notify_retry_delay = DEF_NOTIFY_RETRY_DELAY,
    .sla_interval = DEF_SLA_INTERVAL,
    .sla_batch = DEF_SLA_BATCH,
    .sla_at_risk_percent = DEF_SLA_AT_RISK_PERCENT,
    .mail_from = NULL,
    .mail_from_name = DEF_MAIL_FROM_NAME,
    .smtp_url = DEF_SMTP_URL,
    .smtp_starttls = PD_SMTP_TLS_OFF,          /* DEF_SMTP_STARTTLS */
    .smtp_user = NULL,
    .smtp_password = NULL,
    .smtp_timeout = DEF_SMTP_TIMEOUT,
    .portal_url = NULL,
    .whatsapp = {
        .api_url = DEF_WHATSAPP_API_URL,
        .api_version = DEF_WHATSAPP_API_VERSION,
        .template_name = DEF_WHATSAPP_TEMPLATE,
        .timeout = DEF_WHATSAPP_TIMEOUT,
        .max_body = DEF_WHATSAPP_MAX_BODY,
        .rate = DEF_WHATSAPP_RATE_LIMIT,
        .category = DEF_WHATSAPP_CATEGORY,
    },
    .webhook_timeout = DEF_WEBHOOK_TIMEOUT,
    .webhook_allow = &no_networks,
    .desk_token_secret = NULL,
    .checkin_window = DEF_CHECKIN_WINDOW,
    .checkin_client_limit = DEF_CHECKIN_CLIENT_LIMIT,
    .checkin_token_limit = DEF_CHECKIN_TOKEN_LIMIT,
};

/* Unset: NULL, 0 (types, delimiter, no role rules) or this. */
#define UNSET (-1)

void *pd_create_server_conf(apr_pool_t *p, server_rec *s)
{
    pd_server_conf_t *conf = apr_pcalloc(p, sizeof(*conf));
    conf->max_json_body = UNSET;
    conf->retry_after = UNSET;
    conf->auto_close_days = UNSET;
    conf->maintenance_interval = UNSET;
    conf->attachment_max_size = UNSET;
    conf->attachment_max_files = UNSET;
    conf->attachment_ticket_max = UNSET;
    conf->dashboard_interval = UNSET;
    conf->notify_interval = UNSET;
    conf->notify_max_attempts = UNSET;
    conf->notify_batch = UNSET;
    conf->notify_fanout_batch = UNSET;
    conf->notify_lease = UNSET;
    conf->notify_retry_delay = UNSET;
    conf->sla_interval = UNSET;
    conf->sla_batch = UNSET;
    conf->sla_at_risk_percent = UNSET;
    conf->smtp_starttls = UNSET;
    conf->smtp_timeout = UNSET;
    conf->whatsapp.timeout = UNSET;
    conf->whatsapp.max_body = UNSET;
    conf->whatsapp.rate = UNSET;
    conf->webhook_timeout = UNSET;
    conf->checkin_window = UNSET;
    conf->checkin_client_limit = UNSET;
    conf->checkin_token_limit = UNSET;
    conf->claims.rules = apr_array_make(p, 5, sizeof(pd_role_rule_t));
    return conf;
}

/* Every field's merge rule: add's value where it set one, else base's.
 * conf may be add itself. */
static void merge(pd_server_conf_t *conf, const pd_server_conf_t *base,
                  const pd_server_conf_t *add)
{
#define PICK(f) conf->f = add->f ? add->f : base->f
#define PICK_NUM(f) conf->f = add->f != UNSET ? add->f : base->f
    PICK(ticket_prefix);
    PICK(time_zone);
    PICK(api_base);
    PICK_NUM(max_json_body);
    PICK_NUM(retry_after);
    PICK_NUM(auto_close_days);
    PICK_NUM(maintenance_interval);
    PICK_NUM(attachment_max_size);
    PICK_NUM(attachment_max_files);
    PICK_NUM(attachment_ticket_max);
    PICK(attachment_types);
    PICK_NUM(dashboard_interval);
    PICK_NUM(notify_interval);
    PICK_NUM(notify_max_attempts);
    PICK_NUM(notify_batch);
    PICK_NUM(notify_fanout_batch);
    PICK_NUM(notify_lease);
    PICK_NUM(notify_retry_delay);
    PICK_NUM(sla_interval);
    PICK_NUM(sla_batch);
    PICK_NUM(sla_at_risk_percent);
    PICK(mail_from);
    PICK(mail_from_name);
    PICK(smtp_url);
    PICK_NUM(smtp_starttls);
    /* the user and the password go together: a virtual host naming its own
     * user takes no password from the server it inherits from */
    if (add->smtp_user || add->smtp_password) {
        conf->smtp_user = add->smtp_user;
        conf->smtp_password = add->smtp_password;
    }
    else {
        conf->smtp_user = base->smtp_user;
        conf->smtp_password = base->smtp_password;
    }
    PICK_NUM(smtp_timeout);
    PICK(portal_url);
    PICK(whatsapp.api_url);
    PICK(whatsapp.api_version);
    PICK(whatsapp.phone_number_id);
    PICK(whatsapp.token);
    PICK(whatsapp.app_secret);
    PICK(whatsapp.verify_token);
    PICK(whatsapp.template_name);
    PICK_NUM(whatsapp.timeout);
    PICK_NUM(whatsapp.max_body);
    PICK_NUM(whatsapp.rate);
    PICK(whatsapp.category);
    PICK(whatsapp.module);
    PICK_NUM(webhook_timeout);
    PICK(webhook_allow);
    PICK(desk_token_secret);
    PICK_NUM(checkin_window);
    PICK_NUM(checkin_client_limit);
    PICK_NUM(checkin_token_limit);
    /* a virtual host with role rules of its own replaces the inherited list:
     * mixing two orders would make "first rule wins" unreadable */
    conf->claims.rules = add->claims.rules->nelts ? add->claims.rules : base->claims.rules;
    PICK(claims.role_claim);
    PICK(claims.pharmacy_claim);
    PICK(claims.issuer);
    PICK(claims.audience);
    PICK(claims.delim);
    PICK(claims.token_type);
    PICK(claims.token_claims);
    PICK(claims.id_claims);
#undef PICK
#undef PICK_NUM
}

void *pd_merge_server_conf(apr_pool_t *p, void *basev, void *addv)
{
    pd_server_conf_t *conf = apr_pcalloc(p, sizeof(*conf));
    merge(conf, basev, addv);
    return conf;
}

/* The main server's configuration is never merged, so the defaults are
 * merged in after configuration, under every server's own. */
void pd_config_defaults(server_rec *s)
{
    for (; s; s = s->next) {
        pd_server_conf_t *conf = ap_get_module_config(s->module_config, &pharmadesk_module);
        merge(conf, &defconf, conf);
        /* role rules without token checks: single sign-on half configured */
        if (conf->claims.rules->nelts && (!conf->claims.issuer || !conf->claims.audience)) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                         "PharmadeskOIDCIssuer or PharmadeskOIDCAudience is not set for %s: "
                         "bearer tokens are refused", s->server_hostname ? s->server_hostname : "a server");
        }
    }
}

pd_server_conf_t *pd_config_of(cmd_parms *cmd)
{
    return ap_get_module_config(cmd->server->module_config, &pharmadesk_module);
}

const char *pd_set_ticket_prefix(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!pd_ticketno_prefix_valid(arg)) {
        return "PharmadeskTicketPrefix must be 1 to 10 characters of A-Z and 0-9";
    }
    pd_config_of(cmd)->ticket_prefix = arg;
    return NULL;
}

int pd_config_word_ok(const char *s, apr_size_t len, const char *punct)
{
    apr_size_t i;
    if (len == 0 || len > 64) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (!apr_isalnum(s[i]) && !strchr(punct, s[i])) {
            return 0;
        }
    }
    return 1;
}

const char *pd_set_time_zone(cmd_parms *cmd, void *dc, const char *arg)
{
    /* an IANA zone name; PostgreSQL checks that it exists */
    if (!pd_config_word_ok(arg, strlen(arg), "/_+-")) {
        return "PharmadeskTimeZone must be a time zone name such as Asia/Jakarta";
    }
    pd_config_of(cmd)->time_zone = arg;
    return NULL;
}

const char *pd_set_api_base(cmd_parms *cmd, void *dc, const char *arg)
{
    if (arg[0] != '/' || strlen(arg) > 64 || (strlen(arg) > 1 && arg[strlen(arg) - 1] == '/')) {
        return "PharmadeskApiBase must be a path such as /api, without a trailing slash";
    }
    pd_config_of(cmd)->api_base = arg;
    return NULL;
}

/* Byte-count directives, as the whole-number ones below. */
struct pd_size_directive_t {
    apr_size_t offset;         /* of an apr_off_t in pd_server_conf_t */
    apr_off_t min, max;
    const char *message;
};

const pd_size_directive_t pd_dir_max_json_body = {
    APR_OFFSETOF(pd_server_conf_t, max_json_body), 1024, 16 * 1024 * 1024,
    "PharmadeskMaxJsonBody must be a byte count from 1024 to 16777216"
};
const pd_size_directive_t pd_dir_attachment_max_size = {
    APR_OFFSETOF(pd_server_conf_t, attachment_max_size), 1, APR_INT64_C(1) << 30,
    "PharmadeskAttachmentMaxSize must be a byte count from 1 to 1073741824 (1 GiB)"
};
const pd_size_directive_t pd_dir_attachment_ticket_max = {
    APR_OFFSETOF(pd_server_conf_t, attachment_ticket_max), 1, APR_INT64_C(1) << 40,
    "PharmadeskAttachmentTicketMax must be a byte count from 1 to 1099511627776 (1 TiB)"
};

const pd_size_directive_t pd_dir_whatsapp_max_body = {
    APR_OFFSETOF(pd_server_conf_t, whatsapp.max_body), 1024, 16 * 1024 * 1024,
    "PharmadeskWhatsAppMaxBody must be a byte count from 1024 to 16777216"
};

const char *pd_set_size(cmd_parms *cmd, void *dc, const char *arg)
{
    const pd_size_directive_t *d = cmd->info;
    char *end;
    apr_off_t v;

    if (!apr_isdigit(*arg) || apr_strtoff(&v, arg, &end, 10) != APR_SUCCESS || *end
        || v < d->min || v > d->max) {
        return d->message;
    }
    *(apr_off_t *)((char *)pd_config_of(cmd) + d->offset) = v;
    return NULL;
}

/* Whole-number directives: where the value goes, its bounds, and the
 * message for anything else. */
struct pd_int_directive_t {
    apr_size_t offset;         /* of an int in pd_server_conf_t */
    long min, max;
    const char *message;
};

const pd_int_directive_t pd_dir_retry_after = {
    APR_OFFSETOF(pd_server_conf_t, retry_after), 1, 3600,
    "PharmadeskRetryAfter must be a number of seconds from 1 to 3600"
};
const pd_int_directive_t pd_dir_auto_close_days = {
    APR_OFFSETOF(pd_server_conf_t, auto_close_days), 0, 365,
    "PharmadeskAutoCloseDays must be a number of days from 0 (never) to 365"
};
const pd_int_directive_t pd_dir_maintenance_interval = {
    APR_OFFSETOF(pd_server_conf_t, maintenance_interval), 1, 86400,
    "PharmadeskMaintenanceInterval must be a number of seconds from 1 to 86400"
};
const pd_int_directive_t pd_dir_dashboard_interval = {
    APR_OFFSETOF(pd_server_conf_t, dashboard_interval), 1, 3600,
    "PharmadeskDashboardInterval must be a number of seconds from 1 to 3600"
};

const pd_int_directive_t pd_dir_notify_interval = {
    APR_OFFSETOF(pd_server_conf_t, notify_interval), 1, 3600,
    "PharmadeskNotifyInterval must be a number of seconds from 1 to 3600"
};
const pd_int_directive_t pd_dir_notify_max_attempts = {
    APR_OFFSETOF(pd_server_conf_t, notify_max_attempts), 1, 100,
    "PharmadeskNotifyMaxAttempts must be a number of attempts from 1 to 100"
};
const pd_int_directive_t pd_dir_notify_batch = {
    APR_OFFSETOF(pd_server_conf_t, notify_batch), 1, 1000,
    "PharmadeskNotifyBatch must be a number from 1 to 1000"
};
const pd_int_directive_t pd_dir_notify_fanout_batch = {
    APR_OFFSETOF(pd_server_conf_t, notify_fanout_batch), 1, 5000,
    "PharmadeskNotifyFanoutBatch must be a number from 1 to 5000"
};
const pd_int_directive_t pd_dir_notify_lease = {
    APR_OFFSETOF(pd_server_conf_t, notify_lease), 10, 86400,
    "PharmadeskNotifyLease must be a number of seconds from 10 to 86400"
};
const pd_int_directive_t pd_dir_notify_retry_delay = {
    APR_OFFSETOF(pd_server_conf_t, notify_retry_delay), 1, 86400,
    "PharmadeskNotifyRetryDelay must be a number of seconds from 1 to 86400"
};
const pd_int_directive_t pd_dir_sla_interval = {
    APR_OFFSETOF(pd_server_conf_t, sla_interval), 1, 3600,
    "PharmadeskSlaInterval must be a number of seconds from 1 to 3600"
};
const pd_int_directive_t pd_dir_sla_batch = {
    APR_OFFSETOF(pd_server_conf_t, sla_batch), 1, 10000,
    "PharmadeskSlaBatch must be a number from 1 to 10000"
};
const pd_int_directive_t pd_dir_sla_at_risk_percent = {
    APR_OFFSETOF(pd_server_conf_t, sla_at_risk_percent), 1, 99,
    "PharmadeskSlaAtRiskPercent must be a percentage from 1 to 99"
};
const pd_int_directive_t pd_dir_smtp_timeout = {
    APR_OFFSETOF(pd_server_conf_t, smtp_timeout), 1, 600,
    "PharmadeskSmtpTimeout must be a number of seconds from 1 to 600"
};

const pd_int_directive_t pd_dir_whatsapp_timeout = {
    APR_OFFSETOF(pd_server_conf_t, whatsapp.timeout), 1, 600,
    "PharmadeskWhatsAppTimeout must be a number of seconds from 1 to 600"
};
const pd_int_directive_t pd_dir_whatsapp_rate_limit = {
    APR_OFFSETOF(pd_server_conf_t, whatsapp.rate), 1, 1000000,
    "PharmadeskWhatsAppRateLimit must be a number of requests from 1 to 1000000"
};

const pd_int_directive_t pd_dir_webhook_timeout = {
    APR_OFFSETOF(pd_server_conf_t, webhook_timeout), 1, 60,
    "PharmadeskWebhookTimeout must be a number of seconds from 1 to 60"
};

/* the QR self check-in's rate limits: a window of a minute to a day (the
 * background chores forget windows older than a day) */
const pd_int_directive_t pd_dir_checkin_window = {
    APR_OFFSETOF(pd_server_conf_t, checkin_window), 60, 86400,
    "PharmadeskCheckinWindow must be a number of seconds from 60 to 86400"
};
const pd_int_directive_t pd_dir_checkin_client_limit = {
    APR_OFFSETOF(pd_server_conf_t, checkin_client_limit), 1, 1000000,
    "PharmadeskCheckinClientLimit must be a number of requests from 1 to 1000000"
};
const pd_int_directive_t pd_dir_checkin_token_limit = {
    APR_OFFSETOF(pd_server_conf_t, checkin_token_limit), 1, 1000000,
    "PharmadeskCheckinTokenLimit must be a number of check-ins from 1 to 1000000"
};

/* The desk tokens' signing secret: at least 32 characters, so that it is
 * not a word someone could guess. */
const char *pd_set_desk_token_secret_file(cmd_parms *cmd, void *dc, const char *arg)
{
    pd_server_conf_t *conf = ap_get_module_config(cmd->server->module_config, &pharmadesk_module);
    const char *err = pd_config_secret_file(cmd, arg, "secret", 4096, &conf->desk_token_secret);

    if (!err && strlen(conf->desk_token_secret) < 32) {
        conf->desk_token_secret = NULL;
        return "PharmadeskDeskTokenSecretFile: the secret must be at least 32 characters "
               "(e.g. from: openssl rand -base64 32)";
    }
    return err;
}

const pd_int_directive_t pd_dir_attachment_max_files = {
    APR_OFFSETOF(pd_server_conf_t, attachment_max_files), 1, 100,
    "PharmadeskAttachmentMaxFiles must be a number of files from 1 to 100"
};

const char *pd_set_int(cmd_parms *cmd, void *dc, const char *arg)
{
    const pd_int_directive_t *d = cmd->info;
    char *end;
    long v = strtol(arg, &end, 10);

    if (end == arg || *end || v < d->min || v > d->max) {
        return d->message;
    }
    *(int *)((char *)pd_config_of(cmd) + d->offset) = (int)v;
    return NULL;
}

/* The attachment types by the names the directive takes. */
static const struct { const char *name; pd_sniff_e type; } type_names[] = {
    { "png", PD_SNIFF_PNG }, { "jpeg", PD_SNIFF_JPEG }, { "gif", PD_SNIFF_GIF },
    { "webp", PD_SNIFF_WEBP }, { "pdf", PD_SNIFF_PDF }, { "zip", PD_SNIFF_ZIP },
    { "text", PD_SNIFF_TEXT }, { "csv", PD_SNIFF_CSV },
};

const char *pd_set_attachment_type(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_size_t i;
    for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
        if (strcasecmp(arg, type_names[i].name) == 0) {
            pd_config_of(cmd)->attachment_types |= 1u << type_names[i].type;
            return NULL;
        }
    }
    return "PharmadeskAttachmentTypes takes png, jpeg, gif, webp, pdf, zip, text and csv";
}

const char *pd_set_delimiter(cmd_parms *cmd, void *dc, const char *arg)
{
    if (strlen(arg) != 1 || apr_isalnum(*arg) || apr_isspace(*arg)) {
        return "PharmadeskClaimDelimiter must be one punctuation character, as OIDCClaimDelimiter";
    }
    pd_config_of(cmd)->claims.delim = *arg;
    return NULL;
}

/* Networks (CIDR) webhooks may reach besides public addresses, or "none"
 * alone: the special-purpose ranges (loopback, private, link-local...)
 * are refused unless listed here. */
const char *pd_set_webhook_allow(cmd_parms *cmd, void *dc, int argc, char *const argv[])
{
    apr_array_header_t *nets = apr_array_make(cmd->pool, argc, sizeof(pd_webhook_net_t));
    int i;

    if (argc == 1 && strcmp(argv[0], "none") == 0) {
        pd_config_of(cmd)->webhook_allow = nets;
        return NULL;
    }
    if (argc == 0) {
        return "PharmadeskWebhookAllowNetworks takes networks such as 10.1.2.0/24 or fd00::/8, "
               "or none";
    }
    for (i = 0; i < argc; i++) {
        if (pd_webhook_net_parse(argv[i], apr_array_push(nets)) != APR_SUCCESS) {
            return apr_psprintf(cmd->pool, "PharmadeskWebhookAllowNetworks: %s is not a network "
                                "such as 10.1.2.0/24, fd00::/8 or 127.0.0.1 (with no bits set past "
                                "its prefix); none stands alone", argv[i]);
        }
    }
    pd_config_of(cmd)->webhook_allow = nets;
    return NULL;
}
