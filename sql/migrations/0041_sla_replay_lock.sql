-- pd_sla_replay on a live database: it rewrites every ticket's service
-- level with the tickets' triggers off (ALTER TABLE ... DISABLE TRIGGER,
-- a SHARE ROW EXCLUSIVE lock), which waits for writers but not for a
-- transaction that has only locked rows so far, such as the sweep between
-- claiming its tickets (FOR UPDATE) and updating them. The two then wait
-- for each other, and PostgreSQL aborts one of them. Taken first, an
-- EXCLUSIVE lock on tickets waits for every such transaction to end and
-- keeps new ones out until the replay commits; reading tickets goes on.
ALTER FUNCTION pd_sla_replay() RENAME TO pd_sla_replay_unlocked;
COMMENT ON FUNCTION pd_sla_replay_unlocked() IS 'the replay itself; call pd_sla_replay(), which locks first';

CREATE FUNCTION pd_sla_replay() RETURNS integer
LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE tickets IN EXCLUSIVE MODE;
    RETURN pd_sla_replay_unlocked();
END
$$;
