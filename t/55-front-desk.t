#!/usr/bin/perl
# The front desk: a visitor checked in and a letter registered each open a
# case (a ticket with a type, routed to a unit) in one transaction, with an
# Idempotency-Key honoured; a failure after the first insert leaves
# nothing; an operator reads the records of their subtree's cases only,
# acknowledges the case assigned to them (on the timeline, once); a visitor
# checks out once; the office's settings are the admins'.
use strict;
use warnings;
use utf8;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

sub code { (my $c = uc tag($_[0])) =~ s/[^A-Z0-9_-]/-/g; substr($c, 0, 32) }
sub unit {
    my $r = api('admin', POST => '/api/org-units', json => { @_ });
    die $r->body unless $r->status == 201;
    return $r->json->{id};
}
my $office = unit(code => code('DINAS'), name => 'Dinas Uji', type => 'root');
my $aptika = unit(code => code('APTIKA'), name => 'Bidang Aplikasi', type => 'bidang', parent_id => $office);
my $sandi = unit(code => code('SANDI'), name => 'Bidang Persandian', type => 'bidang', parent_id => $office);
my $op = "op55_$$";
db_do(q{INSERT INTO users (username, subject, name, role_id, org_unit_id) VALUES (?, ?, 'Operator 55', 3, ?)},
      $op, $op, $aptika);

my $walkin = { name => 'Siti Aminah', id_number => '3273014501900002', institution => 'SMKN 4 Bandung',
               phone => '+62 812-3456-7890', purpose => 'Konsultasi aplikasi perizinan', org_unit_id => $aptika };

# ---- the office's settings ----------------------------------------------------------

is_error api('expert', POST => '/api/visitors', json => $walkin), 422, 'validation_failed', 'org_unit_id',
    'an office without front desk settings takes no visitor';
# the office as a client of its own: a pharmacies entry without customers
my $client = api('admin', POST => '/api/pharmacies', json => { code => code('KANTOR'), name => 'Dinas Uji (meja depan)' })->json->{id};
is_error api('admin', PUT => "/api/org-units/$office/front-desk", json => { pharmacy_id => pharmacy_id('APT-A'),
    module_id => module_id('Penjualan'), visitor_category_id => category_id('Bug Sistem'),
    surat_category_id => category_id('Bug Sistem') }), 422, 'unknown_reference', undef,
    'a client with customer accounts, who would see the office\'s cases, is refused';
my $settings = { pharmacy_id => $client, module_id => module_id('Penjualan'),
                 visitor_category_id => category_id('Bug Sistem'), surat_category_id => category_id('Bug Sistem') };
is_error api('expert', PUT => "/api/org-units/$office/front-desk", json => $settings), 403, 'forbidden', undef,
    'a team expert does not set them';
is_error api('admin', PUT => "/api/org-units/$aptika/front-desk", json => $settings), 404, 'not_found', undef,
    'only an office (a root) has them';
is_error api('admin', PUT => "/api/org-units/$office/front-desk", json => { %$settings, module_id => 999999999 }), 422,
    'unknown_reference', undef, 'each entry must be an active one';
my $r = api('admin', PUT => "/api/org-units/$office/front-desk", json => $settings);
is $r->status, 200, 'an admin sets them';
is $r->json->{pharmacy_id}, $settings->{pharmacy_id}, '... as given';
is api('expert', GET => "/api/org-units/$office/front-desk")->json->{module_id}, $settings->{module_id}, 'staff read them';
is_error api($op, GET => "/api/org-units/$office/front-desk"), 404, 'not_found', undef, '... an operator of a unit below not';

# the unit's lead (its operator) and backup (another tech) hear of its new cases
for my $c ([lead => user_id($op)], [backup => user_id('tech2')]) {
    is api('admin', POST => '/api/org-unit-contacts', json => { org_unit_id => $aptika, kind => $c->[0], user_id => $c->[1] })
        ->status, 201, "the unit's $c->[0] is a tech";
}

# ---- a visitor checks in -------------------------------------------------------------------

