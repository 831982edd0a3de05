#include <string.h>
#include <apr_strings.h>
#include "pd_notify.h"
#include "pd_utf8.h"

static const char *const channel_names[PD_CH__COUNT] = {
    [PD_CH_PORTAL] = "portal", [PD_CH_EMAIL] = "email", [PD_CH_WEBHOOK] = "webhook",
    [PD_CH_WHATSAPP] = "whatsapp",
};

const char *pd_channel_name(pd_channel_e ch)
{
    return (unsigned)ch < PD_CH__COUNT ? channel_names[ch] : NULL;
}

apr_status_t pd_channel_parse(const char *name, pd_channel_e *ch)
{
    int i;
    for (i = 0; name && i < PD_CH__COUNT; i++) {
        if (strcmp(name, channel_names[i]) == 0) {
            *ch = (pd_channel_e)i;
            return APR_SUCCESS;
        }
    }
    return APR_EINVAL;
}

int pd_channel_per_user(pd_channel_e ch)
{
    return ch == PD_CH_PORTAL || ch == PD_CH_EMAIL || ch == PD_CH_WHATSAPP;
}

unsigned pd_channels_offered(void)
{
    return 1u << PD_CH_PORTAL | 1u << PD_CH_EMAIL | 1u << PD_CH_WHATSAPP;
}

/* Whom each event concerns. The reporting customer hears of what happens
 * to their ticket; when a ticket names no customer (staff reported it for
 * the pharmacy), the pharmacy's customers do. The team hears of new
 * tickets; the people on a ticket of its conversation; the person assigned
 * or taken off of that. */
static const unsigned audience[PD_EV__COUNT] = {
    /* a front desk case: its unit's lead and backup too */
    [PD_EV_TICKET_CREATED] = PD_REL_REPORTER | PD_REL_PHARMACY | PD_REL_TEAM | PD_REL_ADMIN | PD_REL_UNIT,
    [PD_EV_ASSIGNED] = PD_REL_SUBJECT | PD_REL_REPORTER | PD_REL_PHARMACY | PD_REL_EXPERT,
    [PD_EV_UNASSIGNED] = PD_REL_SUBJECT | PD_REL_REPORTER | PD_REL_PHARMACY | PD_REL_EXPERT,
    [PD_EV_STATUS_CHANGED] = PD_REL_REPORTER | PD_REL_PHARMACY | PD_REL_EXPERT | PD_REL_TECH,
    [PD_EV_PUBLIC_REPLY] = PD_REL_REPORTER | PD_REL_PHARMACY | PD_REL_EXPERT | PD_REL_TECH,
    [PD_EV_INTERNAL_NOTE] = PD_REL_EXPERT | PD_REL_TECH,
    [PD_EV_ATTACHMENT_ADDED] = PD_REL_REPORTER | PD_REL_PHARMACY | PD_REL_EXPERT | PD_REL_TECH,
    [PD_EV_AUTO_CLOSED] = PD_REL_REPORTER | PD_REL_PHARMACY | PD_REL_EXPERT,
    /* the service levels' alarms, narrowed by the ticket (facts_audience) */
    [PD_EV_SLA_AT_RISK] = PD_REL_TECH | PD_REL_EXPERT | PD_REL_TEAM,
    [PD_EV_SLA_BREACHED] = PD_REL_EXPERT | PD_REL_TEAM,
    [PD_EV_SLA_ESCALATED] = PD_REL_MANAGER,
    [PD_EV_ESCALATED] = PD_REL_EXPERT | PD_REL_TEAM | PD_REL_TECH | PD_REL_MANAGER,
    [PD_EV_DE_ESCALATED] = PD_REL_EXPERT | PD_REL_TECH | PD_REL_MANAGER,
};

unsigned pd_notify_audience(pd_event_e ev)
{
    return (unsigned)ev < PD_EV__COUNT ? audience[ev] : 0;
}

unsigned pd_notify_facts_audience(const pd_notify_facts_t *f)
{
    unsigned aud = pd_notify_audience(f->event);

    switch (f->event) {
    case PD_EV_SLA_AT_RISK:
        return f->ticket.tech_id > 0 ? PD_REL_TECH
               : f->ticket.expert_id > 0 ? PD_REL_EXPERT : PD_REL_TEAM;
    case PD_EV_SLA_BREACHED:
    case PD_EV_ESCALATED:
        return f->ticket.expert_id > 0 ? aud & ~PD_REL_TEAM : aud & ~PD_REL_EXPERT;
    default:
        return aud;
    }
}

