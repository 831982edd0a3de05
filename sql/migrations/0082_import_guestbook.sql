-- The guestbook import format (POST /api/imports, format "guestbook"): a
-- front desk's history from the browser guestbook it replaces, each case
-- with its visitor or letter and its events. The module checks every row
-- with the API's validators for visitors and letters and hands the batch
-- over in the tickets format's form, with what makes each a case besides
-- (its type, unit, record, when it was acknowledged and escalated).
--
-- A case is a ticket: the batch is filed under each unit's office (its
-- front desk settings: client, module, category), then written by
-- pd_import_tickets, which keeps the times and people of every event,
-- numbers the cases in their creation year, skips what this source
-- imported before and reports every conflict; then each written ticket
-- becomes its case (type, unit, source, acknowledgement, escalation) and
-- gets its visitor or letter, in the same transaction. Problems keep the
-- guestbook's names for its fields (operator, by, unit).
CREATE FUNCTION pd_import_guestbook(p_source text, p_rows jsonb, p_dry_run boolean, p_prefix text,
                                    p_zone text, p_user bigint, p_tech_role smallint,
                                    p_expert_role smallint, p_customer_role smallint)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    mine json;
    report json;
    tickets jsonb;
BEGIN
    CREATE TEMPORARY TABLE pd_guestbook_rows ON COMMIT DROP AS
    SELECT (r ->> 'i')::integer AS i, r ->> 'source_id' AS source_id, r ->> 'case_type' AS case_type,
           r -> 'record' AS record, (r ->> 'acknowledged_at')::timestamptz AS acknowledged_at,
           (r ->> 'escalated_at')::timestamptz AS escalated_at,
           u.id AS unit_id, r ->> 'unit' AS unit, f.root_unit_id AS office,
           r - 'case_type' - 'record' - 'acknowledged_at' - 'escalated_at' - 'unit'
             || jsonb_build_object('pharmacy', p.code, 'module_id', f.module_id,
                                   'category_id', CASE r ->> 'case_type' WHEN 'visitor' THEN f.visitor_category_id
                                                  ELSE f.surat_category_id END) AS ticket
    FROM jsonb_array_elements(p_rows) r
    LEFT JOIN org_units u ON u.code = r ->> 'unit' AND u.active
    LEFT JOIN front_desks f ON f.root_unit_id = u.path[1]
    LEFT JOIN pharmacies p ON p.id = f.pharmacy_id;

    SELECT coalesce(json_agg(json_build_object('index', x.i, 'source_id', x.source_id, 'field', x.field,
               'code', x.code, 'message', x.message) ORDER BY x.i, x.field), '[]')
    INTO mine FROM (
        SELECT g.i, g.source_id, 'unit' AS field, 'unknown_reference' AS code,
               CASE WHEN g.unit_id IS NULL THEN 'no active org unit has this code'
                    ELSE 'the unit''s office has no front desk settings yet' END AS message
        FROM pd_guestbook_rows g WHERE g.office IS NULL
        UNION ALL
        SELECT g.i, g.source_id, 'visitor.checked_out_at', 'validation_failed',
               'checked_out_at is before the visitor checked in'
        FROM pd_guestbook_rows g
        WHERE (g.record ->> 'checked_out_at')::timestamptz
              < coalesce((g.record ->> 'checked_in_at')::timestamptz, (g.ticket ->> 'created_at')::timestamptz)
    ) x;

    SELECT coalesce(jsonb_agg(g.ticket ORDER BY g.i), '[]') INTO tickets FROM pd_guestbook_rows g;
    report := pd_import_tickets(p_source, tickets, p_dry_run OR json_array_length(mine) > 0, p_prefix, p_zone,
                                p_user, p_tech_role, p_expert_role, p_customer_role);

    IF json_array_length(mine) = 0 AND NOT p_dry_run AND json_array_length(report -> 'problems') = 0 THEN
        -- the tickets written become their cases, with their records
        CREATE TEMPORARY TABLE pd_guestbook_written ON COMMIT DROP AS
        SELECT g.i, g.case_type, g.record, g.acknowledged_at, g.escalated_at, g.unit_id,
               (w ->> 'id')::bigint AS ticket, t.created_at, t.created_by
        FROM json_array_elements(report -> 'tickets') w
        JOIN pd_guestbook_rows g ON g.source_id = w ->> 'source_id'
        JOIN tickets t ON t.id = (w ->> 'id')::bigint;

        UPDATE tickets t SET case_type = w.case_type, org_unit_id = w.unit_id,
               source = CASE w.case_type WHEN 'visitor' THEN w.record ->> 'source' ELSE 'surat_form' END,
               acknowledged_at = w.acknowledged_at, escalated_at = w.escalated_at
        FROM pd_guestbook_written w WHERE t.id = w.ticket;

        INSERT INTO visitors (ticket_id, name, id_number, institution, phone, purpose, org_unit_id, source,
                              checked_in_at, checked_out_at, created_by)
        SELECT w.ticket, w.record ->> 'name', w.record ->> 'id_number', w.record ->> 'institution',
               w.record ->> 'phone', w.record ->> 'purpose', w.unit_id, w.record ->> 'source',
               coalesce((w.record ->> 'checked_in_at')::timestamptz, w.created_at),
               (w.record ->> 'checked_out_at')::timestamptz, w.created_by
        FROM pd_guestbook_written w WHERE w.case_type = 'visitor';

        INSERT INTO surat (ticket_id, number, letter_date, sender, sender_institution, subject, summary,
                           org_unit_id, received_at, created_by)
        SELECT w.ticket, w.record ->> 'number', (w.record ->> 'letter_date')::date, w.record ->> 'sender',
               w.record ->> 'sender_institution', w.record ->> 'subject', w.record ->> 'summary', w.unit_id,
               coalesce((w.record ->> 'received_at')::timestamptz, w.created_at), w.created_by
        FROM pd_guestbook_written w WHERE w.case_type = 'surat';
    END IF;

    -- the guestbook's names for what the tickets format calls otherwise
    RETURN (SELECT json_object_agg(k, CASE k
                WHEN 'problems' THEN (
                    SELECT coalesce(json_agg(x ORDER BY (x ->> 'index')::integer), '[]') FROM (
                        SELECT x FROM json_array_elements(mine) x
                        UNION ALL
                        SELECT (p::jsonb || jsonb_build_object('field',
                                   CASE WHEN p ->> 'field' = 'tech' THEN 'operator'
                                        WHEN p ->> 'field' IN ('pharmacy', 'module', 'category') THEN 'unit'
                                        ELSE regexp_replace(p ->> 'field', '\.author$', '.by') END))::json
                        FROM json_array_elements(report -> 'problems') p
                        -- a row without its office has said so already
                        WHERE p ->> 'field' NOT IN ('pharmacy', 'module', 'category')
                           OR (p ->> 'index')::integer NOT IN (SELECT i FROM pd_guestbook_rows WHERE office IS NULL)) y)
                WHEN 'created' THEN CASE WHEN json_array_length(mine) > 0 THEN '0'::json ELSE v END
                WHEN 'would_create' THEN CASE WHEN json_array_length(mine) > 0 THEN '0'::json ELSE v END
                ELSE v END)
            FROM json_each(report) AS e (k, v));
END
$$;
