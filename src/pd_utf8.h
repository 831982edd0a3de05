/* UTF-8 text made safe to show, and cut at whole characters: what the
 * notification texts and the mail builder do to every value before it
 * reaches a reader. */
#ifndef PD_UTF8_H
#define PD_UTF8_H

#include <apr.h>
#include <apr_pools.h>

/* The length in bytes of the well-formed UTF-8 character at s (1 to 4),
 * or 0 when s does not start one (a stray continuation byte, an overlong
 * form, a surrogate, past U+10FFFF, a truncated sequence, or the NUL). */
apr_size_t pd_utf8_char(const char *s);

/* How many of the len bytes at s fit in max: len, or max cut back to the
 * start of the UTF-8 character the cut falls in (s[max] is read). */
apr_size_t pd_utf8_fit(const char *s, apr_size_t len, apr_size_t max);

/* A copy of s that is well-formed UTF-8 without control characters:
 * each ill-formed byte becomes U+FFFD, and C0 and C1 controls, DEL and
 * the line and paragraph separators become a space. Multi-line text keeps
 * its line feeds and tabs (CR LF and a lone CR become a line feed); a
 * single line keeps neither. NULL stays NULL. */
const char *pd_utf8_clean(apr_pool_t *p, const char *s, int multiline);

/* Clean text of at most max characters: longer text is cut at a whole
 * character (at a space near the end when there is one), its trailing
 * white space dropped, and an ellipsis (U+2026) added. */
const char *pd_utf8_excerpt(apr_pool_t *p, const char *s, apr_size_t max, int multiline);

#endif
