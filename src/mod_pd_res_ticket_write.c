/* Ticket writes: POST /api/tickets and PATCH /api/tickets/{id}. Each write is
 * one transaction that also appends its timeline rows. */
#include <stddef.h>
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_validate.h"
#include "pd_workflow.h"
#include "pd_ticketno.h"
#include "pd_ticket.h"
#include "pd_sla.h"

/* A ticket's editable state, as locked for update. */
typedef struct ticket_row_t {
    const char *title, *description, *pic_name, *contact, *app_version, *priority;
    apr_int64_t module_id, category_id, expert_id, tech_id, pharmacy_id, customer_id;
    pd_status_e status;
    const char *version;
} ticket_row_t;

/* The text fields, shared by create and update; their limits are
 * pd_ticket_texts' (the import checks by the same). */
static const struct text_field_t {
    const pd_text_rule_t *rule;
    unsigned bit;
    size_t offset;
} text_fields[] = {
    { &pd_ticket_texts[PD_TT_TITLE], PD_TF_TITLE, offsetof(ticket_row_t, title) },
    { &pd_ticket_texts[PD_TT_DESCRIPTION], PD_TF_DESCRIPTION, offsetof(ticket_row_t, description) },
    { &pd_ticket_texts[PD_TT_PIC_NAME], PD_TF_PIC_NAME, offsetof(ticket_row_t, pic_name) },
    { &pd_ticket_texts[PD_TT_CONTACT], PD_TF_CONTACT, offsetof(ticket_row_t, contact) },
    { &pd_ticket_texts[PD_TT_APP_VERSION], PD_TF_APP_VERSION, offsetof(ticket_row_t, app_version) },
};

static const struct id_field_t {
    const char *name;
    unsigned bit;
    size_t offset;
    int nullable;
} id_fields[] = {
    { "module_id", PD_TF_MODULE, offsetof(ticket_row_t, module_id), 0 },
    { "category_id", PD_TF_CATEGORY, offsetof(ticket_row_t, category_id), 0 },
    { "expert_id", PD_TF_EXPERT, offsetof(ticket_row_t, expert_id), 1 },
    { "tech_id", PD_TF_TECH, offsetof(ticket_row_t, tech_id), 1 },
};

#define TEXT_AT(row, f) (*(const char **)((char *)(row) + (f)->offset))
#define ID_AT(row, f) (*(apr_int64_t *)((char *)(row) + (f)->offset))
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Which referenced rows exist and are usable: the columns of pd_tickets_refs. */
enum { REF_PHARMACY, REF_MODULE, REF_CATEGORY, REF_EXPERT, REF_TECH, REF_CUSTOMER, REF__COUNT };

static apr_status_t check_refs(pd_req_t *req, const apr_int64_t ids[REF__COUNT],
                               apr_int64_t customer_pharmacy)
{
    static const char *const names[REF__COUNT] = {
        "pharmacy_id", "module_id", "category_id", "expert_id", "tech_id", "customer_id"
    };
    pd_db_t *db = &req->db;
    const char *args[] = {
        pd_db_id_or_null(db, ids[REF_PHARMACY]), pd_db_id_or_null(db, ids[REF_MODULE]),
        pd_db_id_or_null(db, ids[REF_CATEGORY]),
        pd_role_param(pd_authz_assignee_role(PD_TF_EXPERT)), pd_db_id_or_null(db, ids[REF_EXPERT]),
        pd_role_param(pd_authz_assignee_role(PD_TF_TECH)), pd_db_id_or_null(db, ids[REF_TECH]),
        pd_role_param(PD_ROLE_CUSTOMER), pd_db_id_or_null(db, customer_pharmacy),
        pd_db_id_or_null(db, ids[REF_CUSTOMER])
    };
    pd_db_result_t res;
    int i;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_TICKETS_REFS, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "checking ticket references");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_fail_db(req, "checking ticket references");
    }
    for (i = 0; i < REF__COUNT; i++) {
        /* unknown, deactivated and out-of-scope ids get the same answer */
        if (ids[i] > 0 && !pd_db_get_bool(&res, i)) {
            return pd_authz_refuse(&req->err, PD_AZ_UNKNOWN_REFERENCE, names[i]);
        }
    }
    pd_db_drain(&res);
    return APR_SUCCESS;
}

