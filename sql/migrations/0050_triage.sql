-- Lists for triage: the staff queues' default order, and saved views.
--
-- The work queues list what needs action first: the most urgent, then the
-- oldest (sort=action: priority_rank descending, created_at and id
-- ascending). One direction for the whole key lets a row comparison walk an
-- index from a cursor: the negated rank ascending is the rank descending.
-- The index holds the tickets not yet solved only, since only those wait for
-- action: a queue's statuses (the module passes them as constants, planned
-- with their values) imply the predicate, so the planner can prove the index
-- usable; the finished tickets, most of a helpdesk's rows after a year, are
-- not in it and cost nothing to skip.
CREATE INDEX tickets_action_idx ON tickets ((-priority_rank), created_at, id)
    WHERE status IN ('open', 'in_review', 'in_progress', 'waiting_customer');

-- A saved view: a name for a list's filters, kept as the query string the
-- list takes (checked by the list's own parser when saved and when used).
-- Shared, it is offered to everyone with the owner's role.
CREATE TABLE saved_views (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    filters     text NOT NULL CHECK (length(filters) <= 1000),
    shared      boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (owner_id, name)
);
CREATE INDEX saved_views_shared_idx ON saved_views (owner_id) WHERE shared;
