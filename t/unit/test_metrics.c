/* pd_metrics: the counters a node keeps in shared memory and the
 * Prometheus text they become. Buckets are chosen by their upper bound
 * (a latency equal to a bound falls into it), statuses outside 100..599
 * count in the histogram but under no status, a route past the table is
 * "none", and the database's gauges appear only when the scrape read them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <apr_strings.h>
#include "pd_metrics.h"
#include "pd_unit.h"

static const char *const route_names[] = { "GET /api/tickets", "POST /api/tickets" };
static const char *const job_names[] = { "notify", "sla" };
static const pd_metrics_labels_t labels = { route_names, 2, job_names, 2 };

static pd_metrics_t *fresh(apr_pool_t *p, apr_size_t nroutes, apr_time_t now)
{
    apr_size_t size = pd_metrics_size(nroutes);
    pd_metrics_t *m = apr_palloc(p, size);

    memset(m, 0xAB, size);     /* init must clear what was there */
    pd_metrics_init(m, nroutes, now);
    return m;
}

/* The text holds this exact line. */
static void has_line(const char *text, const char *want)
{
    const char *at = text;
    size_t n = strlen(want);

    while ((at = strstr(at, want)) != NULL) {
        if ((at == text || at[-1] == '\n') && at[n] == '\n') {
            return;
        }
        at += n;
    }
    fail_msg("no line \"%s\" in:\n%s", want, text);
}

static void test_size_and_init(void **state)
{
    pd_metrics_t *m = fresh(*state, 2, 1700000000000000);
    apr_size_t i, s, b;

    /* one route block per route and one for "no route" */
    assert_int_equal(pd_metrics_size(2) - pd_metrics_size(1), sizeof(pd_metrics_route_t));
    assert_int_equal(pd_metrics_size(0), offsetof(pd_metrics_t, routes) + sizeof(pd_metrics_route_t));
    assert_int_equal(m->nroutes, 2);
    assert_true(m->started_us == 1700000000000000ULL);
    assert_true(m->acquires == 0 && m->acquire_failures == 0 && m->acquire_waits == 0);
    assert_true(m->acquire_us == 0 && m->statement_failures == 0);
    for (i = 0; i < PD_METRICS_JOBS; i++) {
        assert_true(m->jobs[i].runs == 0 && m->jobs[i].last_run_us == 0);
    }
    for (i = 0; i <= 2; i++) {
        for (s = 0; s < PD_METRICS_STATUSES; s++) {
            assert_true(m->routes[i].status[s] == 0);
        }
        for (b = 0; b <= PD_METRICS_BUCKETS; b++) {
            assert_true(m->routes[i].bucket[b] == 0);
        }
        assert_true(m->routes[i].sum_us == 0);
    }
}

static void test_request_buckets(void **state)
{
    pd_metrics_t *m = fresh(*state, 2, 0);

    pd_metrics_request(m, 0, 200, 500);          /* 0.5 ms: le 0.001 */
    pd_metrics_request(m, 0, 200, 1000);         /* exactly 1 ms: still le 0.001 */
    pd_metrics_request(m, 0, 200, 1001);         /* le 0.0025 */
    pd_metrics_request(m, 0, 404, 5000000);      /* exactly 5 s: the last bound */
    pd_metrics_request(m, 0, 503, 7000000);      /* past every bound: +Inf */
    pd_metrics_request(m, 0, 200, -5);           /* a clock that went back: 0 */
    assert_true(m->routes[0].bucket[0] == 3);
    assert_true(m->routes[0].bucket[1] == 1);
    assert_true(m->routes[0].bucket[PD_METRICS_BUCKETS - 1] == 1);
    assert_true(m->routes[0].bucket[PD_METRICS_BUCKETS] == 1);
    assert_true(m->routes[0].status[200 - PD_METRICS_STATUS_MIN] == 4);
    assert_true(m->routes[0].status[404 - PD_METRICS_STATUS_MIN] == 1);
    assert_true(m->routes[0].status[503 - PD_METRICS_STATUS_MIN] == 1);
    assert_true(m->routes[0].sum_us == 500 + 1000 + 1001 + 5000000 + 7000000);
    /* nothing spilled into the other routes */
    assert_true(m->routes[1].bucket[0] == 0 && m->routes[2].bucket[0] == 0);
}

