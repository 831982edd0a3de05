#!/usr/bin/perl
# POST /api/imports, format "guestbook": a front desk's history (cases
# with their visitor or letter and their events) from the browser
# guestbook. A dry run reports every invalid row and conflict and writes
# nothing; the import writes each case as a ticket of its type, routed to
# its unit, with its visitor or letter, its state, and its events on the
# timeline with their times and actors, notifying nobody; running it
# again creates nothing; the dashboard's counts stay those of a recount.
use strict;
use warnings;
use utf8;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use File::Temp ();
use PD::Test;
use PD::Fixtures;

my $fd = front_desk_office('Dinas Uji 77', [aptika => 'Bidang Aplikasi 77', 'bidang'],
                           [sandi => 'Bidang Persandian 77', 'bidang']);
my %code = map { $_ => db_value('SELECT code FROM org_units WHERE id = ?', $fd->{$_}) } qw(aptika sandi);
my $op = "op77_$$";
db_do(q{INSERT INTO users (username, subject, name, role_id, org_unit_id) VALUES (?, ?, 'Operator 77', 3, ?)},
      $op, $op, $fd->{aptika});
my $SOURCE = "bukutamu-$$";

# The guestbook's export: a walk-in visitor whose case went the whole way,
# a letter still new, a visitor checked out whose case was cancelled.
sub cases {
    return [
        { id => 'c-1', type => 'visitor', unit => $code{aptika}, state => 'closed',
          created_at => '2025-08-04T09:00:00+07:00', created_by => 'expert', operator => $op,
          visitor => { name => 'Siti Aminah', id_number => '3273014501900002', institution => 'SMKN 4 Bandung',
                       phone => '+62 812-3456-7890', purpose => 'Konsultasi aplikasi perizinan',
                       checked_in_at => '2025-08-04T09:00:00+07:00', checked_out_at => '2025-08-04T10:30:00+07:00' },
          events => [
              { kind => 'state', at => '2025-08-04T09:02:00+07:00', by => 'expert', state => 'triaged' },
              { kind => 'assign', at => '2025-08-04T09:03:00+07:00', by => 'expert', to => $op },
              { kind => 'acknowledge', at => '2025-08-04T09:05:00+07:00', by => $op },
              { kind => 'note', at => '2025-08-04T09:20:00+07:00', by => $op, body => 'Sudah dijelaskan alurnya.' },
              { kind => 'escalate', at => '2025-08-04T09:40:00+07:00', by => $op, body => 'Butuh keputusan kepala bidang.' },
              { kind => 'state', at => '2025-08-04T09:45:00+07:00', by => $op, state => 'in_progress' },
              { kind => 'state', at => '2025-08-04T10:30:00+07:00', by => $op, state => 'closed' },
          ] },
        { id => 'c-2', type => 'surat', unit => $code{sandi}, state => 'new',
          created_at => '2025-08-05T08:15:00+07:00', created_by => 'expert',
          surat => { number => '005/UND/2025', letter_date => '2025-08-01', sender => 'Camat Coblong',
                     sender_institution => 'Kecamatan Coblong', subject => 'Undangan rapat koordinasi',
                     summary => "Rapat koordinasi\nkeamanan informasi" } },
        { id => 7, type => 'visitor', unit => $code{aptika}, state => 'cancelled',
          created_at => '2025-08-06T13:00:00+07:00',
          visitor => { name => 'Budi', purpose => 'Salah alamat', source => 'register' },
          events => [{ kind => 'state', at => '2025-08-06T13:05:00+07:00', by => 'expert', state => 'cancelled' }] },
    ];
}
sub import_batch {
    my ($cases, %opt) = @_;
    return api($opt{as} // 'admin', POST => '/api/imports',
               json => { format => 'guestbook', source => $SOURCE, cases => $cases,
                         (exists $opt{dry_run} ? (dry_run => $opt{dry_run}) : ()) });
}
# What an import writes, counted. The timeline's count leaves out the
# system's entries: the background work (the service level sweep, the
# auto-close) adds them to other tests' tickets at any moment.
sub footprint {
    return join ',', map { db_value($_) } ('SELECT count(*) FROM tickets',
        'SELECT count(*) FROM ticket_activities WHERE user_id IS NOT NULL',
        'SELECT count(*) FROM visitors', 'SELECT count(*) FROM surat', 'SELECT count(*) FROM ticket_imports');
}

# ---- invalid rows: every one reported, nothing written --------------------------------------

my $before = footprint();
my @bad = @{ cases() };
$bad[0] = { %{ $bad[0] }, visitor => { %{ $bad[0]{visitor} }, id_number => 'NIK#1', phone => 'telepon' },
            operator => 'nobody_here' };
