/* WhatsApp through the WhatsApp Business Cloud API (Meta's Graph API),
 * without httpd: phone numbers, the template message a notification
 * becomes, what the API answers, the webhook's signature and handshake,
 * and what a webhook notification holds. The glue (mod_pd_*whatsapp*.c)
 * reads the configuration, sends (pd_whatsapp_api.c) and writes the
 * database.
 *
 * A notification is one pre-approved template, pd_whatsapp_template's
 * name, in the reader's language (Meta's codes "id" and "en"), with four
 * body parameters: {{1}} the ticket's number, {{2}} its title, {{3}} what
 * happened (a line in the reader's language, with the start of a reply),
 * {{4}} the ticket's link. The README gives the template's text. */
#ifndef PD_WHATSAPP_H
#define PD_WHATSAPP_H

#include <apr_pools.h>
#include <apr_tables.h>
#include "pd_notify_text.h"

/* The channel's configuration (the PharmadeskWhatsApp* directives). */
typedef struct pd_whatsapp_conf_t {
    const char *api_url;         /* https://graph.facebook.com, no trailing slash */
    const char *api_version;     /* v21.0 */
    const char *phone_number_id; /* NULL: no WhatsApp at all */
    const char *token;           /* the access token, read at start */
    const char *app_secret;      /* read at start; NULL: no webhook */
    const char *verify_token;    /* read at start */
    const char *template_name;
    int timeout;                 /* seconds for one API call */
    apr_off_t max_body;          /* bytes of a webhook request */
    int rate;                    /* webhook requests per client address and minute */
    const char *category;        /* a new ticket's category and module, by name */
    const char *module;
} pd_whatsapp_conf_t;

/* ---- numbers ---------------------------------------------------------------- */

/* E.164 as the users table keeps it: "+", then 7 to 15 digits, the first
 * not 0. */
int pd_whatsapp_number_valid(const char *s);
/* A number as a person types it, with spaces, hyphens, dots or
 * parentheses between its digits, made E.164; NULL when it is not one
 * ("0812..." lacks the country code). */
const char *pd_whatsapp_number_normalize(apr_pool_t *p, const char *s);
/* The API's form of a recipient and of a sender (wa_id): E.164 without
 * the "+", and back. NULL for anything else. */
const char *pd_whatsapp_wa_id(const char *e164);
const char *pd_whatsapp_e164(apr_pool_t *p, const char *wa_id);

/* ---- outbound ---------------------------------------------------------------- */

#define PD_WHATSAPP_PARAMS 4
#define PD_WHATSAPP_TITLE_MAX 100
#define PD_WHATSAPP_SUMMARY_MAX 400
/* The most characters of a message in kept on a ticket (WhatsApp's own
 * limit is 4096). */
#define PD_WHATSAPP_TEXT_MAX 10000

/* Meta's language code of a reader's language: "en" or "id". */
const char *pd_whatsapp_language(const char *lang);

/* A template parameter as the API takes one: a single line without tabs,
 * without runs of more than one space, at most max characters, never
 * empty ("-"). */
const char *pd_whatsapp_param(apr_pool_t *p, const char *s, apr_size_t max);

/* The body parameters of a notification ({{1}} to {{4}}). APR_EINVAL for
 * an event pd_notify_render refuses, or no link. */
apr_status_t pd_whatsapp_params(apr_pool_t *p, const pd_notify_event_t *ev, const char *lang,
                                const char *ticket_url, const char *params[PD_WHATSAPP_PARAMS]);

/* The body parameters of the message a unit's contact who is no user gets
 * of a new case, in Indonesian: the case's number, its purpose, a line
 * naming the unit, the link. Nothing else of the case (never a visitor's
 * identity number). APR_EINVAL without a number or a link. */
apr_status_t pd_whatsapp_contact_params(apr_pool_t *p, const char *number, const char *purpose,
                                        const char *unit, const char *ticket_url,
                                        const char *params[PD_WHATSAPP_PARAMS]);

/* The JSON body of POST /{version}/{phone-number-id}/messages: a template
 * message to one number (E.164), in lang (Meta's code), with text body
 * parameters; callback (may be NULL) comes back in the message's status
 * notifications (biz_opaque_callback_data, at most 512 bytes). */
apr_status_t pd_whatsapp_message_json(apr_pool_t *p, const char *to, const char *template_name,
                                      const char *lang, const char *const *params, int nparams,
                                      const char *callback, const char **json);

/* The callback data of a delivery, "pd-delivery-42", and back (0 when s is
 * none of ours). */
