/* A user's place in the organisation (migration 0060): their org unit (an
 * operator's, for a tech, confines what they see: pd_authz_unit_scope),
 * an optional NIP/NIK (a civil servant's or a citizen's identity number,
 * unique) and the institution they work for. The users API reads, checks
 * and writes it here. */
#include <string.h>
#include "mod_pd.h"
#include "pd_validate.h"

static int all_digits(const char *s)
{
    for (; *s; s++) {
        if (*s < '0' || *s > '9') {
            return 0;
        }
    }
    return 1;
}

apr_status_t pd_user_place_read(pd_req_t *req, const json_t *body, pd_user_place_t *out)
{
    apr_int64_t unit = 0;
    apr_status_t rv;

    memset(out, 0, sizeof(*out));
    rv = pd_v_id(body, "org_unit_id", PD_V_NULLABLE, &unit, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    out->has_org_unit = rv == APR_SUCCESS;
    out->org_unit = unit > 0 ? pd_db_int(&req->db, unit) : NULL;
    rv = pd_v_string(body, "nip_nik", PD_V_NULLABLE, 8, 20, req->r->pool, &out->nip_nik, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    out->has_nip_nik = rv == APR_SUCCESS;
    if (out->nip_nik && !all_digits(out->nip_nik)) {
        return pd_error_set(&req->err, 422, "validation_failed", "nip_nik",
                            "nip_nik must be 8 to 20 digits (a NIP or NIK)");
    }
    rv = pd_v_string(body, "institution", PD_V_NULLABLE, 1, 200, req->r->pool, &out->institution,
                     &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    out->has_institution = rv == APR_SUCCESS;
    return APR_SUCCESS;
}

apr_status_t pd_user_place_check(pd_req_t *req, const pd_user_place_t *pl)
{
    const char *args[2] = { pl->org_unit, NULL };
    pd_db_result_t res;
    int ok = 0;

    if (!pl->org_unit) {
        return APR_SUCCESS;
    }
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_ORG_UNIT_CONTACTS_REFS, args), &res)
        != APR_SUCCESS) {
        return pd_fail_db(req, "checking an org unit");
    }
    if (pd_db_next(&res) == APR_SUCCESS) {
        ok = pd_db_get_bool(&res, 0);
    }
    pd_db_drain(&res);
    return ok ? APR_SUCCESS
              : pd_error_set(&req->err, 422, "unknown_reference", "org_unit_id",
                             "org_unit_id names no active org unit");
}

apr_status_t pd_user_place_write(pd_req_t *req, apr_int64_t user, const pd_user_place_t *pl)
{
    const char *id = pd_db_int(&req->db, user);
    const char *args[9] = {
        pd_db_bool(pl->has_org_unit), pl->org_unit, pd_db_bool(pl->has_nip_nik), pl->nip_nik,
        pd_db_bool(pl->has_institution), pl->institution, id, pl->has_nip_nik ? pl->nip_nik : NULL,
        id
    };
    pd_db_result_t res;
    apr_status_t rv;
    int done;

    if (!pl->has_org_unit && !pl->has_nip_nik && !pl->has_institution) {
        return APR_SUCCESS;
    }
    if ((rv = pd_user_place_check(req, pl)) != APR_SUCCESS) {
        return rv;
    }
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_USERS_ORG_SET, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "setting a user's org unit");
    }
    done = pd_db_next(&res) == APR_SUCCESS;
    pd_db_drain(&res);
    return done ? APR_SUCCESS
                : pd_error_set(&req->err, 409, "conflict", "nip_nik",
                               "another user has this NIP/NIK");
}
