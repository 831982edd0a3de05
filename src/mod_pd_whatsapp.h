/* The WhatsApp channel's glue shared by its files: a person's number and
 * opt-in (mod_pd_res_whatsapp.c), the messages the webhook takes in
 * (mod_pd_whatsapp_inbound.c). */
#ifndef MOD_PD_WHATSAPP_H
#define MOD_PD_WHATSAPP_H

#include "mod_pd.h"

/* A change of a person's WhatsApp number and opt-in, as a body gives it. */
typedef struct pd_whatsapp_change_t {
    int given;                 /* "number" is in the body */
    const char *number;        /* E.164; NULL: none */
    const char *opt_in;        /* "set", "clear" or "keep" */
} pd_whatsapp_change_t;

/* Reads {"number": "+62...", "opt_in": true} (own: the person's own
 * change; an admin's may not hold opt_in). 422 naming whatsapp.<member>. */
apr_status_t pd_whatsapp_change_read(pd_req_t *req, const json_t *value, int own,
                                     pd_whatsapp_change_t *c);
/* Writes it within the caller's transaction: 404 for no such user, 409
 * conflict when another account opted in to the number, 422 for an
 * opt-in without a number. before and after: {"number", "opted_in_at"}. */
apr_status_t pd_whatsapp_change_write(pd_req_t *req, apr_int64_t user_id,
                                      const pd_whatsapp_change_t *c, const char **before,
                                      const char **after);
/* The caller's own change, with its audit entry, within the caller's
 * transaction. */
apr_status_t pd_whatsapp_me_write(pd_req_t *req, const pd_whatsapp_change_t *c);

/* mod_pd_whatsapp_inbound.c: a message from the webhook, in a transaction
 * of its own on req->db: nothing for a repeat; for a customer who opted in
 * to the sender's number, a public reply on their newest unsolved ticket
 * (pd_comment_add, as the portal's), or else a new ticket with source
 * whatsapp; for anyone else nothing, and a notice in the log. req->err is
 * filled on failure (the database: 503, and Meta tries again). */
apr_status_t pd_whatsapp_take(pd_req_t *req, const pd_whatsapp_in_t *in);
/* What Meta says of a message sent, recorded on its delivery. */
apr_status_t pd_whatsapp_status(pd_req_t *req, const pd_whatsapp_status_t *st);
/* Maintenance: forgets the webhook's counts of past minutes and the ids of
 * messages taken in long ago; *failed says why it could not. */
void pd_whatsapp_forget(const pd_server_conf_t *conf, pd_db_t *db, const char **failed);

#endif
