/* The audit log's writers. An audited change and its audit entry are one
 * transaction: the resource opens it, makes the change, and instead of
 * committing calls pd_audit_commit with the object as the API shows it
 * before and after. If the entry cannot be written, the change rolls back
 * with it. The database works out what changed (pd_audit_changes, migration
 * 0012) and writes nothing when nothing did. */
#include <apr_strings.h>
#include "mod_pd.h"

apr_status_t pd_audit_record(pd_req_t *req, pd_audit_action_e action, pd_entity_e entity,
                             apr_int64_t id, const char *before, const char *after)
{
    if (!req->db.in_txn) {
        /* an entry outside the change's transaction could outlive a
         * rolled-back change, or be lost after a committed one */
        req->db.error = "an audit entry needs the change's transaction";
        return pd_fail_db(req, "recording an audit entry");
    }
    const char *args[] = {
        pd_db_id_or_null(&req->db, req->who.user_id), pd_audit_action_name(action),
        pd_entity_name(entity), pd_db_int(&req->db, id), before, after
    };
    if (pd_db_exec(&req->db, PD_SQL_CALL(PD_SQL_AUDIT_LOG_INSERT, args), NULL) != APR_SUCCESS) {
        return pd_fail_db(req, "recording an audit entry");
    }
    return APR_SUCCESS;
}

apr_status_t pd_audit_commit(pd_req_t *req, pd_audit_action_e action, pd_entity_e entity,
                             apr_int64_t id, const char *before, const char *after)
{
    apr_status_t rv = pd_audit_record(req, action, entity, id, before, after);

    if (rv != APR_SUCCESS) {
        pd_db_rollback(&req->db);
        return rv;
    }
    if (pd_db_commit(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, apr_pstrcat(req->r->pool, "committing a change to a ",
                                           pd_entity_name(entity), NULL));
    }
    return APR_SUCCESS;
}

apr_status_t pd_audited_create(pd_req_t *req, const pd_audited_create_t *c,
                               const char *const *args, int nargs)
{
    pd_db_result_t res;
    const char *id, *text;
    apr_status_t rv;

    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting a create");
    }
    if (pd_db_select(&req->db, c->insert, args, nargs, &res) != APR_SUCCESS) {
        rv = pd_fail_db(req, apr_pstrcat(req->r->pool, "creating a ", pd_entity_name(c->entity),
                                         NULL));
        goto cleanup;
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        rv = pd_error_set(&req->err, 409, "conflict", c->conflict_field, c->conflict_message);
        goto cleanup;
    }
    id = pd_db_get(&res, 0);
    text = pd_db_get(&res, 1);
    pd_db_drain(&res);
    if ((rv = pd_audit_commit(req, PD_AUDIT_CREATE, c->entity, apr_atoi64(id), NULL, text))
        != APR_SUCCESS) {
        return rv;
    }
    apr_table_setn(req->r->headers_out, "Location",
                   apr_pstrcat(req->r->pool, req->conf->api_base, c->path, "/", id, NULL));
    return pd_respond_json(req, HTTP_CREATED, text);

cleanup:
    pd_db_rollback(&req->db);
    return rv;
}

apr_status_t pd_audited_update(pd_req_t *req, const pd_audited_update_t *u, const void *changes,
                               pd_audit_action_e action)
{
    const char *id = pd_db_int(&req->db, req->id), *one[] = { id };
    const char *row[PD_AUDITED_MAX_COLS], *args[PD_AUDITED_MAX_ARGS];
    const char *doing = NULL, *before, *after;
    int nargs = pd_sql_get(u->update)->nargs, i;
    pd_db_result_t res;
    apr_status_t rv;

    if (u->lock_cols < 1 || u->lock_cols > PD_AUDITED_MAX_COLS || nargs > PD_AUDITED_MAX_ARGS) {
        req->db.misuse = 1;
        req->db.error = "an audited update beyond its bounds";
        return pd_fail_db(req, "preparing an audited update");
    }
    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, apr_pstrcat(req->r->pool, "starting to update the ", u->noun, NULL));
    }
    if (pd_db_select(&req->db, u->lock, PD_DB_ARGS(one), &res) != APR_SUCCESS) {
        doing = "locking";
        goto failed;
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        rv = pd_error_setf(&req->err, req->r->pool, 404, "not_found", NULL, "no such %s", u->noun);
        goto cleanup;
    }
    for (i = 0; i < u->lock_cols; i++) {
        row[i] = pd_db_get(&res, i);
    }
    before = row[u->lock_cols - 1];
    pd_db_drain(&res);
    memset(args, 0, sizeof(args));
    if ((rv = u->merge(req, row, changes, args)) != APR_SUCCESS) {
        goto cleanup;
    }
    if (pd_db_select(&req->db, u->update, args, nargs, &res) != APR_SUCCESS) {
        doing = "updating";
        goto failed;
    }
    /* the row is there and locked: nothing written means a unique key is taken */
    if (pd_db_next(&res) != APR_SUCCESS) {
        rv = pd_error_set(&req->err, 409, "conflict", u->conflict_field, u->conflict_message);
        goto cleanup;
    }
    after = pd_db_get(&res, 0);
    pd_db_drain(&res);
    if (u->reread != PD_SQL__COUNT) {
        if (pd_db_select(&req->db, u->reread, PD_DB_ARGS(one), &res) != APR_SUCCESS
            || pd_db_next(&res) != APR_SUCCESS) {
            doing = "reading";
            goto failed;
        }
        after = pd_db_get(&res, 0);
        pd_db_drain(&res);
    }
    if ((rv = pd_audit_commit(req, action, u->entity, req->id, before, after)) != APR_SUCCESS) {
        return rv;
    }
    return pd_respond_json(req, HTTP_OK, after);

failed:
    rv = pd_fail_db(req, apr_pstrcat(req->r->pool, doing, " the ", u->noun, NULL));
cleanup:
    pd_db_rollback(&req->db);
    return rv;
}
