/* POST /api/tickets/{id}/attachments: files as a browser form sends them
 * (multipart/form-data), streamed to the attachment store as they arrive.
 *
 * Nothing holds a whole file or a whole request: the body is read a brigade
 * at a time, the multipart parser hands out a file's bytes in pieces, the
 * first PD_SNIFF_HEAD of them wait to be sniffed, and the store keeps one
 * chunk. Bytes are counted as they arrive, so a chunked body meets the same
 * limits as one with a Content-Length.
 *
 * Form fields, in order: "visibility" (public or internal) applies to the
 * files after it; "description" to the next file only; each "file" part is
 * one file. Every file, its metadata row and its timeline entry are written
 * in one transaction, which commits only when the whole body was good. */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_multipart.h"
#include "pd_sniff.h"
#include "pd_sha256.h"
#include "pd_store.h"
#include "pd_download.h"
#include "pd_validate.h"

#define DESCRIPTION_MAX 1000               /* characters */
#define DESCRIPTION_BYTES (4 * DESCRIPTION_MAX)
#define VISIBILITY_MAX 16
/* headers, descriptions and delimiters around each file, for the cap on a
 * whole request */
#define PART_OVERHEAD (16 * 1024)

typedef enum { PART_NONE, PART_FILE, PART_EMPTY_FILE, PART_FIELD } part_kind_e;

typedef struct upload_t {
    pd_req_t *req;
    const pd_store_t *store;
    pd_ticket_facts_t ticket;  /* as read before the body, and again under the lock */
    apr_off_t stored;          /* bytes the ticket's attachments held before */
    apr_off_t added;           /* bytes of this request's finished files */
    apr_off_t body_cap;        /* bytes the whole body may have */
    pd_mp_t *mp;
    int parts, files;
    apr_array_header_t *items; /* the new attachments' JSON */
    apr_array_header_t *rows;  /* and their row ids, for their timeline entries */
    apr_array_header_t *keys;  /* what this request put in the store */
    int any_public;
    /* what the form said before the current file */
    int internal;
    const char *description;
    /* the current part */
    part_kind_e kind;
    const char *field;
    char value[DESCRIPTION_BYTES + 1];
    apr_size_t value_len;
    const char *file_name;
    apr_off_t size;
    pd_sha256_t *sha;          /* of the current file's bytes */
    unsigned char head[PD_SNIFF_HEAD];
    apr_size_t head_len;
    pd_sniff_e type;
    pd_store_put_t *put;       /* open once the head was sniffed and allowed */
} upload_t;

/* The error for the first failure; a callback's refusal stops the parser. */
static apr_status_t refuse(upload_t *u, int status, const char *code, const char *field,
                           const char *message)
{
    pd_error_set(&u->req->err, status, code, field, message);
    return APR_EGENERAL;
}

static apr_status_t refuse_db(upload_t *u, const char *doing)
{
    pd_fail_db(u->req, doing);
    return APR_EGENERAL;
}

/* libcrypto could not digest: nothing a client did, nothing to retry */
static apr_status_t refuse_digest(upload_t *u)
{
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, u->req->r, "pharmadesk: SHA-256 failed");
    return refuse(u, 503, "service_unavailable", NULL, "the upload cannot be stored now");
}

/* Who may attach to this ticket now: a file is a timeline entry, under the
 * rule of every other (pd_authz_ticket_entry). */
static apr_status_t check_ticket(upload_t *u, int internal)
{
    return pd_authz_refuse(&u->req->err, pd_authz_ticket_entry(&u->req->who, &u->ticket, internal),
                           NULL);
}

/* stmt: pd_tickets_brief before the body is read, pd_tickets_lock_brief
 * after it, with the same parameters */
_Static_assert(PD_SQL_TICKETS_BRIEF_NARGS == PD_SQL_TICKETS_LOCK_BRIEF_NARGS,
               "pd_tickets_brief and pd_tickets_lock_brief take the same parameters");

