-- Imports of a front desk's history (the guestbook format, migration
-- 0082) write its acknowledgements and escalations on the timeline as the
-- API does: two more kinds of event, which the tickets format's own
-- checks never let through. `acknowledged`: a field_changed entry, field
-- acknowledged, the time as its new value; `escalated`: an escalation
-- entry with its reason; both internal, as the API writes them.
--
-- pd_import_tickets (migration 0080) is made again from its own
-- definition with those two kinds added where its timeline's entries are
-- written; each change must find its place, or the migration stops.
DO $$
DECLARE
    def text := pg_get_functiondef('pd_import_tickets'::regproc);
    was text;
BEGIN
    was := def;
    def := replace(def, $q$                   CASE e.kind WHEN 'comment' THEN 'comment' WHEN 'note' THEN 'note'
                               WHEN 'status' THEN 'status_changed' ELSE 'assigned' END,
                   CASE e.kind WHEN 'status' THEN 'status' WHEN 'assignment' THEN e.role || '_id' END,$q$,
        $q$                   CASE e.kind WHEN 'comment' THEN 'comment' WHEN 'note' THEN 'note'
                               WHEN 'status' THEN 'status_changed' WHEN 'acknowledged' THEN 'field_changed'
                               WHEN 'escalated' THEN 'escalation' ELSE 'assigned' END,
                   CASE e.kind WHEN 'status' THEN 'status' WHEN 'assignment' THEN e.role || '_id'
                               WHEN 'acknowledged' THEN 'acknowledged' WHEN 'escalated' THEN 'escalated' END,$q$);
    IF def = was THEN
        RAISE EXCEPTION 'pd_import_tickets is not the function migration 0080 made';
    END IF;
    was := def;
    def := replace(def, $q$                   CASE e.kind WHEN 'status' THEN e.target WHEN 'assignment' THEN e.target_ref::text END,
                   e.body,
                   CASE e.kind WHEN 'note' THEN 'internal' ELSE 'public' END$q$,
        $q$                   CASE e.kind WHEN 'status' THEN e.target WHEN 'assignment' THEN e.target_ref::text
                               WHEN 'acknowledged' THEN e.at::text WHEN 'escalated' THEN e.at::text END,
                   e.body,
                   CASE WHEN e.kind IN ('note', 'acknowledged', 'escalated') THEN 'internal' ELSE 'public' END$q$);
    IF def = was THEN
        RAISE EXCEPTION 'pd_import_tickets is not the function migration 0080 made';
    END IF;
    EXECUTE def;
END $$;
