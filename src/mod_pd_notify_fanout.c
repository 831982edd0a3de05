/* The fan-out: events of the outbox become deliveries, one per recipient
 * and channel, in one transaction that also deletes the events. Events are
 * claimed with FOR UPDATE SKIP LOCKED, so processes and nodes running this
 * at once take different ones, and an event is fanned out exactly once: if
 * anything fails, the transaction rolls back and the events wait for the
 * next run.
 *
 * Whom: the people the event concerns (pd_notify_candidates), each checked
 * by the rules (pd_notify_recipient: pd_authz_may_notify, not the actor),
 * on the channels their preferences (or their role's defaults) want, that
 * this server delivers and that can reach them (an e-mail address). */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd_notify.h"

/* An id list as a PostgreSQL array literal: "{1,2,3}". */
static const char *int_array(apr_pool_t *p, const apr_array_header_t *ids)
{
    const char *out = "{";
    int i;

    for (i = 0; i < ids->nelts; i++) {
        out = apr_psprintf(p, "%s%s%" APR_INT64_T_FMT, out, i ? "," : "",
                           APR_ARRAY_IDX(ids, i, apr_int64_t));
    }
    return apr_pstrcat(p, out, "}", NULL);
}

/* Channel names (fixed words, nothing to quote) as an array literal. */
static const char *name_array(apr_pool_t *p, const apr_array_header_t *names)
{
    return apr_pstrcat(p, "{", apr_array_pstrcat(p, names, ','), "}", NULL);
}

/* The per-user channels this server delivers, as an array literal. */
static const char *available_channels(apr_pool_t *p, const pd_server_conf_t *conf)
{
    apr_array_header_t *names = apr_array_make(p, PD_CH__COUNT, sizeof(const char *));
    const pd_channel_t *table;
    apr_size_t n, i;

    table = pd_channels(&n);
    for (i = 0; i < n; i++) {
        if (pd_channel_per_user(table[i].id) && pd_channel_available(table[i].id, conf)) {
            APR_ARRAY_PUSH(names, const char *) = pd_channel_name(table[i].id);
        }
    }
    return name_array(p, names);
}

/* The deliveries of one event: candidates, the rules, the channels. */
static apr_status_t fan_out_event(pd_db_t *db, const pd_fanout_event_t *ev, const char *channels)
{
    apr_pool_t *p = db->pool;
    pd_notify_candidates_t c;
    apr_array_header_t *ids = apr_array_make(p, 4, sizeof(apr_int64_t));
    apr_array_header_t *users = apr_array_make(p, 8, sizeof(apr_int64_t));
    apr_array_header_t *chans = apr_array_make(p, 8, sizeof(const char *));
    const char *args[9];
    pd_db_result_t res;
    int i;

    pd_notify_candidates(&ev->facts, &c);
    for (i = 0; i < 4; i++) {
        if (c.ids[i] > 0) {
            APR_ARRAY_PUSH(ids, apr_int64_t) = c.ids[i];
        }
    }
    args[0] = pd_event_name(ev->facts.event);
    args[1] = channels;
    args[2] = int_array(p, ids);
    args[3] = pd_db_bool(c.team);
    args[4] = pd_role_param(PD_ROLE_EXPERT);
    args[5] = pd_db_bool(c.admins);
    args[6] = pd_role_param(PD_ROLE_ADMIN);
    args[7] = pd_db_id_or_null(db, c.pharmacy_id);
    args[8] = pd_role_param(PD_ROLE_CUSTOMER);
    if (pd_db_select(db, PD_SQL_CALL(PD_SQL_USERS_NOTIFY_CANDIDATES, args), &res) != APR_SUCCESS) {
        return APR_EGENERAL;
    }
    while (pd_db_next(&res) == APR_SUCCESS) {
        pd_recipient_t r;
        const char *wanted = pd_db_get(&res, 4);
        char *list, *name, *state;

        memset(&r, 0, sizeof(r));
        r.who.user_id = pd_db_get_int64(&res, 0);
        r.who.role = (pd_role_e)pd_db_get_int64(&res, 1);
        r.who.pharmacy_id = pd_db_get_int64(&res, 2);
        r.active = pd_db_get_bool(&res, 3);
        if (!wanted || !*wanted || !pd_notify_recipient(&ev->facts, &r)) {
            continue;
        }
        list = apr_pstrdup(p, wanted);
        for (name = apr_strtok(list, ",", &state); name; name = apr_strtok(NULL, ",", &state)) {
            APR_ARRAY_PUSH(users, apr_int64_t) = r.who.user_id;
            APR_ARRAY_PUSH(chans, const char *) = name;
        }
    }
    if (users->nelts == 0) {
        return APR_SUCCESS;
    }
    {
        const char *ins[] = {
            pd_event_name(ev->facts.event), pd_db_int(db, ev->ticket_id),
            pd_db_id_or_null(db, ev->activity_id), int_array(p, users), name_array(p, chans)
        };
        if (pd_db_exec(db, PD_SQL_CALL(PD_SQL_NOTIFY_DELIVERIES_INSERT, ins), NULL)
            != APR_SUCCESS) {
            return APR_EGENERAL;
        }
    }
    return APR_SUCCESS;
}

