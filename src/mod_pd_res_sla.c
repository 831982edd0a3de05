/* /api/sla-calendars and /api/sla-policies: the service levels' business
 * calendars and policies. Staff read them; admins create, change and
 * deactivate them (DELETE), and ask for the open tickets' due times to be
 * recomputed, each write one transaction with its audit entry. A change
 * applies to the due times computed afterwards (new tickets, and those
 * whose priority, pharmacy, category or module changes): open tickets keep
 * theirs until recomputed. The rules that turn a policy into due times are
 * the database's (migration 0030). */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_validate.h"
#include "pd_sla.h"

/* ---- shared ------------------------------------------------------------------ */

/* {"items": [...]} from a statement of one JSON array, active entries only
 * unless include_inactive=true. */
static apr_status_t list(pd_req_t *req, pd_sql_id_e stmt, const char *doing)
{
    const char *inc = apr_table_get(req->query, "include_inactive"), *args[1], *items;
    pd_db_result_t res;

    if (inc && strcmp(inc, "true") != 0 && strcmp(inc, "false") != 0) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "include_inactive",
                            "include_inactive must be true or false");
    }
    args[0] = pd_db_bool(inc && strcmp(inc, "true") == 0);
    if (pd_db_select(&req->db, stmt, PD_DB_ARGS(args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, doing);
    }
    items = pd_db_next(&res) == APR_SUCCESS ? pd_db_get(&res, 0) : NULL;
    pd_db_drain(&res);
    return pd_respond_json(req, HTTP_OK, apr_pstrcat(req->r->pool, "{\"items\":",
                                                     items ? items : "[]", "}", NULL));
}