my $before = db_value('SELECT count(*) FROM tickets');
$r = api('expert', POST => '/api/visitors', json => $walkin);
is $r->status, 201, 'a receptionist checks a visitor in: 201' or diag $r->body;
my $v = $r->json;
like $r->header('Location') // '', qr{/api/visitors/$v->{id}$}, '... Location names the visitor';
is_deeply [@$v{qw(name phone source org_unit_id status)}], ['Siti Aminah', '+6281234567890', 'walkin', $aptika, 'open'],
    '... the visitor as given, the number in E.164, a walk-in, their case open';
ok !defined $v->{checked_out_at}, '... still in';
my $case = api('expert', GET => "/api/tickets/$v->{ticket_id}")->json;
is_deeply [@$case{qw(case_type source org_unit_id number)}], ['visitor', 'walkin', $aptika, $v->{ticket_number}],
    'the case is a ticket of type visitor, from a walk-in, routed to the unit';
is db_value('SELECT count(*) FROM tickets'), $before + 1, '... one ticket for one visitor';
# the answer is built by the visitor's insert from the row it wrote: it
# must say what reading the visitor says
is_deeply $v, api('expert', GET => "/api/visitors/$v->{id}")->json, '... answered as the visitor reads';
my $told = notified($v->{ticket_id}, 'ticket_created');
ok((grep { $_ eq $op } @$told) && (grep { $_ eq 'tech2' } @$told), 'the unit\'s lead and backup hear of the new case')
    or diag "@$told";
ok(!(grep { $_ eq 'tech' } @$told), '... a tech who is no contact of it does not');
ok((grep { $_ eq 'expert2' } @$told), '... the other receptionists (team experts) do, as of every new case');

# idempotency: a retry gets the same answer and creates nothing
my $key = "visit-$$";
my $first = api('expert', POST => '/api/visitors', json => { %$walkin, name => 'Budi' }, headers => { 'Idempotency-Key' => $key });
is $first->status, 201, 'with an Idempotency-Key: 201';
my $again = api('expert', POST => '/api/visitors', json => { %$walkin, name => 'Budi' }, headers => { 'Idempotency-Key' => $key });
is $again->status, 201, '... the retry: 201 again';
is $again->json->{id}, $first->json->{id}, '... the same visitor';
is $again->header('Idempotent-Replayed'), 'true', '... replayed';
is db_value('SELECT count(*) FROM visitors WHERE name = ?', 'Budi'), 1, '... one visitor';
is_error api('expert', POST => '/api/visitors', json => { %$walkin, name => 'Lain' }, headers => { 'Idempotency-Key' => $key }),
    422, 'idempotency_key_reused', 'Idempotency-Key', 'the key with another body: 422';

# refused input creates nothing
$before = db_value('SELECT count(*) FROM tickets');
is_error api('expert', POST => '/api/visitors', json => { %$walkin, purpose => undef }), 422, 'validation_failed', 'purpose',
    'no purpose: 422';
is_error api('expert', POST => '/api/visitors', json => { %$walkin, source => 'qr' }), 422, 'validation_failed', 'source',
    'the QR source is the QR form\'s: 422';
is_error api('expert', POST => '/api/visitors', json => { %$walkin, id_number => '<script>' }), 422, 'validation_failed',
    'id_number', 'an identity number of other characters: 422';
is_error api('expert', POST => '/api/visitors', json => { %$walkin, phone => 'telepon saya' }), 422, 'validation_failed',
    'phone', 'a phone that is no number: 422';
is_error api('expert', POST => '/api/visitors', json => { %$walkin, org_unit_id => 999999999 }), 422, 'unknown_reference',
    'org_unit_id', 'an unknown unit: 422';
is_error api('expert', POST => '/api/visitors', json => { %$walkin, badge => 1 }), 422, 'unknown_field', 'badge',
    'an unknown member: 422';
# the case's insert reads the office's settings itself; what it refuses is
# then told apart
my $closed = unit(code => code('TUTUP'), name => 'Bidang Tutup', type => 'bidang', parent_id => $office);
db_do('UPDATE org_units SET active = false WHERE id = ?', $closed);
$r = api('expert', POST => '/api/visitors', json => { %$walkin, org_unit_id => $closed });
is_error $r, 422, 'unknown_reference', 'org_unit_id', 'an inactive unit: 422';
like $r->json->{error}{message}, qr/no active org unit/, '... said so';
my $retired = db_value(q{INSERT INTO ticket_categories (name) VALUES (?) RETURNING id}, tag('Kategori Lama'));
is api('admin', PUT => "/api/org-units/$office/front-desk", json => { %$settings, visitor_category_id => $retired })
    ->status, 200, 'the office files visitors under a category of their own';
