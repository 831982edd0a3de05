#include <stddef.h>
#include "pd_sql.h"
#include "pd_sql_sla.h"
#include "pd_sql_org.h"
#include "pd_sql_qr.h"
#include "pd_sql_cases.h"
#include "pd_dashboard.h"

/* ---- shared fragments (compile-time literals) ---- */

/* The service levels are shown as of the start of the current minute: a
 * countdown of whole minutes, which changes the ticket lists and a
 * ticket's ETag once a minute (on the minute for every ticket at once)
 * rather than whenever some ticket's clock passes a minute of its own. */
#define SLA_NOW "date_trunc('minute', now())"
/* The business clock of the ticket's calendar at an instant: one index
 * probe of its spans, pd_sla_clock's query (migration 0030) written out.
 * Called as that function, the planner inlines it, and inlining reads,
 * parses and analyses the function's body again at every planning: for a
 * list or search, planned with its values at each request, the three
 * probes of a ticket's columns were a twelfth of the machine's time (a
 * prepared statement's own text is parsed once per connection). */
#define SLA_CLOCK(at) \
    "(SELECT sp.clock + (extract(epoch FROM least(" at ", sp.ends_at) - sp.starts_at)" \
    " * 1000000)::bigint FROM sla_calendar_spans sp" \
    " WHERE sp.calendar_id = t.sla_calendar_id AND sp.starts_at <= " at \
    " ORDER BY sp.starts_at DESC LIMIT 1)"
/* The same at SLA_NOW, from every calendar's reading taken once per
 * statement (migration 0071): no subquery per ticket. */
#define SLA_CLOCK_NOW "((SELECT pd_sla_clocks_now()) ->> t.sla_calendar_id::text)::bigint"
/* A target's columns (pd_ticket.h): its minutes, due time, when met, the
 * business microseconds left now (read off the clock while it runs, kept
 * while it stands still or once met) and whether it is at risk. */
#define SLA_TARGET(p) \
    "t." p "_target, t." p "_due_at, t." p "_met_at," \
    " CASE WHEN t." p "_met_at IS NULL AND t." p "_left IS NULL" \
    "  THEN " SLA_CLOCK("t." p "_due_at") " - " SLA_CLOCK_NOW " ELSE t." p "_left END," \
    " coalesce(t." p "_risk_at <= " SLA_NOW ", false)"
/* The policy, when the clock stopped, the business time paused (with the
 * pause under way, none yet in the minute it began), then both targets. */
#define SLA_COLUMNS \
    "t.sla_policy_id, t.sla_stopped_at, t.sla_paused + CASE WHEN t.status = 'waiting_customer'" \
    " THEN greatest(" SLA_CLOCK_NOW " - " SLA_CLOCK("t.sla_stopped_at") ", 0) ELSE 0 END, " \
    SLA_TARGET("first_response") ", " SLA_TARGET("resolution")

/* A ticket's columns, in the order of pd_ticket_col_e (pd_ticket.h). Names
 * are not joined in: the module takes them from its name cache (pd_names.h),
 * so that reading tickets touches the tickets table alone. The description
 * is not here: only single-ticket reads add it, last. */
#define TICKET_COLUMNS \
    "t.id, t.number, t.title, t.pic_name, t.contact, t.app_version, t.priority, t.status, " \
    "t.source, t.version, t.pharmacy_id, t.module_id, t.category_id, t.customer_id, " \
    "t.expert_id, t.tech_id, t.created_by, t.created_at, t.updated_at, " \
    "t.first_response_at, t.solved_at, t.closed_at, " SLA_COLUMNS ", t.escalated_at, t.rating," \
    " t.org_unit_id, t.case_type, t.acknowledged_at, " CASE_RECORD_ID

/* A ticket written with its first timeline row (PD_SQL_TICKETS_INSERT
 * tells the whole story); ref is the query of its pharmacy, module and
 * category ids, a row only when each is active. */
#define TICKET_INSERT(ref) \
    "WITH ref AS (" ref ")," \
    " y AS (SELECT extract(year FROM now() AT TIME ZONE %s::text)::int AS year)," \
    " v AS (SELECT %s::text AS prefix, %s::text AS pic, %s::text AS contact, %s::text AS app_version," \
    " %s::text AS title, %s::text AS description, %s::text AS priority, %s::text AS source," \
    " %s::bigint AS customer, %s::bigint AS creator, %s::text AS case_type, %s::bigint AS org_unit)," \
    " s AS (SELECT m.policy_id, m.calendar_id, m.risk_percent, m.levels, m.managers_after," \
    " m.first_response, m.resolution, x.at, least(x.at[1], x.at[3]) AS due," \
    " least(x.at[2], x.at[4]) AS risk" \
    " FROM ref CROSS JOIN v" \
    " CROSS JOIN LATERAL pd_sla_match(ref.pharmacy_id, ref.category_id, ref.module_id, v.priority) m" \
    " CROSS JOIN LATERAL pd_sla_instants(m.calendar_id, now()," \
    "  pd_sla_marks(m.first_response * 60000000::bigint, m.resolution * 60000000::bigint," \
    "   m.risk_percent, m.first_response, m.resolution, m.managers_after)) x" \
    " WHERE x.complete)," \
    " ins AS (INSERT INTO tickets (number, pharmacy_id, pic_name, contact, app_version," \
    " module_id, category_id, title, description, priority, source, customer_id, created_by," \
    " sla_policy_id, sla_calendar_id, sla_risk_percent, sla_levels, sla_managers_after," \
    " first_response_target, resolution_target, first_response_due_at, first_response_risk_at," \
    " first_response_escalate_at, resolution_due_at, resolution_risk_at, resolution_escalate_at," \
    " sla_due_at, sla_risk_at, sla_check_at, case_type, org_unit_id)" \
    " SELECT pd_ticket_number(v.prefix, y.year, pd_next_ticket_seq(y.year)), ref.pharmacy_id," \
    " v.pic, v.contact, v.app_version, ref.module_id, ref.category_id, v.title, v.description," \
    " v.priority, v.source, v.customer, v.creator," \
    " s.policy_id, s.calendar_id, s.risk_percent, coalesce(s.levels, 0), s.managers_after," \
    " s.first_response, s.resolution, s.at[1], s.at[2], s.at[5], s.at[3], s.at[4], s.at[6]," \
    " s.due, s.risk," \
    /* the first level to report: at risk, due, escalated, as the policy has them */ \
    " least(CASE WHEN s.levels & 1 <> 0 THEN s.risk END, CASE WHEN s.levels & 2 <> 0 THEN s.due END," \
    "  CASE WHEN s.levels & 4 <> 0 THEN least(s.at[5], s.at[6]) END)," \
    " v.case_type, v.org_unit" \
    " FROM ref CROSS JOIN y CROSS JOIN v LEFT JOIN s ON true" \
    " RETURNING *)," \
    " act AS (INSERT INTO ticket_activities (ticket_id, user_id, kind, new_value, seq, public_seq)" \
    " SELECT id, created_by, 'created', 'open', 1, 1 FROM ins)" \
    " SELECT " TICKET_COLUMNS ", t.description FROM ins t"

/* A list page is one statement, PD_PLAN_CUSTOM: planned with its values, on the
 * tickets table alone. Each optional filter takes its value twice, once for
 * the IS NULL test and once for the comparison, so that an absent filter
 * folds away and a present one can use its index; the last, escalated
 * tickets only (queue=escalated), folds away when false; then the
 * tickets behind a report's number (event, twice, and its days, migration
 * 0040). The scope comes first (pd_authz_pharmacy_scope, four times: a
 * pharmacy's id, or below -1 an operator's unit, whose subtree's ids are
 * resolved once: the subquery is an init plan, where a bare call of the
 * stable function in the filter ran once per row read), then a unit and a
 * unit with its subtree (each twice, resolved once the same way),
 * and last the front desk's case types (an array: one type, or every type
 * for any case; twice). Parameters 1-40 of a list. */
#define TICKET_FILTERS \
    " WHERE (%s::bigint < -1 OR %s::bigint IN (0, t.pharmacy_id))" \
    " AND (%s::bigint >= -1 OR t.org_unit_id = ANY ((SELECT pd_org_subtree(-1 - %s::bigint))::bigint[]))" \
    " AND (%s::bigint IS NULL OR t.org_unit_id = %s::bigint)" \
    " AND (%s::bigint IS NULL OR t.org_unit_id = ANY ((SELECT pd_org_subtree(%s::bigint))::bigint[]))" \
    " AND (%s::text IS NULL OR t.status = %s::text)" \
    " AND (%s::text[] IS NULL OR t.status = ANY (%s::text[]))" \
    " AND (%s::text IS NULL OR t.priority = %s::text)" \
    " AND (%s::bigint IS NULL OR t.category_id = %s::bigint)" \
    " AND (%s::bigint IS NULL OR t.module_id = %s::bigint)" \
    " AND (%s::bigint IS NULL OR t.pharmacy_id = %s::bigint)" \
    " AND (%s::bigint IS NULL OR t.expert_id = %s::bigint)" \
    " AND (%s::bigint IS NULL OR t.tech_id = %s::bigint OR (%s::bigint = 0 AND t.tech_id IS NULL))" \
    " AND (%s::text IS NULL OR t.source = %s::text)" \
    " AND (%s::text IS NULL OR t.created_at >= pd_time_bound(%s::text, %s::text, false))" \
    " AND (%s::text IS NULL OR t.created_at < pd_time_bound(%s::text, %s::text, true))" \
    " AND (NOT %s::boolean OR t.escalated_at IS NOT NULL)" \
    " AND (%s::text IS NULL OR t.id IN (SELECT pd_report_event_tickets(%s::text, %s::date, %s::date)))" \
    " AND (%s::text[] IS NULL OR t.case_type = ANY (%s::text[]))"

/* Keyset page: the three parameters after the filters are the cursor's key
 * (twice) and id, the last one the row limit. key_col is the sorted column,
 * key_val turns the cursor's key back into that column's type, key_out (the
 * column after the ticket's) gives it to the next cursor. */
#define TICKET_PAGE(from, key_out, key_col, key_val, cmp, dir) \
    TICKET_PAGE_WHERE(from, "", key_out, key_col, key_val, cmp, dir)
#define TICKET_PAGE_WHERE(from, where, key_out, key_col, key_val, cmp, dir) \
    "SELECT " TICKET_COLUMNS ", " key_out from TICKET_FILTERS where \
    " AND (" key_val " IS NULL OR (" key_col ", t.id) " cmp " (" key_val ", %s::bigint))" \
    " ORDER BY " key_col " " dir ", t.id " dir " LIMIT %s::int"

#define TS_LIST(col, cmp, dir) TICKET_PAGE(" FROM tickets t", col, col, "%s::timestamptz", cmp, dir)

/* The service level lists (sla=breached, at_risk or met: parameter 39,
 * three times), by due time, each through a partial index of migration
 * 0030: the tickets not yet solved that are overdue (running, or paused
 * after they breached) or at risk, and those solved in time. Planned with
 * the value, two of the three branches fold away. Then the cursor's key
 * (twice) and id, the row limit. */
#define SLA_FILTER \
    " AND ((%s::text = 'breached' AND t.status IN (" UNSOLVED ") AND t.sla_due_at <= " SLA_NOW ")" \
    " OR (%s::text = 'at_risk' AND t.status IN (" UNSOLVED ") AND t.sla_due_at > " SLA_NOW \
    "  AND t.sla_risk_at <= " SLA_NOW ")" \
    " OR (%s::text = 'met' AND t.sla_met))"
#define SLA_LIST(cmp, dir) \
    TICKET_PAGE_WHERE(" FROM tickets t", SLA_FILTER, "t.sla_due_at", "t.sla_due_at", \
                      "%s::timestamptz", cmp, dir)
/* Lists sorted by a small integer, then the creation time, then the id, in
 * one direction (migration 0050): first is the integer's expression. The
 * cursor's key is "<integer>|<creation time>": parameters 32-33 the
 * integer (twice), 34 the time, 35 the id, 36 the limit. */
#define COMPOSITE_LIST(first, cmp, dir) \
    "SELECT " TICKET_COLUMNS ", " first "::text || '|' || t.created_at::text FROM tickets t" \
    TICKET_FILTERS \
    " AND (%s::int IS NULL OR (" first ", t.created_at, t.id) " cmp \
    " (%s::int, %s::timestamptz, %s::bigint))" \
    " ORDER BY " first " " dir ", t.created_at " dir ", t.id " dir " LIMIT %s::int"
#define WAITING_KEY "(t.status = 'waiting_customer')::int"
#define INT_LIST(col, cmp, dir) TICKET_PAGE(" FROM tickets t", col, col, "%s::bigint", cmp, dir)

/* Searches (migration 0011). The subquery p holds the tsquery, which
 * pd_search_query built from the search text in a statement of its own
 * (pd_ticket_search_query, below), and whether the caller is staff, whose
 * search includes internal notes; p is pulled up and its values folded, so
 * that one of the two documents is searched through its GIN index and
 * ranked. The query is a parameter rather than the function's call because
 * the planner, folding the call into a constant, evaluated it once for
 * every place the pulled-up value reached: some 1 ms of a search's 1.6 ms
 * of planning at a million tickets, against one round trip of 0.1 ms. */
#define SEARCH_MATCH \
    "(s.doc @@ p.q OR (p.staff AND s.notes <> '' AND (s.doc || s.notes) @@ p.q))"
#define SEARCH_RANK \
    "ts_rank(CASE WHEN p.staff AND s.notes <> '' THEN s.doc || s.notes ELSE s.doc END, p.q)"

/* With q and another sort, the search is one more filter: parameters 1 the
 * search's tsquery, 2 staff, then a list's 44. */
#define SEARCH_FROM \
    " FROM (SELECT %s::tsquery AS q, %s::boolean AS staff) p" \
    " JOIN ticket_search s ON " SEARCH_MATCH \
    " JOIN tickets t ON t.id = s.ticket_id"
#define TS_SEARCH(col, cmp, dir) TICKET_PAGE(SEARCH_FROM, col, col, "%s::timestamptz", cmp, dir)
#define INT_SEARCH(col, cmp, dir) TICKET_PAGE(SEARCH_FROM, col, col, "%s::bigint", cmp, dir)

/* By relevance, every match is ranked, in ticket_search alone and within the
 * caller's pharmacy: 1 the search's tsquery, 2 staff, 3 pharmacy scope, 4-5 the
 * cursor's rank and id, 6 how many of the best to keep before the tickets
 * are joined (a page and one, or NULL when a filter on the tickets may drop
 * some), then the list's filters (7-46) and the row limit (47). The rank
 * goes to the cursor as float8 text: at least 15 significant digits whatever
 * extra_float_digits says, which read back and rounded to real give the very
 * same value, so that keyset comparisons are exact. */
