/* The notification job (a line of mod_pd_maintenance.c's table, in a
 * watchdog instance of its own): fans the outbox's events out into
 * deliveries, then sends what is due on every channel this server
 * delivers, and goes on while either found work, so that a burst is
 * worked off at once rather than a batch per PharmadeskNotifyInterval.
 * Each round has a pool of its own: a long run holds no more than a
 * round's memory. */
#include <apr_strings.h>
#include "mod_pd_notify.h"

void pd_notify_run(server_rec *s, const pd_server_conf_t *conf, pd_db_t *db, int (*stop)(void),
                   const char **failed)
{
    apr_pool_t *job_pool = db->pool, *round;
    const pd_channel_t *table;
    apr_size_t n, i;
    int work = 1;

    table = pd_channels(&n);
    apr_pool_create(&round, job_pool);
    while (work && !(stop && stop())) {
        int events = 0, claimed = 0;

        apr_pool_clear(round);
        db->pool = round;
        work = 0;
        if (pd_notify_fanout(s, conf, db, conf->notify_batch, &events) != APR_SUCCESS) {
            *failed = db->error ? apr_pstrdup(job_pool, db->error) : "fanning out events";
            break;
        }
        work |= events > 0;
        for (i = 0; i < n && !(stop && stop()); i++) {
            if (!pd_channel_available(table[i].id, conf)) {
                continue;
            }
            if (pd_notify_send_batch(s, conf, db, &table[i], conf->notify_batch, stop, &claimed)
                != APR_SUCCESS) {
                *failed = db->error ? apr_pstrdup(job_pool, db->error) : "sending notifications";
                work = 0;
                break;
            }
            work |= claimed > 0;
        }
    }
    db->pool = job_pool;
    apr_pool_destroy(round);
}
