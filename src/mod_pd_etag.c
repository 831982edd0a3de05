/* Conditional GET for list pages and the dashboard (the portal's live
 * updates).
 *
 * A page's ETag is the SHA-256 of the very bytes of the page, so it is exact
 * (any change the caller may see changes it; nothing they may not see can,
 * since the page holds only what they may read) and needs no extra query or
 * state: the list is read as usual and only the answer shrinks to a bodiless
 * 304 when the client already has it. Single tickets keep their own
 * version-based ETag (mod_pd_res_tickets.c); why SHA-256: docs/design.md,
 * "ETags". */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_sha256.h"

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
    char digest[PD_SHA256_HEX];
    const char *inm;
    char *etag;

    if (pd_sha256_hex(body, strlen(body), digest) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r, "pharmadesk: SHA-256 failed");
        return 0;              /* no tag: the page goes out whole */
    }
    etag = apr_pstrcat(req->r->pool, "\"l", digest, "\"", NULL);
    apr_table_setn(req->r->headers_out, "ETag", etag);
    inm = apr_table_get(req->r->headers_in, "If-None-Match");
    return inm && names_etag(inm, etag);
}
