#!/usr/bin/perl
# The authorization matrix, generated from the route table in
# src/mod_pd_routes.c: every route x caller x object gets the status the
# README's "Who may do what" promises. A route added to the table without an
# entry in %expect below fails this test, so nobody forgets to decide who may
# call it.
use strict;
use warnings;
use feature 'state';
use lib "$ENV{PD_ROOT}/t/lib";
use JSON::PP ();
use Test::More;
use PD::Test;
use PD::Fixtures;

# ---- the route table ---------------------------------------------------------

my $src = "$ENV{PD_ROOT}/src/mod_pd_routes.c";
open my $fh, '<', $src or BAIL_OUT("$src: $!");
my @routes;
while (my $line = <$fh>) {
    next unless $line =~ /^\s*\{\s*PD_M_(\w+)\s*,\s*"([^"]+)"\s*,\s*(PD_ACT_\w+)\s*,/;
    push @routes, { method => $1, pattern => $2, action => $3, key => "$1 $2" };
}
close $fh;
ok @routes >= 20, 'the route table parses (' . scalar(@routes) . ' routes)';

# ---- what the README promises ----------------------------------------------

my @ALL = qw(admin team_expert tech customer manager);
my @STAFF_READ = qw(admin team_expert tech manager);
my @WRITE_TICKETS = qw(admin team_expert tech customer);

