/* Service levels in the core: what a ticket's SLA columns say (each
 * target's state, the business time left or overdue), the countdown part
 * of a ticket's ETag, and the shapes of the calendars and policies the API
 * takes. The business clock itself, and every rule that moves a ticket's
 * due times, are the database's (migration 0030), so that every writer of
 * tickets keeps them, and so that the time zone rules are PostgreSQL's. */
#ifndef PD_SLA_H
#define PD_SLA_H

#include <apr_pools.h>
#include "pd_json.h"
#include "pd_error.h"
#include "pd_ticket.h"

typedef enum {
    PD_SLA_RUNNING = 0,        /* the clock runs and the due time is ahead */
    PD_SLA_PAUSED,             /* the ticket waits for the customer */
    PD_SLA_MET,                /* met in time */
    PD_SLA_BREACHED,           /* overdue and not met, or met late */
    PD_SLA_STOPPED,            /* the ticket ended (cancelled) before the target was met */
    PD_SLA_NONE                /* the ticket has no such target */
} pd_sla_state_e;

typedef enum { PD_SLA_FIRST_RESPONSE = 0, PD_SLA_RESOLUTION, PD_SLA__TARGETS } pd_sla_target_e;

const char *pd_sla_state_name(pd_sla_state_e state);
const char *pd_sla_target_name(pd_sla_target_e target);

/* One target of a ticket, read from its columns (pd_ticket.h). */
typedef struct pd_sla_target_t {
    pd_sla_state_e state;
    int minutes;               /* the target */
    apr_int64_t left_us;       /* business microseconds left; negative: overdue */
    int at_risk;               /* running, and the at-risk share of its time is used */
    const char *due_at;        /* while it runs or once met; NULL while it stands still */
    const char *met_at;
} pd_sla_target_t;

void pd_sla_target_read(pd_sla_target_t *t, const char *const *cols, pd_sla_target_e which);

/* Whole business minutes of a duration, rounded down (-30 s is -1: a
 * minute overdue has begun). */
apr_int64_t pd_sla_minutes(apr_int64_t us);

/* Writes the ticket's service level members into the object w is in:
 * "first_response_due_at", "resolution_due_at" and "sla" {policy_id,
 * paused_minutes, paused_since, first_response {...}, resolution {...}},
 * each target {target_minutes, state, due_at, met_at, remaining_minutes,
 * at_risk}. */
void pd_sla_render(pd_jw_t *w, const char *const *cols);

/* What of the ticket's representation moves by itself while its clock
 * runs (the minutes left, the minutes paused), as the part a single
 * ticket's ETag ends in: "-s" and those numbers, or "" when nothing runs. */
const char *pd_sla_countdown(apr_pool_t *p, const char *const *cols);

/* An If-Match or If-None-Match field with the countdown part of every
 * ticket tag taken out: a write is conditional on the ticket's version, and
 * the clock moving on is no change to the ticket. NULL for NULL. */
const char *pd_sla_tags_base(apr_pool_t *p, const char *field);

/* ---- what the admin API takes ------------------------------------------- */

#define PD_SLA_MAX_INTERVALS 8     /* per weekday */
#define PD_SLA_MAX_HOLIDAYS 1000
#define PD_SLA_MAX_TARGET 100000   /* minutes: about ten weeks around the clock */
/* A new policy's managers' level, when it names none: business minutes
 * after a breach (as the column's default, migration 0030) */
#define PD_SLA_MANAGERS_AFTER 240

/* A zone name as the time zone database writes them (Asia/Jakarta,
 * America/Argentina/Buenos_Aires, UTC): letters, digits, _ + - in parts
 * separated by /, up to 64 characters. Whether PostgreSQL knows it is the
 * database's to say. */
int pd_sla_zone_name_ok(const char *zone);

/* "hours": {"mon": [{"from": "08:00", "to": "12:00"}, ...], ... "sun": []},
 * a missing day having no hours. Intervals of a day ascend without
 * overlapping, from 00:00 to 24:00, at most PD_SLA_MAX_INTERVALS a day,
 * and the week has at least one. *out: the rows as the database takes them
 * ([{"weekday": 1-7, "from", "to"}]). 422 naming the member otherwise. */
apr_status_t pd_sla_hours_read(const json_t *hours, apr_pool_t *p, const char **out,
                               pd_error_t *err);

/* "holidays": [{"date": "YYYY-MM-DD", "name": "..."}], each date once, at
 * most PD_SLA_MAX_HOLIDAYS. *out: the list as the database takes it. */
apr_status_t pd_sla_holidays_read(const json_t *holidays, apr_pool_t *p, const char **out,
                                  pd_error_t *err);

/* "targets": {"low"|"medium"|"high"|"urgent": {"first_response": minutes,
 * "resolution": minutes}}, every priority, 1 to PD_SLA_MAX_TARGET minutes.
 * *first_response and *resolution: the PostgreSQL arrays in priority
 * order ("{1440,480,240,60}"). */
apr_status_t pd_sla_targets_read(const json_t *targets, apr_pool_t *p, const char **first_response,
                                 const char **resolution, pd_error_t *err);

/* "escalation": {"at_risk": bool, "breached": bool, "managers_after_minutes":
 * 0 to PD_SLA_MAX_TARGET or null (never)}, any of them. Each out value is
 * what the database takes ("true", "240"; NULL for null), left as it was
 * for a member not sent; *managers_given tells a null sent from one
 * absent. */
typedef struct pd_sla_escalation_t {
    const char *at_risk, *breached, *managers_after;
    int managers_given;
} pd_sla_escalation_t;
apr_status_t pd_sla_escalation_read(const json_t *escalation, apr_pool_t *p,
                                    pd_sla_escalation_t *out, pd_error_t *err);

#endif
