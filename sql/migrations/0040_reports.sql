-- Reports (GET /api/reports/...): volume, times, service levels, staff and
-- satisfaction over any range of days, by day, week or month, filtered by
-- pharmacy, category, module, priority, expert or tech, exact after every
-- write and without counting the tickets at every request.
--
-- The facts, per ticket, and where they come from:
--   the timeline (ticket_activities), which is append-only:
--     'c' created               a 'created' entry
--     's' solved, 'x' closed, 'k' cancelled
--                               a status change to that status
--     'o' reopened              a status change from solved, closed or
--                               cancelled back to work (a rejected solution,
--                               an admin's reopening)
--     'b' backlog               +1 as a ticket starts or comes back to work,
--                               -1 as it is solved, closed or cancelled from
--                               work: summed up to an instant, the tickets
--                               open then (not solved, closed or cancelled)
--   the ticket's columns as they are now (an outcome can be taken back):
--     'f' first response        at first_response_at, with the calendar time
--                               since the creation
--     'r' resolution            at solved_at while the ticket is solved or
--                               closed, with the calendar time since the
--                               creation
--     'F', 'R'                  the service levels' outcomes (migration
--                               0032's pd_sla_outcomes): met or breached,
--                               with the business time taken, at the
--                               instant they were decided
--     '1'..'5'                  the customer's rating, at rated_at
-- Every fact counts with the ticket's pharmacy, priority, category, module,
-- expert and tech as they are now, as the dashboard's and compliance's
-- counts do: a reassigned ticket moves its whole history to its new expert.
--
-- Kept as the dashboard keeps its counts (migration 0017): triggers append
-- deltas in the writing transaction (report_deltas, no index, nothing two
-- writers share), the background work folds them into counts per day and
-- month (report_counts) under an advisory lock, and a read sums the counts
-- and the pending deltas of its range in one snapshot.

-- ---- the rating, a column of the ticket ------------------------------------------------

ALTER TABLE tickets ADD COLUMN rating smallint CHECK (rating BETWEEN 1 AND 5),
                    ADD COLUMN rated_at timestamptz;
-- from the timeline: a ticket's latest rating
UPDATE tickets t SET rating = r.value, rated_at = r.at
FROM (SELECT DISTINCT ON (a.ticket_id) a.ticket_id, a.new_value::smallint AS value, a.created_at AS at
      FROM ticket_activities a
      WHERE a.kind = 'field_changed' AND a.field = 'rating' AND a.new_value ~ '^[1-5]$'
      ORDER BY a.ticket_id, a.id DESC) r
WHERE r.ticket_id = t.id;

-- A rating on the timeline (a customer confirming a solution) is the
-- ticket's rating, however the entry is written.
CREATE FUNCTION ticket_activities_rating() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tickets SET rating = NEW.new_value::smallint, rated_at = NEW.created_at
    WHERE id = NEW.ticket_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER ticket_activities_rating AFTER INSERT ON ticket_activities FOR EACH ROW
    WHEN (NEW.kind = 'field_changed' AND NEW.field = 'rating' AND NEW.new_value ~ '^[1-5]$')
    EXECUTE FUNCTION ticket_activities_rating();

-- ---- counts and deltas ---------------------------------------------------------------

-- Each fact is counted at six levels: with every attribute ('d', what any
-- combination of filters reads), and summed over all but none ('0': the
-- whole helpdesk), the pharmacy ('p': a pharmacy's statement), the priority
-- ('q'), the expert ('e') or the tech ('t'), the attributes summed over
-- being -1 ('' for the priority). A report reads the smallest level that
-- holds what it filters and groups by: a year of the whole helpdesk by
-- month is a dozen rows per fact kind, whatever the number of tickets.
CREATE TABLE report_counts (
    lvl         "char" NOT NULL CHECK (lvl IN ('d', '0', 'p', 'q', 'e', 't')),
    grain       "char" NOT NULL CHECK (grain IN ('m', 'd')),
    period      date NOT NULL,            -- the month's first day; the day
    kind        "char" NOT NULL,
    pharmacy_id bigint NOT NULL,
    priority    text NOT NULL,
    category_id bigint NOT NULL,
    module_id   bigint NOT NULL,
    expert_id   bigint NOT NULL,          -- 0: none
    tech_id     bigint NOT NULL,          -- 0: none
    n           bigint NOT NULL,          -- facts (backlog: the change)
    met         bigint NOT NULL,          -- 'F', 'R': met in time
    breached    bigint NOT NULL,          -- 'F', 'R': breached
    calendar_us bigint NOT NULL,          -- 'f', 'r': calendar microseconds, summed
    business_us bigint NOT NULL,          -- 'F', 'R': business microseconds taken, summed
    PRIMARY KEY (lvl, grain, period, kind, pharmacy_id, priority, category_id, module_id, expert_id, tech_id)
        INCLUDE (n, met, breached, calendar_us, business_us)
);

-- The triggers write whole rows in this column order.
CREATE TABLE report_deltas (
    at          timestamptz NOT NULL,
    kind        "char" NOT NULL,
    pharmacy_id bigint NOT NULL,
    priority    text NOT NULL,
    category_id bigint NOT NULL,
    module_id   bigint NOT NULL,
    expert_id   bigint NOT NULL,
    tech_id     bigint NOT NULL,
    n           integer NOT NULL,
    met         integer NOT NULL,
    breached    integer NOT NULL,
    calendar_us bigint NOT NULL,
    business_us bigint NOT NULL
);
ALTER TABLE report_deltas SET (autovacuum_vacuum_scale_factor = 0,
                               autovacuum_vacuum_threshold = 5000,
                               autovacuum_vacuum_insert_scale_factor = 0,
                               autovacuum_vacuum_insert_threshold = 5000);

-- What one timeline entry counts as: (kind, n) rows, none for entries that
-- are not a creation or a status change.
CREATE FUNCTION pd_report_entry_kinds(p_kind text, p_field text, p_old text, p_new text)
RETURNS TABLE (kind "char", n integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT k.kind, k.n
    FROM (SELECT p_old IN ('solved', 'closed', 'cancelled') AS was_done,
                 p_new IN ('solved', 'closed', 'cancelled') AS done) s
    CROSS JOIN LATERAL (VALUES
        ('c'::"char", CASE WHEN p_kind = 'created' THEN 1 END),
        ('b', CASE WHEN p_kind = 'created' THEN 1
                   WHEN p_kind = 'status_changed' AND p_field = 'status' AND NOT s.was_done AND s.done THEN -1
                   WHEN p_kind = 'status_changed' AND p_field = 'status' AND s.was_done AND NOT s.done THEN 1 END),
        ('s', CASE WHEN p_kind = 'status_changed' AND p_field = 'status' AND p_new = 'solved' THEN 1 END),
        ('x', CASE WHEN p_kind = 'status_changed' AND p_field = 'status' AND p_new = 'closed' THEN 1 END),
        ('k', CASE WHEN p_kind = 'status_changed' AND p_field = 'status' AND p_new = 'cancelled' THEN 1 END),
        ('o', CASE WHEN p_kind = 'status_changed' AND p_field = 'status' AND s.was_done AND NOT s.done THEN 1 END))
        AS k (kind, n)
    WHERE k.n IS NOT NULL
$$;

-- A ticket's timeline facts, each sign times (-1: taken back), with its
-- attributes.
CREATE FUNCTION pd_report_history(t tickets, sign integer) RETURNS SETOF report_deltas
LANGUAGE sql STABLE AS $$
    SELECT a.created_at, k.kind, t.pharmacy_id, t.priority, t.category_id, t.module_id,
           coalesce(t.expert_id, 0), coalesce(t.tech_id, 0), sign * k.n, 0, 0, 0::bigint, 0::bigint
    FROM ticket_activities a
    CROSS JOIN LATERAL pd_report_entry_kinds(a.kind, a.field, a.old_value, a.new_value) k
    WHERE a.ticket_id = t.id AND (a.kind = 'created' OR (a.kind = 'status_changed' AND a.field = 'status'))
$$;

-- An interval in whole microseconds.
CREATE FUNCTION pd_report_us(i interval) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (extract(epoch FROM i) * 1000000)::bigint
$$;

-- A ticket's facts from its columns, each sign times.
CREATE FUNCTION pd_report_outcomes(t tickets, sign integer) RETURNS SETOF report_deltas
LANGUAGE sql IMMUTABLE AS $$
    SELECT t.first_response_at, 'f'::"char", t.pharmacy_id, t.priority, t.category_id, t.module_id,
           coalesce(t.expert_id, 0), coalesce(t.tech_id, 0), sign, 0, 0,
           sign * pd_report_us(t.first_response_at - t.created_at), 0::bigint
    WHERE t.first_response_at IS NOT NULL
    UNION ALL
    SELECT t.solved_at, 'r', t.pharmacy_id, t.priority, t.category_id, t.module_id,
           coalesce(t.expert_id, 0), coalesce(t.tech_id, 0), sign, 0, 0,
           sign * pd_report_us(t.solved_at - t.created_at), 0
    WHERE t.solved_at IS NOT NULL AND t.status IN ('solved', 'closed')
    UNION ALL
    SELECT o.decided_at, upper(o.target::text)::"char", t.pharmacy_id, t.priority, t.category_id, t.module_id,
           coalesce(t.expert_id, 0), coalesce(t.tech_id, 0), o.met + o.breached, o.met, o.breached, 0, o.taken
    FROM pd_sla_outcomes(t, sign) o
    UNION ALL
    SELECT t.rated_at, t.rating::text::"char", t.pharmacy_id, t.priority, t.category_id, t.module_id,
           coalesce(t.expert_id, 0), coalesce(t.tech_id, 0), sign, 0, 0, 0, 0
    WHERE t.rating IS NOT NULL AND t.rated_at IS NOT NULL
$$;

-- A creation or status change on the timeline counts with the ticket's
-- attributes now; should they change later in the same transaction, the
-- ticket's trigger below moves it with the rest of its history.
CREATE FUNCTION ticket_activities_report() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_deltas
    SELECT NEW.created_at, k.kind, t.pharmacy_id, t.priority, t.category_id, t.module_id,
           coalesce(t.expert_id, 0), coalesce(t.tech_id, 0), k.n, 0, 0, 0, 0
    FROM tickets t, pd_report_entry_kinds(NEW.kind, NEW.field, NEW.old_value, NEW.new_value) k
    WHERE t.id = NEW.ticket_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER ticket_activities_report AFTER INSERT ON ticket_activities FOR EACH ROW
    WHEN (NEW.kind = 'created' OR (NEW.kind = 'status_changed' AND NEW.field = 'status'))
    EXECUTE FUNCTION ticket_activities_report();

-- A ticket written with its outcomes (an import): they count.
CREATE FUNCTION tickets_report_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_deltas SELECT * FROM pd_report_outcomes(NEW, 1);
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_report_insert AFTER INSERT ON tickets FOR EACH ROW
    WHEN (NEW.first_response_at IS NOT NULL OR NEW.solved_at IS NOT NULL OR NEW.rating IS NOT NULL
          OR NEW.first_response_met_at IS NOT NULL OR NEW.resolution_met_at IS NOT NULL)
    EXECUTE FUNCTION tickets_report_insert();

-- Changed attributes move the ticket's whole history and outcomes; changed
-- outcomes move themselves.
CREATE FUNCTION tickets_report_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.pharmacy_id IS DISTINCT FROM NEW.pharmacy_id OR OLD.priority IS DISTINCT FROM NEW.priority
       OR OLD.category_id IS DISTINCT FROM NEW.category_id OR OLD.module_id IS DISTINCT FROM NEW.module_id
       OR OLD.expert_id IS DISTINCT FROM NEW.expert_id OR OLD.tech_id IS DISTINCT FROM NEW.tech_id THEN
        INSERT INTO report_deltas
        SELECT * FROM pd_report_history(OLD, -1) UNION ALL SELECT * FROM pd_report_history(NEW, 1);
    END IF;
    INSERT INTO report_deltas
    SELECT * FROM pd_report_outcomes(OLD, -1) UNION ALL SELECT * FROM pd_report_outcomes(NEW, 1);
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_report_update AFTER UPDATE ON tickets FOR EACH ROW
    WHEN (OLD.pharmacy_id IS DISTINCT FROM NEW.pharmacy_id OR OLD.priority IS DISTINCT FROM NEW.priority
          OR OLD.category_id IS DISTINCT FROM NEW.category_id OR OLD.module_id IS DISTINCT FROM NEW.module_id
          OR OLD.expert_id IS DISTINCT FROM NEW.expert_id OR OLD.tech_id IS DISTINCT FROM NEW.tech_id
          OR OLD.status IS DISTINCT FROM NEW.status OR OLD.created_at IS DISTINCT FROM NEW.created_at
          OR OLD.first_response_at IS DISTINCT FROM NEW.first_response_at
          OR OLD.solved_at IS DISTINCT FROM NEW.solved_at
          OR OLD.rating IS DISTINCT FROM NEW.rating OR OLD.rated_at IS DISTINCT FROM NEW.rated_at
          OR OLD.first_response_met_at IS DISTINCT FROM NEW.first_response_met_at
          OR OLD.first_response_left IS DISTINCT FROM NEW.first_response_left
          OR OLD.first_response_target IS DISTINCT FROM NEW.first_response_target
          OR OLD.resolution_met_at IS DISTINCT FROM NEW.resolution_met_at
          OR OLD.resolution_left IS DISTINCT FROM NEW.resolution_left
          OR OLD.resolution_target IS DISTINCT FROM NEW.resolution_target)
    EXECUTE FUNCTION tickets_report_update();

-- A deleted ticket takes everything back, read before its timeline goes
-- with it.
CREATE FUNCTION tickets_report_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_deltas
    SELECT * FROM pd_report_history(OLD, -1) UNION ALL SELECT * FROM pd_report_outcomes(OLD, -1);
    RETURN OLD;
END
$$;
CREATE TRIGGER tickets_report_delete BEFORE DELETE ON tickets FOR EACH ROW
    EXECUTE FUNCTION tickets_report_delete();

CREATE FUNCTION tickets_report_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM report_counts;
    DELETE FROM report_deltas;
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_report_truncate AFTER TRUNCATE ON tickets
    FOR EACH STATEMENT EXECUTE FUNCTION tickets_report_truncate();

-- Moves up to p_max pending deltas (NULL: all) into the counts, per day and
-- month of the dashboard's zone, in one transaction; rows that come to
-- nothing go. How many moved, 0 when another process holds the run.
CREATE FUNCTION pd_report_compact(p_max integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    zone text := (SELECT z.time_zone FROM dashboard_zone z);
    moved bigint;
    zeros report_counts[];
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('pharmadesk.reports')) THEN
        RETURN 0;
    END IF;
    WITH batch AS (
        DELETE FROM report_deltas
        WHERE ctid = ANY (ARRAY(SELECT ctid FROM report_deltas LIMIT p_max))
        RETURNING *
    ), daily AS (
        SELECT (d.at AT TIME ZONE zone)::date AS day, d.kind, d.pharmacy_id, d.priority, d.category_id,
               d.module_id, d.expert_id, d.tech_id, sum(d.n) AS n, sum(d.met) AS met,
               sum(d.breached) AS breached, sum(d.calendar_us) AS calendar_us, sum(d.business_us) AS business_us
        FROM batch d
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ), leveled AS (
        -- each level: the attributes it keeps, the others summed over
        SELECT l.lvl, d.day, d.kind,
               CASE WHEN l.lvl IN ('d', 'p') THEN d.pharmacy_id ELSE -1 END AS pharmacy_id,
               CASE WHEN l.lvl IN ('d', 'q') THEN d.priority ELSE '' END AS priority,
               CASE WHEN l.lvl = 'd' THEN d.category_id ELSE -1 END AS category_id,
               CASE WHEN l.lvl = 'd' THEN d.module_id ELSE -1 END AS module_id,
               CASE WHEN l.lvl IN ('d', 'e') THEN d.expert_id ELSE -1 END AS expert_id,
               CASE WHEN l.lvl IN ('d', 't') THEN d.tech_id ELSE -1 END AS tech_id,
               sum(d.n) AS n, sum(d.met) AS met, sum(d.breached) AS breached, sum(d.calendar_us) AS calendar_us,
               sum(d.business_us) AS business_us
        FROM daily d CROSS JOIN (VALUES ('d'::"char"), ('0'), ('p'), ('q'), ('e'), ('t')) l (lvl)
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    ), counted AS (
        SELECT lvl, 'd'::"char" AS grain, day AS period, kind, pharmacy_id, priority, category_id, module_id,
               expert_id, tech_id, n, met, breached, calendar_us, business_us
        FROM leveled
        UNION ALL
        SELECT lvl, 'm', date_trunc('month', day::timestamp)::date, kind, pharmacy_id, priority, category_id,
               module_id, expert_id, tech_id, sum(n), sum(met), sum(breached), sum(calendar_us), sum(business_us)
        FROM leveled GROUP BY 1, 3, 4, 5, 6, 7, 8, 9, 10
    ), merged AS (
        INSERT INTO report_counts AS c
        SELECT * FROM counted
        WHERE n <> 0 OR met <> 0 OR breached <> 0 OR calendar_us <> 0 OR business_us <> 0
        ON CONFLICT (lvl, grain, period, kind, pharmacy_id, priority, category_id, module_id, expert_id, tech_id)
        DO UPDATE SET n = c.n + EXCLUDED.n, met = c.met + EXCLUDED.met, breached = c.breached + EXCLUDED.breached,
                      calendar_us = c.calendar_us + EXCLUDED.calendar_us,
                      business_us = c.business_us + EXCLUDED.business_us
        RETURNING c.*
    )
    SELECT (SELECT count(*) FROM batch),
           array_agg(m) FILTER (WHERE m.n = 0 AND m.met = 0 AND m.breached = 0 AND m.calendar_us = 0
                                  AND m.business_us = 0)
    INTO moved, zeros
    FROM merged m;
    -- what came to nothing goes
    DELETE FROM report_counts c USING unnest(zeros) z
    WHERE c.lvl = z.lvl AND c.grain = z.grain AND c.period = z.period AND c.kind = z.kind
      AND c.pharmacy_id = z.pharmacy_id
      AND c.priority = z.priority AND c.category_id = z.category_id AND c.module_id = z.module_id
      AND c.expert_id = z.expert_id AND c.tech_id = z.tech_id
      AND c.n = 0 AND c.met = 0 AND c.breached = 0 AND c.calendar_us = 0 AND c.business_us = 0;
    RETURN moved;
END
$$;

-- Counts everything again from the tickets and their timelines: the
-- backfill below, bulk loads written with triggers off (pd_sla_replay), a
-- change of the dashboard's zone, a repair. Ticket writes wait meanwhile.
-- How many facts.
CREATE FUNCTION pd_report_rebuild() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    LOCK TABLE tickets IN SHARE MODE;
    LOCK TABLE ticket_activities IN SHARE MODE;
    PERFORM pg_advisory_xact_lock(hashtext('pharmadesk.reports'));
    TRUNCATE report_counts, report_deltas;
    INSERT INTO report_deltas
    SELECT a.created_at, k.kind, t.pharmacy_id, t.priority, t.category_id, t.module_id,
           coalesce(t.expert_id, 0), coalesce(t.tech_id, 0), k.n, 0, 0, 0, 0
    FROM ticket_activities a
    JOIN tickets t ON t.id = a.ticket_id
    CROSS JOIN LATERAL pd_report_entry_kinds(a.kind, a.field, a.old_value, a.new_value) k
    WHERE a.kind = 'created' OR (a.kind = 'status_changed' AND a.field = 'status');
    INSERT INTO report_deltas SELECT o.* FROM tickets t, pd_report_outcomes(t, 1) o;
    SELECT count(*) INTO n FROM report_deltas;
    PERFORM pd_report_compact(NULL);
    RETURN n;
END
$$;

-- ---- reading -------------------------------------------------------------------------

-- The facts of the days [p_from, p_to] of the dashboard's zone, of the
-- tickets a caller may see (pd_dashboard_pharmacy) that match the filters
-- (NULL: any; expert or tech 0: none), summed per bucket (p_bucket 'day',
-- 'week' from Monday, 'month', or 'all': one bucket, p_from) and key
-- (p_group 'expert', 'tech', 'priority', or anything else: ''). Whole
-- months come from the monthly counts when the buckets are months or the
-- whole range, the other days from the daily counts, each at the smallest
-- level that keeps the attributes filtered and grouped by, and the pending
-- deltas of the range one by one. A last row per key with bucket NULL
-- carries the backlog's changes before p_from, so that summed up to the
-- end of a bucket they give the tickets open then.
CREATE FUNCTION pd_report_facts(p_scope bigint, p_pharmacy bigint, p_category bigint, p_module bigint,
                                p_priority text, p_expert bigint, p_tech bigint,
                                p_from date, p_to date, p_bucket text, p_group text)
RETURNS TABLE (bucket date, kind "char", key text, n bigint, met bigint, breached bigint,
               calendar_us bigint, business_us bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    who bigint := pd_dashboard_pharmacy(p_scope, p_pharmacy);
    zone text := (SELECT z.time_zone FROM dashboard_zone z);
    d1 date := p_from;
    d2 date := p_to + 1;       -- [d1, d2)
    m1 date := (date_trunc('month', (p_from - 1)::timestamp) + interval '1 month')::date;  -- whole months [m1, m2)
    m2 date := date_trunc('month', (p_to + 1)::timestamp)::date;
    b1 date := date_trunc('month', p_from::timestamp)::date;  -- the backlog before d1: months before b1, days [b1, d1)
    -- the attributes filtered or grouped by, and the level that keeps them
    dims text[] := array_remove(ARRAY[
        CASE WHEN who <> 0 THEN 'p' END,
        CASE WHEN p_priority IS NOT NULL OR p_group = 'priority' THEN 'q' END,
        CASE WHEN p_expert IS NOT NULL OR p_group = 'expert' THEN 'e' END,
        CASE WHEN p_tech IS NOT NULL OR p_group = 'tech' THEN 't' END], NULL);
    lv "char" := CASE WHEN p_category IS NOT NULL OR p_module IS NOT NULL OR cardinality(dims) > 1 THEN 'd'
                      WHEN cardinality(dims) = 1 THEN dims[1] ELSE '0' END;
BEGIN
    IF who < 0 THEN
        RETURN;
    END IF;
    IF m1 >= m2 OR p_bucket NOT IN ('month', 'all') THEN
        m1 := d2;
        m2 := d2;
    END IF;
    RETURN QUERY
    SELECT CASE WHEN c.day IS NULL THEN NULL
                WHEN p_bucket = 'day' THEN c.day
                WHEN p_bucket = 'week' THEN date_trunc('week', c.day::timestamp)::date
                WHEN p_bucket = 'month' THEN date_trunc('month', c.day::timestamp)::date
                ELSE d1 END,
           c.kind,
           CASE p_group WHEN 'expert' THEN c.expert_id::text WHEN 'tech' THEN c.tech_id::text
                        WHEN 'priority' THEN c.priority ELSE '' END,
           sum(c.n)::bigint, sum(c.met)::bigint, sum(c.breached)::bigint,
           sum(c.calendar_us)::bigint, sum(c.business_us)::bigint
    FROM (SELECT k.period AS day, k.kind, k.priority, k.expert_id, k.tech_id, k.n, k.met, k.breached,
                 k.calendar_us, k.business_us, k.pharmacy_id, k.category_id, k.module_id
          FROM report_counts k
          WHERE k.lvl = lv AND k.grain = 'm' AND k.period >= m1 AND k.period < m2
          UNION ALL
          SELECT k.period, k.kind, k.priority, k.expert_id, k.tech_id, k.n, k.met, k.breached,
                 k.calendar_us, k.business_us, k.pharmacy_id, k.category_id, k.module_id
          FROM report_counts k
          WHERE k.lvl = lv AND k.grain = 'd'
            AND (k.period >= d1 AND k.period < least(m1, d2) OR k.period >= m2 AND k.period < d2)
          UNION ALL
          -- the backlog before the range
          SELECT NULL, k.kind, k.priority, k.expert_id, k.tech_id, k.n, 0, 0, 0, 0,
                 k.pharmacy_id, k.category_id, k.module_id
          FROM report_counts k
          WHERE k.lvl = lv AND k.kind = 'b'
            AND (k.grain = 'm' AND k.period < b1 OR k.grain = 'd' AND k.period >= b1 AND k.period < d1)
          UNION ALL
          SELECT CASE WHEN x.day >= d1 THEN x.day END, x.kind, x.priority, x.expert_id, x.tech_id, x.n, x.met,
                 x.breached, x.calendar_us, x.business_us, x.pharmacy_id, x.category_id, x.module_id
          FROM (SELECT (d.at AT TIME ZONE zone)::date AS day, d.* FROM report_deltas d) x
          WHERE x.day < d2 AND (x.day >= d1 OR x.kind = 'b')) c
    WHERE (who = 0 OR c.pharmacy_id = who)
      AND (p_category IS NULL OR c.category_id = p_category)
      AND (p_module IS NULL OR c.module_id = p_module)
      AND (p_priority IS NULL OR c.priority = p_priority)
      AND (p_expert IS NULL OR c.expert_id = p_expert)
      AND (p_tech IS NULL OR c.tech_id = p_tech)
    GROUP BY 1, 2, 3
    HAVING sum(c.n) <> 0 OR sum(c.met) <> 0 OR sum(c.breached) <> 0;
END
$$;

-- The buckets of [p_from, p_to]: each one's first day (its label) and the
-- days of the range it covers, [first, last].
CREATE FUNCTION pd_report_buckets(p_from date, p_to date, p_bucket text)
RETURNS TABLE (bucket date, first date, last date)
LANGUAGE sql IMMUTABLE AS $$
    SELECT p_from, p_from, p_to WHERE p_bucket = 'all'
    UNION ALL
    SELECT b::date, greatest(b::date, p_from),
           least((b + CASE p_bucket WHEN 'day' THEN interval '1 day' WHEN 'week' THEN interval '1 week'
                                    ELSE interval '1 month' END)::date - 1, p_to)
    FROM generate_series(date_trunc(CASE p_bucket WHEN 'day' THEN 'day' WHEN 'week' THEN 'week' ELSE 'month' END,
                                     p_from::timestamp),
                         p_to::timestamp,
                         CASE p_bucket WHEN 'day' THEN interval '1 day' WHEN 'week' THEN interval '1 week'
                                       ELSE interval '1 month' END) b
    WHERE p_bucket <> 'all'
$$;

-- Minutes, one decimal, of a sum of microseconds over a count (NULL: none).
CREATE FUNCTION pd_report_minutes(us numeric, n numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT round(us / 60000000.0 / nullif(n, 0), 1)
$$;

-- A share, four decimals (NULL: nothing to share).
CREATE FUNCTION pd_report_share(part numeric, whole numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT round(part / nullif(whole, 0), 4)
$$;

-- Each ticket's times as minutes, for medians and percentiles, which no
-- count can give: (target 'f' or 'r', business or calendar, when, minutes)
-- of the tickets a caller may see that match the filters, decided in the
-- days [p_from, p_to]. Read from the rows, so only for short ranges.
CREATE FUNCTION pd_report_time_rows(p_scope bigint, p_pharmacy bigint, p_category bigint, p_module bigint,
                                    p_priority text, p_expert bigint, p_tech bigint, p_from date, p_to date)
RETURNS TABLE (target "char", business boolean, day date, expert_id bigint, tech_id bigint, minutes float8)
LANGUAGE sql STABLE AS $$
    WITH r AS (
        SELECT pd_dashboard_pharmacy(p_scope, p_pharmacy) AS who, z.time_zone AS zone,
               p_from::timestamp AT TIME ZONE z.time_zone AS t1, (p_to + 1)::timestamp AT TIME ZONE z.time_zone AS t2
        -- one row, which the planner is told: its estimates stay a ticket's
        FROM dashboard_zone z LIMIT 1
    ), x AS (
        -- each instant through its own index (below)
        SELECT 'f'::"char" AS target, false AS business, t.first_response_at AS at,
               extract(epoch FROM t.first_response_at - t.created_at)::float8 / 60 AS minutes, t.*
        FROM r, tickets t WHERE t.first_response_at >= r.t1 AND t.first_response_at < r.t2
        UNION ALL
        SELECT 'r', false, t.solved_at, extract(epoch FROM t.solved_at - t.created_at)::float8 / 60, t.*
        FROM r, tickets t WHERE t.solved_at >= r.t1 AND t.solved_at < r.t2 AND t.status IN ('solved', 'closed')
        UNION ALL
        SELECT 'f', true, t.first_response_met_at,
               (t.first_response_target * 60000000::bigint - t.first_response_left) / 60000000.0, t.*
        FROM r, tickets t WHERE t.first_response_met_at >= r.t1 AND t.first_response_met_at < r.t2
          AND t.first_response_left IS NOT NULL AND t.first_response_target IS NOT NULL
        UNION ALL
        SELECT 'r', true, t.resolution_met_at,
               (t.resolution_target * 60000000::bigint - t.resolution_left) / 60000000.0, t.*
        FROM r, tickets t WHERE t.resolution_met_at >= r.t1 AND t.resolution_met_at < r.t2
          AND t.resolution_left IS NOT NULL AND t.resolution_target IS NOT NULL
    )
    SELECT x.target, x.business, (x.at AT TIME ZONE r.zone)::date, coalesce(x.expert_id, 0),
           coalesce(x.tech_id, 0), x.minutes
    FROM r, x
    WHERE r.who >= 0 AND (r.who = 0 OR x.pharmacy_id = r.who)
      AND (p_category IS NULL OR x.category_id = p_category)
      AND (p_module IS NULL OR x.module_id = p_module)
      AND (p_priority IS NULL OR x.priority = p_priority)
      AND (p_expert IS NULL OR coalesce(x.expert_id, 0) = p_expert)
      AND (p_tech IS NULL OR coalesce(x.tech_id, 0) = p_tech)
$$;

-- The instants medians and the tickets behind a number are read by:
-- partial, so a ticket costs an entry only once it has one.
CREATE INDEX tickets_first_response_at_idx ON tickets (first_response_at) WHERE first_response_at IS NOT NULL;
CREATE INDEX tickets_solved_at_idx ON tickets (solved_at) WHERE solved_at IS NOT NULL;
CREATE INDEX tickets_first_response_met_idx ON tickets (first_response_met_at) WHERE first_response_met_at IS NOT NULL;
CREATE INDEX tickets_resolution_met_idx ON tickets (resolution_met_at) WHERE resolution_met_at IS NOT NULL;
CREATE INDEX tickets_rated_at_idx ON tickets (rated_at) WHERE rated_at IS NOT NULL;
-- and the timeline's creations and status changes by time, for the tickets
-- behind a volume number (the few entries of those kinds)
CREATE INDEX ticket_activities_status_at_idx ON ticket_activities (created_at)
    WHERE kind = 'created' OR (kind = 'status_changed' AND field = 'status');

-- Whether a range is short enough for medians and percentiles from the
-- rows: a quarter of days at most.
CREATE FUNCTION pd_report_rows_ok(p_from date, p_to date) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT p_to - p_from < 92
$$;

-- The reports as the API answers them, each one statement that plpgsql
-- plans once per connection (an SQL function's body would be planned at
-- every call, which took longer than running it). Each takes the caller's
-- pharmacy scope, the filters (pharmacy, category, module, priority, expert, tech;
-- NULL: any), the days [p_from, p_to] and the buckets ('day', 'week',
-- 'month'), and answers {"report", "from", "to", "group_by", "time_zone",
-- ..., "items": [...]}, an item per bucket (or person), each with the days
-- it covers ("first", "last").

-- Volume: created, solved, closed, reopened, cancelled, and the backlog at
-- the end of each bucket.
CREATE FUNCTION pd_report_volume_json(p_scope bigint, p_pharmacy bigint, p_category bigint, p_module bigint,
                                      p_priority text, p_expert bigint, p_tech bigint,
                                      p_from date, p_to date, p_bucket text)
RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
    WITH f AS (
        SELECT * FROM pd_report_facts(p_scope, p_pharmacy, p_category, p_module, p_priority, p_expert, p_tech,
                                      p_from, p_to, p_bucket, '')
        WHERE kind IN ('c', 's', 'x', 'k', 'o', 'b')
    ), base AS (
        SELECT coalesce(sum(f.n), 0) AS n FROM f WHERE f.bucket IS NULL
    ), b AS (
        SELECT k.bucket, k.first, k.last,
               coalesce(sum(f.n) FILTER (WHERE f.kind = 'c'), 0) AS created,
               coalesce(sum(f.n) FILTER (WHERE f.kind = 's'), 0) AS solved,
               coalesce(sum(f.n) FILTER (WHERE f.kind = 'x'), 0) AS closed,
               coalesce(sum(f.n) FILTER (WHERE f.kind = 'o'), 0) AS reopened,
               coalesce(sum(f.n) FILTER (WHERE f.kind = 'k'), 0) AS cancelled,
               coalesce(sum(f.n) FILTER (WHERE f.kind = 'b'), 0) AS moved
        FROM pd_report_buckets(p_from, p_to, p_bucket) k LEFT JOIN f ON f.bucket = k.bucket
        GROUP BY 1, 2, 3
    ), run AS (
        SELECT b.*, base.n + sum(b.moved) OVER (ORDER BY b.bucket) AS backlog FROM b, base
    )
    SELECT json_build_object(
        'report', 'volume', 'from', p_from, 'to', p_to, 'group_by', p_bucket,
        'time_zone', (SELECT z.time_zone FROM dashboard_zone z),
        'items', coalesce(json_agg(json_build_object(
            'bucket', r.bucket, 'first', r.first, 'last', r.last, 'created', r.created, 'solved', r.solved,
            'closed', r.closed, 'reopened', r.reopened, 'cancelled', r.cancelled, 'backlog', r.backlog)
            ORDER BY r.bucket), '[]'),
        'totals', json_build_object(
            'created', coalesce(sum(r.created), 0), 'solved', coalesce(sum(r.solved), 0),
            'closed', coalesce(sum(r.closed), 0), 'reopened', coalesce(sum(r.reopened), 0),
            'cancelled', coalesce(sum(r.cancelled), 0), 'backlog_before', (SELECT n FROM base),
            'backlog', coalesce((SELECT r2.backlog FROM run r2 ORDER BY r2.bucket DESC LIMIT 1),
                                (SELECT n FROM base))))::text
    FROM run r
    );
END
$$;

-- One target's times in a bucket: counts and means from the facts, medians
-- and 90th percentiles from the rows (NULL when the range is too long).
CREATE FUNCTION pd_report_times_side(f_n numeric, f_us numeric, b_n numeric, b_us numeric,
                                     c_med float8, c_p90 float8, b_med float8, b_p90 float8)
RETURNS json LANGUAGE sql IMMUTABLE AS $$
    SELECT json_build_object(
        'count', coalesce(f_n, 0), 'mean_minutes', pd_report_minutes(f_us, f_n),
        'median_minutes', round(c_med::numeric, 1), 'p90_minutes', round(c_p90::numeric, 1),
        'business_count', coalesce(b_n, 0), 'business_mean_minutes', pd_report_minutes(b_us, b_n),
        'business_median_minutes', round(b_med::numeric, 1), 'business_p90_minutes', round(b_p90::numeric, 1))
$$;

-- Times: first response and resolution, in calendar and business time.
CREATE FUNCTION pd_report_times_json(p_scope bigint, p_pharmacy bigint, p_category bigint, p_module bigint,
                                     p_priority text, p_expert bigint, p_tech bigint,
                                     p_from date, p_to date, p_bucket text)
RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
    WITH f AS (
        SELECT * FROM pd_report_facts(p_scope, p_pharmacy, p_category, p_module, p_priority, p_expert, p_tech,
                                      p_from, p_to, p_bucket, '')
        WHERE kind IN ('f', 'r', 'F', 'R') AND bucket IS NOT NULL
    ), p AS (
        SELECT k.bucket, x.target, x.business,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY x.minutes) AS med,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY x.minutes) AS p90
        FROM pd_report_time_rows(p_scope, p_pharmacy, p_category, p_module, p_priority, p_expert, p_tech,
                                 p_from, p_to) x
        JOIN pd_report_buckets(p_from, p_to, p_bucket) k ON x.day BETWEEN k.first AND k.last
        WHERE pd_report_rows_ok(p_from, p_to)
        GROUP BY 1, 2, 3
    ), b AS (
        SELECT k.bucket, k.first, k.last, t.target,
               sum(f.n) FILTER (WHERE f.kind = t.target) AS f_n,
               sum(f.calendar_us) FILTER (WHERE f.kind = t.target) AS f_us,
               sum(f.n) FILTER (WHERE f.kind = upper(t.target::text)::"char") AS b_n,
               sum(f.business_us) FILTER (WHERE f.kind = upper(t.target::text)::"char") AS b_us
        FROM pd_report_buckets(p_from, p_to, p_bucket) k
        CROSS JOIN (VALUES ('f'::"char"), ('r')) t (target)
        LEFT JOIN f ON f.bucket = k.bucket
        GROUP BY 1, 2, 3, 4
    ), s AS (
        SELECT b.bucket, b.first, b.last, b.target,
               pd_report_times_side(b.f_n, b.f_us, b.b_n, b.b_us,
                   (SELECT p.med FROM p WHERE p.bucket = b.bucket AND p.target = b.target AND NOT p.business),
                   (SELECT p.p90 FROM p WHERE p.bucket = b.bucket AND p.target = b.target AND NOT p.business),
                   (SELECT p.med FROM p WHERE p.bucket = b.bucket AND p.target = b.target AND p.business),
                   (SELECT p.p90 FROM p WHERE p.bucket = b.bucket AND p.target = b.target AND p.business)) AS j
        FROM b
    )
    SELECT json_build_object(
        'report', 'times', 'from', p_from, 'to', p_to, 'group_by', p_bucket,
        'time_zone', (SELECT z.time_zone FROM dashboard_zone z),
        'percentiles', pd_report_rows_ok(p_from, p_to),
        'items', coalesce((SELECT json_agg(json_build_object(
            'bucket', s1.bucket, 'first', s1.first, 'last', s1.last,
            'first_response', s1.j, 'resolution', s2.j) ORDER BY s1.bucket)
            FROM s s1 JOIN s s2 ON s2.bucket = s1.bucket AND s2.target = 'r' WHERE s1.target = 'f'), '[]'))::text
    );
END
$$;

-- One target's service level outcomes.
CREATE FUNCTION pd_report_sla_side(met numeric, breached numeric) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
    SELECT json_build_object('met', coalesce(met, 0), 'breached', coalesce(breached, 0),
                             'compliance', pd_report_share(met, coalesce(met, 0) + coalesce(breached, 0)),
                             'breached_share', pd_report_share(breached, coalesce(met, 0) + coalesce(breached, 0)))
$$;

-- Service levels: each target's outcomes decided in each bucket, and per
-- priority over the whole range.
CREATE FUNCTION pd_report_sla_json(p_scope bigint, p_pharmacy bigint, p_category bigint, p_module bigint,
                                   p_priority text, p_expert bigint, p_tech bigint,
                                   p_from date, p_to date, p_bucket text)
RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
    WITH f AS (
        SELECT * FROM pd_report_facts(p_scope, p_pharmacy, p_category, p_module, p_priority, p_expert, p_tech,
                                      p_from, p_to, p_bucket, '')
        WHERE kind IN ('F', 'R') AND bucket IS NOT NULL
    ), per AS (
        -- each bucket's outcomes, once (the buckets join them by key)
        SELECT f.bucket, sum(f.met) FILTER (WHERE f.kind = 'F') AS fm, sum(f.breached) FILTER (WHERE f.kind = 'F') AS fb,
               sum(f.met) FILTER (WHERE f.kind = 'R') AS rm, sum(f.breached) FILTER (WHERE f.kind = 'R') AS rb
        FROM f GROUP BY 1
    ), pf AS (
        SELECT f.key, sum(f.met) FILTER (WHERE f.kind = 'F') AS fm, sum(f.breached) FILTER (WHERE f.kind = 'F') AS fb,
               sum(f.met) FILTER (WHERE f.kind = 'R') AS rm, sum(f.breached) FILTER (WHERE f.kind = 'R') AS rb
        FROM pd_report_facts(p_scope, p_pharmacy, p_category, p_module, p_priority, p_expert, p_tech,
                             p_from, p_to, 'all', 'priority') f
        WHERE f.kind IN ('F', 'R') AND f.bucket IS NOT NULL
        GROUP BY 1
    )
    SELECT json_build_object(
        'report', 'sla', 'from', p_from, 'to', p_to, 'group_by', p_bucket,
        'time_zone', (SELECT z.time_zone FROM dashboard_zone z),
        'items', (SELECT coalesce(json_agg(json_build_object(
                'bucket', k.bucket, 'first', k.first, 'last', k.last,
                'first_response', pd_report_sla_side(per.fm, per.fb),
                'resolution', pd_report_sla_side(per.rm, per.rb))
                ORDER BY k.bucket), '[]')
            FROM pd_report_buckets(p_from, p_to, p_bucket) k LEFT JOIN per ON per.bucket = k.bucket),
        'by_priority', (SELECT json_agg(json_build_object(
                'priority', q.priority,
                'first_response', pd_report_sla_side(pf.fm, pf.fb),
                'resolution', pd_report_sla_side(pf.rm, pf.rb))
                ORDER BY q.rank DESC)
            FROM (VALUES ('urgent', 4), ('high', 3), ('medium', 2), ('low', 1)) q (priority, rank)
            LEFT JOIN pf ON pf.key = q.priority),
        'totals', (SELECT json_build_object(
                'first_response', pd_report_sla_side(sum(pf.fm), sum(pf.fb)),
                'resolution', pd_report_sla_side(sum(pf.rm), sum(pf.rb))) FROM pf))::text
    );
END
$$;

-- One person's (or the team's) figures from the facts of the whole range
-- (f: kind, n, met, breached, calendar_us) and the resolution times of
-- their rows (NULL: none, or the range too long).
CREATE FUNCTION pd_report_staff_figures(p_user json, c numeric, s numeric, o numeric, r_n numeric, r_us numeric,
                                        r_med float8, fm numeric, fb numeric, rm numeric, rb numeric,
                                        v_n numeric, v_sum numeric)
