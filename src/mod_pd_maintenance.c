/* Work no request asks for, run by mod_watchdog: closing solved tickets the
 * customer never answered (PharmadeskAutoCloseDays) and forgetting
 * idempotency keys older than a day, every PharmadeskMaintenanceInterval
 * seconds; moving the dashboard's pending changes into its counts, every
 * PharmadeskDashboardInterval seconds (a few: the pending rows are what a
 * dashboard request sums besides the counts); reporting the tickets that
 * reach a service level's escalation level (at risk, breached, overdue for
 * the managers), every PharmadeskSlaInterval seconds and while batches of
 * PharmadeskSlaBatch come full; fanning notification events out and
 * sending them, every PharmadeskNotifyInterval seconds and for as long as
 * there is work.
 *
 * A singleton watchdog instance runs the jobs in one child process of the
 * server at a time (the others wait on its lock and take over when that
 * child exits, recycled or stopped); each job is a callback of its own
 * with its own interval. The notifications have an instance of their own,
 * so that a long run of sending never holds up the other jobs. Across
 * several Apache nodes, and in the moments a graceful restart has two
 * generations of children, the database lets one run at a time (each
 * maintenance job's SQL function takes an advisory lock) or shares the
 * work (tickets to sweep and notifications are claimed with FOR UPDATE
 * SKIP LOCKED), so the
 * module keeps no state of its own. A job takes a connection of the main
 * server's mod_dbd pool (DBDriver and DBDParams outside any <VirtualHost>)
 * in the child it runs in; without one the module says so at start and
 * schedules nothing. When PostgreSQL is away, mod_dbd says so and the jobs
 * skip their runs until it is back.
 *
 * A job is a function and a line in the table below. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <mod_watchdog.h>
#include <ap_mpm.h>
#include "mod_pd.h"
#include "pd_curl.h"
#include "mod_pd_notify.h"
#include "mod_pd_whatsapp.h"

typedef struct job_t job_t;

/* One run of a job, with a connection; fills *failed with what went
 * wrong (NULL: nothing). */
typedef void (*job_fn)(const job_t *job, server_rec *s, const pd_server_conf_t *conf,
                       pd_db_t *db, const char **failed);

struct job_t {
    const char *name;          /* what it does, for the log */
    const char *kind;          /* a short name, for the metrics */
    const char *instance;      /* the watchdog instance, whose thread runs it */
    apr_size_t interval;       /* of the int in pd_server_conf_t: seconds between runs */
    job_fn run;
};

/* What a job's callback is handed: the job, the server whose configuration
 * and database it uses, and whether its last run failed (said once); and
 * the lock it holds while it runs in this child, which the child's exit
 * waits for before mod_dbd's pool goes (created in the process pool, which
 * outlives the child's). */
typedef struct job_ctx_t {
    const job_t *job;
    server_rec *s;
    int failing;
    apr_thread_mutex_t *running;
} job_ctx_t;

/* Pending dashboard changes moved in one run at most: a bulk import's
 * backlog goes over several runs rather than one long transaction. */
#define DASHBOARD_BATCH "50000"

static const char *db_error(const pd_db_t *db)
{
    return db->error ? db->error : "unknown error";
}

/* Set in post_config (read-only afterwards), as mod_dbd's functions. */
static ap_dbd_t *(*dbd_open)(apr_pool_t *, server_rec *) = NULL;
static void (*dbd_close)(server_rec *, ap_dbd_t *) = NULL;

static volatile int stopping = 0;

/* Whether a job should stop early: the child is exiting, or the server
 * stopping (a graceful restart lets the old generation finish its
 * requests, not its backlog of notifications). */
static int background_stopping(void)
{
    int state = AP_MPMQ_RUNNING;

    return stopping || (ap_mpm_query(AP_MPMQ_MPM_STATE, &state) == APR_SUCCESS
                        && state == AP_MPMQ_STOPPING);
}

/* The counts are kept by the days of one time zone (migration 0017): with
 * another PharmadeskTimeZone they stay exact, but every range given as
 * dates cuts two days whose tickets are counted one by one. Said once per
 * process. */
static int zone_told = 0;

