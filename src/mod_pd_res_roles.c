/* GET /api/roles and /api/roles/{id}. The five roles are fixed: the
 * authorization policy (pd_authz.c) is written against them, so they are
 * read-only through the API. */
#include <apr_strings.h>
#include "mod_pd.h"

apr_status_t pd_res_roles_list(pd_req_t *req)
{
    pd_db_result_t res;
    const char *items;

    if (pd_db_select(&req->db, PD_SQL_CALL0(PD_SQL_ROLES_LIST), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "listing roles");
    }
    items = pd_db_next(&res) == APR_SUCCESS ? pd_db_get(&res, 0) : NULL;
    return pd_respond_json(req, HTTP_OK, apr_pstrcat(req->r->pool, "{\"items\":",
                                                     items ? items : "[]", "}", NULL));
}

apr_status_t pd_res_roles_get(pd_req_t *req)
{
    const char *args[1] = { pd_db_int(&req->db, req->id) };
    pd_db_result_t res;
    const char *text;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_ROLES_GET, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading a role");
    }
    if (pd_db_next(&res) != APR_SUCCESS || !(text = pd_db_get(&res, 0))) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such role");
    }
    return pd_respond_json(req, HTTP_OK, text);
}
