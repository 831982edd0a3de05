/* /api/pharmacies. Customers see their own pharmacy and nothing else; admins
 * create, update and deactivate (DELETE), each write one transaction with its
 * audit entry. */
#include <stddef.h>
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_validate.h"

static const char *const body_fields[] = {
    "code", "name", "address", "city", "phone", "active", "tier", NULL
};

typedef struct pharmacy_t {
    const char *code, *name, *address, *city, *phone, *active;
    const char *tier;          /* the contract tier, NULL: none */
    int tier_given;            /* tier was sent (a value or null) */
} pharmacy_t;

apr_status_t pd_res_pharmacies_list(pd_req_t *req)
{
    const char *args[9], *inc, *q, *after_name, *after_id;
    pd_db_result_t res;
    apr_status_t rv;
    int limit;

    if ((rv = pd_list_limit(req, &limit)) != APR_SUCCESS
        || (rv = pd_name_page_params(req, "name", &q, &after_name, &after_id)) != APR_SUCCESS) {
        return rv;
    }
    inc = apr_table_get(req->query, "include_inactive");
    if (inc && strcmp(inc, "true") != 0 && strcmp(inc, "false") != 0) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "include_inactive",
                            "include_inactive must be true or false");
    }
    args[0] = pd_db_int(&req->db, pd_authz_pharmacy_scope(&req->who));
    args[1] = pd_db_bool(pd_authz_lists_inactive_pharmacies(&req->who,
                                                            inc && strcmp(inc, "true") == 0));
    args[2] = q;
    args[3] = q;
    args[4] = q;
    args[5] = after_name;
    args[6] = after_name;
    args[7] = after_id;
    args[8] = apr_itoa(req->r->pool, limit + 1);
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_PHARMACIES_LIST, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "listing pharmacies");
    }
    return pd_name_page_respond(req, &res, limit, "name");
}

static apr_status_t fetch(pd_req_t *req, const char **text)
{
    const char *args[2] = { pd_db_int(&req->db, req->id),
                            pd_db_int(&req->db, pd_authz_pharmacy_scope(&req->who)) };
    pd_db_result_t res;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_PHARMACIES_GET, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading a pharmacy");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such pharmacy");
    }
    *text = pd_db_get(&res, 0);
    pd_db_drain(&res);
    return APR_SUCCESS;
}

apr_status_t pd_res_pharmacies_get(pd_req_t *req)
{
    const char *text = NULL;
    apr_status_t rv = fetch(req, &text);
    return rv == APR_SUCCESS ? pd_respond_json(req, HTTP_OK, text) : rv;
}

/* Validates the members present; with creating, code and name are required. */
static apr_status_t read_body(pd_req_t *req, int creating, pharmacy_t *ph)
{
    static const struct { const char *name; size_t off; apr_size_t min, max; } texts[] = {
        { "code", offsetof(pharmacy_t, code), 1, 32 },
        { "name", offsetof(pharmacy_t, name), 1, 200 },
        { "address", offsetof(pharmacy_t, address), 0, 500 },
        { "city", offsetof(pharmacy_t, city), 0, 100 },
        { "phone", offsetof(pharmacy_t, phone), 0, 50 },
    };
    json_t *body;
    apr_status_t rv;
    apr_size_t i;
    int flag;

    memset(ph, 0, sizeof(*ph));
    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = pd_v_known_fields(body, body_fields, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        const char **out = (const char **)((char *)ph + texts[i].off);
        unsigned flags = creating && texts[i].min > 0 ? PD_V_REQUIRED : 0;
        rv = pd_v_string(body, texts[i].name, flags, texts[i].min, texts[i].max,
                         req->r->pool, out, &req->err);
        if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
            return rv;
        }
    }
    if (ph->code && !pd_is_code(ph->code)) {
        return pd_error_set(&req->err, 422, "validation_failed", "code",
                            "code must be 1 to 32 characters of A-Z, 0-9, _ and -");
    }
    /* a group of pharmacies sharing a contract, which service level
     * policies can name; null takes the pharmacy out of it */
    rv = pd_v_string(body, "tier", PD_V_NULLABLE, 1, 32, req->r->pool, &ph->tier, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    ph->tier_given = rv == APR_SUCCESS;
    if (ph->tier && !pd_is_code(ph->tier)) {
        return pd_error_set(&req->err, 422, "validation_failed", "tier",
                            "tier must be null or 1 to 32 characters of A-Z, 0-9, _ and -");
    }
    rv = pd_v_bool(body, "active", 0, &flag, &req->err);
    if (rv == APR_SUCCESS) {
        ph->active = pd_db_bool(flag);
    }
    return rv == APR_NOTFOUND ? APR_SUCCESS : rv;
}

apr_status_t pd_res_pharmacies_create(pd_req_t *req)
{
    static const pd_audited_create_t create = {
        PD_SQL_PHARMACIES_INSERT, PD_ENTITY_PHARMACY, "/pharmacies", "code",
        "a pharmacy with this code already exists"
    };
    pharmacy_t ph;
    const char *args[7];
    apr_status_t rv;

    if ((rv = read_body(req, 1, &ph)) != APR_SUCCESS) {
        return rv;
    }
    args[0] = ph.code;
    args[1] = ph.name;
    args[2] = ph.address ? ph.address : "";
    args[3] = ph.city ? ph.city : "";
    args[4] = ph.phone ? ph.phone : "";
    args[5] = ph.active ? ph.active : "true";
    args[6] = ph.tier;
    return pd_audited_create(req, &create, PD_SQL_ARGS(PD_SQL_PHARMACIES_INSERT, args));
}

/* PATCH and DELETE: the locked row (code, name, address, city, phone,
 * active, tier, the JSON) with the changes sent; 1-7 those, 8 id, 9 code
 * (the conflict check), 10 id. */
static apr_status_t merge(pd_req_t *req, const char *const *row, const void *sent,
                          const char **args)
{
    const pharmacy_t *changes = sent;

    args[0] = changes->code ? changes->code : row[0];
    args[1] = changes->name ? changes->name : row[1];
    args[2] = changes->address ? changes->address : row[2];
    args[3] = changes->city ? changes->city : row[3];
    args[4] = changes->phone ? changes->phone : row[4];
    args[5] = changes->active ? changes->active : pd_db_bool(pd_db_text_true(row[5]));
    args[6] = changes->tier_given ? changes->tier : row[6];
    args[7] = args[9] = pd_db_int(&req->db, req->id);
    args[8] = args[0];
    return APR_SUCCESS;
}

static apr_status_t write_merged(pd_req_t *req, const pharmacy_t *changes,
                                 pd_audit_action_e action)
{
    static const pd_audited_update_t update = {
        PD_SQL_PHARMACIES_LOCK, 8, PD_SQL_PHARMACIES_UPDATE, PD_SQL__COUNT, PD_ENTITY_PHARMACY,
        "pharmacy", "code", "a pharmacy with this code already exists", merge
    };
    return pd_audited_update(req, &update, changes, action);
}

apr_status_t pd_res_pharmacies_update(pd_req_t *req)
{
    pharmacy_t ph;
    apr_status_t rv = read_body(req, 0, &ph);
    return rv == APR_SUCCESS ? write_merged(req, &ph, PD_AUDIT_UPDATE) : rv;
}

apr_status_t pd_res_pharmacies_delete(pd_req_t *req)
{
    pharmacy_t ph = { NULL, NULL, NULL, NULL, NULL, "false", NULL, 0 };
    return write_merged(req, &ph, PD_AUDIT_DEACTIVATE);
}
