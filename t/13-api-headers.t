#!/usr/bin/perl
# Every answer under /api is kept out of caches, whoever wrote it: the
# module, mod_auth_openidc, Apache's ErrorDocument (the 401 body is a static
# file) or Apache itself (a TRACE is refused before any handler). Each
# status the API can answer is provoked once here, and its headers checked:
# Cache-Control: no-store and nosniff on all; on errors also a JSON body
# and no validators (ETag, Last-Modified) that would invite a conditional
# request for an answer that must not be stored. The 503 of a database
# outage is checked the same way by t/60-pg-restart.t.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

sub check {
    my ($r, $status, $what) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    is $r->status, $status, "$what: $status" or diag substr($r->body // '', 0, 300);
    api_headers_ok($r, "$what: headers");
}

my $t = create_ticket('cust_a', title => tag('Kepala'))->json;
my $id = $t->{id};

# ---- successes and their conditional forms -----------------------------------

check(api('cust_a', GET => '/api/me'), 200, 'GET /api/me');
my $list = api('cust_a', GET => '/api/tickets', query => { limit => 5 });
check($list, 200, 'a list page');
check(api('cust_a', GET => '/api/tickets', query => { limit => 5 },
    headers => { 'If-None-Match' => $list->header('ETag') }), 304, 'a list page not modified');
my $one = api('cust_a', GET => "/api/tickets/$id");
check($one, 200, 'a ticket');
check(api('cust_a', GET => "/api/tickets/$id", headers => { 'If-None-Match' => $one->header('ETag') }),
    304, 'a ticket not modified');
check(api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', title => tag('Baru'))), 201,
    'POST /api/tickets');
check(api('cust_a', OPTIONS => '/api/tickets'), 204, 'OPTIONS /api/tickets');

my $up = upload('cust_a', $id, [[file => { filename => 'catatan.txt', content => "baris catatan\n" x 50,
    type => 'text/plain' }]]);
check($up, 201, 'an upload');
my $file = $up->json->{items}[0]{download_url};
my $whole = api('cust_a', GET => $file);
check($whole, 200, 'a download');
check(api('cust_a', GET => $file, headers => { Range => 'bytes=0-9' }), 206, 'a part of a download');
check(api('cust_a', GET => $file, headers => { 'If-None-Match' => $whole->header('ETag') }), 304,
    'a download not modified');

# ---- errors the module answers -------------------------------------------------

check(api('cust_a', GET => '/api/tickets', query => { limit => 'banyak' }), 400, 'a bad parameter');
check(api('cust_a', GET => '/api/audit'), 403, 'a role without the right');
check(api('cust_a', GET => '/api/tickets/999999999'), 404, 'no such ticket');
check(api('cust_a', GET => '/api/no-such-thing'), 404, 'no such resource');
check(api('cust_a', DELETE => '/api/me'), 405, 'a method the resource lacks');
check(api('admin', POST => '/api/pharmacies', json => { code => 'APT-A', name => 'Sudah Ada' }), 409,
    'a taken pharmacy code');
check(api('expert', PATCH => "/api/tickets/$id", json => { priority => 'high' },
    headers => { 'If-Match' => '"t0-v0"' }), 412, 'a stale If-Match');
check(api('cust_a', POST => '/api/tickets', body => '{"title":"' . ('x' x 70_000) . '"}',
    content_type => 'application/json'), 413, 'a body over PharmadeskMaxJsonBody');
check(api('cust_a', POST => '/api/tickets', body => '{"title":"' . ('x' x 1_100_000) . '"}',
    content_type => 'application/json'), 413, 'a body over LimitRequestBody');
check(api('cust_a', POST => '/api/tickets', body => 'x', content_type => 'text/plain'), 415,
    'a body that is not JSON');
check(api('cust_a', GET => $file, headers => { Range => 'bytes=100000-' }), 416, 'a range past the end');
check(api('cust_a', POST => '/api/tickets', json => {}), 422, 'an empty ticket');

# ---- errors Apache answers -------------------------------------------------------

expect_error_log(qr/oidc_oauth_validate_jwt_access_token: could not parse JWT/);
my $anon = api(undef, GET => '/api/me');
check($anon, 401, 'no credentials');
is eval { $anon->json->{error}{code} }, 'unauthenticated', '... the error body of errors/401.json';
my $bad = api(undef, GET => '/api/me', token => 'not-a-token');
check($bad, 401, 'a malformed bearer token');
like $bad->header('WWW-Authenticate') // '', qr/^Bearer\b/, '... with its WWW-Authenticate';
check(api('cust_a', TRACE => '/api/me'), 405, 'TRACE');

done_testing;
