-- The escalated queue in the order it is read (queue=escalated: staff see
-- it by what needs action first, sort=action).
--
-- Its own index (migration 0031) holds the escalated tickets not yet
-- solved in creation order; in the action order the list walked the index
-- of every unsolved ticket (tickets_action_idx) and skipped those not
-- escalated: 588 ms a page at a million tickets with 20,015 of 257,000
-- unsolved tickets escalated. This one holds only the escalated, in the
-- action order, so a page reads as many entries as it shows. A ticket
-- enters it when it is escalated and leaves when it is solved or
-- de-escalated: few writes, and none on a create.
CREATE INDEX tickets_escalated_action_idx ON tickets ((-priority_rank), created_at, id)
    WHERE escalated_at IS NOT NULL AND status IN ('open', 'in_review', 'in_progress', 'waiting_customer');
