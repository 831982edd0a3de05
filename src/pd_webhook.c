#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_uri.h>
#include "pd_webhook.h"
#include "pd_utf8.h"

#define HMAC_BYTES 32
#define HEX_BYTES (HMAC_BYTES * 2)

static void to_hex(const unsigned char *in, apr_size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    apr_size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0x0f];
    }
    out[2 * n] = '\0';
}

/* hex of HMAC-SHA256(secret, "<t>.<body>") */
static apr_status_t mac_hex(apr_pool_t *p, const char *secret, apr_int64_t t, const char *body,
                            apr_size_t len, char hex[HEX_BYTES + 1])
{
    const char *prefix = apr_psprintf(p, "%" APR_INT64_T_FMT ".", t);
    apr_size_t plen = strlen(prefix);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    char *msg;

    if (!secret || !*secret || (!body && len)) {
        return APR_EINVAL;
    }
    msg = apr_palloc(p, plen + len + 1);
    memcpy(msg, prefix, plen);
    if (len) {
        memcpy(msg + plen, body, len);
    }
    if (!HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)msg, plen + len,
              mac, &maclen) || maclen != HMAC_BYTES) {
        return APR_EGENERAL;
    }
    to_hex(mac, HMAC_BYTES, hex);
    return APR_SUCCESS;
}

apr_status_t pd_webhook_sign(apr_pool_t *p, const char *secret, apr_int64_t t, const char *body,
                             apr_size_t len, const char **header)
{
    char hex[HEX_BYTES + 1];
    apr_status_t rv = mac_hex(p, secret, t, body, len, hex);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    *header = apr_psprintf(p, "t=%" APR_INT64_T_FMT ",v1=%s", t, hex);
    return APR_SUCCESS;
}

apr_status_t pd_webhook_verify(const char *header, const char *secret, const char *body,
                               apr_size_t len, apr_int64_t now, int tolerance)
{
    apr_pool_t *p;
    char *copy, *item, *state, *end;
    char hex[HEX_BYTES + 1];
    apr_int64_t t = -1;
    int have_v1 = 0, match = 0;
    apr_status_t rv;

    if (!header || strlen(header) > 2048) {
        return PD_WEBHOOK_EMALFORMED;
    }
    if (apr_pool_create(&p, NULL) != APR_SUCCESS) {
        return APR_ENOMEM;
    }
    copy = apr_pstrdup(p, header);
    for (item = apr_strtok(copy, ",", &state); item; item = apr_strtok(NULL, ",", &state)) {
        if (strncmp(item, "t=", 2) == 0 && t < 0 && apr_isdigit(item[2])) {
            t = apr_strtoi64(item + 2, &end, 10);
            if (*end || t < 0) {
                t = -1;
                break;
            }
        }
        else if (strncmp(item, "v1=", 3) == 0) {
            have_v1 = 1;
        }
    }
    if (t < 0 || !have_v1) {
        rv = PD_WEBHOOK_EMALFORMED;
        goto cleanup;
    }
    if (t < now - tolerance || t > now + tolerance) {
        rv = PD_WEBHOOK_EEXPIRED;
        goto cleanup;
    }
    if ((rv = mac_hex(p, secret, t, body, len, hex)) != APR_SUCCESS) {
        goto cleanup;
    }
    /* every v1 is compared, each in constant time (a secret being rotated
     * may sign twice) */
    copy = apr_pstrdup(p, header);
    for (item = apr_strtok(copy, ",", &state); item; item = apr_strtok(NULL, ",", &state)) {
        if (strncmp(item, "v1=", 3) == 0 && strlen(item + 3) == HEX_BYTES) {
            match |= CRYPTO_memcmp(item + 3, hex, HEX_BYTES) == 0;
        }
    }
    rv = match ? APR_SUCCESS : PD_WEBHOOK_EMISMATCH;

cleanup:
    apr_pool_destroy(p);
    return rv;
}

apr_status_t pd_webhook_secret_new(apr_pool_t *p, const char **secret)
{
    unsigned char raw[PD_WEBHOOK_SECRET_BYTES];
    char hex[PD_WEBHOOK_SECRET_BYTES * 2 + 1];

    if (RAND_bytes(raw, sizeof(raw)) != 1) {
        return APR_EGENERAL;
    }
    to_hex(raw, sizeof(raw), hex);
    OPENSSL_cleanse(raw, sizeof(raw));
    *secret = apr_pstrcat(p, PD_WEBHOOK_SECRET_PREFIX, hex, NULL);
    return APR_SUCCESS;
}

/* ---- URLs ------------------------------------------------------------------ */

/* A DNS name: labels of letters, digits and hyphens (not at either end
 * of a label), at most 253 bytes, no trailing dot, the last label not all
 * digits (which resolvers read as an address). */
