#include <string.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netdb.h>
#include <netinet/in.h>
#include <curl/curl.h>
#include <apr_strings.h>
#include <apr_time.h>
#include "pd_curl.h"
#include "pd_webhook_post.h"

/* addresses of one name that a connection may use, in the resolver's order */
#define PINNED_MAX 8

/* What one exchange keeps: the start of the answer, and the addresses the
 * connection is pinned to. */
typedef struct exchange_t {
    char answer[PD_WEBHOOK_EXCERPT_MAX + 4];   /* a cut character's bytes past the excerpt */
    apr_size_t len;
    int capped;                /* the answer went on: the rest was not read */
    pd_webhook_addr_t pinned[PINNED_MAX];
    int npinned;
    int foreign;               /* libcurl asked to connect elsewhere: refused */
} exchange_t;

static size_t keep_answer(char *data, size_t size, size_t nitems, void *userdata)
{
    exchange_t *x = userdata;
    size_t total = size * nitems, room = sizeof(x->answer) - x->len;
    size_t take = total < room ? total : room;

    memcpy(x->answer + x->len, data, take);
    x->len += take;
    if (take < total) {
        /* enough for the log: the transfer stops here (CURLE_WRITE_ERROR) */
        x->capped = 1;
        return 0;
    }
    return total;
}

/* libcurl's socket, for the pinned addresses alone. */
static curl_socket_t open_pinned(void *clientp, curlsocktype purpose, struct curl_sockaddr *sa)
{
    exchange_t *x = clientp;
    const void *bytes = NULL;
    size_t n = 0;
    int i;

    if (purpose == CURLSOCKTYPE_IPCXN) {
        if (sa->family == AF_INET && sa->addrlen >= sizeof(struct sockaddr_in)) {
            bytes = &((const struct sockaddr_in *)(const void *)&sa->addr)->sin_addr;
            n = 4;
        }
        else if (sa->family == AF_INET6 && sa->addrlen >= sizeof(struct sockaddr_in6)) {
            bytes = &((const struct sockaddr_in6 *)(const void *)&sa->addr)->sin6_addr;
            n = 16;
        }
    }
    for (i = 0; bytes && i < x->npinned; i++) {
        if (x->pinned[i].family == sa->family && memcmp(bytes, x->pinned[i].bytes, n) == 0) {
            return socket(sa->family, sa->socktype | SOCK_CLOEXEC, sa->protocol);
        }
    }
    x->foreign = 1;
    return CURL_SOCKET_BAD;
}

/* Resolves the host and keeps the addresses a webhook may reach (a
 * refused one is skipped: the connection goes to the others alone): NULL,
 * or why there is none (out->permanent set when no attempt can help). */
