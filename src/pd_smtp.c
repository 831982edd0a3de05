#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "pd_smtp.h"
#include "pd_mail.h"
#include "pd_curl.h"

#define ERROR_MAX 200

static const char *const tls_names[PD_SMTP_TLS__COUNT] = { "off", "try", "required" };

int pd_smtp_tls_parse(const char *name)
{
    int i;
    for (i = 0; name && i < PD_SMTP_TLS__COUNT; i++) {
        if (strcmp(name, tls_names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

const char *pd_smtp_tls_name(pd_smtp_tls_e tls)
{
    return (unsigned)tls < PD_SMTP_TLS__COUNT ? tls_names[tls] : NULL;
}

int pd_smtp_url_valid(const char *url)
{
    const char *host, *c, *end;
    if (!url || strlen(url) > 255) {
        return 0;
    }
    if (strncmp(url, "smtp://", 7) == 0) {
        host = url + 7;
    }
    else if (strncmp(url, "smtps://", 8) == 0) {
        host = url + 8;
    }
    else {
        return 0;
    }
    if (*host == '[') {                            /* an IPv6 literal */
        for (c = host + 1; apr_isxdigit(*c) || *c == ':' || *c == '.'; c++) {
        }
        if (*c != ']' || c == host + 1) {
            return 0;
        }
        c++;
    }
    else {
        for (c = host; apr_isalnum(*c) || *c == '-' || *c == '.'; c++) {
        }
        if (c == host) {
            return 0;
        }
    }
    if (*c == ':') {                               /* a port, 1 to 65535 */
        long port = strtol(c + 1, (char **)&end, 10);
        if (end == c + 1 || end - (c + 1) > 5 || port < 1 || port > 65535) {
            return 0;
        }
        c = end;
    }
    if (*c == '/') {                               /* the name to greet with */
        for (c++; apr_isalnum(*c) || *c == '-' || *c == '.'; c++) {
        }
    }
    return *c == '\0';
}

static apr_status_t global_cleanup(void *data)
{
    (void)data;
    curl_global_cleanup();
    return APR_SUCCESS;
}

apr_status_t pd_smtp_global_init(apr_pool_t *p)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        return APR_EGENERAL;
    }
    apr_pool_cleanup_register(p, NULL, global_cleanup, apr_pool_cleanup_null);
    return APR_SUCCESS;
}

/* Where the exchange is: a 5xx answer to the sender, a recipient or the
 * message refuses this message for good; one before that (greeting,
 * EHLO, STARTTLS, AUTH) is about the server or its configuration. */
enum { STAGE_SESSION = 0, STAGE_MESSAGE };

typedef struct exchange_t {
    const char *data;          /* the message, uploaded from memory */
    size_t len, sent;
    int stage;
    int quit;                  /* QUIT was sent: its answer says nothing of the message */
    int data_sent;             /* DATA was sent: a 2xx answer now takes the message */
    int accepted;              /* the server took the message (250 after its end) */
    int code;                  /* of the server's last answer */
    char reply[ERROR_MAX + 1]; /* its last line, printable ASCII */
} exchange_t;

static size_t read_message(char *buf, size_t size, size_t nitems, void *userdata)
{
    exchange_t *x = userdata;
    size_t n = x->len - x->sent;
    if (n > size * nitems) {
        n = size * nitems;
    }
    memcpy(buf, x->data + x->sent, n);
    x->sent += n;
    return n;
}

/* libcurl's account of the exchange: what we sent (the commands) moves the
 * stage on, and the server's answers are kept, the last one's code and line. */
static int watch(CURL *h, curl_infotype type, char *data, size_t size, void *userdata)
{
    exchange_t *x = userdata;
    (void)h;
    if (type == CURLINFO_HEADER_OUT) {
        if (size >= 4 && (strncasecmp(data, "MAIL", 4) == 0 || strncasecmp(data, "RCPT", 4) == 0
                          || strncasecmp(data, "DATA", 4) == 0)) {
            x->stage = STAGE_MESSAGE;
        }
        x->data_sent |= size >= 4 && strncasecmp(data, "DATA", 4) == 0;
        x->quit |= size >= 4 && strncasecmp(data, "QUIT", 4) == 0;
    }
    else if (type == CURLINFO_HEADER_IN && !x->quit && size >= 3 && apr_isdigit(data[0])
             && apr_isdigit(data[1]) && apr_isdigit(data[2])) {
        size_t i, n = 0;
        x->code = (data[0] - '0') * 100 + (data[1] - '0') * 10 + (data[2] - '0');
        /* DATA's own answer is 354; the one after the message's end is the
         * server's word that it has the message */
        x->accepted |= x->data_sent && x->code >= 200 && x->code < 300;
        for (i = 0; i < size && data[i] != '\r' && data[i] != '\n' && n < ERROR_MAX; i++) {
            x->reply[n++] = (data[i] >= 0x20 && data[i] < 0x7F) ? data[i] : ' ';
        }
        x->reply[n] = '\0';
        if (n > 3 && x->reply[3] == '-') {         /* a line of a longer answer */
            x->reply[3] = ' ';
        }
    }
    return 0;
}

/* The short reason for a failure, and whether it is for good. */
static apr_status_t failure(apr_pool_t *p, CURLcode rc, const exchange_t *x, const char *curl_msg,
                            const char **error)
{
    const char *why;
    int answered = x->code >= 400;

    switch (rc) {
    case CURLE_COULDNT_CONNECT:
        why = "connection refused";
        break;
    case CURLE_COULDNT_RESOLVE_HOST:
        why = "host not found";
        break;
    case CURLE_OPERATION_TIMEDOUT:
        why = "timed out";
        break;
    case CURLE_USE_SSL_FAILED:
        why = "the server does not offer STARTTLS";
        break;
    case CURLE_PEER_FAILED_VERIFICATION:
        why = "the server's certificate is not trusted";
        break;
    case CURLE_SSL_CONNECT_ERROR:
        why = "TLS handshake failed";
        break;
    case CURLE_LOGIN_DENIED:
        why = answered ? apr_pstrcat(p, "authentication failed: ", x->reply, NULL) : "authentication failed";
        break;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        why = answered ? x->reply : "connection lost";
        break;
    case CURLE_ABORTED_BY_CALLBACK:
        why = PD_CURL_STOPPED;
        break;
    default:
        why = answered ? x->reply : *curl_msg ? curl_msg : curl_easy_strerror(rc);
        break;
    }
    *error = apr_pstrndup(p, why, ERROR_MAX);
    /* 530: the server wants authentication, which configuration gives */
    return answered && x->code >= 500 && x->code != 530 && x->stage == STAGE_MESSAGE
           && rc != CURLE_LOGIN_DENIED ? PD_SMTP_PERMANENT : PD_SMTP_TEMPORARY;
}

apr_status_t pd_smtp_deliver(const pd_smtp_t *smtp, const char *from, const char *to,
                             const char *message, apr_pool_t *p, const char **error)
{
    static const long use_ssl[PD_SMTP_TLS__COUNT] = { CURLUSESSL_NONE, CURLUSESSL_TRY, CURLUSESSL_ALL };
    exchange_t x;
    char curl_msg[CURL_ERROR_SIZE] = "";
    struct curl_slist *rcpt = NULL;
    CURL *h = NULL;
    CURLcode rc = CURLE_OK;
    apr_status_t rv;
    long timeout = smtp->timeout > 0 ? smtp->timeout : 30;

    *error = NULL;
    /* addresses reach the SMTP commands: nothing but an address may */
    if (!pd_mail_addr_valid(from) || !pd_mail_addr_valid(to) || !pd_smtp_url_valid(smtp->url)
        || (unsigned)smtp->starttls >= PD_SMTP_TLS__COUNT || !message) {
        *error = "refused: a bad address, URL or message";
        return PD_SMTP_PERMANENT;
    }
    memset(&x, 0, sizeof(x));
    x.data = message;
    x.len = strlen(message);
    if (!(h = curl_easy_init())
        || !(rcpt = curl_slist_append(NULL, apr_pstrcat(p, "<", to, ">", NULL)))) {
        *error = "out of memory";
        rv = PD_SMTP_TEMPORARY;
        goto cleanup;
    }
    /* SMTP alone, and never a redirection (which SMTP has none of anyway) */
    rc = pd_curl_guard(h, CURLPROTO_SMTP | CURLPROTO_SMTPS, timeout, smtp->ca_file);
#define SET(opt, val) if (rc == CURLE_OK) rc = curl_easy_setopt(h, opt, val)
    SET(CURLOPT_URL, smtp->url);
    /* one connection per message, closed at its end: a failed exchange is
     * dropped at once rather than said QUIT to (which would wait for an
     * answer that may never come); each answer waits timeout at most */
    SET(CURLOPT_FORBID_REUSE, 1L);
    SET(CURLOPT_SERVER_RESPONSE_TIMEOUT, timeout);
    SET(CURLOPT_USE_SSL, use_ssl[smtp->starttls]);
    if (smtp->user) {
        SET(CURLOPT_USERNAME, smtp->user);
        SET(CURLOPT_PASSWORD, smtp->password ? smtp->password : "");
    }
    SET(CURLOPT_MAIL_FROM, apr_pstrcat(p, "<", from, ">", NULL));
    SET(CURLOPT_MAIL_RCPT, rcpt);
    SET(CURLOPT_UPLOAD, 1L);
    SET(CURLOPT_READFUNCTION, read_message);
    SET(CURLOPT_READDATA, &x);
    SET(CURLOPT_INFILESIZE_LARGE, (curl_off_t)x.len);
    SET(CURLOPT_ERRORBUFFER, curl_msg);
    /* the exchange goes to watch(), which keeps the server's answers */
    SET(CURLOPT_DEBUGFUNCTION, watch);
    SET(CURLOPT_DEBUGDATA, &x);
    SET(CURLOPT_VERBOSE, 1L);
#undef SET
    if (rc != CURLE_OK) {
        *error = apr_pstrcat(p, "libcurl refused an option: ", curl_easy_strerror(rc), NULL);
        rv = PD_SMTP_TEMPORARY;
        goto cleanup;
    }
    rc = curl_easy_perform(h);
    /* Once the server has taken the message, nothing after it (QUIT's
     * answer lost or late, the process stopping) undoes the delivery:
     * reporting a failure then would send the message again. */
    rv = rc == CURLE_OK || x.accepted ? APR_SUCCESS : failure(p, rc, &x, curl_msg, error);

cleanup:
    curl_slist_free_all(rcpt);
    if (h) {
        curl_easy_cleanup(h);
    }
    return rv;
}
