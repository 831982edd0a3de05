-- Service levels, second part: the sweep that reports tickets reaching a
-- level of their policy (at risk, breached, overdue long enough for the
-- managers), escalation by hand, and the notification events of both.
--
-- What is due and when is the ticket's own (migration 0030: sla_check_at,
-- pd_sla_alerts_due). The sweep (the module's background work, every
-- PharmadeskSlaInterval seconds) takes the tickets whose sla_check_at has
-- come, locked and skipping those another sweep holds, writes a timeline
-- entry by the system for each level reached, marks a breached ticket
-- escalated, and records the levels on the ticket, in one statement: a
-- level is reported once per ticket and target, however many Apache
-- processes or nodes sweep, and a crash reports it again in full or not at
-- all. Each entry becomes a notification event through the outbox, in the
-- same transaction, like every other change on the timeline.

-- ---- the timeline ----------------------------------------------------------------

-- sla: the system reports a level a target reached (field: the target,
-- first_response or resolution; new_value: at_risk, breached or escalated,
-- the last meaning overdue long enough for the managers). escalation: a
-- ticket escalated or de-escalated (field escalated, old and new value
-- 'false' or 'true'), by hand with the reason in body. Both are internal:
-- the customer sees the due times and their states, not the team's alarms.
ALTER TABLE ticket_activities DROP CONSTRAINT ticket_activities_kind_check,
    ADD CONSTRAINT ticket_activities_kind_check
        CHECK (kind IN ('created', 'status_changed', 'field_changed', 'assigned', 'comment', 'note',
                        'attachment', 'system', 'sla', 'escalation'));

-- ---- the sweep -------------------------------------------------------------------

-- Up to p_batch tickets whose sla_check_at has come, oldest first, locked
-- (others sweeping skip them): each level reached reported on the timeline
-- (an at-risk level passed over by a breach, quietly), then the ticket
-- updated: the levels reported, a breach the policy escalates marking it
-- escalated (a change everyone reading it sees: its version moves), the
-- next instant to look at it again; one statement for the batch, with no
-- PL/pgSQL function called per ticket (one cost the sweep a third of its
-- time). How many tickets were taken (a full batch: there may be more) and
-- how many entries written.
CREATE FUNCTION pd_sla_sweep(p_batch integer, OUT taken integer, OUT entries integer)
LANGUAGE plpgsql AS $$
DECLARE
    claimed tickets[];
BEGIN
    claimed := ARRAY(SELECT t FROM tickets t
                     WHERE t.sla_check_at <= now()
                     ORDER BY t.sla_check_at
                     LIMIT p_batch
                     FOR UPDATE SKIP LOCKED);
    taken := cardinality(claimed);
    entries := 0;
    IF taken = 0 THEN
        RETURN;
    END IF;
    INSERT INTO ticket_activities (ticket_id, user_id, kind, field, new_value, visibility)
    SELECT c.id, NULL, 'sla', d.target, d.level, 'internal'
    FROM unnest(claimed) c CROSS JOIN LATERAL pd_sla_alerts_due(c, now()) d
    WHERE NOT d.quiet
    ORDER BY c.id, d.mask;
    GET DIAGNOSTICS entries = ROW_COUNT;
    -- every level reached by now is reported (the quiet ones too); the next
    -- check is the first level still ahead
    UPDATE tickets t
    SET sla_alerts = t.sla_alerts | s.reached,
        sla_check_at = s.ahead,
        escalated_at = CASE WHEN s.escalates THEN now() ELSE t.escalated_at END,
        version = t.version + CASE WHEN s.escalates THEN 1 ELSE 0 END,
        updated_at = CASE WHEN s.escalates THEN now() ELSE t.updated_at END
    FROM (SELECT c.id, r.reached, r.ahead,
                 r.reached & (2 | 16) <> 0 AND c.escalated_at IS NULL AS escalates
          FROM unnest(claimed) c
          CROSS JOIN LATERAL (
              SELECT coalesce(bit_or(a.mask) FILTER (WHERE a.at <= now()), 0)::smallint AS reached,
                     min(a.at) FILTER (WHERE a.at > now()) AS ahead
              FROM pd_sla_alert_times(c) a) r) s
    WHERE t.id = s.id;
END
$$;

-- The escalated queue (queue=escalated): the tickets not yet solved that
-- are escalated, newest first as every list.
CREATE INDEX tickets_escalated_idx ON tickets (created_at, id)
    WHERE escalated_at IS NOT NULL AND status IN ('open', 'in_review', 'in_progress', 'waiting_customer');

-- ---- notifications ----------------------------------------------------------------

-- The events: sla_at_risk, sla_breached, sla_escalated (a target overdue
-- long enough for the managers), escalated and de_escalated. The list of
-- valid events grows by them, whatever events earlier migrations list: the
-- function's one expression is extended, its identity (which the columns'
-- checks hold) kept.
DO $$
DECLARE
    body text := (SELECT prosrc FROM pg_proc WHERE oid = 'pd_notify_event_valid(text)'::regprocedure);
BEGIN
    EXECUTE format('CREATE OR REPLACE FUNCTION pd_notify_event_valid(e text) RETURNS boolean'
                   ' LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
                   rtrim(rtrim(body), ';') || E'\n    OR e IN (''sla_at_risk'', ''sla_breached'', '
                   '''sla_escalated'', ''escalated'', ''de_escalated'')' || E'\n');
END
$$;

-- Each SLA entry of the timeline becomes an event, in the entry's
-- transaction, as every other entry does (migration 0021).
CREATE FUNCTION ticket_activities_notify_sla() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notify_outbox (event, ticket_id, activity_id)
    VALUES (CASE WHEN NEW.kind = 'sla' THEN 'sla_' || NEW.new_value
                 WHEN NEW.new_value = 'true' THEN 'escalated'
                 ELSE 'de_escalated' END,
            NEW.ticket_id, NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER ticket_activities_notify_sla AFTER INSERT ON ticket_activities FOR EACH ROW
    WHEN (NEW.kind IN ('sla', 'escalation'))
    EXECUTE FUNCTION ticket_activities_notify_sla();

-- Who hears of them is the module's rule (only staff, ever); these say who
-- wants to by default: the tech or the expert working on a ticket at risk,
-- its expert of a breach and of an escalation, the managers of what is
-- overdue long enough and of escalations.
INSERT INTO notify_role_defaults (role_id, event, channel, enabled)
SELECT r.id, e.event, c.channel,
       CASE r.code
           WHEN 'team_expert' THEN e.event IN ('sla_at_risk', 'sla_breached', 'escalated')
                                   OR (c.channel = 'portal' AND e.event = 'de_escalated')
           WHEN 'tech' THEN e.event = 'sla_at_risk'
                            OR (c.channel = 'portal' AND e.event IN ('escalated', 'de_escalated'))
           WHEN 'manager' THEN e.event IN ('sla_escalated', 'escalated')
                               OR (c.channel = 'portal' AND e.event = 'de_escalated')
           ELSE false
       END
FROM roles r,
     (VALUES ('sla_at_risk'), ('sla_breached'), ('sla_escalated'), ('escalated'), ('de_escalated')) AS e (event),
     (VALUES ('portal'), ('email')) AS c (channel)
ON CONFLICT DO NOTHING;
