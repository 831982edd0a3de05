-- The ticket list's case_type filter (visitor, surat, or any case): the
-- front desk's inbox reads the newest cases no one is assigned yet, and a
-- list of one type pages through that type's cases, both by keyset at a
-- million tickets.
--
-- One type, newest or oldest first: a walk of that type's cases alone. The
-- filter compares with an array (case_type = ANY ('{visitor}')), which the
-- planner proves within the predicate and reads as an equality on the
-- index's first column.
CREATE INDEX tickets_case_type_idx ON tickets (case_type, created_at, id)
    WHERE case_type IS NOT NULL;
-- The inbox: cases still to be worked (the unassigned queue's statuses),
-- newest first. Most cases of a busy office are closed; this walk reads
-- only the open ones and drops the few assigned on the way (the queue's
-- "no tech" test is not a plain IS NULL, so it cannot be the predicate).
CREATE INDEX tickets_case_active_idx ON tickets (created_at, id)
    WHERE case_type IS NOT NULL AND status IN ('open', 'in_review', 'waiting_customer');
