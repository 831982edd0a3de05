#include <string.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "pd_import.h"
#include "pd_validate.h"
#include "pd_ticketno.h"
#include "pd_types.h"
#include "pd_utf8.h"
#include "pd_whatsapp.h"

typedef apr_status_t (*check_fn)(const json_t *body, pd_import_t *imp, pd_error_t *err);

static apr_status_t check_tickets(const json_t *body, pd_import_t *imp, pd_error_t *err);
static apr_status_t check_guestbook(const json_t *body, pd_import_t *imp, pd_error_t *err);

/* The formats. A new one brings its check (the envelope's members, each
 * row by the API's validators, into the statement's form) and its
 * statement (references, conflicts, the set-based write). */
static const struct {
    const char *name;
    check_fn check;
    pd_sql_id_e stmt;
} formats[] = {
    { "tickets", check_tickets, PD_SQL_IMPORTS_TICKETS },
    { "guestbook", check_guestbook, PD_SQL_IMPORTS_GUESTBOOK },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *pd_import_format_names(apr_pool_t *p)
{
    const char *s = formats[0].name;
    apr_size_t i;
    for (i = 1; i < COUNT(formats); i++) {
        s = apr_pstrcat(p, s, ", ", formats[i].name, NULL);
    }
    return s;
}

void pd_import_problem(pd_import_t *imp, apr_size_t index, const char *source_id,
                       const char *field, const char *code, const char *message)
{
    json_t *o;

    if (imp->problem_count++ >= PD_IMPORT_MAX_PROBLEMS) {
        return;
    }
    o = json_object();
    json_object_set_new(o, "index", json_integer((json_int_t)index));
    json_object_set_new(o, "source_id", source_id ? json_string(source_id) : json_null());
    json_object_set_new(o, "field", field ? json_string(field) : json_null());
    json_object_set_new(o, "code", json_string(code));
    json_object_set_new(o, "message", json_string(message ? message : "invalid"));
    json_array_append_new(imp->problems, o);
}

apr_status_t pd_import_read(const json_t *body, pd_import_t *imp, pd_error_t *err)
{
    const char *format = NULL;
    apr_status_t rv;
    apr_size_t i;

    imp->rows = pd_json_bind(imp->pool, json_array());
    imp->problems = pd_json_bind(imp->pool, json_array());
    imp->count = imp->problem_count = 0;
    if ((rv = pd_v_string(body, "format", PD_V_REQUIRED, 1, 32, imp->pool, &format, err))
        != APR_SUCCESS
        || (rv = pd_v_string(body, "source", PD_V_REQUIRED, 1, 100, imp->pool, &imp->source, err))
           != APR_SUCCESS) {
        return rv;
    }
    rv = pd_v_bool(body, "dry_run", 0, &imp->dry_run, err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    for (i = 0; i < COUNT(formats); i++) {
        if (strcmp(formats[i].name, format) == 0) {
            imp->format = formats[i].name;
            imp->stmt = formats[i].stmt;
            return formats[i].check(body, imp, err);
        }
    }
    return pd_error_setf(err, imp->pool, 422, "unknown_format", "format",
                         "format must be one of: %s", pd_import_format_names(imp->pool));
}

/* ---- tickets ------------------------------------------------------------------- */

/* One row's check: its index and source id for the problems, the row in
 * the statement's form. A failed validator leaves its error in err, which
 * becomes a problem under the row's field path; the row goes on being
 * checked, so that every problem of it is reported at once. */
typedef struct row_ctx_t {
    pd_import_t *imp;
    apr_size_t index;
    const char *source_id;
    const char *path;        /* "" or "events[3]." */
    json_t *out;
    int bad;
    pd_error_t err;
} row_ctx_t;

static void failed(row_ctx_t *c)
{
    c->bad = 1;
    pd_import_problem(c->imp, c->index, c->source_id,
                      apr_pstrcat(c->imp->pool, c->path, c->err.field ? c->err.field : "", NULL),
                      c->err.code ? c->err.code : "validation_failed", c->err.message);
    pd_error_init(&c->err, c->imp->pool);
}

static void refuse(row_ctx_t *c, const char *field, const char *message)
{
    pd_error_set(&c->err, 422, "validation_failed", field, message);
    failed(c);
}

/* A string member copied to the row (null when absent or null). */
static const char *text(row_ctx_t *c, const json_t *o, const char *field, unsigned flags,
                        apr_size_t min, apr_size_t max)
{
    const char *v = NULL;
    apr_status_t rv = pd_v_string(o, field, flags, min, max, c->imp->pool, &v, &c->err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        failed(c);
        return NULL;
    }
    return v;
}

static void put(json_t *o, const char *key, const char *v)
{
    json_object_set_new(o, key, v ? json_string(v) : json_null());
}

/* A date-time with its offset (RFC 3339), as the API's time filters take
 * them, but never a bare date: the time of day is history too. */
static const char *when(row_ctx_t *c, const json_t *o, const char *field, unsigned flags)
{
    const char *v = text(c, o, field, flags, 1, 35);
    if (v && (!strchr(v, 'T') || !pd_is_time_bound(v))) {
        pd_error_setf(&c->err, c->imp->pool, 422, "validation_failed", field,
                      "%s must be a date-time with an offset (2024-01-15T08:30:00+07:00)", field);
        failed(c);
        return NULL;
    }
    return v;
}

/* A user by username, as the API's users are named. */
static const char *username(row_ctx_t *c, const json_t *o, const char *field, unsigned flags)
{
    const char *v = text(c, o, field, flags | PD_V_NULLABLE, 1, 200);
    if (v && !pd_is_username(v)) {
        pd_error_setf(&c->err, c->imp->pool, 422, "validation_failed", field,
                      "%s is not a valid username", field);
        failed(c);
        return NULL;
    }
    return v;
}

/* A module or category: by id (module_id) or by name (module), one of them. */
static void lookup(row_ctx_t *c, const json_t *o, const char *name)
{
    const char *id_field = apr_pstrcat(c->imp->pool, name, "_id", NULL);
    const char *by_name;
    apr_int64_t id = 0;
    int has_id = json_object_get(o, id_field) != NULL, has_name = json_object_get(o, name) != NULL;

    if (has_id == has_name) {
        refuse(c, name, apr_psprintf(c->imp->pool, "give either %s (a name) or %s", name, id_field));
        return;
    }
    if (has_id) {
        if (pd_v_id(o, id_field, PD_V_REQUIRED, &id, &c->err) != APR_SUCCESS) {
            failed(c);
            return;
        }
        json_object_set_new(c->out, id_field, json_integer((json_int_t)id));
        return;
    }
    /* the names' limits are those of the lookups' own column */
    by_name = text(c, o, name, PD_V_REQUIRED, 1, 100);
    put(c->out, apr_pstrcat(c->imp->pool, name, "_name", NULL), by_name);
}

static void enum_member(row_ctx_t *c, const json_t *o, const char *field, int (*parse)(const char *),
                        const char *(*name)(int), int dflt, const char *out_key)
{
    int v = dflt;
    apr_status_t rv = pd_v_enum(o, field, dflt < 0 ? PD_V_REQUIRED : 0, parse, &v, &c->err);
    if (rv == APR_NOTFOUND) {
        v = dflt;
    }
    else if (rv != APR_SUCCESS) {
        failed(c);
        return;
    }
    put(c->out, out_key, name(v));
}

static const char *status_name(int v) { return pd_status_name((pd_status_e)v); }
static const char *priority_name(int v) { return pd_priority_name((pd_priority_e)v); }

static const char *const event_kinds[] = { "comment", "note", "status", "assignment", NULL };
static int event_kind_parse(const char *s)
{
    int i;
    for (i = 0; event_kinds[i]; i++) {
        if (strcmp(s, event_kinds[i]) == 0) {
            return i;
        }
    }
    return -1;
}
static const char *const roles[] = { "tech", "expert", NULL };
static int role_parse(const char *s)
{
    return strcmp(s, "tech") == 0 ? 0 : strcmp(s, "expert") == 0 ? 1 : -1;
}

/* One timeline event: its kind decides its members. */
static void check_event(row_ctx_t *c, const json_t *e, apr_size_t k)
{
    static const char *const members[4][6] = {
        { "kind", "at", "author", "body", NULL },
        { "kind", "at", "author", "body", NULL },
        { "kind", "at", "author", "status", NULL },
        { "kind", "at", "author", "role", "to", NULL },
    };
    json_t *out = json_object();
    json_t *row = c->out;
    int kind = -1, v;

    c->path = apr_psprintf(c->imp->pool, "events[%" APR_SIZE_T_FMT "].", k);
    c->out = out;
    json_object_set_new(out, "k", json_integer((json_int_t)k + 1));
    if (!json_is_object(e)) {
        refuse(c, NULL, "an event must be an object");
        goto done;
    }
    if (pd_v_enum(e, "kind", PD_V_REQUIRED, event_kind_parse, &kind, &c->err) != APR_SUCCESS) {
        failed(c);
        goto done;
    }
    if (pd_v_known_fields(e, members[kind], &c->err) != APR_SUCCESS) {
        failed(c);
    }
    put(out, "kind", event_kinds[kind]);
    put(out, "at", when(c, e, "at", PD_V_REQUIRED));
    put(out, "author", username(c, e, "author", 0));
    switch (kind) {
    case 0:
    case 1:
        put(out, "body", text(c, e, "body", PD_V_REQUIRED | PD_V_MULTILINE, 1, PD_TIMELINE_TEXT_MAX));
        break;
    case 2:
        if (pd_v_enum(e, "status", PD_V_REQUIRED, pd_status_parse, &v, &c->err) != APR_SUCCESS) {
            failed(c);
            break;
        }
        put(out, "target", pd_status_name((pd_status_e)v));
        break;
    default:
        if (pd_v_enum(e, "role", PD_V_REQUIRED, role_parse, &v, &c->err) != APR_SUCCESS) {
            failed(c);
        }
        else {
            put(out, "role", roles[v]);
        }
        if (!json_object_get(e, "to")) {
            refuse(c, "to", "to is required (a username, or null for taken off)");
        }
        put(out, "target", username(c, e, "to", 0));
        break;
    }
done:
    json_array_append_new(json_object_get(row, "events"), out);
    c->out = row;
    c->path = "";
}

static void check_ticket(pd_import_t *imp, const json_t *t, apr_size_t index)
{
    static const char *const members[] = {
        "source_id", "number", "created_at", "updated_at", "solved_at", "closed_at", "pharmacy",
        "module", "module_id", "category", "category_id", "priority", "status", "title",
        "description", "pic_name", "contact", "app_version", "created_by", "customer", "expert",
        "tech", "events", NULL
    };
    row_ctx_t c = { .imp = imp, .index = index, .path = "" };
    const json_t *sid = json_object_get(t, "source_id"), *events;
    const char *number, *prefix;
    int year, i;
    apr_int64_t seq;

    pd_error_init(&c.err, imp->pool);
    c.out = json_object();
    json_object_set_new(c.out, "i", json_integer((json_int_t)index));
    json_object_set_new(c.out, "events", json_array());
    if (!json_is_object(t)) {
        refuse(&c, NULL, "a ticket must be an object");
        json_decref(c.out);
        return;
    }
    /* the other system's id: its text, or its number as text */
    if (json_is_integer(sid) && json_integer_value(sid) >= 0) {
        c.source_id = apr_psprintf(imp->pool, "%" APR_INT64_T_FMT,
                                   (apr_int64_t)json_integer_value(sid));
    }
    else {
        c.source_id = text(&c, t, "source_id", PD_V_REQUIRED, 1, 200);
    }
    put(c.out, "source_id", c.source_id);
    if (pd_v_known_fields(t, members, &c.err) != APR_SUCCESS) {
        failed(&c);
    }
    number = text(&c, t, "number", PD_V_NULLABLE, 1, 64);
    for (i = 0; number && number[i]; i++) {
        if (!apr_isgraph(number[i]) || (unsigned char)number[i] > 0x7e) {
            refuse(&c, "number", "number must be printable ASCII without spaces");
            number = NULL;
        }
    }
    put(c.out, "number", number);
    /* a number of this installation's own form moves its year's sequence */
    if (number && pd_ticketno_parse(number, imp->pool, &prefix, &year, &seq) == APR_SUCCESS
        && strcmp(prefix, imp->prefix) == 0) {
        json_object_set_new(c.out, "own_year", json_integer(year));
        json_object_set_new(c.out, "own_seq", json_integer((json_int_t)seq));
    }
    put(c.out, "created_at", when(&c, t, "created_at", PD_V_REQUIRED));
    put(c.out, "updated_at", when(&c, t, "updated_at", PD_V_NULLABLE));
    put(c.out, "solved_at", when(&c, t, "solved_at", PD_V_NULLABLE));
    put(c.out, "closed_at", when(&c, t, "closed_at", PD_V_NULLABLE));
    put(c.out, "pharmacy", text(&c, t, "pharmacy", PD_V_REQUIRED, 1, 32));
    if (json_is_string(json_object_get(t, "pharmacy"))
        && !pd_is_code(json_string_value(json_object_get(t, "pharmacy")))) {
        refuse(&c, "pharmacy", "pharmacy must be a pharmacy code (A-Z, 0-9, _ and -)");
    }
    lookup(&c, t, "module");
    lookup(&c, t, "category");
    enum_member(&c, t, "priority", pd_priority_parse, priority_name, PD_PRIO_MEDIUM, "priority");
    enum_member(&c, t, "status", pd_status_parse, status_name, PD_ST_OPEN, "status");
    for (i = 0; i < PD_TT__COUNT; i++) {
        const char *v = NULL;
        apr_status_t rv = pd_v_ticket_text(t, &pd_ticket_texts[i], 1, imp->pool, &v, &c.err);
        if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
            failed(&c);
        }
        put(c.out, pd_ticket_texts[i].name, v);
    }
    put(c.out, "created_by", username(&c, t, "created_by", 0));
    put(c.out, "customer", username(&c, t, "customer", 0));
    put(c.out, "expert", username(&c, t, "expert", 0));
    put(c.out, "tech", username(&c, t, "tech", 0));
    events = json_object_get(t, "events");
    if (events && !json_is_null(events)) {
        if (!json_is_array(events)) {
            refuse(&c, "events", "events must be an array");
        }
        else {
            apr_size_t k;
            for (k = 0; k < json_array_size(events); k++) {
                check_event(&c, json_array_get(events, k), k);
            }
        }
    }
    if (c.bad) {
        json_decref(c.out);
        return;
    }
    json_array_append_new(imp->rows, c.out);
}

/* The envelope: its members, and the array of rows (name, one of them
 * called one) within the limits of a batch; each row then checked. */
static apr_status_t check_batch(const json_t *body, pd_import_t *imp, pd_error_t *err,
                                const char *name, const char *one,
                                void (*check_row)(pd_import_t *, const json_t *, apr_size_t))
{
    const char *members[] = { "format", "source", "dry_run", name, NULL };
    const json_t *rows = json_object_get(body, name);
    apr_size_t i, events = 0;
    apr_status_t rv;

    if ((rv = pd_v_known_fields(body, members, err)) != APR_SUCCESS) {
        return rv;
    }
    if (!json_is_array(rows) || json_array_size(rows) == 0) {
        return pd_error_setf(err, imp->pool, 422, "validation_failed", name,
                             "%s must be an array of at least one %s", name, one);
    }
    imp->count = json_array_size(rows);
    if (imp->count > PD_IMPORT_MAX_ROWS) {
        return pd_error_setf(err, imp->pool, 413, "payload_too_large", name,
                             "a batch holds at most %d %s", PD_IMPORT_MAX_ROWS, name);
    }
    for (i = 0; i < imp->count; i++) {
        const json_t *ev = json_object_get(json_array_get(rows, i), "events");
        apr_size_t n = json_is_array(ev) ? json_array_size(ev) : 0;
        if (n > PD_IMPORT_MAX_TICKET_EVENTS) {
            return pd_error_setf(err, imp->pool, 413, "payload_too_large",
                                 apr_psprintf(imp->pool, "%s[%" APR_SIZE_T_FMT "].events", name, i),
                                 "a %s holds at most %d events", one, PD_IMPORT_MAX_TICKET_EVENTS);
        }
        events += n;
    }
    if (events > PD_IMPORT_MAX_EVENTS) {
        return pd_error_setf(err, imp->pool, 413, "payload_too_large", name,
                             "a batch holds at most %d events", PD_IMPORT_MAX_EVENTS);
    }
    for (i = 0; i < imp->count; i++) {
        check_row(imp, json_array_get(rows, i), i);
    }
    return APR_SUCCESS;
}

static apr_status_t check_tickets(const json_t *body, pd_import_t *imp, pd_error_t *err)
{
    return check_batch(body, imp, err, "tickets", "ticket", check_ticket);
}

#include "pd_import_guestbook.inc"

static apr_status_t check_guestbook(const json_t *body, pd_import_t *imp, pd_error_t *err)
{
    return check_batch(body, imp, err, "cases", "case", check_case);
}
