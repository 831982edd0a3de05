/* What an operator watches, counted in memory every process of a node
 * shares (the glue puts the block in shared memory): requests by route and
 * status with their latencies, the database pool's acquires, waits and
 * failures, and when each background job last ran. Counters only grow,
 * with atomic adds, so no lock is needed and a process dying mid-request
 * loses nothing but its own request. Prometheus sums the nodes; nothing
 * here is shared between nodes, so the module stays stateless across
 * them. pd_metrics_render writes Prometheus's text format (0.0.4). */
#ifndef PD_METRICS_H
#define PD_METRICS_H

#include <apr.h>
#include <apr_pools.h>
#include <apr_time.h>

/* Latency buckets' upper bounds, in seconds; one more counts the rest. */
#define PD_METRICS_BUCKETS 12
/* Statuses 100..599, each counted on its own. */
#define PD_METRICS_STATUS_MIN 100
#define PD_METRICS_STATUSES 500
/* Background job kinds at most. */
#define PD_METRICS_JOBS 8

typedef struct pd_metrics_route_t {
    apr_uint64_t status[PD_METRICS_STATUSES];
    apr_uint64_t bucket[PD_METRICS_BUCKETS + 1];   /* not cumulative */
    apr_uint64_t sum_us;
} pd_metrics_route_t;

typedef struct pd_metrics_job_t {
    apr_uint64_t runs, failures;
    apr_uint64_t last_run_us, last_success_us;     /* Unix time in microseconds, 0: never */
} pd_metrics_job_t;

typedef struct pd_metrics_t {
    apr_uint64_t started_us;
    apr_uint64_t acquires, acquire_failures, acquire_waits, acquire_us;
    apr_uint64_t statement_failures;
    pd_metrics_job_t jobs[PD_METRICS_JOBS];
    apr_size_t nroutes;                            /* routes[nroutes] is "no route" */
    pd_metrics_route_t routes[];
} pd_metrics_t;

/* What a node's metrics are about, for the text: the routes' and jobs'
 * labels, in the order of their indexes. */
typedef struct pd_metrics_labels_t {
    const char *const *routes;
    apr_size_t nroutes;
    const char *const *jobs;
    apr_size_t njobs;
} pd_metrics_labels_t;

/* What the database says at the time of a scrape; have is 0 when it could
 * not be asked. */
typedef struct pd_metrics_db_t {
    int have;
    apr_int64_t outbox, deliveries_waiting, deliveries_dead, sla_overdue;
    double outbox_oldest_s, deliveries_oldest_s;
} pd_metrics_db_t;

/* An acquire slower than this waited for a connection (or made one). */
#define PD_METRICS_WAIT_US 1000

/* The bytes a block for nroutes routes takes. */
apr_size_t pd_metrics_size(apr_size_t nroutes);
/* Zeroes a block of pd_metrics_size(nroutes) bytes for nroutes routes. */
void pd_metrics_init(pd_metrics_t *m, apr_size_t nroutes, apr_time_t now);

/* One request: route < nroutes, or nroutes for one no route matched. */
void pd_metrics_request(pd_metrics_t *m, apr_size_t route, int status, apr_interval_time_t took);
void pd_metrics_acquire(pd_metrics_t *m, int ok, apr_interval_time_t took);
void pd_metrics_statement_failure(pd_metrics_t *m);
void pd_metrics_job(pd_metrics_t *m, apr_size_t job, int ok, apr_time_t now);

/* The whole text, allocated from p. */
const char *pd_metrics_render(const pd_metrics_t *m, const pd_metrics_labels_t *labels,
                              const pd_metrics_db_t *db, apr_pool_t *p);

/* Totals for a summary (mod_status): requests, those answered 5xx, and the
 * mean latency in milliseconds. */
void pd_metrics_totals(const pd_metrics_t *m, apr_uint64_t *requests, apr_uint64_t *errors_5xx,
                       double *mean_ms);

#endif