/* One entry's JSON by the route's id; 404 when there is none. */
static apr_status_t fetch(pd_req_t *req, pd_sql_id_e stmt, const char *noun, const char **json)
{
    const char *args[1] = { pd_db_int(&req->db, req->id) };
    pd_db_result_t res;

    if (pd_db_select(&req->db, stmt, PD_DB_ARGS(args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, apr_pstrcat(req->r->pool, "reading a ", noun, NULL));
    }
    *json = pd_db_next(&res) == APR_SUCCESS ? pd_db_get(&res, 0) : NULL;
    pd_db_drain(&res);
    if (!*json) {
        return pd_error_setf(&req->err, NULL, 404, "not_found", NULL, "no such %s", noun);
    }
    return APR_SUCCESS;
}

static apr_status_t respond_one(pd_req_t *req, pd_sql_id_e stmt, const char *noun)
{
    const char *json;
    apr_status_t rv = fetch(req, stmt, noun, &json);
    return rv == APR_SUCCESS ? pd_respond_json(req, HTTP_OK, json) : rv;
}

/* The change and its audit entry commit; the entry's answer. */
static apr_status_t finish(pd_req_t *req, pd_audit_action_e action, pd_entity_e entity,
                           apr_int64_t id, const char *before, const char *after, const char *path)
{
    apr_status_t rv = pd_audit_commit(req, action, entity, id, before, after);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    if (action == PD_AUDIT_CREATE) {
        apr_table_setn(req->r->headers_out, "Location",
                       apr_psprintf(req->r->pool, "%s%s/%" APR_INT64_T_FMT, req->conf->api_base,
                                    path, id));
        return pd_respond_json(req, HTTP_CREATED, after);
    }
    return pd_respond_json(req, HTTP_OK, after);
}

static apr_status_t optional_bool(pd_req_t *req, json_t *body, const char *field, const char **out)
{
    int flag;
    apr_status_t rv = pd_v_bool(body, field, 0, &flag, &req->err);

    *out = rv == APR_SUCCESS ? pd_db_bool(flag) : NULL;
    return rv == APR_NOTFOUND ? APR_SUCCESS : rv;
}

/* ---- calendars --------------------------------------------------------------- */

typedef struct calendar_t {
    const char *name, *time_zone, *active;
    const char *hours, *holidays;      /* as pd_sla.c writes them; NULL: not sent */
} calendar_t;

static apr_status_t read_calendar(pd_req_t *req, int creating, calendar_t *c)
{
    static const char *const fields[] = { "name", "time_zone", "hours", "holidays", "active", NULL };
    json_t *body, *v;
    apr_status_t rv;

    memset(c, 0, sizeof(*c));
    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = pd_v_known_fields(body, fields, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    if (((rv = pd_v_string(body, "name", creating ? PD_V_REQUIRED : 0, 1, 100, req->r->pool,
                           &c->name, &req->err)) != APR_SUCCESS && rv != APR_NOTFOUND)
        || ((rv = pd_v_string(body, "time_zone", 0, 1, 64, req->r->pool, &c->time_zone,
                              &req->err)) != APR_SUCCESS && rv != APR_NOTFOUND)
        || (rv = optional_bool(req, body, "active", &c->active)) != APR_SUCCESS) {
        return rv;
    }
    if (c->time_zone && !pd_sla_zone_name_ok(c->time_zone)) {
        return pd_error_set(&req->err, 422, "validation_failed", "time_zone",
                            "time_zone must be a zone of the time zone database, e.g. Asia/Jakarta");
    }
    if ((v = json_object_get(body, "hours")) || creating) {
        if ((rv = pd_sla_hours_read(v, req->r->pool, &c->hours, &req->err)) != APR_SUCCESS) {
            return rv;
        }
    }
    if ((v = json_object_get(body, "holidays"))
        && (rv = pd_sla_holidays_read(v, req->r->pool, &c->holidays, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    return APR_SUCCESS;
}

/* Whether PostgreSQL knows the zone: 422 otherwise. */
static apr_status_t check_zone(pd_req_t *req, const char *zone)
{
    const char *args[] = { zone };
    pd_db_result_t res;
    int known = 0;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_SLA_ZONE_VALID, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "checking a time zone");
    }
    while (pd_db_next(&res) == APR_SUCCESS) {
        known = pd_db_get_bool(&res, 0);
    }
    return known ? APR_SUCCESS
                 : pd_error_set(&req->err, 422, "validation_failed", "time_zone",
                                "time_zone is not a zone PostgreSQL knows");
}

/* New hours, holidays or zone lay the calendar's clock out again; then its
 * JSON as it is now. */
static apr_status_t calendar_after(pd_req_t *req, apr_int64_t id, const calendar_t *c,
                                   const char **json)
{
    const char *args[] = { pd_db_int(&req->db, id), c->hours, c->holidays };
    apr_int64_t route_id = req->id;
    apr_status_t rv;

    if ((c->hours || c->holidays || c->time_zone)
        && pd_db_exec(&req->db, PD_SQL_CALL(PD_SQL_SLA_CALENDARS_SET, args), NULL) != APR_SUCCESS) {
        return pd_fail_db(req, "setting a calendar's hours");
    }
    req->id = id;
    rv = fetch(req, PD_SQL_SLA_CALENDARS_GET, "calendar", json);
    req->id = route_id;
    return rv;
}

apr_status_t pd_res_sla_calendars_list(pd_req_t *req)
{
    return list(req, PD_SQL_SLA_CALENDARS_LIST, "listing calendars");
}

apr_status_t pd_res_sla_calendars_get(pd_req_t *req)
{
    return respond_one(req, PD_SQL_SLA_CALENDARS_GET, "calendar");
}

apr_status_t pd_res_sla_calendars_create(pd_req_t *req)
{
    calendar_t c;
    const char *args[3], *json;
    pd_db_result_t res;
    apr_int64_t id;
    apr_status_t rv;

    if ((rv = read_calendar(req, 1, &c)) != APR_SUCCESS) {
        return rv;
    }
    c.time_zone = c.time_zone ? c.time_zone : req->conf->time_zone;
    c.holidays = c.holidays ? c.holidays : "[]";
    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting a calendar");
    }
    if ((rv = check_zone(req, c.time_zone)) != APR_SUCCESS) {
        goto cleanup;
    }
    args[0] = c.name;
    args[1] = c.time_zone;
    args[2] = c.active ? c.active : "true";
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_SLA_CALENDARS_INSERT, args), &res)
        != APR_SUCCESS) {
        rv = pd_fail_db(req, "creating a calendar");
        goto cleanup;
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        rv = pd_error_set(&req->err, 409, "conflict", "name", "a calendar with this name exists");
        goto cleanup;
    }
    id = pd_db_get_int64(&res, 0);
    pd_db_drain(&res);
    if ((rv = calendar_after(req, id, &c, &json)) != APR_SUCCESS) {
        goto cleanup;
    }
    return finish(req, PD_AUDIT_CREATE, PD_ENTITY_SLA_CALENDAR, id, NULL, json, "/sla-calendars");

