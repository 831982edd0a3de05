/* TEMPORARY, replaced by src/pd_notify_text.c when the mail work is merged
 * (delete this file then, and its line in Makefile.am): the event names
 * and a plain rendering, enough for the engine to build and be tested. */
#include <string.h>
#include <apr_strings.h>
#include "pd_notify_text.h"

static const char *const event_names[PD_EV__COUNT] = {
    "ticket_created", "assigned", "unassigned", "status_changed",
    "public_reply", "internal_note", "attachment_added", "auto_closed",
};

const char *pd_event_name(pd_event_e ev)
{
    return (unsigned)ev < PD_EV__COUNT ? event_names[ev] : NULL;
}

apr_status_t pd_event_parse(const char *name, pd_event_e *ev)
{
    int i;
    for (i = 0; name && i < PD_EV__COUNT; i++) {
        if (strcmp(name, event_names[i]) == 0) {
            *ev = (pd_event_e)i;
            return APR_SUCCESS;
        }
    }
    return APR_EINVAL;
}

apr_status_t pd_notify_render(const pd_notify_event_t *ev, const char *lang, const char *ticket_url,
                              apr_pool_t *p, pd_notify_text_t *out)
{
    const char *name = pd_event_name(ev->kind);

    if (!name) {
        return APR_EINVAL;
    }
    out->subject = apr_psprintf(p, "[%s] %s", ev->ticket_number ? ev->ticket_number : "",
                                name);
    out->text = apr_psprintf(p, "%s\n%s\n", name, ticket_url ? ticket_url : "");
    out->html = apr_psprintf(p, "<p>%s</p>", name);
    return APR_SUCCESS;
}

const char *pd_notify_ticket_url(apr_pool_t *p, const char *portal_url, apr_int64_t ticket_id)
{
    return portal_url ? apr_psprintf(p, "%s#/t/%" APR_INT64_T_FMT, portal_url, ticket_id) : NULL;
}

const char *pd_notify_preferences_url(apr_pool_t *p, const char *portal_url)
{
    return portal_url ? apr_pstrcat(p, portal_url, "#/preferences", NULL) : NULL;
}
