-- Service levels: business calendars, SLA policies, and each ticket's due
-- times, kept by the database whichever way a ticket is written (the API,
-- the auto-close, a script), like the dashboard's counts.
--
-- Business time. A calendar is a time zone, working intervals per weekday
-- (several a day) and holidays (local dates). Its working time is laid out
-- once, as spans in UTC for a window of local dates (sla_calendar_spans),
-- with the business time before each span: a business clock that only runs
-- inside working hours. PostgreSQL's time zone database turns the local
-- intervals into instants (AT TIME ZONE), so a zone's daylight saving time
-- comes out right without the module knowing any zone. With the clock,
-- "how much business time lies between two instants" and "which instant
-- lies n business minutes after this one" are one index probe each
-- (pd_sla_clock, pd_sla_instant). Clock readings never leave the statement
-- that reads them: only durations (business microseconds) and instants are
-- stored, so a calendar's spans can be laid out again whenever it changes.
--
-- A ticket's clock runs while it is open, in review or in progress, and
-- stands still otherwise: while it waits for the customer (a pause, whose
-- business time is kept), and once solved, closed or cancelled. Each target
-- (first response, resolution) is, at any moment, running (a due time and
-- an at-risk time), stopped (the business time it had left when it
-- stopped) or met (the business time left when it was met; negative: met
-- late). First response is met by the first public entry of a staff member
-- (a reply, or a status change's public message); resolution by the move to
-- solved, and a rejected or reopened solution runs on from what was left.

-- ---- the audit log ------------------------------------------------------

-- Calendars and policies are audited like the other master data, and so
-- is an admin's request to recompute open tickets' due times.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check,
    ADD CONSTRAINT audit_log_action_check
        CHECK (action IN ('create', 'update', 'deactivate', 'delete', 'recompute'));
ALTER TABLE audit_log DROP CONSTRAINT audit_log_entity_check,
    ADD CONSTRAINT audit_log_entity_check
        CHECK (entity IN ('user', 'role', 'ticket_category', 'ticket_module', 'pharmacy', 'ticket',
                          'webhook_endpoint', 'sla_calendar', 'sla_policy'));

-- ---- contract tiers -----------------------------------------------------

-- A group of pharmacies that share a contract (e.g. GOLD): a policy can
-- name it instead of one pharmacy.
ALTER TABLE pharmacies ADD COLUMN tier text CHECK (tier ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$');

-- ---- calendars --------------------------------------------------------------

CREATE TABLE sla_calendars (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    time_zone   text NOT NULL DEFAULT 'Asia/Jakarta' CHECK (length(time_zone) BETWEEN 1 AND 64),
    active      boolean NOT NULL DEFAULT true,
    -- the local dates its spans cover: [spans_from, spans_to)
    spans_from  date NOT NULL DEFAULT current_date - 30,
    spans_to    date NOT NULL DEFAULT current_date + 1100,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (spans_from < spans_to)
);

-- Working intervals: weekday 1 (Monday) to 7 (Sunday), local times; '24:00'
-- ends a day, so 22:00-24:00 and the next day's 00:00-06:00 are one night
-- shift. The module refuses overlapping intervals.
CREATE TABLE sla_calendar_hours (
    calendar_id bigint NOT NULL REFERENCES sla_calendars (id) ON DELETE CASCADE,
    weekday     smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    starts      time NOT NULL,
    ends        time NOT NULL,
    PRIMARY KEY (calendar_id, weekday, starts),
    CHECK (starts < ends)
);

-- A holiday is a whole local day without work.
CREATE TABLE sla_holidays (
    calendar_id bigint NOT NULL REFERENCES sla_calendars (id) ON DELETE CASCADE,
    day         date NOT NULL,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    PRIMARY KEY (calendar_id, day)
);

-- The business clock. Each row is a stretch of working time [starts_at,
-- ends_at) with the business microseconds before it (clock) and at its end
-- (clock_end); adjacent intervals are one span. Two sentinels bound the
-- window: at its start a span of no length at clock 0, at its end one whose
-- clock is NULL, so that an instant outside the window reads as NULL
-- (pd_sla_clock) and so does a clock reading past its end (pd_sla_instant):
-- the callers then widen the window and read again.
CREATE TABLE sla_calendar_spans (
    calendar_id bigint NOT NULL REFERENCES sla_calendars (id) ON DELETE CASCADE,
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    clock       bigint,
    clock_end   bigint,
    PRIMARY KEY (calendar_id, starts_at) INCLUDE (ends_at, clock)
);
CREATE INDEX sla_calendar_spans_clock_idx ON sla_calendar_spans (calendar_id, clock_end)
    INCLUDE (starts_at, clock);

-- The calendar's business clock at an instant: NULL outside its window.
-- Written as a set-returning SQL function so that the planner inlines it
-- into the statement that uses it (one index probe, planned once with it).
CREATE FUNCTION pd_sla_clock(p_cal bigint, p_at timestamptz) RETURNS TABLE (clock bigint)
LANGUAGE sql STABLE ROWS 1 AS $$
    SELECT s.clock + (extract(epoch FROM least(p_at, s.ends_at) - s.starts_at) * 1000000)::bigint
    FROM sla_calendar_spans s
    WHERE s.calendar_id = p_cal AND s.starts_at <= p_at
    ORDER BY s.starts_at DESC
    LIMIT 1
$$;

-- The instant at which the clock reads p_clock: within the first span whose
-- end reaches it, so that a due time falling on the end of a working
-- interval is that end, not the start of the next one. NULL past the
-- window.
CREATE FUNCTION pd_sla_instant(p_cal bigint, p_clock bigint) RETURNS TABLE (at timestamptz)
LANGUAGE sql STABLE ROWS 1 AS $$
    SELECT s.starts_at + (p_clock - s.clock) * interval '1 microsecond'
    FROM sla_calendar_spans s
    WHERE s.calendar_id = p_cal AND s.clock_end >= p_clock
    ORDER BY s.clock_end
    LIMIT 1
$$;

-- Lays out a calendar's spans for the local dates [p_from, p_to) afresh:
-- each day's intervals unless the day is a holiday, turned into instants in
-- the calendar's zone (a local time that does not exist, in the hour a
-- clock skips, counts as standard time; so an interval across the skipped
-- hour is an hour shorter, one across the repeated hour an hour longer),
-- joined where they touch, with the clock counted from p_from.
CREATE FUNCTION pd_sla_calendar_build(p_cal bigint, p_from date, p_to date) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    zone text;
    first_at timestamptz;
    last_at timestamptz;
BEGIN
    SELECT c.time_zone INTO zone FROM sla_calendars c WHERE c.id = p_cal FOR UPDATE;
    IF zone IS NULL THEN
        RETURN;
    END IF;
    first_at := p_from::timestamp AT TIME ZONE zone;
    last_at := p_to::timestamp AT TIME ZONE zone;
    DELETE FROM sla_calendar_spans WHERE calendar_id = p_cal;
    INSERT INTO sla_calendar_spans (calendar_id, starts_at, ends_at, clock, clock_end)
    WITH pieces AS (
        SELECT (d + h.starts) AT TIME ZONE zone AS s, (d::date + h.ends) AT TIME ZONE zone AS e
        FROM generate_series(p_from::timestamp, (p_to - 1)::timestamp, interval '1 day') AS d
        JOIN sla_calendar_hours h ON h.calendar_id = p_cal
             AND h.weekday = extract(isodow FROM d)::smallint
        WHERE NOT EXISTS (SELECT 1 FROM sla_holidays x WHERE x.calendar_id = p_cal AND x.day = d::date)
    ), marked AS (
        SELECT s, e,
               CASE WHEN s <= max(e) OVER (ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                    THEN 0 ELSE 1 END AS starts_island
        FROM pieces WHERE e > s
    ), islands AS (
        SELECT s, e, sum(starts_island) OVER (ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS island
        FROM marked
    ), spans AS (
        SELECT min(s) AS s, max(e) AS e FROM islands GROUP BY island
    ), timed AS (
        SELECT s, e, (extract(epoch FROM e - s) * 1000000)::bigint AS len FROM spans
    )
    SELECT p_cal, s, e, sum(len) OVER w - len, sum(len) OVER w
    FROM timed
    WINDOW w AS (ORDER BY s ROWS UNBOUNDED PRECEDING);
    INSERT INTO sla_calendar_spans (calendar_id, starts_at, ends_at, clock, clock_end)
    VALUES (p_cal, first_at, first_at, 0, 0)
    ON CONFLICT DO NOTHING;
    INSERT INTO sla_calendar_spans (calendar_id, starts_at, ends_at, clock, clock_end)
    VALUES (p_cal, last_at, last_at, NULL, NULL)
    ON CONFLICT (calendar_id, starts_at) DO UPDATE SET clock = NULL, clock_end = NULL;
    UPDATE sla_calendars SET spans_from = p_from, spans_to = p_to WHERE id = p_cal;
END
$$;

-- Widens a calendar's window to hold the instants p_lo and p_hi (either may
-- be NULL), or, with p_grow, by that many more years ahead: what a clock
-- reading past the window's end needs. Waits for another transaction doing
-- the same; false when there is nothing more to do (the window already holds
-- them, or it would reach past a century ahead).
CREATE FUNCTION pd_sla_cover(p_cal bigint, p_lo timestamptz, p_hi timestamptz, p_grow integer DEFAULT 0)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    c sla_calendars;
    lo date;
    hi date;
BEGIN
    SELECT * INTO c FROM sla_calendars WHERE id = p_cal FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    lo := least(c.spans_from, (p_lo AT TIME ZONE c.time_zone)::date - 7);
    hi := greatest(c.spans_to, (p_hi AT TIME ZONE c.time_zone)::date + 7,
                   c.spans_to + make_interval(years => p_grow));
    IF (lo = c.spans_from AND hi = c.spans_to) OR hi > current_date + 36500 THEN
        RETURN false;
    END IF;
    PERFORM pd_sla_calendar_build(p_cal, lo, hi);
    RETURN true;
END
$$;

-- Business microseconds from p_a to p_b (negative when p_b is earlier).
CREATE FUNCTION pd_sla_between(p_cal bigint, p_a timestamptz, p_b timestamptz) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    r bigint;
BEGIN
    IF p_cal IS NULL OR p_a IS NULL OR p_b IS NULL THEN
        RETURN NULL;
    END IF;
    LOOP
        -- both readings in one statement: one snapshot of the spans
        r := (SELECT b.clock FROM pd_sla_clock(p_cal, p_b) b) - (SELECT a.clock FROM pd_sla_clock(p_cal, p_a) a);
        EXIT WHEN r IS NOT NULL OR NOT pd_sla_cover(p_cal, least(p_a, p_b), greatest(p_a, p_b));
    END LOOP;
    RETURN r;
END
$$;

-- The instants p_us[i] business microseconds after p_at (before it, when
-- negative), NULL where p_us[i] is NULL, as the window holds them:
-- complete is false (or no row) when one falls outside it. Inlined like
-- the above; one probe per instant, no aggregate. OFFSET 0 keeps the
-- array a subquery's column, computed once however often it is read
-- (pulled up, each reference would compute it again).
CREATE FUNCTION pd_sla_instants(p_cal bigint, p_at timestamptz, p_us bigint[])
RETURNS TABLE (at timestamptz[], complete boolean)
LANGUAGE sql STABLE ROWS 1 AS $$
    SELECT x.at, cardinality(array_remove(x.at, NULL)) = cardinality(array_remove(p_us, NULL))
    FROM pd_sla_clock(p_cal, p_at) c
    CROSS JOIN LATERAL (
        SELECT ARRAY(SELECT (SELECT i.at FROM pd_sla_instant(p_cal, c.clock + u.us) i)
                     FROM unnest(p_us) WITH ORDINALITY AS u (us, n)
                     ORDER BY u.n) AS at
        OFFSET 0) x
$$;

-- The same, the window widened for any that falls outside it.
CREATE FUNCTION pd_sla_after(p_cal bigint, p_at timestamptz, p_us bigint[]) RETURNS timestamptz[]
LANGUAGE plpgsql AS $$
DECLARE
    r timestamptz[];
    done boolean;
    grow integer := 0;
BEGIN
    IF p_cal IS NULL OR p_at IS NULL THEN
        RETURN array_fill(NULL::timestamptz, ARRAY[cardinality(p_us)]);
    END IF;
    LOOP
        SELECT x.at, x.complete INTO r, done FROM pd_sla_instants(p_cal, p_at, p_us) x;
        EXIT WHEN done;
        r := coalesce(r, array_fill(NULL::timestamptz, ARRAY[cardinality(p_us)]));
        -- the start outside the window, or a reading past its end
        IF (SELECT c.clock FROM pd_sla_clock(p_cal, p_at) c) IS NULL THEN
            EXIT WHEN NOT pd_sla_cover(p_cal, p_at, p_at);
        ELSE
            grow := greatest(1, grow * 2);
            EXIT WHEN NOT pd_sla_cover(p_cal, NULL, NULL, grow);
        END IF;
    END LOOP;
    RETURN r;
END
$$;

-- Keeps every active calendar's window three years ahead (the maintenance
-- work calls it): a due time seldom needs the window widened on the way.
-- How many calendars were laid out again.
CREATE FUNCTION pd_sla_calendars_extend() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    c record;
    n integer := 0;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('pharmadesk.sla_calendars')) THEN
        RETURN 0;
    END IF;
    FOR c IN SELECT id, spans_from FROM sla_calendars WHERE active AND spans_to < current_date + 730 LOOP
        PERFORM pd_sla_calendar_build(c.id, c.spans_from, current_date + 1100);
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;

