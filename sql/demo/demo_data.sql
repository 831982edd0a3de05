-- Demo data: pharmacies, one login per role and a few hundred tickets with
-- their timelines, so that every list, filter and dashboard has something to
-- show. Loaded once, after the migrations, into a fresh database. Times are
-- relative to now() so the demo always looks current.
--
-- The ticket generator is seeded (setseed), so two fresh loads produce the
-- same tickets apart from the dates moving with now().

-- Loading twice would duplicate tickets and make the numbers collide; refuse
-- loudly instead. Each later step also fails on its own (unique codes and
-- usernames, the ticket check below), so even a load without ON_ERROR_STOP
-- adds nothing the second time.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pharmacies) THEN
        RAISE EXCEPTION 'demo data: pharmacies already has rows; the demo is only for a fresh database';
    END IF;
END
$$;

-- The last one is inactive (closed branch) and gets no tickets: it shows up
-- only where inactive master data is listed.
INSERT INTO pharmacies (code, name, address, city, phone, active) VALUES
    ('APT-JKT-001', 'Apotek Sehat Sentosa',       'Jl. Kebon Jeruk Raya No. 27, Kebon Jeruk',              'Jakarta Barat', '(021) 5365 1123', true),
    ('APT-JKT-002', 'Apotek Kimia Sejahtera',     'Jl. Tebet Barat Dalam Raya No. 45, Tebet',              'Jakarta Selatan', '(021) 8290 4471', true),
    ('APT-BDG-001', 'Apotek Medika Farma',        'Jl. Dipati Ukur No. 112, Coblong',                      'Bandung',       '(022) 2504 8836', true),
    ('APT-SBY-001', 'Apotek Waras Abadi',         'Jl. Raya Darmo No. 88, Wonokromo',                      'Surabaya',      '(031) 5678 2290', true),
    ('APT-SMG-001', 'Apotek Sumber Husada',       'Jl. Pandanaran No. 64, Semarang Tengah',                'Semarang',      '(024) 8414 5526', true),
    ('APT-YOG-001', 'Apotek Pelita Husada',       'Jl. Kaliurang Km 5,6 No. 21, Depok, Sleman',            'Yogyakarta',    '(0274) 562 118',  true),
    ('APT-MDN-001', 'Apotek Bunda Mulia',         'Jl. Gatot Subroto No. 156, Medan Petisah',              'Medan',         '(061) 4567 3321', true),
    ('APT-MKS-001', 'Apotek Anugerah Farma',      'Jl. Boulevard Panakkukang No. 9, Panakkukang',          'Makassar',      '(0411) 442 7810', true),
    ('APT-DPS-001', 'Apotek Bali Sehat',          'Jl. Teuku Umar No. 177, Denpasar Barat',                'Denpasar',      '(0361) 226 915',  true),
    ('APT-MLG-001', 'Apotek Tugu Farma',          'Jl. Soekarno Hatta No. 23, Lowokwaru',                  'Malang',        '(0341) 491 556',  true),
    ('APT-BGR-001', 'Apotek Pakuan Medika',       'Jl. Pajajaran No. 135, Bogor Timur',                    'Bogor',         '(0251) 835 4412', true),
    ('APT-BKS-001', 'Apotek Harapan Bunda',       'Jl. Ahmad Yani No. 18, Bekasi Selatan',                 'Bekasi',        '(021) 8896 2204', true),
    ('APT-TNG-001', 'Apotek Cipta Sehat',         'Jl. Boulevard Gading Serpong Blok M5 No. 12, Kelapa Dua', 'Tangerang',   '(021) 5421 7789', true),
    ('APT-DPK-001', 'Apotek Margonda Farma',      'Jl. Margonda Raya No. 350, Beji',                       'Depok',         '(021) 7720 1935', true),
    ('APT-PLG-001', 'Apotek Musi Husada',         'Jl. Jenderal Sudirman No. 1020, Ilir Timur I',          'Palembang',     '(0711) 352 668',  true),
    ('APT-BPN-001', 'Apotek Borneo Sehat',        'Jl. MT Haryono No. 41, Balikpapan Selatan',             'Balikpapan',    '(0542) 873 205',  true),
    ('APT-PKU-001', 'Apotek Riau Medika',         'Jl. Tuanku Tambusai No. 77, Marpoyan Damai',            'Pekanbaru',     '(0761) 571 930',  true),
    ('APT-SKT-001', 'Apotek Slamet Riyadi',       'Jl. Slamet Riyadi No. 310, Laweyan',                    'Surakarta',     '(0271) 714 632',  true),
    ('APT-JKT-003', 'Apotek Kelapa Gading Farma', 'Jl. Boulevard Raya Blok QA2 No. 5, Kelapa Gading',      'Jakarta Utara', '(021) 4585 9917', true),
    ('APT-MDO-001', 'Apotek Nyiur Melambai',      'Jl. Sam Ratulangi No. 59, Wenang',                      'Manado',        '(0431) 862 447',  false);

-- The usernames are the demo logins printed by the run command; passwords
-- are set elsewhere. Only the first three pharmacies have customer logins,
-- so the others show tickets opened by the team on a pharmacy's behalf.
-- They are the development provider's demo accounts (idp/accounts.json),
-- linked by subject; their groups and pharmacy claims manage role and
-- pharmacy at every sign-in. 'tamu' has no row: the first sign-in creates it
-- with no role.
INSERT INTO users (username, name, email, role_id, pharmacy_id, active, subject, access_source)
SELECT u.username, u.name, u.email, u.role_id,
       (SELECT p.id FROM pharmacies p WHERE p.code = u.pharmacy_code), u.active, u.subject, 'claims'
FROM (VALUES
    ('admin',    'Hendra Wijaya',      'hendra.wijaya@pharmadesk.example.org',   1, NULL,          true, '374bdf05-50a3-4574-8dcb-b9fd9b06695d'),
    ('manager',  'Ratna Kusumawati',   'ratna.kusumawati@pharmadesk.example.org', 5, NULL,         true, 'f9ec800a-755c-43f7-8571-9ec66289987f'),
    ('expert1',  'Dewi Lestari',       'dewi.lestari@pharmadesk.example.org',    2, NULL,          true, '29542917-c4ec-4728-847d-37ad0617dc53'),
    ('expert2',  'Agus Santoso',       'agus.santoso@pharmadesk.example.org',    2, NULL,          true, '7d6963cd-c624-4450-98a1-209bb64e6e2c'),
    ('tech1',    'Budi Prasetyo',      'budi.prasetyo@pharmadesk.example.org',   3, NULL,          true, 'aa17d39c-32de-4611-af02-6c6f06086dca'),
    ('tech2',    'Fajar Nugroho',      'fajar.nugroho@pharmadesk.example.org',   3, NULL,          true, 'd3b66380-06c0-4bb2-b928-15f1a2cd3f69'),
    ('tech3',    'Yusuf Hidayat',      'yusuf.hidayat@pharmadesk.example.org',   3, NULL,          true, '03231ff1-50ce-49f8-9a12-40311c62e8c9'),
    ('apotek1',  'Rina Marlina',       'rina.marlina@sehatsentosa.example.org',  4, 'APT-JKT-001', true, '6dd1cdf2-6620-40f4-962f-79ab1bbb2583'),
    ('apotek1b', 'Siti Rahmawati',     'siti.rahmawati@sehatsentosa.example.org', 4, 'APT-JKT-001', true, '0d3bd873-6b7b-4c92-86a8-7c6069103eb3'),
    ('apotek2',  'Maya Anggraini',     'maya.anggraini@kimiasejahtera.example.org', 4, 'APT-JKT-002', true, '98efdb90-8a04-4ecf-8026-dc4adf13c9db'),
    ('apotek3',  'Taufik Rahman',      'taufik.rahman@medikafarma.example.org',  4, 'APT-BDG-001', true, '154d20c1-014e-4038-8827-83cdcfc867e9'),
    ('former',   'Eko Saputra',        'eko.saputra@pharmadesk.example.org',     3, NULL,          false, '82c83487-5afa-4f9c-afab-4902401154ad'),
    ('resepsionis', 'Sri Wahyuni',     'sri.wahyuni@diskominfo.example.go.id',   2, NULL,          true, 'e29c2d34-49f8-4c8d-b78b-36acaa7adfa2'),
    ('operator1', 'Andi Firmansyah',   'andi.firmansyah@diskominfo.example.go.id', 3, NULL,        true, 'f34dbb04-f6cf-41b1-8f82-d4bcbef562bc'),
    ('operator2', 'Lina Marlinda',     'lina.marlinda@diskominfo.example.go.id', 3, NULL,          true, '7e107b0f-ad63-43ef-ba42-8cc042777f65')
) AS u (username, name, email, role_id, pharmacy_code, active, subject);

