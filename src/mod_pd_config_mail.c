#include <string.h>
#include <unistd.h>
#include <apr_strings.h>
#include <apr_file_io.h>
#include <apr_file_info.h>
#include "mod_pd.h"
#include "pd_mail.h"
#include "pd_utf8.h"

/* The e-mail directives (the directive table is in mod_pharmadesk.c, the
 * defaults in src/mod_pd.h): each refuses what it cannot mean; and the
 * reading of a secret from a root-only file and the check of every
 * server's configuration at start, which they and the WhatsApp directives
 * share. */

#define PASSWORD_MAX 1024

/* 1 to max characters of UTF-8 without control characters. */
static int text_ok(const char *s, apr_size_t max)
{
    apr_size_t chars = 0, len;
    for (; *s; s += len, chars++) {
        len = pd_utf8_char(s);
        if (len == 0 || (unsigned char)*s < 0x20 || *s == 0x7F || chars >= max) {
            return 0;
        }
    }
    return chars > 0;
}

const char *pd_set_mail_from(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!pd_mail_addr_valid(arg)) {
        return "PharmadeskMailFrom must be an e-mail address such as helpdesk@example.org "
               "(ASCII, without a display name: that is PharmadeskMailFromName)";
    }
    pd_config_of(cmd)->mail_from = arg;
    return NULL;
}

const char *pd_set_mail_from_name(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!text_ok(arg, 100)) {
        return "PharmadeskMailFromName must be 1 to 100 characters of UTF-8 without control characters";
    }
    pd_config_of(cmd)->mail_from_name = arg;
    return NULL;
}

const char *pd_set_smtp_url(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!pd_smtp_url_valid(arg)) {
        return "PharmadeskSmtpUrl must be smtp://host[:port] or smtps://host[:port], without "
               "credentials (PharmadeskSmtpUser and PharmadeskSmtpPasswordFile give them)";
    }
    pd_config_of(cmd)->smtp_url = arg;
    return NULL;
}

const char *pd_set_smtp_starttls(cmd_parms *cmd, void *dc, const char *arg)
{
    int tls = pd_smtp_tls_parse(arg);
    if (tls < 0) {
        return "PharmadeskSmtpStartTLS must be off, try or required";
    }
    pd_config_of(cmd)->smtp_starttls = tls;
    return NULL;
}

const char *pd_set_smtp_user(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!text_ok(arg, 255) || strchr(arg, ' ')) {
        return "PharmadeskSmtpUser must be 1 to 255 characters without spaces or control characters";
    }
    pd_config_of(cmd)->smtp_user = arg;
    return NULL;
}

/* A secret, read now: Apache reads its configuration as root, before its
 * children drop to www-data, so the file can be root's alone. It must be:
 * a secret that other users can read is no secret. Its first line is the
 * secret. */
const char *pd_config_secret_file(cmd_parms *cmd, const char *arg, const char *what,
                                  apr_size_t max, const char **secret)
{
    const char *name = cmd->cmd->name;
    const char *path = ap_server_root_relative(cmd->temp_pool, arg);
    apr_finfo_t fi;
    apr_file_t *f = NULL;
    char *buf = apr_palloc(cmd->temp_pool, max + 2);
    apr_size_t n = max + 1;
    apr_status_t rv;
    char *eol;

    if (!path) {
        return apr_pstrcat(cmd->pool, name, ": a bad path", NULL);
    }
    rv = apr_stat(&fi, path, APR_FINFO_TYPE | APR_FINFO_PROT | APR_FINFO_OWNER | APR_FINFO_SIZE,
                  cmd->temp_pool);
    if (rv != APR_SUCCESS && !APR_STATUS_IS_INCOMPLETE(rv)) {
        return apr_psprintf(cmd->pool, "%s %s: %pm", name, path, &rv);
    }
    if (fi.filetype != APR_REG) {
        return apr_psprintf(cmd->pool, "%s %s is not a file", name, path);
    }
    if (fi.user != (apr_uid_t)geteuid()
        || (fi.protection & (APR_GREAD | APR_GWRITE | APR_GEXECUTE | APR_WREAD | APR_WWRITE | APR_WEXECUTE))) {
        return apr_psprintf(cmd->pool, "%s %s must belong to %s and be readable by it alone "
                            "(chown root: and chmod 600)", name, path,
                            geteuid() == 0 ? "root" : "the user Apache starts as");
    }
    rv = apr_file_open(&f, path, APR_FOPEN_READ, APR_FPROT_OS_DEFAULT, cmd->temp_pool);
    if (rv == APR_SUCCESS) {
        rv = apr_file_read_full(f, buf, n, &n);
        apr_file_close(f);
    }
    if (rv != APR_SUCCESS && !APR_STATUS_IS_EOF(rv)) {
        return apr_psprintf(cmd->pool, "%s %s: %pm", name, path, &rv);
    }
    buf[n] = '\0';
    if ((eol = strpbrk(buf, "\r\n"))) {
        *eol = '\0';
    }
    if (!*buf || strlen(buf) > max || !text_ok(buf, max)) {
        memset(buf, 0, max + 2);
        return apr_psprintf(cmd->pool, "%s %s must hold the %s on its first line (1 to %d "
                            "bytes, no control characters)", name, path, what, (int)max);
    }
    *secret = apr_pstrdup(cmd->pool, buf);
    memset(buf, 0, max + 2);
    return NULL;
}

const char *pd_set_smtp_password_file(cmd_parms *cmd, void *dc, const char *arg)
{
    return pd_config_secret_file(cmd, arg, "password", PASSWORD_MAX,
                                 &pd_config_of(cmd)->smtp_password);
}

const char *pd_set_portal_url(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *host = !strncmp(arg, "https://", 8) ? arg + 8 : !strncmp(arg, "http://", 7) ? arg + 7 : NULL;
    const char *c;
    apr_size_t len = strlen(arg);

    for (c = host; c && *c; c++) {
        if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7F || strchr("\"'<>\\`#?", *c)) {
            break;
        }
    }
    if (!host || !*host || *host == '/' || (c && *c) || len > 255) {
        return "PharmadeskPortalUrl must be the portal's absolute http:// or https:// URL, such as "
               "https://helpdesk.example.org/ (no query or fragment)";
    }
    pd_config_of(cmd)->portal_url = arg[len - 1] == '/' ? arg : apr_pstrcat(cmd->pool, arg, "/", NULL);
    return NULL;
}

int pd_config_check_servers(server_rec *s, const char *(*check)(const pd_server_conf_t *conf))
{
    for (; s; s = s->next) {
        const char *problem = check(ap_get_module_config(s->module_config, &pharmadesk_module));
        if (problem) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_CRIT, 0, s, "pharmadesk: %s", problem);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    return OK;
}

const char *pd_mail_config_check(const pd_server_conf_t *conf)
{
    if (conf->smtp_user && !conf->smtp_password) {
        return "PharmadeskSmtpUser needs PharmadeskSmtpPasswordFile";
    }
    if (conf->smtp_password && !conf->smtp_user) {
        return "PharmadeskSmtpPasswordFile needs PharmadeskSmtpUser";
    }
    return NULL;
}
