/* The statement catalogue's front desk cases part (included by pd_sql.c
 * only): the visitor's and the letter's pages (migration 0066). */
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

#endif
