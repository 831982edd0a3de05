#!/usr/bin/perl
# The migration that numbers timelines per ticket, on a database with
# history: a scratch database gets the migrations before it, tickets with
# public and internal entries and files, then the rest. Old entries are
# numbered as new ones would be, and attachments get public ids.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Scratch;

my $scratch = PD::Scratch->new('pd_numbers', qr/_timeline_numbers\.sql$/);
ok $scratch, 'the numbering migration is there' or BAIL_OUT('no *_timeline_numbers.sql');

# ---- the history, before the numbering -------------------------------------------

my ($rc, $out) = $scratch->migrate_before;
is $rc, 0, 'the migrations before the numbering apply' or diag $out;

my $dbh = $scratch->dbh;
my $val = sub { my ($sql, @b) = @_; ($dbh->selectrow_array($sql, undef, @b))[0] };
my $pharmacy = $val->(q{INSERT INTO pharmacies (code, name) VALUES ('NUM-A', 'Apotek Nomor') RETURNING id});
my $user = $val->(q{INSERT INTO users (username, name, role_id, pharmacy_id) VALUES ('num_c', 'Num', 4, ?) RETURNING id},
    $pharmacy);
my @tickets = map {
    $val->(q{INSERT INTO tickets (number, pharmacy_id, pic_name, contact, module_id, category_id, title,
        description, source, created_by) VALUES (?, ?, 'PIC', '0812', 1, 1, 'Nomor', 'Deskripsi', 'customer', ?)
        RETURNING id}, "PD-NUM-$_", $pharmacy, $user)
} 1 .. 2;
# the two tickets' entries interleaved, as in a live system, so that the
# ids of each ticket's entries have gaps
for my $v (qw(public public internal public internal internal public)) {
    for my $t (@tickets) {
        $dbh->do(q{INSERT INTO ticket_activities (ticket_id, user_id, kind, body, visibility)
            VALUES (?, ?, ?, 'isi', ?)}, undef, $t, $user, $v eq 'public' ? 'comment' : 'note', $v);
    }
}
my @files = map {
    $val->(q{INSERT INTO ticket_attachments (ticket_id, user_id, file_name, content_type, size_bytes, sha256,
        visibility, storage, storage_key) VALUES (?, ?, ?, 'image/png', 1, ?, ?, 'postgresql', ?) RETURNING id},
        $tickets[0], $user, "f$_.png", '0' x 64, $_ % 2 ? 'public' : 'internal', "k$_")
} 1 .. 4;

# ---- the numbering ------------------------------------------------------------------

($rc, $out) = $scratch->migrate_rest;
is $rc, 0, 'the numbering and the rest apply to a database with history' or diag $out;

for my $t (@tickets) {
    my $rows = $dbh->selectall_arrayref(
        'SELECT id, seq, public_seq, visibility FROM ticket_activities WHERE ticket_id = ? ORDER BY id', undef, $t);
    is_deeply [map { $_->[1] } @$rows], [1 .. @$rows], "ticket $t: every entry numbered 1, 2, 3 ... in the order written";
    my @public = grep { $_->[3] eq 'public' } @$rows;
    is_deeply [map { $_->[2] } @public], [1 .. @public], "ticket $t: the public ones numbered among themselves";
    ok !(grep { $_->[3] eq 'internal' && defined $_->[2] } @$rows), "ticket $t: internal ones have no public number";
}

# new entries continue each ticket's numbers
my ($seq, $public_seq) = $dbh->selectrow_array(q{INSERT INTO ticket_activities (ticket_id, user_id, kind, body)
    VALUES (?, ?, 'comment', 'baru') RETURNING seq, public_seq}, undef, $tickets[0], $user);
my ($n, $np) = $dbh->selectrow_array(q{SELECT count(*), count(public_seq) FROM ticket_activities WHERE ticket_id = ?},
    undef, $tickets[0]);
is_deeply [$seq, $public_seq], [$n, $np], 'a new public entry takes the next of both numbers';
($seq, $public_seq) = $dbh->selectrow_array(q{INSERT INTO ticket_activities (ticket_id, user_id, kind, body, visibility)
    VALUES (?, ?, 'note', 'baru', 'internal') RETURNING seq, public_seq}, undef, $tickets[0], $user);
is_deeply [$seq, $public_seq], [$n + 1, undef], 'a new internal one the next entry number and no public one';
ok !eval { $dbh->do(q{INSERT INTO ticket_activities (ticket_id, user_id, kind, body, seq, public_seq)
    VALUES (?, ?, 'comment', 'x', 1, 1)}, undef, $tickets[0], $user); 1 }, 'a number given twice is refused';
ok !eval { $dbh->do(q{INSERT INTO ticket_activities (ticket_id, user_id, kind, body, visibility, seq, public_seq)
    VALUES (?, ?, 'note', 'x', 'internal', 1000, 1000)}, undef, $tickets[0], $user); 1 },
    'an internal entry with a public number is refused';

my $ids = $dbh->selectall_arrayref('SELECT id, public_id FROM ticket_attachments ORDER BY id');
is scalar(@$ids), scalar(@files), 'every attachment is still there';
ok !(grep { !defined $_->[1] || $_->[1] < 1 || $_->[1] > 2**53 } @$ids), '... each with a public id a JavaScript number holds';
my %seen = map { $_->[1] => 1 } @$ids;
is scalar(keys %seen), scalar(@files), '... all different';
my $new = $val->(q{INSERT INTO ticket_attachments (ticket_id, user_id, file_name, content_type, size_bytes, sha256,
    storage, storage_key) VALUES (?, ?, 'g.png', 'image/png', 1, ?, 'postgresql', 'k9') RETURNING public_id},
    $tickets[1], $user, '0' x 64);
ok $new && !$seen{$new}, 'a new attachment gets one of its own';

# the scratch database goes
undef $dbh;
undef $scratch;
done_testing;