static void compact_dashboard(const job_t *job, server_rec *s, const pd_server_conf_t *conf,
                              pd_db_t *db, const char **failed)
{
    const char *args[] = { DASHBOARD_BATCH };
    pd_db_result_t res;

    if (pd_db_select(db, PD_SQL_CALL(PD_SQL_DASHBOARD_DELTAS_COMPACT, args), &res) != APR_SUCCESS) {
        *failed = db_error(db);
        return;
    }
    while (pd_db_next(&res) == APR_SUCCESS) {
        const char *zone = pd_db_get(&res, 1);
        if (!zone_told && zone && strcmp(zone, conf->time_zone) != 0) {
            zone_told = 1;
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                         "pharmadesk: the dashboard counts days of %s, PharmadeskTimeZone is %s: "
                         "dashboards by date count two days ticket by ticket until "
                         "SELECT pd_dashboard_rebuild('%s') moves them", zone, conf->time_zone,
                         conf->time_zone);
        }
    }
}

static void run_chores(const job_t *job, server_rec *s, const pd_server_conf_t *conf,
                       pd_db_t *db, const char **failed)
{
    pd_db_result_t res;
    const char *args[] = { apr_itoa(db->pool, conf->auto_close_days) };

    if (pd_db_select(db, PD_SQL_CALL0(PD_SQL_IDEMPOTENCY_FORGET), &res) != APR_SUCCESS) {
        *failed = db_error(db);
    }
    else {
        pd_db_drain(&res);
    }
    /* the QR self check-in's rate-limit windows past */
    if (pd_db_exec(db, PD_SQL_CALL0(PD_SQL_CHECKIN_HITS_FORGET), NULL) != APR_SUCCESS) {
        *failed = db_error(db);
    }
    /* the service level calendars' business clocks, laid out years ahead */
    if (pd_db_select(db, PD_SQL_CALL0(PD_SQL_SLA_CALENDARS_EXTEND), &res) != APR_SUCCESS) {
        *failed = db_error(db);
    }
    else {
        pd_db_drain(&res);
    }
    if (conf->auto_close_days <= 0) {
        return;
    }
    if (pd_db_select(db, PD_SQL_CALL(PD_SQL_TICKETS_AUTO_CLOSE, args), &res) != APR_SUCCESS) {
        *failed = db_error(db);
        return;
    }
    if (pd_db_next(&res) == APR_SUCCESS) {
        apr_int64_t closed = pd_db_get_int64(&res, 0);
        pd_db_drain(&res);
        if (closed > 0) {
            ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                         "pharmadesk: closed %" APR_INT64_T_FMT " solved tickets left "
                         "unanswered for %d days", closed, conf->auto_close_days);
        }
    }
}

/* Batches one run of the sweep takes at most, so that a backlog (a
 * calendar's holiday ending for thousands of tickets at once) never holds
 * the other jobs of its thread for long: the next run goes on with it. */
#define SLA_MAX_BATCHES 20

/* The service levels' outcomes move into their compliance counts as the
 * dashboard's changes do (migration 0032), a batch of the same size, and
 * the reports' facts into theirs. */
static void compact_compliance(const job_t *job, server_rec *s, const pd_server_conf_t *conf,
                               pd_db_t *db, const char **failed)
{
    const char *args[] = { DASHBOARD_BATCH };
    pd_db_result_t res;

    if (pd_db_select(db, PD_SQL_CALL(PD_SQL_SLA_COMPLIANCE_COMPACT, args), &res) != APR_SUCCESS) {
        *failed = db_error(db);
        return;
    }
    pd_db_drain(&res);
    /* the reports' facts (migration 0040), which count the same outcomes
     * among others, the same way */
    if (pd_db_select(db, PD_SQL_CALL(PD_SQL_REPORT_COMPACT, args), &res) != APR_SUCCESS) {
        *failed = db_error(db);
        return;
    }
    pd_db_drain(&res);
}

static void sweep_sla(const job_t *job, server_rec *s, const pd_server_conf_t *conf,
                      pd_db_t *db, const char **failed)
{
    const char *args[] = { apr_itoa(db->pool, conf->sla_batch) };
    int i;

    for (i = 0; i < SLA_MAX_BATCHES && !background_stopping(); i++) {
        apr_int64_t taken = 0, entries = 0;
        pd_db_result_t res;

        /* one statement, one transaction (migration 0031) */
        if (pd_db_select(db, PD_SQL_CALL(PD_SQL_SLA_SWEEP, args), &res) != APR_SUCCESS) {
            *failed = db_error(db);
            return;
        }
        while (pd_db_next(&res) == APR_SUCCESS) {
            taken = pd_db_get_int64(&res, 0);
            entries = pd_db_get_int64(&res, 1);
        }
        if (taken > 0) {
            ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, "pharmadesk: service levels: %"
                         APR_INT64_T_FMT " tickets swept, %" APR_INT64_T_FMT " levels reported",
                         taken, entries);
        }
        if (taken < conf->sla_batch) {
            return;
        }
    }
}

