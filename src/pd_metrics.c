/* Counting and the text format; see pd_metrics.h. */
#include <stddef.h>
#include <string.h>
#include <apr_atomic.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include "pd_metrics.h"

static const double bounds[PD_METRICS_BUCKETS] = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
};
static const char *const bound_text[PD_METRICS_BUCKETS] = {
    "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5"
};

apr_size_t pd_metrics_size(apr_size_t nroutes)
{
    return offsetof(pd_metrics_t, routes) + (nroutes + 1) * sizeof(pd_metrics_route_t);
}

void pd_metrics_init(pd_metrics_t *m, apr_size_t nroutes, apr_time_t now)
{
    memset(m, 0, pd_metrics_size(nroutes));
    m->nroutes = nroutes;
    m->started_us = (apr_uint64_t)now;
}

void pd_metrics_request(pd_metrics_t *m, apr_size_t route, int status, apr_interval_time_t took)
{
    pd_metrics_route_t *r = &m->routes[route < m->nroutes ? route : m->nroutes];
    double s = took > 0 ? (double)took / APR_USEC_PER_SEC : 0;
    apr_size_t b = 0;

    if (status >= PD_METRICS_STATUS_MIN && status < PD_METRICS_STATUS_MIN + PD_METRICS_STATUSES) {
        apr_atomic_inc64(&r->status[status - PD_METRICS_STATUS_MIN]);
    }
    while (b < PD_METRICS_BUCKETS && s > bounds[b]) {
        b++;
    }
    apr_atomic_inc64(&r->bucket[b]);
    apr_atomic_add64(&r->sum_us, took > 0 ? (apr_uint64_t)took : 0);
}

void pd_metrics_acquire(pd_metrics_t *m, int ok, apr_interval_time_t took)
{
    apr_atomic_inc64(&m->acquires);
    if (!ok) {
        apr_atomic_inc64(&m->acquire_failures);
    }
    if (took >= PD_METRICS_WAIT_US) {
        apr_atomic_inc64(&m->acquire_waits);
    }
    apr_atomic_add64(&m->acquire_us, took > 0 ? (apr_uint64_t)took : 0);
}

void pd_metrics_statement_failure(pd_metrics_t *m)
{
    apr_atomic_inc64(&m->statement_failures);
}

void pd_metrics_job(pd_metrics_t *m, apr_size_t job, int ok, apr_time_t now)
{
    pd_metrics_job_t *j;

    if (job >= PD_METRICS_JOBS) {
        return;
    }
    j = &m->jobs[job];
    apr_atomic_inc64(&j->runs);
    apr_atomic_set64(&j->last_run_us, (apr_uint64_t)now);
    if (ok) {
        apr_atomic_set64(&j->last_success_us, (apr_uint64_t)now);
    }
    else {
        apr_atomic_inc64(&j->failures);
    }
}

/* ---- the text ---------------------------------------------------------------- */

typedef struct out_t {
    apr_array_header_t *lines;
    apr_pool_t *p;
} out_t;

static void line(out_t *o, const char *text)
{
    *(const char **)apr_array_push(o->lines) = text;
}

