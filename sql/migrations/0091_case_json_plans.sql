-- The front desk's records as JSON (a visitor, a letter, the state of its
-- case), with the plans of their statements kept for the session.
--
-- They were SQL functions with a FROM clause, which PostgreSQL does not
-- inline where a value is expected: each call from a new statement parsed
-- and planned the function's query again (fmgr_sql), and the intake's
-- answer (a visitor with its case) did so twice per request. `perf` of a
-- million-ticket intake run put a quarter of the database's CPU in those
-- calls. As PL/pgSQL functions, each statement is planned once per
-- connection and its plan kept; the bodies are the same queries.

CREATE OR REPLACE FUNCTION pd_case_state_json(p_ticket bigint) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT json_build_object('id', t.id, 'number', t.number, 'title', t.title, 'status', t.status,
                       'tech_id', t.tech_id, 'tech_name', te.name, 'acknowledged_at', t.acknowledged_at,
                       'escalated', t.escalated_at IS NOT NULL)
              FROM tickets t LEFT JOIN users te ON te.id = t.tech_id WHERE t.id = p_ticket);
END
$$;

CREATE OR REPLACE FUNCTION pd_visitor_json(p_id bigint, p_full_id boolean, p_may_check_out boolean)
RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT json_build_object('id', v.id, 'ticket_id', v.ticket_id, 'ticket_number', t.number,
                       'status', t.status, 'name', v.name,
                       'id_number', CASE WHEN p_full_id OR v.id_number IS NULL THEN v.id_number
                                         ELSE repeat('*', length(v.id_number) - least(4, length(v.id_number) / 2))
                                              || right(v.id_number, least(4, length(v.id_number) / 2)) END,
                       'id_number_masked', NOT p_full_id AND v.id_number IS NOT NULL,
                       'institution', v.institution, 'phone', v.phone, 'purpose', v.purpose,
                       'org_unit_id', v.org_unit_id, 'org_unit_name', u.name, 'source', v.source,
                       'checked_in_at', v.checked_in_at, 'checked_out_at', v.checked_out_at,
                       'created_by', v.created_by, 'created_by_name', cb.name,
                       'case', pd_case_state_json(v.ticket_id),
                       'allowed', json_build_object('check_out', p_may_check_out AND v.checked_out_at IS NULL))::text
              FROM visitors v JOIN tickets t ON t.id = v.ticket_id
              JOIN org_units u ON u.id = v.org_unit_id
              LEFT JOIN users cb ON cb.id = v.created_by
             WHERE v.id = p_id);
END
$$;

CREATE OR REPLACE FUNCTION pd_surat_json(p_id bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT json_build_object('id', s.id, 'ticket_id', s.ticket_id, 'ticket_number', t.number,
                       'status', t.status, 'number', s.number, 'letter_date', s.letter_date,
                       'sender', s.sender, 'sender_institution', s.sender_institution,
                       'subject', s.subject, 'summary', s.summary, 'org_unit_id', s.org_unit_id,
                       'org_unit_name', u.name, 'received_at', s.received_at, 'created_by', s.created_by,
                       'created_by_name', cb.name,
                       'case', pd_case_state_json(s.ticket_id))::text
              FROM surat s JOIN tickets t ON t.id = s.ticket_id
              JOIN org_units u ON u.id = s.org_unit_id
              LEFT JOIN users cb ON cb.id = s.created_by
             WHERE s.id = p_id);
END
$$;