-- Master data predates the oldest demo ticket; the departed tech left after
-- the tickets he worked on (older than about 45 days) were done.
UPDATE pharmacies p
SET created_at = now() - make_interval(days => 200 - 2 * s.rn::int),
    updated_at = CASE WHEN p.active THEN now() - make_interval(days => 200 - 2 * s.rn::int)
                      ELSE now() - interval '30 days' END
FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM pharmacies) s
WHERE p.id = s.id;

UPDATE users u
SET created_at = coalesce(p.created_at + interval '1 day', now() - interval '210 days'),
    updated_at = CASE WHEN u.active THEN coalesce(p.created_at + interval '1 day', now() - interval '210 days')
                      ELSE now() - interval '30 days' END
FROM users x
LEFT JOIN pharmacies p ON p.id = x.pharmacy_id
WHERE x.id = u.id;

-- Scratch space for the generator: the tickets and their timelines are
-- planned first, then inserted set-wise, because the ticket row needs times
-- (first response, solved, closed) that only the finished timeline knows.
CREATE TEMP TABLE demo_ticket (
    n           integer PRIMARY KEY,
    created_at  timestamptz NOT NULL,
    pharmacy_id bigint NOT NULL,
    pic_name    text NOT NULL,
    contact     text NOT NULL,
    app_version text NOT NULL,
    module_id   bigint NOT NULL,
    category_id bigint NOT NULL,
    title       text NOT NULL,
    description text NOT NULL,
    priority    text NOT NULL,
    status      text NOT NULL,
    source      text NOT NULL,
    customer_id bigint,
    expert_id   bigint,
    tech_id     bigint,
    created_by  bigint
);

-- gap is the delay after the previous event; gaps of young tickets are
-- squeezed later so that no timeline reaches into the future.
CREATE TEMP TABLE demo_event (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    n          integer NOT NULL,
    kind       text NOT NULL,
    field      text,
    old_value  text,
    new_value  text,
    body       text,
    visibility text NOT NULL,
    user_id    bigint,
    gap        interval NOT NULL,
    is_change  boolean NOT NULL,   -- counts towards tickets.version
    is_staff   boolean NOT NULL    -- may be the first response
);

CREATE FUNCTION pg_temp.demo_event(
    p_n integer, p_kind text, p_field text, p_old text, p_new text, p_body text,
    p_visibility text, p_user bigint, p_min_minutes double precision,
    p_max_minutes double precision, p_change boolean, p_staff boolean)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO demo_event (n, kind, field, old_value, new_value, body, visibility,
                            user_id, gap, is_change, is_staff)
    VALUES (p_n, p_kind, p_field, p_old, p_new, p_body, p_visibility, p_user,
            make_interval(secs => 60 * (p_min_minutes + random() * (p_max_minutes - p_min_minutes))),
            p_change, p_staff);
$$;

CREATE FUNCTION pg_temp.demo_pick(a anyarray) RETURNS anyelement
LANGUAGE sql AS $$ SELECT a[1 + floor(random() * cardinality(a))::int] $$;

