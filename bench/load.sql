-- Bulk-load tickets for benchmarks:
--
--     psql -v n=1000000 -f bench/load.sql
--
-- Needs the migrations; the demo data may or may not be there. Adds (once)
-- 200 bench pharmacies with one customer each and three staff users, then n
-- tickets spread over the last two years, each with its 'created' activity;
-- about a third get a public reply and one in eight an internal note, naming
-- a drug, a printer or a bank, so that searches have realistic result sizes.
-- Ticket numbers continue each year's number sequence, and the sequences are
-- moved past them, so tickets created live afterwards do not collide.
-- Running it again adds another n tickets.
--
-- A large load goes in slices, each its own transaction, so that no single
-- one holds the whole of it (bench/run does this past a million):
--
--     psql -v n=1000000 -v slice=K -v slices=S -f bench/load.sql
--
-- for K from 0 to S-1, in order, each n tickets; slice K draws its creation
-- times from the K-th S-th of the two years' distribution, so that the
-- slices together are one load in creation order. The first slice sets the
-- load up (indexes dropped, triggers off), the last one finishes it (search
-- rows, service levels, counts, indexes, compaction); between them the
-- state lives in the tables bench_index and bench_state.

\set ON_ERROR_STOP on
\if :{?n}
\else
    \set n 100000
\endif
\if :{?slices}
\else
    \set slice 0
    \set slices 1
\endif
SELECT :slice = 0 AS bench_first, :slice = :slices - 1 AS bench_last,
       :slice >= 0 AND :slice < :slices AS bench_slice_ok \gset
\if :bench_slice_ok
\else
    \echo 'slice must be from 0 to slices - 1'
    \quit
\endif

-- Nothing here needs to survive a crash before the checkpoint; a lost load
-- is simply rerun.
SET synchronous_commit = off;
SET maintenance_work_mem = '512MB';
SET work_mem = '256MB';
-- Compiling the generator costs more than it saves at these row counts.
SET jit = off;

\timing on

BEGIN;

INSERT INTO pharmacies (code, name, address, city, phone)
SELECT format('BENCH-%s', lpad(i::text, 4, '0')),
       format('Apotek Bench %s', i),
       format('Jl. Pengujian No. %s', i),
       (ARRAY['Jakarta', 'Bandung', 'Surabaya', 'Medan', 'Semarang', 'Makassar',
              'Yogyakarta', 'Denpasar'])[1 + i % 8],
       format('(021) 5550 %s', lpad(i::text, 4, '0'))
FROM generate_series(1, 200) i
ON CONFLICT (code) DO NOTHING;

INSERT INTO users (username, name, email, role_id, pharmacy_id)
SELECT format('bench_c%s', substr(p.code, 7)),
       format('Customer %s', p.name),
       format('bench_c%s@bench.example.org', substr(p.code, 7)),
       4, p.id
FROM pharmacies p
WHERE p.code ~ '^BENCH-[0-9]{4}$'
ON CONFLICT (username) DO NOTHING;

INSERT INTO users (username, name, email, role_id) VALUES
    ('bench_admin',  'Bench Admin',  'bench_admin@bench.example.org',  1),
    ('bench_expert', 'Bench Expert', 'bench_expert@bench.example.org', 2),
    ('bench_tech',   'Bench Tech',   'bench_tech@bench.example.org',   3)
ON CONFLICT (username) DO NOTHING;

-- Numbering reads the year sequences and then moves them past the load: the
-- benchmark loads before the server takes requests.

-- When the load at least doubles the table, building the secondary indexes
-- once afterwards is much cheaper than updating them row by row. They are
-- recreated from their own catalogue definitions (pg_get_indexdef), so they
-- come back exactly as the migrations made them, under the same names; the
-- primary key and the unique ticket number stay throughout. In one slice
-- all of it is one transaction: a failed load leaves the indexes as they
-- were; in several, a failed slice leaves them dropped until a load
-- finishes (bench/run then loads afresh).
\if :bench_first
SELECT :n::bigint * :slices >= (SELECT count(*) FROM tickets) AS bench_rebuild \gset
\if :bench_rebuild
CREATE TABLE bench_index AS
SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
FROM pg_index i
WHERE i.indrelid IN ('tickets'::regclass, 'ticket_search'::regclass)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid);

