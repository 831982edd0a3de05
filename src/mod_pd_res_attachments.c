/* A ticket's attachments: the list, the download and the image preview.
 *
 * Whoever may read the ticket may read its public files; internal files are
 * staff's, as internal notes are. Any other file, like a missing one,
 * answers 404. A download always goes out as an attachment of a type from
 * the sniffing allowlist, with nosniff, a sandboxing Content-Security-Policy
 * and no-store, so that no uploaded byte ever runs in this site's origin;
 * the preview differs only by showing images (and nothing else) inline.
 * The view shows a PDF inline, for the browser's own PDF viewer in a tab
 * of its own: only a file stored as a PDF whose bytes still begin as one,
 * under a policy that lets the document load nothing and run nothing of
 * its own (Chromium's viewer draws it all the same). */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_sniff.h"
#include "pd_store.h"
#include "pd_download.h"
#include "pd_cond.h"

_Static_assert(PD_SQL_TICKET_ATTACHMENTS_LIST_NARGS == PD_SQL_TICKET_ATTACHMENTS_LIST_PUBLIC_NARGS,
               "every attachment's list and the public one take the same parameters");

apr_status_t pd_res_attachments_list(pd_req_t *req)
{
    const char *args[6], *q, *after_key, *after_id;
    pd_db_result_t res;
    apr_status_t rv;
    int limit;

    if ((rv = pd_list_limit(req, &limit)) != APR_SUCCESS
        || (rv = pd_name_page_params(req, "attachments", &q, &after_key, &after_id))
           != APR_SUCCESS) {
        return rv;
    }
    if ((rv = pd_ticket_visible(req)) != APR_SUCCESS) {
        return rv;
    }
    args[0] = pd_role_param(PD_ROLE_CUSTOMER);
    args[1] = args[2] = req->conf->api_base;
    args[3] = pd_db_int(&req->db, req->id);
    args[4] = after_id;
    args[5] = apr_itoa(req->r->pool, limit + 1);
    if (pd_db_select(&req->db, pd_authz_sees_internal(&req->who) ? PD_SQL_TICKET_ATTACHMENTS_LIST
                                                                 : PD_SQL_TICKET_ATTACHMENTS_LIST_PUBLIC,
                     PD_SQL_ARGS(PD_SQL_TICKET_ATTACHMENTS_LIST, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "listing attachments");
    }
    return pd_name_page_respond(req, &res, limit, "attachments");
}

typedef struct stored_file_t {
    const char *name;
    pd_sniff_e type;
    apr_off_t size;
    const char *sha256;
    const pd_store_t *store;
    const char *key;
} stored_file_t;

static apr_status_t find_file(pd_req_t *req, stored_file_t *f)
{
    const char *args[3], *storage;
    pd_db_result_t res;

    args[0] = pd_db_int(&req->db, req->id);
    args[1] = pd_db_int(&req->db, pd_authz_pharmacy_scope(&req->who));
    args[2] = pd_db_bool(pd_authz_sees_internal(&req->who));
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_TICKET_ATTACHMENTS_GET, args), &res)
        != APR_SUCCESS) {
        return pd_fail_db(req, "finding an attachment");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such attachment");
    }
    f->name = pd_db_get(&res, 0);
    f->type = pd_sniff_from_mime(pd_db_get(&res, 1));
    f->size = pd_db_get_int64(&res, 2);
    f->sha256 = pd_db_get(&res, 3);
    storage = pd_db_get(&res, 4);
    f->key = pd_db_get(&res, 5);
    pd_db_drain(&res);
    if (!(f->store = pd_store_find(storage))) {
        req->db.error = apr_psprintf(req->r->pool, "attachment %" APR_INT64_T_FMT
                                     " is in an unknown store", req->id);
        return pd_fail_db(req, "finding an attachment");
    }
    return APR_SUCCESS;
}

static apr_status_t write_piece(void *ctx, const char *data, apr_size_t len)
{
    request_rec *r = ctx;
    return ap_rwrite(data, (int)len, r) < 0 ? APR_ECONNABORTED : APR_SUCCESS;
}

typedef enum { SERVE_DOWNLOAD, SERVE_PREVIEW, SERVE_VIEW } serve_e;

/* The policies: a download or an image is a sandboxed document; a PDF shown
 * in a tab is that too, and may load nothing, be framed by nobody, and
 * send no form. Chromium's viewer renders under it (a test opens one). */
static const char *const serve_csp[] = {
    [SERVE_DOWNLOAD] = "sandbox",
    [SERVE_PREVIEW] = "sandbox",
    [SERVE_VIEW] = "default-src 'none'; frame-ancestors 'none'; base-uri 'none';"
                   " form-action 'none'; sandbox",
};

#define PDF_MAGIC "%PDF-"
#define PDF_MAGIC_LEN (sizeof(PDF_MAGIC) - 1)

typedef struct head_t {
    char bytes[PDF_MAGIC_LEN];
    apr_size_t len;
} head_t;

static apr_status_t keep_head(void *ctx, const char *data, apr_size_t len)
{
    head_t *head = ctx;
    apr_size_t n = len < PDF_MAGIC_LEN - head->len ? len : PDF_MAGIC_LEN - head->len;

    memcpy(head->bytes + head->len, data, n);
    head->len += n;
    return APR_SUCCESS;
}

