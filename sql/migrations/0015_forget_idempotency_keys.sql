-- Idempotency keys are remembered for a day (0010); the maintenance thread
-- forgets older ones, at most 10,000 a run, so the table holds about a
-- day's creates. Under the same kind of advisory lock as the auto-close,
-- so that one process at a time does it.
CREATE FUNCTION pd_forget_idempotency_keys() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('pharmadesk.idempotency_keys')) THEN
        RETURN 0;
    END IF;
    WITH old AS (
        SELECT k.user_id, k.key FROM idempotency_keys k
        WHERE k.created_at < now() - interval '24 hours'
        ORDER BY k.created_at LIMIT 10000 FOR UPDATE SKIP LOCKED
    ), gone AS (
        DELETE FROM idempotency_keys k USING old
        WHERE k.user_id = old.user_id AND k.key = old.key
        RETURNING 1
    )
    SELECT count(*) INTO n FROM gone;
    RETURN n;
END
$$;