DO $$
DECLARE
    ix record;
BEGIN
    FOR ix IN SELECT name FROM bench_index LOOP
        EXECUTE 'DROP INDEX ' || ix.name;
    END LOOP;
END
$$;
\endif
-- where the load's tickets start, for the last slice
CREATE TABLE bench_state AS SELECT coalesce(max(id), 0) + 1 AS lo FROM tickets;
\else
SELECT to_regclass('bench_index') IS NOT NULL AS bench_rebuild \gset
\endif

-- The search rows (migration 0011) are computed once at the end, for all the
-- new tickets and their replies together, rather than by the triggers row by
-- row; so are the dashboard's counts (migration 0017).
SELECT coalesce(max(id), 0) + 1 AS bench_lo FROM tickets \gset
\if :bench_first
ALTER TABLE tickets DISABLE TRIGGER tickets_search_insert;
ALTER TABLE tickets DISABLE TRIGGER tickets_dashboard_insert;
ALTER TABLE ticket_activities DISABLE TRIGGER ticket_activities_search;
-- history notifies nobody: no outbox event for what the load writes
ALTER TABLE ticket_activities DISABLE TRIGGER ticket_activities_notify;
-- The service levels (migrations 0030-0032) are replayed from the timelines
-- once at the end, as the migration does for an existing database, rather
-- than computed row by row and then corrected by every reply.
ALTER TABLE tickets DISABLE TRIGGER tickets_sla_insert;
ALTER TABLE tickets DISABLE TRIGGER tickets_sla_compliance_insert;
ALTER TABLE ticket_activities DISABLE TRIGGER ticket_activities_sla;
-- The reports' facts (migration 0040) are counted once at the end too.
ALTER TABLE tickets DISABLE TRIGGER tickets_report_insert;
ALTER TABLE ticket_activities DISABLE TRIGGER ticket_activities_report;
ALTER TABLE ticket_activities DISABLE TRIGGER ticket_activities_rating;
\endif

-- Twelve kinds of problem; topic picks what a reply talks about.
CREATE TEMP TABLE bench_template (n int PRIMARY KEY, title text, body text, topic text) ON COMMIT DROP;
INSERT INTO bench_template VALUES
    (0,  'Struk tidak tercetak setelah transaksi', 'Printer menyala dan kertas ada, tetapi struk tidak keluar setelah pembayaran.', 'printer'),
    (1,  'Stok minus pada obat fast moving', 'Stok di aplikasi negatif padahal barang fisik masih ada di rak.', 'stock'),
    (2,  'Harga resep tidak sesuai', 'Total resep racikan lebih mahal dari perhitungan manual; embalase terhitung dua kali.', 'price'),
    (3,  'Laporan penjualan harian tidak sesuai dengan kas', 'Total laporan berbeda dengan uang di laci kasir saat tutup shift.', 'other'),
    (4,  'Aplikasi kasir lambat saat jam ramai', 'Pencarian obat butuh lebih dari sepuluh detik per item saat antrean panjang.', 'other'),
    (5,  'Faktur pembelian tidak bisa disimpan', 'Tombol Simpan tidak merespons untuk faktur dengan banyak item.', 'other'),
    (6,  'Pembayaran QRIS tidak tercatat', 'Notifikasi pembayaran masuk tetapi transaksi masih berstatus belum dibayar.', 'bank'),
    (7,  'Stok opname tidak bisa diposting', 'Muncul pesan terjadi kesalahan saat posting hasil stok opname.', 'stock'),
    (8,  'Diskon member tidak terpotong', 'Pelanggan member tidak mendapat diskon walaupun kartu sudah di-scan.', 'other'),
    (9,  'Printer struk tidak terdeteksi', 'Printer USB bisa test print dari Windows tetapi tidak muncul di aplikasi.', 'printer'),
    (10, 'Mohon fitur cetak etiket resep', 'Etiket aturan pakai ingin dicetak langsung dari layar resep.', 'other'),
    (11, 'Backup database otomatis gagal', 'Backup malam hari selalu gagal sejak minggu lalu walaupun disk masih cukup.', 'other');

