#!/usr/bin/perl
# Users from claims: the first login creates the user, a later login (a
# newer token) updates name, email and the claimed role and pharmacy,
# nothing claimed grants nothing, an admin's hand-set role stands, and a
# deactivated user stays out.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use PD::Test;
use PD::Fixtures qw(is_error);

my $n = 0;
# A token for a person the database has not seen, with claims of our choice;
# iat moves forward with each call so that every token is a new login.
my $clock = time;
sub token {
    my ($sub, %claims) = @_;
    $clock += 2;
    return mint_token(sub => $sub, claims => { iat => $clock, %claims });
}
sub me { my ($tok) = @_; api(undef, GET => '/api/me', token => $tok) }
sub row {
    my ($sub) = @_;
    my ($r) = db_query(q{SELECT u.username, u.name, u.email, r.code AS role, p.code AS pharmacy, u.access_source,
        u.active, extract(epoch FROM u.last_login_at) AS last_login
        FROM users u LEFT JOIN roles r ON r.id = u.role_id LEFT JOIN pharmacies p ON p.id = u.pharmacy_id
        WHERE u.subject = ?}, $sub);
    return $r;
}

# ---- first login ----------------------------------------------------------------

my $sub = "prov-$$-customer";
my $r = me(token($sub, preferred_username => "pelanggan$$", name => 'Sari Pelanggan',
    email => "sari$$\@example.org", groups => ['pharmadesk-customer'], pharmacy => 'APT-A'));
is $r->status, 200, 'first login with a customer claim: 200';
is $r->json->{role}{code}, 'customer', '... a customer';
is $r->json->{pharmacy}{code}, 'APT-A', '... of the claimed pharmacy';
my $u = row($sub);
is_deeply [@$u{qw(username name email access_source)}], ["pelanggan$$", 'Sari Pelanggan', "sari$$\@example.org", 'claims'],
    '... the user is created from the claims, managed by them';
ok $u->{last_login}, '... with the login recorded';
is api(undef, GET => '/api/tickets', token => token($sub, groups => ['pharmadesk-customer'], pharmacy => 'APT-A'))->status,
    200, '... and can list tickets';

# ---- a later login ---------------------------------------------------------------

my $before = row($sub)->{last_login};
$r = me(token($sub, preferred_username => 'other-name', name => 'Sari Baru', email => "sari.baru$$\@example.org",
    groups => ['pharmadesk-customer'], pharmacy => 'APT-B'));
is $r->status, 200, 'a later login: 200';
$u = row($sub);
is_deeply [@$u{qw(name email pharmacy)}], ['Sari Baru', "sari.baru$$\@example.org", 'APT-B'],
    '... takes the new name, email and claimed pharmacy';
is $u->{username}, "pelanggan$$", '... the username stays';
cmp_ok $u->{last_login}, '>', $before, '... last login moves';

# the same token again is no new login: an admin's rename stands until one
my $same = token($sub, name => 'Sari Baru', groups => ['pharmadesk-customer'], pharmacy => 'APT-B');
me($same);
my $uid = db_value('SELECT id FROM users WHERE subject = ?', $sub);
is api('admin', PATCH => "/api/users/$uid", json => { name => 'Nama dari Admin' })->status, 200, 'an admin renames';
is me($same)->json->{name}, 'Nama dari Admin', '... requests with the same token keep it';
is me(token($sub, name => 'Sari Baru', groups => ['pharmadesk-customer'], pharmacy => 'APT-B'))->json->{name},
    'Sari Baru', '... the next login brings the provider\'s name back';
is me(token($sub, groups => ['pharmadesk-customer'], pharmacy => 'APT-B'))->json->{name}, 'Sari Baru',
    'a token without a name claim keeps the name';

# the claims change the role at the next login
$r = me(token($sub, groups => ['pharmadesk-tech'], pharmacy => 'APT-B'));
is $r->json->{role}{code}, 'tech', 'new groups at login: the new role';
ok !defined $r->json->{pharmacy}, '... and staff belong to no pharmacy';
is_error me(token($sub, groups => [])), 403, 'no_access', undef, 'groups removed at login: 403 no_access';
is row($sub)->{role}, undef, '... the role is gone';

# ---- no mapping ------------------------------------------------------------------

is_error me(token("prov-$$-none", preferred_username => "tamu$$", name => "Pengunjung $$", groups => ['someone-else'])),
    403, 'no_access', undef, 'a first login that maps to nothing: 403 no_access';
like api(undef, GET => '/api/tickets', token => token("prov-$$-none"))->json->{error}{message},
    qr/administrator/, '... telling them to ask their administrator';
$u = row("prov-$$-none");
ok $u, '... recorded, so that an admin can find and grant them';
is $u->{role}, undef, '... with no role';
is_error me(token("prov-$$-nopharm", groups => ['pharmadesk-customer'], pharmacy => 'APT-NOPE')), 403, 'no_access',
    undef, 'a customer claim with an unknown pharmacy: 403 no_access';
