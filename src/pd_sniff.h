/* What a file is, from its first bytes (magic numbers), never from the
 * name or the client's Content-Type: the types attachments may have.
 * Text types (plain text, logs, CSV) are told apart from binaries by being
 * valid UTF-8 without control characters other than tab, CR, LF and form
 * feed, and from markup by not looking like HTML, XML or SVG, which a
 * browser could run. */
#ifndef PD_SNIFF_H
#define PD_SNIFF_H

#include <apr.h>

typedef enum {
    PD_SNIFF_UNKNOWN = 0,      /* not on the allowlist */
    PD_SNIFF_PNG,
    PD_SNIFF_JPEG,
    PD_SNIFF_GIF,
    PD_SNIFF_WEBP,
    PD_SNIFF_PDF,
    PD_SNIFF_ZIP,
    PD_SNIFF_TEXT,             /* text/plain: also logs */
    PD_SNIFF_CSV,              /* text/csv: text, and the name says .csv */
    PD_SNIFF__COUNT
} pd_sniff_e;

/* How many leading bytes pd_sniff wants to see (fewer at the end of a
 * short file). */
#define PD_SNIFF_HEAD 4096

/* The type of a file from its first len bytes (all of it when shorter than
 * PD_SNIFF_HEAD); whole is 1 when those bytes are the whole file, so that a
 * text cut in the middle of a UTF-8 sequence at the window's end is not
 * taken for binary. The name only chooses CSV over plain text, once the
 * bytes are text. */
pd_sniff_e pd_sniff(const unsigned char *head, apr_size_t len, int whole, const char *filename);

/* The MIME type sent with a download ("image/png", ...); NULL for unknown. */
const char *pd_sniff_mime(pd_sniff_e type);

/* The type whose MIME type pd_sniff_mime gives exactly; PD_SNIFF_UNKNOWN
 * for anything else (a stored type is checked again before it is sent). */
pd_sniff_e pd_sniff_from_mime(const char *mime);

/* Whether a browser may show it inline (images that cannot carry script:
 * png, jpeg, gif, webp; never SVG or HTML, which are not on the list). */
int pd_sniff_inline(pd_sniff_e type);

#endif