apr_status_t pd_res_tickets_create(pd_req_t *req)
{
    static const char *const fields[] = {
        "pharmacy_id", "pic_name", "contact", "app_version", "module_id", "category_id",
        "title", "description", "priority", "customer_id", NULL
    };
    ticket_row_t t;
    apr_int64_t refs[REF__COUNT] = { 0 };
    json_t *body;
    const char *args[16], *number, *json, *etag, *field;
    pd_az_e why;
    pd_db_result_t res;
    apr_status_t rv;
    apr_size_t i;
    int prio = PD_PRIO_MEDIUM;
    apr_int64_t id;

    memset(&t, 0, sizeof(t));
    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = pd_v_known_fields(body, fields, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    for (i = 0; i < COUNT(text_fields); i++) {
        const struct text_field_t *f = &text_fields[i];
        rv = pd_v_ticket_text(body, f->rule, 1, req->r->pool, &TEXT_AT(&t, f), &req->err);
        if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
            return rv;
        }
    }
    t.app_version = t.app_version ? t.app_version : "";
    if ((rv = pd_v_id(body, "module_id", PD_V_REQUIRED, &t.module_id, &req->err)) != APR_SUCCESS
        || (rv = pd_v_id(body, "category_id", PD_V_REQUIRED, &t.category_id, &req->err))
           != APR_SUCCESS) {
        return rv;
    }
    rv = pd_v_enum(body, "priority", 0, pd_priority_parse, &prio, &req->err);
    if (rv == APR_NOTFOUND) {
        prio = PD_PRIO_MEDIUM;
    }
    else if (rv != APR_SUCCESS) {
        return rv;
    }
    rv = pd_v_id(body, "pharmacy_id", pd_authz_ticket_pharmacy_chosen(&req->who) ? PD_V_REQUIRED : 0,
                 &t.pharmacy_id, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    rv = pd_v_id(body, "customer_id", PD_V_NULLABLE, &t.customer_id, &req->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    why = pd_authz_ticket_create(&req->who, &t.pharmacy_id, &t.customer_id, &field);
    if (why != PD_AZ_OK) {
        return pd_authz_refuse(&req->err, why, field);
    }

    refs[REF_PHARMACY] = t.pharmacy_id;
    refs[REF_MODULE] = t.module_id;
    refs[REF_CATEGORY] = t.category_id;
    refs[REF_CUSTOMER] = t.customer_id;
    /* a customer named along with a chosen pharmacy must be one of its */
    if (t.customer_id && pd_authz_ticket_pharmacy_chosen(&req->who)
        && (rv = check_refs(req, refs, t.pharmacy_id)) != APR_SUCCESS) {
        return rv;
    }
    args[0] = pd_db_int(&req->db, t.pharmacy_id);
    args[1] = pd_db_int(&req->db, t.module_id);
    args[2] = pd_db_int(&req->db, t.category_id);
    args[3] = req->conf->time_zone;
    args[4] = req->conf->ticket_prefix;
    args[5] = t.pic_name;
    args[6] = t.contact;
    args[7] = t.app_version;
    args[8] = t.title;
    args[9] = t.description;
    args[10] = pd_priority_name((pd_priority_e)prio);
    args[11] = pd_source_name(pd_source_for_role(req->who.role));
    args[12] = pd_db_id_or_null(&req->db, t.customer_id);
    args[13] = pd_db_int(&req->db, req->who.user_id);
    args[14] = NULL;
    args[15] = NULL;
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_TICKETS_INSERT, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "creating a ticket");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        /* nothing was written: say which reference cannot be used */
        rv = check_refs(req, refs, t.pharmacy_id);
        return rv != APR_SUCCESS ? rv
                                 : pd_error_set(&req->err, 422, "unknown_reference", NULL,
                                                "a referenced entry is no longer active");
    }
    id = pd_db_get_int64(&res, PD_TC_ID);
    number = pd_db_get(&res, PD_TC_NUMBER);
    if (pd_ticketno_parse(number, req->r->pool, NULL, NULL, NULL) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, req->r,
                      "pharmadesk: ticket %" APR_INT64_T_FMT " got a malformed number", id);
    }
    /* the insert returns the ticket as a read would: no second round trip */
    if ((rv = pd_ticket_from_row(req, &res, &json, &etag)) != APR_SUCCESS) {
        return rv;
    }
    apr_table_setn(req->r->headers_out, "ETag", etag);
    apr_table_setn(req->r->headers_out, "Location",
                   apr_psprintf(req->r->pool, "%s/tickets/%" APR_INT64_T_FMT,
                                req->conf->api_base, id));
    return pd_respond_json(req, HTTP_CREATED, json);
}

