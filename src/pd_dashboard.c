#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>
#include "pd_dashboard.h"
#include "pd_types.h"

/* By dimension, then most first, then by name (bytewise) and id. */
static int dash_order(const void *a, const void *b)
{
    const pd_dash_count_t *x = a, *y = b;
    apr_int64_t ix, iy;
    int c;

    if (x->dim != y->dim) {
        return x->dim < y->dim ? -1 : 1;
    }
    if (x->n != y->n) {
        return x->n > y->n ? -1 : 1;
    }
    if ((c = strcmp(x->name ? x->name : "", y->name ? y->name : "")) != 0) {
        return c;
    }
    ix = apr_atoi64(x->key);
    iy = apr_atoi64(y->key);
    return ix < iy ? -1 : ix > iy;
}

static void write_int(pd_jw_t *w, apr_int64_t n)
{
    char digits[32];
    apr_snprintf(digits, sizeof(digits), "%" APR_INT64_T_FMT, n);
    pd_jw_number(w, digits);
}

static apr_int64_t sum_of(const pd_dash_count_t *counts, int n, char dim, const char *key)
{
    apr_int64_t sum = 0;
    int i;

    for (i = 0; i < n; i++) {
        if (counts[i].dim == dim && (!key || strcmp(counts[i].key, key) == 0)) {
            sum += counts[i].n;
        }
    }
    return sum;
}

/* Every status or priority, zeros too, in their order. */
static void write_values(pd_jw_t *w, const char *member, const pd_dash_count_t *counts, int n,
                         char dim, int values, const char *(*name)(int))
{
    int v;

    pd_jw_key(w, member);
    pd_jw_begin(w, '{');
    for (v = 0; v < values; v++) {
        pd_jw_key(w, name(v));
        write_int(w, sum_of(counts, n, dim, name(v)));
    }
    pd_jw_end(w, '}');
}

/* The categories or modules counted, in the sorted order. */
static void write_lookup(pd_jw_t *w, const char *member, const pd_dash_count_t *counts, int n,
                         char dim)
{
    int i;

    pd_jw_key(w, member);
    pd_jw_begin(w, '[');
    for (i = 0; i < n; i++) {
        if (counts[i].dim != dim || !counts[i].name) {
            continue;
        }
        pd_jw_begin(w, '{');
        pd_jw_key(w, "id");
        pd_jw_number(w, counts[i].key);
        pd_jw_key(w, "name");
        pd_jw_string(w, counts[i].name);
        pd_jw_key(w, "color");
        pd_jw_string(w, counts[i].color);
        pd_jw_key(w, "count");
        write_int(w, counts[i].n);
        pd_jw_end(w, '}');
    }
    pd_jw_end(w, ']');
}

static const char *status_at(int i)
{
    return pd_status_name((pd_status_e)i);
}

static const char *priority_at(int i)
{
    return pd_priority_name((pd_priority_e)i);
}

static const char *sla_list_at(int i)
{
    static const char *const lists[] = { "breached", "at_risk" };
    return lists[i];
}

/* "sla": each list's count, at most the cap; "sla_more": whether it went
 * past (the statement counts one more than the cap). */
static void write_sla(pd_jw_t *w, const pd_dash_count_t *counts, int n)
{
    apr_int64_t count[2];
    int v;

    pd_jw_key(w, "sla");
    pd_jw_begin(w, '{');
    for (v = 0; v < 2; v++) {
        count[v] = sum_of(counts, n, 'l', sla_list_at(v));
        pd_jw_key(w, sla_list_at(v));
        write_int(w, count[v] > PD_DASH_SLA_CAP ? PD_DASH_SLA_CAP : count[v]);
    }
    pd_jw_end(w, '}');
    pd_jw_key(w, "sla_more");
    pd_jw_begin(w, '{');
    for (v = 0; v < 2; v++) {
        pd_jw_key(w, sla_list_at(v));
        pd_jw_bool(w, count[v] > PD_DASH_SLA_CAP);
    }
    pd_jw_end(w, '}');
}

void pd_dashboard_write(pd_jw_t *w, pd_dash_count_t *counts, int n, apr_int64_t *urgent)
{
    int i;

    if (n > 1) {
        qsort(counts, (size_t)n, sizeof(*counts), dash_order);
    }
    pd_jw_key(w, "total");
    write_int(w, sum_of(counts, n, 's', NULL));
    write_values(w, "by_status", counts, n, 's', PD_ST__COUNT, status_at);
    write_values(w, "by_priority", counts, n, 'p', PD_PRIO__COUNT, priority_at);
    write_lookup(w, "by_category", counts, n, 'c');
    write_lookup(w, "by_module", counts, n, 'm');
    write_sla(w, counts, n);
    *urgent = 0;
    for (i = 0; i < n; i++) {
        int st = counts[i].dim == 'u' ? pd_status_parse(counts[i].key) : -1;
        if (st >= 0 && st < PD_ST_SOLVED) {
            *urgent += counts[i].n;
        }
    }
}
