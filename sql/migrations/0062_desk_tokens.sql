-- The QR self check-in: desk tokens, the check-in's rate-limit counts,
-- and the account its cases are opened under.
--
-- A desk token is what the QR code printed for a desk carries: its public
-- id (16 random bytes, base64url) and an HMAC-SHA256 of that id under the
-- server's secret (PharmadeskDeskTokenSecretFile). The database holds the
-- id alone, never the HMAC: a copy of the database prints no valid code,
-- and a code's validity needs both the row (not revoked, not expired) and
-- the secret. A desk sends its visitors' cases to one unit, or lets the
-- visitor pick from a fixed list of units.
CREATE TABLE desk_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id    text NOT NULL UNIQUE CHECK (public_id ~ '^[A-Za-z0-9_-]{22}$'),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    org_unit_id  bigint REFERENCES org_units (id),
    unit_choices bigint[] CHECK (cardinality(unit_choices) BETWEEN 2 AND 50),
    expires_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   bigint REFERENCES users (id),
    revoked_at   timestamptz,
    revoked_by   bigint REFERENCES users (id),
    -- one unit, or a list to pick from: never both, never neither
    CONSTRAINT desk_tokens_one_routing CHECK ((org_unit_id IS NULL) <> (unit_choices IS NULL))
);
CREATE INDEX desk_tokens_created_idx ON desk_tokens (created_at DESC, id DESC);

ALTER TABLE audit_log DROP CONSTRAINT audit_log_entity_check,
    ADD CONSTRAINT audit_log_entity_check
    CHECK (entity IN ('user', 'role', 'ticket_category', 'ticket_module', 'pharmacy', 'ticket',
                      'sla_calendar', 'sla_policy', 'webhook_endpoint', 'org_unit',
                      'org_unit_contact', 'desk_token'));

-- A desk token as admins see it (the module adds the token itself, which
-- only it can compute): the units named, with their names.
CREATE FUNCTION pd_desk_token_json(p_id bigint) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', d.id, 'public_id', d.public_id, 'name', d.name,
               'org_unit_id', d.org_unit_id,
               'org_unit_name', (SELECT u.name FROM org_units u WHERE u.id = d.org_unit_id),
               'unit_choices', coalesce((SELECT json_agg(json_build_object('id', u.id, 'name', u.name)
                                                 ORDER BY array_position(d.unit_choices, u.id))
                                          FROM org_units u WHERE u.id = ANY (d.unit_choices)), '[]'),
               'expires_at', d.expires_at, 'created_at', d.created_at, 'created_by', d.created_by,
               'revoked_at', d.revoked_at, 'revoked_by', d.revoked_by,
               'active', d.revoked_at IS NULL AND (d.expires_at IS NULL OR d.expires_at > now()))::text
      FROM desk_tokens d WHERE d.id = p_id
$$;

-- The check-in's rate limits: one row per client address (kind 'client')
-- and per desk token (kind 'token'), counting requests in the current
-- fixed window. Shared by every Apache node; unlogged: a crash forgets the
-- counts, which only lets one window's worth through again. Old windows
-- are deleted by the background chores.
CREATE UNLOGGED TABLE checkin_hits (
    kind         text NOT NULL CHECK (kind IN ('client', 'token')),
    subject      text NOT NULL CHECK (length(subject) <= 64),
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL,
    PRIMARY KEY (kind, subject)
);

-- The account the QR form's cases are opened under (their creator on the
-- timeline). It has no subject, no role and is inactive: nobody signs in
-- as it.
INSERT INTO users (username, name, active) VALUES ('qr-checkin', 'Check-in mandiri (QR)', false)
    ON CONFLICT (username) DO NOTHING;
