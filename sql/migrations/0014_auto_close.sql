-- A solved ticket the customer never answers closes by itself
-- after a number of days, with the system as the actor (user_id NULL on its
-- timeline row). Every Apache process runs this now and then
-- (PharmadeskMaintenanceInterval); the advisory lock lets one at a time do
-- the work, on one node or many, and the others return at once. A run
-- closes at most 1000 tickets, the longest solved first; the next run takes
-- the rest.
CREATE FUNCTION pd_close_stale_solved(p_days integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    IF p_days < 1 OR NOT pg_try_advisory_xact_lock(hashtext('pharmadesk.auto_close')) THEN
        RETURN 0;
    END IF;
    WITH stale AS (
        SELECT t.id FROM tickets t
        WHERE t.status = 'solved' AND t.solved_at < now() - make_interval(days => p_days)
        ORDER BY t.solved_at LIMIT 1000 FOR UPDATE SKIP LOCKED
    ), closed AS (
        UPDATE tickets t SET status = 'closed', closed_at = now(), updated_at = now(),
               version = t.version + 1
        FROM stale WHERE t.id = stale.id
        RETURNING t.id
    ), logged AS (
        INSERT INTO ticket_activities (ticket_id, user_id, kind, field, old_value, new_value, body,
                                       visibility)
        SELECT id, NULL, 'status_changed', 'status', 'solved', 'closed',
               format('closed automatically: no answer %s days after the solution', p_days), 'public'
        FROM closed
    )
    SELECT count(*) INTO n FROM closed;
    RETURN n;
END
$$;
