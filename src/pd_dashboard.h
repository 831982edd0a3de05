/* The dashboard's counts as GET /api/dashboard shows them. The database
 * hands back only what it counted, as (dim, key, n) rows (migration 0017,
 * pd_dashboard_counts); the JSON is written here rather than aggregated in
 * SQL, where building four JSON values cost the statement more than
 * counting did. */
#ifndef PD_DASHBOARD_H
#define PD_DASHBOARD_H

#include <apr.h>
#include "pd_json.h"

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
 * ({"breached", "at_risk"}: the tickets of those service level lists) as
 * members of the object w is in. Sorts counts. *urgent: how many urgent
 * tickets are not yet solved. */
void pd_dashboard_write(pd_jw_t *w, pd_dash_count_t *counts, int n, apr_int64_t *urgent);

#endif
