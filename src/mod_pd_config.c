#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "mod_pd.h"
#include "pd_ticketno.h"
#include "pd_sniff.h"

#define UNSET_OFF ((apr_off_t)-1)

void *pd_create_server_conf(apr_pool_t *p, server_rec *s)
{
    pd_server_conf_t *conf = apr_pcalloc(p, sizeof(*conf));
    conf->max_json_body = UNSET_OFF;
    conf->retry_after = -1;
    conf->auto_close_days = -1;
    conf->maintenance_interval = -1;
    conf->attachment_max_size = UNSET_OFF;
    conf->attachment_max_files = -1;
    conf->attachment_ticket_max = UNSET_OFF;
    conf->dashboard_interval = -1;
    conf->claims.rules = apr_array_make(p, 5, sizeof(pd_role_rule_t));
    return conf;
}

/* Every field has a merge rule here and a default in pd_config_defaults. */
void *pd_merge_server_conf(apr_pool_t *p, void *basev, void *addv)
{
    const pd_server_conf_t *base = basev, *add = addv;
    pd_server_conf_t *conf = apr_pcalloc(p, sizeof(*conf));

    conf->ticket_prefix = add->ticket_prefix ? add->ticket_prefix : base->ticket_prefix;
    conf->time_zone = add->time_zone ? add->time_zone : base->time_zone;
    conf->api_base = add->api_base ? add->api_base : base->api_base;
    conf->max_json_body = add->max_json_body != UNSET_OFF ? add->max_json_body
                                                          : base->max_json_body;
    conf->retry_after = add->retry_after >= 0 ? add->retry_after : base->retry_after;
    conf->auto_close_days = add->auto_close_days >= 0 ? add->auto_close_days
                                                      : base->auto_close_days;
    conf->maintenance_interval = add->maintenance_interval >= 0 ? add->maintenance_interval
                                                                : base->maintenance_interval;
    conf->attachment_max_size = add->attachment_max_size != UNSET_OFF
                                ? add->attachment_max_size : base->attachment_max_size;
    conf->attachment_max_files = add->attachment_max_files >= 0 ? add->attachment_max_files
                                                                : base->attachment_max_files;
    conf->attachment_ticket_max = add->attachment_ticket_max != UNSET_OFF
                                  ? add->attachment_ticket_max : base->attachment_ticket_max;
    conf->attachment_types = add->attachment_types ? add->attachment_types
                                                   : base->attachment_types;
    conf->dashboard_interval = add->dashboard_interval >= 0 ? add->dashboard_interval
                                                            : base->dashboard_interval;
    /* a virtual host with role rules of its own replaces the inherited list:
     * mixing two orders would make "first rule wins" unreadable */
    conf->claims.rules = add->claims.rules->nelts ? add->claims.rules : base->claims.rules;
#define PICK(f) conf->claims.f = add->claims.f ? add->claims.f : base->claims.f
    PICK(role_claim);
    PICK(pharmacy_claim);
    PICK(issuer);
    PICK(audience);
    PICK(delim);
    PICK(token_type);
    PICK(token_claims);
    PICK(id_claims);
#undef PICK
    return conf;
}

/* The main server's configuration is never merged, so the defaults are
 * filled in after configuration, for every server. */