/* ---- PATCH ---- */

static apr_status_t lock_ticket(pd_req_t *req, ticket_row_t *t)
{
    const char *args[2] = { pd_db_int(&req->db, req->id),
                            pd_db_int(&req->db, pd_authz_pharmacy_scope(&req->who)) };
    pd_db_result_t res;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_TICKETS_LOCK, args), &res) != APR_SUCCESS) {
        return pd_fail_db(req, "locking a ticket");
    }
    if (pd_db_next(&res) != APR_SUCCESS) {
        return pd_error_set(&req->err, 404, "not_found", NULL, "no such ticket");
    }
    t->status = (pd_status_e)pd_status_parse(pd_db_get(&res, 0));
    t->pharmacy_id = pd_db_get_int64(&res, 1);
    t->title = pd_db_get(&res, 2);
    t->description = pd_db_get(&res, 3);
    t->pic_name = pd_db_get(&res, 4);
    t->contact = pd_db_get(&res, 5);
    t->app_version = pd_db_get(&res, 6);
    t->module_id = pd_db_get_int64(&res, 7);
    t->category_id = pd_db_get_int64(&res, 8);
    t->priority = pd_db_get(&res, 9);
    t->expert_id = pd_db_get_int64(&res, 10);
    t->tech_id = pd_db_get_int64(&res, 11);
    t->customer_id = pd_db_get_int64(&res, 12);
    t->version = pd_db_get(&res, 13);
    pd_db_drain(&res);
    return APR_SUCCESS;
}

/* The 409 for a move outside the flow lists the moves this caller has. */
static apr_status_t refuse_transition(pd_req_t *req, unsigned targets)
{
    json_t *allowed = json_array(), *details = pd_json_bind(req->r->pool, json_object());
    int st;

    for (st = 0; st < PD_ST__COUNT; st++) {
        if (targets & (1u << st)) {
            json_array_append_new(allowed, json_string(pd_status_name((pd_status_e)st)));
        }
    }
    json_object_set_new(details, "allowed_transitions", allowed);
    pd_authz_refuse(&req->err, PD_AZ_INVALID_TRANSITION, NULL);
    req->err.details = details;
    return APR_EGENERAL;
}

/* What the rules need to know of the locked ticket for a PATCH (whether it
 * is escalated decides nothing a PATCH does). */
static pd_ticket_facts_t facts_of(const ticket_row_t *t)
{
    pd_ticket_facts_t f = { .status = t->status, .pharmacy_id = t->pharmacy_id,
                            .tech_id = t->tech_id, .expert_id = t->expert_id };
    return f;
}

/* A PATCH body, checked for shape: text members (NULL when absent), ids (0
 * when absent or null; body tells which were sent), -1 for an absent enum. */
typedef struct ticket_patch_t {
    ticket_row_t values;
    int priority, status;
    pd_transition_text_t text; /* note, message, rating */
    json_t *body;
} ticket_patch_t;