static const char *resolve(apr_pool_t *p, const pd_webhook_url_t *u, const pd_webhook_request_t *rq,
                           exchange_t *x, pd_webhook_outcome_t *out)
{
    struct addrinfo hints, *res = NULL, *ai;
    pd_webhook_addr_t a, refused;
    const char *why = NULL, *refused_why = NULL;
    int rc, i, seen;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = u->literal ? AI_NUMERICHOST : 0;
    rc = getaddrinfo(u->host, NULL, &hints, &res);
    if (rc != 0) {
        out->unreachable = 1;
        return apr_psprintf(p, "%s cannot be resolved: %s", u->host, gai_strerror(rc));
    }
    memset(&refused, 0, sizeof(refused));
    for (ai = res; ai && x->npinned < PINNED_MAX; ai = ai->ai_next) {
        memset(&a, 0, sizeof(a));
        if (ai->ai_family == AF_INET) {
            a.family = AF_INET;
            memcpy(a.bytes, &((struct sockaddr_in *)(void *)ai->ai_addr)->sin_addr, 4);
        }
        else if (ai->ai_family == AF_INET6) {
            a.family = AF_INET6;
            memcpy(a.bytes, &((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_addr, 16);
        }
        else {
            continue;
        }
        if (pd_webhook_addr_allowed(&a, rq->allow, rq->nallow, &why)) {
            for (i = 0, seen = 0; i < x->npinned; i++) {
                seen |= x->pinned[i].family == a.family && !memcmp(x->pinned[i].bytes, a.bytes, 16);
            }
            if (!seen) {
                x->pinned[x->npinned++] = a;
            }
        }
        else if (!refused_why) {
            refused = a;
            refused_why = why;
        }
    }
    freeaddrinfo(res);
    if (x->npinned) {
        out->address = pd_webhook_addr_text(p, &x->pinned[0]);
        return NULL;
    }
    out->permanent = 1;
    if (!refused_why) {
        return apr_psprintf(p, "%s has no IPv4 or IPv6 address", u->host);
    }
    out->address = pd_webhook_addr_text(p, &refused);
    return u->literal
        ? apr_psprintf(p, "refused: %s is a %s address, which PharmadeskWebhookAllowNetworks does "
                       "not allow", out->address, refused_why)
        : apr_psprintf(p, "refused: %s resolves to %s, a %s address, which "
                       "PharmadeskWebhookAllowNetworks does not allow", u->host, out->address,
                       refused_why);
}

/* Why libcurl failed, in a few words. */
static const char *failure(apr_pool_t *p, CURLcode rc, const exchange_t *x, const char *curl_msg,
                           const pd_webhook_request_t *rq, pd_webhook_outcome_t *out)
{
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
        out->unreachable = 1;
        if (x->foreign) {
            out->permanent = 1;
            return "refused: the connection was to go to an address that was not checked";
        }
        return "connection refused";
    case CURLE_OPERATION_TIMEDOUT:
        out->unreachable = out->status == 0;
        return apr_psprintf(p, "no answer within %d s", rq->timeout);
    case CURLE_PEER_FAILED_VERIFICATION:
        return "the receiver's certificate is not trusted";
    case CURLE_SSL_CONNECT_ERROR:
        return "TLS handshake failed";
    case CURLE_GOT_NOTHING:
        return "the receiver closed the connection without answering";
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        return "connection lost";
    case CURLE_ABORTED_BY_CALLBACK:
        return PD_CURL_STOPPED;
    default:
        return *curl_msg ? apr_pstrdup(p, curl_msg) : curl_easy_strerror(rc);
    }
}

/* The outcome of an answer with this status. */
static void judge(apr_pool_t *p, CURL *h, pd_webhook_outcome_t *out)
{
    char *location = NULL;

    if (out->status >= 200 && out->status <= 299) {
        out->delivered = 1;
    }
    else if (out->status == 410) {
        out->gone = out->permanent = 1;
        out->error = "HTTP 410: the receiver wants no more deliveries";
    }
    else if (out->status >= 300 && out->status <= 399) {
        curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &location);
        out->error = location
            ? apr_psprintf(p, "HTTP %d: a redirection to %.200s, which is not followed",
                           out->status, location)
            : apr_psprintf(p, "HTTP %d: a redirection, which is not followed", out->status);
    }
    else {
        out->error = apr_psprintf(p, "HTTP %d", out->status);
    }
}

