/* The ticket list's parameters, read and checked: the statuses, the
 * queues, the filters, the service level lists, the search text, the sort
 * from its allowlist and the cursor, into the statement's parameters in
 * the catalogue's order (mod_pd_ticket_list.h). */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd_ticket_list.h"
#include "pd_validate.h"
#include "pd_cursor.h"
#include "pd_ticket.h"

/* waiting and due_at last (PD_TICKET_SORT_WAITING, PD_TICKET_SORT_DUE_AT) */
const pd_ticket_sort_t pd_ticket_sorts[] = {
    { "relevance", PD_SQL__COUNT, PD_SQL__COUNT,
      PD_SQL_TICKETS_SEARCH_RELEVANCE_DESC, PD_SQL_TICKETS_SEARCH_RELEVANCE_ASC, PD_SORT_KEY_RANK },
    { "created_at", PD_SQL_TICKETS_LIST_CREATED_DESC, PD_SQL_TICKETS_LIST_CREATED_ASC,
      PD_SQL_TICKETS_SEARCH_CREATED_DESC, PD_SQL_TICKETS_SEARCH_CREATED_ASC, PD_SORT_KEY_TIMESTAMP },
    { "updated_at", PD_SQL_TICKETS_LIST_UPDATED_DESC, PD_SQL_TICKETS_LIST_UPDATED_ASC,
      PD_SQL_TICKETS_SEARCH_UPDATED_DESC, PD_SQL_TICKETS_SEARCH_UPDATED_ASC, PD_SORT_KEY_TIMESTAMP },
    { "priority", PD_SQL_TICKETS_LIST_PRIORITY_DESC, PD_SQL_TICKETS_LIST_PRIORITY_ASC,
      PD_SQL_TICKETS_SEARCH_PRIORITY_DESC, PD_SQL_TICKETS_SEARCH_PRIORITY_ASC, PD_SORT_KEY_INT },
    { "id", PD_SQL_TICKETS_LIST_ID_DESC, PD_SQL_TICKETS_LIST_ID_ASC,
      PD_SQL_TICKETS_SEARCH_ID_DESC, PD_SQL_TICKETS_SEARCH_ID_ASC, PD_SORT_KEY_INT },
    /* what needs action first (a staff queue's default), and a customer's
     * tickets waiting for them first: not with q (migration 0050) */
    { "action", PD_SQL_TICKETS_LIST_ACTION_DESC, PD_SQL_TICKETS_LIST_ACTION_ASC,
      PD_SQL__COUNT, PD_SQL__COUNT, PD_SORT_KEY_INT_TIME },
    { "waiting", PD_SQL_TICKETS_LIST_WAITING_DESC, PD_SQL_TICKETS_LIST_WAITING_ASC,
      PD_SQL__COUNT, PD_SQL__COUNT, PD_SORT_KEY_INT_TIME },
    /* only with sla (a service level list), and not with q */
    { "due_at", PD_SQL_TICKETS_LIST_SLA_DESC, PD_SQL_TICKETS_LIST_SLA_ASC,
      PD_SQL__COUNT, PD_SQL__COUNT, PD_SORT_KEY_TIMESTAMP },
};
_Static_assert(sizeof(pd_ticket_sorts) / sizeof(pd_ticket_sorts[0]) == PD_TICKET_SORT_COUNT,
               "PD_TICKET_SORT_COUNT counts the sorts");

/* status=open or status=open,in_review: one value goes to the scalar
 * parameter (an index equality), several to the list parameter (a
 * comma-separated list, TICKET_FILTERS). */