cleanup:
    pd_db_rollback(&req->db);
    return rv;
}

/* PATCH and DELETE: lock, merge, write, audit, in one transaction. A
 * calendar an active policy uses stays active. */
static apr_status_t calendar_write(pd_req_t *req, const calendar_t *c, pd_audit_action_e action)
{
    const char *id = pd_db_int(&req->db, req->id), *lock[] = { id }, *args[6];
    const char *before, *after;
    pd_db_result_t res;
    int in_use;
    apr_status_t rv;

    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting a calendar update");
    }
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_SLA_CALENDARS_LOCK, lock), &res) != APR_SUCCESS) {
        rv = pd_fail_db(req, "locking a calendar");
        goto cleanup;
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        rv = pd_error_set(&req->err, 404, "not_found", NULL, "no such calendar");
        goto cleanup;
    }
    before = pd_db_get(&res, 0);
    args[0] = c->name ? c->name : pd_db_get(&res, 1);
    args[1] = c->time_zone ? c->time_zone : pd_db_get(&res, 2);
    args[2] = c->active ? c->active : pd_db_bool(pd_db_get_bool(&res, 3));
    in_use = pd_db_get_bool(&res, 4);
    pd_db_drain(&res);
    args[3] = id;
    args[4] = args[0];
    args[5] = id;
    if (in_use && strcmp(args[2], "false") == 0) {
        rv = pd_error_set(&req->err, 409, "conflict", "active",
                          "an active policy uses this calendar: give it another calendar first");
        goto cleanup;
    }
    if (c->time_zone && (rv = check_zone(req, c->time_zone)) != APR_SUCCESS) {
        goto cleanup;
    }
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_SLA_CALENDARS_UPDATE, args), &res)
        != APR_SUCCESS) {
        rv = pd_fail_db(req, "updating a calendar");
        goto cleanup;
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        rv = pd_error_set(&req->err, 409, "conflict", "name", "a calendar with this name exists");
        goto cleanup;
    }
    pd_db_drain(&res);
    if ((rv = calendar_after(req, req->id, c, &after)) != APR_SUCCESS) {
        goto cleanup;
    }
    return finish(req, action, PD_ENTITY_SLA_CALENDAR, req->id, before, after, NULL);

cleanup:
    pd_db_rollback(&req->db);
    return rv;
}

apr_status_t pd_res_sla_calendars_update(pd_req_t *req)
{
    calendar_t c;
    apr_status_t rv = read_calendar(req, 0, &c);
    return rv == APR_SUCCESS ? calendar_write(req, &c, PD_AUDIT_UPDATE) : rv;
}

apr_status_t pd_res_sla_calendars_delete(pd_req_t *req)
{
    calendar_t c = { NULL, NULL, "false", NULL, NULL };
    return calendar_write(req, &c, PD_AUDIT_DEACTIVATE);
}

/* ---- policies ----------------------------------------------------------------- */

/* A policy's values as the save statement takes them (pd_sql_sla.h), in
 * its order after the id; NULL where a PATCH keeps the current one. */
enum {
    P_NAME = 0, P_DESCRIPTION, P_CALENDAR, P_PHARMACY, P_TIER, P_CATEGORY, P_MODULE,
    P_FIRST_RESPONSE, P_RESOLUTION, P_AT_RISK, P_ALERT_AT_RISK, P_ALERT_BREACHED,
    P_MANAGERS_AFTER, P_ACTIVE, P__COUNT
};
/* The conditions, sent as null to mean "any", and the managers' level, null
 * for never: they are told apart from absent by this mask. */
#define COND(i) (1u << (i))

typedef struct policy_t {
    const char *v[P__COUNT];
    unsigned given;            /* COND(i) for each member sent, value or null */
} policy_t;