static apr_status_t read_ticket(upload_t *u, pd_sql_id_e stmt)
{
    pd_req_t *req = u->req;
    const char *ticket = pd_db_int(&req->db, req->id);
    const char *args[] = { ticket, pd_db_int(&req->db, pd_authz_pharmacy_scope(&req->who)) };
    const char *total[] = { ticket };
    pd_db_result_t res;

    if (pd_db_select(&req->db, stmt, PD_DB_ARGS(args), &res) != APR_SUCCESS) {
        return refuse_db(u, "reading a ticket");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return refuse(u, 404, "not_found", NULL, "no such ticket");
    }
    pd_ticket_facts_read(&res, &u->ticket);
    pd_db_drain(&res);
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_TICKET_ATTACHMENTS_TOTAL, total), &res)
        != APR_SUCCESS || pd_db_next(&res) != APR_SUCCESS) {
        return refuse_db(u, "adding up a ticket's attachments");
    }
    u->stored = pd_db_get_int64(&res, 0);
    pd_db_drain(&res);
    return APR_SUCCESS;
}

static apr_status_t too_large_for_ticket(upload_t *u)
{
    return pd_error_setf(&u->req->err, u->req->r->pool, 413, "payload_too_large", "file",
                         "the ticket's attachments may hold %" APR_OFF_T_FMT
                         " bytes in all", u->req->conf->attachment_ticket_max);
}

static apr_status_t part_begin(void *ctx, const pd_mp_part_t *part)
{
    upload_t *u = ctx;
    const pd_server_conf_t *conf = u->req->conf;

    /* two parts per file (its description and itself) and a visibility */
    if (++u->parts > 2 * conf->attachment_max_files + 2) {
        return refuse(u, 400, "bad_multipart", NULL, "the form has too many parts");
    }
    if (!part->filename) {
        if (strcmp(part->name, "description") != 0 && strcmp(part->name, "visibility") != 0) {
            return refuse(u, 422, "unknown_field", part->name,
                          "the form takes file, description and visibility");
        }
        u->kind = PART_FIELD;
        u->field = part->name;
        u->value_len = 0;
        return APR_SUCCESS;
    }
    if (strcmp(part->name, "file") != 0) {
        return refuse(u, 422, "unknown_field", part->name, "files go in the field named file");
    }
    /* a file input left empty: browsers send it with no name and no bytes */
    if (!*part->filename) {
        u->kind = PART_EMPTY_FILE;
        return APR_SUCCESS;
    }
    if (++u->files > conf->attachment_max_files) {
        return pd_error_setf(&u->req->err, u->req->r->pool, 413, "payload_too_large", "file",
                             "one request may carry %d files at most",
                             conf->attachment_max_files);
    }
    if (check_ticket(u, u->internal) != APR_SUCCESS) {
        return APR_EGENERAL;
    }
    if (!(u->file_name = pd_filename_clean(u->req->r->pool, part->filename))) {
        return refuse(u, 422, "validation_failed", "file", "a file needs a name");
    }
    u->kind = PART_FILE;
    u->size = 0;
    u->head_len = 0;
    u->put = NULL;
    if (pd_sha256_init(u->sha) != APR_SUCCESS) {
        return refuse_digest(u);
    }
    return APR_SUCCESS;
}

/* The type from the file's first bytes; an allowed one opens the store. */
static apr_status_t sniff_and_open(upload_t *u, int whole)
{
    pd_req_t *req = u->req;

    u->type = pd_sniff(u->head, u->head_len, whole, u->file_name);
    if (u->type == PD_SNIFF_UNKNOWN || !(req->conf->attachment_types & (1u << u->type))) {
        return pd_error_setf(&req->err, req->r->pool, 415, "unsupported_media_type", "file",
                             "%s: its content is not a type this helpdesk accepts",
                             u->file_name);
    }
    if (u->store->put_open(u->store, &req->db, req->r->pool, &u->put) != APR_SUCCESS) {
        return refuse_db(u, "storing an attachment");
    }
    if (u->store->put_write(u->put, (const char *)u->head, u->head_len) != APR_SUCCESS) {
        return refuse_db(u, "storing an attachment");
    }
    return APR_SUCCESS;
}