#define RANK_SEARCH(cmp, dir) \
    "SELECT " TICKET_COLUMNS ", m.rank::float8::text" \
    " FROM (SELECT %s::tsquery AS q, %s::boolean AS staff, %s::bigint AS scope," \
    "  %s::float8 AS after_rank, %s::bigint AS after_id, %s::int AS best) p" \
    " CROSS JOIN LATERAL (SELECT s.ticket_id, r.rank FROM ticket_search s" \
    "  CROSS JOIN LATERAL (SELECT " SEARCH_RANK " AS rank) r" \
    "  WHERE " SEARCH_MATCH " AND (p.scope < -1 OR p.scope IN (0, s.pharmacy_id))" \
    "  AND (p.after_rank IS NULL OR (r.rank, s.ticket_id) " cmp " (p.after_rank::real, p.after_id))" \
    "  ORDER BY r.rank " dir ", s.ticket_id " dir " LIMIT p.best) m" \
    " JOIN tickets t ON t.id = m.ticket_id" TICKET_FILTERS \
    " ORDER BY m.rank " dir ", t.id " dir " LIMIT %s::int"

/* A report's JSON (migration 0040), the staff report with one more
 * parameter. */
#define REPORT_JSON(name, more) \
    "SELECT pd_report_" name "_json(%s::bigint, %s::bigint, %s::bigint, %s::bigint, %s::text," \
    " %s::bigint, %s::bigint, %s::date, %s::date, %s::text" more ")"

#define LOOKUP_JSON \
    "json_build_object('id', id, 'name', name, 'description', description, " \
    "'color', color, 'active', active, 'created_at', created_at, 'updated_at', updated_at)"

/* Categories and modules have the same shape. */
#define LOOKUP_LIST(table) \
    "SELECT coalesce(json_agg(" LOOKUP_JSON " ORDER BY name, id), '[]')::text" \
    " FROM " table " WHERE (%s::boolean OR active)"
#define LOOKUP_GET(table) \
    "SELECT " LOOKUP_JSON "::text, active FROM " table " WHERE id = %s::bigint"
#define LOOKUP_INSERT(table) \
    "INSERT INTO " table " (name, description, color) VALUES (%s::text, %s::text, %s::text)" \
    " ON CONFLICT (name) DO NOTHING RETURNING id, " LOOKUP_JSON "::text"
/* The entry as the API shows it, locked for a PATCH or DELETE. */
#define LOOKUP_LOCK(table) \
    "SELECT " LOOKUP_JSON "::text FROM " table " WHERE id = %s::bigint FOR UPDATE"
/* A rename onto an existing name updates nothing (409). */
#define LOOKUP_UPDATE(table) \
    "UPDATE " table " SET name = coalesce(%s::text, name)," \
    " description = coalesce(%s::text, description), color = coalesce(%s::text, color)," \
    " active = coalesce(%s::boolean, active), updated_at = now()" \
    " WHERE id = %s::bigint AND NOT EXISTS (SELECT 1 FROM " table " o" \
    " WHERE o.name = %s::text AND o.id <> %s::bigint) RETURNING " LOOKUP_JSON "::text"

#define PHARMACY_JSON \
    "json_build_object('id', id, 'code', code, 'name', name, 'address', address, " \
    "'city', city, 'phone', phone, 'tier', tier, 'active', active, 'created_at', created_at, " \
    "'updated_at', updated_at)::text"

/* A user's WhatsApp number and when they opted in to messages on it
 * (migration 0023). */
#define USER_WHATSAPP_JSON \
    "json_build_object('number', u.whatsapp_number, 'opted_in_at', u.whatsapp_opt_in_at)"
#define USER_JSON \
    "json_build_object('id', u.id, 'username', u.username, 'name', u.name, 'email', u.email, " \
    "'role', CASE WHEN r.id IS NULL THEN NULL ELSE json_build_object('id', r.id, " \
    "'code', r.code, 'name', r.name) END, " \
    "'pharmacy', CASE WHEN p.id IS NULL THEN NULL ELSE json_build_object('id', p.id, " \
    "'code', p.code, 'name', p.name) END, 'active', u.active, " \
    "'subject', u.subject, 'access_source', u.access_source, 'language', u.language, " \
    "'whatsapp', " USER_WHATSAPP_JSON ", " \
    "'org_unit_id', u.org_unit_id, 'nip_nik', u.nip_nik, 'institution', u.institution, " \
    "'last_login_at', u.last_login_at, 'created_at', u.created_at, 'updated_at', u.updated_at)::text"
/* USER_JSON's joins, from the users table or a CTE of users rows. */
#define USER_JOINS_FROM(source) \
    " FROM " source " u LEFT JOIN roles r ON r.id = u.role_id LEFT JOIN pharmacies p ON p.id = u.pharmacy_id"
#define USER_JOINS USER_JOINS_FROM("users")

/* A timeline entry; an actor is staff unless a customer, NULL the system.
 * Its id is its number on the ticket's timeline as the caller sees it (seq
 * over every entry, public_seq over the public ones: migration 0020), and
 * an upload names its file as the API does, so that no number a customer
 * sees counts what they cannot. Its parameters: any in num, then the
 * customer role's id (role ids are bound from pd_role_e, never written
 * here). */
#define ACTIVITY_JSON(num) \
    "json_build_object('id', " num ", 'kind', a.kind, 'field', a.field, 'old_value', a.old_value," \
    " 'new_value', a.new_value, 'body', a.body, 'visibility', a.visibility," \
    " 'attachment_id', (SELECT f.public_id FROM ticket_attachments f WHERE f.id = a.attachment_id)," \
    " 'created_at', a.created_at, 'channel', a.channel," \
    " 'actor', CASE WHEN u.id IS NULL THEN NULL ELSE" \
    " json_build_object('id', u.id, 'name', u.name," \
    "  'staff', u.role_id IS DISTINCT FROM %s::smallint) END)::text"

/* An attachment as the API shows it; f is the ticket_attachments row, u its
 * uploader. Its parameters: the customer role's id (staff are the others),
 * then the API base for its links, twice. It goes by its public id, a
 * random number (migration 0020): a running one would show a customer the
 * gaps that internal files leave. Only the sniffed image types (never SVG,
 * which sniffing refuses) get a preview. */
#define ATTACHMENT_JSON \
    "json_build_object('id', f.public_id, 'ticket_id', f.ticket_id, 'file_name', f.file_name," \
    " 'content_type', f.content_type, 'size', f.size_bytes, 'sha256', f.sha256," \
    " 'description', f.description, 'visibility', f.visibility, 'created_at', f.created_at," \
    " 'uploaded_by', json_build_object('id', u.id, 'name', u.name," \
    "  'staff', u.role_id IS DISTINCT FROM %s::smallint)," \
    " 'download_url', %s::text || '/attachments/' || f.public_id," \
    " 'preview_url', CASE WHEN f.content_type LIKE 'image/%%'" \
    "  THEN %s::text || '/attachments/' || f.public_id || '/preview' END)::text"
/* A page of a ticket's timeline by the number the caller sees (num: a.seq
 * or a.public_seq, each with its index), which also skips the entries a
 * customer may not see: public_seq is NULL for internal ones. */
#define TIMELINE(num) \
    "SELECT " num ", " num "::text, " ACTIVITY_JSON(num) \
    " FROM ticket_activities a LEFT JOIN users u ON u.id = a.user_id" \
    " WHERE a.ticket_id = %s::bigint AND " num " > coalesce(%s::bigint, 0)" \
    " ORDER BY " num " LIMIT %s::integer"

/* A page of a ticket's attachments, in the order of their timeline entries
 * and by the caller's numbers of them, as TIMELINE. */
#define ATTACHMENT_LIST(num) \
    "SELECT " num ", " num "::text, " ATTACHMENT_JSON \
    " FROM ticket_activities a JOIN ticket_attachments f ON f.id = a.attachment_id" \
    " JOIN users u ON u.id = f.user_id" \
    " WHERE a.ticket_id = %s::bigint AND a.kind = 'attachment' AND " num " > coalesce(%s::bigint, 0)" \
    " ORDER BY " num " LIMIT %s::integer"

/* What pd_authz decides on (pd_ticket_facts_t): status, tech, pharmacy,
 * expert (0: none). */
#define TICKET_FACTS \
    "status, coalesce(tech_id, 0), pharmacy_id, coalesce(expert_id, 0), escalated_at IS NOT NULL"

/* The statuses before a solution: the dashboard's urgent, unsolved tickets,
 * and the predicate of their partial indexes (migration 0017), written
 * out so that the planner sees it is the same. */
#define UNSOLVED "'open', 'in_review', 'in_progress', 'waiting_customer'"

/* The dashboard in one statement (one round trip): 1 pharmacy scope, 2
 * pharmacy (NULL: every one in scope), 3-4 created from (and the time zone
 * of a date), 5-6 created to, 7 the row limit of the urgent list. Rows of
 * two kinds, told apart by the ticket id: what was counted, (dim, key, n)
 * after NULL ticket columns (pd_dashboard.c writes the JSON); and the
 * urgent tickets nobody has solved yet, oldest first, as many as the
 * limit, created within the bounds as the counts read them. The urgent part
 * reads a partial index of migration 0017, a pharmacy's or all
 * pharmacies': a statement for each, so that each keeps its cached plan. */
#define NULL_TICKET_COLUMNS \
    "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL," \
    " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL," \
    " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL," \
    " NULL, NULL, NULL"
/* The service level tiles count the tickets in the two lists up to one
 * more than PD_DASH_SLA_CAP (pd_dashboard.h): past that the dashboard says
 * "more", so that a request never counts every overdue ticket of a large
 * backlog. The overdue in due order (dense: the cap comes soon); those at
 * risk by their at-risk instants, newest first and no further back than
 * the widest stretch from an at-risk instant to its due time (migration
 * 0042), so as not to walk every running ticket to find the few at risk.
 * Within the dashboard's scope (a pharmacy) and period (b), written as
 * conditions no index takes, so that both walks stay on those two indexes
 * whatever the generic plan expects of a pharmacy or period: on the
 * creation time's or a pharmacy's index they would read every unsolved
 * ticket of it (a bound left NULL makes its comparison NULL, which is not
 * false). A pharmacy with few overdue tickets among many then walks the
 * whole overdue list. */
#define DASH_SLA_SCOPE \
    "   AND pd_dashboard_pharmacy(b.scope, b.pharmacy) IN (0, t.pharmacy_id)" \
    "   AND (t.created_at >= b.lo) IS NOT FALSE AND (t.created_at < b.hi) IS NOT FALSE"
#define DASHBOARD(pharmacy) \
    "WITH b AS (SELECT %s::bigint AS scope, %s::bigint AS pharmacy," \
    "  pd_time_bound(%s::text, %s::text, false) AS lo, pd_time_bound(%s::text, %s::text, true) AS hi)" \
    " SELECT " NULL_TICKET_COLUMNS ", c.dim::text, c.key, c.n" \
    " FROM b, pd_dashboard_counts(b.scope, b.pharmacy, b.lo, b.hi) c" \
    " UNION ALL (SELECT " TICKET_COLUMNS ", NULL, NULL, NULL FROM tickets t" \
    "  WHERE t.priority = 'urgent' AND t.status IN (" UNSOLVED ")" pharmacy \
    "  AND t.created_at >= (SELECT coalesce(lo, '-infinity') FROM b)" \
    "  AND t.created_at < (SELECT coalesce(hi, 'infinity') FROM b)" \
    "  ORDER BY t.created_at, t.id LIMIT %s::int)" \
    " UNION ALL SELECT " NULL_TICKET_COLUMNS ", 'l', l.key, count(*) FROM b, LATERAL (" \
    "  SELECT 'breached' AS key FROM (SELECT 1 FROM tickets t" \
    "   WHERE t.status IN (" UNSOLVED ") AND t.sla_due_at <= " SLA_NOW DASH_SLA_SCOPE \
    "   ORDER BY t.sla_due_at LIMIT " PD_DASH_SLA_CAP_SQL ") x" \
    "  UNION ALL SELECT 'at_risk' FROM (SELECT 1 FROM tickets t" \
    "   WHERE t.status IN (" UNSOLVED ") AND t.sla_due_at > " SLA_NOW \
    "   AND t.sla_risk_at <= " SLA_NOW \
    "   AND t.sla_risk_at >= " SLA_NOW " - (SELECT w.widest FROM sla_risk_window w)" DASH_SLA_SCOPE \
    "   ORDER BY t.sla_risk_at DESC LIMIT " PD_DASH_SLA_CAP_SQL ") y) l" \
    "  GROUP BY l.key"

#define ROLE_JSON "json_build_object('id', id, 'code', code, 'name', name, 'description', description)"

/* A notification as its user reads it; n the notification (a sent portal
 * delivery), t its ticket, a its timeline entry, w who made the change. Its parameter:
 * whether the reader is staff, whose entry numbers count every entry
 * (migration 0020). What it says comes from its entry: a status change's
 * two statuses, the person an assignment names, the start of a reply or
 * note, a file's name. */
#define NOTIFICATION_JSON \
    "json_build_object('id', n.id, 'event', n.event," \
    " 'ticket', json_build_object('id', t.id, 'number', t.number, 'title', t.title)," \
    " 'actor', CASE WHEN w.id IS NULL THEN NULL ELSE json_build_object('id', w.id, 'name', w.name) END," \
    " 'entry', CASE WHEN %s::boolean THEN a.seq ELSE a.public_seq END, 'field', a.field," \
    " 'old_value', CASE WHEN a.kind = 'status_changed' THEN a.old_value END," \
    " 'new_value', CASE WHEN a.kind = 'status_changed' THEN a.new_value END," \
    " 'person', CASE WHEN a.kind = 'assigned' THEN (SELECT json_build_object('id', o.id," \
    "  'name', o.name) FROM users o WHERE o.id = coalesce(a.new_value, a.old_value)::bigint) END," \
    " 'excerpt', CASE WHEN a.kind IN ('comment', 'note') THEN left(a.body, 200)" \
    "  WHEN a.kind = 'attachment' THEN a.new_value END," \
    " 'created_at', n.created_at, 'read_at', n.read_at)::text"
/* A reader's notifications: their portal deliveries once sent (the
 * partial indexes' condition, NOTIFICATION_MINE), and only what they may
 * read now (their pharmacy's tickets for a customer, nothing internal): a
 * user whose role or pharmacy changed since sees none that the rules would
 * now deny. */
#define NOTIFICATION_FROM \
    " FROM notify_deliveries n JOIN tickets t ON t.id = n.ticket_id" \
    " LEFT JOIN ticket_activities a ON a.id = n.activity_id"
#define NOTIFICATION_MINE \
    " n.user_id = %s::bigint AND n.channel = 'portal' AND n.status = 'sent'"
#define NOTIFICATION_VISIBLE \
    " pd_ticket_in_scope(%s::bigint, t.pharmacy_id, t.org_unit_id)" \
    " AND (%s::boolean OR (n.event <> 'internal_note'" \
    " AND a.visibility IS DISTINCT FROM 'internal'))"

