-- The dashboard (GET /api/dashboard): tickets
-- in total and per status, priority, category and module, for all
-- pharmacies or one, over all time or a range of creation times, exact
-- after every write and without counting the tickets at every request.
--
-- Three layers, read by pd_dashboard_counts in one snapshot, so that their
-- sum is exact:
--   dashboard_counts  the counts of all time, per month and per day, for
--                     each pharmacy and for all of them (pharmacy_id 0): one
--                     row per dimension and value ('s' status, 'p'
--                     priority, 'c' category id, 'm' module id, and 'u' the
--                     status of the urgent tickets);
--   dashboard_deltas  what changed since: +1 for a ticket's new attributes,
--                     -1 for its old ones, appended by the triggers below
--                     whichever way a ticket is written (the API, the
--                     auto-close, a script);
--   tickets           a range's partial days (a bound given as a date-time),
--                     counted one by one through the creation-time indexes.
-- Writers only append to dashboard_deltas, which has no index and no row
-- that two transactions share, so concurrent ticket writes never wait for
-- each other here. The maintenance thread moves the deltas into the counts
-- every few seconds (pd_dashboard_compact, PharmadeskDashboardInterval),
-- under an advisory lock, so that only one process at a time writes counts.
-- Days and months are those of one time zone (dashboard_zone), which should
-- be PharmadeskTimeZone: then a range given as dates covers whole days and
-- needs no ticket counted one by one. Another zone gives the same numbers,
-- only with partial days; pd_dashboard_rebuild('Zone/Name') moves the days.

CREATE TABLE dashboard_zone (
    id        boolean PRIMARY KEY DEFAULT true CHECK (id),
    time_zone text NOT NULL
);
INSERT INTO dashboard_zone (time_zone) VALUES ('Asia/Jakarta');

CREATE TABLE dashboard_counts (
    pharmacy_id bigint NOT NULL,          -- 0: all pharmacies together
    grain       "char" NOT NULL CHECK (grain IN ('a', 'm', 'd')),
    period      date NOT NULL,            -- all time: -infinity; the month's first day; the day
    dim         "char" NOT NULL CHECK (dim IN ('s', 'p', 'c', 'm', 'u')),
    key         text NOT NULL,
    n           bigint NOT NULL,
    -- n too, so that a dashboard reads the index alone
    PRIMARY KEY (pharmacy_id, grain, period, dim, key) INCLUDE (n)
);

-- Append-only between compactions; a row's attributes are the ticket's as
-- they were (n = -1) or became (n = +1), or n tickets' (a rebuild). The
-- triggers write whole rows in this column order.
CREATE TABLE dashboard_deltas (
    pharmacy_id bigint NOT NULL,
    created_at  timestamptz NOT NULL,
    status      text NOT NULL,
    priority    text NOT NULL,
    category_id bigint NOT NULL,
    module_id   bigint NOT NULL,
    n           integer NOT NULL
);
-- Emptied every few seconds: vacuumed often, so that the pending rows a
-- dashboard reads stay on few pages.
ALTER TABLE dashboard_deltas SET (autovacuum_vacuum_scale_factor = 0,
                                  autovacuum_vacuum_threshold = 5000,
                                  autovacuum_vacuum_insert_scale_factor = 0,
                                  autovacuum_vacuum_insert_threshold = 5000);

-- New and deleted tickets: per statement, so that a bulk insert or delete
-- is one insert here.
CREATE FUNCTION dashboard_tickets_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_deltas
        SELECT pharmacy_id, created_at, status, priority, category_id, module_id, 1 FROM new_tickets;
    ELSE
        INSERT INTO dashboard_deltas
        SELECT pharmacy_id, created_at, status, priority, category_id, module_id, -1 FROM old_tickets;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_dashboard_insert AFTER INSERT ON tickets
    REFERENCING NEW TABLE AS new_tickets
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_tickets_rows();
CREATE TRIGGER tickets_dashboard_delete AFTER DELETE ON tickets
    REFERENCING OLD TABLE AS old_tickets
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_tickets_rows();

-- A change of a counted attribute only: replies, notes and other edits
-- touch the ticket row without a trigger call.
CREATE FUNCTION dashboard_tickets_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO dashboard_deltas VALUES
        (OLD.pharmacy_id, OLD.created_at, OLD.status, OLD.priority, OLD.category_id, OLD.module_id, -1),
        (NEW.pharmacy_id, NEW.created_at, NEW.status, NEW.priority, NEW.category_id, NEW.module_id, 1);
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_dashboard_update AFTER UPDATE ON tickets FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.priority IS DISTINCT FROM NEW.priority
          OR OLD.category_id IS DISTINCT FROM NEW.category_id
          OR OLD.module_id IS DISTINCT FROM NEW.module_id
          OR OLD.pharmacy_id IS DISTINCT FROM NEW.pharmacy_id
          OR OLD.created_at IS DISTINCT FROM NEW.created_at)
    EXECUTE FUNCTION dashboard_tickets_update();

