-- A ticket's creation, with fewer steps per row.
--
-- Every create through the API (and every visitor or letter at the front
-- desk) is one statement (src/pd_sql.c, pd_tickets_insert). Until now three
-- per-row triggers did work that statement can do itself, set-based and
-- planned once with it:
--
-- * the service levels' insert trigger matched the policy and laid out the
--   due, at-risk and escalation instants in PL/pgSQL (a function call, a
--   statement, then two more functions for the summary columns);
-- * the timeline's numbering trigger locked the new ticket and read the
--   highest numbers of a timeline that cannot have any entry yet;
-- * two foreign keys checked the policy and the calendar, each taking a
--   KEY SHARE lock on the same policy row and the same calendar row for
--   every create, so that concurrent creates contend on two rows (and
--   PostgreSQL keeps a multixact for each set of lockers).
--
-- The create statement now writes the targets and the summary (as
-- pd_sla_sum_up would) and numbers its first timeline entry, and the
-- triggers fire only for rows that come without them: every other writer
-- (scripts, imports, a policy the calendar's window does not yet reach)
-- takes the same path as before.

-- The dashboard's at-risk lookback (sla_risk_window, migration 0042) must
-- reach back as far as any ticket's stretch from its at-risk instant to its
-- due time. The insert trigger kept it, also for a row that brought its
-- own instants; now that such a row skips that trigger, the statement
-- trigger that counts new tickets for the dashboard keeps it for every
-- insert, once per statement (a read of one row, nearly always all it
-- takes). Updates still keep it through the update trigger.
CREATE OR REPLACE FUNCTION dashboard_tickets_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_deltas
        SELECT pharmacy_id, created_at, status, priority, category_id, module_id, 1 FROM new_tickets;
        UPDATE sla_risk_window w SET widest = n.stretch
        FROM (SELECT max(sla_due_at - sla_risk_at) AS stretch FROM new_tickets) n
        WHERE n.stretch > w.widest;
    ELSE
        INSERT INTO dashboard_deltas
        SELECT pharmacy_id, created_at, status, priority, category_id, module_id, -1 FROM old_tickets;
    END IF;
    RETURN NULL;
END
$$;

-- Fires only for a row that brings no policy: the API's creates bring theirs
-- unless no policy matches or an instant lies outside the calendar's window
-- (then they bring none and this computes them, widening the window). An
-- import brings a policy with no targets, which the trigger returned as it
-- was.
DROP TRIGGER tickets_sla_insert ON tickets;
CREATE TRIGGER tickets_sla_insert BEFORE INSERT ON tickets FOR EACH ROW
    WHEN (NEW.sla_policy_id IS NULL)
    EXECUTE FUNCTION tickets_sla();

-- A row numbered by its writer (a new ticket's first entry, a bulk load) was
-- returned unchanged; now the trigger is not called for it.
DROP TRIGGER ticket_activities_number ON ticket_activities;
CREATE TRIGGER ticket_activities_number BEFORE INSERT ON ticket_activities FOR EACH ROW
    WHEN (NEW.seq IS NULL)
    EXECUTE FUNCTION ticket_activities_number();

-- Policies and calendars are deactivated, never deleted, and only the
-- database's own functions (pd_sla_match's answer) write a ticket's policy
-- and calendar. What the foreign keys still guarded, a deletion by hand of
-- a row tickets name, a trigger refuses as they did (the same error code);
-- like the keys' own check, it reads the tickets, which no index orders by
-- policy or calendar: deleting one is an operator's rare act.
ALTER TABLE tickets DROP CONSTRAINT tickets_sla_policy_id_fkey,
                    DROP CONSTRAINT tickets_sla_calendar_id_fkey;

CREATE FUNCTION sla_referenced_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_TABLE_NAME = 'sla_policies' AND EXISTS (SELECT 1 FROM tickets t WHERE t.sla_policy_id = OLD.id))
       OR (TG_TABLE_NAME = 'sla_calendars'
           AND EXISTS (SELECT 1 FROM tickets t WHERE t.sla_calendar_id = OLD.id)) THEN
        RAISE EXCEPTION '% % is still named by tickets; deactivate it instead', TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER sla_policies_referenced BEFORE DELETE ON sla_policies FOR EACH ROW
    EXECUTE FUNCTION sla_referenced_delete();
CREATE TRIGGER sla_calendars_referenced BEFORE DELETE ON sla_calendars FOR EACH ROW
    EXECUTE FUNCTION sla_referenced_delete();
