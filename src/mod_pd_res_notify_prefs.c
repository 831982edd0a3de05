/* What each person wants to hear of, and where:
 *   PATCH /api/me                              one's language (id or en), for the portal and
 *                                              messages; one's WhatsApp number and opt-in
 *   GET   /api/me/notification-preferences     one's choices and one's role's defaults
 *   PATCH /api/me/notification-preferences     change some ({"event": {"channel": true|false|null}})
 *   GET   /api/notification-defaults           each role's defaults (admins)
 *   PATCH /api/notification-defaults           change some (admins; audited per role)
 * A choice is per event and per-user channel (portal, e-mail, WhatsApp)
 * that this server delivers (pd_channels_chosen); only the events a role
 * can hear of at all are offered (pd_notify_role_events): a customer has
 * no choice about internal notes, which never reach them. */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "mod_pd_notify.h"
#include "mod_pd_whatsapp.h"
#include "pd_validate.h"

/* {"event": {"channel": bool}} for the events and channels offered. */
static void matrix_set(json_t *matrix, const char *event, const char *channel, int value,
                       unsigned events, unsigned channels)
{
    pd_event_e ev;
    pd_channel_e ch;
    json_t *row;

    if (pd_event_parse(event, &ev) != APR_SUCCESS || !(events & (1u << ev))
        || pd_channel_parse(channel, &ch) != APR_SUCCESS || !(channels & (1u << ch))) {
        return;
    }
    if (!(row = json_object_get(matrix, event))) {
        row = json_object();
        json_object_set_new(matrix, event, row);
    }
    json_object_set_new(row, channel, json_boolean(value));
}

/* The choices as arrays for the statements: events, channels, values. */
static void choice_arrays(apr_pool_t *p, const apr_array_header_t *choices, const char **events,
                          const char **channels, const char **values)
{
    const char *e = "{", *c = "{", *v = "{";
    int i;

    for (i = 0; i < choices->nelts; i++) {
        const pd_notify_choice_t *x = &APR_ARRAY_IDX(choices, i, pd_notify_choice_t);
        const char *sep = i ? "," : "";
        e = apr_pstrcat(p, e, sep, pd_event_name(x->event), NULL);
        c = apr_pstrcat(p, c, sep, pd_channel_name(x->channel), NULL);
        v = apr_pstrcat(p, v, sep, x->value < 0 ? "NULL" : x->value ? "true" : "false", NULL);
    }
    *events = apr_pstrcat(p, e, "}", NULL);
    *channels = apr_pstrcat(p, c, "}", NULL);
    *values = apr_pstrcat(p, v, "}", NULL);
}

/* ---- one's own ---------------------------------------------------------------- */

apr_status_t pd_res_me_update(pd_req_t *req)
{
    static const char *const fields[] = { "language", "whatsapp", NULL };
    const char *language = NULL;
    const json_t *whatsapp;
    pd_whatsapp_change_t wa;
    json_t *body;
    apr_status_t rv;

    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = pd_v_known_fields(body, fields, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    rv = pd_v_string(body, "language", 0, 1, 8, req->r->pool, &language, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    if (language && strcmp(language, "id") != 0 && strcmp(language, "en") != 0) {
        return pd_error_set(&req->err, 422, "validation_failed", "language",
                            "language must be id or en");
    }
    if ((whatsapp = json_object_get(body, "whatsapp"))) {
        if (!pd_whatsapp_available(req->conf)) {
            return pd_error_set(&req->err, 422, "validation_failed", "whatsapp",
                                "this server sends no WhatsApp messages");
        }
        if ((rv = pd_whatsapp_change_read(req, whatsapp, 1, &wa)) != APR_SUCCESS) {
            return rv;
        }
    }
    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting a change of one's account");
    }
    if (language) {
        const char *args[] = { language, pd_db_int(&req->db, req->who.user_id), language };
        if (pd_db_exec(&req->db, PD_SQL_CALL(PD_SQL_USERS_SET_LANGUAGE, args), NULL)
            != APR_SUCCESS) {
            rv = pd_fail_db(req, "changing a language");
            goto cleanup;
        }
    }
    if (whatsapp && (rv = pd_whatsapp_me_write(req, &wa)) != APR_SUCCESS) {
        goto cleanup;
    }
    if (pd_db_commit(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "committing a change of one's account");
    }
    return pd_res_me_get(req);

cleanup:
    pd_db_rollback(&req->db);
    return rv;
}

apr_status_t pd_res_notify_prefs_get(pd_req_t *req)
{
    const char *args[] = {
        pd_db_int(&req->db, req->who.user_id), pd_role_param(req->who.role)
    };
    unsigned events = pd_notify_role_events(req->who.role), channels = pd_channels_chosen(req->conf);
    json_t *out = pd_json_bind(req->r->pool, json_object());
    json_t *mine = json_object(), *defaults = json_object();
    pd_db_result_t res;

    json_object_set_new(out, "preferences", mine);
    json_object_set_new(out, "defaults", defaults);
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_NOTIFY_PREFERENCES_GET, args), &res)
        != APR_SUCCESS) {
        return pd_fail_db(req, "reading notification preferences");
    }
    while (pd_db_next(&res) == APR_SUCCESS) {
        const char *event = pd_db_get(&res, 0), *channel = pd_db_get(&res, 1);
        const char *own = pd_db_get(&res, 3);
        int def = pd_db_get_bool(&res, 2);
        matrix_set(defaults, event, channel, def, events, channels);
        matrix_set(mine, event, channel, own ? own[0] == 't' : def, events, channels);
    }
    return pd_respond_json_value(req, HTTP_OK, out);
}

