/* Sending one webhook request with libcurl, without httpd: the part of
 * the webhook channel that a test program or a unit test can drive.
 *
 * The host is resolved here, before libcurl sees it, and each address is
 * checked (pd_webhook_addr_allowed): those allowed are pinned for the
 * connection (CURLOPT_RESOLVE), and libcurl's socket is refused if it is
 * for any other address, so that a name that resolves to something else a
 * moment later (DNS rebinding) cannot move the connection past the check.
 * Only http and https; no redirection is followed, no proxy used,
 * no signal raised; certificates are always verified. */
#ifndef PD_WEBHOOK_POST_H
#define PD_WEBHOOK_POST_H

#include "pd_webhook.h"

typedef struct pd_webhook_request_t {
    const char *url;
    const char *secret;
    const char *event;         /* Pharmadesk-Event */
    const char *delivery;      /* Pharmadesk-Delivery */
    const char *body;          /* JSON */
    apr_size_t body_len;
    const char *user_agent;
    int timeout;               /* seconds for the whole exchange (at most 10 to connect) */
    const pd_webhook_net_t *allow;   /* the networks allowed besides public addresses */
    int nallow;
    apr_int64_t t;             /* the signature's time (Unix seconds); 0: now */
} pd_webhook_request_t;

typedef struct pd_webhook_outcome_t {
    int delivered;             /* the receiver answered 2xx */
    int permanent;             /* trying again cannot help: a refused address, a bad URL, 410 */
    int gone;                  /* the receiver answered 410 Gone */
    int unreachable;           /* no answer at all: not resolved, not connected, timed out */
    int status;                /* the receiver's HTTP status; 0: none */
    const char *error;         /* why it was not delivered, one line; NULL when delivered */
    const char *excerpt;       /* the start of the answer (pd_webhook_excerpt); NULL: none */
    const char *address;       /* the address connected to or refused; NULL: none */
    int duration_ms;           /* resolving, connecting and the exchange */
} pd_webhook_outcome_t;

/* Signs the body (pd_webhook_sign at rq->t) and POSTs it with its headers.
 * Always fills *out; APR_SUCCESS exactly when delivered. */
apr_status_t pd_webhook_post(apr_pool_t *p, const pd_webhook_request_t *rq,
                             pd_webhook_outcome_t *out);

#endif
