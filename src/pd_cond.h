/* Conditional requests (RFC 9110 section 13): entity-tag comparison, the
 * lists of If-Match and If-None-Match, If-Range, and the order in which
 * they are evaluated. Every conditional answer of the API is decided here.
 *
 * Resources here have entity tags and no modification dates, so
 * If-Modified-Since and If-Unmodified-Since are ignored (RFC 9110 13.1.3
 * and 13.1.4 say so for a resource without a date) and an If-Range that is
 * a date never matches. A field that is not a well-formed list of entity
 * tags (or "*") matches nothing: If-Match then fails, If-None-Match lets
 * the request through, If-Range sends the whole representation. */
#ifndef PD_COND_H
#define PD_COND_H

typedef enum {
    PD_COND_PROCEED = 0,       /* no precondition stops the request */
    PD_COND_NOT_MODIFIED,      /* 304: a GET or HEAD whose If-None-Match matched */
    PD_COND_FAILED             /* 412 Precondition Failed */
} pd_cond_e;

/* Whether field ("*", or a comma-separated list of entity tags) names etag,
 * one entity tag as the resource has it now. strong: the strong comparison
 * (both tags strong, the same opaque tag), as If-Match takes; otherwise the
 * weak one (the same opaque tag, either may be weak), as If-None-Match
 * takes. "*" names any tag. */
int pd_cond_list_matches(const char *field, const char *etag, int strong);

/* RFC 9110 13.2.2 for a resource that exists with tag etag: If-Match
 * (strong) first, then If-None-Match (weak). safe: the method is GET or
 * HEAD, for which a matching If-None-Match means 304 rather than 412.
 * Either field may be NULL (absent). */
pd_cond_e pd_cond_evaluate(const char *if_match, const char *if_none_match, const char *etag,
                           int safe);

/* If-Range (RFC 9110 13.1.5): whether a Range may be honoured. True when
 * if_range is NULL, or is one strong entity tag equal to etag by the strong
 * comparison; a weak tag, a date, a list or anything else: false (send the
 * whole representation). */
int pd_cond_range_applies(const char *if_range, const char *etag);

#endif