RETURNS json LANGUAGE sql IMMUTABLE AS $$
    SELECT json_build_object(
        'user', p_user, 'handled', coalesce(c, 0), 'solved', coalesce(s, 0), 'reopened', coalesce(o, 0),
        'reopen_rate', pd_report_share(o, s),
        'resolution', json_build_object('count', coalesce(r_n, 0), 'mean_minutes', pd_report_minutes(r_us, r_n),
                                        'median_minutes', round(r_med::numeric, 1)),
        'sla', json_build_object('first_response', pd_report_sla_side(fm, fb), 'resolution', pd_report_sla_side(rm, rb)),
        'rating', json_build_object('count', coalesce(v_n, 0), 'mean', round(v_sum / nullif(v_n, 0), 2)))
$$;

-- Staff: per expert (p_group 'expert') or tech ('tech'), over the whole
-- range: tickets created in it that they hold ("handled"), solved,
-- reopened, resolution times, service levels, ratings; p_only (NULL:
-- everyone) keeps one person's item; "team" adds everyone up.
CREATE FUNCTION pd_report_staff_json(p_scope bigint, p_pharmacy bigint, p_category bigint, p_module bigint,
                                     p_priority text, p_expert bigint, p_tech bigint,
                                     p_from date, p_to date, p_group text, p_only bigint)
RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
    WITH f AS (
        SELECT * FROM pd_report_facts(p_scope, p_pharmacy, p_category, p_module, p_priority, p_expert, p_tech,
                                      p_from, p_to, 'all', p_group)
        WHERE bucket IS NOT NULL
    ), med AS (
        SELECT CASE p_group WHEN 'expert' THEN x.expert_id ELSE x.tech_id END::text AS key,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY x.minutes) AS med
        FROM pd_report_time_rows(p_scope, p_pharmacy, p_category, p_module, p_priority, p_expert, p_tech,
                                 p_from, p_to) x
        WHERE pd_report_rows_ok(p_from, p_to) AND x.target = 'r' AND NOT x.business
        GROUP BY ROLLUP (1)
    ), per AS (
        SELECT f.key,
               sum(f.n) FILTER (WHERE f.kind = 'c') AS c, sum(f.n) FILTER (WHERE f.kind = 's') AS s,
               sum(f.n) FILTER (WHERE f.kind = 'o') AS o, sum(f.n) FILTER (WHERE f.kind = 'r') AS r_n,
               sum(f.calendar_us) FILTER (WHERE f.kind = 'r') AS r_us,
               sum(f.met) FILTER (WHERE f.kind = 'F') AS fm, sum(f.breached) FILTER (WHERE f.kind = 'F') AS fb,
               sum(f.met) FILTER (WHERE f.kind = 'R') AS rm, sum(f.breached) FILTER (WHERE f.kind = 'R') AS rb,
               sum(f.n) FILTER (WHERE f.kind IN ('1', '2', '3', '4', '5')) AS v_n,
               sum(f.n * (f.kind::text)::int) FILTER (WHERE f.kind IN ('1', '2', '3', '4', '5')) AS v_sum
        FROM f GROUP BY ROLLUP (f.key)
    )
    SELECT json_build_object(
        'report', 'staff', 'from', p_from, 'to', p_to, 'group_by', p_group,
        'time_zone', (SELECT z.time_zone FROM dashboard_zone z),
        'percentiles', pd_report_rows_ok(p_from, p_to),
        'items', coalesce((SELECT json_agg(pd_report_staff_figures(
                    CASE WHEN per.key <> '0' THEN json_build_object('id', u.id, 'name', u.name) END,
                    per.c, per.s, per.o, per.r_n, per.r_us, (SELECT med.med FROM med WHERE med.key = per.key),
                    per.fm, per.fb, per.rm, per.rb, per.v_n, per.v_sum)
                ORDER BY coalesce(per.c, 0) DESC, u.name, per.key)
            FROM per LEFT JOIN users u ON u.id = per.key::bigint
            WHERE per.key IS NOT NULL AND (p_only IS NULL OR per.key = p_only::text)), '[]'),
        'team', (SELECT pd_report_staff_figures(NULL, per.c, per.s, per.o, per.r_n, per.r_us,
                    (SELECT med.med FROM med WHERE med.key IS NULL), per.fm, per.fb, per.rm, per.rb, per.v_n, per.v_sum)
            FROM (SELECT NULL) one LEFT JOIN per ON per.key IS NULL))::text
    );
