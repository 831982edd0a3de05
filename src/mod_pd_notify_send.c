/* Sending: claims due deliveries of one channel and hands each to the
 * channel's send function (mod_pd_notify.h says how a channel plugs in).
 *
 * The claim is one statement (pd_notify_deliveries_claim): FOR UPDATE SKIP
 * LOCKED picks rows no other sender holds, and each becomes `sending`
 * under a lease of PharmadeskNotifyLease seconds with its attempt counted.
 * For an external channel (e-mail) it commits at once, then every message
 * is sent outside any transaction and its outcome recorded right after: a
 * sender that dies mid-send leaves its claims to be taken again once the
 * lease ends, and one that stops (a graceful restart) gives back what it
 * has not sent. A transactional channel (the portal) delivers within the
 * claim's own transaction, so exactly once.
 *
 * Before sending, the recipient is checked again (pd_authz_may_notify): a
 * user deactivated, or moved to another pharmacy, since the fan-out is
 * told nothing (the delivery is cancelled). */
#include <string.h>
#include <unistd.h>
#include <apr_strings.h>
#include "mod_pd_notify.h"

/* The longest wait between two attempts. */
#define RETRY_CAP (6 * 3600)

/* A claimed delivery with what the rules decide on again. */
typedef struct claimed_t {
    pd_delivery_t d;
    pd_recipient_t to;
    pd_notify_facts_t facts;
} claimed_t;

/* A number in [0, 1) for the jitter; it need not be unpredictable, only
 * differ between deliveries and processes. */
static double draw(apr_int64_t id)
{
    static unsigned seed;
    if (!seed) {
        seed = (unsigned)apr_time_now() ^ (unsigned)getpid();
    }
    seed = seed * 1103515245u + 12345u + (unsigned)id;
    return (double)((seed >> 8) & 0xffffff) / (double)0x1000000;
}

static const char *str_or_null(const char *s)
{
    return s && *s ? s : NULL;
}

/* The current row of pd_notify_deliveries_claim (its columns are listed
 * there) as a delivery. */
static void read_claimed(pd_db_result_t *res, const pd_channel_t *ch, server_rec *s,
                         const pd_server_conf_t *conf, claimed_t *c)
{
    apr_pool_t *p = res->db->pool;
    pd_delivery_t *d = &c->d;
    pd_notify_event_t *ev = &d->ev;
    const char *status = pd_db_get(res, 14), *at = pd_db_get(res, 29);
    int st = status ? pd_status_parse(status) : -1;

    memset(c, 0, sizeof(*c));
    d->id = pd_db_get_int64(res, 0);
    d->channel = ch->id;
    d->attempts = (int)pd_db_get_int64(res, 2);
    d->user_id = pd_db_get_int64(res, 4);
    d->to_name = pd_db_get(res, 5);
    d->to_email = str_or_null(pd_db_get(res, 6));
    d->language = pd_db_get(res, 7);
    if (pd_event_parse(pd_db_get(res, 1), &ev->kind) != APR_SUCCESS) {
        ev->kind = PD_EV__COUNT;
    }
    ev->ticket_id = pd_db_get_int64(res, 3);
    ev->ticket_number = pd_db_get(res, 11);
    ev->ticket_title = pd_db_get(res, 12);
    ev->priority = pd_db_get(res, 13);
    ev->pharmacy_name = pd_db_get(res, 19);
    ev->field = pd_db_get(res, 20);
    ev->old_value = pd_db_get(res, 21);
    ev->new_value = pd_db_get(res, 22);
    ev->body = pd_db_get(res, 23);
    ev->visibility = pd_db_get(res, 24);
    ev->actor_name = pd_db_get(res, 26);
    if (ev->kind == PD_EV_ASSIGNED || ev->kind == PD_EV_UNASSIGNED) {
        /* people by name, not by id */
        ev->old_value = pd_db_get(res, 27);
        ev->new_value = pd_db_get(res, 28);
    }
    else if (ev->kind == PD_EV_ATTACHMENT_ADDED) {
        /* a file's entry holds its name; the body is its description */
        ev->body = ev->new_value;
        ev->new_value = NULL;
    }
    ev->at = at ? (apr_time_t)apr_atoi64(at) : apr_time_now();
    ev->recipient_name = d->to_name;
    d->ticket_url = pd_notify_ticket_url(p, conf->portal_url, ev->ticket_id);

    c->to.who.user_id = d->user_id;
    c->to.who.role = (pd_role_e)pd_db_get_int64(res, 8);
    c->to.who.pharmacy_id = pd_db_get_int64(res, 9);
    c->to.active = pd_db_get_bool(res, 10);
    c->facts.event = ev->kind;
    c->facts.ticket.status = st >= 0 ? (pd_status_e)st : PD_ST_OPEN;
    c->facts.ticket.pharmacy_id = pd_db_get_int64(res, 15);
    c->facts.customer_id = pd_db_get_int64(res, 16);
    c->facts.ticket.expert_id = pd_db_get_int64(res, 17);
    c->facts.ticket.tech_id = pd_db_get_int64(res, 18);
    c->facts.actor_id = pd_db_get_int64(res, 25);
    c->to.who.org_unit_id = pd_db_get_int64(res, 30);
    c->facts.ticket.org_units = pd_db_get(res, 31);
    c->facts.internal = ev->visibility && strcmp(ev->visibility, "internal") == 0;
    ev->reason = pd_notify_reason(&c->facts, &c->to.who);
}

