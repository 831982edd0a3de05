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
#include "mod_pd.h"
#include "pd_siphash.h"

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
    /* fixed, so that every process and node gives a page the same tag */
    static const unsigned char key[16] = "pharmadesk-etag1";
    const char *inm;
    char *etag;

    etag = apr_psprintf(req->r->pool, "\"l%016" APR_UINT64_T_HEX_FMT "\"",
                        pd_siphash24(key, body, strlen(body)));
    apr_table_setn(req->r->headers_out, "ETag", etag);
    inm = apr_table_get(req->r->headers_in, "If-None-Match");
    return inm && names_etag(inm, etag);
}
