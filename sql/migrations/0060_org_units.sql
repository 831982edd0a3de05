-- Organisation: units in a tree, their contacts, the users and tickets that
-- belong to them. A front desk (a government office's guestbook) routes
-- each case to a unit; its operators see the cases of their unit and of
-- every unit below it, nothing else.
--
-- The tree is kept with a materialised path: each unit's path holds the ids
-- of its ancestors and its own, root first. A subtree is then one index
-- probe (path @> ARRAY[unit]), its ids resolved before the tickets are
-- read, so that a list filtered by a subtree walks tickets by
-- (org_unit_id, created_at, id) like any other filter.
CREATE TABLE org_units (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9_-]{1,32}$'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    type       text NOT NULL CHECK (type IN ('root', 'sekretariat', 'subbag', 'bidang', 'upt', 'pool')),
    parent_id  bigint REFERENCES org_units (id),
    path       bigint[] NOT NULL DEFAULT '{}',
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- a root stands alone; every other unit hangs below one
    CONSTRAINT org_units_root_has_no_parent CHECK ((type = 'root') = (parent_id IS NULL)),
    CONSTRAINT org_units_not_own_parent CHECK (parent_id <> id),
    -- deep enough for any office; bounds the cost of a move
    CONSTRAINT org_units_depth CHECK (cardinality(path) <= 16)
);
CREATE INDEX org_units_path_idx ON org_units USING gin (path);
CREATE INDEX org_units_parent_idx ON org_units (parent_id);

-- The path follows the parent, and a unit can never become its own
-- ancestor: whatever writes the table, a cycle is refused here (the API
-- asks pd_org_unit_check first to answer with the reason).
CREATE FUNCTION org_units_path() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_path bigint[];
BEGIN
    IF NEW.parent_id IS NULL THEN
        NEW.path := ARRAY[NEW.id];
    ELSE
        SELECT path INTO parent_path FROM org_units WHERE id = NEW.parent_id;
        IF parent_path IS NULL THEN
            RAISE EXCEPTION 'org unit % has no parent %', NEW.id, NEW.parent_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF NEW.id = ANY (parent_path) THEN
            RAISE EXCEPTION 'org unit % would be its own ancestor', NEW.id
                USING ERRCODE = 'check_violation';
        END IF;
        NEW.path := parent_path || NEW.id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER org_units_path BEFORE INSERT OR UPDATE OF parent_id ON org_units
    FOR EACH ROW EXECUTE FUNCTION org_units_path();

-- A move carries the unit's subtree along: each descendant's path gets the
-- new prefix.
CREATE FUNCTION org_units_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE org_units u SET path = NEW.path || u.path[cardinality(OLD.path) + 1:]
     WHERE u.path @> ARRAY[NEW.id] AND u.id <> NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER org_units_move AFTER UPDATE OF parent_id ON org_units
    FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id)
    EXECUTE FUNCTION org_units_move();

-- The ids of a unit and of every unit below it ('{}' for none).
CREATE FUNCTION pd_org_subtree(p_unit bigint) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(u.id), '{}') FROM org_units u WHERE u.path @> ARRAY[p_unit]
$$;

-- Whether a ticket is within a caller's scope (pd_authz_pharmacy_scope):
-- 0 everything, a pharmacy's id that pharmacy's tickets, -1 nothing, and
-- below -1 the tickets of unit -1 - scope and of the units below it.
CREATE FUNCTION pd_ticket_in_scope(p_scope bigint, p_pharmacy bigint, p_unit bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT p_scope = 0 OR p_scope = p_pharmacy
        OR (p_scope < -1 AND p_unit IS NOT NULL
            AND EXISTS (SELECT 1 FROM org_units u WHERE u.id = p_unit AND u.path @> ARRAY[-1 - p_scope]))
$$;

CREATE TABLE org_unit_contacts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_unit_id     bigint NOT NULL REFERENCES org_units (id),
    kind            text NOT NULL CHECK (kind IN ('lead', 'backup', 'receptionist', 'kadis')),
    user_id         bigint REFERENCES users (id),
    name            text CHECK (length(name) BETWEEN 1 AND 200),
    whatsapp_number text CHECK (whatsapp_number ~ '^\+[1-9][0-9]{6,14}$'),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- a user, or a person who never signs in: a name (and a number to reach them)
    CONSTRAINT org_unit_contacts_who CHECK (user_id IS NOT NULL OR name IS NOT NULL)
);
CREATE INDEX org_unit_contacts_unit_idx ON org_unit_contacts (org_unit_id, kind, id);
-- one lead and one head per unit; backups and receptionists as many as needed
CREATE UNIQUE INDEX org_unit_contacts_one_lead ON org_unit_contacts (org_unit_id, kind)
    WHERE kind IN ('lead', 'kadis');

-- users.whatsapp_number exists already (migration 0021).
ALTER TABLE users
    ADD COLUMN org_unit_id bigint REFERENCES org_units (id),
    ADD COLUMN nip_nik text UNIQUE CHECK (nip_nik ~ '^[0-9]{8,20}$'),
    ADD COLUMN institution text CHECK (length(institution) BETWEEN 1 AND 200);
CREATE INDEX users_org_unit_idx ON users (org_unit_id) WHERE org_unit_id IS NOT NULL;

-- A ticket's unit: lists by unit and by subtree walk this index newest
-- first, one unit at a time.
ALTER TABLE tickets ADD COLUMN org_unit_id bigint REFERENCES org_units (id);
CREATE INDEX tickets_org_unit_idx ON tickets (org_unit_id, created_at, id)
    WHERE org_unit_id IS NOT NULL;

