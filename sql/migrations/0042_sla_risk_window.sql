-- The widest stretch ever written between a ticket's at-risk instant and
-- its due time (sla_due_at - sla_risk_at). A ticket at risk now (sla_risk_at
-- <= now < sla_due_at) reached its at-risk instant less than that stretch
-- ago, so counting the tickets at risk walks only that last stretch of the
-- at-risk index, not every running ticket (most of which are not at risk,
-- or breached already). It only grows: a narrower policy later leaves older
-- tickets' stretches as they were.
CREATE TABLE sla_risk_window (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    widest   interval NOT NULL DEFAULT interval '0'
);
INSERT INTO sla_risk_window (widest)
SELECT coalesce(max(sla_due_at - sla_risk_at), interval '0')
FROM tickets WHERE sla_risk_at IS NOT NULL AND sla_due_at > sla_risk_at;

-- Every way a ticket's service level is written holds its stretch: the
-- trigger (a create, a change, a bulk load bringing its own columns), and
-- the replay, which writes with the triggers off.
CREATE OR REPLACE FUNCTION tickets_sla() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    complete boolean;
    r tickets;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        r := pd_sla_step(OLD, NEW);
    ELSIF NEW.sla_policy_id IS NOT NULL THEN
        -- a bulk load may bring its own
        r := NEW;
    ELSE
        -- Created running (every create through the API): what pd_sla_step
        -- makes of a new ticket, in one statement, unless an instant falls
        -- outside the calendar's window (pd_sla_step widens it) or no
        -- policy matches. A create then costs one planned statement.
        IF NEW.status IN ('open', 'in_review', 'in_progress') THEN
            SELECT m.policy_id, m.calendar_id, m.risk_percent, m.levels, m.managers_after,
                   m.first_response, m.resolution, NULL, NULL, NULL, NULL, 0, NULL,
                   x.at[1], x.at[2], x.at[5], x.at[3], x.at[4], x.at[6], x.complete
            INTO NEW.sla_policy_id, NEW.sla_calendar_id, NEW.sla_risk_percent, NEW.sla_levels,
                 NEW.sla_managers_after, NEW.first_response_target, NEW.resolution_target,
                 NEW.first_response_met_at, NEW.resolution_met_at, NEW.first_response_left,
                 NEW.resolution_left, NEW.sla_paused, NEW.sla_stopped_at,
                 NEW.first_response_due_at, NEW.first_response_risk_at, NEW.first_response_escalate_at,
                 NEW.resolution_due_at, NEW.resolution_risk_at, NEW.resolution_escalate_at, complete
            FROM pd_sla_match(NEW.pharmacy_id, NEW.category_id, NEW.module_id, NEW.priority) m
            CROSS JOIN LATERAL pd_sla_instants(m.calendar_id, NEW.created_at,
                pd_sla_marks(m.first_response * 60000000::bigint, m.resolution * 60000000::bigint,
                             m.risk_percent, m.first_response, m.resolution, m.managers_after)) x;
        END IF;
        IF complete THEN
            r := pd_sla_sum_up(NEW);
        ELSE
            r := pd_sla_step(NULL, NEW);
        END IF;
    END IF;
    -- the window holds its stretch: a read, nearly always all it takes
    IF r.sla_risk_at IS NOT NULL AND r.sla_due_at - r.sla_risk_at > (SELECT w.widest FROM sla_risk_window w) THEN
        UPDATE sla_risk_window SET widest = greatest(widest, r.sla_due_at - r.sla_risk_at);
    END IF;
    RETURN r;
END
$$;

CREATE OR REPLACE FUNCTION pd_sla_replay() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    LOCK TABLE tickets IN EXCLUSIVE MODE;
    n := pd_sla_replay_unlocked();
    UPDATE sla_risk_window
    SET widest = greatest(widest, (SELECT max(t.sla_due_at - t.sla_risk_at) FROM tickets t
                                   WHERE t.sla_risk_at IS NOT NULL));
    RETURN n;
END
$$;
