/* The statement catalogue's front desk cases part (included by pd_sql.c
 * only): the visitor's and the letter's pages (migration 0066), WhatsApp to
 * the units' contacts who are no users (migration 0067), the guestbook
 * import format (migration 0082). */
#ifndef PD_SQL_CASES_H
#define PD_SQL_CASES_H

/* A ticket's front desk record, after its type (TICKET_COLUMNS): the
 * visitor's or the letter's id, NULL for a helpdesk ticket, which reads no
 * other table. */
#define CASE_RECORD_ID \
    "CASE t.case_type WHEN 'visitor' THEN (SELECT cv.id FROM visitors cv WHERE cv.ticket_id = t.id)" \
    " WHEN 'surat' THEN (SELECT cs.id FROM surat cs WHERE cs.ticket_id = t.id) END"

/* 1 visitor, 2 ticket scope, 3 whether the identity number shows in full,
 * 4 whether the caller may check visitors out: the visitor when their case
 * is in scope */
#define SQL_VISITORS_READ \
    "SELECT pd_visitor_json(v.id, p.full_id, p.may_check_out)" \
    " FROM (SELECT %s::bigint AS id, %s::bigint AS scope, %s::boolean AS full_id," \
    "  %s::boolean AS may_check_out) p" \
    " JOIN visitors v ON v.id = p.id JOIN tickets t ON t.id = v.ticket_id" \
    " WHERE pd_ticket_in_scope(p.scope, t.pharmacy_id, t.org_unit_id)"

/* 1 ticket scope, 2-3 a case (NULL: any): the last 100 letters received,
 * newest first, whose cases are in scope */
#define SQL_SURAT_LIST \
    "SELECT json_build_object('items', coalesce(json_agg(pd_surat_json(s.id)::json" \
    "  ORDER BY s.received_at DESC, s.id DESC), '[]'))::text" \
    " FROM (SELECT s.id, s.received_at FROM surat s JOIN tickets t ON t.id = s.ticket_id" \
    "  WHERE pd_ticket_in_scope(%s::bigint, t.pharmacy_id, t.org_unit_id)" \
    "  AND (%s::bigint IS NULL OR s.ticket_id = %s::bigint)" \
    "  ORDER BY s.received_at DESC, s.id DESC LIMIT 100) s"

/* 1 the event's entry (NULL: none), 2 a new ticket: a WhatsApp delivery
 * for each lead and backup contact of its unit who is no user and has a
 * number, when the ticket is a front desk case; once per case and contact */
#define SQL_NOTIFY_CONTACTS_FAN_OUT \
    "INSERT INTO notify_deliveries (event, ticket_id, activity_id, contact_id, channel)" \
    " SELECT 'ticket_created', t.id, %s::bigint, oc.id, 'whatsapp' FROM tickets t" \
    " JOIN org_unit_contacts oc ON oc.org_unit_id = t.org_unit_id AND oc.kind IN ('lead', 'backup')" \
    "  AND oc.user_id IS NULL AND oc.whatsapp_number IS NOT NULL" \
    " WHERE t.id = %s::bigint AND t.case_type IS NOT NULL" \
    " ORDER BY oc.id" \
    " ON CONFLICT (ticket_id, contact_id) WHERE contact_id IS NOT NULL DO NOTHING"

/* A list by a unit's subtree, newest or oldest first: one walk of
 * tickets_org_unit_idx per unit of the subtree, each stopped at a page,
 * then the page taken from what they found (units times a page at most,
 * whatever the subtree holds). 1 the unit, then a list's 40 filters (the
 * subtree's own pair NULL: the units drive the walks), the cursor's time
 * (twice) and id, the row limit (twice). */
#define SUBTREE_LIST(cmp, dir) \
    "SELECT " TICKET_COLUMNS ", t.created_at::text" \
    " FROM unnest(pd_org_subtree(%s::bigint)) AS su (unit)" \
    " CROSS JOIN LATERAL (SELECT t.* FROM tickets t" TICKET_FILTERS " AND t.org_unit_id = su.unit" \
    "  AND (%s::timestamptz IS NULL OR (t.created_at, t.id) " cmp " (%s::timestamptz, %s::bigint))" \
    "  ORDER BY t.created_at " dir ", t.id " dir " LIMIT %s::int) t" \
    " ORDER BY t.created_at " dir ", t.id " dir " LIMIT %s::int"

/* 1 a contact's delivery: the contact's number and name, and what their
 * message says of the case: its number, its purpose (the visitor's, the
 * letter's subject), its unit's name; nothing when the contact is no
 * longer a lead or backup of the case's unit without a user */
#define SQL_NOTIFY_CONTACT_RECIPIENT \
    "SELECT oc.whatsapp_number, oc.name, t.number, coalesce(v.purpose, s.subject, t.title), u.name" \
    " FROM notify_deliveries d JOIN tickets t ON t.id = d.ticket_id" \
    " JOIN org_unit_contacts oc ON oc.id = d.contact_id AND oc.org_unit_id = t.org_unit_id" \
    "  AND oc.kind IN ('lead', 'backup') AND oc.user_id IS NULL" \
    " JOIN org_units u ON u.id = t.org_unit_id" \
    " LEFT JOIN visitors v ON v.ticket_id = t.id LEFT JOIN surat s ON s.ticket_id = t.id" \
    " WHERE d.id = %s::bigint"

/* One batch of checked guestbook cases: the parameters of
 * PD_SQL_IMPORTS_TICKETS. The report, as JSON. */
#define SQL_IMPORTS_GUESTBOOK \
    "SELECT pd_import_guestbook(%s::text, %s::jsonb, %s::boolean, %s::text, %s::text," \
    " %s::bigint, %s::smallint, %s::smallint, %s::smallint)::text"

#endif