-- Pharmacy k (by code) is drawn with a heavily skewed probability so that a
-- few pharmacies own most tickets, as busy branches do; the per-pharmacy
-- filters are then measured on both large and small result sets.
CREATE TEMP TABLE bench_pharmacy ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY p.code)::int AS k, p.id AS pharmacy_id, u.id AS customer_id
FROM pharmacies p
JOIN users u ON u.username = format('bench_c%s', substr(p.code, 7))
WHERE p.code ~ '^BENCH-[0-9]{4}$';

CREATE TEMP TABLE bench_ref ON COMMIT DROP AS
SELECT (SELECT array_agg(id ORDER BY id) FROM ticket_categories WHERE active) AS categories,
       (SELECT array_agg(id ORDER BY id) FROM ticket_modules WHERE active) AS modules,
       (SELECT count(*) FROM bench_pharmacy)::int AS pharmacies,
       (SELECT id FROM users WHERE username = 'bench_admin') AS admin_id,
       (SELECT id FROM users WHERE username = 'bench_expert') AS expert_id,
       (SELECT id FROM users WHERE username = 'bench_tech') AS tech_id;

-- One pass: draw the random attributes, number the tickets per Jakarta year
-- in creation order, insert them sorted by creation time (most indexes end
-- in created_at, id, so they are then appended to rather than scattered),
-- and add each ticket's 'created' activity from the RETURNING rows.
WITH drawn AS (
    SELECT
        -- ticket volume grows over the two years: twice as many a day now
        -- as at the start
        now() - interval '730 days' * (1 - sqrt(0.25 + 0.75 * (:slice + random()) / :slices)) / 0.5
            AS created_at,
        random() AS r_pharmacy, random() AS r_status, random() AS r_priority,
        random() AS r_source, random() AS r_category, random() AS r_module,
        random() AS r_title, random() AS r_version, random() AS r_response,
        random() AS r_solve, random() AS r_close,
        i
    FROM generate_series(1, :n) i
),
shaped AS (
    SELECT d.*,
           extract(year FROM d.created_at AT TIME ZONE 'Asia/Jakarta')::int AS year,
           CASE WHEN r_status < 0.10 THEN 'open'
                WHEN r_status < 0.14 THEN 'in_review'
                WHEN r_status < 0.20 THEN 'in_progress'
                WHEN r_status < 0.23 THEN 'waiting_customer'
                WHEN r_status < 0.28 THEN 'solved'
                WHEN r_status < 0.33 THEN 'cancelled'
                ELSE 'closed' END AS status,
           CASE WHEN r_priority < 0.20 THEN 'low'
                WHEN r_priority < 0.65 THEN 'medium'
                WHEN r_priority < 0.90 THEN 'high'
                ELSE 'urgent' END AS priority,
           CASE WHEN r_source < 0.80 THEN 'customer'
                WHEN r_source < 0.95 THEN 'team_expert'
                ELSE 'internal' END AS source,
           least(1 + floor(power(r_pharmacy, 2.5) * ref.pharmacies)::int, ref.pharmacies) AS k
    FROM drawn d CROSS JOIN bench_ref ref
),
timed AS (
    SELECT s.*,
           CASE WHEN s.status <> 'open'
                THEN least(now(), s.created_at + interval '8 hours' * r_response) END AS first_response_at,
           CASE WHEN s.status IN ('solved', 'closed')
                THEN least(now(), s.created_at + interval '8 hours' * r_response
                                  + interval '1 hour' + interval '5 days' * r_solve * r_solve) END AS solved_at
    FROM shaped s
),
finished AS (
    SELECT t.*,
           CASE WHEN t.status = 'closed'
                     THEN least(now(), t.solved_at + interval '3 days' * r_close)
                WHEN t.status = 'cancelled'
                     THEN t.first_response_at END AS closed_at
    FROM timed t
),
numbered AS (
    SELECT f.*,
           pd_ticket_seq_last(f.year)
           + row_number() OVER (PARTITION BY f.year ORDER BY f.created_at, f.i) AS seq
    FROM finished f
),
ins AS (
    INSERT INTO tickets (number, pharmacy_id, pic_name, contact, app_version, module_id,
                         category_id, title, description, priority, status, source,
                         customer_id, expert_id, tech_id, created_by, version,
                         created_at, updated_at, first_response_at, solved_at, closed_at)
    -- at least six digits, more once a year passes 999999 tickets
    SELECT pd_ticket_number('PD', f.year, f.seq),
           bp.pharmacy_id,
           format('PIC Bench %s', f.k),
           format('0812-%s-%s', lpad(f.k::text, 4, '0'), lpad((f.i % 10000)::text, 4, '0')),
           (ARRAY['4.1.3', '4.2.0', '4.2.1', '4.3.0', '4.3.2'])[1 + floor(r_version * 5)::int],
           ref.modules[1 + floor(r_module * cardinality(ref.modules))::int],
           ref.categories[1 + floor(r_category * cardinality(ref.categories))::int],
           tpl.title,
           tpl.title || '. ' || tpl.body,
           f.priority, f.status, f.source,
           CASE WHEN f.source = 'customer' THEN bp.customer_id END,
           CASE WHEN f.status <> 'open' THEN ref.expert_id END,
           CASE WHEN f.status IN ('in_progress', 'waiting_customer', 'solved', 'closed')
                THEN ref.tech_id END,
           CASE f.source WHEN 'customer' THEN bp.customer_id
                         WHEN 'team_expert' THEN ref.expert_id
                         ELSE ref.admin_id END,
           -- 1 + the changes a ticket in this status has been through
           CASE f.status WHEN 'open' THEN 1 WHEN 'in_review' THEN 3 WHEN 'cancelled' THEN 3
                         WHEN 'in_progress' THEN 5 WHEN 'waiting_customer' THEN 6
                         WHEN 'solved' THEN 6 ELSE 7 END,
           f.created_at,
           greatest(f.created_at, f.first_response_at, f.solved_at, f.closed_at),
           f.first_response_at, f.solved_at, f.closed_at
    FROM numbered f
    CROSS JOIN bench_ref ref
    JOIN bench_pharmacy bp ON bp.k = f.k
    JOIN bench_template tpl ON tpl.n = floor(f.r_title * 12)::int
    ORDER BY f.created_at, f.i
    RETURNING id, created_by, created_at
)
-- Each timeline entry is numbered here (migration 0020), so that the
-- numbering trigger has nothing to look up row by row. A ticket is created
-- open, as the API creates it.
INSERT INTO ticket_activities (ticket_id, user_id, kind, new_value, created_at, seq, public_seq)
SELECT id, created_by, 'created', 'open', created_at, 1, 1
FROM ins
ORDER BY id;

