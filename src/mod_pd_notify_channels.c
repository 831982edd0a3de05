/* The channel table: each channel a row (mod_pd_notify.h says what a row
 * holds). The portal's channel is here; each other channel's functions are
 * in a file of its own. A channel added later (webhooks, WhatsApp) is a
 * row here and its file. */
#include <apr_strings.h>
#include "mod_pd_notify.h"
#include "mod_pd_webhook.h"

/* The portal: a delivery is its recipient's notification (the bell, GET
 * /api/notifications) once it is sent, which it becomes within a database
 * transaction, so exactly once: the fan-out writes the portal's deliveries
 * sent, and a retried one is marked sent in the transaction of its claim.
 * Nothing is left to do here, and nothing to store. */
static apr_status_t portal_send(const pd_send_ctx_t *ctx, const pd_delivery_t *d,
                                pd_send_result_t *out)
{
    (void)ctx;
    (void)d;
    (void)out;
    return APR_SUCCESS;
}

/* { channel, available, transactional, send, store, fan_out } */
static const pd_channel_t channels[] = {
    { PD_CH_PORTAL, NULL, 1, portal_send, NULL, NULL },
    { PD_CH_EMAIL, pd_email_available, 0, pd_email_send, NULL, NULL },
    { PD_CH_WHATSAPP, pd_whatsapp_available, 0, pd_whatsapp_send, NULL, pd_whatsapp_fan_out },
    { PD_CH_WEBHOOK, NULL, 0, pd_webhook_send, NULL, pd_webhook_fan_out },
};

const pd_channel_t *pd_channels(apr_size_t *count)
{
    *count = sizeof(channels) / sizeof(channels[0]);
    return channels;
}

const pd_channel_t *pd_channel(pd_channel_e id)
{
    apr_size_t n, i;
    const pd_channel_t *table = pd_channels(&n);

    for (i = 0; i < n; i++) {
        if (table[i].id == id) {
            return &table[i];
        }
    }
    return NULL;
}

int pd_channel_available(pd_channel_e id, const pd_server_conf_t *conf)
{
    const pd_channel_t *ch = pd_channel(id);
    return ch && (!ch->available || ch->available(conf));
}

unsigned pd_channels_chosen(const pd_server_conf_t *conf)
{
    unsigned offered = pd_channels_offered(), chosen = 0;
    int i;

    for (i = 0; i < PD_CH__COUNT; i++) {
        if ((offered & (1u << i)) && pd_channel_available((pd_channel_e)i, conf)) {
            chosen |= 1u << i;
        }
    }
    return chosen;
}
