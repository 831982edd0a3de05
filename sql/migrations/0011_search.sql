-- Full-text search over tickets (GET /api/tickets?q=...).
--
-- One search row per ticket, in its own table so that the tickets table (read
-- by every list and single-ticket request) keeps its size, and a reply never
-- rewrites a ticket row and its fourteen indexes:
--   doc         what everyone who may read the ticket may read: its number
--               (whole and in parts) and title (weight A), its description
--               (B) and its public replies (C);
--   replies     the replies alone, so that doc can be rebuilt when the
--               ticket's text changes;
--   notes       the internal notes (D);
--   pharmacy_id the ticket's, so that a customer's search is confined to
--               their pharmacy before anything is ranked.
-- Customers search doc, staff doc || notes: a word only an internal note
-- holds never finds a ticket for a customer. Matching the whole ticket rather
-- than each text alone lets the words of one search sit in different parts
-- (a word of the title and one of a reply). doc is stored whole because
-- joining tsvectors costs more than ranking them.
--
-- The configuration is 'simple' (lower-casing, no stemming, no stop words):
-- PostgreSQL 15 has no Indonesian stemmer, and the English one cuts
-- Indonesian words by English rules ("proses" becomes "prose").
CREATE TABLE ticket_search (
    ticket_id   bigint PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    pharmacy_id bigint NOT NULL,
    doc         tsvector NOT NULL,
    replies     tsvector NOT NULL DEFAULT '',
    notes       tsvector NOT NULL DEFAULT ''
);
-- Stored uncompressed, so that pg_column_size is the real size the append
-- guard below needs, and a search reads them without decompressing.
ALTER TABLE ticket_search
    ALTER COLUMN doc SET STORAGE EXTERNAL,
    ALTER COLUMN replies SET STORAGE EXTERNAL,
    ALTER COLUMN notes SET STORAGE EXTERNAL;

