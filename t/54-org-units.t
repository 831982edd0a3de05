#!/usr/bin/perl
# Organisation: org units in a tree (cycles refused by the API and by the
# database), their contacts, the directory; deactivating a unit with open
# cases or active units below it refused with the reason; the ticket list
# by unit and by subtree; and an operator (a tech with an org unit) scoped
# to their unit's subtree on every path: list, search, export, a ticket,
# its timeline, its files, writes, the directory and the tree; the counts
# across units (dashboard, reports, users) refused.
use strict;
use warnings;
use utf8;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

sub code { (my $c = uc tag($_[0])) =~ s/[^A-Z0-9_-]/-/g; substr($c, 0, 32) }
sub ids_of { [sort { $a <=> $b } map { $_->{id} } @{ $_[0]->json->{items} // [] }] }

my $base = '/api/org-units';

# ---- the tree ------------------------------------------------------------------

sub unit {
    my (%b) = @_;
    my $r = api('admin', POST => $base, json => \%b);
    is $r->status, 201, "create $b{type} $b{code}: 201" or diag $r->body;
    return $r->json // {};
}

my $root = unit(code => code('ROOT'), name => 'Diskominfo Uji', type => 'root');
is $root->{parent_id}, undef, 'a root has no parent';
is_deeply $root->{path}, [$root->{id}], '... its path is itself';

my $ua = unit(code => code('BID-A'), name => 'Bidang Aplikasi', type => 'bidang', parent_id => $root->{id});
my $ua1 = unit(code => code('SUB-A1'), name => 'Seksi Layanan', type => 'subbag', parent_id => $ua->{id});
my $ub = unit(code => code('BID-B'), name => 'Bidang Persandian', type => 'bidang', parent_id => $root->{id});
is_deeply $ua1->{path}, [$root->{id}, $ua->{id}, $ua1->{id}], 'a path runs from the root down';

is_error api('admin', POST => $base, json => { code => code('X'), name => 'X', type => 'bidang' }),
    422, 'validation_failed', 'parent_id', 'a unit other than a root needs a parent';
is_error api('admin', POST => $base, json => { code => code('X'), name => 'X', type => 'root', parent_id => $ua->{id} }),
    422, 'validation_failed', 'parent_id', 'a root takes no parent';
is_error api('admin', POST => $base, json => { code => code('X'), name => 'X', type => 'seksi', parent_id => $ua->{id} }),
    422, 'validation_failed', 'type', 'an unknown type: 422';
is_error api('admin', POST => $base, json => { code => 'huruf kecil', name => 'X', type => 'pool', parent_id => $ua->{id} }),
    422, 'validation_failed', 'code', 'a code outside A-Z 0-9 _ -: 422';
is_error api('admin', POST => $base, json => { code => code('X'), name => 'X', type => 'pool', parent_id => 999999999 }),
    422, 'unknown_reference', 'parent_id', 'an unknown parent: 422';
is_error api('admin', POST => $base, json => { code => $ua->{code}, name => 'X', type => 'pool', parent_id => $ua->{id} }),
    409, 'conflict', 'code', 'a code taken: 409';
is_error api('admin', POST => $base, json => { code => code('X'), name => 'X', type => 'pool', parent_id => $ua->{id}, size => 3 }),
    422, 'unknown_field', 'size', 'an unknown member: 422';
is_error api('expert', POST => $base, json => { code => code('X'), name => 'X', type => 'pool', parent_id => $ua->{id} }),
    403, 'forbidden', undef, 'a team expert may not create units';

# cycles: refused with the reason, and by the database whatever writes it
is_error api('admin', PATCH => "$base/$ua->{id}", json => { parent_id => $ua1->{id} }),
    409, 'cycle', 'parent_id', 'moving a unit below its own child: 409 cycle';
is_error api('admin', PATCH => "$base/$ua->{id}", json => { parent_id => $ua->{id} }),
    409, 'cycle', 'parent_id', 'moving a unit below itself: 409 cycle';
ok !eval { db_do('UPDATE org_units SET parent_id = ? WHERE id = ?', $ua1->{id}, $ua->{id}); 1 },
    'the database refuses a cycle written directly';
like $@, qr/own ancestor/, '... saying why';
ok !eval { db_do('UPDATE org_units SET parent_id = NULL WHERE id = ?', $ua->{id}); 1 },
    '... and a unit other than a root without a parent';

# a move carries the subtree
my $r = api('admin', PATCH => "$base/$ua->{id}", json => { parent_id => $ub->{id} });
is $r->status, 200, 'moving a unit below another: 200';
is_deeply $r->json->{path}, [$root->{id}, $ub->{id}, $ua->{id}], '... its path follows';
is_deeply api('admin', GET => "$base/$ua1->{id}")->json->{path}, [$root->{id}, $ub->{id}, $ua->{id}, $ua1->{id}],
    '... and so do the paths below it';
$r = api('admin', PATCH => "$base/$ua->{id}", json => { parent_id => $root->{id}, name => 'Bidang Aplikasi Informatika' });
is $r->status, 200, 'moved back, renamed';
is_deeply api('admin', GET => "$base/$ua1->{id}")->json->{path}, [$root->{id}, $ua->{id}, $ua1->{id}], '... the subtree back too';
is db_value(q{SELECT count(*) FROM audit_log WHERE entity = 'org_unit' AND entity_id = ?}, $ua->{id}), 3,
    'each write of a unit is in the audit log';

# the list, flat and as a tree
my $flat = api('expert', GET => $base);
is $flat->status, 200, 'staff list the units';
my @mine = grep { $_->{path}[0] == $root->{id} } @{ $flat->json->{items} };
is_deeply [map { $_->{id} } @mine], [$root->{id}, $ua->{id}, $ua1->{id}, $ub->{id}], '... each before the units below it';
my $tree = api('expert', GET => $base, query => { form => 'tree' });
my ($top) = grep { $_->{id} == $root->{id} } @{ $tree->json->{items} };
is_deeply [sort map { $_->{id} } @{ $top->{children} }], [sort $ua->{id}, $ub->{id}], 'the tree form nests the children';
my ($ta) = grep { $_->{id} == $ua->{id} } @{ $top->{children} };
is_deeply [map { $_->{id} } @{ $ta->{children} }], [$ua1->{id}], '... down to the leaves';
is_error api('expert', GET => $base, query => { form => 'graph' }), 400, 'invalid_parameter', 'form', 'form=graph: 400';
is_error api('cust_a', GET => $base), 403, 'forbidden', undef, 'customers do not read the organisation';

# ---- contacts ---------------------------------------------------------------------

my $cbase = '/api/org-unit-contacts';
$r = api('admin', POST => $cbase, json => { org_unit_id => $ua->{id}, kind => 'lead', user_id => user_id('expert') });
is $r->status, 201, 'a user as a unit\'s lead: 201' or diag $r->body;
is $r->json->{name}, 'Expert Satu', '... named as the user';
my $lead = $r->json;
is_error api('admin', POST => $cbase, json => { org_unit_id => $ua->{id}, kind => 'lead', name => 'Orang Lain' }),
    409, 'conflict', 'kind', 'a second lead: 409';
$r = api('admin', POST => $cbase, json => { org_unit_id => $ua->{id}, kind => 'backup', name => 'Rina Wulandari',
                                             whatsapp_number => '+62 812-3456-7890' });
is $r->status, 201, 'a person who never signs in, with a WhatsApp number: 201';
is $r->json->{whatsapp_number}, '+6281234567890', '... the number kept in E.164';
my $backup = $r->json;
is_error api('admin', POST => $cbase, json => { org_unit_id => $ua->{id}, kind => 'backup', name => 'X', whatsapp_number => '0812345' }),
    422, 'validation_failed', 'whatsapp_number', 'a number without its country code: 422';
is_error api('admin', POST => $cbase, json => { org_unit_id => $ua->{id}, kind => 'backup' }),
    422, 'validation_failed', 'name', 'neither a user nor a name: 422';
is_error api('admin', POST => $cbase, json => { org_unit_id => 999999999, kind => 'backup', name => 'X' }),
    422, 'unknown_reference', 'org_unit_id', 'an unknown unit: 422';
is_error api('admin', POST => $cbase, json => { org_unit_id => $ua->{id}, kind => 'backup', user_id => user_id('inactive') }),
    422, 'unknown_reference', 'user_id', 'a deactivated user: 422';
is_error api('admin', POST => $cbase, json => { org_unit_id => $ua->{id}, kind => 'ketua', name => 'X' }),
    422, 'validation_failed', 'kind', 'an unknown kind: 422';
$r = api('admin', POST => $cbase, json => { org_unit_id => $ub->{id}, kind => 'kadis', name => 'Kepala Dinas' });
is $r->status, 201, 'a head for the other unit';
$r = api('admin', PATCH => "$cbase/$backup->{id}", json => { name => 'Rina W.', whatsapp_number => undef });
is $r->status, 200, 'a contact changed';
is_deeply [@{ $r->json }{qw(name whatsapp_number)}], ['Rina W.', undef], '... its name and number';
is_error api('admin', PATCH => "$cbase/$backup->{id}", json => { kind => 'lead' }), 409, 'conflict', 'kind',
    '... but not into a second lead';
is_error api('expert', PATCH => "$cbase/$backup->{id}", json => { name => 'X' }), 403, 'forbidden', undef,
    'a team expert may not change contacts';
$r = api('expert', GET => $cbase, query => { org_unit_id => $ua->{id} });
is_deeply [map { $_->{kind} } @{ $r->json->{items} }], [qw(backup lead)], 'a unit\'s contacts, by kind';
my $gone = api('admin', POST => $cbase, json => { org_unit_id => $ua->{id}, kind => 'receptionist', name => 'Sementara' })->json;
is api('admin', DELETE => "$cbase/$gone->{id}")->status, 204, 'a contact removed: 204';
is_error api('admin', DELETE => "$cbase/$gone->{id}"), 404, 'not_found', undef, '... and then not found';
is db_value(q{SELECT count(*) FROM audit_log WHERE entity = 'org_unit_contact' AND entity_id = ?}, $gone->{id}), 2,
    '... its creation and removal audited';

# ---- tickets by unit, and operators -------------------------------------------------

# operators: techs with a unit (accounts a test makes up sign in by subject)
my %op;
for my $u ([op_a => $ua->{id}], [op_b => $ub->{id}]) {
    my $name = "$u->[0]_$$";
    db_do(q{INSERT INTO users (username, subject, name, role_id, org_unit_id, institution)
            VALUES (?, ?, ?, 3, ?, 'Diskominfo')}, $name, $name, "Operator $u->[0]", $u->[1]);
    $op{ $u->[0] } = $name;
}
my $mark = tag('Unit');
my %t;
for my $k (qw(a a1 b none)) {
    $t{$k} = create_ticket('expert', title => "$mark tiket $k")->json->{id};
}
set_ticket($t{a}, org_unit_id => $ua->{id});
set_ticket($t{a1}, org_unit_id => $ua1->{id});
set_ticket($t{b}, org_unit_id => $ub->{id});

sub listed { my ($who, %q) = @_; ids_of(api($who, GET => '/api/tickets', query => { q => $mark, sort => 'id', %q })) }

is_deeply listed('expert', org_unit_id => $ua->{id}), [$t{a}], 'a list by unit';
is_deeply listed('expert', org_unit_subtree => $ua->{id}), [$t{a}, $t{a1}], 'a list by unit and its subtree';
is_deeply listed('expert', org_unit_subtree => $root->{id}), [@t{qw(a a1 b)}], '... from the root: every unit\'s';
is_deeply listed('expert'), [@t{qw(a a1 b none)}], 'staff without a filter: every ticket';
is_error api('expert', GET => '/api/tickets', query => { org_unit_subtree => 'x' }), 400, 'invalid_parameter',
    'org_unit_subtree', 'a bad unit id: 400';

my $oa = $op{op_a};
is_deeply listed($oa), [$t{a}, $t{a1}], 'an operator\'s search: their unit\'s and its subtree\'s tickets only';
ok !(grep { $_ != $t{a} && $_ != $t{a1} } @{ ids_of(api($oa, GET => '/api/tickets', query => { limit => 100 })) }),
    '... not a ticket of another unit or of none';
is_deeply listed($oa, q => undef, org_unit_subtree => $ub->{id}), [], '... asking for another unit\'s: nothing';
is_deeply listed($op{op_b}), [$t{b}], 'the other operator: their unit\'s';
$r = api($oa, GET => '/api/tickets', query => { q => $mark, format => 'csv' });
is $r->status, 200, 'an operator exports';
my @rows = grep { /\Q$mark\E/ } split /\n/, $r->body;
is scalar(@rows), 2, '... their two tickets and no other';

$r = api($oa, GET => "/api/tickets/$t{a1}");
is $r->status, 200, 'an operator reads a ticket of their subtree';
for my $path ("/api/tickets/$t{b}", "/api/tickets/$t{b}/activities", "/api/tickets/$t{b}/attachments",
              "/api/tickets/$t{none}") {
    is_error api($oa, GET => $path), 404, 'not_found', undef, "another unit's: GET $path 404";
}
is_error api($oa, PATCH => "/api/tickets/$t{b}", json => { status => 'in_progress' }), 404, 'not_found', undef,
    '... PATCH 404';
is_error api($oa, POST => "/api/tickets/$t{b}/comments", json => { body => 'Halo' }), 404, 'not_found', undef,
    '... a comment 404';
is_error api($oa, POST => "/api/tickets/$t{b}/escalate", json => { reason => 'Mendesak' }), 404, 'not_found', undef,
    '... escalating 404';
my $file = upload('expert', $t{b}, [[file => { filename => 'surat.pdf', content => "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n", type => 'application/pdf' }]]);
is $file->status, 201, 'a file on the other unit\'s ticket' or diag $file->body;
my $fid = $file->json->{items}[0]{id};
is_error api($oa, GET => "/api/attachments/$fid"), 404, 'not_found', undef, '... which the operator cannot download';
is api('expert', GET => "/api/attachments/$fid")->status, 200, '... and staff can';
is_error upload($oa, $t{b}, [[file => { filename => 'x.txt', content => 'x', type => 'text/plain' }]]), 404, 'not_found',
    undef, '... nor upload to it';

for my $path ('/api/dashboard', '/api/reports/volume', '/api/users', '/api/workload', '/api/sla-compliance') {
    is_error api($oa, GET => $path), 403, 'forbidden', undef, "what counts across units is refused: $path";
}
is_error api($oa, POST => '/api/tickets', json => ticket_body('tech')), 403, 'forbidden', undef,
    'intake is the front desk\'s: an operator creates no ticket';

my $me = api($oa, GET => '/api/me')->json;
is $me->{allowed}{scope}, 'unit', 'GET /api/me: the scope is the unit';
is_deeply $me->{allowed}{pages}, [qw(assigned tickets directory notifications preferences)], '... and the menu has no dashboard';
ok !(grep { $_ eq 'dashboard.read' } @{ $me->{permissions} }), '... nor the permission';
is $me->{allowed}{create}, undef, '... and no ticket form';

# the organisation, seen by an operator: their subtree
is_deeply [map { $_->{id} } @{ api($oa, GET => $base)->json->{items} }], [$ua->{id}, $ua1->{id}],
    'an operator lists their unit and the units below it';
is_error api($oa, GET => "$base/$ub->{id}"), 404, 'not_found', undef, '... another unit is not found';
is_deeply ids_of(api($oa, GET => $cbase)), [sort { $a <=> $b } $lead->{id}, $backup->{id}],
    '... and only their subtree\'s contacts';

# ---- routing a case to a unit ----------------------------------------------------------

$r = api('expert', POST => "/api/tickets/$t{none}/route", json => { org_unit_id => $ub->{id}, note => 'Untuk persandian' });
is $r->status, 200, 'the front desk routes a ticket to a unit';
is $r->json->{org_unit_id}, $ub->{id}, '... the ticket names it';
my ($entry) = grep { ($_->{field} // '') eq 'org_unit_id' } @{ api('expert', GET => "/api/tickets/$t{none}/activities")->json->{items} };
is_deeply [@{ $entry // {} }{qw(kind old_value new_value visibility body)}],
    ['field_changed', undef, "$ub->{id}", 'internal', 'Untuk persandian'], '... on the timeline, internal';
is api($op{op_b}, GET => "/api/tickets/$t{none}")->status, 200, '... and the unit\'s operator sees it';
is_error api($oa, GET => "/api/tickets/$t{none}"), 404, 'not_found', undef, '... the other unit\'s does not';
is_error api('expert', POST => "/api/tickets/$t{none}/route", json => { org_unit_id => 999999999 }), 422,
    'unknown_reference', 'org_unit_id', 'routing to an unknown unit: 422';
is_error api('expert', POST => "/api/tickets/$t{none}/route", json => {}), 422, 'validation_failed', 'org_unit_id',
    'routing without a unit: 422';
is_error api('tech', POST => "/api/tickets/$t{none}/route", json => { org_unit_id => $ua->{id} }), 403, 'forbidden',
    undef, 'a tech does not route';
$r = api('admin', POST => "/api/tickets/$t{none}/route", json => { org_unit_id => undef });
is $r->json->{org_unit_id}, undef, 'null takes the ticket out of its unit';
is_error api($op{op_b}, GET => "/api/tickets/$t{none}"), 404, 'not_found', undef, '... out of the operator\'s sight';

# ---- notifications: an operator hears of their subtree's tickets alone ------------------------

{
    my $in = create_ticket('expert', title => tag('Notif'))->json->{id};
    my $out = create_ticket('expert', title => tag('Notif'))->json->{id};
    set_ticket($in, org_unit_id => $ua->{id});
    set_ticket($out, org_unit_id => $ub->{id});
    for my $tid ($in, $out) {
        my $p = api('expert', PATCH => "/api/tickets/$tid", json => { tech_id => user_id($oa), note => 'Tolong dicek di lokasi.' });
        is $p->status, 200, "ticket $tid assigned to the operator" or diag $p->body;
    }
    ok((grep { $_ eq $oa } @{ notified($in, 'assigned') }), 'the operator is told of a ticket of their subtree');
    ok(!(grep { $_ eq $oa } @{ notified($out, 'assigned') }), '... and not of another unit\'s, assigned or not');
}

# ---- users' place in the organisation -----------------------------------------------------

my $uname = tag('opr');
$r = api('admin', POST => '/api/users', json => { username => $uname, name => 'Operator Baru', role => 'tech',
    org_unit_id => $ua->{id}, nip_nik => '19800101' . sprintf('%06d', $$ % 1000000) . '1001', institution => 'Diskominfo' });
is $r->status, 201, 'an admin creates an operator with a unit, a NIP and an institution' or diag $r->body;
is_deeply [@{ $r->json }{qw(org_unit_id institution)}], [$ua->{id}, 'Diskominfo'], '... as given';
my $nip = $r->json->{nip_nik};
my $uid = $r->json->{id};
is_error api('admin', POST => '/api/users', json => { username => tag('opr'), name => 'Kembar', nip_nik => $nip }),
    409, 'conflict', undef, 'a NIP/NIK another user has: 409';
is_error api('admin', POST => '/api/users', json => { username => tag('opr'), name => 'X', nip_nik => '12-34' }),
    422, 'validation_failed', 'nip_nik', 'a NIP/NIK of other than 8 to 20 digits: 422';
is_error api('admin', POST => '/api/users', json => { username => tag('opr'), name => 'X', org_unit_id => 999999999 }),
    422, 'unknown_reference', 'org_unit_id', 'an unknown unit: 422';
$r = api('admin', PATCH => "/api/users/$uid", json => { org_unit_id => $ub->{id}, institution => undef });
is $r->status, 200, 'a user moved to another unit';
is_deeply [@{ $r->json }{qw(org_unit_id institution nip_nik)}], [$ub->{id}, undef, $nip], '... the rest kept';
is_error api('admin', PATCH => "/api/users/" . user_id('tech2'), json => { nip_nik => $nip }), 409, 'conflict',
    'nip_nik', '... and a NIP/NIK cannot be taken twice';
is api($oa, GET => '/api/me')->json->{org_unit_id}, $ua->{id}, 'GET /api/me names the caller\'s unit';

# ---- the directory -------------------------------------------------------------------

$r = api('expert', GET => '/api/directory', query => { q => 'Rina' });
is $r->status, 200, 'the directory, searched';
my @found = grep { $_->{id} == $ua->{id} } @{ $r->json->{items} };
is scalar(@found), 1, '... finds the unit by a contact\'s name';
is_deeply [sort map { $_->{name} } @{ $found[0]{contacts} }], ['Expert Satu', 'Rina W.'], '... with its contacts';
is_deeply [map { $_->{name} } @{ $found[0]{people} }], ['Operator op_a'], '... and its people';
is $found[0]{depth}, 1, '... at its depth';
ok !(grep { $_->{id} == $ub->{id} } @{ $r->json->{items} }), '... and not a unit without the text';
$r = api('expert', GET => '/api/directory', query => { q => 'persandian' });
ok((grep { $_->{id} == $ub->{id} } @{ $r->json->{items} }), 'a unit found by its name, whatever the case');
my $dir = api($oa, GET => '/api/directory')->json->{items};
is_deeply [map { $_->{id} } @$dir], [$ua->{id}, $ua1->{id}], 'an operator\'s directory: their subtree';
is_deeply api($oa, GET => '/api/directory', query => { q => 'persandian' })->json->{items}, [],
    '... searching it finds nothing of another unit';
is_error api('expert', GET => '/api/directory', query => { q => 'x' x 101 }), 400, 'invalid_parameter', 'q',
    'a search text over 100 bytes: 400';
is_error api('cust_a', GET => '/api/directory'), 403, 'forbidden', undef, 'customers have no directory';

# ---- deactivation ----------------------------------------------------------------------

is_error api('admin', DELETE => "$base/$ua1->{id}"), 409, 'has_open_cases', 'active',
    'a unit with an open case is not deactivated';
like last_response()->json->{error}{message}, qr/\b1 open case/, '... the reason says how many';
is_error api('admin', DELETE => "$base/$ua->{id}"), 409, 'has_active_units', 'active',
    'a unit with active units below it is not deactivated';
set_ticket($t{a1}, status => 'cancelled');
$r = api('admin', DELETE => "$base/$ua1->{id}");
is $r->status, 200, 'once its case is finished, it is';
is $r->json->{active}, JSON::false, '... inactive';
ok !(grep { $_->{id} == $ua1->{id} } @{ api('expert', GET => $base)->json->{items} }), '... out of the plain list';
ok((grep { $_->{id} == $ua1->{id} } @{ api('expert', GET => $base, query => { include_inactive => 'true' })->json->{items} }),
    '... in the list with include_inactive');
is_error api('admin', POST => $base, json => { code => code('X'), name => 'X', type => 'pool', parent_id => $ua1->{id} }),
    422, 'validation_failed', 'parent_id', 'an active unit cannot be put below an inactive one';
is api('admin', PATCH => "$base/$ua1->{id}", json => { active => JSON::true })->status, 200, 'PATCH active brings it back';

done_testing;
