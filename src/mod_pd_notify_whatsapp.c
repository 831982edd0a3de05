/* The WhatsApp channel: a delivery becomes the approved template message
 * (PharmadeskWhatsAppTemplate) in the recipient's language, its parameters
 * the ticket's number, title, what happened and link (pd_whatsapp_params),
 * POSTed to the Cloud API's messages endpoint (pd_whatsapp_post) outside
 * any transaction. It delivers where PharmadeskWhatsAppPhoneNumberId and its
 * token are set, to people with a number who opted in (the fan-out asks
 * for both; the send asks again, and one who withdrew since is told
 * nothing: the delivery is cancelled). The message carries its delivery's
 * id as callback data, which Meta's status notifications return, and the
 * id Meta gives it (wamid) is kept on the delivery, which the webhook's
 * statuses then update (delivered, read, failed). The API's own errors
 * decide what is worth another attempt (pd_whatsapp_response).
 *
 * A unit's lead and backup contacts who are no users (a name with a
 * number) hear of the unit's new cases too: the channel's fan-out writes
 * their deliveries (once per case and contact), and the send reads the
 * contact's number and the case's number, purpose and unit
 * (pd_whatsapp_contact_params, in Indonesian), checking that the person is
 * still the unit's contact; one who is not is told nothing. */
#include <apr_strings.h>
#include "mod_pd_notify.h"
#include "pd_whatsapp_api.h"

int pd_whatsapp_available(const pd_server_conf_t *conf)
{
    return conf->whatsapp.phone_number_id && conf->whatsapp.token && conf->portal_url;
}

/* The recipient's number, when they have one and opted in to it. */
static apr_status_t recipient(const pd_send_ctx_t *ctx, const pd_delivery_t *d,
                              const char **number)
{
    const char *args[] = { pd_db_int(ctx->db, d->user_id) };
    pd_db_result_t res;
    apr_status_t rv = APR_SUCCESS;

    *number = NULL;
    if (pd_db_select(ctx->db, PD_SQL_CALL(PD_SQL_USERS_WHATSAPP_RECIPIENT, args), &res)
        != APR_SUCCESS) {
        return APR_EGENERAL;
    }
    if (pd_db_next(&res) == APR_SUCCESS && pd_db_get_bool(&res, 1)) {
        *number = apr_pstrdup(ctx->pool, pd_db_get(&res, 0));
    }
    pd_db_drain(&res);
    return rv;
}

/* A contact's number and their message's parameters; *number NULL when
 * they are no longer the unit's contact. */
static apr_status_t contact(const pd_send_ctx_t *ctx, const pd_delivery_t *d,
                            const char **number, const char *params[PD_WHATSAPP_PARAMS],
                            int *written)
{
    const char *args[] = { pd_db_int(ctx->db, d->id) };
    pd_db_result_t res;

    *number = NULL;
    *written = 0;
    if (pd_db_select(ctx->db, PD_SQL_CALL(PD_SQL_NOTIFY_CONTACT_RECIPIENT, args), &res)
        != APR_SUCCESS) {
        return APR_EGENERAL;
    }
    if (pd_db_next(&res) == APR_SUCCESS) {
        *number = apr_pstrdup(ctx->pool, pd_db_get(&res, 0));
        *written = pd_whatsapp_contact_params(ctx->pool, pd_db_get(&res, 2), pd_db_get(&res, 3),
                                              pd_db_get(&res, 4), d->ticket_url, params)
                   == APR_SUCCESS;
    }
    pd_db_drain(&res);
    return APR_SUCCESS;
}

apr_status_t pd_whatsapp_fan_out(const pd_send_ctx_t *ctx, const pd_fanout_event_t *ev)
{
    const char *args[] = { pd_db_id_or_null(ctx->db, ev->activity_id),
                           pd_db_int(ctx->db, ev->ticket_id) };

    if (ev->facts.event != PD_EV_TICKET_CREATED) {
        return APR_SUCCESS;
    }
    return pd_db_exec(ctx->db, PD_SQL_CALL(PD_SQL_NOTIFY_CONTACTS_FAN_OUT, args), NULL);
}

apr_status_t pd_whatsapp_send(const pd_send_ctx_t *ctx, const pd_delivery_t *d,
                              pd_send_result_t *out)
{
    const pd_whatsapp_conf_t *wa = &ctx->conf->whatsapp;
    apr_pool_t *p = ctx->pool;
    pd_whatsapp_api_t api = {
        wa->api_url, wa->api_version, wa->phone_number_id, wa->token, wa->timeout, NULL
    };
    pd_whatsapp_outcome_t outcome;
    const char *params[PD_WHATSAPP_PARAMS], *number, *json;
    /* a contact who is no user reads Indonesian, as the office writes */
    const char *lang = d->user_id > 0 ? d->language : "id";
    int written = 0;
    apr_status_t rv;

    rv = d->user_id > 0 ? recipient(ctx, d, &number) : contact(ctx, d, &number, params, &written);
    if (rv != APR_SUCCESS) {
        out->error = "the recipient's number could not be read";
        return APR_EGENERAL;
    }
    if (!number || !pd_whatsapp_number_valid(number)) {
        out->error = d->user_id > 0 ? "the recipient has no WhatsApp number they opted in to"
                                    : "the contact is no longer the unit's, or has no number";
        out->cancelled = 1;
        return APR_EINVAL;
    }
    if ((d->user_id > 0
         ? pd_whatsapp_params(p, &d->ev, lang, d->ticket_url, params) != APR_SUCCESS
         : !written)
        || pd_whatsapp_message_json(p, number, wa->template_name, lang, params,
                                    PD_WHATSAPP_PARAMS, pd_whatsapp_callback(p, d->id), &json)
           != APR_SUCCESS) {
        out->error = "the message could not be written";
        out->permanent = 1;
        return APR_EINVAL;
    }
    rv = pd_whatsapp_post(&api, json, p, &outcome);
    ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, ctx->s, "pharmadesk: WhatsApp delivery %"
                 APR_INT64_T_FMT " through %s: %s", d->id, wa->api_url,
                 rv == APR_SUCCESS ? "taken" : outcome.error);
    if (rv != APR_SUCCESS) {
        out->error = outcome.error ? outcome.error : "the WhatsApp API did not take the message";
        out->permanent = outcome.permanent;
        return rv;
    }
    if (outcome.message_id) {
        const char *args[] = { outcome.message_id, pd_db_int(ctx->db, d->id) };
        /* sent whatever this says: a status notification that finds no
         * wamid finds the delivery by its callback data */
        if (pd_db_exec(ctx->db, PD_SQL_CALL(PD_SQL_NOTIFY_DELIVERIES_EXTERNAL, args), NULL)
            != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, ctx->s, "pharmadesk: the WhatsApp id of "
                         "delivery %" APR_INT64_T_FMT " could not be recorded: %s", d->id,
                         ctx->db->error ? ctx->db->error : "unknown error");
        }
    }
    return APR_SUCCESS;
}
