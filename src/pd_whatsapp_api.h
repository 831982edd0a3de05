/* Calling the WhatsApp Business Cloud API over HTTPS with libcurl: the part
 * of the WhatsApp channel that needs no httpd. libcurl is initialized once
 * per process by pd_smtp_global_init (the glue does it in post_config). */
#ifndef PD_WHATSAPP_API_H
#define PD_WHATSAPP_API_H

#include "pd_whatsapp.h"

typedef struct pd_whatsapp_api_t {
    const char *url;           /* the API's base URL (pd_whatsapp_api_url_valid) */
    const char *version;       /* v21.0 */
    const char *phone_number_id;
    const char *token;         /* sent as Authorization: Bearer */
    int timeout;               /* seconds for the whole call (at most 10 to connect) */
    const char *ca_file;       /* NULL: the system's trusted certificates */
} pd_whatsapp_api_t;

/* The messages endpoint: URL/VERSION/PHONE-NUMBER-ID/messages. */
const char *pd_whatsapp_messages_url(apr_pool_t *p, const pd_whatsapp_api_t *api);

/* POSTs a message (pd_whatsapp_message_json) to the messages endpoint and
 * reads the answer (pd_whatsapp_response): APR_SUCCESS when the API took
 * it, with its wamid in out->message_id. Redirections are not followed,
 * no proxy is used, certificates are always verified, and at most 64 KiB
 * of the answer is read. A call that reaches no answer (refused, timed
 * out) is temporary. */
apr_status_t pd_whatsapp_post(const pd_whatsapp_api_t *api, const char *json, apr_pool_t *p,
                              pd_whatsapp_outcome_t *out);

#endif
