-- Webhooks: endpoints an admin registers, each told of the ticket events it
-- chose by a signed JSON POST, through the notification engine of 0021.
--
-- webhook_endpoints  where to send, the secret that signs, which events and
--                    pharmacies (an empty list: all), whether internal
--                    entries are sent at all (off unless an admin says so),
--                    and whether it is active. An endpoint that answered
--                    410 Gone is deactivated with the reason.
-- notify_deliveries  a webhook's delivery is one of the engine's, pointing
--                    at its endpoint, with the event as it was when it was
--                    fanned out (payload): every attempt and every replay
--                    sends the same body under the same delivery id.
-- webhook_attempts   each attempt of a delivery: when, how long, the
--                    receiver's status and the start of its answer, or why
--                    there was none. The endpoint's delivery log reads them.

-- The events an endpoint takes: each a known event, none twice (checked by
-- the module as well, with a message). An empty list takes every event.
CREATE FUNCTION pd_webhook_events_valid(events text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(bool_and(pd_notify_event_valid(e)), true)
           AND count(*) = count(DISTINCT e)
    FROM unnest(events) AS e
$$;

CREATE TABLE webhook_endpoints (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url               text NOT NULL CHECK (length(url) BETWEEN 10 AND 2000 AND url ~ '^https?://'),
    description       text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    -- the HMAC key, as the admin was shown it once: the database must hold
    -- it to sign, so it is never shown by the API again (only rotated)
    secret            text NOT NULL CHECK (length(secret) BETWEEN 32 AND 200),
    events            text[] NOT NULL DEFAULT '{}' CHECK (pd_webhook_events_valid(events)),
    -- pharmacies are deactivated, never deleted: ids stay meaningful
    pharmacy_ids      bigint[] NOT NULL DEFAULT '{}'
                      CHECK (cardinality(pharmacy_ids) <= 100 AND array_position(pharmacy_ids, NULL) IS NULL),
    include_internal  boolean NOT NULL DEFAULT false,
    active            boolean NOT NULL DEFAULT true,
    disabled_reason   text CHECK (length(disabled_reason) <= 300),
    secret_rotated_at timestamptz NOT NULL DEFAULT now(),
    created_by        bigint REFERENCES users (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- A webhook delivery names its endpoint (deleting the endpoint deletes its
-- log) and carries its event's payload; no other channel's does. Rows
-- written before this migration are other channels', so the check holds
-- for them without reading the table.
ALTER TABLE notify_deliveries
    ADD COLUMN endpoint_id bigint REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    ADD COLUMN payload json,
    ADD CONSTRAINT notify_deliveries_webhook
        CHECK ((channel = 'webhook') = (endpoint_id IS NOT NULL AND payload IS NOT NULL)) NOT VALID;
-- an endpoint's delivery log, newest first
CREATE INDEX notify_deliveries_endpoint_idx ON notify_deliveries (endpoint_id, id)
    WHERE endpoint_id IS NOT NULL;

CREATE TABLE webhook_attempts (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id      bigint NOT NULL REFERENCES notify_deliveries (id) ON DELETE CASCADE,
    attempted_at     timestamptz NOT NULL DEFAULT now(),
    duration_ms      integer NOT NULL CHECK (duration_ms >= 0),
    -- the address connected to (or refused), as resolved at the attempt
    address          text CHECK (length(address) <= 64),
    response_status  smallint CHECK (response_status BETWEEN 100 AND 599),
    response_excerpt text CHECK (length(response_excerpt) <= 4096),
    error            text CHECK (length(error) <= 1000),
    CHECK (response_status IS NOT NULL OR error IS NOT NULL)
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, id);

-- Endpoints are admin objects: their changes are audited like the others'.
-- The rows there passed a narrower check already.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_entity_check,
    ADD CONSTRAINT audit_log_entity_check
    CHECK (entity IN ('user', 'role', 'ticket_category', 'ticket_module', 'pharmacy', 'ticket',
                      'webhook_endpoint')) NOT VALID;