static int host_name_valid(const char *h)
{
    apr_size_t n = strlen(h), label = 0;
    const char *c, *last = h;
    int digits_only = 1;

    if (n == 0 || n > 253) {
        return 0;
    }
    for (c = h; *c; c++) {
        if (*c == '.') {
            if (label == 0 || c[-1] == '-') {
                return 0;
            }
            label = 0;
            last = c + 1;
        }
        else if ((!apr_isalnum(*c) && *c != '-') || (*c == '-' && label == 0) || ++label > 63) {
            return 0;
        }
    }
    if (label == 0 || c[-1] == '-') {
        return 0;
    }
    for (c = last; *c; c++) {
        digits_only &= apr_isdigit(*c) != 0;
    }
    return !digits_only;
}

const char *pd_webhook_url_check(apr_pool_t *p, const char *url, pd_webhook_url_t *out)
{
    apr_uri_t u;
    pd_webhook_addr_t a;
    const char *c;

    memset(out, 0, sizeof(*out));
    if (!url || !*url) {
        return "the URL is empty";
    }
    if (strlen(url) > PD_WEBHOOK_URL_MAX) {
        return "the URL is longer than 2000 characters";
    }
    for (c = url; *c; c++) {
        if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f) {
            return "the URL has a space, a control character or a character that is not ASCII "
                   "(percent-encode it)";
        }
    }
    if (strncmp(url, "https://", 8) == 0) {
        out->https = 1;
    }
    else if (strncmp(url, "http://", 7) != 0) {
        return "the URL must start with https:// or http://";
    }
    if (apr_uri_parse(p, url, &u) != APR_SUCCESS || !u.hostname || !*u.hostname) {
        return "the URL has no host";
    }
    if (u.user || u.password || strchr(u.hostinfo ? u.hostinfo : "", '@')) {
        return "the URL must not carry a user name or password (the signature authenticates)";
    }
    if (u.fragment || strchr(url, '#')) {
        return "the URL must not have a fragment (#...)";
    }
    out->port = out->https ? 443 : 80;
    if (u.port_str) {
        char *end;
        long port = strtol(u.port_str, &end, 10);
        if (!*u.port_str || *end || port < 1 || port > 65535 || strlen(u.port_str) > 5) {
            return "the URL's port must be a number from 1 to 65535";
        }
        out->port = (int)port;
    }
    else if (u.hostinfo && u.hostinfo[strlen(u.hostinfo) - 1] == ':') {
        return "the URL's port must be a number from 1 to 65535";
    }
    out->host = u.hostname;
    if (pd_webhook_addr_parse(u.hostname, &a) == APR_SUCCESS) {
        if (a.family == AF_INET6 && u.hostinfo && u.hostinfo[0] != '[') {
            return "an IPv6 address in a URL must be in brackets";
        }
        out->literal = 1;
        return NULL;
    }
    if (u.hostinfo && u.hostinfo[0] == '[') {
        return "the URL's host is not a valid IPv6 address";
    }
    if (!host_name_valid(u.hostname)) {
        return "the URL's host is not a valid host name";
    }
    return NULL;
}

/* ---- addresses ------------------------------------------------------------- */

apr_status_t pd_webhook_addr_parse(const char *text, pd_webhook_addr_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!text) {
        return APR_EINVAL;
    }
    if (inet_pton(AF_INET, text, out->bytes) == 1) {
        out->family = AF_INET;
        return APR_SUCCESS;
    }
    if (inet_pton(AF_INET6, text, out->bytes) == 1) {
        out->family = AF_INET6;
        return APR_SUCCESS;
    }
    return APR_EINVAL;
}

const char *pd_webhook_addr_text(apr_pool_t *p, const pd_webhook_addr_t *a)
{
    char buf[INET6_ADDRSTRLEN];
    if (!inet_ntop(a->family, a->bytes, buf, sizeof(buf))) {
        return "?";
    }
    return apr_pstrdup(p, buf);
}

apr_status_t pd_webhook_net_parse(const char *cidr, pd_webhook_net_t *out)
{
    char buf[INET6_ADDRSTRLEN + 8];
    const char *slash;
    pd_webhook_addr_t a;
    long bits;
    int max, i;

    memset(out, 0, sizeof(*out));
    if (!cidr || strlen(cidr) >= sizeof(buf)) {
        return APR_EINVAL;
    }
    slash = strchr(cidr, '/');
    apr_cpystrn(buf, cidr, slash ? (apr_size_t)(slash - cidr) + 1 : sizeof(buf));
    if (pd_webhook_addr_parse(buf, &a) != APR_SUCCESS) {
        return APR_EINVAL;
    }
    max = a.family == AF_INET ? 32 : 128;
    bits = max;
    if (slash) {
        char *end;
        if (!apr_isdigit(slash[1]) || strlen(slash + 1) > 3) {
            return APR_EINVAL;
        }
        bits = strtol(slash + 1, &end, 10);
        if (*end || bits < 0 || bits > max) {
            return APR_EINVAL;
        }
    }
    /* no bits set past the prefix: 10.1.0.0/8 is a mistake, not a network */
    for (i = 0; i < max / 8; i++) {
        int keep = (int)bits - i * 8;
        unsigned char mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
        if (a.bytes[i] & (unsigned char)~mask) {
            return APR_EINVAL;
        }
    }
    out->family = a.family;
    memcpy(out->addr, a.bytes, sizeof(out->addr));
    out->bits = (int)bits;
    return APR_SUCCESS;
}