const char *pd_whatsapp_callback(apr_pool_t *p, apr_int64_t delivery_id);
apr_int64_t pd_whatsapp_callback_delivery(const char *s);

/* What an API call came to. */
typedef struct pd_whatsapp_outcome_t {
    long http_status;          /* 0: no answer */
    const char *message_id;    /* the wamid of a message taken; NULL otherwise */
    const char *error;         /* why not, in a few words, for the delivery log */
    int permanent;             /* trying again cannot help */
} pd_whatsapp_outcome_t;

/* Whether a Graph API error code is worth trying again later: rate limits
 * (4, 80007, 130429, 131056, ...) and the API's own trouble; everything
 * else (authentication, permissions, templates, parameters, recipients)
 * is not. */
int pd_whatsapp_error_temporary(long code);

/* Reads an answer of the messages endpoint: 2xx with {"messages":[{"id"}]}
 * is APR_SUCCESS; anything else fills error and permanent (a Graph error's
 * code decides; 5xx and 429 without one are temporary, other 4xx
 * permanent) and returns APR_EGENERAL. */
apr_status_t pd_whatsapp_response(apr_pool_t *p, long http_status, const char *body,
                                  apr_size_t len, pd_whatsapp_outcome_t *out);

/* Whether the URL is one the API may be reached at: https://host[:port]
 * [/path] without a trailing slash, query or credentials; http:// only to
 * a loopback address (a test's fake). */
int pd_whatsapp_api_url_valid(const char *url);
/* "v21.0" */
int pd_whatsapp_api_version_valid(const char *v);
/* A phone number id as Meta gives it: 1 to 32 digits. */
int pd_whatsapp_id_valid(const char *s);
/* A template's name: 1 to 512 of a-z, 0-9 and _. */
int pd_whatsapp_template_name_valid(const char *s);

/* ---- the webhook ------------------------------------------------------------- */

/* Whether header (X-Hub-Signature-256) is "sha256=" and the hex HMAC-SHA256
 * of body under secret, compared in constant time. */
int pd_whatsapp_signature_ok(const char *secret, const char *body, apr_size_t len,
                             const char *header);
/* The header's value for body under secret (for tests and tools). */
const char *pd_whatsapp_signature(apr_pool_t *p, const char *secret, const char *body,
                                  apr_size_t len);

/* The subscription handshake: mode "subscribe" and the verify token,
 * compared in constant time; the challenge is what the answer echoes, so
 * it must be a token of 1 to 256 letters, digits and "-._~" (Meta sends
 * digits). 1 when all hold. */
int pd_whatsapp_handshake_ok(const char *mode, const char *token, const char *challenge,
                             const char *verify_token);

/* A message in. text is what it becomes on a ticket: a text's body, a
 * button's or a list's choice, or for media a note of what came ("[image]"
 * and its caption: the file itself is not fetched); NULL for what carries
 * nothing to keep (reactions, stickers, system and unsupported messages). */
typedef struct pd_whatsapp_in_t {
    const char *id;            /* wamid */
    const char *from;          /* E.164 */
    const char *name;          /* the sender's profile name, or NULL */
    const char *type;
    const char *text;
} pd_whatsapp_in_t;

/* What Meta says of a message sent. */
typedef struct pd_whatsapp_status_t {
    const char *id;            /* wamid */
    const char *status;        /* sent, delivered, read, failed */
    apr_int64_t delivery_id;   /* from the callback data, 0: none */
    const char *error;         /* failed: the first error's code and title */
} pd_whatsapp_status_t;

typedef struct pd_whatsapp_notice_t {
    apr_array_header_t *messages;  /* pd_whatsapp_in_t */
    apr_array_header_t *statuses;  /* pd_whatsapp_status_t */
    int skipped;                   /* changes of another field or phone number */
} pd_whatsapp_notice_t;

/* Reads a webhook notification's body. Only the "messages" field of the
 * phone number phone_number_id is taken; entries that are malformed are
 * skipped one by one. APR_EINVAL, with why, for a body that is no JSON
 * object or names another object than whatsapp_business_account. */
apr_status_t pd_whatsapp_notice_parse(apr_pool_t *p, const char *body, apr_size_t len,
                                      const char *phone_number_id, pd_whatsapp_notice_t *out,
                                      const char **why);

/* A new ticket from a message: its title, the text's first line cut to
 * PD_WHATSAPP_TITLE_MAX characters (or "WhatsApp" and the number when the
 * line is empty). */
const char *pd_whatsapp_ticket_title(apr_pool_t *p, const char *text, const char *from);

#endif