is_error me(token("prov-$$-oldpharm", groups => ['pharmadesk-customer'], pharmacy => 'APT-OLD')), 403, 'no_access',
    undef, '... with an inactive pharmacy: 403 no_access';
is_error me(token("prov-$$-twopharm", groups => ['pharmadesk-customer'], pharmacy => ['APT-A', 'APT-B'])), 403,
    'no_access', undef, '... with two pharmacies (ambiguous): 403 no_access';
is me(token("prov-$$-order", groups => ['pharmadesk-customer', 'pharmadesk-admin']))->json->{role}{code}, 'admin',
    'several mapped groups: the first PharmadeskRoleMap line that matches wins';

# the login name of someone else gets a suffix
$r = me(token("prov-$$-clash", preferred_username => 'admin', groups => ['pharmadesk-tech']));
is $r->status, 200, 'a login name that is taken: 200';
like $r->json->{username}, qr/^admin-[0-9a-f]{6}$/, '... with a suffixed username';
# overlong claims are cut to the columns' limits
$r = me(token("prov-$$-long", name => ('é' x 300), groups => ['pharmadesk-tech']));
is length($r->json->{name}), 200, 'a 300-character name is cut to 200 characters';

# ---- an admin's hand-set role stands ----------------------------------------------

my $staff = "prov-$$-staff";
me(token($staff, name => 'Staf', groups => ['pharmadesk-tech']));
my $sid = db_value('SELECT id FROM users WHERE subject = ?', $staff);
$r = api('admin', PATCH => "/api/users/$sid", json => { role => 'team_expert' });
is $r->status, 200, 'an admin sets the role by hand';
is $r->json->{access_source}, 'admin', '... and takes it over from the claims';
is me(token($staff, groups => ['pharmadesk-tech']))->json->{role}{code}, 'team_expert',
    '... the next login keeps the admin\'s role';
is_deeply [map { $_->{role}{code} } me(token($staff, groups => []))->json], ['team_expert'],
    '... even when the claims grant nothing';
$r = api('admin', PATCH => "/api/users/$sid", json => { access_source => 'claims' });
is $r->json->{access_source}, 'claims', 'the admin hands it back to the claims';
is me(token($staff, groups => ['pharmadesk-tech']))->json->{role}{code}, 'tech', '... the next login applies them';
is_error api('admin', PATCH => "/api/users/$sid", json => { access_source => 'idp' }), 422, 'validation_failed',
    'access_source', 'an unknown access_source: 422';
is_error api('admin', PATCH => "/api/users/$sid", json => { subject => 'x' }), 422, 'validation_failed', 'subject',
    'the subject cannot be changed: 422';

# an admin can create a user ahead of the first login, by subject
{
    my $pre = "prov-$$-pre";
    my $c = api('admin', POST => '/api/users', json => { username => "pre$$", subject => $pre, name => 'Disiapkan',
        role => 'customer', pharmacy_id => pharmacy_id('APT-B') });
    is $c->status, 201, 'an admin creates a user by subject';
    is $c->json->{subject}, $pre, '... with that subject';
    is_error api('admin', POST => '/api/users', json => { username => "pre2$$", subject => $pre, name => 'x' }),
        409, 'conflict', undef, 'a second user with the same subject: 409';
    $r = me(token($pre, preferred_username => 'ignored', name => 'Nama IdP', groups => []));
    is $r->status, 200, '... the first login finds them';
    is_deeply [$r->json->{username}, $r->json->{name}, $r->json->{role}{code}, $r->json->{pharmacy}{code}],
        ["pre$$", 'Nama IdP', 'customer', 'APT-B'], '... keeps the admin\'s username, role and pharmacy';
}

# ---- deactivation --------------------------------------------------------------

{
    my $t = token($staff, groups => ['pharmadesk-tech']);
    is me($t)->status, 200, 'before deactivation: 200';
    is api('admin', DELETE => "/api/users/$sid")->status, 200, 'an admin deactivates the user';
    my $last = row($staff)->{last_login};
    my $d = me($t);
    is_error $d, 401, 'invalid_token', undef, 'their still-valid token: 401';
    like $d->header('WWW-Authenticate') // '', qr/^Bearer/, '... with a Bearer challenge';
    is_error me(token($staff, groups => ['pharmadesk-admin'])), 401, 'invalid_token', undef,
        '... a new login with more groups too';
    is row($staff)->{last_login}, $last, '... and no login is recorded';
    is row($staff)->{role}, 'tech', '... nor any claim applied';
}

# ---- concurrent first logins --------------------------------------------------

{
    my $c = "prov-$$-race";
    my $t = token($c, preferred_username => "race$$", groups => ['pharmadesk-tech']);
    my @codes = parallel(8, sub { api(undef, GET => '/api/me', token => $t)->status });
    is_deeply \@codes, [(200) x 8], 'eight first requests of one person at once: all 200';
    is db_value('SELECT count(*) FROM users WHERE subject = ?', $c), 1, '... and one user';
}

done_testing;