apr_status_t pd_webhook_post(apr_pool_t *p, const pd_webhook_request_t *rq,
                             pd_webhook_outcome_t *out)
{
    apr_time_t start = apr_time_now();
    exchange_t *x = apr_pcalloc(p, sizeof(*x));
    char curl_msg[CURL_ERROR_SIZE] = "";
    struct curl_slist *headers = NULL, *pin = NULL;
    const char *signature, *line;
    pd_webhook_url_t u;
    CURL *h = NULL;
    CURLcode rc = CURLE_OK;
    long status = 0, timeout = rq->timeout > 0 ? rq->timeout : 10;
    char *ip = NULL;
    int i;
    apr_int64_t t = rq->t > 0 ? rq->t : (apr_int64_t)apr_time_sec(start);

    memset(out, 0, sizeof(*out));
    if ((out->error = pd_webhook_url_check(p, rq->url, &u)) != NULL) {
        out->error = apr_pstrcat(p, "refused: ", out->error, NULL);
        out->permanent = 1;
        goto done;
    }
    if (!rq->body || !rq->event || !rq->delivery || strpbrk(rq->event, "\r\n")
        || strpbrk(rq->delivery, "\r\n")
        || pd_webhook_sign(p, rq->secret, t, rq->body, rq->body_len, &signature) != APR_SUCCESS) {
        out->error = "the request could not be signed";
        out->permanent = 1;
        goto done;
    }
    if ((out->error = resolve(p, &u, rq, x, out)) != NULL) {
        goto done;
    }
    if (!(h = curl_easy_init())) {
        out->error = "out of memory";
        goto done;
    }
#define ADD(list, text) \
    if (rc == CURLE_OK && !((list) = curl_slist_append((list), (text)))) rc = CURLE_OUT_OF_MEMORY
    ADD(headers, "Content-Type: application/json");
    ADD(headers, "Expect:");
    ADD(headers, apr_pstrcat(p, "Pharmadesk-Delivery: ", rq->delivery, NULL));
    ADD(headers, apr_pstrcat(p, "Pharmadesk-Event: ", rq->event, NULL));
    ADD(headers, apr_pstrcat(p, "Pharmadesk-Signature: ", signature, NULL));
    if (!u.literal) {
        /* this name is these addresses for this exchange, whatever DNS
         * says next */
        line = apr_psprintf(p, "%s:%d:", u.host, u.port);
        for (i = 0; i < x->npinned; i++) {
            const char *text = pd_webhook_addr_text(p, &x->pinned[i]);
            line = x->pinned[i].family == AF_INET6
                ? apr_pstrcat(p, line, i ? "," : "", "[", text, "]", NULL)
                : apr_pstrcat(p, line, i ? "," : "", text, NULL);
        }
        ADD(pin, line);
    }
#undef ADD
    /* http(s) alone, no redirection followed (a redirection is the
     * receiver's answer, not somewhere else to go), no proxy, TLS verified */
    if (rc == CURLE_OK) {
        rc = pd_curl_guard(h, CURLPROTO_HTTP | CURLPROTO_HTTPS, timeout, NULL);
    }
#define SET(opt, val) if (rc == CURLE_OK) rc = curl_easy_setopt(h, opt, val)
    SET(CURLOPT_URL, rq->url);
    SET(CURLOPT_RESOLVE, pin);
    SET(CURLOPT_OPENSOCKETFUNCTION, open_pinned);
    SET(CURLOPT_OPENSOCKETDATA, x);
    SET(CURLOPT_FORBID_REUSE, 1L);
    SET(CURLOPT_USERAGENT, rq->user_agent ? rq->user_agent : "Pharmadesk-Webhook");
    SET(CURLOPT_HTTPHEADER, headers);
    SET(CURLOPT_POST, 1L);
    SET(CURLOPT_POSTFIELDS, rq->body);
    SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
    SET(CURLOPT_WRITEFUNCTION, keep_answer);
    SET(CURLOPT_WRITEDATA, x);
    SET(CURLOPT_ERRORBUFFER, curl_msg);
#undef SET
    if (rc != CURLE_OK) {
        out->error = apr_pstrcat(p, "libcurl refused an option: ", curl_easy_strerror(rc), NULL);
        goto done;
    }
    rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (curl_easy_getinfo(h, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip && *ip) {
        out->address = apr_pstrdup(p, ip);   /* the one of them connected to */
    }
    out->status = status >= 100 && status <= 599 ? (int)status : 0;
    out->excerpt = pd_webhook_excerpt(p, x->answer, x->len);
    /* a 2xx status is the receiver's word that it took the delivery, even
     * when the rest of its answer is lost or not read */
    if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && x->capped)
        || (out->status >= 200 && out->status <= 299)) {
        if (out->status) {
            judge(p, h, out);
        }
        else {
            out->error = "the receiver's answer has no HTTP status";
        }
    }
    else {
        out->error = failure(p, rc, x, curl_msg, rq, out);
    }

done:
    curl_slist_free_all(headers);
    curl_slist_free_all(pin);
    if (h) {
        curl_easy_cleanup(h);
    }
    out->duration_ms = (int)((apr_time_now() - start) / 1000);
    return out->delivered ? APR_SUCCESS : APR_EGENERAL;
}
