#!/usr/bin/perl
# scripts/import against the running server: a file checked in batches
# (problems numbered by the file's rows, nothing written), imported, then
# imported again (nothing created); no credentials, a role that may not
# import, and a file that is not JSON.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use File::Temp qw(tempfile);
use PD::Test;
use PD::Fixtures;

my $SOURCE = "cli-$$";

sub file_with {
    my (@tickets) = @_;
    my ($fh, $path) = tempfile(DIR => $ENV{PD_TEST_RUN_DIR} // $ENV{TMPDIR}, SUFFIX => '.json', UNLINK => 1);
    print {$fh} ref $tickets[0] ? $JSON->encode({ format => 'tickets', source => $SOURCE, tickets => \@tickets }) : $tickets[0];
    close $fh;
    return $path;
}

sub legacy {
    my ($n, %f) = @_;
    return { source_id => "C-$n", created_at => '2023-02-01T08:00:00+07:00', pharmacy => 'APT-B', module => 'Penjualan',
             category => 'Bug Sistem', status => 'closed', title => "Keluhan lama $n", description => 'Dari sistem lama.',
             pic_name => 'Rina', contact => '0811', created_by => 'cust_b',
             events => [{ kind => 'comment', at => '2023-02-01T09:00:00+07:00', author => 'expert', body => 'Ditangani.' }], %f };
}

my %admin = (PHARMADESK_TOKEN => token_for('admin'));
my $tickets = sub { db_value('SELECT count(*) FROM ticket_imports WHERE source = ?', $SOURCE) };

# a problem in the fourth row, in the second batch of three
my $bad = file_with(map { legacy($_, $_ == 4 ? (pharmacy => 'APT-NOPE') : ()) } 1 .. 5);
my ($rc, $out, $err) = run_import(\%admin, '--batch', 3, $bad);
is $rc, 1, 'a file with a problem: exit 1';
like $err, qr/^row 4 \(C-4\) pharmacy: unknown_reference: /m, 'the problem by the file\'s row, source id and field';
like $out, qr/checked batch 2 of 2/, 'both batches checked';
is $tickets->(), 0, 'and nothing imported, not even the first batch';

my $good = file_with(map { legacy($_) } 1 .. 5);
($rc, $out, $err) = run_import(\%admin, '--batch', 3, '--dry-run', $good);
is $rc, 0, 'a dry run of a good file';
like $out, qr/checked: 5 to create, 0 imported before/, 'says what it would create';
is $tickets->(), 0, 'and writes nothing';

($rc, $out, $err) = run_import(\%admin, '--batch', 3, $good);
is $rc, 0, 'the import' or diag $err;
like $out, qr/imported: 5 created, 0 imported before/, 'five created';
is $tickets->(), 5, 'five tickets imported';
is db_value(q{SELECT count(*) FROM tickets t JOIN ticket_imports i ON i.ticket_id = t.id
              WHERE i.source = ? AND t.created_at = '2023-02-01T08:00:00+07:00'}, $SOURCE), 5, 'at their original times';

($rc, $out, $err) = run_import(\%admin, $good);
is $rc, 0, 'the same file again';
like $out, qr/imported: 0 created, 5 imported before/, 'creates nothing';
is $tickets->(), 5, 'still five';

{
    my ($fh, $path) = tempfile(DIR => $ENV{PD_TEST_RUN_DIR} // $ENV{TMPDIR}, UNLINK => 1);
    print {$fh} token_for('admin'), "\n";
    close $fh;
    ($rc, $out) = run_import({ PHARMADESK_TOKEN_FILE => $path }, '--dry-run', $good);
    is $rc, 0, 'a token from a file';
}

($rc, $out, $err) = run_import({}, $good);
is $rc, 2, 'no credentials: exit 2';
like $err, qr/no credentials/, 'and says so';
($rc, $out, $err) = run_import({ PHARMADESK_TOKEN => token_for('expert') }, $good);
is $rc, 2, 'an expert: exit 2';
like $err, qr/HTTP 403 forbidden/, 'the server refused';
($rc, $out, $err) = run_import(\%admin, file_with('{"format": "tickets", '));
is $rc, 2, 'a file that is not JSON: exit 2';
like $err, qr/is not JSON/, 'and says so';
($rc, $out, $err) = run_import(\%admin, file_with('{"format": "tickets", "source": "x", "tickets": []}'));
is $rc, 2, 'a file without tickets: exit 2';

done_testing;