/* Events whose entry is always internal, whoever writes it: notes, and
 * the team's alarms, which a customer never hears of. */
static int always_internal(pd_event_e ev)
{
    switch (ev) {
    case PD_EV_INTERNAL_NOTE:
    case PD_EV_SLA_AT_RISK:
    case PD_EV_SLA_BREACHED:
    case PD_EV_SLA_ESCALATED:
    case PD_EV_ESCALATED:
    case PD_EV_DE_ESCALATED:
        return 1;
    default:
        return 0;
    }
}

unsigned pd_notify_relations(const pd_notify_facts_t *f, const pd_identity_t *who)
{
    unsigned rel = 0;
    apr_int64_t id = who->user_id;

    if (id <= 0) {
        return 0;
    }
    if (who->role == PD_ROLE_CUSTOMER) {
        if (f->customer_id > 0 && id == f->customer_id) {
            rel |= PD_REL_REPORTER;
        }
        else if (f->customer_id <= 0 && who->pharmacy_id > 0
                 && who->pharmacy_id == f->ticket.pharmacy_id) {
            rel |= PD_REL_PHARMACY;
        }
    }
    if (f->ticket.expert_id > 0 && id == f->ticket.expert_id) {
        rel |= PD_REL_EXPERT;
    }
    if (f->ticket.tech_id > 0 && id == f->ticket.tech_id) {
        rel |= PD_REL_TECH;
    }
    if (f->subject_id > 0 && id == f->subject_id) {
        rel |= PD_REL_SUBJECT;
    }
    if (pd_authz_assignable(who->role, PD_TF_EXPERT)) {
        rel |= PD_REL_TEAM;
    }
    if (who->role == PD_ROLE_ADMIN) {
        rel |= PD_REL_ADMIN;
    }
    if (who->role == PD_ROLE_MANAGER) {
        rel |= PD_REL_MANAGER;
    }
    return rel;
}

int pd_notify_recipient(const pd_notify_facts_t *f, const pd_recipient_t *r)
{
    int internal = f->internal || always_internal(f->event);

    unsigned rel = pd_notify_relations(f, &r->who) | (r->unit_contact ? PD_REL_UNIT : 0);

    if (!(rel & pd_notify_facts_audience(f))) {
        return 0;
    }
    if (f->actor_id > 0 && r->who.user_id == f->actor_id) {
        return 0;
    }
    return pd_authz_may_notify(&r->who, r->active, &f->ticket, internal);
}

void pd_notify_candidates(const pd_notify_facts_t *f, pd_notify_candidates_t *c)
{
    unsigned aud = pd_notify_facts_audience(f);

    memset(c, 0, sizeof(*c));
    if (aud & PD_REL_REPORTER) {
        c->ids[0] = f->customer_id;
    }
    if (aud & PD_REL_EXPERT) {
        c->ids[1] = f->ticket.expert_id;
    }
    if (aud & PD_REL_TECH) {
        c->ids[2] = f->ticket.tech_id;
    }
    if (aud & PD_REL_SUBJECT) {
        c->ids[3] = f->subject_id;
    }
    c->team = (aud & PD_REL_TEAM) != 0;
    c->admins = (aud & PD_REL_ADMIN) != 0;
    c->managers = (aud & PD_REL_MANAGER) != 0;
    if ((aud & PD_REL_PHARMACY) && f->customer_id <= 0) {
        c->pharmacy_id = f->ticket.pharmacy_id;
    }
    c->unit_contacts = (aud & PD_REL_UNIT) != 0;
}

const char *pd_notify_reason(const pd_notify_facts_t *f, const pd_identity_t *who)
{
    unsigned rel = pd_notify_relations(f, who) & pd_notify_facts_audience(f);

    /* the person assigned or taken off is the message's subject */
    if (rel & PD_REL_SUBJECT) {
        return NULL;
    }
    if (rel & PD_REL_EXPERT) {
        return PD_NOTIFY_REASON_EXPERT;
    }
    if (rel & PD_REL_TECH) {
        return PD_NOTIFY_REASON_TECH;
    }
    if (rel & (PD_REL_PHARMACY | PD_REL_REPORTER)) {
        return PD_NOTIFY_REASON_PHARMACY;
    }
    if (rel & (PD_REL_TEAM | PD_REL_ADMIN)) {
        return PD_NOTIFY_REASON_TEAM;
    }
    if (rel & PD_REL_MANAGER) {
        return PD_NOTIFY_REASON_MANAGER;
    }
    return NULL;
}

