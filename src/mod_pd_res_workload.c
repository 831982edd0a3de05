/* GET /api/workload: how many active tickets (not closed or cancelled)
 * each tech and team expert holds, by status: what a team expert needs to
 * pick whom to forward a ticket to. Staff only; `role` narrows it to techs or
 * team experts. */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"

apr_status_t pd_res_workload_get(pd_req_t *req)
{
    const char *role = apr_table_get(req->query, "role");
    const char *args[2];
    pd_db_result_t res;
    const char *items;

    if (role && strcmp(role, "tech") != 0 && strcmp(role, "team_expert") != 0) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "role",
                            "role must be tech or team_expert");
    }
    args[0] = args[1] = role;
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_TICKETS_WORKLOAD, args), &res) != APR_SUCCESS
        || pd_db_next(&res) != APR_SUCCESS) {
        return pd_fail_db(req, "counting workload");
    }
    items = pd_db_get(&res, 0);
    return pd_respond_json(req, HTTP_OK, apr_pstrcat(req->r->pool, "{\"items\":",
                                                     items ? items : "[]", "}", NULL));
}
