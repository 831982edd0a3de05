-- The planner's default random_page_cost (4) models spinning disks. On SSD or
-- a working set in memory it makes small lookup tables (pharmacies, users)
-- look cheaper to scan whole than to reach by primary key, and the cached
-- plans that render tickets then hash-join full scans on every request: 2x
-- slower measured with 200 pharmacies and 1M tickets. 1.1 is the common
-- setting for SSD-backed databases; an operator may override it per role.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET random_page_cost = 1.1', current_database());
END
$$;
