-- Imports (POST /api/imports): tickets with their timelines from another
-- helpdesk, written as they were (numbers, times, people), in batches.
--
-- The module checks every field of every row with the API's own
-- validators and hands the batch over as one JSON array; pd_import_tickets
-- below resolves its references, finds its conflicts and, unless asked
-- for a dry run or something is wrong, writes it: one call per batch, one
-- transaction, set-based (a statement per table, never one per row).

-- What was imported from where: (source, source id) once, so that running
-- an import again creates nothing. A ticket deleted later takes its row
-- along, and would be imported again.
CREATE TABLE ticket_imports (
    source      text NOT NULL CHECK (length(source) BETWEEN 1 AND 100),
    source_id   text NOT NULL CHECK (length(source_id) BETWEEN 1 AND 200),
    ticket_id   bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    imported_by bigint REFERENCES users (id),
    imported_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, source_id)
);
CREATE INDEX ticket_imports_ticket_idx ON ticket_imports (ticket_id);

-- History notifies nobody. Every notification starts as an outbox row,
-- written by the timeline's triggers whatever writes the timeline; while
-- an import writes (pharmadesk.importing is 'on', set for its own
-- transaction only) such rows are dropped before they are stored. The
-- condition is the trigger's WHEN: every other write pays one setting
-- read, no function call.
CREATE FUNCTION notify_outbox_hush() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RETURN NULL;
END
$$;
CREATE TRIGGER notify_outbox_hush BEFORE INSERT ON notify_outbox FOR EACH ROW
    WHEN (current_setting('pharmadesk.importing', true) = 'on')
    EXECUTE FUNCTION notify_outbox_hush();

-- What an import writes in bulk itself, these triggers skip while it
-- writes: an imported ticket's search row is written once with its replies
-- and notes (pd_import_tickets), rather than inserted and then updated
-- once per entry; and imported entries are not offered to the outbox at
-- all, which would drop them (the outbox's guard above stays for every
-- other writer). Each trigger is made again as it stands, whatever earlier
-- migrations made of it, with one more condition.
DO $$
DECLARE
    t record;
    def text;
    importing constant text := 'current_setting(''pharmadesk.importing'', true) IS DISTINCT FROM ''on''';
BEGIN
    FOR t IN SELECT g.oid, g.tgname, g.tgrelid::regclass AS rel FROM pg_trigger g
             WHERE g.tgname IN ('tickets_search_insert', 'ticket_activities_search', 'ticket_activities_notify')
               AND NOT g.tgisinternal
    LOOP
        def := pg_get_triggerdef(t.oid);
        IF def ~ ' WHEN \(' THEN
            def := regexp_replace(def, ' WHEN \((.*)\) EXECUTE ', ' WHEN ((\1) AND ' || importing || ') EXECUTE ');
        ELSE
            def := replace(def, ' EXECUTE ', ' WHEN (' || importing || ') EXECUTE ');
        END IF;
        EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, t.rel);
        EXECUTE def;
    END LOOP;
    IF (SELECT count(*) FROM pg_trigger
        WHERE tgname IN ('tickets_search_insert', 'ticket_activities_search', 'ticket_activities_notify')
          AND pg_get_triggerdef(oid) LIKE '%pharmadesk.importing%') <> 3 THEN
        RAISE EXCEPTION 'the search and notification triggers were not all found';
    END IF;
END
$$;