void pd_config_defaults(server_rec *s)
{
    for (; s; s = s->next) {
        pd_server_conf_t *conf = ap_get_module_config(s->module_config, &pharmadesk_module);
        if (!conf->ticket_prefix) conf->ticket_prefix = "PD";
        if (!conf->time_zone) conf->time_zone = "Asia/Jakarta";
        if (!conf->api_base) conf->api_base = "/api";
        if (conf->max_json_body == UNSET_OFF) conf->max_json_body = 65536;
        if (conf->retry_after < 0) conf->retry_after = 5;
        if (conf->auto_close_days < 0) conf->auto_close_days = 7;
        if (conf->maintenance_interval < 0) conf->maintenance_interval = 300;
        if (conf->attachment_max_size == UNSET_OFF) conf->attachment_max_size = 10 * 1024 * 1024;
        if (conf->attachment_max_files < 0) conf->attachment_max_files = 10;
        if (conf->attachment_ticket_max == UNSET_OFF) {
            conf->attachment_ticket_max = 100 * 1024 * 1024;
        }
        if (!conf->attachment_types) {
            int t;
            for (t = PD_SNIFF_UNKNOWN + 1; t < PD_SNIFF__COUNT; t++) {
                conf->attachment_types |= 1u << t;
            }
        }
        if (conf->dashboard_interval < 0) conf->dashboard_interval = 2;
        if (!conf->claims.role_claim) conf->claims.role_claim = "groups";
        if (!conf->claims.pharmacy_claim) conf->claims.pharmacy_claim = "pharmacy";
        if (!conf->claims.delim) conf->claims.delim = ',';
        /* role rules without token checks: single sign-on half configured */
        if (conf->claims.rules->nelts && (!conf->claims.issuer || !conf->claims.audience)) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                         "PharmadeskOIDCIssuer or PharmadeskOIDCAudience is not set for %s: "
                         "bearer tokens are refused", s->server_hostname ? s->server_hostname : "a server");
        }
    }
}

static pd_server_conf_t *conf_of(cmd_parms *cmd)
{
    return ap_get_module_config(cmd->server->module_config, &pharmadesk_module);
}

static const char *set_prefix(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!pd_ticketno_prefix_valid(arg)) {
        return "PharmadeskTicketPrefix must be 1 to 10 characters of A-Z and 0-9";
    }
    conf_of(cmd)->ticket_prefix = arg;
    return NULL;
}

/* A word of 1 to 64 letters, digits and the characters in punct. */
static int word_ok(const char *s, apr_size_t len, const char *punct)
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

static const char *set_time_zone(cmd_parms *cmd, void *dc, const char *arg)
{
    /* an IANA zone name; PostgreSQL checks that it exists */
    if (!word_ok(arg, strlen(arg), "/_+-")) {
        return "PharmadeskTimeZone must be a time zone name such as Asia/Jakarta";
    }
    conf_of(cmd)->time_zone = arg;
    return NULL;
}

static const char *set_api_base(cmd_parms *cmd, void *dc, const char *arg)
{
    if (arg[0] != '/' || strlen(arg) > 64 || (strlen(arg) > 1 && arg[strlen(arg) - 1] == '/')) {
        return "PharmadeskApiBase must be a path such as /api, without a trailing slash";
    }
    conf_of(cmd)->api_base = arg;
    return NULL;
}

/* Byte-count directives, as the whole-number ones below. */
typedef struct size_directive_t {
    apr_size_t offset;         /* of an apr_off_t in pd_server_conf_t */
    apr_off_t min, max;
    const char *message;
} size_directive_t;

static const size_directive_t max_json_body = {
    APR_OFFSETOF(pd_server_conf_t, max_json_body), 1024, 16 * 1024 * 1024,
    "PharmadeskMaxJsonBody must be a byte count from 1024 to 16777216"
};
static const size_directive_t attachment_max_size = {
    APR_OFFSETOF(pd_server_conf_t, attachment_max_size), 1, APR_INT64_C(1) << 30,
    "PharmadeskAttachmentMaxSize must be a byte count from 1 to 1073741824 (1 GiB)"
};
static const size_directive_t attachment_ticket_max = {
    APR_OFFSETOF(pd_server_conf_t, attachment_ticket_max), 1, APR_INT64_C(1) << 40,
    "PharmadeskAttachmentTicketMax must be a byte count from 1 to 1099511627776 (1 TiB)"
};

static const char *set_size(cmd_parms *cmd, void *dc, const char *arg)
{
    const size_directive_t *d = cmd->info;
    char *end;
    apr_off_t v;

    if (!apr_isdigit(*arg) || apr_strtoff(&v, arg, &end, 10) != APR_SUCCESS || *end
        || v < d->min || v > d->max) {
        return d->message;
    }
    *(apr_off_t *)((char *)conf_of(cmd) + d->offset) = v;
    return NULL;
}

