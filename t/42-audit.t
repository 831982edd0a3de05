#!/usr/bin/perl
# The audit log: every admin action on users and master data, and every
# ticket deletion, leaves exactly one row with its actor, object and changes,
# written in the change's own transaction; refused and empty changes leave
# none; single sign-on provisioning is not audited. GET /api/audit is for
# admins, newest first, filtered and in keyset pages. The database refuses
# to change or remove a row.
use strict;
use warnings;
use utf8;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use JSON ();
use MIME::Base64 qw(encode_base64url);
use PD::Test;
use PD::Fixtures;

my $ADMIN = user_id('admin');
my $ADMIN2 = user_id('admin2');
# DBD::Pg hands text back as characters, not bytes
my $DBJSON = JSON->new;

sub code_tag { (my $c = uc tag($_[0])) =~ s/[^A-Z0-9_-]/-/g; $c }

# The newest row's id: rows written after it are the ones a step made.
sub mark { db_value('SELECT coalesce(max(id), 0) FROM audit_log') }

sub rows_since {
    my ($mark, $entity, $id) = @_;
    my @rows = db_query('SELECT id, actor_id, action, entity, entity_id, changes::text AS changes'
        . ' FROM audit_log WHERE id > ? AND entity = ? AND entity_id = ? ORDER BY id',
        $mark, $entity, $id);
    $_->{changes} = $DBJSON->decode($_->{changes}) for @rows;
    return @rows;
}

# {field => {old, new}} from field => [old, new]
sub ch { my %c = @_; return { map { ($_ => { old => $c{$_}[0], new => $c{$_}[1] }) } keys %c } }

