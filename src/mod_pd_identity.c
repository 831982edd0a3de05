/* Identity: Apache authenticated the caller; this maps r->user to a users
 * row. Request headers are never read here. */
#include "mod_pd.h"
#include "pd_cursor.h"

apr_status_t pd_identify(pd_req_t *req)
{
    request_rec *r = req->r;
    const char *args[1];
    pd_db_result_t res;
    int role;

    /* only a request that went through an Apache authentication provider */
    if (!r->user || !*r->user || !ap_auth_type(r)) {
        return pd_error_set(&req->err, 401, "unauthenticated", NULL,
                            "authentication is required");
    }
    if (!pd_utf8_valid(r->user, 200)) {
        return pd_error_set(&req->err, 403, "no_access", NULL,
                            "your account has no access to Pharmadesk; ask your administrator");
    }
    args[0] = r->user;
    if (pd_db_select(&req->db, PD_SQL_USERS_IDENTIFY, args, &res) != APR_SUCCESS) {
        return pd_fail_db(req, "identifying the caller");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_error_set(&req->err, 403, "no_access", NULL,
                            "your account has no access to Pharmadesk; ask your administrator");
    }
    req->who.user_id = pd_db_get_int64(&res, 0);
    req->who.username = r->user;
    req->who.name = pd_db_get(&res, 1);
    role = (int)pd_db_get_int64(&res, 2);
    req->who.pharmacy_id = pd_db_get_int64(&res, 3);
    req->who.name_version = pd_db_get_int64(&res, 5);
    if (!pd_db_get_bool(&res, 4)) {
        return pd_error_set(&req->err, 403, "account_disabled", NULL,
                            "your account is deactivated; ask your administrator");
    }
    req->who.role = (role > PD_ROLE_NONE && role < PD_ROLE__COUNT) ? (pd_role_e)role
                                                                   : PD_ROLE_NONE;
    /* no role, or a customer not tied to a pharmacy: the least privilege */
    if (req->who.role == PD_ROLE_NONE
        || (req->who.role == PD_ROLE_CUSTOMER && req->who.pharmacy_id <= 0)) {
        return pd_error_set(&req->err, 403, "no_access", NULL,
                            "your account has no access to Pharmadesk yet; ask your administrator");
    }
    return APR_SUCCESS;
}
