/* GET /api/sla-compliance: the service levels' outcomes, met and breached
 * per target, over days of PharmadeskTimeZone's dashboard zone, grouped by
 * priority, category, module, pharmacy or month, within the caller's
 * pharmacy scope. The counts are the database's, exact and pre-aggregated
 * (migration 0032); the JSON is written there too. */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_validate.h"

/* A day parameter, YYYY-MM-DD: *out NULL when absent. */
static apr_status_t day_param(pd_req_t *req, const char *key, const char **out)
{
    const char *s = apr_table_get(req->query, key), *end;

    *out = NULL;
    if (!s) {
        return APR_SUCCESS;
    }
    end = pd_scan_date(s);
    if (!end || *end) {
        return pd_error_setf(&req->err, NULL, 400, "invalid_parameter", key,
                             "%s must be a date, YYYY-MM-DD", key);
    }
    *out = s;
    return APR_SUCCESS;
}

apr_status_t pd_res_sla_compliance(pd_req_t *req)
{
    static const char *const groups[] = { "all", "priority", "category", "module", "pharmacy",
                                          "month", NULL };
    const char *from, *to, *group = apr_table_get(req->query, "group_by"), *pharmacy, *json;
    const char *args[5];
    pd_db_result_t res;
    apr_status_t rv;
    int i;

    if ((rv = day_param(req, "from", &from)) != APR_SUCCESS
        || (rv = day_param(req, "to", &to)) != APR_SUCCESS
        || (rv = pd_id_param(req, "pharmacy_id", &pharmacy)) != APR_SUCCESS) {
        return rv;
    }
    /* dates as YYYY-MM-DD compare as text */
    if (from && to && strcmp(from, to) > 0) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "to", "to comes before from");
    }
    group = group ? group : "all";
    for (i = 0; groups[i] && strcmp(groups[i], group) != 0; i++) {
    }
    if (!groups[i]) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "group_by",
                            "group_by must be all, priority, category, module, pharmacy or month");
    }
    args[0] = pd_db_int(&req->db, pd_authz_pharmacy_scope(&req->who));
    args[1] = pharmacy;
    args[2] = from;
    args[3] = to;
    args[4] = group;
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_SLA_COMPLIANCE, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "counting service level outcomes");
    }
    json = pd_db_next(&res) == APR_SUCCESS ? pd_db_get(&res, 0) : NULL;
    pd_db_drain(&res);
    if (!json) {
        return pd_fail_db(req, "counting service level outcomes");
    }
    return pd_respond_json(req, HTTP_OK, json);
}