static void notify(const job_t *job, server_rec *s, const pd_server_conf_t *conf, pd_db_t *db,
                   const char **failed)
{
    pd_notify_run(s, conf, db, background_stopping, failed);
}

static void whatsapp_forget(const job_t *job, server_rec *s, const pd_server_conf_t *conf,
                            pd_db_t *db, const char **failed)
{
    pd_whatsapp_forget(conf, db, failed);
}

static const job_t jobs[] = {
    { "closing unanswered solutions and forgetting old idempotency keys", "chores", "pharmadesk",
      APR_OFFSETOF(pd_server_conf_t, maintenance_interval), run_chores },
    { "moving the dashboard's pending changes into its counts", "dashboard", "pharmadesk",
      APR_OFFSETOF(pd_server_conf_t, dashboard_interval), compact_dashboard },
    { "reporting tickets at risk of or past their service levels", "sla_sweep", "pharmadesk",
      APR_OFFSETOF(pd_server_conf_t, sla_interval), sweep_sla },
    { "moving the service levels' outcomes and the reports' facts into their counts", "compliance",
      "pharmadesk",
      APR_OFFSETOF(pd_server_conf_t, dashboard_interval), compact_compliance },
    { "notifying: fanning events out and sending them", "notify", "pharmadesk-notify",
      APR_OFFSETOF(pd_server_conf_t, notify_interval), notify },
    { "forgetting the WhatsApp webhook's old counts and message ids", "whatsapp_forget",
      "pharmadesk",
      APR_OFFSETOF(pd_server_conf_t, maintenance_interval), whatsapp_forget },
};
#define JOBS (sizeof(jobs) / sizeof(jobs[0]))

/* The jobs' contexts, filled in post_config (in the parent, before the
 * children are forked) and given their locks in each child. */
static job_ctx_t contexts[JOBS];

const char *const *pd_maintenance_job_kinds(apr_size_t *count)
{
    static const char *kinds[JOBS];
    apr_size_t i;

    for (i = 0; i < JOBS; i++) {
        kinds[i] = jobs[i].kind;
    }
    *count = JOBS;
    return kinds;
}

static int interval_of(const job_t *job, const pd_server_conf_t *conf)
{
    return *(const int *)((const char *)conf + job->interval);
}

static void run_job(job_ctx_t *ctx, apr_pool_t *p)
{
    const pd_server_conf_t *conf = ap_get_module_config(ctx->s->module_config,
                                                        &pharmadesk_module);
    const char *failed = NULL;
    apr_time_t start;
    ap_dbd_t *dbd;
    pd_db_t db;

    if (!ctx->running) {
        return;
    }
    apr_thread_mutex_lock(ctx->running);
    if (stopping) {
        apr_thread_mutex_unlock(ctx->running);
        return;
    }
    start = apr_time_now();
    dbd = dbd_open(p, ctx->s);
    pd_metrics_note_acquire(dbd != NULL, apr_time_now() - start);
    if (!dbd) {
        /* no database: mod_dbd has said why; the next run tries again */
        apr_thread_mutex_unlock(ctx->running);
        pd_metrics_note_job((apr_size_t)(ctx - contexts), 0);
        return;
    }
    pd_db_init(&db, dbd->driver, dbd->handle, dbd->prepared, dbd->pool, p);
    ctx->job->run(ctx->job, ctx->s, conf, &db, &failed);
    /* a run that failed inside a transaction leaves none open */
    pd_db_rollback(&db);
    dbd_close(ctx->s, dbd);
    apr_thread_mutex_unlock(ctx->running);
    pd_metrics_note_job((apr_size_t)(ctx - contexts), failed == NULL);

    if (failed && !ctx->failing) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, ctx->s, "pharmadesk: %s failed: %s",
                     ctx->job->name, failed);
    }
    else if (!failed && ctx->failing) {
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, ctx->s, "pharmadesk: %s works again",
                     ctx->job->name);
    }
    ctx->failing = failed != NULL;
    ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, ctx->s, "pharmadesk: %s: run in process %ld",
                 ctx->job->name, (long)getpid());
}

static apr_status_t job_callback(int state, void *data, apr_pool_t *p)
{
    job_ctx_t *ctx = data;

    if (state == AP_WATCHDOG_STATE_STARTING) {
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, ctx->s,
                     "pharmadesk: %s: in process %ld from now on", ctx->job->name,
                     (long)getpid());
    }
    else if (state == AP_WATCHDOG_STATE_RUNNING) {
        run_job(ctx, p);
    }
    /* always: any other answer would stop the callback for good */
    return APR_SUCCESS;
}

