/* Conditional GET for list pages (the portal's live updates).
 *
 * A page's ETag is a digest of the very bytes of the page, so it is exact
 * (any change the caller may see changes it; nothing they may not see can,
 * since the page holds only what they may read) and needs no extra query or
 * state: the list is read as usual and only the answer shrinks to a bodiless
 * 304 when the client already has it. Single tickets keep their own
 * version-based ETag (mod_pd_res_tickets.c). */
#include <string.h>
#include <apr_strings.h>
#include <apr_sha1.h>
#include <apr_base64.h>
#include "mod_pd.h"

/* Whether an If-None-Match value (a list of entity tags, or "*") names etag;
 * weak comparison, as RFC 9110 asks for If-None-Match. */
static int names_etag(const char *inm, const char *etag)
{
    apr_size_t len;

    if (etag[0] == 'W' && etag[1] == '/') {
        etag += 2;
    }
    len = strlen(etag);
    while (*inm) {
        const char *end;
        while (*inm == ' ' || *inm == '\t' || *inm == ',') {
            inm++;
        }
        if (*inm == '*') {
            return 1;
        }
        if (inm[0] == 'W' && inm[1] == '/') {
            inm += 2;
        }
        if (*inm != '"') {
            return 0;
        }
        end = strchr(inm + 1, '"');
        if (!end) {
            return 0;
        }
        if ((apr_size_t)(end + 1 - inm) == len && strncmp(inm, etag, len) == 0) {
            return 1;
        }
        inm = end + 1;
    }
    return 0;
}

int pd_etag_not_modified(pd_req_t *req, const char *body)
{
    unsigned char digest[APR_SHA1_DIGESTSIZE];
    char b64[32];
    const char *inm;
    apr_sha1_ctx_t ctx;
    char *etag;
    int i;

    apr_sha1_init(&ctx);
    apr_sha1_update_binary(&ctx, (const unsigned char *)body, (unsigned int)strlen(body));
    apr_sha1_final(digest, &ctx);
    apr_base64_encode(b64, (const char *)digest, APR_SHA1_DIGESTSIZE);
    /* 27 characters of base64 without padding; '+' and '/' are fine in a tag */
    b64[27] = '\0';
    etag = apr_pstrcat(req->r->pool, "\"l", b64, "\"", NULL);
    for (i = 0; etag[i]; i++) {
        if (etag[i] == '/') {
            etag[i] = '_';
        }
    }
    apr_table_setn(req->r->headers_out, "ETag", etag);
    inm = apr_table_get(req->r->headers_in, "If-None-Match");
    return inm && names_etag(inm, etag);
}
