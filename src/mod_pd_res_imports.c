/* POST /api/imports: a batch of another system's records (pd_import.h).
 * The body, larger than other JSON bodies, is counted here against its own
 * cap; each row is checked by the API's validators, then the format's
 * statement resolves references and conflicts and, unless this is a dry
 * run or anything is wrong, writes the batch: one call, one transaction,
 * all or nothing. */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_import.h"

/* The statement's report merged with the problems found before it. */
static apr_status_t run(pd_req_t *req, pd_import_t *imp, int dry_run, json_t **report)
{
    const char *rows, *args[9], *text;
    pd_db_result_t res;
    json_t *db_problems;
    const char *why = NULL;
    apr_size_t i;

    if (pd_json_dump(&rows, req->r->pool, imp->rows) != APR_SUCCESS) {
        return pd_error_set(&req->err, 500, "internal", NULL, "the batch could not be prepared");
    }
    args[0] = imp->source;
    args[1] = rows;
    args[2] = pd_db_bool(dry_run);
    args[3] = req->conf->ticket_prefix;
    args[4] = req->conf->time_zone;
    args[5] = pd_db_int(&req->db, req->who.user_id);
    args[6] = pd_role_param(pd_authz_assignee_role(PD_TF_TECH));
    args[7] = pd_role_param(pd_authz_assignee_role(PD_TF_EXPERT));
    args[8] = pd_role_param(PD_ROLE_CUSTOMER);
    if (pd_db_select(&req->db, imp->stmt, PD_DB_ARGS(args), &res) != APR_SUCCESS
        || pd_db_next(&res) != APR_SUCCESS) {
        return pd_fail_db(req, "importing a batch");
    }
    text = pd_db_get(&res, 0);
    pd_db_drain(&res);
    if (pd_json_parse_object(report, req->r->pool, text, strlen(text), &why) != APR_SUCCESS) {
        return pd_error_set(&req->err, 500, "internal", NULL, "the import's report was unreadable");
    }
    db_problems = json_object_get(*report, "problems");
    for (i = 0; i < json_array_size(db_problems); i++) {
        json_t *p = json_array_get(db_problems, i);
        pd_import_problem(imp, (apr_size_t)json_integer_value(json_object_get(p, "index")),
                          json_string_value(json_object_get(p, "source_id")),
                          json_string_value(json_object_get(p, "field")),
                          json_string_value(json_object_get(p, "code")),
                          json_string_value(json_object_get(p, "message")));
    }
    json_object_set(*report, "problems", imp->problems);
    json_object_set_new(*report, "problem_count", json_integer((json_int_t)imp->problem_count));
    return APR_SUCCESS;
}

apr_status_t pd_res_imports_create(pd_req_t *req)
{
    pd_import_t imp;
    json_t *body, *report = NULL;
    const char *why = NULL;
    apr_status_t rv;
    int refused;

    if (!pd_is_json_type(apr_table_get(req->r->headers_in, "Content-Type"))) {
        return pd_error_set(&req->err, 415, "unsupported_media_type", NULL,
                            "the request body must be application/json");
    }
    if ((rv = pd_read_body_limit(req, PD_IMPORT_MAX_BODY)) != APR_SUCCESS) {
        return rv;
    }
    if (req->body_len == 0) {
        return pd_error_set(&req->err, 400, "bad_json", NULL, "the request body is empty");
    }
    if (pd_json_parse_object(&body, req->r->pool, req->body, req->body_len, &why) != APR_SUCCESS) {
        return pd_error_set(&req->err, 400, "bad_json", NULL, why);
    }
    memset(&imp, 0, sizeof(imp));
    imp.pool = req->r->pool;
    imp.prefix = req->conf->ticket_prefix;
    if ((rv = pd_import_read(body, &imp, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    /* rows refused already: the rest only looked at, so that the report
     * holds every problem of the batch */
    refused = imp.problem_count > 0;
    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting an import");
    }
    if ((rv = run(req, &imp, imp.dry_run || refused, &report)) != APR_SUCCESS) {
        pd_db_rollback(&req->db);
        return rv;
    }
    refused = imp.problem_count > 0;
    if (refused || imp.dry_run) {
        pd_db_rollback(&req->db);
    }
    else if (pd_db_commit(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "committing an import");
    }
    json_object_set_new(report, "format", json_string(imp.format));
    json_object_set_new(report, "source", json_string(imp.source));
    json_object_set_new(report, "dry_run", json_boolean(imp.dry_run));
    json_object_set_new(report, "count", json_integer((json_int_t)imp.count));
    if (refused && !imp.dry_run) {
        /* nothing was written: the problems are the error's details */
        json_object_del(report, "created");
        json_object_del(report, "would_create");
        json_object_del(report, "tickets");
        pd_error_setf(&req->err, req->r->pool, 422, "import_refused", NULL,
                      "the batch has problems (%" APR_SIZE_T_FMT "); nothing was imported",
                      imp.problem_count);
        req->err.details = pd_json_bind(req->r->pool, json_pack("{s:O}", "report", report));
        return APR_EGENERAL;
    }
    if (refused) {
        json_object_set_new(report, "would_create", json_integer(0));
    }
    return pd_respond_json_value(req, !imp.dry_run && json_integer_value(json_object_get(report, "created")) > 0
                                      ? HTTP_CREATED : HTTP_OK, report);
}
