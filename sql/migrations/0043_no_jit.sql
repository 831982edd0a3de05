-- No JIT compilation for Pharmadesk's sessions. PostgreSQL compiles a
-- statement whose estimated cost passes jit_above_cost, which costs 50 to
-- 150 ms per execution and pays back only on queries that run for seconds;
-- none of ours should. A generic plan's estimate can pass the threshold for
-- a statement that runs in milliseconds (the dashboard's capped counts walk
-- an index with a LIMIT, estimated at a fraction of the table), and every
-- execution then paid for the compilation. Set on the database, so that
-- every new connection of the pool takes it; a user without the right to
-- set it is told to, and the migration goes on.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'could not turn JIT off for database %: run ALTER DATABASE % SET jit = off as its owner',
        current_database(), current_database();
END
$$;
