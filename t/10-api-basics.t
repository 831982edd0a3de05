#!/usr/bin/perl
# The API's outer shell: who the caller is (/api/me), what happens before any
# resource is reached (authentication, routing, methods), and the headers and
# error shape every answer shares.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

# Every answer made here, checked for the common headers at the end.
my @seen;
sub call {
    my $r = api(@_);
    push @seen, [join(' ', @_[1, 2]), $r];
    return $r;
}

# README "Who may do what", as the permission names /api/me reports.
my @reader = qw(me ticket.list ticket.read lookup.read pharmacy.read dashboard.read
                me.update notification.inbox report.read view.manage);
my %permissions = (
    admin => [@reader, qw(ticket.create ticket.update ticket.delete lookup.write
                          pharmacy.write user.read user.write role.read audit.read
                          notification.defaults notification.deliveries ticket.notifications
                          sla.read sla.write ticket.escalate ticket.de_escalate webhook.manage report.staff import
                          ticket.bulk org_unit.read org_unit.write directory.read ticket.route
                          front_desk.intake front_desk.read desk_token.manage)],
    team_expert => [@reader, qw(ticket.create ticket.update user.read role.read ticket.notifications sla.read
                                ticket.escalate ticket.de_escalate report.staff ticket.bulk org_unit.read directory.read
                                ticket.route front_desk.intake front_desk.read)],
    tech        => [@reader, qw(ticket.create ticket.update user.read role.read ticket.notifications sla.read
                                ticket.escalate report.staff ticket.bulk org_unit.read directory.read front_desk.read)],
    customer    => [@reader, qw(ticket.create ticket.update)],
    manager     => [@reader, qw(user.read role.read ticket.notifications sla.read ticket.escalate
                                org_unit.read directory.read front_desk.read
                                ticket.de_escalate report.staff)],
);

# What the portal draws its menus and forms from: the pages in menu order
# (the first is the role's home; one's notifications and preferences last,
# for everyone), whose tickets, internal entries, inactive lookups, how a
# ticket is created, and whether the ticket's deliveries are shown.
my @personal = qw(notifications preferences);
my %allowed = (
    admin => { pages => [qw(dashboard reports tickets review escalated new intake users categories modules pharmacies
                            sla_policies sla_calendars webhooks notification_defaults dead_letters import org_units desk_tokens directory), @personal], scope => 'all',
               internal => JSON::true, inactive_lookups => JSON::true, create => { pharmacy => 'choose' },
               ticket_notifications => JSON::true, share_views => JSON::true },
    team_expert => { pages => [qw(review mine escalated tickets new intake directory), @personal], scope => 'all',
               internal => JSON::true, inactive_lookups => JSON::true, create => { pharmacy => 'choose' },
               ticket_notifications => JSON::true, share_views => JSON::true },
    tech => { pages => [qw(assigned tickets new directory), @personal], scope => 'all',
               internal => JSON::true, inactive_lookups => JSON::true, create => { pharmacy => 'choose' },
               ticket_notifications => JSON::true, share_views => JSON::true },
    customer => { pages => [qw(tickets new dashboard statement), @personal], scope => 'pharmacy',
               internal => JSON::false, inactive_lookups => JSON::false, create => { pharmacy => 'own' },
               ticket_notifications => JSON::false, share_views => JSON::false },
    manager => { pages => [qw(dashboard reports escalated tickets directory), @personal], scope => 'all',
               internal => JSON::true, inactive_lookups => JSON::true, create => undef,
               ticket_notifications => JSON::true, share_views => JSON::true },
);

my %login = (
    admin => 'admin', admin2 => 'admin', manager => 'manager', expert => 'team_expert',
    expert2 => 'team_expert', tech => 'tech', tech2 => 'tech', cust_a => 'customer',
    cust_a2 => 'customer', cust_b => 'customer',
);
my %pharmacy_of = (cust_a => 'APT-A', cust_a2 => 'APT-A', cust_b => 'APT-B');

# ---- GET /api/me for every role ------------------------------------------