/* Whether the recipient may still be told (a user's channel). */
static int still_allowed(const claimed_t *c)
{
    if (c->d.user_id <= 0) {
        return 1;
    }
    return c->d.ev.kind < PD_EV__COUNT
           && pd_authz_may_notify(&c->to.who, c->to.active, &c->facts.ticket,
                                  c->facts.internal || c->d.ev.kind == PD_EV_INTERNAL_NOTE);
}

static apr_status_t record_sent(pd_db_t *db, apr_int64_t id)
{
    const char *args[] = { pd_db_int(db, id) };
    return pd_db_exec(db, PD_SQL_CALL(PD_SQL_NOTIFY_DELIVERIES_SENT, args), NULL);
}

static apr_status_t record_failed(pd_db_t *db, const char *status, int delay, const char *why,
                                  apr_int64_t id)
{
    const char *args[] = {
        status, apr_itoa(db->pool, delay), pd_notify_error_text(db->pool, why), pd_db_int(db, id)
    };
    return pd_db_exec(db, PD_SQL_CALL(PD_SQL_NOTIFY_DELIVERIES_FAILED, args), NULL);
}

/* Said once when a channel starts failing, once when it works again. */
static int failing[PD_CH__COUNT];

/* APR_INCOMPLETE: the send failed because the process is stopping (its
 * transfer ends then, pd_curl_set_stopping); nothing is recorded. */
static apr_status_t deliver(server_rec *s, const pd_server_conf_t *conf, pd_db_t *db,
                            const pd_channel_t *ch, const claimed_t *c, int (*stop)(void),
                            apr_pool_t *p)
{
    pd_send_ctx_t ctx = { s, conf, db, p };
    pd_send_result_t result = { NULL, 0, 0, 0 };
    const char *name = pd_channel_name(ch->id);
    const pd_delivery_t *d = &c->d;
    apr_status_t rv;

    if (!still_allowed(c)) {
        return record_failed(db, "cancelled", 0, "the recipient may no longer be told of this",
                             d->id);
    }
    if (d->attempts > conf->notify_max_attempts) {
        /* claimed that often without an outcome: its senders died */
        return record_failed(db, "dead", 0, "no outcome recorded after the last attempt", d->id);
    }
    rv = ch->send(&ctx, d, &result);
    if (rv != APR_SUCCESS && !result.cancelled && stop && stop()) {
        return APR_INCOMPLETE;
    }
    if (rv != APR_SUCCESS && result.cancelled) {
        return record_failed(db, "cancelled", 0, result.error, d->id);
    }
    if (rv == APR_SUCCESS) {
        if (failing[ch->id] && !result.logged) {
            failing[ch->id] = 0;
            ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s, "pharmadesk: %s notifications are "
                         "delivered again", name);
        }
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, "pharmadesk: %s delivery %" APR_INT64_T_FMT
                     " sent (attempt %d)", name, d->id, d->attempts);
        return record_sent(db, d->id);
    }
    if (!failing[ch->id] && !result.logged) {
        failing[ch->id] = 1;
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, "pharmadesk: %s notifications cannot be "
                     "delivered: %s (they are retried)", name,
                     result.error ? result.error : "unknown error");
    }
    if (result.permanent || d->attempts >= conf->notify_max_attempts) {
        return record_failed(db, "dead", 0, result.error, d->id);
    }
    return record_failed(db, "failed",
                         pd_notify_backoff(d->attempts, conf->notify_retry_delay, RETRY_CAP,
                                           draw(d->id)),
                         result.error, d->id);
}