sub audited {
    my ($name, $mark, $entity, $id, $action, $changes, $actor) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my @rows = rows_since($mark, $entity, $id);
    is scalar(@rows), 1, "$name: exactly one audit row" or return;
    is_deeply [@{ $rows[0] }{qw(actor_id action entity entity_id)}], [$actor // $ADMIN, $action, $entity, $id],
        "$name: ... its actor, action and object";
    is_deeply $rows[0]{changes}, $changes, "$name: ... its changes" or diag explain $rows[0]{changes};
}

sub unaudited {
    my ($name, $mark, $entity, $id) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    is scalar(rows_since($mark, $entity, $id)), 0, "$name: no audit row";
}

sub role_json {
    my ($code) = @_;
    my ($r) = db_query('SELECT id, code, name FROM roles WHERE code = ?', $code);
    return { id => $r->{id}, code => $r->{code}, name => $r->{name} };
}
my %APT_A = (id => pharmacy_id('APT-A'), code => 'APT-A', name => 'Apotek Alpha');

# ---- categories and modules --------------------------------------------------

for my $lk (['ticket-categories', 'ticket_category'], ['ticket-modules', 'ticket_module']) {
    my ($res, $entity) = @$lk;
    my $base = "/api/$res";

    my $m = mark();
    my $name = tag('Audit');
    my $c = api('admin', POST => $base, json => { name => $name, description => 'Uji', color => '#0a1b2c' });
    is $c->status, 201, "$res: created";
    my $id = $c->json->{id};
    audited("$res create", $m, $entity, $id, 'create',
        ch(name => [undef, $name], description => [undef, 'Uji'], color => [undef, '#0a1b2c'],
           active => [undef, JSON::true]));

    $m = mark();
    is api('admin2', PATCH => "$base/$id", json => { description => 'Diubah' })->status, 200, "$res: patched";
    audited("$res update", $m, $entity, $id, 'update', ch(description => ['Uji', 'Diubah']), $ADMIN2);

    $m = mark();
    is api('admin', PATCH => "$base/$id", json => { description => 'Diubah', color => '#0a1b2c', name => $name })
        ->status, 200, "$res: a patch with the current values";
    unaudited("$res: ... changes nothing", $m, $entity, $id);

    my $other = api('admin', POST => $base, json => { name => tag('Lain') })->json;
    $m = mark();
    is_error api('admin', PATCH => "$base/$id", json => { name => $other->{name}, description => 'x' }), 409,
        'conflict', 'name', "$res: a rename onto another's name: 409";
    unaudited("$res: ... the refused rename", $m, $entity, $id);
    is api('admin', GET => "$base/$id")->json->{description}, 'Diubah', "$res: ... and nothing changed";
    is_error api('admin', PATCH => "$base/$id", json => { color => 'red' }), 422, 'validation_failed', 'color',
        "$res: a bad color: 422";
    unaudited("$res: ... the invalid patch", $m, $entity, $id);
    is_error api('admin', POST => $base, json => { name => $name }), 409, 'conflict', 'name',
        "$res: creating a duplicate: 409";
    is_error api('admin', DELETE => "$base/999999999"), 404, 'not_found', undef, "$res: deleting nothing: 404";
    is mark(), $m, "$res: ... none of the refusals wrote a row";

    $m = mark();
    is api('admin', DELETE => "$base/$id")->status, 200, "$res: deleted";
    audited("$res deactivate", $m, $entity, $id, 'deactivate', ch(active => [JSON::true, JSON::false]));
    $m = mark();
    is api('admin', DELETE => "$base/$id")->status, 200, "$res: deleted again";
    unaudited("$res: ... changes nothing", $m, $entity, $id);
    is api('admin', PATCH => "$base/$id", json => { active => JSON::true })->status, 200, "$res: reactivated";
    audited("$res reactivate", $m, $entity, $id, 'update', ch(active => [JSON::false, JSON::true]));
}

# ---- pharmacies ----------------------------------------------------------------

my $pharmacy;
{
    my $code = code_tag('AUD');
    my $m = mark();
    my $c = api('admin', POST => '/api/pharmacies', json => { code => $code, name => "Apotek $code", city => 'Depok' });
    is $c->status, 201, 'pharmacy: created';
    $pharmacy = $c->json->{id};
    audited('pharmacy create', $m, 'pharmacy', $pharmacy, 'create',
        ch(code => [undef, $code], name => [undef, "Apotek $code"], address => [undef, ''],
           city => [undef, 'Depok'], phone => [undef, ''], tier => [undef, undef],
           active => [undef, JSON::true]));

    $m = mark();
    is api('admin', PATCH => "/api/pharmacies/$pharmacy", json => { city => 'Bogor', phone => '0251 555' })->status,
        200, 'pharmacy: patched';
    audited('pharmacy update', $m, 'pharmacy', $pharmacy, 'update',
        ch(city => ['Depok', 'Bogor'], phone => ['', '0251 555']));

    $m = mark();
    is api('admin', PATCH => "/api/pharmacies/$pharmacy", json => { tier => 'GOLD' })->status, 200,
        'pharmacy: put in a contract tier';
    audited('pharmacy tier', $m, 'pharmacy', $pharmacy, 'update', ch(tier => [undef, 'GOLD']));
    $m = mark();
    is api('admin', PATCH => "/api/pharmacies/$pharmacy", json => { tier => undef })->status, 200,
        'pharmacy: taken out of it';
    audited('pharmacy tier cleared', $m, 'pharmacy', $pharmacy, 'update', ch(tier => ['GOLD', undef]));

    $m = mark();
    is api('admin', PATCH => "/api/pharmacies/$pharmacy", json => { city => 'Bogor' })->status, 200,
        'pharmacy: a patch with the current value';
    unaudited('pharmacy: ... changes nothing', $m, 'pharmacy', $pharmacy);
    is_error api('admin', PATCH => "/api/pharmacies/$pharmacy", json => { code => 'APT-B', city => 'Bandung' }), 409,
        'conflict', 'code', "pharmacy: taking another's code: 409";
    is_error api('admin', PATCH => "/api/pharmacies/$pharmacy", json => { code => 'kecil' }), 422,
        'validation_failed', 'code', 'pharmacy: a bad code: 422';
    unaudited('pharmacy: ... the refused patches', $m, 'pharmacy', $pharmacy);
    is_error api('admin', POST => '/api/pharmacies', json => { code => $code, name => 'Lagi' }), 409, 'conflict', 'code',
        'pharmacy: creating a duplicate code: 409';
    is mark(), $m, 'pharmacy: ... none of the refusals wrote a row';

    $m = mark();
    is api('admin', DELETE => "/api/pharmacies/$pharmacy")->status, 200, 'pharmacy: deleted';
    audited('pharmacy deactivate', $m, 'pharmacy', $pharmacy, 'deactivate', ch(active => [JSON::true, JSON::false]));
}

# ---- users ----------------------------------------------------------------------

my $user;
{
    my $u = tag('audit');
    my $m = mark();
    my $c = api('admin', POST => '/api/users', json => { username => $u, name => "User $u", email => "$u\@example.org",
        role => 'tech' });
    is $c->status, 201, 'user: created';
    $user = $c->json->{id};
    audited('user create', $m, 'user', $user, 'create',
        ch(username => [undef, $u], name => [undef, "User $u"], email => [undef, "$u\@example.org"],
           role => [undef, role_json('tech')], pharmacy => [undef, undef], active => [undef, JSON::true],
           subject => [undef, undef], access_source => [undef, 'admin'], language => [undef, 'id'],
           whatsapp => [undef, { number => undef, opted_in_at => undef }],
           org_unit_id => [undef, undef], nip_nik => [undef, undef], institution => [undef, undef]));

    $m = mark();
    is api('admin', PATCH => "/api/users/$user", json => { name => 'Nama Baru' })->status, 200, 'user: renamed';
    audited('user update', $m, 'user', $user, 'update', ch(name => ["User $u", 'Nama Baru']));

    $m = mark();
    is api('admin', PATCH => "/api/users/$user", json => { role => 'customer', pharmacy_id => $APT_A{id} })->status,
        200, 'user: made a customer of APT-A';
    audited('user role change', $m, 'user', $user, 'update',
        ch(role => [role_json('tech'), role_json('customer')], pharmacy => [undef, \%APT_A]));

    $m = mark();
    is api('admin', PATCH => "/api/users/$user", json => { access_source => 'claims' })->status, 200,
        'user: handed back to the claims';
    audited('user access_source change', $m, 'user', $user, 'update', ch(access_source => ['admin', 'claims']));

    $m = mark();
    is api('admin', PATCH => "/api/users/$user", json => { role => 'tech' })->status, 200,
        'user: a hand-set role again';
    audited('user role by hand', $m, 'user', $user, 'update',
        ch(role => [role_json('customer'), role_json('tech')], pharmacy => [\%APT_A, undef],
           access_source => ['claims', 'admin']));

    $m = mark();
    is api('admin', PATCH => "/api/users/$user", json => { name => 'Nama Baru', role => 'tech' })->status, 200,
        'user: a patch with the current values';
    unaudited('user: ... changes nothing', $m, 'user', $user);
    is_error api('admin', PATCH => "/api/users/$user", json => { email => 'bukan-email' }), 422, 'validation_failed',
        'email', 'user: a bad email: 422';
    is_error api('admin', PATCH => "/api/users/$user", json => { role => 'customer' }), 422, 'validation_failed',
        'pharmacy_id', 'user: a customer without a pharmacy: 422';
    unaudited('user: ... the refused patches', $m, 'user', $user);
    is_error api('admin', PATCH => "/api/users/$ADMIN", json => { role => 'tech' }), 409, 'self_change', undef,
        'user: an admin changing their own role: 409';
    unaudited('user: ... the refused self change', $m, 'user', $ADMIN);
    is_error api('admin', POST => '/api/users', json => { username => $u, name => 'Lagi' }), 409, 'conflict',
        'username', 'user: creating a duplicate username: 409';
    is mark(), $m, 'user: ... none of the refusals wrote a row';

    $m = mark();
    is api('admin', DELETE => "/api/users/$user")->status, 200, 'user: deleted';
    audited('user deactivate', $m, 'user', $user, 'deactivate', ch(active => [JSON::true, JSON::false]));
    $m = mark();
    is api('admin', DELETE => "/api/users/$user")->status, 200, 'user: deleted again';
    unaudited('user: ... changes nothing', $m, 'user', $user);
}

# ---- single sign-on provisioning is no admin action ---------------------------

{
    my $sub = "audit-sso-$$";
    my $iat = time;
    my $m = mark();
    my $r = api(undef, GET => '/api/me', token => mint_token(sub => $sub,
        claims => { iat => $iat, preferred_username => "sso$$", name => 'Sso Baru', groups => ['pharmadesk-tech'] }));
    is $r->status, 200, 'a first sign-in creates a user';
    my $id = db_value('SELECT id FROM users WHERE subject = ?', $sub);
    ok $id, '... who is there';
    unaudited('provisioning at the first sign-in', $m, 'user', $id);
    $r = api(undef, GET => '/api/me', token => mint_token(sub => $sub,
        claims => { iat => $iat + 5, name => 'Sso Diganti', groups => ['pharmadesk-manager'] }));
    is $r->json && $r->json->{role}{code}, 'manager', 'a later sign-in changes name and role from the claims';
    unaudited('provisioning at a later sign-in', $m, 'user', $id);

    is api('admin', PATCH => "/api/users/$id", json => { access_source => 'admin' })->status, 200,
        "an admin takes the user's access from the claims";
    audited("the admin's access_source change", $m, 'user', $id, 'update', ch(access_source => ['claims', 'admin']));
}

# ---- ticket deletion ------------------------------------------------------------

my $deleted;
{
    my $t = create_ticket('cust_a', title => tag('Hapus'))->json;
    $deleted = $t->{id};
    my $m = mark();
    is api('admin', DELETE => "/api/tickets/$deleted")->status, 204, 'ticket: deleted';
    audited('ticket delete', $m, 'ticket', $deleted, 'delete',
        ch(number => [$t->{number}, undef], title => [$t->{title}, undef], pharmacy => [\%APT_A, undef]));
    is db_value('SELECT count(*) FROM tickets WHERE id = ?', $deleted), 0, '... the ticket is gone';
    is db_value('SELECT count(*) FROM ticket_activities WHERE ticket_id = ?', $deleted), 0, '... with its timeline';
    $m = mark();
    is_error api('admin', DELETE => "/api/tickets/$deleted"), 404, 'not_found', undef, 'ticket: deleted again: 404';
    is mark(), $m, '... no row';

    my $r = api('admin', GET => '/api/audit', query => { entity => 'ticket', entity_id => $deleted });
    is $r->status, 200, 'GET /api/audit for the deleted ticket';
    my $items = $r->json->{items};
    is scalar(@$items), 1, '... one item';
    my $it = $items->[0] // {};
    is_deeply [sort keys %$it], [qw(action actor at changes entity entity_id id)], '... with the documented members';
    is_deeply [@$it{qw(action entity entity_id)}], ['delete', 'ticket', $deleted], '... what and which';
    is_deeply $it->{actor}, { id => $ADMIN, name => 'Admin Satu' }, '... by whom, with the name';
    like $it->{at}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$/, '... when (RFC 3339)';
    is_deeply $it->{changes}, ch(number => [$t->{number}, undef], title => [$t->{title}, undef],
        pharmacy => [\%APT_A, undef]), "... the ticket's number, title and pharmacy";
    is $r->json->{next}, undef, '... and no next page';
}

# ---- who may read it ------------------------------------------------------------

for my $who (qw(expert tech manager cust_a)) {
    is_error api($who, GET => '/api/audit'), 403, 'forbidden', undef, "GET /api/audit as $who: 403";
}
is_error api('norole', GET => '/api/audit'), 403, 'no_access', undef, 'GET /api/audit without a role: 403';
is_error api(undef, GET => '/api/audit'), 401, 'unauthenticated', undef, 'GET /api/audit anonymously: 401';
for my $method (qw(POST PATCH DELETE)) {
    is_error api('admin', $method => '/api/audit', json => {}), 405, 'method_not_allowed', undef,
        "$method /api/audit: 405";
}
is_error api('admin', DELETE => '/api/audit/1'), 404, 'not_found', undef, 'no route reaches a single entry';

# ---- filters and pages ------------------------------------------------------------

# Rows with times of our choosing, about an object id nothing else uses. Two
# share a time, so that the id has to break the tie across a page boundary.
my $X = 900_000_000 + $$;
my @synthetic = (
    [k1 => '2020-03-01 10:00:00+07', $ADMIN2],
    [k2 => '2020-03-02 23:30:00+07', $ADMIN],
    [k3 => '2020-03-03 00:00:00+07', $ADMIN2],
    [k4 => '2020-03-03 00:00:00+07', $ADMIN],
    [k5 => '2020-03-04 05:00:00+00', $ADMIN2],
    [k6 => '2020-03-05 09:00:00+07', $ADMIN],
);
my %key_of;
for my $s (@synthetic) {
    db_do(q{INSERT INTO audit_log (at, actor_id, action, entity, entity_id, changes)
            VALUES (?, ?, 'update', 'role', ?, ?)}, $s->[1], $s->[2], $X,
        $DBJSON->encode({ note => { old => undef, new => $s->[0] } }));
    $key_of{ db_value('SELECT max(id) FROM audit_log') } = $s->[0];
}

sub keys_of { join ' ', map { $key_of{ $_->{id} } // "id$_->{id}" } @{ $_[0] } }

for my $case (
    [{},                                                                    'k6 k5 k4 k3 k2 k1'],
    [{ entity => 'role' },                                                  'k6 k5 k4 k3 k2 k1'],
    [{ entity => 'user' },                                                  ''],
    [{ actor_id => $ADMIN2 },                                               'k5 k3 k1'],
    [{ actor_id => $ADMIN, entity => 'role' },                              'k6 k4 k2'],
    [{ from => '2020-03-03' },                                              'k6 k5 k4 k3'],
    [{ to => '2020-03-03' },                                                'k4 k3 k2 k1'],
    [{ from => '2020-03-03', to => '2020-03-04' },                          'k5 k4 k3'],
    [{ from => '2020-03-02T23:00:00+07:00', to => '2020-03-03T00:00:00+07:00' }, 'k2'],
    [{ from => '2020-03-04T04:59:59Z' },                                    'k6 k5'],
    [{ from => '2020-03-04T05:00:00.000001Z' },                             'k6'],
    [{ to => '2020-03-01T10:00:00+07:00' },                                 ''],
    [{ from => '2020-03-06' },                                              ''],
    [{ actor_id => $ADMIN2, from => '2020-03-02', to => '2020-03-04' },      'k5 k3'],
) {
    my ($q, $want) = @$case;
    my %query = (entity_id => $X, %$q);
    my $name = join('&', map { "$_=$query{$_}" } sort grep { $_ ne 'entity_id' } keys %query) || 'no other filter';
    my ($items, $responses) = all_pages('admin', '/api/audit', \%query);
    ok !(grep { $_->status != 200 } @$responses), "entity_id with $name: 200";
    is keys_of($items), $want, "entity_id with $name: $want";
}

{
    my ($items, $responses) = all_pages('admin', '/api/audit', { entity_id => $X, limit => 1 });
    is keys_of($items), 'k6 k5 k4 k3 k2 k1', 'pages of 1 walk all six, newest first, the tie in id order';
    is scalar(@$responses), 6, '... one page each';
    is $responses->[-1]->json->{next}, undef, '... and the last has no next';
    ($items) = all_pages('admin', '/api/audit', { entity_id => $X, actor_id => $ADMIN2, limit => 2 });
    is keys_of($items), 'k5 k3 k1', 'pages of 2 of one actor';
    my $first = api('admin', GET => '/api/audit', query => { entity_id => $X, limit => 2 })->json;
    is_error api('admin', GET => '/api/audit', query => { entity_id => $X, limit => 2, cursor => $first->{next} . 'x' }),
        400, 'invalid_parameter', 'cursor', 'a tampered cursor: 400';
}

# The whole log, page by page, is the whole table in order: nothing skipped,
# nothing twice. A filter on its own reads what the table says it holds.
{
    my @all = map { $_->{id} } db_query('SELECT id FROM audit_log ORDER BY at DESC, id DESC');
    my ($items) = all_pages('admin', '/api/audit', { limit => 1 }, @all + 5);
    is_deeply [map { $_->{id} } @$items], \@all, 'pages of 1 walk the whole log without gaps (' . @all . ' rows)';
    ($items) = all_pages('admin', '/api/audit', { limit => 100 }, @all + 5);
    is_deeply [map { $_->{id} } @$items], \@all, '... and so do pages of 100';
    for my $f ([actor_id => $ADMIN2], [entity => 'pharmacy'], [entity_id => $pharmacy]) {
        my @want = map { $_->{id} }
            db_query("SELECT id FROM audit_log WHERE $f->[0] = ? ORDER BY at DESC, id DESC", $f->[1]);
        ($items) = all_pages('admin', '/api/audit', { $f->[0] => $f->[1], limit => 7 }, @all + 5);
        is_deeply [map { $_->{id} } @$items], \@want, "$f->[0]=$f->[1]: every matching row (" . @want . ')';
    }
    my ($r) = all_pages('admin', '/api/audit', { entity => 'user', entity_id => $user });
    is_deeply [map { $_->{action} } @$r], [qw(deactivate update update update update create)],
        "one user's history, newest first";
    ok !(grep { !$_->{actor} || $_->{actor}{id} != $ADMIN } @$r), '... all by the admin';
}

for my $case (
    [{ actor_id => 'abc' },                 'invalid_parameter', 'actor_id'],
    [{ actor_id => 0 },                     'invalid_parameter', 'actor_id'],
    [{ actor_id => -3 },                    'invalid_parameter', 'actor_id'],
    [{ entity => 'category' },              'invalid_parameter', 'entity'],
    [{ entity => 'User' },                  'invalid_parameter', 'entity'],
    [{ entity => '' },                      'invalid_parameter', 'entity'],
    [{ entity_id => '1.5' },                'invalid_parameter', 'entity_id'],
    [{ entity_id => '99999999999999999999' }, 'invalid_parameter', 'entity_id'],
    [{ from => '2026-02-30' },              'invalid_parameter', 'from'],
    [{ from => 'yesterday' },               'invalid_parameter', 'from'],
    [{ to => '2026-13-01' },                'invalid_parameter', 'to'],
    [{ to => '2026-02-01T10:00' },          'invalid_parameter', 'to'],
    [{ limit => 0 },                        'invalid_parameter', 'limit'],
    [{ limit => 101 },                      'invalid_parameter', 'limit'],
    [{ cursor => 'bm9wZQ' },                'invalid_parameter', 'cursor'],
    [{ cursor => encode_base64url('1|audit|a|5|not a time') }, 'invalid_parameter', 'cursor'],
    [{ cursor => encode_base64url('1|audit|a|5|2026-02-30 10:00:00+00') }, 'invalid_parameter', 'cursor'],
    [{ cursor => encode_base64url('1|timeline|a|5|5') }, 'invalid_parameter', 'cursor'],
    [{ q => 'x' },                          'unknown_parameter', undef],
    [{ sort => 'at' },                      'unknown_parameter', undef],
) {
    my ($q, $code, $field) = @$case;
    my $name = join '&', map { "$_=$q->{$_}" } sort keys %$q;
    is_error api('admin', GET => '/api/audit', query => $q), 400, $code, $field, "GET /api/audit?$name: 400";
}

# ---- append-only ------------------------------------------------------------------

{
    my ($row) = db_query('SELECT id, action, changes::text AS changes FROM audit_log ORDER BY id DESC LIMIT 1');
    my $count = db_value('SELECT count(*) FROM audit_log');
    for my $sql ([q{UPDATE audit_log SET action = 'delete' WHERE id = ?}, $row->{id}],
                 [q{UPDATE audit_log SET changes = '{}'}],
                 ['DELETE FROM audit_log WHERE id = ?', $row->{id}],
                 ['DELETE FROM audit_log'],
                 ['TRUNCATE audit_log']) {
        my ($stmt, @bind) = @$sql;
        my $ok = eval { db_do($stmt, @bind); 1 };
        ok !$ok && $@ =~ /audit_log is append-only/, "the database refuses: $stmt" or diag $@;
    }
    my ($after) = db_query('SELECT id, action, changes::text AS changes FROM audit_log WHERE id = ?', $row->{id});
    is_deeply [@$after{qw(id action changes)}], [@$row{qw(id action changes)}], '... the row is as it was';
    is db_value('SELECT count(*) FROM audit_log'), $count, '... and every row is still there';
}

# ---- no change without its audit row ------------------------------------------------

# When the audit row cannot be written (here a trigger refuses rows whose
# changes carry a marker), the change rolls back with it.
{
    my $fn = "pd_test_audit_refuse_$$";
    db_do(qq{CREATE FUNCTION $fn() RETURNS trigger LANGUAGE plpgsql AS \$\$
        BEGIN RAISE EXCEPTION 'audit entry refused for the test'; END \$\$});
    db_do(qq{CREATE TRIGGER ${fn}_trg BEFORE INSERT ON audit_log FOR EACH ROW
        WHEN (NEW.changes::text LIKE '%AUDITFAIL%') EXECUTE FUNCTION $fn()});
    my $drop = sub {
        db_do("DROP TRIGGER IF EXISTS ${fn}_trg ON audit_log");
        db_do("DROP FUNCTION IF EXISTS $fn()");
    };
    # No expect_error_log: the module logs the failed insert as a warning.

    my $cat = api('admin', POST => '/api/ticket-categories', json => { name => tag('Tetap') })->json->{id};
    my $m = mark();
    is_error api('admin', PATCH => "/api/ticket-categories/$cat", json => { description => 'AUDITFAIL' }), 503,
        'service_unavailable', undef, 'a category patch whose audit row fails: 503';
    is api('admin', GET => "/api/ticket-categories/$cat")->json->{description}, '', '... the patch rolled back';
    my $name = tag('AUDITFAIL');
    is_error api('admin', POST => '/api/ticket-modules', json => { name => $name }), 503, 'service_unavailable', undef,
        'a module create whose audit row fails: 503';
    is db_value('SELECT count(*) FROM ticket_modules WHERE name = ?', $name), 0, '... the module was not created';
    is_error api('admin', PATCH => "/api/pharmacies/$pharmacy", json => { address => 'Jl. AUDITFAIL' }), 503,
        'service_unavailable', undef, 'a pharmacy patch whose audit row fails: 503';
    is db_value('SELECT address FROM pharmacies WHERE id = ?', $pharmacy), '', '... the patch rolled back';
    is_error api('admin', PATCH => "/api/users/$user", json => { name => 'AUDITFAIL' }), 503, 'service_unavailable',
        undef, 'a user patch whose audit row fails: 503';
    is db_value('SELECT name FROM users WHERE id = ?', $user), 'Nama Baru', '... the patch rolled back';
    my $t = create_ticket('cust_a', title => tag('AUDITFAIL'))->json->{id};
    is_error api('admin', DELETE => "/api/tickets/$t"), 503, 'service_unavailable', undef,
        'a ticket deletion whose audit row fails: 503';
    is db_value('SELECT count(*) FROM tickets WHERE id = ?', $t), 1, '... the ticket is still there';
    ok db_value('SELECT count(*) FROM ticket_activities WHERE ticket_id = ?', $t) > 0, '... with its timeline';
    is mark(), $m, '... and no audit row was written';

    $drop->();
    is api('admin', DELETE => "/api/tickets/$t")->status, 204, 'once the audit row can be written, the deletion goes';
    is scalar(rows_since($m, 'ticket', $t)), 1, '... and is recorded';
}

done_testing;
