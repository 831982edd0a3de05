/* Input validation for JSON bodies and query strings. Every failure fills a
 * pd_error_t naming the offending field. */
#ifndef PD_VALIDATE_H
#define PD_VALIDATE_H

#include <apr_pools.h>
#include <apr_tables.h>
#include "pd_error.h"

/* Flags for the body validators. */
#define PD_V_REQUIRED  0x01    /* absent or null is an error */
#define PD_V_NULLABLE  0x02    /* null is accepted and reported as NULL / 0 */
#define PD_V_MULTILINE 0x04    /* strings may hold \n, \r and \t */

/* Each body validator returns APR_SUCCESS when the member is present (its
 * value in *out), APR_NOTFOUND when it is absent and not required, and
 * APR_EGENERAL with *err filled when it is invalid. */

/* Refuses members not in the NULL-terminated list (422 unknown_field). */
apr_status_t pd_v_known_fields(const json_t *obj, const char *const *allowed,
                               pd_error_t *err);

/* A string, trimmed of surrounding white space, between min and max
 * characters (code points), without control characters. */
apr_status_t pd_v_string(const json_t *obj, const char *field, unsigned flags,
                         apr_size_t min, apr_size_t max, apr_pool_t *p,
                         const char **out, pd_error_t *err);

/* A positive integer id (null -> 0 with PD_V_NULLABLE). */
apr_status_t pd_v_id(const json_t *obj, const char *field, unsigned flags,
                     apr_int64_t *out, pd_error_t *err);

/* One of a fixed set of names; parse returns -1 for unknown names. */
apr_status_t pd_v_enum(const json_t *obj, const char *field, unsigned flags,
                       int (*parse)(const char *), int *out, pd_error_t *err);

apr_status_t pd_v_bool(const json_t *obj, const char *field, unsigned flags,
                       int *out, pd_error_t *err);

/* A ticket's text fields and their limits, one table for every writer of
 * tickets (POST and PATCH /api/tickets, POST /api/imports). A field with
 * min > 0 is required on creation. */
typedef struct pd_text_rule_t {
    const char *name;
    apr_size_t min, max;
    unsigned flags;
} pd_text_rule_t;

enum {
    PD_TT_TITLE, PD_TT_DESCRIPTION, PD_TT_PIC_NAME, PD_TT_CONTACT, PD_TT_APP_VERSION,
    PD_TT__COUNT
};
extern const pd_text_rule_t pd_ticket_texts[PD_TT__COUNT];

/* The longest timeline text: a reply, a note, a status change's message. */
#define PD_TIMELINE_TEXT_MAX 20000

/* One ticket text field of obj by its rule; PD_V_REQUIRED added when
 * creating and the rule has a minimum. */
apr_status_t pd_v_ticket_text(const json_t *obj, const pd_text_rule_t *rule, int creating,
                              apr_pool_t *p, const char **out, pd_error_t *err);

/* Formats checked on already-validated strings. */
int pd_is_color(const char *s);        /* #rrggbb, lower-case hex */
int pd_is_code(const char *s);         /* A-Z 0-9 _ -, 1..32, starts alnum */
int pd_is_email(const char *s);        /* one @, a dot in the domain, no spaces */
int pd_is_username(const char *s);     /* printable, no spaces, 1..200 */
apr_size_t pd_utf8_length(const char *s);

/* Query strings. Decodes %XX and '+', refuses NUL, malformed escapes,
 * repeated keys, more than PD_Q_MAX_PARAMS parameters or PD_Q_MAX_LEN bytes. */
#define PD_Q_MAX_PARAMS 32
#define PD_Q_MAX_LEN 4096
apr_status_t pd_query_parse(apr_table_t **out, apr_pool_t *p, const char *args,
                            pd_error_t *err);

/* Refuses query keys not in the NULL-terminated list (400 unknown_parameter). */
apr_status_t pd_q_known(const apr_table_t *q, const char *const *allowed,
                        pd_error_t *err);

/* A positive id parameter; APR_NOTFOUND when absent. */
apr_status_t pd_q_id(const apr_table_t *q, const char *key, apr_int64_t *out,
                     pd_error_t *err);

/* A boolean parameter, "true" or "false"; *out 0 and APR_NOTFOUND when
 * absent. */
apr_status_t pd_q_bool(const apr_table_t *q, const char *key, int *out, pd_error_t *err);

/* An integer parameter in [min, max]; APR_NOTFOUND when absent. */
apr_status_t pd_q_int(const apr_table_t *q, const char *key, int min, int max,
                      int *out, pd_error_t *err);

/* A date (YYYY-MM-DD) or an RFC 3339 date-time with an offset
 * (YYYY-MM-DDTHH:MM[:SS[.frac]](Z|+HH:MM|-HH:MM)); checked for real
 * calendar values. APR_NOTFOUND when absent. */
apr_status_t pd_q_time(const apr_table_t *q, const char *key, const char **out,
                       pd_error_t *err);
int pd_is_time_bound(const char *s);

/* Pieces of date-time grammars, each returning where it stopped or NULL:
 * "YYYY-MM-DD" (a real date, from 1970), "HH:MM[:SS[.ffffff]]" (seconds
 * required or not), and "+HH[:MM]" (minutes required or not, hours up to
 * max_hours). */
const char *pd_scan_date(const char *s);
const char *pd_scan_time(const char *s, int need_seconds);
const char *pd_scan_offset(const char *s, int need_minutes, int max_hours);

#endif
