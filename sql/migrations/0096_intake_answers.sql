-- The front desk's records as JSON from the row itself, so that the
-- statement that writes a visitor or a letter also answers it.
--
-- A visitor's intake was nine round trips to the database; two of them
-- only read what the intake had just decided or written: the office's
-- front desk settings (now read by the case's own insert) and the new
-- record's JSON (now built by the record's insert, from its RETURNING row:
-- a function that looked the row up by id would not see it, as a statement
-- does not see its own writes). The functions by id stay, for the pages
-- and lists, and are now the row functions over one lookup.

CREATE FUNCTION pd_visitor_row_json(p_v visitors, p_full_id boolean, p_may_check_out boolean)
RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT json_build_object('id', p_v.id, 'ticket_id', p_v.ticket_id, 'ticket_number', t.number,
                       'status', t.status, 'name', p_v.name,
                       'id_number', CASE WHEN p_full_id OR p_v.id_number IS NULL THEN p_v.id_number
                                         ELSE repeat('*', length(p_v.id_number) - least(4, length(p_v.id_number) / 2))
                                              || right(p_v.id_number, least(4, length(p_v.id_number) / 2)) END,
                       'id_number_masked', NOT p_full_id AND p_v.id_number IS NOT NULL,
                       'institution', p_v.institution, 'phone', p_v.phone, 'purpose', p_v.purpose,
                       'org_unit_id', p_v.org_unit_id, 'org_unit_name', u.name, 'source', p_v.source,
                       'checked_in_at', p_v.checked_in_at, 'checked_out_at', p_v.checked_out_at,
                       'created_by', p_v.created_by, 'created_by_name', cb.name,
                       'case', pd_case_state_json(p_v.ticket_id),
                       'allowed', json_build_object('check_out', p_may_check_out AND p_v.checked_out_at IS NULL))::text
              FROM tickets t JOIN org_units u ON u.id = p_v.org_unit_id
              LEFT JOIN users cb ON cb.id = p_v.created_by
             WHERE t.id = p_v.ticket_id);
END
$$;

CREATE OR REPLACE FUNCTION pd_visitor_json(p_id bigint, p_full_id boolean, p_may_check_out boolean)
RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT pd_visitor_row_json(v, p_full_id, p_may_check_out) FROM visitors v WHERE v.id = p_id);
END
$$;

CREATE FUNCTION pd_surat_row_json(p_s surat) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT json_build_object('id', p_s.id, 'ticket_id', p_s.ticket_id, 'ticket_number', t.number,
                       'status', t.status, 'number', p_s.number, 'letter_date', p_s.letter_date,
                       'sender', p_s.sender, 'sender_institution', p_s.sender_institution,
                       'subject', p_s.subject, 'summary', p_s.summary, 'org_unit_id', p_s.org_unit_id,
                       'org_unit_name', u.name, 'received_at', p_s.received_at, 'created_by', p_s.created_by,
                       'created_by_name', cb.name,
                       'case', pd_case_state_json(p_s.ticket_id))::text
              FROM tickets t JOIN org_units u ON u.id = p_s.org_unit_id
              LEFT JOIN users cb ON cb.id = p_s.created_by
             WHERE t.id = p_s.ticket_id);
END
$$;

CREATE OR REPLACE FUNCTION pd_surat_json(p_id bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT pd_surat_row_json(s) FROM surat s WHERE s.id = p_id);
END
$$;