-- Whether PostgreSQL knows the zone (a name of its time zone database, or
-- anything else AT TIME ZONE accepts).
CREATE FUNCTION pd_sla_zone_valid(p_zone text) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM now() AT TIME ZONE p_zone;
    RETURN true;
EXCEPTION WHEN invalid_parameter_value THEN
    RETURN false;
END
$$;

-- A calendar as the API shows it: its hours per weekday ("mon" .. "sun",
-- each a list of {"from", "to"} in order, "24:00" for a day's end) and its
-- holidays in date order.
CREATE FUNCTION pd_sla_calendar_json(p_cal bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', c.id, 'name', c.name, 'time_zone', c.time_zone,
        'hours', (SELECT json_object_agg(d.name, coalesce(
                      (SELECT json_agg(json_build_object('from', to_char(h.starts, 'HH24:MI'),
                                                         'to', CASE WHEN h.ends = '24:00' THEN '24:00'
                                                                    ELSE to_char(h.ends, 'HH24:MI') END)
                                       ORDER BY h.starts)
                       FROM sla_calendar_hours h WHERE h.calendar_id = c.id AND h.weekday = d.n), '[]')
                      ORDER BY d.n)
                  FROM (VALUES (1, 'mon'), (2, 'tue'), (3, 'wed'), (4, 'thu'), (5, 'fri'), (6, 'sat'),
                               (7, 'sun')) AS d (n, name)),
        'holidays', coalesce((SELECT json_agg(json_build_object('date', x.day, 'name', x.name) ORDER BY x.day)
                              FROM sla_holidays x WHERE x.calendar_id = c.id), '[]'),
        'active', c.active, 'created_at', c.created_at, 'updated_at', c.updated_at)::text
    FROM sla_calendars c WHERE c.id = p_cal
$$;

-- Replaces a calendar's hours (p_hours: [{"weekday": 1-7, "from", "to"}],
-- checked by the module) and holidays ([{"date", "name"}]); NULL leaves
-- either as it is. Then lays out its spans again.
CREATE FUNCTION pd_sla_calendar_set(p_cal bigint, p_hours json, p_holidays json) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_hours IS NOT NULL THEN
        DELETE FROM sla_calendar_hours WHERE calendar_id = p_cal;
        INSERT INTO sla_calendar_hours (calendar_id, weekday, starts, ends)
        SELECT p_cal, (h ->> 'weekday')::smallint, (h ->> 'from')::time, (h ->> 'to')::time
        FROM json_array_elements(p_hours) h;
    END IF;
    IF p_holidays IS NOT NULL THEN
        DELETE FROM sla_holidays WHERE calendar_id = p_cal;
        INSERT INTO sla_holidays (calendar_id, day, name)
        SELECT p_cal, (x ->> 'date')::date, x ->> 'name'
        FROM json_array_elements(p_holidays) x;
    END IF;
    PERFORM pd_sla_calendar_build(c.id, c.spans_from, c.spans_to) FROM sla_calendars c WHERE c.id = p_cal;