DO $demo$
DECLARE
    -- title, description, module, category. Placeholders: %1$s a product,
    -- %2$s a sales transaction number, %3$s an amount in rupiah, %4$s a time
    -- of day, %5$s a quantity, %6$s a purchase invoice number.
    tpl text[] := ARRAY[
        ['Struk tidak tercetak setelah transaksi',
         'Setelah pembayaran tunai diterima, struk tidak keluar dari printer kasir. Printer menyala dan kertas masih ada. Transaksi %2$s tersimpan, tetapi struk harus dicetak ulang manual. Kejadian mulai sekitar jam %4$s.',
         'Penjualan', 'Bug Sistem'],
        ['Struk tercetak dua kali',
         'Setiap selesai transaksi, struk tercetak dua kali sehingga kertas printer cepat habis. Contoh di transaksi %2$s. Pengaturan jumlah salinan di aplikasi sudah 1.',
         'Penjualan', 'Bug Sistem'],
        ['Stok minus pada %1$s',
         'Stok %1$s di aplikasi tercatat -%5$s, padahal barang fisik masih ada di rak. Sepertinya penerimaan barang dari faktur %6$s tidak menambah stok.',
         'Stok', 'Error Data'],
        ['Harga resep tidak sesuai',
         'Total resep pada transaksi %2$s tercatat Rp %3$s, lebih mahal dari perhitungan manual. Sepertinya embalase dan tuslah racikan terhitung dua kali.',
         'Resep', 'Bug Sistem'],
        ['Laporan penjualan harian tidak sesuai dengan kas',
         'Total laporan penjualan harian berbeda Rp %3$s dengan uang di laci kasir saat tutup shift. Transaksi retur sepertinya tidak mengurangi total di laporan.',
         'Laporan', 'Error Data'],
        ['Aplikasi kasir sangat lambat saat jam ramai',
         'Sejak sekitar jam %4$s pencarian obat di layar kasir butuh 10 sampai 15 detik per item. Antrean pelanggan jadi panjang. Koneksi internet normal.',
         'Penjualan', 'Bug Sistem'],
        ['Tidak bisa login setelah ganti password',
         'Salah satu kasir kami tidak bisa masuk aplikasi setelah mengganti password kemarin. Muncul pesan "username atau password salah" walaupun password sudah benar.',
         'Pengaturan', 'Operasional Apotek'],
        ['Diskon member tidak terpotong',
         'Pelanggan member seharusnya mendapat diskon 5%%, tetapi pada transaksi %2$s total tetap harga normal Rp %3$s. Kartu member sudah di-scan.',
         'Penjualan', 'Bug Sistem'],
        ['Faktur pembelian tidak bisa disimpan',
         'Saat input faktur %6$s dari PBF, tombol Simpan tidak merespons. Faktur berisi %5$s item. Faktur lain dengan item lebih sedikit bisa disimpan.',
         'Pembelian', 'Bug Sistem'],
        ['Tanggal kedaluwarsa tidak tersimpan saat penerimaan barang',
         'Tanggal kedaluwarsa %1$s sudah diisi di penerimaan faktur %6$s, tetapi setelah disimpan kosong lagi. Akibatnya laporan obat ED tidak akurat.',
         'Pembelian', 'Error Data'],
        ['Mohon fitur cetak etiket dari layar resep',
         'Kami ingin bisa mencetak etiket aturan pakai langsung dari layar resep, tanpa menulis manual. Saat ini asisten apoteker menulis sekitar %5$s etiket per hari.',
         'Resep', 'Improvement Fitur'],
        ['Usulan laporan obat mendekati kedaluwarsa',
         'Mohon ditambahkan laporan daftar obat yang akan kedaluwarsa dalam 3 bulan ke depan, bisa difilter per rak dan per pemasok, supaya bisa diretur tepat waktu.',
         'Laporan', 'Improvement Fitur'],
        ['Stok opname tidak bisa diposting',
         'Stok opname bulan ini sudah selesai diinput (%5$s item), tetapi saat diposting muncul pesan "terjadi kesalahan" tanpa keterangan. Penjualan jadi tertahan.',
         'Stok', 'Bug Sistem'],
        ['Selisih stok %1$s setelah stok opname',
         'Setelah posting stok opname, stok %1$s di aplikasi selisih %5$s dari hasil hitung fisik. Sebelum opname angkanya sudah sesuai.',
         'Stok', 'Error Data'],
        ['Harga jual %1$s berubah sendiri',
         'Harga jual %1$s di master obat berubah menjadi Rp %3$s tanpa ada yang mengubah. Pelanggan komplain karena harga di struk berbeda dengan label rak.',
         'Master Data', 'Error Data'],
        ['Data pemasok muncul dobel',
         'Nama PBF yang sama muncul dua kali di daftar pemasok, sehingga hutang dagang terpecah di dua kartu. Mohon dibantu digabungkan.',
         'Master Data', 'Error Data'],
        ['Printer struk tidak terdeteksi setelah ganti komputer',
         'Komputer kasir baru saja diganti. Printer struk USB sudah terpasang dan bisa test print dari Windows, tetapi di aplikasi tidak muncul di daftar printer.',
         'Pengaturan', 'Operasional Apotek'],
        ['Cara retur penjualan yang sudah dibayar',
         'Pelanggan mengembalikan %1$s dari transaksi %2$s karena salah beli. Bagaimana cara input retur penjualan supaya stok dan kas ikut terkoreksi?',
         'Penjualan', 'Operasional Apotek'],
        ['Cara input resep racikan puyer',
         'Kami kesulitan menginput resep racikan puyer %5$s bungkus yang berisi tiga macam obat. Mohon panduan cara input yang benar agar harga dan stok sesuai.',
         'Resep', 'Operasional Apotek'],
        ['Pembayaran QRIS tidak tercatat',
         'Pelanggan sudah membayar Rp %3$s via QRIS dan notifikasi masuk di HP, tetapi di aplikasi transaksi %2$s masih berstatus belum dibayar.',
         'Penjualan', 'Bug Sistem'],
        ['Laporan PPN bulanan gagal diekspor ke Excel',
         'Saat ekspor laporan PPN bulan lalu ke Excel, proses berhenti di tengah dan file yang terunduh kosong. Laporan bulan-bulan sebelumnya bisa diekspor.',
         'Laporan', 'Bug Sistem'],
        ['Mutasi stok antar cabang belum masuk',
         'Mutasi %5$s item dari cabang pusat sudah dikirim kemarin, tetapi di cabang kami belum muncul untuk diterima. Termasuk %1$s yang stoknya sudah menipis.',
         'Stok', 'Error Data'],
        ['Nomor batch tidak tersimpan di penerimaan barang',
         'Nomor batch %1$s pada faktur %6$s tidak tersimpan. Kami perlu nomor batch untuk penelusuran jika ada penarikan obat dari BPOM.',
         'Pembelian', 'Bug Sistem'],
        ['Mohon tambah shortcut keyboard di layar kasir',
         'Kasir kami lebih cepat memakai keyboard. Mohon ditambahkan shortcut untuk pembayaran, diskon dan cetak ulang struk tanpa harus klik mouse.',
         'Penjualan', 'Improvement Fitur'],
        ['Satuan %1$s salah (strip dan tablet tertukar)',
         'Di master obat, satuan jual %1$s tertukar antara strip dan tablet, sehingga penjualan 1 strip mengurangi stok 1 tablet. Stok jadi tidak sesuai.',
         'Master Data', 'Error Data'],
        ['Kasir bisa mengubah harga jual di layar penjualan',
         'Kami menemukan pengguna dengan peran kasir bisa mengubah harga jual langsung di layar penjualan. Seharusnya hanya apoteker penanggung jawab yang boleh.',
         'Pengaturan', 'Bug Sistem'],
        ['Format laporan narkotika dan psikotropika untuk SIPNAP',
         'Mohon laporan narkotika dan psikotropika bisa diekspor sesuai format upload SIPNAP, supaya tidak perlu input ulang setiap bulan.',
         'Laporan', 'Improvement Fitur'],
        ['Tutup kasir (closing shift) gagal',
         'Saat closing shift jam %4$s muncul pesan gagal menyimpan. Shift berikutnya tidak bisa dibuka sehingga kasir memakai akun yang sama.',
         'Penjualan', 'Bug Sistem'],
        ['Pesanan ke PBF terkirim dobel',
         'Surat pesanan ke PBF terkirim dua kali dengan isi yang sama (%5$s item). PBF mengirim barang dua kali dan kami harus retur.',
         'Pembelian', 'Error Data'],
        ['Backup database otomatis gagal setiap malam',
         'Notifikasi backup otomatis jam 23.00 selalu gagal sejak minggu lalu. Ruang disk masih cukup. Mohon dicek agar data aman.',
         'Pengaturan', 'Lainnya'],
        ['Permintaan pelatihan untuk kasir baru',
         'Kami ada dua kasir baru mulai minggu depan. Mohon dijadwalkan pelatihan singkat penggunaan aplikasi kasir, retur dan closing shift.',
         'Penjualan', 'Lainnya'],
        ['Tampilan layar terpotong di monitor baru',
         'Setelah ganti monitor, tampilan layar kasir terpotong di sisi kanan sehingga tombol Bayar tidak terlihat. Resolusi monitor 1366x768.',
         'Pengaturan', 'Lainnya'],
        ['Copy resep tidak bisa dicetak',
         'Saat mencetak copy resep untuk pasien dari transaksi %2$s, muncul halaman kosong. Resep lain juga sama sejak update aplikasi terakhir.',
         'Resep', 'Bug Sistem'],
        ['Resep pasien asuransi memakai harga umum',
         'Tagihan resep pasien asuransi pada transaksi %2$s memakai harga umum Rp %3$s, bukan harga kontrak. Padahal jenis pasien sudah dipilih asuransi.',
         'Resep', 'Error Data'],
        ['Laporan laba rugi bulan ini minus',
         'Laporan laba rugi bulan ini menunjukkan rugi Rp %3$s, padahal penjualan normal. Sepertinya HPP %1$s terhitung dengan harga beli yang salah.',
         'Laporan', 'Error Data'],
        ['Barcode %1$s tidak terbaca di kasir',
         'Barcode kemasan baru %1$s tidak dikenali saat di-scan di kasir, harus dicari manual. Kemasan lama masih bisa di-scan.',
         'Master Data', 'Operasional Apotek'],
        ['Usulan pengingat stok minimum',
         'Mohon ada notifikasi saat stok obat fast moving seperti %1$s sudah di bawah stok minimum, supaya bisa segera dipesan ke PBF.',
         'Stok', 'Improvement Fitur'],
        ['Mohon fitur impor katalog harga dari PBF',
         'Setiap bulan harga beli dari PBF berubah. Mohon ada fitur impor file Excel katalog harga agar tidak perlu mengubah %5$s item satu per satu.',
         'Pembelian', 'Improvement Fitur'],
        ['Pencarian obat berdasarkan zat aktif tidak muncul',
         'Saat mencari berdasarkan zat aktif, misalnya %1$s, hasil pencarian kosong padahal obatnya ada di master. Pencarian nama dagang normal.',
         'Master Data', 'Bug Sistem'],
        ['Laporan stok per rak tidak sesuai',
         'Laporan stok per rak menampilkan %1$s di rak yang salah setelah penataan ulang gudang. Data lokasi rak di master sudah diubah.',
         'Laporan', 'Lainnya']
    ];
    products text[] := ARRAY[
        'Paracetamol 500 mg', 'Amoxicillin 500 mg', 'Amlodipine 10 mg', 'Metformin 500 mg',
        'Omeprazole 20 mg', 'Cetirizine 10 mg', 'Salbutamol 2 mg', 'Ibuprofen 400 mg',
        'Simvastatin 20 mg', 'Captopril 25 mg', 'Ambroxol 30 mg', 'Vitamin C 500 mg',
        'Antasida Doen', 'OBH Combi sirup 100 ml', 'Promag tablet', 'Bodrex', 'Sanmol sirup',
        'Dexamethasone 0,5 mg', 'Lansoprazole 30 mg', 'Ciprofloxacin 500 mg', 'Neurobion',
        'Betadine 30 ml', 'Hufagrip sirup', 'Mefenamic Acid 500 mg'];
    pic_names text[] := ARRAY[
        'Apt. Nurul Hidayah', 'Lina Kartika', 'Apt. Bambang Sutrisno', 'Indah Permatasari',
        'Rudi Hartono', 'Apt. Sri Wahyuni', 'Dian Puspitasari', 'Yoga Pratama', 'Apt. Wulan Sari',
        'Andi Firmansyah', 'Novi Handayani', 'Apt. Made Suartini', 'Putu Ayu Lestari',
        'Irfan Maulana', 'Apt. Ahmad Fauzi', 'Lestari Ningsih', 'Hadi Gunawan', 'Apt. Fitri Amelia',
        'Reza Kurniawan', 'Ayu Wandira'];
    versions text[] := ARRAY['4.1.3', '4.2.0', '4.2.1', '4.3.0', '4.3.2'];
    c_info text[] := ARRAY[
        'Sudah dicoba restart komputer kasir, tetapi masih sama.',
        'Tambahan: masalah ini terjadi di dua komputer kasir sekaligus.',
        'Screenshot pesan error sudah saya kirim lewat WhatsApp ke CS.',
        'Mohon dibantu secepatnya ya, pelanggan sedang ramai.',
        'Kemarin masih normal, baru hari ini muncul masalahnya.'];
    c_chase text[] := ARRAY[
        'Mohon info perkembangannya, kendala masih terjadi.',
        'Apakah sudah ada kabar? Kasir masih mencatat manual.',
        'Halo, tiket ini belum ada tanggapan. Mohon dibantu.'];
    s_ack text[] := ARRAY[
        'Terima kasih laporannya, tiket sedang kami pelajari.',
        'Sudah kami teruskan ke tim teknis, mohon ditunggu.',
        'Masalah berhasil kami reproduksi, perbaikannya sedang dikerjakan.',
        'Baik, kami cek dulu datanya ya.'];
    s_ask text[] := ARRAY[
        'Mohon dikirimkan foto struk dan screenshot layar saat error muncul.',
        'Bisa dibantu informasikan nomor transaksi yang bermasalah dan jam kejadiannya?',
        'Mohon pastikan aplikasi sudah versi terbaru, lalu coba lagi dan kabari hasilnya.',
        'Kami perlu akses remote ke komputer kasir, mohon kirimkan ID AnyDesk dan jam yang memungkinkan.'];
    c_reply text[] := ARRAY[
        'Sudah saya kirim fotonya, silakan dicek.',
        'Nomor transaksinya sudah saya tulis di deskripsi, kejadian sekitar jam 10 pagi.',
        'Sudah update ke versi terbaru, masalah masih muncul.',
        'ID AnyDesk sudah dikirim via WhatsApp, bisa di-remote setelah jam 2 siang.'];
    s_relay text[] := ARRAY[
        'Pihak apotek sudah mengirimkan data yang diminta melalui telepon.',
        'Sudah dikonfirmasi dengan apoteker penanggung jawab, data terlampir di catatan.',
        'Apotek sudah mengizinkan akses remote, dilanjutkan pengecekan.'];
    s_solved text[] := ARRAY[
        'Sudah kami perbaiki. Silakan dicoba kembali dan kabari jika masih ada kendala.',
        'Perbaikan sudah dirilis di versi 4.3.2, mohon update aplikasi lalu restart.',
        'Data sudah kami koreksi, stok sekarang sudah sesuai dengan fisik.',
        'Pengaturan printer sudah kami sesuaikan melalui remote, struk sudah tercetak normal.',
        'Panduan langkah-langkahnya sudah kami kirimkan, mohon diikuti.',
        'Harga dan perhitungan sudah kami sesuaikan, silakan cek transaksi berikutnya.'];
    c_thanks text[] := ARRAY[
        'Sudah normal kembali, terima kasih banyak.',
        'Sudah dicoba dan berhasil, tiket boleh ditutup.',
        'Oke, sekarang sudah sesuai. Terima kasih atas bantuannya.'];
    s_note text[] := ARRAY[
        'Reproduksi di staging: terjadi jika transaksi memakai diskon dan pembayaran split.',
        'Kemungkinan terkait perubahan pembulatan di rilis 4.3.0.',
        'Cek log printer: driver ESC/POS tidak cocok setelah update Windows.',
        'Penerimaan faktur tercatat dua kali, perlu koreksi data manual.',
        'Sudah dikonfirmasi dengan tim produk, usulan masuk backlog rilis berikutnya.',
        'Apotek ini pelanggan prioritas, mohon dipantau sampai selesai.',
        'Mirip dengan kasus di apotek lain bulan lalu, coba solusi yang sama.',
        'Query laporan lambat karena indeks belum ada di database lokal apotek.'];
    s_cancel text[] := ARRAY[
        'Tiket duplikat, kendala yang sama sudah ditangani di tiket lain.',
        'Pihak apotek mengonfirmasi masalah sudah teratasi sendiri, tiket dibatalkan.',
        'Bukan kendala aplikasi (jaringan internet apotek terputus), tiket dibatalkan.'];

    n_tickets constant integer := 400;
    times timestamptz[];
    pharm bigint[];
    experts bigint[];
    techs bigint[];
    admin_id bigint;
    former_id bigint;
    custs bigint[];
    t0 timestamptz;
    age double precision;
    r double precision;
    k integer;
    st text;
    prio text;
    src text;
    cust bigint;
    creator bigint;
    exp bigint;
    tech bigint;
    worker bigint;
    pic text;
    cat text;
    product text;
    local_day date;
    trx text;
    fkt text;
    amount text;
    at_time text;
    qty text;
    want_wait boolean;