-- Replies (public) from the tech, and internal notes from the expert, on
-- tickets someone has answered. Each names one of 80 drugs, 6 printers or
-- 8 banks by the ticket's topic, so that "stok amoxicillin" finds some
-- hundreds of tickets in a million, as a real search would.
WITH answered AS (
    SELECT t.id, t.first_response_at, tpl.topic, random() AS r_reply, random() AS r_note,
           random() AS r_word, random() AS r_time
    FROM tickets t
    JOIN bench_template tpl ON tpl.title = t.title
    WHERE t.id >= :bench_lo AND t.first_response_at IS NOT NULL
),
worded AS (
    SELECT a.*,
           (ARRAY['Paracetamol', 'Amoxicillin', 'Amlodipine', 'Metformin', 'Omeprazole', 'Cetirizine',
                  'Ibuprofen', 'Ciprofloxacin', 'Simvastatin', 'Captopril', 'Ranitidine', 'Lansoprazole',
                  'Dexamethasone', 'Salbutamol', 'Ambroxol', 'Loratadine', 'Cefadroxil', 'Cefixime',
                  'Azithromycin', 'Metronidazole', 'Ondansetron', 'Domperidone', 'Antasida', 'Bisoprolol',
                  'Candesartan', 'Glimepiride', 'Allopurinol', 'Meloxicam', 'Diklofenak', 'Prednison',
                  'Methylprednisolone', 'Ketoconazole', 'Miconazole', 'Betahistine', 'Furosemide',
                  'Spironolactone', 'Clopidogrel', 'Atorvastatin', 'Losartan', 'Valsartan', 'Levofloxacin',
                  'Doxycycline', 'Erythromycin', 'Clindamycin', 'Fluconazole', 'Acyclovir', 'Mebendazole',
                  'Albendazole', 'Loperamide', 'Bisacodyl', 'Laktulosa', 'Gliclazide', 'Acarbose',
                  'Nifedipine', 'Diltiazem', 'Propranolol', 'Digoxin', 'Warfarin', 'Asetosal', 'Tramadol',
                  'Kodein', 'Dekstrometorfan', 'Guaifenesin', 'Pseudoefedrin', 'Klorfeniramin',
                  'Difenhidramin', 'Hidrokortison', 'Betametason', 'Gentamisin', 'Neomisin', 'Ofloxacin',
                  'Tetrasiklin', 'Kloramfenikol', 'Nistatin', 'Sukralfat', 'Piroxicam', 'Natrium',
                  'Mecobalamin', 'Cefotaxime', 'Ceftriaxone'])[1 + floor(a.r_word * 80)::int] AS drug,
           (ARRAY['Epson TM-T82', 'Epson TM-U220', 'Xprinter XP-58', 'Zjiang ZJ-5890', 'Star TSP100',
                  'Bixolon SRP-350'])[1 + floor(a.r_word * 6)::int] AS printer,
           (ARRAY['BCA', 'Mandiri', 'BRI', 'BNI', 'GoPay', 'OVO', 'DANA', 'ShopeePay'])[1 + floor(a.r_word * 8)::int] AS bank
    FROM answered a
),
said AS (
    SELECT w.id, ref.tech_id AS user_id, 'comment' AS kind, 'public' AS visibility,
           w.first_response_at + interval '2 hours' * w.r_time AS created_at,
           CASE w.topic
               WHEN 'printer' THEN 'Sudah dicek dari jarak jauh: printer ' || w.printer
                                   || ' perlu driver terbaru. Mohon restart aplikasi kasir setelah instalasi.'
               WHEN 'stock' THEN 'Selisih stok ' || w.drug
                                 || ' berasal dari retur pembelian yang belum diposting. Sudah kami koreksi.'
               WHEN 'price' THEN 'Harga jual ' || w.drug
                                 || ' mengikuti HNA terbaru; embalase racikan sudah diperbaiki di versi 4.3.2.'
               WHEN 'bank' THEN 'Pembayaran QRIS melalui ' || w.bank
                                || ' tertunda di sisi bank dan sudah disinkronkan ulang.'
               ELSE 'Mohon kirimkan tangkapan layar pesan error dan versi aplikasi yang dipakai.'
           END AS body
    FROM worded w CROSS JOIN bench_ref ref
    WHERE w.r_reply < 0.35
    UNION ALL
    SELECT w.id, ref.expert_id, 'note', 'internal',
           w.first_response_at + interval '1 hour' * w.r_time,
           'Catatan tim: kemungkinan regresi di build terbaru, cek log server cabang dan eskalasi ke pengembang'
           || CASE WHEN w.topic IN ('stock', 'price') THEN ' (' || w.drug || ').' ELSE '.' END
    FROM worded w CROSS JOIN bench_ref ref
    WHERE w.r_note < 0.12
)
INSERT INTO ticket_activities (ticket_id, user_id, kind, body, visibility, created_at, seq, public_seq)
SELECT id, user_id, kind, body, visibility, created_at,
       1 + row_number() OVER w,
       CASE WHEN visibility = 'public' THEN 1 + count(*) FILTER (WHERE visibility = 'public') OVER w END