/* The current row of pd_notify_outbox_claim; 0 when the event notifies
 * nobody (its ticket is gone, or a kind this version does not know). */
static int read_event(pd_db_result_t *res, pd_fanout_event_t *ev)
{
    const char *subject = pd_db_get(res, 11), *status = pd_db_get(res, 4);
    int st;

    memset(ev, 0, sizeof(*ev));
    ev->outbox_id = pd_db_get_int64(res, 0);
    ev->ticket_id = pd_db_get_int64(res, 2);
    ev->activity_id = pd_db_get_int64(res, 3);
    if (pd_event_parse(pd_db_get(res, 1), &ev->facts.event) != APR_SUCCESS || !status
        || (st = pd_status_parse(status)) < 0) {
        return 0;
    }
    ev->facts.ticket.status = (pd_status_e)st;
    ev->facts.ticket.pharmacy_id = pd_db_get_int64(res, 5);
    ev->facts.customer_id = pd_db_get_int64(res, 6);
    ev->facts.ticket.expert_id = pd_db_get_int64(res, 7);
    ev->facts.ticket.tech_id = pd_db_get_int64(res, 8);
    ev->facts.actor_id = pd_db_get_int64(res, 9);
    ev->facts.internal = pd_db_get_bool(res, 10);
    ev->facts.subject_id = subject ? apr_atoi64(subject) : 0;
    return 1;
}

apr_status_t pd_notify_fanout(server_rec *s, const pd_server_conf_t *conf, pd_db_t *db,
                              int batch, int *events)
{
    apr_pool_t *p = db->pool;
    apr_array_header_t *done = apr_array_make(p, batch, sizeof(apr_int64_t));
    apr_array_header_t *todo = apr_array_make(p, batch, sizeof(pd_fanout_event_t));
    const char *channels = available_channels(p, conf);
    const char *args[] = { apr_itoa(p, batch) };
    const pd_channel_t *table;
    pd_send_ctx_t ctx = { s, conf, db, p };
    pd_db_result_t res;
    apr_size_t n, k;
    int i;

    *events = 0;
    if (pd_db_begin(db) != APR_SUCCESS) {
        return APR_EGENERAL;
    }
    if (pd_db_select(db, PD_SQL_CALL(PD_SQL_NOTIFY_OUTBOX_CLAIM, args), &res) != APR_SUCCESS) {
        goto failed;
    }
    while (pd_db_next(&res) == APR_SUCCESS) {
        pd_fanout_event_t ev;
        if (read_event(&res, &ev)) {
            APR_ARRAY_PUSH(todo, pd_fanout_event_t) = ev;
        }
        APR_ARRAY_PUSH(done, apr_int64_t) = ev.outbox_id;
    }
    if (done->nelts == 0) {
        pd_db_rollback(db);
        return APR_SUCCESS;
    }
    table = pd_channels(&n);
    for (i = 0; i < todo->nelts; i++) {
        const pd_fanout_event_t *ev = &APR_ARRAY_IDX(todo, i, pd_fanout_event_t);
        if (fan_out_event(db, ev, channels) != APR_SUCCESS) {
            goto failed;
        }
        /* channels whose recipients are not users choose for themselves */
        for (k = 0; k < n; k++) {
            if (table[k].fan_out && pd_channel_available(table[k].id, conf)
                && table[k].fan_out(&ctx, ev) != APR_SUCCESS) {
                goto failed;
            }
        }
    }
    {
        const char *del[] = { int_array(p, done) };
        if (pd_db_exec(db, PD_SQL_CALL(PD_SQL_NOTIFY_OUTBOX_DELETE, del), NULL) != APR_SUCCESS) {
            goto failed;
        }
    }
    if (pd_db_commit(db) != APR_SUCCESS) {
        return APR_EGENERAL;
    }
    *events = done->nelts;
    return APR_SUCCESS;

failed:
    pd_db_rollback(db);
    return APR_EGENERAL;
}
