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

-- Fires only for a row that brings no policy: the API's creates bring theirs
-- unless no policy matches or an instant lies outside the calendar's window
-- (then they bring none and this computes them, widening the window). An
-- import brings a policy with no targets, which the trigger returned as it
-- was. A writer that brings its own instants maintains sla_risk_window
-- itself, as the create statement does.
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