END
$$;

-- ---- policies -----------------------------------------------------------------

-- Targets in business minutes per priority (low, medium, high, urgent).
-- A policy applies to the tickets its conditions match (each NULL: any); of
-- several, the most specific: the one naming the pharmacy beats one naming
-- its tier, which beats one for any pharmacy; then a category beats any
-- category; then a module beats any module (specificity, a weight per
-- condition, each heavier than all below it together). Active policies
-- never share their conditions, so there is always exactly one winner. The
-- default policy has none and matches every ticket.
CREATE TABLE sla_policies (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    calendar_id     bigint NOT NULL REFERENCES sla_calendars (id),
    pharmacy_id     bigint REFERENCES pharmacies (id),
    pharmacy_tier   text CHECK (pharmacy_tier ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
    category_id     bigint REFERENCES ticket_categories (id),
    module_id       bigint REFERENCES ticket_modules (id),
    first_response  integer[] NOT NULL,
    resolution      integer[] NOT NULL,
    -- a running target is at risk once this share of its time is used
    at_risk_percent smallint NOT NULL DEFAULT 80 CHECK (at_risk_percent BETWEEN 1 AND 99),
    -- the escalation levels (the sweep, migration 0031): a target at risk
    -- is told to the people working on the ticket; a breach to its expert,
    -- marking the ticket escalated; a breach this many business minutes old
    -- to the managers (NULL: never)
    alert_at_risk   boolean NOT NULL DEFAULT true,
    alert_breached  boolean NOT NULL DEFAULT true,
    managers_after  integer DEFAULT 240 CHECK (managers_after BETWEEN 0 AND 100000),
    is_default      boolean NOT NULL DEFAULT false,
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    specificity     smallint GENERATED ALWAYS AS (
                        CASE WHEN pharmacy_id IS NOT NULL THEN 8
                             WHEN pharmacy_tier IS NOT NULL THEN 4 ELSE 0 END
                        + CASE WHEN category_id IS NOT NULL THEN 2 ELSE 0 END
                        + CASE WHEN module_id IS NOT NULL THEN 1 ELSE 0 END) STORED,
    CHECK (pharmacy_id IS NULL OR pharmacy_tier IS NULL),
    CHECK (cardinality(first_response) = 4 AND cardinality(resolution) = 4
           AND 1 <= ALL (first_response) AND 100000 >= ALL (first_response)
           AND 1 <= ALL (resolution) AND 100000 >= ALL (resolution)),
    CHECK (NOT is_default OR (active AND pharmacy_id IS NULL AND pharmacy_tier IS NULL
                              AND category_id IS NULL AND module_id IS NULL))
);
CREATE UNIQUE INDEX sla_policies_default_idx ON sla_policies (is_default) WHERE is_default;
CREATE UNIQUE INDEX sla_policies_conditions_idx ON sla_policies
    (coalesce(pharmacy_id, 0), coalesce(pharmacy_tier, ''), coalesce(category_id, 0), coalesce(module_id, 0))
    WHERE active;

-- A policy as the API shows it: its conditions (null: any), its calendar,
-- its targets per priority in business minutes.
CREATE FUNCTION pd_sla_policy_json(p sla_policies) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', p.id, 'name', p.name, 'description', p.description,
        'calendar', json_build_object('id', c.id, 'name', c.name),
        'pharmacy_id', p.pharmacy_id, 'pharmacy_tier', p.pharmacy_tier,
        'category_id', p.category_id, 'module_id', p.module_id,
        'targets', json_build_object(
            'low', json_build_object('first_response', p.first_response[1], 'resolution', p.resolution[1]),
            'medium', json_build_object('first_response', p.first_response[2], 'resolution', p.resolution[2]),
            'high', json_build_object('first_response', p.first_response[3], 'resolution', p.resolution[3]),
            'urgent', json_build_object('first_response', p.first_response[4], 'resolution', p.resolution[4])),
        'at_risk_percent', p.at_risk_percent,
        'escalation', json_build_object('at_risk', p.alert_at_risk, 'breached', p.alert_breached,
                                        'managers_after_minutes', p.managers_after),
        'specificity', p.specificity, 'is_default', p.is_default,
        'active', p.active, 'created_at', p.created_at, 'updated_at', p.updated_at)::text
    FROM sla_calendars c WHERE c.id = p.calendar_id
