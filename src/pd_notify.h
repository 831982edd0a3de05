/* Notifications: the rules, without httpd. Which people an event on a
 * ticket concerns, which of them may be told (pd_authz_may_notify) and
 * which channels a person can choose and how a choice is written, how long
 * a failed delivery waits before its next attempt. The background work (src/mod_pd_notify*.c) asks here; the words of a message
 * are pd_notify_text.h's. */
#ifndef PD_NOTIFY_H
#define PD_NOTIFY_H

#include <apr_pools.h>
#include <apr_tables.h>
#include "pd_types.h"
#include "pd_authz.h"
#include "pd_notify_text.h"
#include "pd_error.h"
#include "pd_json.h"

/* The channels, by their stable names (the API's and the database's). */
typedef enum {
    PD_CH_PORTAL = 0,          /* its sent deliveries are the notifications (the bell) */
    PD_CH_EMAIL,
    PD_CH_WEBHOOK,             /* an endpoint, not a person: no preferences */
    PD_CH_WHATSAPP,
    PD_CH__COUNT
} pd_channel_e;

const char *pd_channel_name(pd_channel_e ch);
/* APR_EINVAL for a name that is none of them. */
apr_status_t pd_channel_parse(const char *name, pd_channel_e *ch);
/* Whether a person chooses this channel in their preferences (portal,
 * e-mail, WhatsApp); a webhook endpoint chooses its events itself. */
int pd_channel_per_user(pd_channel_e ch);
/* The per-user channels a person can choose (1u << pd_channel_e); a
 * server offers those of them it is configured to deliver. */
unsigned pd_channels_offered(void);

/* How a person stands to an event's ticket (bits). */
#define PD_REL_REPORTER 0x01u  /* the ticket's customer */
#define PD_REL_PHARMACY 0x02u  /* a customer of its pharmacy, the ticket naming none */
#define PD_REL_EXPERT   0x04u  /* its team expert */
#define PD_REL_TECH     0x08u  /* its tech */
#define PD_REL_SUBJECT  0x10u  /* the person assigned, or taken off */
#define PD_REL_TEAM     0x20u  /* a team expert: the team that takes new tickets */
#define PD_REL_ADMIN    0x40u  /* an admin */
#define PD_REL_MANAGER  0x80u  /* a manager: those who oversee escalations */
#define PD_REL_UNIT     0x100u /* a lead or backup of the ticket's org unit (a front desk case) */

/* Whom an event can concern: the relations (PD_REL_*) of the people who
 * may hear of it, should the rules let them and their preferences want it.
 * Which of them one event concerns can depend on its ticket
 * (pd_notify_facts_audience). */
unsigned pd_notify_audience(pd_event_e ev);

/* An event on its ticket, as the rules see it. */
typedef struct pd_notify_facts_t {
    pd_event_e event;
    pd_ticket_facts_t ticket;  /* as it is when the event is fanned out */
    apr_int64_t customer_id;   /* the ticket's reporting customer; 0: none */
    apr_int64_t actor_id;      /* who made the change; 0: the system */
    apr_int64_t subject_id;    /* assigned: the person; unassigned: the one taken off; else 0 */
    int internal;              /* the timeline entry is internal */
} pd_notify_facts_t;

/* A possible recipient: who they are now (role, pharmacy) and whether
 * they are active. */
typedef struct pd_recipient_t {
    pd_identity_t who;
    int active;
    int unit_contact;          /* a lead or backup of the ticket's org unit */
} pd_recipient_t;

/* Whom this event concerns, on its ticket as it is: an SLA alarm goes to
 * the people working on the ticket, and to the team when it has nobody (a
 * ticket at risk to its tech, else its expert, else the team; a breach, or
 * the expert's part of an escalation, to its expert, else the team). */
unsigned pd_notify_facts_audience(const pd_notify_facts_t *f);

/* The relations of one person to the event (PD_REL_*). */
unsigned pd_notify_relations(const pd_notify_facts_t *f, const pd_identity_t *who);

/* The whole decision for one person: the event concerns them (audience),
 * they may be told of it (pd_authz_may_notify: active, never an internal
 * entry or another pharmacy's ticket for a customer), and they are not its
 * actor, who knows already. Preferences come after. */
int pd_notify_recipient(const pd_notify_facts_t *f, const pd_recipient_t *r);

/* Whom to look at for an event: the people it names (reporter, expert,
 * tech, subject: 0 for none), and whether whole groups may be concerned. */
typedef struct pd_notify_candidates_t {
    apr_int64_t ids[4];
    int team;                  /* every team expert */
    int admins;                /* every admin */
    int managers;              /* every manager */
    apr_int64_t pharmacy_id;   /* every customer of this pharmacy; 0: none */
    int unit_contacts;         /* the leads and backups of the ticket's org unit */
} pd_notify_candidates_t;
void pd_notify_candidates(const pd_notify_facts_t *f, pd_notify_candidates_t *c);

/* Why a recipient hears of the event, as a message's footer says it
 * (PD_NOTIFY_REASON_*), NULL when they take part in it otherwise. */
const char *pd_notify_reason(const pd_notify_facts_t *f, const pd_identity_t *who);

/* The events a role can hear of at all (1u << pd_event_e): what its
 * preferences offer. Customers never hear of internal notes or of the
 * service levels' alarms; managers hear of escalations. */
unsigned pd_notify_role_events(pd_role_e role);

/* Seconds until the next attempt after `attempts` failed ones (from 1):
 * base doubling with each attempt, at most cap, then drawn uniformly from
 * its upper half by `draw` in [0, 1) ("equal jitter"), so that deliveries
 * that failed together do not all come back together. */
int pd_notify_backoff(int attempts, int base, int cap, double draw);

/* One choice of a preferences matrix: an event on a channel, on (1), off
 * (0) or back to the role's default (-1). */
typedef struct pd_notify_choice_t {
    pd_event_e event;
    pd_channel_e channel;
    int value;
} pd_notify_choice_t;

/* A matrix as the API takes it, {"event": {"channel": true|false}}, into
 * out (pd_notify_choice_t). Only the events in `events` and the channels
 * in `channels` (bits) may be named; null means the default where
 * `nullable`. 422 validation_failed naming "<field>.<event>[.<channel>]"
 * for anything else. */
apr_status_t pd_notify_matrix_parse(const json_t *matrix, const char *field, unsigned events,
                                    unsigned channels, int nullable, apr_array_header_t *out,
                                    pd_error_t *err);

/* A delivery's last error as stored: one line of printable text, at most
 * 1000 bytes, cut on a character boundary. */
const char *pd_notify_error_text(apr_pool_t *p, const char *error);

#endif
