-- Service levels, third part: compliance, counted exactly and cheaply.
--
-- A target's outcome is decided when it is met (migration 0030): met when
-- it had business time left, breached otherwise, with the business time it
-- took. Compliance counts the outcomes per day (of the dashboard's time
-- zone) and per month, target, pharmacy, priority, category and module,
-- the way the dashboard keeps its counts (migration 0017):
--   sla_compliance_counts  the outcomes counted, per day and per month;
--   sla_compliance_deltas  what changed since: +1 for an outcome decided,
--                          -1 for one withdrawn (a rejected solution runs
--                          on), or moved (a decided ticket's priority,
--                          category, module or pharmacy changed), appended
--                          by triggers whichever way a ticket is written.
-- Writers only append; background work (the dashboard's interval) moves
-- the deltas into the counts under an advisory lock; a read sums the counts
-- and the pending deltas of its range in one snapshot, so it is exact after
-- every write. A ticket's outcome follows its attributes as they are now,
-- as the dashboard's counts do.

CREATE TABLE sla_compliance_counts (
    grain       "char" NOT NULL CHECK (grain IN ('m', 'd')),
    period      date NOT NULL,            -- the month's first day; the day
    target      "char" NOT NULL CHECK (target IN ('f', 'r')),  -- first response, resolution
    pharmacy_id bigint NOT NULL,
    priority    text NOT NULL,
    category_id bigint NOT NULL,
    module_id   bigint NOT NULL,
    met         bigint NOT NULL,
    breached    bigint NOT NULL,
    taken       bigint NOT NULL,          -- business microseconds, summed
    PRIMARY KEY (grain, period, target, pharmacy_id, priority, category_id, module_id)
        INCLUDE (met, breached, taken)
);

CREATE TABLE sla_compliance_deltas (
    decided_at  timestamptz NOT NULL,
    target      "char" NOT NULL,
    pharmacy_id bigint NOT NULL,
    priority    text NOT NULL,
    category_id bigint NOT NULL,
    module_id   bigint NOT NULL,
    met         integer NOT NULL,
    breached    integer NOT NULL,
    taken       bigint NOT NULL
);
ALTER TABLE sla_compliance_deltas SET (autovacuum_vacuum_scale_factor = 0,
                                       autovacuum_vacuum_threshold = 5000,
                                       autovacuum_vacuum_insert_scale_factor = 0,
                                       autovacuum_vacuum_insert_threshold = 5000);

-- A ticket's decided outcomes, each n times (n = -1: withdrawn), with its
-- attributes: a delta row per target met.
CREATE FUNCTION pd_sla_outcomes(t tickets, n integer) RETURNS SETOF sla_compliance_deltas
LANGUAGE sql IMMUTABLE AS $$
    SELECT x.decided_at, x.target, t.pharmacy_id, t.priority, t.category_id, t.module_id,
           n * (x.left_us >= 0)::integer, n * (x.left_us < 0)::integer,
           n * (x.minutes * 60000000::bigint - x.left_us)
    FROM (VALUES ('f'::"char", t.first_response_met_at, t.first_response_left, t.first_response_target),
                 ('r'::"char", t.resolution_met_at, t.resolution_left, t.resolution_target))
         AS x (target, decided_at, left_us, minutes)
    WHERE x.decided_at IS NOT NULL AND x.left_us IS NOT NULL AND x.minutes IS NOT NULL
$$;

-- A ticket is created with its targets running: only one written with its
-- history (an import) brings outcomes, so the trigger fires for those
-- alone and costs a create nothing.
CREATE FUNCTION sla_compliance_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sla_compliance_deltas SELECT * FROM pd_sla_outcomes(NEW, 1);
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_sla_compliance_insert AFTER INSERT ON tickets FOR EACH ROW
    WHEN (NEW.first_response_met_at IS NOT NULL OR NEW.resolution_met_at IS NOT NULL)
    EXECUTE FUNCTION sla_compliance_insert();

CREATE FUNCTION sla_compliance_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sla_compliance_deltas SELECT o.* FROM old_tickets t, pd_sla_outcomes(t, -1) o;
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_sla_compliance_delete AFTER DELETE ON tickets
    REFERENCING OLD TABLE AS old_tickets
    FOR EACH STATEMENT EXECUTE FUNCTION sla_compliance_delete();

CREATE FUNCTION sla_compliance_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sla_compliance_deltas
    SELECT * FROM pd_sla_outcomes(OLD, -1) UNION ALL SELECT * FROM pd_sla_outcomes(NEW, 1);
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_sla_compliance_update AFTER UPDATE ON tickets FOR EACH ROW
    WHEN ((OLD.first_response_met_at IS NOT NULL OR NEW.first_response_met_at IS NOT NULL
           OR OLD.resolution_met_at IS NOT NULL OR NEW.resolution_met_at IS NOT NULL)
          AND (OLD.first_response_met_at IS DISTINCT FROM NEW.first_response_met_at
               OR OLD.first_response_left IS DISTINCT FROM NEW.first_response_left
               OR OLD.first_response_target IS DISTINCT FROM NEW.first_response_target
               OR OLD.resolution_met_at IS DISTINCT FROM NEW.resolution_met_at
               OR OLD.resolution_left IS DISTINCT FROM NEW.resolution_left
               OR OLD.resolution_target IS DISTINCT FROM NEW.resolution_target
               OR OLD.priority IS DISTINCT FROM NEW.priority
               OR OLD.category_id IS DISTINCT FROM NEW.category_id
               OR OLD.module_id IS DISTINCT FROM NEW.module_id
               OR OLD.pharmacy_id IS DISTINCT FROM NEW.pharmacy_id))
    EXECUTE FUNCTION sla_compliance_update();

CREATE FUNCTION sla_compliance_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM sla_compliance_counts;
    DELETE FROM sla_compliance_deltas;
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_sla_compliance_truncate AFTER TRUNCATE ON tickets
    FOR EACH STATEMENT EXECUTE FUNCTION sla_compliance_truncate();

-- Moves up to p_max pending deltas (NULL: all) into the counts, per day and
-- per month of the dashboard's zone, in one transaction; rows that come to
-- nothing go. How many moved, 0 when another process holds the run.
CREATE FUNCTION pd_sla_compliance_compact(p_max integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    zone text := (SELECT z.time_zone FROM dashboard_zone z);
    moved bigint;
    zeros sla_compliance_counts[];
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('pharmadesk.sla_compliance')) THEN
        RETURN 0;
    END IF;
    WITH batch AS (
        DELETE FROM sla_compliance_deltas
        WHERE ctid = ANY (ARRAY(SELECT ctid FROM sla_compliance_deltas LIMIT p_max))
        RETURNING *
    ), daily AS (
        SELECT (d.decided_at AT TIME ZONE zone)::date AS day, d.target, d.pharmacy_id, d.priority,
               d.category_id, d.module_id, sum(d.met) AS met, sum(d.breached) AS breached, sum(d.taken) AS taken
        FROM batch d
        GROUP BY 1, 2, 3, 4, 5, 6
    ), counted AS (
        SELECT 'd'::"char" AS grain, day AS period, target, pharmacy_id, priority, category_id, module_id,
               met, breached, taken FROM daily
        UNION ALL
        SELECT 'm', date_trunc('month', day::timestamp)::date, target, pharmacy_id, priority, category_id,
               module_id, sum(met), sum(breached), sum(taken)
        FROM daily GROUP BY 2, 3, 4, 5, 6, 7
    ), merged AS (
        INSERT INTO sla_compliance_counts AS c
        SELECT * FROM counted WHERE met <> 0 OR breached <> 0 OR taken <> 0
        ON CONFLICT (grain, period, target, pharmacy_id, priority, category_id, module_id)
        DO UPDATE SET met = c.met + EXCLUDED.met, breached = c.breached + EXCLUDED.breached,
                      taken = c.taken + EXCLUDED.taken
        RETURNING c.*
    )
    SELECT (SELECT count(*) FROM batch),
           array_agg(ROW(m.grain, m.period, m.target, m.pharmacy_id, m.priority, m.category_id, m.module_id,
                         m.met, m.breached, m.taken)::sla_compliance_counts)
               FILTER (WHERE m.met = 0 AND m.breached = 0 AND m.taken = 0)
    INTO moved, zeros
    FROM merged m;
    -- what came to nothing goes
    DELETE FROM sla_compliance_counts c USING unnest(zeros) z
    WHERE c.grain = z.grain AND c.period = z.period AND c.target = z.target AND c.pharmacy_id = z.pharmacy_id
      AND c.priority = z.priority AND c.category_id = z.category_id AND c.module_id = z.module_id
      AND c.met = 0 AND c.breached = 0 AND c.taken = 0;
    RETURN moved;
END
$$;

-- Counts everything again from the tickets: the backfill below, bulk
-- loads, a change of the dashboard's zone, a repair should the counts ever
-- be doubted. Ticket writes wait meanwhile. How many outcomes.
CREATE FUNCTION pd_sla_compliance_rebuild() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    LOCK TABLE tickets IN SHARE MODE;
    PERFORM pg_advisory_xact_lock(hashtext('pharmadesk.sla_compliance'));
    TRUNCATE sla_compliance_counts, sla_compliance_deltas;
    INSERT INTO sla_compliance_deltas SELECT o.* FROM tickets t, pd_sla_outcomes(t, 1) o;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM pd_sla_compliance_compact(NULL);
    RETURN n;
END
$$;

-- The outcomes of the targets decided on the days [p_from, p_to] of the
-- dashboard's zone (NULL: the last 30 days), of the tickets a caller may see
-- (pd_dashboard_pharmacy: p_scope the caller's pharmacy scope, p_pharmacy
-- the one asked for), grouped by p_group: priority, category, module,
-- pharmacy, month, or all together (anything else). Whole months are read
-- from the monthly counts, the days at either end from the daily ones, and
-- the pending changes of the range one by one: exact, and a year costs
-- twelve months' rows. The rows: target ('f', 'r'), key, met, breached,
-- business microseconds taken.
CREATE FUNCTION pd_sla_compliance(p_scope bigint, p_pharmacy bigint, p_from date, p_to date, p_group text)
RETURNS TABLE (target "char", key text, met bigint, breached bigint, taken bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    who bigint := pd_dashboard_pharmacy(p_scope, p_pharmacy);
    zone text := (SELECT z.time_zone FROM dashboard_zone z);
    d2 date := coalesce(p_to, (now() AT TIME ZONE zone)::date) + 1;   -- [d1, d2)
    d1 date := coalesce(p_from, d2 - 30);
    m1 date := (date_trunc('month', (d1 - 1)::timestamp) + interval '1 month')::date;  -- whole months [m1, m2)
    m2 date := date_trunc('month', d2::timestamp)::date;
BEGIN
    IF who < 0 THEN
        RETURN;
    END IF;
    IF m1 >= m2 THEN
        m1 := d2;
        m2 := d2;
    END IF;
    RETURN QUERY
    SELECT c.target,
           CASE p_group WHEN 'priority' THEN c.priority WHEN 'category' THEN c.category_id::text
                        WHEN 'module' THEN c.module_id::text WHEN 'pharmacy' THEN c.pharmacy_id::text
                        WHEN 'month' THEN to_char(c.period, 'YYYY-MM') ELSE 'all' END,
           sum(c.met)::bigint, sum(c.breached)::bigint, sum(c.taken)::bigint
    FROM (SELECT k.target, k.period, k.pharmacy_id, k.priority, k.category_id, k.module_id,
                 k.met, k.breached, k.taken
          FROM sla_compliance_counts k
          WHERE k.grain = 'm' AND k.period >= m1 AND k.period < m2 AND (who = 0 OR k.pharmacy_id = who)
          UNION ALL
          SELECT k.target, date_trunc('month', k.period::timestamp)::date, k.pharmacy_id, k.priority,
                 k.category_id, k.module_id, k.met, k.breached, k.taken
          FROM sla_compliance_counts k
          WHERE k.grain = 'd' AND (k.period >= d1 AND k.period < least(m1, d2) OR k.period >= m2 AND k.period < d2)
            AND (who = 0 OR k.pharmacy_id = who)
          UNION ALL
          SELECT x.target, date_trunc('month', x.day::timestamp)::date, x.pharmacy_id, x.priority,
                 x.category_id, x.module_id, x.met, x.breached, x.taken
          FROM (SELECT (d.decided_at AT TIME ZONE zone)::date AS day, d.* FROM sla_compliance_deltas d) x
          WHERE x.day >= d1 AND x.day < d2 AND (who = 0 OR x.pharmacy_id = who)) c
    GROUP BY 1, 2
    HAVING sum(c.met) <> 0 OR sum(c.breached) <> 0;
END
$$;

-- The same as the API answers it: {"from", "to", "group_by", "items": [{key,
-- name (a category's, module's or pharmacy's), first_response {met,
-- breached, compliance (met of those decided; null: none), average_minutes
-- (business minutes taken, on average)}, resolution {...}}]}, by key.
CREATE FUNCTION pd_sla_compliance_json(p_scope bigint, p_pharmacy bigint, p_from date, p_to date, p_group text)
RETURNS text LANGUAGE sql STABLE AS $$
    WITH r AS (
        SELECT z.time_zone, coalesce(p_to, (now() AT TIME ZONE z.time_zone)::date) AS upto
        FROM dashboard_zone z
    ), c AS (
        SELECT * FROM pd_sla_compliance(p_scope, p_pharmacy, p_from, p_to, p_group)
    ), side AS (
        SELECT c.key, c.target,
               json_build_object('met', c.met, 'breached', c.breached,
                   'compliance', round(c.met::numeric / nullif(c.met + c.breached, 0), 4),
                   'average_minutes', round(c.taken / 60000000.0 / nullif(c.met + c.breached, 0), 1)) AS j
        FROM c
    ), keys AS (SELECT DISTINCT key FROM c)
    SELECT json_build_object(
        'from', coalesce(p_from, r.upto - 29), 'to', r.upto, 'group_by', coalesce(p_group, 'all'),
        'items', coalesce((SELECT json_agg(json_build_object(
                'key', k.key,
                'name', CASE p_group WHEN 'category' THEN (SELECT name FROM ticket_categories WHERE id = k.key::bigint)
                                     WHEN 'module' THEN (SELECT name FROM ticket_modules WHERE id = k.key::bigint)
                                     WHEN 'pharmacy' THEN (SELECT name FROM pharmacies WHERE id = k.key::bigint) END,
                'first_response', coalesce((SELECT s.j FROM side s WHERE s.key = k.key AND s.target = 'f'),
                                           json_build_object('met', 0, 'breached', 0, 'compliance', NULL, 'average_minutes', NULL)),
                'resolution', coalesce((SELECT s.j FROM side s WHERE s.key = k.key AND s.target = 'r'),
                                       json_build_object('met', 0, 'breached', 0, 'compliance', NULL, 'average_minutes', NULL)))
            ORDER BY k.key) FROM keys k), '[]'))::text
    FROM r
$$;

SELECT pd_sla_compliance_rebuild();
ANALYZE sla_compliance_counts;
