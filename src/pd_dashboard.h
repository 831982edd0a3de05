/* The dashboard's counts as GET /api/dashboard shows them. The database
 * hands back only what it counted, as (dim, key, n) rows (migration 0017,
 * pd_dashboard_counts); the JSON is written here rather than aggregated in
 * SQL, where building four JSON values cost the statement more than
 * counting did. */
#ifndef PD_DASHBOARD_H
#define PD_DASHBOARD_H

#include <apr.h>
#include "pd_json.h"

/* The service level tiles count up to this many tickets each; past it the
 * dashboard shows this many and says there are more. As a literal, so that
 * the statement (pd_sql.c) can carry it. */
#define PD_DASH_SLA_CAP 1000
#define PD_DASH_STR_(x) #x
#define PD_DASH_STR(x) PD_DASH_STR_(x)
/* one more than the cap: how a count tells "more" */
#define PD_DASH_SLA_CAP_SQL "(" PD_DASH_STR(PD_DASH_SLA_CAP) " + 1)"

typedef struct pd_dash_count_t {
    char dim;                  /* 's' status, 'p' priority, 'c' category id,
                                * 'm' module id, 'u' an urgent ticket's status,
                                * 'l' a service level list (breached, at_risk) */
    const char *key;
    apr_int64_t n;
    const char *name;          /* 'c' and 'm': the name; NULL: no such row, left out */
    const char *color;
} pd_dash_count_t;

/* Writes "total", "by_status" and "by_priority" (every value, zeros too, in
 * workflow and rank order), "by_category" and "by_module" ([{id, name,
 * color, count}] of those counted, most first, then by name and id), "sla"
 * ({"breached", "at_risk"}: the tickets of those service level lists, at
 * most PD_DASH_SLA_CAP each) and "sla_more" (the same keys: whether there
 * are more than that) as
 * members of the object w is in. Sorts counts. *urgent: how many urgent
 * tickets are not yet solved. */
void pd_dashboard_write(pd_jw_t *w, pd_dash_count_t *counts, int n, apr_int64_t *urgent);

#endif