$bad[1] = { %{ $bad[1] }, unit => 'NO-SUCH-UNIT', surat => { %{ $bad[1]{surat} }, letter_date => '01/08/2025' } };
$bad[2] = { %{ $bad[2] }, state => 'lost', events => [{ kind => 'teleport', at => 'yesterday' }] };
push @bad, { %{ cases()->[0] }, id => 'c-9',
             visitor => { %{ cases()->[0]{visitor} }, checked_out_at => '2025-08-04T08:00:00+07:00' } };
push @bad, { id => 'c-1', type => 'surat', unit => $code{sandi}, created_at => '2025-08-07T08:00:00+07:00',
             surat => { number => '1', letter_date => '2025-08-07', sender => 'A', subject => 'B' } };
my $r = import_batch(\@bad, dry_run => JSON::PP::true());
is $r->status, 200, 'a dry run of a batch with problems: 200' or diag $r->body;
my %got = map { ("$_->{index}:" . ($_->{field} // '')) => $_->{code} } @{ $r->json->{problems} };
is_deeply [sort keys %got], [sort '0:visitor.id_number', '0:visitor.phone', '1:surat.letter_date', '2:state',
    '2:events[0].kind', '3:visitor.checked_out_at'],
    'each invalid field of each row, checked as the API checks it, then by the database' or diag explain $r->json;
$r = import_batch([$bad[3]], dry_run => JSON::PP::true());
is_deeply [map { "$_->{index}:$_->{field}:$_->{code}" } @{ $r->json->{problems} }],
    ['0:visitor.checked_out_at:validation_failed'], 'a visitor out before they came in: refused';
is $r->json->{would_create}, 0, '... nothing would be created';
is footprint(), $before, '... and nothing was written';

# references and conflicts are the database's to find: a batch of valid rows
@bad = @{ cases() };
$bad[0] = { %{ $bad[0] }, operator => 'nobody_here' };
$bad[1] = { %{ $bad[1] }, unit => 'NO-SUCH-UNIT' };
push @bad, { %{ cases()->[2] }, created_at => '2025-08-08T08:00:00+07:00' };
$r = import_batch(\@bad, dry_run => JSON::PP::true());
%got = map { ("$_->{index}:" . ($_->{field} // '')) => $_->{code} } @{ $r->json->{problems} };
is_deeply \%got, { '0:operator' => 'unknown_reference', '1:unit' => 'unknown_reference', '3:source_id' => 'conflict',
    '2:source_id' => 'conflict', '3:events[0].at' => 'validation_failed' },
    'an unknown operator and unit, a source id twice in the batch, an event before its case' or diag explain $r->json;
$r = import_batch(\@bad);
is $r->status, 422, 'imported anyway: 422';
is $r->json->{error}{code}, 'import_refused', '... refused';
is footprint(), $before, '... nothing written';

# ---- the dry run, then the import ------------------------------------------------------------------

$r = import_batch(cases(), dry_run => JSON::PP::true());
is $r->status, 200, 'a dry run of a valid export';
is_deeply [@{ $r->json }{qw(would_create already_imported problem_count)}], [3, 0, 0], '... would create three cases';
is footprint(), $before, '... writes nothing';

$r = import_batch(cases());
is $r->status, 201, 'the import: 201' or diag $r->body;
is $r->json->{created}, 3, '... three cases';
my %t = map { $_->{source_id} => $_->{id} } @{ $r->json->{tickets} };
# the outbox of the imported cases only: the background work's service
# level events about other tests' tickets may land at any moment
is db_value('SELECT count(*) FROM notify_outbox WHERE ticket_id = ANY(?)', [values %t]), 0,
    '... notifying nobody';

my $c1 = api('expert', GET => "/api/tickets/$t{'c-1'}")->json;
is_deeply [@$c1{qw(case_type org_unit_id status source)}], ['visitor', $fd->{aptika}, 'closed', 'walkin'],
    'the visitor\'s case: its type, unit, final status, a walk-in';
is $c1->{tech}{id}, user_id($op), '... worked by its operator';
ok $c1->{acknowledged_at} && $c1->{escalated}, '... acknowledged and escalated';
like $c1->{created_at}, qr/^2025-08-04T0[29]:00:00/, '... created when it came';
my $v = api('expert', GET => "/api/visitors/$c1->{case_record_id}")->json;
is_deeply [@$v{qw(name id_number phone institution purpose)}],
    ['Siti Aminah', '3273014501900002', '+6281234567890', 'SMKN 4 Bandung', 'Konsultasi aplikasi perizinan'],
    'its visitor, the phone in E.164';
ok $v->{checked_out_at}, '... checked out';
my @tl = map { [$_->{kind}, $_->{field} // '', $_->{actor} ? $_->{actor}{id} : 0] }
    @{ api('expert', GET => "/api/tickets/$t{'c-1'}/activities", query => { limit => 100 })->json->{items} };
is_deeply \@tl, [['created', '', user_id('expert')], ['status_changed', 'status', user_id('expert')],
    ['assigned', 'tech_id', user_id('expert')], ['field_changed', 'acknowledged', user_id($op)],
    ['note', '', user_id($op)], ['escalation', 'escalated', user_id($op)], ['status_changed', 'status', user_id($op)],
    ['status_changed', 'status', user_id($op)]], 'the timeline: each event in time order, by its actor'
    or diag explain \@tl;
my @at = map { $_->[0] } db_query(q{SELECT to_char(created_at AT TIME ZONE 'Asia/Jakarta', 'HH24:MI') FROM ticket_activities
    WHERE ticket_id = ? ORDER BY seq}, $t{'c-1'});
is_deeply \@at, [qw(09:00 09:02 09:03 09:05 09:20 09:40 09:45 10:30)], '... at their times';

my $c2 = api('expert', GET => "/api/tickets/$t{'c-2'}")->json;
is_deeply [@$c2{qw(case_type org_unit_id status source)}], ['surat', $fd->{sandi}, 'open', 'surat_form'],
    'the letter\'s case: new, for its unit';
my $s = api('expert', GET => "/api/surat/$c2->{case_record_id}")->json;
is_deeply [@$s{qw(number letter_date sender subject)}], ['005/UND/2025', '2025-08-01', 'Camat Coblong',
    'Undangan rapat koordinasi'], '... its letter';
my $c3 = api('expert', GET => "/api/tickets/$t{7}")->json;
is_deeply [@$c3{qw(status source)}], ['cancelled', 'register'], 'a numeric id; a cancelled case, booked ahead';
is_deeply [sort map { $_->{id} } @{ api($op, GET => '/api/tickets', query => { case_type => 'any' })->json->{items} }],
    [sort $t{'c-1'}, $t{7}], 'the operator sees their unit\'s imported cases only';

# ---- again: nothing new ------------------------------------------------------------------------

my $after = footprint();
$r = import_batch(cases());
is $r->status, 200, 'the same export again: 200';
is_deeply [@{ $r->json }{qw(created already_imported)}], [0, 3], '... nothing created, three known';
is footprint(), $after, '... and nothing written';

# ---- the counts stay exact -------------------------------------------------------------------------

ok wait_until(sub { !db_value('SELECT count(*) FROM dashboard_deltas') }, 30), 'the pending counts compacted';
my $kept = join "\n", map { join '|', map { $_ // '' } @$_ }
    @{ PD::Test::_dbh()->selectall_arrayref('SELECT * FROM dashboard_counts WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5') };
db_do('SELECT pd_dashboard_rebuild()');
wait_until(sub { !db_value('SELECT count(*) FROM dashboard_deltas') }, 30);
is join("\n", map { join '|', map { $_ // '' } @$_ }
    @{ PD::Test::_dbh()->selectall_arrayref('SELECT * FROM dashboard_counts WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5') }),
    $kept, 'the dashboard\'s counts are those of a recount';

# ---- scripts/import: the same file format, in batches ------------------------------------------

{
    my @more = map { { id => "cli-$_", type => 'visitor', unit => $code{sandi}, state => 'closed',
                       created_at => "2025-09-0${_}T08:00:00+07:00",
                       visitor => { name => "Tamu $_", purpose => 'Legalisir dokumen' } } } 1 .. 3;
    my ($fh, $path) = File::Temp::tempfile(DIR => $ENV{PD_TEST_RUN_DIR} // $ENV{TMPDIR}, SUFFIX => '.json', UNLINK => 1);
    print {$fh} $PD::Test::JSON->encode({ format => 'guestbook', source => "$SOURCE-cli", cases => \@more });
    close $fh;
    my %admin = (PHARMADESK_TOKEN => token_for('admin'));
    my $cli = sub { db_value('SELECT count(*) FROM ticket_imports WHERE source = ?', "$SOURCE-cli") };
    my ($rc, $out) = run_import(\%admin, '--batch', 2, '--dry-run', $path);
    is $rc, 0, 'scripts/import --dry-run of a guestbook file: checked' or diag $out;
    is $cli->(), 0, '... nothing written';
    ($rc, $out) = run_import(\%admin, '--batch', 2, $path);
    is $rc, 0, 'scripts/import: imported in batches' or diag $out;
    is $cli->(), 3, '... three cases';
    ($rc, $out) = run_import(\%admin, '--batch', 2, $path);
    is $rc, 0, '... again:';
    is $cli->(), 3, '... nothing more';
}

is_error api('expert', POST => '/api/imports', json => { format => 'guestbook', source => 'x', cases => cases() }),
    403, 'forbidden', undef, 'a receptionist does not import';
is_error api('admin', POST => '/api/imports', json => { format => 'guestbook', source => 'x', tickets => cases() }),
    422, 'unknown_field', 'tickets', 'the guestbook holds cases, not tickets';

done_testing;
