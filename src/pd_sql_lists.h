/* The ticket lists' statements beyond one sorted column: what needs
 * action first and a customer's waiting-first list (migration 0050), a
 * list's bounded count, and the saved views that name lists' filters. The
 * filters and the page they share are in pd_sql_fragments.h. */
#ifndef PD_SQL_LISTS_H
#define PD_SQL_LISTS_H

#include "pd_sql_fragments.h"

/* Lists sorted by a small integer, then the creation time, then the id, in
 * one direction (migration 0050): first is the integer's expression. The
 * cursor's key is "<integer>|<creation time>": after a list's 40
 * filters, 41-42 the integer (twice), 43 the time, 44 the id, 45 the
 * limit. */
#define COMPOSITE_LIST(first, cmp, dir) \
    "SELECT " TICKET_COLUMNS ", " first "::text || '|' || t.created_at::text FROM tickets t" \
    TICKET_FILTERS \
    " AND (%s::int IS NULL OR (" first ", t.created_at, t.id) " cmp \
    " (%s::int, %s::timestamptz, %s::bigint))" \
    " ORDER BY " first " " dir ", t.created_at " dir ", t.id " dir " LIMIT %s::int"

/* A customer's tickets waiting for them first, then the newest (desc), or
 * the reverse (asc). Waiting for them: for their answer (waiting_customer)
 * or for their confirmation of a solution (solved). Three walks, each by
 * creation time and stopped at a page: the tickets of each of those two
 * statuses (for a pharmacy, tickets_pharmacy_status_idx) and the others
 * (tickets_pharmacy_idx); then the page is taken from what they found,
 * three pages at most. Sorted by the expression "waiting or not", the
 * list read and sorted every ticket of its scope: 0.9 s a page for a
 * pharmacy of 433,829 tickets, against 0.5 ms. The cursor's key is
 * "<1 waiting, 0 not>|<creation time>". Each walk takes a list's 40
 * filters, the cursor's key (twice), time and id, and a row limit; the last
 * parameter is the page's row limit. A walk of the part that comes first in
 * the order takes the rows after the cursor when the cursor is in that
 * part, none otherwise; the walk of the second part every row when the
 * cursor is in the first. */
#define WAITING_WALK(w, status, key_cmp, join, cmp, dir) \
    "(SELECT t.*, " w " AS w FROM tickets t" TICKET_FILTERS " AND t.status " status \
    " AND (%s::int IS NULL OR %s::int " key_cmp " " w " " join \
    " (t.created_at, t.id) " cmp " (%s::timestamptz, %s::bigint))" \
    " ORDER BY t.created_at " dir ", t.id " dir " LIMIT %s::int)"
#define WAITING_ANSWER "= 'waiting_customer'"
#define WAITING_CONFIRM "= 'solved'"
#define WAITING_NOT "NOT IN ('waiting_customer', 'solved')"
#define WAITING_LIST(first, second, third, dir) \
    "SELECT " TICKET_COLUMNS ", t.w::text || '|' || t.created_at::text" \
    " FROM (" first " UNION ALL " second " UNION ALL " third ") t" \
    " ORDER BY t.w " dir ", t.created_at " dir ", t.id " dir " LIMIT %s::int"
#define SQL_TICKETS_LIST_WAITING_DESC \
    WAITING_LIST(WAITING_WALK("1", WAITING_ANSWER, "=", "AND", "<", "DESC"), \
                 WAITING_WALK("1", WAITING_CONFIRM, "=", "AND", "<", "DESC"), \
                 WAITING_WALK("0", WAITING_NOT, "<>", "OR", "<", "DESC"), "DESC")
#define SQL_TICKETS_LIST_WAITING_ASC \
    WAITING_LIST(WAITING_WALK("0", WAITING_NOT, "=", "AND", ">", "ASC"), \
                 WAITING_WALK("1", WAITING_ANSWER, "<>", "OR", ">", "ASC"), \
                 WAITING_WALK("1", WAITING_CONFIRM, "<>", "OR", ">", "ASC"), "ASC")

