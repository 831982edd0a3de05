/* GET /api/reports/{volume,times,sla,staff,csat}: the figures managers are
 * measured by, over the days from..to of the dashboard's zone, by day, week
 * or month (the staff report: per expert or tech), filtered by pharmacy,
 * category, module, priority, expert or tech, as JSON or CSV. What a caller
 * may see of them is pd_authz_report's to decide; the counts are the
 * database's, exact and pre-aggregated (migration 0040), and so is the
 * JSON, which the CSV is written from. */
#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_validate.h"
#include "pd_csv.h"

/* The longest range a report takes, in days, and with daily buckets. */
#define RANGE_MAX_DAYS 3660
#define DAILY_MAX_DAYS 1100

/* Days since 1970-01-01 of a valid YYYY-MM-DD (the civil calendar). */
static long day_number(const char *s)
{
    long y = atol(s), m = atol(s + 5), d = atol(s + 8), era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* A required day, YYYY-MM-DD. */
static apr_status_t day_param(pd_req_t *req, const char *key, const char **out)
{
    const char *s = apr_table_get(req->query, key), *end;

    *out = s;
    if (!s) {
        return pd_error_setf(&req->err, NULL, 400, "invalid_parameter", key,
                             "%s is required, a date YYYY-MM-DD", key);
    }
    end = pd_scan_date(s);
    if (!end || *end || s[0] == '-' || strlen(s) != 10) {
        return pd_error_setf(&req->err, NULL, 400, "invalid_parameter", key,
                             "%s must be a date, YYYY-MM-DD", key);
    }
    return APR_SUCCESS;
}

static apr_int64_t id_value(const char *s)
{
    return s ? apr_atoi64(s) : 0;
}

apr_status_t pd_csv_wanted(pd_req_t *req, int *csv, int *bom)
{
    static const char *const formats[] = { "json", "csv", NULL };
    static const char *const flags[] = { "true", "false", NULL };
    const char *format, *with_bom, *accept = apr_table_get(req->r->headers_in, "Accept");
    apr_status_t rv;

    if ((rv = pd_choice_param(req, "format", formats, &format)) != APR_SUCCESS
        || (rv = pd_choice_param(req, "bom", flags, &with_bom)) != APR_SUCCESS) {
        return rv;
    }
    /* format wins over Accept; a client asking for CSV alone gets it */
    *csv = format ? strcmp(format, "csv") == 0
                  : accept && ap_strcasestr(accept, "text/csv") && !ap_strcasestr(accept, "json");
    *bom = with_bom && strcmp(with_bom, "true") == 0;
    if (*bom && !*csv) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "bom", "bom goes with CSV (format=csv)");
    }
    return APR_SUCCESS;
}

void pd_csv_start(pd_req_t *req, const char *name)
{
    pd_common_headers(req->r);
    req->r->status = HTTP_OK;
    ap_set_content_type(req->r, "text/csv; charset=utf-8");
    /* the name is the module's own: letters, digits, dashes */
    apr_table_setn(req->r->headers_out, "Content-Disposition",
                   apr_psprintf(req->r->pool, "attachment; filename=\"%s.csv\"", name));
}

apr_status_t pd_csv_send(pd_req_t *req, pd_csv_t *c)
{
    apr_size_t len;
    const char *text = pd_csv_take(c, &len);

    if (len == 0 || req->r->header_only) {
        return APR_SUCCESS;
    }
    return ap_rwrite(text, (int)len, req->r) < 0 ? APR_ECONNABORTED : APR_SUCCESS;
}

/* The report's JSON as a CSV table of its items. */
static apr_status_t respond_csv(pd_req_t *req, const char *json, const char *name, int bom)
{
    json_error_t error;
    json_t *doc = json_loads(json, 0, &error);
    pd_csv_t c;
    apr_status_t rv;

    if (!doc) {
        return pd_error_set(&req->err, 503, "service_unavailable", NULL,
                            "the report could not be read");
    }
    pd_csv_init(&c, req->r->pool, 8192);
    if (bom) {
        pd_csv_bom(&c);
    }
    pd_csv_json_table(&c, json_object_get(doc, "items"));
    json_decref(doc);
    pd_csv_start(req, name);
    rv = pd_csv_send(req, &c);
    return rv == APR_ECONNABORTED ? APR_SUCCESS : rv;
}