$$;

-- Creates (p_id NULL) or updates a policy with the values given (the
-- module merges a PATCH into the current ones); nothing when another
-- policy has the name, or another active one the same conditions.
CREATE FUNCTION pd_sla_policy_save(p_id bigint, p_name text, p_description text, p_calendar bigint,
                                   p_pharmacy bigint, p_tier text, p_category bigint, p_module bigint,
                                   p_first_response integer[], p_resolution integer[],
                                   p_at_risk smallint, p_alert_at_risk boolean, p_alert_breached boolean,
                                   p_managers_after integer, p_active boolean)
RETURNS TABLE (id bigint, json text) LANGUAGE plpgsql AS $$
DECLARE
    r sla_policies;
BEGIN
    IF p_id IS NULL THEN
        INSERT INTO sla_policies (name, description, calendar_id, pharmacy_id, pharmacy_tier, category_id,
                                  module_id, first_response, resolution, at_risk_percent, alert_at_risk,
                                  alert_breached, managers_after, active)
        VALUES (p_name, p_description, p_calendar, p_pharmacy, p_tier, p_category, p_module,
                p_first_response, p_resolution, p_at_risk, p_alert_at_risk, p_alert_breached,
                p_managers_after, p_active)
        RETURNING * INTO r;
    ELSE
        UPDATE sla_policies p SET name = p_name, description = p_description, calendar_id = p_calendar,
               pharmacy_id = p_pharmacy, pharmacy_tier = p_tier, category_id = p_category,
               module_id = p_module, first_response = p_first_response, resolution = p_resolution,
               at_risk_percent = p_at_risk, alert_at_risk = p_alert_at_risk,
               alert_breached = p_alert_breached, managers_after = p_managers_after,
               active = p_active, updated_at = now()
        WHERE p.id = p_id
        RETURNING * INTO r;
    END IF;
    IF r.id IS NOT NULL THEN
        id := r.id;
        json := pd_sla_policy_json(r);
        RETURN NEXT;
    END IF;
EXCEPTION WHEN unique_violation THEN
    RETURN;
END
$$;

-- ---- every installation's defaults ----------------------------------------------

INSERT INTO sla_calendars (name, time_zone) VALUES ('24/7', 'Asia/Jakarta');
INSERT INTO sla_calendar_hours (calendar_id, weekday, starts, ends)
SELECT c.id, d, '00:00', '24:00' FROM sla_calendars c, generate_series(1, 7) d;
-- the window reaches back to the oldest ticket, whose due times are filled below
SELECT pd_sla_calendar_build(c.id,
           least(current_date - 30, (SELECT (min(created_at) AT TIME ZONE 'Asia/Jakarta')::date - 7 FROM tickets)),
           current_date + 1100)
FROM sla_calendars c;

INSERT INTO sla_policies (name, description, calendar_id, first_response, resolution, is_default)
SELECT 'Standar', 'Every ticket no other policy matches', c.id,
       ARRAY[1440, 480, 240, 60], ARRAY[10080, 4320, 1440, 480], true
FROM sla_calendars c;

-- ---- each ticket's targets -------------------------------------------------------

-- Per target (first_response_*, resolution_*): the target in minutes, the
-- due and at-risk instants while it runs, the business microseconds left
-- while it stands still or once met (NULL while it runs), and when it was
-- met. The ticket's clock stood still since sla_stopped_at (NULL: it runs),
-- and sla_paused holds the business time it waited for the customer before.
-- sla_due_at, sla_risk_at and sla_met sum them up for the lists' indexes:
-- the earliest due time of a target not met (running, or stopped after it
-- breached; once solved, the resolution's due time), the earliest at-risk
-- time of a running one, and whether a solved or closed ticket met both.
--
-- The escalation levels the policy has (sla_levels: 1 at risk, 2 breached,
-- 4 overdue by sla_managers_after business minutes, when the managers are
-- told), the instant each running target reaches the last of them
-- (*_escalate_at), the levels already reported (sla_alerts: those bits for
-- the first response, shifted by 3 for the resolution) and the next instant
-- the sweep has something to report (sla_check_at), each level once per
-- ticket and target (pd_sla_alert_times). escalated_at: the ticket is
-- escalated (by a breach, or by hand), since then.
ALTER TABLE tickets
    ADD COLUMN sla_policy_id          bigint REFERENCES sla_policies (id),
    ADD COLUMN sla_calendar_id        bigint REFERENCES sla_calendars (id),
    ADD COLUMN sla_risk_percent       smallint,
    ADD COLUMN sla_stopped_at         timestamptz,
    ADD COLUMN sla_paused             bigint NOT NULL DEFAULT 0,
    ADD COLUMN first_response_target  integer,
    ADD COLUMN first_response_due_at  timestamptz,
    ADD COLUMN first_response_risk_at timestamptz,
    ADD COLUMN first_response_left    bigint,
    ADD COLUMN first_response_met_at  timestamptz,
    ADD COLUMN resolution_target      integer,
    ADD COLUMN resolution_due_at      timestamptz,
    ADD COLUMN resolution_risk_at     timestamptz,
    ADD COLUMN resolution_left        bigint,
    ADD COLUMN resolution_met_at      timestamptz,
    ADD COLUMN sla_due_at             timestamptz,
    ADD COLUMN sla_risk_at            timestamptz,
    ADD COLUMN sla_met                boolean NOT NULL DEFAULT false,
    ADD COLUMN sla_levels             smallint NOT NULL DEFAULT 0,
    ADD COLUMN sla_managers_after     integer,
    ADD COLUMN first_response_escalate_at timestamptz,
    ADD COLUMN resolution_escalate_at timestamptz,
    ADD COLUMN sla_alerts             smallint NOT NULL DEFAULT 0,
    ADD COLUMN sla_check_at           timestamptz,
    ADD COLUMN escalated_at           timestamptz;

-- The targets of a ticket with these attributes, in the matching policy
-- (no row when none matches). A single SQL statement, so that the planner
-- inlines it into the statement that uses it.
CREATE FUNCTION pd_sla_match(p_pharmacy bigint, p_category bigint, p_module bigint, p_priority text)
RETURNS TABLE (policy_id bigint, calendar_id bigint, risk_percent smallint, first_response integer,
               resolution integer, levels smallint, managers_after integer)
LANGUAGE sql STABLE ROWS 1 AS $$
    SELECT p.id, p.calendar_id, p.at_risk_percent, p.first_response[k.r], p.resolution[k.r],
           (CASE WHEN p.alert_at_risk THEN 1 ELSE 0 END | CASE WHEN p.alert_breached THEN 2 ELSE 0 END
            | CASE WHEN p.managers_after IS NOT NULL THEN 4 ELSE 0 END)::smallint, p.managers_after
    FROM sla_policies p
    CROSS JOIN (SELECT CASE p_priority WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3
                                       ELSE 4 END AS r) k
    LEFT JOIN pharmacies ph ON ph.id = p_pharmacy
    WHERE p.active
      AND (p.pharmacy_id IS NULL OR p.pharmacy_id = p_pharmacy)
      AND (p.pharmacy_tier IS NULL OR p.pharmacy_tier = ph.tier)
      AND (p.category_id IS NULL OR p.category_id = p_category)
      AND (p.module_id IS NULL OR p.module_id = p_module)
    ORDER BY p.specificity DESC, p.id
    LIMIT 1
$$;

-- The business microseconds from a running target's start of the count to
-- its due, at-risk and escalation instants, in pd_sla_after's order: the
-- first response's due and at-risk instants (fl: its microseconds left),
-- the resolution's (rl), then both escalations (p_managers minutes
-- overdue). A single expression, inlined where it is used.
CREATE FUNCTION pd_sla_marks(fl bigint, rl bigint, p_risk smallint, p_first_response integer,
                             p_resolution integer, p_managers integer) RETURNS bigint[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY[fl, fl - (100 - p_risk) * p_first_response * 600000::bigint,
                 rl, rl - (100 - p_risk) * p_resolution * 600000::bigint,
                 fl + p_managers * 60000000::bigint, rl + p_managers * 60000000::bigint]
$$;

-- The ticket's SLA after a change, from what it was (o; NULL for a new
-- ticket) and what it becomes (t), at now(). A new ticket, or one whose
-- priority, pharmacy, category or module changed, or whose policy was
-- cleared (a recompute), takes the targets of the policy that matches it
-- now; business time already used stays used. Everything below follows the
-- rules in this file's head.
CREATE FUNCTION pd_sla_step(o tickets, t tickets) RETURNS tickets
LANGUAGE plpgsql AS $$
DECLARE
    fresh boolean := o.id IS NULL;   -- (a row IS NULL only when all its fields are)
    run boolean := t.status IN ('open', 'in_review', 'in_progress');
    was_run boolean := o.status IN ('open', 'in_review', 'in_progress');
    at timestamptz := CASE WHEN o.id IS NULL THEN t.created_at ELSE now() END;
    fl bigint;        -- business microseconds left, NULL once met
    rl bigint;
    m record;
    moved boolean := false;   -- due times to lay out again
    x timestamptz[];
