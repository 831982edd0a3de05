/* SHA-256 (FIPS 180-4), fed in pieces: an attachment's digest is computed
 * while its bytes stream to storage, never over the whole file at once.
 * APR-util offers SHA-1 only. */
#ifndef PD_SHA256_H
#define PD_SHA256_H

#include <apr.h>

#define PD_SHA256_DIGEST 32
#define PD_SHA256_HEX (PD_SHA256_DIGEST * 2 + 1)

typedef struct pd_sha256_t {
    apr_uint32_t state[8];
    apr_uint64_t length;       /* bytes fed so far */
    unsigned char block[64];
    apr_size_t used;           /* bytes waiting in block */
} pd_sha256_t;

void pd_sha256_init(pd_sha256_t *ctx);
void pd_sha256_update(pd_sha256_t *ctx, const void *data, apr_size_t len);
/* The digest as 64 lowercase hex digits and a NUL. */
void pd_sha256_final_hex(pd_sha256_t *ctx, char hex[PD_SHA256_HEX]);

#endif
