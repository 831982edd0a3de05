#include <string.h>
#include <apr_strings.h>
#include <apr_general.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "pd_desk_token.h"

#define ID_BYTES 16
#define MAC_BYTES 32
#define CONTEXT "pharmadesk-desk-token:"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* base64url of n bytes without padding into out (4n/3 rounded up + NUL) */
static void encode(const unsigned char *in, apr_size_t n, char *out)
{
    apr_size_t i;
    unsigned v;
    int bits = 0;

    v = 0;
    for (i = 0; i < n; i++) {
        v = (v << 8) | in[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            *out++ = alphabet[(v >> bits) & 63];
        }
    }
    if (bits > 0) {
        *out++ = alphabet[(v << (6 - bits)) & 63];
    }
    *out = '\0';
}

static int is_id(const char *s, apr_size_t n)
{
    apr_size_t i;
    for (i = 0; i < n; i++) {
        if (!s[i] || !strchr(alphabet, s[i])) {
            return 0;
        }
    }
    return 1;
}

apr_status_t pd_desk_token_new_id(char id[PD_DESK_ID_LEN + 1])
{
    unsigned char raw[ID_BYTES];
    apr_status_t rv = apr_generate_random_bytes(raw, sizeof(raw));

    if (rv != APR_SUCCESS) {
        return rv;
    }
    encode(raw, sizeof(raw), id);
    return APR_SUCCESS;
}

/* the mac of a public id, base64url */
static int mac_of(const char *secret, const char *id, char out[PD_DESK_MAC_LEN + 1])
{
    unsigned char msg[sizeof(CONTEXT) + PD_DESK_ID_LEN], mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;

    memcpy(msg, CONTEXT, sizeof(CONTEXT) - 1);
    memcpy(msg + sizeof(CONTEXT) - 1, id, PD_DESK_ID_LEN);
    if (!HMAC(EVP_sha256(), secret, (int)strlen(secret), msg, sizeof(CONTEXT) - 1 + PD_DESK_ID_LEN,
              mac, &len) || len != MAC_BYTES) {
        return 0;
    }
    encode(mac, MAC_BYTES, out);
    return 1;
}

const char *pd_desk_token_sign(apr_pool_t *p, const char *secret, const char *public_id)
{
    char mac[PD_DESK_MAC_LEN + 1];

    if (!secret || !public_id || strlen(public_id) != PD_DESK_ID_LEN
        || !is_id(public_id, PD_DESK_ID_LEN) || !mac_of(secret, public_id, mac)) {
        return NULL;
    }
    return apr_pstrcat(p, public_id, ".", mac, NULL);
}

int pd_desk_token_check(const char *secret, const char *token, char id[PD_DESK_ID_LEN + 1])
{
    char mac[PD_DESK_MAC_LEN + 1];

    if (!secret || !token || strlen(token) != PD_DESK_TOKEN_LEN || token[PD_DESK_ID_LEN] != '.'
        || !is_id(token, PD_DESK_ID_LEN) || !is_id(token + PD_DESK_ID_LEN + 1, PD_DESK_MAC_LEN)
        || !mac_of(secret, token, mac)) {
        return 0;
    }
    if (CRYPTO_memcmp(mac, token + PD_DESK_ID_LEN + 1, PD_DESK_MAC_LEN) != 0) {
        return 0;
    }
    memcpy(id, token, PD_DESK_ID_LEN);
    id[PD_DESK_ID_LEN] = '\0';
    return 1;
}