static apr_status_t read_id(pd_req_t *req, json_t *body, policy_t *pol, int i,
                            const char *field, unsigned flags)
{
    apr_int64_t id;
    apr_status_t rv = pd_v_id(body, field, flags, &id, &req->err);

    if (rv == APR_SUCCESS) {
        pol->v[i] = pd_db_id_or_null(&req->db, id);
        pol->given |= COND(i);
    }
    return rv == APR_NOTFOUND ? APR_SUCCESS : rv;
}

static apr_status_t read_policy(pd_req_t *req, int creating, policy_t *pol)
{
    static const char *const fields[] = {
        "name", "description", "calendar_id", "pharmacy_id", "pharmacy_tier", "category_id",
        "module_id", "targets", "at_risk_percent", "escalation", "active", NULL
    };
    unsigned req_flag = creating ? PD_V_REQUIRED : 0;
    json_t *body, *v;
    apr_status_t rv;
    int pct;

    memset(pol, 0, sizeof(*pol));
    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = pd_v_known_fields(body, fields, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    if (((rv = pd_v_string(body, "name", req_flag, 1, 100, req->r->pool, &pol->v[P_NAME],
                           &req->err)) != APR_SUCCESS && rv != APR_NOTFOUND)
        || ((rv = pd_v_string(body, "description", PD_V_MULTILINE, 0, 1000, req->r->pool,
                              &pol->v[P_DESCRIPTION], &req->err)) != APR_SUCCESS
            && rv != APR_NOTFOUND)
        || ((rv = pd_v_string(body, "pharmacy_tier", PD_V_NULLABLE, 1, 32, req->r->pool,
                              &pol->v[P_TIER], &req->err)) != APR_SUCCESS && rv != APR_NOTFOUND)
        || (rv = read_id(req, body, pol, P_CALENDAR, "calendar_id", req_flag)) != APR_SUCCESS
        || (rv = read_id(req, body, pol, P_PHARMACY, "pharmacy_id", PD_V_NULLABLE)) != APR_SUCCESS
        || (rv = read_id(req, body, pol, P_CATEGORY, "category_id", PD_V_NULLABLE)) != APR_SUCCESS
        || (rv = read_id(req, body, pol, P_MODULE, "module_id", PD_V_NULLABLE)) != APR_SUCCESS
        || (rv = optional_bool(req, body, "active", &pol->v[P_ACTIVE])) != APR_SUCCESS) {
        return rv;
    }
    if (json_object_get(body, "pharmacy_tier")) {
        pol->given |= COND(P_TIER);
    }
    if (pol->v[P_TIER] && !pd_is_code(pol->v[P_TIER])) {
        return pd_error_set(&req->err, 422, "validation_failed", "pharmacy_tier",
                            "pharmacy_tier must be null or 1 to 32 characters of A-Z, 0-9, _ and -");
    }
    if (((v = json_object_get(body, "targets")) || creating)
        && (rv = pd_sla_targets_read(v, req->r->pool, &pol->v[P_FIRST_RESPONSE],
                                     &pol->v[P_RESOLUTION], &req->err)) != APR_SUCCESS) {
        return rv;
    }
    if ((v = json_object_get(body, "at_risk_percent"))) {
        pct = json_is_integer(v) ? (int)json_integer_value(v) : 0;
        if (pct < 1 || pct > 99) {
            return pd_error_set(&req->err, 422, "validation_failed", "at_risk_percent",
                                "at_risk_percent must be 1 to 99");
        }
        pol->v[P_AT_RISK] = apr_itoa(req->r->pool, pct);
    }
    if ((v = json_object_get(body, "escalation"))) {
        pd_sla_escalation_t esc;
        memset(&esc, 0, sizeof(esc));
        if ((rv = pd_sla_escalation_read(v, req->r->pool, &esc, &req->err)) != APR_SUCCESS) {
            return rv;
        }
        pol->v[P_ALERT_AT_RISK] = esc.at_risk;
        pol->v[P_ALERT_BREACHED] = esc.breached;
        pol->v[P_MANAGERS_AFTER] = esc.managers_after;
        pol->given |= esc.managers_given ? COND(P_MANAGERS_AFTER) : 0;
    }
    return APR_SUCCESS;
}

/* The entries the merged policy names must exist and be active: 422
 * unknown_reference naming the first that does not. One pharmacy or one
 * tier, not both. */
static apr_status_t check_policy_refs(pd_req_t *req, const char *const *v)
{
    static const char *const names[] = { "calendar_id", "pharmacy_id", "category_id", "module_id" };
    const char *args[] = { v[P_CALENDAR], v[P_PHARMACY], v[P_CATEGORY], v[P_MODULE] };
    pd_db_result_t res;
    int i;

    if (v[P_PHARMACY] && v[P_TIER]) {
        return pd_error_set(&req->err, 422, "validation_failed", "pharmacy_tier",
                            "a policy names one pharmacy or one tier, not both");
    }
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_SLA_POLICIES_REFS, args), &res) != APR_SUCCESS
        || pd_db_next(&res) != APR_SUCCESS) {
        return pd_fail_db(req, "checking a policy's references");
    }
    for (i = 0; i < 4; i++) {
        if (args[i] && !pd_db_get_bool(&res, i)) {
            pd_db_drain(&res);
            return pd_authz_refuse(&req->err, PD_AZ_UNKNOWN_REFERENCE, names[i]);
        }
    }
    pd_db_drain(&res);
    return APR_SUCCESS;
}

