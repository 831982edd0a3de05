-- The ticket number: PREFIX-YEAR-NNNNNN, the sequence zero-padded to six
-- digits and simply longer past 999999. It is formed inside the statement
-- that creates the ticket, so that the per-year counter row stays locked only
-- for that statement and its commit.
CREATE FUNCTION pd_ticket_number(prefix text, year integer, seq bigint)
RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT prefix || '-' || lpad(year::text, 4, '0') || '-'
           || CASE WHEN seq < 1000000 THEN lpad(seq::text, 6, '0') ELSE seq::text END
$$;