static apr_status_t report(pd_req_t *req, pd_report_e which, const char *what)
{
    static const char *const buckets[] = { "day", "week", "month", NULL };
    static const char *const people[] = { "expert", "tech", NULL };
    static const char *const priorities[] = { "low", "medium", "high", "urgent", NULL };
    const char *from, *to, *group, *pharmacy, *category, *modul, *priority, *expert_s, *tech_s;
    const char *field, *json, *args[11];
    apr_int64_t expert, tech;
    pd_report_view_t view;
    pd_db_result_t res;
    pd_sql_id_e id;
    apr_status_t rv;
    int staff = which == PD_REPORT_STAFF, csv, bom, n = 0;
    long days;

    if ((rv = day_param(req, "from", &from)) != APR_SUCCESS
        || (rv = day_param(req, "to", &to)) != APR_SUCCESS
        || (rv = pd_choice_param(req, "group_by", staff ? people : buckets, &group)) != APR_SUCCESS
        || (rv = pd_id_param(req, "pharmacy_id", &pharmacy)) != APR_SUCCESS
        || (rv = pd_id_param(req, "category_id", &category)) != APR_SUCCESS
        || (rv = pd_id_param(req, "module_id", &modul)) != APR_SUCCESS
        || (rv = pd_choice_param(req, "priority", priorities, &priority)) != APR_SUCCESS
        || (rv = pd_id_param(req, "expert_id", &expert_s)) != APR_SUCCESS
        || (rv = pd_id_param(req, "tech_id", &tech_s)) != APR_SUCCESS
        || (rv = pd_csv_wanted(req, &csv, &bom)) != APR_SUCCESS) {
        return rv;
    }
    group = group ? group
          : !staff ? "month" : pd_authz_report_by_tech(&req->who) ? "tech" : "expert";
    days = day_number(to) - day_number(from);
    if (days < 0) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "to", "to comes before from");
    }
    if (days >= RANGE_MAX_DAYS || (strcmp(group, "day") == 0 && days >= DAILY_MAX_DAYS)) {
        return pd_error_setf(&req->err, NULL, 400, "invalid_parameter", "to",
                             "a report covers at most %d days (%d by day)", RANGE_MAX_DAYS,
                             DAILY_MAX_DAYS);
    }
    expert = id_value(expert_s);
    tech = id_value(tech_s);
    if (pd_authz_report(&req->who, which, strcmp(group, "tech") == 0, &expert, &tech, &view,
                        &field) != PD_AZ_OK) {
        if (field) {
            return pd_error_set(&req->err, 403, "field_forbidden", field,
                                "you may not read these figures");
        }
        return pd_error_set(&req->err, 403, "forbidden", NULL, "your role may not read this report");
    }

    args[n++] = pd_db_int(&req->db, view.scope);
    args[n++] = pharmacy;
    args[n++] = category;
    args[n++] = modul;
    args[n++] = priority;
    args[n++] = expert ? pd_db_int(&req->db, expert) : NULL;
    args[n++] = tech ? pd_db_int(&req->db, tech) : NULL;
    args[n++] = from;
    args[n++] = to;
    args[n++] = group;
    if (staff) {
        args[n++] = view.only_user ? pd_db_int(&req->db, view.only_user) : NULL;
    }
    id = which == PD_REPORT_VOLUME ? PD_SQL_REPORT_VOLUME
         : which == PD_REPORT_TIMES ? PD_SQL_REPORT_TIMES
         : which == PD_REPORT_SLA ? PD_SQL_REPORT_SLA
         : which == PD_REPORT_STAFF ? PD_SQL_REPORT_STAFF : PD_SQL_REPORT_CSAT;
    if (pd_db_select(&req->db, id, args, n, &res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading a report");
    }
    json = pd_db_next(&res) == APR_SUCCESS ? pd_db_get(&res, 0) : NULL;
    pd_db_drain(&res);
    if (!json) {
        return pd_fail_db(req, "reading a report");
    }
    if (csv) {
        return respond_csv(req, json,
                           apr_psprintf(req->r->pool, "pharmadesk-%s-%s-%s", what, from, to), bom);
    }
    return pd_respond_json(req, HTTP_OK, json);
}

apr_status_t pd_res_report_volume(pd_req_t *req)
{
    return report(req, PD_REPORT_VOLUME, "volume");
}

apr_status_t pd_res_report_times(pd_req_t *req)
{
    return report(req, PD_REPORT_TIMES, "times");
}

apr_status_t pd_res_report_sla(pd_req_t *req)
{
    return report(req, PD_REPORT_SLA, "sla");
}

apr_status_t pd_res_report_staff(pd_req_t *req)
{
    return report(req, PD_REPORT_STAFF, "staff");
}

apr_status_t pd_res_report_csat(pd_req_t *req)
{
    return report(req, PD_REPORT_CSAT, "csat");
}
