-- Idempotency keys (the Idempotency-Key request header on POST routes that
-- create something). The first request with a key claims it in the same
-- transaction as its work and stores its answer there; a retry with the key
-- gets that answer again instead of a second ticket or comment. A retry
-- racing the first waits on the claimed row until the first commits (and
-- replays it) or rolls back (and does the work itself). A key is remembered
-- for 24 hours per user; after that it can be claimed afresh.
CREATE TABLE idempotency_keys (
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key         text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    -- SHA-1 of method, path and body: the same key with another request is
    -- a client error, never a replay of something else
    fingerprint text NOT NULL,
    status      smallint,
    response    text,
    location    text,
    etag        text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