/* What a PATCH does to a locked ticket. */
typedef struct ticket_change_t {
    ticket_row_t next;
    unsigned changed;          /* PD_TF_* bits */
    int unassigned;            /* the tech taken off: back to open */
    const char *solved, *closed;   /* 'set', 'clear' or 'keep' */
} ticket_change_t;

/* Shape first, outside the transaction. */
static apr_status_t read_patch(pd_req_t *req, json_t *body, ticket_patch_t *pt)
{
    static const char *const fields[] = {
        "title", "description", "pic_name", "contact", "app_version", "module_id",
        "category_id", "priority", "status", "expert_id", "tech_id", "note", "message",
        "rating", NULL
    };
    apr_status_t rv;
    apr_size_t i;

    memset(pt, 0, sizeof(*pt));
    pt->priority = pt->status = -1;
    pt->body = body;
    if ((rv = pd_v_known_fields(pt->body, fields, &req->err)) != APR_SUCCESS) {
        return rv;
    }
    for (i = 0; i < COUNT(text_fields); i++) {
        const struct text_field_t *f = &text_fields[i];
        rv = pd_v_ticket_text(pt->body, f->rule, 0, req->r->pool, &TEXT_AT(&pt->values, f),
                              &req->err);
        if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
            return rv;
        }
    }
    for (i = 0; i < COUNT(id_fields); i++) {
        const struct id_field_t *f = &id_fields[i];
        rv = pd_v_id(pt->body, f->name, f->nullable ? PD_V_NULLABLE : 0,
                     &ID_AT(&pt->values, f), &req->err);
        if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
            return rv;
        }
    }
    if (((rv = pd_v_enum(pt->body, "priority", 0, pd_priority_parse, &pt->priority, &req->err))
         != APR_SUCCESS && rv != APR_NOTFOUND)
        || ((rv = pd_v_enum(pt->body, "status", 0, pd_status_parse, &pt->status, &req->err))
            != APR_SUCCESS && rv != APR_NOTFOUND)
        || ((rv = pd_v_string(pt->body, "note", PD_V_MULTILINE, 1, PD_TIMELINE_TEXT_MAX, req->r->pool,
                              &pt->text.note, &req->err)) != APR_SUCCESS && rv != APR_NOTFOUND)
        || ((rv = pd_v_string(pt->body, "message", PD_V_MULTILINE, 1, PD_TIMELINE_TEXT_MAX, req->r->pool,
                              &pt->text.message, &req->err)) != APR_SUCCESS
            && rv != APR_NOTFOUND)) {
        return rv;
    }
    if (json_object_get(pt->body, "rating")) {
        apr_int64_t rating;
        if ((rv = pd_v_id(pt->body, "rating", 0, &rating, &req->err)) != APR_SUCCESS) {
            return rv;
        }
        if (rating > 5) {
            return pd_error_set(&req->err, 422, "validation_failed", "rating",
                                "rating must be 1 to 5");
        }
        pt->text.rating = (int)rating;
    }
    return APR_SUCCESS;
}

/* The next state. A member equal to the current value is no change and so
 * needs no right. */
