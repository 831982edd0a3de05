/* The fan-out: events of the outbox become deliveries, one per recipient
 * and channel, in one transaction that also deletes the events. Events are
 * taken with FOR UPDATE SKIP LOCKED, so processes and nodes running this
 * at once take different ones, and an event is fanned out exactly once: if
 * anything fails, the transaction rolls back and the events wait for the
 * next run.
 *
 * Whom: the people the event concerns (pd_notify_candidates), each checked
 * by the rules (pd_notify_recipient: pd_authz_may_notify, not the actor),
 * on the channels their preferences (or their role's defaults) want, that
 * this server delivers and that can reach them (an e-mail address). A
 * channel that delivers within the database (the portal) delivers right
 * here, in the same transaction: its deliveries are written sent, and a
 * sent portal delivery is its recipient's notification.
 *
 * A batch costs the same statements however many events and people it
 * holds (a lock that keeps its tickets from being deleted meanwhile, take
 * the events, find their candidates, write the deliveries), and its
 * transaction: a burst of new tickets costs the background work little
 * more than the rows it writes. */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd_notify.h"

/* Array literals for the statements: PostgreSQL's "{1,2,3}". The texts
 * are fixed words (event and channel names), nothing to quote. */
typedef struct lit_t {
    apr_pool_t *p;
    apr_array_header_t *items;
    int n;
} lit_t;

static void lit_init(lit_t *l, apr_pool_t *p)
{
    l->p = p;
    l->items = apr_array_make(p, 16, sizeof(const char *));
    l->n = 0;
}

/* NULL: SQL NULL */
static void lit_add(lit_t *l, const char *item)
{
    APR_ARRAY_PUSH(l->items, const char *) = item ? item : "NULL";
    l->n++;
}

/* 0: SQL NULL */
static void lit_int(lit_t *l, apr_int64_t v)
{
    lit_add(l, v > 0 ? apr_psprintf(l->p, "%" APR_INT64_T_FMT, v) : NULL);
}

static const char *lit_end(lit_t *l)
{
    return apr_pstrcat(l->p, "{", apr_array_pstrcat(l->p, l->items, ','), "}", NULL);
}

/* The per-user channels this server delivers, and those of them that
 * deliver within the transaction. */
static void channel_sets(apr_pool_t *p, const pd_server_conf_t *conf, const char **available,
                         const char **now)
{
    const pd_channel_t *table;
    lit_t all, inside;
    apr_size_t n, i;

    lit_init(&all, p);
    lit_init(&inside, p);
    table = pd_channels(&n);
    for (i = 0; i < n; i++) {
        if (pd_channel_per_user(table[i].id) && pd_channel_available(table[i].id, conf)) {
            lit_add(&all, pd_channel_name(table[i].id));
            if (table[i].transactional) {
                lit_add(&inside, pd_channel_name(table[i].id));
            }
        }
    }
    *available = lit_end(&all);
    *now = lit_end(&inside);
}

/* The current row of pd_notify_outbox_take; 0 when the event notifies
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
    ev->facts.ticket.org_units = pd_db_get(res, 12);
    ev->facts.subject_id = subject ? apr_atoi64(subject) : 0;
    return 1;
}

/* The deliveries of the batch's events (todo) as array literals for
 * pd_notify_deliveries_insert; *count how many. */
typedef struct deliveries_t {
    lit_t event, ticket, activity, user, channel;
    int count;
} deliveries_t;

