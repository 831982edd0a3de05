-- Reference data every installation needs: the five roles, the ticket
-- categories of a pharmacy helpdesk and the modules of a pharmacy
-- cash-register system.

INSERT INTO roles (id, code, name, description) VALUES
    (1, 'admin',       'Admin',       'Manages users, roles and master data; may do everything'),
    (2, 'team_expert', 'Team Expert', 'Reviews tickets and owns them on the business side'),
    (3, 'tech',        'Tim Tech',    'Works on assigned tickets and fixes them'),
    (4, 'customer',    'Customer Apotek', 'Pharmacy staff: creates and follows their pharmacy''s tickets'),
    (5, 'manager',     'Manager',     'Watches service levels; reads everything, changes nothing');

INSERT INTO ticket_categories (name, description, color) VALUES
    ('Bug Sistem',         'Kesalahan atau malfungsi pada aplikasi kasir', '#dc2626'),
    ('Improvement Fitur',  'Usulan perbaikan atau fitur baru',             '#2563eb'),
    ('Error Data',         'Data tidak sesuai, hilang atau rusak',         '#d97706'),
    ('Operasional Apotek', 'Pertanyaan dan kendala operasional harian',    '#059669'),
    ('Lainnya',            'Kendala lain',                                 '#64748b');

INSERT INTO ticket_modules (name, description, color) VALUES
    ('Penjualan',   'Transaksi penjualan dan kasir',        '#0ea5e9'),
    ('Stok',        'Persediaan, stok opname, mutasi',      '#22c55e'),
    ('Resep',       'Resep dokter dan racikan',             '#a855f7'),
    ('Laporan',     'Laporan penjualan, stok dan keuangan', '#f59e0b'),
    ('Pembelian',   'Pemesanan dan penerimaan barang',      '#ef4444'),
    ('Master Data', 'Obat, pemasok, harga, pelanggan',      '#14b8a6'),
    ('Pengaturan',  'Konfigurasi aplikasi, pengguna, printer', '#64748b');

-- Times are UTC on the wire; the portal shows local time.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET timezone = %L', current_database(), 'UTC');
END
$$;