static void merge_patch(ticket_change_t *ch, const ticket_row_t *cur, const ticket_patch_t *pt)
{
    apr_size_t i;

    memset(ch, 0, sizeof(*ch));
    ch->next = *cur;
    ch->solved = ch->closed = "keep";
    for (i = 0; i < COUNT(text_fields); i++) {
        const struct text_field_t *f = &text_fields[i];
        const char *v = TEXT_AT(&pt->values, f);
        if (v && strcmp(v, TEXT_AT(cur, f)) != 0) {
            TEXT_AT(&ch->next, f) = v;
            ch->changed |= f->bit;
        }
    }
    for (i = 0; i < COUNT(id_fields); i++) {
        const struct id_field_t *f = &id_fields[i];
        if (json_object_get(pt->body, f->name) && ID_AT(&pt->values, f) != ID_AT(cur, f)) {
            ID_AT(&ch->next, f) = ID_AT(&pt->values, f);
            ch->changed |= f->bit;
        }
    }
    if (pt->priority >= 0
        && strcmp(pd_priority_name((pd_priority_e)pt->priority), cur->priority) != 0) {
        ch->next.priority = pd_priority_name((pd_priority_e)pt->priority);
        ch->changed |= PD_TF_PRIORITY;
    }
    if (pt->status >= 0 && (pd_status_e)pt->status != cur->status) {
        ch->next.status = (pd_status_e)pt->status;
        ch->changed |= PD_TF_STATUS;
    }
    if (pt->text.note) {
        ch->changed |= PD_TF_NOTE;
    }
    /* assigning a tech to an open or in_review ticket starts the
     * work; taking the tech off a ticket in progress returns it to the queue */
    if ((ch->changed & PD_TF_TECH) && !(ch->changed & PD_TF_STATUS)) {
        if (ch->next.tech_id > 0 && (cur->status == PD_ST_OPEN || cur->status == PD_ST_IN_REVIEW)) {
            ch->next.status = PD_ST_IN_PROGRESS;
            ch->changed |= PD_TF_STATUS;
        }
        else if (ch->next.tech_id == 0 && cur->status == PD_ST_IN_PROGRESS) {
            ch->next.status = PD_ST_OPEN;
            ch->changed |= PD_TF_STATUS;
            ch->unassigned = 1;
        }
    }
}

/* Field rights, the note, the workflow and the finish times; 403, 409 or
 * 422. */
static apr_status_t check_change(pd_req_t *req, const ticket_row_t *cur, ticket_change_t *ch)
{
    pd_ticket_facts_t facts = facts_of(cur);
    const ticket_row_t *nxt = &ch->next;
    const char *field;
    pd_az_e why;

    if ((why = pd_authz_ticket_edit(&req->who, &facts, ch->changed, &field)) != PD_AZ_OK) {
        return pd_authz_refuse(&req->err, why, field);
    }
    if ((ch->changed & PD_TF_STATUS) && !ch->unassigned) {
        why = pd_authz_ticket_move(&req->who, &facts, nxt->status, nxt->tech_id > 0);
        if (why == PD_AZ_INVALID_TRANSITION) {
            return refuse_transition(req, pd_authz_ticket_targets(&req->who, &facts));
        }
        if (why != PD_AZ_OK) {
            return pd_authz_refuse(&req->err, why, NULL);
        }
        if (nxt->status == PD_ST_SOLVED) {
            ch->solved = "set";
        }
        if (nxt->status == PD_ST_CLOSED || nxt->status == PD_ST_CANCELLED) {
            ch->closed = "set";
        }
        /* reopening clears the finish times */
        if (nxt->status == PD_ST_OPEN || nxt->status == PD_ST_IN_PROGRESS
            || nxt->status == PD_ST_IN_REVIEW || nxt->status == PD_ST_WAITING_CUSTOMER) {
            ch->solved = cur->status == PD_ST_SOLVED || cur->status == PD_ST_CLOSED ? "clear"
                                                                                   : "keep";
            ch->closed = pd_status_is_final(cur->status) ? "clear" : "keep";
        }
    }
    /* a note is a timeline entry: a staff note is internal, a customer's a
     * public reply, under the rule of every other entry */
    if ((ch->changed & PD_TF_NOTE)
        && (why = pd_authz_ticket_entry(&req->who, &facts, pd_authz_sees_internal(&req->who)))
           != PD_AZ_OK) {
        return pd_authz_refuse(&req->err, why, NULL);
    }
    /* work in progress or solved always has a tech */
    if ((nxt->status == PD_ST_IN_PROGRESS || nxt->status == PD_ST_SOLVED) && nxt->tech_id <= 0) {
        return pd_authz_refuse(&req->err, PD_AZ_NEEDS_TECH, NULL);
    }
    return APR_SUCCESS;
}

