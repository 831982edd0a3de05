-- A new case for a unit reaches its lead and backup contacts who are no
-- users (a name with a WhatsApp number, people who never sign in) on
-- WhatsApp, through the same deliveries as everyone else's messages: the
-- outbox, the retries, Meta's receipts. Such a delivery names its contact
-- instead of a user. An admin who enters a contact's number for the unit
-- is the office's record that the person is to be reached there.
--
-- The check that a delivery without a user is a webhook's was left unnamed
-- (migration 0021): it is found by what it says.
DO $$
DECLARE
    c name;
BEGIN
    SELECT conname INTO STRICT c FROM pg_constraint
     WHERE conrelid = 'notify_deliveries'::regclass AND contype = 'c'
       AND pg_get_constraintdef(oid) LIKE '%user_id IS NOT NULL%webhook%';
    EXECUTE format('ALTER TABLE notify_deliveries DROP CONSTRAINT %I', c);
END $$;
ALTER TABLE notify_deliveries
    ADD COLUMN contact_id bigint,
    ADD CONSTRAINT notify_deliveries_recipient
        CHECK (user_id IS NOT NULL OR channel = 'webhook'
               OR (channel = 'whatsapp' AND contact_id IS NOT NULL)) NOT VALID;
ALTER TABLE notify_deliveries VALIDATE CONSTRAINT notify_deliveries_recipient;
-- once per case and contact, whatever runs the fan-out twice; a contact
-- removed later leaves its deliveries as they were (no reference: the log
-- outlives the directory's entry, and the send finds the contact gone)
CREATE UNIQUE INDEX notify_deliveries_contact_idx ON notify_deliveries (ticket_id, contact_id)
    WHERE contact_id IS NOT NULL;
