-- WhatsApp (the WhatsApp Business Cloud API): template messages out to the
-- people who opted in, and messages in from customers, which become public
-- replies or new tickets.
--
-- tickets.source        a ticket a customer opened by writing on WhatsApp
--                       is 'whatsapp'.
-- ticket_activities.channel
--                       how a timeline entry came: NULL for the portal and
--                       the API, 'whatsapp' for a customer's message. Set by
--                       the writing transaction through the setting
--                       pharmadesk.channel, so that every entry the message
--                       causes (the reply, and the status change it brings)
--                       says so, whatever statement writes it.
-- users                 a WhatsApp number is one person's once they opted
--                       in: no two opted-in accounts share one, so that a
--                       message in names its sender.
-- notify_deliveries     a WhatsApp message's id at Meta (wamid), and what
--                       Meta said of it since: delivered, read.
-- whatsapp_inbound      the ids of the messages taken in: Meta delivers at
--                       least once, and a repeat does nothing.
-- whatsapp_hook_hits    requests to the webhook per client address and
--                       minute, for its rate limit, shared by every Apache
--                       node.

ALTER TABLE tickets DROP CONSTRAINT tickets_source_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_source_check
    CHECK (source IN ('customer', 'team_expert', 'internal', 'whatsapp')) NOT VALID;
ALTER TABLE tickets VALIDATE CONSTRAINT tickets_source_check;

-- A column without a default is added without rewriting the timeline; the
-- default set afterwards applies to new rows alone. current_setting is
-- read at each insert: a transaction that sets pharmadesk.channel (with
-- set_config(..., true), so for itself alone) marks what it writes.
ALTER TABLE ticket_activities ADD COLUMN channel text;
ALTER TABLE ticket_activities
    ALTER COLUMN channel SET DEFAULT nullif(current_setting('pharmadesk.channel', true), ''),
    ADD CONSTRAINT ticket_activities_channel CHECK (channel IN ('whatsapp')) NOT VALID;
ALTER TABLE ticket_activities VALIDATE CONSTRAINT ticket_activities_channel;

ALTER TABLE users
    ADD CONSTRAINT users_whatsapp_opt_in_number
        CHECK (whatsapp_opt_in_at IS NULL OR whatsapp_number IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_whatsapp_opt_in_number;
CREATE UNIQUE INDEX users_whatsapp_opted_in_idx ON users (whatsapp_number)
    WHERE whatsapp_opt_in_at IS NOT NULL;

-- external_id: the provider's id of the message sent (a wamid), recorded
-- when the API takes it; receipt: the furthest Meta reported, delivered
-- then read (a failure after the API took the message makes the delivery
-- dead instead).
ALTER TABLE notify_deliveries
    ADD COLUMN external_id text CHECK (length(external_id) <= 200),
    ADD COLUMN receipt text CHECK (receipt IN ('delivered', 'read')),
    ADD COLUMN receipt_at timestamptz;
CREATE UNIQUE INDEX notify_deliveries_external_idx ON notify_deliveries (external_id)
    WHERE external_id IS NOT NULL;

-- The channel's defaults per role. A message costs the business and lands
-- on a phone: customers hear of what happens to their tickets (as by
-- e-mail), staff only of what is assigned to them. Nobody gets one without
-- having opted in.
INSERT INTO notify_role_defaults (role_id, event, channel, enabled)
SELECT r.id, e.event, 'whatsapp',
       CASE r.code
           WHEN 'customer' THEN e.event IN ('ticket_created', 'status_changed', 'public_reply', 'auto_closed')
           WHEN 'team_expert' THEN e.event = 'assigned'
           WHEN 'tech' THEN e.event = 'assigned'
           ELSE false
       END
FROM roles r,
     (VALUES ('ticket_created'), ('assigned'), ('unassigned'), ('status_changed'), ('public_reply'),
             ('internal_note'), ('attachment_added'), ('auto_closed')) AS e (event);

-- Each message taken in, by its id at Meta, with what became of it:
-- 'reply' or 'ticket' (ticket_id tells which), or 'ignored' (a sender who
-- is no customer of ours, a kind of message that carries nothing to keep).
-- No phone number is kept for a message that was ignored.
CREATE TABLE whatsapp_inbound (
    wamid       text PRIMARY KEY CHECK (length(wamid) BETWEEN 1 AND 200),
    outcome     text NOT NULL CHECK (outcome IN ('reply', 'ticket', 'ignored')),
    ticket_id   bigint REFERENCES tickets (id) ON DELETE SET NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX whatsapp_inbound_received_idx ON whatsapp_inbound (received_at);

-- The webhook's rate limit: one row per client address, counting its
-- requests in the current minute. Unlogged: a crash forgets the counts,
-- which only lets a minute's worth through again.
CREATE UNLOGGED TABLE whatsapp_hook_hits (
    address      text PRIMARY KEY CHECK (length(address) <= 64),
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL
);