/* Whole-number directives: where the value goes, its bounds, and the
 * message for anything else. */
typedef struct int_directive_t {
    apr_size_t offset;         /* of an int in pd_server_conf_t */
    long min, max;
    const char *message;
} int_directive_t;

static const int_directive_t retry_after = {
    APR_OFFSETOF(pd_server_conf_t, retry_after), 1, 3600,
    "PharmadeskRetryAfter must be a number of seconds from 1 to 3600"
};
static const int_directive_t auto_close_days = {
    APR_OFFSETOF(pd_server_conf_t, auto_close_days), 0, 365,
    "PharmadeskAutoCloseDays must be a number of days from 0 (never) to 365"
};
static const int_directive_t maintenance_interval = {
    APR_OFFSETOF(pd_server_conf_t, maintenance_interval), 1, 86400,
    "PharmadeskMaintenanceInterval must be a number of seconds from 1 to 86400"
};
static const int_directive_t dashboard_interval = {
    APR_OFFSETOF(pd_server_conf_t, dashboard_interval), 1, 3600,
    "PharmadeskDashboardInterval must be a number of seconds from 1 to 3600"
};

static const int_directive_t attachment_max_files = {
    APR_OFFSETOF(pd_server_conf_t, attachment_max_files), 1, 100,
    "PharmadeskAttachmentMaxFiles must be a number of files from 1 to 100"
};

static const char *set_int(cmd_parms *cmd, void *dc, const char *arg)
{
    const int_directive_t *d = cmd->info;
    char *end;
    long v = strtol(arg, &end, 10);

    if (end == arg || *end || v < d->min || v > d->max) {
        return d->message;
    }
    *(int *)((char *)conf_of(cmd) + d->offset) = (int)v;
    return NULL;
}

/* A claim name as mod_auth_openidc turns it into OIDC_CLAIM_<name>. */
static int claim_name_ok(const char *name, apr_size_t len)
{
    return word_ok(name, len, "_-.:");
}

static const char *set_claim_name(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!claim_name_ok(arg, strlen(arg))) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, " must be a claim name", NULL);
    }
    if (cmd->info == (void *)1) {
        conf_of(cmd)->claims.pharmacy_claim = arg;
    }
    else {
        conf_of(cmd)->claims.role_claim = arg;
    }
    return NULL;
}

static const char *set_role_map(cmd_parms *cmd, void *dc, const char *value, const char *role)
{
    pd_role_rule_t *rule;
    int r = pd_role_parse(role);

    if (r < 0) {
        return "PharmadeskRoleMap: the role must be admin, team_expert, tech, customer or manager";
    }
    if (!*value || strlen(value) > 255) {
        return "PharmadeskRoleMap: the claim value must be 1 to 255 bytes";
    }
    rule = apr_array_push((apr_array_header_t *)conf_of(cmd)->claims.rules);
    rule->value = value;
    rule->role = (pd_role_e)r;
    return NULL;
}

static const char *set_issuer(cmd_parms *cmd, void *dc, const char *arg)
{
    if (strncmp(arg, "https://", 8) != 0 || strlen(arg) > 255) {
        return "PharmadeskOIDCIssuer must be the provider's https:// issuer, exactly as in its tokens";
    }
    conf_of(cmd)->claims.issuer = arg;
    return NULL;
}

static const char *set_audience(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!*arg || strlen(arg) > 255 || strpbrk(arg, ", \t")) {
        return "PharmadeskOIDCAudience must be one audience value";
    }
    conf_of(cmd)->claims.audience = arg;
    return NULL;
}

static const char *set_token_type(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!word_ok(arg, strlen(arg), "+-./")) {
        return "PharmadeskOIDCAccessTokenType must be a media type such as at+jwt";
    }
    conf_of(cmd)->claims.token_type = arg;
    return NULL;
}

/* A claim value a rule asks for: it ends up quoted in a WWW-Authenticate
 * error_description, so printable ASCII without quote or backslash. */
