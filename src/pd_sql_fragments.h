/* The shared fragments of the statement catalogue's texts (columns, JSON
 * shapes, filters, list and search forms), compile-time literals that the
 * texts in pd_sql.c and its other parts put together. Included by pd_sql.c
 * only. */
#ifndef PD_SQL_FRAGMENTS_H
#define PD_SQL_FRAGMENTS_H

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
 * and last the front desk's case types (one type, or every type for any
 * case; twice). Parameters 1-40 of a list.
 * Several statuses, and the case types, come as a comma-separated list
 * that string_to_array splits: it is immutable, so a list planned with its
 * values sees a constant array, from which PostgreSQL proves a partial
 * index's condition (tickets_action_idx for the work queues,
 * tickets_case_active_idx for the front desk's inbox). A text[] parameter
 * is parsed by array_in, which is only stable: the array stays an
 * expression at planning, no partial index can be proven from it, and the
 * review queue read every open ticket and sorted them (1 s at a million
 * tickets, against 3 ms). */
#define TICKET_FILTERS \
    " WHERE (%s::bigint < -1 OR %s::bigint IN (0, t.pharmacy_id))" \
    " AND (%s::bigint >= -1 OR t.org_unit_id = ANY ((SELECT pd_org_subtree(-1 - %s::bigint))::bigint[]))" \
    " AND (%s::bigint IS NULL OR t.org_unit_id = %s::bigint)" \
    " AND (%s::bigint IS NULL OR t.org_unit_id = ANY ((SELECT pd_org_subtree(%s::bigint))::bigint[]))" \
    " AND (%s::text IS NULL OR t.status = %s::text)" \
    " AND (%s::text IS NULL OR t.status = ANY (string_to_array(%s::text, ',')))" \
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
    " AND (%s::text IS NULL OR t.case_type = ANY (string_to_array(%s::text, ',')))"

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

/* The service level lists (sla=breached, at_risk or met: parameter 41,
 * three times), by due time, each through a partial index of migration
 * 0030: the tickets not yet solved that are overdue (running, or paused
 * after they breached) or at risk, and those solved in time. Planned with
 * the value, two of the three branches fold away. Then the cursor's key
 * (twice) and id, the row limit.
 * A ticket at risk became so within the widest risk window of any ticket
 * (sla_risk_window, migration 0042), as the dashboard's count has it: that
 * bound lets the at-risk list read the tickets whose risk began within it
 * (tickets_sla_risk_idx) and sort them. Without it, the list walked the
 * due times from now and skipped every running ticket not yet at risk
 * until it had a page: when its scope held fewer at-risk tickets than a
 * page, all of them (160-300 ms at a million tickets, against 1-2 ms). */
#define SLA_FILTER \
    " AND ((%s::text = 'breached' AND t.status IN (" UNSOLVED ") AND t.sla_due_at <= " SLA_NOW ")" \
    " OR (%s::text = 'at_risk' AND t.status IN (" UNSOLVED ") AND t.sla_due_at > " SLA_NOW \
    "  AND t.sla_risk_at <= " SLA_NOW \
    "  AND t.sla_risk_at >= " SLA_NOW " - (SELECT w.widest FROM sla_risk_window w))" \
    " OR (%s::text = 'met' AND t.sla_met))"
#define SLA_LIST(cmp, dir) \
    TICKET_PAGE_WHERE(" FROM tickets t", SLA_FILTER, "t.sla_due_at", "t.sla_due_at", \
                      "%s::timestamptz", cmp, dir)
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
 * backlog. Those at risk by their at-risk instants, newest first and no
 * further back than the widest stretch from an at-risk instant to its due
 * time (migration 0042), so as not to walk every running ticket to find
 * the few at risk, within the dashboard's scope (a pharmacy) and period
 * (b) written as conditions no index takes, so that the walk stays on that
 * index whatever the generic plan expects of a pharmacy or period (a bound
 * left NULL makes its comparison NULL, which is not false). */
#define DASH_SLA_SCOPE \
    "   AND pd_dashboard_pharmacy(b.scope, b.pharmacy) IN (0, t.pharmacy_id)" \
    "   AND (t.created_at >= b.lo) IS NOT FALSE AND (t.created_at < b.hi) IS NOT FALSE"
/* The overdue, each walk capped, in no order where the walk's index gives
 * none (a capped count needs none):
 *   every pharmacy's, no period: in due order, where the overdue come
 *     first. With the scope's and the period's conditions too (always true
 *     in this statement) the planner expected one row in a thousand to pass
 *     them and the walk to read the whole list before its cap, and sorted
 *     every unsolved ticket instead: 240 ms at a million tickets with
 *     229,000 overdue, against 1 ms;
 *   every pharmacy's within a period: through the status's index over the
 *     period, as the due-order walk would read every overdue ticket older
 *     than the period first (100-160 ms at a million tickets for the last
 *     one or three months). Which of the two runs is decided once per
 *     execution, by a condition on b alone (the plan's one-time filter);
 *   one pharmacy's: through the pharmacy's index (pharmacy, status,
 *     creation time) within the period, as the due-order walk would read
 *     every other pharmacy's overdue tickets too (110 ms for a pharmacy
 *     whose 27,000 overdue tickets were mostly older than the period asked).
 *     A pharmacy with few overdue among many unsolved tickets reads those,
 *     its own backlog, not everyone's. */
#define DASH_OVERDUE_ALL \
    "   WHERE (SELECT lo IS NULL AND hi IS NULL FROM b)" \
    "   AND t.status IN (" UNSOLVED ") AND t.sla_due_at <= " SLA_NOW \
    "   ORDER BY t.sla_due_at LIMIT " PD_DASH_SLA_CAP_SQL ") x0" \
    "   UNION ALL SELECT 'breached' FROM (SELECT 1 FROM tickets t" \
    "   WHERE NOT (SELECT lo IS NULL AND hi IS NULL FROM b)" \
    "   AND t.status IN (" UNSOLVED ") AND t.sla_due_at <= " SLA_NOW \
    "   AND t.created_at >= (SELECT coalesce(lo, '-infinity') FROM b)" \
    "   AND t.created_at < (SELECT coalesce(hi, 'infinity') FROM b)" \
    "   LIMIT " PD_DASH_SLA_CAP_SQL
#define DASH_OVERDUE_PHARMACY \
    "   WHERE t.pharmacy_id = (SELECT pd_dashboard_pharmacy(scope, pharmacy) FROM b)" \
    "   AND t.status IN (" UNSOLVED ") AND t.sla_due_at <= " SLA_NOW \
    "   AND t.created_at >= (SELECT coalesce(lo, '-infinity') FROM b)" \
    "   AND t.created_at < (SELECT coalesce(hi, 'infinity') FROM b)" \
    "   LIMIT " PD_DASH_SLA_CAP_SQL
#define DASHBOARD(pharmacy, overdue) \
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
    "  SELECT 'breached' AS key FROM (SELECT 1 FROM tickets t" overdue ") x" \
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

#endif