/* Gives back deliveries claimed and not attempted: due again at once. */
static apr_status_t release(pd_db_t *db, const apr_array_header_t *claims, int from)
{
    const char *ids = "{";
    int i;

    if (from >= claims->nelts) {
        return APR_SUCCESS;
    }
    for (i = from; i < claims->nelts; i++) {
        ids = apr_psprintf(db->pool, "%s%s%" APR_INT64_T_FMT, ids, i > from ? "," : "",
                           APR_ARRAY_IDX(claims, i, claimed_t).d.id);
    }
    {
        const char *args[] = { apr_pstrcat(db->pool, ids, "}", NULL) };
        return pd_db_exec(db, PD_SQL_CALL(PD_SQL_NOTIFY_DELIVERIES_RELEASE, args), NULL);
    }
}

apr_status_t pd_notify_send_batch(server_rec *s, const pd_server_conf_t *conf, pd_db_t *db,
                                  const pd_channel_t *ch, int batch, int (*stop)(void),
                                  int *claimed)
{
    const char *args[] = {
        apr_itoa(db->pool, conf->notify_lease), pd_channel_name(ch->id), apr_itoa(db->pool, batch)
    };
    apr_array_header_t *claims = apr_array_make(db->pool, batch, sizeof(claimed_t));
    pd_db_result_t res;
    apr_pool_t *p;
    apr_status_t rv;
    int i;

    *claimed = 0;
    if (ch->transactional && pd_db_begin(db) != APR_SUCCESS) {
        return APR_EGENERAL;
    }
    if (pd_db_select(db, PD_SQL_CALL(PD_SQL_NOTIFY_DELIVERIES_CLAIM, args), &res) != APR_SUCCESS) {
        goto failed;
    }
    while (pd_db_next(&res) == APR_SUCCESS) {
        read_claimed(&res, ch, s, conf, apr_array_push(claims));
    }
    *claimed = claims->nelts;
    apr_pool_create(&p, db->pool);
    for (i = 0; i < claims->nelts; i++) {
        /* an external channel stops between two messages; the portal's
         * transaction is short and finishes */
        if (!ch->transactional && stop && stop()) {
            apr_pool_destroy(p);
            return release(db, claims, i);
        }
        apr_pool_clear(p);
        rv = deliver(s, conf, db, ch, &APR_ARRAY_IDX(claims, i, claimed_t),
                     ch->transactional ? NULL : stop, p);
        if (rv == APR_INCOMPLETE) {
            /* ended by the stop: given back with the rest, uncounted */
            apr_pool_destroy(p);
            return release(db, claims, i);
        }
        if (rv != APR_SUCCESS) {
            apr_pool_destroy(p);
            goto failed;
        }
    }
    apr_pool_destroy(p);
    if (ch->transactional && pd_db_commit(db) != APR_SUCCESS) {
        return APR_EGENERAL;
    }
    return APR_SUCCESS;

failed:
    /* a transactional channel's claims roll back; an external channel's
     * wait for their lease */
    pd_db_rollback(db);
    return APR_EGENERAL;
}
