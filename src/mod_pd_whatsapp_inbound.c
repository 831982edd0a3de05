/* What the WhatsApp webhook takes in (mod_pd_whatsapp_hook.c has already
 * checked Meta's signature), each message in a transaction of its own:
 *
 * - A message is taken once: its id (wamid) is claimed in whatsapp_inbound
 *   first, in the same transaction as what it becomes. Meta delivers at
 *   least once; a repeat, or a second delivery while the first is under
 *   way (it waits for the first's transaction), finds the id taken and
 *   does nothing.
 * - The sender is the customer who opted in to the number it came from
 *   (at most one account can: migration 0023), active and of a pharmacy.
 *   Anyone else's message is dropped with a notice in the log (no ticket,
 *   no phone number kept): staff have no way to tell an unknown writer
 *   from an impostor, and the webhook must still answer 200, or Meta
 *   repeats it for days.
 * - A customer's message is written as the customer writes in the portal:
 *   a public reply on their newest ticket not solved yet, through
 *   pd_comment_add (the API's rules, the workflow's move of a ticket that
 *   waits for them, the notifications its timeline entry causes); or, when
 *   they have none, a new ticket with source `whatsapp` in their pharmacy,
 *   in the category and module the configuration names. Every timeline
 *   entry it causes records the channel (ticket_activities.channel), and
 *   its actor is the customer.
 * - A message that carries nothing to keep (a reaction, a sticker, a
 *   system message) is taken and dropped; media are noted as what came
 *   ("[image] caption"), not fetched.
 *
 * Statuses of messages sent (delivered, read, failed) go onto their
 * deliveries. */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "mod_pd_whatsapp.h"
#include "pd_notify.h"

/* Who sent a message: the customer who opted in to its number, or 0. */
static apr_status_t sender(pd_req_t *req, const pd_whatsapp_in_t *in, int *found)
{
    const char *args[] = { in->from };
    pd_db_result_t res;
    pd_identity_t *who = &req->who;

    *found = 0;
    if (!in->from) {
        return APR_SUCCESS;
    }
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_USERS_WHATSAPP_SENDER, args), &res)
        != APR_SUCCESS) {
        return pd_fail_db(req, "finding a WhatsApp message's sender");
    }
    if (pd_db_next(&res) == APR_SUCCESS) {
        memset(who, 0, sizeof(*who));
        who->user_id = pd_db_get_int64(&res, 0);
        who->role = (pd_role_e)pd_db_get_int64(&res, 1);
        who->pharmacy_id = pd_db_get_int64(&res, 2);
        who->name = pd_db_get(&res, 4);
        who->username = who->name;
        /* a customer of a pharmacy, with access, as the API would have it */
        *found = pd_db_get_bool(&res, 3) && who->role == PD_ROLE_CUSTOMER
                 && pd_authz_has_access(who);
    }
    pd_db_drain(&res);
    return APR_SUCCESS;
}

/* The customer's newest ticket not solved yet, or 0. */
static apr_status_t open_ticket(pd_req_t *req, apr_int64_t *id)
{
    const char *args[] = {
        pd_db_int(&req->db, req->who.user_id), pd_db_int(&req->db, req->who.pharmacy_id)
    };
    pd_db_result_t res;

    *id = 0;
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_TICKETS_WHATSAPP_OPEN, args), &res)
        != APR_SUCCESS) {
        return pd_fail_db(req, "finding a customer's open ticket");
    }
    if (pd_db_next(&res) == APR_SUCCESS) {
        *id = pd_db_get_int64(&res, 0);
    }
    pd_db_drain(&res);
    return APR_SUCCESS;
}

/* A new ticket from the message; *id 0 when none can be opened (the
 * pharmacy is no longer active, or no category or module is). */
static apr_status_t new_ticket(pd_req_t *req, const pd_whatsapp_in_t *in, apr_int64_t *id)
{
    const pd_server_conf_t *conf = req->conf;
    apr_int64_t pharmacy = 0, customer = 0;
    const char *field, *args[11];
    pd_db_result_t res;

    *id = 0;
    /* whose ticket it is, by the rule of a customer's create */
    if (pd_authz_ticket_create(&req->who, &pharmacy, &customer, &field) != PD_AZ_OK) {
        return APR_SUCCESS;
    }
    args[0] = conf->whatsapp.category;
    args[1] = conf->whatsapp.module;
    args[2] = pd_db_int(&req->db, pharmacy);
    args[3] = conf->time_zone;
    args[4] = conf->ticket_prefix;
    args[5] = pd_whatsapp_param(req->r->pool, req->who.name, 200);
    args[6] = in->from;
    args[7] = pd_whatsapp_ticket_title(req->r->pool, in->text, in->from);
    args[8] = in->text;
    args[9] = pd_db_id_or_null(&req->db, customer);
    args[10] = pd_db_int(&req->db, req->who.user_id);
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_TICKETS_WHATSAPP_INSERT, args), &res)
        != APR_SUCCESS) {
        return pd_fail_db(req, "opening a ticket from a WhatsApp message");
    }
    if (pd_db_next(&res) == APR_SUCCESS) {
        *id = pd_db_get_int64(&res, 0);
    }
    pd_db_drain(&res);
    return APR_SUCCESS;
}