apr_status_t pd_res_notify_prefs_update(pd_req_t *req)
{
    static const char *const fields[] = { "preferences", NULL };
    apr_array_header_t *choices = apr_array_make(req->r->pool, 16, sizeof(pd_notify_choice_t));
    const char *events, *channels, *values, *user = pd_db_int(&req->db, req->who.user_id);
    json_t *body;
    apr_status_t rv;

    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = pd_v_known_fields(body, fields, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    if (!json_object_get(body, "preferences")) {
        return pd_error_set(&req->err, 422, "validation_failed", "preferences",
                            "preferences is required");
    }
    if ((rv = pd_notify_matrix_parse(json_object_get(body, "preferences"), "preferences",
                                     pd_notify_role_events(req->who.role),
                                     pd_channels_chosen(req->conf), 1, choices, &req->err))
        != APR_SUCCESS) {
        return rv;
    }
    if (choices->nelts > 0) {
        choice_arrays(req->r->pool, choices, &events, &channels, &values);
        {
            const char *args[] = { events, channels, values, user, user };
            if (pd_db_exec(&req->db, PD_SQL_CALL(PD_SQL_NOTIFY_PREFERENCES_SET, args), NULL)
                != APR_SUCCESS) {
                return pd_fail_db(req, "changing notification preferences");
            }
        }
    }
    return pd_res_notify_prefs_get(req);
}

/* ---- each role's defaults (admins) ------------------------------------------ */

/* {"role": {"event": {"channel": bool}}} from the rows of
 * pd_notify_role_defaults_list (or _lock), for every role. */
static json_t *defaults_of(pd_db_result_t *res, unsigned channels)
{
    json_t *roles = json_object();
    int role;

    for (role = PD_ROLE_ADMIN; role < PD_ROLE__COUNT; role++) {
        json_object_set_new(roles, pd_role_code((pd_role_e)role), json_object());
    }
    while (pd_db_next(res) == APR_SUCCESS) {
        pd_role_e r = (pd_role_e)pd_db_get_int64(res, 0);
        json_t *matrix;

        if (r <= PD_ROLE_NONE || r >= PD_ROLE__COUNT
            || !(matrix = json_object_get(roles, pd_role_code(r)))) {
            continue;
        }
        matrix_set(matrix, pd_db_get(res, 1), pd_db_get(res, 2), pd_db_get_bool(res, 3),
                   pd_notify_role_events(r), channels);
    }
    return roles;
}

/* roles: bound to the request's pool, as every value here */
static apr_status_t respond_defaults(pd_req_t *req, json_t *roles)
{
    json_t *out = pd_json_bind(req->r->pool, json_object());
    json_object_set(out, "roles", roles);
    return pd_respond_json_value(req, HTTP_OK, out);
}

apr_status_t pd_res_notify_defaults_get(pd_req_t *req)
{
    pd_db_result_t res;

    if (pd_db_select(&req->db, PD_SQL_CALL0(PD_SQL_NOTIFY_ROLE_DEFAULTS_LIST), &res)
        != APR_SUCCESS) {
        return pd_fail_db(req, "reading notification defaults");
    }
    return respond_defaults(req, pd_json_bind(req->r->pool,
                                              defaults_of(&res, pd_channels_chosen(req->conf))));
}

/* A role's defaults as the audit log keeps them. */
static const char *audited(pd_req_t *req, json_t *roles, pd_role_e role)
{
    json_t *entry = pd_json_bind(req->r->pool, json_object());
    const char *text = NULL;

    json_object_set(entry, "notification_defaults", json_object_get(roles, pd_role_code(role)));
    pd_json_dump(&text, req->r->pool, entry);
    return text;
}

apr_status_t pd_res_notify_defaults_update(pd_req_t *req)
{
    static const char *const fields[] = { "roles", NULL };
    apr_array_header_t *choices = apr_array_make(req->r->pool, 16, sizeof(pd_notify_choice_t));
    apr_array_header_t *role_ids = apr_array_make(req->r->pool, 16, sizeof(const char *));
    json_t *body, *given, *matrix, *before, *after;
    const char *code, *events, *channels, *values;
    unsigned touched = 0;
    pd_db_result_t res;
    apr_status_t rv;
    int role;

    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = pd_v_known_fields(body, fields, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    given = json_object_get(body, "roles");
    if (!json_is_object(given)) {
        return pd_error_set(&req->err, 422, "validation_failed", "roles",
                            "roles must be an object of roles");
    }
    json_object_foreach(given, code, matrix) {
        int r = pd_role_parse(code), before_n = choices->nelts, i;
        const char *field = apr_pstrcat(req->r->pool, "roles.", code, NULL);

        if (r <= PD_ROLE_NONE || r >= PD_ROLE__COUNT) {
            return pd_error_set(&req->err, 422, "validation_failed",
                                strlen(field) <= 64 ? field : "roles", "no such role");
        }
        if ((rv = pd_notify_matrix_parse(matrix, field, pd_notify_role_events((pd_role_e)r),
                                         pd_channels_chosen(req->conf), 0, choices, &req->err))
            != APR_SUCCESS) {
            return rv;
        }
        for (i = before_n; i < choices->nelts; i++) {
            APR_ARRAY_PUSH(role_ids, const char *) = pd_role_param((pd_role_e)r);
        }
        touched |= 1u << r;
    }
    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting a change of notification defaults");
    }
    if (pd_db_select(&req->db, PD_SQL_CALL0(PD_SQL_NOTIFY_ROLE_DEFAULTS_LOCK), &res)
        != APR_SUCCESS) {
        rv = pd_fail_db(req, "reading notification defaults");
        goto cleanup;
    }
    before = pd_json_bind(req->r->pool, defaults_of(&res, pd_channels_chosen(req->conf)));
    if (choices->nelts > 0) {
        choice_arrays(req->r->pool, choices, &events, &channels, &values);
        {
            const char *args[] = {
                apr_pstrcat(req->r->pool, "{", apr_array_pstrcat(req->r->pool, role_ids, ','), "}",
                            NULL),
                events, channels, values
            };
            if (pd_db_exec(&req->db, PD_SQL_CALL(PD_SQL_NOTIFY_ROLE_DEFAULTS_SET, args), NULL)
                != APR_SUCCESS) {
                rv = pd_fail_db(req, "changing notification defaults");
                goto cleanup;
            }
        }
    }
    if (pd_db_select(&req->db, PD_SQL_CALL0(PD_SQL_NOTIFY_ROLE_DEFAULTS_LIST), &res)
        != APR_SUCCESS) {
        rv = pd_fail_db(req, "reading notification defaults");
        goto cleanup;
    }
    after = pd_json_bind(req->r->pool, defaults_of(&res, pd_channels_chosen(req->conf)));
    /* an admin action: one audit entry per role changed (none when
     * nothing changed), committed with the change */
    for (role = PD_ROLE_ADMIN; role < PD_ROLE__COUNT; role++) {
        if ((touched & (1u << role))
            && (rv = pd_audit_record(req, PD_AUDIT_UPDATE, PD_ENTITY_ROLE, role,
                                     audited(req, before, (pd_role_e)role),
                                     audited(req, after, (pd_role_e)role))) != APR_SUCCESS) {
            goto cleanup;
        }
    }
    if (pd_db_commit(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "committing notification defaults");
    }
    return respond_defaults(req, after);

cleanup:
    pd_db_rollback(&req->db);
    return rv;
}