static void test_request_bounds(void **state)
{
    pd_metrics_t *m = fresh(*state, 2, 0);
    apr_size_t s;

    /* statuses outside 100..599 are timed, not counted by status */
    pd_metrics_request(m, 1, 99, 10);
    pd_metrics_request(m, 1, 600, 10);
    pd_metrics_request(m, 1, -1, 10);
    pd_metrics_request(m, 1, 100, 10);
    pd_metrics_request(m, 1, 599, 10);
    for (s = 1; s < PD_METRICS_STATUSES - 1; s++) {
        assert_true(m->routes[1].status[s] == 0);
    }
    assert_true(m->routes[1].status[0] == 1);
    assert_true(m->routes[1].status[PD_METRICS_STATUSES - 1] == 1);
    assert_true(m->routes[1].bucket[0] == 5);
    /* a route index past the table counts as "no route", never beyond it */
    pd_metrics_request(m, 2, 404, 10);
    pd_metrics_request(m, 1000, 404, 10);
    assert_true(m->routes[2].status[404 - PD_METRICS_STATUS_MIN] == 2);
}

static void test_acquire_and_failures(void **state)
{
    pd_metrics_t *m = fresh(*state, 1, 0);

    pd_metrics_acquire(m, 1, 20);
    pd_metrics_acquire(m, 1, PD_METRICS_WAIT_US - 1);
    pd_metrics_acquire(m, 1, PD_METRICS_WAIT_US);        /* waited */
    pd_metrics_acquire(m, 0, 3000000);                   /* failed after waiting */
    pd_metrics_acquire(m, 0, -1);
    pd_metrics_statement_failure(m);
    pd_metrics_statement_failure(m);
    assert_true(m->acquires == 5);
    assert_true(m->acquire_failures == 2);
    assert_true(m->acquire_waits == 2);
    assert_true(m->acquire_us == 20 + (PD_METRICS_WAIT_US - 1) + PD_METRICS_WAIT_US + 3000000);
    assert_true(m->statement_failures == 2);
}

static void test_jobs(void **state)
{
    pd_metrics_t *m = fresh(*state, 1, 0);

    pd_metrics_job(m, 1, 1, 1000000);
    pd_metrics_job(m, 1, 0, 2000000);
    assert_true(m->jobs[1].runs == 2);
    assert_true(m->jobs[1].failures == 1);
    assert_true(m->jobs[1].last_run_us == 2000000);
    /* a failure leaves the last success where it was */
    assert_true(m->jobs[1].last_success_us == 1000000);
    assert_true(m->jobs[0].runs == 0);
    /* a job past the table is ignored, not written out of bounds */
    pd_metrics_job(m, PD_METRICS_JOBS, 1, 3000000);
    pd_metrics_job(m, (apr_size_t)-1, 1, 3000000);
    assert_true(m->nroutes == 1 && m->routes[0].bucket[0] == 0 && m->routes[1].bucket[0] == 0);
}

