#include <string.h>
#include "mod_pd.h"
#include "pd_smtp.h"

/* The e-mail channel's glue: libcurl initialized once per Apache
 * generation (in post_config, before any child or thread exists), the
 * configuration's checks, and pd_smtp_send over the server's directives. */

/* Refuses a configuration whose credentials do not pair up, in every
 * server; apache2 -t runs this too. */
static int smtp_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    return pd_config_check_servers(s, pd_mail_config_check);
}

/* A password may cross the network in clear: smtp:// without STARTTLS
 * required (loopback excepted). */
static int credentials_in_clear(const pd_server_conf_t *conf)
{
    const char *host = conf->smtp_url + strlen("smtp://");
    return conf->smtp_user && strncmp(conf->smtp_url, "smtp://", 7) == 0
           && conf->smtp_starttls != PD_SMTP_TLS_REQUIRED
           && strncmp(host, "localhost", 9) != 0 && strncmp(host, "127.", 4) != 0
           && strncmp(host, "[::1]", 5) != 0;
}

static int smtp_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    server_rec *v;

    /* the first pass only checks the configuration */
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;
    }
    if (pd_smtp_global_init(pconf) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, "pharmadesk: libcurl could not be initialized");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    for (v = s; v; v = v->next) {
        const pd_server_conf_t *conf = ap_get_module_config(v->module_config, &pharmadesk_module);
        if (!conf->mail_from) {
            continue;
        }
        if (!conf->portal_url) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, v, "pharmadesk: PharmadeskMailFrom is set "
                         "but PharmadeskPortalUrl is not: e-mail cannot link to the portal");
        }
        if (credentials_in_clear(conf)) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, v, "pharmadesk: the SMTP password may cross "
                         "the network in clear: set PharmadeskSmtpStartTLS required, or use smtps://");
        }
    }
    return OK;
}

void pd_smtp_register(apr_pool_t *p)
{
    ap_hook_check_config(smtp_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    /* after the handler's (APR_HOOK_FIRST), which puts the defaults in */
    ap_hook_post_config(smtp_post_config, NULL, NULL, APR_HOOK_MIDDLE);
}

apr_status_t pd_smtp_send(server_rec *s, const pd_server_conf_t *conf, const char *from, const char *to,
                          const char *message, apr_pool_t *p, const char **error)
{
    pd_smtp_t smtp = {
        .url = conf->smtp_url,
        .starttls = (pd_smtp_tls_e)conf->smtp_starttls,
        .user = conf->smtp_user,
        .password = conf->smtp_password,
        .timeout = conf->smtp_timeout,
        .ca_file = NULL,
    };
    apr_status_t rv = pd_smtp_deliver(&smtp, from, to, message, p, error);

    ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, "pharmadesk: mail to %s through %s: %s", to,
                 conf->smtp_url, rv == APR_SUCCESS ? "sent" : *error);
    return rv;
}
