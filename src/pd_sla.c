#include <string.h>
#include <apr_strings.h>
#include <apr_hash.h>
#include <apr_lib.h>
#include "pd_sla.h"
#include "pd_types.h"
#include "pd_validate.h"

#define US_PER_MINUTE APR_INT64_C(60000000)

/* A target's columns, in the same order for both (pd_ticket.h). */
enum { COL_TARGET = 0, COL_DUE_AT, COL_MET_AT, COL_LEFT, COL_AT_RISK };

static const char *const state_names[] = {
    [PD_SLA_RUNNING] = "running", [PD_SLA_PAUSED] = "paused", [PD_SLA_MET] = "met",
    [PD_SLA_BREACHED] = "breached", [PD_SLA_STOPPED] = "stopped", [PD_SLA_NONE] = NULL,
};

const char *pd_sla_state_name(pd_sla_state_e state)
{
    return state >= 0 && state <= PD_SLA_NONE ? state_names[state] : NULL;
}

const char *pd_sla_target_name(pd_sla_target_e target)
{
    return target == PD_SLA_FIRST_RESPONSE ? "first_response"
           : target == PD_SLA_RESOLUTION ? "resolution" : NULL;
}

apr_int64_t pd_sla_minutes(apr_int64_t us)
{
    apr_int64_t m = us / US_PER_MINUTE;
    return (us % US_PER_MINUTE != 0 && us < 0) ? m - 1 : m;
}

void pd_sla_target_read(pd_sla_target_t *t, const char *const *c, pd_sla_target_e which)
{
    const char *const *col = c + (which == PD_SLA_FIRST_RESPONSE ? PD_TC_FR_TARGET
                                                                 : PD_TC_RES_TARGET);
    int runs = c[PD_TC_SLA_STOPPED_AT] == NULL;

    memset(t, 0, sizeof(*t));
    if (!col[COL_TARGET] || !col[COL_LEFT]) {
        t->state = PD_SLA_NONE;
        return;
    }
    t->minutes = atoi(col[COL_TARGET]);
    t->left_us = apr_atoi64(col[COL_LEFT]);
    t->met_at = col[COL_MET_AT];
    if (t->met_at) {
        t->state = t->left_us >= 0 ? PD_SLA_MET : PD_SLA_BREACHED;
    }
    else if (t->left_us < 0) {
        t->state = PD_SLA_BREACHED;
    }
    else if (runs) {
        t->state = PD_SLA_RUNNING;
        t->at_risk = col[COL_AT_RISK] && col[COL_AT_RISK][0] == 't';
    }
    else {
        /* standing still: waiting for the customer, or the ticket ended */
        t->state = c[PD_TC_STATUS] && strcmp(c[PD_TC_STATUS], "waiting_customer") == 0
                   ? PD_SLA_PAUSED : PD_SLA_STOPPED;
    }
    /* a due time is known while the clock runs, and once met or overdue;
     * one that stands still would move when it runs again */
    if (t->state != PD_SLA_PAUSED && t->state != PD_SLA_STOPPED) {
        t->due_at = col[COL_DUE_AT];
    }
}

static int waiting(const char *const *c)
{
    return c[PD_TC_STATUS] && strcmp(c[PD_TC_STATUS], "waiting_customer") == 0
           && c[PD_TC_SLA_STOPPED_AT];
}

static void number(pd_jw_t *w, const char *key, apr_int64_t v)
{
    char buf[32];

    apr_snprintf(buf, sizeof(buf), "%" APR_INT64_T_FMT, v);
    pd_jw_key(w, key);
    pd_jw_number(w, buf);
}

static void render_target(pd_jw_t *w, const pd_sla_target_t *t, const char *key)
{
    pd_jw_key(w, key);
    if (t->state == PD_SLA_NONE) {
        pd_jw_string(w, NULL);
        return;
    }
    pd_jw_begin(w, '{');
    number(w, "target_minutes", t->minutes);
    pd_jw_key(w, "state");
    pd_jw_string(w, pd_sla_state_name(t->state));
    pd_jw_key(w, "due_at");
    pd_jw_timestamp(w, t->due_at);
    pd_jw_key(w, "met_at");
    pd_jw_timestamp(w, t->met_at);
    number(w, "remaining_minutes", pd_sla_minutes(t->left_us));
    pd_jw_key(w, "at_risk");
    pd_jw_bool(w, t->at_risk);
    pd_jw_end(w, '}');
}

