/* What a notification says: the events that notify, by their stable names,
 * and the subject, plain text and HTML of a message about one, in Bahasa
 * Indonesia or English. The words for statuses and priorities are the
 * portal's (htdocs/assets/js/strings.js), so that a message and the page
 * it links to agree. Every value is cleaned (pd_utf8_clean) and, in HTML,
 * escaped: a ticket's title or a reply is the customer's text. */
#ifndef PD_NOTIFY_TEXT_H
#define PD_NOTIFY_TEXT_H

#include <apr.h>
#include <apr_pools.h>
#include <apr_time.h>

typedef enum {
    PD_EV_TICKET_CREATED = 0,
    PD_EV_ASSIGNED,          /* an expert or a tech was set: field says which */
    PD_EV_UNASSIGNED,        /* an expert or a tech was cleared */
    PD_EV_STATUS_CHANGED,
    PD_EV_PUBLIC_REPLY,
    PD_EV_INTERNAL_NOTE,     /* staff only, never a customer */
    PD_EV_ATTACHMENT_ADDED,  /* visibility decides who may hear of it */
    PD_EV_AUTO_CLOSED,
    /* service levels (migration 0031), staff only: field is the target
     * (first_response or resolution) */
    PD_EV_SLA_AT_RISK,
    PD_EV_SLA_BREACHED,
    PD_EV_SLA_ESCALATED,     /* overdue long enough for the managers */
    PD_EV_ESCALATED,         /* by hand, the reason in body */
    PD_EV_DE_ESCALATED,
    PD_EV__COUNT
} pd_event_e;

/* "ticket_created", "assigned", ... : the names the API and the stored
 * preferences use, which never change; NULL for a value out of range. */
const char *pd_event_name(pd_event_e ev);
/* APR_EINVAL for a name that is none of them. */
apr_status_t pd_event_parse(const char *name, pd_event_e *ev);

typedef struct pd_notify_event_t {
    pd_event_e kind;
    apr_int64_t ticket_id;
    const char *ticket_number;   /* PD-2026-000042 */
    const char *ticket_title;
    const char *pharmacy_name;
    const char *priority;        /* low|medium|high|urgent */
    const char *field;           /* assigned/unassigned: "expert_id" or "tech_id"; sla_*: the target */
    const char *old_value;       /* status: from; assignment: previous person's name or NULL */
    const char *new_value;       /* status: to; assignment: the person's name or NULL */
    const char *actor_name;      /* NULL: the system */
    const char *body;            /* reply/note text or attachment file name; may be long: render excerpts */
    const char *visibility;      /* "public" | "internal" */
    apr_time_t at;
    /* Optional, about the reader rather than the event: */
    const char *recipient_name;  /* the greeting's name; NULL: a greeting without one */
    const char *reason;          /* why they hear of it (PD_NOTIFY_REASON_*); NULL: they take part */
    const char *preferences_url; /* NULL: the portal's of ticket_url (pd_notify_preferences_url) */
} pd_notify_event_t;

/* Why a reader receives a message, said in its footer. */
#define PD_NOTIFY_REASON_PHARMACY "pharmacy"  /* the ticket is their pharmacy's */
#define PD_NOTIFY_REASON_EXPERT   "expert"    /* they are its team expert */
#define PD_NOTIFY_REASON_TECH     "tech"      /* they are its tech */
#define PD_NOTIFY_REASON_TEAM     "team"      /* they are on the team that takes new tickets */
#define PD_NOTIFY_REASON_MANAGER  "manager"   /* they are a manager, who oversees escalations */

typedef struct pd_notify_text_t {
    const char *subject;         /* one line, no CR/LF */
    const char *text;            /* plain text body */
    const char *html;            /* HTML body, every value escaped */
    /* For channels with room for a line (WhatsApp): what happened, one
     * line of plain text ("Dewi Lestari replied on ticket PD-..."), and
     * the excerpt it introduces (a reply or note, multi-line), or NULL. */
    const char *headline;
    const char *excerpt;
} pd_notify_text_t;

/* Longest reply or note excerpt, and longest title in a subject, in
 * characters. */
#define PD_NOTIFY_EXCERPT_MAX 600
#define PD_NOTIFY_SUBJECT_TITLE_MAX 100

/* lang: "id" or "en" (anything else: "id"); ticket_url: absolute portal link to the ticket
 * (http or https; anything else, or NULL, and the message has no link). APR_EINVAL for an
 * event kind out of range. */
apr_status_t pd_notify_render(const pd_notify_event_t *ev, const char *lang, const char *ticket_url,
                              apr_pool_t *p, pd_notify_text_t *out);

/* The portal's pages a message links to, from its base URL
 * (PharmadeskPortalUrl, ending in "/"): the ticket (BASE#/t/42) and the
 * reader's notification preferences (BASE#/preferences). NULL when
 * portal_url is NULL. */
const char *pd_notify_ticket_url(apr_pool_t *p, const char *portal_url, apr_int64_t ticket_id);
const char *pd_notify_preferences_url(apr_pool_t *p, const char *portal_url);

#endif
