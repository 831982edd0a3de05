/* /api/tickets/{id}/activities: a ticket's timeline, oldest first, a page
 * at a time. Whoever may read the ticket may read its timeline; customers
 * see only its public entries, numbered among themselves, so an internal
 * note or an internal change never reaches them, not even as a gap they
 * could count. */
#include <apr_strings.h>
#include "mod_pd.h"

_Static_assert(PD_SQL_TICKET_ACTIVITIES_LIST_NARGS == PD_SQL_TICKET_ACTIVITIES_LIST_PUBLIC_NARGS,
               "the whole timeline and the public one take the same parameters");

apr_status_t pd_res_activities_list(pd_req_t *req)
{
    const char *args[4], *q, *after_key, *after_id;
    pd_db_result_t res;
    apr_status_t rv;
    int limit;

    if ((rv = pd_list_limit(req, &limit)) != APR_SUCCESS
        || (rv = pd_name_page_params(req, "timeline", &q, &after_key, &after_id)) != APR_SUCCESS) {
        return rv;
    }
    if ((rv = pd_ticket_visible(req)) != APR_SUCCESS) {
        return rv;
    }
    args[0] = pd_role_param(PD_ROLE_CUSTOMER);
    args[1] = pd_db_int(&req->db, req->id);
    args[2] = after_id;
    args[3] = apr_itoa(req->r->pool, limit + 1);
    if (pd_db_select(&req->db, pd_authz_sees_internal(&req->who) ? PD_SQL_TICKET_ACTIVITIES_LIST
                                                                 : PD_SQL_TICKET_ACTIVITIES_LIST_PUBLIC,
                     PD_SQL_ARGS(PD_SQL_TICKET_ACTIVITIES_LIST, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading a timeline");
    }
    return pd_name_page_respond(req, &res, limit, "timeline");
}
