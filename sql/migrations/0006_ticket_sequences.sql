-- Ticket numbers come from one sequence per year instead of a counter row.
--
-- A counter row has to stay locked until the creating transaction commits,
-- so every create waited for the previous one's WAL flush: creates were
-- serialised at roughly one per flush (about 1,000/s on the 2-core bench
-- machine). A sequence is never locked, and concurrent commits share their
-- flushes. Numbers stay unique, and the statement that creates a ticket draws
-- a number only once its references have qualified, so neither races nor
-- refused creates leave gaps; a create that fails inside the database after
-- drawing its number (a crash, a full disk) leaves one, as sequences do.

-- The year's sequence, created on first use. SECURITY DEFINER: the role the
-- module connects as need not be allowed to create objects.
CREATE FUNCTION pd_ticket_sequence(y integer) RETURNS regclass
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    name text := 'ticket_number_' || y;
BEGIN
    IF y < 2000 OR y > 9999 THEN
        RAISE EXCEPTION 'ticket number year out of range: %', y;
    END IF;
    IF to_regclass(name) IS NULL THEN
        BEGIN
            EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I AS bigint MINVALUE 1', name);
        EXCEPTION WHEN duplicate_table OR unique_violation THEN
            NULL;              -- another session created it at the same moment
        END;
    END IF;
    RETURN name::regclass;
END
$$;

CREATE FUNCTION pd_next_ticket_seq(y integer) RETURNS bigint
LANGUAGE sql VOLATILE AS $$
    SELECT nextval(coalesce(to_regclass('ticket_number_' || y), pd_ticket_sequence(y)))
$$;

-- The last number drawn in a year, 0 before the first.
CREATE FUNCTION pd_ticket_seq_last(y integer) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
    seq regclass := to_regclass('ticket_number_' || y);
    last bigint;
BEGIN
    IF seq IS NULL THEN
        RETURN 0;
    END IF;
    EXECUTE format('SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM %s', seq)
        INTO last;
    RETURN last;
END
$$;

-- Moves a year's sequence past numbers issued some other way (data loads).
CREATE FUNCTION pd_ticket_seq_advance(y integer, at_least bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF at_least > pd_ticket_seq_last(y) THEN
        PERFORM setval(pd_ticket_sequence(y), at_least);
    END IF;
END
$$;

SELECT pd_ticket_seq_advance(year, last_value) FROM ticket_counters WHERE last_value > 0;
DROP TABLE ticket_counters;
