/* The ticket list's query (GET /api/tickets, its counts, its export): the
 * allowlisted sorts and the request read from the query string, shared by
 * the list resource (mod_pd_res_tickets.c) and the reader of its
 * parameters (mod_pd_ticket_query.c). */
#ifndef MOD_PD_TICKET_LIST_H
#define MOD_PD_TICKET_LIST_H

#include "mod_pd.h"

/* The kind of a sort's cursor key, as the statement prints it. */
typedef enum { PD_SORT_KEY_TIMESTAMP, PD_SORT_KEY_INT, PD_SORT_KEY_RANK, PD_SORT_KEY_INT_TIME } pd_sort_key_e;

/* An allowlisted sort: name, statements for descending and ascending
 * without q and with q (relevance only exists with q), and the key's kind. */
typedef struct pd_ticket_sort_t {
    const char *name;
    pd_sql_id_e desc, asc, search_desc, search_asc;
    pd_sort_key_e key;
} pd_ticket_sort_t;

extern const pd_ticket_sort_t pd_ticket_sorts[];
/* how many; the last is due_at, the service level lists' own; before it
 * waiting, whose statement takes the filters once per walk */
#define PD_TICKET_SORT_COUNT 8
#define PD_TICKET_SORT_DUE_AT (PD_TICKET_SORT_COUNT - 1)
#define PD_TICKET_SORT_WAITING (PD_TICKET_SORT_COUNT - 2)

/* A list request, read from the query string: the statement's parameters,
 * in the catalogue's order, and the page's shape. */
#define FILTER_ARGS 40
#define SUBTREE_ARG 6          /* the subtree's pair among the filters */
typedef struct list_query_t {
    const char *filters[FILTER_ARGS]; /* the scope and each filter, as TICKET_FILTERS takes them */
    int narrowed;              /* a filter besides the scope is set */
    const char *key, *after_id; /* the cursor's, or NULL */
    const char *key_time;      /* the second part of an integer-and-time key */
    const char *rows;          /* the row limit: a page and one, to tell whether there is a next */
    const char *q;             /* the search text, then the tsquery built of it (text);
                                * NULL for a plain list */
    const char *sla;           /* breached, at_risk or met: a service level list */
    const char *subtree;       /* org_unit_subtree, else an operator's unit, or NULL */
    apr_size_t sort;           /* index into pd_ticket_sorts[] */
    int desc;
    int limit;
    int count;                 /* count=true: a bounded count with the page */
} list_query_t;

/* Reads a list request's query string into *lq (400 naming the parameter
 * otherwise). */
apr_status_t pd_ticket_list_query_read(pd_req_t *req, list_query_t *lq);

#endif