BEGIN
    IF EXISTS (SELECT 1 FROM tickets) THEN
        RAISE EXCEPTION 'demo data: tickets already has rows; the demo is only for a fresh database';
    END IF;

    PERFORM setseed(0.2026);

    SELECT array_agg(id ORDER BY id) INTO pharm FROM pharmacies WHERE active;
    SELECT array_agg(id ORDER BY username) INTO experts FROM users WHERE username IN ('expert1', 'expert2');
    SELECT array_agg(id ORDER BY username) INTO techs FROM users WHERE username IN ('tech1', 'tech2', 'tech3');
    SELECT id INTO admin_id FROM users WHERE username = 'admin';
    SELECT id INTO former_id FROM users WHERE username = 'former';

    -- Office hours in Jakarta, slightly denser towards today (usage grows),
    -- never in the last few minutes so every timeline fits before now().
    SELECT array_agg(ts ORDER BY ts) INTO times
    FROM (
        SELECT least(
                   ((now() AT TIME ZONE 'Asia/Jakarta')::date - floor(power(random(), 1.15) * 120)::int
                    + make_interval(mins => 420 + floor(random() * 840)::int))
                   AT TIME ZONE 'Asia/Jakarta',
                   now() - make_interval(mins => 5 + floor(random() * 240)::int)) AS ts
        FROM generate_series(1, n_tickets)
    ) s;

    FOR i IN 1 .. n_tickets LOOP
        t0 := times[i];
        age := extract(epoch FROM now() - t0) / 86400;

        -- Young tickets are still being worked on; old ones are mostly done.
        r := random();
        IF age < 3 THEN
            st := CASE WHEN r < 0.35 THEN 'open' WHEN r < 0.60 THEN 'in_review'
                       WHEN r < 0.80 THEN 'in_progress' WHEN r < 0.90 THEN 'waiting_customer'
                       WHEN r < 0.95 THEN 'solved' ELSE 'cancelled' END;
        ELSIF age < 14 THEN
            st := CASE WHEN r < 0.10 THEN 'open' WHEN r < 0.22 THEN 'in_review'
                       WHEN r < 0.45 THEN 'in_progress' WHEN r < 0.60 THEN 'waiting_customer'
                       WHEN r < 0.80 THEN 'solved' WHEN r < 0.94 THEN 'closed' ELSE 'cancelled' END;
        ELSIF age < 30 THEN
            st := CASE WHEN r < 0.02 THEN 'open' WHEN r < 0.05 THEN 'in_review'
                       WHEN r < 0.12 THEN 'in_progress' WHEN r < 0.17 THEN 'waiting_customer'
                       WHEN r < 0.30 THEN 'solved' WHEN r < 0.93 THEN 'closed' ELSE 'cancelled' END;
        ELSE
            st := CASE WHEN r < 0.005 THEN 'open' WHEN r < 0.01 THEN 'in_review'
                       WHEN r < 0.03 THEN 'in_progress' WHEN r < 0.05 THEN 'waiting_customer'
                       WHEN r < 0.08 THEN 'solved' WHEN r < 0.93 THEN 'closed' ELSE 'cancelled' END;
        END IF;

        k := 1 + floor(random() * array_length(tpl, 1))::int;
        cat := tpl[k][4];
        r := random();
        IF cat = 'Improvement Fitur' THEN
            prio := CASE WHEN r < 0.50 THEN 'low' WHEN r < 0.93 THEN 'medium' ELSE 'high' END;
        ELSE
            prio := CASE WHEN r < 0.18 THEN 'low' WHEN r < 0.60 THEN 'medium'
                         WHEN r < 0.87 THEN 'high' ELSE 'urgent' END;
        END IF;

        -- A few pharmacies raise most tickets.
        DECLARE
            p integer := 1 + floor(power(random(), 1.7) * least(19, cardinality(pharm)))::int;
        BEGIN
            SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO custs
            FROM users WHERE pharmacy_id = pharm[p] AND role_id = 4 AND active;

            cust := NULL;
            tech := NULL;
            exp := NULL;
            r := random();
            IF cardinality(custs) > 0 AND r < 0.85 THEN
                src := 'customer';
                cust := pg_temp.demo_pick(custs);
                creator := cust;
                SELECT name INTO pic FROM users WHERE id = cust;
            ELSIF r < 0.93 OR cardinality(custs) > 0 THEN
                -- the pharmacy phoned or messaged the team, who filed it
                src := 'team_expert';
                creator := pg_temp.demo_pick(experts);
                pic := pg_temp.demo_pick(pic_names);
            ELSE
                src := 'internal';
                creator := CASE WHEN random() < 0.7 THEN pg_temp.demo_pick(techs) ELSE admin_id END;
                pic := pg_temp.demo_pick(pic_names);
            END IF;

            product := pg_temp.demo_pick(products);
            local_day := (t0 AT TIME ZONE 'Asia/Jakarta')::date;
            trx := format('TRX-%s-%s', to_char(local_day, 'YYMMDD'), lpad((1 + floor(random() * 400))::int::text, 4, '0'));
            fkt := format('FKT/%s/%s', to_char(local_day, 'YYYY/MM'), lpad((1 + floor(random() * 9000))::int::text, 5, '0'));
            amount := replace(to_char((5 + floor(random() * 400)) * 2500, 'FM999,999,999'), ',', '.');
            at_time := to_char(t0 AT TIME ZONE 'Asia/Jakarta', 'HH24:MI');
            qty := (2 + floor(random() * 60))::int::text;

            INSERT INTO demo_ticket (n, created_at, pharmacy_id, pic_name, contact, app_version,
                                     module_id, category_id, title, description, priority, status,
                                     source, customer_id, created_by)
            VALUES (i, t0, pharm[p], pic,
                    format('08%s-%s-%s', 11 + floor(random() * 12)::int,
                           lpad(floor(random() * 10000)::int::text, 4, '0'),
                           lpad(floor(random() * 10000)::int::text, 4, '0')),
                    -- older tickets come from older releases
                    versions[greatest(1, 5 - floor(age / 30)::int - floor(random() * 2)::int)],
                    (SELECT id FROM ticket_modules WHERE name = tpl[k][3]),
                    (SELECT id FROM ticket_categories WHERE name = cat),
                    format(tpl[k][1], product, trx, amount, at_time, qty, fkt),
                    format(tpl[k][2], product, trx, amount, at_time, qty, fkt),
                    prio, st, src, cust, creator);
        END;

        PERFORM pg_temp.demo_event(i, 'created', NULL, NULL, NULL, NULL, 'public', creator, 0, 0, false, false);
        IF cust IS NOT NULL AND random() < 0.25 THEN
            PERFORM pg_temp.demo_event(i, 'comment', NULL, NULL, NULL, pg_temp.demo_pick(c_info), 'public', cust, 5, 90, false, false);
        END IF;

        IF st = 'open' THEN
            IF cust IS NOT NULL AND age > 1 AND random() < 0.4 THEN
                PERFORM pg_temp.demo_event(i, 'comment', NULL, NULL, NULL, pg_temp.demo_pick(c_chase), 'public', cust, 600, 1800, false, false);
            END IF;
            CONTINUE;
        END IF;

        -- whoever filed it on the pharmacy's behalf usually keeps it
        exp := CASE WHEN src = 'team_expert' AND random() < 0.7 THEN creator ELSE pg_temp.demo_pick(experts) END;
        UPDATE demo_ticket SET expert_id = exp WHERE n = i;
        PERFORM pg_temp.demo_event(i, 'assigned', 'expert_id', NULL, exp::text, NULL, 'public', exp, 10, 480, true, true);

        IF st = 'cancelled' THEN
            PERFORM pg_temp.demo_event(i, 'comment', NULL, NULL, NULL, pg_temp.demo_pick(s_cancel), 'public', exp, 1, 30, false, true);
            PERFORM pg_temp.demo_event(i, 'status_changed', 'status', 'open', 'cancelled', NULL, 'public', exp, 0.5, 3, true, true);
            CONTINUE;
        END IF;

        PERFORM pg_temp.demo_event(i, 'status_changed', 'status', 'open', 'in_review', NULL, 'public', exp, 0.5, 5, true, true);
        IF random() < 0.5 THEN
            PERFORM pg_temp.demo_event(i, 'comment', NULL, NULL, NULL, pg_temp.demo_pick(s_ack), 'public', exp, 1, 30, false, true);
        END IF;
        IF prio IN ('high', 'urgent') AND random() < 0.25 THEN
            PERFORM pg_temp.demo_event(i, 'field_changed', 'priority',
                                       CASE WHEN prio = 'urgent' THEN 'high' ELSE 'medium' END, prio,
                                       NULL, 'public', exp, 2, 60, true, true);
        END IF;
        IF random() < 0.3 THEN
            PERFORM pg_temp.demo_event(i, 'note', NULL, NULL, NULL, pg_temp.demo_pick(s_note), 'internal', exp, 5, 120, false, true);
        END IF;
        CONTINUE WHEN st = 'in_review';

        -- Simple operational questions are often answered by the expert alone.
        IF cat IN ('Operasional Apotek', 'Lainnya') AND random() < 0.3 THEN
            PERFORM pg_temp.demo_event(i, 'status_changed', 'status', 'in_review', 'in_progress', NULL, 'public', exp, 10, 240, true, true);
        ELSE
            -- the tech who left only shows up on long-finished work
            tech := CASE WHEN st IN ('solved', 'closed') AND age > 45 AND random() < 0.3
                         THEN former_id ELSE pg_temp.demo_pick(techs) END;
            UPDATE demo_ticket SET tech_id = tech WHERE n = i;
            PERFORM pg_temp.demo_event(i, 'assigned', 'tech_id', NULL, tech::text, NULL, 'public', exp, 10, 240, true, true);
            PERFORM pg_temp.demo_event(i, 'status_changed', 'status', 'in_review', 'in_progress', NULL, 'public', tech, 10, 1440, true, true);
        END IF;
        worker := coalesce(tech, exp);
        IF random() < 0.4 THEN
            PERFORM pg_temp.demo_event(i, 'note', NULL, NULL, NULL, pg_temp.demo_pick(s_note), 'internal', worker, 30, 600, false, true);
        END IF;

        want_wait := st = 'waiting_customer' OR random() < 0.3;
        IF want_wait THEN
            PERFORM pg_temp.demo_event(i, 'comment', NULL, NULL, NULL, pg_temp.demo_pick(s_ask), 'public', worker, 30, 600, false, true);
            PERFORM pg_temp.demo_event(i, 'status_changed', 'status', 'in_progress', 'waiting_customer', NULL, 'public', worker, 0.5, 3, true, true);
            CONTINUE WHEN st = 'waiting_customer';
            IF cust IS NOT NULL THEN
                PERFORM pg_temp.demo_event(i, 'comment', NULL, NULL, NULL, pg_temp.demo_pick(c_reply), 'public', cust, 60, 2880, false, false);
            ELSE
                PERFORM pg_temp.demo_event(i, 'comment', NULL, NULL, NULL, pg_temp.demo_pick(s_relay), 'public', exp, 60, 2880, false, true);
            END IF;
            PERFORM pg_temp.demo_event(i, 'status_changed', 'status', 'waiting_customer', 'in_progress', NULL, 'public', worker, 10, 240, true, true);
        END IF;
        CONTINUE WHEN st = 'in_progress';

        PERFORM pg_temp.demo_event(i, 'comment', NULL, NULL, NULL, pg_temp.demo_pick(s_solved), 'public', worker, 60, 4320, false, true);
        PERFORM pg_temp.demo_event(i, 'status_changed', 'status', 'in_progress', 'solved', NULL, 'public', worker, 0.5, 3, true, true);
        -- now and then the pharmacy rejects the first fix, and a second one
        -- comes (the reports' reopened tickets)
        IF cust IS NOT NULL AND random() < 0.1 THEN
            PERFORM pg_temp.demo_event(i, 'comment', 'reason', NULL, NULL, 'Masih terjadi setelah dicoba lagi.', 'public', cust, 30, 600, false, false);
            PERFORM pg_temp.demo_event(i, 'status_changed', 'status', 'solved', 'in_progress', NULL, 'public', cust, 0, 1, true, false);
            PERFORM pg_temp.demo_event(i, 'comment', NULL, NULL, NULL, pg_temp.demo_pick(s_solved), 'public', worker, 60, 1440, false, true);
            PERFORM pg_temp.demo_event(i, 'status_changed', 'status', 'in_progress', 'solved', NULL, 'public', worker, 0.5, 3, true, true);
        END IF;
        CONTINUE WHEN st = 'solved';

        -- Closed by the pharmacy confirming the fix, by the expert, or by the
        -- system (no user) once nobody objected for a few days.
        r := random();
        IF cust IS NOT NULL AND r < 0.55 THEN
            IF random() < 0.7 THEN
                PERFORM pg_temp.demo_event(i, 'comment', NULL, NULL, NULL, pg_temp.demo_pick(c_thanks), 'public', cust, 30, 1440, false, false);
            END IF;
            PERFORM pg_temp.demo_event(i, 'status_changed', 'status', 'solved', 'closed', NULL, 'public', cust, 1, 10, true, false);
            -- most confirm with a rating (the reports' satisfaction), some
            -- with a word about it
            IF random() < 0.8 THEN
                PERFORM pg_temp.demo_event(i, 'field_changed', 'rating', NULL,
                                           (ARRAY['5', '5', '5', '5', '4', '4', '4', '3', '2', '1'])[1 + floor(random() * 10)::int],
                                           NULL, 'public', cust, 0, 0, false, false);
                IF random() < 0.3 THEN
                    PERFORM pg_temp.demo_event(i, 'comment', 'rating_comment', NULL, NULL, pg_temp.demo_pick(c_thanks), 'public', cust, 0, 0, false, false);
                END IF;
            END IF;
        ELSIF r < 0.85 THEN
            PERFORM pg_temp.demo_event(i, 'status_changed', 'status', 'solved', 'closed', NULL, 'public', exp, 60, 2880, true, true);
        ELSE
            PERFORM pg_temp.demo_event(i, 'status_changed', 'status', 'solved', 'closed', NULL, 'public', NULL, 4320, 4330, true, false);
        END IF;
    END LOOP;
END
$demo$;

-- Lay each timeline out from the ticket's creation, compressed where the
-- ticket is too young for its full length.
CREATE TEMP TABLE demo_timed AS
SELECT e.*,
       t.created_at
       + (sum(e.gap) OVER w)
         * least(1.0, greatest(0.0, extract(epoch FROM (now() - t.created_at) * 0.95 - interval '1 minute'))
                      / nullif(extract(epoch FROM sum(e.gap) OVER (PARTITION BY e.n)), 0))
         AS at
FROM demo_event e
JOIN demo_ticket t USING (n)
WINDOW w AS (PARTITION BY e.n ORDER BY e.seq);

-- Numbers follow creation order within each Jakarta year, continuing any
-- counter that already exists.
ALTER TABLE demo_ticket ADD COLUMN number text;
UPDATE demo_ticket t
SET number = pd_ticket_number('PD', s.year, pd_ticket_seq_last(s.year) + s.seq)
FROM (SELECT n, year, row_number() OVER (PARTITION BY year ORDER BY created_at, n) AS seq
      FROM (SELECT n, created_at,
                   extract(year FROM created_at AT TIME ZONE 'Asia/Jakarta')::int AS year
            FROM demo_ticket) y) s
WHERE t.n = s.n;

INSERT INTO tickets (number, pharmacy_id, pic_name, contact, app_version, module_id, category_id,
                     title, description, priority, status, source, customer_id, expert_id, tech_id,
                     created_by, version, created_at, updated_at, first_response_at, solved_at, closed_at)
SELECT t.number, t.pharmacy_id, t.pic_name, t.contact, t.app_version, t.module_id, t.category_id,
       t.title, t.description, t.priority, t.status, t.source, t.customer_id, t.expert_id, t.tech_id,
       t.created_by, 1 + ev.changes, t.created_at, ev.last_at, ev.first_response, ev.solved, ev.closed
FROM demo_ticket t
JOIN LATERAL (
    SELECT count(*) FILTER (WHERE d.is_change)::int AS changes,
           max(d.at) AS last_at,
           min(d.at) FILTER (WHERE d.is_staff) AS first_response,
           max(d.at) FILTER (WHERE d.kind = 'status_changed' AND d.new_value = 'solved') AS solved,
           max(d.at) FILTER (WHERE d.kind = 'status_changed' AND d.new_value IN ('closed', 'cancelled')) AS closed
    FROM demo_timed d
    WHERE d.n = t.n
) ev ON true
ORDER BY t.created_at, t.n;

SELECT pd_ticket_seq_advance(split_part(number, '-', 2)::int, max(split_part(number, '-', 3)::bigint))
FROM demo_ticket
GROUP BY split_part(number, '-', 2)::int;

INSERT INTO ticket_activities (ticket_id, user_id, kind, field, old_value, new_value, body,
                               visibility, created_at)
SELECT tk.id, d.user_id, d.kind, d.field, d.old_value, d.new_value, d.body, d.visibility, d.at
FROM demo_timed d
JOIN demo_ticket t USING (n)
JOIN tickets tk ON tk.number = t.number
ORDER BY tk.id, d.seq;

DROP TABLE demo_timed, demo_event, demo_ticket;
DROP FUNCTION pg_temp.demo_event(integer, text, text, text, text, text, text, bigint,
                                 double precision, double precision, boolean, boolean);
DROP FUNCTION pg_temp.demo_pick(anyarray);

-- Service levels: office hours in Jakarta with two holidays, and a
-- contract (GOLD) for two pharmacies with tighter targets counted on them,
-- beside the default policy around the clock.
WITH c AS (INSERT INTO sla_calendars (name, time_zone) VALUES ('Jam kerja Jakarta', 'Asia/Jakarta') RETURNING id)
SELECT pd_sla_calendar_set(c.id,
    '[{"weekday":1,"from":"08:00","to":"12:00"},{"weekday":1,"from":"13:00","to":"17:00"},
      {"weekday":2,"from":"08:00","to":"12:00"},{"weekday":2,"from":"13:00","to":"17:00"},
      {"weekday":3,"from":"08:00","to":"12:00"},{"weekday":3,"from":"13:00","to":"17:00"},
      {"weekday":4,"from":"08:00","to":"12:00"},{"weekday":4,"from":"13:00","to":"17:00"},
      {"weekday":5,"from":"08:00","to":"11:30"},{"weekday":5,"from":"13:00","to":"17:00"},
      {"weekday":6,"from":"08:00","to":"12:00"}]',
    json_build_array(json_build_object('date', make_date(extract(year FROM now())::int, 8, 17), 'name', 'Hari Kemerdekaan'),
                     json_build_object('date', make_date(extract(year FROM now())::int, 12, 25), 'name', 'Hari Natal')))
FROM c;
UPDATE pharmacies SET tier = 'GOLD' WHERE code IN ('APT-JKT-001', 'APT-SBY-001');
INSERT INTO sla_policies (name, description, calendar_id, pharmacy_tier, first_response, resolution, managers_after)
SELECT 'Kontrak Emas', 'Apotek dengan kontrak layanan GOLD', id, 'GOLD', ARRAY[240, 120, 60, 30], ARRAY[2400, 960, 480, 240], 120
FROM sla_calendars WHERE name = 'Jam kerja Jakarta';

-- Two urgent tickets of the last hour nobody has answered yet, so that
-- something is at risk whenever the demo starts.
WITH y AS (SELECT extract(year FROM now() AT TIME ZONE 'Asia/Jakarta')::int AS year),
fresh AS (
    INSERT INTO tickets (number, pharmacy_id, pic_name, contact, app_version, module_id, category_id, title,
                         description, priority, source, customer_id, created_by, created_at, updated_at)
    SELECT pd_ticket_number('PD', y.year, pd_next_ticket_seq(y.year)), p.id, u.name, '0812-7000-1122', '5.3.0',
           (SELECT id FROM ticket_modules WHERE name = x.module), (SELECT id FROM ticket_categories WHERE name = 'Bug Sistem'),
           x.title, x.description, 'urgent', 'customer', u.id, u.id,
           now() - make_interval(mins => x.age), now() - make_interval(mins => x.age)
    FROM y, (VALUES ('apotek2', 'Penjualan', 52, 'Kasir tidak bisa mencetak struk sama sekali',
                     'Sejak tadi semua transaksi gagal cetak. Antrean pasien panjang.'),
                    ('apotek3', 'Resep', 50, 'Resep racikan tidak bisa disimpan',
                     'Setiap simpan resep racikan muncul error dan data hilang.'))
           AS x (username, module, age, title, description)
    JOIN users u ON u.username = x.username JOIN pharmacies p ON p.id = u.pharmacy_id
    RETURNING id, customer_id, created_at
)
INSERT INTO ticket_activities (ticket_id, user_id, kind, new_value, created_at)
SELECT id, customer_id, 'created', 'open', created_at FROM fresh;

-- A front desk beside the helpdesk (migration 0060): the office's units,
-- who answers for them, a receptionist (a team expert at the secretariat)
-- and an operator in each of two units (techs with a unit), and a few open
-- cases routed to the operators' units.
INSERT INTO org_units (code, name, type, parent_id)
VALUES ('DISKOMINFO', 'Dinas Komunikasi dan Informatika', 'root', NULL);
INSERT INTO org_units (code, name, type, parent_id)
SELECT v.code, v.name, v.type, (SELECT id FROM org_units WHERE code = v.parent)
FROM (VALUES
    ('SEKRETARIAT',    'Sekretariat',                               'sekretariat', 'DISKOMINFO'),
    ('BIDANG-APTIKA',  'Bidang Aplikasi Informatika',               'bidang',      'DISKOMINFO'),
    ('BIDANG-IKP',     'Bidang Informasi dan Komunikasi Publik',    'bidang',      'DISKOMINFO'),
    ('BIDANG-SANDI',   'Bidang Persandian dan Keamanan Informasi',  'bidang',      'DISKOMINFO')
) AS v (code, name, type, parent);
-- one level down, once their parents exist
INSERT INTO org_units (code, name, type, parent_id)
SELECT v.code, v.name, v.type, (SELECT id FROM org_units WHERE code = v.parent)
FROM (VALUES
    ('SUBBAG-UMUM',    'Subbagian Umum dan Kepegawaian',            'subbag',      'SEKRETARIAT'),
    ('UPT-WARROOM',    'UPT Command Center (War Room)',             'upt',         'BIDANG-APTIKA')
) AS v (code, name, type, parent);

UPDATE users u SET org_unit_id = o.id, institution = 'Diskominfo', nip_nik = v.nip
FROM (VALUES ('resepsionis', 'SEKRETARIAT', '198703152010012004'),
             ('operator1', 'BIDANG-APTIKA', '199001202015031002'),
             ('operator2', 'BIDANG-SANDI', '199206082019032001')) AS v (username, unit, nip)
JOIN org_units o ON o.code = v.unit
WHERE u.username = v.username;

INSERT INTO org_unit_contacts (org_unit_id, kind, user_id, name, whatsapp_number)
SELECT o.id, v.kind, (SELECT id FROM users WHERE username = v.username), v.name, v.wa
FROM (VALUES
    ('DISKOMINFO',    'kadis',        NULL,          'Drs. Bambang Sutrisno, M.Si', '+6281311110001'),
    ('SEKRETARIAT',   'receptionist', 'resepsionis', NULL,                           NULL),
    ('BIDANG-APTIKA', 'lead',         'operator1',   NULL,                           NULL),
    ('BIDANG-APTIKA', 'backup',       NULL,          'Rudi Hartono',                 '+6281311110002'),
    ('BIDANG-SANDI',  'lead',         'operator2',   NULL,                           NULL),
    ('BIDANG-IKP',    'lead',         NULL,          'Nur Aini',                     '+6281311110003'),
    ('UPT-WARROOM',   'lead',         NULL,          'Hadi Purnomo',                 '+6281311110004')
) AS v (unit, kind, username, name, wa)
JOIN org_units o ON o.code = v.unit;

-- Three open cases for the application division (one at the war room below
-- it) and two for the security division, the oldest open ones.
WITH open AS (
    SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM tickets
    WHERE status IN ('open', 'in_review') ORDER BY created_at, id LIMIT 5
)
UPDATE tickets t SET org_unit_id = (SELECT id FROM org_units WHERE code = CASE
    WHEN open.n <= 2 THEN 'BIDANG-APTIKA' WHEN open.n = 3 THEN 'UPT-WARROOM' ELSE 'BIDANG-SANDI' END)
FROM open WHERE t.id = open.id;

-- The office as the front desk's client, and the module and categories its
-- cases are filed under (migration 0061); then visitors in the building and
-- letters of this morning, each with its case, routed to a unit and not yet
-- assigned: the receptionist's inbox.
INSERT INTO pharmacies (code, name, address, city, phone, active) VALUES
    ('DISKOMINFO', 'Diskominfo (meja depan)', 'Jl. Tamansari No. 76, Bandung Wetan', 'Bandung', '(022) 423 4793', true);
INSERT INTO ticket_modules (name, description, color) VALUES
    ('Meja Depan', 'Tamu dan surat yang datang ke kantor', '#7c3aed');
INSERT INTO ticket_categories (name, description, color) VALUES
    ('Kunjungan', 'Tamu yang datang ke kantor', '#0891b2'),
    ('Surat Masuk', 'Surat yang diterima meja depan', '#ca8a04');
INSERT INTO front_desks (root_unit_id, pharmacy_id, module_id, visitor_category_id, surat_category_id)
SELECT (SELECT id FROM org_units WHERE code = 'DISKOMINFO'), (SELECT id FROM pharmacies WHERE code = 'DISKOMINFO'),
       (SELECT id FROM ticket_modules WHERE name = 'Meja Depan'), (SELECT id FROM ticket_categories WHERE name = 'Kunjungan'),
       (SELECT id FROM ticket_categories WHERE name = 'Surat Masuk');

WITH y AS (SELECT extract(year FROM now() AT TIME ZONE 'Asia/Jakarta')::int AS year),
x AS (
    SELECT v.*, row_number() OVER () AS n FROM (VALUES
        ('Siti Aminah', '3273014501900002', 'SMKN 4 Bandung', '+6281234567890', 'Konsultasi aplikasi perizinan sekolah', 'BIDANG-APTIKA', 'walkin', 95, false),
        ('Dedi Kurniawan', NULL, 'PT Telekomunikasi Nusantara', '+6285722334455', 'Koordinasi jaringan fiber di kantor kecamatan', 'UPT-WARROOM', 'register', 40, false),
        ('Rina Kartika', '3204056708880003', 'Universitas Padjadjaran', NULL, 'Permohonan data statistik sektoral untuk penelitian', 'BIDANG-IKP', 'walkin', 150, true)
    ) AS v (name, id_number, institution, phone, purpose, unit, source, age, out)
),
t AS (
    INSERT INTO tickets (number, pharmacy_id, pic_name, contact, module_id, category_id, title, description,
                         priority, source, created_by, created_at, updated_at, case_type, org_unit_id)
    SELECT pd_ticket_number('PD', y.year, pd_next_ticket_seq(y.year)), f.pharmacy_id, x.name,
           coalesce(x.phone, x.institution), f.module_id, f.visitor_category_id,
           'Tamu: ' || x.name || ' — ' || x.purpose, x.purpose || E'\n\n' || x.institution, 'medium', x.source,
           (SELECT id FROM users WHERE username = 'resepsionis'),
           now() - make_interval(mins => x.age), now() - make_interval(mins => x.age), 'visitor', o.id
    FROM y, x JOIN org_units o ON o.code = x.unit
    JOIN front_desks f ON f.root_unit_id = o.path[1]
    ORDER BY x.n
    RETURNING id, pic_name, created_by, created_at
),
v AS (
    INSERT INTO visitors (ticket_id, name, id_number, institution, phone, purpose, org_unit_id, source,
                          checked_in_at, checked_out_at, created_by)
    SELECT t.id, x.name, x.id_number, x.institution, x.phone, x.purpose, o.id, x.source, t.created_at,
           CASE WHEN x.out THEN t.created_at + interval '50 minutes' END, t.created_by
    FROM t JOIN x ON x.name = t.pic_name JOIN org_units o ON o.code = x.unit
)
INSERT INTO ticket_activities (ticket_id, user_id, kind, new_value, created_at)
SELECT id, created_by, 'created', 'open', created_at FROM t;

WITH y AS (SELECT extract(year FROM now() AT TIME ZONE 'Asia/Jakarta')::int AS year),
x AS (
    SELECT * FROM (VALUES
        ('005/UND/DISDIK/XII/2026', 'Kepala Dinas Pendidikan', 'Dinas Pendidikan', 'Undangan rapat koordinasi sekolah digital', 'Rapat Senin pukul 09.00 di aula Disdik.', 'BIDANG-APTIKA', 70),
        ('B-112/BSSN/XII/2026', 'Direktur Keamanan Siber', 'Badan Siber dan Sandi Negara', 'Pemberitahuan asesmen keamanan sistem elektronik', NULL, 'BIDANG-SANDI', 30)
    ) AS v (number, sender, institution, subject, summary, unit, age)
),
t AS (
    INSERT INTO tickets (number, pharmacy_id, pic_name, contact, module_id, category_id, title, description,
                         priority, source, created_by, created_at, updated_at, case_type, org_unit_id)
    SELECT pd_ticket_number('PD', y.year, pd_next_ticket_seq(y.year)), f.pharmacy_id, x.sender, x.institution,
           f.module_id, f.surat_category_id, 'Surat ' || x.number || ': ' || x.subject, coalesce(x.summary, x.subject),
           'medium', 'surat_form', (SELECT id FROM users WHERE username = 'resepsionis'),
           now() - make_interval(mins => x.age), now() - make_interval(mins => x.age), 'surat', o.id
    FROM y, x JOIN org_units o ON o.code = x.unit
    JOIN front_desks f ON f.root_unit_id = o.path[1]
    RETURNING id, title, created_by, created_at
),
s AS (
    INSERT INTO surat (ticket_id, number, letter_date, sender, sender_institution, subject, summary, org_unit_id,
                       received_at, created_by)
    SELECT t.id, x.number, (t.created_at AT TIME ZONE 'Asia/Jakarta')::date - 2, x.sender, x.institution, x.subject,
           x.summary, o.id, t.created_at, t.created_by
    FROM t JOIN x ON t.title = 'Surat ' || x.number || ': ' || x.subject JOIN org_units o ON o.code = x.unit
)
INSERT INTO ticket_activities (ticket_id, user_id, kind, new_value, created_at)
SELECT id, created_by, 'created', 'open', created_at FROM t;

-- Each case has its record: checked now, not at the end of the load (the
-- replay below alters the tickets table, which waits for no pending check).
SET CONSTRAINTS tickets_case_record IMMEDIATE;

-- The tickets' service levels from their timelines, as if the system had
-- kept them all along (migration 0030): overdue, at risk, paused, met;
-- then their outcomes counted for compliance (migration 0032)
SELECT pd_sla_replay();
SELECT pd_sla_compliance_rebuild();
-- and every fact of the reports (migration 0040), the ratings among them
SELECT pd_report_rebuild();

-- The QR self check-in: the front desk's code, whose visitors pick the
-- unit they came for. scripts/demo prints its address (its token is signed
-- with the demo's own secret, made at its first start).
INSERT INTO desk_tokens (public_id, name, unit_choices, created_by)
SELECT 'DemoMejaDepanKominfo01', 'Meja depan Diskominfo', array_agg(o.id ORDER BY o.code), u.id
FROM org_units o, users u
WHERE o.code IN ('BIDANG-APTIKA', 'BIDANG-IKP', 'BIDANG-SANDI', 'SEKRETARIAT') AND u.username = 'admin'
GROUP BY u.id;

-- A long overdue ticket escalated by its team expert, for the escalated
-- queue.
WITH t AS (
    UPDATE tickets SET escalated_at = now() - interval '2 hours'
    WHERE id = (SELECT id FROM tickets WHERE status = 'in_progress' AND sla_due_at < now() - interval '1 day'
                ORDER BY sla_due_at, id LIMIT 1)
    RETURNING id
)
INSERT INTO ticket_activities (ticket_id, user_id, kind, field, old_value, new_value, body, visibility, created_at)
SELECT t.id, u.id, 'escalation', 'escalated', 'false', 'true',
       'Apotek menunggu lebih dari sehari dan kasir masih bermasalah; mohon ditangani tim senior.', 'internal',
       now() - interval '2 hours'
FROM t, users u WHERE u.username = 'expert1';

-- The demo's history happened before anyone could hear of it: the events its
-- timeline wrote to the outbox are dropped in the same transaction, so that
-- the mail catcher and the bells start empty and show only what people do
-- in the demo from now on.
DELETE FROM notify_outbox;