-- A lexeme quoted for tsvector and tsquery input: any character is literal.
CREATE FUNCTION pd_ts_quote(lexeme text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT '''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || ''''
$$;

-- A ticket's own text. The parser would read PD-2026-000042 as 'pd', '-2026'
-- and '-000042' (signed numbers); the number is indexed whole instead, and
-- its parts unsigned.
CREATE FUNCTION pd_ticket_search_own(number text, title text, description text)
RETURNS tsvector LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT setweight((pd_ts_quote(lower(number)) || ':1')::tsvector
                     || to_tsvector('simple', translate(number, '-', ' '))
                     || to_tsvector('simple', title), 'A')
           || setweight(to_tsvector('simple', description), 'B')
$$;

-- The tsquery for a search text: every word must be there, the last one as
-- a prefix (the text as typed so far). Words are cut at white space and each
-- goes through the same parser and dictionary as the documents, so
-- punctuation, tsquery operators (& | ! ( ) : * < >) and quotes are never
-- syntax: they separate words or vanish. A word shaped like a ticket number
-- is one lexeme, as the documents index it; a complete one (six digits or
-- more) is matched exactly. Prefixes of one or two characters are matched as
-- whole words: "a" as a prefix would match most of the tickets. NULL when the
-- text holds no word.
CREATE FUNCTION pd_search_query(q text) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    -- PL/pgSQL keeps the query's plan for the session: as an SQL function
    -- it was planned again at every call, which cost ten times as much.
    RETURN (
        WITH chunk AS (
            SELECT c.w, c.n,
                   lower((regexp_match(c.w, '^\W*([A-Za-z0-9]{1,10}-[0-9]{4}(-[0-9]{0,18})?)\W*$'))[1])
                       AS number
            FROM regexp_split_to_table(q, '\s+') WITH ORDINALITY AS c (w, n)
            WHERE c.w <> ''
        ),
        lex AS (
            SELECT n, number AS lexeme, number ~ '-[0-9]{6,}$' AS complete
            FROM chunk WHERE number IS NOT NULL
            UNION ALL
            SELECT c.n, l.lexeme, length(l.lexeme) < 3
            FROM chunk c CROSS JOIN LATERAL unnest(to_tsvector('simple', c.w)) AS l
            WHERE c.number IS NULL
        )
        SELECT string_agg(pd_ts_quote(lexeme)
                          || CASE WHEN n = last AND NOT complete THEN ':*' ELSE '' END,
                          ' & ' ORDER BY n, lexeme)::tsquery
        FROM (SELECT lex.*, max(n) OVER () AS last FROM lex) x
    );
END
$$;

-- (Re)computes the search rows of the tickets with ids in [lo, hi] from
-- their text and timeline, in one pass: the backfill below and bulk loads.
-- Replies and notes index at most 100,000 characters each, so that the
-- parts stay far below the 1 MB a tsvector may hold.
CREATE FUNCTION pd_ticket_search_fill(lo bigint, hi bigint) RETURNS bigint
LANGUAGE sql AS $$
    WITH said AS (
        SELECT a.ticket_id,
               setweight(to_tsvector('simple', coalesce(left(string_agg(a.body, E'\n' ORDER BY a.id)
                   FILTER (WHERE a.visibility = 'public'), 100000), '')), 'C') AS replies,
               setweight(to_tsvector('simple', coalesce(left(string_agg(a.body, E'\n' ORDER BY a.id)
                   FILTER (WHERE a.visibility = 'internal'), 100000), '')), 'D') AS notes
        FROM ticket_activities a
        WHERE a.ticket_id BETWEEN lo AND hi AND a.kind IN ('comment', 'note')
          AND a.body IS NOT NULL
        GROUP BY a.ticket_id
    ),
    ins AS (
        INSERT INTO ticket_search (ticket_id, pharmacy_id, doc, replies, notes)
        SELECT t.id, t.pharmacy_id,
               pd_ticket_search_own(t.number, t.title, t.description) || coalesce(s.replies, ''),
               coalesce(s.replies, ''), coalesce(s.notes, '')
        FROM tickets t LEFT JOIN said s ON s.ticket_id = t.id
        WHERE t.id BETWEEN lo AND hi
        ON CONFLICT (ticket_id) DO UPDATE
            SET pharmacy_id = EXCLUDED.pharmacy_id, doc = EXCLUDED.doc,
                replies = EXCLUDED.replies, notes = EXCLUDED.notes
        RETURNING 1
    )
    SELECT count(*) FROM ins
$$;

-- Kept current by triggers, so that every way a ticket or a timeline entry
-- is written (the API, the demo data, a later feature) is searchable.
-- New tickets: per statement, so that a bulk insert is one insert here.
CREATE FUNCTION ticket_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ticket_search (ticket_id, pharmacy_id, doc)
    SELECT n.id, n.pharmacy_id, pd_ticket_search_own(n.number, n.title, n.description)
    FROM new_tickets n;
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_search_insert AFTER INSERT ON tickets
    REFERENCING NEW TABLE AS new_tickets
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_search_insert();

-- Changed text (or pharmacy, which the API never changes): doc is rebuilt
-- from the new text and the row's current replies, so that a reply committed
-- meanwhile is kept (an update that waited for it sees its row).
CREATE FUNCTION ticket_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ticket_search
    SET pharmacy_id = NEW.pharmacy_id,
        doc = pd_ticket_search_own(NEW.number, NEW.title, NEW.description) || replies
    WHERE ticket_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_search_update AFTER UPDATE ON tickets FOR EACH ROW
    WHEN (OLD.number IS DISTINCT FROM NEW.number OR OLD.title IS DISTINCT FROM NEW.title
          OR OLD.description IS DISTINCT FROM NEW.description
          OR OLD.pharmacy_id IS DISTINCT FROM NEW.pharmacy_id)
    EXECUTE FUNCTION ticket_search_update();

-- A reply or a note is added by the entry's visibility, the same rule the
-- timeline shows entries by. The timeline is append-only, so nothing ever
-- needs taking out. A part already past 200 kB (uncompressed, see STORAGE
-- above) takes no more: the ticket stays searchable by what it holds, and
-- the parts stay within a tsvector's 1 MB.
CREATE FUNCTION ticket_search_activity() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v tsvector;
BEGIN
    IF NEW.visibility = 'public' THEN
        v := setweight(to_tsvector('simple', NEW.body), 'C');
        UPDATE ticket_search SET replies = replies || v, doc = doc || v
        WHERE ticket_id = NEW.ticket_id AND pg_column_size(replies) < 200000;
    ELSE
        UPDATE ticket_search SET notes = notes || setweight(to_tsvector('simple', NEW.body), 'D')
        WHERE ticket_id = NEW.ticket_id AND pg_column_size(notes) < 200000;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER ticket_activities_search AFTER INSERT ON ticket_activities FOR EACH ROW
    WHEN (NEW.kind IN ('comment', 'note') AND NEW.body IS NOT NULL)
    EXECUTE FUNCTION ticket_search_activity();

SELECT pd_ticket_search_fill(0, (SELECT coalesce(max(id), 0) FROM tickets));

-- What customers search, and what staff search on tickets that have notes
-- (the others they find through the first index). Without fastupdate: its
-- pending list is read in full by every search until a vacuum merges it,
-- which after a few thousand new tickets cost more than the search itself;
-- a new ticket instead pays its few dozen index entries at once.
CREATE INDEX ticket_search_doc_idx ON ticket_search USING gin (doc)
    WITH (fastupdate = off);
CREATE INDEX ticket_search_staff_idx ON ticket_search USING gin ((doc || notes))
    WITH (fastupdate = off) WHERE notes <> '';
-- A customer's search: their pharmacy's rows and the matches, intersected
-- before any row is read.
CREATE INDEX ticket_search_pharmacy_idx ON ticket_search (pharmacy_id);
ANALYZE ticket_search;
