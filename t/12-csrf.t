#!/usr/bin/perl
# Cross-site request forgery: a write whose Origin names another site is
# refused whatever the credentials; writes from the portal itself (same
# origin) and from non-browser clients (no Origin) go through. The API never
# grants cross-origin access (no CORS headers).
use strict;
use warnings;
use utf8;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

my ($host) = $ENV{PD_TEST_URL} =~ m{^https?://([^/]+)};
my $same = "http://$host";

sub write_with {
    my ($method, $path, $origin, %opt) = @_;
    my %h = defined $origin ? (Origin => $origin) : ();
    return api('admin', $method => $path, headers => \%h, %opt);
}

my $body = ticket_body('admin', pharmacy_id => pharmacy_id('APT-A'), title => tag('CSRF'));
my $r = write_with(POST => '/api/tickets', undef, json => $body);
is $r->status, 201, 'no Origin (a non-browser client): the write goes through';
my $id = $r->json->{id};

$r = write_with(POST => '/api/tickets', $same, json => $body);
is $r->status, 201, 'the same origin (the portal): the write goes through';
$r = write_with(POST => '/api/tickets', "https://$host", json => $body);
is $r->status, 201, '... also when a proxy in front terminates TLS';

for my $origin ('http://evil.example', 'https://evil.example', "http://$host.evil.example",
                "http://evil.example/$host", 'null', 'http://127.0.0.2:1', 'garbage') {
    my $before = db_value('SELECT count(*) FROM tickets');
    is_error write_with(POST => '/api/tickets', $origin, json => $body), 403, 'cross_origin', undef,
        "POST with Origin $origin: 403";
    is db_value('SELECT count(*) FROM tickets'), $before, '... and nothing was written';
    is_error write_with(PATCH => "/api/tickets/$id", $origin, json => { priority => 'urgent' }), 403,
        'cross_origin', undef, "PATCH with Origin $origin: 403";
    is_error write_with(DELETE => "/api/tickets/$id", $origin), 403, 'cross_origin', undef,
        "DELETE with Origin $origin: 403";
}
is db_value('SELECT priority FROM tickets WHERE id = ?', $id), 'medium', 'the ticket was not changed';

# reads are not writes: another site's page cannot read them anyway, since no
# response ever allows it
$r = api('admin', GET => "/api/tickets/$id", headers => { Origin => 'http://evil.example' });
is $r->status, 200, 'a GET with a foreign Origin is answered';
ok !defined $r->header('Access-Control-Allow-Origin'), '... without Access-Control-Allow-Origin';
$r = api('admin', OPTIONS => "/api/tickets/$id", headers => {
    Origin => 'http://evil.example', 'Access-Control-Request-Method' => 'DELETE' });
ok !defined $r->header('Access-Control-Allow-Origin'), 'a preflight gets no CORS grant';
ok !defined $r->header('Access-Control-Allow-Methods'), '... and no allowed methods';

is write_with(DELETE => "/api/tickets/$id", $same)->status, 204, 'the same origin may delete';

done_testing;
