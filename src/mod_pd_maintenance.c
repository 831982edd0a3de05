/* Work no request asks for: closing solved tickets the customer never
 * answered (PharmadeskAutoCloseDays), and forgetting idempotency keys older
 * than a day. Each child process runs a thread that
 * wakes every PharmadeskMaintenanceInterval seconds, takes a connection of
 * mod_dbd's pool, and runs the job; the database lets one process at a time
 * do it (an advisory lock), so any number of processes and nodes share the
 * work without knowing of each other and the module keeps no state. */
#include <apr_thread_proc.h>
#include <apr_strings.h>
#include "mod_pd.h"

typedef struct maint_t {
    server_rec *s;
    apr_pool_t *pool;
    apr_thread_t *thread;
    volatile int stop;
    ap_dbd_t *(*open)(apr_pool_t *, server_rec *);
    void (*close)(server_rec *, ap_dbd_t *);
} maint_t;

static void run_once(maint_t *m, const pd_server_conf_t *conf)
{
    apr_pool_t *p;
    ap_dbd_t *dbd;
    pd_db_t db;
    pd_db_result_t res;
    const char *args[1];

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
    if (pd_db_select(&db, PD_SQL_IDEMPOTENCY_FORGET, NULL, &res) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, m->s,
                     "pharmadesk: forgetting old idempotency keys failed: %s",
                     db.error ? db.error : "unknown error");
    }
    args[0] = apr_itoa(p, conf->auto_close_days);
    if (conf->auto_close_days > 0
        && pd_db_select(&db, PD_SQL_TICKETS_AUTO_CLOSE, args, &res) == APR_SUCCESS
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
                     db.error ? db.error : "unknown error");
    }
    m->close(m->s, dbd);
    apr_pool_destroy(p);
}

static void *APR_THREAD_FUNC loop(apr_thread_t *thread, void *data)
{
    maint_t *m = data;
    const pd_server_conf_t *conf = ap_get_module_config(m->s->module_config, &pharmadesk_module);
    apr_interval_time_t slept = 0, every = apr_time_from_sec(conf->maintenance_interval);
    const apr_interval_time_t step = apr_time_from_msec(100);

    while (!m->stop) {
        apr_sleep(step);
        slept += step;
        if (slept >= every && !m->stop) {
            slept = 0;
            run_once(m, conf);
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
