/* The front desk: visitors and letters (surat) that arrive at an office.
 * POST /api/visitors and POST /api/surat each write the record and the
 * case it opens (a ticket with a type, routed to the unit the visitor came
 * for or the letter is addressed to) in one transaction, which an
 * Idempotency-Key makes safe to retry; the database refuses a case without
 * its record at commit (migration 0061). The case is filed under its
 * office's front desk settings (client, module, category), which admins
 * keep with PUT /api/org-units/{id}/front-desk. The operator a case is
 * assigned to acknowledges it (POST /api/tickets/{id}/acknowledge), an
 * entry of the timeline. A visitor's intake (pd_visitor_read,
 * pd_visitor_check_in) serves the QR self check-in too
 * (mod_pd_res_checkin.c). */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_validate.h"
#include "pd_utf8.h"
#include "pd_workflow.h"
#include "pd_ticket.h"
#include <apr_lib.h>

/* ---- an office's settings ------------------------------------------------- */

static apr_status_t front_desk_answer(pd_req_t *req)
{
    const char *args[1] = { pd_db_int(&req->db, req->id) };
    pd_db_result_t res;
    const char *text;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_FRONT_DESKS_GET, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading a front desk");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such root org unit");
    }
    text = pd_db_get(&res, 0);
    pd_db_drain(&res);
    if (!text) {
        return pd_error_set(&req->err, 404, "not_found", NULL,
                            "the office has no front desk settings yet");
    }
    return pd_respond_json(req, HTTP_OK, text);
}

apr_status_t pd_res_front_desk_get(pd_req_t *req)
{
    /* an operator's office is out of their subtree unless it is their unit */
    if (pd_authz_unit_scope(&req->who) && pd_authz_unit_scope(&req->who) != req->id) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such root org unit");
    }
    return front_desk_answer(req);
}

apr_status_t pd_res_front_desk_put(pd_req_t *req)
{
    static const char *const fields[] = {
        "pharmacy_id", "module_id", "visitor_category_id", "surat_category_id", NULL
    };
    const char *args[5];
    apr_int64_t v;
    pd_db_result_t res;
    json_t *body;
    apr_status_t rv;
    int i, done;

    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = pd_v_known_fields(body, fields, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    args[0] = pd_db_int(&req->db, req->id);
    /* only an office (a root) has settings: any other id is not one */
    if (pd_db_select(&req->db, PD_SQL_FRONT_DESKS_GET, args, 1, &res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading a front desk");
    }
    done = pd_db_next(&res) == APR_SUCCESS;
    pd_db_drain(&res);
    if (!done) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such root org unit");
    }
    for (i = 0; fields[i]; i++) {
        if ((rv = pd_v_id(body, fields[i], PD_V_REQUIRED, &v, &req->err)) != APR_SUCCESS) {
            return rv;
        }
        args[i + 1] = pd_db_int(&req->db, v);
    }
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_FRONT_DESKS_PUT, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "setting a front desk");
    }
    done = pd_db_next(&res) == APR_SUCCESS;
    pd_db_drain(&res);
    if (!done) {
        return pd_error_set(&req->err, 422, "unknown_reference", NULL,
                            "pharmacy_id, module_id and both categories must name active entries, "
                            "and the client (pharmacy_id) must have no customer accounts");
    }
    return front_desk_answer(req);
}

/* ---- intake -------------------------------------------------------------------- */

typedef enum { CASE_VISITOR, CASE_SURAT } case_kind_e;

/* What the case's ticket says of its record. */
typedef struct case_t {
    case_kind_e kind;
    const char *unit;          /* the org unit's id */
    const char *source;        /* walkin, register, qr, surat_form */
    const char *title, *description, *pic, *contact;
} case_t;

/* Why a case for unit could not be filed: the unit is not active, its
 * office has no front desk settings, or those name an entry no longer
 * active (422 each). Read only when the case's insert wrote nothing. */
static apr_status_t case_refused(pd_req_t *req, const case_t *c)
{
    const char *unit[1] = { c->unit }, *active;
    pd_db_result_t res;
    int configured;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_FRONT_DESK_DEFAULTS, unit), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "reading a front desk");
    }
    if (pd_db_next(&res) != APR_SUCCESS || !(active = pd_db_get(&res, 0)) || *active != 't') {
        pd_db_drain(&res);
        return pd_error_set(&req->err, 422, "unknown_reference", "org_unit_id",
                            "org_unit_id names no active org unit");
    }
    configured = pd_db_get(&res, 1) != NULL;
    pd_db_drain(&res);
    if (!configured) {
        return pd_error_set(&req->err, 422, "validation_failed", "org_unit_id",
                            "the unit's office has no front desk settings yet "
                            "(PUT /org-units/{id}/front-desk)");
    }
    return pd_error_set(&req->err, 422, "unknown_reference", "org_unit_id",
                        "the office's front desk names an entry that is no longer active");
}

