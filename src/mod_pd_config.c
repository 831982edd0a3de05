#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "mod_pd.h"
#include "pd_ticketno.h"

#define UNSET_OFF ((apr_off_t)-1)

void *pd_create_server_conf(apr_pool_t *p, server_rec *s)
{
    pd_server_conf_t *conf = apr_pcalloc(p, sizeof(*conf));
    conf->max_json_body = UNSET_OFF;
    conf->retry_after = -1;
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

static const char *set_time_zone(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *c;
    /* an IANA zone name; PostgreSQL checks that it exists */
    if (!*arg || strlen(arg) > 64) {
        return "PharmadeskTimeZone must be a time zone name such as Asia/Jakarta";
    }
    for (c = arg; *c; c++) {
        if (!apr_isalnum(*c) && !strchr("/_+-", *c)) {
            return "PharmadeskTimeZone must be a time zone name such as Asia/Jakarta";
        }
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

static const char *set_max_json_body(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_off_t v;
    if (apr_strtoff(&v, arg, NULL, 10) != APR_SUCCESS || v < 1024 || v > 16 * 1024 * 1024) {
        return "PharmadeskMaxJsonBody must be a byte count from 1024 to 16777216";
    }
    conf_of(cmd)->max_json_body = v;
    return NULL;
}

static const char *set_retry_after(cmd_parms *cmd, void *dc, const char *arg)
{
    int v = atoi(arg);
    if (v < 1 || v > 3600) {
        return "PharmadeskRetryAfter must be a number of seconds from 1 to 3600";
    }
    conf_of(cmd)->retry_after = v;
    return NULL;
}

const command_rec pd_directives[] = {
    AP_INIT_TAKE1("PharmadeskTicketPrefix", set_prefix, NULL, RSRC_CONF,
                  "Prefix of ticket numbers, e.g. PD for PD-2026-000042"),
    AP_INIT_TAKE1("PharmadeskTimeZone", set_time_zone, NULL, RSRC_CONF,
                  "Time zone of ticket-number years and date filters (default Asia/Jakarta)"),
    AP_INIT_TAKE1("PharmadeskApiBase", set_api_base, NULL, RSRC_CONF,
                  "URL path the API is served under (default /api)"),
    AP_INIT_TAKE1("PharmadeskMaxJsonBody", set_max_json_body, NULL, RSRC_CONF,
                  "Largest JSON request body in bytes (default 65536)"),
    AP_INIT_TAKE1("PharmadeskRetryAfter", set_retry_after, NULL, RSRC_CONF,
                  "Retry-After seconds sent when the database is unavailable (default 5)"),
    { NULL }
};