/* What needs action first: the most urgent, then the oldest; the cursor's
 * integer the negated rank. tickets_action_idx when the statuses are the
 * unsolved ones or some of them. */
#define SQL_TICKETS_LIST_ACTION_ASC COMPOSITE_LIST("(-t.priority_rank)", ">", "ASC")
#define SQL_TICKETS_LIST_ACTION_DESC COMPOSITE_LIST("(-t.priority_rank)", "<", "DESC")

/* A list's size up to a bound: the filters, 41 the bound (a cap and
 * one, to tell "more than" from "exactly"); never more rows than that
 * are read. */
#define SQL_TICKETS_COUNT \
    "SELECT count(*) FROM (SELECT 1 FROM tickets t" TICKET_FILTERS " LIMIT %s::int) c"

/* the same for a service level list: the filters, 41-43 sla, 44 the bound */
#define SQL_TICKETS_COUNT_SLA \
    "SELECT count(*) FROM (SELECT 1 FROM tickets t" TICKET_FILTERS SLA_FILTER \
    " LIMIT %s::int) c"

/* and for a search: 1 the tsquery, 2 staff, the filters (3-42), 43 the bound */
#define SQL_TICKETS_COUNT_SEARCH \
    "SELECT count(*) FROM (SELECT 1" SEARCH_FROM TICKET_FILTERS " LIMIT %s::int) c"

/* 1 user, 2 their role: their own views and those their role's users
 * share, by name; at most 200 */
#define SQL_SAVED_VIEWS_LIST \
    "SELECT v.id, v.name, v.filters, v.shared, v.owner_id, u.name, u.role_id" \
    " FROM saved_views v JOIN users u ON u.id = v.owner_id" \
    " WHERE v.owner_id = %s::bigint OR (v.shared AND u.role_id = %s::smallint AND u.active)" \
    " ORDER BY v.name, v.id LIMIT 200"

/* 1 id: the view and its owner's name and role, locked */
#define SQL_SAVED_VIEWS_GET \
    "SELECT v.id, v.name, v.filters, v.shared, v.owner_id, u.name, u.role_id" \
    " FROM saved_views v JOIN users u ON u.id = v.owner_id WHERE v.id = %s::bigint" \
    " FOR UPDATE OF v"

/* 1 owner, 2 name, 3 filters, 4 shared, 5 owner, 6 the cap: its id;
 * nothing when the owner has a view of that name or the cap of views */
#define SQL_SAVED_VIEWS_INSERT \
    "INSERT INTO saved_views (owner_id, name, filters, shared)" \
    " SELECT %s::bigint, %s::text, %s::text, %s::boolean" \
    " WHERE (SELECT count(*) FROM saved_views WHERE owner_id = %s::bigint) < %s::int" \
    " ON CONFLICT (owner_id, name) DO NOTHING RETURNING id"

/* 1 name, 2 filters, 3 shared, 4 id, 5 name: nothing when the owner
 * has another view of that name */
#define SQL_SAVED_VIEWS_UPDATE \
    "UPDATE saved_views v SET name = %s::text, filters = %s::text, shared = %s::boolean," \
    " updated_at = now() WHERE v.id = %s::bigint AND NOT EXISTS (SELECT 1 FROM saved_views o" \
    "  WHERE o.owner_id = v.owner_id AND o.name = %s::text AND o.id <> v.id) RETURNING v.id"

/* 1 id */
#define SQL_SAVED_VIEWS_DELETE \
    "DELETE FROM saved_views WHERE id = %s::bigint"

/* 1 owner: how many views they have */
#define SQL_SAVED_VIEWS_COUNT \
    "SELECT count(*) FROM saved_views WHERE owner_id = %s::bigint"
#endif