/* Opens the case in the caller's transaction, typed, filed under its
 * office's front desk settings and routed to its unit as it is written (one
 * statement): *ticket gets its id. */
static apr_status_t open_case(pd_req_t *req, const case_t *c, const char **ticket)
{
    const char *args[15];
    pd_db_result_t res;

    args[0] = c->kind == CASE_VISITOR ? "visitor" : "surat";
    args[1] = c->unit;
    args[2] = req->conf->time_zone;
    args[3] = req->conf->ticket_prefix;
    args[4] = c->pic;
    args[5] = c->contact;
    args[6] = "";
    args[7] = pd_utf8_excerpt(req->r->pool, c->title, 200, 0);
    args[8] = c->description;
    args[9] = pd_priority_name(PD_PRIO_MEDIUM);
    args[10] = c->source;
    args[11] = NULL;
    args[12] = pd_db_int(&req->db, req->who.user_id);
    args[13] = args[0];
    args[14] = c->unit;
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_TICKETS_INSERT_CASE, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "opening a case");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return case_refused(req, c);
    }
    *ticket = pd_db_get(&res, PD_TC_ID);
    pd_db_drain(&res);
    return APR_SUCCESS;
}

/* Writes the record with the statement that also answers it (its id and
 * JSON), commits, then answers 201 (with its Location below path unless
 * path is NULL). */
static apr_status_t finish_intake(pd_req_t *req, pd_sql_id_e insert, const char *const *args,
                                  int nargs, const char *path)
{
    const char *id, *text;
    pd_db_result_t res;

    if (pd_db_select(&req->db, insert, args, nargs, &res) != APR_SUCCESS
        || pd_db_next(&res) != APR_SUCCESS) {
        return pd_fail_db(req, "recording a front desk arrival");
    }
    id = pd_db_get(&res, 0);
    text = pd_db_get(&res, 1);
    pd_db_drain(&res);
    if (pd_db_commit(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "committing a front desk arrival");
    }
    if (path) {
        apr_table_setn(req->r->headers_out, "Location",
                       apr_pstrcat(req->r->pool, req->conf->api_base, path, "/", id, NULL));
    }
    return pd_respond_json(req, HTTP_CREATED, text);
}

/* A phone number as typed: E.164 when it is one with a country code, else
 * digits and the usual separators as they came. */
static apr_status_t read_phone(pd_req_t *req, const json_t *body, const char **out)
{
    apr_status_t rv = pd_v_string(body, "phone", PD_V_NULLABLE, 4, 40, req->r->pool, out,
                                  &req->err);
    const char *c, *e164;

    if (rv != APR_SUCCESS) {
        return rv == APR_NOTFOUND ? APR_SUCCESS : rv;
    }
    if (!*out) {
        return APR_SUCCESS;
    }
    if ((e164 = pd_whatsapp_number_normalize(req->r->pool, *out))) {
        *out = e164;
        return APR_SUCCESS;
    }
    for (c = *out; *c; c++) {
        if (!strchr("0123456789+-() .", *c)) {
            return pd_error_set(&req->err, 422, "validation_failed", "phone",
                                "phone must be a telephone number");
        }
    }
    return APR_SUCCESS;
}

/* Optional and required texts of a body, by name. */
typedef struct text_t {
    const char *name;
    unsigned flags;
    apr_size_t min, max;
    const char **out;
} text_t;

static apr_status_t read_texts(pd_req_t *req, const json_t *body, const text_t *t, apr_size_t n)
{
    apr_size_t i;
    for (i = 0; i < n; i++) {
        apr_status_t rv = pd_v_string(body, t[i].name, t[i].flags, t[i].min, t[i].max,
                                      req->r->pool, t[i].out, &req->err);
        if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
            return rv;
        }
    }
    return APR_SUCCESS;
}