/* The relations a person of this role can have to a ticket. */
static unsigned role_relations(pd_role_e role)
{
    unsigned rel = 0;

    if (role == PD_ROLE_CUSTOMER) {
        rel |= PD_REL_REPORTER | PD_REL_PHARMACY;
    }
    if (pd_authz_assignable(role, PD_TF_EXPERT)) {
        rel |= PD_REL_EXPERT | PD_REL_SUBJECT | PD_REL_TEAM;
    }
    if (pd_authz_assignable(role, PD_TF_TECH)) {
        rel |= PD_REL_TECH | PD_REL_SUBJECT;
    }
    if (role == PD_ROLE_ADMIN) {
        rel |= PD_REL_ADMIN;
    }
    if (role == PD_ROLE_MANAGER) {
        rel |= PD_REL_MANAGER;
    }
    return rel;
}

unsigned pd_notify_role_events(pd_role_e role)
{
    pd_identity_t who = { 0 };
    unsigned events = 0, rel = role_relations(role);
    int ev;

    who.role = role;
    for (ev = 0; ev < PD_EV__COUNT; ev++) {
        if (!(audience[ev] & rel)) {
            continue;
        }
        if (always_internal((pd_event_e)ev) && !pd_authz_sees_internal(&who)) {
            continue;
        }
        events |= 1u << ev;
    }
    return events;
}

int pd_notify_backoff(int attempts, int base, int cap, double draw)
{
    double delay = base > 0 ? base : 1;
    int i;

    if (cap < 1) {
        cap = 1;
    }
    for (i = 1; i < attempts && delay < cap; i++) {
        delay *= 2;
    }
    if (delay > cap) {
        delay = cap;
    }
    if (draw < 0 || draw >= 1) {
        draw = 0;
    }
    delay = delay / 2 + draw * (delay / 2);
    return delay < 1 ? 1 : (int)delay;
}

apr_status_t pd_notify_matrix_parse(const json_t *matrix, const char *field, unsigned events,
                                    unsigned channels, int nullable, apr_array_header_t *out,
                                    pd_error_t *err)
{
    const char *ev_name, *ch_name;
    json_t *row, *value;
    apr_pool_t *p = out->pool;

    if (!json_is_object(matrix)) {
        return pd_error_setf(err, p, 422, "validation_failed", field,
                             "%s must be an object of events", field);
    }
    json_object_foreach((json_t *)matrix, ev_name, row) {
        const char *at = apr_pstrcat(p, field, ".", ev_name, NULL);
        pd_event_e ev;

        if (pd_event_parse(ev_name, &ev) != APR_SUCCESS || !(events & (1u << ev))) {
            return pd_error_set(err, 422, "validation_failed", strlen(at) <= 64 ? at : field,
                                "no such event, or none this can choose");
        }
        if (!json_is_object(row)) {
            return pd_error_set(err, 422, "validation_failed", at,
                                "an event's choices must be an object of channels");
        }
        json_object_foreach(row, ch_name, value) {
            const char *cat = apr_pstrcat(p, at, ".", ch_name, NULL);
            pd_notify_choice_t *c;
            pd_channel_e ch;

            if (pd_channel_parse(ch_name, &ch) != APR_SUCCESS || !(channels & (1u << ch))) {
                return pd_error_set(err, 422, "validation_failed",
                                    strlen(cat) <= 64 ? cat : at,
                                    "no such channel, or none this can choose");
            }
            if (!json_is_boolean(value) && !(nullable && json_is_null(value))) {
                return pd_error_set(err, 422, "validation_failed", cat,
                                    nullable ? "a choice must be true, false or null (the default)"
                                             : "a choice must be true or false");
            }
            c = apr_array_push(out);
            c->event = ev;
            c->channel = ch;
            c->value = json_is_null(value) ? -1 : json_is_true(value);
        }
    }
    return APR_SUCCESS;
}

#define ERROR_MAX 1000

const char *pd_notify_error_text(apr_pool_t *p, const char *error)
{
    char *out;
    apr_size_t i, n;

    if (!error || !*error) {
        return "unknown error";
    }
    n = pd_utf8_fit(error, strlen(error), ERROR_MAX);
    out = apr_pstrmemdup(p, error, n);
    for (i = 0; i < n; i++) {
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f) {
            out[i] = ' ';
        }
    }
    return out;
}