/* A delivery as staff read it; d the delivery, t its ticket, u its
 * recipient, a its timeline entry (numbered as staff see it). */
#define DELIVERY_JSON \
    "json_build_object('id', d.id, 'event', d.event, 'channel', d.channel, 'status', d.status," \
    " 'attempts', d.attempts, 'recipient', CASE WHEN u.id IS NULL THEN NULL" \
    "  ELSE json_build_object('id', u.id, 'name', u.name) END," \
    " 'ticket', json_build_object('id', t.id, 'number', t.number), 'entry', a.seq," \
    " 'last_error', d.last_error," \
    " 'next_attempt_at', CASE WHEN d.status IN ('pending', 'failed') THEN d.due_at END," \
    " 'receipt', d.receipt," \
    " 'created_at', d.created_at, 'sent_at', d.sent_at)::text"
#define DELIVERY_FROM(source) \
    " FROM " source " d JOIN tickets t ON t.id = d.ticket_id LEFT JOIN users u ON u.id = d.user_id" \
    " LEFT JOIN ticket_activities a ON a.id = d.activity_id"

/* ---- webhooks (migration 0022) ---- */

/* An endpoint as the API shows it (never its secret); e the
 * webhook_endpoints row. Its pharmacies by name, its creator by name. */
#define WEBHOOK_ENDPOINT_JSON \
    "json_build_object('id', e.id, 'url', e.url, 'description', e.description," \
    " 'events', to_json(e.events), 'pharmacies', (SELECT coalesce(json_agg(json_build_object(" \
    "  'id', p.id, 'code', p.code, 'name', p.name) ORDER BY p.name, p.id), '[]')" \
    "  FROM pharmacies p WHERE p.id = ANY (e.pharmacy_ids))," \
    " 'include_internal', e.include_internal, 'active', e.active," \
    " 'disabled_reason', e.disabled_reason, 'secret_rotated_at', e.secret_rotated_at," \
    " 'created_by', (SELECT json_build_object('id', w.id, 'name', w.name) FROM users w" \
    "  WHERE w.id = e.created_by), 'created_at', e.created_at, 'updated_at', e.updated_at)::text"

/* A person of a ticket as a webhook's payload names them, NULL for none. */
#define WEBHOOK_PERSON(col) \
    "(SELECT json_build_object('id', w.id, 'name', w.name) FROM users w WHERE w.id = " col ")"

/* The body a webhook delivery sends, the same at every attempt: its id
 * (the delivery's, as text), the event, when it happened, and the ticket,
 * timeline entry and actor as they were when it was fanned out. d the
 * delivery, a its timeline entry. */
#define WEBHOOK_BODY \
    "json_build_object('id', d.id::text, 'event', d.event," \
    " 'created_at', coalesce(a.created_at, d.created_at), 'ticket', d.payload -> 'ticket'," \
    " 'entry', d.payload -> 'entry', 'actor', d.payload -> 'actor')"

/* A webhook delivery as the endpoint's log shows it, with its last
 * attempt; d the delivery, t its ticket. The members, for
 * json_build_object. */
#define WEBHOOK_DELIVERY_MEMBERS \
    "'id', d.id, 'event', d.event, 'status', d.status, 'attempts', d.attempts," \
    " 'ticket', json_build_object('id', t.id, 'number', t.number), 'last_error', d.last_error," \
    " 'next_attempt_at', CASE WHEN d.status IN ('pending', 'failed') THEN d.due_at END," \
    " 'created_at', d.created_at, 'sent_at', d.sent_at," \
    " 'last_attempt', (SELECT json_build_object('at', w.attempted_at, 'duration_ms', w.duration_ms," \
    "  'response_status', w.response_status, 'error', w.error) FROM webhook_attempts w" \
    "  WHERE w.delivery_id = d.id ORDER BY w.id DESC LIMIT 1)"
#define WEBHOOK_DELIVERY_JSON "json_build_object(" WEBHOOK_DELIVERY_MEMBERS ")::text"

/* Each entry's label, count and plan from the list in pd_sql.h, then its
 * text below, keyed by the same id. */