static int claim_value_ok(const char *v)
{
    const char *c;
    if (!*v || strlen(v) > 255) {
        return 0;
    }
    for (c = v; *c; c++) {
        if (*c <= ' ' || *c > '~' || *c == '"' || *c == '\\') {
            return 0;
        }
    }
    return 1;
}

/* PharmadeskOIDCAccessTokenClaims name[=value] ...: one line lists them all. */
static const char *set_token_claims(cmd_parms *cmd, void *dc, const char *args)
{
    apr_array_header_t *rules = apr_array_make(cmd->pool, 4, sizeof(pd_claim_rule_t));
    const char *word;

    while (*(word = ap_getword_conf(cmd->pool, &args))) {
        pd_claim_rule_t *rule = apr_array_push(rules);
        const char *eq = strchr(word, '=');
        rule->name = eq ? apr_pstrmemdup(cmd->pool, word, eq - word) : word;
        rule->value = eq ? eq + 1 : NULL;
        if (!claim_name_ok(rule->name, strlen(rule->name)) || (eq && !claim_value_ok(eq + 1))) {
            return "PharmadeskOIDCAccessTokenClaims takes claim names, each alone or as "
                   "name=value, such as: client_id scope";
        }
    }
    if (!rules->nelts) {
        return "PharmadeskOIDCAccessTokenClaims takes at least one claim name";
    }
    conf_of(cmd)->claims.token_claims = rules;
    return NULL;
}

/* PharmadeskOIDCIDTokenClaims name ... | none: one line lists them all. */
static const char *set_id_claims(cmd_parms *cmd, void *dc, const char *args)
{
    static const char *const usage =
        "PharmadeskOIDCIDTokenClaims takes claim names such as: nonce at_hash, or none alone";
    apr_array_header_t *names = apr_array_make(cmd->pool, 4, sizeof(const char *));
    const char *word;
    int none = 0;

    while (*(word = ap_getword_conf(cmd->pool, &args))) {
        if (strcmp(word, "none") == 0) {
            none = 1;
        }
        else if (!claim_name_ok(word, strlen(word))) {
            return usage;
        }
        else {
            APR_ARRAY_PUSH(names, const char *) = word;
        }
    }
    /* none alone, or names alone */
    if (none ? names->nelts > 0 : names->nelts == 0) {
        return usage;
    }
    conf_of(cmd)->claims.id_claims = names;
    return NULL;
}

/* The attachment types by the names the directive takes. */
static const struct { const char *name; pd_sniff_e type; } type_names[] = {
    { "png", PD_SNIFF_PNG }, { "jpeg", PD_SNIFF_JPEG }, { "gif", PD_SNIFF_GIF },
    { "webp", PD_SNIFF_WEBP }, { "pdf", PD_SNIFF_PDF }, { "zip", PD_SNIFF_ZIP },
    { "text", PD_SNIFF_TEXT }, { "csv", PD_SNIFF_CSV },
};

static const char *set_attachment_type(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_size_t i;
    for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
        if (strcasecmp(arg, type_names[i].name) == 0) {
            conf_of(cmd)->attachment_types |= 1u << type_names[i].type;
            return NULL;
        }
    }
    return "PharmadeskAttachmentTypes takes png, jpeg, gif, webp, pdf, zip, text and csv";
}

static const char *set_delimiter(cmd_parms *cmd, void *dc, const char *arg)
{
    if (strlen(arg) != 1 || apr_isalnum(*arg) || apr_isspace(*arg)) {
        return "PharmadeskClaimDelimiter must be one punctuation character, as OIDCClaimDelimiter";
    }
    conf_of(cmd)->claims.delim = *arg;
    return NULL;
}