END
$$;

-- Satisfaction: the ratings given in each bucket (how many, their mean,
-- each of 1-5), the tickets closed, and the share of those rated; the
-- comments that came with the ratings of the range, newest first (at most
-- 100, from the rows).
CREATE FUNCTION pd_report_csat_json(p_scope bigint, p_pharmacy bigint, p_category bigint, p_module bigint,
                                    p_priority text, p_expert bigint, p_tech bigint,
                                    p_from date, p_to date, p_bucket text)
RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
    WITH f AS (
        SELECT * FROM pd_report_facts(p_scope, p_pharmacy, p_category, p_module, p_priority, p_expert, p_tech,
                                      p_from, p_to, p_bucket, '')
        WHERE kind IN ('1', '2', '3', '4', '5', 'x') AND bucket IS NOT NULL
    ), b AS (
        SELECT k.bucket, k.first, k.last,
               coalesce(sum(f.n) FILTER (WHERE f.kind <> 'x'), 0) AS rated,
               sum(f.n * (f.kind::text)::int) FILTER (WHERE f.kind <> 'x') AS score,
               coalesce(sum(f.n) FILTER (WHERE f.kind = 'x'), 0) AS closed,
               json_build_object('1', coalesce(sum(f.n) FILTER (WHERE f.kind = '1'), 0),
                                 '2', coalesce(sum(f.n) FILTER (WHERE f.kind = '2'), 0),
                                 '3', coalesce(sum(f.n) FILTER (WHERE f.kind = '3'), 0),
                                 '4', coalesce(sum(f.n) FILTER (WHERE f.kind = '4'), 0),
                                 '5', coalesce(sum(f.n) FILTER (WHERE f.kind = '5'), 0)) AS distribution
        FROM pd_report_buckets(p_from, p_to, p_bucket) k LEFT JOIN f ON f.bucket = k.bucket
        GROUP BY 1, 2, 3
    ), c AS (
        -- the ratings given in the range (through their index), each with
        -- the comment written with it
        SELECT t.id, t.number, t.rating, a.body, t.rated_at AS created_at
        FROM (SELECT z.time_zone, pd_dashboard_pharmacy(p_scope, p_pharmacy) AS who FROM dashboard_zone z LIMIT 1) r
        JOIN tickets t ON t.rated_at >= p_from::timestamp AT TIME ZONE r.time_zone
                      AND t.rated_at < (p_to + 1)::timestamp AT TIME ZONE r.time_zone
        JOIN LATERAL (SELECT a.body FROM ticket_activities a
                      WHERE a.ticket_id = t.id AND a.kind = 'comment' AND a.field = 'rating_comment'
                        AND a.created_at = t.rated_at
                      ORDER BY a.id DESC LIMIT 1) a ON true
        WHERE r.who >= 0 AND (r.who = 0 OR t.pharmacy_id = r.who) AND t.rating IS NOT NULL
          AND (p_category IS NULL OR t.category_id = p_category)
          AND (p_module IS NULL OR t.module_id = p_module)
          AND (p_priority IS NULL OR t.priority = p_priority)
          AND (p_expert IS NULL OR coalesce(t.expert_id, 0) = p_expert)
          AND (p_tech IS NULL OR coalesce(t.tech_id, 0) = p_tech)
        ORDER BY t.rated_at DESC, t.id DESC
        LIMIT 100
    )
    SELECT json_build_object(
        'report', 'csat', 'from', p_from, 'to', p_to, 'group_by', p_bucket,
        'time_zone', (SELECT z.time_zone FROM dashboard_zone z),
        'items', coalesce((SELECT json_agg(json_build_object(
                'bucket', b.bucket, 'first', b.first, 'last', b.last, 'rated', b.rated,
                'mean', round(b.score / nullif(b.rated, 0), 2), 'distribution', b.distribution,
                'closed', b.closed, 'response_rate', pd_report_share(b.rated, b.closed)) ORDER BY b.bucket)
            FROM b), '[]'),
        'totals', (SELECT json_build_object(
                'rated', sum(b.rated), 'mean', round(sum(b.score) / nullif(sum(b.rated), 0), 2),
                'distribution', json_build_object(
                    '1', sum((b.distribution->>'1')::int), '2', sum((b.distribution->>'2')::int),
                    '3', sum((b.distribution->>'3')::int), '4', sum((b.distribution->>'4')::int),
                    '5', sum((b.distribution->>'5')::int)),
                'closed', sum(b.closed), 'response_rate', pd_report_share(sum(b.rated), sum(b.closed)))
            FROM b),
        'comments', coalesce((SELECT json_agg(json_build_object(
                'ticket', json_build_object('id', c.id, 'number', c.number), 'rating', c.rating,
                'comment', c.body, 'at', c.created_at) ORDER BY c.created_at DESC) FROM c), '[]'))::text
    );