static void head(out_t *o, const char *name, const char *type, const char *help)
{
    line(o, apr_pstrcat(o->p, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n", NULL));
}

static void value_u(out_t *o, const char *name, const char *labels, apr_uint64_t v)
{
    line(o, apr_psprintf(o->p, "%s%s %" APR_UINT64_T_FMT "\n", name, labels ? labels : "", v));
}

static void value_d(out_t *o, const char *name, const char *labels, double v)
{
    line(o, apr_psprintf(o->p, "%s%s %.6f\n", name, labels ? labels : "", v));
}

static double seconds(apr_uint64_t us)
{
    return (double)us / APR_USEC_PER_SEC;
}

/* The route's label; the text of a label value needs \, " and newline
 * escaped, which the route table's patterns never hold. */
static const char *route_label(const pd_metrics_labels_t *labels, apr_size_t i)
{
    return i < labels->nroutes ? labels->routes[i] : "none";
}

static void requests(out_t *o, const pd_metrics_t *m, const pd_metrics_labels_t *labels)
{
    apr_size_t i, s, b;

    head(o, "pharmadesk_http_requests_total", "counter",
         "API requests answered, by route (none: matched no route, or refused before routing) and status.");
    for (i = 0; i <= m->nroutes; i++) {
        for (s = 0; s < PD_METRICS_STATUSES; s++) {
            apr_uint64_t n = apr_atomic_read64((volatile apr_uint64_t *)&m->routes[i].status[s]);
            if (n) {
                value_u(o, "pharmadesk_http_requests_total",
                        apr_psprintf(o->p, "{route=\"%s\",status=\"%d\"}", route_label(labels, i),
                                     (int)s + PD_METRICS_STATUS_MIN), n);
            }
        }
    }
    head(o, "pharmadesk_http_request_duration_seconds", "histogram",
         "Time from the request's arrival to its logging, by route.");
    for (i = 0; i <= m->nroutes; i++) {
        const pd_metrics_route_t *r = &m->routes[i];
        const char *route = route_label(labels, i);
        apr_uint64_t cum = 0;

        for (b = 0; b <= PD_METRICS_BUCKETS; b++) {
            cum += apr_atomic_read64((volatile apr_uint64_t *)&r->bucket[b]);
        }
        if (!cum) {
            continue;
        }
        cum = 0;
        for (b = 0; b <= PD_METRICS_BUCKETS; b++) {
            cum += apr_atomic_read64((volatile apr_uint64_t *)&r->bucket[b]);
            value_u(o, "pharmadesk_http_request_duration_seconds_bucket",
                    apr_psprintf(o->p, "{route=\"%s\",le=\"%s\"}", route,
                                 b < PD_METRICS_BUCKETS ? bound_text[b] : "+Inf"), cum);
        }
        value_d(o, "pharmadesk_http_request_duration_seconds_sum",
                apr_psprintf(o->p, "{route=\"%s\"}", route),
                seconds(apr_atomic_read64((volatile apr_uint64_t *)&r->sum_us)));
        value_u(o, "pharmadesk_http_request_duration_seconds_count",
                apr_psprintf(o->p, "{route=\"%s\"}", route), cum);
    }
}

static apr_uint64_t rd(const apr_uint64_t *v)
{
    return apr_atomic_read64((volatile apr_uint64_t *)v);
}

static void pool(out_t *o, const pd_metrics_t *m)
{
    head(o, "pharmadesk_db_acquires_total", "counter",
         "Connections asked of mod_dbd's pool (requests and background jobs).");
    value_u(o, "pharmadesk_db_acquires_total", NULL, rd(&m->acquires));
    head(o, "pharmadesk_db_acquire_failures_total", "counter",
         "Connections the pool could not give (database unreachable): each a 503.");
    value_u(o, "pharmadesk_db_acquire_failures_total", NULL, rd(&m->acquire_failures));
    head(o, "pharmadesk_db_acquire_waits_total", "counter",
         "Acquires that took 1 ms or more: waited for a free connection, or connected anew.");
    value_u(o, "pharmadesk_db_acquire_waits_total", NULL, rd(&m->acquire_waits));
    head(o, "pharmadesk_db_acquire_seconds_total", "counter", "Time spent acquiring connections.");
    value_d(o, "pharmadesk_db_acquire_seconds_total", NULL, seconds(rd(&m->acquire_us)));
    head(o, "pharmadesk_db_statement_failures_total", "counter",
         "Requests that failed on a database statement (answered 503).");
    value_u(o, "pharmadesk_db_statement_failures_total", NULL, rd(&m->statement_failures));
}

static void jobs(out_t *o, const pd_metrics_t *m, const pd_metrics_labels_t *labels)
{
    apr_size_t j, n = labels->njobs < PD_METRICS_JOBS ? labels->njobs : PD_METRICS_JOBS;
    static const struct {
        const char *name, *type, *help;
        size_t field;
    } series[] = {
        { "pharmadesk_background_runs_total", "counter", "Runs of each background job on this node.",
          offsetof(pd_metrics_job_t, runs) },
        { "pharmadesk_background_failures_total", "counter",
          "Runs that failed (the database away, most often).", offsetof(pd_metrics_job_t, failures) },
        { "pharmadesk_background_last_run_timestamp_seconds", "gauge",
          "When the job last ran on this node (0: not yet).", offsetof(pd_metrics_job_t, last_run_us) },
        { "pharmadesk_background_last_success_timestamp_seconds", "gauge",
          "When the job last ran without failing on this node (0: not yet).",
          offsetof(pd_metrics_job_t, last_success_us) },
    };
    apr_size_t s;

    for (s = 0; s < sizeof(series) / sizeof(series[0]); s++) {
        head(o, series[s].name, series[s].type, series[s].help);
        for (j = 0; j < n; j++) {
            apr_uint64_t v = rd((const apr_uint64_t *)((const char *)&m->jobs[j] + series[s].field));
            const char *lb = apr_psprintf(o->p, "{job=\"%s\"}", labels->jobs[j]);
            if (series[s].type[0] == 'g') {
                value_d(o, series[s].name, lb, seconds(v));
            }
            else {
                value_u(o, series[s].name, lb, v);
            }
        }
    }
}

static void database(out_t *o, const pd_metrics_db_t *db)
{
    head(o, "pharmadesk_database_up", "gauge", "1 when this scrape could read the database.");
    value_u(o, "pharmadesk_database_up", NULL, db->have ? 1 : 0);
    if (!db->have) {
        return;
    }
    head(o, "pharmadesk_outbox_events", "gauge", "Notification events not yet fanned out.");
    value_u(o, "pharmadesk_outbox_events", NULL, (apr_uint64_t)db->outbox);
    head(o, "pharmadesk_outbox_oldest_age_seconds", "gauge",
         "Age of the oldest event not yet fanned out (0: none).");
    value_d(o, "pharmadesk_outbox_oldest_age_seconds", NULL, db->outbox_oldest_s);
    head(o, "pharmadesk_notify_deliveries_waiting", "gauge",
         "Deliveries pending, being sent or failed and due again.");
    value_u(o, "pharmadesk_notify_deliveries_waiting", NULL, (apr_uint64_t)db->deliveries_waiting);
    head(o, "pharmadesk_notify_deliveries_oldest_age_seconds", "gauge",
         "Age of the oldest delivery still waiting (0: none).");
    value_d(o, "pharmadesk_notify_deliveries_oldest_age_seconds", NULL, db->deliveries_oldest_s);
    head(o, "pharmadesk_notify_deliveries_dead", "gauge", "Deliveries given up on (an admin may retry them).");
    value_u(o, "pharmadesk_notify_deliveries_dead", NULL, (apr_uint64_t)db->deliveries_dead);
    head(o, "pharmadesk_sla_breached_tickets", "gauge",
         "Running tickets past their service level's due time.");
    value_u(o, "pharmadesk_sla_breached_tickets", NULL, (apr_uint64_t)db->sla_overdue);
}

const char *pd_metrics_render(const pd_metrics_t *m, const pd_metrics_labels_t *labels,
                              const pd_metrics_db_t *db, apr_pool_t *p)
{
    out_t o = { apr_array_make(p, 256, sizeof(const char *)), p };

    requests(&o, m, labels);
    pool(&o, m);
    jobs(&o, m, labels);
    database(&o, db);
    head(&o, "pharmadesk_metrics_since_timestamp_seconds", "gauge",
         "When these counters started (Apache's last start or graceful restart).");
    value_d(&o, "pharmadesk_metrics_since_timestamp_seconds", NULL, seconds(m->started_us));
    return apr_array_pstrcat(p, o.lines, '\0');
}

void pd_metrics_totals(const pd_metrics_t *m, apr_uint64_t *requests_out, apr_uint64_t *errors_5xx,
                       double *mean_ms)
{
    apr_uint64_t n = 0, e = 0, us = 0;
    apr_size_t i, s;

    for (i = 0; i <= m->nroutes; i++) {
        for (s = 0; s < PD_METRICS_STATUSES; s++) {
            apr_uint64_t c = rd(&m->routes[i].status[s]);
            n += c;
            if (s + PD_METRICS_STATUS_MIN >= 500) {
                e += c;
            }
        }
        us += rd(&m->routes[i].sum_us);
    }
    *requests_out = n;
    *errors_5xx = e;
    *mean_ms = n ? (double)us / n / 1000.0 : 0;
}
