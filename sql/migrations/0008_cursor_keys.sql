-- Keyset cursors over timestamps now carry the timestamp as PostgreSQL
-- prints it (ISO), which the module checks strictly before sending it back:
-- computing integer microseconds for every row of every page cost a third
-- of a page's time (numeric arithmetic). The module reads timestamps in the
-- ISO form, so the database pins it whatever the server's default.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET datestyle = %L', current_database(), 'ISO, YMD');
END
$$;

DROP FUNCTION pd_epoch_us(timestamptz);
DROP FUNCTION pd_from_epoch_us(bigint);
