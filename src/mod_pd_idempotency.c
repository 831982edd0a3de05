/* Idempotency-Key on the POST routes that create (a ticket, a comment).
 *
 * The key is claimed by inserting it, in the same transaction as the
 * request's work; the answer is stored with it before the commit and sent
 * only after. So a retry finds either the stored answer (and gets it again,
 * with Idempotent-Replayed: true), or, while the first request still runs,
 * waits on the claimed row until that one commits (then replays it) or
 * rolls back (then does the work itself). Never two tickets for one key. */
#include <string.h>
#include <apr_strings.h>
#include <apr_sha1.h>
#include <apr_escape.h>
#include "mod_pd.h"

#define KEY_MAX 255

/* Visible ASCII: a key is an opaque token (often a UUID). */
int pd_idempotency_key_valid(const char *key)
{
    apr_size_t n = strlen(key);
    const char *c;

    if (n == 0 || n > KEY_MAX) {
        return 0;
    }
    for (c = key; *c; c++) {
        if (*c < 0x21 || *c > 0x7e) {
            return 0;
        }
    }
    return 1;
}

/* What makes two requests the same: method, path and body. */
static const char *fingerprint(pd_req_t *req)
{
    unsigned char digest[APR_SHA1_DIGESTSIZE];
    apr_sha1_ctx_t ctx;

    apr_sha1_init(&ctx);
    apr_sha1_update(&ctx, req->r->method, (unsigned int)strlen(req->r->method));
    apr_sha1_update(&ctx, " ", 1);
    apr_sha1_update(&ctx, req->r->uri, (unsigned int)strlen(req->r->uri));
    apr_sha1_update(&ctx, "\n", 1);
    apr_sha1_update_binary(&ctx, (const unsigned char *)req->body, (unsigned int)req->body_len);
    apr_sha1_final(digest, &ctx);
    return apr_pescape_hex(req->r->pool, digest, APR_SHA1_DIGESTSIZE, 0);
}

/* The stored answer of the request that claimed the key. */
static apr_status_t replay(pd_req_t *req, const char *key, const char *print)
{
    const char *args[] = { pd_db_int(&req->db, req->who.user_id), key };
    pd_db_result_t res;
    const char *location, *etag;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_IDEMPOTENCY_GET, args), &res) != APR_SUCCESS
        || pd_db_next(&res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading an idempotency key");
    }
    if (strcmp(pd_db_get(&res, 0), print) != 0) {
        return pd_error_set(&req->err, 422, "idempotency_key_reused", "Idempotency-Key",
                            "this Idempotency-Key was used for another request");
    }
    location = pd_db_get(&res, 3);
    etag = pd_db_get(&res, 4);
    if (location && *location) {
        apr_table_set(req->r->headers_out, "Location", location);
    }
    if (etag && *etag) {
        apr_table_set(req->r->headers_out, "ETag", etag);
    }
    apr_table_setn(req->r->headers_out, "Idempotent-Replayed", "true");
    return pd_respond_json(req, (int)pd_db_get_int64(&res, 1), pd_db_get(&res, 2));
}

/* The answer the handler deferred, kept with the key for a retry. */
static apr_status_t store(pd_req_t *req, const char *key)
{
    request_rec *r = req->r;
    const char *args[] = {
        apr_itoa(r->pool, req->deferred_status), req->deferred_json,
        apr_table_get(r->headers_out, "Location"), apr_table_get(r->headers_out, "ETag"),
        pd_db_int(&req->db, req->who.user_id), key
    };
    return pd_db_exec(&req->db, PD_SQL_CALL(PD_SQL_IDEMPOTENCY_STORE, args), NULL);
}

apr_status_t pd_idempotent_call(pd_req_t *req, const char *key, pd_handler_fn handler)
{
    const char *args[3], *print;
    pd_db_result_t res;
    apr_status_t rv;
    int claimed;

    if (!pd_idempotency_key_valid(key)) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "Idempotency-Key",
                            "Idempotency-Key must be 1 to 255 visible ASCII characters");
    }
    if ((rv = pd_read_body(req)) != APR_SUCCESS) {
        return rv;
    }
    print = fingerprint(req);
    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting an idempotent request");
    }
    args[0] = pd_db_int(&req->db, req->who.user_id);
    args[1] = key;
    args[2] = print;
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_IDEMPOTENCY_CLAIM, args), &res) != APR_SUCCESS) {
        rv = pd_fail_db(req, "claiming an idempotency key");
        goto cleanup;
    }
    claimed = pd_db_next(&res) == APR_SUCCESS;
    if (!claimed) {
        rv = replay(req, key, print);
        goto cleanup;
    }

    req->defer = 1;
    if ((rv = handler(req)) != APR_SUCCESS) {
        /* a refused request leaves the key free for a corrected retry */
        goto cleanup;
    }
    if (store(req, key) != APR_SUCCESS) {
        rv = pd_fail_db(req, "storing an idempotent answer");
        goto cleanup;
    }
    if (pd_db_commit(&req->db) != APR_SUCCESS) {
        req->defer = 0;
        return pd_fail_db(req, "committing an idempotent request");
    }
    return pd_respond_deferred(req);

cleanup:
    req->defer = 0;
    pd_db_rollback(&req->db);
    return rv;
}
