-- A front desk for the benchmark, on a database bench/load.sql filled: an
-- office with four divisions (bidang) of six sections each, its front desk
-- settings (a client of its own, without customers), and half of the
-- tickets routed to the sections, a quarter of them to each division's
-- subtree. Run every time; it changes nothing the second time.
INSERT INTO pharmacies (code, name) VALUES ('BENCH-KANTOR', 'Kantor (benchmark)') ON CONFLICT (code) DO NOTHING;
INSERT INTO org_units (code, name, type) VALUES ('BENCH-ROOT', 'Dinas (benchmark)', 'root')
    ON CONFLICT (code) DO NOTHING;
INSERT INTO org_units (code, name, type, parent_id)
SELECT 'BENCH-B' || b, 'Bidang ' || b, 'bidang', (SELECT id FROM org_units WHERE code = 'BENCH-ROOT')
FROM generate_series(1, 4) b
ON CONFLICT (code) DO NOTHING;
INSERT INTO org_units (code, name, type, parent_id)
SELECT 'BENCH-B' || b || '-S' || s, 'Seksi ' || b || '.' || s, 'subbag',
       (SELECT id FROM org_units WHERE code = 'BENCH-B' || b)
FROM generate_series(1, 4) b, generate_series(1, 6) s
ON CONFLICT (code) DO NOTHING;
INSERT INTO front_desks (root_unit_id, pharmacy_id, module_id, visitor_category_id, surat_category_id)
SELECT (SELECT id FROM org_units WHERE code = 'BENCH-ROOT'), (SELECT id FROM pharmacies WHERE code = 'BENCH-KANTOR'),
       (SELECT min(id) FROM ticket_modules WHERE active), (SELECT min(id) FROM ticket_categories WHERE active),
       (SELECT min(id) FROM ticket_categories WHERE active)
ON CONFLICT (root_unit_id) DO NOTHING;
-- every other ticket, spread over the 24 sections in turn
WITH s AS (SELECT array_agg(id ORDER BY code) AS ids FROM org_units WHERE code LIKE 'BENCH-B%-S%')
UPDATE tickets t SET org_unit_id = s.ids[1 + (t.id / 2) % 24]
FROM s WHERE t.id % 2 = 0 AND t.org_unit_id IS NULL;
ANALYZE tickets;
ANALYZE org_units;
