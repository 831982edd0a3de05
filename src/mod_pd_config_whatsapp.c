#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_cursor.h"

/* The WhatsApp directives (the directive table is in mod_pharmadesk.c, the
 * defaults in src/mod_pd.h): each refuses what it cannot mean. The access
 * token, the app secret and the verify token are read at start from files
 * that root alone may read (pd_config_secret_file). */

/* Longest secret: Meta's access tokens run to a few hundred characters. */
#define SECRET_MAX 4096

static pd_whatsapp_conf_t *wa_of(cmd_parms *cmd)
{
    pd_server_conf_t *conf = ap_get_module_config(cmd->server->module_config, &pharmadesk_module);
    return &conf->whatsapp;
}

const char *pd_set_whatsapp_api_url(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!pd_whatsapp_api_url_valid(arg)) {
        return "PharmadeskWhatsAppApiUrl must be an https:// URL such as https://graph.facebook.com "
               "(no trailing slash, query or credentials; http:// only to a loopback address)";
    }
    wa_of(cmd)->api_url = arg;
    return NULL;
}

const char *pd_set_whatsapp_api_version(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!pd_whatsapp_api_version_valid(arg)) {
        return "PharmadeskWhatsAppApiVersion must be a Graph API version such as v21.0";
    }
    wa_of(cmd)->api_version = arg;
    return NULL;
}

const char *pd_set_whatsapp_phone_number_id(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!pd_whatsapp_id_valid(arg)) {
        return "PharmadeskWhatsAppPhoneNumberId must be the phone number's id at Meta (digits, "
               "not the phone number itself)";
    }
    wa_of(cmd)->phone_number_id = arg;
    return NULL;
}

const char *pd_set_whatsapp_token_file(cmd_parms *cmd, void *dc, const char *arg)
{
    return pd_config_secret_file(cmd, arg, "access token", SECRET_MAX, &wa_of(cmd)->token);
}

const char *pd_set_whatsapp_app_secret_file(cmd_parms *cmd, void *dc, const char *arg)
{
    return pd_config_secret_file(cmd, arg, "app secret", SECRET_MAX, &wa_of(cmd)->app_secret);
}

const char *pd_set_whatsapp_verify_token_file(cmd_parms *cmd, void *dc, const char *arg)
{
    return pd_config_secret_file(cmd, arg, "verify token", SECRET_MAX, &wa_of(cmd)->verify_token);
}

const char *pd_set_whatsapp_template(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!pd_whatsapp_template_name_valid(arg)) {
        return "PharmadeskWhatsAppTemplate must be a template's name as Meta takes it: a-z, 0-9 "
               "and _";
    }
    wa_of(cmd)->template_name = arg;
    return NULL;
}

/* The name of a category or module: as the API takes one (1 to 100
 * characters, no control characters). */
static const char *set_name(cmd_parms *cmd, const char *arg, const char **to)
{
    if (!*arg || !pd_utf8_valid(arg, 400) || strpbrk(arg, "\r\n\t")) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, " must be the name of an active entry, as "
                           "the portal shows it", NULL);
    }
    *to = arg;
    return NULL;
}

const char *pd_set_whatsapp_category(cmd_parms *cmd, void *dc, const char *arg)
{
    return set_name(cmd, arg, &wa_of(cmd)->category);
}

const char *pd_set_whatsapp_module(cmd_parms *cmd, void *dc, const char *arg)
{
    return set_name(cmd, arg, &wa_of(cmd)->module);
}

const char *pd_whatsapp_config_check(const pd_server_conf_t *conf)
{
    const pd_whatsapp_conf_t *wa = &conf->whatsapp;

    if (wa->phone_number_id && !wa->token) {
        return "PharmadeskWhatsAppPhoneNumberId needs PharmadeskWhatsAppTokenFile";
    }
    if (wa->token && !wa->phone_number_id) {
        return "PharmadeskWhatsAppTokenFile needs PharmadeskWhatsAppPhoneNumberId";
    }
    if (wa->phone_number_id && !conf->portal_url) {
        return "PharmadeskWhatsAppPhoneNumberId needs PharmadeskPortalUrl: every WhatsApp message "
               "links to its ticket";
    }
    if (wa->app_secret && !wa->verify_token) {
        return "PharmadeskWhatsAppAppSecretFile needs PharmadeskWhatsAppVerifyTokenFile";
    }
    if (wa->verify_token && !wa->app_secret) {
        return "PharmadeskWhatsAppVerifyTokenFile needs PharmadeskWhatsAppAppSecretFile";
    }
    if (wa->app_secret && !wa->phone_number_id) {
        return "PharmadeskWhatsAppAppSecretFile needs PharmadeskWhatsAppPhoneNumberId: the "
               "webhook takes the messages to that number";
    }
    return NULL;
}