void pd_sla_render(pd_jw_t *w, const char *const *c)
{
    pd_sla_target_t t[PD_SLA__TARGETS];
    int i;

    for (i = 0; i < PD_SLA__TARGETS; i++) {
        pd_sla_target_read(&t[i], c, (pd_sla_target_e)i);
    }
    pd_jw_key(w, "first_response_due_at");
    pd_jw_timestamp(w, t[PD_SLA_FIRST_RESPONSE].due_at);
    pd_jw_key(w, "resolution_due_at");
    pd_jw_timestamp(w, t[PD_SLA_RESOLUTION].due_at);
    pd_jw_key(w, "sla");
    if (!c[PD_TC_SLA_POLICY_ID]) {
        pd_jw_string(w, NULL);
        return;
    }
    pd_jw_begin(w, '{');
    pd_jw_key(w, "policy_id");
    pd_jw_number(w, c[PD_TC_SLA_POLICY_ID]);
    number(w, "paused_minutes",
           pd_sla_minutes(c[PD_TC_SLA_PAUSED] ? apr_atoi64(c[PD_TC_SLA_PAUSED]) : 0));
    pd_jw_key(w, "paused_since");
    pd_jw_timestamp(w, waiting(c) ? c[PD_TC_SLA_STOPPED_AT] : NULL);
    for (i = 0; i < PD_SLA__TARGETS; i++) {
        render_target(w, &t[i], pd_sla_target_name((pd_sla_target_e)i));
    }
    pd_jw_end(w, '}');
}

const char *pd_sla_countdown(apr_pool_t *p, const char *const *c)
{
    const char *part[PD_SLA__TARGETS + 1] = { "", "", "" };
    int i, live = 0;

    for (i = 0; i < PD_SLA__TARGETS; i++) {
        pd_sla_target_t t;
        pd_sla_target_read(&t, c, (pd_sla_target_e)i);
        if (!t.met_at && t.state != PD_SLA_NONE && !c[PD_TC_SLA_STOPPED_AT]) {
            part[i] = apr_psprintf(p, "%" APR_INT64_T_FMT, pd_sla_minutes(t.left_us));
            live = 1;
        }
    }
    if (waiting(c) && c[PD_TC_SLA_PAUSED]) {
        part[PD_SLA__TARGETS] = apr_psprintf(p, "%" APR_INT64_T_FMT,
                                             pd_sla_minutes(apr_atoi64(c[PD_TC_SLA_PAUSED])));
        live = 1;
    }
    return live ? apr_pstrcat(p, "-s", part[0], ".", part[1], ".", part[2], NULL) : "";
}

/* Where a ticket tag's countdown starts: s at "t<id>-v<n>-r<n>", the
 * position of its "-s", or NULL when s is not such a tag with one. */
static const char *countdown_at(const char *s)
{
    static const char parts[] = "tvr";
    int i;

    for (i = 0; i < 3; i++) {
        if (*s != parts[i] || !apr_isdigit(s[1])) {
            return NULL;
        }
        for (s++; apr_isdigit(*s); s++) {
        }
        if (i < 2 && *s++ != '-') {
            return NULL;
        }
    }
    return s[0] == '-' && s[1] == 's' ? s : NULL;
}

const char *pd_sla_tags_base(apr_pool_t *p, const char *field)
{
    char *out, *o;
    const char *s;

    if (!field) {
        return NULL;
    }
    out = o = apr_palloc(p, strlen(field) + 1);
    for (s = field; *s;) {
        const char *cut;
        *o++ = *s;
        if (*s++ != '"' || !(cut = countdown_at(s))) {
            continue;
        }
        /* the tag up to its countdown, then on from its closing quote */
        memcpy(o, s, (apr_size_t)(cut - s));
        o += cut - s;
        s = strchr(cut, '"');
        if (!s) {
            return field;          /* unterminated: not a tag list, left as it was */
        }
        *o++ = *s++;
    }
    *o = '\0';
    return out;
}

/* ---- what the admin API takes ------------------------------------------- */

int pd_sla_zone_name_ok(const char *zone)
{
    apr_size_t n = zone ? strlen(zone) : 0;
    const char *s;
    int start = 1;

    if (n < 1 || n > 64) {
        return 0;
    }
    for (s = zone; *s; s++) {
        if (*s == '/') {
            if (start) {
                return 0;          /* an empty part */
            }
            start = 1;
            continue;
        }
        if (start && !apr_isalpha(*s)) {
            return 0;
        }
        if (!apr_isalnum(*s) && *s != '_' && *s != '+' && *s != '-') {
            return 0;
        }
        start = 0;
    }
    return !start;
}