db_do('UPDATE ticket_categories SET active = false WHERE id = ?', $retired);
my $last_number = q{SELECT pd_ticket_seq_last(extract(year FROM now() AT TIME ZONE 'Asia/Jakarta')::int)};
my $numbers = db_value($last_number);
$r = api('expert', POST => '/api/visitors', json => $walkin);
is_error $r, 422, 'unknown_reference', 'org_unit_id', '... which is then deactivated: 422';
like $r->json->{error}{message}, qr/no longer active/, '... said so';
is db_value($last_number), $numbers, '... and no number was drawn';
is api('admin', PUT => "/api/org-units/$office/front-desk", json => $settings)->status, 200, 'the settings restored';
is_error api($op, POST => '/api/visitors', json => $walkin), 403, 'forbidden', undef, 'an operator takes no visitors in';
is_error api('cust_a', POST => '/api/visitors', json => $walkin), 403, 'forbidden', undef, 'nor does a customer';
is db_value('SELECT count(*) FROM tickets'), $before, '... and none of these opened a case';

# a failure after the first insert: the case goes with it
db_do(q{CREATE FUNCTION t55_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 't55: refused'; END $$});
db_do(q{CREATE TRIGGER t55_refuse BEFORE INSERT ON visitors FOR EACH ROW
        WHEN (NEW.name = 'Gagal Setelah Tiket') EXECUTE FUNCTION t55_refuse()});
expect_error_log(qr/t55: refused/);
$before = db_value('SELECT count(*) FROM tickets');
$r = api('expert', POST => '/api/visitors', json => { %$walkin, name => 'Gagal Setelah Tiket' });
is $r->status, 503, 'the visitor\'s insert fails after the case\'s: 503';
is db_value('SELECT count(*) FROM tickets'), $before, '... and no case is left without its visitor';
is db_value(q{SELECT count(*) FROM tickets WHERE pic_name = 'Gagal Setelah Tiket'}), 0, '... not even its number\'s ticket';
db_do('DROP TRIGGER t55_refuse ON visitors');
db_do('DROP FUNCTION t55_refuse()');
# and the database refuses a case without its record whatever writes it
ok !eval {
    db_do(q{UPDATE tickets SET case_type = 'surat' WHERE id = ?}, $v->{ticket_id});
    1;
}, 'a case pointing to no letter is refused at commit';

# ---- a letter ---------------------------------------------------------------------------------

my $letter = { number => '005/UND/XII/2026', letter_date => '2026-12-01', sender => 'Kepala Dinas Pendidikan',
               sender_institution => 'Dinas Pendidikan', subject => 'Undangan rapat koordinasi',
               summary => "Rapat hari Senin.\nMohon hadir.", org_unit_id => $sandi };
$r = api('expert', POST => '/api/surat', json => $letter, headers => { 'Idempotency-Key' => "surat-$$" });
is $r->status, 201, 'a receptionist registers a letter: 201' or diag $r->body;
my $s = $r->json;
is_deeply [@$s{qw(number letter_date subject org_unit_id)}], ['005/UND/XII/2026', '2026-12-01', 'Undangan rapat koordinasi', $sandi],
    '... as given';
is_deeply $s, api('expert', GET => "/api/surat/$s->{id}")->json, '... answered as the letter reads';
my $scase = api('expert', GET => "/api/tickets/$s->{ticket_id}")->json;
is_deeply [@$scase{qw(case_type source org_unit_id)}], ['surat', 'surat_form', $sandi], '... its case a surat from the form';
is_error api('expert', POST => '/api/surat', json => { %$letter, letter_date => '2026-02-30' }), 422, 'validation_failed',
    'letter_date', 'a date that is none: 422';
is_error api('expert', POST => '/api/surat', json => { %$letter, subject => undef }), 422, 'validation_failed', 'subject',
    'no subject: 422';
