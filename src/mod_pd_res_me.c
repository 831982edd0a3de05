/* GET /api/me: who am I, my role, my pharmacy, and what I may do: the
 * actions of the policy (permissions) and, for the portal to draw its
 * menus and forms from, the same policy's answers (allowed). */
#include <string.h>
#include "mod_pd.h"
#include "mod_pd_notify.h"

/* {"pages":[...],"scope":"all"|"pharmacy"|"unit","internal":bool,
 *  "inactive_lookups":bool,"create":{"pharmacy":"choose"|"own"}|null,
 *  "ticket_notifications":bool,"share_views":bool} */
static json_t *allowed_of(const pd_identity_t *who)
{
    const char *pages[PD_AUTHZ_MAX_PAGES];
    apr_size_t n = pd_authz_pages_for(who, pages, PD_AUTHZ_MAX_PAGES), i;
    json_t *allowed = json_object(), *list = json_array(), *create = json_null();

    for (i = 0; i < n; i++) {
        json_array_append_new(list, json_string(pages[i]));
    }
    json_object_set_new(allowed, "pages", list);
    json_object_set_new(allowed, "scope",
                        json_string(pd_authz_unit_scope(who) ? "unit"
                                    : pd_authz_pharmacy_scope(who) == 0 ? "all" : "pharmacy"));
    json_object_set_new(allowed, "internal", json_boolean(pd_authz_sees_internal(who)));
    json_object_set_new(allowed, "inactive_lookups",
                        json_boolean(pd_authz_sees_inactive_lookups(who)));
    if (pd_authz_permits(who, PD_ACT_TICKET_CREATE)) {
        create = json_pack("{s:s}", "pharmacy",
                           pd_authz_ticket_pharmacy_chosen(who) ? "choose" : "own");
    }
    json_object_set_new(allowed, "create", create);
    /* what was sent about a ticket, shown beside its timeline */
    json_object_set_new(allowed, "ticket_notifications",
                        json_boolean(pd_authz_permits(who, PD_ACT_TICKET_NOTIFICATIONS)));
    /* whether a saved view may be shared with the caller's role */
    json_object_set_new(allowed, "share_views", json_boolean(pd_authz_view_share(who)));
    return allowed;
}

apr_status_t pd_res_me_get(pd_req_t *req)
{
    const char *args[1] = { pd_db_int(&req->db, req->who.user_id) };
    pd_db_result_t res;
    json_t *me, *permissions;
    const char *why = NULL;
    const char *text;
    int act;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_USERS_ME, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading the caller");
    }
    if (pd_db_next(&res) != APR_SUCCESS || !(text = pd_db_get(&res, 0))) {
        return pd_error_set(&req->err, 403, "no_access", NULL,
                            "your account has no access to Pharmadesk; ask your administrator");
    }
    if (pd_json_parse_object(&me, req->r->pool, text, strlen(text), &why) != APR_SUCCESS) {
        return pd_error_set(&req->err, 503, "service_unavailable", NULL, "bad data");
    }
    /* what the caller's role may do, from the one policy (pd_authz); every
     * request is checked regardless */
    permissions = json_array();
    for (act = 0; act < PD_ACT__COUNT; act++) {
        /* a public action is no one's permission: it is everybody's */
        if (!pd_authz_public((pd_action_e)act) && pd_authz_permits(&req->who, (pd_action_e)act)) {
            json_array_append_new(permissions, json_string(pd_action_name((pd_action_e)act)));
        }
    }
    /* the number and opt-in where this server sends WhatsApp messages:
     * the portal asks for them only then */
    if (!pd_whatsapp_available(req->conf)) {
        json_object_del(me, "whatsapp");
    }
    json_object_set_new(me, "permissions", permissions);
    json_object_set_new(me, "allowed", allowed_of(&req->who));
    return pd_respond_json_value(req, HTTP_OK, me);
}
