#!/usr/bin/perl
# The API's description (htdocs/api/openapi.json): Redocly's lint passes on
# it without an error or a warning; it has every route of the route table
# (src/mod_pd_routes.c, printed by t/openapi/routes) and no other, with the
# same query parameters, Idempotency-Key, multipart body and permission; its
# roles per permission are what GET /api/me reports; and Apache serves it,
# and its documentation page, to anyone. Every answer the other server tests
# receive is checked against it as well (PD::OpenAPI).
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;
use PD::OpenAPI;

my $root = $ENV{PD_ROOT};
my $file = "$root/htdocs/api/openapi.json";
my $doc = PD::OpenAPI::document();
my @METHODS = qw(get put post delete options head patch trace);

# ---- Redocly's lint --------------------------------------------------------------

{
    my $cli = "$root/t/openapi/node_modules/\@redocly/cli/bin/cli.js";
    if (!-e $cli) {
        fail("$cli is missing: scripts/test installs it");
    } else {
        # no telemetry and no update check: the lint needs no network
        local $ENV{REDOCLY_TELEMETRY} = 'off';
        local $ENV{REDOCLY_SUPPRESS_UPDATE_NOTICE} = 'true';
        my $pid = open(my $fh, '-|') // die "fork: $!";
        if (!$pid) {
            open STDERR, '>', '/dev/null';
            exec 'node', $cli, 'lint', '--config', "$root/t/openapi/redocly.yaml", '--format', 'json', $file
                or exit 127;
        }
        my $out = do { local $/; <$fh> };
        close $fh;
        my $rc = $? >> 8;
        my $report = eval { $JSON->decode($out) };
        if (!$report) {
            fail('redocly lint reports in JSON') or diag "exit $rc: " . substr($out // '', 0, 2000);
        } else {
            my $t = $report->{totals};
            ok $rc == 0 && $t->{errors} == 0 && $t->{warnings} == 0,
                "redocly lint: no error, no warning ($t->{errors} errors, $t->{warnings} warnings)"
                or diag join "\n", map {
                    "$_->{severity} $_->{ruleId}: $_->{message} at "
                        . join(', ', map { $_->{pointer} // '' } @{ $_->{location} // [] })
                } @{ $report->{problems} };
        }
    }
}

# ---- the route table -------------------------------------------------------------

my $dump = ($ENV{PD_BUILD_DIR} // $root) . '/t/openapi/routes';
my $routes = -x $dump ? $JSON->decode(scalar qx{$dump}) : undef;
ok $routes && @$routes >= 30, 'the route table prints (t/openapi/routes)'
    or BAIL_OUT("$dump did not run: the build makes it (make check TESTS=)");

# Parameters of an operation, with its path's, references followed.
sub params_of {
    my ($path, $method) = @_;
    my $item = $doc->{paths}{$path};
    return map { PD::OpenAPI::deref($_) } @{ $item->{parameters} // [] }, @{ $item->{$method}{parameters} // [] };
}

my %in_table;
for my $r (@$routes) {
    my $key = "$r->{method} $r->{path}";
    $in_table{$key} = 1;
    my $op = $doc->{paths}{ $r->{path} } && $doc->{paths}{ $r->{path} }{ lc $r->{method} };
    if (!$op) {
        fail("$key is in the description");
        next;
    }
    my @params = params_of($r->{path}, lc $r->{method});
    is_deeply [sort map { $_->{name} } grep { $_->{in} eq 'query' } @params], [sort @{ $r->{query} }],
        "$key: the query parameters of the route table";
    is scalar(grep { $_->{in} eq 'header' && $_->{name} eq 'Idempotency-Key' } @params), $r->{idempotency_key} ? 1 : 0,
        "$key: Idempotency-Key " . ($r->{idempotency_key} ? 'taken' : 'not taken');
    my $body = PD::OpenAPI::deref($op->{requestBody} // {});
    is !!($body->{content} && $body->{content}{'multipart/form-data'}), !!$r->{multipart},
        "$key: " . ($r->{multipart} ? 'a multipart body' : 'no multipart body');
    is $op->{'x-pharmadesk-permission'}, $r->{permission}, "$key: permission $r->{permission}";
    my @ids = $r->{path} =~ /\{(\w+)\}/g;
    is_deeply [sort map { $_->{name} } grep { $_->{in} eq 'path' } @params], [sort @ids], "$key: its path parameters";
}
for my $path (sort keys %{ $doc->{paths} }) {
    for my $method (grep { $doc->{paths}{$path}{$_} } @METHODS) {
        ok $in_table{ uc($method) . " $path" }, uc($method) . " $path of the description is in the route table";
    }
}

# ---- what every operation answers ------------------------------------------------

# The rules PD::OpenAPI applies to every request need each operation to list
# the statuses any request can get; and a permission that some role lacks
# needs 403 forbidden.
my %roles_of = map { $_->{const} => $_->{'x-pharmadesk-roles'} } @{ $doc->{components}{schemas}{Permission}{oneOf} };
# the permissions an operator (a tech with an org unit) lacks although techs have them
my %operator_lacks = map { $_->{const} => 1 }
    grep { exists $_->{'x-pharmadesk-operator'} && !$_->{'x-pharmadesk-operator'} }
    @{ $doc->{components}{schemas}{Permission}{oneOf} };
sub codes_of {
    my ($response) = @_;
    my $r = PD::OpenAPI::deref($response // {});
    my $schema = $r->{content} && $r->{content}{'application/json'} && $r->{content}{'application/json'}{schema};
    return @{ $schema && $schema->{properties}{error}{properties}{code}{enum} // [] };
}
for my $path (sort keys %{ $doc->{paths} }) {
    for my $method (grep { $doc->{paths}{$path}{$_} } @METHODS) {
        my $op = $doc->{paths}{$path}{$method};
        my $key = uc($method) . " $path";
        my $responses = $op->{responses};
        my @missing = grep { !$responses->{$_} } qw(400 401 403 503);
        ok !@missing, "$key lists 400, 401, 403 and 503" or diag "missing: @missing";
        my %codes = map { $_ => 1 } codes_of($responses->{400});
        ok $codes{invalid_parameter} && $codes{unknown_parameter}, "$key: 400 invalid_parameter and unknown_parameter";
        my $roles = $roles_of{ $op->{'x-pharmadesk-permission'} // '' };
        ok $roles, "$key: its permission is a Permission";
        my %forbidden = map { $_ => 1 } codes_of($responses->{403});
        is !!$forbidden{forbidden},
            !!($roles && (@$roles < 5 || $operator_lacks{ $op->{'x-pharmadesk-permission'} })),
            "$key: 403 forbidden listed exactly when a role (or an operator) lacks the permission";
    }
}

# ---- permissions by role, as the server reports them ---------------------------

{
    my %want;
    # a public action is no permission of a role: GET /me leaves it out
    my %public = map { $_->{const} => 1 } grep { $_->{'x-pharmadesk-public'} }
        @{ $doc->{components}{schemas}{Permission}{oneOf} };
    for my $perm (grep { !$public{$_} } keys %roles_of) {
        push @{ $want{$_} }, $perm for @{ $roles_of{$perm} };
    }
    my $users = ROLE_USERS;
    for my $role (sort keys %$users) {
        my $me = api($users->{$role}, GET => '/api/me');
        is_deeply [sort @{ ($me->json // {})->{permissions} // [] }], [sort @{ $want{$role} // [] }],
            "$role: GET /api/me lists the permissions the description gives the role";
    }
}

# ---- served by Apache, to anyone -------------------------------------------------

{
    my $bytes = read_file($file);
    my $r = api(undef, GET => '/api/openapi.json');
    is $r->status, 200, 'GET /api/openapi.json without credentials: 200';
    like $r->header('Content-Type') // '', qr{^application/json\b}, '... as application/json';
    ok $r->body eq $bytes, '... the file as it is in htdocs/api/';
    is $r->header('Cache-Control'), 'no-cache', '... revalidated on every use';
    like $r->header('Content-Security-Policy') // '', qr/default-src 'self'/, '... with the portal\'s security headers';
    is $r->header('X-Content-Type-Options'), 'nosniff', '... nosniff';
    my $etag = $r->header('ETag');
    ok $etag, '... with an ETag';
    is api(undef, GET => '/api/openapi.json', headers => { 'If-None-Match' => $etag // '""' })->status, 304,
        '... and 304 with If-None-Match';
    is api(undef, HEAD => '/api/openapi.json')->status, 200, 'HEAD: 200';
    is api('cust_a', GET => '/api/openapi.json')->status, 200, 'with a bearer token: 200 as well';
    is_error api(undef, GET => '/api'), 401, 'unauthenticated', undef,
        '/api itself is still the API\'s (401 without credentials, not a redirect to /api/)';
    is_error api('admin', GET => '/api/openapi.jsonx'), 404, 'not_found', undef, 'a neighbour of the file is the API\'s';
    for my $page ('/api.html', '/docs/api-docs.js', '/docs/api-docs.css') {
        my $p = api(undef, GET => $page);
        is $p->status, 200, "GET $page without a session: 200";
        is $p->header('Cache-Control'), 'no-cache', "... revalidated on every use";
    }
}

done_testing;
