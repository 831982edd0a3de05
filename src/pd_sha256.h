/* SHA-256 from libcrypto (OpenSSL), in lowercase hex: the digest of an
 * attachment's bytes, and the ETag of every page tagged by its content
 * (docs/design.md, "ETags"). A digest can be fed in pieces, so that an
 * attachment's is computed while its bytes stream to storage, never over
 * the whole file at once. */
#ifndef PD_SHA256_H
#define PD_SHA256_H

#include <apr.h>
#include <apr_pools.h>

#define PD_SHA256_DIGEST 32
#define PD_SHA256_HEX (PD_SHA256_DIGEST * 2 + 1)

typedef struct pd_sha256_t pd_sha256_t;

/* Initializes libcrypto and looks SHA-256 up once, for the process and
 * the children it forks, until the pool goes. Without it every digest
 * looks the algorithm up by name, and the first one pays for libcrypto's
 * initialization (about five million instructions, in a request). */
apr_status_t pd_sha256_global_init(apr_pool_t *p);

/* A digest context, freed with the pool; pd_sha256_init before each
 * message. */
apr_status_t pd_sha256_create(pd_sha256_t **out, apr_pool_t *p);
apr_status_t pd_sha256_init(pd_sha256_t *ctx);
/* A failure is remembered and reported by pd_sha256_final_hex. */
void pd_sha256_update(pd_sha256_t *ctx, const void *data, apr_size_t len);
/* The message's digest as 64 hex digits and a NUL. */
apr_status_t pd_sha256_final_hex(pd_sha256_t *ctx, char hex[PD_SHA256_HEX]);

/* The digest of one buffer. */
apr_status_t pd_sha256_hex(const void *data, apr_size_t len, char hex[PD_SHA256_HEX]);

#endif
