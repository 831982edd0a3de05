/* The notification job (a line of mod_pd_maintenance.c's table, in a
 * watchdog instance of its own): fans the outbox's events out into
 * deliveries, then sends what is due on every channel this server
 * delivers. It goes on at once while a round took a full batch, of events
 * (PharmadeskNotifyFanoutBatch) or of some channel's deliveries
 * (PharmadeskNotifyBatch): more are waiting, and a burst is worked off at
 * once rather than a batch per PharmadeskNotifyInterval. A round that took
 * less has emptied its queues, and the next waits for the interval: a
 * steady stream of changes is then fanned out a few large batches at a
 * time, where going on at once would take a few events a round and pay a
 * round's transaction and statements for each few. Each round has a pool
 * of its own: a long run holds no more than a round's memory. */
#include <apr_strings.h>
#include "mod_pd_notify.h"

void pd_notify_run(server_rec *s, const pd_server_conf_t *conf, pd_db_t *db, int (*stop)(void),
                   const char **failed)
{
    apr_pool_t *job_pool = db->pool, *round;
    const pd_channel_t *table;
    apr_size_t n, i;
    int more = 1;

    table = pd_channels(&n);
    apr_pool_create(&round, job_pool);
    while (more && !(stop && stop())) {
        int events = 0, claimed = 0;

        apr_pool_clear(round);
        db->pool = round;
        if (pd_notify_fanout(s, conf, db, conf->notify_fanout_batch, &events) != APR_SUCCESS) {
            *failed = db->error ? apr_pstrdup(job_pool, db->error) : "fanning out events";
            break;
        }
        more = events >= conf->notify_fanout_batch;
        for (i = 0; i < n && !(stop && stop()); i++) {
            if (!pd_channel_available(table[i].id, conf)) {
                continue;
            }
            if (pd_notify_send_batch(s, conf, db, &table[i], conf->notify_batch, stop, &claimed)
                != APR_SUCCESS) {
                *failed = db->error ? apr_pstrdup(job_pool, db->error) : "sending notifications";
                more = 0;
                break;
            }
            more |= claimed >= conf->notify_batch;
        }
    }
    db->pool = job_pool;
    apr_pool_destroy(round);
}
