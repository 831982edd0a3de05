/* Imports (POST /api/imports): a batch of another system's records in a
 * named format, checked row by row with the API's own validators before
 * the database resolves references, finds conflicts and writes it. Each
 * format is a handler in one table (pd_import.c): "tickets" (tickets with
 * their timelines from another helpdesk) today; another format (a front
 * desk's visitors, letters and cases) is one more entry with its own check
 * and statement. */
#ifndef PD_IMPORT_H
#define PD_IMPORT_H

#include <apr_pools.h>
#include "pd_json.h"
#include "pd_error.h"
#include "pd_sql.h"

/* The limits of one request: the body's bytes, the rows of a batch, the
 * timeline events of one ticket and of a batch. Beyond them: 413. */
#define PD_IMPORT_MAX_BODY          (16 * 1024 * 1024)
#define PD_IMPORT_MAX_ROWS          5000
#define PD_IMPORT_MAX_TICKET_EVENTS 1000
#define PD_IMPORT_MAX_EVENTS        50000
/* problems reported per batch; the count says how many there were */
#define PD_IMPORT_MAX_PROBLEMS      1000

typedef struct pd_import_t {
    const char *format;
    const char *source;       /* where the rows come from: with each row's source id, its identity */
    int dry_run;
    const char *prefix;       /* this installation's ticket number prefix (in) */
    apr_size_t count;         /* rows in the batch */
    json_t *rows;             /* the rows that passed, in the statement's form */
    json_t *problems;         /* [{index, source_id, field, code, message}] */
    apr_size_t problem_count; /* all of them, also those past PD_IMPORT_MAX_PROBLEMS */
    pd_sql_id_e stmt;         /* the format's statement */
    apr_pool_t *pool;
} pd_import_t;

/* Checks body (the parsed request) into imp. APR_SUCCESS when the batch
 * could be read, with each refused row in imp->problems; an error (err
 * filled: 422 for a bad envelope or an unknown format, 413 past a limit)
 * when it could not. */
apr_status_t pd_import_read(const json_t *body, pd_import_t *imp, pd_error_t *err);

/* Adds a problem of row index (its source id when known) to imp. */
void pd_import_problem(pd_import_t *imp, apr_size_t index, const char *source_id,
                       const char *field, const char *code, const char *message);

/* The names of the formats, comma separated, for messages and docs. */
const char *pd_import_format_names(apr_pool_t *p);

#endif