static const pd_sql_stmt_t catalogue[PD_SQL__COUNT] = {
#define PD_SQL_ENTRY_(id, name, n, how) [id].label = name, [id].nargs = n, [id].plan = how,
    PD_SQL_CATALOGUE(PD_SQL_ENTRY_)
#undef PD_SQL_ENTRY_

    /* The identity row (columns: PD_IDENTITY_* in pd_claims.h) by subject. */
    [PD_SQL_USERS_IDENTIFY].text =
        "SELECT i.*, (SELECT u.org_unit_id FROM users u WHERE u.id = i.id)"
        " FROM pd_user_identity(%s::text) i",
    /* 1 subject, 2 login, 3 name, 4 email, 5 role (NULL: none), 6 pharmacy
     * code, 7 the token's iat; the same columns as pd_users_identify */
    [PD_SQL_USERS_SYNC].text =
        "SELECT i.*, (SELECT u.org_unit_id FROM users u WHERE u.id = i.id)"
        " FROM pd_user_sync(%s::text, %s::text, %s::text, %s::text, %s::smallint,"
        " %s::text, %s::bigint) i",
    [PD_SQL_USERS_ME].text =
        "SELECT " USER_JSON USER_JOINS " WHERE u.id = %s::bigint",

    /* 1 id, 2 pharmacy scope (0 = all) */
    [PD_SQL_TICKETS_GET].text =
        "SELECT " TICKET_COLUMNS ", t.description FROM tickets t"
        " WHERE t.id = %s::bigint AND pd_ticket_in_scope(%s::bigint, t.pharmacy_id, t.org_unit_id)",
    /* Names the cache lacks, by kind (pd_name_kind_e) and id. 1 user ids,
     * 2 pharmacy ids, 3 module ids, 4 category ids, each an array */
    [PD_SQL_NAMES_FETCH].text =
        "SELECT 0, id, name, NULL FROM users WHERE id = ANY (%s::bigint[])"
        " UNION ALL SELECT 1, id, name, code FROM pharmacies WHERE id = ANY (%s::bigint[])"
        " UNION ALL SELECT 2, id, name, color FROM ticket_modules WHERE id = ANY (%s::bigint[])"
        " UNION ALL SELECT 3, id, name, color FROM ticket_categories"
        " WHERE id = ANY (%s::bigint[])",
    [PD_SQL_TICKETS_LOCK].text =
        "SELECT status, pharmacy_id, title, description, pic_name, contact, app_version,"
        " module_id, category_id, priority, expert_id, tech_id, customer_id, version"
        " FROM tickets WHERE id = %s::bigint AND pd_ticket_in_scope(%s::bigint, pharmacy_id, org_unit_id)"
        " FOR UPDATE",
    /* Which referenced rows exist and may be used: NULL = no such row.
     * 1 pharmacy, 2 module, 3 category, 4 the team expert role, 5 expert,
     * 6 the tech role, 7 tech, 8 the customer role, 9 customer's pharmacy,
     * 10 customer */
    [PD_SQL_TICKETS_REFS].text =
        "SELECT (SELECT active FROM pharmacies WHERE id = %s::bigint),"
        " (SELECT active FROM ticket_modules WHERE id = %s::bigint),"
        " (SELECT active FROM ticket_categories WHERE id = %s::bigint),"
        " (SELECT active AND role_id = %s::smallint FROM users WHERE id = %s::bigint),"
        " (SELECT active AND role_id = %s::smallint FROM users WHERE id = %s::bigint),"
        " (SELECT active AND role_id = %s::smallint AND pharmacy_id = %s::bigint FROM users"
        "  WHERE id = %s::bigint)",
    /* One statement, committed on its own. The references must be active (else
     * no row, and the module asks pd_tickets_refs which one failed); only
     * then is a number drawn from the year's sequence, so a refused create
     * takes none. The service level targets are the matching policy's, laid
     * out on its calendar from now (s), with the summary columns
     * pd_sla_sum_up computes; when no policy matches or an instant lies
     * outside the calendar's window, s is empty and the insert trigger
     * computes them (migration 0090). The
     * ticket comes with its first timeline row, numbered 1, and comes back as
     * a single-ticket read does. 1 pharmacy, 2 module, 3 category, 4 time
     * zone, 5 prefix, 6 pic, 7 contact, 8 app version, 9 title,
     * 10 description, 11 priority, 12 source, 13 customer, 14 creator,
     * 15 the front desk's case type and 16 its org unit (NULL for a
     * pharmacy's ticket): a case is typed and routed as it is written, not
     * by a second write of the row */
    [PD_SQL_TICKETS_INSERT].text =
        TICKET_INSERT("SELECT p.id AS pharmacy_id, m.id AS module_id, c.id AS category_id"
                      " FROM pharmacies p, ticket_modules m, ticket_categories c"
                      " WHERE p.id = %s::bigint AND p.active AND m.id = %s::bigint AND m.active"
                      " AND c.id = %s::bigint AND c.active"),
    /* A front desk case, filed under what its unit's office files cases
     * under (its front desk: client, module, the visitor's or the letter's
     * category), read by the insert itself: no row when the unit is
     * inactive, its office has no front desk or that names an inactive
     * entry (the module then asks pd_front_desk_defaults which). 1 the case
     * type, 2 the unit, then PD_SQL_TICKETS_INSERT's 4-16 */
    [PD_SQL_TICKETS_INSERT_CASE].text =
        TICKET_INSERT("SELECT p.id AS pharmacy_id, m.id AS module_id, c.id AS category_id"
                      " FROM org_units u JOIN front_desks f ON f.root_unit_id = u.path[1]"
                      " JOIN pharmacies p ON p.id = f.pharmacy_id AND p.active"
                      " JOIN ticket_modules m ON m.id = f.module_id AND m.active"
                      " JOIN ticket_categories c ON c.active AND c.id = CASE %s::text"
                      "  WHEN 'visitor' THEN f.visitor_category_id ELSE f.surat_category_id END"
                      " WHERE u.id = %s::bigint AND u.active"),
    /* The row is locked (pd_tickets_lock) and the new values computed by the
     * module. 1 title, 2 description, 3 pic, 4 contact, 5 app version,
     * 6 module, 7 category, 8 priority, 9 status, 10 expert, 11 tech,
     * 12 first staff response (bool), 13 solved_at action, 14 closed_at
     * action ('set', 'clear', 'keep'), 15 id */
    [PD_SQL_TICKETS_UPDATE].text =
        "UPDATE tickets SET title = %s::text, description = %s::text, pic_name = %s::text,"
        " contact = %s::text, app_version = %s::text, module_id = %s::bigint,"
        " category_id = %s::bigint, priority = %s::text, status = %s::text,"
        " expert_id = %s::bigint, tech_id = %s::bigint, version = version + 1,"
        " updated_at = now(),"
        " first_response_at = CASE WHEN %s::boolean THEN coalesce(first_response_at, now())"
        "  ELSE first_response_at END,"
        " solved_at = CASE %s::text WHEN 'set' THEN now() WHEN 'clear' THEN NULL ELSE solved_at END,"
        " closed_at = CASE %s::text WHEN 'set' THEN now() WHEN 'clear' THEN NULL ELSE closed_at END"
        " WHERE id = %s::bigint",
    /* What the audit log keeps of a deleted ticket: its number, title and
     * pharmacy (the timeline goes with it). */
    [PD_SQL_TICKETS_DELETE].text =
        "DELETE FROM tickets t USING pharmacies p WHERE t.id = %s::bigint AND p.id = t.pharmacy_id"
        " RETURNING json_build_object('number', t.number, 'title', t.title,"
        " 'pharmacy', json_build_object('id', p.id, 'code', p.code, 'name', p.name))::text",
    /* 1 ticket, 2 user, 3 kind, 4 field, 5 old, 6 new, 7 body, 8 visibility */
    [PD_SQL_TICKET_ACTIVITIES_INSERT].text =
        "INSERT INTO ticket_activities (ticket_id, user_id, kind, field, old_value, new_value,"
        " body, visibility) VALUES (%s::bigint, %s::bigint, %s::text, %s::text, %s::text,"
        " %s::text, %s::text, %s::text)",
    /* 1 id, 2 pharmacy scope (0 = all): a row when the caller may see it */
    [PD_SQL_TICKETS_VISIBLE].text =
        "SELECT 1 FROM tickets WHERE id = %s::bigint"
        " AND pd_ticket_in_scope(%s::bigint, pharmacy_id, org_unit_id)",
    /* The timeline, oldest first, every entry (staff): 1 the customer role,
     * 2 ticket, 3 after this number (NULL: from the start), 4 limit.
     * Columns (id, key, json) as the name-sorted pages have them, the key
     * being the number. */
    [PD_SQL_TICKET_ACTIVITIES_LIST].text =
        TIMELINE("a.seq"),
    /* The same over the public entries only (customers), numbered among
     * themselves */
    [PD_SQL_TICKET_ACTIVITIES_LIST_PUBLIC].text =
        TIMELINE("a.public_seq"),
    /* 1 id, 2 pharmacy scope (0 = all): what a comment needs, locked; the
     * columns pd_authz decides on (pd_ticket_facts_t) */
    [PD_SQL_TICKETS_LOCK_BRIEF].text =
        "SELECT " TICKET_FACTS " FROM tickets"
        " WHERE id = %s::bigint AND pd_ticket_in_scope(%s::bigint, pharmacy_id, org_unit_id)"
        " FOR UPDATE",
    /* 1 ticket, 2 user, 3 kind, 4 field, 5 old, 6 new, 7 body, 8 visibility;
     * the new entry as the timeline shows it to the writer: 9 whether they
     * see internal entries, which decides how it is numbered, 10 the
     * customer role */
    [PD_SQL_TICKET_ACTIVITIES_ADD].text =
        "WITH a AS (INSERT INTO ticket_activities (ticket_id, user_id, kind, field, old_value,"
        " new_value, body, visibility) VALUES (%s::bigint, %s::bigint, %s::text, %s::text,"
        " %s::text, %s::text, %s::text, %s::text) RETURNING *)"
        " SELECT " ACTIVITY_JSON("CASE WHEN %s::boolean THEN a.seq ELSE a.public_seq END")
        " FROM a LEFT JOIN users u ON u.id = a.user_id",
    /* A public entry changed the ticket: 1 a staff response (bool), 2 the
     * new status (NULL: unchanged), 3 id */
    [PD_SQL_TICKETS_TOUCH].text =
        "UPDATE tickets SET updated_at = now(), version = version + 1,"
        " first_response_at = CASE WHEN %s::boolean THEN coalesce(first_response_at, now())"
        "  ELSE first_response_at END, status = coalesce(%s::text, status)"
        " WHERE id = %s::bigint",
    /* 1 user, 2 key, 3 fingerprint: a row when this request claimed the
     * key (new, or remembered longer than a day); waits while another
     * request holds it */
    [PD_SQL_IDEMPOTENCY_CLAIM].text =
        "INSERT INTO idempotency_keys AS k (user_id, key, fingerprint)"
        " VALUES (%s::bigint, %s::text, %s::text)"
        " ON CONFLICT (user_id, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint,"
        " status = NULL, response = NULL, location = NULL, etag = NULL, created_at = now()"
        " WHERE k.created_at < now() - interval '24 hours' RETURNING 1",
    /* 1 user, 2 key */
    [PD_SQL_IDEMPOTENCY_GET].text =
        "SELECT fingerprint, coalesce(status, 0), response, location, etag"
        " FROM idempotency_keys WHERE user_id = %s::bigint AND key = %s::text",
    /* Active tickets per active tech (as tech_id) and team expert (as
     * expert_id), by status; 1 role code or NULL for both. The least loaded
     * first, so that a picker can offer them in order. */
    [PD_SQL_TICKETS_WORKLOAD].text =
        "WITH load AS ("
        " SELECT 'tech'::text AS kind, tech_id AS user_id, status, count(*) AS n FROM tickets"
        "  WHERE tech_id IS NOT NULL AND status NOT IN ('closed', 'cancelled') GROUP BY 2, 3"
        " UNION ALL"
        " SELECT 'team_expert', expert_id, status, count(*) FROM tickets"
        "  WHERE expert_id IS NOT NULL AND status NOT IN ('closed', 'cancelled') GROUP BY 2, 3),"
        " per_user AS (SELECT u.id, u.name, r.code AS role, coalesce(sum(l.n), 0)::bigint AS total,"
        "  coalesce(json_object_agg(l.status, l.n) FILTER (WHERE l.status IS NOT NULL), '{}')"
        "   AS by_status"
        "  FROM users u JOIN roles r ON r.id = u.role_id"
        "  LEFT JOIN load l ON l.user_id = u.id AND l.kind = r.code"
        "  WHERE u.active AND r.code IN ('tech', 'team_expert')"
        "  AND (%s::text IS NULL OR r.code = %s::text)"
        "  GROUP BY u.id, u.name, r.code)"
        " SELECT coalesce(json_agg(json_build_object('user', json_build_object('id', id,"
        "  'name', name), 'role', role, 'total', total, 'by_status', by_status)"
        "  ORDER BY role DESC, total, name, id), '[]')::text FROM per_user",
    /* Closes solved tickets unanswered for 1 days (migration 0014); the
     * number closed, 0 when another process holds the run */
    [PD_SQL_TICKETS_AUTO_CLOSE].text =
        "SELECT pd_close_stale_solved(%s::integer)",
    /* Forgets idempotency keys older than a day (migration 0015); how many */
    [PD_SQL_IDEMPOTENCY_FORGET].text =
        "SELECT pd_forget_idempotency_keys()",
    /* 1 status, 2 response, 3 location, 4 etag, 5 user, 6 key */
    [PD_SQL_IDEMPOTENCY_STORE].text =
        "UPDATE idempotency_keys SET status = %s::smallint, response = %s::text,"
        " location = %s::text, etag = %s::text WHERE user_id = %s::bigint AND key = %s::text",

    [PD_SQL_TICKETS_LIST_CREATED_DESC].text =
        TS_LIST("t.created_at", "<", "DESC"),
    [PD_SQL_TICKETS_LIST_CREATED_ASC].text =
        TS_LIST("t.created_at", ">", "ASC"),
    [PD_SQL_TICKETS_LIST_UPDATED_DESC].text =
        TS_LIST("t.updated_at", "<", "DESC"),
    [PD_SQL_TICKETS_LIST_UPDATED_ASC].text =
        TS_LIST("t.updated_at", ">", "ASC"),
    [PD_SQL_TICKETS_LIST_PRIORITY_DESC].text =
        INT_LIST("t.priority_rank", "<", "DESC"),
    [PD_SQL_TICKETS_LIST_PRIORITY_ASC].text =
        INT_LIST("t.priority_rank", ">", "ASC"),
    [PD_SQL_TICKETS_LIST_ID_DESC].text =
        INT_LIST("t.id", "<", "DESC"),
    [PD_SQL_TICKETS_LIST_ID_ASC].text =
        INT_LIST("t.id", ">", "ASC"),
    /* the service level lists: the filters, then 27-29 sla (three times),
     * 30-31 the cursor's due time, 32 its id, 33 the limit */
    [PD_SQL_TICKETS_LIST_SLA_DESC].text =
        SLA_LIST("<", "DESC"),
    [PD_SQL_TICKETS_LIST_SLA_ASC].text =
        SLA_LIST(">", "ASC"),

    /* 1 search text: the tsquery of its words, NULL when it has none */
    [PD_SQL_TICKET_SEARCH_QUERY].text =
        "SELECT pd_search_query(%s::text)::text",
    [PD_SQL_TICKETS_SEARCH_RELEVANCE_DESC].text =
        RANK_SEARCH("<", "DESC"),
    [PD_SQL_TICKETS_SEARCH_RELEVANCE_ASC].text =
        RANK_SEARCH(">", "ASC"),
    /* 1 the search's tsquery, 2 staff, then the list's 42 */
    [PD_SQL_TICKETS_SEARCH_CREATED_DESC].text =
        TS_SEARCH("t.created_at", "<", "DESC"),
    [PD_SQL_TICKETS_SEARCH_CREATED_ASC].text =
        TS_SEARCH("t.created_at", ">", "ASC"),
    [PD_SQL_TICKETS_SEARCH_UPDATED_DESC].text =
        TS_SEARCH("t.updated_at", "<", "DESC"),
    [PD_SQL_TICKETS_SEARCH_UPDATED_ASC].text =
        TS_SEARCH("t.updated_at", ">", "ASC"),
    [PD_SQL_TICKETS_SEARCH_PRIORITY_DESC].text =
        INT_SEARCH("t.priority_rank", "<", "DESC"),
    [PD_SQL_TICKETS_SEARCH_PRIORITY_ASC].text =
        INT_SEARCH("t.priority_rank", ">", "ASC"),
    [PD_SQL_TICKETS_SEARCH_ID_DESC].text =
        INT_SEARCH("t.id", "<", "DESC"),
    [PD_SQL_TICKETS_SEARCH_ID_ASC].text =
        INT_SEARCH("t.id", ">", "ASC"),

    /* lookups: LIST 1 include inactive; GET 1 id; INSERT 1 name, 2 description,
     * 3 color; UPDATE 1 name, 2 description, 3 color, 4 active, 5 id, 6 name, 7 id */
    [PD_SQL_TICKET_CATEGORIES_LIST].text =
        LOOKUP_LIST("ticket_categories"),
    [PD_SQL_TICKET_CATEGORIES_GET].text =
        LOOKUP_GET("ticket_categories"),
    [PD_SQL_TICKET_CATEGORIES_INSERT].text =
        LOOKUP_INSERT("ticket_categories"),
    [PD_SQL_TICKET_CATEGORIES_UPDATE].text =
        LOOKUP_UPDATE("ticket_categories"),
    [PD_SQL_TICKET_CATEGORIES_LOCK].text =
        LOOKUP_LOCK("ticket_categories"),
    [PD_SQL_TICKET_MODULES_LIST].text =
        LOOKUP_LIST("ticket_modules"),
    [PD_SQL_TICKET_MODULES_GET].text =
        LOOKUP_GET("ticket_modules"),
    [PD_SQL_TICKET_MODULES_INSERT].text =
        LOOKUP_INSERT("ticket_modules"),
    [PD_SQL_TICKET_MODULES_UPDATE].text =
        LOOKUP_UPDATE("ticket_modules"),
    [PD_SQL_TICKET_MODULES_LOCK].text =
        LOOKUP_LOCK("ticket_modules"),

    /* 1 scope, 2 include inactive, 3-5 q (prefix of name or code),
     * 6 cursor name, 7 cursor name, 8 cursor id, 9 limit */
    [PD_SQL_PHARMACIES_LIST].text =
        "SELECT id, name, " PHARMACY_JSON " FROM pharmacies"
        " WHERE %s::bigint IN (0, id) AND (%s::boolean OR active)"
        " AND (%s::text IS NULL OR starts_with(lower(name), lower(%s::text))"
        "  OR starts_with(lower(code), lower(%s::text)))"
        " AND (%s::text IS NULL OR (name, id) > (%s::text, %s::bigint))"
        " ORDER BY name, id LIMIT %s::int",
    [PD_SQL_PHARMACIES_GET].text =
        "SELECT " PHARMACY_JSON " FROM pharmacies"
        " WHERE id = %s::bigint AND %s::bigint IN (0, id)",
    [PD_SQL_PHARMACIES_LOCK].text =
        "SELECT code, name, address, city, phone, active, tier, " PHARMACY_JSON " FROM pharmacies"
        " WHERE id = %s::bigint FOR UPDATE",
    [PD_SQL_PHARMACIES_ACTIVE].text =
        "SELECT active FROM pharmacies WHERE id = %s::bigint",
    /* 1 code, 2 name, 3 address, 4 city, 5 phone, 6 active, 7 tier */
    [PD_SQL_PHARMACIES_INSERT].text =
        "INSERT INTO pharmacies (code, name, address, city, phone, active, tier)"
        " VALUES (%s::text, %s::text, %s::text, %s::text, %s::text, %s::boolean, %s::text)"
        " ON CONFLICT (code) DO NOTHING RETURNING id, " PHARMACY_JSON,
    /* 1 code, 2 name, 3 address, 4 city, 5 phone, 6 active, 7 tier (NULL:
     * none), 8 id, 9 code, 10 id */
    [PD_SQL_PHARMACIES_UPDATE].text =
        "UPDATE pharmacies SET code = %s::text, name = %s::text, address = %s::text,"
        " city = %s::text, phone = %s::text, active = %s::boolean, tier = %s::text, updated_at = now()"
        " WHERE id = %s::bigint AND NOT EXISTS (SELECT 1 FROM pharmacies o"
        " WHERE o.code = %s::text AND o.id <> %s::bigint) RETURNING " PHARMACY_JSON,

    /* 1 role id (NULL = any), 2 role id, 3 pharmacy, 4 pharmacy, 5 include
     * inactive, 6-8 q (prefix of name or username), 9 cursor name, 10 cursor
     * name, 11 cursor id, 12 limit */
    [PD_SQL_USERS_LIST].text =
        "SELECT u.id, u.name, " USER_JSON USER_JOINS
        " WHERE (%s::smallint IS NULL OR u.role_id = %s::smallint)"
        " AND (%s::bigint IS NULL OR u.pharmacy_id = %s::bigint)"
        " AND (%s::boolean OR u.active)"
        " AND (%s::text IS NULL OR starts_with(lower(u.name), lower(%s::text))"
        "  OR starts_with(lower(u.username), lower(%s::text)))"
        " AND (%s::text IS NULL OR (u.name, u.id) > (%s::text, %s::bigint))"
        " ORDER BY u.name, u.id LIMIT %s::int",
    [PD_SQL_USERS_GET].text =
        "SELECT " USER_JSON USER_JOINS " WHERE u.id = %s::bigint",
    /* the columns the module merges into, then the user as the API shows it */
    [PD_SQL_USERS_LOCK].text =
        "SELECT u.username, u.name, u.email, coalesce(u.role_id, 0), coalesce(u.pharmacy_id, 0),"
        " u.active, u.access_source, " USER_JSON USER_JOINS
        " WHERE u.id = %s::bigint FOR UPDATE OF u",
    /* 1 username, 2 name, 3 email, 4 role, 5 pharmacy, 6 active, 7 subject,
     * 8 access source, 9 org unit, 10 NIP/NIK, 11 institution; nothing when
     * the username, subject or NIP/NIK is taken */
    [PD_SQL_USERS_INSERT].text =
        "WITH ins AS (INSERT INTO users (username, name, email, role_id, pharmacy_id, active,"
        " subject, access_source, org_unit_id, nip_nik, institution)"
        " VALUES (%s::text, %s::text, %s::text, %s::smallint, %s::bigint, %s::boolean,"
        " %s::text, %s::text, %s::bigint, %s::text, %s::text) ON CONFLICT DO NOTHING RETURNING *)"
        " SELECT u.id, " USER_JSON USER_JOINS_FROM("ins"),
    /* 1 name, 2 email, 3 role, 4 pharmacy, 5 active, 6 access source, 7 id;
     * the user as the API shows it afterwards */
    [PD_SQL_USERS_UPDATE].text =
        "WITH upd AS (UPDATE users SET name = %s::text, email = %s::text, role_id = %s::smallint,"
        " pharmacy_id = %s::bigint, active = %s::boolean, access_source = %s::text,"
        " updated_at = now() WHERE id = %s::bigint RETURNING *)"
        " SELECT " USER_JSON USER_JOINS_FROM("upd"),

    [PD_SQL_ROLES_LIST].text =
        "SELECT coalesce(json_agg(" ROLE_JSON " ORDER BY id), '[]')::text FROM roles",
    [PD_SQL_ROLES_GET].text =
        "SELECT " ROLE_JSON "::text FROM roles WHERE id = %s::bigint",

    /* One audit entry, inside the change's transaction: 1 actor, 2 action,
     * 3 entity, 4 entity id, 5 the object before, 6 after (JSON as the API
     * shows it; NULL for a create or a delete). Nothing when nothing
     * changed. */
    [PD_SQL_AUDIT_LOG_INSERT].text =
        "INSERT INTO audit_log (actor_id, action, entity, entity_id, changes)"
        " SELECT %s::bigint, %s::text, %s::text, %s::bigint, c"
        " FROM pd_audit_changes(%s::jsonb, %s::jsonb) AS c WHERE c <> '{}'::jsonb",
    /* Newest first. 1-2 actor, 3-4 entity, 5-6 entity id, 7-9 from (and the
     * time zone of a date), 10-12 to, 13-15 the cursor's time (twice) and
     * id, 16 limit. Columns (id, key, json) as the name-sorted pages have
     * them, the key being the time. */
    [PD_SQL_AUDIT_LOG_LIST].text =
        "SELECT a.id, a.at, json_build_object('id', a.id, 'at', a.at,"
        " 'actor', CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id,"
        " 'name', u.name) END, 'action', a.action, 'entity', a.entity,"
        " 'entity_id', a.entity_id, 'changes', a.changes)::text"
        " FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id"
        " WHERE (%s::bigint IS NULL OR a.actor_id = %s::bigint)"
        " AND (%s::text IS NULL OR a.entity = %s::text)"
        " AND (%s::bigint IS NULL OR a.entity_id = %s::bigint)"
        " AND (%s::text IS NULL OR a.at >= pd_time_bound(%s::text, %s::text, false))"
        " AND (%s::text IS NULL OR a.at < pd_time_bound(%s::text, %s::text, true))"
        " AND (%s::timestamptz IS NULL OR (a.at, a.id) < (%s::timestamptz, %s::bigint))"
        " ORDER BY a.at DESC, a.id DESC LIMIT %s::int",
    /* 1 id, 2 pharmacy scope (0 = all): what an upload checks before it
     * reads the body, without a lock (pd_tickets_lock_brief takes it at
     * the end) */
    [PD_SQL_TICKETS_BRIEF].text =
        "SELECT " TICKET_FACTS " FROM tickets"
        " WHERE id = %s::bigint AND pd_ticket_in_scope(%s::bigint, pharmacy_id, org_unit_id)",
    /* The PostgreSQL attachment store (pd_store_pg.c): 1 chunk size */
    [PD_SQL_ATTACHMENT_BLOBS_INSERT].text =
        "INSERT INTO attachment_blobs (chunk_size) VALUES (%s::integer) RETURNING id",
    [PD_SQL_ATTACHMENT_BLOBS_GET].text =
        "SELECT chunk_size FROM attachment_blobs WHERE id = %s::bigint",
    /* the chunks go with it (ON DELETE CASCADE) */
    [PD_SQL_ATTACHMENT_BLOBS_DELETE].text =
        "DELETE FROM attachment_blobs WHERE id = %s::bigint",
    /* 1 blob, 2 sequence number, 3 the bytes (binary, not escaped) */
    [PD_SQL_ATTACHMENT_CHUNKS_INSERT].text =
        "INSERT INTO attachment_chunks (blob_id, seq, data)"
        " VALUES (%s::bigint, %s::integer, %pDb)",
    /* 1 first byte (1-based), 2 length, 3 blob, 4 sequence number: hex,
     * whatever bytea_output says */
    [PD_SQL_ATTACHMENT_CHUNKS_READ].text =
        "SELECT encode(substring(data FROM %s::integer FOR %s::integer), 'hex')"
        " FROM attachment_chunks WHERE blob_id = %s::bigint AND seq = %s::integer",
    /* 1 ticket: the bytes its attachments hold */
    [PD_SQL_TICKET_ATTACHMENTS_TOTAL].text =
        "SELECT coalesce(sum(size_bytes), 0) FROM ticket_attachments WHERE ticket_id = %s::bigint",
    /* An attachment: 1 ticket, 2 uploader, 3 name, 4 sniffed type, 5 size,
     * 6 SHA-256, 7 description, 8 visibility, 9 store, 10 key in the store,
     * 11 the customer role, 12-13 API base. Its row id, for its timeline
     * entry, and the attachment as the API shows it. */
    [PD_SQL_TICKET_ATTACHMENTS_INSERT].text =
        "WITH f AS (INSERT INTO ticket_attachments (ticket_id, user_id, file_name, content_type,"
        "  size_bytes, sha256, description, visibility, storage, storage_key)"
        "  VALUES (%s::bigint, %s::bigint, %s::text, %s::text, %s::bigint, %s::text,"
        "  %s::text, %s::text, %s::text, %s::text) RETURNING *)"
        " SELECT f.id, " ATTACHMENT_JSON " FROM f JOIN users u ON u.id = f.user_id",
    /* The timeline entries of an upload's files (1 ticket, 2 their row ids),
     * in the order they came, once the ticket is locked: numbering an entry
     * waits for the ticket's lock (migration 0020), which an upload takes
     * only after its body */
    [PD_SQL_TICKET_ATTACHMENTS_RECORD].text =
        "INSERT INTO ticket_activities (ticket_id, user_id, kind, new_value, body, visibility,"
        " attachment_id) SELECT ticket_id, user_id, 'attachment', file_name,"
        " nullif(description, ''), visibility, id FROM ticket_attachments"
        " WHERE ticket_id = %s::bigint AND id = ANY (%s::bigint[]) ORDER BY id",
    /* A ticket's attachments in timeline order, every one (staff): 1 the
     * customer role, 2-3 API base, 4 ticket, 5 after this number (NULL:
     * from the start), 6 limit. Columns (id, key, json) as the name-sorted
     * pages have them. */
    [PD_SQL_TICKET_ATTACHMENTS_LIST].text =
        ATTACHMENT_LIST("a.seq"),
    /* The same over the public ones only (customers), numbered as their
     * timeline numbers them */
    [PD_SQL_TICKET_ATTACHMENTS_LIST_PUBLIC].text =
        ATTACHMENT_LIST("a.public_seq"),
    /* One attachment for a download: 1 public id, 2 pharmacy scope (0 =
     * all), 3 internal ones too. Nothing when the caller may not see it. */
    [PD_SQL_TICKET_ATTACHMENTS_GET].text =
        "SELECT f.file_name, f.content_type, f.size_bytes, f.sha256, f.storage, f.storage_key"
        " FROM ticket_attachments f JOIN tickets t ON t.id = f.ticket_id"
        " WHERE f.public_id = %s::bigint AND pd_ticket_in_scope(%s::bigint, t.pharmacy_id, t.org_unit_id)"
        " AND (%s::boolean OR f.visibility = 'public')",

    [PD_SQL_DASHBOARD_READ].text = DASHBOARD(""),
    [PD_SQL_DASHBOARD_READ_PHARMACY].text =
        DASHBOARD(" AND t.pharmacy_id = (SELECT pd_dashboard_pharmacy(scope, pharmacy) FROM b)"),
    /* Moves up to 1 pending dashboard deltas into the counts; how many (0
     * when another process holds the run), and the time zone of the
     * counts' days */
    [PD_SQL_DASHBOARD_DELTAS_COMPACT].text =
        "SELECT pd_dashboard_compact(%s::integer), (SELECT time_zone FROM dashboard_zone)",

    [PD_SQL_SLA_ZONE_VALID].text = SQL_SLA_ZONE_VALID,
    [PD_SQL_SLA_CALENDARS_LIST].text = SQL_SLA_CALENDARS_LIST,
    [PD_SQL_SLA_CALENDARS_GET].text = SQL_SLA_CALENDARS_GET,
    [PD_SQL_SLA_CALENDARS_LOCK].text = SQL_SLA_CALENDARS_LOCK,
    [PD_SQL_SLA_CALENDARS_INSERT].text = SQL_SLA_CALENDARS_INSERT,
    [PD_SQL_SLA_CALENDARS_UPDATE].text = SQL_SLA_CALENDARS_UPDATE,
    [PD_SQL_SLA_CALENDARS_SET].text = SQL_SLA_CALENDARS_SET,
    [PD_SQL_SLA_CALENDARS_EXTEND].text = SQL_SLA_CALENDARS_EXTEND,
    [PD_SQL_SLA_POLICIES_LIST].text = SQL_SLA_POLICIES_LIST,
    [PD_SQL_SLA_POLICIES_GET].text = SQL_SLA_POLICIES_GET,
    [PD_SQL_SLA_POLICIES_LOCK].text = SQL_SLA_POLICIES_LOCK,
    [PD_SQL_SLA_POLICIES_REFS].text = SQL_SLA_POLICIES_REFS,
    [PD_SQL_SLA_POLICIES_SAVE].text = SQL_SLA_POLICIES_SAVE,
    [PD_SQL_SLA_POLICIES_RECOMPUTE].text = SQL_SLA_POLICIES_RECOMPUTE,
    [PD_SQL_SLA_SWEEP].text = SQL_SLA_SWEEP,
    [PD_SQL_TICKETS_ESCALATE].text = SQL_TICKETS_ESCALATE,
    [PD_SQL_SLA_COMPLIANCE].text = SQL_SLA_COMPLIANCE,
    [PD_SQL_SLA_COMPLIANCE_COMPACT].text = SQL_SLA_COMPLIANCE_COMPACT,
    /* 1 pharmacy scope, 2-7 pharmacy, category, module, priority, expert,
     * tech (NULL: any), 8-9 the days, 10 the buckets (staff: expert or
     * tech, 11 the one person shown, NULL: everyone): the report's JSON */
    [PD_SQL_REPORT_VOLUME].text = REPORT_JSON("volume", ""),
    [PD_SQL_REPORT_TIMES].text = REPORT_JSON("times", ""),
    [PD_SQL_REPORT_SLA].text = REPORT_JSON("sla", ""),
    [PD_SQL_REPORT_STAFF].text = REPORT_JSON("staff", ", %s::bigint"),
    [PD_SQL_REPORT_CSAT].text = REPORT_JSON("csat", ""),
    /* 1 batch: pending report deltas folded into the counts */
    [PD_SQL_REPORT_COMPACT].text = "SELECT pd_report_compact(%s::integer)",
    /* ---- notifications: the background work (migration 0021) ---- */

    /* A fan-out's first statement: no ticket is deleted until its
     * transaction ends, nor while one being deleted is not yet gone
     * (migration 0021: deliveries have no foreign key). A statement of its
     * own, so that the take's snapshot comes after the wait. */
    [PD_SQL_NOTIFY_DELIVERIES_LOCK].text =
        "SELECT pd_notify_fanout_lock(false)",
    /* Takes up to 1 events of the outbox, oldest first, skipping those
     * another fan-out holds: deleted in the transaction that writes their
     * deliveries, so back in the outbox should it roll back. With what the
     * rules decide on: the event, its ticket (NULL when it is gone) and its
     * timeline entry: 0 id, 1 event, 2 ticket, 3 entry, 4 status, 5
     * pharmacy, 6 customer, 7 expert, 8 tech (0: none), 9 actor (0: the
     * system), 10 internal, 11 the person an assignment names (taken off:
     * the previous one), 12 the path of the ticket's org unit (NULL: none) */
    [PD_SQL_NOTIFY_OUTBOX_TAKE].text =
        "WITH o AS (DELETE FROM notify_outbox WHERE id = ANY (ARRAY(SELECT id FROM notify_outbox"
        "  ORDER BY id LIMIT %s::integer FOR UPDATE SKIP LOCKED)) RETURNING *)"
        " SELECT o.id, o.event, o.ticket_id, o.activity_id, t.status, t.pharmacy_id,"
        " coalesce(t.customer_id, 0), coalesce(t.expert_id, 0), coalesce(t.tech_id, 0),"
        " coalesce(a.user_id, 0), coalesce(a.visibility = 'internal', false),"
        " CASE WHEN a.kind = 'assigned' THEN coalesce(a.new_value, a.old_value) END,"
        " (SELECT ou.path::text FROM org_units ou WHERE ou.id = t.org_unit_id)"
        " FROM o LEFT JOIN tickets t ON t.id = o.ticket_id"
        " LEFT JOIN ticket_activities a ON a.id = o.activity_id"
        " ORDER BY o.id",
    /* The active people a batch of events may concern, with the channels
     * each wants each event on (their own choice, else their role's
     * default), among those this server delivers, and can be reached by.
     * The events by their place in the batch: 1 places, 2 events, 3 every
     * team expert, 4 every admin, 5 every manager, 6 a pharmacy whose
     * customers all count (NULL: none), 7 the ticket, 8 its org unit's
     * leads and backups, arrays of the same length; 9-10 the
     * people each names, by place (two arrays of the same length); 11 the
     * team expert role, 12 the admin role, 13 the manager role, 14 the
     * customer role; 15 the channels this server delivers (an array).
     * Columns: place, id, role (0: none), pharmacy (0: none), active, the
     * channels comma-separated, org unit (0: none), whether they are a lead
     * or backup of the ticket's unit; by place, only people
     * who want the event on some channel. A batch concerns the same few
     * people over and over (the team, the admins), so each person's choice
     * is looked up once per event kind (w), not once per event. */
    [PD_SQL_USERS_NOTIFY_CANDIDATES].text =
        "WITH g AS (SELECT * FROM unnest(%s::integer[], %s::text[], %s::boolean[], %s::boolean[],"
        "  %s::boolean[], %s::bigint[], %s::bigint[], %s::boolean[])"
        "  AS g (place, event, team, admins, managers, pharmacy, ticket, units)),"
        " uc AS (SELECT g.place, oc.user_id FROM g JOIN tickets t ON t.id = g.ticket"
        "  JOIN org_unit_contacts oc ON oc.org_unit_id = t.org_unit_id AND oc.kind IN ('lead', 'backup')"
        "  WHERE g.units AND oc.user_id IS NOT NULL),"
        " c AS (SELECT n.place, n.user_id FROM unnest(%s::integer[], %s::bigint[]) AS n (place, user_id)"
        "  UNION SELECT g.place, u.id FROM g JOIN users u ON g.team AND u.role_id = %s::smallint"
        "  UNION SELECT g.place, u.id FROM g JOIN users u ON g.admins AND u.role_id = %s::smallint"
        "  UNION SELECT g.place, u.id FROM g JOIN users u ON g.managers AND u.role_id = %s::smallint"
        "  UNION SELECT g.place, u.id FROM g JOIN users u ON u.pharmacy_id = g.pharmacy"
        "   AND u.role_id = %s::smallint"
        "  UNION SELECT uc.place, uc.user_id FROM uc),"
        " ce AS (SELECT c.place, c.user_id, g.event FROM c JOIN g ON g.place = c.place),"
        " w AS MATERIALIZED (SELECT u.id, e.event, u.role_id, u.pharmacy_id, u.active, u.org_unit_id,"
        "  (SELECT string_agg(d.channel, ',' ORDER BY d.channel)"
        "   FROM notify_role_defaults d LEFT JOIN notify_preferences p"
        "    ON p.user_id = u.id AND p.event = d.event AND p.channel = d.channel"
        "   WHERE d.role_id = u.role_id AND d.event = e.event AND d.channel = ANY (%s::text[])"
        "   AND coalesce(p.enabled, d.enabled)"
        "   AND (d.channel <> 'email' OR coalesce(u.email, '') <> '')"
        "   AND (d.channel <> 'whatsapp' OR (u.whatsapp_number IS NOT NULL"
        "    AND u.whatsapp_opt_in_at IS NOT NULL))) AS channels"
        "  FROM (SELECT DISTINCT user_id, event FROM ce) e JOIN users u ON u.id = e.user_id AND u.active)"
        " SELECT ce.place, w.id, coalesce(w.role_id, 0), coalesce(w.pharmacy_id, 0), w.active, w.channels,"
        " coalesce(w.org_unit_id, 0),"
        " EXISTS (SELECT 1 FROM uc WHERE uc.place = ce.place AND uc.user_id = w.id)"
        " FROM ce JOIN w ON w.id = ce.user_id AND w.event = ce.event WHERE w.channels IS NOT NULL"
        " ORDER BY ce.place, w.id",
    /* The deliveries of a batch of events, one per recipient and channel:
     * 1 events, 2 tickets, 3 timeline entries, 4 recipients, 5 channels
     * (arrays of the same length); 6 the channels that deliver within this
     * transaction (an array): theirs are sent once it commits. Their ids
     * and channels. */
    [PD_SQL_NOTIFY_DELIVERIES_INSERT].text =
        "WITH t AS (SELECT %s::text[] AS now_channels)"
        " INSERT INTO notify_deliveries (event, ticket_id, activity_id, user_id, channel, status,"
        " attempts, sent_at)"
        " SELECT x.e, x.t, x.a, x.u, x.c,"
        " CASE WHEN x.c = ANY (t.now_channels) THEN 'sent' ELSE 'pending' END,"
        " CASE WHEN x.c = ANY (t.now_channels) THEN 1 ELSE 0 END,"
        " CASE WHEN x.c = ANY (t.now_channels) THEN now() END"
        " FROM t, unnest(%s::text[], %s::bigint[], %s::bigint[], %s::bigint[], %s::text[])"
        "  AS x (e, t, a, u, c)"
        " RETURNING id, channel",
    /* Claims up to 3 due deliveries of channel 2, oldest first, skipping
     * what others hold, for 1 seconds (the lease: status sending until
     * then, when another may claim it again), counting the attempt; with
     * what a message needs. Columns: 0 id, 1 event, 2 attempts, 3 ticket,
     * 4 recipient (0: none), 5 their name, 6 e-mail, 7 language, 8 role,
     * 9 pharmacy, 10 active; 11 ticket number, 12 title, 13 priority,
     * 14 status, 15 pharmacy, 16 customer, 17 expert, 18 tech; 19 the
     * pharmacy's name; the entry's 20 field, 21 old value, 22 new value,
     * 23 body, 24 visibility, 25 actor (0: the system), 26 the actor's
     * name; 27-28 the names of the people an assignment names (old, new);
     * 29 when it happened (Unix time, microseconds) */
    [PD_SQL_NOTIFY_DELIVERIES_CLAIM].text =
        "WITH c AS (UPDATE notify_deliveries d SET status = 'sending', attempts = d.attempts + 1,"
        "  due_at = now() + make_interval(secs => %s::integer)"
        "  FROM (SELECT id FROM notify_deliveries WHERE channel = %s::text"
        "   AND status IN ('pending', 'sending', 'failed') AND due_at <= now()"
        "   ORDER BY due_at, id LIMIT %s::integer FOR UPDATE SKIP LOCKED) n"
        "  WHERE d.id = n.id RETURNING d.*)"
        " SELECT c.id, c.event, c.attempts, c.ticket_id, coalesce(c.user_id, 0), u.name, u.email,"
        " u.language, coalesce(u.role_id, 0), coalesce(u.pharmacy_id, 0), coalesce(u.active, false),"
        " t.number, t.title, t.priority, t.status, t.pharmacy_id, coalesce(t.customer_id, 0),"
        " coalesce(t.expert_id, 0), coalesce(t.tech_id, 0), p.name,"
        " a.field, a.old_value, a.new_value, a.body, coalesce(a.visibility, 'public'),"
        " coalesce(a.user_id, 0), w.name,"
        " CASE WHEN a.kind = 'assigned' THEN (SELECT o.name FROM users o"
        "  WHERE o.id = a.old_value::bigint) END,"
        " CASE WHEN a.kind = 'assigned' THEN (SELECT o.name FROM users o"
        "  WHERE o.id = a.new_value::bigint) END,"
        " floor(extract(epoch FROM coalesce(a.created_at, c.created_at)) * 1000000)::bigint,"
        " coalesce(u.org_unit_id, 0), (SELECT ou.path::text FROM org_units ou WHERE ou.id = t.org_unit_id)"
        " FROM c JOIN tickets t ON t.id = c.ticket_id JOIN pharmacies p ON p.id = t.pharmacy_id"
        " LEFT JOIN users u ON u.id = c.user_id"
        " LEFT JOIN ticket_activities a ON a.id = c.activity_id"
        " LEFT JOIN users w ON w.id = a.user_id"
        " ORDER BY c.id",
    /* 1 delivery: delivered, by the sender that holds it */
    [PD_SQL_NOTIFY_DELIVERIES_SENT].text =
        "UPDATE notify_deliveries SET status = 'sent', sent_at = now()"
        " WHERE id = %s::bigint AND status = 'sending'",
    /* Not delivered: 1 failed (a retry after 2 seconds), dead or cancelled,
     * 3 why, 4 delivery; by the sender that holds it */
    [PD_SQL_NOTIFY_DELIVERIES_FAILED].text =
        "UPDATE notify_deliveries SET status = %s::text,"
        " due_at = now() + make_interval(secs => %s::integer), last_error = %s::text"
        " WHERE id = %s::bigint AND status = 'sending'",
    /* Claimed and not attempted (the process is stopping): due again at
     * once, the attempt not counted. 1 the deliveries (an array) */
    [PD_SQL_NOTIFY_DELIVERIES_RELEASE].text =
        "UPDATE notify_deliveries SET status = CASE WHEN last_error IS NULL THEN 'pending'"
        " ELSE 'failed' END, attempts = attempts - 1, due_at = now()"
        " WHERE id = ANY (%s::bigint[]) AND status = 'sending'",
    /* ---- notifications: the API ---- */

    /* 1 language, 2 user, 3 the language again: nothing when unchanged */
    [PD_SQL_USERS_SET_LANGUAGE].text =
        "UPDATE users SET language = %s::text, updated_at = now()"
        " WHERE id = %s::bigint AND language <> %s::text",
    /* A user's choices over their role's defaults: 1 user, 2 role. Rows
     * (event, channel, the default, the user's own or NULL). */
    [PD_SQL_NOTIFY_PREFERENCES_GET].text =
        "SELECT d.event, d.channel, d.enabled, p.enabled FROM notify_role_defaults d"
        " LEFT JOIN notify_preferences p ON p.user_id = %s::bigint AND p.event = d.event"
        "  AND p.channel = d.channel"
        " WHERE d.role_id = %s::smallint ORDER BY d.event, d.channel",
    /* A user's choices: 1-3 events, channels and on/off (arrays of the same
     * length; NULL: back to the role's default), 4 user, 5 user */
    [PD_SQL_NOTIFY_PREFERENCES_SET].text =
        "WITH x AS (SELECT * FROM unnest(%s::text[], %s::text[], %s::boolean[])"
        "  AS x (event, channel, enabled)),"
        " reset AS (DELETE FROM notify_preferences p USING x WHERE p.user_id = %s::bigint"
        "  AND p.event = x.event AND p.channel = x.channel AND x.enabled IS NULL)"
        " INSERT INTO notify_preferences (user_id, event, channel, enabled)"
        " SELECT %s::bigint, event, channel, enabled FROM x WHERE enabled IS NOT NULL"
        " ON CONFLICT (user_id, event, channel) DO UPDATE SET enabled = EXCLUDED.enabled",
    /* Every role's defaults: rows (role id, event, channel, on/off) */
    [PD_SQL_NOTIFY_ROLE_DEFAULTS_LIST].text =
        "SELECT role_id, event, channel, enabled FROM notify_role_defaults"
        " ORDER BY role_id, event, channel",
    /* The same, locked for a change */
    [PD_SQL_NOTIFY_ROLE_DEFAULTS_LOCK].text =
        "SELECT role_id, event, channel, enabled FROM notify_role_defaults"
        " ORDER BY role_id, event, channel FOR UPDATE",
    /* 1 roles, 2 events, 3 channels, 4 on/off (arrays of the same length) */
    [PD_SQL_NOTIFY_ROLE_DEFAULTS_SET].text =
        "UPDATE notify_role_defaults d SET enabled = x.enabled"
        " FROM unnest(%s::smallint[], %s::text[], %s::text[], %s::boolean[])"
        "  AS x (role_id, event, channel, enabled)"
        " WHERE d.role_id = x.role_id AND d.event = x.event AND d.channel = x.channel",
    /* A user's notifications, newest first: 1 staff (the entries' numbers),
     * 2 user, 3 unread only, 4 pharmacy scope, 5 staff (internal entries),
     * 6-7 before this id (NULL: from the newest), 8 limit. Columns (id,
     * key, json) as the name-sorted pages have them. */
    [PD_SQL_NOTIFICATIONS_LIST].text =
        "SELECT n.id, n.id::text, " NOTIFICATION_JSON NOTIFICATION_FROM
        " LEFT JOIN users w ON w.id = a.user_id"
        " WHERE" NOTIFICATION_MINE " AND (NOT %s::boolean OR n.read_at IS NULL) AND"
        NOTIFICATION_VISIBLE
        " AND (%s::bigint IS NULL OR n.id < %s::bigint)"
        " ORDER BY n.id DESC LIMIT %s::integer",
    /* What the bell shows: how many unread (at most 100) and the newest
     * unread's id. 1 user, 2 scope, 3 staff, and the same again. Both walk
     * the unread index from the newest and stop as soon as they have
     * their answer: a max() would read all of a user's unread ones (10 s
     * for 480,000 of them, against 20 ms). */
    [PD_SQL_NOTIFICATIONS_UNREAD].text =
        "SELECT (SELECT count(*) FROM (SELECT 1" NOTIFICATION_FROM
        "  WHERE" NOTIFICATION_MINE " AND n.read_at IS NULL AND" NOTIFICATION_VISIBLE
        "  ORDER BY n.id DESC LIMIT 100) c),"
        " (SELECT n.id" NOTIFICATION_FROM
        "  WHERE" NOTIFICATION_MINE " AND n.read_at IS NULL AND" NOTIFICATION_VISIBLE
        "  ORDER BY n.id DESC LIMIT 1)",
    /* 1 notification, 2 its user, 3 scope, 4 staff: read (once; reading
     * again keeps the first time); nothing when it is not theirs to read */
    [PD_SQL_NOTIFICATIONS_READ].text =
        "UPDATE notify_deliveries n SET read_at = coalesce(n.read_at, now())"
        " FROM tickets t WHERE n.id = %s::bigint AND" NOTIFICATION_MINE " AND t.id = n.ticket_id"
        " AND pd_ticket_in_scope(%s::bigint, t.pharmacy_id, t.org_unit_id)"
        " AND (%s::boolean OR (n.event <> 'internal_note'"
        " AND NOT EXISTS (SELECT 1 FROM ticket_activities a WHERE a.id = n.activity_id"
        "  AND a.visibility = 'internal')))"
        " RETURNING n.id",
    /* 1 user: every unread one read, 2-3 up to this id (NULL: all), 4-5
     * about this ticket (NULL: any). Planned with its values: which of the
     * unread index and the key reaches the rows depends on how many the
     * user has and where up_to falls (with a plan for any values, a user
     * without unread ones had every key read) */
    [PD_SQL_NOTIFICATIONS_READ_ALL].text =
        "UPDATE notify_deliveries n SET read_at = now() WHERE" NOTIFICATION_MINE
        " AND n.read_at IS NULL AND (%s::bigint IS NULL OR n.id <= %s::bigint)"
        " AND (%s::bigint IS NULL OR n.ticket_id = %s::bigint)",
    /* Every delivery, newest first: 1-2 status, 3-4 channel, 5-6 ticket,
     * 7-8 recipient, 9-10 before this id, 11 limit. Columns (id, key,
     * json). */
    [PD_SQL_NOTIFY_DELIVERIES_LIST].text =
        "SELECT d.id, d.id::text, " DELIVERY_JSON DELIVERY_FROM("notify_deliveries")
        " WHERE (%s::text IS NULL OR d.status = %s::text)"
        " AND (%s::text IS NULL OR d.channel = %s::text)"
        " AND (%s::bigint IS NULL OR d.ticket_id = %s::bigint)"
        " AND (%s::bigint IS NULL OR d.user_id = %s::bigint)"
        " AND (%s::bigint IS NULL OR d.id < %s::bigint)"
        " ORDER BY d.id DESC LIMIT %s::integer",
    /* A ticket's deliveries, oldest first as its timeline: 1 ticket, 2
     * after this id (NULL: from the first), 3 limit. Columns (id, key,
     * json). */
    [PD_SQL_NOTIFY_DELIVERIES_TICKET].text =
        "SELECT d.id, d.id::text, " DELIVERY_JSON DELIVERY_FROM("notify_deliveries")
        " WHERE d.ticket_id = %s::bigint AND d.id > coalesce(%s::bigint, 0)"
        " ORDER BY d.id LIMIT %s::integer",
    /* 1 delivery, failed or dead: due again at once, with all its attempts
     * ahead of it; the delivery as it is then */
    [PD_SQL_NOTIFY_DELIVERIES_RETRY].text =
        "WITH r AS (UPDATE notify_deliveries SET status = 'pending', attempts = 0, due_at = now()"
        "  WHERE id = %s::bigint AND status IN ('failed', 'dead') RETURNING *)"
        " SELECT " DELIVERY_JSON DELIVERY_FROM("r"),
    /* 1 delivery: a row when there is one */
    [PD_SQL_NOTIFY_DELIVERIES_EXISTS].text =
        "SELECT 1 FROM notify_deliveries WHERE id = %s::bigint",

    /* ---- WhatsApp: the channel, the webhook, the numbers (migration 0023) ---- */

    /* 1 user: where a message to them goes, and whether they opted in */
    [PD_SQL_USERS_WHATSAPP_RECIPIENT].text =
        "SELECT whatsapp_number, whatsapp_opt_in_at IS NOT NULL FROM users WHERE id = %s::bigint",
    /* 1 the message's id at the provider, 2 delivery: recorded as the API
     * took it */
    [PD_SQL_NOTIFY_DELIVERIES_EXTERNAL].text =
        "UPDATE notify_deliveries SET external_id = %s::text WHERE id = %s::bigint",
    /* What Meta says of a message sent: 1 its wamid, 2 the delivery its
     * callback data names (NULL: none; found by it while the wamid is not
     * recorded yet), 3 sent, delivered, read or failed, 4 a failure's
     * error. A receipt only goes forward (read stays read); a failure of a
     * message the API had taken makes its delivery dead, with the error.
     * The deliveries updated. */
    [PD_SQL_NOTIFY_DELIVERIES_RECEIPT].text =
        "WITH s AS (SELECT %s::text AS wamid, %s::bigint AS delivery, %s::text AS status,"
        "  %s::text AS error),"
        " t AS (SELECT d.id, s.wamid, s.error,"
        "  CASE WHEN s.status = 'read' THEN 'read' WHEN s.status = 'delivered'"
        "   THEN coalesce(d.receipt, 'delivered') ELSE d.receipt END AS receipt,"
        "  s.status = 'failed' AND d.status = 'sent' AS failed"
        "  FROM s JOIN notify_deliveries d ON d.channel = 'whatsapp'"
        "   AND (d.external_id = s.wamid OR (d.external_id IS NULL AND d.id = s.delivery))"
        "  FOR UPDATE OF d)"
        " UPDATE notify_deliveries d SET external_id = coalesce(d.external_id, t.wamid),"
        " receipt = t.receipt,"
        " receipt_at = CASE WHEN t.receipt IS DISTINCT FROM d.receipt THEN now() ELSE d.receipt_at END,"
        " status = CASE WHEN t.failed THEN 'dead' ELSE d.status END,"
        " last_error = CASE WHEN t.failed THEN t.error ELSE d.last_error END"
        " FROM t WHERE d.id = t.id RETURNING d.id",
    /* One more request to the webhook from 1 a client address: its count
     * in the current minute, and the seconds until the next */
    [PD_SQL_WHATSAPP_HOOK_HITS_COUNT].text =
        "WITH w AS (SELECT date_bin('1 minute', now(), timestamptz '2000-01-01 00:00+00') AS start)"
        " INSERT INTO whatsapp_hook_hits AS h (address, window_start, hits)"
        " SELECT %s::text, w.start, 1 FROM w"
        " ON CONFLICT (address) DO UPDATE SET"
        " hits = CASE WHEN h.window_start = EXCLUDED.window_start THEN h.hits + 1 ELSE 1 END,"
        " window_start = EXCLUDED.window_start"
        " RETURNING hits,"
        " greatest(1, ceil(extract(epoch FROM window_start + interval '1 minute' - now())))::integer",
    /* 1 a message's wamid: a row when it is new (a repeat waits for the
     * first one's transaction, then gets none) */
    [PD_SQL_WHATSAPP_INBOUND_CLAIM].text =
        "INSERT INTO whatsapp_inbound (wamid, outcome) VALUES (%s::text, 'ignored')"
        " ON CONFLICT (wamid) DO NOTHING RETURNING 1",
    /* What became of it: 1 reply or ticket, 2 the ticket, 3 wamid */
    [PD_SQL_WHATSAPP_INBOUND_RECORD].text =
        "UPDATE whatsapp_inbound SET outcome = %s::text, ticket_id = %s::bigint WHERE wamid = %s::text",
    /* 1 a number (E.164): the user who opted in to it. Columns: id, role
     * (0: none), pharmacy (0: none), active, name */
    [PD_SQL_USERS_WHATSAPP_SENDER].text =
        "SELECT id, coalesce(role_id, 0), coalesce(pharmacy_id, 0), active, name FROM users"
        " WHERE whatsapp_number = %s::text AND whatsapp_opt_in_at IS NOT NULL",
    /* Every timeline entry of this transaction came by WhatsApp (the
     * default of ticket_activities.channel reads the setting) */
    [PD_SQL_WHATSAPP_CHANNEL_SET].text =
        "SELECT set_config('pharmadesk.channel', 'whatsapp', true)",
    /* 1 customer, 2 their pharmacy: the newest of their tickets that is
     * not solved yet */
    [PD_SQL_TICKETS_WHATSAPP_OPEN].text =
        "SELECT id FROM tickets WHERE customer_id = %s::bigint AND pharmacy_id = %s::bigint"
        " AND status IN (" UNSOLVED ") ORDER BY created_at DESC, id DESC LIMIT 1",
    /* A customer's ticket from a message, as pd_tickets_insert makes one:
     * 1 the category and 2 the module by name (none, or none active: the
     * first active one), 3 the pharmacy (active), 4 time zone, 5 prefix,
     * 6 pic, 7 contact, 8 title, 9 description, 10 customer, 11 creator.
     * Its id and number; nothing when the pharmacy is no longer active or
     * no category or module is. */
    [PD_SQL_TICKETS_WHATSAPP_INSERT].text =
        "WITH ref AS (SELECT"
        "  coalesce((SELECT id FROM ticket_categories WHERE name = %s::text AND active),"
        "   (SELECT id FROM ticket_categories WHERE active ORDER BY id LIMIT 1)) AS category_id,"
        "  coalesce((SELECT id FROM ticket_modules WHERE name = %s::text AND active),"
        "   (SELECT id FROM ticket_modules WHERE active ORDER BY id LIMIT 1)) AS module_id,"
        "  (SELECT id FROM pharmacies WHERE id = %s::bigint AND active) AS pharmacy_id),"
        " y AS (SELECT extract(year FROM now() AT TIME ZONE %s::text)::int AS year),"
        " ins AS (INSERT INTO tickets (number, pharmacy_id, pic_name, contact, app_version,"
        " module_id, category_id, title, description, priority, source, customer_id, created_by)"
        " SELECT pd_ticket_number(%s::text, y.year, pd_next_ticket_seq(y.year)), ref.pharmacy_id,"
        " %s::text, %s::text, '', ref.module_id, ref.category_id, %s::text, %s::text,"
        " 'medium', 'whatsapp', %s::bigint, %s::bigint FROM ref, y"
        " WHERE ref.pharmacy_id IS NOT NULL AND ref.category_id IS NOT NULL"
        " AND ref.module_id IS NOT NULL RETURNING *),"
        " act AS (INSERT INTO ticket_activities (ticket_id, user_id, kind, new_value)"
        " SELECT id, created_by, 'created', 'open' FROM ins)"
        " SELECT id, number FROM ins",
    /* The webhook's counts of minutes past, and the ids of messages taken
     * in more than 30 days ago (Meta stops repeating one after 7), 10,000
     * at a time */
    [PD_SQL_WHATSAPP_FORGET].text =
        "WITH h AS (DELETE FROM whatsapp_hook_hits WHERE window_start < now() - interval '2 minutes'),"
        " i AS (DELETE FROM whatsapp_inbound WHERE wamid IN (SELECT wamid FROM whatsapp_inbound"
        "  WHERE received_at < now() - interval '30 days' ORDER BY received_at LIMIT 10000))"
        " SELECT 1",
    /* 1 user: their WhatsApp number and opt-in, locked for a change */
    [PD_SQL_USERS_WHATSAPP_LOCK].text =
        "SELECT " USER_WHATSAPP_JSON "::text FROM users u WHERE u.id = %s::bigint FOR UPDATE",
    /* A change of 1 the user's number and opt-in: 2 whether the number is
     * given, 3 the number (NULL: none), 4 the opt-in: 'set', 'clear' or
     * 'keep'. A new number is not opted in unless the change says so;
     * opting in again keeps the first time; no number, no opt-in. Nothing
     * when another account has opted in to the number. The number and
     * opt-in as they are then. */
    [PD_SQL_USERS_WHATSAPP_SET].text =
        "WITH x AS (SELECT %s::bigint AS id, %s::boolean AS given, %s::text AS number,"
        "  %s::text AS opt_in),"
        " n AS (SELECT u.id, u.whatsapp_number AS old, u.whatsapp_opt_in_at AS old_at, x.opt_in,"
        "  CASE WHEN x.given THEN x.number ELSE u.whatsapp_number END AS number"
        "  FROM users u JOIN x ON x.id = u.id),"
        " m AS (SELECT n.id, n.number,"
        "  CASE WHEN n.opt_in = 'clear' OR n.number IS NULL THEN NULL"
        "   WHEN n.number IS DISTINCT FROM n.old THEN CASE WHEN n.opt_in = 'set' THEN now() END"
        "   WHEN n.opt_in = 'set' THEN coalesce(n.old_at, now())"
        "   ELSE n.old_at END AS at FROM n)"
        " UPDATE users u SET whatsapp_number = m.number, whatsapp_opt_in_at = m.at,"
        " updated_at = CASE WHEN (u.whatsapp_number, u.whatsapp_opt_in_at)"
        "  IS DISTINCT FROM (m.number, m.at) THEN now() ELSE u.updated_at END"
        " FROM m WHERE u.id = m.id AND NOT (m.at IS NOT NULL AND EXISTS (SELECT 1 FROM users o"
        "  WHERE o.whatsapp_number = m.number AND o.whatsapp_opt_in_at IS NOT NULL AND o.id <> m.id))"
        " RETURNING " USER_WHATSAPP_JSON "::text",

    /* ---- webhooks: the channel (migration 0022) ---- */

    /* One event's webhook deliveries, in the fan-out's transaction: one per
     * active endpoint that takes the event and the ticket's pharmacy, and
     * internal entries (1 the customer role, for the entry's actor), with
     * the payload as things are now. 2 event, 3 ticket, 4 timeline entry
     * (NULL: none), 5 internal, 6 the portal's URL (NULL: unknown). */
    [PD_SQL_WEBHOOK_DELIVERIES_FAN_OUT].text =
        "INSERT INTO notify_deliveries (event, ticket_id, activity_id, channel, endpoint_id, payload)"
        " SELECT x.event, t.id, a.id, 'webhook', e.id, json_build_object("
        "  'ticket', json_build_object('id', t.id, 'number', t.number, 'title', t.title,"
        "   'description', t.description, 'status', t.status, 'priority', t.priority,"
        "   'source', t.source, 'pharmacy', json_build_object('id', p.id, 'code', p.code, 'name', p.name),"
        "   'module', (SELECT json_build_object('id', m.id, 'name', m.name) FROM ticket_modules m"
        "    WHERE m.id = t.module_id),"
        "   'category', (SELECT json_build_object('id', c.id, 'name', c.name) FROM ticket_categories c"
        "    WHERE c.id = t.category_id),"
        "   'customer', " WEBHOOK_PERSON("t.customer_id") ", 'expert', " WEBHOOK_PERSON("t.expert_id") ","
        "   'tech', " WEBHOOK_PERSON("t.tech_id") ", 'created_at', t.created_at,"
        "   'updated_at', t.updated_at, 'url', x.portal || '#/t/' || t.id),"
        "  'entry', CASE WHEN a.id IS NULL THEN NULL ELSE (" ACTIVITY_JSON("a.seq") ")::json END,"
        "  'actor', CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id, 'name', u.name,"
        "   'role', r.code) END)"
        " FROM (SELECT %s::text AS event, %s::bigint AS ticket_id, %s::bigint AS activity_id,"
        "  %s::boolean AS internal, %s::text AS portal) x"
        " JOIN tickets t ON t.id = x.ticket_id JOIN pharmacies p ON p.id = t.pharmacy_id"
        " LEFT JOIN ticket_activities a ON a.id = x.activity_id"
        " LEFT JOIN users u ON u.id = a.user_id LEFT JOIN roles r ON r.id = u.role_id"
        " JOIN webhook_endpoints e ON e.active"
        "  AND (cardinality(e.events) = 0 OR x.event = ANY (e.events))"
        "  AND (cardinality(e.pharmacy_ids) = 0 OR t.pharmacy_id = ANY (e.pharmacy_ids))"
        "  AND (e.include_internal OR NOT x.internal)"
        " ORDER BY e.id",
    /* What a delivery sends, 1 the delivery: its endpoint (id, URL,
     * secret, active), the event, the body, and whether the endpoint still
     * takes it (an internal entry, after include_internal was turned off) */
    [PD_SQL_WEBHOOK_DELIVERIES_MESSAGE].text =
        "SELECT e.id, e.url, e.secret, e.active, d.event, " WEBHOOK_BODY "::text,"
        " e.include_internal OR NOT (d.event = 'internal_note' OR coalesce(a.visibility = 'internal', false))"
        " FROM notify_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id"
        " LEFT JOIN ticket_activities a ON a.id = d.activity_id"
        " WHERE d.id = %s::bigint",
    /* An attempt of 1 delivery: 2 milliseconds, 3 address, 4 the
     * receiver's status, 5 the start of its answer, 6 why it failed */
    [PD_SQL_WEBHOOK_ATTEMPTS_INSERT].text =
        "INSERT INTO webhook_attempts (delivery_id, duration_ms, address, response_status,"
        " response_excerpt, error)"
        " VALUES (%s::bigint, %s::integer, %s::text, %s::smallint, %s::text, %s::text)",
    /* A receiver answered 410 Gone: 1 endpoint deactivated, with 2 the
     * reason. The endpoint before and after (for the audit log), when it
     * was active */
    [PD_SQL_WEBHOOK_ENDPOINTS_DISABLE].text =
        "WITH b AS (SELECT e.id, " WEBHOOK_ENDPOINT_JSON " AS before FROM webhook_endpoints e"
        "  WHERE e.id = %s::bigint AND e.active FOR UPDATE)"
        " UPDATE webhook_endpoints e SET active = false, disabled_reason = %s::text, updated_at = now()"
        " FROM b WHERE e.id = b.id RETURNING b.before, " WEBHOOK_ENDPOINT_JSON,

    /* ---- webhooks: the admin API ---- */

    /* Every endpoint, oldest first: 1 after this id (NULL: from the
     * first), 2 limit. Columns (id, key, json). */
    [PD_SQL_WEBHOOK_ENDPOINTS_LIST].text =
        "SELECT e.id, e.id::text, " WEBHOOK_ENDPOINT_JSON " FROM webhook_endpoints e"
        " WHERE e.id > coalesce(%s::bigint, 0) ORDER BY e.id LIMIT %s::integer",
    /* 1 endpoint: json, URL, secret */
    [PD_SQL_WEBHOOK_ENDPOINTS_GET].text =
        "SELECT " WEBHOOK_ENDPOINT_JSON ", e.url, e.secret FROM webhook_endpoints e"
        " WHERE e.id = %s::bigint",
    /* 1 endpoint, locked for a change: URL, description, events and
     * pharmacies (array literals), include_internal, active, json */
    [PD_SQL_WEBHOOK_ENDPOINTS_LOCK].text =
        "SELECT e.url, e.description, e.events::text, e.pharmacy_ids::text, e.include_internal,"
        " e.active, " WEBHOOK_ENDPOINT_JSON " FROM webhook_endpoints e WHERE e.id = %s::bigint"
        " FOR UPDATE",
    /* 1 URL, 2 description, 3 secret, 4 events, 5 pharmacies (arrays), 6
     * include_internal, 7 active, 8 creator. Its id and json. */
    [PD_SQL_WEBHOOK_ENDPOINTS_INSERT].text =
        "INSERT INTO webhook_endpoints AS e (url, description, secret, events, pharmacy_ids,"
        " include_internal, active, created_by)"
        " VALUES (%s::text, %s::text, %s::text, %s::text[], %s::bigint[], %s::boolean, %s::boolean,"
        " %s::bigint) RETURNING e.id, " WEBHOOK_ENDPOINT_JSON,
    /* 1 URL, 2 description, 3 events, 4 pharmacies, 5 include_internal, 6
     * active (reactivated: the reason it was deactivated goes), 7 the same,
     * 8 endpoint. Its json. */
    [PD_SQL_WEBHOOK_ENDPOINTS_UPDATE].text =
        "UPDATE webhook_endpoints e SET url = %s::text, description = %s::text, events = %s::text[],"
        " pharmacy_ids = %s::bigint[], include_internal = %s::boolean, active = %s::boolean,"
        " disabled_reason = CASE WHEN %s::boolean THEN NULL ELSE e.disabled_reason END,"
        " updated_at = now() WHERE e.id = %s::bigint RETURNING " WEBHOOK_ENDPOINT_JSON,
    /* 1 the new secret, 2 endpoint. Its json. */
    [PD_SQL_WEBHOOK_ENDPOINTS_ROTATE].text =
        "UPDATE webhook_endpoints e SET secret = %s::text, secret_rotated_at = now(),"
        " updated_at = now() WHERE e.id = %s::bigint RETURNING " WEBHOOK_ENDPOINT_JSON,
    /* 1 endpoint, with its deliveries and their attempts */
    [PD_SQL_WEBHOOK_ENDPOINTS_DELETE].text =
        "DELETE FROM webhook_endpoints WHERE id = %s::bigint",
    /* How many of 1 (an array of ids) are pharmacies */
    [PD_SQL_PHARMACIES_COUNT].text =
        "SELECT count(*) FROM pharmacies WHERE id = ANY (%s::bigint[])",
    /* 1 endpoint's deliveries, newest first: 2-3 status, 4-5 before this
     * id, 6 limit. Columns (id, key, json). */
    [PD_SQL_WEBHOOK_DELIVERIES_LIST].text =
        "SELECT d.id, d.id::text, " WEBHOOK_DELIVERY_JSON
        " FROM notify_deliveries d JOIN tickets t ON t.id = d.ticket_id"
        " WHERE d.endpoint_id = %s::bigint AND (%s::text IS NULL OR d.status = %s::text)"
        " AND (%s::bigint IS NULL OR d.id < %s::bigint) ORDER BY d.id DESC LIMIT %s::integer",
    /* 1 delivery with its endpoint, the body it sends and its last 50
     * attempts, newest first */
    [PD_SQL_WEBHOOK_DELIVERIES_GET].text =
        "SELECT json_build_object(" WEBHOOK_DELIVERY_MEMBERS ","
        " 'endpoint', json_build_object('id', e.id, 'url', e.url), 'body', " WEBHOOK_BODY "::text,"
        " 'attempt_log', (SELECT coalesce(json_agg(json_build_object('at', w.attempted_at,"
        "  'duration_ms', w.duration_ms, 'address', w.address, 'response_status', w.response_status,"
        "  'response_excerpt', w.response_excerpt, 'error', w.error) ORDER BY w.id DESC), '[]')"
        "  FROM (SELECT * FROM webhook_attempts w WHERE w.delivery_id = d.id"
        "   ORDER BY w.id DESC LIMIT 50) w))::text"
        " FROM notify_deliveries d JOIN tickets t ON t.id = d.ticket_id"
        " JOIN webhook_endpoints e ON e.id = d.endpoint_id"
        " LEFT JOIN ticket_activities a ON a.id = d.activity_id"
        " WHERE d.id = %s::bigint",
    /* 1 delivery, sent or not, due again at once under its own id with all
     * its attempts ahead of it: not while it is queued or being sent, nor
     * for a deactivated endpoint. The delivery as it is then. */
    [PD_SQL_WEBHOOK_DELIVERIES_REPLAY].text =
        "WITH r AS (UPDATE notify_deliveries d SET status = 'pending', attempts = 0, due_at = now()"
        "  FROM webhook_endpoints e WHERE d.id = %s::bigint AND e.id = d.endpoint_id AND e.active"
        "  AND d.status IN ('sent', 'failed', 'dead', 'cancelled') RETURNING d.*)"
        " SELECT " WEBHOOK_DELIVERY_JSON " FROM r d JOIN tickets t ON t.id = d.ticket_id",
    /* Why 1 delivery cannot be replayed: its status and whether its
     * endpoint is active; no row when it is no webhook delivery */
    [PD_SQL_WEBHOOK_DELIVERIES_STATE].text =
        "SELECT d.status, e.active FROM notify_deliveries d"
        " JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = %s::bigint",

    /* ---- imports -------------------------------------------------------------- */
    /* One batch of checked ticket rows (migration 0080): 1 source, 2 rows
     * (a JSON array), 3 dry run, 4 ticket number prefix, 5 time zone, 6 the
     * importing user, 7-9 the tech, expert and customer roles. The report,
     * as JSON. */
    [PD_SQL_IMPORTS_TICKETS].text =
        "SELECT pd_import_tickets(%s::text, %s::jsonb, %s::boolean, %s::text, %s::text,"
        " %s::bigint, %s::smallint, %s::smallint, %s::smallint)::text",

    /* ---- lists for triage (migration 0050) ---- */
    /* What needs action first: the most urgent, then the oldest. The
     * filters, then 39-40 the cursor's negated rank (twice), 41 its
     * creation time, 42 its id, 43 the limit; tickets_action_idx when the
     * statuses are the unsolved ones or some of them. */
    [PD_SQL_TICKETS_LIST_ACTION_ASC].text = COMPOSITE_LIST("(-t.priority_rank)", ">", "ASC"),
    [PD_SQL_TICKETS_LIST_ACTION_DESC].text = COMPOSITE_LIST("(-t.priority_rank)", "<", "DESC"),
    /* A customer's tickets waiting for them first, then the newest (desc):
     * the same parameters, the first key 1 for waiting_customer, else 0 */
    [PD_SQL_TICKETS_LIST_WAITING_ASC].text = COMPOSITE_LIST(WAITING_KEY, ">", "ASC"),
    [PD_SQL_TICKETS_LIST_WAITING_DESC].text = COMPOSITE_LIST(WAITING_KEY, "<", "DESC"),
    /* A list's size up to a bound: the filters, 39 the bound (a cap and
     * one, to tell "more than" from "exactly"); never more rows than that
     * are read. */
    [PD_SQL_TICKETS_COUNT].text =
        "SELECT count(*) FROM (SELECT 1 FROM tickets t" TICKET_FILTERS " LIMIT %s::int) c",
    /* the same for a service level list: the filters, 39-41 sla, 42 the bound */
    [PD_SQL_TICKETS_COUNT_SLA].text =
        "SELECT count(*) FROM (SELECT 1 FROM tickets t" TICKET_FILTERS SLA_FILTER
        " LIMIT %s::int) c",
    /* and for a search: 1 the tsquery, 2 staff, the filters (3-40), 41 the bound */
    [PD_SQL_TICKETS_COUNT_SEARCH].text =
        "SELECT count(*) FROM (SELECT 1" SEARCH_FROM TICKET_FILTERS " LIMIT %s::int) c",
    /* 1 user, 2 their role: their own views and those their role's users
     * share, by name; at most 200 */
    [PD_SQL_SAVED_VIEWS_LIST].text =
        "SELECT v.id, v.name, v.filters, v.shared, v.owner_id, u.name, u.role_id"
        " FROM saved_views v JOIN users u ON u.id = v.owner_id"
        " WHERE v.owner_id = %s::bigint OR (v.shared AND u.role_id = %s::smallint AND u.active)"
        " ORDER BY v.name, v.id LIMIT 200",
    /* 1 id: the view and its owner's name and role, locked */
    [PD_SQL_SAVED_VIEWS_GET].text =
        "SELECT v.id, v.name, v.filters, v.shared, v.owner_id, u.name, u.role_id"
        " FROM saved_views v JOIN users u ON u.id = v.owner_id WHERE v.id = %s::bigint"
        " FOR UPDATE OF v",
    /* 1 owner, 2 name, 3 filters, 4 shared, 5 owner, 6 the cap: its id;
     * nothing when the owner has a view of that name or the cap of views */
    [PD_SQL_SAVED_VIEWS_INSERT].text =
        "INSERT INTO saved_views (owner_id, name, filters, shared)"
        " SELECT %s::bigint, %s::text, %s::text, %s::boolean"
        " WHERE (SELECT count(*) FROM saved_views WHERE owner_id = %s::bigint) < %s::int"
        " ON CONFLICT (owner_id, name) DO NOTHING RETURNING id",
    /* 1 name, 2 filters, 3 shared, 4 id, 5 name: nothing when the owner
     * has another view of that name */
    [PD_SQL_SAVED_VIEWS_UPDATE].text =
        "UPDATE saved_views v SET name = %s::text, filters = %s::text, shared = %s::boolean,"
        " updated_at = now() WHERE v.id = %s::bigint AND NOT EXISTS (SELECT 1 FROM saved_views o"
        "  WHERE o.owner_id = v.owner_id AND o.name = %s::text AND o.id <> v.id) RETURNING v.id",
    /* 1 id */
    [PD_SQL_SAVED_VIEWS_DELETE].text =
        "DELETE FROM saved_views WHERE id = %s::bigint",
    /* 1 owner: how many views they have */
    [PD_SQL_SAVED_VIEWS_COUNT].text =
        "SELECT count(*) FROM saved_views WHERE owner_id = %s::bigint",

    /* ---- the cluster: health and metrics ---- */
    /* whether the connection is to a primary, which takes writes */
    [PD_SQL_HEALTH_CHECK].text = "SELECT NOT pg_is_in_recovery()",
    /* 1 row: the outbox's events and the age of the oldest (ms), the
     * deliveries waiting and the oldest's age (ms), the dead ones, the
     * running tickets past their service level's due time; each an index
     * range (notify_deliveries_status_idx, tickets_sla_open_idx) */
    [PD_SQL_METRICS_READ].text =
        "SELECT (SELECT count(*) FROM notify_outbox),"
        " (SELECT coalesce((extract(epoch FROM now() - min(created_at)) * 1000)::bigint, 0)"
        "  FROM notify_outbox),"
        " (SELECT count(*) FROM notify_deliveries WHERE status IN ('pending', 'sending', 'failed')),"
        " (SELECT coalesce((extract(epoch FROM now() - min(created_at)) * 1000)::bigint, 0)"
        "  FROM notify_deliveries WHERE status IN ('pending', 'sending', 'failed')),"
        " (SELECT count(*) FROM notify_deliveries WHERE status = 'dead'),"
        " (SELECT count(*) FROM tickets WHERE status IN ('open', 'in_review', 'in_progress',"
        "  'waiting_customer') AND sla_due_at < now())",

    /* organisation: org units, their contacts, the directory (pd_sql_org.h) */
    [PD_SQL_ORG_UNITS_LIST].text = SQL_ORG_UNITS_LIST,
    [PD_SQL_ORG_UNITS_GET].text = SQL_ORG_UNITS_GET,
    [PD_SQL_ORG_UNITS_CHECK].text = SQL_ORG_UNITS_CHECK,
    [PD_SQL_ORG_UNITS_INSERT].text = SQL_ORG_UNITS_INSERT,
    [PD_SQL_ORG_UNITS_LOCK].text = SQL_ORG_UNITS_LOCK,
    [PD_SQL_ORG_UNITS_UPDATE].text = SQL_ORG_UNITS_UPDATE,
    [PD_SQL_ORG_UNITS_JSON].text = SQL_ORG_UNITS_JSON,
    [PD_SQL_ORG_UNIT_CONTACTS_LIST].text = SQL_ORG_UNIT_CONTACTS_LIST,
    [PD_SQL_ORG_UNIT_CONTACTS_REFS].text = SQL_ORG_UNIT_CONTACTS_REFS,
    [PD_SQL_ORG_UNIT_CONTACTS_INSERT].text = SQL_ORG_UNIT_CONTACTS_INSERT,
    [PD_SQL_ORG_UNIT_CONTACTS_LOCK].text = SQL_ORG_UNIT_CONTACTS_LOCK,
    [PD_SQL_ORG_UNIT_CONTACTS_UPDATE].text = SQL_ORG_UNIT_CONTACTS_UPDATE,
    [PD_SQL_ORG_UNIT_CONTACTS_DELETE].text = SQL_ORG_UNIT_CONTACTS_DELETE,
    [PD_SQL_ORG_UNIT_CONTACTS_JSON].text = SQL_ORG_UNIT_CONTACTS_JSON,
    [PD_SQL_ORG_DIRECTORY].text = SQL_ORG_DIRECTORY,
    [PD_SQL_TICKETS_ROUTE].text = SQL_TICKETS_ROUTE,
    [PD_SQL_USERS_ORG_SET].text = SQL_USERS_ORG_SET,

    /* the front desk (pd_sql_org.h) */
    [PD_SQL_FRONT_DESKS_GET].text = SQL_FRONT_DESKS_GET,
    [PD_SQL_FRONT_DESKS_PUT].text = SQL_FRONT_DESKS_PUT,
    [PD_SQL_FRONT_DESK_DEFAULTS].text = SQL_FRONT_DESK_DEFAULTS,
    [PD_SQL_VISITORS_INSERT].text = SQL_VISITORS_INSERT,
    [PD_SQL_VISITORS_CHECK_OUT].text = SQL_VISITORS_CHECK_OUT,
    [PD_SQL_SURAT_INSERT].text = SQL_SURAT_INSERT,
    [PD_SQL_SURAT_GET].text = SQL_SURAT_GET,
    [PD_SQL_TICKETS_ACKNOWLEDGE].text = SQL_TICKETS_ACKNOWLEDGE,
    [PD_SQL_VISITORS_LIST].text = SQL_VISITORS_LIST,

    /* the QR self check-in: desk tokens, rate limits (pd_sql_qr.h) */
    [PD_SQL_DESK_TOKENS_LIST].text = SQL_DESK_TOKENS_LIST,
    [PD_SQL_DESK_TOKENS_GET].text = SQL_DESK_TOKENS_GET,
    [PD_SQL_DESK_TOKENS_LOCK].text = SQL_DESK_TOKENS_LOCK,
    [PD_SQL_DESK_TOKENS_UNITS_OK].text = SQL_DESK_TOKENS_UNITS_OK,
    [PD_SQL_DESK_TOKENS_INSERT].text = SQL_DESK_TOKENS_INSERT,
    [PD_SQL_DESK_TOKENS_REVOKE].text = SQL_DESK_TOKENS_REVOKE,
    [PD_SQL_DESK_TOKENS_FIND].text = SQL_DESK_TOKENS_FIND,
    [PD_SQL_CHECKIN_HITS_COUNT].text = SQL_CHECKIN_HITS_COUNT,
    [PD_SQL_CHECKIN_HITS_FORGET].text = SQL_CHECKIN_HITS_FORGET,
    [PD_SQL_VISITORS_INSERT_SELF].text = SQL_VISITORS_INSERT_SELF,

    /* the visitor's and the letter's pages, WhatsApp to contacts (pd_sql_cases.h) */
    [PD_SQL_VISITORS_READ].text = SQL_VISITORS_READ,
    [PD_SQL_SURAT_LIST].text = SQL_SURAT_LIST,
    [PD_SQL_NOTIFY_CONTACTS_FAN_OUT].text = SQL_NOTIFY_CONTACTS_FAN_OUT,
    [PD_SQL_NOTIFY_CONTACT_RECIPIENT].text = SQL_NOTIFY_CONTACT_RECIPIENT,
    [PD_SQL_IMPORTS_GUESTBOOK].text = SQL_IMPORTS_GUESTBOOK,
    [PD_SQL_TICKETS_LIST_SUBTREE_DESC].text = SUBTREE_LIST("<", "DESC"),
    [PD_SQL_TICKETS_LIST_SUBTREE_ASC].text = SUBTREE_LIST(">", "ASC"),
};

const pd_sql_stmt_t *pd_sql_get(pd_sql_id_e id)
{
    if ((int)id < 0 || id >= PD_SQL__COUNT) {
        return NULL;
    }
    return &catalogue[id];
}
