/* Notifications in the module: the background work that fans events out to
 * deliveries and sends them, and the channel table a channel plugs into.
 *
 * A channel is one row of the table (mod_pd_notify_channels.c): its id,
 * whether this server is configured for it, whether it delivers on the
 * database inside the transaction that records the delivery, and its send
 * function. The engine does the rest for every channel alike: it claims
 * due deliveries with FOR UPDATE SKIP LOCKED (any number of processes and
 * nodes share the work), checks again that the recipient may still be told
 * (pd_authz_may_notify), renders nothing itself, calls send, and records
 * the outcome: sent, a retry after a backoff with jitter, or dead after
 * PharmadeskNotifyMaxAttempts attempts (at once for a permanent failure).
 * An external send happens outside any transaction, under a lease
 * (PharmadeskNotifyLease): a process that dies mid-send leaves the
 * delivery to be claimed again when the lease ends, so delivery is at least
 * once, and a receiver drops the rare repeat by the message's stable id. */
#ifndef MOD_PD_NOTIFY_H
#define MOD_PD_NOTIFY_H

#include "mod_pd.h"
#include "pd_notify.h"

/* One delivery as a channel sees it: whom, and what about. Its id is the
 * same at every attempt: a channel derives from it the id a receiver drops
 * repeats by (an e-mail's Message-ID, a webhook's delivery id). */
typedef struct pd_delivery_t {
    apr_int64_t id;
    pd_channel_e channel;
    int attempts;              /* this one included */
    apr_int64_t user_id;       /* 0 for a channel whose recipient is not a user */
    const char *to_name;
    const char *to_email;      /* NULL: none */
    const char *language;      /* "id" or "en" */
    pd_notify_event_t ev;      /* what happened, for pd_notify_render */
    const char *ticket_url;    /* the ticket in the portal; NULL without PharmadeskPortalUrl */
} pd_delivery_t;

/* What a send is handed besides the delivery. db is the connection of the
 * background work: a transactional channel writes through it inside the
 * transaction that records the delivery; an external one may read. */
typedef struct pd_send_ctx_t {
    server_rec *s;
    const pd_server_conf_t *conf;
    pd_db_t *db;
    apr_pool_t *pool;          /* cleared after each delivery */
} pd_send_ctx_t;

/* A send's outcome: APR_SUCCESS when delivered; otherwise error says why
 * in a few words ("connection refused", "550 mailbox unavailable"), and
 * permanent, when trying again cannot help, makes the delivery dead at once;
 * cancelled, when it is not to be sent after all (the recipient withdrew
 * their consent to the channel), cancels it. */
typedef struct pd_send_result_t {
    const char *error;
    int permanent;
    int cancelled;
    /* The channel said in the error log what this outcome means for its
     * destination (a webhook: each endpoint apart); the engine then says
     * nothing of the channel as a whole. */
    int logged;
} pd_send_result_t;

/* An event being fanned out: the outbox row and the facts the rules
 * decide on. */
typedef struct pd_fanout_event_t {
    apr_int64_t outbox_id;
    apr_int64_t ticket_id;
    apr_int64_t activity_id;   /* 0: none */
    pd_notify_facts_t facts;
} pd_fanout_event_t;

typedef struct pd_channel_t {
    pd_channel_e id;
    /* This server can deliver on it (its directives are set). The fan-out
     * writes deliveries only for channels available where it runs; NULL:
     * always. */
    int (*available)(const pd_server_conf_t *conf);
    /* Delivers on db, in the transaction that marks the delivery sent, so
     * exactly once (the portal, whose sent deliveries are the
     * notifications): the fan-out writes its deliveries sent, and hands
     * them to store, if it has one, at once; send is called for a retried
     * one, within its claim's transaction. */
    int transactional;
    apr_status_t (*send)(const pd_send_ctx_t *ctx, const pd_delivery_t *d, pd_send_result_t *out);
    /* A transactional channel's deliveries, by id (an array literal,
     * "{1,2,3}"), delivered on ctx->db in the fan-out's transaction; NULL
     * when writing them sent is all there is to it (the portal). */
    apr_status_t (*store)(const pd_send_ctx_t *ctx, const char *ids);
    /* For a channel whose recipients are not users (a webhook endpoint,
     * which chooses its events and pharmacies): writes the event's
     * deliveries itself, on ctx->db inside the fan-out's transaction.
     * The per-user channels' deliveries the engine writes from the people's
     * preferences; one of them may have a fan_out too, for recipients who
     * are no users (WhatsApp: a unit's contacts who never sign in). */
    apr_status_t (*fan_out)(const pd_send_ctx_t *ctx, const pd_fanout_event_t *ev);
} pd_channel_t;

/* mod_pd_notify_channels.c: the channel table, and one channel by id (NULL
 * when none delivers there). */
const pd_channel_t *pd_channels(apr_size_t *count);
const pd_channel_t *pd_channel(pd_channel_e id);
/* Whether this server delivers on a channel now. */
int pd_channel_available(pd_channel_e id, const pd_server_conf_t *conf);
/* The per-user channels a person can choose here (1u << pd_channel_e):
 * those pd_notify offers that this server delivers. */
unsigned pd_channels_chosen(const pd_server_conf_t *conf);

/* mod_pd_notify_email.c: the e-mail channel (where PharmadeskMailFrom is
 * set). */
int pd_email_available(const pd_server_conf_t *conf);
apr_status_t pd_email_send(const pd_send_ctx_t *ctx, const pd_delivery_t *d, pd_send_result_t *out);

/* mod_pd_notify_whatsapp.c: the WhatsApp channel (where
 * PharmadeskWhatsAppPhoneNumberId and its token are set). */
int pd_whatsapp_available(const pd_server_conf_t *conf);
apr_status_t pd_whatsapp_send(const pd_send_ctx_t *ctx, const pd_delivery_t *d,
                              pd_send_result_t *out);
/* The unit's contacts who are no users, of a new case. */
apr_status_t pd_whatsapp_fan_out(const pd_send_ctx_t *ctx, const pd_fanout_event_t *ev);

/* mod_pd_notify_fanout.c: fans out up to `batch` events of the outbox in
 * one transaction; *events gets how many were taken. */
apr_status_t pd_notify_fanout(server_rec *s, const pd_server_conf_t *conf, pd_db_t *db,
                              int batch, int *events);

/* mod_pd_notify_send.c: claims up to `batch` due deliveries of one channel
 * and sends them; *claimed gets how many were claimed. stop, polled
 * between deliveries, ends the batch early (the child is exiting): what
 * was claimed and not sent is given back at once. */
apr_status_t pd_notify_send_batch(server_rec *s, const pd_server_conf_t *conf, pd_db_t *db,
                                  const pd_channel_t *ch, int batch, int (*stop)(void),
                                  int *claimed);

/* mod_pd_notify.c: the background job (a line of mod_pd_maintenance.c's
 * table): fans out and sends while there is work. */
void pd_notify_run(server_rec *s, const pd_server_conf_t *conf, pd_db_t *db, int (*stop)(void),
                   const char **failed);

#endif