static int in_prefix(const unsigned char *addr, const unsigned char *prefix, int bits)
{
    int full = bits / 8, rest = bits % 8;
    if (memcmp(addr, prefix, (size_t)full) != 0) {
        return 0;
    }
    if (rest) {
        unsigned char mask = (unsigned char)(0xff << (8 - rest));
        return (addr[full] & mask) == (prefix[full] & mask);
    }
    return 1;
}

static int in_net(const pd_webhook_addr_t *a, const pd_webhook_net_t *n)
{
    return a->family == n->family && in_prefix(a->bytes, n->addr, n->bits);
}

/* The special-purpose ranges (RFC 6890 and its updates) a webhook may not
 * reach by default, the more specific of two overlapping ones first. */
static const struct {
    int family;
    unsigned char prefix[16];
    int bits;
    const char *why;
} special[] = {
    { AF_INET, { 0 }, 8, "unspecified" },
    { AF_INET, { 10 }, 8, "private" },
    { AF_INET, { 100, 64 }, 10, "shared (CGNAT)" },
    { AF_INET, { 127 }, 8, "loopback" },
    { AF_INET, { 169, 254 }, 16, "link-local" },
    { AF_INET, { 172, 16 }, 12, "private" },
    { AF_INET, { 192, 0, 0 }, 24, "reserved" },
    { AF_INET, { 192, 0, 2 }, 24, "reserved" },
    { AF_INET, { 192, 88, 99 }, 24, "reserved" },
    { AF_INET, { 192, 168 }, 16, "private" },
    { AF_INET, { 198, 18 }, 15, "reserved" },
    { AF_INET, { 198, 51, 100 }, 24, "reserved" },
    { AF_INET, { 203, 0, 113 }, 24, "reserved" },
    { AF_INET, { 224 }, 4, "multicast" },
    { AF_INET, { 240 }, 4, "reserved" },
    { AF_INET6, { 0 }, 128, "unspecified" },
    { AF_INET6, { [15] = 1 }, 128, "loopback" },
    { AF_INET6, { [10] = 0xff, [11] = 0xff }, 96, "IPv4-mapped" },
    { AF_INET6, { 0 }, 96, "reserved" },                         /* IPv4-compatible */
    { AF_INET6, { 0, 0x64, 0xff, 0x9b }, 96, "reserved" },       /* NAT64 */
    { AF_INET6, { 0, 0x64, 0xff, 0x9b, 0, 1 }, 48, "reserved" }, /* local NAT64 */
    { AF_INET6, { 1, 0 }, 64, "reserved" },                      /* discard */
    { AF_INET6, { 0x20, 0x01, 0, 0 }, 32, "reserved" },          /* Teredo */
    { AF_INET6, { 0x20, 0x01, 0x0d, 0xb8 }, 32, "reserved" },    /* documentation */
    { AF_INET6, { 0x20, 0x02 }, 16, "reserved" },                /* 6to4 */
    { AF_INET6, { 0xfc }, 7, "unique-local" },
    { AF_INET6, { 0xfe, 0x80 }, 10, "link-local" },
    { AF_INET6, { 0xfe, 0xc0 }, 10, "reserved" },                /* site-local */
    { AF_INET6, { 0xff }, 8, "multicast" },
};

const char *pd_webhook_addr_class(const pd_webhook_addr_t *a)
{
    apr_size_t i;
    for (i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
        if (special[i].family == a->family
            && in_prefix(a->bytes, special[i].prefix, special[i].bits)) {
            return special[i].why;
        }
    }
    return a->family == AF_INET || a->family == AF_INET6 ? NULL : "reserved";
}

int pd_webhook_addr_allowed(const pd_webhook_addr_t *a, const pd_webhook_net_t *allow, int n,
                            const char **why)
{
    const char *cls = pd_webhook_addr_class(a);
    int i;

    if (why) {
        *why = cls;
    }
    if (!cls) {
        return 1;
    }
    for (i = 0; i < n; i++) {
        if (in_net(a, &allow[i])) {
            return 1;
        }
    }
    return 0;
}

const char *pd_webhook_excerpt(apr_pool_t *p, const char *data, apr_size_t len)
{
    char *copy;
    apr_size_t i;

    if (!data || len == 0) {
        return NULL;
    }
    len = pd_utf8_fit(data, len, PD_WEBHOOK_EXCERPT_MAX);
    copy = apr_pstrmemdup(p, data, len);
    for (i = 0; i < len; i++) {
        if (copy[i] == '\0') {
            copy[i] = ' ';
        }
    }
    return pd_utf8_clean(p, copy, 1);
}
