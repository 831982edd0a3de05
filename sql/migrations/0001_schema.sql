-- Pharmadesk core schema: roles, pharmacies, users, the ticket lookups
-- (modules, categories), tickets, their timeline and attachments.
-- Every time is timestamptz; every reference is a foreign key; every enum-like
-- column is pinned by a CHECK constraint.

CREATE TABLE roles (
    id          smallint PRIMARY KEY,
    code        text NOT NULL UNIQUE
                CHECK (code IN ('admin', 'team_expert', 'tech', 'customer', 'manager')),
    name        text NOT NULL,
    description text NOT NULL DEFAULT ''
);

CREATE TABLE pharmacies (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    address    text NOT NULL DEFAULT '' CHECK (length(address) <= 500),
    city       text NOT NULL DEFAULT '' CHECK (length(city) <= 100),
    phone      text NOT NULL DEFAULT '' CHECK (length(phone) <= 50),
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pharmacies_name_idx ON pharmacies (name, id);

-- role_id NULL means "no access yet": the least privilege, granted to a user
-- that exists but has not been given a role by an administrator.
CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      text NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 200),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email         text CHECK (email IS NULL OR length(email) <= 254),
    role_id       smallint REFERENCES roles (id),
    pharmacy_id   bigint REFERENCES pharmacies (id),
    active        boolean NOT NULL DEFAULT true,
    last_login_at timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    -- only customers belong to a pharmacy (roles.id 4 is 'customer')
    CONSTRAINT users_pharmacy_only_for_customers CHECK (pharmacy_id IS NULL OR role_id = 4)
);
CREATE INDEX users_role_idx ON users (role_id, name, id);
CREATE INDEX users_pharmacy_idx ON users (pharmacy_id) WHERE pharmacy_id IS NOT NULL;
CREATE INDEX users_name_idx ON users (name, id);

CREATE TABLE ticket_modules (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    color       text NOT NULL DEFAULT '#64748b' CHECK (color ~ '^#[0-9a-f]{6}$'),
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ticket_categories (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    color       text NOT NULL DEFAULT '#64748b' CHECK (color ~ '^#[0-9a-f]{6}$'),
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per year: the per-year ticket number sequence. Incremented inside
-- the creating transaction, so concurrent creates serialise on the row lock
-- and a rolled-back create leaves no gap.
CREATE TABLE ticket_counters (
    year       integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 9999),
    last_value bigint NOT NULL CHECK (last_value >= 0)
);

CREATE TABLE tickets (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number            text NOT NULL UNIQUE,
    pharmacy_id       bigint NOT NULL REFERENCES pharmacies (id),
    pic_name          text NOT NULL CHECK (length(pic_name) BETWEEN 1 AND 200),
    contact           text NOT NULL CHECK (length(contact) BETWEEN 1 AND 200),
    app_version       text NOT NULL DEFAULT '' CHECK (length(app_version) <= 50),
    module_id         bigint NOT NULL REFERENCES ticket_modules (id),
    category_id       bigint NOT NULL REFERENCES ticket_categories (id),
    title             text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description       text NOT NULL CHECK (length(description) BETWEEN 1 AND 20000),
    priority          text NOT NULL DEFAULT 'medium'
                      CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    -- sort key for priority: urgent sorts above high, not alphabetically
    priority_rank     smallint GENERATED ALWAYS AS (
                          CASE priority WHEN 'low' THEN 1 WHEN 'medium' THEN 2
                                        WHEN 'high' THEN 3 ELSE 4 END) STORED,
    status            text NOT NULL DEFAULT 'open'
                      CHECK (status IN ('open', 'in_review', 'in_progress', 'waiting_customer',
                                        'solved', 'closed', 'cancelled')),
    source            text NOT NULL CHECK (source IN ('customer', 'team_expert', 'internal')),
    customer_id       bigint REFERENCES users (id),
    expert_id         bigint REFERENCES users (id),
    tech_id           bigint REFERENCES users (id),
    created_by        bigint REFERENCES users (id),
    -- bumped by every change: the ETag and the optimistic-concurrency check
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    first_response_at timestamptz,
    solved_at         timestamptz,
    closed_at         timestamptz
);

-- Keyset pagination: every sort key ends in id; every list filter has an
-- index that also serves the default order (created_at DESC, id DESC).
CREATE INDEX tickets_created_idx     ON tickets (created_at, id);
CREATE INDEX tickets_updated_idx     ON tickets (updated_at, id);
CREATE INDEX tickets_priority_idx    ON tickets (priority_rank, id);
CREATE INDEX tickets_status_idx      ON tickets (status, created_at, id);
CREATE INDEX tickets_prio_filter_idx ON tickets (priority, created_at, id);
CREATE INDEX tickets_pharmacy_idx    ON tickets (pharmacy_id, created_at, id);
CREATE INDEX tickets_category_idx    ON tickets (category_id, created_at, id);
CREATE INDEX tickets_module_idx      ON tickets (module_id, created_at, id);
CREATE INDEX tickets_source_idx      ON tickets (source, created_at, id);
CREATE INDEX tickets_customer_idx    ON tickets (customer_id, created_at, id) WHERE customer_id IS NOT NULL;
CREATE INDEX tickets_expert_idx      ON tickets (expert_id, created_at, id) WHERE expert_id IS NOT NULL;
CREATE INDEX tickets_tech_idx        ON tickets (tech_id, created_at, id) WHERE tech_id IS NOT NULL;
-- a customer's list is always scoped to their pharmacy, filtered by status
CREATE INDEX tickets_pharmacy_status_idx ON tickets (pharmacy_id, status, created_at, id);

-- The timeline. Append-only: the trigger below refuses UPDATE; rows go away
-- only with their ticket (an admin action).
CREATE TABLE ticket_activities (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id  bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    user_id    bigint REFERENCES users (id),          -- NULL: the system
    kind       text NOT NULL CHECK (kind IN ('created', 'status_changed', 'field_changed',
                                             'assigned', 'comment', 'note', 'attachment', 'system')),
    field      text CHECK (field IS NULL OR length(field) <= 64),
    old_value  text,
    new_value  text,
    body       text CHECK (body IS NULL OR length(body) <= 20000),
    visibility text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'internal')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_activities_ticket_idx ON ticket_activities (ticket_id, id);
CREATE INDEX ticket_activities_user_idx ON ticket_activities (user_id) WHERE user_id IS NOT NULL;

CREATE FUNCTION ticket_activities_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ticket_activities is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER ticket_activities_no_update BEFORE UPDATE ON ticket_activities
    FOR EACH ROW EXECUTE FUNCTION ticket_activities_append_only();

CREATE TABLE ticket_attachments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id    bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    user_id      bigint NOT NULL REFERENCES users (id),
    file_name    text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    content_type text NOT NULL CHECK (length(content_type) <= 100),
    size_bytes   bigint NOT NULL CHECK (size_bytes >= 0),
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    description  text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    visibility   text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'internal')),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_attachments_ticket_idx ON ticket_attachments (ticket_id, id);
CREATE INDEX ticket_attachments_user_idx ON ticket_attachments (user_id);
