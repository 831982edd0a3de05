/* The webhook channel (mod_pd_webhook.h says what an endpoint takes).
 *
 * Fan-out: in the engine's transaction, one statement writes the event's
 * deliveries, one per active endpoint that takes it, each with the event's
 * payload as things are then: every attempt and every replay sends the same
 * body under the same delivery id, and a receiver drops a repeat by it.
 *
 * Sending, outside any transaction: the delivery's endpoint is read again
 * (deactivated since, or no longer taking internal entries: dead, not
 * sent), the body is signed and POSTed (pd_webhook_post: the address
 * checked and pinned, no redirection followed), and the attempt is written
 * to the endpoint's log. A 2xx answer delivers; 410 Gone is permanent and
 * deactivates the endpoint (a receiver saying it wants nothing more), with
 * an audit entry by the system; a refused address is permanent; anything
 * else is retried with the engine's backoff.
 *
 * An endpoint that does not answer at all (not resolved, refused, timed
 * out) is not tried again by this process for PharmadeskNotifyRetryDelay
 * seconds: its other deliveries of the batch fail at once, as attempts,
 * rather than each waiting out PharmadeskWebhookTimeout while every other
 * channel's messages wait behind them. Failures are said in the error log
 * per endpoint, once when it starts failing and once when it works again:
 * one endpoint's trouble says nothing of the others'. */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd_webhook.h"

/* PD_VERSION: the package's version, from configure (Makefile.am) */
#define USER_AGENT "Pharmadesk-Webhook/" PD_VERSION

/* ---- what this process knows of each endpoint ---------------------------- */

#define STATE_SLOTS 32
#define STATE_WHY 200

/* Whether an endpoint is failing (said once in the error log, and once
 * when it works again), and until when it is not tried because it did
 * not answer. Only the notification job's thread reads and writes these;
 * an endpoint pushed out by others is simply known afresh. */
typedef struct endpoint_state_t {
    apr_int64_t endpoint;
    apr_time_t used;
    apr_time_t quiet_until;
    int failing;
    char why[STATE_WHY];
} endpoint_state_t;

static endpoint_state_t states[STATE_SLOTS];

static endpoint_state_t *state_of(apr_int64_t endpoint)
{
    endpoint_state_t *st = &states[0];
    int i;

    for (i = 0; i < STATE_SLOTS; i++) {
        if (states[i].endpoint == endpoint) {
            st = &states[i];
            break;
        }
        if (states[i].used < st->used) {
            st = &states[i];       /* the least recently used, should it not be there */
        }
    }
    if (st->endpoint != endpoint) {
        memset(st, 0, sizeof(*st));
        st->endpoint = endpoint;
    }
    st->used = apr_time_now();
    return st;
}

/* ---- the channel --------------------------------------------------------- */

apr_status_t pd_webhook_call(server_rec *s, const pd_server_conf_t *conf, const char *url,
                             const char *secret, const char *event, const char *delivery,
                             const char *body, apr_pool_t *p, pd_webhook_outcome_t *out)
{
    pd_webhook_request_t rq;
    apr_status_t rv;

    memset(&rq, 0, sizeof(rq));
    rq.url = url;
    rq.secret = secret;
    rq.event = event;
    rq.delivery = delivery;
    rq.body = body;
    rq.body_len = body ? strlen(body) : 0;
    rq.user_agent = USER_AGENT;
    rq.timeout = conf->webhook_timeout;
    rq.allow = (const pd_webhook_net_t *)conf->webhook_allow->elts;
    rq.nallow = conf->webhook_allow->nelts;
    rv = pd_webhook_post(p, &rq, out);
    /* the URL stays out of the log: a query string may carry a token */
    ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, "pharmadesk: webhook %s (%s) to %s: %s in %d ms",
                 delivery, event, out->address ? out->address : "no address",
                 rv == APR_SUCCESS ? "delivered" : out->error, out->duration_ms);
    return rv;
}

apr_status_t pd_webhook_fan_out(const pd_send_ctx_t *ctx, const pd_fanout_event_t *ev)
{
    pd_db_t *db = ctx->db;
    int internal = ev->facts.internal || ev->facts.event == PD_EV_INTERNAL_NOTE;
    const char *args[] = {
        pd_role_param(PD_ROLE_CUSTOMER), pd_event_name(ev->facts.event),
        pd_db_int(db, ev->ticket_id), pd_db_id_or_null(db, ev->activity_id),
        pd_db_bool(internal), ctx->conf->portal_url
    };
    return pd_db_exec(db, PD_SQL_CALL(PD_SQL_WEBHOOK_DELIVERIES_FAN_OUT, args), NULL);
}

/* The attempt in the endpoint's log; its failure loses a line of the log,
 * not the delivery's outcome. */
static void record_attempt(const pd_send_ctx_t *ctx, apr_int64_t delivery,
                           const pd_webhook_outcome_t *o)
{
    pd_db_t *db = ctx->db;
    const char *args[] = {
        pd_db_int(db, delivery), apr_itoa(ctx->pool, o->duration_ms), o->address,
        o->status ? apr_itoa(ctx->pool, o->status) : NULL, o->excerpt,
        o->error ? pd_notify_error_text(ctx->pool, o->error) : NULL
    };
    if (pd_db_exec(db, PD_SQL_CALL(PD_SQL_WEBHOOK_ATTEMPTS_INSERT, args), NULL) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, ctx->s, "pharmadesk: an attempt of webhook "
                     "delivery %" APR_INT64_T_FMT " was not logged: %s", delivery,
                     db->error ? db->error : "unknown error");
    }
}

