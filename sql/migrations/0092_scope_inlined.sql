-- The checks and values that single-ticket reads, writes and creates call
-- on every request, planned once per connection or not at all.
--
-- A SQL function that the planner cannot inline (its body has a subquery,
-- or an argument it uses twice is volatile) runs through fmgr_sql, which
-- parses and plans its query again in every statement that calls it:
--
-- - pd_ticket_in_scope guards every read and write of one ticket, its
--   timeline and its files. Its unit branch was an EXISTS subquery, so the
--   whole function was called and planned per statement: `pgbench` of the
--   single-ticket read at two million tickets, 0.15-0.17 ms a statement
--   with it and 0.08 ms without. The unit test moves into a PL/pgSQL
--   function (its plan kept), which the scope check calls only for an
--   operator's scope; the check itself is a plain expression again, inlined
--   into each statement, where a pharmacy's scope or everything folds to a
--   comparison: 0.09 ms.
-- - pd_ticket_number takes the year's next sequence value, used twice in its
--   body, so it was never inlined into the create statement either.
-- - pd_org_subtree has a FROM clause; operators' lists and the subtree
--   filter call it once per statement.
--
-- The answers are the same as before.

CREATE FUNCTION pd_org_unit_within(p_unit bigint, p_top bigint) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM org_units u WHERE u.id = p_unit AND u.path @> ARRAY[p_top]);
END
$$;

CREATE OR REPLACE FUNCTION pd_ticket_in_scope(p_scope bigint, p_pharmacy bigint, p_unit bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT p_scope = 0 OR p_scope = p_pharmacy
        OR (p_scope < -1 AND p_unit IS NOT NULL AND pd_org_unit_within(p_unit, -1 - p_scope))
$$;

CREATE OR REPLACE FUNCTION pd_ticket_number(prefix text, year integer, seq bigint)
RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    RETURN prefix || '-' || lpad(year::text, 4, '0') || '-'
           || CASE WHEN seq < 1000000 THEN lpad(seq::text, 6, '0') ELSE seq::text END;
END
$$;

CREATE OR REPLACE FUNCTION pd_org_subtree(p_unit bigint) RETURNS bigint[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(u.id), '{}') FROM org_units u WHERE u.path @> ARRAY[p_unit]);
END
$$;
