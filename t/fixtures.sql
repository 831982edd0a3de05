-- Fixtures for the server tests: loaded after the migrations into an empty
-- database. Tests find rows by pharmacy code and username, never by id, so
-- the generated ids may differ between runs. No tickets: each test creates
-- the ones it needs.

INSERT INTO pharmacies (code, name, address, city, phone, active) VALUES
    ('APT-A',   'Apotek Alpha', 'Jl. Merdeka No. 1',   'Jakarta',  '(021) 555 0101', true),
    ('APT-B',   'Apotek Beta',  'Jl. Sudirman No. 2',  'Bandung',  '(022) 555 0202', true),
    ('APT-OLD', 'Apotek Lama',  'Jl. Diponegoro No. 3', 'Surabaya', '(031) 555 0303', false);

-- One login per role, a second of each role that has ownership rules (to
-- test "someone else's ticket"), a deactivated user and one with no role.
INSERT INTO users (username, name, email, role_id, pharmacy_id, active)
SELECT u.username, u.name, u.email, u.role_id,
       (SELECT p.id FROM pharmacies p WHERE p.code = u.pharmacy_code), u.active
FROM (VALUES
    ('admin',    'Admin Satu',       'admin@test.example.org',    1::smallint, NULL,    true),
    ('admin2',   'Admin Dua',        'admin2@test.example.org',   1,           NULL,    true),
    ('manager',  'Manajer Satu',     'manager@test.example.org',  5,           NULL,    true),
    ('expert',   'Expert Satu',      'expert@test.example.org',   2,           NULL,    true),
    ('expert2',  'Expert Dua',       'expert2@test.example.org',  2,           NULL,    true),
    ('tech',     'Teknisi Satu',     'tech@test.example.org',     3,           NULL,    true),
    ('tech2',    'Teknisi Dua',      'tech2@test.example.org',    3,           NULL,    true),
    ('cust_a',   'Customer Alpha',   'cust_a@test.example.org',   4,           'APT-A', true),
    ('cust_a2',  'Customer Alpha Dua', 'cust_a2@test.example.org', 4,          'APT-A', true),
    ('cust_b',   'Customer Beta',    'cust_b@test.example.org',   4,           'APT-B', true),
    ('inactive', 'Teknisi Nonaktif', 'inactive@test.example.org', 3,           NULL,    false),
    ('norole',   'Tanpa Peran',      'norole@test.example.org',   NULL,        NULL,    true)
) AS u (username, name, email, role_id, pharmacy_code, active);

-- Inactive master data must stay readable on old tickets but be refused for
-- new ones; these give the tests one of each.
INSERT INTO ticket_categories (name, description, color, active) VALUES
    ('Kategori Lama', 'Tidak dipakai lagi', '#9ca3af', false);
INSERT INTO ticket_modules (name, description, color, active) VALUES
    ('Modul Lama', 'Tidak dipakai lagi', '#9ca3af', false);