static apr_status_t part_data(void *ctx, const char *data, apr_size_t len)
{
    upload_t *u = ctx;
    const pd_server_conf_t *conf = u->req->conf;

    if (u->kind == PART_FIELD) {
        apr_size_t max = strcmp(u->field, "description") == 0 ? DESCRIPTION_BYTES
                                                                : VISIBILITY_MAX;
        if (u->value_len + len > max) {
            return pd_error_setf(&u->req->err, u->req->r->pool, 422, "validation_failed",
                                 u->field, "%s may be %" APR_SIZE_T_FMT " bytes at most",
                                 u->field, max);
        }
        memcpy(u->value + u->value_len, data, len);
        u->value_len += len;
        return APR_SUCCESS;
    }
    if (u->kind == PART_EMPTY_FILE) {
        return refuse(u, 422, "validation_failed", "file", "a file needs a name");
    }
    u->size += (apr_off_t)len;
    if (u->size > conf->attachment_max_size) {
        return pd_error_setf(&u->req->err, u->req->r->pool, 413, "payload_too_large", "file",
                             "%s is larger than %" APR_OFF_T_FMT " bytes", u->file_name,
                             conf->attachment_max_size);
    }
    if (u->stored + u->added + u->size > conf->attachment_ticket_max) {
        return too_large_for_ticket(u);
    }
    pd_sha256_update(u->sha, data, len);
    if (!u->put) {
        apr_size_t take = PD_SNIFF_HEAD - u->head_len;
        if (take > len) {
            take = len;
        }
        memcpy(u->head + u->head_len, data, take);
        u->head_len += take;
        data += take;
        len -= take;
        if (u->head_len < PD_SNIFF_HEAD) {
            return APR_SUCCESS;
        }
        if (sniff_and_open(u, 0) != APR_SUCCESS) {
            return APR_EGENERAL;
        }
    }
    if (len && u->store->put_write(u->put, data, len) != APR_SUCCESS) {
        return refuse_db(u, "storing an attachment");
    }
    return APR_SUCCESS;
}

/* A description is checked as the same text in a JSON body would be (UTF-8,
 * trimmed, no control characters but line breaks and tabs, a length in
 * characters): one set of rules for every text the API takes. */
static apr_status_t description_valid(upload_t *u)
{
    json_t *form = json_object(), *text = json_stringn(u->value, u->value_len);
    apr_status_t rv;

    if (!form || !text || json_object_set_new(form, "description", text) != 0) {
        json_decref(form);
        return refuse(u, 422, "validation_failed", "description", "description must be UTF-8 text");
    }
    rv = pd_v_string(form, "description", PD_V_MULTILINE, 0, DESCRIPTION_MAX, u->req->r->pool,
                     &u->description, &u->req->err);
    json_decref(form);
    return rv == APR_SUCCESS ? APR_SUCCESS : APR_EGENERAL;
}

static apr_status_t field_end(upload_t *u)
{
    u->value[u->value_len] = '\0';
    if (memchr(u->value, '\0', u->value_len)) {
        return refuse(u, 422, "validation_failed", u->field, "the value holds a NUL byte");
    }
    if (strcmp(u->field, "visibility") == 0) {
        if (strcmp(u->value, "public") != 0 && strcmp(u->value, "internal") != 0) {
            return refuse(u, 422, "validation_failed", "visibility",
                          "visibility must be public or internal");
        }
        u->internal = u->value[0] == 'i';
        return u->internal ? check_ticket(u, 1) : APR_SUCCESS;
    }
    return description_valid(u);
}