static apr_status_t parse_statuses(pd_req_t *req, const char **single, const char **several)
{
    const char *raw = apr_table_get(req->query, "status");
    char *copy, *tok, *state = NULL;
    unsigned seen = 0;
    int count = 0;
    const char *list = NULL;

    *single = *several = NULL;
    if (!raw) {
        return APR_SUCCESS;
    }
    copy = apr_pstrdup(req->r->pool, raw);
    for (tok = apr_strtok(copy, ",", &state); tok; tok = apr_strtok(NULL, ",", &state)) {
        int st = pd_status_parse(tok);
        if (st < 0) {
            return pd_error_set(&req->err, 400, "invalid_parameter", "status",
                                "status must be one or more of open, in_review, in_progress, "
                                "waiting_customer, solved, closed, cancelled");
        }
        if (seen & (1u << st)) {
            continue;
        }
        seen |= 1u << st;
        count++;
        /* the names come from our own table, so the list is safe */
        list = list ? apr_pstrcat(req->r->pool, list, ",", pd_status_name(st), NULL)
                    : pd_status_name(st);
    }
    if (count == 0) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "status", "status is empty");
    }
    if (count == 1) {
        *single = list;
    }
    else {
        *several = list;
    }
    return APR_SUCCESS;
}

static apr_status_t parse_enum_param(pd_req_t *req, const char *key,
                                     int (*parse)(const char *), const char **out)
{
    const char *v = apr_table_get(req->query, key);
    *out = NULL;
    if (!v) {
        return APR_SUCCESS;
    }
    if (parse(v) < 0) {
        return pd_error_setf(&req->err, NULL, 400, "invalid_parameter", key,
                             "%s has a value that is not allowed", key);
    }
    *out = v;
    return APR_SUCCESS;
}


#define SEARCH_MAX_BYTES 200

/* The work queues are lists with filters the server sets:
 *   mine        what the caller works on: a tech's assigned tickets, the
 *               tickets a team expert (or an admin or manager) owns; for a
 *               customer, their pharmacy's tickets, which is their list
 *               anyway;
 *   review      the team experts' queue: open and in_review;
 *   unassigned  active tickets no tech has yet;
 *   escalated   the tickets not yet solved that are escalated: the team
 *               experts' and managers' queue (a customer's, within their
 *               pharmacy, shows what their tickets show anyway).
 * A queue and an explicit filter on the same column would contradict each
 * other: 400. */
static apr_status_t apply_queue(pd_req_t *req, const char **statuses, const char **expert,
                                const char **tech, int *escalated)
{
    const char *queue = apr_table_get(req->query, "queue");
    const char *me = pd_db_int(&req->db, req->who.user_id);
    const char *conflict = NULL;

    if (!queue) {
        return APR_SUCCESS;
    }
    if (strcmp(queue, "mine") == 0) {
        pd_mine_e mine = pd_authz_mine(&req->who);
        if (mine == PD_MINE_AS_TECH) {
            conflict = *tech ? "tech_id" : NULL;
            *tech = me;
        }
        else if (mine == PD_MINE_AS_EXPERT) {
            conflict = *expert ? "expert_id" : NULL;
            *expert = me;
        }
    }
    else if (strcmp(queue, "escalated") == 0) {
        conflict = apr_table_get(req->query, "status") ? "status" : NULL;
        *statuses = "open,in_review,in_progress,waiting_customer";
        *escalated = 1;
    }
    else if (strcmp(queue, "review") == 0 || strcmp(queue, "unassigned") == 0) {
        int review = queue[0] == 'r';
        conflict = apr_table_get(req->query, "status") ? "status"
                   : !review && *tech ? "tech_id" : NULL;
        *statuses = review ? "open,in_review" : "open,in_review,waiting_customer";
        if (!review) {
            *tech = "0";           /* no tech: see TICKET_FILTERS */
        }
    }
    else {
        return pd_error_set(&req->err, 400, "invalid_parameter", "queue",
                            "queue must be mine, review, unassigned or escalated");
    }
    if (conflict) {
        return pd_error_setf(&req->err, NULL, 400, "invalid_parameter", conflict,
                             "queue=%s already sets %s", queue, conflict);
    }
    return APR_SUCCESS;
}