static apr_status_t decide(pd_db_t *db, const apr_array_header_t *todo, const char *available,
                           deliveries_t *out)
{
    apr_pool_t *p = db->pool;
    lit_t place, event, team, admins, managers, pharmacy, ticket, units, named_place, named;
    pd_db_result_t res;
    int i, k;

    lit_init(&place, p);
    lit_init(&event, p);
    lit_init(&team, p);
    lit_init(&admins, p);
    lit_init(&managers, p);
    lit_init(&pharmacy, p);
    lit_init(&ticket, p);
    lit_init(&units, p);
    lit_init(&named_place, p);
    lit_init(&named, p);
    for (i = 0; i < todo->nelts; i++) {
        const pd_fanout_event_t *ev = &APR_ARRAY_IDX(todo, i, pd_fanout_event_t);
        pd_notify_candidates_t c;

        pd_notify_candidates(&ev->facts, &c);
        lit_int(&place, i + 1);
        lit_add(&event, pd_event_name(ev->facts.event));
        lit_add(&team, pd_db_bool(c.team));
        lit_add(&admins, pd_db_bool(c.admins));
        lit_add(&managers, pd_db_bool(c.managers));
        lit_int(&pharmacy, c.pharmacy_id);
        lit_int(&ticket, ev->ticket_id);
        lit_add(&units, pd_db_bool(c.unit_contacts));
        for (k = 0; k < 4; k++) {
            /* the actor knows already (pd_notify_recipient): a customer's
             * own new ticket names them, and they need not be looked up */
            if (c.ids[k] > 0 && c.ids[k] != ev->facts.actor_id) {
                lit_int(&named_place, i + 1);
                lit_int(&named, c.ids[k]);
            }
        }
    }
    {
        const char *args[] = {
            lit_end(&place), lit_end(&event), lit_end(&team), lit_end(&admins), lit_end(&managers),
            lit_end(&pharmacy), lit_end(&ticket), lit_end(&units), lit_end(&named_place), lit_end(&named),
            pd_role_param(PD_ROLE_EXPERT), pd_role_param(PD_ROLE_ADMIN),
            pd_role_param(PD_ROLE_MANAGER), pd_role_param(PD_ROLE_CUSTOMER), available
        };
        if (pd_db_select(db, PD_SQL_CALL(PD_SQL_USERS_NOTIFY_CANDIDATES, args), &res)
            != APR_SUCCESS) {
            return APR_EGENERAL;
        }
    }
    lit_init(&out->event, p);
    lit_init(&out->ticket, p);
    lit_init(&out->activity, p);
    lit_init(&out->user, p);
    lit_init(&out->channel, p);
    out->count = 0;
    while (pd_db_next(&res) == APR_SUCCESS) {
        int at = (int)pd_db_get_int64(&res, 0) - 1;
        const char *wanted = pd_db_get(&res, 5);
        const pd_fanout_event_t *ev;
        pd_recipient_t r;
        char *list, *name, *state;

        if (at < 0 || at >= todo->nelts || !wanted || !*wanted) {
            continue;
        }
        ev = &APR_ARRAY_IDX(todo, at, pd_fanout_event_t);
        memset(&r, 0, sizeof(r));
        r.who.user_id = pd_db_get_int64(&res, 1);
        r.who.role = (pd_role_e)pd_db_get_int64(&res, 2);
        r.who.pharmacy_id = pd_db_get_int64(&res, 3);
        r.active = pd_db_get_bool(&res, 4);
        r.who.org_unit_id = pd_db_get_int64(&res, 6);
        r.unit_contact = pd_db_get_bool(&res, 7);
        if (!pd_notify_recipient(&ev->facts, &r)) {
            continue;
        }
        list = apr_pstrdup(p, wanted);
        for (name = apr_strtok(list, ",", &state); name; name = apr_strtok(NULL, ",", &state)) {
            lit_add(&out->event, pd_event_name(ev->facts.event));
            lit_int(&out->ticket, ev->ticket_id);
            lit_int(&out->activity, ev->activity_id);
            lit_int(&out->user, r.who.user_id);
            lit_add(&out->channel, name);
            out->count++;
        }
    }
    return APR_SUCCESS;
}

/* Writes the deliveries; those of a channel that delivers within the
 * transaction are written sent, and handed to its store when it has one
 * (the portal has none: its sent deliveries are the notifications). */