/* The update and its timeline rows, one per change. */
static apr_status_t write_change(pd_req_t *req, const ticket_row_t *cur,
                                 const ticket_change_t *ch, const pd_transition_text_t *tx)
{
    const ticket_row_t *nxt = &ch->next;
    int staff = pd_authz_sees_internal(&req->who);
    const char *args[15];
    apr_status_t rv;
    apr_size_t i;

    args[0] = nxt->title;
    args[1] = nxt->description;
    args[2] = nxt->pic_name;
    args[3] = nxt->contact;
    args[4] = nxt->app_version;
    args[5] = pd_db_int(&req->db, nxt->module_id);
    args[6] = pd_db_int(&req->db, nxt->category_id);
    args[7] = nxt->priority;
    args[8] = pd_status_name(nxt->status);
    args[9] = pd_db_id_or_null(&req->db, nxt->expert_id);
    args[10] = pd_db_id_or_null(&req->db, nxt->tech_id);
    args[11] = pd_db_bool(staff);
    args[12] = ch->solved;
    args[13] = ch->closed;
    args[14] = pd_db_int(&req->db, req->id);
    /* a staff note alone is internal: the row a customer reads, its
     * updated_at and ETag, must not show that one was written */
    if (!(staff && ch->changed == PD_TF_NOTE)
        && pd_db_exec(&req->db, PD_SQL_CALL(PD_SQL_TICKETS_UPDATE, args), NULL) != APR_SUCCESS) {
        return pd_fail_db(req, "updating a ticket");
    }
    if ((ch->changed & PD_TF_STATUS)
        && (rv = pd_ticket_activity_add(req, "status_changed", "status", pd_status_name(cur->status),
                              pd_status_name(nxt->status), NULL, "public")) != APR_SUCCESS) {
        return rv;
    }
    for (i = 0; i < COUNT(text_fields); i++) {
        const struct text_field_t *f = &text_fields[i];
        if ((ch->changed & f->bit)
            && (rv = pd_ticket_activity_add(req, "field_changed", f->rule->name, TEXT_AT(cur, f),
                                  TEXT_AT(nxt, f), NULL, "public")) != APR_SUCCESS) {
            return rv;
        }
    }
    for (i = 0; i < COUNT(id_fields); i++) {
        const struct id_field_t *f = &id_fields[i];
        int people = f->bit == PD_TF_EXPERT || f->bit == PD_TF_TECH;
        if ((ch->changed & f->bit)
            && (rv = pd_ticket_activity_add(req, people ? "assigned" : "field_changed", f->name,
                                  pd_db_id_or_null(&req->db, ID_AT(cur, f)),
                                  pd_db_id_or_null(&req->db, ID_AT(nxt, f)), NULL,
                                  "public")) != APR_SUCCESS) {
            return rv;
        }
    }
    if ((ch->changed & PD_TF_PRIORITY)
        && (rv = pd_ticket_activity_add(req, "field_changed", "priority", cur->priority, nxt->priority,
                              NULL, "public")) != APR_SUCCESS) {
        return rv;
    }
    if ((ch->changed & PD_TF_STATUS)
        && (rv = pd_transition_record(req, cur->status, nxt->status, tx)) != APR_SUCCESS) {
        return rv;
    }
    /* a staff note is for the team; a customer's is a reply everyone sees */
    if (tx->note
        && (rv = pd_ticket_activity_add(req, staff ? "note" : "comment", NULL, NULL, NULL,
                                        tx->note, staff ? "internal" : "public")) != APR_SUCCESS) {
        return rv;
    }
    return APR_SUCCESS;
}

/* One ticket's PATCH (req->id) in a transaction of its own: the rules,
 * the write and its timeline, committed, or nothing. With conditional, the
 * request's If-Match and If-None-Match are checked against the locked row. */