for my $user (sort keys %login) {
    my $role = $login{$user};
    my $r = call($user, GET => '/api/me');
    is $r->status, 200, "$user: GET /api/me is 200";
    my $me = $r->json // {};
    is $me->{username}, $user, "$user: username";
    is $me->{id}, user_id($user), "$user: id is the users row";
    is $me->{role} && $me->{role}{code}, $role, "$user: role code $role";
    ok $me->{role} && $me->{role}{id} && length($me->{role}{name} // ''), "$user: role has id and name";
    ok length($me->{name} // '') && $me->{email} =~ /\@/, "$user: name and email";
    is $me->{active}, JSON::true, "$user: active";
    ok exists $me->{last_login_at}, "$user: last_login_at is present";
    if (my $code = $pharmacy_of{$user}) {
        is_deeply [@{ $me->{pharmacy} // {} }{qw(id code)}], [pharmacy_id($code), $code],
            "$user: pharmacy $code";
        ok length($me->{pharmacy}{name} // ''), "$user: pharmacy name";
    } else {
        ok exists $me->{pharmacy} && !defined $me->{pharmacy}, "$user: staff have no pharmacy";
    }
    is_deeply [sort @{ $me->{permissions} // [] }], [sort @{ $permissions{$role} }],
        "$user: permissions of a $role";
    is_deeply $me->{allowed}, $allowed{$role}, "$user: what a $role may do, for the portal";
}

# ---- callers without access ----------------------------------------------

is_error call('norole', GET => '/api/me'), 403, 'no_access', undef, 'a user without a role: 403 no_access';
is_error call('inactive', GET => '/api/me'), 401, 'invalid_token', undef,
    'a deactivated user\'s token: 401 invalid_token';

# Authenticated by Apache, unknown to the database, and the token grants
# nothing: the user is recorded without a role.
my $ghost = 'ghost' . $$;
is_error call($ghost, GET => '/api/me'), 403, 'no_access', undef, 'a user unknown to the database: 403 no_access';
is_error call($ghost, GET => '/api/tickets'), 403, 'no_access', undef, '... on tickets as well';

# A customer not tied to a pharmacy has nothing to see.
my $orphan = 'orphan' . $$;
db_do(q{INSERT INTO users (username, subject, name, role_id, pharmacy_id) VALUES (?, ?, 'Tanpa Apotek', 4, NULL)},
    $orphan, $orphan);
is_error call($orphan, GET => '/api/me'), 403, 'no_access', undef, 'a customer without a pharmacy: 403 no_access';
is_error call($orphan, GET => '/api/tickets'), 403, 'no_access', undef, '... on tickets as well';

is_error call('norole', GET => '/api/tickets'), 403, 'no_access', undef, 'no role: 403 on tickets too';
is_error call('inactive', GET => '/api/ticket-categories'), 401, 'invalid_token', undef,
    'deactivated: 401 on lookups too';

# ---- authentication belongs to Apache ------------------------------------

{
    my $r = api(undef, GET => '/api/me');
    is_error $r, 401, 'unauthenticated', undef, 'no credentials: 401 JSON';
    ok !defined $r->header('Location'), '... and no redirect to a sign-in page';
    my $j = api(undef, GET => '/api/tickets');
    is $j->status, 401, 'no credentials on a list: 401';
    # identity comes from Apache's authentication, never from request headers
    my $s = api(undef, GET => '/api/me', headers => { 'X-Remote-User' => 'admin', 'Remote-User' => 'admin',
        'X-Forwarded-User' => 'admin' });
    is $s->status, 401, 'identity headers without credentials: 401';
    my $as = api('cust_a', GET => '/api/me', headers => { 'X-Remote-User' => 'admin', 'X-Forwarded-User' => 'admin' });
    is $as->json && $as->json->{username}, 'cust_a', '... and they do not change who an authenticated caller is';
    expect_error_log(qr/oidc_oauth_validate_jwt_access_token: could not parse JWT/);
    my $w = api('cust_a', GET => '/api/me', token => 'not-a-token');
    is $w->status, 401, 'a malformed token: 401';
    ok !($w->body =~ /"username"/), '... and no data';
}

# ---- routing -------------------------------------------------------------

for my $path ('/api/nope', '/api', '/api/', '/api/tickets/abc', '/api/tickets/0', '/api/tickets/012',
              '/api/tickets/1/history', '/api/tickets/', '/api/ticket-categoriesx', '/api/me/x') {
    is_error call('admin', GET => $path), 404, 'not_found', undef, "GET $path: 404 JSON";
}

my %allow = (
    '/api/me'                  => [qw(GET HEAD PATCH OPTIONS)],
    '/api/tickets'             => [qw(GET HEAD POST OPTIONS)],
    '/api/tickets/1'           => [qw(GET HEAD PATCH DELETE OPTIONS)],
    '/api/ticket-categories'   => [qw(GET HEAD POST OPTIONS)],
    '/api/ticket-modules/1'    => [qw(GET HEAD PATCH DELETE OPTIONS)],
    '/api/pharmacies'          => [qw(GET HEAD POST OPTIONS)],
    '/api/users/1'             => [qw(GET HEAD PATCH DELETE OPTIONS)],
    '/api/roles'               => [qw(GET HEAD OPTIONS)],
    '/api/roles/1'             => [qw(GET HEAD OPTIONS)],
);
my %wrong = (
    '/api/me' => 'POST', '/api/tickets' => 'PUT', '/api/tickets/1' => 'POST',
    '/api/ticket-categories' => 'DELETE', '/api/ticket-modules/1' => 'PUT',
    '/api/pharmacies' => 'PATCH', '/api/users/1' => 'POST', '/api/roles' => 'POST',
    '/api/roles/1' => 'DELETE',
);
for my $path (sort keys %allow) {
    my $m = $wrong{$path};
    my $r = call('admin', $m => $path, json => {});
    is_error $r, 405, 'method_not_allowed', undef, "$m $path: 405 JSON";
    is_deeply allow_set($r->header('Allow')), [sort @{ $allow{$path} }], "$m $path: Allow lists the methods";

    my $o = call('admin', OPTIONS => $path);
    is $o->status, 204, "OPTIONS $path: 204";
    is_deeply allow_set($o->header('Allow')), [sort @{ $allow{$path} }], "OPTIONS $path: Allow";
    is $o->body, '', "OPTIONS $path: no body";
}
# OPTIONS touches no data: even a caller without access gets the methods
is call('norole', OPTIONS => '/api/tickets')->status, 204, 'OPTIONS needs no role';

# ---- HEAD ----------------------------------------------------------------

my $ticket = new_ticket('cust_a', title => tag('Kepala'));
for my $path ('/api/me', '/api/tickets', "/api/tickets/$ticket->{id}", '/api/roles') {
    my $g = call('admin', GET => $path);
    my $h = call('admin', HEAD => $path);
    is $h->status, 200, "HEAD $path: 200";
    is $h->body, '', "HEAD $path: no body";
    like $h->header('Content-Type') // '', qr{^application/json}, "HEAD $path: JSON content type";
    is $h->header('Content-Length'), $g->header('Content-Length'), "HEAD $path: the length GET would send"
        unless $path eq '/api/tickets';
}

# ---- the common headers --------------------------------------------------

{
    my $g = call('cust_a', GET => "/api/tickets/$ticket->{id}");
    my $etag = $g->header('ETag');
    my $nm = call('cust_a', GET => "/api/tickets/$ticket->{id}", headers => { 'If-None-Match' => $etag });
    is $nm->status, 304, 'If-None-Match with the current ETag: 304';
    is $nm->header('Cache-Control'), 'no-store', '304 carries Cache-Control: no-store too';

    my $d = call('admin', DELETE => "/api/tickets/$ticket->{id}");
    is $d->status, 204, 'a 204 answer';
    is $d->header('Cache-Control'), 'no-store', '204 carries Cache-Control: no-store';
}

# errors of every kind have the same shape
is_error call('admin', POST => '/api/tickets', body => '{', content_type => 'application/json'),
    400, 'bad_json', undef, '400 has the error shape';
is_error call('admin', POST => '/api/tickets', body => '{}', content_type => 'text/plain'),
    415, 'unsupported_media_type', undef, '415 has the error shape';
is_error call('admin', POST => '/api/tickets', json => {}), 422, 'validation_failed', undef,
    '422 has the error shape';

my (@no_cache, @not_json);
for (@seen) {
    my ($what, $r) = @$_;
    next if $r->status == 401;             # Apache's own page
    next if $r->status == 304;             # asserted on its own above
    push @no_cache, "$what ($r->{status})" unless ($r->header('Cache-Control') // '') eq 'no-store';
    next if $r->status == 204 || $r->status == 304;
    next if $what =~ /^HEAD / && $r->status == 200;
    push @not_json, "$what ($r->{status})"
        unless ($r->header('Content-Type') // '') =~ m{^application/json\b}
            && (length $r->body ? defined $r->json : $what =~ /^HEAD /);
}
ok !@no_cache, 'every API answer has Cache-Control: no-store' or diag "without: @no_cache";
ok !@not_json, 'every API answer with a body is JSON' or diag "not JSON: @not_json";

my @errors = grep { $_->[1]->status >= 400 && $_->[1]->status != 401 } @seen;
my @bad_shape = grep {
    my $e = ref $_->[1]->json eq 'HASH' ? $_->[1]->json->{error} : undef;
    !(ref $e eq 'HASH' && length($e->{code} // '') && length($e->{message} // ''))
} grep { $_->[0] !~ /^HEAD / } @errors;
ok @errors > 20 && !@bad_shape, 'every error has error.code and error.message'
    or diag 'bad: ' . join ', ', map { $_->[0] } @bad_shape;

done_testing;
