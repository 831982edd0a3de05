#include <apr_escape.h>
#include <openssl/evp.h>
#include "pd_sha256.h"

struct pd_sha256_t {
    EVP_MD_CTX *md;
    int failed;                /* an update failed: the digest is wrong */
};

static EVP_MD *sha256;         /* pd_sha256_global_init's */

static apr_status_t free_sha256(void *data)
{
    EVP_MD_free(sha256);
    sha256 = NULL;
    return APR_SUCCESS;
}

apr_status_t pd_sha256_global_init(apr_pool_t *p)
{
    if (sha256) {
        return APR_SUCCESS;
    }
    if (!(sha256 = EVP_MD_fetch(NULL, "SHA256", NULL))) {
        return APR_EGENERAL;
    }
    apr_pool_cleanup_register(p, NULL, free_sha256, apr_pool_cleanup_null);
    return APR_SUCCESS;
}

static const EVP_MD *algorithm(void)
{
    return sha256 ? sha256 : EVP_sha256();
}

static apr_status_t free_md(void *data)
{
    EVP_MD_CTX_free(((pd_sha256_t *)data)->md);
    return APR_SUCCESS;
}

apr_status_t pd_sha256_create(pd_sha256_t **out, apr_pool_t *p)
{
    pd_sha256_t *ctx = apr_pcalloc(p, sizeof(*ctx));

    *out = NULL;
    if (!(ctx->md = EVP_MD_CTX_new())) {
        return APR_ENOMEM;
    }
    apr_pool_cleanup_register(p, ctx, free_md, apr_pool_cleanup_null);
    *out = ctx;
    return pd_sha256_init(ctx);
}

apr_status_t pd_sha256_init(pd_sha256_t *ctx)
{
    ctx->failed = EVP_DigestInit_ex(ctx->md, algorithm(), NULL) != 1;
    return ctx->failed ? APR_EGENERAL : APR_SUCCESS;
}

void pd_sha256_update(pd_sha256_t *ctx, const void *data, apr_size_t len)
{
    if (!ctx->failed && EVP_DigestUpdate(ctx->md, data, len) != 1) {
        ctx->failed = 1;
    }
}

apr_status_t pd_sha256_final_hex(pd_sha256_t *ctx, char hex[PD_SHA256_HEX])
{
    unsigned char digest[PD_SHA256_DIGEST];

    hex[0] = '\0';
    if (ctx->failed || EVP_DigestFinal_ex(ctx->md, digest, NULL) != 1) {
        ctx->failed = 1;
        return APR_EGENERAL;
    }
    apr_escape_hex(hex, digest, PD_SHA256_DIGEST, 0, NULL);
    return APR_SUCCESS;
}

apr_status_t pd_sha256_hex(const void *data, apr_size_t len, char hex[PD_SHA256_HEX])
{
    unsigned char digest[PD_SHA256_DIGEST];

    hex[0] = '\0';
    if (EVP_Digest(data, len, digest, NULL, algorithm(), NULL) != 1) {
        return APR_EGENERAL;
    }
    apr_escape_hex(hex, digest, PD_SHA256_DIGEST, 0, NULL);
    return APR_SUCCESS;
}