/* Whether the message is new: its id claimed within the transaction. */
static apr_status_t claim(pd_req_t *req, const pd_whatsapp_in_t *in, int *fresh)
{
    const char *args[] = { in->id };
    pd_db_result_t res;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_WHATSAPP_INBOUND_CLAIM, args), &res)
        != APR_SUCCESS) {
        return pd_fail_db(req, "taking a WhatsApp message in");
    }
    *fresh = pd_db_next(&res) == APR_SUCCESS;
    pd_db_drain(&res);
    return APR_SUCCESS;
}

/* Writes what the customer's message becomes; *outcome and *ticket say
 * what (outcome NULL: nothing could be opened). */
static apr_status_t write_message(pd_req_t *req, const pd_whatsapp_in_t *in,
                                  const char **outcome, apr_int64_t *ticket)
{
    const char *json;
    apr_status_t rv;

    *outcome = NULL;
    if (pd_db_exec(&req->db, PD_SQL_CALL0(PD_SQL_WHATSAPP_CHANNEL_SET), NULL) != APR_SUCCESS) {
        return pd_fail_db(req, "marking the WhatsApp channel");
    }
    if ((rv = open_ticket(req, ticket)) != APR_SUCCESS) {
        return rv;
    }
    if (*ticket) {
        req->id = *ticket;
        if ((rv = pd_comment_add(req, in->text, 0, &json)) != APR_SUCCESS) {
            return rv;
        }
        *outcome = "reply";
        return APR_SUCCESS;
    }
    if ((rv = new_ticket(req, in, ticket)) != APR_SUCCESS) {
        return rv;
    }
    *outcome = *ticket ? "ticket" : NULL;
    return APR_SUCCESS;
}

apr_status_t pd_whatsapp_take(pd_req_t *req, const pd_whatsapp_in_t *in)
{
    request_rec *r = req->r;
    const char *outcome = NULL;
    apr_int64_t ticket = 0;
    apr_status_t rv;
    int fresh = 0, found = 0;

    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting to take a WhatsApp message in");
    }
    if ((rv = claim(req, in, &fresh)) != APR_SUCCESS) {
        goto cleanup;
    }
    if (!fresh) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "pharmadesk: WhatsApp message %s was taken "
                      "in before", in->id);
        pd_db_rollback(&req->db);
        return APR_SUCCESS;
    }
    if (!in->text) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "pharmadesk: WhatsApp message %s (%s) carries "
                      "nothing to keep", in->id, in->type);
    }
    else if ((rv = sender(req, in, &found)) != APR_SUCCESS) {
        goto cleanup;
    }
    else if (!found) {
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, "pharmadesk: WhatsApp message %s comes from "
                      "a number no active customer opted in to: no ticket", in->id);
    }
    else if ((rv = write_message(req, in, &outcome, &ticket)) != APR_SUCCESS) {
        goto cleanup;
    }
    else if (!outcome) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, "pharmadesk: WhatsApp message %s from user %"
                      APR_INT64_T_FMT " opened no ticket: the pharmacy is not active, or no "
                      "category or module is (PharmadeskWhatsAppCategory, PharmadeskWhatsAppModule)",
                      in->id, req->who.user_id);
    }
    if (outcome) {
        const char *args[] = { outcome, pd_db_int(&req->db, ticket), in->id };
        if (pd_db_exec(&req->db, PD_SQL_CALL(PD_SQL_WHATSAPP_INBOUND_RECORD, args), NULL)
            != APR_SUCCESS) {
            rv = pd_fail_db(req, "recording a WhatsApp message");
            goto cleanup;
        }
    }
    if (pd_db_commit(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "committing a WhatsApp message");
    }
    return APR_SUCCESS;

cleanup:
    pd_db_rollback(&req->db);
    return rv;
}

apr_status_t pd_whatsapp_status(pd_req_t *req, const pd_whatsapp_status_t *st)
{
    static const char *const known[] = { "sent", "delivered", "read", "failed" };
    const char *error = NULL;
    apr_size_t i;

    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (strcmp(st->status, known[i]) == 0) {
            break;
        }
    }
    if (i == sizeof(known) / sizeof(known[0])) {
        return APR_SUCCESS;
    }
    if (strcmp(st->status, "failed") == 0) {
        error = pd_notify_error_text(req->r->pool,
                                     apr_pstrcat(req->r->pool, "WhatsApp did not deliver it: ",
                                                 st->error ? st->error : "no reason given", NULL));
    }
    {
        const char *args[] = {
            st->id, pd_db_id_or_null(&req->db, st->delivery_id), st->status, error
        };
        if (pd_db_exec(&req->db, PD_SQL_CALL(PD_SQL_NOTIFY_DELIVERIES_RECEIPT, args), NULL)
            != APR_SUCCESS) {
            return pd_fail_db(req, "recording a WhatsApp message's status");
        }
    }
    return APR_SUCCESS;
}

void pd_whatsapp_forget(const pd_server_conf_t *conf, pd_db_t *db, const char **failed)
{
    pd_db_result_t res;

    if (!conf->whatsapp.app_secret) {
        return;
    }
    if (pd_db_select(db, PD_SQL_CALL0(PD_SQL_WHATSAPP_FORGET), &res) != APR_SUCCESS) {
        *failed = db->error ? db->error : "unknown error";
        return;
    }
    pd_db_drain(&res);
}
