/* CSV for exports (RFC 4180): comma-separated cells, CRLF after each row,
 * a cell quoted when it holds a comma, a quote, a line break or leading or
 * trailing blanks, its quotes doubled. Text that a spreadsheet would run as
 * a formula (a cell beginning with =, +, -, @, a tab or a carriage return)
 * is neutralised by a leading apostrophe, so that an exported ticket title
 * such as =HYPERLINK(...) stays text; numbers the module writes itself go
 * out as they are. An optional UTF-8 byte order mark makes Excel read the
 * file as UTF-8. The text is gathered in a buffer that the caller sends and
 * empties (pd_csv_take) as often as it likes, so that an export of any
 * length needs only a row's worth of memory at a time. */
#ifndef PD_CSV_H
#define PD_CSV_H

#include <apr_pools.h>
#include <jansson.h>

typedef struct pd_csv_t {
    apr_pool_t *pool;
    char *buf;
    apr_size_t len;
    apr_size_t cap;
    int cells;                 /* cells written in the current row */
} pd_csv_t;

void pd_csv_init(pd_csv_t *c, apr_pool_t *p, apr_size_t cap);
/* The UTF-8 byte order mark, at the very start. */
void pd_csv_bom(pd_csv_t *c);
/* A text cell; NULL is an empty one. */
void pd_csv_text(pd_csv_t *c, const char *s);
/* A number as it is ([-]digits[.digits]); anything else is text. */
void pd_csv_number(pd_csv_t *c, const char *s);
/* Ends the row. */
void pd_csv_end_row(pd_csv_t *c);
/* What was written since the last take: *len bytes, valid until the next
 * write; the buffer is empty again. */
const char *pd_csv_take(pd_csv_t *c, apr_size_t *len);

/* A table from a JSON array of objects: a header of every member path
 * (nested objects' members joined with '.', in the order first seen), then
 * a row per object (strings as text, numbers as numbers, true and false,
 * null and absent members empty). Arrays inside the objects are left out. */
void pd_csv_json_table(pd_csv_t *c, const json_t *items);

#endif