/* Saves the merged policy (id NULL: a new one); 409 when its name, or its
 * conditions among the active ones, are another policy's. */
static apr_status_t save_policy(pd_req_t *req, const char *id, const char *const *v,
                                apr_int64_t *saved, const char **json)
{
    const char *args[P__COUNT + 1];
    pd_db_result_t res;
    apr_status_t rv;

    if ((rv = check_policy_refs(req, v)) != APR_SUCCESS) {
        return rv;
    }
    args[0] = id;
    memcpy(args + 1, v, sizeof(const char *) * P__COUNT);
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_SLA_POLICIES_SAVE, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "saving a policy");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_error_set(&req->err, 409, "conflict", "name",
                            "another policy has this name, or another active one these conditions");
    }
    *saved = pd_db_get_int64(&res, 0);
    *json = pd_db_get(&res, 1);
    pd_db_drain(&res);
    return APR_SUCCESS;
}

apr_status_t pd_res_sla_policies_list(pd_req_t *req)
{
    return list(req, PD_SQL_SLA_POLICIES_LIST, "listing policies");
}

apr_status_t pd_res_sla_policies_get(pd_req_t *req)
{
    return respond_one(req, PD_SQL_SLA_POLICIES_GET, "policy");
}

apr_status_t pd_res_sla_policies_create(pd_req_t *req)
{
    policy_t pol;
    const char *json;
    apr_int64_t id;
    apr_status_t rv;

    if ((rv = read_policy(req, 1, &pol)) != APR_SUCCESS) {
        return rv;
    }
    pol.v[P_DESCRIPTION] = pol.v[P_DESCRIPTION] ? pol.v[P_DESCRIPTION] : "";
    pol.v[P_AT_RISK] = pol.v[P_AT_RISK] ? pol.v[P_AT_RISK]
                                         : apr_itoa(req->r->pool, req->conf->sla_at_risk_percent);
    pol.v[P_ALERT_AT_RISK] = pol.v[P_ALERT_AT_RISK] ? pol.v[P_ALERT_AT_RISK] : "true";
    pol.v[P_ALERT_BREACHED] = pol.v[P_ALERT_BREACHED] ? pol.v[P_ALERT_BREACHED] : "true";
    if (!(pol.given & COND(P_MANAGERS_AFTER))) {
        pol.v[P_MANAGERS_AFTER] = PD_STR(PD_SLA_MANAGERS_AFTER);
    }
    pol.v[P_ACTIVE] = pol.v[P_ACTIVE] ? pol.v[P_ACTIVE] : "true";
    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting a policy");
    }
    if ((rv = save_policy(req, NULL, pol.v, &id, &json)) != APR_SUCCESS) {
        pd_db_rollback(&req->db);
        return rv;
    }
    return finish(req, PD_AUDIT_CREATE, PD_ENTITY_SLA_POLICY, id, NULL, json, "/sla-policies");
}

/* The policy locked: its values into cur (what a PATCH keeps), whether it
 * is the default, its JSON. */
