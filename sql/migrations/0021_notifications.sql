-- Notifications: an outbox written with the change, recipients decided in
-- the background, one delivery per recipient and channel (the portal's are
-- its users' notifications), and each user's preferences over their role's
-- defaults.
--
-- notify_outbox    events waiting to be fanned out; a row is written in the
--                  transaction of the change that causes it, so a rolled-back
--                  change notifies nobody and a committed one is never lost.
--                  The fan-out (the module's background work) deletes it in
--                  the transaction that writes its deliveries.
-- notify_deliveries  one message to one recipient over one channel, with
--                  its state: pending, sending (claimed, under a lease),
--                  sent, failed (a retry is due at due_at), dead (no more
--                  retries) or cancelled (not sent on purpose: the recipient
--                  was deactivated or may no longer hear of the ticket).
--                  A sent delivery on the portal channel is its user's
--                  notification, read or unread (read_at).
-- notify_role_defaults, notify_preferences
--                  on/off per role (editable by admins) and per user (only
--                  what the user chose; NULL elsewhere means the role's).

-- The events and the channels, named once. Every column holding one is
-- checked against these functions (but the outbox's, whose one writer is
-- the trigger below); a later migration adding an event (the service-level
-- ones) or a channel redefines the function to list it too. Only additions
-- are safe that way: existing rows are not checked again.
CREATE FUNCTION pd_notify_event_valid(e text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT e IN ('ticket_created', 'assigned', 'unassigned', 'status_changed', 'public_reply',
                 'internal_note', 'attachment_added', 'auto_closed')
$$;
-- per_user channels reach a user and follow their preferences; a webhook
-- reaches an endpoint, which chooses its events itself
CREATE FUNCTION pd_notify_channel_valid(c text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT c IN ('portal', 'email', 'webhook', 'whatsapp')
$$;

-- What the person reading a message wants: the portal and the messages
-- speak Bahasa Indonesia or English. A WhatsApp number and its opt-in are
-- for the WhatsApp channel (E.164; messages only once opted in).
ALTER TABLE users
    ADD COLUMN language text NOT NULL DEFAULT 'id' CHECK (language IN ('id', 'en')),
    ADD COLUMN whatsapp_number text CHECK (whatsapp_number ~ '^\+[1-9][0-9]{6,14}$'),
    ADD COLUMN whatsapp_opt_in_at timestamptz;

-- No foreign key and no index but the key: this is on the path of every
-- ticket write (a create pays one small insert), and the rows live for
-- seconds. No check of the event either: the trigger below, the one
-- writer, names only events, and a check costs each of its inserts (a
-- statement of its own for each timeline entry) as much again as the
-- insert itself, preparing the constraint's expression; the fan-out skips
-- an event it does not know. An event whose ticket is gone by the time it
-- is fanned out notifies nobody.
CREATE TABLE notify_outbox (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event       text NOT NULL,
    ticket_id   bigint NOT NULL,
    activity_id bigint,                 -- the timeline entry; NULL for events without one
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The timeline records every change of a ticket, in the change's
-- transaction, with its actor and visibility, whoever writes it (the API,
-- the auto-close, a script): each entry that can notify becomes an event
-- here, so no write path can forget one. Field changes (title, priority,
-- ...) notify nobody. A status change to closed by the system (no actor)
-- is the auto-close. The event is named by plpgsql itself (simple
-- expressions), so that the insert, a statement of its own for every
-- timeline entry, is as plain as can be: the trigger costs a create about
-- 12 microseconds, where naming the event inside the insert, with the check
-- the outbox no longer has, cost 23.
CREATE FUNCTION ticket_activities_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ev text;
BEGIN
    CASE NEW.kind
        WHEN 'created' THEN ev := 'ticket_created';
        WHEN 'assigned' THEN
            ev := CASE WHEN NEW.new_value IS NULL THEN 'unassigned' ELSE 'assigned' END;
        WHEN 'status_changed' THEN
            ev := CASE WHEN NEW.user_id IS NULL AND NEW.new_value = 'closed' THEN 'auto_closed'
                       ELSE 'status_changed' END;
        WHEN 'comment' THEN
            ev := CASE WHEN NEW.visibility = 'public' THEN 'public_reply' ELSE 'internal_note' END;
        WHEN 'note' THEN ev := 'internal_note';
        WHEN 'attachment' THEN ev := 'attachment_added';
    END CASE;
    INSERT INTO notify_outbox (event, ticket_id, activity_id) VALUES (ev, NEW.ticket_id, NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER ticket_activities_notify AFTER INSERT ON ticket_activities FOR EACH ROW
    WHEN (NEW.kind IN ('created', 'assigned', 'status_changed', 'comment', 'note', 'attachment'))
    EXECUTE FUNCTION ticket_activities_notify();

-- One message to one recipient over one channel. The event's kind, ticket
-- and timeline entry are copied from the outbox, which forgets the event
-- once fanned out. due_at is when the row is next for a sender: the next
-- attempt while pending or failed, the end of the lease while sending (a
-- sender that crashed mid-send lets it go then: delivery is at least once).
-- A sent portal delivery is its user's notification, read once read_at is
-- set: stored once, by the fan-out that writes it sent, rather than copied
-- into a table of its own.
--
-- A new ticket writes a row here per person told of it and channel, in the
-- background but on the same two cores as the requests, so a row carries
-- only what it needs: no foreign key. A foreign key checks each row
-- inserted with a query that locks the row it refers to, which was most of
-- what inserting a batch of deliveries cost. Without them:
-- - a ticket's deliveries go with it (tickets_forget_deliveries below), and
--   none is written for a ticket being deleted: deleting tickets and
--   fanning out exclude each other (pd_notify_fanout_lock), so a deletion
--   either came first (the event notifies nobody) or waits for the fan-out
--   to commit and then takes the deliveries along;
-- - users are never deleted (they are deactivated; their tickets, timeline
--   entries and audit entries refer to them), and a delivery's recipient
--   was read from users in the transaction that writes it.
-- A timeline entry goes only with its ticket.
CREATE TABLE notify_deliveries (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event       text NOT NULL CHECK (pd_notify_event_valid(event)),
    ticket_id   bigint NOT NULL,
    activity_id bigint,
    -- NULL for a channel whose recipient is not a user (a webhook endpoint)
    user_id     bigint,
    channel     text NOT NULL CHECK (pd_notify_channel_valid(channel)),
    status      text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'dead', 'cancelled')),
    attempts    integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    due_at      timestamptz NOT NULL DEFAULT now(),
    last_error  text CHECK (length(last_error) <= 1000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz,
    read_at     timestamptz CHECK (read_at IS NULL OR channel = 'portal'),
    CHECK (user_id IS NOT NULL OR channel = 'webhook')
);
-- what a sender claims: the due work of a channel, oldest first
CREATE INDEX notify_deliveries_due_idx ON notify_deliveries (channel, due_at, id)
    WHERE status IN ('pending', 'sending', 'failed');
-- a ticket's deliveries (staff); the admin's list by status, newest first:
-- what is not sent (sent, the great majority, is read newest first by key)
CREATE INDEX notify_deliveries_ticket_idx ON notify_deliveries (ticket_id, id);
CREATE INDEX notify_deliveries_status_idx ON notify_deliveries (status, id) WHERE status <> 'sent';
-- a user's notifications (the portal's sent deliveries), newest first: all,
-- and the unread ones, which the bell counts
CREATE INDEX notify_deliveries_inbox_idx ON notify_deliveries (user_id, id)
    WHERE channel = 'portal' AND status = 'sent';
CREATE INDEX notify_deliveries_unread_idx ON notify_deliveries (user_id, id)
    WHERE channel = 'portal' AND status = 'sent' AND read_at IS NULL;

-- A ticket deleted takes its deliveries along, as a foreign key's ON DELETE
-- CASCADE would (row by row, by the ticket's index). The fan-out holds
-- pd_notify_fanout_lock shared for its whole transaction, its first
-- statement; a statement deleting tickets takes it exclusively before it
-- deletes any, and so waits for the fan-outs under way to commit, whose
-- deliveries the trigger below then sees (each of its statements reads
-- afresh), and a fan-out that starts meanwhile waits for the deletion to
-- commit and finds the tickets gone. An advisory lock rather than the
-- tickets' rows: a row lock per event would make the fan-out wait for
-- every ticket being changed (a change locks its ticket FOR UPDATE) and
-- each such change wait for the fan-out's batch.
CREATE FUNCTION pd_notify_fanout_lock(exclusive boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF exclusive THEN
        PERFORM pg_advisory_xact_lock(hashtext('pharmadesk.notify_fanout'));
    ELSE
        PERFORM pg_advisory_xact_lock_shared(hashtext('pharmadesk.notify_fanout'));
    END IF;
END
$$;
CREATE FUNCTION tickets_wait_for_fanout() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pd_notify_fanout_lock(true);
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_wait_for_fanout BEFORE DELETE ON tickets
    FOR EACH STATEMENT EXECUTE FUNCTION tickets_wait_for_fanout();
CREATE FUNCTION tickets_forget_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM notify_deliveries WHERE ticket_id = OLD.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_forget_deliveries AFTER DELETE ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_forget_deliveries();

-- Each role's defaults: a row for every event and per-user channel, so
-- that a user's effective choice is their own row, else this one.
CREATE TABLE notify_role_defaults (
    role_id  smallint NOT NULL REFERENCES roles (id),
    event    text NOT NULL CHECK (pd_notify_event_valid(event)),
    channel  text NOT NULL CHECK (pd_notify_channel_valid(channel) AND channel <> 'webhook'),
    enabled  boolean NOT NULL,
    PRIMARY KEY (role_id, event, channel)
);

CREATE TABLE notify_preferences (
    user_id  bigint NOT NULL REFERENCES users (id),
    event    text NOT NULL CHECK (pd_notify_event_valid(event)),
    channel  text NOT NULL CHECK (pd_notify_channel_valid(channel) AND channel <> 'webhook'),
    enabled  boolean NOT NULL,
    PRIMARY KEY (user_id, event, channel)
);

-- Sensible defaults. Whom an event can reach at all is the module's rule
-- (a customer never hears of an internal note, whatever a row here says);
-- these say which of those people want it, and where. The team experts
-- hear of every new ticket; a tech of what is assigned to them and of the
-- conversation on it; a customer of what happens to their tickets; admins
-- see new tickets in the portal (and may opt in to e-mail); managers hear
-- of escalations (a later event).
INSERT INTO notify_role_defaults (role_id, event, channel, enabled)
SELECT r.id, e.event, c.channel,
       CASE r.code
           WHEN 'team_expert' THEN e.event IN ('ticket_created', 'assigned', 'public_reply')
                                   OR c.channel = 'portal'
           WHEN 'tech' THEN e.event IN ('assigned', 'unassigned', 'public_reply', 'internal_note')
                            OR (c.channel = 'portal' AND e.event IN ('status_changed', 'attachment_added'))
           WHEN 'customer' THEN e.event IN ('ticket_created', 'status_changed', 'public_reply', 'auto_closed')
                                OR (c.channel = 'portal' AND e.event IN ('assigned', 'attachment_added'))
           WHEN 'admin' THEN e.event = 'ticket_created' AND c.channel = 'portal'
           ELSE false
       END
FROM roles r,
     (VALUES ('ticket_created'), ('assigned'), ('unassigned'), ('status_changed'), ('public_reply'),
             ('internal_note'), ('attachment_added'), ('auto_closed')) AS e (event),
     (VALUES ('portal'), ('email')) AS c (channel);