static apr_status_t file_end(upload_t *u)
{
    pd_req_t *req = u->req;
    char sha[PD_SHA256_HEX];
    const char *args[13], *key;
    pd_db_result_t res;

    if (u->size == 0) {
        return refuse(u, 422, "validation_failed", "file",
                      apr_pstrcat(req->r->pool, u->file_name, " is empty", NULL));
    }
    if (!u->put && sniff_and_open(u, 1) != APR_SUCCESS) {
        return APR_EGENERAL;
    }
    if (u->store->put_close(u->put, req->r->pool, &key) != APR_SUCCESS) {
        u->put = NULL;
        return refuse_db(u, "storing an attachment");
    }
    u->put = NULL;
    APR_ARRAY_PUSH(u->keys, const char *) = key;
    if (pd_sha256_final_hex(u->sha, sha) != APR_SUCCESS) {
        return refuse_digest(u);
    }
    args[0] = pd_db_int(&req->db, req->id);
    args[1] = pd_db_int(&req->db, req->who.user_id);
    args[2] = u->file_name;
    args[3] = pd_sniff_mime(u->type);
    args[4] = pd_db_int(&req->db, u->size);
    args[5] = apr_pstrdup(req->r->pool, sha);
    args[6] = u->description ? u->description : "";
    args[7] = u->internal ? "internal" : "public";
    args[8] = u->store->name;
    args[9] = key;
    args[10] = pd_role_param(PD_ROLE_CUSTOMER);
    args[11] = args[12] = req->conf->api_base;
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_TICKET_ATTACHMENTS_INSERT, args), &res)
        != APR_SUCCESS || pd_db_next(&res) != APR_SUCCESS) {
        return refuse_db(u, "recording an attachment");
    }
    APR_ARRAY_PUSH(u->rows, const char *) = pd_db_get(&res, 0);
    APR_ARRAY_PUSH(u->items, const char *) = pd_db_get(&res, 1);
    pd_db_drain(&res);
    u->added += u->size;
    u->any_public |= !u->internal;
    u->description = NULL;
    return APR_SUCCESS;
}

static apr_status_t part_end(void *ctx)
{
    upload_t *u = ctx;
    part_kind_e kind = u->kind;

    u->kind = PART_NONE;
    if (kind == PART_FIELD) {
        return field_end(u);
    }
    return kind == PART_FILE ? file_end(u) : APR_SUCCESS;
}

static apr_status_t feed_parser(void *ctx, const char *data, apr_size_t len)
{
    upload_t *u = ctx;
    apr_status_t rv = pd_mp_feed(u->mp, data, len);
    if (rv == APR_EINVAL) {
        return refuse(u, 400, "bad_multipart", NULL, pd_mp_error(u->mp));
    }
    return rv;
}

/* Reads the body to its end through the parser. */
static apr_status_t stream_body(upload_t *u)
{
    apr_status_t rv = pd_read_body_stream(u->req, u->body_cap, 64 * 1024, feed_parser, u);
    if (rv == APR_SUCCESS && pd_mp_finish(u->mp) != APR_SUCCESS) {
        rv = refuse(u, 400, "bad_multipart", NULL, pd_mp_error(u->mp));
    }
    return rv;
}

/* Content type, boundary and declared length, before a byte is read. */
static apr_status_t check_request(upload_t *u, const char **boundary)
{
    pd_req_t *req = u->req;
    request_rec *r = req->r;
    const char *ct = apr_table_get(r->headers_in, "Content-Type");
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    const char *why = NULL;
    apr_off_t declared;

    if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0) {
        return refuse(u, 415, "unsupported_media_type", NULL,
                      "files are uploaded as multipart/form-data");
    }
    if (pd_mp_boundary(ct, r->pool, boundary, &why) != APR_SUCCESS) {
        return refuse(u, 400, "bad_multipart", NULL, why);
    }
    u->body_cap = (apr_off_t)req->conf->attachment_max_files
                  * (req->conf->attachment_max_size + PART_OVERHEAD) + PART_OVERHEAD;
    if (cl && apr_strtoff(&declared, cl, NULL, 10) == APR_SUCCESS && declared > u->body_cap) {
        return pd_error_setf(&req->err, r->pool, 413, "payload_too_large", NULL,
                             "the request body is larger than %" APR_OFF_T_FMT " bytes",
                             u->body_cap);
    }
    return APR_SUCCESS;
}

