-- A list filter bound: a date (YYYY-MM-DD) is a day in the installation's time
-- zone, and an upper bound given as a date includes that whole day; a
-- date-time carries its own offset. The module has already checked the
-- format, so the casts cannot fail. STRICT: a NULL bound folds away at plan time.
CREATE FUNCTION pd_time_bound(value text, tz text, upper_bound boolean)
RETURNS timestamptz LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE
        WHEN length(value) = 10 THEN
            ((value::date + CASE WHEN upper_bound THEN 1 ELSE 0 END)::timestamp AT TIME ZONE tz)
        ELSE value::timestamptz
    END
$$;

-- Keyset cursors carry timestamps as integer microseconds since the epoch.
CREATE FUNCTION pd_epoch_us(ts timestamptz) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT (extract(epoch FROM ts) * 1000000)::bigint
$$;

-- Integer arithmetic only: a float seconds value would lose the last
-- microsecond and make a page skip or repeat a row.
CREATE FUNCTION pd_from_epoch_us(us bigint) RETURNS timestamptz
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
    SELECT to_timestamp(0) + (us / 1000000) * interval '1 second'
                           + (us % 1000000) * interval '1 microsecond'
$$;
