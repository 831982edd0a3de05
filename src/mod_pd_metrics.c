/* What operators watch, per node: a Prometheus text endpoint (SetHandler
 * pharmadesk-metrics, on a <Location> of its own that the configuration
 * closes to the world) and a section of mod_status's server-status.
 *
 * The counters (pd_metrics.h) live in one block of anonymous shared memory
 * that the parent creates at each (re)start, before it forks the children:
 * every process of the node adds to the same counters, atomically, and a
 * scrape of any process sees the node's totals. A restart starts them
 * afresh, which Prometheus's rate() takes as a counter reset. The gauges
 * of the outbox and the service levels are read from the database at each
 * scrape, so every node reports the same values for them. */
#include <string.h>
#include <apr_shm.h>
#include <apr_strings.h>
#include <mod_status.h>
#include "mod_pd.h"
#include "pd_metrics.h"

#define HANDLER "pharmadesk-metrics"
#define ROUTE_NOTE "pharmadesk-route"

/* Set in post_config, before the children are forked; the block itself is
 * written with atomic adds only. NULL when it could not be had: nothing is
 * counted then, and the endpoint says so. */
static pd_metrics_t *metrics = NULL;
static pd_metrics_labels_t labels;

void pd_metrics_note_acquire(int ok, apr_interval_time_t took)
{
    if (metrics) {
        pd_metrics_acquire(metrics, ok, took);
    }
}

void pd_metrics_note_statement_failure(void)
{
    if (metrics) {
        pd_metrics_statement_failure(metrics);
    }
}

void pd_metrics_note_job(apr_size_t job, int ok)
{
    if (metrics) {
        pd_metrics_job(metrics, job, ok, apr_time_now());
    }
}

void pd_metrics_note_route(request_rec *r, const pd_route_t *route)
{
    apr_size_t count;
    const pd_route_t *table = pd_routes(&count);

    if (route >= table && route < table + count) {
        apr_table_setn(r->notes, ROUTE_NOTE, apr_ltoa(r->pool, (long)(route - table)));
    }
}

/* Every request under the API base, whoever answered it (the module, or
 * an authentication module before it), with the status it got in the end
 * (after an ErrorDocument's internal redirect). */
static int count_request(request_rec *r)
{
    const pd_server_conf_t *conf;
    const request_rec *last = r;
    const char *note;
    apr_size_t route;
    apr_size_t n;

    if (!metrics || r->main) {
        return DECLINED;
    }
    conf = ap_get_module_config(r->server->module_config, &pharmadesk_module);
    n = strlen(conf->api_base);
    if (!r->uri || strncmp(r->uri, conf->api_base, n) != 0 || (r->uri[n] != '/' && r->uri[n] != '\0')) {
        return DECLINED;
    }
    while (last->next) {
        last = last->next;
    }
    note = apr_table_get(r->notes, ROUTE_NOTE);
    route = note ? (apr_size_t)apr_atoi64(note) : metrics->nroutes;
    pd_metrics_request(metrics, route, last->status, apr_time_now() - r->request_time);
    return DECLINED;
}

/* ---- the endpoint ---------------------------------------------------------------- */

static void read_database(pd_req_t *req, pd_metrics_db_t *db)
{
    pd_db_result_t res;

    memset(db, 0, sizeof(*db));
    if (pd_acquire_db(req) != APR_SUCCESS) {
        return;
    }
    if (pd_db_select(&req->db, PD_SQL_CALL0(PD_SQL_METRICS_READ), &res) != APR_SUCCESS) {
        pd_fail_db(req, "reading the metrics");
        return;
    }
    if (pd_db_next(&res) == APR_SUCCESS) {
        db->have = 1;
        db->outbox = pd_db_get_int64(&res, 0);
        db->outbox_oldest_s = pd_db_get_int64(&res, 1) / 1000.0;
        db->deliveries_waiting = pd_db_get_int64(&res, 2);
        db->deliveries_oldest_s = pd_db_get_int64(&res, 3) / 1000.0;
        db->deliveries_dead = pd_db_get_int64(&res, 4);
        db->sla_overdue = pd_db_get_int64(&res, 5);
    }
    pd_db_drain(&res);
}

static int metrics_handler(request_rec *r)
{
    pd_req_t *req;
    pd_metrics_db_t db;
    const char *text;

    if (!r->handler || strcmp(r->handler, HANDLER) != 0) {
        return DECLINED;
    }
    req = pd_req_create(r);
    if (r->method_number != M_GET) {
        apr_table_setn(r->err_headers_out, "Allow", "GET, HEAD");
        pd_error_set(&req->err, 405, "method_not_allowed", NULL, "the metrics take GET and HEAD");
        pd_respond_error(r, req->conf, &req->err);
        return OK;
    }
    if (!metrics) {
        pd_error_set(&req->err, 503, "service_unavailable", NULL, "no metrics: see the error log");
        pd_respond_error(r, req->conf, &req->err);
        return OK;
    }
    read_database(req, &db);
    text = pd_metrics_render(metrics, &labels, &db, r->pool);
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    ap_set_content_type(r, "text/plain; version=0.0.4; charset=utf-8");
    ap_set_content_length(r, strlen(text));
    if (!r->header_only) {
        ap_rputs(text, r);
    }
    return OK;
}

