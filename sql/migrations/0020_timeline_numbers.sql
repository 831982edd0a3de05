-- Numbers a customer sees count only what they may see.
--
-- Timeline entries had one id sequence for every ticket, and customers saw
-- those ids: a reply, an internal note and a reply showed them 3675, 3676,
-- 3678, and the gap told of the note. Each entry now has its number on its
-- ticket's timeline, seq over every entry (what staff see) and public_seq
-- over the public ones only (what customers see, NULL for internal
-- entries), given when it is inserted, in the inserting transaction. The
-- API shows an entry by the number of the caller's view and pages the
-- timeline by it, so that its ids, cursors and answers say nothing of
-- entries the caller cannot see.
--
-- Attachments had the same kind of sequence, and files are addressed by id
-- (GET /api/attachments/{id}): a customer's files uploaded around an
-- internal one showed the gap too. They are now addressed by a random
-- public id, which counts nothing; the list of a ticket's files is ordered
-- and paged by the numbers of their timeline entries.

ALTER TABLE ticket_activities ADD COLUMN seq integer, ADD COLUMN public_seq integer;

-- The timeline is append-only (migration 0001); numbering the rows already
-- there is the one update it ever takes.
ALTER TABLE ticket_activities DISABLE TRIGGER ticket_activities_no_update;
UPDATE ticket_activities a SET seq = n.seq, public_seq = n.public_seq
FROM (
    SELECT id,
           row_number() OVER w AS seq,
           CASE WHEN visibility = 'public'
                THEN count(*) FILTER (WHERE visibility = 'public') OVER w END AS public_seq
    FROM ticket_activities
    WINDOW w AS (PARTITION BY ticket_id ORDER BY id ROWS UNBOUNDED PRECEDING)
) n
WHERE n.id = a.id;
ALTER TABLE ticket_activities ENABLE TRIGGER ticket_activities_no_update;

ALTER TABLE ticket_activities
    ALTER COLUMN seq SET NOT NULL,
    ADD CONSTRAINT ticket_activities_seq_positive CHECK (seq > 0 AND public_seq > 0),
    ADD CONSTRAINT ticket_activities_public_seq CHECK ((visibility = 'public') = (public_seq IS NOT NULL));
-- a page of either view is a range of one of these; the first also serves
-- what the old (ticket_id, id) index did
CREATE UNIQUE INDEX ticket_activities_seq_idx ON ticket_activities (ticket_id, seq);
CREATE UNIQUE INDEX ticket_activities_public_seq_idx ON ticket_activities (ticket_id, public_seq)
    WHERE public_seq IS NOT NULL;
DROP INDEX ticket_activities_ticket_idx;

-- The next numbers of the entry's ticket. Entries of one ticket are
-- numbered one transaction at a time: the ticket's row lock, which every
-- write of a ticket takes before it adds to the timeline, orders them, and
-- the maximum read after it includes whatever the previous holder
-- committed. A bulk load may number its rows itself (seq given): the
-- constraints and unique indexes above check what it gives.
CREATE FUNCTION ticket_activities_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq IS NOT NULL THEN
        RETURN NEW;
    END IF;
    PERFORM 1 FROM tickets WHERE id = NEW.ticket_id FOR UPDATE;
    SELECT coalesce(max(seq), 0) + 1 INTO NEW.seq
    FROM ticket_activities WHERE ticket_id = NEW.ticket_id;
    IF NEW.visibility = 'public' THEN
        SELECT coalesce(max(public_seq), 0) + 1 INTO NEW.public_seq
        FROM ticket_activities WHERE ticket_id = NEW.ticket_id AND public_seq IS NOT NULL;
    ELSE
        NEW.public_seq := NULL;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER ticket_activities_number BEFORE INSERT ON ticket_activities
    FOR EACH ROW EXECUTE FUNCTION ticket_activities_number();

-- 52 random bits from gen_random_uuid() (a strong random source), plus one:
-- never 0, and exact in a JavaScript number. A value already taken is drawn
-- again.
CREATE FUNCTION pd_attachment_public_id() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
BEGIN
    LOOP
        v := ('x' || substr(replace(gen_random_uuid()::text, '-', ''), 18, 13))::bit(52)::bigint + 1;
        EXIT WHEN NOT EXISTS (SELECT 1 FROM ticket_attachments WHERE public_id = v);
    END LOOP;
    RETURN v;
END
$$;

ALTER TABLE ticket_attachments ADD COLUMN public_id bigint;
UPDATE ticket_attachments SET public_id = pd_attachment_public_id();
ALTER TABLE ticket_attachments
    ALTER COLUMN public_id SET DEFAULT pd_attachment_public_id(),
    ALTER COLUMN public_id SET NOT NULL;
CREATE UNIQUE INDEX ticket_attachments_public_id_idx ON ticket_attachments (public_id);