BEGIN
    IF fresh THEN
        t.first_response_met_at := NULL;
        t.resolution_met_at := NULL;
        t.sla_paused := 0;
        t.sla_stopped_at := NULL;
        t.sla_policy_id := NULL;
    ELSE
        fl := CASE WHEN o.first_response_met_at IS NOT NULL THEN NULL
                   WHEN o.first_response_left IS NOT NULL THEN o.first_response_left
                   ELSE pd_sla_between(o.sla_calendar_id, at, o.first_response_due_at) END;
        rl := CASE WHEN o.resolution_met_at IS NOT NULL THEN NULL
                   WHEN o.resolution_left IS NOT NULL THEN o.resolution_left
                   ELSE pd_sla_between(o.sla_calendar_id, at, o.resolution_due_at) END;
        -- a rejected or reopened solution runs on from what it had left
        IF o.resolution_met_at IS NOT NULL AND t.status NOT IN ('solved', 'closed') THEN
            rl := o.resolution_left;
            t.resolution_met_at := NULL;
            moved := true;
        END IF;
    END IF;

    IF fresh OR t.sla_policy_id IS NULL OR t.priority <> o.priority
       OR t.pharmacy_id <> o.pharmacy_id OR t.category_id <> o.category_id
       OR t.module_id <> o.module_id THEN
        SELECT * INTO m FROM pd_sla_match(t.pharmacy_id, t.category_id, t.module_id, t.priority);
        IF fresh OR o.first_response_met_at IS NULL THEN
            fl := coalesce(fl, 0) + (m.first_response - coalesce(o.first_response_target, 0)) * 60000000::bigint;
            t.first_response_target := m.first_response;
        END IF;
        IF t.resolution_met_at IS NULL THEN
            rl := coalesce(rl, 0) + (m.resolution - coalesce(o.resolution_target, 0)) * 60000000::bigint;
            t.resolution_target := m.resolution;
        END IF;
        t.sla_policy_id := m.policy_id;
        t.sla_calendar_id := m.calendar_id;
        t.sla_risk_percent := m.risk_percent;
        t.sla_levels := m.levels;
        t.sla_managers_after := m.managers_after;
        moved := true;
    END IF;

    -- met now: the first public staff entry (set by the timeline's trigger),
    -- the move to solved
    IF NOT fresh AND o.first_response_met_at IS NULL AND t.first_response_met_at IS NOT NULL THEN
        t.first_response_left := fl;
        fl := NULL;
    END IF;
    IF t.status = 'solved' AND o.status IS DISTINCT FROM 'solved' AND rl IS NOT NULL THEN
        t.resolution_met_at := at;
        t.resolution_left := rl;
        rl := NULL;
    END IF;
    IF t.first_response_met_at IS NOT NULL AND fl IS NULL THEN
        t.first_response_risk_at := NULL;
        t.first_response_escalate_at := NULL;
    END IF;
    IF t.resolution_met_at IS NOT NULL THEN
        t.resolution_risk_at := NULL;
        t.resolution_escalate_at := NULL;
    END IF;

    IF run THEN
        IF NOT fresh AND NOT was_run THEN
            IF o.status = 'waiting_customer' THEN
                t.sla_paused := t.sla_paused + coalesce(pd_sla_between(t.sla_calendar_id, o.sla_stopped_at, at), 0);
            END IF;
            moved := true;
        END IF;
        t.sla_stopped_at := NULL;
        IF moved THEN
            -- due, at-risk and escalation instants of the targets still running
            x := pd_sla_after(t.sla_calendar_id, at,
                              pd_sla_marks(fl, rl, t.sla_risk_percent, t.first_response_target,
                                           t.resolution_target, t.sla_managers_after));
            IF fl IS NOT NULL THEN
                t.first_response_due_at := x[1];
                t.first_response_risk_at := x[2];
                t.first_response_escalate_at := x[5];
                t.first_response_left := NULL;
            END IF;
            IF rl IS NOT NULL THEN
                t.resolution_due_at := x[3];
                t.resolution_risk_at := x[4];
                t.resolution_escalate_at := x[6];
                t.resolution_left := NULL;
            END IF;
        END IF;
    ELSE
        t.sla_stopped_at := CASE WHEN fresh OR was_run THEN at ELSE o.sla_stopped_at END;
        IF fl IS NOT NULL THEN
            t.first_response_left := fl;
            t.first_response_risk_at := NULL;
            t.first_response_escalate_at := NULL;
        END IF;
        IF rl IS NOT NULL THEN
            t.resolution_left := rl;
            t.resolution_risk_at := NULL;
            t.resolution_escalate_at := NULL;
        END IF;
        IF fresh THEN
            -- created standing still (a bulk load): the due times it would have
            x := pd_sla_after(t.sla_calendar_id, at, ARRAY[fl, rl]);
            t.first_response_due_at := x[1];
            t.resolution_due_at := x[2];
        END IF;
    END IF;
    RETURN pd_sla_sum_up(t);
END
$$;

-- The escalation levels of the ticket still to report, each with the
-- instant it is reached: a running target's at-risk, due and escalation
-- instants; a target that stands still while the ticket waits for the
-- customer, after it breached, its breach (reached already). Only the
-- levels its policy has, never one reported before, never for a target met
-- or a ticket solved, closed or cancelled. mask: the level's bit in
-- sla_alerts; due: the target's due time.
CREATE FUNCTION pd_sla_alert_times(t tickets)
RETURNS TABLE (target text, level text, mask smallint, at timestamptz, due timestamptz)
LANGUAGE sql IMMUTABLE AS $$
    SELECT x.target, x.level, x.mask::smallint, x.at, x.due
    FROM (VALUES
        ('first_response', 'at_risk', 1, 1, t.first_response_risk_at, t.first_response_met_at,
         t.first_response_left, t.first_response_due_at),
        ('first_response', 'breached', 2, 2, t.first_response_due_at, t.first_response_met_at,
         t.first_response_left, t.first_response_due_at),
        ('first_response', 'escalated', 4, 4, t.first_response_escalate_at, t.first_response_met_at,
         t.first_response_left, t.first_response_due_at),
        ('resolution', 'at_risk', 1, 8, t.resolution_risk_at, t.resolution_met_at,
         t.resolution_left, t.resolution_due_at),
        ('resolution', 'breached', 2, 16, t.resolution_due_at, t.resolution_met_at,
         t.resolution_left, t.resolution_due_at),
        ('resolution', 'escalated', 4, 32, t.resolution_escalate_at, t.resolution_met_at,
         t.resolution_left, t.resolution_due_at)
    ) AS x (target, level, level_mask, mask, at, met_at, left_us, due)
    WHERE x.at IS NOT NULL AND x.met_at IS NULL
      AND t.sla_levels & x.level_mask <> 0 AND t.sla_alerts & x.mask = 0
      AND (t.status IN ('open', 'in_review', 'in_progress') AND x.left_us IS NULL
           OR t.status = 'waiting_customer' AND x.level = 'breached' AND x.left_us < 0)
$$;

-- The levels reached by p_now and not yet reported. A target found
-- already breached was never reported at risk: its at-risk level is passed
-- over quietly (quiet), the breach says more.
CREATE FUNCTION pd_sla_alerts_due(t tickets, p_now timestamptz)
RETURNS TABLE (target text, level text, mask smallint, quiet boolean)
LANGUAGE sql IMMUTABLE AS $$
    SELECT a.target, a.level, a.mask, a.level = 'at_risk' AND a.due <= p_now
    FROM pd_sla_alert_times(t) a
    WHERE a.at <= p_now
$$;

-- When the sweep next has something to report on the ticket (NULL:
-- nothing ahead): what its partial index orders the sweep's work by.
-- PL/pgSQL, whose statements keep their plans for the session: a SQL
-- function with a FROM is never inlined where a value is expected, and
-- would be planned again by every statement calling it (every create).
CREATE FUNCTION pd_sla_next_check(t tickets) RETURNS timestamptz
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN (SELECT min(a.at) FROM pd_sla_alert_times(t) a);
END
$$;

-- sla_due_at, sla_risk_at and sla_met from the targets (see above), and
-- sla_check_at.
CREATE FUNCTION pd_sla_sum_up(t tickets) RETURNS tickets
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    f_open boolean := t.first_response_met_at IS NULL;
    r_open boolean := t.resolution_met_at IS NULL;
BEGIN
    IF t.status IN ('open', 'in_review', 'in_progress') THEN
        t.sla_due_at := least(CASE WHEN f_open THEN t.first_response_due_at END,
                              CASE WHEN r_open THEN t.resolution_due_at END);
        t.sla_risk_at := least(CASE WHEN f_open THEN t.first_response_risk_at END,
                               CASE WHEN r_open THEN t.resolution_risk_at END);
    ELSIF t.status = 'waiting_customer' THEN
        -- paused: in the breached list only when a target breached before
        t.sla_due_at := least(CASE WHEN f_open AND t.first_response_left < 0 THEN t.first_response_due_at END,
                              CASE WHEN r_open AND t.resolution_left < 0 THEN t.resolution_due_at END);
        t.sla_risk_at := NULL;
    ELSIF t.status IN ('solved', 'closed') THEN
        t.sla_due_at := t.resolution_due_at;
        t.sla_risk_at := NULL;
    ELSE
        t.sla_due_at := NULL;
        t.sla_risk_at := NULL;
    END IF;
    t.sla_met := t.status IN ('solved', 'closed') AND NOT f_open AND NOT r_open
                 AND t.first_response_left >= 0 AND t.resolution_left >= 0;
    t.sla_check_at := pd_sla_next_check(t);
    RETURN t;
END
$$;

CREATE FUNCTION tickets_sla() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    complete boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- a bulk load may bring its own
        IF NEW.sla_policy_id IS NOT NULL THEN
            RETURN NEW;
        END IF;
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
            IF complete THEN
                RETURN pd_sla_sum_up(NEW);
            END IF;
        END IF;
        RETURN pd_sla_step(NULL, NEW);
    END IF;
    RETURN pd_sla_step(OLD, NEW);
END
$$;
CREATE TRIGGER tickets_sla_insert BEFORE INSERT ON tickets FOR EACH ROW
    EXECUTE FUNCTION tickets_sla();
CREATE TRIGGER tickets_sla_update BEFORE UPDATE ON tickets FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.priority IS DISTINCT FROM NEW.priority
          OR OLD.pharmacy_id IS DISTINCT FROM NEW.pharmacy_id
          OR OLD.category_id IS DISTINCT FROM NEW.category_id
          OR OLD.module_id IS DISTINCT FROM NEW.module_id
          OR NEW.sla_policy_id IS NULL
          OR OLD.first_response_met_at IS DISTINCT FROM NEW.first_response_met_at)
    EXECUTE FUNCTION tickets_sla();

