-- Workload (GET /api/workload): active tickets per tech and per expert,
-- counted from these partial indexes alone (index-only scans), so the count
-- grows with the active tickets, not with the whole history.
CREATE INDEX tickets_active_tech_idx ON tickets (tech_id, status)
    WHERE tech_id IS NOT NULL AND status NOT IN ('closed', 'cancelled');
CREATE INDEX tickets_active_expert_idx ON tickets (expert_id, status)
    WHERE expert_id IS NOT NULL AND status NOT IN ('closed', 'cancelled');