static const char *const day_keys[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

/* "HH:MM" as minutes of the day; "24:00" only when end. -1 otherwise. */
static int clock_time(const json_t *v, int end)
{
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;

    if (!s || strlen(s) != 5) {
        return -1;
    }
    if (end && strcmp(s, "24:00") == 0) {
        return 24 * 60;
    }
    if (pd_scan_time(s, 0) != s + 5) {
        return -1;
    }
    return ((s[0] - '0') * 10 + (s[1] - '0')) * 60 + (s[3] - '0') * 10 + (s[4] - '0');
}

static apr_status_t bad(pd_error_t *err, const char *field, const char *what, const char *detail)
{
    return pd_error_setf(err, NULL, 422, "validation_failed", field, "%s: %s", what, detail);
}

static apr_status_t dump(apr_pool_t *p, json_t *list, const char **out)
{
    apr_status_t rv = pd_json_dump(out, p, list);
    json_decref(list);
    return rv;
}

apr_status_t pd_sla_hours_read(const json_t *hours, apr_pool_t *p, const char **out,
                               pd_error_t *err)
{
    json_t *rows;
    const char *key;
    json_t *day;
    int d, total = 0;

    if (!json_is_object(hours)) {
        return bad(err, "hours", "hours", "an object of weekdays (mon to sun)");
    }
    json_object_foreach((json_t *)hours, key, day) {
        for (d = 0; d < 7 && strcmp(key, day_keys[d]) != 0; d++) {
        }
        if (d == 7) {
            return bad(err, "hours", key, "not a weekday (mon, tue, wed, thu, fri, sat, sun)");
        }
        if (!json_is_array(day) || json_array_size(day) > PD_SLA_MAX_INTERVALS) {
            return bad(err, "hours", key, "a list of at most 8 intervals {\"from\", \"to\"}");
        }
    }
    rows = json_array();
    for (d = 0; d < 7; d++) {
        json_t *list = json_object_get(hours, day_keys[d]);
        int last_end = -1;
        size_t i;
        for (i = 0; list && i < json_array_size(list); i++) {
            json_t *iv = json_array_get(list, i);
            int from, to;
            if (!json_is_object(iv) || json_object_size(iv) != 2) {
                json_decref(rows);
                return bad(err, "hours", day_keys[d], "each interval is {\"from\", \"to\"}");
            }
            from = clock_time(json_object_get(iv, "from"), 0);
            to = clock_time(json_object_get(iv, "to"), 1);
            if (from < 0 || to < 0 || from >= to) {
                json_decref(rows);
                return bad(err, "hours", day_keys[d],
                           "an interval runs from HH:MM to a later HH:MM (24:00 ends the day)");
            }
            if (from < last_end) {
                json_decref(rows);
                return bad(err, "hours", day_keys[d],
                           "intervals come in order of time and do not overlap");
            }
            last_end = to;
            json_array_append_new(rows, json_pack("{s:i,s:O,s:O}", "weekday", d + 1,
                                                  "from", json_object_get(iv, "from"),
                                                  "to", json_object_get(iv, "to")));
            total++;
        }
    }
    if (total == 0) {
        json_decref(rows);
        return bad(err, "hours", "hours", "the week needs at least one working interval");
    }
    return dump(p, rows, out);
}

apr_status_t pd_sla_holidays_read(const json_t *holidays, apr_pool_t *p, const char **out,
                                  pd_error_t *err)
{
    static const char *const members[] = { "date", "name", NULL };
    apr_hash_t *seen = apr_hash_make(p);
    json_t *rows;
    size_t i;

    if (!json_is_array(holidays) || json_array_size(holidays) > PD_SLA_MAX_HOLIDAYS) {
        return bad(err, "holidays", "holidays", "a list of at most 1000 {\"date\", \"name\"}");
    }
    rows = json_array();
    for (i = 0; i < json_array_size(holidays); i++) {
        json_t *h = json_array_get(holidays, i);
        const char *date = NULL, *name = NULL;
        pd_error_t inner;
        pd_error_init(&inner, p);
        if (!json_is_object(h) || pd_v_known_fields(h, members, &inner) != APR_SUCCESS
            || pd_v_string(h, "date", PD_V_REQUIRED, 10, 10, p, &date, &inner) != APR_SUCCESS
            || pd_scan_date(date) != date + 10
            || pd_v_string(h, "name", PD_V_REQUIRED, 1, 100, p, &name, &inner) != APR_SUCCESS) {
            json_decref(rows);
            return pd_error_setf(err, NULL, 422, "validation_failed", "holidays",
                                 "holidays: entry %lu needs a date YYYY-MM-DD and a name of "
                                 "1 to 100 characters", (unsigned long)i + 1);
        }
        if (apr_hash_get(seen, date, APR_HASH_KEY_STRING)) {
            json_decref(rows);
            return bad(err, "holidays", date, "listed twice");
        }
        apr_hash_set(seen, date, APR_HASH_KEY_STRING, date);
        json_array_append_new(rows, json_pack("{s:s,s:s}", "date", date, "name", name));
    }
    return dump(p, rows, out);
}

apr_status_t pd_sla_escalation_read(const json_t *escalation, apr_pool_t *p,
                                    pd_sla_escalation_t *out, pd_error_t *err)
{
    static const char *const members[] = { "at_risk", "breached", "managers_after_minutes", NULL };
    const char **levels[] = { &out->at_risk, &out->breached };
    pd_error_t inner;
    json_t *v;
    int i;

    pd_error_init(&inner, p);
    if (!json_is_object(escalation) || pd_v_known_fields(escalation, members, &inner) != APR_SUCCESS) {
        return bad(err, "escalation", "escalation",
                   "{\"at_risk\": true|false, \"breached\": true|false, "
                   "\"managers_after_minutes\": minutes or null}");
    }
    for (i = 0; i < 2; i++) {
        if (!(v = json_object_get(escalation, members[i]))) {
            continue;
        }
        if (!json_is_boolean(v)) {
            return pd_error_setf(err, NULL, 422, "validation_failed", "escalation",
                                 "escalation: %s must be true or false", members[i]);
        }
        *levels[i] = json_is_true(v) ? "true" : "false";
    }
    if ((v = json_object_get(escalation, "managers_after_minutes"))) {
        json_int_t n = json_is_integer(v) ? json_integer_value(v) : -1;
        if (!json_is_null(v) && (n < 0 || n > PD_SLA_MAX_TARGET)) {
            return pd_error_setf(err, NULL, 422, "validation_failed", "escalation",
                                 "escalation: managers_after_minutes must be 0 to %d business "
                                 "minutes, or null (never)", PD_SLA_MAX_TARGET);
        }
        out->managers_after = json_is_null(v) ? NULL
                              : apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)n);
        out->managers_given = 1;
    }
    return APR_SUCCESS;
}

