/* Webhooks without httpd: the signature a receiver checks, the secrets,
 * the URLs an endpoint may have, and which network addresses a delivery
 * may reach (SSRF). The sending itself is pd_webhook_post.h's; the channel
 * and the admin API are the glue's (mod_pd_webhook.h).
 *
 * The signature: Pharmadesk-Signature: t=<unix time>,v1=<hex>, where hex is
 * HMAC-SHA256 keyed with the endpoint's secret (the whole string as shown,
 * "whsec_" and all) over "<t>.<body>", the body's exact bytes. A receiver
 * computes the same, compares in constant time, and refuses a t too far
 * from its clock (PD_WEBHOOK_TOLERANCE), so that a captured request cannot
 * be replayed later. */
#ifndef PD_WEBHOOK_H
#define PD_WEBHOOK_H

#include <apr.h>
#include <apr_errno.h>
#include <apr_pools.h>

#define PD_WEBHOOK_SECRET_PREFIX "whsec_"
/* 32 random bytes in hex after the prefix */
#define PD_WEBHOOK_SECRET_BYTES 32
#define PD_WEBHOOK_URL_MAX 2000
/* the start of a receiver's answer kept for the delivery log, in bytes */
#define PD_WEBHOOK_EXCERPT_MAX 4096
/* seconds a receiver accepts between t and its clock, either way */
#define PD_WEBHOOK_TOLERANCE 300

/* The Pharmadesk-Signature value for body signed at t (Unix seconds). */
apr_status_t pd_webhook_sign(apr_pool_t *p, const char *secret, apr_int64_t t, const char *body,
                             apr_size_t len, const char **header);

/* What a receiver does with a signature header, as the README describes
 * it: APR_SUCCESS when one v1 of the header is the HMAC of "<t>.<body>"
 * (compared in constant time) and t is within tolerance seconds of now;
 * PD_WEBHOOK_EMALFORMED for a header that is not "t=...,v1=...",
 * PD_WEBHOOK_EEXPIRED for a t out of the window (checked first, whatever
 * the signature), PD_WEBHOOK_EMISMATCH for no matching v1. */
#define PD_WEBHOOK_EMALFORMED (APR_OS_START_USERERR + 111)
#define PD_WEBHOOK_EEXPIRED   (APR_OS_START_USERERR + 112)
#define PD_WEBHOOK_EMISMATCH  (APR_OS_START_USERERR + 113)
apr_status_t pd_webhook_verify(const char *header, const char *secret, const char *body,
                               apr_size_t len, apr_int64_t now, int tolerance);

/* A new secret: PD_WEBHOOK_SECRET_PREFIX and 64 hex digits from the
 * system's random source. */
apr_status_t pd_webhook_secret_new(apr_pool_t *p, const char **secret);

/* A URL an endpoint may have, taken apart. */
typedef struct pd_webhook_url_t {
    int https;
    const char *host;          /* a name or an address, without IPv6's brackets */
    int port;                  /* given, or the scheme's */
    int literal;               /* host is an IP address */
} pd_webhook_url_t;

/* Whether url is one to send to: http:// or https://, a host name or an
 * IP address, an optional port (1-65535), an optional path and query of
 * printable ASCII; no user name or password, no fragment, at most
 * PD_WEBHOOK_URL_MAX bytes. NULL when it is, else why not (a phrase). */
const char *pd_webhook_url_check(apr_pool_t *p, const char *url, pd_webhook_url_t *out);

/* A network in CIDR form, IPv4 or IPv6. */
typedef struct pd_webhook_net_t {
    int family;                /* AF_INET or AF_INET6 */
    unsigned char addr[16];
    int bits;
} pd_webhook_net_t;

/* "10.0.0.0/8", "fd00::/8", or one address ("127.0.0.1", "::1"); host bits
 * must be zero. APR_EINVAL for anything else. */
apr_status_t pd_webhook_net_parse(const char *cidr, pd_webhook_net_t *out);

/* An address as its family and bytes (4 or 16). */
typedef struct pd_webhook_addr_t {
    int family;
    unsigned char bytes[16];
} pd_webhook_addr_t;

apr_status_t pd_webhook_addr_parse(const char *text, pd_webhook_addr_t *out);
/* The address as text ("127.0.0.1", "::1"). */
const char *pd_webhook_addr_text(apr_pool_t *p, const pd_webhook_addr_t *a);

/* Why an address is not one a webhook may reach by default: "loopback",
 * "private" (RFC 1918), "link-local", "shared (CGNAT)", "unique-local",
 * "IPv4-mapped", "multicast", "unspecified", and the other special-purpose
 * ranges ("reserved"); NULL for a public address. */
const char *pd_webhook_addr_class(const pd_webhook_addr_t *a);

/* Whether a delivery may connect to a: a public address, or one inside
 * one of the n networks allowed (PharmadeskWebhookAllowNetworks). When
 * not, *why (may be NULL) gets the address's class. */
int pd_webhook_addr_allowed(const pd_webhook_addr_t *a, const pd_webhook_net_t *allow, int n,
                            const char **why);

/* A receiver's answer as the delivery log keeps it: at most
 * PD_WEBHOOK_EXCERPT_MAX bytes of it, well-formed UTF-8 without control
 * characters but line breaks and tabs, cut at a whole character; NULL
 * for none. */
const char *pd_webhook_excerpt(apr_pool_t *p, const char *data, apr_size_t len);

#endif