static apr_status_t write_deliveries(const pd_send_ctx_t *ctx, deliveries_t *d, const char *now)
{
    pd_db_t *db = ctx->db;
    const char *args[] = {
        now, lit_end(&d->event), lit_end(&d->ticket), lit_end(&d->activity), lit_end(&d->user),
        lit_end(&d->channel)
    };
    lit_t ids[PD_CH__COUNT];
    pd_db_result_t res;
    int i;

    if (d->count == 0) {
        return APR_SUCCESS;
    }
    for (i = 0; i < PD_CH__COUNT; i++) {
        lit_init(&ids[i], db->pool);
    }
    if (pd_db_select(db, PD_SQL_CALL(PD_SQL_NOTIFY_DELIVERIES_INSERT, args), &res) != APR_SUCCESS) {
        return APR_EGENERAL;
    }
    while (pd_db_next(&res) == APR_SUCCESS) {
        pd_channel_e ch;
        if (pd_channel_parse(pd_db_get(&res, 1), &ch) == APR_SUCCESS) {
            lit_add(&ids[ch], pd_db_get(&res, 0));
        }
    }
    for (i = 0; i < PD_CH__COUNT; i++) {
        const pd_channel_t *ch = pd_channel((pd_channel_e)i);
        if (ids[i].n && ch && ch->transactional && ch->store
            && ch->store(ctx, lit_end(&ids[i])) != APR_SUCCESS) {
            return APR_EGENERAL;
        }
    }
    return APR_SUCCESS;
}

apr_status_t pd_notify_fanout(server_rec *s, const pd_server_conf_t *conf, pd_db_t *db,
                              int batch, int *events)
{
    apr_pool_t *p = db->pool;
    apr_array_header_t *todo = apr_array_make(p, batch, sizeof(pd_fanout_event_t));
    const char *args[] = { apr_itoa(p, batch) }, *available, *now;
    pd_send_ctx_t ctx = { s, conf, db, p };
    const pd_channel_t *table;
    deliveries_t d;
    pd_db_result_t res;
    apr_size_t n, k;
    int i, taken = 0;

    *events = 0;
    channel_sets(p, conf, &available, &now);
    if (pd_db_begin(db) != APR_SUCCESS) {
        return APR_EGENERAL;
    }
    if (pd_db_exec(db, PD_SQL_CALL0(PD_SQL_NOTIFY_DELIVERIES_LOCK), NULL) != APR_SUCCESS
        || pd_db_select(db, PD_SQL_CALL(PD_SQL_NOTIFY_OUTBOX_TAKE, args), &res) != APR_SUCCESS) {
        goto failed;
    }
    while (pd_db_next(&res) == APR_SUCCESS) {
        pd_fanout_event_t ev;
        if (read_event(&res, &ev)) {
            APR_ARRAY_PUSH(todo, pd_fanout_event_t) = ev;
        }
        taken++;
    }
    if (taken == 0) {
        pd_db_rollback(db);
        return APR_SUCCESS;
    }
    if (todo->nelts > 0
        && (decide(db, todo, available, &d) != APR_SUCCESS
            || write_deliveries(&ctx, &d, now) != APR_SUCCESS)) {
        goto failed;
    }
    /* channels whose recipients are not users choose for themselves */
    table = pd_channels(&n);
    for (k = 0; k < n; k++) {
        if (!table[k].fan_out || !pd_channel_available(table[k].id, conf)) {
            continue;
        }
        for (i = 0; i < todo->nelts; i++) {
            if (table[k].fan_out(&ctx, &APR_ARRAY_IDX(todo, i, pd_fanout_event_t)) != APR_SUCCESS) {
                goto failed;
            }
        }
    }
    if (pd_db_commit(db) != APR_SUCCESS) {
        return APR_EGENERAL;
    }
    *events = taken;
    return APR_SUCCESS;

failed:
    pd_db_rollback(db);
    return APR_EGENERAL;
}
