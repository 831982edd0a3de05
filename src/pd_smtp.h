/* Sending one message over SMTP with libcurl: the part of the e-mail
 * channel that needs no httpd, so that a test program can drive it against
 * a local SMTP server. The glue (mod_pd_smtp.c) reads the configuration
 * and calls it. */
#ifndef PD_SMTP_H
#define PD_SMTP_H

#include <apr.h>
#include <apr_errno.h>
#include <apr_pools.h>

typedef enum {
    PD_SMTP_TLS_OFF = 0,       /* plain smtp:// (smtps:// is TLS from the start whatever this says) */
    PD_SMTP_TLS_TRY,           /* STARTTLS when the server offers it */
    PD_SMTP_TLS_REQUIRED,      /* STARTTLS or nothing is sent */
    PD_SMTP_TLS__COUNT
} pd_smtp_tls_e;

/* "off", "try", "required"; -1 for anything else. */
int pd_smtp_tls_parse(const char *name);
const char *pd_smtp_tls_name(pd_smtp_tls_e tls);

typedef struct pd_smtp_t {
    const char *url;           /* smtp://host[:port][/ehlo-name] or smtps://... */
    pd_smtp_tls_e starttls;
    const char *user;          /* NULL: no authentication */
    const char *password;
    int timeout;               /* seconds for the whole exchange (at most 10 to connect) */
    const char *ca_file;       /* NULL: the system's trusted certificates */
} pd_smtp_t;

/* Why a sending failed. A temporary failure (the server answered 4xx, could
 * not be reached, timed out, refused the credentials or the TLS, wants
 * authentication) is worth retrying later: the server or the configuration
 * may be fixed meanwhile. A permanent one (the server refused the sender,
 * the recipient or the message with 5xx) is not. */
#define PD_SMTP_TEMPORARY (APR_OS_START_USERERR + 101)
#define PD_SMTP_PERMANENT (APR_OS_START_USERERR + 102)
#define pd_smtp_permanent(rv) ((rv) == PD_SMTP_PERMANENT)

/* Whether the smtp:// or smtps:// URL is one pd_smtp_deliver takes:
 * scheme, host (a name, IPv4 or [IPv6]), an optional port and an optional
 * "/name" to greet with; no credentials, query or fragment. */
int pd_smtp_url_valid(const char *url);

/* Initializes libcurl once for the process (before any thread starts),
 * cleaned up with the pool. */
apr_status_t pd_smtp_global_init(apr_pool_t *p);

/* Sends message (CRLF line ends, as pd_mail_build makes it) from the
 * envelope sender to one recipient. APR_SUCCESS once the server took it;
 * otherwise PD_SMTP_TEMPORARY or PD_SMTP_PERMANENT with *error a short
 * reason ("connection refused", "550 5.1.1 mailbox unavailable"), at most
 * 200 characters of printable ASCII. Redirections, proxies and signals
 * are never used; certificates are always verified. */
apr_status_t pd_smtp_deliver(const pd_smtp_t *smtp, const char *from, const char *to,
                             const char *message, apr_pool_t *p, const char **error);

#endif