-- A recomputation after a change of priority, pharmacy, category or module
-- goes on the timeline as the system's, with the reason and the due times
-- before and after ({"first_response_due_at": .., "resolution_due_at": ..},
-- null for a target that stands still or was met).
CREATE FUNCTION pd_sla_due_times(t tickets) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT json_build_object(
        'first_response_due_at', CASE WHEN t.first_response_met_at IS NULL AND t.first_response_left IS NULL
                                      THEN t.first_response_due_at END,
        'resolution_due_at', CASE WHEN t.resolution_met_at IS NULL AND t.resolution_left IS NULL
                                  THEN t.resolution_due_at END,
        'first_response_target', t.first_response_target,
        'resolution_target', t.resolution_target)::text
$$;

CREATE FUNCTION tickets_sla_recorded() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    why text := concat_ws(', ',
        CASE WHEN OLD.priority <> NEW.priority THEN 'priority' END,
        CASE WHEN OLD.pharmacy_id <> NEW.pharmacy_id THEN 'pharmacy' END,
        CASE WHEN OLD.category_id <> NEW.category_id THEN 'category' END,
        CASE WHEN OLD.module_id <> NEW.module_id THEN 'module' END);
    before text := pd_sla_due_times(OLD);
    after text := pd_sla_due_times(NEW);