-- pd_import_tickets(source, rows, dry_run, prefix, zone, user, tech role,
-- expert role, customer role): the report of one batch, as JSON:
--   {"would_create" | "created": n, "already_imported": n,
--    "problems": [{"index", "source_id", "field", "code", "message"}],
--    "tickets": [{"source_id", "id", "number"}]}   (written ones only)
-- Nothing is written when problems is not empty or dry_run is true.
-- rows: the module's checked form of the batch (each field valid on its
-- own): what is left to check needs the database, references and
-- conflicts, and the order of the times.
CREATE FUNCTION pd_import_tickets(p_source text, p_rows jsonb, p_dry_run boolean, p_prefix text,
                                  p_zone text, p_user bigint, p_tech_role smallint,
                                  p_expert_role smallint, p_customer_role smallint)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    problems json;
    fresh integer;
    known integer;
    written json;
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS pd_import_rows (
        i integer, source_id text, number text, own_year integer, own_seq bigint,
        created_at timestamptz, updated_at timestamptz, solved_at timestamptz, closed_at timestamptz,
        pharmacy text, module_id bigint, module_name text, category_id bigint, category_name text,
        priority text, status text, title text, description text, pic_name text, contact text,
        app_version text, created_by text, customer text, expert text, tech text, events jsonb,
        number_uses bigint, source_id_uses bigint, pharmacy_ref bigint, module_ref bigint, category_ref bigint, created_by_ref bigint,
        created_by_role smallint, customer_ref bigint, expert_ref bigint, tech_ref bigint,
        existing bigint, taken_by bigint, ticket bigint
    ) ON COMMIT DROP;
    CREATE TEMP TABLE IF NOT EXISTS pd_import_events (
        i integer, k integer, kind text, at timestamptz, author text, body text, role text,
        target text, author_ref bigint, author_role smallint, target_ref bigint
    ) ON COMMIT DROP;
    DELETE FROM pd_import_rows;
    DELETE FROM pd_import_events;

    INSERT INTO pd_import_rows
    SELECT r.i, r.source_id, r.number, r.own_year, r.own_seq, r.created_at, r.updated_at,
           r.solved_at, r.closed_at, r.pharmacy, r.module_id, r.module_name, r.category_id,
           r.category_name, r.priority, r.status, r.title, r.description, r.pic_name, r.contact,
           r.app_version, r.created_by, r.customer, r.expert, r.tech, r.events,
           count(*) OVER (PARTITION BY r.number), count(*) OVER (PARTITION BY r.source_id),
           p.id, m.id, c.id, cb.id, cb.role_id, cu.id, ex.id, te.id, ti.ticket_id, nt.id, NULL
    FROM jsonb_to_recordset(p_rows) AS r (
        i integer, source_id text, number text, own_year integer, own_seq bigint,
        created_at timestamptz, updated_at timestamptz, solved_at timestamptz, closed_at timestamptz,
        pharmacy text, module_id bigint, module_name text, category_id bigint, category_name text,
        priority text, status text, title text, description text, pic_name text, contact text,
        app_version text, created_by text, customer text, expert text, tech text, events jsonb)
    LEFT JOIN pharmacies p ON p.code = r.pharmacy AND p.active
    LEFT JOIN ticket_modules m ON m.active AND (m.id = r.module_id OR m.name = r.module_name)
    LEFT JOIN ticket_categories c ON c.active AND (c.id = r.category_id OR c.name = r.category_name)
    LEFT JOIN users cb ON cb.username = r.created_by
    -- the people a ticket has now: as the API takes them (active, the
    -- role that may hold the place, a customer of the ticket's pharmacy)
    LEFT JOIN users cu ON cu.username = r.customer AND cu.active AND cu.role_id = p_customer_role
                          AND cu.pharmacy_id = p.id
    LEFT JOIN users ex ON ex.username = r.expert AND ex.active AND ex.role_id = p_expert_role
    LEFT JOIN users te ON te.username = r.tech AND te.active AND te.role_id = p_tech_role
    LEFT JOIN ticket_imports ti ON ti.source = p_source AND ti.source_id = r.source_id
    LEFT JOIN tickets nt ON nt.number = r.number;

    -- the people of the history need only exist: who wrote or was given
    -- a ticket years ago may have left since
    INSERT INTO pd_import_events
    SELECT r.i, e.k, e.kind, e.at, e.author, e.body, e.role, e.target,
           a.id, a.role_id, t.id
    FROM pd_import_rows r
    CROSS JOIN LATERAL jsonb_to_recordset(coalesce(r.events, '[]'))
        AS e (k integer, kind text, at timestamptz, author text, body text, role text, target text)
    LEFT JOIN users a ON a.username = e.author
    LEFT JOIN users t ON t.username = e.target
                         AND t.role_id = CASE e.role WHEN 'tech' THEN p_tech_role ELSE p_expert_role END
    WHERE r.existing IS NULL;

    -- a temporary table has no statistics until asked: the plans below
    -- join thousands of rows
    ANALYZE pd_import_rows;
    ANALYZE pd_import_events;

    SELECT coalesce(json_agg(x ORDER BY x.index, x.field), '[]') INTO problems
    FROM (
        SELECT r.i AS index, r.source_id, f.field, f.code, f.message
        FROM pd_import_rows r
        CROSS JOIN LATERAL (VALUES
            ('pharmacy', 'unknown_reference', CASE WHEN r.pharmacy_ref IS NULL THEN 'no active pharmacy has this code' END),
            ('module', 'unknown_reference', CASE WHEN r.module_ref IS NULL THEN 'no active module has this id or name' END),
            ('category', 'unknown_reference', CASE WHEN r.category_ref IS NULL THEN 'no active category has this id or name' END),
            ('created_by', 'unknown_reference', CASE WHEN r.created_by IS NOT NULL AND r.created_by_ref IS NULL THEN 'no user has this username' END),
            ('customer', 'unknown_reference', CASE WHEN r.customer IS NOT NULL AND r.customer_ref IS NULL THEN 'no active customer of the pharmacy has this username' END),
            ('expert', 'unknown_reference', CASE WHEN r.expert IS NOT NULL AND r.expert_ref IS NULL THEN 'no active team expert has this username' END),
            ('tech', 'unknown_reference', CASE WHEN r.tech IS NOT NULL AND r.tech_ref IS NULL THEN 'no active tech has this username' END),
            ('number', 'conflict', CASE WHEN r.taken_by IS NOT NULL THEN 'another ticket has this number' END),
            ('number', 'conflict', CASE WHEN r.number IS NOT NULL AND r.number_uses > 1 THEN 'the batch has this number more than once' END),
            ('source_id', 'conflict', CASE WHEN r.source_id_uses > 1 THEN 'the batch has this source id more than once' END),
            ('created_at', 'validation_failed', CASE WHEN r.created_at > now() THEN 'created_at is in the future' END),
            ('updated_at', 'validation_failed', CASE WHEN r.updated_at < r.created_at THEN 'updated_at is before created_at' END),
            ('solved_at', 'validation_failed', CASE WHEN r.solved_at < r.created_at THEN 'solved_at is before created_at' END),
            ('closed_at', 'validation_failed', CASE WHEN r.closed_at < r.created_at THEN 'closed_at is before created_at' END)
        ) AS f (field, code, message)
        WHERE f.message IS NOT NULL AND r.existing IS NULL
        UNION ALL
        SELECT e.i, r.source_id, 'events[' || (e.k - 1) || '].' || f.field, f.code, f.message
        FROM pd_import_events e
        JOIN pd_import_rows r ON r.i = e.i
        CROSS JOIN LATERAL (VALUES
            ('author', 'unknown_reference', CASE WHEN e.author IS NOT NULL AND e.author_ref IS NULL THEN 'no user has this username' END),
            ('to', 'unknown_reference', CASE WHEN e.kind = 'assignment' AND e.target IS NOT NULL AND e.target_ref IS NULL
                                             THEN 'no user of the role has this username' END),
            ('at', 'validation_failed', CASE WHEN e.at < r.created_at THEN 'the event is before the ticket was created'
                                             WHEN e.at > now() THEN 'the event is in the future' END)
        ) AS f (field, code, message)
        WHERE f.message IS NOT NULL
        LIMIT 1000
    ) x;

    SELECT count(*) FILTER (WHERE existing IS NULL), count(*) FILTER (WHERE existing IS NOT NULL)
    INTO fresh, known FROM pd_import_rows;

    IF json_array_length(problems) > 0 OR p_dry_run OR fresh = 0 THEN
        RETURN json_build_object(CASE WHEN p_dry_run THEN 'would_create' ELSE 'created' END,
                                 CASE WHEN json_array_length(problems) > 0 OR NOT p_dry_run THEN 0 ELSE fresh END,
                                 'already_imported', known, 'problems', problems, 'tickets', '[]'::json);
    END IF;

    -- Another import committing the same source id or number meanwhile
    -- (two admins, the same file) is found by the unique indexes: this
    -- batch then writes nothing and says so, and running it again skips
    -- what the other wrote. (A lock per row instead would serialise the
    -- batches scripts/import sends side by side.)
    BEGIN
        PERFORM set_config('pharmadesk.importing', 'on', true);

        -- numbers of our own form move their year's sequence past them; the
        -- rows without one draw theirs afterwards, in their creation year
        PERFORM pd_ticket_seq_advance(q.y, q.s)
        FROM (SELECT own_year AS y, max(own_seq) AS s FROM pd_import_rows
              WHERE existing IS NULL AND own_year IS NOT NULL AND number LIKE p_prefix || '-%'
              GROUP BY own_year) q;
        UPDATE pd_import_rows r
        SET number = pd_ticket_number(p_prefix, y.year, pd_next_ticket_seq(y.year))
        FROM (SELECT i, extract(year FROM created_at AT TIME ZONE p_zone)::integer AS year
              FROM pd_import_rows WHERE existing IS NULL AND number IS NULL ORDER BY i) y
        WHERE r.i = y.i;

        -- Service levels: a ticket from before is outside them. It is written
        -- governed by the policy that matches it, with no targets: never due,
        -- never at risk, no outcome in the compliance figures, no alert. Its
        -- first response and resolution times still count in the reports.
        WITH times AS (
            SELECT r.i,
                   min(e.at) FILTER (WHERE e.kind = 'comment' AND e.author_ref IS NOT NULL
                                     AND e.author_role IS DISTINCT FROM p_customer_role) AS first_response,
                   max(e.at) AS last_event,
                   max(e.at) FILTER (WHERE e.kind = 'status' AND e.target = 'solved') AS solved,
                   max(e.at) FILTER (WHERE e.kind = 'status' AND e.target = 'closed') AS closed
            FROM pd_import_rows r LEFT JOIN pd_import_events e ON e.i = r.i
            WHERE r.existing IS NULL
            GROUP BY r.i
        ), ins AS (
            INSERT INTO tickets (number, pharmacy_id, pic_name, contact, app_version, module_id, category_id,
                                 title, description, priority, status, source, customer_id, expert_id, tech_id,
                                 created_by, created_at, updated_at, first_response_at, solved_at, closed_at,
                                 sla_policy_id, sla_calendar_id, first_response_met_at)
            SELECT r.number, r.pharmacy_ref, r.pic_name, r.contact, coalesce(r.app_version, ''), r.module_ref,
                   r.category_ref, r.title, r.description, r.priority, r.status,
                   CASE r.created_by_role WHEN p_customer_role THEN 'customer'
                                          WHEN p_expert_role THEN 'team_expert' ELSE 'internal' END,
                   r.customer_ref, r.expert_ref, r.tech_ref, r.created_by_ref, r.created_at,
                   coalesce(r.updated_at, greatest(r.created_at, t.last_event)),
                   t.first_response,
                   CASE WHEN r.status IN ('solved', 'closed')
                        THEN coalesce(r.solved_at, t.solved, r.closed_at, t.closed, r.updated_at,
                                      greatest(r.created_at, t.last_event)) END,
                   CASE WHEN r.status = 'closed'
                        THEN coalesce(r.closed_at, t.closed, r.updated_at, greatest(r.created_at, t.last_event)) END,
                   m.policy_id, m.calendar_id, t.first_response
            FROM pd_import_rows r
            JOIN times t ON t.i = r.i
            LEFT JOIN LATERAL pd_sla_match(r.pharmacy_ref, r.category_ref, r.module_ref, r.priority) m ON true
            ORDER BY r.i
            RETURNING id, number
        )
        UPDATE pd_import_rows r SET ticket = ins.id FROM ins WHERE ins.number = r.number AND r.existing IS NULL;

        -- which rows were written is what the statements below select by
        ANALYZE pd_import_rows;

        INSERT INTO ticket_imports (source, source_id, ticket_id, imported_by)
        SELECT p_source, source_id, ticket, p_user FROM pd_import_rows WHERE ticket IS NOT NULL;

        -- The timeline: the creation, the events in time order, and, where the
        -- events leave the ticket in another status than the one it has, the
        -- move to it by the system at its closing time. Numbered here (a bulk
        -- load numbers its own entries). Assignments and status changes carry
        -- what they changed from, as the API's entries do.
        WITH entries AS (
            SELECT r.ticket, 0 AS k, r.created_at AS at, r.created_by_ref AS user_id, 'created' AS kind,
                   NULL::text AS field, NULL::text AS old_value, 'open' AS new_value, NULL::text AS body,
                   'public' AS visibility
            FROM pd_import_rows r WHERE r.ticket IS NOT NULL
            UNION ALL
            SELECT r.ticket, e.k, e.at, e.author_ref,
                   CASE e.kind WHEN 'comment' THEN 'comment' WHEN 'note' THEN 'note'
                               WHEN 'status' THEN 'status_changed' ELSE 'assigned' END,
                   CASE e.kind WHEN 'status' THEN 'status' WHEN 'assignment' THEN e.role || '_id' END,
                   CASE e.kind
                       WHEN 'status' THEN coalesce(lag(e.target) OVER (PARTITION BY e.i, e.kind = 'status' ORDER BY e.at, e.k), 'open')
                       WHEN 'assignment' THEN (lag(e.target_ref) OVER (PARTITION BY e.i, e.kind, e.role ORDER BY e.at, e.k))::text
                   END,
                   CASE e.kind WHEN 'status' THEN e.target WHEN 'assignment' THEN e.target_ref::text END,
                   e.body,
                   CASE e.kind WHEN 'note' THEN 'internal' ELSE 'public' END
            FROM pd_import_events e JOIN pd_import_rows r ON r.i = e.i
            WHERE r.ticket IS NOT NULL
            UNION ALL
            SELECT r.ticket, 2147483647, greatest(coalesce(r.closed_at, r.solved_at, r.updated_at, r.created_at),
                                                  coalesce(l.at, r.created_at)),
                   NULL, 'status_changed', 'status', coalesce(l.target, 'open'), r.status, NULL, 'public'
            FROM pd_import_rows r
            LEFT JOIN (SELECT DISTINCT ON (e.i) e.i, e.target, e.at FROM pd_import_events e
                       WHERE e.kind = 'status' ORDER BY e.i, e.at DESC, e.k DESC) l ON l.i = r.i
            WHERE r.ticket IS NOT NULL AND coalesce(l.target, 'open') <> r.status
        ), numbered AS (
            SELECT x.*, row_number() OVER w AS seq,
                   CASE WHEN x.visibility = 'public'
                        THEN count(*) FILTER (WHERE x.visibility = 'public') OVER w END AS public_seq
            FROM entries x
            WINDOW w AS (PARTITION BY x.ticket ORDER BY x.at, x.k ROWS UNBOUNDED PRECEDING)
        )
        INSERT INTO ticket_activities (ticket_id, user_id, kind, field, old_value, new_value, body, visibility,
                                       created_at, seq, public_seq)
        SELECT ticket, user_id, kind, field, old_value, new_value, body, visibility, at, seq, public_seq
        FROM numbered ORDER BY ticket, seq;

        -- what the search triggers skipped: each ticket's search row, its
        -- replies and notes with it, as they would have made it
        INSERT INTO ticket_search (ticket_id, pharmacy_id, doc, replies, notes)
        SELECT r.ticket, r.pharmacy_ref,
               pd_ticket_search_own(r.number, r.title, r.description) || coalesce(a.replies, ''),
               coalesce(a.replies, ''), coalesce(a.notes, '')
        FROM pd_import_rows r
        LEFT JOIN (SELECT e.i,
                          setweight(to_tsvector('simple', string_agg(e.body, ' ' ORDER BY e.at, e.k)
                                                          FILTER (WHERE e.kind = 'comment')), 'C') AS replies,
                          setweight(to_tsvector('simple', string_agg(e.body, ' ' ORDER BY e.at, e.k)
                                                          FILTER (WHERE e.kind = 'note')), 'D') AS notes
                   FROM pd_import_events e WHERE e.kind IN ('comment', 'note')
                   GROUP BY e.i) a ON a.i = r.i
        WHERE r.ticket IS NOT NULL;

        PERFORM set_config('pharmadesk.importing', 'off', true);
    EXCEPTION WHEN unique_violation THEN
        RETURN json_build_object('created', 0, 'already_imported', known, 'tickets', '[]'::json,
            'problems', json_build_array(json_build_object(
                'index', 0, 'source_id', NULL, 'field', NULL, 'code', 'conflict',
                'message', 'another import wrote some of these tickets at the same time; '
                           'nothing of this batch was written: run it again')));
    END;

    SELECT coalesce(json_agg(json_build_object('source_id', source_id, 'id', ticket, 'number', number) ORDER BY i), '[]')
    INTO written FROM pd_import_rows WHERE ticket IS NOT NULL;
    RETURN json_build_object('created', fresh, 'already_imported', known, 'problems', '[]'::json,
                             'tickets', written);
END
$$;
