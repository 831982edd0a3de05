/* What a download's headers say about a stored file: its name, cleaned for
 * display and for Content-Disposition (RFC 6266 with an RFC 5987 UTF-8 form),
 * and the part of it a Range header asks for (RFC 9110 section 14). */
#ifndef PD_DOWNLOAD_H
#define PD_DOWNLOAD_H

#include <apr_pools.h>

/* An uploaded file's name as it is stored and shown: the multipart parser
 * has already kept the last path segment and refused NULs, control
 * characters and invalid UTF-8. This trims surrounding spaces and dots
 * and replaces the bidirectional controls that make "gpj.exe" look like
 * "exe.jpg". NULL when nothing is left. */
const char *pd_filename_clean(apr_pool_t *p, const char *name);

/* "attachment; filename=\"...\"" (or "inline; ..."), with an ASCII
 * fallback in which anything but printable ASCII, quote and backslash
 * becomes '_', and filename*=UTF-8''... when that fallback lost anything. */
const char *pd_content_disposition(apr_pool_t *p, const char *type, const char *name);

typedef enum {
    PD_RANGE_NONE = 0,         /* no usable Range: send the whole file (200) */
    PD_RANGE_OK,               /* one satisfiable range: 206 */
    PD_RANGE_UNSATISFIABLE     /* 416 with Content-Range: bytes * / size */
} pd_range_e;

/* One "bytes=first-last", "bytes=first-" or "bytes=-suffix" range of a file
 * of size bytes, as *first and *last (inclusive). Several ranges, other
 * units and malformed values are ignored (PD_RANGE_NONE), as RFC 9110
 * allows. */
pd_range_e pd_range_parse(const char *header, apr_off_t size, apr_off_t *first,
                          apr_off_t *last);

#endif