apr_status_t pd_sla_targets_read(const json_t *targets, apr_pool_t *p, const char **first_response,
                                 const char **resolution, pd_error_t *err)
{
    static const char *const priorities[] = { "low", "medium", "high", "urgent", NULL };
    static const char *const members[] = { "first_response", "resolution", NULL };
    char *lists[2] = { "{", "{" };
    pd_error_t inner;
    int i, k;

    pd_error_init(&inner, p);
    if (!json_is_object(targets) || pd_v_known_fields(targets, priorities, &inner) != APR_SUCCESS) {
        return bad(err, "targets", "targets", "an object of low, medium, high and urgent");
    }
    for (i = 0; priorities[i]; i++) {
        json_t *t = json_object_get(targets, priorities[i]);
        if (!json_is_object(t) || pd_v_known_fields(t, members, &inner) != APR_SUCCESS) {
            return bad(err, "targets", priorities[i],
                       "{\"first_response\": minutes, \"resolution\": minutes}");
        }
        for (k = 0; k < 2; k++) {
            json_t *v = json_object_get(t, members[k]);
            json_int_t n = json_is_integer(v) ? json_integer_value(v) : 0;
            if (n < 1 || n > PD_SLA_MAX_TARGET) {
                return pd_error_setf(err, NULL, 422, "validation_failed", "targets",
                                     "targets: %s.%s must be 1 to %d business minutes",
                                     priorities[i], members[k], PD_SLA_MAX_TARGET);
            }
            lists[k] = apr_psprintf(p, "%s%s%" APR_INT64_T_FMT, lists[k], i ? "," : "",
                                    (apr_int64_t)n);
        }
    }
    *first_response = apr_pstrcat(p, lists[0], "}", NULL);
    *resolution = apr_pstrcat(p, lists[1], "}", NULL);
    return APR_SUCCESS;
}
