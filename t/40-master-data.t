#!/usr/bin/perl
# Master data: ticket categories and modules, pharmacies, users and roles.
# Deactivation instead of deletion: what old tickets refer to stays readable,
# and new tickets cannot use it.
use strict;
use warnings;
use utf8;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

sub code_tag { (my $c = uc tag($_[0])) =~ s/[^A-Z0-9_-]/-/g; $c }
sub names_of { [map { $_->{name} } @{ $_[0]->json->{items} // [] }] }

# ---- categories and modules --------------------------------------------------

for my $lk (['ticket-categories', 'category_id', 'Kategori Lama', 'Bug Sistem', \&category_id],
            ['ticket-modules',    'module_id',   'Modul Lama',    'Penjualan',  \&module_id]) {
    my ($res, $field, $old_name, $active_name, $lookup) = @$lk;
    my $base = "/api/$res";

    my $cust = api('cust_a', GET => $base);
    is $cust->status, 200, "$res: a customer lists";
    ok !(grep { !$_->{active} } @{ $cust->json->{items} }), "$res: ... active entries only";
    ok !(grep { $_ eq $old_name } @{ names_of($cust) }), "$res: ... no '$old_name'";
    $cust = api('cust_a', GET => $base, query => { include_inactive => 'true' });
    ok !(grep { $_ eq $old_name } @{ names_of($cust) }), "$res: include_inactive=true is ignored for customers";
    for my $who (qw(expert manager admin)) {
        my $staff = api($who, GET => $base, query => { include_inactive => 'true' });
        ok((grep { $_ eq $old_name } @{ names_of($staff) }), "$res: $who sees '$old_name' with include_inactive=true");
    }
    my $plain = api('expert', GET => $base);
    ok !(grep { $_ eq $old_name } @{ names_of($plain) }), "$res: staff without include_inactive: active only";
    my @n = @{ names_of($plain) };
    is "@n", join(' ', sort @n), "$res: sorted by name";
    my $item = $plain->json->{items}[0] // {};
    is_deeply [sort keys %$item], [sort qw(id name description color active created_at updated_at)],
        "$res: items carry the documented members";

    is api('cust_a', GET => "$base/" . $lookup->($active_name))->status, 200, "$res: a customer reads an active entry";
    is_error api('cust_a', GET => "$base/" . $lookup->($old_name)), 404, 'not_found', undef,
        "$res: a customer reading an inactive one: 404";
    my $g = api('expert', GET => "$base/" . $lookup->($old_name));
    is $g->status, 200, "$res: staff read an inactive one";
    is $g->json->{active}, JSON::false, "$res: ... marked inactive";
    is_error api('admin', GET => "$base/999999999"), 404, 'not_found', undef, "$res: no such entry: 404";

    # create
    my $name = tag('Baru');
    my $c = api('admin', POST => $base, json => { name => $name, description => 'Uji', color => '#0a1b2c' });
    is $c->status, 201, "$res: admin creates: 201";
    my $e = $c->json // {};
    is $c->header('Location'), "$base/$e->{id}", "$res: ... Location";
    is_deeply [@$e{qw(name description color active)}], [$name, 'Uji', '#0a1b2c', JSON::true], "$res: ... as sent, active";
    is api('cust_a', GET => $c->header('Location'))->status, 200, "$res: ... readable at Location";
    my $d = api('admin', POST => $base, json => { name => tag('Polos') });
    is $d->status, 201, "$res: name alone is enough";
    like $d->json->{color}, qr/^#[0-9a-f]{6}$/, "$res: ... with a default color";
    is_error api('admin', POST => $base, json => { name => $name }), 409, 'conflict', 'name',
        "$res: a duplicate name: 409";
    for my $bad ('#ABCDEF', 'red', '#12345', '#1234567', '123456', '#12345g') {
        is_error api('admin', POST => $base, json => { name => tag('Warna'), color => $bad }), 422,
            'validation_failed', 'color', "$res: color '$bad': 422";
    }
    is_error api('admin', POST => $base, json => { description => 'tanpa nama' }), 422, 'validation_failed', 'name',
        "$res: no name: 422";
    is_error api('admin', POST => $base, json => { name => 'n' x 101 }), 422, 'validation_failed', 'name',
        "$res: a name of 101 characters: 422";

    # patch
    my $p = api('admin', PATCH => "$base/$e->{id}", json => { description => 'Diubah', color => '#ffffff' });
    is $p->status, 200, "$res: patch: 200";
    is_deeply [@{ $p->json }{qw(name description color)}], [$name, 'Diubah', '#ffffff'], "$res: ... applied, name kept";
    my $renamed = tag('Ganti');
    is api('admin', PATCH => "$base/$e->{id}", json => { name => $renamed })->json->{name}, $renamed, "$res: rename";
    is_error api('admin', PATCH => "$base/$e->{id}", json => { name => $d->json->{name} }), 409, 'conflict', 'name',
        "$res: renaming onto an existing name: 409";
    is api('admin', GET => "$base/$e->{id}")->json->{name}, $renamed, "$res: ... name unchanged";
    is_error api('admin', PATCH => "$base/999999999", json => { description => 'x' }), 404, 'not_found', undef,
        "$res: patching nothing: 404";
    is_error api('admin', PATCH => "$base/999999999", json => { name => tag('Apa') }), 404, 'not_found', undef,
        "$res: renaming nothing: 404";
    is_error api('admin', PATCH => "$base/$e->{id}", json => { color => 'blue' }), 422, 'validation_failed', 'color',
        "$res: a bad color on patch: 422";

    # a ticket made while it is active
    my $t = create_ticket('cust_a', $field => $e->{id})->json;
    is $t->{ $field =~ s/_id$//r }{id}, $e->{id}, "$res: a ticket uses the new entry";

    # delete deactivates
    my $del = api('admin', DELETE => "$base/$e->{id}");
    is $del->status, 200, "$res: delete: 200";
    is $del->json->{active}, JSON::false, "$res: ... the entry is deactivated";
    is db_value("SELECT count(*) FROM ticket_" . ($res =~ /categ/ ? 'categories' : 'modules') . ' WHERE id = ?', $e->{id}), 1,
        "$res: ... not removed";
    my $old = api('cust_a', GET => "/api/tickets/$t->{id}");
    is $old->status, 200, "$res: the old ticket is still readable by its customer";
    is $old->json->{ $field =~ s/_id$//r }{name}, $renamed, "$res: ... and still shows the entry";
    is_error api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', $field => $e->{id})), 422,
        'unknown_reference', $field, "$res: a new ticket with it: 422";
    is_error api('expert', PATCH => "/api/tickets/" . create_ticket('cust_a')->json->{id}, json => { $field => $e->{id} }),
        422, 'unknown_reference', $field, "$res: moving a ticket onto it: 422";
    is api('expert', PATCH => "/api/tickets/$t->{id}", json => { priority => 'high' })->status, 200,
        "$res: the old ticket can still be worked on";
    is_error api('admin', DELETE => "$base/999999999"), 404, 'not_found', undef, "$res: deleting nothing: 404";
    my $re = api('admin', PATCH => "$base/$e->{id}", json => { active => JSON::true });
    is $re->json && $re->json->{active}, JSON::true, "$res: reactivated by PATCH active=true";
    is create_ticket('cust_a', $field => $e->{id})->status, 201, "$res: ... and usable again";
}

# ---- pharmacies ----------------------------------------------------------------

{
    my $stem = code_tag('PH');
    my @made;
    for my $n (qw(Delta Alpha Charlie Bravo Echo)) {
        my $r = api('admin', POST => '/api/pharmacies',
            json => { code => uc("$stem-$n"), name => "Zz $stem $n", city => 'Depok', phone => '021', address => 'Jl. X' });
        is $r->status, 201, "pharmacy $n: 201";
        is $r->header('Location'), "/api/pharmacies/" . ($r->json->{id} // ''), "pharmacy $n: Location";
        push @made, $r->json;
    }
    is_deeply [@{ $made[0] }{qw(code city phone address active)}], ["$stem-DELTA", 'Depok', '021', 'Jl. X', JSON::true],
        'a pharmacy as sent';

    # q searches a prefix of the name or the code; walk with a small limit
    my ($items, $resp) = all_pages('manager', '/api/pharmacies', { q => "zz $stem", limit => 2 });
    is_deeply [map { $_->{name} } @$items], [map { "Zz $stem $_" } qw(Alpha Bravo Charlie Delta Echo)],
        'q prefix (case-insensitive), sorted by name, over three pages';
    is scalar(@$resp), 3, '... three pages';
    ok !defined $resp->[-1]->json->{next}, '... the last with next = null';
    ($items) = all_pages('manager', '/api/pharmacies', { q => "$stem-B" });
    is_deeply [map { $_->{code} } @$items], ["$stem-BRAVO"], 'q matches a code prefix';
    ($items) = all_pages('manager', '/api/pharmacies', { q => "Bravo" });
    ok !(grep { $_->{code} eq "$stem-BRAVO" } @$items), 'q is a prefix, not a substring';

    ($items) = all_pages('expert', '/api/pharmacies', { limit => 1 });
    my @names = map { $_->{name} } @$items;
    is "@names", join(' ', sort @names), 'the whole list, one per page, sorted by name';
    ok !(grep { !$_->{active} } @$items), '... active only by default';
    ok((grep { $_->{code} eq 'APT-OLD' } @{ (all_pages('expert', '/api/pharmacies', { include_inactive => 'true' }))[0] }),
        'include_inactive=true shows APT-OLD');
    is_error api('admin', GET => '/api/pharmacies/999999999'), 404, 'not_found', undef, 'no such pharmacy: 404';

    for my $bad ('apt-lower', '-LEADING', 'HAS SPACE', 'A' x 33, 'ÄPT', 'A.B', '') {
        is_error api('admin', POST => '/api/pharmacies', json => { code => $bad, name => 'X' }), 422,
            'validation_failed', 'code', "code '$bad': 422";
    }
    is_error api('admin', POST => '/api/pharmacies', json => { code => code_tag('N') }), 422, 'validation_failed', 'name',
        'no name: 422';
    is_error api('admin', POST => '/api/pharmacies', json => { code => "$stem-DELTA", name => 'Lagi' }), 409, 'conflict',
        'code', 'a duplicate code: 409';

    my $id = $made[0]{id};
    my $p = api('admin', PATCH => "/api/pharmacies/$id", json => { city => 'Bogor', name => "Zz $stem Delta Baru" });
    is $p->status, 200, 'patch: 200';
    is_deeply [@{ $p->json }{qw(code city name phone)}], ["$stem-DELTA", 'Bogor', "Zz $stem Delta Baru", '021'],
        '... applied, the rest kept';
    is_error api('admin', PATCH => "/api/pharmacies/$id", json => { code => 'APT-A' }), 409, 'conflict', 'code',
        "changing the code onto another's: 409";
    is_error api('admin', PATCH => "/api/pharmacies/$id", json => { code => 'bad code' }), 422, 'validation_failed',
        'code', 'a bad code on patch: 422';
    is_error api('admin', PATCH => '/api/pharmacies/999999999', json => { city => 'X' }), 404, 'not_found', undef,
        'patching nothing: 404';

    my $t = create_ticket('admin', pharmacy_id => $id)->json;
    ok $t && $t->{id}, 'a ticket of the pharmacy';
    my $d = api('admin', DELETE => "/api/pharmacies/$id");
    is $d->status, 200, 'delete: 200';
    is $d->json->{active}, JSON::false, '... deactivates';
    is api('expert', GET => "/api/pharmacies/$id")->json->{active}, JSON::false, '... still readable by staff';
    my $old = api('expert', GET => "/api/tickets/$t->{id}");
    is $old->status, 200, 'its old ticket is still readable';
    is $old->json->{pharmacy}{code}, "$stem-DELTA", '... with the pharmacy';
    is_error api('admin', POST => '/api/tickets', json => ticket_body('admin', pharmacy_id => $id)), 422,
        'unknown_reference', 'pharmacy_id', 'a new ticket for it: 422';
    ($items) = all_pages('manager', '/api/pharmacies', { q => "zz $stem" });
    is scalar(@$items), 4, 'the list leaves it out';
    is_error api('admin', POST => '/api/users', json => { username => tag('c'), name => 'C', role => 'customer',
        pharmacy_id => $id }), 422, 'unknown_reference', 'pharmacy_id', 'a new customer of it: 422';
}

# ---- paging by name over long names ------------------------------------------------

# Names may be 200 characters; in a script of three-byte characters that is
# 600 bytes, and a page ending on such a name must still lead to the next.
{
    my $stem = code_tag('LN');
    # sorts before "zzz", so that the first page ends on it
    my $long = "Zy $stem a" . ("\x{8a9e}" x 160);    # U+8A9E, three bytes in UTF-8
    my $p1 = api('admin', POST => '/api/pharmacies', json => { code => "$stem-1", name => $long });
    my $p2 = api('admin', POST => '/api/pharmacies', json => { code => "$stem-2", name => "Zy $stem zzz" });
    is $p1->status . $p2->status, '201201', 'two pharmacies, one with a long multi-byte name';
    my ($items, $resp) = all_pages('admin', '/api/pharmacies', { q => "Zy $stem", limit => 1 });
    is_deeply [map { $_->status } @$resp], [200, 200], 'pharmacies: the page after a long name: 200';
    is_deeply [map { $_->{code} } @$items], ["$stem-1", "$stem-2"], 'pharmacies: both listed, in order';

    my $u1 = api('admin', POST => '/api/users', json => { username => lc "$stem-u1", name => $long, role => 'tech' });
    my $u2 = api('admin', POST => '/api/users', json => { username => lc "$stem-u2", name => "Zy $stem zzz", role => 'tech' });
    is $u1->status . $u2->status, '201201', 'two users, one with a long multi-byte name';
    ($items, $resp) = all_pages('admin', '/api/users', { q => "Zy $stem", limit => 1 });
    is_deeply [map { $_->status } @$resp], [200, 200], 'users: the page after a long name: 200';
    is_deeply [map { $_->{username} } @$items], [lc "$stem-u1", lc "$stem-u2"], 'users: both listed, in order';
}

# ---- users -------------------------------------------------------------------------

{
    # other files add users too: walk the whole list
    my ($items, $resp) = all_pages('expert', '/api/users', { role => 'tech', limit => 100 });
    ok !(grep { $_->status != 200 } @$resp), 'staff list users by role';
    my @techs = map { $_->{username} } @$items;
    ok((grep { $_ eq 'tech' } @techs) && (grep { $_ eq 'tech2' } @techs), '... the techs');
    ok !(grep { $_->{role}{code} ne 'tech' } @$items), '... only techs';
    ok !(grep { $_ eq 'inactive' } @techs), '... active ones unless asked';
    ($items) = all_pages('expert', '/api/users', { role => 'tech', include_inactive => 'true', limit => 100 });
    ok((grep { $_->{username} eq 'inactive' } @$items), 'include_inactive=true adds the deactivated');
    ($items) = all_pages('manager', '/api/users', { q => 'cust_', limit => 1 });
    is_deeply [sort map { $_->{username} } @$items], [qw(cust_a cust_a2 cust_b)], 'q on a username prefix, paged';
    ($items) = all_pages('manager', '/api/users', { q => 'teknisi' });
    is_deeply [map { $_->{username} } @$items], [qw(tech2 tech)], 'q on a name prefix, sorted by name (Dua < Satu)';
    ($items) = all_pages('manager', '/api/users', { pharmacy_id => pharmacy_id('APT-A') });
    is_deeply [sort map { $_->{username} } @$items], [qw(cust_a cust_a2)], 'pharmacy_id filter';
    my $u = api('manager', GET => '/api/users/' . user_id('cust_b'))->json // {};
    is_deeply [$u->{username}, $u->{role}{code}, $u->{pharmacy}{code}], [qw(cust_b customer APT-B)], 'GET one user';
    is_error api('admin', GET => '/api/users/999999999'), 404, 'not_found', undef, 'no such user: 404';

    my $name = tag('pelanggan');
    is_error api('admin', POST => '/api/users', json => { username => $name, name => 'X', role => 'customer' }),
        422, 'validation_failed', 'pharmacy_id', 'a customer without a pharmacy: 422';
    is_error api('admin', POST => '/api/users', json => { username => $name, name => 'X', role => 'tech',
        pharmacy_id => pharmacy_id('APT-A') }), 422, 'validation_failed', 'pharmacy_id', 'staff with a pharmacy: 422';
    is_error api('admin', POST => '/api/users', json => { username => 'tech', name => 'X', role => 'tech' }),
        409, 'conflict', 'username', 'a duplicate username: 409';
    for my $bad ('nope', 'a@b', 'a b@c.d', '@c.d', 'a@@c.d', 'a@c.') {
        is_error api('admin', POST => '/api/users', json => { username => tag('u'), name => 'X', role => 'tech',
            email => $bad }), 422, 'validation_failed', 'email', "email '$bad': 422";
    }
    for my $bad ('with space', 'with:colon', '') {
        is_error api('admin', POST => '/api/users', json => { username => $bad, name => 'X', role => 'tech' }),
            422, 'validation_failed', 'username', "username '$bad': 422";
    }
    is_error api('admin', POST => '/api/users', json => { username => tag('u'), name => 'X', role => 'root' }),
        422, 'validation_failed', 'role', 'an unknown role: 422';

    my $c = api('admin', POST => '/api/users', json => { username => $name, subject => $name, name => 'Pelanggan Baru',
        email => 'baru@example.org', role => 'customer', pharmacy_id => pharmacy_id('APT-B') });
    is $c->status, 201, 'admin creates a customer: 201';
    my $uid = $c->json->{id};
    is $c->header('Location'), "/api/users/$uid", '... Location';
    is_deeply [@{ $c->json }{qw(username email active)}, $c->json->{pharmacy}{code}],
        [$name, 'baru@example.org', JSON::true, 'APT-B'], '... as sent';
    my $me = api($name, GET => '/api/me');
    is $me->status, 200, '... who can log in';
    is $me->json->{pharmacy}{code}, 'APT-B', '... as a customer of APT-B';

    is_error api('admin', PATCH => "/api/users/$uid", json => { username => 'lain' }), 422, 'validation_failed',
        'username', 'changing a username: 422';
    my $p = api('admin', PATCH => "/api/users/$uid", json => { name => 'Nama Lain', pharmacy_id => pharmacy_id('APT-A') });
    is $p->status, 200, 'patch name and pharmacy: 200';
    is_deeply [$p->json->{name}, $p->json->{pharmacy}{code}], ['Nama Lain', 'APT-A'], '... applied';
    is_error api('admin', PATCH => "/api/users/$uid", json => { pharmacy_id => pharmacy_id('APT-OLD') }), 422,
        'unknown_reference', 'pharmacy_id', 'moving a customer to an inactive pharmacy: 422';
    $p = api('admin', PATCH => "/api/users/$uid", json => { role => 'tech' });
    is $p->status, 200, 'a customer made staff: 200';
    ok !defined $p->json->{pharmacy}, '... loses the pharmacy';
    is_error api('admin', PATCH => "/api/users/$uid", json => { role => 'customer' }), 422, 'validation_failed',
        'pharmacy_id', 'staff made customer without a pharmacy: 422';
    is_error api('admin', PATCH => '/api/users/999999999', json => { name => 'x' }), 404, 'not_found', undef,
        'patching nobody: 404';

    my $self = user_id('admin');
    is_error api('admin', PATCH => "/api/users/$self", json => { role => 'tech' }), 409, 'self_change', undef,
        'changing your own role: 409 self_change';
    is_error api('admin', PATCH => "/api/users/$self", json => { role => undef }), 409, 'self_change', undef,
        'removing your own role: 409';
    is_error api('admin', PATCH => "/api/users/$self", json => { active => JSON::false }), 409, 'self_change', undef,
        'deactivating yourself: 409';
    is_error api('admin', DELETE => "/api/users/$self"), 409, 'self_change', undef, 'deleting yourself: 409';
    is api('admin', GET => '/api/me')->json->{role}{code}, 'admin', '... still an active admin';
    is api('admin', PATCH => "/api/users/$self", json => { role => 'admin', name => 'Admin Satu' })->status, 200,
        'sending your own current role is not a change: 200';
    is api('admin2', PATCH => "/api/users/$self", json => { email => 'admin@test.example.org' })->status, 200,
        'another admin may edit you';

    # deactivation takes effect on the next request
    my $victim = tag('korban');
    my $v = api('admin', POST => '/api/users',
        json => { username => $victim, subject => $victim, name => 'Korban', role => 'tech' });
    is api($victim, GET => '/api/me')->status, 200, 'a new tech logs in';
    my $dd = api('admin', DELETE => '/api/users/' . $v->json->{id});
    is $dd->status, 200, 'admin deactivates them: 200';
    is $dd->json->{active}, JSON::false, '... active false';
    is_error api($victim, GET => '/api/me'), 401, 'invalid_token', undef, 'their token: 401 invalid_token';
    is_error api($victim, GET => '/api/tickets'), 401, 'invalid_token', undef, '... everywhere';
    is api('admin', PATCH => '/api/users/' . $v->json->{id}, json => { active => JSON::true })->status, 200,
        'reactivated';
    is api($victim, GET => '/api/me')->status, 200, '... in again';
    my $nr = api('admin', PATCH => '/api/users/' . $v->json->{id}, json => { role => undef });
    is $nr->status, 200, 'role set to null: 200';
    ok !defined $nr->json->{role}, '... no role';
    is_error api($victim, GET => '/api/me'), 403, 'no_access', undef, 'a user without a role: 403 no_access';
    is_error api('admin', POST => '/api/tickets', json => ticket_body('admin', pharmacy_id => pharmacy_id('APT-A'),
        customer_id => $uid)), 422, 'unknown_reference', 'customer_id', 'a former customer cannot be named on a ticket';
}

# ---- roles ---------------------------------------------------------------------------

{
    my $r = api('expert', GET => '/api/roles');
    is $r->status, 200, 'roles: 200';
    is_deeply [map { $_->{code} } @{ $r->json->{items} }], [qw(admin team_expert tech customer manager)],
        'the five roles, in id order';
    ok !(grep { !length($_->{name} // '') || !defined $_->{description} } @{ $r->json->{items} }),
        '... each with a name and description';
    my $one = api('manager', GET => '/api/roles/3');
    is_deeply [@{ $one->json // {} }{qw(id code)}], [3, 'tech'], 'GET one role';
    is_error api('manager', GET => '/api/roles/99'), 404, 'not_found', undef, 'no such role: 404';
    my $post = api('admin', POST => '/api/roles', json => { code => 'auditor', name => 'Auditor' });
    is_error $post, 405, 'method_not_allowed', undef, 'POST /api/roles: 405';
    is_deeply allow_set($post->header('Allow')), [qw(GET HEAD OPTIONS)], '... Allow: GET, HEAD, OPTIONS';
    is_error api('admin', PATCH => '/api/roles/3', json => { name => 'x' }), 405, 'method_not_allowed', undef,
        'PATCH /api/roles/3: 405';
    is_error api('admin', DELETE => '/api/roles/3'), 405, 'method_not_allowed', undef, 'DELETE /api/roles/3: 405';
    is db_value('SELECT count(*) FROM roles'), 5, 'still five roles';
}

done_testing;