static apr_status_t apply_patch(pd_req_t *req, ticket_patch_t *patch, int conditional)
{
    static const char *const conditions[2] = { "If-Match", "If-None-Match" };
    ticket_change_t ch;
    ticket_row_t cur = { 0 };
    pd_ticket_facts_t facts;
    apr_int64_t refs[REF__COUNT] = { 0 };
    const char *etag;
    apr_status_t rv;
    int not_modified, i;

    if (pd_db_begin(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "starting a ticket update");
    }
    if ((rv = lock_ticket(req, &cur)) != APR_SUCCESS) {
        goto cleanup;
    }
    /* against the row as it is now, locked: If-Match makes a write that
     * was prepared on a stale copy fail instead of overwriting. The
     * countdown of a tag is no part of the ticket's state: a copy read a
     * minute ago is as current as one read now. */
    etag = pd_ticket_etag(req, apr_psprintf(req->r->pool, "%" APR_INT64_T_FMT, req->id),
                          cur.version, NULL);
    for (i = 0; conditional && i < 2; i++) {
        const char *field = apr_table_get(req->r->headers_in, conditions[i]);
        if (field) {
            apr_table_set(req->r->headers_in, conditions[i], pd_sla_tags_base(req->r->pool, field));
        }
    }
    if (conditional && (rv = pd_preconditions(req, etag, &not_modified)) != APR_SUCCESS) {
        goto cleanup;
    }
    facts = facts_of(&cur);
    if ((rv = pd_authz_refuse(&req->err, pd_authz_ticket_write(&req->who, &facts), NULL))
        != APR_SUCCESS) {
        goto cleanup;
    }
    merge_patch(&ch, &cur, patch);
    if ((rv = check_change(req, &cur, &ch)) != APR_SUCCESS
        || (rv = pd_transition_check(req, cur.status, ch.next.status, &patch->text)) != APR_SUCCESS) {
        goto cleanup;
    }
    if (ch.changed == 0) {
        pd_db_rollback(&req->db);
        return APR_SUCCESS;
    }
    /* a reply sent as a note moves the ticket as a comment would */
    if ((ch.changed & PD_TF_NOTE) && !(ch.changed & PD_TF_STATUS)) {
        ch.next.status = pd_workflow_after_reply(req->who.role, cur.status, cur.tech_id > 0);
        if (ch.next.status != cur.status) {
            ch.changed |= PD_TF_STATUS;
        }
    }
    refs[REF_MODULE] = ch.changed & PD_TF_MODULE ? ch.next.module_id : 0;
    refs[REF_CATEGORY] = ch.changed & PD_TF_CATEGORY ? ch.next.category_id : 0;
    refs[REF_EXPERT] = ch.changed & PD_TF_EXPERT ? ch.next.expert_id : 0;
    refs[REF_TECH] = ch.changed & PD_TF_TECH ? ch.next.tech_id : 0;
    if ((rv = check_refs(req, refs, 0)) != APR_SUCCESS
        || (rv = write_change(req, &cur, &ch, &patch->text)) != APR_SUCCESS) {
        goto cleanup;
    }
    if (pd_db_commit(&req->db) != APR_SUCCESS) {
        return pd_fail_db(req, "committing a ticket update");
    }
    return APR_SUCCESS;

cleanup:
    pd_db_rollback(&req->db);
    return rv;
}

apr_status_t pd_res_tickets_update(pd_req_t *req)
{
    ticket_patch_t patch;
    json_t *body;
    apr_status_t rv;

    if ((rv = pd_read_json(req, &body)) != APR_SUCCESS
        || (rv = read_patch(req, body, &patch)) != APR_SUCCESS
        || (rv = apply_patch(req, &patch, 1)) != APR_SUCCESS) {
        return rv;
    }
    return pd_ticket_respond(req, req->id);
}

apr_status_t pd_ticket_patch(pd_req_t *req, json_t *body, int shape_only)
{
    ticket_patch_t patch;
    apr_status_t rv;

    if ((rv = read_patch(req, body, &patch)) != APR_SUCCESS || shape_only) {
        return rv;
    }
    return apply_patch(req, &patch, 0);
}