static void test_render(void **state)
{
    pd_metrics_t *m = fresh(*state, 2, 1500000000 * APR_USEC_PER_SEC);
    pd_metrics_db_t db = { 1, 7, 3, 2, 40, 1.5, 0.25 };
    const char *text;

    pd_metrics_request(m, 0, 200, 800);
    pd_metrics_request(m, 0, 200, 30000);
    pd_metrics_request(m, 0, 500, 6000000);
    pd_metrics_request(m, 5, 404, 100);
    pd_metrics_acquire(m, 1, 2500);
    pd_metrics_acquire(m, 0, 100);
    pd_metrics_statement_failure(m);
    pd_metrics_job(m, 0, 1, 1600000000 * APR_USEC_PER_SEC);
    text = pd_metrics_render(m, &labels, &db, *state);

    has_line(text, "# TYPE pharmadesk_http_requests_total counter");
    has_line(text, "pharmadesk_http_requests_total{route=\"GET /api/tickets\",status=\"200\"} 2");
    has_line(text, "pharmadesk_http_requests_total{route=\"GET /api/tickets\",status=\"500\"} 1");
    has_line(text, "pharmadesk_http_requests_total{route=\"none\",status=\"404\"} 1");
    /* statuses and routes never seen are left out */
    assert_null(strstr(text, "status=\"201\""));
    assert_null(strstr(text, "route=\"POST /api/tickets\""));
    /* the histogram is cumulative, ends at +Inf and agrees with its count */
    has_line(text, "# TYPE pharmadesk_http_request_duration_seconds histogram");
    has_line(text, "pharmadesk_http_request_duration_seconds_bucket{route=\"GET /api/tickets\",le=\"0.001\"} 1");
    has_line(text, "pharmadesk_http_request_duration_seconds_bucket{route=\"GET /api/tickets\",le=\"0.025\"} 1");
    has_line(text, "pharmadesk_http_request_duration_seconds_bucket{route=\"GET /api/tickets\",le=\"0.05\"} 2");
    has_line(text, "pharmadesk_http_request_duration_seconds_bucket{route=\"GET /api/tickets\",le=\"5\"} 2");
    has_line(text, "pharmadesk_http_request_duration_seconds_bucket{route=\"GET /api/tickets\",le=\"+Inf\"} 3");
    has_line(text, "pharmadesk_http_request_duration_seconds_sum{route=\"GET /api/tickets\"} 6.030800");
    has_line(text, "pharmadesk_http_request_duration_seconds_count{route=\"GET /api/tickets\"} 3");
    has_line(text, "pharmadesk_http_request_duration_seconds_count{route=\"none\"} 1");
    /* the pool */
    has_line(text, "pharmadesk_db_acquires_total 2");
    has_line(text, "pharmadesk_db_acquire_failures_total 1");
    has_line(text, "pharmadesk_db_acquire_waits_total 1");
    has_line(text, "pharmadesk_db_acquire_seconds_total 0.002600");
    has_line(text, "pharmadesk_db_statement_failures_total 1");
    /* the jobs by label, timestamps in seconds, 0 for never */
    has_line(text, "pharmadesk_background_runs_total{job=\"notify\"} 1");
    has_line(text, "pharmadesk_background_runs_total{job=\"sla\"} 0");
    has_line(text, "pharmadesk_background_failures_total{job=\"notify\"} 0");
    has_line(text, "pharmadesk_background_last_run_timestamp_seconds{job=\"notify\"} 1600000000.000000");
    has_line(text, "pharmadesk_background_last_success_timestamp_seconds{job=\"sla\"} 0.000000");
    /* the database's gauges */
    has_line(text, "pharmadesk_database_up 1");
    has_line(text, "pharmadesk_outbox_events 7");
    has_line(text, "pharmadesk_outbox_oldest_age_seconds 1.500000");
    has_line(text, "pharmadesk_notify_deliveries_waiting 3");
    has_line(text, "pharmadesk_notify_deliveries_oldest_age_seconds 0.250000");
    has_line(text, "pharmadesk_notify_deliveries_dead 2");
    has_line(text, "pharmadesk_sla_breached_tickets 40");
    has_line(text, "pharmadesk_metrics_since_timestamp_seconds 1500000000.000000");
    /* every series has its HELP and TYPE once */
    assert_non_null(strstr(text, "# HELP pharmadesk_db_acquires_total "));
    assert_null(strstr(strstr(text, "# TYPE pharmadesk_db_acquires_total") + 1,
                       "# TYPE pharmadesk_db_acquires_total"));
    /* the text ends with a newline, as the format wants */
    assert_int_equal(text[strlen(text) - 1], '\n');
}

static void test_render_without_database(void **state)
{
    pd_metrics_t *m = fresh(*state, 2, 0);
    pd_metrics_db_t db = { 0, 99, 99, 99, 99, 9, 9 };
    /* more jobs labelled than the block holds: only the block's are shown */
    static const char *const many[PD_METRICS_JOBS + 2] = {
        "j0", "j1", "j2", "j3", "j4", "j5", "j6", "j7", "j8", "j9"
    };
    pd_metrics_labels_t wide = { route_names, 2, many, PD_METRICS_JOBS + 2 };
    const char *text = pd_metrics_render(m, &wide, &db, *state);

    has_line(text, "pharmadesk_database_up 0");
    assert_null(strstr(text, "pharmadesk_outbox_events"));
    assert_null(strstr(text, "pharmadesk_sla_breached_tickets"));
    /* no request yet: no histogram lines, only its HELP and TYPE */
    assert_null(strstr(text, "pharmadesk_http_request_duration_seconds_bucket"));
    assert_null(strstr(text, "pharmadesk_http_requests_total{"));
    has_line(text, "pharmadesk_background_runs_total{job=\"j7\"} 0");
    assert_null(strstr(text, "job=\"j8\""));
    has_line(text, "pharmadesk_db_acquires_total 0");
}

static void test_totals(void **state)
{
    pd_metrics_t *m = fresh(*state, 2, 0);
    apr_uint64_t n = 1, e = 1;
    double mean = 1;

    pd_metrics_totals(m, &n, &e, &mean);
    assert_true(n == 0 && e == 0);
    assert_true(mean == 0);

    pd_metrics_request(m, 0, 200, 1000);
    pd_metrics_request(m, 1, 201, 3000);
    pd_metrics_request(m, 1, 499, 1000);
    pd_metrics_request(m, 2, 500, 2000);
    pd_metrics_request(m, 0, 503, 3000);
    pd_metrics_totals(m, &n, &e, &mean);
    assert_true(n == 5);
    assert_true(e == 2);
    assert_true(mean > 1.999 && mean < 2.001);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_size_and_init),
        T(test_request_buckets),
        T(test_request_bounds),
        T(test_acquire_and_failures),
        T(test_jobs),
        T(test_render),
        T(test_render_without_database),
        T(test_totals),
    };
#undef T
    return cmocka_run_group_tests_name("pd_metrics", tests, group_setup, group_teardown);
}
