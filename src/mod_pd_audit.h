/* The audit log's writers (mod_pd_audit.c), for the resources that change
 * master data, users and settings. */
#ifndef MOD_PD_AUDIT_H
#define MOD_PD_AUDIT_H

/* mod_pd_audit.c: the audit log of admin actions (migration 0012). Ends
 * the change's open transaction: records who did what to which object, from
 * before to after (the object's JSON as the API shows it; NULL for a create
 * or a delete), and commits both. Writes no entry when nothing changed. On
 * failure the change is rolled back and req->err filled (503). */
apr_status_t pd_audit_commit(pd_req_t *req, pd_audit_action_e action, pd_entity_e entity,
                             apr_int64_t id, const char *before, const char *after);
/* The same entry without the commit, for a change that records several
 * (the transaction must be open; on failure req->err is filled and the
 * caller rolls back). */
apr_status_t pd_audit_record(pd_req_t *req, pd_audit_action_e action, pd_entity_e entity,
                             apr_int64_t id, const char *before, const char *after);

/* A create with its audit entry, in one transaction: runs the INSERT (which
 * returns the new id and the object's JSON, or nothing when a unique key is
 * taken: 409 conflict), records it, commits, and answers 201 with Location
 * (api_base + path + "/" + id) and the object. */
typedef struct pd_audited_create_t {
    pd_sql_id_e insert;
    pd_entity_e entity;
    const char *path;             /* "/pharmacies" */
    const char *conflict_field;
    const char *conflict_message;
} pd_audited_create_t;
apr_status_t pd_audited_create(pd_req_t *req, const pd_audited_create_t *c,
                               const char *const *args, int nargs);

/* A change of one existing row with its audit entry (PATCH, or a DELETE
 * that deactivates), in one transaction: locks the row (lock, 1 the id; no
 * row: 404 "no such <noun>"), hands its first lock_cols columns (text,
 * NULL for NULL; the object's JSON before the change last) to merge, which
 * writes the update's arguments from them and the request's changes and
 * may check more (statements allowed) or refuse (its error answers, the
 * transaction rolls back); runs the update (a row: the object's JSON in
 * its first column, unless reread names a statement that reads it, 1 the
 * id; no row: a unique key is taken, 409 conflict), records the entry,
 * commits and answers 200 with the object. */
#define PD_AUDITED_MAX_COLS 16
#define PD_AUDITED_MAX_ARGS 16
typedef apr_status_t (*pd_audited_merge_fn)(pd_req_t *req, const char *const *row,
                                            const void *changes, const char **args);
typedef struct pd_audited_update_t {
    pd_sql_id_e lock;
    int lock_cols;
    pd_sql_id_e update;
    pd_sql_id_e reread;           /* PD_SQL__COUNT: the update answers with the JSON */
    pd_entity_e entity;
    const char *noun;             /* "pharmacy" */
    const char *conflict_field;
    const char *conflict_message;
    pd_audited_merge_fn merge;
} pd_audited_update_t;
apr_status_t pd_audited_update(pd_req_t *req, const pd_audited_update_t *u, const void *changes,
                               pd_audit_action_e action);

#endif