BEGIN
    IF before IS DISTINCT FROM after THEN
        INSERT INTO ticket_activities (ticket_id, user_id, kind, field, old_value, new_value, body, visibility)
        VALUES (NEW.id, NULL, 'system', 'sla', before, after,
                'service level targets recomputed after a change of ' || why, 'public');
    END IF;
    RETURN NULL;
END
$$;
-- It runs as the change commits, after the entries the change writes
-- itself: the timeline reads the change, then what it did to the targets.
CREATE CONSTRAINT TRIGGER tickets_sla_recorded AFTER UPDATE ON tickets
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.priority IS DISTINCT FROM NEW.priority
          OR OLD.pharmacy_id IS DISTINCT FROM NEW.pharmacy_id
          OR OLD.category_id IS DISTINCT FROM NEW.category_id
          OR OLD.module_id IS DISTINCT FROM NEW.module_id)
    EXECUTE FUNCTION tickets_sla_recorded();

-- The first public entry of a staff member meets the first response target:
-- a reply, or the message that goes with a status change (both are public
-- comments on the timeline).
CREATE FUNCTION ticket_activities_sla() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tickets t SET first_response_met_at = NEW.created_at
    WHERE t.id = NEW.ticket_id AND t.first_response_met_at IS NULL
      AND EXISTS (SELECT 1 FROM users u JOIN roles r ON r.id = u.role_id
                  WHERE u.id = NEW.user_id AND r.code <> 'customer');
    RETURN NULL;
END
$$;
CREATE TRIGGER ticket_activities_sla AFTER INSERT ON ticket_activities FOR EACH ROW
    WHEN (NEW.kind = 'comment' AND NEW.visibility = 'public' AND NEW.user_id IS NOT NULL)
    EXECUTE FUNCTION ticket_activities_sla();