const command_rec pd_directives[] = {
    AP_INIT_TAKE1("PharmadeskTicketPrefix", set_prefix, NULL, RSRC_CONF,
                  "Prefix of ticket numbers, e.g. PD for PD-2026-000042"),
    AP_INIT_TAKE1("PharmadeskTimeZone", set_time_zone, NULL, RSRC_CONF,
                  "Time zone of ticket-number years and date filters (default Asia/Jakarta)"),
    AP_INIT_TAKE1("PharmadeskApiBase", set_api_base, NULL, RSRC_CONF,
                  "URL path the API is served under (default /api)"),
    AP_INIT_TAKE1("PharmadeskMaxJsonBody", set_size, (void *)&max_json_body, RSRC_CONF,
                  "Largest JSON request body in bytes (default 65536)"),
    AP_INIT_TAKE1("PharmadeskRetryAfter", set_int, (void *)&retry_after, RSRC_CONF,
                  "Retry-After seconds sent when the database is unavailable (default 5)"),
    AP_INIT_TAKE1("PharmadeskAutoCloseDays", set_int, (void *)&auto_close_days, RSRC_CONF,
                  "Days after which an unanswered solved ticket closes (default 7; 0: never)"),
    AP_INIT_TAKE1("PharmadeskMaintenanceInterval", set_int, (void *)&maintenance_interval,
                  RSRC_CONF,
                  "Seconds between runs of the maintenance work (default 300)"),
    AP_INIT_TAKE1("PharmadeskAttachmentMaxSize", set_size, (void *)&attachment_max_size,
                  RSRC_CONF, "Largest attachment in bytes (default 10485760, 10 MiB)"),
    AP_INIT_TAKE1("PharmadeskAttachmentMaxFiles", set_int, (void *)&attachment_max_files,
                  RSRC_CONF, "Most files in one upload request (default 10)"),
    AP_INIT_TAKE1("PharmadeskAttachmentTicketMax", set_size, (void *)&attachment_ticket_max,
                  RSRC_CONF, "Most bytes of attachments on one ticket (default 104857600)"),
    AP_INIT_ITERATE("PharmadeskAttachmentTypes", set_attachment_type, NULL, RSRC_CONF,
                    "The attachment types accepted, by content sniffing (default all: "
                    "png jpeg gif webp pdf zip text csv)"),
    AP_INIT_TAKE1("PharmadeskDashboardInterval", set_int, (void *)&dashboard_interval,
                  RSRC_CONF,
                  "Seconds between moves of the dashboard's pending changes into its "
                  "counts (default 2)"),
    AP_INIT_TAKE1("PharmadeskOIDCIssuer", set_issuer, NULL, RSRC_CONF,
                  "The issuer (iss) every ID and access token must name"),
    AP_INIT_TAKE1("PharmadeskOIDCAudience", set_audience, NULL, RSRC_CONF,
                  "The audience (aud) every access token must include"),
    AP_INIT_TAKE1("PharmadeskOIDCAccessTokenType", set_token_type, NULL, RSRC_CONF,
                  "The typ every access token's JOSE header must carry, e.g. at+jwt "
                  "(default: any)"),
    AP_INIT_RAW_ARGS("PharmadeskOIDCAccessTokenClaims", set_token_claims, NULL, RSRC_CONF,
                     "Claims every access token must carry, as name or name=value "
                     "(default: none)"),
    AP_INIT_RAW_ARGS("PharmadeskOIDCIDTokenClaims", set_id_claims, NULL, RSRC_CONF,
                     "Claims that mark an ID token, refused as a bearer token "
                     "(default: nonce at_hash; none: no such rule)"),
    AP_INIT_TAKE1("PharmadeskRoleClaim", set_claim_name, (void *)0, RSRC_CONF,
                  "The claim whose values map to roles (default groups)"),
    AP_INIT_TAKE1("PharmadeskPharmacyClaim", set_claim_name, (void *)1, RSRC_CONF,
                  "The claim naming a customer's pharmacy code (default pharmacy)"),
    AP_INIT_TAKE2("PharmadeskRoleMap", set_role_map, NULL, RSRC_CONF,
                  "A role-claim value and the role it grants; the first matching line wins"),
    AP_INIT_TAKE1("PharmadeskClaimDelimiter", set_delimiter, NULL, RSRC_CONF,
                  "The separator of multi-valued claims, as OIDCClaimDelimiter (default ,)"),
    { NULL }
};
