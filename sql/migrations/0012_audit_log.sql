-- The audit log: who changed which user, pharmacy, ticket category or
-- module, and which ticket was deleted, when, and from what to what.
--
-- The module writes a row in the transaction of the change itself (see
-- src/mod_pd_audit.c), so a change and its row commit or roll back together.
-- Logins that provision users from single sign-on claims (pd_user_sync) are
-- not audited: they are not an administrator's action.
--
-- changes: {"field": {"old": before, "new": after}, ...} for the members that
-- differ between the object as the API shows it before and after the change
-- (pd_audit_changes below); a create has no "before", a delete no "after".
-- Only what the API shows can get here, so never a secret.
CREATE TABLE audit_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    -- users are deactivated, never deleted, so the actor's name stays
    -- reachable; NULL would be the system (nothing writes that today)
    actor_id  bigint REFERENCES users (id),
    action    text NOT NULL CHECK (action IN ('create', 'update', 'deactivate', 'delete')),
    entity    text NOT NULL CHECK (entity IN ('user', 'role', 'ticket_category', 'ticket_module',
                                              'pharmacy', 'ticket')),
    entity_id bigint NOT NULL,
    changes   jsonb NOT NULL CHECK (jsonb_typeof(changes) = 'object')
);

-- GET /api/audit reads newest first by (at, id), optionally filtered by one
-- or more of actor, entity, entity id and a time range. Each filter has an
-- index that also gives that order, so a page reads its rows and no more,
-- however long the log grows; a time range alone uses the first.
CREATE INDEX audit_log_at_idx        ON audit_log (at, id);
CREATE INDEX audit_log_actor_idx     ON audit_log (actor_id, at, id);
CREATE INDEX audit_log_entity_idx    ON audit_log (entity, at, id);
-- an object's history: entity_id alone, or with its entity (few rows per id)
CREATE INDEX audit_log_entity_id_idx ON audit_log (entity_id, at, id);

-- Append-only: rows are inserted and never changed or removed.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- The members of two JSON objects that differ, as {"m": {"old": .., "new": ..}}.
-- before or after may be NULL (a create, a delete). Bookkeeping members that
-- change by themselves (id, timestamps) are left out. An empty object means
-- nothing changed, and the module then writes no row.
CREATE FUNCTION pd_audit_changes(before jsonb, after jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(jsonb_object_agg(k, jsonb_build_object('old', before -> k, 'new', after -> k)),
                    '{}'::jsonb)
    FROM (SELECT jsonb_object_keys(coalesce(before, '{}'::jsonb))
          UNION SELECT jsonb_object_keys(coalesce(after, '{}'::jsonb))) AS members (k)
    WHERE k NOT IN ('id', 'created_at', 'updated_at', 'last_login_at')
      AND (before -> k) IS DISTINCT FROM (after -> k)
$$;