-- TRUNCATE (never through the API) empties the dashboard with the tickets.
CREATE FUNCTION dashboard_tickets_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM dashboard_counts;
    DELETE FROM dashboard_deltas;
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_dashboard_truncate AFTER TRUNCATE ON tickets
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_tickets_truncate();

-- What a ticket counts towards: its status, priority, category, module,
-- and its status again among the urgent ones.
CREATE FUNCTION pd_dashboard_keys(status text, priority text, category_id bigint, module_id bigint)
RETURNS TABLE (dim "char", key text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT k.dim, k.key
    FROM (VALUES ('s'::"char", status), ('p', priority), ('c', category_id::text),
                 ('m', module_id::text), ('u', CASE WHEN priority = 'urgent' THEN status END))
         AS k (dim, key)
    WHERE k.key IS NOT NULL
$$;

-- Moves up to p_max pending deltas (NULL: all) into the counts, in one
-- transaction: a dashboard sees them either pending or counted, never both
-- or neither. Rows whose count comes to zero go. The number of ticket
-- changes moved, 0 when another process holds the run. Counts may dip below
-- zero for a while when a batch holds a ticket's -1 but not yet its +1
-- (rows are taken in storage order); the sum with the pending rows is exact
-- all the same.
CREATE FUNCTION pd_dashboard_compact(p_max integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    zone text := (SELECT z.time_zone FROM dashboard_zone z);
    moved bigint;
    zeros dashboard_counts[];
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('pharmadesk.dashboard')) THEN
        RETURN 0;
    END IF;
    WITH batch AS (
        DELETE FROM dashboard_deltas
        WHERE ctid = ANY (ARRAY(SELECT ctid FROM dashboard_deltas LIMIT p_max))
        RETURNING *
    ), daily AS (
        -- per pharmacy and day, each value of each dimension
        SELECT d.pharmacy_id, (d.created_at AT TIME ZONE zone)::date AS day, k.dim, k.key,
               sum(d.n) AS n
        FROM batch d
        CROSS JOIN LATERAL pd_dashboard_keys(d.status, d.priority, d.category_id, d.module_id) k
        GROUP BY 1, 2, 3, 4
    ), counted AS (
        -- and from those, per month and all time, and for all pharmacies
        SELECT CASE WHEN GROUPING(d.pharmacy_id) = 0 THEN d.pharmacy_id ELSE 0 END,
               CASE WHEN GROUPING(d.day) = 0 THEN 'd' WHEN GROUPING(d.month) = 0 THEN 'm'
                    ELSE 'a' END::"char",
               CASE WHEN GROUPING(d.day) = 0 THEN d.day WHEN GROUPING(d.month) = 0 THEN d.month
                    ELSE '-infinity' END,
               d.dim, d.key, sum(d.n) AS n
        FROM (SELECT daily.*, date_trunc('month', day::timestamp)::date AS month FROM daily) d
        GROUP BY GROUPING SETS ((d.pharmacy_id, d.day, d.dim, d.key), (d.day, d.dim, d.key),
                               (d.pharmacy_id, d.month, d.dim, d.key), (d.month, d.dim, d.key),
                               (d.pharmacy_id, d.dim, d.key), (d.dim, d.key))
        HAVING sum(d.n) <> 0
    ), merged AS (
        INSERT INTO dashboard_counts AS c (pharmacy_id, grain, period, dim, key, n)
        SELECT * FROM counted
        ON CONFLICT (pharmacy_id, grain, period, dim, key) DO UPDATE SET n = c.n + EXCLUDED.n
        RETURNING c.*
    )
    SELECT (SELECT coalesce(sum(abs(n)), 0) FROM batch),
           array_agg(ROW(m.pharmacy_id, m.grain, m.period, m.dim, m.key, m.n)::dashboard_counts)
               FILTER (WHERE m.n = 0)
    INTO moved, zeros
    FROM merged m;
    DELETE FROM dashboard_counts c USING unnest(zeros) z
    WHERE c.pharmacy_id = z.pharmacy_id AND c.grain = z.grain AND c.period = z.period
      AND c.dim = z.dim AND c.key = z.key AND c.n = 0;
    RETURN moved;
END
$$;

-- Counts everything again from the tickets, by the days of p_zone (NULL:
-- the zone kept so far): the backfill below, bulk loads, a change of
-- PharmadeskTimeZone, and a repair should the counts ever be doubted.
-- Ticket writes and dashboards wait meanwhile, and so does a compaction in
-- progress. The tickets go in as pending rows, one per pharmacy, day and
-- attributes (n such tickets, at the day's first instant), and are
-- compacted like any others; TRUNCATE leaves no dead rows behind. The
-- number of tickets counted.
CREATE FUNCTION pd_dashboard_rebuild(p_zone text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    moved bigint;
BEGIN
    IF p_zone IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = p_zone) THEN
        RAISE EXCEPTION 'no such time zone: %', p_zone USING ERRCODE = 'invalid_parameter_value';
    END IF;
    LOCK TABLE tickets IN SHARE MODE;
    PERFORM pg_advisory_xact_lock(hashtext('pharmadesk.dashboard'));
    UPDATE dashboard_zone SET time_zone = coalesce(p_zone, time_zone);
    TRUNCATE dashboard_counts, dashboard_deltas;
    INSERT INTO dashboard_deltas (pharmacy_id, created_at, status, priority, category_id,
                                  module_id, n)
    SELECT t.pharmacy_id, (t.created_at AT TIME ZONE z.time_zone)::date::timestamp
                          AT TIME ZONE z.time_zone,
           t.status, t.priority, t.category_id, t.module_id, count(*)
    FROM tickets t CROSS JOIN dashboard_zone z
    GROUP BY 1, 2, 3, 4, 5, 6;
    -- the advisory lock is this transaction's already: taken again, it nests
    moved := pd_dashboard_compact(NULL);
    TRUNCATE dashboard_deltas;
    RETURN moved;
END
$$;

-- The pharmacy whose tickets a caller sees on the dashboard: p_scope is
-- the caller's pharmacy scope (0: all, -1: none), p_pharmacy the pharmacy
-- asked for (NULL: every one in scope). 0 for all of them, -1 for none:
-- outside the scope nothing is counted, as a ticket list finds nothing
-- there.
CREATE FUNCTION pd_dashboard_pharmacy(p_scope bigint, p_pharmacy bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p_scope = 0 THEN coalesce(p_pharmacy, 0)
                WHEN p_pharmacy IS NULL OR p_pharmacy = p_scope THEN p_scope
                ELSE -1 END
$$;

-- The parts of the counts of the tickets a caller may see, created in
-- [p_from, p_to) (NULL: unbounded), as (dim, key, n) rows to be summed
-- (pd_dashboard_counts), within pd_dashboard_pharmacy(p_scope,
-- p_pharmacy). Each statement keeps its plan: all time, or months and days;
-- the pending changes of those days; and only when a bound cuts a day, that
-- day's tickets one by one.
CREATE FUNCTION pd_dashboard_parts(p_scope bigint, p_pharmacy bigint,
                                   p_from timestamptz, p_to timestamptz)
RETURNS TABLE (dim "char", key text, n bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    who bigint := pd_dashboard_pharmacy(p_scope, p_pharmacy);
    zone text;
    d1 date := '-infinity';    -- [d1, d2): the whole days of the range
    d2 date := 'infinity';
    t1 timestamptz := '-infinity';  -- d1 and d2 as instants: the tickets
    t2 timestamptz := 'infinity';   -- before t1 and from t2 on are partial days
    m1 date;                   -- [m1, m2): the months counted
    m2 date;
    a1 date;                   -- [a1, a2), [b1, b2): days added to them
    a2 date;
    b1 date;
    b2 date;
    s1 date;                   -- [s1, s2), [u1, u2): days taken from them
    s2 date;
    u1 date;
    u2 date;
    next date;
BEGIN
    IF who < 0 THEN
        RETURN;
    END IF;
    SELECT z.time_zone INTO zone FROM dashboard_zone z;
    IF p_from IS NOT NULL THEN
        d1 := (p_from AT TIME ZONE zone)::date;
        t1 := d1::timestamp AT TIME ZONE zone;
        IF t1 < p_from THEN
            d1 := d1 + 1;
            t1 := d1::timestamp AT TIME ZONE zone;
        END IF;
    END IF;
    IF p_to IS NOT NULL THEN
        d2 := (p_to AT TIME ZONE zone)::date;
        t2 := d2::timestamp AT TIME ZONE zone;
    END IF;

    IF p_from IS NULL AND p_to IS NULL THEN
        RETURN QUERY
        SELECT c.dim, c.key, c.n FROM dashboard_counts c
        WHERE c.pharmacy_id = who AND c.grain = 'a' AND c.period = '-infinity';
    ELSIF d1 >= d2 THEN
        -- not one whole day: every ticket of the range one by one (below)
        t1 := p_to;
        t2 := p_to;
    ELSE
        -- the whole months, and at either end the days of a partial month
        -- one by one, or where they are most of it, that month less its
        -- other days: no more than half a month of days at either end
        m1 := date_trunc('month', d1::timestamp)::date;
        m2 := date_trunc('month', d2::timestamp)::date;
        a1 := d1; a2 := d1; s1 := d1; s2 := d1;
        b1 := d2; b2 := d2; u1 := d2; u2 := d2;
        IF m1 = m2 THEN
            next := (m1 + interval '1 month')::date;
            IF d2 - d1 > (next - m1) / 2 THEN
                s1 := m1; u2 := next; m2 := next;
            ELSE
                a2 := d2;
            END IF;
        ELSE
            IF d1 > m1 THEN
                next := (m1 + interval '1 month')::date;
                IF next - d1 > d1 - m1 THEN
                    s1 := m1;
                ELSE
                    a2 := next; m1 := next;
                END IF;
            END IF;
            IF d2 > m2 THEN
                next := (m2 + interval '1 month')::date;
                IF d2 - m2 > next - d2 THEN
                    u2 := next; m2 := next;
                ELSE
                    b1 := m2;
                END IF;
            END IF;
        END IF;
        RETURN QUERY
        SELECT c.dim, c.key, sum(c.n)::bigint
        FROM (SELECT c.dim, c.key, c.n FROM dashboard_counts c
              WHERE c.pharmacy_id = who AND c.grain = 'm' AND c.period >= m1 AND c.period < m2
              UNION ALL
              SELECT c.dim, c.key, c.n FROM dashboard_counts c
              WHERE c.pharmacy_id = who AND c.grain = 'd' AND c.period >= a1 AND c.period < a2
              UNION ALL
              SELECT c.dim, c.key, c.n FROM dashboard_counts c
              WHERE c.pharmacy_id = who AND c.grain = 'd' AND c.period >= b1 AND c.period < b2
              UNION ALL
              SELECT c.dim, c.key, -c.n FROM dashboard_counts c
              WHERE c.pharmacy_id = who AND c.grain = 'd' AND c.period >= s1 AND c.period < s2
              UNION ALL
              SELECT c.dim, c.key, -c.n FROM dashboard_counts c
              WHERE c.pharmacy_id = who AND c.grain = 'd' AND c.period >= u1 AND c.period < u2) c
        GROUP BY 1, 2;
    END IF;

    RETURN QUERY
    SELECT k.dim, k.key, sum(x.n)::bigint
    FROM (SELECT d.status, d.priority, d.category_id, d.module_id, sum(d.n) AS n
          FROM dashboard_deltas d
          WHERE (who = 0 OR d.pharmacy_id = who) AND d.created_at >= t1 AND d.created_at < t2
          GROUP BY 1, 2, 3, 4) x
    CROSS JOIN LATERAL pd_dashboard_keys(x.status, x.priority, x.category_id, x.module_id) k
    GROUP BY 1, 2;

    -- two statements, so that each keeps a plan on its own index
    IF (p_from < t1 OR t2 < p_to) AND who = 0 THEN
        RETURN QUERY
        SELECT k.dim, k.key, count(*)
        FROM tickets t
        CROSS JOIN LATERAL pd_dashboard_keys(t.status, t.priority, t.category_id, t.module_id) k
        WHERE t.created_at >= p_from AND t.created_at < t1 OR t.created_at >= t2 AND t.created_at < p_to
        GROUP BY 1, 2;
    ELSIF p_from < t1 OR t2 < p_to THEN
        RETURN QUERY
        SELECT k.dim, k.key, count(*)
        FROM tickets t
        CROSS JOIN LATERAL pd_dashboard_keys(t.status, t.priority, t.category_id, t.module_id) k
        WHERE t.pharmacy_id = who
          AND (t.created_at >= p_from AND t.created_at < t1 OR t.created_at >= t2 AND t.created_at < p_to)
        GROUP BY 1, 2;
    END IF;
END
$$;

-- The counts, summed: one row per dimension and value counted.
CREATE FUNCTION pd_dashboard_counts(p_scope bigint, p_pharmacy bigint,
                                    p_from timestamptz, p_to timestamptz)
RETURNS TABLE (dim "char", key text, n bigint)
LANGUAGE sql STABLE AS $$
    SELECT p.dim, p.key, sum(p.n)::bigint
    FROM pd_dashboard_parts(p_scope, p_pharmacy, p_from, p_to) p
    GROUP BY 1, 2
    HAVING sum(p.n) <> 0
$$;

-- The urgent tickets nobody has solved yet, oldest first: the dashboard's
-- list, and the ticket list filtered the same way. Partial, so a ticket
-- costs an entry only while it is urgent and unsolved.
CREATE INDEX tickets_urgent_idx ON tickets (created_at, id)
    WHERE priority = 'urgent' AND status IN ('open', 'in_review', 'in_progress', 'waiting_customer');
CREATE INDEX tickets_urgent_pharmacy_idx ON tickets (pharmacy_id, created_at, id)
    WHERE priority = 'urgent' AND status IN ('open', 'in_review', 'in_progress', 'waiting_customer');

SELECT pd_dashboard_rebuild();
ANALYZE dashboard_counts;