/* 410 Gone: the endpoint is deactivated, by the system, audited. */
static void deactivate(const pd_send_ctx_t *ctx, apr_int64_t endpoint)
{
    pd_db_t *db = ctx->db;
    const char *reason = "the receiver answered 410 Gone";
    const char *args[] = { pd_db_int(db, endpoint), reason };
    pd_db_result_t res;
    const char *before = NULL, *after = NULL;

    if (pd_db_begin(db) != APR_SUCCESS) {
        goto failed;
    }
    if (pd_db_select(db, PD_SQL_CALL(PD_SQL_WEBHOOK_ENDPOINTS_DISABLE, args), &res)
        != APR_SUCCESS) {
        pd_db_rollback(db);
        goto failed;
    }
    if (pd_db_next(&res) == APR_SUCCESS) {
        before = pd_db_get(&res, 0);
        after = pd_db_get(&res, 1);
        pd_db_drain(&res);
    }
    if (before) {
        const char *audit[] = {
            NULL, pd_audit_action_name(PD_AUDIT_DEACTIVATE),
            pd_entity_name(PD_ENTITY_WEBHOOK_ENDPOINT), pd_db_int(db, endpoint), before, after
        };
        if (pd_db_exec(db, PD_SQL_CALL(PD_SQL_AUDIT_LOG_INSERT, audit), NULL) != APR_SUCCESS) {
            pd_db_rollback(db);
            goto failed;
        }
    }
    if (pd_db_commit(db) != APR_SUCCESS) {
        goto failed;
    }
    if (before) {
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, ctx->s, "pharmadesk: webhook endpoint %"
                     APR_INT64_T_FMT " answered 410 Gone: deactivated", endpoint);
    }
    return;

failed:
    ap_log_error(APLOG_MARK, APLOG_WARNING, 0, ctx->s, "pharmadesk: webhook endpoint %"
                 APR_INT64_T_FMT " answered 410 Gone but could not be deactivated: %s", endpoint,
                 db->error ? db->error : "unknown error");
}

apr_status_t pd_webhook_send(const pd_send_ctx_t *ctx, const pd_delivery_t *d,
                             pd_send_result_t *out)
{
    pd_db_t *db = ctx->db;
    apr_pool_t *p = ctx->pool;
    const char *args[] = { pd_db_int(db, d->id) };
    const char *url, *secret, *event, *body;
    endpoint_state_t *st;
    pd_webhook_outcome_t o;
    pd_db_result_t res;
    apr_int64_t endpoint;
    int active, takes;

    if (pd_db_select(db, PD_SQL_CALL(PD_SQL_WEBHOOK_DELIVERIES_MESSAGE, args), &res)
        != APR_SUCCESS) {
        out->error = "the delivery could not be read";
        return APR_EGENERAL;
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        out->error = "the endpoint was deleted";
        out->permanent = 1;
        return APR_NOTFOUND;
    }
    endpoint = pd_db_get_int64(&res, 0);
    url = pd_db_get(&res, 1);
    secret = pd_db_get(&res, 2);
    active = pd_db_get_bool(&res, 3);
    event = pd_db_get(&res, 4);
    body = pd_db_get(&res, 5);
    takes = pd_db_get_bool(&res, 6);
    pd_db_drain(&res);
    if (!active || !takes) {
        out->error = !active ? "the endpoint is deactivated"
                             : "the endpoint no longer takes internal entries";
        out->permanent = 1;
        out->logged = 1;           /* nothing to say: an admin's choice */
        return APR_EINVAL;
    }
    memset(&o, 0, sizeof(o));
    st = state_of(endpoint);
    if (st->quiet_until > apr_time_now()) {
        o.error = apr_pstrcat(p, "not tried: the endpoint did not answer a moment ago (", st->why,
                              ")", NULL);
    }
    else {
        pd_webhook_call(ctx->s, ctx->conf, url, secret, event,
                        apr_psprintf(p, "%" APR_INT64_T_FMT, d->id), body, p, &o);
        if (o.unreachable) {
            st->quiet_until = apr_time_now() + apr_time_from_sec(ctx->conf->notify_retry_delay);
            apr_cpystrn(st->why, o.error, sizeof(st->why));
        }
    }
    if (o.delivered && st->failing) {
        st->failing = 0;
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, ctx->s, "pharmadesk: webhook endpoint %"
                     APR_INT64_T_FMT " takes deliveries again", endpoint);
    }
    else if (!o.delivered && !st->failing) {
        st->failing = 1;
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, ctx->s, "pharmadesk: webhook endpoint %"
                     APR_INT64_T_FMT " cannot be delivered to: %s%s", endpoint, o.error,
                     o.permanent ? "" : " (retried)");
    }
    out->logged = 1;
    record_attempt(ctx, d->id, &o);
    if (o.gone) {
        deactivate(ctx, endpoint);
    }
    if (o.delivered) {
        return APR_SUCCESS;
    }
    out->error = o.error;
    out->permanent = o.permanent;
    return APR_EGENERAL;
}
