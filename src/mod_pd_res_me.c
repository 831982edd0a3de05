/* GET /api/me: who am I, my role, my pharmacy, and what I may do. */
#include <string.h>
#include "mod_pd.h"

apr_status_t pd_res_me_get(pd_req_t *req)
{
    const char *args[1] = { pd_db_int(&req->db, req->who.user_id) };
    pd_db_result_t res;
    json_t *me, *allowed;
    const char *why = NULL;
    const char *text;
    int act;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_USERS_ME, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading the caller");
    }
    if (pd_db_next(&res) != APR_SUCCESS || !(text = pd_db_get(&res, 0))) {
        return pd_error_set(&req->err, 403, "no_access", NULL,
                            "your account has no access to Pharmadesk; ask your administrator");
    }
    if (pd_json_parse_object(&me, req->r->pool, text, strlen(text), &why) != APR_SUCCESS) {
        return pd_error_set(&req->err, 503, "service_unavailable", NULL, "bad data");
    }
    /* the portal shows only what the caller may do; the server still checks */
    allowed = json_array();
    for (act = 0; act < PD_ACT__COUNT; act++) {
        if (pd_authz_allows(req->who.role, (pd_action_e)act)) {
            json_array_append_new(allowed, json_string(pd_action_name((pd_action_e)act)));
        }
    }
    json_object_set_new(me, "permissions", allowed);
    return pd_respond_json_value(req, HTTP_OK, me);
}
