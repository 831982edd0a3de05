-- Medians and percentiles come from the tickets' rows, so their cost is the
-- number of rows, not of days: a quarter of a busy helpdesk's tickets took
-- 1.5 to 4 s at a million tickets. A range now gets them when it is at most
-- 92 days long and its first responses and solutions, across the whole
-- helpdesk, number at most 20,000 (read from the day counts, a few hundred rows; filters are
-- not taken into account, so a filtered report of a busy helpdesk may go
-- without them although its own rows are few). 20,000 rows take 100 to
-- 150 ms; at a million tickets over two years that is about a week.
CREATE OR REPLACE FUNCTION pd_report_rows_ok(p_from date, p_to date) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_to - p_from < 92
       AND (SELECT coalesce(sum(k.n), 0) FROM report_counts k
            WHERE k.lvl = '0' AND k.grain = 'd' AND k.period >= p_from AND k.period <= p_to
              AND k.kind IN ('f', 'r')) <= 20000
$$;
