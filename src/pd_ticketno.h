/* Human-readable ticket numbers: PREFIX-YEAR-SEQUENCE, e.g. PD-2026-000042.
 * The sequence restarts every year; the database allocates it and forms the
 * number (pd_ticket_number() in sql/migrations) inside the statement that
 * creates the ticket. This file holds the rules the module checks. */
#ifndef PD_TICKETNO_H
#define PD_TICKETNO_H

#include <apr_pools.h>

#define PD_TICKETNO_PREFIX_MAX 10

/* 1 when the prefix is 1..10 characters of A-Z and 0-9. */
int pd_ticketno_prefix_valid(const char *prefix);

/* Splits a ticket number. Strict: a valid prefix, a four-digit year from
 * 2000, a dash, and a sequence of at least six digits (zero-padded below a
 * million, no leading zero above). APR_EINVAL otherwise; out-params may be NULL. */
apr_status_t pd_ticketno_parse(const char *number, apr_pool_t *p, const char **prefix,
                               int *year, apr_int64_t *seq);

#endif