/* Whether the main server has a database: a DBDriver outside any
 * <VirtualHost>, at the top of the configuration tree (where Include and
 * the sections whose condition holds, <IfModule> and the like, have put
 * their lines; a <VirtualHost> keeps its own below it). A job has no
 * request, hence no virtual host: without it mod_dbd has nothing to open
 * and says so as an error at every run. */
static int main_server_has_database(void)
{
    const ap_directive_t *d;

    for (d = ap_conftree; d; d = d->next) {
        if (strcasecmp(d->directive, "DBDriver") == 0) {
            return 1;
        }
    }
    return 0;
}

static int background_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                  server_rec *s)
{
    APR_OPTIONAL_FN_TYPE(ap_watchdog_get_instance) *get_instance;
    APR_OPTIONAL_FN_TYPE(ap_watchdog_register_callback) *register_callback;
    const pd_server_conf_t *conf = ap_get_module_config(s->module_config, &pharmadesk_module);
    ap_watchdog_t *wd;
    apr_status_t rv;
    apr_size_t i;

    /* the first pass only checks the configuration */
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;
    }
    dbd_open = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_open);
    dbd_close = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_close);
    get_instance = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_get_instance);
    register_callback = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_register_callback);
    if (!dbd_open || !dbd_close || !get_instance || !register_callback) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     "pharmadesk: mod_dbd and mod_watchdog must be loaded: the background "
                     "work (auto-close, the dashboard's counts) runs through them");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (!main_server_has_database()) {
        /* said once per start, and nothing scheduled */
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     "pharmadesk: no database for the main server: the background work "
                     "(closing unanswered solved tickets, forgetting old idempotency keys, "
                     "the dashboard's counts) does not run. Set DBDriver and DBDParams "
                     "outside any <VirtualHost>; the virtual hosts use them too");
        return OK;
    }
    /* a batch that can take longer to send than its lease may be claimed
     * again by another sender while it is still being sent */
    if (conf->mail_from && conf->notify_lease < conf->notify_batch * conf->smtp_timeout) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     "pharmadesk: PharmadeskNotifyLease (%d s) is shorter than a batch of e-mail "
                     "can take (PharmadeskNotifyBatch %d x PharmadeskSmtpTimeout %d s): a slow "
                     "batch may be sent twice", conf->notify_lease, conf->notify_batch,
                     conf->smtp_timeout);
    }
    for (i = 0; i < JOBS; i++) {
        job_ctx_t *ctx = &contexts[i];
        /* parent 0, singleton 1: one child of the server runs the
         * instance's callbacks (the same instance for the same name) */
        if ((rv = get_instance(&wd, jobs[i].instance, 0, 1, pconf)) != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, "pharmadesk: no watchdog instance %s",
                         jobs[i].instance);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        memset(ctx, 0, sizeof(*ctx));
        ctx->job = &jobs[i];
        ctx->s = s;
        rv = register_callback(wd, apr_time_from_sec(interval_of(&jobs[i], conf)), ctx,
                               job_callback);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, "pharmadesk: %s cannot be scheduled",
                         jobs[i].name);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    return OK;
}

static apr_status_t child_exit(void *data)
{
    apr_size_t i;

    stopping = 1;
    /* a job under way finishes first (a notification run between two
     * deliveries) */
    for (i = 0; i < JOBS; i++) {
        if (contexts[i].running) {
            apr_thread_mutex_lock(contexts[i].running);
            apr_thread_mutex_unlock(contexts[i].running);
        }
    }
    return APR_SUCCESS;
}

static void background_child_init(apr_pool_t *pchild, server_rec *s)
{
    apr_status_t rv;
    apr_size_t i;

    for (i = 0; i < JOBS; i++) {
        rv = apr_thread_mutex_create(&contexts[i].running, APR_THREAD_MUTEX_DEFAULT,
                                     s->process->pool);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, "pharmadesk: cannot create a mutex");
            exit(APEXIT_CHILDSICK);
        }
    }
    apr_pool_pre_cleanup_register(pchild, NULL, child_exit);
    /* a notification run waited for at exit ends its delivery under way
     * within a second rather than at the delivery's timeout */
    pd_curl_set_stopping(background_stopping);
}

void pd_maintenance_register(apr_pool_t *p)
{
    /* the lock exists before mod_watchdog starts the child's thread */
    static const char *const before_watchdog[] = { "mod_watchdog.c", NULL };
    /* after the defaults are filled in (APR_HOOK_FIRST, mod_pd_handler.c),
     * before mod_watchdog starts its instances (APR_HOOK_LAST) */
    ap_hook_post_config(background_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(background_child_init, NULL, before_watchdog, APR_HOOK_MIDDLE);
}