static apr_status_t lock_policy(pd_req_t *req, const char **cur, int *is_default,
                                const char **json)
{
    const char *args[] = { pd_db_int(&req->db, req->id) };
    pd_db_result_t res;
    int i;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_SLA_POLICIES_LOCK, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "locking a policy");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such policy");
    }
    for (i = 0; i < P_ACTIVE; i++) {
        cur[i] = pd_db_get(&res, i);
    }
    *is_default = pd_db_get_bool(&res, P_ACTIVE);
    cur[P_ACTIVE] = pd_db_bool(pd_db_get_bool(&res, P_ACTIVE + 1));
    *json = pd_db_get(&res, P_ACTIVE + 2);
    pd_db_drain(&res);
    return APR_SUCCESS;
}

static apr_status_t policy_write(pd_req_t *req, const policy_t *pol, pd_audit_action_e action)
{
    const char *cur[P__COUNT], *merged[P__COUNT], *before, *after;
    apr_int64_t id;
    int is_default, i;
    apr_status_t rv;

    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting a policy update");
    }
    if ((rv = lock_policy(req, cur, &is_default, &before)) != APR_SUCCESS) {
        goto cleanup;
    }
    for (i = 0; i < P__COUNT; i++) {
        merged[i] = pol->v[i] || (pol->given & COND(i)) ? pol->v[i] : cur[i];
    }
    /* the default matches every ticket: no conditions, always active */
    if (is_default && (merged[P_PHARMACY] || merged[P_TIER] || merged[P_CATEGORY]
                       || merged[P_MODULE])) {
        rv = pd_error_set(&req->err, 409, "conflict", NULL,
                          "the default policy matches every ticket: it takes no conditions");
        goto cleanup;
    }
    if (is_default && strcmp(merged[P_ACTIVE], "false") == 0) {
        rv = pd_error_set(&req->err, 409, "conflict", "active", "the default policy stays active");
        goto cleanup;
    }
    if ((rv = save_policy(req, pd_db_int(&req->db, req->id), merged, &id, &after)) != APR_SUCCESS) {
        goto cleanup;
    }
    return finish(req, action, PD_ENTITY_SLA_POLICY, req->id, before, after, NULL);

cleanup:
    pd_db_rollback(&req->db);
    return rv;
}

apr_status_t pd_res_sla_policies_update(pd_req_t *req)
{
    policy_t pol;
    apr_status_t rv = read_policy(req, 0, &pol);
    return rv == APR_SUCCESS ? policy_write(req, &pol, PD_AUDIT_UPDATE) : rv;
}

apr_status_t pd_res_sla_policies_delete(pd_req_t *req)
{
    policy_t pol;

    memset(&pol, 0, sizeof(pol));
    pol.v[P_ACTIVE] = "false";
    return policy_write(req, &pol, PD_AUDIT_DEACTIVATE);
}

/* POST /api/sla-policies/{id}/recompute: the open tickets the policy
 * governs or now matches take the targets of the policy that matches them
 * now, each with a timeline entry; the audit log records how many. */
apr_status_t pd_res_sla_policies_recompute(pd_req_t *req)
{
    const char *cur[P__COUNT], *json, *args[] = { pd_db_int(&req->db, req->id) }, *after;
    pd_db_result_t res;
    apr_int64_t n = 0;
    int is_default;
    apr_status_t rv;

    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting a recomputation");
    }
    if ((rv = lock_policy(req, cur, &is_default, &json)) != APR_SUCCESS) {
        pd_db_rollback(&req->db);
        return rv;
    }
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_SLA_POLICIES_RECOMPUTE, args), &res)
        != APR_SUCCESS) {
        rv = pd_fail_db(req, "recomputing due times");
        pd_db_rollback(&req->db);
        return rv;
    }
    while (pd_db_next(&res) == APR_SUCCESS) {
        n = pd_db_get_int64(&res, 0);
    }
    after = apr_psprintf(req->r->pool, "{\"recomputed\":%" APR_INT64_T_FMT "}", n);
    if ((rv = pd_audit_commit(req, PD_AUDIT_RECOMPUTE, PD_ENTITY_SLA_POLICY, req->id, NULL, after))
        != APR_SUCCESS) {
        return rv;
    }
    return pd_respond_json(req, HTTP_OK, after);
}
