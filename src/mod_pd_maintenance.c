/* Work no request asks for: closing solved tickets the customer never
 * answered (PharmadeskAutoCloseDays) and forgetting idempotency keys older
 * than a day, every PharmadeskMaintenanceInterval seconds; and moving the
 * dashboard's pending changes into its counts, every
 * PharmadeskDashboardInterval seconds (a few: the pending rows are what a
 * dashboard request sums besides the counts). Each child process runs a
 * thread that wakes for either, takes a connection of mod_dbd's pool, and
 * runs the job; the database lets one process at a time do each (an
 * advisory lock), so any number of processes and nodes share the work
 * without knowing of each other and the module keeps no state. */
#include <string.h>
#include <apr_thread_proc.h>
#include <apr_strings.h>
#include "mod_pd.h"

typedef struct maint_t {
    server_rec *s;
    apr_pool_t *pool;
    apr_thread_t *thread;
    volatile int stop;
    int zone_told;             /* the dashboard's other time zone was logged */
    ap_dbd_t *(*open)(apr_pool_t *, server_rec *);
    void (*close)(server_rec *, ap_dbd_t *);
} maint_t;

/* Pending dashboard changes moved in one run at most: a bulk import's
 * backlog goes over several runs rather than one long transaction. */
#define DASHBOARD_BATCH "50000"

/* The counts are kept by the days of one time zone (migration 0017): with
 * another PharmadeskTimeZone they stay exact, but every range given as
 * dates cuts two days whose tickets are counted one by one. Said once per
 * process. */
static void compact_dashboard(maint_t *m, const pd_server_conf_t *conf, pd_db_t *db)
{
    const char *args[] = { DASHBOARD_BATCH };
    pd_db_result_t res;

    if (pd_db_select(db, PD_SQL_CALL(PD_SQL_DASHBOARD_DELTAS_COMPACT, args), &res) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, m->s,
                     "pharmadesk: counting the dashboard's pending changes failed: %s",
                     db->error ? db->error : "unknown error");
        return;
    }
    while (pd_db_next(&res) == APR_SUCCESS) {
        const char *zone = pd_db_get(&res, 1);
        if (!m->zone_told && zone && strcmp(zone, conf->time_zone) != 0) {
            m->zone_told = 1;
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, m->s,
                         "pharmadesk: the dashboard counts days of %s, PharmadeskTimeZone is %s: "
                         "dashboards by date count two days ticket by ticket until "
                         "SELECT pd_dashboard_rebuild('%s') moves them", zone, conf->time_zone,
                         conf->time_zone);
        }
    }
}

static void run_chores(maint_t *m, const pd_server_conf_t *conf, apr_pool_t *p, pd_db_t *db)
{
    pd_db_result_t res;
    const char *args[] = { apr_itoa(p, conf->auto_close_days) };

    if (pd_db_select(db, PD_SQL_CALL0(PD_SQL_IDEMPOTENCY_FORGET), &res) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, m->s,
                     "pharmadesk: forgetting old idempotency keys failed: %s",
                     db->error ? db->error : "unknown error");
    }
    if (conf->auto_close_days > 0
        && pd_db_select(db, PD_SQL_CALL(PD_SQL_TICKETS_AUTO_CLOSE, args), &res) == APR_SUCCESS
        && pd_db_next(&res) == APR_SUCCESS) {
        apr_int64_t closed = pd_db_get_int64(&res, 0);
        if (closed > 0) {
            ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, m->s,
                         "pharmadesk: closed %" APR_INT64_T_FMT " solved tickets left "
                         "unanswered for %d days", closed, conf->auto_close_days);
        }
    }
    else if (conf->auto_close_days > 0) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, m->s,
                     "pharmadesk: closing unanswered solved tickets failed: %s",
                     db->error ? db->error : "unknown error");
    }
}

static void run_once(maint_t *m, const pd_server_conf_t *conf, int chores, int dashboard)
{
    apr_pool_t *p;
    ap_dbd_t *dbd;
    pd_db_t db;

    if (apr_pool_create(&p, m->pool) != APR_SUCCESS) {
        return;
    }
    dbd = m->open(p, m->s);
    if (!dbd) {
        /* mod_dbd has said why; the next round tries again */
        apr_pool_destroy(p);
        return;
    }
    pd_db_init(&db, dbd->driver, dbd->handle, dbd->prepared, dbd->pool, p);
    if (dashboard) {
        compact_dashboard(m, conf, &db);
    }
    if (chores) {
        run_chores(m, conf, p, &db);
    }
    m->close(m->s, dbd);
    apr_pool_destroy(p);
}

static void *APR_THREAD_FUNC loop(apr_thread_t *thread, void *data)
{
    maint_t *m = data;
    const pd_server_conf_t *conf = ap_get_module_config(m->s->module_config, &pharmadesk_module);
    const apr_interval_time_t every = apr_time_from_sec(conf->maintenance_interval);
    const apr_interval_time_t dash_every = apr_time_from_sec(conf->dashboard_interval);
    const apr_interval_time_t step = apr_time_from_msec(100);
    apr_interval_time_t slept = 0, dash_slept = 0;

    while (!m->stop) {
        int chores, dashboard;
        apr_sleep(step);
        slept += step;
        dash_slept += step;
        chores = slept >= every;
        dashboard = dash_slept >= dash_every;
        if ((chores || dashboard) && !m->stop) {
            slept = chores ? 0 : slept;
            dash_slept = dashboard ? 0 : dash_slept;
            run_once(m, conf, chores, dashboard);
        }
    }
    /* a plain return, not apr_thread_exit: pthread_exit would unwind this
     * frame without AddressSanitizer clearing its marks, and the sanitizer's
     * own thread teardown then trips over them */
    (void)thread;
    return NULL;
}

static apr_status_t stop(void *data)
{
    maint_t *m = data;
    apr_status_t rv;

    m->stop = 1;
    if (m->thread) {
        apr_thread_join(&rv, m->thread);
    }
    return APR_SUCCESS;
}

void pd_maintenance_child_init(apr_pool_t *pchild, server_rec *s)
{
    maint_t *m;

    m = apr_pcalloc(pchild, sizeof(*m));
    m->s = s;
    m->pool = pchild;
    m->open = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_open);
    m->close = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_close);
    if (!m->open || !m->close) {
        return;
    }
    if (apr_thread_create(&m->thread, NULL, loop, m, pchild) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     "pharmadesk: no maintenance thread in this process");
        return;
    }
    /* registered after the thread exists: the pool's cleanup stops it
     * before the pool (and the thread's memory) goes */
    apr_pool_cleanup_register(pchild, m, stop, apr_pool_cleanup_null);
}