ALTER TABLE audit_log DROP CONSTRAINT audit_log_entity_check,
    ADD CONSTRAINT audit_log_entity_check
    CHECK (entity IN ('user', 'role', 'ticket_category', 'ticket_module', 'pharmacy', 'ticket',
                      'sla_calendar', 'sla_policy', 'webhook_endpoint', 'org_unit',
                      'org_unit_contact'));

-- A unit as the API shows it.
CREATE FUNCTION pd_org_unit_json(p_id bigint) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', u.id, 'code', u.code, 'name', u.name, 'type', u.type,
               'parent_id', u.parent_id, 'path', u.path, 'active', u.active,
               'created_at', u.created_at, 'updated_at', u.updated_at)::text
      FROM org_units u WHERE u.id = p_id
$$;

-- A contact as the API shows it, with its user's name and number when it is one.
CREATE FUNCTION pd_org_unit_contact_json(p_id bigint) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', c.id, 'org_unit_id', c.org_unit_id, 'kind', c.kind,
               'user_id', c.user_id, 'name', coalesce(c.name, us.name),
               'whatsapp_number', coalesce(c.whatsapp_number, us.whatsapp_number),
               'user_name', us.name, 'user_active', us.active,
               'created_at', c.created_at, 'updated_at', c.updated_at)::text
      FROM org_unit_contacts c LEFT JOIN users us ON us.id = c.user_id
     WHERE c.id = p_id
$$;

-- Why a unit may not take this parent or state, NULL when it may:
-- parent_unknown, parent_inactive, cycle, root_parent (a root has no parent,
-- every other unit one), active_children, open_cases (with how many).
CREATE FUNCTION pd_org_unit_check(p_id bigint, p_type text, p_parent bigint, p_active boolean)
RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    parent_path bigint[];
    parent_active boolean;
    n bigint;
BEGIN
    IF (p_type = 'root') <> (p_parent IS NULL) THEN
        RETURN 'root_parent';
    END IF;
    IF p_parent IS NOT NULL THEN
        SELECT path, active INTO parent_path, parent_active FROM org_units WHERE id = p_parent;
        IF parent_path IS NULL THEN
            RETURN 'parent_unknown';
        END IF;
        IF p_id IS NOT NULL AND p_id = ANY (parent_path) THEN
            RETURN 'cycle';
        END IF;
        IF p_active AND NOT parent_active THEN
            RETURN 'parent_inactive';
        END IF;
    END IF;
    IF p_id IS NOT NULL AND NOT p_active THEN
        IF EXISTS (SELECT 1 FROM org_units c WHERE c.parent_id = p_id AND c.active) THEN
            RETURN 'active_children';
        END IF;
        SELECT count(*) INTO n FROM tickets t
         WHERE t.org_unit_id = p_id AND t.status NOT IN ('solved', 'closed', 'cancelled');
        IF n > 0 THEN
            RETURN 'open_cases:' || n;
        END IF;
    END IF;
    RETURN NULL;
END $$;

-- The directory: the active units within a scope (0: all, else a unit and
-- its subtree), by their place in the tree, each with its contacts and its
-- active people; with a search text, only the units whose name or code, or
-- one of whose contacts or people, holds it (case-insensitive, as typed:
-- no pattern syntax).
CREATE FUNCTION pd_org_directory_json(p_scope bigint, p_q text) RETURNS text
LANGUAGE sql STABLE AS $$
    WITH q AS (SELECT lower(p_q) AS q),
    units AS (
        SELECT u.* FROM org_units u, q
         WHERE u.active AND (p_scope = 0 OR u.path @> ARRAY[p_scope])
           AND (q.q IS NULL
                OR strpos(lower(u.name), q.q) > 0 OR strpos(lower(u.code), q.q) > 0
                OR EXISTS (SELECT 1 FROM org_unit_contacts c LEFT JOIN users us ON us.id = c.user_id
                            WHERE c.org_unit_id = u.id
                              AND strpos(lower(coalesce(c.name, us.name)), q.q) > 0)
                OR EXISTS (SELECT 1 FROM users us WHERE us.org_unit_id = u.id AND us.active
                              AND strpos(lower(us.name), q.q) > 0))
         ORDER BY u.path LIMIT 500)
    SELECT coalesce(json_agg(json_build_object(
               'id', u.id, 'code', u.code, 'name', u.name, 'type', u.type,
               'parent_id', u.parent_id, 'depth', cardinality(u.path) - 1,
               'contacts', (SELECT coalesce(json_agg(pd_org_unit_contact_json(c.id)::json
                                                     ORDER BY c.kind, c.id), '[]')
                              FROM org_unit_contacts c WHERE c.org_unit_id = u.id),
               'people', (SELECT coalesce(json_agg(json_build_object(
                                     'id', us.id, 'name', us.name, 'role', r.code,
                                     'institution', us.institution,
                                     'whatsapp_number', us.whatsapp_number, 'email', us.email)
                                 ORDER BY us.name, us.id), '[]')
                            FROM (SELECT * FROM users us WHERE us.org_unit_id = u.id AND us.active
                                  ORDER BY us.name, us.id LIMIT 200) us
                            LEFT JOIN roles r ON r.id = us.role_id))
           ORDER BY u.path), '[]')::text
      FROM units u
$$;
