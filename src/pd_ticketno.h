/* Human-readable ticket numbers: PREFIX-YEAR-SEQUENCE, e.g. PD-2026-000042.
 * The sequence restarts every year and is allocated in the database. */
#ifndef PD_TICKETNO_H
#define PD_TICKETNO_H

#include <apr_pools.h>

#define PD_TICKETNO_PREFIX_MAX 10

/* 1 when the prefix is 1..10 characters of A-Z and 0-9. */
int pd_ticketno_prefix_valid(const char *prefix);

/* Formats the number; the sequence is zero-padded to six digits and simply
 * grows beyond that. APR_EINVAL for a bad prefix, year or sequence. */
apr_status_t pd_ticketno_format(const char **out, apr_pool_t *p, const char *prefix,
                                int year, apr_int64_t seq);

#endif