/* ---- server-status ---------------------------------------------------------------- */

static const char *ago(request_rec *r, apr_uint64_t us)
{
    if (!us) {
        return "never";
    }
    return apr_psprintf(r->pool, "%.0f s ago",
                        (double)(apr_time_now() - (apr_time_t)us) / APR_USEC_PER_SEC);
}

static int status_section(request_rec *r, int flags)
{
    apr_uint64_t requests, errors;
    double mean_ms;
    apr_size_t j;
    int brief = flags & AP_STATUS_SHORT;

    if (!metrics) {
        return OK;
    }
    pd_metrics_totals(metrics, &requests, &errors, &mean_ms);
    if (brief) {
        ap_rprintf(r, "PharmadeskRequests: %" APR_UINT64_T_FMT "\nPharmadeskErrors5xx: %"
                   APR_UINT64_T_FMT "\nPharmadeskMeanMs: %.2f\nPharmadeskDbAcquireFailures: %"
                   APR_UINT64_T_FMT "\nPharmadeskDbStatementFailures: %" APR_UINT64_T_FMT "\n",
                   requests, errors, mean_ms, metrics->acquire_failures, metrics->statement_failures);
        for (j = 0; j < labels.njobs && j < PD_METRICS_JOBS; j++) {
            ap_rprintf(r, "PharmadeskJobLastRun_%s: %" APR_UINT64_T_FMT "\n", labels.jobs[j],
                       metrics->jobs[j].last_run_us / APR_USEC_PER_SEC);
        }
        return OK;
    }
    ap_rputs("<hr /><h2>Pharmadesk</h2>\n<table>\n", r);
    ap_rprintf(r, "<tr><th>API requests</th><td>%" APR_UINT64_T_FMT "</td></tr>\n"
               "<tr><th>answered 5xx</th><td>%" APR_UINT64_T_FMT "</td></tr>\n"
               "<tr><th>mean time</th><td>%.2f ms</td></tr>\n"
               "<tr><th>database acquires (waited, failed)</th><td>%" APR_UINT64_T_FMT
               " (%" APR_UINT64_T_FMT ", %" APR_UINT64_T_FMT ")</td></tr>\n"
               "<tr><th>statements failed</th><td>%" APR_UINT64_T_FMT "</td></tr>\n",
               requests, errors, mean_ms, metrics->acquires, metrics->acquire_waits,
               metrics->acquire_failures, metrics->statement_failures);
    for (j = 0; j < labels.njobs && j < PD_METRICS_JOBS; j++) {
        ap_rprintf(r, "<tr><th>job %s</th><td>last run %s, %" APR_UINT64_T_FMT " runs, %"
                   APR_UINT64_T_FMT " failed</td></tr>\n", labels.jobs[j],
                   ago(r, metrics->jobs[j].last_run_us), metrics->jobs[j].runs,
                   metrics->jobs[j].failures);
    }
    ap_rputs("</table>\n<p>The outbox and service levels: <code>/metrics</code>.</p>\n", r);
    return OK;
}

/* ---- set-up ------------------------------------------------------------------------ */

static int metrics_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                               server_rec *s)
{
    apr_size_t count, i;
    const pd_route_t *table = pd_routes(&count);
    const char **routes = apr_palloc(pconf, count * sizeof(*routes));
    apr_shm_t *shm;
    apr_status_t rv;

    metrics = NULL;
    for (i = 0; i < count; i++) {
        const char *m = pd_route_allow(pconf, table[i].method);
        /* "GET, HEAD, OPTIONS" -> "GET": the method the route is for */
        routes[i] = apr_pstrcat(pconf, apr_pstrndup(pconf, m, strcspn(m, ",")), " ",
                                table[i].pattern, NULL);
    }
    labels.routes = routes;
    labels.nroutes = count;
    labels.jobs = pd_maintenance_job_kinds(&labels.njobs);
    /* anonymous: inherited by the children this generation forks */
    rv = apr_shm_create(&shm, pd_metrics_size(count), NULL, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s,
                     "pharmadesk: no shared memory for the metrics: nothing is counted");
        return OK;
    }
    metrics = apr_shm_baseaddr_get(shm);
    pd_metrics_init(metrics, count, apr_time_now());
    return OK;
}

void pd_metrics_register(apr_pool_t *p)
{
    ap_hook_post_config(metrics_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_log_transaction(count_request, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(metrics_handler, NULL, NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(ap, status_hook, status_section, NULL, NULL, APR_HOOK_MIDDLE);
}