my $pdf = upload('expert', $s->{ticket_id}, [[file => { filename => 'surat.pdf', type => 'application/pdf',
    content => "%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n" }]]);
is $pdf->status, 201, 'the scanned letter is the case\'s attachment';

# ---- operators: their subtree's records ---------------------------------------------------------

is api($op, GET => "/api/visitors/$v->{id}")->status, 200, 'the operator of the unit reads its visitor';
is_error api($op, GET => "/api/surat/$s->{id}"), 404, 'not_found', undef, '... not another unit\'s letter';
is api('manager', GET => "/api/surat/$s->{id}")->status, 200, 'staff read it';
is_error api('cust_a', GET => "/api/visitors/$v->{id}"), 403, 'forbidden', undef, 'a customer reads no visitor';
is_error api('expert', GET => '/api/visitors/999999999'), 404, 'not_found', undef, 'an unknown visitor: 404';

# ---- the case's lifecycle: assigned, acknowledged, worked ----------------------------------------

my $tid = $v->{ticket_id};
$r = api('expert', PATCH => "/api/tickets/$tid", json => { status => 'in_review' });
is $r->status, 200, 'triaged: in_review' or diag $r->body;
$r = api('expert', PATCH => "/api/tickets/$tid", json => { tech_id => user_id($op), note => 'Mohon ditemui di lobi.' });
is $r->status, 200, 'assigned to the unit\'s operator' or diag $r->body;
ok api($op, GET => "/api/tickets/$tid")->json->{allowed}{acknowledge}, 'the operator is offered to acknowledge it';
ok !api('tech', GET => "/api/tickets/$tid")->json->{allowed}{acknowledge}, '... another tech is not';
is_error api('tech', POST => "/api/tickets/$tid/acknowledge"), 403, 'not_assigned', undef, 'another tech does not acknowledge it';
is_error api('expert', POST => "/api/tickets/$tid/acknowledge"), 403, 'forbidden', undef, 'nor a receptionist';
$r = api($op, POST => "/api/tickets/$tid/acknowledge");
is $r->status, 200, 'the operator acknowledges it' or diag $r->body;
ok $r->json->{acknowledged_at}, '... when is on the case';
my ($ack) = grep { ($_->{field} // '') eq 'acknowledged' } @{ api('expert', GET => "/api/tickets/$tid/activities")->json->{items} };
ok $ack && $ack->{actor}{id} == user_id($op), '... and on the timeline, by the operator';
is_error api($op, POST => "/api/tickets/$tid/acknowledge"), 409, 'conflict', undef, '... once';
ok !api($op, GET => "/api/tickets/$tid")->json->{allowed}{acknowledge}, '... and is offered no more';
$r = api($op, PATCH => "/api/tickets/$tid", json => { status => 'in_progress', note => 'Sedang ditangani.' });
is $r->status, 200, 'the operator works it: in_progress' or diag $r->body;
$r = api($op, POST => "/api/tickets/$tid/escalate", json => { reason => 'Perlu keputusan kepala bidang.' });
is $r->status, 200, 'and escalates it' or diag $r->body;

# ---- who is in the building ------------------------------------------------------------------

my @in = map { $_->{id} } @{ api('expert', GET => '/api/visitors', query => { present => 'true' })->json->{items} };
ok((grep { $_ == $v->{id} } @in), 'the visitor is listed among those in the building');
my @op_sees = map { $_->{org_unit_id} } @{ api($op, GET => '/api/visitors')->json->{items} };
ok(@op_sees && !(grep { $_ != $aptika } @op_sees), 'an operator lists their subtree\'s visitors only');

# ---- check-out -------------------------------------------------------------------------------------

$r = api('expert', POST => "/api/visitors/$v->{id}/check-out");
is $r->status, 200, 'the visitor checks out';
ok $r->json->{checked_out_at}, '... the time recorded';
is_error api('expert', POST => "/api/visitors/$v->{id}/check-out"), 409, 'conflict', undef, '... once';
is api('expert', GET => "/api/tickets/$tid")->json->{status}, 'in_progress', '... their case goes on';
ok !(grep { $_->{id} == $v->{id} } @{ api('expert', GET => '/api/visitors', query => { present => 'true' })->json->{items} }),
    '... and they are no longer among those in the building';

done_testing;