apr_status_t pd_ticket_created_params(pd_req_t *req, const char **from, const char **to)
{
    apr_status_t rv;

    *from = *to = NULL;
    if (((rv = pd_q_time(req->query, "created_from", from, &req->err)) != APR_SUCCESS
         && rv != APR_NOTFOUND)
        || ((rv = pd_q_time(req->query, "created_to", to, &req->err)) != APR_SUCCESS
            && rv != APR_NOTFOUND)) {
        return rv;
    }
    return APR_SUCCESS;
}

/* sla=breached, at_risk or met: a list of the tickets not solved yet that
 * are overdue or at risk, or of those that met their targets, by due
 * time. Not with a search. */
/* Whether the statuses a queue lists, the filter's or the queue's own,
 * are unsolved ones alone: work still to do, which a queue orders by what
 * needs action first. Finished tickets, and every status (a queue of
 * one's own tickets asked for all of them), are looked up, newest first:
 * an order of urgency among closed tickets means nothing, and it sorted
 * all of a person's tickets for every page (1.6 s for a tech's 810,468). */
static int work_to_do(const char *statuses, apr_pool_t *p)
{
    char *list, *item, *last;
    int st;

    if (!statuses || !*statuses) {
        return 0;
    }
    list = apr_pstrdup(p, statuses);
    for (item = apr_strtok(list, ",", &last); item; item = apr_strtok(NULL, ",", &last)) {
        st = pd_status_parse(item);
        if (st < 0 || st >= PD_ST_SOLVED) {
            return 0;
        }
    }
    return 1;
}

static apr_status_t read_sla(pd_req_t *req, list_query_t *lq)
{
    static const char *const kinds[] = { "breached", "at_risk", "met", NULL };
    int i;

    lq->sla = apr_table_get(req->query, "sla");
    if (!lq->sla) {
        return APR_SUCCESS;
    }
    for (i = 0; kinds[i] && strcmp(kinds[i], lq->sla) != 0; i++) {
    }
    if (!kinds[i]) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "sla",
                            "sla must be breached, at_risk or met");
    }
    if (lq->q) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "sla",
                            "a service level list cannot be searched (q)");
    }
    return APR_SUCCESS;
}

/* event, event_from and event_to: the tickets behind a report's number
 * (migration 0040), those with that fact on those days of the dashboard's
 * zone. */
static apr_status_t read_event(pd_req_t *req, const char **event, const char **from,
                               const char **to)
{
    static const char *const events[] = {
        "created", "solved", "closed", "cancelled", "reopened", "backlog", "responded", "resolved",
        "first_response_met", "first_response_breached", "resolution_met", "resolution_breached",
        "rated", "rated_1", "rated_2", "rated_3", "rated_4", "rated_5", NULL
    };
    const char *const keys[] = { "event_from", "event_to" };
    const char **days[] = { from, to };
    apr_status_t rv;
    int i;

    *from = *to = NULL;
    if ((rv = pd_choice_param(req, "event", events, event)) != APR_SUCCESS) {
        return rv;
    }
    for (i = 0; i < 2; i++) {
        const char *s = apr_table_get(req->query, keys[i]), *end = s ? pd_scan_date(s) : NULL;
        if (!*event != !s || (s && (!end || *end))) {
            return pd_error_setf(&req->err, NULL, 400, "invalid_parameter", s ? keys[i] : "event",
                                 "event, event_from and event_to go together, the days YYYY-MM-DD");
        }
        *days[i] = s;
    }
    if (*event && strcmp(*from, *to) > 0) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "event_to",
                            "event_to comes before event_from");
    }
    return APR_SUCCESS;
}

/* case_type=visitor or surat: the front desk's cases of that type; any:
 * every case, whatever its type (a helpdesk's tickets have none). As the
 * list the statement compares with, so that one index serves both. */
static apr_status_t case_type_param(pd_req_t *req, const char **out)
{
    static const char *const types[][2] = {
        { "visitor", "visitor" }, { "surat", "surat" }, { "any", "visitor,surat" },
    };
    const char *v = apr_table_get(req->query, "case_type");
    apr_size_t i;

    *out = NULL;
    if (!v) {
        return APR_SUCCESS;
    }
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(types[i][0], v) == 0) {
            *out = types[i][1];
            return APR_SUCCESS;
        }
    }
    return pd_error_set(&req->err, 400, "invalid_parameter", "case_type",
                        "case_type must be visitor, surat or any");
}