FROM said
WINDOW w AS (PARTITION BY id ORDER BY created_at ROWS UNBOUNDED PRECEDING)
ORDER BY id, created_at;

-- The next slice numbers on from this one's tickets.
\if :bench_last
\else
SELECT pd_ticket_seq_advance(split_part(number, '-', 2)::int,
                             max(split_part(number, '-', 3)::bigint))
FROM tickets
WHERE id >= :bench_lo AND number ~ '^PD-[0-9]{4}-[0-9]+$'
GROUP BY split_part(number, '-', 2)::int;
COMMIT;
\timing off
SELECT count(*) AS tickets FROM tickets;
\quit
\endif

SELECT lo AS bench_lo FROM bench_state \gset
DROP TABLE bench_state;
ALTER TABLE tickets ENABLE TRIGGER tickets_search_insert;
ALTER TABLE tickets ENABLE TRIGGER tickets_dashboard_insert;
ALTER TABLE ticket_activities ENABLE TRIGGER ticket_activities_search;
ALTER TABLE ticket_activities ENABLE TRIGGER ticket_activities_notify;
ALTER TABLE tickets ENABLE TRIGGER tickets_sla_insert;
ALTER TABLE tickets ENABLE TRIGGER tickets_sla_compliance_insert;
ALTER TABLE ticket_activities ENABLE TRIGGER ticket_activities_sla;
ALTER TABLE tickets ENABLE TRIGGER tickets_report_insert;
ALTER TABLE ticket_activities ENABLE TRIGGER ticket_activities_report;
ALTER TABLE ticket_activities ENABLE TRIGGER ticket_activities_rating;
SELECT pd_ticket_search_fill(:bench_lo, (SELECT max(id) FROM tickets)) AS searchable;
-- every ticket's targets from its timeline (the first reply by staff, the
-- solution), then the compliance counts from the outcomes
SELECT pd_sla_replay() AS replayed;
SELECT pd_sla_compliance_rebuild() AS outcomes;
-- and the reports' facts (migration 0040), the replay having written the
-- service level columns with the triggers off
SELECT pd_report_rebuild() AS facts;

\if :bench_rebuild
DO $$
DECLARE
    ix record;
BEGIN
    FOR ix IN SELECT definition FROM bench_index ORDER BY name LOOP
        EXECUTE ix.definition;
    END LOOP;
END
$$;
DROP TABLE bench_index;
\endif

-- Move every year's sequence past the highest number now in use, bench or not.
SELECT pd_ticket_seq_advance(split_part(number, '-', 2)::int,
                             max(split_part(number, '-', 3)::bigint))
FROM tickets
WHERE number ~ '^PD-[0-9]{4}-[0-9]+$'
GROUP BY split_part(number, '-', 2)::int;

SELECT pd_dashboard_rebuild() AS counted;

COMMIT;

-- The replay rewrote every ticket: the table is compacted, so that the
-- benchmark reads tickets as densely packed as a database that grew by
-- inserts holds them.
VACUUM FULL tickets;

ANALYZE pharmacies;
ANALYZE users;
ANALYZE tickets;
ANALYZE ticket_activities;
ANALYZE ticket_search;
ANALYZE dashboard_counts;
ANALYZE sla_compliance_counts;

\timing off
SELECT count(*) AS tickets FROM tickets;