/* A file shown as a PDF: its stored type says so (sniffed at upload), and
 * its first bytes, read again now, still do. */
static apr_status_t check_pdf(pd_req_t *req, const stored_file_t *f)
{
    head_t head = { { 0 }, 0 };

    if (f->type != PD_SNIFF_PDF || f->size < (apr_off_t)PDF_MAGIC_LEN) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "this attachment is not a PDF");
    }
    if (f->store->get(f->store, &req->db, f->key, 0, PDF_MAGIC_LEN, keep_head, &head)
        != APR_SUCCESS) {
        return pd_fail_db(req, "reading an attachment");
    }
    if (head.len != PDF_MAGIC_LEN || memcmp(head.bytes, PDF_MAGIC, PDF_MAGIC_LEN) != 0) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "this attachment is not a PDF");
    }
    return APR_SUCCESS;
}

/* The name a PDF is shown (and saved from its viewer) under ends in .pdf. */
static const char *pdf_name(apr_pool_t *p, const char *name)
{
    apr_size_t len = strlen(name);

    if (len >= 4 && strcasecmp(name + len - 4, ".pdf") == 0) {
        return name;
    }
    return apr_pstrcat(p, name, ".pdf", NULL);
}

static apr_status_t serve(pd_req_t *req, serve_e how)
{
    request_rec *r = req->r;
    const char *etag, *mime, *range = apr_table_get(r->headers_in, "Range");
    const char *if_range = apr_table_get(r->headers_in, "If-Range");
    apr_off_t first = 0, last = 0, len;
    stored_file_t f = { NULL, PD_SNIFF_UNKNOWN, 0, NULL, NULL, NULL };
    pd_range_e ranged = PD_RANGE_NONE;
    apr_status_t rv;
    int not_modified;

    if ((rv = find_file(req, &f)) != APR_SUCCESS) {
        return rv;
    }
    if (how == SERVE_PREVIEW && !pd_sniff_inline(f.type)) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "this attachment has no preview");
    }
    if (how == SERVE_VIEW) {
        if ((rv = check_pdf(req, &f)) != APR_SUCCESS) {
            return rv;
        }
        f.name = pdf_name(r->pool, f.name);
        /* read by this site's pages alone, never embedded by another's */
        apr_table_setn(r->err_headers_out, "Cross-Origin-Resource-Policy", "same-origin");
    }
    /* a stored type that is not (or no longer) one of ours goes out as bytes */
    mime = f.type != PD_SNIFF_UNKNOWN ? pd_sniff_mime(f.type) : "application/octet-stream";
    etag = apr_pstrcat(r->pool, "\"", f.sha256, "\"", NULL);

    pd_common_headers(r);
    apr_table_setn(r->err_headers_out, "Content-Security-Policy", serve_csp[how]);
    apr_table_setn(r->headers_out, "ETag", etag);
    if ((rv = pd_preconditions(req, etag, &not_modified)) != APR_SUCCESS || not_modified) {
        return rv;
    }
    /* If-Range: the range only of the very bytes the client has */
    if (range && pd_cond_range_applies(if_range, etag)) {
        ranged = pd_range_parse(range, f.size, &first, &last);
    }
    /* Apache's byte-range filter must not cut the response again */
    apr_table_unset(r->headers_in, "Range");
    if (ranged == PD_RANGE_UNSATISFIABLE) {
        apr_table_setn(r->err_headers_out, "Content-Range",
                       apr_psprintf(r->pool, "bytes */%" APR_OFF_T_FMT, f.size));
        return pd_error_set(&req->err, 416, "range_not_satisfiable", NULL,
                            "the range is outside the file");
    }
    apr_table_setn(r->headers_out, "Content-Disposition",
                   pd_content_disposition(r->pool, how == SERVE_DOWNLOAD ? "attachment" : "inline",
                                          f.name));
    apr_table_setn(r->headers_out, "Accept-Ranges", "bytes");
    if (ranged == PD_RANGE_OK) {
        r->status = HTTP_PARTIAL_CONTENT;
        apr_table_setn(r->headers_out, "Content-Range",
                       apr_psprintf(r->pool, "bytes %" APR_OFF_T_FMT "-%" APR_OFF_T_FMT
                                    "/%" APR_OFF_T_FMT, first, last, f.size));
        len = last - first + 1;
    }
    else {
        r->status = HTTP_OK;
        first = 0;
        len = f.size;
    }
    ap_set_content_type(r, mime);
    ap_set_content_length(r, len);
    if (r->header_only) {
        return APR_SUCCESS;
    }
    rv = f.store->get(f.store, &req->db, f.key, first, len, write_piece, r);
    if (rv != APR_SUCCESS) {
        /* the status line is gone: all that is left is to cut the response
         * short, which the client sees against its Content-Length */
        if (rv != APR_ECONNABORTED) {
            pd_fail_db(req, "reading an attachment");
        }
        r->connection->keepalive = AP_CONN_CLOSE;
        r->connection->aborted = 1;
    }
    return APR_SUCCESS;
}

apr_status_t pd_res_attachments_download(pd_req_t *req)
{
    return serve(req, SERVE_DOWNLOAD);
}

apr_status_t pd_res_attachments_preview(pd_req_t *req)
{
    return serve(req, SERVE_PREVIEW);
}

apr_status_t pd_res_attachments_view(pd_req_t *req)
{
    return serve(req, SERVE_VIEW);
}
