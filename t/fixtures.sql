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
-- They are the development provider's test accounts (idp/accounts-test.json):
-- the subject is the account's sub. An admin set their roles by hand, so
-- the claims in their tokens never change them; t/84-provisioning.t covers
-- users that the claims manage.
INSERT INTO users (username, name, email, role_id, pharmacy_id, active, subject, access_source)
SELECT u.username, u.name, u.email, u.role_id,
       (SELECT p.id FROM pharmacies p WHERE p.code = u.pharmacy_code), u.active,
       u.subject, 'admin'
FROM (VALUES
    ('admin',    'Admin Satu',       'admin@test.example.org',    1::smallint, NULL,    true, 'e5a274a5-a5b8-4f68-85b9-5d488dd3e4fc'),
    ('admin2',   'Admin Dua',        'admin2@test.example.org',   1,           NULL,    true, '7fca613b-ae78-48ed-94b5-f08e08d77311'),
    ('manager',  'Manajer Satu',     'manager@test.example.org',  5,           NULL,    true, '25d0e7be-7e6f-4ebc-986a-d7ab7bb2ddb4'),
    ('expert',   'Expert Satu',      'expert@test.example.org',   2,           NULL,    true, 'd28ecb5f-c7fe-4a14-886e-05d7cb49c328'),
    ('expert2',  'Expert Dua',       'expert2@test.example.org',  2,           NULL,    true, '595fc856-2e63-4c48-a4ad-618cefff0f4e'),
    ('tech',     'Teknisi Satu',     'tech@test.example.org',     3,           NULL,    true, 'f263fa25-8406-49af-b010-4857d48e2291'),
    ('tech2',    'Teknisi Dua',      'tech2@test.example.org',    3,           NULL,    true, '301a031b-84fb-4d07-8467-96ebec8f692a'),
    ('cust_a',   'Customer Alpha',   'cust_a@test.example.org',   4,           'APT-A', true, 'fd1ce6ee-d702-4557-9faa-6f1474ec43c8'),
    ('cust_a2',  'Customer Alpha Dua', 'cust_a2@test.example.org', 4,          'APT-A', true, '412bd609-cfae-49df-a07e-160301f37ff2'),
    ('cust_b',   'Customer Beta',    'cust_b@test.example.org',   4,           'APT-B', true, 'a453e23d-ce7f-4357-b096-494fad07220a'),
    ('inactive', 'Teknisi Nonaktif', 'inactive@test.example.org', 3,           NULL,    false, 'c5d12b69-8e88-4957-aae6-6d43817d4cb0'),
    ('norole',   'Tanpa Peran',      'norole@test.example.org',   NULL,        NULL,    true, '7daad734-2293-4a24-b9f4-be1c378a66d0')
) AS u (username, name, email, role_id, pharmacy_code, active, subject);

-- Inactive master data must stay readable on old tickets but be refused for
-- new ones; these give the tests one of each.
INSERT INTO ticket_categories (name, description, color, active) VALUES
    ('Kategori Lama', 'Tidak dipakai lagi', '#9ca3af', false);
INSERT INTO ticket_modules (name, description, color, active) VALUES
    ('Modul Lama', 'Tidak dipakai lagi', '#9ca3af', false);
