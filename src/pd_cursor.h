/* Keyset pagination cursors. A cursor names the sort it belongs to and the
 * last row's sort key and id. It is opaque to clients (base64url) and checked
 * strictly when it comes back, since clients can forge it: the caller checks
 * that the sort matches the request, and the key's form (integer, timestamp
 * or valid UTF-8 text) before it becomes a statement parameter. */
#ifndef PD_CURSOR_H
#define PD_CURSOR_H

#include <apr_pools.h>

/* a 200-character name is up to 800 bytes, 1.4 KiB once encoded */
#define PD_CURSOR_MAX_LEN 2048

typedef struct pd_cursor_t {
    const char *sort;          /* the sort's name, e.g. "created_at" */
    int desc;                  /* 1 for descending */
    apr_int64_t id;            /* the last row's id: the tie-breaker */
    const char *key;           /* the last row's sort key, as text */
} pd_cursor_t;

const char *pd_cursor_encode(apr_pool_t *p, const pd_cursor_t *c);

/* APR_EINVAL for anything malformed. */
apr_status_t pd_cursor_decode(pd_cursor_t *c, apr_pool_t *p, const char *text);

/* Key checks for the caller: a signed decimal integer; valid UTF-8 text
 * without NUL or control characters of at most max_bytes; a timestamp as
 * PostgreSQL prints one in the ISO style ("2026-11-21 23:16:11.123456+00"),
 * with real calendar values, so that casting it back cannot fail; a search
 * rank, a non-negative float as PostgreSQL prints one ("0.6079271",
 * "1e-05", "1.5e+20"), at most 32 characters. */
int pd_cursor_key_int(const char *key, apr_int64_t *out);
int pd_cursor_key_timestamp(const char *key);
int pd_cursor_key_rank(const char *key);
/* A two-part key, "<small integer>|<timestamp>" (a list sorted by a rank,
 * then by creation time): an integer of -9 to 9 and a timestamp as
 * pd_cursor_key_timestamp takes it, into *n and *time (from p). */
int pd_cursor_key_int_time(const char *key, apr_pool_t *p, apr_int64_t *n, const char **time);
int pd_utf8_valid(const char *s, apr_size_t max_bytes);

/* The len bytes of base64url text (RFC 4648, without padding) decoded into
 * a NUL-terminated string from p. APR_EINVAL for an empty text, anything
 * outside the alphabet, or a decoded NUL byte. */
apr_status_t pd_base64url_decode(char **out, apr_pool_t *p, const char *text, apr_size_t len);

#endif
