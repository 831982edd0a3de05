/* Webhooks in the module: the channel of the notification engine
 * (mod_pd_notify_webhook.c) and the admin API (mod_pd_res_webhooks.c,
 * mod_pd_res_webhook_deliveries.c).
 *
 * An endpoint is an admin's integration, not a person: it chooses its
 * events and pharmacies itself (empty: all), and takes internal entries
 * (notes, internal files) only with include_internal. The fan-out writes
 * one delivery per active endpoint that takes the event, with the event's
 * payload as it is then; the sender POSTs it signed, and records each
 * attempt for the endpoint's delivery log. */
#ifndef MOD_PD_WEBHOOK_H
#define MOD_PD_WEBHOOK_H

#include "mod_pd_notify.h"
#include "pd_webhook_post.h"

/* The channel's functions (its row in mod_pd_notify_channels.c). */
apr_status_t pd_webhook_fan_out(const pd_send_ctx_t *ctx, const pd_fanout_event_t *ev);
apr_status_t pd_webhook_send(const pd_send_ctx_t *ctx, const pd_delivery_t *d,
                             pd_send_result_t *out);

/* One signed POST as the server's configuration says (timeout, allowed
 * networks, User-Agent), from background work or, for a ping, from an
 * admin's request. */
apr_status_t pd_webhook_call(server_rec *s, const pd_server_conf_t *conf, const char *url,
                             const char *secret, const char *event, const char *delivery,
                             const char *body, apr_pool_t *p, pd_webhook_outcome_t *out);

/* The admin API. */
apr_status_t pd_res_webhooks_list(pd_req_t *req);
apr_status_t pd_res_webhooks_create(pd_req_t *req);
apr_status_t pd_res_webhooks_get(pd_req_t *req);
apr_status_t pd_res_webhooks_update(pd_req_t *req);
apr_status_t pd_res_webhooks_delete(pd_req_t *req);
apr_status_t pd_res_webhooks_rotate(pd_req_t *req);
apr_status_t pd_res_webhooks_ping(pd_req_t *req);
apr_status_t pd_res_webhook_deliveries_list(pd_req_t *req);
apr_status_t pd_res_webhook_deliveries_get(pd_req_t *req);
apr_status_t pd_res_webhook_deliveries_replay(pd_req_t *req);

#endif
