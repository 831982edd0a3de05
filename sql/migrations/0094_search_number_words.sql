-- A search word shaped like a ticket number also matches the words the
-- parser reads in it.
--
-- Ticket numbers are indexed as one lexeme each, so a number typed in the
-- search box was looked up as that lexeme alone. The same text inside a
-- title, a description or a reply is indexed by the parser, which reads
-- "APT-2024-000123" as apt, -2024 and -000123, and "4567-1234" as 4567 and
-- -1234: a ticket that mentions another ticket's number, or an error code
-- such as "ERR-1234", was never found by that text. Now such a word matches
-- either way: the number's lexeme, or all the words the parser reads in it.
-- The prefix rule is unchanged: the last word of the text is a prefix
-- (every lexeme of it from three characters), and a complete number (six
-- digits or more after its year) is matched exactly, either way.
CREATE OR REPLACE FUNCTION pd_search_query(q text) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    -- PL/pgSQL keeps the query's plan for the session.
    RETURN (
        WITH chunk AS (
            SELECT c.w, c.n,
                   lower((regexp_match(c.w, '^\W*([A-Za-z0-9]{1,10}-[0-9]{4}(-[0-9]{0,18})?)\W*$'))[1])
                       AS number
            FROM regexp_split_to_table(q, '\s+') WITH ORDINALITY AS c (w, n)
            WHERE c.w <> ''
        ),
        lex AS (
            -- alternative 0: the word as a ticket number's lexeme
            SELECT n, 0 AS alt, number AS lexeme, number ~ '-[0-9]{6,}$' AS complete
            FROM chunk WHERE number IS NOT NULL
            UNION ALL
            -- alternative 1: the words the parser reads, as in the documents
            -- (those of a complete number exact too)
            SELECT c.n, 1, l.lexeme, length(l.lexeme) < 3 OR coalesce(c.number ~ '-[0-9]{6,}$', false)
            FROM chunk c CROSS JOIN LATERAL unnest(to_tsvector('simple', c.w)) AS l
        ),
        term AS (
            SELECT n, alt,
                   string_agg(pd_ts_quote(lexeme)
                              || CASE WHEN n = last AND NOT complete THEN ':*' ELSE '' END,
                              ' & ' ORDER BY lexeme) AS t
            FROM (SELECT lex.*, max(n) OVER () AS last FROM lex) x
            GROUP BY n, alt
        ),
        word AS (
            SELECT n, CASE WHEN count(*) = 1 THEN min(t)
                           ELSE '(' || string_agg('(' || t || ')', ' | ' ORDER BY alt) || ')' END AS t
            FROM term GROUP BY n
        )
        SELECT string_agg(t, ' & ' ORDER BY n)::tsquery FROM word
    );
END
$$;