apr_status_t pd_visitor_read(pd_req_t *req, const json_t *body, const char *const *fields,
                             unsigned unit_flags, pd_visitor_in_t *v)
{
    const text_t texts[] = {
        { "name", PD_V_REQUIRED, 1, 200, &v->name },
        { "id_number", PD_V_NULLABLE, 4, 40, &v->id_number },
        { "institution", PD_V_NULLABLE, 1, 200, &v->institution },
        { "purpose", PD_V_REQUIRED | PD_V_MULTILINE, 1, 2000, &v->purpose },
        { "source", 0, 1, 20, &v->source },
    };
    const char *c;
    apr_status_t rv;

    memset(v, 0, sizeof(*v));
    if ((rv = pd_v_known_fields(body, fields, &req->err)) != APR_SUCCESS
        || (rv = read_texts(req, body, texts, sizeof(texts) / sizeof(texts[0]))) != APR_SUCCESS
        || (rv = read_phone(req, body, &v->phone)) != APR_SUCCESS) {
        return rv;
    }
    rv = pd_v_id(body, "org_unit_id", unit_flags, &v->unit, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    for (c = v->id_number; c && *c; c++) {
        if (!apr_isalnum(*c) && !strchr("./ -", *c)) {
            return pd_error_set(&req->err, 422, "validation_failed", "id_number",
                                "id_number must be 4 to 40 letters, digits, dots, slashes, "
                                "hyphens or spaces");
        }
    }
    return APR_SUCCESS;
}

apr_status_t pd_visitor_check_in(pd_req_t *req, const pd_visitor_in_t *v, pd_sql_id_e insert,
                                 const char *path)
{
    const char *ticket, *args[11];
    case_t cs;
    apr_status_t rv;

    memset(&cs, 0, sizeof(cs));
    cs.kind = CASE_VISITOR;
    cs.unit = pd_db_int(&req->db, v->unit);
    cs.source = v->source;
    cs.title = apr_psprintf(req->r->pool, "Tamu: %s — %s", v->name, v->purpose);
    cs.description = v->institution ? apr_psprintf(req->r->pool, "%s\n\n%s", v->purpose,
                                                   v->institution)
                                    : v->purpose;
    cs.pic = v->name;
    cs.contact = v->phone ? v->phone : v->institution ? v->institution : "-";
    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting a visitor's check-in");
    }
    if ((rv = open_case(req, &cs, &ticket)) != APR_SUCCESS) {
        goto cleanup;
    }
    args[0] = ticket;
    args[1] = v->name;
    args[2] = v->id_number;
    args[3] = v->institution;
    args[4] = v->phone;
    args[5] = v->purpose;
    args[6] = cs.unit;
    args[7] = v->source;
    args[8] = pd_db_int(&req->db, req->who.user_id);
    /* the staff's answer shows what the writer may see and do */
    args[9] = pd_db_bool(pd_authz_visitor_id_number(&req->who));
    args[10] = pd_db_bool(pd_authz_permits(&req->who, PD_ACT_FRONT_DESK_INTAKE));
    if ((rv = finish_intake(req, insert, args, insert == PD_SQL_VISITORS_INSERT ? 11 : 9, path))
        != APR_SUCCESS) {
        goto cleanup;
    }
    return APR_SUCCESS;

cleanup:
    pd_db_rollback(&req->db);
    return rv;
}

apr_status_t pd_res_visitors_create(pd_req_t *req)
{
    static const char *const fields[] = {
        "name", "id_number", "institution", "phone", "purpose", "org_unit_id", "source", NULL
    };
    static const char *const sources[] = { "walkin", "register", NULL };
    pd_visitor_in_t v;
    json_t *body;
    apr_status_t rv;
    int i;

    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = pd_visitor_read(req, body, fields, PD_V_REQUIRED, &v)) != APR_SUCCESS) {
        return rv;
    }
    v.source = v.source ? v.source : "walkin";
    for (i = 0; sources[i] && strcmp(sources[i], v.source) != 0; i++) {
    }
    if (!sources[i]) {
        return pd_error_set(&req->err, 422, "validation_failed", "source",
                            "source must be walkin or register (the QR form sets qr)");
    }
    return pd_visitor_check_in(req, &v, PD_SQL_VISITORS_INSERT, "/visitors");
}