# allow: roles that may call it; ok: the status when they may; scoped: a
# customer sees only their own pharmacy's object (others: 404); kind: which
# objects to build for {id}.
my %expect = (
    'GET /me'                       => { allow => \@ALL,           ok => 200 },
    'GET /tickets'                  => { allow => \@ALL,           ok => 200 },
    'POST /tickets'                 => { allow => \@WRITE_TICKETS, ok => 201, kind => 'ticket' },
    'GET /tickets/{id}'             => { allow => \@ALL,           ok => 200, kind => 'ticket', scoped => 1 },
    'PATCH /tickets/{id}'           => { allow => \@WRITE_TICKETS, ok => 200, kind => 'ticket', scoped => 1 },
    'DELETE /tickets/{id}'          => { allow => ['admin'],       ok => 204, kind => 'ticket', scoped => 1 },
    'GET /tickets/{id}/activities'  => { allow => \@ALL,           ok => 200, kind => 'ticket', scoped => 1 },
    'POST /tickets/{id}/comments'   => { allow => \@WRITE_TICKETS, ok => 201, kind => 'ticket', scoped => 1 },
    'GET /tickets/{id}/attachments' => { allow => \@ALL,           ok => 200, kind => 'ticket', scoped => 1 },
    'POST /tickets/{id}/attachments'=> { allow => \@WRITE_TICKETS, ok => 201, kind => 'ticket', scoped => 1 },
    # staff raise the alarm (a tech on their own ticket); those who work the
    # escalated queue lower it
    'POST /tickets/{id}/escalate'   => { allow => \@STAFF_READ,    ok => 200, kind => 'ticket', scoped => 1 },
    'POST /tickets/{id}/de-escalate' => { allow => [qw(admin team_expert manager)], ok => 200, kind => 'escalated' },
    'GET /attachments/{id}'         => { allow => \@ALL,           ok => 200, kind => 'attachment', scoped => 1 },
    'GET /attachments/{id}/preview' => { allow => \@ALL,           ok => 200, kind => 'attachment', scoped => 1 },
    # a PDF shown inline: the download's rules (the object made is a PDF)
    'GET /attachments/{id}/view'    => { allow => \@ALL,           ok => 200, kind => 'attachment', scoped => 1, file => 'pdf' },
    'GET /workload'                 => { allow => \@STAFF_READ,    ok => 200 },
    'GET /dashboard'                => { allow => \@ALL,           ok => 200 },
    'GET /ticket-categories'        => { allow => \@ALL,           ok => 200 },
    'POST /ticket-categories'       => { allow => ['admin'],       ok => 201, kind => 'category' },
    'GET /ticket-categories/{id}'   => { allow => \@ALL,           ok => 200, kind => 'category' },
    'PATCH /ticket-categories/{id}' => { allow => ['admin'],       ok => 200, kind => 'category' },
    'DELETE /ticket-categories/{id}'=> { allow => ['admin'],       ok => 200, kind => 'category' },
    'GET /ticket-modules'           => { allow => \@ALL,           ok => 200 },
    'POST /ticket-modules'          => { allow => ['admin'],       ok => 201, kind => 'module' },
    'GET /ticket-modules/{id}'      => { allow => \@ALL,           ok => 200, kind => 'module' },
    'PATCH /ticket-modules/{id}'    => { allow => ['admin'],       ok => 200, kind => 'module' },
    'DELETE /ticket-modules/{id}'   => { allow => ['admin'],       ok => 200, kind => 'module' },
    'GET /pharmacies'               => { allow => \@ALL,           ok => 200 },
    'POST /pharmacies'              => { allow => ['admin'],       ok => 201, kind => 'pharmacy' },
    'GET /pharmacies/{id}'          => { allow => \@ALL,           ok => 200, kind => 'pharmacy', scoped => 1 },
    'PATCH /pharmacies/{id}'        => { allow => ['admin'],       ok => 200, kind => 'pharmacy', scoped => 1 },
    'DELETE /pharmacies/{id}'       => { allow => ['admin'],       ok => 200, kind => 'pharmacy', scoped => 1 },
    'GET /users'                    => { allow => \@STAFF_READ,    ok => 200 },
    'POST /users'                   => { allow => ['admin'],       ok => 201, kind => 'user' },
    'GET /users/{id}'               => { allow => \@STAFF_READ,    ok => 200, kind => 'user' },
    'PATCH /users/{id}'             => { allow => ['admin'],       ok => 200, kind => 'user' },
    'DELETE /users/{id}'            => { allow => ['admin'],       ok => 200, kind => 'user' },
    'GET /roles'                    => { allow => \@STAFF_READ,    ok => 200 },
    'GET /roles/{id}'               => { allow => \@STAFF_READ,    ok => 200, kind => 'role' },
    'GET /audit'                    => { allow => ['admin'],       ok => 200 },
    'GET /sla-calendars'            => { allow => \@STAFF_READ,    ok => 200 },
    'POST /sla-calendars'           => { allow => ['admin'],       ok => 201, kind => 'sla_calendar' },
    'GET /sla-calendars/{id}'       => { allow => \@STAFF_READ,    ok => 200, kind => 'sla_calendar' },
    'PATCH /sla-calendars/{id}'     => { allow => ['admin'],       ok => 200, kind => 'sla_calendar' },
    'DELETE /sla-calendars/{id}'    => { allow => ['admin'],       ok => 200, kind => 'sla_calendar' },
    'GET /sla-policies'             => { allow => \@STAFF_READ,    ok => 200 },
    'POST /sla-policies'            => { allow => ['admin'],       ok => 201, kind => 'sla_policy' },
    'GET /sla-policies/{id}'        => { allow => \@STAFF_READ,    ok => 200, kind => 'sla_policy' },
    'PATCH /sla-policies/{id}'      => { allow => ['admin'],       ok => 200, kind => 'sla_policy' },
    'DELETE /sla-policies/{id}'     => { allow => ['admin'],       ok => 200, kind => 'sla_policy' },
    'POST /sla-policies/{id}/recompute' => { allow => ['admin'],   ok => 200, kind => 'sla_policy' },
    'GET /sla-compliance'           => { allow => \@STAFF_READ,    ok => 200 },
    # every role its own figures (pd_authz_report; t/49-reports.t), the
    # staff report staff alone
    (map { ("GET /reports/$_" => { allow => \@ALL, ok => 200, query => { from => '2026-01-01', to => '2026-01-31' } }) }
         qw(volume times sla csat)),
    'GET /reports/staff'            => { allow => \@STAFF_READ,    ok => 200, query => { from => '2026-01-01', to => '2026-01-31' } },
    'PATCH /me'                     => { allow => \@ALL,           ok => 200 },
    'GET /me/notification-preferences'   => { allow => \@ALL,      ok => 200 },
    'PATCH /me/notification-preferences' => { allow => \@ALL,      ok => 200 },
    'GET /notifications'            => { allow => \@ALL,           ok => 200 },
    'GET /notifications/unread-count' => { allow => \@ALL,         ok => 200 },
    # one's own notification; anyone else's answers as a missing one
    'POST /notifications/{id}/read' => { allow => \@ALL,           ok => 204, kind => 'notification', owned => 1 },
    'POST /notifications/read-all'  => { allow => \@ALL,           ok => 204 },
    'GET /notification-defaults'    => { allow => ['admin'],       ok => 200 },
    'PATCH /notification-defaults'  => { allow => ['admin'],       ok => 200 },
    'GET /notification-deliveries'  => { allow => ['admin'],       ok => 200 },
    'POST /notification-deliveries/{id}/retry' => { allow => ['admin'], ok => 200, kind => 'delivery' },
    # what was sent about a ticket: staff, as its internal entries
    'GET /tickets/{id}/notifications' => { allow => \@STAFF_READ,  ok => 200, kind => 'ticket', scoped => 1 },
    # webhook endpoints are the admins' integrations
    'GET /webhook-endpoints'        => { allow => ['admin'],       ok => 200 },
    'POST /webhook-endpoints'       => { allow => ['admin'],       ok => 201 },
    'GET /webhook-endpoints/{id}'   => { allow => ['admin'],       ok => 200, kind => 'webhook_endpoint' },
    'PATCH /webhook-endpoints/{id}' => { allow => ['admin'],       ok => 200, kind => 'webhook_endpoint' },
    'DELETE /webhook-endpoints/{id}' => { allow => ['admin'],      ok => 204, kind => 'webhook_endpoint' },
    'POST /webhook-endpoints/{id}/rotate-secret' => { allow => ['admin'], ok => 200, kind => 'webhook_endpoint' },
    'POST /webhook-endpoints/{id}/ping' => { allow => ['admin'],   ok => 200, kind => 'webhook_endpoint' },
    'GET /webhook-endpoints/{id}/deliveries' => { allow => ['admin'], ok => 200, kind => 'webhook_endpoint' },
    'GET /webhook-deliveries/{id}'  => { allow => ['admin'],       ok => 200, kind => 'webhook_delivery' },
    'POST /webhook-deliveries/{id}/replay' => { allow => ['admin'], ok => 202, kind => 'webhook_delivery' },
    # a dry run: allowed is a report, and nothing is written
    'POST /imports'                 => { allow => ['admin'],       ok => 200 },
    # lists for triage: the menu's counts for everyone, bulk changes for
    # those who change tickets as staff (each ticket's own rules inside),
    # saved views for everyone, another's private view a missing one
    'GET /tickets/counts'           => { allow => \@ALL,           ok => 200 },
    'POST /tickets/bulk'            => { allow => [qw(admin team_expert tech)], ok => 200 },
    'GET /views'                    => { allow => \@ALL,           ok => 200 },
    'POST /views'                   => { allow => \@ALL,           ok => 201 },
    'PATCH /views/{id}'             => { allow => \@ALL,           ok => 200, kind => 'view', owned => 1 },
    'DELETE /views/{id}'            => { allow => \@ALL,           ok => 204, kind => 'view', owned => 1 },
    # the organisation: staff read it (an operator their subtree), admins write it
    'GET /org-units'                => { allow => \@STAFF_READ,    ok => 200 },
    'POST /org-units'               => { allow => ['admin'],       ok => 201 },
    'GET /org-units/{id}'           => { allow => \@STAFF_READ,    ok => 200, kind => 'org_unit', unit_scoped => 1 },
    'PATCH /org-units/{id}'         => { allow => ['admin'],       ok => 200, kind => 'org_unit' },
    'DELETE /org-units/{id}'        => { allow => ['admin'],       ok => 200, kind => 'org_unit' },
    'GET /org-unit-contacts'        => { allow => \@STAFF_READ,    ok => 200 },
    'POST /org-unit-contacts'       => { allow => ['admin'],       ok => 201 },
    'PATCH /org-unit-contacts/{id}' => { allow => ['admin'],       ok => 200, kind => 'org_unit_contact' },
    'DELETE /org-unit-contacts/{id}' => { allow => ['admin'],      ok => 204, kind => 'org_unit_contact' },
    'GET /directory'                => { allow => \@STAFF_READ,    ok => 200 },
    # the front desk routes cases to units
    'POST /tickets/{id}/route'      => { allow => [qw(admin team_expert)], ok => 200, kind => 'ticket', scoped => 1 },
    # the front desk: receptionists (team experts) take visitors and letters
    # in; staff read the records of the cases they see; the operator a case
    # is assigned to acknowledges it
    'GET /org-units/{id}/front-desk' => { allow => \@STAFF_READ,   ok => 200, kind => 'front_desk', operator_404 => 1 },
    'PUT /org-units/{id}/front-desk' => { allow => ['admin'],      ok => 200, kind => 'front_desk' },
    'POST /visitors'                => { allow => [qw(admin team_expert)], ok => 201 },
    'GET /visitors'                 => { allow => \@STAFF_READ,    ok => 200 },
    'GET /surat'                    => { allow => \@STAFF_READ,    ok => 200 },
    'GET /visitors/{id}'            => { allow => \@STAFF_READ,    ok => 200, kind => 'visitor', unit_scoped => 1 },
    'POST /visitors/{id}/check-out' => { allow => [qw(admin team_expert)], ok => 200, kind => 'visitor' },
    'POST /surat'                   => { allow => [qw(admin team_expert)], ok => 201 },
    'GET /surat/{id}'               => { allow => \@STAFF_READ,    ok => 200, kind => 'surat', unit_scoped => 1 },
    'POST /tickets/{id}/acknowledge' => { allow => [qw(admin tech)], ok => 200, kind => 'ticket', scoped => 1,
                                          rule_after_lookup => \@WRITE_TICKETS },
    # the QR self check-in: desk tokens are the admins'; the check-in
    # itself is public, the same answer for every caller, signed in or not,
    # without a role or without an account: a desk token opens it
    'GET /desk-tokens'              => { allow => ['admin'],       ok => 200 },
    'POST /desk-tokens'             => { allow => ['admin'],       ok => 201 },
    'GET /desk-tokens/{id}'         => { allow => ['admin'],       ok => 200, kind => 'desk_token' },
    'DELETE /desk-tokens/{id}'      => { allow => ['admin'],       ok => 200, kind => 'desk_token' },
    'GET /checkin'                  => { public => 1,              ok => 200, query => sub { { t => desk_token() } } },
    'POST /checkin'                 => { public => 1,              ok => 201 },
);