-- An admin's recomputation (POST /api/sla-policies/{id}/recompute): the
-- tickets not yet solved that the policy governs or now matches take the
-- targets of the policy that matches them now, each with a timeline entry
-- by the system. How many changed.
CREATE FUNCTION pd_sla_recompute(p_policy bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    WITH candidates AS (
        SELECT t.id, pd_sla_due_times(t) AS before
        FROM tickets t
        LEFT JOIN pharmacies ph ON ph.id = t.pharmacy_id
        JOIN sla_policies p ON p.id = p_policy
        WHERE t.status IN ('open', 'in_review', 'in_progress', 'waiting_customer')
          AND (t.sla_policy_id = p.id
               OR (p.active AND (p.pharmacy_id IS NULL OR p.pharmacy_id = t.pharmacy_id)
                   AND (p.pharmacy_tier IS NULL OR p.pharmacy_tier = ph.tier)
                   AND (p.category_id IS NULL OR p.category_id = t.category_id)
                   AND (p.module_id IS NULL OR p.module_id = t.module_id)))
        ORDER BY t.id
        FOR UPDATE OF t
    ), changed AS (
        UPDATE tickets t SET sla_policy_id = NULL, version = t.version + 1, updated_at = now()
        FROM candidates c WHERE t.id = c.id
        RETURNING t.id, c.before, pd_sla_due_times(t) AS after
    ), logged AS (
        INSERT INTO ticket_activities (ticket_id, user_id, kind, field, old_value, new_value, body, visibility)
        SELECT id, NULL, 'system', 'sla', before, after,
               'service level targets recomputed on request', 'public'
        FROM changed WHERE before IS DISTINCT FROM after
        RETURNING 1
    )
    SELECT count(*) INTO n FROM logged;
    RETURN n;
END
$$;

-- ---- the existing tickets ---------------------------------------------------------

-- Every ticket's service levels from its history, as if they had been kept
-- all along, under the policies as they are now: the clock ran in the
-- periods the timeline shows the ticket open, in review or in progress, and
-- stood still otherwise; first response met by the first public staff
-- comment, resolution by the last move to solved of a ticket solved or
-- closed now. The levels a ticket has reached count as reported (the sweep
-- tells of what happens from now on), and an escalation is not invented.
-- Used by this migration for the tickets there are, and after loading
-- tickets with their timelines written directly (the demo data, an
-- import). Triggers are off while it writes, which it does to the service
-- level columns only; it locks the tickets for its time. How many tickets.
CREATE FUNCTION pd_sla_replay() RETURNS integer
LANGUAGE plpgsql AS $replay$
DECLARE
    n integer;
BEGIN
CREATE TEMP TABLE sla_fill ON COMMIT DROP AS
WITH responses AS (
    SELECT a.ticket_id, min(a.created_at) AS at
    FROM ticket_activities a JOIN users u ON u.id = a.user_id JOIN roles r ON r.id = u.role_id
    WHERE a.kind = 'comment' AND a.visibility = 'public' AND r.code <> 'customer'
    GROUP BY a.ticket_id
), solves AS (
    SELECT a.ticket_id, max(a.created_at) AS at
    FROM ticket_activities a
    WHERE a.kind = 'status_changed' AND a.field = 'status' AND a.new_value = 'solved'
    GROUP BY a.ticket_id
)
SELECT t.id, t.status, t.created_at, m.policy_id, m.calendar_id, m.risk_percent, m.levels,
       m.managers_after * 60000000::bigint AS managers_after, m.managers_after AS managers_after_minutes,
       m.first_response * 60000000::bigint AS first_response, m.resolution * 60000000::bigint AS resolution,
       m.first_response AS first_response_minutes, m.resolution AS resolution_minutes,
       r.at AS responded_at,
       CASE WHEN t.status IN ('solved', 'closed') THEN coalesce(s.at, t.solved_at, t.updated_at) END AS solved_at
FROM tickets t
LEFT JOIN LATERAL pd_sla_match(t.pharmacy_id, t.category_id, t.module_id, t.priority) m ON true
LEFT JOIN responses r ON r.ticket_id = t.id
LEFT JOIN solves s ON s.ticket_id = t.id;

-- business time the clock ran before the first response, before the
-- solution and until now; the finished pauses; the last change of status
-- every calendar holds every instant of its tickets' histories
PERFORM pd_sla_cover(f.calendar_id, min(f.created_at), now()) FROM sla_fill f GROUP BY f.calendar_id;

CREATE TEMP TABLE sla_used ON COMMIT DROP AS
WITH periods AS (
    SELECT a.ticket_id, a.created_at AS starts_at,
           lead(a.created_at, 1, now()) OVER w AS ends_at, a.new_value AS status
    FROM ticket_activities a
    WHERE a.kind = 'created' OR (a.kind = 'status_changed' AND a.field = 'status')
    WINDOW w AS (PARTITION BY a.ticket_id ORDER BY a.seq)
), clocked AS (
    SELECT f.id, p.status IN ('open', 'in_review', 'in_progress') AS running, p.status, p.starts_at, p.ends_at,
           (SELECT c.clock FROM pd_sla_clock(f.calendar_id, p.starts_at) c) AS c0,
           (SELECT c.clock FROM pd_sla_clock(f.calendar_id, p.ends_at) c) AS c1,
           (SELECT c.clock FROM pd_sla_clock(f.calendar_id, f.responded_at) c) AS cr,
           (SELECT c.clock FROM pd_sla_clock(f.calendar_id, f.solved_at) c) AS cs
    FROM sla_fill f JOIN periods p ON p.ticket_id = f.id
)
SELECT id,
       sum(greatest(0, least(c1, cr) - c0)) FILTER (WHERE running)::bigint AS to_response,
       sum(greatest(0, least(c1, cs) - c0)) FILTER (WHERE running)::bigint AS to_solution,
       sum(c1 - c0) FILTER (WHERE running)::bigint AS to_now,
       sum(c1 - c0) FILTER (WHERE status = 'waiting_customer' AND ends_at < now())::bigint AS paused,
       max(starts_at) AS last_change
FROM clocked
GROUP BY id;

CREATE TEMP TABLE sla_state ON COMMIT DROP AS
SELECT f.*, coalesce(u.paused, 0) AS paused,
       f.status IN ('open', 'in_review', 'in_progress') AS running,
       CASE WHEN f.status NOT IN ('open', 'in_review', 'in_progress')
            THEN coalesce(u.last_change, f.created_at) END AS stopped_at,
       f.first_response - coalesce(CASE WHEN f.responded_at IS NOT NULL THEN u.to_response ELSE u.to_now END, 0)
           AS first_response_left,
       f.resolution - coalesce(CASE WHEN f.solved_at IS NOT NULL THEN u.to_solution ELSE u.to_now END, 0)
           AS resolution_left
FROM sla_fill f LEFT JOIN sla_used u ON u.id = f.id;

ALTER TABLE tickets DISABLE TRIGGER USER;
UPDATE tickets t SET
    sla_policy_id = s.policy_id,
    sla_calendar_id = s.calendar_id,
    sla_risk_percent = s.risk_percent,
    sla_levels = s.levels,
    sla_managers_after = s.managers_after_minutes,
    sla_paused = s.paused,
    sla_stopped_at = s.stopped_at,
    first_response_target = s.first_response_minutes,
    resolution_target = s.resolution_minutes,
    first_response_met_at = s.responded_at,
    resolution_met_at = s.solved_at,
    -- left: NULL while a target runs
    first_response_left = CASE WHEN s.running AND s.responded_at IS NULL THEN NULL ELSE s.first_response_left END,
    resolution_left = CASE WHEN s.running AND s.solved_at IS NULL THEN NULL ELSE s.resolution_left END,
    -- due: from now for a running target; else where it was (or would
    -- have been) due when it was met or stopped
    first_response_due_at = (SELECT i.at FROM pd_sla_clock(s.calendar_id,
            CASE WHEN s.responded_at IS NOT NULL THEN s.responded_at WHEN s.running THEN now() ELSE s.stopped_at END) c,
        pd_sla_instant(s.calendar_id, c.clock + s.first_response_left) i),
    resolution_due_at = (SELECT i.at FROM pd_sla_clock(s.calendar_id,
            CASE WHEN s.solved_at IS NOT NULL THEN s.solved_at WHEN s.running THEN now() ELSE s.stopped_at END) c,
        pd_sla_instant(s.calendar_id, c.clock + s.resolution_left) i),
    first_response_risk_at = CASE WHEN s.running AND s.responded_at IS NULL THEN
        (SELECT i.at FROM pd_sla_clock(s.calendar_id, now()) c,
            pd_sla_instant(s.calendar_id, c.clock + s.first_response_left
                                          - (100 - s.risk_percent) * s.first_response / 100) i) END,
    resolution_risk_at = CASE WHEN s.running AND s.solved_at IS NULL THEN
        (SELECT i.at FROM pd_sla_clock(s.calendar_id, now()) c,
            pd_sla_instant(s.calendar_id, c.clock + s.resolution_left
                                          - (100 - s.risk_percent) * s.resolution / 100) i) END,
    first_response_escalate_at = CASE WHEN s.running AND s.responded_at IS NULL THEN
        (SELECT i.at FROM pd_sla_clock(s.calendar_id, now()) c,
            pd_sla_instant(s.calendar_id, c.clock + s.first_response_left + s.managers_after) i) END,
    resolution_escalate_at = CASE WHEN s.running AND s.solved_at IS NULL THEN
        (SELECT i.at FROM pd_sla_clock(s.calendar_id, now()) c,
            pd_sla_instant(s.calendar_id, c.clock + s.resolution_left + s.managers_after) i) END
FROM sla_state s
WHERE t.id = s.id;
-- The levels the tickets reached before count as reported: the sweep tells
-- of what happens from now on, not of a backlog.
UPDATE tickets SET sla_alerts = 0 WHERE sla_alerts <> 0;
UPDATE tickets t SET sla_alerts = a.bits
FROM (SELECT t2.id, bit_or(d.mask)::smallint AS bits
      FROM tickets t2 CROSS JOIN LATERAL pd_sla_alerts_due(t2, now()) d GROUP BY t2.id) a
WHERE a.id = t.id;
UPDATE tickets t SET sla_due_at = s.sla_due_at, sla_risk_at = s.sla_risk_at, sla_met = s.sla_met,
                     sla_check_at = s.sla_check_at
FROM tickets t2 CROSS JOIN LATERAL pd_sla_sum_up(t2) s
WHERE t2.id = t.id;
GET DIAGNOSTICS n = ROW_COUNT;
ALTER TABLE tickets ENABLE TRIGGER USER;
DROP TABLE sla_fill, sla_used, sla_state;
RETURN n;
END
$replay$;

SELECT pd_sla_replay();

-- The lists' indexes (GET /api/tickets?sla=...): the tickets not yet
-- solved that are overdue or at risk, by due time, and those that met
-- their targets.
CREATE INDEX tickets_sla_open_idx ON tickets (sla_due_at, id)
    WHERE status IN ('open', 'in_review', 'in_progress', 'waiting_customer') AND sla_due_at IS NOT NULL;
CREATE INDEX tickets_sla_met_idx ON tickets (sla_due_at, id) WHERE sla_met;
-- The dashboard's count of those at risk: the running tickets past their
-- at-risk instant, overdue ones among them, rather than every open ticket.
CREATE INDEX tickets_sla_risk_idx ON tickets (sla_risk_at)
    WHERE status IN ('open', 'in_review', 'in_progress', 'waiting_customer') AND sla_risk_at IS NOT NULL;
-- The sweep's work, in the order it comes due: the few tickets with a level
-- still ahead of them.
CREATE INDEX tickets_sla_check_idx ON tickets (sla_check_at) WHERE sla_check_at IS NOT NULL;