apr_status_t pd_res_surat_create(pd_req_t *req)
{
    static const char *const fields[] = {
        "number", "letter_date", "sender", "sender_institution", "subject", "summary",
        "org_unit_id", NULL
    };
    const char *number = NULL, *date = NULL, *sender = NULL, *institution = NULL;
    const char *subject = NULL, *summary = NULL, *ticket, *args[9], *end;
    const text_t texts[] = {
        { "number", PD_V_REQUIRED, 1, 100, &number },
        { "letter_date", PD_V_REQUIRED, 10, 10, &date },
        { "sender", PD_V_REQUIRED, 1, 200, &sender },
        { "sender_institution", PD_V_NULLABLE, 1, 200, &institution },
        { "subject", PD_V_REQUIRED, 1, 500, &subject },
        { "summary", PD_V_NULLABLE | PD_V_MULTILINE, 1, 5000, &summary },
    };
    apr_int64_t unit = 0;
    json_t *body;
    case_t cs;
    apr_status_t rv;

    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = pd_v_known_fields(body, fields, &req->err)) != APR_SUCCESS
        || (rv = read_texts(req, body, texts, sizeof(texts) / sizeof(texts[0]))) != APR_SUCCESS
        || (rv = pd_v_id(body, "org_unit_id", PD_V_REQUIRED, &unit, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    if (!(end = pd_scan_date(date)) || *end) {
        return pd_error_set(&req->err, 422, "validation_failed", "letter_date",
                            "letter_date must be a date, YYYY-MM-DD");
    }
    memset(&cs, 0, sizeof(cs));
    cs.kind = CASE_SURAT;
    cs.unit = pd_db_int(&req->db, unit);
    cs.source = pd_source_name(PD_SRC_SURAT_FORM);
    cs.title = apr_psprintf(req->r->pool, "Surat %s: %s", number, subject);
    cs.description = summary ? summary : subject;
    cs.pic = sender;
    cs.contact = institution ? institution : sender;
    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting a letter's intake");
    }
    if ((rv = open_case(req, &cs, &ticket)) != APR_SUCCESS) {
        goto cleanup;
    }
    args[0] = ticket;
    args[1] = number;
    args[2] = date;
    args[3] = sender;
    args[4] = institution;
    args[5] = subject;
    args[6] = summary;
    args[7] = cs.unit;
    args[8] = pd_db_int(&req->db, req->who.user_id);
    if ((rv = finish_intake(req, PD_SQL_CALL(PD_SQL_SURAT_INSERT, args), "/surat"))
        != APR_SUCCESS) {
        goto cleanup;
    }
    return APR_SUCCESS;

cleanup:
    pd_db_rollback(&req->db);
    return rv;
}

/* ---- reading, checking out ------------------------------------------------------- */

/* A record of a case within the caller's scope; 404 for none and for one
 * out of scope alike. A visitor's statement (PD_SQL_VISITORS_READ) takes
 * two more parameters: whether the identity number shows in full, and
 * whether the caller may check the visitor out. */
static apr_status_t record_find(pd_req_t *req, pd_sql_id_e get, const char *what,
                                const char **text)
{
    const char *args[4] = { pd_db_int(&req->db, req->id),
                            pd_db_int(&req->db, pd_authz_pharmacy_scope(&req->who)),
                            pd_db_bool(pd_authz_visitor_id_number(&req->who)),
                            pd_db_bool(pd_authz_permits(&req->who, PD_ACT_FRONT_DESK_INTAKE)) };
    pd_db_result_t res;

    if (pd_db_select(&req->db, get, args, get == PD_SQL_VISITORS_READ ? 4 : 2, &res)
        != APR_SUCCESS) {
        return pd_fail_db(req, "reading a front desk record");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_error_set(&req->err, 404, "not_found", NULL, what);
    }
    *text = pd_db_get(&res, 0);
    pd_db_drain(&res);
    return APR_SUCCESS;
}

static apr_status_t record_get(pd_req_t *req, pd_sql_id_e get, const char *what)
{
    const char *text = NULL;
    apr_status_t rv = record_find(req, get, what, &text);
    return rv == APR_SUCCESS ? pd_respond_json(req, HTTP_OK, text) : rv;
}

/* A list's one row, its JSON. */
static apr_status_t records_list(pd_req_t *req, pd_sql_id_e list, const char *const *args,
                                 int nargs, const char *what)
{
    pd_db_result_t res;
    const char *text;

    if (pd_db_select(&req->db, list, args, nargs, &res) != APR_SUCCESS) {
        return pd_fail_db(req, what);
    }
    text = pd_db_next(&res) == APR_SUCCESS ? pd_db_get(&res, 0) : NULL;
    pd_db_drain(&res);
    return text ? pd_respond_json(req, HTTP_OK, text) : pd_fail_db(req, what);
}

/* GET /api/visitors?present=true&ticket_id=: the last hundred visitors
 * (those still in; the one of a case), newest first, of the cases the
 * caller sees. */