# An operator is a tech with an org unit: confined to that unit's subtree
# on every ticket path (another unit's ticket, file or unit answers 404),
# and refused what counts or lists across units, and intake.
my %operator_refused = map { $_ => 1 } ('POST /tickets', 'GET /dashboard', 'GET /workload', 'GET /users',
    'GET /users/{id}', 'GET /pharmacies', 'GET /pharmacies/{id}', 'GET /sla-compliance',
    (map { "GET /reports/$_" } qw(volume times sla csat staff)),
    (map { ("GET /sla-$_", "GET /sla-$_/{id}") } qw(calendars policies)));
$expect{$_}{unit_scoped} = 1
    for grep { $expect{$_}{scoped} && ($expect{$_}{kind} // '') =~ /^(ticket|attachment)$/ } keys %expect;

my @unexpected = grep { !$expect{ $_->{key} } } @routes;
ok !@unexpected, 'every route in the table has expectations here'
    or diag 'routes without expectations (decide who may call them, then add them to %expect): '
        . join ', ', map { $_->{key} } @unexpected;
my %in_table = map { $_->{key} => 1 } @routes;
my @stale = grep { !$in_table{$_} } sort keys %expect;
ok !@stale, 'every expectation names a route of the table' or diag "no such route: @stale";

# ---- callers and objects -----------------------------------------------------

my %role_of = (anonymous => undef, cust_a => 'customer', cust_b => 'customer', expert => 'team_expert',
               tech => 'tech', manager => 'manager', admin => 'admin', norole => undef, operator => 'tech');
my @callers = qw(anonymous cust_a cust_b expert tech manager admin norole operator);
my %home = (cust_a => 'APT-A', cust_b => 'APT-B');

# The operator's unit and another unit, under a root of their own; the
# operator signs in by a subject the test makes up.
(my $root_code = uc tag('AZROOT')) =~ s/[^A-Z0-9-]/-/g;
my $unit_root = db_value(q{INSERT INTO org_units (code, name, type) VALUES (?, 'Matriks', 'root') RETURNING id}, $root_code);
my %unit_of = map {
    (my $c = uc tag("AZ$_")) =~ s/[^A-Z0-9-]/-/g;
    ($_ => db_value(q{INSERT INTO org_units (code, name, type, parent_id) VALUES (?, ?, 'bidang', ?) RETURNING id},
                    $c, "Bidang $_", $unit_root))
} qw(own other);
my %user_of = (operator => "op30_$$");
db_do(q{INSERT INTO users (username, subject, name, role_id, org_unit_id) VALUES (?, ?, 'Operator Matriks', 3, ?)},
      $user_of{operator}, $user_of{operator}, $unit_of{own});
# what the matrix office's cases are filed under: a client of its own,
# without customer accounts
my $office_client = do {
    (my $c = uc tag('AZKANTOR')) =~ s/[^A-Z0-9-]/-/g;
    api('admin', POST => '/api/pharmacies', json => { code => $c, name => "Kantor $c" })->json->{id};
};
db_do(q{INSERT INTO front_desks (root_unit_id, pharmacy_id, module_id, visitor_category_id, surat_category_id)
        VALUES (?, ?, ?, ?, ?)}, $unit_root, $office_client, module_id('Penjualan'),
      category_id('Bug Sistem'), category_id('Bug Sistem'));
sub visitor_body { +{ name => 'Tamu Matriks', purpose => 'Konsultasi', org_unit_id => $unit_of{ $_[0] // 'own' } } }
sub surat_body {
    +{ number => tag('SRT'), letter_date => '2026-12-01', sender => 'Pengirim', subject => 'Undangan',
       org_unit_id => $unit_of{ $_[0] // 'own' } };
}

# The matrix's desk: its cases go to the operator's unit.
my $desk_token;
sub desk_token {
    $desk_token //= api('admin', POST => '/api/desk-tokens', json => { name => 'Meja Matriks', org_unit_id => $unit_of{own} })
        ->json->{token};
    return $desk_token;
}

# Each request gets a fresh object: writes by admin really happen, and one
# caller's write must not decide the next caller's answer.
my %make = (
    ticket => sub {
        my ($code) = @_;
        my $id = create_ticket('admin', pharmacy_id => pharmacy_id($code), title => tag('Authz'))->json->{id};
        # assigned to the tech of the matrix, so "assigned only" lets them in
        db_do('UPDATE tickets SET tech_id = ? WHERE id = ?', user_id('tech'), $id);
        return $id;
    },
    category => sub { api('admin', POST => '/api/ticket-categories', json => { name => tag('AuthzKat') })->json->{id} },
    module   => sub { api('admin', POST => '/api/ticket-modules', json => { name => tag('AuthzMod') })->json->{id} },
    pharmacy => sub {
        my ($code) = @_;
        # a customer's own or other pharmacy must stay usable: only admins
        # change pharmacies, and they get throwaway ones below
        return pharmacy_id($code) if $code;
        (my $c = uc tag('AZ')) =~ s/[^A-Z0-9-]/-/g;
        return api('admin', POST => '/api/pharmacies', json => { code => $c, name => "Apotek $c" })->json->{id};
    },
    user => sub {
        my $u = tag('authz');
        return api('admin', POST => '/api/users', json => { username => $u, name => "User $u", role => 'tech' })->json->{id};
    },
    role => sub { 4 },
    # an escalated ticket of APT-A, the tech on it
    escalated => sub {
        my $id = create_ticket('admin', pharmacy_id => pharmacy_id('APT-A'), title => tag('AuthzEsk'))->json->{id};
        db_do('UPDATE tickets SET tech_id = ?, escalated_at = now() WHERE id = ?', user_id('tech'), $id);
        return $id;
    },
    sla_calendar => sub { api('admin', POST => '/api/sla-calendars', json => sla_calendar_body())->json->{id} },
    # a tier no pharmacy has: the policy applies to no ticket
    sla_policy => sub { api('admin', POST => '/api/sla-policies', json => sla_policy_body())->json->{id} },
    # a notification of that user (a sent portal delivery), about a ticket of
    # their pharmacy
    notification => sub {
        my ($user) = @_;
        my $pharmacy = db_value('SELECT pharmacy_id FROM users WHERE username = ?', $user) // pharmacy_id('APT-A');
        my $tid = create_ticket('admin', pharmacy_id => $pharmacy, title => tag('AuthzBell'))->json->{id};
        return db_value(q{INSERT INTO notify_deliveries (event, ticket_id, user_id, channel, status)
                          VALUES ('ticket_created', ?, ?, 'portal', 'sent') RETURNING id}, $tid, user_id($user));
    },
    # a dead e-mail, for an admin to retry
    delivery => sub {
        my $tid = create_ticket('admin', title => tag('AuthzMati'))->json->{id};
        return db_value(q{INSERT INTO notify_deliveries (event, ticket_id, user_id, channel, status, attempts,
                              last_error) VALUES ('ticket_created', ?, ?, 'email', 'dead', 3, 'connection refused')
                          RETURNING id}, $tid, user_id('expert2'));
    },
    # an endpoint nothing is sent to on its own: inactive, at a port where
    # nothing listens
    webhook_endpoint => sub {
        api('admin', POST => '/api/webhook-endpoints', json => { url => 'http://127.0.0.1:9/authz',
            active => JSON::PP::false })->json->{id};
    },
    # a dead delivery of an active endpoint that takes only a pharmacy of
    # its own (no ticket of the matrix), for an admin to replay
    webhook_delivery => sub {
        state $endpoint //= do {
            (my $c = uc tag('AZWH')) =~ s/[^A-Z0-9-]/-/g;
            my $ph = api('admin', POST => '/api/pharmacies', json => { code => $c, name => "Apotek $c" })->json->{id};
            api('admin', POST => '/api/webhook-endpoints', json => { url => 'http://127.0.0.1:9/authz',
                pharmacy_ids => [$ph] })->json->{id};
        };
        my $tid = create_ticket('admin', title => tag('AuthzWebhook'))->json->{id};
        return db_value(q{INSERT INTO notify_deliveries (event, ticket_id, channel, endpoint_id, payload, status,
                              attempts, last_error) VALUES ('ticket_created', ?, 'webhook', ?, '{}', 'dead', 3,
                              'HTTP 500') RETURNING id}, $tid, $endpoint);
    },
    # a private saved view of that user
    view => sub {
        my ($user) = @_;
        return api($user, POST => '/api/views', json => { name => tag('AuthzView'), filters => 'status=open' })->json->{id};
    },
    # a unit below the operator's own unit, or below the other
    org_unit => sub {
        my ($which) = @_;
        (my $c = uc tag('AZU')) =~ s/[^A-Z0-9-]/-/g;
        return api('admin', POST => '/api/org-units', json => { code => $c, name => "Seksi $c", type => 'subbag',
            parent_id => $unit_of{ $which // 'own' } })->json->{id};
    },
    front_desk => sub { $unit_root },
    visitor => sub { api('admin', POST => '/api/visitors', json => visitor_body($_[0]))->json->{id} },
    surat   => sub { api('admin', POST => '/api/surat', json => surat_body($_[0]))->json->{id} },
    desk_token => sub { api('admin', POST => '/api/desk-tokens', json => { name => tag('Meja'), org_unit_id => $unit_of{own} })
        ->json->{id} },
    org_unit_contact => sub {
        return api('admin', POST => '/api/org-unit-contacts', json => { org_unit_id => $unit_of{own},
            kind => 'backup', name => tag('Kontak') })->json->{id};
    },
    # a public image (or PDF) on a ticket of that pharmacy
    attachment => sub {
        my ($code, $file) = @_;
        my $tid = create_ticket('admin', pharmacy_id => pharmacy_id($code), title => tag('AuthzLampiran'))->json->{id};
        my $r = upload('admin', $tid, [[file => ($file // '') eq 'pdf'
            ? { filename => 'bukti.pdf', content => "%PDF-1.4\n%%EOF\n" }
            : { filename => 'bukti.png', content => "\x89PNG\r\n\x1a\nauthz" }]]);
        return $r->json->{items}[0]{id};
    },
);

sub sla_calendar_body { +{ name => tag('AuthzKal'), hours => { mon => [{ from => '08:00', to => '17:00' }] } } }
sub sla_policy_body {
    (my $tier = uc tag('AZ')) =~ s/[^A-Z0-9-]/-/g;
    return { name => tag('AuthzSla'), calendar_id => db_value(q{SELECT id FROM sla_calendars WHERE name = '24/7'}),
             pharmacy_tier => $tier,
             targets => { map { $_ => { first_response => 60, resolution => 600 } } qw(low medium high urgent) } };
}

# Form bodies (multipart/form-data) for the upload routes.
my %form = (
    'POST /tickets/{id}/attachments' => [[file => { filename => 'bukti.txt', content => "Struk gagal dicetak.\n" }]],
);

# A valid body for each write, so that the answer reflects authorization.
my %body = (
    'POST /tickets'                 => sub { ticket_body($_[0] // 'admin') },
    'PATCH /tickets/{id}'           => sub { { note => 'Dicek.' } },
    'POST /tickets/{id}/comments'   => sub { { body => 'Sudah dicoba, masih sama.' } },
    'POST /ticket-categories'       => sub { { name => tag('AuthzKat'), color => '#123abc' } },
    'PATCH /ticket-categories/{id}' => sub { { description => 'diubah' } },
    'POST /ticket-modules'          => sub { { name => tag('AuthzMod') } },
    'PATCH /ticket-modules/{id}'    => sub { { description => 'diubah' } },
    'POST /pharmacies'              => sub { (my $c = uc tag('AZ')) =~ s/[^A-Z0-9-]/-/g; { code => $c, name => 'Baru' } },
    'PATCH /pharmacies/{id}'        => sub { { phone => '(021) 555 0101' } },
    'POST /users'                   => sub { my $u = tag('authz'); { username => $u, name => 'Baru', role => 'tech' } },
    'PATCH /users/{id}'             => sub { { name => 'Nama Baru' } },
    'POST /sla-calendars'           => sub { sla_calendar_body() },
    'PATCH /sla-calendars/{id}'     => sub { { time_zone => 'Asia/Makassar' } },
    'POST /sla-policies'            => sub { sla_policy_body() },
    'PATCH /sla-policies/{id}'      => sub { { description => 'diubah' } },
    'POST /tickets/{id}/escalate'   => sub { { reason => 'Perlu bantuan senior.' } },
    'POST /tickets/{id}/de-escalate' => sub { { reason => 'Sudah ditangani.' } },
    'PATCH /me'                     => sub { { language => 'id' } },
    'PATCH /me/notification-preferences' => sub { { preferences => {} } },
    'PATCH /notification-defaults'  => sub { { roles => {} } },
    'POST /webhook-endpoints'       => sub { { url => 'http://127.0.0.1:9/authz', active => JSON::PP::false } },
    'PATCH /webhook-endpoints/{id}' => sub { { description => 'diubah' } },
    'POST /imports'                 => sub { { format => 'tickets', source => 'authz', dry_run => JSON::PP::true,
                                               tickets => [{ source_id => 1, created_at => '2024-01-02T03:04:05Z',
                                                             pharmacy => 'APT-A', module => 'Penjualan', category => 'Bug Sistem',
                                                             title => 'x', description => 'y', pic_name => 'z', contact => 'w' }] } },
    'POST /tickets/bulk'            => sub { { ids => [$make{ticket}->('APT-A')], changes => { priority => 'high' } } },
    'POST /views'                   => sub { { name => tag('AuthzView'), filters => 'priority=high' } },
    'PATCH /views/{id}'             => sub { { name => tag('AuthzView') } },
    'POST /org-units'               => sub { (my $c = uc tag('AZU')) =~ s/[^A-Z0-9-]/-/g;
                                             { code => $c, name => 'Baru', type => 'pool', parent_id => $unit_root } },
    'PATCH /org-units/{id}'         => sub { { name => 'Nama Baru' } },
    'POST /org-unit-contacts'       => sub { { org_unit_id => $unit_of{own}, kind => 'backup', name => tag('Kontak') } },
    'PATCH /org-unit-contacts/{id}' => sub { { name => 'Nama Baru' } },
    'POST /tickets/{id}/route'      => sub { { org_unit_id => $unit_of{own}, note => 'Untuk bidang ini.' } },
    'PUT /org-units/{id}/front-desk' => sub { { pharmacy_id => $office_client, module_id => module_id('Penjualan'),
                                               visitor_category_id => category_id('Bug Sistem'),
                                               surat_category_id => category_id('Bug Sistem') } },
    'POST /visitors'                => sub { visitor_body() },
    'POST /surat'                   => sub { surat_body() },
    'POST /desk-tokens'             => sub { { name => tag('Meja'), org_unit_id => $unit_of{own} } },
    'POST /checkin'                 => sub { { token => desk_token(), name => 'Tamu QR Matriks', purpose => 'Konsultasi' } },
);

# An operator's objects: the ticket behind each in their unit (own) or in
# the other unit, and theirs to work.
sub place_for_operator {
    my ($kind, $object, $id) = @_;
    my $ticket = $kind eq 'attachment' ? db_value('SELECT ticket_id FROM ticket_attachments WHERE public_id = ?', $id)
               : $kind eq 'notification' ? db_value('SELECT ticket_id FROM notify_deliveries WHERE id = ?', $id)
               : $id;
    db_do('UPDATE tickets SET org_unit_id = ?, tech_id = ? WHERE id = ?',
          $unit_of{ $object eq 'own' ? 'own' : 'other' }, user_id($user_of{operator}), $ticket);
}

# The object variants a caller is tried with: own, other pharmacy's, none.
sub objects {
    my ($exp, $caller) = @_;
    my $kind = $exp->{kind};
    return ([none => undef]) unless $kind && $exp->{path_has_id};
    my @o;
    if ($kind eq 'notification' || $kind eq 'view') {
        # the caller's own, and someone else's
        my $me = $role_of{$caller} ? $user_of{$caller} // $caller : 'admin';
        push @o, [own => $make{$kind}->($me)], [other => $make{$kind}->('admin2')];
        place_for_operator($kind, $o[0][0], $o[0][1]) if $caller eq 'operator';
    } elsif ($kind eq 'visitor' || $kind eq 'surat') {
        push @o, [own => $make{$kind}->('own')], [other => $make{$kind}->('other')];
    } elsif ($kind eq 'org_unit' && $exp->{method} eq 'GET') {
        push @o, [own => $make{$kind}->('own')], [other => $make{$kind}->('other')];
    } elsif ($kind eq 'ticket' || $kind eq 'pharmacy' || $kind eq 'attachment') {
        my $own = $home{$caller} // 'APT-A';
        my $other = $own eq 'APT-A' ? 'APT-B' : 'APT-A';
        my $writes = $exp->{method} ne 'GET' && $kind eq 'pharmacy' && ($role_of{$caller} // '') eq 'admin';
        push @o, [own   => $writes ? $make{$kind}->() : $make{$kind}->($own, $exp->{file})];
        push @o, [other => $writes ? $make{$kind}->() : $make{$kind}->($other, $exp->{file})];
        if ($caller eq 'operator' && $kind ne 'pharmacy') {
            place_for_operator($kind, @$_) for @o;
        }
    } elsif ($kind eq 'escalated' && $caller eq 'operator') {
        push @o, [own => $make{$kind}->()];
        place_for_operator('ticket', @{ $o[0] });
    } else {
        push @o, [own => $make{$kind}->()];
    }
    push @o, [missing => 999999999];
    return @o;
}

sub expected {
    my ($exp, $caller, $object) = @_;
    return ($exp->{ok}, undef) if $exp->{public};
    return (401, undef) if $caller eq 'anonymous';
    return (403, 'no_access') if $caller eq 'norole';
    my $role = $role_of{$caller};
    if (!grep { $_ eq $role } @{ $exp->{allow} }) {
        # a rule that reads the object answers as if it were missing first
        return (404, 'not_found') if $exp->{rule_after_lookup} && grep({ $_ eq $role } @{ $exp->{rule_after_lookup} })
            && ($object eq 'missing' || ($object eq 'other' && $role eq 'customer'));
        return (403, 'forbidden');
    }
    return (404, 'not_found') if $caller eq 'operator' && $exp->{operator_404};
    return (403, 'forbidden') if $caller eq 'operator' && $operator_refused{"$exp->{method} $exp->{pattern}"};
    return (404, 'not_found') if $object eq 'missing';
    return (404, 'not_found') if $object eq 'other' && $caller eq 'operator' && $exp->{unit_scoped};
    return (404, 'not_found') if $object eq 'other' && $role eq 'customer' && $exp->{scoped};
    return (404, 'not_found') if $object eq 'other' && $exp->{owned};
    return ($exp->{ok}, undef);
}

for my $route (@routes) {
    my $exp = $expect{ $route->{key} } or next;
    $exp->{method} = $route->{method};
    $exp->{pattern} = $route->{pattern};
    $exp->{path_has_id} = $route->{pattern} =~ /\{id\}/;
    for my $caller (@callers) {
        for my $o (objects($exp, $caller)) {
            my ($object, $id) = @$o;
            (my $path = "/api$route->{pattern}") =~ s/\{id\}/$id/;
            my @opt;
            if (my $b = $body{ $route->{key} }) {
                @opt = (json => $b->($caller eq 'anonymous' || $caller eq 'norole' ? 'admin' : $user_of{$caller} // $caller));
            } elsif (my $f = $form{ $route->{key} }) {
                my ($form_body, $ct) = form_data(@$f);
                @opt = (body => $form_body, content_type => $ct);
            }
            push @opt, query => (ref $exp->{query} eq 'CODE' ? $exp->{query}->() : $exp->{query}) if $exp->{query};
            # one address makes every request here: the check-in's limits
            # per address are t/56's, not the matrix's
            db_do('DELETE FROM checkin_hits') if $exp->{public};
            my $r = api($caller eq 'anonymous' ? undef : $user_of{$caller} // $caller, $route->{method} => $path, @opt);
            my ($status, $code) = expected($exp, $caller, $object);
            my $name = "$route->{key} as $caller" . ($object eq 'none' ? '' : " ($object)") . ": $status";
            if (defined $code) {
                is_error $r, $status, $code, undef, $name;
            } else {
                is $r->status, $status, $name or diag substr($r->body, 0, 300);
            }
        }
    }
}

# the matrix's webhook endpoints go, with their deliveries
api('admin', DELETE => "/api/webhook-endpoints/$_->[0]")
    for db_query(q{SELECT id FROM webhook_endpoints WHERE url = 'http://127.0.0.1:9/authz'});
# and its saved views, which would otherwise crowd the menus of later tests
db_do(q{DELETE FROM saved_views WHERE name LIKE 'AuthzView-%'});

# ---- what a customer's lists show -----------------------------------------------

{
    my $b_ticket = create_ticket('cust_b', title => tag('Beta'))->json->{id};
    my $a_ticket = create_ticket('cust_a', title => tag('Alpha'))->json->{id};
    my $apt_b = pharmacy_id('APT-B');

    my ($items) = all_pages('cust_a', '/api/tickets', { limit => 100 });
    ok !(grep { $_->{pharmacy}{id} != pharmacy_id('APT-A') } @$items), "cust_a's list: only APT-A tickets";
    ok((grep { $_->{id} == $a_ticket } @$items), '... including their new one');
    ($items) = all_pages('cust_a', '/api/tickets', { pharmacy_id => $apt_b });
    is scalar(@$items), 0, "cust_a filtering by APT-B: no items";
    ($items) = all_pages('cust_a', '/api/tickets', { pharmacy_id => $apt_b, status => 'open', sort => 'id' });
    is scalar(@$items), 0, '... whatever the other filters';
    ($items) = all_pages('cust_b', '/api/tickets', { limit => 100 });
    ok !(grep { $_->{pharmacy}{id} != $apt_b } @$items), "cust_b's list: only APT-B tickets";
    ok((grep { $_->{id} == $b_ticket } @$items), '... including theirs');
    ($items) = all_pages('manager', '/api/tickets', { pharmacy_id => $apt_b });
    ok((grep { $_->{id} == $b_ticket } @$items), 'staff see APT-B tickets');

    my $ph = api('cust_a', GET => '/api/pharmacies', query => { include_inactive => 'true' });
    is $ph->status, 200, 'a customer lists pharmacies';
    is_deeply [map { $_->{code} } @{ $ph->json->{items} }], ['APT-A'], '... and sees only their own';
    $ph = api('cust_a', GET => '/api/pharmacies', query => { q => 'Apotek B' });
    is_deeply $ph->json->{items}, [], '... not even by searching for another';
    $ph = api('admin', GET => '/api/pharmacies', query => { q => 'APT-' });
    ok scalar(@{ $ph->json->{items} }) >= 2, 'staff see every active pharmacy';
}

done_testing;
