/* Conditional requests: the glue between a request's If-Match and
 * If-None-Match and their one evaluation (pd_cond.c), and the ETag of list
 * pages and the dashboard (the portal's live updates).
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
#include "pd_cond.h"

apr_status_t pd_preconditions(pd_req_t *req, const char *etag, int *not_modified)
{
    request_rec *r = req->r;
    /* HEAD is M_GET too */
    pd_cond_e cond = pd_cond_evaluate(apr_table_get(r->headers_in, "If-Match"),
                                      apr_table_get(r->headers_in, "If-None-Match"), etag,
                                      r->method_number == M_GET);

    *not_modified = cond == PD_COND_NOT_MODIFIED;
    if (cond == PD_COND_FAILED) {
        return pd_error_set(&req->err, 412, "precondition_failed", NULL,
                            "the resource has changed since it was read (If-Match), or is "
                            "the version If-None-Match names; reload it");
    }
    return *not_modified ? pd_respond_not_modified(req) : APR_SUCCESS;
}

apr_status_t pd_etag_page(pd_req_t *req, const char *body, int *not_modified)
{
    char digest[PD_SHA256_HEX];
    char *etag;

    if (pd_sha256_hex(body, strlen(body), digest) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r, "pharmadesk: SHA-256 failed");
        *not_modified = 0;     /* no tag: the page goes out whole */
        return APR_SUCCESS;
    }
    etag = apr_pstrcat(req->r->pool, "\"l", digest, "\"", NULL);
    apr_table_setn(req->r->headers_out, "ETag", etag);
    return pd_preconditions(req, etag, not_modified);
}