apr_status_t pd_res_visitors_list(pd_req_t *req)
{
    static const char *const bools[] = { "true", "false", NULL };
    const char *present, *ticket, *args[6];
    apr_status_t rv;

    if ((rv = pd_choice_param(req, "present", bools, &present)) != APR_SUCCESS
        || (rv = pd_id_param(req, "ticket_id", &ticket)) != APR_SUCCESS) {
        return rv;
    }
    args[0] = pd_db_bool(pd_authz_visitor_id_number(&req->who));
    args[1] = pd_db_bool(pd_authz_permits(&req->who, PD_ACT_FRONT_DESK_INTAKE));
    args[2] = pd_db_int(&req->db, pd_authz_pharmacy_scope(&req->who));
    args[3] = pd_db_bool(present && strcmp(present, "true") == 0);
    args[4] = ticket;
    args[5] = ticket;
    return records_list(req, PD_SQL_CALL(PD_SQL_VISITORS_LIST, args), "listing visitors");
}

/* GET /api/surat?ticket_id=: the last hundred letters (the one of a case),
 * newest first, of the cases the caller sees. */
apr_status_t pd_res_surat_list(pd_req_t *req)
{
    const char *ticket, *args[3];
    apr_status_t rv;

    if ((rv = pd_id_param(req, "ticket_id", &ticket)) != APR_SUCCESS) {
        return rv;
    }
    args[0] = pd_db_int(&req->db, pd_authz_pharmacy_scope(&req->who));
    args[1] = ticket;
    args[2] = ticket;
    return records_list(req, PD_SQL_CALL(PD_SQL_SURAT_LIST, args), "listing letters");
}

apr_status_t pd_res_visitors_get(pd_req_t *req)
{
    return record_get(req, PD_SQL_VISITORS_READ, "no such visitor");
}

apr_status_t pd_res_surat_get(pd_req_t *req)
{
    return record_get(req, PD_SQL_SURAT_GET, "no such letter");
}

apr_status_t pd_res_visitors_check_out(pd_req_t *req)
{
    const char *args[2] = { pd_db_int(&req->db, req->id),
                            pd_db_int(&req->db, pd_authz_pharmacy_scope(&req->who)) };
    pd_db_result_t res;
    int done;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_VISITORS_CHECK_OUT, args), &res)
        != APR_SUCCESS) {
        return pd_fail_db(req, "checking a visitor out");
    }
    done = pd_db_next(&res) == APR_SUCCESS;
    pd_db_drain(&res);
    if (!done) {
        const char *text;
        apr_status_t rv = record_find(req, PD_SQL_VISITORS_READ, "no such visitor", &text);
        /* there, and out already */
        return rv == APR_SUCCESS ? pd_error_set(&req->err, 409, "conflict", NULL,
                                                "the visitor has checked out already")
                                 : rv;
    }
    return record_get(req, PD_SQL_VISITORS_READ, "no such visitor");
}

/* ---- acknowledging a case ------------------------------------------------------------ */

apr_status_t pd_res_tickets_acknowledge(pd_req_t *req)
{
    const char *args[1] = { pd_db_int(&req->db, req->id) }, *at = NULL;
    pd_ticket_facts_t facts;
    pd_db_result_t res;
    apr_status_t rv;

    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting an acknowledgement");
    }
    if ((rv = pd_ticket_lock_facts(req, &facts)) != APR_SUCCESS
        || (rv = pd_authz_refuse(&req->err, pd_authz_ticket_acknowledge(&req->who, &facts), NULL))
           != APR_SUCCESS) {
        goto cleanup;
    }
    if (pd_status_is_final(facts.status)) {
        rv = pd_error_set(&req->err, 409, "ticket_closed", NULL,
                          "the case is finished: there is nothing to acknowledge");
        goto cleanup;
    }
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_TICKETS_ACKNOWLEDGE, args), &res) != APR_SUCCESS) {
        rv = pd_fail_db(req, "acknowledging a case");
        goto cleanup;
    }
    if (pd_db_next(&res) == APR_SUCCESS) {
        at = pd_db_get(&res, 0);
    }
    pd_db_drain(&res);
    if (!at) {
        rv = pd_error_set(&req->err, 409, "conflict", NULL, "the case is acknowledged already");
        goto cleanup;
    }
    if ((rv = pd_ticket_activity_add(req, "field_changed", "acknowledged", NULL, at, NULL,
                                     "internal")) != APR_SUCCESS) {
        goto cleanup;
    }
    if (pd_db_commit(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "committing an acknowledgement");
    }
    return pd_ticket_respond(req, req->id);

cleanup:
    pd_db_rollback(&req->db);
    return rv;
}
