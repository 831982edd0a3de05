#!/usr/bin/perl
# The visitor's and the letter's records, as their pages read them: each
# with its unit's name and its case's state; a visitor's identity number in
# full for receptionists and admins, masked for everyone else; an operator
# reads the records of their subtree's cases only (another unit's is a
# 404, like one that does not exist), a customer none; every ticket says
# its record (case_record_id); the lists by case; the check-out offered
# only while the visitor is in and to those who may.
use strict;
use warnings;
use utf8;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

my $fd = front_desk_office('Dinas Uji 59', [aptika => 'Bidang Aplikasi 59', 'bidang'],
                           [warroom => 'UPT War Room 59', 'upt', 'aptika'], [sandi => 'Bidang Persandian 59', 'bidang']);
my ($office, $aptika, $warroom, $sandi) = @$fd{qw(office aptika warroom sandi)};
my %op;
for my $u ([a => $aptika], [b => $sandi]) {
    my $name = "op59$u->[0]_$$";
    db_do(q{INSERT INTO users (username, subject, name, role_id, org_unit_id) VALUES (?, ?, ?, 3, ?)},
          $name, $name, "Operator 59 $u->[0]", $u->[1]);
    $op{ $u->[0] } = $name;
}

my $r = api('expert', POST => '/api/visitors', json => { name => 'Siti Aminah', id_number => '3273014501900002',
    institution => 'SMKN 4 Bandung', phone => '+62 812-3456-7890', purpose => 'Konsultasi aplikasi',
    org_unit_id => $warroom });
is $r->status, 201, 'a visitor checks in' or diag $r->body;
my $v = $r->json;
ok $v->{allowed}{check_out}, '... the answer offers the receptionist the check-out';
$r = api('expert', POST => '/api/surat', json => { number => "045/DK/$$", letter_date => '2026-11-30',
    sender => 'Kepala Sekolah', sender_institution => 'SMKN 4 Bandung', subject => 'Permohonan kunjungan',
    summary => "Kunjungan industri\n40 siswa", org_unit_id => $aptika });
is $r->status, 201, 'a letter is registered' or diag $r->body;
my $s = $r->json;

# ---- the visitor ------------------------------------------------------------------------

$r = api('expert', GET => "/api/visitors/$v->{id}");
is $r->status, 200, 'a receptionist reads the visitor';
my $got = $r->json;
is_deeply [@$got{qw(name id_number institution purpose org_unit_id org_unit_name source)}],
    ['Siti Aminah', '3273014501900002', 'SMKN 4 Bandung', 'Konsultasi aplikasi', $warroom, 'UPT War Room 59', 'walkin'],
    '... who, the identity number in full, from where, for which unit by name';
ok !$got->{id_number_masked}, '... not masked';
is $got->{created_by_name}, db_value('SELECT name FROM users WHERE username = ?', 'expert'), '... who registered them';
is_deeply [@{ $got->{case} }{qw(id number status tech_id acknowledged_at escalated)}],
    [$v->{ticket_id}, $v->{ticket_number}, 'open', undef, undef, JSON::PP::false()], '... their case, new';
ok $got->{allowed}{check_out}, '... the receptionist may check them out';
is api('admin', GET => "/api/visitors/$v->{id}")->json->{id_number}, '3273014501900002', 'an admin: in full too';

$r = api($op{a}, GET => "/api/visitors/$v->{id}");
is $r->status, 200, 'the operator of a unit above the visitor\'s reads them';
is $r->json->{id_number}, '************0002', '... the identity number masked but for its last four';
ok $r->json->{id_number_masked}, '... and said to be';
ok !$r->json->{allowed}{check_out}, '... no check-out for an operator';
is api('manager', GET => "/api/visitors/$v->{id}")->json->{id_number}, '************0002', 'a manager: masked';
is_error api($op{b}, GET => "/api/visitors/$v->{id}"), 404, 'not_found', undef,
    'another unit\'s operator: 404, as for none';