END
$$;

-- The tickets behind a report's number: those with the fact p_event on the
-- days [p_from, p_to] of the dashboard's zone (the ticket list's event,
-- event_from and event_to): 'created', 'solved', 'closed', 'cancelled',
-- 'reopened' from the timeline; 'backlog', those open at the end of p_to;
-- 'responded' (first response), 'resolved', the service levels' outcomes
-- ('first_response_met', ..., 'resolution_breached') and the ratings
-- ('rated', 'rated_1' .. 'rated_5') from the tickets' columns. A ticket
-- with the fact twice in the range is one ticket here, two in the counts.
CREATE FUNCTION pd_report_event_tickets(p_event text, p_from date, p_to date) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
    WITH r AS (
        SELECT p_from::timestamp AT TIME ZONE z.time_zone AS t1, (p_to + 1)::timestamp AT TIME ZONE z.time_zone AS t2
        FROM dashboard_zone z LIMIT 1
    )
    SELECT a.ticket_id FROM r, ticket_activities a
    CROSS JOIN LATERAL pd_report_entry_kinds(a.kind, a.field, a.old_value, a.new_value) k
    WHERE p_event IN ('created', 'solved', 'closed', 'cancelled', 'reopened')
      AND (a.kind = 'created' OR (a.kind = 'status_changed' AND a.field = 'status'))
      AND a.created_at >= r.t1 AND a.created_at < r.t2
      AND k.kind = CASE p_event WHEN 'created' THEN 'c' WHEN 'solved' THEN 's' WHEN 'closed' THEN 'x'
                                WHEN 'cancelled' THEN 'k' ELSE 'o' END::"char"
    UNION
    SELECT x.ticket_id
    FROM (SELECT DISTINCT ON (a.ticket_id) a.ticket_id, coalesce(a.new_value, 'open') AS new_value  -- created: open
          FROM r, ticket_activities a
          WHERE p_event = 'backlog' AND (a.kind = 'created' OR (a.kind = 'status_changed' AND a.field = 'status'))
            AND a.created_at < r.t2
          ORDER BY a.ticket_id, a.created_at DESC, a.id DESC) x
    WHERE x.new_value NOT IN ('solved', 'closed', 'cancelled')
    -- a branch per column, each through its index; with the event known
    -- when the list is planned, the others fold away
    UNION
    SELECT t.id FROM r, tickets t
    WHERE p_event = 'responded' AND t.first_response_at >= r.t1 AND t.first_response_at < r.t2
    UNION
    SELECT t.id FROM r, tickets t
    WHERE p_event = 'resolved' AND t.solved_at >= r.t1 AND t.solved_at < r.t2 AND t.status IN ('solved', 'closed')
    UNION
    SELECT t.id FROM r, tickets t
    WHERE p_event IN ('first_response_met', 'first_response_breached')
      AND t.first_response_met_at >= r.t1 AND t.first_response_met_at < r.t2 AND t.first_response_target IS NOT NULL
      AND (t.first_response_left >= 0) = (p_event = 'first_response_met')
    UNION
    SELECT t.id FROM r, tickets t
    WHERE p_event IN ('resolution_met', 'resolution_breached')
      AND t.resolution_met_at >= r.t1 AND t.resolution_met_at < r.t2 AND t.resolution_target IS NOT NULL
      AND (t.resolution_left >= 0) = (p_event = 'resolution_met')
    UNION
    SELECT t.id FROM r, tickets t
    WHERE p_event LIKE 'rated%' AND t.rated_at >= r.t1 AND t.rated_at < r.t2
      AND (p_event = 'rated' OR p_event = 'rated_' || t.rating)
$$;

SELECT pd_report_rebuild();
ANALYZE report_counts;