apr_status_t pd_ticket_list_query_read(pd_req_t *req, list_query_t *lq)
{
    const char *status, *statuses, *priority, *source, *from, *to;
    const char *category, *modul, *pharmacy, *expert, *tech, *event, *event_from, *event_to;
    const char *sort_name, *order, *cursor_text, *unit, *subtree, *scope, *case_types;
    const char **f = lq->filters;
    apr_status_t rv;
    int i, n = 0, escalated = 0;

    if ((rv = parse_statuses(req, &status, &statuses)) != APR_SUCCESS
        || (rv = parse_enum_param(req, "priority", pd_priority_parse, &priority)) != APR_SUCCESS
        || (rv = parse_enum_param(req, "source", pd_source_parse, &source)) != APR_SUCCESS
        || (rv = pd_id_param(req, "category_id", &category)) != APR_SUCCESS
        || (rv = pd_id_param(req, "module_id", &modul)) != APR_SUCCESS
        || (rv = pd_id_param(req, "pharmacy_id", &pharmacy)) != APR_SUCCESS
        || (rv = pd_id_param(req, "org_unit_id", &unit)) != APR_SUCCESS
        || (rv = pd_id_param(req, "org_unit_subtree", &subtree)) != APR_SUCCESS
        || (rv = case_type_param(req, &case_types)) != APR_SUCCESS
        || (rv = pd_id_param(req, "expert_id", &expert)) != APR_SUCCESS
        || (rv = pd_id_param(req, "tech_id", &tech)) != APR_SUCCESS
        || (rv = pd_ticket_created_params(req, &from, &to)) != APR_SUCCESS
        || (rv = pd_list_limit(req, &lq->limit)) != APR_SUCCESS
        || (rv = apply_queue(req, &statuses, &expert, &tech, &escalated)) != APR_SUCCESS
        || (rv = read_event(req, &event, &event_from, &event_to)) != APR_SUCCESS) {
        return rv;
    }
    /* the text only: whether it holds a word is the database's to say */
    lq->q = apr_table_get(req->query, "q");
    if (lq->q && (!*lq->q || !pd_utf8_valid(lq->q, SEARCH_MAX_BYTES))) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "q",
                            "q must be 1 to 200 bytes of text without control characters");
    }
    if ((rv = read_sla(req, lq)) != APR_SUCCESS) {
        return rv;
    }
    /* count=true: a bounded count of the whole list with the page */
    if ((rv = pd_q_bool(req->query, "count", &lq->count, &req->err)) != APR_SUCCESS
        && rv != APR_NOTFOUND) {
        return rv;
    }
    /* a staff work queue shows what needs action first, other lists (and
     * a queue asked for its finished tickets, or for every status) the
     * newest */
    sort_name = apr_table_get(req->query, "sort");
    sort_name = sort_name ? sort_name : lq->sla ? "due_at" : lq->q ? "relevance"
                : apr_table_get(req->query, "queue") && pd_authz_sees_internal(&req->who)
                  && work_to_do(status ? status : statuses, req->r->pool) ? "action"
                : "created_at";
    for (lq->sort = 0; lq->sort < PD_TICKET_SORT_COUNT; lq->sort++) {
        if (strcmp(pd_ticket_sorts[lq->sort].name, sort_name) == 0) {
            break;
        }
    }
    if (lq->sort == PD_TICKET_SORT_COUNT) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "sort",
                            "sort must be one of relevance, created_at, updated_at, priority, id, "
                            "action, waiting, due_at");
    }
    if (lq->q && pd_ticket_sorts[lq->sort].search_desc == PD_SQL__COUNT) {
        return pd_error_setf(&req->err, NULL, 400, "invalid_parameter", "sort",
                             "sort=%s cannot be used with a search (q)", sort_name);
    }
    if ((lq->sort == PD_TICKET_SORT_DUE_AT) != (lq->sla != NULL)) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "sort",
                            "a service level list (sla) sorts by due_at, and only it does");
    }
    if (!lq->q && pd_ticket_sorts[lq->sort].key == PD_SORT_KEY_RANK) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "sort",
                            "sort=relevance needs a search text (q)");
    }
    order = apr_table_get(req->query, "order");
    if (order && strcmp(order, "asc") != 0 && strcmp(order, "desc") != 0) {
        return pd_error_set(&req->err, 400, "invalid_parameter", "order",
                            "order must be asc or desc");
    }
    /* newest first; a service level list and sort=action the most urgent first */
    lq->desc = order ? strcmp(order, "desc") == 0
                     : !lq->sla && strcmp(pd_ticket_sorts[lq->sort].name, "action") != 0;

    lq->key = lq->after_id = lq->key_time = NULL;
    cursor_text = apr_table_get(req->query, "cursor");
    if (cursor_text) {
        pd_sort_key_e kind = pd_ticket_sorts[lq->sort].key;
        pd_cursor_t c;
        apr_int64_t k;
        if (pd_cursor_decode(&c, req->r->pool, cursor_text) != APR_SUCCESS
            || strcmp(c.sort, sort_name) != 0 || c.desc != lq->desc
            || !(kind == PD_SORT_KEY_TIMESTAMP ? pd_cursor_key_timestamp(c.key)
                 : kind == PD_SORT_KEY_RANK ? pd_cursor_key_rank(c.key)
                 : kind == PD_SORT_KEY_INT_TIME ? pd_cursor_key_int_time(c.key, req->r->pool, &k,
                                                                 &lq->key_time)
                 : pd_cursor_key_int(c.key, &k))) {
            return pd_error_set(&req->err, 400, "invalid_parameter", "cursor",
                                "cursor is not valid for this sort and order");
        }
        lq->key = kind == PD_SORT_KEY_INT || kind == PD_SORT_KEY_INT_TIME ? pd_db_int(&req->db, k) : c.key;
        lq->after_id = pd_db_int(&req->db, c.id);
    }

    scope = pd_db_int(&req->db, pd_authz_pharmacy_scope(&req->who));
    for (i = 0; i < 4; i++) {
        f[n++] = scope;
    }
    f[n++] = unit;     f[n++] = unit;
    f[n++] = subtree;  f[n++] = subtree;   /* SUBTREE_ARG */
    f[n++] = status;   f[n++] = status;
    f[n++] = statuses; f[n++] = statuses;
    f[n++] = priority; f[n++] = priority;
    f[n++] = category; f[n++] = category;
    f[n++] = modul;    f[n++] = modul;
    f[n++] = pharmacy; f[n++] = pharmacy;
    f[n++] = expert;   f[n++] = expert;
    f[n++] = tech;     f[n++] = tech;     f[n++] = tech;
    f[n++] = source;   f[n++] = source;
    f[n++] = from;     f[n++] = from;     f[n++] = req->conf->time_zone;
    f[n++] = to;       f[n++] = to;       f[n++] = req->conf->time_zone;
    f[n++] = pd_db_bool(escalated);
    f[n++] = event;    f[n++] = event;    f[n++] = event_from; f[n++] = event_to;
    f[n++] = case_types; f[n++] = case_types;
    /* an operator's unit scope filters the tickets too */
    lq->narrowed = status || statuses || priority || category || modul || pharmacy || expert
                   || tech || source || from || to || escalated || event || unit || subtree
                   || case_types
                   || pd_authz_unit_scope(&req->who) != 0;
    lq->rows = apr_itoa(req->r->pool, lq->limit + 1);
    /* an operator's list is their unit's subtree at most: walked as one */
    lq->subtree = subtree ? subtree
                : pd_authz_unit_scope(&req->who) ? pd_db_int(&req->db, pd_authz_unit_scope(&req->who))
                : NULL;
    return APR_SUCCESS;
}