is_error api('expert', GET => '/api/visitors/999999999'), 404, 'not_found', undef, 'no such visitor: 404';
is_error api('cust_a', GET => "/api/visitors/$v->{id}"), 403, 'forbidden', undef, 'a customer: refused';
$r = api($op{a}, GET => '/api/visitors', query => { ticket_id => $v->{ticket_id} });
is_deeply [map { $_->{id} } @{ $r->json->{items} }], [$v->{id}], 'the visitors\' list by case';
is $r->json->{items}[0]{id_number}, '************0002', '... masked there too';
is_deeply api($op{b}, GET => '/api/visitors', query => { ticket_id => $v->{ticket_id} })->json->{items}, [],
    '... another unit\'s operator: none';
is_error api('expert', GET => '/api/visitors', query => { ticket_id => 'x' }), 400, 'invalid_parameter', 'ticket_id',
    'a bad case id: 400';

# a short identity number shows half of it at most
db_do('UPDATE visitors SET id_number = ? WHERE id = ?', 'A123', $v->{id});
is api($op{a}, GET => "/api/visitors/$v->{id}")->json->{id_number}, '**23', 'a short number: half of it at most';
db_do('UPDATE visitors SET id_number = ? WHERE id = ?', '3273014501900002', $v->{id});

# ---- the letter ---------------------------------------------------------------------------

$r = api($op{a}, GET => "/api/surat/$s->{id}");
is $r->status, 200, 'the unit\'s operator reads the letter';
is_deeply [@{ $r->json }{qw(number letter_date sender sender_institution subject summary org_unit_name)}],
    ["045/DK/$$", '2026-11-30', 'Kepala Sekolah', 'SMKN 4 Bandung', 'Permohonan kunjungan', "Kunjungan industri\n40 siswa",
     'Bidang Aplikasi 59'], '... as registered, with its unit\'s name';
is $r->json->{case}{number}, $s->{ticket_number}, '... and its case';
is_error api($op{b}, GET => "/api/surat/$s->{id}"), 404, 'not_found', undef, 'another unit\'s operator: 404';
is_error api('cust_a', GET => "/api/surat/$s->{id}"), 403, 'forbidden', undef, 'a customer: refused';
is_deeply [map { $_->{id} } @{ api('expert', GET => '/api/surat', query => { ticket_id => $s->{ticket_id} })->json->{items} }],
    [$s->{id}], 'the letters\' list by case';
ok((grep { $_->{id} == $s->{id} } @{ api('expert', GET => '/api/surat')->json->{items} }), '... and the newest letters');
is_deeply api($op{b}, GET => '/api/surat')->json->{items}, [], '... none of another unit\'s for an operator';
is_error api('cust_a', GET => '/api/surat'), 403, 'forbidden', undef, '... a customer: refused';
is_error api('expert', GET => '/api/surat', query => { present => 'true' }), 400, 'unknown_parameter', undef,
    '... a parameter it does not take: 400';

# ---- every ticket says its record ------------------------------------------------------------

is api('expert', GET => "/api/tickets/$v->{ticket_id}")->json->{case_record_id}, $v->{id}, 'a visitor\'s case names the visitor';
is api('expert', GET => "/api/tickets/$s->{ticket_id}")->json->{case_record_id}, $s->{id}, 'a letter\'s case names the letter';
my $plain = create_ticket('expert', title => tag('Biasa'))->json;
ok exists $plain->{case_record_id} && !defined $plain->{case_record_id}, 'a helpdesk ticket: null';
my ($listed) = grep { $_->{id} == $v->{ticket_id} }
    @{ api('expert', GET => '/api/tickets', query => { case_type => 'visitor', org_unit_subtree => $office })->json->{items} };
is $listed->{case_record_id}, $v->{id}, 'a list\'s ticket names its record too';

# ---- checking out ----------------------------------------------------------------------------

# photos and scans are the case's attachments
is upload('expert', $v->{ticket_id}, [[file => { filename => 'foto.png', content => "\x89PNG\r\n\x1a\n" . ("\x00\x00\x00\x0dIHDR" x 20) }]])
    ->status, 201, 'the visitor\'s photo goes to their case';
$r = api('expert', POST => "/api/visitors/$v->{id}/check-out", json => {});
is $r->status, 200, 'the receptionist checks the visitor out';
ok $r->json->{checked_out_at}, '... when';
ok !$r->json->{allowed}{check_out}, '... and is offered it no more';
is_error api($op{a}, POST => "/api/visitors/$v->{id}/check-out", json => {}), 403, 'forbidden', undef,
    'an operator checks no one out';

done_testing;
