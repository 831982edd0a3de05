#!/usr/bin/perl
# The README's query that writes an import file from the legacy helpdesk's
# log_komplain table, run on a copy of that table: its output is the import
# format, the statuses and priorities map as the README says, and it
# imports.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

# the query, as the README gives it (between \o legacy.json and \o)
my $readme = read_file("$ENV{PD_ROOT}/README.md");
my ($query) = $readme =~ /^\\o legacy\.json\n(SELECT json_build_object\(.*?;)\n\\o$/ms;
ok $query, 'the README has the query' or BAIL_OUT('no query');

# the legacy tables, in a schema of their own: its users and categories
# are the old system's
db_do('SET client_min_messages = warning');
db_do('DROP SCHEMA IF EXISTS legacy_t76 CASCADE');
db_do('CREATE SCHEMA legacy_t76');
db_do($_) for split /;\n/, <<'SQL';
CREATE TABLE legacy_t76.users (id serial PRIMARY KEY, username text);
CREATE TABLE legacy_t76.ticket_categories (id serial PRIMARY KEY, name varchar(100), description text);
CREATE TABLE legacy_t76.log_komplain (id serial PRIMARY KEY, tiket text, kode_apotek text, judul text, keluhan text,
    nama_pic text, kontak text, created_at timestamp DEFAULT now(), last_updated timestamp,
    category_id int REFERENCES legacy_t76.ticket_categories (id), priority int DEFAULT 3,
    status varchar(20) DEFAULT 'Open', assigned_to int REFERENCES legacy_t76.users (id), resolution_summary text);
INSERT INTO legacy_t76.users (username) VALUES ('tech'), ('tech2');
INSERT INTO legacy_t76.ticket_categories (name) VALUES ('Bug Sistem');
INSERT INTO legacy_t76.log_komplain (tiket, kode_apotek, judul, keluhan, nama_pic, kontak, created_at, last_updated,
    category_id, priority, status, assigned_to, resolution_summary) VALUES
  ('LK-T76-1', 'APT-A', 'Printer macet', 'Struk tidak keluar', 'Budi', '0812', '2024-03-04 08:00', '2024-03-05 10:00', 1, 1, 'Closed', 1, 'Driver diganti.'),
  ('LK-T76-2', 'APT-A', 'Stok selisih', '', NULL, NULL, '2024-03-04 09:00', NULL, 1, 3, 'Open', NULL, NULL),
  ('LK-T76-3', 'APT-B', 'Login gagal', 'Tidak bisa masuk', 'Sari', '0813', '2024-03-04 10:00', '2024-03-04 11:00', 1, 2, 'Resolved', 2, ''),
  ('LK-T76-4', 'APT-B', 'Laporan lambat', 'Lama sekali', 'Sari', '0813', '2024-03-06 10:00', '2024-03-06 12:00', 1, 2, 'In Progress', 1, NULL)
SQL

# the legacy system has no module: the README names one of ours
db_do(q{INSERT INTO ticket_modules (name) VALUES ('Lainnya') ON CONFLICT DO NOTHING});
my $dbh = PD::Test::_dbh();
$dbh->do(q{SET search_path = legacy_t76, public});
my ($text) = $dbh->selectrow_array($query);
$dbh->do(q{RESET search_path});
my $doc = $JSON->decode($text);
is $doc->{format}, 'tickets', 'the query writes the import format';
is scalar @{ $doc->{tickets} }, 4, 'a ticket per complaint';
my %t = map { $_->{number} => $_ } @{ $doc->{tickets} };
is_deeply [map { $t{"LK-T76-$_"}{status} } 1 .. 4], [qw(closed open solved in_progress)], 'Closed, Open, Resolved, In Progress';
is_deeply [map { $t{"LK-T76-$_"}{priority} } 1 .. 4], [qw(high low medium medium)], '1 high, 3 low, 2 medium';
is $t{'LK-T76-2'}{description}, 'Stok selisih', 'an empty complaint text takes the title';
is_deeply [map { $_->{kind} . ($_->{status} ? ":$_->{status}" : '') } @{ $t{'LK-T76-1'}{events} }],
    [qw(assignment comment status:solved status:closed)], 'a closed one: assigned, its resolution as a reply, solved, closed';

my $r = api('admin', POST => '/api/imports', json => { %$doc, dry_run => JSON::true });
is $r->status, 200, 'its dry run';
is_deeply $r->json->{problems}, [], 'has no problem' or diag explain $r->json->{problems};
$r = api('admin', POST => '/api/imports', json => $doc);
is $r->status, 201, 'and it imports';
is $r->json->{created}, 4, 'every complaint';
is_deeply [sort map { $_->{source_id} } @{ $r->json->{tickets} }], [1 .. 4], 'each known by the old id';
my $closed = db_value(q{SELECT id FROM tickets WHERE number = 'LK-T76-1'});
is db_value(q{SELECT solved_at = '2024-03-05 10:00+07' AND closed_at = '2024-03-05 10:00+07' AND created_at = '2024-03-04 08:00+07'
              FROM tickets WHERE id = ?}, $closed), 1, 'at the times of the old table, in the office\'s zone';
is db_value(q{SELECT body FROM ticket_activities WHERE ticket_id = ? AND kind = 'comment'}, $closed), 'Driver diganti.',
    'the resolution summary is on the timeline';
db_do('DROP SCHEMA legacy_t76 CASCADE');

done_testing;
