/* The e-mail channel: a delivery becomes a message in the recipient's
 * language (pd_notify_render), built as MIME (pd_mail_build) and handed to
 * the SMTP server (pd_smtp_send), outside any transaction. It delivers
 * where PharmadeskMailFrom is set. The message's id is the delivery's, in
 * the sender's domain ("<pd-delivery-42@example.org>"), the same at every
 * attempt, so that a receiver drops the rare repeat; every message about a
 * ticket is in that ticket's thread. A 5xx answer is permanent (the
 * delivery is dead at once); anything else is retried. */
#include <apr_strings.h>
#include "mod_pd_notify.h"
#include "pd_mail.h"

int pd_email_available(const pd_server_conf_t *conf)
{
    return conf->mail_from != NULL;
}

apr_status_t pd_email_send(const pd_send_ctx_t *ctx, const pd_delivery_t *d, pd_send_result_t *out)
{
    const pd_server_conf_t *conf = ctx->conf;
    apr_pool_t *p = ctx->pool;
    pd_notify_text_t text;
    pd_mail_t mail = { 0 };
    const char *message, *error = NULL;
    apr_status_t rv;

    if (!d->to_email) {
        out->error = "the recipient has no e-mail address";
        out->permanent = 1;
        return APR_EINVAL;
    }
    if (pd_notify_render(&d->ev, d->language, d->ticket_url, p, &text) != APR_SUCCESS) {
        out->error = "the message could not be written";
        out->permanent = 1;
        return APR_EINVAL;
    }
    mail.from = conf->mail_from;
    mail.from_name = conf->mail_from_name;
    mail.to = d->to_email;
    mail.to_name = d->to_name;
    mail.subject = text.subject;
    mail.text = text.text;
    mail.html = text.html;
    mail.message_id = pd_mail_message_id(p, conf->mail_from,
                                         apr_psprintf(p, "delivery-%" APR_INT64_T_FMT, d->id));
    mail.thread_id = pd_mail_thread_id(p, conf->mail_from, d->ev.ticket_id);
    if (pd_mail_build(p, &mail, &message) != APR_SUCCESS) {
        /* an address the builder does not take: no attempt can help */
        out->error = "the recipient's e-mail address cannot be used";
        out->permanent = 1;
        return APR_EINVAL;
    }
    rv = pd_smtp_send(ctx->s, conf, conf->mail_from, d->to_email, message, p, &error);
    if (rv != APR_SUCCESS) {
        out->error = error ? error : "the SMTP server did not take the message";
        out->permanent = pd_smtp_permanent(rv);
    }
    return rv;
}