/* After the body: under the ticket's lock, what may have changed while it
 * was read (another upload filling the ticket, the ticket closing). */
static apr_status_t recheck_locked(upload_t *u)
{
    if (read_ticket(u, PD_SQL_TICKETS_LOCK_BRIEF) != APR_SUCCESS) {
        return APR_EGENERAL;
    }
    /* u->stored now counts this request's files as well */
    if (u->stored > u->req->conf->attachment_ticket_max) {
        return too_large_for_ticket(u);
    }
    return check_ticket(u, !u->any_public);
}

static apr_status_t respond(upload_t *u)
{
    pd_req_t *req = u->req;
    const char *joined = apr_array_pstrcat(req->r->pool, u->items, ',');
    return pd_respond_json(req, HTTP_CREATED,
                           apr_pstrcat(req->r->pool, "{\"items\":[", joined, "]}", NULL));
}

apr_status_t pd_res_attachments_create(pd_req_t *req)
{
    static const pd_mp_callbacks_t callbacks = { part_begin, part_data, part_end };
    upload_t *u = apr_pcalloc(req->r->pool, sizeof(*u));
    const char *boundary, *record[2];
    apr_status_t rv;

    u->req = req;
    u->store = &pd_store_postgresql;
    u->items = apr_array_make(req->r->pool, 4, sizeof(const char *));
    u->rows = apr_array_make(req->r->pool, 4, sizeof(const char *));
    u->keys = apr_array_make(req->r->pool, 4, sizeof(const char *));
    if (pd_sha256_create(&u->sha, req->r->pool) != APR_SUCCESS) {
        return refuse_digest(u);
    }
    if ((rv = check_request(u, &boundary)) != APR_SUCCESS) {
        return rv;
    }
    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting an upload");
    }
    if ((rv = read_ticket(u, PD_SQL_TICKETS_BRIEF)) != APR_SUCCESS
        || (rv = pd_mp_create(&u->mp, req->r->pool, boundary, &callbacks, u)) != APR_SUCCESS
        || (rv = stream_body(u)) != APR_SUCCESS) {
        goto cleanup;
    }
    if (u->items->nelts == 0) {
        rv = refuse(u, 422, "validation_failed", "file", "the form has no file");
        goto cleanup;
    }
    if ((rv = recheck_locked(u)) != APR_SUCCESS) {
        goto cleanup;
    }
    /* the timeline entries, now that the ticket is locked; the row ids are
     * the database's own, so the array literal is safe */
    record[0] = pd_db_int(&req->db, req->id);
    record[1] = apr_pstrcat(req->r->pool, "{", apr_array_pstrcat(req->r->pool, u->rows, ','), "}",
                            NULL);
    if (pd_db_exec(&req->db, PD_SQL_CALL(PD_SQL_TICKET_ATTACHMENTS_RECORD, record), NULL)
        != APR_SUCCESS) {
        rv = pd_fail_db(req, "recording attachments on the timeline");
        goto cleanup;
    }
    /* a public file changes the ticket everyone sees; an internal one
     * leaves it alone, like an internal note */
    if (u->any_public) {
        const char *touch[] = { pd_db_bool(0), NULL, pd_db_int(&req->db, req->id) };
        if (pd_db_exec(&req->db, PD_SQL_CALL(PD_SQL_TICKETS_TOUCH, touch), NULL) != APR_SUCCESS) {
            rv = pd_fail_db(req, "updating a ticket");
            goto cleanup;
        }
    }
    if (pd_db_commit(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "committing an upload");
    }
    return respond(u);

cleanup:
    if (u->put) {
        u->store->put_abort(u->put);
    }
    /* a store outside the database keeps what a rollback cannot undo */
    if (!u->store->transactional) {
        int i;
        for (i = 0; i < u->keys->nelts; i++) {
            u->store->remove(u->store, &req->db, APR_ARRAY_IDX(u->keys, i, const char *));
        }
    }
    pd_db_rollback(&req->db);
    return rv;
}
